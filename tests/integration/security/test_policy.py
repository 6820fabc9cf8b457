# SPDX-License-Identifier: BSD-3-Clause
"""Peer policy (issue 11), in the DRA and in the HSS, with real daemons and raw peers that
advertise S6a or Cx only, as MMEs and CSCFs do:
  - an MME's CLR to another MME is refused at the DRA (3001), the other MME gets nothing;
  - an AIR from a CSCF is refused (3007), through the DRA and directly at the HSS (with the
    S6a head), where it used to get vectors;
  - a spoofed Origin-Host is refused at the DRA (5003); the DRA, a trusted relay, may carry
    the MMEs' Origin-Hosts to the HSS;
  - an IMSI outside the MME's range is refused (5003);
  - a `reject: true` route cannot be bypassed by naming a connected Destination-Host (3002);
  - refusals are counted per peer and logged at most once per interval;
  - dra --check names file and line of a policy error, and a reload with one keeps the
    running policy."""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seclib  # noqa: E402
from seclib import harness, hsslib  # noqa: E402

A = harness.avp_encode
IMSI = '001010000000041'

DRA_POLICY = {
    'log_interval': 3600,
    'peers': [
        {'match': 'hss.test', 'role': 'hss'},
        {'match': 'mme*.test', 'role': 'mme', 'imsi': ['00101']},
        {'match': 'cscf*.test', 'role': 'cscf'},
    ],
}
HSS_POLICY = {
    'peers': [
        {'match': 'dra.test', 'role': 'relay'},
        {'match': 'mme*.test', 'role': 'mme'},
        {'match': 'cscf*.test', 'role': 'cscf'},
    ],
}


def no_request(h, client, what, wait=1.0):
    client.s.settimeout(wait)
    m = client.answer()
    h.check(m == 'timeout', '%s received nothing' % what)
    client.s.settimeout(5)


def test(h):
    dra_port, hss_port = h.port(), h.port()
    db, ctl = h.path('hss.db'), h.path('hss.ctl')
    hsslib.init(h, db)
    hsslib.provision(h, db, IMSI)
    hcfg = h.write_config('hss.yaml', 'hss.test', 'test', hss_port, ctl_socket=ctl,
                          database={'backend': 'sqlite', 'path': db}, policy=HSS_POLICY,
                          extra='s6a:\n  home_plmns: ["00101"]\n')
    hss = h.start('hss', [h.binary('hss'), '-c', hcfg], wait_port=hss_port)
    stats = h.path('dra.stats')
    dra_kw = dict(peers=[{'host': 'hss.test', 'realm': 'test', 'port': hss_port}],
                  peer_groups=[{'name': 'hss', 'peers': ['hss.test']}],
                  routes=[{'name': 'blocked', 'match': {'realm': 'blocked.test'}, 'reject': True},
                          {'name': 'home', 'match': {'realm': 'test'}, 'group': 'hss'}],
                  stats_file=stats)
    dcfg = h.write_config('dra.yaml', 'dra.test', 'dra.realm', dra_port, policy=DRA_POLICY, **dra_kw)
    r = subprocess.run([h.binary('dra'), '--check', '-c', dcfg], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    h.check(r.returncode == 0, 'dra --check accepts the policy: %s' % r.stderr.strip())
    dra = h.dra(dcfg)
    dra.wait_peer_open('hss.test')

    mme1 = seclib.mme(h, dra_port, 'mme1.test')
    mme2 = seclib.mme(h, dra_port, 'mme2.test')

    # An MME's allowed request through the DRA: served (the DRA is a trusted relay at the HSS).
    a = mme1.request(seclib.S6A, 318, seclib.air_avps('test', IMSI))
    h.check(seclib.result_code(a) == 2001, 'AIR from mme1 through the DRA: 2001 (%s)' % seclib.result_code(a))

    # An MME's CLR to another MME: refused at the DRA, whatever the Destination-Host.
    a = mme1.request(seclib.S6A, 317, seclib.clr_avps('test', 'mme2.test', IMSI))
    h.check(seclib.result_code(a) == 3001 and a.flags & 0x20,
            'CLR from mme1 to mme2: 3001 DIAMETER_COMMAND_UNSUPPORTED with the E bit (%s)' %
            seclib.result_code(a))
    h.check([x.data.decode() for x in a.find(294)] == ['dra.test'], 'Error-Reporting-Host dra.test')
    h.check([x.u32() for x in a.find(277)] == [1], 'the 3001 of the DRA has Auth-Session-State')
    no_request(h, mme2, 'mme2')

    # A CSCF asking for S6a vectors: refused at the DRA and at the HSS.
    cscf = harness.RawClient(h, dra_port, 'cscf1.test', realm='test', apps=(seclib.CX,))
    a = cscf.request(seclib.S6A, 318, seclib.air_avps('test', IMSI))
    h.check(seclib.result_code(a) == 3007, 'AIR from a CSCF through the DRA: 3007 (%s)' %
            seclib.result_code(a))
    cscf_d = harness.RawClient(h, hss_port, 'cscf2.test', realm='test', apps=(seclib.CX,))
    a = cscf_d.request(seclib.S6A, 318, seclib.air_avps('test', IMSI))
    h.check(seclib.result_code(a) == 3007 and not a.find(1413, 10415),
            'AIR from a CSCF directly at the HSS: 3007, no vectors (%s)' % seclib.result_code(a))
    h.check([x.children()[1].u32() for x in a.find(260)] == [seclib.S6A] and
            [x.u32() for x in a.find(277)] == [1], 'the 3007 of the HSS has the S6a head')

    # A spoofed Origin-Host.
    head = A(263, 'mme1.test;spoof;1') + A(264, 'mme7.test') + A(296, 'test')
    mme1.send(harness.msg_encode(318, seclib.S6A, 0xc0, 77, 77, head + seclib.air_avps('test', IMSI)))
    a = mme1.answer()
    h.check(seclib.result_code(a) == 5003 and not (a.flags & 0x20),
            'AIR from mme1 with Origin-Host mme7: 5003 DIAMETER_AUTHORIZATION_REJECTED (%s)' %
            seclib.result_code(a))
    # the DRA's own answer carries the request's S6a head (an MME may drop an AIA without
    # Auth-Session-State as malformed)
    h.check([x.children()[1].u32() for x in a.find(260)] == [seclib.S6A] and
            [x.u32() for x in a.find(277)] == [1],
            'the 5003 of the DRA has the S6a head (Vendor-Specific-Application-Id, '
            'Auth-Session-State): %s %s' % (a.find(260), a.find(277)))
    # ... and at the HSS from a direct peer (the HSS registers Origin-Host as the MME).
    mme3 = seclib.mme(h, hss_port, 'mme3.test')
    head = A(263, 'mme3.test;spoof;1') + A(264, 'mme1.test') + A(296, 'test')
    mme3.send(harness.msg_encode(316, seclib.S6A, 0xc0, 78, 78, head + seclib.ulr_avps('test', IMSI)))
    a = mme3.answer()
    h.check(seclib.result_code(a) == 5003, 'ULR at the HSS from mme3 as mme1: 5003 (%s)' %
            seclib.result_code(a))

    # An IMSI outside the MME's range.
    a = mme1.request(seclib.S6A, 318, seclib.air_avps('test', '001020000000001'))
    h.check(seclib.result_code(a) == 5003, 'AIR for an IMSI outside 00101: 5003 (%s)' %
            seclib.result_code(a))

    # A reject route wins over a connected Destination-Host.
    a = mme1.request(seclib.S6A, 318, seclib.air_avps('blocked.test', IMSI, dest_host='hss.test'))
    h.check(seclib.result_code(a) == 3002,
            'AIR for the rejected realm naming hss.test: 3002 (%s)' % seclib.result_code(a))

    # Counted per peer, logged once per interval (3600 s here) for 20 more refusals.
    for i in range(20):
        mme1.request(seclib.S6A, 317, seclib.clr_avps('test', 'mme2.test', IMSI), hbh=100 + i)
    st = h.dra_stats(dra, stats)
    h.check(st.get(('policy', 'mme1.test', 'refused_command')) == 21 and
            st.get(('policy', 'mme1.test', 'refused_origin_host')) == 1 and
            st.get(('policy', 'mme1.test', 'refused_imsi')) == 1 and
            st.get(('policy', 'cscf1.test', 'refused_application')) == 1 and
            st.get(('global', '-', 'policy_refused')) == 24,
            'refusals counted per peer: %s' % {k: v for k, v in st.items() if k[0] == 'policy'})
    lines = [l for l in (dra.stdout() + dra.stderr()).splitlines() if 'policy: refused' in l]
    h.check(len(lines) == 1, 'one log line for 24 refusals: %d' % len(lines))
    hst = hsslib.Hss(h, None, hss_port, db, ctl).stats()
    h.check(hst['vectors']['policy_refused'] == 2, 'HSS policy_refused: %s' % hst['vectors'])
    hss.p.send_signal(signal.SIGUSR1)
    hss.wait_log(r'hss: stats: policy:mme3\.test refused_origin_host=1', timeout=10)
    hss.wait_log(r'hss: stats: policy:cscf2\.test refused_application=1', timeout=10)
    h.check(True, 'the HSS logs its refusals per peer on SIGUSR1')

    # A policy error: --check names file and line; a reload keeps the running policy.
    bad = dict(DRA_POLICY, peers=DRA_POLICY['peers'] + [{'match': 'x', 'send': ['s6a:XYZ']}])
    text = harness.config_yaml('dra.test', 'dra.realm', dra_port, policy=bad, **dra_kw)
    with open(dcfg, 'w') as f:
        f.write(text)
    line = 1 + text.splitlines().index(next(l for l in text.splitlines() if 's6a:XYZ' in l))
    r = subprocess.run([h.binary('dra'), '--check', '-c', dcfg], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, text=True)
    h.check(r.returncode == 1 and ('%s:%d:' % (dcfg, line)) in r.stderr and 's6a:XYZ' in r.stderr,
            'dra --check: %s' % r.stderr.strip())
    dra.p.send_signal(signal.SIGHUP)
    dra.wait_log('reload of .* failed', timeout=10)
    a = mme1.request(seclib.S6A, 317, seclib.clr_avps('test', 'mme2.test', IMSI), hbh=300)
    h.check(seclib.result_code(a) == 3001, 'after the failed reload the policy still refuses (%s)' %
            seclib.result_code(a))
    a = mme1.request(seclib.S6A, 318, seclib.air_avps('test', IMSI), hbh=301)
    h.check(seclib.result_code(a) == 2001, 'and still serves mme1 (%s)' % seclib.result_code(a))


harness.run(test, ports=(26020, 26039))

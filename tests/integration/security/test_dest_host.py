# SPDX-License-Identifier: BSD-3-Clause
"""A request naming a Destination-Host goes to that host or to a relay, never to another end
node (issue 11). An HSS has mme1 connected directly and the DRA as its default route; mme2
is reached only through the DRA. An HSS-initiated CLR for an IMSI served by mme2 must land on
mme2, not on mme1 (before the fix freeDiameter's realm match, +15, beat the default route,
+5: mme1 got the CLR). The same through the DRA: a request for a Destination-Host that is not
connected is not handed to another end node of the route's group."""
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seclib  # noqa: E402
from seclib import harness, hsslib  # noqa: E402

IMSI = '001010000000031'


def no_request(h, client, what, wait=1.5):
    client.s.settimeout(wait)
    m = client.answer()
    h.check(m == 'timeout', '%s received nothing (got %r)' % (what, m if m == 'timeout' or m is None
                                                               else (m.code, m.request)))


def test(h):
    dra_port, hss_port = h.port(), h.port()
    db, ctl = h.path('hss.db'), h.path('hss.ctl')
    hsslib.init(h, db)
    hsslib.provision(h, db, IMSI)
    # The HSS: the DRA is its default route (the HSS connects to it).
    cfg = h.write_config('hss.yaml', 'hss.test', 'test', hss_port, ctl_socket=ctl,
                         peers=[{'host': 'dra.test', 'realm': 'dra.realm', 'port': dra_port}],
                         diameter={'default_route': ['dra.test']},
                         database={'backend': 'sqlite', 'path': db},
                         extra='s6a:\n  home_plmns: ["00101"]\n')
    h.start('hss', [h.binary('hss'), '-c', cfg], wait_port=hss_port)

    dcfg = h.write_config('dra.yaml', 'dra.test', 'dra.realm', dra_port,
                          peer_groups=[{'name': 'hss', 'peers': ['hss.test']},
                                       {'name': 'mmes', 'peers': ['mme1.test', 'mme3.test']}],
                          routes=[{'name': 'mmes', 'match': {'realm': 'epc'}, 'group': 'mmes'},
                                  {'name': 'home', 'match': {'realm': 'test'}, 'group': 'hss'}])
    dra = h.dra(dcfg)
    dra.wait_peer_open('hss.test')

    # mme1 directly on the HSS; mme2 on the DRA. Both advertise S6a only.
    mme1 = seclib.mme(h, hss_port, 'mme1.test')
    mme2 = seclib.mme(h, dra_port, 'mme2.test')
    a = mme2.request(seclib.S6A, 316, seclib.ulr_avps('test', IMSI))
    h.check(seclib.result_code(a) == 2001, 'ULR from mme2 through the DRA: 2001 (%s)' %
            seclib.result_code(a))

    line = harness.ctl_request(ctl, 'clr %s' % IMSI)
    h.check(line.startswith('ok'), 'hssctl clr: %s' % line)
    mme2.s.settimeout(10)
    clr = mme2.answer()
    h.check(isinstance(clr, harness.RawMsg) and clr.request and clr.code == 317,
            'mme2 (behind the DRA) received the CLR (%r)' % (clr,))
    mme2.s.sendall(harness.msg_encode(317, seclib.S6A, 0x40, clr.hbh, clr.e2e,
                                      b''.join(harness.avp_encode(263, x.data) for x in clr.find(263)) +
                                      seclib.vsai(seclib.S6A) + harness.avp_encode(268, 2001) +
                                      harness.avp_encode(277, 1) + harness.avp_encode(264, 'mme2.test') +
                                      harness.avp_encode(296, 'test')))
    no_request(h, mme1, 'mme1 (connected directly, not the Destination-Host)')

    # Through the DRA: a request for epc's mme9 (not connected) is not given to mme1 of the
    # route's group; it gets 3002 from the DRA.
    mme1b = seclib.mme(h, dra_port, 'mme1.test', realm='epc')
    hssc = seclib.mme(h, dra_port, 'hssx.test')
    a = hssc.request(seclib.S6A, 317, seclib.clr_avps('epc', 'mme9.epc', IMSI))
    h.check(seclib.result_code(a) == 3002,
            'CLR for a Destination-Host that is not connected: 3002 from the DRA (%s)' %
            seclib.result_code(a))
    no_request(h, mme1b, 'mme1 behind the DRA (in the route group, not the Destination-Host)')


harness.run(test, ports=(26000, 26019))

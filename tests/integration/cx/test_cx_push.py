#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The requests the HSS sends to the S-CSCF (RTR, PPR), through the DRA (the HSS's
default_route; the DRA delivers by Destination-Host), to a dclient playing the S-CSCF:

  - a profile change imported with `hssctl -c hss.yaml ims-import` (the HSS told through its
    control socket): PPR with the new User-Data (valid, parsed back) and Charging-Information;
  - an identity removed from a registered subscription: RTR for it, PPR for the rest;
  - the control socket's `rtr IMPU REASON`: RTR naming the implicit set, the state cleared
    (LIR then 5003);
  - an MAR from another S-CSCF (TS 29.228 8.1.1): RTR NEW_SERVER_ASSIGNED to the old one;
  - `hssctl ims-deregister` and `hssctl ims-delete` of registered users: RTR;
  - a PPA 5008 TOO_MUCH_DATA counted as rejected;
  - every request counted (requests, success, rejected).

Ports 23240-23259.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cxlib  # noqa: E402
import harness  # noqa: E402
from cxlib import ICSCF, SCSCF, SCSCF2, SCSCF_URI, SCSCF2_URI, expect  # noqa: E402

SUB = '''id: hal
private_identities:
  - {identity: hal@cx.test, auth_schemes: [sip-digest], digest_realm: cx.test, digest_password: pw}
public_identities:
  - {identity: sip:hal@cx.test, irs: 1, service_profile: p}
  - {identity: "tel:+33100000401", irs: 1, service_profile: p}
  - {identity: sip:hal.work@cx.test, irs: 1, service_profile: p}
service_profiles:
  - name: p
    ifcs: [{priority: 1, application_server: {server_name: sip:as-%s.cx.test}}]
charging: {primary_ccf: "aaa://ccf.cx.test"}
'''


def register(bed, scscf=SCSCF, uri=SCSCF_URI, impu='sip:hal@cx.test'):
    r = bed.cx(scscf, 'mar', '--impi', 'hal@cx.test', '--impu', impu, '--scheme', 'unknown',
               '--server-name', uri)
    bed.h.check(r.rc == 0, 'MAR from %s' % scscf)
    r = bed.cx(scscf, 'sar', '--impi', 'hal@cx.test', '--impu', impu, '--server-name', uri)
    bed.h.check(r.rc == 0, 'SAR REGISTRATION from %s' % scscf)


def serving(bed, who, count, *extra):
    """The S-CSCF up, connected to the DRA, answering the HSS's requests."""
    p = bed.serve(who, 15, count, *extra)
    p.wait_log(r'serving', timeout=15)
    bed.dra.wait_peer_open(who, timeout=15)
    return p


def requests(h, proc, n, timeout=10.0):
    """The first n requests the serving dclient printed (decoded JSON)."""
    end = time.monotonic() + timeout
    while True:
        r = harness.DResult(None, proc.stdout(), '')
        if len(r.requests) >= n or time.monotonic() > end:
            h.check(len(r.requests) >= n, '%d request(s) reached the S-CSCF (got %d)' % (n, len(r.requests)))
            return r.requests
        time.sleep(0.1)


def test(h):
    cxlib.skip_without_xmllint()
    bed = cxlib.Bed(h, mysql_uri=cxlib.mysql_uri())
    bed.ims('hal', SUB % 'v1')
    register(bed)

    # 1. profile change -> PPR
    s = serving(bed, SCSCF, 1)
    out = bed.hssctl('ims-import', h.write('hal2.yaml', SUB % 'v2'), config=True).stdout
    h.check('1 profile push(es) queued' in out and 'HSS told: ok outbox' in out,
            'hssctl ims-import of a registered subscription queues a PPR and tells the HSS (%s)' % out.strip())
    ppr = requests(h, s, 1)[0]
    h.check(ppr['command'] == 'Push-Profile-Request' and harness.avp(ppr, 'Destination-Host') == SCSCF and
            harness.avp(ppr, 'User-Name') == 'hal@cx.test', 'PPR to the S-CSCF for hal@cx.test')
    as_msg = harness.DResult(None, '', '')
    as_msg.answer = ppr
    root = cxlib.user_data(h, as_msg, 'PPR', impus=['sip:hal@cx.test', 'tel:+33100000401'], impi='hal@cx.test')
    h.check(root.findtext('ServiceProfile/InitialFilterCriteria/ApplicationServer/ServerName') ==
            'sip:as-v2.cx.test', 'PPR User-Data has the new profile')
    h.check(harness.avp(ppr, 'Charging-Information/Primary-Charging-Collection-Function-Name') ==
            'aaa://ccf.cx.test', 'PPR Charging-Information')
    s.wait(timeout=20)

    # 2. a registered identity removed: RTR for it, PPR for the rest
    s = serving(bed, SCSCF, 2)
    bed.hssctl('ims-import', h.write('hal3.yaml', (SUB % 'v3').replace(
        '  - {identity: sip:hal.work@cx.test, irs: 1, service_profile: p}\n', '')), config=True)
    reqs = requests(h, s, 2)
    kinds = sorted(x['command'] for x in reqs)
    h.check(kinds == ['Push-Profile-Request', 'Registration-Termination-Request'],
            'removing a registered identity: an RTR for it and a PPR for the rest (%s)' % kinds)
    rtr = [x for x in reqs if x['command'] == 'Registration-Termination-Request']
    h.check(rtr and harness.avp_values(rtr[0], 'Public-Identity') == ['sip:hal.work@cx.test'],
            'the RTR names only the removed identity (%s)' % (rtr and harness.avp_values(rtr[0], 'Public-Identity')))
    s.wait(timeout=20)

    # 3. administrative de-registration through the control socket
    s = serving(bed, SCSCF, 1)
    reply = bed.ctl_cmd('rtr tel:+33100000401 3')
    h.check(reply.startswith('ok rtr queued'), 'control socket rtr accepted (%s)' % reply)
    rtr = requests(h, s, 1)[0]
    h.check(rtr['command'] == 'Registration-Termination-Request' and
            sorted(harness.avp_values(rtr, 'Public-Identity')) == ['sip:hal@cx.test', 'tel:+33100000401'] and
            harness.avp(rtr, 'Deregistration-Reason/Reason-Code') == 3 and
            harness.avp(rtr, 'User-Name') == 'hal@cx.test',
            'RTR names the implicit set, User-Name and Reason-Code REMOVE_S-CSCF')
    s.wait(timeout=20)
    r = bed.cx(ICSCF, 'lir', '--impu', 'sip:hal@cx.test')
    expect(h, r, 'exp', cxlib.UNREGISTERED_SERVICE, 'LIR after the RTR: not registered, no S-CSCF kept '
           '(its iFC serves the unregistered state: 2003)')
    h.check(harness.avp(r.answer, 'Server-Name') is None, 'no Server-Name: the S-CSCF was cleared')
    reply = bed.ctl_cmd('rtr sip:hal@cx.test')
    h.check(reply.startswith('error') and 'not registered' in reply, 'rtr of a user not registered: '
            'an error (%s)' % reply)

    # 4. another S-CSCF authenticates the user (TS 29.228 8.1.1)
    register(bed)
    s = serving(bed, SCSCF, 1)
    r = bed.cx(SCSCF2, 'mar', '--impi', 'hal@cx.test', '--impu', 'sip:hal@cx.test', '--scheme',
               'unknown', '--server-name', SCSCF2_URI)
    expect(h, r, 'rc', 2001, 'MAR from a new S-CSCF')
    rtr = requests(h, s, 1)[0]
    h.check(rtr['command'] == 'Registration-Termination-Request' and
            harness.avp(rtr, 'Deregistration-Reason/Reason-Code') == 1,
            'the old S-CSCF gets RTR NEW_SERVER_ASSIGNED')
    s.wait(timeout=20)
    r = bed.cx(ICSCF, 'uar', '--impi', 'hal@cx.test', '--impu', 'sip:hal@cx.test')
    h.check(harness.avp(r.answer, 'Server-Name') == SCSCF2_URI, 'UAR names the new S-CSCF')

    # 5. hssctl ims-deregister, then ims-delete, of registered users
    register(bed, SCSCF2, SCSCF2_URI)
    s = serving(bed, SCSCF2, 1)
    out = bed.hssctl('ims-deregister', 'hal@cx.test', '--reason', '0', '--ctl', bed.ctl).stdout
    h.check('RTR queued' in out and 'HSS told' in out, 'hssctl ims-deregister (%s)' % out.strip())
    rtr = requests(h, s, 1)[0]
    h.check(rtr['command'] == 'Registration-Termination-Request' and
            harness.avp(rtr, 'Deregistration-Reason/Reason-Code') == 0, 'RTR PERMANENT_TERMINATION')
    s.wait(timeout=20)
    register(bed, SCSCF2, SCSCF2_URI)
    s = serving(bed, SCSCF2, 1)
    out = bed.hssctl('ims-delete', 'hal', '--ctl', bed.ctl).stdout
    h.check('RTR queued' in out, 'hssctl ims-delete of a registered user (%s)' % out.strip())
    rtr = requests(h, s, 1)[0]
    h.check(rtr['command'] == 'Registration-Termination-Request' and
            sorted(harness.avp_values(rtr, 'Public-Identity')) == ['sip:hal@cx.test', 'tel:+33100000401'],
            'RTR for the deleted user, naming its registered identities')
    s.wait(timeout=20)

    # 6. a PPA with an error
    bed.ims('hal', SUB % 'v4')
    register(bed)
    s = serving(bed, SCSCF, 1, '--serve-result', 'exp:5008')
    out = bed.hssctl('ims-ppr', 'hal', '--ctl', bed.ctl).stdout
    requests(h, s, 1)
    s.wait(timeout=20)
    time.sleep(0.5)
    st = bed.stats()
    h.check(st['PPR']['rejected'] == 1, 'PPA 5008 TOO_MUCH_DATA counted as rejected (%s)' % st['PPR'])
    h.check(st['PPR']['success'] >= 2 and st['RTR']['success'] >= 5 and st['RTR']['errors'] == 0,
            'PPR %s, RTR %s' % (st['PPR'], st['RTR']))
    out = bed.hssctl('ims-show', 'hal').stdout
    h.check('REGISTERED       sip:hal@cx.test' in out, 'the user stays registered after a refused PPR')


if __name__ == '__main__':
    harness.run(test, ports=(23240, 23259))

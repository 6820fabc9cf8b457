# SPDX-License-Identifier: BSD-3-Clause
"""The S6a head on the error answers freeDiameter 1.2.1 builds by itself (hss/s6a_errors.c):
missing mandatory AVP, too many of one, unknown M-bit AVP, unknown command of the S6a
application, a command the HSS does not serve, a request for another host, no
Destination-Realm. Each answer must keep its Result-Code, E bit and Failed-AVP, and carry
Vendor-Specific-Application-Id {10415, 16777251} right after Session-Id and Auth-Session-State
NO_STATE_MAINTAINED before Origin-Host (TS 29.272 7.2 ABNF), and each is counted as
malformed. Answers of another application are left alone."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hsslib  # noqa: E402
from hsslib import harness  # noqa: E402

IMSI = '001010000000041'
AIR = ['raw', '--cmd', '318']
ULR = ['raw', '--cmd', '316']
EU = 'Requested-EUTRAN-Authentication-Info'
USER = ['--avp', 'User-Name=' + IMSI]
PLMN = ['--avp', 'Visited-PLMN-Id=plmn:00101']
VEC1 = ['--avp', EU + '/Number-Of-Requested-Vectors=1']


def names(r):
    return [a.get('name') for a in r.answer.get('avps') or []]


def test(h):
    hss = hsslib.start(h)
    hsslib.provision(h, hss.db, IMSI)
    before = hss.stats()['vectors']['malformed']
    counted = [0]

    def expect(what, args, code, failed=None, ebit=False):
        r = hss.dclient(*args)
        h.check(hsslib.result(r) == ('rc', code),
                '%s: Result-Code %d (got %s)' % (what, code, hsslib.result(r)))
        hsslib.check_common(h, r, what)
        n = names(r)
        h.check(n.count('Vendor-Specific-Application-Id') == 1 and n.count('Auth-Session-State') == 1,
                '%s: one VSAI and one Auth-Session-State (%s)' % (what, n))
        vsai = n.index('Vendor-Specific-Application-Id')
        h.check(vsai == (1 if n[0] == 'Session-Id' else 0),
                '%s: VSAI right after Session-Id (%s)' % (what, n))
        h.check(n.index('Auth-Session-State') < n.index('Origin-Host'),
                '%s: Auth-Session-State before Origin-Host' % what)
        h.check(n.count('Result-Code') == 1 and 'Experimental-Result' not in n,
                '%s: one Result-Code, no Experimental-Result' % what)
        if failed:
            h.check(bool(harness.avps(r.answer, 'Failed-AVP/' + failed)),
                    '%s: Failed-AVP names %s' % (what, failed))
        h.check(('E' in (r.answer.get('flags') or '')) == ebit,
                '%s: E bit %s' % (what, 'set' if ebit else 'clear'))
        counted[0] += 1
        return r

    # freeDiameter's dictionary rule check (fd_msg_parse_or_error), before any handler
    expect('AIR without User-Name', AIR + PLMN + VEC1, 5005, 'User-Name')
    expect('AIR without Visited-PLMN-Id', AIR + USER + VEC1, 5005, 'Visited-PLMN-Id')
    expect('ULR without RAT-Type', ULR + USER + ['--avp', 'ULR-Flags=2'] + PLMN, 5005, 'RAT-Type')
    expect('ULR without ULR-Flags', ULR + USER + ['--avp', 'RAT-Type=1004'] + PLMN, 5005, 'ULR-Flags')
    expect('two Requested-EUTRAN-Authentication-Info',
           AIR + USER + PLMN + VEC1 + ['--avp', EU + '[1]/Number-Of-Requested-Vectors=1'], 5009)
    r = expect('unknown M-bit AVP', AIR + USER + PLMN + VEC1 + ['--avp', '#4242@10415+m=hex:01'], 5001)
    h.check(any(a.get('code') == 4242 for a in harness.avps(r.answer, 'Failed-AVP')[0].get('avps') or []),
            'unknown M-bit AVP: Failed-AVP carries AVP 4242')
    expect('unknown command of the S6a application', ['raw', '--cmd', '999'] + USER, 3001, ebit=True)
    # the request as sent: without VSAI and Auth-Session-State of its own
    expect('AIR without User-Name, VSAI, Auth-Session-State',
           AIR + ['--no-vsai', '--no-auth-session-state'] + PLMN + VEC1, 5005, 'User-Name')
    expect('AIR without Session-Id', AIR + ['--no-session-id'] + USER + PLMN + VEC1, 5005, 'Session-Id')
    # dispatch: a command of the application no handler serves (NoRelay)
    expect('CLR sent to the HSS', ['raw', '--cmd', '317', '--avp', 'Destination-Host=hss.test'] + USER +
           ['--avp', 'Cancellation-Type=0'], 3001, ebit=True)
    # routing-in (return_error): a request for another host, one without Destination-Realm
    expect('AIR for another Destination-Host',
           AIR + ['--avp', 'Destination-Host=other.test'] + USER + PLMN + VEC1, 3002, ebit=True)
    expect('AIR without Destination-Realm', AIR + ['--no-dest-realm'] + USER + PLMN + VEC1, 3001,
           ebit=True)

    # an error answered by the HSS handlers still has exactly one head
    r = expect('empty User-Name (HSS handler)', AIR + ['--avp', 'User-Name='] + PLMN + VEC1, 5004,
               'User-Name')

    # another application: not an S6a answer, left as freeDiameter built it
    r = hss.dclient('raw', '--app', '16777216', '--cmd', '300', '--avp', 'User-Name=' + IMSI)
    h.check(r.answer is not None and hsslib.result(r) == ('rc', 3007),
            'Cx request to the HSS: 3007 DIAMETER_APPLICATION_UNSUPPORTED (got %s)' % (hsslib.result(r),))
    h.check('Vendor-Specific-Application-Id' not in names(r) and 'Auth-Session-State' not in names(r),
            'Cx request to the HSS: no S6a head added')

    # successful answers: one head, untouched
    r = hss.dclient('air', '--imsi', IMSI)
    h.check(r.rc == 0 and r.answer['result_code'] == 2001, 'a good AIR still answers 2001')
    hsslib.check_common(h, r, 'good AIR')
    h.check(names(r).count('Vendor-Specific-Application-Id') == 1 and
            names(r).count('Auth-Session-State') == 1, 'good AIR: one VSAI, one Auth-Session-State')

    after = hss.stats()['vectors']['malformed']
    h.check(after - before == counted[0],
            'each error answer counted once as malformed (%d, got %d)' % (counted[0], after - before))
    h.check(hss.proc.running(), 'the HSS is still running')


harness.run(test, ports=(22140, 22159))

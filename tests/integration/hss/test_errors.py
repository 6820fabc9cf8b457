# SPDX-License-Identifier: BSD-3-Clause
"""The S6a head on the error answers freeDiameter 1.2.1 builds by itself (hss/s6a_errors.c):
missing mandatory AVP, too many of one, unknown M-bit AVP, an AVP of the wrong length (5014),
garbage inside a Grouped AVP (5004), unknown command of the S6a application, a command the
HSS does not serve, a request for another host, no Destination-Realm. Each answer must keep its Result-Code, E bit and Failed-AVP, and carry
Vendor-Specific-Application-Id {10415, 16777251} right after Session-Id and Auth-Session-State
NO_STATE_MAINTAINED before Origin-Host (TS 29.272 7.2 ABNF), and each is counted as
malformed. Answers of another application are left alone."""
import os
import socket
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


A = harness.avp_encode
S6A, V3GPP = 16777251, 10415


class RawClient:
    """TCP Diameter client with sockets only, for requests dclient will not encode (an
    Enumerated of 3 octets, garbage inside a Grouped AVP)."""

    def __init__(self, h, port, identity):
        self.identity = identity
        self.s = socket.create_connection(('127.0.0.1', port), timeout=10)
        self.s.sendall(harness.msg_encode(257, 0, 0x80, 1, 1, A(264, identity) + A(296, 'raw.test') +
                                          A(257, b'\x00\x01\x7f\x00\x00\x01') + A(266, 0) +
                                          A(269, 'test_errors', flags=0) + A(258, S6A)))
        cea = self.recv()
        if not cea or cea.code != 257 or [a.u32() for a in cea.find(268)] != [2001]:
            h.fail('raw client: no CEA 2001')

    def recv(self):
        while True:
            buf = b''
            while len(buf) < 4 or len(buf) < int.from_bytes(buf[1:4], 'big'):
                chunk = self.s.recv(65536 if len(buf) < 4 else int.from_bytes(buf[1:4], 'big') - len(buf))
                if not chunk:
                    return None
                buf += chunk
            m = harness.RawMsg(buf)
            if m.request and m.code == 280:   # DWR
                self.s.sendall(harness.msg_encode(280, 0, 0, m.hbh, m.e2e, A(268, 2001) +
                                                  A(264, self.identity) + A(296, 'raw.test')))
                continue
            return m

    def request(self, code, hbh, avps):
        head = (A(263, '%s;%d;raw' % (self.identity, hbh)) + A(264, self.identity) + A(296, 'raw.test') +
                A(283, 'test'))
        self.s.sendall(harness.msg_encode(code, S6A, 0xc0, hbh, hbh, head + avps))
        return self.recv()

    def close(self):
        self.s.close()


def check_raw(h, m, what, code, failed):
    h.check(m is not None and [a.u32() for a in m.find(268)] == [code],
            '%s: Result-Code %d (got %s)' % (what, code, m and [a.u32() for a in m.find(268)]))
    codes = [(a.code, a.vendor) for a in m.avps]
    h.check(codes[0] == (263, 0) and codes[1] == (260, 0) and
            sorted((c.code, c.u32()) for c in m.avps[1].children()) == [(258, S6A), (266, V3GPP)],
            '%s: VSAI {10415, 16777251} right after Session-Id' % what)
    h.check([a.u32() for a in m.find(277)] == [1] and codes.index((277, 0)) < codes.index((264, 0)),
            '%s: Auth-Session-State 1 before Origin-Host' % what)
    fa = m.find(279)
    h.check(len(fa) == 1 and [(c.code, c.vendor) for c in fa[0].children()] == [(failed, V3GPP)],
            '%s: Failed-AVP holds AVP %d' % (what, failed))


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
    # AVP contents that do not fit the dictionary type (raw encoding): 5014 and 5004
    raw = RawClient(h, hss.port, 'raw.client.test')
    try:
        user = A(1, IMSI) + A(1407, b'\x00\xf1\x10', vendor=V3GPP)
        m = raw.request(316, 7, user + A(1405, 2, vendor=V3GPP) + A(1032, b'\x00\x03\xec', vendor=V3GPP))
        check_raw(h, m, 'RAT-Type of 3 octets', 5014, 1032)
        m = raw.request(318, 8, user + A(1408, b'\x00\x00\x05\x82\xc0\x00\x00\x30', vendor=V3GPP))
        check_raw(h, m, 'garbage inside Requested-EUTRAN-Authentication-Info', 5004, 1408)
        counted[0] += 2
    finally:
        raw.close()
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

    # an application the HSS does not serve (Rx): left as freeDiameter built it
    r = hss.dclient('raw', '--app', '16777236', '--cmd', '300', '--avp', 'User-Name=' + IMSI)
    h.check(r.answer is not None and hsslib.result(r) == ('rc', 3007),
            'Rx request to the HSS: 3007 DIAMETER_APPLICATION_UNSUPPORTED (got %s)' % (hsslib.result(r),))
    h.check('Vendor-Specific-Application-Id' not in names(r) and 'Auth-Session-State' not in names(r),
            'Rx request to the HSS: no head added')
    # a Cx request freeDiameter refuses itself (UAR without its mandatory AVPs): the Cx
    # head, never S6a's (tests/integration/cx/test_cx_errors.py has the rest)
    r = hss.dclient('raw', '--app', '16777216', '--cmd', '300', '--avp', 'User-Name=' + IMSI)
    h.check(r.answer is not None and hsslib.result(r) == ('rc', 5005),
            'UAR without Public-Identity: 5005 MISSING_AVP (got %s)' % (hsslib.result(r),))
    h.check(names(r).count('Vendor-Specific-Application-Id') == 1 and
            harness.avp(r.answer, 'Vendor-Specific-Application-Id/Auth-Application-Id') == 16777216,
            'UAR refused by freeDiameter: one Vendor-Specific-Application-Id, of Cx')
    counted[0] += 1   # counted as malformed like the S6a ones

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

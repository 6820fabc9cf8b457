# SPDX-License-Identifier: BSD-3-Clause
# `dclient raw` puts on the wire exactly what it is given, checked byte by byte by a Python
# Diameter peer (which, unlike a freeDiameter peer, refuses nothing).
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402


def test(h):
    port = h.port()
    rp = h.raw_peer('raw5.test.local', port)
    peer = dict(peer=port, peer_host='raw5.test.local')

    # AIR without its mandatory Visited-PLMN-Id, a User-Name with a NUL, an unknown
    # vendor AVP with the M bit, and the M bit cleared on a known AVP.
    r = h.dclient('raw', '--cmd', '318', '--avp', 'User-Name=hex:410042', '--avp', '#4242@10415+m=hex:0102',
                  '--avp', 'Auth-Application-Id-m=16777251', **peer)
    h.check(r.rc == 0 and r.answer['result_code'] == 2001, 'answered 2001 by the raw peer')
    m = rp.wait_requests(1)[0]
    h.check(m.code == 318 and m.app == 16777251 and m.flags == 0xc0, 'header: AIR, S6a, R and P bits')
    codes = [(a.code, a.vendor) for a in m.avps]
    h.check(codes == [(263, 0), (260, 0), (277, 0), (264, 0), (296, 0), (283, 0), (1, 0), (4242, 10415), (258, 0)],
            'AVPs exactly as given, in order, no Visited-PLMN-Id: %r' % codes)
    h.check(m.find(1)[0].data == b'A\x00B', 'User-Name carries the NUL')
    unk = m.find(4242, 10415)[0]
    h.check(unk.flags == 0xc0 and unk.data == b'\x01\x02', 'unknown AVP with V and M bits, 2 octets')
    h.check(m.find(258)[0].flags == 0x00 and m.find(258)[0].u32() == 16777251, 'M bit cleared on request')
    vsai = {a.code: a.u32() for a in m.find(260)[0].children()}
    h.check(vsai == {266: 10415, 258: 16777251}, 'Vendor-Specific-Application-Id {10415, S6a}')
    h.check(m.find(277)[0].u32() == 1, 'Auth-Session-State NO_STATE_MAINTAINED')

    # Head removed, unknown command, not proxiable, empty and over-long strings.
    r = h.dclient('raw', '--cmd', '9999', '--app', '4242', '--no-session-id', '--no-vsai', '--no-auth-session-state',
                  '--not-proxiable', '--avp', 'User-Name=', '--avp', 'Destination-Host=rep:1000:x', **peer)
    m = rp.wait_requests(2)[1]
    h.check(m.code == 9999 and m.app == 4242 and m.flags == 0x80, 'unknown command 9999, app 4242, P bit clear')
    codes = [a.code for a in m.avps]
    h.check(codes == [264, 296, 283, 1, 293], 'only Origin, Destination-Realm and the given AVPs: %r' % codes)
    h.check(m.find(1)[0].data == b'' and len(m.find(293)[0].data) == 1000, 'empty and 1000-octet values')

    # A built command: ULR with its flags, RAT type and PLMN encoding.
    r = h.dclient('ulr', '--imsi', '001010123456789', '--visited-plmn', '20801', '--rat-type', 'utran',
                  '--initial-attach', '--skip-subscriber-data', '--dest-host', 'raw5.test.local', **peer)
    m = rp.wait_requests(3)[2]
    h.check(m.code == 316 and m.find(1)[0].data == b'001010123456789', 'ULR with User-Name')
    h.check(m.find(1032, 10415)[0].u32() == 1000, 'RAT-Type UTRAN')
    h.check(m.find(1405, 10415)[0].u32() == 2 | 4 | 32, 'ULR-Flags: S6a indicator, skip data, initial attach')
    h.check(m.find(1407, 10415)[0].data == bytes([0x02, 0xf8, 0x10]), 'Visited-PLMN-Id 208/01 encoded')
    h.check(m.find(293)[0].data == b'raw5.test.local', 'Destination-Host')
    h.check(not rp.errors, 'raw peer saw well-formed framing: %r' % rp.errors)


harness.run(test, ports=(21100, 21119))

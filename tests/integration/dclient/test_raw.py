# SPDX-License-Identifier: BSD-3-Clause
# `dclient raw` sends what it is given, even invalid requests: the echo server's
# freeDiameter core rejects them, which proves they went out as written.
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402


def test(h):
    port = h.port()
    h.echo('echo3.test.local', port)
    peer = dict(peer=port, peer_host='echo3.test.local')

    # AIR without the mandatory Visited-PLMN-Id.
    r = h.dclient('raw', '--app', '16777251', '--cmd', '318', '--avp', 'User-Name=001010000000001', **peer)
    a = r.answer
    h.check(r.rc == 1, 'non-2001 answer: exit 1')
    h.check(a and a['result_code'] == 5005, 'missing mandatory AVP: DIAMETER_MISSING_AVP')
    h.check(harness.avps(a, 'Failed-AVP/Visited-PLMN-Id'), 'Failed-AVP names Visited-PLMN-Id')

    # The same request complete is accepted: the builder adds nothing by itself.
    r = h.dclient('raw', '--cmd', '318', '--avp', 'User-Name=001010000000001', '--avp', 'Visited-PLMN-Id=plmn:00101',
                  '--avp', 'Requested-EUTRAN-Authentication-Info/Number-Of-Requested-Vectors=1', **peer)
    h.check(r.rc == 0 and r.answer['result_code'] == 2001, 'complete raw AIR answered 2001')

    # An unknown vendor AVP with the M bit.
    r = h.dclient('raw', '--cmd', '318', '--avp', 'User-Name=001010000000001', '--avp', 'Visited-PLMN-Id=plmn:00101',
                  '--avp', '#4242@10415+m=hex:0102', **peer)
    a = r.answer
    h.check(a and a['result_code'] == 5001, 'unknown M-bit AVP: DIAMETER_AVP_UNSUPPORTED')
    fa = harness.avps(a, 'Failed-AVP')
    h.check(fa and fa[0]['avps'][0]['code'] == 4242 and fa[0]['avps'][0]['vendor'] == 10415,
            'Failed-AVP carries code 4242 vendor 10415')

    # Two User-Name (test_serve.py checks byte-exact values such as a NUL inside a string).
    r = h.dclient('raw', '--cmd', '318', '--avp', 'User-Name=hex:3030003030', '--avp', 'User-Name=rep:300:9',
                  '--avp', 'Visited-PLMN-Id=plmn:00101', **peer)
    a = r.answer
    h.check(a and a['result_code'] == 5009, 'User-Name twice: DIAMETER_AVP_OCCURS_TOO_MANY_TIMES')

    # An unknown command code.
    r = h.dclient('raw', '--cmd', '4242', **peer)
    h.check(r.rc == 1 and r.answer and r.answer['result_code'] == 3001 and 'E' in r.answer['flags'],
            'unknown command: DIAMETER_COMMAND_UNSUPPORTED with the E bit')

    # No Session-Id / Origin at all, and a grouped path with an index.
    r = h.dclient('raw', '--cmd', '318', '--no-session-id', '--avp', 'User-Name=001010000000001',
                  '--avp', 'Visited-PLMN-Id=plmn:00101', **peer)
    h.check(r.answer and r.answer['result_code'] == 5005, 'no Session-Id: DIAMETER_MISSING_AVP')
    r = h.dclient('air', '--imsi', '001010000000001', '--avp',
                  'Requested-UTRAN-GERAN-Authentication-Info[0]/Number-Of-Requested-Vectors=1', **peer)
    h.check(r.rc == 0, '--avp adds to a built request')

    # Spec errors are usage errors.
    r = h.dclient('raw', '--cmd', '318', '--avp', 'No-Such-AVP=1', **peer)
    h.check(r.rc == 2 and 'No-Such-AVP' in r.stderr, 'unknown AVP name: exit 2')
    r = h.dclient('raw', '--cmd', '318', '--avp', 'Auth-Session-State=maybe', **peer)
    h.check(r.rc == 2, 'bad enum value: exit 2')


harness.run(test, ports=(21060, 21079))

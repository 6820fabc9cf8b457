# SPDX-License-Identifier: BSD-3-Clause
"""Malformed S6a requests: every one gets an answer with the right base Result-Code
(5004/5005/5009/3001/5001-AVP_UNSUPPORTED) and Failed-AVP where RFC 6733 asks for it,
whether freeDiameter's parser (dictionary rules) or the HSS itself catches it; the HSS keeps
answering afterwards."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hsslib  # noqa: E402
from hsslib import harness  # noqa: E402

IMSI = '001010000000031'
AIR = ['raw', '--cmd', '318']
ULR = ['raw', '--cmd', '316']
EU = 'Requested-EUTRAN-Authentication-Info'


def test(h):
    hss = hsslib.start(h)
    hsslib.provision(h, hss.db, IMSI)
    ok_air = ['--avp', 'Visited-PLMN-Id=plmn:00101', '--avp', EU + '/Number-Of-Requested-Vectors=1']
    ok_ulr = ['--avp', 'RAT-Type=1004', '--avp', 'ULR-Flags=2', '--avp', 'Visited-PLMN-Id=plmn:00101']

    def expect(args, code, failed, what, ours=False):
        r = hss.dclient(*args)
        h.check(hsslib.result(r) == ('rc', code),
                '%s: Result-Code %d (got %s)' % (what, code, hsslib.result(r)))
        if failed:
            h.check(bool(harness.avps(r.answer, 'Failed-AVP/' + failed)),
                    '%s: Failed-AVP names %s' % (what, failed))
        if ours:
            hsslib.check_common(h, r, what)
        return r

    # caught by the HSS
    expect(AIR + ['--avp', 'User-Name='] + ok_air, 5004, 'User-Name', 'empty User-Name', ours=True)
    expect(AIR + ['--avp', 'User-Name=0010100000000011'] + ok_air, 5004, 'User-Name',
           'User-Name of 16 digits')
    expect(AIR + ['--avp', 'User-Name=00101abc'] + ok_air, 5004, 'User-Name', 'non-digit User-Name')
    expect(AIR + ['--avp', 'User-Name=hex:3030313031003030'] + ok_air, 5004, 'User-Name',
           'NUL inside User-Name')
    expect(AIR + ['--avp', 'User-Name=' + IMSI, '--avp', 'Visited-PLMN-Id=hex:00f11000',
                  '--avp', EU + '/Number-Of-Requested-Vectors=1'], 5004, 'Visited-PLMN-Id',
           'Visited-PLMN-Id of 4 octets')
    expect(AIR + ['--avp', 'User-Name=' + IMSI, '--avp', 'Visited-PLMN-Id=hex:ffffff',
                  '--avp', EU + '/Number-Of-Requested-Vectors=1'], 5004, 'Visited-PLMN-Id',
           'Visited-PLMN-Id without digits')
    expect(AIR + ['--avp', 'User-Name=' + IMSI, '--avp', 'Visited-PLMN-Id=plmn:00101',
                  '--avp', 'Requested-UTRAN-GERAN-Authentication-Info/Re-Synchronization-Info=hex:00'],
           5004, 'Re-Synchronization-Info', 'UTRAN Re-Synchronization-Info of 1 octet')
    expect(AIR + ['--avp', 'User-Name=' + IMSI, '--avp', 'Visited-PLMN-Id=plmn:00101'], 5005,
           'Requested-EUTRAN-Authentication-Info', 'AIR asking for no vectors')
    expect(ULR + ['--avp', 'User-Name=' + IMSI] + ok_ulr + ['--avp', 'ULR-Flags=2'], 5009, None,
           'two ULR-Flags')

    # caught by freeDiameter's parser (dictionary rules) before the handler
    expect(AIR + ok_air, 5005, 'User-Name', 'AIR without User-Name')
    expect(AIR + ['--avp', 'User-Name=' + IMSI, '--avp', EU + '/Number-Of-Requested-Vectors=1'],
           5005, 'Visited-PLMN-Id', 'AIR without Visited-PLMN-Id')
    expect(ULR + ['--avp', 'User-Name=' + IMSI, '--avp', 'ULR-Flags=2', '--avp',
                  'Visited-PLMN-Id=plmn:00101'], 5005, 'RAT-Type', 'ULR without RAT-Type')
    expect(AIR + ['--avp', 'User-Name=' + IMSI] + ok_air + ['--avp', EU + '[1]/Number-Of-Requested-Vectors=1'],
           5009, None, 'two Requested-EUTRAN-Authentication-Info')
    r = hss.dclient(*(AIR + ['--avp', 'User-Name=' + IMSI] + ok_air + ['--avp', '#4242@10415+m=hex:01']))
    h.check(hsslib.result(r) == ('rc', 5001), 'unknown M-bit AVP: DIAMETER_AVP_UNSUPPORTED 5001')
    r = hss.dclient('raw', '--cmd', '999', '--avp', 'User-Name=' + IMSI)
    h.check(hsslib.result(r) == ('rc', 3001), 'unknown command of the S6a application: 3001')
    r = hss.dclient('raw', '--cmd', '317', '--avp', 'Destination-Host=hss.test', '--avp',
                    'User-Name=' + IMSI, '--avp', 'Cancellation-Type=0')
    h.check(hsslib.result(r) == ('rc', 3001), 'CLR sent to the HSS: 3001 COMMAND_UNSUPPORTED')

    # odd but valid values
    r = hss.dclient(*(AIR + ['--avp', 'User-Name=' + IMSI, '--avp', 'Visited-PLMN-Id=plmn:00101',
                             '--avp', EU + '/Number-Of-Requested-Vectors=4294967295']))
    h.check(r.rc == 0 and len(harness.avps(r.answer, 'Authentication-Info/E-UTRAN-Vector')) == 5,
            'Number-Of-Requested-Vectors 2^32-1: capped to max_vectors (5)')
    r = hss.dclient(*(AIR + ['--avp', 'User-Name=' + IMSI, '--avp', 'Visited-PLMN-Id=plmn:00101',
                             '--avp', EU + '=']))
    h.check(r.rc == 0 and len(harness.avps(r.answer, 'Authentication-Info/E-UTRAN-Vector')) == 1,
            'empty Requested-EUTRAN-Authentication-Info: one vector')
    r = hss.dclient(*(ULR + ['--avp', 'User-Name=' + IMSI, '--avp', 'RAT-Type=9999', '--avp',
                             'ULR-Flags=2', '--avp', 'Visited-PLMN-Id=plmn:00101']))
    h.check(hsslib.exp_code(r) == 5421, 'unknown RAT-Type value: 5421 RAT not allowed')

    h.check(hss.proc.running(), 'the HSS is still running')
    r = hss.dclient('air', '--imsi', IMSI)
    h.check(r.rc == 0 and r.answer['result_code'] == 2001, 'and still answers a good AIR')
    h.check(hss.stats()['vectors']['malformed'] >= 8, 'malformed requests counted')


harness.run(test, ports=(22060, 22079))

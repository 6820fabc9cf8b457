# SPDX-License-Identifier: BSD-3-Clause
"""Malformed S6a requests: every one gets an answer with the right base Result-Code
(5004/5005/5009/3001/5001-AVP_UNSUPPORTED) and Failed-AVP where RFC 6733 asks for it, and
the S6a head (VSAI, Auth-Session-State, Origin-*), whether freeDiameter's parser (dictionary
rules) or the HSS itself catches it; empty, over-long and NUL-carrying strings, unknown
applications and commands never crash it: the HSS keeps answering afterwards."""
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

    def expect(args, code, failed, what):
        r = hss.dclient(*args)
        h.check(hsslib.result(r) == ('rc', code),
                '%s: Result-Code %d (got %s)' % (what, code, hsslib.result(r)))
        if failed:
            h.check(bool(harness.avps(r.answer, 'Failed-AVP/' + failed)),
                    '%s: Failed-AVP names %s' % (what, failed))
        hsslib.check_common(h, r, what)
        return r

    # caught by the HSS
    expect(AIR + ['--avp', 'User-Name='] + ok_air, 5004, 'User-Name', 'empty User-Name')
    expect(AIR + ['--avp', 'User-Name=0010100000000011'] + ok_air, 5004, 'User-Name',
           'User-Name of 16 digits')
    expect(AIR + ['--avp', 'User-Name=rep:4000:9'] + ok_air, 5004, 'User-Name', 'User-Name of 4000 octets')
    expect(ULR + ['--avp', 'User-Name=rep:4000:9'] + ok_ulr, 5004, 'User-Name', 'ULR User-Name of 4000 octets')
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
    expect(AIR + ['--avp', 'User-Name=' + IMSI] + ok_air + ['--avp', '#4242@10415+m=hex:01'], 5001,
           None, 'unknown M-bit AVP: DIAMETER_AVP_UNSUPPORTED')
    expect(['raw', '--cmd', '999', '--avp', 'User-Name=' + IMSI], 3001, None,
           'unknown command of the S6a application')
    expect(['raw', '--cmd', '317', '--avp', 'Destination-Host=hss.test', '--avp', 'User-Name=' + IMSI,
            '--avp', 'Cancellation-Type=0'], 3001, None, 'CLR sent to the HSS: COMMAND_UNSUPPORTED')
    # Origin-Host / Origin-Realm as the HSS stores them (ULR): NUL inside, longer than 255
    own = ['--no-origin', '--avp', 'Origin-Realm=localdomain']
    expect(ULR + own + ['--avp', 'Origin-Host=hex:6d6d6500782e74657374', '--avp', 'User-Name=' + IMSI]
           + ok_ulr, 5004, 'Origin-Host', 'NUL inside Origin-Host')
    expect(ULR + ['--no-origin', '--avp', 'Origin-Host=mme.test', '--avp', 'Origin-Realm=rep:300:r',
                  '--avp', 'User-Name=' + IMSI] + ok_ulr, 5004, 'Origin-Realm', 'Origin-Realm of 300 octets')
    # applications the HSS does not serve (Rx, unknown ones): 3007 with the E bit, no crash
    for app in ('16777236', '4242', '4294967295'):
        r = hss.dclient('raw', '--app', app, '--cmd', '318', '--avp', 'User-Name=' + IMSI)
        h.check(hsslib.result(r) == ('rc', 3007), 'application %s: 3007 APPLICATION_UNSUPPORTED (got %s)'
                % (app, hsslib.result(r)))

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
    h.check(hss.stats()['vectors']['malformed'] >= 20, 'malformed requests counted')


harness.run(test, ports=(22060, 22079))

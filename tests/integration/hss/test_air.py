# SPDX-License-Identifier: BSD-3-Clause
"""HSS AIR: 1 and 5 E-UTRAN vectors accepted by a USIM (MAC-A, RES, KASME bound to the
visited PLMN), distinct increasing SQNs, max_vectors cap, UTRAN quintuplets, resync with a
real AUTS (the next vector continues after SQN_MS), bad MAC-S -> 4181, error cases."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hsslib  # noqa: E402
from hsslib import harness  # noqa: E402

IMSI = '001010000000001'


def vectors(a, kind='E-UTRAN-Vector'):
    out = []
    for v in harness.avps(a, 'Authentication-Info/' + kind):
        out.append({x['name']: x.get('value') for x in v['avps']})
    return out


def test(h):
    hss = hsslib.start(h, s6a='  home_plmns: ["00101"]\n  max_vectors: 4\n')
    hsslib.provision(h, hss.db, IMSI)
    hsslib.provision(h, hss.db, '001010000000002', apns=())          # no EPS subscription
    # OP instead of OPc: the HSS derives OPc itself
    hsslib.hssctl(h, hss.db, 'add', '--imsi', '001010000000003', '--k', hsslib.K, '--op',
                  hsslib.OP, '--apn', 'internet')

    r = hss.dclient('air', '--imsi', IMSI, '--vectors', '1')
    hsslib.check_common(h, r, 'AIR 1 vector')
    h.check(r.rc == 0 and r.answer['result_code'] == 2001, 'AIR 1 vector: 2001')
    v = vectors(r.answer)
    h.check(len(v) == 1 and v[0]['Item-Number'] == 1, 'one E-UTRAN-Vector with Item-Number 1')
    u = hsslib.usim_check(h, v[0]['RAND'], v[0]['AUTN'])
    h.check(u is not None, 'the USIM accepts AUTN (MAC-A)')
    h.check(u['res'] == v[0]['XRES'], 'RES == XRES')
    h.check(u['kasme'] == v[0]['KASME'], 'KASME derived for the visited PLMN 00101')
    h.check(int(u['amf'], 16) & 0x8000, 'AMF separation bit set for E-UTRAN')
    sqn1 = u['sqn']

    r = hss.dclient('air', '--imsi', IMSI, '--vectors', '3', '--visited-plmn', '20801')
    v = vectors(r.answer)
    h.check(r.rc == 0 and len(v) == 3, 'AIR 3 vectors: three E-UTRAN-Vector')
    h.check([x['Item-Number'] for x in v] == [1, 2, 3], 'Item-Number 1, 2, 3')
    sqns = []
    for x in v:
        u = hsslib.usim_check(h, x['RAND'], x['AUTN'], plmn='02f810')
        h.check(u is not None and u['res'] == x['XRES'] and u['kasme'] == x['KASME'],
                'vector accepted, KASME bound to 20801')
        sqns.append(u['sqn'])
    h.check(sqns == sorted(sqns) and len(set(sqns)) == 3 and sqns[0] > sqn1,
            'SQNs distinct and increasing across AIRs: %s after %d' % (sqns, sqn1))
    h.check(len(set(x['RAND'] for x in v)) == 3, 'RANDs distinct')
    h.check(len(harness.avps(r.answer, 'Authentication-Info')) == 1, 'the 3 vectors in one Authentication-Info')
    # SQN = SEQ || IND (TS 33.102 C.3.2, 5-bit IND): each vector of the answer is the next SEQ
    # and the next IND of the array
    h.check(all((b >> 5) == (a >> 5) + 1 and (b & 31) == ((a & 31) + 1) % 32
                for a, b in zip(sqns, sqns[1:])),
            'SQN = SEQ||IND: SEQ + 1 and IND + 1 mod 32 per vector: %s' % [(x >> 5, x & 31) for x in sqns])

    r = hss.dclient('air', '--imsi', IMSI, '--vectors', '5')
    h.check(r.rc == 0 and len(vectors(r.answer)) == 4, 'AIR 5 vectors capped to max_vectors 4')

    r = hss.dclient('air', '--imsi', '001010000000003', '--vectors', '1')
    v = vectors(r.answer)
    h.check(r.rc == 0 and hsslib.usim_check(h, v[0]['RAND'], v[0]['AUTN']) is not None,
            'subscriber provisioned with OP: OPc derived, vector accepted')

    # UTRAN quintuplets beside E-UTRAN, in one answer
    r = hss.dclient('air', '--imsi', IMSI, '--vectors', '1', '--utran', '2')
    e, q = vectors(r.answer), vectors(r.answer, 'UTRAN-Vector')
    h.check(r.rc == 0 and len(e) == 1 and len(q) == 2, '1 E-UTRAN + 2 UTRAN vectors')
    h.check(len(harness.avps(r.answer, 'Authentication-Info')) == 1, 'all of them in one Authentication-Info')
    u = hsslib.usim_check(h, q[0]['RAND'], q[0]['AUTN'])
    h.check(u is not None and u['ck'] == q[0]['Confidentiality-Key'] and
            u['ik'] == q[0]['Integrity-Key'] and u['res'] == q[0]['XRES'],
            'UTRAN quintuplet accepted (CK, IK, RES)')

    # Resynchronisation: the USIM is ahead; its AUTS carries SQN_MS
    last = max(sqns)
    sqn_ms = ((last >> 5) + 1000) << 5 | 7
    rand = '00112233445566778899aabbccddeeff'
    auts = hsslib.usim_auts(h, rand, sqn_ms)
    r = hss.dclient('air', '--imsi', IMSI, '--vectors', '1', '--resync', rand + ':' + auts)
    v = vectors(r.answer)
    h.check(r.rc == 0 and len(v) == 1, 'AIR with a valid AUTS: 2001 and a vector')
    u = hsslib.usim_check(h, v[0]['RAND'], v[0]['AUTN'])
    h.check(u is not None and (u['sqn'] >> 5) == (sqn_ms >> 5) + 1,
            'after resync the SQN continues from SQN_MS (SEQ %d -> %d)' % (sqn_ms >> 5, u['sqn'] >> 5))

    bad = auts[:-2] + ('00' if auts[-2:] != '00' else '01')
    r = hss.dclient('air', '--imsi', IMSI, '--resync', rand + ':' + bad)
    hsslib.check_common(h, r, 'bad MAC-S')
    h.check(hsslib.exp_code(r) == 4181, 'bad MAC-S in AUTS: Experimental-Result 4181')
    hsslib.check_common(h, r, 'AIA 4181')
    h.check(hss.stats()['vectors']['resync_bad_mac'] == 1, 'bad MAC-S counted')

    r = hss.dclient('air', '--imsi', IMSI, '--avp',
                    'Requested-EUTRAN-Authentication-Info/Re-Synchronization-Info=hex:0011')
    h.check(hsslib.result(r) == ('rc', 5004) and
            harness.avps(r.answer, 'Failed-AVP/Re-Synchronization-Info'),
            'Re-Synchronization-Info not 30 octets: 5004 with Failed-AVP')

    r = hss.dclient('air', '--imsi', '001019999999999')
    hsslib.check_common(h, r, 'unknown IMSI')
    h.check(hsslib.exp_code(r) == 5001, 'unknown IMSI: Experimental-Result 5001')

    r = hss.dclient('air', '--imsi', '001010000000002')
    h.check(hsslib.exp_code(r) == 5420, 'no APN (no EPS subscription): 5420')
    hsslib.check_common(h, r, 'AIA 5420')

    r = hss.dclient('raw', '--cmd', '318', '--avp', 'User-Name=' + IMSI, '--avp',
                    'Visited-PLMN-Id=hex:00f1', '--avp',
                    'Requested-EUTRAN-Authentication-Info/Number-Of-Requested-Vectors=1')
    h.check(hsslib.result(r) == ('rc', 5004) and
            harness.avp(r.answer, 'Failed-AVP/Visited-PLMN-Id') == '00f1',
            'Visited-PLMN-Id of 2 octets: 5004 with Failed-AVP')

    st = hss.stats()
    h.check(st['AIR']['success'] >= 6 and st['AIR']['user_unknown'] == 1,
            'AIR counters: %s' % st['AIR'])


harness.run(test, ports=(22000, 22019))

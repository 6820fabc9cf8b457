# SPDX-License-Identifier: BSD-3-Clause
"""HSS AIR policy options: geran_triplets (GERAN-Vector SRES/Kc consistent with the USIM's
RES/CK/IK through c2/c3), utran_geran_vectors false (UTRAN/GERAN-only request -> 5420, a
mixed request gets the E-UTRAN part only)."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hsslib  # noqa: E402
from hsslib import harness  # noqa: E402

IMSI = '001010000000011'


def xor_words(hexstr, width):
    b = bytes.fromhex(hexstr)
    out = bytearray(width)
    for i in range(0, len(b), width):
        for j in range(width):
            out[j] ^= b[i + j]
    return out.hex()


def test(h):
    geran = hsslib.start(h, name='geran', s6a='  geran_triplets: true\n')
    hsslib.provision(h, geran.db, IMSI)
    r = geran.dclient('air', '--imsi', IMSI, '--vectors', '0', '--utran', '2')
    hsslib.check_common(h, r, 'GERAN triplets')
    g = harness.avps(r.answer, 'Authentication-Info/GERAN-Vector')
    h.check(r.rc == 0 and len(g) == 2 and not harness.avps(r.answer, 'Authentication-Info/E-UTRAN-Vector'),
            'UTRAN/GERAN-only request answered with 2 GERAN-Vector')
    t = {x['name']: x.get('value') for x in g[0]['avps']}
    # What the USIM computes for this RAND, then c2 (SRES = XOR of the 32-bit words of RES)
    # and c3 (Kc = CK1^CK2^IK1^IK2 over 64-bit halves), TS 33.102 6.8.1.2.
    cp = subprocess.run([hsslib.USIM, 'f2345', hsslib.K, hsslib.OPC, t['RAND']],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    h.check(cp.returncode == 0, 'USIM f2345 on the triplet RAND')
    res, ck, ik = cp.stdout.decode().split()
    h.check(t['SRES'] == xor_words(res, 4), 'SRES = c2(RES)')
    h.check(t['Kc'] == xor_words(ck + ik, 8), 'Kc = c3(CK, IK)')
    st = geran.stats()
    h.check(st['vectors']['geran'] == 2, 'GERAN vectors counted')

    nou = hsslib.start(h, name='nou', s6a='  utran_geran_vectors: false\n')
    hsslib.provision(h, nou.db, IMSI)
    r = nou.dclient('air', '--imsi', IMSI, '--vectors', '0', '--utran', '1')
    h.check(hsslib.exp_code(r) == 5420, 'UTRAN/GERAN disabled, only UTRAN asked: 5420')
    r = nou.dclient('air', '--imsi', IMSI, '--vectors', '2', '--utran', '1')
    h.check(r.rc == 0 and len(harness.avps(r.answer, 'Authentication-Info/E-UTRAN-Vector')) == 2 and
            not harness.avps(r.answer, 'Authentication-Info/UTRAN-Vector'),
            'UTRAN/GERAN disabled, mixed request: E-UTRAN vectors only')


harness.run(test, ports=(22020, 22039))

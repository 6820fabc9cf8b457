#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""DCORE-MIB as an NMS loads it: `snmptranslate -Tp -m +DCORE-MIB.txt` prints its tree with no
warning or error, and `smilint -l 4` (when smitools is installed) reports nothing. On a host
without the IETF modules (Debian's default: snmp-mibs-downloader is non-free) the default
module list cannot load at all, so the module is loaded alone (-m FILE) with the minimal
stand-ins of tests/integration/snmp/mibs/ for what it imports; it says which it did."""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import snmplib  # noqa: E402
from snmplib import harness  # noqa: E402


def run(argv, env):
    cp = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    return cp.returncode, cp.stdout.decode(), cp.stderr.decode()


def test(h):
    if not shutil.which('snmptranslate'):
        harness.skip('snmptranslate is not installed (./run deps installs snmp)')
    full = snmplib.host_has_ietf_mibs()
    env = dict(os.environ, SNMPCONFPATH='/nonexistent')
    if full:
        print('the host has the IETF MIB modules: checking exactly snmptranslate -Tp -m +FILE')
        argv = ['snmptranslate', '-Tp', '-m', '+' + snmplib.MIB_FILE]
    else:
        print('the host has no IETF MIB modules (no SNMPv2-SMI): loading DCORE-MIB alone, '
              'its imports from the stand-ins in %s' % snmplib.STUB_DIR)
        env['MIBDIRS'] = '+' + snmplib.STUB_DIR
        argv = ['snmptranslate', '-Tp', '-m', snmplib.MIB_FILE]
    rc, out, err = run(argv, env)
    h.check(rc == 0 and not err.strip(), '%s: exit 0, nothing on stderr (%r)' %
            (' '.join(argv), err.strip()[:2000]))
    for node in ('dcoreMIB(32473)', 'draPeerTable(2)', 'draCmdTable(3)', 'draRuleTable(4)',
                 'hssCmdTable(3)', 'hssCmdResultTable(4)', 'hssDbLatencyTable(5)',
                 'dcorePeerUp(1)', 'dcorePeerDown(2)', 'dcoreReloadFailed(3)'):
        h.check(node in out, 'the tree holds %s' % node)

    # The OIDs the daemons serve (common/snmp, dra/mib.c, hss/mib.c) are the MIB's.
    tenv = snmplib.tools_env()
    for name, oid in (('draRequests', snmplib.DRA + '.1.1'),
                      ('draPeerFailovers', snmplib.DRA + '.2.1.13'),
                      ('draRuleRewrites', snmplib.DRA + '.4.1.5'),
                      ('hssSubscribers', snmplib.HSS + '.1.1'),
                      ('hssResultCount', snmplib.HSS + '.4.1.3'),
                      ('hssImsVectorsAka', snmplib.HSS + '.1.27'),
                      ('hssImsDigestItems', snmplib.HSS + '.1.28'),
                      ('hssImsResyncBadMac', snmplib.HSS + '.1.30'),
                      ('dcoreNotifText', snmplib.DCORE + '.1.1.4'),
                      ('dcorePeerDown', snmplib.PEER_DOWN)):
        rc, out, err = run(['snmptranslate', '-On', 'DCORE-MIB::' + name], tenv)
        h.check(out.strip() == oid, '%s is %s (%s)' % (name, oid, out.strip() or err.strip()))

    smilint = shutil.which('smilint')
    if not smilint:
        print('smilint is not installed (smitools): that check is left out')
        return
    senv = dict(os.environ)
    if not full:
        senv['SMIPATH'] = snmplib.STUB_DIR
    rc, out, err = run([smilint, '-l', '4', '-s', snmplib.MIB_FILE], senv)
    h.check(rc == 0 and not (out + err).strip(), 'smilint -l 4: no error, no warning (%r)' %
            (out + err).strip()[:2000])


harness.run(test, ports=(25040, 25059))

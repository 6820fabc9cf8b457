# SPDX-License-Identifier: BSD-3-Clause
"""Database failures: when the subscriber tables disappear under a running HSS, every request
is answered 5012 DIAMETER_UNABLE_TO_COMPLY (with the usual answer head), counted, and logged
once for the outage rather than once per request; the HSS keeps running."""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hsslib  # noqa: E402
from hsslib import harness  # noqa: E402

IMSI = '001010000000051'


def test(h):
    sqlite3 = shutil.which('sqlite3')
    if not sqlite3:
        harness.skip('the sqlite3 command-line tool is not installed')
    hss = hsslib.start(h)
    hsslib.provision(h, hss.db, IMSI)
    r = hss.dclient('air', '--imsi', IMSI)
    h.check(r.rc == 0, 'AIR works before the failure')

    # Break the database behind the HSS's back: its statements now fail.
    cp = subprocess.run([sqlite3, hss.db, 'PRAGMA foreign_keys=OFF; DROP TABLE apns; '
                         'DROP TABLE serving; DROP TABLE subscribers;'],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    h.check(cp.returncode == 0, 'tables dropped (%s)' % cp.stderr.decode().strip())

    for cmd in (['air', '--imsi', IMSI], ['ulr', '--imsi', IMSI], ['air', '--imsi', IMSI],
                ['pur', '--imsi', IMSI]):
        r = hss.dclient(*cmd)
        hsslib.check_common(h, r, cmd[0] + ' on a broken database')
        h.check(hsslib.result(r) == ('rc', 5012), '%s: 5012 UNABLE_TO_COMPLY (got %s)'
                % (cmd[0], hsslib.result(r)))
    st = hss.stats()
    h.check(st['vectors']['db_errors'] == 4, 'database errors counted: %s' % st['vectors'])
    h.check(st['AIR']['errors'] == 2 and st['ULR']['errors'] == 1, 'per-command errors counted')
    log = hss.proc.stdout() + hss.proc.stderr()
    h.check(log.count('answering 5012 until it works again') == 1,
            'the outage is logged once, not per request')
    h.check(hss.proc.running(), 'the HSS is still running')


harness.run(test, ports=(22100, 22119))

# SPDX-License-Identifier: BSD-3-Clause
"""The disk holding the SQLite database fills up (issue 7, item 5): the HSS answers 5012 at
once while nothing can be written, logs one line for the outage (not one or two per
request: 76,092 lines in 5 s before), serves 2001 again by itself within a short time once
space is freed, and the database is intact afterwards.

The disk is a 4 MB tmpfs mounted in a private mount namespace (the test re-runs itself
under `unshare -m`); without the rights for that it is skipped."""
import collections
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hsslib  # noqa: E402
from hsslib import harness  # noqa: E402

# Recovery must come by itself and soon; the times are printed. The bound is generous: the
# test machine is shared, and each batch includes the start of a dclient (0.2-0.5 s).
RECOVERY_S = 5.0

NS_FLAG = 'DCORE_TEST_MNTNS'


def fill(path):
    """Write into path until the disk is full; returns the bytes written."""
    n = 0
    with open(path, 'wb', buffering=0) as f:
        for size in (1 << 16, 4096, 512, 1):
            while True:
                try:
                    n += f.write(b'\0' * size)
                except OSError:
                    break
    return n


def test(h):
    sqlite3 = shutil.which('sqlite3')
    if not sqlite3:
        harness.skip('the sqlite3 command-line tool is not installed')
    disk = os.path.join(h.tmp, 'disk')
    os.mkdir(disk)
    cp = subprocess.run(['mount', '-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', disk],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if cp.returncode:
        harness.skip('cannot mount a tmpfs in the private mount namespace: %s'
                     % cp.stderr.decode().strip())
    db = os.path.join(disk, 'hss.db')
    hsslib.init(h, db)
    imsis = hsslib.import_subs(h, db, 200)
    hss = hsslib.start(h, db=db)
    a = hsslib.load(hss, imsis, count=100, concurrency=8)
    h.check(a['codes'] == {'2001': 100}, 'served before the disk is full: %s' % a['codes'])

    filler = os.path.join(disk, 'filler')
    print('disk filled with %d bytes' % fill(filler))
    t0 = time.monotonic()
    seen = collections.Counter()
    worst = 0
    while time.monotonic() - t0 < 5:
        a = hsslib.load(hss, imsis, count=100, concurrency=10)
        seen.update(a['codes'])
        worst = max(worst, a['latency_us']['max'])
    print('disk full for 5 s: %s, slowest answer %.1f ms' % (dict(seen), worst / 1000.0))
    h.check('exp:5001' not in seen and not seen['timeout'], 'no 5001, no timeout (%s)' % dict(seen))
    h.check(seen['5012'] >= sum(seen.values()) - 10, 'AIRs answered 5012 while the disk is '
            'full (%s)' % dict(seen))
    log_full = hsslib.db_log(hss)
    print('log lines while full: %s' % log_full)

    os.unlink(filler)
    t0 = time.monotonic()
    way = collections.Counter()
    while True:
        a = hsslib.load(hss, imsis, count=20, concurrency=4)
        way.update(a['codes'])
        if a['codes'] == {'2001': 20}:
            break
        if time.monotonic() - t0 > 10:
            h.fail('not served 10 s after space was freed (%s)' % dict(way))
    took = time.monotonic() - t0
    print('space freed: all 2001 after %.2f s (on the way: %s)' % (took, dict(way)))
    h.check(took < RECOVERY_S, 'served again %.2f s after space was freed' % took)
    a = hsslib.load(hss, imsis, count=200, concurrency=8)
    h.check(a['codes'] == {'2001': 200}, 'all 2001 afterwards: %s' % a['codes'])
    log = hsslib.db_log(hss)
    print('log lines: %s' % log)
    h.check(log.get('disk full', 0) == 1 and log.get('ok', 0) == 1,
            'one line for the outage, one when it ended (%s)' % log)
    # the rest of the log is the peers' connections (a dclient per batch)
    h.check(log['total'] < sum(seen.values()) / 4, 'the whole log (%d lines) is far shorter than '
            'the %d requests of the outage' % (log['total'], sum(seen.values())))
    hsslib.check_no_keys(h, hss)
    h.check(hss.proc.stop() == 0, 'hss stopped cleanly')
    cp = subprocess.run([sqlite3, db, 'PRAGMA integrity_check; SELECT count(*) FROM subscribers'],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    h.check(cp.stdout.decode().split() == ['ok', '200'], 'database intact afterwards (%s)'
            % cp.stdout.decode().strip())


def main():
    if os.environ.get(NS_FLAG) != '1':
        why = None
        if os.geteuid() != 0:
            why = 'mounting a tmpfs needs root (a private mount namespace)'
        elif not shutil.which('unshare'):
            why = 'unshare (util-linux) is not installed'
        elif subprocess.run(['unshare', '-m', 'true'], stderr=subprocess.DEVNULL).returncode:
            why = 'cannot create a private mount namespace here (unshare -m)'
        if why:
            harness.run(lambda h: harness.skip(why), name='test_db_full')
        env = dict(os.environ)
        env[NS_FLAG] = '1'
        os.execvpe('unshare', ['unshare', '-m', '--propagation', 'private', sys.executable,
                               os.path.abspath(__file__)], env)
    harness.run(test, name='test_db_full', ports=(22220, 22239))


main()

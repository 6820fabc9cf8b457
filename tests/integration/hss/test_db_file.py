# SPDX-License-Identifier: BSD-3-Clause
"""The SQLite file under a running HSS (issue 7, item 2): a missing database never becomes an
empty one, and a file moved or replaced under the HSS is never damaged.

1. Moved away before the start: `hss` refuses to start, names the path, creates nothing.
2. Moved away while running: 5012 (never 5001, nothing created at the path); moved back:
   2001 again within a short time; at shutdown the file is intact (every subscriber, same
   size, integrity check ok).
3. Replaced by another database while running: the HSS serves the new file within a short
   time; the old file (kept through a hard link) got its own changes and nothing else; the
   new one is intact (SQLite names -wal/-shm after the path: the new file must not adopt
   the old file's WAL, which is how a restored database was once cut to 32 KB).
The log holds one line per cause and outage, no key material."""
import collections
import json
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

N = 1000


def sql1(h, sqlite3, path, query):
    cp = subprocess.run([sqlite3, path, query], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    h.check(cp.returncode == 0, 'sqlite3 %s (%s)' % (query, cp.stderr.decode().strip()))
    return cp.stdout.decode().strip()


def intact(h, sqlite3, path, n, size, what):
    h.check(sql1(h, sqlite3, path, 'PRAGMA integrity_check') == 'ok', what + ': integrity check ok')
    got = int(sql1(h, sqlite3, path, 'SELECT count(*) FROM subscribers'))
    h.check(got == n, '%s: all %d subscribers present (%d)' % (what, n, got))
    h.check(os.path.getsize(path) == size, '%s: size unchanged (%d, was %d)'
            % (what, os.path.getsize(path), size))


def sqn(h, db, imsi):
    return json.loads(hsslib.hssctl(h, db, '--json', 'show', imsi).stdout)['sqn']


def until_all(hss, imsis, code, limit_s, what):
    """Run small loads until one is answered `code` entirely; returns the seconds it took
    and every code seen on the way."""
    t0 = time.monotonic()
    seen = collections.Counter()
    while True:
        a = hsslib.load(hss, imsis, count=20, concurrency=4)
        seen.update(a['codes'])
        if a['codes'] == {code: 20}:
            return time.monotonic() - t0, seen
        if time.monotonic() - t0 > limit_s:
            hss.h.fail('%s: not all %s after %.1f s (%s)' % (what, code, limit_s, dict(seen)))


def test(h):
    sqlite3 = shutil.which('sqlite3')
    if not sqlite3:
        harness.skip('the sqlite3 command-line tool is not installed')
    db = os.path.join(h.tmp, 'hss.db')
    away = os.path.join(h.tmp, 'moved.db')
    hsslib.init(h, db)
    imsis = hsslib.import_subs(h, db, N)
    first = imsis.split('-')[0]
    size0 = os.path.getsize(db)

    # -- 1. missing at the start --------------------------------------------------------
    os.rename(db, away)
    cfg, _ = hsslib.config(h, h.port(), db, name='nodb')
    p = h.start('hss-nodb', [h.binary('hss'), '-c', cfg])
    rc = p.wait(timeout=10)
    out = p.stdout() + p.stderr()
    h.check(rc != 0, 'hss refuses to start without its database (exit %s)' % rc)
    h.check(db in out and 'does not exist' in out and 'hssctl init' in out,
            'the message names the path and how to create it: %s' % out.strip()[-300:])
    left = [s for s in ('', '-wal', '-shm', '-journal') if os.path.exists(db + s)]
    h.check(not left, 'nothing created at the path (%s)' % left)
    os.rename(away, db)

    # -- 2. moved away and back while running -----------------------------------------------
    hss = hsslib.start(h, db=db)
    a = hsslib.load(hss, imsis, count=100, concurrency=8)
    h.check(a['codes'] == {'2001': 100}, 'served before the move: %s' % a['codes'])
    sqn_before = sqn(h, db, first)
    os.rename(db, away)
    seen = collections.Counter()
    for _ in range(5):
        seen.update(hsslib.load(hss, imsis, count=20, concurrency=4)['codes'])
    print('while moved away: %s' % dict(seen))
    h.check('exp:5001' not in seen, 'no 5001 USER_UNKNOWN while the file is away')
    h.check(seen['5012'] >= 95 and not seen['timeout'], '5012 while the file is away (%s)' % dict(seen))
    h.check(not os.path.exists(db), 'no database created at the path while it is away')
    os.rename(away, db)
    took, seen = until_all(hss, imsis, '2001', 10, 'after the file came back')
    print('moved back: all 2001 after %.2f s (on the way: %s)' % (took, dict(seen)))
    h.check(took < RECOVERY_S, 'served again %.2f s after the file came back' % took)
    h.check('exp:5001' not in seen, 'no 5001 after the file came back')
    a = hsslib.load(hss, imsis, count=200, concurrency=8)
    h.check(a['codes'] == {'2001': 200}, 'all 2001 after the return: %s' % a['codes'])
    log = hsslib.db_log(hss)
    print('log lines: %s' % log)
    h.check(log.get('file missing or replaced', 0) == 1 and log.get('ok', 0) == 1,
            'one line for the outage, one when it ended: %s' % log)
    hsslib.check_no_keys(h, hss)
    h.check(hss.proc.stop() == 0, 'hss stopped cleanly')
    intact(h, sqlite3, db, N, size0, 'file moved back')
    h.check(sqn(h, db, first) > sqn_before, 'SQNs handed out after the return are stored')

    # -- 3. replaced by another database while running ------------------------------------
    other = os.path.join(h.tmp, 'other.db')
    hsslib.init(h, other)
    other_imsis = hsslib.import_subs(h, other, 10, first=1020000000001, name='other.csv')
    size_other = os.path.getsize(other)
    sqn_old = sqn(h, db, first)
    hss = hsslib.start(h, db=db, name='hss2')
    a = hsslib.load(hss, imsis, count=100, concurrency=8)
    h.check(a['codes'] == {'2001': 100}, 'served before the replacement: %s' % a['codes'])
    keep = os.path.join(h.tmp, 'kept.db')
    os.link(db, keep)                  # the old file lives on under another name
    os.replace(other, db)
    took, seen = until_all(hss, other_imsis, '2001', 10, 'after the replacement')
    print('replaced: the new file served after %.2f s (on the way: %s)' % (took, dict(seen)))
    h.check(took < RECOVERY_S, 'the new file served %.2f s after the replacement' % took)
    a = hsslib.load(hss, imsis, count=20, concurrency=4)
    h.check(a['codes'] == {'exp:5001': 20}, "the old file's subscribers are unknown in the new "
            "one: %s" % a['codes'])
    log = hsslib.db_log(hss)
    print('log lines: %s' % log)
    h.check(log.get('file missing or replaced', 0) <= 1 and log.get('ok', 0) <= 1,
            'at most one line for the switch: %s' % log)
    h.check(hss.proc.stop() == 0, 'hss2 stopped cleanly')
    intact(h, sqlite3, db, 10, size_other, 'new file')
    intact(h, sqlite3, keep, N, size0, 'old file')
    h.check(sqn(h, keep, first) > sqn_old, 'the SQNs handed out before the replacement are in '
            'the old file')


harness.run(test, ports=(22160, 22179))

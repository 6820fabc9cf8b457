# SPDX-License-Identifier: BSD-3-Clause
"""A read-only SQLite database (issue 7, item 3), made so while the HSS runs and before it
starts: while the file is read-only the requests that must write (AIR: its SQN) are answered
5012 at once; once it is writable again the HSS serves 2001 within a short time by itself
(its pooled connections, opened read-only, are reopened), and the log holds one line for the
outage and one for its end.

The HSS runs as `nobody` (setpriv): root writes to a file whatever its mode."""
import collections
import os
import shutil
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hsslib  # noqa: E402
from hsslib import harness  # noqa: E402

# Recovery must come by itself and soon; the times are printed. The bound is generous: the
# test machine is shared, and each batch includes the start of a dclient (0.2-0.5 s).
RECOVERY_S = 5.0

NOBODY = 65534


def test(h):
    if os.geteuid() != 0:
        harness.skip('needs root to run the HSS as another user (root writes to a read-only '
                      'file)')
    setpriv = shutil.which('setpriv')
    if not setpriv:
        harness.skip('setpriv (util-linux) is not installed')
    os.chmod(h.tmp, 0o755)
    data = os.path.join(h.tmp, 'data')
    os.mkdir(data)
    db = os.path.join(data, 'hss.db')
    hsslib.init(h, db)
    imsis = hsslib.import_subs(h, db, 100)
    for p in (data, db):
        os.chown(p, NOBODY, NOBODY)

    prefix = [setpriv, '--reuid=%d' % NOBODY, '--regid=%d' % NOBODY, '--clear-groups']

    # 1. made read-only while the HSS runs (it has one connection open, the pool opens the
    #    others under the load), then writable again
    os.chmod(db, 0o644)
    hss = hsslib.start(h, db=db, prefix=prefix, ctl_dir=data)
    os.chmod(db, 0o444)
    seen = collections.Counter()
    for _ in range(5):
        seen.update(hsslib.load(hss, imsis, count=40, concurrency=8)['codes'])
    print('made read-only while running: %s' % dict(seen))
    h.check('exp:5001' not in seen and not seen['timeout'], 'no 5001, no timeout (%s)' % dict(seen))
    h.check(seen['5012'] >= 180, 'AIRs answered 5012 while the file is read-only (%s)' % dict(seen))
    writable_again(h, hss, db, imsis, 'running')
    hss.proc.stop()

    # 2. read-only before the HSS starts (its -wal and -shm are then made read-only too)
    os.chmod(db, 0o444)
    for sfx in ('-wal', '-shm'):
        if os.path.exists(db + sfx):
            os.unlink(db + sfx)
    hss = hsslib.start(h, db=db, prefix=prefix, ctl_dir=data, name='hss2')
    seen = collections.Counter()
    worst = 0
    for _ in range(5):
        a = hsslib.load(hss, imsis, count=40, concurrency=8)
        seen.update(a['codes'])
        worst = max(worst, a['latency_us']['max'])
    print('read-only from the start: %s, slowest answer %.1f ms' % (dict(seen), worst / 1000.0))
    h.check(seen == {'5012': 200}, 'every AIR answered 5012 while the file is read-only (%s)'
            % dict(seen))
    h.check(worst < 1000000, '5012 comes at once, not after a wait (%.1f ms)' % (worst / 1000.0))
    writable_again(h, hss, db, imsis, 'from the start')
    h.check(hss.proc.stop() == 0, 'hss stopped cleanly')


def writable_again(h, hss, db, imsis, what):
    """Make the file writable: served again by itself, all connections of the pool write;
    one log line for the outage, one for its end."""
    os.chmod(db, 0o644)
    t0 = time.monotonic()
    seen = collections.Counter()
    while True:
        a = hsslib.load(hss, imsis, count=20, concurrency=8)
        seen.update(a['codes'])
        if a['codes'] == {'2001': 20}:
            break
        if time.monotonic() - t0 > 10:
            h.fail('%s: still not served 10 s after the file became writable (%s)'
                   % (what, dict(seen)))
    took = time.monotonic() - t0
    print('%s: writable again, all 2001 after %.2f s (on the way: %s)' % (what, took, dict(seen)))
    h.check(took < RECOVERY_S, '%s: served again %.2f s after the file became writable' % (what, took))
    a = hsslib.load(hss, imsis, count=400, concurrency=16)
    h.check(a['codes'] == {'2001': 400}, '%s: every connection of the pool writes again: %s'
            % (what, a['codes']))
    log = hsslib.db_log(hss)
    print('%s: log lines: %s' % (what, log))
    h.check(log.get('read-only', 0) == 1 and log.get('ok', 0) == 1,
            '%s: one line for the read-only outage, one when it ended (%s)' % (what, log))
    h.check(sum(v for k, v in log.items() if k not in ('total', 'ok', 'read-only')) == 0,
            '%s: no other database fault logged (%s)' % (what, log))
    hsslib.check_no_keys(h, hss)


harness.run(test, ports=(22180, 22199))

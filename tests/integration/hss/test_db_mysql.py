# SPDX-License-Identifier: BSD-3-Clause
"""Database faults with the MySQL/MariaDB backend (issue 7, items 2 to 5), against the real
mariadbd that tests/unit/hss_db/run_mysql.py starts (its root URI is the last argument):

1. A database without the HSS schema: `hss` refuses to start, says to run `hssctl init`, and
   creates no table; `hssctl init` then creates the schema.
2. The server kills the HSS's connections: they are reopened, no 5001, 2001 again at once.
3. The server is made read-only (SET GLOBAL read_only for the HSS's non-admin user): 5012
   at once, then 2001 within a short time once writable; one log line each way.
4. Another client holds LOCK TABLES subscribers WRITE for 8 s: every AIR is answered 5012
   before the peer's 5 s timer (the lock waits are bounded by database.timeout_ms), then
   2001 again once the lock is released.
Latencies and recovery times are printed."""
import collections
import os
import select
import shutil
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hsslib  # noqa: E402
from hsslib import harness  # noqa: E402

# Recovery must come by itself and soon; the times are printed. The bound is generous: the
# test machine is shared, and each batch includes the start of a dclient (0.2-0.5 s).
RECOVERY_S = 5.0

DB = 'hss_faults'
USER, PASS = 'hss_faults', 'faultpw'


def until_all(h, hss, imsis, what, limit_s=10):
    t0 = time.monotonic()
    seen = collections.Counter()
    while True:
        a = hsslib.load(hss, imsis, count=20, concurrency=4)
        seen.update(a['codes'])
        if a['codes'] == {'2001': 20}:
            took = time.monotonic() - t0
            print('%s: all 2001 after %.2f s (on the way: %s)' % (what, took, dict(seen)))
            h.check('exp:5001' not in seen, '%s: no 5001 on the way' % what)
            h.check(took < RECOVERY_S, '%s: served again after %.2f s' % (what, took))
            return
        if time.monotonic() - t0 > limit_s:
            h.fail('%s: not served after %.0f s (%s)' % (what, limit_s, dict(seen)))


def test(h):
    root_uri = next((a for a in sys.argv[1:] if a.startswith('mysql:')), None)
    if not root_uri:
        harness.skip('no MariaDB server: run through tests/unit/hss_db/run_mysql.py')
    sock = urllib.parse.parse_qs(urllib.parse.urlparse(root_uri).query).get('socket', [None])[0]
    client = shutil.which('mariadb') or shutil.which('mysql')
    if not sock or not client:
        harness.skip('needs the private server of run_mysql.py (a socket) and the mariadb client')

    def sql(q, check=True):
        cp = subprocess.run([client, '--no-defaults', '-S', sock, '-uroot', '-N', '-B', '-e', q],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)
        if check and cp.returncode:
            h.fail('mariadb: %s: %s' % (q, cp.stderr.strip()))
        return cp.stdout.strip()

    if subprocess.run([client, '--no-defaults', '-S', sock, '-uroot', '-e', 'SELECT 1'],
                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode:
        harness.skip('no root access to the MariaDB server (HSS_DB_MYSQL_URI given?)')
    sql("DROP DATABASE IF EXISTS %s; CREATE DATABASE %s; DROP USER IF EXISTS '%s'@'localhost'; "
        "CREATE USER '%s'@'localhost' IDENTIFIED BY '%s'; GRANT ALL ON %s.* TO '%s'@'localhost'"
        % (DB, DB, USER, USER, PASS, DB, USER))
    spec = 'mysql://%s:%s@localhost/%s?socket=%s' % (USER, PASS, DB, sock)
    db = 'mysql:' + spec

    # -- 1. no schema: refused, nothing created --------------------------------------------
    cfg, _ = hsslib.config(h, h.port(), db, name='noschema')
    p = h.start('hss-noschema', [h.binary('hss'), '-c', cfg])
    rc = p.wait(timeout=20)
    out = p.stdout() + p.stderr()
    h.check(rc != 0 and 'no HSS schema' in out and 'hssctl init' in out,
            'hss refuses a database without the schema: %s' % out.strip()[-300:])
    h.check(PASS not in out, 'the password is not in the message')
    tables = sql("SELECT count(*) FROM information_schema.tables WHERE table_schema = '%s'" % DB)
    h.check(tables == '0', 'no table created by the HSS (%s)' % tables)
    hsslib.hssctl(h, db, 'init')
    imsis = hsslib.import_subs(h, db, 200)

    hss = hsslib.start(h, db=db)
    a = hsslib.load(hss, imsis, count=100, concurrency=8)
    h.check(a['codes'] == {'2001': 100}, 'served: %s' % a['codes'])

    # -- 2. the server drops the HSS's connections -------------------------------------------
    ids = sql("SELECT id FROM information_schema.processlist WHERE user = '%s'" % USER).split()
    h.check(len(ids) >= 1, 'the HSS has %d connection(s) to the server' % len(ids))
    for i in ids:
        sql('KILL CONNECTION %s' % i, check=False)
    until_all(h, hss, imsis, 'connections killed')

    # -- 3. read-only server -------------------------------------------------------------------
    sql('SET GLOBAL read_only = 1')
    seen = collections.Counter()
    worst = 0
    for _ in range(5):
        a = hsslib.load(hss, imsis, count=20, concurrency=4)
        seen.update(a['codes'])
        worst = max(worst, a['latency_us']['max'])
    sql('SET GLOBAL read_only = 0')
    print('read-only server: %s, slowest answer %.1f ms' % (dict(seen), worst / 1000.0))
    h.check(seen == {'5012': 100}, 'every AIR answered 5012 while the server is read-only (%s)'
            % dict(seen))
    until_all(h, hss, imsis, 'server writable again')

    # -- 4. a table locked by another client for longer than the peer timer -----------------
    lock = subprocess.Popen([client, '--no-defaults', '--unbuffered', '-S', sock, '-uroot', '-N',
                             '-B', DB], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    lock.stdin.write("LOCK TABLES subscribers WRITE; SELECT 'locked';\n")
    lock.stdin.flush()
    ready, _, _ = select.select([lock.stdout], [], [], 20)
    h.check(ready and lock.stdout.readline().strip() == 'locked',
            'another client holds LOCK TABLES subscribers WRITE')
    t0 = time.monotonic()
    seen = collections.Counter()
    lat = []
    while time.monotonic() - t0 < 8:
        a = hsslib.load(hss, imsis, count=50, concurrency=10, timeout_ms=5000)
        seen.update(a['codes'])
        lat.append(a['latency_us'])
    lock.stdin.write('UNLOCK TABLES;\n')
    lock.stdin.close()
    lock.wait(timeout=20)
    p50 = sorted(x['p50'] for x in lat)[len(lat) // 2] / 1000.0
    worst = max(x['max'] for x in lat) / 1000.0
    print('table locked %.1f s: %s; latency over %d runs: median p50 %.1f ms, max %.1f ms'
          % (time.monotonic() - t0, dict(seen), len(lat), p50, worst))
    h.check(not seen['timeout'], 'no request left unanswered at the 5 s peer timer (%s)'
            % dict(seen))
    h.check(set(seen) == {'5012'}, 'every AIR answered 5012 while the table is locked (%s)'
            % dict(seen))
    h.check(worst < 4500, 'the slowest 5012 came after %.1f ms, before the peer timer' % worst)
    until_all(h, hss, imsis, 'table unlocked')

    log = hsslib.db_log(hss)
    print('log lines: %s' % log)
    h.check(log.get('read-only', 0) == 1, 'one line for the read-only outage (%s)' % log)
    h.check(log.get('timeout (locked or stalled)', 0) == 1, 'one line for the lock (%s)' % log)
    h.check(log.get('ok', 0) <= 3, 'one line at the end of each outage (%s)' % log)
    hsslib.check_no_keys(h, hss)
    h.check(PASS not in hss.proc.stdout() + hss.proc.stderr(), 'no password in the HSS log')
    h.check(hss.proc.stop() == 0, 'hss stopped cleanly')
    h.check(hsslib.hssctl(h, db, 'count').stdout.decode().strip() == '200',
            'all subscribers still there')


harness.run(test, name='test_db_mysql', ports=(22240, 22259))

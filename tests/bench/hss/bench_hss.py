#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""HSS benchmark: AIR/s and ULR/s with latency percentiles at 10 and 100 requests in flight,
against `dclient echo` (answers 2001 with no logic) as the ceiling of the client and the
freeDiameter stack on this machine.

    dclient load air|ulr  ->  hss (SQLite)        dclient load air  ->  dclient echo

Subscribers are provisioned with `hssctl import` (1000 by default; HSS_BENCH_1M=1 for one
million, or HSS_BENCH_SUBSCRIBERS=N), and the IMSIs of the load cycle through all of them.
Printed per case: requests/s, latency p50/p90/p99/p99.9 (us, from dclient) and HSS CPU
microseconds per request (utime+stime from /proc), and how long the import took. Nothing about speed is asserted: it fails
only when something does not work (an answer other than 2001, or a timeout).

Environment: HSS_BENCH_COUNT (requests per case at 100 in flight, default 20000; a fifth of it
at 10), HSS_BENCH_SYNC=normal to run SQLite with synchronous=NORMAL instead of the default
FULL (a committed SQN then may be lost on power failure, not on a crash), ports 22900-22919.
"""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'integration'))
import harness  # noqa: E402

CLK = os.sysconf('SC_CLK_TCK')
K = '465b5ce8b199b49faa5f0a2ee238a6bc'
OPC = 'cd63cb71954a9f4e48a5994e37a02baf'
FIRST = 1010000000001   # IMSI 001010000000001


def cpu_s(pid):
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK


def bench(h):
    n = int(os.environ.get('HSS_BENCH_SUBSCRIBERS') or (1000000 if os.environ.get('HSS_BENCH_1M') else 1000))
    count = int(os.environ.get('HSS_BENCH_COUNT', '20000'))
    sync = os.environ.get('HSS_BENCH_SYNC', '')
    db = os.path.join(h.tmp, 'bench.db')
    csv = os.path.join(h.tmp, 'subs.csv')
    with open(csv, 'w') as f:
        f.write('imsi,k,opc,apn\n')
        for i in range(n):
            f.write('%015d,%s,%s,internet\n' % (FIRST + i, K, OPC))
    t0 = time.monotonic()
    cp = subprocess.run([h.binary('hssctl'), '--db', db, 'init'], stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE)
    if cp.returncode == 0:
        cp = subprocess.run([h.binary('hssctl'), '--db', db, 'import', csv],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    provision_s = time.monotonic() - t0
    if cp.returncode:
        h.fail('hssctl import: %s' % cp.stderr.decode())
    os.unlink(csv)
    imsis = '%015d-%015d' % (FIRST, FIRST + n - 1)

    port = h.port()
    cfg = h.write_config('hss.yaml', 'hss.bench', 'bench', port, diameter={'threads': 8},
                         database={'backend': 'sqlite', 'path': db + ('?sync=' + sync if sync else '')},
                         s6a={'home_plmns': ['00101'], 'cancel_old_mme': False})
    hss = h.start('hss', [h.binary('hss'), '-c', cfg], wait_port=port)
    eport = h.port()
    echo = h.echo('echo.bench', eport, apps='s6a')

    rows = []
    for inflight in (10, 100):
        c = count if inflight == 100 else max(count // 5, 100)
        for name, target, proc, cmd in (('echo air', ('echo.bench', eport), echo, 'air'),
                                        ('hss air', ('hss.bench', port), hss, 'air'),
                                        ('hss ulr', ('hss.bench', port), hss, 'ulr')):
            before = cpu_s(proc.p.pid)
            r = h.dclient('load', cmd, '--count', c, '--concurrency', inflight, '--imsi-range', imsis,
                          peer=target[1], peer_host=target[0], timeout_ms=30000, wall_timeout=3600)
            used = cpu_s(proc.p.pid) - before
            s = r.answer
            if not s or s.get('answered') != c or s.get('results', {}).get('2001') != c:
                h.fail('%s at %d in flight: not all answered 2001: %s' % (name, inflight, s))
            lat = s['latency_us']
            rows.append((name, inflight, s['rps'], lat['p50'], lat['p90'], lat['p99'], lat['p99.9'],
                         used * 1e6 / c))
    print()
    print('HSS benchmark: %d subscribers (hssctl import: %.1f s), SQLite synchronous=%s, '
          '%d requests at 100 in flight' % (n, provision_s, sync.upper() or 'FULL (default)', count))
    print('%-9s %8s %10s %9s %9s %9s %9s %12s' % ('case', 'inflight', 'req/s', 'p50 us', 'p90 us',
                                                  'p99 us', 'p99.9 us', 'server us/req'))
    for row in rows:
        print('%-9s %8d %10.0f %9d %9d %9d %9d %12.1f' % row)
    print(json.dumps({'kind': 'hss_bench', 'subscribers': n, 'provision_s': round(provision_s, 1),
                      'sync': sync or 'full',
                      'rows': [dict(zip(('case', 'inflight', 'rps', 'p50', 'p90', 'p99', 'p99.9',
                                         'server_cpu_us'), r)) for r in rows]}))


harness.run(bench, name='bench_hss', ports=(22900, 22919))

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""HSS benchmark: AIR/s and ULR/s at 10 and 100 requests in flight, per database backend
(SQLite; MariaDB when mariadbd is installed; MongoDB when HSS_TEST_MONGODB_URI is set and the
backend is compiled in), with one and with two HSS processes on the same database, for 1,000
subscribers (and 1,000,000 with HSS_BENCH_1M=1), each beside `dclient echo` (answers 2001 with
no logic: the ceiling of the client and the freeDiameter stack on this machine) as a ratio.

    dclient load air|ulr  ->  hss  (x1 or x2, one database)
    dclient load air      ->  dclient echo

The machine is shared and its load changes by the second: every round runs echo, AIR and ULR
back to back, the ratio is taken within the round, and the tables give the median of the
rounds (HSS_BENCH_ROUNDS, default 3) with the load average seen during the block. With two
HSS processes, two dclients run at once (half the requests in flight each, one per HSS; the
echo baseline gets the same two dclients). Printed per case: requests/s, the ratio to echo,
latency p50/p99/p99.9 (us, from dclient; with two clients the worse of the two), the server
CPU per request (utime+stime from /proc, all HSS processes) beside echo's, the client's CPU
per request (every dclient of the case), the ratio the cores would allow at best (server and
client CPU side by side with echo's: `cap`), and the answers
that were not 2001 (a write that waited past database.timeout_ms on an overloaded machine
is answered 5012, as designed). Nothing about speed is asserted: it fails only when
something does not work (a timeout, or more than 1% of answers not 2001).

Durability is what production runs: SQLite synchronous=FULL (HSS_BENCH_SYNC=normal to
compare), MariaDB with innodb_flush_log_at_trx_commit=1 (the default); every answer is sent
after its write is durable (group commit).

Environment: HSS_BENCH_COUNT (requests per case at 100 in flight, default 20000; a fifth at
10), HSS_BENCH_ROUNDS, HSS_BENCH_1M=1, HSS_BENCH_SUBSCRIBERS=N (instead of 1000),
HSS_BENCH_BACKENDS (default "sqlite,mysql"), HSS_BENCH_PROCS (default "1,2"),
HSS_BENCH_THREADS (dispatch threads per HSS, default 8), ports
22900-22939. HSS_BENCH_BASELINE=PATH: another `hss` binary (say, main's, built into another
directory) measured in the same rounds on the same database ("old air", "old ulr", one process,
interleaved with the others): a before/after comparison that the machine's load cannot skew.
"""
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time

# meson test sets MALLOC_PERTURB_ (every malloc and free fills the memory: a cost no
# production process pays): the processes measured here run without it
os.environ.pop('MALLOC_PERTURB_', None)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', 'integration'))
import harness  # noqa: E402
import mariadb  # noqa: E402

CLK = os.sysconf('SC_CLK_TCK')
NCPU = os.cpu_count() or 1
# dispatch threads of each HSS (HSS_BENCH_THREADS): 2, 4 and 8 measured alike on 2 cores
THREADS = int(os.environ.get('HSS_BENCH_THREADS', '8'))
K = '465b5ce8b199b49faa5f0a2ee238a6bc'
OPC = 'cd63cb71954a9f4e48a5994e37a02baf'
FIRST = 1010000000001   # IMSI 001010000000001


def cpu_s(pid):
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK


def loadavg():
    with open('/proc/loadavg') as f:
        return float(f.read().split()[0])


# Full Subscription-Data (what a ULR answer carries): MSISDN and A-MSISDN, AMBR, roaming
# PLMNs, periodic TAU, charging characteristics, and four APN configurations (an AMBR and a
# PGW host/realm, an IMS APN with pre-emption, a static IPv4 address, VPLMN dynamic
# allocation): about 600 octets of Subscription-Data per ULA.
APNS = ('internet,ctx=1,pdn=ipv4v6,qci=9,arp=8,ambr_ul=50000000,ambr_dl=100000000,'
        'pgw_host=pgw1.epc.mnc001.mcc001.3gppnetwork.org,'
        'pgw_realm=epc.mnc001.mcc001.3gppnetwork.org;'
        'ims,ctx=2,pdn=ipv4v6,qci=5,arp=1,preempt_cap=1,preempt_vuln=0;'
        'mms,ctx=3,pdn=ipv4,qci=8,arp=9,static_ip=10.%d.%d.%d,pgw_alloc=static;'
        'iot,ctx=4,pdn=ipv6,qci=7,arp=10,vplmn_dyn=1')


def csv_file(h, n):
    path = os.path.join(h.tmp, 'subs-%d.csv' % n)
    if not os.path.exists(path):
        with open(path, 'w') as f:
            f.write('imsi,msisdn,a_msisdn,k,opc,ambr_ul,ambr_dl,roaming_plmns,periodic_tau,'
                    'charging_chars,default_ctx_id,apns\n')
            for i in range(n):
                f.write('%015d,336%08d,337%08d,%s,%s,50000000,100000000,"00102,00103",3240,'
                        '0800,1,"%s"\n' % (FIRST + i, i, i, K, OPC,
                                            APNS % (i >> 16 & 255, i >> 8 & 255, i & 255)))
    return path


def provision(h, spec, n):
    """hssctl init + import n subscribers into spec ("sqlite:PATH" or "mysql:URI"); seconds."""
    t0 = time.monotonic()
    for args in (['init'], ['import', csv_file(h, n)]):
        cp = subprocess.run([h.binary('hssctl'), '-d', spec] + args, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
        if cp.returncode:
            h.fail('hssctl %s: %s' % (args[0], cp.stderr.decode()))
    return time.monotonic() - t0


def load(h, targets, cmd, count, inflight, imsis):
    """dclient load against each (host, port) of targets at once, inflight split between
    them; returns (requests/s summed, worst p50, p99, p99.9)."""
    per = max(inflight // len(targets), 1)
    out = [None] * len(targets)
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    before = ru.ru_utime + ru.ru_stime

    def one(i, host, port):
        out[i] = h.dclient('load', cmd, '--count', count // len(targets), '--concurrency', per,
                           '--imsi-range', imsis, peer=port, peer_host=host, timeout_ms=30000,
                           wall_timeout=3600)
    th = [threading.Thread(target=one, args=(i, t[0], t[1])) for i, t in enumerate(targets)]
    for t in th:
        t.start()
    for t in th:
        t.join()
    errors = 0
    for r in out:
        s = r.answer
        n = count // len(targets)
        if not s or s.get('answered') != n or s.get('timeouts'):
            h.fail('%s at %d in flight: not all answered: %s' % (cmd, inflight, s))
        errors += n - s.get('results', {}).get('2001', 0)
    # on an overloaded machine a write may wait past database.timeout_ms and be answered
    # 5012, as designed: counted and shown; more than 1% means something does not work
    if errors > count // 100:
        h.fail('%s at %d in flight: %d answers not 2001: %s' % (
            cmd, inflight, errors, [r.answer.get('results') for r in out]))
    lat = [r.answer['latency_us'] for r in out]
    # the client's own CPU (every dclient of this case; they are the only children that end
    # during it): on a machine this small, client and server share the same cores
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    client_us = (ru.ru_utime + ru.ru_stime - before) * 1e6 / count
    return (sum(r.answer['rps'] for r in out), max(x['p50'] for x in lat),
            max(x['p99'] for x in lat), max(x['p99.9'] for x in lat), errors, client_us)


def run_block(h, rows, backend, spec, n, nproc, echo, rounds, count, db_pid=None):
    """Start nproc HSS processes on spec, run the rounds, stop them; append result rows.
    db_pid: the database server on this machine (mariadbd): its CPU per request is shown
    apart ('db us') and counted with the HSS's in `cap` (it runs on the same cores)."""
    procs, targets = [], []
    for i in range(nproc):
        port = h.port()
        if spec.startswith('mysql:'):
            database = {'backend': 'mysql', 'uri': spec[6:]}
        else:
            database = {'backend': 'sqlite', 'path': spec[7:]}
        cfg = h.write_config('hss%d.yaml' % i, 'hss%d.bench' % i, 'bench', port,
                             diameter={'threads': THREADS}, database=database,
                             s6a={'home_plmns': ['00101'], 'cancel_old_mme': False})
        procs.append(h.start('hss%d' % i, [h.binary('hss'), '-c', cfg], wait_port=port))
        targets.append(('hss%d.bench' % i, port))
    etargets = [('echo.bench', echo[1])] * nproc
    cases = [('echo air', etargets, [echo[0]], 'air')]
    baseline = os.environ.get('HSS_BENCH_BASELINE')
    if baseline and nproc == 1:
        port = h.port()
        cfg = h.write_config('hss-old.yaml', 'hssold.bench', 'bench', port,
                             diameter={'threads': THREADS}, database=database,
                             s6a={'home_plmns': ['00101'], 'cancel_old_mme': False})
        old = h.start('hss-old', [baseline, '-c', cfg], wait_port=port)
        procs_old, targets_old = [old], [('hssold.bench', port)]
        cases += [('old air', targets_old, procs_old, 'air'),
                  ('hss air', targets, procs, 'air'),
                  ('old ulr', targets_old, procs_old, 'ulr'),
                  ('hss ulr', targets, procs, 'ulr')]
    else:
        procs_old = []
        cases += [('hss air', targets, procs, 'air'), ('hss ulr', targets, procs, 'ulr')]
    imsis = '%015d-%015d' % (FIRST, FIRST + n - 1)
    load(h, targets, 'air', 2000, 100, imsis)   # warm-up: caches, connections
    if procs_old:
        load(h, targets_old, 'air', 2000, 100, imsis)
    samples = {}
    loads = [loadavg()]
    for _ in range(rounds):
        for inflight in (10, 100):
            c = count if inflight == 100 else max(count // 5, 100)
            base = None
            for name, tg, pr, cmd in cases:
                before = sum(cpu_s(p.p.pid) for p in pr)
                dbs = db_pid and name != 'echo air'
                db0 = cpu_s(db_pid) if dbs else 0
                rps, p50, p99, p999, errs, client = load(h, tg, cmd, c, inflight, imsis)
                cpu = (sum(cpu_s(p.p.pid) for p in pr) - before) * 1e6 / c
                dbu = (cpu_s(db_pid) - db0) * 1e6 / c if dbs else 0
                if base is None:
                    base = (rps, cpu)
                # what the cores allow when they do nothing else: server + client CPU per
                # request; the ceiling of the ratio to echo is echo's sum over this one's
                cap = NCPU * 1e6 / (cpu + client + dbu) if cpu + client + dbu else 0
                samples.setdefault((name, inflight), []).append(
                    (rps, rps / base[0], p50, p99, p999, cpu, cpu / base[1] if base[1] else 0,
                     client, cap, dbu, errs))
            loads.append(loadavg())
    for p in procs + procs_old:
        p.stop()
    for (name, inflight), v in samples.items():
        med = [statistics.median(x[i] for x in v) for i in range(10)]
        errs = sum(x[10] for x in v)
        ecap = statistics.median(x[8] for x in samples[('echo air', inflight)])
        rows.append(dict(backend=backend, subscribers=n, procs=nproc, case=name,
                         inflight=inflight, rps=round(med[0]), ratio=round(med[1], 2),
                         p50=round(med[2]), p99=round(med[3]), p999=round(med[4]),
                         cpu_us=round(med[5], 1), cpu_ratio=round(med[6], 2),
                         client_us=round(med[7], 1), cap_ratio=round(med[8] / ecap, 2)
                         if ecap else 0, db_us=round(med[9], 1), not_2001=errs,
                         ratios=[round(x[1], 2) for x in v],
                         load=[round(min(loads), 1), round(max(loads), 1)]))


def bench(h):
    count = int(os.environ.get('HSS_BENCH_COUNT', '20000'))
    rounds = int(os.environ.get('HSS_BENCH_ROUNDS', '3'))
    sizes = [int(os.environ.get('HSS_BENCH_SUBSCRIBERS') or 1000)]
    if os.environ.get('HSS_BENCH_1M'):
        sizes.append(1000000)
    backends = os.environ.get('HSS_BENCH_BACKENDS', 'sqlite,mysql').split(',')
    nprocs = [int(x) for x in os.environ.get('HSS_BENCH_PROCS', '1,2').split(',')]
    sync = os.environ.get('HSS_BENCH_SYNC', '')
    eport = h.port()
    echo = (h.echo('echo.bench', eport, apps='s6a'), eport)
    rows, notes, server = [], [], None
    try:
        for backend in backends:
            for n in sizes:
                if backend == 'sqlite':
                    spec = 'sqlite:' + os.path.join(h.tmp, 'bench-%d.db' % n) + \
                        ('?sync=' + sync if sync else '')
                elif backend == 'mysql':
                    if not server:
                        server = mariadb.Server(buffer_pool='512M', log_file_size='256M')
                        try:
                            server.start()
                        except mariadb.Unavailable as e:
                            notes.append('mysql: skipped: %s' % e)
                            break
                    server.sql('DROP DATABASE IF EXISTS hss%d; CREATE DATABASE hss%d' % (n, n))
                    spec = 'mysql:' + server.uri('hss%d' % n)
                else:
                    notes.append('%s: skipped: no such backend in this build (MongoDB: set '
                                 'HSS_TEST_MONGODB_URI once the backend exists)' % backend)
                    break
                took = provision(h, spec, n)
                notes.append('%s: %d subscribers imported in %.1f s' % (backend, n, took))
                for nproc in nprocs:
                    run_block(h, rows, backend, spec, n, nproc, echo, rounds, count,
                              server.proc.pid if backend == 'mysql' and server else None)
    finally:
        if server:
            server.close()

    print()
    print('HSS benchmark, medians of %d rounds; SQLite synchronous=%s, MariaDB '
          'innodb_flush_log_at_trx_commit=1; %d requests at 100 in flight' %
          (rounds, sync.upper() or 'FULL', count))
    for note in notes:
        print('  ' + note)
    print('  cpu us: the server processes\' CPU per request; client us: the dclients\'; cap: the')
    print('  ratio to echo the %d cores would allow if server and client used all of them and' % NCPU)
    print('  nothing else ((echo cpu + client) / (cpu + client)): the client parses every answer')
    print('  whole (a ULA with full Subscription-Data costs it more than an AIA); db us: the')
    print('  database server\'s CPU per request (mariadbd, on the same cores: in cap too)')
    print('%-7s %7s %5s %-8s %4s %8s %6s %8s %8s %9s %8s %6s %8s %7s %5s %5s %11s %s' % (
        'backend', 'subs', 'procs', 'case', 'infl', 'req/s', 'x echo', 'p50 us', 'p99 us',
        'p99.9 us', 'cpu us', 'x echo', 'client', 'db us', 'cap', '!2001', 'load',
        'round ratios'))
    for r in rows:
        print('%-7s %7d %5d %-8s %4d %8d %6.2f %8d %8d %9d %8.1f %6.2f %8.1f %7.1f %5.2f %5d '
              '%5.1f-%-5.1f %s' % (
                  r['backend'], r['subscribers'], r['procs'], r['case'], r['inflight'], r['rps'],
                  r['ratio'], r['p50'], r['p99'], r['p999'], r['cpu_us'], r['cpu_ratio'],
                  r['client_us'], r['db_us'], r['cap_ratio'], r['not_2001'], r['load'][0],
                  r['load'][1], ' '.join('%.2f' % x for x in r['ratios'])))
    print(json.dumps({'kind': 'hss_bench', 'rounds': rounds, 'count': count,
                      'sync': sync or 'full', 'notes': notes, 'rows': rows}))


harness.run(bench, name='bench_hss', ports=(22900, 22939))

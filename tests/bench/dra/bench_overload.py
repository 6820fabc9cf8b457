#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Overload benchmark: 3 clients with 2,000 requests in flight each, sending AIRs through the
DRA to the HSS (SQLite, 1,000 subscribers), with and without the admission bounds
(`overload.max_pending`, both daemons):

    3 x dclient load air (2,000 in flight)  ->  dra  ->  hss (SQLite)

Each configuration runs 10 in flight first (the normal latency), then the overload: a closed
loop (each answer, 3004 included, is followed at once by the next request: a retry storm)
and an open loop (`dclient load --rate`: requests leave on a fixed schedule at twice what the
chain answered in the closed loop without bounds, as new subscribers keep arriving whatever
the answers). Printed per phase: answers/s, answers per result code, latency p50 of all
answers per client and p50/p99 of the 2001 answers alone (dclient's latency_2xxx_us), the
DRA's and the HSS's too_busy counts, the highest number of admitted requests in progress
each reported while the load ran; and the DRA's RSS after. Configurations: no bound, the shipped
defaults, and a DRA bound sized to what this HSS answers in 100 ms. Nothing about speed is
asserted: it fails only when something does not work (a timeout, no 2001).

Environment: OVL_BENCH_SECONDS (per run, default 15), OVL_BENCH_CLIENTS (3),
OVL_BENCH_INFLIGHT (2000), OVL_BENCH_DRA_MAX / OVL_BENCH_HSS_MAX (bounds of the 'bounded'
run; default: the shipped defaults). Ports 24900-24919."""
import json
import os
import re
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', 'integration', 'resilience'))
import rellib  # noqa: E402
from rellib import harness  # noqa: E402

SECONDS = float(os.environ.get('OVL_BENCH_SECONDS', '15'))
CLIENTS = int(os.environ.get('OVL_BENCH_CLIENTS', '3'))
INFLIGHT = int(os.environ.get('OVL_BENCH_INFLIGHT', '2000'))
N_SUBS = 1000


def overload_yaml(v):
    return '' if v is None else 'overload:\n  max_pending: %d\n' % v


def hss_pending(sysm):
    import socket
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    try:
        s.connect(os.path.join(sysm.h.tmp, sysm.tag + 'hss.ctl'))
        s.sendall(b'stats\n')
        data = b''
        while not data.endswith(b'\n'):
            c = s.recv(4096)
            if not c:
                break
            data += c
    finally:
        s.close()
    m = dict(re.findall(r'(too_busy|pending|admitted)=(\d+)', data.decode()))
    return {k: int(v) for k, v in m.items()}


def load(sysm, name, inflight, seconds, identity, rate=None):
    argv = sysm.dclient_argv('dra', 'load', 'air', '--duration', str(seconds), '--concurrency',
                             str(inflight), '--imsi-range', '001010000000001-%015d' % (1010000000000 + N_SUBS),
                             identity=identity, timeout_ms=30000)
    if rate:
        argv += ['--rate', '%.1f' % rate]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def summary(p):
    out, err = p.communicate(timeout=SECONDS + 120)
    for line in out.decode().splitlines():
        if line.startswith('{') and '"kind":"load"' in line:
            return json.loads(line)
    raise RuntimeError('no load summary: %s' % err.decode()[-2000:])


def phase(h, sysm, what, rate=None):
    """CLIENTS loads at once (closed loop, or open loop at `rate` each); prints and returns the
    total rate of answers."""
    procs = [load(sysm, 'c%d' % i, INFLIGHT, SECONDS, '%sc%d.client' % (what[0], i), rate)
             for i in range(CLIENTS)]
    peak = {'dra': 0, 'hss': 0}
    stop = []

    def sample():
        while not stop:
            st = sysm.dra_stats()
            peak['dra'] = max(peak['dra'], st.get(('global', '-', 'admitted'), 0))
            peak['hss'] = max(peak['hss'], hss_pending(sysm).get('admitted', 0))
            time.sleep(0.5)
    t = threading.Thread(target=sample, daemon=True)
    t.start()
    before = sysm.dra_stats().get(('global', '-', 'too_busy'), 0), hss_pending(sysm).get('too_busy', 0)
    sums = [summary(p) for p in procs]
    stop.append(1)
    t.join(10)
    after = sysm.dra_stats().get(('global', '-', 'too_busy'), 0), hss_pending(sysm).get('too_busy', 0)
    res, n_ok, lat, lat_ok, total = {}, 0, [], [], 0.0
    for s in sums:
        for k, v in s['results'].items():
            res[k] = res.get(k, 0) + v
        total += s['rps']
        lat.append(s['latency_us']['p50'])
        l2 = s.get('latency_2xxx_us', {})
        if l2.get('n'):
            lat_ok.append((l2['p50'], l2['p99']))
    print('  %s: %.0f answers/s, results %s, timeouts %d; p50 of all answers %s ms; 2001 p50/p99 %s ms; '
          'too_busy DRA %d HSS %d; peak admitted in progress DRA %d HSS %d' % (
              what, total, res, sum(s['timeouts'] for s in sums),
              '/'.join('%.0f' % (x / 1e3) for x in lat),
              ' '.join('%.0f/%.0f' % (a / 1e3, b / 1e3) for a, b in lat_ok),
              after[0] - before[0], after[1] - before[1], peak['dra'], peak['hss']))
    sys.stdout.flush()
    if not res.get('2001') or any(s['timeouts'] for s in sums):
        h.fail('%s: no 2001, or timeouts' % what)
    return total


def run(h, label, dra_max, hss_max, tag, rate=None):
    sysm = rellib.System(h, dra_extra=overload_yaml(dra_max), hss_extra=overload_yaml(hss_max),
                         subscribers=N_SUBS, tag=tag)
    print('%s (DRA max_pending %s, HSS max_pending %s)' % (
        label, 'default' if dra_max is None else dra_max, 'default' if hss_max is None else hss_max))
    s0 = summary(load(sysm, 'warm', 10, 3, tag + 'warm.client'))
    print('  10 in flight: %.0f answers/s, p50 %.1f ms, p99 %.1f ms' % (
        s0['rps'], s0['latency_us']['p50'] / 1e3, s0['latency_us']['p99'] / 1e3))
    cap = phase(h, sysm, 'closed loop %d x %d in flight' % (CLIENTS, INFLIGHT))
    if rate:
        phase(h, sysm, 'open loop %d x %.0f/s (at most %d in flight each)' % (CLIENTS, rate, INFLIGHT), rate)
    time.sleep(1)
    print('  DRA RSS after: %.1f MB' % (rellib.rss_kb(sysm.dra.p.pid) / 1024.0))
    for p in (sysm.dra, sysm.hss):
        p.stop()
    return cap


def bench(h):
    cap = run(h, 'no bound', 0, 0, 'a-')
    # Open loop at twice what the chain answered in the closed loop: more than it can serve.
    rate = 2 * cap / CLIENTS
    run(h, 'no bound', 0, 0, 'b-', rate)
    run(h, 'shipped defaults', int(os.environ['OVL_BENCH_DRA_MAX']) if os.environ.get('OVL_BENCH_DRA_MAX') else None,
        int(os.environ['OVL_BENCH_HSS_MAX']) if os.environ.get('OVL_BENCH_HSS_MAX') else None, 'c-', rate)
    # A DRA bound sized for this HSS: what it answers in 100 ms.
    run(h, 'DRA bound sized to the HSS (100 ms of its throughput)', max(50, int(cap * 0.1)), None, 'd-', rate)


if __name__ == '__main__':
    harness.run(bench, ports=(24900, 24919))

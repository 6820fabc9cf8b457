#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Overload: above `overload.max_pending` requests in progress, the DRA and the HSS answer new
requests at once with 3004 DIAMETER_TOO_BUSY, with the right head, and count them.

A: through the DRA (DRA bound 50, HSS unbounded). A load of 400 AIRs in flight runs through
the DRA while a probe client (rellib.Probe) sends bursts of AIRs over its own connection and keeps
the 3004 answers it gets: E bit, Session-Id of the request, Origin-Host/Realm of the DRA,
Result-Code 3004, Error-Reporting-Host. Every answer of the load is 2001 or 3004, none times
out, the DRA's too_busy counter (stats file and SIGUSR1 log) equals the 3004 answers the
clients got, and once the load is over the probe is answered 2001 again.
B: the HSS directly (HSS bound 50): the same, and the 3004 answers carry the S6a head
(Session-Id, Vendor-Specific-Application-Id {10415, S6a}, Result-Code, Auth-Session-State,
Origin-Host, Origin-Realm, in that order); the counter is the HSS's (control socket `stats`,
SIGUSR1 log). The probe's traffic is captured and decoded by tshark (skipped where it
cannot capture): no malformed packet, no Diameter expert warning.
The latency of the admitted requests (2001) is printed beside that of a quiet system; the
benchmark tests/bench/dra/bench_overload.py measures it under heavier load."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rellib  # noqa: E402
from rellib import harness  # noqa: E402
from test_restart import air_body  # noqa: E402

BOUND = 50
INFLIGHT = 400
COUNT = 6000
EXPERT_WARN = 6291456   # tshark expert severity "warning"


def overload_yaml(v):
    return 'overload:\n  max_pending: %d\n' % v


def flags_e(m):
    return bool(m.flags & 0x20)


def avp_str(m, code):
    a = m.find(code)
    return a[0].data.decode('utf-8', 'replace') if a else None


def start_load(sysm, target, identity):
    argv = sysm.dclient_argv(target, 'load', 'air', '--count', str(COUNT), '--concurrency', str(INFLIGHT),
                             '--imsi', rellib.IMSI, identity=identity, timeout_ms=20000)
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def load_summary(h, p):
    out, err = p.communicate(timeout=180)
    for line in out.decode().splitlines():
        if line.startswith('{') and '"kind":"load"' in line:
            return json.loads(line)
    h.fail('no load summary: %s' % err.decode()[-2000:])


def quiet_latency(probe, n=50):
    lat = []
    for _ in range(n):
        t0 = time.monotonic()
        m = probe.request(318, 16777251, air_body(), timeout=5)
        if m is None or rellib.result_of(m) != 2001:
            return None
        lat.append(time.monotonic() - t0)
    lat.sort()
    return lat[len(lat) // 2]


def probe_during(h, probe, load):
    """Bursts of AIRs over the probe's connection while the load runs (a burst arrives while
    the node is full): (answers 3004 with the request's Session-Id, count of 2001, count of
    others)."""
    busy, ok, other = [], 0, 0
    while load.poll() is None:
        for sid, m in probe.burst(20, 318, 16777251, air_body()):
            r = rellib.result_of(m) if m is not None else None
            if r == 3004:
                busy.append((sid, m))
            elif r == 2001:
                ok += 1
            else:
                other += 1
        time.sleep(0.05)
    return busy, ok, other


def start_capture(h, port, client_port, cap):
    if not shutil.which('tshark'):
        return None
    p = harness.Proc(h, 'tshark', ['tshark', '-n', '-i', 'lo', '-f', 'tcp port %d' % client_port, '-w', cap])
    h.procs.append(p)
    end = time.monotonic() + 20
    while time.monotonic() < end:
        if 'Capturing on' in p.stderr():
            return p
        if not p.running():
            break
        time.sleep(0.1)
    print('tshark cannot capture on lo here, wire check skipped: %s' % p.stderr().strip()[-300:])
    return None


def check_capture(h, cap, port, what):
    def tshark(*args):
        cp = subprocess.run(['tshark', '-n', '-r', cap, '-d', 'tcp.port==%d,diameter' % port] + list(args),
                            capture_output=True, text=True)
        if cp.returncode:
            h.fail('tshark: %s' % cp.stderr[-2000:])
        return cp.stdout
    n3004 = tshark('-Y', 'diameter.Result-Code == 3004')
    h.check(n3004.strip() != '', '%s: tshark decodes the 3004 answers (%d packets)' % (what, len(n3004.splitlines())))
    bad = tshark('-Y', 'diameter && (_ws.malformed || _ws.expert.severity >= %d)' % EXPERT_WARN, '-V')
    if bad.strip():
        print(bad[:20000])
    h.check(not bad.strip(), '%s: no malformed Diameter packet and no expert warning' % what)


def part(h, target):
    if target == 'dra':
        sysm = rellib.System(h, dra_extra=overload_yaml(BOUND), hss_extra=overload_yaml(0), tag='a-')
        port, origin, realm = sysm.dra_port, rellib.DRA_ID, rellib.DRA_REALM
    else:
        sysm = rellib.System(h, dra_extra=overload_yaml(0), hss_extra=overload_yaml(BOUND), tag='b-')
        port, origin, realm = sysm.hss_port, rellib.HSS_ID, rellib.HSS_REALM
    probe = rellib.Probe(h, port, 'probe-%s.client' % target)
    cap = os.path.join(h.tmp, target + '.pcapng')
    capture = start_capture(h, port, probe.sock.getsockname()[1], cap)
    quiet = quiet_latency(probe)
    h.check(quiet is not None, '%s: 50 AIRs in a row on a quiet system are answered 2001' % target)

    load = start_load(sysm, target, 'load-%s.client' % target)
    busy, ok, other = probe_during(h, probe, load)
    s = load_summary(h, load)
    res = s['results']
    print('%s: load of %d (%d in flight): %s, timeouts %d; 2001 latency p50 %.1f ms p99 %.1f ms '
          '(quiet system: %.1f ms); probe during the load: %d x 3004, %d x 2001, %d other' % (
              target, COUNT, INFLIGHT, res, s['timeouts'], s['latency_2xxx_us']['p50'] / 1e3,
              s['latency_2xxx_us']['p99'] / 1e3, quiet * 1e3, len(busy), ok, other))
    h.check(s['timeouts'] == 0 and s['answered'] == COUNT, '%s: every request of the load answered' % target)
    h.check(set(res) <= {'2001', '3004'} and res.get('2001', 0) > 0 and res.get('3004', 0) > 0,
            '%s: the load was answered 2001 (admitted) and 3004 (over the bound): %s' % (target, res))
    h.check(busy and other == 0, '%s: the probe got 3004 answers and nothing else but 2001' % target)

    for sid, m in busy:
        h.check(not m.request and flags_e(m) and m.code == 318 and m.app == 16777251,
                '%s: 3004 is an AIA with the E bit' % target)
        h.check(avp_str(m, 263) == sid, '%s: Session-Id of the request' % target)
        h.check(avp_str(m, 264) == origin and avp_str(m, 296) == realm, '%s: Origin-Host/Realm %s' % (target, origin))
        if target == 'dra':
            h.check(avp_str(m, 294) == rellib.DRA_ID, 'dra: Error-Reporting-Host is the DRA')
        else:
            codes = [a.code for a in m.avps]
            vsai = m.find(260)
            h.check(codes[:2] == [263, 260] and vsai and
                    sorted((a.code, a.u32()) for a in vsai[0].children()) == [(258, 16777251), (266, 10415)],
                    'hss: Session-Id then Vendor-Specific-Application-Id {10415, S6a}')
            h.check(m.find(277) and m.find(277)[0].u32() == 1, 'hss: Auth-Session-State NO_STATE_MAINTAINED')
            h.check(codes.index(268) < codes.index(277) < codes.index(264) < codes.index(296),
                    'hss: Result-Code, Auth-Session-State, Origin-Host, Origin-Realm in that order')
        break   # one of each is enough for the head; all were counted above

    n_busy = res['3004'] + len(busy)
    if target == 'dra':
        st = sysm.dra_stats()
        h.check(st.get(('global', '-', 'too_busy')) == n_busy,
                'dra: too_busy in the stats file (%s) = 3004 answers received (%d)' % (
                    st.get(('global', '-', 'too_busy')), n_busy))
        sysm.dra.wait_log(r'dra stats: global - too_busy %d\b' % n_busy, timeout=10)
        h.check(True, 'dra: too_busy %d in the SIGUSR1 log' % n_busy)
        h.check(st.get(('global', '-', 'pending')) is not None, 'dra: pending in the stats file')
    else:
        line = rellib_ctl(h, sysm, 'stats')
        m = re.search(r'too_busy=(\d+)', line)
        h.check(m and int(m.group(1)) == n_busy, 'hss: too_busy in `stats` (%s) = 3004 answers received (%d)' % (
            m and m.group(1), n_busy))
        sysm.hss.p.send_signal(signal.SIGUSR1)
        sysm.hss.wait_log(r'too_busy=%d\b' % n_busy, timeout=10)
        h.check(True, 'hss: too_busy %d in the SIGUSR1 log' % n_busy)

    # Over: the probe is served again, and nothing is left counted.
    m = probe.request(318, 16777251, air_body(), timeout=10)
    h.check(m is not None and rellib.result_of(m) == 2001, '%s: 2001 again once the load is over' % target)
    if capture:
        time.sleep(0.5)
        capture.stop()
        check_capture(h, cap, port, target)
    probe.close()
    if target == 'dra':
        st = sysm.dra_stats()
        h.check(st.get(('global', '-', 'pending')) == 0, 'dra: no request left counted in progress')
    for p in (sysm.dra, sysm.hss):
        p.stop()


def rellib_ctl(h, sysm, line):
    import socket
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(os.path.join(h.tmp, sysm.tag + 'hss.ctl'))
    s.sendall(line.encode() + b'\n')
    data = b''
    while not data.endswith(b'\n'):
        c = s.recv(4096)
        if not c:
            break
        data += c
    s.close()
    return data.decode()


def test(h):
    part(h, 'dra')
    part(h, 'hss')


if __name__ == '__main__':
    harness.run(test, ports=(24040, 24059))

# SPDX-License-Identifier: BSD-3-Clause
"""Deeply nested AVPs: bounded depth, bounded work, memory back to its level.

freeDiameter 1.2.1 parses a Grouped AVP by recursion as deep as the message goes: one 64 KB
request holding a Grouped AVP nested 8,000 times cost the HSS about 1.1 s of CPU, logged
about 96 MB and left about 98 MB of resident memory that was never returned. Our nodes cut
a received message at CM_AVP_MAX_DEPTH (32) levels before freeDiameter parses it.

Checks, on a real HSS directly and through a real DRA:
  - at the limit (AVPs down to level 32) a request is served normally (2001, Proxy-Info
    echoed with its 32 levels); one level more is refused with 5004 naming the Grouped AVP
    at level 32 in Failed-AVP;
  - 100 requests nested 8,000 deep (64 KB each) per path are each answered 5004; then again
    while another MME's load through the DRA gets 2001 for every request;
  - the resident memory of each daemon after the attack is within 8 MB of its level
    before it (main: +73 MB after one such request).
Printed: CPU time and RSS of each daemon before, during (peak) and after the attack, and
the CPU per deep request next to the CPU per valid AIR of a run of normal traffic.
Nothing asserts a duration. Ports 22980-22999 (HSS), 23980-23999 (DRA)."""
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import roblib  # noqa: E402
from roblib import harness, HSS_ID, HSS_REALM, DRA_ID, IMSI  # noqa: E402

A = harness.avp_encode
M = harness.msg_encode
S6A = roblib.APP_S6A
MAX_DEPTH = 32            # CM_AVP_MAX_DEPTH in common/cm.h
DEEP = 8000
N_DEEP = 100              # per path: the HSS gets 2 * N_DEEP, the DRA N_DEEP
RSS_SLACK_KB = 8 * 1024


def cpu_rss(proc):
    """(CPU seconds user+system, RSS kB) of a running process."""
    with open('/proc/%d/stat' % proc.p.pid) as f:
        st = f.read().rsplit(')', 1)[1].split()
    cpu = (int(st[11]) + int(st[12])) / os.sysconf('SC_CLK_TCK')
    with open('/proc/%d/status' % proc.p.pid) as f:
        rss = next(int(line.split()[1]) for line in f if line.startswith('VmRSS'))
    return cpu, rss


def proxy_info(levels):
    """Proxy-Info { Proxy-Host, Proxy-State, Proxy-Info { ... } } with `levels` Proxy-Info
    AVPs: the innermost one is at level `levels`, its children at level + 1."""
    d = b''
    for i in range(levels):
        d = A(284, A(280, 'p%d.client.rob.test' % i) + A(33, b's') + d)
    return d


def pi_depth(avp):
    """Levels of a received Proxy-Info chain."""
    n = 0
    while avp is not None:
        n += 1
        avp = next((c for c in avp.children() if c.code == 284), None)
    return n


def request(c, hbh, extra):
    c.send(M(318, S6A, 0xc0, hbh, hbh, roblib.air_avps(c.identity, 'client.rob.test', HSS_REALM, extra=extra)))
    return c.answer()


def rc_of(m):
    return None if m in (None, 'timeout') else [a.u32() for a in m.find(268)]


def sanitized(h):
    """Whether the daemons were built with AddressSanitizer."""
    try:
        out = subprocess.run(['ldd', h.binary('hss')], capture_output=True, text=True).stdout
    except OSError:
        return False
    return 'libasan' in out


class Sampler(threading.Thread):
    """Peak RSS of the daemons while the attack runs."""

    def __init__(self, procs):
        super().__init__(daemon=True)
        self.procs, self.peak, self.stop = procs, {p.name: 0 for p in procs}, False

    def run(self):
        while not self.stop:
            for p in self.procs:
                try:
                    self.peak[p.name] = max(self.peak[p.name], cpu_rss(p)[1])
                except OSError:
                    pass
            time.sleep(0.05)


def test(h):
    sysm = roblib.System(h, (22980, 22999), (23980, 23999))
    procs = (sysm.hss, sysm.dra)

    # The limit, both sides of it.
    for path, port in (('hss', sysm.hss_port), ('dra', sysm.dra_port)):
        c = roblib.RawClient(h, port, 'limit-%s.client.rob.test' % path, timeout=10)
        m = request(c, 1, proxy_info(MAX_DEPTH - 1))
        h.check(rc_of(m) == [2001], 'via %s: AVPs down to level %d served (got %s)' % (path, MAX_DEPTH, rc_of(m)))
        got = [pi_depth(p) for p in m.find(284)] if rc_of(m) else None
        h.check(got == [MAX_DEPTH - 1], 'via %s: Proxy-Info echoed with its %d levels (got %s)' % (
            path, MAX_DEPTH - 1, got))
        m = request(c, 2, proxy_info(MAX_DEPTH))
        h.check(rc_of(m) == [5004], 'via %s: one level more refused 5004 (got %s)' % (path, rc_of(m)))
        fa = [(ch.code, len(ch.data)) for f in m.find(279) for ch in f.children()] if rc_of(m) else None
        h.check(fa == [(284, 0)], 'via %s: Failed-AVP names the Proxy-Info of level %d (got %s)' % (
            path, MAX_DEPTH, fa))
        c.close()

    # Normal traffic first: it sets the memory level and the CPU per valid request.
    warm = {p.name: cpu_rss(p) for p in procs}
    r = sysm.send('dra', 'load', 'air', '--imsi', IMSI, '--count', '2000', '--concurrency', '10')
    h.check((r.answer or {}).get('results') == {'2001': 2000}, '2,000 valid AIRs through the DRA answered 2001')
    time.sleep(1.0)
    before = {p.name: cpu_rss(p) for p in procs}
    per_air = {n: (before[n][0] - warm[n][0]) / 2000 * 1e6 for n in before}

    chain = b''
    for _ in range(DEEP):
        chain = A(284, chain)

    def attack(tag):
        for path, port in (('hss', sysm.hss_port), ('dra', sysm.dra_port)):
            c = roblib.RawClient(h, port, 'deep-%s-%s.client.rob.test' % (tag, path), timeout=10)
            got = [rc_of(request(c, 10 + i, chain)) for i in range(N_DEEP)]
            c.close()
            h.check(got == [[5004]] * N_DEEP, '%s: %d deep requests via %s (%d levels, %d octets) each answered '
                    '5004 (got %s)' % (tag, N_DEEP, path, DEEP, len(chain), sorted(set(map(str, got)))))

    # The attack alone: its cost.
    sampler = Sampler(procs)
    sampler.start()
    t0 = time.monotonic()
    attack('alone')
    attack_s = time.monotonic() - t0
    during = {p.name: cpu_rss(p) for p in procs}
    sampler.stop = True
    sampler.join()

    # Again, with another MME's traffic running through the DRA.
    load = h.dclient_bg('load', '--dest-realm', HSS_REALM, 'load', 'air', '--imsi', IMSI, '--visited-plmn',
                        '00101', '--duration', '4', '--concurrency', '2', peer=sysm.dra_port, peer_host=DRA_ID,
                        identity='mme-load.client.rob.test', timeout_ms=5000)
    time.sleep(0.5)
    attack('with-load')
    rc = load.wait(timeout=30)
    s = harness.DResult(rc, load.stdout(), load.stderr()).answer or {}
    print('load through the DRA during the attack: %s' % {k: s.get(k) for k in ('sent', 'answered', 'results')})
    h.check(s.get('sent', 0) > 0 and s.get('answered') == s.get('sent') and
            set((s.get('results') or {}).keys()) == {'2001'}, 'the other MME got 2001 for every request')

    time.sleep(2.0)
    after = {p.name: cpu_rss(p) for p in procs}
    print('%-4s %18s %13s %22s %12s %22s' % ('', 'before', 'during (peak)', 'right after', 'settled',
                                            'CPU us per request'))
    for n in before:
        deep_cpu = (during[n][0] - before[n][0]) / (2 * N_DEEP if n == 'hss' else N_DEEP)
        print('%-4s %7.2f s %7d kB %10d kB %7.2f s %7d kB %9d kB   %6.0f deep, %4.0f AIR' % (
            n, before[n][0], before[n][1], sampler.peak[n], during[n][0], during[n][1], after[n][1],
            deep_cpu * 1e6, per_air[n]))
    print('%d deep requests (%d levels, %d octets each; the HSS gets all, the DRA half) in %.2f s; '
          'CPU is counted in clock ticks (10 ms)' % (2 * N_DEEP, DEEP, len(chain), attack_s))
    if sanitized(h):
        print('NOTE: sanitizer build: AddressSanitizer keeps freed memory in quarantine, RSS is not checked')
        return finish(sysm)
    for n in before:
        h.check(after[n][1] - before[n][1] <= RSS_SLACK_KB, '%s RSS after the attack within %d kB of before '
                '(%d -> %d kB)' % (n, RSS_SLACK_KB, before[n][1], after[n][1]))
    finish(sysm)


def finish(sysm):
    sysm.check_alive()
    sysm.stop_and_check_sanitizers()


harness.run(test, ports=(22980, 22999))

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Half-open flood: while 200 TCP connections that never send a CER are held open against the
DRA (then against the HSS), new peers must still get in; the same with 200 connections from
one address that send one byte and stall. freeDiameter 1.2.1 alone listens
with a backlog of 5 and hands each accepted connection to one of 5 threads that waits up to
20 s for the CER, so 200 silent connections lock new peers out for minutes.

For each target, 200 idle connections are opened and held, then 10 dclient processes (10 new
peer identities) connect at once and send an AIR; each must get its answer (2001). The time
each took is printed, beside the same without any flood; the assertion is a generous bound
(15 s, below freeDiameter's 20 s CER timeout) since timing on a shared 2-core machine is
noisy (dclient alone was seen to take 9 s there). The established DRA->HSS link is
checked to keep working, and the held connections to have been closed by the node (not by
us): the silent ones once the kernel's deferral (cer_timeout) ends, the stalled ones at once
beyond 8 per address, the last 8 after cer_timeout (5 s)."""
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rellib  # noqa: E402
from rellib import harness  # noqa: E402

IDLE = 200
NEW = 10
BOUND_S = 15.0


def hold_idle(h, port, n, first=b''):
    """n connected sockets that send nothing (or only `first`, then nothing)."""
    socks = []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        try:
            s.connect(('127.0.0.1', port))
        except BlockingIOError:
            pass
        socks.append(s)
    if first:
        time.sleep(0.2)
        for s in socks:
            try:
                s.send(first)
            except OSError:
                pass
    # The client side of a TCP connection is complete when the SYN-ACK arrives, whether or
    # not the server will ever accept() it.
    time.sleep(0.5)
    return socks


def new_peers(h, sysm, target, idle=IDLE, kind='idle'):
    procs = []
    t0 = time.monotonic()
    for i in range(NEW):
        argv = sysm.dclient_argv(target, 'air', '--imsi', rellib.IMSI,
                                 identity='new%d.%s.client' % (i, target), timeout_ms=25000)
        procs.append(subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    times, results = [], []
    for p in procs:
        try:
            out, err = p.communicate(timeout=40)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
        r = harness.DResult(p.returncode, out.decode('utf-8', 'replace'), err.decode('utf-8', 'replace'))
        times.append(time.monotonic() - t0)
        results.append(r)
    served = [r.answer is not None and r.answer.get('result_code') == 2001 for r in results]
    print('%s: %d new peers beside %d %s connections: served %d; seconds each: %s' % (
        target, NEW, idle, kind, sum(served), ' '.join('%.2f' % t for t in times)))
    for r, ok in zip(results, served):
        if not ok:
            print('  not served: rc %s, stderr %s' % (r.rc, r.stderr.strip()[-300:]))
    return served, times


def closed_by_peer(s):
    try:
        data = s.recv(1)
        return data == b''
    except BlockingIOError:
        return False
    except OSError:
        return True


def flood(h, sysm, target, port, kind):
    t_idle = time.monotonic()
    idle = hold_idle(h, port, IDLE, b'\x01' if kind == 'one-byte' else b'')
    served, times = new_peers(h, sysm, target, IDLE, kind)
    h.check(all(served), '%s: all %d new peers served beside %d %s connections' % (target, NEW, IDLE, kind))
    h.check(max(times) < BOUND_S, '%s, %s: each within %.0f s (slowest %.2f s)' % (
        target, kind, BOUND_S, max(times)))
    # The established link went on working meanwhile.
    r = sysm.send('dra', 'air', '--imsi', rellib.IMSI, identity='steady.client')
    h.check(r.answer is not None and r.answer.get('result_code') == 2001,
            '%s, %s: the DRA->HSS link still relays (2001)' % (target, kind))
    idle_left = idle
    end = time.monotonic() + 40
    while time.monotonic() < end:
        idle_left = [s for s in idle_left if not closed_by_peer(s)]
        if not idle_left:
            break
        time.sleep(0.2)
    h.check(not idle_left, '%s: the node closed all %d %s connections, %.1f s after they were '
            'opened (%d still open)' % (target, IDLE, kind, time.monotonic() - t_idle, len(idle_left)))
    for s in idle:
        s.close()


def test(h):
    sysm = rellib.System(h)
    for target, port in (('dra', sysm.dra_port), ('hss', sysm.hss_port)):
        # The same without the flood, for comparison (dclient's own start is most of it).
        new_peers(h, sysm, target, 0)
        flood(h, sysm, target, port, 'silent')
        flood(h, sysm, target, port, 'one-byte')
    h.check(sysm.dra.running() and sysm.hss.running(), 'both daemons still running')


if __name__ == '__main__':
    harness.run(test, ports=(24000, 24019))

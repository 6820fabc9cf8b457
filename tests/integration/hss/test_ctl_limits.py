# SPDX-License-Identifier: BSD-3-Clause
"""The HSS control socket's bounds. A client of another uid is refused by its peer credentials
(SO_PEERCRED) even when the socket file lets it connect; root and a uid of ctl_allow_users are
served. Numbers are decimal (`idr IMSI 010` sends IDR-Flags 10, `0x10` is refused). A line
longer than 255 characters is refused, not cut and run. A client that trickles its command,
or says nothing, neither delays another client nor keeps its slot past 2 s; a 17th client
while 16 hold their slots is told the socket is busy. Ports 22260-22279."""
import json
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hsslib  # noqa: E402
from hsslib import harness  # noqa: E402

IMSI = '001010000000051'
NOBODY = 65534
ALLOWED = 12345

CLIENT = r'''
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
try:
    s.connect(sys.argv[1])
except OSError as e:
    print("CONNECT-ERROR", e.strerror)
    sys.exit(0)
try:
    s.sendall(sys.argv[2].encode() + b"\n")
except OSError:
    pass   # a refused client may find the socket closed already; the reply is still there
data = b""
try:
    while not data.endswith(b"\n"):
        c = s.recv(4096)
        if not c:
            break
        data += c
except OSError as e:
    print("READ-ERROR", e)
print(data.decode().strip())
'''


def ctl_as(h, uid, path, line):
    """Send one command as `uid` (setpriv); the reply, or CONNECT-ERROR ..."""
    cp = subprocess.run(['setpriv', '--reuid=%d' % uid, '--regid=%d' % uid, '--clear-groups',
                         sys.executable, '-c', CLIENT, path, line],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=20)
    if cp.returncode != 0:
        h.fail('setpriv client failed: %s' % cp.stderr.decode())
    return cp.stdout.decode().strip()


def raw_ctl(path, data, timeout=5):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect(path)
    try:
        s.sendall(data)
    except OSError:
        pass   # refused at once (busy): the reply is still there to read
    out = b''
    while not out.endswith(b'\n'):
        c = s.recv(4096)
        if not c:
            break
        out += c
    s.close()
    return out.decode().strip()


def test(h):
    if os.geteuid() != 0:
        harness.skip('the peer-credential checks need root to run clients as other uids')
    # The socket's directory must let other users reach the socket at all.
    os.chmod(h.tmp, 0o711)

    # 1. Default: root and the HSS's own user only. A socket file an operator made
    #    world-writable does not let anyone else in: the credentials are checked.
    hss = hsslib.start(h, s6a='  home_plmns: ["00101"]\n  clr_timeout_ms: 1000\n')
    h.check(hss.ctl('stats').startswith('ok '), 'root is served')
    mode = os.stat(hss.ctl_path).st_mode & 0o777
    h.check(mode == 0o600, 'socket created 0600 (%o)' % mode)
    r = ctl_as(h, NOBODY, hss.ctl_path, 'stats')
    h.check(r.startswith('CONNECT-ERROR'),
            'uid %d cannot even connect to the 0600 socket: %s' % (NOBODY, r))
    os.chmod(hss.ctl_path, 0o666)
    r = ctl_as(h, NOBODY, hss.ctl_path, 'stats')
    h.check(r == 'error: uid %d may not use this socket' % NOBODY,
            'uid %d refused by its credentials on a 0666 socket: %s' % (NOBODY, r))
    r = ctl_as(h, NOBODY, hss.ctl_path, 'idr ' + IMSI)
    h.check(not r.startswith('ok'), 'and may not send an IDR: %s' % r)
    hss.proc.wait_log(r'refused a client of uid %d' % NOBODY, timeout=5)
    lines = [l for l in (hss.proc.stdout() + hss.proc.stderr()).splitlines()
             if 'refused a client of uid' in l]
    h.check(len(lines) == 1 and 'uid %d' % NOBODY in lines[0],
            'two refusals within a minute are logged in one line: %s' % lines)

    # 2. Decimal numbers. A registered MME receives what the socket sends.
    hsslib.provision(h, hss.db, IMSI)
    mme = hss.dclient_bg('mme1', 'ulr', '--imsi', IMSI, '--serve-seconds', '20',
                         '--serve-count', '2', identity='mme1.test')
    mme.wait_log(r'"kind":"answer"', timeout=15, stream='out')
    for bad in ('0x10', '+1', '-1', '1e3', '4294967296', 'x'):
        r = hss.ctl('idr %s %s' % (IMSI, bad))
        h.check(r.startswith('error'), 'IDR-Flags %r refused: %s' % (bad, r))
    r = hss.ctl('idr %s 010' % IMSI)
    h.check(r.startswith('ok'), 'idr with 010: %s' % r)
    time.sleep(0.3)
    r = hss.ctl('dsr %s 0000000008' % IMSI)
    h.check(r.startswith('ok'), 'dsr with 0000000008: %s' % r)
    mme.wait(25)
    reqs = [json.loads(l) for l in mme.stdout().splitlines() if '"kind":"request"' in l]
    h.check([q['command'] for q in reqs] == ['Insert-Subscriber-Data-Request',
                                             'Delete-Subscriber-Data-Request'],
            'the MME received IDR then DSR: %s' % [q['command'] for q in reqs])
    if len(reqs) == 2:
        flags = harness.avp(reqs[0], 'IDR-Flags')
        h.check(flags == 10, '010 is ten: IDR-Flags %s' % flags)
        h.check(harness.avp(reqs[1], 'DSR-Flags') == 8, 'DSR-Flags 8')

    # 3. A line longer than 255 characters is refused whole.
    r = raw_ctl(hss.ctl_path, b'stats' + b' ' * 300 + b'\n')
    h.check(r == 'error: command line longer than 255 characters', 'over-long line refused: %s' % r)

    # 4. A slow client does not block another.
    slow = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    slow.settimeout(10)
    slow.connect(hss.ctl_path)
    slow.sendall(b's')
    t0 = time.monotonic()
    times = []
    for i in range(3):
        slow.sendall(b't')          # a byte now and then, never the newline
        t1 = time.monotonic()
        r = hss.ctl('stats')
        times.append(time.monotonic() - t1)
        h.check(r.startswith('ok '), 'another client served while the slow one trickles (%d)' % i)
        time.sleep(0.3)
    print('replies to a second client while the first trickles: %s ms' %
          ', '.join('%.1f' % (t * 1000) for t in times), flush=True)
    h.check(max(times) < 1.0, 'each within 1 s (max %.0f ms)' % (max(times) * 1000))
    data = b''
    try:
        while not data.endswith(b'\n'):
            c = slow.recv(4096)
            if not c:
                break
            data += c
    except OSError:
        pass
    held = time.monotonic() - t0
    slow.close()
    print('the slow client was cut off after %.1f s: %r' % (held, data.decode().strip()), flush=True)
    h.check(data.startswith(b'error: timeout'), 'the slow client is told it timed out')
    h.check(held < 4.0, 'and does not keep its slot past its 2 s (%.1f s)' % held)

    # 5. Sixteen silent clients hold every slot: a 17th is told at once, and the socket
    #    serves again once their 2 s are over.
    silent = []
    for _ in range(16):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(hss.ctl_path)
        silent.append(s)
    time.sleep(0.2)
    t1 = time.monotonic()
    r = raw_ctl(hss.ctl_path, b'stats\n')
    h.check(r == 'error: busy, try again', 'a 17th client is told the socket is busy: %s' % r)
    h.check(time.monotonic() - t1 < 1.0, 'at once')
    time.sleep(2.5)
    h.check(hss.ctl('stats').startswith('ok '), 'served again once the silent clients timed out')
    for s in silent:
        s.close()
    hss.proc.stop()

    # 6. ctl_allow_users: that uid is served (socket 0666 so it can connect), others are not.
    hss2 = hsslib.start(h, name='hss2', extra='ctl_allow_users: ["%d"]\n' % ALLOWED)
    mode = os.stat(hss2.ctl_path).st_mode & 0o777
    h.check(mode == 0o666, 'with ctl_allow_users the socket is 0666 (%o)' % mode)
    r = ctl_as(h, ALLOWED, hss2.ctl_path, 'stats')
    h.check(r.startswith('ok '), 'uid %d of ctl_allow_users is served: %s' % (ALLOWED, r[:40]))
    r = ctl_as(h, NOBODY, hss2.ctl_path, 'stats')
    h.check(r == 'error: uid %d may not use this socket' % NOBODY,
            'uid %d still refused: %s' % (NOBODY, r))


harness.run(test, ports=(22260, 22279))

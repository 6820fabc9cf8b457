# SPDX-License-Identifier: BSD-3-Clause
"""Shared helper for integration tests: start real processes on 127.0.0.1, wait until they
listen (or log a line), run dclient --json and parse what it prints, print every process's
logs when a test fails, and stop everything at exit.

A test script looks like:

    import os, sys
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import harness

    def test(h):
        port = h.port()
        h.start('echo', [h.binary('dclient'), 'echo', '--identity', 'echo.test',
                         '--listen-port', str(port)], wait_port=port)
        r = h.dclient('air', '--imsi', '001010000000001', peer=port, peer_host='echo.test')
        h.check(r.rc == 0 and r.answer['result_code'] == 2001, 'AIR answered 2001')

    harness.run(test, ports=(21000, 21019))

Daemon configurations come from config_yaml() (h.write_config() writes one into the temp
dir): the `diameter:` section from keyword arguments, then any other section as Python
data, e.g.

    port, hss_port = h.port(), h.port()
    cfg = h.write_config('dra.yaml', 'dra.test', 'dra.realm', port,
                         peers=[{'host': 'hss.test', 'realm': 'test', 'port': hss_port}],
                         peer_groups=[{'name': 'g', 'peers': ['hss.test']}],
                         routes=[{'name': 'r', 'match': {'realm': 'test'}, 'group': 'g'}])
    dra = h.dra(cfg)
    dra.wait_peer_open('hss.test')

Exit codes follow Meson: 0 pass, 1 fail, 77 skipped (harness.skip(reason)).

Logs kept for the suite: with DCORE_LOG_DIR set (tests/meson.build sets it for every test),
a test keeps what our programs wrote, whether it passes or not, in DCORE_LOG_DIR/NAME-PID/:
the stdout and stderr of every process it started (h.start) and of every run of hssctl,
dclient, hss or dra through subprocess.run, with index.json saying which program wrote each
file and whether it was asked to print secrets (`--show-secrets`). The last test of the
suite (tests/integration/secrets/test_logs.py) greps them all for the test keys
(testkeys.py). DCORE_KEEP_TMP keeps the whole temp dir of each test instead.
"""
import atexit
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

SRCDIR = os.environ.get('DCORE_SRCDIR') or os.path.abspath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
BUILDDIR = os.environ.get('DCORE_BUILDDIR') or os.path.join(SRCDIR, 'build')
FD_EXT_DIR = os.environ.get('FD_EXT_DIR', '/usr/lib/freeDiameter')
LOG_DIR = os.environ.get('DCORE_LOG_DIR')

# Where each program is in the build tree.
BINARIES = {
    'dclient': 'tools/dclient/dclient',
    'hssctl': 'tools/hssctl/hssctl',
    'hss': 'hss/hss',
    'dra': 'dra/dra',
}


class Skip(Exception):
    """Raised by skip(): the test cannot run here (Meson exit code 77)."""


def skip(reason):
    raise Skip(reason)


class Failure(AssertionError):
    """A failed check; run() prints the logs of every process and exits 1."""


def port_free(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(('127.0.0.1', port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def port_open(port, host='127.0.0.1'):
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


class DResult:
    """What one dclient run gave: rc, stdout, stderr, the JSON lines it printed (msgs),
    the first one (answer: the answer of a one-shot command, or the load summary) and the
    requests it received while serving (requests)."""

    def __init__(self, rc, out, err):
        self.rc = rc
        self.stdout = out
        self.stderr = err
        self.msgs = []
        for line in out.splitlines():
            line = line.strip()
            if line.startswith('{'):
                try:
                    self.msgs.append(json.loads(line))
                except ValueError:
                    pass
        self.answer = next((m for m in self.msgs if m.get('kind') in ('answer', 'load')), None)
        self.requests = [m for m in self.msgs if m.get('kind') == 'request']

    def __repr__(self):
        return 'DResult(rc=%r, stdout=%r, stderr=%r)' % (self.rc, self.stdout[-2000:], self.stderr[-2000:])


def avps(obj, path):
    """AVP objects of a decoded message (or AVP) at PATH "A/B/C", in order."""
    level = [obj]
    for name in path.split('/'):
        nxt = []
        for o in level:
            for a in o.get('avps') or []:
                if a.get('name') == name:
                    nxt.append(a)
        level = nxt
    return level


def avp(obj, path, default=None):
    """Value of the first AVP at PATH, or default."""
    found = avps(obj, path)
    return found[0].get('value', default) if found else default


def avp_values(obj, path):
    """Values of every AVP at PATH, in order ([] when there is none, or no obj)."""
    return [a.get('value') for a in avps(obj, path)] if obj else []


class Proc:
    """A started process; its stdout and stderr go to files in the test's temp dir."""

    def __init__(self, h, name, argv, env=None, cwd=None):
        self.h = h
        self.name = name
        self.argv = [str(a) for a in argv]
        self.out_path = os.path.join(h.tmp, name + '.out')
        self.err_path = os.path.join(h.tmp, name + '.err')
        self._out = open(self.out_path, 'wb')
        self._err = open(self.err_path, 'wb')
        e = dict(os.environ)
        if env:
            e.update(env)
        self.p = subprocess.Popen(self.argv, stdout=self._out, stderr=self._err, stdin=subprocess.DEVNULL,
                                  env=e, cwd=cwd or h.tmp)

    @property
    def rc(self):
        return self.p.poll()

    def running(self):
        return self.p.poll() is None

    def stdout(self):
        with open(self.out_path, 'rb') as f:
            return f.read().decode('utf-8', 'replace')

    def stderr(self):
        with open(self.err_path, 'rb') as f:
            return f.read().decode('utf-8', 'replace')

    def wait_port(self, port, timeout=10.0):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if not self.running():
                self.h.fail('%s exited with %s before listening on port %d' % (self.name, self.rc, port))
            if port_open(port):
                return
            time.sleep(0.05)
        self.h.fail('%s not listening on 127.0.0.1:%d after %.1f s' % (self.name, port, timeout))

    def wait_log(self, pattern, timeout=10.0, stream='both'):
        """Wait until regex pattern appears in stderr/stdout; returns the match."""
        rx = re.compile(pattern)
        end = time.monotonic() + timeout
        while True:
            text = ''
            if stream in ('both', 'err'):
                text += self.stderr()
            if stream in ('both', 'out'):
                text += self.stdout()
            m = rx.search(text)
            if m:
                return m
            if not self.running():
                self.h.fail('%s exited with %s without logging /%s/' % (self.name, self.rc, pattern))
            if time.monotonic() > end:
                self.h.fail('%s did not log /%s/ within %.1f s' % (self.name, pattern, timeout))
            time.sleep(0.05)

    def wait_peer_open(self, peer, timeout=20.0):
        """Wait until this freeDiameter node's log shows `peer` reaching STATE_OPEN."""
        return self.wait_log(r"-> 'STATE_OPEN'\s+'%s'" % re.escape(peer), timeout)

    def wait_peer_closed(self, peer, timeout=20.0):
        """Wait until this node's log shows `peer` leaving STATE_OPEN."""
        return self.wait_log(r"'STATE_OPEN'\s+-> '(?!STATE_OPEN)[A-Z_]+'\s+'%s'" % re.escape(peer),
                             timeout)

    def result(self, timeout=60.0):
        """Wait for a dclient started in the background to end; its DResult."""
        self.wait(timeout)
        return DResult(self.p.returncode, self.stdout(), self.stderr())

    def kill(self):
        """SIGKILL: the process dies without a word to its peers."""
        if self.running():
            self.p.kill()
            self.p.wait()

    def wait(self, timeout=10.0):
        """Wait for the process to end by itself; returns its exit code (fails on timeout)."""
        try:
            return self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.h.fail('%s still running after %.1f s' % (self.name, timeout))

    def stop(self, timeout=5.0):
        """SIGTERM, then SIGKILL after timeout; returns the exit code."""
        if self.running():
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self._out.close()
        self._err.close()
        return self.p.returncode

    def dump(self, f=sys.stderr):
        f.write('----- %s: %s (rc %s)\n' % (self.name, ' '.join(self.argv), self.p.poll()))
        for label, text in (('stdout', self.stdout()), ('stderr', self.stderr())):
            if text.strip():
                tail = text[-20000:]
                f.write('--- %s %s%s\n' % (self.name, label, ' (last 20000 chars)' if len(text) > 20000 else ''))
                f.write(tail if tail.endswith('\n') else tail + '\n')


# -- logs kept for the suite (DCORE_LOG_DIR) ---------------------------------------------

class LogKeeper:
    """The files of one test in DCORE_LOG_DIR/NAME-PID/ and their index.json: a list of
    {"file", "program" (basename of argv[0]), "source" ("process" or "run"), "stream",
    "secrets" (true when the program was asked to print secrets: not a leak there)}."""

    OURS = set(os.path.basename(b) for b in BINARIES.values())

    def __init__(self, name):
        self.dir = os.path.join(LOG_DIR, '%s-%d' % (re.sub(r'[^A-Za-z0-9_.-]', '_', name), os.getpid()))
        os.makedirs(self.dir, exist_ok=True)
        self.index = []
        self.n = 0

    def add(self, program, source, stream, data, secrets=False):
        if isinstance(data, str):
            data = data.encode('utf-8', 'replace')
        if not data:
            return
        self.n += 1
        fname = '%03d-%s-%s.%s' % (self.n, source, re.sub(r'[^A-Za-z0-9_.-]', '_', program), stream)
        with open(os.path.join(self.dir, fname), 'wb') as f:
            f.write(data)
        self.index.append({'file': fname, 'program': program, 'source': source, 'stream': stream,
                           'secrets': bool(secrets)})
        self.flush()

    def add_file(self, program, source, stream, path):
        try:
            with open(path, 'rb') as f:
                self.add(program, source, stream, f.read())
        except OSError:
            pass

    def flush(self):
        with open(os.path.join(self.dir, 'index.json'), 'w') as f:
            json.dump(self.index, f, indent=1)


_keeper = None           # the LogKeeper of the running test, when DCORE_LOG_DIR is set
_subprocess_run = subprocess.run


def _program(argv):
    """The program an argv runs: the first of ours in it (past setpriv, ip netns exec ...),
    else its first word."""
    for a in argv:
        if os.path.basename(a) in LogKeeper.OURS:
            return os.path.basename(a)
    return os.path.basename(argv[0]) if argv else ''


def _argv_list(args):
    if isinstance(args, (list, tuple)):
        return [str(a) for a in args]
    return str(args).split()


def _recording_run(*args, **kw):
    """subprocess.run, keeping the output of our programs (LogKeeper) when it was captured."""
    cp = _subprocess_run(*args, **kw)
    try:
        argv = _argv_list(args[0] if args else kw.get('args', []))
        prog = _program(argv)
        if _keeper and prog in LogKeeper.OURS:
            _keeper.add(prog, 'run', 'out', cp.stdout or b'', secrets='--show-secrets' in argv)
            _keeper.add(prog, 'run', 'err', cp.stderr or b'')
    except Exception:   # keeping logs must never change a test's outcome
        pass
    return cp


class Harness:
    """One test's temp dir, ports and processes."""

    def __init__(self, name, ports=(21000, 21499)):
        self.name = name
        self.tmp = tempfile.mkdtemp(prefix='dcore-%s-' % re.sub(r'[^A-Za-z0-9_.-]', '_', name))
        self.procs = []
        self.runs = []   # (argv, DResult) of dclient runs, for the failure report
        self.raw_peers = []
        self.dump_extra = None   # optional fn(file): more to print in a failure report
        self._ports = list(range(ports[0], ports[1] + 1))
        self._closed = False
        if LOG_DIR:
            global _keeper
            _keeper = LogKeeper(name)
            subprocess.run = _recording_run
        atexit.register(self.close)

    # -- resources --------------------------------------------------------------------
    def binary(self, name):
        """Path of a built program; skips the test when it was not built."""
        rel = BINARIES.get(name, name)
        path = os.path.join(BUILDDIR, rel)
        if not os.access(path, os.X_OK):
            skip('%s not built (%s)' % (name, path))
        return path

    def port(self):
        """Next port of this test's range that nothing listens on."""
        while self._ports:
            p = self._ports.pop(0)
            if port_free(p):
                return p
        self.fail('no free port left in the range given to this test')

    def write(self, fname, text):
        """Write a file (config, rules, ...) into the temp dir; returns its path."""
        path = os.path.join(self.tmp, fname)
        with open(path, 'w') as f:
            f.write(text)
        return path

    def write_config(self, fname, identity, realm, port, **kw):
        """Write a daemon configuration (config_yaml(identity, realm, port, **kw)) into the
        temp dir; returns its path."""
        return self.write(fname, config_yaml(identity, realm, port, **kw))

    def path(self, fname):
        """A path in the temp dir."""
        return os.path.join(self.tmp, fname)

    # -- processes --------------------------------------------------------------------
    def start(self, name, argv, wait_port=None, wait_log=None, timeout=10.0, env=None, cwd=None):
        """Start argv; optionally wait for a TCP port on 127.0.0.1 or a log regex."""
        p = Proc(self, name, argv, env=env, cwd=cwd)
        self.procs.append(p)
        if wait_port:
            p.wait_port(wait_port, timeout)
        if wait_log:
            p.wait_log(wait_log, timeout)
        return p

    def echo(self, identity, port, apps=None, extra=(), realm=None, verbose=False):
        """Start `dclient echo` answering 2001, wait until it listens. verbose: it prints
        every request it receives (Proc.stdout())."""
        argv = [self.binary('dclient'), 'echo', '--identity', identity, '--listen-port', str(port)]
        if realm:
            argv += ['--realm', realm]
        if apps:
            argv += ['--apps', apps]
        if verbose:
            argv.append('-v')
        argv += list(extra)
        return self.start(identity, argv, wait_port=port)

    def dra(self, cfg, name='dra', timeout=20.0, env=None):
        """Start `dra -c cfg` and wait until it relays."""
        return self.start(name, [self.binary('dra'), '-c', cfg], wait_log='relaying, config',
                          timeout=timeout, env=env)

    def dra_stats(self, proc, stats_file, timeout=10.0):
        """The DRA's counters: SIGUSR1 makes it write stats_file (its `stats_file:` key);
        returns {(kind, name, counter): value}."""
        try:
            os.unlink(stats_file)
        except FileNotFoundError:
            pass
        proc.p.send_signal(signal.SIGUSR1)
        end = time.monotonic() + timeout
        while not os.path.exists(stats_file):
            if time.monotonic() > end:
                self.fail('%s wrote no %s within %.1f s of SIGUSR1' % (proc.name, stats_file, timeout))
            time.sleep(0.05)
        time.sleep(0.2)   # written in one go, but let it finish
        out = {}
        with open(stats_file) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 4:
                    out[(parts[0], parts[1], parts[2])] = int(parts[3])
        return out

    def raw_peer(self, identity, port, realm=None, **kw):
        """Start a RawPeer (Python Diameter server recording what it receives)."""
        return RawPeer(self, identity, realm or identity.partition('.')[2] or 'localdomain', port, **kw)

    def dclient_argv(self, *args, peer=None, peer_host=None, timeout_ms=None, json_out=True, identity=None):
        argv = [self.binary('dclient')]
        if peer is not None:
            argv += ['--peer', peer if isinstance(peer, str) else '127.0.0.1:%d' % peer]
        if peer_host:
            argv += ['--peer-host', peer_host]
        if identity:
            argv += ['--identity', identity]
        if timeout_ms is not None:
            argv += ['--timeout', str(timeout_ms)]
        if json_out:
            argv.append('--json')
        return argv + [str(a) for a in args]

    def dclient(self, *args, peer=None, peer_host=None, timeout_ms=None, json_out=True, identity=None,
                wall_timeout=60.0):
        """Run dclient to completion; returns a DResult (rc, answer, msgs, stdout, stderr)."""
        argv = self.dclient_argv(*args, peer=peer, peer_host=peer_host, timeout_ms=timeout_ms,
                                 json_out=json_out, identity=identity)
        try:
            cp = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                timeout=wall_timeout, cwd=self.tmp)
        except subprocess.TimeoutExpired as e:
            r = DResult(None, (e.stdout or b'').decode('utf-8', 'replace'), (e.stderr or b'').decode('utf-8', 'replace'))
            self.runs.append((argv, r))
            self.fail('dclient did not finish within %.0f s' % wall_timeout)
        r = DResult(cp.returncode, cp.stdout.decode('utf-8', 'replace'), cp.stderr.decode('utf-8', 'replace'))
        self.runs.append((argv, r))
        return r

    def dclient_bg(self, name, *args, **kw):
        """Start dclient in the background (e.g. `serve`); read it with Proc.stdout()."""
        return self.start(name, self.dclient_argv(*args, **kw))

    # -- checks -----------------------------------------------------------------------
    def check(self, cond, what):
        if not cond:
            self.fail('check failed: ' + what)
        print('ok: ' + what)

    def fail(self, msg):
        raise Failure(msg)

    def check_load(self, summary, count, what):
        """A `dclient load` summary (DResult.answer) shows every one of count requests sent
        and answered 2001, none timed out or failed."""
        if not summary:
            self.fail('%s: no load summary from dclient' % what)
        self.check(summary['sent'] == count and summary['answered'] == count,
                   '%s: all %d requests answered (sent %d, answered %d, timeouts %d, errors %d)' % (
                       what, count, summary['sent'], summary['answered'], summary['timeouts'],
                       summary['errors']))
        self.check(summary['results'] == {'2001': count},
                   '%s: every answer 2001: %s' % (what, summary['results']))

    def dump(self, f=sys.stderr):
        for argv, r in self.runs:
            f.write('----- run: %s (rc %s)\n' % (' '.join(argv), r.rc))
            if r.stdout.strip():
                f.write('--- stdout\n' + r.stdout[-20000:] + ('' if r.stdout.endswith('\n') else '\n'))
            if r.stderr.strip():
                f.write('--- stderr\n' + r.stderr[-20000:] + ('' if r.stderr.endswith('\n') else '\n'))
        for p in self.procs:
            p.dump(f)
        if self.dump_extra:
            self.dump_extra(f)

    def close(self):
        if self._closed:
            return
        self._closed = True
        for rp in self.raw_peers:
            rp.close()
        for p in reversed(self.procs):
            try:
                p.stop()
            except Exception:   # cleanup must go on for the others
                pass
        if _keeper:
            for p in self.procs:
                prog = _program(p.argv) or p.name
                _keeper.add_file(prog, 'process', 'out', p.out_path)
                _keeper.add_file(prog, 'process', 'err', p.err_path)
        if os.environ.get('DCORE_KEEP_TMP'):
            sys.stderr.write('kept %s\n' % self.tmp)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


# -- a minimal Diameter peer in Python --------------------------------------------------

def avp_encode(code, data, vendor=0, flags=None):
    """One AVP: data is bytes (or int: Unsigned32, or str: UTF-8); padded to 4 octets."""
    if isinstance(data, int):
        data = data.to_bytes(4, 'big')
    elif isinstance(data, str):
        data = data.encode()
    if flags is None:
        flags = 0x40 | (0x80 if vendor else 0)
    hlen = 12 if vendor else 8
    out = code.to_bytes(4, 'big') + bytes([flags]) + (hlen + len(data)).to_bytes(3, 'big')
    if vendor:
        out += vendor.to_bytes(4, 'big')
    return out + data + b'\0' * (-len(data) % 4)


def msg_encode(code, app, flags, hbh, e2e, avps_bytes):
    length = 20 + len(avps_bytes)
    return (bytes([1]) + length.to_bytes(3, 'big') + bytes([flags]) + code.to_bytes(3, 'big') +
            app.to_bytes(4, 'big') + hbh.to_bytes(4, 'big') + e2e.to_bytes(4, 'big') + avps_bytes)


class RawAvp:
    """A decoded AVP header with its undecoded data (children(): parse as grouped)."""

    def __init__(self, code, flags, vendor, data):
        self.code, self.flags, self.vendor, self.data = code, flags, vendor, data

    @property
    def mandatory(self):
        return bool(self.flags & 0x40)

    def u32(self):
        return int.from_bytes(self.data[:4], 'big')

    def children(self):
        return avps_decode(self.data)

    def __repr__(self):
        return 'RawAvp(%d, flags=0x%02x, vendor=%d, %r)' % (self.code, self.flags, self.vendor, self.data[:40])


def avps_decode(buf):
    out, i = [], 0
    while i + 8 <= len(buf):
        code = int.from_bytes(buf[i:i + 4], 'big')
        flags = buf[i + 4]
        length = int.from_bytes(buf[i + 5:i + 8], 'big')
        hlen = 12 if flags & 0x80 else 8
        if length < hlen or i + length > len(buf):
            raise ValueError('bad AVP length %d at offset %d' % (length, i))
        vendor = int.from_bytes(buf[i + 8:i + 12], 'big') if flags & 0x80 else 0
        out.append(RawAvp(code, flags, vendor, bytes(buf[i + hlen:i + length])))
        i += length + (-length % 4)
    return out


class RawMsg:
    """A received Diameter message, header fields and top-level AVPs, plus its bytes."""

    def __init__(self, raw):
        self.raw = raw
        self.flags = raw[4]
        self.code = int.from_bytes(raw[5:8], 'big')
        self.app = int.from_bytes(raw[8:12], 'big')
        self.hbh = int.from_bytes(raw[12:16], 'big')
        self.e2e = int.from_bytes(raw[16:20], 'big')
        self.avps = avps_decode(raw[20:])

    @property
    def request(self):
        return bool(self.flags & 0x80)

    def find(self, code, vendor=0):
        """All top-level AVPs with this code and vendor."""
        return [a for a in self.avps if a.code == code and a.vendor == vendor]


def recv_msg(sock):
    """One Diameter message from a stream socket (RawMsg), or None when the peer closed."""
    hdr = b''
    while len(hdr) < 4:
        chunk = sock.recv(4 - len(hdr))
        if not chunk:
            return None
        hdr += chunk
    length = int.from_bytes(hdr[1:4], 'big')
    body = b''
    while len(hdr) + len(body) < length:
        chunk = sock.recv(length - len(hdr) - len(body))
        if not chunk:
            return None
        body += chunk
    return RawMsg(hdr + body)


class RawPeer:
    """A Diameter server written with sockets only: it answers CER, DWR and DPR, records every
    other message exactly as received (RawPeer.received) and answers requests with
    Result-Code `result_code` (Session-Id, Vendor-Specific-Application-Id copied, Result-Code,
    Auth-Session-State, Origin-Host, Origin-Realm, then `answer_extra`), or with
    Experimental-Result {vendor, code} when `experimental` is given, or not at all when
    result_code is None (to test timeouts). Use it to see the bytes a node sends, including
    what a freeDiameter peer would refuse before any handler sees it."""

    CER, DWR, DPR = 257, 280, 282

    def __init__(self, h, identity, realm, port, result_code=2001, experimental=None,
                 apps=((10415, 16777251), (10415, 16777216), (10415, 16777217)),
                 answer_extra=b''):
        import threading
        self.h, self.identity, self.realm, self.port = h, identity, realm, port
        self.answer_extra = answer_extra   # encoded AVPs appended to every answer to a request
        self.result_code = result_code
        self.experimental = experimental
        self.apps = apps
        self.received = []
        self.errors = []
        self._cond = threading.Condition()
        self._srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._srv.bind(('127.0.0.1', port))
        self._srv.listen(8)
        self._conns = []
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()
        h.raw_peers.append(self)

    def _origin(self):
        return avp_encode(264, self.identity) + avp_encode(296, self.realm)

    def _accept(self):
        import threading
        while True:
            try:
                c, _ = self._srv.accept()
            except OSError:
                return
            self._conns.append(c)
            threading.Thread(target=self._serve, args=(c,), daemon=True).start()


    def _answer(self, m, avps_bytes):
        return msg_encode(m.code, m.app, m.flags & 0x40, m.hbh, m.e2e, avps_bytes)

    def _serve(self, c):
        try:
            while True:
                m = recv_msg(c)
                if m is None:
                    return
                if not m.request:
                    with self._cond:
                        self.received.append(m)
                        self._cond.notify_all()
                    continue
                sid = b''.join(avp_encode(263, a.data) for a in m.find(263))
                if m.code == self.CER:
                    body = avp_encode(268, 2001) + self._origin() + avp_encode(257, b'\x00\x01\x7f\x00\x00\x01')
                    body += avp_encode(266, 0) + avp_encode(269, 'harness-rawpeer', flags=0)
                    for vendor, app in self.apps:
                        body += avp_encode(265, vendor)
                        body += avp_encode(260, avp_encode(266, vendor) + avp_encode(258, app))
                    c.sendall(self._answer(m, body))
                elif m.code == self.DWR:
                    c.sendall(self._answer(m, avp_encode(268, 2001) + self._origin()))
                elif m.code == self.DPR:
                    c.sendall(self._answer(m, avp_encode(268, 2001) + self._origin()))
                    return
                else:
                    with self._cond:
                        self.received.append(m)
                        self._cond.notify_all()
                    if self.result_code is None and not self.experimental:
                        continue
                    if self.experimental:
                        vendor, code = self.experimental
                        rc = avp_encode(297, avp_encode(266, vendor) + avp_encode(298, code))
                    else:
                        rc = avp_encode(268, self.result_code)
                    vsai = b''.join(avp_encode(260, a.data) for a in m.find(260))
                    body = sid + vsai + rc + avp_encode(277, 1) + self._origin() + self.answer_extra
                    c.sendall(self._answer(m, body))
        except (OSError, ValueError) as e:
            self.errors.append(repr(e))
        finally:
            c.close()

    def wait_requests(self, n, timeout=10.0):
        """Wait until n requests were received; returns them (fails on timeout)."""
        end = time.monotonic() + timeout
        with self._cond:
            while len([m for m in self.received if m.request]) < n:
                left = end - time.monotonic()
                if left <= 0:
                    self.h.fail('raw peer %s got %d request(s), expected %d' % (
                        self.identity, len(self.received), n))
                self._cond.wait(left)
            return [m for m in self.received if m.request]

    def close(self):
        if self._closed:
            return
        self._closed = True
        self._srv.close()
        for c in self._conns:
            try:
                c.close()
            except OSError:
                pass


class RawClient:
    """A TCP Diameter client written with sockets: CER/CEA, then any bytes, for requests a
    freeDiameter client would never send (a loop in Route-Record, broken framing...).
    answer() skips (and answers) the server's DWRs; the CEA is kept (RawClient.cea, a RawMsg)."""

    def __init__(self, h, port, identity, realm='client.test', timeout=5.0, apps=(0xffffffff,)):
        A = avp_encode
        self.h, self.identity, self.realm = h, identity, realm
        self.s = socket.create_connection(('127.0.0.1', port), timeout=timeout)
        cer = msg_encode(257, 0, 0x80, 1, 1, A(264, identity) + A(296, realm) +
                         A(257, b'\x00\x01\x7f\x00\x00\x01') + A(266, 0) +
                         A(269, 'harness-rawclient', flags=0) + b''.join(A(258, a) for a in apps))
        self.s.sendall(cer)
        self.cea = self.answer()
        if (not isinstance(self.cea, RawMsg) or self.cea.code != 257 or
                [a.u32() for a in self.cea.find(268)] != [2001]):
            h.fail('raw client %s: no CEA 2001 from port %d' % (identity, port))

    def send(self, data):
        self.s.sendall(data)

    def answer(self):
        """Next message that is not a DWR; None if the connection closed; 'timeout'."""
        A = avp_encode
        while True:
            try:
                m = recv_msg(self.s)
            except socket.timeout:
                return 'timeout'
            except OSError:
                return None
            if m is not None and m.request and m.code == 280:
                self.s.sendall(msg_encode(280, 0, 0, m.hbh, m.e2e, A(268, 2001) +
                                          A(264, self.identity) + A(296, self.realm)))
                continue
            return m

    def request(self, app, code, avps_bytes, hbh=7):
        """Send a request with Session-Id, Origin-Host and Origin-Realm first, then
        avps_bytes; returns the answer as answer() does."""
        A = avp_encode
        head = A(263, '%s;raw;%d' % (self.identity, hbh)) + A(264, self.identity) + A(296, self.realm)
        self.s.sendall(msg_encode(code, app, 0xc0, hbh, hbh, head + avps_bytes))
        return self.answer()

    def cea_apps(self):
        """(vendor, application id) pairs the CEA advertises: vendor 0 for a plain
        Auth-Application-Id, the Vendor-Id of a Vendor-Specific-Application-Id otherwise."""
        out = set((0, a.u32()) for a in self.cea.find(258))
        for vsai in self.cea.find(260):
            ch = vsai.children()
            vendor = [a.u32() for a in ch if a.code == 266]
            out.update((vendor[0] if vendor else 0, a.u32()) for a in ch if a.code == 258)
        return out

    def close(self):
        try:
            self.s.close()
        except OSError:
            pass


def diameter_yaml(identity, realm, port, peers=(), accept_peers=('*',), listen=('127.0.0.1',), indent=0):
    """The `diameter:` section of a daemon config (common/'s schema) as YAML text.
    peers: list of dicts {host, addr, port[, realm]}."""
    pad = ' ' * indent
    lines = ['diameter:', '  identity: "%s"' % identity, '  realm: "%s"' % realm, '  port: %d' % port,
             '  listen: [%s]' % ', '.join('"%s"' % a for a in listen)]
    if accept_peers:
        lines.append('  accept_peers: [%s]' % ', '.join('"%s"' % a for a in accept_peers))
    if peers:
        lines.append('  peers:')
        for p in peers:
            lines.append('    - host: "%s"' % p['host'])
            for k in ('realm', 'addr', 'port'):
                if k in p:
                    v = p[k]
                    lines.append('      %s: %s' % (k, v if isinstance(v, int) else '"%s"' % v))
    return '\n'.join(pad + line for line in lines) + '\n'


def _yaml_scalar(v):
    if v is True:
        return 'true'
    if v is False:
        return 'false'
    if v is None:
        return 'null'
    if isinstance(v, (int, float)):
        return str(v)
    return json.dumps(str(v))   # a JSON string is a YAML double-quoted scalar


def yaml_text(data, indent=0):
    """Python data (dicts, lists, strings, numbers, booleans) as block YAML text. Lists of
    scalars are written in flow style ([a, b]); strings are always quoted."""
    pad = ' ' * indent
    lines = []
    for key, v in data.items():
        if isinstance(v, dict) and v:
            lines.append('%s%s:' % (pad, key))
            lines.append(yaml_text(v, indent + 2).rstrip('\n'))
        elif isinstance(v, (list, tuple)) and any(isinstance(x, (dict, list, tuple)) for x in v):
            lines.append('%s%s:' % (pad, key))
            for item in v:
                if isinstance(item, dict):
                    block = yaml_text(item, indent + 4).rstrip('\n')
                    lines.append(pad + '  - ' + block[indent + 4:])
                elif isinstance(item, (list, tuple)):
                    lines.append('%s  - [%s]' % (pad, ', '.join(_yaml_scalar(x) for x in item)))
                else:
                    lines.append('%s  - %s' % (pad, _yaml_scalar(item)))
        elif isinstance(v, (list, tuple)):
            lines.append('%s%s: [%s]' % (pad, key, ', '.join(_yaml_scalar(x) for x in v)))
        elif isinstance(v, dict):
            lines.append('%s%s: {}' % (pad, key))
        else:
            lines.append('%s%s: %s' % (pad, key, _yaml_scalar(v)))
    return '\n'.join(lines) + '\n'


def config_yaml(identity, realm, port, peers=(), accept_peers=('*',), listen=('127.0.0.1',),
                diameter=None, extra='', **sections):
    """A daemon configuration (dra, hss: both read common/'s `diameter:` section) as YAML
    text. The `diameter:` section: identity, realm, port (None: no listener), listen,
    accept_peers, peers (dicts {host, realm, addr (default 127.0.0.1), port, ...}) and any
    other key of that section in the dict `diameter` (tw_timer, default_route ...). Every
    other keyword is a top-level section written as it is given (database={...},
    routes=[...], rules='rules.yaml'); `extra` is YAML text appended as it is."""
    d = {'identity': identity, 'realm': realm}
    if port is not None:
        d['port'] = port
    d['listen'] = list(listen)
    if accept_peers:
        d['accept_peers'] = list(accept_peers)
    if peers:
        d['peers'] = []
        for p in peers:
            q = dict(p)
            if 'port' in q:
                q.setdefault('addr', '127.0.0.1')
            d['peers'].append(q)
    d.update(diameter or {})
    return yaml_text(dict({'diameter': d}, **sections)) + extra


def ctl_request(path, line, timeout=5.0):
    """One command on a daemon's control socket (UNIX stream, one line each way); the reply
    line without its newline."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(path)
        s.sendall(line.encode() + b'\n')
        data = b''
        while not data.endswith(b'\n'):
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        return data.decode().strip()
    finally:
        s.close()


def run(test, name=None, ports=(21000, 21499)):
    """Run test(h) with a fresh Harness; exit 0 / 1 (printing all logs) / 77."""
    name = name or os.path.splitext(os.path.basename(sys.argv[0]))[0]
    h = None
    code = 0
    try:
        h = Harness(name, ports)
        test(h)
        print('PASS %s' % name)
    except Skip as e:
        print('SKIP: %s' % e)
        code = 77
    except Failure as e:
        print('FAIL %s: %s' % (name, e))
        if h:
            h.dump(sys.stdout)
        code = 1
    except Exception:   # a bug in the test itself: still show the processes' logs
        import traceback
        traceback.print_exc(file=sys.stdout)
        if h:
            h.dump(sys.stdout)
        code = 1
    finally:
        if h:
            h.close()
    sys.stdout.flush()
    sys.exit(code)

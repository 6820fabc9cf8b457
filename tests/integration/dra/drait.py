# SPDX-License-Identifier: BSD-3-Clause
"""drait.py: helpers for the DRA integration tests: start echo servers (dclient echo), the dra
daemon and clients (dclient) on 127.0.0.1, wait for peer connections, read the DRA's counters
(SIGUSR1 -> stats_file) and clean everything up. Each test owns a block of TCP ports in
23000-23999 so two tests can run in parallel."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SKIP = 77


class TestFailure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise TestFailure(what)
    print("ok:", what, flush=True)


class Proc:
    def __init__(self, name, argv, log):
        self.name = name
        self.log = log
        self.logf = open(log, "w")
        self.p = subprocess.Popen(argv, stdout=self.logf, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL)

    def text(self):
        with open(self.log, errors="replace") as f:
            return f.read()

    def alive(self):
        return self.p.poll() is None

    def stop(self, sig=signal.SIGTERM, wait=10):
        if self.p.poll() is None:
            self.p.send_signal(sig)
            try:
                self.p.wait(wait)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.logf.close()

    def kill(self):
        self.stop(signal.SIGKILL)


class Env:
    def __init__(self, name, port_base, need=("dra", "dclient")):
        self.build = os.environ.get("DCORE_BUILDDIR") or os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "../../../build")
        self.dra_bin = os.path.join(self.build, "dra", "dra")
        self.dclient_bin = os.path.join(self.build, "tools", "dclient", "dclient")
        for b in (self.dra_bin, self.dclient_bin):
            if os.path.basename(b) in need and not os.access(b, os.X_OK):
                print(f"SKIP: {b} is not built", flush=True)
                sys.exit(SKIP)
        self.dir = tempfile.mkdtemp(prefix=f"dra-{name}-")
        self.port_base = port_base
        self.procs = []
        self.keep = False

    def port(self, i):
        return self.port_base + i

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, text):
        p = self.path(name)
        with open(p, "w") as f:
            f.write(text)
        return p

    # -- processes -------------------------------------------------------------------------

    def echo(self, identity, realm, port, apps=None, verbose=True):
        argv = [self.dclient_bin, "echo", "--identity", identity, "--realm", realm,
                "--listen-port", str(port)]
        if apps:
            argv += ["--apps", apps]
        if verbose:
            argv.append("-v")
        p = Proc(identity, argv, self.path(f"echo-{identity}.log"))
        self.procs.append(p)
        return p

    def dra(self, cfg_text, name="dra"):
        cfg = self.write(f"{name}.yaml", cfg_text)
        p = Proc(name, [self.dra_bin, "-c", cfg], self.path(f"{name}.log"))
        p.cfg = cfg
        self.procs.append(p)
        deadline = time.time() + 20
        while time.time() < deadline:
            if "relaying, config" in p.text():
                return p
            if not p.alive():
                break
            time.sleep(0.1)
        raise TestFailure(f"dra did not start:\n{p.text()[-3000:]}")

    def wait_open(self, proc, peer, timeout=20):
        """Wait until proc's freeDiameter log shows peer in state OPEN."""
        pat = re.compile(r"-> 'STATE_OPEN'\s+'" + re.escape(peer) + "'")
        deadline = time.time() + timeout
        while time.time() < deadline:
            if pat.search(proc.text()):
                return
            time.sleep(0.1)
        raise TestFailure(f"{proc.name}: peer {peer} not open after {timeout}s:\n{proc.text()[-3000:]}")

    def wait_closed(self, proc, peer, timeout=20):
        pat = re.compile(r"'STATE_OPEN'\s+-> '(?!STATE_OPEN)[A-Z_]+'\s+'" + re.escape(peer) + "'")
        deadline = time.time() + timeout
        while time.time() < deadline:
            if pat.search(proc.text()):
                return
            time.sleep(0.1)
        raise TestFailure(f"{proc.name}: peer {peer} still open after {timeout}s")

    # -- clients ---------------------------------------------------------------------------

    def client_argv(self, dra_port, dra_id, cmd, dest_realm, identity="c1.client", args=()):
        return [self.dclient_bin, "--peer", f"127.0.0.1:{dra_port}", "--peer-host", dra_id,
                "--identity", identity, "--realm", "client", "--dest-realm", dest_realm,
                "--json", cmd] + list(args)

    def request(self, dra_port, dra_id, cmd, dest_realm, args=(), identity="c1.client", timeout=30):
        """One request; returns (exit code, answer dict or None, stderr)."""
        argv = self.client_argv(dra_port, dra_id, cmd, dest_realm, identity, args)
        r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
        ans = None
        for line in r.stdout.splitlines():
            line = line.strip()
            if line.startswith("{"):
                try:
                    d = json.loads(line)
                except ValueError:
                    continue
                if d.get("kind") == "answer":
                    ans = d
        return r.returncode, ans, r.stderr

    def load_start(self, dra_port, dra_id, cmd, dest_realm, count, concurrency, args=(),
                   identity="load.client"):
        argv = [self.dclient_bin, "--peer", f"127.0.0.1:{dra_port}", "--peer-host", dra_id,
                "--identity", identity, "--realm", "client", "--dest-realm", dest_realm,
                "--json", "load", cmd, "--count", str(count), "--concurrency", str(concurrency),
                "--timeout", "20000"] + list(args)
        log = self.path(f"load-{identity}.log")
        return subprocess.Popen(argv, stdout=open(log, "w"), stderr=subprocess.STDOUT), log

    def load_result(self, popen_log, timeout=300):
        p, log = popen_log
        p.wait(timeout)
        with open(log) as f:
            text = f.read()
        for line in text.splitlines():
            if line.startswith("{") and '"kind":"load"' in line.replace(" ", ""):
                return p.returncode, json.loads(line), text
        raise TestFailure(f"no load summary (exit {p.returncode}):\n{text[-3000:]}")

    # -- DRA counters ----------------------------------------------------------------------

    def stats(self, dra, stats_file):
        """Ask the DRA for its counters (SIGUSR1) and parse stats_file."""
        try:
            os.unlink(stats_file)
        except FileNotFoundError:
            pass
        dra.p.send_signal(signal.SIGUSR1)
        deadline = time.time() + 10
        while time.time() < deadline:
            if os.path.exists(stats_file):
                time.sleep(0.2)
                break
            time.sleep(0.05)
        out = {}
        with open(stats_file) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 4:
                    out[(parts[0], parts[1], parts[2])] = int(parts[3])
        return out

    def cleanup(self, failed):
        for p in reversed(self.procs):
            try:
                p.stop()
            except Exception:
                pass
        if failed:
            for p in self.procs:
                print(f"----- {p.name} log ({p.log}) tail -----")
                print(p.text()[-4000:])
        else:
            shutil.rmtree(self.dir, ignore_errors=True)


# -- a minimal raw Diameter peer (for what a freeDiameter client refuses to send, e.g. a
#    request whose Route-Record already names the DRA: its own loop avoidance drops it) ----

def _avp(code, data, vendor=None, mandatory=True):
    import struct
    if isinstance(data, str):
        data = data.encode()
    elif isinstance(data, int):
        data = struct.pack("!I", data)
    flags = (0x40 if mandatory else 0) | (0x80 if vendor is not None else 0)
    hdr_len = 12 if vendor is not None else 8
    length = hdr_len + len(data)
    out = struct.pack("!I", code) + struct.pack("!I", (flags << 24) | length)
    if vendor is not None:
        out += struct.pack("!I", vendor)
    return out + data + b"\0" * ((4 - len(data) % 4) % 4)


def _msg(code, app, flags, avps, hbh=1, e2e=1):
    import struct
    body = b"".join(avps)
    return struct.pack("!I", (1 << 24) | (20 + len(body))) + struct.pack("!I", (flags << 24) | code) + \
        struct.pack("!III", app, hbh, e2e) + body


def _read_msg(sock):
    import struct
    def readn(n):
        b = b""
        while len(b) < n:
            c = sock.recv(n - len(b))
            if not c:
                raise TestFailure("raw peer: connection closed")
            b += c
        return b
    h = readn(20)
    length = struct.unpack("!I", h[0:4])[0] & 0xffffff
    flags = h[4]
    code = struct.unpack("!I", h[4:8])[0] & 0xffffff
    body = readn(length - 20)
    avps, i = [], 0
    while i + 8 <= len(body):
        acode, fl = struct.unpack("!II", body[i:i + 8])
        alen = fl & 0xffffff
        off = 12 if (fl >> 24) & 0x80 else 8
        avps.append((acode, body[i + off:i + alen]))
        i += alen + ((4 - alen % 4) % 4)
    return flags, code, avps


class RawPeer:
    def __init__(self, port, identity, realm):
        import socket
        self.s = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.identity, self.realm = identity, realm
        cer = _msg(257, 0, 0x80, [
            _avp(264, identity), _avp(296, realm), _avp(257, b"\0\1\x7f\0\0\1"),
            _avp(266, 0), _avp(269, "drait", mandatory=False), _avp(258, 0xffffffff)])
        self.s.sendall(cer)
        flags, code, avps = _read_msg(self.s)
        self.cea = avps
        rc = [int.from_bytes(v, "big") for c, v in avps if c == 268]
        if code != 257 or rc != [2001]:
            raise TestFailure(f"raw peer: CEA {code} {rc}")

    def request(self, app, code, avps, hbh=7):
        """Send a request (Session-Id and Origin-* are added first); return (flags, code,
        {avp code: [values]})."""
        head = [_avp(263, f"{self.identity};raw;{hbh}"), _avp(264, self.identity),
                _avp(296, self.realm)]
        self.s.sendall(_msg(code, app, 0xc0, head + avps, hbh=hbh, e2e=hbh))
        while True:
            flags, rcode, ravps = _read_msg(self.s)
            if rcode == 280 and flags & 0x80:  # DWR: answer it
                self.s.sendall(_msg(280, 0, 0, [_avp(264, self.identity), _avp(296, self.realm),
                                                _avp(268, 2001)]))
                continue
            out = {}
            for c, v in ravps:
                out.setdefault(c, []).append(v)
            return flags, rcode, out

    def cea_apps(self):
        """(vendor, auth app id) pairs the CEA advertises; vendor 0 for plain Auth-Application-Id."""
        out = set()
        for c, v in self.cea:
            if c == 258:
                out.add((0, int.from_bytes(v, "big")))
            elif c == 260:  # Vendor-Specific-Application-Id: parse its children
                vendor, app, i = 0, None, 0
                while i + 8 <= len(v):
                    acode = int.from_bytes(v[i:i + 4], "big")
                    alen = int.from_bytes(v[i + 5:i + 8], "big")
                    off = 12 if v[i + 4] & 0x80 else 8
                    val = int.from_bytes(v[i + off:i + alen], "big")
                    if acode == 266:
                        vendor = val
                    elif acode == 258:
                        app = val
                    i += alen + ((4 - alen % 4) % 4)
                if app is not None:
                    out.add((vendor, app))
        return out

    def close(self):
        self.s.close()


def origin_host(ans):
    for a in ans.get("avps", []):
        if a.get("name") == "Origin-Host":
            return a.get("value")
    return None


def avp(ans, name):
    """All values of top-level AVP `name` in a JSON answer."""
    return [a.get("value") for a in ans.get("avps", []) if a.get("name") == name]


def run(name, port_base, body, need=("dra", "dclient")):
    """Run body(env); exit 0 on success, 1 on failure, 77 on skip."""
    env = Env(name, port_base, need)
    failed = True
    try:
        body(env)
        failed = False
    except TestFailure as e:
        print(f"FAIL: {e}", flush=True)
    finally:
        env.cleanup(failed)
    sys.exit(1 if failed else 0)

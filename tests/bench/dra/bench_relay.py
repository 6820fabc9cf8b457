#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Relay benchmark: our DRA against Debian's freeDiameterd + rt_default, in one run.

    dclient load  ->  relay  ->  dclient echo (answers 2001, no logic)

Relays compared, each at 1, 10 and 100 requests in flight, RUNS runs each (median reported):
  direct       dclient -> echo with no relay (the ceiling)
  fd+rt_default  freeDiameterd 1.2.1, rt_default.fdx, acl_wl.fdx, our dict_s6a.fdx
  dra            our dra, no rewrite rules
  dra+snmp       the same with its SNMP agent registered with a private snmpd (AgentX master)
                 and an NMS walking the DRA's whole subtree every second meanwhile; both dra
                 and dra+snmp run side by side and their load runs alternate (A/B), so that
                 the ratio between them does not depend on what else the machine does
  dra+10rules    our dra with 10 realistic rules (config in this folder)
  dra+policy     our dra, no rules, a peer policy of 8 entries (the matching ones last)

Printed per case: requests/s, latency p50/p99 (us, from dclient), and relay CPU microseconds per
request/answer pair (utime+stime of the relay process from /proc over the run, divided by the
answers). Nothing is asserted about speed: this is a benchmark, not a test. It fails only when
something does not work (a relay that does not answer 2001 to everything).

Environment: BENCH_RUNS (default 3), BENCH_COUNT (requests per run at 100 in flight, default
20000; scaled down for lower concurrency), BENCH_RELAYS (comma-separated names of the cases to
run, default all), ports 24200-24219. The ratios dra+snmp / dra are printed at the end.
"""
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

BUILD = os.environ.get("DCORE_BUILDDIR", os.path.join(os.path.dirname(__file__), "../../../build"))
SRC = os.environ.get("DCORE_SRCDIR", os.path.join(os.path.dirname(__file__), "../../.."))
FD_EXT = os.environ.get("FD_EXT_DIR", "/usr/lib/freeDiameter")
DCLIENT = os.path.join(BUILD, "tools/dclient/dclient")
DRA = os.path.join(BUILD, "dra/dra")
DICT_S6A_FDX = os.path.join(BUILD, "dictionaries/dict_s6a.fdx")
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "integration"))
import harness  # noqa: E402  (the config helper)
PORT_ECHO, PORT_RELAY, PORT_RELAY_TLS, PORT_RELAY_B, PORT_SNMP = 24200, 24201, 24202, 24203, 24218
SNMPD = "/usr/sbin/snmpd"
DRA_OID = ".1.3.6.1.4.1.32473.1.2"
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
COUNT = int(os.environ.get("BENCH_COUNT", "20000"))
CLK = os.sysconf("SC_CLK_TCK")
ECHO_ID, ECHO_REALM = "echo.bench.example", "bench.example"
RELAY_ID, RELAY_ID_B = "relay.relay.example", "relayb.relay.example"

procs = []


def die(msg, logs=()):
    print("FAIL: " + msg)
    for path in logs:
        try:
            with open(path, errors="replace") as f:
                print("---- " + path)
                print("".join(f.readlines()[-30:]))
        except OSError:
            pass
    stop_all()
    sys.exit(1)


def stop(p):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def stop_all():
    for p in reversed(procs):
        stop(p)


def start(args, log, cwd=None):
    p = subprocess.Popen(args, stdout=open(log, "w"), stderr=subprocess.STDOUT, cwd=cwd)
    procs.append(p)
    return p


def wait_port(port, timeout=15.0):
    end = time.time() + timeout
    while time.time() < end:
        with socket.socket() as s:
            s.settimeout(0.2)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.1)
    return False


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK   # utime, stime


def load(peer_port, peer_host, count, conc):
    cmd = [DCLIENT, "--peer", "127.0.0.1:%d" % peer_port, "--peer-host", peer_host,
           "--identity", "client.load.example", "--realm", "load.example",
           "--dest-realm", ECHO_REALM, "--timeout", "10000", "--json",
           "load", "air", "--count", str(count), "--concurrency", str(conc),
           "--imsi-range", "001010000000001-001010000099999", "--visited-plmn", "00101"]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    summary = None
    for line in r.stdout.splitlines():
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if obj.get("kind") == "load":
            summary = obj
    if summary is None:
        raise RuntimeError("dclient load gave no summary (exit %d): %s" % (r.returncode, r.stderr[-2000:]))
    return summary


def write_fd_conf(work):
    key, cert = os.path.join(work, "key.pem"), os.path.join(work, "cert.pem")
    subprocess.run(["certtool", "--generate-privkey", "--key-type", "ecdsa", "--outfile", key],
                   check=True, capture_output=True)
    tmpl = os.path.join(work, "cert.tmpl")
    with open(tmpl, "w") as f:
        f.write('cn = "%s"\nexpiration_days = 30\nsigning_key\nencryption_key\ntls_www_server\n'
                'tls_www_client\nca\ncert_signing_key\n' % RELAY_ID)
    subprocess.run(["certtool", "--generate-self-signed", "--load-privkey", key, "--template", tmpl,
                    "--outfile", cert], check=True, capture_output=True)
    with open(os.path.join(work, "rt_default.conf"), "w") as f:
        f.write('dr="%s" : "%s" += DEFAULT_REALM ;\n' % (ECHO_REALM, ECHO_ID))
    with open(os.path.join(work, "acl_wl.conf"), "w") as f:
        f.write("ALLOW_OLD_TLS ALLOW_IPSEC *.load.example\n")
    conf = os.path.join(work, "fd.conf")
    with open(conf, "w") as f:
        f.write('Identity = "%s";\nRealm = "relay.example";\nPort = %d;\nSecPort = %d;\nNo_SCTP;\n'
                'TLS_Cred = "%s", "%s";\nTLS_CA = "%s";\n' % (RELAY_ID, PORT_RELAY, PORT_RELAY_TLS,
                                                               cert, key, cert))
        for ext in ("dict_nasreq.fdx", "dict_dcca.fdx", "dict_dcca_3gpp.fdx"):
            f.write('LoadExtension = "%s";\n' % os.path.join(FD_EXT, ext))
        f.write('LoadExtension = "%s";\n' % DICT_S6A_FDX)
        f.write('LoadExtension = "%s" : "%s";\n' % (os.path.join(FD_EXT, "rt_default.fdx"),
                                                   os.path.join(work, "rt_default.conf")))
        f.write('LoadExtension = "%s" : "%s";\n' % (os.path.join(FD_EXT, "acl_wl.fdx"),
                                                   os.path.join(work, "acl_wl.conf")))
        f.write('ConnectPeer = "%s" { ConnectTo = "127.0.0.1"; Port = %d; No_TLS; };\n'
                % (ECHO_ID, PORT_ECHO))
    return conf


def start_snmpd(work):
    """A private snmpd as AgentX master (socket in work); returns the socket path or None."""
    if not os.access(SNMPD, os.X_OK) or not shutil.which("snmpbulkwalk"):
        return None
    os.makedirs(os.path.join(work, "snmp"), exist_ok=True)
    sock = os.path.join(work, "snmp", "agentx")
    conf = os.path.join(work, "snmp", "snmpd.conf")
    with open(conf, "w") as f:
        f.write("master agentx\nagentXSocket %s\nrocommunity public 127.0.0.1\n" % sock)
    env = dict(os.environ, SNMP_PERSISTENT_DIR=os.path.join(work, "snmp"), MIBS="",
               SNMPCONFPATH="/nonexistent")
    p = subprocess.Popen([SNMPD, "-f", "-C", "-c", conf, "-Lf", os.path.join(work, "snmpd.log"),
                          "-p", os.path.join(work, "snmp", "pid"), "udp:127.0.0.1:%d" % PORT_SNMP],
                         env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs.append(p)
    end = time.time() + 10
    while time.time() < end and not os.path.exists(sock):
        time.sleep(0.1)
    return sock if os.path.exists(sock) else None


def snmp_walk():
    """One walk of the DRA's subtree as an NMS does it; the number of objects read."""
    r = subprocess.run(["snmpbulkwalk", "-v2c", "-c", "public", "-On", "-t", "2",
                        "127.0.0.1:%d" % PORT_SNMP, DRA_OID], capture_output=True, text=True,
                       env=dict(os.environ, MIBS="", SNMPCONFPATH="/nonexistent"), timeout=30)
    return sum(1 for line in r.stdout.splitlines() if line.startswith(DRA_OID))


class Poller:
    """Walks the DRA's subtree every second in the background (a busy NMS)."""

    def __init__(self):
        import threading
        self.stop_ev = threading.Event()
        self.walks, self.objects = 0, 0
        self.t = threading.Thread(target=self.run, daemon=True)
        self.t.start()

    def run(self):
        while not self.stop_ev.is_set():
            n = snmp_walk()
            if n:
                self.walks += 1
                self.objects = n
            self.stop_ev.wait(1.0)

    def stop(self):
        self.stop_ev.set()
        self.t.join()


# A peer policy of 8 entries, the matching ones last (fnmatch of every entry before them).
POLICY = {"peers": [{"match": "mme%d.other.example" % i, "role": "mme"} for i in range(6)] +
          [{"match": "*.load.example", "role": "mme", "imsi": ["00101"]},
           {"match": ECHO_ID, "role": "hss"}]}


def write_dra_conf(work, rules, snmp_sock=None, port=PORT_RELAY, identity=RELAY_ID,
                   policy=False):
    path = os.path.join(work, "dra-%s%s%s.yaml" % ("rules" if rules else "norules",
                                                   "-snmp" if snmp_sock else "",
                                                   "-policy" if policy else ""))
    sections = {"rules": os.path.join(HERE, "rules10.yaml")} if rules else {}
    if snmp_sock:
        sections["snmp"] = {"enabled": True, "agentx_socket": snmp_sock, "ping_interval": 1}
    if policy:
        sections["policy"] = POLICY
    with open(path, "w") as f:
        f.write(harness.config_yaml(
            identity, "relay.example", port, accept_peers=["*.load.example"],
            peers=[{"host": ECHO_ID, "realm": ECHO_REALM, "port": PORT_ECHO}], **sections,
            peer_groups=[{"name": "echo", "policy": "failover", "peers": [ECHO_ID]}],
            routes=[{"name": "echo", "match": {"realm": ECHO_REALM}, "group": "echo"}]))
    return path


def warm_up(name, port, log, host=RELAY_ID):
    for _ in range(60):
        try:
            s = load(port, host, 50, 5)
            if s["results"].get("2001") == 50:
                return
        except RuntimeError:
            pass
        time.sleep(0.5)
    die("%s: warm-up never got 50 x 2001" % name, [log])


def ab_snmp(work, snmp_sock):
    """dra (A) and dra+snmp (B) side by side, their load runs alternating; returns the
    results rows for both and prints the ratios."""
    logs = [os.path.join(work, "dra-a.log"), os.path.join(work, "dra-b.log")]
    a = start([DRA, "-c", write_dra_conf(work, False)], logs[0])
    b = start([DRA, "-c", write_dra_conf(work, False, snmp_sock, PORT_RELAY_B, RELAY_ID_B)],
              logs[1])
    for port, log in ((PORT_RELAY, logs[0]), (PORT_RELAY_B, logs[1])):
        if not wait_port(port):
            die("dra did not listen on %d" % port, [log])
    warm_up("dra", PORT_RELAY, logs[0])
    warm_up("dra+snmp", PORT_RELAY_B, logs[1], RELAY_ID_B)
    end = time.time() + 15
    while snmp_walk() == 0:
        if time.time() > end:
            die("dra+snmp: the DRA's subtree is not served", [logs[1]])
        time.sleep(0.2)
    poller = Poller()
    rows = []
    idle_cpu_b, idle_walks = 0.0, 0
    for conc in (1, 10, 100):
        count = max(2000, COUNT * conc // 100) if conc > 1 else max(1000, COUNT // 10)
        runs = {"dra": [], "dra+snmp": []}
        for i in range(RUNS):
            order = [("dra", a, PORT_RELAY, RELAY_ID), ("dra+snmp", b, PORT_RELAY_B, RELAY_ID_B)]
            if i % 2:
                order.reverse()
            for name, proc, port, host in order:
                other = b if proc is a else a
                c0, o0, w0 = cpu_seconds(proc.pid), cpu_seconds(other.pid), poller.walks
                s = load(port, host, count, conc)
                c1, o1, w1 = cpu_seconds(proc.pid), cpu_seconds(other.pid), poller.walks
                if other is b:        # B idle but walked: what its agent costs alone
                    idle_cpu_b += o1 - o0
                    idle_walks += w1 - w0
                if s["answered"] != count or s["results"].get("2001") != count:
                    die("%s at %d in flight: not every request answered 2001: %s"
                        % (name, conc, json.dumps(s)), logs)
                runs[name].append((s["rps"], s["latency_us"]["p50"], s["latency_us"]["p99"],
                                   (c1 - c0) * 1e6 / count))
        for name in ("dra", "dra+snmp"):
            med = [statistics.median(v[k] for v in runs[name]) for k in range(4)]
            rows.append((name, conc, count, med, runs[name]))
            print("%-14s in-flight %3d: %9.0f req/s  p50 %6d us  p99 %6d us  relay CPU %.1f us/pair"
                  % (name, conc, med[0], med[1], med[2], med[3]), flush=True)
    poller.stop()
    print("the NMS walked the DRA's subtree %d times (%d objects each); the agent alone used "
          "%.2f ms CPU per walk" % (poller.walks, poller.objects,
                                    idle_cpu_b * 1e3 / idle_walks if idle_walks else float("nan")),
          flush=True)
    stop(a)
    stop(b)
    time.sleep(0.5)
    return rows


def main():
    for exe in (DCLIENT, DRA, DICT_S6A_FDX):
        if not os.path.exists(exe):
            print("SKIP: %s is not built" % exe)
            sys.exit(77)
    have_fd = shutil.which("freeDiameterd") and shutil.which("certtool")
    work = tempfile.mkdtemp(prefix="dcore-bench-relay-")
    echo_log = os.path.join(work, "echo.log")
    echo = start([DCLIENT, "echo", "--identity", ECHO_ID, "--realm", ECHO_REALM,
                  "--listen-port", str(PORT_ECHO), "--apps", "s6a"], echo_log)
    if not wait_port(PORT_ECHO):
        die("echo server did not listen", [echo_log])

    relays = [("direct", None)]
    if have_fd:
        relays.append(("fd+rt_default", ["freeDiameterd", "-c", write_fd_conf(work)]))
    else:
        print("NOTE: freeDiameterd or certtool missing: the freeDiameterd baseline is skipped")
    wanted = [n for n in os.environ.get("BENCH_RELAYS", "").split(",") if n]
    snmp_sock = None
    if not wanted or "dra" in wanted or "dra+snmp" in wanted:
        snmp_sock = start_snmpd(work)
        if not snmp_sock:
            print("NOTE: snmpd or snmpbulkwalk missing: the dra+snmp case is skipped")
            relays.append(("dra", [DRA, "-c", write_dra_conf(work, False)]))
    relays.append(("dra+10rules", [DRA, "-c", write_dra_conf(work, True)]))
    relays.append(("dra+policy", [DRA, "-c", write_dra_conf(work, False, policy=True)]))
    if wanted:
        relays = [r for r in relays if r[0] in wanted]

    results = []
    if snmp_sock:
        results += ab_snmp(work, snmp_sock)
    for name, cmd in relays:
        relay = None
        poller = None
        log = os.path.join(work, name + ".log")
        if cmd:
            relay = start(cmd, log)
            if not wait_port(PORT_RELAY):
                die("%s did not listen" % name, [log])
        port, host = (PORT_ECHO, ECHO_ID) if relay is None else (PORT_RELAY, RELAY_ID)
        # Warm up until the relay has its peer and answers.
        ok = False
        for _ in range(60):
            try:
                s = load(port, host, 50, 5)
                if s["results"].get("2001") == 50:
                    ok = True
                    break
            except RuntimeError:
                pass
            time.sleep(0.5)
        if not ok:
            die("%s: warm-up never got 50 x 2001" % name, [log, echo_log])
        for conc in (1, 10, 100):
            count = max(2000, COUNT * conc // 100) if conc > 1 else max(1000, COUNT // 10)
            runs = []
            for _ in range(RUNS):
                c0 = cpu_seconds(relay.pid) if relay else 0.0
                s = load(port, host, count, conc)
                c1 = cpu_seconds(relay.pid) if relay else 0.0
                if s["answered"] != count or s["results"].get("2001") != count:
                    die("%s at %d in flight: not every request answered 2001: %s"
                        % (name, conc, json.dumps(s)), [log])
                runs.append((s["rps"], s["latency_us"]["p50"], s["latency_us"]["p99"],
                             (c1 - c0) * 1e6 / count if relay else float("nan")))
            med = [statistics.median(v[i] for v in runs) for i in range(4)]
            results.append((name, conc, count, med, runs))
            print("%-14s in-flight %3d: %9.0f req/s  p50 %6d us  p99 %6d us  relay CPU %s us/pair"
                  % (name, conc, med[0], med[1], med[2],
                     "%.1f" % med[3] if relay else "  -"), flush=True)
        if poller:
            poller.stop()
            print("%-14s the NMS walked the DRA's subtree %d times (%d objects each) meanwhile"
                  % (name, poller.walks, poller.objects), flush=True)
        if relay:
            stop(relay)
            time.sleep(0.5)

    print()
    print("Median of %d runs (requests per run: %d at 100 in flight); dra and dra+snmp "
          "alternate run by run" % (RUNS, COUNT))
    print("| relay | in flight | requests/s | p50 us | p99 us | relay CPU us/pair |")
    print("|---|---|---|---|---|---|")
    for name, conc, count, med, runs in results:
        cpu = "%.1f" % med[3] if name != "direct" else "-"
        print("| %s | %d | %.0f | %d | %d | %s |" % (name, conc, med[0], med[1], med[2], cpu))
    base = {conc: med for name, conc, count, med, runs in results if name == "dra"}
    with_agent = {conc: med for name, conc, count, med, runs in results if name == "dra+snmp"}
    if base and with_agent:
        print()
        print("dra+snmp / dra (the SNMP agent registered and walked every second):")
        for conc in sorted(with_agent):
            b, a = base[conc], with_agent[conc]
            print("  %3d in flight: requests/s x%.3f, p50 x%.3f, p99 x%.3f, relay CPU/pair x%.3f"
                  % (conc, a[0] / b[0], a[1] / b[1], a[2] / b[2], a[3] / b[3]))
    stop_all()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    try:
        main()
    finally:
        stop_all()

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Wire-encoding check with an independent decoder.

Captures on loopback while real traffic flows: dclient (as MMEs, a CSCF and an AS) -> dra ->
hss for S6a (AIR, ULR, PUR, NOR, and the HSS's CLR, IDR and DSR back to an MME), and dra ->
`dclient echo` for Cx and Sh. The DRA rewrites on the way (realm, IMSI prefix, MSISDN inside
Subscription-Data, topology hiding of the MMEs with the HSS's later requests sent back to the
real MME), so the capture holds rewritten messages. tshark then decodes the capture: the test
fails on any malformed packet or Diameter expert warning/error, on an answer carrying
Route-Record, and unless every command was decoded by name as request and answer.

Ports 24100-24119. Exits 77 (skipped) when tshark cannot capture here.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

BUILD = os.environ.get("DCORE_BUILDDIR", os.path.join(os.path.dirname(__file__), "../../../build"))
DCLIENT = os.path.join(BUILD, "tools/dclient/dclient")
HSS = os.path.join(BUILD, "hss/hss")
DRA = os.path.join(BUILD, "dra/dra")
HSSCTL = os.path.join(BUILD, "tools/hssctl/hssctl")
PORT_DRA, PORT_HSS, PORT_ECHO = 24100, 24101, 24102
PORTS = "24100-24119"
IMSI = "001010000000077"
VISITING_IMSI = "001990000000077"   # mapped to IMSI by the DRA's imsi-range rule

procs = []

# MMEs address the home network by its 3GPP realm and a visiting IMSI range; the DRA maps both
# to what the HSS knows, renumbers MSISDNs on the way back, and hides the MMEs' names.
RULES = """rules:
  - name: realm-in
    match: { direction: request, destination_realm: { exact: epc.mnc001.mcc001.3gppnetwork.org } }
    actions:
      - set: { avp: Destination-Realm, value: home.t.example }
  - name: realm-out
    match: { direction: answer, application: s6a, origin_realm: { exact: home.t.example } }
    actions:
      - map: { avp: Origin-Realm, table: { home.t.example: epc.mnc001.mcc001.3gppnetwork.org } }
  - name: imsi-range
    match: { direction: request, application: s6a }
    actions:
      - prefix_map: { avp: User-Name, map: { "00199": "00101" } }
  - name: msisdn-ula
    match: { direction: answer, application: s6a, command: Update-Location }
    actions:
      - prefix_map: { avp: Subscription-Data/MSISDN, map: { "33612": "33712" } }
  - name: msisdn-idr
    match: { direction: request, application: s6a, command: Insert-Subscriber-Data }
    actions:
      - prefix_map: { avp: Subscription-Data/MSISDN, map: { "33612": "33712" } }
  - name: hide-mmes
    match: { direction: request, from_peer: "mme*.client.t.example" }
    actions:
      - hide_host: { pseudo: "mme-{n}.hidden.t.example" }
  - name: unhide-mmes
    match: { direction: request, destination_host: { suffix: .hidden.t.example } }
    actions:
      - unhide_host: Destination-Host
"""


def skip(why):
    print("SKIP: " + why)
    sys.exit(77)


def fail(why, logs=()):
    print("FAIL: " + why)
    for path in logs:
        try:
            with open(path, errors="replace") as f:
                print("---- %s (last 40 lines)" % path)
                print("".join(f.readlines()[-40:]))
        except OSError:
            pass
    sys.exit(1)


def start(args, log):
    f = open(log, "w")
    p = subprocess.Popen(args, stdout=f, stderr=subprocess.STDOUT)
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


def stop_all():
    for p in reversed(procs):
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in reversed(procs):
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()


def hss_ctl(path, line):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    try:
        s.connect(path)
        s.sendall(line.encode() + b"\n")
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        return data.decode().strip()
    finally:
        s.close()


def hss_log_text(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def dclient(identity, realm, dest_realm, *args):
    cmd = [DCLIENT, "--peer", "127.0.0.1:%d" % PORT_DRA, "--peer-host", "dra.t.example",
           "--identity", identity, "--realm", realm, "--dest-realm", dest_realm,
           "--timeout", "5000"] + list(args)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    return r.returncode, r.stdout + r.stderr


def main():
    for exe in (DCLIENT, HSS, DRA, HSSCTL):
        if not os.access(exe, os.X_OK):
            skip("%s is not built" % exe)
    if not shutil.which("tshark"):
        skip("tshark is not installed (./run deps installs it)")

    work = tempfile.mkdtemp(prefix="dcore-tshark-")
    hss_log, dra_log, echo_log = (os.path.join(work, n) for n in ("hss.log", "dra.log", "echo.log"))
    cap = os.path.join(work, "traffic.pcapng")
    logs = (hss_log, dra_log, echo_log)

    with open(os.path.join(work, "hss.yaml"), "w") as f:
        f.write("""diameter:
  identity: hss.home.t.example
  realm: home.t.example
  listen: [127.0.0.1]
  port: %d
  accept_peers: ["dra.t.example"]
  default_route: ["dra.t.example"]
database:
  backend: sqlite
  path: %s/hss.db
s6a:
  home_plmns: ["00101"]
ctl_socket: %s/hss.ctl
""" % (PORT_HSS, work, work))
    with open(os.path.join(work, "rules.yaml"), "w") as f:
        f.write(RULES)
    with open(os.path.join(work, "dra.yaml"), "w") as f:
        f.write("""diameter:
  identity: dra.t.example
  realm: t.example
  listen: [127.0.0.1]
  port: %d
  peers:
    - { host: hss.home.t.example, realm: home.t.example, addr: 127.0.0.1, port: %d }
    - { host: echo.ims.t.example, realm: ims.t.example, addr: 127.0.0.1, port: %d }
  accept_peers: ["*.client.t.example"]
rules: rules.yaml
peer_groups:
  - { name: hss, policy: failover, peers: [hss.home.t.example] }
  - { name: ims, policy: failover, peers: [echo.ims.t.example] }
routes:
  - { name: home, match: { realm: home.t.example }, group: hss }
  - { name: ims, match: { realm: ims.t.example }, group: ims }
""" % (PORT_DRA, PORT_HSS, PORT_ECHO))

    r = subprocess.run([HSSCTL, "--db", os.path.join(work, "hss.db"), "add", "--imsi", IMSI,
                        "--msisdn", "33612345678", "--k", "465b5ce8b199b49faa5f0a2ee238a6bc",
                        "--opc", "cd63cb71954a9f4e48a5994e37a02baf",
                        "--apn", "internet,qci=9,arp=8", "--apn", "ims,qci=5,arp=1"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        fail("hssctl add failed: " + r.stdout + r.stderr)

    # Capture first, so the CER/CEA exchanges are in it too.
    tshark = subprocess.Popen(["tshark", "-n", "-i", "lo", "-f", "tcp portrange " + PORTS, "-w", cap],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    procs.append(tshark)
    started = False
    end = time.time() + 20
    while time.time() < end and tshark.poll() is None:
        line = tshark.stderr.readline()
        if "Capturing on" in line:
            started = True
            break
    if not started:
        err = "" if tshark.poll() is None else tshark.stderr.read()
        stop_all()
        skip("tshark cannot capture on lo here: " + err.strip()[:300])

    try:
        start([HSS, "-c", os.path.join(work, "hss.yaml")], hss_log)
        start([DCLIENT, "echo", "--identity", "echo.ims.t.example", "--realm", "ims.t.example",
               "--listen-port", str(PORT_ECHO), "--apps", "cx,sh"], echo_log)
        if not wait_port(PORT_HSS) or not wait_port(PORT_ECHO):
            fail("hss or echo server did not listen", logs)
        start([DRA, "-c", os.path.join(work, "dra.yaml")], dra_log)
        if not wait_port(PORT_DRA):
            fail("dra did not listen", logs)

        mme = ("mme1.client.t.example", "client.t.example", "home.t.example")
        cscf = ("scscf.client.t.example", "client.t.example", "ims.t.example")
        # The DRA connects to its peers in the background: retry the first request.
        rc, out = 1, ""
        for _ in range(40):
            rc, out = dclient(*mme, "air", "--imsi", IMSI, "--visited-plmn", "00101", "--vectors", "1")
            if rc == 0:
                break
            time.sleep(0.5)
        if rc != 0:
            fail("AIR through the DRA never succeeded: " + out, logs)
        for _ in range(40):
            rc, out = dclient(*cscf, "uar", "--impi", "alice@ims.t.example",
                              "--impu", "sip:alice@ims.t.example")
            if rc == 0:
                break
            time.sleep(0.5)
        if rc != 0:
            fail("UAR through the DRA never succeeded: " + out, logs)

        steps = [
            (mme, ["air", "--imsi", IMSI, "--visited-plmn", "00101", "--vectors", "3", "--utran", "1"]),
            (mme, ["ulr", "--imsi", IMSI, "--visited-plmn", "00101", "--initial-attach"]),
            (mme, ["nor", "--imsi", IMSI, "--nor-flags", "1"]),
            (mme, ["pur", "--imsi", IMSI]),
            (cscf, ["mar", "--impi", "alice@ims.t.example", "--impu", "sip:alice@ims.t.example",
                    "--server-name", "sip:scscf.ims.t.example", "--items", "1"]),
            (cscf, ["sar", "--impi", "alice@ims.t.example", "--impu", "sip:alice@ims.t.example",
                    "--server-name", "sip:scscf.ims.t.example"]),
            (cscf, ["lir", "--impu", "sip:alice@ims.t.example"]),
            (cscf, ["udr", "--impu", "sip:alice@ims.t.example", "--data-ref", "0"]),
            (cscf, ["snr", "--impu", "sip:alice@ims.t.example", "--data-ref", "0"]),
            (cscf, ["pur-sh", "--impu", "sip:alice@ims.t.example", "--data-ref", "0",
                    "--user-data", "<Sh-Data/>"]),
        ]
        for who, args in steps:
            rc, out = dclient(*who, *args)
            if rc not in (0, 1):      # 1: a non-success answer is still a decoded answer
                fail("dclient %s: exit %d: %s" % (" ".join(args), rc, out), logs)
        # MME1 attaches (seen by the HSS under a pseudonym) and stays up to answer the HSS.
        mme1 = subprocess.Popen(
            [DCLIENT, "--peer", "127.0.0.1:%d" % PORT_DRA, "--peer-host", "dra.t.example",
             "--identity", "mme1.client.t.example", "--realm", "client.t.example",
             "--dest-realm", "epc.mnc001.mcc001.3gppnetwork.org", "--timeout", "5000", "--json",
             "--serve-seconds", "8", "--serve-count", "3",
             "ulr", "--imsi", VISITING_IMSI, "--visited-plmn", "00101"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        procs.append(mme1)
        time.sleep(1.5)
        for line in ("idr %s" % IMSI, "dsr %s 1" % IMSI):
            reply = hss_ctl(os.path.join(work, "hss.ctl"), line)
            if not reply.startswith("ok"):
                fail("hss control '%s': %s" % (line, reply), logs)
            time.sleep(0.5)
        # MME2 attaches: the HSS cancels MME1 (CLR to its pseudonym, unhidden by the DRA).
        rc, out = dclient("mme2.client.t.example", "client.t.example",
                          "epc.mnc001.mcc001.3gppnetwork.org",
                          "ulr", "--imsi", VISITING_IMSI, "--visited-plmn", "00101")
        if rc != 0:
            fail("ULR from MME2: exit %d: %s" % (rc, out), logs)
        try:
            out1, err1 = mme1.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            mme1.kill()
            out1, err1 = mme1.communicate()
        got = {}
        for line in out1.splitlines():
            try:
                m = json.loads(line)
            except ValueError:
                continue
            got[m.get("command", m.get("name", ""))] = m
        text = out1
        for cmd in ("Insert-Subscriber-Data-Request", "Delete-Subscriber-Data-Request",
                    "Cancel-Location-Request"):
            if cmd not in text:
                fail("MME1 did not receive a %s through the DRA (topology hiding round trip):\n%s\n%s"
                     % (cmd, out1[-3000:], err1[-2000:]), logs)
        if "33712345678" not in text or "33612345678" in text:
            fail("IDR's Subscription-Data/MSISDN was not renumbered by the DRA:\n" + out1[-3000:])
        if "Update-Location-Answer" not in text or "epc.mnc001.mcc001.3gppnetwork.org" not in text:
            fail("MME1's ULA lacks the restored Origin-Realm:\n" + out1[-3000:])
        if "mme1.client.t.example" in hss_log_text(hss_log):
            fail("the HSS saw MME1's real name despite topology hiding", logs)

        # Unknown IMSI: an Experimental-Result answer on the wire as well.
        rc, out = dclient(*mme, "air", "--imsi", "001019999999999", "--visited-plmn", "00101")
        if rc != 1:
            fail("AIR for an unknown IMSI: expected exit 1, got %d: %s" % (rc, out), logs)
        time.sleep(1.0)
    finally:
        stop_all()

    # Our ports are not 3868: tell the dissector to decode them as Diameter.
    prefs = ["-d", "tcp.port==%s,diameter" % PORTS]
    # Every command, as request and answer, decoded by name.
    r = subprocess.run(["tshark", "-n", "-r", cap] + prefs +
                       ["-Y", "diameter", "-T", "fields", "-e", "diameter.cmd.code",
                        "-e", "diameter.flags.request", "-e", "diameter.applicationId"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        fail("tshark -r failed: " + r.stderr)
    seen = set()
    for line in r.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) < 3:
            continue
        for code, req, app in zip(parts[0].split(","), parts[1].split(","), parts[2].split(",")):
            seen.add((int(code), req in ("1", "True"), int(app)))
    want = set()
    for code in (318, 316, 323, 321, 317, 319, 320):
        want |= {(code, True, 16777251), (code, False, 16777251)}
    for code in (300, 301, 302, 303):
        want |= {(code, True, 16777216), (code, False, 16777216)}
    for code in (306, 307, 308):
        want |= {(code, True, 16777217), (code, False, 16777217)}
    missing = sorted(want - seen)
    if missing:
        fail("commands missing from the decoded capture (code, request, app): %s" % missing)
    n_diam = len(r.stdout.splitlines())

    # Malformed packets and expert infos of severity warning or error on Diameter packets.
    r = subprocess.run(["tshark", "-n", "-r", cap] + prefs +
                       ["-Y", "diameter && (_ws.malformed || _ws.expert.severity >= 6291456)",
                        "-V"], capture_output=True, text=True)
    if r.returncode != 0:
        fail("tshark -r (expert) failed: " + r.stderr)
    if r.stdout.strip():
        print(r.stdout[:20000])
        fail("tshark reports malformed packets or expert warnings (above)")
    # Route-Record belongs in requests only; freeDiameter adds one to every message it
    # receives, and the DRA must not pass that on in the answers it relays.
    r = subprocess.run(["tshark", "-n", "-r", cap] + prefs +
                       ["-Y", "diameter.flags.request == 0 && diameter.Route-Record"],
                       capture_output=True, text=True)
    if r.returncode != 0 or r.stdout.strip():
        fail("answers carrying Route-Record on the wire:\n" + r.stdout[:3000] + r.stderr)
    r = subprocess.run(["tshark", "-n", "-r", cap] + prefs + ["-q", "-z", "expert,warn"],
                       capture_output=True, text=True)
    print(r.stdout)
    shutil.rmtree(work, ignore_errors=True)
    print("OK: %d Diameter packets decoded, %d command kinds seen, no malformed packet, "
          "no Diameter expert warning" % (n_diam, len(seen)))


if __name__ == "__main__":
    try:
        main()
    finally:
        stop_all()

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

Ports 24100-24119. Skipped (77) when tshark is missing or cannot capture here.
"""
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

PORT_DRA, PORT_HSS, PORT_ECHO = 24100, 24101, 24102
PORTS = "24100-24119"
IMSI = "001010000000077"
VISITING_IMSI = "001990000000077"   # mapped to IMSI by the DRA's imsi-range rule
HOME_3GPP = "epc.mnc001.mcc001.3gppnetwork.org"
K, OPC = "465b5ce8b199b49faa5f0a2ee238a6bc", "cd63cb71954a9f4e48a5994e37a02baf"
# Our ports are not 3868: tell the dissector to decode them as Diameter.
DECODE_AS = ["-d", "tcp.port==%s,diameter" % PORTS]
# Expert infos of severity warning (0x00600000) or error.
EXPERT_WARN = 6291456

# MMEs address the home network by its 3GPP realm and a visiting IMSI range; the DRA maps both
# to what the HSS knows, renumbers MSISDNs on the way back, and hides the MMEs' names.
RULES = """rules:
  - name: realm-in
    match: { direction: request, destination_realm: { exact: %(home)s } }
    actions:
      - set: { avp: Destination-Realm, value: home.t.example }
  - name: realm-out
    match: { direction: answer, application: s6a, origin_realm: { exact: home.t.example } }
    actions:
      - map: { avp: Origin-Realm, table: { home.t.example: %(home)s } }
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
""" % {"home": HOME_3GPP}

MME1 = ("mme1.client.t.example", HOME_3GPP)
MME2 = ("mme2.client.t.example", HOME_3GPP)
CSCF = ("scscf.client.t.example", "ims.t.example")


def client_args(who, *args):
    identity, dest_realm = who
    return ["--realm", "client.t.example", "--dest-realm", dest_realm] + list(args), identity


def dclient(h, who, *args):
    argv, identity = client_args(who, *args)
    return h.dclient(*argv, peer=PORT_DRA, peer_host="dra.t.example", identity=identity,
                     timeout_ms=5000)


def until_ok(h, who, *args):
    """The DRA connects to its peers in the background: retry the first requests."""
    r = None
    for _ in range(40):
        r = dclient(h, who, *args)
        if r.rc == 0:
            return r
        time.sleep(0.5)
    h.fail("%s through the DRA never succeeded: %r" % (args[0], r))


def tshark(h, cap, *args):
    cp = subprocess.run(["tshark", "-n", "-r", cap] + DECODE_AS + list(args),
                        capture_output=True, text=True)
    if cp.returncode != 0:
        h.fail("tshark %s failed: %s" % (" ".join(args), cp.stderr[-2000:]))
    return cp.stdout


def start_capture(h, cap):
    """tshark capturing our ports on lo; skips the test where capturing is impossible."""
    p = harness.Proc(h, "tshark", ["tshark", "-n", "-i", "lo", "-f", "tcp portrange " + PORTS,
                                   "-w", cap])
    h.procs.append(p)
    end = time.monotonic() + 20
    while time.monotonic() < end:
        if "Capturing on" in p.stderr():
            return p
        if not p.running():
            break
        time.sleep(0.1)
    harness.skip("tshark cannot capture on lo here: " + p.stderr().strip()[-300:])


def traffic(h):
    """Everything the capture should hold; checks what the clients see on the way."""
    until_ok(h, MME1, "air", "--imsi", IMSI, "--visited-plmn", "00101", "--vectors", "1")
    until_ok(h, CSCF, "uar", "--impi", "alice@ims.t.example", "--impu", "sip:alice@ims.t.example")
    steps = [
        (MME1, ["air", "--imsi", IMSI, "--visited-plmn", "00101", "--vectors", "3", "--utran", "1"]),
        (MME1, ["ulr", "--imsi", IMSI, "--visited-plmn", "00101", "--initial-attach"]),
        (MME1, ["nor", "--imsi", IMSI, "--nor-flags", "1"]),
        (MME1, ["pur", "--imsi", IMSI]),
        (CSCF, ["mar", "--impi", "alice@ims.t.example", "--impu", "sip:alice@ims.t.example",
                "--server-name", "sip:scscf.ims.t.example", "--items", "1"]),
        (CSCF, ["sar", "--impi", "alice@ims.t.example", "--impu", "sip:alice@ims.t.example",
                "--server-name", "sip:scscf.ims.t.example"]),
        (CSCF, ["lir", "--impu", "sip:alice@ims.t.example"]),
        (CSCF, ["udr", "--impu", "sip:alice@ims.t.example", "--data-ref", "0"]),
        (CSCF, ["snr", "--impu", "sip:alice@ims.t.example", "--data-ref", "0"]),
        (CSCF, ["pur-sh", "--impu", "sip:alice@ims.t.example", "--data-ref", "0",
                "--user-data", "<Sh-Data/>"]),
    ]
    for who, args in steps:
        r = dclient(h, who, *args)
        h.check(r.rc in (0, 1) and r.answer, "%s answered through the DRA" % args[0])
    r = dclient(h, MME1, "air", "--imsi", "001019999999999", "--visited-plmn", "00101")
    h.check(r.rc == 1 and r.answer, "AIR for an unknown IMSI gets an error answer")

    # MME1 attaches with a visiting IMSI (seen by the HSS under a pseudonym) and stays up to
    # answer the HSS: IDR and DSR on demand, then the CLR when MME2 attaches.
    argv, identity = client_args(MME1, "--serve-seconds", "8", "--serve-count", "3",
                                 "ulr", "--imsi", VISITING_IMSI, "--visited-plmn", "00101")
    mme1 = h.dclient_bg("mme1", *argv, peer=PORT_DRA, peer_host="dra.t.example",
                        identity=identity, timeout_ms=5000)
    mme1.wait_log(r"Update-Location-Answer", timeout=15, stream="out")
    for line in ("idr %s" % IMSI, "dsr %s 1" % IMSI):
        reply = harness.ctl_request(h.path("hss.ctl"), line)
        h.check(reply.startswith("ok"), "hss control '%s' accepted (%s)" % (line, reply))
        time.sleep(0.5)
    r = dclient(h, MME2, "ulr", "--imsi", VISITING_IMSI, "--visited-plmn", "00101")
    h.check(r.rc == 0, "ULR from MME2 answered 2001")
    mme1.wait(timeout=20)
    out = mme1.stdout()
    for cmd in ("Insert-Subscriber-Data-Request", "Delete-Subscriber-Data-Request",
                "Cancel-Location-Request"):
        h.check(cmd in out, "MME1 received the HSS's %s through the DRA (pseudonym unhidden)" % cmd)
    h.check("33712345678" in out and "33612345678" not in out,
            "the DRA renumbered Subscription-Data/MSISDN (TBCD) in the ULA and the IDR")
    h.check(HOME_3GPP in out, "the DRA restored the 3GPP realm in MME1's ULA")


def test(h):
    if not shutil.which("tshark"):
        harness.skip("tshark is not installed (./run deps installs it)")
    hss, dra, hssctl = h.binary("hss"), h.binary("dra"), h.binary("hssctl")
    hss_cfg = h.write_config("hss.yaml", "hss.home.t.example", "home.t.example", PORT_HSS,
                             accept_peers=["dra.t.example"],
                             diameter={"default_route": ["dra.t.example"]},
                             database={"backend": "sqlite", "path": h.path("hss.db")},
                             s6a={"home_plmns": ["00101"]}, ctl_socket=h.path("hss.ctl"))
    h.write("rules.yaml", RULES)
    dra_cfg = h.write_config(
        "dra.yaml", "dra.t.example", "t.example", PORT_DRA, accept_peers=["*.client.t.example"],
        peers=[{"host": "hss.home.t.example", "realm": "home.t.example", "port": PORT_HSS},
               {"host": "echo.ims.t.example", "realm": "ims.t.example", "port": PORT_ECHO}],
        rules="rules.yaml",
        peer_groups=[{"name": "hss", "policy": "failover", "peers": ["hss.home.t.example"]},
                     {"name": "ims", "policy": "failover", "peers": ["echo.ims.t.example"]}],
        routes=[{"name": "home", "match": {"realm": "home.t.example"}, "group": "hss"},
                {"name": "ims", "match": {"realm": "ims.t.example"}, "group": "ims"}])
    cp = subprocess.run([hssctl, "--db", os.path.join(h.tmp, "hss.db"), "init"],
                        capture_output=True, text=True)
    h.check(cp.returncode == 0, "database created (%s)" % cp.stderr.strip())
    cp = subprocess.run([hssctl, "--db", os.path.join(h.tmp, "hss.db"), "add", "--imsi", IMSI,
                         "--msisdn", "33612345678", "--k", K, "--opc", OPC,
                         "--apn", "internet,qci=9,arp=8", "--apn", "ims,qci=5,arp=1"],
                        capture_output=True, text=True)
    h.check(cp.returncode == 0, "demo subscriber provisioned (%s)" % cp.stderr.strip())

    cap = os.path.join(h.tmp, "traffic.pcapng")
    capture = start_capture(h, cap)   # first, so the CER/CEA exchanges are in it too
    h.start("hss", [hss, "-c", hss_cfg], wait_port=PORT_HSS)
    h.echo("echo.ims.t.example", PORT_ECHO, apps="cx,sh")
    h.start("dra", [dra, "-c", dra_cfg], wait_port=PORT_DRA)
    traffic(h)
    time.sleep(1.0)
    for p in reversed(h.procs):
        p.stop()
    capture.stop()

    # Every command, as request and answer, decoded by name.
    seen = set()
    out = tshark(h, cap, "-Y", "diameter", "-T", "fields", "-e", "diameter.cmd.code",
                 "-e", "diameter.flags.request", "-e", "diameter.applicationId")
    for line in out.splitlines():
        parts = line.split("\t")
        if len(parts) < 3:
            continue
        for code, req, app in zip(*(p.split(",") for p in parts[:3])):
            seen.add((int(code), req in ("1", "True"), int(app)))
    want = set()
    for apps, codes in ((16777251, (316, 317, 318, 319, 320, 321, 323)),
                        (16777216, (300, 301, 302, 303)), (16777217, (306, 307, 308))):
        for code in codes:
            want |= {(code, True, apps), (code, False, apps)}
    h.check(not (want - seen), "every command decoded as request and answer (missing: %s)"
            % sorted(want - seen))

    bad = tshark(h, cap, "-Y", "diameter && (_ws.malformed || _ws.expert.severity >= %d)"
                 % EXPERT_WARN, "-V")
    if bad.strip():
        print(bad[:20000])
    h.check(not bad.strip(), "no malformed Diameter packet and no Diameter expert warning")
    # Route-Record belongs in requests only; freeDiameter adds one to every message it
    # receives, and the DRA must not pass that on in the answers it relays.
    rr = tshark(h, cap, "-Y", "diameter.flags.request == 0 && diameter.Route-Record")
    h.check(not rr.strip(), "no answer carries Route-Record on the wire")
    print(tshark(h, cap, "-q", "-z", "expert,warn"))
    print("%d Diameter packets decoded, %d command kinds" % (len(out.splitlines()), len(seen)))


harness.run(test, ports=(24100, 24119))

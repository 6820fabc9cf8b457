#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# test_hssctl.py: hssctl end to end against a real SQLite database: add/show/list/update/
# delete, exit codes, and bulk import of 5000 subscribers from CSV and YAML with bad-row
# reporting by line number. Usage: test_hssctl.py PATH/TO/hssctl. Output is TAP (a test point
# per check, the plan at the end), as the C tests print through tests/lib/tap.h.
import json
import os
import shutil
import subprocess
import sys
import tempfile

HSSCTL = sys.argv[1]
failures = 0
n = 0


def check(cond, what):
    global failures, n
    n += 1
    what = " ".join(what.split()).replace("#", "\\#")     # one TAP line, no directive
    print(("ok" if cond else "not ok") + f" {n} - {what}", flush=True)
    if not cond:
        failures += 1


# With DCORE_LOG_DIR (meson), what hssctl printed is kept for the suite's log scan
# (tests/integration/secrets/test_logs.py), in harness.py's layout.
keeper = None
if os.environ.get("DCORE_LOG_DIR"):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                    "integration"))
    import harness
    keeper = harness.LogKeeper("hssctl_e2e")


def run(db, *args, stdin=None):
    p = subprocess.run([HSSCTL, "-d", "sqlite:" + db, *args], capture_output=True, text=True,
                       input=stdin, timeout=120)
    if keeper:
        keeper.add("hssctl", "run", "out", p.stdout, secrets="--show-secrets" in args)
        keeper.add("hssctl", "run", "err", p.stderr)
    return p.returncode, p.stdout, p.stderr


K = "465b5ce8b199b49faa5f0a2ee238a6bc"
OPC = "cd63cb71954a9f4e48a5994e37a02baf"


def main():
    base = os.environ.get("DCORE_BUILDDIR") or None
    tmp = tempfile.mkdtemp(prefix="hssctl_test.", dir=base)
    db = os.path.join(tmp, "hss.db")

    # --- no database is created by accident: only `init` creates one
    rc, out, err = run(db, "add", "--imsi", "001010000000001", "--k", K, "--opc", OPC)
    check(rc == 3 and "hssctl init" in err and not os.path.exists(db),
          f"add to a missing database: exit 3, nothing created ({rc} {err.strip()})")
    rc, out, err = run(db, "count")
    check(rc == 3 and "does not exist" in err and not os.path.exists(db),
          f"count on a missing database: exit 3 ({rc} {err.strip()})")
    rc, out, err = run(db, "init")
    check(rc == 0 and "0 subscriber" in out and os.path.exists(db), f"init creates it ({rc} {out.strip()} {err.strip()})")
    rc, out, err = run(db, "init", "extra")
    check(rc == 2, "init takes no argument")

    # --- single subscriber life cycle
    rc, out, err = run(db, "add", "--imsi", "001010000000001", "--msisdn", "33612345678",
                       "--k", K, "--opc", OPC, "--amf", "8000", "--sqn", "64",
                       "--apn", "internet,qci=9,arp=8,pdn=ipv4v6,ambr-ul=1000000,ambr-dl=2000000,ctx=1",
                       "--apn", "ims,qci=5,arp=1,pdn=ipv6,static-ip=2001:db8::5",
                       "--status", "SERVICE_GRANTED", "--roaming", "deny",
                       "--roaming-plmn", "00102", "--roaming-plmn", "208093",
                       "--ambr-ul", "50000000", "--ambr-dl", "100000000", "--periodic-tau", "3240",
                       "--charging-chars", "0800", "--default-ctx-id", "1")
    check(rc == 0, f"add (rc {rc} {err.strip()})")
    rc, out, err = run(db, "add", "--imsi", "001010000000001", "--k", K, "--opc", OPC)
    check(rc == 2 and "exists" in err, f"add of an existing IMSI is exit 2 ({rc} {err.strip()})")
    rc, out, err = run(db, "show", "001010000000001")
    check(rc == 0 and "33612345678" in out and "ims,ctx=2" in out and "00102,208093" in out,
          "show (text)")
    rc, out, err = run(db, "show", "001010000000001", "--json", "--show-secrets")
    try:
        j = json.loads(out)
    except ValueError as e:
        j = {}
        print("# bad JSON: " + str(e) + "\n# " + out.replace("\n", "\n# "))
    check(rc == 0 and j.get("imsi") == "001010000000001" and j.get("opc") == OPC and
          j.get("sqn") == 64 and j.get("roaming_allowed") is False and
          j.get("roaming_plmns") == ["00102", "208093"] and len(j.get("apns", [])) == 2 and
          j["apns"][1]["static_ipv6"] == "2001:db8::5" and j["apns"][0]["ambr_ul"] == 1000000 and
          j.get("serving", {}).get("ue_srvcc_support") == -1, "show --json")
    rc, out, err = run(db, "update", "001010000000001", "--msisdn", "33699999999",
                       "--apn", "web,qci=6", "--odb", "0x3", "--status", "1")
    check(rc == 0, f"update ({err.strip()})")
    rc, out, err = run(db, "--json", "show", "001010000000001")
    j = json.loads(out) if rc == 0 else {}
    check(j.get("msisdn") == "33699999999" and [a["apn"] for a in j.get("apns", [])] == ["web"] and
          j.get("odb") == 3 and j.get("subscriber_status") == "OPERATOR_DETERMINED_BARRING" and
          j.get("sqn") == 64, "update changed exactly what was asked")
    rc, out, err = run(db, "update", "001010000000001", "--amf", "12345")
    check(rc == 2 and "amf" in err and "12345" in err, f"bad update value: exit 2 naming field "
          f"and value ({err.strip()})")
    rc, out, err = run(db, "update", "001010000000009", "--msisdn", "1")
    check(rc == 1, f"update of unknown IMSI: exit 1 ({rc})")
    rc, out, err = run(db, "count")
    check(rc == 0 and out.strip() == "1", "count 1")
    rc, out, err = run(db, "delete", "001010000000001")
    check(rc == 0, "delete")
    rc, out, err = run(db, "show", "001010000000001")
    check(rc == 1 and "not found" in err, "show of deleted IMSI: exit 1")
    rc, out, err = run(db, "delete", "001010000000001")
    check(rc == 1, "delete of unknown IMSI: exit 1")

    # --- usage and validation errors
    rc, out, err = run(db, "add", "--imsi", "001010000000002", "--opc", OPC)
    check(rc == 2, "add without K: exit 2")
    rc, out, err = run(db, "add", "--imsi", "0010100000000021", "--k", K, "--opc", OPC)
    check(rc == 2 and "imsi" in err, f"16-digit IMSI: exit 2 ({err.strip()})")
    rc, out, err = run(db, "add", "--imsi", "001010000000002", "--k", K[:-1], "--opc", OPC)
    check(rc == 2 and "'k'" in err, f"short K: exit 2 ({err.strip()})")
    rc, out, err = run(db, "add", "--imsi", "001010000000002", "--k", K, "--opc", OPC,
                       "--apn", "internet,qci=0")
    check(rc == 2 and "qci" in err, f"QCI 0: exit 2 ({err.strip()})")
    rc, out, err = run(db, "add", "--imsi", "001010000000002", "--k", K, "--opc", OPC,
                       "--apn", "bad_apn!")
    check(rc == 2 and "apn" in err, f"bad APN name: exit 2 ({err.strip()})")
    rc, out, err = run(db, "frobnicate")
    check(rc == 2, "unknown command: exit 2")
    p = subprocess.run([HSSCTL, "count"], capture_output=True, text=True,
                       env={k: v for k, v in os.environ.items() if k != "HSS_DB"})
    check(p.returncode == 2, "no database given: exit 2")
    p = subprocess.run([HSSCTL, "-d", "nosql:/x", "count"], capture_output=True, text=True)
    check(p.returncode == 2, f"unknown backend: exit 2 ({p.stderr.strip()})")
    p = subprocess.run([HSSCTL, "--db", "/nonexistent-dir/x/y.db", "count"], capture_output=True,
                       text=True)
    check(p.returncode == 3, f"unopenable database: exit 3 ({p.returncode} {p.stderr.strip()})")

    # --- the database named by the HSS configuration file
    cfg = os.path.join(tmp, "hss.yaml")
    with open(cfg, "w") as f:
        f.write(f"diameter:\n  identity: hss.example\n  realm: example\n"
                f"database:\n  backend: sqlite\n  path: {db}\n")
    p = subprocess.run([HSSCTL, "-c", cfg, "count"], capture_output=True, text=True)
    check(p.returncode == 0 and p.stdout.strip() == "0", f"-c HSS.yaml ({p.stderr.strip()})")
    with open(cfg, "w") as f:
        f.write("diameter:\n  identity: hss.example\ndatabase:\n  backend: sqlite\n")
    p = subprocess.run([HSSCTL, "-c", cfg, "count"], capture_output=True, text=True)
    check(p.returncode == 2 and "path" in p.stderr, f"-c without a database path: exit 2 "
          f"({p.stderr.strip()})")

    # --- CSV import of 5000
    csv = os.path.join(tmp, "subs.csv")
    with open(csv, "w") as f:
        f.write("imsi,msisdn,k,opc,amf,apn,roaming_plmns,ambr_ul,ambr_dl\n")
        for i in range(5000):
            f.write(f"00101{i:010d},3360{i:07d},{K},{OPC},8000,"
                    f"\"internet,qci=9,arp=8;ims,qci=5,ctx=5\",\"00102,00103\",1000,{2000 + i}\n")
    rc, out, err = run(db, "import", csv)
    check(rc == 0 and "imported 5000" in out, f"import 5000 from CSV ({rc} {out.strip()} "
          f"{err.strip()[:300]})")
    rc, out, err = run(db, "count")
    check(out.strip() == "5000", f"count 5000 ({out.strip()})")
    rc, out, err = run(db, "list", "--limit", "10", "--offset", "100")
    lines = out.splitlines()
    check(rc == 0 and len(lines) == 10 and lines[0].startswith("001010000000100") and
          lines[9].startswith("001010000000109") and "internet,ims" in lines[0],
          "list --limit 10 --offset 100")
    rc, out, err = run(db, "--json", "show", "001010000004321")
    j = json.loads(out) if rc == 0 else {}
    check(j.get("msisdn") == "33600004321" and j.get("ambr_dl") == 6321 and
          [a["ctx_id"] for a in j.get("apns", [])] == [1, 5] and
          j.get("roaming_plmns") == ["00102", "00103"], "imported row 4321 correct")
    rc, out, err = run(db, "show", "--msisdn", "33600004321")
    check(rc == 0 and "001010000004321" in out, "show --msisdn")
    rc, out, err = run(db, "list", "--json", "--limit", "3")
    try:
        lj = json.loads(out)
    except ValueError:
        lj = []
    check(len(lj) == 3 and lj[2]["imsi"] == "001010000000002", "list --json")

    # --- export reads back into another database identically (serving state aside)
    exp = os.path.join(tmp, "export.csv")
    rc, out, err = run(db, "export", exp)
    db2 = os.path.join(tmp, "copy.db")
    run(db2, "init")
    rc2, out2, err2 = run(db2, "import", exp)
    check(rc == 0 and rc2 == 0 and "imported 5000" in out2, f"export + import ({err.strip()} "
          f"{err2.strip()[:200]})")
    a = json.loads(run(db, "--json", "show", "001010000001234", "--show-secrets")[1])
    b = json.loads(run(db2, "--json", "show", "001010000001234", "--show-secrets")[1])
    a.pop("serving", None)
    b.pop("serving", None)
    check(a == b and a.get("k") == K, "exported subscriber identical after import, keys included")

    # --- bad rows: line numbers, atomic abort, --skip-bad
    bad = os.path.join(tmp, "bad.csv")
    with open(bad, "w") as f:
        f.write("# a comment line\nimsi,k,opc,apn\n")          # header on line 2
        for i in range(100):
            line = i + 3
            k = K[:-1] if line == 57 else K
            apn = "internet,qci=300" if line == 80 else "internet"
            f.write(f"00102{i:010d},{k},{OPC},\"{apn}\"\n")
    rc, out, err = run(db, "import", bad)
    check(rc == 2 and "bad.csv:57:" in err and "'k'" in err and "bad.csv:80:" in err and
          "qci" in err and "2 bad row" in err, f"bad rows reported with line numbers "
          f"({rc} {err.strip()[:400]})")
    rc, out, err = run(db, "count")
    check(out.strip() == "5000", "a bad import writes nothing")
    rc, out, err = run(db, "show", "001020000000000")
    check(rc == 1, "not even the good rows")
    rc, out, err = run(db, "import", bad, "--skip-bad")
    check(rc == 0 and "imported 98" in out and "skipped 2" in out, f"--skip-bad imports the good "
          f"rows ({out.strip()})")
    rc, out, err = run(db, "count")
    check(out.strip() == "5098", f"count 5098 ({out.strip()})")
    hdr = os.path.join(tmp, "hdr.csv")
    with open(hdr, "w") as f:
        f.write("imsi,k,opc,colour\n00103,%s,%s,red\n" % (K, OPC))
    rc, out, err = run(db, "import", hdr)
    check(rc == 2 and "hdr.csv:1:" in err and "colour" in err, f"unknown column reported "
          f"({err.strip()})")

    with open(hdr, "w") as f:
        f.write("imsi,k,opc,mme_host\n00103,%s,%s,mme1\n" % (K, OPC))
    rc, out, err = run(db, "import", hdr)
    check(rc == 2 and "serving state" in err, f"serving-state column refused ({err.strip()})")

    # --- re-import keeps the SQN unless --reset-sqn; --no-replace refuses existing IMSIs
    run(db, "update", "001010000000007", "--sqn", "999")
    one = os.path.join(tmp, "one.csv")
    with open(one, "w") as f:
        f.write(f"imsi,k,opc,msisdn\n001010000000007,{K},{OPC},111\n")
    rc, out, err = run(db, "import", one)
    j = json.loads(run(db, "--json", "show", "001010000000007")[1])
    check(rc == 0 and j["sqn"] == 999 and j["msisdn"] == "111", "re-import keeps the stored SQN")
    rc, out, err = run(db, "import", one, "--reset-sqn")
    j = json.loads(run(db, "--json", "show", "001010000000007")[1])
    check(rc == 0 and j["sqn"] == 0, "--reset-sqn takes the file's SQN")
    rc, out, err = run(db, "import", one, "--no-replace")
    check(rc == 2 and "one.csv:2:" in err and "exists" in err, f"--no-replace: existing IMSI "
          f"refused with its line ({rc} {err.strip()})")

    # --- YAML
    yml = os.path.join(tmp, "subs.yaml")
    with open(yml, "w") as f:
        f.write(f"""subscribers:
  - imsi: "001040000000001"
    k: {K}
    opc: {OPC}
    msisdn: 4912345
    roaming_plmns: [ "00101", "00102" ]
    apns:
      - internet,qci=8
      - apn: ims
        qci: 5
        arp: 2
        pdn: ipv4v6
  - imsi: "001040000000002"
    k: {K}
    op: {OPC}
    apns: [ web ]
""")
    rc, out, err = run(db, "import", yml)
    check(rc == 0 and "imported 2" in out, f"YAML import ({rc} {out.strip()} {err.strip()})")
    j = json.loads(run(db, "--json", "show", "001040000000001")[1])
    check(j["msisdn"] == "4912345" and [a["qci"] for a in j["apns"]] == [8, 5] and
          j["apns"][1]["arp_prio"] == 2 and j["roaming_plmns"] == ["00101", "00102"],
          "YAML subscriber with APN map")
    j = json.loads(run(db, "--json", "show", "001040000000002", "--show-secrets")[1])
    check(j.get("op") == OPC and "opc" not in j, "YAML op (not OPc) kept apart")
    ybad = os.path.join(tmp, "bad.yaml")
    with open(ybad, "w") as f:
        f.write(f"""- imsi: "001050000000001"
  k: {K}
  opc: {OPC}
- imsi: "001050000000002"
  k: {K}
  opc: {OPC}
  amf: 80000
""")
    rc, out, err = run(db, "import", ybad)
    check(rc == 2 and "bad.yaml:7:" in err and "amf" in err, f"YAML bad value with its line "
          f"({err.strip()})")
    check(run(db, "show", "001050000000001")[0] == 1, "bad YAML import writes nothing")

    print(f"1..{n}")
    print(f"# {failures} failed of {n}")
    if failures == 0:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

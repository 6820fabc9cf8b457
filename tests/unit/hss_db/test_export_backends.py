#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# test_export_backends.py: `hssctl export` from one backend and `import` into another
# round-trips every provisioned field: SQLite -> MariaDB -> SQLite, each export byte-identical
# to the first, and `show --json` of every subscriber equal field by field (serving state
# aside: export leaves it out). The subscribers set every field away from its default, with
# several APNs using every APN key, OP and OPc, a 48-bit SQN, text that needs CSV quoting.
# The IMS store the same way: `ims-export` / `ims-import` of the rich subscription of
# tests/unit/hss_ims (every identity type, iFCs, charging, HA1, linked to an S6a IMSI) and of
# one with its own AKA credentials and SQN, SQLite -> MariaDB -> SQLite, byte-identical.
# Usage (through run_mysql.py, which appends the MariaDB URI): test_export_backends.py
# PATH/TO/hssctl mysql://... Output is TAP.
import json
import os
import shutil
import subprocess
import sys
import tempfile

HSSCTL = sys.argv[1]
MYSQL = next((a for a in sys.argv[2:] if a.startswith("mysql:")), None)
failures = 0
n = 0


def check(cond, what):
    global failures, n
    n += 1
    what = " ".join(what.split()).replace("#", "\\#")
    print(("ok" if cond else "not ok") + f" {n} - {what}", flush=True)
    if not cond:
        failures += 1


def run(spec, *args):
    p = subprocess.run([HSSCTL, "-d", spec, *args], capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


K = "465b5ce8b199b49faa5f0a2ee238a6bc"
OPC = "cd63cb71954a9f4e48a5994e37a02baf"
OP = "cdc202d5123e20f62b6d676ac72cb318"

# Every provisioned field of hssctl fields away from its default, and every APN key.
SUBS = [
    ["--imsi", "001010000000001", "--msisdn", "33612345678", "--a-msisdn", "33699999999",
     "--k", K, "--opc", OPC, "--amf", "b9b9", "--sqn", "281474976710655", "--ind-bits", "8",
     "--status", "OPERATOR_DETERMINED_BARRING", "--odb", "0x11", "--nam", "PACKET_AND_CIRCUIT",
     "--ard", "0x20", "--ambr-ul", "50000000", "--ambr-dl", "100000000", "--roaming", "deny",
     "--roaming-plmn", "00102", "--roaming-plmn", "208093", "--periodic-tau", "3240",
     "--charging-chars", "0800", "--default-ctx-id", "5",
     "--apn", "internet,ctx=1,qci=9,arp=8,pdn=ipv4,ambr-ul=1000,ambr-dl=2000",
     "--apn", "ims,ctx=5,qci=5,arp=1,pdn=ipv6,preempt-cap=1,preempt-vuln=0,"
              "static-ip=2001:db8::1,pgw-alloc=static,vplmn-dyn=1,"
              "pgw-host=pgw1.epc.mnc001.mcc001.3gppnetwork.org,"
              "pgw-realm=epc.mnc001.mcc001.3gppnetwork.org",
     "--apn", "corp.example,ctx=7,qci=8,arp=15,pdn=ipv4_or_ipv6,static-ip=10.1.2.3",
     "--apn", "*,ctx=9,pdn=ipv4v6"],
    # OP (not OPc), no MSISDN, no APN: the empty and the other form
    ["--imsi", "00101000000002", "--k", "000102030405060708090a0b0c0d0e0f", "--op", OP,
     "--sqn", "0", "--ind-bits", "0"],
    # defaults everywhere else
    ["--imsi", "001010000000003", "--k", K, "--opc", OPC, "--apn", "internet"],
]


def shows(spec, imsis):
    out = {}
    for imsi in imsis:
        rc, o, e = run(spec, "show", imsi, "--json")
        if rc == 0:
            j = json.loads(o)
            j.pop("serving", None)
            out[imsi] = j
    return out


OWN_AKA = """id: carol
private_identities:
  - identity: carol@ims.example.org
    auth_schemes: [digest-akav1-md5, sip-digest]
    k: 000102030405060708090A0B0C0D0E0F
    opc: f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff
    amf: "8000"
    sqn: 123456789
    ind_bits: 4
    digest_realm: ims.example.org
    digest_password: 'p,a: s#s"'
public_identities:
  - {identity: sip:carol@ims.example.org, service_profile: p}
service_profiles: [{name: p}]
"""


def ims_round_trip(tmp, a, b, c):
    src = os.environ.get("DCORE_SRCDIR") or os.path.join(os.path.dirname(__file__), "..", "..", "..")
    rich = os.path.join(src, "tests", "unit", "hss_ims", "rich.yaml")
    own = os.path.join(tmp, "own.yaml")
    with open(own, "w") as f:
        f.write(OWN_AKA)
    rc, o, e = run(a, "ims-import", rich, own)
    check(rc == 0, f"ims-import the rich subscription and one with own AKA into a ({e.strip()})")
    out = {}
    for name, spec, src_name in (("a", a, None), ("b", b, "a"), ("c", c, "b")):
        path = os.path.join(tmp, name + "-ims.yaml")
        if src_name:
            rc, o, e = run(spec, "ims-import", out[src_name])
            check(rc == 0, f"ims-import {src_name}'s ims-export into {name} ({e.strip()})")
        rc, o, e = run(spec, "ims-export", "--out", path)
        check(rc == 0 and os.path.exists(path), f"ims-export {name} ({e.strip()})")
        out[name] = path
    text = {k: open(v).read() if os.path.exists(v) else "" for k, v in out.items()}
    check("id: alice" in text["a"] and "id: carol" in text["a"] and
          "123456789" in text["a"] and "001010000000001" in text["a"],
          "a's ims-export holds both subscriptions, the own SQN and the linked IMSI")
    check(text["b"] == text["a"], "IMS SQLite -> MariaDB: MariaDB's ims-export is byte-identical")
    check(text["c"] == text["a"], "IMS MariaDB -> SQLite: the second SQLite's too")
    rc, o, e = run(c, "ims-show", "sip:alice@ims.example.org")
    check(rc == 0 and "alice" in o, f"the identity index was rebuilt in c ({e.strip()})")


def main():
    if not MYSQL:
        print("1..0 # SKIP no MariaDB (run through run_mysql.py, or set HSS_DB_MYSQL_URI)")
        return 0
    base = os.environ.get("DCORE_BUILDDIR") or None
    tmp = tempfile.mkdtemp(prefix="hssdb_export.", dir=base)
    a, c = "sqlite:" + os.path.join(tmp, "a.db"), "sqlite:" + os.path.join(tmp, "c.db")
    b = MYSQL   # "mysql://...": the backend's name is the spec's prefix
    rc, o, e = run(b, "init")
    if rc and "unknown" in e:
        print("1..0 # SKIP the mysql backend is not compiled in")
        return 0
    check(rc == 0, f"init MariaDB ({e.strip()})")
    rc, o, e = run(a, "init")
    check(rc == 0, "init SQLite a")
    imsis = []
    for args in SUBS:
        rc, o, e = run(a, "add", *args)
        check(rc == 0, f"add {args[1]} to a ({e.strip()})")
        imsis.append(args[1])
    # 500 more, so that the listing pages (256 at a time) are crossed
    csv = os.path.join(tmp, "more.csv")
    with open(csv, "w") as f:
        f.write("imsi,msisdn,k,opc,apn,roaming_plmns\n")
        for i in range(500):
            f.write(f'0010110000{i:05d},336{i:08d},{K},{OPC},"internet,qci=9;ims,qci=5,ctx=5",'
                    f'"00102,00103"\n')
    rc, o, e = run(a, "import", csv)
    check(rc == 0 and "imported 500" in o, f"import 500 into a ({o.strip()} {e.strip()})")

    exports = {}
    for name, spec, src in (("a", a, None), ("b", b, "a"), ("c", c, "b")):
        path = os.path.join(tmp, name + ".csv")
        if src:
            if name == "c":
                check(run(c, "init")[0] == 0, "init SQLite c")
            rc, o, e = run(spec, "import", exports[src])
            check(rc == 0 and "imported 503" in o,
                  f"import {src}'s export into {name} ({o.strip()} {e.strip()})")
        rc, o, e = run(spec, "export", path)
        check(rc == 0, f"export {name} ({e.strip()})")
        exports[name] = path
    text = {k: open(v).read() for k, v in exports.items()}
    check(text["a"].count("\n") == 504, f"a's export: a header and 503 rows ({text['a'].count(chr(10))})")
    check(text["b"] == text["a"], "SQLite -> MariaDB: MariaDB's export is byte-identical")
    check(text["c"] == text["a"], "MariaDB -> SQLite: the second SQLite's export too")
    sa, sb, sc = shows(a, imsis), shows(b, imsis), shows(c, imsis)
    for imsi in imsis:
        diff = sorted(k for k in set(sa.get(imsi, {})) | set(sb.get(imsi, {}))
                      if sa.get(imsi, {}).get(k) != sb.get(imsi, {}).get(k))
        check(imsi in sa and not diff, f"{imsi}: every field the same in SQLite and MariaDB "
              f"{diff}")
        check(sa.get(imsi) == sc.get(imsi), f"{imsi}: and after the way back to SQLite")
    ims_round_trip(tmp, a, b, c)
    full = sa.get(SUBS[0][1], {})
    check(full.get("sqn") == 281474976710655 and len(full.get("apns", [])) == 4 and
          full.get("roaming_plmns") == ["00102", "208093"],
          f"the full subscriber kept its 48-bit SQN, 4 APNs and PLMNs ({full.get('sqn')})")
    print(f"1..{n}")
    if not failures:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


sys.exit(main())

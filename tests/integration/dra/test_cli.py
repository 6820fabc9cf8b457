#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""dra --check and --explain (no network): the shipped example configuration checks clean;
a broken configuration and rule file report every error with file, line and route/rule
name and exit 1; --explain shows the rules that fire, the rewritten message and the route
and peer order, or the 3002 a message without route gets."""

import os
import subprocess

import sys
sys.dont_write_bytecode = True  # no __pycache__ in the source tree

import drait  # noqa: E402
from drait import check

SRC = os.environ.get("DCORE_SRCDIR") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../..")
EXAMPLE = os.path.join(SRC, "config", "dra", "dra.yaml")

BAD_CFG = """diameter:
  identity: dra.test
  realm: dra.realm
  port: 99999
rules: bad-rules.yaml
peer_groups:
  - { name: g1, policy: sticky, peers: [a] }
routes:
  - { name: r1, match: { realm: a }, group: nosuch }
  - { name: r2, match: { app: nosuchapp }, group: g1 }
  - { name: r3, match: { imsi: "9-10" }, group: g1 }
"""

BAD_RULES = """rules:
  - name: bad-avp
    actions:
      - set: { avp: No-Such-AVP, value: x }
  - name: bad-action
    actions:
      - frobnicate: { avp: User-Name }
"""

NOROUTE_MSG = """command: Authentication-Information-Request
from_peer: mme1.example.org
avps:
  - Session-Id: "x;1"
  - Origin-Host: mme1.example.org
  - Origin-Realm: example.org
  - Destination-Realm: nowhere.example.net
  - User-Name: "999990000000001"
"""


def body(env):
    def dra(*args):
        return subprocess.run([env.dra_bin] + list(args), capture_output=True, text=True, timeout=30)

    r = dra("--check", "-c", EXAMPLE)
    check(r.returncode == 0 and "OK" in r.stdout, f"example config checks clean: {r.returncode} {r.stderr.strip()}")

    cfg = env.write("bad.yaml", BAD_CFG)
    rules = env.write("bad-rules.yaml", BAD_RULES)
    r = dra("--check", "-c", cfg)
    err = r.stderr
    print(err)
    check(r.returncode == 1, "broken config: exit 1")
    check(f"{cfg}:4:" in err and "port" in err, "diameter section error with file:line")
    check(f"{cfg}:7: peer group 'g1': key 'policy'" in err, "group error with file:line and name")
    check(f"{cfg}:9: route 'r1': unknown peer group 'nosuch'" in err, "route error with file:line and name")
    check(f"{cfg}:10: route 'r2': key 'app': unknown application 'nosuchapp'" in err, "second route error reported too")
    check(f"{cfg}:11: route 'r3': key 'imsi'" in err, "third route error reported too")
    check(f"{rules}:4: rule 'bad-avp'" in err, "rule error with file:line and rule name")
    check(f"{rules}:7: rule 'bad-action'" in err, "second rule error reported too")

    warn = env.write("warn.yaml", 'diameter: { identity: d.t, realm: t, accept_peers: ["*.ok"] }\n'
                     "peer_groups: [ { name: g, peers: [a.ok, b.bad] } ]\n"
                     "routes: [ { name: r, group: g } ]\n")
    r = dra("--check", "-c", warn)
    check(r.returncode == 0 and f"{warn}:2: warning: peer group 'g': 'b.bad'" in r.stderr and "a.ok" not in r.stderr,
          f"--check warns about a member that can never connect: {r.stderr.strip()}")

    r = dra("--explain", "-c", EXAMPLE, "--message", os.path.join(SRC, "config", "dra", "air.yaml"))
    out = r.stdout
    print(out)
    check(r.returncode == 0, f"explain: exit 0 ({r.stderr.strip()})")
    check("rule 'legacy-hss-realm'" in out and "fired" in out, "explain: the rule that fires is named")
    after = out.split("after rules:")[1] if "after rules:" in out else ""
    check('Destination-Realm = "a.example.org"' in after, "explain: message after rewriting")
    check("route: 'realm-a'" in out and "peer group 'hss-a', policy round_robin" in out,
          "explain: route and peer group")
    check("hss1.a.example.org hss2.a.example.org" in out, "explain: peer order")

    msg = env.write("noroute.yaml", NOROUTE_MSG)
    norule_cfg = env.write("noroute-dra.yaml", "diameter: { identity: d.t, realm: t }\n"
                           "peer_groups: [ { name: g, peers: [x] } ]\n"
                           "routes: [ { name: only, match: { realm: here }, group: g } ]\n")
    r = dra("--explain", "-c", norule_cfg, "--message", msg)
    check(r.returncode == 0 and "route: none -> answered 3002" in r.stdout, f"explain: no route -> 3002: {r.stdout[-300:]}")

    bad_msg = env.write("badmsg.yaml", "command: No-Such-Request\n")
    r = dra("--explain", "-c", norule_cfg, "--message", bad_msg)
    check(r.returncode == 1 and f"{bad_msg}:1:" in r.stderr, f"explain: bad message file reported with file:line: {r.stderr.strip()}")

    r = dra("--check")
    check(r.returncode == 2, "usage error: exit 2")


if __name__ == "__main__":
    drait.run("cli", 23080, body, need=("dra",))

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""dra --check and --explain (no network): the shipped example configuration checks clean;
a broken configuration and rule file report every error with file, line and route/rule
name and exit 1; --explain shows the rules that fire, the rewritten message and the route
and peer order, or the 3002 a message without route gets."""

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

EXAMPLE = os.path.join(harness.SRCDIR, "config", "dra", "dra.yaml")

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


def test(h):
    def dra(*args):
        return subprocess.run([h.binary("dra")] + list(args), capture_output=True, text=True, timeout=30,
                              cwd=h.tmp)

    r = dra("--check", "-c", EXAMPLE)
    h.check(r.returncode == 0 and "OK" in r.stdout, f"example config checks clean: {r.returncode} {r.stderr.strip()}")

    cfg = h.write("bad.yaml", BAD_CFG)
    rules = h.write("bad-rules.yaml", BAD_RULES)
    r = dra("--check", "-c", cfg)
    err = r.stderr
    print(err)
    h.check(r.returncode == 1, "broken config: exit 1")
    h.check(f"{cfg}:4:" in err and "port" in err, "diameter section error with file:line")
    h.check(f"{cfg}:7: peer group 'g1': key 'policy'" in err, "group error with file:line and name")
    h.check(f"{cfg}:9: route 'r1': unknown peer group 'nosuch'" in err, "route error with file:line and name")
    h.check(f"{cfg}:10: route 'r2': key 'app': unknown application 'nosuchapp'" in err, "second route error reported too")
    h.check(f"{cfg}:11: route 'r3': key 'imsi'" in err, "third route error reported too")
    h.check(f"{rules}:4: rule 'bad-avp'" in err, "rule error with file:line and rule name")
    h.check(f"{rules}:7: rule 'bad-action'" in err, "second rule error reported too")

    warn = h.write("warn.yaml", 'diameter: { identity: d.t, realm: t, accept_peers: ["*.ok"] }\n'
                     "peer_groups: [ { name: g, peers: [a.ok, b.bad] } ]\n"
                     "routes: [ { name: r, group: g } ]\n")
    r = dra("--check", "-c", warn)
    h.check(r.returncode == 0 and f"{warn}:2: warning: peer group 'g': 'b.bad'" in r.stderr and "a.ok" not in r.stderr,
          f"--check warns about a member that can never connect: {r.stderr.strip()}")

    r = dra("--explain", "-c", EXAMPLE, "--message", os.path.join(harness.SRCDIR, "config", "dra", "air.yaml"))
    out = r.stdout
    print(out)
    h.check(r.returncode == 0, f"explain: exit 0 ({r.stderr.strip()})")
    h.check("rule 'legacy-hss-realm'" in out and "fired" in out, "explain: the rule that fires is named")
    after = out.split("after rules:")[1] if "after rules:" in out else ""
    h.check('Destination-Realm = "a.example.org"' in after, "explain: message after rewriting")
    h.check("route: 'realm-a'" in out and "peer group 'hss-a', policy round_robin" in out,
          "explain: route and peer group")
    h.check("hss1.a.example.org hss2.a.example.org" in out, "explain: peer order")

    msg = h.write("noroute.yaml", NOROUTE_MSG)
    norule_cfg = h.write("noroute-dra.yaml", "diameter: { identity: d.t, realm: t }\n"
                           "peer_groups: [ { name: g, peers: [x] } ]\n"
                           "routes: [ { name: only, match: { realm: here }, group: g } ]\n")
    r = dra("--explain", "-c", norule_cfg, "--message", msg)
    h.check(r.returncode == 0 and "route: none -> answered 3002" in r.stdout, f"explain: no route -> 3002: {r.stdout[-300:]}")

    bad_msg = h.write("badmsg.yaml", "command: No-Such-Request\n")
    r = dra("--explain", "-c", norule_cfg, "--message", bad_msg)
    h.check(r.returncode == 1 and f"{bad_msg}:1:" in r.stderr, f"explain: bad message file reported with file:line: {r.stderr.strip()}")

    r = dra("--check")
    h.check(r.returncode == 2, "usage error: exit 2")


harness.run(test, ports=(23080, 23099))

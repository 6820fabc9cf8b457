#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""DRA rewrite rules through the relay: a request's Destination-Realm rewritten by a rule is
routed to the new realm (forward callbacks run before routing), a later rule sees the
change and rewrites User-Name (checked in what the server received), and an answer rule
rewrites Origin-Realm on the way back (checked in what the client received). A rule that
fails on a request gets it answered 5012 by the DRA; one that fails on an answer leaves the
answer relayed as it is.
Ports 23040-23059."""

import re
import time

import sys
sys.dont_write_bytecode = True  # no __pycache__ in the source tree

import drait  # noqa: E402
from drait import check, origin_host, avp

BASE = 23040

CFG = f"""
diameter:
  identity: dra.test
  realm: dra.realm
  listen: [127.0.0.1]
  port: {BASE}
  tw_timer: 6
  tc_timer: 1
  peers:
    - {{ host: h1.home.realm, realm: home.realm, addr: 127.0.0.1, port: {BASE + 1} }}
    - {{ host: p1.partner.realm, realm: partner.realm, addr: 127.0.0.1, port: {BASE + 2} }}
  accept_peers: ["*.client"]
rules: rules.yaml
stats_file: STATS
peer_groups:
  - {{ name: gh, peers: [h1.home.realm] }}
  - {{ name: gp, peers: [p1.partner.realm] }}
routes:
  - {{ name: home, match: {{ realm: home.realm }}, group: gh }}
  - {{ name: partner, match: {{ realm: partner.realm }}, group: gp }}
"""

RULES = r"""
rules:
  - name: old-to-partner
    match: { direction: request, destination_realm: old.realm }
    actions:
      - set: { avp: Destination-Realm, value: partner.realm }
  - name: partner-imsi
    match: { direction: request, application: s6a, destination_realm: partner.realm }
    actions:
      - replace: { avp: User-Name, regex: "^00101(.*)$", with: "99999\\1" }
  - name: broken-at-runtime
    match: { direction: request, destination_realm: err.realm }
    actions:
      - replace: { avp: Auth-Session-State, regex: ".*", with: "notanumber" }
  - name: broken-on-answers
    match: { direction: answer, origin_host: h1.home.realm }
    actions:
      - replace: { avp: Auth-Session-State, regex: ".*", with: "notanumber" }
  - name: hide-partner-realm
    match: { direction: answer, origin_realm: partner.realm }
    actions:
      - map: { avp: Origin-Realm, table: { partner.realm: hidden.realm } }
"""


def body(env):
    stats_file = env.path("stats.txt")
    env.write("rules.yaml", RULES)
    h1 = env.echo("h1.home.realm", "home.realm", env.port(1))
    p1 = env.echo("p1.partner.realm", "partner.realm", env.port(2))
    dra = env.dra(CFG.replace("STATS", stats_file))
    for n in ("h1.home.realm", "p1.partner.realm"):
        env.wait_open(dra, n)

    rc, ans, err = env.request(BASE, "dra.test", "air", "old.realm", ["--imsi", "001010000000042"])
    check(ans and ans["result_code"] == 2001, f"request to old.realm answered 2001 ({ans and ans['result_code']}, {err.strip()})")
    check(origin_host(ans) == "p1.partner.realm", f"rewritten Destination-Realm routed to partner.realm: {origin_host(ans)}")
    check(avp(ans, "Origin-Realm") == ["hidden.realm"], f"answer rule rewrote Origin-Realm: {avp(ans, 'Origin-Realm')}")
    time.sleep(0.3)
    got = p1.text()
    check(re.search(r'User-Name \(1 M\) = "999990000000042"', got) is not None,
          "the server received the rewritten User-Name")
    check(re.search(r'Destination-Realm \(283 M\) = "partner.realm"', got) is not None,
          "the server received the rewritten Destination-Realm")

    # Requests the rules do not concern pass unchanged.
    rc, ans, _ = env.request(BASE, "dra.test", "air", "home.realm", ["--imsi", "001010000000043"])
    check(ans and ans["result_code"] == 2001 and origin_host(ans) == "h1.home.realm", "home.realm routed to h1")
    check(avp(ans, "Origin-Realm") == ["home.realm"], "home answer not rewritten (the failing answer rule left it intact)")
    time.sleep(0.3)
    check('User-Name (1 M) = "001010000000043"' in h1.text(), "home request's User-Name unchanged")

    # A rule failing on a request: the DRA answers 5012 itself rather than relay half a rewrite.
    rc, ans, _ = env.request(BASE, "dra.test", "air", "err.realm", ["--imsi", "001010000000044"])
    check(ans and ans["result_code"] == 5012, f"rule error on a request: 5012 ({ans and ans['result_code']})")
    check(origin_host(ans) == "dra.test" and avp(ans, "Error-Reporting-Host") == ["dra.test"],
          "rule error answer comes from the DRA with Error-Reporting-Host")

    st = env.stats(dra, stats_file)
    check(st.get(("global", "-", "rules_fired"), 0) >= 3, f"rules fired: {st.get(('global', '-', 'rules_fired'))}")
    check(st.get(("global", "-", "rule_errors"), 0) == 2, f"2 rule errors counted: {st.get(('global', '-', 'rule_errors'))}")


if __name__ == "__main__":
    drait.run("rewrite", BASE, body)

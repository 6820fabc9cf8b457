#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""DRA rewrite rules through the relay: a request's Destination-Realm rewritten by a rule is
routed to the new realm (forward callbacks run before routing), a later rule sees the
change and rewrites User-Name (checked in what the server received), and an answer rule
rewrites Origin-Realm on the way back (checked in what the client received). A rule that
fails on a request gets it answered 5012 by the DRA; one that fails on an answer leaves the
answer relayed as it is.
Ports 23040-23059."""

import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

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


def test(h):
    port, h1_port, p1_port = h.port(), h.port(), h.port()
    stats_file = h.path("stats.txt")
    h.write("rules.yaml", RULES)
    h1 = h.echo("h1.home.realm", h1_port, realm="home.realm", verbose=True)
    p1 = h.echo("p1.partner.realm", p1_port, realm="partner.realm", verbose=True)
    dra = h.dra(h.write_config(
        "dra.yaml", "dra.test", "dra.realm", port, accept_peers=["*.client"],
        diameter={"tw_timer": 6, "tc_timer": 1},
        peers=[{"host": "h1.home.realm", "realm": "home.realm", "port": h1_port},
               {"host": "p1.partner.realm", "realm": "partner.realm", "port": p1_port}],
        rules="rules.yaml", stats_file=stats_file,
        peer_groups=[{"name": "gh", "peers": ["h1.home.realm"]},
                     {"name": "gp", "peers": ["p1.partner.realm"]}],
        routes=[{"name": "home", "match": {"realm": "home.realm"}, "group": "gh"},
                {"name": "partner", "match": {"realm": "partner.realm"}, "group": "gp"}]))
    for n in ("h1.home.realm", "p1.partner.realm"):
        dra.wait_peer_open(n)

    def req(realm, imsi):
        r = h.dclient("--realm", "client", "--dest-realm", realm, "air", "--imsi", imsi,
                      peer=port, peer_host="dra.test", identity="c1.client")
        a = r.answer
        return (a and a["result_code"], harness.avp(a, "Origin-Host") if a else None,
                harness.avp_values(a, "Origin-Realm"), harness.avp_values(a, "Error-Reporting-Host"),
                r.stderr.strip())

    rc, host, realm, _, err = req("old.realm", "001010000000042")
    h.check(rc == 2001, f"request to old.realm answered 2001 ({rc}, {err})")
    h.check(host == "p1.partner.realm", f"rewritten Destination-Realm routed to partner.realm: {host}")
    h.check(realm == ["hidden.realm"], f"answer rule rewrote Origin-Realm: {realm}")
    time.sleep(0.3)
    got = p1.stdout() + p1.stderr()
    h.check(re.search(r'User-Name \(1 M\) = "999990000000042"', got) is not None,
            "the server received the rewritten User-Name")
    h.check(re.search(r'Destination-Realm \(283 M\) = "partner.realm"', got) is not None,
            "the server received the rewritten Destination-Realm")

    # Requests the rules do not concern pass unchanged.
    rc, host, realm, _, _ = req("home.realm", "001010000000043")
    h.check(rc == 2001 and host == "h1.home.realm", "home.realm routed to h1")
    h.check(realm == ["home.realm"], "home answer not rewritten (the failing answer rule left it intact)")
    time.sleep(0.3)
    h.check('User-Name (1 M) = "001010000000043"' in h1.stdout() + h1.stderr(),
            "home request's User-Name unchanged")

    # A rule failing on a request: the DRA answers 5012 itself rather than relay half a rewrite.
    rc, host, _, erh, _ = req("err.realm", "001010000000044")
    h.check(rc == 5012, f"rule error on a request: 5012 ({rc})")
    h.check(host == "dra.test" and erh == ["dra.test"],
            "rule error answer comes from the DRA with Error-Reporting-Host")

    st = h.dra_stats(dra, stats_file)
    h.check(st.get(("global", "-", "rules_fired"), 0) >= 3, f"rules fired: {st.get(('global', '-', 'rules_fired'))}")
    h.check(st.get(("global", "-", "rule_errors"), 0) == 2, f"2 rule errors counted: {st.get(('global', '-', 'rule_errors'))}")


harness.run(test, ports=(23040, 23059))

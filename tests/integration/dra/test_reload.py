#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""DRA hot reload (SIGHUP): routes and rules are swapped atomically while a load runs and no
request gets an error answer or is lost; the new set applies afterwards; a rule file or a
route table with errors is refused with file, line and name in the log, and the previous
set keeps running. The topology-hiding table survives reloads. Ports 23060-23079."""

import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

COUNT = 30000

RULES = """rules:
  - name: tag
    match: {{ direction: answer }}
    actions:
      - map: {{ avp: Origin-Realm, table: {{ a.realm: {tag}.realm }} }}
  - name: hide-a2
    match: {{ direction: answer, origin_host: a2.a.realm }}
    actions:
      - hide_host: {{ pseudo: "hss-{{n}}.hidden.realm" }}
  - name: unhide
    match: {{ direction: request, destination_host: {{ suffix: .hidden.realm }} }}
    actions:
      - unhide_host: Destination-Host
"""

BAD_RULES = """rules:
  - name: good
    match: { direction: answer }
    actions:
      - map: { avp: Origin-Realm, table: { a.realm: broken.realm } }
  - name: bad-avp
    actions:
      - set: { avp: No-Such-AVP, value: x }
"""


def test(h):
    port, a1_port, a2_port = h.port(), h.port(), h.port()
    stats_file = h.path("stats.txt")
    h.echo("a1.a.realm", a1_port, realm="a.realm")
    h.echo("a2.a.realm", a2_port, realm="a.realm")

    def write_cfg(group, rules_file):
        return h.write_config(
            "dra.yaml", "dra.test", "dra.realm", port, accept_peers=["*.client"],
            diameter={"tw_timer": 6, "tc_timer": 1},
            peers=[{"host": "a1.a.realm", "realm": "a.realm", "port": a1_port},
                   {"host": "a2.a.realm", "realm": "a.realm", "port": a2_port}],
            rules=rules_file, stats_file=stats_file,
            peer_groups=[{"name": "g1", "peers": ["a1.a.realm"]},
                         {"name": "g2", "peers": ["a2.a.realm"]},
                         {"name": "gboth", "policy": "round_robin",
                          "peers": ["a1.a.realm", "a2.a.realm"]}],
            routes=[{"name": "ra", "match": {"realm": "a.realm"}, "group": group}])

    h.write("rules-v1.yaml", RULES.format(tag="v1"))
    h.write("rules-v2.yaml", RULES.format(tag="v2"))
    dra = h.dra(write_cfg("g1", "rules-v1.yaml"))
    for n in ("a1.a.realm", "a2.a.realm"):
        dra.wait_peer_open(n)

    def one(*args):
        r = h.dclient("--realm", "client", "--dest-realm", "a.realm", "air", "--imsi", "001010000000001",
                      *args, peer=port, peer_host="dra.test", identity="c1.client")
        h.check(r.answer is not None, f"answered ({r.stderr.strip()})")
        return r.answer["result_code"], harness.avp(r.answer, "Origin-Host"), \
            harness.avp_values(r.answer, "Origin-Realm")

    h.check(one() == (2001, "a1.a.realm", ["v1.realm"]), "initial routes and rules: a1, Origin-Realm v1.realm")

    def hup_and_wait(n_ok, n_failed):
        dra.p.send_signal(signal.SIGHUP)
        deadline = time.time() + 10
        while time.time() < deadline:
            st = h.dra_stats(dra, stats_file)
            if (st.get(("global", "-", "reloads_ok"), 0) == n_ok and
                    st.get(("global", "-", "reloads_failed"), 0) == n_failed):
                return st
            time.sleep(0.05)
        h.fail(f"reload counters not {n_ok}/{n_failed}: {st}")

    # Reload many times under load, alternating routes and rules.
    load = h.dclient_bg("load", "--realm", "client", "--dest-realm", "a.realm", "load", "air",
                        "--count", COUNT, "--concurrency", 50,
                        "--imsi-range", "001010000000000-001010000099999",
                        peer=port, peer_host="dra.test", identity="load.client", timeout_ms=20000)
    n = 0
    deadline = time.time() + 60
    while n < 12 and time.time() < deadline and load.running():
        v = "v2" if n % 2 == 0 else "v1"
        write_cfg("gboth" if n % 2 == 0 else "g2", f"rules-{v}.yaml")
        n += 1
        hup_and_wait(n, 0)
        time.sleep(0.1)
    summary = load.result(timeout=300).answer
    h.check(n >= 4, f"{n} reloads happened during the load")
    h.check_load(summary, COUNT, "across reloads")

    # Settle on a known state: round-robin group, rules v2.
    write_cfg("gboth", "rules-v2.yaml")
    n += 1
    hup_and_wait(n, 0)
    seen = set()
    for i in range(4):
        rc, host, realm = one()
        h.check(rc == 2001 and realm == ["v2.realm"], f"new rules apply after reload #{i}: {realm}")
        seen.add(host)
    # a2 is hidden; its pseudonym was given during the load, before most of the reloads: the
    # hiding table outlives rule sets.
    h.check(seen == {"a1.a.realm", "hss-1.hidden.realm"},
            f"new route (round-robin group) applies, a2 hidden as hss-1: {seen}")
    for i in range(2):
        rc, host, _ = one("--dest-host", "hss-1.hidden.realm")
        h.check(rc == 2001 and host == "hss-1.hidden.realm",
                f"request to the pseudonym unhidden and delivered to a2 #{i}: {rc, host}")

    # A rule file with an error: refused, logged with file/line/rule, old set kept.
    bad = h.write("rules-bad.yaml", BAD_RULES)
    write_cfg("g1", "rules-bad.yaml")
    hup_and_wait(n, 1)
    log = dra.stdout() + dra.stderr()
    h.check(f"{bad}:8: rule 'bad-avp'" in log, "failed reload logged with FILE:LINE: rule 'NAME'")
    h.check("previous routes and rules stay active" in log, "log says the old set stays")
    for i in range(4):
        rc, host, realm = one()
        h.check(rc == 2001 and realm == ["v2.realm"], f"old rules still active after the failed reload #{i}")

    # A route table with an error: refused the same way.
    write_cfg("nosuch", "rules-v1.yaml")
    hup_and_wait(n, 2)
    h.check("route 'ra': unknown peer group 'nosuch'" in dra.stdout() + dra.stderr(),
            "failed route reload logged with the route name")
    hosts = set()
    for i in range(4):
        rc, host, realm = one()
        h.check(rc == 2001 and realm == ["v2.realm"], f"old routes and rules still active #{i}")
        hosts.add(host)
    h.check(hosts == {"a1.a.realm", "hss-1.hidden.realm"}, f"old round-robin route still active: {hosts}")


harness.run(test, ports=(23060, 23079))

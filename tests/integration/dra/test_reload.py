#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""DRA hot reload (SIGHUP): routes and rules are swapped atomically while a load runs and no
request gets an error answer or is lost; the new set applies afterwards; a rule file or a
route table with errors is refused with file, line and name in the log, and the previous
set keeps running. The topology-hiding table survives reloads. Ports 23060-23079."""

import os
import signal
import time

import sys
sys.dont_write_bytecode = True  # no __pycache__ in the source tree

import drait  # noqa: E402
from drait import check, origin_host, avp

BASE = 23060
COUNT = 30000

CFG = f"""
diameter:
  identity: dra.test
  realm: dra.realm
  listen: [127.0.0.1]
  port: {BASE}
  tw_timer: 6
  tc_timer: 1
  peers:
    - {{ host: a1.a.realm, realm: a.realm, addr: 127.0.0.1, port: {BASE + 1} }}
    - {{ host: a2.a.realm, realm: a.realm, addr: 127.0.0.1, port: {BASE + 2} }}
  accept_peers: ["*.client"]
rules: RULES
stats_file: STATS
peer_groups:
  - {{ name: g1, peers: [a1.a.realm] }}
  - {{ name: g2, peers: [a2.a.realm] }}
  - {{ name: gboth, policy: round_robin, peers: [a1.a.realm, a2.a.realm] }}
routes:
  - {{ name: ra, match: {{ realm: a.realm }}, group: GROUP }}
"""

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


def body(env):
    stats_file = env.path("stats.txt")
    env.echo("a1.a.realm", "a.realm", env.port(1), verbose=False)
    env.echo("a2.a.realm", "a.realm", env.port(2), verbose=False)

    def write_cfg(group, rules_file):
        env.write("dra.yaml", CFG.replace("STATS", stats_file).replace("GROUP", group)
                  .replace("RULES", rules_file))

    env.write("rules-v1.yaml", RULES.format(tag="v1"))
    env.write("rules-v2.yaml", RULES.format(tag="v2"))
    write_cfg("g1", "rules-v1.yaml")
    dra = drait.Proc("dra", [env.dra_bin, "-c", env.path("dra.yaml")], env.path("dra.log"))
    env.procs.append(dra)
    for n in ("a1.a.realm", "a2.a.realm"):
        env.wait_open(dra, n)

    def one():
        rc, ans, err = env.request(BASE, "dra.test", "air", "a.realm", ["--imsi", "001010000000001"])
        check(ans is not None, f"answered ({err.strip()})")
        return ans["result_code"], origin_host(ans), avp(ans, "Origin-Realm")

    check(one() == (2001, "a1.a.realm", ["v1.realm"]), "initial routes and rules: a1, Origin-Realm v1.realm")

    def hup_and_wait(n_ok, n_failed):
        dra.p.send_signal(signal.SIGHUP)
        deadline = time.time() + 10
        while time.time() < deadline:
            st = env.stats(dra, stats_file)
            if (st.get(("global", "-", "reloads_ok"), 0) == n_ok and
                    st.get(("global", "-", "reloads_failed"), 0) == n_failed):
                return st
            time.sleep(0.05)
        raise drait.TestFailure(f"reload counters not {n_ok}/{n_failed}: {st}")

    # Reload many times under load, alternating routes and rules.
    load = env.load_start(BASE, "dra.test", "air", "a.realm", COUNT, 50,
                          ["--imsi-range", "001010000000000-001010000099999"])
    n = 0
    deadline = time.time() + 60
    while n < 12 and time.time() < deadline and load[0].poll() is None:
        v = "v2" if n % 2 == 0 else "v1"
        write_cfg("gboth" if n % 2 == 0 else "g2", f"rules-{v}.yaml")
        n += 1
        hup_and_wait(n, 0)
        time.sleep(0.1)
    rc, summary, text = env.load_result(load)
    check(n >= 4, f"{n} reloads happened during the load")
    check(summary["sent"] == COUNT and summary["answered"] == COUNT,
          f"all {COUNT} requests answered across reloads (answered {summary['answered']}, "
          f"timeouts {summary['timeouts']}, errors {summary['errors']})")
    check(summary["results"] == {"2001": COUNT}, f"no error answer during reloads: {summary['results']}")

    # Settle on a known state: round-robin group, rules v2.
    write_cfg("gboth", "rules-v2.yaml")
    n += 1
    hup_and_wait(n, 0)
    seen = set()
    for i in range(4):
        rc, host, realm = one()
        check(rc == 2001 and realm == ["v2.realm"], f"new rules apply after reload #{i}: {realm}")
        seen.add(host)
    # a2 is hidden; its pseudonym was given during the load, before most of the reloads: the
    # hiding table outlives rule sets.
    check(seen == {"a1.a.realm", "hss-1.hidden.realm"}, f"new route (round-robin group) applies, a2 hidden as hss-1: {seen}")
    for i in range(2):
        rc, ans, _ = env.request(BASE, "dra.test", "air", "a.realm",
                                 ["--imsi", "001010000000001", "--dest-host", "hss-1.hidden.realm"])
        check(ans and ans["result_code"] == 2001 and origin_host(ans) == "hss-1.hidden.realm",
              f"request to the pseudonym unhidden and delivered to a2 #{i}: {ans and (ans['result_code'], origin_host(ans))}")

    # A rule file with an error: refused, logged with file/line/rule, old set kept.
    bad = env.write("rules-bad.yaml", BAD_RULES)
    write_cfg("g1", "rules-bad.yaml")
    st = hup_and_wait(n, 1)
    log = dra.text()
    check(f"{bad}:8: rule 'bad-avp'" in log, "failed reload logged with FILE:LINE: rule 'NAME'")
    check("previous routes and rules stay active" in log, "log says the old set stays")
    for i in range(4):
        rc, host, realm = one()
        check(rc == 2001 and realm == ["v2.realm"], f"old rules still active after the failed reload #{i}")
        seen.add(host)

    # A route table with an error: refused the same way.
    env.write("dra.yaml", CFG.replace("STATS", stats_file).replace("GROUP", "nosuch")
              .replace("RULES", "rules-v1.yaml"))
    st = hup_and_wait(n, 2)
    check("route 'ra': unknown peer group 'nosuch'" in dra.text(), "failed route reload logged with the route name")
    hosts = set()
    for i in range(4):
        rc, host, realm = one()
        check(rc == 2001 and realm == ["v2.realm"], f"old routes and rules still active #{i}")
        hosts.add(host)
    check(hosts == {"a1.a.realm", "hss-1.hidden.realm"}, f"old round-robin route still active: {hosts}")


if __name__ == "__main__":
    drait.run("reload", BASE, body)

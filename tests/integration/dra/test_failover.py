#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""DRA failover: a failover group sends to its first member while it is up; when that
server is killed in the middle of a load run, the requests pending on it are re-sent by
freeDiameter to the next member (the DRA's out callback ranks members in priority order)
and every request is answered 2001: none lost, none answered with an error.
The same with a round-robin group. Ports 23020-23039."""

import time

import sys
sys.dont_write_bytecode = True  # no __pycache__ in the source tree

import drait  # noqa: E402
from drait import check, origin_host

BASE = 23020
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
    - {{ host: f1.a.realm, realm: a.realm, addr: 127.0.0.1, port: {BASE + 1} }}
    - {{ host: f2.a.realm, realm: a.realm, addr: 127.0.0.1, port: {BASE + 2} }}
    - {{ host: r1.b.realm, realm: b.realm, addr: 127.0.0.1, port: {BASE + 3} }}
    - {{ host: r2.b.realm, realm: b.realm, addr: 127.0.0.1, port: {BASE + 4} }}
    - {{ host: r3.b.realm, realm: b.realm, addr: 127.0.0.1, port: {BASE + 5} }}
  accept_peers: ["*.client"]
stats_file: STATS
peer_groups:
  - {{ name: gf, policy: failover, peers: [f1.a.realm, f2.a.realm] }}
  - {{ name: gr, policy: round_robin, peers: [r1.b.realm, r2.b.realm, r3.b.realm] }}
routes:
  - {{ name: ra, match: {{ realm: a.realm }}, group: gf }}
  - {{ name: rb, match: {{ realm: b.realm }}, group: gr }}
"""


def kill_mid_load(env, dra, stats_file, realm, victim, count):
    load = env.load_start(BASE, "dra.test", "air", realm, count, 50,
                          ["--imsi-range", "001010000000000-001010000099999"],
                          identity=f"load-{realm}.client")
    # Kill once the victim has answered part of the load, so requests are pending on it.
    deadline = time.time() + 30
    while time.time() < deadline:
        st = env.stats(dra, stats_file)
        if st.get(("peer", victim.name, "answers_2xxx"), 0) >= 1000:
            break
        time.sleep(0.1)
    before = st.get(("peer", victim.name, "answers_2xxx"), 0)
    victim.kill()
    rc, summary, text = env.load_result(load)
    check(before >= 1000, f"{victim.name} was serving when killed ({before} answers)")
    check(summary["sent"] == count and summary["answered"] == count,
          f"{realm}: all {count} requests answered (sent {summary['sent']}, answered {summary['answered']}, "
          f"timeouts {summary['timeouts']}, errors {summary['errors']})")
    check(summary["results"] == {"2001": count}, f"{realm}: every answer 2001: {summary['results']}")
    return env.stats(dra, stats_file)


def body(env):
    stats_file = env.path("stats.txt")
    names = [("f1.a.realm", "a.realm", 1), ("f2.a.realm", "a.realm", 2),
             ("r1.b.realm", "b.realm", 3), ("r2.b.realm", "b.realm", 4), ("r3.b.realm", "b.realm", 5)]
    srv = {n: env.echo(n, r, env.port(i), verbose=False) for n, r, i in names}
    dra = env.dra(CFG.replace("STATS", stats_file))
    for n, _, _ in names:
        env.wait_open(dra, n)

    # Failover group: the first member takes everything while it is up.
    for i in range(4):
        rc, ans, err = env.request(BASE, "dra.test", "air", "a.realm", ["--imsi", "001010000000001"])
        check(ans and ans["result_code"] == 2001 and origin_host(ans) == "f1.a.realm",
              f"failover group: request {i} served by f1 ({ans and origin_host(ans)})")

    st = kill_mid_load(env, dra, stats_file, "a.realm", srv["f1.a.realm"], COUNT)
    f2 = st.get(("peer", "f2.a.realm", "answers_2xxx"), 0)
    check(f2 > 0, f"f2 took over after f1 died ({f2} answers)")
    rc, ans, _ = env.request(BASE, "dra.test", "air", "a.realm", ["--imsi", "001010000000001"])
    check(ans and ans["result_code"] == 2001 and origin_host(ans) == "f2.a.realm", "after the failure f2 serves")

    # Round-robin group: kill one of three mid-load; the others absorb its pending requests.
    st = kill_mid_load(env, dra, stats_file, "b.realm", srv["r2.b.realm"], COUNT)
    for n in ("r1.b.realm", "r3.b.realm"):
        check(st.get(("peer", n, "answers_2xxx"), 0) > COUNT // 3, f"{n} answered more than a third")
    seen = set()
    for i in range(4):
        rc, ans, _ = env.request(BASE, "dra.test", "air", "b.realm", ["--imsi", "001010000000001"])
        check(ans and ans["result_code"] == 2001, f"round-robin after the failure: request {i} answered 2001")
        seen.add(origin_host(ans))
    check(seen == {"r1.b.realm", "r3.b.realm"}, f"round-robin over the two survivors: {seen}")


if __name__ == "__main__":
    drait.run("failover", BASE, body)

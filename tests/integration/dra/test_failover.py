#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""DRA failover: a failover group sends to its first member while it is up; when that
server is killed in the middle of a load run, the requests pending on it are re-sent by
freeDiameter to the next member (the DRA's out callback ranks members in priority order)
and every request is answered 2001: none lost, none answered with an error.
The same with a round-robin group. Ports 23020-23039."""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

COUNT = 30000
ECHOS = [("f1.a.realm", "a.realm"), ("f2.a.realm", "a.realm"),
         ("r1.b.realm", "b.realm"), ("r2.b.realm", "b.realm"), ("r3.b.realm", "b.realm")]


def origin_host(r):
    return harness.avp(r.answer, "Origin-Host") if r.answer else None


def test(h):
    port, echo_ports = h.port(), [h.port() for _ in ECHOS]
    stats_file = h.path("stats.txt")
    srv = {ident: h.echo(ident, p, realm=realm) for (ident, realm), p in zip(ECHOS, echo_ports)}
    dra = h.dra(h.write_config(
        "dra.yaml", "dra.test", "dra.realm", port, accept_peers=["*.client"],
        diameter={"tw_timer": 6, "tc_timer": 1},
        peers=[{"host": ident, "realm": realm, "port": p} for (ident, realm), p in zip(ECHOS, echo_ports)],
        stats_file=stats_file,
        peer_groups=[{"name": "gf", "policy": "failover", "peers": ["f1.a.realm", "f2.a.realm"]},
                     {"name": "gr", "policy": "round_robin",
                      "peers": ["r1.b.realm", "r2.b.realm", "r3.b.realm"]}],
        routes=[{"name": "ra", "match": {"realm": "a.realm"}, "group": "gf"},
                {"name": "rb", "match": {"realm": "b.realm"}, "group": "gr"}]))
    for ident, _ in ECHOS:
        dra.wait_peer_open(ident)

    def req(realm):
        return h.dclient("--realm", "client", "--dest-realm", realm, "air", "--imsi", "001010000000001",
                         peer=port, peer_host="dra.test", identity="c1.client")

    def kill_mid_load(realm, victim, count):
        load = h.dclient_bg("load-" + realm, "--realm", "client", "--dest-realm", realm, "load", "air",
                            "--count", count, "--concurrency", 50,
                            "--imsi-range", "001010000000000-001010000099999",
                            peer=port, peer_host="dra.test", identity=f"load-{realm}.client",
                            timeout_ms=20000)
        # Kill once the victim has answered part of the load, so requests are pending on it.
        deadline = time.time() + 30
        while time.time() < deadline:
            st = h.dra_stats(dra, stats_file)
            if st.get(("peer", victim.name, "answers_2xxx"), 0) >= 1000:
                break
            time.sleep(0.1)
        before = st.get(("peer", victim.name, "answers_2xxx"), 0)
        victim.kill()
        summary = load.result(timeout=300).answer
        h.check(before >= 1000, f"{victim.name} was serving when killed ({before} answers)")
        h.check_load(summary, count, realm)
        return h.dra_stats(dra, stats_file)

    # Failover group: the first member takes everything while it is up.
    for i in range(4):
        r = req("a.realm")
        h.check(r.answer and r.answer["result_code"] == 2001 and origin_host(r) == "f1.a.realm",
                f"failover group: request {i} served by f1 ({origin_host(r)})")

    st = kill_mid_load("a.realm", srv["f1.a.realm"], COUNT)
    f2 = st.get(("peer", "f2.a.realm", "answers_2xxx"), 0)
    h.check(f2 > 0, f"f2 took over after f1 died ({f2} answers)")
    r = req("a.realm")
    h.check(r.answer and r.answer["result_code"] == 2001 and origin_host(r) == "f2.a.realm",
            "after the failure f2 serves")

    # Round-robin group: kill one of three mid-load; the others absorb its pending requests.
    st = kill_mid_load("b.realm", srv["r2.b.realm"], COUNT)
    for n in ("r1.b.realm", "r3.b.realm"):
        h.check(st.get(("peer", n, "answers_2xxx"), 0) > COUNT // 3, f"{n} answered more than a third")
    seen = set()
    for i in range(4):
        r = req("b.realm")
        h.check(r.answer and r.answer["result_code"] == 2001,
                f"round-robin after the failure: request {i} answered 2001")
        seen.add(origin_host(r))
    h.check(seen == {"r1.b.realm", "r3.b.realm"}, f"round-robin over the two survivors: {seen}")


harness.run(test, ports=(23020, 23039))

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""DRA routing through real peers: dclient -> dra -> dclient echo servers in three realms.
Realm routing (exact and wildcard), IMSI-range routing, round-robin and weighted spreads
counted by Origin-Host, Destination-Host honoured, 3002 with Error-Reporting-Host when no route, 3005
on a loop, and with advertise_apps on: Cx to another realm relayed, and a request for the
DRA's own realm without Destination-Host routed by the route table (not answered locally),
and one addressed to the DRA itself answered 3007.
Ports 23000-23019."""

import sys
sys.dont_write_bytecode = True  # no __pycache__ in the source tree

import drait  # noqa: E402
from drait import check, origin_host, avp

BASE = 23000

CFG = f"""
diameter:
  identity: dra.test
  realm: dra.realm
  listen: [127.0.0.1]
  port: {BASE}
  tw_timer: 6
  tc_timer: 1
  peers:
    - {{ host: s1.a.realm, realm: a.realm, addr: 127.0.0.1, port: {BASE + 1} }}
    - {{ host: s2.a.realm, realm: a.realm, addr: 127.0.0.1, port: {BASE + 2} }}
    - {{ host: s1.b.realm, realm: epc.b.realm, addr: 127.0.0.1, port: {BASE + 3} }}
    - {{ host: hss.dra.realm, realm: dra.realm, addr: 127.0.0.1, port: {BASE + 4} }}
  accept_peers: ["*.client"]
advertise_apps: [s6a, cx, sh]
stats_file: STATS
peer_groups:
  - {{ name: ga, policy: round_robin, peers: [s1.a.realm, s2.a.realm] }}
  - {{ name: gb, policy: failover, peers: [s1.b.realm] }}
  - {{ name: gown, peers: [hss.dra.realm] }}
  - {{ name: gi, peers: [s2.a.realm] }}
  - {{ name: gw, policy: weighted, peers: [{{ host: s1.a.realm, weight: 3 }}, s2.a.realm] }}
routes:
  - {{ name: imsi-00102, match: {{ imsi: "001020000000000-001020000000999" }}, group: gi }}
  - {{ name: imsi-00103, match: {{ imsi: "00103" }}, group: gw }}
  - {{ name: realm-a, match: {{ realm: a.realm }}, group: ga }}
  - {{ name: realm-b, match: {{ realm: "*.b.realm", app: [s6a, cx] }}, group: gb }}
  - {{ name: own, match: {{ realm: dra.realm }}, group: gown }}
"""


def body(env):
    stats_file = env.path("stats.txt")
    servers = [("s1.a.realm", "a.realm", 1), ("s2.a.realm", "a.realm", 2),
               ("s1.b.realm", "epc.b.realm", 3), ("hss.dra.realm", "dra.realm", 4)]
    for ident, realm, i in servers:
        env.echo(ident, realm, env.port(i))
    dra = env.dra(CFG.replace("STATS", stats_file))
    for ident, _, _ in servers:
        env.wait_open(dra, ident)

    def req(cmd, realm, *args, **kw):
        return env.request(BASE, "dra.test", cmd, realm, args, **kw)

    # Realm routing with round-robin: 10 sequential requests, 5 to each server.
    seen = {}
    for i in range(10):
        rc, ans, err = req("air", "a.realm", "--imsi", f"00101000000{i:04d}")
        check(rc == 0 and ans and ans["result_code"] == 2001, f"AIR to a.realm #{i} answered 2001 ({err.strip()})")
        seen[origin_host(ans)] = seen.get(origin_host(ans), 0) + 1
    check(seen == {"s1.a.realm": 5, "s2.a.realm": 5}, f"round-robin spread 5/5 by Origin-Host: {seen}")

    # IMSI range beats the realm route listed after it: always s2.a, no round-robin.
    for i in range(4):
        rc, ans, _ = req("air", "a.realm", "--imsi", f"0010200000005{i:02d}")
        check(ans and ans["result_code"] == 2001 and origin_host(ans) == "s2.a.realm",
              f"IMSI 0010200000005{i:02d} routed to s2.a.realm by the IMSI route: {ans and origin_host(ans)}")
    rc, ans, _ = req("air", "a.realm", "--imsi", "001020000001000")
    check(ans and origin_host(ans) in ("s1.a.realm", "s2.a.realm"),
          "IMSI outside the range follows the realm route")

    # Weighted group 3:1, interleaved.
    seen = {}
    for i in range(8):
        rc, ans, _ = req("air", "a.realm", "--imsi", f"0010300000000{i:02d}")
        check(ans and ans["result_code"] == 2001, f"weighted route request {i} answered 2001")
        seen[origin_host(ans)] = seen.get(origin_host(ans), 0) + 1
    check(seen == {"s1.a.realm": 6, "s2.a.realm": 2}, f"weighted 3:1 spread: {seen}")

    # Wildcard realm.
    rc, ans, _ = req("air", "epc.b.realm", "--imsi", "001010000000001")
    check(ans and ans["result_code"] == 2001 and origin_host(ans) == "s1.b.realm",
          "wildcard *.b.realm routed to s1.b.realm")

    # Destination-Host naming a connected peer is honoured, even against round-robin.
    for i in range(3):
        rc, ans, _ = req("air", "a.realm", "--imsi", "001010000000001", "--dest-host", "s2.a.realm")
        check(ans and origin_host(ans) == "s2.a.realm", f"Destination-Host s2.a.realm honoured #{i}")

    # No route: 3002 from the DRA with Error-Reporting-Host.
    rc, ans, _ = req("air", "nowhere.realm", "--imsi", "001010000000001")
    check(ans is not None and ans["result_code"] == 3002, f"no route: 3002 ({ans and ans['result_code']})")
    check("E" in ans["flags"], "no route: E bit set")
    check(avp(ans, "Error-Reporting-Host") == ["dra.test"], f"no route: Error-Reporting-Host dra.test: {avp(ans, 'Error-Reporting-Host')}")
    check(origin_host(ans) == "dra.test", "no route: Origin-Host dra.test")
    # Many at once: the 3002 answers must not block routing (the out callback runs in the
    # only thread that drains freeDiameter's bounded outgoing queue).
    load = env.load_start(BASE, "dra.test", "air", "nowhere.realm", 5000, 200,
                          ["--imsi-range", "001010000000000-001010000099999"])
    rc, summary, _ = env.load_result(load, timeout=120)
    check(summary["answered"] == 5000 and summary["results"] == {"3002": 5000},
          f"5000 unroutable requests, 200 in flight: all answered 3002 ({summary['answered']}, {summary['results']})")
    # Application filter of a route: Sh to *.b.realm has no route either.
    rc, ans, _ = req("udr", "epc.b.realm", "--impu", "sip:u@b.realm", "--data-ref", "0")
    check(ans is not None and ans["result_code"] == 3002, "route app filter: Sh to *.b.realm gets 3002")

    # Loop: our own identity in Route-Record. A freeDiameter client never sends that (its own
    # loop avoidance drops the DRA from its candidates), so a raw peer does.
    raw = drait.RawPeer(BASE, "raw.client", "client")
    apps = raw.cea_apps()
    check((0, 0xffffffff) in apps, f"CEA advertises the Relay application: {apps}")
    check({(10415, 16777251), (10415, 16777216), (10415, 16777217)} <= apps,
          f"CEA advertises S6a, Cx, Sh (vendor 10415) from advertise_apps: {apps}")
    flags, code, avps = raw.request(16777251, 318, [
        drait._avp(283, "a.realm"), drait._avp(1, "001010000000001"), drait._avp(277, 1),
        drait._avp(282, "dra.test")])
    rcs = [int.from_bytes(v, "big") for v in avps.get(268, [])]
    check(code == 318 and not flags & 0x80 and rcs == [3005], f"loop: answered 3005 DIAMETER_LOOP_DETECTED ({code} {rcs})")
    check(flags & 0x20, "loop: E bit set")
    # The same request without the loop is relayed (the raw peer is a real client).
    flags, code, avps = raw.request(16777251, 318, [
        drait._avp(283, "a.realm"), drait._avp(1, "001010000000001"), drait._avp(277, 1),
        drait._avp(1407, b"\x00\xf1\x10", vendor=10415)], hbh=8)
    rcs = [int.from_bytes(v, "big") for v in avps.get(268, [])]
    check(rcs == [2001], f"raw request without loop relayed: {rcs}")
    raw.close()

    # advertise_apps on: Cx to another realm is relayed.
    rc, ans, _ = req("uar", "a.realm", "--impi", "u@a.realm", "--impu", "sip:u@a.realm")
    check(ans and ans["result_code"] == 2001 and origin_host(ans) in ("s1.a.realm", "s2.a.realm"),
          f"Cx UAR to a.realm relayed with advertise_apps: {ans and (ans['result_code'], origin_host(ans))}")
    # ... and a request for our own realm without Destination-Host goes by the route table.
    for cmd, args in (("uar", ("--impi", "u@dra.realm", "--impu", "sip:u@dra.realm")),
                      ("air", ("--imsi", "001010000000001"))):
        rc, ans, _ = req(cmd, "dra.realm", *args)
        check(ans and ans["result_code"] == 2001 and origin_host(ans) == "hss.dra.realm",
              f"{cmd} to the DRA's own realm routed to hss.dra.realm: {ans and (ans['result_code'], origin_host(ans))}")

    # accept_peers: an identity matching no pattern is refused at CER.
    rc, ans, err = env.request(BASE, "dra.test", "air", "a.realm", ["--imsi", "001010000000001", "--timeout", "3000"],
                               identity="intruder.other")
    check(rc == 3 and ans is None, f"unknown peer not matching accept_peers refused (exit {rc})")

    # Addressed to the DRA itself: it is no endpoint of the advertised applications.
    rc, ans, _ = req("air", "dra.realm", "--imsi", "001010000000001", "--dest-host", "dra.test")
    check(ans and ans["result_code"] == 3007, f"request for the DRA itself: 3007 ({ans and ans['result_code']})")

    st = env.stats(dra, stats_file)
    check(st.get(("global", "-", "local_relayed"), 0) >= 2, "own-realm requests went through the dispatch relay path")
    check(st.get(("global", "-", "no_route"), 0) == 5002, f"no_route counter 5002: {st.get(('global', '-', 'no_route'))}")
    check(st.get(("peer", "s1.a.realm", "answers_2xxx"), 0) >= 5, "per-peer answer counter")
    check(st.get(("route", "realm-a", "matched"), 0) >= 11, "per-route counter")
    check(st.get(("group", "ga", "routed"), 0) >= 11, "per-group counter")


if __name__ == "__main__":
    drait.run("routing", BASE, body)

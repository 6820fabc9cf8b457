#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""DRA routing through real peers: dclient -> dra -> dclient echo servers in three realms.
Realm routing (exact and wildcard), IMSI-range routing, round-robin and weighted spreads
counted by Origin-Host, Destination-Host honoured, 3002 with Error-Reporting-Host when no route, 3005
on a loop, and with advertise_apps on: Cx to another realm relayed, and a request for the
DRA's own realm without Destination-Host routed by the route table (not answered locally),
and one addressed to the DRA itself answered 3007.
Ports 23000-23019."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402
from harness import avp_encode as A  # noqa: E402

ECHOS = [("s1.a.realm", "a.realm"), ("s2.a.realm", "a.realm"), ("s1.b.realm", "epc.b.realm"),
         ("hss.dra.realm", "dra.realm")]


def config(h, port, echo_ports, stats_file):
    return h.write_config(
        "dra.yaml", "dra.test", "dra.realm", port, accept_peers=["*.client"],
        diameter={"tw_timer": 6, "tc_timer": 1},
        peers=[{"host": ident, "realm": realm, "port": p}
               for (ident, realm), p in zip(ECHOS, echo_ports)],
        advertise_apps=["s6a", "cx", "sh"],
        stats_file=stats_file,
        peer_groups=[
            {"name": "ga", "policy": "round_robin", "peers": ["s1.a.realm", "s2.a.realm"]},
            {"name": "gb", "policy": "failover", "peers": ["s1.b.realm"]},
            {"name": "gown", "peers": ["hss.dra.realm"]},
            {"name": "gi", "peers": ["s2.a.realm"]},
            {"name": "gw", "policy": "weighted",
             "peers": [{"host": "s1.a.realm", "weight": 3}, "s2.a.realm"]}],
        routes=[
            {"name": "imsi-00102", "match": {"imsi": "001020000000000-001020000000999"},
             "group": "gi"},
            {"name": "imsi-00103", "match": {"imsi": "00103"}, "group": "gw"},
            {"name": "realm-a", "match": {"realm": "a.realm"}, "group": "ga"},
            {"name": "realm-b", "match": {"realm": "*.b.realm", "app": ["s6a", "cx"]},
             "group": "gb"},
            {"name": "own", "match": {"realm": "dra.realm"}, "group": "gown"}])


def origin_host(r):
    return harness.avp(r.answer, "Origin-Host") if r.answer else None


def rc(r):
    return r.answer.get("result_code") if r.answer else None


def test(h):
    port, echo_ports = h.port(), [h.port() for _ in ECHOS]
    stats_file = h.path("stats.txt")
    for (ident, realm), p in zip(ECHOS, echo_ports):
        h.echo(ident, p, realm=realm, verbose=True)
    dra = h.dra(config(h, port, echo_ports, stats_file))
    for ident, _ in ECHOS:
        dra.wait_peer_open(ident)

    def req(cmd, realm, *args, identity="c1.client", timeout_ms=None):
        return h.dclient("--realm", "client", "--dest-realm", realm, cmd, *args, peer=port,
                         peer_host="dra.test", identity=identity, timeout_ms=timeout_ms)

    def load(realm, count, concurrency):
        p = h.dclient_bg("load-" + realm, "--realm", "client", "--dest-realm", realm, "load", "air",
                         "--count", count, "--concurrency", concurrency,
                         "--imsi-range", "001010000000000-001010000099999",
                         peer=port, peer_host="dra.test", identity="load.client", timeout_ms=20000)
        return p.result(timeout=120).answer or h.fail("no load summary from dclient")

    # Realm routing with round-robin: 10 sequential requests, 5 to each server.
    seen = {}
    for i in range(10):
        r = req("air", "a.realm", "--imsi", f"00101000000{i:04d}")
        h.check(r.rc == 0 and rc(r) == 2001, f"AIR to a.realm #{i} answered 2001 ({r.stderr.strip()})")
        seen[origin_host(r)] = seen.get(origin_host(r), 0) + 1
    h.check(seen == {"s1.a.realm": 5, "s2.a.realm": 5}, f"round-robin spread 5/5 by Origin-Host: {seen}")

    # IMSI range beats the realm route listed after it: always s2.a, no round-robin.
    for i in range(4):
        r = req("air", "a.realm", "--imsi", f"0010200000005{i:02d}")
        h.check(rc(r) == 2001 and origin_host(r) == "s2.a.realm",
                f"IMSI 0010200000005{i:02d} routed to s2.a.realm by the IMSI route: {origin_host(r)}")
    r = req("air", "a.realm", "--imsi", "001020000001000")
    h.check(origin_host(r) in ("s1.a.realm", "s2.a.realm"), "IMSI outside the range follows the realm route")

    # Weighted group 3:1, interleaved.
    seen = {}
    for i in range(8):
        r = req("air", "a.realm", "--imsi", f"0010300000000{i:02d}")
        h.check(rc(r) == 2001, f"weighted route request {i} answered 2001")
        seen[origin_host(r)] = seen.get(origin_host(r), 0) + 1
    h.check(seen == {"s1.a.realm": 6, "s2.a.realm": 2}, f"weighted 3:1 spread: {seen}")

    # Wildcard realm.
    r = req("air", "epc.b.realm", "--imsi", "001010000000001")
    h.check(rc(r) == 2001 and origin_host(r) == "s1.b.realm", "wildcard *.b.realm routed to s1.b.realm")

    # Destination-Host naming a connected peer is honoured, even against round-robin.
    for i in range(3):
        r = req("air", "a.realm", "--imsi", "001010000000001", "--dest-host", "s2.a.realm")
        h.check(origin_host(r) == "s2.a.realm", f"Destination-Host s2.a.realm honoured #{i}")

    # No route: 3002 from the DRA with Error-Reporting-Host.
    r = req("air", "nowhere.realm", "--imsi", "001010000000001")
    h.check(rc(r) == 3002, f"no route: 3002 ({rc(r)})")
    h.check("E" in r.answer["flags"], "no route: E bit set")
    erh = harness.avp_values(r.answer, "Error-Reporting-Host")
    h.check(erh == ["dra.test"], f"no route: Error-Reporting-Host dra.test: {erh}")
    h.check(origin_host(r) == "dra.test", "no route: Origin-Host dra.test")
    # the request's S6a head, as an MME expects in any answer (the DRA copies it)
    h.check(harness.avp(r.answer, "Auth-Session-State") == 1 and
            harness.avp(r.answer, "Vendor-Specific-Application-Id/Auth-Application-Id") == 16777251,
            "no route: the 3002 carries Auth-Session-State and Vendor-Specific-Application-Id "
            f"({harness.avp(r.answer, 'Auth-Session-State')}, "
            f"{harness.avp(r.answer, 'Vendor-Specific-Application-Id/Auth-Application-Id')})")
    # Many at once: the 3002 answers must not block routing (the out callback runs in the
    # only thread that drains freeDiameter's bounded outgoing queue).
    summary = load("nowhere.realm", 5000, 200)
    h.check(summary["answered"] == 5000 and summary["results"] == {"3002": 5000},
            f"5000 unroutable requests, 200 in flight: all answered 3002 ({summary['answered']}, "
            f"{summary['results']})")
    # Application filter of a route: Sh to *.b.realm has no route either.
    r = req("udr", "epc.b.realm", "--impu", "sip:u@b.realm", "--data-ref", "0")
    h.check(rc(r) == 3002, "route app filter: Sh to *.b.realm gets 3002")

    # Loop: our own identity in Route-Record. A freeDiameter client never sends that (its own
    # loop avoidance drops the DRA from its candidates), so a raw client does.
    raw = harness.RawClient(h, port, "raw.client", realm="client")
    apps = raw.cea_apps()
    h.check((0, 0xffffffff) in apps, f"CEA advertises the Relay application: {apps}")
    h.check({(10415, 16777251), (10415, 16777216), (10415, 16777217)} <= apps,
            f"CEA advertises S6a, Cx, Sh (vendor 10415) from advertise_apps: {apps}")
    m = raw.request(16777251, 318, A(283, "a.realm") + A(1, "001010000000001") + A(277, 1) +
                    A(282, "dra.test"))
    h.check(isinstance(m, harness.RawMsg), f"loop: answered ({m})")
    rcs = [a.u32() for a in m.find(268)]
    h.check(m.code == 318 and not m.request and rcs == [3005],
            f"loop: answered 3005 DIAMETER_LOOP_DETECTED ({rcs})")
    h.check(m.flags & 0x20, "loop: E bit set")
    # The same request without the loop is relayed (the raw client is a real client).
    m = raw.request(16777251, 318, A(283, "a.realm") + A(1, "001010000000001") + A(277, 1) +
                    A(1407, b"\x00\xf1\x10", vendor=10415), hbh=8)
    h.check(isinstance(m, harness.RawMsg) and [a.u32() for a in m.find(268)] == [2001],
            f"raw request without loop relayed: {m}")
    raw.close()

    # advertise_apps on: Cx to another realm is relayed.
    r = req("uar", "a.realm", "--impi", "u@a.realm", "--impu", "sip:u@a.realm")
    h.check(rc(r) == 2001 and origin_host(r) in ("s1.a.realm", "s2.a.realm"),
            f"Cx UAR to a.realm relayed with advertise_apps: {rc(r), origin_host(r)}")
    # ... and a request for our own realm without Destination-Host goes by the route table.
    for cmd, args in (("uar", ("--impi", "u@dra.realm", "--impu", "sip:u@dra.realm")),
                      ("air", ("--imsi", "001010000000001"))):
        r = req(cmd, "dra.realm", *args)
        h.check(rc(r) == 2001 and origin_host(r) == "hss.dra.realm",
                f"{cmd} to the DRA's own realm routed to hss.dra.realm: {rc(r), origin_host(r)}")

    # accept_peers: an identity matching no pattern is refused at CER.
    r = req("air", "a.realm", "--imsi", "001010000000001", identity="intruder.other", timeout_ms=3000)
    h.check(r.rc == 3 and r.answer is None, f"unknown peer not matching accept_peers refused (exit {r.rc})")

    # Addressed to the DRA itself: it is no endpoint of the advertised applications.
    r = req("air", "dra.realm", "--imsi", "001010000000001", "--dest-host", "dra.test")
    h.check(rc(r) == 3007, f"request for the DRA itself: 3007 ({rc(r)})")

    st = h.dra_stats(dra, stats_file)
    h.check(st.get(("global", "-", "local_relayed"), 0) >= 2, "own-realm requests went through the dispatch relay path")
    h.check(st.get(("global", "-", "no_route"), 0) == 5002, f"no_route counter 5002: {st.get(('global', '-', 'no_route'))}")
    h.check(st.get(("peer", "s1.a.realm", "answers_2xxx"), 0) >= 5, "per-peer answer counter")
    h.check(st.get(("route", "realm-a", "matched"), 0) >= 11, "per-route counter")
    h.check(st.get(("group", "ga", "routed"), 0) >= 11, "per-group counter")


harness.run(test, ports=(23000, 23019))

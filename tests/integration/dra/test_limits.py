#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Bounded rule costs through a real DRA. A peer sends a 200-character User-Name to a rule
whose regex backtracks without end on it: the request gets its answer at once (before, the
regex held the routing thread for over 20 s). A regex that reaches its match limit makes the
DRA answer 5012 ("Rewrite rules stopped by a limit"), counted in rule_limits and logged once
per minute however often it happens, and the relay keeps serving the next request. A rule
file with a regex whose compilation explodes is refused with file and line (reload keeps the
running rules; dra --check exits 1 at once). Ports 23600-23619."""

import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402


RULES = r"""
rules:
  - name: issue-regex
    match: { direction: request, avp: { path: User-Name, regex: "(a*)(a*)(a*)\\1\\2\\3b" } }
    actions: [ { set: { avp: Class, value: issue } } ]
  - name: backtracks
    match: { direction: request, avp: { path: User-Name, regex: "^(a|aa)+$" } }
    actions: [ { set: { avp: Class, value: backtracks } } ]
"""

BAD_RULES = r"""
rules:
  - name: fine
    actions: [ { remove: Class } ]
  - name: nested
    match: { origin_host: { regex: "((a{1,100}){1,100}){1,100}" } }
    actions: [ { remove: Class } ]
"""


def test(h):
    port, h1_port = h.port(), h.port()
    stats_file = h.path("stats.txt")
    h.write("rules.yaml", RULES)
    h.echo("h1.home.realm", h1_port, realm="home.realm")
    cfg = h.write_config(
        "dra.yaml", "dra.test", "dra.realm", port, accept_peers=["*.client"],
        diameter={"tw_timer": 6, "tc_timer": 1},
        peers=[{"host": "h1.home.realm", "realm": "home.realm", "port": h1_port}],
        rules="rules.yaml", stats_file=stats_file,
        peer_groups=[{"name": "gh", "peers": ["h1.home.realm"]}],
        routes=[{"name": "home", "match": {"realm": "home.realm"}, "group": "gh"}])
    dra = h.dra(cfg)
    dra.wait_peer_open("h1.home.realm")

    def send(user, timeout_ms=30000):
        t0 = time.monotonic()
        r = h.dclient("--realm", "client", "--dest-realm", "home.realm", "raw", "--cmd", "318",
                      "--app", "16777251", "--avp", f"User-Name={user}",
                      "--avp", "Visited-PLMN-Id=plmn:00101", peer=port, peer_host="dra.test",
                      identity="c1.client", timeout_ms=timeout_ms,
                      wall_timeout=timeout_ms / 1000 + 10)
        return time.monotonic() - t0, r.answer, r.stderr

    # The regex on 200 'a': PCRE2 sees the required 'b' is missing. No match, relayed.
    dt, ans, err = send("a" * 200)
    print(f"regex (a*)(a*)(a*)\\1\\2\\3b on a 200-character User-Name: answered in "
          f"{dt * 1000:.0f} ms")
    h.check(ans is not None and ans["result_code"] == 2001 and
            harness.avp(ans, "Origin-Host") == "h1.home.realm",
            f"answered 2001 by the server ({ans and ans['result_code']}, {err.strip()[-300:]})")
    h.check(dt < 10, f"answered in {dt:.2f} s (the unbounded regex took over 20 s)")

    # A regex that really backtracks: stopped at its match limit, the request refused.
    dt, ans, err = send("a" * 199 + "b")
    print(f"regex ^(a|aa)+$ on a 200-character User-Name: answered in {dt * 1000:.0f} ms")
    h.check(ans is not None and ans["result_code"] == 5012,
            f"a request whose rules reached a limit is answered 5012 ({ans and ans['result_code']})")
    why = harness.avp_values(ans, "Error-Message")
    h.check(ans and harness.avp(ans, "Origin-Host") == "dra.test" and
            why == ["Rewrite rules stopped by a limit"], f"by the DRA, saying why: {why}")
    h.check(dt < 10, f"answered in {dt:.2f} s")

    # The relay is not held: the next request goes through.
    dt, ans, _ = send("001010000000001")
    h.check(ans is not None and ans["result_code"] == 2001, "the next request is relayed (2001)")

    # Five more: counted, logged once.
    for _ in range(5):
        _, ans, _ = send("a" * 99 + "b")
        h.check(ans is not None and ans["result_code"] == 5012, "5012 again")
    st = h.dra_stats(dra, stats_file)
    for counter in ("rule_limits", "rule_errors"):
        got = st.get(("global", "-", counter))
        h.check(got == 6, f"{counter} counts 6: {got}")
    lines = [line for line in (dra.stdout() + dra.stderr()).splitlines()
             if "stopped by a limit" in line]
    h.check(len(lines) == 1, f"logged once for six hits within a minute: {lines}")

    # A regex whose compilation explodes: refused at reload with file and line, old set kept.
    bad = h.write("rules.yaml", BAD_RULES)
    t0 = time.monotonic()
    dra.p.send_signal(signal.SIGHUP)
    dra.wait_log("reload of", timeout=20)
    dt = time.monotonic() - t0
    log = dra.stdout() + dra.stderr()
    print(f"reload with ((a{{1,100}}){{1,100}}){{1,100}} refused after {dt * 1000:.0f} ms")
    h.check(re.search(re.escape(bad) + r":6: rule 'nested': bad regex "
                      r"'\(\(a\{1,100\}\)\{1,100\}\)\{1,100\}': regular expression is too large",
                      log) is not None,
            "the refused reload names file, line, rule and problem")
    h.check("previous routes and rules stay active" in log, "the old rules stay")
    dt, ans, _ = send("a" * 199 + "b")
    h.check(ans is not None and ans["result_code"] == 5012, "the old rules still run")

    # dra --check says the same, at once.
    t0 = time.monotonic()
    r = subprocess.run([h.binary("dra"), "--check", "-c", cfg], capture_output=True, text=True,
                       timeout=60)
    dt = time.monotonic() - t0
    print(f"dra --check refused it in {dt * 1000:.0f} ms")
    h.check(r.returncode == 1 and f"{bad}:6: rule 'nested': bad regex" in r.stderr,
            f"dra --check exits 1 naming file and line: {r.returncode} {r.stderr.strip()[-300:]}")


harness.run(test, ports=(23600, 23619))

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
import time

import sys
sys.dont_write_bytecode = True  # no __pycache__ in the source tree

import drait  # noqa: E402
from drait import check, avp, origin_host

BASE = 23600

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
  accept_peers: ["*.client"]
rules: rules.yaml
stats_file: STATS
peer_groups:
  - {{ name: gh, peers: [h1.home.realm] }}
routes:
  - {{ name: home, match: {{ realm: home.realm }}, group: gh }}
"""

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


def body(env):
    stats_file = env.path("stats.txt")
    env.write("rules.yaml", RULES)
    env.echo("h1.home.realm", "home.realm", env.port(1))
    dra = env.dra(CFG.replace("STATS", stats_file))
    env.wait_open(dra, "h1.home.realm")

    def send(user, timeout_ms=30000):
        t0 = time.monotonic()
        rc, ans, err = env.request(BASE, "dra.test", "raw", "home.realm",
                                   ["--cmd", "318", "--app", "16777251", "--timeout", str(timeout_ms),
                                    "--avp", f"User-Name={user}", "--avp", "Visited-PLMN-Id=plmn:00101"],
                                   timeout=timeout_ms / 1000 + 10)
        return time.monotonic() - t0, ans, err

    # The regex on 200 'a': PCRE2 sees the required 'b' is missing. No match, relayed.
    dt, ans, err = send("a" * 200)
    print(f"regex (a*)(a*)(a*)\\1\\2\\3b on a 200-character User-Name: answered in {dt * 1000:.0f} ms",
          flush=True)
    check(ans is not None and ans["result_code"] == 2001 and origin_host(ans) == "h1.home.realm",
          f"answered 2001 by the server ({ans and ans['result_code']}, {err.strip()[-300:]})")
    check(dt < 10, f"answered in {dt:.2f} s (the unbounded regex took over 20 s)")

    # A regex that really backtracks: stopped at its match limit, the request refused.
    dt, ans, err = send("a" * 199 + "b")
    print(f"regex ^(a|aa)+$ on a 200-character User-Name: answered in {dt * 1000:.0f} ms", flush=True)
    check(ans is not None and ans["result_code"] == 5012,
          f"a request whose rules reached a limit is answered 5012 ({ans and ans['result_code']})")
    check(ans and origin_host(ans) == "dra.test" and avp(ans, "Error-Message") == ["Rewrite rules stopped by a limit"],
          f"by the DRA, saying why: {ans and avp(ans, 'Error-Message')}")
    check(dt < 10, f"answered in {dt:.2f} s")

    # The relay is not held: the next request goes through.
    dt, ans, _ = send("001010000000001")
    check(ans is not None and ans["result_code"] == 2001, "the next request is relayed (2001)")

    # Five more: counted, logged once.
    for _ in range(5):
        _, ans, _ = send("a" * 99 + "b")
        check(ans is not None and ans["result_code"] == 5012, "5012 again")
    st = env.stats(dra, stats_file)
    check(st.get(("global", "-", "rule_limits")) == 6, f"rule_limits counts 6: {st.get(('global', '-', 'rule_limits'))}")
    check(st.get(("global", "-", "rule_errors")) == 6, f"rule_errors counts 6: {st.get(('global', '-', 'rule_errors'))}")
    lines = [line for line in dra.text().splitlines() if "stopped by a limit" in line]
    check(len(lines) == 1, f"logged once for six hits within a minute: {lines}")

    # A regex whose compilation explodes: refused at reload with file and line, old set kept.
    bad = env.write("rules.yaml", BAD_RULES)
    t0 = time.monotonic()
    dra.p.send_signal(signal.SIGHUP)
    deadline = time.time() + 20
    while time.time() < deadline and "reload of" not in dra.text():
        time.sleep(0.05)
    dt = time.monotonic() - t0
    log = dra.text()
    print(f"reload with ((a{{1,100}}){{1,100}}){{1,100}} refused after {dt * 1000:.0f} ms", flush=True)
    check(re.search(re.escape(bad) + r":6: rule 'nested': bad regex '\(\(a\{1,100\}\)\{1,100\}\)\{1,100\}': "
                    r"regular expression is too large", log) is not None,
          "the refused reload names file, line, rule and problem")
    check("previous routes and rules stay active" in log, "the old rules stay")
    dt, ans, _ = send("a" * 199 + "b")
    check(ans is not None and ans["result_code"] == 5012, "the old rules still run")

    # dra --check says the same, at once.
    t0 = time.monotonic()
    r = subprocess.run([env.dra_bin, "--check", "-c", dra.cfg], capture_output=True, text=True, timeout=60)
    dt = time.monotonic() - t0
    print(f"dra --check refused it in {dt * 1000:.0f} ms", flush=True)
    check(r.returncode == 1 and f"{bad}:6: rule 'nested': bad regex" in r.stderr,
          f"dra --check exits 1 naming file and line: {r.returncode} {r.stderr.strip()[-300:]}")


if __name__ == "__main__":
    drait.run("limits", BASE, body)

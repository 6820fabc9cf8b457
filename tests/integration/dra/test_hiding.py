#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Topology hiding that needs no growing state, through real DRAs. A peer sends 200,000
requests, each from a new Origin-Host, through a DRA whose rule hides Origin-Host with an
{enc} pseudonym: the DRA's memory stays flat (RSS printed before and after; the old table grew
by every new name until it was full and then refused new hosts with 5012), every request is
relayed, and a host hidden before the flood gets the same pseudonym after it. A request to
that pseudonym reaches the real host through this DRA, and through a second DRA process that
has only the same rule file and key. Ports 23620-23639."""

import os
import re
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402
from harness import avp_encode as A, msg_encode  # noqa: E402

FLOOD = int(os.environ.get("DRA_HIDING_FLOOD", "200000"))
WINDOW = 200   # requests in flight

RULES = """
rules:
  - name: hide-mmes
    match: {{ direction: request, origin_host: {{ suffix: .mme.example }} }}
    actions:
      - hide_host: {{ pseudo: "mme-{{enc}}.hidden.realm", key_file: {key} }}
  - name: unhide-mmes
    match: {{ direction: request, destination_host: {{ suffix: .hidden.realm }} }}
    actions:
      - unhide_host: Destination-Host
"""

KEY = "3c5a0f7e8d1b2c4a6f9e0d3b7a1c5e8f2d4b6a9c0e3f5d7b1a4c6e8f0b2d4a6c\n"


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Peer(harness.RawClient):
    """A raw Diameter peer that sends requests with any Origin-Host, many in flight (its
    reader thread answers DWRs while the main thread sends, hence the lock)."""

    def __init__(self, h, port, identity):
        super().__init__(h, port, identity, realm="flood", timeout=30)
        self.lock = threading.Lock()
        h.raw_peers.append(self)   # closed with the harness

    def air(self, hbh, origin_host, dest_realm, dest_host=None):
        avps = A(263, f"{origin_host};h;{hbh}") + A(277, 1) + A(264, origin_host) + \
            A(296, "mme.example")
        if dest_host:
            avps += A(293, dest_host)
        avps += A(283, dest_realm) + A(1, "001010000000001") + A(1407, b"\x00\xf1\x10", vendor=10415)
        return msg_encode(318, 16777251, 0xc0, hbh, hbh, avps)

    def send(self, data):
        with self.lock:
            self.s.sendall(data)

    def read(self):
        """The next answer to one of our requests: (hbh, result code, Origin-Host); DWRs are
        answered."""
        while True:
            m = harness.recv_msg(self.s)
            if m is None:
                self.h.fail("peer %s: connection closed" % self.identity)
            if m.request:
                if m.code == 280:
                    self.send(msg_encode(280, 0, 0, m.hbh, m.e2e, A(264, self.identity) +
                                         A(296, self.realm) + A(268, 2001)))
                continue
            rc = [a.u32() for a in m.find(268)]
            oh = [a.data.decode(errors="replace") for a in m.find(264)]
            return m.hbh, rc[0] if rc else None, oh[0] if oh else None

    def one(self, hbh, origin_host, dest_realm, dest_host=None):
        """One request; returns (result code, Origin-Host of the answer)."""
        self.send(self.air(hbh, origin_host, dest_realm, dest_host))
        got, rc, oh = self.read()
        if got != hbh:
            self.h.fail(f"answer to {got}, expected {hbh}")
        return rc, oh

    def flood(self, first_hbh, n, name):
        """n requests from n new Origin-Hosts, WINDOW in flight; returns {result: count}."""
        results = {}
        sem = threading.Semaphore(WINDOW)
        err = []

        def reader():
            try:
                for _ in range(n):
                    _, rc, _ = self.read()
                    results[rc] = results.get(rc, 0) + 1
                    sem.release()
            except Exception as e:  # noqa: BLE001 - reported by the main thread
                err.append(e)
                for _ in range(WINDOW):
                    sem.release()

        t = threading.Thread(target=reader)
        t.start()
        for i in range(n):
            sem.acquire()
            if err:
                break
            self.send(self.air(first_hbh + i, f"{name}-{i}.mme.example", "home.realm"))
        t.join(300)
        if err:
            self.h.fail(f"flood: {err[0]}")
        return results


def test(h):
    h1_port, h2_port, mme1_port = h.port(), h.port(), h.port()
    key = h.write("hiding.key", KEY)
    os.chmod(key, 0o600)
    h.write("rules.yaml", RULES.format(key=key))
    h.echo("h1.home.realm", h1_port, realm="home.realm")
    h2 = h.echo("h2.check.realm", h2_port, realm="check.realm", verbose=True)
    h.echo("mme1.mme.example", mme1_port, realm="mme.example")

    def dra_config(name, port):
        return h.write_config(
            name + ".yaml", name + ".test", "dra.realm", port, accept_peers=["*.flood"],
            diameter={"tw_timer": 6, "tc_timer": 1},
            peers=[{"host": "h1.home.realm", "realm": "home.realm", "port": h1_port},
                   {"host": "h2.check.realm", "realm": "check.realm", "port": h2_port},
                   {"host": "mme1.mme.example", "realm": "mme.example", "port": mme1_port}],
            rules="rules.yaml", stats_file=h.path(name + "-stats.txt"),
            peer_groups=[{"name": "gh", "peers": ["h1.home.realm"]},
                         {"name": "gc", "peers": ["h2.check.realm"]}],
            routes=[{"name": "home", "match": {"realm": "home.realm"}, "group": "gh"},
                    {"name": "check", "match": {"realm": "check.realm"}, "group": "gc"}])

    port = h.port()
    dra = h.dra(dra_config("dra1", port), name="dra1")
    for p in ("h1.home.realm", "h2.check.realm", "mme1.mme.example"):
        dra.wait_peer_open(p)
    peer = Peer(h, port, "p.flood")

    def h2_seen():
        return re.findall(r'Origin-Host \(264 M\) = "([^"]+)"', h2.stdout() + h2.stderr())

    def pseudonym_seen(origin):
        """Send a request from `origin` to check.realm; return the Origin-Host h2 received."""
        before = len(h2_seen())
        rc, _ = peer.one(1, origin, "check.realm")
        h.check(rc == 2001, f"request from {origin} answered 2001 ({rc})")
        end = time.monotonic() + 10
        while time.monotonic() < end:
            seen = h2_seen()
            if len(seen) > before:
                return seen[-1]
            time.sleep(0.05)
        h.fail("h2 did not log the request")

    p_before = pseudonym_seen("mme1.mme.example")
    h.check(p_before.startswith("mme-") and p_before.endswith(".hidden.realm") and
            "mme1" not in p_before, f"Origin-Host hidden: {p_before}")

    # Warm up (freeDiameter's and malloc's own pools), then measure.
    res = peer.flood(1000, 20000, "warm")
    h.check(res == {2001: 20000}, f"20000 warm-up requests relayed: {res}")
    rss0 = rss_kib(dra.p.pid)
    t0 = time.monotonic()
    res = peer.flood(100000, FLOOD, "flood")
    dt = time.monotonic() - t0
    rss1 = rss_kib(dra.p.pid)
    print(f"{FLOOD} requests from {FLOOD} new Origin-Hosts in {dt:.1f} s ({FLOOD / dt:.0f}/s): "
          f"DRA RSS {rss0} KiB before, {rss1} KiB after ({rss1 - rss0:+d} KiB)")
    h.check(res == {2001: FLOOD}, f"every request relayed, none refused: {res}")
    # The old table took well over 200 octets a name (50 MB for these); allow noise.
    h.check(rss1 - rss0 < 16 * 1024, f"RSS grew by {rss1 - rss0} KiB (< 16 MiB)")

    p_after = pseudonym_seen("MME1.mme.example")
    h.check(p_after == p_before, f"the host hidden before the flood keeps its pseudonym: {p_after}")

    # The partner's HSS sends a request to the pseudonym: it reaches the real MME (a peer of
    # the DRA), which answers.
    rc, oh = peer.one(2, "hss.check.example", "mme.example", p_before)
    h.check(rc == 2001 and oh == "mme1.mme.example",
            f"a request to the pseudonym reaches mme1.mme.example through this DRA ({rc}, {oh})")

    # A second DRA process: same rule file and key, no state shared.
    port2 = h.port()
    dra2 = h.dra(dra_config("dra2", port2), name="dra2")
    dra2.wait_peer_open("h2.check.realm")
    dra2.wait_peer_open("mme1.mme.example")
    peer2 = Peer(h, port2, "q.flood")
    rc, oh = peer2.one(3, "hss.check.example", "mme.example", p_before)
    h.check(rc == 2001 and oh == "mme1.mme.example",
            f"the second DRA unhides what the first hid: reached {oh} ({rc})")
    # A name the key does not authenticate is left alone: not delivered to any MME (no route
    # for it, so the DRA answers 3002 itself).
    forged = "mme-" + "a" * 40 + ".hidden.realm"
    rc, oh = peer2.one(4, "hss.check.example", "mme.example", forged)
    h.check(rc == 3002 and oh == "dra2.test", f"a forged pseudonym reaches no MME ({rc} from {oh})")


harness.run(test, ports=(23620, 23639))

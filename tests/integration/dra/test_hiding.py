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
import socket
import struct
import threading
import time

import sys
sys.dont_write_bytecode = True  # no __pycache__ in the source tree

import drait  # noqa: E402
from drait import check, _avp, _msg, _read_msg

BASE = 23620
FLOOD = int(os.environ.get("DRA_HIDING_FLOOD", "200000"))
WINDOW = 200   # requests in flight

CFG = """
diameter:
  identity: {ident}
  realm: dra.realm
  listen: [127.0.0.1]
  port: {port}
  tw_timer: 6
  tc_timer: 1
  peers:
    - {{ host: h1.home.realm, realm: home.realm, addr: 127.0.0.1, port: {h1} }}
    - {{ host: h2.check.realm, realm: check.realm, addr: 127.0.0.1, port: {h2} }}
    - {{ host: mme1.mme.example, realm: mme.example, addr: 127.0.0.1, port: {mme1} }}
  accept_peers: ["*.flood"]
rules: rules.yaml
stats_file: {stats}
peer_groups:
  - {{ name: gh, peers: [h1.home.realm] }}
  - {{ name: gc, peers: [h2.check.realm] }}
routes:
  - {{ name: home, match: {{ realm: home.realm }}, group: gh }}
  - {{ name: check, match: {{ realm: check.realm }}, group: gc }}
"""

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


class Peer:
    """A raw Diameter peer that can send requests with any Origin-Host, many in flight."""

    def __init__(self, port, identity):
        self.identity = identity
        self.s = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.lock = threading.Lock()
        cer = _msg(257, 0, 0x80, [_avp(264, identity), _avp(296, "flood"),
                                  _avp(257, b"\0\1\x7f\0\0\1"), _avp(266, 0),
                                  _avp(269, "test_hiding", mandatory=False), _avp(258, 0xffffffff)])
        self.s.sendall(cer)
        flags, code, avps = _read_msg(self.s)
        rc = [int.from_bytes(v, "big") for c, v in avps if c == 268]
        if code != 257 or rc != [2001]:
            raise drait.TestFailure(f"CEA {code} {rc}")

    def air(self, hbh, origin_host, dest_realm, dest_host=None):
        avps = [_avp(263, f"{origin_host};h;{hbh}"), _avp(277, 1), _avp(264, origin_host),
                _avp(296, "mme.example")]
        if dest_host:
            avps.append(_avp(293, dest_host))
        avps += [_avp(283, dest_realm), _avp(1, "001010000000001"),
                 _avp(1407, b"\x00\xf1\x10", vendor=10415)]
        return _msg(318, 16777251, 0xc0, avps, hbh=hbh, e2e=hbh)

    def send(self, data):
        with self.lock:
            self.s.sendall(data)

    def read(self):
        """The next answer to one of our requests: (hbh, result code, Origin-Host); DWRs are
        answered."""
        while True:
            h = b""
            while len(h) < 20:
                c = self.s.recv(20 - len(h))
                if not c:
                    raise drait.TestFailure("peer: connection closed")
                h += c
            length = struct.unpack("!I", h[0:4])[0] & 0xffffff
            flags = h[4]
            code = struct.unpack("!I", h[4:8])[0] & 0xffffff
            hbh = struct.unpack("!I", h[12:16])[0]
            body = b""
            while len(body) < length - 20:
                c = self.s.recv(length - 20 - len(body))
                if not c:
                    raise drait.TestFailure("peer: connection closed")
                body += c
            if flags & 0x80:
                if code == 280:
                    self.send(_msg(280, 0, 0, [_avp(264, self.identity), _avp(296, "flood"),
                                               _avp(268, 2001)], hbh=hbh, e2e=struct.unpack("!I", h[16:20])[0]))
                continue
            i, rc, oh = 0, None, None
            while i + 8 <= len(body):
                acode, fl = struct.unpack("!II", body[i:i + 8])
                alen = fl & 0xffffff
                if acode == 268 and not (fl >> 24) & 0x80:
                    rc = struct.unpack("!I", body[i + 8:i + 12])[0]
                elif acode == 264 and not (fl >> 24) & 0x80:
                    oh = body[i + 8:i + alen].decode(errors="replace")
                i += alen + ((4 - alen % 4) % 4)
            return hbh, rc, oh

    def one(self, hbh, origin_host, dest_realm, dest_host=None):
        """One request; returns (result code, Origin-Host of the answer)."""
        self.send(self.air(hbh, origin_host, dest_realm, dest_host))
        got, rc, oh = self.read()
        if got != hbh:
            raise drait.TestFailure(f"answer to {got}, expected {hbh}")
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
            raise drait.TestFailure(f"flood: {err[0]}")
        return results


def body(env):
    key = env.write("hiding.key", KEY)
    os.chmod(key, 0o600)
    env.write("rules.yaml", RULES.format(key=key))
    stats1 = env.path("stats1.txt")
    env.echo("h1.home.realm", "home.realm", env.port(1), verbose=False)
    h2 = env.echo("h2.check.realm", "check.realm", env.port(2))
    env.echo("mme1.mme.example", "mme.example", env.port(3), verbose=False)
    dra = env.dra(CFG.format(ident="dra1.test", port=BASE, h1=env.port(1), h2=env.port(2),
                             mme1=env.port(3), stats=stats1), name="dra1")
    for p in ("h1.home.realm", "h2.check.realm", "mme1.mme.example"):
        env.wait_open(dra, p)
    peer = Peer(BASE, "p.flood")

    def pseudonym_seen(origin):
        """Send a request from `origin` to check.realm; return the Origin-Host h2 received."""
        before = h2.text().count('Origin-Host (264 M) = "')
        rc, _ = peer.one(1, origin, "check.realm")
        check(rc == 2001, f"request from {origin} answered 2001 ({rc})")
        deadline = time.time() + 10
        while time.time() < deadline:
            seen = re.findall(r'Origin-Host \(264 M\) = "([^"]+)"', h2.text())
            if len(seen) > before:
                return seen[-1]
            time.sleep(0.05)
        raise drait.TestFailure("h2 did not log the request")

    p_before = pseudonym_seen("mme1.mme.example")
    check(p_before.startswith("mme-") and p_before.endswith(".hidden.realm") and "mme1" not in p_before,
          f"Origin-Host hidden: {p_before}")

    # Warm up (freeDiameter's and malloc's own pools), then measure.
    res = peer.flood(1000, 20000, "warm")
    check(res == {2001: 20000}, f"20000 warm-up requests relayed: {res}")
    rss0 = rss_kib(dra.p.pid)
    t0 = time.monotonic()
    res = peer.flood(100000, FLOOD, "flood")
    dt = time.monotonic() - t0
    rss1 = rss_kib(dra.p.pid)
    print(f"{FLOOD} requests from {FLOOD} new Origin-Hosts in {dt:.1f} s ({FLOOD / dt:.0f}/s): "
          f"DRA RSS {rss0} KiB before, {rss1} KiB after ({rss1 - rss0:+d} KiB)", flush=True)
    check(res == {2001: FLOOD}, f"every request relayed, none refused: {res}")
    # The old table took well over 200 octets a name (50 MB for these); allow noise.
    check(rss1 - rss0 < 16 * 1024, f"RSS grew by {rss1 - rss0} KiB (< 16 MiB)")

    p_after = pseudonym_seen("MME1.mme.example")
    check(p_after == p_before, f"the host hidden before the flood keeps its pseudonym: {p_after}")

    # The partner's HSS sends a request to the pseudonym: it reaches the real MME (a peer of
    # the DRA), which answers.
    rc, oh = peer.one(2, "hss.check.example", "mme.example", p_before)
    check(rc == 2001 and oh == "mme1.mme.example",
          f"a request to the pseudonym reaches mme1.mme.example through this DRA ({rc}, {oh})")

    # A second DRA process: same rule file and key, no state shared.
    stats2 = env.path("stats2.txt")
    dra2 = env.dra(CFG.format(ident="dra2.test", port=env.port(10), h1=env.port(1), h2=env.port(2),
                              mme1=env.port(3), stats=stats2), name="dra2")
    env.wait_open(dra2, "h2.check.realm")
    env.wait_open(dra2, "mme1.mme.example")
    peer2 = Peer(env.port(10), "q.flood")
    rc, oh = peer2.one(3, "hss.check.example", "mme.example", p_before)
    check(rc == 2001 and oh == "mme1.mme.example",
          f"the second DRA unhides what the first hid: reached {oh} ({rc})")
    # A name the key does not authenticate is left alone: not delivered to any MME (no route
    # for it, so the DRA answers 3002 itself).
    forged = "mme-" + "a" * 40 + ".hidden.realm"
    rc, oh = peer2.one(4, "hss.check.example", "mme.example", forged)
    check(rc == 3002 and oh == "dra2.test", f"a forged pseudonym reaches no MME ({rc} from {oh})")


if __name__ == "__main__":
    drait.run("hiding", BASE, body)

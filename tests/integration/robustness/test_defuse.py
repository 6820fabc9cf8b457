# SPDX-License-Identifier: BSD-3-Clause
"""AVPs on which freeDiameter 1.2.1 aborts the whole process (ASSERT), sent over real
connections to a real HSS and a real DRA.

  - A request whose Session-Id carries the V bit (vendor 0): fd_msg_sess_get finds it (code
    263, vendor 0), cannot resolve it in the dictionary and asserts it has a value; before
    the fix one such request killed the HSS, and the DRA relaying it.
  - A watchdog answer (DWA) with an unknown M-bit AVP before Result-Code, or with a
    Result-Code of 3 octets: fd_msg_parse_or_error, after failing to parse the answer,
    asserts that its first Result-Code has a value; before the fix one such DWA killed the
    DRA.
Our nodes defuse these AVPs when the message arrives (common/rx_guard.c): the request is
answered 5005 DIAMETER_MISSING_AVP naming Session-Id, the broken DWA makes the DRA close
that peer's connection (what freeDiameter does with an unusable answer to its own
request), and both daemons go on serving everyone else. Ports 22800-22819 (HSS),
23800-23819 (DRA)."""
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import roblib  # noqa: E402
from roblib import harness, HSS_ID, HSS_REALM, DRA_ID, DRA_REALM, VENDOR_3GPP as V  # noqa: E402

A = harness.avp_encode
M = harness.msg_encode
S6A = roblib.APP_S6A


def session_id_v(ident, flags):
    """Session-Id (263) with the V bit and vendor 0."""
    data = (ident + ';1;v').encode()
    return (263).to_bytes(4, 'big') + bytes([flags]) + (12 + len(data)).to_bytes(3, 'big') + bytes(4) + \
        data + b'\0' * (-len(data) % 4)


def alive(h, sysm, after):
    h.check(sysm.hss.running() and sysm.dra.running(), 'both daemons still run after %s (hss rc %s, dra rc %s)' % (
        after, sysm.hss.rc, sysm.dra.rc))


def sid_case(h, sysm, path, flags):
    port = sysm.hss_port if path == 'hss' else sysm.dra_port
    dest = DRA_REALM if path == 'dra-own' else HSS_REALM
    ident = 'sidv%02x-%s.client.rob.test' % (flags, path)
    body = roblib.air_avps(ident, 'client.rob.test', dest)
    body = session_id_v(ident, flags) + body[len(A(263, ident + ';1;rob')):]
    c = roblib.RawClient(h, port, ident, timeout=5)
    try:
        c.send(M(318, S6A, 0xc0, 1, 1, body))
        m = c.answer()
        rc = None if m in (None, 'timeout') else [a.u32() for a in m.find(268)]
        h.check(rc == [5005], '%s: Session-Id with the V bit (flags 0x%02x): 5005 (got %s)' % (path, flags, rc))
        fa = [ch.code for f in m.find(279) for ch in f.children()]
        h.check(fa == [263], '%s: Failed-AVP names Session-Id (got %s)' % (path, fa))
    finally:
        c.close()
    alive(h, sysm, 'a Session-Id with the V bit via %s' % path)


def bad_dwa(h, port, ident, body_of, out):
    """Wait for the daemon's DWR, answer it with body_of(ident); out[ident]: what followed
    ('closed' or 'open')."""
    c = roblib.RawClient(h, port, ident, timeout=20)
    try:
        m = harness.recv_msg(c.s)
        if m is None or m.code != 280 or not m.request:
            out[ident] = 'no DWR (%s)' % (m and m.code)
            return
        c.s.sendall(M(280, 0, 0, m.hbh, m.e2e, body_of(ident)))
        c.s.settimeout(5)
        try:
            out[ident] = 'closed' if harness.recv_msg(c.s) is None else 'open'
        except OSError:
            out[ident] = 'closed'
    finally:
        c.close()


def test(h):
    sysm = roblib.System(h, (22800, 22819), (23800, 23819), rules="""rules:
  - name: own-realm
    match: { direction: request, destination_realm: { exact: %s } }
    actions:
      - set: { avp: Destination-Realm, value: %s }
""" % (DRA_REALM, HSS_REALM))
    for path in ('hss', 'dra', 'dra-own'):
        for flags in (0xc0, 0x80):
            sid_case(h, sysm, path, flags)

    # Two peers of the DRA answer its watchdog with a DWA freeDiameter cannot use.
    bodies = {
        'dwa-unknown-m.client.rob.test': lambda i: (A(4242, b'\0\0\0\1', vendor=V, flags=0xc0) + A(268, 2001) +
                                                    A(264, i) + A(296, 'client.rob.test')),
        'dwa-short-rc.client.rob.test': lambda i: A(268, b'\0\7\xd1') + A(264, i) + A(296, 'client.rob.test'),
    }
    out = {}
    threads = [threading.Thread(target=bad_dwa, args=(h, sysm.dra_port, i, b, out)) for i, b in bodies.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(40)
    for ident in bodies:
        h.check(out.get(ident) == 'closed', 'the DRA closed the connection of %s after its broken DWA (%s)' % (
            ident, out.get(ident)))
    alive(h, sysm, 'the broken DWAs')
    sysm.check_alive()
    sysm.stop_and_check_sanitizers()


harness.run(test, ports=(22800, 22819))

# SPDX-License-Identifier: BSD-3-Clause
# No server, or a server that never answers: exit 3 with a clear message, without hanging.
import os
import socket
import sys
import threading
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402


def test(h):
    # Nothing listens on this port: the connection is refused at once.
    port = h.port()
    r = h.dclient('air', '--imsi', '001010000000001', peer=port, peer_host='nobody.test.local',
                  timeout_ms=20000, wall_timeout=15)
    h.check(r.rc == 3, 'refused connection: exit 3 (well before the 20 s timeout)')
    h.check('cannot connect to nobody.test.local' in r.stderr, 'message names the peer: %r' % r.stderr.strip())

    # A TCP server that accepts but never speaks Diameter: no CEA, so a timeout.
    port2 = h.port()
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(('127.0.0.1', port2))
    srv.listen(4)
    conns = []

    def accept():
        try:
            while True:
                conns.append(srv.accept()[0])
        except OSError:
            pass
    threading.Thread(target=accept, daemon=True).start()
    try:
        r = h.dclient('air', '--imsi', '001010000000001', peer=port2, peer_host='mute.test.local',
                      timeout_ms=1500, wall_timeout=30)
        h.check(r.rc == 3, 'silent server: exit 3')
        h.check('timeout' in r.stderr and 'mute.test.local' in r.stderr,
                'timeout message names the peer: %r' % r.stderr.strip())
    finally:
        srv.close()
        for c in conns:
            c.close()


harness.run(test, ports=(21040, 21059))

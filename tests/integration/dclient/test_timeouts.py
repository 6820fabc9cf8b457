# SPDX-License-Identifier: BSD-3-Clause
# A peer that accepts the connection but never answers requests: one-shot and load mode
# report timeouts with exit 3; Experimental-Result answers map to exit 0/1 by their class.
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402


def test(h):
    port = h.port()
    h.raw_peer('mute6.test.local', port, result_code=None)
    peer = dict(peer=port, peer_host='mute6.test.local')

    r = h.dclient('air', '--imsi', '001010000000001', timeout_ms=800, wall_timeout=30, **peer)
    h.check(r.rc == 3 and r.answer is None, 'no answer: exit 3, nothing on stdout')
    h.check('timeout: no answer from mute6.test.local' in r.stderr, 'message: %r' % r.stderr.strip())

    r = h.dclient('load', 'air', '--imsi', '001010000000001', '--count', '20', '--concurrency', '4',
                  timeout_ms=800, wall_timeout=60, **peer)
    s = r.answer
    h.check(r.rc == 3, 'load with timeouts: exit 3')
    h.check(s and s['sent'] == 20 and s['answered'] == 0 and s['timeouts'] == 20, 'all 20 counted as timeouts')

    # Experimental-Result: 5001 (USER_UNKNOWN) is a failure, 2001 (Cx FIRST_REGISTRATION) a success.
    p2, p3 = h.port(), h.port()
    h.raw_peer('exp7.test.local', p2, experimental=(10415, 5001))
    h.raw_peer('exp8.test.local', p3, experimental=(10415, 2001))
    r = h.dclient('air', '--imsi', '001010000000001', peer=p2, peer_host='exp7.test.local')
    h.check(r.rc == 1 and r.answer['result_code'] is None and
            r.answer['experimental_result'] == {'vendor': 10415, 'code': 5001}, 'Experimental-Result 5001: exit 1')
    r = h.dclient('uar', '--impi', 'u@ims', '--impu', 'sip:u@ims', peer=p3, peer_host='exp8.test.local')
    h.check(r.rc == 0 and r.answer['experimental_result']['code'] == 2001, 'Experimental-Result 2001: exit 0')
    r = h.dclient('load', 'air', '--imsi', '001010000000001', '--count', '5', peer=p2, peer_host='exp7.test.local')
    h.check(r.rc == 1 and r.answer['results'] == {'exp:5001': 5}, 'load histogram keys experimental codes')


harness.run(test, ports=(21120, 21139))

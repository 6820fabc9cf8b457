# SPDX-License-Identifier: BSD-3-Clause
# Load mode against `dclient echo`: every request answered, histogram and percentiles sane.
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402


def test(h):
    port = h.port()
    h.echo('echo2.test.local', port)
    r = h.dclient('load', 'air', '--count', '200', '--concurrency', '10',
                  '--imsi-range', '001010000000001-001010000000050', peer=port, peer_host='echo2.test.local')
    s = r.answer
    h.check(r.rc == 0, 'load exits 0 when all answers are 2001')
    h.check(s is not None and s['kind'] == 'load', 'JSON summary printed')
    h.check(s['sent'] == 200 and s['answered'] == 200 and s['timeouts'] == 0 and s['errors'] == 0,
            '200 sent, 200 answered')
    h.check(s['results'] == {'2001': 200}, 'histogram: 2001 x200')
    lat = s['latency_us']
    h.check(0 < lat['min'] <= lat['p50'] <= lat['p90'] <= lat['p99'] <= lat['p99.9'] <= lat['max'],
            'percentiles ordered')
    h.check(s['rps'] > 0 and s['cpu_us_per_request'] > 0, 'rate and CPU per request reported')

    # Cx with {imsi} substitution and a duration bound; text summary.
    r = h.dclient('load', 'uar', '--count', '50', '--concurrency', '5', '--imsi-range', '001010000000001-001010000000005',
                  '--impi', '{imsi}@ims.test', '--impu', 'sip:{imsi}@ims.test', json_out=False,
                  peer=port, peer_host='echo2.test.local')
    h.check(r.rc == 0 and 'answered 50' in r.stdout and '2001 DIAMETER_SUCCESS x50' in r.stdout,
            'Cx load, text summary')


harness.run(test, ports=(21020, 21039))

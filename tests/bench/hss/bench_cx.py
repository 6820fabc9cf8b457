#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Cx benchmark: UAR/s, MAR/s (Digest-AKAv1-MD5, one vector, on the S6a SQN counter), SAR/s
(REGISTRATION with User-Data) and LIR/s with latency percentiles at 10 and 100 requests in
flight, straight to the HSS (SQLite), the CSCF played by `dclient load`.

N USIMs (`hssctl import` CSV, 1000 by default, HSS_BENCH_SUBSCRIBERS=N) and N IMS
subscriptions linked to them (`hssctl ims-import` of one multi-document YAML file, each
subscription an IMPI, two IMPUs in one implicit set, one service profile with an iFC) are
provisioned first; the loads cycle through all of them ({imsi} in the identities). Printed per
case: requests/s, latency p50/p90/p99/p99.9 (us, from dclient), HSS CPU microseconds per
request, and how long both imports took. Nothing about speed is asserted: it fails only when
something does not work (an answer other than the expected success, or a timeout).

Environment: HSS_BENCH_COUNT (requests per case at 100 in flight, default 10000; a fifth of it
at 10), HSS_BENCH_SYNC=normal for SQLite synchronous=NORMAL, ports 22940-22959.
"""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'integration'))
import harness  # noqa: E402

CLK = os.sysconf('SC_CLK_TCK')
K = '465b5ce8b199b49faa5f0a2ee238a6bc'
OPC = 'cd63cb71954a9f4e48a5994e37a02baf'
FIRST = 1010000000001   # IMSI 001010000000001
REALM = 'bench'
SCSCF = 'sip:scscf.bench:6060'
SUB = '''id: s%(imsi)s
private_identities:
  - identity: "%(imsi)s@bench"
    auth_schemes: [digest-akav1-md5]
    imsi: "%(imsi)s"
public_identities:
  - {identity: "sip:%(imsi)s@bench", irs: 1, irs_default: true, service_profile: p}
  - {identity: "tel:+%(imsi)s", irs: 1, service_profile: p}
service_profiles:
  - name: p
    ifcs:
      - priority: 0
        trigger: {spts: [{method: INVITE}, {group: 1, session_case: originating}]}
        application_server: {server_name: "sip:as.bench", default_handling: session_continued}
charging: {primary_ccf: "aaa://ccf.bench"}
'''


def cpu_s(pid):
    with open('/proc/%d/stat' % pid) as f:
        fields = f.read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK


def run(h, argv):
    cp = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if cp.returncode:
        h.fail('%s: %s' % (' '.join(argv[1:3]), cp.stderr.decode()))


def bench(h):
    n = int(os.environ.get('HSS_BENCH_SUBSCRIBERS') or 1000)
    count = int(os.environ.get('HSS_BENCH_COUNT', '10000'))
    sync = os.environ.get('HSS_BENCH_SYNC', '')
    db = os.path.join(h.tmp, 'bench.db')
    csv, ims = os.path.join(h.tmp, 'subs.csv'), os.path.join(h.tmp, 'ims.yaml')
    with open(csv, 'w') as f:
        f.write('imsi,k,opc,apn\n')
        for i in range(n):
            f.write('%015d,%s,%s,ims\n' % (FIRST + i, K, OPC))
    with open(ims, 'w') as f:
        f.write('---\n'.join(SUB % {'imsi': '%015d' % (FIRST + i)} for i in range(n)))
    hssctl = h.binary('hssctl')
    run(h, [hssctl, '--db', db, 'init'])
    t0 = time.monotonic()
    run(h, [hssctl, '--db', db, 'import', csv])
    t1 = time.monotonic()
    run(h, [hssctl, '--db', db, 'ims-import', '--no-push', ims])
    t2 = time.monotonic()
    imsis = '%015d-%015d' % (FIRST, FIRST + n - 1)

    port = h.port()
    cfg = h.write_config('hss.yaml', 'hss.bench', REALM, port, diameter={'threads': 8},
                         database={'backend': 'sqlite', 'path': db + ('?sync=' + sync if sync else '')},
                         s6a={'home_plmns': ['00101']},
                         extra='cx:\n  scscf_names: ["%s"]\n  home_networks: [%s]\n' % (SCSCF, REALM))
    hss = h.start('hss', [h.binary('hss'), '-c', cfg], wait_port=port)
    ident = ['--impi', '{imsi}@bench', '--impu', 'sip:{imsi}@bench']
    cases = (('uar', ['uar'] + ident + ['--visited-network', REALM]),
             ('mar aka', ['mar'] + ident + ['--scheme', 'Digest-AKAv1-MD5', '--items', '1',
                                            '--server-name', SCSCF]),
             ('sar reg', ['sar'] + ident + ['--assignment-type', '1', '--server-name', SCSCF]),
             ('lir', ['lir', '--impu', 'tel:+{imsi}']))
    rows = []
    for inflight in (10, 100):
        c = count if inflight == 100 else max(count // 5, 100)
        for name, args in cases:
            before = cpu_s(hss.p.pid)
            r = h.dclient('--realm', REALM, '--dest-realm', REALM, 'load', *args, '--count', c,
                          '--concurrency', inflight, '--imsi-range', imsis, peer=port,
                          peer_host='hss.bench', timeout_ms=30000, wall_timeout=3600)
            used = cpu_s(hss.p.pid) - before
            s = r.answer
            ok = sum(v for k, v in (s or {}).get('results', {}).items() if k.split(':')[-1].startswith('2'))
            if not s or s.get('answered') != c or ok != c:
                h.fail('%s at %d in flight: not all answered with success: %s' % (name, inflight, s))
            lat = s['latency_us']
            rows.append((name, inflight, s['rps'], lat['p50'], lat['p90'], lat['p99'], lat['p99.9'],
                         used * 1e6 / c))
    print()
    print('Cx benchmark: %d USIMs (hssctl import: %.1f s) and IMS subscriptions (hssctl ims-import: '
          '%.1f s), SQLite synchronous=%s, %d requests at 100 in flight'
          % (n, t1 - t0, t2 - t1, sync.upper() or 'FULL (default)', count))
    print('%-9s %8s %10s %9s %9s %9s %9s %12s' % ('case', 'inflight', 'req/s', 'p50 us', 'p90 us',
                                                  'p99 us', 'p99.9 us', 'server us/req'))
    for row in rows:
        print('%-9s %8d %10.0f %9d %9d %9d %9d %12.1f' % row)
    print(json.dumps({'kind': 'cx_bench', 'subscriptions': n, 'import_s': round(t1 - t0, 2),
                      'ims_import_s': round(t2 - t1, 2), 'sync': sync or 'full',
                      'rows': [dict(zip(('case', 'inflight', 'rps', 'p50', 'p90', 'p99', 'p99.9',
                                         'server_cpu_us'), r)) for r in rows]}))


harness.run(bench, name='bench_cx', ports=(22940, 22959))

# SPDX-License-Identifier: BSD-3-Clause
"""DPR over TLS under valgrind (issue 11). freeDiameter 1.2.1 was seen freeing a TLS
connection's state while a DPR from that peer was still being handled. This test runs the
HSS and the DRA under valgrind (memcheck) with mutual TLS between them and shows that neither
reaches it in the ways our deployments use TLS: TLS peers send DPR to the HSS and to the DRA
(3 each), then the DRA is stopped (SIGTERM: it sends DPR REBOOTING to the HSS over TLS) and
the HSS too. Each answered every DPR with a DPA, kept serving, and valgrind reports no error
(--error-exitcode: an invalid read or write makes the process exit 9). Skipped (77) without
valgrind or certtool."""
import os
import shutil
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seclib  # noqa: E402
from seclib import harness, hsslib  # noqa: E402

IMSI = '001010000000061'


def dpr(h, port, identity, cert, ca, what, server):
    s, rc, why = seclib.connect(h, port, identity, tls=cert, ca=ca, timeout=30, server=server)
    h.check(rc == 2001, '%s: CEA 2001 (%s %s)' % (what, rc, why))
    s.sendall(harness.msg_encode(282, 0, 0x80, 9, 9, seclib.A(264, identity) + seclib.A(296, 'test') +
                                 seclib.A(273, 0)))
    m = harness.recv_msg(s)
    while isinstance(m, harness.RawMsg) and m.request and m.code == 280:
        s.sendall(harness.msg_encode(280, 0, 0, m.hbh, m.e2e, seclib.A(268, 2001) +
                                     seclib.A(264, identity) + seclib.A(296, 'test')))
        m = harness.recv_msg(s)
    h.check(isinstance(m, harness.RawMsg) and m.code == 282 and not m.request, '%s: DPA' % what)
    s.close()


def valgrind_errors(path):
    with open(path) as f:
        text = f.read()
    for line in text.splitlines():
        if 'ERROR SUMMARY' in line:
            return int(line.split('ERROR SUMMARY:')[1].split()[0]), text
    return None, text


def test(h):
    if not shutil.which('valgrind'):
        harness.skip('valgrind is not installed')
    ca = seclib.make_ca(h)
    hss_c = seclib.make_cert(h, ca, 'hss', 'hss.test')
    dra_c = seclib.make_cert(h, ca, 'dra', 'dra.test')
    mme_c = seclib.make_cert(h, ca, 'mme1', 'mme1.test')
    hss_port, hss_tls, dra_port, dra_tls = h.port(), h.port(), h.port(), h.port()
    db = h.path('hss.db')
    hsslib.init(h, db)
    hsslib.provision(h, db, IMSI)
    vg = ['valgrind', '--error-exitcode=9', '--trace-children=no']
    hcfg = h.write_config('hss.yaml', 'hss.test', 'test', hss_port,
                          diameter={'tls_port': hss_tls, 'tls_cert': hss_c[0], 'tls_key': hss_c[1],
                                    'tls_ca': ca[0], 'tw_timer': 60},
                          database={'backend': 'sqlite', 'path': db},
                          extra='s6a:\n  home_plmns: ["00101"]\n')
    hss = h.start('hss', vg + ['--log-file=' + h.path('vg-hss.txt'), h.binary('hss'), '-c', hcfg],
                  wait_port=hss_tls, timeout=120)
    dcfg = h.write_config('dra.yaml', 'dra.test', 'dra.realm', dra_port,
                          peers=[{'host': 'hss.test', 'realm': 'test', 'port': hss_tls, 'tls': True}],
                          diameter={'tls_port': dra_tls, 'tls_cert': dra_c[0], 'tls_key': dra_c[1],
                                    'tls_ca': ca[0], 'tw_timer': 60},
                          peer_groups=[{'name': 'hss', 'peers': ['hss.test']}],
                          routes=[{'name': 'home', 'match': {'realm': 'test'}, 'group': 'hss'}])
    dra = h.start('dra', vg + ['--log-file=' + h.path('vg-dra.txt'), h.binary('dra'), '-c', dcfg],
                  wait_log='relaying, config', timeout=120)
    dra.wait_port(dra_tls, timeout=60)
    dra.wait_peer_open('hss.test', timeout=60)

    for i in range(3):
        dpr(h, hss_tls, 'mme1.test', mme_c, ca[0], 'TLS peer -> HSS, DPR %d' % i, 'hss.test')
        dpr(h, dra_tls, 'mme1.test', mme_c, ca[0], 'TLS peer -> DRA, DPR %d' % i, 'dra.test')
    mme = seclib.mme(h, dra_port, 'mme9.test', timeout=30)
    a = mme.request(seclib.S6A, 318, seclib.air_avps('test', IMSI))
    h.check(seclib.result_code(a) == 2001, 'after the DPRs, an AIR through both: 2001 (%s)' %
            seclib.result_code(a))
    mme.close()

    dra.p.send_signal(signal.SIGTERM)   # DPR REBOOTING to the HSS over TLS
    h.check(dra.p.wait(60) == 0, 'the DRA stopped cleanly under valgrind (exit %s)' % dra.p.returncode)
    hss.wait_log("sent a DPR", timeout=30)
    hss.p.send_signal(signal.SIGTERM)
    h.check(hss.p.wait(60) == 0, 'the HSS stopped cleanly under valgrind (exit %s)' % hss.p.returncode)
    for name in ('hss', 'dra'):
        n, text = valgrind_errors(h.path('vg-%s.txt' % name))
        h.check(n == 0, 'valgrind: no memory error in the %s (%s)%s' %
                (name, n, '' if n == 0 else '\n' + text[-4000:]))


harness.run(test, ports=(26060, 26079))

# SPDX-License-Identifier: BSD-3-Clause
"""Identity binding and TLS (issue 11): a peer's identity is tied to what it cannot fake.
The test makes a CA and certificates with certtool, then, against a real HSS with a TLS port:
  - the DRA and the HSS talk mutual TLS (each verifies the other's certificate against the
    CA; the HSS checks that the DRA's certificate names dra.test) and requests through them
    are served;
  - a TLS peer whose CA-signed certificate names another host than its CER's Origin-Host is
    refused (freeDiameter 1.2.1 checks names only when it connects itself: this was admitted);
  - an expired certificate is refused in the handshake;
  - a peer the policy requires to use TLS is refused on the clear-text port;
  - a CER from an address not listed for the peer is refused, whatever Host-IP-Address it
    advertises; the same peer from its address is admitted;
  - a TLS peer that sends DPR, again and again, leaves the HSS serving."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seclib  # noqa: E402
from seclib import harness, hsslib  # noqa: E402

IMSI = '001010000000051'
UNKNOWN_PEER = 3010


def test(h):
    ca = seclib.make_ca(h)
    hss_c = seclib.make_cert(h, ca, 'hss', 'hss.test')
    dra_c = seclib.make_cert(h, ca, 'dra', 'dra.test')
    mme1_c = seclib.make_cert(h, ca, 'mme1', 'mme1.test')
    evil_c = seclib.make_cert(h, ca, 'evil', 'evil.test')
    old_c = seclib.make_cert(h, ca, 'old', 'mme1.test', expired=True)

    hss_port, hss_tls, dra_port = h.port(), h.port(), h.port()
    db, ctl = h.path('hss.db'), h.path('hss.ctl')
    hsslib.init(h, db)
    hsslib.provision(h, db, IMSI)
    policy = {'peers': [
        {'match': 'dra.test', 'role': 'relay', 'tls': True},
        {'match': 'mme1.test', 'role': 'mme', 'tls': True},
        {'match': 'mme2.test', 'role': 'mme', 'addresses': ['127.0.0.2/32', '2001:db8::/32']},
        {'match': 'evil.test', 'role': 'mme'},
    ]}
    hcfg = h.write_config('hss.yaml', 'hss.test', 'test', hss_port, ctl_socket=ctl,
                          diameter={'tls_port': hss_tls, 'tls_cert': hss_c[0], 'tls_key': hss_c[1],
                                    'tls_ca': ca[0]},
                          database={'backend': 'sqlite', 'path': db}, policy=policy,
                          extra='s6a:\n  home_plmns: ["00101"]\n')
    hss = h.start('hss', [h.binary('hss'), '-c', hcfg], wait_port=hss_port)

    # -- mutual TLS between the DRA and the HSS ------------------------------------------
    dcfg = h.write_config('dra.yaml', 'dra.test', 'dra.realm', dra_port,
                          peers=[{'host': 'hss.test', 'realm': 'test', 'port': hss_tls, 'tls': True}],
                          diameter={'tls_cert': dra_c[0], 'tls_key': dra_c[1], 'tls_ca': ca[0]},
                          peer_groups=[{'name': 'hss', 'peers': ['hss.test']}],
                          routes=[{'name': 'home', 'match': {'realm': 'test'}, 'group': 'hss'}])
    dra = h.dra(dcfg)
    dra.wait_port(dra_port)
    dra.wait_peer_open('hss.test')
    hss.wait_log(r"Connected to 'dra.test' \(TCP,TLS\)", timeout=10)
    mme = seclib.mme(h, dra_port, 'mme9.test')
    a = mme.request(seclib.S6A, 318, seclib.air_avps('test', IMSI))
    h.check(seclib.result_code(a) == 2001, 'AIR through the DRA over mutual TLS: 2001 (%s)' %
            seclib.result_code(a))

    # -- certificates -----------------------------------------------------------------------
    s, rc, why = seclib.connect(h, hss_tls, 'mme1.test', tls=mme1_c, ca=ca[0])
    h.check(rc == 2001, 'mme1 with its certificate over TLS: CEA 2001 (%s %s)' % (rc, why))
    a = seclib.request(s, 'mme1.test', 'test', seclib.S6A, 318, seclib.air_avps('test', IMSI))
    h.check(seclib.result_code(a) == 2001, 'and its AIR: 2001')
    s.close()
    s, rc, why = seclib.connect(h, hss_tls, 'mme1.test', tls=evil_c, ca=ca[0])
    h.check(rc != 2001, 'a CA-signed certificate naming evil.test, CER as mme1.test: refused '
            '(%s %s)' % (rc, why))
    s.close()
    s, rc, why = seclib.connect(h, hss_tls, 'evil.test', tls=evil_c, ca=ca[0])
    h.check(rc == 2001, 'the same certificate with its own name: CEA 2001 (%s %s)' % (rc, why))
    s.close()
    s, rc, why = seclib.connect(h, hss_tls, 'mme1.test', tls=old_c, ca=ca[0])
    h.check(rc is None, 'an expired certificate: no CEA (%s)' % why)
    s.close()
    s, rc, why = seclib.connect(h, hss_port, 'mme1.test')
    h.check(rc == UNKNOWN_PEER, 'mme1 (tls: true) on the clear-text port: CEA 3010 (%s %s)' % (rc, why))
    s.close()

    # -- addresses ----------------------------------------------------------------------------
    s, rc, why = seclib.connect(h, hss_port, 'mme2.test')
    h.check(rc == UNKNOWN_PEER, 'mme2 from 127.0.0.1 (listed: 127.0.0.2), advertising '
            'Host-IP-Address 127.0.0.1: CEA 3010 (%s %s)' % (rc, why))
    s.close()
    s, rc, why = seclib.connect(h, hss_port, 'mme2.test', source='127.0.0.2')
    h.check(rc == 2001, 'mme2 from 127.0.0.2: CEA 2001 (%s %s)' % (rc, why))
    a = seclib.request(s, 'mme2.test', 'test', seclib.S6A, 318, seclib.air_avps('test', IMSI))
    h.check(seclib.result_code(a) == 2001, 'and its AIR: 2001')
    s.close()

    # -- DPR from TLS peers ---------------------------------------------------------------------
    for i in range(10):
        s, rc, why = seclib.connect(h, hss_tls, 'mme1.test', tls=mme1_c, ca=ca[0])
        h.check(rc == 2001, 'TLS peer %d: CEA 2001 (%s)' % (i, why))
        s.sendall(harness.msg_encode(282, 0, 0x80, 9, 9, seclib.A(264, 'mme1.test') +
                                     seclib.A(296, 'test') + seclib.A(273, 0)))
        try:
            m = harness.recv_msg(s)
            while isinstance(m, harness.RawMsg) and m.request and m.code == 280:   # DWR
                s.sendall(harness.msg_encode(280, 0, 0, m.hbh, m.e2e, seclib.A(268, 2001) +
                                             seclib.A(264, 'mme1.test') + seclib.A(296, 'test')))
                m = harness.recv_msg(s)
        except OSError as e:
            m = e
        h.check(isinstance(m, harness.RawMsg) and m.code == 282 and not m.request,
                'DPA %d (%r)' % (i, (m.code, m.request) if isinstance(m, harness.RawMsg) else m))
        s.close()
    a = mme.request(seclib.S6A, 318, seclib.air_avps('test', IMSI), hbh=50)
    h.check(seclib.result_code(a) == 2001 and hss.running(),
            'after 10 DPRs over TLS the HSS still serves (%s)' % seclib.result_code(a))


harness.run(test, ports=(26040, 26059))

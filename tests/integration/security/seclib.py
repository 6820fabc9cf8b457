# SPDX-License-Identifier: BSD-3-Clause
"""Helpers of the security tests: an HSS behind a DRA, raw MMEs that advertise S6a only
(as real MMEs do: no Relay application), and raw S6a requests."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'hss'))
import hsslib  # noqa: E402
from hsslib import harness  # noqa: E402

A = harness.avp_encode
S6A = 16777251
CX = 16777216
TGPP = 10415


def vsai(app):
    return A(260, A(266, TGPP) + A(258, app))


def s6a_req(dest_realm, imsi, extra=b'', dest_host=None):
    """The AVPs after Origin-Host/Realm of an S6a request (RawClient.request adds the head)."""
    body = vsai(S6A) + A(277, 1)
    if dest_host:
        body += A(293, dest_host)
    return body + A(283, dest_realm) + A(1, imsi) + extra


def air_avps(dest_realm, imsi, dest_host=None):
    # Requested-EUTRAN-Authentication-Info { Number-Of-Requested-Vectors 1 }, Visited-PLMN-Id
    rai = A(1408, A(1410, 1, vendor=TGPP), vendor=TGPP)
    return s6a_req(dest_realm, imsi, rai + A(1407, bytes.fromhex(hsslib.PLMN_HEX), vendor=TGPP),
                   dest_host)


def ulr_avps(dest_realm, imsi, dest_host=None):
    # RAT-Type EUTRAN (1004), ULR-Flags S6a/S6d-Indicator, Visited-PLMN-Id
    extra = (A(1032, 1004, vendor=TGPP) + A(1405, 2, vendor=TGPP) +
             A(1407, bytes.fromhex(hsslib.PLMN_HEX), vendor=TGPP))
    return s6a_req(dest_realm, imsi, extra, dest_host)


def clr_avps(dest_realm, dest_host, imsi):
    # Cancellation-Type SUBSCRIPTION_WITHDRAWAL (2)
    return s6a_req(dest_realm, imsi, A(1420, 2, vendor=TGPP), dest_host)


def result_code(m):
    """Result-Code, or Experimental-Result-Code, of a RawMsg answer; None."""
    if not isinstance(m, harness.RawMsg):
        return None
    rc = m.find(268)
    if rc:
        return rc[0].u32()
    for er in m.find(297):
        for ch in er.children():
            if ch.code == 298:
                return ch.u32()
    return None


def mme(h, port, identity, realm='test', timeout=5.0):
    """A raw MME connected to port: advertises S6a only (no Relay)."""
    return harness.RawClient(h, port, identity, realm=realm, timeout=timeout, apps=(S6A,))


# -- certificates and a raw TLS client ------------------------------------------------------

def certtool(h, *args):
    import subprocess
    cp = subprocess.run(['certtool'] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if cp.returncode != 0:
        h.fail('certtool %s: %s' % (' '.join(args), cp.stderr.decode()[-400:]))


def make_ca(h):
    """A test CA in the temp dir: (ca.pem, ca.key)."""
    import shutil
    if not shutil.which('certtool'):
        harness.skip('certtool (Debian gnutls-bin) is not installed')
    ca, key = h.path('ca.pem'), h.path('ca.key')
    tmpl = h.write('ca.tmpl', 'cn = "dcore test CA"\nca\ncert_signing_key\nexpiration_days = 30\n')
    certtool(h, '--generate-privkey', '--key-type', 'ecdsa', '--outfile', key)
    certtool(h, '--generate-self-signed', '--load-privkey', key, '--template', tmpl, '--outfile', ca)
    return ca, key


def make_cert(h, ca, name, cn, expired=False):
    """A certificate for cn (subject CN and SAN dNSName) signed by ca: (cert, key)."""
    cert, key = h.path(name + '.pem'), h.path(name + '.key')
    t = 'cn = "%s"\ndns_name = "%s"\ntls_www_client\ntls_www_server\nsigning_key\nencryption_key\n' % (cn, cn)
    if expired:
        t += 'activation_date = "2020-01-01 00:00:00"\nexpiration_date = "2020-02-01 00:00:00"\n'
    else:
        t += 'expiration_days = 30\n'
    tmpl = h.write(name + '.tmpl', t)
    certtool(h, '--generate-privkey', '--key-type', 'ecdsa', '--outfile', key)
    certtool(h, '--generate-certificate', '--load-privkey', key, '--load-ca-certificate', ca[0],
             '--load-ca-privkey', ca[1], '--template', tmpl, '--outfile', cert)
    return cert, key


def cer_bytes(identity, realm, apps):
    return harness.msg_encode(257, 0, 0x80, 1, 1, A(264, identity) + A(296, realm) +
                              A(257, b'\x00\x01\x7f\x00\x00\x01') + A(266, 0) +
                              A(269, 'seclib', flags=0) + b''.join(A(258, a) for a in apps))


def connect(h, port, identity, realm='test', apps=(S6A,), tls=None, ca=None, source=None,
            timeout=5.0, server='hss.test'):
    """Connect to port (from `source`, over TLS with the (cert, key) pair `tls`), send a CER;
    returns (socket, CEA Result-Code or None when the connection closed or the TLS handshake
    failed, and the error text)."""
    import socket
    import ssl
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    if source:
        s.bind((source, 0))
    s.connect(('127.0.0.1', port))
    try:
        if tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.load_verify_locations(ca)
            ctx.load_cert_chain(tls[0], tls[1])
            s = ctx.wrap_socket(s, server_hostname=server)
        s.sendall(cer_bytes(identity, realm, apps))
        m = harness.recv_msg(s)
    except (OSError, ssl.SSLError) as e:
        return s, None, repr(e)
    if m is None:
        return s, None, 'closed'
    return s, result_code(m), ''


def request(s, identity, realm, app, code, avps_bytes, hbh=7):
    """A request on a connection from connect(); its answer (skipping DWRs) or None."""
    head = A(263, '%s;sec;%d' % (identity, hbh)) + A(264, identity) + A(296, realm)
    s.sendall(harness.msg_encode(code, app, 0xc0, hbh, hbh, head + avps_bytes))
    while True:
        m = harness.recv_msg(s)
        if m is not None and m.request and m.code == 280:
            s.sendall(harness.msg_encode(280, 0, 0, m.hbh, m.e2e, A(268, 2001) + A(264, identity) +
                                         A(296, realm)))
            continue
        return m

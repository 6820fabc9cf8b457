# SPDX-License-Identifier: BSD-3-Clause
"""cxlib: the Cx test bed shared by tests/integration/cx/: our DRA in front of our HSS, the
CSCFs played by dclient through the DRA (the I-CSCF for UAR/LIR, the S-CSCF for MAR/SAR and,
in serve mode, receiving the HSS's RTR/PPR), subscriptions provisioned with hssctl.

    dclient (icscf.cx.test / scscf.cx.test) --> dra.cx.test --> hss.cx.test
                                   RTR, PPR <-- (default_route: the DRA) <--

The database is a SQLite file, or MariaDB when the test is given a mysql://... URI as its
first argument (run_mysql.py does that)."""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'hss'))
import harness  # noqa: E402
import hsslib  # noqa: E402

REALM = 'cx.test'
DRA, HSS = 'dra.cx.test', 'hss.cx.test'
ICSCF, SCSCF, SCSCF2 = 'icscf.cx.test', 'scscf.cx.test', 'scscf2.cx.test'
DIRECT = 'direct.cx.test'   # a client the HSS accepts without the DRA (for what the DRA stops)
SCSCF_URI, SCSCF2_URI = 'sip:scscf.cx.test:6060', 'sip:scscf2.cx.test:6060'
K, OPC = hsslib.K, hsslib.OPC
XSD = os.path.join(harness.SRCDIR, 'hss', 'ims', 'xsd', 'CxDataType.xsd')
KAMAILIO_XSD = '/usr/share/doc/kamailio/examples/ims/scscf/CxDataType_Rel7.xsd'

# Result codes (TS 29.229 6.2, RFC 6733)
FIRST_REGISTRATION, SUBSEQUENT_REGISTRATION, UNREGISTERED_SERVICE = 2001, 2002, 2003
SERVER_NAME_NOT_STORED = 2004
USER_UNKNOWN, IDENTITIES_DONT_MATCH, IDENTITY_NOT_REGISTERED = 5001, 5002, 5003
ROAMING_NOT_ALLOWED, IDENTITY_ALREADY_REGISTERED = 5004, 5005
AUTH_SCHEME_NOT_SUPPORTED, IN_ASSIGNMENT_TYPE = 5006, 5007
AUTHORIZATION_REJECTED, AVP_OCCURS_TOO_MANY_TIMES = 5003, 5009


def md5_ha1(impi, realm, password):
    return hashlib.md5(('%s:%s:%s' % (impi, realm, password)).encode()).hexdigest()


class Bed:
    def __init__(self, h, cx='', mysql_uri=None, sh=None, hss_sections=None, cx_poll_ms=200):
        """hss_sections: more top-level sections of hss.yaml as data ({'snmp': {...}});
        cx_poll_ms: cx.outbox_poll_ms (what hssctl queues without telling the HSS waits for it)."""
        self.h = h
        self.port_dra, self.port_hss = h.port(), h.port()
        if mysql_uri:
            self.db = 'mysql:' + mysql_uri
            self.spec = ['-d', 'mysql:' + mysql_uri]
            dbsec = {'backend': 'mysql', 'uri': mysql_uri}
        else:
            self.db = h.path('hss.db')
            self.spec = ['--db', self.db]
            dbsec = {'backend': 'sqlite', 'path': self.db}
        self.ctl = h.path('hss.ctl')
        self.hss_cfg = h.write_config(
            'hss.yaml', HSS, REALM, self.port_hss, accept_peers=[DRA, DIRECT],
            diameter={'default_route': [DRA]}, database=dbsec, s6a={'home_plmns': ['00101']},
            ctl_socket=self.ctl, **(hss_sections or {}),
            extra='cx:\n  scscf_names: ["%s"]\n  home_networks: ["%s"]\n'
                  '  roaming_partners: [partner.example.net]\n  outbox_poll_ms: %d\n'
                  '  push_timeout_ms: 2000\n%s%s' % (SCSCF_URI, REALM, cx_poll_ms, cx, sh or ''))
        apps = ['s6a', 'cx', 'sh'] if sh is not None else ['s6a', 'cx']
        self.dra_cfg = h.write_config(
            'dra.yaml', DRA, REALM, self.port_dra, accept_peers=['*.cx.test'],
            peers=[{'host': HSS, 'realm': REALM, 'port': self.port_hss}],
            advertise_apps=apps,
            peer_groups=[{'name': 'hss', 'policy': 'failover', 'peers': [HSS]}],
            routes=[{'name': 'hss', 'match': {'app': apps}, 'group': 'hss'}])
        self.hssctl('init')
        self.hss = h.start('hss', [h.binary('hss'), '-c', self.hss_cfg], wait_port=self.port_hss,
                           timeout=20)
        self.dra = h.dra(self.dra_cfg)
        self.dra.wait_peer_open(HSS, timeout=30)

    # -- provisioning -------------------------------------------------------------------
    def hssctl(self, *args, check=True, config=False):
        argv = [self.h.binary('hssctl')] + (['-c', self.hss_cfg] if config else self.spec) + \
            [str(a) for a in args]
        cp = subprocess.run(argv, capture_output=True, text=True)
        if check and cp.returncode != 0:
            self.h.fail('hssctl %s failed (%d): %s' % (' '.join(map(str, args)), cp.returncode,
                                                        cp.stderr))
        return cp

    def s6a(self, imsi, *extra):
        self.hssctl('add', '--imsi', imsi, '--k', K, '--opc', OPC, '--apn', 'ims', *extra)

    def ims(self, name, yaml_text, *extra):
        return self.hssctl('ims-import', self.h.write(name + '.yaml', yaml_text), *extra)

    # -- CSCFs ----------------------------------------------------------------------------
    def cx(self, who, *args, timeout_ms=5000):
        """One Cx request through the DRA as CSCF `who`; the DResult (retried while the
        DRA is still connecting to the HSS)."""
        for _ in range(40):
            r = self.h.dclient('--realm', REALM, '--dest-realm', REALM, *args, peer=self.port_dra,
                               peer_host=DRA, identity=who, timeout_ms=timeout_ms)
            if r.answer and r.answer.get('result_code') == 3002:
                time.sleep(0.25)
                continue
            return r
        return r

    def direct(self, *args, timeout_ms=5000):
        """One request straight to the HSS (not through the DRA, whose parser would stop a
        malformed one first)."""
        return self.h.dclient('--realm', REALM, '--dest-realm', REALM, *args, peer=self.port_hss,
                              peer_host=HSS, identity=DIRECT, timeout_ms=timeout_ms)

    def serve(self, who, seconds, count, *extra):
        """A CSCF that stays up answering the HSS's requests (RTR, PPR), in the background."""
        return self.h.dclient_bg('serve-' + who, '--realm', REALM, '--serve-seconds', seconds,
                                 '--serve-count', count, *extra, 'serve', peer=self.port_dra,
                                 peer_host=DRA, identity=who, timeout_ms=5000)

    def ctl_cmd(self, line):
        return harness.ctl_request(self.ctl, line)

    def stats(self):
        line = self.ctl_cmd('stats')
        out = {}
        for part in line[3:].split('; '):
            words = part.split()
            out[words[0]] = {k: int(v) for k, v in (w.split('=') for w in words[1:])}
        return out


# -- answers ------------------------------------------------------------------------------

def result(r):
    """('rc', code) / ('exp', code) of a DResult, None without an answer."""
    return hsslib.result(r)


def check_head(h, r, what):
    """Every Cx answer: VSAI {10415, 16777216}, Auth-Session-State 1, the HSS as origin."""
    a = r.answer
    h.check(a is not None, what + ': answered (%s)' % (r.stderr.strip()[-300:] if not a else 'ok'))
    h.check(harness.avp(a, 'Vendor-Specific-Application-Id/Vendor-Id') == 10415 and
            harness.avp(a, 'Vendor-Specific-Application-Id/Auth-Application-Id') == 16777216,
            what + ': Vendor-Specific-Application-Id {10415, 16777216}')
    h.check(harness.avp(a, 'Auth-Session-State') == 1, what + ': Auth-Session-State NO_STATE_MAINTAINED')
    h.check(harness.avp(a, 'Origin-Host') == HSS and harness.avp(a, 'Origin-Realm') == REALM,
            what + ': Origin-Host/-Realm of the HSS')


def expect(h, r, kind, code, what):
    check_head(h, r, what)
    h.check(result(r) == (kind, code), '%s: %s %d (got %s)' % (what, kind, code, result(r)))


def user_data(h, r, what, impus=(), impi=None):
    """The User-Data of an answer: valid against hss/ims/xsd/CxDataType.xsd (and Kamailio's
    CxDataType_Rel7.xsd when installed) with xmllint, parsed back; checks PrivateID and that
    every identity of impus is in it. Returns the ElementTree root."""
    raw = harness.avp(r.answer, 'User-Data')
    h.check(raw is not None, what + ': User-Data present')
    xml = bytes.fromhex(raw)
    path = h.path('user-data-%d.xml' % (len(os.listdir(h.tmp))))
    with open(path, 'wb') as f:
        f.write(xml)
    for xsd in (XSD, KAMAILIO_XSD):
        if xsd == KAMAILIO_XSD and not os.path.exists(xsd):
            continue
        cp = subprocess.run(['xmllint', '--noout', '--schema', xsd, path], capture_output=True,
                            text=True)
        h.check(cp.returncode == 0, '%s: User-Data valid against %s (%s)'
                % (what, os.path.basename(xsd), cp.stderr.strip()[-400:]))
    root = ET.fromstring(xml)
    h.check(root.tag == 'IMSSubscription', what + ': IMSSubscription without a namespace')
    if impi:
        h.check(root.findtext('PrivateID') == impi, '%s: PrivateID %s' % (what, impi))
    ids = [e.text for e in root.iter('Identity')]
    for u in impus:
        h.check(u in ids, '%s: %s in the User-Data (%s)' % (what, u, ids))
    return root


def items(r):
    """SIP-Auth-Data-Items of an MAA: list of dicts name -> value."""
    out = []
    for it in harness.avps(r.answer, 'SIP-Auth-Data-Item'):
        d = {}
        for a in it.get('avps') or []:
            if a.get('avps') is not None:
                d[a['name']] = {c['name']: c.get('value') for c in a['avps']}
            else:
                d[a['name']] = a.get('value')
        out.append(d)
    return out


def usim(h, item, k=K, opc=OPC):
    """What a USIM/ISIM makes of an AKA item: dict sqn/res/ck/ik/amf (hss_usim), None when
    it rejects the AUTN."""
    ra = item['SIP-Authenticate']
    return hsslib.usim_check(h, ra[:32], ra[32:], k=k, opc=opc)


def skip_without_xmllint():
    if not shutil.which('xmllint'):
        harness.skip('xmllint not installed (libxml2-utils; ./run deps installs it)')


def mysql_uri():
    """The MariaDB URI run_mysql.py passes, or None."""
    return sys.argv[1] if len(sys.argv) > 1 and sys.argv[1].startswith('mysql://') else None

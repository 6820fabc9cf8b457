#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Sh (TS 29.328/29.329) through the DRA to the HSS, the application servers played by
dclient over real sockets (tas: every right; presence: a few Data-References and only the
"mmtel*" repository data; rogue: not in sh.application_servers):

  UDR   IMSPublicIdentity (by Public-Identity and by MSISDN, TBCD), MSISDN, IMSUserState and
        S-CSCFName before and after a registration, InitialFilterCriteria (Server-Name),
        ChargingInformation, PSIActivation and DSAI of a PSI, UserState (PS: detached),
        LocationInformation (PS, no MME: empty; after a ULR through the DRA: the MME's name,
        attached; CS: empty), RepositoryData; every Sh-Data valid against
        hss/ims/xsd/ShDataType.xsd (xmllint) and parsed back
  PUR   RepositoryData with the sequence rule (0 creates, successor only: 5105, deletion),
        PSIActivation, DSAI; 5103 for data not updatable or an AS without the right, 5100 for
        a document that is not Sh-Data, 5008 over sh.max_service_data, 5101 PSI activation of
        a user identity, 5108 an unknown DSAI tag
  SNR   subscribe with Send-Data-Indication and Expiry-Time (granted, capped), unsubscribe,
        5106 unsubscribing from nothing, 5104 data the AS may not subscribe to
  PNR   to the subscribed AS through the DRA on another AS's PUR (the updating AS not told),
        on a registration (SAR: IMS user state and S-CSCF name), on `hssctl ims-import`
        changing PSI activation; a PNA 5107 removes the subscription (then SNR unsubscribe
        5106)
  errors 5001, 5102, 5101, 5108, 5005 with Failed-AVP (Service-Indication, Server-Name,
        User-Identity), 5004 with Failed-AVP (undefined Data-References, an MSISDN not in TBCD
        digits, both identities, Identity-Set and Requested-Domain out of range, an Expiry-Time
        already past)
  counters UDR/PUR_SH/SNR/PNR in the control socket's stats

Runs on SQLite, and on MariaDB when given a mysql:// URI (cx-sh-mysql through run_mysql.py).
Ports 23260-23279.
"""
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cxlib  # noqa: E402
import harness  # noqa: E402
from cxlib import REALM, DRA, SCSCF, SCSCF_URI  # noqa: E402

TAS, PRES, ROGUE = 'tas.cx.test', 'presence.cx.test', 'rogue.cx.test'
SH_XSD = os.path.join(harness.SRCDIR, 'hss', 'ims', 'xsd', 'ShDataType.xsd')
SH = '''sh:
  outbox_poll_ms: 200
  notify_timeout_ms: 2000
  max_service_data: 1024
  max_expiry_s: 3600
  application_servers:
    - name: tas
      origin_hosts: [tas.cx.test]
      read: [all]
      update: [repository_data, psi_activation, dsai]
      subscribe: [all]
    - name: presence
      origin_hosts: ["presence.*"]
      read: [repository_data, ims_user_state, scscf_name, ims_public_identity]
      subscribe: [repository_data, ims_user_state, scscf_name]
      service_indications: ["mmtel*"]
'''
IMSI, MSISDN = '001010000000301', '33100000301'
SUB = '''id: sam
private_identities:
  - {identity: sam@cx.test, auth_schemes: [sip-digest], digest_realm: cx.test, digest_password: pw, imsi: "%s"}
public_identities:
  - {identity: sip:sam@cx.test, irs: 1, irs_default: true, service_profile: p}
  - {identity: "tel:+%s", irs: 1, service_profile: p}
  - identity: sip:chat@cx.test
    type: distinct_psi
    service_profile: p
    psi_active: %s
    dsai:
      - {as: sip:tas.cx.test, tag: filtering}
service_profiles:
  - name: p
    ifcs:
      - {priority: 1, application_server: {server_name: sip:tas.cx.test}}
      - {priority: 2, application_server: {server_name: sip:other.cx.test}}
charging: {primary_ccf: "aaa://ccf.cx.test"}
'''
USER = 'sip:sam@cx.test'
PSI = 'sip:chat@cx.test'
# Data-References (TS 29.329 6.3.4)
REPO, IDS, IMS_STATE, SCSCF_NAME, IFC, LOCATION, USER_STATE, CHARGING, MSISDN_REF, PSI_ACT, DSAI = \
    0, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19
# Experimental-Result-Codes (TS 29.329 6.2)
USER_UNKNOWN, TOO_MUCH_DATA = 5001, 5008
NOT_RECOGNIZED, NOT_ALLOWED, CANNOT_READ, CANNOT_MODIFY, CANNOT_NOTIFY = 5100, 5101, 5102, 5103, 5104
OUT_OF_SYNC, SUBS_DATA_ABSENT, NO_SUBSCRIPTION, DSAI_NOT_AVAILABLE = 5105, 5106, 5107, 5108


def repo_xml(si, seq, data=None):
    sd = '<ServiceData>%s</ServiceData>' % data if data is not None else ''
    return ('<Sh-Data><RepositoryData><ServiceIndication>%s</ServiceIndication>'
            '<SequenceNumber>%d</SequenceNumber>%s</RepositoryData></Sh-Data>' % (si, seq, sd))


def sh_head(h, r, what):
    a = r.answer
    h.check(a is not None, what + ': answered (%s)' % (r.stderr.strip()[-300:] if not a else 'ok'))
    h.check(harness.avp(a, 'Vendor-Specific-Application-Id/Vendor-Id') == 10415 and
            harness.avp(a, 'Vendor-Specific-Application-Id/Auth-Application-Id') == 16777217,
            what + ': Vendor-Specific-Application-Id {10415, 16777217}')
    h.check(harness.avp(a, 'Auth-Session-State') == 1 and harness.avp(a, 'Origin-Host') == cxlib.HSS,
            what + ': Auth-Session-State, Origin-Host of the HSS')


def expect(h, r, kind, code, what):
    sh_head(h, r, what)
    h.check(cxlib.result(r) == (kind, code), '%s: %s %d (got %s)' % (what, kind, code, cxlib.result(r)))


def sh_data(h, msg, what):
    """The Sh-Data of a message: valid against ShDataType.xsd, parsed back (root)."""
    raw = harness.avp(msg, 'User-Data-29.329')
    h.check(raw is not None, what + ': User-Data present')
    xml = bytes.fromhex(raw)
    path = h.path('sh-data-%d.xml' % len(os.listdir(h.tmp)))
    with open(path, 'wb') as f:
        f.write(xml)
    cp = subprocess.run(['xmllint', '--noout', '--schema', SH_XSD, path], capture_output=True, text=True)
    h.check(cp.returncode == 0, '%s: Sh-Data valid against ShDataType.xsd (%s)' % (what, cp.stderr.strip()[-400:]))
    root = ET.fromstring(xml)
    h.check(root.tag == 'Sh-Data', what + ': root Sh-Data')
    return root


def texts(root, tag):
    return [e.text for e in root.iter(tag)]


class Sh:
    def __init__(self, h, bed):
        self.h, self.bed = h, bed

    def req(self, who, cmd, identity, *args):
        ident = ['--msisdn', identity[1:]] if identity.startswith('#') else ['--impu', identity]
        return self.bed.cx(who, cmd, *ident, *args)

    def udr(self, who, identity, *args):
        return self.req(who, 'udr', identity, *args)

    def pur(self, who, identity, dref, xml, *args):
        return self.req(who, 'pur-sh', identity, '--data-ref', dref, '--user-data', xml, *args)

    def subscribed(self, who, seconds, count, identity, *args, result='2001'):
        """An AS that subscribes (SNR) then stays up answering the HSS's PNRs, in the
        background; returns the process once its SNA is printed."""
        p = self.h.dclient_bg('as-%s-%d' % (who, len(os.listdir(self.h.tmp))), '--realm', REALM,
                              '--dest-realm', REALM, '--serve-seconds', seconds, '--serve-count', count,
                              '--serve-result', result, 'snr', '--impu', identity, *args,
                              peer=self.bed.port_dra, peer_host=DRA, identity=who, timeout_ms=5000)
        end = time.monotonic() + 20
        while time.monotonic() < end:
            r = harness.DResult(None, p.stdout(), '')
            if r.answer:
                return p, r
            time.sleep(0.1)
        self.h.fail('SNR from %s: no answer' % who)


def pnrs(h, proc, n, timeout=10.0):
    end = time.monotonic() + timeout
    while True:
        r = harness.DResult(None, proc.stdout(), '')
        if len(r.requests) >= n or time.monotonic() > end:
            h.check(len(r.requests) >= n, '%d PNR(s) reached the AS (got %d)' % (n, len(r.requests)))
            for q in r.requests:
                h.check(q['command'] == 'Push-Notification-Request', 'a PNR (%s)' % q['command'])
            return r.requests


def test(h):
    cxlib.skip_without_xmllint()
    traffic(h, cxlib.Bed(h, mysql_uri=cxlib.mysql_uri(), sh=SH))


def traffic(h, bed):
    """Everything above on a bed with SH (also tests/integration/tshark's Sh capture)."""
    bed.s6a(IMSI, '--msisdn', MSISDN)
    bed.ims('sam', SUB % (IMSI, MSISDN, 'false'))
    sh = Sh(h, bed)

    # -- UDR ----------------------------------------------------------------------------
    r = sh.udr(TAS, USER, '--data-ref', IDS)
    expect(h, r, 'rc', 2001, 'UDR IMSPublicIdentity')
    ids = texts(sh_data(h, r.answer, 'UDR IMSPublicIdentity'), 'IMSPublicIdentity')
    h.check(USER in ids and 'tel:+' + MSISDN in ids, 'IMSPublicIdentity lists the implicit set (%s)' % ids)
    r = sh.udr(TAS, '#' + MSISDN, '--data-ref', IDS, '--data-ref', MSISDN_REF)
    expect(h, r, 'rc', 2001, 'UDR by MSISDN (TBCD)')
    root = sh_data(h, r.answer, 'UDR by MSISDN')
    h.check(MSISDN in texts(root, 'MSISDN') and USER in texts(root, 'IMSPublicIdentity'),
            'by MSISDN: the MSISDN and the identities (%s, %s)' % (texts(root, 'MSISDN'), texts(root, 'IMSPublicIdentity')))
    r = sh.udr(TAS, USER, '--data-ref', IMS_STATE, '--data-ref', SCSCF_NAME, '--data-ref', CHARGING)
    expect(h, r, 'rc', 2001, 'UDR IMSUserState, S-CSCFName, ChargingInformation')
    root = sh_data(h, r.answer, 'UDR state')
    h.check(root.findtext('Sh-IMS-Data/IMSUserState') == '0', 'IMSUserState NOT_REGISTERED before the SAR')
    h.check(root.find('Sh-IMS-Data/SCSCFName') is None, 'no S-CSCFName before the SAR')
    h.check(root.findtext('Sh-IMS-Data/ChargingInformation/PrimaryChargingCollectionFunctionName') ==
            'aaa://ccf.cx.test', 'ChargingInformation: the primary CCF')
    r = sh.udr(TAS, USER, '--data-ref', IFC, '--server-name', 'sip:tas.cx.test')
    expect(h, r, 'rc', 2001, 'UDR InitialFilterCriteria')
    root = sh_data(h, r.answer, 'UDR iFC')
    h.check(texts(root, 'ServerName') == ['sip:tas.cx.test'],
            'only the iFCs of the AS named by Server-Name (%s)' % texts(root, 'ServerName'))
    r = sh.udr(TAS, PSI, '--data-ref', PSI_ACT)
    expect(h, r, 'rc', 2001, 'UDR PSIActivation')
    h.check(texts(sh_data(h, r.answer, 'UDR PSIActivation'), 'PSIActivation') == ['0'], 'PSIActivation INACTIVE')
    r = sh.udr(TAS, PSI, '--data-ref', DSAI, '--server-name', 'sip:tas.cx.test')
    expect(h, r, 'rc', 2001, 'UDR DSAI')
    root = sh_data(h, r.answer, 'UDR DSAI')
    h.check(texts(root, 'DSAI-Tag') == ['filtering'] and texts(root, 'DSAI-Value') == ['0'],
            'DSAI filtering ACTIVE (%s %s)' % (texts(root, 'DSAI-Tag'), texts(root, 'DSAI-Value')))
    r = sh.udr(TAS, USER, '--data-ref', USER_STATE, '--requested-domain', 1)
    expect(h, r, 'rc', 2001, 'UDR UserState PS')
    h.check(texts(sh_data(h, r.answer, 'UDR UserState'), 'EPSUserState') == ['0'],
            'EPSUserState DETACHED (no MME registered)')
    r = sh.udr(TAS, USER, '--data-ref', LOCATION, '--requested-domain', 1)
    expect(h, r, 'rc', 2001, 'UDR LocationInformation PS, no MME')
    h.check(not texts(sh_data(h, r.answer, 'UDR Location'), 'MMEName'), 'no location without an MME')
    # the UE attaches (ULR through the DRA): the serving MME is the location, the state attached
    r = bed.cx('mme.cx.test', 'ulr', '--imsi', IMSI, '--visited-plmn', '00101', '--rat-type', 'eutran',
               '--initial-attach')
    h.check(cxlib.result(r) == ('rc', 2001), 'ULR from mme.cx.test (%s)' % (cxlib.result(r),))
    r = sh.udr(TAS, '#' + MSISDN, '--data-ref', LOCATION, '--data-ref', USER_STATE, '--requested-domain', 1)
    expect(h, r, 'rc', 2001, 'UDR LocationInformation and UserState by MSISDN after the attach')
    root = sh_data(h, r.answer, 'UDR Location attached')
    h.check(texts(root, 'MMEName') == ['mme.cx.test'] and texts(root, 'EPSUserState') == ['2'],
            'location: MMEName of the serving MME, ATTACHED_REACHABLE_FOR_PAGING (%s %s)'
            % (texts(root, 'MMEName'), texts(root, 'EPSUserState')))
    r = sh.udr(TAS, USER, '--data-ref', LOCATION, '--requested-domain', 0)
    expect(h, r, 'rc', 2001, 'UDR LocationInformation CS')
    h.check(not texts(sh_data(h, r.answer, 'UDR Location CS'), 'MMEName'), 'no CS location kept: nothing')
    r = sh.udr(TAS, USER, '--data-ref', REPO, '--service-indication', 'mmtel')
    expect(h, r, 'rc', 2001, 'UDR RepositoryData none stored')
    h.check(sh_data(h, r.answer, 'UDR empty repo').find('RepositoryData') is None,
            'no RepositoryData before a PUR created it')

    # -- UDR errors -----------------------------------------------------------------------
    r = sh.udr(TAS, 'sip:nobody@cx.test', '--data-ref', IDS)
    expect(h, r, 'exp', USER_UNKNOWN, 'UDR of an unknown identity')
    r = sh.udr(TAS, '#33199999999', '--data-ref', IDS)
    expect(h, r, 'exp', USER_UNKNOWN, 'UDR of an unknown MSISDN')
    r = sh.udr(ROGUE, USER, '--data-ref', IDS)
    expect(h, r, 'exp', CANNOT_READ, 'UDR from an AS not in sh.application_servers')
    r = sh.udr(PRES, USER, '--data-ref', MSISDN_REF)
    expect(h, r, 'exp', CANNOT_READ, 'UDR of a Data-Reference not in the AS read list')
    r = sh.udr(PRES, USER, '--data-ref', REPO, '--service-indication', 'gaming')
    expect(h, r, 'exp', CANNOT_READ, 'UDR of repository data outside the AS service_indications')
    r = sh.udr(TAS, USER, '--data-ref', PSI_ACT)
    expect(h, r, 'exp', NOT_ALLOWED, 'UDR PSIActivation of a public user identity')
    r = sh.udr(TAS, '#' + MSISDN, '--data-ref', IFC, '--server-name', 'sip:tas.cx.test')
    expect(h, r, 'exp', NOT_ALLOWED, 'UDR iFC by MSISDN')
    r = sh.udr(TAS, PSI, '--data-ref', DSAI, '--server-name', 'sip:tas.cx.test', '--dsai-tag', 'nope')
    expect(h, r, 'exp', DSAI_NOT_AVAILABLE, 'UDR of a DSAI-Tag the PSI does not have')
    r = sh.udr(TAS, USER, '--data-ref', REPO)
    expect(h, r, 'rc', 5005, 'UDR RepositoryData without Service-Indication')
    h.check(harness.avps(r.answer, 'Failed-AVP/Service-Indication'), 'Failed-AVP names Service-Indication')
    r = sh.udr(TAS, USER, '--data-ref', IFC)
    expect(h, r, 'rc', 5005, 'UDR iFC without Server-Name')
    h.check(harness.avps(r.answer, 'Failed-AVP/Server-Name'), 'Failed-AVP names Server-Name')
    r = sh.udr(TAS, USER, '--data-ref', 5)
    expect(h, r, 'rc', 5004, 'UDR with Data-Reference 5 (not defined)')
    h.check(harness.avp(r.answer, 'Failed-AVP/Data-Reference') == 5, 'Failed-AVP carries Data-Reference 5')
    # straight to the HSS: the DRA's own parser would stop it first
    r = bed.direct('raw', '--app', 16777217, '--cmd', 306,
                   '--avp', 'Data-Reference=10')
    expect(h, r, 'rc', 5005, 'UDR without User-Identity')
    h.check(harness.avps(r.answer, 'Failed-AVP/User-Identity'), 'Failed-AVP names User-Identity')
    # malformed values, straight to the HSS: 5004 with the offending AVP in Failed-AVP
    for avps, failed, what in (
            (['User-Identity/MSISDN=hex:3301f0ab', 'Data-Reference=10'], 'MSISDN', 'an MSISDN that is not TBCD digits'),
            (['User-Identity/Public-Identity=' + USER, 'User-Identity/MSISDN=hex:3301', 'Data-Reference=10'],
             'MSISDN', 'both Public-Identity and MSISDN'),
            (['User-Identity/Public-Identity=' + USER, 'Data-Reference=10', 'Identity-Set=7'], 'Identity-Set',
             'Identity-Set 7'),
            (['User-Identity/Public-Identity=' + USER, 'Data-Reference=14', 'Requested-Domain=5'], 'Requested-Domain',
             'Requested-Domain 5'),
            (['User-Identity/Public-Identity=' + USER, 'Data-Reference=36'], 'Data-Reference', 'Data-Reference 36')):
        r = bed.direct('raw', '--app', 16777217, '--cmd', 306, *[x for a in avps for x in ('--avp', a)])
        expect(h, r, 'rc', 5004, 'UDR with ' + what)
        h.check(harness.avps(r.answer, 'Failed-AVP/' + failed), 'Failed-AVP carries %s (%s)' % (failed, what))
    r = bed.direct('raw', '--app', 16777217, '--cmd', 308, '--avp', 'User-Identity/Public-Identity=' + USER,
                   '--avp', 'Data-Reference=11', '--avp', 'Subs-Req-Type=0', '--avp', 'Expiry-Time=hex:c0000000')
    expect(h, r, 'rc', 5004, 'SNR with an Expiry-Time already past')
    h.check(harness.avps(r.answer, 'Failed-AVP/Expiry-Time'), 'Failed-AVP carries Expiry-Time')

    # -- SNR, PUR, PNR ----------------------------------------------------------------------
    pres, sna = sh.subscribed(PRES, 20, 1, USER, '--data-ref', REPO, '--service-indication', 'mmtel',
                              '--send-data', '--expiry', 7200)
    expect(h, sna, 'rc', 2001, 'SNR RepositoryData with Send-Data-Indication')
    h.check(sh_data(h, sna.answer, 'SNA data').find('RepositoryData') is None,
            'SNA Send-Data: no repository data yet')
    exp = harness.avp(sna.answer, 'Expiry-Time')
    granted = int(exp, 16) - 2208988800 if exp else 0
    h.check(exp is not None and 3500 < granted - time.time() <= 3601,
            'SNA Expiry-Time granted, capped at sh.max_expiry_s (%s s ahead)' % (granted - time.time()))
    bed.dra.wait_peer_open(PRES, timeout=15)

    r = sh.pur(TAS, USER, REPO, repo_xml('mmtel', 0, '<cfu>sip:voicemail@cx.test</cfu>'))
    expect(h, r, 'rc', 2001, 'PUR RepositoryData SequenceNumber 0 creates it')
    pnr = pnrs(h, pres, 1)[0]
    h.check(harness.avp(pnr, 'Destination-Host') == PRES, 'PNR to the subscribed AS through the DRA')
    h.check(harness.avp(pnr, 'User-Identity/Public-Identity') == USER, 'PNR names the user')
    root = sh_data(h, pnr, 'PNR')
    h.check(root.findtext('RepositoryData/ServiceIndication') == 'mmtel' and
            root.findtext('RepositoryData/SequenceNumber') == '0' and
            'voicemail' in ET.tostring(root.find('RepositoryData/ServiceData')).decode(),
            'PNR carries the new repository data')
    pres.wait(timeout=30)
    r = sh.pur(TAS, USER, REPO, repo_xml('mmtel', 0, '<cfu/>'))
    expect(h, r, 'exp', OUT_OF_SYNC, 'PUR SequenceNumber 0 again')
    r = sh.pur(TAS, USER, REPO, repo_xml('mmtel', 5, '<cfu/>'))
    expect(h, r, 'exp', OUT_OF_SYNC, 'PUR SequenceNumber not the successor')
    r = sh.pur(TAS, USER, REPO, repo_xml('mmtel', 1, '<cfu>sip:other@cx.test</cfu>'))
    expect(h, r, 'rc', 2001, 'PUR SequenceNumber 1 (the successor)')
    r = sh.udr(PRES, USER, '--data-ref', REPO, '--service-indication', 'mmtel')
    expect(h, r, 'rc', 2001, 'UDR RepositoryData')
    root = sh_data(h, r.answer, 'UDR repo')
    h.check(root.findtext('RepositoryData/SequenceNumber') == '1' and
            'other' in ET.tostring(root.find('RepositoryData/ServiceData')).decode(),
            'UDR reads what the last PUR stored')
    r = sh.pur(TAS, USER, REPO, repo_xml('mmtel', 2))
    expect(h, r, 'rc', 2001, 'PUR without ServiceData deletes')
    r = sh.udr(TAS, USER, '--data-ref', REPO, '--service-indication', 'mmtel')
    h.check(sh_data(h, r.answer, 'UDR deleted').find('RepositoryData') is None, 'deleted repository data is gone')

    # PUR errors
    r = sh.pur(PRES, USER, REPO, repo_xml('mmtel', 0, '<x/>'))
    expect(h, r, 'exp', CANNOT_MODIFY, 'PUR from an AS without the update right')
    r = sh.pur(TAS, USER, IMS_STATE, '<Sh-Data><Sh-IMS-Data><IMSUserState>1</IMSUserState></Sh-IMS-Data></Sh-Data>')
    expect(h, r, 'exp', CANNOT_MODIFY, 'PUR of IMSUserState (not updatable)')
    r = sh.pur(TAS, USER, REPO, '<not-sh>')
    expect(h, r, 'exp', NOT_RECOGNIZED, 'PUR with a User-Data that is not Sh-Data')
    r = sh.pur(TAS, USER, REPO, repo_xml('mmtel', 0, '<x>%s</x>' % ('y' * 2000)))
    expect(h, r, 'exp', TOO_MUCH_DATA, 'PUR ServiceData over sh.max_service_data')
    psi_xml = '<Sh-Data><Sh-IMS-Data><Extension><PSIActivation>%d</PSIActivation></Extension></Sh-IMS-Data></Sh-Data>'
    r = sh.pur(TAS, USER, PSI_ACT, psi_xml % 1)
    expect(h, r, 'exp', NOT_ALLOWED, 'PUR PSIActivation of a public user identity')
    r = sh.pur(TAS, 'sip:nobody@cx.test', REPO, repo_xml('mmtel', 0, '<x/>'))
    expect(h, r, 'exp', USER_UNKNOWN, 'PUR of an unknown identity')

    # PSI activation and DSAI
    r = sh.pur(TAS, PSI, PSI_ACT, psi_xml % 1)
    expect(h, r, 'rc', 2001, 'PUR PSIActivation ACTIVE')
    r = sh.udr(TAS, PSI, '--data-ref', PSI_ACT)
    h.check(texts(sh_data(h, r.answer, 'UDR PSI after'), 'PSIActivation') == ['1'], 'PSIActivation now ACTIVE')
    dsai_xml = ('<Sh-Data><Sh-IMS-Data><Extension><Extension><DSAI><DSAI-Tag>%s</DSAI-Tag>'
                '<DSAI-Value>1</DSAI-Value></DSAI></Extension></Extension></Sh-IMS-Data></Sh-Data>')
    r = sh.pur(TAS, PSI, DSAI, dsai_xml % 'filtering')
    expect(h, r, 'rc', 2001, 'PUR DSAI INACTIVE')
    r = sh.udr(TAS, PSI, '--data-ref', DSAI, '--server-name', 'sip:tas.cx.test')
    h.check(texts(sh_data(h, r.answer, 'UDR DSAI after'), 'DSAI-Value') == ['1'], 'DSAI now INACTIVE')
    r = sh.pur(TAS, PSI, DSAI, dsai_xml % 'nope')
    expect(h, r, 'exp', DSAI_NOT_AVAILABLE, 'PUR of a DSAI-Tag the PSI does not have')

    # SNR errors and unsubscribe
    r = sh.req(PRES, 'snr', USER, '--data-ref', IFC, '--server-name', 'sip:tas.cx.test')
    expect(h, r, 'exp', CANNOT_NOTIFY, 'SNR of a Data-Reference not in the AS subscribe list')
    r = sh.req(TAS, 'snr', USER, '--data-ref', IMS_STATE, '--subs-req-type', 1)
    expect(h, r, 'exp', SUBS_DATA_ABSENT, 'SNR unsubscribe without a subscription')
    r = sh.req(TAS, 'snr', 'sip:nobody@cx.test', '--data-ref', IMS_STATE)
    expect(h, r, 'exp', USER_UNKNOWN, 'SNR of an unknown identity')
    r = sh.req(TAS, 'snr', USER, '--data-ref', IMS_STATE)
    expect(h, r, 'rc', 2001, 'SNR IMSUserState')
    r = sh.req(TAS, 'snr', USER, '--data-ref', IMS_STATE, '--subs-req-type', 1)
    expect(h, r, 'rc', 2001, 'SNR unsubscribe')
    r = sh.req(TAS, 'snr', USER, '--data-ref', IMS_STATE, '--subs-req-type', 1)
    expect(h, r, 'exp', SUBS_DATA_ABSENT, 'SNR unsubscribe twice')

    # a registration (SAR) changes the IMS user state and the S-CSCF name: PNR
    pres, sna = sh.subscribed(PRES, 20, 2, USER, '--data-ref', IMS_STATE, '--data-ref', SCSCF_NAME)
    expect(h, sna, 'rc', 2001, 'SNR IMSUserState and S-CSCFName')
    bed.dra.wait_peer_open(PRES, timeout=15)
    r = bed.cx(SCSCF, 'mar', '--impi', 'sam@cx.test', '--impu', USER, '--scheme', 'unknown',
               '--server-name', SCSCF_URI)
    h.check(r.rc == 0, 'MAR')
    r = bed.cx(SCSCF, 'sar', '--impi', 'sam@cx.test', '--impu', USER, '--server-name', SCSCF_URI)
    h.check(cxlib.result(r) == ('rc', 2001), 'SAR REGISTRATION')
    # the MAR stores the S-CSCF and AUTHENTICATION_PENDING (3), the SAR REGISTERED (1): one
    # PNR each, built from the data when sent
    got = pnrs(h, pres, 2)
    first = sh_data(h, got[0], 'PNR MAR')
    h.check(first.findtext('Sh-IMS-Data/IMSUserState') in ('3', '1') and
            first.findtext('Sh-IMS-Data/SCSCFName') == SCSCF_URI,
            'PNR after the MAR: the S-CSCF name, AUTHENTICATION_PENDING (%s)' % ET.tostring(first).decode()[:300])
    root = sh_data(h, got[1], 'PNR registration')
    h.check(root.findtext('Sh-IMS-Data/IMSUserState') == '1' and root.find('Sh-IMS-Data/SCSCFName') is None,
            'PNR after the SAR: REGISTERED, only what changed (%s)' % ET.tostring(root).decode()[:300])
    pres.wait(timeout=30)
    r = sh.udr(PRES, USER, '--data-ref', IMS_STATE, '--data-ref', SCSCF_NAME)
    root = sh_data(h, r.answer, 'UDR state after')
    h.check(root.findtext('Sh-IMS-Data/IMSUserState') == '1' and root.findtext('Sh-IMS-Data/SCSCFName') == SCSCF_URI,
            'UDR after the SAR: REGISTERED and the S-CSCF name')

    # an hssctl change (PSI deactivated by the operator): PNR; the AS answers 5107, which
    # removes its subscription
    tas, sna = sh.subscribed(TAS, 20, 1, PSI, '--data-ref', PSI_ACT, result='exp:%d' % NO_SUBSCRIPTION)
    expect(h, sna, 'rc', 2001, 'SNR PSIActivation')
    bed.dra.wait_peer_open(TAS, timeout=15)
    out = bed.hssctl('ims-import', h.write('sam2.yaml', SUB % (IMSI, MSISDN, 'false')), config=True).stdout
    root = sh_data(h, pnrs(h, tas, 1)[0], 'PNR hssctl')
    h.check(texts(root, 'PSIActivation') == ['0'], 'PNR after hssctl ims-import: PSIActivation INACTIVE (%s)' % out.strip())
    tas.wait(timeout=30)
    st = None
    for _ in range(50):
        st = bed.stats()
        if st['PNR']['rejected'] >= 1:
            break
        time.sleep(0.1)
    r = sh.req(TAS, 'snr', PSI, '--data-ref', PSI_ACT, '--subs-req-type', 1)
    expect(h, r, 'exp', SUBS_DATA_ABSENT, 'after a PNA 5107 the subscription is gone')

    # -- counters --------------------------------------------------------------------------
    st = bed.stats()
    print('stats:', {k: v for k, v in st.items() if k in ('UDR', 'PUR_SH', 'SNR', 'PNR')})
    h.check(st['UDR']['requests'] >= 25 and st['UDR']['success'] >= 14 and st['UDR']['user_unknown'] >= 2,
            'UDR counted (%s)' % st['UDR'])
    h.check(st['PUR_SH']['requests'] >= 14 and st['PUR_SH']['success'] == 5 and st['PUR_SH']['user_unknown'] >= 1,
            'PUR counted (%s)' % st['PUR_SH'])
    h.check(st['SNR']['requests'] >= 9 and st['SNR']['success'] >= 5, 'SNR counted (%s)' % st['SNR'])
    # 6 PNRs: the repository data created (answered), updated and deleted while the presence
    # AS was gone (the DRA answers 3002), the MAR and the SAR (answered), the hssctl change
    # (5107)
    h.check(st['PNR']['requests'] == 6 and st['PNR']['success'] == 3 and st['PNR']['rejected'] == 3,
            'PNR: 6 sent, 3 answered 2001, 3 rejected (2 undeliverable, 1 5107) (%s)' % st['PNR'])


if __name__ == '__main__':
    harness.run(test, ports=(23260, 23279))

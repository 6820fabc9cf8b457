#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""A full IMS registration through the DRA, the CSCFs played by dclient:

  UAR (first registration: 2001 FIRST_REGISTRATION with Server-Capabilities naming the S-CSCF)
  MAR Digest-AKAv1-MD5, two items: each accepted by the USIM (hss_usim), RES = XRES, CK, IK,
      the AMF separation bit at 0, increasing SQNs
  MAR re-synchronisation: RAND || AUTS from the USIM with SQN_MS ahead: MAC-S checked, the
      new vector's SQN past SQN_MS
  UAR again (2002 SUBSEQUENT_REGISTRATION with the S-CSCF's Server-Name)
  SAR REGISTRATION: 2001 with User-Data (valid against hss/ims/xsd and Kamailio's schema with
      xmllint, parsed back: PrivateID, the implicit set), Charging-Information,
      Associated-Identities
  LIR of the other identity of the set: 2001 with Server-Name; hssctl ims-show: REGISTERED
  SAR USER_DEREGISTRATION: 2001; then LIR 5003 and UAR DE_REGISTRATION 5003
  MAR SIP Digest for a second private identity ("unknown": its default scheme): the HA1 of
      the provisioned password, 32 lower-case hex digits, realm and QoP
  the shared SQN: AIR, MAR, AIR for the USIM of the linked IMSI: three different SQNs in
      increasing order, each checked by the USIM

Runs on SQLite, and on MariaDB when given a mysql:// URI (meson: cx-register-mysql through
run_mysql.py). Ports 23200-23219.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cxlib  # noqa: E402
import harness  # noqa: E402
from cxlib import ICSCF, SCSCF, SCSCF_URI  # noqa: E402

IMSI = '001010000000201'
SUB = '''id: erin
private_identities:
  - identity: erin@cx.test
    auth_schemes: [digest-akav1-md5]
    imsi: "%s"
  - identity: erin-soft@cx.test
    auth_schemes: [sip-digest, digest-akav1-md5]
    digest_realm: cx.test
    digest_password: erin-pw
    k: 000102030405060708090a0b0c0d0e0f
    opc: 0f0e0d0c0b0a09080706050403020100
    impus: [sip:erin@cx.test]
public_identities:
  - {identity: sip:erin@cx.test, irs: 1, irs_default: true, display_name: Erin, service_profile: voice}
  - {identity: "tel:+33-1-00-00-02-01", irs: 1, service_profile: voice}
  - {identity: sip:erin.barred@cx.test, irs: 1, barred: true, service_profile: voice}
service_profiles:
  - name: voice
    subscribed_media_profile_id: 3
    ifcs:
      - priority: 0
        profile_part: registered
        trigger: {spts: [{method: INVITE}, {group: 1, session_case: originating}]}
        application_server: {server_name: sip:mmtel.cx.test, default_handling: session_continued}
charging:
  primary_ccf: aaa://ccf.cx.test
  primary_ecf: aaa://ocs.cx.test
''' % IMSI


def test(h):
    cxlib.skip_without_xmllint()
    bed = cxlib.Bed(h, mysql_uri=cxlib.mysql_uri())
    bed.s6a(IMSI)
    bed.ims('erin', SUB)
    impi, impu = 'erin@cx.test', 'sip:erin@cx.test'

    r = bed.cx(ICSCF, 'uar', '--impi', impi, '--impu', impu, '--visited-network', 'cx.test')
    cxlib.expect(h, r, 'exp', cxlib.FIRST_REGISTRATION, 'UAR, first registration')
    h.check(harness.avp(r.answer, 'Server-Capabilities/Server-Name') == SCSCF_URI,
            'UAA offers the configured S-CSCF in Server-Capabilities')

    r = bed.cx(SCSCF, 'mar', '--impi', impi, '--impu', impu, '--scheme', 'Digest-AKAv1-MD5',
               '--items', '2', '--server-name', SCSCF_URI)
    cxlib.expect(h, r, 'rc', 2001, 'MAR Digest-AKAv1-MD5, two items')
    h.check(harness.avp(r.answer, 'User-Name') == impi and
            harness.avp(r.answer, 'Public-Identity') == impu and
            harness.avp(r.answer, 'SIP-Number-Auth-Items') == 2,
            'MAA: User-Name, Public-Identity, SIP-Number-Auth-Items 2')
    its = cxlib.items(r)
    sqns = []
    for n, it in enumerate(its, 1):
        u = cxlib.usim(h, it)
        h.check(u is not None, 'item %d: the USIM accepts AUTN (MAC-A over K/OPc of IMSI %s)' % (n, IMSI))
        h.check(it['SIP-Item-Number'] == n and it['SIP-Authentication-Scheme'] == 'Digest-AKAv1-MD5',
                'item %d: number and scheme' % n)
        h.check(len(it['SIP-Authenticate']) == 64, 'item %d: SIP-Authenticate is RAND||AUTN, 32 octets' % n)
        h.check(it['SIP-Authorization'] == u['res'], 'item %d: SIP-Authorization is XRES' % n)
        h.check(it['Confidentiality-Key'] == u['ck'] and it['Integrity-Key'] == u['ik'],
                'item %d: Confidentiality-Key and Integrity-Key (16 octets each)' % n)
        h.check(int(u['amf'][:2], 16) & 0x80 == 0, 'item %d: AMF separation bit 0 (%s)' % (n, u['amf']))
        sqns.append(u['sqn'])
    h.check(len(sqns) == 2 and sqns[0] < sqns[1], 'increasing SQNs in one answer: %s' % sqns)

    # re-synchronisation: the USIM is ahead
    rand = its[1]['SIP-Authenticate'][:32]
    sqn_ms = sqns[1] + (1000 << 5)
    auts = cxlib.hsslib.usim_auts(h, rand, sqn_ms)
    r = bed.cx(SCSCF, 'mar', '--impi', impi, '--impu', impu, '--scheme', 'Digest-AKAv1-MD5',
               '--resync', '%s:%s' % (rand, auts), '--server-name', SCSCF_URI)
    cxlib.expect(h, r, 'rc', 2001, 'MAR with SIP-Authorization = RAND||AUTS (re-synchronisation)')
    u = cxlib.usim(h, cxlib.items(r)[0])
    h.check(u is not None and u['sqn'] > sqn_ms, 'the vector after re-synchronisation is past SQN_MS '
            '(%s > %d)' % (u and u['sqn'], sqn_ms))
    h.check(bed.stats()['vectors'].get('ims_resync_ok') == 1, 'counted: ims_resync_ok 1')

    r = bed.cx(ICSCF, 'uar', '--impi', impi, '--impu', impu, '--visited-network', 'cx.test')
    cxlib.expect(h, r, 'exp', cxlib.SUBSEQUENT_REGISTRATION, 'UAR after MAR: subsequent registration')
    h.check(harness.avp(r.answer, 'Server-Name') == SCSCF_URI, 'UAA names the S-CSCF the MAR stored')

    r = bed.cx(SCSCF, 'sar', '--impi', impi, '--impu', impu, '--server-name', SCSCF_URI,
               '--assignment-type', '1')
    cxlib.expect(h, r, 'rc', 2001, 'SAR REGISTRATION')
    root = cxlib.user_data(h, r, 'SAA', impus=[impu, 'tel:+33-1-00-00-02-01', 'sip:erin.barred@cx.test'],
                           impi=impi)
    ids = [e.findtext('Identity') for e in root.iter('PublicIdentity')]
    h.check(ids[0] == impu, 'the default identity of the set comes first (%s)' % ids)
    barred = [e.findtext('Identity') for e in root.iter('PublicIdentity') if e.findtext('BarringIndication') in ('1', 'true')]
    h.check(barred == ['sip:erin.barred@cx.test'], 'the barred member carries BarringIndication (%s)' % barred)
    h.check(root.findtext('ServiceProfile/CoreNetworkServicesAuthorization/SubscribedMediaProfileId') == '3' and
            root.findtext('ServiceProfile/InitialFilterCriteria/ApplicationServer/ServerName') == 'sip:mmtel.cx.test',
            'profile, media profile and iFC in the User-Data')
    h.check(harness.avp(r.answer, 'User-Name') == impi, 'SAA User-Name')
    h.check(harness.avp(r.answer, 'Charging-Information/Primary-Charging-Collection-Function-Name') ==
            'aaa://ccf.cx.test' and
            harness.avp(r.answer, 'Charging-Information/Primary-Event-Charging-Function-Name') ==
            'aaa://ocs.cx.test', 'SAA Charging-Information')
    h.check(harness.avp(r.answer, 'Associated-Identities/User-Name') == 'erin-soft@cx.test',
            'SAA Associated-Identities names the other private identity')

    r = bed.cx(SCSCF, 'sar', '--impi', impi, '--impu', impu, '--server-name', SCSCF_URI,
               '--assignment-type', '2', '--user-data-available', '1')
    cxlib.expect(h, r, 'rc', 2001, 'SAR RE_REGISTRATION with the profile already there')
    h.check(harness.avp(r.answer, 'User-Data') is None, 'no User-Data when User-Data-Already-Available')

    r = bed.cx(ICSCF, 'lir', '--impu', 'tel:+33100000201')
    cxlib.expect(h, r, 'rc', 2001, 'LIR of the tel URI (no visual separators)')
    h.check(harness.avp(r.answer, 'Server-Name') == SCSCF_URI, 'LIA Server-Name')
    out = bed.hssctl('ims-show', impu).stdout
    h.check('REGISTERED       sip:erin@cx.test by erin@cx.test' in out and SCSCF_URI in out,
            'hssctl ims-show: registered at the S-CSCF')
    h.check(cxlib.md5_ha1('erin-soft@cx.test', 'cx.test', 'erin-pw') not in out and
            'digest_ha1:' not in out and '0f0e0d0c0b0a0908' not in out and
            '000102030405060708090a0b0c0d0e0f' not in out,
            'hssctl ims-show hides HA1 and own keys without --show-secrets')
    out = bed.hssctl('ims-show', impu, '--show-secrets').stdout
    h.check(cxlib.md5_ha1('erin-soft@cx.test', 'cx.test', 'erin-pw') in out and
            'opc: 0f0e0d0c0b0a09080706050403020100' in out, 'and shows them with --show-secrets')

    r = bed.cx(SCSCF, 'sar', '--impi', impi, '--impu', impu, '--server-name', SCSCF_URI,
               '--assignment-type', '5')
    cxlib.expect(h, r, 'rc', 2001, 'SAR USER_DEREGISTRATION')
    h.check(harness.avp(r.answer, 'User-Data') is None, 'no User-Data on a de-registration')
    r = bed.cx(ICSCF, 'lir', '--impu', impu)
    cxlib.expect(h, r, 'exp', cxlib.IDENTITY_NOT_REGISTERED, 'LIR after de-registration')
    r = bed.cx(ICSCF, 'uar', '--impi', impi, '--impu', impu, '--visited-network', 'cx.test',
               '--auth-type', '1')
    cxlib.expect(h, r, 'exp', cxlib.IDENTITY_NOT_REGISTERED, 'UAR DE_REGISTRATION when not registered')

    # SIP Digest for the soft client, its default scheme
    r = bed.cx(SCSCF, 'mar', '--impi', 'erin-soft@cx.test', '--impu', impu, '--scheme', 'unknown',
               '--server-name', SCSCF_URI)
    cxlib.expect(h, r, 'rc', 2001, 'MAR "unknown" for the SIP Digest identity')
    it = cxlib.items(r)
    h.check(len(it) == 1 and it[0]['SIP-Authentication-Scheme'] == 'SIP Digest', 'one SIP Digest item')
    dg = it[0]['SIP-Digest-Authenticate']
    h.check(dg['Digest-HA1'] == cxlib.md5_ha1('erin-soft@cx.test', 'cx.test', 'erin-pw') and
            dg['Digest-Realm'] == 'cx.test' and dg['Digest-QoP'] == 'auth',
            'Digest-HA1 = MD5(IMPI:realm:password) in lower-case hex, Digest-Realm, Digest-QoP')
    # its own AKA credentials (no S6a subscriber)
    r = bed.cx(SCSCF, 'mar', '--impi', 'erin-soft@cx.test', '--impu', impu, '--scheme',
               'Digest-AKAv1-MD5', '--server-name', SCSCF_URI)
    u = cxlib.usim(h, cxlib.items(r)[0], k='000102030405060708090a0b0c0d0e0f',
                   opc='0f0e0d0c0b0a09080706050403020100') if r.answer and cxlib.items(r) else None
    h.check(u is not None, 'own-credential identity: the ISIM with its own K/OPc accepts the vector')

    # one USIM, one counter: AIR, MAR, AIR
    seq = []
    for step in ('air', 'mar', 'air'):
        if step == 'air':
            r = bed.cx('mme.cx.test', 'air', '--imsi', IMSI, '--visited-plmn', '00101')
            av = harness.avps(r.answer, 'Authentication-Info/E-UTRAN-Vector')
            u = av and cxlib.hsslib.usim_check(h, harness.avp(av[0], 'RAND'), harness.avp(av[0], 'AUTN'))
            h.check(u is not None and int(u['amf'][:2], 16) & 0x80, 'AIR vector accepted, separation bit 1')
        else:
            r = bed.cx(SCSCF, 'mar', '--impi', impi, '--impu', impu, '--server-name', SCSCF_URI)
            u = cxlib.usim(h, cxlib.items(r)[0])
            h.check(u is not None, 'MAR vector accepted by the same USIM')
        seq.append(u['sqn'])
    h.check(seq[0] < seq[1] < seq[2], 'AIR, MAR, AIR: three distinct increasing SQNs, checked '
            'USIM-side: %s' % seq)
    st = bed.stats()
    h.check(st['UAR']['success'] == 2 and st['UAR']['rejected'] == 1 and st['MAR']['success'] == 5 and
            st['SAR']['success'] == 3 and st['LIR']['success'] == 1 and st['LIR']['rejected'] == 1 and
            st['vectors']['ims_aka'] == 5 and st['vectors']['ims_digest'] == 1,
            'counters: UAR %s MAR %s SAR %s LIR %s vectors %s' % (st['UAR'], st['MAR'], st['SAR'],
                                                                  st['LIR'], st['vectors']))


if __name__ == '__main__':
    harness.run(test, ports=(23200, 23219))

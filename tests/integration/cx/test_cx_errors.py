#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Every Cx error and outcome the HSS decides, each with the Cx answer head, through the DRA:

  UAR   5001 unknown IMPU / IMPI, 5002 IMPI of another user / not allowed that IMPU, 5003
        AUTHORIZATION_REJECTED (a set of barred identities only; an emergency registration
        passes), 5004 ROAMING_NOT_ALLOWED (a roaming partner and an emergency pass), 5004
        INVALID_AVP_VALUE with Failed-AVP, 5005 with the Cx head from freeDiameter's own
        parser, REGISTRATION_AND_CAPABILITIES
  MAR   5006 (a scheme the IMPI may not use, NASS-Bundled), "Digest-MD5" answered as SIP
        Digest, User-Name/Public-Identity/SIP-Number-Auth-Items in error answers too, resync:
        5003 (MAC-S wrong), 5012 (another S-CSCF), 5004 (SIP-Authorization not 30 octets)
  SAR   5005 IDENTITY_ALREADY_REGISTERED with the assigned Server-Name, 5007 (SWx types, a PSI
        registering), 5009 AVP_OCCURS_TOO_MANY_TIMES, NO_ASSIGNMENT (5012 from another
        S-CSCF, the profile for the assigned one), *_STORE_SERVER_NAME (2001 kept; 2004 after a
        reload with cx.store_server_name false), AUTHENTICATION_FAILURE clearing the name, a
        de-registration from another S-CSCF changing nothing, UNREGISTERED_USER of a
        wildcarded PSI (Wildcarded-Public-Identity), Kamailio's vendor-50 Call-Id AVP ignored
  LIR   5001 (unknown, inactive PSI), 5003 (not registered, registered services only), 2003
        UNREGISTERED_SERVICE with Server-Capabilities, 2001 through the wildcard

Ports 23220-23239.
"""
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cxlib  # noqa: E402
import harness  # noqa: E402
from cxlib import ICSCF, SCSCF, SCSCF2, SCSCF_URI, SCSCF2_URI, expect  # noqa: E402

IMSI = '001010000000301'
SUBS = '''id: fay
private_identities:
  - identity: fay@cx.test
    auth_schemes: [digest-akav1-md5, sip-digest]
    imsi: "%s"
    digest_password: fay-pw
    digest_realm: cx.test
  - identity: fay-tv@cx.test
    auth_schemes: [sip-digest]
    digest_ha1: 0123456789abcdef0123456789abcdef
    impus: [sip:fay@cx.test]
public_identities:
  - {identity: sip:fay@cx.test, irs: 1, service_profile: reg}
  - {identity: "tel:+33100000301", irs: 1, service_profile: reg}
  - {identity: sip:fay.blocked@cx.test, irs: 2, barred: true, service_profile: reg}
  - {identity: sip:fay.vm@cx.test, service_profile: unreg}
  - {identity: sip:psi-off@cx.test, type: distinct_psi, psi_active: false, service_profile: unreg}
  - {identity: "sip:conf-!.*!@cx.test", type: wildcarded_psi, service_profile: unreg}
service_profiles:
  - name: reg
    ifcs: [{priority: 0, profile_part: registered, application_server: {server_name: sip:as.cx.test}}]
  - name: unreg
    ifcs: [{priority: 0, application_server: {server_name: sip:vm.cx.test}}]
---
id: gus
private_identities:
  - {identity: gus@cx.test, auth_schemes: [sip-digest], digest_ha1: 00112233445566778899aabbccddeeff}
public_identities:
  - {identity: sip:gus@cx.test, service_profile: p}
service_profiles:
  - {name: p}
''' % IMSI


def uar(bed, impi, impu, *extra, vni='cx.test'):
    return bed.cx(ICSCF, 'uar', '--impi', impi, '--impu', impu, '--visited-network', vni, *extra)


def mar(bed, impi, impu, scheme, *extra, scscf=SCSCF, uri=SCSCF_URI):
    return bed.cx(scscf, 'mar', '--impi', impi, '--impu', impu, '--scheme', scheme,
                  '--server-name', uri, *extra)


def sar(bed, impu, sat, *extra, impi='fay@cx.test', scscf=SCSCF, uri=SCSCF_URI):
    args = ['sar', '--impu', impu, '--server-name', uri, '--assignment-type', str(sat)]
    if impi:
        args += ['--impi', impi]
    return bed.cx(scscf, *args, *extra)


def t_uar(h, bed):
    expect(h, uar(bed, 'fay@cx.test', 'sip:nobody@cx.test'), 'exp', cxlib.USER_UNKNOWN, 'UAR unknown IMPU')
    expect(h, uar(bed, 'nobody@cx.test', 'sip:fay@cx.test'), 'exp', cxlib.USER_UNKNOWN, 'UAR unknown IMPI')
    expect(h, uar(bed, 'gus@cx.test', 'sip:fay@cx.test'), 'exp', cxlib.IDENTITIES_DONT_MATCH,
           "UAR with another user's IMPI")
    expect(h, uar(bed, 'fay-tv@cx.test', 'tel:+33100000301'), 'exp', cxlib.IDENTITIES_DONT_MATCH,
           'UAR with an IMPI not allowed that IMPU')
    expect(h, uar(bed, 'fay@cx.test', 'sip:fay.blocked@cx.test'), 'rc', cxlib.AUTHORIZATION_REJECTED,
           'UAR for a set of barred identities only')
    expect(h, uar(bed, 'fay@cx.test', 'sip:fay.blocked@cx.test', '--uar-flags', '1'), 'exp',
           cxlib.FIRST_REGISTRATION, 'UAR emergency registration of a barred identity')
    expect(h, uar(bed, 'fay@cx.test', 'sip:fay@cx.test', vni='other.example.net'), 'exp',
           cxlib.ROAMING_NOT_ALLOWED, 'UAR from a network that is no roaming partner')
    expect(h, uar(bed, 'fay@cx.test', 'sip:fay@cx.test', vni='"partner.example.net"'), 'exp',
           cxlib.FIRST_REGISTRATION, 'UAR from a roaming partner (quoted, as Kamailio copies it)')
    expect(h, uar(bed, 'fay@cx.test', 'sip:fay@cx.test', '--uar-flags', '1', vni='other.example.net'),
           'exp', cxlib.FIRST_REGISTRATION, 'UAR emergency registration from any network')
    r = uar(bed, 'fay@cx.test', 'sip:fay@cx.test', '--auth-type', '2')
    expect(h, r, 'rc', 2001, 'UAR REGISTRATION_AND_CAPABILITIES')
    h.check(harness.avp(r.answer, 'Server-Capabilities/Server-Name') == SCSCF_URI,
            'UAR REGISTRATION_AND_CAPABILITIES: Server-Capabilities')
    r = uar(bed, 'fay@cx.test', 'sip:fay@cx.test', '--auth-type', '7')
    expect(h, r, 'rc', 5004, 'UAR with User-Authorization-Type 7')
    h.check(harness.avp(r.answer, 'Failed-AVP/User-Authorization-Type') == 7, 'Failed-AVP names it')
    r = bed.direct('raw', '--app', '16777216', '--cmd', '300', '--avp', 'User-Name=fay@cx.test',
                   '--avp', 'Public-Identity=sip:fay@cx.test')
    expect(h, r, 'rc', 5005, 'UAR without Visited-Network-Identifier (the HSS\'s freeDiameter '
           'answers, the HSS adds the Cx head)')
    h.check(harness.avp(r.answer, 'Failed-AVP/Visited-Network-Identifier') is not None,
            'Failed-AVP names Visited-Network-Identifier')


def t_mar(h, bed):
    r = mar(bed, 'gus@cx.test', 'sip:gus@cx.test', 'Digest-AKAv1-MD5')
    expect(h, r, 'exp', cxlib.AUTH_SCHEME_NOT_SUPPORTED, 'MAR for a scheme the IMPI may not use')
    h.check(harness.avp(r.answer, 'User-Name') == 'gus@cx.test' and
            harness.avp(r.answer, 'Public-Identity') == 'sip:gus@cx.test' and
            harness.avp(r.answer, 'SIP-Number-Auth-Items') == 0,
            'an MAA error still carries User-Name, Public-Identity, SIP-Number-Auth-Items 0')
    expect(h, mar(bed, 'fay@cx.test', 'sip:fay@cx.test', 'NASS-Bundled'), 'exp',
           cxlib.AUTH_SCHEME_NOT_SUPPORTED, 'MAR NASS-Bundled (not allowed, and not served)')
    r = mar(bed, 'gus@cx.test', 'sip:gus@cx.test', 'Digest-MD5')
    expect(h, r, 'rc', 2001, 'MAR "Digest-MD5" (Kamailio\'s stock name)')
    h.check(cxlib.items(r)[0]['SIP-Authentication-Scheme'] == 'SIP Digest', 'answered as SIP Digest')
    expect(h, mar(bed, 'fay@cx.test', 'sip:nobody@cx.test', 'unknown'), 'exp', cxlib.USER_UNKNOWN,
           'MAR unknown IMPU')

    r = mar(bed, 'fay@cx.test', 'sip:fay@cx.test', 'Digest-AKAv1-MD5')
    expect(h, r, 'rc', 2001, 'MAR AKA (stores the S-CSCF)')
    rand = cxlib.items(r)[0]['SIP-Authenticate'][:32]
    expect(h, mar(bed, 'fay@cx.test', 'sip:fay@cx.test', 'Digest-AKAv1-MD5', '--resync',
                  rand + ':' + '00' * 14), 'rc', cxlib.AUTHORIZATION_REJECTED,
           'MAR resync with a wrong MAC-S')
    h.check(bed.stats()['vectors']['ims_resync_bad_mac'] == 1, 'counted: ims_resync_bad_mac')
    auts = cxlib.hsslib.usim_auts(h, rand, 1 << 30)
    expect(h, mar(bed, 'fay@cx.test', 'sip:fay@cx.test', 'Digest-AKAv1-MD5', '--resync', rand + ':' + auts,
                  scscf=SCSCF2, uri=SCSCF2_URI), 'rc', 5012,
           'MAR resync from an S-CSCF that did not challenge')
    r = mar(bed, 'fay@cx.test', 'sip:fay@cx.test', 'Digest-AKAv1-MD5', '--avp',
            'SIP-Auth-Data-Item/SIP-Authorization=hex:0102')
    expect(h, r, 'rc', 5004, 'MAR with a 2-octet SIP-Authorization')


def t_sar(h, bed):
    expect(h, sar(bed, 'sip:fay@cx.test', 1), 'rc', 2001, 'SAR REGISTRATION')
    r = sar(bed, 'sip:fay@cx.test', 1, scscf=SCSCF2, uri=SCSCF2_URI)
    expect(h, r, 'exp', cxlib.IDENTITY_ALREADY_REGISTERED, 'SAR REGISTRATION from another S-CSCF')
    h.check(harness.avp(r.answer, 'Server-Name') == SCSCF_URI, 'SAA names the assigned S-CSCF')
    expect(h, sar(bed, 'sip:fay@cx.test', 12), 'exp', cxlib.IN_ASSIGNMENT_TYPE,
           'SAR AAA_USER_DATA_REQUEST (SWx only)')
    expect(h, sar(bed, 'sip:fay@cx.test', 99), 'exp', cxlib.IN_ASSIGNMENT_TYPE, 'SAR type 99')
    expect(h, sar(bed, 'sip:conf-1@cx.test', 1), 'exp', cxlib.IN_ASSIGNMENT_TYPE,
           'SAR REGISTRATION of a PSI')
    r = sar(bed, 'sip:fay@cx.test', 1, '--avp', 'Public-Identity=tel:+33100000301')
    expect(h, r, 'rc', cxlib.AVP_OCCURS_TOO_MANY_TIMES, 'SAR REGISTRATION with two Public-Identity')
    expect(h, sar(bed, 'sip:fay@cx.test', 0, scscf=SCSCF2, uri=SCSCF2_URI), 'rc', 5012,
           'SAR NO_ASSIGNMENT from an S-CSCF that is not assigned')
    r = sar(bed, 'sip:fay@cx.test', 0, '--avp', '#494@50-m=hex:6162')
    expect(h, r, 'rc', 2001, 'SAR NO_ASSIGNMENT from the assigned S-CSCF, with the vendor-50 Call-Id')
    cxlib.user_data(h, r, 'SAA NO_ASSIGNMENT', impus=['sip:fay@cx.test'], impi='fay@cx.test')
    expect(h, sar(bed, 'sip:fay@cx.test', 5, scscf=SCSCF2, uri=SCSCF2_URI), 'rc', 2001,
           'SAR USER_DEREGISTRATION from another S-CSCF')
    r = bed.cx(ICSCF, 'lir', '--impu', 'sip:fay@cx.test')
    expect(h, r, 'rc', 2001, '... changed nothing: still registered')
    # store the name (cx.store_server_name true)
    expect(h, sar(bed, 'sip:fay@cx.test', 7), 'rc', 2001, 'SAR USER_DEREGISTRATION_STORE_SERVER_NAME')
    r = uar(bed, 'fay@cx.test', 'sip:fay@cx.test')
    expect(h, r, 'exp', cxlib.SUBSEQUENT_REGISTRATION, 'UAR after it: the name was kept')
    expect(h, sar(bed, 'sip:fay@cx.test', 9), 'rc', 2001, 'SAR AUTHENTICATION_FAILURE')
    expect(h, uar(bed, 'fay@cx.test', 'sip:fay@cx.test'), 'exp', cxlib.FIRST_REGISTRATION,
           'UAR after it: nothing registered, the name cleared')
    # a wildcarded PSI for unregistered services
    r = sar(bed, 'sip:conf-room9@cx.test', 3, impi=None)
    expect(h, r, 'rc', 2001, 'SAR UNREGISTERED_USER of a wildcarded PSI')
    h.check(harness.avp(r.answer, 'Wildcarded-Public-Identity') == 'sip:conf-!.*!@cx.test',
            'SAA Wildcarded-Public-Identity')
    root = cxlib.user_data(h, r, 'SAA of the PSI', impus=['sip:conf-room9@cx.test'])
    h.check(root.findtext('ServiceProfile/PublicIdentity/Extension/WildcardedPSI') ==
            'sip:conf-!.*!@cx.test', 'User-Data: the pattern in WildcardedPSI')
    r = bed.cx(ICSCF, 'lir', '--impu', 'sip:conf-other@cx.test')
    expect(h, r, 'rc', 2001, 'LIR through the wildcard: the S-CSCF serving it unregistered')
    h.check(harness.avp(r.answer, 'Server-Name') == SCSCF_URI, 'LIA Server-Name')

    # without keeping the name: 2004 (after a reload)
    expect(h, sar(bed, 'sip:fay@cx.test', 1), 'rc', 2001, 'SAR REGISTRATION again')
    text = open(bed.hss_cfg).read()
    with open(bed.hss_cfg, 'w') as f:
        f.write(text.replace('cx:\n', 'cx:\n  store_server_name: false\n'))
    bed.hss.p.send_signal(signal.SIGHUP)
    bed.hss.wait_log(r'hss\.yaml reloaded', timeout=10)
    expect(h, sar(bed, 'sip:conf-room9@cx.test', 4, impi=None), 'rc', 2001,
           'SAR TIMEOUT_DEREGISTRATION of the PSI')
    expect(h, sar(bed, 'sip:fay@cx.test', 6), 'exp', cxlib.SERVER_NAME_NOT_STORED,
           'SAR TIMEOUT_DEREGISTRATION_STORE_SERVER_NAME with cx.store_server_name false')


def t_lir(h, bed):
    expect(h, bed.cx(ICSCF, 'lir', '--impu', 'sip:nobody@cx.test'), 'exp', cxlib.USER_UNKNOWN, 'LIR unknown')
    expect(h, bed.cx(ICSCF, 'lir', '--impu', 'sip:psi-off@cx.test'), 'exp', cxlib.USER_UNKNOWN,
           'LIR of an inactive PSI')
    expect(h, bed.cx(ICSCF, 'lir', '--impu', 'sip:gus@cx.test'), 'exp', cxlib.IDENTITY_NOT_REGISTERED,
           'LIR of an identity not registered (no unregistered services)')
    r = bed.cx(ICSCF, 'lir', '--impu', 'sip:fay.vm@cx.test')
    expect(h, r, 'exp', cxlib.UNREGISTERED_SERVICE, 'LIR of an identity with unregistered services')
    h.check(harness.avp(r.answer, 'Server-Capabilities/Server-Name') == SCSCF_URI,
            'LIA 2003 with Server-Capabilities')


def test(h):
    bed = cxlib.Bed(h, mysql_uri=cxlib.mysql_uri())
    bed.s6a(IMSI)
    bed.ims('subs', SUBS)
    t_uar(h, bed)
    t_lir(h, bed)
    t_mar(h, bed)
    t_sar(h, bed)
    st = bed.stats()
    h.check(st['UAR']['user_unknown'] == 2 and st['vectors']['malformed'] >= 2,
            'counters: UAR %s, malformed %d' % (st['UAR'], st['vectors']['malformed']))


if __name__ == '__main__':
    harness.run(test, ports=(23220, 23239))

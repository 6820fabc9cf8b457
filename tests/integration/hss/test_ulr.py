# SPDX-License-Identifier: BSD-3-Clause
"""HSS ULR/PUR/NOR: first attach with the full Subscription-Data in ABNF order, a second MME
causing a CLR to the first (recorded by a dclient acting as that MME), Initial-Attach ->
Cancellation-Type 4, Skip-Subscriber-Data, SGSN registration kept apart, PUR from the
registered / another MME, NOR from the registered / another node, unknown IMSI 5001, no EPS
subscription 5420, roaming refused 5004 (subscriber flag, subscriber PLMN list, configured
partners), RAT refused 5421 (Access-Restriction-Data, configured rat_allowed), each with the
S6a head; a CLR to an old MME that is gone counted as failed without holding the ULA."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hsslib  # noqa: E402
from hsslib import harness  # noqa: E402

IMSI = '001010000000021'
S6A = '''  home_plmns: ["00101"]
  roaming_partners: ["20801", "20810", "26201"]
  rat_allowed: [eutran, utran, geran, nbiot]
  clr_timeout_ms: 3000
'''


def names(obj):
    return [a['name'] for a in obj.get('avps', [])]


def served_request(h, proc, what):
    proc.wait(20)
    reqs = [json.loads(l) for l in proc.stdout().splitlines()
            if l.startswith('{') and '"kind":"request"' in l]
    h.check(len(reqs) == 1, what + ': exactly one request received')
    return reqs[0]


def test(h):
    hss = hsslib.start(h, s6a=S6A)
    hsslib.provision(h, hss.db, IMSI, '--msisdn', '33612345678', '--a-msisdn', '33699999999',
                     '--ambr-ul', '50000000', '--ambr-dl', '100000000', '--periodic-tau', '3240',
                     '--charging-chars', '0800', '--default-ctx-id', '2',
                     apns=('internet,ctx=1,qci=9,arp=8,pdn=ipv4,ambr-ul=1000000,ambr-dl=2000000',
                           'ims,ctx=2,qci=5,arp=1,preempt-cap=1,preempt-vuln=0,static-ip=10.1.2.3,'
                           'pgw-host=pgw.test,pgw-realm=test,vplmn-dyn=1,pgw-alloc=static'))
    hsslib.provision(h, hss.db, '001010000000022', apns=())
    hsslib.provision(h, hss.db, '001010000000023', '--roaming-allowed', 'deny')
    hsslib.provision(h, hss.db, '001010000000024', '--roaming-plmns', '20810')
    hsslib.provision(h, hss.db, '001010000000025', '--access-restriction-data', '16')

    # -- first attach from mme1, which then stays up to receive the CLR ------------------
    mme1 = hss.dclient_bg('mme1', 'ulr', '--imsi', IMSI, '--serve-seconds', '15',
                          '--serve-count', '1', identity='mme1.test')
    mme1.wait_log(r'"kind":"answer"', timeout=15, stream='out')
    ula = json.loads(next(l for l in mme1.stdout().splitlines() if '"kind":"answer"' in l))
    r = harness.DResult(0, json.dumps(ula), '')
    hsslib.check_common(h, r, 'ULA')
    h.check(ula['result_code'] == 2001, 'first attach: 2001')
    h.check(names(ula)[:7] == ['Session-Id', 'Vendor-Specific-Application-Id', 'Result-Code',
                               'Auth-Session-State', 'Origin-Host', 'Origin-Realm', 'ULA-Flags'],
            'ULA AVP order: %s' % names(ula))
    h.check(harness.avp(ula, 'ULA-Flags') == 1, 'ULA-Flags: Separation Indication')
    sd = harness.avps(ula, 'Subscription-Data')[0]
    h.check(names(sd) == ['Subscriber-Status', 'MSISDN', 'A-MSISDN', 'Network-Access-Mode',
                          '3GPP-Charging-Characteristics', 'AMBR', 'APN-Configuration-Profile',
                          'Subscribed-Periodic-RAU-TAU-Timer'],
            'Subscription-Data children in ABNF order: %s' % names(sd))
    h.check(harness.avps(sd, 'MSISDN')[0].get('digits') == '33612345678', 'MSISDN TBCD 33612345678')
    h.check(harness.avps(sd, 'A-MSISDN')[0].get('digits') == '33699999999', 'A-MSISDN')
    h.check(harness.avp(sd, 'AMBR/Max-Requested-Bandwidth-UL') == 50000000 and
            harness.avp(sd, 'AMBR/Max-Requested-Bandwidth-DL') == 100000000, 'UE-AMBR')
    h.check(harness.avp(sd, 'Subscribed-Periodic-RAU-TAU-Timer') == 3240, 'periodic TAU timer')
    h.check(harness.avp(sd, '3GPP-Charging-Characteristics') == '0800', 'charging characteristics')
    prof = harness.avps(sd, 'APN-Configuration-Profile')[0]
    h.check(harness.avp(prof, 'Context-Identifier') == 2, 'default context 2')
    h.check(harness.avp(prof, 'All-APN-Configurations-Included-Indicator') == 0, 'all APNs included')
    apns = harness.avps(prof, 'APN-Configuration')
    h.check(len(apns) == 2, 'two APN-Configuration')
    a1, a2 = apns
    h.check(harness.avp(a1, 'Service-Selection') == 'internet' and harness.avp(a1, 'PDN-Type') == 0 and
            harness.avp(a1, 'EPS-Subscribed-QoS-Profile/QoS-Class-Identifier') == 9 and
            harness.avp(a1, 'AMBR/Max-Requested-Bandwidth-DL') == 2000000,
            'APN internet: IPv4, QCI 9, APN-AMBR')
    h.check(names(a2) == ['Context-Identifier', 'Served-Party-IP-Address', 'PDN-Type',
                          'Service-Selection', 'EPS-Subscribed-QoS-Profile',
                          'VPLMN-Dynamic-Address-Allowed', 'MIP6-Agent-Info',
                          'PDN-GW-Allocation-Type'], 'APN-Configuration order: %s' % names(a2))
    h.check(harness.avp(a2, 'Served-Party-IP-Address') == '10.1.2.3', 'static IP')
    arp = 'EPS-Subscribed-QoS-Profile/Allocation-Retention-Priority/'
    h.check(harness.avp(a2, arp + 'Priority-Level') == 1 and
            harness.avp(a2, arp + 'Pre-emption-Capability') == 0 and
            harness.avp(a2, arp + 'Pre-emption-Vulnerability') == 1, 'ARP 1, may pre-empt, not vulnerable')
    h.check(harness.avp(a2, 'MIP6-Agent-Info/MIP-Home-Agent-Host/Destination-Host') == 'pgw.test',
            'PGW host in MIP6-Agent-Info')
    h.check(harness.avp(a2, 'VPLMN-Dynamic-Address-Allowed') == 1 and
            harness.avp(a2, 'PDN-GW-Allocation-Type') == 0, 'VPLMN dynamic allowed, PGW static')

    # -- mme2 takes over: CLR MME_UPDATE_PROCEDURE to mme1 ---------------------------------
    r = hss.dclient('ulr', '--imsi', IMSI, '--skip-subscriber-data', identity='mme2.test')
    h.check(r.rc == 0 and not harness.avps(r.answer, 'Subscription-Data'),
            'ULR with Skip-Subscriber-Data: 2001 without Subscription-Data')
    clr = served_request(h, mme1, 'mme1')
    h.check(clr['command'] == 'Cancel-Location-Request', 'mme1 received a CLR')
    h.check(harness.avp(clr, 'User-Name') == IMSI and harness.avp(clr, 'Destination-Host') == 'mme1.test',
            'CLR names the IMSI and mme1')
    h.check(harness.avp(clr, 'Cancellation-Type') == 0, 'Cancellation-Type MME_UPDATE_PROCEDURE')
    h.check(harness.avp(clr, 'CLR-Flags') == 1, 'CLR-Flags S6a/S6d-Indicator')
    hsslib.check_common(h, harness.DResult(0, json.dumps(dict(clr, kind='answer')), ''), 'CLR')

    # -- mme3 with Initial-Attach: CLR INITIAL_ATTACH_PROCEDURE to mme2 -------------------
    mme2 = hss.dclient_bg('mme2', 'ulr', '--imsi', IMSI, '--serve-seconds', '15',
                          '--serve-count', '1', identity='mme2.test')
    mme2.wait_log(r'"kind":"answer"', timeout=15, stream='out')
    r = hss.dclient('ulr', '--imsi', IMSI, '--initial-attach', identity='mme3.test')
    h.check(r.rc == 0, 'ULR from mme3: 2001')
    clr = served_request(h, mme2, 'mme2')
    h.check(harness.avp(clr, 'Cancellation-Type') == 4, 'Cancellation-Type INITIAL_ATTACH_PROCEDURE')

    # the same MME again: no CLR (mme3 is not listening; a CLR would count as rejected)
    r = hss.dclient('ulr', '--imsi', IMSI, identity='mme3.test')
    st = hss.stats()
    h.check(st['CLR']['requests'] == 2 and st['CLR']['success'] == 2,
            'two CLRs sent and answered 2001: %s' % st['CLR'])

    # an SGSN (no S6a/S6d-Indicator) registers beside the MME, no CLR
    r = hss.dclient('ulr', '--imsi', IMSI, '--ulr-flags', '0', '--rat-type', 'utran',
                    identity='sgsn1.test')
    h.check(r.rc == 0, 'ULR from an SGSN (S6d): 2001')
    show = json.loads(hsslib.hssctl(h, hss.db, '--json', 'show', IMSI).stdout)
    flat = json.dumps(show)
    h.check('sgsn1.test' in flat and 'mme3.test' in flat, 'MME and SGSN registrations kept apart')
    h.check(hss.stats()['CLR']['requests'] == 2, 'no CLR for an SGSN registering beside the MME')

    # -- NOR ------------------------------------------------------------------------------
    r = hss.dclient('nor', '--imsi', IMSI, '--nor-flags', '1', identity='mme9.test')
    hsslib.check_common(h, r, 'NOA')
    h.check(hsslib.exp_code(r) == 5423, 'NOR from a node that is not registered: 5423')
    r = hss.dclient('nor', '--imsi', IMSI, '--nor-flags', '1', identity='mme3.test')
    h.check(r.rc == 0, 'NOR from the registered MME: 2001')
    show = json.loads(hsslib.hssctl(h, hss.db, '--json', 'show', IMSI).stdout)
    h.check('"nor_flags": 1' in json.dumps(show) or '"nor_flags": "1"' in json.dumps(show),
            'NOR-Flags stored')

    # -- PUR ------------------------------------------------------------------------------
    r = hss.dclient('pur', '--imsi', IMSI, identity='mme9.test')
    hsslib.check_common(h, r, 'PUA')
    h.check(r.rc == 0 and harness.avp(r.answer, 'PUA-Flags') == 0,
            'PUR from another MME: 2001, PUA-Flags 0 (no freeze)')
    r = hss.dclient('pur', '--imsi', IMSI, identity='mme3.test')
    h.check(r.rc == 0 and harness.avp(r.answer, 'PUA-Flags') == 1,
            'PUR from the registered MME: PUA-Flags Freeze M-TMSI')
    show = json.dumps(json.loads(hsslib.hssctl(h, hss.db, '--json', 'show', IMSI).stdout))
    h.check('"mme_purged": true' in show, 'UE purged in MME stored')
    r = hss.dclient('pur', '--imsi', '001019999999999')
    h.check(hsslib.exp_code(r) == 5001, 'PUR unknown IMSI: 5001')
    hsslib.check_common(h, r, 'PUA 5001')

    # -- refusals -------------------------------------------------------------------------
    r = hss.dclient('ulr', '--imsi', '001019999999999')
    hsslib.check_common(h, r, 'ULR unknown')
    h.check(hsslib.exp_code(r) == 5001, 'ULR unknown IMSI: 5001')
    r = hss.dclient('ulr', '--imsi', '001010000000022')
    h.check(hsslib.exp_code(r) == 5420, 'ULR without APN: 5420')
    hsslib.check_common(h, r, 'ULA 5420')
    r = hss.dclient('ulr', '--imsi', '001010000000023', '--visited-plmn', '20801')
    h.check(hsslib.exp_code(r) == 5004 and r.answer.get('result_code') is None,
            'roaming not allowed for the subscriber: Experimental-Result 5004')
    hsslib.check_common(h, r, 'ULA 5004')
    r = hss.dclient('ulr', '--imsi', '001010000000023', '--visited-plmn', '00101')
    h.check(r.rc == 0, 'same subscriber at home: 2001')
    r = hss.dclient('ulr', '--imsi', '001010000000024', '--visited-plmn', '20801')
    h.check(hsslib.exp_code(r) == 5004, 'visited PLMN not in the subscriber list: 5004')
    hsslib.check_common(h, r, 'ULA 5004')
    r = hss.dclient('ulr', '--imsi', '001010000000024', '--visited-plmn', '20810')
    h.check(r.rc == 0, 'visited PLMN in the subscriber list and a partner: 2001')
    r = hss.dclient('ulr', '--imsi', IMSI, '--visited-plmn', '31026')
    h.check(hsslib.exp_code(r) == 5004, 'visited PLMN not a configured roaming partner: 5004')
    hsslib.check_common(h, r, 'ULA 5004')
    r = hss.dclient('ulr', '--imsi', '001010000000025', '--rat-type', 'eutran')
    h.check(hsslib.exp_code(r) == 5421, 'E-UTRAN barred by Access-Restriction-Data: 5421')
    hsslib.check_common(h, r, 'ULA 5421')
    r = hss.dclient('ulr', '--imsi', '001010000000025', '--rat-type', 'utran')
    h.check(r.rc == 0, 'same subscriber on UTRAN: 2001')
    r = hss.dclient('ulr', '--imsi', IMSI, '--rat-type', 'wlan')
    h.check(hsslib.exp_code(r) == 5421, 'RAT not in rat_allowed: 5421')
    hsslib.check_common(h, r, 'ULA 5421')

    st = hss.stats()
    h.check(st['ULR']['user_unknown'] == 1 and st['ULR']['rejected'] == 6,
            'ULR counters: %s' % st['ULR'])

    # -- Single-Registration-Indication: the MME takes over from the SGSN ------------------
    imsi = '001010000000026'
    hsslib.provision(h, hss.db, imsi)
    sgsn = hss.dclient_bg('sgsn2', 'ulr', '--imsi', imsi, '--ulr-flags', '0', '--rat-type', 'utran',
                          '--serve-seconds', '15', '--serve-count', '1', identity='sgsn2.test')
    sgsn.wait_log(r'"kind":"answer"', timeout=15, stream='out')
    r = hss.dclient('ulr', '--imsi', imsi, '--ulr-flags', '3', identity='mme5.test')
    h.check(r.rc == 0, 'ULR with Single-Registration-Indication: 2001')
    clr = served_request(h, sgsn, 'sgsn2')
    h.check(clr['command'] == 'Cancel-Location-Request' and
            harness.avp(clr, 'Cancellation-Type') == 1 and harness.avp(clr, 'CLR-Flags') is None,
            'the SGSN gets a CLR SGSN_UPDATE_PROCEDURE without S6a/S6d-Indicator')
    show = json.dumps(json.loads(hsslib.hssctl(h, hss.db, '--json', 'show', imsi).stdout))
    h.check('sgsn2.test' not in show and 'mme5.test' in show, 'SGSN registration removed')

    r = hss.dclient('ulr', '--imsi', imsi, '--avp', 'MME-Number-for-MT-SMS=tbcd:33600000001',
                    identity='mme5.test')
    show = json.dumps(json.loads(hsslib.hssctl(h, hss.db, '--json', 'show', imsi).stdout))
    h.check(r.rc == 0 and '33600000001' in show, 'MME-Number-for-MT-SMS stored')
    r = hss.dclient('ulr', '--imsi', imsi, '--avp', 'MME-Number-for-MT-SMS=hex:1a',
                    identity='mme5.test')
    h.check(hsslib.result(r) == ('rc', 5004) and
            harness.avps(r.answer, 'Failed-AVP/MME-Number-for-MT-SMS'),
            'MME-Number-for-MT-SMS not TBCD digits: 5004 with Failed-AVP')

    # -- the old MME is gone: the ULR still succeeds, the CLR failure is counted ------------
    imsi = '001010000000027'
    hsslib.provision(h, hss.db, imsi)
    r = hss.dclient('ulr', '--imsi', imsi, identity='mme6.test')   # registers, then disconnects
    h.check(r.rc == 0, 'ULR from mme6 (which then leaves): 2001')
    before = hss.stats()['CLR']
    r = hss.dclient('ulr', '--imsi', imsi, identity='mme7.test')
    h.check(r.rc == 0, 'ULR from mme7 while the old MME is gone: 2001, not held by the CLR')
    end = time.monotonic() + 10
    while True:
        st = hss.stats()['CLR']
        failed = st['rejected'] + st['timeouts'] + st['errors'] - (
            before['rejected'] + before['timeouts'] + before['errors'])
        if failed >= 1 or time.monotonic() > end:
            break
        time.sleep(0.1)
    h.check(st['requests'] == before['requests'] + 1 and failed == 1 and st['success'] == before['success'],
            'the CLR to the departed MME is sent once and counted as failed: %s' % st)
    h.check(hss.alive(), 'the HSS still answers')


harness.run(test, ports=(22040, 22059))

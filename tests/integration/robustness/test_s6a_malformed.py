# SPDX-License-Identifier: BSD-3-Clause
"""A barrage of malformed S6a requests (dclient raw) sent to a real HSS directly and through
a real DRA. Each answer is compared with what RFC 6733 and TS 29.272 ask for: the exact
Result-Code or Experimental-Result, the E bit for protocol errors (3xxx), Failed-AVP naming
the offending or missing AVP for 5004/5005/5001-AVP_UNSUPPORTED, who answered (the HSS, or
the DRA for what only a relay can refuse), and {Auth-Session-State}, which the S6a answer
ABNF requires in every answer without the E bit. The daemons must stay up and answer a
valid AIR at the end. Ports 22900-22919 (HSS) and 23900-23919 (DRA)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import roblib  # noqa: E402
from roblib import harness, IMSI, IMSI_UNKNOWN, HSS_ID, DRA_ID, VENDOR_3GPP  # noqa: E402

# Cases (key CASE@PATH) that do not get the right answer today, each with the one wrong
# answer it gets (roblib.Known): only that answer is excused. Printed with its reason at
# every run.
NO_DEST_REALM = ('freeDiameter 1.2.1 routing_dispatch.c (msg_rt_in, "Non-routable message not '
                 'supported") answers 3001 DIAMETER_COMMAND_UNSUPPORTED with the E bit to any '
                 'request without Destination-Realm; the command is supported, and RFC 6733 '
                 '6.1.4 makes such a request local, whose S6a ABNF check gives 5005 '
                 'DIAMETER_MISSING_AVP with Failed-AVP { Destination-Realm }')

AIR = ['raw', '--cmd', '318']
ULR = ['raw', '--cmd', '316']
EU = 'Requested-EUTRAN-Authentication-Info'
PLMN = ['--avp', 'Visited-PLMN-Id=plmn:00101']
VEC1 = ['--avp', EU + '/Number-Of-Requested-Vectors=1']
USER = ['--avp', 'User-Name=' + IMSI]
ULR_OK = ['--avp', 'RAT-Type=1004', '--avp', 'ULR-Flags=2'] + PLMN

# AVP (code, vendor) for Failed-AVP checks
USER_NAME = (1, 0)
VPLMN = (1407, VENDOR_3GPP)
RESYNC = (1411, VENDOR_3GPP)
ULR_FLAGS = (1405, VENDOR_3GPP)
RAT_TYPE = (1032, VENDOR_3GPP)
SESSION_ID = (263, 0)
ORIGIN_HOST = (264, 0)
DEST_REALM = (283, 0)


def E(result, failed=None, by='hss', ebit=None, vectors=None):
    """Expected answer: result ('rc'|'exp', code); failed: (code, vendor) that Failed-AVP must
    name; by: whose Origin-Host; ebit: defaults to True for 3xxx; vectors: E-UTRAN-Vector count
    (an int, or a (min, max) range)."""
    if ebit is None:
        ebit = result[0] == 'rc' and 3000 <= result[1] < 4000
    return {'result': result, 'failed': failed, 'by': by, 'ebit': ebit, 'vectors': vectors}


RC = lambda c: ('rc', c)       # noqa: E731
EXP = lambda c: ('exp', c)     # noqa: E731

KNOWN_BUG = {
    # freeDiameter's routing answers 3001 with the E bit itself: from the HSS's node directly,
    # from the DRA's node through the relay.
    'no-dest-realm@hss': roblib.Known(NO_DEST_REALM, E(RC(3001))),
    'no-dest-realm@dra': roblib.Known(NO_DEST_REALM, E(RC(3001), by='dra')),
}

# (case, dclient args, expected via the HSS directly, expected through the DRA (None: same))
CASES = [
    # User-Name (TS 23.003 2.2: an IMSI is at most 15 digits)
    ('air-no-user', AIR + PLMN + VEC1, E(RC(5005), USER_NAME), None),
    ('air-empty-user', AIR + ['--avp', 'User-Name='] + PLMN + VEC1, E(RC(5004), USER_NAME), None),
    ('air-user-16-digits', AIR + ['--avp', 'User-Name=0010100000000011'] + PLMN + VEC1,
     E(RC(5004), USER_NAME), None),
    ('air-user-40-digits', AIR + ['--avp', 'User-Name=rep:40:1'] + PLMN + VEC1, E(RC(5004), USER_NAME), None),
    ('air-user-4000-octets', AIR + ['--avp', 'User-Name=rep:4000:9'] + PLMN + VEC1,
     E(RC(5004), USER_NAME), None),
    ('air-user-non-digit', AIR + ['--avp', 'User-Name=00101abc0000001'] + PLMN + VEC1,
     E(RC(5004), USER_NAME), None),
    ('air-user-nai', AIR + ['--avp', 'User-Name=001010000000001@rob.test'] + PLMN + VEC1,
     E(RC(5004), USER_NAME), None),
    ('air-user-nul-inside', AIR + ['--avp', 'User-Name=hex:3030313031300030303030303030'] + PLMN + VEC1,
     E(RC(5004), USER_NAME), None),
    ('air-user-invalid-utf8', AIR + ['--avp', 'User-Name=hex:303031ff3130'] + PLMN + VEC1,
     E(RC(5004), USER_NAME), None),
    ('air-user-unknown', AIR + ['--avp', 'User-Name=' + IMSI_UNKNOWN] + PLMN + VEC1, E(EXP(5001)), None),
    ('ulr-user-unknown', ULR + ['--avp', 'User-Name=' + IMSI_UNKNOWN] + ULR_OK, E(EXP(5001)), None),
    # Visited-PLMN-Id is exactly 3 octets (TS 29.272 7.3.9, TS 24.008 10.5.1.13)
    ('air-no-vplmn', AIR + USER + VEC1, E(RC(5005), VPLMN), None),
    ('air-vplmn-2-octets', AIR + USER + ['--avp', 'Visited-PLMN-Id=hex:00f1'] + VEC1, E(RC(5004), VPLMN), None),
    ('air-vplmn-4-octets', AIR + USER + ['--avp', 'Visited-PLMN-Id=hex:00f11000'] + VEC1,
     E(RC(5004), VPLMN), None),
    ('air-vplmn-empty', AIR + USER + ['--avp', 'Visited-PLMN-Id='] + VEC1, E(RC(5004), VPLMN), None),
    ('air-vplmn-3-octets', AIR + USER + ['--avp', 'Visited-PLMN-Id=hex:00f110'] + VEC1,
     E(RC(2001), vectors=1), None),
    ('ulr-vplmn-2-octets', ULR + USER + ['--avp', 'RAT-Type=1004', '--avp', 'ULR-Flags=2',
                                         '--avp', 'Visited-PLMN-Id=hex:00f1'], E(RC(5004), VPLMN), None),
    # Re-Synchronization-Info is RAND (16) || AUTS (14) = 30 octets (TS 29.272 7.3.15)
    ('air-resync-29', AIR + USER + PLMN + ['--avp', EU + '/Re-Synchronization-Info=hex:' + '00' * 29],
     E(RC(5004), RESYNC), None),
    ('air-resync-31', AIR + USER + PLMN + ['--avp', EU + '/Re-Synchronization-Info=hex:' + '00' * 31],
     E(RC(5004), RESYNC), None),
    ('air-resync-empty', AIR + USER + PLMN + ['--avp', EU + '/Re-Synchronization-Info='],
     E(RC(5004), RESYNC), None),
    ('air-utran-resync-1', AIR + USER + PLMN +
     ['--avp', 'Requested-UTRAN-GERAN-Authentication-Info/Re-Synchronization-Info=hex:00'],
     E(RC(5004), RESYNC), None),
    # Number-Of-Requested-Vectors: the HSS may return fewer than asked (max_vectors 5 here)
    ('air-vectors-1000', AIR + USER + PLMN + ['--avp', EU + '/Number-Of-Requested-Vectors=1000'],
     E(RC(2001), vectors=5), None),
    ('air-vectors-2^32-1', AIR + USER + PLMN + ['--avp', EU + '/Number-Of-Requested-Vectors=4294967295'],
     E(RC(2001), vectors=5), None),
    # 0 vectors: TS 29.272 does not say; serving one vector (what a request without the AVP
    # gets) is accepted, never more.
    ('air-vectors-0', AIR + USER + PLMN + ['--avp', EU + '/Number-Of-Requested-Vectors=0'],
     E(RC(2001), vectors=(0, 1)), None),
    ('two-eutran-groups', AIR + USER + PLMN + VEC1 + ['--avp', EU + '[1]/Number-Of-Requested-Vectors=1'],
     E(RC(5009)), None),
    # ULR: { ULR-Flags } and { RAT-Type } are required (TS 29.272 7.2.3)
    ('ulr-no-flags', ULR + USER + ['--avp', 'RAT-Type=1004'] + PLMN, E(RC(5005), ULR_FLAGS), None),
    ('ulr-no-rat', ULR + USER + ['--avp', 'ULR-Flags=2'] + PLMN, E(RC(5005), RAT_TYPE), None),
    # MME-Number-for-MT-SMS is a TBCD ISDN number (TS 29.272 7.3.102)
    ('ulr-mt-sms-not-tbcd', ULR + USER + ULR_OK + ['--avp', 'MME-Number-for-MT-SMS=hex:ffff'],
     E(RC(5004), (1645, VENDOR_3GPP)), None),
    # Unknown AVP with the M bit: 5001 DIAMETER_AVP_UNSUPPORTED with the AVP in Failed-AVP
    # (RFC 6733 4.1, 7.1.5); a relay MUST NOT reject it (RFC 6733 4.1), so the HSS answers.
    ('unknown-m-avp-3gpp', AIR + USER + PLMN + VEC1 + ['--avp', '#4242@10415+m=hex:01020304'],
     E(RC(5001), (4242, VENDOR_3GPP)), None),
    ('unknown-m-avp-base', AIR + USER + PLMN + VEC1 + ['--avp', '#65000+m=hex:01020304'],
     E(RC(5001), (65000, 0)), None),
    # ... and without the M bit it is ignored
    ('unknown-avp-no-m', AIR + USER + PLMN + VEC1 + ['--avp', '#4243@10415-m=hex:01020304'],
     E(RC(2001), vectors=1), None),
    # Unknown command of the S6a application: 3001 (E bit); the relay forwards it.
    ('unknown-command', ['raw', '--cmd', '999'] + USER, E(RC(3001)), None),
    # Unknown application: the HSS answers 3007; the DRA finds no peer supporting it: 3002.
    ('unknown-application', ['raw', '--cmd', '318', '--app', '16777999', '--no-vsai'] + USER + PLMN + VEC1,
     E(RC(3007)), E(RC(3002), by='dra')),
    # Base protocol AVPs every S6a request carries
    ('no-session-id', AIR + ['--no-session-id'] + USER + PLMN + VEC1, E(RC(5005), SESSION_ID), None),
    ('no-origin', AIR + ['--no-origin'] + USER + PLMN + VEC1, E(RC(5005), ORIGIN_HOST), None),
    ('no-dest-realm', AIR + ['--no-dest-realm'] + USER + PLMN + VEC1, E(RC(5005), DEST_REALM),
     E(RC(5005), DEST_REALM, by='dra')),
]


def verdict(r, exp):
    """[(ok, what)]: the checks of one answer against an expectation of E()."""
    a = r.answer
    out = [(a is not None, 'answered (dclient rc %s)' % r.rc)]
    if a is None:
        return out
    got = roblib.result(a)
    out.append((got == exp['result'], 'result %s (got %s)' % (exp['result'], got)))
    who = {'hss': HSS_ID, 'dra': DRA_ID}[exp['by']]
    out.append((harness.avp(a, 'Origin-Host') == who,
                'answered by %s (Origin-Host %s)' % (who, harness.avp(a, 'Origin-Host'))))
    ebit = 'E' in (a.get('flags') or '')
    out.append((ebit == exp['ebit'], 'E bit %s' % ('set' if exp['ebit'] else 'clear')))
    if exp['failed']:
        fa = roblib.failed_avp_codes(a)
        out.append((exp['failed'] in fa, 'Failed-AVP names %s (got %s)' % (exp['failed'], fa)))
    if exp['vectors'] is not None:
        n = len(harness.avps(a, 'Authentication-Info/E-UTRAN-Vector'))
        lo, hi = exp['vectors'] if isinstance(exp['vectors'], tuple) else (exp['vectors'], exp['vectors'])
        out.append((lo <= n <= hi, '%s E-UTRAN vectors (got %d)' % (exp['vectors'], n)))
    # The answer ABNF applies to answers without the E bit (RFC 6733 7.2 for the others).
    if not ebit and harness.avp(a, 'Origin-Host') == HSS_ID:
        out.append((harness.avp(a, 'Auth-Session-State') is not None,
                    'Auth-Session-State present (TS 29.272 answer ABNF)'))
    return out


def test(h):
    sysm = roblib.System(h, (22900, 22919), (23900, 23919))
    cs = roblib.Cases(h, KNOWN_BUG)
    for name, args, exp_hss, exp_dra in CASES:
        for path, exp in (('hss', exp_hss), ('dra', exp_dra or exp_hss)):
            key = '%s@%s' % (name, path)
            r = sysm.send(path, *args)
            known = cs.symptom(key)
            cs.judge(key, verdict(r, exp), verdict(r, known) if known else None)
        # The daemons must survive every case, not only the last one.
        if not (sysm.hss.running() and sysm.dra.running()):
            h.fail('a daemon died after case %s (hss rc %s, dra rc %s)' % (name, sysm.hss.rc, sysm.dra.rc))
    sysm.check_alive()
    sysm.stop_and_check_sanitizers()
    cs.summary()


harness.run(test, ports=(22900, 22919))

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Cx on the wire, decoded by tshark (Wireshark's dissector, written independently of ours).

The Cx bed of tests/integration/cx (dclient as I-CSCF and S-CSCF -> dra -> hss, and the
HSS's RTR and PPR back through the DRA to the S-CSCF) runs a registration with AKA and SIP
Digest items, a re-synchronisation, User-Data, LIR, error answers (5001, 5002, 5005
IDENTITY_ALREADY_REGISTERED with Server-Name, 5006 with the MAA's identities, freeDiameter's
own 5005 with the Cx head), a PPR after a profile change and an RTR, all captured on lo. The
test fails unless every Cx command (300-305) was decoded by name as request and answer, on
any malformed packet or Diameter expert warning/error, and on an answer carrying
Route-Record.

Ports 24120-24139. Skipped (77) when tshark is missing or cannot capture here.
"""
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'cx'))
import cxlib  # noqa: E402
import harness  # noqa: E402
from cxlib import ICSCF, SCSCF, SCSCF2, SCSCF_URI, SCSCF2_URI  # noqa: E402

PORTS = '24120-24139'
DECODE_AS = ['-d', 'tcp.port==%s,diameter' % PORTS]
EXPERT_WARN = 6291456
IMSI = '001010000000501'
SUB = '''id: ivy
private_identities:
  - {identity: ivy@cx.test, auth_schemes: [digest-akav1-md5, sip-digest], imsi: "%s",
     digest_realm: cx.test, digest_password: ivy}
public_identities:
  - {identity: sip:ivy@cx.test, irs: 1, display_name: Ivy, service_profile: p}
  - {identity: "tel:+33100000501", irs: 1, service_profile: p}
service_profiles:
  - name: p
    subscribed_media_profile_id: 1
    ifcs:
      - priority: 0
        trigger: {cnf: true, spts: [{method: INVITE}, {group: 1, sip_header: {header: Accept, content: sms}}]}
        application_server: {server_name: sip:as-%s.cx.test, default_handling: session_terminated,
                             service_info: tas}
charging: {primary_ccf: "aaa://ccf.cx.test", primary_ecf: "aaa://ocs.cx.test:3868"}
'''


def tshark(h, cap, *args):
    cp = subprocess.run(['tshark', '-n', '-r', cap] + DECODE_AS + list(args), capture_output=True,
                        text=True)
    if cp.returncode != 0:
        h.fail('tshark %s failed: %s' % (' '.join(args), cp.stderr[-2000:]))
    return cp.stdout


def start_capture(h, cap):
    p = harness.Proc(h, 'tshark', ['tshark', '-n', '-i', 'lo', '-f', 'tcp portrange ' + PORTS,
                                   '-w', cap])
    h.procs.append(p)
    end = time.monotonic() + 30
    while time.monotonic() < end:
        if 'Capturing on' in p.stderr():
            return p
        if not p.running():
            break
        time.sleep(0.1)
    harness.skip('tshark cannot capture on lo here: ' + p.stderr().strip()[-300:])


def traffic(h, bed):
    impi, impu = 'ivy@cx.test', 'sip:ivy@cx.test'
    for args in (['uar', '--impi', impi, '--impu', impu],
                 ['uar', '--impi', 'nobody@cx.test', '--impu', impu]):
        bed.cx(ICSCF, *args)
    r = bed.cx(SCSCF, 'mar', '--impi', impi, '--impu', impu, '--items', '2', '--server-name', SCSCF_URI)
    rand = cxlib.items(r)[0]['SIP-Authenticate'][:32]
    auts = cxlib.hsslib.usim_auts(h, rand, 1 << 30)
    bed.cx(SCSCF, 'mar', '--impi', impi, '--impu', impu, '--resync', rand + ':' + auts,
           '--server-name', SCSCF_URI)
    bed.cx(SCSCF, 'mar', '--impi', impi, '--impu', impu, '--scheme', 'SIP Digest', '--server-name', SCSCF_URI)
    bed.cx(SCSCF, 'mar', '--impi', impi, '--impu', impu, '--scheme', 'NASS-Bundled', '--server-name', SCSCF_URI)
    r = bed.cx(SCSCF, 'sar', '--impi', impi, '--impu', impu, '--server-name', SCSCF_URI)
    h.check(r.rc == 0, 'SAR REGISTRATION')
    bed.cx(SCSCF2, 'sar', '--impi', impi, '--impu', impu, '--server-name', SCSCF2_URI)
    bed.cx(ICSCF, 'lir', '--impu', 'tel:+33100000501')
    bed.direct('raw', '--app', '16777216', '--cmd', '302')
    s = bed.serve(SCSCF, 15, 2)
    s.wait_log(r'serving', timeout=15)
    bed.dra.wait_peer_open(SCSCF, timeout=15)
    bed.hssctl('ims-import', h.write('ivy2.yaml', SUB % (IMSI, 'v2')), '--ctl', bed.ctl)
    time.sleep(1.0)
    reply = bed.ctl_cmd('rtr ivy')
    h.check(reply.startswith('ok'), 'rtr queued (%s)' % reply)
    s.wait(timeout=20)
    got = harness.DResult(None, s.stdout(), '').requests
    h.check(sorted(x['command'] for x in got) == ['Push-Profile-Request', 'Registration-Termination-Request'],
            'the S-CSCF got the PPR and the RTR')


def test(h):
    if not shutil.which('tshark'):
        harness.skip('tshark is not installed (./run deps installs it)')
    cap = h.path('cx.pcapng')
    capture = start_capture(h, cap)
    bed = cxlib.Bed(h)
    bed.s6a(IMSI)
    bed.ims('ivy', SUB % (IMSI, 'v1'))
    traffic(h, bed)
    time.sleep(1.0)
    for p in reversed(h.procs):
        if p is not capture:
            p.stop()
    capture.stop()

    seen = set()
    out = tshark(h, cap, '-Y', 'diameter', '-T', 'fields', '-e', 'diameter.cmd.code',
                 '-e', 'diameter.flags.request', '-e', 'diameter.applicationId')
    for line in out.splitlines():
        parts = line.split('\t')
        if len(parts) < 3:
            continue
        for code, req, app in zip(*(p.split(',') for p in parts[:3])):
            seen.add((int(code), req in ('1', 'True'), int(app)))
    want = {(code, req, 16777216) for code in range(300, 306) for req in (True, False)}
    h.check(not (want - seen), 'every Cx command decoded as request and answer (missing: %s)'
            % sorted(want - seen))
    names = tshark(h, cap, '-Y', 'diameter.applicationId == 16777216', '-T', 'fields',
                   '-e', 'diameter.cmd.code')
    h.check(names.strip(), 'Cx messages in the capture')
    for field in ('diameter.3GPP-SIP-Authenticate', 'diameter.Confidentiality-Key', 'diameter.Digest-HA1',
                  'diameter.Cx-User-Data', 'diameter.Server-Capabilities', 'diameter.Deregistration-Reason',
                  'diameter.Charging-Information', 'diameter.Experimental-Result-Code'):
        h.check(tshark(h, cap, '-Y', field).strip(), 'tshark decodes %s' % field)
    bad = tshark(h, cap, '-Y', 'diameter && (_ws.malformed || _ws.expert.severity >= %d)' % EXPERT_WARN,
                 '-V')
    if bad.strip():
        print(bad[:20000])
    h.check(not bad.strip(), 'no malformed Diameter packet and no Diameter expert warning')
    rr = tshark(h, cap, '-Y', 'diameter.flags.request == 0 && diameter.Route-Record')
    h.check(not rr.strip(), 'no answer carries Route-Record on the wire')
    print('%d Diameter packets decoded' % len(out.splitlines()))


if __name__ == '__main__':
    harness.run(test, ports=(24120, 24139))

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Sh on the wire, decoded by tshark (Wireshark's dissector, written independently of ours).

The whole Sh test of tests/integration/cx/test_cx_sh.py (application servers played by
dclient -> dra -> hss, and the HSS's PNRs back through the DRA) runs captured on lo: every
Data-Reference read, PURs and SNRs with their errors, PNRs answered 2001 and 5107, and
freeDiameter's own 5005 with the Sh head. The test fails unless every Sh command (UDR/UDA,
PUR/PUA, SNR/SNA, PNR/PNA: 306-309) was decoded by name as request and answer, on any
malformed packet or Diameter expert warning/error, and on an answer carrying Route-Record.

Ports 24140-24159. Skipped (77) when tshark is missing or cannot capture here.
"""
import os
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'cx'))
import cxlib  # noqa: E402
import harness  # noqa: E402
import test_capture_cx as capcx  # noqa: E402
import test_cx_sh  # noqa: E402

PORTS = '24140-24159'
SH_APP = 16777217


def test(h):
    if not shutil.which('tshark'):
        harness.skip('tshark is not installed (./run deps installs it)')
    cxlib.skip_without_xmllint()
    capcx.PORTS = PORTS
    capcx.DECODE_AS = ['-d', 'tcp.port==%s,diameter' % PORTS]
    cap = h.path('sh.pcapng')
    capture = capcx.start_capture(h, cap)
    bed = cxlib.Bed(h, sh=test_cx_sh.SH)
    test_cx_sh.traffic(h, bed)
    time.sleep(1.0)
    for p in reversed(h.procs):
        if p is not capture:
            p.stop()
    capture.stop()

    seen = set()
    out = capcx.tshark(h, cap, '-Y', 'diameter', '-T', 'fields', '-e', 'diameter.cmd.code',
                       '-e', 'diameter.flags.request', '-e', 'diameter.applicationId')
    for line in out.splitlines():
        parts = line.split('\t')
        if len(parts) < 3:
            continue
        for code, req, app in zip(*(p.split(',') for p in parts[:3])):
            seen.add((int(code), req in ('1', 'True'), int(app)))
    want = {(code, req, SH_APP) for code in range(306, 310) for req in (True, False)}
    h.check(not (want - seen), 'every Sh command decoded as request and answer (missing: %s)'
            % sorted(want - seen))
    fields = ('diameter.Data-Reference', 'diameter.Sh-User-Data', 'diameter.Service-Indication',
              'diameter.Expiry-Time', 'diameter.Subs-Req-Type', 'diameter.MSISDN',
              'diameter.Public-Identity', 'diameter.Experimental-Result-Code')
    capcx.decoded(h, cap, fields)
    bad = capcx.tshark(h, cap, '-Y', 'diameter && (_ws.malformed || _ws.expert.severity >= %d)'
                       % capcx.EXPERT_WARN, '-V')
    if bad.strip():
        print(bad[:20000])
    h.check(not bad.strip(), 'no malformed Diameter packet and no Diameter expert warning')
    rr = capcx.tshark(h, cap, '-Y', 'diameter.flags.request == 0 && diameter.Route-Record')
    h.check(not rr.strip(), 'no answer carries Route-Record on the wire')
    print('%d Diameter packets decoded' % len(out.splitlines()))


if __name__ == '__main__':
    harness.run(test, ports=(24140, 24159))

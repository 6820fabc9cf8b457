# SPDX-License-Identifier: BSD-3-Clause
"""Empty AVPs (data length 0) of every kind, sent over real connections to a real HSS
directly, through a real DRA to the HSS's realm, and to the DRA's own realm (which the DRA
dispatches locally, parsing the whole request, before relaying it), while another MME's load
runs through the DRA.

freeDiameter 1.2.1 parses an empty AVP its dictionary does not know into an object it cannot
encode again; before the fix the answer (5001 with that AVP in Failed-AVP, or the relayed
request) failed in the sender thread, which closed the connection: the DRA's link to the HSS
went down and every MME got 3002 for about 30 s. Here every case must get its exact answer
(Result-Code, the node that answered, the AVP in Failed-AVP with the right octets), the
connection that carried it must still answer a valid AIR, the load must see only 2001 (no
3002, no timeout), no daemon may log a link going down, and every answer must decode strictly
(our decoder, and tshark when it can capture here: no malformed answer, no expert warning).

An upstream server answering with empty AVPs (top level and inside a grouped AVP) through
the DRA must have its answer relayed octet for octet. Ports 22940-22959 (HSS), 23940-23959
(DRA and the upstream)."""
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import roblib  # noqa: E402
from roblib import harness, HSS_ID, HSS_REALM, DRA_ID, DRA_REALM, IMSI, VENDOR_3GPP as V  # noqa: E402

A = harness.avp_encode
M = harness.msg_encode
S6A = roblib.APP_S6A
UP_ID, UP_REALM = 'up.raw.rob.test', 'raw.rob.test'
Z4 = b'\0' * 4

# The DRA sends requests for its own realm to the HSS's realm (after its local dispatch).
RULES = """rules:
  - name: own-realm
    match: { direction: request, destination_realm: { exact: %s } }
    actions:
      - set: { avp: Destination-Realm, value: %s }
""" % (DRA_REALM, HSS_REALM)

NORV1 = A(1410, 1, vendor=V)
PI = A(280, 'proxy.client.rob.test') + A(33, b'state')


def air(ident, dest_realm, eu=NORV1, extra=b''):
    """A valid AIR (User-Name, Visited-PLMN-Id, Requested-EUTRAN-Authentication-Info { eu })
    followed by extra."""
    return (A(263, ident + ';1;empty') + A(260, A(266, V) + A(258, S6A)) + A(277, 1) +
            A(264, ident) + A(296, 'client.rob.test') + A(283, dest_realm) + A(1, IMSI) +
            A(1407, b'\x00\xf1\x10', vendor=V) + A(1408, eu, vendor=V) + extra)


def idr(ident, dest_realm, pi):
    """An IDR sent to the HSS, which has no handler for it (freeDiameter answers 3001 itself,
    copying Proxy-Info)."""
    return (A(263, ident + ';1;idr') + A(260, A(266, V) + A(258, S6A)) + A(277, 1) +
            A(264, ident) + A(296, 'client.rob.test') + A(293, HSS_ID) + A(283, dest_realm) + A(1, IMSI) +
            A(1400, b'', vendor=V) + pi)


def E(code, by='hss', failed=None, proxy=False):
    """Expected answer: Result-Code, answering node ('hss' | 'dra'), Failed-AVP child
    (code, vendor, flags, data) that must be there exactly, Proxy-Info copied."""
    return {'code': code, 'by': by, 'failed': failed, 'proxy': proxy}


def same(e, own=None):
    return {'hss': e, 'dra': e, 'dra-own': own or e}


# name -> (eu children, extra AVPs, expectations per path)
CASES = [
    # Unknown AVPs with the M bit: 5001 DIAMETER_AVP_UNSUPPORTED naming the AVP as received
    # (RFC 6733 7.5). Through the DRA to the HSS's realm the relay passes it on (RFC 6733 4.1)
    # and the HSS answers; for the DRA's own realm the DRA's local dispatch parses the request
    # and freeDiameter answers itself.
    ('unknown-m-vendor', NORV1, A(4242, b'', vendor=V, flags=0xc0),
     same(E(5001, failed=(4242, V, 0xc0, b'')), E(5001, 'dra', failed=(4242, V, 0xc0, b'')))),
    ('unknown-m-base', NORV1, A(65001, b'', flags=0x40),
     same(E(5001, failed=(65001, 0, 0x40, b'')), E(5001, 'dra', failed=(65001, 0, 0x40, b'')))),
    ('unknown-m-in-group', NORV1 + A(4245, b'', vendor=V, flags=0xc0), b'',
     same(E(5001, failed=(4245, V, 0xc0, b'')), E(5001, 'dra', failed=(4245, V, 0xc0, b'')))),
    # Without the M bit they are ignored (and relayed).
    ('unknown-vendor', NORV1, A(4243, b'', vendor=V, flags=0x80), same(E(2001))),
    ('unknown-base', NORV1, A(65002, b'', flags=0), same(E(2001))),
    ('unknown-in-group', NORV1 + A(4246, b'', vendor=V, flags=0x80), b'', same(E(2001))),
    ('unknown-in-group-base', NORV1 + A(65003, b'', flags=0), b'', same(E(2001))),
    # Known AVPs of a fixed-size type cannot be empty: 5014 DIAMETER_INVALID_AVP_LENGTH with
    # the AVP in Failed-AVP, zero-filled to its type's size (RFC 6733 7.5).
    ('air-flags-empty', NORV1, A(1679, b'', vendor=V, flags=0x80),
     same(E(5014, failed=(1679, V, 0x80, Z4)), E(5014, 'dra', failed=(1679, V, 0x80, Z4)))),
    ('drmp-empty', NORV1, A(301, b'', flags=0),
     same(E(5014, failed=(301, 0, 0, Z4)), E(5014, 'dra', failed=(301, 0, 0, Z4)))),
    ('vectors-empty-in-group', A(1410, b'', vendor=V, flags=0xc0), b'',
     same(E(5014, failed=(1410, V, 0xc0, Z4)), E(5014, 'dra', failed=(1410, V, 0xc0, Z4)))),
    # A Grouped AVP may be empty when its rules allow it.
    ('grouped-empty', NORV1, A(621, b'', flags=0), same(E(2001))),
    # Proxy-Info holding an empty unknown AVP is copied to the answer (RFC 6733 6.2), also to
    # the error answers freeDiameter builds itself.
    ('proxy-info-unknown', NORV1, A(284, PI + A(4250, b'', vendor=V, flags=0x80)),
     same(E(2001, proxy=True))),
    ('unknown-m-in-proxy-info', NORV1, A(284, PI + A(4254, b'', vendor=V, flags=0xc0)),
     same(E(5001, failed=(4254, V, 0xc0, b''), proxy=True),
          E(5001, 'dra', failed=(4254, V, 0xc0, b''), proxy=True))),
    ('proxy-info-unknown-and-unknown-m', NORV1,
     A(284, PI + A(4255, b'', vendor=V, flags=0x80) + A(4256, b'', vendor=V, flags=0xc0)),
     same(E(5001, failed=(4256, V, 0xc0, b''), proxy=True),
          E(5001, 'dra', failed=(4256, V, 0xc0, b''), proxy=True))),
    # A known AVP of a fixed-size type, empty, inside Proxy-Info: freeDiameter cannot copy
    # that Proxy-Info at all (and dropped the request unanswered); it is answered without it.
    ('proxy-info-empty-result-code', NORV1, A(284, PI + A(268, b'')),
     same(E(5014, failed=(268, 0, 0x40, Z4)), E(5014, 'dra', failed=(268, 0, 0x40, Z4)))),
    ('proxy-info-unknown-then-5001', NORV1,
     A(284, PI + A(4251, b'', vendor=V, flags=0x80)) + A(4252, b'', vendor=V, flags=0xc0),
     same(E(5001, failed=(4252, V, 0xc0, b''), proxy=True),
          E(5001, 'dra', failed=(4252, V, 0xc0, b''), proxy=True))),
]

# Requests the HSS does not handle (IDR) are answered by freeDiameter, which copies
# Proxy-Info after parsing it: before the fix that copy failed and its dispatch thread shut
# the whole HSS down.
IDR_PI = A(284, PI + A(4253, b'', vendor=V, flags=0x80))

# Known failures: case@path -> reason (reported at each run, not failing the suite).
KNOWN_BUG = {}

# What the upstream server appends to its answers: empty AVPs, unknown and known, top level
# and inside a grouped AVP.
UP_EXTRA = (A(4260, b'', vendor=V, flags=0x80) + A(65010, b'', flags=0) + A(4261, b'', vendor=V, flags=0xc0) +
            A(628, A(266, V) + A(629, 1, vendor=V) + A(630, 0, vendor=V) + A(4262, b'', vendor=V, flags=0x80),
              vendor=V) +
            A(301, b'', flags=0))


def check_answer(cs, key, m, exp):
    if not cs.check(key, m not in (None, 'timeout'), 'answered (got %s)' % (
            'connection closed' if m is None else m if m == 'timeout' else 'an answer')):
        return
    rc = [a.u32() for a in m.find(268)]
    cs.check(key, rc == [exp['code']], 'Result-Code %d (got %s)' % (exp['code'], rc))
    who = {'hss': HSS_ID, 'dra': DRA_ID}[exp['by']]
    oh = [a.data.decode('utf-8', 'replace') for a in m.find(264)]
    cs.check(key, oh == [who], 'answered by %s (got %s)' % (who, oh))
    if exp['failed']:
        code, vendor, flags, data = exp['failed']
        try:
            got = [(c.code, c.vendor, c.flags, c.data) for f in m.find(279) for c in f.children()]
        except ValueError as e:
            got = 'undecodable Failed-AVP: %s' % e
        cs.check(key, got == [(code, vendor, flags, data)],
                 'Failed-AVP holds exactly AVP %d (vendor %d, flags 0x%02x, %d octets of data) (got %s)' % (
                     code, vendor, flags, len(data), got))
    if exp['proxy']:
        pi = [(c.code, c.data) for p in m.find(284) for c in p.children()]
        cs.check(key, (280, b'proxy.client.rob.test') in pi and (33, b'state') in pi,
                 'Proxy-Info copied to the answer (got %s)' % pi)


def run_case(h, cs, sysm, path, name, eu, extra, exp, build=None):
    key = '%s@%s' % (name, path)
    port = sysm.hss_port if path == 'hss' else sysm.dra_port
    dest = DRA_REALM if path == 'dra-own' else HSS_REALM
    ident = 'empty-%s-%s.client.rob.test' % (name, path)
    c = roblib.RawClient(h, port, ident, timeout=5.0)
    try:
        c.send(build(ident, dest) if build else M(318, S6A, 0xc0, 1, 1, air(ident, dest, eu, extra)))
        try:
            m = c.answer()
        except ValueError as e:
            cs.check(key, False, 'answer decodes (%s)' % e)
            return
        check_answer(cs, key, m, exp)
        # The connection that carried it still serves.
        c.send(M(318, S6A, 0xc0, 2, 2, air(ident, dest)))
        m = c.answer()
        cs.check(key, m not in (None, 'timeout') and [a.u32() for a in m.find(268)] == [2001],
                 'the same connection then answers a valid AIR 2001')
    finally:
        c.close()


def upstream_case(h, cs, sysm, up):
    """An answer with empty AVPs from a server behind the DRA reaches the client intact."""
    key = 'upstream-answer@dra'
    ident = 'empty-up.client.rob.test'
    c = roblib.RawClient(h, sysm.dra_port, ident, timeout=5.0)
    try:
        c.send(M(318, S6A, 0xc0, 1, 1, air(ident, UP_REALM, extra=A(4263, b'', vendor=V, flags=0x80))))
        try:
            m = c.answer()
        except ValueError as e:
            cs.check(key, False, 'relayed answer decodes (%s)' % e)
            return
        if not cs.check(key, m not in (None, 'timeout'), 'answered (got %s)' % m):
            return
        cs.check(key, [a.u32() for a in m.find(268)] == [2001], 'Result-Code 2001 from the upstream')
        tail = m.raw[len(m.raw) - len(UP_EXTRA):]
        cs.check(key, tail == UP_EXTRA, 'the empty AVPs of the answer relayed octet for octet')
        req = up.wait_requests(1)[0]
        cs.check(key, [a.data for a in req.find(4263, V)] == [b''], 'the request reached the upstream '
                 'with its empty AVP')
    finally:
        c.close()


def link_drops(text, peer):
    return re.findall(r"'STATE_OPEN'\s+-> '(?!STATE_OPEN)[A-Z_]+'\s+'%s'" % re.escape(peer), text)


PORTS = ((22940, 22959), (23940, 23959))


def start_capture(h):
    """tshark on lo for our ports, or None (printing why) where it cannot capture."""
    if not shutil.which('tshark'):
        print('NOTE: tshark is not installed: the answers are checked with our decoder only')
        return None
    cap = os.path.join(h.tmp, 'empty.pcapng')
    p = harness.Proc(h, 'tshark', ['tshark', '-n', '-i', 'lo', '-f', ' or '.join(
        'tcp portrange %d-%d' % r for r in PORTS), '-w', cap])
    h.procs.append(p)
    end = time.monotonic() + 20
    while time.monotonic() < end:
        if 'Capturing on' in p.stderr():
            return p, cap
        if not p.running():
            break
        time.sleep(0.1)
    print('NOTE: tshark cannot capture on lo here (%s): the answers are checked with our decoder '
          'only' % p.stderr().strip()[-200:])
    p.stop()
    return None


def tshark_check(h, cap):
    """Every answer decodes in tshark with no malformed field and no expert warning, except
    what tshark says about the unknown AVPs an answer must echo in Failed-AVP or Proxy-Info
    (group Undecoded: "Unknown AVP ...", "Data is empty"). The answer relayed from the
    upstream is left out: its empty Enumerated is the upstream's, relayed as received."""
    args = ['tshark', '-n', '-r', cap]
    for r in PORTS:
        args += ['-d', 'tcp.port==%d-%d,diameter' % r]
    flt = 'diameter.flags.request == 0 && !(diameter.Session-Id contains "empty-up")'
    cp = subprocess.run(args + ['-Y', flt, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=|',
                                '-e', 'frame.number', '-e', '_ws.malformed', '-e', '_ws.expert.severity',
                                '-e', '_ws.expert.group', '-e', '_ws.expert.message'],
                        capture_output=True, text=True)
    h.check(cp.returncode == 0, 'tshark read the capture (%s)' % cp.stderr.strip()[-300:])
    bad, n = [], 0
    for line in cp.stdout.splitlines():
        f = line.split('\t') + [''] * 5
        n += 1
        if f[1]:
            bad.append('frame %s: malformed' % f[0])
        for sev, grp, msg in zip(f[2].split('|'), f[3].split('|'), f[4].split('|')):
            if not sev or int(sev, 0) < 0x00600000:
                continue
            if int(grp, 0) == 0x05000000 and (msg.startswith('Unknown AVP') or msg == 'Data is empty'):
                continue
            bad.append('frame %s: %s' % (f[0], msg))
    print('tshark decoded %d answers' % n)
    h.check(n > 0 and not bad, 'tshark: no malformed answer and no expert warning (%s)' % bad[:10])


def test(h):
    up_port = roblib.free_port(h, 23958, 23959)
    up = h.raw_peer(UP_ID, up_port, realm=UP_REALM, answer_extra=UP_EXTRA)
    cap = start_capture(h)
    sysm = roblib.System(h, (22940, 22959), (23940, 23957), rules=RULES,
                         upstreams=[(UP_ID, UP_REALM, up_port)])
    cs = roblib.Cases(h, KNOWN_BUG)

    # Another MME's traffic through the DRA for the whole run.
    duration = 12
    load = h.dclient_bg('load', '--dest-realm', HSS_REALM, 'load', 'air', '--imsi', IMSI,
                        '--visited-plmn', '00101', '--duration', str(duration), '--concurrency', '2',
                        peer=sysm.dra_port, peer_host=DRA_ID, identity='mme-load.client.rob.test',
                        timeout_ms=5000)
    time.sleep(1.0)
    t0 = time.monotonic()
    for name, eu, extra, exps in CASES:
        for path in ('hss', 'dra', 'dra-own'):
            run_case(h, cs, sysm, path, name, eu, extra, exps[path])
    for path in ('hss', 'dra', 'dra-own'):
        run_case(h, cs, sysm, path, 'idr-proxy-info-unknown', None, None, E(3001, proxy=True),
                 build=lambda ident, dest: M(319, S6A, 0xc0, 1, 1, idr(ident, dest, IDR_PI)))
    upstream_case(h, cs, sysm, up)
    spent = time.monotonic() - t0
    h.check(spent < duration - 2, 'the cases ran while the load was running (%.1f s of %d s)' % (spent, duration))

    rc = load.wait(timeout=duration + 30)
    r = harness.DResult(rc, load.stdout(), load.stderr())
    s = r.answer or {}
    print('load through the DRA during the cases: %s' % {k: s.get(k) for k in
                                                           ('sent', 'answered', 'timeouts', 'errors', 'results', 'rps')})
    h.check(s.get('sent', 0) > 0 and s.get('answered') == s.get('sent') and s.get('timeouts') == 0 and
            s.get('errors') == 0 and set((s.get('results') or {}).keys()) == {'2001'},
            'the other MME got 2001 for every request (no 3002, no timeout) while the cases ran')
    for proc, peer in ((sysm.dra, HSS_ID), (sysm.hss, DRA_ID)):
        drops = link_drops(proc.stdout() + proc.stderr(), peer)
        h.check(not drops, '%s never lost its link with %s (%s)' % (proc.name, peer, drops))
    sysm.check_alive()
    if cap:
        time.sleep(0.5)
        cap[0].stop()
    sysm.stop_and_check_sanitizers()
    if cap:
        tshark_check(h, cap[1])
    cs.summary()


harness.run(test, ports=(22940, 22959))

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""SNMP of the HSS's Cx/Dx: the CSCFs (dclient) register users through the DRA (cxlib's bed)
and the HSS sends RTR and PPR to the S-CSCF; a private snmpd is the AgentX master. What
hssCmdTable, hssCmdResultTable and hssGlobal show must equal the traffic:

  - UAR, MAR, SAR, LIR rows (application 16777216, codes 300-303, received): requests, answers
    by result class, and by result code (Result-Code or Experimental-Result-Code) counted from
    the answers the CSCFs got;
  - RTR and PPR rows (codes 304, 305, sent): a PPR answered 5008 (failed), a PPR to an S-CSCF
    that does not answer (SIGSTOP: timed out after cx.push_timeout_ms), an RTR answered 2001;
    the hssInitiated totals;
  - hssImsVectorsAka and hssImsDigestItems equal the SIP-Auth-Data-Items received;
  - the same numbers as the control socket's `stats`.

Ports 25060-25079."""
import collections
import os
import signal
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'cx'))
import snmplib  # noqa: E402
from snmplib import HSS, harness  # noqa: E402
import cxlib  # noqa: E402
from cxlib import ICSCF, SCSCF, SCSCF_URI  # noqa: E402

CX = 16777216
UAR, SAR, LIR, MAR, RTR, PPR = 300, 301, 302, 303, 304, 305
NAMES = {UAR: 'UAR', SAR: 'SAR', LIR: 'LIR', MAR: 'MAR', RTR: 'RTR', PPR: 'PPR'}
CMD, RES, GLOBAL = HSS + '.3.1', HSS + '.4.1', HSS + '.1'
IMSI = '001010000000301'
SUB = '''id: fred
private_identities:
  - identity: fred@cx.test
    auth_schemes: [digest-akav1-md5]
    imsi: "%s"
  - identity: fred-soft@cx.test
    auth_schemes: [sip-digest]
    digest_realm: cx.test
    digest_password: fred-pw
    impus: [sip:fred@cx.test]
public_identities:
  - {identity: sip:fred@cx.test, irs: 1, irs_default: true, service_profile: voice}
  - {identity: "tel:+33100000301", irs: 1, service_profile: voice}
service_profiles:
  - name: voice
    ifcs: [{priority: 0, application_server: {server_name: sip:as.cx.test}}]
''' % IMSI
IMPI, IMPU = 'fred@cx.test', 'sip:fred@cx.test'


def col(walk, entry, column, *index):
    return walk.get('%s.%d.%s' % (entry, column, '.'.join(str(i) for i in index)))


def test(h):
    cxlib.skip_without_xmllint()
    snmp = snmplib.Snmp(h)
    snmp.start_master()
    # the outbox is polled every 10 minutes: only what wakes the sender (the control socket's
    # rtr, ppr, outbox) is sent at once, so a change hssctl queues without telling the HSS
    # stays in the outbox for hssCxOutbox to show (last part)
    bed = cxlib.Bed(h, hss_sections={'snmp': snmp.cfg()}, cx_poll_ms=600000)
    bed.hss.wait_log('snmp: registered with the AgentX master', timeout=15)
    snmp.wait_registered(HSS)
    bed.s6a(IMSI)
    bed.ims('fred', SUB)
    ops0 = snmp.walk(HSS).get(GLOBAL + '.2.0') or 0   # hssDbOps before the Cx requests

    # What the CSCFs got back: (command, kind, code) -> answers, per command: requests.
    got = collections.Counter()
    sent = collections.Counter()
    items = {'aka': 0, 'digest': 0}

    def cx(who, cmd, *args):
        r = bed.cx(who, NAMES[cmd].lower(), *args)
        res = cxlib.result(r)
        h.check(res is not None, '%s %s answered (%s)' % (NAMES[cmd], ' '.join(args), res))
        sent[cmd] += 1
        if res:
            got[(cmd, 1 if res[0] == 'rc' else 2, res[1])] += 1
        for it in cxlib.items(r) if r.answer else []:
            items['digest' if it.get('SIP-Authentication-Scheme') == 'SIP Digest' else 'aka'] += 1
        return res

    h.check(cx(ICSCF, UAR, '--impi', IMPI, '--impu', IMPU, '--visited-network', 'cx.test') ==
            ('exp', cxlib.FIRST_REGISTRATION), 'UAR: first registration')
    h.check(cx(ICSCF, UAR, '--impi', 'nobody@cx.test', '--impu', 'sip:nobody@cx.test')[1] ==
            cxlib.USER_UNKNOWN, 'UAR of an unknown user: 5001')
    h.check(cx(SCSCF, MAR, '--impi', IMPI, '--impu', IMPU, '--scheme', 'Digest-AKAv1-MD5',
               '--items', '2', '--server-name', SCSCF_URI) == ('rc', 2001), 'MAR AKA, 2 items')
    h.check(cx(SCSCF, MAR, '--impi', 'fred-soft@cx.test', '--impu', IMPU, '--scheme', 'unknown',
               '--server-name', SCSCF_URI) == ('rc', 2001), 'MAR SIP Digest')
    h.check(cx(SCSCF, MAR, '--impi', 'nobody@cx.test', '--impu', 'sip:nobody@cx.test',
               '--scheme', 'unknown', '--server-name', SCSCF_URI)[1] == cxlib.USER_UNKNOWN,
            'MAR of an unknown user: 5001')
    h.check(cx(ICSCF, UAR, '--impi', IMPI, '--impu', IMPU, '--visited-network', 'cx.test') ==
            ('exp', cxlib.SUBSEQUENT_REGISTRATION), 'UAR: subsequent registration')
    h.check(cx(SCSCF, SAR, '--impi', IMPI, '--impu', IMPU, '--server-name', SCSCF_URI,
               '--assignment-type', '1') == ('rc', 2001), 'SAR REGISTRATION')
    h.check(cx(ICSCF, LIR, '--impu', 'tel:+33100000301') == ('rc', 2001), 'LIR: 2001')
    h.check(cx(ICSCF, LIR, '--impu', 'sip:nobody@cx.test')[1] == cxlib.USER_UNKNOWN,
            'LIR of an unknown identity: 5001')
    h.check(items == {'aka': 2, 'digest': 1}, 'SIP-Auth-Data-Items received: %s' % items)

    # The requests the HSS sends, to the S-CSCF (dclient serving through the DRA).
    def scscf(*extra):
        p = bed.serve(SCSCF, 20, 1, *extra)
        p.wait_log(r'serving', timeout=15)
        bed.dra.wait_peer_open(SCSCF, timeout=15)
        return p

    s = scscf('--serve-result', 'exp:5008')
    h.check(bed.ctl_cmd('ppr fred').startswith('ok'), 'PPR queued')
    s.wait(timeout=25)
    s = scscf()
    s.p.send_signal(signal.SIGSTOP)   # connected, never answers: the PPR times out
    h.check(bed.ctl_cmd('ppr fred').startswith('ok'), 'PPR queued to a frozen S-CSCF')

    def timed_out():
        w = snmp.walk(CMD)
        return w if col(w, CMD, 13, CX, PPR) == 1 else None
    snmp.poll(timed_out, 'PPR timed out', timeout=15)
    s.p.send_signal(signal.SIGCONT)
    s.stop()
    s = scscf()
    h.check(bed.ctl_cmd('rtr %s' % IMPU).startswith('ok'), 'RTR queued')
    s.wait(timeout=25)

    def counted():
        w = snmp.walk(HSS)
        return w if col(w, CMD, 7, CX, RTR) == 1 else None
    w = snmp.poll(counted, 'RTR answer counted') or snmp.walk(HSS)
    st = bed.stats()
    # every Cx request read the IMS store at least once: the database layer times those
    # operations too (before, only S6a's were counted)
    ops = (w.get(GLOBAL + '.2.0') or 0) - ops0
    h.check(ops >= sum(sent[c] for c in (UAR, MAR, SAR, LIR)),
            'hssDbOps counts the Cx procedures\' database operations: +%d for %d requests' %
            (ops, sum(sent[c] for c in (UAR, MAR, SAR, LIR))))

    # received: requests, classes and codes equal what the CSCFs sent and got
    for cmd in (UAR, MAR, SAR, LIR):
        row = {c: col(w, CMD, c, CX, cmd) for c in (3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13)}
        cls = collections.Counter()
        for (c, _, code), n in got.items():
            if c == cmd:
                cls[code // 1000] += n
        want = {3: NAMES[cmd], 4: 1, 5: sent[cmd], 6: 0, 7: cls[2], 8: cls[3], 9: cls[4],
                10: cls[5], 11: 0, 12: 0, 13: 0}
        h.check(row == want, 'hssCmdTable %s: %s (want %s)' % (NAMES[cmd], row, want))
        h.check(row[5] == st[NAMES[cmd]]['requests'] and row[7] == st[NAMES[cmd]]['success'],
                'the control socket shows the same %s counters: %s' % (NAMES[cmd], st[NAMES[cmd]]))
    res = {k: v for k, v in ((tuple(int(x) for x in oid[len(RES) + 3:].split('.')[1:]), v)
                             for oid, v in w.items() if oid.startswith(RES + '.3.%d.' % CX))
           if k[0] in (UAR, MAR, SAR, LIR)}
    h.check(res == dict(got), 'hssCmdResultTable of the Cx commands received: %s (want %s)'
            % (res, dict(got)))

    # sent: RTR answered 2001; PPR one answered 5008 (failed), one timed out
    rows = {cmd: {c: col(w, CMD, c, CX, cmd) for c in (3, 4, 5, 7, 10, 12, 13)} for cmd in (RTR, PPR)}
    h.check(rows[RTR] == {3: 'RTR', 4: 2, 5: 1, 7: 1, 10: 0, 12: 0, 13: 0},
            'hssCmdTable RTR: sent 1, answered 2xxx 1: %s' % rows[RTR])
    h.check(rows[PPR] == {3: 'PPR', 4: 2, 5: 2, 7: 0, 10: 1, 12: 0, 13: 1},
            'hssCmdTable PPR: sent 2, answered 5xxx 1, timed out 1: %s' % rows[PPR])
    h.check(col(w, RES, 3, CX, RTR, 1, 2001) == 1 and col(w, RES, 3, CX, PPR, 2, 5008) == 1,
            'hssCmdResultTable: RTR Result-Code 2001, PPR Experimental-Result-Code 5008')
    h.check((st['RTR']['requests'], st['RTR']['success'], st['PPR']['requests'],
             st['PPR']['rejected'], st['PPR']['timeouts']) == (1, 1, 2, 1, 1),
            'the control socket agrees: RTR %s, PPR %s' % (st['RTR'], st['PPR']))
    g = {i: w.get('%s.%d.0' % (GLOBAL, i)) for i in (6, 7, 8, 9, 27, 28)}
    h.check(g == {6: 3, 7: 2, 8: 1, 9: 1, 27: 2, 28: 1},
            'hssInitiated sent 3 answered 2 failed 1 timed out 1; hssImsVectorsAka 2, '
            'hssImsDigestItems 1: %s' % g)
    h.check(g[27] == st['vectors']['ims_aka'] and g[28] == st['vectors']['ims_digest'],
            'the control socket agrees on the IMS items: %s' % st['vectors'])
    # by name, as an NMS loading the MIB reads them
    text = snmp.walk_text('DCORE-MIB::hssCmdName')
    for code, n in sorted(NAMES.items()):
        line = 'DCORE-MIB::hssCmdName.%d.%d = STRING: %s' % (CX, code, n)
        h.check(line in text, '%s%s' % (line, '' if line in text else ' missing:\n' + text))
    # what the README shows
    print(snmp._run(['snmptable', '-Cb', '-Ci', '-Cw', '160'], rest=['DCORE-MIB::hssCmdTable']).stdout)
    print(snmp.walk_text('DCORE-MIB::hssResultCount.%d.%d' % (CX, UAR)))

    # hssCxOutbox: fred registered again, his profile changed by hssctl without telling the
    # HSS: the PPR waits in the outbox (polled every 10 minutes here) until `outbox`
    h.check(w.get(GLOBAL + '.31.0') == 0, 'hssCxOutbox 0: everything was sent (%s)' %
            w.get(GLOBAL + '.31.0'))
    h.check(w.get(GLOBAL + '.32.0') == 0, 'hssShOutbox 0: Sh is off here (%s)' %
            w.get(GLOBAL + '.32.0'))
    h.check(cx(SCSCF, SAR, '--impi', IMPI, '--impu', IMPU, '--server-name', SCSCF_URI,
               '--assignment-type', '1') == ('rc', 2001), 'SAR REGISTRATION again')
    out = bed.hssctl('ims-import', h.write('fred2.yaml', SUB.replace('sip:as.cx.test',
                                                                    'sip:as2.cx.test'))).stdout
    h.check('1 profile push(es) queued' in out, 'hssctl queued a PPR (%s)' % out.strip())

    def depth(n):
        def f():
            return snmp.walk(HSS).get(GLOBAL + '.31.0') == n
        return f
    h.check(snmp.poll(depth(1), 'hssCxOutbox 1', timeout=15),
            'hssCxOutbox 1: the PPR waits in the outbox')
    h.check(bed.ctl_cmd('outbox').startswith('ok outbox 1'), 'the control socket counts it too')
    h.check(snmp.poll(depth(0), 'hssCxOutbox 0', timeout=15),
            'hssCxOutbox 0 once `outbox` sent it')
    h.check(bed.hss.running(), 'the HSS still runs')


harness.run(test, ports=(25060, 25079))

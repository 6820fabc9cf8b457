#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""SNMP of the HSS's Sh: application servers (dclient) send UDR, PUR and SNR through the DRA
(cxlib's bed with sh.application_servers, as tests/integration/cx/test_cx_sh.py) and the HSS
sends them PNRs; a private snmpd is the AgentX master. What hssCmdTable, hssCmdResultTable
and hssGlobal show must equal the traffic:

  - UDR, PUR, SNR rows (application 16777217, codes 306-308, received): requests, answers by
    result class and by result code (Result-Code or Experimental-Result-Code), counted from
    the answers the ASes got (2001, 5001, 5102, 5004, 5105, 5103, 5104, 5106);
  - the PNR row (code 309, sent): one answered 5107 by an AS (its subscription removed), one
    answered 2001, one answered 3002 by the DRA (the subscribed AS gone), one to an AS that
    does not answer (SIGSTOP: timed out after sh.notify_timeout_ms); the hssInitiated totals;
  - the same numbers as the control socket's `stats`; the rows by name (snmpwalk with the
    MIB) and in snmptable, the totals with snmpget.

Ports 25080-25099."""
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
import test_cx_sh as shl  # noqa: E402
from test_cx_sh import TAS, PRES, ROGUE, USER, PSI, IMSI, MSISDN  # noqa: E402

SH = 16777217
UDR, PUR, SNR, PNR = 306, 307, 308, 309
NAMES = {UDR: 'UDR', PUR: 'PUR', SNR: 'SNR', PNR: 'PNR'}
STATS = {UDR: 'UDR', PUR: 'PUR_SH', SNR: 'SNR', PNR: 'PNR'}   # the control socket's names
CMD, RES, GLOBAL = HSS + '.3.1', HSS + '.4.1', HSS + '.1'
RC, EXP = 1, 2


def col(walk, entry, column, *index):
    return walk.get('%s.%d.%s' % (entry, column, '.'.join(str(i) for i in index)))


def results(walk, app, codes):
    """hssCmdResultTable of app: {(command, kind, code): count} for the commands in codes."""
    out = {}
    pre = RES + '.3.%d.' % app
    for oid, v in walk.items():
        if oid.startswith(pre):
            cmd, kind, code = (int(x) for x in oid[len(pre):].split('.'))
            if cmd in codes:
                out[(cmd, kind, code)] = v
    return out


def test(h):
    cxlib.skip_without_xmllint()
    snmp = snmplib.Snmp(h)
    snmp.start_master()
    bed = cxlib.Bed(h, sh=shl.SH, hss_sections={'snmp': snmp.cfg()})
    bed.hss.wait_log('snmp: registered with the AgentX master', timeout=15)
    snmp.wait_registered(HSS)
    bed.s6a(IMSI, '--msisdn', MSISDN)
    bed.ims('sam', shl.SUB % (IMSI, MSISDN, 'false'))
    sh = shl.Sh(h, bed)

    # What the ASes got back: (command, kind, code) -> answers; per command: requests.
    got = collections.Counter()
    sent = collections.Counter()

    def count(cmd, r, want, what):
        res = cxlib.result(r)
        h.check(res == want, '%s: %s (got %s)' % (what, want, res))
        sent[cmd] += 1
        if res:
            got[(cmd, RC if res[0] == 'rc' else EXP, res[1])] += 1

    def udr(who, ident, want, what, *args):
        count(UDR, sh.udr(who, ident, *args), want, 'UDR ' + what)

    def pur(who, ident, dref, xml, want, what):
        count(PUR, sh.pur(who, ident, dref, xml), want, 'PUR ' + what)

    def snr(who, ident, want, what, *args):
        count(SNR, sh.req(who, 'snr', ident, *args), want, 'SNR ' + what)

    def subscribed(who, ident, *args, result='2001'):
        """An AS that subscribes and stays up for one PNR; its SNR counted."""
        p, sna = sh.subscribed(who, 30, 1, ident, *args, result=result)
        count(SNR, sna, ('rc', 2001), 'SNR from %s (serving)' % who)
        bed.dra.wait_peer_open(who, timeout=15)
        return p

    udr(TAS, USER, ('rc', 2001), 'IMSPublicIdentity', '--data-ref', shl.IDS)
    udr(TAS, '#' + MSISDN, ('rc', 2001), 'by MSISDN', '--data-ref', shl.MSISDN_REF)
    udr(TAS, 'sip:nobody@cx.test', ('exp', shl.USER_UNKNOWN), 'unknown identity',
        '--data-ref', shl.IDS)
    udr(ROGUE, USER, ('exp', shl.CANNOT_READ), 'from an AS not configured', '--data-ref', shl.IDS)
    udr(PRES, USER, ('exp', shl.CANNOT_READ), 'outside the read list', '--data-ref', shl.MSISDN_REF)
    udr(TAS, USER, ('rc', 5004), 'Data-Reference 5', '--data-ref', 5)
    pur(PRES, USER, shl.REPO, shl.repo_xml('mmtel', 0, '<x/>'), ('exp', shl.CANNOT_MODIFY),
        'without the update right')
    snr(PRES, USER, ('exp', shl.CANNOT_NOTIFY), 'outside the subscribe list',
        '--data-ref', shl.IFC, '--server-name', 'sip:tas.cx.test')
    snr(TAS, USER, ('rc', 2001), 'IMSUserState', '--data-ref', shl.IMS_STATE)
    snr(TAS, USER, ('rc', 2001), 'unsubscribe', '--data-ref', shl.IMS_STATE, '--subs-req-type', 1)
    snr(TAS, USER, ('exp', shl.SUBS_DATA_ABSENT), 'unsubscribe twice',
        '--data-ref', shl.IMS_STATE, '--subs-req-type', 1)

    # PNR 1: the operator activates the PSI (hssctl); the AS answers 5107, which removes its
    # subscription
    tas = subscribed(TAS, PSI, '--data-ref', shl.PSI_ACT, result='exp:%d' % shl.NO_SUBSCRIPTION)
    bed.hssctl('ims-import', h.write('sam2.yaml', shl.SUB % (IMSI, MSISDN, 'true')), config=True)
    shl.pnrs(h, tas, 1)
    tas.wait(timeout=30)
    snr(TAS, PSI, ('exp', shl.SUBS_DATA_ABSENT), 'unsubscribe after the PNA 5107',
        '--data-ref', shl.PSI_ACT, '--subs-req-type', 1)

    def pnr_row():
        w = snmp.walk(CMD)
        return {c: col(w, CMD, c, SH, PNR) for c in (5, 7, 8, 10, 12, 13)}

    def wait_pnr(c, n, what):
        h.check(snmp.poll(lambda: pnr_row()[c] == n, what, timeout=15), '%s: %s' % (what, pnr_row()))

    # PNR 2: the presence AS subscribed to its repository data, the TAS creates it: 2001
    pres = subscribed(PRES, USER, '--data-ref', shl.REPO, '--service-indication', 'mmtel')
    pur(TAS, USER, shl.REPO, shl.repo_xml('mmtel', 0, '<cfu>sip:vm@cx.test</cfu>'), ('rc', 2001),
        'RepositoryData created')
    shl.pnrs(h, pres, 1)
    pres.wait(timeout=30)
    wait_pnr(7, 1, 'PNR answered 2001')
    # PNR 3: the presence AS gone, its subscription kept: the DRA answers 3002
    bed.dra.wait_peer_closed(PRES, timeout=15)
    pur(TAS, USER, shl.REPO, shl.repo_xml('mmtel', 1, '<cfu/>'), ('rc', 2001), 'RepositoryData updated')
    pur(TAS, USER, shl.REPO, shl.repo_xml('mmtel', 1, '<cfu/>'), ('exp', shl.OUT_OF_SYNC),
        'SequenceNumber 1 again')
    wait_pnr(8, 1, 'PNR to a gone AS answered 3xxx by the DRA')
    # PNR 4: the presence AS back but frozen: timed out
    pres = subscribed(PRES, USER, '--data-ref', shl.REPO, '--service-indication', 'mmtel')
    pres.p.send_signal(signal.SIGSTOP)
    pur(TAS, USER, shl.REPO, shl.repo_xml('mmtel', 2, '<cfu>x</cfu>'), ('rc', 2001),
        'RepositoryData updated again')
    wait_pnr(13, 1, 'PNR to a frozen AS timed out')
    pres.p.send_signal(signal.SIGCONT)
    pres.stop()

    time.sleep(0.6)   # the subagent's values are at most 0.5 s old
    w = snmp.walk(HSS)
    st = bed.stats()

    # received: requests, classes and codes equal what the ASes sent and got
    for cmd in (UDR, PUR, SNR):
        row = {c: col(w, CMD, c, SH, cmd) for c in range(3, 15)}
        cls = collections.Counter()
        for (c, _, code), n in got.items():
            if c == cmd:
                cls[code // 1000] += n
        want = {3: NAMES[cmd], 4: 1, 5: sent[cmd], 6: 0, 7: cls[2], 8: cls[3], 9: cls[4],
                10: cls[5], 11: 0, 12: 0, 13: 0, 14: 0}
        h.check(row == want, 'hssCmdTable Sh %s: %s (want %s)' % (NAMES[cmd], row, want))
        s = st[STATS[cmd]]
        h.check(row[5] == s['requests'] and row[7] == s['success'],
                'the control socket shows the same %s counters: %s' % (NAMES[cmd], s))
    res = results(w, SH, (UDR, PUR, SNR))
    h.check(res == dict(got), 'hssCmdResultTable of the Sh commands received: %s (want %s)'
            % (sorted(res.items()), sorted(got.items())))

    # sent: 4 PNRs, answered 5107, 2001, 3002, one timed out
    row = {c: col(w, CMD, c, SH, PNR) for c in range(3, 15)}
    want = {3: 'PNR', 4: 2, 5: 4, 6: 0, 7: 1, 8: 1, 9: 0, 10: 1, 11: 0, 12: 0, 13: 1, 14: 0}
    h.check(row == want, 'hssCmdTable PNR: sent 4, answered 2xxx 1, 3xxx 1, 5xxx 1, timed out '
            '1: %s (want %s)' % (row, want))
    res = results(w, SH, (PNR,))
    want = {(PNR, RC, 2001): 1, (PNR, RC, 3002): 1, (PNR, EXP, shl.NO_SUBSCRIPTION): 1}
    h.check(res == want, 'hssCmdResultTable PNR: Result-Code 2001, 3002, Experimental 5107: %s'
            % res)
    s = st['PNR']
    h.check((s['requests'], s['success'], s['rejected'], s['timeouts']) == (4, 1, 2, 1),
            'the control socket agrees on PNR: %s' % s)
    # the HSS sent nothing else: the hssInitiated totals are the PNR's (snmpget)
    others = {oid[len(CMD) + 3:]: w.get(CMD + '.5.' + oid[len(CMD) + 3:]) for oid, v in w.items()
              if oid.startswith(CMD + '.4.') and v == 2}
    others = {k: v for k, v in others.items() if v and k != '%d.%d' % (SH, PNR)}
    h.check(not others, 'no other HSS-initiated request sent: %s' % others)
    g = snmp.get(*['%s.%d.0' % (GLOBAL, i) for i in (6, 7, 8, 9)])
    g = {int(k.rsplit('.', 2)[1]): v for k, v in g.items()}
    h.check(g == {6: 4, 7: 3, 8: 2, 9: 1},
            'hssInitiated sent 4, answered 3, failed 2 (5107, 3002), timed out 1: %s' % g)

    # by name, as an NMS loading the MIB reads them
    text = snmp.walk_text('DCORE-MIB::hssCmdName')
    for code, n in sorted(NAMES.items()):
        line = 'DCORE-MIB::hssCmdName.%d.%d = STRING: %s' % (SH, code, n)
        h.check(line in text, '%s%s' % (line, '' if line in text else ' missing:\n' + text))
    rows = {r.get('index'): r for r in snmp.table('hssCmdTable')}
    for code in (UDR, PUR, SNR, PNR):
        r = rows.get('%d.%d' % (SH, code)) or {}
        h.check(r.get('Name') == NAMES[code] and
                r.get('Requests') == str(4 if code == PNR else sent[code]),
                'snmptable hssCmdTable row %d.%d: %s' % (SH, code, r or sorted(rows)))
    print(snmp._run(['snmptable', '-Cb', '-Ci', '-Cw', '160'], rest=['DCORE-MIB::hssCmdTable']).stdout)
    print(snmp.walk_text('DCORE-MIB::hssResultCount.%d' % SH))
    h.check(bed.hss.running(), 'the HSS still runs')


harness.run(test, ports=(25080, 25099))

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""SNMP of the HSS alone, with an MME (dclient) connected to it and a private snmpd as
AgentX master: per command by result class and result code (received and sent commands),
HSS-initiated requests (IDR answered, then one to an MME that left), database errors and
latency, subscriber count, the peer table, a failed reload and its notification; the same
numbers as the control socket's `stats`. Ports 25020-25039."""
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'hss'))
import snmplib  # noqa: E402
from snmplib import HSS, S6A, harness  # noqa: E402
import hsslib  # noqa: E402

AIR, ULR, PUR, IDR = 318, 316, 321, 319
SUBS = ['001010000000071', '001010000000072', '001010000000073']
UNKNOWN = '001019999999998'
CMD, RES, PEER = HSS + '.3.1', HSS + '.4.1', HSS + '.2.1'


def col(walk, entry, column, *index):
    return walk.get('%s.%d.%s' % (entry, column, '.'.join(str(i) for i in index)))


def test(h):
    sqlite3 = shutil.which('sqlite3')
    if not sqlite3:
        harness.skip('the sqlite3 command-line tool is not installed')
    snmp = snmplib.Snmp(h)
    snmp.start_trapd()
    snmp.start_master()
    hss = hsslib.start(h, s6a='  home_plmns: ["00101"]\n  clr_timeout_ms: 1000\n',
                       sections={'snmp': snmp.cfg()})
    for imsi in SUBS:
        hsslib.provision(h, hss.db, imsi)
    hss.proc.wait_log('snmp: registered with the AgentX master', timeout=15)
    snmp.wait_registered(HSS)

    for imsi in SUBS + SUBS:
        r = hss.dclient('air', '--imsi', imsi)
        h.check(r.answer and r.answer['result_code'] == 2001, 'AIR %s: 2001' % imsi)
    r = hss.dclient('air', '--imsi', UNKNOWN)
    h.check(hsslib.exp_code(r) == 5001, 'AIR unknown IMSI: 5001')
    r = hss.dclient('pur', '--imsi', SUBS[2])
    h.check(r.answer and r.answer['result_code'] == 2001, 'PUR: 2001')
    mme = hss.dclient_bg('mme1', 'ulr', '--imsi', SUBS[0], '--serve-seconds', 20,
                         '--serve-count', 1, identity='mme1.test')
    mme.wait_log(r'"kind":"answer"', timeout=15, stream='out')
    h.check(hss.ctl('idr %s 1' % SUBS[0]).startswith('ok'), 'IDR queued')
    mme.wait(25)

    def counted():
        w = snmp.walk(HSS)
        return w if col(w, CMD, 7, S6A, IDR) == 1 else None
    w = snmp.poll(counted, 'IDR answer counted') or snmp.walk(HSS)
    st = hss.stats()
    expect = {
        (AIR, 4): 1, (AIR, 5): 7, (AIR, 7): 6, (AIR, 10): 1, (AIR, 12): 0,
        (ULR, 5): 1, (ULR, 7): 1, (PUR, 5): 1, (PUR, 7): 1,
        (IDR, 4): 2, (IDR, 5): 1, (IDR, 7): 1, (IDR, 13): 0,
    }
    got = {k: col(w, CMD, k[1], S6A, k[0]) for k in expect}
    h.check(got == expect, 'hssCmdTable (command, column): %s' % got)
    h.check(col(w, CMD, 5, S6A, AIR) == st['AIR']['requests'] and
            col(w, CMD, 7, S6A, AIR) == st['AIR']['answers_2xxx'] == st['AIR']['success'],
            'the control socket shows the same AIR counters: %s' % st['AIR'])
    res = {k: col(w, RES, 3, S6A, *k) for k in ((AIR, 1, 2001), (AIR, 2, 5001), (IDR, 1, 2001))}
    h.check(res == {(AIR, 1, 2001): 6, (AIR, 2, 5001): 1, (IDR, 1, 2001): 1},
            'hssCmdResultTable: %s' % res)
    g = {i: w.get('%s.1.%d.0' % (HSS, i)) for i in (1, 6, 7, 8, 9)}
    h.check(g == {1: 3, 6: 1, 7: 1, 8: 0, 9: 0},
            'hssSubscribers 3; hssInitiated sent 1, answered 1, failed 0, timed out 0: %s' % g)
    peers = {v: k.rsplit('.', 1)[1] for k, v in w.items() if k.startswith(PEER + '.2.')}
    mp = peers.get('mme1.test')
    h.check(mp and (col(w, PEER, 6, mp), col(w, PEER, 7, mp), col(w, PEER, 8, mp),
                    col(w, PEER, 9, mp)) == (1, 1, 1, 1),
            'hssPeerTable mme1.test: 1 request in (ULR), 1 out (IDR), 1 answer in, 1 out')

    # An IDR to the MME that left: not delivered (3002 by the HSS itself) or timed out.
    h.check(hss.ctl('idr %s 1' % SUBS[0]).startswith('ok'), 'IDR queued to a gone MME')

    def ini():
        w = snmp.walk(HSS + '.1')
        return w if w.get(HSS + '.1.8.0', 0) + w.get(HSS + '.1.9.0', 0) >= 1 else None
    g = snmp.poll(ini, 'failed IDR') or {}
    h.check(g.get(HSS + '.1.6.0') == 2 and
            (g.get(HSS + '.1.8.0'), g.get(HSS + '.1.9.0')) in ((1, 0), (0, 1)),
            'hssInitiated: 2 sent, the second failed or timed out: %s' %
            [g.get(HSS + '.1.%d.0' % i) for i in (6, 7, 8, 9)])

    # Database errors: the tables vanish behind the HSS's back.
    ops_before = snmp.get(HSS + '.1.2.0')[HSS + '.1.2.0']
    cp = subprocess.run([sqlite3, hss.db, 'PRAGMA foreign_keys=OFF; DROP TABLE apns; '
                         'DROP TABLE serving; DROP TABLE subscribers;'],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    h.check(cp.returncode == 0, 'tables dropped')
    for _ in range(2):
        r = hss.dclient('air', '--imsi', SUBS[1])
        h.check(hsslib.result(r) == ('rc', 5012), 'AIR on a broken database: 5012')

    def dberr():
        w = snmp.walk(HSS)
        return w if w.get(HSS + '.1.3.0') == 2 else None
    w = snmp.poll(dberr, 'db errors') or snmp.walk(HSS)
    h.check(w.get(HSS + '.1.3.0') == 2 and col(w, CMD, 12, S6A, AIR) == 2 and
            col(w, RES, 3, S6A, AIR, 1, 5012) == 2,
            'hssDbErrors 2, hssCmdErrors AIR 2, result 5012 twice')
    ops = w.get(HSS + '.1.2.0')
    buckets = sum(v for k, v in w.items() if k.startswith(HSS + '.5.1.2.'))
    h.check(ops >= ops_before + 2 and buckets == ops and w.get(HSS + '.1.4.0') > 0 and
            w.get(HSS + '.1.5.0') > 0,
            'database operations %s (failed ones too) all in the histogram, total and longest '
            'latency %s us / %s us' % (ops, w.get(HSS + '.1.4.0'), w.get(HSS + '.1.5.0')))
    h.check(w.get(HSS + '.1.1.0') == 3, 'hssSubscribers keeps its last count while the database '
            'fails (%s)' % w.get(HSS + '.1.1.0'))

    # A reload refused.
    cfg = h.path('hss.yaml')
    with open(cfg) as f:
        good = f.read()
    with open(cfg, 'w') as f:
        f.write(good + 'no_such_key: 1\n')
    hss.proc.p.send_signal(1)   # SIGHUP
    g = snmp.poll(lambda: (lambda x: x if x.get(HSS + '.1.17.0') == 1 else None)(
        snmp.walk(HSS + '.1')), 'reload failed') or {}
    err = g.get(HSS + '.1.20.0', '')
    h.check(g.get(HSS + '.1.19.0') == 3 and 'hss.yaml' in err and 'no_such_key' in err,
            'hssReloadsFailed 1, status failed(3), error %r' % err)
    rec = snmp.wait_trap(snmplib.RELOAD_FAILED, 'STRING: hss.test')
    h.check('no_such_key' in rec, 'dcoreReloadFailed from hss.test names the key:\n' + rec)
    h.check(hss.proc.running(), 'the HSS still runs')


harness.run(test, ports=(25020, 25039))

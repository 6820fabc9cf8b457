#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""SNMP through a real relay path: dclient -> dra -> hss, both daemons registered as AgentX
subagents with a private Debian snmpd (the master), read with snmpbulkwalk, snmpget and
snmptable, notifications received by snmptrapd. Checked:
  - the daemons serve Diameter while no master runs, and register once it starts;
  - the DRA's and the HSS's counters (peer rows, per command, per result code, per rule,
    routes, groups, global) equal the traffic dclient sent;
  - a peer connecting adds an open row and dcorePeerUp, leaving makes it closed and sends
    dcorePeerDown;
  - a failed reload is counted and sends dcoreReloadFailed with the file and line; a good
    reload installs a new rule table whose counters follow its rules;
  - the master restarted: both daemons register again, counters kept what happened meanwhile.
Ports 25000-25019."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'hss'))
import snmplib  # noqa: E402
from snmplib import DRA, HSS, S6A, harness  # noqa: E402
import hsslib  # noqa: E402

AIR, ULR = 318, 316
SUBS = ['0010100000000%02d' % i for i in range(10)]
UNKNOWN = '001019999999999'
MAPPED = '999990000000001'     # the rule maps 99999 to 00101: the HSS sees SUBS[1]

RULES = """
rules:
  - name: partner-imsi
    match: { direction: request, command: Authentication-Information-Request }
    actions:
      - prefix_map: { avp: User-Name, map: { "99999": "00101" } }
  - name: never
    match: { direction: request, destination_realm: nowhere.realm }
    actions:
      - set: { avp: Destination-Realm, value: test }
"""

BROKEN = RULES + """
  - name: broken
    match: { direction: request, command: No-Such-Command-Request }
    actions: []
"""

RULES2 = RULES + """
  - name: ulr-seen
    match: { direction: request, command: Update-Location-Request }
    actions:
      - set: { avp: Destination-Realm, value: test }
"""


def col(walk, entry, column, *index):
    """Value of entry.column.index in a walk (None when absent)."""
    return walk.get('%s.%d.%s' % (entry, column, '.'.join(str(i) for i in index)))


def rows(walk, entry, name_col):
    """{name: index} of a table whose column name_col holds a name."""
    prefix = '%s.%d.' % (entry, name_col)
    return {v: k[len(prefix):] for k, v in walk.items() if k.startswith(prefix)}


def test(h):
    snmp = snmplib.Snmp(h)
    snmp.start_trapd()

    hss = hsslib.start(h, sections={'snmp': snmp.cfg()})
    for imsi in SUBS:
        hsslib.provision(h, hss.db, imsi)
    port = h.port()
    h.write('rules.yaml', RULES)
    dra_cfg = h.write_config(
        'dra.yaml', 'dra.test', 'dra.realm', port, accept_peers=['*.client'],
        diameter={'tw_timer': 6, 'tc_timer': 1},
        peers=[{'host': 'hss.test', 'realm': 'test', 'port': hss.port},
               {'host': 'hss0.test', 'realm': 'test', 'port': h.port()}],   # never up
        rules='rules.yaml', snmp=snmp.cfg(),
        peer_groups=[{'name': 'g', 'peers': ['hss0.test', 'hss.test']}],
        routes=[{'name': 'r', 'match': {'realm': 'test'}, 'group': 'g'}])
    dra = h.dra(dra_cfg)
    dra.wait_peer_open('hss.test')

    sent = {'air_ok': 0, 'air_unknown': 0, 'ulr': 0, 'mapped': 0}

    def client(*args, imsi):
        r = h.dclient('--realm', 'client', '--dest-realm', 'test', *args, '--imsi', imsi,
                      peer=port, peer_host='dra.test', identity='c1.client')
        h.check(r.answer is not None, '%s %s answered' % (args[0], imsi))
        return r

    def air(imsi):
        r = client('air', imsi=imsi)
        if imsi == UNKNOWN:
            h.check(hsslib.exp_code(r) == 5001, 'AIR %s: 5001' % imsi)
            sent['air_unknown'] += 1
        else:
            h.check(r.answer['result_code'] == 2001, 'AIR %s: 2001' % imsi)
            sent['air_ok'] += 1
            sent['mapped'] += imsi.startswith('99999')

    # No master yet: Diameter is served all the same.
    air(SUBS[0])
    dra.wait_log('snmp: no AgentX master at')
    hss.proc.wait_log('snmp: no AgentX master at')

    snmp.start_master()
    dra.wait_log('snmp: registered with the AgentX master', timeout=15)
    hss.proc.wait_log('snmp: registered with the AgentX master', timeout=15)
    snmp.wait_registered(DRA)
    snmp.wait_registered(HSS)

    for imsi in SUBS[1:4] + [MAPPED, MAPPED, UNKNOWN, UNKNOWN]:
        air(imsi)
    r = client('ulr', imsi=SUBS[2])
    h.check(r.answer['result_code'] == 2001, 'ULR through the DRA: 2001')
    sent['ulr'] += 1
    load = h.dclient('--realm', 'client', '--dest-realm', 'test', 'load', 'air', '--count', 200,
                     '--concurrency', 10, '--imsi-range', '%s-%s' % (SUBS[0], SUBS[-1]),
                     peer=port, peer_host='dra.test', identity='c1.client', timeout_ms=10000)
    h.check_load(load.answer, 200, 'load through the DRA')
    sent['air_ok'] += 200
    airs = sent['air_ok'] + sent['air_unknown']
    total = airs + sent['ulr']
    print('traffic sent: %s, %d requests' % (sent, total))

    # -- the DRA -----------------------------------------------------------------------
    peer_e, cmd_e, rule_e = DRA + '.2.1', DRA + '.3.1', DRA + '.4.1'

    def dra_done():
        w = snmp.walk(DRA)
        return w if w.get(DRA + '.1.2.0') == total else None
    w = snmp.poll(dra_done, 'DRA answers counted') or snmp.walk(DRA)
    h.check(w.get(DRA + '.1.1.0') == total and w.get(DRA + '.1.2.0') == total,
            'draRequests and draAnswers = %d requests sent (%s, %s)' %
            (total, w.get(DRA + '.1.1.0'), w.get(DRA + '.1.2.0')))
    h.check(w.get(DRA + '.1.4.0') == 0 and w.get(DRA + '.1.5.0') == 0 and
            w.get(DRA + '.1.6.0') == 0, 'no 3002, no 3005')
    h.check(w.get(DRA + '.1.8.0') == total,
            'draGroupFailovers = %d: the group\'s first member is down, every request went to '
            'the second (%s)' % (total, w.get(DRA + '.1.8.0')))
    peers = rows(w, peer_e, 2)
    h.check(set(peers) >= {'hss.test', 'c1.client'}, 'draPeerTable rows: %s' % sorted(peers))
    hp, cp = peers['hss.test'], peers['c1.client']
    expect_hss = {4: 1, 6: 0, 7: total, 8: total, 9: 0, 10: sent['air_unknown'], 11: 0, 12: 0}
    got = {c: col(w, peer_e, c, hp) for c in expect_hss}
    h.check(got == expect_hss, 'hss.test row (state open, requests out, answers in, errors in '
            '= 5001s, pending 0): %s' % got)
    h.check(col(w, peer_e, 3, hp) == 'test', 'hss.test realm')
    h.check(col(w, peer_e, 5, hp).startswith('20'), 'hss.test connected since %s' %
            col(w, peer_e, 5, hp))
    expect_cl = {6: total, 7: 0, 8: 0, 9: total, 10: 0, 11: sent['air_unknown']}
    got = {c: col(w, peer_e, c, cp) for c in expect_cl}
    h.check(got == expect_cl, 'c1.client row (requests in, answers out, errors out): %s' % got)

    expect_air = {5: airs, 6: 0, 7: sent['air_ok'], 8: 0, 9: 0, 10: sent['air_unknown'], 11: 0}
    got = {c: col(w, cmd_e, c, S6A, AIR) for c in expect_air}
    h.check(got == expect_air, 'draCmdTable S6a AIR: requests, 2xxx, 5xxx: %s' % got)
    h.check(col(w, cmd_e, 3, S6A, AIR) == 's6a' and
            col(w, cmd_e, 4, S6A, AIR) == 'Authentication-Information-Request',
            'draCmdTable names: %s %s' % (col(w, cmd_e, 3, S6A, AIR), col(w, cmd_e, 4, S6A, AIR)))
    h.check(col(w, cmd_e, 5, S6A, ULR) == 1 and col(w, cmd_e, 7, S6A, ULR) == 1,
            'draCmdTable S6a ULR: 1 request, 1 success')

    rules = rows(w, rule_e, 2)
    h.check(sorted(rules) == ['never', 'partner-imsi'], 'draRuleTable rows: %s' % rules)
    pi = rules['partner-imsi']
    h.check(col(w, rule_e, 4, pi) == airs and col(w, rule_e, 5, pi) == sent['mapped'] and
            col(w, rule_e, 6, pi) == 0,
            'partner-imsi: hits = every AIR (%d), rewrites = the mapped ones (%d): %s/%s' %
            (airs, sent['mapped'], col(w, rule_e, 4, pi), col(w, rule_e, 5, pi)))
    h.check(col(w, rule_e, 4, rules['never']) == 0, 'the rule that never matches: 0 hits')
    h.check(col(w, DRA + '.5.1', 2, 1) == 'r' and col(w, DRA + '.5.1', 3, 1) == total,
            'draRouteTable r matched %s' % col(w, DRA + '.5.1', 3, 1))
    h.check(col(w, DRA + '.6.1', 2, 1) == 'g' and col(w, DRA + '.6.1', 3, 1) == total,
            'draGroupTable g routed %s' % col(w, DRA + '.6.1', 3, 1))

    # snmptable reads the same rows by name through DCORE-MIB
    t = snmp.table('draPeerTable')
    by_id = {r['Identity']: r for r in t}
    h.check('hss.test' in by_id and by_id['hss.test']['State'] == '1' and
            int(by_id['hss.test']['RequestsOut']) == total and
            int(by_id['c1.client']['AnswersOut']) == total,
            'snmptable draPeerTable: %s' % by_id.get('hss.test'))

    # Routing failures: no route (3002), a loop (3005); the DRA answers them itself.
    r = h.dclient('--realm', 'client', '--dest-realm', 'elsewhere.realm', 'air', '--imsi', SUBS[0],
                  peer=port, peer_host='dra.test', identity='c1.client')
    h.check(r.answer and r.answer['result_code'] == 3002, 'no route: 3002')
    # A freeDiameter client never sends its own loop (it drops the DRA from its candidates):
    # a raw one does.
    A = harness.avp_encode
    raw = harness.RawClient(h, port, 'raw.client', realm='client')
    m = raw.request(S6A, AIR, A(283, 'test') + A(1, SUBS[0]) + A(277, 1) + A(282, 'dra.test'))
    h.check(isinstance(m, harness.RawMsg) and [a.u32() for a in m.find(268)] == [3005],
            'Route-Record naming the DRA: 3005')
    raw.close()
    g = snmp.poll(lambda: (lambda x: x if x.get(DRA + '.1.6.0') == 1 else None)(
        snmp.walk(DRA + '.1')), 'loop counted') or {}
    h.check((g.get(DRA + '.1.4.0'), g.get(DRA + '.1.5.0'), g.get(DRA + '.1.6.0')) == (1, 1, 1),
            'draNoRoute 1, draUnableToDeliver 1, draLoopDetected 1: %s' %
            [g.get(DRA + '.1.%d.0' % i) for i in (4, 5, 6)])
    hss_in = total      # what reached the HSS
    total += 1          # the 3002 went through the forward callbacks; the 3005 did not
    w = snmp.walk(peer_e)
    h.check(col(w, peer_e, 11, cp) == sent['air_unknown'] + 1,
            'c1.client errors out: the 5001s and the 3002 (%s)' % col(w, peer_e, 11, cp))
    rp = rows(w, peer_e, 2)['raw.client']
    h.check((col(w, peer_e, 6, rp), col(w, peer_e, 9, rp), col(w, peer_e, 11, rp)) == (1, 1, 1),
            'raw.client: 1 request in, 1 answer out, an error (the 3005)')

    # -- the HSS -----------------------------------------------------------------------
    hcmd_e, hres_e = HSS + '.3.1', HSS + '.4.1'
    w = snmp.walk(HSS)
    expect = {4: 1, 5: airs, 7: sent['air_ok'], 10: sent['air_unknown'], 12: 0}
    got = {c: col(w, hcmd_e, c, S6A, AIR) for c in expect}
    h.check(got == expect, 'hssCmdTable S6a AIR: direction received, requests, 2xxx, 5xxx, '
            'errors: %s' % got)
    h.check(col(w, hcmd_e, 3, S6A, AIR) == 'AIR' and col(w, hcmd_e, 5, S6A, ULR) == 1,
            'hssCmdTable AIR named, ULR counted')
    res = {'2001': col(w, hres_e, 3, S6A, AIR, 1, 2001), 'e5001': col(w, hres_e, 3, S6A, AIR, 2, 5001)}
    h.check(res == {'2001': sent['air_ok'], 'e5001': sent['air_unknown']},
            'hssCmdResultTable AIR: Result-Code 2001 and Experimental-Result 5001: %s' % res)
    h.check(w.get(HSS + '.1.1.0') == len(SUBS), 'hssSubscribers = %d provisioned (%s)' %
            (len(SUBS), w.get(HSS + '.1.1.0')))
    ops = w.get(HSS + '.1.2.0')
    buckets = sum(v for k, v in w.items() if k.startswith(HSS + '.5.1.2.'))
    # every AIR and ULR that reached the HSS used the database at least once (an AIR's
    # group-committed SQN reservation, a ULR's read and update); the 3002 never reached it.
    # The outboxes' polls (Cx, Sh) are database operations too and go on during the walk,
    # which reads the buckets after hssDbOps: a few more may be in them, never fewer.
    h.check(ops and ops >= airs + sent['ulr'] and ops <= buckets <= ops + 50,
            'hssDbOps %s: every request that reached the HSS used the database (%d); the latency '
            'histogram holds them all (%s)' % (ops, airs + sent['ulr'], buckets))
    hpeers = rows(w, HSS + '.2.1', 2)
    h.check('dra.test' in hpeers and col(w, HSS + '.2.1', 6, hpeers['dra.test']) == hss_in,
            'hssPeerTable dra.test: %d requests in (%s)' %
            (hss_in, col(w, HSS + '.2.1', 6, hpeers['dra.test'])))

    # Every object both daemons serve is in DCORE-MIB, with the MIB's type.
    text = snmp.walk_text(snmplib.DCORE)
    lines = text.splitlines()
    bad = [l for l in lines if not l.startswith('DCORE-MIB::') or 'Wrong Type' in l]
    h.check(len(lines) > 150 and not bad, 'the walk of dcoreMIB (%d objects) reads by name, no '
            'wrong type: %s' % (len(lines), bad[:5]))

    # -- peers coming and going ------------------------------------------------------------
    mme = h.dclient_bg('mme2', '--realm', 'client', 'serve', '--serve-seconds', 60,
                       peer=port, peer_host='dra.test', identity='mme2.client')
    mme.wait_log('serving', stream='err', timeout=15)

    def mme_row(state):
        w = snmp.walk(DRA + '.2.1')
        r = rows(w, DRA + '.2.1', 2).get('mme2.client')
        return r if r and col(w, DRA + '.2.1', 4, r) == state else None
    h.check(snmp.poll(lambda: mme_row(1), 'open') is not None, 'mme2.client row appears, open')
    snmp.wait_trap(snmplib.PEER_UP, 'STRING: mme2.client')
    print('ok: dcorePeerUp for mme2.client received by snmptrapd')
    mme.stop()
    h.check(snmp.poll(lambda: mme_row(2), 'closed') is not None, 'mme2.client row: closed')
    rec = snmp.wait_trap(snmplib.PEER_DOWN, 'STRING: mme2.client')
    h.check('STRING: dra.test' in rec and 'closed(2)' in rec,
            'dcorePeerDown for mme2.client from dra.test, state closed:\n' + rec)

    # -- reloads ---------------------------------------------------------------------------
    h.write('rules.yaml', BROKEN)
    snmplib.pkill_hup(dra)
    g = snmp.poll(lambda: (lambda x: x if x.get(DRA + '.1.13.0') == 1 else None)(
        snmp.walk(DRA + '.1')), 'reload failed')
    h.check(g and g.get(DRA + '.1.15.0') == 3 and 'rules.yaml' in g.get(DRA + '.1.16.0', ''),
            'failed reload: draReloadsFailed 1, draLastReloadStatus failed(3), error %r' %
            (g or {}).get(DRA + '.1.16.0'))
    rec = snmp.wait_trap(snmplib.RELOAD_FAILED, 'rules.yaml')
    print('ok: dcoreReloadFailed received:\n' + rec)
    air(MAPPED)   # the old rules still run
    h.write('rules.yaml', RULES2)
    snmplib.pkill_hup(dra)
    g = snmp.poll(lambda: (lambda x: x if x.get(DRA + '.1.12.0') == 1 else None)(
        snmp.walk(DRA + '.1')), 'reload ok')
    h.check(g and g.get(DRA + '.1.15.0') == 2 and g.get(DRA + '.1.16.0') == '',
            'good reload: draReloadsOk 1, status succeeded(2), no error')
    w = snmp.walk(rule_e)
    rules = rows(w, rule_e, 2)
    h.check(sorted(rules) == ['never', 'partner-imsi', 'ulr-seen'] and
            all(col(w, rule_e, 4, i) == 0 for i in rules.values()),
            'the new rule set: three rules counting from 0')
    for _ in range(3):
        r = client('ulr', imsi=SUBS[3])
        h.check(r.answer['result_code'] == 2001, 'ULR after the reload: 2001')
    air(MAPPED)
    w = snmp.poll(lambda: (lambda x: x if col(x, rule_e, 4, rules['ulr-seen']) == 3 else None)(
        snmp.walk(rule_e)), 'ulr-seen hits') or snmp.walk(rule_e)
    h.check(col(w, rule_e, 4, rules['ulr-seen']) == 3 and
            col(w, rule_e, 4, rules['partner-imsi']) == 1 and
            col(w, rule_e, 5, rules['partner-imsi']) == 1,
            'rule hits follow their rules: ulr-seen %s, partner-imsi %s/%s' %
            (col(w, rule_e, 4, rules['ulr-seen']), col(w, rule_e, 4, rules['partner-imsi']),
             col(w, rule_e, 5, rules['partner-imsi'])))
    total += 2 + 3

    # -- the master restarts ---------------------------------------------------------------
    snmp.stop_master()
    dra.wait_log('snmp: lost the AgentX master', timeout=15)
    for imsi in SUBS[4:6]:
        air(imsi)
    total += 2
    snmp.start_master()
    dra.wait_log('snmp: registered again with the AgentX master', timeout=20)
    hss.proc.wait_log('snmp: registered again with the AgentX master', timeout=20)
    print('ok: both daemons registered again after the master restarted')
    g = snmp.poll(lambda: (lambda x: x if x.get(DRA + '.1.1.0') == total else None)(
        snmp.walk(DRA + '.1')), 'after restart')
    h.check(g is not None, 'after the restart draRequests = %d, the requests relayed while the '
            'master was away included' % total)
    w = snmp.walk(HSS + '.3.1')
    h.check(col(w, hcmd_e, 5, S6A, AIR) == airs + 4, 'hssCmdTable AIR after the restart: %s' %
            col(w, hcmd_e, 5, S6A, AIR))
    h.check(dra.running() and hss.proc.running(), 'both daemons still running')


harness.run(test, ports=(25000, 25019))

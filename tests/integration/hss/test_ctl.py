# SPDX-License-Identifier: BSD-3-Clause
"""HSS-initiated requests through the control socket: IDR with the full Subscription-Data,
DSR with its flags, CLR SUBSCRIPTION_WITHDRAWAL, received by a dclient acting as the
registered MME; their answers counted; control-socket errors."""
import json
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hsslib  # noqa: E402
from hsslib import harness  # noqa: E402

IMSI = '001010000000041'


def test(h):
    hss = hsslib.start(h, s6a='  home_plmns: ["00101"]\n  clr_timeout_ms: 1000\n')
    hsslib.provision(h, hss.db, IMSI, '--msisdn', '4912345', apns=('internet', 'ims'))
    hsslib.provision(h, hss.db, '001010000000042')

    r = hss.ctl('idr ' + IMSI)
    h.check(r.startswith('error') and 'no serving node' in r, 'IDR with no MME registered: %s' % r)
    h.check(hss.ctl('frobnicate 1').startswith('error'), 'unknown command refused')
    h.check(hss.ctl('idr 12ab').startswith('error'), 'bad IMSI refused')
    h.check(hss.ctl('dsr ' + IMSI).startswith('error'), 'DSR without flags refused')
    h.check(hss.ctl('idr 001019999999999').startswith('error'), 'unknown IMSI refused')

    mme = hss.dclient_bg('mme1', 'ulr', '--imsi', IMSI, '--serve-seconds', '20',
                         '--serve-count', '3', identity='mme1.test')
    mme.wait_log(r'"kind":"answer"', timeout=15, stream='out')
    for line in ('idr %s 1' % IMSI, 'dsr %s 8' % IMSI, 'clr ' + IMSI):
        r = hss.ctl(line)
        h.check(r.startswith('ok'), '%s: %s' % (line, r))
        time.sleep(0.2)   # keep the order of arrival deterministic
    mme.wait(25)
    reqs = [json.loads(l) for l in mme.stdout().splitlines() if '"kind":"request"' in l]
    h.check([q['command'] for q in reqs] == ['Insert-Subscriber-Data-Request',
                                             'Delete-Subscriber-Data-Request',
                                             'Cancel-Location-Request'],
            'the MME received IDR, DSR, CLR: %s' % [q['command'] for q in reqs])
    idr, dsr, clr = reqs
    for q in reqs:
        h.check(harness.avp(q, 'User-Name') == IMSI and
                harness.avp(q, 'Destination-Host') == 'mme1.test' and
                harness.avp(q, 'Vendor-Specific-Application-Id/Auth-Application-Id') == 16777251 and
                harness.avp(q, 'Auth-Session-State') == 1,
                '%s: User-Name, Destination-Host, VSAI, Auth-Session-State' % q['command'])
    h.check(harness.avp(idr, 'IDR-Flags') == 1, 'IDR-Flags 1')
    h.check(len(harness.avps(idr, 'Subscription-Data/APN-Configuration-Profile/APN-Configuration')) == 2,
            'IDR carries the full Subscription-Data (2 APNs)')
    h.check(harness.avps(idr, 'Subscription-Data/MSISDN')[0].get('digits') == '4912345', 'IDR MSISDN')
    h.check(harness.avp(dsr, 'DSR-Flags') == 8, 'DSR-Flags 8')
    h.check(harness.avp(clr, 'Cancellation-Type') == 2, 'CLR SUBSCRIPTION_WITHDRAWAL')

    end = time.monotonic() + 10
    while True:
        st = hss.stats()
        if all(st[c]['success'] == 1 for c in ('IDR', 'DSR', 'CLR')) or time.monotonic() > end:
            break
        time.sleep(0.1)
    h.check(all(st[c]['requests'] == 1 and st[c]['success'] == 1 for c in ('IDR', 'DSR', 'CLR')),
            'IDR/DSR/CLR answers counted: %s' % {c: st[c] for c in ('IDR', 'DSR', 'CLR')})

    # the MME is gone: the request cannot be delivered, counted as rejected, HSS fine
    h.check(hss.ctl('idr ' + IMSI).startswith('ok'), 'IDR queued to a disconnected MME')
    end = time.monotonic() + 10
    while True:
        st = hss.stats()['IDR']
        if st['rejected'] + st['timeouts'] >= 1 or time.monotonic() > end:
            break
        time.sleep(0.1)
    h.check(st['rejected'] + st['timeouts'] == 1 and st['success'] == 1,
            'the undeliverable IDR counted once as rejected or timed out: %s' % st)

    # an MME that is connected but does not answer (stopped): the CLR times out
    mme2 = hss.dclient_bg('mme2', 'ulr', '--imsi', '001010000000042', '--serve-seconds', '30',
                          '--serve-count', '1', identity='mme2.test')
    mme2.wait_log(r'"kind":"answer"', timeout=15, stream='out')
    os.kill(mme2.p.pid, signal.SIGSTOP)
    try:
        h.check(hss.ctl('clr 001010000000042').startswith('ok'), 'CLR queued to a silent MME')
        end = time.monotonic() + 15
        while True:
            st = hss.stats()['CLR']
            if st['timeouts'] >= 1 or time.monotonic() > end:
                break
            time.sleep(0.2)
        h.check(st['timeouts'] == 1 and st['success'] == 1,
                'the CLR without answer within clr_timeout_ms counted as one timeout: %s' % st)
    finally:
        os.kill(mme2.p.pid, signal.SIGCONT)
    h.check(hss.alive(), 'the HSS still answers')


harness.run(test, ports=(22080, 22099))

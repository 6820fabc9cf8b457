# SPDX-License-Identifier: BSD-3-Clause
# Serve mode: one dclient waits for requests from its peer, another sends it a CLR; the
# first prints the request decoded and answers 2001.
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402


def test(h):
    pa, pb = h.port(), h.port()
    mme = h.dclient_bg('mme', 'serve', '--port', pa, '--serve-count', '2', '--serve-seconds', '30',
                       peer=pb, peer_host='hss4.test.local', identity='mme4.test.local', timeout_ms=20000)
    mme.wait_port(pa)
    r = h.dclient('raw', '--app', '16777251', '--cmd', '317', '--avp', 'User-Name=001010000000009',
                  '--avp', 'Cancellation-Type=SUBSCRIPTION_WITHDRAWAL', '--dest-host', 'mme4.test.local',
                  '--port', pb, peer=pa, peer_host='mme4.test.local', identity='hss4.test.local',
                  timeout_ms=20000)
    h.check(r.rc == 0 and r.answer and r.answer['command'] == 'Cancel-Location-Answer' and
            r.answer['result_code'] == 2001, 'CLR answered 2001 by the serving dclient')
    h.check(harness.avp(r.answer, 'Origin-Host') == 'mme4.test.local', 'answer comes from the MME')
    # Values go out byte for byte: a NUL inside a 301-octet string, an unknown vendor AVP
    # without the M bit (with it, the receiving core would refuse the request itself).
    r = h.dclient('raw', '--app', '16777251', '--cmd', '319', '--avp', 'User-Name=hex:3030003030' + '39' * 296,
                  '--avp', '#4243@10415=hex:cafe',
                  '--avp', 'Subscription-Data/MSISDN=tbcd:33612345678', '--dest-host', 'mme4.test.local',
                  '--port', pb, peer=pa, peer_host='mme4.test.local', identity='hss4b.test.local',
                  timeout_ms=20000)
    h.check(r.answer is not None, 'IDR answered: %r' % (r.answer and r.answer['result_code']))
    rc = mme.wait(20)
    h.check(rc == 0, 'serve exits 0 after --serve-count requests')
    got = harness.DResult(rc, mme.stdout(), mme.stderr()).requests
    h.check(len(got) == 2 and got[0]['command'] == 'Cancel-Location-Request', 'CLR printed as JSON')
    h.check(harness.avp(got[0], 'User-Name') == '001010000000009', 'with its User-Name')
    h.check(harness.avps(got[0], 'Cancellation-Type')[0].get('enum') == 'SUBSCRIPTION_WITHDRAWAL',
            'and Cancellation-Type decoded')

    idr = got[1]
    h.check(idr['command'] == 'Insert-Subscriber-Data-Request', 'IDR printed')
    names = [a['value'] for a in harness.avps(idr, 'User-Name')]
    h.check(names == ['00\u000000' + '9' * 296], 'User-Name with a NUL, 301 octets, arrived byte for byte')
    unk = [a for a in idr['avps'] if a['code'] == 4243]
    h.check(unk and unk[0].get('unknown') and unk[0]['flags'] == 'V' and unk[0]['vendor'] == 10415,
            'unknown AVP arrived with the V bit')
    ms = harness.avps(idr, 'Subscription-Data/MSISDN')
    h.check(ms and ms[0].get('digits') == '33612345678', 'TBCD MSISDN decoded to digits')


harness.run(test, ports=(21080, 21099))

# SPDX-License-Identifier: BSD-3-Clause
# One-shot requests of each application against `dclient echo`: answered 2001, JSON decoded.
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402


def test(h):
    port = h.port()
    h.echo('echo1.test.local', port)
    peer = dict(peer=port, peer_host='echo1.test.local')

    r = h.dclient('air', '--imsi', '001010000000001', '--visited-plmn', '00101', '--vectors', '2', **peer)
    a = r.answer
    h.check(r.rc == 0, 'air exits 0 on 2001')
    h.check(a is not None and a['command'] == 'Authentication-Information-Answer', 'AIA decoded')
    h.check(a['result_code'] == 2001 and a['result'] == 'DIAMETER_SUCCESS', 'Result-Code 2001')
    h.check(a['experimental_result'] is None, 'no Experimental-Result')
    h.check(harness.avp(a, 'Origin-Host') == 'echo1.test.local', 'Origin-Host names the echo server')
    h.check(harness.avp(a, 'Session-Id', '').startswith('dclient-'), 'Session-Id copied back')
    h.check(harness.avp(a, 'Vendor-Specific-Application-Id/Auth-Application-Id') == 16777251,
            'VSAI carries S6a')
    h.check(harness.avps(a, 'Auth-Session-State')[0].get('enum') == 'NO_STATE_MAINTAINED', 'enum names decoded')
    h.check(not harness.avps(a, 'Route-Record'), "the Route-Record our core appends on reception is not shown")

    for cmd, args, name in (
            ('ulr', ['--imsi', '001010000000001', '--rat-type', 'eutran', '--initial-attach'], 'Update-Location-Answer'),
            ('pur', ['--imsi', '001010000000001'], 'Purge-UE-Answer'),
            ('nor', ['--imsi', '001010000000001', '--nor-flags', '1'], 'Notify-Answer'),
            ('uar', ['--impi', 'u1@ims.test', '--impu', 'sip:u1@ims.test'], 'User-Authorization-Answer'),
            ('mar', ['--impi', 'u1@ims.test', '--impu', 'sip:u1@ims.test', '--items', '1'], 'Multimedia-Auth-Answer'),
            ('sar', ['--impi', 'u1@ims.test', '--impu', 'sip:u1@ims.test', '--assignment-type', '1'],
             'Server-Assignment-Answer'),
            ('lir', ['--impu', 'sip:u1@ims.test'], 'Location-Info-Answer'),
            ('udr', ['--msisdn', '33612345678', '--data-ref', '0'], 'User-Data-Answer'),
            ('pur-sh', ['--impu', 'sip:u1@ims.test', '--user-data', '<Sh-Data/>'], 'Profile-Update-Answer'),
            ('snr', ['--impu', 'sip:u1@ims.test', '--data-ref', '0'], 'Subscribe-Notifications-Answer')):
        r = h.dclient(cmd, *args, **peer)
        h.check(r.rc == 0 and r.answer and r.answer['command'] == name and r.answer['result_code'] == 2001,
                '%s answered 2001 (%s)' % (cmd, name))

    # Text output (no --json) names the command and the result.
    r = h.dclient('air', '--imsi', '001010000000002', json_out=False, **peer)
    h.check(r.rc == 0 and 'Authentication-Information-Answer' in r.stdout and 'DIAMETER_SUCCESS' in r.stdout,
            'text output')

    # A usage error is exit 2 and names the problem.
    r = h.dclient('air', **peer)
    h.check(r.rc == 2 and '--imsi' in r.stderr, 'missing --imsi is a usage error (exit 2)')
    r = h.dclient('lir', '--impu', 'sip:x@y', '--imsi', '1', **peer)
    h.check(r.rc == 2 and 'not used by' in r.stderr, 'an option of another command is refused')


harness.run(test, ports=(21000, 21019))

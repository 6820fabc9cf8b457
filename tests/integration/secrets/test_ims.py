#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""IMS secrets at rest and in logs (issue 11, for what Cx brought): an IMPI's own AKA keys
(K, OPc) and its digest HA1 (and the password it is made from) follow the rules of
test_at_rest.py. Real hssctl, hss and dclient processes; the keys are this folder's own
(testkeys.py).

1. ims-import from standard input (`-`): stored as given (the ISIM with those K/OPc accepts
   the vector of a MAR; the Digest-HA1 is MD5 of the password given); from a file others may
   read: stored, with a warning naming the fix; a mistyped K, OPc or HA1: refused, the
   message naming the key without its value; into a database others may read: refused
   (exit 3), nothing stored.
2. ims-show hides HA1, K and OPc unless --show-secrets; --show-secrets into a redirected file
   others may read is refused.
3. ims-export: --out FILE created 0600 under umask 022 with the keys, and it imports back; an
   existing file others may read is refused and left alone; standard output only with
   --show-secrets.
4. The HSS at log_level debug serving MAR Digest-AKAv1-MD5 (own keys) and SIP Digest: no K,
   OPc, HA1 or password in its log, and none of the vector values the CSCF received
   (SIP-Authenticate, SIP-Authorization, CK, IK, Digest-HA1).
Ports 26020-26039.
"""
import os
import stat
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'cx'))
sys.path.insert(0, os.path.join(HERE, '..', 'hss'))
sys.path.insert(0, os.path.join(HERE, '..'))
sys.path.insert(0, HERE)
import cxlib  # noqa: E402
import harness  # noqa: E402
import testkeys  # noqa: E402

K = testkeys.SECRETS['K (secrets tests)']
OPC = testkeys.SECRETS['OPc (secrets tests)']
PASSWORD = testkeys.SECRETS['password (secrets tests IMS)']
REALM = 'sec.test'
HSS_ID, SCSCF = 'hss.sec.test', 'scscf.sec.test'
SCSCF_URI = 'sip:scscf.sec.test:6060'
IMPI, IMPU = 'sam@sec.test', 'sip:sam@sec.test'
HA1 = cxlib.md5_ha1(IMPI, REALM, PASSWORD)
SUB = '''id: sam
private_identities:
  - identity: %s
    auth_schemes: [digest-akav1-md5, sip-digest]
    digest_realm: %s
    digest_password: %s
    k: %s
    opc: %s
public_identities:
  - {identity: "%s", irs: 1, irs_default: true, service_profile: p}
service_profiles:
  - {name: p}
''' % (IMPI, REALM, PASSWORD, K, OPC, IMPU)
VECTOR_AVPS = ('SIP-Authenticate', 'SIP-Authorization', 'Confidentiality-Key', 'Integrity-Key',
               'Digest-HA1')


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def values(obj, names, out):
    """Values of the AVPs named in names anywhere in a decoded dclient message."""
    if isinstance(obj, dict):
        if obj.get('name') in names and isinstance(obj.get('value'), str):
            out.append(obj['value'].lower())
        for v in obj.values():
            values(v, names, out)
    elif isinstance(obj, list):
        for v in obj:
            values(v, names, out)
    return out


def test(h):
    os.umask(0o022)
    hssctl_bin = h.binary('hssctl')
    dbpath = h.path('ims.db')

    def hssctl(*args, db=None, stdin=None, stdout=subprocess.PIPE):
        argv = [hssctl_bin, '--db', db or dbpath] + [str(a) for a in args]
        cp = subprocess.run(argv, stdout=stdout, stderr=subprocess.PIPE,
                            input=stdin.encode() if stdin is not None else None)
        out = cp.stdout.decode() if cp.stdout is not None else ''
        return cp.returncode, out, cp.stderr.decode()

    def no_secret(text):
        low = text.lower()
        return not any(s in low for s in (K, OPC, HA1, PASSWORD.lower()))

    rc, out, err = hssctl('init')
    h.check(rc == 0 and mode(dbpath) == 0o600, 'init: database 0600 (%04o)' % mode(dbpath))

    # -- 1. ims-import: standard input, a file others may read, a database others may read --
    rc, out, err = hssctl('ims-import', '-', stdin=SUB)
    h.check(rc == 0 and '1 added' in out and err == '',
            'ims-import - : the subscription from standard input (%s)' % err.strip())
    world = h.write('sam-world.yaml', SUB.replace('id: sam', 'id: sam2').replace(
        IMPI, 'sam2@sec.test').replace(IMPU, 'sip:sam2@sec.test'))
    os.chmod(world, 0o644)
    rc, out, err = hssctl('ims-import', world)
    h.check(rc == 0 and '1 added' in out and 'warning' in err and 'other users' in err and
            'chmod 600' in err and no_secret(err),
            'ims-import of a file others may read: stored, with a warning naming the fix (%s)'
            % err.strip())
    os.chmod(world, 0o600)
    rc, out, err = hssctl('ims-import', world)
    h.check(rc == 0 and err == '', 'no warning once the file is 0600 (%s)' % err.strip())
    for key, bad in (('k', K[:-1]), ('opc', OPC + 'a'), ('digest_ha1', HA1[:-1] + 'g')):
        text = SUB.replace('id: sam', 'id: bad').replace(IMPI, 'bad@sec.test').replace(
            IMPU, 'sip:bad@sec.test')
        if key == 'digest_ha1':
            pw_line = 'digest_password: ' + PASSWORD
            text = text.replace(pw_line, 'digest_ha1: ' + bad)
        else:
            text = text.replace('%s: %s' % (key, K if key == 'k' else OPC), '%s: %s' % (key, bad))
        rc, out, err = hssctl('ims-import', '-', stdin=text)
        h.check(rc == 2 and key in err and bad[:16].lower() not in err.lower(),
                'ims-import of a mistyped %s: refused naming the key, not echoing the value (%s)'
                % (key, err.strip()[:160]))
    os.chmod(dbpath, 0o644)
    third = SUB.replace('id: sam', 'id: sam3').replace(IMPI, 'sam3@sec.test').replace(
        IMPU, 'sip:sam3@sec.test')
    rc, out, err = hssctl('ims-import', '-', stdin=third)
    h.check(rc == 3 and 'refusing to write' in err and no_secret(err),
            'ims-import into a database others may read: refused, exit 3 (%s)' % err.strip()[:160])
    os.chmod(dbpath, 0o600)
    rc, out, err = hssctl('ims-show', 'sam3')
    h.check(rc != 0, 'nothing stored by the refused ims-import')

    # -- 2. ims-show --------------------------------------------------------------------------
    rc, out, err = hssctl('ims-show', IMPU)
    h.check(rc == 0 and IMPI in out and no_secret(out) and '--show-secrets' in out,
            'ims-show hides HA1, K and OPc (and says how to show them)')
    rc, out, err = hssctl('ims-show', IMPU, '--show-secrets')
    h.check(rc == 0 and HA1 in out and K in out and OPC in out,
            'ims-show --show-secrets shows them')
    rc, out, err = hssctl('ims-show', IMPU, '--secrets')
    h.check(rc == 2, 'one spelling: --show-secrets (--secrets is an unknown option)')
    redirected = h.path('show.txt')
    with open(redirected, 'w') as f:       # as a shell's `> show.txt`: 0644
        rc, out, err = hssctl('ims-show', IMPU, '--show-secrets', stdout=f)
    h.check(rc == 2 and os.path.getsize(redirected) == 0,
            'ims-show --show-secrets into a redirected file others may read: refused (%s)'
            % err.strip())

    # -- 3. ims-export --------------------------------------------------------------------------
    exp = h.path('ims-backup.yaml')
    rc, out, err = hssctl('ims-export', '--out', exp)
    with open(exp) as f:
        text = f.read()
    h.check(rc == 0 and mode(exp) == 0o600 and HA1 in text and K in text and OPC in text,
            'ims-export --out FILE: created 0600 under umask 022, with HA1 and keys (%04o)'
            % mode(exp))
    copy = h.path('copy.db')
    hssctl('init', db=copy)
    rc, out, err = hssctl('ims-import', exp, db=copy)
    h.check(rc == 0 and '2 added' in out and err == '', 'the export imports back (%s %s)'
            % (out.strip(), err.strip()))
    rc, out, err = hssctl('ims-show', IMPU, '--show-secrets', db=copy)
    h.check(rc == 0 and HA1 in out and K in out and OPC in out, 'with its HA1 and keys')
    wr = h.write('world-export.yaml', 'keep me\n')
    os.chmod(wr, 0o644)
    rc, out, err = hssctl('ims-export', '--out', wr)
    with open(wr) as f:
        kept = f.read()
    h.check(rc == 2 and 'other users' in err and kept == 'keep me\n',
            'ims-export into an existing file others may read: refused, file untouched (%s)'
            % err.strip())
    rc, out, err = hssctl('ims-export')
    h.check(rc == 2 and '--show-secrets' in err and out == '',
            'ims-export to standard output without --show-secrets: refused')
    rc, out, err = hssctl('ims-export', 'sam', '--show-secrets')
    h.check(rc == 0 and HA1 in out and K in out, 'ims-export --show-secrets to a pipe')
    with open(redirected, 'w') as f:
        rc, out, err = hssctl('ims-export', '--show-secrets', stdout=f)
    h.check(rc == 2 and os.path.getsize(redirected) == 0,
            'ims-export --show-secrets into a redirected file others may read: refused')

    # -- 4. the HSS at debug level serving MARs ------------------------------------------------
    port = h.port()
    cfg = h.write_config('hss.yaml', HSS_ID, REALM, port, accept_peers=[SCSCF],
                         diameter={'log_level': 'debug'},
                         database={'backend': 'sqlite', 'path': dbpath},
                         s6a={'home_plmns': ['00101']},
                         extra='cx:\n  scscf_names: ["%s"]\n  home_networks: ["%s"]\n'
                               % (SCSCF_URI, REALM))
    hss = h.start('hss', [h.binary('hss'), '-c', cfg], wait_port=port, timeout=20)

    def mar(scheme, *extra):
        return h.dclient('--realm', REALM, '--dest-realm', REALM, 'mar', '--impi', IMPI,
                         '--impu', IMPU, '--scheme', scheme, '--server-name', SCSCF_URI, *extra,
                         peer=port, peer_host=HSS_ID, identity=SCSCF, timeout_ms=5000)

    received = []
    r = mar('Digest-AKAv1-MD5', '--items', '2')
    it = cxlib.items(r) if r.answer else []
    u = [cxlib.usim(h, i, k=K, opc=OPC) for i in it]
    h.check(len(it) == 2 and all(x is not None and x['res'] == i['SIP-Authorization'].lower()
                                 for x, i in zip(u, it)),
            'MAR Digest-AKAv1-MD5: the ISIM with the K/OPc given on standard input accepts both '
            'vectors (%s)' % (r.answer or {}).get('result_code'))
    received += values(r.answer, VECTOR_AVPS, [])
    r = mar('SIP Digest')
    it = cxlib.items(r) if r.answer else []
    h.check(len(it) == 1 and it[0]['SIP-Digest-Authenticate']['Digest-HA1'] == HA1,
            'MAR SIP Digest: Digest-HA1 is MD5 of the password given')
    received += values(r.answer, VECTOR_AVPS, [])
    hss.stop()
    log = hss.stdout() + hss.stderr()
    h.check('RCV from' in log, 'the HSS logged every message at debug level (%d bytes)' % len(log))
    h.check(no_secret(log), 'no K, OPc, HA1 or password in the HSS debug log')
    leaked = [v[:8] for v in received if len(v) >= 16 and v in log.lower()]
    h.check(len(received) >= 8 and not leaked,
            'none of the %d vector values the CSCF received in the HSS debug log (%s)'
            % (len(received), leaked))


harness.run(test, name='secrets-ims', ports=(26020, 26039))

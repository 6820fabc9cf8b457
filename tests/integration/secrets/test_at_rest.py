#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Secrets at rest (issue 11): files created 0600 in 0700 directories, secrets hidden on
output, K/OPc from a file, standard input or the environment, and what happens with files
other users may read. Real hssctl, hss, dra and dclient processes; the keys are this
folder's own (testkeys.py), so the log scan that ends the suite names this test if they leak.

1. `hssctl init` into missing directories: directories 0700, database 0600 under umask 022;
   its -wal and -shm 0600 while an HSS has it open; a -wal left more open is tightened.
2. K/OP/OPc from argv, --k-file, --k -, --secrets-stdin, HSSCTL_K/_OPC/_OP (and update only
   with --secrets-env): each stored as given (show --show-secrets) and used: the vectors of
   an AIR through the DRA verify at a USIM holding that K/OPc; errors never echo a key.
3. show / list hide K and OP/OPc unless --show-secrets.
4. export: FILE created 0600; an existing file others may read refused and left alone; to
   standard output only with --show-secrets, and not into a file others may read.
5. A database others may read: hssctl warns on every command and refuses to write keys (exit
   3) until `chmod 600`; the HSS logs one warning naming the fix and serves.
6. The HSS and the DRA at log_level debug: no key, no vector material in their logs. A MySQL
   URI's password is in no message of hssctl or the HSS; the HSS warns about a configuration
   file holding it that others may read.
Ports 26000-26019.
"""
import json
import os
import stat
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'hss'))
sys.path.insert(0, HERE)
import hsslib  # noqa: E402
import testkeys  # noqa: E402
from hsslib import harness  # noqa: E402

K = testkeys.SECRETS['K (secrets tests)']
OPC = testkeys.SECRETS['OPc (secrets tests)']
OP = testkeys.SECRETS['OP (secrets tests)']
DBPW = testkeys.SECRETS['database password (secrets tests)']
HSS_ID, HSS_REALM = 'hss.sec.test', 'sec.test'
DRA_ID, DRA_REALM = 'dra.sec.test', 'relay.sec.test'
PLMN_HEX = '00f110'


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test(h):
    os.umask(0o022)   # what most hosts have: files 0644 unless the program says otherwise
    hssctl_bin = h.binary('hssctl')
    if not os.access(hsslib.USIM, os.X_OK):
        harness.skip('hss_usim helper not built (%s)' % hsslib.USIM)

    def hssctl(*args, db=None, env=None, stdin=None, stdout=subprocess.PIPE):
        e = dict(os.environ)
        for v in ('HSSCTL_K', 'HSSCTL_OP', 'HSSCTL_OPC'):
            e.pop(v, None)
        e.update(env or {})
        argv = [hssctl_bin, '--db', db or dbpath] + [str(a) for a in args]
        cp = subprocess.run(argv, stdout=stdout, stderr=subprocess.PIPE, env=e,
                            input=stdin.encode() if stdin is not None else None)
        out = cp.stdout.decode() if cp.stdout is not None else ''
        return cp.returncode, out, cp.stderr.decode()

    def no_key(text):
        low = text.lower()
        return not any(s in low for s in (K, OPC, OP))

    # -- 1. files and directories ------------------------------------------------------------
    top = os.path.join(h.tmp, 'var')
    dbpath = os.path.join(top, 'lib', 'hss.db')
    rc, out, err = hssctl('init')
    h.check(rc == 0 and 'created directory' in out, 'init into missing directories (%s)' % err.strip())
    h.check(mode(top) == 0o700 and mode(os.path.dirname(dbpath)) == 0o700,
            'directories created 0700 (%04o, %04o)' % (mode(top), mode(os.path.dirname(dbpath))))
    h.check(mode(dbpath) == 0o600, 'database created 0600 under umask 022 (%04o)' % mode(dbpath))

    # -- 2. where K and OP/OPc come from -----------------------------------------------------
    kfile = os.path.join(h.tmp, 'k.hex')
    with open(kfile, 'w') as f:
        f.write(K + '\n')
    opcfile = os.path.join(h.tmp, 'opc.hex')
    with open(opcfile, 'w') as f:
        f.write('  ' + OPC.upper() + '\n\n')
    ways = [
        ('001010000000001', 'argv', ['--k', K, '--opc', OPC], {}, None, 'opc'),
        ('001010000000002', '--k-file/--opc-file', ['--k-file', kfile, '--opc-file', opcfile], {},
         None, 'opc'),
        ('001010000000003', '--k - (stdin)', ['--k', '-', '--opc', OPC], {}, K + '\n', 'opc'),
        ('001010000000004', '--secrets-stdin', ['--secrets-stdin'], {},
         '# keys\nk=%s\n\nopc = %s\n' % (K, OPC), 'opc'),
        ('001010000000005', 'HSSCTL_K/HSSCTL_OPC', [], {'HSSCTL_K': K, 'HSSCTL_OPC': OPC}, None, 'opc'),
        ('001010000000006', 'HSSCTL_K/HSSCTL_OP', [], {'HSSCTL_K': K, 'HSSCTL_OP': OP}, None, 'op'),
        ('001010000000007', '--opc-file - (stdin) with HSSCTL_K', ['--opc-file', '-'],
         {'HSSCTL_K': K}, OPC, 'opc'),
    ]
    for imsi, how, args, env, stdin, kind in ways:
        rc, out, err = hssctl('add', '--imsi', imsi, '--apn', 'internet', *args, env=env, stdin=stdin)
        h.check(rc == 0 and 'added' in out, 'add with K/OPc from %s (%d %s)' % (how, rc, err.strip()))
        rc, out, err = hssctl('show', imsi, '--json', '--show-secrets')
        j = json.loads(out) if rc == 0 else {}
        want = OPC if kind == 'opc' else OP
        h.check(j.get('k') == K and j.get(kind) == want,
                '%s: stored K and %s are the ones given' % (how, 'OPc' if kind == 'opc' else 'OP'))

    refusals = [
        ('K given twice', ['--k', K, '--k-file', kfile, '--opc', OPC], {}, None, 'given twice'),
        ('OP and OPc', ['--k', K, '--opc', OPC, '--op', OP], {}, None, 'both'),
        ('HSSCTL_OP and HSSCTL_OPC', [], {'HSSCTL_K': K, 'HSSCTL_OP': OP, 'HSSCTL_OPC': OPC}, None,
         'both set'),
        ('stdin read twice', ['--k', '-', '--opc-file', '-'], {}, K + '\n', 'read once'),
        ('--secrets-stdin, unknown name', ['--secrets-stdin'], {}, 'kk=%s\nopc=%s\n' % (K, OPC),
         'not k, op or opc'),
        ('--secrets-stdin, two words', ['--secrets-stdin'], {}, 'k=%s %s\nopc=%s\n' % (K, K, OPC),
         'one value'),
        ('short K from a file', ['--k-file', '-', '--opc', OPC], {}, K[:-2], "'k'"),
        ('missing key file', ['--k-file', os.path.join(h.tmp, 'nope'), '--opc', OPC], {}, None,
         'No such file'),
    ]
    for what, args, env, stdin, msg in refusals:
        rc, out, err = hssctl('add', '--imsi', '001010000000099', *args, env=env, stdin=stdin)
        h.check(rc == 2 and msg in err and no_key(err),
                'refused: %s (exit %d, "%s", no key in the message)' % (what, rc, err.strip()[:120]))
    rc, out, err = hssctl('show', '001010000000099')
    h.check(rc == 1, 'nothing added by a refused add')

    # update: the environment only with --secrets-env
    k2 = OPC   # any other valid key
    rc, out, err = hssctl('update', '001010000000001', '--msisdn', '33600000001',
                          env={'HSSCTL_K': k2})
    j = json.loads(hssctl('show', '001010000000001', '--json', '--show-secrets')[1])
    h.check(rc == 0 and j['k'] == K and j['msisdn'] == '33600000001',
            'update without --secrets-env leaves K alone with HSSCTL_K set')
    rc, out, err = hssctl('update', '001010000000001', '--secrets-env', env={'HSSCTL_K': k2})
    j = json.loads(hssctl('show', '001010000000001', '--json', '--show-secrets')[1])
    h.check(rc == 0 and j['k'] == k2, 'update --secrets-env takes K from HSSCTL_K')
    rc, out, err = hssctl('update', '001010000000001', '--k-file', kfile)
    j = json.loads(hssctl('show', '001010000000001', '--json', '--show-secrets')[1])
    h.check(rc == 0 and j['k'] == K, 'update --k-file')

    # -- 3. output hides secrets ---------------------------------------------------------------
    rc, text, err = hssctl('show', '001010000000006')
    h.check(rc == 0 and no_key(text) and '(hidden)' in text and 'op ' in text,
            'show hides K and OP (the field says which key is stored)')
    rc, out, err = hssctl('show', '001010000000002', '--json')
    j = json.loads(out)
    h.check(j.get('k') == '(hidden)' and j.get('opc') == '(hidden)' and no_key(out),
            'show --json hides K and OPc')
    rc, out, err = hssctl('show', '001010000000002', '--show-secrets')
    h.check(K in out and OPC in out, 'show --show-secrets shows them')
    rc, out, err = hssctl('list', '--json')
    h.check(rc == 0 and len(json.loads(out)) == 7 and no_key(out), 'list --json hides them')
    rc, out, err = hssctl('list', '--json', '--show-secrets')
    h.check(rc == 0 and sum(1 for s in json.loads(out) if s.get('k') == K) == 7,
            'list --json --show-secrets shows them')

    # -- 4. export -------------------------------------------------------------------------------
    exp = os.path.join(h.tmp, 'backup.csv')
    rc, out, err = hssctl('export', exp)
    with open(exp) as f:
        text = f.read()
    h.check(rc == 0 and mode(exp) == 0o600 and K in text, 'export FILE: created 0600 (%04o)' % mode(exp))
    wr = os.path.join(h.tmp, 'world.csv')
    with open(wr, 'w') as f:
        f.write('keep me\n')
    os.chmod(wr, 0o644)
    rc, out, err = hssctl('export', wr)
    with open(wr) as f:
        kept = f.read()
    h.check(rc == 2 and 'other users' in err and kept == 'keep me\n',
            'export into an existing file others may read: refused, file untouched (%s)' % err.strip())
    grp = os.path.join(h.tmp, 'group.csv')
    with open(grp, 'w') as f:
        f.write('old\n')
    os.chmod(grp, 0o640)
    rc, out, err = hssctl('export', grp)
    with open(grp) as f:
        text = f.read()
    h.check(rc == 0 and 'warning' in err and 'its group' in err and K in text,
            'export into a file its group may read: written, with a warning')
    rc, out, err = hssctl('export')
    h.check(rc == 2 and '--show-secrets' in err and out == '',
            'export to standard output without --show-secrets: refused')
    rc, out, err = hssctl('export', '--show-secrets')
    h.check(rc == 0 and K in out and out.count('\n') == 8, 'export --show-secrets to a pipe')
    redirected = os.path.join(h.tmp, 'redirected.csv')
    with open(redirected, 'w') as f:      # as a shell's `> redirected.csv`: 0644
        rc, out, err = hssctl('export', '--show-secrets', stdout=f)
    h.check(rc == 2 and os.path.getsize(redirected) == 0 and 'FILE argument' in err,
            'export --show-secrets into a redirected file others may read: refused (%s)' % err.strip())
    copy = os.path.join(h.tmp, 'copy.db')
    hssctl('init', db=copy)
    rc, out, err = hssctl('import', exp, db=copy)
    h.check(rc == 0 and 'imported 7' in out, 'the export imports back (%s)' % err.strip())

    # -- HSS and DRA, debug logs: vectors from keys given all these ways ------------------------
    hss_port, dra_port = h.port(), h.port()
    cfg = h.write_config('hss.yaml', HSS_ID, HSS_REALM, hss_port,
                         diameter={'log_level': 'debug'},
                         database={'backend': 'sqlite', 'path': dbpath},
                         s6a={'home_plmns': ['00101']})
    hss = h.start('hss', [h.binary('hss'), '-c', cfg], wait_port=hss_port, timeout=20)
    cfg = h.write_config('dra.yaml', DRA_ID, DRA_REALM, dra_port,
                         peers=[{'host': HSS_ID, 'realm': HSS_REALM, 'port': hss_port}],
                         advertise_apps=['s6a'],
                         peer_groups=[{'name': 'hss', 'policy': 'failover', 'peers': [HSS_ID]}],
                         routes=[{'name': 'home', 'match': {'realm': HSS_REALM}, 'group': 'hss'}])
    dra = h.start('dra', [h.binary('dra'), '-d', '-c', cfg], wait_port=dra_port, timeout=20)
    dra.wait_peer_open(HSS_ID, timeout=30)
    received = []
    for imsi, how, _, _, _, kind in ways:
        r = h.dclient('--dest-realm', HSS_REALM, 'air', '--imsi', imsi, '--visited-plmn', '00101',
                      '--vectors', 1, peer=dra_port, peer_host=DRA_ID, timeout_ms=5000)
        rand = harness.avp(r.answer, 'Authentication-Info/E-UTRAN-Vector/RAND')
        autn = harness.avp(r.answer, 'Authentication-Info/E-UTRAN-Vector/AUTN')
        xres = harness.avp(r.answer, 'Authentication-Info/E-UTRAN-Vector/XRES')
        kasme = harness.avp(r.answer, 'Authentication-Info/E-UTRAN-Vector/KASME')
        ok = bool(rand and autn)
        usim = hsslib.usim_check(h, rand, autn, PLMN_HEX, k=K,
                                 opc=OPC if kind == 'opc' else opc_of(h, OP)) if ok else None
        h.check(usim is not None and usim['res'] == xres and usim['kasme'] == kasme,
                'AIR through the DRA for the subscriber added with %s: the vector verifies at a '
                'USIM with that K' % how)
        received += [v for v in (rand, autn, xres, kasme) if v]
    side = [dbpath + s for s in ('-wal', '-shm')]
    h.check(all(os.path.exists(p) and mode(p) == 0o600 for p in side),
            '-wal and -shm 0600 while the HSS has the database open (after AIRs) (%s)'
            % [('%04o' % mode(p)) if os.path.exists(p) else 'missing' for p in side])
    os.chmod(side[0], 0o644)   # as an older version, or a chmod of the database alone, left it
    hssctl('count')
    h.check(mode(side[0]) == 0o600, 'a -wal more open than the database is tightened (%04o)'
            % mode(side[0]))
    logs = (hss.stdout() + hss.stderr() + dra.stdout() + dra.stderr()).lower()
    h.check(all('RCV from' in p.stdout() + p.stderr() for p in (hss, dra)),
            'both daemons logged every message at debug level (%d bytes)' % len(logs))
    h.check(no_key(logs), 'no K, OP or OPc in the HSS or DRA debug logs')
    h.check(not any(v.lower() in logs for v in received),
            'no vector material (RAND, AUTN, XRES, KASME: %d values) in the HSS or DRA debug logs'
            % len(received))
    h.check('warning' not in hss.stdout() + hss.stderr(), 'no warning about a private database')
    hss.stop()

    # -- 5. a database others may read -----------------------------------------------------------
    for p in [dbpath] + side:
        if os.path.exists(p):
            os.chmod(p, 0o644)
    rc, out, err = hssctl('count')
    h.check(rc == 0 and out.strip() == '7' and 'warning' in err and 'other users' in err and
            "chmod 600 '%s'" % dbpath in err, 'reading it: a warning naming the fix (%s)' % err.strip())
    rc, out, err = hssctl('add', '--imsi', '001010000000008', '--k', K, '--opc', OPC)
    h.check(rc == 3 and 'refusing to write K/OPc' in err and no_key(err),
            'add into it: refused, exit 3 (%s)' % err.strip()[:160])
    rc, out, err = hssctl('update', '001010000000002', '--k-file', kfile)
    h.check(rc == 3 and 'refusing' in err, 'update of K into it: refused')
    rc, out, err = hssctl('import', exp)
    h.check(rc == 3 and 'refusing' in err, 'import into it: refused')
    rc, out, err = hssctl('update', '001010000000002', '--msisdn', '33600000002')
    h.check(rc == 0 and 'warning' in err, 'update of other fields: done, with the warning')
    hss2 = h.start('hss2', [h.binary('hss'), '-c', write_hss_cfg(h, hss_port, dbpath)],
                   wait_port=hss_port, timeout=20)
    r = h.dclient('air', '--imsi', '001010000000002', '--visited-plmn', '00101', peer=hss_port,
                  peer_host=HSS_ID, timeout_ms=5000)
    h.check(r.answer and r.answer.get('result_code') == 2001,
            'the HSS serves a database others may read')
    log = hss2.stdout() + hss2.stderr()
    warn = [l for l in log.splitlines() if 'warning' in l]
    h.check(len(warn) == 1 and 'readable by other users' in warn[0] and
            "chmod 600 '%s'" % dbpath in warn[0], 'the HSS warned once, naming the fix: %s' % warn)
    hss2.stop()
    for p in [dbpath] + side:
        if os.path.exists(p):
            os.chmod(p, 0o640)
    rc, out, err = hssctl('add', '--imsi', '001010000000008', '--k', K, '--opc', OPC)
    h.check(rc == 0 and 'its group' in err, 'a database its group may read: written, with a warning')
    for p in [dbpath] + side:
        if os.path.exists(p):
            os.chmod(p, 0o600)
    rc, out, err = hssctl('add', '--imsi', '001010000000009', '--k', K, '--opc', OPC)
    h.check(rc == 0 and err == '', 'after chmod 600: written, no warning')

    # -- 6. a database password in no message ----------------------------------------------------
    closed = h.port()   # nothing listens there
    uri = 'mysql://dcore:%s@127.0.0.1:%d/hss' % (DBPW, closed)
    for args in (['count'], ['init'], ['show', '001010000000001']):
        cp = subprocess.run([hssctl_bin, '-d', uri] + args, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, timeout=60)
        err = cp.stderr.decode()
        h.check(cp.returncode == 3 and 'cannot connect' in err and DBPW not in err,
                'hssctl %s, server unreachable: no password in "%s"' % (args[0], err.strip()))
    cfg = h.write_config('hss-my.yaml', HSS_ID, HSS_REALM, h.port(),
                         database={'backend': 'mysql', 'uri': uri[len('mysql:'):]})
    os.chmod(cfg, 0o644)
    p = h.start('hss-mysql', [h.binary('hss'), '-c', cfg])
    rc = p.wait(timeout=30)
    log = p.stdout() + p.stderr()
    h.check(rc != 0 and 'cannot connect' in log and DBPW not in log and '***' in log,
            'hss, server unreachable: refuses to start, URI shown without the password (%s)'
            % log.strip()[-200:])
    warn = [l for l in log.splitlines() if 'warning' in l]
    h.check(len(warn) == 1 and 'holds the database password' in warn[0] and 'chmod 600' in warn[0],
            'hss: a configuration holding a password that others may read is warned about: %s'
            % warn)
    os.chmod(cfg, 0o600)
    p = h.start('hss-mysql2', [h.binary('hss'), '-c', cfg])
    p.wait(timeout=30)
    h.check('warning' not in p.stdout() + p.stderr(), 'no warning once it is 0600')


def opc_of(h, op):
    """OPc of OP under K, as the USIM computes it (hss_usim takes OPc)."""
    cp = subprocess.run([hsslib.USIM, 'opc', K, op], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if cp.returncode:
        h.fail('hss_usim opc: %s' % cp.stderr.decode())
    return cp.stdout.decode().strip()


def write_hss_cfg(h, port, db):
    return h.write_config('hss2.yaml', HSS_ID, HSS_REALM, port,
                          database={'backend': 'sqlite', 'path': db}, s6a={'home_plmns': ['00101']})


harness.run(test, name='secrets-at_rest', ports=(26000, 26019))

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""No key or password in any log the suite's programs wrote (issue 11, secrets).

Runs last (meson: priority -1000, not in parallel) and reads what every test kept in
DCORE_LOG_DIR (harness.py LogKeeper: the stdout and stderr of every hss, dra, dclient and
hssctl process or run; the demo's daemon logs; hssctl_e2e's runs):

- none of them holds a secret of testkeys.SECRETS (K, OP, OPc, hiding keys, passwords, HA1),
  in any case, with or without ':' or ' ' between octets, except the standard output of a
  run asked for it (`hssctl show --show-secrets`) and a Digest-HA1 in an answer dclient
  printed (Cx sends it to the S-CSCF by design); what other programs a test started wrote
  (Kamailio) is scanned too and its findings listed, without failing: not ours to change;
- no log of a daemon (hss, dra) holds the vector material the tests received (RAND, XRES,
  AUTN, KASME, CK, IK, ... as dclient printed them): that belongs to the test's own checks.

Before that it proves it can fail: a planted K (three spellings) and a planted KASME in a
copy of the layout are found, and every key written in the test sources is in testkeys
(a key added to a test but not to the list would not be looked for).

Logs of tests from earlier runs (older than this run's testlog.txt) are removed unread.
Exit 77 when there is nothing of this run to read (the test was run alone).
"""
import json
import os
import re
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import testkeys  # noqa: E402

SRCDIR = os.environ.get('DCORE_SRCDIR') or os.path.abspath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..'))
BUILDDIR = os.environ.get('DCORE_BUILDDIR') or os.path.join(SRCDIR, 'build')
LOG_DIR = os.environ.get('DCORE_LOG_DIR')

DAEMONS = {'hss', 'dra'}
# Our programs: a secret in what they wrote fails the test. Other processes a test started
# (Kamailio, run under unshare) are scanned and reported, not failed: their logging is not
# ours to change.
OURS = DAEMONS | {'dclient', 'hssctl'}
# AVPs whose values are vector material (S6a, Cx, GERAN/UTRAN vectors).
VECTOR_AVPS = {'RAND', 'XRES', 'AUTN', 'KASME', 'Confidentiality-Key', 'Integrity-Key', 'Kc',
               'SRES', 'SIP-Authenticate', 'SIP-Authorization', 'Digest-HA1'}
MIN_VECTOR_HEX = 16   # 8 octets: shorter values could match by chance


def spellings(hexval):
    """The ways a log may write these octets: plain, and with ':' or ' ' between octets."""
    h = hexval.lower()
    out = [h]
    if re.fullmatch(r'[0-9a-f]+', h) and len(h) % 2 == 0:
        octets = [h[i:i + 2] for i in range(0, len(h), 2)]
        out += [':'.join(octets), ' '.join(octets)]
    return out


def collect_vectors(obj, out):
    """Values of VECTOR_AVPS anywhere in a decoded dclient message."""
    if isinstance(obj, dict):
        if obj.get('name') in VECTOR_AVPS and isinstance(obj.get('value'), str):
            v = obj['value'].lower()
            if len(v) >= MIN_VECTOR_HEX and re.fullmatch(r'[0-9a-f]+', v):
                out[v] = obj['name']
        for v in obj.values():
            collect_vectors(v, out)
    elif isinstance(obj, list):
        for v in obj:
            collect_vectors(v, out)


def read_test_dir(d):
    """[(entry, text)] of one test's kept files: index.json entries, or every file when a
    writer kept no index (then: a run of an unknown program, scanned for keys)."""
    out = []
    try:
        with open(os.path.join(d, 'index.json')) as f:
            index = json.load(f)
    except (OSError, ValueError):
        index = [{'file': f, 'program': '?', 'source': 'run', 'stream': 'log', 'secrets': False}
                 for f in sorted(os.listdir(d)) if f != 'index.json']
    for e in index:
        try:
            with open(os.path.join(d, e['file']), 'rb') as f:
                out.append((e, f.read().decode('utf-8', 'replace')))
        except OSError:
            pass
    return out


def received(text):
    """{value: AVP name} of the vector AVPs in dclient's decoded messages (its JSON lines)."""
    out = {}
    for line in text.splitlines():
        if line.startswith('{'):
            try:
                collect_vectors(json.loads(line), out)
            except ValueError:
                pass
    return out


def scan(dirs):
    """(leaks, others, stats) over the kept test dirs: leaks are (test dir, file, what) in
    what our programs wrote, others the same in what other processes wrote."""
    secrets = {}
    for name, value in testkeys.SECRETS.items():
        for s in spellings(value):
            secrets[s] = name
    files = [(os.path.basename(d), e, text) for d in dirs for e, text in read_test_dir(d)]
    vectors = {}
    for _, e, text in files:
        if e.get('program') == 'dclient' and e.get('stream') == 'out':
            vectors.update(received(text))
    vec_spellings = {}
    for v, name in vectors.items():
        for s in spellings(v):
            vec_spellings[s] = name
    leaks, others = [], []
    stats = {'tests': len(dirs), 'files': 0, 'bytes': 0, 'daemon_files': 0,
             'vectors': len(vectors), 'secrets': len(testkeys.SECRETS)}
    for test, e, text in files:
        stats['files'] += 1
        stats['bytes'] += len(text)
        low = text.lower()
        # a Cx answer carries Digest-HA1 by design: dclient printing the answer it received
        # is not a leak of the HA1 (a daemon logging it is)
        got = received(text) if e.get('program') == 'dclient' and e.get('stream') == 'out' else {}
        if not e.get('secrets'):
            for s, name in secrets.items():
                if s in low and s not in got:
                    (leaks if e.get('program') in OURS else others).append(
                        (test, e['file'], '%s (%s)' % (name, e.get('program'))))
        if e.get('program') in DAEMONS:
            stats['daemon_files'] += 1
            for s, name in vec_spellings.items():
                if s in low:
                    leaks.append((test, e['file'], '%s %s... received by a test, in a %s log'
                                  % (name, s[:8], e.get('program'))))
    return leaks, others, stats


def self_test():
    """The scan finds a planted K (three spellings, three files) and a planted KASME in a
    daemon log; the clean copy of the same layout passes."""
    tmp = tempfile.mkdtemp(prefix='secrets-selftest.')
    try:
        k = testkeys.SECRETS['K (TS 35.208 set 1)']
        kasme = 'e4f263a502b8d7bb26247ed7bff06ddcb33149170f875b6cbddc1ddf75684a6b'
        ha1 = testkeys.SECRETS['HA1 (IMS digest user)']
        maa = json.dumps({'kind': 'answer', 'avps': [{'name': 'SIP-Auth-Data-Item', 'avps': [
            {'name': 'SIP-Digest-Authenticate', 'avps': [{'name': 'Digest-HA1', 'value': ha1}]}]}]})
        answer = json.dumps({'kind': 'answer', 'avps': [{'name': 'Authentication-Info', 'avps': [
            {'name': 'E-UTRAN-Vector', 'avps': [{'name': 'KASME', 'value': kasme}]}]}]})
        planted = {
            'a': [('hss', 'err', 'NOTI hss: key %s\n' % k.upper(), False)],
            'b': [('hssctl', 'err', 'hssctl: k=%s\n' % ':'.join(k[i:i + 2] for i in range(0, 32, 2)), False)],
            'c': [('dra', 'out', 'ERROR dump 0x%s\n' % ' '.join(k[i:i + 2] for i in range(0, 32, 2)), False)],
            'd': [('dclient', 'out', answer + '\n', False), ('dra', 'err', 'KASME: %s\n' % kasme.upper(), False)],
            'e': [('hssctl', 'out', 'k %s\n' % k, True), ('dclient', 'out', answer + '\n', False),
                  ('hss', 'err', 'hss: serving\n', False)],
            # an MAA's Digest-HA1 printed by dclient: received, not leaked; the same HA1 in
            # the HSS's log is a leak
            'f': [('dclient', 'out', maa + '\n', False)],
            'g': [('dclient', 'out', maa + '\n', False), ('hss', 'err', 'ha1=%s\n' % ha1, False)],
            # another program's log: reported apart
            'h': [('unshare', 'err', 'INFO: ims_auth ha1 %s\n' % ha1, False)],
        }
        dirs = []
        for test, files in planted.items():
            d = os.path.join(tmp, test)
            os.mkdir(d)
            index = []
            for i, (prog, stream, text, secrets) in enumerate(files):
                fname = '%d-%s.%s' % (i, prog, stream)
                with open(os.path.join(d, fname), 'w') as f:
                    f.write(text)
                index.append({'file': fname, 'program': prog, 'source': 'run', 'stream': stream,
                              'secrets': secrets})
            with open(os.path.join(d, 'index.json'), 'w') as f:
                json.dump(index, f)
            dirs.append(d)
        leaks, others, _ = scan(dirs)
        found = sorted(set(t for t, _, _ in leaks))
        apart = sorted(set(t for t, _, _ in others))
        return found == ['a', 'b', 'c', 'd', 'g'] and apart == ['h'], (found, apart)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_start():
    """When this meson run began (first line of testlog.txt), or None."""
    try:
        with open(os.path.join(BUILDDIR, 'meson-logs', 'testlog.txt')) as f:
            m = re.search(r'run on (\S+)', f.readline())
        if m:
            return time.mktime(time.strptime(m.group(1).split('.')[0], '%Y-%m-%dT%H:%M:%S'))
    except (OSError, ValueError):
        pass
    return None


def main():
    failures = 0
    n = 0

    def check(cond, what):
        nonlocal failures, n
        n += 1
        print('%s %d - %s' % ('ok' if cond else 'not ok', n, what), flush=True)
        if not cond:
            failures += 1

    ok, found = self_test()
    check(ok, 'the scan finds planted leaks (K upper case, K with colons, K with spaces, a '
              'KASME a test received in a DRA log, an HA1 in an HSS log), nothing in secrets '
              'a run was asked to print or in a Digest-HA1 dclient received, and reports a '
              "program not ours apart: (leaks, apart) found in %s" % (found,))
    missing = testkeys.unlisted(SRCDIR)
    for where, value in missing:
        print('# %s: key %s... is not in tests/integration/secrets/testkeys.py' % (where, value[:6]))
    check(not missing, 'every key written in the test sources is in testkeys.SECRETS '
                       '(%d missing)' % len(missing))

    if not LOG_DIR or not os.path.isdir(LOG_DIR):
        print('1..%d' % n)
        print('# SKIP no DCORE_LOG_DIR: logs are kept when the suite runs under meson')
        return 77 if not failures else 1
    start = run_start()
    dirs, stale = [], 0
    for e in sorted(os.listdir(LOG_DIR)):
        d = os.path.join(LOG_DIR, e)
        if not os.path.isdir(d):
            continue
        if start is not None and os.path.getmtime(d) < start - 2:
            shutil.rmtree(d, ignore_errors=True)   # a test of an earlier run
            stale += 1
        else:
            dirs.append(d)
    if not dirs:
        print('1..%d' % n)
        print('# SKIP no test of this run kept logs (%d stale removed): run the whole suite'
              % stale)
        return 77 if not failures else 1
    leaks, others, st = scan(dirs)
    print('# scanned %d files (%.1f MB) of %d tests, %d of them daemon logs, for %d secrets and '
          '%d vector values tests received; %d logs of earlier runs removed'
          % (st['files'], st['bytes'] / 1e6, st['tests'], st['daemon_files'], st['secrets'],
             st['vectors'], stale))
    for test, f, what in leaks[:50]:
        print('# LEAK %s/%s: %s' % (test, f, what))
    if len(leaks) > 50:
        print('# ... and %d more' % (len(leaks) - 50))
    for test, f, what in others[:20]:
        print('# NOT OURS %s/%s: %s (a program the test ran, not one of ours: not failed)'
              % (test, f, what))
    check(st['files'] > 0 and st['daemon_files'] > 0,
          'logs of daemons were kept (%d files, %d of daemons)' % (st['files'], st['daemon_files']))
    check(not leaks, 'no key, password or received vector in the logs of our programs '
                     '(%d found; the files are in %s)' % (len(leaks), LOG_DIR))
    print('1..%d' % n)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())

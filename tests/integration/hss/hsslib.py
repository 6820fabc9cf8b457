# SPDX-License-Identifier: BSD-3-Clause
"""Helpers shared by the HSS integration tests: start `hss` with a generated hss.yaml on
127.0.0.1, provision subscribers with `hssctl`, talk to the control socket, and run the
USIM-side checker (hss_usim) on the vectors the HSS sends."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

# TS 35.208 test set 1
K = '465b5ce8b199b49faa5f0a2ee238a6bc'
OPC = 'cd63cb71954a9f4e48a5994e37a02baf'
OP = 'cdc202d5123e20f62b6d676ac72cb318'
PLMN_HEX = '00f110'   # 00101 as Visited-PLMN-Id octets

USIM = os.path.join(harness.BUILDDIR, 'tests/integration/hss/hss_usim')


class Hss:
    def __init__(self, h, proc, port, db, ctl):
        self.h, self.proc, self.port, self.db, self.ctl_path = h, proc, port, db, ctl

    def dclient(self, *args, identity=None, timeout_ms=None):
        return self.h.dclient(*args, peer=self.port, peer_host='hss.test', identity=identity,
                              timeout_ms=timeout_ms)

    def dclient_bg(self, name, *args, identity=None):
        return self.h.dclient_bg(name, *args, peer=self.port, peer_host='hss.test', identity=identity)

    def ctl(self, line):
        return harness.ctl_request(self.ctl_path, line)

    def stats(self):
        """Counters from the control socket: {'ULR': {'requests': n, ...}, 'vectors': {...}}."""
        line = self.ctl('stats')
        self.h.check(line.startswith('ok '), 'stats over the control socket')
        out = {}
        for part in line[3:].split('; '):
            words = part.split()
            out[words[0]] = {k: int(v) for k, v in (w.split('=') for w in words[1:])}
        return out

    def alive(self):
        r = self.dclient('air', '--imsi', '001019999999999')
        return r.answer is not None


def hssctl(h, db, *args, check=True):
    argv = [h.binary('hssctl'), '--db', db] + [str(a) for a in args]
    cp = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if check and cp.returncode != 0:
        h.fail('hssctl %s failed (%d): %s' % (' '.join(argv[3:]), cp.returncode,
                                             cp.stderr.decode()))
    return cp


def provision(h, db, imsi, *extra, apns=('internet',)):
    args = ['add', '--imsi', imsi, '--k', K, '--opc', OPC]
    for a in apns:
        args += ['--apn', a]
    hssctl(h, db, *(args + list(extra)))


def init(h, db):
    """Create the SQLite database (the HSS never creates it) unless it exists."""
    if not os.path.exists(db):
        hssctl(h, db, 'init')


def config(h, port, db, name='hss', s6a='  home_plmns: ["00101"]\n', database=None,
           ctl_dir=None, extra='', sections=None):
    """Write NAME.yaml for an HSS on PORT over the SQLite file DB (or "mysql:URI");
    database: more keys of the `database:` section (dict); s6a as for start; the control
    socket goes in ctl_dir (default the test's temp dir); extra: YAML text of more top-level
    keys, appended as it is; sections: more top-level sections as data (e.g. {'snmp': {...},
    'diameter': {...}}). Returns (path, socket path)."""
    ctl = os.path.join(ctl_dir or h.tmp, name + '.ctl')
    if db.startswith('mysql:'):
        dbsec = {'backend': 'mysql', 'uri': db[6:]}
    else:
        dbsec = {'backend': 'sqlite', 'path': db}
    dbsec.update(database or {})
    more = dict(sections or {})
    diameter = more.pop('diameter', None)
    sections = {'database': dbsec}
    if isinstance(s6a, dict):
        sections['s6a'] = s6a
    sections.update(more)
    s6a_text = 's6a:\n' + s6a if s6a and isinstance(s6a, str) else ''
    cfg = h.write_config(name + '.yaml', 'hss.test', 'test', port, ctl_socket=ctl,
                         diameter=diameter, extra=s6a_text + extra, **sections)
    return cfg, ctl


def start(h, s6a='  home_plmns: ["00101"]\n', name='hss', db=None, database=None, create=True,
          prefix=(), ctl_dir=None, extra='', sections=None, **kw):
    """Start an HSS; provision into .db before or after (SQLite, shared file). s6a: the
    `s6a:` section, as a dict or as YAML text indented by two. The database is created with
    `hssctl init` first unless create is False (or it is "mysql:URI"). prefix: argv before
    the program (e.g. setpriv to run it as another user); extra: YAML text of more top-level
    keys (as for config); kw go to h.start."""
    port = h.port()
    db = db or os.path.join(h.tmp, name + '.db')
    if create and not db.startswith('mysql:'):
        init(h, db)
    cfg, ctl = config(h, port, db, name, s6a, database, ctl_dir, extra, sections)
    if not os.access(USIM, os.X_OK):
        harness.skip('hss_usim helper not built (%s)' % USIM)
    proc = h.start(name, list(prefix) + [h.binary('hss'), '-c', cfg], wait_port=port, **kw)
    return Hss(h, proc, port, db, ctl)


def usim_check(h, rand, autn, plmn=PLMN_HEX, k=K, opc=OPC):
    """What a USIM makes of (RAND, AUTN): dict sqn/res/kasme/ck/ik/amf, or None if rejected."""
    cp = subprocess.run([USIM, 'check', k, opc, rand, autn, plmn], stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE)
    if cp.returncode == 1:
        return None
    if cp.returncode != 0:
        h.fail('hss_usim check failed: %s' % cp.stderr.decode())
    return json.loads(cp.stdout)


def usim_auts(h, rand, sqn_ms, k=K, opc=OPC):
    cp = subprocess.run([USIM, 'auts', k, opc, rand, str(sqn_ms)], stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE)
    if cp.returncode != 0:
        h.fail('hss_usim auts failed: %s' % cp.stderr.decode())
    return cp.stdout.decode().strip()


def exp_code(r):
    """Experimental-Result-Code of an answer, or None."""
    er = r.answer.get('experimental_result') if r.answer else None
    return er.get('code') if er else None


def result(r):
    """('rc', code) or ('exp', code) of an answer; None when there was no answer."""
    if not r.answer:
        return None
    if r.answer.get('result_code') is not None:
        return ('rc', r.answer['result_code'])
    if exp_code(r) is not None:
        return ('exp', exp_code(r))
    return None


def check_common(h, r, what):
    """Every S6a answer of the HSS: VSAI {10415, 16777251}, Auth-Session-State 1, origin."""
    a = r.answer
    h.check(a is not None, what + ': answered')
    h.check(harness.avp(a, 'Vendor-Specific-Application-Id/Vendor-Id') == 10415 and
            harness.avp(a, 'Vendor-Specific-Application-Id/Auth-Application-Id') == 16777251,
            what + ': Vendor-Specific-Application-Id {10415, 16777251}')
    h.check(harness.avp(a, 'Auth-Session-State') == 1, what + ': Auth-Session-State NO_STATE_MAINTAINED')
    h.check(harness.avp(a, 'Origin-Host') == 'hss.test' and harness.avp(a, 'Origin-Realm') == 'test',
            what + ': Origin-Host/Realm')


# -- database faults (test_db_*.py) ------------------------------------------------------

# The causes dbfault.c names in its lines ("hss: database CAUSE: ...").
DB_CAUSES = ('timeout (locked or stalled)', 'read-only', 'disk full', 'file missing or replaced',
             'server unreachable', 'error')


def import_subs(h, db, n, first=1010000000001, name='subs.csv', sqn=1 << 40):
    """Provision n subscribers (IMSIs from 00<first>, test set 1 keys, APN internet) with
    one `hssctl import`; returns the IMSI range "FROM-TO" for dclient load. The SQNs start
    at 2^40 so that handing out vectors never changes the size of a row (SQLite stores the
    integer in 6 bytes either way): the file size then tells whether anything but SQNs
    changed."""
    path = os.path.join(h.tmp, name)
    with open(path, 'w') as f:
        f.write('imsi,k,opc,apn,sqn\n')
        for i in range(n):
            f.write('%015d,%s,%s,internet,%d\n' % (first + i, K, OPC, sqn))
    hssctl(h, db, 'import', path)
    return '%015d-%015d' % (first, first + n - 1)


def load(hss, imsis, count=20, concurrency=4, cmd='air', timeout_ms=5000):
    """One `dclient load` run against the HSS: its JSON summary (results, latency_us,
    timeouts...), plus 'codes': {'2001': n, 'exp:5001': m, 'timeout': k}."""
    r = hss.dclient('load', cmd, '--count', count, '--concurrency', concurrency,
                    '--imsi-range', imsis, timeout_ms=timeout_ms)
    hss.h.check(r.answer is not None and r.answer.get('kind') == 'load',
                'dclient load ran (%s)' % r.stderr.strip()[-300:])
    a = dict(r.answer)
    a['codes'] = dict(a.get('results') or {})
    if a.get('timeouts'):
        a['codes']['timeout'] = a['timeouts']
    return a


def db_log(hss):
    """What the HSS logged about its database: {cause: lines} for each cause of DB_CAUSES
    that has lines, 'ok' for the "works again" lines, 'total' for every line of its log."""
    text = hss.proc.stdout() + hss.proc.stderr()
    out = {'total': len(text.splitlines())}
    for line in text.splitlines():
        if 'hss: database works again' in line:
            out['ok'] = out.get('ok', 0) + 1
            continue
        for c in DB_CAUSES:
            if 'hss: database %s: ' % c in line or 'hss: database still %s ' % c in line:
                out[c] = out.get(c, 0) + 1
    return out


def check_no_keys(h, hss):
    """No key of the test subscribers (K, OPc, OP) in the HSS's log."""
    text = (hss.proc.stdout() + hss.proc.stderr()).lower()
    h.check(not any(k in text for k in (K, OPC, OP)), 'no key material in the HSS log')

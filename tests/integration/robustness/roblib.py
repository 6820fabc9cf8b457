# SPDX-License-Identifier: BSD-3-Clause
"""roblib.py: shared setup of the robustness tests: a real `hss` (provisioned with `hssctl`)
and a real `dra` in front of it on 127.0.0.1, a table-driven checker that compares each
answer with what RFC 6733 / TS 29.272 ask for, and the KNOWN_BUG mechanism.

A KNOWN_BUG entry excuses one documented symptom, not a case: Known(reason, symptom) says
what wrong outcome the case gets today, as precisely as its right expectation (the exact
Result-Code, E bit and answering host, or "the connection is closed"). The case passes when
it gets the right outcome; it is reported as a KNOWN BUG, with the reason, when it gets
exactly the documented one; anything else fails the test. A known bug that starts passing
is announced so it can be removed from the list.

Every test ends by checking that both daemons are still running and answer a valid AIR, then
stops them and fails on any AddressSanitizer/UBSan/LeakSanitizer report they wrote. A build
without sanitizers writes no report: the test then says that memory errors and leaks were
not checked (build with -Db_sanitize=address,undefined for that); freeDiameter's own leaks
are suppressed by lsan-freediameter.supp."""
import os
import re
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

# TS 35.208 test set 1
K = '465b5ce8b199b49faa5f0a2ee238a6bc'
OPC = 'cd63cb71954a9f4e48a5994e37a02baf'
IMSI = '001010000000001'          # provisioned
IMSI_UNKNOWN = '001010000009999'  # well-formed, not provisioned

HSS_ID, HSS_REALM = 'hss.rob.test', 'rob.test'
DRA_ID, DRA_REALM = 'dra.rob.test', 'relay.rob.test'
VENDOR_3GPP = 10415
APP_S6A = 16777251


def free_port(h, lo, hi, taken=()):
    """A port of [lo, hi] nothing listens on (another test may run beside us)."""
    for p in range(lo, hi + 1):
        if p not in taken and harness.port_free(p):
            return p
    h.fail('no free port in %d-%d' % (lo, hi))


class System:
    """hss + dra; send(path, *dclient_args) sends one request directly ('hss') or through
    the relay ('dra') and returns the DResult."""

    def __init__(self, h, hss_ports, dra_ports, max_vectors=5, rules=None, upstreams=(),
                 dra_env=None, hss_env=None, dra_sections=None, hss_sections=None):
        """rules: text of a rules.yaml for the DRA; upstreams: extra (identity, realm, port)
        servers the DRA connects to, each in a peer group of its own routed by its realm;
        dra_env/hss_env: extra environment of the daemons; dra_sections/hss_sections: extra
        top-level sections of their configuration ({'overload': {'max_pending': 0}})."""
        self.h = h
        self.hss_port = free_port(h, *hss_ports)
        self.dra_port = free_port(h, *dra_ports)
        db = os.path.join(h.tmp, 'hss.db')
        self.db = db
        self.hssctl('init')
        self.hssctl('add', '--imsi', IMSI, '--k', K, '--opc', OPC, '--apn', 'internet')
        cfg = h.write_config('hss.yaml', HSS_ID, HSS_REALM, self.hss_port,
                             database={'backend': 'sqlite', 'path': db},
                             s6a={'home_plmns': ['00101'], 'max_vectors': max_vectors},
                             **(hss_sections or {}))
        self.hss = h.start('hss', [h.binary('hss'), '-c', cfg], wait_port=self.hss_port,
                           timeout=20, env=dict(sanitizer_env(h, 'hss'), **(hss_env or {})))
        extra = dict(dra_sections or {})
        if rules:
            h.write('rules.yaml', rules)
            extra['rules'] = 'rules.yaml'
        cfg = h.write_config(
            'dra.yaml', DRA_ID, DRA_REALM, self.dra_port,
            peers=[{'host': HSS_ID, 'realm': HSS_REALM, 'port': self.hss_port}] +
                  [{'host': u[0], 'realm': u[1], 'port': u[2]} for u in upstreams],
            diameter={'tw_timer': 6}, advertise_apps=['s6a'],
            peer_groups=[{'name': 'hss', 'policy': 'failover', 'peers': [HSS_ID]}] +
                        [{'name': 'up%d' % i, 'policy': 'failover', 'peers': [u[0]]}
                         for i, u in enumerate(upstreams)],
            routes=[{'name': 'home', 'match': {'realm': HSS_REALM}, 'group': 'hss'}] +
                   [{'name': 'up%d' % i, 'match': {'realm': u[1]}, 'group': 'up%d' % i}
                    for i, u in enumerate(upstreams)],
            **extra)
        self.dra = h.start('dra', [h.binary('dra'), '-c', cfg], wait_port=self.dra_port,
                           timeout=20, env=dict(sanitizer_env(h, 'dra'), **(dra_env or {})))
        for ident in [HSS_ID] + [u[0] for u in upstreams]:
            self.dra.wait_peer_open(ident, timeout=30)

    def hssctl(self, *args):
        argv = [self.h.binary('hssctl'), '--db', self.db] + [str(a) for a in args]
        cp = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if cp.returncode != 0:
            self.h.fail('hssctl %s: %s' % (' '.join(argv[3:]), cp.stderr.decode()))

    def send(self, path, *args, timeout_ms=5000):
        if path == 'hss':
            return self.h.dclient(*args, peer=self.hss_port, peer_host=HSS_ID, timeout_ms=timeout_ms)
        return self.h.dclient('--dest-realm', HSS_REALM, *args, peer=self.dra_port, peer_host=DRA_ID,
                              timeout_ms=timeout_ms)

    def check_alive(self):
        """Both daemons run and a valid AIR gets vectors directly and through the DRA."""
        h = self.h
        h.check(self.hss.running(), 'hss still running')
        h.check(self.dra.running(), 'dra still running')
        for path in ('hss', 'dra'):
            r = self.send(path, 'air', '--imsi', IMSI, '--visited-plmn', '00101', '--vectors', '1')
            ok = (r.answer is not None and r.answer.get('result_code') == 2001 and
                  len(harness.avps(r.answer, 'Authentication-Info/E-UTRAN-Vector')) == 1)
            h.check(ok, 'valid AIR via %s still answered 2001 with a vector' % path)


    def stop_and_check_sanitizers(self, known_leaks=()):
        """Stop both daemons (SIGTERM) and fail on any sanitizer report they wrote: memory
        errors while handling the malformed input, undefined behaviour, or leaks at exit
        (freeDiameter's own leaks are suppressed, see lsan-freediameter.supp). A build
        without sanitizers writes no report, so this checks nothing there.
        known_leaks: (regex, reason) pairs; a leak block whose allocation stack matches one
        is reported as a known bug instead (a leak a KNOWN_BUG case is expected to cause)."""
        rcs = {p.name: p.stop(timeout=20) for p in (self.dra, self.hss)}
        excused = set()      # daemons whose only reports are known leaks (LSan exits 1)
        reports = []
        for f in sorted(os.listdir(self.h.tmp)):
            if not f.startswith('san-'):
                continue
            with open(os.path.join(self.h.tmp, f), errors='replace') as fh:
                text = fh.read()
            if re.search(r'ERROR: (Address|Undefined)Sanitizer|runtime error:', text):
                reports.append('--- %s\n%s' % (f, text[-6000:]))
                continue
            blocks = re.split(r'\n(?=(?:Direct|Indirect) leak of )', text)
            bad = []
            for b in blocks[1:]:
                b = b.split('\nSUMMARY:')[0]
                why = next((r for rx, r in known_leaks if re.search(rx, b)), None)
                if why:
                    print('KNOWN BUG (expected leak) in %s: %s -- %s' % (f, b.splitlines()[0], why))
                else:
                    bad.append(b)
            if bad:
                reports.append('--- %s\n%s' % (f, '\n'.join(bad)[-6000:]))
            elif len(blocks) > 1:
                excused.add(f[len('san-'):].split('.')[0])
        for name, rc in rcs.items():
            self.h.check(rc == 0 or (rc == 1 and name in excused),
                         '%s exited cleanly on SIGTERM (rc %s)' % (name, rc))
        if reports:
            self.h.fail('sanitizer reports from the daemons:\n' + '\n'.join(reports))
        sans = sorted(set(sanitizers(self.hss.argv[0])) & set(sanitizers(self.dra.argv[0])))
        if sans:
            print('ok: no %s report from hss or dra' % ' or '.join(sans))
        else:
            print('NOT CHECKED: hss and dra are built without sanitizers, so memory errors and '
                  'leaks go unseen here (meson setup -Db_sanitize=address,undefined to check them)')


def sanitizers(binary):
    """The sanitizers a binary was built with, by the runtime symbols it imports:
    'AddressSanitizer' (which brings LeakSanitizer), 'UndefinedBehaviorSanitizer'."""
    try:
        with open(binary, 'rb') as f:
            data = f.read()
    except OSError:
        return []
    out = []
    if b'__asan_init' in data:
        out += ['AddressSanitizer', 'LeakSanitizer']
    if b'__ubsan_handle_' in data:
        out.append('UndefinedBehaviorSanitizer')
    return out


def sanitizer_env(h, name):
    """ASAN/UBSAN options sending a daemon's reports to files in the test's temp dir
    (the daemon's stderr is not otherwise checked), with freeDiameter's leaks suppressed."""
    supp = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'lsan-freediameter.supp')
    log = os.path.join(h.tmp, 'san-' + name)
    asan = os.environ.get('ASAN_OPTIONS', '')
    ubsan = os.environ.get('UBSAN_OPTIONS', '')
    lsan = os.environ.get('LSAN_OPTIONS', '')
    return {
        # Full stacks through the uninstrumented freeDiameter libraries (the fast unwinder
        # stops at their first frame), so leaks can be attributed.
        'ASAN_OPTIONS': ':'.join(x for x in (asan, 'log_path=' + log, 'fast_unwind_on_malloc=0') if x),
        'UBSAN_OPTIONS': ':'.join(x for x in (ubsan, 'log_path=' + log + '-ub', 'print_stacktrace=1') if x),
        'LSAN_OPTIONS': ':'.join(x for x in (lsan, 'suppressions=' + supp) if x),
    }


def result(ans):
    """('rc', code) / ('exp', code) / None."""
    if ans is None:
        return None
    if ans.get('result_code') is not None:
        return ('rc', ans['result_code'])
    er = ans.get('experimental_result')
    if er:
        return ('exp', er.get('code'))
    return None


def failed_avp_codes(ans):
    """(code, vendor) of every AVP inside Failed-AVP."""
    out = []
    for fa in harness.avps(ans, 'Failed-AVP'):
        for c in fa.get('avps') or []:
            out.append((c.get('code'), c.get('vendor', 0)))
    return out


class Known:
    """A KNOWN_BUG entry: why the case is still wrong (reason) and the one wrong outcome it
    gets today (symptom), in the same terms as the case's right expectation."""

    def __init__(self, reason, symptom):
        self.reason, self.symptom = reason, symptom

    def __str__(self):
        return self.reason


class Cases:
    """Judges each case against its right expectation and, for a KNOWN_BUG entry, against
    the documented symptom; any other outcome fails the test."""

    def __init__(self, h, known_bugs):
        self.h = h
        self.known = dict(known_bugs)
        self.known_seen = []
        self.n = 0

    def symptom(self, case):
        """The documented wrong outcome of a case, or None."""
        kb = self.known.get(case)
        return kb.symptom if isinstance(kb, Known) else None

    def judge(self, case, right, wrong=None):
        """right: [(ok, what)], the case's checks against its right expectation; wrong: the
        same against the documented symptom of its KNOWN_BUG entry (None: no entry). True
        when every right check holds; False for a known bug whose every symptom check holds
        (reported with its reason); the test fails otherwise."""
        self.n += len(right)
        failed = [w for ok, w in right if not ok]
        if not failed:
            for _, w in right:
                print('ok: %s: %s' % (case, w))
            return True
        if case in self.known and wrong is not None:
            missed = [w for ok, w in wrong if not ok]
            if not missed:
                self.known_seen.append(case)
                print('KNOWN BUG %s: %s -- %s (the documented symptom: %s)' % (
                    case, '; '.join(failed), self.known[case], '; '.join(w for _, w in wrong)))
                return False
            self.h.fail('%s: %s; and not the documented symptom of its known bug either: %s' % (
                case, '; '.join(failed), '; '.join(missed)))
        self.h.fail('%s: %s' % (case, '; '.join(failed)))

    def check(self, case, cond, what):
        """One check of a case. An entry of KNOWN_BUG without a documented symptom (a plain
        reason) excuses the first check of its case that fails, and only that one."""
        self.n += 1
        label = '%s: %s' % (case, what)
        if cond:
            print('ok: ' + label)
            return True
        if case in self.known and case not in self.known_seen:
            self.known_seen.append(case)
            print('KNOWN BUG %s -- %s (one symptom excused; any other failed check of this case '
                  'fails the test)' % (label, self.known[case]))
            return False
        self.h.fail(label + (' (beyond the one symptom its known bug excuses)'
                             if case in self.known else ''))

    def summary(self):
        for case in self.known:
            if case not in self.known_seen:
                print('NOTE: known bug %r now passes every check: remove it from KNOWN_BUG' % case)
        print('%d checks; known bugs still present: %d (%s)' % (
            self.n, len(self.known_seen), ', '.join(self.known_seen) or 'none'))


# The raw socket client lives in harness; the name stays here for the tests that use it.
class RawClient(harness.RawClient):
    def __init__(self, h, port, identity, realm='client.rob.test', timeout=5.0):
        super().__init__(h, port, identity, realm=realm, timeout=timeout)


def air_avps(identity, realm, dest_realm, user=IMSI.encode(), extra=b''):
    """The AVPs of a valid AIR from identity (raw encoding)."""
    A = harness.avp_encode
    return (A(263, identity + ';1;rob') + A(260, A(266, VENDOR_3GPP) + A(258, APP_S6A)) + A(277, 1) +
            A(264, identity) + A(296, realm) + A(283, dest_realm) + A(1, user) +
            A(1407, b'\x00\xf1\x10', vendor=VENDOR_3GPP) +
            A(1408, A(1410, 1, vendor=VENDOR_3GPP), vendor=VENDOR_3GPP) + extra)

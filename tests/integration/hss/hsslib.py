# SPDX-License-Identifier: BSD-3-Clause
"""Helpers shared by the HSS integration tests: start `hss` with a generated hss.yaml on
127.0.0.1, provision subscribers with `hssctl`, talk to the control socket, and run the
USIM-side checker (hss_usim) on the vectors the HSS sends."""
import json
import os
import socket
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
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(5)
        try:
            s.connect(self.ctl_path)
            s.sendall(line.encode() + b'\n')
            data = b''
            while not data.endswith(b'\n'):
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
            return data.decode().strip()
        finally:
            s.close()

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


def start(h, s6a='  home_plmns: ["00101"]\n', name='hss', db=None, extra=''):
    """Start an HSS; provision into .db before or after (SQLite, shared file). `extra` is
    appended to hss.yaml (top-level keys)."""
    port = h.port()
    db = db or os.path.join(h.tmp, name + '.db')
    ctl = os.path.join(h.tmp, name + '.ctl')
    text = harness.diameter_yaml('hss.test', 'test', port)
    text += 'database:\n  backend: sqlite\n  path: "%s"\n' % db
    if s6a:
        text += 's6a:\n' + s6a
    text += 'ctl_socket: "%s"\n' % ctl
    text += extra
    cfg = h.write(name + '.yaml', text)
    if not os.access(USIM, os.X_OK):
        harness.skip('hss_usim helper not built (%s)' % USIM)
    proc = h.start(name, [h.binary('hss'), '-c', cfg], wait_port=port)
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

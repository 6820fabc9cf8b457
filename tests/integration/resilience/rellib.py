# SPDX-License-Identifier: BSD-3-Clause
"""rellib.py: what the resilience tests share: a real `hss` (SQLite, provisioned with `hssctl`)
and a real `dra` in front of it on 127.0.0.1, both with the shipped defaults unless a test
says otherwise, and small helpers (timed dclient runs, the DRA's and the HSS's counters).
Ports: 24000-24999, a block of 20 per test."""
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

# TS 35.208 test set 1
K = '465b5ce8b199b49faa5f0a2ee238a6bc'
OPC = 'cd63cb71954a9f4e48a5994e37a02baf'
IMSI = '001010000000001'

HSS_ID, HSS_REALM = 'hss.res.test', 'res.test'
DRA_ID, DRA_REALM = 'dra.res.test', 'relay.res.test'


def hssctl(h, db, *args):
    argv = [h.binary('hssctl'), '--db', db] + [str(a) for a in args]
    cp = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if cp.returncode != 0:
        h.fail('hssctl %s: %s' % (' '.join(argv[3:]), cp.stderr.decode()))
    return cp


def hss_yaml(h, port, db, dra=None, extra_diam='', extra='', tag=''):
    """hss.yaml text. dra: (port) of a DRA the HSS knows with its address (it connects out),
    or None: the DRA is only accepted when it connects (accept_peers '*')."""
    peers = [{'host': DRA_ID, 'realm': DRA_REALM, 'addr': '127.0.0.1', 'port': dra}] if dra else ()
    cfg = harness.diameter_yaml(HSS_ID, HSS_REALM, port, peers=peers)
    cfg += extra_diam
    cfg += 'database:\n  backend: sqlite\n  path: "%s"\n' % db
    cfg += 's6a:\n  home_plmns: ["00101"]\n'
    cfg += 'ctl_socket: "%s"\n' % os.path.join(h.tmp, tag + 'hss.ctl')
    return cfg + extra


def dra_yaml(h, port, hss_port, extra_diam='', extra='', tag=''):
    cfg = harness.diameter_yaml(DRA_ID, DRA_REALM, port, peers=[
        {'host': HSS_ID, 'realm': HSS_REALM, 'addr': '127.0.0.1', 'port': hss_port}])
    cfg += extra_diam
    cfg += ('stats_file: "%s"\n' % os.path.join(h.tmp, tag + 'dra.stats') +
            'peer_groups:\n  - { name: hss, policy: failover, peers: [%s] }\n' % HSS_ID +
            'routes:\n  - { name: home, match: { realm: %s }, group: hss }\n' % HSS_REALM)
    return cfg + extra


class System:
    """hss + dra on 127.0.0.1 with provisioned subscribers (IMSI, then the next ones). tag
    prefixes file and process names, for a second system in one test."""

    def __init__(self, h, hss_connects=False, hss_diam='', dra_diam='', hss_extra='', dra_extra='',
                 subscribers=1, tag=''):
        self.h = h
        self.tag = tag
        self.hss_port = h.port()
        self.dra_port = h.port()
        self.db = os.path.join(h.tmp, tag + 'hss.db')
        hssctl(h, self.db, 'init')   # the HSS never creates its database
        if subscribers == 1:
            hssctl(h, self.db, 'add', '--imsi', IMSI, '--k', K, '--opc', OPC, '--apn', 'internet')
        else:
            lines = ['imsi,k,opc,apn']
            for i in range(subscribers):
                lines.append('%s,%s,%s,internet' % ('00101%010d' % (i + 1), K, OPC))
            csv = h.write(tag + 'subs.csv', '\n'.join(lines) + '\n')
            hssctl(h, self.db, 'import', csv)
        self.hss_cfg = h.write(tag + 'hss.yaml', hss_yaml(h, self.hss_port, self.db,
                                                          self.dra_port if hss_connects else None,
                                                          hss_diam, hss_extra, tag))
        self.dra_cfg = h.write(tag + 'dra.yaml', dra_yaml(h, self.dra_port, self.hss_port, dra_diam,
                                                          dra_extra, tag))
        self.n_hss = 0
        self.hss = self.start_hss()
        self.dra = h.start(tag + 'dra', [h.binary('dra'), '-c', self.dra_cfg], wait_port=self.dra_port,
                           timeout=20)
        self.wait_open(timeout=40)

    def start_hss(self):
        self.n_hss += 1
        name = self.tag + ('hss' if self.n_hss == 1 else 'hss-%d' % self.n_hss)
        return self.h.start(name, [self.h.binary('hss'), '-c', self.hss_cfg], wait_port=self.hss_port,
                            timeout=20)

    def wait_open(self, timeout=40):
        """Until the DRA's log shows the HSS connection open (for the n-th time)."""
        rx = re.compile(r"-> 'STATE_OPEN'\s+'%s'" % re.escape(HSS_ID))
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if len(rx.findall(self.dra.stdout() + self.dra.stderr())) >= self.n_hss:
                return
            time.sleep(0.05)
        self.h.fail('the DRA did not open its connection to the HSS within %.0f s' % timeout)

    def dclient_argv(self, target, *args, identity=None, timeout_ms=5000):
        if target == 'hss':
            return self.h.dclient_argv(*args, peer=self.hss_port, peer_host=HSS_ID, identity=identity,
                                       timeout_ms=timeout_ms)
        return self.h.dclient_argv('--dest-realm', HSS_REALM, *args, peer=self.dra_port, peer_host=DRA_ID,
                                   identity=identity, timeout_ms=timeout_ms)

    def send(self, target, *args, identity=None, timeout_ms=5000):
        argv = self.dclient_argv(target, *args, identity=identity, timeout_ms=timeout_ms)
        cp = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
        return harness.DResult(cp.returncode, cp.stdout.decode('utf-8', 'replace'),
                               cp.stderr.decode('utf-8', 'replace'))

    def dra_stats(self):
        """The DRA's counters (SIGUSR1 -> stats_file): {(kind, name, counter): value}."""
        path = os.path.join(self.h.tmp, self.tag + 'dra.stats')
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        self.dra.p.send_signal(signal.SIGUSR1)
        end = time.monotonic() + 10
        while not os.path.exists(path):
            if time.monotonic() > end:
                self.h.fail('the DRA did not write its stats file')
            time.sleep(0.05)
        out = {}
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 4:
                    out[(parts[0], parts[1], parts[2])] = int(parts[3])
        return out


class Probe:
    """One Diameter connection (harness.RawClient, which advertises Relay) sending requests
    one at a time, each with its own hop-by-hop id and Session-Id; request() waits for the
    answer with that id (a late answer to an earlier request that timed out is skipped)."""

    def __init__(self, h, port, identity, realm='client'):
        self.c = harness.RawClient(h, port, identity, realm=realm)
        self.identity = identity
        self.n = 100

    def next_session_id(self):
        return '%s;raw;%d' % (self.identity, self.n + 1)

    def request(self, code, app, avps_bytes, timeout=5.0):
        """The answer (RawMsg), or None when none came within timeout or the connection
        closed."""
        self.n += 1
        self.c.s.settimeout(timeout)
        try:
            m = self.c.request(app, code, avps_bytes, hbh=self.n)
            end = time.monotonic() + timeout
            while isinstance(m, harness.RawMsg) and m.hbh != self.n and time.monotonic() < end:
                m = self.c.answer()
        except OSError:
            return None
        return m if isinstance(m, harness.RawMsg) and m.hbh == self.n else None

    def burst(self, n, code, app, avps_bytes, timeout=10.0):
        """n requests sent back to back, then their answers: [(Session-Id, RawMsg or None)]."""
        A = harness.avp_encode
        sent, data = {}, b''
        for _ in range(n):
            self.n += 1
            sid = '%s;raw;%d' % (self.identity, self.n)
            head = A(263, sid) + A(264, self.identity) + A(296, self.c.realm)
            data += harness.msg_encode(code, app, 0xc0, self.n, self.n, head + avps_bytes)
            sent[self.n] = sid
        got = {}
        self.c.s.settimeout(timeout)
        try:
            self.c.send(data)
            end = time.monotonic() + timeout
            while len(got) < n and time.monotonic() < end:
                m = self.c.answer()
                if not isinstance(m, harness.RawMsg):
                    break
                if m.hbh in sent:
                    got[m.hbh] = m
        except OSError:
            pass
        return [(sent[k], got.get(k)) for k in sorted(sent)]

    @property
    def sock(self):
        return self.c.s

    def close(self):
        self.c.close()


def result_of(m):
    """Result-Code, or Experimental-Result-Code, of a RawMsg answer; None if neither."""
    rc = m.find(268)
    if rc:
        return rc[0].u32()
    for er in m.find(297):
        for a in er.children():
            if a.code == 298:
                return a.u32()
    return None


def rss_kb(pid):
    with open('/proc/%d/status' % pid) as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    return 0

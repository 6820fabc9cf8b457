# SPDX-License-Identifier: BSD-3-Clause
"""What the SNMP tests share: Debian's snmpd started by the test as AgentX master on
127.0.0.1 (its AgentX socket in the test's temp dir, no system service, no system file
read or written), snmptrapd as the trap receiver, and snmpget/snmpwalk/snmptable reading
with DCORE-MIB loaded.

Debian does not ship the IETF MIB modules every MIB imports (SNMPv2-SMI, SNMPv2-TC,
SNMPv2-CONF, SNMP-FRAMEWORK-MIB: snmp-mibs-downloader is non-free). When the host has
none, the tools read minimal stand-ins from tests/integration/snmp/mibs/ (only what
DCORE-MIB imports); an NMS uses the real modules."""
import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import harness  # noqa: E402

MIB_DIR = os.path.join(harness.SRCDIR, 'config', 'snmp')
MIB_FILE = os.path.join(MIB_DIR, 'DCORE-MIB.txt')
STUB_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'mibs')
SNMPD = '/usr/sbin/snmpd'
SNMPTRAPD = '/usr/sbin/snmptrapd'

DCORE = '.1.3.6.1.4.1.32473'
DRA = DCORE + '.1.2'
HSS = DCORE + '.1.3'
NOTIF = DCORE + '.0'
PEER_UP, PEER_DOWN, RELOAD_FAILED = NOTIF + '.1', NOTIF + '.2', NOTIF + '.3'
S6A = 16777251


def host_has_ietf_mibs():
    """Whether net-snmp finds SNMPv2-SMI in its default MIB directories."""
    cp = subprocess.run(['net-snmp-config', '--default-mibdirs'], stdout=subprocess.PIPE,
                        stderr=subprocess.DEVNULL)
    dirs = cp.stdout.decode().strip().split(':') if cp.returncode == 0 else []
    dirs += ['/usr/share/snmp/mibs', '/usr/share/snmp/mibs/ietf']
    return any(os.path.exists(os.path.join(d, n)) for d in dirs
               for n in ('SNMPv2-SMI', 'SNMPv2-SMI.txt'))


def tools_env(mibs='DCORE-MIB'):
    """Environment for the net-snmp tools: DCORE-MIB (and the stand-ins when the host has
    no IETF modules) on the MIB path, no user or system configuration read."""
    env = dict(os.environ)
    dirs = [MIB_DIR] + ([] if host_has_ietf_mibs() else [STUB_DIR])
    env['MIBDIRS'] = '+' + ':'.join(dirs)
    env['MIBS'] = mibs
    env['SNMPCONFPATH'] = '/nonexistent'
    return env


def need_tools(h):
    for p in (SNMPD, SNMPTRAPD, '/usr/bin/snmpwalk', '/usr/bin/snmptable'):
        if not os.access(p, os.X_OK):
            harness.skip('%s is not installed (./run deps installs snmpd, snmptrapd, snmp)' % p)


class Snmp:
    """A private snmpd (master agent) and snmptrapd, and the tools to read them."""

    def __init__(self, h):
        need_tools(h)
        self.h = h
        self.dir = h.path('snmp')
        os.makedirs(os.path.join(self.dir, 'persist'), exist_ok=True)
        self.agentx = os.path.join(self.dir, 'agentx')
        self.port = h.port()
        self.trap_port = h.port()
        self.trap_log = os.path.join(self.dir, 'traps.log')
        self.master = None
        self.trapd = None
        self.starts = 0
        self.env = tools_env()

    def start_trapd(self):
        conf = os.path.join(self.dir, 'snmptrapd.conf')
        with open(conf, 'w') as f:
            f.write('disableAuthorization yes\n')
        env = dict(self.env, SNMP_PERSISTENT_DIR=os.path.join(self.dir, 'persist'))
        self.trapd = self.h.start('snmptrapd', [SNMPTRAPD, '-f', '-C', '-c', conf, '-On', '-Lf',
                                                self.trap_log, 'udp:127.0.0.1:%d' % self.trap_port],
                                  env=env)
        # snmptrapd logs "NET-SNMP version ..." once it listens
        end = time.monotonic() + 10
        while not (os.path.exists(self.trap_log) and 'NET-SNMP version' in open(self.trap_log).read()):
            if not self.trapd.running() or time.monotonic() > end:
                self.h.fail('snmptrapd did not start (log: %s)' % self._read(self.trap_log))
            time.sleep(0.05)

    def start_master(self):
        """Start snmpd as AgentX master; returns once it answers on its UDP port."""
        conf = os.path.join(self.dir, 'snmpd.conf')
        with open(conf, 'w') as f:
            f.write('master agentx\n'
                    'agentXSocket %s\n'
                    'rocommunity public 127.0.0.1\n'
                    'trap2sink 127.0.0.1:%d public\n' % (self.agentx, self.trap_port))
        self.starts += 1
        # SNMP_PERSISTENT_DIR: snmpd saves its state there (never /var/lib/snmp); MIBS empty:
        # the master needs no MIB files.
        env = dict(os.environ, SNMP_PERSISTENT_DIR=os.path.join(self.dir, 'persist'), MIBS='',
                   SNMPCONFPATH='/nonexistent')
        self.master = self.h.start('snmpd%d' % self.starts,
                                   [SNMPD, '-f', '-C', '-c', conf, '-Lf',
                                    os.path.join(self.dir, 'snmpd%d.log' % self.starts),
                                    '-p', os.path.join(self.dir, 'snmpd.pid'),
                                    'udp:127.0.0.1:%d' % self.port], env=env)
        end = time.monotonic() + 15
        while True:
            cp = self._run(['snmpget', '-On', '.1.3.6.1.2.1.1.3.0'], check=False, timeout=10)
            if cp.returncode == 0 and os.path.exists(self.agentx):
                return
            if not self.master.running() or time.monotonic() > end:
                self.h.fail('snmpd did not start: %s' % cp.stderr)
            time.sleep(0.1)

    def stop_master(self):
        self.master.stop()

    def cfg(self, ping=1):
        """The `snmp:` section of a daemon using this master."""
        return {'enabled': True, 'agentx_socket': self.agentx, 'ping_interval': ping}

    # -- reading ------------------------------------------------------------------------

    def _read(self, path):
        try:
            with open(path) as f:
                return f.read()
        except OSError:
            return ''

    def _run(self, argv, check=True, timeout=20, rest=None):
        """argv: tool and its options; rest (default: argv's words not starting with '-'):
        what follows the agent (OIDs, table name)."""
        if rest is None:
            opts = [a for a in argv[1:] if a.startswith('-')]
            rest = [a for a in argv[1:] if not a.startswith('-')]
        else:
            opts = list(argv[1:])
        full = [argv[0], '-v2c', '-c', 'public', '-r', '1', '-t', '2'] + opts + \
               ['127.0.0.1:%d' % self.port] + rest
        try:
            cp = subprocess.run(full, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=self.env, timeout=timeout)
        except subprocess.TimeoutExpired:
            cp = subprocess.CompletedProcess(full, -1, b'', b'no answer within %d s' % timeout)
        cp.stdout = cp.stdout.decode('utf-8', 'replace')
        cp.stderr = cp.stderr.decode('utf-8', 'replace')
        if check and (cp.returncode != 0 or cp.stderr.strip()):
            self.h.fail('%s failed (%d): %s' % (' '.join(full), cp.returncode, cp.stderr.strip()))
        return cp

    LINE = re.compile(r'^(\.[0-9.]+) = (?:([A-Za-z0-9-]+): )?(.*)$')

    def walk(self, oid, bulk=True):
        """{numeric OID: value} under oid: counters and integers as int, strings as str,
        DateAndTime as its DISPLAY-HINT text."""
        cp = self._run(['snmpbulkwalk' if bulk else 'snmpwalk', '-On', '-Oe', '-OU', '-Oa', oid])
        out = {}
        for line in cp.stdout.splitlines():
            m = self.LINE.match(line)
            if not m:
                continue
            typ, val = m.group(2), m.group(3)
            if typ in ('Counter64', 'Counter32', 'Gauge32', 'INTEGER', 'Unsigned32'):
                out[m.group(1)] = int(val.split()[0])
            elif typ == 'STRING':
                out[m.group(1)] = val[1:-1] if val.startswith('"') else val
            elif typ is None and val == '""':
                out[m.group(1)] = ''
            else:
                out[m.group(1)] = val
        return out

    def walk_text(self, oid):
        """snmpbulkwalk's output with the MIB's names (net-snmp says "Wrong Type" beside a
        value whose type is not the MIB's)."""
        return self._run(['snmpbulkwalk', oid]).stdout

    def get(self, *oids):
        cp = self._run(['snmpget', '-On', '-Oe', '-OU', '-Oa'] + list(oids))
        out = {}
        for line in cp.stdout.splitlines():
            m = self.LINE.match(line)
            if m:
                v = m.group(3)
                out[m.group(1)] = int(v) if m.group(2) in ('Counter64', 'Gauge32', 'INTEGER') else v
        return out

    def table(self, name):
        """snmptable of DCORE-MIB::name: list of {column: value}, with the index."""
        cp = self._run(['snmptable', '-Cf', '|', '-Ci', '-Oe', '-OU', '-Cb'],
                       rest=['DCORE-MIB::' + name])
        lines = [l for l in cp.stdout.splitlines() if '|' in l]
        if not lines:
            return []
        head = lines[0].split('|')
        return [dict(zip(head, l.split('|'))) for l in lines[1:]]

    def wait_registered(self, oid, timeout=20):
        """Wait until the master serves something under oid (a subagent registered)."""
        end = time.monotonic() + timeout
        while True:
            if self.walk(oid):
                return
            if time.monotonic() > end:
                self.h.fail('nothing served under %s after %.0f s' % (oid, timeout))
            time.sleep(0.2)

    def poll(self, fn, what, timeout=10):
        """Call fn() (which reads over SNMP) until it returns a true value; the last value."""
        end = time.monotonic() + timeout
        while True:
            v = fn()
            if v or time.monotonic() > end:
                return v
            time.sleep(0.2)

    def traps(self):
        return self._read(self.trap_log)

    def wait_trap(self, notif, text, timeout=15):
        """Wait until snmptrapd logged notification notif with text in it (a trap is one
        record: the snmpTrapOID varbind and the others on the lines that follow)."""
        end = time.monotonic() + timeout
        while True:
            log = self.traps()
            for rec in re.split(r'\n(?=\d{4}-\d\d-\d\d )', log):
                if ('= OID: %s' % notif) in rec and text in rec:
                    return rec
            if time.monotonic() > end:
                self.h.fail('no notification %s with %r received within %.0f s; got:\n%s' %
                            (notif, text, timeout, log[-4000:]))
            time.sleep(0.2)


def pkill_hup(proc):
    proc.p.send_signal(signal.SIGHUP)

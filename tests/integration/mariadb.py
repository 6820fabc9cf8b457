# SPDX-License-Identifier: BSD-3-Clause
"""A private MariaDB server for tests and benchmarks: Debian's mariadbd on a UNIX socket in
a temporary directory (no TCP port, no system service), started from a fresh data directory
made by mariadb-install-db, and removed at the end. It can be stopped and started again on
the same data (a database restarted under load), or killed.

    db = mariadb.Server(buffer_pool='256M')
    db.start()                        # raises mariadb.Unavailable(reason) when it cannot
    db.sql('CREATE DATABASE hss')
    uri = db.uri('hss')               # "mysql://root@localhost/hss?socket=..."
    db.stop(); db.start()             # same data
    db.close()
"""
import os
import shutil
import signal
import subprocess
import tempfile
import time


class Unavailable(Exception):
    """The server cannot run here (not installed, or it would not start): skip, saying why."""


def _which(*names):
    for n in names:
        p = shutil.which(n) or next((d for d in ('/usr/sbin/' + n, '/usr/bin/' + n)
                                     if os.path.exists(d)), None)
        if p:
            return p
    return None


class Server:
    def __init__(self, buffer_pool='16M', log_file_size='8M', extra=()):
        self.mariadbd = _which('mariadbd', 'mysqld')
        self.install = _which('mariadb-install-db', 'mysql_install_db')
        self.client = _which('mariadb', 'mysql')
        self.args = ['--innodb-buffer-pool-size=' + buffer_pool,
                     '--innodb-log-file-size=' + log_file_size] + list(extra)
        self.tmp = None
        self.proc = None

    @property
    def sock(self):
        return os.path.join(self.tmp, 'sock')

    def _user(self):
        return ['--user=root'] if os.geteuid() == 0 else []

    def start(self, timeout=60):
        """Create the data directory the first time, start mariadbd, wait for its socket."""
        if not (self.mariadbd and self.install and self.client):
            raise Unavailable('mariadbd / mariadb-install-db / mariadb client not installed')
        if not self.tmp:
            # the socket path must stay short (108 bytes): keep the server in /tmp
            self.tmp = tempfile.mkdtemp(prefix='hssdb-my.')
            os.mkdir(os.path.join(self.tmp, 'tmp'))
            # its own tmpdir: two servers bootstrapping at once collide on temporary
            # table names in a shared /tmp
            r = subprocess.run([self.install, '--no-defaults',
                                '--datadir=' + os.path.join(self.tmp, 'data'), '--skip-test-db',
                                '--auth-root-authentication-method=normal',
                                '--tmpdir=' + os.path.join(self.tmp, 'tmp')] + self._user(),
                               capture_output=True, text=True, timeout=120)
            if r.returncode != 0:
                raise Unavailable('mariadb-install-db failed: ' + (r.stderr or r.stdout)[-500:])
        err = os.path.join(self.tmp, 'err.log')
        self.proc = subprocess.Popen(
            [self.mariadbd, '--no-defaults', '--datadir=' + os.path.join(self.tmp, 'data'),
             '--socket=' + self.sock, '--skip-networking',
             '--tmpdir=' + os.path.join(self.tmp, 'tmp'),
             '--pid-file=' + os.path.join(self.tmp, 'pid'), '--log-error=' + err] +
            self.args + self._user(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                break
            if os.path.exists(self.sock) and self._ping():
                return
            time.sleep(0.1)
        log = open(err).read()[-800:] if os.path.exists(err) else ''
        self.stop(kill=True)
        raise Unavailable('mariadbd did not start: ' + ' '.join(log.split()))

    def _ping(self):
        r = subprocess.run([self.client, '--no-defaults', '-S', self.sock, '-uroot', '-e',
                            'SELECT 1'], capture_output=True, timeout=30)
        return r.returncode == 0

    def stop(self, kill=False, timeout=60):
        """Stop the server (SIGTERM: a clean shutdown; kill: SIGKILL, as a crash)."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if self.tmp and os.path.exists(self.sock):
            try:
                os.unlink(self.sock)
            except OSError:
                pass

    def sql(self, q, db=None, check=True):
        """Run SQL as root; returns stdout (tab-separated, no header)."""
        argv = [self.client, '--no-defaults', '-S', self.sock, '-uroot', '-N', '-B', '-e', q]
        if db:
            argv.insert(-2, db)
        r = subprocess.run(argv, capture_output=True, text=True, timeout=300)
        if check and r.returncode != 0:
            raise RuntimeError('mariadb: %s: %s' % (q[:80], r.stderr.strip()))
        return r.stdout

    def uri(self, db, user='root', password=None, extra=''):
        auth = user + (':' + password if password else '')
        return 'mysql://%s@localhost/%s?socket=%s%s' % (auth, db, self.sock,
                                                         '&' + extra if extra else '')

    def close(self):
        self.stop()
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# run_mysql.py: runs test_db_mysql (the hss/db conformance suite) against a real MariaDB:
# HSS_DB_MYSQL_URI if set (an empty database), else a private mariadbd started here on a
# UNIX socket only (no TCP port) and removed afterwards. Speaks TAP like test_db_mysql: when
# neither is possible it prints "1..0 # SKIP why" and exits 0 (Meson counts it as skipped).
# Usage: run_mysql.py RUNNER [ARGS...]: the private server's URI (root, database `hss`) is
# appended to the command. A RUNNER ending in .py is a harness test (tests/integration): it
# runs with this Python, and a skip is exit code 77 (Meson's exitcode protocol) instead.
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

runner = sys.argv[1:]
harness_test = runner[0].endswith(".py")
if harness_test:
    runner = [sys.executable] + runner


def skip(why):
    if harness_test:
        print("SKIP: " + " ".join(why.split()), flush=True)
        sys.exit(77)
    print("1..0 # SKIP " + " ".join(why.split()).replace("#", "\\#"), flush=True)
    sys.exit(0)


# a timeout sends SIGTERM: turn it into an exception so the server is stopped and removed
signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
if os.environ.get("HSS_DB_MYSQL_URI"):
    sys.exit(subprocess.call(runner))

mariadbd = shutil.which("mariadbd") or shutil.which("mysqld") or \
    next((p for p in ("/usr/sbin/mariadbd", "/usr/sbin/mysqld") if os.path.exists(p)), None)
install = shutil.which("mariadb-install-db") or shutil.which("mysql_install_db")
client = shutil.which("mariadb") or shutil.which("mysql")
if not (mariadbd and install and client):
    skip("mariadbd / mariadb-install-db / mariadb client not installed")

# the socket path must stay short (108 bytes): keep the server in /tmp
tmp = tempfile.mkdtemp(prefix="hssdb-my.")
data, sock, pidf = os.path.join(tmp, "data"), os.path.join(tmp, "sock"), os.path.join(tmp, "pid")
user = ["--user=root"] if os.geteuid() == 0 else []
proc = None
rc = 1
try:
    r = subprocess.run([install, "--no-defaults", f"--datadir={data}", "--skip-test-db",
                        "--auth-root-authentication-method=normal"] + user,
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        skip("mariadb-install-db failed: " + (r.stderr or r.stdout)[-500:])
    proc = subprocess.Popen([mariadbd, "--no-defaults", f"--datadir={data}", f"--socket={sock}",
                             "--skip-networking", f"--pid-file={pidf}",
                             f"--log-error={os.path.join(tmp, 'err.log')}",
                             "--innodb-buffer-pool-size=16M", "--innodb-log-file-size=8M"] + user,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        if os.path.exists(sock) or proc.poll() is not None:
            break
        time.sleep(0.1)
    if not os.path.exists(sock):
        err = open(os.path.join(tmp, "err.log")).read()[-800:] if os.path.exists(
            os.path.join(tmp, "err.log")) else ""
        skip("mariadbd did not start: " + err)
    r = subprocess.run([client, "--no-defaults", "-S", sock, "-uroot", "-e",
                        "CREATE DATABASE hss"], capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        print("Bail out! create database failed: " + " ".join(r.stderr.split()))
        sys.exit(1)
    rc = subprocess.call(runner + [f"mysql://root@localhost/hss?socket={sock}"], timeout=600)
finally:
    if proc and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    shutil.rmtree(tmp, ignore_errors=True)
sys.exit(rc)

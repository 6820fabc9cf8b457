#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# run_mysql.py: runs test_db_mysql (the hss/db conformance suite) against a real MariaDB:
# HSS_DB_MYSQL_URI if set (an empty database), else a private mariadbd started here on a
# UNIX socket only (no TCP port) and removed afterwards (tests/integration/mariadb.py). Speaks
# TAP like test_db_mysql: when neither is possible it prints "1..0 # SKIP why" and exits 0
# (Meson counts it as skipped).
# Usage: run_mysql.py [--tap] RUNNER [ARGS...]: the private server's URI (root, database
# `hss`) is appended to the command. A RUNNER ending in .py runs with this Python; unless
# --tap says it speaks TAP, it is a harness test (tests/integration) and a skip is exit code
# 77 (Meson's exitcode protocol) instead.
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..',
                                'integration'))
import mariadb  # noqa: E402

runner = sys.argv[1:]
tap = runner[:1] == ["--tap"]
if tap:
    runner = runner[1:]
harness_test = runner[0].endswith(".py") and not tap
if runner[0].endswith(".py"):
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

server = mariadb.Server()
rc = 1
try:
    try:
        server.start()
    except mariadb.Unavailable as e:
        skip(str(e))
    try:
        server.sql("CREATE DATABASE hss")
    except RuntimeError as e:
        print("Bail out! create database failed: " + " ".join(str(e).split()))
        sys.exit(1)
    rc = subprocess.call(runner + [server.uri("hss")], timeout=600)
finally:
    server.close()
sys.exit(rc)

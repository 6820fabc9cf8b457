# SPDX-License-Identifier: BSD-3-Clause
"""SIGHUP reloads the s6a policy of a running HSS (here rat_allowed), and a broken file is
refused with file/line/key in the log while the running policy stays in force."""
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hsslib  # noqa: E402
from hsslib import harness  # noqa: E402

IMSI = '001010000000061'


def test(h):
    hss = hsslib.start(h, s6a='  rat_allowed: [eutran]\n')
    hsslib.provision(h, hss.db, IMSI)
    cfg = os.path.join(h.tmp, 'hss.yaml')
    with open(cfg) as f:
        text = f.read()

    r = hss.dclient('ulr', '--imsi', IMSI, '--rat-type', 'utran')
    h.check(hsslib.exp_code(r) == 5421, 'UTRAN not allowed by the initial policy: 5421')

    with open(cfg, 'w') as f:
        f.write(text.replace('rat_allowed: [eutran]', 'rat_allowed: [eutran, utran]'))
    hss.proc.p.send_signal(signal.SIGHUP)
    hss.proc.wait_log(r'hss\.yaml reloaded', timeout=10)
    r = hss.dclient('ulr', '--imsi', IMSI, '--rat-type', 'utran')
    h.check(r.rc == 0, 'after SIGHUP the new policy allows UTRAN: 2001')

    with open(cfg, 'w') as f:
        f.write(text.replace('rat_allowed: [eutran]', 'rat_allowed: [eutran, 4g]'))
    hss.proc.p.send_signal(signal.SIGHUP)
    hss.proc.wait_log(r"reload failed.*hss\.yaml:\d+: key 's6a\.rat_allowed'", timeout=10)
    time.sleep(0.2)
    r = hss.dclient('ulr', '--imsi', IMSI, '--rat-type', 'utran')
    h.check(r.rc == 0, 'a broken file is refused and the running policy stays')
    h.check(hss.proc.running(), 'the HSS is still running')


harness.run(test, ports=(22120, 22139))

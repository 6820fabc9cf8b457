# SPDX-License-Identifier: BSD-3-Clause
"""Helpers of the security tests: an HSS behind a DRA, raw MMEs that advertise S6a only
(as real MMEs do: no Relay application), and raw S6a requests."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'hss'))
import hsslib  # noqa: E402
from hsslib import harness  # noqa: E402

A = harness.avp_encode
S6A = 16777251
CX = 16777216
TGPP = 10415


def vsai(app):
    return A(260, A(266, TGPP) + A(258, app))


def s6a_req(dest_realm, imsi, extra=b'', dest_host=None):
    """The AVPs after Origin-Host/Realm of an S6a request (RawClient.request adds the head)."""
    body = vsai(S6A) + A(277, 1)
    if dest_host:
        body += A(293, dest_host)
    return body + A(283, dest_realm) + A(1, imsi) + extra


def air_avps(dest_realm, imsi, dest_host=None):
    # Requested-EUTRAN-Authentication-Info { Number-Of-Requested-Vectors 1 }, Visited-PLMN-Id
    rai = A(1408, A(1410, 1, vendor=TGPP), vendor=TGPP)
    return s6a_req(dest_realm, imsi, rai + A(1407, bytes.fromhex(hsslib.PLMN_HEX), vendor=TGPP),
                   dest_host)


def ulr_avps(dest_realm, imsi, dest_host=None):
    # RAT-Type EUTRAN (1004), ULR-Flags S6a/S6d-Indicator, Visited-PLMN-Id
    extra = (A(1032, 1004, vendor=TGPP) + A(1405, 2, vendor=TGPP) +
             A(1407, bytes.fromhex(hsslib.PLMN_HEX), vendor=TGPP))
    return s6a_req(dest_realm, imsi, extra, dest_host)


def clr_avps(dest_realm, dest_host, imsi):
    # Cancellation-Type SUBSCRIPTION_WITHDRAWAL (2)
    return s6a_req(dest_realm, imsi, A(1420, 2, vendor=TGPP), dest_host)


def result_code(m):
    """Result-Code, or Experimental-Result-Code, of a RawMsg answer; None."""
    if not isinstance(m, harness.RawMsg):
        return None
    rc = m.find(268)
    if rc:
        return rc[0].u32()
    for er in m.find(297):
        for ch in er.children():
            if ch.code == 298:
                return ch.u32()
    return None


def mme(h, port, identity, realm='test', timeout=5.0):
    """A raw MME connected to port: advertises S6a only (no Relay)."""
    return harness.RawClient(h, port, identity, realm=realm, timeout=timeout, apps=(S6A,))

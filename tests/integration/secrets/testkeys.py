# SPDX-License-Identifier: BSD-3-Clause
"""Every secret the test suite hands to our programs, in one place.

test_logs.py, the last test of the suite, greps every log the suite kept (harness.py,
DCORE_LOG_DIR) for each of them. It also reads the test sources (unlisted()) and fails when a
key written there in a key-like place (`k:`, `--opc`, `OP = '...'`, `KEY = "..."`,
`password=...`) is missing from this list: a new test key is added here, or the scan would
not look for it.

Values are as the tests write them: hex (matched in either case, with or without ':' or ' '
between the octets) or text.
"""
import hashlib
import os
import re


def _ha1(impi, realm, password):
    """What the HSS stores and sends as Digest-HA1: MD5(IMPI:realm:password) in hex."""
    return hashlib.md5(('%s:%s:%s' % (impi, realm, password)).encode()).hexdigest()


def _ascii_hex(text):
    """A 16-character text used as the 16 octets of a key (tests/integration/ims/imsbed.py)."""
    return text.encode().hex()


SECRETS = {
    # TS 35.208 test set 1: the USIM of hsslib, rellib, roblib, tshark, the demo, the benchmarks
    # and the hss/db conformance suite
    'K (TS 35.208 set 1)': '465b5ce8b199b49faa5f0a2ee238a6bc',
    'OP (TS 35.208 set 1)': 'cdc202d5123e20f62b6d676ac72cb318',
    'OPc (TS 35.208 set 1)': 'cd63cb71954a9f4e48a5994e37a02baf',
    # hss/db unit tests (conformance, validation)
    'K/OP (hss/db unit tests)': '000102030405060708090a0b0c0d0e0f',
    'OP/OPc (hss/db validation)': '00112233445566778899aabbccddeeff',
    # tests/integration/secrets: keys of their own, so a leak found names the test
    'K (secrets tests)': '8f3a6c1d2e4b5a69788796a5b4c3d2e1',
    'OPc (secrets tests)': '1e2d3c4b5a69788796a5b4c3d2e1f00f',
    'OP (secrets tests)': '5a5a6b6b7c7c8d8d9e9eafafb0b0c1c1',
    'database password (secrets tests)': 'Db-pw-9c1e4f7a',
    # test_ims.py: the digest password of its IMS subscriptions and their HA1s
    'password (secrets tests IMS)': 'Sip-pw-4b7d2a',
    'HA1 (secrets tests IMS sam)': _ha1('sam@sec.test', 'sec.test', 'Sip-pw-4b7d2a'),
    'HA1 (secrets tests IMS sam2)': _ha1('sam2@sec.test', 'sec.test', 'Sip-pw-4b7d2a'),
    'HA1 (secrets tests IMS sam3)': _ha1('sam3@sec.test', 'sec.test', 'Sip-pw-4b7d2a'),
    # database user's password of tests/integration/hss/test_db_mysql.py
    'database password (hss-db_mysql)': 'faultpw',
    # topology-hiding keys (DRA key_file): the integration test's and the unit tests'
    'hiding key (dra_hiding)': '3c5a0f7e8d1b2c4a6f9e0d3b7a1c5e8f2d4b6a9c0e3f5d7b1a4c6e8f0b2d4a6c',
    'hiding key 1 (test_xf_hide)': '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
    'hiding key 2 (test_xf_hide)': 'ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100',
    # IMS users of tests/integration/ims/imsbed.py
    'K (IMS AKA user)': _ascii_hex('dcore-ims-K-0001'),
    'OP (IMS AKA user)': _ascii_hex('dcore-ims-OP-001'),
    'password (IMS digest user)': 'alice-secret',
    'HA1 (IMS digest user)': hashlib.md5(b'alice@ims.test:ims.test:alice-secret').hexdigest(),
    # Cx tests (tests/integration/cx, tshark/test_capture_cx.py): own AKA keys, digest
    # passwords and HA1s of their IMS subscriptions (a password shorter than 6 characters
    # could match by chance: its HA1 is looked for)
    'OPc (Cx own AKA keys)': '0f0e0d0c0b0a09080706050403020100',
    'password (Cx erin-soft)': 'erin-pw',
    'HA1 (Cx erin-soft)': _ha1('erin-soft@cx.test', 'cx.test', 'erin-pw'),
    'password (Cx fay)': 'fay-pw',
    'HA1 (Cx fay)': _ha1('fay@cx.test', 'cx.test', 'fay-pw'),
    'HA1 (Cx fay-tv)': '0123456789abcdef0123456789abcdef',
    'HA1 (Cx hal)': _ha1('hal@cx.test', 'cx.test', 'pw'),
    'HA1 (Cx ivy, tshark)': _ha1('ivy@cx.test', 'cx.test', 'ivy'),
    # tests/integration/snmp/test_snmp_cx.py: fred-soft's digest password and its HA1
    'password (SNMP Cx fred-soft)': 'fred-pw',
    # an IMS identity's own key in test_export_backends.py and tests/unit/hss_ims/test_yaml.c
    'key (IMS own keys, unit tests)': 'f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff',
    'HA1 (SNMP Cx fred-soft)': _ha1('fred-soft@cx.test', 'cx.test', 'fred-pw'),
    # hss/ims unit tests (tests/unit/hss_ims): alice's HA1s
    'HA1 (hss_ims unit alice)': _ha1('alice@ims.example.org', 'ims.example.org', 'secret'),
    'HA1 (hss_ims unit alice-fixed)': 'c3c844b83c9a14854b8b71446b4003c0',
}

# What a test writes where a key goes: `k: HEX`, "k", "HEX", --opc HEX, OP = 'HEX',
# KEY1 = "HEX\n", k='TEXT' (16 characters: the octets of a key), password='TEXT',
# an IMS subscription's digest_ha1 (hex) and digest_password (text). A Python string prefix
# (f, b, r) is skipped only before a quote, so an unquoted value starting with f stays whole.
_KEY_CONTEXT = re.compile(
    r'''(?i)(?<![A-Za-z0-9_])-{0,2}(\w*?)(k|op|opc|key|password|secret|ha1)(\d*|_hex)'''
    r'''['"]?\s*[:=,]\s*(?:[fbr](?=['"]))?(['"]?)([^'"\s,;)}]+)''')
# Passwords not looked for as text (they would match ordinary words of a log); their HA1 is.
_COMMON_WORDS = {'secret', 'password'}
_HEX = re.compile(r'^[0-9a-fA-F]{32,}$')

# Only sources: not the fuzz corpora (generated inputs), not build outputs.
_SKIP_DIRS = {'corpus', '__pycache__', 'build'}
_EXTS = ('.py', '.c', '.h', '.sh', '.yaml', '.yml', '.csv', '.in', '.md', '.xml', '.cfg')


def normalised():
    """{value in lower case: name} of SECRETS."""
    return {v.lower(): k for k, v in SECRETS.items()}


def unlisted(srcdir):
    """[(path:line, value)] of keys written in test sources (tests/, config/) that SECRETS
    does not list."""
    known = normalised()
    out = []
    for top in ('tests', 'config'):
        for dp, dn, fn in os.walk(os.path.join(srcdir, top)):
            dn[:] = [d for d in dn if d not in _SKIP_DIRS]
            for f in fn:
                if not f.endswith(_EXTS):
                    continue
                path = os.path.join(dp, f)
                try:
                    with open(path, encoding='utf-8') as fh:
                        text = fh.read()
                except (OSError, UnicodeDecodeError):
                    continue
                for m in _KEY_CONTEXT.finditer(text):
                    prefix, name, quoted, value = (m.group(1), m.group(2).lower(), m.group(4),
                                                   m.group(5))
                    if value.endswith('\\n'):
                        value = value[:-2]
                    if _HEX.match(value):
                        v = value.lower()
                    elif name == 'password' and prefix.lower() == 'digest_':
                        # an IMS subscription's `digest_password: TEXT` (YAML, unquoted);
                        # a short one is not looked for (its HA1 is)
                        if len(value) < 6 or value.lower() in _COMMON_WORDS:
                            continue
                        v = value.lower()
                    elif not quoted or (prefix and not prefix.endswith('_')):
                        continue
                    elif name in ('k', 'op', 'opc') and len(value) == 16:
                        v = _ascii_hex(value)
                    elif name == 'password' and len(value) >= 6:
                        v = value.lower()
                    else:
                        continue
                    if v not in known:
                        line = text.count('\n', 0, m.start()) + 1
                        out.append(('%s:%d' % (os.path.relpath(path, srcdir), line), value))
    return out

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Cross-check every AVP of every dictionary table against Wireshark's Diameter dictionary.

For each AVP (as printed by dict_dump) Wireshark must know the same (vendor, code) under the
same name and a compatible type. Each deliberate difference must be listed, with the spec
clause that justifies it, in dictionaries/WIRESHARK_DIFFS*.md under "## Names", "## Types"
or "## Absent from Wireshark" as "- CODE Name ..." (several "CODE Name" pairs may share a
line). Any difference not listed fails the test; listed entries that are no longer
differences are reported as stale (a warning: over-listing is harmless).

usage: test_dict_wireshark.py DICT_DUMP DICTIONARIES_DIR [WIRESHARK_DIAMETER_DIR]
Exits 77 when Wireshark's dictionary is not installed.
"""
import glob
import os
import re
import subprocess
import sys

# Wireshark type names that are the same thing on the wire as ours.
EQUIV = {
    'IPAddress': {'Address'},
    'Address': {'Address'},
    'OctetStringOrUTF8': {'OctetString', 'UTF8String'},
    'AppId': {'Unsigned32'},
    'VendorId': {'Unsigned32'},
    'MIPRegistrationRequest': {'OctetString'},
}

KINDS = {'names': 'name', 'types': 'type', 'absent from wireshark': 'absent'}


def wireshark_avps(wsdir):
    vendors = {'None': 0}
    avps = {}
    files = glob.glob(os.path.join(wsdir, '*.xml'))
    texts = [open(f, encoding='utf-8', errors='replace').read() for f in files]
    for txt in texts:
        for m in re.finditer(r'<vendor\s([^>]*)/?>', txt):
            a = dict(re.findall(r'([\w-]+)="([^"]*)"', m.group(1)))
            if 'vendor-id' in a and 'code' in a:
                vendors[a['vendor-id']] = int(a['code'])
    for txt in texts:
        for m in re.finditer(r'<avp\s([^>]*)>(.*?)</avp>', txt, re.S):
            a = dict(re.findall(r'([\w-]+)="([^"]*)"', m.group(1)))
            body = m.group(2)
            t = re.search(r'<type\s+type-name="([^"]+)"', body)
            typ = t.group(1) if t else ('Grouped' if '<grouped' in body else '?')
            vend = vendors.get(a.get('vendor-id', 'None'))
            if vend is None or 'code' not in a:
                continue
            avps.setdefault((vend, int(a['code'])), []).append((a.get('name', ''), typ))
    return avps


def listed_items(path):
    """(section kind, text) of each "- " item; indented lines continue the item."""
    kind, item = None, None
    for line in open(path, encoding='utf-8'):
        if line.startswith('#'):
            if item:
                yield item
            item = None
            kind = KINDS.get(line.lstrip('#').strip().lower())
        elif line.startswith('- ') and kind:
            if item:
                yield item
            item = (kind, line.strip())
        elif line[:1].isspace() and line.strip() and item:
            item = (item[0], item[1] + ' ' + line.strip())
        else:
            if item:
                yield item
            item = None
    if item:
        yield item


def listed_diffs(dictdir):
    listed = {}
    for path in sorted(glob.glob(os.path.join(dictdir, 'WIRESHARK_DIFFS*.md'))):
        base = os.path.basename(path)
        for kind, text in listed_items(path):
            for code, name in re.findall(r'\b(\d+) ([A-Za-z0-9][A-Za-z0-9.-]*[A-Za-z0-9])', text):
                listed[(kind, int(code), name)] = base
            # "- 607, 608 Name-A, Name-B: reason": codes and names paired in order.
            m = re.match(r'-\s*((?:\d+,\s*)+\d+)\s+([^:]+):', text)
            if m:
                codes = [int(c) for c in re.split(r',\s*', m.group(1))]
                names = [n.strip() for n in m.group(2).split(',')]
                if len(codes) == len(names):
                    for code, name in zip(codes, names):
                        listed[(kind, code, name)] = base
    return listed


def compatible(ours, theirs):
    return ours == theirs or ours in EQUIV.get(theirs, ())


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    dump, dictdir = sys.argv[1], sys.argv[2]
    wsdir = sys.argv[3] if len(sys.argv) > 3 else '/usr/share/wireshark/diameter'
    if not os.path.exists(os.path.join(wsdir, 'dictionary.xml')):
        print('SKIP: no Wireshark Diameter dictionary in ' + wsdir)
        return 77
    ws = wireshark_avps(wsdir)
    listed = listed_diffs(dictdir)
    used = set()
    failures = 0
    checked = 0
    out = subprocess.run([dump], check=True, capture_output=True, text=True).stdout
    seen = set()
    for line in out.splitlines():
        table, code, vendor, name, typ = line.split('\t')[:5]
        code, vendor = int(code), int(vendor)
        if (code, vendor, name) in seen:
            continue   # the same AVP in two tables (e.g. Cx and Sh)
        seen.add((code, vendor, name))
        checked += 1
        diffs = []
        entries = ws.get((vendor, code))
        if not entries:
            diffs.append(('absent', 'not in Wireshark'))
        else:
            if not any(n == name for n, _ in entries):
                diffs.append(('name', 'Wireshark calls it ' + '/'.join(n for n, _ in entries)))
            if not any(compatible(typ, t) for _, t in entries):
                diffs.append(('type', 'type %s, Wireshark %s' % (typ, '/'.join(t for _, t in entries))))
        for kind, what in diffs:
            key = (kind, code, name)
            if key in listed:
                used.add(key)
                continue
            print('FAIL: %s: AVP %u %s (vendor %u): %s; not listed under "%s" in '
                  'dictionaries/WIRESHARK_DIFFS*.md' % (table, code, name, vendor, what, kind))
            failures += 1
    for key, path in sorted(listed.items()):
        kind, code, name = key
        if key in used:
            continue
        # Lines may mention other numbers (spec clauses); only flag entries naming a table AVP.
        if any((code, name) == (c, n) for c, _, n in seen):
            print('WARN: %s lists %u %s under "%s" but it does not differ from Wireshark'
                  % (path, code, name, kind))
    print('%d AVPs checked against Wireshark, %d listed differences, %d failure(s)'
          % (checked, len(used), failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())

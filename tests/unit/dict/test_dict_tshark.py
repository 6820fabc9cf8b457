#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Decode every command test_dict_tables builds with tshark, an independent Diameter decoder.

test_dict_tables --write-hex saves each command (every AVP its rules allow, grouped ones
filled); text2pcap wraps them in TCP port 3868 and tshark dissects them. Each frame must be
the expected command, hold as many AVPs as were built (grouped children included; not checked
when the frame holds an AVP Wireshark does not know, whose children it cannot show), carry no
structural error (malformed packet, bad AVP length), and contain no AVP unknown to Wireshark
other than those listed under "Absent from Wireshark" in dictionaries/WIRESHARK_DIFFS*.md.
Warnings about values (a 5-byte PLMN-Id, say) are ignored: the test values only have the
right type.

usage: test_dict_tshark.py TEST_DICT_TABLES DICTIONARIES_DIR
Exits 77 when tshark or text2pcap is not installed.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

STRUCTURAL = re.compile(r'Malformed Packet|Expert Info \(Error/Malformed\)|'
                        r'AVP Length.*(bad|invalid|too)|Invalid AVP length|Bogus', re.I)


def absent_listed(dictdir):
    """Codes listed under an "Absent from Wireshark" heading."""
    codes = set()
    for name in sorted(os.listdir(dictdir)):
        if not (name.startswith('WIRESHARK_DIFFS') and name.endswith('.md')):
            continue
        section = None
        for line in open(os.path.join(dictdir, name), encoding='utf-8'):
            if line.startswith('#'):
                section = line.lstrip('#').strip().lower()
            elif section == 'absent from wireshark':
                codes.update(int(c) for c in re.findall(r'\b(\d+) [A-Za-z]', line))
    return codes


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    tables, dictdir = sys.argv[1], sys.argv[2]
    for tool in ('tshark', 'text2pcap'):
        if not shutil.which(tool):
            print('SKIP: %s not installed (Debian package tshark)' % tool)
            return 77
    absent = absent_listed(dictdir)
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        hexfile, pcap = os.path.join(tmp, 'msgs.txt'), os.path.join(tmp, 'msgs.pcap')
        run = subprocess.run([tables, '--write-hex', hexfile], capture_output=True, text=True)
        if run.returncode != 0:
            print(run.stdout)
            print('FAIL: test_dict_tables --write-hex exited with %d' % run.returncode)
            return 1
        # test_dict_tables' TAP line for each command's round trip
        built = re.findall(r'^ok \d+ - (\S+): re-encoding is identical \((\d+) AVPs', run.stdout,
                           re.M)
        subprocess.run(['text2pcap', '-q', '-T', '3868,3868', hexfile, pcap], check=True,
                       capture_output=True)
        out = subprocess.run(['tshark', '-n', '-r', pcap, '-V', '-d', 'tcp.port==3868,diameter'],
                             check=True, capture_output=True, text=True).stdout
    frames = re.split(r'^Frame \d+:', out, flags=re.M)[1:]
    if len(frames) != len(built):
        print('FAIL: tshark shows %d frames, %d commands were built' % (len(frames), len(built)))
        return 1
    for (name, navps), frame in zip(built, frames):
        words = name.split('-')
        kind = words[-1]                      # Request / Answer
        cmd = '-'.join(words[:-1])
        m = re.search(r'^\s*Command Code: (\S+) \((\d+)\)', frame, re.M)
        req = re.search(r'^\s*Flags: 0x[0-9a-f]+, Request', frame, re.M) is not None
        got = len(re.findall(r'^\s*AVP: ', frame, re.M))
        problems = []
        if not m or not m.group(1).endswith(cmd) or req != (kind == 'Request'):
            problems.append('decoded as %s %s' % (m.group(1) if m else 'no Diameter command',
                                                  'Request' if req else 'Answer'))
        unknown = re.findall(r'Unknown AVP (\d+)', frame)
        # Wireshark cannot show the children of a grouped AVP it does not know: count only
        # when it knows them all.
        if got != int(navps) and not unknown:
            problems.append('%d AVPs decoded, %s built' % (got, navps))
        for line in frame.splitlines():
            if STRUCTURAL.search(line):
                problems.append(line.strip())
        for code in unknown:
            if int(code) not in absent:
                problems.append('AVP %s unknown to Wireshark and not listed as absent' % code)
        if problems:
            failures += 1
            print('FAIL: %s: %s' % (name, '; '.join(sorted(set(problems)))))
        else:
            print('ok: %s: %s AVPs decoded by tshark' % (name, navps))
    print('%d commands decoded, %d failure(s)' % (len(built), failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())

#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Runs the demo once and checks that it showed real answers: vectors from the HSS and a ULA
# with subscription data, both relayed by the DRA.
set -u
build=$1
src=${DCORE_SRCDIR:-$(cd "$(dirname "$0")/../../.." && pwd)}
for b in hss/hss dra/dra tools/dclient/dclient tools/hssctl/hssctl; do
  [ -x "$build/$b" ] || { echo "SKIP: $b is not built"; exit 77; }
done
out=$("$src/config/demo/demo.sh" "$build" --once 2>&1)
rc=$?
echo "$out"
[ $rc -eq 0 ] || { echo "FAIL: demo exited $rc"; exit 1; }
for want in "E-UTRAN-Vector" "KASME" "Subscription-Data" "APN-Configuration" "2001" \
    "User-Authorization-Answer" "Server-Capabilities" "SIP-Auth-Data-Item" "Digest-AKAv1-MD5" \
    "Server-Assignment-Answer" "User-Data" "REGISTERED       sip:001010000000001@ims.dcore.example"; do
  grep -q -- "$want" <<<"$out" || { echo "FAIL: demo output lacks '$want'"; exit 1; }
done
# ./run deps installs snmpd and the tools: then the demo reads counters over SNMP.
libs=$(ldd "$build/dra/dra" 2>/dev/null || true)
if ! [ -x /usr/sbin/snmpd ] || ! command -v snmptable >/dev/null || [[ $libs != *libnetsnmp* ]]; then
  grep -q "no SNMP in this demo" <<<"$out" || { echo "FAIL: no SNMP here, the demo did not say so"; exit 1; }
  echo "NOTE: snmpd, the net-snmp tools or an SNMP-enabled build missing: the demo ran without SNMP"
else
  # at least the AIR and the ULR shown (the first AIRs may have been retried), one subscriber
  n=$(sed -n 's/.*draRequests.0 = Counter64: \([0-9]*\).*/\1/p' <<<"$out")
  [ -n "$n" ] && [ "$n" -ge 3 ] || { echo "FAIL: draRequests over SNMP: '$n'"; exit 1; }
  # the IMS registration's UAR, MAR and SAR, one each, and the MAR's AKA vector
  for cmd in UAR MAR SAR; do
    grep -Eq "^ *$cmd +received +1 +0 +1 " <<<"$out" ||
      { echo "FAIL: hssCmdTable over SNMP lacks the $cmd answered 2xxx"; exit 1; }
  done
  n=$(sed -n 's/.*hssImsVectorsAka.0 = Counter64: \([0-9]*\).*/\1/p' <<<"$out")
  [ -n "$n" ] && [ "$n" -ge 1 ] || { echo "FAIL: hssImsVectorsAka over SNMP: '$n'"; exit 1; }
  for want in "hssSubscribers.0 = Gauge32: 1" "SNMP table: DCORE-MIB::draPeerTable" \
              "hss.demo.dcore.example" "SNMP table: DCORE-MIB::hssCmdTable"; do
    grep -q -- "$want" <<<"$out" || { echo "FAIL: demo output lacks '$want'"; exit 1; }
  done
fi
echo "OK: demo showed an attach and an IMS registration answered by the HSS through the DRA"

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
echo "OK: demo showed an attach and an IMS registration answered by the HSS through the DRA"

#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# ./run demo [--once]: an HSS and a DRA on 127.0.0.1 with the embedded database and a demo
# subscriber; an MME (dclient) attaches through the DRA: AIR, then ULR; then the same USIM
# registers in IMS, the I-CSCF and S-CSCF played by dclient: UAR, MAR (Digest-AKAv1-MD5 on the
# SQN counter the AIR used), SAR with the user profile. Without --once it stays up until
# Ctrl-C so you can send your own requests (the commands are printed).
set -euo pipefail
build=$(cd "$1" && pwd); shift
once=0
[ "${1:-}" = "--once" ] && once=1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
work=$(mktemp -d /tmp/dcore-demo.XXXXXX)
pids=()

cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  # Under the test suite, the daemons' logs are kept for its scan for keys
  # (tests/integration/secrets/test_logs.py; layout of tests/integration/harness.py).
  if [ -n "${DCORE_LOG_DIR:-}" ] && mkdir -p "$DCORE_LOG_DIR/demo-$$"; then
    local entries=() n
    for n in hss dra; do
      [ -f "$work/$n.log" ] || continue
      cp "$work/$n.log" "$DCORE_LOG_DIR/demo-$$/$n.log"
      entries+=("{\"file\": \"$n.log\", \"program\": \"$n\", \"source\": \"process\", \"stream\": \"log\", \"secrets\": false}")
    done
    (IFS=,; echo "[${entries[*]}]") > "$DCORE_LOG_DIR/demo-$$/index.json"
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

IMSI=001010000000001
MSISDN=33600000001
# TS 35.208 test set 1 keys: the demo's USIM.
K=465b5ce8b199b49faa5f0a2ee238a6bc
OPC=cd63cb71954a9f4e48a5994e37a02baf

for f in hss.yaml dra.yaml rules.yaml ims.yaml; do
  sed "s|@WORKDIR@|$work|g" "$here/$f" > "$work/$f"
done

# SNMP: a private snmpd on 127.0.0.1:3161 as AgentX master (never the system service); both
# daemons register with it. Without snmpd, the net-snmp tools or an SNMP-enabled build, the
# demo says so and goes on without.
src=$(cd "$here/../.." && pwd)
snmp=0
# (ldd's output taken whole: `ldd | grep -q` would fail under pipefail when grep stops first)
libs=$(ldd "$build/dra/dra" 2>/dev/null || true)
if [ -x /usr/sbin/snmpd ] && command -v snmpget >/dev/null && command -v snmptable >/dev/null &&
   [[ $libs == *libnetsnmp* ]]; then
  snmp=1
  mkdir -p "$work/snmp"
  printf 'master agentx\nagentXSocket %s\nrocommunity public 127.0.0.1\n' \
    "$work/snmp/agentx" > "$work/snmp/snmpd.conf"
  SNMP_PERSISTENT_DIR="$work/snmp" MIBS= SNMPCONFPATH=/nonexistent /usr/sbin/snmpd -f -C \
    -c "$work/snmp/snmpd.conf" -Lf "$work/snmpd.log" -p "$work/snmp/pid" udp:127.0.0.1:3161 &
  pids+=($!)
  for f in hss.yaml dra.yaml; do
    printf '\nsnmp:\n  enabled: true\n  agentx_socket: "%s"\n  ping_interval: 1\n' \
      "$work/snmp/agentx" >> "$work/$f"
  done
  # DCORE-MIB for the tools; on a host without the IETF MIB modules (Debian's default), the
  # minimal stand-ins the tests use for what it imports.
  export MIBS=DCORE-MIB SNMPCONFPATH=/nonexistent
  MIBDIRS="+$src/config/snmp"
  [ -e /usr/share/snmp/mibs/ietf/SNMPv2-SMI ] || [ -e /usr/share/snmp/mibs/SNMPv2-SMI.txt ] ||
    MIBDIRS="$MIBDIRS:$src/tests/integration/snmp/mibs"
  export MIBDIRS
else
  echo "== snmpd, the net-snmp tools or an SNMP-enabled build is missing: no SNMP in this demo"
fi

echo "== creating the database $work/hss.db and provisioning demo subscriber $IMSI"
# The HSS never creates its database: hssctl init does.
"$build/tools/hssctl/hssctl" --db "$work/hss.db" init
"$build/tools/hssctl/hssctl" --db "$work/hss.db" add --imsi "$IMSI" --msisdn "$MSISDN" \
  --k "$K" --opc "$OPC" --apn "internet,qci=9,arp=8,pdn=ipv4v6" --apn "ims,qci=5,arp=1"
echo "== provisioning its IMS subscription (config/demo/ims.yaml: IMPI linked to $IMSI)"
"$build/tools/hssctl/hssctl" --db "$work/hss.db" ims-import "$work/ims.yaml"

echo "== starting HSS (127.0.0.1:3869) and DRA (127.0.0.1:3868); logs in $work"
"$build/hss/hss" -c "$work/hss.yaml" >"$work/hss.log" 2>&1 &
pids+=($!)
# The DRA connects to the HSS at once and, if refused, retries only after tc_timer.
for i in $(seq 1 100); do
  (exec 3<>/dev/tcp/127.0.0.1/3869) 2>/dev/null && break
  sleep 0.1
done
"$build/dra/dra" -c "$work/dra.yaml" >"$work/dra.log" 2>&1 &
pids+=($!)

dclient=("$build/tools/dclient/dclient" --peer 127.0.0.1:3868 --peer-host dra.demo.dcore.example
         --identity mme1.mme.dcore.example --realm mme.dcore.example
         --dest-realm epc.mnc001.mcc001.3gppnetwork.org --timeout 5000)

# The DRA needs a moment to reach the HSS; retry the first request until it is routed.
ok=0
for i in $(seq 1 30); do
  if "${dclient[@]}" air --imsi "$IMSI" --visited-plmn 00101 --vectors 1 >/dev/null 2>&1; then
    ok=1; break
  fi
  sleep 0.5
done
status=0
if [ $ok -ne 1 ]; then
  echo "demo: no successful answer through the DRA; logs follow" >&2
  tail -n 30 "$work/hss.log" "$work/dra.log" >&2 || true
  status=1
else
  echo
  echo "== MME -> DRA -> HSS: Authentication-Information-Request (2 vectors)"
  "${dclient[@]}" air --imsi "$IMSI" --visited-plmn 00101 --vectors 2 || status=1
  echo
  echo "== MME -> DRA -> HSS: Update-Location-Request (initial attach)"
  "${dclient[@]}" ulr --imsi "$IMSI" --visited-plmn 00101 --rat-type eutran --initial-attach || status=1

  impi="$IMSI@ims.dcore.example"
  impu="sip:$IMSI@ims.dcore.example"
  cscf=("$build/tools/dclient/dclient" --peer 127.0.0.1:3868 --peer-host dra.demo.dcore.example
        --realm ims.dcore.example --dest-realm demo.dcore.example --timeout 5000)
  scscf="sip:scscf.ims.dcore.example:6060"
  echo
  echo "== I-CSCF -> DRA -> HSS: User-Authorization-Request (first registration)"
  "${cscf[@]}" --identity icscf.ims.dcore.example uar --impi "$impi" --impu "$impu" \
    --visited-network ims.dcore.example || status=1
  echo
  echo "== S-CSCF -> DRA -> HSS: Multimedia-Auth-Request (Digest-AKAv1-MD5, same USIM and SQN as the AIR)"
  "${cscf[@]}" --identity scscf.ims.dcore.example mar --impi "$impi" --impu "$impu" \
    --scheme Digest-AKAv1-MD5 --server-name "$scscf" || status=1
  echo
  echo "== S-CSCF -> DRA -> HSS: Server-Assignment-Request (REGISTRATION, user profile in User-Data)"
  "${cscf[@]}" --identity scscf.ims.dcore.example --json sar --impi "$impi" --impu "$impu" \
    --server-name "$scscf" --assignment-type 1 >"$work/saa.json" || status=1
  python3 - "$work/saa.json" <<'PY' || status=1
import json, subprocess, sys
a = json.loads(open(sys.argv[1]).readline())
print('answer %s Result-Code %s' % (a['command'], a['result_code']))
for x in a['avps']:
    if x['name'] == 'User-Data':
        xml = bytes.fromhex(x['value'])
        try:   # indented by xmllint (libxml2-utils) when it is there
            xml = subprocess.run(['xmllint', '--format', '-'], input=xml, capture_output=True,
                                 check=True).stdout
        except (OSError, subprocess.CalledProcessError):
            pass
        print('  User-Data (the user profile, TS 29.228 Annex E):')
        print('\n'.join('    ' + line for line in xml.decode().splitlines()))
    elif x['name'] in ('User-Name', 'Origin-Host'):
        print('  %s = %s' % (x['name'], x['value']))
PY
  echo
  echo "== the registration as the HSS keeps it (hssctl ims-show)"
  "$build/tools/hssctl/hssctl" --db "$work/hss.db" ims-show "$impu" | sed -n '/registration state/,$p' \
    || status=1
fi

if [ $snmp -eq 1 ] && [ $status -eq 0 ]; then
  echo
  echo "== counters read over SNMP (DCORE-MIB through snmpd on 127.0.0.1:3161, AgentX)"
  snmp_args=(-v2c -c public 127.0.0.1:3161)
  for i in $(seq 1 50); do
    snmpget -Oqv "${snmp_args[@]}" DCORE-MIB::hssSubscribers.0 2>/dev/null | grep -q '^[0-9]' &&
      snmpget -Oqv "${snmp_args[@]}" DCORE-MIB::draRequests.0 2>/dev/null | grep -q '^[0-9]' &&
      break
    sleep 0.2
  done
  snmpget "${snmp_args[@]}" DCORE-MIB::draRequests.0 DCORE-MIB::draAnswers.0 \
    DCORE-MIB::hssSubscribers.0 DCORE-MIB::hssDbOps.0 DCORE-MIB::hssImsVectorsAka.0 || status=1
  snmptable -Cb -Cw 100 "${snmp_args[@]}" DCORE-MIB::draPeerTable || status=1
  snmptable -Cb -Cw 100 "${snmp_args[@]}" DCORE-MIB::hssCmdTable || status=1
fi

if [ $once -eq 1 ]; then
  exit $status
fi
echo
echo "== running; try for example:"
echo "   ${dclient[*]} air --imsi $IMSI --visited-plmn 00101 --vectors 3"
echo "   ${cscf[*]} --identity icscf.ims.dcore.example lir --impu tel:+33600000001"
if [ $snmp -eq 1 ]; then
  echo "   MIBS=DCORE-MIB MIBDIRS=$MIBDIRS snmpwalk -v2c -c public 127.0.0.1:3161 DCORE-MIB::dcoreMIB"
fi
echo "   Ctrl-C stops the HSS and the DRA."
wait

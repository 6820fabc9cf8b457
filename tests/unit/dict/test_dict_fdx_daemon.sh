#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Our .fdx modules in a plain Debian freeDiameterd: once alone, once after Debian's
# dict_nasreq, dict_dcca and dict_dcca_3gpp. The daemon must start ("freeDiameterd daemon
# initialized"), report each module loaded and our loader's notice, then it is stopped.
# Port = 0 and SecPort = 0 start no listener at all (and make TLS_Cred unnecessary), so the
# test opens no socket.
# usage: test_dict_fdx_daemon.sh DICT_S6A_FDX [DICT_CX_FDX|-] [DICT_SH_FDX|-]
set -u
FDD=${FREEDIAMETERD:-/usr/bin/freeDiameterd}
EXT=${FD_EXT_DIR:-/usr/lib/freeDiameter}
[ -x "$FDD" ] || { echo "SKIP: $FDD not installed (Debian package freediameter)"; exit 77; }
[ -r "$EXT/dict_dcca_3gpp.fdx" ] || { echo "SKIP: Debian's dictionaries not in $EXT"; exit 77; }

ours=""
for f in "$@"; do
	[ "$f" = "-" ] && continue
	case "$f" in /*) ;; *) f="$(pwd)/$f" ;; esac
	ours="$ours $f"
done
tmp=$(mktemp -d)
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# run NAME EXTENSION...: start freeDiameterd with these extensions and check its log.
run() {
	name=$1; shift
	conf="$tmp/$name.conf"; log="$tmp/$name.log"
	{
		echo 'Identity = "dict-test.localdomain";'
		echo 'Realm = "localdomain";'
		echo 'Port = 0;'
		echo 'SecPort = 0;'
		echo 'No_SCTP;'
		for e in "$@"; do echo "LoadExtension = \"$e\";"; done
	} > "$conf"
	"$FDD" -c "$conf" > "$log" 2>&1 &
	pid=$!
	i=0
	while [ $i -lt 100 ] && ! grep -q "daemon initialized" "$log"; do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1; i=$((i + 1))
	done
	ok=1
	grep -q "freeDiameterd daemon initialized" "$log" || { echo "FAIL: $name: daemon did not start"; ok=0; }
	for e in "$@"; do
		grep -qF "'$e'[(no config file)], loaded" "$log" || { echo "FAIL: $name: $e not loaded"; ok=0; }
	done
	for e in $ours; do
		m=$(basename "$e" .fdx)
		grep -q "$m: .* dictionary loaded" "$log" || { echo "FAIL: $name: no notice from $m"; ok=0; }
	done
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=""
	if [ $ok = 1 ]; then
		echo "ok: $name"
	else
		sed 's/^/    /' "$log" | grep -v dictobj | tail -40
		return 1
	fi
}

fail=0
# shellcheck disable=SC2086
run alone $ours || fail=1
# shellcheck disable=SC2086
run after_debian "$EXT/dict_nasreq.fdx" "$EXT/dict_dcca.fdx" "$EXT/dict_dcca_3gpp.fdx" $ours || fail=1
exit $fail

#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Our .fdx modules in a plain Debian freeDiameterd, in the load orders dictionaries/README.md
# documents ("Loading beside Debian's dictionaries"):
#  - alone;
#  - after Debian's dict_nasreq, dict_dcca and dict_dcca_3gpp (the documented configuration),
#    ours in table order and in reverse order;
#  - before dict_nasreq and dict_dcca (no dict_dcca_3gpp): also supported;
#  - before dict_dcca_3gpp: documented as refused. freeDiameterd must stop, naming
#    dict_dcca_3gpp.fdx and "File exists", after our modules loaded (should a future
#    dict_dcca_3gpp accept it, the test says the README is stale, without failing).
# A daemon that must start has to say "freeDiameterd daemon initialized", report each module
# loaded and our loader's notice; then it is stopped. Port = 0 and SecPort = 0 start no
# listener at all (and make TLS_Cred unnecessary), so the test opens no socket.
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

# run NAME start|refuse EXTENSION...: start freeDiameterd with these extensions, in this
# order, and check its log.
run() {
	name=$1; want=$2; shift 2
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
	for e in $ours; do
		m=$(basename "$e" .fdx)
		grep -q "$m: .* dictionary loaded" "$log" || { echo "FAIL: $name: no notice from $m"; ok=0; }
		! grep -q "$m: named values left out" "$log" ||
			{ echo "FAIL: $name: $m left named values out"; ok=0; }
	done
	if [ "$want" = start ]; then
		grep -q "freeDiameterd daemon initialized" "$log" ||
			{ echo "FAIL: $name: daemon did not start"; ok=0; }
		for e in "$@"; do
			grep -qF "'$e'[(no config file)], loaded" "$log" ||
				{ echo "FAIL: $name: $e not loaded"; ok=0; }
		done
	elif grep -q "freeDiameterd daemon initialized" "$log"; then
		echo "note: $name: dict_dcca_3gpp.fdx now loads after ours; dictionaries/README.md is stale"
	else
		grep -q "Extension .*dict_dcca_3gpp.fdx returned an error during initialization: File exists" \
			"$log" || { echo "FAIL: $name: refused, but without naming dict_dcca_3gpp.fdx"; ok=0; }
	fi
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; pid=""
	if [ $ok = 1 ]; then
		echo "ok: $name ($want)"
	else
		sed 's/^/    /' "$log" | grep -v dictobj | tail -40
		return 1
	fi
}

rev=""
for f in $ours; do rev="$f $rev"; done
N="$EXT/dict_nasreq.fdx"; D="$EXT/dict_dcca.fdx"; G="$EXT/dict_dcca_3gpp.fdx"
fail=0
# shellcheck disable=SC2086
run alone start $ours || fail=1
# shellcheck disable=SC2086
run after_debian start "$N" "$D" "$G" $ours || fail=1
# shellcheck disable=SC2086
run after_debian_reversed start "$N" "$D" "$G" $rev || fail=1
# shellcheck disable=SC2086
run before_nasreq_dcca start $ours "$N" "$D" || fail=1
# shellcheck disable=SC2086
run before_dcca_3gpp refuse "$N" "$D" $ours "$G" || fail=1
exit $fail

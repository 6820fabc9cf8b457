#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# node_test.sh: two real freeDiameter nodes configured only from YAML through common/ talk over
# 127.0.0.1: a configured peer reaches OPEN both ways, an unknown peer is refused, a peer
# matching accept_peers is admitted, and SIGTERM stops both cleanly (exit 0).
# The tls scenario connects over TLS with certificates from a throw-away CA made by certtool.
#   node_test.sh BIN SCENARIO PORT     SCENARIO: open | refused | pattern | realm | tls
#   (tls also uses PORT+1)
set -u
bin=$1 scenario=$2 port=$3
dir=$(mktemp -d "${TMPDIR:-/tmp}/cm-node-test.XXXXXX") || exit 1
pids=""
cleanup() {
	for p in $pids; do kill -KILL "$p" 2>/dev/null; done
	rm -rf "$dir"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*"
	for f in "$dir"/*.out "$dir"/*.err; do
		[ -f "$f" ] && { echo "--- $f"; tail -n 30 "$f"; }
	done
	exit 1
}

server_yaml() {   # $1: extra peer lines
	cat > "$dir/server.yaml" <<EOF2
# test server
diameter:
  identity: server.test
  realm: test
  listen: [127.0.0.1]
  port: $port
  tw_timer: 6
  tc_timer: 1
  peers:
$1
  accept_peers: ["*.ok.test"]
EOF2
}

client_yaml() {   # $1: name, $2: identity, $3: realm
	cat > "$dir/$1.yaml" <<EOF2
diameter:
  identity: $2
  realm: $3
  port: 0
  tc_timer: 1
  peers:
    - host: server.test
      realm: test
      addr: 127.0.0.1
      port: $port
EOF2
}

# Wait until file $1 contains $2 or process $3 exits.
wait_for() {
	i=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		kill -0 "$3" 2>/dev/null || return 1
		i=$((i + 1))
		[ $i -gt 300 ] && return 1
		sleep 0.1
	done
	return 0
}

start() {   # $1: name, rest: args; returns once the node listens
	name=$1
	shift
	"$bin" "$@" > "$dir/$name.out" 2> "$dir/$name.err" &
	eval "pid_$name=$!"
	pids="$pids $!"
	wait_for "$dir/$name.out" "^READY" "$!" || fail "$name did not start"
}

stop_ok() {   # $1: name
	eval "p=\$pid_$1"
	kill -TERM "$p" 2>/dev/null
	wait "$p"
	rc=$?
	[ $rc -eq 0 ] || fail "$1 exited with $rc after SIGTERM"
}

case $scenario in
open)
	server_yaml "    - host: client.test
      realm: test"
	client_yaml client client.test test
	start server open client.test "$dir/server.yaml"
	start client open server.test "$dir/client.yaml"
	wait_for "$dir/client.out" "OPEN server.test" "$pid_client" || fail "client did not reach OPEN"
	wait_for "$dir/server.out" "OPEN client.test" "$pid_server" || fail "server did not see OPEN"
	stop_ok client
	stop_ok server
	;;
refused)
	server_yaml "    - host: client.test"
	client_yaml intruder intruder.bad.test test
	start server serve - "$dir/server.yaml"
	start intruder refused server.test "$dir/intruder.yaml"
	wait "$pid_intruder" || fail "intruder was not refused"
	grep -q "REFUSED server.test" "$dir/intruder.out" || fail "no refusal reported"
	grep -q "refusing unknown peer 'intruder.bad.test'" "$dir/server.out" "$dir/server.err" ||
		fail "server did not log the refusal"
	stop_ok server
	;;
pattern)
	server_yaml "    - host: client.test"
	client_yaml c2 c2.ok.test test
	start server open c2.ok.test "$dir/server.yaml"
	start c2 open server.test "$dir/c2.yaml"
	wait_for "$dir/c2.out" "OPEN server.test" "$pid_c2" || fail "c2.ok.test not admitted"
	wait_for "$dir/server.out" "OPEN c2.ok.test" "$pid_server" || fail "server did not see OPEN"
	stop_ok c2
	stop_ok server
	;;
realm)
	# client.test is a configured peer of the server, but in realm "test": another realm is refused.
	server_yaml "    - host: client.test
      realm: test"
	client_yaml client client.test other.realm
	start server serve - "$dir/server.yaml"
	start client refused server.test "$dir/client.yaml"
	wait "$pid_client" || fail "client with the wrong realm was not refused"
	grep -q "is not the configured 'test'" "$dir/server.out" "$dir/server.err" || fail "server did not log the realm refusal"
	stop_ok server
	;;
tls)
	command -v certtool > /dev/null || { echo "SKIP: certtool (gnutls-bin) not installed"; exit 77; }
	tport=$((port + 1))
	printf 'cn = "test CA"\nca\ncert_signing_key\nexpiration_days = 2\n' > "$dir/ca.tmpl"
	certtool --generate-privkey --key-type=ecdsa --outfile "$dir/ca.key" 2> /dev/null &&
	certtool --generate-self-signed --load-privkey "$dir/ca.key" --template "$dir/ca.tmpl" \
		--outfile "$dir/ca.pem" 2> /dev/null || fail "certtool CA"
	for n in server client; do
		printf 'cn = "%s.test"\ndns_name = "%s.test"\ntls_www_server\ntls_www_client\nsigning_key\nencryption_key\nexpiration_days = 2\n' \
			$n $n > "$dir/$n.tmpl"
		certtool --generate-privkey --key-type=ecdsa --outfile "$dir/$n.key" 2> /dev/null &&
		certtool --generate-certificate --load-privkey "$dir/$n.key" --load-ca-certificate "$dir/ca.pem" \
			--load-ca-privkey "$dir/ca.key" --template "$dir/$n.tmpl" --outfile "$dir/$n.pem" \
			2> /dev/null || fail "certtool $n"
	done
	cat > "$dir/server.yaml" <<EOF2
diameter:
  identity: server.test
  realm: test
  listen: [127.0.0.1]
  port: $port
  tls_port: $tport
  tls_cert: $dir/server.pem
  tls_key: $dir/server.key
  tls_ca: $dir/ca.pem
  peers: [{host: client.test}]
EOF2
	cat > "$dir/client.yaml" <<EOF2
diameter:
  identity: client.test
  realm: test
  port: 0
  tc_timer: 1
  tls_cert: $dir/client.pem
  tls_key: $dir/client.key
  tls_ca: $dir/ca.pem
  peers: [{host: server.test, addr: 127.0.0.1, port: $tport, tls: true}]
EOF2
	start server open client.test "$dir/server.yaml"
	start client open server.test "$dir/client.yaml"
	wait_for "$dir/client.out" "OPEN server.test" "$pid_client" || fail "client did not reach OPEN over TLS"
	wait_for "$dir/server.out" "OPEN client.test" "$pid_server" || fail "server did not see OPEN"
	grep -q "Connected to 'server.test' (TCP,TLS" "$dir/client.out" || fail "connection not TLS"
	stop_ok client
	stop_ok server
	;;
*)
	echo "unknown scenario $scenario"
	exit 2
	;;
esac
echo "ok: $scenario"
exit 0

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_xf.c: cost of xf_apply per message, for a message the pre-filter skips, one whose
 * rules match on AVP conditions but change nothing, one rewritten by three actions, and one
 * matched and rewritten by regexes (a condition and a replace), on relayed (lazily parsed)
 * messages as in the DRA. Prints nanoseconds per message; the
 * numbers are for comparing builds on one machine, nothing asserts on them.
 */
#include "xft.h"

#include <time.h>

#define N 100000

static const char *RULES =
	"rules:\n"
	"  - name: asr-only\n"
	"    match: { command: Abort-Session }\n"
	"    actions: [ { remove: User-Name } ]\n"
	"  - name: str-cond\n"
	"    match: { command: Session-Termination-Request, from_peer: \"mme*\",\n"
	"             avp: { path: User-Name, prefix: \"00199\" } }\n"
	"    actions: [ { remove: User-Name } ]\n"
	"  - name: str-rewrite\n"
	"    match: { command: Session-Termination-Request, destination_realm: rewrite.example }\n"
	"    actions:\n"
	"      - set: { avp: Destination-Realm, value: epc.mnc001.mcc001.3gppnetwork.org }\n"
	"      - prefix_map: { avp: User-Name, map: { \"00101\": \"99999\" } }\n"
	"      - remove: Route-Record\n"
	"  - name: str-regex\n"
	"    match: { command: Session-Termination-Request, destination_realm: regex.example,\n"
	"             avp: { path: User-Name, regex: \"^0010[12][0-9]+$\" } }\n"
	"    actions:\n"
	"      - replace: { avp: User-Name, regex: \"^00101(.*)$\", with: \"99999\\\\1\" }\n";

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Serialized forms, parsed anew for each run as the relay would receive them. */
static uint8_t *wire(const char *cmd, const char *realm, size_t *len)
{
	struct msg *m = xft_msg(cmd, 4);
	uint8_t *b;

	xft_add(m, "Origin-Host", "mme1.example");
	xft_add(m, "Origin-Realm", "example");
	xft_add(m, "Destination-Realm", realm);
	xft_add(m, "Auth-Application-Id", "4");
	xft_add(m, "Termination-Cause", "1");
	xft_add(m, "User-Name", "001011234567890");
	xft_add(m, "Route-Record", "r1.example");
	b = xft_buf(m, len);
	fd_msg_free(m);
	return b;
}

static void run(struct xf_rules *rs, const char *label, const uint8_t *w, size_t len)
{
	double parse = 0, apply = 0;
	unsigned fired_total = 0;

	for (int i = 0; i < N; i++) {
		uint8_t *b = malloc(len);
		struct msg *m = NULL;
		unsigned fired = 0;
		double t0, t1, t2;

		memcpy(b, w, len);
		t0 = now_ns();
		if (fd_msg_parse_buffer(&b, len, &m))
			exit(1);
		t1 = now_ns();
		xft_apply(rs, m, "mme1.example", NULL, NULL, &fired);
		t2 = now_ns();
		parse += t1 - t0;
		apply += t2 - t1;
		fired_total += fired;
		fd_msg_free(m);
	}
	printf("%-28s xf_apply %7.0f ns/msg (fd_msg_parse_buffer %6.0f ns/msg), %u fired\n", label,
	       apply / N, parse / N, fired_total);
}

int main(void)
{
	struct xf_rules *rs;
	uint8_t *a, *b, *c, *d;
	size_t la, lb, lc, ld;

	xft_init();
	rs = xft_load(RULES);
	if (!rs)
		return 1;
	a = wire("Session-Termination-Answer", "x", &la);
	b = wire("Session-Termination-Request", "home.example", &lb);
	c = wire("Session-Termination-Request", "rewrite.example", &lc);
	d = wire("Session-Termination-Request", "regex.example", &ld);
	run(rs, "(warm-up)", c, lc);
	run(rs, "pre-filtered (answer)", a, la);
	run(rs, "conditions, no change", b, lb);
	run(rs, "rewritten (3 actions)", c, lc);
	run(rs, "regex condition + replace", d, ld);
	free(d);
	free(a);
	free(b);
	free(c);
	xf_rules_unref(rs);
	return tap_failures() ? 1 : 0;
}

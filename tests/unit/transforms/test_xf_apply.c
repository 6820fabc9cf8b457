/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_xf_apply.c: every action and match kind of the rule engine on real freeDiameter
 * messages, requests and answers, fully parsed and as relayed (unparsed), grouped paths,
 * errors at apply time, and the guarantee that a message no rule touches is left
 * byte-identical.
 */
#include "xft.h"

#include <arpa/inet.h>

static const char *STR = "Session-Termination-Request";
static const char *STA = "Session-Termination-Answer";

/* A request with the usual routing AVPs. */
static struct msg *str_req(void)
{
	struct msg *m = xft_msg(STR, 4);
	xft_add(m, "Origin-Host", "mme1.example");
	xft_add(m, "Origin-Realm", "visited.example");
	xft_add(m, "Destination-Realm", "home.example");
	xft_add(m, "Auth-Application-Id", "4");
	xft_add(m, "Termination-Cause", "1");
	xft_add(m, "User-Name", "001011234567890");
	return m;
}

static struct msg *sta_ans(void)
{
	struct msg *m = xft_msg(STA, 4);
	xft_add(m, "Result-Code", "2001");
	xft_add(m, "Origin-Host", "hss1.home.example");
	xft_add(m, "Origin-Realm", "home.example");
	return m;
}

static void test_set(void)
{
	struct xf_rules *rs = xft_load(
		"rules:\n"
		"  - name: set-realm\n"
		"    match: { direction: request }\n"
		"    actions:\n"
		"      - set: { avp: Destination-Realm, value: epc.mnc001.mcc001.3gppnetwork.org }\n"
		"      - set: { avp: Destination-Host, value: hss9.home.example }\n"
		"      - set: { avp: Class, value: abc, if_present: true }\n"
		"      - set: { avp: Termination-Cause, value: 4 }\n");
	struct msg *m = str_req(), *r;
	unsigned fired = 0;

	if (!rs)
		return;
	CHECK_ERR(xft_apply(rs, m, "mme1.example", NULL, NULL, &fired), 0);
	CHECK_INT(fired, ==, 1);
	r = xft_reparse(m);
	CHECK_STR(xft_get(r, "Destination-Realm", 0), "epc.mnc001.mcc001.3gppnetwork.org");
	CHECK_INT(xft_count(r, "Destination-Realm"), ==, 1);
	CHECK_STR(xft_get(r, "Destination-Host", 0), "hss9.home.example");   /* created */
	CHECK_INT(xft_count(r, "Class"), ==, 0);                                    /* if_present */
	CHECK_STR(xft_get(r, "Termination-Cause", 0), "4");
	CHECK_STR(xft_get(r, "Session-Id", 0), "mme1.example;1;42");
	{
		/* Session-Id still first */
		struct avp *a = NULL;
		struct avp_hdr *h = NULL;
		fd_msg_browse(r, MSG_BRW_FIRST_CHILD, &a, NULL);
		fd_msg_avp_hdr(a, &h);
		CHECK_INT(h->avp_code, ==, 263);
	}
	/* not on answers */
	fd_msg_free(r);
	fd_msg_free(m);
	m = sta_ans();
	CHECK_ERR(xft_apply(rs, m, "hss1.home.example", "mme1.example", NULL, &fired), 0);
	CHECK_INT(fired, ==, 0);
	CHECK_INT(xft_count(m, "Destination-Host"), ==, 0);
	fd_msg_free(m);
	xf_rules_unref(rs);
}

static void test_replace_prefix_map(void)
{
	struct xf_rules *rs = xft_load(
		"rules:\n"
		"  - name: imsi\n"
		"    match: { command: Session-Termination }\n"
		"    actions:\n"
		"      - replace: { avp: User-Name, regex: \"^00101(.*)$\", with: \"99999\\\\1\" }\n"
		"      - prefix_map: { avp: Origin-Host, map: { mme: xx-, mme1: yy-, mme1.ex: zz- } }\n"
		"      - replace: { avp: Origin-Realm, regex: \"VISITED\", with: \"<\\\\0>\\\\\\\\\" }\n");
	struct msg *m = str_req(), *r;

	if (!rs)
		return;
	CHECK_ERR(xft_apply(rs, m, "mme1.example", NULL, NULL, NULL), 0);
	r = xft_reparse(m);
	CHECK_STR(xft_get(r, "User-Name", 0), "999991234567890");
	CHECK_STR(xft_get(r, "Origin-Host", 0), "zz-ample");     /* longest prefix wins */
	/* DiameterIdentity: case-insensitive regex; \0 is the whole match, \\ a backslash */
	CHECK_STR(xft_get(r, "Origin-Realm", 0), "<visited>\\.example");
	fd_msg_free(r);
	fd_msg_free(m);
	xf_rules_unref(rs);
}

static void test_map_reverse(void)
{
	struct xf_rules *rs = xft_load(
		"rules:\n"
		"  - name: out\n"
		"    match: { direction: request }\n"
		"    actions:\n"
		"      - map: { avp: Destination-Realm, table: { home.example: partner.example } }\n"
		"  - name: back\n"
		"    match: { direction: answer }\n"
		"    actions:\n"
		"      - map: { avp: Origin-Realm, reverse: true,\n"
		"               table: { home.example: partner.example } }\n");
	struct msg *m = str_req(), *r;

	if (!rs)
		return;
	CHECK_ERR(xft_apply(rs, m, "mme1.example", NULL, NULL, NULL), 0);
	r = xft_reparse(m);
	CHECK_STR(xft_get(r, "Destination-Realm", 0), "partner.example");
	fd_msg_free(r);
	fd_msg_free(m);
	m = sta_ans();
	fd_msg_free(xft_add(m, "Class", "x"));   /* exercise remove of a detached-then-freed AVP */
	/* realms compare case-insensitively */
	{
		struct avp *a[2];
		union avp_value v = { .os = { (uint8_t *)"PARTNER.example", 15 } };
		CHECK_INT(xft_find(m, "Origin-Realm", a, 2), ==, 1);
		fd_msg_avp_setvalue(a[0], &v);
	}
	CHECK_ERR(xft_apply(rs, m, "hss1.home.example", "mme1.example", NULL, NULL), 0);
	CHECK_STR(xft_get(m, "Origin-Realm", 0), "home.example");
	fd_msg_free(m);
	xf_rules_unref(rs);
}

static void test_remove_add_grouped(void)
{
	struct xf_rules *rs = xft_load(
		"rules:\n"
		"  - name: clean\n"
		"    actions:\n"
		"      - remove: Route-Record\n"
		"      - remove: { avp: Proxy-Info/Proxy-State }\n"
		"      - add: { avp: Vendor-Specific-Application-Id/Vendor-Id, value: 10415 }\n"
		"      - add: { avp: Proxy-Info/Proxy-State, value: st2 }\n"
		"      - set: { avp: Proxy-Info/Proxy-Host, value: dra.example }\n");
	struct msg *m = str_req(), *r;
	struct avp *pi;

	if (!rs)
		return;
	xft_add(m, "Route-Record", "a.example");
	xft_add(m, "Route-Record", "b.example");
	pi = xft_add(m, "Proxy-Info", NULL);
	xft_add(pi, "Proxy-Host", "p1.example");
	xft_add(pi, "Proxy-State", "st1");
	pi = xft_add(m, "Proxy-Info", NULL);
	xft_add(pi, "Proxy-Host", "p2.example");
	xft_add(pi, "Proxy-State", "st1b");
	m = xft_relayed(m);      /* as in a forward callback: nothing parsed */
	CHECK_ERR(xft_apply(rs, m, "mme1.example", NULL, NULL, NULL), 0);
	r = xft_reparse(m);
	CHECK_INT(xft_count(r, "Route-Record"), ==, 0);
	CHECK_INT(xft_count(r, "Proxy-Info"), ==, 2);
	CHECK_INT(xft_count(r, "Proxy-Info/Proxy-State"), ==, 1);
	CHECK_STR(xft_get(r, "Proxy-Info/Proxy-State", 0), "st2");      /* added to the first */
	CHECK_STR(xft_get(r, "Proxy-Info/Proxy-Host", 0), "dra.example");
	CHECK_STR(xft_get(r, "Proxy-Info/Proxy-Host", 1), "dra.example");   /* every instance */
	CHECK_INT(xft_count(r, "Vendor-Specific-Application-Id"), ==, 1);       /* parent created */
	CHECK_STR(xft_get(r, "Vendor-Specific-Application-Id/Vendor-Id", 0), "10415");
	CHECK_STR(xft_get(r, "User-Name", 0), "001011234567890");         /* untouched */
	fd_msg_free(r);
	fd_msg_free(m);
	xf_rules_unref(rs);
}

static void test_copy_move(void)
{
	struct xf_rules *rs = xft_load(
		"rules:\n"
		"  - name: cp\n"
		"    actions:\n"
		"      - copy: { from: User-Name, to: Class }\n"
		"      - move: { from: Origin-Host, to: Proxy-Info/Proxy-Host }\n"
		"      - copy: { from: Termination-Cause, to: Proxy-Info/Proxy-State }\n"
		"      - copy: { from: Destination-Host, to: User-Name }\n");   /* absent: no-op */
	struct xf_ctx ctx = { .is_request = true };
	struct msg *m, *r;

	if (!rs)
		return;
	CHECK_ERR(xf_apply(rs, NULL, &ctx, NULL), EINVAL);
	m = xft_relayed(str_req());
	CHECK_ERR(xft_apply(rs, m, "mme1.example", NULL, NULL, NULL), 0);
	r = xft_reparse(m);
	CHECK_STR(xft_get(r, "Class", 0), "001011234567890");
	CHECK_INT(xft_count(r, "Origin-Host"), ==, 0);
	CHECK_STR(xft_get(r, "Proxy-Info/Proxy-Host", 0), "mme1.example");
	CHECK_STR(xft_get(r, "Proxy-Info/Proxy-State", 0), "1");
	CHECK_STR(xft_get(r, "User-Name", 0), "001011234567890");
	fd_msg_free(r);
	fd_msg_free(m);
	xf_rules_unref(rs);
}

static void test_typed_values(void)
{
	struct xf_rules *rs = xft_load(
		"rules:\n"
		"  - name: typed\n"
		"    actions:\n"
		"      - set: { avp: Host-IP-Address, value: \"2001:db8::1\" }\n"
		"      - add: { avp: Host-IP-Address, value: 192.0.2.7 }\n"
		"      - set: { avp: Termination-Cause, value: DIAMETER_ADMINISTRATIVE }\n"
		"      - set: { avp: Class, hex: \"00f110\" }\n"
		"      - set: { avp: Event-Timestamp, value: 3900000000 }\n"
		"      - set: { avp: Auth-Application-Id, value: \"010\" }\n"
		"      - set: { avp: Acct-Application-Id, value: \"0x10\" }\n"
		"  - name: num-match\n"
		"    match: { avp: { path: Acct-Application-Id, exact: 16 } }\n"
		"    actions: [ { add: { avp: Class, value: sixteen } } ]\n");
	struct msg *m = str_req(), *r;
	struct avp *a[4];
	struct avp_hdr *h = NULL;

	if (!rs)
		return;
	CHECK_ERR(xft_apply(rs, m, "mme1.example", NULL, NULL, NULL), 0);
	r = xft_reparse(m);
	CHECK_INT(xft_find(r, "Host-IP-Address", a, 4), ==, 2);
	fd_msg_avp_hdr(a[0], &h);
	if (CHECK_INT(h->avp_value->os.len, ==, 18) && CHECK_INT(h->avp_value->os.data[1], ==, 2) &&
	    CHECK_INT(h->avp_value->os.data[2], ==, 0x20))
		CHECK_INT(h->avp_value->os.data[17], ==, 1);
	fd_msg_avp_hdr(a[1], &h);
	if (CHECK_INT(h->avp_value->os.len, ==, 6))
		CHECK_MEM(h->avp_value->os.data, "\0\1\xc0\0\2\7", 6);
	CHECK_STR(xft_get(r, "Termination-Cause", 0), "4");
	CHECK_INT(xft_find(r, "Class", a, 4), ==, 2);
	fd_msg_avp_hdr(a[0], &h);
	if (CHECK_INT(h->avp_value->os.len, ==, 3))
		CHECK_MEM(h->avp_value->os.data, "\0\xf1\x10", 3);
	CHECK_INT(xft_find(r, "Event-Timestamp", a, 4), ==, 1);
	fd_msg_avp_hdr(a[0], &h);
	if (CHECK_INT(h->avp_value->os.len, ==, 4))
		CHECK_MEM(h->avp_value->os.data, "\xe8\x75\x47\x00", 4);
	CHECK_STR(xft_get(r, "Auth-Application-Id", 0), "10");    /* never octal */
	CHECK_STR(xft_get(r, "Acct-Application-Id", 0), "16");
	CHECK_STR(xft_get(r, "Class", 1), "sixteen");
	fd_msg_free(r);
	fd_msg_free(m);
	xf_rules_unref(rs);
}

/* Each match kind, one rule each; the fired count and counters tell which matched. */
static void test_matches(void)
{
	struct xf_rules *rs = xft_load(
		"rules:\n"
		"  - name: m-dir-req\n"                                  /* 0 */
		"    match: { direction: request }\n"
		"    actions: [ { add: { avp: Class, value: r0 } } ]\n"
		"  - name: m-app\n"                                      /* 1 */
		"    match: { application: [ 4, s6a ] }\n"
		"    actions: [ { add: { avp: Class, value: r1 } } ]\n"
		"  - name: m-app-no\n"                                   /* 2 */
		"    match: { application: cx }\n"
		"    actions: [ { add: { avp: Class, value: r2 } } ]\n"
		"  - name: m-cmd-name\n"                                 /* 3 */
		"    match: { command: Session-Termination-Request }\n"
		"    actions: [ { add: { avp: Class, value: r3 } } ]\n"
		"  - name: m-cmd-code\n"                                 /* 4 */
		"    match: { command: 275, direction: any }\n"
		"    actions: [ { add: { avp: Class, value: r4 } } ]\n"
		"  - name: m-cmd-other\n"                                /* 5 */
		"    match: { command: Abort-Session }\n"
		"    actions: [ { add: { avp: Class, value: r5 } } ]\n"
		"  - name: m-from\n"                                     /* 6 */
		"    match: { from_peer: \"MME*.example\" }\n"
		"    actions: [ { add: { avp: Class, value: r6 } } ]\n"
		"  - name: m-from-no\n"                                  /* 7 */
		"    match: { from_peer: [ \"sgsn*\", \"hss*\" ] }\n"
		"    actions: [ { add: { avp: Class, value: r7 } } ]\n"
		"  - name: m-to\n"                                       /* 8: requests have no to_peer */
		"    match: { to_peer: \"*\" }\n"
		"    actions: [ { add: { avp: Class, value: r8 } } ]\n"
		"  - name: m-oh\n"                                       /* 9 */
		"    match: { origin_host: MME1.EXAMPLE, origin_realm: { suffix: .example } }\n"
		"    actions: [ { add: { avp: Class, value: r9 } } ]\n"
		"  - name: m-dr-regex\n"                                 /* 10 */
		"    match: { destination_realm: { regex: \"^home\\\\.\" } }\n"
		"    actions: [ { add: { avp: Class, value: r10 } } ]\n"
		"  - name: m-dh-absent\n"                                /* 11 */
		"    match: { destination_host: { present: false } }\n"
		"    actions: [ { add: { avp: Class, value: r11 } } ]\n"
		"  - name: m-dh-present\n"                               /* 12 */
		"    match: { destination_host: { present: true } }\n"
		"    actions: [ { add: { avp: Class, value: r12 } } ]\n"
		"  - name: m-avp-list\n"                                 /* 13 */
		"    match:\n"
		"      avp:\n"
		"        - { path: User-Name, prefix: \"00101\" }\n"
		"        - { path: Termination-Cause, exact: DIAMETER_LOGOUT }\n"
		"        - { path: Auth-Application-Id, glob: \"[0-9]\" }\n"
		"    actions: [ { add: { avp: Class, value: r13 } } ]\n"
		"  - name: m-avp-no\n"                                   /* 14 */
		"    match: { avp: { path: User-Name, prefix: \"00102\" } }\n"
		"    actions: [ { add: { avp: Class, value: r14 } } ]\n"
		"  - name: m-dir-ans\n"                                  /* 15 */
		"    match: { direction: answer }\n"
		"    actions: [ { add: { avp: Class, value: r15 } } ]\n"
		"  - name: m-oh-case\n"                                  /* 16: exact on non-identity */
		"    match: { avp: { path: User-Name, exact: \"001011234567890\" } }\n"
		"    actions: [ { add: { avp: Class, value: r16 } } ]\n");
	static const char *const want = "r0 r1 r3 r4 r6 r9 r10 r11 r13 r16";
	struct msg *m = xft_relayed(str_req());
	char got[256] = "";
	unsigned fired = 0;
	size_t n;

	if (!rs)
		return;
	CHECK_ERR(xft_apply(rs, m, "mme1.example", NULL, NULL, &fired), 0);
	n = xft_count(m, "Class");
	for (size_t i = 0; i < n; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", i ? " " : "",
		         xft_get(m, "Class", i));
	CHECK_STR(got, want);
	CHECK_INT(fired, ==, 10);
	fd_msg_free(m);

	/* the answer: direction, and to_peer known */
	m = sta_ans();
	CHECK_ERR(xft_apply(rs, m, "hss1.home.example", "mme1.example", NULL, &fired), 0);
	got[0] = '\0';
	n = xft_count(m, "Class");
	for (size_t i = 0; i < n; i++)
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", i ? " " : "",
		         xft_get(m, "Class", i));
	CHECK_STR(got, "r1 r4 r7 r8 r11 r15");
	fd_msg_free(m);
	xf_rules_unref(rs);
}

static void test_last_and_stats(void)
{
	struct xf_rules *rs = xft_load(
		"rules:\n"
		"  - name: first\n"
		"    last: true\n"
		"    match: { avp: { path: User-Name, present: true } }\n"
		"    actions: [ { set: { avp: Class, value: one } } ]\n"
		"  - name: second\n"
		"    actions: [ { set: { avp: Class, value: two } } ]\n");
	struct msg *m = str_req();
	unsigned fired = 0;

	if (!rs)
		return;
	CHECK_INT(xf_rules_count(rs), ==, 2);
	CHECK_STR(xf_rules_source(rs), "test.yaml");
	CHECK_ERR(xft_apply(rs, m, "mme1.example", NULL, NULL, &fired), 0);
	CHECK_INT(fired, ==, 1);
	CHECK_STR(xft_get(m, "Class", 0), "one");
	fd_msg_free(m);
	m = sta_ans();
	CHECK_ERR(xft_apply(rs, m, "hss", "mme", NULL, &fired), 0);
	CHECK_INT(fired, ==, 1);
	CHECK_STR(xft_get(m, "Class", 0), "two");
	fd_msg_free(m);
	xf_rules_stats(rs, NULL, NULL);     /* no callback: nothing to do */
	xf_rules_unref(rs);
}

static void stats_cb(void *data, const struct xf_rule_stats *s)
{
	uint64_t *h = data;
	h[s->index * 2] = s->hits;
	h[s->index * 2 + 1] = s->errors;
}

static struct msg *str_req_to(const char *realm, const char *user)
{
	struct msg *m = xft_msg(STR, 4);
	xft_add(m, "Origin-Host", "mme1.example");
	xft_add(m, "Origin-Realm", "visited.example");
	xft_add(m, "Destination-Realm", realm);
	xft_add(m, "Auth-Application-Id", "4");
	xft_add(m, "Termination-Cause", "1");
	xft_add(m, "User-Name", user);
	return m;
}

static void rewrites_cb(void *data, const struct xf_rule_stats *s)
{
	uint64_t *h = data;
	h[s->index * 3] = s->hits;
	h[s->index * 3 + 1] = s->rewrites;
	h[s->index * 3 + 2] = s->errors;
}

/* `rewrites` counts the messages a rule changed, not those it matched: a prefix_map whose
 * prefix is not there, a remove of an absent AVP, a failing action after a change. */
static void test_rewrites_counter(void)
{
	struct xf_rules *rs = xft_load(
		"rules:\n"
		"  - name: partner-imsi\n"
		"    match: { direction: request }\n"
		"    actions:\n"
		"      - prefix_map: { avp: User-Name, map: { \"99999\": \"00101\" } }\n"
		"  - name: drop-class\n"
		"    match: { direction: request }\n"
		"    actions:\n"
		"      - remove: { avp: Class }\n"
		"  - name: tag-then-fail\n"
		"    match: { direction: request, destination_realm: fail.example }\n"
		"    actions:\n"
		"      - add: { avp: Class, value: tagged }\n"
		"      - replace: { avp: Termination-Cause, regex: \".*\", with: \"x\" }\n");
	uint64_t h[9] = { 0 };
	struct msg *m;
	int i;

	if (!rs)
		return;
	for (i = 0; i < 3; i++) {          /* not a partner IMSI, no Class: nothing changes */
		m = str_req();
		CHECK_ERR(xft_apply(rs, m, "mme1.example", NULL, NULL, NULL), 0);
		fd_msg_free(m);
	}
	m = str_req_to("home.example", "999991234567890");
	xft_add(m, "Class", "x");
	CHECK_ERR(xft_apply(rs, m, "mme1.example", NULL, NULL, NULL), 0);
	CHECK_STR(xft_get(m, "User-Name", 0), "001011234567890");
	CHECK_INT(xft_count(m, "Class"), ==, 0);
	fd_msg_free(m);
	m = str_req_to("fail.example", "001011234567890");
	CHECK_ERR(xft_apply(rs, m, "mme1.example", NULL, NULL, NULL), EINVAL);
	CHECK_STR(xft_get(m, "Class", 0), "tagged");     /* the change before the failure stays */
	fd_msg_free(m);
	xf_rules_stats(rs, rewrites_cb, h);
	CHECK_UINT(h[0], ==, 5, "partner-imsi hits");
	CHECK_UINT(h[1], ==, 1, "partner-imsi rewrites: the one partner IMSI");
	CHECK_UINT(h[3], ==, 5, "drop-class hits");
	CHECK_UINT(h[4], ==, 1, "drop-class rewrites: the one message with a Class");
	CHECK_UINT(h[6], ==, 1, "tag-then-fail hits");
	CHECK_UINT(h[7], ==, 1, "tag-then-fail rewrites: its first action changed the message");
	CHECK_UINT(h[8], ==, 1, "tag-then-fail errors");
	xf_rules_unref(rs);
}

/* Failures at apply time: the message stays valid, the counter moves. */
static void test_apply_errors(void)
{
	struct xf_rules *rs = xft_load(
		"rules:\n"
		"  - name: grow\n"
		"    match: { direction: request }\n"
		"    actions:\n"
		"      - set: { avp: Class, value: before }\n"
		"      - replace: { avp: User-Name, regex: \"^(.*)$\", with: \"\\\\1\\\\1\\\\1\\\\1\\\\1\" }\n"
		"      - set: { avp: Class, value: after }\n"
		"  - name: notnum\n"
		"    match: { direction: answer }\n"
		"    actions:\n"
		"      - replace: { avp: Result-Code, regex: \"^2\", with: \"x\" }\n"
		"  - name: hide-no-state\n"
		"    match: { direction: answer }\n"
		"    actions:\n"
		"      - hide_host: { pseudo: \"h-{n}.example\" }\n");
	char big[600];
	struct msg *m = xft_msg(STR, 4), *r;
	uint64_t h[6] = { 0 };
	struct xf_trace *t = NULL;
	struct xf_ctx ctx = { .is_request = true, .from_peer = "mme" };

	if (!rs)
		return;
	memset(big, 'u', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	xft_add(m, "User-Name", big);
	CHECK_ERR(xf_trace_new(&t), 0);
	ctx.trace = t;
	CHECK_ERR(xf_apply(rs, m, &ctx, NULL), ENOSPC);
	CHECK_INT(xft_count(m, "User-Name"), ==, 1);
	CHECK_STR(xft_get(m, "User-Name", 0), big);            /* untouched */
	CHECK_STR(xft_get(m, "Class", 0), "before");           /* earlier action kept */
	r = xft_reparse(m);                                    /* still a valid message */
	fd_msg_free(r);
	CHECK_INT(xf_trace_count(t), ==, 3);
	CHECK_SUBSTR(xf_trace_line(t, 2), "failed");
	fd_msg_free(m);

	m = sta_ans();
	CHECK_ERR(xft_apply(rs, m, "hss", "mme", NULL, NULL), EINVAL);
	CHECK_STR(xft_get(m, "Result-Code", 0), "2001");
	fd_msg_free(m);
	xf_rules_stats(rs, stats_cb, h);
	CHECK_INT(h[0], ==, 1);
	CHECK_INT(h[1], ==, 1);
	CHECK_INT(h[2], ==, 1);
	CHECK_INT(h[3], ==, 1);
	CHECK_INT(h[4], ==, 0);
	CHECK_INT(h[5], ==, 0);
	xf_trace_free(t);
	xf_rules_unref(rs);

	/* hide_host without a state */
	rs = xft_load("rules:\n"
	              "  - name: hide-no-state\n"
	              "    actions:\n"
	              "      - hide_host: { pseudo: \"h-{n}.example\" }\n");
	m = str_req();
	CHECK_ERR(xft_apply(rs, m, "mme", NULL, NULL, NULL), ENOTSUP);
	CHECK_STR(xft_get(m, "Origin-Host", 0), "mme1.example");
	fd_msg_free(m);
	xf_rules_unref(rs);
}

static void test_trace(void)
{
	struct xf_rules *rs = xft_load(
		"rules:\n"
		"  - name: tr\n"
		"    actions:\n"
		"      - replace: { avp: User-Name, regex: \"^001\", with: \"999\" }\n"
		"      - remove: Termination-Cause\n"
		"      - set: { avp: Class, value: c }\n");
	struct xf_trace *t = NULL;
	struct xf_ctx ctx = { .is_request = true, .from_peer = "mme" };
	struct msg *m = str_req();
	FILE *f;
	char out[1024] = "";

	if (!rs)
		return;
	CHECK_ERR(xf_trace_new(&t), 0);
	ctx.trace = t;
	CHECK_ERR(xf_apply(rs, m, &ctx, NULL), 0);
	CHECK_INT(xf_trace_count(t), ==, 4);
	CHECK_STR(xf_trace_line(t, 0), "rule 'tr' (test.yaml:2) fired");
	CHECK_STR(xf_trace_line(t, 1), "  replace User-Name: '001011234567890' -> '999011234567890'");
	CHECK_STR(xf_trace_line(t, 2), "  remove Termination-Cause: '1'");
	CHECK_STR(xf_trace_line(t, 3), "  set Class: added 'c'");
	f = fmemopen(out, sizeof(out), "w");
	CHECK_ERR(xf_trace_print(t, f), 0);
	fclose(f);
	CHECK_SUBSTR(out, "fired\n  replace");
	xf_trace_reset(t);
	CHECK_INT(xf_trace_count(t), ==, 0);
	xf_trace_free(t);
	xf_trace_free(NULL);
	fd_msg_free(m);
	xf_rules_unref(rs);
}

/* Applies rs to m, which no rule matches: nothing fires and m encodes to the l1 octets b1. */
static void check_untouched(struct xf_rules *rs, struct msg *m, const uint8_t *b1, size_t l1,
                            const char *what)
{
	unsigned fired = 9;
	size_t l2 = 0;
	uint8_t *b2;

	CHECK_ERR(xft_apply(rs, m, "mme1.example", NULL, NULL, &fired), 0, "%s: applied", what);
	CHECK_UINT(fired, ==, 0, "%s: no rule fired", what);
	b2 = xft_buf(m, &l2);
	if (CHECK_UINT(l2, ==, l1, "%s: same length", what))
		CHECK_MEM(b2, b1, l1, "%s: byte for byte as it went in", what);
	free(b2);
}

/* A message no rule matches comes out byte for byte as it went in. */
static void test_untouched(void)
{
	struct xf_rules *rs = xft_load(
		"rules:\n"
		"  - name: other-cmd\n"
		"    match: { command: Abort-Session }\n"
		"    actions: [ { remove: User-Name } ]\n"
		"  - name: same-cmd-no-match\n"
		"    match: { command: Session-Termination, avp: { path: Proxy-Info/Proxy-Host, "
		"exact: nobody } }\n"
		"    actions: [ { remove: User-Name } ]\n"
		"  - name: answers-only\n"
		"    match: { direction: answer, origin_host: nobody }\n"
		"    actions: [ { remove: User-Name } ]\n");
	struct msg *m = str_req();
	struct avp *pi;
	uint8_t *b1;
	size_t l1 = 0;

	if (!rs)
		return;
	pi = xft_add(m, "Proxy-Info", NULL);
	xft_add(pi, "Proxy-Host", "p1.example");
	xft_add(pi, "Proxy-State", "s");
	xft_add(m, "Route-Record", "r.example");
	b1 = xft_buf(m, &l1);
	check_untouched(rs, m, b1, l1, "fully parsed");
	m = xft_relayed(m);
	check_untouched(rs, m, b1, l1, "relayed (lazily parsed)");
	fd_msg_free(m);
	free(b1);

	/* an empty rule set */
	xf_rules_unref(rs);
	rs = xft_load("");
	m = str_req();
	b1 = xft_buf(m, &l1);
	if (rs) {
		CHECK_INT(xf_rules_count(rs), ==, 0, "an empty file has no rule");
		check_untouched(rs, m, b1, l1, "empty rule set");
	}
	free(b1);
	fd_msg_free(m);
	xf_rules_unref(rs);
}

/* Reference counting: a holder keeps the set alive across a "reload". */
static void test_refcount(void)
{
	struct xf_rules *a = xft_load("rules:\n  - name: a\n    actions: [ { set: { avp: Class, "
	                              "value: a } } ]\n");
	struct xf_rules *cur = a, *held;
	struct msg *m = str_req();

	if (!a)
		return;
	held = cur;
	xf_rules_ref(held);                    /* a worker takes a reference */
	cur = xft_load("rules:\n  - name: b\n    actions: [ { set: { avp: Class, value: b } } ]\n");
	xf_rules_unref(a);                     /* the reloader drops the old set */
	CHECK_ERR(xft_apply(held, m, "mme", NULL, NULL, NULL), 0);   /* still valid */
	CHECK_STR(xft_get(m, "Class", 0), "a");
	xf_rules_unref(held);                  /* last reference: freed */
	CHECK_ERR(xft_apply(cur, m, "mme", NULL, NULL, NULL), 0);
	CHECK_STR(xft_get(m, "Class", 0), "b");
	xf_rules_unref(cur);
	xf_rules_unref(NULL);
	fd_msg_free(m);
}

/* 3GPP: TBCD MSISDN, S6a grouped paths. */
static void test_s6a(void)
{
	struct xf_rules *rs;
	struct msg *m, *r;
	struct avp *sd, *a[4];
	struct avp_hdr *h = NULL;
	uint8_t msisdn[] = { 0x33, 0x16, 0x32, 0x54, 0x76, 0xf8 };   /* 33612345678 */

	rs = xft_load(
		"rules:\n"
		"  - name: msisdn-fr\n"
		"    match:\n"
		"      application: s6a\n"
		"      command: Update-Location\n"
		"      direction: answer\n"
		"      avp: { path: \"Subscription-Data/MSISDN\", regex: \"^33\" }\n"
		"    actions:\n"
		"      - prefix_map: { avp: Subscription-Data/MSISDN, map: { \"336\": \"4477\", \"33\": \"44\" } }\n"
		"      - remove: { avp: \"Subscription-Data/APN-Configuration-Profile\" }\n"
		"      - add: { avp: \"Supported-Features/Feature-List\", value: 3 }\n"
		"      - copy: { from: Subscription-Data/MSISDN, to: Class }\n"
		"  - name: raw\n"
		"    match: { command: Update-Location-Answer }\n"
		"    actions:\n"
		"      - replace: { avp: Subscription-Data/MSISDN, tbcd: false, regex: \"^Z\", with: \"E\" }\n");
	if (!rs)
		return;
	m = xft_msg("Update-Location-Answer", 16777251);
	xft_add(m, "Result-Code", "2001");
	sd = xft_add(m, "Subscription-Data", NULL);
	xft_add_os(sd, "MSISDN", msisdn, sizeof(msisdn));
	xft_add(xft_add(sd, "APN-Configuration-Profile", NULL), "Context-Identifier", "1");
	m = xft_relayed(m);
	CHECK_ERR(xft_apply(rs, m, "hss1", "mme1", NULL, NULL), 0);
	r = xft_reparse(m);
	CHECK_INT(xft_find(r, "Subscription-Data/MSISDN", a, 4), ==, 1);
	fd_msg_avp_hdr(a[0], &h);
	/* 447712345678 */
	if (CHECK_INT(h->avp_value->os.len, ==, 6))
		CHECK_MEM(h->avp_value->os.data, "\x44\x77\x21\x43\x65\x87", 6);
	CHECK_INT(xft_count(r, "Subscription-Data/APN-Configuration-Profile"), ==, 0);
	CHECK_STR(xft_get(r, "Supported-Features/Feature-List", 0), "3");
	CHECK_STR(xft_get(r, "Class", 0), "447712345678");     /* TBCD decoded into text */
	fd_msg_free(r);
	fd_msg_free(m);

	/* a non-matching MSISDN: untouched */
	m = xft_msg("Update-Location-Answer", 16777251);
	sd = xft_add(m, "Subscription-Data", NULL);
	msisdn[0] = 0x44;
	xft_add_os(sd, "MSISDN", msisdn, sizeof(msisdn));
	CHECK_ERR(xft_apply(rs, m, "hss1", "mme1", NULL, NULL), 0);
	CHECK_INT(xft_find(m, "Subscription-Data/MSISDN", a, 4), ==, 1);
	fd_msg_avp_hdr(a[0], &h);
	CHECK_MEM(h->avp_value->os.data, msisdn, sizeof(msisdn));
	CHECK_INT(xft_count(m, "Class"), ==, 0);
	fd_msg_free(m);
	xf_rules_unref(rs);
}

int main(void)
{
	xft_init();
	test_set();
	test_replace_prefix_map();
	test_map_reverse();
	test_remove_add_grouped();
	test_copy_move();
	test_typed_values();
	test_matches();
	test_last_and_stats();
	test_apply_errors();
	test_rewrites_counter();
	test_trace();
	test_untouched();
	test_refcount();
	test_s6a();
	return tap_done();
}

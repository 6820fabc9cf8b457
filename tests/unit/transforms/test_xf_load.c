/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_xf_load.c: compiling rule files. Every problem of a broken file must be reported,
 * each line naming file, line and rule exactly; valid files load whatever their shape.
 */
#include "xft.h"

#include <unistd.h>

/* Load `yaml`, expect failure, and compare the error text with `want` line by line. */
static void expect_errors(const char *yaml, const char *const *want)
{
	struct xf_rules *rs = NULL;
	char err[8192];
	int ret = xf_rules_load_buf("bad.yaml", yaml, strlen(yaml), &rs, err, sizeof(err));
	char *save = NULL, *line;
	size_t i = 0;

	CHECK_ERR(ret, EINVAL);
	CHECK(rs == NULL);
	for (line = strtok_r(err, "\n", &save); line; line = strtok_r(NULL, "\n", &save), i++) {
		CHECK_STR(line, want[i], "error line %zu", i + 1);
		if (!want[i])
			return;     /* an extra line: reported above as wanting NULL */
	}
	for (; want[i]; i++)
		CHECK_STR(NULL, want[i], "error line %zu", i + 1);
}

static void test_all_errors(void)
{
	static const char yaml[] =
		"rules:\n"                                                              /* 1 */
		"  - name: unknown-avp\n"                                               /* 2 */
		"    actions:\n"                                                        /* 3 */
		"      - set: { avp: No-Such-AVP, value: x }\n"                         /* 4 */
		"      - remove: Proxy-Info/Nope\n"                                     /* 5 */
		"  - name: u32-text\n"                                                  /* 6 */
		"    actions:\n"                                                        /* 7 */
		"      - set: { avp: Auth-Application-Id, value: abc }\n"               /* 8 */
		"      - set: { avp: Termination-Cause, value: LOGOUT }\n"              /* 9 */
		"      - set: { avp: Host-IP-Address, value: 1.2.3 }\n"                 /* 10 */
		"      - add: { avp: Proxy-Info, value: x }\n"                          /* 11 */
		"  - name: bad-regex\n"                                                 /* 12 */
		"    match:\n"                                                          /* 13 */
		"      origin_host: { regex: \"(\" }\n"                                 /* 14 */
		"    actions:\n"                                                        /* 15 */
		"      - replace: { avp: User-Name, regex: \"^(a)\", with: \"\\\\2\" }\n"   /* 16 */
		"  - name: keys\n"                                                      /* 17 */
		"    match: { directoin: request, direction: sideways }\n"              /* 18 */
		"    colour: blue\n"                                                    /* 19 */
		"    actions:\n"                                                        /* 20 */
		"      - set: { avp: User-Name, value: x, vlaue: y }\n"                 /* 21 */
		"      - frobnicate: { avp: User-Name }\n"                              /* 22 */
		"  - name: types\n"                                                     /* 23 */
		"    match:\n"                                                          /* 24 */
		"      command: [ No-Such-Command ]\n"                                  /* 25 */
		"      application: nowhere\n"                                          /* 26 */
		"      from_peer: { a: b }\n"                                           /* 27 */
		"    last: maybe\n"                                                     /* 28 */
		"    actions: remove\n"                                                 /* 29 */
		"  - name: types\n"                                                     /* 30 */
		"    actions:\n"                                                        /* 31 */
		"      - remove: Session-Id\n"                                          /* 32 */
		"      - hide_host: { pseudo: \"hidden.example\" }\n"                   /* 33 */
		"      - map: { avp: Origin-Realm, reverse: true, table: { a: x, b: x } }\n" /* 34 */
		"  - actions:\n"                                                        /* 35 */
		"      - set: { avp: User-Name }\n"                                     /* 36 */
		"  - name: dir\n"                                                       /* 37 */
		"    match: { direction: answer, command: Session-Termination-Request }\n" /* 38 */
		"    actions: [ { copy: { from: User-Name, to: User-Name } } ]\n"       /* 39 */
		"other: 1\n";                                                           /* 40 */
	static const char *const want[] = {
		"bad.yaml:4: rule 'unknown-avp': unknown AVP 'No-Such-AVP'",
		"bad.yaml:5: rule 'unknown-avp': unknown AVP 'Nope'",
		"bad.yaml:8: rule 'u32-text': value 'abc' for 'Auth-Application-Id' (Unsigned32): "
		"not an Unsigned32",
		"bad.yaml:9: rule 'u32-text': value 'LOGOUT' for 'Termination-Cause' (Integer32): "
		"not an Integer32 or a known constant of its type",
		"bad.yaml:10: rule 'u32-text': value '1.2.3' for 'Host-IP-Address' (OctetString): "
		"not an IPv4 or IPv6 address",
		"bad.yaml:11: rule 'u32-text': 'Proxy-Info' is a Grouped AVP: it has no value to set "
		"or rewrite",
		"bad.yaml:14: rule 'bad-regex': bad regex '(': missing closing parenthesis at offset 1",
		"bad.yaml:16: rule 'bad-regex': 'with' refers to \\2 but the regex has 1 group",
		"bad.yaml:18: rule 'keys': unknown key 'directoin' in match (expected one of: direction, "
		"application, command, from_peer, to_peer, origin_host, origin_realm, destination_host, "
		"destination_realm, avp)",
		"bad.yaml:18: rule 'keys': direction must be request, answer or any, not 'sideways'",
		"bad.yaml:19: rule 'keys': unknown key 'colour' in rule (expected one of: name, "
		"description, match, actions, last)",
		"bad.yaml:21: rule 'keys': unknown key 'vlaue' in action 'set' (expected one of: avp, "
		"value, hex, if_present, tbcd)",
		"bad.yaml:22: rule 'keys': unknown action 'frobnicate' (set, add, replace, prefix_map, "
		"map, remove, copy, move, hide_host, unhide_host)",
		"bad.yaml:25: rule 'types': unknown command 'No-Such-Command' (a command code, or a "
		"dictionary name with or without -Request/-Answer)",
		"bad.yaml:26: rule 'types': unknown application 'nowhere' (a number, or base, s6a, s6d, "
		"s13, cx, sh, swx, swm, s6b, gx, rx, gy, ro, s6t, slh, slg, sgd, s6c, relay)",
		"bad.yaml:27: rule 'types': 'from_peer' must be a scalar or a non-empty list",
		"bad.yaml:28: rule 'types': 'last' must be true or false, not 'maybe'",
		"bad.yaml:29: rule 'types': 'actions' must be a non-empty list",
		"bad.yaml:30: rule 'types': duplicate rule name (first at line 23)",
		"bad.yaml:32: rule 'types': Session-Id cannot be modified",
		"bad.yaml:33: rule 'types': pseudo 'hidden.example' must contain {enc}, {n} or {hash}",
		"bad.yaml:34: rule 'types': 'table': 'x' appears twice among the values (reverse: true)",
		"bad.yaml:35: rule '#7': missing or empty 'name'",
		"bad.yaml:36: rule '#7': give exactly one of 'value' or 'hex'",
		"bad.yaml:38: rule 'dir': command never matches direction answer",
		"bad.yaml:39: rule 'dir': 'from' and 'to' are the same AVP",
		"bad.yaml:40: unknown key 'other' in the rule file (expected one of: rules, limits)",
		NULL,
	};

	expect_errors(yaml, want);
}

static void test_single_errors(void)
{
	static const char *const w1[] = {
		"bad.yaml:1: a rule file is a map with a 'rules' list, not a list", NULL };
	static const char *const w2[] = { "bad.yaml:1: 'rules' must be a list, not a map", NULL };
	static const char *const w3[] = {
		"bad.yaml:4: rule 'x': 'match' must be a map, not a scalar", NULL };
	static const char *const w4[] = {
		"bad.yaml:5: rule 'x': each action must be a map with one key (set, add, replace, "
		"prefix_map, map, remove, copy, move, hide_host, unhide_host)", NULL };
	static const char *const w5[] = {
		"bad.yaml:4: rule 'x': 'map': '12x' is not a TBCD number for 'MSISDN'",
		"bad.yaml:5: rule 'x': 'tbcd': true needs an OctetString AVP, 'Result-Code' is "
		"Unsigned32", NULL };
	static const char *const w7[] = {
		"bad.yaml:4: rule 'x': Session-Id cannot be modified",
		"bad.yaml:5: rule 'x': Session-Id cannot be modified", NULL };
	static const char *const w8[] = {
		"bad.yaml:4: rule 'x': pseudo template can render up to 322 characters (at most 255)",
		NULL };
	static const char *const w6[] = {
		"bad.yaml:3: rule 'x': 'Origin-Host' in path 'Origin-Host/User-Name' is not a Grouped AVP",
		NULL };

	expect_errors("- a\n- b\n", w1);
	expect_errors("rules: { a: b }\n", w2);
	expect_errors("rules:\n  - name: x\n    actions: [ remove: User-Name ]\n    match: request\n",
	              w3);
	expect_errors("rules:\n  - name: x\n    actions:\n      - remove: User-Name\n"
	              "      - { set: { avp: Class, value: a }, add: { avp: Class, value: b } }\n", w4);
	expect_errors("rules:\n  - name: x\n    actions:\n"
	              "      - prefix_map: { avp: MSISDN, map: { \"12x\": \"33\" } }\n"
	              "      - replace: { avp: Result-Code, tbcd: true, regex: a, with: b }\n", w5);
	expect_errors("rules:\n  - name: x\n    actions: [ { remove: Origin-Host/User-Name } ]\n", w6);
	expect_errors("rules:\n  - name: x\n    actions:\n      - add: { avp: Session-Id, value: a }\n"
	              "      - copy: { from: User-Name, to: Session-Id }\n", w7);
	/* 20 {hash} tokens are 120 characters of template but render 320 (+ ".x"). */
	expect_errors("rules:\n  - name: x\n    actions:\n"
	              "      - hide_host: { pseudo: \"{hash}{hash}{hash}{hash}{hash}{hash}{hash}{hash}"
	              "{hash}{hash}{hash}{hash}{hash}{hash}{hash}{hash}{hash}{hash}{hash}{hash}.x\" }\n",
	              w8);
}

static void test_err_buffer(void)
{
	struct xf_rules *rs = NULL;
	char small[20];
	const char *y = "rules:\n  - name: x\n    actions: [ { remove: Nope } ]\n";

	CHECK_ERR(xf_rules_load_buf("b.yaml", y, strlen(y), &rs, small, sizeof(small)), EINVAL);
	CHECK_INT(strlen(small), ==, sizeof(small) - 1);
	CHECK(!strncmp(small, "b.yaml:3: rule 'x'", 18), "truncated error keeps its head: %s",
	      small);
	CHECK_ERR(xf_rules_load_buf("b.yaml", y, strlen(y), &rs, NULL, 0), EINVAL);
	CHECK(rs == NULL);
	/* YAML syntax errors come from the YAML loader, with a column */
	y = "rules:\n  - name: [x\n";
	CHECK_ERR(xf_rules_load_buf("s.yaml", y, strlen(y), &rs, small, sizeof(small)), EINVAL);
	CHECK(!strncmp(small, "s.yaml:", 7), "truncated error keeps the file name: %s", small);
}

static void test_file(void)
{
	char path[] = "/tmp/xf_rules_XXXXXX";
	const char *y = "rules:\n  - name: f\n    actions:\n      - set: { avp: Class, value: 1 }\n"
	                "      - set: { avp: Result-Code, value: one }\n";
	struct xf_rules *rs = NULL;
	char err[512], want[600];
	int fd = mkstemp(path);

	CHECK_INT(fd, >=, 0);
	if (fd < 0)
		return;
	CHECK_INT(write(fd, y, strlen(y)), ==, (ssize_t)strlen(y));
	close(fd);
	CHECK_ERR(xf_rules_load(path, &rs, err, sizeof(err)), EINVAL);
	snprintf(want, sizeof(want), "%s:5: rule 'f': value 'one' for 'Result-Code' (Unsigned32): "
	         "not an Unsigned32", path);
	CHECK_STR(err, want);
	unlink(path);
	CHECK_ERR(xf_rules_load(path, &rs, err, sizeof(err)), ENOENT);
	CHECK(rs == NULL);
}

/* Shapes a valid file may take. */
static void test_valid(void)
{
	static const char *const ok[] = {
		"",
		"# only a comment\n",
		"rules:\n",
		"rules: []\n",
		"rules:\n"
		"  - name: full\n"
		"    description: every match key\n"
		"    last: false\n"
		"    match:\n"
		"      direction: any\n"
		"      application: [ base, 4, \"16777251\" ]\n"
		"      command: [ Session-Termination, Abort-Session-Request, 258 ]\n"
		"      from_peer: \"*.example\"\n"
		"      to_peer: [ a, b ]\n"
		"      origin_host: { glob: \"mme*\" }\n"
		"      origin_realm: { prefix: epc }\n"
		"      destination_host: { present: true }\n"
		"      destination_realm: { suffix: .org }\n"
		"      avp: { path: Proxy-Info/Proxy-Host, exact: x }\n"
		"    actions:\n"
		"      - set: { avp: Proxy-Info/Proxy-State, value: s }\n"
		"      - add: { avp: Class, hex: \"\" }\n"
		"      - replace: { avp: User-Name, regex: \"^(a)(b)?\", with: \"\\\\2\\\\1\" }\n"
		"      - prefix_map: { avp: User-Name, map: { \"1\": \"2\" } }\n"
		"      - map: { avp: Result-Code, table: { 3002: 5012 } }\n"
		"      - remove: { avp: Proxy-Info }\n"
		"      - copy: { from: User-Name, to: Class }\n"
		"      - move: { from: Class, to: User-Name }\n"
		"      - hide_host: { pseudo: \"{hash}.h.example\", secret: s3, route_record: true }\n"
		"      - unhide_host: Destination-Host\n"
		"      - unhide_host: { avp: Route-Record }\n",
		NULL,
	};

	for (size_t i = 0; ok[i]; i++) {
		struct xf_rules *rs = xft_load(ok[i]);     /* checks that it loads */

		if (rs)
			CHECK_UINT(xf_rules_count(rs), ==, i == 4 ? 1u : 0u,
			           "valid file %zu: rules", i);
		xf_rules_unref(rs);
	}
}

int main(void)
{
	xft_init();
	test_all_errors();
	test_single_errors();
	test_err_buffer();
	test_file();
	test_valid();
	return tap_done();
}

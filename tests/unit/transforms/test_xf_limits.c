/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_xf_limits.c: the bounded costs of the rule engine. A regex that backtracks without
 * end on a value a peer chose stops at its match limit (the rule errors with XF_ELIMIT,
 * counted) instead of holding a routing thread; a regex whose compilation would explode is
 * refused at load with file and line; the constructs POSIX ERE and PCRE2 read differently
 * are refused; one message cannot run more rule steps or regexes than the rule file's
 * `limits:` allow. Times are printed; the bounds asserted are generous (a shared 2-core
 * machine), far below what the unbounded engine took (over 20 s for each of the two
 * regexes below).
 */
#include "xft.h"

#include <time.h>

static double xft_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static struct msg *req_user(const char *user)
{
	struct msg *m = xft_msg("Session-Termination-Request", 4);
	xft_add(m, "Origin-Host", "mme1.example");
	xft_add(m, "Origin-Realm", "example");
	xft_add(m, "Destination-Realm", "home.example");
	xft_add(m, "User-Name", user);
	return xft_relayed(m);
}

struct counts {
	uint64_t hits, errors, limits;
};

static void count_cb(void *data, const struct xf_rule_stats *s)
{
	struct counts *c = data;
	c[s->index].hits = s->hits;
	c[s->index].errors = s->errors;
	c[s->index].limits = s->limits;
}

/* Load `yaml`, expect failure with exactly the error line `want`, in under `max_s`. */
static void expect_refused(const char *yaml, const char *want, double max_s)
{
	struct xf_rules *rs = NULL;
	char err[4096];
	double t0 = xft_now(), dt;
	int ret = xf_rules_load_buf("bad.yaml", yaml, strlen(yaml), &rs, err, sizeof(err));

	dt = xft_now() - t0;
	CHECK_ERR(ret, EINVAL, "refused: %.60s", want);
	CHECK(rs == NULL, "no rule set returned");
	if (ret == 0)
		xf_rules_unref(rs);
	else
		CHECK_STR(err, want, "the error line");
	CHECK(dt <= max_s, "refused in %.3f s (at most %.1f s)", dt, max_s);
}

/* The regex, and one PCRE2 cannot short-cut (no required last character). */
static void test_backtracking(void)
{
	static const char *const pats[] = {
		"(a*)(a*)(a*)\\\\1\\\\2\\\\3b", "(a*)(a*)(a*)\\\\1\\\\2\\\\3[bc]", "^(a|aa)+$",
	};
	char user[256], yaml[1024];

	memset(user, 'a', 200);
	user[200] = '\0';
	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		struct counts c[2];
		struct xf_rules *rs;
		struct msg *m;
		double t0, dt;
		char shown[64];
		int ret;

		snprintf(yaml, sizeof(yaml),
		         "rules:\n"
		         "  - name: evil\n"
		         "    match: { avp: { path: User-Name, regex: \"%s\" } }\n"
		         "    actions: [ { set: { avp: Class, value: matched } } ]\n"
		         "  - name: after\n"
		         "    actions: [ { set: { avp: Class, value: after } } ]\n", pats[i]);
		if (!(rs = xft_load(yaml)))
			continue;
		/* the last one gets a 'b' so that it cannot match either */
		if (i == 2)
			user[199] = 'b';
		m = req_user(user);
		t0 = xft_now();
		ret = xft_apply(rs, m, "mme1.example", NULL, NULL, NULL);
		dt = xft_now() - t0;
		{
			/* the pattern itself, without the YAML escaping */
			size_t o = 0;
			for (const char *p = pats[i]; *p && o < sizeof(shown) - 1; p++) {
				if (p[0] == '\\' && p[1] == '\\')
					p++;
				shown[o++] = *p;
			}
			shown[o] = '\0';
		}
		tap_note("regex %-28s on a 200-character User-Name: %.3f ms, result %s", shown,
		         dt * 1e3, ret == XF_ELIMIT ? "limit reached" : ret ? strerror(ret) : "no match");
		CHECK(dt < 2.0, "%s: stopped in %.3f s (the unbounded engine took over 20 s)", shown,
		      dt);
		memset(c, 0, sizeof(c));
		xf_rules_stats(rs, count_cb, c);
		if (i == 0) {
			/* PCRE2 sees that a 'b' is required and finds none */
			CHECK_ERR(ret, 0, "%s: no match, no error", shown);
			CHECK_STR(xft_get(m, "Class", 0), "after", "%s: the next rule ran", shown);
			CHECK_UINT(c[0].errors, ==, 0, "%s: no error counted", shown);
			CHECK_UINT(c[0].limits, ==, 0, "%s: no limit counted", shown);
		} else {
			/* the limit is an error of the rule: nothing after it ran */
			CHECK_ERR(ret, XF_ELIMIT, "%s: the match limit is reached", shown);
			CHECK_UINT(xft_count(m, "Class"), ==, 0, "%s: nothing after it ran", shown);
			CHECK_UINT(c[0].errors, ==, 1, "%s: an error of the rule", shown);
			CHECK_UINT(c[0].limits, ==, 1, "%s: counted as a limit", shown);
			CHECK_UINT(c[0].hits, ==, 0, "%s: not a hit", shown);
			CHECK_UINT(c[1].hits, ==, 0, "%s: the next rule did not run", shown);
		}
		fd_msg_free(m);
		xf_rules_unref(rs);
	}

	/* the same on a replace */
	{
		struct xf_rules *rs = xft_load(
			"rules:\n"
			"  - name: r\n"
			"    actions:\n"
			"      - replace: { avp: User-Name, regex: \"^(a|aa)+$\", with: x }\n");
		struct msg *m;
		struct counts c[1];

		if (rs) {
			m = req_user(user);
			CHECK_ERR(xft_apply(rs, m, "mme1.example", NULL, NULL, NULL), XF_ELIMIT,
			          "replace with ^(a|aa)+$ reaches the limit");
			CHECK_STR(xft_get(m, "User-Name", 0), user, "User-Name left as it was");
			xf_rules_stats(rs, count_cb, c);
			CHECK_UINT(c[0].errors, ==, 1, "replace: an error of the rule");
			CHECK_UINT(c[0].limits, ==, 1, "replace: counted as a limit");
			fd_msg_free(m);
			xf_rules_unref(rs);
		}
	}
	/* a lower limit from the file applies; a higher one lets a long legitimate pattern
	 * through */
	{
		struct xf_rules *lo = xft_load(
			"limits: { regex_match: 100 }\n"
			"rules:\n"
			"  - name: r\n"
			"    match: { avp: { path: User-Name, regex: \"^([a-z]+\\\\.)+org$\" } }\n"
			"    actions: [ { set: { avp: Class, value: m } } ]\n");
		char host[1024];
		struct msg *m;
		size_t o = 0;

		for (int k = 0; k < 300; k++)
			o += (size_t)snprintf(host + o, sizeof(host) - o, "a.");
		snprintf(host + o, sizeof(host) - o, "org");
		if (lo) {
			m = req_user(host);
			CHECK_ERR(xft_apply(lo, m, "mme1.example", NULL, NULL, NULL), XF_ELIMIT,
			          "limits.regex_match 100 stops a 600-character host name");
			fd_msg_free(m);
			xf_rules_unref(lo);
		}
		lo = xft_load(
			"rules:\n"
			"  - name: r\n"
			"    match: { avp: { path: User-Name, regex: \"^([a-z]+\\\\.)+org$\" } }\n"
			"    actions: [ { set: { avp: Class, value: m } } ]\n");
		if (lo) {
			m = req_user(host);
			CHECK_ERR(xft_apply(lo, m, "mme1.example", NULL, NULL, NULL), 0,
			          "the default match limit lets it through");
			CHECK_STR(xft_get(m, "Class", 0), "m", "and it matches");
			fd_msg_free(m);
			xf_rules_unref(lo);
		}
	}
}

static void test_compile_bounds(void)
{
	char yaml[8192], want[512], pat[2100];

	/* glibc took 22 s and 1.8 GB on this one */
	expect_refused("rules:\n"
	               "  - name: ok\n"
	               "    actions: [ { remove: Class } ]\n"
	               "  - name: nested\n"
	               "    match: { origin_host: { regex: \"((a{1,100}){1,100}){1,100}\" } }\n"
	               "    actions: [ { remove: Class } ]\n",
	               "bad.yaml:5: rule 'nested': bad regex '((a{1,100}){1,100}){1,100}': regular "
	               "expression is too large at offset 26", 2.0);
	/* nesting */
	memset(pat, '(', 40);
	pat[40] = 'a';
	memset(pat + 41, ')', 40);
	pat[81] = '\0';
	snprintf(yaml, sizeof(yaml), "rules:\n  - name: deep\n"
	         "    actions: [ { replace: { avp: User-Name, regex: \"%s\", with: x } } ]\n", pat);
	snprintf(want, sizeof(want), "bad.yaml:3: rule 'deep': bad regex '%.80s...': parentheses are "
	         "too deeply nested at offset 33", pat);
	expect_refused(yaml, want, 2.0);
	/* length: over the default, then allowed by limits.regex_length */
	memset(pat, 'a', 2000);
	pat[2000] = '\0';
	snprintf(yaml, sizeof(yaml), "rules:\n  - name: long\n"
	         "    match: { origin_host: { regex: \"%s\" } }\n"
	         "    actions: [ { remove: Class } ]\n", pat);
	snprintf(want, sizeof(want), "bad.yaml:3: rule 'long': bad regex '%.80s...': regex is 2000 "
	         "characters long, more than limits.regex_length (1024)", pat);
	expect_refused(yaml, want, 2.0);
	snprintf(yaml, sizeof(yaml), "limits: { regex_length: 4096 }\nrules:\n  - name: long\n"
	         "    match: { origin_host: { regex: \"%s\" } }\n"
	         "    actions: [ { remove: Class } ]\n", pat);
	xf_rules_unref(xft_load(yaml));
	/* the limits section itself */
	expect_refused("limits: { regex_match: 5 }\nrules: []\n",
	               "bad.yaml:1: limits.regex_match must be a number from 100 to 10000000, not '5'",
	               2.0);
	expect_refused("limits:\n  message_step: 5\nrules: []\n",
	               "bad.yaml:2: unknown key 'message_step' in limits (expected one of: regex_match, "
	               "regex_length, message_steps, message_regex)", 2.0);
	expect_refused("limits: [ 1 ]\nrules: []\n", "bad.yaml:1: 'limits' must be a map, not a list",
	               2.0);
}

/* What glibc's POSIX regexes read one way and PCRE2 another is refused, with the fix. */
static void test_posix_compat(void)
{
	static const struct {
		const char *re, *why;
	} bad[] = {
		{ "^\\\\d+$", "'\\d' was the plain character 'd' in the POSIX regexes of earlier versions "
		              "and is an escape in PCRE2; write 'd', or a bracket expression such as [0-9] "
		              "for a class" },
		{ "a\\\\<b", "'\\<' was a GNU anchor in the POSIX regexes of earlier versions and is a "
		             "plain '<' in PCRE2; use \\b, ^ or $" },
		{ "^[\\\\.a]$", "a backslash inside [...] was a plain backslash in the POSIX regexes of "
		                "earlier versions and starts an escape in PCRE2; write \\\\ for a "
		                "backslash, or list the characters" },
		{ "^a*+b", "'+' after a quantifier repeated the repetition in POSIX and makes it lazy or "
		           "possessive in PCRE2; group it: (a*)+" },
		{ "^a+?", "'?' after a quantifier repeated the repetition in POSIX and makes it lazy or "
		          "possessive in PCRE2; group it: (a*)?" },
		{ "^a{2}?", "'?' after a quantifier repeated the repetition in POSIX and makes it lazy or "
		            "possessive in PCRE2; group it: (a*)?" },
		{ "^a{,3}$", "'{,n}' was {0,n} in the POSIX regexes of earlier versions and is literal "
		             "text in PCRE2; write {0,n}" },
		{ "^(a)\\\\10$", "'\\10' is back-reference \\1 then '0' in POSIX but may be \\10 in PCRE2; "
		                 "write (?:\\1)0" },
	};
	char yaml[1024], want[1024];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char shown[64];
		size_t o = 0;

		/* the pattern as the file holds it (YAML unescaped) */
		for (const char *p = bad[i].re; *p; p++) {
			if (p[0] == '\\' && p[1] == '\\')
				p++;
			shown[o++] = *p;
		}
		shown[o] = '\0';
		snprintf(yaml, sizeof(yaml), "rules:\n  - name: p%zu\n"
		         "    match: { avp: { path: User-Name, regex: \"%s\" } }\n"
		         "    actions: [ { remove: Class } ]\n", i, bad[i].re);
		snprintf(want, sizeof(want), "bad.yaml:3: rule 'p%zu': bad regex '%s': %s", i, shown,
		         bad[i].why);
		expect_refused(yaml, want, 2.0);
	}
}

/* The POSIX meaning kept, PCRE2's additions usable, captures and case as documented. */
static void test_semantics(void)
{
	static const struct {
		const char *re;
		const char *value;
		size_t len;
		bool match;
	} cases[] = {
		{ "^a.b$", "a\nb", 3, true },            /* . matches a newline, as in POSIX */
		{ "^ab$", "ab\n", 3, false },            /* $ is the very end, as in POSIX */
		{ "^a.b$", "a\0b", 3, true },            /* the whole value, NUL included */
		{ "b$", "a\0b", 3, true },
		{ "^(?:ab)+$", "abab", 4, true },        /* PCRE2 additions POSIX refused */
		{ "^(?i)AB$", "ab", 2, true },
		{ "^[[:digit:]]{5}\\\\w*$", "00101x_1", 8, true },
		{ "^(a)b\\\\1$", "aba", 3, true },       /* back-references */
		{ "^[\\\\\\\\]$", "\\", 1, true },       /* [\\] is a backslash in both */
		{ "^[]a]+$", "a]a", 3, true },
		{ "00101", "x001011", 7, true },         /* unanchored: somewhere */
		{ "^00101", "x001011", 7, false },
	};
	char yaml[1024];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct xf_rules *rs;
		struct msg *m;

		snprintf(yaml, sizeof(yaml), "rules:\n  - name: s\n"
		         "    match: { avp: { path: User-Name, regex: \"%s\" } }\n"
		         "    actions: [ { set: { avp: Class, value: m } } ]\n", cases[i].re);
		if (!(rs = xft_load(yaml)))
			continue;
		m = xft_msg("Session-Termination-Request", 4);
		xft_add_os(m, "User-Name", (const uint8_t *)cases[i].value, cases[i].len);
		m = xft_relayed(m);
		CHECK_ERR(xft_apply(rs, m, "mme1.example", NULL, NULL, NULL), 0, "regex %s applies",
		          cases[i].re);
		CHECK_UINT(xft_count(m, "Class"), ==, cases[i].match ? 1u : 0u, "regex %s: %s",
		           cases[i].re, cases[i].match ? "a match" : "no match");
		fd_msg_free(m);
		xf_rules_unref(rs);
	}

	/* replace: groups, \0, an unset group, and host names compared without case */
	{
		struct xf_rules *rs = xft_load(
			"rules:\n"
			"  - name: r\n"
			"    actions:\n"
			"      - replace: { avp: User-Name, regex: \"^(001)(01)(x)?(.*)$\", "
			"with: \"[\\\\0]\\\\2\\\\1\\\\3-\\\\4\\\\\\\\\" }\n"
			"      - replace: { avp: Origin-Host, regex: \"^MME([0-9])\\\\.\", with: \"m\\\\1-\" }\n");
		struct msg *m;

		if (rs) {
			m = req_user("001011234");
			CHECK_ERR(xft_apply(rs, m, "mme1.example", NULL, NULL, NULL), 0, "replace applies");
			CHECK_STR(xft_get(m, "User-Name", 0), "[001011234]01001-1234\\",
			          "\\0, \\1, \\2, an unset \\3, \\4 and \\\\ in with:");
			CHECK_STR(xft_get(m, "Origin-Host", 0), "m1-example",
			          "a host name matched without case");
			fd_msg_free(m);
			xf_rules_unref(rs);
		}
	}
}

/* One message cannot cost more than the budget, however many AVPs it carries. */
static void test_budget(void)
{
	struct xf_rules *rs;
	struct counts c[2];
	struct msg *m;
	double t0, dt;
	int ret;

	/* 3000 Class AVPs, each run through a regex: stops at message_regex (default 32) */
	rs = xft_load("rules:\n"
	              "  - name: many\n"
	              "    match: { avp: { path: Class, regex: \"^zz\" } }\n"
	              "    actions: [ { remove: Class } ]\n");
	if (!rs)
		return;
	m = xft_msg("Session-Termination-Request", 4);
	for (int i = 0; i < 3000; i++)
		xft_add(m, "Class", "value-that-does-not-match");
	m = xft_relayed(m);
	t0 = xft_now();
	ret = xft_apply(rs, m, "p", NULL, NULL, NULL);
	dt = xft_now() - t0;
	tap_note("3000 AVPs through a regex condition: %.3f ms, result %s", dt * 1e3,
	         ret == XF_ELIMIT ? "budget reached" : strerror(ret));
	CHECK_ERR(ret, XF_ELIMIT, "3000 AVPs through a regex: message_regex reached");
	xf_rules_stats(rs, count_cb, c);
	CHECK_UINT(c[0].limits, ==, 1, "counted as a limit");
	CHECK_UINT(c[0].errors, ==, 1, "an error of the rule");
	/* a message within the budget is evaluated as before */
	{
		struct msg *small = req_user("001011234");
		xft_add(small, "Class", "zz-top");
		CHECK_ERR(xft_apply(rs, small, "p", NULL, NULL, NULL), 0, "a small message applies");
		CHECK_UINT(xft_count(small, "Class"), ==, 0, "and its Class is removed");
		fd_msg_free(small);
	}
	xf_rules_unref(rs);

	/* steps: AVPs examined by conditions and actions, rules and actions run */
	rs = xft_load("limits: { message_steps: 1000 }\n"
	              "rules:\n"
	              "  - name: walk\n"
	              "    match: { avp: { path: Class, exact: nothing } }\n"
	              "    actions: [ { remove: Class } ]\n");
	if (rs) {
		CHECK_ERR(xft_apply(rs, m, "p", NULL, NULL, NULL), XF_ELIMIT,
		          "3000 AVPs examined: message_steps 1000 reached");
		xf_rules_unref(rs);
	}
	rs = xft_load("limits: { message_steps: 10000 }\n"
	              "rules:\n"
	              "  - name: walk\n"
	              "    match: { avp: { path: Class, exact: nothing } }\n"
	              "    actions: [ { remove: Class } ]\n");
	if (rs) {
		CHECK_ERR(xft_apply(rs, m, "p", NULL, NULL, NULL), 0,
		          "3000 AVPs examined within message_steps 10000");
		xf_rules_unref(rs);
	}
	/* rules themselves: 20 rules with a budget of 16 steps */
	{
		char yaml[4096];
		size_t o = (size_t)snprintf(yaml, sizeof(yaml), "limits: { message_steps: 16 }\nrules:\n");
		for (int i = 0; i < 20; i++)
			o += (size_t)snprintf(yaml + o, sizeof(yaml) - o,
			                      "  - name: r%d\n    match: { from_peer: nobody }\n"
			                      "    actions: [ { remove: Class } ]\n", i);
		rs = xft_load(yaml);
		if (rs) {
			struct msg *small = req_user("001011234");
			CHECK_ERR(xft_apply(rs, small, "p", NULL, NULL, NULL), XF_ELIMIT,
			          "20 rules with message_steps 16");
			fd_msg_free(small);
			xf_rules_unref(rs);
		}
	}
	fd_msg_free(m);
}

int main(void)
{
	xft_init();
	test_backtracking();
	test_compile_bounds();
	test_posix_compat();
	test_semantics();
	test_budget();
	return tap_done();
}

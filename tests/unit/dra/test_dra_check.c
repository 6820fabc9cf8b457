/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_dra_check.c: `dra --check` as a library call (dra/check.c): the shipped example
 * checks clean; a broken configuration and rule file report every problem with file, line
 * and name; group members that can never connect are warned about without failing.
 */
#include "dra.h"
#include "dict.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char tmpdir[] = "/tmp/dra-check-XXXXXX";

static const char *write_file(const char *name, const char *text)
{
	static char path[4][512];
	static int next;
	char *p = path[next++ % 4];
	FILE *f;

	snprintf(p, sizeof(path[0]), "%s/%s", tmpdir, name);
	if (!(f = fopen(p, "w")))
		tap_bail("%s: %s", p, strerror(errno));
	fputs(text, f);
	fclose(f);
	return p;
}

/* dra_check's output for path, and its return code. */
static char *check(const char *path, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		tap_bail("open_memstream: %s", strerror(errno));
	*rc = dra_check(path, f);
	fclose(f);
	return buf;
}

/* The output names path then rest (e.g. ":7: peer group ..."). */
static bool has(const char *text, const char *path, const char *rest)
{
	char want[1024];

	snprintf(want, sizeof(want), "%s%s", path ? path : "", rest);
	return CHECK_SUBSTR(text, want, "reported: ...%s", rest);
}

static void test_example(void)
{
	const char *src = getenv("DCORE_SRCDIR");
	char path[4096];
	char *out;
	int rc;

	snprintf(path, sizeof(path), "%s/config/dra/dra.yaml", src ? src : ".");
	out = check(path, &rc);
	CHECK_ERR(rc, 0, "config/dra/dra.yaml checks clean");
	CHECK_STR(out, "", "and says nothing");
	free(out);
}

static void test_broken(void)
{
	const char *cfg, *rules;
	char *out;
	int rc;

	rules = write_file("bad-rules.yaml",
		"rules:\n"
		"  - name: bad-avp\n"
		"    actions:\n"
		"      - set: { avp: No-Such-AVP, value: x }\n"           /* 4 */
		"  - name: bad-action\n"
		"    actions:\n"
		"      - frobnicate: { avp: User-Name }\n");              /* 7 */
	cfg = write_file("bad.yaml",
		"diameter:\n"
		"  identity: dra.test\n"
		"  realm: dra.realm\n"
		"  port: 99999\n"                                         /* 4 */
		"rules: bad-rules.yaml\n"
		"peer_groups:\n"
		"  - { name: g1, policy: sticky, peers: [a] }\n"          /* 7 */
		"routes:\n"
		"  - { name: r1, match: { realm: a }, group: nosuch }\n"  /* 9 */
		"  - { name: r2, match: { app: nosuchapp }, group: g1 }\n"
		"  - { name: r3, match: { imsi: \"9-10\" }, group: g1 }\n");
	out = check(cfg, &rc);
	CHECK_ERR(rc, EINVAL, "a broken configuration fails the check");
	has(out, cfg, ":4: key 'diameter.port'");
	has(out, cfg, ":7: peer group 'g1': key 'policy'");
	has(out, cfg, ":9: route 'r1': unknown peer group 'nosuch'");
	has(out, cfg, ":10: route 'r2': key 'app': unknown application 'nosuchapp'");
	has(out, cfg, ":11: route 'r3': key 'imsi'");
	has(out, rules, ":4: rule 'bad-avp'");
	has(out, rules, ":7: rule 'bad-action'");
	CHECK(out && !strstr(out, "\n\n"), "one problem a line, no empty line: %s", out);
	free(out);

	/* Routes fine, only the rule file broken: still a failure. */
	cfg = write_file("rules-only.yaml",
		"diameter: { identity: d.t, realm: t, peers: [ { host: a } ] }\n"
		"rules: bad-rules.yaml\n"
		"peer_groups: [ { name: g, peers: [a] } ]\n"
		"routes: [ { name: r, group: g } ]\n");
	out = check(cfg, &rc);
	CHECK_ERR(rc, EINVAL, "only the rule file broken: still a failure");
	has(out, rules, ":4: rule 'bad-avp'");
	free(out);

	/* A missing file. */
	out = check("/nonexistent/dra.yaml", &rc);
	CHECK(rc != 0, "a missing file fails the check (%s)", strerror(rc));
	has(out, "/nonexistent/dra.yaml", "");
	free(out);
}

static void test_warnings(void)
{
	struct dra_cfg cfg;
	char err[4096];
	const char *path;
	char *out = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	path = write_file("warn.yaml",
		"diameter:\n"
		"  identity: d.t\n"
		"  realm: t\n"
		"  accept_peers: [\"*.ok\"]\n"
		"  peers: [ { host: Known.Example } ]\n"
		"peer_groups:\n"
		"  - { name: g, peers: [a.ok, b.bad, known.example] }\n"   /* 7 */
		"  - { name: h, peers: [c.bad] }\n"                        /* 8 */
		"routes: [ { name: r, group: g }, { name: s, match: { realm: x }, group: h } ]\n");
	out = check(path, &rc);
	CHECK_ERR(rc, 0, "warnings do not fail the check");
	has(out, path, ":7: warning: peer group 'g': 'b.bad' is neither in diameter.peers "
	    "nor matched by accept_peers");
	has(out, path, ":8: warning: peer group 'h': 'c.bad'");
	/* Matched by a pattern, or a configured peer in another case: no warning. */
	CHECK(out && !strstr(out, "'a.ok'") && !strstr(out, "known.example"),
	      "no warning for a.ok (accept_peers) or known.example (a peer in another case)");
	free(out);

	out = NULL;
	if (!CHECK_ERR(dra_cfg_load(path, true, &cfg, err, sizeof(err)), 0, "warn.yaml loads: %s",
	               err))
		return;
	if (!(f = open_memstream(&out, &len)))
		tap_bail("open_memstream: %s", strerror(errno));
	CHECK_INT(dra_warn_unreachable(&cfg, f), ==, 2, "dra_warn_unreachable counts 2 warnings");
	fclose(f);
	free(out);
	dra_cfg_free(&cfg);
}

int main(void)
{
	char cmd[600];
	int rc;

	fd_g_debug_lvl = FD_LOG_ERROR;
	if ((rc = fd_core_initialize()) || (rc = dict_load_all()))
		tap_bail("cannot initialise the dictionary: %s", strerror(rc));
	if (!mkdtemp(tmpdir))
		tap_bail("mkdtemp: %s", strerror(errno));
	test_example();
	test_broken();
	test_warnings();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		tap_note("cannot remove %s", tmpdir);
	return tap_done();
}

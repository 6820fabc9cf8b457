/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_dra_config.c: dra.yaml parsing. Valid files load into the expected groups and
 * routes; broken files report every problem with file, line and route/group name.
 */
#include "dra.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/dra-unit-XXXXXX";

static char *write_file(const char *name, const char *text)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	if (!f)
		tap_bail("cannot write %s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
	return path;
}

static const char *const good =
	"diameter:\n"
	"  identity: dra.test\n"
	"  realm: test\n"
	"  listen: [127.0.0.1]\n"
	"  port: 23998\n"
	"advertise_apps: [s6a, cx, 16777217]\n"
	"rules: r.yaml\n"
	"peer_groups:\n"
	"  - name: ga\n"
	"    policy: round_robin\n"
	"    peers: [a1.a, a2.a]\n"
	"  - name: gw\n"
	"    policy: weighted\n"
	"    peers:\n"
	"      - { host: w1, weight: 3 }\n"
	"      - w2\n"
	"  - name: gf\n"
	"    peers: [f1, f2]\n"
	"routes:\n"
	"  - name: def\n"
	"    default: true\n"
	"    group: gf\n"
	"  - name: ra\n"
	"    match: { realm: a }\n"
	"    group: ga\n"
	"  - name: rw\n"
	"    match: { realm: \"*.mnc001.mcc001.3gppnetwork.org\", app: [s6a, 16777216] }\n"
	"    group: gw\n"
	"  - name: imsi\n"
	"    match: { imsi: [\"00102\", \"001030000-001030499\"] }\n"
	"    group: ga\n"
	"  - name: host\n"
	"    match: { destination_host: \"hss9.*\" }\n"
	"    reject: true\n";

static void test_good(void)
{
	char err[4096];
	struct dra_cfg cfg;
	char *path = write_file("good.yaml", good);
	char expect[600];
	int rc;

	rc = dra_cfg_load(path, true, &cfg, err, sizeof(err));
	CHECK_ERR(rc, 0, "good.yaml loads (%s)", rc ? err : "no error");
	CHECK(cfg.have_diam);
	CHECK_INT(cfg.overload.max_pending, ==, DRA_MAX_PENDING_DEFAULT);
	CHECK_INT(cfg.n_advertise_apps, ==, 3);
	CHECK_INT(cfg.advertise_apps[0], ==, 16777251);
	CHECK_INT(cfg.advertise_apps[1], ==, 16777216);
	CHECK_INT(cfg.advertise_apps[2], ==, 16777217);
	snprintf(expect, sizeof(expect), "%s/r.yaml", tmpdir);
	CHECK_STR(cfg.rules_path, expect);
	CHECK_INT(cfg.n_groups, ==, 3);
	CHECK_INT(cfg.groups[0].policy, ==, DRA_POL_ROUND_ROBIN);
	CHECK_INT(cfg.groups[0].n_members, ==, 2);
	CHECK_INT(cfg.groups[1].policy, ==, DRA_POL_WEIGHTED);
	CHECK_INT(cfg.groups[1].members[0].weight, ==, 3);
	CHECK_INT(cfg.groups[1].members[1].weight, ==, 1);
	CHECK_INT(cfg.groups[2].policy, ==, DRA_POL_FAILOVER);
	CHECK_INT(cfg.n_routes, ==, 5);
	CHECK(cfg.routes[0].is_default);
	CHECK_INT(cfg.routes[2].n_apps, ==, 2);
	CHECK_INT(cfg.routes[2].apps[1], ==, 16777216);
	CHECK_INT(cfg.routes[3].n_imsi, ==, 2);
	CHECK_INT(cfg.routes[3].imsi[1].len, ==, 9);
	CHECK(cfg.routes[4].reject);
	CHECK_INT(cfg.routes[4].n_hosts, ==, 1);
	CHECK_INT(cfg.routes[1].line, ==, 23);
	dra_cfg_free(&cfg);
}

/* Every error is reported, with the file, the line and the route or group name. */
static void test_errors(void)
{
	char err[8192];
	struct dra_cfg cfg;
	char *path;
	char want[1024];
	int rc;

	path = write_file("bad.yaml",
		"diameter:\n"                                           /* 1 */
		"  identity: dra.test\n"
		"  realm: test\n"
		"peer_groups:\n"
		"  - name: g1\n"                                        /* 5 */
		"    policy: random\n"
		"    peers: [x]\n"
		"  - name: g2\n"
		"    peers: [y, y]\n"
		"routes:\n"                                             /* 10 */
		"  - name: r1\n"
		"    match: { app: nosuchapp }\n"
		"    group: g2\n"
		"  - name: r2\n"
		"    match: { realm: a }\n"                             /* 15 */
		"    group: nogroup\n"
		"  - name: r3\n"
		"    match: { imsi: \"12-3\" }\n"
		"    group: g2\n"
		"  - name: r4\n"                                        /* 20 */
		"    match: { colour: blue }\n"
		"    group: g2\n"
		"  - name: r5\n"
		"    match: { realm: a }\n"
		"  - name: r1\n"                                        /* 25 */
		"    group: g2\n");
	rc = dra_cfg_load(path, true, &cfg, err, sizeof(err));
	CHECK_ERR(rc, EINVAL);
	tap_note("reported:\n%s", err);
	snprintf(want, sizeof(want), "%s:6: peer group 'g1':", path);
	CHECK_SUBSTR(err, want);
	snprintf(want, sizeof(want), "%s:9: peer group 'g2': peer 'y' listed twice", path);
	CHECK_SUBSTR(err, want);
	snprintf(want, sizeof(want), "%s:12: route 'r1': key 'app': unknown application 'nosuchapp'", path);
	CHECK_SUBSTR(err, want);
	snprintf(want, sizeof(want), "%s:14: route 'r2': unknown peer group 'nogroup'", path);
	CHECK_SUBSTR(err, want);
	snprintf(want, sizeof(want), "%s:18: route 'r3': key 'imsi':", path);
	CHECK_SUBSTR(err, want);
	snprintf(want, sizeof(want), "route 'r4':");
	CHECK_SUBSTR(err, want);
	CHECK_SUBSTR(err, "colour");
	snprintf(want, sizeof(want), "%s:23: route 'r5': needs 'group'", path);
	CHECK_SUBSTR(err, want);
	snprintf(want, sizeof(want), "%s:25: route 'r1': name already used at line 11", path);
	CHECK_SUBSTR(err, want);
	dra_cfg_free(&cfg);

	/* Unknown top-level key and a broken diameter section. */
	path = write_file("bad2.yaml",
		"diameter:\n"
		"  identity: dra.test\n"
		"routez: []\n");
	rc = dra_cfg_load(path, true, &cfg, err, sizeof(err));
	CHECK_ERR(rc, EINVAL);
	snprintf(want, sizeof(want), "%s:3: key 'routez': unknown key", path);
	CHECK_SUBSTR(err, want);
	dra_cfg_free(&cfg);

	path = write_file("bad3.yaml",
		"diameter:\n"
		"  identity: dra.test\n"
		"routes: []\n");
	rc = dra_cfg_load(path, true, &cfg, err, sizeof(err));
	CHECK_ERR(rc, EINVAL);
	CHECK_SUBSTR(err, "realm");
	dra_cfg_free(&cfg);

	/* The overload section: a bound, and its errors with file, line and key. */
	path = write_file("ovl.yaml",
		"diameter:\n"
		"  identity: dra.test\n"
		"  realm: test\n"
		"overload: { max_pending: 50 }\n");
	rc = dra_cfg_load(path, true, &cfg, err, sizeof(err));
	CHECK(rc == 0 && cfg.overload.max_pending == 50);
	dra_cfg_free(&cfg);
	path = write_file("ovl2.yaml",
		"diameter:\n"
		"  identity: dra.test\n"
		"  realm: test\n"
		"overload:\n"
		"  max_pending: lots\n");
	rc = dra_cfg_load(path, true, &cfg, err, sizeof(err));
	CHECK(rc == EINVAL);
	snprintf(want, sizeof(want), "%s:5: key 'overload.max_pending'", path);
	CHECK(strstr(err, want) != NULL);
	dra_cfg_free(&cfg);

	/* YAML syntax error: file and line. */
	path = write_file("bad4.yaml", "diameter: [\n  - a\n routes: {\n");
	rc = dra_cfg_load(path, true, &cfg, err, sizeof(err));
	CHECK_ERR(rc, EINVAL);
	CHECK(!strncmp(err, path, strlen(path)), "syntax error names the file first: %s", err);
	dra_cfg_free(&cfg);
}

static void test_apps(void)
{
	uint32_t id = 0;

	CHECK_ERR(dra_app_parse("s6a", &id), 0);
	CHECK_INT(id, ==, 16777251);
	CHECK_ERR(dra_app_parse("CX", &id), 0);
	CHECK_INT(id, ==, 16777216);
	CHECK_ERR(dra_app_parse("16777217", &id), 0);
	CHECK_INT(id, ==, 16777217);
	CHECK_ERR(dra_app_parse("relay", &id), 0);
	CHECK_INT(id, ==, DRA_APP_RELAY);
	CHECK_ERR(dra_app_parse("x1", &id), EINVAL);
	CHECK_ERR(dra_app_parse("99999999999", &id), EINVAL);
	CHECK_ERR(dra_app_parse("", &id), EINVAL);
}

int main(void)
{
	char cmd[600];

	if (!mkdtemp(tmpdir))
		tap_bail("mkdtemp: %s", strerror(errno));
	test_good();
	test_errors();
	test_apps();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		tap_note("cannot remove %s", tmpdir);
	return tap_done();
}

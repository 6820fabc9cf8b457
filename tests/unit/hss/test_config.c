// SPDX-License-Identifier: BSD-3-Clause
/* test_config.c: hss.yaml loading: the shipped example, defaults, every value of the s6a
 * section, the cx: section, and errors that must name file, line and key; plus the RAT and home-PLMN
 * helpers the policy checks rely on. No network, no database. */
#include "hss.h"
#include "tap.h"

#include <stdlib.h>
#include <string.h>

#define HEAD "diameter:\n  identity: hss.test\n  realm: test\n" \
             "database:\n  path: /tmp/x.db\n"

static int load(const char *text, struct hss_cfg *cfg, char *err, size_t errlen)
{
	err[0] = '\0';
	return hss_cfg_load_buf("t.yaml", text, strlen(text), cfg, err, errlen);
}

/* The config must fail, and the message must contain each of the given strings. */
static void bad(const char *text, const char *want1, const char *want2)
{
	struct hss_cfg cfg;
	char err[512];
	int rc = load(text, &cfg, err, sizeof(err));

	CHECK_INT(rc, !=, 0, "refused: %s", text);
	CHECK_SUBSTR(err, want1, "the error names '%s'", want1);
	if (want2)
		CHECK_SUBSTR(err, want2, "the error names '%s'", want2);
}

static void test_example(void)
{
	const char *src = getenv("DCORE_SRCDIR");
	char path[4096], err[512];
	struct hss_cfg cfg;
	int rc;

	snprintf(path, sizeof(path), "%s/config/hss/hss.yaml", src ? src : ".");
	rc = hss_cfg_load(path, &cfg, err, sizeof(err));
	CHECK_ERR(rc, 0, "example config: %s", err);
	if (rc)
		return;
	CHECK_STR(cfg.db_backend, "sqlite", "database");
	CHECK_STR(cfg.db_uri, "hss.db", "database");
	CHECK_INT(cfg.db_timeout_ms, ==, 1000, "database.timeout_ms");
	CHECK_INT(cfg.max_vectors, ==, 5, "s6a");
	CHECK_INT(cfg.n_home_plmns, ==, 1, "s6a");
	CHECK_STR(cfg.home_plmns[0], "00101", "s6a");
	CHECK_STR(cfg.ctl_socket, "hss.ctl", "ctl_socket");
	CHECK_SUBSTR(cfg.diam.fd_conf, "NoRelay", "the HSS never relays");
	CHECK(cfg.cx.enabled, "cx.enabled");
	CHECK_INT(cfg.cx.n_scscf_names, ==, 1, "cx.scscf_names");
	if (cfg.cx.n_scscf_names)
		CHECK_STR(cfg.cx.scscf_names[0], "sip:scscf.localdomain:6060", "cx.scscf_names");
	CHECK_INT(cfg.cx.n_home_networks, ==, 1, "cx.home_networks");
	hss_cfg_free(&cfg);
}

static void test_defaults(void)
{
	struct hss_cfg cfg;
	char err[512];
	int rc = load(HEAD, &cfg, err, sizeof(err));

	CHECK_ERR(rc, 0, "%s", err);
	if (rc)
		return;
	CHECK_INT(cfg.max_vectors, ==, 5, "max_vectors %u", cfg.max_vectors);
	CHECK(cfg.cancel_old_mme, "cancel_old_mme defaults to true");
	CHECK(cfg.utran_geran_vectors, "utran_geran_vectors defaults to true");
	CHECK(!cfg.geran_triplets, "geran_triplets defaults to false");
	CHECK_INT(cfg.clr_timeout_ms, ==, 5000, "clr_timeout_ms");
	CHECK_INT(cfg.db_timeout_ms, ==, 1000, "database.timeout_ms default");
	CHECK_UINT(cfg.rat_allowed_mask, ==, UINT32_MAX, "every RAT allowed by default");
	CHECK_INT(cfg.n_home_plmns, ==, 0, "no PLMN lists");
	CHECK_INT(cfg.n_roaming_partners, ==, 0, "no PLMN lists");
	CHECK(!cfg.ctl_socket, "no control socket");
	CHECK(cfg.overload.max_pending == HSS_MAX_PENDING_DEFAULT, "overload.max_pending default");
	CHECK(cfg.cx.enabled, "cx served by default");
	CHECK_INT(cfg.cx.max_auth_items, ==, 5, "cx.max_auth_items default");
	CHECK(cfg.cx.store_server_name, "cx.store_server_name default");
	CHECK(cfg.cx.rtr_on_scscf_change, "cx.rtr_on_scscf_change default");
	CHECK_INT(cfg.cx.push_timeout_ms, ==, 5000, "cx.push_timeout_ms default");
	CHECK_INT(cfg.cx.outbox_poll_ms, ==, 1000, "cx.outbox_poll_ms default");
	CHECK_STR(cfg.cx.digest_qop, "auth", "cx.digest_qop default");
	CHECK(!cfg.cx.digest_realm, "no cx.digest_realm by default");
	CHECK_INT(cfg.cx.n_scscf_names, ==, 0, "no S-CSCF names by default");
	CHECK_INT(cfg.cx.n_roaming_partners, ==, 0, "any visited network by default");
	CHECK_INT(cfg.cx.n_home_networks, ==, 1, "home network: the realm");
	if (cfg.cx.n_home_networks)
		CHECK_STR(cfg.cx.home_networks[0], "test", "home network: the realm");
	hss_cfg_free(&cfg);
	hss_cfg_free(&cfg);   /* idempotent on a freed (zeroed) cfg */
}

static void test_values(void)
{
	struct hss_cfg cfg;
	char err[512];
	int rc = load(HEAD "s6a:\n  max_vectors: 16\n  home_plmns: [\"00101\", \"310260\"]\n"
	              "  roaming_partners: [\"20801\"]\n  rat_allowed: [eutran, E-UTRAN, nr]\n"
	              "  cancel_old_mme: false\n  utran_geran_vectors: no\n  geran_triplets: true\n"
	              "  clr_timeout_ms: 250\nctl_socket: /tmp/h.ctl\noverload:\n  max_pending: 0\n",
	              &cfg, err, sizeof(err));

	CHECK_ERR(rc, 0, "%s", err);
	if (rc)
		return;
	CHECK_INT(cfg.max_vectors, ==, 16, "max_vectors");
	CHECK_INT(cfg.n_home_plmns, ==, 2, "home_plmns");
	CHECK_STR(cfg.home_plmns[1], "310260", "home_plmns");
	CHECK_INT(cfg.n_roaming_partners, ==, 1, "partners");
	CHECK_STR(cfg.roaming_partners[0], "20801", "partners");
	CHECK_UINT(cfg.rat_allowed_mask, ==, (1u << hss_rat_bit(1004)) | (1u << hss_rat_bit(1006)),
	           "rat_allowed mask of [eutran, E-UTRAN, nr]");
	CHECK(!cfg.cancel_old_mme, "cancel_old_mme: false");
	CHECK(!cfg.utran_geran_vectors, "utran_geran_vectors: false");
	CHECK(cfg.geran_triplets, "geran_triplets: true");
	CHECK_INT(cfg.clr_timeout_ms, ==, 250, "clr_timeout_ms");
	CHECK_STR(cfg.ctl_socket, "/tmp/h.ctl", "ctl_socket");
	CHECK_INT(cfg.overload.max_pending, ==, 0, "overload.max_pending 0: no bound");
	CHECK_INT(cfg.n_ctl_allow, ==, 0, "no ctl_allow_users");
	hss_cfg_free(&cfg);

	rc = load(HEAD "ctl_socket: /tmp/h.ctl\nctl_allow_users: [root, nobody, \"12345\", 010]\n", &cfg,
	          err, sizeof(err));
	CHECK_ERR(rc, 0, "%s", err);
	if (rc)
		return;
	CHECK_INT(cfg.n_ctl_allow, ==, 4, "ctl_allow_users: 4 entries");
	CHECK_UINT(cfg.ctl_allow[0], ==, 0, "root is uid 0");
	CHECK_UINT(cfg.ctl_allow[1], ==, 65534, "nobody is uid 65534");
	CHECK_UINT(cfg.ctl_allow[2], ==, 12345, "\"12345\" is uid 12345");
	CHECK_UINT(cfg.ctl_allow[3], ==, 10, "010 is uid 10 (decimal)");
	hss_cfg_free(&cfg);
}

static void test_cx(void)
{
	struct hss_cfg cfg;
	char err[512];
	int rc = load(HEAD "cx:\n  enabled: false\n"
	              "  scscf_names: [\"sip:s1.test:6060\", \"sips:s2.test\"]\n"
	              "  mandatory_capabilities: [1, 4294967295]\n  optional_capabilities: [7]\n"
	              "  home_networks: [ims.test, test]\n  roaming_partners: [visited.test]\n"
	              "  max_auth_items: 3\n  digest_realm: realm.test\n  digest_qop: auth-int\n"
	              "  store_server_name: false\n  rtr_on_scscf_change: false\n"
	              "  push_timeout_ms: 250\n  outbox_poll_ms: 60\n", &cfg, err, sizeof(err));

	CHECK_ERR(rc, 0, "%s", err);
	if (rc)
		return;
	CHECK(!cfg.cx.enabled, "cx.enabled false");
	CHECK_INT(cfg.cx.n_scscf_names, ==, 2, "cx.scscf_names");
	CHECK_STR(cfg.cx.scscf_names[1], "sips:s2.test", "cx.scscf_names");
	CHECK_INT(cfg.cx.n_mandatory_caps, ==, 2, "cx.mandatory_capabilities");
	CHECK_UINT(cfg.cx.mandatory_caps[1], ==, 4294967295u, "cx.mandatory_capabilities");
	CHECK_INT(cfg.cx.n_optional_caps, ==, 1, "cx.optional_capabilities");
	CHECK_UINT(cfg.cx.optional_caps[0], ==, 7, "cx.optional_capabilities");
	CHECK_INT(cfg.cx.n_home_networks, ==, 2, "cx.home_networks replace the realm");
	CHECK_INT(cfg.cx.n_roaming_partners, ==, 1, "cx.roaming_partners");
	CHECK_INT(cfg.cx.max_auth_items, ==, 3, "cx.max_auth_items");
	CHECK_STR(cfg.cx.digest_realm, "realm.test", "cx.digest_realm");
	CHECK_STR(cfg.cx.digest_qop, "auth-int", "cx.digest_qop");
	CHECK(!cfg.cx.store_server_name, "cx.store_server_name");
	CHECK(!cfg.cx.rtr_on_scscf_change, "cx.rtr_on_scscf_change");
	CHECK_INT(cfg.cx.push_timeout_ms, ==, 250, "cx.push_timeout_ms");
	CHECK_INT(cfg.cx.outbox_poll_ms, ==, 60, "cx.outbox_poll_ms");
	hss_cfg_free(&cfg);

	bad(HEAD "cx:\n  scscf_names: [scscf.test]\n", "t.yaml:7", "cx.scscf_names");
	bad(HEAD "cx:\n  max_auth_items: 0\n", "t.yaml:7", "max_auth_items");
	bad(HEAD "cx:\n  mandatory_capabilities: [-1]\n", "t.yaml:7", "mandatory_capabilities");
	bad(HEAD "cx:\n  push_timeout_ms: 10\n", "t.yaml:7", "push_timeout_ms");
	bad(HEAD "cx:\n  scscf_name: [sip:s.test]\n", "t.yaml:7", "scscf_name");
	bad(HEAD "cx:\n  enabled: maybe\n", "t.yaml:7", "enabled");
	bad(HEAD "cx: [1]\n", "t.yaml:6", "cx");
}

static void test_errors(void)
{
	bad(HEAD "s6a:\n  max_vectors: 0\n", "t.yaml:7", "max_vectors");
	bad(HEAD "s6a:\n  max_vectors: 17\n", "t.yaml:7", "max_vectors");
	bad(HEAD "s6a:\n  max_vector: 3\n", "t.yaml:7", "max_vector");
	bad(HEAD "s6a:\n  home_plmns: [\"0010\"]\n", "t.yaml:7", "s6a.home_plmns");
	bad(HEAD "s6a:\n  roaming_partners:\n    - \"20801\"\n    - \"2080x\"\n", "t.yaml:9",
	    "s6a.roaming_partners");
	bad(HEAD "s6a:\n  rat_allowed: [eutran, lte]\n", "t.yaml:7", "'lte'");
	bad(HEAD "s6a:\n  cancel_old_mme: perhaps\n", "t.yaml:7", "cancel_old_mme");
	bad(HEAD "s6a:\n  clr_timeout_ms: 10\n", "t.yaml:7", "clr_timeout_ms");
	bad(HEAD "s6a: [1]\n", "t.yaml:6", "s6a");
	bad("diameter:\n  identity: hss.test\n  realm: test\n", "database", NULL);
	bad("database:\n  path: x\n", "diameter", NULL);
	bad("diameter:\n  identity: hss.test\n  realm: test\ndatabase:\n  backend: oracle\n  path: x\n",
	    "t.yaml:5", "backend");
	bad("diameter:\n  identity: hss.test\n  realm: test\ndatabase:\n  backend: sqlite\n",
	    "t.yaml", "path");
	bad("diameter:\n  identity: hss.test\n  realm: test\ndatabase:\n  path: a\n  uri: b\n",
	    "t.yaml:6", "database.uri");
	bad("diameter:\n  identity: hss.test\n  realm: test\ndatabase:\n  path: a\n  timeout_ms: 5\n",
	    "t.yaml:6", "timeout_ms");
	bad("diameter:\n  identity: hss.test\n  realm: test\ndatabase:\n  path: a\n"
	    "  timeout_ms: 60001\n", "t.yaml:6", "timeout_ms");
	{
		struct hss_cfg cfg;
		char err[512];
		int rc = load("diameter:\n  identity: hss.test\n  realm: test\ndatabase:\n  path: a\n"
		              "  timeout_ms: 250\n", &cfg, err, sizeof(err));

		CHECK(rc == 0 && cfg.db_timeout_ms == 250, "database.timeout_ms 250 (%s)", err);
		if (!rc)
			hss_cfg_free(&cfg);
	}
	bad(HEAD "diameter2: {}\n", "t.yaml:6", "diameter2");
	bad(HEAD "overload:\n  max_pending: -1\n", "t.yaml:7", "overload.max_pending");
	bad(HEAD "overload:\n  max_pendng: 10\n", "t.yaml:7", "overload.max_pendng");
	bad(HEAD "overload: 5\n", "t.yaml:6", "overload");
	bad(HEAD "s6a:\n  home_plmns: [\n", "t.yaml", NULL);
	bad("", "empty", NULL);
	bad(HEAD "ctl_allow_users: [root, no-such-user-here]\n", "t.yaml:6",
	    "key 'ctl_allow_users': unknown user 'no-such-user-here'");
	bad(HEAD "ctl_allow_users: [\"4294967295\"]\n", "t.yaml:6", "is not a uid");
}

static void test_rat(void)
{
	int i, bits = 0;
	static const char *const names[] = { "utran", "geran", "gan", "hspa", "eutran", "nbiot",
	                                     "ltem", "nr", "wlan", "virtual", "cdma2000", "hrpd",
	                                     "umb", "ehrpd", "trusted_wlan", "trusted_n3ga" };

	for (i = 0; i < (int)(sizeof(names) / sizeof(names[0])); i++) {
		int32_t v = hss_rat_from_name(names[i]);
		int b = hss_rat_bit(v);
		CHECK_INT(v, >=, 0, "%s is a RAT name", names[i]);
		CHECK_INT(b, >=, 0, "%s has a bit", names[i]);
		CHECK_INT(b, <, 32, "%s has a bit in 32", names[i]);
		CHECK(!(bits & (1 << b)), "%s: bit %d is its own", names[i], b);
		bits |= 1 << b;
		CHECK_STR(hss_rat_name(v), names[i], "%s round trip", names[i]);
	}
	CHECK_INT(hss_rat_from_name("EUTRAN"), ==, 1004, "names");
	CHECK_INT(hss_rat_from_name("lte"), ==, -1, "names");
	CHECK_INT(hss_rat_bit(999), ==, -1, "unknown RAT values");
	CHECK_INT(hss_rat_bit(-1), ==, -1, "unknown RAT values");
	/* TS 29.272 7.3.31 Access-Restriction-Data bits */
	CHECK_INT(hss_rat_ard_bit(1000), ==, 0, "ARD bits");
	CHECK_INT(hss_rat_ard_bit(1001), ==, 1, "ARD bits");
	CHECK_INT(hss_rat_ard_bit(1004), ==, 4, "ARD bits");
	CHECK_INT(hss_rat_ard_bit(1005), ==, 6, "ARD bits");
	CHECK_INT(hss_rat_ard_bit(0), ==, -1, "ARD bits");
}

static void test_home(void)
{
	struct hss_cfg cfg;

	memset(&cfg, 0, sizeof(cfg));
	CHECK(hss_plmn_is_home(&cfg, "001010000000001", "00101"), "IMSI prefix is home");
	CHECK(!hss_plmn_is_home(&cfg, "001010000000001", "20801"), "other PLMN is not");
	CHECK(hss_plmn_is_home(&cfg, "310260000000001", "310260"), "3-digit MNC prefix");
	memcpy(cfg.home_plmns[0], "20801", 6);
	memcpy(cfg.home_plmns[1], "20810", 6);
	cfg.n_home_plmns = 2;
	CHECK(!hss_plmn_is_home(&cfg, "001010000000001", "00101"), "configured list wins");
	CHECK(hss_plmn_is_home(&cfg, "001010000000001", "20810"), "configured home PLMN");
}

static void test_stats_ctl(void)
{
	char buf[2048];

	hss_stats_count(HSS_CMD_AIR, 2001);
	hss_stats_count(HSS_CMD_AIR, 5001);
	hss_stats_count(HSS_CMD_AIR, 5012);
	hss_stats_count(HSS_CMD_AIR, 5420);
	hss_stats_count(HSS_CMD_MAX, 2001);   /* ignored */
	CHECK_INT(hss_stats.cmd[HSS_CMD_AIR].success, ==, 1, "AIR counters");
	CHECK_INT(hss_stats.cmd[HSS_CMD_AIR].user_unknown, ==, 1, "AIR counters");
	CHECK_INT(hss_stats.cmd[HSS_CMD_AIR].errors, ==, 1, "AIR counters");
	CHECK_INT(hss_stats.cmd[HSS_CMD_AIR].rejected, ==, 1, "AIR counters");
	hss_stats_format(buf, sizeof(buf));
	CHECK_SUBSTR(buf, "AIR requests=0 success=1 user_unknown=1 rejected=1 errors=1", "%s", buf);
	CHECK_INT(hss_stats_format(buf, 10), <, 10, "truncation");
	CHECK_INT(strlen(buf), <, 10, "truncation");
	CHECK_STR(hss_cmd_name(HSS_CMD_CLR), "CLR", "names");
	CHECK_STR(hss_cmd_name(HSS_CMD_MAX), "?", "names");

	hss_ctl_exec("stats", buf, sizeof(buf));
	CHECK(!strncmp(buf, "ok ULR requests=", 16), "%s", buf);
	hss_ctl_exec("", buf, sizeof(buf));
	CHECK(!strncmp(buf, "error", 5), "empty: %s", buf);
	hss_ctl_exec("fly 001010000000001", buf, sizeof(buf));
	CHECK_SUBSTR(buf, "unknown command", "%s", buf);
	hss_ctl_exec("idr 0010", buf, sizeof(buf));
	CHECK(!strncmp(buf, "error: usage", 12), "short IMSI: %s", buf);
	hss_ctl_exec("idr 001010000000001 -1", buf, sizeof(buf));
	CHECK_SUBSTR(buf, "bad number", "%s", buf);
	hss_ctl_exec("dsr 001010000000001", buf, sizeof(buf));
	CHECK_SUBSTR(buf, "unknown command", "DSR needs flags: %s", buf);
	hss_ctl_exec("idr 001010000000001 1 2", buf, sizeof(buf));
	CHECK(!strncmp(buf, "error: usage", 12), "too many args: %s", buf);
	/* decimal only: a base prefix or a sign is refused, leading zeros are decimal */
	hss_ctl_exec("idr 001010000000001 0x10", buf, sizeof(buf));
	CHECK_SUBSTR(buf, "bad number '0x10'", "0x10 refused");
	hss_ctl_exec("idr 001010000000001 +1", buf, sizeof(buf));
	CHECK_SUBSTR(buf, "bad number '+1'", "+1 refused");
	hss_ctl_exec("idr 001010000000001 4294967296", buf, sizeof(buf));
	CHECK_SUBSTR(buf, "bad number", "2^32 refused");
	hss_ctl_exec("dsr 001010000000001 09", buf, sizeof(buf));
	CHECK(strstr(buf, "bad number") == NULL, "09 is nine: %s", buf);
}

int main(void)
{
	test_example();
	test_defaults();
	test_values();
	test_errors();
	test_cx();
	test_rat();
	test_home();
	test_stats_ctl();
	return tap_done();
}

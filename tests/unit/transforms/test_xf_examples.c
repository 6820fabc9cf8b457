/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_xf_examples.c: the example rule files shipped in config/rules/ load, and do
 * what their comments say on S6a messages.
 */
#include "xft.h"

#include <sys/stat.h>
#include <unistd.h>

static struct xf_rules *load_example(const char *name)
{
	const char *src = getenv("DCORE_SRCDIR");
	struct xf_rules *rs = NULL;
	char path[1024], err[4096];

	snprintf(path, sizeof(path), "%s/config/rules/%s", src ? src : ".", name);
	if (!CHECK_ERR(xf_rules_load(path, &rs, err, sizeof(err)), 0, "%s loads", name)) {
		tap_note("%s", err);
		return NULL;
	}
	return rs;
}

static struct msg *s6a(const char *cmd, const char *oh, const char *orealm)
{
	struct msg *m = xft_msg(cmd, 16777251);
	xft_add(m, "Origin-Host", oh);
	xft_add(m, "Origin-Realm", orealm);
	return m;
}

static void test_realm(void)
{
	struct xf_rules *rs = load_example("realm-rewrite.yaml");
	struct msg *m;

	if (!rs)
		return;
	m = s6a("Update-Location-Request", "mme1.partner.example", "partner.example");
	xft_add(m, "Destination-Realm", "legacy.operator.example");
	m = xft_relayed(m);
	CHECK_ERR(xft_apply(rs, m, "mme1.partner.example", NULL, NULL, NULL), 0);
	CHECK_STR(xft_get(m, "Destination-Realm", 0), "epc.mnc001.mcc001.3gppnetwork.org");
	fd_msg_free(m);
	m = s6a("Update-Location-Answer", "hss1.epc.mnc001.mcc001.3gppnetwork.org",
	        "epc.mnc001.mcc001.3gppnetwork.org");
	CHECK_ERR(xft_apply(rs, m, "hss1", "mme1.partner.example", NULL, NULL), 0);
	CHECK_STR(xft_get(m, "Origin-Realm", 0), "legacy.operator.example");
	fd_msg_free(m);
	xf_rules_unref(rs);
}

static void test_imsi(void)
{
	struct xf_rules *rs = load_example("imsi-prefix-map.yaml");
	static const char *const cases[][2] = {
		{ "001011234567890", "999991234567890" },
		{ "001021234567890", "999981234567890" },
		{ "001019912345678", "999970012345678" },
		{ "001031234567890", "001031234567890" },
	};
	struct msg *m;

	if (!rs)
		return;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		m = s6a("Authentication-Information-Request", "mme1.lab.example", "lab.example");
		xft_add(m, "User-Name", cases[i][0]);
		m = xft_relayed(m);
		CHECK_ERR(xft_apply(rs, m, "mme1.lab.example", NULL, NULL, NULL), 0);
		CHECK_STR(xft_get(m, "User-Name", 0), cases[i][1]);
		fd_msg_free(m);
	}
	/* not from a lab MME: untouched */
	m = s6a("Update-Location-Request", "mme1.prod.example", "prod.example");
	xft_add(m, "User-Name", "001011234567890");
	CHECK_ERR(xft_apply(rs, m, "mme1.prod.example", NULL, NULL, NULL), 0);
	CHECK_STR(xft_get(m, "User-Name", 0), "001011234567890");
	fd_msg_free(m);
	xf_rules_unref(rs);
}

static void test_msisdn(void)
{
	struct xf_rules *rs = load_example("msisdn-tbcd.yaml");
	static const uint8_t old[] = { 0x33, 0x16, 0x10, 0x32, 0x54, 0xf6 };   /* 33610123456 */
	static const uint8_t nw[] = { 0x33, 0x17, 0x10, 0x32, 0x54, 0xf6 };    /* 33710123456 */
	struct avp *sd, *a[2];
	struct avp_hdr *h = NULL;
	struct msg *m;

	if (!rs)
		return;
	m = s6a("Update-Location-Answer", "hss1.example", "example");
	sd = xft_add(m, "Subscription-Data", NULL);
	xft_add_os(sd, "MSISDN", old, sizeof(old));
	m = xft_relayed(m);
	CHECK_ERR(xft_apply(rs, m, "hss1.example", "mme1", NULL, NULL), 0);
	CHECK_INT(xft_find(m, "Subscription-Data/MSISDN", a, 2), ==, 1);
	fd_msg_avp_hdr(a[0], &h);
	if (CHECK_INT(h->avp_value->os.len, ==, sizeof(nw)))
		CHECK_MEM(h->avp_value->os.data, nw, sizeof(nw));
	fd_msg_free(m);

	m = s6a("Insert-Subscriber-Data-Request", "hss1.example", "example");
	sd = xft_add(m, "Subscription-Data", NULL);
	xft_add_os(sd, "MSISDN", old, sizeof(old));
	xft_add_os(sd, "A-MSISDN", old, sizeof(old));
	CHECK_ERR(xft_apply(rs, m, "hss1.example", NULL, NULL, NULL), 0);
	CHECK_INT(xft_find(m, "Subscription-Data/A-MSISDN", a, 2), ==, 1);
	fd_msg_avp_hdr(a[0], &h);
	if (CHECK_INT(h->avp_value->os.len, ==, sizeof(nw)))
		CHECK_MEM(h->avp_value->os.data, nw, sizeof(nw));
	fd_msg_free(m);
	xf_rules_unref(rs);
}

/* The example names /etc/dcore/topology-hiding.key: load it with a key of the test's
 * instead (same text otherwise), as a DRA with that key would. */
static struct xf_rules *load_hiding_example(const char *key_path)
{
	const char *src = getenv("DCORE_SRCDIR");
	const char *from = "/etc/dcore/topology-hiding.key";
	char path[1024], err[4096], *text = NULL, *out = NULL, *at;
	struct xf_rules *rs = NULL;
	size_t len = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/config/rules/topology-hiding.yaml", src ? src : ".");
	if (!CHECK((f = fopen(path, "r")) != NULL, "%s opens: %s", path, strerror(errno)))
		return NULL;
	if (!(text = calloc(1, 65536)))
		tap_bail("out of memory");
	len = fread(text, 1, 65535, f);
	fclose(f);
	CHECK_SUBSTR(text, from, "topology-hiding.yaml names its key file");
	/* every occurrence (the comment names it too) */
	if (!(out = calloc(1, 2 * len + 1024)))
		tap_bail("out of memory");
	for (char *p = text; (at = strstr(p, from)) || *p; p = at + strlen(from)) {
		if (!at) {
			strcat(out, p);
			break;
		}
		strncat(out, p, (size_t)(at - p));
		strcat(out, key_path);
	}
	if (!CHECK_ERR(xf_rules_load_buf(path, out, strlen(out), &rs, err, sizeof(err)), 0,
	               "topology-hiding.yaml loads with a test key"))
		tap_note("%s", err);
	free(text);
	free(out);
	return rs;
}

static void test_topology(void)
{
	static const char forged[] = "mme-aaaaaaaaaaaaaaaaaaaaaaaaaa.hidden.operator.example";
	char dir[] = "/tmp/xf_examples_XXXXXX", key[64], pseudo[300];
	struct xf_rules *rs = NULL, *second = NULL;
	struct msg *m;
	FILE *f;

	if (!mkdtemp(dir))
		tap_bail("mkdtemp: %s", strerror(errno));
	snprintf(key, sizeof(key), "%s/topology-hiding.key", dir);
	if (!(f = fopen(key, "w")))
		tap_bail("%s: %s", key, strerror(errno));
	fputs("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n", f);
	fclose(f);
	chmod(key, 0600);
	rs = load_hiding_example(key);
	second = load_hiding_example(key);   /* another DRA of the cluster */
	if (!rs || !second)
		goto out;
	m = s6a("Update-Location-Request", "mme7.epc.operator.example", "epc.operator.example");
	xft_add(m, "Destination-Realm", "partner.example");
	xft_add(m, "Route-Record", "mme7.epc.operator.example");
	m = xft_relayed(m);
	/* no hiding table: {enc} needs none */
	CHECK_ERR(xft_apply(rs, m, "mme7.epc.operator.example", NULL, NULL, NULL), 0,
	          "ULR hidden without a state table");
	snprintf(pseudo, sizeof(pseudo), "%s", xft_get(m, "Origin-Host", 0));
	CHECK(!strncmp(pseudo, "mme-", 4) && strstr(pseudo, ".hidden.operator.example") &&
	      !strstr(pseudo, "mme7"), "Origin-Host '%s' is a pseudonym mme-*.hidden.operator.example",
	      pseudo);
	CHECK_STR(xft_get(m, "Route-Record", 0), pseudo, "Route-Record hidden the same way");
	CHECK_STR(xft_get(m, "Origin-Realm", 0), "hidden.operator.example");
	fd_msg_free(m);

	m = s6a("Cancel-Location-Request", "hss.partner.example", "partner.example");
	xft_add(m, "Destination-Host", pseudo);
	xft_add(m, "Destination-Realm", "hidden.operator.example");
	m = xft_relayed(m);
	CHECK_ERR(xft_apply(second, m, "dra.partner.example", NULL, NULL, NULL), 0,
	          "CLR through a second rule set with the same key");
	CHECK_STR(xft_get(m, "Destination-Host", 0), "mme7.epc.operator.example",
	          "the second rule set unhides without a table");
	CHECK_STR(xft_get(m, "Destination-Realm", 0), "epc.operator.example");
	fd_msg_free(m);

	/* a name the key does not authenticate is left alone */
	m = s6a("Cancel-Location-Request", "hss.partner.example", "partner.example");
	xft_add(m, "Destination-Host", forged);
	xft_add(m, "Destination-Realm", "hidden.operator.example");
	CHECK_ERR(xft_apply(second, m, "dra.partner.example", NULL, NULL, NULL), 0,
	          "CLR to a forged pseudonym");
	CHECK_STR(xft_get(m, "Destination-Host", 0), forged, "a forged pseudonym is left alone");
	fd_msg_free(m);
out:
	xf_rules_unref(rs);
	xf_rules_unref(second);
	unlink(key);
	rmdir(dir);
}

int main(void)
{
	xft_init();
	test_realm();
	test_imsi();
	test_msisdn();
	test_topology();
	return tap_done();
}

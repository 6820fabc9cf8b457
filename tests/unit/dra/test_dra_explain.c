/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_dra_explain.c: the message file of `dra --explain` (dra_msg_from_yaml) reads values in
 * the text form the rules use (common/'s codec): TBCD digits for an MSISDN, addresses,
 * constant names, 0x octets; a value that does not fit its type is refused with file, line
 * and reason; and dra_explain runs the shipped MSISDN rules on such a message.
 */
#include "dra.h"
#include "dict.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures;

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c); failures++; } } while (0)

static int build(const char *yaml, struct msg **ret, char *err, size_t errlen)
{
	struct cm_ydoc *doc = NULL;
	bool is_req = false;
	char *from = NULL;
	int rc;

	*ret = NULL;
	if ((rc = cm_yaml_load_buf("msg.yaml", yaml, strlen(yaml), &doc, err, errlen)))
		return rc;
	rc = dra_msg_from_yaml(doc->root, ret, &is_req, &from, err, errlen);
	free(from);
	cm_yaml_free(doc);
	return rc;
}

static bool octets(msg_or_avp *parent, const char *name, const void *want, size_t len)
{
	union avp_value *v = cm_avp_value(cm_avp_find(parent, name));

	return v && v->os.len == len && !memcmp(v->os.data, want, len);
}

#define HEAD "command: Insert-Subscriber-Data-Request\navps:\n  - Session-Id: \"s;1\"\n"

static void test_values(void)
{
	struct msg *m = NULL;
	union avp_value *v;
	char err[512];
	int rc;

	rc = build(HEAD
	           "  - Subscription-Data:\n"
	           "      - MSISDN: \"33610123456\"\n"      /* TBCD, as the rules read it */
	           "      - A-MSISDN: \"0x3316\"\n"         /* raw octets */
	           "      - Subscriber-Status: OPERATOR_DETERMINED_BARRING\n"
	           "  - IDR-Flags: 0x10\n"                  /* hex, never octal */
	           "  - Host-IP-Address: 2001:db8::1\n"
	           "  - Event-Timestamp: 3913031424\n",
	           &m, err, sizeof(err));
	CHECK(rc == 0);
	if (rc) {
		fprintf(stderr, "%s\n", err);
		return;
	}
	struct avp *sd = cm_avp_find(m, "Subscription-Data");
	CHECK(octets(sd, "MSISDN", "\x33\x16\x10\x32\x54\xf6", 6));
	CHECK(octets(sd, "A-MSISDN", "\x33\x16", 2));
	CHECK((v = cm_avp_value(cm_avp_find(sd, "Subscriber-Status"))) && v->i32 == 1);
	CHECK((v = cm_avp_value(cm_avp_find(m, "IDR-Flags"))) && v->u32 == 16);
	CHECK(octets(m, "Host-IP-Address", "\x00\x02\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 18));
	CHECK(octets(m, "Event-Timestamp", "\xe9\x3c\x1f\x00", 4));
	fd_msg_free(m);
}

/* The message file must be refused, err containing `want`. */
static void bad(const char *avps, const char *want)
{
	struct msg *m = NULL;
	char yaml[1024], err[512] = "";
	int rc;

	snprintf(yaml, sizeof(yaml), HEAD "%s", avps);
	rc = build(yaml, &m, err, sizeof(err));
	CHECK(rc == EINVAL && m == NULL);
	if (!strstr(err, want)) {
		fprintf(stderr, "expected '%s' in '%s'\n", want, err);
		failures++;
	}
	if (m)
		fd_msg_free(m);
}

static void test_bad_values(void)
{
	bad("  - Host-IP-Address: 300.1.2.3\n",
	    "msg.yaml:4: value '300.1.2.3' for Host-IP-Address (Address): not an IPv4 or IPv6 address");
	bad("  - IDR-Flags: -1\n", "msg.yaml:4: value '-1' for IDR-Flags (Unsigned32): not an Unsigned32");
	bad("  - IDR-Flags: 4294967296\n", "out of range for Unsigned32");
	bad("  - Subscription-Data:\n      - MSISDN: \"3361x\"\n",
	    "msg.yaml:5: value '3361x' for MSISDN (OctetString, TBCD): not a TBCD number");
	bad("  - Subscription-Data:\n      - Subscriber-Status: MAYBE\n", "not an Integer32 or a known constant");
	bad("  - Event-Timestamp: yesterday\n", "not a Time");
	bad("  - No-Such-AVP: 1\n", "msg.yaml:4: unknown AVP No-Such-AVP");
	bad("  - Subscription-Data: 1\n", "grouped AVP needs a list of members");
	bad("  - IDR-Flags: [1]\n", "expected a scalar value for IDR-Flags");
}

/* The shipped MSISDN rules rewrite a message written with MSISDN digits. */
static void test_explain_msisdn(void)
{
	const char *src = getenv("DCORE_SRCDIR");
	char dir[] = "/tmp/dra-explain-XXXXXX", cfg[600], msg[600], rules[4200], err[1024] = "";
	char *out = NULL;
	size_t len = 0;
	FILE *f;
	int rc;

	if (!mkdtemp(dir)) {
		CHECK(0);
		return;
	}
	snprintf(rules, sizeof(rules), "%s/config/rules/msisdn-tbcd.yaml", src ? src : ".");
	snprintf(cfg, sizeof(cfg), "%s/dra.yaml", dir);
	snprintf(msg, sizeof(msg), "%s/idr.yaml", dir);
	CHECK((f = fopen(cfg, "w")) != NULL);
	if (!f)
		return;
	fprintf(f, "diameter: { identity: dra.t, realm: t }\nrules: %s\n"
	        "peer_groups: [ { name: g, peers: [x] } ]\nroutes: [ { name: r, group: g } ]\n", rules);
	fclose(f);
	CHECK((f = fopen(msg, "w")) != NULL);
	if (!f)
		return;
	fputs(HEAD "  - Origin-Host: hss.t\n  - Origin-Realm: t\n  - Destination-Realm: mme.t\n"
	      "  - User-Name: \"001010000000001\"\n"
	      "  - Subscription-Data:\n      - MSISDN: \"33610123456\"\n", f);
	fclose(f);
	CHECK((f = open_memstream(&out, &len)) != NULL);
	if (!f)
		return;
	rc = dra_explain(cfg, msg, f, err, sizeof(err));
	fclose(f);
	CHECK(rc == 0);
	if (rc)
		fprintf(stderr, "%s\n", err);
	CHECK(out && strstr(out, "prefix_map Subscription-Data/MSISDN: '33610123456' -> '33710123456'"));
	CHECK(out && strstr(out, "MSISDN = 0x3317103254f6 (digits 33710123456)"));
	if (failures)
		fprintf(stderr, "explain output:\n%s\n", out ? out : "");
	free(out);
	unlink(cfg);
	unlink(msg);
	rmdir(dir);
}

int main(void)
{
	int rc;

	fd_g_debug_lvl = FD_LOG_ERROR;
	if ((rc = fd_core_initialize()) || (rc = dict_load_all())) {
		fprintf(stderr, "cannot initialise the dictionary: %s\n", strerror(rc));
		return 1;
	}
	test_values();
	test_bad_values();
	test_explain_msisdn();
	if (failures) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	printf("ok\n");
	return 0;
}

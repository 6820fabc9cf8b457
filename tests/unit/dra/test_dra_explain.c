/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_dra_explain.c: the message file of `dra --explain` (dra_msg_from_yaml) reads values in
 * the text form the rules use (common/'s codec): TBCD digits for an MSISDN, addresses,
 * constant names, 0x octets; a value that does not fit its type is refused with file, line
 * and reason; and dra_explain runs the shipped MSISDN rules on such a message.
 */
#include "dra.h"
#include "dict.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	if (!CHECK_ERR(rc, 0, "a message file with values in text form: %s", err))
		return;
	struct avp *sd = cm_avp_find(m, "Subscription-Data");
	CHECK(octets(sd, "MSISDN", "\x33\x16\x10\x32\x54\xf6", 6), "MSISDN digits as TBCD");
	CHECK(octets(sd, "A-MSISDN", "\x33\x16", 2), "0x octets");
	if (CHECK((v = cm_avp_value(cm_avp_find(sd, "Subscriber-Status"))) != NULL,
	          "Subscriber-Status present"))
		CHECK_INT(v->i32, ==, 1, "OPERATOR_DETERMINED_BARRING is 1");
	if (CHECK((v = cm_avp_value(cm_avp_find(m, "IDR-Flags"))) != NULL, "IDR-Flags present"))
		CHECK_UINT(v->u32, ==, 16, "0x10 is 16");
	CHECK(octets(m, "Host-IP-Address", "\x00\x02\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 18),
	      "an IPv6 address");
	CHECK(octets(m, "Event-Timestamp", "\xe9\x3c\x1f\x00", 4), "a Time in seconds since 1900");
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
	CHECK_ERR(rc, EINVAL, "refused: %s", avps);
	CHECK(m == NULL, "no message returned");
	CHECK_SUBSTR(err, want, "the reason");
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

	if (!mkdtemp(dir))
		tap_bail("mkdtemp: %s", strerror(errno));
	snprintf(rules, sizeof(rules), "%s/config/rules/msisdn-tbcd.yaml", src ? src : ".");
	snprintf(cfg, sizeof(cfg), "%s/dra.yaml", dir);
	snprintf(msg, sizeof(msg), "%s/idr.yaml", dir);
	if (!(f = fopen(cfg, "w")))
		tap_bail("%s: %s", cfg, strerror(errno));
	fprintf(f, "diameter: { identity: dra.t, realm: t }\nrules: %s\n"
	        "peer_groups: [ { name: g, peers: [x] } ]\nroutes: [ { name: r, group: g } ]\n", rules);
	fclose(f);
	if (!(f = fopen(msg, "w")))
		tap_bail("%s: %s", msg, strerror(errno));
	fputs(HEAD "  - Origin-Host: hss.t\n  - Origin-Realm: t\n  - Destination-Realm: mme.t\n"
	      "  - User-Name: \"001010000000001\"\n"
	      "  - Subscription-Data:\n      - MSISDN: \"33610123456\"\n", f);
	fclose(f);
	if (!(f = open_memstream(&out, &len)))
		tap_bail("open_memstream: %s", strerror(errno));
	rc = dra_explain(cfg, msg, f, err, sizeof(err));
	fclose(f);
	CHECK_ERR(rc, 0, "dra_explain with the shipped MSISDN rules: %s", err);
	CHECK_SUBSTR(out, "prefix_map Subscription-Data/MSISDN: '33610123456' -> '33710123456'",
	             "the rule rewrites the MSISDN digits");
	CHECK_SUBSTR(out, "MSISDN = 0x3317103254f6 (digits 33710123456)",
	             "the message after the rules holds the new MSISDN");
	free(out);
	unlink(cfg);
	unlink(msg);
	rmdir(dir);
}

int main(void)
{
	int rc;

	fd_g_debug_lvl = FD_LOG_ERROR;
	if ((rc = fd_core_initialize()) || (rc = dict_load_all()))
		tap_bail("cannot initialise the dictionary: %s", strerror(rc));
	test_values();
	test_bad_values();
	test_explain_msisdn();
	return tap_done();
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_yaml.c: the YAML provisioning format of an IMS subscription: rich.yaml reads into
 * exactly the fixture (compared through the emitter), emitting then reading is a fixpoint,
 * a digest_password becomes the HA1 computed independently, and every kind of error names
 * file, line and key, including broken references found only by validation.
 */
#include "ims_test.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void test_rich(void)
{
	const char *src = getenv("DCORE_SRCDIR");
	char path[1024], err[512] = "", *text, *y_fix = NULL, *y_read = NULL, *y_again = NULL;
	struct hss_ims_sub fix, got, again;
	size_t len;

	snprintf(path, sizeof(path), "%s/tests/unit/hss_ims/rich.yaml", src ? src : ".");
	if (!(text = slurp(path, &len))) {
		CHECK(0, "cannot read %s", path);
		return;
	}
	it_rich(&fix);
	hss_ims_sub_init(&got);
	hss_ims_sub_init(&again);
	CHECK_ERR(hss_ims_yaml_parse("rich.yaml", text, len, &got, err, sizeof(err)), 0, "%s", err);
	CHECK_STR(got.impis[0].digest_ha1, IT_ALICE_HA1, "HA1 from the password: %s",
	          got.impis[0].digest_ha1);
	CHECK_ERR(hss_ims_yaml_emit(&fix, &y_fix, NULL), 0, "emit fixture");
	CHECK_ERR(hss_ims_yaml_emit(&got, &y_read, NULL), 0, "emit read");
	CHECK(y_fix && y_read && !strcmp(y_fix, y_read), "rich.yaml differs from the fixture:\n"
	      "--- fixture\n%s\n--- read\n%s", y_fix, y_read);
	/* Fixpoint: what we write reads back to the same. */
	CHECK_ERR(hss_ims_yaml_parse("emitted", y_read, strlen(y_read), &again, err, sizeof(err)), 0,
	          "re-read: %s\n%s", err, y_read);
	CHECK(hss_ims_yaml_emit(&again, &y_again, NULL) == 0 && !strcmp(y_again, y_read),
	      "not a fixpoint:\n%s", y_again);
	CHECK(!strstr(y_read, "digest_password") && !strstr(y_read, ": secret"), "the password is exported");
	free(y_fix);
	free(y_read);
	free(y_again);
	free(text);
	hss_ims_sub_free(&fix);
	hss_ims_sub_free(&got);
	hss_ims_sub_free(&again);
}

static const char base[] =
	"id: bob\n"                                                  /* 1 */
	"private_identities:\n"                                      /* 2 */
	"  - identity: bob@ims.example.org\n"                        /* 3 */
	"    auth_schemes: [sip-digest]\n"                           /* 4 */
	"    digest_realm: ims.example.org\n"                        /* 5 */
	"    digest_password: x\n"                                   /* 6 */
	"public_identities:\n"                                       /* 7 */
	"  - identity: sip:bob@ims.example.org\n"                    /* 8 */
	"    service_profile: p\n"                                   /* 9 */
	"service_profiles:\n"                                        /* 10 */
	"  - name: p\n"                                              /* 11 */
	"    ifcs:\n"                                                /* 12 */
	"      - priority: 1\n"                                      /* 13 */
	"        trigger: {spts: [{method: INVITE}]}\n"              /* 14 */
	"        application_server: {server_name: sip:as.example.org}\n"; /* 15 */

/* base with line `line` (1-based) replaced by `repl` (may hold several lines or none). */
static size_t make_doc(char *doc, size_t sz, int line, const char *repl)
{
	const char *p = base;
	size_t o = 0;

	for (int l = 1; *p; l++) {
		const char *e = strchr(p, '\n') + 1;
		if (l == line)
			o += (size_t)snprintf(doc + o, sz - o, "%s", repl);
		else {
			memcpy(doc + o, p, (size_t)(e - p));
			o += (size_t)(e - p);
		}
		p = e;
	}
	doc[o] = '\0';
	return o;
}

static void expect_err(const char *what, int line, const char *repl, const char *want)
{
	char doc[4096], err[512] = "";
	size_t o = make_doc(doc, sizeof(doc), line, repl);
	struct hss_ims_sub s;
	int rc;


	hss_ims_sub_init(&s);
	rc = hss_ims_yaml_parse("bob.yaml", doc, o, &s, err, sizeof(err));
	CHECK_ERR(rc, EINVAL, "%s: rc %d", what, rc);
	CHECK_SUBSTR(err, want, "%s: got \"%s\", want \"%s\"", what, err, want);
	hss_ims_sub_free(&s);
}

static void test_errors(void)
{
	struct hss_ims_sub s;
	char err[512] = "";

	hss_ims_sub_init(&s);
	CHECK_ERR(hss_ims_yaml_parse("bob.yaml", base, strlen(base), &s, err, sizeof(err)), 0, "base: %s",
	          err);
	hss_ims_sub_free(&s);

	expect_err("unknown key", 9, "    service_profil: p\n",
	           "bob.yaml:9: key 'public_identities[0].service_profil': unknown key");
	expect_err("wrong type", 13, "      - priority: high\n",
	           "bob.yaml:13: key 'service_profiles[0].ifcs[0].priority': expected an integer");
	expect_err("reference", 9, "    service_profile: q\n",
	           "bob.yaml:9: key 'public_identities[0].service_profile': value 'q': no service profile");
	expect_err("bad URI", 8, "  - identity: sip:bob@\n",
	           "bob.yaml:8: key 'public_identities[0].identity': value 'sip:bob@'");
	expect_err("scheme", 4, "    auth_schemes: [digest-md6]\n",
	           "bob.yaml:4: key 'private_identities[0].auth_schemes[0]': unknown scheme");
	expect_err("no schemes", 4, "    auth_schemes: []\n",
	           "bob.yaml:4: key 'private_identities[0].auth_schemes': at least one");
	expect_err("two conditions", 14,
	           "        trigger: {spts: [{method: INVITE, request_uri: x}]}\n",
	           "bob.yaml:14: key 'service_profiles[0].ifcs[0].trigger.spts[0]': an SPT holds one condition");
	expect_err("no condition", 14, "        trigger: {spts: [{group: 1}]}\n",
	           "bob.yaml:14: key 'service_profiles[0].ifcs[0].trigger.spts[0]': an SPT needs one of");
	expect_err("group", 14, "        trigger: {spts: [{method: INVITE, group: [1, -2]}]}\n",
	           "key 'service_profiles[0].ifcs[0].trigger.spts[0].group[1]': expected a group number");
	expect_err("registration type", 14,
	           "        trigger: {spts: [{method: REGISTER, registration_type: deregister}]}\n",
	           "registration_type': expected one of initial");
	expect_err("ha1 and password", 6, "    digest_password: x\n    digest_ha1: 00\n",
	           "private_identities[0].digest_ha1': give digest_ha1 or digest_password");
	expect_err("password without realm", 5, "",
	           "bob.yaml:5: key 'private_identities[0].digest_password': needs digest_realm");
	expect_err("missing", 1, "", "missing required key 'id'");
	expect_err("syntax", 3, "  - identity: [bob\n", "bob.yaml:");
	expect_err("choice", 9, "    service_profile: p\n    type: psi\n",
	           "bob.yaml:10: key 'public_identities[0].type': expected one of public_user_identity");
	expect_err("profile without user", 15,
	           "        application_server: {server_name: sip:as.example.org}\n  - name: unused\n",
	           "bob.yaml:16: key 'service_profiles[1].name': value 'unused': no public identity");
}

/* Numbers read as the schema checker reads them: decimal (a leading 0 is not octal) or
 * 0x hex. */
static void test_numbers(void)
{
	char doc[4096], err[512] = "";
	size_t o = make_doc(doc, sizeof(doc), 11, "  - name: p\n    shared_ifc_sets: [010, 0x10]\n"
	                    "    subscribed_media_profile_id: 007\n");
	struct hss_ims_sub s;

	hss_ims_sub_init(&s);
	CHECK_ERR(hss_ims_yaml_parse("bob.yaml", doc, o, &s, err, sizeof(err)), 0, "%s", err);
	CHECK(s.n_profiles == 1 && s.profiles[0].n_shared_ifc_sets == 2 &&
	      s.profiles[0].shared_ifc_sets[0] == 10 && s.profiles[0].shared_ifc_sets[1] == 16 &&
	      s.profiles[0].media_profile_id == 7, "numbers");
	hss_ims_sub_free(&s);
}

/* Own AKA credentials of an IMPI without an S6a subscriber: read, written back (a
 * fixpoint), and the refusals. */
static void test_aka(void)
{
	char doc[4096], err[512] = "", *y = NULL;
	size_t o = make_doc(doc, sizeof(doc), 4,
	                    "    auth_schemes: [digest-akav1-md5, sip-digest]\n"
	                    "    k: 000102030405060708090A0B0C0D0E0F\n"
	                    "    opc: f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff\n"
	                    "    amf: \"8000\"\n    sqn: 4096\n    ind_bits: 4\n");
	struct hss_ims_sub s, t;

	hss_ims_sub_init(&s);
	hss_ims_sub_init(&t);
	CHECK(hss_ims_yaml_parse("aka.yaml", doc, o, &s, err, sizeof(err)) == 0, "aka: %s", err);
	CHECK(s.n_impis == 1 && s.impis[0].aka.present && s.impis[0].aka.opc &&
	      s.impis[0].aka.k[10] == 0x0a && s.impis[0].aka.op[15] == 0xff &&
	      s.impis[0].aka.amf[0] == 0x80 && s.impis[0].aka.sqn == 4096 &&
	      s.impis[0].aka.ind_bits == 4 && !s.impis[0].imsi[0], "own K/OPc/AMF/SQN read");
	CHECK(hss_ims_yaml_emit(&s, &y, NULL) == 0 && y && strstr(y, "k: 000102030405060708090a0b0c0d0e0f") &&
	      strstr(y, "opc: f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff") && strstr(y, "sqn: 4096"),
	      "written back:\n%s", y ? y : "");
	CHECK(y && hss_ims_yaml_parse("again", y, strlen(y), &t, err, sizeof(err)) == 0 &&
	      !memcmp(&s.impis[0].aka, &t.impis[0].aka, sizeof(s.impis[0].aka)), "fixpoint: %s", err);
	free(y);
	hss_ims_sub_free(&s);
	hss_ims_sub_free(&t);

	expect_err("aka without credentials", 4, "    auth_schemes: [digest-akav1-md5, sip-digest]\n",
	           "private_identities[0].imsi': AKA needs the IMSI");
	expect_err("k without opc", 4, "    auth_schemes: [sip-digest]\n    k: 000102030405060708090a0b0c0d0e0f\n",
	           "key 'private_identities[0].k': k needs opc");
	expect_err("opc without k", 4, "    auth_schemes: [sip-digest]\n    opc: 000102030405060708090a0b0c0d0e0f\n",
	           "key 'private_identities[0].opc': only with k");
	expect_err("op and opc", 4, "    auth_schemes: [sip-digest]\n    k: 000102030405060708090a0b0c0d0e0f\n"
	           "    opc: 000102030405060708090a0b0c0d0e0f\n    op: 000102030405060708090a0b0c0d0e0f\n",
	           "key 'private_identities[0].op': give opc or op");
	expect_err("bad hex", 4, "    auth_schemes: [sip-digest]\n    k: 000102030405060708090a0b0c0d0eXX\n"
	           "    opc: 000102030405060708090a0b0c0d0e0f\n", "private_identities[0].k': 32 hex digits");
	expect_err("imsi and k", 4, "    auth_schemes: [digest-akav1-md5]\n    imsi: \"001010000000001\"\n"
	           "    k: 000102030405060708090a0b0c0d0e0f\n    opc: 000102030405060708090a0b0c0d0e0f\n",
	           "private_identities[0].k': give imsi");
}

int main(void)
{
	test_aka();
	test_numbers();
	test_rich();
	test_errors();
	return tap_done();
}

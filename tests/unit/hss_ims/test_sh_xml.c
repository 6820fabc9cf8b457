/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_sh_xml.c: Sh-Data. Every Data-Reference the HSS answers (repository data, public
 * identities with one and with several Identity-Sets, MSISDN, IMS user state, S-CSCF name,
 * the iFCs of one AS, charging information, PSI activation, DSAI, EPS location and user
 * states) and all of them at once are built, validated against hss/ims/xsd/ShDataType.xsd,
 * read back and compared. Then the PUR reader against what an AS may send: valid updates,
 * and hostile or malformed documents, each answered with the right kind (5100, 5103, 5008)
 * and a message naming the line.
 */
#include "ims_test.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char sd1[] =
	"<simservs xmlns=\"http://uri.etsi.org/ngn/params/xml/simservs/xcap\">"
	"<communication-diversion active=\"true\"><ruleset><rule id=\"cfu\">1 &amp; 2 &lt; 3"
	"</rule></ruleset></communication-diversion></simservs>";
static const char sd2[] = "<x:counter xmlns:x=\"urn:example:as\" x:n=\"7\">ünïcode</x:counter>";

/* Build d, validate, read back into out (full mode). */
static char *roundtrip(const struct hss_ims_sh_data *d, const char *save, struct hss_ims_sh_data *out)
{
	char err[512] = "", msg[512] = "", *xml = NULL;
	enum hss_ims_sh_error kind;
	size_t len = 0;
	int rc;

	hss_ims_sh_data_init(out);
	rc = hss_ims_sh_build(d, &xml, &len, err, sizeof(err));
	CHECK_ERR(rc, 0, "%s: %s", save, err);
	if (rc)
		return NULL;
	CHECK_INT(it_xsd_validate("ShDataType.xsd", xml, len, msg, sizeof(msg)), ==, 0,
	          "%s does not validate: %s\n%s", save, msg, xml);
	it_save(save, xml, len);
	rc = hss_ims_sh_parse(xml, len, 0, NULL, out, &kind, err, sizeof(err));
	CHECK_ERR(rc, 0, "%s: read back: %s\n%s", save, err, xml);
	return xml;
}

static bool same_list(const struct hss_ims_idlist *a, const struct hss_ims_idlist *b)
{
	if (a->present != b->present || a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->ids[i], b->ids[i]))
			return false;
	return true;
}

static void test_repository(void)
{
	struct hss_ims_sh_data d, got;
	char *xml;

	hss_ims_sh_data_init(&d);
	hss_ims_sh_add_repo(&d, "MMTEL-Services", 3, sd1, strlen(sd1));
	hss_ims_sh_add_repo(&d, "counter & co", 65535, sd2, strlen(sd2));
	if ((xml = roundtrip(&d, "sh_repository.xml", &got))) {
		CHECK_INT(got.n_repo, ==, 2, "%zu RepositoryData", got.n_repo);
		for (size_t i = 0; i < got.n_repo && i < 2; i++) {
			CHECK(!strcmp(got.repo[i].service_indication, d.repo[i].service_indication) &&
			      got.repo[i].seq == d.repo[i].seq, "repo %zu head", i);
			CHECK(got.repo[i].service_data && !strcmp(got.repo[i].service_data,
			                                          d.repo[i].service_data),
			      "repo %zu data:\n%s\nwant\n%s", i, got.repo[i].service_data,
			      d.repo[i].service_data);
		}
		free(xml);
	}
	hss_ims_sh_data_free(&got);
	/* Damaged stored data is refused, never sent broken. */
	hss_ims_sh_data_free(&d);
	hss_ims_sh_add_repo(&d, "x", 1, "<a><b></a>", 10);
	xml = NULL;
	{
		char err[256] = "";
		size_t len;
		CHECK(hss_ims_sh_build(&d, &xml, &len, err, sizeof(err)) == EINVAL && !xml, "broken data");
		CHECK_SUBSTR(err, "not well-formed", "%s", err);
		hss_ims_sh_data_free(&d);
		hss_ims_sh_add_repo(&d, "x", 1, "<a/><b/>", 8);
		CHECK_ERR(hss_ims_sh_build(&d, &xml, &len, err, sizeof(err)), EINVAL, "two elements");
		hss_ims_sh_data_free(&d);
		hss_ims_sh_add_repo(&d, "x", 70000, "<a/>", 4);
		CHECK_ERR(hss_ims_sh_build(&d, &xml, &len, err, sizeof(err)), EINVAL, "sequence number");
	}
	hss_ims_sh_data_free(&d);
}

static void test_identities(void)
{
	struct hss_ims_sub s;
	struct hss_ims_sh_data d, got;
	enum hss_ims_identity_set sets[3] = { HSS_IMS_SET_REGISTERED, HSS_IMS_SET_IMPLICIT,
	                                      HSS_IMS_SET_ALIAS };
	bool registered[8] = { true, false, true };
	char *xml;

	it_rich(&s);
	/* One set (none asked: ALL_IDENTITIES) in PublicIdentifiers, with the MSISDN. */
	hss_ims_sh_data_init(&d);
	CHECK_ERR(hss_ims_sh_set_identities(&s, "sip:alice@ims.example.org", NULL, 0, NULL, &d), 0, "all");
	memcpy(d.msisdns[0], s.msisdns[0], sizeof(d.msisdns[0]));
	d.n_msisdns = 1;
	CHECK_INT(d.public_ids.n, ==, 8, "%zu identities", d.public_ids.n);
	if ((xml = roundtrip(&d, "sh_identities_all.xml", &got))) {
		CHECK(same_list(&got.public_ids, &d.public_ids), "PublicIdentifiers");
		CHECK(got.n_msisdns == 1 && !strcmp(got.msisdns[0], "33612345678"), "MSISDN");
		CHECK(!got.registered_ids.present && !got.all_ids.present, "extension lists");
		free(xml);
	}
	hss_ims_sh_data_free(&got);
	hss_ims_sh_data_free(&d);

	/* Several sets: each in its Extension element. */
	hss_ims_sh_data_init(&d);
	CHECK_ERR(hss_ims_sh_set_identities(&s, "tel:+33612345678", sets, 3, registered, &d), 0, "sets");
	CHECK(!d.public_ids.present, "PublicIdentifiers with several sets");
	CHECK(d.registered_ids.n == 2 && d.implicit_ids.n == 3 && d.alias_ids.n == 2,
	      "registered %zu implicit %zu alias %zu", d.registered_ids.n, d.implicit_ids.n,
	      d.alias_ids.n);
	if ((xml = roundtrip(&d, "sh_identities_sets.xml", &got))) {
		CHECK(same_list(&got.registered_ids, &d.registered_ids) &&
		      same_list(&got.implicit_ids, &d.implicit_ids) &&
		      same_list(&got.alias_ids, &d.alias_ids) && !got.all_ids.present, "sets read back");
		CHECK_SUBSTR(xml, "<Extension><RegisteredIdentities>", "placement:\n%s", xml);
		free(xml);
	}
	hss_ims_sh_data_free(&got);
	hss_ims_sh_data_free(&d);

	/* A wildcarded PSI: its type and pattern. */
	hss_ims_sh_data_init(&d);
	CHECK_ERR(hss_ims_sh_set_identities(&s, "sip:conf-7@ims.example.org", NULL, 0, NULL, &d), 0, "psi");
	CHECK(d.pid_type == 2 && it_str_eq(d.pid_wildcard, "sip:conf-!.*!@ims.example.org"), "pattern");
	if ((xml = roundtrip(&d, "sh_identities_wildcard.xml", &got))) {
		CHECK(got.pid_type == 2 && it_str_eq(got.pid_wildcard, d.pid_wildcard), "read back");
		free(xml);
	}
	hss_ims_sh_data_free(&got);
	hss_ims_sh_data_free(&d);
	hss_ims_sh_data_init(&d);
	CHECK_ERR(hss_ims_sh_set_identities(&s, "sip:dave@guest.example.org", NULL, 0, NULL, &d), 0, "impu");
	CHECK_INT(d.pid_type, ==, 3, "wildcarded IMPU type %d", d.pid_type);
	if ((xml = roundtrip(&d, "sh_identities_wildcard_impu.xml", &got))) {
		CHECK(got.pid_type == 3 && it_str_eq(got.pid_wildcard, "sip:!.*!@guest.example.org"), "back");
		free(xml);
	}
	hss_ims_sh_data_free(&got);
	hss_ims_sh_data_free(&d);
	hss_ims_sh_data_init(&d);
	CHECK_ERR(hss_ims_sh_set_identities(&s, "sip:nobody@example.org", NULL, 0, NULL, &d), ENOENT,
	          "unknown identity");
	hss_ims_sh_data_free(&d);
	hss_ims_sub_free(&s);
}

static void test_ims_data(void)
{
	struct hss_ims_sub s;
	struct hss_ims_sh_data d, got;
	char *xml;

	it_rich(&s);
	hss_ims_sh_data_init(&d);
	CHECK_ERR(hss_ims_sh_set_ifcs(&s, "sip:alice.secret@ims.example.org", "sip:MMTEL.example.org;transport=tcp",
	                              &d), 0, "iFCs");
	CHECK(d.n_ifcs == 1 && d.ifcs[0].priority == 10, "only the AS's iFC: %zu", d.n_ifcs);
	hss_ims_set_str(&d.scscf_name, "sip:scscf.ims.example.org:6060");
	d.ims_user_state = HSS_IMS_REGISTERED_UNREG_SERVICES;
	d.charging_present = true;
	hss_ims_set_str(&d.charging.primary_ccf, s.charging.primary_ccf);
	hss_ims_set_str(&d.charging.secondary_ccf, s.charging.secondary_ccf);
	hss_ims_set_str(&d.charging.primary_ecf, s.charging.primary_ecf);
	d.psi_activation = 0;
	d.dsai = calloc(2, sizeof(*d.dsai));
	d.n_dsai = 2;
	d.dsai[0].tag = strdup("filtering");
	d.dsai[0].active = true;
	d.dsai[1].tag = strdup("logging");
	if ((xml = roundtrip(&d, "sh_ims_data.xml", &got))) {
		CHECK(got.n_ifcs == 1 && it_ifc_eq(&got.ifcs[0], &d.ifcs[0]), "iFC read back");
		CHECK(it_str_eq(got.scscf_name, d.scscf_name), "S-CSCF name");
		CHECK_INT(got.ims_user_state, ==, 2, "IMS user state");
		CHECK(got.charging_present && it_str_eq(got.charging.primary_ccf, d.charging.primary_ccf) &&
		      it_str_eq(got.charging.secondary_ccf, d.charging.secondary_ccf) &&
		      it_str_eq(got.charging.primary_ecf, d.charging.primary_ecf) &&
		      !got.charging.secondary_ecf, "charging");
		CHECK_INT(got.psi_activation, ==, 0, "PSI activation");
		CHECK(got.n_dsai == 2 && got.dsai[0].active && !got.dsai[1].active &&
		      !strcmp(got.dsai[1].tag, "logging"), "DSAI");
		CHECK_SUBSTR(xml, "<DSAI-Tag>filtering</DSAI-Tag><DSAI-Value>0</DSAI-Value>",
		             "DSAI 0 is ACTIVE");
		free(xml);
	}
	hss_ims_sh_data_free(&got);
	hss_ims_sh_data_free(&d);

	/* An AS with no iFC gets an empty IFCs element. */
	hss_ims_sh_data_init(&d);
	CHECK_ERR(hss_ims_sh_set_ifcs(&s, "sip:alice@ims.example.org", "sip:other.example.org", &d), 0, "set_ifcs");
	if ((xml = roundtrip(&d, "sh_ifcs_empty.xml", &got))) {
		CHECK_SUBSTR(xml, "<IFCs/>", "empty IFCs:\n%s", xml);
		CHECK(got.ifcs_present && !got.n_ifcs, "read back");
		free(xml);
	}
	hss_ims_sh_data_free(&got);
	hss_ims_sh_data_free(&d);
	hss_ims_sub_free(&s);
}

static void test_location(void)
{
	struct hss_ims_sh_data d, got;
	char *xml;

	hss_ims_sh_data_init(&d);
	d.eps_user_state = HSS_IMS_PS_NOT_PROVIDED;
	d.eps_location.present = true;
	hss_ims_set_str(&d.eps_location.mme_name, "mme1.epc.mnc001.mcc001.3gppnetwork.org");
	d.eps_location.age = 12;
	d.eps_location.rat_type = 1004;
	d.cs_user_state = 1;
	d.ps_user_state = 0;
	if ((xml = roundtrip(&d, "sh_location.xml", &got))) {
		CHECK(got.eps_user_state == 5 && got.eps_location.present &&
		      it_str_eq(got.eps_location.mme_name, d.eps_location.mme_name) &&
		      got.eps_location.age == 12 && got.eps_location.rat_type == 1004, "EPS location");
		CHECK(got.cs_user_state == 1 && got.ps_user_state == 0, "CS/PS states");
		free(xml);
	}
	hss_ims_sh_data_free(&got);
	d.eps_location.age = 40000;
	{
		char err[256] = "";
		size_t len;
		xml = NULL;
		CHECK(hss_ims_sh_build(&d, &xml, &len, err, sizeof(err)) == EINVAL && !xml, "age range");
	}
	hss_ims_sh_data_free(&d);
}

/* Everything at once, in one document. */
static void test_all(void)
{
	struct hss_ims_sub s;
	struct hss_ims_sh_data d, got;
	enum hss_ims_identity_set sets[2] = { HSS_IMS_SET_ALL, HSS_IMS_SET_ALIAS };
	char *xml;

	it_rich(&s);
	hss_ims_sh_data_init(&d);
	hss_ims_sh_set_identities(&s, "sip:alice@ims.example.org", sets, 2, NULL, &d);
	hss_ims_sh_set_ifcs(&s, "sip:alice@ims.example.org", "sip:reg-as.example.org", &d);
	hss_ims_sh_add_repo(&d, "a", 0, sd1, strlen(sd1));
	hss_ims_sh_add_repo(&d, "b", 1, NULL, 0);
	hss_ims_set_str(&d.scscf_name, "sip:scscf.ims.example.org");
	d.ims_user_state = 1;
	d.psi_activation = 1;
	d.eps_user_state = 2;
	d.eps_location.present = true;
	hss_ims_set_str(&d.eps_location.mme_name, "mme.example.org");
	d.ps_user_state = 4;
	strcpy(d.msisdns[d.n_msisdns++], "33612345678");
	if ((xml = roundtrip(&d, "sh_all.xml", &got))) {
		CHECK(same_list(&got.all_ids, &d.all_ids) && same_list(&got.alias_ids, &d.alias_ids),
		      "identities");
		CHECK(got.n_repo == 2 && !got.repo[1].service_data, "repository");
		CHECK(got.n_ifcs == 1 && it_ifc_eq(&got.ifcs[0], &d.ifcs[0]), "iFC");
		CHECK(got.psi_activation == 1 && got.eps_user_state == 2 && got.ps_user_state == 4, "states");
		free(xml);
	}
	hss_ims_sh_data_free(&got);
	hss_ims_sh_data_free(&d);
	hss_ims_sub_free(&s);
}

/* ------------------------------------------------------------------------------ PUR */

struct pur_case {
	const char *what;
	const char *xml;
	int rc;
	enum hss_ims_sh_error kind;
	const char *msg;          /* expected in the error */
};

static const struct pur_case pur_cases[] = {
	{ "not XML", "RepositoryData", EINVAL, HSS_IMS_SH_NOT_RECOGNIZED, "line 1" },
	{ "truncated", "<Sh-Data><RepositoryData>", EINVAL, HSS_IMS_SH_NOT_RECOGNIZED, "line 1" },
	{ "billion laughs",
	  "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;"
	  "&lol;&lol;&lol;&lol;&lol;&lol;&lol;\"><!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"
	  "&lol2;&lol2;&lol2;&lol2;\">]>\n<Sh-Data><RepositoryData><ServiceIndication>&lol3;"
	  "</ServiceIndication><SequenceNumber>1</SequenceNumber></RepositoryData></Sh-Data>",
	  EINVAL, HSS_IMS_SH_NOT_RECOGNIZED, "line 2: DOCTYPE not accepted" },
	{ "external entity",
	  "<!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><Sh-Data><RepositoryData>"
	  "<ServiceIndication>&xxe;</ServiceIndication><SequenceNumber>1</SequenceNumber>"
	  "</RepositoryData></Sh-Data>", EINVAL, HSS_IMS_SH_NOT_RECOGNIZED, "DOCTYPE" },
	{ "external DTD", "<!DOCTYPE Sh-Data SYSTEM \"http://127.0.0.1:1/x.dtd\"><Sh-Data/>", EINVAL,
	  HSS_IMS_SH_NOT_RECOGNIZED, "DOCTYPE" },
	{ "undeclared entity", "<Sh-Data><RepositoryData><ServiceIndication>&x;</ServiceIndication>"
	  "</RepositoryData></Sh-Data>", EINVAL, HSS_IMS_SH_NOT_RECOGNIZED, "line 1" },
	{ "UTF-16", "\xff\xfe<\0S\0", EINVAL, HSS_IMS_SH_NOT_RECOGNIZED, "UTF-8" },
	{ "bad UTF-8", "<Sh-Data><RepositoryData><ServiceIndication>\xc3\x28</ServiceIndication>"
	  "<SequenceNumber>1</SequenceNumber></RepositoryData></Sh-Data>", EINVAL,
	  HSS_IMS_SH_NOT_RECOGNIZED, "line 1" },
	{ "namespace root", "<Sh-Data xmlns=\"urn:x\"/>", EINVAL, HSS_IMS_SH_NOT_RECOGNIZED, "<Sh-Data>" },
	{ "other root", "<IMSSubscription/>", EINVAL, HSS_IMS_SH_NOT_RECOGNIZED, "expected <Sh-Data>" },
	{ "unknown element", "<Sh-Data>\n<Bogus/></Sh-Data>", EINVAL, HSS_IMS_SH_NOT_RECOGNIZED,
	  "line 2: <Bogus>" },
	{ "empty", "<Sh-Data/>", EINVAL, HSS_IMS_SH_NOT_RECOGNIZED, "nothing" },
	{ "S-CSCF name", "<Sh-Data><Sh-IMS-Data><SCSCFName>sip:evil</SCSCFName></Sh-IMS-Data></Sh-Data>",
	  EINVAL, HSS_IMS_SH_NOT_MODIFIABLE, "<SCSCFName>" },
	{ "iFCs", "<Sh-Data><Sh-IMS-Data><IFCs/></Sh-IMS-Data></Sh-Data>", EINVAL,
	  HSS_IMS_SH_NOT_MODIFIABLE, "<IFCs>" },
	{ "user state", "<Sh-Data><Sh-IMS-Data><IMSUserState>1</IMSUserState></Sh-IMS-Data></Sh-Data>",
	  EINVAL, HSS_IMS_SH_NOT_MODIFIABLE, "<IMSUserState>" },
	{ "public ids", "<Sh-Data><PublicIdentifiers><IMSPublicIdentity>sip:a@b</IMSPublicIdentity>"
	  "</PublicIdentifiers></Sh-Data>", EINVAL, HSS_IMS_SH_NOT_MODIFIABLE, "<PublicIdentifiers>" },
	{ "location", "<Sh-Data><CSLocationInformation/></Sh-Data>", EINVAL, HSS_IMS_SH_NOT_MODIFIABLE,
	  "" },
	{ "extension", "<Sh-Data><Extension><AllIdentities/></Extension></Sh-Data>", EINVAL,
	  HSS_IMS_SH_NOT_MODIFIABLE, "<Extension>" },
	{ "trace info", "<Sh-Data><Sh-IMS-Data><Extension><Extension><Extension><ServiceLevelTraceInfo>x"
	  "</ServiceLevelTraceInfo></Extension></Extension></Extension></Sh-IMS-Data></Sh-Data>", EINVAL,
	  HSS_IMS_SH_NOT_MODIFIABLE, "<ServiceLevelTraceInfo>" },
	{ "no sequence", "<Sh-Data><RepositoryData><ServiceIndication>a</ServiceIndication>"
	  "</RepositoryData></Sh-Data>", EINVAL, HSS_IMS_SH_NOT_RECOGNIZED, "SequenceNumber" },
	{ "sequence range", "<Sh-Data><RepositoryData><ServiceIndication>a</ServiceIndication>"
	  "<SequenceNumber>65536</SequenceNumber></RepositoryData></Sh-Data>", EINVAL,
	  HSS_IMS_SH_NOT_RECOGNIZED, "<SequenceNumber>" },
	{ "negative sequence", "<Sh-Data><RepositoryData><ServiceIndication>a</ServiceIndication>"
	  "<SequenceNumber>-1</SequenceNumber></RepositoryData></Sh-Data>", EINVAL,
	  HSS_IMS_SH_NOT_RECOGNIZED, "<SequenceNumber>" },
	{ "empty indication", "<Sh-Data><RepositoryData><ServiceIndication> </ServiceIndication>"
	  "<SequenceNumber>1</SequenceNumber></RepositoryData></Sh-Data>", EINVAL,
	  HSS_IMS_SH_NOT_RECOGNIZED, "empty" },
	{ "indication twice", "<Sh-Data><RepositoryData><ServiceIndication>a</ServiceIndication>"
	  "<SequenceNumber>1</SequenceNumber></RepositoryData><RepositoryData><ServiceIndication>a"
	  "</ServiceIndication><SequenceNumber>2</SequenceNumber></RepositoryData></Sh-Data>", EINVAL,
	  HSS_IMS_SH_NOT_RECOGNIZED, "twice" },
	{ "two elements", "<Sh-Data><RepositoryData><ServiceIndication>a</ServiceIndication>"
	  "<SequenceNumber>1</SequenceNumber><ServiceData><a/><b/></ServiceData></RepositoryData>"
	  "</Sh-Data>", EINVAL, HSS_IMS_SH_NOT_RECOGNIZED, "exactly one element" },
	{ "text data", "<Sh-Data><RepositoryData><ServiceIndication>a</ServiceIndication>"
	  "<SequenceNumber>1</SequenceNumber><ServiceData>text</ServiceData></RepositoryData>"
	  "</Sh-Data>", EINVAL, HSS_IMS_SH_NOT_RECOGNIZED, "<ServiceData>" },
	{ "stray element", "<Sh-Data><RepositoryData><ServiceIndication>a</ServiceIndication>"
	  "<SequenceNumber>1</SequenceNumber><Junk/></RepositoryData></Sh-Data>", EINVAL,
	  HSS_IMS_SH_NOT_RECOGNIZED, "<Junk>" },
	{ "namespaced ServiceData", "<Sh-Data><RepositoryData><ServiceIndication>a</ServiceIndication>"
	  "<SequenceNumber>1</SequenceNumber><ServiceData xmlns=\"urn:as\"><x/></ServiceData>"
	  "</RepositoryData></Sh-Data>", EINVAL, HSS_IMS_SH_NOT_RECOGNIZED, "in namespace 'urn:as'" },
	{ "PSI activation 2", "<Sh-Data><Sh-IMS-Data><Extension><PSIActivation>2</PSIActivation>"
	  "</Extension></Sh-IMS-Data></Sh-Data>", EINVAL, HSS_IMS_SH_NOT_RECOGNIZED, "<PSIActivation>" },
	{ "DSAI without value", "<Sh-Data><Sh-IMS-Data><Extension><Extension><DSAI><DSAI-Tag>t</DSAI-Tag>"
	  "</DSAI></Extension></Extension></Sh-IMS-Data></Sh-Data>", EINVAL, HSS_IMS_SH_NOT_RECOGNIZED,
	  "DSAI-Value" },
	{ NULL, NULL, 0, 0, NULL },
};

static void test_pur_hostile(void)
{
	for (const struct pur_case *c = pur_cases; c->what; c++) {
		struct hss_ims_sh_data d;
		enum hss_ims_sh_error kind = HSS_IMS_SH_OK;
		char err[512] = "";
		size_t len = strlen(c->xml);
		int rc;

		if (!strcmp(c->what, "UTF-16"))
			len = 6;
		hss_ims_sh_data_init(&d);
		rc = hss_ims_sh_parse(c->xml, len, HSS_IMS_SH_PUR, NULL, &d, &kind, err, sizeof(err));
		CHECK(rc == c->rc && kind == c->kind, "%s: rc %d kind %d (%s)", c->what, rc, (int)kind, err);
		CHECK_SUBSTR(err, c->msg, "%s: got \"%s\", want \"%s\"", c->what, err, c->msg);
		CHECK(!strncmp(err, "line ", 5), "%s: no line in \"%s\"", c->what, err);
		CHECK(!strstr(err, "root:"), "%s: file content leaked: %s", c->what, err);
		CHECK_INT(d.n_repo, ==, 0, "%s: output touched", c->what);
		hss_ims_sh_data_free(&d);
	}
}

static void test_pur_limits(void)
{
	struct hss_ims_xml_limits lim = { .max_bytes = 4096, .max_depth = 8, .max_elements = 50,
	                                  .max_service_data = 100, .max_repository = 2 };
	struct hss_ims_sh_data d;
	enum hss_ims_sh_error kind;
	char err[512], doc[8192];
	size_t o;
	int rc;

	/* Size. */
	o = (size_t)snprintf(doc, sizeof(doc), "<Sh-Data><RepositoryData><ServiceIndication>");
	memset(doc + o, 'a', 5000);
	o += 5000;
	o += (size_t)snprintf(doc + o, sizeof(doc) - o, "</ServiceIndication></RepositoryData></Sh-Data>");
	hss_ims_sh_data_init(&d);
	rc = hss_ims_sh_parse(doc, o, HSS_IMS_SH_PUR, &lim, &d, &kind, err, sizeof(err));
	CHECK(rc == E2BIG && kind == HSS_IMS_SH_TOO_MUCH_DATA && strstr(err, "4096"), "size: %s", err);
	/* Depth. */
	o = (size_t)snprintf(doc, sizeof(doc), "<Sh-Data><RepositoryData><ServiceIndication>a"
	                     "</ServiceIndication><SequenceNumber>1</SequenceNumber><ServiceData>");
	for (int i = 0; i < 10; i++)
		o += (size_t)snprintf(doc + o, sizeof(doc) - o, "<d>");
	for (int i = 0; i < 10; i++)
		o += (size_t)snprintf(doc + o, sizeof(doc) - o, "</d>");
	o += (size_t)snprintf(doc + o, sizeof(doc) - o, "</ServiceData></RepositoryData></Sh-Data>");
	rc = hss_ims_sh_parse(doc, o, HSS_IMS_SH_PUR, &lim, &d, &kind, err, sizeof(err));
	CHECK(rc == E2BIG && kind == HSS_IMS_SH_TOO_MUCH_DATA && strstr(err, "deeper"), "depth: %s", err);
	/* Element count. */
	o = (size_t)snprintf(doc, sizeof(doc), "<Sh-Data><RepositoryData><ServiceIndication>a"
	                     "</ServiceIndication><SequenceNumber>1</SequenceNumber><ServiceData><l>");
	for (int i = 0; i < 60; i++)
		o += (size_t)snprintf(doc + o, sizeof(doc) - o, "<i/>");
	o += (size_t)snprintf(doc + o, sizeof(doc) - o, "</l></ServiceData></RepositoryData></Sh-Data>");
	rc = hss_ims_sh_parse(doc, o, HSS_IMS_SH_PUR, &lim, &d, &kind, err, sizeof(err));
	CHECK(rc == E2BIG && kind == HSS_IMS_SH_TOO_MUCH_DATA && strstr(err, "50 elements"),
	      "elements: %s", err);
	/* ServiceData size: 5008. */
	o = (size_t)snprintf(doc, sizeof(doc), "<Sh-Data><RepositoryData><ServiceIndication>a"
	                     "</ServiceIndication><SequenceNumber>1</SequenceNumber><ServiceData><t>%0150d"
	                     "</t></ServiceData></RepositoryData></Sh-Data>", 0);
	rc = hss_ims_sh_parse(doc, o, HSS_IMS_SH_PUR, &lim, &d, &kind, err, sizeof(err));
	CHECK(rc == E2BIG && kind == HSS_IMS_SH_TOO_MUCH_DATA && strstr(err, "limit is 100"),
	      "service data: %s", err);
	/* Too many RepositoryData. */
	o = (size_t)snprintf(doc, sizeof(doc), "<Sh-Data>");
	for (int i = 0; i < 3; i++)
		o += (size_t)snprintf(doc + o, sizeof(doc) - o, "<RepositoryData><ServiceIndication>%d"
		                      "</ServiceIndication><SequenceNumber>1</SequenceNumber></RepositoryData>",
		                      i);
	o += (size_t)snprintf(doc + o, sizeof(doc) - o, "</Sh-Data>");
	rc = hss_ims_sh_parse(doc, o, HSS_IMS_SH_PUR, &lim, &d, &kind, err, sizeof(err));
	CHECK(rc == E2BIG && kind == HSS_IMS_SH_TOO_MUCH_DATA, "repository count: %s", err);
	/* The defaults stop libxml2-size nesting too. */
	o = (size_t)snprintf(doc, sizeof(doc), "<Sh-Data>");
	for (int i = 0; i < 300 && o + 16 < sizeof(doc) / 2; i++)
		o += (size_t)snprintf(doc + o, sizeof(doc) - o, "<x>");
	rc = hss_ims_sh_parse(doc, o, HSS_IMS_SH_PUR, NULL, &d, &kind, err, sizeof(err));
	CHECK(rc != 0 && kind != HSS_IMS_SH_OK, "unclosed nesting accepted");
	CHECK_INT(d.n_repo, ==, 0, "output touched");
	hss_ims_sh_data_free(&d);
}

static void test_pur_valid(void)
{
	static const char pur[] =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<Sh-Data xmlns:ss=\"http://uri.etsi.org/ngn/params/xml/simservs/xcap\">\n"
		"  <RepositoryData>\n"
		"    <ServiceIndication>MMTEL-Services</ServiceIndication>\n"
		"    <SequenceNumber>4</SequenceNumber>\n"
		"    <ServiceData><ss:simservs><ss:cdiv active=\"true\"><![CDATA[a<b]]></ss:cdiv>"
		"</ss:simservs></ServiceData>\n"
		"    <Extension/>\n"
		"  </RepositoryData>\n"
		"  <RepositoryData><ServiceIndication>gone</ServiceIndication>"
		"<SequenceNumber>9</SequenceNumber></RepositoryData>\n"
		"  <Sh-IMS-Data><Extension><PSIActivation>1</PSIActivation><Extension>"
		"<DSAI><DSAI-Tag>t1</DSAI-Tag><DSAI-Value>1</DSAI-Value></DSAI></Extension></Extension>"
		"</Sh-IMS-Data>\n"
		"  <x:vendor xmlns:x=\"urn:vendor\">ignored</x:vendor>\n"
		"</Sh-Data>\n";
	struct hss_ims_sh_data d, again;
	enum hss_ims_sh_error kind = HSS_IMS_SH_NOT_RECOGNIZED;
	char err[512] = "", *xml = NULL, msg[512] = "";
	size_t len = 0;

	hss_ims_sh_data_init(&d);
	CHECK(hss_ims_sh_parse(pur, strlen(pur), HSS_IMS_SH_PUR, NULL, &d, &kind, err, sizeof(err)) == 0 &&
	      kind == HSS_IMS_SH_OK, "valid PUR: %s", err);
	CHECK_INT(d.n_repo, ==, 2, "%zu repos", d.n_repo);
	if (d.n_repo == 2) {
		CHECK(!strcmp(d.repo[0].service_indication, "MMTEL-Services") && d.repo[0].seq == 4, "head");
		/* The namespace declared on Sh-Data travels with the data; CDATA becomes text. */
		CHECK(d.repo[0].service_data &&
		      !strcmp(d.repo[0].service_data, "<ss:simservs xmlns:ss=\"http://uri.etsi.org/ngn/params/"
		              "xml/simservs/xcap\"><ss:cdiv active=\"true\">a&lt;b</ss:cdiv></ss:simservs>"),
		      "service data: %s", d.repo[0].service_data);
		CHECK(!d.repo[1].service_data && d.repo[1].seq == 9, "deletion has no ServiceData");
	}
	CHECK(d.psi_activation == 1 && d.n_dsai == 1 && !d.dsai[0].active, "PSI activation / DSAI");
	/* What was stored goes out again in a UDA that validates. */
	CHECK_ERR(hss_ims_sh_build(&d, &xml, &len, err, sizeof(err)), 0, "rebuild: %s", err);
	if (xml) {
		CHECK_INT(it_xsd_validate("ShDataType.xsd", xml, len, msg, sizeof(msg)), ==, 0, "%s\n%s", msg, xml);
		it_save("sh_pur_echo.xml", xml, len);
		hss_ims_sh_data_init(&again);
		CHECK_ERR(hss_ims_sh_parse(xml, len, HSS_IMS_SH_PUR, NULL, &again, &kind, err, sizeof(err)), 0,
		          "echo as PUR: %s", err);
		CHECK(again.n_repo == 2 && again.repo[0].service_data &&
		      !strcmp(again.repo[0].service_data, d.repo[0].service_data), "stable");
		hss_ims_sh_data_free(&again);
		free(xml);
	}
	hss_ims_sh_data_free(&d);
}

int main(void)
{
	test_repository();
	test_identities();
	test_ims_data();
	test_location();
	test_all();
	test_pur_hostile();
	test_pur_limits();
	test_pur_valid();
	return tap_done();
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_cx_xml.c: the Cx User-Data of the rich subscription for each kind of request: an
 * implicit registration set spread over two service profiles with a barred member, the
 * same set asked through its tel URI written differently, a wildcarded PSI, a wildcarded
 * IMPU and a non-distinct IMPU, shared iFC sets sent as ids or expanded, and the refusals
 * (unknown identity, an IMPI that may not use the IMPU, a shared set the HSS cannot
 * expand). Every document is validated against hss/ims/xsd/CxDataType.xsd, read back and
 * compared with the model; with IMS_XML_OUT set they are also saved for the xmllint test.
 */
#include "ims_test.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static char *build(const struct hss_ims_sub *s, const struct hss_ims_cx_opts *o, const char *save,
                   size_t *len)
{
	char err[512] = "", msg[512] = "", *xml = NULL;
	int rc = hss_ims_cx_user_data(s, o, &xml, len, err, sizeof(err));

	CHECK_ERR(rc, 0, "%s: %s", save, err);
	if (rc)
		return NULL;
	CHECK(!strncmp(xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 38), "%s: declaration", save);
	CHECK_INT(it_xsd_validate("CxDataType.xsd", xml, *len, msg, sizeof(msg)), ==, 0,
	          "%s does not validate: %s\n%s", save, msg, xml);
	it_save(save, xml, *len);
	return xml;
}

/* Read back and return the model (caller frees). */
static void reread(const char *xml, size_t len, struct hss_ims_sub *out)
{
	char err[512] = "";

	hss_ims_sub_init(out);
	CHECK_ERR(hss_ims_cx_parse(xml, len, NULL, out, err, sizeof(err)), 0, "re-read: %s\n%s", err,
	          xml);
}

static const struct hss_ims_profile *profile_of(const struct hss_ims_sub *s, const char *name)
{
	long p = hss_ims_find_profile(s, name);
	return p < 0 ? NULL : &s->profiles[p];
}

/* The profile as sent equals the model's: same CN authorisation, same iFCs in priority
 * order, same shared set ids. */
static void same_profile(const char *what, const struct hss_ims_profile *sent,
                         const struct hss_ims_profile *model, bool with_sets)
{
	const struct hss_ims_ifc *order[HSS_IMS_MAX_IFCS];
	size_t n = model->n_ifcs;

	CHECK_INT(sent->media_profile_id, ==, model->media_profile_id, "%s: media profile %lld",
	          what, (long long)sent->media_profile_id);
	CHECK_INT(sent->n_ifcs, ==, n, "%s: %zu iFCs, want %zu", what, sent->n_ifcs, n);
	for (size_t i = 0; i < n; i++)
		order[i] = &model->ifcs[i];
	for (size_t i = 0; i < n; i++)        /* by priority */
		for (size_t j = i + 1; j < n; j++)
			if (order[j]->priority < order[i]->priority) {
				const struct hss_ims_ifc *t = order[i];
				order[i] = order[j];
				order[j] = t;
			}
	for (size_t i = 0; i < n && i < sent->n_ifcs; i++)
		CHECK(it_ifc_eq(&sent->ifcs[i], order[i]), "%s: iFC %zu (priority %u) differs", what, i,
		      order[i]->priority);
	CHECK_INT(sent->n_shared_ifc_sets, ==, (with_sets ? model->n_shared_ifc_sets : 0),
	          "%s: %zu shared sets", what, sent->n_shared_ifc_sets);
	for (size_t i = 0; with_sets && i < model->n_shared_ifc_sets; i++)
		CHECK_INT(sent->shared_ifc_sets[i], ==, model->shared_ifc_sets[i], "%s: shared set %zu", what, i);
}

static void test_registration_set(void)
{
	struct hss_ims_sub s, got;
	struct hss_ims_cx_opts o = { .impi = "alice@ims.example.org",
	                             .impu = "sip:alice@ims.example.org", .shared_ifc_sets = true };
	size_t len = 0, len2 = 0;
	char *xml, *xml2;

	it_rich(&s);
	if (!(xml = build(&s, &o, "cx_irs.xml", &len)))
		goto out;
	reread(xml, len, &got);
	CHECK(got.n_impis == 1 && !strcmp(got.impis[0].identity, "alice@ims.example.org"), "PrivateID");
	/* Set 1: alice (default, first), the tel alias, the barred work identity; not set 2's
	 * alice.secret, not the PSIs. */
	CHECK_INT(got.n_impus, ==, 3, "%zu identities", got.n_impus);
	CHECK_INT(got.n_profiles, ==, 2, "%zu service profiles", got.n_profiles);
	if (got.n_impus == 3 && got.n_profiles == 2) {
		CHECK_STR(got.impus[0].identity, "sip:alice@ims.example.org", "default first: %s",
		          got.impus[0].identity);
		CHECK_STR(got.impus[1].identity, "tel:+33-6-12-34-56-78", "tel: %s", got.impus[1].identity);
		CHECK_STR(got.impus[2].identity, "sip:alice.work@ims.example.org", "work");
		CHECK(!got.impus[0].barred && !got.impus[1].barred && got.impus[2].barred, "barring");
		CHECK(!strcmp(got.impus[0].service_profile, "sp1") && !strcmp(got.impus[2].service_profile,
		      "sp2"), "work uses the second ServiceProfile");
		CHECK(it_str_eq(got.impus[0].display_name, "Alice Ümlaut <&>"), "display name %s",
		      got.impus[0].display_name);
		CHECK(it_str_eq(got.impus[0].alias_group, "a") && it_str_eq(got.impus[1].alias_group, "a"),
		      "alias group");
		same_profile("voice", &got.profiles[0], profile_of(&s, "voice"), true);
		same_profile("work", &got.profiles[1], profile_of(&s, "work"), true);
	}
	/* Numeric booleans and the escaping of markup in text. */
	CHECK_SUBSTR(xml, "<BarringIndication>1</BarringIndication>", "barring as 1");
	CHECK_SUBSTR(xml, "<ConditionTypeCNF>1</ConditionTypeCNF>", "CNF as 1");
	CHECK_SUBSTR(xml, "mmtel &lt;&amp;&gt;", "escaping");
	CHECK_SUBSTR(xml, "<IncludeRegisterRequest/><IncludeRegisterResponse/>",
	             "register inclusion flags");
	CHECK(!strstr(xml, "alice.secret") && !strstr(xml, "conf-"), "other sets leaked");
	hss_ims_sub_free(&got);

	/* The same set asked through the tel URI without separators: the same document. */
	o.impu = "tel:+33612345678";
	if ((xml2 = build(&s, &o, "cx_irs_tel.xml", &len2)))
		CHECK(len == len2 && !memcmp(xml, xml2, len), "different document through the tel URI");
	free(xml2);
	free(xml);
out:
	hss_ims_sub_free(&s);
}

static void test_wildcards(void)
{
	struct hss_ims_sub s, got;
	struct hss_ims_cx_opts o = { .impu = "sip:conf-42@ims.example.org", .shared_ifc_sets = true };
	size_t len;
	char *xml;

	it_rich(&s);
	/* Wildcarded PSI: the asked PSI as Identity, the pattern as WildcardedPSI. */
	if ((xml = build(&s, &o, "cx_wildcarded_psi.xml", &len))) {
		CHECK_SUBSTR(xml, "<Identity>sip:conf-42@ims.example.org</Identity><Extension>"
		              "<IdentityType>2</IdentityType><WildcardedPSI>sip:conf-!.*!@ims.example.org"
		              "</WildcardedPSI>", "wildcarded PSI:\n%s", xml);
		reread(xml, len, &got);
		CHECK(got.n_impus == 1 && got.impus[0].type == HSS_IMS_ID_WILDCARDED_PSI &&
		      !strcmp(got.impus[0].identity, "sip:conf-!.*!@ims.example.org"), "read back");
		same_profile("psi", &got.profiles[0], profile_of(&s, "psi"), true);
		hss_ims_sub_free(&got);
		free(xml);
	}
	/* An identity inside the wildcarded IMPU range: set 3 (pattern entry first). */
	o.impu = "sip:carol@guest.example.org";
	if ((xml = build(&s, &o, "cx_wildcarded_impu.xml", &len))) {
		CHECK_SUBSTR(xml, "<Identity>sip:carol@guest.example.org</Identity><Extension>"
		              "<IdentityType>4</IdentityType><Extension><Extension><WildcardedIMPU>"
		              "sip:!.*!@guest.example.org</WildcardedIMPU>", "wildcarded IMPU:\n%s",
		             xml);
		CHECK_SUBSTR(xml, "<Identity>sip:bob@guest.example.org</Identity><Extension>"
		              "<IdentityType>3</IdentityType><Extension><Extension><WildcardedIMPU>"
		              "sip:!.*!@guest.example.org</WildcardedIMPU>", "non-distinct IMPU");
		reread(xml, len, &got);
		CHECK(got.n_impus == 2 && got.impus[0].type == HSS_IMS_ID_WILDCARDED_IMPU &&
		      got.impus[1].type == HSS_IMS_ID_NON_DISTINCT_IMPU &&
		      it_str_eq(got.impus[1].wildcarded_impu, "sip:!.*!@guest.example.org"), "read back");
		hss_ims_sub_free(&got);
		free(xml);
	}
	/* The non-distinct IMPU itself: same set, the pattern entry keeps its pattern. */
	o.impu = "sip:bob@guest.example.org";
	if ((xml = build(&s, &o, "cx_non_distinct.xml", &len))) {
		CHECK_SUBSTR(xml, "<Identity>sip:!.*!@guest.example.org</Identity>", "pattern");
		free(xml);
	}
	/* A distinct PSI with its own set. */
	o.impu = "sip:chat@ims.example.org";
	if ((xml = build(&s, &o, "cx_distinct_psi.xml", &len))) {
		CHECK_SUBSTR(xml, "<IdentityType>1</IdentityType>", "distinct PSI");
		free(xml);
	}
	hss_ims_sub_free(&s);
}

static void test_shared_sets(void)
{
	struct hss_ims_sub s, got;
	struct hss_ims_shared_set sets[2];
	struct hss_ims_cx_opts o = { .impu = "sip:alice.secret@ims.example.org", .shared_ifc_sets = false,
	                             .sets = sets, .n_sets = 2 };
	char err[512] = "", *xml = NULL;
	size_t len;

	it_rich(&s);
	it_shared_sets(sets);
	/* Expanded: the profile's iFCs (0, 5, 10) and the sets' (3, 100), in priority order,
	 * no SharedIFCSetID. */
	if ((xml = build(&s, &o, "cx_shared_expanded.xml", &len))) {
		reread(xml, len, &got);
		CHECK(!strstr(xml, "SharedIFCSetID"), "ids sent to an S-CSCF without the feature");
		CHECK(got.n_profiles == 1 && got.profiles[0].n_ifcs == 5, "%zu iFCs",
		      got.n_profiles ? got.profiles[0].n_ifcs : 0);
		if (got.n_profiles == 1 && got.profiles[0].n_ifcs == 5) {
			const uint32_t want[5] = { 0, 3, 5, 10, 100 };
			for (int i = 0; i < 5; i++)
				CHECK_INT(got.profiles[0].ifcs[i].priority, ==, want[i], "iFC %d priority %u", i,
				          got.profiles[0].ifcs[i].priority);
			CHECK(it_ifc_eq(&got.profiles[0].ifcs[1], &sets[0].ifcs[0]), "set 10's iFC");
			CHECK(it_ifc_eq(&got.profiles[0].ifcs[4], &sets[1].ifcs[0]), "set 20's iFC");
		}
		hss_ims_sub_free(&got);
		free(xml);
	}
	/* Ids to an S-CSCF with the feature. */
	o.shared_ifc_sets = true;
	if ((xml = build(&s, &o, "cx_shared_ids.xml", &len))) {
		CHECK_SUBSTR(xml, "<Extension><SharedIFCSetID>10</SharedIFCSetID><SharedIFCSetID>20"
		              "</SharedIFCSetID></Extension></ServiceProfile>", "ids:\n%s", xml);
		free(xml);
	}
	/* Neither the feature nor the definition of set 20. */
	o.shared_ifc_sets = false;
	o.n_sets = 1;
	xml = NULL;
	CHECK(hss_ims_cx_user_data(&s, &o, &xml, &len, err, sizeof(err)) == EINVAL && !xml,
	      "undefined shared set accepted");
	CHECK_SUBSTR(err, "shared iFC set 20", "message: %s", err);
	it_shared_sets_free(sets);
	hss_ims_sub_free(&s);
}

static void test_refusals(void)
{
	struct hss_ims_sub s;
	struct hss_ims_cx_opts o = { .impi = "alice-fixed@ims.example.org",
	                             .impu = "sip:alice.secret@ims.example.org" };
	char err[512] = "", *xml = NULL;
	size_t len;

	it_rich(&s);
	CHECK(hss_ims_cx_user_data(&s, &o, &xml, &len, err, sizeof(err)) == ENOENT && !xml,
	      "restricted IMPI got another IMPU's profile");
	CHECK_SUBSTR(err, "may not use", "%s", err);
	o.impu = "sip:nobody@ims.example.org";
	CHECK_ERR(hss_ims_cx_user_data(&s, &o, &xml, &len, err, sizeof(err)), ENOENT, "unknown IMPU");
	o.impu = "sip:alice@ims.example.org";
	o.impi = "eve@ims.example.org";
	CHECK_ERR(hss_ims_cx_user_data(&s, &o, &xml, &len, err, sizeof(err)), ENOENT, "unknown IMPI");
	/* Text XML cannot carry is refused, not sent. */
	o.impi = NULL;
	hss_ims_set_str(&s.impus[0].display_name, "bad\x01");
	CHECK_ERR(hss_ims_cx_user_data(&s, &o, &xml, &len, err, sizeof(err)), EINVAL, "control char");
	CHECK_SUBSTR(err, "<DisplayName>", "%s", err);
	hss_ims_sub_free(&s);

	CHECK(hss_ims_cx_sat_has_user_data(HSS_IMS_SAT_REGISTRATION, false), "REGISTRATION");
	CHECK(!hss_ims_cx_sat_has_user_data(HSS_IMS_SAT_RE_REGISTRATION, true), "already available");
	CHECK(hss_ims_cx_sat_has_user_data(HSS_IMS_SAT_UNREGISTERED_USER, true), "UNREGISTERED_USER");
	CHECK(hss_ims_cx_sat_has_user_data(HSS_IMS_SAT_NO_ASSIGNMENT, false), "NO_ASSIGNMENT");
	CHECK(!hss_ims_cx_sat_has_user_data(HSS_IMS_SAT_USER_DEREGISTRATION, false), "dereg");
	CHECK(!hss_ims_cx_sat_has_user_data(HSS_IMS_SAT_ADMINISTRATIVE_DEREGISTRATION, false), "admin");
}

static void test_parse_hostile(void)
{
	static const char *const bad[] = {
		"",
		"<IMSSubscription>",
		"<!DOCTYPE x [<!ENTITY a \"aaaa\">]><IMSSubscription><PrivateID>&a;</PrivateID></IMSSubscription>",
		"<IMSSubscription><PrivateID>a@b.c</PrivateID></IMSSubscription>",
		"<x:IMSSubscription xmlns:x=\"urn:x\"/>",
		"<IMSSubscription><PrivateID>a@b.c</PrivateID><ServiceProfile><PublicIdentity>"
		"<BarringIndication>yes</BarringIndication><Identity>sip:a@b.c</Identity></PublicIdentity>"
		"</ServiceProfile></IMSSubscription>",
		"<IMSSubscription><PrivateID>a@b.c</PrivateID><ServiceProfile><PublicIdentity>"
		"<Identity>sip:a@b.c</Identity></PublicIdentity><InitialFilterCriteria><Priority>-1"
		"</Priority></InitialFilterCriteria></ServiceProfile></IMSSubscription>",
		NULL,
	};
	struct hss_ims_sub s;
	char err[512];

	for (int i = 0; bad[i]; i++) {
		hss_ims_sub_init(&s);
		err[0] = '\0';
		CHECK(hss_ims_cx_parse(bad[i], strlen(bad[i]), NULL, &s, err, sizeof(err)) != 0,
		      "accepted: %s", bad[i]);
		CHECK(err[0] && !strncmp(err, "line ", 5), "message without a line: \"%s\"", err);
		CHECK_INT(s.n_impus, ==, 0, "output touched");
	}
}

int main(void)
{
	test_registration_set();
	test_wildcards();
	test_shared_sets();
	test_refusals();
	test_parse_hostile();
	return tap_done();
}

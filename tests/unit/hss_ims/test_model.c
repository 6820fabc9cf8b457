/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_model.c: the IMS subscription model: the rich fixture validates; each kind of bad
 * data is refused with a message naming the field (and never printing the HA1); identity
 * syntax (NAI, SIP, tel, wildcards, Diameter URIs); lookups (tel numbers with separators,
 * wildcards, IMPI restrictions), implicit registration sets and aliases; deep copy.
 */
#include "ims_test.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Apply a mutation to a fresh fixture and expect validation to name `field` (a prefix of
 * the message) and, when given, to contain `why`. */
typedef void (*mutate_fn)(struct hss_ims_sub *s);

static void expect_bad(const char *name, mutate_fn fn, const char *field, const char *why)
{
	struct hss_ims_sub s;
	char err[512] = "", want[256];
	int rc;

	it_rich(&s);
	fn(&s);
	rc = hss_ims_sub_validate(&s, err, sizeof(err));
	snprintf(want, sizeof(want), "field '%s': ", field);
	CHECK_ERR(rc, EINVAL, "%s: rc %d (%s)", name, rc, err);
	CHECK(!strncmp(err, want, strlen(want)), "%s: got \"%s\", want field %s", name, err, field);
	CHECK(!why || strstr(err, why), "%s: got \"%s\", want \"%s\"", name, err, why);
	CHECK(!strstr(err, IT_ALICE_HA1), "%s: the HA1 leaked into \"%s\"", name, err);
	hss_ims_sub_free(&s);
}

static void m_no_id(struct hss_ims_sub *s) { hss_ims_set_str(&s->id, NULL); }
static void m_bad_impi(struct hss_ims_sub *s) { hss_ims_set_str(&s->impis[1].identity, "no-realm"); }
static void m_dup_impi(struct hss_ims_sub *s) { hss_ims_set_str(&s->impis[1].identity, "alice@IMS.example.org"); }
static void m_bad_impu(struct hss_ims_sub *s) { hss_ims_set_str(&s->impus[2].identity, "sip:alice@"); }
static void m_mailto(struct hss_ims_sub *s) { hss_ims_set_str(&s->impus[2].identity, "mailto:a@b.c"); }
static void m_dup_tel(struct hss_ims_sub *s) { hss_ims_set_str(&s->impus[3].identity, "tel:+33612345678"); }
static void m_local_tel(struct hss_ims_sub *s) { hss_ims_set_str(&s->impus[1].identity, "tel:1234"); }
static void m_profile_ref(struct hss_ims_sub *s) { hss_ims_set_str(&s->impus[2].service_profile, "nope"); }
static void m_unused_profile(struct hss_ims_sub *s) { hss_ims_set_str(&s->impus[2].service_profile, "voice"); }
static void m_impi_ref(struct hss_ims_sub *s) { hss_ims_set_str(&s->impis[1].impus[1], "tel:+999"); }
static void m_prio(struct hss_ims_sub *s) { s->profiles[0].ifcs[2].priority = 10; }
static void m_prio_range(struct hss_ims_sub *s) { s->profiles[0].ifcs[1].priority = 0x80000000u; }
static void m_as(struct hss_ims_sub *s) { hss_ims_set_str(&s->profiles[1].ifcs[0].server_name, "http://as"); }
static void m_two_defaults(struct hss_ims_sub *s) { s->impus[1].irs_default = true; }
static void m_no_ha1(struct hss_ims_sub *s) { s->impis[1].digest_ha1[0] = '\0'; }
static void m_bad_ha1(struct hss_ims_sub *s) { s->impis[0].digest_ha1[5] = 'X'; }
static void m_no_imsi(struct hss_ims_sub *s) { s->impis[0].imsi[0] = '\0'; }
static void m_default_scheme(struct hss_ims_sub *s) { s->impis[1].default_scheme = HSS_IMS_AUTH_AKAV1_MD5; }
static void m_no_group(struct hss_ims_sub *s) { s->profiles[0].ifcs[1].spts[0].n_groups = 0; }
static void m_three_regtypes(struct hss_ims_sub *s) { s->profiles[0].ifcs[0].spts[0].reg_types = 7; }
static void m_method_token(struct hss_ims_sub *s) { hss_ims_set_str(&s->profiles[0].ifcs[1].spts[0].value, "IN VITE"); }
static void m_empty_trigger(struct hss_ims_sub *s)
{
	struct hss_ims_ifc *f = &s->profiles[1].ifcs[0];
	for (size_t i = 0; i < f->n_spts; i++) {
		free(f->spts[i].value);
		free(f->spts[i].content);
	}
	f->n_spts = 0;
}
static void m_content_on_method(struct hss_ims_sub *s) { hss_ims_set_str(&s->profiles[0].ifcs[1].spts[0].content, "x"); }
static void m_psi_inactive_impu(struct hss_ims_sub *s) { s->impus[0].psi_active = false; }
static void m_nondistinct(struct hss_ims_sub *s) { hss_ims_set_str(&s->impus[7].identity, "sip:bob@other.example.org"); }
static void m_nondistinct_ref(struct hss_ims_sub *s) { hss_ims_set_str(&s->impus[7].wildcarded_impu, "sip:!.*!@nowhere.example.org"); }
static void m_bad_wildcard(struct hss_ims_sub *s) { hss_ims_set_str(&s->impus[4].identity, "sip:conf-![!@ims.example.org"); }
static void m_wild_without_regex(struct hss_ims_sub *s) { hss_ims_set_str(&s->impus[4].identity, "sip:conf@ims.example.org"); }
static void m_ccf(struct hss_ims_sub *s) { hss_ims_set_str(&s->charging.primary_ccf, "ccf.example.org"); }
static void m_secondary_only(struct hss_ims_sub *s) { hss_ims_set_str(&s->charging.primary_ecf, NULL); hss_ims_set_str(&s->charging.secondary_ecf, "aaa://ocs2.example.org"); }
static void m_scscf(struct hss_ims_sub *s) { hss_ims_set_str(&s->scscf.name, "scscf.example.org"); }
static void m_msisdn(struct hss_ims_sub *s) { strcpy(s->msisdns[0], "+336"); }
static void m_bad_utf8(struct hss_ims_sub *s) { hss_ims_set_str(&s->impus[0].display_name, "Al\xc3\x28ice"); }
static void m_control(struct hss_ims_sub *s) { hss_ims_set_str(&s->profiles[0].ifcs[1].service_info, "a\x01b"); }
static void m_dup_shared(struct hss_ims_sub *s) { s->profiles[0].shared_ifc_sets[1] = 10; }
static void m_dsai_as(struct hss_ims_sub *s) { hss_ims_set_str(&s->impus[5].dsai[0].as_name, "as"); }
static void m_media(struct hss_ims_sub *s) { s->profiles[0].media_profile_id = -5; }

static void test_validation(void)
{
	struct hss_ims_sub s;
	char err[512] = "";

	it_rich(&s);
	CHECK_ERR(hss_ims_sub_validate(&s, err, sizeof(err)), 0, "rich fixture: %s", err);
	hss_ims_sub_free(&s);

	expect_bad("id", m_no_id, "id", "required");
	expect_bad("impi syntax", m_bad_impi, "private_identities[1].identity", "NAI");
	expect_bad("impi twice", m_dup_impi, "private_identities[1].identity", "twice");
	expect_bad("impu host", m_bad_impu, "public_identities[2].identity", "host");
	expect_bad("impu scheme", m_mailto, "public_identities[2].identity", "sip:, sips: or tel:");
	expect_bad("tel twice", m_dup_tel, "public_identities[3].identity", "twice");
	expect_bad("local tel", m_local_tel, "public_identities[1].identity", "phone-context");
	expect_bad("profile ref", m_profile_ref, "public_identities[2].service_profile", "nope");
	expect_bad("unused profile", m_unused_profile, "service_profiles[1].name", "no public identity");
	expect_bad("impi -> impu", m_impi_ref, "private_identities[1].impus[1]", "not a public identity");
	expect_bad("priority twice", m_prio, "service_profiles[0].ifcs[2].priority", "already used");
	expect_bad("priority range", m_prio_range, "service_profiles[0].ifcs[1].priority", NULL);
	expect_bad("AS URI", m_as, "service_profiles[1].ifcs[0].application_server.server_name", "SIP");
	expect_bad("two defaults", m_two_defaults, "public_identities[1].irs_default", "default");
	expect_bad("digest without HA1", m_no_ha1, "private_identities[1].digest_ha1", "HA1");
	expect_bad("HA1 syntax", m_bad_ha1, "private_identities[0].digest_ha1", "hex");
	expect_bad("AKA without IMSI", m_no_imsi, "private_identities[0].imsi", "AKA");
	expect_bad("default scheme", m_default_scheme, "private_identities[1].default_scheme", NULL);
	expect_bad("SPT group", m_no_group, "service_profiles[0].ifcs[1].trigger.spts[0].group", NULL);
	expect_bad("registration types", m_three_regtypes,
	           "service_profiles[0].ifcs[0].trigger.spts[0].registration_type", "two");
	expect_bad("method token", m_method_token, "service_profiles[0].ifcs[1].trigger.spts[0].method",
	           "token");
	expect_bad("empty trigger", m_empty_trigger, "service_profiles[1].ifcs[0].trigger.spts", NULL);
	expect_bad("content on a method", m_content_on_method,
	           "service_profiles[0].ifcs[1].trigger.spts[0].method", "content");
	expect_bad("PSI activation", m_psi_inactive_impu, "public_identities[0].psi_active", "PSI");
	expect_bad("non-distinct outside", m_nondistinct, "public_identities[7].identity", "match");
	expect_bad("non-distinct ref", m_nondistinct_ref, "public_identities[7].wildcarded_impu", NULL);
	expect_bad("bad regex", m_bad_wildcard, "public_identities[4].identity", "regular expression");
	expect_bad("no wildcard", m_wild_without_regex, "public_identities[4].identity", "!regex!");
	expect_bad("CCF", m_ccf, "charging.primary_ccf", "Diameter URI");
	expect_bad("secondary only", m_secondary_only, "charging.secondary_ecf", "primary");
	expect_bad("S-CSCF", m_scscf, "scscf.name", "SIP URI");
	expect_bad("MSISDN", m_msisdn, "msisdns[0]", "digits");
	expect_bad("UTF-8", m_bad_utf8, "public_identities[0].display_name", "UTF-8");
	expect_bad("control", m_control, "service_profiles[0].ifcs[1].application_server.service_info",
	           "control");
	expect_bad("shared twice", m_dup_shared, "service_profiles[0].shared_ifc_sets[1]", "twice");
	expect_bad("DSAI AS", m_dsai_as, "public_identities[5].dsai[0].as", NULL);
	expect_bad("media profile", m_media, "service_profiles[0].subscribed_media_profile_id", NULL);
}

static void test_syntax(void)
{
	static const char *const good_impu[] = { "sip:alice@ims.example.org", "sips:a.b@[2001:db8::1]:5061",
		"sip:+33612345678@ims.example.org;user=phone", "sip:ims.example.org",
		"sip:alice%20x@10.0.0.1;transport=tcp?subject=hi", "tel:+1-201-555-0123",
		"tel:7042;phone-context=example.com", "SIP:Alice@IMS.Example.Org", NULL };
	static const char *const bad_impu[] = { "", "sip:", "sip:@x.org", "sip:a@-x.org", "sip:a@x..org",
		"sip:a@x.org:99999", "sip:a b@x.org", "tel:", "tel:+", "tel:+33 6", "http://x.org",
		"sip:a@[::1", "sip:a@x.org>", NULL };
	char why[128];

	for (int i = 0; good_impu[i]; i++)
		CHECK_ERR(hss_ims_check_impu(good_impu[i], false, why, sizeof(why)), 0, "%s: %s",
		          good_impu[i], why);
	for (int i = 0; bad_impu[i]; i++)
		CHECK_ERR(hss_ims_check_impu(bad_impu[i], false, why, sizeof(why)), EINVAL,
		          "'%s' accepted", bad_impu[i]);
	CHECK_ERR(hss_ims_check_impu("sip:chat-!.*!@ims.example.org", true, why, sizeof(why)), 0, "%s", why);
	CHECK_ERR(hss_ims_check_impu("tel:+3361!2345[0-9]{2}!", true, why, sizeof(why)), 0, "%s", why);
	CHECK_ERR(hss_ims_check_impu("sip:chat-!(!@x.org", true, why, sizeof(why)), EINVAL, "bad regex");
	CHECK_ERR(hss_ims_check_impi("001010000000001@ims.mnc001.mcc001.3gppnetwork.org", why, sizeof(why)), 0,
	          "%s", why);
	CHECK_ERR(hss_ims_check_impi("alice@", why, sizeof(why)), EINVAL, "empty realm");
	CHECK_ERR(hss_ims_check_impi("al ice@x.org", why, sizeof(why)), EINVAL, "space");
	CHECK_ERR(hss_ims_check_diameter_uri("aaa://ccf.example.org:3868;transport=tcp;protocol=diameter",
	                                     why, sizeof(why)), 0, "%s", why);
	CHECK_ERR(hss_ims_check_diameter_uri("aaas://[::1]", why, sizeof(why)), 0, "%s", why);
	CHECK_ERR(hss_ims_check_diameter_uri("diameter://x", why, sizeof(why)), EINVAL, "scheme");
}

static void test_lookups(void)
{
	struct hss_ims_sub s, c;
	size_t idx[16], n;
	char *y1 = NULL, *y2 = NULL;

	it_rich(&s);
	CHECK_INT(hss_ims_find_impu(&s, "tel:+33612345678", false), ==, 1, "tel without separators");
	CHECK_INT(hss_ims_find_impu(&s, "sip:alice@IMS.EXAMPLE.ORG", false), ==, 0, "host case");
	CHECK_INT(hss_ims_find_impu(&s, "sip:Alice@ims.example.org", false), ==, -1, "user part is case-sensitive");
	CHECK_INT(hss_ims_find_impu(&s, "sip:conf-42@ims.example.org", false), ==, -1, "no wildcards asked");
	CHECK_INT(hss_ims_find_impu(&s, "sip:conf-42@ims.example.org", true), ==, 4, "wildcarded PSI");
	CHECK_INT(hss_ims_find_impu(&s, "sip:carol@guest.example.org", true), ==, 6, "wildcarded IMPU");
	CHECK_INT(hss_ims_find_impu(&s, "sip:bob@guest.example.org", true), ==, 7, "distinct before wildcard");
	CHECK_INT(hss_ims_find_impu(&s, "sip:conf-42@ims.example.org.evil", true), ==, -1, "anchored");
	CHECK_INT(hss_ims_wildcard_match("sip:a.!.*!@x.org", "sip:aXb@x.org"), ==, 0, "literal dot escaped");
	CHECK_INT(hss_ims_wildcard_match("sip:!(!@x.org", "sip:a@x.org"), ==, -EINVAL, "bad pattern");
	CHECK_INT(hss_ims_find_impi(&s, "alice@IMS.example.org"), ==, 0, "realm case");
	CHECK_INT(hss_ims_find_impi(&s, "Alice@ims.example.org"), ==, -1, "user case");
	CHECK(hss_ims_impi_may_use(&s, 1, 1), "restricted IMPI, allowed tel");
	CHECK(!hss_ims_impi_may_use(&s, 1, 3), "restricted IMPI, other IMPU");
	CHECK(hss_ims_impi_may_use(&s, 0, 3), "unrestricted IMPI");

	n = hss_ims_irs(&s, 2, idx, 16);
	CHECK(n == 3 && idx[0] == 0 && idx[1] == 1 && idx[2] == 2, "IRS of alice.work: %zu", n);
	n = hss_ims_irs(&s, 5, idx, 16);
	CHECK(n == 1 && idx[0] == 5, "own set");
	n = hss_ims_irs(&s, 7, idx, 16);
	CHECK(n == 2 && idx[0] == 6 && idx[1] == 7, "first listed is default without a flag");
	n = hss_ims_aliases(&s, 1, idx, 16);
	CHECK(n == 2 && idx[0] == 0 && idx[1] == 1, "aliases of the tel URI: %zu", n);
	n = hss_ims_aliases(&s, 2, idx, 16);
	CHECK(n == 1 && idx[0] == 2, "other profile is no alias");

	CHECK_INT(hss_ims_auth_lookup("Digest-AKAv1-MD5"), ==, HSS_IMS_AUTH_AKAV1_MD5, "wire name");
	CHECK_INT(hss_ims_auth_lookup("sip-digest"), ==, HSS_IMS_AUTH_SIP_DIGEST, "yaml name");
	CHECK_STR(hss_ims_auth_wire_name(HSS_IMS_AUTH_SIP_DIGEST), "SIP Digest", "SIP Digest");
	CHECK_INT(hss_ims_auth_lookup("Unknown"), ==, 0, "Unknown is no scheme");

	/* A deep copy is equal (same YAML) and independent. */
	CHECK_ERR(hss_ims_sub_copy(&s, &c), 0, "copy");
	CHECK(hss_ims_yaml_emit(&s, &y1, NULL) == 0 && hss_ims_yaml_emit(&c, &y2, NULL) == 0, "emit");
	CHECK(y1 && y2 && !strcmp(y1, y2), "copy differs");
	hss_ims_set_str(&c.profiles[0].ifcs[1].spts[0].value, "BYE");
	CHECK_STR(s.profiles[0].ifcs[1].spts[0].value, "INVITE", "copy shares memory");
	free(y1);
	free(y2);
	hss_ims_sub_free(&c);
	hss_ims_sub_free(&s);
	hss_ims_sub_free(NULL);
}

int main(void)
{
	test_validation();
	test_syntax();
	test_lookups();
	return tap_done();
}

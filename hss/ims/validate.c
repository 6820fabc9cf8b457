/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * validate.c: checks a whole IMS subscription before it is stored or sent: syntax of each
 * identity and name, ranges the XML schemas impose, references between public identities,
 * private identities and service profiles, uniqueness, and the authentication data each
 * allowed scheme needs. The first problem is reported with the path of the field (YAML key
 * names) so the YAML reader can point at its line.
 */
#include "ims_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define INT32_MAXU ((uint32_t)INT32_MAX)

struct vctx {
	char *path;
	size_t pathlen;
	char *msg;
	size_t msglen;
};

static void vshow(const char *v, char out[96])
{
	size_t o = 0;

	for (; v && *v && o < 80; v++)
		out[o++] = (unsigned char)*v < ' ' || *v == 0x7f ? '?' : *v;
	if (v && *v) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

/* Report: path from fmt, message "value 'V': why" (value NULL: just why). */
static int fail(struct vctx *c, const char *value, const char *why, const char *pfmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(struct vctx *c, const char *value, const char *why, const char *pfmt, ...)
{
	va_list ap;
	char shown[96];

	va_start(ap, pfmt);
	if (c->path && c->pathlen)
		vsnprintf(c->path, c->pathlen, pfmt, ap);
	va_end(ap);
	if (value) {
		vshow(value, shown);
		ims_err(c->msg, c->msglen, "value '%s': %s", shown, why);
	} else {
		ims_err(c->msg, c->msglen, "%s", why);
	}
	return EINVAL;
}

static bool name_ok(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;

	if (!n || n > max)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._@+-:", *s))
			return false;
	return true;
}

static bool digits_ok(const char *s, size_t min, size_t max)
{
	size_t n = strlen(s);

	return n >= min && n <= max && strspn(s, "0123456789") == n;
}

static int text(struct vctx *c, const char *s, size_t max, bool required, const char *pfmt,
                size_t i, size_t j, size_t k)
{
	char why[128];

	if (!s || !*s) {
		if (!required)
			return 0;
		return fail(c, NULL, "required", pfmt, i, j, k);
	}
	if (ims_text_ok(s, max, why, sizeof(why)))
		return fail(c, s, why, pfmt, i, j, k);
	return 0;
}

/* ------------------------------------------------------------------------------- profiles */

static int check_spt(struct vctx *c, const struct hss_ims_spt *s, size_t p, size_t f, size_t k)
{
	const char *base = "service_profiles[%zu].ifcs[%zu].trigger.spts[%zu]";
	char pf[160];
	unsigned nreg = 0;

	if (!s->n_groups || s->n_groups > HSS_IMS_MAX_GROUPS) {
		snprintf(pf, sizeof(pf), "%s.group", base);
		return fail(c, NULL, "1 to 16 group numbers needed", pf, p, f, k);
	}
	for (size_t g = 0; g < s->n_groups; g++)
		if (s->groups[g] > INT32_MAXU) {
			snprintf(pf, sizeof(pf), "%s.group", base);
			return fail(c, NULL, "group numbers are 0..2147483647", pf, p, f, k);
		}
	switch (s->kind) {
	case HSS_IMS_SPT_REQUEST_URI:
	case HSS_IMS_SPT_METHOD:
		snprintf(pf, sizeof(pf), "%s.%s", base, ims_spt_kind_keys[s->kind]);
		if (text(c, s->value, HSS_IMS_TEXT_MAX, true, pf, p, f, k))
			return EINVAL;
		if (s->content)
			return fail(c, s->content, "only sip_header and session_description have content",
			            pf, p, f, k);
		if (s->kind == HSS_IMS_SPT_METHOD) {
			for (const char *q = s->value; *q; q++)
				if (!isalnum((unsigned char)*q) && !strchr("-.!%*_+`'~", *q))
					return fail(c, s->value, "a SIP method is a token (RFC 3261 25.1)", pf,
					            p, f, k);
		}
		break;
	case HSS_IMS_SPT_SIP_HEADER:
	case HSS_IMS_SPT_SESSION_DESCRIPTION:
		snprintf(pf, sizeof(pf), "%s.%s.%s", base, ims_spt_kind_keys[s->kind],
		         s->kind == HSS_IMS_SPT_SIP_HEADER ? "header" : "line");
		if (text(c, s->value, HSS_IMS_TEXT_MAX, true, pf, p, f, k))
			return EINVAL;
		snprintf(pf, sizeof(pf), "%s.%s.content", base, ims_spt_kind_keys[s->kind]);
		if (text(c, s->content, HSS_IMS_TEXT_MAX, false, pf, p, f, k))
			return EINVAL;
		break;
	case HSS_IMS_SPT_SESSION_CASE:
		snprintf(pf, sizeof(pf), "%s.session_case", base);
		if ((unsigned)s->session_case > HSS_IMS_SC_ORIGINATING_CDIV)
			return fail(c, NULL, "session case is 0..4", pf, p, f, k);
		if (s->value || s->content)
			return fail(c, s->value ? s->value : s->content,
			            "a session_case SPT has no other condition", pf, p, f, k);
		break;
	default:
		snprintf(pf, sizeof(pf), "%s", base);
		return fail(c, NULL, "unknown SPT kind", pf, p, f, k);
	}
	if (s->reg_types & ~(HSS_IMS_REG_INITIAL | HSS_IMS_REG_RE | HSS_IMS_REG_DE)) {
		snprintf(pf, sizeof(pf), "%s.registration_type", base);
		return fail(c, NULL, "unknown registration type", pf, p, f, k);
	}
	for (uint32_t b = s->reg_types; b; b &= b - 1)
		nreg++;
	if (nreg > 2) {
		snprintf(pf, sizeof(pf), "%s.registration_type", base);
		return fail(c, NULL, "at most two registration types (TS 29.228 Annex E tSePoTriExtension)",
		            pf, p, f, k);
	}
	return 0;
}

static int check_ifc(struct vctx *c, const struct hss_ims_profile *prof, size_t p, size_t f)
{
	const struct hss_ims_ifc *ifc = &prof->ifcs[f];
	char why[128];

	if (ifc->priority > INT32_MAXU)
		return fail(c, NULL, "priority is 0..2147483647", "service_profiles[%zu].ifcs[%zu].priority",
		            p, f);
	for (size_t g = 0; g < f; g++)
		if (prof->ifcs[g].priority == ifc->priority)
			return fail(c, NULL, "priority already used by another iFC of this profile",
			            "service_profiles[%zu].ifcs[%zu].priority", p, f);
	if (!ifc->server_name)
		return fail(c, NULL, "required",
		            "service_profiles[%zu].ifcs[%zu].application_server.server_name", p, f);
	if (hss_ims_check_sip_uri(ifc->server_name, why, sizeof(why)) ||
	    ims_text_ok(ifc->server_name, HSS_IMS_URI_MAX, why, sizeof(why)))
		return fail(c, ifc->server_name, why,
		            "service_profiles[%zu].ifcs[%zu].application_server.server_name", p, f);
	if (ifc->default_handling < -1 || ifc->default_handling > 1)
		return fail(c, NULL, "session_continued or session_terminated",
		            "service_profiles[%zu].ifcs[%zu].application_server.default_handling", p, f);
	if (text(c, ifc->service_info, HSS_IMS_TEXT_MAX, false,
	         "service_profiles[%zu].ifcs[%zu].application_server.service_info", p, f, 0))
		return EINVAL;
	if (ifc->profile_part < -1 || ifc->profile_part > 1)
		return fail(c, NULL, "registered or unregistered",
		            "service_profiles[%zu].ifcs[%zu].profile_part", p, f);
	if (!ifc->has_trigger) {
		if (ifc->n_spts)
			return fail(c, NULL, "SPTs without a trigger point",
			            "service_profiles[%zu].ifcs[%zu].trigger", p, f);
		return 0;
	}
	if (!ifc->n_spts || ifc->n_spts > HSS_IMS_MAX_SPTS)
		return fail(c, NULL, "a trigger point needs 1 to 64 SPTs",
		            "service_profiles[%zu].ifcs[%zu].trigger.spts", p, f);
	for (size_t k = 0; k < ifc->n_spts; k++)
		if (check_spt(c, &ifc->spts[k], p, f, k))
			return EINVAL;
	return 0;
}

static int check_profile(struct vctx *c, const struct hss_ims_sub *sub, size_t p)
{
	const struct hss_ims_profile *prof = &sub->profiles[p];
	bool used = false;

	if (!name_ok(prof->name, HSS_IMS_ID_MAX))
		return fail(c, prof->name, "1 to 64 characters of letters, digits and ._@+-:",
		            "service_profiles[%zu].name", p);
	for (size_t q = 0; q < p; q++)
		if (!strcmp(sub->profiles[q].name, prof->name))
			return fail(c, prof->name, "another service profile has this name",
			            "service_profiles[%zu].name", p);
	if (prof->media_profile_id < -1 || prof->media_profile_id > INT32_MAX)
		return fail(c, NULL, "0..2147483647", "service_profiles[%zu].subscribed_media_profile_id", p);
	if (prof->n_shared_ifc_sets > HSS_IMS_MAX_SHARED_SETS)
		return fail(c, NULL, "too many shared iFC sets", "service_profiles[%zu].shared_ifc_sets", p);
	for (size_t i = 0; i < prof->n_shared_ifc_sets; i++) {
		if (prof->shared_ifc_sets[i] > INT32_MAXU)
			return fail(c, NULL, "0..2147483647", "service_profiles[%zu].shared_ifc_sets[%zu]", p, i);
		for (size_t j = 0; j < i; j++)
			if (prof->shared_ifc_sets[j] == prof->shared_ifc_sets[i])
				return fail(c, NULL, "listed twice", "service_profiles[%zu].shared_ifc_sets[%zu]",
				            p, i);
	}
	if (prof->n_ifcs > HSS_IMS_MAX_IFCS)
		return fail(c, NULL, "more than 64 iFCs", "service_profiles[%zu].ifcs", p);
	for (size_t f = 0; f < prof->n_ifcs; f++)
		if (check_ifc(c, prof, p, f))
			return EINVAL;
	for (size_t u = 0; u < sub->n_impus && !used; u++)
		used = sub->impus[u].service_profile && !strcmp(sub->impus[u].service_profile, prof->name);
	if (!used)
		return fail(c, prof->name, "no public identity uses this service profile",
		            "service_profiles[%zu].name", p);
	return 0;
}

/* ------------------------------------------------------------------------------ identities */

static bool is_psi(enum hss_ims_id_type t)
{
	return t == HSS_IMS_ID_DISTINCT_PSI || t == HSS_IMS_ID_WILDCARDED_PSI;
}

static int check_impu(struct vctx *c, const struct hss_ims_sub *sub, size_t i)
{
	const struct hss_ims_impu *u = &sub->impus[i];
	bool wild = u->type == HSS_IMS_ID_WILDCARDED_PSI || u->type == HSS_IMS_ID_WILDCARDED_IMPU;
	char why[160];

	if ((unsigned)u->type > HSS_IMS_ID_WILDCARDED_IMPU)
		return fail(c, NULL, "unknown identity type", "public_identities[%zu].type", i);
	if (!u->identity)
		return fail(c, NULL, "required", "public_identities[%zu].identity", i);
	if (hss_ims_check_impu(u->identity, wild, why, sizeof(why)) ||
	    ims_text_ok(u->identity, HSS_IMS_URI_MAX, why, sizeof(why)))
		return fail(c, u->identity, why, "public_identities[%zu].identity", i);
	for (size_t j = 0; j < i; j++)
		if (hss_ims_identity_eq(sub->impus[j].identity, u->identity))
			return fail(c, u->identity, "listed twice", "public_identities[%zu].identity", i);
	if (!u->service_profile)
		return fail(c, NULL, "required", "public_identities[%zu].service_profile", i);
	if (hss_ims_find_profile(sub, u->service_profile) < 0)
		return fail(c, u->service_profile, "no service profile has this name",
		            "public_identities[%zu].service_profile", i);
	if (text(c, u->display_name, HSS_IMS_TEXT_MAX, false, "public_identities[%zu].display_name",
	         i, 0, 0))
		return EINVAL;
	if (u->alias_group && !name_ok(u->alias_group, HSS_IMS_ID_MAX))
		return fail(c, u->alias_group, "1 to 64 characters of letters, digits and ._@+-:",
		            "public_identities[%zu].alias_group", i);
	if (!u->psi_active && !is_psi(u->type))
		return fail(c, NULL, "only a PSI has an activation state",
		            "public_identities[%zu].psi_active", i);
	if (u->type == HSS_IMS_ID_NON_DISTINCT_IMPU) {
		long w;
		if (!u->wildcarded_impu)
			return fail(c, NULL, "a non-distinct IMPU names its wildcarded IMPU",
			            "public_identities[%zu].wildcarded_impu", i);
		w = hss_ims_find_impu(sub, u->wildcarded_impu, false);
		if (w < 0 || sub->impus[w].type != HSS_IMS_ID_WILDCARDED_IMPU)
			return fail(c, u->wildcarded_impu, "not a wildcarded_impu of this subscription",
			            "public_identities[%zu].wildcarded_impu", i);
		if (hss_ims_wildcard_match(u->wildcarded_impu, u->identity) != 1)
			return fail(c, u->identity, "does not match its wildcarded IMPU",
			            "public_identities[%zu].identity", i);
	} else if (u->wildcarded_impu) {
		return fail(c, u->wildcarded_impu, "only a non_distinct_impu has one",
		            "public_identities[%zu].wildcarded_impu", i);
	}
	if (u->irs_default)
		for (size_t j = 0; j < i; j++)
			if (sub->impus[j].irs_default && sub->impus[j].irs == u->irs && u->irs)
				return fail(c, NULL, "another identity is already the default of this set",
				            "public_identities[%zu].irs_default", i);
	if (u->n_dsai > HSS_IMS_MAX_DSAI)
		return fail(c, NULL, "too many DSAI tags", "public_identities[%zu].dsai", i);
	for (size_t d = 0; d < u->n_dsai; d++) {
		const struct hss_ims_dsai *x = &u->dsai[d];
		if (!x->as_name || hss_ims_check_sip_uri(x->as_name, why, sizeof(why)))
			return fail(c, x->as_name, x->as_name ? why : "required",
			            "public_identities[%zu].dsai[%zu].as", i, d);
		if (text(c, x->tag, HSS_IMS_TEXT_MAX, true, "public_identities[%zu].dsai[%zu].tag", i, d,
		         0))
			return EINVAL;
		for (size_t e = 0; e < d; e++)
			if (!strcmp(u->dsai[e].tag, x->tag) && !strcmp(u->dsai[e].as_name, x->as_name))
				return fail(c, x->tag, "listed twice for this application server",
				            "public_identities[%zu].dsai[%zu].tag", i, d);
	}
	return 0;
}

static int check_impi(struct vctx *c, const struct hss_ims_sub *sub, size_t i)
{
	const struct hss_ims_impi *p = &sub->impis[i];
	char why[160];

	if (!p->identity)
		return fail(c, NULL, "required", "private_identities[%zu].identity", i);
	if (hss_ims_check_impi(p->identity, why, sizeof(why)))
		return fail(c, p->identity, why, "private_identities[%zu].identity", i);
	if (hss_ims_find_impi(sub, p->identity) < (long)i)
		return fail(c, p->identity, "listed twice", "private_identities[%zu].identity", i);
	if (!p->auth_schemes || (p->auth_schemes & ~HSS_IMS_AUTH_ALL))
		return fail(c, NULL, "at least one known scheme needed",
		            "private_identities[%zu].auth_schemes", i);
	if (!p->default_scheme || (p->default_scheme & (p->default_scheme - 1)) ||
	    !(p->default_scheme & p->auth_schemes))
		return fail(c, NULL, "one of the allowed auth_schemes",
		            "private_identities[%zu].default_scheme", i);
	if (p->digest_ha1[0] && (strlen(p->digest_ha1) != 32 ||
	                         strspn(p->digest_ha1, "0123456789abcdef") != 32))
		return fail(c, NULL, "32 lower-case hex digits (MD5 of user:realm:password)",
		            "private_identities[%zu].digest_ha1", i);
	/* The realm may be left out: the HSS then sends cx.digest_realm, or the realm of the
	 * NAI (the HA1 must have been computed over that one). */
	if ((p->auth_schemes & HSS_IMS_AUTH_SIP_DIGEST) && !p->digest_ha1[0])
		return fail(c, NULL, "SIP Digest needs the HA1 (or a digest_password)",
		            "private_identities[%zu].digest_ha1", i);
	if (text(c, p->digest_realm, 255, false, "private_identities[%zu].digest_realm", i, 0, 0))
		return EINVAL;
	if (p->imsi[0] && !digits_ok(p->imsi, 5, 15))
		return fail(c, p->imsi, "an IMSI has 5 to 15 digits", "private_identities[%zu].imsi", i);
	if (p->imsi[0] && p->aka.present)
		return fail(c, NULL, "give imsi (the S6a subscriber's K, OPc and SQN) or k/opc, not "
		            "both", "private_identities[%zu].k", i);
	if ((p->auth_schemes & (HSS_IMS_AUTH_AKAV1_MD5 | HSS_IMS_AUTH_AKAV2_SHA256)) && !p->imsi[0] &&
	    !p->aka.present)
		return fail(c, NULL, "AKA needs the IMSI of the S6a subscriber holding K and OPc, or "
		            "k and opc of its own", "private_identities[%zu].imsi", i);
	if (p->aka.present && (p->aka.sqn > 0xffffffffffffULL || p->aka.ind_bits > 16))
		return fail(c, NULL, "SQN is 48 bits, ind_bits 0..16", "private_identities[%zu].sqn", i);
	if (p->n_impus > HSS_IMS_MAX_IMPI_IMPUS)
		return fail(c, NULL, "too many", "private_identities[%zu].impus", i);
	for (size_t k = 0; k < p->n_impus; k++) {
		if (hss_ims_find_impu(sub, p->impus[k], false) < 0)
			return fail(c, p->impus[k], "not a public identity of this subscription",
			            "private_identities[%zu].impus[%zu]", i, k);
		for (size_t m = 0; m < k; m++)
			if (hss_ims_identity_eq(p->impus[m], p->impus[k]))
				return fail(c, p->impus[k], "listed twice", "private_identities[%zu].impus[%zu]",
				            i, k);
	}
	return 0;
}

/* -------------------------------------------------------------------------------- the rest */

static int check_charging(struct vctx *c, const struct hss_ims_charging *ch)
{
	const char *v[4] = { ch->primary_ccf, ch->secondary_ccf, ch->primary_ecf, ch->secondary_ecf };
	static const char *const k[4] = { "primary_ccf", "secondary_ccf", "primary_ecf",
		"secondary_ecf" };
	char why[128];

	for (int i = 0; i < 4; i++) {
		if (!v[i])
			continue;
		if (hss_ims_check_diameter_uri(v[i], why, sizeof(why)) ||
		    ims_text_ok(v[i], HSS_IMS_URI_MAX, why, sizeof(why)))
			return fail(c, v[i], why, "charging.%s", k[i]);
		if ((i == 1 || i == 3) && !v[i - 1])
			return fail(c, v[i], "a secondary function needs a primary one", "charging.%s", k[i]);
	}
	return 0;
}

int hss_ims_sub_check(const struct hss_ims_sub *sub, char *path, size_t pathlen, char *msg,
                      size_t msglen)
{
	struct vctx c = { path, pathlen, msg, msglen };
	char why[128];

	if (path && pathlen)
		path[0] = '\0';
	if (!sub->id || !name_ok(sub->id, HSS_IMS_ID_MAX) || strchr(sub->id, ':'))
		return fail(&c, sub->id, sub->id ? "1 to 64 characters of letters, digits and ._@+-"
		                                 : "required", "id");
	if (!sub->n_impis || sub->n_impis > HSS_IMS_MAX_IMPIS)
		return fail(&c, NULL, "1 to 16 private identities needed", "private_identities");
	if (!sub->n_impus || sub->n_impus > HSS_IMS_MAX_IMPUS)
		return fail(&c, NULL, "1 to 128 public identities needed", "public_identities");
	if (!sub->n_profiles || sub->n_profiles > HSS_IMS_MAX_PROFILES)
		return fail(&c, NULL, "1 to 32 service profiles needed", "service_profiles");
	for (size_t i = 0; i < sub->n_profiles; i++)
		if (!name_ok(sub->profiles[i].name, HSS_IMS_ID_MAX))
			return fail(&c, sub->profiles[i].name, "1 to 64 characters of letters, digits and ._@+-:",
			            "service_profiles[%zu].name", i);
	for (size_t i = 0; i < sub->n_impus; i++)
		if (check_impu(&c, sub, i))
			return EINVAL;
	for (size_t i = 0; i < sub->n_impis; i++)
		if (check_impi(&c, sub, i))
			return EINVAL;
	for (size_t i = 0; i < sub->n_profiles; i++)
		if (check_profile(&c, sub, i))
			return EINVAL;
	if (check_charging(&c, &sub->charging))
		return EINVAL;
	if (sub->scscf.name && (hss_ims_check_sip_uri(sub->scscf.name, why, sizeof(why)) ||
	                        ims_text_ok(sub->scscf.name, HSS_IMS_URI_MAX, why, sizeof(why))))
		return fail(&c, sub->scscf.name, why, "scscf.name");
	if (sub->scscf.n_mandatory > HSS_IMS_MAX_CAPS)
		return fail(&c, NULL, "too many", "scscf.mandatory_capabilities");
	if (sub->scscf.n_optional > HSS_IMS_MAX_CAPS)
		return fail(&c, NULL, "too many", "scscf.optional_capabilities");
	if (sub->n_msisdns > HSS_IMS_MAX_MSISDNS)
		return fail(&c, NULL, "too many", "msisdns");
	for (size_t i = 0; i < sub->n_msisdns; i++) {
		if (!digits_ok(sub->msisdns[i], 1, 15))
			return fail(&c, sub->msisdns[i], "an MSISDN has 1 to 15 digits", "msisdns[%zu]", i);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(sub->msisdns[j], sub->msisdns[i]))
				return fail(&c, sub->msisdns[i], "listed twice", "msisdns[%zu]", i);
	}
	return 0;
}

int hss_ims_sub_validate(const struct hss_ims_sub *sub, char *err, size_t errlen)
{
	char path[256], msg[384];
	int rc = hss_ims_sub_check(sub, path, sizeof(path), msg, sizeof(msg));

	if (rc)
		ims_err(err, errlen, "field '%s': %s", path, msg);
	return rc;
}

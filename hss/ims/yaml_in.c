/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * yaml_in.c: reads one IMS subscription from YAML (the provisioning format of hssctl,
 * README.md) with common/'s loader and schema checker, converts it to the model and
 * validates it; every error, including a broken reference found by validation, names the
 * file, the line and the key path.
 */
#include "ims_int.h"
#include "cm.h"

#include <ctype.h>
#include <errno.h>
#include <nettle/md5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ----------------------------------------------------------------------------- the schema */

static const char *const id_types[] = { "public_user_identity", "distinct_psi", "wildcarded_psi",
	"non_distinct_impu", "wildcarded_impu", NULL };
static const char *const session_cases[] = { "originating", "terminating_registered",
	"terminating_unregistered", "originating_unregistered", "originating_cdiv", NULL };
static const char *const handlings[] = { "session_continued", "session_terminated", NULL };
static const char *const parts[] = { "registered", "unregistered", NULL };

#define I31 INT32_MAX

static const struct cm_schema s_uint31[] = {
	{ "", CM_S_UINT, 0, 0, I31, NULL, NULL, "0..2147483647" },
	{ NULL },
};
static const struct cm_schema s_str[] = {
	{ "", CM_S_STR, 0, 0, 0, NULL, NULL, "text" },
	{ NULL },
};
static const struct cm_schema s_dsai[] = {
	{ "as", CM_S_STR, CM_S_REQUIRED, 0, 0, NULL, NULL, "application server (SIP URI)" },
	{ "tag", CM_S_STR, CM_S_REQUIRED, 0, 0, NULL, NULL, "DSAI-Tag" },
	{ "active", CM_S_BOOL, 0, 0, 0, NULL, NULL, "default true" },
	{ NULL },
};
static const struct cm_schema s_dsai_seq[] = {
	{ "", CM_S_MAP, 0, 0, 0, s_dsai, NULL, NULL },
	{ NULL },
};
static const struct cm_schema s_impi[] = {
	{ "identity", CM_S_STR, CM_S_REQUIRED, 0, 0, NULL, NULL, "NAI user@realm" },
	{ "auth_schemes", CM_S_ANY, CM_S_REQUIRED, 0, 0, NULL, NULL, "list of schemes" },
	{ "default_scheme", CM_S_STR, 0, 0, 0, NULL, NULL, "scheme for Unknown" },
	{ "digest_realm", CM_S_STR, 0, 0, 0, NULL, NULL, "SIP Digest realm" },
	{ "digest_ha1", CM_S_STR, CM_S_SECRET, 0, 0, NULL, NULL, "32 hex digits" },
	{ "digest_password", CM_S_STR, CM_S_SECRET, 0, 0, NULL, NULL, "turned into digest_ha1" },
	{ "imsi", CM_S_STR, 0, 0, 0, NULL, NULL, "S6a subscriber" },
	{ "k", CM_S_STR, CM_S_SECRET, 32, 32, NULL, NULL, "own AKA key K (32 hex digits), without imsi" },
	{ "opc", CM_S_STR, CM_S_SECRET, 32, 32, NULL, NULL, "own OPc (32 hex digits)" },
	{ "op", CM_S_STR, CM_S_SECRET, 32, 32, NULL, NULL, "own OP (32 hex digits)" },
	{ "amf", CM_S_STR, 0, 4, 4, NULL, NULL, "own AMF (4 hex digits, default 0000)" },
	{ "sqn", CM_S_UINT, 0, 0, 0xffffffffffffULL, NULL, NULL, "last SQN handed out" },
	{ "ind_bits", CM_S_UINT, 0, 0, 16, NULL, NULL, "IND length (default 5)" },
	{ "impus", CM_S_SEQ, 0, 0, HSS_IMS_MAX_IMPI_IMPUS, s_str, NULL, "public identities" },
	{ NULL },
};
static const struct cm_schema s_impu[] = {
	{ "identity", CM_S_STR, CM_S_REQUIRED, 0, 0, NULL, NULL, "SIP or tel URI" },
	{ "type", CM_S_STR, 0, 0, 0, NULL, id_types, "identity type" },
	{ "barred", CM_S_BOOL, 0, 0, 0, NULL, NULL, "BarringIndication" },
	{ "irs", CM_S_UINT, 0, 0, UINT32_MAX, NULL, NULL, "implicit registration set" },
	{ "irs_default", CM_S_BOOL, 0, 0, 0, NULL, NULL, "default IMPU of its set" },
	{ "display_name", CM_S_STR, 0, 0, 0, NULL, NULL, "DisplayName" },
	{ "alias_group", CM_S_STR, 0, 0, 0, NULL, NULL, "AliasIdentityGroupID" },
	{ "service_profile", CM_S_STR, CM_S_REQUIRED, 0, 0, NULL, NULL, "profile name" },
	{ "psi_active", CM_S_BOOL, 0, 0, 0, NULL, NULL, "PSIActivation" },
	{ "wildcarded_impu", CM_S_STR, 0, 0, 0, NULL, NULL, "its wildcarded IMPU" },
	{ "dsai", CM_S_SEQ, 0, 0, HSS_IMS_MAX_DSAI, s_dsai_seq, NULL, "DSAI tags" },
	{ NULL },
};
static const struct cm_schema s_header[] = {
	{ "header", CM_S_STR, CM_S_REQUIRED, 0, 0, NULL, NULL, "header name" },
	{ "content", CM_S_STR, 0, 0, 0, NULL, NULL, "regular expression" },
	{ NULL },
};
static const struct cm_schema s_sdp[] = {
	{ "line", CM_S_STR, CM_S_REQUIRED, 0, 0, NULL, NULL, "SDP line type" },
	{ "content", CM_S_STR, 0, 0, 0, NULL, NULL, "regular expression" },
	{ NULL },
};
static const struct cm_schema s_spt[] = {
	{ "group", CM_S_ANY, 0, 0, 0, NULL, NULL, "group number or list (default 0)" },
	{ "negated", CM_S_BOOL, 0, 0, 0, NULL, NULL, "ConditionNegated" },
	{ "request_uri", CM_S_STR, 0, 0, 0, NULL, NULL, "RequestURI" },
	{ "method", CM_S_STR, 0, 0, 0, NULL, NULL, "Method" },
	{ "sip_header", CM_S_MAP, 0, 0, 0, s_header, NULL, "SIPHeader" },
	{ "session_case", CM_S_STR, 0, 0, 0, NULL, session_cases, "SessionCase" },
	{ "session_description", CM_S_MAP, 0, 0, 0, s_sdp, NULL, "SessionDescription" },
	{ "registration_type", CM_S_ANY, 0, 0, 0, NULL, NULL, "initial, re_registration, "
	  "de_registration" },
	{ NULL },
};
static const struct cm_schema s_spt_seq[] = {
	{ "", CM_S_MAP, 0, 0, 0, s_spt, NULL, NULL },
	{ NULL },
};
static const struct cm_schema s_trigger[] = {
	{ "cnf", CM_S_BOOL, 0, 0, 0, NULL, NULL, "ConditionTypeCNF" },
	{ "spts", CM_S_SEQ, CM_S_REQUIRED, 1, HSS_IMS_MAX_SPTS, s_spt_seq, NULL, "SPTs" },
	{ NULL },
};
static const struct cm_schema s_as[] = {
	{ "server_name", CM_S_STR, CM_S_REQUIRED, 0, 0, NULL, NULL, "SIP URI" },
	{ "default_handling", CM_S_STR, 0, 0, 0, NULL, handlings, "DefaultHandling" },
	{ "service_info", CM_S_STR, 0, 0, 0, NULL, NULL, "ServiceInfo" },
	{ "include_register_request", CM_S_BOOL, 0, 0, 0, NULL, NULL, NULL },
	{ "include_register_response", CM_S_BOOL, 0, 0, 0, NULL, NULL, NULL },
	{ NULL },
};
static const struct cm_schema s_ifc[] = {
	{ "priority", CM_S_UINT, CM_S_REQUIRED, 0, I31, NULL, NULL, "unique per profile" },
	{ "profile_part", CM_S_STR, 0, 0, 0, NULL, parts, "ProfilePartIndicator" },
	{ "trigger", CM_S_MAP, 0, 0, 0, s_trigger, NULL, "TriggerPoint" },
	{ "application_server", CM_S_MAP, CM_S_REQUIRED, 0, 0, s_as, NULL, "ApplicationServer" },
	{ NULL },
};
static const struct cm_schema s_ifc_seq[] = {
	{ "", CM_S_MAP, 0, 0, 0, s_ifc, NULL, NULL },
	{ NULL },
};
static const struct cm_schema s_profile[] = {
	{ "name", CM_S_STR, CM_S_REQUIRED, 0, 0, NULL, NULL, "profile name" },
	{ "subscribed_media_profile_id", CM_S_UINT, 0, 0, I31, NULL, NULL, NULL },
	{ "shared_ifc_sets", CM_S_SEQ, 0, 0, HSS_IMS_MAX_SHARED_SETS, s_uint31, NULL, NULL },
	{ "ifcs", CM_S_SEQ, 0, 0, HSS_IMS_MAX_IFCS, s_ifc_seq, NULL, "initial filter criteria" },
	{ NULL },
};
static const struct cm_schema s_impi_seq[] = { { "", CM_S_MAP, 0, 0, 0, s_impi, NULL, NULL }, { NULL } };
static const struct cm_schema s_impu_seq[] = { { "", CM_S_MAP, 0, 0, 0, s_impu, NULL, NULL }, { NULL } };
static const struct cm_schema s_profile_seq[] = {
	{ "", CM_S_MAP, 0, 0, 0, s_profile, NULL, NULL },
	{ NULL },
};
static const struct cm_schema s_charging[] = {
	{ "primary_ccf", CM_S_STR, 0, 0, 0, NULL, NULL, "Diameter URI" },
	{ "secondary_ccf", CM_S_STR, 0, 0, 0, NULL, NULL, "Diameter URI" },
	{ "primary_ecf", CM_S_STR, 0, 0, 0, NULL, NULL, "Diameter URI" },
	{ "secondary_ecf", CM_S_STR, 0, 0, 0, NULL, NULL, "Diameter URI" },
	{ NULL },
};
static const struct cm_schema s_caps[] = {
	{ "", CM_S_UINT, 0, 0, UINT32_MAX, NULL, NULL, "capability" },
	{ NULL },
};
static const struct cm_schema s_scscf[] = {
	{ "name", CM_S_STR, 0, 0, 0, NULL, NULL, "preferred S-CSCF (SIP URI)" },
	{ "mandatory_capabilities", CM_S_SEQ, 0, 0, HSS_IMS_MAX_CAPS, s_caps, NULL, NULL },
	{ "optional_capabilities", CM_S_SEQ, 0, 0, HSS_IMS_MAX_CAPS, s_caps, NULL, NULL },
	{ NULL },
};
static const struct cm_schema s_sub[] = {
	{ "id", CM_S_STR, CM_S_REQUIRED, 1, HSS_IMS_ID_MAX, NULL, NULL, "subscription id" },
	{ "private_identities", CM_S_SEQ, CM_S_REQUIRED, 1, HSS_IMS_MAX_IMPIS, s_impi_seq, NULL, NULL },
	{ "public_identities", CM_S_SEQ, CM_S_REQUIRED, 1, HSS_IMS_MAX_IMPUS, s_impu_seq, NULL, NULL },
	{ "service_profiles", CM_S_SEQ, CM_S_REQUIRED, 1, HSS_IMS_MAX_PROFILES, s_profile_seq, NULL,
	  NULL },
	{ "charging", CM_S_MAP, 0, 0, 0, s_charging, NULL, "Charging-Information" },
	{ "scscf", CM_S_MAP, 0, 0, 0, s_scscf, NULL, "S-CSCF selection" },
	{ "msisdns", CM_S_SEQ, 0, 0, HSS_IMS_MAX_MSISDNS, s_str, NULL, "MSISDNs" },
	{ NULL },
};

/* --------------------------------------------------------------------------- conversion */

struct yctx {
	char *err;
	size_t errlen;
};

static int yerr(struct yctx *c, const struct cm_ynode *n, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int yerr(struct yctx *c, const struct cm_ynode *n, const char *path, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (!c->err || !c->errlen)
		return EINVAL;
	k = snprintf(c->err, c->errlen, "%s:%d: key '%s': ", n && n->file ? n->file : "<yaml>",
	             n ? n->line : 1, path);
	if (k >= 0 && (size_t)k < c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err + k, c->errlen - (size_t)k, fmt, ap);
		va_end(ap);
	}
	return EINVAL;
}

static const char *str_of(const struct cm_ynode *map, const char *key)
{
	return cm_yget_str(map, key, NULL);
}

/* A schema-checked number item, read the way the checker did (decimal or 0x hex). */
static uint64_t num(const struct cm_ynode *n)
{
	uint64_t v = 0;

	(void)cm_yscalar_u64(n, 0, UINT64_MAX, &v, NULL, 0);
	return v;
}

static int set(struct yctx *c, char **field, const struct cm_ynode *map, const char *key)
{
	(void)c;
	return hss_ims_set_str(field, str_of(map, key));
}

/* A scalar or a sequence of scalars, each through fn. */
typedef int (*item_fn)(struct yctx *c, const struct cm_ynode *n, const char *path, void *arg);

static int each_item(struct yctx *c, const struct cm_ynode *n, const char *path, item_fn fn,
                     void *arg)
{
	char sub[320];
	size_t i = 0;

	if (n->type == CM_Y_SCALAR)
		return fn(c, n, path, arg);
	if (n->type != CM_Y_SEQ)
		return yerr(c, n, path, "expected a value or a list, got a map");
	for (const struct cm_ynode *it = n->child; it; it = it->next, i++) {
		int rc;
		snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
		if (it->type != CM_Y_SCALAR)
			return yerr(c, it, sub, "expected a value");
		if ((rc = fn(c, it, sub, arg)))
			return rc;
	}
	return 0;
}

static int add_group(struct yctx *c, const struct cm_ynode *n, const char *path, void *arg)
{
	struct hss_ims_spt *s = arg;
	uint64_t v;

	if (cm_yscalar_u64(n, 0, INT32_MAX, &v, NULL, 0))
		return yerr(c, n, path, "expected a group number in [0, 2147483647], got '%s'", n->str);
	if (s->n_groups >= HSS_IMS_MAX_GROUPS)
		return yerr(c, n, path, "at most %d groups", HSS_IMS_MAX_GROUPS);
	s->groups[s->n_groups++] = (uint32_t)v;
	return 0;
}

static int add_reg_type(struct yctx *c, const struct cm_ynode *n, const char *path, void *arg)
{
	struct hss_ims_spt *s = arg;
	int i = ims_name_index(ims_reg_type_names, n->str);

	if (i < 0)
		return yerr(c, n, path, "expected one of initial, re_registration, de_registration, got '%s'",
		            n->str);
	s->reg_types |= 1u << i;
	return 0;
}

static int add_scheme(struct yctx *c, const struct cm_ynode *n, const char *path, void *arg)
{
	uint32_t *mask = arg, b = hss_ims_auth_lookup(n->str);

	if (!b)
		return yerr(c, n, path, "unknown scheme '%s' (digest-akav1-md5, digest-akav2-sha-256, "
		            "sip-digest, nass-bundled, early-ims-security)", n->str);
	*mask |= b;
	return 0;
}

static int conv_spt(struct yctx *c, const struct cm_ynode *n, const char *path,
                    struct hss_ims_ifc *ifc)
{
	static const char *const kinds[] = { "request_uri", "method", "sip_header", "session_case",
		"session_description" };
	const struct cm_ynode *g, *r, *k = NULL;
	struct hss_ims_spt *s;
	int kind = -1, rc;
	char sub[288];

	for (int i = 0; i < 5; i++) {
		const struct cm_ynode *x = cm_ymap_get(n, kinds[i]);
		if (!x)
			continue;
		if (kind >= 0)
			return yerr(c, x, path, "an SPT holds one condition: %s and %s given", kinds[kind],
			            kinds[i]);
		kind = i;
		k = x;
	}
	if (kind < 0)
		return yerr(c, n, path, "an SPT needs one of request_uri, method, sip_header, "
		            "session_case, session_description");
	if ((rc = hss_ims_add_spt(ifc, (enum hss_ims_spt_kind)kind, NULL, NULL, 0, &s)))
		return rc == E2BIG ? yerr(c, n, path, "too many SPTs") : rc;
	s->n_groups = 0;
	s->negated = cm_yget_bool(n, "negated", false);
	switch (kind) {
	case HSS_IMS_SPT_REQUEST_URI:
	case HSS_IMS_SPT_METHOD:
		rc = hss_ims_set_str(&s->value, k->str);
		break;
	case HSS_IMS_SPT_SIP_HEADER:
		rc = hss_ims_set_str(&s->value, str_of(k, "header")) ||
		     hss_ims_set_str(&s->content, str_of(k, "content")) ? ENOMEM : 0;
		break;
	case HSS_IMS_SPT_SESSION_DESCRIPTION:
		rc = hss_ims_set_str(&s->value, str_of(k, "line")) ||
		     hss_ims_set_str(&s->content, str_of(k, "content")) ? ENOMEM : 0;
		break;
	case HSS_IMS_SPT_SESSION_CASE:
		s->session_case = (enum hss_ims_session_case)ims_name_index(ims_session_case_names, k->str);
		break;
	}
	if (rc)
		return rc;
	if ((g = cm_ymap_get(n, "group"))) {
		snprintf(sub, sizeof(sub), "%s.group", path);
		if ((rc = each_item(c, g, sub, add_group, s)))
			return rc;
	}
	if (!s->n_groups)
		s->groups[s->n_groups++] = 0;
	if ((r = cm_ymap_get(n, "registration_type"))) {
		snprintf(sub, sizeof(sub), "%s.registration_type", path);
		if ((rc = each_item(c, r, sub, add_reg_type, s)))
			return rc;
	}
	return 0;
}

static int conv_ifc(struct yctx *c, const struct cm_ynode *n, const char *path,
                    struct hss_ims_profile *p)
{
	const struct cm_ynode *as = cm_ymap_get(n, "application_server"), *tp, *spts;
	struct hss_ims_ifc *ifc;
	const char *v;
	char sub[192];
	size_t i = 0;
	int rc;

	if ((rc = hss_ims_add_ifc(p, (uint32_t)cm_yget_u64(n, "priority", 0),
	                          str_of(as, "server_name"), &ifc)))
		return rc;
	if ((v = str_of(n, "profile_part")))
		ifc->profile_part = ims_name_index(ims_profile_part_names, v);
	if ((v = str_of(as, "default_handling")))
		ifc->default_handling = ims_name_index(ims_default_handling_names, v);
	if ((rc = set(c, &ifc->service_info, as, "service_info")))
		return rc;
	ifc->include_register_request = cm_yget_bool(as, "include_register_request", false);
	ifc->include_register_response = cm_yget_bool(as, "include_register_response", false);
	if (!(tp = cm_ymap_get(n, "trigger")))
		return 0;
	ifc->has_trigger = true;
	ifc->cnf = cm_yget_bool(tp, "cnf", false);
	spts = cm_ymap_get(tp, "spts");
	for (const struct cm_ynode *s = spts ? spts->child : NULL; s; s = s->next, i++) {
		snprintf(sub, sizeof(sub), "%s.trigger.spts[%zu]", path, i);
		if ((rc = conv_spt(c, s, sub, ifc)))
			return rc;
	}
	return 0;
}

static int conv_profile(struct yctx *c, const struct cm_ynode *n, const char *path,
                        struct hss_ims_sub *sub)
{
	const struct cm_ynode *x;
	struct hss_ims_profile *p;
	char sp[128];
	size_t i = 0;
	int rc;

	if ((rc = hss_ims_add_profile(sub, str_of(n, "name"), &p)))
		return rc;
	if (cm_ymap_get(n, "subscribed_media_profile_id"))
		p->media_profile_id = (int64_t)cm_yget_u64(n, "subscribed_media_profile_id", 0);
	x = cm_ymap_get(n, "shared_ifc_sets");
	for (const struct cm_ynode *it = x ? x->child : NULL; it; it = it->next)
		p->shared_ifc_sets[p->n_shared_ifc_sets++] = (uint32_t)num(it);
	x = cm_ymap_get(n, "ifcs");
	for (const struct cm_ynode *it = x ? x->child : NULL; it; it = it->next, i++) {
		snprintf(sp, sizeof(sp), "%s.ifcs[%zu]", path, i);
		if ((rc = conv_ifc(c, it, sp, p)))
			return rc;
	}
	return 0;
}

static int conv_impu(struct yctx *c, const struct cm_ynode *n, const char *path,
                     struct hss_ims_sub *sub)
{
	const struct cm_ynode *d;
	struct hss_ims_impu *u;
	const char *v;
	int rc;

	(void)path;
	if ((rc = hss_ims_add_impu(sub, str_of(n, "identity"), str_of(n, "service_profile"), &u)))
		return rc;
	if ((v = str_of(n, "type")))
		u->type = (enum hss_ims_id_type)ims_name_index(ims_id_type_names, v);
	u->barred = cm_yget_bool(n, "barred", false);
	u->irs = (uint32_t)cm_yget_u64(n, "irs", 0);
	u->irs_default = cm_yget_bool(n, "irs_default", false);
	u->psi_active = cm_yget_bool(n, "psi_active", true);
	if ((rc = set(c, &u->display_name, n, "display_name")) ||
	    (rc = set(c, &u->alias_group, n, "alias_group")) ||
	    (rc = set(c, &u->wildcarded_impu, n, "wildcarded_impu")))
		return rc;
	d = cm_ymap_get(n, "dsai");
	for (const struct cm_ynode *it = d ? d->child : NULL; it; it = it->next)
		if ((rc = hss_ims_add_dsai(u, str_of(it, "as"), str_of(it, "tag"),
		                           cm_yget_bool(it, "active", true))))
			return rc;
	return 0;
}

static void md5_hex(const char *a, const char *b, const char *p, char out[33])
{
	struct md5_ctx m;
	uint8_t d[MD5_DIGEST_SIZE];

	md5_init(&m);
	md5_update(&m, strlen(a), (const uint8_t *)a);
	md5_update(&m, 1, (const uint8_t *)":");
	md5_update(&m, strlen(b), (const uint8_t *)b);
	md5_update(&m, 1, (const uint8_t *)":");
	md5_update(&m, strlen(p), (const uint8_t *)p);
	md5_digest(&m, sizeof(d), d);
	for (int i = 0; i < MD5_DIGEST_SIZE; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
	explicit_bzero(d, sizeof(d));
	explicit_bzero(&m, sizeof(m));
}

/* Own AKA credentials (k with opc or op, amf, sqn, ind_bits). */
static int conv_aka(struct yctx *c, const struct cm_ynode *n, const char *path,
                    struct hss_ims_impi *p)
{
	static const char *const keys[] = { "k", "opc", "op", "amf" };
	const struct cm_ynode *x;
	char sp[256];

	for (size_t i = 0; i < 4; i++) {
		size_t len = i == 3 ? 2 : 16;
		uint8_t *dst = i == 0 ? p->aka.k : i == 3 ? p->aka.amf : p->aka.op;

		if (!(x = cm_ymap_get(n, keys[i])))
			continue;
		snprintf(sp, sizeof(sp), "%s.%s", path, keys[i]);
		if (i == 0)
			p->aka.present = true;
		else if (!cm_ymap_get(n, "k"))
			return yerr(c, x, sp, "only with k (own AKA credentials)");
		if (i == 2 && cm_ymap_get(n, "opc"))
			return yerr(c, x, sp, "give opc or op, not both");
		if (!x->str || cm_hex_decode(x->str, dst, len))
			return yerr(c, x, sp, "%zu hex digits needed", 2 * len);
		if (i == 1)
			p->aka.opc = true;
	}
	if (p->aka.present && !cm_ymap_get(n, "opc") && !cm_ymap_get(n, "op")) {
		snprintf(sp, sizeof(sp), "%s.k", path);
		return yerr(c, cm_ymap_get(n, "k"), sp, "k needs opc (or op)");
	}
	for (size_t i = 0; i < 2; i++) {
		const char *key = i ? "ind_bits" : "sqn";
		if (!(x = cm_ymap_get(n, key)))
			continue;
		snprintf(sp, sizeof(sp), "%s.%s", path, key);
		if (!p->aka.present)
			return yerr(c, x, sp, "only with k (own AKA credentials)");
	}
	p->aka.sqn = cm_yget_u64(n, "sqn", 0);
	p->aka.ind_bits = (uint32_t)cm_yget_u64(n, "ind_bits", 5);
	return 0;
}

static int conv_impi(struct yctx *c, const struct cm_ynode *n, const char *path,
                     struct hss_ims_sub *sub)
{
	const struct cm_ynode *x, *pw = cm_ymap_get(n, "digest_password");
	struct hss_ims_impi *p;
	const char *v;
	char sp[256];
	int rc;

	if ((rc = hss_ims_add_impi(sub, str_of(n, "identity"), &p)))
		return rc;
	snprintf(sp, sizeof(sp), "%s.auth_schemes", path);
	x = cm_ymap_get(n, "auth_schemes");
	if ((rc = each_item(c, x, sp, add_scheme, &p->auth_schemes)))
		return rc;
	if (!p->auth_schemes)
		return yerr(c, x, sp, "at least one scheme needed");
	if ((v = str_of(n, "default_scheme"))) {
		if (!(p->default_scheme = hss_ims_auth_lookup(v))) {
			snprintf(sp, sizeof(sp), "%s.default_scheme", path);
			return yerr(c, cm_ymap_get(n, "default_scheme"), sp, "unknown scheme '%s'", v);
		}
	} else {
		/* The first one listed. */
		p->default_scheme = hss_ims_auth_lookup(x->type == CM_Y_SEQ ? x->child->str : x->str);
	}
	if ((rc = set(c, &p->digest_realm, n, "digest_realm")))
		return rc;
	if ((v = str_of(n, "digest_ha1"))) {
		snprintf(sp, sizeof(sp), "%s.digest_ha1", path);
		if (pw)
			return yerr(c, pw, sp, "give digest_ha1 or digest_password, not both");
		if (strlen(v) != 32)
			return yerr(c, cm_ymap_get(n, "digest_ha1"), sp, "32 hex digits needed");
		for (int i = 0; i < 32; i++)
			p->digest_ha1[i] = (char)tolower((unsigned char)v[i]);
		p->digest_ha1[32] = '\0';
	}
	if (pw && pw->str && pw->len) {
		snprintf(sp, sizeof(sp), "%s.digest_password", path);
		if (!p->digest_realm)
			return yerr(c, pw, sp, "needs digest_realm (HA1 = MD5(identity:realm:password))");
		md5_hex(p->identity ? p->identity : "", p->digest_realm, pw->str, p->digest_ha1);
	}
	if ((v = str_of(n, "imsi"))) {
		snprintf(sp, sizeof(sp), "%s.imsi", path);
		if (strlen(v) >= sizeof(p->imsi))
			return yerr(c, cm_ymap_get(n, "imsi"), sp, "an IMSI has 5 to 15 digits");
		strcpy(p->imsi, v);
	}
	if ((rc = conv_aka(c, n, path, p)))
		return rc;
	x = cm_ymap_get(n, "impus");
	for (const struct cm_ynode *it = x ? x->child : NULL; it; it = it->next)
		if ((rc = hss_ims_impi_add_impu(p, it->str)))
			return rc;
	return 0;
}

static int conv_sub(struct yctx *c, const struct cm_ynode *root, struct hss_ims_sub *sub)
{
	static const char *const chk[4] = { "primary_ccf", "secondary_ccf", "primary_ecf",
		"secondary_ecf" };
	const struct cm_ynode *x, *ch = cm_ymap_get(root, "charging"), *sc = cm_ymap_get(root, "scscf");
	char **chv[4] = { &sub->charging.primary_ccf, &sub->charging.secondary_ccf,
		&sub->charging.primary_ecf, &sub->charging.secondary_ecf };
	char path[64];
	size_t i;
	int rc;

	if ((rc = set(c, &sub->id, root, "id")))
		return rc;
	/* Profiles first so that validation later points at references, not at order. */
	i = 0;
	x = cm_ymap_get(root, "service_profiles");
	for (const struct cm_ynode *it = x ? x->child : NULL; it; it = it->next, i++) {
		snprintf(path, sizeof(path), "service_profiles[%zu]", i);
		if ((rc = conv_profile(c, it, path, sub)))
			return rc;
	}
	i = 0;
	x = cm_ymap_get(root, "public_identities");
	for (const struct cm_ynode *it = x ? x->child : NULL; it; it = it->next, i++) {
		snprintf(path, sizeof(path), "public_identities[%zu]", i);
		if ((rc = conv_impu(c, it, path, sub)))
			return rc;
	}
	i = 0;
	x = cm_ymap_get(root, "private_identities");
	for (const struct cm_ynode *it = x ? x->child : NULL; it; it = it->next, i++) {
		snprintf(path, sizeof(path), "private_identities[%zu]", i);
		if ((rc = conv_impi(c, it, path, sub)))
			return rc;
	}
	for (int k = 0; ch && k < 4; k++)
		if ((rc = set(c, chv[k], ch, chk[k])))
			return rc;
	if (sc) {
		if ((rc = set(c, &sub->scscf.name, sc, "name")))
			return rc;
		x = cm_ymap_get(sc, "mandatory_capabilities");
		for (const struct cm_ynode *it = x ? x->child : NULL; it; it = it->next)
			sub->scscf.mandatory[sub->scscf.n_mandatory++] = (uint32_t)num(it);
		x = cm_ymap_get(sc, "optional_capabilities");
		for (const struct cm_ynode *it = x ? x->child : NULL; it; it = it->next)
			sub->scscf.optional[sub->scscf.n_optional++] = (uint32_t)num(it);
	}
	i = 0;
	x = cm_ymap_get(root, "msisdns");
	for (const struct cm_ynode *it = x ? x->child : NULL; it; it = it->next, i++) {
		snprintf(path, sizeof(path), "msisdns[%zu]", i);
		if (it->len >= sizeof(sub->msisdns[0]))
			return yerr(c, it, path, "an MSISDN has 1 to 15 digits");
		strcpy(sub->msisdns[sub->n_msisdns++], it->str);
	}
	return 0;
}

/* The node a validation path ("a[2].b.c") names, or the deepest one found on the way. */
static const struct cm_ynode *resolve(const struct cm_ynode *root, const char *path)
{
	const struct cm_ynode *n = root;
	char key[128];

	while (*path && n) {
		size_t l = strcspn(path, ".[");
		const struct cm_ynode *next = NULL;

		if (l) {
			if (l >= sizeof(key))
				break;
			memcpy(key, path, l);
			key[l] = '\0';
			next = cm_ymap_get(n, key);
			path += l;
		} else if (*path == '[') {
			unsigned long idx = strtoul(path + 1, (char **)&path, 10);
			const struct cm_ynode *it = n->type == CM_Y_SEQ ? n->child : NULL;
			while (it && idx--)
				it = it->next;
			next = it;
			path += *path == ']';
		}
		if (*path == '.')
			path++;
		if (!next)
			break;
		n = next;
	}
	return n;
}

/* Wipe the password scalars so the plain password does not linger in freed memory. */
static void wipe_passwords(struct cm_ynode *n)
{
	for (; n; n = n->next) {
		if (n->key && !strcmp(n->key, "digest_password") && n->str)
			explicit_bzero(n->str, n->len);
		wipe_passwords(n->child);
	}
}

int hss_ims_yaml_from_node(const struct cm_ynode *node, struct hss_ims_sub *ret, char *err,
                           size_t errlen)
{
	struct yctx c = { err, errlen };
	struct hss_ims_sub sub;
	char path[256], msg[384];
	int rc;

	if ((rc = cm_schema_check(node, s_sub, err, errlen)))
		return rc;
	hss_ims_sub_init(&sub);
	if ((rc = conv_sub(&c, node, &sub)))
		goto out;
	if ((rc = hss_ims_sub_check(&sub, path, sizeof(path), msg, sizeof(msg)))) {
		yerr(&c, resolve(node, path), path, "%s", msg);
		goto out;
	}
	*ret = sub;
	return 0;
out:
	if (rc == ENOMEM)
		ims_err(err, errlen, "out of memory");
	hss_ims_sub_free(&sub);
	return rc;
}

int hss_ims_yaml_parse(const char *name, const char *buf, size_t len, struct hss_ims_sub *ret,
                       char *err, size_t errlen)
{
	struct cm_ydoc *doc = NULL;
	int rc;

	if ((rc = cm_yaml_load_buf(name, buf, len, &doc, err, errlen)))
		return rc;
	if (!doc->root) {
		ims_err(err, errlen, "%s:1: empty document", name);
		rc = EINVAL;
		goto out;
	}
	rc = hss_ims_yaml_from_node(doc->root, ret, err, errlen);
out:
	if (doc)
		wipe_passwords(doc->root);
	cm_yaml_free(doc);
	return rc;
}

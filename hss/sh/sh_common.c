/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sh_common.c: what the Sh procedures of the HSS share: registration of the application
 * and its handlers, the request readers that turn malformed input into 5004/5005 with
 * Failed-AVP, the user lookup (by public identity, wildcard or MSISDN) with its TS 29.328
 * result (5001), which Data-Reference applies to which kind of identity (5101), and the
 * answer parts.
 */
#include "sh_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct sh_ctx sh_g;

static struct {
	struct disp_hdl *hdl[3];
} sc;

/* ---- registration ------------------------------------------------------------------- */

int hss_sh_init(struct hss_db *db)
{
	static const struct {
		const char *cmd;
		int (*cb)(struct msg **, struct avp *, struct session *, void *, enum disp_action *);
	} handlers[3] = {
		{ "User-Data-Request", sh_udr_cb },
		{ "Profile-Update-Request", sh_pur_cb },
		{ "Subscribe-Notifications-Request", sh_snr_cb },
	};
	struct dict_object *vendor = NULL;
	struct disp_when when;
	vendor_id_t vid = HSS_VENDOR_3GPP;
	int rc;

	if (!db)
		return EINVAL;
	sh_g.db = db;
	if ((rc = hss_imsdb_open(db, &sh_g.store))) {
		LOG_E("hss: Sh: %s", hss_imsdb_strerror());
		return rc;
	}
	memset(&when, 0, sizeof(when));
	if (!(when.app = cm_dict_app(HSS_APP_SH))) {
		LOG_E("hss: the Sh application is not in the dictionary (dict_sh_load first)");
		return ENOENT;
	}
	if ((rc = fd_dict_search(fd_g_config->cnf_dict, DICT_VENDOR, VENDOR_BY_ID, &vid, &vendor,
	                         ENOENT)))
		return rc;
	/* advertised in the CEA as {10415, 16777217} (Vendor-Specific-Application-Id) */
	if ((rc = fd_disp_app_support(when.app, vendor, 1, 0)))
		return rc;
	for (size_t i = 0; i < 3; i++) {
		if (!(when.command = cm_dict_cmd(handlers[i].cmd))) {
			LOG_E("hss: command '%s' is not in the dictionary", handlers[i].cmd);
			return ENOENT;
		}
		if ((rc = fd_disp_register(handlers[i].cb, DISP_HOW_CC, &when, NULL, &sc.hdl[i])))
			return rc;
	}
	/* the error answers freeDiameter builds itself get the Sh head (s6a_errors.c), and
	 * requests over the admission bound a 3004 (overload.c): both serve Sh too */
	if ((rc = hss_overload_init()) || (rc = hss_s6a_errors_init()))
		return rc;
	return 0;
}

int hss_sh_start(void)
{
	return sh_pnr_start();
}

void hss_sh_stop(void)
{
	sh_pnr_stop();
}

void hss_sh_wake(void)
{
	sh_pnr_wake();
}

int hss_sh_outbox_depth(size_t max, size_t *ret)
{
	if (!sh_g.store)
		return ENOTSUP;
	return hss_imsdb_shnote_count(sh_g.store, max, ret);
}

void hss_sh_fini(void)
{
	sh_pnr_stop();
	hss_imsdb_close(sh_g.store);
	sh_g.store = NULL;
}

/* ---- reading requests --------------------------------------------------------------- */

static int sh_bad(struct hss_res *res, uint32_t code, struct avp *failed, const char *missing)
{
	res->code = code;
	res->exp = false;
	res->failed = failed;
	res->missing = missing;
	return EINVAL;
}

/* An OctetString/UTF8String AVP as text: 1..outsz-1 octets without NUL, else 5004. */
static int sh_text(struct avp *a, char *out, size_t outsz, struct hss_res *res)
{
	union avp_value *v = cm_avp_value(a);

	if (!v || !v->os.len || v->os.len >= outsz || memchr(v->os.data, 0, v->os.len))
		return sh_bad(res, HSS_RC_INVALID_AVP_VALUE, a, NULL);
	memcpy(out, v->os.data, v->os.len);
	out[v->os.len] = '\0';
	return 0;
}

static int sh_i32(struct avp *a, int32_t min, int32_t max, int32_t *ret, struct hss_res *res)
{
	union avp_value *v = cm_avp_value(a);

	if (!v || v->i32 < min || v->i32 > max)
		return sh_bad(res, HSS_RC_INVALID_AVP_VALUE, a, NULL);
	*ret = v->i32;
	return 0;
}

static bool dref_defined(int32_t d)
{
	/* TS 29.329 6.3.4: 1..9 were never defined, 20 is reserved */
	return d == 0 || (d >= 10 && d <= 35 && d != 20);
}

static int read_features(struct msg *req, struct sh_in *in, struct hss_res *res)
{
	struct avp *sf = NULL;

	while ((sf = cm_avp_next(req, sf, "Supported-Features"))) {
		uint32_t vendor = 0, list = 0, feats = 0;
		bool pv = false, pl = false, pf = false;
		struct avp_hdr *h = NULL;

		if (hss_req_u32(sf, "Vendor-Id", false, &vendor, &pv, res) ||
		    hss_req_u32(sf, "Feature-List-ID", false, &list, &pl, res) ||
		    hss_req_u32(sf, "Feature-List", false, &feats, &pf, res))
			return EINVAL;
		if (!pv || !pl || !pf || vendor != HSS_VENDOR_3GPP || list != 1)
			continue;
		in->features_sent = true;
		in->features = feats;
		/* TS 29.229 7.2.1: the M bit says the sender needs these features */
		if (!fd_msg_avp_hdr(sf, &h) && h && (h->avp_flags & AVP_FLAG_MANDATORY) &&
		    (feats & ~SH_FEATURES_SUPPORTED)) {
			hss_res_set(res, SH_ERROR_FEATURE_UNSUPPORTED, true);
			return EINVAL;
		}
	}
	return 0;
}

static int read_identity(struct msg *req, struct sh_in *in, struct hss_res *res)
{
	struct avp *ui = cm_avp_find(req, "User-Identity"), *pi, *ms, *w;
	union avp_value *v;

	if (!ui)
		return sh_bad(res, HSS_RC_MISSING_AVP, NULL, "User-Identity");
	pi = cm_avp_find(ui, "Public-Identity");
	ms = cm_avp_find(ui, "MSISDN");
	if (pi && ms)
		/* TS 29.329 6.3.1: one of them */
		return sh_bad(res, HSS_RC_INVALID_AVP_VALUE, ms, NULL);
	if (pi) {
		if (sh_text(pi, in->impu, sizeof(in->impu), res))
			return EINVAL;
	} else if (ms) {
		v = cm_avp_value(ms);
		if (!v || !v->os.len || v->os.len > 8 ||
		    cm_tbcd_decode(v->os.data, v->os.len, in->msisdn, sizeof(in->msisdn)) ||
		    !in->msisdn[0] || strspn(in->msisdn, "0123456789") != strlen(in->msisdn))
			return sh_bad(res, HSS_RC_INVALID_AVP_VALUE, ms, NULL);
	} else if (cm_avp_find(ui, "External-Identifier")) {
		/* no external identifiers here: nobody has it */
		hss_res_set(res, SH_ERROR_USER_UNKNOWN, true);
		return EINVAL;
	} else {
		return sh_bad(res, HSS_RC_MISSING_AVP, NULL, "Public-Identity");
	}
	if ((w = cm_avp_find(req, "Wildcarded-Public-Identity")) ||
	    (w = cm_avp_find(req, "Wildcarded-IMPU")))
		return sh_text(w, in->wildcard, sizeof(in->wildcard), res);
	return 0;
}

static int read_selectors(struct msg *req, struct sh_in *in, struct hss_res *res)
{
	struct avp *a = NULL;
	int32_t x;

	while ((a = cm_avp_next(req, a, "Service-Indication"))) {
		union avp_value *v = cm_avp_value(a);

		if (in->n_si == SH_MAX_SI)
			return sh_bad(res, SH_RC_AVP_OCCURS_TOO_MANY_TIMES, a, NULL);
		/* octets, but at most 128 of them: they are part of the record keys */
		if (!v || !v->os.len || v->os.len > 128)
			return sh_bad(res, HSS_RC_INVALID_AVP_VALUE, a, NULL);
		memcpy(in->si[in->n_si], v->os.data, v->os.len);
		in->si_len[in->n_si++] = v->os.len;
	}
	if ((a = cm_avp_find(req, "Server-Name")) &&
	    sh_text(a, in->server_name, sizeof(in->server_name), res))
		return EINVAL;
	for (a = NULL; (a = cm_avp_next(req, a, "Identity-Set"));) {
		if (sh_i32(a, 0, 3, &x, res))
			return EINVAL;
		in->identity_sets |= 1u << x;
	}
	for (a = NULL; (a = cm_avp_next(req, a, "DSAI-Tag"));) {
		if (in->n_tags == SH_MAX_TAGS)
			return sh_bad(res, SH_RC_AVP_OCCURS_TOO_MANY_TIMES, a, NULL);
		if (sh_text(a, in->tags[in->n_tags], sizeof(in->tags[0]), res))
			return EINVAL;
		in->tag_ptrs[in->n_tags] = in->tags[in->n_tags];
		in->n_tags++;
	}
	return 0;
}

static int read_location(struct msg *req, struct sh_in *in, struct hss_res *res)
{
	struct avp *a;
	bool present = false;

	if ((a = cm_avp_find(req, "Requested-Domain")) &&
	    sh_i32(a, 0, 1, &in->requested_domain, res))
		return EINVAL;
	if ((a = cm_avp_find(req, "Current-Location")) &&
	    sh_i32(a, 0, 1, &in->current_location, res))
		return EINVAL;
	if (hss_req_u32(req, "Requested-Nodes", false, &in->requested_nodes, &present, res))
		return EINVAL;
	in->nodes_sent = present;
	in->serving_node_only = cm_avp_find(req, "Serving-Node-Indication") != NULL;
	return 0;
}

int sh_read_request(struct msg *req, unsigned what, struct sh_in *in, struct hss_res *res)
{
	struct avp *a = NULL;

	memset(in, 0, sizeof(*in));
	in->requested_domain = -1;
	in->current_location = -1;
	if (hss_req_origin(req, in->origin_host, in->origin_realm, res) ||
	    read_features(req, in, res) || read_identity(req, in, res))
		return EINVAL;
	while ((a = cm_avp_next(req, a, "Data-Reference"))) {
		int32_t d;
		bool seen = false;

		if (sh_i32(a, 0, 35, &d, res))
			return EINVAL;
		if (!dref_defined(d))
			return sh_bad(res, HSS_RC_INVALID_AVP_VALUE, a, NULL);
		for (size_t i = 0; i < in->n_drefs; i++)
			seen |= in->drefs[i] == (uint32_t)d;
		if (seen)
			continue;
		if (in->n_drefs == SH_MAX_DREFS)
			return sh_bad(res, SH_RC_AVP_OCCURS_TOO_MANY_TIMES, a, NULL);
		in->drefs[in->n_drefs++] = (uint32_t)d;
	}
	if (!in->n_drefs)
		return sh_bad(res, HSS_RC_MISSING_AVP, NULL, "Data-Reference");
	if ((what & SH_READ_SELECTORS) && read_selectors(req, in, res))
		return EINVAL;
	if ((what & SH_READ_LOCATION) && read_location(req, in, res))
		return EINVAL;
	return 0;
}

/* ---- the user ------------------------------------------------------------------------- */

void sh_store_result(int rc, const char *what, struct hss_res *res)
{
	res->failed = NULL;
	res->missing = NULL;
	if (rc == ENOENT || rc == EINVAL) {
		/* an identity no index can hold is nobody's */
		hss_res_set(res, SH_ERROR_USER_UNKNOWN, true);
		return;
	}
	hss_db_result(rc == 0 ? EIO : rc, what, res);
}

void sh_user_release(struct sh_user *u)
{
	hss_imsdb_sub_release(u->ref);
	u->ref = NULL;
}

const struct hss_ims_impu *sh_user_impu(const struct sh_user *u)
{
	return &u->ref->sub->impus[u->impu];
}

/* The S6a subscriber of the user: an IMSI linked to a private identity that may use the
 * identity (any linked one when named by MSISDN). */
static void user_imsi(struct sh_user *u)
{
	const struct hss_ims_sub *sub = u->ref->sub;

	if (u->imsi[0])
		return;
	for (size_t i = 0; i < sub->n_impis; i++)
		if (sub->impis[i].imsi[0] &&
		    (u->msisdn[0] || hss_ims_impi_may_use(sub, i, u->impu))) {
			memcpy(u->imsi, sub->impis[i].imsi, sizeof(u->imsi));
			return;
		}
}

static int by_msisdn(const char *msisdn, struct sh_user *u, struct hss_res *res)
{
	char id[HSS_IMS_ID_MAX + 1], tel[24];
	struct hss_sub *s6a = NULL;
	const struct hss_ims_sub *sub;
	long x;
	int rc;

	rc = hss_imsdb_id_by_msisdn(sh_g.store, msisdn, id, sizeof(id));
	if (rc == ENOENT) {
		/* the MSISDN of an S6a subscriber linked to an IMS subscription */
		if (!(s6a = malloc(sizeof(*s6a)))) {
			sh_store_result(ENOMEM, "Sh user lookup", res);
			return ENOMEM;
		}
		rc = hss_db_get_sub_by_msisdn(sh_g.db, msisdn, s6a);
		if (!rc) {
			memcpy(u->imsi, s6a->imsi, sizeof(u->imsi));
			rc = hss_imsdb_id_by_imsi(sh_g.store, s6a->imsi, id, sizeof(id));
		}
		explicit_bzero(s6a, sizeof(*s6a));
		free(s6a);
	}
	if (rc || (rc = hss_imsdb_get(sh_g.store, id, &u->ref))) {
		sh_store_result(rc, "Sh user lookup", res);
		return rc;
	}
	sub = u->ref->sub;
	snprintf(u->msisdn, sizeof(u->msisdn), "%s", msisdn);
	snprintf(tel, sizeof(tel), "tel:+%s", msisdn);
	if ((x = hss_ims_find_impu(sub, tel, false)) < 0)
		for (size_t i = 0; x < 0 && i < sub->n_impus; i++)
			if (sub->impus[i].type == HSS_IMS_ID_PUBLIC_USER)
				x = (long)i;
	u->impu = x < 0 ? 0 : (size_t)x;
	return 0;
}

int sh_find_user(const struct sh_in *in, struct sh_user *u, struct hss_res *res)
{
	int rc;

	memset(u, 0, sizeof(*u));
	if (in->msisdn[0]) {
		if ((rc = by_msisdn(in->msisdn, u, res)))
			return rc;
	} else {
		if ((rc = hss_imsdb_find_impu(sh_g.store, in->impu, &u->ref, &u->impu))) {
			sh_store_result(rc, "Sh user lookup", res);
			return rc;
		}
		snprintf(u->asked, sizeof(u->asked), "%s", in->impu);
	}
	if (in->wildcard[0]) {
		/* TS 29.328 6.1.1.1: the wildcard, when given, is the key of the data */
		long w = hss_ims_find_impu(u->ref->sub, in->wildcard, false);
		const struct hss_ims_impu *x = w < 0 ? NULL : &u->ref->sub->impus[w];

		if (!x || (x->type != HSS_IMS_ID_WILDCARDED_PSI && x->type != HSS_IMS_ID_WILDCARDED_IMPU)) {
			sh_user_release(u);
			hss_res_set(res, SH_ERROR_USER_UNKNOWN, true);
			return ENOENT;
		}
		u->impu = (size_t)w;
	}
	user_imsi(u);
	return 0;
}

bool sh_dref_applies(const struct sh_user *u, uint32_t dref)
{
	const struct hss_ims_impu *x = sh_user_impu(u);
	bool psi = x->type == HSS_IMS_ID_DISTINCT_PSI || x->type == HSS_IMS_ID_WILDCARDED_PSI;

	if (u->msisdn[0])
		return dref == HSS_IMS_DREF_IMS_PUBLIC_IDENTITY ||
		       dref == HSS_IMS_DREF_LOCATION_INFORMATION || dref == HSS_IMS_DREF_USER_STATE ||
		       dref == HSS_IMS_DREF_CHARGING_INFORMATION || dref == HSS_IMS_DREF_MSISDN;
	switch (dref) {
	case HSS_IMS_DREF_PSI_ACTIVATION:
		return psi;
	case HSS_IMS_DREF_LOCATION_INFORMATION:
	case HSS_IMS_DREF_USER_STATE:
		return !psi;
	default:
		return true;
	}
}

/* ---- answer parts --------------------------------------------------------------------- */

struct avp *sh_avp_os(const char *name, const void *v, size_t len)
{
	union avp_value val;
	struct avp *a = NULL;

	if (hss_avp_new(name, &a))
		return NULL;
	memset(&val, 0, sizeof(val));
	val.os.data = (uint8_t *)v;
	val.os.len = len;
	if (fd_msg_avp_setvalue(a, &val)) {
		fd_msg_free(a);
		return NULL;
	}
	return a;
}

struct avp *sh_avp_str(const char *name, const char *s)
{
	return sh_avp_os(name, s, strlen(s));
}

struct avp *sh_avp_u32(const char *name, uint32_t v)
{
	struct avp *a = NULL;

	return hss_avp_new_u32(name, v, &a) ? NULL : a;
}

struct avp *sh_avp_features(const struct sh_in *in)
{
	struct avp *g = NULL;

	if (!in->features_sent)
		return NULL;
	if (hss_avp_new("Supported-Features", &g) ||
	    cm_avp_add_u32(g, "Vendor-Id", HSS_VENDOR_3GPP) ||
	    cm_avp_add_u32(g, "Feature-List-ID", 1) ||
	    cm_avp_add_u32(g, "Feature-List", SH_FEATURES_SUPPORTED)) {
		if (g)
			fd_msg_free(g);
		return NULL;
	}
	return g;
}

struct avp *sh_avp_wildcard(const struct sh_user *u)
{
	const struct hss_ims_impu *x = sh_user_impu(u);

	if (x->type == HSS_IMS_ID_WILDCARDED_PSI)
		return sh_avp_str("Wildcarded-Public-Identity", x->identity);
	if (x->type == HSS_IMS_ID_WILDCARDED_IMPU)
		return sh_avp_str("Wildcarded-IMPU", x->identity);
	if (x->type == HSS_IMS_ID_NON_DISTINCT_IMPU && x->wildcarded_impu)
		return sh_avp_str("Wildcarded-IMPU", x->wildcarded_impu);
	return NULL;
}

int sh_answer(struct msg **req, enum hss_cmd cmd, struct hss_res *res, struct avp **body,
              size_t n_body)
{
	return hss_answer_app(req, HSS_APP_SH, cmd, res, body, n_body);
}

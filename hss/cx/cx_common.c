/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cx_common.c: what the Cx/Dx procedures of the HSS share: registration of the application
 * and its handlers, the readers that turn malformed identities into 5004/5005 with
 * Failed-AVP, the user lookup with its TS 29.228 results (5001, 5002), and the answer
 * parts several answers carry (Server-Capabilities, User-Data, Charging-Information,
 * Associated-Identities, Supported-Features).
 */
#include "cx_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct cx_ctx cx_g;

static struct {
	struct disp_hdl *hdl[4];
} cc;

/* ---- registration ------------------------------------------------------------------- */

int hss_cx_init(struct hss_db *db)
{
	static const struct {
		const char *cmd;
		int (*cb)(struct msg **, struct avp *, struct session *, void *, enum disp_action *);
	} handlers[4] = {
		{ "User-Authorization-Request", cx_uar_cb },
		{ "Multimedia-Auth-Request", cx_mar_cb },
		{ "Server-Assignment-Request", cx_sar_cb },
		{ "Location-Info-Request", cx_lir_cb },
	};
	struct dict_object *vendor = NULL;
	struct disp_when when;
	vendor_id_t vid = HSS_VENDOR_3GPP;
	int rc;

	if (!db)
		return EINVAL;
	if ((rc = hss_imsdb_open(db, &cx_g.store))) {
		LOG_E("hss: Cx: %s", hss_imsdb_strerror());
		return rc;
	}
	memset(&when, 0, sizeof(when));
	if (!(when.app = cm_dict_app(HSS_APP_CX))) {
		LOG_E("hss: the Cx application is not in the dictionary (dict_cx_load first)");
		return ENOENT;
	}
	if ((rc = fd_dict_search(fd_g_config->cnf_dict, DICT_VENDOR, VENDOR_BY_ID, &vid, &vendor,
	                         ENOENT)))
		return rc;
	/* advertised in the CEA as {10415, 16777216}: Kamailio's cdp needs exactly that */
	if ((rc = fd_disp_app_support(when.app, vendor, 1, 0)))
		return rc;
	for (size_t i = 0; i < 4; i++) {
		if (!(when.command = cm_dict_cmd(handlers[i].cmd))) {
			LOG_E("hss: command '%s' is not in the dictionary", handlers[i].cmd);
			return ENOENT;
		}
		if ((rc = fd_disp_register(handlers[i].cb, DISP_HOW_CC, &when, NULL, &cc.hdl[i])))
			return rc;
	}
	/* the error answers freeDiameter builds itself get the Cx head (s6a_errors.c), and
	 * requests over the admission bound a 3004 (overload.c): both serve Cx too */
	if ((rc = hss_overload_init()) || (rc = hss_peer_policy_init()) ||
	    (rc = hss_s6a_errors_init()))
		return rc;
	return 0;
}

int hss_cx_start(void)
{
	return cx_push_start();
}

void hss_cx_stop(void)
{
	cx_push_stop();
}

int hss_cx_outbox_depth(size_t max, size_t *ret)
{
	if (!cx_g.store)
		return ENOTSUP;
	return hss_imsdb_push_count(cx_g.store, max, ret);
}

void hss_cx_fini(void)
{
	cx_push_stop();
	hss_imsdb_close(cx_g.store);
	cx_g.store = NULL;
}

/* ---- reading requests --------------------------------------------------------------- */

static int cx_bad(struct hss_res *res, uint32_t code, struct avp *failed, const char *missing)
{
	res->code = code;
	res->exp = false;
	res->failed = failed;
	res->missing = missing;
	return EINVAL;
}

int cx_read_text(msg_or_avp *parent, const char *name, bool required, char *out, size_t outsz,
                 bool *present, struct hss_res *res)
{
	struct avp *a = cm_avp_find(parent, name);
	union avp_value *v;

	if (present)
		*present = false;
	out[0] = '\0';
	if (!a)
		return required ? cx_bad(res, HSS_RC_MISSING_AVP, NULL, name) : 0;
	v = cm_avp_value(a);
	if (!v || !v->os.len || v->os.len >= outsz || memchr(v->os.data, 0, v->os.len))
		return cx_bad(res, HSS_RC_INVALID_AVP_VALUE, a, NULL);
	memcpy(out, v->os.data, v->os.len);
	out[v->os.len] = '\0';
	if (present)
		*present = true;
	return 0;
}

/* Children of parent with the dictionary code/vendor of `name`, one after the other. */
static struct avp *cx_next_named(msg_or_avp *parent, struct avp *after, const char *name)
{
	struct dict_object *model = cm_dict_avp(name);
	struct dict_avp_data d;
	msg_or_avp *c = NULL;

	if (!model || fd_dict_getval(model, &d))
		return NULL;
	if (after) {
		if (fd_msg_browse(after, MSG_BRW_NEXT, &c, NULL))
			return NULL;
	} else if (!(c = cm_avp_find(parent, name))) {
		return NULL;
	} else {
		return c;
	}
	while (c) {
		struct avp_hdr *h = NULL;
		if (!fd_msg_avp_hdr(c, &h) && h && h->avp_code == d.avp_code &&
		    ((h->avp_flags & AVP_FLAG_VENDOR) ? h->avp_vendor : 0) == d.avp_vendor)
			return c;
		if (fd_msg_browse(c, MSG_BRW_NEXT, &c, NULL))
			return NULL;
	}
	return NULL;
}

struct avp *cx_avp_next(msg_or_avp *parent, struct avp *after, const char *name)
{
	return cx_next_named(parent, after, name);
}

int cx_read_head(struct msg *req, struct cx_in *in, struct hss_res *res)
{
	struct avp *sf = NULL;
	int rc;

	memset(in, 0, sizeof(*in));
	if ((rc = hss_req_origin(req, in->origin_host, in->origin_realm, res)))
		return rc;
	/* Supported-Features: the Cx feature list (vendor 10415, list 1), if sent */
	while ((sf = cx_next_named(req, sf, "Supported-Features"))) {
		uint32_t vendor = 0, list = 0, feats = 0;
		bool pv = false, pl = false, pf = false;

		if (hss_req_u32(sf, "Vendor-Id", false, &vendor, &pv, res) ||
		    hss_req_u32(sf, "Feature-List-ID", false, &list, &pl, res) ||
		    hss_req_u32(sf, "Feature-List", false, &feats, &pf, res))
			return EINVAL;
		if (pv && pl && pf && vendor == HSS_VENDOR_3GPP && list == 1) {
			in->features_sent = true;
			in->features = feats;
		}
	}
	return 0;
}

void cx_store_result(int rc, const char *what, struct hss_res *res)
{
	res->failed = NULL;
	res->missing = NULL;
	if (rc == ENOENT) {
		hss_res_set(res, CX_ERROR_USER_UNKNOWN, true);
		return;
	}
	/* a corrupt stored subscription is not the peer's fault: 5012, logged once */
	hss_db_result(rc == 0 ? EIO : rc, what, res);
}

int cx_find_user(const char *impu, const char *impi, struct hss_imsdb_sub **ret,
                 size_t *ret_impu, long *ret_impi, struct hss_res *res)
{
	struct hss_imsdb_sub *ref = NULL, *other = NULL;
	size_t u = 0;
	long p = -1;
	int rc;

	if ((rc = hss_imsdb_find_impu(cx_g.store, impu, &ref, &u))) {
		if (rc == EINVAL)
			rc = ENOENT;   /* an identity no index can hold is nobody's */
		cx_store_result(rc, "IMS subscription lookup", res);
		return rc;
	}
	if (impi) {
		if ((p = hss_ims_find_impi(ref->sub, impi)) < 0) {
			/* someone else's private identity, or nobody's (TS 29.228 6.1.1.1 1-2) */
			rc = hss_imsdb_find_impi(cx_g.store, impi, &other, NULL);
			hss_imsdb_sub_release(other);
			hss_imsdb_sub_release(ref);
			if (rc == 0)
				hss_res_set(res, CX_ERROR_IDENTITIES_DONT_MATCH, true);
			else if (rc == ENOENT || rc == EINVAL)
				hss_res_set(res, CX_ERROR_USER_UNKNOWN, true);
			else
				cx_store_result(rc, "IMS subscription lookup", res);
			return EINVAL;
		}
		if (!hss_ims_impi_may_use(ref->sub, (size_t)p, u)) {
			hss_imsdb_sub_release(ref);
			hss_res_set(res, CX_ERROR_IDENTITIES_DONT_MATCH, true);
			return EINVAL;
		}
	}
	*ret = ref;
	*ret_impu = u;
	if (ret_impi)
		*ret_impi = p;
	return 0;
}

/* ---- answer parts -------------------------------------------------------------------- */

struct avp *cx_avp_str(const char *name, const char *value)
{
	return cx_avp_os(name, (const uint8_t *)value, strlen(value));
}

struct avp *cx_avp_os(const char *name, const uint8_t *v, size_t len)
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

struct avp *cx_avp_u32(const char *name, uint32_t v)
{
	struct avp *a = NULL;

	return hss_avp_new_u32(name, v, &a) ? NULL : a;
}

struct avp *cx_avp_features(const struct cx_in *in)
{
	struct avp *g = NULL;

	if (!in->features_sent)
		return NULL;
	if (hss_avp_new("Supported-Features", &g) ||
	    cm_avp_add_u32(g, "Vendor-Id", HSS_VENDOR_3GPP) ||
	    cm_avp_add_u32(g, "Feature-List-ID", 1) ||
	    cm_avp_add_u32(g, "Feature-List", CX_FEATURES_SUPPORTED)) {
		if (g)
			fd_msg_free(g);
		return NULL;
	}
	return g;
}

struct avp *cx_avp_capabilities(const struct hss_ims_sub *sub, const struct hss_cx_cfg *cfg)
{
	const struct hss_ims_scscf *sc = &sub->scscf;
	bool own = sc->name || sc->n_mandatory || sc->n_optional;
	const uint32_t *man = own ? sc->mandatory : cfg->mandatory_caps;
	const uint32_t *opt = own ? sc->optional : cfg->optional_caps;
	size_t nm = own ? sc->n_mandatory : cfg->n_mandatory_caps;
	size_t no = own ? sc->n_optional : cfg->n_optional_caps;
	struct avp *g = NULL;
	int rc = 0;

	if (hss_avp_new("Server-Capabilities", &g))
		return NULL;
	for (size_t i = 0; !rc && i < nm; i++)
		rc = cm_avp_add_u32(g, "Mandatory-Capability", man[i]);
	for (size_t i = 0; !rc && i < no; i++)
		rc = cm_avp_add_u32(g, "Optional-Capability", opt[i]);
	/* the subscription's preferred S-CSCF first, then the configured ones */
	if (!rc && sc->name)
		rc = cm_avp_add_str(g, "Server-Name", sc->name);
	for (size_t i = 0; !rc && i < cfg->n_scscf_names; i++)
		if (!sc->name || strcmp(sc->name, cfg->scscf_names[i]))
			rc = cm_avp_add_str(g, "Server-Name", cfg->scscf_names[i]);
	if (rc) {
		fd_msg_free(g);
		return NULL;
	}
	return g;
}

struct avp *cx_avp_charging(const struct hss_ims_sub *sub)
{
	const struct hss_ims_charging *c = &sub->charging;
	struct avp *g = NULL;
	int rc = 0;

	if (!c->primary_ccf && !c->secondary_ccf && !c->primary_ecf && !c->secondary_ecf)
		return NULL;
	if (hss_avp_new("Charging-Information", &g))
		return NULL;
	/* ABNF order: event functions (online) first */
	if (c->primary_ecf)
		rc = cm_avp_add_str(g, "Primary-Event-Charging-Function-Name", c->primary_ecf);
	if (!rc && c->secondary_ecf)
		rc = cm_avp_add_str(g, "Secondary-Event-Charging-Function-Name", c->secondary_ecf);
	if (!rc && c->primary_ccf)
		rc = cm_avp_add_str(g, "Primary-Charging-Collection-Function-Name", c->primary_ccf);
	if (!rc && c->secondary_ccf)
		rc = cm_avp_add_str(g, "Secondary-Charging-Collection-Function-Name", c->secondary_ccf);
	if (rc) {
		fd_msg_free(g);
		return NULL;
	}
	return g;
}

int cx_avp_user_data(const struct hss_ims_sub *sub, const char *impi, const char *impu,
                     struct avp **ret)
{
	/* SharedIFCSetIDs go out as ids: this HSS holds no set definitions to expand, and an
	 * S-CSCF without the feature ignores the Extension they are in (TS 29.228 Annex E) */
	struct hss_ims_cx_opts o = { impi, impu, true, NULL, 0 };
	char err[512], *xml = NULL;
	size_t len = 0;
	int rc;

	if ((rc = hss_ims_cx_user_data(sub, &o, &xml, &len, err, sizeof(err)))) {
		if (rc != ENOENT)
			LOG_E("hss: Cx: cannot build the User-Data of '%s': %s", sub->id, err);
		return rc;
	}
	*ret = cx_avp_os("User-Data", (const uint8_t *)xml, len);
	free(xml);
	return *ret ? 0 : ENOMEM;
}

struct avp *cx_avp_associated(const struct hss_ims_sub *sub, const char *impi)
{
	struct avp *g = NULL;
	size_t n = 0;

	if (sub->n_impis < 2)
		return NULL;
	if (hss_avp_new("Associated-Identities", &g))
		return NULL;
	for (size_t i = 0; i < sub->n_impis; i++) {
		if (impi && hss_ims_find_impi(sub, impi) == (long)i)
			continue;
		if (cm_avp_add_str(g, "User-Name", sub->impis[i].identity)) {
			fd_msg_free(g);
			return NULL;
		}
		n++;
	}
	if (!n) {
		fd_msg_free(g);
		return NULL;
	}
	return g;
}

bool cx_has_unregistered_services(const struct hss_ims_sub *sub, size_t impu)
{
	const struct hss_ims_impu *u = &sub->impus[impu];
	long p;

	if (u->type == HSS_IMS_ID_DISTINCT_PSI || u->type == HSS_IMS_ID_WILDCARDED_PSI)
		return true;
	if ((p = hss_ims_find_profile(sub, u->service_profile)) < 0)
		return false;
	for (size_t i = 0; i < sub->profiles[p].n_ifcs; i++)
		if (sub->profiles[p].ifcs[i].profile_part != 0 /* REGISTERED */)
			return true;
	return false;
}

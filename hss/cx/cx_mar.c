/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cx_mar.c: Multimedia-Auth-Request (TS 29.228 6.3, TS 29.229 6.1.7), the S-CSCF asking
 * for authentication data.
 *
 *   - identities (5001, 5002) as for UAR;
 *   - the scheme: "unknown" (any case) is the private identity's default scheme;
 *     "Digest-MD5" and "Digest" (Kamailio's names for its MD5 and CableLabs digests) are
 *     answered as SIP Digest; a scheme the identity may not use, or one this HSS cannot
 *     produce (NASS-Bundled, Early-IMS-Security), is 5006 AUTH_SCHEME_NOT_SUPPORTED;
 *   - Digest-AKAv1-MD5 / AKAv2-SHA-256: up to SIP-Number-Auth-Items vectors (capped by
 *     cx.max_auth_items) from Milenage with the identity's K/OPc, every SQN from one
 *     reservation on the counter AIR uses too (an IMSI-linked identity is one USIM); AMF
 *     with the separation bit at 0 (TS 33.102 Annex H: it is for E-UTRAN only). Each item:
 *     SIP-Authenticate = RAND || AUTN, SIP-Authorization = XRES, Confidentiality-Key,
 *     Integrity-Key, SIP-Item-Number;
 *   - re-synchronisation (SIP-Authorization = RAND || AUTS in the request): only from the
 *     S-CSCF stored for the user (else 5012, 6.3.1), MAC-S checked (a wrong one is 5003
 *     AUTHORIZATION_REJECTED), the counter moved past SQN_MS (never back), new vectors;
 *   - SIP Digest: one item with SIP-Digest-Authenticate {Digest-Realm, Digest-Algorithm MD5,
 *     Digest-QoP, Digest-HA1 as 32 lower-case hex digits};
 *   - the S-CSCF is stored as assigned (TS 29.228 8.1: a different one overwrites it; 8.1.1:
 *     when the user was registered at the old one, at another Diameter address, an RTR
 *     NEW_SERVER_ASSIGNED is queued for it, cx.rtr_on_scscf_change), and the authentication
 *     is recorded as pending for the private identity.
 * Every MAA carries User-Name, Public-Identity and SIP-Number-Auth-Items, also on errors:
 * Kamailio reads them before the result.
 */
#include "cx_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct mar_in {
	struct cx_in in;
	char impi[CX_ID_LEN], impu[CX_ID_LEN], server_name[CX_ID_LEN], scheme[128];
	bool has_scheme;
	uint32_t n_items;
	struct avp *authz;           /* SIP-Authorization of the request (resync) or NULL */
};

/* The scheme asked for, as an HSS_IMS_AUTH_* bit of the identity: 0 when unknown or not
 * allowed. */
static uint32_t mar_scheme(const struct hss_ims_impi *p, const struct mar_in *m)
{
	uint32_t bit;

	if (!m->has_scheme || !strcasecmp(m->scheme, "unknown"))
		return p->default_scheme;
	if (!strcasecmp(m->scheme, "Digest-MD5") || !strcasecmp(m->scheme, "Digest"))
		bit = HSS_IMS_AUTH_SIP_DIGEST;
	else
		bit = hss_ims_auth_lookup(m->scheme);
	return bit & p->auth_schemes;
}

/* auth_time (shown by hssctl ims-show) is refreshed by a MAR at most this often */
#define MAR_TIME_REFRESH_S 60

struct mar_upd {
	const struct mar_in *m;
	const struct hss_cx_cfg *cfg;
	uint32_t scheme;
	bool resync;
	bool conflict;               /* out: resync from another S-CSCF */
	bool rtr;                    /* out: an RTR went to the old S-CSCF */
};

static int mar_state(struct hss_imsdb_tx *t, const struct hss_ims_sub *sub,
                     struct hss_imsdb_state *st, void *arg)
{
	struct mar_upd *a = arg;
	const struct mar_in *m = a->m;
	struct hss_imsdb_impi_state *p;
	bool other = st->scscf_name && strcasecmp(st->scscf_name, m->server_name);
	int64_t now;
	int rc;

	a->conflict = a->rtr = false;
	if (a->resync && other) {
		a->conflict = true;
		return HSS_IMSDB_NO_CHANGE;
	}
	if (other && a->cfg->rtr_on_scscf_change && hss_imsdb_state_active(st) && st->scscf_host &&
	    strcasecmp(st->scscf_host, m->in.origin_host)) {
		/* TS 29.228 8.1.1: the registrations at the old S-CSCF are cleared there */
		struct hss_imsdb_push q = { .kind = HSS_IMSDB_PUSH_RTR, .sub_id = sub->id,
			.dest_host = st->scscf_host, .dest_realm = st->scscf_realm,
			.reason = CX_REASON_NEW_SERVER_ASSIGNED, .state_done = true };
		char *impus[HSS_IMS_MAX_IMPUS];

		for (size_t i = 0; i < st->n_impus && q.n_impus < HSS_IMS_MAX_IMPUS; i++) {
			if (st->impus[i].reg == HSS_IMSDB_NOT_REGISTERED)
				continue;
			impus[q.n_impus++] = st->impus[i].identity;
			if (!q.impi && st->impus[i].n_impis)
				q.impi = st->impus[i].impis[0];
		}
		if (!q.impi)
			q.impi = (char *)m->impi;
		q.impus = impus;
		if ((rc = hss_imsdb_tx_push(t, &q)))
			return rc;
		for (size_t i = 0; i < q.n_impus; i++)
			if ((rc = hss_imsdb_state_set(st, impus[i], HSS_IMSDB_NOT_REGISTERED, NULL)))
				return rc;
		a->rtr = true;
	}
	now = (int64_t)time(NULL);
	/* The S-CSCF already stored and the same authentication in progress, noted less than
	 * MAR_TIME_REFRESH_S ago: nothing to write (a repeated MAR then costs no commit). */
	if (!a->rtr && st->scscf_name && !other && (p = hss_imsdb_state_impi(st, m->impi, false)) &&
	    p->auth_scheme == a->scheme && p->auth_time <= now &&
	    now - p->auth_time < MAR_TIME_REFRESH_S)
		return HSS_IMSDB_NO_CHANGE;
	if ((!st->scscf_name || other) &&
	    hss_imsdb_state_scscf(st, m->server_name, m->in.origin_host, m->in.origin_realm))
		return ENOMEM;
	if (!(p = hss_imsdb_state_impi(st, m->impi, true)))
		return ENOMEM;
	p->auth_scheme = a->scheme;
	p->auth_time = now;
	return 0;
}

/* SIP-Auth-Data-Items of SIP Digest: one (the HA1 does not change between items). */
static int mar_digest(const struct hss_ims_impi *p, const struct hss_cx_cfg *cfg,
                      struct avp **items)
{
	const char *realm = p->digest_realm ? p->digest_realm : cfg->digest_realm;
	const char *at = strrchr(p->identity, '@');
	struct avp *it = NULL, *g = NULL;
	int rc;

	if (!realm)
		realm = at ? at + 1 : p->identity;
	if ((rc = hss_avp_new("SIP-Auth-Data-Item", &it)) ||
	    (rc = cm_avp_add_u32(it, "SIP-Item-Number", 1)) ||
	    (rc = cm_avp_add_str(it, "SIP-Authentication-Scheme",
	                         hss_ims_auth_wire_name(HSS_IMS_AUTH_SIP_DIGEST))) ||
	    (rc = cm_avp_add_group(it, "SIP-Digest-Authenticate", &g)) ||
	    (rc = cm_avp_add_str(g, "Digest-Realm", realm)) ||
	    (rc = cm_avp_add_str(g, "Digest-Algorithm", "MD5")) ||
	    (rc = cm_avp_add_str(g, "Digest-QoP", cfg->digest_qop ? cfg->digest_qop : "auth")) ||
	    (rc = cm_avp_add_str(g, "Digest-HA1", p->digest_ha1))) {
		if (it)
			fd_msg_free(it);
		return rc;
	}
	items[0] = it;
	atomic_fetch_add_explicit(&hss_stats.digest_items, 1, memory_order_relaxed);
	return 0;
}

/* SIP-Auth-Data-Items of Digest-AKA, one per reserved SQN. */
static int mar_aka(const struct hss_auth_data *ad, uint32_t scheme, struct avp **items)
{
	struct hss_auth_keys keys;
	struct hss_utran_vector v;
	uint8_t sqn[6], ra[32];
	int rc = 0;

	memset(&keys, 0, sizeof(keys));
	memcpy(keys.k, ad->k, 16);
	memcpy(keys.amf, ad->amf, 2);
	/* TS 33.102 Annex H: the AMF separation bit is set only in E-UTRAN vectors */
	keys.amf[0] &= (uint8_t)~HSS_AMF_SEPARATION_BIT;
	if (ad->opc)
		memcpy(keys.opc, ad->op, 16);
	else if ((rc = hss_milenage_opc(ad->k, ad->op, keys.opc)))
		goto out;
	for (unsigned i = 0; i < ad->n; i++) {
		struct avp *it = NULL;

		hss_sqn_to_bytes(ad->sqn[i], sqn);
		if ((rc = hss_gen_utran_vector(&keys, sqn, NULL, &v)))
			goto out;
		memcpy(ra, v.rand, 16);
		memcpy(ra + 16, v.autn, 16);
		if ((rc = hss_avp_new("SIP-Auth-Data-Item", &it)) ||
		    (rc = cm_avp_add_u32(it, "SIP-Item-Number", i + 1)) ||
		    (rc = cm_avp_add_str(it, "SIP-Authentication-Scheme", hss_ims_auth_wire_name(scheme))) ||
		    (rc = cm_avp_add_os(it, "SIP-Authenticate", ra, 32)) ||
		    (rc = cm_avp_add_os(it, "SIP-Authorization", v.xres, v.xres_len)) ||
		    (rc = cm_avp_add_os(it, "Confidentiality-Key", v.ck, 16)) ||
		    (rc = cm_avp_add_os(it, "Integrity-Key", v.ik, 16))) {
			if (it)
				fd_msg_free(it);
			goto out;
		}
		items[i] = it;
		explicit_bzero(&v, sizeof(v));
	}
	atomic_fetch_add_explicit(&hss_stats.vectors_ims, ad->n, memory_order_relaxed);
out:
	explicit_bzero(&v, sizeof(v));
	explicit_bzero(&keys, sizeof(keys));
	explicit_bzero(ra, sizeof(ra));
	return rc;
}

/* Everything after the request was read; fills items[] (n_items of them). */
static void mar_process(struct mar_in *m, const struct hss_cx_cfg *cfg, struct hss_res *res,
                        struct avp **items, unsigned *n_items)
{
	struct hss_imsdb_sub *ref = NULL;
	struct hss_auth_data ad;
	const struct hss_ims_impi *p;
	struct mar_upd upd = { m, cfg, 0, m->authz != NULL, false, false };
	uint64_t sqn_ms = 0;
	unsigned n;
	long pi;
	size_t u;
	int rc;

	memset(&ad, 0, sizeof(ad));
	if (cx_find_user(m->impu, m->impi, &ref, &u, &pi, res))
		return;
	p = &ref->sub->impis[pi];
	upd.scheme = mar_scheme(p, m);
	if (!upd.scheme || (upd.scheme & (HSS_IMS_AUTH_NASS_BUNDLED | HSS_IMS_AUTH_EARLY_IMS))) {
		hss_res_set(res, CX_ERROR_AUTH_SCHEME_NOT_SUPPORTED, true);
		goto out;
	}
	if (m->authz && upd.scheme == HSS_IMS_AUTH_SIP_DIGEST)
		upd.resync = false;   /* SIP-Authorization means nothing for digest: ignored */
	if (upd.resync) {
		union avp_value *v = cm_avp_value(m->authz);

		/* RAND (16) || AUTS (14), TS 29.229 6.3.14 */
		if (!v || v->os.len != HSS_AUTH_RAND_LEN + HSS_AUTH_AUTS_LEN) {
			hss_res_set(res, HSS_RC_INVALID_AVP_VALUE, false);
			res->failed = m->authz;
			goto out;
		}
	}
	/* the S-CSCF (stored, or checked for a re-synchronisation) */
	if ((rc = hss_imsdb_update(cx_g.store, ref->sub->id, mar_state, &upd))) {
		cx_store_result(rc, "IMS authentication state update", res);
		goto out;
	}
	if (upd.rtr)
		cx_push_wake();
	if (upd.conflict) {
		/* TS 29.228 6.3.1: only the S-CSCF that challenged may re-synchronise */
		hss_res_set(res, HSS_RC_UNABLE_TO_COMPLY, false);
		goto out;
	}
	if (upd.scheme == HSS_IMS_AUTH_SIP_DIGEST) {
		if (mar_digest(p, cfg, items)) {
			hss_res_set(res, HSS_RC_UNABLE_TO_COMPLY, false);
			goto out;
		}
		*n_items = 1;
		hss_res_set(res, HSS_RC_SUCCESS, false);
		goto out;
	}
	n = m->n_items ? m->n_items : 1;
	if (n > cfg->max_auth_items)
		n = cfg->max_auth_items;
	if (upd.resync) {
		union avp_value *v = cm_avp_value(m->authz);
		struct hss_auth_keys keys;

		if ((rc = hss_imsdb_aka_keys(cx_g.store, ref->sub, (size_t)pi, &ad))) {
			cx_store_result(rc, "AKA credentials read", res);
			goto out;
		}
		memset(&keys, 0, sizeof(keys));
		memcpy(keys.k, ad.k, 16);
		if (ad.opc)
			memcpy(keys.opc, ad.op, 16);
		else
			rc = hss_milenage_opc(ad.k, ad.op, keys.opc);
		if (!rc)
			rc = hss_resync(&keys, v->os.data, v->os.data + HSS_AUTH_RAND_LEN, &sqn_ms);
		explicit_bzero(&keys, sizeof(keys));
		if (rc == EBADMSG) {
			/* MAC-S wrong: not the USIM/ISIM we know, or a corrupted AUTS */
			atomic_fetch_add_explicit(&hss_stats.ims_resync_bad_mac, 1, memory_order_relaxed);
			hss_res_set(res, CX_RC_AUTHORIZATION_REJECTED, false);
			goto out;
		}
		if (rc) {
			hss_res_set(res, HSS_RC_UNABLE_TO_COMPLY, false);
			goto out;
		}
		atomic_fetch_add_explicit(&hss_stats.ims_resync_ok, 1, memory_order_relaxed);
	}
	rc = hss_imsdb_sqn_reserve(cx_g.store, ref->sub, (size_t)pi, n, hss_sqn_next,
	                           upd.resync ? &sqn_ms : NULL, &ad);
	if (rc) {
		/* a linked IMSI that is gone: the user cannot be authenticated */
		cx_store_result(rc == EINVAL ? ENOENT : rc, "SQN reservation", res);
		goto out;
	}
	hss_db_ok();
	if (ad.n != n || mar_aka(&ad, upd.scheme, items)) {
		for (unsigned i = 0; i < n; i++)
			if (items[i]) {
				fd_msg_free(items[i]);
				items[i] = NULL;
			}
		hss_res_set(res, HSS_RC_UNABLE_TO_COMPLY, false);
		goto out;
	}
	*n_items = n;
	hss_res_set(res, HSS_RC_SUCCESS, false);
out:
	explicit_bzero(&ad, sizeof(ad));
	hss_imsdb_sub_release(ref);
}

int cx_mar_cb(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
              enum disp_action *act)
{
	struct hss_res res = { .code = HSS_RC_UNABLE_TO_COMPLY };
	struct avp *body[4 + HSS_DB_MAX_VECTORS];
	struct hss_snap *snap = hss_snap_get();
	struct mar_in *m = calloc(1, sizeof(*m));
	struct avp *item;
	unsigned n_items = 0;
	bool has_impi = false, has_impu = false;
	int rc;

	(void)avp, (void)sess, (void)opaque;
	memset(body, 0, sizeof(body));
	atomic_fetch_add_explicit(&hss_stats.cmd[HSS_CMD_MAR].requests, 1, memory_order_relaxed);
	if (!snap || !m)
		goto answer;
	if (cx_read_head(*msg, &m->in, &res) ||
	    cx_read_text(*msg, "User-Name", true, m->impi, sizeof(m->impi), &has_impi, &res) ||
	    cx_read_text(*msg, "Public-Identity", true, m->impu, sizeof(m->impu), &has_impu, &res) ||
	    hss_req_u32(*msg, "SIP-Number-Auth-Items", true, &m->n_items, NULL, &res) ||
	    cx_read_text(*msg, "Server-Name", true, m->server_name, sizeof(m->server_name), NULL,
	                 &res))
		goto answer;
	if (!(item = cm_avp_find(*msg, "SIP-Auth-Data-Item"))) {
		res.code = HSS_RC_MISSING_AVP;
		res.missing = "SIP-Auth-Data-Item";
		goto answer;
	}
	if (cx_read_text(item, "SIP-Authentication-Scheme", false, m->scheme, sizeof(m->scheme),
	                 &m->has_scheme, &res))
		goto answer;
	m->authz = cm_avp_find(item, "SIP-Authorization");
	mar_process(m, &snap->cfg.cx, &res, body + 4, &n_items);
answer:
	*act = DISP_ACT_CONT;
	/* Kamailio needs these three in every MAA, errors included */
	if (m && has_impi)
		body[0] = cx_avp_str("User-Name", m->impi);
	if (m)
		body[1] = cx_avp_features(&m->in);
	if (m && has_impu)
		body[2] = cx_avp_str("Public-Identity", m->impu);
	body[3] = cx_avp_u32("SIP-Number-Auth-Items", n_items);
	rc = hss_answer_app(msg, HSS_APP_CX, HSS_CMD_MAR, &res, body, 4 + HSS_DB_MAX_VECTORS);
	free(m);
	hss_snap_unref(snap);
	return rc;
}

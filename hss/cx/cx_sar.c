/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cx_sar.c: Server-Assignment-Request (TS 29.228 6.1.2, TS 29.229 6.1.3), the S-CSCF
 * telling the HSS that it serves (or stops serving) a user, and downloading the profile.
 *
 * The decision runs inside the read-modify-write of the subscription's registration state
 * (hss_imsdb_update), so two S-CSCFs or two HSS processes can never interleave:
 *   REGISTRATION, RE_REGISTRATION   the implicit set registered with the private identity,
 *                                   the S-CSCF stored; another S-CSCF assigned: 5005
 *                                   IDENTITY_ALREADY_REGISTERED with its Server-Name (an MAR
 *                                   overwrites it first in a normal registration); a PSI
 *                                   cannot register: 5007 IN_ASSIGNMENT_TYPE
 *   UNREGISTERED_USER               the set UNREGISTERED at this S-CSCF (a registered one
 *                                   stays registered); 5005 when another S-CSCF serves it
 *   TIMEOUT_, USER_, ADMINISTRATIVE_DEREGISTRATION, DEREGISTRATION_TOO_MUCH_DATA
 *                                   the private identity leaves the sets of the identities
 *                                   (a set stays registered while another private identity
 *                                   is registered); the S-CSCF cleared once nothing is left
 *   *_STORE_SERVER_NAME             the same, the S-CSCF kept (cx.store_server_name), else
 *                                   2004 SUCCESS_SERVER_NAME_NOT_STORED
 *   AUTHENTICATION_FAILURE, _TIMEOUT the authentication no longer pending; the S-CSCF
 *                                   cleared when nothing is registered
 *   NO_ASSIGNMENT                   the profile for the assigned S-CSCF only (else 5012)
 *   RESTORATION                     the profile again for the assigned S-CSCF
 *   AAA_USER_DATA_REQUEST, PGW_UPDATE and unknown types (SWx): 5007 IN_ASSIGNMENT_TYPE
 * De-registrations from an S-CSCF that is not the assigned one change nothing (an S-CSCF
 * the user left must not de-register it at the new one) and are answered 2001. Only the
 * de-registration types may name several public identities (else 5009
 * AVP_OCCURS_TOO_MANY_TIMES). The SAA carries User-Data (hss_ims_cx_sat_has_user_data) with
 * Charging-Information, User-Name and the other private identities (Associated-Identities).
 */
#include "cx_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SAR_MAX_IMPUS 32

struct sar_in {
	struct cx_in in;
	char impi[CX_ID_LEN];
	bool has_impi;
	char impus[SAR_MAX_IMPUS][CX_ID_LEN];
	size_t n_impus;
	char server_name[CX_ID_LEN];
	uint32_t sat, udaa;
};

struct sar_upd {
	const struct sar_in *s;
	const struct hss_cx_cfg *cfg;
	const struct hss_ims_sub *sub_seen;
	size_t impu;                 /* model index of the first public identity */
	/* out */
	uint32_t code;
	bool exp;
	bool user_data;
	char data_impi[CX_ID_LEN];   /* the private identity the User-Data is built for */
	char assigned[CX_ID_LEN];    /* the other S-CSCF (5005) */
};

static bool dereg_type(uint32_t sat)
{
	switch (sat) {
	case HSS_IMS_SAT_TIMEOUT_DEREGISTRATION:
	case HSS_IMS_SAT_USER_DEREGISTRATION:
	case HSS_IMS_SAT_TIMEOUT_DEREGISTRATION_STORE_SERVER_NAME:
	case HSS_IMS_SAT_USER_DEREGISTRATION_STORE_SERVER_NAME:
	case HSS_IMS_SAT_ADMINISTRATIVE_DEREGISTRATION:
	case HSS_IMS_SAT_DEREGISTRATION_TOO_MUCH_DATA:
		return true;
	default:
		return false;
	}
}

static bool same_scscf(const struct hss_imsdb_state *st, const char *name)
{
	return st->scscf_name && !strcasecmp(st->scscf_name, name);
}

static void set_result(struct sar_upd *a, uint32_t code, bool exp)
{
	a->code = code;
	a->exp = exp;
}

/* A private identity for the profile when the request named none: one registered with the
 * identity, else the first that may use it. */
static void pick_impi(const struct hss_ims_sub *sub, const struct hss_imsdb_state *st,
                      size_t impu, char *out, size_t outsz)
{
	const struct hss_imsdb_impu_state *u = NULL;

	for (size_t i = 0; i < st->n_impus; i++)
		if (hss_ims_identity_eq(st->impus[i].identity, sub->impus[impu].identity))
			u = &st->impus[i];
	if (u && u->n_impis) {
		snprintf(out, outsz, "%s", u->impis[0]);
		return;
	}
	for (size_t i = 0; i < sub->n_impis; i++)
		if (hss_ims_impi_may_use(sub, i, impu)) {
			snprintf(out, outsz, "%s", sub->impis[i].identity);
			return;
		}
	out[0] = '\0';
}

/* The members of the implicit set of each public identity of the request. */
static int set_members(const struct hss_ims_sub *sub, const struct sar_in *s, size_t first,
                       size_t *idx, size_t *n)
{
	*n = 0;
	for (size_t k = 0; k < (s->n_impus ? s->n_impus : 1); k++) {
		size_t m[HSS_IMS_MAX_IMPUS], cnt;
		long u = k == 0 ? (long)first : hss_ims_find_impu(sub, s->impus[k], true);

		if (u < 0)
			return ENOENT;
		cnt = hss_ims_irs(sub, (size_t)u, m, HSS_IMS_MAX_IMPUS);
		for (size_t i = 0; i < cnt && i < HSS_IMS_MAX_IMPUS; i++) {
			bool seen = false;
			for (size_t j = 0; j < *n; j++)
				seen |= idx[j] == m[i];
			if (!seen)
				idx[(*n)++] = m[i];
		}
	}
	return 0;
}

static int sar_dereg(const struct hss_ims_sub *sub, struct hss_imsdb_state *st,
                     struct sar_upd *a)
{
	const struct sar_in *s = a->s;
	size_t idx[HSS_IMS_MAX_IMPUS], n = 0;
	int rc;

	if (!same_scscf(st, s->server_name))
		return HSS_IMSDB_NO_CHANGE;   /* not (or no longer) this S-CSCF's user */
	if (s->n_impus) {
		if (set_members(sub, s, a->impu, idx, &n))
			return HSS_IMSDB_NO_CHANGE;
	} else {
		/* only User-Name: every identity the private identity registered */
		for (size_t i = 0; i < sub->n_impus; i++)
			idx[n++] = i;
	}
	for (size_t i = 0; i < n; i++) {
		const char *id = sub->impus[idx[i]].identity;
		enum hss_imsdb_reg r = hss_imsdb_state_reg(st, id);

		if (r == HSS_IMSDB_REGISTERED && s->has_impi)
			hss_imsdb_state_drop_impi(st, id, s->impi);
		else if (r != HSS_IMSDB_NOT_REGISTERED && (s->n_impus || r == HSS_IMSDB_UNREGISTERED))
			if ((rc = hss_imsdb_state_set(st, id, HSS_IMSDB_NOT_REGISTERED, NULL)))
				return rc;
	}
	if (hss_imsdb_state_active(st))
		return 0;
	for (size_t i = 0; i < st->n_impis; i++)
		st->impis[i].auth_scheme = 0;
	if (s->sat == HSS_IMS_SAT_TIMEOUT_DEREGISTRATION_STORE_SERVER_NAME ||
	    s->sat == HSS_IMS_SAT_USER_DEREGISTRATION_STORE_SERVER_NAME) {
		if (a->cfg->store_server_name)
			return 0;
		set_result(a, CX_SUCCESS_SERVER_NAME_NOT_STORED, true);
	}
	return hss_imsdb_state_scscf(st, NULL, NULL, NULL);
}

static int sar_state(struct hss_imsdb_tx *t, const struct hss_ims_sub *sub,
                     struct hss_imsdb_state *st, void *arg)
{
	struct sar_upd *a = arg;
	const struct sar_in *s = a->s;
	size_t idx[HSS_IMS_MAX_IMPUS], n = 0;
	struct hss_imsdb_impi_state *p;
	int rc;

	(void)t;
	set_result(a, HSS_RC_SUCCESS, false);
	a->user_data = false;
	a->assigned[0] = a->data_impi[0] = '\0';
	a->sub_seen = sub;
	if (s->n_impus) {
		/* the subscription as this transaction sees it (it may have changed since the
		 * lookup) */
		long x = hss_ims_find_impu(sub, s->impus[0], true);
		if (x < 0)
			return ENOENT;
		a->impu = (size_t)x;
	}
	if (dereg_type(s->sat))
		return sar_dereg(sub, st, a);

	switch (s->sat) {
	case HSS_IMS_SAT_REGISTRATION:
	case HSS_IMS_SAT_RE_REGISTRATION:
		if (st->scscf_name && !same_scscf(st, s->server_name)) {
			set_result(a, CX_ERROR_IDENTITY_ALREADY_REGISTERED, true);
			snprintf(a->assigned, sizeof(a->assigned), "%s", st->scscf_name);
			return HSS_IMSDB_NO_CHANGE;
		}
		if ((rc = set_members(sub, s, a->impu, idx, &n)))
			return rc;
		for (size_t i = 0; i < n; i++)
			if ((rc = hss_imsdb_state_set(st, sub->impus[idx[i]].identity, HSS_IMSDB_REGISTERED,
			                              s->impi)))
				return rc;
		if (!st->scscf_name &&
		    hss_imsdb_state_scscf(st, s->server_name, s->in.origin_host, s->in.origin_realm))
			return ENOMEM;
		if ((p = hss_imsdb_state_impi(st, s->impi, false)))
			p->auth_scheme = 0;
		a->user_data = hss_ims_cx_sat_has_user_data(s->sat, s->udaa == 1);
		snprintf(a->data_impi, sizeof(a->data_impi), "%s", s->impi);
		return 0;
	case HSS_IMS_SAT_UNREGISTERED_USER:
		if (st->scscf_name && !same_scscf(st, s->server_name) && hss_imsdb_state_active(st)) {
			set_result(a, CX_ERROR_IDENTITY_ALREADY_REGISTERED, true);
			snprintf(a->assigned, sizeof(a->assigned), "%s", st->scscf_name);
			return HSS_IMSDB_NO_CHANGE;
		}
		if ((rc = set_members(sub, s, a->impu, idx, &n)))
			return rc;
		for (size_t i = 0; i < n; i++)
			if (hss_imsdb_state_reg(st, sub->impus[idx[i]].identity) != HSS_IMSDB_REGISTERED &&
			    (rc = hss_imsdb_state_set(st, sub->impus[idx[i]].identity,
			                              HSS_IMSDB_UNREGISTERED, NULL)))
				return rc;
		if (!same_scscf(st, s->server_name) &&
		    hss_imsdb_state_scscf(st, s->server_name, s->in.origin_host, s->in.origin_realm))
			return ENOMEM;
		a->user_data = true;
		if (s->has_impi)
			snprintf(a->data_impi, sizeof(a->data_impi), "%s", s->impi);
		else
			pick_impi(sub, st, a->impu, a->data_impi, sizeof(a->data_impi));
		return 0;
	case HSS_IMS_SAT_AUTHENTICATION_FAILURE:
	case HSS_IMS_SAT_AUTHENTICATION_TIMEOUT:
		if (s->has_impi && (p = hss_imsdb_state_impi(st, s->impi, false)))
			p->auth_scheme = 0;
		if (!hss_imsdb_state_active(st) && (!st->scscf_name || same_scscf(st, s->server_name)))
			return hss_imsdb_state_scscf(st, NULL, NULL, NULL);
		return 0;
	case HSS_IMS_SAT_NO_ASSIGNMENT:
		if (!same_scscf(st, s->server_name)) {
			set_result(a, HSS_RC_UNABLE_TO_COMPLY, false);
			return HSS_IMSDB_NO_CHANGE;
		}
		break;
	case HSS_IMS_SAT_RESTORATION:
		if (st->scscf_name && !same_scscf(st, s->server_name)) {
			set_result(a, CX_ERROR_IDENTITY_ALREADY_REGISTERED, true);
			snprintf(a->assigned, sizeof(a->assigned), "%s", st->scscf_name);
			return HSS_IMSDB_NO_CHANGE;
		}
		break;
	default:
		set_result(a, CX_ERROR_IN_ASSIGNMENT_TYPE, true);
		return HSS_IMSDB_NO_CHANGE;
	}
	/* NO_ASSIGNMENT, RESTORATION: the profile, no change */
	a->user_data = true;
	if (s->has_impi)
		snprintf(a->data_impi, sizeof(a->data_impi), "%s", s->impi);
	else
		pick_impi(sub, st, a->impu, a->data_impi, sizeof(a->data_impi));
	return HSS_IMSDB_NO_CHANGE;
}

static void sar_process(const struct sar_in *s, const struct hss_cx_cfg *cfg,
                        struct hss_res *res, struct avp **body)
{
	struct hss_imsdb_sub *ref = NULL;
	struct sar_upd a;
	const struct hss_ims_impu *u;
	size_t ui = 0;
	long pi = -1;
	int rc;

	memset(&a, 0, sizeof(a));
	a.s = s;
	a.cfg = cfg;
	if (s->n_impus) {
		if (cx_find_user(s->impus[0], s->has_impi ? s->impi : NULL, &ref, &ui, &pi, res))
			return;
	} else {
		/* only a private identity (de-registration of everything it registered) */
		if ((rc = hss_imsdb_find_impi(cx_g.store, s->impi, &ref, NULL))) {
			cx_store_result(rc == EINVAL ? ENOENT : rc, "IMS subscription lookup", res);
			return;
		}
		if (!dereg_type(s->sat) && s->sat != HSS_IMS_SAT_AUTHENTICATION_FAILURE &&
		    s->sat != HSS_IMS_SAT_AUTHENTICATION_TIMEOUT) {
			hss_res_set(res, HSS_RC_MISSING_AVP, false);
			res->missing = "Public-Identity";
			goto out;
		}
	}
	/* the other public identities: known, and the same user's */
	for (size_t k = 1; k < s->n_impus; k++) {
		long x = hss_ims_find_impu(ref->sub, s->impus[k], true);
		if (x < 0) {
			struct hss_imsdb_sub *o = NULL;
			rc = hss_imsdb_find_impu(cx_g.store, s->impus[k], &o, NULL);
			hss_imsdb_sub_release(o);
			hss_res_set(res, rc == 0 ? CX_ERROR_IDENTITIES_DONT_MATCH : CX_ERROR_USER_UNKNOWN,
			            true);
			goto out;
		}
	}
	u = &ref->sub->impus[ui];
	if ((u->type == HSS_IMS_ID_DISTINCT_PSI || u->type == HSS_IMS_ID_WILDCARDED_PSI) &&
	    !u->psi_active) {
		/* TS 29.228 6.1.2.1: an inactive PSI is unknown */
		hss_res_set(res, CX_ERROR_USER_UNKNOWN, true);
		goto out;
	}
	if ((s->sat == HSS_IMS_SAT_REGISTRATION || s->sat == HSS_IMS_SAT_RE_REGISTRATION) &&
	    (u->type == HSS_IMS_ID_DISTINCT_PSI || u->type == HSS_IMS_ID_WILDCARDED_PSI)) {
		hss_res_set(res, CX_ERROR_IN_ASSIGNMENT_TYPE, true);
		goto out;
	}
	if ((s->sat == HSS_IMS_SAT_REGISTRATION || s->sat == HSS_IMS_SAT_RE_REGISTRATION) &&
	    !s->has_impi) {
		hss_res_set(res, HSS_RC_MISSING_AVP, false);
		res->missing = "User-Name";
		goto out;
	}
	a.impu = ui;
	if ((rc = hss_imsdb_update(cx_g.store, ref->sub->id, sar_state, &a))) {
		cx_store_result(rc, "IMS registration state update", res);
		goto out;
	}
	hss_res_set(res, a.code, a.exp);
	if (a.assigned[0])
		body[5] = cx_avp_str("Server-Name", a.assigned);
	if (a.code != HSS_RC_SUCCESS)
		goto out;
	hss_db_ok();
	if (a.user_data) {
		/* built from the subscription this transaction saw (a newer one is pushed by PPR) */
		const struct hss_ims_sub *sub = ref->sub;

		if (!a.data_impi[0]) {
			hss_res_set(res, CX_ERROR_IDENTITIES_DONT_MATCH, true);
			goto out;
		}
		if ((rc = cx_avp_user_data(sub, a.data_impi, s->impus[0][0] ? s->impus[0] :
		                           sub->impus[ui].identity, &body[2]))) {
			if (rc == ENOENT)
				hss_res_set(res, CX_ERROR_IDENTITIES_DONT_MATCH, true);
			else
				hss_res_set(res, HSS_RC_UNABLE_TO_COMPLY, false);
			goto out;
		}
		body[0] = cx_avp_str("User-Name", a.data_impi);
		body[3] = cx_avp_charging(sub);
		body[4] = cx_avp_associated(sub, a.data_impi);
		if (u->type == HSS_IMS_ID_WILDCARDED_PSI || u->type == HSS_IMS_ID_WILDCARDED_IMPU)
			body[6] = cx_avp_str("Wildcarded-Public-Identity", u->identity);
	}
out:
	hss_imsdb_sub_release(ref);
}

int cx_sar_cb(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
              enum disp_action *act)
{
	struct hss_res res = { .code = HSS_RC_UNABLE_TO_COMPLY };
	struct avp *body[7] = { NULL };
	struct hss_snap *snap = hss_snap_get();
	struct sar_in *s = calloc(1, sizeof(*s));
	struct avp *pi = NULL;
	int rc;

	(void)avp, (void)sess, (void)opaque;
	atomic_fetch_add_explicit(&hss_stats.cmd[HSS_CMD_SAR].requests, 1, memory_order_relaxed);
	if (!snap || !s)
		goto answer;
	if (cx_read_head(*msg, &s->in, &res) ||
	    cx_read_text(*msg, "User-Name", false, s->impi, sizeof(s->impi), &s->has_impi, &res) ||
	    cx_read_text(*msg, "Server-Name", true, s->server_name, sizeof(s->server_name), NULL,
	                 &res) ||
	    hss_req_u32(*msg, "Server-Assignment-Type", true, &s->sat, NULL, &res) ||
	    hss_req_u32(*msg, "User-Data-Already-Available", true, &s->udaa, NULL, &res))
		goto answer;
	body[1] = cx_avp_features(&s->in);
	while ((pi = cx_avp_next(*msg, pi, "Public-Identity"))) {
		union avp_value *v = cm_avp_value(pi);

		if (s->n_impus && !dereg_type(s->sat)) {
			/* TS 29.228 6.1.2.1: several identities only to de-register them */
			hss_res_set(&res, CX_RC_AVP_OCCURS_TOO_MANY_TIMES, false);
			res.failed = pi;
			goto answer;
		}
		if (!v || !v->os.len || v->os.len >= CX_ID_LEN || memchr(v->os.data, 0, v->os.len)) {
			hss_res_set(&res, HSS_RC_INVALID_AVP_VALUE, false);
			res.failed = pi;
			goto answer;
		}
		if (s->n_impus == SAR_MAX_IMPUS) {
			hss_res_set(&res, CX_RC_AVP_OCCURS_TOO_MANY_TIMES, false);
			res.failed = pi;
			goto answer;
		}
		memcpy(s->impus[s->n_impus], v->os.data, v->os.len);
		s->impus[s->n_impus++][v->os.len] = '\0';
	}
	if (!s->n_impus && !s->has_impi) {
		hss_res_set(&res, HSS_RC_MISSING_AVP, false);
		res.missing = "Public-Identity";
		goto answer;
	}
	sar_process(s, &snap->cfg.cx, &res, body);
	if (!body[0] && s->has_impi)
		body[0] = cx_avp_str("User-Name", s->impi);
answer:
	*act = DISP_ACT_CONT;
	rc = hss_answer_app(msg, HSS_APP_CX, HSS_CMD_SAR, &res, body, 7);
	free(s);
	hss_snap_unref(snap);
	return rc;
}

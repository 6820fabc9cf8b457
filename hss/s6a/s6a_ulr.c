/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * s6a_ulr.c: Update-Location-Request (TS 29.272 5.2.1.1). Checks the subscription, the RAT
 * (subscriber Access-Restriction-Data and the configured allowed RATs) and roaming, records
 * the new serving MME or SGSN in one database transaction that returns the previous one,
 * cancels the previous node with a CLR when it changed, and answers with the
 * Subscription-Data unless the MME asked to skip it.
 */
#include "hss_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct ulr_ctx {
	char imsi[16];
	uint8_t plmn[3];
	char mccmnc[7];
	int32_t rat;
	uint32_t flags;
	int32_t srvcc;               /* -1 absent */
	int32_t ims_voice;           /* -1 absent */
	char mt_sms[16];             /* MME-Number-for-MT-SMS digits, "" absent */
	char host[HSS_DB_HOST_LEN], realm[HSS_DB_HOST_LEN];
	const struct hss_cfg *cfg;   /* of snap */
	struct hss_snap *snap;       /* the snapshot this request holds */
	struct msg *req;             /* taken from freeDiameter: ulr_end answers it */
	bool async;                  /* answered from the database writer (hss_async_hold) */
	struct hss_db_serving_upd u; /* what the ULR writes */
	struct hss_serving old;      /* what it replaced */
	struct hss_sub *sub;         /* the subscriber, read in the same transaction */
	int refused;                 /* the Experimental-Result ulr_check refused with */
};

static int ulr_read(struct msg *req, struct ulr_ctx *c, struct hss_res *res)
{
	struct avp *a;
	bool present = false;
	int rc;

	c->srvcc = -1;
	c->ims_voice = -1;
	if ((rc = hss_req_imsi(req, c->imsi, res)) ||
	    (rc = hss_req_origin(req, c->host, c->realm, res)) ||
	    (rc = hss_req_i32(req, "RAT-Type", true, &c->rat, NULL, res)) ||
	    (rc = hss_req_u32(req, "ULR-Flags", true, &c->flags, NULL, res)) ||
	    (rc = hss_req_plmn(req, c->plmn, c->mccmnc, res)))
		return rc;
	if ((rc = hss_req_i32(req, "UE-SRVCC-Capability", false, &c->srvcc, &present, res)))
		return rc;
	if (!present)
		c->srvcc = -1;
	if ((rc = hss_req_i32(req, "Homogeneous-Support-of-IMS-Voice-Over-PS-Sessions", false,
	                      &c->ims_voice, &present, res)))
		return rc;
	if (!present)
		c->ims_voice = -1;
	/* An ISDN number in TBCD (TS 29.272 7.3.102); kept for SMS over SGs/SGd. */
	if ((a = cm_avp_find(req, "MME-Number-for-MT-SMS"))) {
		union avp_value *v = cm_avp_value(a);
		if (!v || !v->os.len || v->os.len > 8 ||
		    cm_tbcd_decode(v->os.data, v->os.len, c->mt_sms, sizeof(c->mt_sms)) ||
		    strspn(c->mt_sms, "0123456789") != strlen(c->mt_sms) || !c->mt_sms[0]) {
			hss_res_set(res, HSS_RC_INVALID_AVP_VALUE, false);
			res->failed = a;
			return EINVAL;
		}
	}
	return 0;
}

/* 5421 when the RAT is unknown, not allowed by configuration, or barred for the
 * subscriber by Access-Restriction-Data. */
static bool ulr_rat_ok(const struct ulr_ctx *c, const struct hss_sub *sub)
{
	int bit = hss_rat_bit(c->rat), ard = hss_rat_ard_bit(c->rat);

	if (bit < 0 || !(c->cfg->rat_allowed_mask & (1u << bit)))
		return false;
	return ard < 0 || !(sub->access_restriction_data & (1u << ard));
}

/* list: n MCCMNC strings of 7 chars each (the tables of hss_sub and hss_cfg). */
static bool ulr_plmn_listed(const char *list, size_t n, const char *mccmnc)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(list + 7 * i, mccmnc))
			return true;
	return false;
}

static bool ulr_roaming_ok(const struct ulr_ctx *c, const struct hss_sub *sub)
{
	const struct hss_cfg *cfg = c->cfg;

	if (hss_plmn_is_home(cfg, c->imsi, c->mccmnc))
		return true;
	if (!sub->roaming_allowed)
		return false;
	if (sub->n_roaming_plmns &&
	    !ulr_plmn_listed(sub->roaming_plmns[0], sub->n_roaming_plmns, c->mccmnc))
		return false;
	if (cfg->n_roaming_partners &&
	    !ulr_plmn_listed(cfg->roaming_partners[0], cfg->n_roaming_partners,
	                     c->mccmnc))
		return false;
	return true;
}

/* Answer, and let the request go. */
static void ulr_end(struct ulr_ctx *c, struct hss_res *res, struct avp **body)
{
	struct avp *none[2] = { NULL, NULL };
	bool async = c->async;

	hss_answer_later(&c->req, HSS_CMD_ULR, res, body ? body : none, 2);
	hss_snap_unref(c->snap);
	hss_sub_wipe(c->sub);   /* K and OP/OPc were read with the rest */
	free(c->sub);
	free(c);
	if (async)
		hss_async_release();
}

/* Inside the transaction, on the subscriber as stored: may this ULR register? 0, or the
 * Experimental-Result that refuses it (nothing is written then). */
static int ulr_check(const struct hss_sub *sub, void *arg)
{
	const struct ulr_ctx *c = arg;

	if (!sub->n_apns)
		return HSS_ER_UNKNOWN_EPS_SUBSCRIPTION;
	if (!ulr_rat_ok(c, sub))
		return HSS_ER_RAT_NOT_ALLOWED;
	if (!ulr_roaming_ok(c, sub))
		return HSS_ER_ROAMING_NOT_ALLOWED;
	return 0;
}

/* The new serving node is durable (or refused, or the write failed): cancel the node it
 * replaced, answer with the Subscription-Data read in the same transaction. */
static void ulr_updated(void *arg, int rc)
{
	struct ulr_ctx *c = arg;
	struct hss_res res = { .code = HSS_RC_UNABLE_TO_COMPLY };
	const struct hss_serving *old = &c->old;
	bool mme = c->u.node == HSS_NODE_MME;
	struct avp *body[2] = { NULL, NULL };
	const char *old_host, *old_realm;

	if (rc == ECANCELED && c->refused) {
		hss_res_set(&res, (uint32_t)c->refused, true);
		goto out;
	}
	if (rc) {
		hss_db_result(rc, "serving node update", &res);
		goto out;
	}
	hss_db_ok();
	/* A different node of the same kind was registered: cancel it (5.2.1.1.3). */
	old_host = mme ? old->mme_host : old->sgsn_host;
	old_realm = mme ? old->mme_realm : old->sgsn_realm;
	if (c->cfg->cancel_old_mme && old_host[0] && !hss_host_eq(old_host, c->host)) {
		uint32_t type = mme ? HSS_CANCEL_MME_UPDATE : HSS_CANCEL_SGSN_UPDATE;
		if (c->flags & HSS_ULR_INITIAL_ATTACH)
			type = HSS_CANCEL_INITIAL_ATTACH;
		/* Failures are counted and logged there; the ULR itself succeeded. */
		hss_s6a_send_clr(c->imsi, old_host, old_realm, type,
		                 mme ? HSS_CLR_S6A_S6D_INDICATOR : 0);
	}
	/* Single-Registration-Indication from an MME (5.2.1.1.3): the UE is now served by the
	 * MME alone; the SGSN was forgotten in the same transaction, and is cancelled. */
	if (c->u.forget_sgsn && old->sgsn_host[0] && c->cfg->cancel_old_mme)
		hss_s6a_send_clr(c->imsi, old->sgsn_host, old->sgsn_realm, HSS_CANCEL_SGSN_UPDATE, 0);
	/* The HSS keeps the MME and SGSN registrations apart: Separation Indication. */
	if ((rc = hss_avp_new_u32("ULA-Flags", HSS_ULA_SEPARATION_IND, &body[0])) ||
	    (!(c->flags & HSS_ULR_SKIP_SUBSCRIBER_DATA) && (rc = hss_subdata_new(c->sub, &body[1])))) {
		LOG_E("hss: ULR %s: cannot build the Subscription-Data: %s", c->imsi, strerror(rc));
		if (body[0])
			fd_msg_free(body[0]);
		body[0] = NULL;
		goto out;
	}
	hss_res_set(&res, HSS_RC_SUCCESS, false);
out:
	ulr_end(c, &res, body);
}

/* Check and store the new serving node in one transaction (ulr_updated answers once that
 * is durable). Consumes c. */
static void ulr_process(struct ulr_ctx *c)
{
	struct hss_res res = { .code = HSS_RC_UNABLE_TO_COMPLY };
	bool mme = c->flags & HSS_ULR_S6A_S6D_INDICATOR;
	int rc;

	if (!(c->sub = malloc(sizeof(*c->sub)))) {
		ulr_end(c, &res, NULL);
		return;
	}
	c->u.node = mme ? HSS_NODE_MME : HSS_NODE_SGSN;
	c->u.host = c->host;
	c->u.realm = c->realm;
	c->u.ulr_flags = c->flags;
	c->u.rat_type = c->rat;
	c->u.visited_plmn = c->mccmnc;
	c->u.ue_srvcc_support = c->srvcc;
	c->u.homogeneous_ims_voice = c->ims_voice;
	c->u.mme_number_for_mt_sms = mme && c->mt_sms[0] ? c->mt_sms : NULL;
	c->u.forget_sgsn = mme && (c->flags & HSS_ULR_SINGLE_REGISTRATION);
	if (hss_async()) {
		c->async = true;
		hss_async_hold();
		if (!(rc = hss_db_update_location_async(hss_g.db, c->imsi, &c->u, ulr_check, c, c->sub,
		                                        &c->old, &c->refused, ulr_updated, c)))
			return;
		c->async = false;   /* refused at once: answered here */
		hss_async_release();
	} else {
		rc = hss_db_update_location(hss_g.db, c->imsi, &c->u, ulr_check, c, c->sub, &c->old,
		                            &c->refused);
	}
	ulr_updated(c, rc);
}

int hss_ulr_cb(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
               enum disp_action *act)
{
	struct hss_res res = { .code = HSS_RC_UNABLE_TO_COMPLY };
	struct ulr_ctx *c = calloc(1, sizeof(*c));

	atomic_fetch_add_explicit(&hss_stats.cmd[HSS_CMD_ULR].requests, 1, memory_order_relaxed);
	*act = DISP_ACT_CONT;
	if (!c)
		return hss_answer(msg, HSS_CMD_ULR, &res, NULL, 0);
	/* ours from here: ulr_end answers it, now or from the database writer */
	c->req = *msg;
	*msg = NULL;
	/* Without a configuration installed: 5012. */
	if ((c->snap = hss_snap_get()) && (c->cfg = &c->snap->cfg) && !ulr_read(c->req, c, &res)) {
		ulr_process(c);
		return 0;
	}
	ulr_end(c, &res, NULL);
	return 0;
}

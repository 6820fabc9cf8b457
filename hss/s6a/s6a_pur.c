/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * s6a_pur.c: Purge-UE-Request (TS 29.272 5.2.2.1). The "UE purged" flag is set only when the
 * purging node is the one registered (checked and set in one database transaction), and the
 * PUA-Flags tell that node whether it may freeze the M-TMSI / P-TMSI.
 */
#include "hss_int.h"

#include <stdlib.h>
#include <string.h>

struct pur_ctx {
	char imsi[16], host[HSS_DB_HOST_LEN], realm[HSS_DB_HOST_LEN];
	struct msg *req;             /* taken from freeDiameter: pur_end answers it */
	bool async;                  /* answered from the database writer (hss_async_hold) */
	bool mme, sgsn;              /* purged in the MME / SGSN registration */
};

static void pur_end(struct pur_ctx *c, struct hss_res *res, struct avp *body)
{
	struct avp *b[1] = { body };
	bool async = c->async;

	hss_answer_later(&c->req, HSS_CMD_PUR, res, b, 1);
	free(c);
	if (async)
		hss_async_release();
}

static void pur_done(void *arg, int rc)
{
	struct pur_ctx *c = arg;
	struct hss_res res = { .code = HSS_RC_UNABLE_TO_COMPLY };
	struct avp *body = NULL;
	uint32_t pua_flags = (c->mme ? HSS_PUA_FREEZE_MTMSI : 0) |
	                     (c->sgsn ? HSS_PUA_FREEZE_PTMSI : 0);

	if (rc) {
		hss_db_result(rc, "purge", &res);
	} else {
		hss_db_ok();
		if (!hss_avp_new_u32("PUA-Flags", pua_flags, &body))
			hss_res_set(&res, HSS_RC_SUCCESS, false);
	}
	pur_end(c, &res, body);
}

int hss_pur_cb(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
               enum disp_action *act)
{
	struct hss_res res = { .code = HSS_RC_UNABLE_TO_COMPLY };
	struct pur_ctx *c = calloc(1, sizeof(*c));
	uint32_t pur_flags = 0;
	bool has_flags = false, mme, sgsn;
	int rc;

	atomic_fetch_add_explicit(&hss_stats.cmd[HSS_CMD_PUR].requests, 1, memory_order_relaxed);
	*act = DISP_ACT_CONT;
	if (!c)
		return hss_answer(msg, HSS_CMD_PUR, &res, NULL, 0);
	/* ours from here: pur_end answers it, now or from the database writer */
	c->req = *msg;
	*msg = NULL;
	if (hss_req_imsi(c->req, c->imsi, &res) || hss_req_origin(c->req, c->host, c->realm, &res) ||
	    hss_req_u32(c->req, "PUR-Flags", false, &pur_flags, &has_flags, &res)) {
		pur_end(c, &res, NULL);
		return 0;
	}
	/* Without PUR-Flags the sender may be either kind of node: try both registrations.
	 * With them, a combined MME/SGSN says which of its parts purged the UE. */
	mme = !has_flags || (pur_flags & HSS_PUR_UE_PURGED_IN_MME) ||
	      !(pur_flags & HSS_PUR_UE_PURGED_IN_SGSN);
	sgsn = !has_flags || (pur_flags & HSS_PUR_UE_PURGED_IN_SGSN);
	if (hss_async()) {
		c->async = true;
		hss_async_hold();
		if (!(rc = hss_db_purge_async(hss_g.db, c->imsi, c->host, mme, sgsn, &c->mme, &c->sgsn,
		                              pur_done, c)))
			return 0;
		c->async = false;   /* refused at once: answered here */
		hss_async_release();
	} else {
		rc = 0;
		if (mme)
			rc = hss_db_set_purged(hss_g.db, c->imsi, HSS_NODE_MME, c->host, &c->mme);
		if (!rc && sgsn)
			rc = hss_db_set_purged(hss_g.db, c->imsi, HSS_NODE_SGSN, c->host, &c->sgsn);
	}
	pur_done(c, rc);
	return 0;
}

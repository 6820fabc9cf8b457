/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * s6a_nor.c: Notify-Request (TS 29.272 5.2.5.1). Only the registered MME or SGSN may notify
 * (5423 DIAMETER_ERROR_UNKNOWN_SERVING_NODE otherwise); what it reports (NOR-Flags,
 * UE-SRVCC-Capability, Homogeneous-Support-of-IMS-Voice-Over-PS-Sessions) is stored.
 */
#include "hss_int.h"

#include <stdlib.h>
#include <string.h>

struct nor_ctx {
	struct msg *req;             /* taken from freeDiameter: nor_end answers it */
	bool async;                  /* answered from the database writer (hss_async_hold) */
	char imsi[16];
};

static void nor_end(struct nor_ctx *c, struct hss_res *res)
{
	bool async = c->async;

	hss_answer_later(&c->req, HSS_CMD_NOR, res, NULL, 0);
	free(c);
	if (async)
		hss_async_release();
}

static void nor_stored(void *arg, int rc)
{
	struct hss_res res = { .code = HSS_RC_UNABLE_TO_COMPLY };

	if (rc) {
		hss_db_result(rc, "notify", &res);
	} else {
		hss_db_ok();
		hss_res_set(&res, HSS_RC_SUCCESS, false);
	}
	nor_end(arg, &res);
}

int hss_nor_cb(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
               enum disp_action *act)
{
	struct hss_res res = { .code = HSS_RC_UNABLE_TO_COMPLY };
	struct nor_ctx *c = calloc(1, sizeof(*c));
	char host[HSS_DB_HOST_LEN], realm[HSS_DB_HOST_LEN];
	struct hss_sub *sub = NULL;
	uint32_t nor_flags = 0;
	int32_t srvcc = -1, voice = -1;
	bool present;
	int rc;

	atomic_fetch_add_explicit(&hss_stats.cmd[HSS_CMD_NOR].requests, 1, memory_order_relaxed);
	*act = DISP_ACT_CONT;
	if (!c)
		return hss_answer(msg, HSS_CMD_NOR, &res, NULL, 0);
	/* ours from here: nor_end answers it, now or from the database writer */
	c->req = *msg;
	*msg = NULL;
	if (hss_req_imsi(c->req, c->imsi, &res) || hss_req_origin(c->req, host, realm, &res) ||
	    hss_req_u32(c->req, "NOR-Flags", false, &nor_flags, NULL, &res) ||
	    hss_req_i32(c->req, "UE-SRVCC-Capability", false, &srvcc, &present, &res) ||
	    hss_req_i32(c->req, "Homogeneous-Support-of-IMS-Voice-Over-PS-Sessions", false, &voice,
	                &present, &res))
		goto answer;
	if (!(sub = malloc(sizeof(*sub))))
		goto answer;
	if ((rc = hss_db_get_sub(hss_g.db, c->imsi, sub))) {
		hss_db_result(rc, "read", &res);
		goto answer;
	}
	if (!hss_host_eq(sub->serving.mme_host, host) && !hss_host_eq(sub->serving.sgsn_host, host)) {
		hss_res_set(&res, HSS_ER_UNKNOWN_SERVING_NODE, true);
		goto answer;
	}
	hss_sub_wipe(sub);   /* K and OP/OPc were read with the rest */
	free(sub);
	if (hss_async()) {
		c->async = true;
		hss_async_hold();
		if (!(rc = hss_db_store_nor_async(hss_g.db, c->imsi, nor_flags, srvcc, voice,
		                                  nor_stored, c)))
			return 0;
		c->async = false;   /* refused at once: answered here */
		hss_async_release();
	} else {
		rc = hss_db_store_nor(hss_g.db, c->imsi, nor_flags, srvcc, voice);
	}
	nor_stored(c, rc);
	return 0;
answer:
	hss_sub_wipe(sub);
	free(sub);
	nor_end(c, &res);
	return 0;
}

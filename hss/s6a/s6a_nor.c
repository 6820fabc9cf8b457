/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * s6a_nor.c: Notify-Request (TS 29.272 5.2.5.1). Only the registered MME or SGSN may notify
 * (5423 DIAMETER_ERROR_UNKNOWN_SERVING_NODE otherwise); what it reports (NOR-Flags,
 * UE-SRVCC-Capability, Homogeneous-Support-of-IMS-Voice-Over-PS-Sessions) is stored.
 */
#include "hss_int.h"

#include <stdlib.h>
#include <string.h>

int hss_nor_cb(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
               enum disp_action *act)
{
	struct hss_res res = { .code = HSS_RC_UNABLE_TO_COMPLY };
	char imsi[16], host[HSS_DB_HOST_LEN], realm[HSS_DB_HOST_LEN];
	struct hss_sub *sub = NULL;
	uint32_t nor_flags = 0;
	int32_t srvcc = -1, voice = -1;
	bool present;
	int rc;

	atomic_fetch_add_explicit(&hss_stats.cmd[HSS_CMD_NOR].requests, 1, memory_order_relaxed);
	*act = DISP_ACT_CONT;
	if (hss_req_imsi(*msg, imsi, &res) || hss_req_origin(*msg, host, realm, &res) ||
	    hss_req_u32(*msg, "NOR-Flags", false, &nor_flags, NULL, &res) ||
	    hss_req_i32(*msg, "UE-SRVCC-Capability", false, &srvcc, &present, &res) ||
	    hss_req_i32(*msg, "Homogeneous-Support-of-IMS-Voice-Over-PS-Sessions", false, &voice,
	                &present, &res))
		goto answer;
	if (!(sub = calloc(1, sizeof(*sub)))) {
		hss_res_set(&res, HSS_RC_UNABLE_TO_COMPLY, false);
		goto answer;
	}
	if ((rc = HSS_DB(hss_db_get_sub(hss_g.db, imsi, sub)))) {
		hss_db_result(rc, "read", &res);
		goto answer;
	}
	if (!hss_host_eq(sub->serving.mme_host, host) && !hss_host_eq(sub->serving.sgsn_host, host)) {
		hss_res_set(&res, HSS_ER_UNKNOWN_SERVING_NODE, true);
		goto answer;
	}
	if ((rc = HSS_DB(hss_db_store_nor(hss_g.db, imsi, nor_flags, srvcc, voice)))) {
		hss_db_result(rc, "notify", &res);
		goto answer;
	}
	hss_db_ok();
	hss_res_set(&res, HSS_RC_SUCCESS, false);
answer:
	if (sub)
		explicit_bzero(sub, sizeof(*sub));   /* K and OP/OPc were read with the rest */
	free(sub);
	return hss_answer(msg, HSS_CMD_NOR, &res, NULL, 0);
}

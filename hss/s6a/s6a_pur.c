/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * s6a_pur.c: Purge-UE-Request (TS 29.272 5.2.2.1). The "UE purged" flag is set only when the
 * purging node is the one registered (checked and set in one database transaction), and the
 * PUA-Flags tell that node whether it may freeze the M-TMSI / P-TMSI.
 */
#include "hss_int.h"

#include <string.h>

int hss_pur_cb(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
               enum disp_action *act)
{
	struct hss_res res = { .code = HSS_RC_UNABLE_TO_COMPLY };
	struct avp *body[1] = { NULL };
	char imsi[16], host[HSS_DB_HOST_LEN], realm[HSS_DB_HOST_LEN];
	uint32_t pur_flags = 0, pua_flags = 0;
	bool has_flags = false, matched;
	int rc;

	atomic_fetch_add_explicit(&hss_stats.cmd[HSS_CMD_PUR].requests, 1, memory_order_relaxed);
	*act = DISP_ACT_CONT;
	if (hss_req_imsi(*msg, imsi, &res) || hss_req_origin(*msg, host, realm, &res) ||
	    hss_req_u32(*msg, "PUR-Flags", false, &pur_flags, &has_flags, &res))
		goto answer;
	/* Without PUR-Flags the sender may be either kind of node: try both registrations.
	 * With them, a combined MME/SGSN says which of its parts purged the UE. */
	if (!has_flags || (pur_flags & HSS_PUR_UE_PURGED_IN_MME) ||
	    !(pur_flags & HSS_PUR_UE_PURGED_IN_SGSN)) {
		matched = false;
		if ((rc = HSS_DB(hss_db_set_purged(hss_g.db, imsi, HSS_NODE_MME, host,
		                                   &matched)))) {
			hss_db_result(rc, "purge", &res);
			goto answer;
		}
		if (matched)
			pua_flags |= HSS_PUA_FREEZE_MTMSI;
	}
	if (!has_flags || (pur_flags & HSS_PUR_UE_PURGED_IN_SGSN)) {
		matched = false;
		if ((rc = HSS_DB(hss_db_set_purged(hss_g.db, imsi, HSS_NODE_SGSN, host,
		                                   &matched)))) {
			hss_db_result(rc, "purge", &res);
			goto answer;
		}
		if (matched)
			pua_flags |= HSS_PUA_FREEZE_PTMSI;
	}
	hss_db_ok();
	if ((rc = hss_avp_new_u32("PUA-Flags", pua_flags, &body[0]))) {
		hss_res_set(&res, HSS_RC_UNABLE_TO_COMPLY, false);
		goto answer;
	}
	hss_res_set(&res, HSS_RC_SUCCESS, false);
answer:
	return hss_answer(msg, HSS_CMD_PUR, &res, body, 1);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cx_lir.c: Location-Info-Request (TS 29.228 6.1.4, TS 29.229 6.1.5), the I-CSCF asking
 * which S-CSCF serves a public identity (a terminating request, or an originating one
 * through the I-CSCF). In the order of 6.1.4.1: unknown identities and inactive PSIs are
 * 5001; REGISTRATION_AND_CAPABILITIES gets Server-Capabilities; a registered or
 * unregistered identity gets 2001 with the Server-Name; an identity that is not registered
 * but has services for the unregistered state (a PSI, an iFC not limited to the registered
 * part) or an originating request gets the stored S-CSCF (2001) or, when none is stored,
 * 2003 UNREGISTERED_SERVICE with Server-Capabilities (the I-CSCF picks an S-CSCF that will
 * send SAR UNREGISTERED_USER); anything else is 5003 IDENTITY_NOT_REGISTERED. A match
 * through a wildcarded identity adds Wildcarded-Public-Identity. Nothing is written.
 */
#include "cx_int.h"

#include <errno.h>
#include <string.h>

int cx_lir_cb(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
              enum disp_action *act)
{
	struct hss_res res = { .code = HSS_RC_UNABLE_TO_COMPLY };
	struct avp *body[4] = { NULL, NULL, NULL, NULL };
	struct hss_snap *snap = hss_snap_get();
	struct hss_imsdb_sub *ref = NULL;
	struct hss_imsdb_state st;
	const struct hss_ims_impu *u;
	char impu[CX_ID_LEN];
	uint32_t uat = CX_UAT_REGISTRATION, orig = 0;
	bool originating = false;
	struct cx_in in;
	size_t ui = 0;
	int rc;

	(void)avp, (void)sess, (void)opaque;
	hss_imsdb_state_init(&st);
	atomic_fetch_add_explicit(&hss_stats.cmd[HSS_CMD_LIR].requests, 1, memory_order_relaxed);
	if (!snap)
		goto answer;
	if (cx_read_head(*msg, &in, &res) ||
	    cx_read_text(*msg, "Public-Identity", true, impu, sizeof(impu), NULL, &res) ||
	    hss_req_u32(*msg, "User-Authorization-Type", false, &uat, NULL, &res) ||
	    hss_req_u32(*msg, "Originating-Request", false, &orig, &originating, &res))
		goto answer;
	body[0] = cx_avp_features(&in);
	if (cx_find_user(impu, NULL, &ref, &ui, NULL, &res))
		goto answer;
	u = &ref->sub->impus[ui];
	if ((u->type == HSS_IMS_ID_DISTINCT_PSI || u->type == HSS_IMS_ID_WILDCARDED_PSI) &&
	    !u->psi_active) {
		hss_res_set(&res, CX_ERROR_USER_UNKNOWN, true);
		goto answer;
	}
	if (u->type == HSS_IMS_ID_WILDCARDED_PSI || u->type == HSS_IMS_ID_WILDCARDED_IMPU)
		body[3] = cx_avp_str("Wildcarded-Public-Identity", u->identity);
	if (uat == CX_UAT_REGISTRATION_AND_CAPABILITIES) {
		if ((body[2] = cx_avp_capabilities(ref->sub, &snap->cfg.cx)))
			hss_res_set(&res, HSS_RC_SUCCESS, false);
		goto answer;
	}
	if ((rc = hss_imsdb_state_get(cx_g.store, ref->sub->id, &st))) {
		cx_store_result(rc, "IMS registration state read", &res);
		goto answer;
	}
	if (hss_imsdb_state_reg(&st, u->identity) != HSS_IMSDB_NOT_REGISTERED && st.scscf_name) {
		body[1] = cx_avp_str("Server-Name", st.scscf_name);
		hss_res_set(&res, HSS_RC_SUCCESS, false);
	} else if (originating || cx_has_unregistered_services(ref->sub, ui)) {
		if (st.scscf_name) {
			body[1] = cx_avp_str("Server-Name", st.scscf_name);
			hss_res_set(&res, HSS_RC_SUCCESS, false);
		} else if ((body[2] = cx_avp_capabilities(ref->sub, &snap->cfg.cx))) {
			hss_res_set(&res, CX_UNREGISTERED_SERVICE, true);
		}
	} else {
		hss_res_set(&res, CX_ERROR_IDENTITY_NOT_REGISTERED, true);
	}
answer:
	*act = DISP_ACT_CONT;
	hss_imsdb_state_free(&st);
	hss_imsdb_sub_release(ref);
	rc = hss_answer_app(msg, HSS_APP_CX, HSS_CMD_LIR, &res, body, 4);
	hss_snap_unref(snap);
	return rc;
}

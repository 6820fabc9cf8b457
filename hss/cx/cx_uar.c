/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cx_uar.c: User-Authorization-Request (TS 29.228 6.1.1, TS 29.229 6.1.1), the I-CSCF
 * asking whether a user may register and which S-CSCF serves it. In the order of 6.1.1.1:
 * the identities exist (5001) and belong together (5002); a barred identity may register
 * only when its implicit set holds one that is not barred (5003 AUTHORIZATION_REJECTED,
 * skipped for emergency registrations and de-registrations); the visited network must be
 * the home network or a roaming partner (5004 ROAMING_NOT_ALLOWED, cx.home_networks and
 * cx.roaming_partners; skipped for emergencies); then by User-Authorization-Type and the
 * registration state: a first registration gets 2001 FIRST_REGISTRATION with
 * Server-Capabilities, a user already registered, unregistered or with an S-CSCF stored
 * 2002 SUBSEQUENT_REGISTRATION with Server-Name; REGISTRATION_AND_CAPABILITIES gets
 * Server-Capabilities with 2001 SUCCESS; DE_REGISTRATION gets 2001 SUCCESS with the
 * Server-Name, or 5003 IDENTITY_NOT_REGISTERED. Nothing is written: a UAR changes no state.
 */
#include "cx_int.h"

#include <errno.h>
#include <string.h>
#include <strings.h>

/* The Visited-Network-Identifier as sent, without the quotes Kamailio copies from
 * P-Visited-Network-ID. */
static void uar_unquote(char *s)
{
	size_t n = strlen(s);

	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		memmove(s, s + 1, n - 2);
		s[n - 2] = '\0';
	}
}

static bool uar_in(char *const *list, size_t n, const char *v)
{
	for (size_t i = 0; i < n; i++)
		if (!strcasecmp(list[i], v))
			return true;
	return false;
}

/* TS 29.228 6.1.1.1 step 3: a barred identity is authorised only when another identity of
 * its implicit registration set is not barred. */
static bool uar_all_barred(const struct hss_ims_sub *sub, size_t impu)
{
	size_t idx[HSS_IMS_MAX_IMPUS], n = hss_ims_irs(sub, impu, idx, HSS_IMS_MAX_IMPUS);

	if (!sub->impus[impu].barred)
		return false;
	for (size_t i = 0; i < n && i < HSS_IMS_MAX_IMPUS; i++)
		if (!sub->impus[idx[i]].barred)
			return false;
	return true;
}

int cx_uar_cb(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
              enum disp_action *act)
{
	struct hss_res res = { .code = HSS_RC_UNABLE_TO_COMPLY };
	struct avp *body[3] = { NULL, NULL, NULL };
	struct hss_snap *snap = hss_snap_get();
	struct hss_imsdb_sub *ref = NULL;
	struct hss_imsdb_state st;
	const struct hss_cx_cfg *cfg;
	char impi[CX_ID_LEN], impu[CX_ID_LEN], vni[CX_ID_LEN];
	uint32_t uat = CX_UAT_REGISTRATION, flags = 0;
	struct cx_in in;
	bool emergency;
	size_t u = 0;
	int rc;

	(void)avp, (void)sess, (void)opaque;
	hss_imsdb_state_init(&st);
	atomic_fetch_add_explicit(&hss_stats.cmd[HSS_CMD_UAR].requests, 1, memory_order_relaxed);
	if (!snap)
		goto answer;
	cfg = &snap->cfg.cx;
	if (cx_read_head(*msg, &in, &res) ||
	    cx_read_text(*msg, "User-Name", true, impi, sizeof(impi), NULL, &res) ||
	    cx_read_text(*msg, "Public-Identity", true, impu, sizeof(impu), NULL, &res) ||
	    cx_read_text(*msg, "Visited-Network-Identifier", true, vni, sizeof(vni), NULL, &res) ||
	    hss_req_u32(*msg, "User-Authorization-Type", false, &uat, NULL, &res) ||
	    hss_req_u32(*msg, "UAR-Flags", false, &flags, NULL, &res))
		goto answer;
	body[0] = cx_avp_features(&in);
	if (uat > CX_UAT_REGISTRATION_AND_CAPABILITIES) {
		hss_res_set(&res, HSS_RC_INVALID_AVP_VALUE, false);
		res.failed = cm_avp_find(*msg, "User-Authorization-Type");
		goto answer;
	}
	emergency = flags & CX_UAR_FLAG_EMERGENCY;
	uar_unquote(vni);

	if (cx_find_user(impu, impi, &ref, &u, NULL, &res))
		goto answer;
	if (!emergency && uat != CX_UAT_DE_REGISTRATION && uar_all_barred(ref->sub, u)) {
		hss_res_set(&res, CX_RC_AUTHORIZATION_REJECTED, false);
		goto answer;
	}
	if (!emergency && uat != CX_UAT_DE_REGISTRATION &&
	    !uar_in(cfg->home_networks, cfg->n_home_networks, vni) && cfg->n_roaming_partners &&
	    !uar_in(cfg->roaming_partners, cfg->n_roaming_partners, vni)) {
		hss_res_set(&res, CX_ERROR_ROAMING_NOT_ALLOWED, true);
		goto answer;
	}
	if (uat == CX_UAT_REGISTRATION_AND_CAPABILITIES) {
		/* the I-CSCF wants to choose a new S-CSCF (its current one did not answer) */
		if (!(body[2] = cx_avp_capabilities(ref->sub, cfg)))
			goto answer;
		hss_res_set(&res, HSS_RC_SUCCESS, false);
		goto answer;
	}
	if ((rc = hss_imsdb_state_get(cx_g.store, ref->sub->id, &st))) {
		cx_store_result(rc, "IMS registration state read", &res);
		goto answer;
	}
	{
		enum hss_imsdb_reg reg = hss_imsdb_state_reg(&st, ref->sub->impus[u].identity);
		bool pending = false;

		for (size_t i = 0; i < st.n_impis; i++)
			pending |= st.impis[i].auth_scheme != 0;
		if (uat == CX_UAT_DE_REGISTRATION) {
			/* registered, unregistered, or an S-CSCF keeping the profile */
			if (st.scscf_name && (reg != HSS_IMSDB_NOT_REGISTERED || !pending)) {
				body[1] = cx_avp_str("Server-Name", st.scscf_name);
				hss_res_set(&res, HSS_RC_SUCCESS, false);
			} else {
				hss_res_set(&res, CX_ERROR_IDENTITY_NOT_REGISTERED, true);
			}
			goto answer;
		}
		if (st.scscf_name) {
			/* registered, unregistered, being authenticated (an MAR stored the name) or
			 * de-registered with the name kept: that S-CSCF again */
			body[1] = cx_avp_str("Server-Name", st.scscf_name);
			hss_res_set(&res, CX_SUBSEQUENT_REGISTRATION, true);
			goto answer;
		}
		if (!(body[2] = cx_avp_capabilities(ref->sub, cfg)))
			goto answer;
		hss_res_set(&res, CX_FIRST_REGISTRATION, true);
	}
answer:
	*act = DISP_ACT_CONT;
	hss_imsdb_state_free(&st);
	hss_imsdb_sub_release(ref);
	rc = hss_answer_app(msg, HSS_APP_CX, HSS_CMD_UAR, &res, body, 3);
	hss_snap_unref(snap);
	return rc;
}

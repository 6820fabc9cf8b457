// SPDX-License-Identifier: BSD-3-Clause
/* peer_policy.c: the peer policy (common/policy.c, `policy:` in hss.yaml) for the peers that
 * reach the HSS. The HSS trusts Origin-Host to name the MME it registers, purges or checks
 * NOR against; the policy ties that name to the connected peer (unless the peer is a trusted
 * relay, such as the DRA, which checks it at its own edge) and limits what each peer may ask.
 *
 * A dispatch callback for any message (DISP_HOW_ANY: freeDiameter calls those before the
 * command handlers) answers a refused request at once, before any database work, with the
 * answer head of its application (Session-Id, Vendor-Specific-Application-Id, Result-Code,
 * Auth-Session-State, Origin-Host, Origin-Realm, Error-Message); 3001 and 3007 carry the E
 * bit (RFC 6733 7.1.3). Counted per peer by common/policy.c and in `stats` as
 * policy_refused. */
#include "hss_int.h"

#include <errno.h>
#include <string.h>

static struct disp_hdl *pp_hdl;

/* *req becomes the answer; on failure *req is the request again (or NULL if lost). */
static int pp_answer(struct msg **req, uint32_t app, const char *rescode, const char *why)
{
	struct msg *ans = *req;
	int rc;

	if ((rc = cm_answer_new(&ans, MSGFL_ANSW_ERROR)))
		return rc;
	if ((app == HSS_APP_S6A || app == HSS_APP_CX) &&
	    (rc = cm_avp_add_vsai(ans, HSS_VENDOR_3GPP, app)))
		goto fail;
	/* Sets the E bit for 3xxx and clears it otherwise; Origin-Host/Realm, Error-Message. */
	if ((rc = fd_msg_rescode_set(ans, (char *)rescode, (char *)why, NULL, 1)) ||
	    (rc = cm_avp_add_i32(ans, "Auth-Session-State", 1 /* NO_STATE_MAINTAINED */)))
		goto fail;
	*req = ans;
	return 0;
fail:
	{
		struct msg *q = NULL;

		if (!fd_msg_answ_getq(ans, &q) && q && !fd_msg_answ_detach(ans))
			*req = q;
		else
			*req = NULL;
		fd_msg_free(ans);
	}
	return rc;
}

static int pp_gate(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
                   enum disp_action *act)
{
	struct msg_hdr *hdr = NULL;
	DiamId_t src = NULL;
	size_t srclen = 0;
	enum cm_pol_reason r;
	const char *rescode, *why;
	int rc;

	(void)avp, (void)sess, (void)opaque;
	*act = DISP_ACT_CONT;
	if (fd_msg_hdr(*msg, &hdr) || !(hdr->msg_flags & CMD_FLAG_REQUEST) || !hdr->msg_appl)
		return 0;
	if (fd_msg_source_get(*msg, &src, &srclen) || !src)
		return 0;
	if ((r = cm_policy_check_request(*msg, (const char *)src, srclen)) == CM_POL_OK)
		return 0;
	cm_policy_answer(r, &rescode, &why);
	if ((rc = pp_answer(msg, hdr->msg_appl, rescode, why))) {
		LOG_E("hss: cannot build the answer to a request the peer policy refuses: %s",
		      strerror(rc));
		if (*msg)
			fd_msg_free(*msg);   /* never served: the policy refused it */
		*msg = NULL;
		return 0;
	}
	atomic_fetch_add_explicit(&hss_stats.policy_refused, 1, memory_order_relaxed);
	*act = DISP_ACT_SEND;
	return 0;
}

int hss_peer_policy_init(void)
{
	if (pp_hdl)
		return 0;
	return fd_disp_register(pp_gate, DISP_HOW_ANY, NULL, NULL, &pp_hdl);
}

void hss_peer_policy_fini(void)
{
	if (pp_hdl)
		fd_disp_unregister(&pp_hdl, NULL);
}

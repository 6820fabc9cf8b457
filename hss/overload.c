// SPDX-License-Identifier: BSD-3-Clause
/* overload.c: the HSS's admission bound. Requests wait in freeDiameter's queues for a
 * dispatch thread, and each AIR or ULR then costs a database commit; under more load than
 * the database can take they used to queue without limit, so every answer came late.
 * common/pending.c judges each request on arrival: beyond `overload.max_pending` admitted
 * requests in progress it is refused, and a dispatch callback answers a refused S6a request
 * at once with 3004 DIAMETER_TOO_BUSY, before its handler and any database work, with the
 * S6a answer head (Session-Id, Vendor-Specific-Application-Id, Result-Code,
 * Auth-Session-State, Origin-Host, Origin-Realm) and the E bit; counted as too_busy. The
 * bound comes from the running configuration: hss_reload sets the new one.
 *
 * The callback is registered for any message (DISP_HOW_ANY): freeDiameter calls those before
 * the command handlers, and one that sets DISP_ACT_SEND sends its answer instead. */
#include "hss_int.h"

#include <errno.h>
#include <string.h>

static struct disp_hdl *ho_hdl;

/* The 3004 answer, in the order of TS 29.272's answers; *req becomes the answer. On failure
 * *req is the request again. */
static int ho_answer(struct msg **req, uint32_t app)
{
	struct msg *ans = *req;
	struct msg_hdr *hdr = NULL;
	int rc;

	if ((rc = cm_answer_new(&ans, MSGFL_ANSW_ERROR)))
		return rc;
	if ((rc = cm_avp_add_vsai(ans, HSS_VENDOR_3GPP, app)) ||
	    (rc = cm_avp_add_u32(ans, "Result-Code", HSS_RC_TOO_BUSY)) ||
	    (rc = cm_avp_add_i32(ans, "Auth-Session-State", 1 /* NO_STATE_MAINTAINED */)) ||
	    (rc = fd_msg_add_origin(ans, 0)) ||
	    (rc = fd_msg_hdr(ans, &hdr))) {
		/* Give the request back, unlinked from the half-built answer. */
		struct msg *q = NULL;

		if (!fd_msg_answ_getq(ans, &q) && q && !fd_msg_answ_detach(ans))
			*req = q;
		else
			*req = NULL;   /* freed with the answer below */
		fd_msg_free(ans);
		return rc;
	}
	hdr->msg_flags |= CMD_FLAG_ERROR;   /* 3xxx: protocol error (RFC 6733 7.1.3) */
	*req = ans;
	return 0;
}

static int ho_gate(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
                   enum disp_action *act)
{
	struct msg_hdr *hdr = NULL;
	int rc;

	(void)avp, (void)sess, (void)opaque;
	*act = DISP_ACT_CONT;
	if (fd_msg_hdr(*msg, &hdr) || !(hdr->msg_flags & CMD_FLAG_REQUEST) ||
	    (hdr->msg_appl != HSS_APP_S6A && hdr->msg_appl != HSS_APP_CX) ||
	    !cm_pending_refused(*msg))
		return 0;
	if ((rc = ho_answer(msg, hdr->msg_appl))) {
		/* Still the request: the handlers serve it (an error here would drop it unanswered). */
		LOG_E("hss: cannot build a 3004 answer: %s", strerror(rc));
		return 0;
	}
	atomic_fetch_add_explicit(&hss_stats.too_busy, 1, memory_order_relaxed);
	*act = DISP_ACT_SEND;
	return 0;
}

int hss_overload_init(void)
{
	struct hss_snap *snap;
	unsigned max = HSS_MAX_PENDING_DEFAULT;
	int rc;

	if (ho_hdl)
		return 0;
	if ((snap = hss_snap_get())) {
		max = snap->cfg.overload.max_pending;
		hss_snap_unref(snap);
	}
	if ((rc = cm_pending_start(max)))
		return rc;
	return fd_disp_register(ho_gate, DISP_HOW_ANY, NULL, NULL, &ho_hdl);
}

void hss_overload_fini(void)
{
	if (ho_hdl)
		fd_disp_unregister(&ho_hdl, NULL);
}

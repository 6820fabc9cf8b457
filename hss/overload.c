// SPDX-License-Identifier: BSD-3-Clause
/* overload.c: the HSS's admission bound. Requests wait in freeDiameter's queues for a
 * dispatch thread, and each AIR or ULR then costs a database commit; under more load than
 * the database can take they used to queue without limit, so every answer came late. Above
 * `overload.max_pending` requests in progress (common/pending.c: received, not yet answered)
 * a new S6a request is answered at once with 3004 DIAMETER_TOO_BUSY, before its handler and
 * any database work, with the S6a answer head (Session-Id, Vendor-Specific-Application-Id,
 * Result-Code, Auth-Session-State, Origin-Host, Origin-Realm) and the E bit, and counted
 * (too_busy). The bound is read from the running configuration, so a SIGHUP changes it.
 *
 * The check is a dispatch callback for any message (DISP_HOW_ANY): freeDiameter calls those
 * before the command handlers, and one that sets DISP_ACT_SEND sends its answer instead. */
#include "hss_int.h"

#include <errno.h>
#include <string.h>

static struct {
	struct disp_hdl *hdl;
	atomic_bool busy;           /* over the bound: for the log lines only */
	atomic_ulong busy_since;    /* too_busy when the episode began */
} ho;

/* The 3004 answer, in the order of TS 29.272's answers; *req becomes the answer. */
static int ho_answer(struct msg **req)
{
	struct msg *ans = *req;
	struct msg_hdr *hdr = NULL;
	int rc;

	if ((rc = cm_answer_new(&ans, MSGFL_ANSW_ERROR)))
		return rc;
	if ((rc = cm_avp_add_vsai(ans, HSS_VENDOR_3GPP, HSS_APP_S6A)) ||
	    (rc = cm_avp_add_u32(ans, "Result-Code", HSS_RC_TOO_BUSY)) ||
	    (rc = cm_avp_add_i32(ans, "Auth-Session-State", 1 /* NO_STATE_MAINTAINED */)) ||
	    (rc = fd_msg_add_origin(ans, 0)) ||
	    (rc = fd_msg_hdr(ans, &hdr))) {
		fd_msg_free(ans);   /* the request with it: it was linked to the answer */
		*req = NULL;
		return rc;
	}
	hdr->msg_flags |= CMD_FLAG_ERROR;   /* 3xxx: protocol error (RFC 6733 7.1.3) */
	*req = ans;
	return 0;
}

static int ho_gate(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
                   enum disp_action *act)
{
	const struct hss_cfg *cfg = atomic_load(&hss_g.cfg);
	struct msg_hdr *hdr = NULL;
	unsigned long n;
	unsigned max;
	int rc;

	(void)avp, (void)sess, (void)opaque;
	*act = DISP_ACT_CONT;
	max = cfg ? cfg->overload.max_pending : 0;
	if (!max || fd_msg_hdr(*msg, &hdr) || !(hdr->msg_flags & CMD_FLAG_REQUEST) ||
	    hdr->msg_appl != HSS_APP_S6A)
		return 0;
	n = cm_pending();
	if (n <= max) {
		if (atomic_load_explicit(&ho.busy, memory_order_relaxed) && n < max - max / 10 &&
		    atomic_exchange(&ho.busy, false))
			LOG_N("hss: load back under the bound (%lu requests in progress); %lu answered "
			      "3004 meanwhile", n, atomic_load(&hss_stats.too_busy) - atomic_load(&ho.busy_since));
		return 0;
	}
	if (!atomic_exchange(&ho.busy, true)) {
		atomic_store(&ho.busy_since, atomic_load(&hss_stats.too_busy));
		LOG_N("hss: %lu requests in progress, over overload.max_pending %u: answering new ones "
		      "3004 DIAMETER_TOO_BUSY", n, max);
	}
	atomic_fetch_add_explicit(&hss_stats.too_busy, 1, memory_order_relaxed);
	if ((rc = ho_answer(msg))) {
		/* Still the request (or nothing left): freeDiameter answers it 5012 itself. */
		LOG_E("hss: cannot build a 3004 answer: %s", strerror(rc));
		return *msg ? rc : 0;
	}
	*act = DISP_ACT_SEND;
	return 0;
}

int hss_overload_init(void)
{
	int rc;

	if (ho.hdl)
		return 0;
	if ((rc = cm_pending_start()))
		return rc;
	return fd_disp_register(ho_gate, DISP_HOW_ANY, NULL, NULL, &ho.hdl);
}

void hss_overload_fini(void)
{
	if (ho.hdl)
		fd_disp_unregister(&ho.hdl, NULL);
}

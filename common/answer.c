// SPDX-License-Identifier: BSD-3-Clause
/* answer.c: creating the answer of a request whatever its Proxy-Info holds.
 *
 * RFC 6733 6.2 has the answer carry the request's Proxy-Info AVPs. freeDiameter 1.2.1 copies
 * them by re-encoding, which fails (EINVAL) on an AVP it does not know whose data is empty
 * (see avp_repair.c): fd_msg_new_answer_from_req then returns an error, leaks the answer's
 * Session-Id, and the node could not answer at all, so one such request from a peer cost
 * memory and a timeout at the peer (found by fuzzing the HSS handlers). The request's
 * Proxy-Info AVPs are repaired first; the copy, parsed again by freeDiameter, is repaired
 * when the answer is sent (the HOOK_MESSAGE_SENDING handler of avp_repair.c). */
#include "cm.h"

#define SP_AC_PROXY_INFO 284

/* The top-level Proxy-Info AVPs of msg, one by one: first with pi NULL, then the last one. */
static struct avp *sp_next_pi(struct msg *msg, struct avp *pi)
{
	struct avp *avp = NULL;
	struct avp_hdr *h;

	if (pi ? fd_msg_browse(pi, MSG_BRW_NEXT, &avp, NULL)
	       : fd_msg_browse(msg, MSG_BRW_FIRST_CHILD, &avp, NULL))
		return NULL;
	while (avp) {
		if (!fd_msg_avp_hdr(avp, &h) && h->avp_code == SP_AC_PROXY_INFO &&
		    !(h->avp_flags & AVP_FLAG_VENDOR))
			return avp;
		if (fd_msg_browse(avp, MSG_BRW_NEXT, &avp, NULL))
			return NULL;
	}
	return NULL;
}

int cm_answer_new(struct msg **msg, int flags)
{
	struct avp *pi = NULL;
	int rc;

	if (!(flags & MSGFL_ANSW_NOPROXYINFO))
		while ((pi = sp_next_pi(*msg, pi)))
			if ((rc = cm_msg_repair(pi, false, NULL)))
				return rc;
	return fd_msg_new_answer_from_req(fd_g_config->cnf_dict, msg, flags);
}

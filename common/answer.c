/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * answer.c: creating the answer of a request whatever its Proxy-Info holds.
 *
 * RFC 6733 6.2 has the answer carry the request's Proxy-Info AVPs. freeDiameter 1.2.1 copies
 * them by re-encoding, which fails (EINVAL) on an AVP it does not know whose data is empty:
 * fd_msg_new_answer_from_req then returns an error, leaks the answer's Session-Id, and the
 * node could not answer at all, so one such request from a peer cost memory and a timeout
 * at the peer (found by fuzzing the HSS handlers). Such requests are detected first and
 * answered with Proxy-Info rebuilt from the AVPs that can be copied.
 */
#include "cm.h"

#include <errno.h>
#include <string.h>

#define SP_AC_PROXY_INFO 284

/* An AVP freeDiameter cannot re-encode: no dictionary model and no data. */
static bool sp_uncopyable(struct avp *avp)
{
	struct dict_object *model = NULL;
	struct avp_hdr *h = NULL;
	size_t hdr_len;

	if (fd_msg_model(avp, &model) || model || fd_msg_avp_hdr(avp, &h) || !h)
		return false;
	hdr_len = (h->avp_flags & AVP_FLAG_VENDOR) ? 12 : 8;
	return h->avp_len <= hdr_len;
}

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

static bool sp_needs_rebuild(struct msg *req)
{
	struct avp *pi = NULL, *ch;

	while ((pi = sp_next_pi(req, pi))) {
		ch = NULL;
		if (fd_msg_browse(pi, MSG_BRW_FIRST_CHILD, &ch, NULL))
			continue;
		while (ch) {
			if (sp_uncopyable(ch))
				return true;
			if (fd_msg_browse(ch, MSG_BRW_NEXT, &ch, NULL))
				break;
		}
	}
	return false;
}

/* Copy each Proxy-Info with the children that have a model and a value (Proxy-Host,
 * Proxy-State, known extensions); the uncopyable ones are left out. */
static int sp_copy_pi(struct msg *req, struct msg *ans)
{
	struct avp *pi = NULL, *ch, *next, *npi, *nch;
	struct dict_object *model;
	struct avp_hdr *h;
	int rc;

	while ((pi = sp_next_pi(req, pi))) {
		if ((rc = cm_avp_add_group(ans, "Proxy-Info", &npi)))
			return rc;
		if (fd_msg_browse(pi, MSG_BRW_FIRST_CHILD, &ch, NULL))
			continue;
		for (; ch; ch = next) {
			if (fd_msg_browse(ch, MSG_BRW_NEXT, &next, NULL))
				next = NULL;
			model = NULL;
			if (fd_msg_model(ch, &model) || !model || fd_msg_avp_hdr(ch, &h) || !h->avp_value)
				continue;
			if ((rc = fd_msg_avp_new(model, 0, &nch)))
				return rc;
			if ((rc = fd_msg_avp_setvalue(nch, h->avp_value)) ||
			    (rc = fd_msg_avp_add(npi, MSG_BRW_LAST_CHILD, nch))) {
				fd_msg_free(nch);
				return rc;
			}
		}
	}
	return 0;
}

int cm_answer_new(struct msg **msg, int flags)
{
	struct msg *req = *msg, *ans;
	int rc;

	if (!sp_needs_rebuild(req))
		return fd_msg_new_answer_from_req(fd_g_config->cnf_dict, msg, flags);
	if ((rc = fd_msg_new_answer_from_req(fd_g_config->cnf_dict, msg,
	                                     flags | MSGFL_ANSW_NOPROXYINFO)))
		return rc;
	ans = *msg;
	if ((rc = sp_copy_pi(req, ans)))
		LOG_N("cm: Proxy-Info of a request could not be copied to its answer: %s",
		      strerror(rc));
	return 0;
}

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
#include "cm_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int cm_answer_new(struct msg **msg, int flags)
{
	int rc;

	if (!(flags & MSGFL_ANSW_NOPROXYINFO) && (rc = cm_repair_proxy_info(*msg)))
		return rc;
	return fd_msg_new_answer_from_req(fd_g_config->cnf_dict, msg, flags);
}

/* ---- answering what freeDiameter could not --------------------------------------------- */

/* A request freeDiameter found malformed when it parsed it whole, in the dispatch thread
 * (fd_msg_parse_or_error), gets its error answer from freeDiameter itself, built with
 * fd_msg_new_answer_from_req. When that copy of its Proxy-Info fails (the parse has just
 * turned an empty unknown AVP inside it into one that cannot be encoded: no hook runs in
 * between), msg_dispatch drops the request with this reason and the peer never gets an
 * answer. The request is answered here instead, from a copy of it (the original is freed by
 * freeDiameter as soon as the hook returns): the request's AVPs are repaired and re-encoded
 * (to the octets received), the copy parsed again gives the same error, and the answer is
 * built as freeDiameter would have built it. */
static struct fd_hook_hdl *an_hook;

static int an_answer_copy(struct msg *req, DiamId_t src, size_t srclen)
{
	struct msg *copy = NULL;
	uint8_t *buf = NULL;
	struct fd_pei pei;
	size_t len = 0;
	int rc;

	if ((rc = cm_msg_repair(req, false, NULL)) || (rc = fd_msg_bufferize(req, &buf, &len)))
		goto out;
	if ((rc = fd_msg_parse_buffer(&buf, len, &copy)))   /* takes buf on success */
		goto out;
	if ((rc = fd_msg_source_set(copy, src, srclen)))
		goto out;
	memset(&pei, 0, sizeof(pei));
	rc = fd_msg_parse_rules(copy, fd_g_config->cnf_dict, &pei);
	if ((rc != EBADMSG && rc != ENOTSUP) || !pei.pei_errcode) {
		rc = rc ? rc : EINVAL;   /* not the error freeDiameter met: leave it dropped */
		goto out;
	}
	if ((rc = cm_answer_new(&copy, pei.pei_protoerr ? MSGFL_ANSW_ERROR : 0)))
		goto out;
	/* copy is now the answer, and frees the copied request with it. */
	rc = fd_msg_rescode_set(copy, pei.pei_errcode, pei.pei_message, pei.pei_avp, 1);
	if (pei.pei_avp_free)
		fd_msg_free(pei.pei_avp);
	if (rc || (rc = fd_msg_send(&copy, NULL, NULL)))
		goto out;
out:
	free(buf);
	if (copy)
		fd_msg_free(copy);
	return rc;
}

static void an_on_dropped(enum fd_hook_type type, struct msg *msg, struct peer_hdr *peer,
                          void *other, struct fd_hook_permsgdata *pmd, void *regdata)
{
	struct msg_hdr *mh = NULL;
	DiamId_t src = NULL;
	size_t srclen = 0;
	int rc;

	(void)type, (void)peer, (void)pmd, (void)regdata;
	if (!cm_dropped_unanswered(msg, other) || fd_msg_hdr(msg, &mh) ||
	    fd_msg_source_get(msg, &src, &srclen) || !src)
		return;
	if ((rc = an_answer_copy(msg, src, srclen)))
		LOG_E("cm: dropped request %u (app %u) from '%.*s': freeDiameter could not build its "
		      "error answer, nor could we (%s)", mh->msg_code, mh->msg_appl, (int)srclen,
		      (const char *)src, strerror(rc));
}

bool cm_dropped_unanswered(struct msg *msg, const char *reason)
{
	struct msg_hdr *mh = NULL;

	/* msg_dispatch's text when fd_msg_parse_or_error failed otherwise than EBADMSG. */
	return msg && reason && !strcmp(reason, "Error while parsing received answer") &&
	       !fd_msg_hdr(msg, &mh) && (mh->msg_flags & CMD_FLAG_REQUEST);
}

int cm_answer_rescue_register(void)
{
	if (an_hook)
		return 0;
	return fd_hook_register(HOOK_MASK(HOOK_MESSAGE_DROPPED), an_on_dropped, NULL, NULL, &an_hook);
}

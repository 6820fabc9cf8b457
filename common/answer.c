/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * answer.c: creating the answer of a request whatever its Proxy-Info holds.
 *
 * RFC 6733 6.2 has the answer carry the request's Proxy-Info AVPs. freeDiameter 1.2.1 copies
 * them by re-encoding, which fails (EINVAL) on an AVP it does not know whose data is empty
 * (see avp_repair.c): fd_msg_new_answer_from_req then returns an error, leaks the answer's
 * Session-Id, and the node could not answer at all, so one such request from a peer cost
 * memory and a timeout at the peer (found by fuzzing the HSS handlers). The request's
 * Proxy-Info AVPs are parsed and repaired first; the copy, parsed again by freeDiameter, is
 * repaired when the answer is sent (the HOOK_MESSAGE_SENDING handler of avp_repair.c). A
 * Proxy-Info whose content does not parse cannot be copied at all: the answer then goes
 * without Proxy-Info rather than not at all.
 */
#include "cm.h"
#include "cm_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define SP_AC_PROXY_INFO 284

/* Whether freeDiameter can copy every Proxy-Info of req (it re-encodes then parses each):
 * each is parsed now, then repaired. A Proxy-Info whose content does not parse (an AVP
 * claiming more octets than the group holds, a known AVP of the wrong length) cannot be
 * copied at all. */
static bool sp_proxy_info_copyable(struct msg *req)
{
	struct avp *avp = NULL;
	struct avp_hdr *h;
	struct fd_pei pei;

	if (fd_msg_browse(req, MSG_BRW_FIRST_CHILD, &avp, NULL))
		return false;
	for (; avp; ) {
		if (!fd_msg_avp_hdr(avp, &h) && h->avp_code == SP_AC_PROXY_INFO &&
		    !(h->avp_flags & AVP_FLAG_VENDOR)) {
			memset(&pei, 0, sizeof(pei));
			if (fd_msg_parse_dict(avp, fd_g_config->cnf_dict, &pei) ||
			    cm_msg_repair(avp, false, NULL))
				return false;
		}
		if (fd_msg_browse(avp, MSG_BRW_NEXT, &avp, NULL))
			return false;
	}
	return true;
}

int cm_answer_new(struct msg **msg, int flags)
{
	/* Better an answer without Proxy-Info than none: freeDiameter would fail (and leak). */
	if (!(flags & MSGFL_ANSW_NOPROXYINFO) && !sp_proxy_info_copyable(*msg))
		flags |= MSGFL_ANSW_NOPROXYINFO;
	return fd_msg_new_answer_from_req(fd_g_config->cnf_dict, msg, flags);
}

/* ---- answering what freeDiameter could not --------------------------------------------- */

/* A request freeDiameter found malformed when it parsed it whole, in the dispatch thread
 * (fd_msg_parse_or_error), gets its error answer from freeDiameter itself, built with
 * fd_msg_new_answer_from_req. When that copy of its Proxy-Info fails (the parse has just
 * turned an empty unknown AVP inside it into one that cannot be encoded: no hook runs in
 * between; or the Proxy-Info itself does not parse), msg_dispatch drops the request and the
 * peer never gets an answer. The request is answered here instead, from a copy of it (the original is freed by
 * freeDiameter as soon as the hook returns): the request's AVPs are repaired and re-encoded
 * (to the octets received), the copy parsed again gives the same error, and the answer is
 * built as freeDiameter would have built it. */
static struct fd_hook_hdl *an_hook;

/* What fd_msg_rescode_set puts in Failed-AVP for `avp`, made now: an empty Grouped AVP of
 * its model, or its header with zero data of its length (avp_repair.c gives a known
 * fixed-size type the right size, and an empty one its encoding, when the answer is
 * sent). */
static int an_failed_copy(struct avp *avp, struct avp **ret)
{
	struct dict_object *model = NULL;
	struct dict_avp_data d;
	struct avp_hdr *from = NULL, *to = NULL;
	struct avp *c = avp;
	uint32_t hsz;
	int rc;

	if (!fd_msg_model(avp, &model) && model && !fd_dict_getval(model, &d) &&
	    d.avp_basetype == AVP_TYPE_GROUPED)
		return fd_msg_avp_new(model, 0, ret);
	if ((rc = fd_msg_avp_hdr(avp, &from)))
		return rc;
	hsz = (from->avp_flags & AVP_FLAG_VENDOR) ? 12u : 8u;
	/* AVPFL_SET_RAWDATA_FROM_AVP reads the length of the AVP passed in *avp; one shorter
	 * than its header would make it allocate about 4 GB. RFC 6733 7.5: such an AVP is
	 * reported as its header padded to the minimum header length. */
	if ((rc = fd_msg_avp_new(NULL, AVPFL_SET_BLANK_VALUE |
	                         (from->avp_len > hsz ? AVPFL_SET_RAWDATA_FROM_AVP : 0), &c)))
		return rc;
	if ((rc = fd_msg_avp_hdr(c, &to))) {
		fd_msg_free(c);
		return rc;
	}
	to->avp_code = from->avp_code;
	to->avp_flags = from->avp_flags;
	to->avp_len = from->avp_len > hsz ? from->avp_len : hsz;
	to->avp_vendor = from->avp_vendor;
	*ret = c;
	return 0;
}

int cm_answer_parse_error(struct msg **req, const struct fd_pei *pei)
{
	struct avp *failed = NULL, *fa = NULL;
	struct msg *ans = *req;
	int rc;

	if (!pei || !pei->pei_errcode)
		return EINVAL;
	/* Before cm_answer_new repairs Proxy-Info: the offending AVP may be inside it. */
	if (pei->pei_avp && (rc = an_failed_copy(pei->pei_avp, &failed)))
		return rc;
	if ((rc = cm_answer_new(&ans, pei->pei_protoerr ? MSGFL_ANSW_ERROR : 0)))
		goto out;
	*req = ans;
	if ((rc = fd_msg_rescode_set(ans, pei->pei_errcode, pei->pei_message, NULL, 1)))
		goto out;
	if (failed) {
		if ((rc = cm_avp_add_group(ans, "Failed-AVP", &fa)) ||
		    (rc = fd_msg_avp_add(fa, MSG_BRW_LAST_CHILD, failed)))
			goto out;
		failed = NULL;
	}
out:
	if (failed)
		fd_msg_free(failed);
	return rc;
}

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
	/* copy becomes the answer, which frees the copied request with it. */
	rc = cm_answer_parse_error(&copy, &pei);
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

	/* msg_dispatch's texts when fd_msg_parse_or_error could not build the error answer of a
	 * request: it failed otherwise than EBADMSG, or with EBADMSG (then msg_dispatch takes
	 * the request for an answer). */
	return msg && reason && (!strcmp(reason, "Error while parsing received answer") ||
	                         !strcmp(reason, "Received answer failed the dictionary / rules parsing")) &&
	       !fd_msg_hdr(msg, &mh) && (mh->msg_flags & CMD_FLAG_REQUEST);
}

int cm_answer_rescue_register(void)
{
	if (an_hook)
		return 0;
	return fd_hook_register(HOOK_MASK(HOOK_MESSAGE_DROPPED), an_on_dropped, NULL, NULL, &an_hook);
}

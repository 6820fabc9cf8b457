/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * s6a_errors.c: the S6a answer head on the error answers freeDiameter 1.2.1 builds by itself.
 *
 * TS 29.272 7.2 gives every S6a answer < Session-Id > [ DRMP ] [ Vendor-Specific-Application-Id ]
 * ... { Auth-Session-State }. The HSS handlers build their answers with that head
 * (hss_answer), but freeDiameter answers some requests before or instead of any handler, with
 * RFC 6733's generic answer (Session-Id, Origin-*, Result-Code, Error-Message, Failed-AVP):
 *   - the dictionary rule check in the dispatch thread (fd_msg_parse_or_error): 5005 missing
 *     AVP, 5009, 5001 AVP_UNSUPPORTED for an unknown M-bit AVP, 5004, 5014, 3001 for a
 *     command the dictionary does not know. HOOK_MESSAGE_PARSING_ERROR2 is called on that
 *     answer before it is posted to the outgoing queue;
 *   - no handler took a request (a CLR/IDR/DSR sent to the HSS: 3001, NoRelay) or a handler
 *     returned an error (5012), in the same thread, with no hook on the answer;
 *   - the routing-in thread (routing_dispatch.c return_error): 3001 without Destination-Realm,
 *     3002 for another host, 3005 loop, 3008 R+E bits, 5004 decorated NAI; no hook either.
 * All of them pass through fd_out_send, which calls HOOK_MESSAGE_SENDING synchronously
 * before it queues the message to the peer's sender thread (or sends it, when the peer is not
 * yet open): the message may still be changed there ("the last chance"). So one callback
 * runs on both hooks: PARSING_ERROR2 fixes parser errors first, SENDING catches the rest.
 *
 * Cost on the success path: SENDING runs for every message the HSS sends. For an answer of
 * the S6a application built by a handler the second AVP is already the
 * Vendor-Specific-Application-Id, which two list steps see; anything else returns after the
 * header check. Nothing is allocated unless an answer is missing the head.
 */
#include "hss_int.h"

#include <errno.h>
#include <string.h>

#define ER_AC_SESSION_ID   263
#define ER_AC_DRMP         301
#define ER_AC_VSAI         260
#define ER_AC_AUTH_SESS    277
#define ER_AC_ORIGIN_HOST  264
#define ER_AC_RESULT_CODE  268

static struct {
	struct fd_hook_hdl *hook;
	struct dict_object *vsai, *vendor_id, *auth_app_id, *auth_sess;
} er;

/* Code of a top-level AVP; vendor-specific AVPs report 0 (none of ours is one). */
static uint32_t er_code(struct avp *a)
{
	struct avp_hdr *h = NULL;

	if (fd_msg_avp_hdr(a, &h) || !h || (h->avp_flags & AVP_FLAG_VENDOR))
		return 0;
	return h->avp_code;
}

static struct avp *er_next(struct avp *a)
{
	struct avp *n = NULL;

	if (fd_msg_browse(a, MSG_BRW_NEXT, &n, NULL))
		return NULL;
	return n;
}

static int er_new_u32(struct dict_object *model, uint32_t v, struct avp **ret)
{
	union avp_value val;
	struct avp *a = NULL;
	int rc;

	if ((rc = fd_msg_avp_new(model, 0, &a)))
		return rc;
	memset(&val, 0, sizeof(val));
	val.u32 = v;
	if ((rc = fd_msg_avp_setvalue(a, &val))) {
		fd_msg_free(a);
		return rc;
	}
	*ret = a;
	return 0;
}

static int er_new_vsai(uint32_t app, struct avp **ret)
{
	struct avp *g = NULL, *c = NULL;
	int rc;

	if ((rc = fd_msg_avp_new(er.vsai, 0, &g)))
		return rc;
	if ((rc = er_new_u32(er.vendor_id, HSS_VENDOR_3GPP, &c)) ||
	    (rc = fd_msg_avp_add(g, MSG_BRW_LAST_CHILD, c)))
		goto out;
	c = NULL;
	if ((rc = er_new_u32(er.auth_app_id, app, &c)) ||
	    (rc = fd_msg_avp_add(g, MSG_BRW_LAST_CHILD, c)))
		goto out;
	*ret = g;
	return 0;
out:
	if (c)
		fd_msg_free(c);
	fd_msg_free(g);
	return rc;
}

/* Add what the answer lacks of the head; *added true when something was added. The
 * Result-Code found goes to *result (0 if none). */
static int er_fix(struct msg *ans, uint32_t app, bool *added, uint32_t *result)
{
	struct avp *a = NULL, *after = NULL, *origin = NULL, *vsai = NULL, *sess = NULL;
	bool has_vsai = false, has_sess = false;
	union avp_value *v;
	uint32_t code;
	int rc;

	*added = false;
	*result = 0;
	if ((rc = fd_msg_browse(ans, MSG_BRW_FIRST_CHILD, &a, NULL)))
		return rc;
	for (; a; a = er_next(a)) {
		code = er_code(a);
		if (code == ER_AC_SESSION_ID && !after)
			after = a;
		else if (code == ER_AC_DRMP && after && er_code(after) == ER_AC_SESSION_ID)
			after = a;   /* [ DRMP ] comes between Session-Id and the VSAI */
		else if (code == ER_AC_VSAI)
			has_vsai = true;
		else if (code == ER_AC_AUTH_SESS)
			has_sess = true;
		else if (code == ER_AC_ORIGIN_HOST && !origin)
			origin = a;
		else if (code == ER_AC_RESULT_CODE) {
			struct avp_hdr *h = NULL;

			/* Built locally, so resolved; still read the header value defensively. */
			if (!fd_msg_avp_hdr(a, &h) && h && (v = h->avp_value))
				*result = v->u32;
		}
	}
	if (has_vsai && has_sess)
		return 0;
	if (!has_vsai) {
		if ((rc = er_new_vsai(app, &vsai)))
			return rc;
		rc = after ? fd_msg_avp_add(after, MSG_BRW_NEXT, vsai) :
		             fd_msg_avp_add(ans, MSG_BRW_FIRST_CHILD, vsai);
		if (rc) {
			fd_msg_free(vsai);
			return rc;
		}
		after = vsai;
		*added = true;
	}
	if (!has_sess) {
		if ((rc = er_new_u32(er.auth_sess, 1 /* NO_STATE_MAINTAINED */, &sess)))
			return rc;
		/* ABNF: { Auth-Session-State } right before { Origin-Host }. */
		if (origin)
			rc = fd_msg_avp_add(origin, MSG_BRW_PREV, sess);
		else if (after)
			rc = fd_msg_avp_add(after, MSG_BRW_NEXT, sess);
		else
			rc = fd_msg_avp_add(ans, MSG_BRW_FIRST_CHILD, sess);
		if (rc) {
			fd_msg_free(sess);
			return rc;
		}
		*added = true;
	}
	return 0;
}

/* The head of an answer the HSS built itself: Session-Id then the VSAI (hss_answer). */
static bool er_has_head(struct msg *ans)
{
	struct avp *a = NULL;

	if (fd_msg_browse(ans, MSG_BRW_FIRST_CHILD, &a, NULL) || !a)
		return false;
	if (er_code(a) == ER_AC_VSAI)
		return true;
	return er_code(a) == ER_AC_SESSION_ID && (a = er_next(a)) && er_code(a) == ER_AC_VSAI;
}

static void er_hook(enum fd_hook_type type, struct msg *msg, struct peer_hdr *peer, void *other,
                    struct fd_hook_permsgdata *pmd, void *regdata)
{
	struct msg_hdr *hdr = NULL;
	uint32_t result = 0;
	bool added = false;
	int rc;

	(void)peer, (void)other, (void)pmd, (void)regdata;
	if (!msg || fd_msg_hdr(msg, &hdr) || !hdr)
		return;
	/* S6a, and Cx (hss/cx) whose answers have the same head */
	if ((hdr->msg_flags & CMD_FLAG_REQUEST) ||
	    (hdr->msg_appl != HSS_APP_S6A && hdr->msg_appl != HSS_APP_CX))
		return;
	if (type == HOOK_MESSAGE_SENDING && er_has_head(msg))
		return;   /* the success path: every answer of a handler */
	if ((rc = er_fix(msg, hdr->msg_appl, &added, &result))) {
		/* The answer still goes out, as freeDiameter built it. */
		LOG_E("hss: cannot add the S6a head to an error answer (command %u): %s",
		      hdr->msg_code, strerror(rc));
		return;
	}
	/* 5012 comes from a handler that failed: counted there (errors), not as malformed. */
	if (added && result != HSS_RC_UNABLE_TO_COMPLY)
		atomic_fetch_add_explicit(&hss_stats.malformed, 1, memory_order_relaxed);
}

int hss_s6a_errors_init(void)
{
	int rc;

	if (er.hook)
		return 0;   /* registered by an earlier hss_s6a_init */
	if (!(er.vsai = cm_dict_avp("Vendor-Specific-Application-Id")) ||
	    !(er.vendor_id = cm_dict_avp("Vendor-Id")) ||
	    !(er.auth_app_id = cm_dict_avp("Auth-Application-Id")) ||
	    !(er.auth_sess = cm_dict_avp("Auth-Session-State")))
		return ENOENT;
	/* No per-message data handle: fd_hook_call then allocates nothing for us. */
	if ((rc = fd_hook_register(HOOK_MASK(HOOK_MESSAGE_PARSING_ERROR2, HOOK_MESSAGE_SENDING),
	                           er_hook, NULL, NULL, &er.hook)))
		return rc;
	return 0;
}

void hss_s6a_errors_fini(void)
{
	if (er.hook) {
		fd_hook_unregister(er.hook);
		er.hook = NULL;
	}
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * avp_repair.c: every message this node sends can be encoded, whatever it carries.
 *
 * freeDiameter 1.2.1 (libfdproto/messages.c) reads an AVP with no data (an 8- or 12-octet
 * AVP) that its dictionary does not know into an object holding neither a value nor raw
 * data: parsedict_do_avp only copies data when there is some. bufferize_avp then refuses it
 * (CHECK_PARAMS avp_source || avp_rawdata), so any message carrying such an AVP fails to
 * encode: a relayed request, an answer whose Failed-AVP names it (fd_msg_rescode_set builds
 * the copy the same way) or whose Proxy-Info holds it, a relayed answer. The failure happens
 * in the peer's sender thread (p_out.c do_send), which then treats it as a broken link and
 * closes the connection: every request in flight on it is lost and, through a relay, every
 * MME gets 3002 until the link is back.
 *
 * A message is therefore repaired as late as possible before it is encoded: on
 * HOOK_MESSAGE_SENDING, which fd_out_send calls synchronously for every message before it
 * queues it to the sender thread (the HSS uses the same hook, s6a_errors.c); and the
 * Proxy-Info of a request, which freeDiameter copies into its answer by re-encoding it, in a
 * dispatch callback that runs before any handler (a failed copy there shuts the node down)
 * and in cm_answer_new. An AVP without model
 * and without data is replaced by an object that encodes to exactly the same octets: an
 * empty OctetString whose header (code, flags, vendor) is set to the original's. The model
 * used for that (Proxy-State) never reaches the wire; it only matters if the message were
 * parsed again, which is why the repair is done last. The one exception is an answer this
 * node built itself: in its Failed-AVP an AVP the dictionary knows with a fixed-size type
 * (Unsigned32, Enumerated, ...) whose length was wrong gets a zero value of the right size,
 * as RFC 6733 7.5 asks ("zero filled payload of the minimum required length"), so the peer
 * can decode the answer. An AVP that has a model but no value (no type in our dictionaries
 * has a check function, so parsing never leaves one; it would be a programming error) is
 * given a zero value and logged rather than closing the link.
 *
 * The walk is iterative (MSG_BRW_WALK) and costs a header read per AVP on the success path;
 * nothing is allocated unless something is repaired.
 */
#include "cm.h"
#include "cm_int.h"

#include <errno.h>
#include <string.h>

#define AR_AC_FAILED_AVP 279
#define AR_AC_PROXY_INFO 284

static struct fd_hook_hdl *ar_hook;
static struct disp_hdl *ar_disp;

static size_t ar_hdr_size(const struct avp_hdr *h)
{
	return (h->avp_flags & AVP_FLAG_VENDOR) ? 12 : 8;
}

/* The dictionary model of (code, vendor), or NULL. */
static struct dict_object *ar_model_of(uint32_t code, uint32_t vendor)
{
	struct dict_object *model = NULL;

	if (vendor) {
		struct dict_avp_request_ex req;

		memset(&req, 0, sizeof(req));
		req.avp_vendor.vendor_id = vendor;
		req.avp_data.avp_code = code;
		if (fd_dict_search(fd_g_config->cnf_dict, DICT_AVP, AVP_BY_STRUCT, &req, &model, 0))
			return NULL;
	} else if (fd_dict_search(fd_g_config->cnf_dict, DICT_AVP, AVP_BY_CODE, &code, &model, 0)) {
		return NULL;
	}
	return model;
}

/* Set a zero value of model's type (an empty one for an OctetString; nothing for Grouped). */
static int ar_set_zero(struct avp *a, struct dict_object *model)
{
	static uint8_t none[1];
	struct dict_avp_data d;
	union avp_value v;
	int rc;

	if ((rc = fd_dict_getval(model, &d)))
		return rc;
	if (d.avp_basetype == AVP_TYPE_GROUPED)
		return 0;
	memset(&v, 0, sizeof(v));
	if (d.avp_basetype == AVP_TYPE_OCTETSTRING)
		v.os.data = none;
	return fd_msg_avp_setvalue(a, &v);
}

/* A new AVP that encodes as `old` should: with the model of its code and a zero value when
 * `typed`, else as an empty OctetString carrying old's header. */
static int ar_replacement(const struct avp_hdr *oh, struct dict_object *typed, struct avp **ret)
{
	struct dict_object *model = typed ? typed : cm_dict_avp("Proxy-State");
	struct avp_hdr *nh = NULL;
	struct avp *n = NULL;
	int rc;

	if (!model)
		return ENOENT;
	if ((rc = fd_msg_avp_new(model, 0, &n)) || (rc = ar_set_zero(n, model)) ||
	    (rc = fd_msg_avp_hdr(n, &nh)))
		goto fail;
	/* Same code, flags and vendor as received; the length is recomputed when encoding. */
	nh->avp_code = oh->avp_code;
	nh->avp_flags = oh->avp_flags;
	nh->avp_vendor = (oh->avp_flags & AVP_FLAG_VENDOR) ? oh->avp_vendor : 0;
	*ret = n;
	return 0;
fail:
	if (n)
		fd_msg_free(n);
	return rc;
}

/* In a Failed-AVP of an answer built here: the model of a fixed-size type whose received
 * length was wrong, else NULL. */
static struct dict_object *ar_fixed_model(const struct avp_hdr *h)
{
	static const size_t sizes[] = {
		[AVP_TYPE_INTEGER32] = 4, [AVP_TYPE_INTEGER64] = 8, [AVP_TYPE_UNSIGNED32] = 4,
		[AVP_TYPE_UNSIGNED64] = 8, [AVP_TYPE_FLOAT32] = 4, [AVP_TYPE_FLOAT64] = 8,
	};
	struct dict_object *model;
	struct dict_avp_data d;

	model = ar_model_of(h->avp_code, (h->avp_flags & AVP_FLAG_VENDOR) ? h->avp_vendor : 0);
	if (!model || fd_dict_getval(model, &d) || d.avp_basetype < 0 ||
	    (size_t)d.avp_basetype >= sizeof(sizes) / sizeof(sizes[0]) || !sizes[d.avp_basetype])
		return NULL;
	if (h->avp_len == ar_hdr_size(h) + sizes[d.avp_basetype])
		return NULL;
	return model;
}

/* Inside a Failed-AVP: is `a` a descendant of an AVP with that code? */
static bool ar_in_failed_avp(struct avp *a)
{
	msg_or_avp *p = NULL;
	struct avp_hdr *h;

	for (;;) {
		if (fd_msg_browse(a, MSG_BRW_PARENT, &p, NULL) || !p)
			return false;
		if (fd_msg_avp_hdr((struct avp *)p, &h))
			return false;   /* reached the message */
		if (h->avp_code == AR_AC_FAILED_AVP && !(h->avp_flags & AVP_FLAG_VENDOR))
			return true;
		a = p;
	}
}

/* What to do with one AVP: 0 nothing, 1 replace (with *ret_typed as model, or NULL for the
 * header-preserving empty AVP), 2 give its model a zero value. */
static int ar_diagnose(struct avp *a, bool local_answer, struct dict_object **ret_typed)
{
	struct dict_object *model = NULL;
	struct dict_avp_data d;
	struct avp_hdr *h = NULL;
	msg_or_avp *child = NULL;

	*ret_typed = NULL;
	if (fd_msg_avp_hdr(a, &h) || !h || fd_msg_model(a, &model))
		return 0;
	if (model) {
		if (h->avp_value || fd_dict_getval(model, &d) || d.avp_basetype == AVP_TYPE_GROUPED)
			return 0;
		return 2;
	}
	/* With data it was copied at parse time (or still points into the received buffer):
	 * the common case of a relayed message, decided on the header alone. */
	if (h->avp_len > ar_hdr_size(h) && !local_answer)
		return 0;
	if (!fd_msg_browse(a, MSG_BRW_FIRST_CHILD, &child, NULL) && child)
		return 0;
	if (local_answer && ar_in_failed_avp(a) && (*ret_typed = ar_fixed_model(h)))
		return 1;
	return h->avp_len <= ar_hdr_size(h) ? 1 : 0;
}

int cm_msg_repair(msg_or_avp *obj, bool local_answer, unsigned *ret_repaired)
{
	msg_or_avp *cur = obj, *next = NULL;
	struct dict_object *typed;
	struct avp_hdr *h;
	struct avp *n;
	unsigned fixed = 0;
	int depth = 0, rc = 0;

	if (!obj)
		return EINVAL;
	for (;;) {
		next = NULL;   /* fd_msg_browse leaves it untouched at the end of the walk */
		if ((rc = fd_msg_browse(cur, MSG_BRW_WALK, &next, &depth)))
			break;
		if (!next || depth <= 0)
			break;  /* the end, or out of obj's subtree */
		cur = next;
		switch (ar_diagnose(cur, local_answer, &typed)) {
		case 1:
			if ((rc = fd_msg_avp_hdr(cur, &h)) || (rc = ar_replacement(h, typed, &n)))
				goto out;
			if ((rc = fd_msg_avp_add(cur, MSG_BRW_NEXT, n))) {
				fd_msg_free(n);
				goto out;
			}
			fd_msg_free(cur);
			cur = n;
			fixed++;
			break;
		case 2: {
			struct dict_object *model = NULL;

			if ((rc = fd_msg_model(cur, &model)) || (rc = ar_set_zero(cur, model)))
				goto out;
			if (!fd_msg_avp_hdr(cur, &h))
				LOG_E("cm: AVP %u (vendor %u) had no value; sent as zero", h->avp_code,
				      h->avp_vendor);
			fixed++;
			break;
		}
		default:
			break;
		}
	}
out:
	if (ret_repaired)
		*ret_repaired = fixed;
	return rc;
}

/* An answer built by this node (not relayed): it has no source. */
static bool ar_local_answer(struct msg *msg)
{
	struct msg_hdr *mh = NULL;
	DiamId_t id = NULL;

	if (fd_msg_hdr(msg, &mh) || !mh || (mh->msg_flags & CMD_FLAG_REQUEST))
		return false;
	return !fd_msg_source_get(msg, &id, NULL) && !id;
}

/* The top-level Proxy-Info AVPs of msg, one by one: first with pi NULL, then the last one. */
static struct avp *ar_next_pi(struct msg *msg, struct avp *pi)
{
	struct avp *avp = NULL;
	struct avp_hdr *h;

	if (pi ? fd_msg_browse(pi, MSG_BRW_NEXT, &avp, NULL)
	       : fd_msg_browse(msg, MSG_BRW_FIRST_CHILD, &avp, NULL))
		return NULL;
	while (avp) {
		if (!fd_msg_avp_hdr(avp, &h) && h->avp_code == AR_AC_PROXY_INFO &&
		    !(h->avp_flags & AVP_FLAG_VENDOR))
			return avp;
		if (fd_msg_browse(avp, MSG_BRW_NEXT, &avp, NULL))
			return NULL;
	}
	return NULL;
}

static int ar_repair_proxy_info(struct msg *req)
{
	struct avp *pi = NULL;
	int rc;

	while ((pi = ar_next_pi(req, pi)))
		if ((rc = cm_msg_repair(pi, false, NULL)))
			return rc;
	return 0;
}

/* Every request dispatched locally, once freeDiameter has parsed it whole and before any
 * handler: when no handler answers it, or one fails, freeDiameter's dispatch thread copies
 * its Proxy-Info into an error answer and, if that copy fails, treats it as fatal and shuts
 * the whole node down (routing_dispatch.c msg_dispatch: CHECK_FCT on
 * fd_msg_new_answer_from_req, then process_thr's fatal_error). Runs first (DISP_HOW_ANY)
 * and never takes the message. */
static int ar_on_dispatch(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
                          enum disp_action *act)
{
	struct msg_hdr *mh = NULL;
	int rc;

	(void)avp, (void)sess, (void)opaque;
	*act = DISP_ACT_CONT;
	if (!msg || !*msg || fd_msg_hdr(*msg, &mh) || !(mh->msg_flags & CMD_FLAG_REQUEST))
		return 0;
	if ((rc = ar_repair_proxy_info(*msg)))
		LOG_E("cm: cannot repair the Proxy-Info of a request: %s", strerror(rc));
	return 0;
}

static void ar_on_sending(enum fd_hook_type type, struct msg *msg, struct peer_hdr *peer,
                          void *other, struct fd_hook_permsgdata *pmd, void *regdata)
{
	int rc;

	(void)type, (void)peer, (void)other, (void)pmd, (void)regdata;
	if (!msg)
		return;
	if ((rc = cm_msg_repair(msg, ar_local_answer(msg), NULL)))
		LOG_E("cm: cannot make a message encodable: %s", strerror(rc));
}

int cm_avp_repair_register(void)
{
	int rc;

	if (!ar_disp && (rc = fd_disp_register(ar_on_dispatch, DISP_HOW_ANY, NULL, NULL, &ar_disp)))
		return rc;
	if (ar_hook)
		return 0;
	/* No per-message data handle: fd_hook_call then allocates nothing for us. */
	return fd_hook_register(HOOK_MASK(HOOK_MESSAGE_SENDING), ar_on_sending, NULL, NULL, &ar_hook);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rx_guard.c: what a received message must not carry when freeDiameter 1.2.1 gets it.
 *
 * Nesting. freeDiameter parses a Grouped AVP by recursion (parsedict_do_avp ->
 * parsebuf_list -> parsedict_do_chain), as deep as the message goes: a 64 KB request can
 * hold a Grouped AVP nested 8,000 times, which costs a dispatch thread that much recursion,
 * the rule checks at every level, and the error answer a copy of it. Nothing in its API runs
 * between the reception of the bytes and that parse except HOOK_DATA_RECEIVED, called by the
 * receiver thread with the raw buffer before the message is handed to the peer's state
 * machine. There, the buffer is scanned without allocating (an explicit stack of at most
 * CM_AVP_MAX_DEPTH frames), descending only into AVPs the dictionary knows as Grouped (the
 * only ones freeDiameter descends into; a sorted table built when the node starts, so a
 * lookup is a binary search, not the dictionary's list walk). A Grouped AVP at the deepest
 * allowed level that still has content gets the length of its first child set beyond its
 * end: freeDiameter's own parser then stops there and answers the request 5004
 * DIAMETER_INVALID_AVP_VALUE with that Grouped AVP in Failed-AVP (RFC 6733 7.5), as for any
 * Grouped AVP whose content does not parse; an answer is dropped (or passed on as an error
 * answer), and a relay passes the request on, so the next hop answers it the same way. No
 * other octet changes, and a well-formed message (3GPP's deepest, Subscription-Data, is 6
 * levels) is never touched. The message size itself is bounded by freeDiameter
 * (DIAMETER_MSG_SIZE_MAX, 65,535 octets), so with the depth bounded the parse work per
 * message is linear in at most 8,191 AVPs.
 *
 * AVPs freeDiameter aborts on. fd_msg_sess_get ASSERTs that the first AVP of code 263 and
 * vendor 0 it finds has a value after parsing it: one with the V bit set (vendor 0 in the
 * header) resolves to no dictionary entry and has none, so any peer could abort the HSS or
 * the DRA with one request (it is read for every request answered or dispatched). And
 * fd_msg_parse_or_error, on an answer that fails the dictionary (an answer to our own
 * request, or a CEA/DWA/DPA), ASSERTs that its first Result-Code has a value, which it never
 * parsed if the failure came before it, or if its length is wrong: a peer could abort the
 * node with one watchdog answer. On HOOK_MESSAGE_RECEIVED (the peer's state machine, right
 * after the top-level split, before any of that) those AVPs are parsed; one that still has
 * no value gets code 0 and loses the M bit, so freeDiameter sees a message without it (a
 * request: 5005 DIAMETER_MISSING_AVP; such an answer is dropped, a link-local one closes the
 * connection, as freeDiameter does for an answer it cannot use).
 */
#include "cm.h"
#include "cm_int.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
	pthread_once_t once;
	int built;                 /* 0, or the errno of building the table */
	uint64_t *grouped;         /* sorted vendor << 32 | code of the Grouped AVPs */
	size_t n;
	struct fd_hook_hdl *hook, *hook_msg;
} ad = { .once = PTHREAD_ONCE_INIT };

static void ad_build(void);

static uint32_t ad_be24(const uint8_t *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static uint32_t ad_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool ad_is_grouped(uint32_t vendor, uint32_t code)
{
	uint64_t k = (uint64_t)vendor << 32 | code;
	size_t lo = 0, hi = ad.n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ad.grouped[mid] == k)
			return true;
		if (ad.grouped[mid] < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

size_t cm_avp_depth_limit(uint8_t *buf, size_t len, uint32_t *ret_code, uint32_t *ret_vendor)
{
	struct { size_t pos, end; } st[CM_AVP_MAX_DEPTH];
	int top = 0;
	size_t cuts = 0;

	if (!buf || len < 20 || buf[0] != 1)
		return 0;
	pthread_once(&ad.once, ad_build);
	st[0].pos = 20;
	st[0].end = len;
	while (top >= 0) {
		size_t p = st[top].pos, end = st[top].end, hsz, dlen;
		uint32_t code, vendor, alen;
		uint8_t flags;

		if (p >= end || end - p < 8) {
			top--;   /* the list is done (a few octets left: freeDiameter refuses them) */
			continue;
		}
		code = ad_be32(buf + p);
		flags = buf[p + 4];
		alen = ad_be24(buf + p + 5);
		hsz = (flags & AVP_FLAG_VENDOR) ? 12 : 8;
		if (end - p < hsz || alen < hsz || alen - hsz > end - p - hsz) {
			top--;   /* framing broken here: freeDiameter's parse fails at this level */
			continue;
		}
		vendor = hsz == 12 ? ad_be32(buf + p + 8) : 0;
		dlen = alen - hsz;
		st[top].pos = p + hsz + ((dlen + 3) & ~(size_t)3);
		if (dlen < 8 || !ad_is_grouped(vendor, code))
			continue;
		if (top + 1 >= CM_AVP_MAX_DEPTH) {
			/* Its children would be one level too deep: make the first one claim more than
			 * the group holds, so the parse of this group fails. */
			buf[p + hsz + 5] = buf[p + hsz + 6] = buf[p + hsz + 7] = 0xff;
			if (!cuts++ && ret_code) {
				*ret_code = code;
				if (ret_vendor)
					*ret_vendor = vendor;
			}
			continue;
		}
		top++;
		st[top].pos = p + hsz;
		st[top].end = p + hsz + dlen;
	}
	return cuts;
}

static void ad_on_received(enum fd_hook_type type, struct msg *msg, struct peer_hdr *peer,
                           void *other, struct fd_hook_permsgdata *pmd, void *regdata)
{
	struct fd_cnx_rcvdata *rd = other;
	uint32_t code = 0, vendor = 0;
	unsigned long suppressed = 0;
	char more[48] = "";

	(void)type, (void)msg, (void)peer, (void)pmd, (void)regdata;
	if (!rd || !cm_avp_depth_limit(rd->buffer, rd->length, &code, &vendor))
		return;
	/* The receiver thread does not know the peer; the parse error that follows names it. */
	if (!cm_log_admit(HOOK_DATA_RECEIVED, "nesting", &suppressed))
		return;
	if (suppressed)
		snprintf(more, sizeof(more), " (%lu more suppressed)", suppressed);
	fd_log(FD_LOG_NOTICE, "cm: a received message nests AVPs deeper than %d levels: cut at AVP %u "
	       "(vendor %u), it is refused as malformed%s", CM_AVP_MAX_DEPTH, code, vendor, more);
}

static int ad_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Append the Grouped AVPs of one vendor. */
static int ad_collect(struct dict_object *vendor, size_t *cap)
{
	struct fd_list *sent = NULL, *li;
	struct dict_avp_data d;
	int rc;

	if ((rc = fd_dict_getlistof(AVP_BY_CODE, vendor, &sent)))
		return rc;
	for (li = sent->next; li != sent; li = li->next) {
		if (fd_dict_getval(li->o, &d) || d.avp_basetype != AVP_TYPE_GROUPED)
			continue;
		if (ad.n == *cap) {
			size_t ncap = *cap ? *cap * 2 : 64;
			uint64_t *g = realloc(ad.grouped, ncap * sizeof(*g));
			if (!g)
				return ENOMEM;
			ad.grouped = g;
			*cap = ncap;
		}
		ad.grouped[ad.n++] = (uint64_t)d.avp_vendor << 32 | d.avp_code;
	}
	return 0;
}

/* The table of Grouped AVPs, read once from the dictionary (complete by then: dictionaries
 * are loaded between cm_diam_init and cm_diam_start). The list of vendors leaves vendor 0
 * out. */
static void ad_build(void)
{
	struct dictionary *dict = fd_g_config->cnf_dict;
	struct dict_object *v0 = NULL;
	struct fd_list *vendors = NULL, *li;
	vendor_id_t zero = 0;
	size_t cap = 0;
	int rc;

	if ((rc = fd_dict_search(dict, DICT_VENDOR, VENDOR_BY_ID, &zero, &v0, ENOENT)) ||
	    (rc = ad_collect(v0, &cap)) ||
	    (rc = fd_dict_getlistof(VENDOR_BY_ID, dict, &vendors)))
		goto out;
	for (li = vendors->next; li != vendors; li = li->next)
		if ((rc = ad_collect(li->o, &cap)))
			goto out;
	if (ad.n)
		qsort(ad.grouped, ad.n, sizeof(*ad.grouped), ad_cmp);
out:
	ad.built = rc;
}

/* ---- AVPs freeDiameter aborts on ---------------------------------------------------- */

#define RG_AC_SESSION_ID 263
#define RG_AC_RESULT_CODE 268

/* The first top-level AVP that fd_msg_sess_get (any header with code 263 and vendor 0) or
 * fd_msg_parse_or_error (code 268 without the V bit) would pick. */
static struct avp *rg_first(struct msg *msg, uint32_t code, bool v_bit_ok)
{
	struct avp *a = NULL;
	struct avp_hdr *h;

	if (fd_msg_browse(msg, MSG_BRW_FIRST_CHILD, &a, NULL))
		return NULL;
	while (a) {
		if (!fd_msg_avp_hdr(a, &h) && h->avp_code == code && h->avp_vendor == 0 &&
		    (v_bit_ok || !(h->avp_flags & AVP_FLAG_VENDOR)))
			return a;
		if (fd_msg_browse(a, MSG_BRW_NEXT, &a, NULL))
			return NULL;
	}
	return NULL;
}

static int rg_defuse_one(struct avp *a)
{
	struct avp_hdr *h = NULL;
	struct fd_pei pei;

	if (!a || fd_msg_avp_hdr(a, &h) || !h)
		return 0;
	if (!h->avp_value) {
		memset(&pei, 0, sizeof(pei));
		(void)fd_msg_parse_dict(a, fd_g_config->cnf_dict, &pei);
	}
	if (h->avp_value)
		return 0;
	h->avp_code = 0;
	h->avp_flags &= (uint8_t)~AVP_FLAG_MANDATORY;
	return 1;
}

int cm_msg_defuse(struct msg *msg, bool answer_parsed)
{
	int n;

	if (!msg)
		return 0;
	n = rg_defuse_one(rg_first(msg, RG_AC_SESSION_ID, true));
	if (answer_parsed)
		n += rg_defuse_one(rg_first(msg, RG_AC_RESULT_CODE, false));
	return n;
}

/* freeDiameter parses an answer whole when it is link-local or answers a request this node
 * sent itself (relayed answers are not parsed). */
static bool rg_answer_parsed(struct msg *msg)
{
	struct msg_hdr *h = NULL;
	struct msg *q = NULL;
	DiamId_t src = NULL;

	if (fd_msg_hdr(msg, &h) || (h->msg_flags & CMD_FLAG_REQUEST))
		return false;
	if (!fd_msg_is_routable(msg))
		return true;
	return !fd_msg_answ_getq(msg, &q) && q && !fd_msg_source_get(q, &src, NULL) && !src;
}

static void rg_on_message(enum fd_hook_type type, struct msg *msg, struct peer_hdr *peer,
                          void *other, struct fd_hook_permsgdata *pmd, void *regdata)
{
	unsigned long suppressed = 0;
	struct msg_hdr *h = NULL;
	char more[48] = "";

	(void)type, (void)other, (void)pmd, (void)regdata;
	if (!msg)
		return;
	/* A registered handler replaces freeDiameter's own debug line for this hook. */
	if (fd_g_debug_lvl <= FD_LOG_DEBUG) {
		char *buf = NULL;
		size_t len = 0;
		if (fd_msg_dump_summary(&buf, &len, NULL, msg, NULL, 0, 1))
			fd_log(FD_LOG_DEBUG, "RCV from '%s': %s", peer && peer->info.pi_diamid ?
			       peer->info.pi_diamid : "<unknown>", buf);
		free(buf);
	}
	if (!cm_msg_defuse(msg, rg_answer_parsed(msg)) || fd_msg_hdr(msg, &h))
		return;
	if (!cm_log_admit(HOOK_MESSAGE_RECEIVED, "defused", &suppressed))
		return;
	if (suppressed)
		snprintf(more, sizeof(more), " (%lu more suppressed)", suppressed);
	fd_log(FD_LOG_NOTICE, "cm: %s %u (app %u) from '%s' has a Session-Id or Result-Code freeDiameter "
	       "cannot read: handled as if it had none%s", (h->msg_flags & CMD_FLAG_REQUEST) ? "request" : "answer",
	       h->msg_code, h->msg_appl, peer && peer->info.pi_diamid ? peer->info.pi_diamid : "?", more);
}

int cm_rx_guard_register(void)
{
	int rc;

	pthread_once(&ad.once, ad_build);
	if (ad.built)
		return ad.built;
	if (ad.hook)
		return 0;
	if ((rc = fd_hook_register(HOOK_MASK(HOOK_DATA_RECEIVED), ad_on_received, NULL, NULL, &ad.hook)))
		return rc;
	return fd_hook_register(HOOK_MASK(HOOK_MESSAGE_RECEIVED), rg_on_message, NULL, NULL, &ad.hook_msg);
}

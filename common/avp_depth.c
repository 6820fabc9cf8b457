// SPDX-License-Identifier: BSD-3-Clause
/* avp_depth.c: received messages are not nested deeper than CM_AVP_MAX_DEPTH levels when
 * freeDiameter parses them.
 *
 * freeDiameter 1.2.1 parses a Grouped AVP by recursion (parsedict_do_avp ->
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
 * levels) is never touched.
 *
 * The message size itself is bounded by freeDiameter (DIAMETER_MSG_SIZE_MAX, 65,535 octets),
 * so with the depth bounded the parse work per message is linear in at most 8,191 AVPs. */
#include "cm.h"
#include "cm_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
	uint64_t *grouped;         /* sorted vendor << 32 | code of the Grouped AVPs */
	size_t n;
	struct fd_hook_hdl *hook;
} ad;

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

int cm_avp_depth_register(void)
{
	struct dictionary *dict = fd_g_config->cnf_dict;
	struct dict_object *v0 = NULL;
	struct fd_list *vendors = NULL, *li;
	vendor_id_t zero = 0;
	size_t cap = 0;
	int rc;

	if (ad.hook)
		return 0;
	/* The dictionary is complete when the node starts (dictionaries are loaded between
	 * cm_diam_init and cm_diam_start); the list of vendors leaves out vendor 0. */
	if ((rc = fd_dict_search(dict, DICT_VENDOR, VENDOR_BY_ID, &zero, &v0, ENOENT)) ||
	    (rc = ad_collect(v0, &cap)) ||
	    (rc = fd_dict_getlistof(VENDOR_BY_ID, dict, &vendors)))
		return rc;
	for (li = vendors->next; li != vendors; li = li->next)
		if ((rc = ad_collect(li->o, &cap)))
			return rc;
	if (ad.n)
		qsort(ad.grouped, ad.n, sizeof(*ad.grouped), ad_cmp);
	return fd_hook_register(HOOK_MASK(HOOK_DATA_RECEIVED), ad_on_received, NULL, NULL, &ad.hook);
}

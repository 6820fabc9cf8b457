/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * msgavp.c: finding and creating AVPs along a grouped path in a freeDiameter message.
 *
 * Relayed messages reach the DRA's forward callbacks only partly parsed: freeDiameter
 * resolves just the routing AVPs, and a grouped AVP has no children until it is parsed
 * itself. AVPs are therefore compared by code and vendor from their headers, and only the
 * ones on a rule's path are parsed (fd_msg_parse_dict on that AVP), so a message the rules
 * do not touch keeps its original encoding.
 */
#include "xf_int.h"

#include <errno.h>

/* Parse avp (and its children if grouped) unless already done. Returns false if the AVP
 * cannot be interpreted (unknown to the dictionary or malformed): it is then skipped. */
static bool xf_avp_ready(struct dictionary *dict, struct avp *avp)
{
	struct dict_object *model = NULL;

	if (fd_msg_model(avp, &model) == 0 && model)
		return true;
	if (fd_msg_parse_dict(avp, dict, NULL))
		return false;
	return fd_msg_model(avp, &model) == 0 && model;
}

static bool xf_avp_is(struct avp_hdr *h, const struct cm_avpdef *d)
{
	uint32_t vendor = (h->avp_flags & AVP_FLAG_VENDOR) ? h->avp_vendor : 0;
	return h->avp_code == d->code && vendor == d->vendor;
}

int xf_walk_path(struct xf_walk *w, msg_or_avp *parent, const struct xf_path *p, unsigned depth)
{
	const struct cm_avpdef *d = &p->seg[depth];
	struct avp *a = NULL, *next;
	int ret;

	if (fd_msg_browse(parent, MSG_BRW_FIRST_CHILD, &a, NULL))
		return 0;
	for (; a; a = next) {
		struct avp_hdr *h = NULL;

		/* Every AVP looked at costs a step of the message's budget: a peer can send
		 * thousands of AVPs, and each condition and action walks them. */
		if (w->bud) {
			if (w->bud->steps == 0)
				return XF_ELIMIT;
			w->bud->steps--;
		}
		/* Fetch the sibling first: the callback may free `a` (remove, move). */
		next = NULL;
		if (fd_msg_browse(a, MSG_BRW_NEXT, &next, NULL))
			next = NULL;
		if (fd_msg_avp_hdr(a, &h) || !xf_avp_is(h, d))
			continue;
		if (!xf_avp_ready(w->dict, a))
			continue;
		if (depth + 1 == p->n) {
			if (d->base != AVP_TYPE_GROUPED && !h->avp_value)
				continue;
			ret = w->cb(w, a, h->avp_value);
		} else {
			ret = xf_walk_path(w, a, p, depth + 1);
		}
		if (ret)
			return ret;
	}
	return 0;
}

int xf_make_parents(struct dictionary *dict, struct msg *msg, const struct xf_path *p,
                    msg_or_avp **ret_parent)
{
	msg_or_avp *parent = msg;
	int ret;

	for (unsigned i = 0; i + 1 < p->n; i++) {
		const struct cm_avpdef *d = &p->seg[i];
		struct avp *a = NULL, *found = NULL;

		if (fd_msg_browse(parent, MSG_BRW_FIRST_CHILD, &a, NULL))
			a = NULL;
		while (a && !found) {
			struct avp_hdr *h = NULL;
			if (fd_msg_avp_hdr(a, &h) == 0 && xf_avp_is(h, d) && xf_avp_ready(dict, a))
				found = a;
			else if (fd_msg_browse(a, MSG_BRW_NEXT, &a, NULL))
				a = NULL;
		}
		if (!found) {
			ret = fd_msg_avp_new(d->model, 0, &found);
			if (ret)
				return ret;
			ret = fd_msg_avp_add(parent, MSG_BRW_LAST_CHILD, found);
			if (ret) {
				fd_msg_free(found);
				return ret;
			}
		}
		parent = found;
	}
	*ret_parent = parent;
	return 0;
}

int xf_avp_new_value(const struct cm_avpdef *def, union avp_value *v, struct avp **ret_avp)
{
	struct avp *a = NULL;
	int ret = fd_msg_avp_new(def->model, 0, &a);

	if (ret)
		return ret;
	ret = fd_msg_avp_setvalue(a, v);
	if (ret) {
		fd_msg_free(a);
		return ret;
	}
	*ret_avp = a;
	return 0;
}

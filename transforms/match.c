/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * match.c: deciding whether a compiled rule concerns a message. Header checks
 * (direction, application, command) come first because they cost a comparison each;
 * peers next; AVP conditions, which may parse AVPs, last.
 */
#include "xf_int.h"

#include <fnmatch.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

static bool xf_smatch_plain(const struct xf_smatch *m, const char *s, size_t len)
{
	switch (m->kind) {
	case XF_SM_EXACT:
		if (len != m->len)
			return false;
		return m->nocase ? !strncasecmp(s, m->s, len) : !memcmp(s, m->s, len);
	case XF_SM_PREFIX:
		if (len < m->len)
			return false;
		return m->nocase ? !strncasecmp(s, m->s, m->len) : !memcmp(s, m->s, m->len);
	case XF_SM_SUFFIX:
		if (len < m->len)
			return false;
		s += len - m->len;
		return m->nocase ? !strncasecmp(s, m->s, m->len) : !memcmp(s, m->s, m->len);
	case XF_SM_GLOB:
		return fnmatch(m->s, s, m->nocase ? FNM_CASEFOLD : 0) == 0;
	case XF_SM_PRESENT:
		return true;
	case XF_SM_REGEX:
	case XF_SM_ABSENT:
		break;
	}
	return false;
}

int xf_smatch_text(const struct xf_smatch *m, struct xf_budget *bud, const char *s, size_t len,
                   bool *ret_match)
{
	/* The regex sees the whole value, NUL octets included; a limit it reaches is an
	 * error of the rule (XF_ELIMIT), not a "no": a value a peer crafted must not slip
	 * past a condition by being expensive. */
	if (m->kind == XF_SM_REGEX)
		return xf_re_match(&m->re, bud, s, len, NULL, ret_match);
	*ret_match = xf_smatch_plain(m, s, len);
	return 0;
}

struct xf_cond_walk {
	struct xf_walk w;
	const struct xf_cond *c;
	bool found;
};

static int xf_cond_cb(struct xf_walk *w, struct avp *avp, union avp_value *v)
{
	struct xf_cond_walk *cw = (struct xf_cond_walk *)((char *)w - offsetof(struct xf_cond_walk, w));
	const struct xf_cond *c = cw->c;
	const struct cm_avpdef *d = &c->path.seg[c->path.n - 1];
	char text[XF_TEXT_MAX];
	size_t len = 0;
	bool hit = false;
	int ret;

	if (c->m.kind == XF_SM_PRESENT || c->m.kind == XF_SM_ABSENT) {
		cw->found = true;
		return XF_WALK_STOP;
	}
	/* A value without a text form (bad TBCD on the wire...) does not match. */
	if (cm_avpval_text(d, c->tbcd, v, text, sizeof(text), &len))
		return 0;
	if ((ret = xf_smatch_text(&c->m, w->bud, text, len, &hit)))
		return ret;
	if (hit) {
		cw->found = true;
		return XF_WALK_STOP;
	}
	return 0;
}

static bool xf_peer_in(char *const *pats, size_t n, const char *peer)
{
	if (!peer)
		return false;
	for (size_t i = 0; i < n; i++)
		if (fnmatch(pats[i], peer, FNM_CASEFOLD) == 0)
			return true;
	return false;
}

static bool xf_u32_in(const uint32_t *v, size_t n, uint32_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

static bool xf_cmd_in(const struct xf_rule *r, uint32_t code, unsigned dir)
{
	for (size_t i = 0; i < r->ncmds; i++)
		if (r->cmds[i] == code && (r->cmd_dirs[i] & dir))
			return true;
	return false;
}

int xf_rule_matches(const struct xf_rules *rs, const struct xf_rule *r, struct msg *msg,
                    const struct msg_hdr *hdr, const struct xf_ctx *ctx, struct xf_budget *bud,
                    bool *ret)
{
	unsigned dir = (hdr->msg_flags & CMD_FLAG_REQUEST) ? XF_DIR_REQ : XF_DIR_ANS;

	*ret = false;
	if (!(r->dirs & dir))
		return 0;
	if (r->apps && !xf_u32_in(r->apps, r->napps, hdr->msg_appl))
		return 0;
	if (r->cmds && !xf_cmd_in(r, hdr->msg_code, dir))
		return 0;
	if (r->nfrom && !xf_peer_in(r->from_peer, r->nfrom, ctx->from_peer))
		return 0;
	if (r->nto && !xf_peer_in(r->to_peer, r->nto, ctx->to_peer))
		return 0;
	for (size_t i = 0; i < r->nconds; i++) {
		struct xf_cond_walk cw = {
			.w = { .cb = xf_cond_cb, .dict = rs->dict, .bud = bud }, .c = &r->conds[i],
		};
		int err = xf_walk_path(&cw.w, msg, &r->conds[i].path, 0);

		if (err && err != XF_WALK_STOP)
			return err;
		if (cw.found != (r->conds[i].m.kind != XF_SM_ABSENT))
			return 0;
	}
	*ret = true;
	return 0;
}

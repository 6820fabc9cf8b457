/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * action.c: running one compiled action on a message. Every value change goes through the
 * AVP's text form (common/avpval.c): read, rewrite as text, encode back for the AVP's type, then
 * fd_msg_avp_setvalue (which copies). An instance is changed only once its new value has
 * been encoded, so a failing action never leaves a half-written AVP.
 */
#include "xf_int.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

struct xf_act_walk {
	struct xf_walk w;
	const struct xf_rules *rs;
	const struct xf_rule *r;
	const struct xf_action *a;
	const struct xf_ctx *ctx;
	const struct cm_avpdef *def;   /* last segment of the path walked */
	bool tbcd;
	unsigned count;
	struct avp *first;             /* copy/move: the source instance */
	char *text;                    /* copy/move: its text */
	size_t len;
	const union avp_value *nv;     /* set/copy/move: the new value and its text */
	const char *nvtext;
	size_t nvlen;
	const char *ptext;             /* path being walked, for traces */
};

#define XF_AW(w) ((struct xf_act_walk *)((char *)(w) - offsetof(struct xf_act_walk, w)))

static const char *const xf_akind_name[] = {
	[XF_A_SET] = "set", [XF_A_ADD] = "add", [XF_A_REPLACE] = "replace",
	[XF_A_PREFIX_MAP] = "prefix_map", [XF_A_MAP] = "map", [XF_A_REMOVE] = "remove",
	[XF_A_COPY] = "copy", [XF_A_MOVE] = "move", [XF_A_HIDE_HOST] = "hide_host",
	[XF_A_UNHIDE_HOST] = "unhide_host",
};

/* Printable rendering of a value for traces (outsz >= 16), "..." when cut. */
static void xf_quote(char *out, size_t outsz, const char *s, size_t len)
{
	size_t o = 0, i;

	for (i = 0; i < len && o + 8 < outsz; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, outsz - o, "\\x%02x", c);
	}
	if (i < len)
		o += (size_t)snprintf(out + o, outsz - o, "...");
	out[o] = '\0';
}

static void xf_trace_change(struct xf_act_walk *aw, const char *old, size_t oldlen,
                            const char *nw, size_t nwlen)
{
	char q1[160], q2[160];

	if (!aw->ctx->trace)
		return;
	xf_quote(q1, sizeof(q1), old, oldlen);
	xf_quote(q2, sizeof(q2), nw, nwlen);
	xf_trace_add(aw->ctx->trace, "  %s %s: '%s' -> '%s'", xf_akind_name[aw->a->kind],
	             aw->ptext, q1, q2);
}

/* Give avp the value whose text is (text, len); trace old -> new. */
static int xf_rewrite(struct xf_act_walk *aw, struct avp *avp, const char *old, size_t oldlen,
                      const char *text, size_t len)
{
	uint8_t store[XF_VALUE_MAX];
	union avp_value v;
	int ret;

	if (len > XF_VALUE_MAX)
		return ENOSPC;
	ret = cm_avpval_parse(aw->def, aw->tbcd, text, len, &v, store, sizeof(store), NULL);
	if (ret)
		return ret;
	ret = fd_msg_avp_setvalue(avp, &v);
	if (ret)
		return ret;
	aw->count++;
	xf_trace_change(aw, old, oldlen, text, len);
	return 0;
}

/* set / copy / move target: overwrite an instance with a pre-encoded value. */
static int xf_set_value(struct xf_act_walk *aw, struct avp *avp, union avp_value *old,
                        const union avp_value *nv, const char *nvtext, size_t nvlen)
{
	union avp_value v = *nv;
	char text[XF_TEXT_MAX];
	size_t len = 0;
	int ret;

	if (aw->ctx->trace && cm_avpval_text(aw->def, aw->tbcd, old, text, sizeof(text), &len))
		len = 0;
	ret = fd_msg_avp_setvalue(avp, &v);
	if (ret)
		return ret;
	aw->count++;
	xf_trace_change(aw, text, len, nvtext, nvlen);
	return 0;
}

static int xf_cb_set(struct xf_walk *w, struct avp *avp, union avp_value *v)
{
	struct xf_act_walk *aw = XF_AW(w);

	return xf_set_value(aw, avp, v, aw->nv, aw->nvtext, aw->nvlen);
}

/* Append the expansion of `with` (\0..\9 are the groups of the match, \\ a backslash);
 * ovec holds XF_RE_PAIRS start/end pairs. */
static int xf_expand(const char *with, const char *src, const size_t *ovec, char *out,
                     size_t outsz, size_t *o)
{
	for (const char *p = with; *p; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '9') {
			const size_t *g = &ovec[2 * (p[1] - '0')];
			p++;
			if (g[0] == PCRE2_UNSET || g[1] < g[0])
				continue;
			if (*o + (g[1] - g[0]) >= outsz)
				return ENOSPC;
			memcpy(out + *o, src + g[0], g[1] - g[0]);
			*o += g[1] - g[0];
			continue;
		}
		if (p[0] == '\\' && p[1] == '\\')
			p++;
		if (*o + 1 >= outsz)
			return ENOSPC;
		out[(*o)++] = *p;
	}
	return 0;
}

static int xf_cb_replace(struct xf_walk *w, struct avp *avp, union avp_value *v)
{
	struct xf_act_walk *aw = XF_AW(w);
	char text[XF_TEXT_MAX], out[XF_TEXT_MAX + 1];
	size_t ovec[2 * XF_RE_PAIRS];
	size_t len = 0, o = 0, so, eo;
	bool hit = false;
	int ret;

	if (cm_avpval_text(aw->def, aw->tbcd, v, text, sizeof(text), &len))
		return 0;
	if ((ret = xf_re_match(&aw->a->re, aw->w.bud, text, len, ovec, &hit)) || !hit)
		return ret;
	so = ovec[0];
	eo = ovec[1];
	/* \K can put the start after the end; such a match replaces nothing */
	if (so > len || eo > len || eo < so)
		return 0;
	memcpy(out, text, so);
	o = so;
	ret = xf_expand(aw->a->with, text, ovec, out, sizeof(out), &o);
	if (ret)
		return ret;
	if (o + (len - eo) >= sizeof(out))
		return ENOSPC;
	memcpy(out + o, text + eo, len - eo);
	o += len - eo;
	out[o] = '\0';
	return xf_rewrite(aw, avp, text, len, out, o);
}

static int xf_cb_prefix_map(struct xf_walk *w, struct avp *avp, union avp_value *v)
{
	struct xf_act_walk *aw = XF_AW(w);
	const struct xf_action *a = aw->a;
	char text[XF_TEXT_MAX], out[XF_TEXT_MAX + 1];
	size_t len = 0;

	if (cm_avpval_text(aw->def, aw->tbcd, v, text, sizeof(text), &len))
		return 0;
	/* Keys are sorted by decreasing length: the first that fits is the longest. */
	for (size_t i = 0; i < a->nkv; i++) {
		const struct xf_kv *kv = &a->kv[i];
		size_t nlen;

		if (kv->klen > len
		    || (aw->def->nocase ? strncasecmp(text, kv->k, kv->klen)
		                        : memcmp(text, kv->k, kv->klen)))
			continue;
		nlen = kv->vlen + len - kv->klen;
		if (nlen > XF_VALUE_MAX)
			return ENOSPC;
		memcpy(out, kv->v, kv->vlen);
		memcpy(out + kv->vlen, text + kv->klen, len - kv->klen);
		out[nlen] = '\0';
		return xf_rewrite(aw, avp, text, len, out, nlen);
	}
	return 0;
}

static int xf_cb_map(struct xf_walk *w, struct avp *avp, union avp_value *v)
{
	struct xf_act_walk *aw = XF_AW(w);
	const struct xf_action *a = aw->a;
	char text[XF_TEXT_MAX];
	size_t len = 0;

	if (cm_avpval_text(aw->def, aw->tbcd, v, text, sizeof(text), &len))
		return 0;
	for (size_t i = 0; i < a->nkv; i++) {
		const struct xf_kv *kv = &a->kv[i];
		if (kv->klen != len)
			continue;
		if (aw->def->nocase ? strncasecmp(text, kv->k, len) : memcmp(text, kv->k, len))
			continue;
		return xf_rewrite(aw, avp, text, len, kv->v, kv->vlen);
	}
	return 0;
}

static int xf_cb_remove(struct xf_walk *w, struct avp *avp, union avp_value *v)
{
	struct xf_act_walk *aw = XF_AW(w);
	char text[XF_TEXT_MAX], q[160];
	size_t len = 0;
	int ret;

	if (aw->ctx->trace) {
		if (aw->def->fmt == CM_VF_GROUPED
		    || cm_avpval_text(aw->def, aw->tbcd, v, text, sizeof(text), &len))
			strcpy(q, "(grouped)");
		else
			xf_quote(q, sizeof(q), text, len);
	}
	ret = fd_msg_free(avp);
	if (ret)
		return ret;
	aw->count++;
	if (aw->ctx->trace)
		xf_trace_add(aw->ctx->trace, "  remove %s: '%s'", aw->ptext, q);
	return 0;
}

static int xf_cb_first(struct xf_walk *w, struct avp *avp, union avp_value *v)
{
	struct xf_act_walk *aw = XF_AW(w);

	if (cm_avpval_text(aw->def, aw->tbcd, v, aw->text, XF_TEXT_MAX, &aw->len))
		return 0;   /* unreadable: try the next instance */
	aw->first = avp;
	return XF_WALK_STOP;
}

/* unhide_host: the keys of the file first (nothing to look up), then the hiding table. */
static int xf_unhide(const struct xf_act_walk *aw, const char *text, size_t len, char *out,
                     size_t outsz)
{
	int ret = ENOENT;

	for (size_t i = 0; i < aw->rs->nhkeys && ret == ENOENT; i++)
		ret = xf_hkey_unhide(aw->rs->hkeys[i], text, len, out, outsz);
	if (ret != ENOENT)
		return ret;
	if (aw->ctx->state)
		return xf_state_unhide(aw->ctx->state, text, len, out, outsz);
	/* a file with only table pseudonyms and no table: as for hide_host */
	return aw->rs->nhkeys ? ENOENT : ENOTSUP;
}

static int xf_cb_hide(struct xf_walk *w, struct avp *avp, union avp_value *v)
{
	struct xf_act_walk *aw = XF_AW(w);
	const struct xf_action *a = aw->a;
	char text[XF_TEXT_MAX], pseudo[XF_TEXT_MAX];
	size_t len = 0;
	int ret;

	if (cm_avpval_text(aw->def, false, v, text, sizeof(text), &len))
		return 0;
	if (a->kind == XF_A_UNHIDE_HOST)
		ret = xf_unhide(aw, text, len, pseudo, sizeof(pseudo));
	else if (a->hkey)
		ret = xf_hkey_hide(a->hkey, text, len, pseudo, sizeof(pseudo));
	else if (!aw->ctx->state)
		ret = ENOTSUP;
	else
		ret = xf_state_hide(aw->ctx->state, a->tmpl, a->secret, a->secret_len, text, len, pseudo,
		                    sizeof(pseudo));
	if (ret == ENOENT)
		return 0;    /* unhide: not one of ours */
	if (ret)
		return ret;
	if (strlen(pseudo) == len && !memcmp(pseudo, text, len))
		return 0;
	return xf_rewrite(aw, avp, text, len, pseudo, strlen(pseudo));
}

/* Set semantics: overwrite every instance of path, or create one (and its parents). */
static int xf_set_or_create(struct xf_act_walk *aw, struct msg *msg, const struct xf_rules *rs,
                            const union avp_value *nv, const char *nvtext, size_t nvlen,
                            bool create)
{
	const struct xf_action *a = aw->a;
	msg_or_avp *parent = NULL;
	struct avp *avp = NULL;
	union avp_value v = *nv;
	int ret;

	aw->w.cb = xf_cb_set;
	aw->nv = nv;
	aw->nvtext = nvtext;
	aw->nvlen = nvlen;
	ret = xf_walk_path(&aw->w, msg, &a->path, 0);
	if (ret)
		return ret;
	if (aw->count || !create)
		return 0;
	ret = xf_make_parents(rs->dict, msg, &a->path, &parent);
	if (ret)
		return ret;
	ret = xf_avp_new_value(aw->def, &v, &avp);
	if (ret)
		return ret;
	ret = fd_msg_avp_add(parent, MSG_BRW_LAST_CHILD, avp);
	if (ret) {
		fd_msg_free(avp);
		return ret;
	}
	aw->count++;
	if (aw->ctx->trace) {
		char q[160];
		xf_quote(q, sizeof(q), nvtext, nvlen);
		xf_trace_add(aw->ctx->trace, "  %s %s: added '%s'", xf_akind_name[a->kind], a->path.text,
		             q);
	}
	return 0;
}

int xf_action_run(const struct xf_rules *rs, const struct xf_rule *r, const struct xf_action *a,
                  struct msg *msg, const struct xf_ctx *ctx, struct xf_budget *bud,
                  unsigned *ret_changed)
{
	struct xf_act_walk aw = {
		.w = { .dict = rs->dict, .bud = bud }, .rs = rs, .r = r, .a = a, .ctx = ctx,
		.def = &a->path.seg[a->path.n - 1], .tbcd = a->tbcd, .ptext = a->path.text,
	};
	int ret = 0;

	switch (a->kind) {
	case XF_A_SET:
		ret = xf_set_or_create(&aw, msg, rs, &a->val.v, a->val.text,
		                       strlen(a->val.text), !a->if_present);
		break;
	case XF_A_ADD: {
		msg_or_avp *parent = NULL;
		struct avp *avp = NULL;
		union avp_value v = a->val.v;

		ret = xf_make_parents(rs->dict, msg, &a->path, &parent);
		if (ret)
			break;
		ret = xf_avp_new_value(aw.def, &v, &avp);
		if (ret)
			break;
		ret = fd_msg_avp_add(parent, MSG_BRW_LAST_CHILD, avp);
		if (ret) {
			fd_msg_free(avp);
			break;
		}
		aw.count++;
		if (ctx->trace) {
			char q[160];
			xf_quote(q, sizeof(q), a->val.text, strlen(a->val.text));
			xf_trace_add(ctx->trace, "  add %s: '%s'", a->path.text, q);
		}
		break;
	}
	case XF_A_REPLACE:
		aw.w.cb = xf_cb_replace;
		ret = xf_walk_path(&aw.w, msg, &a->path, 0);
		break;
	case XF_A_PREFIX_MAP:
		aw.w.cb = xf_cb_prefix_map;
		ret = xf_walk_path(&aw.w, msg, &a->path, 0);
		break;
	case XF_A_MAP:
		aw.w.cb = xf_cb_map;
		ret = xf_walk_path(&aw.w, msg, &a->path, 0);
		break;
	case XF_A_REMOVE:
		aw.w.cb = xf_cb_remove;
		ret = xf_walk_path(&aw.w, msg, &a->path, 0);
		break;
	case XF_A_COPY:
	case XF_A_MOVE: {
		char text[XF_TEXT_MAX];
		uint8_t store[XF_VALUE_MAX];
		union avp_value v;
		struct xf_act_walk src = {
			.w = { .cb = xf_cb_first, .dict = rs->dict, .bud = bud }, .rs = rs, .r = r, .a = a,
			.ctx = ctx,
			.def = &a->from.seg[a->from.n - 1], .tbcd = a->from_tbcd, .text = text,
		};

		ret = xf_walk_path(&src.w, msg, &a->from, 0);
		if (ret == XF_WALK_STOP)
			ret = 0;
		if (ret || !src.first)
			break;     /* no source: nothing to do */
		ret = cm_avpval_parse(aw.def, aw.tbcd, text, src.len, &v, store, sizeof(store), NULL);
		if (ret)
			break;
		ret = xf_set_or_create(&aw, msg, rs, &v, text, src.len, true);
		if (ret || a->kind == XF_A_COPY)
			break;
		ret = fd_msg_free(src.first);
		if (!ret)
			aw.count++;
		if (!ret && ctx->trace)
			xf_trace_add(ctx->trace, "  move: removed %s", a->from.text);
		break;
	}
	case XF_A_HIDE_HOST:
	case XF_A_UNHIDE_HOST:
		aw.w.cb = xf_cb_hide;
		ret = xf_walk_path(&aw.w, msg, &a->path, 0);
		if (ret || !a->route_record)
			break;
		aw.def = &a->rr.seg[0];
		aw.ptext = a->rr.text;
		ret = xf_walk_path(&aw.w, msg, &a->rr, 0);
		break;
	}
	/* A failing action keeps the changes made before it (each one whole): they count. */
	if (ret_changed)
		*ret_changed = aw.count;
	return ret == XF_WALK_STOP ? 0 : ret;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * load.c: compiling a YAML rule file into a `struct xf_rules`. Everything that can be checked
 * without a message is checked here (keys, AVP/command/application names, value types,
 * regexes, templates), and every problem is reported, not only the first, each as
 * "FILE:LINE: rule 'NAME': problem", so an operator fixes a file in one pass.
 */
#include "xf_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One problem found; reported sorted by line, so the report reads like the file. */
struct xf_lmsg {
	int line;
	unsigned seq;
	char *text;
};

struct xf_load {
	const char *file;
	struct dictionary *dict;
	struct xf_limits lim;      /* the file's `limits:` (read before its rules) */
	struct xf_lmsg *msgs;
	size_t nmsg, cap;
	unsigned nerr;
	const char *rname;         /* rule being compiled, for messages */
};

static void xf_lerr(struct xf_load *ld, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void xf_lerr(struct xf_load *ld, int line, const char *fmt, ...)
{
	char msg[512];
	struct xf_lmsg *m;
	va_list ap;
	int n;

	ld->nerr++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ld->nmsg == ld->cap) {
		size_t cap = ld->cap ? ld->cap * 2 : 16;
		m = realloc(ld->msgs, cap * sizeof(*m));
		if (!m)
			return;    /* the load still fails: nerr counts it */
		ld->msgs = m;
		ld->cap = cap;
	}
	m = &ld->msgs[ld->nmsg];
	if (ld->rname)
		n = asprintf(&m->text, "%s:%d: rule '%s': %s", ld->file, line, ld->rname, msg);
	else
		n = asprintf(&m->text, "%s:%d: %s", ld->file, line, msg);
	if (n < 0)
		return;
	m->line = line;
	m->seq = ld->nerr;
	ld->nmsg++;
}

static int xf_lmsg_cmp(const void *a, const void *b)
{
	const struct xf_lmsg *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* All messages, sorted, one per line, into err (truncated to errlen); frees them. */
static void xf_lerr_flush(struct xf_load *ld, char *err, size_t errlen)
{
	size_t o = 0;

	qsort(ld->msgs, ld->nmsg, sizeof(*ld->msgs), xf_lmsg_cmp);
	for (size_t i = 0; i < ld->nmsg; i++) {
		if (err && errlen && o + 1 < errlen) {
			int n = snprintf(err + o, errlen - o, "%s%s", i ? "\n" : "", ld->msgs[i].text);
			if (n > 0)
				o += (size_t)n < errlen - o ? (size_t)n : errlen - o - 1;
		}
		free(ld->msgs[i].text);
	}
	free(ld->msgs);
	ld->msgs = NULL;
	ld->nmsg = ld->cap = 0;
}

/* ---------------------------------------------------------------------------------------
 * Small YAML helpers
 * ------------------------------------------------------------------------------------- */

/* Report members of map not in `allowed` (NULL-terminated). */
static void xf_check_keys(struct xf_load *ld, const struct cm_ynode *map, const char *what,
                          const char *const *allowed)
{
	for (const struct cm_ynode *c = map->child; c; c = c->next) {
		size_t i;
		for (i = 0; allowed[i]; i++)
			if (!strcmp(c->key, allowed[i]))
				break;
		if (!allowed[i]) {
			char list[256];
			size_t o = 0;
			list[0] = '\0';
			for (i = 0; allowed[i] && o < sizeof(list); i++)
				o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", i ? ", " : "",
				                      allowed[i]);
			xf_lerr(ld, c->key_line, "unknown key '%s' in %s (expected one of: %s)", c->key, what,
			        list);
		}
	}
}

static const char *xf_ytype(const struct cm_ynode *n)
{
	return n->type == CM_Y_MAP ? "a map" : n->type == CM_Y_SEQ ? "a list" : "a scalar";
}

/* The scalar text of n, or NULL after reporting. */
static const char *xf_scalar(struct xf_load *ld, const struct cm_ynode *n, const char *key)
{
	if (n->type != CM_Y_SCALAR) {
		xf_lerr(ld, n->line, "'%s' must be a scalar, not %s", key, xf_ytype(n));
		return NULL;
	}
	return n->str;
}

static int xf_bool(struct xf_load *ld, const struct cm_ynode *n, const char *key, bool *ret)
{
	const char *s = xf_scalar(ld, n, key);

	if (!s)
		return EINVAL;
	if (!strcasecmp(s, "true") || !strcasecmp(s, "yes") || !strcasecmp(s, "on")) {
		*ret = true;
		return 0;
	}
	if (!strcasecmp(s, "false") || !strcasecmp(s, "no") || !strcasecmp(s, "off")) {
		*ret = false;
		return 0;
	}
	xf_lerr(ld, n->line, "'%s' must be true or false, not '%s'", key, s);
	return EINVAL;
}

/* ---------------------------------------------------------------------------------------
 * Paths, values, string matches
 * ------------------------------------------------------------------------------------- */

static int xf_path_parse(struct xf_load *ld, const struct cm_ynode *n, const char *key,
                         struct xf_path *p)
{
	const char *s = xf_scalar(ld, n, key);
	const char *seg, *end;
	int ret = 0;

	if (!s)
		return EINVAL;
	if (!*s) {
		xf_lerr(ld, n->line, "'%s' is empty", key);
		return EINVAL;
	}
	p->n = 0;
	for (seg = s; ; seg = end + 1) {
		char name[128];
		size_t l;

		end = strchr(seg, '/');
		if (!end)
			end = seg + strlen(seg);
		l = (size_t)(end - seg);
		if (l == 0 || l >= sizeof(name)) {
			xf_lerr(ld, n->line, "bad AVP path '%s'", s);
			return EINVAL;
		}
		if (p->n == XF_PATH_MAX) {
			xf_lerr(ld, n->line, "AVP path '%s' deeper than %d levels", s, XF_PATH_MAX);
			return EINVAL;
		}
		memcpy(name, seg, l);
		name[l] = '\0';
		if (cm_avpdef_find(name, &p->seg[p->n])) {
			xf_lerr(ld, n->line, "unknown AVP '%s'", name);
			ret = EINVAL;
		} else if (*end == '/' && p->seg[p->n].base != AVP_TYPE_GROUPED) {
			xf_lerr(ld, n->line, "'%s' in path '%s' is not a Grouped AVP", name, s);
			ret = EINVAL;
		}
		p->n++;
		if (!*end)
			break;
	}
	if (ret)
		return ret;
	p->text = strdup(s);
	return p->text ? 0 : ENOMEM;
}

static const struct cm_avpdef *xf_last(const struct xf_path *p)
{
	return &p->seg[p->n - 1];
}

/* The AVP at the end of p must carry a value (not Grouped). */
static int xf_need_value_avp(struct xf_load *ld, int line, const struct xf_path *p)
{
	if (xf_last(p)->base == AVP_TYPE_GROUPED) {
		xf_lerr(ld, line, "'%s' is a Grouped AVP: it has no value to set or rewrite", p->text);
		return EINVAL;
	}
	return 0;
}

/* Modifying Session-Id would desynchronise freeDiameter's session table. */
static int xf_not_session_id(struct xf_load *ld, int line, const struct xf_path *p)
{
	if (p->n == 1 && p->seg[0].code == 263 && p->seg[0].vendor == 0) {
		xf_lerr(ld, line, "Session-Id cannot be modified");
		return EINVAL;
	}
	return 0;
}

/* tbcd: explicit `tbcd:` key of map, else inferred from the AVP name. */
static int xf_tbcd_opt(struct xf_load *ld, const struct cm_ynode *map, const char *key,
                       const struct xf_path *p, bool *ret)
{
	const struct cm_ynode *t = cm_ymap_get(map, key);
	const struct cm_avpdef *d = xf_last(p);

	*ret = d->tbcd;
	if (!t)
		return 0;
	if (xf_bool(ld, t, key, ret))
		return EINVAL;
	if (*ret && d->fmt != CM_VF_OCTETS) {
		xf_lerr(ld, t->line, "'%s': true needs an OctetString AVP, '%s' is %s", key, d->name,
		        cm_avp_basetype_name(d->base));
		return EINVAL;
	}
	return 0;
}

static int xf_value_compile(struct xf_load *ld, const struct cm_ynode *map,
                            const struct xf_path *p, bool tbcd, struct xf_value *val)
{
	const struct cm_ynode *vn = cm_ymap_get(map, "value"), *hn = cm_ymap_get(map, "hex");
	const struct cm_avpdef *d = xf_last(p);
	uint8_t store[XF_VALUE_MAX];
	const char *s, *why = "invalid";
	union avp_value v;
	size_t len;
	int ret;

	if ((vn && hn) || (!vn && !hn)) {
		xf_lerr(ld, map->line, "give exactly one of 'value' or 'hex'");
		return EINVAL;
	}
	if (hn) {
		if (!(s = xf_scalar(ld, hn, "hex")))
			return EINVAL;
		len = strlen(s);
		if (d->fmt != CM_VF_OCTETS || tbcd) {
			xf_lerr(ld, hn->line, "'hex' needs a plain OctetString AVP; use 'value' for '%s'",
			        d->name);
			return EINVAL;
		}
		if (len % 2 || len / 2 > XF_VALUE_MAX || cm_hex_decode(s, store, len / 2)) {
			xf_lerr(ld, hn->line, "hex '%s' is not an even number of hex digits", s);
			return EINVAL;
		}
		v.os.data = store;
		v.os.len = len / 2;
	} else {
		if (!(s = xf_scalar(ld, vn, "value")))
			return EINVAL;
		len = strlen(s);
		ret = cm_avpval_parse(d, tbcd, s, len, &v, store, sizeof(store), &why);
		if (ret) {
			xf_lerr(ld, vn->line, "value '%s' for '%s' (%s%s): %s", s, d->name,
			        cm_avp_basetype_name(d->base), tbcd ? ", TBCD" : "", why);
			return EINVAL;
		}
	}
	val->v = v;
	val->text = strdup(s);
	if (!val->text)
		return ENOMEM;
	if (d->base == AVP_TYPE_OCTETSTRING) {
		val->buf = malloc(v.os.len ? v.os.len : 1);
		if (!val->buf)
			return ENOMEM;
		if (v.os.len)
			memcpy(val->buf, v.os.data, v.os.len);
		val->v.os.data = val->buf;
	}
	return 0;
}

static int xf_regcomp(struct xf_load *ld, int line, struct xf_re *re, const char *s, bool nocase)
{
	char why[256];
	int r = xf_re_compile(re, s, nocase, ld->lim.regex_length, why, sizeof(why));

	if (r == EINVAL) {
		/* a pattern can be long: quote its start only */
		xf_lerr(ld, line, "bad regex '%.80s%s': %s", s, strlen(s) > 80 ? "..." : "", why);
		return EINVAL;
	}
	return r;
}

static const char *const xf_sm_keys[] = { "exact", "prefix", "suffix", "regex", "glob", "present",
                                          NULL };

/* A string match: a scalar (exact) or a map with one of xf_sm_keys (plus `extra` keys the
 * caller handles). */
static int xf_smatch_compile(struct xf_load *ld, const struct cm_ynode *n, const char *what,
                             const struct cm_avpdef *d, bool tbcd, const char *const *extra,
                             struct xf_smatch *m)
{
	const struct cm_ynode *k = NULL;
	const char *s;
	int ret = 0;

	m->nocase = d->nocase;
	if (n->type == CM_Y_SCALAR) {
		m->kind = XF_SM_EXACT;
		k = n;
	} else if (n->type == CM_Y_MAP) {
		const char *allowed[16];
		size_t na = 0;
		for (size_t i = 0; xf_sm_keys[i]; i++)
			allowed[na++] = xf_sm_keys[i];
		for (size_t i = 0; extra && extra[i] && na < 15; i++)
			allowed[na++] = extra[i];
		allowed[na] = NULL;
		xf_check_keys(ld, n, what, allowed);
		for (const struct cm_ynode *c = n->child; c; c = c->next) {
			for (size_t i = 0; xf_sm_keys[i]; i++) {
				if (strcmp(c->key, xf_sm_keys[i]))
					continue;
				if (k) {
					xf_lerr(ld, c->key_line, "%s: give only one of exact, prefix, suffix, "
					        "regex, glob, present", what);
					return EINVAL;
				}
				k = c;
				m->kind = (enum xf_smkind)i;
			}
		}
		if (!k) {
			xf_lerr(ld, n->line, "%s: give one of exact, prefix, suffix, regex, glob, present",
			        what);
			return EINVAL;
		}
	} else {
		xf_lerr(ld, n->line, "%s must be a string or a map, not %s", what, xf_ytype(n));
		return EINVAL;
	}
	if (m->kind == XF_SM_PRESENT) {
		bool b = true;
		if (xf_bool(ld, k, "present", &b))
			return EINVAL;
		m->kind = b ? XF_SM_PRESENT : XF_SM_ABSENT;
		return 0;
	}
	if (!(s = xf_scalar(ld, k, what)))
		return EINVAL;
	if (d->fmt == CM_VF_GROUPED) {
		xf_lerr(ld, k->line, "%s: '%s' is Grouped; only 'present' applies", what, d->name);
		return EINVAL;
	}
	if (m->kind == XF_SM_EXACT && d->fmt == CM_VF_NUM) {
		/* Compare numbers by value: "0x10", "16" and a constant name all mean 16. */
		uint8_t store[16];
		union avp_value v;
		char text[64];
		size_t len;
		const char *why = "";
		if (cm_avpval_parse(d, false, s, strlen(s), &v, store, sizeof(store), &why)
		    || cm_avpval_text(d, false, &v, text, sizeof(text), &len)) {
			xf_lerr(ld, k->line, "%s: '%s' for '%s' (%s): %s", what, s, d->name,
			        cm_avp_basetype_name(d->base), why);
			return EINVAL;
		}
		m->s = strdup(text);
	} else {
		if (m->kind == XF_SM_EXACT && tbcd) {
			uint8_t store[XF_VALUE_MAX];
			union avp_value v;
			const char *why = "";
			if (cm_avpval_parse(d, true, s, strlen(s), &v, store, sizeof(store), &why)) {
				xf_lerr(ld, k->line, "%s: '%s' for '%s' (TBCD): %s", what, s, d->name, why);
				return EINVAL;
			}
		}
		m->s = strdup(s);
	}
	if (!m->s)
		return ENOMEM;
	m->len = strlen(m->s);
	if (m->kind == XF_SM_REGEX)
		ret = xf_regcomp(ld, k->line, &m->re, m->s, m->nocase);
	return ret;
}

/* ---------------------------------------------------------------------------------------
 * match:
 * ------------------------------------------------------------------------------------- */

static const struct { const char *name; uint32_t id; } xf_apps[] = {
	{ "base", 0 }, { "s6a", 16777251 }, { "s6d", 16777251 }, { "s6a/s6d", 16777251 },
	{ "s13", 16777252 }, { "cx", 16777216 }, { "sh", 16777217 }, { "swx", 16777265 },
	{ "swm", 16777264 }, { "s6b", 16777272 }, { "gx", 16777238 }, { "rx", 16777236 },
	{ "gy", 4 }, { "ro", 4 }, { "s6t", 16777345 }, { "slh", 16777291 }, { "slg", 16777255 },
	{ "sgd", 16777313 }, { "tgd", 16777313 }, { "s6c", 16777312 }, { "relay", 0xffffffffu },
	{ NULL, 0 },
};

/* A scalar or a list of scalars: call fn on each. */
static int xf_each_scalar(struct xf_load *ld, const struct cm_ynode *n, const char *key,
                          int (*fn)(struct xf_load *, const struct cm_ynode *, void *), void *arg)
{
	int ret = 0;

	if (n->type == CM_Y_SCALAR)
		return fn(ld, n, arg);
	if (n->type != CM_Y_SEQ || !n->child) {
		xf_lerr(ld, n->line, "'%s' must be a scalar or a non-empty list", key);
		return EINVAL;
	}
	for (const struct cm_ynode *c = n->child; c; c = c->next) {
		if (c->type != CM_Y_SCALAR) {
			xf_lerr(ld, c->line, "'%s' items must be scalars, not %s", key, xf_ytype(c));
			ret = EINVAL;
			continue;
		}
		if (fn(ld, c, arg))
			ret = EINVAL;
	}
	return ret;
}

static bool xf_parse_u32(const char *s, uint32_t *ret)
{
	char *end = NULL;
	unsigned long long x;

	if (!isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	x = strtoull(s, &end, (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 16 : 10);
	if (errno || *end || x > UINT32_MAX)
		return false;
	*ret = (uint32_t)x;
	return true;
}

static int xf_add_app(struct xf_load *ld, const struct cm_ynode *n, void *arg)
{
	struct xf_rule *r = arg;
	uint32_t id = 0;
	bool ok = xf_parse_u32(n->str, &id);
	uint32_t *a;

	for (size_t i = 0; !ok && xf_apps[i].name; i++)
		if (!strcasecmp(n->str, xf_apps[i].name)) {
			id = xf_apps[i].id;
			ok = true;
		}
	if (!ok) {
		xf_lerr(ld, n->line, "unknown application '%s' (a number, or base, s6a, s6d, s13, cx, "
		        "sh, swx, swm, s6b, gx, rx, gy, ro, s6t, slh, slg, sgd, s6c, relay)", n->str);
		return EINVAL;
	}
	a = realloc(r->apps, (r->napps + 1) * sizeof(*a));
	if (!a)
		return ENOMEM;
	r->apps = a;
	r->apps[r->napps++] = id;
	return 0;
}

static int xf_cmd_push(struct xf_rule *r, uint32_t code, uint8_t dirs)
{
	uint32_t *c = realloc(r->cmds, (r->ncmds + 1) * sizeof(*c));
	uint8_t *d;

	if (!c)
		return ENOMEM;
	r->cmds = c;
	d = realloc(r->cmd_dirs, (r->ncmds + 1) * sizeof(*d));
	if (!d)
		return ENOMEM;
	r->cmd_dirs = d;
	r->cmds[r->ncmds] = code;
	r->cmd_dirs[r->ncmds++] = dirs;
	return 0;
}

static struct dict_object *xf_cmd_by_name(struct xf_load *ld, const char *name)
{
	struct dict_object *o = NULL;

	if (fd_dict_search(ld->dict, DICT_COMMAND, CMD_BY_NAME, name, &o, ENOENT))
		return NULL;
	return o;
}

static int xf_add_cmd(struct xf_load *ld, const struct cm_ynode *n, void *arg)
{
	struct xf_rule *r = arg;
	struct dict_cmd_data cd;
	struct dict_object *o;
	uint32_t code;
	char name[160];

	if (xf_parse_u32(n->str, &code))
		return xf_cmd_push(r, code, XF_DIR_REQ | XF_DIR_ANS);
	if ((o = xf_cmd_by_name(ld, n->str)) && !fd_dict_getval(o, &cd))
		return xf_cmd_push(r, cd.cmd_code,
		                   (cd.cmd_flag_val & CMD_FLAG_REQUEST) ? XF_DIR_REQ : XF_DIR_ANS);
	snprintf(name, sizeof(name), "%s-Request", n->str);
	if ((o = xf_cmd_by_name(ld, name)) && !fd_dict_getval(o, &cd))
		return xf_cmd_push(r, cd.cmd_code, XF_DIR_REQ | XF_DIR_ANS);
	snprintf(name, sizeof(name), "%s-Answer", n->str);
	if ((o = xf_cmd_by_name(ld, name)) && !fd_dict_getval(o, &cd))
		return xf_cmd_push(r, cd.cmd_code, XF_DIR_REQ | XF_DIR_ANS);
	xf_lerr(ld, n->line, "unknown command '%s' (a command code, or a dictionary name with or "
	        "without -Request/-Answer)", n->str);
	return EINVAL;
}

struct xf_strv {
	char ***v;
	size_t *n;
};

static int xf_add_str(struct xf_load *ld, const struct cm_ynode *n, void *arg)
{
	struct xf_strv *sv = arg;
	char **v = realloc(*sv->v, (*sv->n + 1) * sizeof(*v));

	if (!v)
		return ENOMEM;
	*sv->v = v;
	if (!(v[*sv->n] = strdup(n->str)))
		return ENOMEM;
	(*sv->n)++;
	return 0;
}

static struct xf_cond *xf_cond_new(struct xf_rule *r)
{
	struct xf_cond *c = realloc(r->conds, (r->nconds + 1) * sizeof(*c));

	if (!c)
		return NULL;
	r->conds = c;
	c = &r->conds[r->nconds++];
	memset(c, 0, sizeof(*c));
	return c;
}

static int xf_cond_host(struct xf_load *ld, struct xf_rule *r, const struct cm_ynode *n,
                        const char *avpname)
{
	struct xf_cond *c = xf_cond_new(r);

	if (!c)
		return ENOMEM;
	c->line = n->line;
	if (cm_avpdef_find(avpname, &c->path.seg[0])) {
		xf_lerr(ld, n->line, "AVP '%s' missing from the dictionary", avpname);
		return EINVAL;
	}
	c->path.n = 1;
	if (!(c->path.text = strdup(avpname)))
		return ENOMEM;
	return xf_smatch_compile(ld, n, n->key, &c->path.seg[0], false, NULL, &c->m);
}

static int xf_cond_avp(struct xf_load *ld, struct xf_rule *r, const struct cm_ynode *n)
{
	static const char *const extra[] = { "path", "tbcd", NULL };
	const struct cm_ynode *pn;
	struct xf_cond *c;

	if (n->type != CM_Y_MAP) {
		xf_lerr(ld, n->line, "'avp' condition must be a map {path: ..., exact|prefix|suffix|"
		        "regex|glob|present: ...}, not %s", xf_ytype(n));
		return EINVAL;
	}
	if (!(c = xf_cond_new(r)))
		return ENOMEM;
	c->line = n->line;
	if (!(pn = cm_ymap_get(n, "path"))) {
		xf_lerr(ld, n->line, "'avp' condition needs 'path'");
		return EINVAL;
	}
	if (xf_path_parse(ld, pn, "path", &c->path))
		return EINVAL;
	if (xf_tbcd_opt(ld, n, "tbcd", &c->path, &c->tbcd))
		return EINVAL;
	return xf_smatch_compile(ld, n, "avp condition", xf_last(&c->path), c->tbcd, extra, &c->m);
}

static int xf_match_compile(struct xf_load *ld, struct xf_rule *r, const struct cm_ynode *m)
{
	static const char *const keys[] = { "direction", "application", "command", "from_peer",
	                                    "to_peer", "origin_host", "origin_realm",
	                                    "destination_host", "destination_realm", "avp", NULL };
	static const struct { const char *key, *avp; } hosts[] = {
		{ "origin_host", "Origin-Host" }, { "origin_realm", "Origin-Realm" },
		{ "destination_host", "Destination-Host" }, { "destination_realm", "Destination-Realm" },
	};
	const struct cm_ynode *n;
	int ret = 0;

	r->dirs = XF_DIR_REQ | XF_DIR_ANS;
	if (!m)
		return 0;
	if (m->type != CM_Y_MAP) {
		xf_lerr(ld, m->line, "'match' must be a map, not %s", xf_ytype(m));
		return EINVAL;
	}
	xf_check_keys(ld, m, "match", keys);
	if ((n = cm_ymap_get(m, "direction"))) {
		const char *s = xf_scalar(ld, n, "direction");
		if (!s)
			ret = EINVAL;
		else if (!strcmp(s, "request"))
			r->dirs = XF_DIR_REQ;
		else if (!strcmp(s, "answer"))
			r->dirs = XF_DIR_ANS;
		else if (strcmp(s, "any")) {
			xf_lerr(ld, n->line, "direction must be request, answer or any, not '%s'", s);
			ret = EINVAL;
		}
	}
	if ((n = cm_ymap_get(m, "application")) && xf_each_scalar(ld, n, "application", xf_add_app, r))
		ret = EINVAL;
	if ((n = cm_ymap_get(m, "command"))) {
		if (xf_each_scalar(ld, n, "command", xf_add_cmd, r)) {
			ret = EINVAL;
		} else {
			bool any = false;
			for (size_t i = 0; i < r->ncmds; i++)
				any |= (r->cmd_dirs[i] & r->dirs) != 0;
			if (!any) {
				xf_lerr(ld, n->line, "command never matches direction %s",
				        r->dirs == XF_DIR_REQ ? "request" : "answer");
				ret = EINVAL;
			}
		}
	}
	if ((n = cm_ymap_get(m, "from_peer"))) {
		struct xf_strv sv = { &r->from_peer, &r->nfrom };
		if (xf_each_scalar(ld, n, "from_peer", xf_add_str, &sv))
			ret = EINVAL;
	}
	if ((n = cm_ymap_get(m, "to_peer"))) {
		struct xf_strv sv = { &r->to_peer, &r->nto };
		if (xf_each_scalar(ld, n, "to_peer", xf_add_str, &sv))
			ret = EINVAL;
	}
	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++)
		if ((n = cm_ymap_get(m, hosts[i].key)) && xf_cond_host(ld, r, n, hosts[i].avp))
			ret = EINVAL;
	if ((n = cm_ymap_get(m, "avp"))) {
		if (n->type == CM_Y_SEQ) {
			if (!n->child) {
				xf_lerr(ld, n->line, "'avp' list is empty");
				ret = EINVAL;
			}
			for (const struct cm_ynode *c = n->child; c; c = c->next)
				if (xf_cond_avp(ld, r, c))
					ret = EINVAL;
		} else if (xf_cond_avp(ld, r, n)) {
			ret = EINVAL;
		}
	}
	return ret;
}

/* ---------------------------------------------------------------------------------------
 * actions:
 * ------------------------------------------------------------------------------------- */

static const char *const xf_action_names[] = {
	[XF_A_SET] = "set", [XF_A_ADD] = "add", [XF_A_REPLACE] = "replace",
	[XF_A_PREFIX_MAP] = "prefix_map", [XF_A_MAP] = "map", [XF_A_REMOVE] = "remove",
	[XF_A_COPY] = "copy", [XF_A_MOVE] = "move", [XF_A_HIDE_HOST] = "hide_host",
	[XF_A_UNHIDE_HOST] = "unhide_host",
};

static int xf_kv_cmp_len(const void *a, const void *b)
{
	const struct xf_kv *x = a, *y = b;
	return x->klen < y->klen ? 1 : x->klen > y->klen ? -1 : 0;
}

/* A map of string -> string (prefix_map `map`, map `table`). */
static int xf_kv_compile(struct xf_load *ld, struct xf_action *a, const struct cm_ynode *n,
                         const char *key, bool reverse)
{
	const struct cm_avpdef *d = xf_last(&a->path);
	int ret = 0;

	if (n->type != CM_Y_MAP || !n->child) {
		xf_lerr(ld, n->line, "'%s' must be a non-empty map", key);
		return EINVAL;
	}
	a->kv = calloc(n->n_child ? n->n_child : 1, sizeof(*a->kv));
	if (!a->kv)
		return ENOMEM;
	for (const struct cm_ynode *c = n->child; c; c = c->next) {
		struct xf_kv *kv = &a->kv[a->nkv];
		const char *from = c->key, *to;
		uint8_t store[XF_VALUE_MAX];
		union avp_value v;
		const char *why = "";

		if (c->type != CM_Y_SCALAR) {
			xf_lerr(ld, c->line, "'%s': value of '%s' must be a scalar", key, c->key);
			ret = EINVAL;
			continue;
		}
		to = c->str;
		if (reverse) {
			const char *t = from;
			from = to;
			to = t;
		}
		/* Every output must be a valid value of the AVP: check the complete ones now
		 * (map), and the digits of TBCD prefixes (prefix_map). */
		if (a->kind == XF_A_MAP || a->tbcd) {
			if (cm_avpval_parse(d, a->tbcd, to, strlen(to), &v, store, sizeof(store), &why)) {
				xf_lerr(ld, c->line, "'%s': '%s' is not a valid value for '%s' (%s%s): %s", key,
				        to, d->name, cm_avp_basetype_name(d->base), a->tbcd ? ", TBCD" : "", why);
				ret = EINVAL;
				continue;
			}
			if (a->tbcd && cm_avpval_parse(d, true, from, strlen(from), &v, store,
			                              sizeof(store), &why)) {
				xf_lerr(ld, c->line, "'%s': '%s' is not a TBCD number for '%s'", key, from,
				        d->name);
				ret = EINVAL;
				continue;
			}
		}
		for (size_t i = 0; i < a->nkv; i++)
			if (!strcmp(a->kv[i].k, from)) {
				xf_lerr(ld, c->line, "'%s': '%s' appears twice%s", key, from,
				        reverse ? " among the values (reverse: true)" : "");
				ret = EINVAL;
			}
		if (!(kv->k = strdup(from)) || !(kv->v = strdup(to)))
			return ENOMEM;
		kv->klen = strlen(from);
		kv->vlen = strlen(to);
		a->nkv++;
	}
	if (a->kind == XF_A_PREFIX_MAP)
		qsort(a->kv, a->nkv, sizeof(*a->kv), xf_kv_cmp_len);
	return ret;
}

/* A pseudonym template: {enc} alone (a key file is then required), or {n} / {hash}, and
 * characters a Diameter identity may hold. */
static int xf_tmpl_check(struct xf_load *ld, const struct cm_ynode *n, const char *s, bool *ret_enc)
{
	size_t worst = 0, nenc = 0, ntab = 0;
	int ret = 0;

	for (const char *c = s; *c; c++) {
		if (!strncmp(c, "{enc}", 5)) {
			c += 4;
			nenc++;
		} else if (!strncmp(c, "{n}", 3)) {
			c += 2;
			worst += XF_TMPL_N_MAX;
			ntab++;
		} else if (!strncmp(c, "{hash}", 6)) {
			c += 5;
			worst += XF_TMPL_HASH_LEN;
			ntab++;
		} else if (!isalnum((unsigned char)*c) && *c != '.' && *c != '-' && *c != '_') {
			xf_lerr(ld, n->line, "pseudo '%s': '%c' is not allowed in a Diameter identity", s, *c);
			return EINVAL;
		} else {
			worst++;
		}
	}
	*ret_enc = nenc > 0;
	if (!nenc && !ntab) {
		xf_lerr(ld, n->line, "pseudo '%s' must contain {enc}, {n} or {hash}", s);
		return EINVAL;
	}
	if (nenc && (nenc > 1 || ntab)) {
		xf_lerr(ld, n->line, "pseudo '%s': {enc} must appear once, without {n} or {hash}", s);
		return EINVAL;
	}
	if (nenc) {
		const char *after = strstr(s, "{enc}") + 5;
		if (*after && *after != '.') {
			xf_lerr(ld, n->line, "pseudo '%s': {enc} must end its label (write "
			        "\"{enc}.hidden.example\" or \"mme-{enc}.hidden.example\")", s);
			ret = EINVAL;
		}
		return ret;
	}
	/* Checked here, not when a message comes: a template that can render too long would
	 * make every hide fail at run time (answered 5012). */
	if (worst > XF_HOST_MAX - 1) {
		xf_lerr(ld, n->line, "pseudo template can render up to %zu characters (at most %d)",
		        worst, XF_HOST_MAX - 1);
		ret = EINVAL;
	}
	return ret;
}

/* key_file for an {enc} template: read, checked and turned into a key now. */
static int xf_key_compile(struct xf_load *ld, struct xf_action *a, const struct cm_ynode *p,
                          const struct cm_ynode *tn, bool enc)
{
	const struct cm_ynode *kn = cm_ymap_get(p, "key_file");
	const char *kf;
	char why[512];
	int rc;

	if (!enc) {
		if (kn) {
			xf_lerr(ld, kn->line, "key_file applies to a pseudo template with {enc}");
			return EINVAL;
		}
		return 0;
	}
	if (!kn) {
		xf_lerr(ld, tn->line, "pseudo '%s' has {enc}: give key_file (a file of 32 or more "
		        "octets in hex, mode 0600)", a->tmpl);
		return EINVAL;
	}
	if (!(kf = xf_scalar(ld, kn, "key_file")))
		return EINVAL;
	rc = xf_hkey_new(ld->file, kf, a->tmpl, &a->hkey, why, sizeof(why));
	if (rc == EINVAL)
		xf_lerr(ld, kn->line, "%s", why);
	return rc;
}

static int xf_hide_compile(struct xf_load *ld, struct xf_action *a, const struct cm_ynode *p)
{
	const struct cm_ynode *n, *tn;
	const char *s;
	bool enc = false;
	int ret = 0;

	if (!(tn = cm_ymap_get(p, "pseudo"))) {
		xf_lerr(ld, p->line, "hide_host needs 'pseudo' (a template with {enc}, {n} or {hash}, "
		        "e.g. \"{enc}.hidden.example\")");
		return EINVAL;
	}
	if (!(s = xf_scalar(ld, tn, "pseudo")))
		return EINVAL;
	if (xf_tmpl_check(ld, tn, s, &enc))
		ret = EINVAL;
	if (!(a->tmpl = strdup(s)))
		return ENOMEM;
	if (!ret && (ret = xf_key_compile(ld, a, p, tn, enc)) == ENOMEM)
		return ENOMEM;
	if ((n = cm_ymap_get(p, "secret"))) {
		if (!(s = xf_scalar(ld, n, "secret")))
			return EINVAL;
		a->secret_len = strlen(s);
		if (!(a->secret = (uint8_t *)strdup(s)))
			return ENOMEM;
	}
	if ((n = cm_ymap_get(p, "route_record")) && xf_bool(ld, n, "route_record", &a->route_record))
		ret = EINVAL;
	if (a->route_record) {
		if (cm_avpdef_find("Route-Record", &a->rr.seg[0])) {
			xf_lerr(ld, n->line, "AVP 'Route-Record' missing from the dictionary");
			return EINVAL;
		}
		a->rr.n = 1;
		if (!(a->rr.text = strdup("Route-Record")))
			return ENOMEM;
	}
	return ret;
}

/* unhide_host may name a key of its own (a DRA that only unhides, or the previous key while
 * peers may still hold its pseudonyms). */
static int xf_unhide_compile(struct xf_load *ld, struct xf_action *a, const struct cm_ynode *p)
{
	const struct cm_ynode *tn = cm_ymap_get(p, "pseudo");
	const char *s;
	bool enc = false;
	int rc;

	if (!tn) {
		if (cm_ymap_get(p, "key_file")) {
			xf_lerr(ld, p->line, "unhide_host with key_file needs the 'pseudo' template it was "
			        "made with");
			return EINVAL;
		}
		return 0;
	}
	if (!(s = xf_scalar(ld, tn, "pseudo")))
		return EINVAL;
	if ((rc = xf_tmpl_check(ld, tn, s, &enc)))
		return rc;
	if (!enc) {
		xf_lerr(ld, tn->line, "unhide_host: 'pseudo' is for {enc} templates; {n} and {hash} "
		        "pseudonyms are found in the hiding table");
		return EINVAL;
	}
	if (!(a->tmpl = strdup(s)))
		return ENOMEM;
	return xf_key_compile(ld, a, p, tn, true);
}

/* `avp:` of an action, or a default AVP name when absent. */
static int xf_target(struct xf_load *ld, const struct cm_ynode *p, const char *key,
                     const char *def, struct xf_path *path)
{
	const struct cm_ynode *n = cm_ymap_get(p, key);

	if (n)
		return xf_path_parse(ld, n, key, path);
	if (!def) {
		xf_lerr(ld, p->line, "missing '%s'", key);
		return EINVAL;
	}
	if (cm_avpdef_find(def, &path->seg[0])) {
		xf_lerr(ld, p->line, "AVP '%s' missing from the dictionary", def);
		return EINVAL;
	}
	path->n = 1;
	path->text = strdup(def);
	return path->text ? 0 : ENOMEM;
}

static int xf_action_compile(struct xf_load *ld, struct xf_action *a, const struct cm_ynode *item)
{
	static const char *const k_set[] = { "avp", "value", "hex", "if_present", "tbcd", NULL };
	static const char *const k_add[] = { "avp", "value", "hex", "tbcd", NULL };
	static const char *const k_replace[] = { "avp", "regex", "with", "tbcd", NULL };
	static const char *const k_pmap[] = { "avp", "map", "tbcd", NULL };
	static const char *const k_map[] = { "avp", "table", "reverse", "tbcd", NULL };
	static const char *const k_remove[] = { "avp", NULL };
	static const char *const k_copy[] = { "from", "to", "tbcd", "from_tbcd", NULL };
	static const char *const k_hide[] = { "avp", "pseudo", "key_file", "secret", "route_record",
	                                      NULL };
	static const char *const k_unhide[] = { "avp", "pseudo", "key_file", NULL };
	static const char *const *const keys[] = {
		[XF_A_SET] = k_set, [XF_A_ADD] = k_add, [XF_A_REPLACE] = k_replace,
		[XF_A_PREFIX_MAP] = k_pmap, [XF_A_MAP] = k_map, [XF_A_REMOVE] = k_remove,
		[XF_A_COPY] = k_copy, [XF_A_MOVE] = k_copy, [XF_A_HIDE_HOST] = k_hide,
		[XF_A_UNHIDE_HOST] = k_unhide,
	};
	const struct cm_ynode *p, *n;
	char what[64];
	size_t k;
	int ret = 0;

	a->line = item->line;
	if (item->type != CM_Y_MAP || item->n_child != 1) {
		xf_lerr(ld, item->line, "each action must be a map with one key (set, add, replace, "
		        "prefix_map, map, remove, copy, move, hide_host, unhide_host)");
		return EINVAL;
	}
	p = item->child;
	for (k = 0; k < sizeof(xf_action_names) / sizeof(xf_action_names[0]); k++)
		if (!strcmp(p->key, xf_action_names[k]))
			break;
	if (k == sizeof(xf_action_names) / sizeof(xf_action_names[0])) {
		xf_lerr(ld, p->key_line, "unknown action '%s' (set, add, replace, prefix_map, map, "
		        "remove, copy, move, hide_host, unhide_host)", p->key);
		return EINVAL;
	}
	a->kind = (enum xf_akind)k;
	a->line = p->key_line;
	snprintf(what, sizeof(what), "action '%s'", p->key);

	/* Short forms: `remove: AVP`, `unhide_host: AVP`. */
	if (p->type == CM_Y_SCALAR && (a->kind == XF_A_REMOVE || a->kind == XF_A_UNHIDE_HOST)) {
		if (xf_path_parse(ld, p, p->key, &a->path))
			return EINVAL;
		goto checks;
	}
	if (p->type == CM_Y_SCALAR && a->kind == XF_A_HIDE_HOST && !*p->str) {
		xf_lerr(ld, p->line, "hide_host needs a map with 'pseudo'");
		return EINVAL;
	}
	if (p->type != CM_Y_MAP) {
		xf_lerr(ld, p->line, "%s must be a map, not %s", what, xf_ytype(p));
		return EINVAL;
	}
	xf_check_keys(ld, p, what, keys[a->kind]);

	switch (a->kind) {
	case XF_A_COPY:
	case XF_A_MOVE:
		if (xf_target(ld, p, "from", NULL, &a->from) | xf_target(ld, p, "to", NULL, &a->path))
			return EINVAL;
		break;
	case XF_A_HIDE_HOST:
		if (xf_target(ld, p, "avp", "Origin-Host", &a->path))
			return EINVAL;
		break;
	case XF_A_UNHIDE_HOST:
		if (xf_target(ld, p, "avp", "Destination-Host", &a->path))
			return EINVAL;
		break;
	default:
		if (xf_target(ld, p, "avp", NULL, &a->path))
			return EINVAL;
		break;
	}
checks:
	if (a->kind != XF_A_REMOVE && xf_need_value_avp(ld, a->line, &a->path))
		return EINVAL;
	if (xf_not_session_id(ld, a->line, &a->path))
		return EINVAL;
	if (p->type == CM_Y_MAP && xf_tbcd_opt(ld, p, "tbcd", &a->path, &a->tbcd))
		ret = EINVAL;
	else if (p->type != CM_Y_MAP)
		a->tbcd = xf_last(&a->path)->tbcd;

	switch (a->kind) {
	case XF_A_SET:
		if ((n = cm_ymap_get(p, "if_present")) && xf_bool(ld, n, "if_present", &a->if_present))
			ret = EINVAL;
		/* fall through */
	case XF_A_ADD:
		if (xf_value_compile(ld, p, &a->path, a->tbcd, &a->val))
			return EINVAL;
		a->has_val = true;
		break;
	case XF_A_REPLACE: {
		const char *s, *w;
		if (!(n = cm_ymap_get(p, "regex"))) {
			xf_lerr(ld, p->line, "replace needs 'regex'");
			return EINVAL;
		}
		if (!(s = xf_scalar(ld, n, "regex")))
			return EINVAL;
		if (xf_regcomp(ld, n->line, &a->re, s, xf_last(&a->path)->nocase))
			ret = EINVAL;
		if (!(n = cm_ymap_get(p, "with"))) {
			xf_lerr(ld, p->line, "replace needs 'with'");
			return EINVAL;
		}
		if (!(w = xf_scalar(ld, n, "with")))
			return EINVAL;
		for (const char *c = w; *c; c++) {
			if (c[0] == '\\' && c[1] >= '0' && c[1] <= '9') {
				if (a->re.code && (uint32_t)(c[1] - '0') > a->re.ngroups) {
					xf_lerr(ld, n->line, "'with' refers to \\%c but the regex has %u group%s",
					        c[1], a->re.ngroups, a->re.ngroups == 1 ? "" : "s");
					ret = EINVAL;
				}
				c++;
			} else if (c[0] == '\\' && c[1] == '\\') {
				c++;
			}
		}
		if (!(a->with = strdup(w)))
			return ENOMEM;
		break;
	}
	case XF_A_PREFIX_MAP:
		if (!(n = cm_ymap_get(p, "map"))) {
			xf_lerr(ld, p->line, "prefix_map needs 'map'");
			return EINVAL;
		}
		if (xf_kv_compile(ld, a, n, "map", false))
			ret = EINVAL;
		break;
	case XF_A_MAP: {
		bool reverse = false;
		if ((n = cm_ymap_get(p, "reverse")) && xf_bool(ld, n, "reverse", &reverse))
			ret = EINVAL;
		if (!(n = cm_ymap_get(p, "table"))) {
			xf_lerr(ld, p->line, "map needs 'table'");
			return EINVAL;
		}
		if (xf_kv_compile(ld, a, n, "table", reverse))
			ret = EINVAL;
		break;
	}
	case XF_A_COPY:
	case XF_A_MOVE:
		if (xf_need_value_avp(ld, a->line, &a->from))
			return EINVAL;
		if (a->kind == XF_A_MOVE && xf_not_session_id(ld, a->line, &a->from))
			return EINVAL;
		if (xf_tbcd_opt(ld, p, "from_tbcd", &a->from, &a->from_tbcd))
			ret = EINVAL;
		if (!strcmp(a->from.text, a->path.text)) {
			xf_lerr(ld, a->line, "'from' and 'to' are the same AVP");
			ret = EINVAL;
		}
		break;
	case XF_A_HIDE_HOST:
	case XF_A_UNHIDE_HOST: {
		int e = a->kind == XF_A_HIDE_HOST ? xf_hide_compile(ld, a, p)
		        : p->type == CM_Y_MAP ? xf_unhide_compile(ld, a, p) : 0;
		if (e == ENOMEM)
			return e;
		if (e)
			ret = EINVAL;
		if (xf_last(&a->path)->base != AVP_TYPE_OCTETSTRING || a->tbcd) {
			xf_lerr(ld, a->line, "%s applies to host-name AVPs (OctetString), not '%s'",
			        p->key, a->path.text);
			ret = EINVAL;
		}
		break;
	}
	case XF_A_REMOVE:
		break;
	}
	return ret;
}

/* ---------------------------------------------------------------------------------------
 * rules:
 * ------------------------------------------------------------------------------------- */

static int xf_rule_compile(struct xf_load *ld, struct xf_rules *rs, struct xf_rule *r,
                           const struct cm_ynode *n, size_t idx)
{
	static const char *const keys[] = { "name", "description", "match", "actions", "last",
	                                    NULL };
	const struct cm_ynode *c;
	char num[32];
	int ret = 0;

	r->line = n->line;
	snprintf(num, sizeof(num), "#%zu", idx + 1);
	ld->rname = num;
	if (n->type != CM_Y_MAP) {
		xf_lerr(ld, n->line, "a rule must be a map with name, match, actions; not %s",
		        xf_ytype(n));
		return EINVAL;
	}
	if ((c = cm_ymap_get(n, "name")) && c->type == CM_Y_SCALAR && *c->str) {
		if (!(r->name = strdup(c->str)))
			return ENOMEM;
		ld->rname = r->name;
		for (size_t i = 0; i < idx; i++)
			if (rs->rules[i].name && !strcmp(rs->rules[i].name, r->name)) {
				xf_lerr(ld, c->line, "duplicate rule name (first at line %d)", rs->rules[i].line);
				ret = EINVAL;
			}
	} else {
		xf_lerr(ld, c ? c->line : n->line, "missing or empty 'name'");
		ret = EINVAL;
		if (!(r->name = strdup(num)))
			return ENOMEM;
	}
	xf_check_keys(ld, n, "rule", keys);
	if ((c = cm_ymap_get(n, "description")))
		(void)xf_scalar(ld, c, "description");
	if ((c = cm_ymap_get(n, "last")) && xf_bool(ld, c, "last", &r->last))
		ret = EINVAL;
	if (xf_match_compile(ld, r, cm_ymap_get(n, "match")))
		ret = EINVAL;
	c = cm_ymap_get(n, "actions");
	if (!c || c->type != CM_Y_SEQ || !c->child) {
		xf_lerr(ld, c ? c->line : n->line, "'actions' must be a non-empty list");
		return EINVAL;
	}
	r->acts = calloc(c->n_child, sizeof(*r->acts));
	if (!r->acts)
		return ENOMEM;
	for (const struct cm_ynode *a = c->child; a; a = a->next) {
		int e = xf_action_compile(ld, &r->acts[r->nacts++], a);
		if (e == ENOMEM)
			return e;
		if (e)
			ret = EINVAL;
	}
	return ret;
}

static void xf_path_free(struct xf_path *p)
{
	free(p->text);
}

static void xf_rule_free(struct xf_rule *r)
{
	free(r->name);
	free(r->apps);
	free(r->cmds);
	free(r->cmd_dirs);
	for (size_t i = 0; i < r->nfrom; i++)
		free(r->from_peer[i]);
	free(r->from_peer);
	for (size_t i = 0; i < r->nto; i++)
		free(r->to_peer[i]);
	free(r->to_peer);
	for (size_t i = 0; i < r->nconds; i++) {
		struct xf_cond *c = &r->conds[i];
		xf_path_free(&c->path);
		free(c->m.s);
		xf_re_free(&c->m.re);
	}
	free(r->conds);
	for (size_t i = 0; i < r->nacts; i++) {
		struct xf_action *a = &r->acts[i];
		xf_path_free(&a->path);
		xf_path_free(&a->from);
		xf_path_free(&a->rr);
		free(a->val.buf);
		free(a->val.text);
		xf_re_free(&a->re);
		free(a->with);
		for (size_t j = 0; j < a->nkv; j++) {
			free(a->kv[j].k);
			free(a->kv[j].v);
		}
		free(a->kv);
		free(a->tmpl);
		free(a->secret);
		xf_hkey_free(a->hkey);
	}
	free(r->acts);
}

static void xf_rules_free(struct xf_rules *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->n; i++)
		xf_rule_free(&rs->rules[i]);
	free(rs->rules);
	free(rs->ctr);
	free(rs->cmd_index);
	free(rs->hkeys);
	free(rs->source);
	pcre2_match_context_free(rs->mctx);
	free(rs);
}

void xf_rules_unref(struct xf_rules *rs)
{
	if (rs && atomic_fetch_sub_explicit(&rs->refs, 1, memory_order_acq_rel) == 1)
		xf_rules_free(rs);
}

static int xf_u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* The pre-filter of xf_apply: directions and command codes any rule cares about. */
static int xf_index(struct xf_rules *rs)
{
	size_t n = 0, k = 0, nk = 0;

	/* Every {enc} key of the file, for unhide_host. */
	for (size_t i = 0; i < rs->n; i++)
		for (size_t j = 0; j < rs->rules[i].nacts; j++)
			nk += rs->rules[i].acts[j].hkey != NULL;
	if (nk && !(rs->hkeys = calloc(nk, sizeof(*rs->hkeys))))
		return ENOMEM;
	for (size_t i = 0; i < rs->n; i++)
		for (size_t j = 0; j < rs->rules[i].nacts; j++)
			if (rs->rules[i].acts[j].hkey)
				rs->hkeys[rs->nhkeys++] = rs->rules[i].acts[j].hkey;

	for (size_t i = 0; i < rs->n; i++) {
		rs->dirs |= rs->rules[i].dirs;
		if (!rs->rules[i].cmds)
			rs->any_cmd = true;
		n += rs->rules[i].ncmds;
	}
	if (rs->any_cmd || !n)
		return 0;
	if (!(rs->cmd_index = malloc(n * sizeof(uint32_t))))
		return ENOMEM;
	for (size_t i = 0; i < rs->n; i++)
		for (size_t j = 0; j < rs->rules[i].ncmds; j++)
			rs->cmd_index[k++] = rs->rules[i].cmds[j];
	qsort(rs->cmd_index, n, sizeof(uint32_t), xf_u32_cmp);
	k = 0;
	for (size_t i = 0; i < n; i++)
		if (!k || rs->cmd_index[k - 1] != rs->cmd_index[i])
			rs->cmd_index[k++] = rs->cmd_index[i];
	rs->ncmd_index = k;
	return 0;
}

/* Defaults of `limits:`. A legitimate regex on a Diameter value takes tens of steps (1,000
 * for a group repeated over a 2,000-octet value); a rule set of ten rules on an S6a
 * request examines a few hundred AVPs and runs a handful of regexes. An execution that
 * reaches regex_match costs tens of microseconds with the JIT, up to a few milliseconds
 * when back-references compare long values: message_regex bounds how often that can
 * happen to one message (an execution that reaches the limit ends the evaluation). */
static const struct xf_limits xf_limits_default = {
	.regex_match = 10000,
	.regex_length = 1024,
	.message_steps = 10000,
	.message_regex = 32,
};

static const struct {
	const char *key;
	size_t off;
	uint32_t min, max;
} xf_limit_keys[] = {
	{ "regex_match", offsetof(struct xf_limits, regex_match), 100, 10000000 },
	{ "regex_length", offsetof(struct xf_limits, regex_length), 16, 16384 },
	{ "message_steps", offsetof(struct xf_limits, message_steps), 16, 10000000 },
	{ "message_regex", offsetof(struct xf_limits, message_regex), 1, 1000000 },
};

#define XF_NLIMITS (sizeof(xf_limit_keys) / sizeof(xf_limit_keys[0]))

static bool xf_parse_u32(const char *s, uint32_t *ret);

static int xf_limits_compile(struct xf_load *ld, const struct cm_ynode *n)
{
	const char *keys[XF_NLIMITS + 1];
	int ret = 0;

	if (n->type == CM_Y_SCALAR && !*n->str)
		return 0;   /* `limits:` with nothing */
	if (n->type != CM_Y_MAP) {
		xf_lerr(ld, n->line, "'limits' must be a map, not %s", xf_ytype(n));
		return EINVAL;
	}
	for (size_t i = 0; i < XF_NLIMITS; i++)
		keys[i] = xf_limit_keys[i].key;
	keys[XF_NLIMITS] = NULL;
	xf_check_keys(ld, n, "limits", keys);
	for (size_t i = 0; i < XF_NLIMITS; i++) {
		const struct cm_ynode *v = cm_ymap_get(n, xf_limit_keys[i].key);
		const char *s;
		uint32_t x = 0;

		if (!v)
			continue;
		if (!(s = xf_scalar(ld, v, xf_limit_keys[i].key))) {
			ret = EINVAL;
			continue;
		}
		if (!xf_parse_u32(s, &x) || x < xf_limit_keys[i].min || x > xf_limit_keys[i].max) {
			xf_lerr(ld, v->line, "limits.%s must be a number from %u to %u, not '%s'",
			        xf_limit_keys[i].key, xf_limit_keys[i].min, xf_limit_keys[i].max, s);
			ret = EINVAL;
			continue;
		}
		*(uint32_t *)((char *)&ld->lim + xf_limit_keys[i].off) = x;
	}
	return ret;
}

static int xf_compile(struct xf_load *ld, const struct cm_ydoc *doc, struct xf_rules *rs)
{
	static const char *const keys[] = { "rules", "limits", NULL };
	const struct cm_ynode *root = doc->root, *rules, *lim;
	int ret = 0;

	rs->limits = ld->lim;
	if (!root)
		return 0;   /* empty file: no rules */
	if (root->type != CM_Y_MAP) {
		xf_lerr(ld, root->line, "a rule file is a map with a 'rules' list, not %s",
		        xf_ytype(root));
		return EINVAL;
	}
	xf_check_keys(ld, root, "the rule file", keys);
	/* Limits first: the regexes of the rules are compiled against them. */
	if ((lim = cm_ymap_get(root, "limits")) && xf_limits_compile(ld, lim))
		ret = EINVAL;
	rs->limits = ld->lim;
	rules = cm_ymap_get(root, "rules");
	if (!rules)
		return ld->nerr ? EINVAL : 0;
	if (rules->type == CM_Y_SCALAR && !*rules->str)
		return ld->nerr ? EINVAL : 0;   /* `rules:` with nothing */
	if (rules->type != CM_Y_SEQ) {
		xf_lerr(ld, rules->line, "'rules' must be a list, not %s", xf_ytype(rules));
		return EINVAL;
	}
	rs->rules = calloc(rules->n_child ? rules->n_child : 1, sizeof(*rs->rules));
	rs->ctr = calloc(rules->n_child ? rules->n_child : 1, sizeof(*rs->ctr));
	if (!rs->rules || !rs->ctr)
		return ENOMEM;
	for (const struct cm_ynode *r = rules->child; r; r = r->next) {
		int e = xf_rule_compile(ld, rs, &rs->rules[rs->n], r, rs->n);
		rs->n++;
		ld->rname = NULL;
		if (e == ENOMEM)
			return e;
		if (e)
			ret = EINVAL;
	}
	if (ld->nerr)
		ret = EINVAL;
	if (!ret)
		ret = xf_index(rs);
	return ret;
}

static int xf_load_doc(const char *name, struct cm_ydoc *doc, struct xf_rules **ret, char *err,
                       size_t errlen)
{
	struct xf_load ld = { .file = name, .lim = xf_limits_default };
	struct xf_rules *rs = NULL;
	int rc;

	if (!fd_g_config || !fd_g_config->cnf_dict) {
		if (err && errlen)
			snprintf(err, errlen, "%s: freeDiameter is not initialised (no dictionary)", name);
		return EINVAL;
	}
	ld.dict = fd_g_config->cnf_dict;
	rs = calloc(1, sizeof(*rs));
	if (!rs || !(rs->source = strdup(name))) {
		free(rs);
		return ENOMEM;
	}
	rs->dict = ld.dict;
	atomic_init(&rs->refs, 1);
	rc = xf_compile(&ld, doc, rs);
	if (rc == 0 && ld.nerr)
		rc = EINVAL;
	if (rc == 0 && !(rs->mctx = xf_re_mctx_new(&rs->limits)))
		rc = ENOMEM;
	if (rc) {
		if (ld.nmsg)
			xf_lerr_flush(&ld, err, errlen);
		else if (err && errlen)
			snprintf(err, errlen, "%s: %s", name, strerror(rc));
		xf_rules_free(rs);
		return rc;
	}
	*ret = rs;
	return 0;
}

int xf_rules_load_buf(const char *name, const char *yaml, size_t len, struct xf_rules **ret,
                      char *err, size_t errlen)
{
	struct cm_ydoc *doc = NULL;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (!ret || (!yaml && len))
		return EINVAL;
	if (!name)
		name = "(buffer)";
	rc = cm_yaml_load_buf(name, yaml ? yaml : "", len, &doc, err, errlen);
	if (rc)
		return rc;
	rc = xf_load_doc(name, doc, ret, err, errlen);
	cm_yaml_free(doc);
	return rc;
}

int xf_rules_load(const char *path, struct xf_rules **ret, char *err, size_t errlen)
{
	struct cm_ydoc *doc = NULL;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (!path || !ret)
		return EINVAL;
	rc = cm_yaml_load_file(path, &doc, err, errlen);
	if (rc)
		return rc;
	rc = xf_load_doc(path, doc, ret, err, errlen);
	cm_yaml_free(doc);
	return rc;
}

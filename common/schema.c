/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * schema.c: checks a loaded YAML tree against a table of allowed keys, types and bounds, and
 * converts scalars, so every configuration error names file, line and the dotted key path.
 */
#include "cm.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void sc_err(char *err, size_t errlen, const struct cm_ynode *n, int line, const char *path,
                   const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* "FILE:LINE: key 'PATH': problem", or "FILE:LINE: problem" at the top level. */
static void sc_err(char *err, size_t errlen, const struct cm_ynode *n, int line, const char *path,
                   const char *fmt, ...)
{
	va_list ap;
	int k;

	if (!err || !errlen)
		return;
	if (path && path[0])
		k = snprintf(err, errlen, "%s:%d: key '%s': ", n && n->file ? n->file : "<config>",
		             line, path);
	else
		k = snprintf(err, errlen, "%s:%d: ", n && n->file ? n->file : "<config>", line);
	if (k < 0 || (size_t)k >= errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err + k, errlen - k, fmt, ap);
	va_end(ap);
}

static const char *type_name(enum cm_ytype t)
{
	switch (t) {
	case CM_Y_SCALAR:
		return "a scalar";
	case CM_Y_MAP:
		return "a map";
	case CM_Y_SEQ:
		return "a sequence";
	}
	return "?";
}

/* A plain empty, "~" or "null" scalar: YAML's null. */
static bool is_null(const struct cm_ynode *n)
{
	return n->type == CM_Y_SCALAR && !n->quoted &&
	       (n->len == 0 || !strcmp(n->str, "~") || !strcasecmp(n->str, "null"));
}

/* Integer text: optional sign, decimal digits or 0x hex digits, optional '_' separators are
 * not accepted (they are YAML 1.1 only and surprise people). */
static int parse_i64(const char *s, bool allow_neg, bool *neg, uint64_t *mag)
{
	uint64_t v = 0;
	int base = 10;
	bool any = false;

	*neg = false;
	if (*s == '+' || *s == '-') {
		*neg = *s == '-';
		s++;
		if (*neg && !allow_neg)
			return EINVAL;
	}
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; *s; s++) {
		int d;
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return EINVAL;
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return ERANGE;
		v = v * (uint64_t)base + (uint64_t)d;
		any = true;
	}
	if (!any)
		return EINVAL;
	*mag = v;
	return 0;
}

static int scalar_u64(const struct cm_ynode *n, uint64_t min, uint64_t max, uint64_t *ret,
                      char *err, size_t errlen, const char *path)
{
	bool neg;
	uint64_t v;

	if (!n)
		return EINVAL;
	if (n->type != CM_Y_SCALAR || n->quoted || parse_i64(n->str, true, &neg, &v) ||
	    (neg && v) || v < min || v > max) {
		if (n->type != CM_Y_SCALAR)
			sc_err(err, errlen, n, n->line, path,
			       "expected an integer in [%" PRIu64 ", %" PRIu64 "], got %s", min, max,
			       type_name(n->type));
		else
			sc_err(err, errlen, n, n->line, path,
			       "expected an integer in [%" PRIu64 ", %" PRIu64 "], got '%s'", min, max,
			       n->str);
		return EINVAL;
	}
	*ret = v;
	return 0;
}

static int scalar_i64(const struct cm_ynode *n, int64_t min, int64_t max, int64_t *ret,
                      char *err, size_t errlen, const char *path)
{
	bool neg;
	uint64_t mag;
	int64_t v = 0;
	bool ok;

	if (!n)
		return EINVAL;
	ok = n->type == CM_Y_SCALAR && !n->quoted && !parse_i64(n->str, true, &neg, &mag);
	if (ok) {
		if (neg && mag <= (uint64_t)INT64_MAX + 1)
			v = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
		else if (!neg && mag <= (uint64_t)INT64_MAX)
			v = (int64_t)mag;
		else
			ok = false;
	}
	if (!ok || v < min || v > max) {
		if (n->type != CM_Y_SCALAR)
			sc_err(err, errlen, n, n->line, path,
			       "expected an integer in [%" PRId64 ", %" PRId64 "], got %s", min, max,
			       type_name(n->type));
		else
			sc_err(err, errlen, n, n->line, path,
			       "expected an integer in [%" PRId64 ", %" PRId64 "], got '%s'", min, max,
			       n->str);
		return EINVAL;
	}
	*ret = v;
	return 0;
}

static int parse_bool(const char *s, bool *ret)
{
	static const char *const yes[] = { "true", "yes", "on", NULL };
	static const char *const no[] = { "false", "no", "off", NULL };
	int i;

	for (i = 0; yes[i]; i++)
		if (!strcasecmp(s, yes[i])) {
			*ret = true;
			return 0;
		}
	for (i = 0; no[i]; i++)
		if (!strcasecmp(s, no[i])) {
			*ret = false;
			return 0;
		}
	return EINVAL;
}

static int scalar_bool(const struct cm_ynode *n, bool *ret, char *err, size_t errlen,
                       const char *path)
{
	bool v;

	if (!n)
		return EINVAL;
	if (n->type != CM_Y_SCALAR || n->quoted || parse_bool(n->str, &v)) {
		if (n->type != CM_Y_SCALAR)
			sc_err(err, errlen, n, n->line, path, "expected true or false, got %s",
			       type_name(n->type));
		else
			sc_err(err, errlen, n, n->line, path, "expected true or false, got '%s'",
			       n->str);
		return EINVAL;
	}
	*ret = v;
	return 0;
}

int cm_yscalar_u64(const struct cm_ynode *n, uint64_t min, uint64_t max, uint64_t *ret, char *err,
                   size_t errlen)
{
	return scalar_u64(n, min, max, ret, err, errlen, n ? n->key : NULL);
}

int cm_yscalar_i64(const struct cm_ynode *n, int64_t min, int64_t max, int64_t *ret, char *err,
                   size_t errlen)
{
	return scalar_i64(n, min, max, ret, err, errlen, n ? n->key : NULL);
}

int cm_yscalar_bool(const struct cm_ynode *n, bool *ret, char *err, size_t errlen)
{
	return scalar_bool(n, ret, err, errlen, n ? n->key : NULL);
}

/* Dotted path of a member / item under `base`, into buf. */
static void path_join(char *buf, size_t sz, const char *base, const char *key, long idx)
{
	if (key)
		snprintf(buf, sz, "%s%s%s", base, base[0] ? "." : "", key);
	else
		snprintf(buf, sz, "%s[%ld]", base, idx);
}

static int check_map(const struct cm_ynode *node, const struct cm_ynode *pos,
                     const struct cm_schema *schema, const char *path, int depth, char *err,
                     size_t errlen);

static int check_value(const struct cm_ynode *n, const struct cm_schema *f, const char *path,
                       int depth, char *err, size_t errlen)
{
	const struct cm_ynode *c;
	char sub[512];
	long i;
	int rc;

	switch (f->type) {
	case CM_S_ANY:
		return 0;
	case CM_S_MAP:
		if (is_null(n))
			return f->sub ? check_map(NULL, n, f->sub, path, depth + 1, err, errlen) : 0;
		if (n->type != CM_Y_MAP) {
			sc_err(err, errlen, n, n->line, path, "expected a map, got %s",
			       type_name(n->type));
			return EINVAL;
		}
		return f->sub ? check_map(n, n, f->sub, path, depth + 1, err, errlen) : 0;
	case CM_S_SEQ:
		if (is_null(n))
			return 0;
		if (n->type != CM_Y_SEQ) {
			sc_err(err, errlen, n, n->line, path, "expected a sequence, got %s",
			       type_name(n->type));
			return EINVAL;
		}
		if (f->max > 0 && ((int64_t)n->n_child < f->min || (int64_t)n->n_child > f->max)) {
			sc_err(err, errlen, n, n->line, path,
			       "expected between %" PRId64 " and %" PRId64 " items, got %zu", f->min,
			       f->max, n->n_child);
			return EINVAL;
		}
		if (!f->sub)
			return 0;
		for (c = n->child, i = 0; c; c = c->next, i++) {
			path_join(sub, sizeof(sub), path, NULL, i);
			if ((rc = check_value(c, f->sub, sub, depth + 1, err, errlen)))
				return rc;
		}
		return 0;
	case CM_S_STR:
		if (n->type != CM_Y_SCALAR) {
			sc_err(err, errlen, n, n->line, path, "expected a string, got %s",
			       type_name(n->type));
			return EINVAL;
		}
		if (f->max > 0 && ((int64_t)n->len < f->min || (int64_t)n->len > f->max)) {
			if (f->flags & CM_S_SECRET)
				sc_err(err, errlen, n, n->line, path, "expected a string of %" PRId64
				       " to %" PRId64 " characters, got %zu (value not shown: a secret)",
				       f->min, f->max, n->len);
			else
				sc_err(err, errlen, n, n->line, path, "expected a string of %" PRId64
				       " to %" PRId64 " characters, got '%s'", f->min, f->max, n->str);
			return EINVAL;
		}
		if (strlen(n->str) != n->len) {
			sc_err(err, errlen, n, n->line, path, "NUL character in string");
			return EINVAL;
		}
		if (f->choices) {
			char allowed[256] = "";
			size_t k, off = 0;
			for (k = 0; f->choices[k]; k++)
				if (!strcmp(f->choices[k], n->str))
					return 0;
			for (k = 0; f->choices[k] && off < sizeof(allowed); k++) {
				int w = snprintf(allowed + off, sizeof(allowed) - off, "%s%s",
				                 k ? ", " : "", f->choices[k]);
				if (w < 0)
					break;
				off += (size_t)w;
			}
			sc_err(err, errlen, n, n->line, path, "expected one of %s, got '%s'", allowed,
			       f->flags & CM_S_SECRET ? "(a secret, not shown)" : n->str);
			return EINVAL;
		}
		return 0;
	case CM_S_INT: {
		int64_t v;
		int64_t lo = f->min, hi = f->max;
		if (lo == 0 && hi == 0) {
			lo = INT64_MIN;
			hi = INT64_MAX;
		} else if (hi < lo) {
			hi = INT64_MAX;     /* only a lower bound given */
		}
		return scalar_i64(n, lo, hi, &v, err, errlen, path);
	}
	case CM_S_UINT: {
		uint64_t v;
		uint64_t lo = f->min > 0 ? (uint64_t)f->min : 0, hi = f->max > 0 ? (uint64_t)f->max : 0;
		if ((f->min == 0 && f->max == 0) || f->max < f->min)
			hi = UINT64_MAX;    /* unbounded, or only a lower bound given */
		return scalar_u64(n, lo, hi, &v, err, errlen, path);
	}
	case CM_S_BOOL: {
		bool v;
		return scalar_bool(n, &v, err, errlen, path);
	}
	}
	sc_err(err, errlen, n, n->line, path, "bad schema type");
	return EINVAL;
}

/* `node` is the map (NULL when absent or null); `pos` locates errors about missing keys. */
static int check_map(const struct cm_ynode *node, const struct cm_ynode *pos,
                     const struct cm_schema *schema, const char *path, int depth, char *err,
                     size_t errlen)
{
	const struct cm_schema *f;
	const struct cm_ynode *c;
	char sub[512];
	int rc;

	if (depth > 64)
		return ELOOP;
	for (c = node ? node->child : NULL; c; c = c->next) {
		for (f = schema; f->key; f++)
			if (!strcmp(f->key, c->key))
				break;
		path_join(sub, sizeof(sub), path, c->key, 0);
		if (!f->key) {
			char allowed[512] = "";
			size_t off = 0;
			for (f = schema; f->key && off < sizeof(allowed); f++) {
				int w = snprintf(allowed + off, sizeof(allowed) - off, "%s%s",
				                 f == schema ? "" : ", ", f->key);
				if (w < 0)
					break;
				off += (size_t)w;
			}
			sc_err(err, errlen, c, c->key_line, sub, "unknown key '%s' (allowed: %s)", c->key,
			       allowed);
			return EINVAL;
		}
		if ((rc = check_value(c, f, sub, depth, err, errlen)))
			return rc;
	}
	for (f = schema; f->key; f++) {
		if (!(f->flags & CM_S_REQUIRED))
			continue;
		c = cm_ymap_get(node, f->key);
		if (!c || (is_null(c) && f->type != CM_S_MAP && f->type != CM_S_SEQ)) {
			int line = 1;
			if (c)
				line = c->key_line;
			else if (pos)
				line = pos->key_line ? pos->key_line : pos->line;
			sc_err(err, errlen, c ? c : pos, line, path, "missing required key '%s'",
			       f->key);
			return EINVAL;
		}
	}
	return 0;
}

int cm_schema_check(const struct cm_ynode *node, const struct cm_schema *schema, char *err,
                    size_t errlen)
{
	const char *path = node && node->key ? node->key : "";

	if (err && errlen)
		err[0] = '\0';
	if (!schema)
		return EINVAL;
	if (node && !is_null(node) && node->type != CM_Y_MAP) {
		sc_err(err, errlen, node, node->line, path, "expected a map, got %s",
		       type_name(node->type));
		return EINVAL;
	}
	return check_map(node && node->type == CM_Y_MAP ? node : NULL, node, schema, path, 0, err,
	                 errlen);
}

const char *cm_yget_str(const struct cm_ynode *map, const char *key, const char *def)
{
	const struct cm_ynode *n = cm_ymap_get(map, key);

	if (!n || n->type != CM_Y_SCALAR || is_null(n))
		return def;
	return n->str;
}

uint64_t cm_yget_u64(const struct cm_ynode *map, const char *key, uint64_t def)
{
	const struct cm_ynode *n = cm_ymap_get(map, key);
	uint64_t v;

	if (!n || is_null(n) || scalar_u64(n, 0, UINT64_MAX, &v, NULL, 0, NULL))
		return def;
	return v;
}

bool cm_yget_bool(const struct cm_ynode *map, const char *key, bool def)
{
	const struct cm_ynode *n = cm_ymap_get(map, key);
	bool v;

	if (!n || is_null(n) || scalar_bool(n, &v, NULL, 0, NULL))
		return def;
	return v;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * yaml.c: loads a YAML document with libyaml into a small tree that keeps line and column of
 * every key and value, so configuration errors can name the exact place. Aliases are copied in
 * place (bounded, so a hostile file cannot explode memory).
 */
#include "cm.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

/* Limits against hostile input: nesting depth (recursion), total nodes (alias expansion). */
#define YL_MAX_DEPTH 64
#define YL_MAX_NODES 200000
#define YL_MAX_FILE (64u << 20)

struct yl_anchor {
	char *name;
	struct cm_ynode *node;
	struct yl_anchor *next;
};

struct yl_ctx {
	yaml_parser_t parser;
	const char *file;
	struct yl_anchor *anchors;
	size_t n_nodes;
	char *err;
	size_t errlen;
};

static void yl_err(struct yl_ctx *c, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void yl_err(struct yl_ctx *c, int line, int col, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!c->err || !c->errlen)
		return;
	n = snprintf(c->err, c->errlen, "%s:%d:%d: ", c->file, line, col);
	if (n < 0 || (size_t)n >= c->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errlen - n, fmt, ap);
	va_end(ap);
}

static void node_free(struct cm_ynode *n)
{
	while (n) {
		struct cm_ynode *next = n->next;
		node_free(n->child);
		free(n->key);
		free(n->str);
		free(n);
		n = next;
	}
}

static struct cm_ynode *node_new(struct yl_ctx *c, enum cm_ytype type, const yaml_mark_t *m)
{
	struct cm_ynode *n;

	if (c->n_nodes >= YL_MAX_NODES)
		return NULL;
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	c->n_nodes++;
	n->type = type;
	n->file = c->file;
	n->line = (int)m->line + 1;
	n->col = (int)m->column + 1;
	return n;
}

/* Deep copy of an anchored node for an alias; the copy takes the alias's position. */
static int node_copy(struct yl_ctx *c, const struct cm_ynode *src, struct cm_ynode **ret)
{
	struct cm_ynode *n, **tail;
	const struct cm_ynode *s;
	int rc;

	if (c->n_nodes >= YL_MAX_NODES)
		return E2BIG;
	n = calloc(1, sizeof(*n));
	if (!n)
		return ENOMEM;
	c->n_nodes++;
	*n = *src;
	n->key = NULL;
	n->next = NULL;
	n->child = NULL;
	n->str = NULL;
	if (src->key && !(n->key = strdup(src->key)))
		goto nomem;
	if (src->str) {
		if (!(n->str = malloc(src->len + 1)))
			goto nomem;
		memcpy(n->str, src->str, src->len + 1);
	}
	tail = &n->child;
	for (s = src->child; s; s = s->next) {
		rc = node_copy(c, s, tail);
		if (rc) {
			node_free(n);
			return rc;
		}
		tail = &(*tail)->next;
	}
	*ret = n;
	return 0;
nomem:
	node_free(n);
	return ENOMEM;
}

static int yl_next(struct yl_ctx *c, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&c->parser, ev)) {
		const yaml_mark_t *m = &c->parser.problem_mark;
		if (c->parser.context)
			yl_err(c, (int)m->line + 1, (int)m->column + 1, "%s %s",
			       c->parser.problem ? c->parser.problem : "syntax error", c->parser.context);
		else
			yl_err(c, (int)m->line + 1, (int)m->column + 1, "%s",
			       c->parser.problem ? c->parser.problem : "syntax error");
		return EINVAL;
	}
	return 0;
}

static int yl_anchor_add(struct yl_ctx *c, const yaml_char_t *name, struct cm_ynode *n)
{
	struct yl_anchor *a;

	if (!name)
		return 0;
	a = calloc(1, sizeof(*a));
	if (!a || !(a->name = strdup((const char *)name))) {
		free(a);
		return ENOMEM;
	}
	/* Newest first: a redefined anchor shadows the older one, as YAML says. */
	a->node = n;
	a->next = c->anchors;
	c->anchors = a;
	return 0;
}

static bool scalar_is_quoted(const yaml_event_t *ev)
{
	const char *tag = (const char *)ev->data.scalar.tag;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return true;
	return tag && (!strcmp(tag, "tag:yaml.org,2002:str") || !strcmp(tag, "!!str"));
}

static int yl_node(struct yl_ctx *c, yaml_event_t *ev, int depth, struct cm_ynode **ret);

/* Body of a sequence or mapping whose start event was already consumed. */
static int yl_collection(struct yl_ctx *c, struct cm_ynode *n, bool is_map, int depth)
{
	struct cm_ynode **tail = &n->child;
	yaml_event_t ev;
	int rc;

	for (;;) {
		struct cm_ynode *item = NULL, *k;
		char *key = NULL;
		int key_line = 0;

		if ((rc = yl_next(c, &ev)))
			return rc;
		if (ev.type == (is_map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT)) {
			yaml_event_delete(&ev);
			return 0;
		}
		if (is_map) {
			if (ev.type != YAML_SCALAR_EVENT) {
				yl_err(c, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1,
				       "only scalar keys are supported");
				yaml_event_delete(&ev);
				return EINVAL;
			}
			key_line = (int)ev.start_mark.line + 1;
			key = strndup((const char *)ev.data.scalar.value, ev.data.scalar.length);
			if (!key) {
				yaml_event_delete(&ev);
				return ENOMEM;
			}
			if (strlen(key) != ev.data.scalar.length) {
				yl_err(c, key_line, (int)ev.start_mark.column + 1, "NUL character in key");
				yaml_event_delete(&ev);
				free(key);
				return EINVAL;
			}
			for (k = n->child; k; k = k->next)
				if (!strcmp(k->key, key))
					break;
			if (k) {
				yl_err(c, key_line, (int)ev.start_mark.column + 1,
				       "duplicate key '%s' (first at line %d)", key, k->key_line);
				yaml_event_delete(&ev);
				free(key);
				return EINVAL;
			}
			yaml_event_delete(&ev);
			if ((rc = yl_next(c, &ev))) {
				free(key);
				return rc;
			}
		}
		rc = yl_node(c, &ev, depth + 1, &item);
		if (rc) {
			free(key);
			return rc;
		}
		item->key = key;
		item->key_line = key_line;
		*tail = item;
		tail = &item->next;
		n->n_child++;
	}
}

/* Build the node starting with event *ev (consumed here). */
static int yl_node(struct yl_ctx *c, yaml_event_t *ev, int depth, struct cm_ynode **ret)
{
	struct cm_ynode *n = NULL;
	struct yl_anchor *a;
	const yaml_char_t *anchor = NULL;
	int rc = 0;

	if (depth > YL_MAX_DEPTH) {
		yl_err(c, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
		       "nesting deeper than %d levels", YL_MAX_DEPTH);
		rc = EINVAL;
		goto out;
	}
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		for (a = c->anchors; a; a = a->next)
			if (!strcmp(a->name, (const char *)ev->data.alias.anchor))
				break;
		if (!a) {
			yl_err(c, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
			       "unknown alias '%s'", (const char *)ev->data.alias.anchor);
			rc = EINVAL;
			goto out;
		}
		rc = node_copy(c, a->node, &n);
		if (rc == E2BIG) {
			yl_err(c, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
			       "document too large (more than %d nodes after alias expansion)",
			       YL_MAX_NODES);
			rc = EINVAL;
		}
		if (rc)
			goto out;
		/* The anchored node may be a map member: its key is not the alias's. */
		free(n->key);
		n->key = NULL;
		n->key_line = 0;
		n->line = (int)ev->start_mark.line + 1;
		n->col = (int)ev->start_mark.column + 1;
		break;
	case YAML_SCALAR_EVENT:
		if (!(n = node_new(c, CM_Y_SCALAR, &ev->start_mark))) {
			rc = ENOMEM;
			goto out;
		}
		n->len = ev->data.scalar.length;
		if (!(n->str = malloc(n->len + 1))) {
			rc = ENOMEM;
			goto out;
		}
		memcpy(n->str, ev->data.scalar.value, n->len);
		n->str[n->len] = '\0';
		n->quoted = scalar_is_quoted(ev);
		anchor = ev->data.scalar.anchor;
		break;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		bool is_map = ev->type == YAML_MAPPING_START_EVENT;
		if (!(n = node_new(c, is_map ? CM_Y_MAP : CM_Y_SEQ, &ev->start_mark))) {
			rc = ENOMEM;
			goto out;
		}
		anchor = is_map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
		if ((rc = yl_collection(c, n, is_map, depth)))
			goto out;
		break;
	}
	default:
		yl_err(c, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
		       "unexpected YAML event");
		rc = EINVAL;
		goto out;
	}
	if ((rc = yl_anchor_add(c, anchor, n)))
		goto out;
	*ret = n;
	n = NULL;
out:
	if (rc == ENOMEM && c->err && c->errlen && !c->err[0])
		yl_err(c, (int)ev->start_mark.line + 1, (int)ev->start_mark.column + 1,
		       c->n_nodes >= YL_MAX_NODES ? "document too large" : "out of memory");
	node_free(n);
	yaml_event_delete(ev);
	return rc;
}

int cm_yaml_load_buf(const char *name, const char *buf, size_t len, struct cm_ydoc **ret_doc,
                     char *err, size_t errlen)
{
	struct yl_ctx c = { .err = err, .errlen = errlen };
	struct cm_ydoc *doc = NULL;
	yaml_event_t ev;
	bool started = false;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (!ret_doc || (!buf && len))
		return EINVAL;
	doc = calloc(1, sizeof(*doc));
	if (!doc || !(doc->file = strdup(name ? name : "<buffer>"))) {
		free(doc);
		return ENOMEM;
	}
	c.file = doc->file;
	if (!yaml_parser_initialize(&c.parser)) {
		rc = ENOMEM;
		goto out_nofree_parser;
	}
	started = true;
	yaml_parser_set_input_string(&c.parser, (const unsigned char *)(buf ? buf : ""), len);

	/* STREAM-START, then DOCUMENT-START or STREAM-END (empty file). */
	if ((rc = yl_next(&c, &ev)))
		goto out;
	yaml_event_delete(&ev);
	if ((rc = yl_next(&c, &ev)))
		goto out;
	if (ev.type == YAML_STREAM_END_EVENT) {
		yaml_event_delete(&ev);
		goto done;
	}
	yaml_event_delete(&ev);
	if ((rc = yl_next(&c, &ev)))
		goto out;
	if ((rc = yl_node(&c, &ev, 0, &doc->root)))
		goto out;
	/* DOCUMENT-END, then STREAM-END: a second document is an error, not silently ignored. */
	if ((rc = yl_next(&c, &ev)))
		goto out;
	yaml_event_delete(&ev);
	if ((rc = yl_next(&c, &ev)))
		goto out;
	if (ev.type != YAML_STREAM_END_EVENT) {
		yl_err(&c, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1,
		       "only one YAML document per file is supported");
		yaml_event_delete(&ev);
		rc = EINVAL;
		goto out;
	}
	yaml_event_delete(&ev);
done:
	rc = 0;
out:
	while (c.anchors) {
		struct yl_anchor *a = c.anchors;
		c.anchors = a->next;
		free(a->name);
		free(a);
	}
	if (started)
		yaml_parser_delete(&c.parser);
out_nofree_parser:
	if (rc) {
		if (err && errlen && !err[0])
			snprintf(err, errlen, "%s: %s", doc->file, strerror(rc));
		cm_yaml_free(doc);
		return rc;
	}
	*ret_doc = doc;
	return 0;
}

int cm_yaml_load_file(const char *path, struct cm_ydoc **ret_doc, char *err, size_t errlen)
{
	FILE *f = NULL;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int rc = 0;

	if (err && errlen)
		err[0] = '\0';
	if (!path || !ret_doc)
		return EINVAL;
	f = fopen(path, "rb");
	if (!f) {
		rc = errno;
		if (err && errlen)
			snprintf(err, errlen, "%s: cannot open: %s", path, strerror(rc));
		return rc;
	}
	for (;;) {
		size_t n;
		if (len == cap) {
			char *nb;
			if (cap >= YL_MAX_FILE) {
				rc = EFBIG;
				if (err && errlen)
					snprintf(err, errlen, "%s: file too large", path);
				goto out;
			}
			cap = cap ? cap * 2 : 4096;
			if (!(nb = realloc(buf, cap))) {
				rc = ENOMEM;
				goto out;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0) {
			if (ferror(f)) {
				rc = EIO;
				if (err && errlen)
					snprintf(err, errlen, "%s: read error", path);
				goto out;
			}
			break;
		}
	}
	rc = cm_yaml_load_buf(path, buf, len, ret_doc, err, errlen);
out:
	free(buf);
	fclose(f);
	return rc;
}

void cm_yaml_free(struct cm_ydoc *doc)
{
	if (!doc)
		return;
	node_free(doc->root);
	free(doc->file);
	free(doc);
}

const struct cm_ynode *cm_ymap_get(const struct cm_ynode *map, const char *key)
{
	const struct cm_ynode *n;

	if (!map || map->type != CM_Y_MAP || !key)
		return NULL;
	for (n = map->child; n; n = n->next)
		if (n->key && !strcmp(n->key, key))
			return n;
	return NULL;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * trace.c: the explain trace, a list of lines saying which rules fired and what each action
 * changed. Only filled when the caller passes one (dra --explain, tests), so its
 * allocations never happen on the normal path.
 */
#include "xf_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>

struct xf_trace {
	char **lines;
	size_t n, cap;
	bool oom;          /* a line was lost for lack of memory */
};

int xf_trace_new(struct xf_trace **ret)
{
	struct xf_trace *t = calloc(1, sizeof(*t));

	if (!t)
		return ENOMEM;
	*ret = t;
	return 0;
}

void xf_trace_reset(struct xf_trace *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		free(t->lines[i]);
	t->n = 0;
	t->oom = false;
}

void xf_trace_free(struct xf_trace *t)
{
	if (!t)
		return;
	xf_trace_reset(t);
	free(t->lines);
	free(t);
}

void xf_trace_add(struct xf_trace *t, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int r;

	if (!t)
		return;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		char **l = realloc(t->lines, cap * sizeof(*l));
		if (!l) {
			t->oom = true;
			return;
		}
		t->lines = l;
		t->cap = cap;
	}
	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0) {
		t->oom = true;
		return;
	}
	t->lines[t->n++] = s;
}

size_t xf_trace_count(const struct xf_trace *t)
{
	return t ? t->n : 0;
}

const char *xf_trace_line(const struct xf_trace *t, size_t i)
{
	return t && i < t->n ? t->lines[i] : NULL;
}

int xf_trace_print(const struct xf_trace *t, FILE *out)
{
	if (!t || !out)
		return EINVAL;
	for (size_t i = 0; i < t->n; i++)
		if (fprintf(out, "%s\n", t->lines[i]) < 0)
			return EIO;
	if (t->oom && fprintf(out, "(trace incomplete: out of memory)\n") < 0)
		return EIO;
	return 0;
}

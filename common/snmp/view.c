/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * view.c: a subtree's values as one sorted array, rebuilt from the daemon's collect callback
 * at most every SNMP_TTL_MS, so that a walk reads one snapshot and a table of N objects costs
 * one collect and a sort, not N collects. GET is a binary search, GETNEXT the first entry
 * after the requested OID. No net-snmp here: the tests use it directly.
 */
#include "snmp_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct snmp_entry {
	uint32_t oid[SNMP_OID_MAX];
	size_t len;
	struct snmp_value v;       /* v.s points into the view's string arena */
};

struct snmp_view {
	uint32_t root[SNMP_OID_MAX];
	size_t root_len;
	snmp_collect_fn *collect;
	void *data;
	struct snmp_entry *e;
	size_t n, cap;
	uint8_t **strs;            /* copies of the octet strings of this snapshot */
	size_t nstrs, capstrs;
	int64_t built_ms;          /* CLOCK_MONOTONIC of the last collect; -1: never */
};

struct snmp_out {
	struct snmp_view *v;
	uint32_t index[SNMP_OID_MAX];
	size_t index_len;
	int err;                   /* first error; later values are dropped */
};

int snmp_oid_cmp(const uint32_t *a, size_t alen, const uint32_t *b, size_t blen)
{
	size_t i, n = alen < blen ? alen : blen;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return alen < blen ? -1 : alen > blen ? 1 : 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int snmp_view_new(const uint32_t *root, size_t root_len, snmp_collect_fn *collect, void *data,
                  struct snmp_view **ret)
{
	struct snmp_view *v;

	if (!root || !root_len || root_len >= SNMP_OID_MAX || !collect)
		return EINVAL;
	if (!(v = calloc(1, sizeof(*v))))
		return ENOMEM;
	memcpy(v->root, root, root_len * sizeof(*root));
	v->root_len = root_len;
	v->collect = collect;
	v->data = data;
	v->built_ms = -1;
	*ret = v;
	return 0;
}

static void view_clear(struct snmp_view *v)
{
	size_t i;

	for (i = 0; i < v->nstrs; i++)
		free(v->strs[i]);
	v->nstrs = 0;
	v->n = 0;
}

void snmp_view_free(struct snmp_view *v)
{
	if (!v)
		return;
	view_clear(v);
	free(v->strs);
	free(v->e);
	free(v);
}

void snmp_out_row(struct snmp_out *o, const uint32_t *index, size_t n)
{
	if (n > SNMP_OID_MAX) {
		o->err = o->err ? o->err : EINVAL;
		return;
	}
	memcpy(o->index, index, n * sizeof(*index));
	o->index_len = n;
}

void snmp_out_value(struct snmp_out *o, uint32_t col, const struct snmp_value *val)
{
	struct snmp_view *v = o->v;
	struct snmp_entry *e;

	if (o->err)
		return;
	if (v->root_len + 1 + o->index_len > SNMP_OID_MAX) {
		o->err = EINVAL;
		return;
	}
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		struct snmp_entry *ne = realloc(v->e, cap * sizeof(*ne));
		if (!ne) {
			o->err = ENOMEM;
			return;
		}
		v->e = ne;
		v->cap = cap;
	}
	e = &v->e[v->n];
	memcpy(e->oid, v->root, v->root_len * sizeof(uint32_t));
	e->oid[v->root_len] = col;
	memcpy(e->oid + v->root_len + 1, o->index, o->index_len * sizeof(uint32_t));
	e->len = v->root_len + 1 + o->index_len;
	e->v = *val;
	if (val->type == SNMP_T_OCTETS) {
		uint8_t *copy;
		if (v->nstrs == v->capstrs) {
			size_t cap = v->capstrs ? v->capstrs * 2 : 64;
			uint8_t **ns = realloc(v->strs, cap * sizeof(*ns));
			if (!ns) {
				o->err = ENOMEM;
				return;
			}
			v->strs = ns;
			v->capstrs = cap;
		}
		if (!(copy = malloc(val->len ? val->len : 1))) {
			o->err = ENOMEM;
			return;
		}
		if (val->len)
			memcpy(copy, val->s, val->len);
		v->strs[v->nstrs++] = copy;
		e->v.s = copy;
	}
	v->n++;
}

void snmp_out_counter64(struct snmp_out *o, uint32_t col, uint64_t x)
{
	struct snmp_value v = { .type = SNMP_T_COUNTER64, .u = x };

	snmp_out_value(o, col, &v);
}

void snmp_out_gauge32(struct snmp_out *o, uint32_t col, uint64_t x)
{
	struct snmp_value v = { .type = SNMP_T_GAUGE32, .u = x > UINT32_MAX ? UINT32_MAX : x };

	snmp_out_value(o, col, &v);
}

void snmp_out_unsigned32(struct snmp_out *o, uint32_t col, uint64_t x)
{
	struct snmp_value v = { .type = SNMP_T_UNSIGNED32, .u = x > UINT32_MAX ? UINT32_MAX : x };

	snmp_out_value(o, col, &v);
}

void snmp_out_integer(struct snmp_out *o, uint32_t col, int64_t x)
{
	struct snmp_value v = { .type = SNMP_T_INTEGER, .i = x };

	snmp_out_value(o, col, &v);
}

void snmp_out_string(struct snmp_out *o, uint32_t col, const char *s)
{
	struct snmp_value v = { .type = SNMP_T_OCTETS, .s = (const uint8_t *)(s ? s : ""),
	                        .len = s ? strlen(s) : 0 };

	/* SnmpAdminString is at most 255 octets. */
	if (v.len > 255)
		v.len = 255;
	snmp_out_value(o, col, &v);
}

size_t snmp_dateandtime(time_t t, uint8_t out[11])
{
	struct tm tm;

	if (!t || !gmtime_r(&t, &tm)) {
		memset(out, 0, 8);
		return 8;
	}
	out[0] = (uint8_t)((tm.tm_year + 1900) >> 8);
	out[1] = (uint8_t)((tm.tm_year + 1900) & 0xff);
	out[2] = (uint8_t)(tm.tm_mon + 1);
	out[3] = (uint8_t)tm.tm_mday;
	out[4] = (uint8_t)tm.tm_hour;
	out[5] = (uint8_t)tm.tm_min;
	out[6] = (uint8_t)(tm.tm_sec > 59 ? 59 : tm.tm_sec);   /* a leap second reads as :59 */
	out[7] = 0;
	out[8] = '+';
	out[9] = 0;
	out[10] = 0;
	return 11;
}

void snmp_out_time(struct snmp_out *o, uint32_t col, time_t t)
{
	uint8_t b[11];
	struct snmp_value v = { .type = SNMP_T_OCTETS, .s = b };

	v.len = snmp_dateandtime(t, b);
	snmp_out_value(o, col, &v);
}

static int entry_cmp(const void *a, const void *b)
{
	const struct snmp_entry *x = a, *y = b;

	return snmp_oid_cmp(x->oid, x->len, y->oid, y->len);
}

int snmp_view_refresh(struct snmp_view *v, unsigned ttl_ms)
{
	struct snmp_out o = { .v = v };
	int64_t now = now_ms();
	size_t i, k;

	if (v->built_ms >= 0 && ttl_ms && now - v->built_ms < (int64_t)ttl_ms)
		return 0;
	view_clear(v);
	v->collect(v->data, &o);
	v->built_ms = now;
	if (o.err) {
		view_clear(v);
		return o.err;
	}
	qsort(v->e, v->n, sizeof(*v->e), entry_cmp);
	/* A callback that gave one OID twice: keep the first. */
	for (i = k = 0; i < v->n; i++)
		if (!k || entry_cmp(&v->e[k - 1], &v->e[i]))
			v->e[k++] = v->e[i];
	v->n = k;
	return 0;
}

/* Index of the first entry >= oid (inclusive) or > oid. */
static size_t lower_bound(const struct snmp_view *v, const uint32_t *oid, size_t len, bool strict)
{
	size_t lo = 0, hi = v->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = snmp_oid_cmp(v->e[mid].oid, v->e[mid].len, oid, len);
		if (c < 0 || (strict && c == 0))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct snmp_value *snmp_view_get(const struct snmp_view *v, const uint32_t *oid, size_t len)
{
	size_t i = lower_bound(v, oid, len, false);

	if (i < v->n && !snmp_oid_cmp(v->e[i].oid, v->e[i].len, oid, len))
		return &v->e[i].v;
	return NULL;
}

const struct snmp_value *snmp_view_next(const struct snmp_view *v, const uint32_t *oid,
                                        size_t len, const uint32_t **ret_oid, size_t *ret_len)
{
	size_t i = lower_bound(v, oid, len, true);

	if (i >= v->n)
		return NULL;
	*ret_oid = v->e[i].oid;
	*ret_len = v->e[i].len;
	return &v->e[i].v;
}

size_t snmp_view_count(const struct snmp_view *v)
{
	return v->n;
}

const uint32_t *snmp_view_root(const struct snmp_view *v, size_t *ret_len)
{
	*ret_len = v->root_len;
	return v->root;
}

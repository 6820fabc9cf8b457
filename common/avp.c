/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * avp.c: building and reading AVPs by their dictionary names. Name lookups walk freeDiameter's
 * dictionary lists, so the results are cached here (dictionary objects live as long as the
 * process). The cache only grows and an entry never changes once published, so readers take
 * no lock (a read lock, taken by every thread for every AVP, was ~1.5% of the HSS's CPU under
 * load on 2 cores: its counter bounces between them); writers are serialised by a mutex and
 * publish a complete entry with a release store that readers pair with an acquire load.
 */
#include "cm.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AC_BUCKETS 256

enum ac_kind { AC_AVP, AC_CMD, AC_APP };

struct ac_entry {
	enum ac_kind kind;
	uint32_t id;               /* AC_APP */
	char *name;                /* AC_AVP, AC_CMD */
	struct dict_object *obj;
	struct ac_entry *next;     /* set before the entry is published, never after */
};

static pthread_mutex_t ac_lock = PTHREAD_MUTEX_INITIALIZER;   /* writers only */
static _Atomic(struct ac_entry *) ac_table[AC_BUCKETS];

static unsigned ac_hash(enum ac_kind kind, const char *name, uint32_t id)
{
	uint32_t h = 2166136261u ^ (uint32_t)kind;

	if (name)
		for (; *name; name++)
			h = (h ^ (uint8_t)*name) * 16777619u;
	else
		h = (h ^ id) * 16777619u;
	return h % AC_BUCKETS;
}

static struct dict_object *ac_find(unsigned b, enum ac_kind kind, const char *name, uint32_t id)
{
	struct ac_entry *e;

	for (e = atomic_load_explicit(&ac_table[b], memory_order_acquire); e; e = e->next)
		if (e->kind == kind && (name ? !strcmp(e->name, name) : e->id == id))
			return e->obj;
	return NULL;
}

/* Only hits are cached: a name unknown now may be defined by a dictionary loaded later. */
static struct dict_object *ac_lookup(enum ac_kind kind, const char *name, uint32_t id)
{
	struct dict_object *obj;
	struct ac_entry *e;
	unsigned b;
	int rc = ENOENT;

	if ((kind != AC_APP && !name) || !fd_g_config || !fd_g_config->cnf_dict)
		return NULL;
	b = ac_hash(kind, name, id);
	if ((obj = ac_find(b, kind, name, id)))
		return obj;

	switch (kind) {
	case AC_AVP:
		rc = fd_dict_search(fd_g_config->cnf_dict, DICT_AVP, AVP_BY_NAME_ALL_VENDORS, name, &obj,
		                    ENOENT);
		break;
	case AC_CMD:
		rc = fd_dict_search(fd_g_config->cnf_dict, DICT_COMMAND, CMD_BY_NAME, name, &obj,
		                    ENOENT);
		break;
	case AC_APP:
		rc = fd_dict_search(fd_g_config->cnf_dict, DICT_APPLICATION, APPLICATION_BY_ID, &id,
		                    &obj, ENOENT);
		break;
	}
	if (rc || !obj)
		return NULL;

	pthread_mutex_lock(&ac_lock);
	if (!ac_find(b, kind, name, id) && (e = calloc(1, sizeof(*e)))) {
		e->kind = kind;
		e->id = id;
		e->obj = obj;
		if (name && !(e->name = strdup(name))) {
			free(e);
		} else {
			e->next = atomic_load_explicit(&ac_table[b], memory_order_relaxed);
			atomic_store_explicit(&ac_table[b], e, memory_order_release);
		}
	}
	pthread_mutex_unlock(&ac_lock);
	return obj;
}

struct dict_object *cm_dict_avp(const char *name)
{
	return ac_lookup(AC_AVP, name, 0);
}

struct dict_object *cm_dict_cmd(const char *name)
{
	return ac_lookup(AC_CMD, name, 0);
}

struct dict_object *cm_dict_app(uint32_t app_id)
{
	return ac_lookup(AC_APP, NULL, app_id);
}

int cm_avpdef_find(const char *name, struct cm_avpdef *ret)
{
	struct dict_object *model = cm_dict_avp(name);

	if (!model)
		return ENOENT;
	return cm_avpdef_get(model, ret);
}

/* New AVP `name` with value v (NULL for grouped) appended to parent. */
static int avp_add(msg_or_avp *parent, const char *name, union avp_value *v, struct avp **ret)
{
	struct dict_object *model = cm_dict_avp(name);
	struct avp *avp = NULL;
	int rc;

	if (!parent || !model)
		return parent ? ENOENT : EINVAL;
	if ((rc = fd_msg_avp_new(model, 0, &avp)))
		return rc;
	if (v && (rc = fd_msg_avp_setvalue(avp, v)))
		goto err;
	if ((rc = fd_msg_avp_add(parent, MSG_BRW_LAST_CHILD, avp)))
		goto err;
	if (ret)
		*ret = avp;
	return 0;
err:
	fd_msg_free(avp);
	return rc;
}

/* Integers are set in the width and signedness the dictionary declares (an Enumerated AVP is
 * Integer32 even when callers think of it as unsigned); out-of-range values are EINVAL. */
static int avp_add_int(msg_or_avp *parent, const char *name, bool neg, uint64_t mag)
{
	struct dict_object *model = cm_dict_avp(name);
	struct dict_avp_data d;
	union avp_value v;
	/* 0 - mag in unsigned arithmetic: negating INT64_MIN as a signed value would overflow. */
	int64_t s = neg ? (int64_t)(0 - mag) : (int64_t)mag;

	if (!model)
		return ENOENT;
	if (fd_dict_getval(model, &d))
		return EINVAL;
	memset(&v, 0, sizeof(v));
	switch (d.avp_basetype) {
	case AVP_TYPE_INTEGER32:
		if ((neg && mag > (uint64_t)INT32_MAX + 1) || (!neg && mag > INT32_MAX))
			return EINVAL;
		v.i32 = (int32_t)s;
		break;
	case AVP_TYPE_UNSIGNED32:
		if (neg || mag > UINT32_MAX)
			return EINVAL;
		v.u32 = (uint32_t)mag;
		break;
	case AVP_TYPE_INTEGER64:
		if ((neg && mag > (uint64_t)INT64_MAX + 1) || (!neg && mag > INT64_MAX))
			return EINVAL;
		v.i64 = s;
		break;
	case AVP_TYPE_UNSIGNED64:
		if (neg)
			return EINVAL;
		v.u64 = mag;
		break;
	default:
		return EINVAL;
	}
	return avp_add(parent, name, &v, NULL);
}

int cm_avp_add_u32(msg_or_avp *parent, const char *name, uint32_t v)
{
	return avp_add_int(parent, name, false, v);
}

int cm_avp_add_u64(msg_or_avp *parent, const char *name, uint64_t v)
{
	return avp_add_int(parent, name, false, v);
}

int cm_avp_add_i32(msg_or_avp *parent, const char *name, int32_t v)
{
	return avp_add_int(parent, name, v < 0, v < 0 ? (uint64_t)(-(int64_t)v) : (uint64_t)v);
}

int cm_avp_add_os(msg_or_avp *parent, const char *name, const void *v, size_t len)
{
	union avp_value val;

	if (!v && len)
		return EINVAL;
	memset(&val, 0, sizeof(val));
	val.os.data = (uint8_t *)(v ? v : "");
	val.os.len = len;
	return avp_add(parent, name, &val, NULL);
}

int cm_avp_add_str(msg_or_avp *parent, const char *name, const char *s)
{
	if (!s)
		return EINVAL;
	return cm_avp_add_os(parent, name, s, strlen(s));
}

int cm_avp_add_text(msg_or_avp *parent, const char *name, const char *text, bool tbcd,
                    const char **why)
{
	uint8_t small[64], *store = small;
	struct cm_avpdef def;
	union avp_value v;
	size_t len, storesz;
	const char *dummy;
	int rc;

	if (!why)
		why = &dummy;
	if (!parent || !text) {
		*why = "no value";
		return EINVAL;
	}
	if (cm_avpdef_find(name, &def)) {
		*why = "not in the dictionary";
		return ENOENT;
	}
	len = strlen(text);
	storesz = len + 18;
	if (storesz > sizeof(small) && !(store = malloc(storesz))) {
		*why = "out of memory";
		return ENOMEM;
	}
	/* fd_msg_avp_setvalue copies the octets: store can go at once. */
	if (!(rc = cm_avpval_parse(&def, tbcd, text, len, &v, store, storesz, why)) &&
	    (rc = avp_add(parent, name, &v, NULL)))
		*why = "cannot add the AVP";
	if (store != small)
		free(store);
	return rc;
}

int cm_avp_add_group(msg_or_avp *parent, const char *name, struct avp **ret_avp)
{
	return avp_add(parent, name, NULL, ret_avp);
}

int cm_avp_add_vsai(msg_or_avp *parent, uint32_t vendor, uint32_t auth_app_id)
{
	struct avp *g = NULL;
	int rc;

	if ((rc = cm_avp_add_group(parent, "Vendor-Specific-Application-Id", &g)))
		return rc;
	if ((rc = cm_avp_add_u32(g, "Vendor-Id", vendor)) ||
	    (rc = cm_avp_add_u32(g, "Auth-Application-Id", auth_app_id))) {
		/* Unlink the half-built group so the parent stays well formed. */
		fd_msg_free(g);
		return rc;
	}
	return 0;
}

int cm_avp_add_exp_result(msg_or_avp *parent, uint32_t vendor, uint32_t code)
{
	struct avp *g = NULL;
	int rc;

	if ((rc = cm_avp_add_group(parent, "Experimental-Result", &g)))
		return rc;
	if ((rc = cm_avp_add_u32(g, "Vendor-Id", vendor)) ||
	    (rc = cm_avp_add_u32(g, "Experimental-Result-Code", code))) {
		fd_msg_free(g);
		return rc;
	}
	return 0;
}

struct avp *cm_avp_find(msg_or_avp *parent, const char *name)
{
	struct dict_object *model = cm_dict_avp(name);
	struct dict_avp_data d;
	struct fd_pei pei;
	msg_or_avp *child = NULL;

	if (!parent || !model || fd_dict_getval(model, &d))
		return NULL;
	if (fd_msg_browse(parent, MSG_BRW_FIRST_CHILD, &child, NULL))
		return NULL;
	if (!child) {
		/* A received grouped AVP keeps its children as raw bytes until parsed itself.
		 * Parsing is idempotent on already-parsed objects. */
		memset(&pei, 0, sizeof(pei));
		if (fd_msg_parse_dict(parent, fd_g_config->cnf_dict, &pei) ||
		    fd_msg_browse(parent, MSG_BRW_FIRST_CHILD, &child, NULL))
			return NULL;
	}
	while (child) {
		struct avp_hdr *h = NULL;
		if (!fd_msg_avp_hdr(child, &h) && h && h->avp_code == d.avp_code &&
		    ((h->avp_flags & AVP_FLAG_VENDOR) ? h->avp_vendor : 0) == d.avp_vendor)
			return child;
		if (fd_msg_browse(child, MSG_BRW_NEXT, &child, NULL))
			return NULL;
	}
	return NULL;
}

struct avp *cm_avp_next(msg_or_avp *parent, struct avp *after, const char *name)
{
	struct dict_object *model = cm_dict_avp(name);
	struct dict_avp_data d;
	msg_or_avp *c = NULL;

	if (!after)
		return cm_avp_find(parent, name);
	if (!model || fd_dict_getval(model, &d) || fd_msg_browse(after, MSG_BRW_NEXT, &c, NULL))
		return NULL;
	while (c) {
		struct avp_hdr *h = NULL;
		if (!fd_msg_avp_hdr(c, &h) && h && h->avp_code == d.avp_code &&
		    ((h->avp_flags & AVP_FLAG_VENDOR) ? h->avp_vendor : 0) == d.avp_vendor)
			return c;
		if (fd_msg_browse(c, MSG_BRW_NEXT, &c, NULL))
			return NULL;
	}
	return NULL;
}

union avp_value *cm_avp_value(struct avp *avp)
{
	struct avp_hdr *h = NULL;
	struct fd_pei pei;

	if (!avp || fd_msg_avp_hdr(avp, &h) || !h)
		return NULL;
	if (!h->avp_value) {
		memset(&pei, 0, sizeof(pei));
		if (fd_msg_parse_dict(avp, fd_g_config->cnf_dict, &pei) || fd_msg_avp_hdr(avp, &h) ||
		    !h)
			return NULL;
	}
	return h->avp_value;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_mongo_doc.c: subscriber documents without a server: reading values whatever numeric
 * type a tool stored them with, building a document as a patch merged over the stored one
 * (so fields we do not know survive our writes), the minimal update ($set/$unset of the
 * paths that changed) between two documents, and the native schema.
 *
 * Native schema (collection "subscribers"): one document per subscriber, field names and
 * values those of sub.c / db_codec.c, typed: strings (keys as lower-case hex), Int32 (Int64
 * above 2^31-1) for numbers, Int64 for the SQN and times, booleans; roaming_plmns an array
 * of strings; "apns" an array of documents with the APN field names; "serving" a document
 * with the serving state. An empty optional field is absent.
 */
#include "db_mongo.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 32          /* sub-documents the merge and the diff walk into */
#define PATH_MAX_LEN 512

/* ---- values --------------------------------------------------------------------------- */

bool hss_mg_null(const bson_iter_t *it)
{
	return BSON_ITER_HOLDS_NULL(it) || BSON_ITER_HOLDS_UNDEFINED(it);
}

bool hss_mg_str(const bson_iter_t *it, const char **ret, uint32_t *ret_len)
{
	uint32_t len = 0;
	const char *s;

	if (!BSON_ITER_HOLDS_UTF8(it))
		return false;
	s = bson_iter_utf8(it, &len);
	if (!s || memchr(s, 0, len))
		return false;
	*ret = s;
	*ret_len = len;
	return true;
}

bool hss_mg_int(const bson_iter_t *it, int64_t *ret)
{
	const char *s;
	uint32_t len;
	double d;

	switch (bson_iter_type(it)) {
	case BSON_TYPE_INT32:
		*ret = bson_iter_int32(it);
		return true;
	case BSON_TYPE_INT64:
		*ret = bson_iter_int64(it);
		return true;
	case BSON_TYPE_BOOL:
		*ret = bson_iter_bool(it) ? 1 : 0;
		return true;
	case BSON_TYPE_DOUBLE:
		/* mongosh and JavaScript tools store every number as a double */
		d = bson_iter_double(it);
		if (!isfinite(d) || d != floor(d) || d < -9007199254740992.0 || d > 9007199254740992.0)
			return false;
		*ret = (int64_t)d;
		return true;
	case BSON_TYPE_UTF8: {
		char buf[24], *end;
		long long v;

		if (!hss_mg_str(it, &s, &len) || !len || len >= sizeof(buf))
			return false;
		memcpy(buf, s, len);
		buf[len] = 0;
		errno = 0;
		v = strtoll(buf, &end, 10);
		if (*end || errno || (buf[0] != '-' && (buf[0] < '0' || buf[0] > '9')))
			return false;
		*ret = v;
		return true;
	}
	default:
		return false;
	}
}

/* ---- merge ------------------------------------------------------------------------------ */

/* Whether it (on key) is the first field of that name in its document: a document with the
 * same key twice (not something MongoDB stores, but input all the same) is read as the
 * first occurrence, as the server and bson_iter_find do. */
static bool first_of_key(const bson_iter_t *doc_start, const bson_iter_t *it)
{
	bson_iter_t f = *doc_start;

	while (bson_iter_next(&f))
		if (!strcmp(bson_iter_key(&f), bson_iter_key(it)))
			return f.off == it->off;
	return true;
}

static int merge_doc(const bson_iter_t *old, const bson_iter_t *patch, bson_t *out, int depth);

/* Append the value at p under key (a document without its tombstones). */
static int put_value(bson_t *out, const char *key, const bson_iter_t *p, int depth)
{
	bson_iter_t child;
	bson_t sub;
	int rc;

	if (BSON_ITER_HOLDS_DOCUMENT(p)) {
		bson_iter_t k;
		bool any = false;

		if (depth >= MAX_DEPTH || !bson_iter_recurse(p, &child))
			return EINVAL;
		bson_init(&sub);
		rc = merge_doc(NULL, &child, &sub, depth + 1);
		/* a patch of tombstones only (nothing to remove here): no empty document */
		k = child;
		while (bson_iter_next(&k))
			any = true;
		if (!rc && (!bson_empty(&sub) || !any) && !bson_append_document(out, key, -1, &sub))
			rc = ENOMEM;
		bson_destroy(&sub);
		return rc;
	}
	return bson_append_iter(out, key, -1, p) ? 0 : ENOMEM;
}

/* old, patch: iterators at the start of a document (old may be NULL). */
static int merge_doc(const bson_iter_t *old, const bson_iter_t *patch, bson_t *out, int depth)
{
	bson_iter_t o, p, oc, pc;
	bson_t sub;
	int rc;

	if (old) {
		o = *old;
		while (bson_iter_next(&o)) {
			const char *key = bson_iter_key(&o);

			if (!first_of_key(old, &o))
				continue;
			p = *patch;
			if (!bson_iter_find(&p, key)) {
				/* libbson refuses to copy a malformed stored value */
				if (!bson_append_iter(out, key, -1, &o))
					return EIO;
				continue;
			}
			if (BSON_ITER_HOLDS_UNDEFINED(&p))
				continue;
			if (BSON_ITER_HOLDS_DOCUMENT(&p) && BSON_ITER_HOLDS_DOCUMENT(&o) &&
			    depth < MAX_DEPTH) {
				if (!bson_iter_recurse(&o, &oc) || !bson_iter_recurse(&p, &pc))
					return EINVAL;
				if (!bson_append_document_begin(out, key, -1, &sub))
					return ENOMEM;
				rc = merge_doc(&oc, &pc, &sub, depth + 1);
				if (!bson_append_document_end(out, &sub))
					return ENOMEM;
			} else {
				rc = put_value(out, key, &p, depth);
			}
			if (rc)
				return rc;
		}
	}
	p = *patch;
	while (bson_iter_next(&p)) {
		const char *key = bson_iter_key(&p);

		if (BSON_ITER_HOLDS_UNDEFINED(&p) || !first_of_key(patch, &p))
			continue;
		if (old) {
			o = *old;
			if (bson_iter_find(&o, key))
				continue;
		}
		if ((rc = put_value(out, key, &p, depth)))
			return rc;
	}
	return 0;
}

int hss_mg_merge(const bson_t *old, const bson_t *patch, bson_t *out)
{
	bson_iter_t o, p;

	if (!bson_iter_init(&p, patch) || (old && !bson_iter_init(&o, old)))
		return EINVAL;
	return merge_doc(old ? &o : NULL, &p, out, 0);
}

/* ---- diff -------------------------------------------------------------------------------- */

/* Whether two values are the same: same type, same bytes. */
static bool same_value(const bson_iter_t *a, const bson_iter_t *b)
{
	bson_t x = BSON_INITIALIZER, y = BSON_INITIALIZER;
	bool same;

	if (bson_iter_type(a) != bson_iter_type(b))
		return false;
	bson_append_iter(&x, "", 0, a);
	bson_append_iter(&y, "", 0, b);
	same = x.len == y.len && !memcmp(bson_get_data(&x), bson_get_data(&y), x.len);
	bson_destroy(&x);
	bson_destroy(&y);
	return same;
}

static bool addressable(const char *key)
{
	return *key && *key != '$' && !strchr(key, '.');
}

struct diff {
	bson_t set, unset;
	size_t n;
};

static int diff_doc(const bson_iter_t *old, const bson_iter_t *nw, const char *prefix,
                    struct diff *d, int depth);

static int path_of(char *buf, const char *prefix, const char *key)
{
	int n = snprintf(buf, PATH_MAX_LEN, "%s%s%s", prefix, *prefix ? "." : "", key);

	return n < 0 || n >= PATH_MAX_LEN ? EINVAL : 0;
}

/* Whether a change inside these two documents can be written path by path: every key that
 * differs is addressable (otherwise the parent is set whole). */
static bool paths_ok(const bson_iter_t *old, const bson_iter_t *nw)
{
	bson_iter_t a = *old, b;

	while (bson_iter_next(&a))
		if (!addressable(bson_iter_key(&a)))
			return false;
	b = *nw;
	while (bson_iter_next(&b))
		if (!addressable(bson_iter_key(&b)))
			return false;
	return true;
}

static int diff_doc(const bson_iter_t *old, const bson_iter_t *nw, const char *prefix,
                    struct diff *d, int depth)
{
	char path[PATH_MAX_LEN];
	bson_iter_t o, n, oc, nc;
	int rc;

	n = *nw;
	while (bson_iter_next(&n)) {
		const char *key = bson_iter_key(&n);

		if (!first_of_key(nw, &n))
			continue;
		if ((rc = path_of(path, prefix, key)))
			return rc;
		o = *old;
		if (bson_iter_find(&o, key) && same_value(&o, &n))
			continue;
		if (!addressable(key))
			return EINVAL;
		o = *old;
		if (bson_iter_find(&o, key) && BSON_ITER_HOLDS_DOCUMENT(&o) &&
		    BSON_ITER_HOLDS_DOCUMENT(&n) && depth < MAX_DEPTH &&
		    bson_iter_recurse(&o, &oc) && bson_iter_recurse(&n, &nc) && paths_ok(&oc, &nc)) {
			if ((rc = diff_doc(&oc, &nc, path, d, depth + 1)))
				return rc;
			continue;
		}
		if (!bson_append_iter(&d->set, path, -1, &n))
			return ENOMEM;
		d->n++;
	}
	o = *old;
	while (bson_iter_next(&o)) {
		const char *key = bson_iter_key(&o);

		n = *nw;
		if (bson_iter_find(&n, key))
			continue;
		if (!addressable(key) || !first_of_key(old, &o))
			return EINVAL;
		if ((rc = path_of(path, prefix, key)))
			return rc;
		if (!BSON_APPEND_UTF8(&d->unset, path, ""))
			return ENOMEM;
		d->n++;
	}
	return 0;
}

int hss_mg_diff(const bson_t *old, const bson_t *new_doc, bson_t *out, size_t *ret_n)
{
	struct diff d = { BSON_INITIALIZER, BSON_INITIALIZER, 0 };
	bson_iter_t o, n;
	int rc;

	bson_init(out);
	if (!bson_iter_init(&o, old) || !bson_iter_init(&n, new_doc))
		rc = EINVAL;
	else
		rc = diff_doc(&o, &n, "", &d, 0);
	if (!rc && ((!bson_empty(&d.set) && !BSON_APPEND_DOCUMENT(out, "$set", &d.set)) ||
	            (!bson_empty(&d.unset) && !BSON_APPEND_DOCUMENT(out, "$unset", &d.unset))))
		rc = ENOMEM;
	if (!rc)
		*ret_n = d.n;
	bson_destroy(&d.set);
	bson_destroy(&d.unset);
	return rc;
}

/* ---- native schema --------------------------------------------------------------------- */

/* The value at it as the stored text of field f (db_codec.c), or NULL for absent/null.
 * EIO (message in err) for a value of a type the field cannot hold. */
static int native_text(const struct hss_fdesc *f, const bson_iter_t *it, char *buf,
                       const char **ret, const char *imsi, char *err, size_t errlen)
{
	const char *s;
	uint32_t len;
	int64_t v;

	*ret = NULL;
	if (hss_mg_null(it))
		return 0;
	if (f->kind == HSS_FK_PLMNS && BSON_ITER_HOLDS_ARRAY(it)) {
		bson_iter_t a;
		size_t n = 0;

		if (!bson_iter_recurse(it, &a))
			goto bad;
		buf[0] = 0;
		while (bson_iter_next(&a)) {
			if (!hss_mg_str(&a, &s, &len) || n + len + 2 > HSS_COL_TEXT_MAX)
				goto bad;
			n += (size_t)snprintf(buf + n, HSS_COL_TEXT_MAX - n, "%s%.*s", n ? "," : "",
			                      (int)len, s);
		}
		*ret = n ? buf : NULL;
		return 0;
	}
	if (f->kind == HSS_FK_HEX && BSON_ITER_HOLDS_BINARY(it)) {
		const uint8_t *bin;
		bson_subtype_t st;

		bson_iter_binary(it, &st, &len, &bin);
		if (len != f->size || 2 * f->size + 1 > HSS_COL_TEXT_MAX)
			goto bad;
		hss_hex_encode(bin, f->size, buf);
		*ret = buf;
		return 0;
	}
	if (hss_mg_str(it, &s, &len)) {
		if (len >= HSS_COL_TEXT_MAX)
			goto bad;
		memcpy(buf, s, len);
		buf[len] = 0;
		*ret = buf;
		return 0;
	}
	if (f->kind != HSS_FK_HEX && f->kind != HSS_FK_STR && f->kind != HSS_FK_DIGITS &&
	    f->kind != HSS_FK_PLMN && f->kind != HSS_FK_HEXSTR && f->kind != HSS_FK_PLMNS &&
	    hss_mg_int(it, &v)) {
		snprintf(buf, HSS_COL_TEXT_MAX, "%" PRId64, v);
		*ret = buf;
		return 0;
	}
bad:
	snprintf(err, errlen, "mongodb: IMSI %s: field '%s': unexpected BSON type %d", imsi,
	         f->name, (int)bson_iter_type(it));
	return EIO;
}

int hss_mg_native_field(const struct hss_fdesc *f, const bson_iter_t *it, void *base,
                        const char *imsi, char *err, size_t errlen)
{
	char buf[HSS_COL_TEXT_MAX];
	const char *t;
	int rc;

	if (!(rc = native_text(f, it, buf, &t, imsi, err, errlen)) &&
	    (rc = hss_col_load(f, t, base, imsi, "mongodb")))
		snprintf(err, errlen, "%s", hss_db_strerror());
	explicit_bzero(buf, sizeof(buf));
	return rc;
}

int hss_mg_native_load(const struct hss_fdesc *f, const bson_iter_t *doc, void *base,
                       unsigned want, const char *imsi, char *err, size_t errlen)
{
	bson_iter_t it;
	int rc;

	for (; f->name; f++) {
		bool serving = f->flags & HSS_F_SERVING;

		if ((f->flags & HSS_F_NOSTORE) || !strcmp(f->name, "imsi"))
			continue;
		if ((want == HSS_PART_SERVING) != serving)
			continue;
		it = *doc;
		if (!bson_iter_find(&it, f->name))
			continue;
		if ((rc = hss_mg_native_field(f, &it, base, imsi, err, errlen)))
			return rc;
	}
	return 0;
}

/* The subscriber's IMSI from the document's "imsi" string, checked. */
int hss_mg_doc_imsi(const bson_t *doc, char imsi[16], char *err, size_t errlen)
{
	bson_iter_t it;
	const char *s;
	uint32_t len, i;

	if (!bson_iter_init_find(&it, doc, "imsi") || !hss_mg_str(&it, &s, &len) || len < 5 ||
	    len > 15)
		goto bad;
	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			goto bad;
	memcpy(imsi, s, len);
	imsi[len] = 0;
	return 0;
bad:
	snprintf(err, errlen, "mongodb: a subscriber document has no valid 'imsi' string");
	return EIO;
}

int hss_mg_native_decode(const bson_t *doc, unsigned parts, struct hss_sub *out, char *err,
                         size_t errlen)
{
	bson_iter_t top, it, a, e;
	int rc;

	if ((rc = hss_mg_doc_imsi(doc, out->imsi, err, errlen)))
		return rc;
	if (!bson_iter_init(&top, doc))
		return EIO;
	if ((parts & (HSS_PART_PROV | HSS_PART_SQN)) &&
	    (rc = hss_mg_native_load(hss_fdescs, &top, out, HSS_PART_PROV, out->imsi, err, errlen)))
		return rc;
	if (parts & HSS_PART_SERVING) {
		it = top;
		if (bson_iter_find(&it, "serving") && !hss_mg_null(&it)) {
			if (!BSON_ITER_HOLDS_DOCUMENT(&it) || !bson_iter_recurse(&it, &e))
				goto bad_serving;
			if ((rc = hss_mg_native_load(hss_fdescs, &e, out, HSS_PART_SERVING, out->imsi, err,
			                      errlen)))
				return rc;
		}
	}
	if (parts & HSS_PART_APNS) {
		out->n_apns = 0;
		it = top;
		if (bson_iter_find(&it, "apns") && !hss_mg_null(&it)) {
			if (!BSON_ITER_HOLDS_ARRAY(&it) || !bson_iter_recurse(&it, &a))
				goto bad_apns;
			while (bson_iter_next(&a)) {
				struct hss_apn *apn;

				if (!BSON_ITER_HOLDS_DOCUMENT(&a) || !bson_iter_recurse(&a, &e))
					goto bad_apns;
				if (out->n_apns == HSS_DB_MAX_APNS) {
					snprintf(err, errlen, "mongodb: IMSI %s has more than %d APNs",
					         out->imsi, HSS_DB_MAX_APNS);
					return EIO;
				}
				apn = &out->apns[out->n_apns];
				hss_apn_init(apn);
				if ((rc = hss_mg_native_load(hss_apn_fdescs, &e, apn, HSS_PART_APNS, out->imsi,
				                      err, errlen)))
					return rc;
				out->n_apns++;
			}
		}
	}
	return 0;
bad_serving:
	snprintf(err, errlen, "mongodb: IMSI %s: field 'serving' is not a document", out->imsi);
	return EIO;
bad_apns:
	snprintf(err, errlen, "mongodb: IMSI %s: field 'apns' is not an array of documents",
	         out->imsi);
	return EIO;
}

/* Field f of base as a typed value (or a tombstone when empty). */
int hss_mg_native_put(bson_t *b, const struct hss_fdesc *f, const void *base)
{
	char buf[HSS_COL_TEXT_MAX];
	const char *t;
	bool num, ok = true;
	size_t i;

	if (f->kind == HSS_FK_PLMNS) {
		const struct hss_sub *sub = base;
		bson_t arr;
		char key[16];
		const char *k;

		if (!sub->n_roaming_plmns)
			return HSS_MG_APPEND_REMOVE(b, f->name) ? 0 : ENOMEM;
		ok = bson_append_array_begin(b, f->name, -1, &arr);
		for (i = 0; ok && i < sub->n_roaming_plmns && i < HSS_DB_MAX_PLMNS; i++) {
			bson_uint32_to_string((uint32_t)i, &k, key, sizeof(key));
			ok = bson_append_utf8(&arr, k, -1, sub->roaming_plmns[i], -1);
		}
		return ok && bson_append_array_end(b, &arr) ? 0 : ENOMEM;
	}
	if (!(t = hss_col_text(f, base, buf, &num)))
		return HSS_MG_APPEND_REMOVE(b, f->name) ? 0 : ENOMEM;
	switch (f->kind) {
	case HSS_FK_U32:
	case HSS_FK_ENUM: {
		uint32_t v = *(const uint32_t *)((const char *)base + f->off);

		ok = v <= INT32_MAX ? BSON_APPEND_INT32(b, f->name, (int32_t)v)
		                    : BSON_APPEND_INT64(b, f->name, (int64_t)v);
		break;
	}
	case HSS_FK_U64:
		ok = BSON_APPEND_INT64(b, f->name,
		                       (int64_t)*(const uint64_t *)((const char *)base + f->off));
		break;
	case HSS_FK_I32:
		ok = BSON_APPEND_INT32(b, f->name, *(const int32_t *)((const char *)base + f->off));
		break;
	case HSS_FK_I64:
		ok = BSON_APPEND_INT64(b, f->name, *(const int64_t *)((const char *)base + f->off));
		break;
	case HSS_FK_BOOL:
		ok = BSON_APPEND_BOOL(b, f->name, *(const bool *)((const char *)base + f->off));
		break;
	default:
		ok = BSON_APPEND_UTF8(b, f->name, t);
	}
	explicit_bzero(buf, sizeof(buf));   /* K and OP in hex */
	return ok ? 0 : ENOMEM;
}

int hss_mg_native_patch(const struct hss_sub *sub, unsigned parts, bson_t *patch, char *err,
                        size_t errlen)
{
	const struct hss_fdesc *f;
	bson_t arr, d;
	size_t i;
	int rc = 0;

	(void)err;
	(void)errlen;
	for (f = hss_fdescs; f->name && !rc; f++) {
		bool sqn = !strcmp(f->name, "sqn");

		if (f->flags & (HSS_F_NOSTORE | HSS_F_SERVING))
			continue;
		if (sqn ? !(parts & HSS_PART_SQN) : !(parts & HSS_PART_PROV))
			continue;
		rc = hss_mg_native_put(patch, f, sub);
	}
	if (!rc && (parts & HSS_PART_APNS)) {
		if (!bson_append_array_begin(patch, "apns", -1, &arr))
			return ENOMEM;
		for (i = 0; i < sub->n_apns && !rc; i++) {
			char key[16];
			const char *k;

			bson_uint32_to_string((uint32_t)i, &k, key, sizeof(key));
			if (!bson_append_document_begin(&arr, k, -1, &d))
				return ENOMEM;
			for (f = hss_apn_fdescs; f->name && !rc; f++)
				rc = hss_mg_native_put(&d, f, &sub->apns[i]);
			if (!bson_append_document_end(&arr, &d))
				return ENOMEM;
		}
		if (!bson_append_array_end(patch, &arr))
			return ENOMEM;
	}
	if (!rc && (parts & HSS_PART_SERVING)) {
		if (!bson_append_document_begin(patch, "serving", -1, &d))
			return ENOMEM;
		for (f = hss_fdescs; f->name && !rc; f++)
			if (f->flags & HSS_F_SERVING)
				rc = hss_mg_native_put(&d, f, sub);
		if (!bson_append_document_end(patch, &d))
			return ENOMEM;
	}
	return rc;
}

/* ---- both schemas ------------------------------------------------------------------------ */

int hss_mg_decode(enum hss_mg_schema s, const bson_t *doc, unsigned parts, struct hss_sub *out,
                  char *err, size_t errlen)
{
	return s == HSS_MG_OPEN5GS ? hss_mg_o5gs_decode(doc, parts, out, err, errlen)
	                           : hss_mg_native_decode(doc, parts, out, err, errlen);
}

int hss_mg_build(enum hss_mg_schema s, const bson_t *old, const struct hss_sub *sub,
                 unsigned parts, bson_t *out, char *err, size_t errlen)
{
	bson_t patch = BSON_INITIALIZER;
	int rc;

	bson_init(out);
	if (errlen)
		err[0] = 0;
	/* the IMSI first in a new document; the lock never survives a write */
	if (!BSON_APPEND_UTF8(&patch, "imsi", sub->imsi) || !HSS_MG_APPEND_REMOVE(&patch, HSS_MG_LOCK)) {
		rc = ENOMEM;
		goto out;
	}
	rc = s == HSS_MG_OPEN5GS ? hss_mg_o5gs_patch(old, sub, parts, &patch, err, errlen)
	                         : hss_mg_native_patch(sub, parts, &patch, err, errlen);
	if (!rc && (rc = hss_mg_merge(old, &patch, out)))
		snprintf(err, errlen, "mongodb: IMSI %s: the stored document cannot be merged "
		         "(%s)", sub->imsi, rc == ENOMEM ? "out of memory" : rc == EIO
		         ? "a malformed value" : "nested too deep");
out:
	if (rc == ENOMEM && !err[0])
		snprintf(err, errlen, "mongodb: out of memory");
	/* the patch held K and OP in hex */
	explicit_bzero((void *)bson_get_data(&patch), patch.len);
	bson_destroy(&patch);
	return rc;
}

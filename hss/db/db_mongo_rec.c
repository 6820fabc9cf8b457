/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_mongo_rec.c: the keyed-record primitives of the MongoDB backend (the IMS store and
 * other domains' data, see rec.c), in one collection beside the subscribers ("records" by
 * default, "dcore_records" with schema=open5gs; option records=NAME), one document per
 * record:
 *
 *   { t: "<table>", k: "<key in lower-case hex>", v: BinData(0, <value>), ver: Int64 }
 *
 * with a unique index {t: 1, k: 1}. Keys are stored in hex because the contract orders them
 * octet by octet (memcmp) and keys need not be valid UTF-8: hex strings compare in the same
 * order as the octets they encode (MongoDB compares strings as binary), and BinData would
 * not (it is ordered by length first). Storage only: versions and conditions are rec.c's.
 *
 * Read-modify-write safety is the subscribers' (db_mongo_sub.c): a read in a write
 * transaction locks the record document, or notes its absence (a concurrent insert of the
 * same key then fails on the unique index at commit: EAGAIN, the transaction runs again);
 * writes change the transaction's copy, stored at commit by one write guarded by the lock.
 * A listing in a write transaction shows that transaction's own writes.
 */
#include "db_mongo_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- documents (pure) ------------------------------------------------------------------- */

void hss_mg_rec_khex(const char *s, char *out)
{
	static const char hx[] = "0123456789abcdef";
	size_t i, l = strlen(s);

	for (i = 0; i < l; i++) {
		out[2 * i] = hx[(unsigned char)s[i] >> 4];
		out[2 * i + 1] = hx[(unsigned char)s[i] & 15];
	}
	out[2 * l] = 0;
}

static int unhex(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int hss_mg_rec_decode(const bson_t *d, const char *table, const char *key, bool data,
                      struct hss_db_rec *ret)
{
	struct hss_db_rec r = { 0 };
	bson_iter_t it;
	int64_t ver = 0;
	int rc;

	if (key) {
		rc = hss_db_rec_set_key(&r, key, strlen(key));
	} else {
		char buf[HSS_DB_REC_KEY_MAX + 1];
		const char *k;
		uint32_t klen = 0, i;

		if (!bson_iter_init_find(&it, d, "k") || !hss_mg_str(&it, &k, &klen) || !klen ||
		    klen % 2 || klen / 2 > HSS_DB_REC_KEY_MAX)
			return hss_db_set_error(EIO, "mongodb: corrupt key in records table '%s'", table);
		for (i = 0; i < klen; i += 2) {
			int hi = unhex(k[i]), lo = unhex(k[i + 1]);

			if (hi < 0 || lo < 0 || (!hi && !lo))
				return hss_db_set_error(EIO, "mongodb: corrupt key in records table '%s'",
				                        table);
			buf[i / 2] = (char)(hi << 4 | lo);
		}
		rc = hss_db_rec_set_key(&r, buf, klen / 2);
	}
	if (rc)
		return rc;
	if (!bson_iter_init_find(&it, d, "ver") || !hss_mg_int(&it, &ver) || ver <= 0 ||
	    (uint64_t)ver == HSS_DB_REC_ANY) {
		rc = hss_db_set_error(EIO, "mongodb: corrupt version of record %s/%.80s", table, r.key);
		goto fail;
	}
	if (data) {
		const uint8_t *v = (const uint8_t *)"";
		uint32_t vlen = 0;
		bson_subtype_t st;

		if (!bson_iter_init_find(&it, d, "v")) {
			rc = hss_db_set_error(EIO, "mongodb: record %s/%.80s has no value", table, r.key);
			goto fail;
		}
		if (BSON_ITER_HOLDS_BINARY(&it)) {
			bson_iter_binary(&it, &st, &vlen, &v);
		} else if (!hss_mg_str(&it, (const char **)&v, &vlen)) {
			rc = hss_db_set_error(EIO, "mongodb: record %s/%.80s: the value is neither "
			                      "binary nor a string", table, r.key);
			goto fail;
		}
		if (vlen > HSS_DB_REC_VALUE_MAX) {
			rc = hss_db_set_error(EIO, "mongodb: corrupt record %s/%.80s", table, r.key);
			goto fail;
		}
		if ((rc = hss_db_rec_set_data(&r, v, vlen)))
			goto fail;
	}
	r.version = (uint64_t)ver;
	*ret = r;
	return 0;
fail:
	hss_db_rec_free(&r);
	return rc;
}

/* One record outside a write transaction (no lock): *ret NULL when absent. */
static int find_rec(struct hss_db_tx *tx, const char *table, const char *khex, bool data,
                    bson_t **ret)
{
	struct mg_conn *c = tx->pc->h;
	bson_t *f = BCON_NEW("t", BCON_UTF8(table), "k", BCON_UTF8(khex));
	bson_t o = BSON_INITIALIZER, pr;
	mongoc_cursor_t *cur;
	const bson_t *d;
	bson_error_t err;
	int64_t l = mg_left_ms(tx);
	int rc = 0;

	*ret = NULL;
	BSON_APPEND_INT64(&o, "limit", 1);
	BSON_APPEND_INT64(&o, "maxTimeMS", l ? l : 1);
	if (!data) {
		BSON_APPEND_DOCUMENT_BEGIN(&o, "projection", &pr);
		BSON_APPEND_INT32(&pr, "ver", 1);
		bson_append_document_end(&o, &pr);
	}
	if (!l) {
		rc = hss_db_set_error(ETIMEDOUT, "mongodb: read record: no answer within %u ms",
		                      tx->db->opts.timeout_ms);
		goto out;
	}
	cur = mongoc_collection_find_with_opts(c->rcoll, f, &o, NULL);
	if (mongoc_cursor_next(cur, &d))
		*ret = bson_copy(d);
	else if (mongoc_cursor_error(cur, &err))
		rc = mg_err(tx->db, tx->pc, &err, NULL, "read record");
	mongoc_cursor_destroy(cur);
out:
	bson_destroy(f);
	bson_destroy(&o);
	return rc;
}

int mg_rec_read(struct hss_db_tx *tx, const char *table, const char *key, bool data,
                struct hss_db_rec *ret)
{
	char khex[2 * HSS_DB_REC_KEY_MAX + 1];
	struct mg_ent *e;
	bson_t *doc;
	int rc;

	hss_mg_rec_khex(key, khex);
	if (tx->write) {
		if ((rc = mg_lock(tx, NULL, table, khex, &e)))
			return rc;
		if (!e->cur)
			return hss_db_set_error(ENOENT, "record %s/%.80s not found", table, key);
		return hss_mg_rec_decode(e->cur, table, key, data, ret);
	}
	if ((rc = find_rec(tx, table, khex, data, &doc)))
		return rc;
	if (!doc)
		return hss_db_set_error(ENOENT, "record %s/%.80s not found", table, key);
	rc = hss_mg_rec_decode(doc, table, key, data, ret);
	mg_wipe_free(doc);
	return rc;
}

bson_t *hss_mg_rec_build(const bson_t *old, const char *table, const char *khex,
                         const void *data, size_t len, uint64_t version)
{
	bson_t *b = bson_new();

	if (old)
		bson_copy_to_excluding_noinit(old, b, "t", "k", "v", "ver", HSS_MG_LOCK, NULL);
	if (!BSON_APPEND_UTF8(b, "t", table) || !BSON_APPEND_UTF8(b, "k", khex) ||
	    !BSON_APPEND_BINARY(b, "v", BSON_SUBTYPE_BINARY, data, (uint32_t)len) ||
	    !BSON_APPEND_INT64(b, "ver", (int64_t)version)) {
		mg_wipe_free(b);
		return NULL;
	}
	return b;
}

static int write_rec(struct hss_db_tx *tx, bool insert, const char *table, const char *key,
                     const void *data, size_t len, uint64_t version)
{
	char khex[2 * HSS_DB_REC_KEY_MAX + 1];
	struct mg_ent *e;
	bson_t *nw;
	int rc;

	hss_mg_rec_khex(key, khex);
	if ((rc = mg_lock(tx, NULL, table, khex, &e)))
		return rc;
	if (insert && e->cur)
		return hss_db_set_error(EEXIST, "record %s/%.80s exists", table, key);
	if (!insert && !e->cur)
		return hss_db_set_error(ENOENT, "record %s/%.80s not found", table, key);
	/* a record deleted and inserted again in this transaction replaces the stored one */
	if (!(nw = hss_mg_rec_build(e->cur ? e->cur : e->base, table, khex, data, len, version)))
		return hss_db_set_error(ENOMEM, "mongodb: out of memory (record of %zu octets)", len);
	if (insert && e->base)
		e->recreated = true;
	if (e->cur != e->base)
		mg_wipe_free(e->cur);
	e->cur = nw;
	e->dirty = true;
	tx->nwrites++;
	return 0;
}

int mg_rec_insert(struct hss_db_tx *tx, const char *table, const char *key, const void *data,
                  size_t len, uint64_t version)
{
	return write_rec(tx, true, table, key, data, len, version);
}

int mg_rec_update(struct hss_db_tx *tx, const char *table, const char *key, const void *data,
                  size_t len, uint64_t version)
{
	return write_rec(tx, false, table, key, data, len, version);
}

int mg_rec_delete(struct hss_db_tx *tx, const char *table, const char *key)
{
	char khex[2 * HSS_DB_REC_KEY_MAX + 1];
	struct mg_ent *e;
	int rc;

	hss_mg_rec_khex(key, khex);
	if ((rc = mg_lock(tx, NULL, table, khex, &e)))
		return rc;
	if (!e->cur)
		return hss_db_set_error(ENOENT, "record %s/%.80s not found", table, key);
	if (e->cur != e->base)
		mg_wipe_free(e->cur);
	e->cur = NULL;
	e->recreated = false;
	e->dirty = true;
	tx->nwrites++;
	return 0;
}

/* ---- listing ------------------------------------------------------------------------------ */

/* Whether the hex key k is in the page's range. */
static bool in_range(const char *k, const char *after, const char *prefix, const char *upper)
{
	return strcmp(k, after) > 0 && strcmp(k, prefix) >= 0 && (!upper || strcmp(k, upper) < 0);
}

static int cmp_ent(const void *a, const void *b)
{
	return strcmp((*(struct mg_ent *const *)a)->khex, (*(struct mg_ent *const *)b)->khex);
}

int mg_rec_page(struct hss_db_tx *tx, const char *table, const char *prefix, const char *upper,
                const char *after, size_t want, struct hss_db_rec *out, size_t *ret_n)
{
	struct mg_conn *c = tx->pc->h;
	char ha[2 * HSS_DB_REC_KEY_MAX + 1], hp[2 * HSS_DB_REC_KEY_MAX + 1];
	char hu[2 * HSS_DB_REC_KEY_MAX + 1];
	struct mg_ent **mine = NULL;
	size_t nmine = 0, nmi = 0, i, n = 0;
	bson_t f = BSON_INITIALIZER, kr, *o = NULL;
	mongoc_cursor_t *cur = NULL;
	const bson_t *d = NULL;
	bson_error_t err;
	bool more;
	int64_t l = mg_left_ms(tx);
	int rc = 0;

	hss_mg_rec_khex(after, ha);
	hss_mg_rec_khex(prefix, hp);
	if (upper)
		hss_mg_rec_khex(upper, hu);
	/* this write transaction's own records of the range, in key order: they stand for
	 * what the server holds under the same keys */
	for (i = 0; i < c->nents; i++)
		if (c->ents[i].table && c->ents[i].dirty && !strcmp(c->ents[i].table, table) &&
		    in_range(c->ents[i].khex, ha, hp, upper ? hu : NULL))
			nmine++;
	if (nmine && !(mine = calloc(nmine, sizeof(*mine))))
		return hss_db_set_error(ENOMEM, "mongodb: out of memory");
	for (i = 0, nmine = 0; i < c->nents; i++)
		if (c->ents[i].table && c->ents[i].dirty && !strcmp(c->ents[i].table, table) &&
		    in_range(c->ents[i].khex, ha, hp, upper ? hu : NULL))
			mine[nmine++] = &c->ents[i];
	if (nmine > 1)
		qsort(mine, nmine, sizeof(*mine), cmp_ent);
	if (!l) {
		rc = hss_db_set_error(ETIMEDOUT, "mongodb: list records: no answer within %u ms",
		                      tx->db->opts.timeout_ms);
		goto out;
	}
	BSON_APPEND_UTF8(&f, "t", table);
	BSON_APPEND_DOCUMENT_BEGIN(&f, "k", &kr);
	BSON_APPEND_UTF8(&kr, "$gt", ha);
	BSON_APPEND_UTF8(&kr, "$gte", hp);
	if (upper)
		BSON_APPEND_UTF8(&kr, "$lt", hu);
	bson_append_document_end(&f, &kr);
	/* the records this transaction deleted may take places in the server's answer */
	o = BCON_NEW("sort", "{", "t", BCON_INT32(1), "k", BCON_INT32(1), "}",
	             "limit", BCON_INT64((int64_t)(want + nmine)), "maxTimeMS", BCON_INT64(l));
	cur = mongoc_collection_find_with_opts(c->rcoll, &f, o, NULL);
	more = mongoc_cursor_next(cur, &d);
	while (n < want && (more || nmi < nmine)) {
		const char *k = NULL;
		uint32_t klen;
		bson_iter_t it;

		if (more && (!bson_iter_init_find(&it, d, "k") || !hss_mg_str(&it, &k, &klen))) {
			rc = hss_db_set_error(EIO, "mongodb: corrupt key in records table '%s'", table);
			goto out;
		}
		if (more && (nmi == nmine || strcmp(k, mine[nmi]->khex) < 0)) {
			/* a stored record this transaction did not write */
			if ((rc = hss_mg_rec_decode(d, table, NULL, true, &out[n])))
				goto out;
			n++;
			more = mongoc_cursor_next(cur, &d);
			continue;
		}
		/* ours comes first, or stands for the stored one under the same key */
		if (more && !strcmp(k, mine[nmi]->khex))
			more = mongoc_cursor_next(cur, &d);
		if (mine[nmi]->cur) {
			if ((rc = hss_mg_rec_decode(mine[nmi]->cur, table, NULL, true, &out[n])))
				goto out;
			n++;
		}
		nmi++;
	}
	if (mongoc_cursor_error(cur, &err))
		rc = mg_err(tx->db, tx->pc, &err, NULL, "list records");
out:
	if (cur)
		mongoc_cursor_destroy(cur);
	if (o)
		bson_destroy(o);
	bson_destroy(&f);
	free(mine);
	if (rc) {
		while (n)
			hss_db_rec_free(&out[--n]);
		return rc;
	}
	*ret_n = n;
	return 0;
}

/* ---- opening ------------------------------------------------------------------------------ */

int mg_rec_indexes(struct hss_db *db, mongoc_database_t *d, char *err, size_t errlen)
{
	struct mg_be *b = MGB(db);
	bson_t *cmd = BCON_NEW("createIndexes", BCON_UTF8(b->rcoll), "indexes", "[",
	                       "{", "key", "{", "t", BCON_INT32(1), "k", BCON_INT32(1), "}",
	                       "name", BCON_UTF8("t_1_k_1"), "unique", BCON_BOOL(true), "}", "]");
	bson_t reply;
	bson_error_t e;
	int rc = 0;

	if (!mongoc_database_write_command_with_opts(d, cmd, NULL, &reply, &e)) {
		snprintf(err, errlen, "mongodb: index of the records collection %s.%s (t, k unique): "
		         "%s", b->dbname, b->rcoll, e.message);
		rc = EIO;
	}
	bson_destroy(&reply);
	bson_destroy(cmd);
	return rc;
}

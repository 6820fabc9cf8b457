/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_mongo_sub.c: the subscriber primitives of the MongoDB backend, and what makes a
 * read-modify-write safe across threads and processes without relying on multi-document
 * transactions (for subscribers and for the keyed records of db_mongo_rec.c alike):
 *
 * - A read in a write transaction LOCKS the subscriber: one findAndModify sets
 *   `_lock: {o: owner, t: expiry}` on the document when it has none (or an expired one) and
 *   returns the document. Another process finding it locked waits (polling, within its
 *   deadline; during a lock outage at once) rather than failing: an SQN is never read by two
 *   writers at the same time.
 * - Writes change the transaction's copy of the document only. Commit stores each changed
 *   document with ONE write guarded by the lock (`{imsi, _lock.o: owner}`) that also removes
 *   the lock: the minimal $set/$unset (db_mongo_doc.c), a delete, or an insert of a new
 *   document (the unique imsi index refuses a concurrent one). A guard that does not match
 *   (the lock expired and was taken over) is EAGAIN: the layer runs the body again. Rollback
 *   is dropping the copies and releasing the locks.
 * - Several documents in one commit (a put_stream, a group of writes) are one
 *   multi-document transaction when the server has them (replica set, mongos); on a
 *   standalone server each document is written atomically on its own, in order, and a
 *   failure part way leaves the earlier ones written.
 * - A lock outlives its holder by at most timeout_ms + 2 s (a process killed while holding
 *   one delays that subscriber, never corrupts it); the expiry is wall-clock time, so
 *   clocks of the HSS hosts must agree within that margin for waiters not to take a live
 *   lock early (which the guard then catches: EAGAIN, no lost write).
 */
#include "db_mongo_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define POLL_MIN_MS 1
#define POLL_MAX_MS 10

static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What is left of the operation's deadline, at least 1 ms (0: past it). */
int64_t mg_left_ms(struct hss_db_tx *tx)
{
	int64_t l = tx->pc->deadline - hss_now_ms();

	return l > 0 ? l : 0;
}

void mg_wipe_free(bson_t *b)
{
	if (b) {
		/* subscriber documents hold K and OP/OPc */
		explicit_bzero((void *)bson_get_data(b), b->len);
		bson_destroy(b);
	}
}

static int timeout(struct hss_db *db, const char *what)
{
	return hss_db_set_error(ETIMEDOUT, "mongodb: %s: no answer within %u ms", what,
	                        db->opts.timeout_ms);
}

/* opts += maxTimeMS: what is left of the deadline. */
static bool max_time(struct hss_db_tx *tx, bson_t *opts)
{
	int64_t l = mg_left_ms(tx);

	return l > 0 && BSON_APPEND_INT64(opts, "maxTimeMS", l);
}

/* ---- the transaction's documents ------------------------------------------------------- */

void mg_tx_reset(struct mg_conn *c)
{
	size_t i;

	for (i = 0; i < c->nents; i++) {
		if (c->ents[i].cur != c->ents[i].base)
			mg_wipe_free(c->ents[i].cur);
		mg_wipe_free(c->ents[i].base);
		free(c->ents[i].table);
		free(c->ents[i].khex);
	}
	c->nents = 0;
}

/* A subscriber (imsi) or a record (imsi NULL: table, khex). */
static struct mg_ent *ent_find(struct mg_conn *c, const char *imsi, const char *table,
                               const char *khex)
{
	size_t i;

	for (i = 0; i < c->nents; i++) {
		const struct mg_ent *e = &c->ents[i];

		if (imsi ? !e->table && !strcmp(e->imsi, imsi)
		         : e->table && !strcmp(e->table, table) && !strcmp(e->khex, khex))
			return &c->ents[i];
	}
	return NULL;
}

/* The fields that find e's document. */
static bool ent_ident(const struct mg_ent *e, bson_t *q)
{
	if (e->table)
		return BSON_APPEND_UTF8(q, "t", e->table) && BSON_APPEND_UTF8(q, "k", e->khex);
	return BSON_APPEND_UTF8(q, "imsi", e->imsi);
}

static mongoc_collection_t *ent_coll(const struct mg_conn *c, const struct mg_ent *e)
{
	return e->table ? c->rcoll : c->coll;
}

/* What an error message calls e (a record's key is shown in hex, shortened). */
static const char *ent_name(const struct mg_ent *e, char *buf, size_t n)
{
	if (e->table)
		snprintf(buf, n, "record %s/%.64s", e->table, e->khex);
	else
		snprintf(buf, n, "IMSI %s", e->imsi);
	return buf;
}

static struct mg_ent *ent_add(struct mg_conn *c, const char *imsi, const char *table,
                              const char *khex, bson_t *doc)
{
	struct mg_ent *e;

	if (c->nents == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 8;
		struct mg_ent *n = realloc(c->ents, cap * sizeof(*n));

		if (!n)
			return NULL;
		c->ents = n;
		c->cap = cap;
	}
	e = &c->ents[c->nents];
	memset(e, 0, sizeof(*e));
	if (imsi) {
		snprintf(e->imsi, sizeof(e->imsi), "%s", imsi);
	} else if (!(e->table = strdup(table)) || !(e->khex = strdup(khex))) {
		free(e->table);
		e->table = NULL;
		return NULL;
	}
	c->nents++;
	e->base = e->cur = doc;
	return e;
}

int mg_lock(struct hss_db_tx *tx, const char *imsi, const char *table, const char *khex,
            struct mg_ent **ret)
{
	struct hss_db *db = tx->db;
	struct mg_be *b = MGB(db);
	struct mg_conn *c = tx->pc->h;
	unsigned nap = POLL_MIN_MS;
	struct mg_ent *e, id = { .table = (char *)table, .khex = (char *)khex };
	mongoc_collection_t *coll;
	char name[128];
	int rc;

	if ((e = ent_find(c, imsi, table, khex))) {
		*ret = e;
		return 0;
	}
	if (imsi)
		snprintf(id.imsi, sizeof(id.imsi), "%s", imsi);
	if (!imsi && !table)
		return hss_db_set_error(EINVAL, "mongodb: nothing to lock");
	coll = ent_coll(c, &id);
	ent_name(&id, name, sizeof(name));
	for (;;) {
		int64_t now = wall_ms(), l = mg_left_ms(tx);
		mongoc_find_and_modify_opts_t *fam;
		bson_t *q, *upd, reply, wcd, wc = BSON_INITIALIZER;
		const bson_t *found = NULL;
		bson_t *doc = NULL;
		bson_error_t err;
		bson_iter_t it;
		bool ok;

		if (!l)
			return timeout(db, table ? "lock record" : "lock subscriber");
		q = bson_new();
		(void)ent_ident(&id, q);
		BCON_APPEND(q, "$or", "[",
		             "{", HSS_MG_LOCK, "{", "$exists", BCON_BOOL(false), "}", "}",
		             "{", HSS_MG_LOCK ".t", "{", "$lt", BCON_INT64(now), "}", "}",
		             "{", HSS_MG_LOCK ".o", BCON_OID(&c->owner), "}", "]");
		upd = BCON_NEW("$set", "{", HSS_MG_LOCK, "{", "o", BCON_OID(&c->owner),
		               "t", BCON_INT64(now + b->lease_ms), "}", "}");
		fam = mongoc_find_and_modify_opts_new();
		mongoc_find_and_modify_opts_set_update(fam, upd);
		mongoc_find_and_modify_opts_set_flags(fam, MONGOC_FIND_AND_MODIFY_RETURN_NEW);
		mongoc_find_and_modify_opts_set_max_time_ms(fam, (uint32_t)l);
		/* the lock need not wait for journal or majority: if it is lost in a failover, the
		 * guarded write of the commit finds out */
		BSON_APPEND_DOCUMENT_BEGIN(&wc, "writeConcern", &wcd);
		BSON_APPEND_INT32(&wcd, "w", 1);
		bson_append_document_end(&wc, &wcd);
		mongoc_find_and_modify_opts_append(fam, &wc);
		ok = mongoc_collection_find_and_modify_with_opts(coll, q, fam, &reply, &err);
		if (ok && bson_iter_init_find(&it, &reply, "value") && BSON_ITER_HOLDS_DOCUMENT(&it)) {
			const uint8_t *data;
			uint32_t len;
			bson_t tmp;

			bson_iter_document(&it, &len, &data);
			if (bson_init_static(&tmp, data, len))
				found = doc = bson_copy(&tmp);
		}
		rc = ok ? 0 : mg_err(db, tx->pc, &err, &reply,
		                     table ? "lock record" : "lock subscriber");
		bson_destroy(&reply);
		bson_destroy(&wc);
		mongoc_find_and_modify_opts_destroy(fam);
		bson_destroy(q);
		bson_destroy(upd);
		if (rc)
			return rc;
		if (found) {
			hss_pool_lock_clear(db);
			if (!(e = ent_add(c, imsi, table, khex, doc))) {
				mg_wipe_free(doc);
				return hss_db_set_error(ENOMEM, "mongodb: out of memory");
			}
			*ret = e;
			return 0;
		}
		/* not found: absent, or locked by someone else */
		{
			bson_t *f = bson_new();
			bson_t *o = BCON_NEW("projection", "{", HSS_MG_LOCK, BCON_INT32(1), "}",
			                     "limit", BCON_INT64(1), "maxTimeMS", BCON_INT64(l));
			mongoc_cursor_t *cur;
			const bson_t *d;
			bool exists;

			(void)ent_ident(&id, f);
			cur = mongoc_collection_find_with_opts(coll, f, o, NULL);
			exists = mongoc_cursor_next(cur, &d);
			if (!exists && mongoc_cursor_error(cur, &err))
				rc = mg_err(db, tx->pc, &err, NULL,
				            table ? "lock record" : "lock subscriber");
			mongoc_cursor_destroy(cur);
			bson_destroy(f);
			bson_destroy(o);
			if (rc)
				return rc;
			if (!exists) {
				if (!(e = ent_add(c, imsi, table, khex, NULL)))
					return hss_db_set_error(ENOMEM, "mongodb: out of memory");
				*ret = e;
				return 0;
			}
		}
		/* locked: wait for it, unless another operation already waits for a lock (lock
		 * outage: the others fail at once, see db_pool.c) */
		if (!hss_pool_may_wait(db, tx->pc))
			return hss_db_set_error(ETIMEDOUT, "mongodb: %s is locked by another HSS "
			                        "process (another operation waits for a lock)", name);
		if ((int64_t)nap >= mg_left_ms(tx)) {
			hss_pool_lock_timeout(db);
			return hss_db_set_error(ETIMEDOUT, "mongodb: %s stayed locked by another "
			                        "HSS process for more than %u ms", name,
			                        db->opts.timeout_ms);
		}
		{
			struct timespec ts = { 0, (long)(nap + (unsigned)(rand() % (int)nap)) * 500000L };

			nanosleep(&ts, NULL);
		}
		if (nap < POLL_MAX_MS)
			nap *= 2;
	}
}

/* Locks still held (read, not written) are released, guarded by our owner id. */
void mg_tx_release(struct hss_db_tx *tx)
{
	struct mg_conn *c = tx->pc->h;
	bson_t q = BSON_INITIALIZER, in, arr, *upd;
	bson_error_t err;
	size_t i, n = 0;
	char key[16];
	const char *k;

	BSON_APPEND_DOCUMENT_BEGIN(&q, "imsi", &in);
	BSON_APPEND_ARRAY_BEGIN(&in, "$in", &arr);
	for (i = 0; i < c->nents; i++)
		if (c->ents[i].base && !c->ents[i].table) {
			bson_uint32_to_string((uint32_t)n++, &k, key, sizeof(key));
			bson_append_utf8(&arr, k, -1, c->ents[i].imsi, -1);
		}
	bson_append_array_end(&in, &arr);
	bson_append_document_end(&q, &in);
	BSON_APPEND_OID(&q, HSS_MG_LOCK ".o", &c->owner);
	upd = BCON_NEW("$unset", "{", HSS_MG_LOCK, BCON_UTF8(""), "}");
	/* a failure leaves the locks to expire: nothing more to do here */
	if (n)
		(void)mongoc_collection_update_many(c->coll, &q, upd, NULL, NULL, &err);
	/* records: one {t, k} each, in one update */
	bson_reinit(&q);
	BSON_APPEND_ARRAY_BEGIN(&q, "$or", &arr);
	for (i = 0, n = 0; i < c->nents; i++)
		if (c->ents[i].base && c->ents[i].table) {
			bson_uint32_to_string((uint32_t)n++, &k, key, sizeof(key));
			BSON_APPEND_DOCUMENT_BEGIN(&arr, k, &in);
			(void)ent_ident(&c->ents[i], &in);
			bson_append_document_end(&arr, &in);
		}
	bson_append_array_end(&q, &arr);
	BSON_APPEND_OID(&q, HSS_MG_LOCK ".o", &c->owner);
	if (n)
		(void)mongoc_collection_update_many(c->rcoll, &q, upd, NULL, NULL, &err);
	bson_destroy(&q);
	bson_destroy(upd);
}

/* Store one entry (opts: the session's, or NULL). 0, or an errno with the message. */
static int store(struct hss_db_tx *tx, struct mg_ent *e, const bson_t *opts)
{
	struct mg_conn *c = tx->pc->h;
	mongoc_collection_t *coll = ent_coll(c, e);
	bson_t *guard = NULL, reply = BSON_INITIALIZER, upd;
	const char *what = e->table ? "write record" : "write subscriber";
	char name[128];
	bson_error_t err;
	bson_iter_t it;
	int64_t matched = -1;
	size_t n = 0;
	bool ok;
	int rc = 0;

	ent_name(e, name, sizeof(name));
	if (e->base) {
		guard = bson_new();
		(void)ent_ident(e, guard);
		BSON_APPEND_OID(guard, HSS_MG_LOCK ".o", &c->owner);
	}
	bson_init(&upd);
	if (!e->base) {
		what = e->table ? "insert record" : "insert subscriber";
		bson_destroy(&reply);
		ok = mongoc_collection_insert_one(coll, e->cur, opts, &reply, &err);
		if (!ok && err.code == 11000) {   /* inserted meanwhile by another process */
			rc = hss_db_set_error(EAGAIN, "mongodb: %s was inserted by another writer",
			                      name);
			goto out;
		}
		matched = 1;
	} else if (!e->cur) {
		what = e->table ? "delete record" : "delete subscriber";
		bson_destroy(&reply);
		ok = mongoc_collection_delete_one(coll, guard, opts, &reply, &err);
		if (ok && bson_iter_init_find(&it, &reply, "deletedCount"))
			(void)hss_mg_int(&it, &matched);
	} else {
		if (e->recreated) {
			bson_destroy(&reply);
			ok = mongoc_collection_replace_one(coll, guard, e->cur, opts, &reply, &err);
		} else {
			if ((rc = hss_mg_diff(e->base, e->cur, &upd, &n))) {
				rc = hss_db_set_error(EIO, "mongodb: %s: the stored document has a "
				                      "field name that cannot be updated", name);
				goto out;
			}
			bson_destroy(&reply);
			ok = mongoc_collection_update_one(coll, guard, &upd, opts, &reply, &err);
		}
		if (ok && bson_iter_init_find(&it, &reply, "matchedCount"))
			(void)hss_mg_int(&it, &matched);
	}
	if (!ok) {
		rc = mg_err(tx->db, tx->pc, &err, &reply, what);
		goto out;
	}
	if (matched != 1)
		rc = hss_db_set_error(EAGAIN, "mongodb: the lock on %s was lost (held more than "
		                      "%" PRId64 " ms, or it was deleted)", name,
		                      MGB(tx->db)->lease_ms);
out:
	mg_wipe_free(&upd);
	bson_destroy(&reply);
	if (guard)
		bson_destroy(guard);
	return rc;
}

int mg_tx_apply(struct hss_db_tx *tx)
{
	struct mg_conn *c = tx->pc->h;
	struct mg_be *b = MGB(tx->db);
	size_t i, nw = 0;
	bson_error_t err;
	int rc = 0;

	for (i = 0; i < c->nents; i++)
		if (c->ents[i].dirty && (c->ents[i].base || c->ents[i].cur))
			nw++;
	if (nw >= 2 && b->txn) {
		/* several documents: all or nothing */
		mongoc_transaction_opt_t *to = mongoc_transaction_opts_new();
		bson_t opts = BSON_INITIALIZER, reply;

		mongoc_transaction_opts_set_max_commit_time_ms(to, mg_left_ms(tx) ? mg_left_ms(tx) : 1);
		if ((!c->sess && !(c->sess = mongoc_client_start_session(c->client, NULL, &err))) ||
		    !mongoc_client_session_start_transaction(c->sess, to, &err) ||
		    !mongoc_client_session_append(c->sess, &opts, &err)) {
			rc = mg_err(tx->db, tx->pc, &err, NULL, "begin transaction");
		} else {
			for (i = 0; i < c->nents && !rc; i++)
				if (c->ents[i].dirty && (c->ents[i].base || c->ents[i].cur))
					rc = store(tx, &c->ents[i], &opts);
			if (!rc && !mongoc_client_session_commit_transaction(c->sess, &reply, &err))
				rc = mg_err(tx->db, tx->pc, &err, &reply, "commit");
			else if (!rc)
				bson_destroy(&reply);
			if (rc)
				(void)mongoc_client_session_abort_transaction(c->sess, NULL);
		}
		bson_destroy(&opts);
		mongoc_transaction_opts_destroy(to);
	} else {
		/* one document (atomic by itself), or a standalone server: in order */
		for (i = 0; i < c->nents && !rc; i++)
			if (c->ents[i].dirty && (c->ents[i].base || c->ents[i].cur))
				rc = store(tx, &c->ents[i], NULL);
	}
	/* the locks of what was only read, or not stored after a failure */
	for (i = 0; i < c->nents; i++)
		if (c->ents[i].base && (!c->ents[i].dirty || rc)) {
			mg_tx_release(tx);
			break;
		}
	return rc;
}

/* ---- primitives ---------------------------------------------------------------------------- */

/* One subscriber document by IMSI, outside a write transaction (no lock). *ret NULL: none. */
static int find_one(struct hss_db_tx *tx, const char *imsi, bson_t **ret)
{
	struct mg_conn *c = tx->pc->h;
	bson_t *f = BCON_NEW("imsi", BCON_UTF8(imsi)), o = BSON_INITIALIZER;
	mongoc_cursor_t *cur;
	const bson_t *d;
	bson_error_t err;
	int rc = 0;

	*ret = NULL;
	if (!BSON_APPEND_INT64(&o, "limit", 1) || !max_time(tx, &o)) {
		bson_destroy(f);
		bson_destroy(&o);
		return timeout(tx->db, "read subscriber");
	}
	cur = mongoc_collection_find_with_opts(c->coll, f, &o, NULL);
	if (mongoc_cursor_next(cur, &d))
		*ret = bson_copy(d);
	else if (mongoc_cursor_error(cur, &err))
		rc = mg_err(tx->db, tx->pc, &err, NULL, "read subscriber");
	mongoc_cursor_destroy(cur);
	bson_destroy(f);
	bson_destroy(&o);
	return rc;
}

static int decode(struct hss_db_tx *tx, const bson_t *doc, unsigned parts, struct hss_sub *out)
{
	char err[512];
	int rc = hss_mg_decode(MGB(tx->db)->schema, doc, parts, out, err, sizeof(err));

	if (rc)
		hss_db_set_error(rc, "%s", err);
	return rc;
}

int mg_sub_read(struct hss_db_tx *tx, const char *imsi, unsigned parts, struct hss_sub *out)
{
	struct mg_ent *e;
	bson_t *doc;
	int rc;

	if (tx->write) {
		if ((rc = mg_lock(tx, imsi, NULL, NULL, &e)))
			return rc;
		if (!e->cur)
			return hss_db_set_error(ENOENT, "IMSI %s not found", imsi);
		return decode(tx, e->cur, parts, out);
	}
	if ((rc = find_one(tx, imsi, &doc)))
		return rc;
	if (!doc)
		return hss_db_set_error(ENOENT, "IMSI %s not found", imsi);
	rc = decode(tx, doc, parts, out);
	mg_wipe_free(doc);
	return rc;
}

int mg_sub_write(struct hss_db_tx *tx, const struct hss_sub *sub, unsigned parts,
                 enum hss_wmode how)
{
	struct mg_ent *e;
	bson_t *nw, tmp;
	char err[512];
	int rc;

	if ((rc = mg_lock(tx, sub->imsi, NULL, NULL, &e)))
		return rc;
	if (how == HSS_W_INSERT && e->cur)
		return hss_db_set_error(EEXIST, "IMSI %s already exists", sub->imsi);
	if (how == HSS_W_UPDATE && !e->cur)
		return hss_db_set_error(ENOENT, "IMSI %s not found", sub->imsi);
	/* a new document starts empty: the serving state too */
	rc = hss_mg_build(MGB(tx->db)->schema, how == HSS_W_INSERT ? NULL : e->cur, sub,
	                  how == HSS_W_INSERT ? parts | HSS_PART_APNS : parts, &tmp, err, sizeof(err));
	nw = rc ? NULL : bson_copy(&tmp);
	mg_wipe_free(&tmp);
	if (rc)
		return hss_db_set_error(rc == ENOMEM ? ENOMEM : EIO, "%s", err);
	if (!nw)
		return hss_db_set_error(ENOMEM, "mongodb: out of memory");
	if (how == HSS_W_INSERT && e->base)
		e->recreated = true;
	if (e->cur != e->base)
		mg_wipe_free(e->cur);
	e->cur = nw;
	e->dirty = true;
	tx->nwrites++;
	return 0;
}

int mg_sub_delete(struct hss_db_tx *tx, const char *imsi)
{
	struct mg_ent *e;
	int rc;

	if ((rc = mg_lock(tx, imsi, NULL, NULL, &e)))
		return rc;
	if (!e->cur)
		return hss_db_set_error(ENOENT, "IMSI %s not found", imsi);
	if (e->cur != e->base)
		mg_wipe_free(e->cur);
	e->cur = NULL;
	e->recreated = false;
	e->dirty = true;
	tx->nwrites++;
	return 0;
}

/* IMSIs of a cursor's documents ("imsi" strings) into out. */
static int collect(struct hss_db_tx *tx, mongoc_cursor_t *cur, const char *msisdn0,
                   char (*out)[16], size_t want, size_t *ret_n)
{
	enum hss_mg_schema s = MGB(tx->db)->schema;
	const bson_t *d;
	bson_error_t err;
	size_t n = 0;

	while (n < want && mongoc_cursor_next(cur, &d)) {
		bson_iter_t it, a;
		const char *v;
		uint32_t len;

		if (msisdn0 && s == HSS_MG_OPEN5GS) {
			/* open5gs: msisdn[1] is the A-MSISDN; only msisdn[0] is the MSISDN */
			if (!bson_iter_init_find(&it, d, "msisdn"))
				continue;
			if (BSON_ITER_HOLDS_ARRAY(&it)) {
				if (!bson_iter_recurse(&it, &a) || !bson_iter_next(&a))
					continue;
				it = a;
			}
			if (!hss_mg_str(&it, &v, &len) || len != strlen(msisdn0) ||
			    memcmp(v, msisdn0, len))
				continue;
		}
		if (!bson_iter_init_find(&it, d, "imsi") || !hss_mg_str(&it, &v, &len) || len > 15)
			return hss_db_set_error(EIO, "mongodb: a document has no valid 'imsi'");
		memcpy(out[n], v, len);
		out[n][len] = 0;
		n++;
	}
	if (mongoc_cursor_error(cur, &err))
		return mg_err(tx->db, tx->pc, &err, NULL, "list");
	*ret_n = n;
	return 0;
}

int mg_sub_by_msisdn(struct hss_db_tx *tx, const char *msisdn, char imsi[16])
{
	struct mg_conn *c = tx->pc->h;
	bool o5 = MGB(tx->db)->schema == HSS_MG_OPEN5GS;
	bson_t *f = BCON_NEW("msisdn", BCON_UTF8(msisdn));
	bson_t *o = BCON_NEW("projection", "{", "imsi", BCON_INT32(1), "msisdn", BCON_INT32(1), "}",
	                     "sort", "{", "imsi", BCON_INT32(1), "}",
	                     "limit", BCON_INT64(o5 ? 64 : 1));
	char one[1][16];
	mongoc_cursor_t *cur;
	size_t n = 0;
	int rc;

	if (!max_time(tx, o)) {
		bson_destroy(f);
		bson_destroy(o);
		return timeout(tx->db, "lookup by msisdn");
	}
	cur = mongoc_collection_find_with_opts(c->coll, f, o, NULL);
	rc = collect(tx, cur, msisdn, one, 1, &n);
	mongoc_cursor_destroy(cur);
	bson_destroy(f);
	bson_destroy(o);
	if (!rc && !n)
		rc = hss_db_set_error(ENOENT, "MSISDN %s not found", msisdn);
	if (!rc)
		memcpy(imsi, one[0], 16);
	return rc;
}

int mg_sub_page(struct hss_db_tx *tx, const char *after, uint64_t offset, size_t want,
                char (*out)[16], size_t *ret_n)
{
	struct mg_conn *c = tx->pc->h;
	bson_t *f = BCON_NEW("imsi", "{", "$gt", BCON_UTF8(after), "}");
	bson_t *o = BCON_NEW("projection", "{", "imsi", BCON_INT32(1), "}",
	                     "sort", "{", "imsi", BCON_INT32(1), "}",
	                     "skip", BCON_INT64((int64_t)offset), "limit", BCON_INT64((int64_t)want));
	mongoc_cursor_t *cur;
	int rc;

	if (!max_time(tx, o)) {
		bson_destroy(f);
		bson_destroy(o);
		return timeout(tx->db, "list");
	}
	cur = mongoc_collection_find_with_opts(c->coll, f, o, NULL);
	rc = collect(tx, cur, NULL, out, want, ret_n);
	mongoc_cursor_destroy(cur);
	bson_destroy(f);
	bson_destroy(o);
	return rc;
}

int mg_sub_count(struct hss_db_tx *tx, uint64_t *ret)
{
	struct mg_conn *c = tx->pc->h;
	bson_t f = BSON_INITIALIZER, o = BSON_INITIALIZER;
	bson_error_t err;
	int64_t n;
	int rc = 0;

	if (!max_time(tx, &o))
		rc = timeout(tx->db, "count");
	else if ((n = mongoc_collection_count_documents(c->coll, &f, &o, NULL, NULL, &err)) < 0)
		rc = mg_err(tx->db, tx->pc, &err, NULL, "count");
	else
		*ret = (uint64_t)n;
	bson_destroy(&f);
	bson_destroy(&o);
	return rc;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_sqlite_rec.c: the keyed records of the SQLite backend, in one table
 * records(tbl, k BLOB, v BLOB, ver, PRIMARY KEY (tbl, k)) WITHOUT ROWID. Keys are bound as
 * BLOBs everywhere so that they compare octet by octet (memcmp), as MySQL's VARBINARY does.
 *
 * A transaction is one connection of the pool under BEGIN IMMEDIATE, taken the way the
 * other writes take it (the process's writers queue on d->wmu, the busy handler polls for
 * other processes until the operation's deadline): what the body reads cannot change
 * before it commits. Reads outside transactions are single statements on any connection
 * (WAL: they never wait for the writer).
 */
#include "db_sqlite.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const rsql[RST_MAX] = {
	[RST_GET] = "SELECT v, ver FROM records WHERE tbl = ?1 AND k = ?2",
	[RST_INS] = "INSERT INTO records (tbl, k, v, ver) VALUES (?1, ?2, ?3, ?4)",
	[RST_UPD] = "UPDATE records SET v = ?3, ver = ?4 WHERE tbl = ?1 AND k = ?2",
	[RST_DEL] = "DELETE FROM records WHERE tbl = ?1 AND k = ?2",
	[RST_PAGE] = "SELECT k, v, ver FROM records WHERE tbl = ?1 AND k > ?2 AND k >= ?3 "
	             "ORDER BY k LIMIT ?4",
	[RST_PAGE_UPPER] = "SELECT k, v, ver FROM records WHERE tbl = ?1 AND k > ?2 AND k >= ?3 "
	                   "AND k < ?5 ORDER BY k LIMIT ?4",
};

struct sq_tx {
	struct hss_db_tx base;       /* first: what the body gets */
	struct sq_conn *c;
};

/* The cached statement, reset and unbound; NULL with the error set. */
static sqlite3_stmt *rstmt(struct sq_conn *c, int id)
{
	if (!c->rst[id]) {
		if (sqlite3_prepare_v3(c->h, rsql[id], -1, SQLITE_PREPARE_PERSISTENT, &c->rst[id],
		                       NULL) != SQLITE_OK) {
			db_sqlite_err(c, "prepare (records)");
			return NULL;
		}
	} else {
		sqlite3_reset(c->rst[id]);
		sqlite3_clear_bindings(c->rst[id]);
	}
	return c->rst[id];
}

static void bind_tk(sqlite3_stmt *st, const char *table, const char *key)
{
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, key, (int)strlen(key), SQLITE_STATIC);
}

/* The current row's value and version into ret (key given or from column kcol). */
static int row_to_rec(sqlite3_stmt *st, int kcol, int vcol, const char *table, const char *key,
                      struct hss_db_rec *ret)
{
	const void *v = sqlite3_column_blob(st, vcol);
	int vlen = sqlite3_column_bytes(st, vcol);
	sqlite3_int64 ver = sqlite3_column_int64(st, vcol + 1);
	struct hss_db_rec r = { 0 };
	int rc;

	if (kcol >= 0) {
		const void *k = sqlite3_column_blob(st, kcol);
		int klen = sqlite3_column_bytes(st, kcol);

		if (!k || klen <= 0 || (size_t)klen > HSS_DB_REC_KEY_MAX || memchr(k, 0, (size_t)klen))
			return hss_db_set_error(EIO, "sqlite: corrupt key in records table '%s'", table);
		rc = hss_db_rec_set_key(&r, k, (size_t)klen);
	} else {
		rc = hss_db_rec_set_key(&r, key, strlen(key));
	}
	if (rc)
		return rc;
	if (vlen < 0 || (size_t)vlen > HSS_DB_REC_VALUE_MAX || ver <= 0) {
		hss_db_rec_free(&r);
		return hss_db_set_error(EIO, "sqlite: corrupt record %s/%.80s", table,
		                        kcol >= 0 ? "?" : key);
	}
	if ((rc = hss_db_rec_set_data(&r, v ? v : "", (size_t)vlen))) {
		hss_db_rec_free(&r);
		return rc;
	}
	r.version = (uint64_t)ver;
	*ret = r;
	return 0;
}

static int get_on(struct sq_conn *c, const char *table, const char *key, struct hss_db_rec *ret)
{
	sqlite3_stmt *st = rstmt(c, RST_GET);
	int s, rc;

	if (!st)
		return EIO;
	bind_tk(st, table, key);
	s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		rc = row_to_rec(st, -1, 0, table, key, ret);
	else if (s == SQLITE_DONE)
		rc = hss_db_set_error(ENOENT, "record %s/%.80s not found", table, key);
	else
		rc = db_sqlite_err(c, "read record");
	sqlite3_reset(st);
	return rc;
}

static int page_on(struct sq_conn *c, const char *table, const char *prefix, const char *after,
                   size_t want, struct hss_db_rec *out, size_t *ret_n)
{
	char upper[HSS_DB_REC_KEY_MAX + 1];
	bool bounded = hss_db_rec_prefix_upper(prefix, upper);
	sqlite3_stmt *st = rstmt(c, bounded ? RST_PAGE_UPPER : RST_PAGE);
	size_t n = 0;
	int s, rc = 0;

	if (!st)
		return EIO;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, after, (int)strlen(after), SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, prefix, (int)strlen(prefix), SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)want);
	if (bounded)
		sqlite3_bind_blob(st, 5, upper, (int)strlen(upper), SQLITE_STATIC);
	while (n < want && (s = sqlite3_step(st)) == SQLITE_ROW) {
		if ((rc = row_to_rec(st, 0, 1, table, NULL, &out[n])))
			break;
		n++;
	}
	if (!rc && n < want && s != SQLITE_DONE)
		rc = db_sqlite_err(c, "list records");
	sqlite3_reset(st);
	if (rc) {
		while (n)
			hss_db_rec_free(&out[--n]);
		return rc;
	}
	*ret_n = n;
	return 0;
}

int db_sqlite_rec_get(struct hss_db *db, const char *table, const char *key,
                      struct hss_db_rec *ret)
{
	struct sq_db *d = SQ(db);
	struct sq_conn *c;
	int rc;

	if ((rc = db_sqlite_conn_get(d, false, &c)))
		return rc;
	rc = get_on(c, table, key, ret);
	db_sqlite_conn_put(d, c);
	return rc;
}

int db_sqlite_rec_page(struct hss_db *db, const char *table, const char *prefix,
                       const char *after, size_t want, struct hss_db_rec *out, size_t *ret_n)
{
	struct sq_db *d = SQ(db);
	struct sq_conn *c;
	int rc;

	if ((rc = db_sqlite_conn_get(d, false, &c)))
		return rc;
	rc = page_on(c, table, prefix, after, want, out, ret_n);
	db_sqlite_conn_put(d, c);
	return rc;
}

static int exec_sql(struct sq_conn *c, const char *sql, const char *what)
{
	if (sqlite3_exec(c->h, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_sqlite_err(c, what);
	return 0;
}

int db_sqlite_rec_tx(struct hss_db *db, hss_db_tx_fn fn, void *arg)
{
	struct sq_db *d = SQ(db);
	struct sq_tx tx = { { db }, NULL };
	int rc;

	if ((rc = db_sqlite_conn_get(d, true, &tx.c)))
		return rc;
	if ((rc = db_sqlite_write_lock(d, tx.c)))
		goto put;
	if ((rc = exec_sql(tx.c, "BEGIN IMMEDIATE", "begin"))) {
		db_sqlite_write_unlock(d, tx.c);
		goto put;
	}
	/* the write lock was had: whatever held the database let it go */
	atomic_store(&d->locked, false);
	rc = fn(&tx.base, arg);
	if (!rc)
		rc = exec_sql(tx.c, "COMMIT", "commit");
	/* ROLLBACK also after a failed COMMIT: the transaction may still be open */
	if (rc && !sqlite3_get_autocommit(tx.c->h))
		sqlite3_exec(tx.c->h, "ROLLBACK", NULL, NULL, NULL);
	db_sqlite_write_unlock(d, tx.c);
put:
	db_sqlite_conn_put(d, tx.c);
	return rc;
}

#define TXC(tx) (((struct sq_tx *)(tx))->c)

int db_sqlite_tx_get(struct hss_db_tx *tx, const char *table, const char *key,
                     struct hss_db_rec *ret)
{
	return get_on(TXC(tx), table, key, ret);
}

/* The stored version of (table, key), 0 when absent. */
static int cur_version(struct sq_conn *c, const char *table, const char *key, uint64_t *ret)
{
	sqlite3_stmt *st = rstmt(c, RST_GET);
	int s, rc = 0;

	if (!st)
		return EIO;
	bind_tk(st, table, key);
	s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		sqlite3_int64 v = sqlite3_column_int64(st, 1);
		if (v <= 0)
			rc = hss_db_set_error(EIO, "sqlite: corrupt version of record %s/%.80s", table, key);
		*ret = (uint64_t)v;
	} else if (s == SQLITE_DONE) {
		*ret = 0;
	} else {
		rc = db_sqlite_err(c, "read record");
	}
	sqlite3_reset(st);
	return rc;
}

int db_sqlite_tx_put(struct hss_db_tx *tx, const char *table, const char *key, const void *data,
                     size_t len, uint64_t expect, uint64_t *ret_version)
{
	struct sq_conn *c = TXC(tx);
	uint64_t cur = 0, nv;
	sqlite3_stmt *st;
	int rc;

	if ((rc = cur_version(c, table, key, &cur)))
		return rc;
	if (cur && expect == HSS_DB_REC_NEW)
		return hss_db_set_error(EEXIST, "record %s/%.80s exists", table, key);
	if (!cur && expect != HSS_DB_REC_NEW && expect != HSS_DB_REC_ANY)
		return hss_db_set_error(ENOENT, "record %s/%.80s not found", table, key);
	if (cur && expect != HSS_DB_REC_ANY && expect != cur)
		return hss_db_set_error(ECANCELED, "record %s/%.80s changed (version %llu, expected "
		                        "%llu)", table, key, (unsigned long long)cur,
		                        (unsigned long long)expect);
	nv = cur ? cur + 1 : hss_db_rec_new_version();
	if (!(st = rstmt(c, cur ? RST_UPD : RST_INS)))
		return EIO;
	bind_tk(st, table, key);
	sqlite3_bind_blob(st, 3, data, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)nv);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_sqlite_err(c, "write record");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);   /* the value may be a secret: no reference kept */
	if (!rc && ret_version)
		*ret_version = nv;
	return rc;
}

int db_sqlite_tx_del(struct hss_db_tx *tx, const char *table, const char *key, uint64_t expect)
{
	struct sq_conn *c = TXC(tx);
	uint64_t cur = 0;
	sqlite3_stmt *st;
	int rc;

	if ((rc = cur_version(c, table, key, &cur)))
		return rc;
	if (!cur)
		return hss_db_set_error(ENOENT, "record %s/%.80s not found", table, key);
	if (expect != HSS_DB_REC_ANY && expect != cur)
		return hss_db_set_error(ECANCELED, "record %s/%.80s changed (version %llu, expected "
		                        "%llu)", table, key, (unsigned long long)cur,
		                        (unsigned long long)expect);
	if (!(st = rstmt(c, RST_DEL)))
		return EIO;
	bind_tk(st, table, key);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_sqlite_err(c, "delete record");
	sqlite3_reset(st);
	return rc;
}

int db_sqlite_tx_page(struct hss_db_tx *tx, const char *table, const char *prefix,
                      const char *after, size_t want, struct hss_db_rec *out, size_t *ret_n)
{
	return page_on(TXC(tx), table, prefix, after, want, out, ret_n);
}

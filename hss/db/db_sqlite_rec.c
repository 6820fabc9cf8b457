/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_sqlite_rec.c: the keyed-record primitives of the SQLite driver, in one table
 * records(tbl, k BLOB, v BLOB, ver, PRIMARY KEY (tbl, k)) WITHOUT ROWID. Keys are bound as
 * BLOBs everywhere so that they compare octet by octet (memcmp), as MySQL's VARBINARY does;
 * values are BLOBs (any octets). Storage only: versions and conditions are rec.c's.
 *
 * Every primitive runs on the transaction's connection (db_tx.c): a write transaction is
 * BEGIN IMMEDIATE, so what it reads cannot change before it commits; reads outside one
 * never wait for the writer (WAL).
 */
#include "db_sqlite.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const rsql[SQR_N] = {
	[SQR_GET] = "SELECT v, ver FROM records WHERE tbl = ?1 AND k = ?2",
	[SQR_VER] = "SELECT ver FROM records WHERE tbl = ?1 AND k = ?2",
	[SQR_INS] = "INSERT INTO records (tbl, k, v, ver) VALUES (?1, ?2, ?3, ?4)",
	[SQR_UPD] = "UPDATE records SET v = ?3, ver = ?4 WHERE tbl = ?1 AND k = ?2",
	[SQR_DEL] = "DELETE FROM records WHERE tbl = ?1 AND k = ?2",
	[SQR_PAGE] = "SELECT k, v, ver FROM records WHERE tbl = ?1 AND k > ?2 AND k >= ?3 "
	             "ORDER BY k LIMIT ?4",
	[SQR_PAGE_UPPER] = "SELECT k, v, ver FROM records WHERE tbl = ?1 AND k > ?2 AND k >= ?3 "
	                   "AND k < ?5 ORDER BY k LIMIT ?4",
};

#define TXC(tx) ((struct sq_conn *)(tx)->pc->h)

/* The cached statement id of c, reset and unbound; NULL with the error set. */
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

/* Done with a statement: no reference to the caller's key or value (a secret) stays. */
static void rdone(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static void bind_tk(sqlite3_stmt *st, const char *table, const char *key)
{
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, key, (int)strlen(key), SQLITE_STATIC);
}

/* The current row into ret: key from column kcol (or the one given), value from vcol (-1:
 * none), version from the next column (or vcol 0 when there is no value). What a database
 * holds is input like any other: a record that does not fit is EIO. */
static int row_to_rec(sqlite3_stmt *st, int kcol, int vcol, int vercol, const char *table,
                      const char *key, struct hss_db_rec *ret)
{
	sqlite3_int64 ver = sqlite3_column_int64(st, vercol);
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
	if (ver <= 0 || (uint64_t)ver == HSS_DB_REC_ANY) {
		hss_db_rec_free(&r);
		return hss_db_set_error(EIO, "sqlite: corrupt version of record %s/%.80s", table,
		                        kcol >= 0 ? "?" : key);
	}
	if (vcol >= 0) {
		const void *v = sqlite3_column_blob(st, vcol);
		int vlen = sqlite3_column_bytes(st, vcol);

		if (vlen < 0 || (size_t)vlen > HSS_DB_REC_VALUE_MAX) {
			hss_db_rec_free(&r);
			return hss_db_set_error(EIO, "sqlite: corrupt record %s/%.80s", table,
			                        kcol >= 0 ? "?" : key);
		}
		if ((rc = hss_db_rec_set_data(&r, v ? v : "", (size_t)vlen))) {
			hss_db_rec_free(&r);
			return rc;
		}
	}
	r.version = (uint64_t)ver;
	*ret = r;
	return 0;
}

int db_sqlite_rec_read(struct hss_db_tx *tx, const char *table, const char *key, bool data,
                       struct hss_db_rec *ret)
{
	struct sq_conn *c = TXC(tx);
	sqlite3_stmt *st = rstmt(c, data ? SQR_GET : SQR_VER);
	int s, rc;

	if (!st)
		return EIO;
	bind_tk(st, table, key);
	s = sqlite3_step(st);
	if (s == SQLITE_ROW)
		rc = row_to_rec(st, -1, data ? 0 : -1, data ? 1 : 0, table, key, ret);
	else if (s == SQLITE_DONE)
		rc = hss_db_set_error(ENOENT, "record %s/%.80s not found", table, key);
	else
		rc = db_sqlite_err(c, "read record");
	rdone(st);
	return rc;
}

static int write_rec(struct hss_db_tx *tx, int id, const char *table, const char *key,
                     const void *data, size_t len, uint64_t version)
{
	struct sq_conn *c = TXC(tx);
	sqlite3_stmt *st = rstmt(c, id);
	int s, rc = 0;

	if (!st)
		return EIO;
	bind_tk(st, table, key);
	sqlite3_bind_blob(st, 3, data, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)version);
	s = sqlite3_step(st);
	if (s == SQLITE_CONSTRAINT && id == SQR_INS)
		rc = hss_db_set_error(EEXIST, "record %s/%.80s exists", table, key);
	else if (s != SQLITE_DONE)
		rc = db_sqlite_err(c, "write record");
	else if (id == SQR_UPD && sqlite3_changes(c->h) == 0)
		rc = hss_db_set_error(ENOENT, "record %s/%.80s not found", table, key);
	rdone(st);
	return rc;
}

int db_sqlite_rec_insert(struct hss_db_tx *tx, const char *table, const char *key,
                         const void *data, size_t len, uint64_t version)
{
	return write_rec(tx, SQR_INS, table, key, data, len, version);
}

int db_sqlite_rec_update(struct hss_db_tx *tx, const char *table, const char *key,
                         const void *data, size_t len, uint64_t version)
{
	return write_rec(tx, SQR_UPD, table, key, data, len, version);
}

int db_sqlite_rec_delete(struct hss_db_tx *tx, const char *table, const char *key)
{
	struct sq_conn *c = TXC(tx);
	sqlite3_stmt *st = rstmt(c, SQR_DEL);
	int rc = 0;

	if (!st)
		return EIO;
	bind_tk(st, table, key);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = db_sqlite_err(c, "delete record");
	else if (sqlite3_changes(c->h) == 0)
		rc = hss_db_set_error(ENOENT, "record %s/%.80s not found", table, key);
	rdone(st);
	return rc;
}

int db_sqlite_rec_page(struct hss_db_tx *tx, const char *table, const char *prefix,
                       const char *upper, const char *after, size_t want,
                       struct hss_db_rec *out, size_t *ret_n)
{
	struct sq_conn *c = TXC(tx);
	sqlite3_stmt *st = rstmt(c, upper ? SQR_PAGE_UPPER : SQR_PAGE);
	size_t n = 0;
	int s = SQLITE_DONE, rc = 0;

	if (!st)
		return EIO;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, after, (int)strlen(after), SQLITE_STATIC);
	sqlite3_bind_blob(st, 3, prefix, (int)strlen(prefix), SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)want);
	if (upper)
		sqlite3_bind_blob(st, 5, upper, (int)strlen(upper), SQLITE_STATIC);
	while (n < want && (s = sqlite3_step(st)) == SQLITE_ROW) {
		if ((rc = row_to_rec(st, 0, 1, 2, table, NULL, &out[n])))
			break;
		n++;
	}
	if (!rc && n < want && s != SQLITE_DONE)
		rc = db_sqlite_err(c, "list records");
	rdone(st);
	if (rc) {
		while (n)
			hss_db_rec_free(&out[--n]);
		return rc;
	}
	*ret_n = n;
	return 0;
}

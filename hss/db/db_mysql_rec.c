/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_mysql_rec.c: the keyed-record primitives of the MySQL / MariaDB driver, in one InnoDB
 * table records(tbl, k VARBINARY(512), v LONGBLOB, ver, PRIMARY KEY (tbl, k)). VARBINARY
 * keys compare octet by octet, as SQLite's BLOBs do, so listings come in the same order on
 * both. Storage only: versions and conditions are rec.c's.
 *
 * Every primitive runs on the transaction's connection (db_tx.c). A read in a write
 * transaction is SELECT ... FOR UPDATE: the row stays locked until the end, so
 * read-modify-writes of existing records cannot interleave whatever the process. Sessions
 * are READ COMMITTED (no gap locks): two that read the same absent key both insert it; the
 * later one gets a duplicate key (EEXIST, EAGAIN in rec.c) or, three or more, a deadlock
 * (EAGAIN); db_tx.c runs the transaction again after a jittered pause within its deadline.
 * Keys go into the SQL as hex literals, values escaped with
 * mysql_real_escape_string (binary-safe); the statement text is wiped after use (values
 * may be secrets).
 */
#include "db_mysql.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TXC(tx) ((struct my_conn *)(tx)->pc->h)

/* SQL text with room for the parts added below; freed with q_free. */
struct qbuf {
	char *p;
	size_t n, cap;
};

static int q_init(struct qbuf *b, size_t extra)
{
	b->cap = 2048 + 2 * extra;
	b->n = 0;
	if (!(b->p = malloc(b->cap)))
		return hss_db_set_error(ENOMEM, "out of memory");
	b->p[0] = '\0';
	return 0;
}

static void q_free(struct qbuf *b)
{
	if (b->p) {
		explicit_bzero(b->p, b->cap);
		free(b->p);
	}
	b->p = NULL;
}

/* Append text (the buffer was sized for the whole statement by q_init). */
static void q_add(struct qbuf *b, const char *s)
{
	size_t l = strlen(s);

	if (b->n + l < b->cap) {
		memcpy(b->p + b->n, s, l + 1);
		b->n += l;
	}
}

/* X'hex' of a key or prefix. */
static void q_hex(struct qbuf *b, const char *s)
{
	static const char hx[] = "0123456789abcdef";
	size_t l = strlen(s);

	if (b->n + 2 * l + 4 >= b->cap)
		return;
	b->p[b->n++] = 'X';
	b->p[b->n++] = '\'';
	for (size_t i = 0; i < l; i++) {
		b->p[b->n++] = hx[(unsigned char)s[i] >> 4];
		b->p[b->n++] = hx[(unsigned char)s[i] & 15];
	}
	b->p[b->n++] = '\'';
	b->p[b->n] = '\0';
}

/* '...' of a value (binary-safe). */
static void q_val(struct qbuf *b, MYSQL *h, const void *data, size_t len)
{
	if (b->n + 2 * len + 3 >= b->cap)
		return;
	b->p[b->n++] = '\'';
	b->n += mysql_real_escape_string(h, b->p + b->n, data, (unsigned long)len);
	b->p[b->n++] = '\'';
	b->p[b->n] = '\0';
}

static void q_where(struct qbuf *b, const char *table, const char *key)
{
	/* table names are [a-z0-9_.] (checked in rec.c): safe as a literal */
	q_add(b, " WHERE tbl = '");
	q_add(b, table);
	q_add(b, "' AND k = ");
	q_hex(b, key);
}

/* Run the statement; *ret_res: its result set (when one is expected), else NULL. */
static int q_run(struct hss_db_tx *tx, struct qbuf *b, bool result, MYSQL_RES **ret_res,
                 const char *what)
{
	MYSQL *h = TXC(tx)->h;

	if (mysql_real_query(h, b->p, (unsigned long)b->n))
		return db_mysql_err(tx->db, tx->pc, h, what);
	hss_pool_lock_clear(tx->db);   /* the server answered: no lock held us */
	if (result && !(*ret_res = mysql_store_result(h)))
		return db_mysql_err(tx->db, tx->pc, h, what);
	return 0;
}

static int parse_u64(const char *s, unsigned long len, uint64_t *ret)
{
	uint64_t v = 0;

	if (!s || !len || len > 20)
		return EIO;
	for (unsigned long i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return EIO;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*ret = v;
	return 0;
}

/* One row into ret: key from column kcol (or the one given), value from vcol (-1: none),
 * version from vercol. What a database holds is input like any other: EIO when it does
 * not fit. */
static int row_to_rec(MYSQL_ROW row, unsigned long *lens, int kcol, int vcol, int vercol,
                      const char *table, const char *key, struct hss_db_rec *ret)
{
	struct hss_db_rec r = { 0 };
	uint64_t ver = 0;
	int rc;

	if (kcol >= 0) {
		if (!row[kcol] || !lens[kcol] || lens[kcol] > HSS_DB_REC_KEY_MAX ||
		    memchr(row[kcol], 0, lens[kcol]))
			return hss_db_set_error(EIO, "mysql: corrupt key in records table '%s'", table);
		rc = hss_db_rec_set_key(&r, row[kcol], lens[kcol]);
	} else {
		rc = hss_db_rec_set_key(&r, key, strlen(key));
	}
	if (rc)
		return rc;
	if (parse_u64(row[vercol], lens[vercol], &ver) || !ver || ver == HSS_DB_REC_ANY ||
	    (vcol >= 0 && (!row[vcol] || lens[vcol] > HSS_DB_REC_VALUE_MAX))) {
		hss_db_rec_free(&r);
		return hss_db_set_error(EIO, "mysql: corrupt record %s/%.80s", table,
		                        kcol >= 0 ? "?" : key);
	}
	if (vcol >= 0 && (rc = hss_db_rec_set_data(&r, row[vcol], lens[vcol]))) {
		hss_db_rec_free(&r);
		return rc;
	}
	r.version = ver;
	*ret = r;
	return 0;
}

int db_mysql_rec_read(struct hss_db_tx *tx, const char *table, const char *key, bool data,
                      struct hss_db_rec *ret)
{
	struct qbuf b;
	MYSQL_RES *res = NULL;
	MYSQL_ROW row;
	int rc;

	if ((rc = q_init(&b, strlen(key))))
		return rc;
	q_add(&b, data ? "SELECT v, ver FROM records" : "SELECT ver FROM records");
	q_where(&b, table, key);
	if (tx->write)
		q_add(&b, " FOR UPDATE");
	if ((rc = q_run(tx, &b, true, &res, "read record")))
		goto out;
	if (!(row = mysql_fetch_row(res)))
		rc = hss_db_set_error(ENOENT, "record %s/%.80s not found", table, key);
	else
		rc = row_to_rec(row, mysql_fetch_lengths(res), -1, data ? 0 : -1, data ? 1 : 0, table,
		                key, ret);
out:
	if (res)
		mysql_free_result(res);
	q_free(&b);
	return rc;
}

static int write_rec(struct hss_db_tx *tx, bool insert, const char *table, const char *key,
                     const void *data, size_t len, uint64_t version)
{
	MYSQL *h = TXC(tx)->h;
	struct qbuf b;
	char num[32];
	int rc;

	if ((rc = q_init(&b, len + strlen(key))))
		return rc;
	snprintf(num, sizeof(num), "%" PRIu64, version);
	if (insert) {
		q_add(&b, "INSERT INTO records (tbl, k, v, ver) VALUES ('");
		q_add(&b, table);
		q_add(&b, "', ");
		q_hex(&b, key);
		q_add(&b, ", ");
		q_val(&b, h, data, len);
		q_add(&b, ", ");
		q_add(&b, num);
		q_add(&b, ")");
	} else {
		q_add(&b, "UPDATE records SET v = ");
		q_val(&b, h, data, len);
		q_add(&b, ", ver = ");
		q_add(&b, num);
		q_where(&b, table, key);
	}
	rc = q_run(tx, &b, false, NULL, "write record");
	if (rc == EEXIST)
		rc = hss_db_set_error(EEXIST, "record %s/%.80s exists", table, key);
	/* CLIENT_FOUND_ROWS: the rows matched */
	else if (!rc && !insert && mysql_affected_rows(h) == 0)
		rc = hss_db_set_error(ENOENT, "record %s/%.80s not found", table, key);
	q_free(&b);
	return rc;
}

int db_mysql_rec_insert(struct hss_db_tx *tx, const char *table, const char *key,
                        const void *data, size_t len, uint64_t version)
{
	return write_rec(tx, true, table, key, data, len, version);
}

int db_mysql_rec_update(struct hss_db_tx *tx, const char *table, const char *key,
                        const void *data, size_t len, uint64_t version)
{
	return write_rec(tx, false, table, key, data, len, version);
}

int db_mysql_rec_delete(struct hss_db_tx *tx, const char *table, const char *key)
{
	struct qbuf b;
	int rc;

	if ((rc = q_init(&b, strlen(key))))
		return rc;
	q_add(&b, "DELETE FROM records");
	q_where(&b, table, key);
	if (!(rc = q_run(tx, &b, false, NULL, "delete record")) &&
	    mysql_affected_rows(TXC(tx)->h) == 0)
		rc = hss_db_set_error(ENOENT, "record %s/%.80s not found", table, key);
	q_free(&b);
	return rc;
}

int db_mysql_rec_page(struct hss_db_tx *tx, const char *table, const char *prefix,
                      const char *upper, const char *after, size_t want,
                      struct hss_db_rec *out, size_t *ret_n)
{
	char lim[48];
	struct qbuf b;
	MYSQL_RES *res = NULL;
	MYSQL_ROW row;
	size_t n = 0;
	int rc;

	if ((rc = q_init(&b, strlen(prefix) + (upper ? strlen(upper) : 0) + strlen(after))))
		return rc;
	q_add(&b, "SELECT k, v, ver FROM records WHERE tbl = '");
	q_add(&b, table);
	q_add(&b, "' AND k > ");
	q_hex(&b, after);
	q_add(&b, " AND k >= ");
	q_hex(&b, prefix);
	if (upper) {
		q_add(&b, " AND k < ");
		q_hex(&b, upper);
	}
	snprintf(lim, sizeof(lim), " ORDER BY k LIMIT %zu", want);
	q_add(&b, lim);
	if (tx->write)
		q_add(&b, " FOR UPDATE");
	if ((rc = q_run(tx, &b, true, &res, "list records")))
		goto out;
	while (n < want && (row = mysql_fetch_row(res))) {
		if ((rc = row_to_rec(row, mysql_fetch_lengths(res), 0, 1, 2, table, NULL, &out[n])))
			break;
		n++;
	}
out:
	if (res)
		mysql_free_result(res);
	q_free(&b);
	if (rc) {
		while (n)
			hss_db_rec_free(&out[--n]);
		return rc;
	}
	*ret_n = n;
	return 0;
}

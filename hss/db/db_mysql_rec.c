/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_mysql_rec.c: the keyed records of the MySQL / MariaDB backend, in one InnoDB table
 * records(tbl, k VARBINARY(512), v LONGBLOB, ver, PRIMARY KEY (tbl, k)). VARBINARY keys
 * compare octet by octet, as SQLite's BLOBs do, so listings come in the same order on both.
 *
 * A transaction is db_mysql_run_tx: START TRANSACTION on one pooled connection, run again
 * from the start after a deadlock, within the operation's deadline. Reads inside it lock
 * the rows they read (SELECT ... FOR UPDATE), so a read-modify-write of several records
 * cannot interleave with another one, whatever the process. Keys go into the SQL as hex
 * literals, values escaped with mysql_real_escape_string (binary-safe).
 */
#include "db_mysql.h"

#include <errno.h>
#include <inttypes.h>
#include <errmsg.h>
#include <mysqld_error.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct my_tx {
	struct hss_db_tx base;       /* first: what the body gets */
	struct my_conn *c;
};

/* SQL text with room for the parts added below; freed with q_free (wiped: values may be
 * secrets). */
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

static void q_where(struct qbuf *b, const char *table, const char *key)
{
	/* table names are [a-z0-9_.] (checked in rec.c): safe as a literal */
	q_add(b, " WHERE tbl = '");
	q_add(b, table);
	q_add(b, "' AND k = ");
	q_hex(b, key);
}

static int q_run(struct my_conn *c, struct qbuf *b, const char *what)
{
	if (mysql_real_query(c->h, b->p, (unsigned long)b->n))
		return db_mysql_err(c->h, what);
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

/* One row (k?, v, ver) into ret. */
static int row_to_rec(MYSQL_ROW row, unsigned long *lens, int kcol, int vcol, const char *table,
                      const char *key, struct hss_db_rec *ret)
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
	if (!row[vcol] || lens[vcol] > HSS_DB_REC_VALUE_MAX ||
	    parse_u64(row[vcol + 1], lens[vcol + 1], &ver) || !ver) {
		hss_db_rec_free(&r);
		return hss_db_set_error(EIO, "mysql: corrupt record %s/%.80s", table,
		                        kcol >= 0 ? "?" : key);
	}
	if ((rc = hss_db_rec_set_data(&r, row[vcol], lens[vcol]))) {
		hss_db_rec_free(&r);
		return rc;
	}
	r.version = ver;
	*ret = r;
	return 0;
}

static int get_on(struct my_conn *c, const char *table, const char *key, bool lock,
                  struct hss_db_rec *ret)
{
	struct qbuf b;
	MYSQL_RES *res = NULL;
	MYSQL_ROW row;
	int rc;

	if ((rc = q_init(&b, strlen(key))))
		return rc;
	q_add(&b, "SELECT v, ver FROM records");
	q_where(&b, table, key);
	if (lock)
		q_add(&b, " FOR UPDATE");
	if ((rc = q_run(c, &b, "read record")))
		goto out;
	if (!(res = mysql_store_result(c->h))) {
		rc = db_mysql_err(c->h, "read record");
		goto out;
	}
	if (!(row = mysql_fetch_row(res)))
		rc = hss_db_set_error(ENOENT, "record %s/%.80s not found", table, key);
	else
		rc = row_to_rec(row, mysql_fetch_lengths(res), -1, 0, table, key, ret);
out:
	if (res)
		mysql_free_result(res);
	q_free(&b);
	return rc;
}

static int page_on(struct my_conn *c, const char *table, const char *prefix, const char *after,
                   size_t want, struct hss_db_rec *out, size_t *ret_n)
{
	char upper[HSS_DB_REC_KEY_MAX + 1], lim[32];
	struct qbuf b;
	MYSQL_RES *res = NULL;
	MYSQL_ROW row;
	size_t n = 0;
	int rc;

	if ((rc = q_init(&b, strlen(prefix) * 2 + strlen(after))))
		return rc;
	q_add(&b, "SELECT k, v, ver FROM records WHERE tbl = '");
	q_add(&b, table);
	q_add(&b, "' AND k > ");
	q_hex(&b, after);
	q_add(&b, " AND k >= ");
	q_hex(&b, prefix);
	if (hss_db_rec_prefix_upper(prefix, upper)) {
		q_add(&b, " AND k < ");
		q_hex(&b, upper);
	}
	snprintf(lim, sizeof(lim), " ORDER BY k LIMIT %zu", want);
	q_add(&b, lim);
	if ((rc = q_run(c, &b, "list records")))
		goto out;
	if (!(res = mysql_store_result(c->h))) {
		rc = db_mysql_err(c->h, "list records");
		goto out;
	}
	while (n < want && (row = mysql_fetch_row(res))) {
		if ((rc = row_to_rec(row, mysql_fetch_lengths(res), 0, 1, table, NULL, &out[n])))
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

int db_mysql_rec_get(struct hss_db *db, const char *table, const char *key,
                     struct hss_db_rec *ret)
{
	struct my_db *d = MY(db);
	struct my_conn *c;
	int rc;

	if ((rc = db_mysql_conn_get(d, &c)))
		return rc;
	rc = get_on(c, table, key, false, ret);
	db_mysql_conn_put(d, c, rc);
	return rc;
}

int db_mysql_rec_page(struct hss_db *db, const char *table, const char *prefix,
                      const char *after, size_t want, struct hss_db_rec *out, size_t *ret_n)
{
	struct my_db *d = MY(db);
	struct my_conn *c;
	int rc;

	if ((rc = db_mysql_conn_get(d, &c)))
		return rc;
	rc = page_on(c, table, prefix, after, want, out, ret_n);
	db_mysql_conn_put(d, c, rc);
	return rc;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A deadlock (two transactions that read absent records lock the gaps where they would go,
 * then both insert), or a duplicate key from an insert that raced another one: the
 * transaction is run again from the start. */
static bool retryable(struct my_conn *c, int rc)
{
	unsigned e = c->h ? mysql_errno(c->h) : 0;

	return rc == EAGAIN || e == ER_LOCK_DEADLOCK || (rc == EEXIST && e == ER_DUP_ENTRY);
}

/* Not db_mysql.c's run_tx: records are read-modify-written by many writers at once (the
 * registration state of one IMS subscription), so conflicts are normal traffic. They are
 * retried with a short random backoff until the operation's deadline, and running out is
 * not taken for a database locked by someone else (which makes the other operations stop
 * waiting for locks, see db_mysql.c). */
int db_mysql_rec_tx(struct hss_db *db, hss_db_tx_fn fn, void *arg)
{
	struct my_db *d = MY(db);
	struct my_tx tx = { { db }, NULL };
	unsigned seed = (unsigned)(uintptr_t)&tx ^ (unsigned)mono_ms(), attempt;
	bool conflict = false;
	int rc;

	if ((rc = db_mysql_conn_get(d, &tx.c)))
		return rc;
	for (attempt = 0;; attempt++) {
		conflict = false;
		if (mysql_query(tx.c->h, "START TRANSACTION")) {
			unsigned e = mysql_errno(tx.c->h);
			/* an idle connection the server dropped: nothing was done yet, reconnect */
			if (attempt == 0 && (e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST) &&
			    !db_mysql_reconnect(d, tx.c))
				continue;
			rc = tx.c->h ? db_mysql_err(tx.c->h, "begin") : ENOTCONN;
			break;
		}
		rc = fn(&tx.base, arg);
		if (!rc && mysql_query(tx.c->h, "COMMIT"))
			rc = db_mysql_err(tx.c->h, "commit");
		if (!rc)
			break;
		conflict = retryable(tx.c, rc);
		if (tx.c->h && !(mysql_errno(tx.c->h) >= CR_MIN_ERROR &&
		                 mysql_errno(tx.c->h) <= CR_MAX_ERROR))
			mysql_query(tx.c->h, "ROLLBACK");
		if (!conflict)
			break;
		{
			int64_t left = tx.c->deadline - mono_ms();
			struct timespec ts;
			unsigned ms = 1 + rand_r(&seed) % (attempt < 8 ? 2u << attempt : 256u);

			if (left <= (int64_t)ms)
				break;
			ts.tv_sec = 0;
			ts.tv_nsec = (long)ms * 1000000L;
			nanosleep(&ts, NULL);
		}
	}
	if (rc && conflict) {
		char why[256];

		snprintf(why, sizeof(why), "%s", hss_db_strerror());
		rc = hss_db_set_error(ETIMEDOUT, "mysql: transaction still in conflict with others "
		                      "after %u attempts: %s", attempt + 1, why);
		/* contention, not a lock held by someone else: leave the outage state alone */
		db_mysql_conn_put(d, tx.c, EAGAIN);
		return rc;
	}
	db_mysql_conn_put(d, tx.c, rc);
	return rc;
}

#define TXC(tx) (((struct my_tx *)(tx))->c)

int db_mysql_tx_get(struct hss_db_tx *tx, const char *table, const char *key,
                    struct hss_db_rec *ret)
{
	return get_on(TXC(tx), table, key, true, ret);
}

/* The stored version of (table, key) read FOR UPDATE (the row, or the gap where it would
 * go, stays locked until the end of the transaction); 0 when absent. */
static int cur_version(struct my_conn *c, const char *table, const char *key, uint64_t *ret)
{
	struct qbuf b;
	MYSQL_RES *res = NULL;
	MYSQL_ROW row;
	int rc;

	if ((rc = q_init(&b, strlen(key))))
		return rc;
	q_add(&b, "SELECT ver FROM records");
	q_where(&b, table, key);
	q_add(&b, " FOR UPDATE");
	if ((rc = q_run(c, &b, "read record")))
		goto out;
	if (!(res = mysql_store_result(c->h))) {
		rc = db_mysql_err(c->h, "read record");
		goto out;
	}
	*ret = 0;
	if ((row = mysql_fetch_row(res))) {
		unsigned long *lens = mysql_fetch_lengths(res);
		if (parse_u64(row[0], lens[0], ret) || !*ret)
			rc = hss_db_set_error(EIO, "mysql: corrupt version of record %s/%.80s", table, key);
	}
out:
	if (res)
		mysql_free_result(res);
	q_free(&b);
	return rc;
}

int db_mysql_tx_put(struct hss_db_tx *tx, const char *table, const char *key, const void *data,
                    size_t len, uint64_t expect, uint64_t *ret_version)
{
	struct my_conn *c = TXC(tx);
	uint64_t cur = 0, nv;
	struct qbuf b = { 0 };
	char num[32], *esc = NULL;
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
	if ((rc = q_init(&b, len + strlen(key))))
		return rc;
	if (!(esc = malloc(2 * len + 1))) {
		rc = hss_db_set_error(ENOMEM, "out of memory");
		goto out;
	}
	mysql_real_escape_string(c->h, esc, data, (unsigned long)len);
	snprintf(num, sizeof(num), "%" PRIu64, nv);
	if (cur) {
		q_add(&b, "UPDATE records SET v = '");
		q_add(&b, esc);
		q_add(&b, "', ver = ");
		q_add(&b, num);
		q_where(&b, table, key);
	} else {
		q_add(&b, "INSERT INTO records (tbl, k, v, ver) VALUES ('");
		q_add(&b, table);
		q_add(&b, "', ");
		q_hex(&b, key);
		q_add(&b, ", '");
		q_add(&b, esc);
		q_add(&b, "', ");
		q_add(&b, num);
		q_add(&b, ")");
	}
	if (!(rc = q_run(c, &b, "write record")) && ret_version)
		*ret_version = nv;
out:
	if (esc) {
		explicit_bzero(esc, 2 * len + 1);
		free(esc);
	}
	q_free(&b);
	return rc;
}

int db_mysql_tx_del(struct hss_db_tx *tx, const char *table, const char *key, uint64_t expect)
{
	struct my_conn *c = TXC(tx);
	uint64_t cur = 0;
	struct qbuf b;
	int rc;

	if ((rc = cur_version(c, table, key, &cur)))
		return rc;
	if (!cur)
		return hss_db_set_error(ENOENT, "record %s/%.80s not found", table, key);
	if (expect != HSS_DB_REC_ANY && expect != cur)
		return hss_db_set_error(ECANCELED, "record %s/%.80s changed (version %llu, expected "
		                        "%llu)", table, key, (unsigned long long)cur,
		                        (unsigned long long)expect);
	if ((rc = q_init(&b, strlen(key))))
		return rc;
	q_add(&b, "DELETE FROM records");
	q_where(&b, table, key);
	rc = q_run(c, &b, "delete record");
	q_free(&b);
	return rc;
}

int db_mysql_tx_page(struct hss_db_tx *tx, const char *table, const char *prefix,
                     const char *after, size_t want, struct hss_db_rec *out, size_t *ret_n)
{
	return page_on(TXC(tx), table, prefix, after, want, out, ret_n);
}

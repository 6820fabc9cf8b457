/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_mysql_stmt.c: the subscriber statements (db_sql.c's texts) as server-side prepared
 * statements, prepared once per connection and kept until it closes.
 *
 * Why: on a machine the server shares, mariadbd's CPU sets the rate (bench_hss: 186 us of
 * server CPU per AIR, twice the HSS's own, with the statements sent as escaped text, each
 * parsed and planned again). A prepared statement is parsed once; its parameters travel
 * in the binary protocol (no escaping, nothing to wipe in a text copy of a key).
 *
 * Parameters: text as strings, numbers (hss_sql_arg.num) as 64-bit integers (LIMIT and
 * OFFSET take nothing else), NULL as NULL. Results are fetched as text into buffers sized
 * from the result's longest value, so the row callback gets what the text protocol gave:
 * NUL-terminated strings, NULL for SQL NULL. The buffers may hold keys: wiped before they
 * are freed.
 */
#include "db_mysql.h"

#include <errno.h>
#include <mysqld_error.h>
#include <stdlib.h>
#include <string.h>

/* Longest decimal text of a number column, and the least buffer of any column. */
#define MIN_COL 32

void db_mysql_stmts_close(struct my_conn *c)
{
	size_t i;

	for (i = 0; i < HSS_SQL_N; i++)
		if (c->st[i]) {
			mysql_stmt_close(c->st[i]);
			c->st[i] = NULL;
		}
}

static int stmt_err(struct hss_db_tx *tx, MYSQL_STMT *st, const char *what)
{
	return db_mysql_errno_err(tx->db, tx->pc, mysql_stmt_errno(st), mysql_stmt_error(st),
	                          what);
}

/* The prepared statement id of this connection; prepared on first use. */
static int stmt_get(struct hss_db_tx *tx, int id, MYSQL_STMT **ret)
{
	struct my_conn *c = tx->pc->h;
	const char *sql = tx->db->sql[id];
	MYSQL_STMT *st;
	int rc;

	if ((st = c->st[id])) {
		*ret = st;
		return 0;
	}
	if (!(st = mysql_stmt_init(c->h)))
		return db_mysql_err(tx->db, tx->pc, c->h, "prepare");
	if (mysql_stmt_prepare(st, sql, (unsigned long)strlen(sql))) {
		rc = stmt_err(tx, st, hss_sql_what(id));
		mysql_stmt_close(st);
		return rc;
	}
	*ret = c->st[id] = st;
	return 0;
}

static void close_stmt(struct hss_db_tx *tx, int id)
{
	struct my_conn *c = tx->pc->h;

	mysql_stmt_close(c->st[id]);
	c->st[id] = NULL;
}

/* Bind a[] and run it: 0, or the error (a statement the server asks to prepare again, after
 * a schema change, is prepared again once). */
static int run(struct hss_db_tx *tx, int id, const struct hss_sql_arg *a, size_t n,
               MYSQL_BIND *pb, long long *nums, unsigned long *lens, MYSQL_STMT **ret)
{
	const char *what = hss_sql_what(id);
	MYSQL_STMT *st = NULL;
	unsigned long want;
	size_t i;
	int rc, attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		if ((rc = stmt_get(tx, id, &st)))
			return rc;
		if ((want = mysql_stmt_param_count(st)) != n) {
			close_stmt(tx, id);
			return hss_db_set_error(EIO, "mysql: %s: the statement takes %lu parameters, "
			                        "%zu given", what, want, n);
		}
		memset(pb, 0, n * sizeof(*pb));
		for (i = 0; i < n; i++) {
			if (!a[i].v) {
				pb[i].buffer_type = MYSQL_TYPE_NULL;
			} else if (a[i].num) {
				bool neg = a[i].v[0] == '-';
				char *end;

				/* the whole range of both: an unsigned 64-bit value is sent as one */
				errno = 0;
				if (neg)
					nums[i] = strtoll(a[i].v, &end, 10);
				else
					nums[i] = (long long)strtoull(a[i].v, &end, 10);
				if (*end || end == a[i].v || errno)
					return hss_db_set_error(EINVAL, "mysql: %s: '%s' is not a number",
					                        what, a[i].v);
				pb[i].buffer_type = MYSQL_TYPE_LONGLONG;
				pb[i].buffer = &nums[i];
				pb[i].is_unsigned = !neg;
			} else {
				lens[i] = (unsigned long)strlen(a[i].v);
				pb[i].buffer_type = MYSQL_TYPE_STRING;
				pb[i].buffer = (void *)a[i].v;
				pb[i].buffer_length = lens[i];
				pb[i].length = &lens[i];
			}
		}
		if (n && mysql_stmt_bind_param(st, pb))
			return stmt_err(tx, st, what);
		if (!mysql_stmt_execute(st)) {
			*ret = st;
			return 0;
		}
		if (mysql_stmt_errno(st) != ER_NEED_REPREPARE || attempt)
			return stmt_err(tx, st, what);
		close_stmt(tx, id);
	}
	return hss_db_set_error(EIO, "mysql: %s: prepared again and again", what);
}

/* The rows of the result st holds, each to row(). */
static int fetch(struct hss_db_tx *tx, int id, MYSQL_STMT *st, MYSQL_RES *meta,
                 int (*row)(void *, const char *const *, size_t), void *row_arg)
{
	const char *what = hss_sql_what(id);
	unsigned nf = mysql_num_fields(meta), i;
	MYSQL_FIELD *f = mysql_fetch_fields(meta);
	MYSQL_BIND *rb = calloc(nf ? nf : 1, sizeof(*rb));
	unsigned long *lens = calloc(nf ? nf : 1, sizeof(*lens));
	my_bool *nulls = calloc(nf ? nf : 1, sizeof(*nulls));
	const char **v = calloc(nf ? nf : 1, sizeof(*v));
	char **bufs = calloc(nf ? nf : 1, sizeof(*bufs));
	int rc = 0, fr;

	if (!rb || !lens || !nulls || !v || !bufs) {
		rc = hss_db_set_error(ENOMEM, "mysql: out of memory");
		goto out;
	}
	for (i = 0; i < nf; i++) {
		unsigned long size = f[i].max_length > MIN_COL ? f[i].max_length : MIN_COL;

		if (!(bufs[i] = malloc(size + 1))) {
			rc = hss_db_set_error(ENOMEM, "mysql: out of memory");
			goto out;
		}
		rb[i].buffer_type = MYSQL_TYPE_STRING;
		rb[i].buffer = bufs[i];
		rb[i].buffer_length = size + 1;
		rb[i].length = &lens[i];
		rb[i].is_null = &nulls[i];
	}
	if (mysql_stmt_bind_result(st, rb)) {
		rc = stmt_err(tx, st, what);
		goto out;
	}
	while (!rc && !(fr = mysql_stmt_fetch(st))) {
		for (i = 0; i < nf; i++) {
			if (nulls[i]) {
				v[i] = NULL;
				continue;
			}
			bufs[i][lens[i] < rb[i].buffer_length ? lens[i] : rb[i].buffer_length - 1] = 0;
			v[i] = bufs[i];
		}
		if (row)
			rc = row(row_arg, v, nf);
	}
	if (!rc && fr == MYSQL_DATA_TRUNCATED)
		rc = hss_db_set_error(EIO, "mysql: %s: a value longer than the result said", what);
	else if (!rc && fr == 1)
		rc = stmt_err(tx, st, what);
out:
	for (i = 0; bufs && i < nf; i++)
		if (bufs[i]) {
			explicit_bzero(bufs[i], rb[i].buffer_length);
			free(bufs[i]);
		}
	free(bufs);
	free(v);
	free(nulls);
	free(lens);
	free(rb);
	return rc;
}

int db_mysql_stmt_exec(struct hss_db_tx *tx, int id, const struct hss_sql_arg *a, size_t n,
                       int (*row)(void *, const char *const *, size_t), void *row_arg,
                       uint64_t *ret_rows)
{
	const char *what = hss_sql_what(id);
	MYSQL_BIND *pb = calloc(n ? n : 1, sizeof(*pb));
	long long *nums = calloc(n ? n : 1, sizeof(*nums));
	unsigned long *lens = calloc(n ? n : 1, sizeof(*lens));
	MYSQL_STMT *st = NULL;
	MYSQL_RES *meta = NULL;
	my_bool on = 1;
	int rc;

	if (!pb || !nums || !lens) {
		rc = hss_db_set_error(ENOMEM, "mysql: out of memory");
		goto out;
	}
	if ((rc = run(tx, id, a, n, pb, nums, lens, &st)))
		goto out;
	hss_pool_lock_clear(tx->db);   /* the server answered: no lock held us */
	if (ret_rows)
		*ret_rows = mysql_stmt_affected_rows(st);   /* CLIENT_FOUND_ROWS: matched rows */
	if (!(meta = mysql_stmt_result_metadata(st)))
		goto out;   /* no result set */
	/* the longest value of each column, so the buffers can hold every row */
	if (mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &on) ||
	    mysql_stmt_store_result(st)) {
		rc = stmt_err(tx, st, what);
		goto out;
	}
	rc = fetch(tx, id, st, meta, row, row_arg);
out:
	if (meta)
		mysql_free_result(meta);
	if (st)
		mysql_stmt_free_result(st);
	free(lens);
	free(nums);
	free(pb);
	return rc;
}

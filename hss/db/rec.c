/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rec.c: the keyed records of hss/db (see hss_db.h), the part every backend shares: the
 * checks of table names, keys and sizes, versions and the conditions of put/del (over the
 * driver's storage primitives rec_read/insert/update/delete/page, see db_int.h), the paging
 * of listings (a page per read transaction, the connection released before the caller's
 * callback runs), and the transactions: hss_db_rec_tx is db_tx.c's write transaction, run
 * again from the start on a deadlock like every other write.
 */
#include "db_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/time.h>

#define REC_PAGE 64

void hss_db_rec_free(struct hss_db_rec *r)
{
	if (!r)
		return;
	if (r->data) {
		explicit_bzero(r->data, r->len);
		free(r->data);
	}
	free(r->key);
	memset(r, 0, sizeof(*r));
}

uint64_t hss_db_rec_new_version(void)
{
	struct timeval tv;
	uint64_t v;

	gettimeofday(&tv, NULL);
	v = (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
	return v ? v : 1;
}

bool hss_db_rec_prefix_upper(const char *prefix, char *upper)
{
	size_t n = strlen(prefix);

	memcpy(upper, prefix, n + 1);
	while (n && (unsigned char)upper[n - 1] == 0xff)
		upper[--n] = '\0';
	if (!n)
		return false;
	upper[n - 1] = (char)((unsigned char)upper[n - 1] + 1);
	return true;
}

int hss_db_rec_set_key(struct hss_db_rec *r, const void *key, size_t len)
{
	char *k = malloc(len + 1);

	if (!k)
		return hss_db_set_error(ENOMEM, "out of memory");
	memcpy(k, key, len);
	k[len] = '\0';
	free(r->key);
	r->key = k;
	return 0;
}

int hss_db_rec_set_data(struct hss_db_rec *r, const void *data, size_t len)
{
	uint8_t *d = malloc(len + 1);

	if (!d)
		return hss_db_set_error(ENOMEM, "out of memory");
	if (len)
		memcpy(d, data, len);
	d[len] = 0;
	if (r->data) {
		explicit_bzero(r->data, r->len);
		free(r->data);
	}
	r->data = d;
	r->len = len;
	return 0;
}

static int check_table(const char *table)
{
	size_t n = table ? strlen(table) : 0;

	if (!n || n > HSS_DB_REC_TABLE_MAX ||
	    strspn(table, "abcdefghijklmnopqrstuvwxyz0123456789_.") != n)
		return hss_db_set_error(EINVAL, "record table '%.40s': expected 1..%u of [a-z0-9_.]",
		                        table ? table : "", HSS_DB_REC_TABLE_MAX);
	return 0;
}

static int check_key(const char *what, const char *key, bool empty_ok)
{
	size_t n = key ? strlen(key) : 0;

	if ((!n && !empty_ok) || n > HSS_DB_REC_KEY_MAX)
		return hss_db_set_error(EINVAL, "record %s: %zu octets (1..%u)", what, n,
		                        HSS_DB_REC_KEY_MAX);
	return 0;
}

int hss_db_rec_check(const char *table, const char *key)
{
	int rc = check_table(table);

	return rc ? rc : check_key("key", key, false);
}

static bool has_records(const struct hss_db *db)
{
	return db && db->drv->rec_read && (db->drv->caps & HSS_DB_CAP_RECORDS);
}

#define NEED_REC(db) do { \
		if (!has_records(db)) \
			return hss_db_set_error(ENOTSUP, "keyed records not supported by this backend"); \
	} while (0)

struct get_arg {
	const char *table, *key;
	struct hss_db_rec rec;
};

static int get_body(struct hss_db_tx *tx, void *arg)
{
	struct get_arg *g = arg;

	hss_db_rec_free(&g->rec);
	return tx->db->drv->rec_read(tx, g->table, g->key, true, &g->rec);
}

int hss_db_rec_get(struct hss_db *db, const char *table, const char *key,
                   struct hss_db_rec *ret)
{
	struct get_arg g = { table, key, { 0 } };
	int rc;

	NEED_REC(db);
	if ((rc = hss_db_rec_check(table, key)))
		return rc;
	if ((rc = hss_db_run_read(db, get_body, &g))) {
		hss_db_rec_free(&g.rec);
		return rc;
	}
	*ret = g.rec;
	return 0;
}

/* One page of a listing, in its own read transaction or in the caller's. */
struct page_arg {
	const char *table, *prefix, *upper, *after;
	size_t want, n;
	struct hss_db_rec *out;
};

static int page_body(struct hss_db_tx *tx, void *arg)
{
	struct page_arg *p = arg;

	while (p->n)
		hss_db_rec_free(&p->out[--p->n]);
	return tx->db->drv->rec_page(tx, p->table, p->prefix, p->upper, p->after, p->want, p->out,
	                             &p->n);
}

/* One listing, through either the handle (each page its own read transaction: between
 * pages the connection is free) or a transaction. */
static int list_pages(struct hss_db *db, struct hss_db_tx *tx, const char *table,
                      const char *prefix, const char *after, uint64_t limit, hss_db_rec_cb cb,
                      void *arg)
{
	struct hss_db_rec page[REC_PAGE];
	char last[HSS_DB_REC_KEY_MAX + 1], upper[HSS_DB_REC_KEY_MAX + 1];
	struct page_arg p = { table, prefix ? prefix : "", NULL, last, 0, 0, page };
	uint64_t done = 0;
	size_t i;
	int rc;

	if ((rc = check_table(table)) || (rc = check_key("prefix", prefix, true)) ||
	    (rc = check_key("start key", after, true)))
		return rc;
	if (!cb)
		return hss_db_set_error(EINVAL, "no callback");
	if (hss_db_rec_prefix_upper(p.prefix, upper))
		p.upper = upper;
	memset(page, 0, sizeof(page));
	snprintf(last, sizeof(last), "%s", after ? after : "");
	for (;;) {
		p.want = REC_PAGE;
		if (limit && limit - done < p.want)
			p.want = (size_t)(limit - done);
		if (!p.want)
			break;
		if ((rc = tx ? page_body(tx, &p) : hss_db_run_read(db, page_body, &p)))
			goto out;
		for (i = 0; i < p.n; i++) {
			if ((rc = cb(&page[i], arg)))
				goto out;
			done++;
		}
		if (p.n < p.want)
			break;
		snprintf(last, sizeof(last), "%s", page[p.n - 1].key);
	}
	rc = 0;
out:
	while (p.n)
		hss_db_rec_free(&page[--p.n]);
	return rc;
}

int hss_db_rec_list(struct hss_db *db, const char *table, const char *prefix, const char *after,
                    uint64_t limit, hss_db_rec_cb cb, void *arg)
{
	NEED_REC(db);
	return list_pages(db, NULL, table, prefix, after, limit, cb, arg);
}

int hss_db_rec_tx(struct hss_db *db, hss_db_tx_fn fn, void *arg)
{
	NEED_REC(db);
	if (!fn)
		return hss_db_set_error(EINVAL, "no transaction body");
	return hss_db_run_write(db, 0, fn, arg);
}

void hss_db_tx_forget(struct hss_db_tx *tx)
{
	for (size_t i = 0; i < tx->nabsent; i++)
		free(tx->absent[i]);
	free(tx->absent);
	tx->absent = NULL;
	tx->nabsent = tx->capabsent = 0;
}

/* Index of (table, key) in the transaction's absent list, or nabsent. */
static size_t absent_find(const struct hss_db_tx *tx, const char *table, const char *key)
{
	size_t i;

	for (i = 0; i < tx->nabsent; i++)
		if (!strcmp(tx->absent[i], table) &&
		    !strcmp(tx->absent[i] + strlen(table) + 1, key))
			break;
	return i;
}

static int absent_add(struct hss_db_tx *tx, const char *table, const char *key)
{
	size_t lt = strlen(table), lk = strlen(key);
	char *e;

	if (absent_find(tx, table, key) < tx->nabsent)
		return 0;
	if (tx->nabsent == tx->capabsent) {
		size_t cap = tx->capabsent ? 2 * tx->capabsent : 8;
		char **a = realloc(tx->absent, cap * sizeof(*a));

		if (!a)
			return hss_db_set_error(ENOMEM, "out of memory");
		tx->absent = a;
		tx->capabsent = cap;
	}
	if (!(e = malloc(lt + lk + 2)))
		return hss_db_set_error(ENOMEM, "out of memory");
	memcpy(e, table, lt + 1);
	memcpy(e + lt + 1, key, lk + 1);
	tx->absent[tx->nabsent++] = e;
	return 0;
}

/* The transaction itself created (table, key): reading it is no longer a change. */
static void absent_del(struct hss_db_tx *tx, const char *table, const char *key)
{
	size_t i = absent_find(tx, table, key);

	if (i == tx->nabsent)
		return;
	free(tx->absent[i]);
	tx->absent[i] = tx->absent[--tx->nabsent];
}

/* The driver's read. In a write transaction a record read absent is remembered: MariaDB
 * (READ COMMITTED, no gap locks) locks nothing for it, so another transaction may insert it
 * and commit before this one reads it again; going on would write over that insert from
 * what the first read saw (a lost write). Found later in the same run: EAGAIN, the
 * transaction is run again from the start and sees it from its first read. */
static int tx_read(struct hss_db_tx *tx, const char *table, const char *key, bool data,
                   struct hss_db_rec *ret)
{
	int rc = tx->db->drv->rec_read(tx, table, key, data, ret);

	if (!tx->write)
		return rc;
	if (rc == ENOENT) {
		int e = absent_add(tx, table, key);

		return e ? e : hss_db_set_error(ENOENT, "record %s/%.80s not found", table, key);
	}
	if (!rc && absent_find(tx, table, key) < tx->nabsent) {
		hss_db_rec_free(ret);
		return hss_db_set_error(EAGAIN, "record %s/%.80s inserted by another transaction "
		                        "after this one read it absent", table, key);
	}
	return rc;
}

static int check_tx(const struct hss_db_tx *tx)
{
	if (!tx || !tx->db || !has_records(tx->db))
		return hss_db_set_error(EINVAL, "no transaction with keyed records");
	return 0;
}

int hss_db_tx_get(struct hss_db_tx *tx, const char *table, const char *key,
                  struct hss_db_rec *ret)
{
	int rc;

	if ((rc = check_tx(tx)) || (rc = hss_db_rec_check(table, key)))
		return rc;
	return tx_read(tx, table, key, true, ret);
}

/* The stored version of (table, key), locked for the rest of the transaction; 0: absent. */
static int cur_version(struct hss_db_tx *tx, const char *table, const char *key, uint64_t *ret)
{
	struct hss_db_rec r = { 0 };
	int rc = tx_read(tx, table, key, false, &r);

	if (rc == ENOENT) {
		*ret = 0;
		return 0;
	}
	if (!rc)
		*ret = r.version;
	hss_db_rec_free(&r);
	return rc;
}

/* The condition of a put (expect: HSS_DB_REC_ANY, HSS_DB_REC_NEW or a version) or a del
 * (HSS_DB_REC_ANY or a version) on a record whose version is cur (0: absent). */
static int check_expect(const char *table, const char *key, uint64_t cur, uint64_t expect,
                        bool put)
{
	if (put && cur && expect == HSS_DB_REC_NEW)
		return hss_db_set_error(EEXIST, "record %s/%.80s exists", table, key);
	if (!cur && !(put && (expect == HSS_DB_REC_NEW || expect == HSS_DB_REC_ANY)))
		return hss_db_set_error(ENOENT, "record %s/%.80s not found", table, key);
	if (cur && expect != HSS_DB_REC_ANY && expect != cur)
		return hss_db_set_error(ECANCELED, "record %s/%.80s changed (version %llu, expected "
		                        "%llu)", table, key, (unsigned long long)cur,
		                        (unsigned long long)expect);
	return 0;
}

int hss_db_tx_put(struct hss_db_tx *tx, const char *table, const char *key, const void *data,
                  size_t len, uint64_t expect, uint64_t *ret_version)
{
	uint64_t cur = 0, nv;
	int rc;

	if ((rc = check_tx(tx)) || (rc = hss_db_rec_check(table, key)))
		return rc;
	if (len > HSS_DB_REC_VALUE_MAX || (len && !data))
		return hss_db_set_error(EINVAL, "record %s/%s: value of %zu octets (at most %u)", table,
		                        key, len, HSS_DB_REC_VALUE_MAX);
	if ((rc = cur_version(tx, table, key, &cur)) ||
	    (rc = check_expect(table, key, cur, expect, true)))
		return rc;
	nv = cur ? cur + 1 : hss_db_rec_new_version();
	if (cur)
		rc = tx->db->drv->rec_update(tx, table, key, data ? data : "", len, nv);
	else if ((rc = tx->db->drv->rec_insert(tx, table, key, data ? data : "", len, nv)) ==
	         EEXIST)
		/* absent when read, there when inserted: another transaction's insert won the
		 * race (a server without gap locks): run the transaction again */
		rc = hss_db_set_error(EAGAIN, "record %s/%.80s inserted meanwhile", table, key);
	if (rc)
		return rc;
	if (!cur)
		absent_del(tx, table, key);
	tx->nwrites++;   /* db_tx.c: a body failing after this cannot just be left out */
	if (ret_version)
		*ret_version = nv;
	return 0;
}

int hss_db_tx_del(struct hss_db_tx *tx, const char *table, const char *key, uint64_t expect)
{
	uint64_t cur = 0;
	int rc;

	if ((rc = check_tx(tx)) || (rc = hss_db_rec_check(table, key)))
		return rc;
	if ((rc = cur_version(tx, table, key, &cur)) ||
	    (rc = check_expect(table, key, cur, expect, false)))
		return rc;
	if ((rc = tx->db->drv->rec_delete(tx, table, key)))
		return rc;
	tx->nwrites++;
	return 0;
}

int hss_db_tx_list(struct hss_db_tx *tx, const char *table, const char *prefix,
                   const char *after, uint64_t limit, hss_db_rec_cb cb, void *arg)
{
	int rc;

	if ((rc = check_tx(tx)))
		return rc;
	return list_pages(tx->db, tx, table, prefix, after, limit, cb, arg);
}

struct put_arg {
	const char *table, *key;
	const void *data;
	size_t len;
	uint64_t expect, version;
	bool del;
};

static int put_body(struct hss_db_tx *tx, void *arg)
{
	struct put_arg *p = arg;

	if (p->del)
		return hss_db_tx_del(tx, p->table, p->key, p->expect);
	return hss_db_tx_put(tx, p->table, p->key, p->data, p->len, p->expect, &p->version);
}

int hss_db_rec_put(struct hss_db *db, const char *table, const char *key, const void *data,
                   size_t len, uint64_t expect, uint64_t *ret_version)
{
	struct put_arg p = { table, key, data, len, expect, 0, false };
	int rc;

	NEED_REC(db);
	if ((rc = hss_db_rec_check(table, key)))
		return rc;
	if ((rc = hss_db_run_write(db, 0, put_body, &p)))
		return rc;
	if (ret_version)
		*ret_version = p.version;
	return 0;
}

int hss_db_rec_del(struct hss_db *db, const char *table, const char *key, uint64_t expect)
{
	struct put_arg p = { table, key, NULL, 0, expect, 0, true };
	int rc;

	NEED_REC(db);
	if ((rc = hss_db_rec_check(table, key)))
		return rc;
	return hss_db_run_write(db, 0, put_body, &p);
}

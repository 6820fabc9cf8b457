/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rec.c: the keyed records of hss/db (see hss_db.h), the part every backend shares: the
 * checks of table names, keys and sizes, the paging of listings (a page at a time, the
 * connection released before the caller's callback runs) and the single-record writes on
 * top of the backend's transaction.
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

#define NEED_REC(db, op) do { \
		if (!(db) || !(db)->ops->op) \
			return hss_db_set_error(ENOTSUP, "keyed records not supported by this backend"); \
	} while (0)

int hss_db_rec_get(struct hss_db *db, const char *table, const char *key,
                   struct hss_db_rec *ret)
{
	int rc;

	NEED_REC(db, rec_get);
	if ((rc = hss_db_rec_check(table, key)))
		return rc;
	return db->ops->rec_get(db, table, key, ret);
}

/* One listing, through either the handle (between pages the connection is free) or a
 * transaction. */
static int list_pages(struct hss_db *db, struct hss_db_tx *tx, const char *table,
                      const char *prefix, const char *after, uint64_t limit, hss_db_rec_cb cb,
                      void *arg)
{
	struct hss_db_rec page[REC_PAGE];
	char last[HSS_DB_REC_KEY_MAX + 1];
	uint64_t done = 0;
	size_t n = 0, i = 0;
	int rc;

	if ((rc = check_table(table)) || (rc = check_key("prefix", prefix, true)) ||
	    (rc = check_key("start key", after, true)))
		return rc;
	if (!cb)
		return hss_db_set_error(EINVAL, "no callback");
	memset(page, 0, sizeof(page));
	snprintf(last, sizeof(last), "%s", after ? after : "");
	for (;;) {
		size_t want = REC_PAGE;

		if (limit && limit - done < want)
			want = (size_t)(limit - done);
		if (!want)
			break;
		n = 0;
		rc = tx ? db->ops->tx_page(tx, table, prefix ? prefix : "", last, want, page, &n)
		        : db->ops->rec_page(db, table, prefix ? prefix : "", last, want, page, &n);
		if (rc)
			goto out;
		for (i = 0; i < n; i++) {
			if ((rc = cb(&page[i], arg)))
				goto out;
			done++;
		}
		if (n < want)
			break;
		snprintf(last, sizeof(last), "%s", page[n - 1].key);
		for (i = 0; i < n; i++)
			hss_db_rec_free(&page[i]);
		n = 0;
	}
	rc = 0;
out:
	for (i = 0; i < n; i++)
		hss_db_rec_free(&page[i]);
	return rc;
}

int hss_db_rec_list(struct hss_db *db, const char *table, const char *prefix, const char *after,
                    uint64_t limit, hss_db_rec_cb cb, void *arg)
{
	NEED_REC(db, rec_page);
	return list_pages(db, NULL, table, prefix, after, limit, cb, arg);
}

int hss_db_rec_tx(struct hss_db *db, hss_db_tx_fn fn, void *arg)
{
	NEED_REC(db, rec_tx);
	if (!fn)
		return hss_db_set_error(EINVAL, "no transaction body");
	return db->ops->rec_tx(db, fn, arg);
}

int hss_db_tx_get(struct hss_db_tx *tx, const char *table, const char *key,
                  struct hss_db_rec *ret)
{
	int rc;

	if (!tx || !tx->db)
		return hss_db_set_error(EINVAL, "no transaction");
	if ((rc = hss_db_rec_check(table, key)))
		return rc;
	return tx->db->ops->tx_get(tx, table, key, ret);
}

int hss_db_tx_put(struct hss_db_tx *tx, const char *table, const char *key, const void *data,
                  size_t len, uint64_t expect, uint64_t *ret_version)
{
	int rc;

	if (!tx || !tx->db)
		return hss_db_set_error(EINVAL, "no transaction");
	if ((rc = hss_db_rec_check(table, key)))
		return rc;
	if (len > HSS_DB_REC_VALUE_MAX || (len && !data))
		return hss_db_set_error(EINVAL, "record %s/%s: value of %zu octets (at most %u)", table,
		                        key, len, HSS_DB_REC_VALUE_MAX);
	return tx->db->ops->tx_put(tx, table, key, data ? data : "", len, expect, ret_version);
}

int hss_db_tx_del(struct hss_db_tx *tx, const char *table, const char *key, uint64_t expect)
{
	int rc;

	if (!tx || !tx->db)
		return hss_db_set_error(EINVAL, "no transaction");
	if ((rc = hss_db_rec_check(table, key)))
		return rc;
	return tx->db->ops->tx_del(tx, table, key, expect);
}

int hss_db_tx_list(struct hss_db_tx *tx, const char *table, const char *prefix,
                   const char *after, uint64_t limit, hss_db_rec_cb cb, void *arg)
{
	if (!tx || !tx->db)
		return hss_db_set_error(EINVAL, "no transaction");
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

	NEED_REC(db, rec_tx);
	if ((rc = hss_db_rec_check(table, key)))
		return rc;
	if ((rc = db->ops->rec_tx(db, put_body, &p)))
		return rc;
	if (ret_version)
		*ret_version = p.version;
	return 0;
}

int hss_db_rec_del(struct hss_db *db, const char *table, const char *key, uint64_t expect)
{
	struct put_arg p = { table, key, NULL, 0, expect, 0, true };
	int rc;

	NEED_REC(db, rec_tx);
	if ((rc = hss_db_rec_check(table, key)))
		return rc;
	return db->ops->rec_tx(db, put_body, &p);
}

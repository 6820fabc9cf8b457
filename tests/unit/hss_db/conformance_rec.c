/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * conformance_rec.c: the keyed records every backend must get right: round trips of
 * binary values, versions and put/del conditions, the argument checks, listings in octet
 * order with prefixes and pages, transactions that commit or roll back as a whole, their
 * atomicity under concurrent read-modify-writes from threads and processes, transactions
 * group-committed together where one that wrote and then failed leaves nothing behind and
 * costs the others nothing, and the bound the database timeout puts on a transaction
 * waiting for a lock.
 */
#include "conformance.h"
#include "hss_db.h"
#include "tap.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define T "conf.t"

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void t_basic(struct hss_db *db)
{
	struct hss_db_rec r = { 0 };
	static const uint8_t bin[] = { 0, 1, 2, 0xff, 0, 'x', '\'', '"', '\\', '\n', 0x1a };
	uint64_t v1 = 0, v2 = 0, v3 = 0;
	uint8_t *big;
	int rc;

	CHECK(hss_db_caps(db) & HSS_DB_CAP_RECORDS, "backend announces keyed records");
	rc = hss_db_rec_get(db, T, "nokey", &r);
	CHECK_ERR(rc, ENOENT, "get of a missing record is ENOENT");
	rc = hss_db_rec_put(db, T, "a", bin, sizeof(bin), HSS_DB_REC_NEW, &v1);
	CHECK_ERR(rc, 0, "insert a binary value (%s)", hss_db_strerror());
	CHECK(v1 != 0 && v1 != HSS_DB_REC_ANY, "a new record has a version (%" PRIu64 ")", v1);
	rc = hss_db_rec_get(db, T, "a", &r);
	CHECK_ERR(rc, 0, "get it back");
	CHECK_INT(r.len, ==, sizeof(bin), "same length");
	if (r.len == sizeof(bin))
		CHECK_MEM(r.data, bin, sizeof(bin), "same octets (NUL, quotes, backslash, 0xff)");
	CHECK_STR(r.key, "a", "key returned");
	CHECK_UINT(r.version, ==, v1, "version returned");
	hss_db_rec_free(&r);

	rc = hss_db_rec_put(db, T, "a", "x", 1, HSS_DB_REC_NEW, NULL);
	CHECK_ERR(rc, EEXIST, "insert-only put of an existing record is EEXIST");
	rc = hss_db_rec_put(db, T, "a", "x", 1, v1 + 7, NULL);
	CHECK_ERR(rc, ECANCELED, "put expecting another version is ECANCELED");
	rc = hss_db_rec_put(db, T, "a", "yy", 2, v1, &v2);
	CHECK_ERR(rc, 0, "put expecting the current version");
	CHECK_UINT(v2, ==, v1 + 1, "each put adds one to the version");
	rc = hss_db_rec_put(db, T, "a", "", 0, HSS_DB_REC_ANY, &v3);
	CHECK_ERR(rc, 0, "unconditional put of an empty value");
	CHECK_UINT(v3, ==, v2 + 1, "version again + 1");
	rc = hss_db_rec_get(db, T, "a", &r);
	CHECK(rc == 0 && r.len == 0 && r.data && r.data[0] == 0, "empty value read back empty");
	hss_db_rec_free(&r);
	rc = hss_db_rec_put(db, T, "missing", "x", 1, 5, NULL);
	CHECK_ERR(rc, ENOENT, "put expecting a version of a missing record is ENOENT");
	rc = hss_db_rec_del(db, T, "a", v1);
	CHECK_ERR(rc, ECANCELED, "delete expecting an old version is ECANCELED");
	rc = hss_db_rec_del(db, T, "a", v3);
	CHECK_ERR(rc, 0, "delete expecting the current version");
	rc = hss_db_rec_del(db, T, "a", HSS_DB_REC_ANY);
	CHECK_ERR(rc, ENOENT, "delete of a missing record is ENOENT");
	rc = hss_db_rec_put(db, T, "a", "z", 1, HSS_DB_REC_NEW, &v1);
	CHECK(rc == 0 && v1 != v3 && v1 != v2, "created again: a version it never had "
	      "(%" PRIu64 " after %" PRIu64 ")", v1, v3);
	rc = hss_db_rec_put(db, "other.t", "a", "w", 1, HSS_DB_REC_NEW, NULL);
	CHECK_ERR(rc, 0, "the same key in another table is another record");
	rc = hss_db_rec_get(db, T, "a", &r);
	CHECK(rc == 0 && r.len == 1 && r.data[0] == 'z', "tables are apart");
	hss_db_rec_free(&r);

	/* a large value (1 MiB of every octet value) */
	big = malloc(1u << 20);
	for (size_t i = 0; i < (1u << 20); i++)
		big[i] = (uint8_t)(i * 7 + (i >> 8));
	rc = hss_db_rec_put(db, T, "big", big, 1u << 20, HSS_DB_REC_ANY, NULL);
	CHECK_ERR(rc, 0, "1 MiB value stored (%s)", hss_db_strerror());
	rc = hss_db_rec_get(db, T, "big", &r);
	CHECK(rc == 0 && r.len == (1u << 20) && !memcmp(r.data, big, 1u << 20), "1 MiB read back");
	hss_db_rec_free(&r);
	rc = hss_db_rec_del(db, T, "big", HSS_DB_REC_ANY);
	CHECK_ERR(rc, 0, "large record deleted");
	free(big);

	/* argument checks */
	CHECK_ERR(hss_db_rec_get(db, "Bad Table", "a", &r), EINVAL, "table name with capitals and "
	          "a space refused");
	CHECK_SUBSTR(hss_db_strerror(), "record table", "the message names the table");
	CHECK_ERR(hss_db_rec_get(db, "", "a", &r), EINVAL, "empty table name refused");
	CHECK_ERR(hss_db_rec_get(db, T, "", &r), EINVAL, "empty key refused");
	{
		char k[HSS_DB_REC_KEY_MAX + 2];
		memset(k, 'k', sizeof(k) - 1);
		k[sizeof(k) - 1] = 0;
		CHECK_ERR(hss_db_rec_put(db, T, k, "x", 1, HSS_DB_REC_ANY, NULL), EINVAL,
		          "key of %u octets refused", HSS_DB_REC_KEY_MAX + 1);
		k[HSS_DB_REC_KEY_MAX] = 0;
		CHECK_ERR(hss_db_rec_put(db, T, k, "x", 1, HSS_DB_REC_ANY, NULL), 0,
		          "key of %u octets accepted (%s)", HSS_DB_REC_KEY_MAX, hss_db_strerror());
		CHECK_ERR(hss_db_rec_del(db, T, k, HSS_DB_REC_ANY), 0, "and deleted");
	}
	CHECK_ERR(hss_db_rec_put(db, T, "x", "x", (size_t)HSS_DB_REC_VALUE_MAX + 1, HSS_DB_REC_ANY,
	                         NULL), EINVAL, "value over %u octets refused", HSS_DB_REC_VALUE_MAX);
}

struct collect {
	char keys[512][64];
	size_t n;
	int stop_at;
};

static int collect_cb(const struct hss_db_rec *r, void *arg)
{
	struct collect *c = arg;

	if (c->n < 512)
		snprintf(c->keys[c->n], sizeof(c->keys[0]), "%s", r->key);
	c->n++;
	return c->stop_at && (int)c->n == c->stop_at ? 42 : 0;
}

static void t_list(struct hss_db *db)
{
	static const char *const odd[] = { "p:B", "p:a", "p:\xc3\xa9", "p:z", "p:\x7f", "p\xff",
	                                   "p\xff\xff", "q" };
	struct collect *c = calloc(1, sizeof(*c));
	char k[64];
	int i, rc, sorted = 1;

	for (i = 0; i < 200; i++) {
		snprintf(k, sizeof(k), "L/%03d", 199 - i);
		if (hss_db_rec_put(db, "conf.list", k, k, strlen(k), HSS_DB_REC_ANY, NULL))
			break;
	}
	CHECK_INT(i, ==, 200, "200 records stored (%s)", hss_db_strerror());
	rc = hss_db_rec_list(db, "conf.list", NULL, NULL, 0, collect_cb, c);
	CHECK(rc == 0 && c->n == 200, "listing gives all 200 over several pages (%zu)", c->n);
	for (i = 1; i < 200 && i < (int)c->n; i++)
		sorted &= strcmp(c->keys[i - 1], c->keys[i]) < 0;
	CHECK(sorted && !strcmp(c->keys[0], "L/000"), "in key order");
	memset(c, 0, sizeof(*c));
	rc = hss_db_rec_list(db, "conf.list", "L/1", "L/150", 20, collect_cb, c);
	CHECK(rc == 0 && c->n == 20 && !strcmp(c->keys[0], "L/151") && !strcmp(c->keys[19], "L/170"),
	      "prefix L/1, after L/150, limit 20: L/151..L/170 (%zu, %s)", c->n, c->keys[0]);
	memset(c, 0, sizeof(*c));
	c->stop_at = 70;
	rc = hss_db_rec_list(db, "conf.list", NULL, NULL, 0, collect_cb, c);
	CHECK(rc == 42 && c->n == 70, "a callback's non-zero return stops the listing and is returned");

	for (i = 0; i < (int)(sizeof(odd) / sizeof(odd[0])); i++)
		hss_db_rec_put(db, "conf.odd", odd[i], "v", 1, HSS_DB_REC_ANY, NULL);
	memset(c, 0, sizeof(*c));
	rc = hss_db_rec_list(db, "conf.odd", "p:", NULL, 0, collect_cb, c);
	CHECK(rc == 0 && c->n == 5 && !strcmp(c->keys[0], "p:B") && !strcmp(c->keys[1], "p:a") &&
	      !strcmp(c->keys[2], "p:z") && !strcmp(c->keys[3], "p:\x7f") &&
	      !strcmp(c->keys[4], "p:\xc3\xa9"),
	      "octet order (B < a < z < DEL < UTF-8) and the prefix bound (%zu)", c->n);
	memset(c, 0, sizeof(*c));
	rc = hss_db_rec_list(db, "conf.odd", "p\xff", NULL, 0, collect_cb, c);
	CHECK(rc == 0 && c->n == 2, "prefix ending in 0xff: the two keys under it (%zu)", c->n);
	free(c);
}

/* ---- transactions ------------------------------------------------------------------- */

struct tx_multi {
	int fail_at;             /* return EINVAL after that many puts (0: never) */
	size_t listed;
};

static int count_cb(const struct hss_db_rec *r, void *arg)
{
	(void)r;
	((struct tx_multi *)arg)->listed++;
	return 0;
}

static int tx_multi_body(struct hss_db_tx *tx, void *arg)
{
	struct tx_multi *m = arg;
	char k[32];
	int i, rc;

	m->listed = 0;
	for (i = 0; i < 10; i++) {
		snprintf(k, sizeof(k), "m%d", i);
		if ((rc = hss_db_tx_put(tx, "conf.tx", k, k, strlen(k), HSS_DB_REC_ANY, NULL)))
			return rc;
		if (m->fail_at && i + 1 == m->fail_at)
			return EINVAL;
	}
	if ((rc = hss_db_tx_del(tx, "conf.tx", "m0", HSS_DB_REC_ANY)))
		return rc;
	return hss_db_tx_list(tx, "conf.tx", "m", NULL, 0, count_cb, m);
}

static void t_tx(struct hss_db *db)
{
	struct tx_multi m = { 5, 0 };
	struct hss_db_rec r = { 0 };
	struct collect *c = calloc(1, sizeof(*c));
	int rc;

	rc = hss_db_rec_tx(db, tx_multi_body, &m);
	CHECK_ERR(rc, EINVAL, "a body's error rolls back and is returned");
	rc = hss_db_rec_list(db, "conf.tx", NULL, NULL, 0, collect_cb, c);
	CHECK(rc == 0 && c->n == 0, "nothing of it was stored (%zu records)", c->n);
	m.fail_at = 0;
	rc = hss_db_rec_tx(db, tx_multi_body, &m);
	CHECK_ERR(rc, 0, "ten puts, a delete and a listing in one transaction (%s)",
	          hss_db_strerror());
	CHECK_INT(m.listed, ==, 9, "the listing inside sees the transaction's own writes");
	memset(c, 0, sizeof(*c));
	rc = hss_db_rec_list(db, "conf.tx", NULL, NULL, 0, collect_cb, c);
	CHECK(rc == 0 && c->n == 9, "all of it committed (%zu)", c->n);
	CHECK_ERR(hss_db_rec_get(db, "conf.tx", "m0", &r), ENOENT, "the deleted one is gone");
	free(c);
}

/* hss_db_tx_on_commit: called once per transaction that became durable, before its caller
 * is told; never for one that failed or was rolled back (a body that asks and then fails),
 * also with many threads' transactions sharing commits. */
static atomic_int oc_calls;

static void oc_fn(void)
{
	atomic_fetch_add(&oc_calls, 1);
}

static void oc_other(void)
{
}

struct oc_arg {
	int result;              /* what the body returns after asking */
	int second_rc;           /* hss_db_tx_on_commit of another fn */
	char key[32];
};

static int oc_body(struct hss_db_tx *tx, void *arg)
{
	struct oc_arg *a = arg;
	int rc;

	if ((rc = hss_db_tx_put(tx, "conf.oc", a->key, "x", 1, HSS_DB_REC_ANY, NULL)) ||
	    (rc = hss_db_tx_on_commit(tx, oc_fn)) || (rc = hss_db_tx_on_commit(tx, oc_fn)))
		return rc;
	a->second_rc = hss_db_tx_on_commit(tx, oc_other);
	return a->result;
}

struct oc_thr {
	struct hss_db *db;
	int t, ok, bad;
};

static void *oc_thread(void *arg)
{
	struct oc_thr *o = arg;

	for (int i = 0; i < 40; i++) {
		struct oc_arg a = { (i % 3 == 0) ? ECANCELED : 0, 0, "" };
		int rc;

		snprintf(a.key, sizeof(a.key), "t%d-%d", o->t, i);
		rc = hss_db_rec_tx(o->db, oc_body, &a);
		if (rc == 0)
			o->ok++;
		else if (rc != ECANCELED)
			o->bad++;
	}
	return NULL;
}

static void t_on_commit(struct hss_db *db)
{
	struct oc_arg a = { 0, 0, "one" };
	struct oc_thr o[8];
	pthread_t th[8];
	struct hss_db_rec r = { 0 };
	int rc, t, ok = 0, bad = 0;

	atomic_store(&oc_calls, 0);
	CHECK_ERR(hss_db_tx_on_commit(NULL, oc_fn), EINVAL, "on_commit outside a transaction");
	rc = hss_db_rec_tx(db, oc_body, &a);
	CHECK_ERR(rc, 0, "a transaction that asks for on_commit (%s)", hss_db_strerror());
	CHECK_INT(atomic_load(&oc_calls), ==, 1, "on_commit called once (asked twice, same fn), "
	          "before the caller was told");
	CHECK_INT(a.second_rc, ==, EBUSY, "a second, different fn: EBUSY");
	a = (struct oc_arg){ ECANCELED, 0, "two" };
	rc = hss_db_rec_tx(db, oc_body, &a);
	CHECK_ERR(rc, ECANCELED, "a body that asks, then fails");
	CHECK_INT(atomic_load(&oc_calls), ==, 1, "... is not called back");
	CHECK_ERR(hss_db_rec_get(db, "conf.oc", "two", &r), ENOENT, "... and wrote nothing");
	hss_db_rec_free(&r);

	atomic_store(&oc_calls, 0);
	for (t = 0; t < 8; t++) {
		o[t] = (struct oc_thr){ db, t, 0, 0 };
		pthread_create(&th[t], NULL, oc_thread, &o[t]);
	}
	for (t = 0; t < 8; t++) {
		pthread_join(th[t], NULL);
		ok += o[t].ok;
		bad += o[t].bad;
	}
	CHECK_INT(bad, ==, 0, "8 threads x 40 transactions: each committed or was refused");
	CHECK_INT(atomic_load(&oc_calls), ==, ok, "on_commit called exactly for the %d that "
	          "committed, none of the refused ones in their groups", ok);
}

/* Group commit: transactions from many threads share commits; one that wrote and then
 * failed with a result of its own (ECANCELED) or met a fault of its own (EIO, as a corrupt
 * record gives) leaves none of its writes and costs the others of its group nothing. */
#define G_THREADS 8
#define G_ITER 40

struct g_body {
	int t, i;
	int kind;                /* 0 commit, 1 ECANCELED after writing, 2 EIO after writing */
};

struct g_thr {
	struct hss_db *db;
	int t, wrong_rc, wrong_msg;
	char first[256];
};

static int g_body_fn(struct hss_db_tx *tx, void *arg)
{
	struct g_body *b = arg;
	char k[32], m[64];
	int rc;

	snprintf(k, sizeof(k), "t%d-%03d", b->t, b->i);
	if ((rc = hss_db_tx_put(tx, "conf.g", k, k, strlen(k), HSS_DB_REC_ANY, NULL)))
		return rc;
	if (!b->kind)
		return 0;
	snprintf(m, sizeof(m), "%s %s", b->kind == 1 ? "refused" : "corrupt", k);
	return hss_db_tx_error(b->kind == 1 ? ECANCELED : EIO, m);
}

static int g_kind(int t, int i)
{
	int x = (i + 3 * t) % 10;   /* staggered: not every thread fails at once */

	return x == 3 ? 1 : x == 7 ? 2 : 0;
}

static void *g_thread(void *arg)
{
	struct g_thr *g = arg;

	for (int i = 0; i < G_ITER; i++) {
		struct g_body b = { g->t, i, g_kind(g->t, i) };
		int want = b.kind == 1 ? ECANCELED : b.kind == 2 ? EIO : 0;
		int rc = hss_db_rec_tx(g->db, g_body_fn, &b);
		char k[32];

		snprintf(k, sizeof(k), "t%d-%03d", g->t, i);
		if (rc != want) {
			if (!g->wrong_rc++)
				snprintf(g->first, sizeof(g->first), "%s: rc %d, want %d (%s)", k, rc, want,
				         hss_db_strerror());
		} else if (want && !strstr(hss_db_strerror(), k)) {
			if (!g->wrong_msg++)
				snprintf(g->first, sizeof(g->first), "%s: message '%s'", k,
				         hss_db_strerror());
		}
	}
	return NULL;
}

static void t_group(struct hss_db *db)
{
	struct g_thr g[G_THREADS];
	pthread_t th[G_THREADS];
	struct hss_db_wstats w0, w1;
	struct collect *c = calloc(1, sizeof(*c));
	int t, i, wrong_rc = 0, wrong_msg = 0, missing = 0, extra = 0;
	char first[256] = "";

	hss_db_writer_stats(db, &w0);
	for (t = 0; t < G_THREADS; t++) {
		g[t] = (struct g_thr){ db, t, 0, 0, "" };
		pthread_create(&th[t], NULL, g_thread, &g[t]);
	}
	for (t = 0; t < G_THREADS; t++) {
		pthread_join(th[t], NULL);
		wrong_rc += g[t].wrong_rc;
		wrong_msg += g[t].wrong_msg;
		if (!first[0] && g[t].first[0])
			snprintf(first, sizeof(first), "%s", g[t].first);
	}
	hss_db_writer_stats(db, &w1);
	CHECK_INT(wrong_rc, ==, 0, "%d threads x %d transactions: each got its own result (%s)",
	          G_THREADS, G_ITER, first);
	CHECK_INT(wrong_msg, ==, 0, "a body's own error message reaches its caller (%s)", first);
	CHECK(w1.writes - w0.writes > w1.groups - w0.groups, "transactions shared commits (%" PRIu64
	      " in %" PRIu64 " groups)", w1.writes - w0.writes, w1.groups - w0.groups);
	if (!c || hss_db_rec_list(db, "conf.g", NULL, NULL, 0, collect_cb, c)) {
		CHECK(0, "list conf.g: %s", hss_db_strerror());
		free(c);
		return;
	}
	for (t = 0; t < G_THREADS; t++)
		for (i = 0; i < G_ITER; i++) {
			char k[32];
			size_t j;
			bool found = false;

			snprintf(k, sizeof(k), "t%d-%03d", t, i);
			for (j = 0; j < c->n && !found; j++)
				found = !strcmp(c->keys[j], k);
			if (found && g_kind(t, i))
				extra++;
			else if (!found && !g_kind(t, i))
				missing++;
		}
	CHECK_INT(extra, ==, 0, "nothing written by a failed transaction was committed");
	CHECK_INT(missing, ==, 0, "every successful transaction's write is there");
	free(c);
}

/* Read-modify-write of two counters in one transaction, from threads and processes: the
 * totals come out exact only if no two transactions interleave. */
#define RMW_ITER 60

struct rmw {
	int a_delta;
};

static int get_num(struct hss_db_tx *tx, const char *key, long *ret)
{
	struct hss_db_rec r = { 0 };
	int rc = hss_db_tx_get(tx, "conf.rmw", key, &r);

	if (rc == ENOENT) {
		*ret = 0;
		return 0;
	}
	if (rc)
		return rc;
	*ret = strtol((const char *)r.data, NULL, 10);
	hss_db_rec_free(&r);
	return 0;
}

static int put_num(struct hss_db_tx *tx, const char *key, long v)
{
	char b[32];

	snprintf(b, sizeof(b), "%ld", v);
	return hss_db_tx_put(tx, "conf.rmw", key, b, strlen(b), HSS_DB_REC_ANY, NULL);
}

static int rmw_body(struct hss_db_tx *tx, void *arg)
{
	struct rmw *w = arg;
	long a, b;
	int rc;

	if ((rc = get_num(tx, "a", &a)) || (rc = get_num(tx, "b", &b)))
		return rc;
	/* a moves by delta, b by minus delta, total count goes up by one */
	if ((rc = put_num(tx, "a", a + w->a_delta)) || (rc = put_num(tx, "b", b - w->a_delta)))
		return rc;
	if ((rc = get_num(tx, "n", &a)))
		return rc;
	return put_num(tx, "n", a + 1);
}

struct rmw_thr {
	struct hss_db *db;
	int errors;
	unsigned seed;
};

static void *rmw_thread(void *arg)
{
	struct rmw_thr *t = arg;

	for (int i = 0; i < RMW_ITER; i++) {
		struct rmw w = { (int)(rand_r(&t->seed) % 7) - 3 };
		if (hss_db_rec_tx(t->db, rmw_body, &w)) {
			fprintf(stderr, "rmw: %s\n", hss_db_strerror());
			t->errors++;
		}
	}
	return NULL;
}

static long read_num(struct hss_db *db, const char *key)
{
	struct hss_db_rec r = { 0 };
	long v = -1;

	if (!hss_db_rec_get(db, "conf.rmw", key, &r))
		v = strtol((const char *)r.data, NULL, 10);
	hss_db_rec_free(&r);
	return v;
}

static void t_rmw(struct hss_db *db, const char *backend, const char *uri)
{
	struct rmw_thr t[4];
	pthread_t th[4];
	pid_t pid[2] = { -1, -1 };
	int i, bad = 0, procs = (hss_db_caps(db) & HSS_DB_CAP_MULTI_PROCESS) ? 2 : 0, status;

	for (i = 0; i < procs; i++) {
		if ((pid[i] = fork()) == 0) {
			struct hss_db_opts o = { 0, 10000 };
			struct rmw_thr ct = { NULL, 0, 1000u + (unsigned)i };
			char err[256];

			if (hss_db_open(backend, uri, &o, &ct.db, err, sizeof(err))) {
				fprintf(stderr, "child open: %s\n", err);
				_exit(2);
			}
			rmw_thread(&ct);
			hss_db_close(ct.db);
			_exit(ct.errors ? 3 : 0);
		}
	}
	for (i = 0; i < 4; i++) {
		t[i] = (struct rmw_thr){ db, 0, (unsigned)i + 1 };
		pthread_create(&th[i], NULL, rmw_thread, &t[i]);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		bad += t[i].errors;
	}
	for (i = 0; i < procs; i++) {
		waitpid(pid[i], &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			bad++;
	}
	CHECK_INT(bad, ==, 0, "4 threads and %d processes: every transaction committed", procs);
	CHECK_INT(read_num(db, "n"), ==, (4 + procs) * RMW_ITER,
	          "the counter saw every transaction exactly once");
	CHECK_INT(read_num(db, "a") + read_num(db, "b"), ==, 0,
	          "two records changed together always sum to 0");
}

/* Many writers creating the same absent records at once, round after round, from threads
 * and processes: on MariaDB each round's first inserts collide (duplicate-key checks, then
 * deadlocks between the losers), which a loaded machine turns into several collisions in a
 * row. Every transaction must still commit, once, within the database timeout. */
#define RACE_ROUNDS 40
#define RACE_THREADS 6

static int race_body(struct hss_db_tx *tx, void *arg)
{
	const int *round = arg;
	char k[32];
	long v;
	int rc;

	for (int i = 0; i < 3; i++) {
		snprintf(k, sizeof(k), "r%03d-%c", *round, 'a' + i);
		if ((rc = get_num(tx, k, &v)) || (rc = put_num(tx, k, v + 1)))
			return rc;
	}
	return 0;
}

static void *race_thread(void *arg)
{
	struct rmw_thr *t = arg;

	for (int r = 0; r < RACE_ROUNDS; r++)
		if (hss_db_rec_tx(t->db, race_body, &r)) {
			fprintf(stderr, "race: %s\n", hss_db_strerror());
			t->errors++;
		}
	return NULL;
}

static void t_race(struct hss_db *db, const char *backend, const char *uri)
{
	struct rmw_thr t[RACE_THREADS];
	pthread_t th[RACE_THREADS];
	pid_t pid[2] = { -1, -1 };
	int i, r, bad = 0, wrong = 0, procs = (hss_db_caps(db) & HSS_DB_CAP_MULTI_PROCESS) ? 2 : 0;
	int status, total;
	struct hss_db_wstats ws;

	for (i = 0; i < procs; i++) {
		if ((pid[i] = fork()) == 0) {
			struct hss_db_opts o = { 0, 10000 };
			struct rmw_thr ct[2];
			pthread_t cth[2];
			char err[256];
			int e = 0;

			if (hss_db_open(backend, uri, &o, &ct[0].db, err, sizeof(err))) {
				fprintf(stderr, "child open: %s\n", err);
				_exit(2);
			}
			for (int j = 0; j < 2; j++) {
				ct[j] = (struct rmw_thr){ ct[0].db, 0, 0 };
				pthread_create(&cth[j], NULL, race_thread, &ct[j]);
			}
			for (int j = 0; j < 2; j++) {
				pthread_join(cth[j], NULL);
				e += ct[j].errors;
			}
			hss_db_close(ct[0].db);
			_exit(e ? 3 : 0);
		}
	}
	for (i = 0; i < RACE_THREADS; i++) {
		t[i] = (struct rmw_thr){ db, 0, 0 };
		pthread_create(&th[i], NULL, race_thread, &t[i]);
	}
	for (i = 0; i < RACE_THREADS; i++) {
		pthread_join(th[i], NULL);
		bad += t[i].errors;
	}
	for (i = 0; i < procs; i++) {
		waitpid(pid[i], &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			bad++;
	}
	total = RACE_THREADS + 2 * procs;
	for (r = 0; r < RACE_ROUNDS; r++)
		for (i = 0; i < 3; i++) {
			char k[32];

			long v;

			snprintf(k, sizeof(k), "r%03d-%c", r, 'a' + i);
			if ((v = read_num(db, k)) != total) {
				if (!wrong)
					tap_note("%s: %ld, expected %d (%s)", k, v, total,
					     v < 0 ? hss_db_strerror() : "");
				wrong++;
			}
		}
	hss_db_writer_stats(db, &ws);
	CHECK_INT(bad, ==, 0, "%d writers creating the same records: every transaction committed "
	          "(%llu deadlocks met in this process)", total, (unsigned long long)ws.deadlocks);
	CHECK_INT(wrong, ==, 0, "each created record counted every transaction exactly once");
}

/* A transaction waiting for a lock another one holds gives up at the database timeout. */
struct holder {
	struct hss_db *db;
	int rc;
	volatile int inside;
};

static int hold_body(struct hss_db_tx *tx, void *arg)
{
	struct holder *h = arg;
	struct timespec ts = { 1, 500000000 };
	struct hss_db_rec r = { 0 };
	int rc = hss_db_tx_get(tx, "conf.rmw", "n", &r);

	hss_db_rec_free(&r);
	if (!rc)
		rc = put_num(tx, "n", 1000000);
	h->inside = 1;
	nanosleep(&ts, NULL);
	return rc ? rc : EINTR;   /* roll back: the counter keeps its value */
}

static void *hold_thread(void *arg)
{
	struct holder *h = arg;

	h->rc = hss_db_rec_tx(h->db, hold_body, h);
	return NULL;
}

static void t_timeout(const char *backend, const char *uri)
{
	struct hss_db_opts o = { 0, 300 };
	struct hss_db *a = NULL, *b = NULL;
	struct holder h = { 0 };
	struct rmw w = { 0 };
	pthread_t th;
	char err[256];
	int64_t t0;
	int rc;

	if (hss_db_open(backend, uri, &o, &a, err, sizeof(err)) ||
	    hss_db_open(backend, uri, &o, &b, err, sizeof(err))) {
		CHECK(0, "open two handles: %s", err);
		hss_db_close(a);
		return;
	}
	h.db = a;
	pthread_create(&th, NULL, hold_thread, &h);
	while (!h.inside)
		usleep(1000);
	t0 = now_ms();
	rc = hss_db_rec_tx(b, rmw_body, &w);
	CHECK_ERR(rc, ETIMEDOUT, "a transaction waiting for a held record fails with ETIMEDOUT (%s)",
	          hss_db_strerror());
	/* MySQL counts lock waits in whole seconds: 300 ms is rounded up to 1 s */
	CHECK_INT(now_ms() - t0, <, 1400, "after about the 300 ms timeout (%" PRId64 " ms)",
	          now_ms() - t0);
	pthread_join(th, NULL);
	CHECK_ERR(h.rc, EINTR, "the holder rolled back");
	rc = hss_db_rec_tx(b, rmw_body, &w);
	CHECK_ERR(rc, 0, "once the lock is gone a transaction goes through (%s)", hss_db_strerror());
	hss_db_close(a);
	hss_db_close(b);
}

void run_rec_conformance(struct hss_db *db, const char *backend, const char *uri)
{
	if (!(hss_db_caps(db) & HSS_DB_CAP_RECORDS)) {
		CHECK(0, "backend %s has no keyed records", backend);
		return;
	}
	t_basic(db);
	t_list(db);
	t_tx(db);
	t_on_commit(db);
	t_group(db);
	t_rmw(db, backend, uri);
	t_race(db, backend, uri);
	if (hss_db_caps(db) & HSS_DB_CAP_MULTI_PROCESS)
		t_timeout(backend, uri);
}

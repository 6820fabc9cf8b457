/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_pool.c: the one connection pool of hss/db, for every backend, and what keeps a failing
 * database from stalling the HSS:
 *
 * - Every wait for a connection ends at the operation's deadline (timeout_ms): ETIMEDOUT
 *   "all N connections stayed busy" rather than a request queued past the peers' timers.
 * - Connections are opened on demand; one that failed in a way that may stick to it
 *   (broken: server gone, I/O error, read-only fallback) is closed when put back and
 *   reopened on next use. A driver may say that a failure poisons every connection to the
 *   same database (SQLite's read-only -shm mapping): the idle ones are closed at once.
 * - A server that cannot be reached is tried once per RECONNECT_MS; the operations in
 *   between fail at once with ENOTCONN and the reason of the last attempt.
 * - Generations: when the driver's watch says the database moved (the SQLite file moved,
 *   deleted or replaced), the connections to the old one are retired once idle (the driver
 *   closes them without touching what is at the path now), and only then is anything
 *   opened at the address again; meanwhile operations wait for the old ones (within their
 *   deadline) or fail with the driver's reason.
 * - Lock outages: once a wait for a lock ran into its deadline, the database counts as
 *   locked until an operation shows the lock gone; meanwhile one operation at a time (the
 *   probe) waits for locks and the others fail at once (hss_pool_may_wait).
 */
#include "db_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RECONNECT_MS 250             /* one connection attempt per this while the server is away */

int64_t hss_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void hss_pool_lock(struct hss_db *db)
{
	pthread_mutex_lock(&db->pool.mu);
}

void hss_pool_unlock(struct hss_db *db)
{
	pthread_mutex_unlock(&db->pool.mu);
}

/* ---- lock outages ----------------------------------------------------------------------- */

bool hss_pool_may_wait(struct hss_db *db, struct hss_pconn *c)
{
	bool no = false;

	if (c->probe || !atomic_load(&db->pool.locked))
		return true;
	if (!atomic_compare_exchange_strong(&db->pool.probing, &no, true))
		return false;
	c->probe = true;
	return true;
}

void hss_pool_lock_timeout(struct hss_db *db)
{
	atomic_store(&db->pool.locked, true);
}

void hss_pool_lock_clear(struct hss_db *db)
{
	if (atomic_load_explicit(&db->pool.locked, memory_order_relaxed))
		atomic_store(&db->pool.locked, false);
}

/* ---- generations ------------------------------------------------------------------------ */

/* Close the connections of past generations (mu held, all of them idle). */
static void retire(struct hss_db *db)
{
	struct hss_pool *p = &db->pool;
	struct hss_pconn *list[64];
	unsigned i, n = 0, g;

	p->retiring = true;
	/* one generation at a time: the driver checkpoints each file into itself */
	for (i = 0, g = p->gen; i < p->n; i++)
		if (p->c[i].h && p->c[i].gen != p->gen) {
			g = p->c[i].gen;
			break;
		}
	for (i = 0; i < p->n && n < 64; i++)
		if (p->c[i].h && p->c[i].gen == g) {
			p->c[i].busy = true;
			list[n++] = &p->c[i];
		}
	pthread_mutex_unlock(&p->mu);
	if (db->drv->retire)
		db->drv->retire(db, list, n);
	for (i = 0; i < n; i++)
		if (list[i]->h)
			db->drv->conn_close(db, list[i], true);
	pthread_mutex_lock(&p->mu);
	for (i = 0; i < n; i++)
		list[i]->busy = false;
	p->retiring = false;
	pthread_cond_broadcast(&p->cv);
}

/* Whether the connections may be used (mu held): 0; an errno with the message when there
 * is nothing to open; EAGAIN (message set) while connections of an old generation are busy
 * or being retired (wait for them); *retire_now when the caller is to retire them now. */
static int check_gen(struct hss_db *db, bool *retire_now)
{
	struct hss_pool *p = &db->pool;
	unsigned i, old = 0, old_busy = 0;
	bool moved = false;
	int rc = 0;

	*retire_now = false;
	if (db->drv->watch) {
		rc = db->drv->watch(db, &moved);
		if (moved)
			p->gen++;
	}
	for (i = 0; i < p->n; i++)
		if (p->c[i].h && p->c[i].gen != p->gen) {
			old++;
			old_busy += p->c[i].busy;
		}
	if (!old)
		return rc;
	if (!old_busy && !p->retiring) {
		*retire_now = true;
		return 0;
	}
	if (rc)   /* nothing to wait for: no database there */
		return rc;
	return hss_db_set_error(EAGAIN, "%s: the database was replaced; the operations on the "
	                        "previous one did not end", db->drv->name);
}

/* ---- get / put ------------------------------------------------------------------------- */

static struct hss_pconn *pick(struct hss_pool *p)
{
	unsigned i;

	for (i = 0; i < p->n; i++)
		if (!p->c[i].busy && p->c[i].h)
			return &p->c[i];
	for (i = 0; i < p->n; i++)
		if (!p->c[i].busy && !p->c[i].h)
			return &p->c[i];
	return NULL;
}

static int open_conn(struct hss_db *db, struct hss_pconn *c)
{
	struct hss_pool *p = &db->pool;
	int rc;

	c->broken = c->poison = c->reconnect = false;
	if (!(rc = db->drv->conn_open(db, c)))
		return 0;
	c->h = NULL;
	if (rc == ENOTCONN) {
		pthread_mutex_lock(&p->mu);
		p->down_until = hss_now_ms() + RECONNECT_MS;
		snprintf(p->down_msg, sizeof(p->down_msg), "%s", hss_db_strerror());
		pthread_mutex_unlock(&p->mu);
	}
	return rc;
}

int hss_pool_get(struct hss_db *db, bool write, struct hss_pconn **ret)
{
	struct hss_pool *p = &db->pool;
	int64_t deadline = hss_now_ms() + db->opts.timeout_ms;
	struct hss_pconn *c = NULL;
	struct timespec ts;
	bool retire_now;
	int rc;

	ts.tv_sec = (time_t)(deadline / 1000);
	ts.tv_nsec = (long)(deadline % 1000) * 1000000L;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		rc = check_gen(db, &retire_now);
		if (retire_now) {
			retire(db);
			continue;
		}
		if (rc && rc != EAGAIN)
			goto out;
		if (!rc && (c = pick(p)))
			break;
		if (pthread_cond_timedwait(&p->cv, &p->mu, &ts) == ETIMEDOUT) {
			if (rc == EAGAIN)   /* the message says why */
				rc = ESTALE;
			else
				rc = hss_db_set_error(ETIMEDOUT, "%s: all %u database connections stayed "
				                      "busy for %u ms", db->drv->name, p->n,
				                      db->opts.timeout_ms);
			goto out;
		}
	}
	if (!c->h && hss_now_ms() < p->down_until) {
		/* the server was just found away: no connection attempt per request */
		rc = hss_db_set_error(ENOTCONN, "%s", p->down_msg);
		goto out;
	}
	c->busy = true;
	if (!c->h)
		c->gen = p->gen;
	pthread_mutex_unlock(&p->mu);
	c->deadline = deadline;
	if (c->h && db->drv->conn_usable && !db->drv->conn_usable(db, c, write))
		db->drv->conn_close(db, c, false);
	if ((!c->h && (rc = open_conn(db, c))) ||
	    (db->drv->conn_prepare && (rc = db->drv->conn_prepare(db, c)))) {
		hss_pool_put(db, c);
		return rc;
	}
	*ret = c;
	return 0;
out:
	pthread_mutex_unlock(&p->mu);
	return rc;
}

int hss_pool_reopen(struct hss_db *db, struct hss_pconn *c)
{
	int rc;

	if (c->h)
		db->drv->conn_close(db, c, false);
	if ((rc = open_conn(db, c)) ||
	    (db->drv->conn_prepare && (rc = db->drv->conn_prepare(db, c))))
		return rc;
	return 0;
}

void hss_pool_put(struct hss_db *db, struct hss_pconn *c)
{
	struct hss_pool *p = &db->pool;
	unsigned i;

	if (c->probe) {
		c->probe = false;
		atomic_store(&p->probing, false);
	}
	pthread_mutex_lock(&p->mu);
	if (c->h && (c->broken || c->poison) && c->gen == p->gen) {
		/* one of a retired generation stays open: retire() closes it detached */
		db->drv->conn_close(db, c, false);
		if (c->poison) {
			/* the next ones open afresh; busy ones close when put back */
			for (i = 0; i < p->n; i++) {
				struct hss_pconn *o = &p->c[i];

				if (!o->h || o->gen != p->gen)
					continue;
				if (o->busy)
					o->broken = true;
				else
					db->drv->conn_close(db, o, false);
			}
		}
	}
	c->broken = c->poison = c->reconnect = false;
	c->busy = false;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* ---- life ------------------------------------------------------------------------------ */

void hss_pool_init(struct hss_db *db)
{
	struct hss_pool *p = &db->pool;
	pthread_condattr_t ca;

	pthread_mutex_init(&p->mu, NULL);
	/* deadlines are CLOCK_MONOTONIC: a clock step must not stretch a wait */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->cv, &ca);
	pthread_condattr_destroy(&ca);
}

int hss_pool_start(struct hss_db *db)
{
	struct hss_pool *p = &db->pool;

	p->n = db->npool ? db->npool : 1;
	if (!(p->c = calloc(p->n, sizeof(*p->c))))
		return ENOMEM;
	return 0;
}

/* Close every connection; those of a database no longer at its address (moved away before
 * or found so now) are retired the way the driver wants (SQLite: checkpoint into itself,
 * no checkpoint on close). */
void hss_pool_fini(struct hss_db *db)
{
	struct hss_pool *p = &db->pool;
	bool retire_now;
	unsigned i;

	if (p->c) {
		pthread_mutex_lock(&p->mu);
		(void)check_gen(db, &retire_now);
		for (;;) {
			for (i = 0; i < p->n; i++)
				if (p->c[i].h && p->c[i].gen != p->gen)
					break;
			if (i == p->n)
				break;
			retire(db);
		}
		for (i = 0; i < p->n; i++)
			if (p->c[i].h)
				db->drv->conn_close(db, &p->c[i], false);
		pthread_mutex_unlock(&p->mu);
		free(p->c);
		p->c = NULL;
	}
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
}

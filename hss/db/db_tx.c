/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_tx.c: running transaction bodies on a pooled connection, the same for every backend:
 * begin, body, commit (or rollback); a connection found dead at BEGIN is reopened once
 * (nothing was done yet); a deadlock is run again from the start while the deadline
 * allows. Backends that take one writer at a time (SQLite) get the writers of this process
 * queued on a mutex, in order and within their deadline, instead of polling the database's
 * lock against each other (one could lose for longer than the timeout while the others
 * commit); only another process is waited for by polling.
 */
#include "db_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define RETRIES 5                    /* runs of a body that keeps meeting deadlocks */

/* The process's write turn (HSS_DB_CAP_ONE_WRITER), within the deadline; while the database
 * is locked by someone else and another operation waits for it, fail at once. */
static int write_turn(struct hss_db *db, struct hss_pconn *c)
{
	struct timespec ts;
	int e;

	if (!hss_pool_may_wait(db, c))
		return hss_db_set_error(ETIMEDOUT, "%s: database locked for more than %u ms (by "
		                        "another process; another operation waits for it)",
		                        db->drv->name, db->opts.timeout_ms);
	ts.tv_sec = (time_t)(c->deadline / 1000);
	ts.tv_nsec = (long)(c->deadline % 1000) * 1000000L;
	if ((e = pthread_mutex_clocklock(&db->wmu, CLOCK_MONOTONIC, &ts)))
		return hss_db_set_error(ETIMEDOUT, "%s: the other writers of this process held the "
		                        "database for more than %u ms%s", db->drv->name,
		                        db->opts.timeout_ms, e == ETIMEDOUT ? "" : " (lock error)");
	return 0;
}

static int run(struct hss_db *db, bool write, unsigned flags, hss_db_tx_fn fn, void *arg)
{
	const struct hss_db_driver *d = db->drv;
	bool turn = write && (d->caps & HSS_DB_CAP_ONE_WRITER);
	struct hss_db_tx tx = { db, NULL, write, 0 };
	int rc, attempt, runs = 0;

	if ((rc = hss_pool_get(db, write, &tx.pc)))
		return rc;
	for (attempt = 0; attempt < RETRIES; attempt++) {
		if (turn && (rc = write_turn(db, tx.pc)))
			break;
		tx.nwrites = 0;
		if ((rc = d->begin(&tx))) {
			if (turn)
				pthread_mutex_unlock(&db->wmu);
			/* a connection the server dropped while idle: nothing was done, reconnect */
			if (attempt == 0 && tx.pc->reconnect && !hss_pool_reopen(db, tx.pc))
				continue;
			break;
		}
		runs++;
		rc = fn(&tx, arg);
		if (!rc)
			rc = d->commit(&tx);
		if (rc)
			d->rollback(&tx);
		if (turn)
			pthread_mutex_unlock(&db->wmu);
		/* a deadlock is run again, as long as the operation's deadline allows */
		if (rc != EAGAIN || (flags & HSS_RUN_ALONE) || hss_now_ms() >= tx.pc->deadline)
			break;
	}
	if (rc == EAGAIN) {
		char why[256];

		snprintf(why, sizeof(why), "%s", hss_db_strerror());
		rc = hss_db_set_error(ETIMEDOUT, "%s: still deadlocked after %d attempts: %s", d->name,
		                      runs, why);
	}
	hss_pool_put(db, tx.pc);
	return rc;
}

int hss_db_run_read(struct hss_db *db, hss_db_tx_fn fn, void *arg)
{
	return run(db, false, 0, fn, arg);
}

int hss_db_run_write(struct hss_db *db, unsigned flags, hss_db_tx_fn fn, void *arg)
{
	return run(db, true, flags, fn, arg);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_tx.c: running transaction bodies, the same for every backend.
 *
 * Reads run on the caller's thread, on a connection of the pool, and never wait for a
 * write (WAL / MVCC).
 *
 * Writes are grouped (group commit, as InnoDB and PostgreSQL do it): callers queue their
 * body; a writer thread holding a writer turn takes everything queued, runs each body in
 * order in ONE transaction and commits once, so one fsync makes a whole group durable; only
 * then is each caller told its result (a waiting caller wakes, an asynchronous one gets its
 * done callback). While one group commits, the next one gathers: with n requests in flight
 * a commit carries about n of them. There are writers + 1 threads: the one that committed
 * runs the callbacks of its group while another already runs the next group.
 *
 * Inside a group, a body that fails with a result of its own (ENOENT, EEXIST, EINVAL...)
 * fails alone: if it wrote nothing the others go on; if it did, the transaction is rolled
 * back and run again without it. A fault met by a body (I/O, corrupt data, lock timeout)
 * fails that body and the group is run again without it while the deadline allows: one
 * corrupt record costs only its own request, whatever else its group holds (a bound of 3
 * such bodies per group let a fourth fail the rest of a large group under load). A database
 * that fails whatever runs fails each body once, within the deadline. A fault at BEGIN or
 * COMMIT fails the group.
 *
 * A deadlock (EAGAIN: InnoDB chose this transaction as the victim, another writer inserted
 * the same absent key first, a MongoDB write conflict) is transient by nature: the
 * transaction that won goes on and releases its locks at commit. The group is rolled back,
 * waits a jittered, doubling pause (DL_PAUSE_MIN_US to DL_PAUSE_MAX_US) so the transactions
 * that collided do not start again in the same instant and collide again, and runs again,
 * as often as its deadline allows: a fixed number of runs failed requests whenever a loaded
 * machine made a few collisions in a row (2 processes x 2 writers on the same records),
 * although the deadline had room for many more.
 *
 * Every queued write has a deadline (timeout_ms from when it was queued): the group's
 * waits (connection, lock) end at the earliest, and a write still queued past its own
 * fails ETIMEDOUT. While the database is locked by someone else and a group waits for the
 * lock, new writes fail at once: a lock held elsewhere cannot queue requests past the
 * peers' timers (db_pool.c, lock outages).
 */
#include "db_int.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DL_PAUSE_MIN_US 500      /* first pause after a deadlock */
#define DL_PAUSE_MAX_US 50000    /* pauses double up to this */
#define MAX_GROUP 512        /* bodies per transaction */

struct hss_wop {
	hss_db_tx_fn fn;
	void *arg;
	unsigned flags;          /* HSS_RUN_* */
	hss_db_done_fn done;     /* asynchronous: called once; NULL: a caller waits */
	void *done_arg;
	int64_t deadline;
	int64_t t0;              /* queued (now_us): the operation's duration (opts.timing) */
	void (*on_commit)(void); /* asked by its body (hss_db_tx_on_commit) in the last run */
	int rc;
	bool finished;           /* rc is final (failed alone, or the group's outcome) */
	bool complete;           /* a waiting caller may go (then the op is no longer ours) */
	char msg[256];
	struct hss_wop *next;
};

struct hss_writer {
	pthread_mutex_t mu;
	pthread_cond_t cv;       /* writes queued, a turn freed, or stop */
	pthread_cond_t done_cv;  /* a group completed (waiting callers) */
	struct hss_wop *head, **tail;
	unsigned turns;          /* free writer turns */
	bool waking;             /* a writer was signalled and has not taken the queue yet */
	unsigned nth;
	pthread_t th[16];
	bool stop;
	/* counters (hss_db_writer_stats) */
	atomic_ullong groups, writes, failed, exec_us, commit_us, complete_us, deadlocks;
};

/* ---- one transaction on the caller's thread (reads) ------------------------------------ */

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* An operation ended: its duration to the handle's observer (hss: the latency counters). */
static void timed(struct hss_db *db, int64_t t0)
{
	int64_t us;

	if (!db->opts.timing)
		return;
	us = now_us() - t0;
	db->opts.timing(us > 0 ? (uint64_t)us : 0);
}

int hss_db_run_read(struct hss_db *db, hss_db_tx_fn fn, void *arg)
{
	const struct hss_db_driver *d = db->drv;
	struct hss_db_tx tx = { db, NULL, false, 0, NULL, 0, 0 };
	int64_t t0 = db->opts.timing ? now_us() : 0;
	int rc, attempt;

	if ((rc = hss_pool_get(db, false, &tx.pc))) {
		timed(db, t0);
		return rc;
	}
	for (attempt = 0; attempt < 2; attempt++) {
		if ((rc = d->begin(&tx))) {
			/* a connection the server dropped while idle: nothing was done, reconnect */
			if (attempt == 0 && tx.pc->reconnect && !hss_pool_reopen(db, tx.pc))
				continue;
			break;
		}
		if (!(rc = fn(&tx, arg)))
			rc = d->commit(&tx);
		if (rc)
			d->rollback(&tx);
		break;
	}
	hss_pool_put(db, tx.pc);
	timed(db, t0);
	return rc;
}

/* ---- a group ---------------------------------------------------------------------------- */

/* Results a body owns (the group goes on without it); anything else is the database's. */
static bool own_result(int rc)
{
	return rc == ENOENT || rc == EEXIST || rc == EINVAL || rc == ECANCELED || rc == ENOTSUP ||
	       rc == ENOMEM || rc == ENODATA;
}

static void finish(struct hss_wop *op, int rc, const char *msg)
{
	op->rc = rc;
	op->finished = true;
	/* the common case (success) costs no formatting: every write of a group passes here */
	if (rc)
		snprintf(op->msg, sizeof(op->msg), "%.*s", (int)sizeof(op->msg) - 1, msg);
	else
		op->msg[0] = 0;
}

/* Fail every body of the group whose result is not final yet. */
static void fail_rest(struct hss_wop **ops, size_t n, int rc, const char *msg)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!ops[i]->finished)
			finish(ops[i], rc, msg);
}

/* The pause before run `runs + 1` of a group that deadlocked: doubling from DL_PAUSE_MIN_US
 * to DL_PAUSE_MAX_US, a random part of it (so colliding writers spread out), and never past
 * the deadline. false: the deadline leaves no room for another run. */
static bool deadlock_pause(int runs, int64_t deadline_ms)
{
	static _Thread_local unsigned seed;
	int64_t cap = DL_PAUSE_MIN_US, left = (deadline_ms - hss_now_ms()) * 1000, us;
	struct timespec ts;

	if (left <= 0)
		return false;
	if (!seed)
		seed = (unsigned)now_us() ^ (unsigned)(uintptr_t)&seed;
	for (int i = 1; i < runs && cap < DL_PAUSE_MAX_US; i++)
		cap *= 2;
	if (cap > DL_PAUSE_MAX_US)
		cap = DL_PAUSE_MAX_US;
	us = cap / 2 + (int64_t)(rand_r(&seed) % (unsigned)(cap / 2 + 1));
	if (us >= left)   /* keep a moment for the run itself */
		us = left / 2;
	ts.tv_sec = (time_t)(us / 1000000);
	ts.tv_nsec = (long)(us % 1000000) * 1000;
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
	return hss_now_ms() < deadline_ms;
}

static void run_group(struct hss_db *db, struct hss_wop **ops, size_t n)
{
	int64_t t0 = now_us(), t1 = 0;
	const struct hss_db_driver *d = db->drv;
	struct hss_db_tx tx = { db, NULL, true, 0, NULL, 0, 0 };
	int64_t now = hss_now_ms(), deadline = INT64_MAX;
	char why[256];
	size_t i, live = 0;
	int rc = 0, fault, runs = 0, body_faults = 0;
	size_t faulted = 0;
	bool alone = false;

	for (i = 0; i < n; i++) {
		if (ops[i]->deadline <= now) {
			finish(ops[i], ETIMEDOUT, "");
			snprintf(ops[i]->msg, sizeof(ops[i]->msg), "%s: the write waited %u ms for the "
			         "writer (the writes before it were slow)", d->name, db->opts.timeout_ms);
			continue;
		}
		live++;
		alone |= ops[i]->flags & HSS_RUN_ALONE;
		if (ops[i]->deadline < deadline)
			deadline = ops[i]->deadline;
	}
	if (!live)
		return;
	if ((rc = hss_pool_get(db, true, &tx.pc))) {
		fail_rest(ops, n, rc, hss_db_strerror());
		return;
	}
	if (tx.pc->deadline > deadline)
		tx.pc->deadline = deadline;
	for (;;) {
		if ((rc = d->begin(&tx))) {
			/* a connection the server dropped while idle: nothing was done, reconnect */
			if (runs == 0 && tx.pc->reconnect && !hss_pool_reopen(db, tx.pc)) {
				runs++;
				continue;
			}
			fail_rest(ops, n, rc, hss_db_strerror());
			break;
		}
		runs++;
		fault = 0;
		hss_db_tx_forget(&tx);   /* a new run reads everything afresh */
		for (i = 0; i < n && !fault; i++) {
			if (ops[i]->finished)
				continue;
			tx.nwrites = 0;
			tx.on_commit = NULL;
			rc = ops[i]->fn(&tx, ops[i]->arg);
			ops[i]->on_commit = rc ? NULL : tx.on_commit;
			if (!rc) {
				ops[i]->rc = 0;
			} else if (own_result(rc)) {
				finish(ops[i], rc, hss_db_strerror());
				if (tx.nwrites)   /* its writes must go: run the group again without it */
					fault = -1;
			} else {
				fault = rc;
				faulted = i;
				snprintf(why, sizeof(why), "%s", hss_db_strerror());
			}
		}
		if (!fault) {
			t1 = now_us();
			if (!(rc = d->commit(&tx))) {
				fail_rest(ops, n, 0, "");
				break;
			}
			fault = rc;
			faulted = n;
			snprintf(why, sizeof(why), "%s", hss_db_strerror());
		}
		d->rollback(&tx);
		if (fault == -1)
			continue;
		/* a body met a fault: it fails; the others are run again without it */
		if (fault != EAGAIN && faulted < n && (size_t)body_faults < n &&
		    hss_now_ms() < deadline) {
			finish(ops[faulted], fault, why);
			body_faults++;
			for (i = 0; i < n && ops[i]->finished; i++)
				;
			if (i == n)
				break;
			continue;
		}
		/* a deadlock is run again, after a pause, as long as the group's deadline allows */
		if (fault == EAGAIN && !alone && deadlock_pause(runs, deadline)) {
			atomic_fetch_add_explicit(&db->w->deadlocks, 1, memory_order_relaxed);
			continue;
		}
		if (fault == EAGAIN) {
			char m[sizeof(why) + 128];

			atomic_fetch_add_explicit(&db->w->deadlocks, 1, memory_order_relaxed);
			snprintf(m, sizeof(m), "%s: still deadlocked after %d attempts in %lld ms: %s",
			         d->name, runs, (long long)(hss_now_ms() - now), why);
			fail_rest(ops, n, ETIMEDOUT, m);
		} else {
			fail_rest(ops, n, fault, why);
		}
		break;
	}
	hss_db_tx_forget(&tx);
	hss_pool_put(db, tx.pc);
	if (t1) {
		atomic_fetch_add_explicit(&db->w->exec_us, (unsigned long long)(t1 - t0),
		                          memory_order_relaxed);
		atomic_fetch_add_explicit(&db->w->commit_us, (unsigned long long)(now_us() - t1),
		                          memory_order_relaxed);
	}
	atomic_fetch_add_explicit(&db->w->groups, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&db->w->writes, n, memory_order_relaxed);
	/* failed: the database's faults; a result of the body's own (ENOENT: an empty outbox
	 * polled, EEXIST, a refused ULR...) is an answer, not a failure */
	for (i = 0; i < n; i++)
		if (ops[i]->rc && !own_result(ops[i]->rc))
			atomic_fetch_add_explicit(&db->w->failed, 1, memory_order_relaxed);
}

/* ---- the writer threads ---------------------------------------------------------------- */

/* Report the results of a group. Waiting callers first (they own their op, on their own
 * stack, the moment it is complete: it is not looked at again), then the done callbacks of
 * the asynchronous ones (each op freed after its callback). A group may mix both (the S6a
 * writes are asynchronous, the keyed records' transactions of the Cx procedures and of the
 * outbox wait). */
static void complete(struct hss_db *db, struct hss_wop **ops, size_t n)
{
	struct hss_writer *w = db->w;
	bool waiters = false;
	size_t i;

	/* durable now: what the bodies asked to run then, before anyone is told */
	for (i = 0; i < n; i++)
		if (!ops[i]->rc && ops[i]->on_commit)
			ops[i]->on_commit();
	for (i = 0; i < n && !waiters; i++)
		waiters = !ops[i]->done;
	if (waiters) {
		pthread_mutex_lock(&w->mu);
		for (i = 0; i < n; i++)
			if (!ops[i]->done) {
				timed(db, ops[i]->t0);
				ops[i]->complete = true;   /* the waiting caller owns it from here */
				ops[i] = NULL;
				atomic_fetch_sub(&db->pending, 1);
			}
		pthread_cond_broadcast(&w->done_cv);
		pthread_mutex_unlock(&w->mu);
	}
	for (i = 0; i < n; i++) {
		struct hss_wop *op = ops[i];

		if (!op)
			continue;
		timed(db, op->t0);
		if (op->rc)
			hss_db_set_error(op->rc, "%s", op->msg);
		else
			hss_db_clear_error();
		op->done(op->done_arg, op->rc);
		free(op);
		atomic_fetch_sub(&db->pending, 1);
	}
}

static void *writer_main(void *arg)
{
	struct hss_db *db = arg;
	struct hss_writer *w = db->w;
	struct hss_wop *ops[MAX_GROUP];
	int64_t t;
	size_t n;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!(w->head && w->turns) && !(w->stop && !w->head))
			pthread_cond_wait(&w->cv, &w->mu);
		w->waking = false;
		if (!w->head)
			break;
		/* everything queued, in order; a body that runs alone goes in a group of its own */
		w->turns--;
		n = 0;
		while (w->head && n < MAX_GROUP && (!n || !(w->head->flags & HSS_RUN_ALONE))) {
			ops[n++] = w->head;
			w->head = w->head->next;
			if (ops[n - 1]->flags & HSS_RUN_ALONE)
				break;
		}
		if (!w->head)
			w->tail = &w->head;
		pthread_mutex_unlock(&w->mu);
		run_group(db, ops, n);
		pthread_mutex_lock(&w->mu);
		w->turns++;
		if (w->head && !w->waking) {   /* the next group is there: another writer takes it */
			w->waking = true;
			pthread_cond_signal(&w->cv);
		}
		pthread_mutex_unlock(&w->mu);
		t = now_us();
		complete(db, ops, n);
		atomic_fetch_add_explicit(&w->complete_us, (unsigned long long)(now_us() - t),
		                          memory_order_relaxed);
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* The writer of db, its threads started on the first write. */
static int writer(struct hss_db *db, struct hss_writer **ret)
{
	struct hss_writer *w;
	unsigned i, want;
	int rc = 0;

	if ((w = __atomic_load_n(&db->w, __ATOMIC_ACQUIRE))) {
		*ret = w;
		return 0;
	}
	hss_pool_lock(db);
	if ((w = db->w))
		goto out;
	if (!(w = calloc(1, sizeof(*w)))) {
		rc = hss_db_set_error(ENOMEM, "out of memory");
		goto out;
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	pthread_cond_init(&w->done_cv, NULL);
	w->tail = &w->head;
	w->turns = db->writers ? db->writers : 1;
	want = w->turns + 3;
	if (want > sizeof(w->th) / sizeof(w->th[0]))
		want = sizeof(w->th) / sizeof(w->th[0]);
	__atomic_store_n(&db->w, w, __ATOMIC_RELEASE);
	for (i = 0; i < want; i++) {
		if ((rc = pthread_create(&w->th[i], NULL, writer_main, db)))
			break;
		w->nth++;
	}
	if (!w->nth) {
		db->w = NULL;
		free(w);
		w = NULL;
		rc = hss_db_set_error(rc, "cannot start the database writer: %s", strerror(rc));
	} else {
		rc = 0;
	}
out:
	hss_pool_unlock(db);
	*ret = w;
	return rc;
}

static int submit(struct hss_db *db, struct hss_wop *op)
{
	struct hss_writer *w;
	int rc;

	/* a group waits for a lock held elsewhere: do not queue behind it */
	if (atomic_load(&db->pool.locked) && atomic_load(&db->pool.probing))
		return hss_db_set_error(ETIMEDOUT, "%s: database locked for more than %u ms (by "
		                        "another process; another operation waits for it)",
		                        db->drv->name, db->opts.timeout_ms);
	if ((rc = writer(db, &w)))
		return rc;
	op->deadline = hss_now_ms() + db->opts.timeout_ms;
	op->t0 = db->opts.timing ? now_us() : 0;
	op->next = NULL;
	pthread_mutex_lock(&w->mu);
	if (w->stop) {
		pthread_mutex_unlock(&w->mu);
		return hss_db_set_error(ESHUTDOWN, "%s: the database is being closed", db->drv->name);
	}
	*w->tail = op;
	w->tail = &op->next;
	atomic_fetch_add(&db->pending, 1);
	/* one wake-up per group, not per write: a writer already signalled takes this one too */
	if (w->turns && !w->waking) {
		w->waking = true;
		pthread_cond_signal(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return 0;
}

int hss_db_tx_on_commit(struct hss_db_tx *tx, void (*fn)(void))
{
	if (!tx || !tx->write || !fn)
		return hss_db_set_error(EINVAL, "on_commit: not in a write transaction");
	if (tx->on_commit && tx->on_commit != fn)
		return hss_db_set_error(EBUSY, "on_commit: the transaction has another one");
	tx->on_commit = fn;
	return 0;
}

int hss_db_run_write(struct hss_db *db, unsigned flags, hss_db_tx_fn fn, void *arg)
{
	struct hss_wop op = { .fn = fn, .arg = arg, .flags = flags };
	int rc;

	if ((rc = submit(db, &op)))
		return rc;
	pthread_mutex_lock(&db->w->mu);
	while (!op.complete)
		pthread_cond_wait(&db->w->done_cv, &db->w->mu);
	pthread_mutex_unlock(&db->w->mu);
	if (op.rc)
		return hss_db_set_error(op.rc, "%s", op.msg);
	hss_db_clear_error();
	return 0;
}

int hss_db_run_write_async(struct hss_db *db, unsigned flags, hss_db_tx_fn fn, void *arg,
                           hss_db_done_fn done, void *done_arg)
{
	struct hss_wop *op;
	int rc;

	if (!done)
		return hss_db_set_error(EINVAL, "no completion callback");
	if (!(op = calloc(1, sizeof(*op))))
		return hss_db_set_error(ENOMEM, "out of memory");
	*op = (struct hss_wop){ .fn = fn, .arg = arg, .flags = flags, .done = done,
	                        .done_arg = done_arg };
	if ((rc = submit(db, op)))
		free(op);
	return rc;
}

void hss_db_writer_stats(struct hss_db *db, struct hss_db_wstats *ret)
{
	struct hss_writer *w = db ? __atomic_load_n(&db->w, __ATOMIC_ACQUIRE) : NULL;

	memset(ret, 0, sizeof(*ret));
	if (!w)
		return;
	ret->groups = atomic_load(&w->groups);
	ret->writes = atomic_load(&w->writes);
	ret->failed = atomic_load(&w->failed);
	ret->exec_us = atomic_load(&w->exec_us);
	ret->commit_us = atomic_load(&w->commit_us);
	ret->complete_us = atomic_load(&w->complete_us);
	ret->deadlocks = atomic_load(&w->deadlocks);
}

unsigned hss_db_pending(struct hss_db *db)
{
	return db ? atomic_load(&db->pending) : 0;
}

void hss_db_writer_stop(struct hss_db *db)
{
	struct hss_writer *w = db->w;
	unsigned i;

	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	w->waking = true;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	for (i = 0; i < w->nth; i++)
		pthread_join(w->th[i], NULL);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	pthread_cond_destroy(&w->done_cv);
	free(w);
	db->w = NULL;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_sqlite_conn.c: the connection pool of the SQLite backend, and what keeps a database
 * fault from turning into lost subscribers or a stalled HSS:
 *
 * - The file is never created unless the handle was opened with HSS_DB_OPEN_CREATE
 *   (hssctl init): a missing file is an error, not a new empty database.
 * - Before each operation the path is checked (stat: st_dev/st_ino) against the file the
 *   pool has open. When it is missing or another file, the operation fails with ESTALE and
 *   the old connections are retired: the old file is checkpointed into itself (its own
 *   descriptors) and its WAL truncated, then closed without any further checkpoint. Only
 *   then is a file at the path opened again. Why: SQLite names the -wal and -shm files after
 *   the path, not the file. A connection opened on a new file at the path would adopt the
 *   WAL of the old one, read the old pages instead of its own, and the next checkpoint
 *   would write them into the new file and cut it to the old size. (That is how an HSS
 *   that had created an empty database destroyed the real one moved back under it.)
 * - Every wait of an operation ends at a deadline (timeout_ms): the wait for a free
 *   connection, for the other writers of this process (they queue on a mutex rather than
 *   poll SQLite's lock against each other) and for a lock held by another process (our
 *   busy handler). Once a lock wait has run into the deadline, only one operation at a time
 *   waits for the lock again; the others fail at once, so a locked database cannot queue
 *   requests past the peers' timers.
 * - A connection that failed in a way that may stick to it (read-only fallback, I/O error,
 *   corruption) is closed when put back and reopened on next use; a read-only connection
 *   about to write is reopened first (the file may be writable again). A read-only failure
 *   closes the whole pool: the -shm mapping is shared by every connection of the process
 *   and stays read-only until the last one closes. SQLite creates -wal and -shm with the
 *   mode of the database file, so a file that was read-only when they were created leaves
 *   them read-only: when the database is writable again, conn_open gives them back the
 *   database's mode, and takes from them any access by group or others the database does
 *   not give (only files this process's user owns). The file itself is created 0600
 *   (db_files.c).
 */
#include "db_sqlite.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int64_t db_sqlite_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool same_file(const struct sq_file_id *id, const struct stat *st)
{
	return id->set && id->dev == st->st_dev && id->ino == st->st_ino;
}

static void set_id(struct sq_file_id *id, const struct stat *st)
{
	id->dev = st->st_dev;
	id->ino = st->st_ino;
	id->set = true;
}

/* ---- errors --------------------------------------------------------------------------- */

int db_sqlite_err(struct sq_conn *c, const char *what)
{
	sqlite3 *h = c ? c->h : NULL;
	struct sq_db *d = c ? c->d : NULL;
	int x = h ? sqlite3_extended_errcode(h) : SQLITE_ERROR;
	const char *m = h ? sqlite3_errmsg(h) : "no connection";

	switch (x & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return hss_db_set_error(ETIMEDOUT, "sqlite: %s: database locked for more than %u ms "
		                        "(by another process, or another operation waits for it)",
		                        what, d ? d->timeout_ms : 0);
	case SQLITE_READONLY:
		c->broken = true;
		c->readonly = x != SQLITE_READONLY_DBMOVED;
		if (x == SQLITE_READONLY_DBMOVED)
			return hss_db_set_error(ESTALE, "sqlite: %s: '%s' was moved or deleted while "
			                        "open", what, d->path);
		return hss_db_set_error(EROFS, "sqlite: %s: '%s' is read-only: %s", what, d->path, m);
	case SQLITE_FULL:
		return hss_db_set_error(ENOSPC, "sqlite: %s: disk full: %s", what, m);
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_PROTOCOL:
		if (c)
			c->broken = true;
		break;
	default:
		break;
	}
	return hss_db_set_error(EIO, "sqlite: %s: %s", what, m);
}

/* ---- busy handler ------------------------------------------------------------------- */

static int busy_cb(void *arg, int n)
{
	static const int delays[] = { 1, 2, 5, 10, 15, 20, 25 };
	struct sq_conn *c = arg;
	struct sq_db *d = c->d;
	int64_t left = c->deadline - db_sqlite_now_ms();
	struct timespec ts;
	int ms;

	if (n == 0 && !c->probe && atomic_load(&d->locked)) {
		bool no = false;

		/* A wait ran into the deadline not long ago: someone else holds the database.
		 * One operation at a time waits for it (and sees it come back), the others give
		 * up at once. */
		if (!atomic_compare_exchange_strong(&d->probing, &no, true))
			return 0;
		c->probe = true;
	}
	if (left <= 0) {
		atomic_store(&d->locked, true);
		return 0;
	}
	ms = n < (int)(sizeof(delays) / sizeof(delays[0])) ? delays[n] : 25;
	if (ms > left)
		ms = (int)left;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)ms * 1000000L;
	nanosleep(&ts, NULL);
	return 1;
}

int db_sqlite_write_lock(struct sq_db *d, struct sq_conn *c)
{
	struct timespec ts;
	int e;

	if (!c->probe && atomic_load(&d->locked)) {
		bool no = false;

		if (!atomic_compare_exchange_strong(&d->probing, &no, true))
			return hss_db_set_error(ETIMEDOUT, "sqlite: database locked for more than %u ms "
			                        "(by another process; another operation waits for it)",
			                        d->timeout_ms);
		c->probe = true;
	}
	ts.tv_sec = (time_t)(c->deadline / 1000);
	ts.tv_nsec = (long)(c->deadline % 1000) * 1000000L;
	if ((e = pthread_mutex_clocklock(&d->wmu, CLOCK_MONOTONIC, &ts)))
		return hss_db_set_error(ETIMEDOUT, "sqlite: the other writers of this process held the "
		                        "database for more than %u ms%s", d->timeout_ms,
		                        e == ETIMEDOUT ? "" : " (lock error)");
	c->wlocked = true;
	return 0;
}

void db_sqlite_write_unlock(struct sq_db *d, struct sq_conn *c)
{
	if (c->wlocked) {
		c->wlocked = false;
		pthread_mutex_unlock(&d->wmu);
	}
}

/* ---- one connection ----------------------------------------------------------------- */

static int missing_error(struct sq_db *d, int e)
{
	if (e == ENOENT)
		return hss_db_set_error(ESTALE, "sqlite: database file '%s' is missing (moved or "
		                        "deleted?); not serving until it is back (the HSS never "
		                        "creates its database: `hssctl init` does)", d->path);
	return hss_db_set_error(ESTALE, "sqlite: database file '%s': %s", d->path, strerror(e));
}

/* The version the schema must have: what sq_open migrated to. */
static int schema_target(struct sq_db *d)
{
	size_t n;
	const struct db_sqlite_migration *m = db_sqlite_migrations(&n);

	return d->max_schema ? d->max_schema : m[n - 1].version;
}

static int check_schema(struct sq_db *d, struct sq_conn *c, enum db_sqlite_check check)
{
	sqlite3_stmt *st = NULL;
	int v, rc = 0;

	if (sqlite3_prepare_v2(c->h, "SELECT coalesce(max(version), 0) FROM schema_version", -1,
	                       &st, NULL) != SQLITE_OK) {
		if (sqlite3_errcode(c->h) == SQLITE_ERROR && strstr(sqlite3_errmsg(c->h), "no such table"))
			rc = hss_db_set_error(EIO, "sqlite: '%s' is not an HSS database (no schema_version "
			                      "table); create one with `hssctl init`", d->path);
		else
			rc = db_sqlite_err(c, "read schema version");
		goto out;
	}
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = db_sqlite_err(c, "read schema version");
		goto out;
	}
	v = sqlite3_column_int(st, 0);
	if (check == DB_SQLITE_CHECK_CURRENT && v != schema_target(d))
		rc = hss_db_set_error(EIO, "sqlite: '%s' has schema version %d, this handle serves %d "
		                      "(the file was replaced: restart to migrate it)", d->path, v,
		                      schema_target(d));
out:
	sqlite3_finalize(st);
	return rc;
}

/* A new file at the path while the WAL the old file left there may still hold its pages:
 * opening the new file would read them as its own. */
static int check_stale_wal(struct sq_db *d, const struct stat *main_st)
{
	struct stat w;
	int rc = 0;

	pthread_mutex_lock(&d->mu);
	if (!d->stale_wal)
		goto out;
	if (same_file(&d->old_file, main_st) || stat(d->wal_path, &w) || w.st_size == 0 ||
	    !same_file(&d->old_wal, &w)) {
		d->stale_wal = false;
		goto out;
	}
	rc = hss_db_set_error(ESTALE, "sqlite: '%s' still holds changes of the database file that "
	                      "was at '%s' before (another process has it open?): the new file is "
	                      "not opened with it; stop the other users of the old file", d->wal_path,
	                      d->path);
out:
	pthread_mutex_unlock(&d->mu);
	return rc;
}

/* -wal and -shm created while the database was read-only got its mode then: give them
 * the mode it has now that it is writable again. Side files more open to group or others
 * than the database (left by an older version, or by a chmod of the database alone) lose
 * that access: they hold the same keys. */
static void fix_side_modes(struct sq_db *d, const struct stat *db_st)
{
	const char *sfx[] = { "-wal", "-shm" };
	char side[4200];
	struct stat st;
	size_t i;
	bool writable = (db_st->st_mode & S_IWUSR) &&
	                !faccessat(AT_FDCWD, d->path, W_OK, AT_EACCESS);

	for (i = 0; i < 2; i++) {
		if ((size_t)snprintf(side, sizeof(side), "%s%s", d->path, sfx[i]) >= sizeof(side) ||
		    stat(side, &st) || st.st_uid != geteuid())
			continue;
		/* best effort: if it fails, the connection opens read-only and says so */
		if (writable && !(st.st_mode & S_IWUSR))
			(void)chmod(side, db_st->st_mode & 0777);
		else if (st.st_mode & 077 & ~db_st->st_mode)
			(void)chmod(side, st.st_mode & 07777 & ~(077 & ~db_st->st_mode));
	}
}

int db_sqlite_conn_open(struct sq_db *d, struct sq_conn *c, enum db_sqlite_check check)
{
	struct stat before, after;
	char pragma[128];
	int rc, flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

	c->d = d;
	c->broken = c->readonly = false;
	if (!d->memory) {
		if (stat(d->path, &before)) {
			if (errno != ENOENT || !d->create)
				return missing_error(d, errno);
			/* created 0600 here: SQLite would make it 0666 & ~umask */
			if ((rc = db_file_create_private(d->path)))
				return hss_db_set_error(EIO, "sqlite: cannot create '%s': %s", d->path,
				                        strerror(rc));
			memset(&before, 0, sizeof(before));
		} else if (!S_ISREG(before.st_mode)) {
			return hss_db_set_error(EIO, "sqlite: '%s' is not a regular file", d->path);
		} else if ((rc = check_stale_wal(d, &before))) {
			return rc;
		} else {
			fix_side_modes(d, &before);
		}
	}
	if (d->create)
		flags |= SQLITE_OPEN_CREATE;
	rc = sqlite3_open_v2(d->path, &c->h, flags, NULL);
	if (rc != SQLITE_OK) {
		rc = hss_db_set_error(EIO, "sqlite: cannot open '%s': %s", d->path,
		                      c->h ? sqlite3_errmsg(c->h) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_busy_handler(c->h, busy_cb, c);
	snprintf(pragma, sizeof(pragma), "PRAGMA foreign_keys = ON; PRAGMA synchronous = %s;",
	         d->sync_full ? "FULL" : "NORMAL");
	if (sqlite3_exec(c->h, pragma, NULL, NULL, NULL) != SQLITE_OK) {
		rc = db_sqlite_err(c, "pragma");
		goto fail;
	}
	/* Reading the schema version also opens the WAL: after it, the files this
	 * connection uses are fixed, and the path must still name the file we stat'ed. */
	if (check != DB_SQLITE_CHECK_NONE && (rc = check_schema(d, c, check)))
		goto fail;
	if (d->memory)
		return 0;
	if (stat(d->path, &after) || (check != DB_SQLITE_CHECK_NONE &&
	                              (after.st_dev != before.st_dev || after.st_ino != before.st_ino))) {
		rc = hss_db_set_error(ESTALE, "sqlite: '%s' was moved or replaced while being opened",
		                      d->path);
		goto fail;
	}
	pthread_mutex_lock(&d->mu);
	if (c->gen != d->gen || (d->file.set && !same_file(&d->file, &after))) {
		rc = hss_db_set_error(ESTALE, "sqlite: '%s' was moved or replaced while being opened",
		                      d->path);
	} else if (!d->file.set) {
		set_id(&d->file, &after);
		d->wal.set = false;
	}
	pthread_mutex_unlock(&d->mu);
	if (rc)
		goto fail;
	return 0;
fail:
	db_sqlite_conn_close(c);
	return rc;
}

void db_sqlite_conn_close(struct sq_conn *c)
{
	size_t i;

	for (i = 0; i < ST_MAX; i++) {
		sqlite3_finalize(c->st[i]);
		c->st[i] = NULL;
	}
	if (c->h)
		sqlite3_close(c->h);
	c->h = NULL;
	c->broken = c->readonly = false;
}

/* Close a connection whose file is no longer at the path: SQLite would skip the checkpoint
 * on close by itself (the file "moved"), this makes it explicit. */
static void close_detached(struct sq_conn *c)
{
	if (c->h)
		sqlite3_db_config(c->h, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL);
	db_sqlite_conn_close(c);
}

/* Checkpoint the old file into itself and empty its WAL, through the descriptors this
 * connection holds (never through the path); true when the WAL is empty afterwards. */
static bool checkpoint_detached(struct sq_db *d, struct sq_conn *c)
{
	int rc;

	c->deadline = db_sqlite_now_ms() + d->timeout_ms;
	c->probe = true;        /* this one waits for the lock like a probe */
	rc = sqlite3_wal_checkpoint_v2(c->h, "main", SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	c->probe = false;
	return rc == SQLITE_OK;
}

/* ---- the pool ----------------------------------------------------------------------- */

/* Compare the path with the file the pool has open (d->mu held). Returns 0 when the
 * connections may be used; ESTALE with the message when the path names no file; EAGAIN
 * (message set) while connections of the old file are busy or being retired: the caller
 * waits for them; *retire set when the caller is to retire them now (all idle). */
static int file_check(struct sq_db *d, bool *retire)
{
	struct stat st;
	unsigned i, old = 0, old_busy = 0;
	int e = 0;

	*retire = false;
	if (d->memory)
		return 0;
	if (stat(d->path, &st))
		e = errno;
	if ((e || !same_file(&d->file, &st)) && d->file.set) {
		d->old_file = d->file;
		d->old_wal = d->wal;
		d->file.set = d->wal.set = false;
		d->gen++;
	}
	for (i = 0; i < d->npool; i++)
		if (d->pool[i].h && d->pool[i].gen != d->gen) {
			old++;
			old_busy += d->pool[i].busy;
		}
	if (old) {
		if (!old_busy && !d->retiring) {
			*retire = true;
			return ESTALE;
		}
		if (e)   /* nothing to wait for */
			return missing_error(d, e);
		return hss_db_set_error(EAGAIN, "sqlite: database file '%s' was replaced; the "
		                        "operations on the previous one did not end", d->path);
	}
	if (e)
		return missing_error(d, e);
	/* the WAL our connections opened, once there is one */
	if (d->file.set && !d->wal.set && !stat(d->wal_path, &st))
		set_id(&d->wal, &st);
	return 0;
}

/* Close the connections of older generations (d->mu held, all of them idle). */
static void retire(struct sq_db *d)
{
	struct sq_conn *list[64];
	unsigned i, n = 0;
	bool clean = true;

	d->retiring = true;
	for (i = 0; i < d->npool && n < 64; i++)
		if (d->pool[i].h && d->pool[i].gen != d->gen) {
			d->pool[i].busy = true;
			list[n++] = &d->pool[i];
		}
	pthread_mutex_unlock(&d->mu);
	for (i = 0; i < n; i++) {
		if (i == 0)
			clean = checkpoint_detached(d, list[i]);
		close_detached(list[i]);
	}
	pthread_mutex_lock(&d->mu);
	for (i = 0; i < n; i++)
		list[i]->busy = false;
	d->stale_wal = !clean && d->old_wal.set;
	d->retiring = false;
	pthread_cond_broadcast(&d->cv);
}

static struct sq_conn *pick(struct sq_db *d)
{
	unsigned i;

	for (i = 0; i < d->npool; i++)
		if (!d->pool[i].busy && d->pool[i].h)
			return &d->pool[i];
	for (i = 0; i < d->npool; i++)
		if (!d->pool[i].busy && !d->pool[i].h)
			return &d->pool[i];
	return NULL;
}

int db_sqlite_conn_get(struct sq_db *d, bool write, struct sq_conn **ret)
{
	int64_t deadline = db_sqlite_now_ms() + d->timeout_ms;
	struct sq_conn *c = NULL;
	struct timespec ts;
	bool ret_retire;
	int rc = 0;

	ts.tv_sec = (time_t)(deadline / 1000);
	ts.tv_nsec = (long)(deadline % 1000) * 1000000L;
	pthread_mutex_lock(&d->mu);
	for (;;) {
		rc = file_check(d, &ret_retire);
		if (ret_retire) {
			retire(d);
			continue;
		}
		if (rc && rc != EAGAIN)
			goto out;
		if (!rc && (c = pick(d)))
			break;
		if (pthread_cond_timedwait(&d->cv, &d->mu, &ts) == ETIMEDOUT) {
			if (rc == EAGAIN)   /* the message says why */
				rc = ESTALE;
			else
				rc = hss_db_set_error(ETIMEDOUT, "sqlite: all %u database connections "
				                      "stayed busy for %u ms", d->npool, d->timeout_ms);
			goto out;
		}
	}
	c->busy = true;
	if (!c->h)
		c->gen = d->gen;
	pthread_mutex_unlock(&d->mu);
	c->deadline = deadline;
	/* opened while the file was read-only: it may be writable again */
	if (c->h && write && sqlite3_db_readonly(c->h, "main") == 1)
		db_sqlite_conn_close(c);
	if (!c->h && (rc = db_sqlite_conn_open(d, c, DB_SQLITE_CHECK_CURRENT))) {
		pthread_mutex_lock(&d->mu);
		c->busy = false;
		pthread_cond_signal(&d->cv);
		goto out;
	}
	*ret = c;
	return 0;
out:
	pthread_mutex_unlock(&d->mu);
	return rc;
}

/* A read-only failure: close every idle connection of the current file, mark the busy
 * ones (d->mu held). The next ones open with a fresh -shm mapping. */
static void reset_pool(struct sq_db *d)
{
	unsigned i;

	for (i = 0; i < d->npool; i++) {
		struct sq_conn *o = &d->pool[i];

		if (!o->h || o->gen != d->gen)
			continue;
		if (o->busy)
			o->broken = true;
		else
			db_sqlite_conn_close(o);
	}
}

void db_sqlite_conn_put(struct sq_db *d, struct sq_conn *c)
{
	db_sqlite_write_unlock(d, c);   /* tx_end did, unless an error path forgot */
	if (c->probe) {
		c->probe = false;
		atomic_store(&d->probing, false);
	}
	if (c->readonly) {
		pthread_mutex_lock(&d->mu);
		if (c->gen == d->gen) {
			db_sqlite_conn_close(c);
			reset_pool(d);
		}
		pthread_mutex_unlock(&d->mu);
	} else if (c->broken) {
		bool current;

		pthread_mutex_lock(&d->mu);
		current = c->gen == d->gen;
		pthread_mutex_unlock(&d->mu);
		/* one of a retired generation stays open for retire(), which checkpoints it */
		if (current)
			db_sqlite_conn_close(c);
	}
	pthread_mutex_lock(&d->mu);
	c->busy = false;
	pthread_cond_broadcast(&d->cv);
	pthread_mutex_unlock(&d->mu);
}

void db_sqlite_pool_close(struct sq_db *d)
{
	struct stat st;
	bool here;
	unsigned i, j;

	if (!d->pool || !d->path)
		return;
	here = d->memory || (!stat(d->path, &st) && same_file(&d->file, &st));

	for (i = 0; d->pool && i < d->npool; i++) {
		struct sq_conn *c = &d->pool[i];
		bool first = true;

		if (!c->h)
			continue;
		if (here && c->gen == d->gen) {
			db_sqlite_conn_close(c);
			continue;
		}
		/* one checkpoint per file left behind */
		for (j = 0; j < i; j++)
			if (d->pool[j].gen == c->gen)
				first = false;
		if (first)
			checkpoint_detached(d, c);
		close_detached(c);
	}
}

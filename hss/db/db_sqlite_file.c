/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_sqlite_file.c: the SQLite file under the shared pool (db_pool.c), and what keeps a
 * database fault from turning into lost subscribers:
 *
 * - The file is never created unless the handle was opened with HSS_DB_OPEN_CREATE
 *   (hssctl init): a missing file is an error, not a new empty database.
 * - Before each operation the pool asks db_sqlite_watch whether the path still names the
 *   file (st_dev/st_ino) its connections have open. When it is missing or another file,
 *   the operation fails with ESTALE and the pool retires the old connections once idle:
 *   db_sqlite_retire checkpoints the old file into itself (its own descriptors) and
 *   truncates its WAL, then they are closed without any further checkpoint. Only then is
 *   a file at the path opened again. Why: SQLite names the -wal and -shm files after the
 *   path, not the file. A connection opened on a new file at the path would adopt the WAL
 *   of the old one, read the old pages instead of its own, and the next checkpoint would
 *   write them into the new file and cut it to the old size. (That is how an HSS that had
 *   created an empty database destroyed the real one moved back under it.)
 * - A read-only connection about to write is reopened first (the file may be writable
 *   again). A read-only failure poisons the whole generation (the pool closes every
 *   connection): the -shm mapping is shared by every connection of the process and stays
 *   read-only until the last one closes. SQLite creates -wal and -shm with the mode of the
 *   database file, so a file that was read-only when they were created leaves them
 *   read-only: when the database is writable again, the next open gives them back the
 *   database's mode, and takes from them any access by group or others the database does
 *   not give (only files this process's user owns). The file itself is created 0600
 *   (db_files.c).
 */
#include "db_sqlite.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

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

static int missing_error(struct hss_db *db, int e)
{
	if (e == ENOENT)
		return hss_db_set_error(ESTALE, "sqlite: database file '%s' is missing (moved or "
		                        "deleted?); not serving until it is back (the HSS never "
		                        "creates its database: `hssctl init` does)", SQB(db)->path);
	return hss_db_set_error(ESTALE, "sqlite: database file '%s': %s", SQB(db)->path,
	                        strerror(e));
}

/* ---- busy handler ------------------------------------------------------------------- */

/* Another process holds the lock: poll for it until the operation's deadline. While the
 * database counts as locked (a wait ran out not long ago), only the probe waits. */
static int busy_cb(void *arg, int n)
{
	/* microseconds: another process's group commit holds the lock for about one fsync
	 * (a few hundred us); polling in 25 ms steps made its writes wait far longer. SQLite's
	 * lock is not fair: a process that polls slowly loses it again and again to one that
	 * commits back to back. Measured with two HSS on one file at 100 in flight, a ceiling
	 * of 5 ms gave AIR p99.9 149 ms, 1 ms 61 ms and 500 us 36 ms (ULR 94 / 50 / 26 ms),
	 * the same throughput and CPU: polls cost a few fcntl calls each. */
	static const int delays[] = { 100, 200, 300, 500 };
	struct sq_conn *c = arg;
	int64_t deadline = c->pc ? c->pc->deadline : c->deadline, left;
	struct timespec ts;
	int us;

	if (n == 0 && c->pc && !hss_pool_may_wait(c->db, c->pc))
		return 0;
	left = (deadline - hss_now_ms()) * 1000;
	if (left <= 0) {
		hss_pool_lock_timeout(c->db);
		return 0;
	}
	us = n < (int)(sizeof(delays) / sizeof(delays[0])) ? delays[n] : 500;
	if (us > left)
		us = (int)left;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)us * 1000L;
	nanosleep(&ts, NULL);
	return 1;
}

/* ---- one connection ----------------------------------------------------------------- */

static int check_schema(struct hss_db *db, struct sq_conn *c, enum db_sqlite_check check)
{
	struct sq_be *b = SQB(db);
	int target = b->max_schema ? b->max_schema : db_sqlite_schema_latest();
	sqlite3_stmt *st = NULL;
	int v, rc = 0;

	if (sqlite3_prepare_v2(c->h, "SELECT coalesce(max(version), 0) FROM schema_version", -1,
	                       &st, NULL) != SQLITE_OK) {
		if (sqlite3_errcode(c->h) == SQLITE_ERROR && strstr(sqlite3_errmsg(c->h), "no such table"))
			rc = hss_db_set_error(EIO, "sqlite: '%s' is not an HSS database (no schema_version "
			                      "table); create one with `hssctl init`", b->path);
		else
			rc = db_sqlite_err(c, "read schema version");
		goto out;
	}
	if (sqlite3_step(st) != SQLITE_ROW) {
		rc = db_sqlite_err(c, "read schema version");
		goto out;
	}
	v = sqlite3_column_int(st, 0);
	if (check == DB_SQLITE_CHECK_CURRENT && v != target)
		rc = hss_db_set_error(EIO, "sqlite: '%s' has schema version %d, this handle serves %d "
		                      "(the file was replaced: restart to migrate it)", b->path, v,
		                      target);
out:
	sqlite3_finalize(st);
	return rc;
}

/* A new file at the path while the WAL the old file left there may still hold its pages:
 * opening the new file would read them as its own. */
static int check_stale_wal(struct hss_db *db, const struct stat *main_st)
{
	struct sq_be *b = SQB(db);
	struct stat w;
	int rc = 0;

	hss_pool_lock(db);
	if (!b->stale_wal)
		goto out;
	if (same_file(&b->old_file, main_st) || stat(b->wal_path, &w) || w.st_size == 0 ||
	    !same_file(&b->old_wal, &w)) {
		b->stale_wal = false;
		goto out;
	}
	rc = hss_db_set_error(ESTALE, "sqlite: '%s' still holds changes of the database file that "
	                      "was at '%s' before (another process has it open?): the new file is "
	                      "not opened with it; stop the other users of the old file", b->wal_path,
	                      b->path);
out:
	hss_pool_unlock(db);
	return rc;
}

/* -wal and -shm created while the database was read-only got its mode then: give them
 * the mode it has now that it is writable again. Side files more open to group or others
 * than the database (left by an older version, or by a chmod of the database alone) lose
 * that access: they hold the same keys. */
static void fix_side_modes(const char *path, const struct stat *db_st)
{
	const char *sfx[] = { "-wal", "-shm" };
	char side[4200];
	struct stat st;
	size_t i;
	bool writable = (db_st->st_mode & S_IWUSR) &&
	                !faccessat(AT_FDCWD, path, W_OK, AT_EACCESS);

	for (i = 0; i < 2; i++) {
		if ((size_t)snprintf(side, sizeof(side), "%s%s", path, sfx[i]) >= sizeof(side) ||
		    stat(side, &st) || st.st_uid != geteuid())
			continue;
		/* best effort: if it fails, the connection opens read-only and says so */
		if (writable && !(st.st_mode & S_IWUSR))
			(void)chmod(side, db_st->st_mode & 0777);
		else if (st.st_mode & 077 & ~db_st->st_mode)
			(void)chmod(side, st.st_mode & 07777 & ~(077 & ~db_st->st_mode));
	}
}

int db_sqlite_open_conn(struct hss_db *db, struct sq_conn *c, enum db_sqlite_check check)
{
	struct sq_be *b = SQB(db);
	bool create = db->opts.flags & HSS_DB_OPEN_CREATE;
	unsigned gen = c->pc ? c->pc->gen : 0;
	struct stat before, after;
	char pragma[160];
	int rc, flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

	c->db = db;
	if (!b->memory) {
		if (stat(b->path, &before)) {
			if (errno != ENOENT || !create)
				return missing_error(db, errno);
			/* created 0600 here: SQLite would make it 0666 & ~umask */
			if ((rc = db_file_create_private(b->path)))
				return hss_db_set_error(EIO, "sqlite: cannot create '%s': %s", b->path,
				                        strerror(rc));
			memset(&before, 0, sizeof(before));
		} else if (!S_ISREG(before.st_mode)) {
			return hss_db_set_error(EIO, "sqlite: '%s' is not a regular file", b->path);
		} else if ((rc = check_stale_wal(db, &before))) {
			return rc;
		} else {
			fix_side_modes(b->path, &before);
		}
	}
	if (create)
		flags |= SQLITE_OPEN_CREATE;
	rc = sqlite3_open_v2(b->path, &c->h, flags, NULL);
	if (rc != SQLITE_OK) {
		rc = hss_db_set_error(EIO, "sqlite: cannot open '%s': %s", b->path,
		                      c->h ? sqlite3_errmsg(c->h) : sqlite3_errstr(rc));
		goto fail;
	}
	sqlite3_busy_handler(c->h, busy_cb, c);
	/* mmap_size: 0 by default. A reader's page cache starts over after every commit of
	 * another connection, and with a memory map SQLite then also unmaps and maps the file
	 * again: measured, that cost more than the reads it saved. */
	/* cache_size: the writer's cache lives across its own commits (a million subscribers:
	 * the B-tree's interior pages stay in it) */
	snprintf(pragma, sizeof(pragma), "PRAGMA foreign_keys = ON; PRAGMA synchronous = %s; "
	         "PRAGMA mmap_size = %llu; PRAGMA cache_size = -%u;", b->sync_full ? "FULL" :
	         "NORMAL", b->mmap_size, b->cache_mb * 1024);
	if (sqlite3_exec(c->h, pragma, NULL, NULL, NULL) != SQLITE_OK) {
		rc = db_sqlite_err(c, "pragma");
		goto fail;
	}
	/* Reading the schema version also opens the WAL: after it, the files this
	 * connection uses are fixed, and the path must still name the file we stat'ed. */
	if (check != DB_SQLITE_CHECK_NONE && (rc = check_schema(db, c, check)))
		goto fail;
	if (b->memory)
		return 0;
	if (stat(b->path, &after) || (check != DB_SQLITE_CHECK_NONE &&
	                              (after.st_dev != before.st_dev || after.st_ino != before.st_ino))) {
		rc = hss_db_set_error(ESTALE, "sqlite: '%s' was moved or replaced while being opened",
		                      b->path);
		goto fail;
	}
	hss_pool_lock(db);
	if ((c->pc && gen != db->pool.gen) || (b->file.set && !same_file(&b->file, &after))) {
		rc = hss_db_set_error(ESTALE, "sqlite: '%s' was moved or replaced while being opened",
		                      b->path);
	} else if (!b->file.set) {
		set_id(&b->file, &after);
		b->wal.set = false;
	}
	hss_pool_unlock(db);
	if (rc)
		goto fail;
	return 0;
fail:
	db_sqlite_close_conn(c, false);
	return rc;
}

void db_sqlite_close_conn(struct sq_conn *c, bool detached)
{
	size_t i;

	for (i = 0; i < SQ_NSTMT; i++) {
		sqlite3_finalize(c->st[i]);
		c->st[i] = NULL;
	}
	for (i = 0; i < SQR_N; i++) {
		sqlite3_finalize(c->rst[i]);
		c->rst[i] = NULL;
	}
	/* a file no longer at the path: SQLite would skip the checkpoint on close by itself
	 * (the file "moved"), this makes it explicit */
	if (c->h && detached)
		sqlite3_db_config(c->h, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL);
	if (c->h)
		sqlite3_close(c->h);
	c->h = NULL;
}

/* ---- pool hooks ----------------------------------------------------------------------- */

int db_sqlite_conn_open(struct hss_db *db, struct hss_pconn *pc)
{
	struct sq_be *b = SQB(db);
	struct sq_conn *c;
	int rc;

	/* ":memory:": the one connection is the one open() created the schema on */
	hss_pool_lock(db);
	c = b->setup;
	b->setup = NULL;
	hss_pool_unlock(db);
	if (c) {
		c->pc = pc;
		pc->h = c;
		return 0;
	}
	if (!(c = calloc(1, sizeof(*c))))
		return hss_db_set_error(ENOMEM, "out of memory");
	c->pc = pc;
	if ((rc = db_sqlite_open_conn(db, c, DB_SQLITE_CHECK_CURRENT))) {
		free(c);
		return rc;
	}
	pc->h = c;
	return 0;
}

void db_sqlite_conn_close(struct hss_db *db, struct hss_pconn *pc, bool detached)
{
	struct sq_conn *c = pc->h;

	(void)db;
	if (!c)
		return;
	db_sqlite_close_conn(c, detached);
	free(c);
	pc->h = NULL;
}

/* Opened while the file was read-only: it may be writable again. Opened writable, while
 * the file is read-only now: reopened (read-only), so the write fails EROFS like on any
 * connection opened after the change, instead of going on through the descriptor opened
 * before (the writer's connection stays open for the life of the process). */
bool db_sqlite_conn_usable(struct hss_db *db, struct hss_pconn *pc, bool write)
{
	struct sq_be *b = SQB(db);
	struct sq_conn *c = pc->h;
	int ro;

	if (!write)
		return true;
	ro = sqlite3_db_readonly(c->h, "main");
	if (ro == 1)
		return false;
	hss_pool_lock(db);
	ro = b->mode_set && !b->writable;
	hss_pool_unlock(db);
	return !ro;
}

/* Whether this process may write the file at path, checked when st says its mode or owner
 * changed (pool mutex held). */
static void watch_mode(struct sq_be *b, const struct stat *st)
{
	if (b->mode_set && b->mode == st->st_mode && b->uid == st->st_uid && b->gid == st->st_gid)
		return;
	b->mode = st->st_mode;
	b->uid = st->st_uid;
	b->gid = st->st_gid;
	b->mode_set = true;
	b->writable = faccessat(AT_FDCWD, b->path, W_OK, AT_EACCESS) == 0;
}

/* Compare the path with the file the pool's connections have open (pool mutex held). */
int db_sqlite_watch(struct hss_db *db, bool *moved)
{
	struct sq_be *b = SQB(db);
	struct stat st;
	int e = 0;

	*moved = false;
	if (b->memory)
		return 0;
	if (stat(b->path, &st))
		e = errno;
	if ((e || !same_file(&b->file, &st)) && b->file.set) {
		b->old_file = b->file;
		b->old_wal = b->wal;
		b->file.set = b->wal.set = false;
		*moved = true;
	}
	if (e)
		return missing_error(db, e);
	watch_mode(b, &st);
	/* the WAL our connections opened, once there is one */
	if (b->file.set && !b->wal.set && !stat(b->wal_path, &st))
		set_id(&b->wal, &st);
	return 0;
}

/* Checkpoint the old file into itself and empty its WAL, through the descriptors one of
 * its connections holds (never through the path); the pool then closes them detached. */
void db_sqlite_retire(struct hss_db *db, struct hss_pconn **list, unsigned n)
{
	struct sq_be *b = SQB(db);
	struct sq_conn *c = n ? list[0]->h : NULL;
	bool clean = true;

	if (c) {
		list[0]->deadline = hss_now_ms() + db->opts.timeout_ms;
		list[0]->probe = true;        /* this one waits for the lock like a probe */
		clean = sqlite3_wal_checkpoint_v2(c->h, "main", SQLITE_CHECKPOINT_TRUNCATE, NULL,
		                                  NULL) == SQLITE_OK;
		list[0]->probe = false;
	}
	hss_pool_lock(db);
	b->stale_wal = !clean && b->old_wal.set;
	hss_pool_unlock(db);
}

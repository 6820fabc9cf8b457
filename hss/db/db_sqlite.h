/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_sqlite.h: internal header of the SQLite backend: the handle and its connections
 * (shared by db_sqlite.c, the operations, and db_sqlite_conn.c, the pool that watches the
 * file), and the schema migrations (db_sqlite_schema.c).
 */
#ifndef HSS_DB_SQLITE_H
#define HSS_DB_SQLITE_H

/* Defined by hss/db/meson.build for the component's own sources only. */
#ifndef HSS_DB_INTERNAL
#error "db_sqlite.h is internal to hss/db/: include hss_db.h"
#endif

#include "db_int.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct db_sqlite_migration {
	int version;             /* 1, 2, ... in order without gaps */
	const char *what;
	const char *sql;         /* one or more statements */
};

const struct db_sqlite_migration *db_sqlite_migrations(size_t *ret_n);

/* Prepared statements each connection caches (texts built by db_sqlite.c). */
enum {
	ST_BEGIN, ST_BEGIN_IMM, ST_COMMIT, ST_ROLLBACK,
	ST_SEL_SUB, ST_SEL_MSISDN, ST_SEL_APNS, ST_SEL_SERVING, ST_EXISTS,
	ST_UPSERT_SUB, ST_UPSERT_SUB_KEEPSQN, ST_DEL_APNS, ST_INS_APN, ST_INS_SERVING,
	ST_UPD_SERVING, ST_DEL_SUB, ST_DEL_SERVING, ST_LIST, ST_COUNT, ST_SEL_AUTH, ST_SET_SQN,
	ST_MAX
};

struct sq_db;

struct sq_conn {
	struct sq_db *d;
	sqlite3 *h;
	sqlite3_stmt *st[ST_MAX];
	bool busy;
	bool broken;             /* failed in a way that may stick to it: closed when put back */
	bool readonly;           /* failed as read-only: close the whole pool (see conn_put) */
	bool probe;              /* the one operation that waits while the database is locked */
	bool wlocked;            /* holds d->wmu (a write transaction is open) */
	unsigned gen;            /* file generation (struct sq_db) it was opened on */
	int64_t deadline;        /* CLOCK_MONOTONIC ms: the current operation stops waiting */
};

/* Identity of a file: st_dev/st_ino, so a file moved or replaced under the path is seen. */
struct sq_file_id {
	dev_t dev;
	ino_t ino;
	bool set;
};

struct sq_db {
	struct hss_db base;          /* first: the public handle */
	char *path;
	char *wal_path;              /* PATH-wal */
	bool memory;                 /* ":memory:" */
	bool create;                 /* HSS_DB_OPEN_CREATE */
	unsigned timeout_ms;         /* bound on each wait of one operation */
	bool sync_full;
	int max_schema;              /* apply migrations up to this version (tests); 0: all */
	unsigned npool;
	struct sq_conn *pool;
	pthread_mutex_t mu;          /* the pool and the file state below */
	pthread_cond_t cv;           /* a connection was put back (CLOCK_MONOTONIC) */
	/* One write transaction at a time in this process: our writers queue here (blocking,
	 * in order) instead of polling SQLite's lock against each other, where one could lose
	 * for longer than the timeout while the others commit; only another process is waited
	 * for by polling (the busy handler). */
	pthread_mutex_t wmu;
	/* The file the connections of generation `gen` have open. When the path stops naming
	 * it (moved, deleted, replaced), gen moves on and the connections of older generations
	 * are retired before anything is opened again; see db_sqlite_conn.c. */
	unsigned gen;
	struct sq_file_id file, wal;
	struct sq_file_id old_file, old_wal;
	bool stale_wal;              /* old_wal may still hold frames of old_file */
	bool retiring;               /* a thread is closing the old generation */
	/* Lock outage: a wait ran into the timeout and no write transaction began since. */
	atomic_bool locked;
	atomic_bool probing;         /* one operation is waiting for the lock */
	char *sql[ST_MAX];           /* statement texts, built from the field table */
	const struct hss_fdesc *sub_cols[64], *srv_cols[64];
	size_t n_sub_cols, n_srv_cols;
};

#define SQ(db) ((struct sq_db *)(db))

/* How db_sqlite_conn_open checks the schema of the file it opened. */
enum db_sqlite_check {
	DB_SQLITE_CHECK_NONE,        /* creating: the schema may not exist yet */
	DB_SQLITE_CHECK_EXISTS,      /* opening: an HSS schema must be there (any version) */
	DB_SQLITE_CHECK_CURRENT,     /* serving: the schema version this handle migrated to */
};

/* CLOCK_MONOTONIC in milliseconds (deadlines). */
int64_t db_sqlite_now_ms(void);

/* Open c->h on d->path (never creating it unless d->create), set pragmas and the busy
 * handler, check the schema. 0, or an errno with the message set. */
int db_sqlite_conn_open(struct sq_db *d, struct sq_conn *c, enum db_sqlite_check check);
void db_sqlite_conn_close(struct sq_conn *c);

/* Take a connection for one operation (write: it will write) and put it back. conn_get
 * first checks that the path still names the file the pool has open (ESTALE otherwise),
 * waits at most d->timeout_ms for a free connection (ETIMEDOUT), and starts the deadline
 * of the operation. */
int db_sqlite_conn_get(struct sq_db *d, bool write, struct sq_conn **ret);
void db_sqlite_conn_put(struct sq_db *d, struct sq_conn *c);

/* Around a write transaction: take the process's write turn (d->wmu) within the
 * operation's deadline, or fail at once with ETIMEDOUT while the database is known to be
 * locked by someone else and another operation is already waiting for it. 0 or ETIMEDOUT
 * with the message set. unlock accepts a connection that holds nothing. */
int db_sqlite_write_lock(struct sq_db *d, struct sq_conn *c);
void db_sqlite_write_unlock(struct sq_db *d, struct sq_conn *c);

/* Close every connection; a file that is no longer at the path is checkpointed into
 * itself and left with no checkpoint on close (its -wal/-shm names may belong to another
 * file by now). */
void db_sqlite_pool_close(struct sq_db *d);

/* The error of the last call on c as an errno (ETIMEDOUT, EROFS, ENOSPC, ESTALE, EIO) with
 * the message set; marks c broken when the failure may stick to the connection. */
int db_sqlite_err(struct sq_conn *c, const char *what);

#endif /* HSS_DB_SQLITE_H */

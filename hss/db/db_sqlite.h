/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_sqlite.h: internal header of the SQLite backend, shared by db_sqlite.c (the driver:
 * options, statements, transactions, errors), db_sqlite_file.c (the file under the pool:
 * opening without creating, watching it move, retiring connections to a file moved away)
 * and db_sqlite_schema.c (migrations).
 */
#ifndef HSS_DB_SQLITE_H
#define HSS_DB_SQLITE_H

/* Defined by hss/db/meson.build for the component's own sources only. */
#ifndef HSS_DB_INTERNAL
#error "db_sqlite.h is internal to hss/db/: include hss_db.h"
#endif

#include "db_int.h"

#include <sqlite3.h>
#include <sys/types.h>

/* Statements each connection caches: the driver's own, then db_sql.c's. */
enum { SQ_BEGIN, SQ_BEGIN_IMM, SQ_COMMIT, SQ_ROLLBACK, SQ_OWN };
#define SQ_NSTMT (SQ_OWN + HSS_SQL_N)
/* Statements of the keyed records (db_sqlite_rec.c), cached apart. */
enum { SQR_GET, SQR_VER, SQR_INS, SQR_UPD, SQR_DEL, SQR_PAGE, SQR_PAGE_UPPER, SQR_N };

struct sq_conn {
	sqlite3 *h;
	sqlite3_stmt *st[SQ_NSTMT];
	sqlite3_stmt *rst[SQR_N];
	struct hss_pconn *pc;    /* the pool's slot (deadline, probe); NULL while opening */
	struct hss_db *db;
	int64_t deadline;        /* while pc is NULL */
};

/* Identity of a file: st_dev/st_ino, so a file moved or replaced under the path is seen. */
struct sq_file_id {
	dev_t dev;
	ino_t ino;
	bool set;
};

struct sq_be {
	char *path;
	char *wal_path;              /* PATH-wal */
	bool memory;                 /* ":memory:" */
	bool sync_full;
	unsigned busy_ms;            /* busy_timeout=, overrides the handle's timeout_ms */
	int max_schema;              /* apply migrations up to this version (tests); 0: all */
	struct sq_conn *setup;       /* the connection open() used, handed to the pool first */
	/* The file the connections of the pool's current generation have open (pool mutex).
	 * When the path stops naming it, the pool starts a new generation and retires the old
	 * connections before anything is opened again; see db_sqlite_file.c. */
	struct sq_file_id file, wal;
	struct sq_file_id old_file, old_wal;
	bool stale_wal;              /* old_wal may still hold frames of old_file */
};

#define SQB(db) ((struct sq_be *)(db)->be)

/* How db_sqlite_open_conn checks the schema of the file it opened. */
enum db_sqlite_check {
	DB_SQLITE_CHECK_NONE,        /* creating: the schema may not exist yet */
	DB_SQLITE_CHECK_EXISTS,      /* opening: an HSS schema must be there (any version) */
	DB_SQLITE_CHECK_CURRENT,     /* serving: the schema version this handle migrated to */
};

/* Open c->h on the path (never creating it unless HSS_DB_OPEN_CREATE), set pragmas and the
 * busy handler, check the schema, record the file's identity. 0, or an errno with the
 * message set. */
int db_sqlite_open_conn(struct hss_db *db, struct sq_conn *c, enum db_sqlite_check check);
void db_sqlite_close_conn(struct sq_conn *c, bool detached);

/* Pool hooks (db_sqlite_file.c). */
int db_sqlite_conn_open(struct hss_db *db, struct hss_pconn *pc);
void db_sqlite_conn_close(struct hss_db *db, struct hss_pconn *pc, bool detached);
int db_sqlite_watch(struct hss_db *db, bool *moved);
void db_sqlite_retire(struct hss_db *db, struct hss_pconn **list, unsigned n);
bool db_sqlite_conn_usable(struct hss_db *db, struct hss_pconn *pc, bool write);

/* The error of the last call on c as an errno (ETIMEDOUT, EROFS, ENOSPC, ESTALE, EIO) with
 * the message set; marks the pooled connection broken (or poisoned) when the failure may
 * stick to it. */
int db_sqlite_err(struct sq_conn *c, const char *what);

/* Keyed records (db_sqlite_rec.c): the driver's rec_* primitives. */
int db_sqlite_rec_read(struct hss_db_tx *tx, const char *table, const char *key, bool data,
                       struct hss_db_rec *ret);
int db_sqlite_rec_insert(struct hss_db_tx *tx, const char *table, const char *key,
                         const void *data, size_t len, uint64_t version);
int db_sqlite_rec_update(struct hss_db_tx *tx, const char *table, const char *key,
                         const void *data, size_t len, uint64_t version);
int db_sqlite_rec_delete(struct hss_db_tx *tx, const char *table, const char *key);
int db_sqlite_rec_page(struct hss_db_tx *tx, const char *table, const char *prefix,
                       const char *upper, const char *after, size_t want,
                       struct hss_db_rec *out, size_t *ret_n);

/* Schema (db_sqlite_schema.c): the latest version, and bring the database on h to
 * be->max_schema (or the latest), creating it when allowed. err: one line. */
int db_sqlite_schema_latest(void);
int db_sqlite_migrate(struct hss_db *db, sqlite3 *h, char *err, size_t errlen);

#endif /* HSS_DB_SQLITE_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_mysql.h: internal header of the MySQL / MariaDB backend, shared by db_mysql.c (the
 * driver), db_mysql_schema.c (the schema and its migrations), db_mysql_rec.c (keyed
 * records) and db_mysql_stmt.c (the subscriber statements, prepared).
 */
#ifndef HSS_DB_MYSQL_H
#define HSS_DB_MYSQL_H

/* Defined by hss/db/meson.build for the component's own sources only. */
#ifndef HSS_DB_INTERNAL
#error "db_mysql.h is internal to hss/db/: include hss_db.h"
#endif

#include "db_int.h"

#include <mysql.h>

struct my_be {
	char *user, *pass, *host, *dbname, *socket;
	unsigned port, timeout;      /* timeout: seconds to connect when opening */
};

#define MYB(db) ((struct my_be *)(db)->be)

/* A pooled connection (struct hss_pconn.h). */
struct my_conn {
	MYSQL *h;
	bool short_waits;            /* the session waits for no lock (lock outage, not probe) */
	MYSQL_STMT *st[HSS_SQL_N];   /* db_sql.c's statements, prepared on first use */
};

/* The error of the last call on h as an errno with the message; pc (may be NULL) is marked
 * for reopening after a client-side failure, and a lock wait that ran out in full starts a
 * lock outage. */
int db_mysql_err(struct hss_db *db, struct hss_pconn *pc, MYSQL *h, const char *what);
/* The same for an error number and message (a prepared statement's). */
int db_mysql_errno_err(struct hss_db *db, struct hss_pconn *pc, unsigned e, const char *m,
                       const char *what);
/* db_sql.c's statement id with its arguments, as a prepared statement of the connection
 * (db_mysql_stmt.c); the driver's sql_exec. stmts_close: before the connection closes. */
int db_mysql_stmt_exec(struct hss_db_tx *tx, int id, const struct hss_sql_arg *a, size_t n,
                       int (*row)(void *, const char *const *, size_t), void *row_arg,
                       uint64_t *ret_rows);
void db_mysql_stmts_close(struct my_conn *c);
/* mysql_query, its error as db_mysql_err. */
int db_mysql_query(struct hss_db *db, struct hss_pconn *pc, MYSQL *h, const char *sql,
                   const char *what);
/* Keyed records (db_mysql_rec.c): the driver's rec_* primitives. */
int db_mysql_rec_read(struct hss_db_tx *tx, const char *table, const char *key, bool data,
                      struct hss_db_rec *ret);
int db_mysql_rec_insert(struct hss_db_tx *tx, const char *table, const char *key,
                        const void *data, size_t len, uint64_t version);
int db_mysql_rec_update(struct hss_db_tx *tx, const char *table, const char *key,
                        const void *data, size_t len, uint64_t version);
int db_mysql_rec_delete(struct hss_db_tx *tx, const char *table, const char *key);
int db_mysql_rec_page(struct hss_db_tx *tx, const char *table, const char *prefix,
                      const char *upper, const char *after, size_t want,
                      struct hss_db_rec *out, size_t *ret_n);

/* Check the schema (a database without it is refused unless HSS_DB_OPEN_CREATE) and apply
 * the missing migrations, under GET_LOCK. err: one line. */
int db_mysql_migrate(struct hss_db *db, MYSQL *h, char *err, size_t errlen);

#endif /* HSS_DB_MYSQL_H */

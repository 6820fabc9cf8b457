/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_mysql.h: internal header of the MySQL / MariaDB backend, shared by db_mysql.c (the
 * driver) and db_mysql_schema.c (the schema and its migrations).
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

/* The error of the last call on h as an errno with the message; pc (may be NULL) is marked
 * for reopening after a client-side failure, and a lock wait that ran out in full starts a
 * lock outage. */
int db_mysql_err(struct hss_db *db, struct hss_pconn *pc, MYSQL *h, const char *what);
/* mysql_query, its error as db_mysql_err. */
int db_mysql_query(struct hss_db *db, struct hss_pconn *pc, MYSQL *h, const char *sql,
                   const char *what);
/* Check the schema (a database without it is refused unless HSS_DB_OPEN_CREATE) and apply
 * the missing migrations, under GET_LOCK. err: one line. */
int db_mysql_migrate(struct hss_db *db, MYSQL *h, char *err, size_t errlen);

#endif /* HSS_DB_MYSQL_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_sqlite.h: internal header between the SQLite backend and its schema migrations.
 */
#ifndef HSS_DB_SQLITE_H
#define HSS_DB_SQLITE_H

/* Defined by hss/db/meson.build for the component's own sources only. */
#ifndef HSS_DB_INTERNAL
#error "db_sqlite.h is internal to hss/db/: include hss_db.h"
#endif

#include <stddef.h>

struct db_sqlite_migration {
	int version;             /* 1, 2, ... in order without gaps */
	const char *what;
	const char *sql;         /* one or more statements */
};

const struct db_sqlite_migration *db_sqlite_migrations(size_t *ret_n);

#endif /* HSS_DB_SQLITE_H */

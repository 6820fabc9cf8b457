/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_mysql.h: internal header of the MySQL / MariaDB backend: the handle and its pooled
 * connections (db_mysql.c), and what the keyed records (db_mysql_rec.c) use of them.
 */
#ifndef HSS_DB_MYSQL_H
#define HSS_DB_MYSQL_H

/* Defined by hss/db/meson.build for the component's own sources only. */
#ifndef HSS_DB_INTERNAL
#error "db_mysql.h is internal to hss/db/: include hss_db.h"
#endif

#include "db_int.h"

#include <mysql.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct my_conn {
	MYSQL *h;
	bool busy;
	bool short_waits;            /* the session's lock waits are 0 (see set_waits) */
	bool probe;                  /* the one operation with full lock waits while locked */
	int64_t deadline;            /* CLOCK_MONOTONIC ms: the current operation gives up */
};

struct my_db {
	struct hss_db base;          /* first: the public handle */
	char *user, *pass, *host, *dbname, *socket;
	unsigned port, timeout;      /* timeout: seconds to connect when opening */
	unsigned timeout_ms;         /* bound on each wait of one operation */
	bool create;                 /* HSS_DB_OPEN_CREATE */
	unsigned npool;
	struct my_conn *pool;
	pthread_mutex_t mu;
	pthread_cond_t cv;           /* CLOCK_MONOTONIC */
	int64_t down_until;          /* no new connection attempt before (ms), see conn_get */
	char down_msg[256];          /* why the last attempt failed */
	/* A lock wait ran into the timeout and no operation succeeded since: the others do not
	 * wait for locks at all (one probe at a time does), see set_waits. */
	atomic_bool locked, probing;
	const struct hss_fdesc *sub_cols[64], *srv_cols[64];
	size_t n_sub_cols, n_srv_cols;
	char *sub_sel, *srv_sel;     /* column lists */
};

#define MY(db) ((struct my_db *)(db))

/* Error of the last call on h as an errno with the message set (EEXIST duplicate, EAGAIN
 * deadlock, ETIMEDOUT, EROFS, ENOSPC, ENOTCONN, EIO). */
int db_mysql_err(MYSQL *h, const char *what);
/* A pooled connection for one operation (bounded by the timeout) and back; rc is the
 * operation's result (it drives the lock-outage state). */
int db_mysql_conn_get(struct my_db *d, struct my_conn **ret);
void db_mysql_conn_put(struct my_db *d, struct my_conn *c, int rc);
/* Close c and open it again (an idle connection the server dropped). */
int db_mysql_reconnect(struct my_db *d, struct my_conn *c);

/* Keyed records (db_mysql_rec.c): the hss_db_ops entries. */
int db_mysql_rec_get(struct hss_db *db, const char *table, const char *key,
                     struct hss_db_rec *ret);
int db_mysql_rec_page(struct hss_db *db, const char *table, const char *prefix,
                      const char *after, size_t want, struct hss_db_rec *out, size_t *ret_n);
int db_mysql_rec_tx(struct hss_db *db, hss_db_tx_fn fn, void *arg);
int db_mysql_tx_get(struct hss_db_tx *tx, const char *table, const char *key,
                    struct hss_db_rec *ret);
int db_mysql_tx_put(struct hss_db_tx *tx, const char *table, const char *key, const void *data,
                    size_t len, uint64_t expect, uint64_t *ret_version);
int db_mysql_tx_del(struct hss_db_tx *tx, const char *table, const char *key, uint64_t expect);
int db_mysql_tx_page(struct hss_db_tx *tx, const char *table, const char *prefix,
                     const char *after, size_t want, struct hss_db_rec *out, size_t *ret_n);

#endif /* HSS_DB_MYSQL_H */

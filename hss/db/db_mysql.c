/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_mysql.c: the MySQL / MariaDB backend (libmariadb): connecting, the session's bounds,
 * transactions, errors and the schema; the subscriber statements run prepared
 * (db_mysql_stmt.c). The subscriber primitives are db_sql.c's (same tables and column names
 * as SQLite); the pool, retries and rules are the shared layer's.
 *
 * Concurrency: every read in a write transaction is SELECT ... FOR UPDATE, so InnoDB's row
 * lock serialises the read-modify-writes of one subscriber across threads and processes; a
 * deadlock is EAGAIN (the transaction is run again).
 *
 * Faults: every wait is bounded by the open timeout (struct hss_db_opts.timeout_ms): on the
 * server the lock waits and the statement itself (innodb_lock_wait_timeout and
 * lock_wait_timeout in whole seconds, MariaDB's max_statement_time to the millisecond),
 * with the client's read/write timeout one second later as the last resort against a
 * stalled server. A connection that failed on the client side (server gone, lost, timed
 * out) is closed by the pool and reopened on next use. During a lock outage (db_pool.c)
 * the sessions of the operations that are not the probe wait for no lock at all: a
 * locked table fails them at once, an operation that meets no lock is not slowed.
 *
 * The schema (db_mysql_schema.c) is created only when the handle is opened with
 * HSS_DB_OPEN_CREATE (hssctl init); otherwise a database without it is refused.
 *
 * URI: "[mysql:]//USER[:PASSWORD]@HOST[:PORT]/DATABASE[?socket=PATH&pool=N&writers=N&
 * timeout=S]" (pool: connections for reads; writers: transactions committing side by side,
 * default 2; timeout: seconds to connect when opening). The password may not contain '@' or '/'.
 */
#include "db_mysql.h"

#include <errno.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <errmsg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


/* ---- errors ----------------------------------------------------------------------------- */

/* The client's error codes (CR_*): the connection itself failed. */
static bool client_error(unsigned e)
{
	return e >= CR_MIN_ERROR && e <= CR_MAX_ERROR;
}

/* The error of the last call on h as an errno with the message; pc (may be NULL) is marked
 * for reopening after a client-side failure, and a lock wait that ran out in full starts a
 * lock outage. */
int db_mysql_err(struct hss_db *db, struct hss_pconn *pc, MYSQL *h, const char *what)
{
	return db_mysql_errno_err(db, pc, h ? mysql_errno(h) : 0, h ? mysql_error(h) :
	                          "no connection", what);
}

int db_mysql_errno_err(struct hss_db *db, struct hss_pconn *pc, unsigned e, const char *m,
                       const char *what)
{
	struct my_conn *c = pc ? pc->h : NULL;
	int rc = EIO;

	switch (e) {
	case ER_DUP_ENTRY:
		rc = EEXIST;
		break;
	case ER_LOCK_DEADLOCK:
		rc = EAGAIN;
		break;
	case ER_LOCK_WAIT_TIMEOUT:
	case ER_STATEMENT_TIMEOUT:
	case CR_SERVER_LOST:         /* also the client's read timeout */
		rc = ETIMEDOUT;
		break;
	case ER_OPTION_PREVENTS_STATEMENT:   /* read_only */
	case ER_READ_ONLY_MODE:
		rc = EROFS;
		break;
	case ER_DISK_FULL:
	case ER_RECORD_FILE_FULL:
		rc = ENOSPC;
		break;
	default:
		if (client_error(e))
			rc = ENOTCONN;
	}
	if (pc && client_error(e))
		pc->broken = true;   /* the protocol state is unknown: reopen next time */
	if (rc == ETIMEDOUT && c && !c->short_waits)
		hss_pool_lock_timeout(db);
	return hss_db_set_error(rc, "mysql: %s: %s", what, m);
}

/* ---- connections ------------------------------------------------------------------------ */

/* Seconds, rounded up, for the settings that only take whole seconds. */
static unsigned secs(unsigned ms)
{
	return (ms + 999) / 1000;
}

int db_mysql_query(struct hss_db *db, struct hss_pconn *pc, MYSQL *h, const char *sql,
                 const char *what)
{
	return mysql_query(h, sql) ? db_mysql_err(db, pc, h, what) : 0;
}

/* A session. setup: for opening and migrations (the URI's connect timeout, no statement
 * limits); otherwise every wait of the session is bounded by timeout_ms. */
static int connect_db(struct hss_db *db, bool setup, MYSQL **ret)
{
	struct my_be *b = MYB(db);
	unsigned ms = db->opts.timeout_ms;
	unsigned to = setup ? b->timeout : secs(ms), rw = secs(ms) + 1;
	char sql[160];
	MYSQL *h;
	int rc;

	if (!(h = mysql_init(NULL)))
		return hss_db_set_error(ENOMEM, "mysql: out of memory");
	mysql_options(h, MYSQL_OPT_CONNECT_TIMEOUT, &to);
	if (!setup) {
		mysql_options(h, MYSQL_OPT_READ_TIMEOUT, &rw);
		mysql_options(h, MYSQL_OPT_WRITE_TIMEOUT, &rw);
	}
	mysql_options(h, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	if (!mysql_real_connect(h, b->host, b->user, b->pass, b->dbname, b->port, b->socket,
	                        CLIENT_FOUND_ROWS)) {
		unsigned e = mysql_errno(h);

		rc = hss_db_set_error(client_error(e) ? ENOTCONN : EIO, "mysql: cannot connect to %s: %s",
		                      b->socket ? b->socket : b->host ? b->host : "localhost",
		                      mysql_error(h));
		goto fail;
	}
	if ((rc = db_mysql_query(db, NULL, h, "SET SESSION sql_mode = 'STRICT_ALL_TABLES,"
	                "NO_ENGINE_SUBSTITUTION'", "session setup")))
		goto fail;
	if (!setup) {
		/* READ COMMITTED: a locking read locks the rows it finds, not the gaps between
		 * them; every read-modify-write locks its subscriber's row, which is enough */
		if ((rc = db_mysql_query(db, NULL, h, "SET SESSION TRANSACTION ISOLATION LEVEL READ "
		                         "COMMITTED", "session setup")))
			goto fail;
		snprintf(sql, sizeof(sql), "SET SESSION innodb_lock_wait_timeout = %u, "
		         "lock_wait_timeout = %u", secs(ms), secs(ms));
		if ((rc = db_mysql_query(db, NULL, h, sql, "session setup")))
			goto fail;
		/* MariaDB only (MySQL has no such variable: then the lock waits and the client's
		 * read timeout are the bounds) */
		snprintf(sql, sizeof(sql), "SET SESSION max_statement_time = %u.%03u", ms / 1000,
		         ms % 1000);
		if (mysql_query(h, sql) && mysql_errno(h) != ER_UNKNOWN_SYSTEM_VARIABLE) {
			rc = db_mysql_err(db, NULL, h, "session setup");
			goto fail;
		}
	}
	*ret = h;
	return 0;
fail:
	mysql_close(h);
	return rc;
}

static int my_conn_open(struct hss_db *db, struct hss_pconn *pc)
{
	struct my_conn *c = calloc(1, sizeof(*c));
	int rc;

	if (!c)
		return hss_db_set_error(ENOMEM, "mysql: out of memory");
	if ((rc = connect_db(db, false, &c->h))) {
		free(c);
		return rc;
	}
	pc->h = c;
	return 0;
}

static void my_conn_close(struct hss_db *db, struct hss_pconn *pc, bool detached)
{
	struct my_conn *c = pc->h;

	(void)db;
	(void)detached;
	if (c) {
		db_mysql_stmts_close(c);
		mysql_close(c->h);
		free(c);
	}
	pc->h = NULL;
}

/* The session's lock waits: none during a lock outage unless this is the probe. */
static int my_conn_prepare(struct hss_db *db, struct hss_pconn *pc)
{
	struct my_conn *c = pc->h;
	bool want = !hss_pool_may_wait(db, pc);
	unsigned s = want ? 0 : secs(db->opts.timeout_ms);
	char sql[160];
	int rc;

	if (want == c->short_waits)
		return 0;
	snprintf(sql, sizeof(sql), "SET SESSION innodb_lock_wait_timeout = %u, lock_wait_timeout = %u",
	         s, s);
	if (!(rc = db_mysql_query(db, pc, c->h, sql, "session setup")))
		c->short_waits = want;
	return rc;
}

/* ---- statements and transactions -------------------------------------------------------- */

static int my_begin(struct hss_db_tx *tx)
{
	struct my_conn *c = tx->pc->h;
	unsigned e;

	if (!mysql_query(c->h, "START TRANSACTION"))
		return 0;
	e = mysql_errno(c->h);
	/* an idle connection the server dropped: nothing was done yet, reconnect */
	if (e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST)
		tx->pc->reconnect = true;
	return db_mysql_err(tx->db, tx->pc, c->h, "begin");
}

static int my_commit(struct hss_db_tx *tx)
{
	struct my_conn *c = tx->pc->h;

	return db_mysql_query(tx->db, tx->pc, c->h, "COMMIT", "commit");
}

static void my_rollback(struct hss_db_tx *tx)
{
	struct my_conn *c = tx->pc->h;

	if (c && !tx->pc->broken)
		(void)mysql_query(c->h, "ROLLBACK");
}

/* ---- open / close --------------------------------------------------------------------- */

static void my_close(struct hss_db *db)
{
	struct my_be *b = MYB(db);

	if (!b)
		return;
	free(b->user);
	if (b->pass)
		explicit_bzero(b->pass, strlen(b->pass));
	free(b->pass);
	free(b->host);
	free(b->dbname);
	free(b->socket);
	free(b);
	db->be = NULL;
}

static char *dup_n(const char *s, size_t n)
{
	char *r = malloc(n + 1);

	if (r) {
		memcpy(r, s, n);
		r[n] = 0;
	}
	return r;
}

static int parse_opt(struct hss_db *db, char *tok, char *err, size_t errlen)
{
	struct my_be *b = MYB(db);
	char *eq = strchr(tok, '=');
	long v;

	if (!eq) {
		snprintf(err, errlen, "mysql: option '%s' is not key=value", tok);
		return EINVAL;
	}
	*eq++ = 0;
	v = strtol(eq, NULL, 10);
	if (!strcmp(tok, "socket")) {
		free(b->socket);
		if (!(b->socket = strdup(eq)))
			return ENOMEM;
	} else if (!strcmp(tok, "pool") && v >= 1 && v <= 64) {
		db->npool = (unsigned)v;
	} else if (!strcmp(tok, "writers") && v >= 1 && v <= 8) {
		db->writers = (unsigned)v;
	} else if (!strcmp(tok, "timeout") && v >= 1 && v <= 600) {
		b->timeout = (unsigned)v;
	} else {
		snprintf(err, errlen, "mysql: unknown option or value out of range: %s=%s "
		         "(socket=PATH, pool=1..64, writers=1..8, timeout=1..600)", tok, eq);
		return EINVAL;
	}
	return 0;
}

static int parse_uri(struct hss_db *db, const char *uri, char *err, size_t errlen)
{
	struct my_be *b = MYB(db);
	const char *p = uri, *at = NULL, *slash, *qm, *colon, *end, *s;
	char shown[512];

	if (!strncmp(p, "mysql:", 6))
		p += 6;
	if (strncmp(p, "//", 2))
		goto bad;
	p += 2;
	qm = strchr(p, '?');
	end = qm ? qm : p + strlen(p);
	slash = memchr(p, '/', (size_t)(end - p));
	if (!slash || slash + 1 >= end)
		goto bad;
	for (s = p; s < slash; s++)
		if (*s == '@')
			at = s;
	if (at) {
		colon = memchr(p, ':', (size_t)(at - p));
		b->user = dup_n(p, (size_t)((colon ? colon : at) - p));
		if (colon)
			b->pass = dup_n(colon + 1, (size_t)(at - colon - 1));
		p = at + 1;
	}
	colon = slash > p ? memchr(p, ':', (size_t)(slash - p)) : NULL;
	if (slash > p)
		b->host = dup_n(p, (size_t)((colon ? colon : slash) - p));
	if (colon) {
		char *e;
		unsigned long v = strtoul(colon + 1, &e, 10);

		if (e != slash || v == 0 || v > 65535)
			goto bad;
		b->port = (unsigned)v;
	}
	b->dbname = dup_n(slash + 1, (size_t)(end - slash - 1));
	if (qm) {
		char *opts = strdup(qm + 1), *tok, *save = NULL;
		int rc = opts ? 0 : ENOMEM;

		for (tok = opts ? strtok_r(opts, "&", &save) : NULL; tok && !rc;
		     tok = strtok_r(NULL, "&", &save))
			rc = parse_opt(db, tok, err, errlen);
		free(opts);
		return rc;
	}
	return 0;
bad:
	snprintf(err, errlen, "mysql: URI '%s': expected //USER[:PASSWORD]@HOST[:PORT]/DATABASE"
	         "[?socket=PATH&pool=N&writers=N&timeout=S]",
	         hss_db_uri_redact(uri, shown, sizeof(shown)));
	return EINVAL;
}

static pthread_once_t lib_once = PTHREAD_ONCE_INIT;

static void lib_init(void)
{
	mysql_library_init(0, NULL, NULL);
}

static int my_open(struct hss_db *db, const char *uri, char *err, size_t errlen)
{
	MYSQL *h = NULL;
	int rc;

	pthread_once(&lib_once, lib_init);
	if (!(db->be = calloc(1, sizeof(struct my_be))))
		return ENOMEM;
	db->npool = 4;
	/* two groups commit side by side: the server's round trips of one overlap the other's */
	db->writers = 2;
	MYB(db)->timeout = 10;
	if (errlen)
		err[0] = 0;
	if ((rc = parse_uri(db, uri, err, errlen)))
		goto fail;
	/* the migrations run on a session without the limits (they may wait for the schema
	 * lock); the pool's sessions get them */
	if ((rc = connect_db(db, true, &h))) {
		snprintf(err, errlen, "%s", hss_db_strerror());
		rc = rc == ENOMEM ? ENOMEM : EIO;
		goto fail;
	}
	rc = db_mysql_migrate(db, h, err, errlen);
	mysql_close(h);
	if (!rc)
		return 0;
fail:
	my_close(db);
	return rc;
}

static const struct hss_sql_dialect my_dialect = {
	.lock_suffix = " FOR UPDATE",
};

const struct hss_db_driver hss_db_mysql_driver = {
	.name = "mysql",
	.caps = HSS_DB_CAP_MULTI_PROCESS | HSS_DB_CAP_ATOMIC_STREAM | HSS_DB_CAP_MSISDN |
	        HSS_DB_CAP_MIGRATIONS | HSS_DB_CAP_RECORDS,
	.open = my_open,
	.close = my_close,
	.conn_open = my_conn_open,
	.conn_close = my_conn_close,
	.conn_prepare = my_conn_prepare,
	.begin = my_begin,
	.commit = my_commit,
	.rollback = my_rollback,
	.sub_read = hss_sql_sub_read,
	.sub_write = hss_sql_sub_write,
	.sub_delete = hss_sql_sub_delete,
	.sub_by_msisdn = hss_sql_sub_by_msisdn,
	.sub_page = hss_sql_sub_page,
	.sub_count = hss_sql_sub_count,
	.rec_read = db_mysql_rec_read,
	.rec_insert = db_mysql_rec_insert,
	.rec_update = db_mysql_rec_update,
	.rec_delete = db_mysql_rec_delete,
	.rec_page = db_mysql_rec_page,
	.sql = &my_dialect,
	.sql_exec = db_mysql_stmt_exec,
};

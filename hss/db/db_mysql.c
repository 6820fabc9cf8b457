/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_mysql.c: the MySQL / MariaDB backend of hss/db (libmariadb), same model and column
 * names as the SQLite reference backend.
 *
 * Concurrency: a pool of connections (default 4), one per call, like db_sqlite.c. Every
 * read-modify-write (SQN reservation, serving state, update) reads the subscriber row with
 * SELECT ... FOR UPDATE inside a transaction, so InnoDB's row lock serialises them across
 * threads and processes. A transaction that hits a deadlock is retried from the start (up
 * to 5 times, within the operation's deadline).
 *
 * Faults: every wait is bounded by the open timeout (struct hss_db_opts.timeout_ms): the
 * wait for a free connection here, and on the server the lock waits and the statement
 * itself (innodb_lock_wait_timeout and lock_wait_timeout in whole seconds, MariaDB's
 * max_statement_time to the millisecond), with the client's read/write timeout one second
 * later as the last resort against a stalled server. A connection that failed on the
 * client side (server gone, lost, timed out) is closed and reopened on next use; while the
 * server cannot be reached, one attempt to connect is made per RECONNECT_MS, the other
 * operations fail at once. Once a lock wait has run into the timeout (a table locked by
 * another client, a global read lock), the other operations wait for no lock at all until
 * one succeeds (one of them at a time waits in full and sees the lock go): a locked
 * database cannot hold every connection and queue requests past the peers' timers, and an
 * operation that meets no lock is not slowed.
 *
 * The schema is created only when the handle is opened with HSS_DB_OPEN_CREATE (hssctl
 * init); otherwise a database without it is refused.
 *
 * URI: "[mysql:]//USER[:PASSWORD]@HOST[:PORT]/DATABASE[?socket=PATH&pool=N&timeout=S]"
 * (timeout: seconds to connect when opening). The password may not contain '@' or '/'.
 * Migrations run under GET_LOCK (MySQL DDL is not transactional: a failed migration needs a
 * manual look).
 */
#include "db_int.h"

#include <errno.h>
#include <inttypes.h>
#include <mysql.h>
#include <mysqld_error.h>
#include <errmsg.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define APN_COLS "ctx_id, apn, pdn_type, qci, arp_prio, preempt_cap, preempt_vuln, ambr_ul, " \
	"ambr_dl, static_ipv4, static_ipv6, pgw_alloc, vplmn_dyn, pgw_host, pgw_realm"
#define RETRIES 5
#define RECONNECT_MS 250             /* one connection attempt per this while the server is away */

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

/* ---- schema --------------------------------------------------------------------------- */

struct my_migration {
	int version;
	const char *what;
	const char *const *sql;      /* NULL-terminated statements */
};

static const char *const m1[] = {
	"CREATE TABLE subscribers ("
	" imsi VARCHAR(15) NOT NULL PRIMARY KEY,"
	" msisdn VARCHAR(15) NULL,"
	" a_msisdn VARCHAR(15) NULL,"
	" k CHAR(32) NOT NULL,"
	" op CHAR(32) NOT NULL,"
	" op_is_opc TINYINT NOT NULL DEFAULT 1,"
	" amf CHAR(4) NOT NULL DEFAULT '8000',"
	" sqn BIGINT UNSIGNED NOT NULL DEFAULT 0,"
	" ind_bits INT UNSIGNED NOT NULL DEFAULT 5,"
	" subscriber_status INT UNSIGNED NOT NULL DEFAULT 0,"
	" odb INT UNSIGNED NOT NULL DEFAULT 0,"
	" network_access_mode INT UNSIGNED NOT NULL DEFAULT 2,"
	" access_restriction_data INT UNSIGNED NOT NULL DEFAULT 0,"
	" ambr_ul INT UNSIGNED NOT NULL DEFAULT 0,"
	" ambr_dl INT UNSIGNED NOT NULL DEFAULT 0,"
	" roaming_allowed TINYINT NOT NULL DEFAULT 1,"
	" roaming_plmns VARCHAR(255) NULL,"
	" periodic_tau INT UNSIGNED NOT NULL DEFAULT 0,"
	" charging_chars CHAR(4) NULL,"
	" default_ctx_id INT UNSIGNED NOT NULL DEFAULT 0,"
	" KEY subscribers_msisdn (msisdn)"
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
	"CREATE TABLE apns ("
	" imsi VARCHAR(15) NOT NULL,"
	" ctx_id INT UNSIGNED NOT NULL,"
	" apn VARCHAR(100) NOT NULL,"
	" pdn_type INT UNSIGNED NOT NULL DEFAULT 2,"
	" qci INT UNSIGNED NOT NULL DEFAULT 9,"
	" arp_prio INT UNSIGNED NOT NULL DEFAULT 8,"
	" preempt_cap TINYINT NOT NULL DEFAULT 0,"
	" preempt_vuln TINYINT NOT NULL DEFAULT 1,"
	" ambr_ul INT UNSIGNED NOT NULL DEFAULT 0,"
	" ambr_dl INT UNSIGNED NOT NULL DEFAULT 0,"
	" static_ipv4 VARCHAR(15) NULL,"
	" static_ipv6 VARCHAR(45) NULL,"
	" pgw_alloc INT UNSIGNED NOT NULL DEFAULT 1,"
	" vplmn_dyn TINYINT NOT NULL DEFAULT 0,"
	" pgw_host VARCHAR(255) NULL,"
	" pgw_realm VARCHAR(255) NULL,"
	" PRIMARY KEY (imsi, ctx_id)"
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
	"CREATE TABLE serving ("
	" imsi VARCHAR(15) NOT NULL PRIMARY KEY,"
	" mme_host VARCHAR(255) NULL,"
	" mme_realm VARCHAR(255) NULL,"
	" mme_number_for_mt_sms VARCHAR(15) NULL,"
	" mme_ulr_time BIGINT NOT NULL DEFAULT 0,"
	" mme_purged TINYINT NOT NULL DEFAULT 0,"
	" sgsn_host VARCHAR(255) NULL,"
	" sgsn_realm VARCHAR(255) NULL,"
	" sgsn_ulr_time BIGINT NOT NULL DEFAULT 0,"
	" sgsn_purged TINYINT NOT NULL DEFAULT 0,"
	" ulr_flags INT UNSIGNED NOT NULL DEFAULT 0,"
	" nor_flags INT UNSIGNED NOT NULL DEFAULT 0,"
	" ue_srvcc_support INT NOT NULL DEFAULT -1,"
	" homogeneous_ims_voice INT NOT NULL DEFAULT -1,"
	" last_rat_type INT NOT NULL DEFAULT -1,"
	" visited_plmn VARCHAR(6) NULL"
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
	NULL
};

static const struct my_migration migrations[] = {
	{ 1, "initial schema: subscribers, apns, serving", m1 },
};

/* ---- SQL text builder ----------------------------------------------------------------- */

struct sb {
	char *p;
	size_t n, cap;
	bool oom;
};

static void sb_add(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->oom)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? b->cap - b->n : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->oom = true;
			return;
		}
		if (b->p && b->n + (size_t)n < b->cap) {
			b->n += (size_t)n;
			return;
		}
		/* Not realloc: the text may hold K and OP in hex, and realloc would leave a copy
		 * behind in freed memory. */
		size_t cap = (b->cap ? b->cap * 2 : 1024) + (size_t)n;
		char *np = malloc(cap);
		if (!np) {
			b->oom = true;
			return;
		}
		if (b->p) {
			memcpy(np, b->p, b->n);
			explicit_bzero(b->p, b->cap);
			free(b->p);
		}
		b->p = np;
		b->cap = cap;
	}
}

/* 'escaped' or NULL for an empty string. */
static void sb_str(struct sb *b, MYSQL *h, const char *s)
{
	size_t len = strlen(s);
	char *e;

	if (!len) {
		sb_add(b, "NULL");
		return;
	}
	if (!(e = malloc(2 * len + 1))) {
		b->oom = true;
		return;
	}
	mysql_real_escape_string(h, e, s, (unsigned long)len);
	sb_add(b, "'%s'", e);
	explicit_bzero(e, 2 * len + 1);
	free(e);
}

static void sb_free(struct sb *b)
{
	if (b->p)
		explicit_bzero(b->p, b->cap);
	free(b->p);
	memset(b, 0, sizeof(*b));
}

/* ---- connections ---------------------------------------------------------------------- */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The client's error codes (CR_*): the connection itself failed. */
static bool client_error(unsigned e)
{
	return e >= CR_MIN_ERROR && e <= CR_MAX_ERROR;
}

static int my_err(MYSQL *h, const char *what)
{
	unsigned e = h ? mysql_errno(h) : 0;
	const char *m = h ? mysql_error(h) : "no connection";

	switch (e) {
	case ER_DUP_ENTRY:
		return hss_db_set_error(EEXIST, "mysql: %s: %s", what, m);
	case ER_LOCK_DEADLOCK:
		return hss_db_set_error(EAGAIN, "mysql: %s: %s", what, m);
	case ER_LOCK_WAIT_TIMEOUT:
	case ER_STATEMENT_TIMEOUT:
	case CR_SERVER_LOST:         /* also the client's read timeout */
		return hss_db_set_error(ETIMEDOUT, "mysql: %s: %s", what, m);
	case ER_OPTION_PREVENTS_STATEMENT:   /* read_only */
	case ER_READ_ONLY_MODE:
		return hss_db_set_error(EROFS, "mysql: %s: %s", what, m);
	case ER_DISK_FULL:
	case ER_RECORD_FILE_FULL:
		return hss_db_set_error(ENOSPC, "mysql: %s: %s", what, m);
	default:
		break;
	}
	if (client_error(e))
		return hss_db_set_error(ENOTCONN, "mysql: %s: %s", what, m);
	return hss_db_set_error(EIO, "mysql: %s: %s", what, m);
}

/* Seconds, rounded up, for the settings that only take whole seconds. */
static unsigned secs(unsigned ms)
{
	return (ms + 999) / 1000;
}

/* Open c->h. setup: for opening and migrations (the URI's connect timeout, no statement
 * limits); otherwise every wait of the session is bounded by timeout_ms. */
static int conn_open(struct my_db *d, struct my_conn *c, bool setup)
{
	unsigned to = setup ? d->timeout : secs(d->timeout_ms), rw = secs(d->timeout_ms) + 1;
	char sql[256];
	int rc;

	if (!(c->h = mysql_init(NULL)))
		return hss_db_set_error(ENOMEM, "mysql: out of memory");
	mysql_options(c->h, MYSQL_OPT_CONNECT_TIMEOUT, &to);
	if (!setup) {
		mysql_options(c->h, MYSQL_OPT_READ_TIMEOUT, &rw);
		mysql_options(c->h, MYSQL_OPT_WRITE_TIMEOUT, &rw);
	}
	mysql_options(c->h, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	if (!mysql_real_connect(c->h, d->host, d->user, d->pass, d->dbname, d->port, d->socket,
	                        CLIENT_FOUND_ROWS)) {
		unsigned e = mysql_errno(c->h);

		rc = hss_db_set_error(client_error(e) ? ENOTCONN : EIO, "mysql: cannot connect to %s: %s",
		                      d->socket ? d->socket : d->host ? d->host : "localhost",
		                      mysql_error(c->h));
		goto fail;
	}
	if (mysql_query(c->h, "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'")) {
		rc = my_err(c->h, "session setup");
		goto fail;
	}
	if (setup)
		return 0;
	snprintf(sql, sizeof(sql), "SET SESSION innodb_lock_wait_timeout = %u, lock_wait_timeout = %u",
	         secs(d->timeout_ms), secs(d->timeout_ms));
	if (mysql_query(c->h, sql)) {
		rc = my_err(c->h, "session setup");
		goto fail;
	}
	/* MariaDB only (MySQL has no such variable: then the lock waits and the client's
	 * read timeout are the bounds) */
	snprintf(sql, sizeof(sql), "SET SESSION max_statement_time = %u.%03u", d->timeout_ms / 1000,
	         d->timeout_ms % 1000);
	if (mysql_query(c->h, sql) && mysql_errno(c->h) != ER_UNKNOWN_SYSTEM_VARIABLE) {
		rc = my_err(c->h, "session setup");
		goto fail;
	}
	return 0;
fail:
	mysql_close(c->h);
	c->h = NULL;
	return rc;
}

static void conn_put(struct my_db *d, struct my_conn *c, int rc);

/* Lock waits of the session: none while the database is known to be locked, unless this
 * operation is the probe; the configured ones otherwise. */
static int set_waits(struct my_db *d, struct my_conn *c)
{
	bool want = false, no = false;
	char sql[160];
	unsigned s;

	if (atomic_load(&d->locked)) {
		if (atomic_compare_exchange_strong(&d->probing, &no, true))
			c->probe = true;
		else
			want = true;
	}
	if (want == c->short_waits)
		return 0;
	s = want ? 0 : secs(d->timeout_ms);
	snprintf(sql, sizeof(sql), "SET SESSION innodb_lock_wait_timeout = %u, lock_wait_timeout = %u",
	         s, s);
	if (mysql_query(c->h, sql))
		return my_err(c->h, "session setup");
	c->short_waits = want;
	return 0;
}

static int conn_get(struct my_db *d, struct my_conn **ret)
{
	int64_t deadline = now_ms() + d->timeout_ms;
	struct my_conn *c = NULL;
	struct timespec ts;
	unsigned i;
	int rc;

	ts.tv_sec = (time_t)(deadline / 1000);
	ts.tv_nsec = (long)(deadline % 1000) * 1000000L;
	pthread_mutex_lock(&d->mu);
	for (;;) {
		for (i = 0; i < d->npool && !c; i++)
			if (!d->pool[i].busy && d->pool[i].h)
				c = &d->pool[i];
		for (i = 0; i < d->npool && !c; i++)
			if (!d->pool[i].busy)
				c = &d->pool[i];
		if (c)
			break;
		if (pthread_cond_timedwait(&d->cv, &d->mu, &ts) == ETIMEDOUT) {
			rc = hss_db_set_error(ETIMEDOUT, "mysql: all %u database connections stayed busy "
			                      "for %u ms", d->npool, d->timeout_ms);
			pthread_mutex_unlock(&d->mu);
			return rc;
		}
	}
	if (!c->h && now_ms() < d->down_until) {
		/* the server was just found away: no connection attempt per request */
		rc = hss_db_set_error(ENOTCONN, "%s", d->down_msg);
		pthread_mutex_unlock(&d->mu);
		return rc;
	}
	c->busy = true;
	pthread_mutex_unlock(&d->mu);
	c->deadline = deadline;
	if (!c->h) {
		c->short_waits = false;
		if ((rc = conn_open(d, c, false))) {
			pthread_mutex_lock(&d->mu);
			if (rc == ENOTCONN) {
				d->down_until = now_ms() + RECONNECT_MS;
				snprintf(d->down_msg, sizeof(d->down_msg), "%s", hss_db_strerror());
			}
			c->busy = false;
			pthread_cond_signal(&d->cv);
			pthread_mutex_unlock(&d->mu);
			return rc;
		}
	}
	if ((rc = set_waits(d, c))) {
		conn_put(d, c, rc);
		return rc;
	}
	*ret = c;
	return 0;
}

/* rc: the operation's result, for the lock state (see set_waits). */
static void conn_put(struct my_db *d, struct my_conn *c, int rc)
{
	/* an unknown IMSI or a duplicate is the server answering too */
	if (!rc || rc == ENOENT || rc == EEXIST)
		atomic_store(&d->locked, false);
	else if (rc == ETIMEDOUT && !c->short_waits)
		atomic_store(&d->locked, true);
	if (c->probe) {
		c->probe = false;
		atomic_store(&d->probing, false);
	}
	/* a connection that failed on the client side (server gone, lost, read timeout: the
	 * protocol state is unknown) is reopened next time */
	if (c->h && client_error(mysql_errno(c->h))) {
		mysql_close(c->h);
		c->h = NULL;
	}
	pthread_mutex_lock(&d->mu);
	c->busy = false;
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
}

static int q(struct my_conn *c, struct sb *b, const char *what)
{
	if (b->oom)
		return hss_db_set_error(ENOMEM, "mysql: out of memory");
	if (mysql_real_query(c->h, b->p, (unsigned long)b->n))
		return my_err(c->h, what);
	return 0;
}

static int qs(struct my_conn *c, const char *sql, const char *what)
{
	if (mysql_query(c->h, sql))
		return my_err(c->h, what);
	return 0;
}

/* Run body in a transaction on one connection; retried on deadlock / lock timeout. */
static int run_tx(struct my_db *d, int (*body)(struct my_db *d, struct my_conn *c, void *arg),
                  void *arg, bool retry)
{
	struct my_conn *c;
	int rc, attempt;

	if ((rc = conn_get(d, &c)))
		return rc;
	for (attempt = 0; attempt < RETRIES; attempt++) {
		if ((rc = qs(c, "START TRANSACTION", "begin"))) {
			unsigned e = mysql_errno(c->h);
			/* an idle connection the server dropped: nothing was done yet, reconnect */
			if (attempt == 0 && (e == CR_SERVER_GONE_ERROR || e == CR_SERVER_LOST)) {
				mysql_close(c->h);
				c->h = NULL;
				c->short_waits = false;
				if ((rc = conn_open(d, c, false)) == 0)
					continue;
			}
			break;
		}
		rc = body(d, c, arg);
		if (!rc)
			rc = qs(c, "COMMIT", "commit");
		if (!rc)
			break;
		if (c->h && !client_error(mysql_errno(c->h)))
			mysql_query(c->h, "ROLLBACK");
		/* a deadlock is retried, as long as the operation's deadline allows */
		if (rc != EAGAIN || !retry || now_ms() >= c->deadline)
			break;
	}
	if (rc == EAGAIN) {
		char why[256];

		snprintf(why, sizeof(why), "%s", hss_db_strerror());
		rc = hss_db_set_error(ETIMEDOUT, "mysql: still deadlocked after %d attempts: %s",
		                      attempt, why);
	}
	conn_put(d, c, rc);
	return rc;
}

/* ---- fields <-> SQL text -------------------------------------------------------------- */

static void sb_field(struct sb *b, MYSQL *h, const struct hss_fdesc *f, const struct hss_sub *sub)
{
	const char *p = (const char *)sub + f->off;
	char buf[1024];

	switch (f->kind) {
	case HSS_FK_DIGITS:
	case HSS_FK_STR:
	case HSS_FK_HEXSTR:
	case HSS_FK_PLMN:
		sb_str(b, h, p);
		break;
	case HSS_FK_HEX:
		hss_hex_encode((const uint8_t *)p, f->size, buf);
		sb_add(b, "'%s'", buf);
		break;
	case HSS_FK_PLMNS:
		hss_plmns_format(sub, buf, sizeof(buf));
		sb_str(b, h, buf);
		break;
	case HSS_FK_U32:
	case HSS_FK_ENUM:
		sb_add(b, "%" PRIu32, *(const uint32_t *)p);
		break;
	case HSS_FK_U64:
		sb_add(b, "%" PRIu64, *(const uint64_t *)p);
		break;
	case HSS_FK_I32:
		sb_add(b, "%" PRId32, *(const int32_t *)p);
		break;
	case HSS_FK_I64:
		sb_add(b, "%" PRId64, *(const int64_t *)p);
		break;
	case HSS_FK_BOOL:
		sb_add(b, "%d", *(const bool *)p ? 1 : 0);
		break;
	case HSS_FK_APNS:
		sb_add(b, "NULL");
		break;
	}
}

static int parse_num(const char *t, int64_t min, int64_t max, int64_t *ret)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(t, &end, 10);
	if (!*t || *end || errno || v < min || v > max)
		return EIO;
	*ret = v;
	return 0;
}

/* What is in the database is input like any other: a value that does not fit is EIO
 * naming the column, never trusted. */
static int col_field(const char *t, const struct hss_fdesc *f, struct hss_sub *sub)
{
	char *p = (char *)sub + f->off, err[128];
	int64_t v;
	unsigned long long u;
	char *end;

	if (!t)
		t = "";
	switch (f->kind) {
	case HSS_FK_DIGITS:
	case HSS_FK_STR:
	case HSS_FK_HEXSTR:
	case HSS_FK_PLMN:
		if (strlen(t) >= f->size)
			goto bad;
		strcpy(p, t);
		return 0;
	case HSS_FK_HEX:
		if (hss_hex_decode(t, (uint8_t *)p, f->size))
			goto bad;
		return 0;
	case HSS_FK_PLMNS:
		if (hss_plmns_parse(sub, t, err, sizeof(err)))
			goto bad;
		return 0;
	case HSS_FK_U32:
	case HSS_FK_ENUM:
		if (parse_num(t, 0, UINT32_MAX, &v))
			goto bad;
		*(uint32_t *)p = (uint32_t)v;
		return 0;
	case HSS_FK_U64:
		errno = 0;
		u = strtoull(t, &end, 10);
		if (!*t || *end || errno || *t == '-')
			goto bad;
		*(uint64_t *)p = u;
		return 0;
	case HSS_FK_I32:
		if (parse_num(t, INT32_MIN, INT32_MAX, &v))
			goto bad;
		*(int32_t *)p = (int32_t)v;
		return 0;
	case HSS_FK_I64:
		if (parse_num(t, INT64_MIN, INT64_MAX, &v))
			goto bad;
		*(int64_t *)p = v;
		return 0;
	case HSS_FK_BOOL:
		if (parse_num(t, INT32_MIN, INT32_MAX, &v))
			goto bad;
		*(bool *)p = v != 0;
		return 0;
	case HSS_FK_APNS:
		break;
	}
bad:
	/* K and OP/OPc (HSS_FK_HEX) are secrets: never copied into a message that gets logged */
	return hss_db_set_error(EIO, "mysql: corrupt value '%.40s' in column '%s' of IMSI %s",
	                        f->kind == HSS_FK_HEX ? "(hidden)" : t, f->name, sub->imsi);
}

static char *col_list(const struct hss_fdesc *const *cols, size_t n)
{
	struct sb b = { 0 };
	size_t i;

	for (i = 0; i < n; i++)
		sb_add(&b, "%s%s", i ? ", " : "", cols[i]->name);
	if (b.oom) {
		sb_free(&b);
		return NULL;
	}
	return b.p;
}

/* ---- reading and writing one subscriber ----------------------------------------------- */

static int read_sub(struct my_db *d, struct my_conn *c, const char *imsi, bool lock,
                    struct hss_sub *out)
{
	struct sb b = { 0 };
	MYSQL_RES *res = NULL;
	MYSQL_ROW row;
	size_t i;
	int rc;

	hss_sub_init(out);
	sb_add(&b, "SELECT %s FROM subscribers WHERE imsi = ", d->sub_sel);
	sb_str(&b, c->h, imsi);
	sb_add(&b, "%s", lock ? " FOR UPDATE" : "");
	if ((rc = q(c, &b, "read subscriber")))
		goto out;
	if (!(res = mysql_store_result(c->h))) {
		rc = my_err(c->h, "read subscriber");
		goto out;
	}
	if (!(row = mysql_fetch_row(res))) {
		rc = hss_db_set_error(ENOENT, "IMSI %s not found", imsi);
		goto out;
	}
	for (i = 0; i < d->n_sub_cols && !rc; i++)
		rc = col_field(row[i], d->sub_cols[i], out);
	mysql_free_result(res);
	res = NULL;
	if (rc)
		goto out;

	b.n = 0;
	sb_add(&b, "SELECT %s FROM serving WHERE imsi = ", d->srv_sel);
	sb_str(&b, c->h, imsi);
	if ((rc = q(c, &b, "read serving state")))
		goto out;
	if (!(res = mysql_store_result(c->h))) {
		rc = my_err(c->h, "read serving state");
		goto out;
	}
	if ((row = mysql_fetch_row(res)))
		for (i = 0; i < d->n_srv_cols && !rc; i++)
			rc = col_field(row[i], d->srv_cols[i], out);
	mysql_free_result(res);
	res = NULL;
	if (rc)
		goto out;

	b.n = 0;
	sb_add(&b, "SELECT " APN_COLS " FROM apns WHERE imsi = ");
	sb_str(&b, c->h, imsi);
	sb_add(&b, " ORDER BY ctx_id");
	if ((rc = q(c, &b, "read apns")))
		goto out;
	if (!(res = mysql_store_result(c->h))) {
		rc = my_err(c->h, "read apns");
		goto out;
	}
	while ((row = mysql_fetch_row(res))) {
		struct hss_apn *a;
		int64_t v[15];
		static const int num[] = { 0, 2, 3, 4, 5, 6, 7, 8, 11, 12 };
		static const int64_t max[] = { UINT32_MAX, 3, 254, 15, 1, 1, UINT32_MAX, UINT32_MAX, 1, 1 };

		if (out->n_apns == HSS_DB_MAX_APNS) {
			rc = hss_db_set_error(EIO, "mysql: IMSI %s has more than %d APNs", imsi,
			                      HSS_DB_MAX_APNS);
			goto out;
		}
		for (i = 0; i < sizeof(num) / sizeof(num[0]); i++)
			if (!row[num[i]] || parse_num(row[num[i]], 0, max[i], &v[num[i]])) {
				rc = hss_db_set_error(EIO, "mysql: corrupt APN row for IMSI %s", imsi);
				goto out;
			}
		a = &out->apns[out->n_apns++];
		hss_apn_init(a);
		a->ctx_id = (uint32_t)v[0];
		a->pdn_type = (uint32_t)v[2];
		a->qci = (uint32_t)v[3];
		a->arp_prio = (uint32_t)v[4];
		a->preempt_cap = v[5] != 0;
		a->preempt_vuln = v[6] != 0;
		a->ambr_ul = (uint32_t)v[7];
		a->ambr_dl = (uint32_t)v[8];
		a->pgw_alloc = (uint32_t)v[11];
		a->vplmn_dyn = v[12] != 0;
#define CP(idx, dst) do { \
		const char *t_ = row[idx] ? row[idx] : ""; \
		if (strlen(t_) >= sizeof(dst)) { \
			rc = hss_db_set_error(EIO, "mysql: corrupt APN row for IMSI %s", imsi); \
			goto out; \
		} \
		strcpy(dst, t_); \
	} while (0)
		CP(1, a->apn);
		CP(9, a->static_ipv4);
		CP(10, a->static_ipv6);
		CP(13, a->pgw_host);
		CP(14, a->pgw_realm);
#undef CP
	}
out:
	if (res)
		mysql_free_result(res);
	sb_free(&b);
	return rc;
}

static int write_serving(struct my_db *d, struct my_conn *c, const struct hss_sub *sub)
{
	struct sb b = { 0 };
	size_t i;
	int rc;

	sb_add(&b, "INSERT IGNORE INTO serving (imsi) VALUES (");
	sb_str(&b, c->h, sub->imsi);
	sb_add(&b, ")");
	if ((rc = q(c, &b, "create serving state")))
		goto out;
	b.n = 0;
	sb_add(&b, "UPDATE serving SET ");
	for (i = 0; i < d->n_srv_cols; i++) {
		sb_add(&b, "%s%s = ", i ? ", " : "", d->srv_cols[i]->name);
		sb_field(&b, c->h, d->srv_cols[i], sub);
	}
	sb_add(&b, " WHERE imsi = ");
	sb_str(&b, c->h, sub->imsi);
	rc = q(c, &b, "write serving state");
out:
	sb_free(&b);
	return rc;
}

static int write_sub(struct my_db *d, struct my_conn *c, const struct hss_sub *sub, unsigned flags,
                     bool with_serving)
{
	struct sb b = { 0 };
	size_t i;
	int rc;

	sb_add(&b, "INSERT INTO subscribers (%s) VALUES (", d->sub_sel);
	for (i = 0; i < d->n_sub_cols; i++) {
		sb_add(&b, "%s", i ? ", " : "");
		sb_field(&b, c->h, d->sub_cols[i], sub);
	}
	sb_add(&b, ")");
	if (!(flags & HSS_DB_PUT_NO_REPLACE)) {
		bool first = true;
		sb_add(&b, " ON DUPLICATE KEY UPDATE ");
		for (i = 1; i < d->n_sub_cols; i++) {
			if ((flags & HSS_DB_PUT_KEEP_SQN) && !strcmp(d->sub_cols[i]->name, "sqn"))
				continue;
			sb_add(&b, "%s%s = VALUES(%s)", first ? "" : ", ", d->sub_cols[i]->name,
			       d->sub_cols[i]->name);
			first = false;
		}
	}
	if ((rc = q(c, &b, "write subscriber"))) {
		if (rc == EEXIST)
			hss_db_set_error(EEXIST, "IMSI %s already exists", sub->imsi);
		goto out;
	}
	b.n = 0;
	sb_add(&b, "DELETE FROM apns WHERE imsi = ");
	sb_str(&b, c->h, sub->imsi);
	if ((rc = q(c, &b, "delete apns")))
		goto out;
	if (sub->n_apns) {
		b.n = 0;
		sb_add(&b, "INSERT INTO apns (imsi, " APN_COLS ") VALUES ");
		for (i = 0; i < sub->n_apns; i++) {
			const struct hss_apn *a = &sub->apns[i];
			sb_add(&b, "%s(", i ? ", " : "");
			sb_str(&b, c->h, sub->imsi);
			sb_add(&b, ", %" PRIu32 ", ", a->ctx_id);
			sb_str(&b, c->h, a->apn);
			sb_add(&b, ", %" PRIu32 ", %" PRIu32 ", %" PRIu32 ", %d, %d, %" PRIu32 ", %" PRIu32
			       ", ", a->pdn_type, a->qci, a->arp_prio, a->preempt_cap, a->preempt_vuln,
			       a->ambr_ul, a->ambr_dl);
			sb_str(&b, c->h, a->static_ipv4);
			sb_add(&b, ", ");
			sb_str(&b, c->h, a->static_ipv6);
			sb_add(&b, ", %" PRIu32 ", %d, ", a->pgw_alloc, a->vplmn_dyn);
			sb_str(&b, c->h, a->pgw_host);
			sb_add(&b, ", ");
			sb_str(&b, c->h, a->pgw_realm);
			sb_add(&b, ")");
		}
		if ((rc = q(c, &b, "write apns")))
			goto out;
	}
	if (with_serving) {
		rc = write_serving(d, c, sub);
	} else {
		b.n = 0;
		sb_add(&b, "INSERT IGNORE INTO serving (imsi) VALUES (");
		sb_str(&b, c->h, sub->imsi);
		sb_add(&b, ")");
		rc = q(c, &b, "create serving state");
	}
out:
	sb_free(&b);
	return rc;
}

/* ---- open / close --------------------------------------------------------------------- */

static void my_close(struct hss_db *db)
{
	struct my_db *d = MY(db);
	unsigned i;

	if (!d)
		return;
	for (i = 0; d->pool && i < d->npool; i++)
		if (d->pool[i].h)
			mysql_close(d->pool[i].h);
	free(d->pool);
	free(d->user);
	free(d->pass);
	free(d->host);
	free(d->dbname);
	free(d->socket);
	free(d->sub_sel);
	free(d->srv_sel);
	pthread_mutex_destroy(&d->mu);
	pthread_cond_destroy(&d->cv);
	free(d);
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

static int parse_uri(struct my_db *d, const char *uri, char *err, size_t errlen)
{
	char shown[512];
	const char *p = uri, *at, *slash, *qm, *colon, *end;

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
	at = NULL;
	for (const char *s = p; s < slash; s++)
		if (*s == '@')
			at = s;
	if (at) {
		colon = memchr(p, ':', (size_t)(at - p));
		d->user = dup_n(p, (size_t)((colon ? colon : at) - p));
		if (colon)
			d->pass = dup_n(colon + 1, (size_t)(at - colon - 1));
		p = at + 1;
	}
	colon = slash > p ? memchr(p, ':', (size_t)(slash - p)) : NULL;
	if (slash > p)
		d->host = dup_n(p, (size_t)((colon ? colon : slash) - p));
	if (colon) {
		char *e;
		unsigned long v = strtoul(colon + 1, &e, 10);
		if (e != slash || v == 0 || v > 65535)
			goto bad;
		d->port = (unsigned)v;
	}
	d->dbname = dup_n(slash + 1, (size_t)(end - slash - 1));
	if (qm) {
		char *opts = strdup(qm + 1), *tok, *save = NULL;
		if (!opts)
			return ENOMEM;
		for (tok = strtok_r(opts, "&", &save); tok; tok = strtok_r(NULL, "&", &save)) {
			char *eq = strchr(tok, '=');
			long v;
			if (!eq) {
				snprintf(err, errlen, "mysql: option '%s' is not key=value", tok);
				free(opts);
				return EINVAL;
			}
			*eq++ = 0;
			v = strtol(eq, NULL, 10);
			if (!strcmp(tok, "socket")) {
				free(d->socket);
				d->socket = strdup(eq);
			} else if (!strcmp(tok, "pool") && v >= 1 && v <= 64) {
				d->npool = (unsigned)v;
			} else if (!strcmp(tok, "timeout") && v >= 1 && v <= 600) {
				d->timeout = (unsigned)v;
			} else {
				snprintf(err, errlen, "mysql: unknown option or value out of range: %s=%s "
				         "(socket=PATH, pool=1..64, timeout=1..600)", tok, eq);
				free(opts);
				return EINVAL;
			}
		}
		free(opts);
	}
	return 0;
bad:
	snprintf(err, errlen, "mysql: URI '%s': expected //USER[:PASSWORD]@HOST[:PORT]/DATABASE"
	         "[?socket=PATH&pool=N&timeout=S]", hss_db_uri_redact(uri, shown, sizeof(shown)));
	return EINVAL;
}

static int migrate(struct my_db *d, struct my_conn *c, char *err, size_t errlen)
{
	size_t n = sizeof(migrations) / sizeof(migrations[0]), i, j;
	int latest = migrations[n - 1].version, have = 0, rc = 0;
	MYSQL_RES *res;
	MYSQL_ROW row;

	if (!d->create) {
		/* never create the schema from a daemon: a database without it is refused */
		bool found = false;

		if (qs(c, "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = "
		       "DATABASE() AND table_name = 'schema_version'", "schema check") ||
		    !(res = mysql_store_result(c->h))) {
			snprintf(err, errlen, "%s", hss_db_strerror());
			return EIO;
		}
		found = (row = mysql_fetch_row(res)) && row[0] && atoi(row[0]) > 0;
		mysql_free_result(res);
		if (!found) {
			snprintf(err, errlen, "mysql: database '%s' has no HSS schema (no schema_version "
			         "table): create it with `hssctl init`", d->dbname);
			return EIO;
		}
	}
	if (qs(c, "CREATE TABLE IF NOT EXISTS schema_version (version INT NOT NULL PRIMARY KEY, "
	       "applied_at BIGINT NOT NULL, what VARCHAR(255)) ENGINE=InnoDB", "schema_version") ||
	    qs(c, "SELECT GET_LOCK('hss_db_schema', 60)", "schema lock")) {
		snprintf(err, errlen, "%s", hss_db_strerror());
		return EIO;
	}
	if ((res = mysql_store_result(c->h)))
		mysql_free_result(res);
	if (qs(c, "SELECT COALESCE(MAX(version), 0) FROM schema_version", "schema version") ||
	    !(res = mysql_store_result(c->h))) {
		snprintf(err, errlen, "%s", hss_db_strerror());
		rc = EIO;
		goto out;
	}
	if ((row = mysql_fetch_row(res)) && row[0])
		have = atoi(row[0]);
	mysql_free_result(res);
	if (have > latest) {
		snprintf(err, errlen, "mysql: schema version %d is newer than this build knows (%d): "
		         "upgrade the software", have, latest);
		rc = EIO;
		goto out;
	}
	for (i = 0; i < n; i++) {
		char ins[512];

		if (migrations[i].version <= have)
			continue;
		for (j = 0; migrations[i].sql[j]; j++)
			if (qs(c, migrations[i].sql[j], "migration")) {
				snprintf(err, errlen, "mysql: migration %d (%s) failed: %s",
				         migrations[i].version, migrations[i].what, mysql_error(c->h));
				rc = EIO;
				goto out;
			}
		snprintf(ins, sizeof(ins), "INSERT INTO schema_version (version, applied_at, what) VALUES "
		         "(%d, %lld, '%s')", migrations[i].version, (long long)time(NULL),
		         migrations[i].what);
		if (qs(c, ins, "schema version")) {
			snprintf(err, errlen, "%s", hss_db_strerror());
			rc = EIO;
			goto out;
		}
	}
out:
	if (!mysql_query(c->h, "SELECT RELEASE_LOCK('hss_db_schema')") &&
	    (res = mysql_store_result(c->h)))
		mysql_free_result(res);
	return rc;
}

static pthread_once_t lib_once = PTHREAD_ONCE_INIT;

static void lib_init(void)
{
	mysql_library_init(0, NULL, NULL);
}

static int my_open(const char *uri, const struct hss_db_opts *o, struct hss_db **ret, char *err,
                   size_t errlen)
{
	pthread_condattr_t ca;
	struct my_db *d;
	const struct hss_fdesc *f;
	struct my_conn *c;
	int rc;

	pthread_once(&lib_once, lib_init);
	if (!(d = calloc(1, sizeof(*d))))
		return ENOMEM;
	pthread_mutex_init(&d->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&d->cv, &ca);
	pthread_condattr_destroy(&ca);
	d->timeout_ms = o->timeout_ms;
	d->create = o->flags & HSS_DB_OPEN_CREATE;
	d->npool = 4;
	d->timeout = 10;
	if ((rc = parse_uri(d, uri, err, errlen)))
		goto fail;
	for (f = hss_fdescs; f->name; f++) {
		if (f->flags & HSS_F_NOSTORE)
			continue;
		if (f->flags & HSS_F_SERVING)
			d->srv_cols[d->n_srv_cols++] = f;
		else
			d->sub_cols[d->n_sub_cols++] = f;
	}
	d->sub_sel = col_list(d->sub_cols, d->n_sub_cols);
	d->srv_sel = col_list(d->srv_cols, d->n_srv_cols);
	if (!(d->pool = calloc(d->npool, sizeof(*d->pool))) || !d->sub_sel || !d->srv_sel) {
		rc = ENOMEM;
		goto fail;
	}
	c = &d->pool[0];
	if ((rc = conn_open(d, c, true))) {
		snprintf(err, errlen, "%s", hss_db_strerror());
		rc = rc == ENOMEM ? ENOMEM : EIO;
		goto fail;
	}
	if ((rc = migrate(d, c, err, errlen)))
		goto fail;
	/* the pool's connections get the session limits: this one had none */
	mysql_close(c->h);
	c->h = NULL;
	*ret = &d->base;
	return 0;
fail:
	my_close(&d->base);
	return rc;
}

/* ---- operations ----------------------------------------------------------------------- */

struct get_arg {
	const char *key;
	bool by_msisdn;
	struct hss_sub *out;
};

static int body_get(struct my_db *d, struct my_conn *c, void *arg)
{
	struct get_arg *g = arg;
	char imsi[16];
	MYSQL_RES *res;
	MYSQL_ROW row;
	struct sb b = { 0 };
	int rc;

	if (!g->by_msisdn)
		return read_sub(d, c, g->key, false, g->out);
	sb_add(&b, "SELECT imsi FROM subscribers WHERE msisdn = ");
	sb_str(&b, c->h, g->key);
	sb_add(&b, " ORDER BY imsi LIMIT 1");
	rc = q(c, &b, "lookup by msisdn");
	sb_free(&b);
	if (rc)
		return rc;
	if (!(res = mysql_store_result(c->h)))
		return my_err(c->h, "lookup by msisdn");
	row = mysql_fetch_row(res);
	if (!row || !row[0] || strlen(row[0]) >= sizeof(imsi))
		rc = row ? hss_db_set_error(EIO, "mysql: corrupt IMSI for MSISDN %s", g->key)
		         : hss_db_set_error(ENOENT, "MSISDN %s not found", g->key);
	else
		strcpy(imsi, row[0]);
	mysql_free_result(res);
	return rc ? rc : read_sub(d, c, imsi, false, g->out);
}

static int get_common(struct hss_db *db, const char *key, bool by_msisdn, struct hss_sub *out)
{
	struct get_arg g = { key, by_msisdn, malloc(sizeof(struct hss_sub)) };
	int rc;

	if (!g.out)
		return ENOMEM;
	rc = run_tx(MY(db), body_get, &g, true);
	if (!rc)
		memcpy(out, g.out, sizeof(*out));
	free(g.out);
	return rc;
}

static int my_get_sub(struct hss_db *db, const char *imsi, struct hss_sub *out)
{
	return get_common(db, imsi, false, out);
}

static int my_get_sub_by_msisdn(struct hss_db *db, const char *msisdn, struct hss_sub *out)
{
	return get_common(db, msisdn, true, out);
}

struct put_arg {
	const struct hss_sub *sub;
	unsigned flags;
};

static int body_put(struct my_db *d, struct my_conn *c, void *arg)
{
	struct put_arg *p = arg;

	return write_sub(d, c, p->sub, p->flags, false);
}

static int my_put_sub(struct hss_db *db, const struct hss_sub *sub, unsigned flags)
{
	struct put_arg p = { sub, flags };

	return run_tx(MY(db), body_put, &p, true);
}

struct stream_arg {
	unsigned flags;
	hss_db_stream_fn next;
	void *arg;
	size_t n;
};

static int body_stream(struct my_db *d, struct my_conn *c, void *arg)
{
	struct stream_arg *s = arg;
	struct hss_sub *sub = malloc(sizeof(*sub));
	int rc;

	if (!sub)
		return ENOMEM;
	for (;;) {
		hss_sub_init(sub);
		if ((rc = s->next(s->arg, sub))) {
			if (rc == ENOENT)
				rc = 0;
			break;
		}
		if ((rc = write_sub(d, c, sub, s->flags, false)))
			break;
		s->n++;
	}
	free(sub);
	return rc;
}

static int my_put_stream(struct hss_db *db, unsigned flags, hss_db_stream_fn next, void *arg,
                         size_t *ret_n)
{
	struct stream_arg s = { flags, next, arg, 0 };
	/* not retried: the iterator cannot be rewound */
	int rc = run_tx(MY(db), body_stream, &s, false);

	if (!rc && ret_n)
		*ret_n = s.n;
	return rc;
}

struct update_arg {
	const char *imsi;
	const struct hss_db_kv *kv;
	size_t n;
	char *err;
	size_t errlen;
};

static int body_update(struct my_db *d, struct my_conn *c, void *arg)
{
	struct update_arg *u = arg;
	struct hss_sub *sub = malloc(sizeof(*sub));
	bool provisioned = false;
	size_t i;
	int rc;

	if (!sub)
		return ENOMEM;
	if ((rc = read_sub(d, c, u->imsi, true, sub)))
		goto out;
	for (i = 0; i < u->n; i++) {
		const struct hss_fdesc *f = hss_fdesc_find(u->kv[i].name);
		if ((rc = hss_sub_set(sub, u->kv[i].name, u->kv[i].value, u->err, u->errlen))) {
			hss_db_set_error(rc, "%s", u->err);
			goto out;
		}
		if (!f || !(f->flags & HSS_F_SERVING))
			provisioned = true;
	}
	if (provisioned && (rc = hss_sub_validate(sub, u->err, u->errlen))) {
		hss_db_set_error(rc, "%s", u->err);
		goto out;
	}
	rc = write_sub(d, c, sub, 0, true);
out:
	free(sub);
	return rc;
}

static int my_update(struct hss_db *db, const char *imsi, const struct hss_db_kv *kv, size_t n,
                     char *err, size_t errlen)
{
	struct update_arg u = { imsi, kv, n, err, errlen };
	int rc = run_tx(MY(db), body_update, &u, true);

	if (rc && rc != EINVAL)
		snprintf(err, errlen, "%s", hss_db_strerror());
	return rc;
}

static int body_del(struct my_db *d, struct my_conn *c, void *arg)
{
	const char *imsi = arg;
	static const char *const tables[] = { "apns", "serving", "subscribers" };
	struct sb b = { 0 };
	size_t i;
	int rc = 0;

	(void)d;
	for (i = 0; i < 3 && !rc; i++) {
		b.n = 0;
		sb_add(&b, "DELETE FROM %s WHERE imsi = ", tables[i]);
		sb_str(&b, c->h, imsi);
		rc = q(c, &b, "delete");
	}
	if (!rc && mysql_affected_rows(c->h) == 0)
		rc = hss_db_set_error(ENOENT, "IMSI %s not found", imsi);
	sb_free(&b);
	return rc;
}

static int my_del_sub(struct hss_db *db, const char *imsi)
{
	return run_tx(MY(db), body_del, (void *)imsi, true);
}

/* One page of IMSIs for hss_db_list_subs (db.c), on a connection held only for the query. */
static int my_list_imsis(struct hss_db *db, const char *after, uint64_t offset, size_t want,
                         char (*out)[16], size_t *ret_n)
{
	struct my_db *d = MY(db);
	struct my_conn *c;
	struct sb b = { 0 };
	MYSQL_RES *res = NULL;
	MYSQL_ROW row;
	size_t n = 0;
	int rc;

	if ((rc = conn_get(d, &c)))
		return rc;
	sb_add(&b, "SELECT imsi FROM subscribers WHERE imsi > ");
	sb_str(&b, c->h, after);
	if (!after[0]) {   /* '' became NULL: compare with the empty string instead */
		b.n = 0;
		sb_add(&b, "SELECT imsi FROM subscribers WHERE imsi > ''");
	}
	sb_add(&b, " ORDER BY imsi LIMIT %zu OFFSET %" PRIu64, want, offset);
	if (!(rc = q(c, &b, "list")) && !(res = mysql_store_result(c->h)))
		rc = my_err(c->h, "list");
	while (!rc && (row = mysql_fetch_row(res)) && n < want)
		if (row[0] && strlen(row[0]) < 16)
			strcpy(out[n++], row[0]);
	if (res)
		mysql_free_result(res);
	sb_free(&b);
	conn_put(d, c, rc);
	if (!rc)
		*ret_n = n;
	return rc;
}

static int my_count(struct hss_db *db, uint64_t *ret)
{
	struct my_db *d = MY(db);
	struct my_conn *c;
	MYSQL_RES *res;
	MYSQL_ROW row;
	int rc;

	if ((rc = conn_get(d, &c)))
		return rc;
	if (!(rc = qs(c, "SELECT COUNT(*) FROM subscribers", "count"))) {
		if ((res = mysql_store_result(c->h)) && (row = mysql_fetch_row(res)) && row[0])
			*ret = strtoull(row[0], NULL, 10);
		else
			rc = my_err(c->h, "count");
		if (res)
			mysql_free_result(res);
	}
	conn_put(d, c, rc);
	return rc;
}

struct sqn_arg {
	const char *imsi;
	unsigned n;
	hss_db_sqn_next_fn next;
	const uint64_t *resync;
	struct hss_auth_data a;
};

static int body_sqn(struct my_db *d, struct my_conn *c, void *arg)
{
	struct sqn_arg *s = arg;
	struct sb b = { 0 };
	MYSQL_RES *res = NULL;
	MYSQL_ROW row;
	int64_t ind = 0;
	unsigned long long sq = 0;
	uint64_t x;
	unsigned i;
	char *end;
	int rc;

	(void)d;
	memset(&s->a, 0, sizeof(s->a));
	sb_add(&b, "SELECT k, op, op_is_opc, amf, ind_bits, sqn FROM subscribers WHERE imsi = ");
	sb_str(&b, c->h, s->imsi);
	sb_add(&b, " FOR UPDATE");
	if ((rc = q(c, &b, "read auth data")))
		goto out;
	if (!(res = mysql_store_result(c->h))) {
		rc = my_err(c->h, "read auth data");
		goto out;
	}
	if (!(row = mysql_fetch_row(res))) {
		rc = hss_db_set_error(ENOENT, "IMSI %s not found", s->imsi);
		goto out;
	}
	if (row[5]) {
		errno = 0;
		sq = strtoull(row[5], &end, 10);
	}
	if (!row[0] || !row[1] || !row[2] || !row[3] || !row[4] || !row[5] || errno || *end ||
	    hss_hex_decode(row[0], s->a.k, 16) || hss_hex_decode(row[1], s->a.op, 16) ||
	    hss_hex_decode(row[3], s->a.amf, 2) || parse_num(row[4], 0, 16, &ind) ||
	    sq > HSS_DB_SQN_MAX) {
		rc = hss_db_set_error(EIO, "mysql: corrupt authentication data for IMSI %s", s->imsi);
		goto out;
	}
	s->a.opc = atoi(row[2]) != 0;
	s->a.ind_bits = (uint32_t)ind;
	/* Re-synchronisation never moves the counter back (see db_sqlite.c): a replayed AUTS
	 * must not make SQNs already handed out be handed out again. */
	s->a.sqn_prev = s->resync && *s->resync > (uint64_t)sq ? *s->resync : (uint64_t)sq;
	for (x = s->a.sqn_prev, i = 0; i < s->n; i++)
		s->a.sqn[i] = x = s->next(x, s->a.ind_bits) & HSS_DB_SQN_MAX;
	s->a.n = s->n;
	b.n = 0;
	sb_add(&b, "UPDATE subscribers SET sqn = %" PRIu64 " WHERE imsi = ", x);
	sb_str(&b, c->h, s->imsi);
	rc = q(c, &b, "store sqn");
out:
	if (res)
		mysql_free_result(res);
	sb_free(&b);
	return rc;
}

static int my_sqn_reserve(struct hss_db *db, const char *imsi, unsigned n, hss_db_sqn_next_fn next,
                          const uint64_t *resync, struct hss_auth_data *ret)
{
	struct sqn_arg s = { imsi, n, next, resync };
	int rc = run_tx(MY(db), body_sqn, &s, true);

	if (!rc)
		*ret = s.a;
	explicit_bzero(&s.a, sizeof(s.a));   /* K and OP/OPc: only the caller's copy remains */
	return rc;
}

struct sqnset_arg {
	const char *imsi;
	uint64_t sqn;
};

static int body_sqnset(struct my_db *d, struct my_conn *c, void *arg)
{
	struct sqnset_arg *s = arg;
	struct sb b = { 0 };
	int rc;

	(void)d;
	sb_add(&b, "UPDATE subscribers SET sqn = %" PRIu64 " WHERE imsi = ", s->sqn);
	sb_str(&b, c->h, s->imsi);
	rc = q(c, &b, "store sqn");
	if (!rc && mysql_affected_rows(c->h) == 0)   /* CLIENT_FOUND_ROWS: matched rows */
		rc = hss_db_set_error(ENOENT, "IMSI %s not found", s->imsi);
	sb_free(&b);
	return rc;
}

static int my_sqn_set(struct hss_db *db, const char *imsi, uint64_t sqn)
{
	struct sqnset_arg s = { imsi, sqn };

	return run_tx(MY(db), body_sqnset, &s, true);
}

struct srv_arg {
	const char *imsi;
	const struct hss_db_serving_upd *u;
	struct hss_serving old;
	enum hss_node node;
	const char *host;
	bool purge, matched;
};

static int body_serving(struct my_db *d, struct my_conn *c, void *arg)
{
	struct srv_arg *a = arg;
	struct hss_sub *sub = malloc(sizeof(*sub));
	struct hss_serving *s;
	int rc;

	if (!sub)
		return ENOMEM;
	if ((rc = read_sub(d, c, a->imsi, true, sub)))
		goto out;
	s = &sub->serving;
	a->old = *s;
	if (a->purge) {
		const char *cur = a->node == HSS_NODE_MME ? s->mme_host : s->sgsn_host;
		a->matched = !a->host || !strcasecmp(a->host, cur);
		if (a->matched && a->node == HSS_NODE_MME)
			s->mme_purged = true;
		else if (a->matched)
			s->sgsn_purged = true;
	} else {
		hss_serving_apply(s, a->u);
	}
	rc = write_serving(d, c, sub);
out:
	free(sub);
	return rc;
}

static int my_set_serving(struct hss_db *db, const char *imsi, const struct hss_db_serving_upd *u,
                          struct hss_serving *ret_old)
{
	struct srv_arg *a = calloc(1, sizeof(*a));
	int rc;

	if (!a)
		return ENOMEM;
	a->imsi = imsi;
	a->u = u;
	if (!(rc = run_tx(MY(db), body_serving, a, true)) && ret_old)
		*ret_old = a->old;
	free(a);
	return rc;
}

static int my_set_purged(struct hss_db *db, const char *imsi, enum hss_node node, const char *host,
                         bool *ret_matched)
{
	struct srv_arg *a = calloc(1, sizeof(*a));
	int rc;

	if (!a)
		return ENOMEM;
	a->imsi = imsi;
	a->purge = true;
	a->node = node;
	a->host = host;
	if (!(rc = run_tx(MY(db), body_serving, a, true)) && ret_matched)
		*ret_matched = a->matched;
	free(a);
	return rc;
}

const struct hss_db_ops hss_db_mysql_ops = {
	.name = "mysql",
	.caps = HSS_DB_CAP_MULTI_PROCESS | HSS_DB_CAP_ATOMIC_STREAM | HSS_DB_CAP_MSISDN |
	        HSS_DB_CAP_MIGRATIONS,
	.open = my_open,
	.close = my_close,
	.get_sub = my_get_sub,
	.get_sub_by_msisdn = my_get_sub_by_msisdn,
	.put_sub = my_put_sub,
	.put_stream = my_put_stream,
	.update = my_update,
	.del_sub = my_del_sub,
	.list_imsis = my_list_imsis,
	.count = my_count,
	.sqn_reserve = my_sqn_reserve,
	.sqn_set = my_sqn_set,
	.set_serving = my_set_serving,
	.set_purged = my_set_purged,
};

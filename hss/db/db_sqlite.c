/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_sqlite.c: the SQLite reference backend: URI options, opening (migrations), statements
 * cached per connection, transactions and errors. The subscriber primitives are db_sql.c's;
 * the file under the pool is db_sqlite_file.c's.
 *
 * Concurrency: every write runs under BEGIN IMMEDIATE (the write lock is taken before
 * anything is read, so a read-modify-write such as the SQN reservation cannot interleave,
 * also across processes), in WAL mode so readers do not block the writer. synchronous=FULL:
 * a committed SQN survives a power loss, else a vector could be handed out twice after a
 * crash.
 *
 * URI: "PATH[?pool=N&busy_timeout=MS&sync=full|normal&cache_mb=N&mmap_mb=N]" (pool:
 * connections for reads, default 8, besides the writer's; cache_mb: page cache per
 * connection, default 32; mmap_mb: MB of the file read through a memory map, default 0).
 * ":memory:" forces pool=1.
 */
#include "db_sqlite.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const own_sql[SQ_OWN] = {
	[SQ_BEGIN] = "BEGIN", [SQ_BEGIN_IMM] = "BEGIN IMMEDIATE", [SQ_COMMIT] = "COMMIT",
	[SQ_ROLLBACK] = "ROLLBACK",
};

int db_sqlite_err(struct sq_conn *c, const char *what)
{
	sqlite3 *h = c ? c->h : NULL;
	struct hss_db *db = c ? c->db : NULL;
	struct hss_pconn *pc = c ? c->pc : NULL;
	int x = h ? sqlite3_extended_errcode(h) : SQLITE_ERROR;
	const char *m = h ? sqlite3_errmsg(h) : "no connection";
	const char *path = db ? SQB(db)->path : "?";

	switch (x & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return hss_db_set_error(ETIMEDOUT, "sqlite: %s: database locked for more than %u ms "
		                        "(by another process, or another operation waits for it)",
		                        what, db ? db->opts.timeout_ms : 0);
	case SQLITE_READONLY:
		if (pc) {
			pc->broken = true;
			pc->poison = x != SQLITE_READONLY_DBMOVED;
		}
		if (x == SQLITE_READONLY_DBMOVED)
			return hss_db_set_error(ESTALE, "sqlite: %s: '%s' was moved or deleted while "
			                        "open", what, path);
		return hss_db_set_error(EROFS, "sqlite: %s: '%s' is read-only: %s", what, path, m);
	case SQLITE_FULL:
		return hss_db_set_error(ENOSPC, "sqlite: %s: disk full: %s", what, m);
	case SQLITE_CONSTRAINT:
		if (x == SQLITE_CONSTRAINT_PRIMARYKEY || x == SQLITE_CONSTRAINT_UNIQUE)
			return hss_db_set_error(EEXIST, "sqlite: %s: %s", what, m);
		break;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_PROTOCOL:
		if (pc)
			pc->broken = true;
		break;
	default:
		break;
	}
	return hss_db_set_error(EIO, "sqlite: %s: %s", what, m);
}

/* The cached statement id of c, reset; NULL with the error set. */
static sqlite3_stmt *stmt(struct hss_db *db, struct sq_conn *c, int id)
{
	const char *sql = id < SQ_OWN ? own_sql[id] : db->sql[id - SQ_OWN];

	if (c->st[id])
		return c->st[id];
	if (sqlite3_prepare_v3(c->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &c->st[id], NULL) !=
	    SQLITE_OK) {
		db_sqlite_err(c, "prepare");
		return NULL;
	}
	return c->st[id];
}

static int step_own(struct hss_db_tx *tx, int id, const char *what)
{
	struct sq_conn *c = tx->pc->h;
	sqlite3_stmt *st = stmt(tx->db, c, id);
	int rc;

	if (!st)
		return EIO;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : db_sqlite_err(c, what);
}

static int sq_begin(struct hss_db_tx *tx)
{
	int rc = step_own(tx, tx->write ? SQ_BEGIN_IMM : SQ_BEGIN, "begin");

	/* the write lock was had: whatever held the database let it go */
	if (!rc && tx->write)
		hss_pool_lock_clear(tx->db);
	return rc;
}

static int sq_commit(struct hss_db_tx *tx)
{
	return step_own(tx, SQ_COMMIT, "commit");
}

static void sq_rollback(struct hss_db_tx *tx)
{
	struct sq_conn *c = tx->pc->h;

	/* also after a failed COMMIT: the transaction may still be open */
	if (c && c->h && !sqlite3_get_autocommit(c->h))
		(void)step_own(tx, SQ_ROLLBACK, "rollback");
}

/* v in decimal into buf (24 octets are enough for any int64); snprintf's format parsing was
 * 1.4% of the HSS's CPU under ULR load (a subscriber with four APNs has ~40 integer columns). */
static const char *i64_text(sqlite3_int64 v, char buf[24])
{
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	char *p = buf + 23;

	*p = 0;
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10));
	if (v < 0)
		*--p = '-';
	return p;
}

static int sq_exec(struct hss_db_tx *tx, int id, const struct hss_sql_arg *a, size_t n,
                   int (*row)(void *, const char *const *, size_t), void *row_arg,
                   uint64_t *ret_rows)
{
	struct sq_conn *c = tx->pc->h;
	sqlite3_stmt *st = stmt(tx->db, c, SQ_OWN + id);
	const char *cols[64];
	char num[64][24];
	size_t i, ncol;
	int s, rc = 0;

	if (!st)
		return EIO;
	for (i = 0; i < n; i++)
		if (a[i].v)
			sqlite3_bind_text(st, (int)i + 1, a[i].v, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, (int)i + 1);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (!row)
			continue;
		ncol = (size_t)sqlite3_column_count(st);
		if (ncol > 64)
			ncol = 64;
		/* integers formatted here: sqlite3_column_text would allocate a text for each */
		for (i = 0; i < ncol; i++)
			switch (sqlite3_column_type(st, (int)i)) {
			case SQLITE_INTEGER:
				cols[i] = i64_text(sqlite3_column_int64(st, (int)i), num[i]);
				break;
			case SQLITE_NULL:
				cols[i] = NULL;
				break;
			default:
				cols[i] = (const char *)sqlite3_column_text(st, (int)i);
			}
		if ((rc = row(row_arg, cols, ncol)))
			break;
	}
	if (!rc && s != SQLITE_DONE)
		rc = db_sqlite_err(c, hss_sql_what(id));
	if (!rc && ret_rows)
		*ret_rows = (uint64_t)sqlite3_changes(c->h);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);   /* no pointer to the caller's texts stays behind */
	return rc;
}

/* ---- open / close --------------------------------------------------------------------- */

static void sq_close(struct hss_db *db)
{
	struct sq_be *b = SQB(db);

	if (!b)
		return;
	if (b->setup) {
		db_sqlite_close_conn(b->setup, false);
		free(b->setup);
	}
	free(b->path);
	free(b->wal_path);
	free(b);
	db->be = NULL;
}

static int parse_opts(struct hss_db *db, char *q, char *err, size_t errlen)
{
	struct sq_be *b = SQB(db);
	char *tok, *save = NULL;

	for (tok = strtok_r(q, "&", &save); tok; tok = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(tok, '='), *end;
		long v;

		if (!eq) {
			snprintf(err, errlen, "sqlite: option '%s' is not key=value", tok);
			return EINVAL;
		}
		*eq++ = 0;
		if (!strcmp(tok, "sync")) {
			if (strcmp(eq, "full") && strcmp(eq, "normal")) {
				snprintf(err, errlen, "sqlite: option sync=%s: expected full or normal", eq);
				return EINVAL;
			}
			b->sync_full = !strcmp(eq, "full");
			continue;
		}
		v = strtol(eq, &end, 10);
		if (!*eq || *end || v < 0) {
			snprintf(err, errlen, "sqlite: option %s=%s: not a number", tok, eq);
			return EINVAL;
		}
		if (!strcmp(tok, "pool") && v >= 1 && v <= 64)
			db->npool = (unsigned)v;
		else if (!strcmp(tok, "busy_timeout") && v >= 1 && v <= 600000)
			db->opts.timeout_ms = (unsigned)v;   /* the older name of the open timeout */
		else if (!strcmp(tok, "max_schema"))
			b->max_schema = (int)v;
		else if (!strcmp(tok, "mmap_mb") && v <= 65536)
			b->mmap_size = (unsigned long long)v << 20;
		else if (!strcmp(tok, "cache_mb") && v >= 1 && v <= 65536)
			b->cache_mb = (unsigned)v;
		else {
			snprintf(err, errlen, "sqlite: unknown option or value out of range: %s=%s "
			         "(pool=1..64, busy_timeout=1..600000 ms, sync=full|normal, cache_mb=1..65536, "
			         "mmap_mb=0..65536)", tok, eq);
			return EINVAL;
		}
	}
	return 0;
}

static int sq_open(struct hss_db *db, const char *uri, char *err, size_t errlen)
{
	struct sq_be *b;
	struct sq_conn *c = NULL;
	bool create = db->opts.flags & HSS_DB_OPEN_CREATE;
	char *q;
	int rc;

	if (!(b = calloc(1, sizeof(*b))))
		return ENOMEM;
	db->be = b;
	b->sync_full = true;
	b->mmap_size = 0;   /* a commit of another connection unmaps it: see README */
	b->cache_mb = 32;
	db->npool = 8;
	db->writers = 1;     /* SQLite takes one writer at a time */
	if (!(b->path = strdup(uri))) {
		rc = ENOMEM;
		goto fail;
	}
	if ((q = strchr(b->path, '?'))) {
		*q++ = 0;
		if ((rc = parse_opts(db, q, err, errlen)))
			goto fail;
	}
	if (!b->path[0]) {
		snprintf(err, errlen, "sqlite: empty database path");
		rc = EINVAL;
		goto fail;
	}
	if (!strcmp(b->path, ":memory:")) {
		b->memory = true;
		db->npool = 1;   /* each connection would see its own empty database */
	}
	if (!(b->wal_path = malloc(strlen(b->path) + 5)) || !(c = calloc(1, sizeof(*c)))) {
		rc = ENOMEM;
		goto fail;
	}
	sprintf(b->wal_path, "%s-wal", b->path);
	if (!b->memory && !create && access(b->path, F_OK) && errno == ENOENT) {
		snprintf(err, errlen, "sqlite: database file '%s' does not exist: create it with "
		         "`hssctl init` (the HSS never creates its database)", b->path);
		rc = EIO;
		goto fail;
	}
	c->deadline = hss_now_ms() + db->opts.timeout_ms;   /* for the migrations below */
	if ((rc = db_sqlite_open_conn(db, c, create ? DB_SQLITE_CHECK_NONE :
	                              DB_SQLITE_CHECK_EXISTS))) {
		snprintf(err, errlen, "%s", hss_db_strerror());
		rc = EIO;
		goto fail;
	}
	/* WAL is a property of the file: set once, readers then never block the writer */
	if (!b->memory &&
	    sqlite3_exec(c->h, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "sqlite: '%s': cannot enable WAL: %s", b->path,
		         sqlite3_errmsg(c->h));
		rc = EIO;
		goto fail;
	}
	if ((rc = db_sqlite_migrate(db, c->h, err, errlen)))
		goto fail;
	if (b->memory) {
		b->setup = c;    /* the pool's one connection: it holds the database */
	} else {
		db_sqlite_close_conn(c, false);
		free(c);
	}
	return 0;
fail:
	if (c) {
		db_sqlite_close_conn(c, false);
		free(c);
	}
	sq_close(db);
	return rc;
}

static const struct hss_sql_dialect sq_dialect = {
	.lock_suffix = "",   /* BEGIN IMMEDIATE already holds the database's write lock */
};

const struct hss_db_driver hss_db_sqlite_driver = {
	.name = "sqlite",
	.caps = HSS_DB_CAP_MULTI_PROCESS | HSS_DB_CAP_ATOMIC_STREAM | HSS_DB_CAP_MSISDN |
	        HSS_DB_CAP_MIGRATIONS | HSS_DB_CAP_RECORDS,
	.open = sq_open,
	.close = sq_close,
	.conn_open = db_sqlite_conn_open,
	.conn_close = db_sqlite_conn_close,
	.watch = db_sqlite_watch,
	.retire = db_sqlite_retire,
	.conn_usable = db_sqlite_conn_usable,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.sub_read = hss_sql_sub_read,
	.sub_write = hss_sql_sub_write,
	.sub_delete = hss_sql_sub_delete,
	.sub_by_msisdn = hss_sql_sub_by_msisdn,
	.sub_page = hss_sql_sub_page,
	.sub_count = hss_sql_sub_count,
	.rec_read = db_sqlite_rec_read,
	.rec_insert = db_sqlite_rec_insert,
	.rec_update = db_sqlite_rec_update,
	.rec_delete = db_sqlite_rec_delete,
	.rec_page = db_sqlite_rec_page,
	.sql = &sq_dialect,
	.sql_exec = sq_exec,
};

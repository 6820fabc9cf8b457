/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_sqlite.c: the SQLite reference backend of hss/db/.
 *
 * Concurrency: a handle owns a small pool of connections (default 4, "?pool=N"); each call
 * takes one connection for its whole duration, so a transaction never mixes with another
 * thread's, and each connection caches its prepared statements. Between processes, every
 * write runs under BEGIN IMMEDIATE (the write lock is taken before anything is read, so a
 * read-modify-write such as the SQN reservation cannot interleave) with a busy timeout, in
 * WAL mode so readers do not block the writer. synchronous=FULL: a committed SQN survives
 * a power loss, else a vector could be handed out twice after a crash.
 *
 * URI: "PATH[?pool=N&busy_timeout=MS&sync=full|normal]". ":memory:" forces pool=1.
 */
#include "db_sqlite.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define APN_COLS "ctx_id, apn, pdn_type, qci, arp_prio, preempt_cap, preempt_vuln, ambr_ul, " \
	"ambr_dl, static_ipv4, static_ipv6, pgw_alloc, vplmn_dyn, pgw_host, pgw_realm"

/* Errors of a connection (errno, message, broken mark): db_sqlite_conn.c. */
#define sq_err db_sqlite_err

/* Errors on a bare handle (opening, migrations). */
static int sq_errh(sqlite3 *h, const char *what)
{
	return hss_db_set_error(EIO, "sqlite: %s: %s", what, h ? sqlite3_errmsg(h) : "no connection");
}

/* ---- statement texts ---------------------------------------------------------------- */

static char *str_cat(char *s, const char *add)
{
	size_t a = s ? strlen(s) : 0, b = strlen(add);
	char *n = realloc(s, a + b + 1);

	if (!n) {
		free(s);
		return NULL;
	}
	memcpy(n + a, add, b + 1);
	return n;
}

/* "c1, c2, ..." with an optional prefix per column ("excluded.") or assignment form */
static char *col_list(const struct hss_fdesc *const *cols, size_t n, const char *fmt)
{
	char *s = strdup(""), buf[160];
	size_t i;

	for (i = 0; s && i < n; i++) {
		snprintf(buf, sizeof(buf), fmt, i ? ", " : "", cols[i]->name, cols[i]->name);
		s = str_cat(s, buf);
	}
	return s;
}

static int build_sql(struct sq_db *d)
{
	const struct hss_fdesc *f;
	char *sc = NULL, *svc = NULL, *ph = NULL, *upd = NULL, *upd_keep = NULL, *svset = NULL;
	char buf[4096];
	size_t i;
	int rc = ENOMEM;

	for (f = hss_fdescs; f->name; f++) {
		if (f->flags & HSS_F_NOSTORE)
			continue;
		if (f->flags & HSS_F_SERVING)
			d->srv_cols[d->n_srv_cols++] = f;
		else
			d->sub_cols[d->n_sub_cols++] = f;
	}
	sc = col_list(d->sub_cols, d->n_sub_cols, "%s%s");
	svc = col_list(d->srv_cols, d->n_srv_cols, "%s%s");
	upd = col_list(d->sub_cols + 1, d->n_sub_cols - 1, "%s%s = excluded.%s");
	svset = col_list(d->srv_cols, d->n_srv_cols, "%s%s = ?");
	ph = strdup("?");
	for (i = 1; ph && i < d->n_sub_cols; i++)
		ph = str_cat(ph, ", ?");
	/* the same update list without sqn: an existing subscriber keeps its counter */
	upd_keep = strdup("");
	for (i = 1; upd_keep && i < d->n_sub_cols; i++) {
		if (!strcmp(d->sub_cols[i]->name, "sqn"))
			continue;
		snprintf(buf, sizeof(buf), "%s%s = excluded.%s", upd_keep[0] ? ", " : "",
		         d->sub_cols[i]->name, d->sub_cols[i]->name);
		upd_keep = str_cat(upd_keep, buf);
	}
	if (!sc || !svc || !upd || !svset || !ph || !upd_keep)
		goto out;

#define SETSQL(id, ...) do { \
		snprintf(buf, sizeof(buf), __VA_ARGS__); \
		if (!(d->sql[id] = strdup(buf))) \
			goto out; \
	} while (0)
	SETSQL(ST_BEGIN, "BEGIN");
	SETSQL(ST_BEGIN_IMM, "BEGIN IMMEDIATE");
	SETSQL(ST_COMMIT, "COMMIT");
	SETSQL(ST_ROLLBACK, "ROLLBACK");
	SETSQL(ST_SEL_SUB, "SELECT %s FROM subscribers WHERE imsi = ?", sc);
	SETSQL(ST_SEL_MSISDN, "SELECT imsi FROM subscribers WHERE msisdn = ? ORDER BY imsi LIMIT 1");
	SETSQL(ST_SEL_APNS, "SELECT " APN_COLS " FROM apns WHERE imsi = ? ORDER BY ctx_id");
	SETSQL(ST_SEL_SERVING, "SELECT %s FROM serving WHERE imsi = ?", svc);
	SETSQL(ST_EXISTS, "SELECT 1 FROM subscribers WHERE imsi = ?");
	SETSQL(ST_UPSERT_SUB, "INSERT INTO subscribers (%s) VALUES (%s) ON CONFLICT (imsi) DO UPDATE "
	       "SET %s", sc, ph, upd);
	SETSQL(ST_UPSERT_SUB_KEEPSQN, "INSERT INTO subscribers (%s) VALUES (%s) ON CONFLICT (imsi) "
	       "DO UPDATE SET %s", sc, ph, upd_keep);
	SETSQL(ST_DEL_APNS, "DELETE FROM apns WHERE imsi = ?");
	SETSQL(ST_INS_APN, "INSERT INTO apns (imsi, " APN_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
	       "?, ?, ?, ?, ?, ?, ?)");
	SETSQL(ST_INS_SERVING, "INSERT OR IGNORE INTO serving (imsi) VALUES (?)");
	SETSQL(ST_UPD_SERVING, "UPDATE serving SET %s WHERE imsi = ?", svset);
	SETSQL(ST_DEL_SUB, "DELETE FROM subscribers WHERE imsi = ?");
	SETSQL(ST_DEL_SERVING, "DELETE FROM serving WHERE imsi = ?");
	SETSQL(ST_LIST, "SELECT imsi FROM subscribers WHERE imsi > ? ORDER BY imsi LIMIT ? OFFSET ?");
	SETSQL(ST_COUNT, "SELECT count(*) FROM subscribers");
	SETSQL(ST_SEL_AUTH, "SELECT k, op, op_is_opc, amf, ind_bits, sqn FROM subscribers WHERE "
	       "imsi = ?");
	SETSQL(ST_SET_SQN, "UPDATE subscribers SET sqn = ? WHERE imsi = ?");
#undef SETSQL
	rc = 0;
out:
	free(sc);
	free(svc);
	free(ph);
	free(upd);
	free(upd_keep);
	free(svset);
	return rc;
}

/* ---- statements and transactions ----------------------------------------------------- */

/* The cached statement, reset and unbound; NULL with the error set. */
static sqlite3_stmt *stmt(struct sq_db *d, struct sq_conn *c, int id)
{
	if (!c->st[id]) {
		if (sqlite3_prepare_v3(c->h, d->sql[id], -1, SQLITE_PREPARE_PERSISTENT, &c->st[id],
		                       NULL) != SQLITE_OK) {
			sq_err(c, "prepare");
			return NULL;
		}
	} else {
		sqlite3_reset(c->st[id]);
		sqlite3_clear_bindings(c->st[id]);
	}
	return c->st[id];
}

/* Run a statement that returns no rows. */
static int exec_st(struct sq_conn *c, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return sq_err(c, what);
	return 0;
}

static int tx_begin(struct sq_db *d, struct sq_conn *c, bool write)
{
	sqlite3_stmt *st;
	int rc;

	if (write && (rc = db_sqlite_write_lock(d, c)))
		return rc;
	st = stmt(d, c, write ? ST_BEGIN_IMM : ST_BEGIN);
	rc = st ? exec_st(c, st, "begin") : EIO;
	if (rc)
		db_sqlite_write_unlock(d, c);
	else if (write)   /* the write lock was had: whatever held the database let it go */
		atomic_store(&d->locked, false);
	return rc;
}

static int tx_end(struct sq_db *d, struct sq_conn *c, int rc)
{
	sqlite3_stmt *st;

	if (rc == 0) {
		if (!(st = stmt(d, c, ST_COMMIT)))
			rc = EIO;
		else if (!(rc = exec_st(c, st, "commit"))) {
			db_sqlite_write_unlock(d, c);
			return 0;
		}
	}
	/* ROLLBACK also after a failed COMMIT: the transaction may still be open */
	if (!sqlite3_get_autocommit(c->h) && (st = stmt(d, c, ST_ROLLBACK)))
		sqlite3_step(st), sqlite3_reset(st);
	db_sqlite_write_unlock(d, c);
	return rc;
}

/* ---- columns <-> struct ------------------------------------------------------------- */

static int bind_text_opt(sqlite3_stmt *st, int i, const char *s)
{
	return *s ? sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st, i);
}

static int bind_field(sqlite3_stmt *st, int i, const struct hss_fdesc *f, const struct hss_sub *sub)
{
	const char *p = (const char *)sub + f->off;
	char buf[1024];

	switch (f->kind) {
	case HSS_FK_DIGITS:
	case HSS_FK_STR:
	case HSS_FK_HEXSTR:
	case HSS_FK_PLMN:
		return bind_text_opt(st, i, p);
	case HSS_FK_HEX:
		if (2 * f->size + 1 > sizeof(buf))
			return SQLITE_ERROR;
		hss_hex_encode((const uint8_t *)p, f->size, buf);
		return sqlite3_bind_text(st, i, buf, -1, SQLITE_TRANSIENT);
	case HSS_FK_PLMNS:
		hss_plmns_format(sub, buf, sizeof(buf));
		return bind_text_opt(st, i, buf);
	case HSS_FK_U32:
	case HSS_FK_ENUM:
		return sqlite3_bind_int64(st, i, *(const uint32_t *)p);
	case HSS_FK_U64:
		return sqlite3_bind_int64(st, i, (sqlite3_int64)*(const uint64_t *)p);
	case HSS_FK_I32:
		return sqlite3_bind_int64(st, i, *(const int32_t *)p);
	case HSS_FK_I64:
		return sqlite3_bind_int64(st, i, *(const int64_t *)p);
	case HSS_FK_BOOL:
		return sqlite3_bind_int(st, i, *(const bool *)p);
	case HSS_FK_APNS:
		break;
	}
	return SQLITE_ERROR;
}

/* Load column i into the field. What is in the file is input like any other: a value that
 * does not fit is reported (EIO naming the column), never trusted. */
static int col_field(sqlite3_stmt *st, int i, const struct hss_fdesc *f, struct hss_sub *sub)
{
	char *p = (char *)sub + f->off;
	const char *t = (const char *)sqlite3_column_text(st, i);
	sqlite3_int64 v = sqlite3_column_int64(st, i);
	char err[256];

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
		if (v < 0 || v > UINT32_MAX)
			goto bad;
		*(uint32_t *)p = (uint32_t)v;
		return 0;
	case HSS_FK_U64:
		if (v < 0)
			goto bad;
		*(uint64_t *)p = (uint64_t)v;
		return 0;
	case HSS_FK_I32:
		if (v < INT32_MIN || v > INT32_MAX)
			goto bad;
		*(int32_t *)p = (int32_t)v;
		return 0;
	case HSS_FK_I64:
		*(int64_t *)p = v;
		return 0;
	case HSS_FK_BOOL:
		*(bool *)p = v != 0;
		return 0;
	case HSS_FK_APNS:
		break;
	}
bad:
	/* K and OP/OPc (HSS_FK_HEX) are secrets: never copied into a message that gets logged */
	return hss_db_set_error(EIO, "sqlite: corrupt value '%.40s' in column '%s' of IMSI %s",
	                        f->kind == HSS_FK_HEX ? "(hidden)" : t, f->name, sub->imsi);
}

static int col_str(sqlite3_stmt *st, int i, char *dst, size_t size)
{
	const char *t = (const char *)sqlite3_column_text(st, i);

	if (!t)
		t = "";
	if (strlen(t) >= size)
		return EIO;
	strcpy(dst, t);
	return 0;
}

static int read_apns(struct sq_db *d, struct sq_conn *c, const char *imsi, struct hss_sub *out)
{
	sqlite3_stmt *st = stmt(d, c, ST_SEL_APNS);
	int rc = 0, s;

	if (!st)
		return EIO;
	out->n_apns = 0;
	sqlite3_bind_text(st, 1, imsi, -1, SQLITE_STATIC);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		struct hss_apn *a;

		if (out->n_apns == HSS_DB_MAX_APNS) {
			rc = hss_db_set_error(EIO, "sqlite: IMSI %s has more than %d APNs", imsi,
			                      HSS_DB_MAX_APNS);
			goto out;
		}
		a = &out->apns[out->n_apns++];
		hss_apn_init(a);
		a->ctx_id = (uint32_t)sqlite3_column_int64(st, 0);
		a->pdn_type = (uint32_t)sqlite3_column_int64(st, 2);
		a->qci = (uint32_t)sqlite3_column_int64(st, 3);
		a->arp_prio = (uint32_t)sqlite3_column_int64(st, 4);
		a->preempt_cap = sqlite3_column_int(st, 5) != 0;
		a->preempt_vuln = sqlite3_column_int(st, 6) != 0;
		a->ambr_ul = (uint32_t)sqlite3_column_int64(st, 7);
		a->ambr_dl = (uint32_t)sqlite3_column_int64(st, 8);
		a->pgw_alloc = (uint32_t)sqlite3_column_int64(st, 11);
		a->vplmn_dyn = sqlite3_column_int(st, 12) != 0;
		if (col_str(st, 1, a->apn, sizeof(a->apn)) ||
		    col_str(st, 9, a->static_ipv4, sizeof(a->static_ipv4)) ||
		    col_str(st, 10, a->static_ipv6, sizeof(a->static_ipv6)) ||
		    col_str(st, 13, a->pgw_host, sizeof(a->pgw_host)) ||
		    col_str(st, 14, a->pgw_realm, sizeof(a->pgw_realm))) {
			rc = hss_db_set_error(EIO, "sqlite: corrupt APN row for IMSI %s", imsi);
			goto out;
		}
	}
	if (s != SQLITE_DONE)
		rc = sq_err(c, "read apns");
out:
	sqlite3_reset(st);
	return rc;
}

/* Read everything about one subscriber (call inside a transaction for a consistent view). */
static int read_sub(struct sq_db *d, struct sq_conn *c, const char *imsi, struct hss_sub *out)
{
	sqlite3_stmt *st;
	size_t i;
	int rc = 0, s;

	hss_sub_init(out);
	if (!(st = stmt(d, c, ST_SEL_SUB)))
		return EIO;
	sqlite3_bind_text(st, 1, imsi, -1, SQLITE_STATIC);
	s = sqlite3_step(st);
	if (s == SQLITE_DONE) {
		rc = hss_db_set_error(ENOENT, "IMSI %s not found", imsi);
		goto out;
	}
	if (s != SQLITE_ROW) {
		rc = sq_err(c, "read subscriber");
		goto out;
	}
	/* imsi first so messages about later columns can name it */
	for (i = 0; i < d->n_sub_cols && !rc; i++)
		rc = col_field(st, (int)i, d->sub_cols[i], out);
	sqlite3_reset(st);
	if (rc)
		goto out;

	if (!(st = stmt(d, c, ST_SEL_SERVING)))
		return EIO;
	sqlite3_bind_text(st, 1, imsi, -1, SQLITE_STATIC);
	s = sqlite3_step(st);
	if (s == SQLITE_ROW) {
		for (i = 0; i < d->n_srv_cols && !rc; i++)
			rc = col_field(st, (int)i, d->srv_cols[i], out);
	} else if (s != SQLITE_DONE) {
		rc = sq_err(c, "read serving state");
	}
	sqlite3_reset(st);
	if (rc)
		goto out;
	rc = read_apns(d, c, imsi, out);
out:
	if (st)
		sqlite3_reset(st);
	return rc;
}

static int sub_exists(struct sq_db *d, struct sq_conn *c, const char *imsi, bool *ret)
{
	sqlite3_stmt *st = stmt(d, c, ST_EXISTS);
	int s;

	if (!st)
		return EIO;
	sqlite3_bind_text(st, 1, imsi, -1, SQLITE_STATIC);
	s = sqlite3_step(st);
	sqlite3_reset(st);
	if (s != SQLITE_ROW && s != SQLITE_DONE)
		return sq_err(c, "lookup");
	*ret = s == SQLITE_ROW;
	return 0;
}

static int write_serving(struct sq_db *d, struct sq_conn *c, const struct hss_sub *sub)
{
	sqlite3_stmt *st = stmt(d, c, ST_UPD_SERVING);
	size_t i;

	if (!st)
		return EIO;
	for (i = 0; i < d->n_srv_cols; i++)
		if (bind_field(st, (int)i + 1, d->srv_cols[i], sub) != SQLITE_OK)
			return sq_err(c, "bind serving state");
	sqlite3_bind_text(st, (int)d->n_srv_cols + 1, sub->imsi, -1, SQLITE_STATIC);
	return exec_st(c, st, "write serving state");
}

/* Write the provisioned part (and the whole serving row if with_serving) of sub. */
static int write_sub(struct sq_db *d, struct sq_conn *c, const struct hss_sub *sub, unsigned flags,
                     bool with_serving)
{
	sqlite3_stmt *st;
	size_t i;
	int rc;

	if (flags & HSS_DB_PUT_NO_REPLACE) {
		bool exists = false;
		if ((rc = sub_exists(d, c, sub->imsi, &exists)))
			return rc;
		if (exists)
			return hss_db_set_error(EEXIST, "IMSI %s already exists", sub->imsi);
	}
	if (!(st = stmt(d, c, flags & HSS_DB_PUT_KEEP_SQN ? ST_UPSERT_SUB_KEEPSQN : ST_UPSERT_SUB)))
		return EIO;
	for (i = 0; i < d->n_sub_cols; i++)
		if (bind_field(st, (int)i + 1, d->sub_cols[i], sub) != SQLITE_OK)
			return sq_err(c, "bind subscriber");
	if ((rc = exec_st(c, st, "write subscriber")))
		return rc;

	if (!(st = stmt(d, c, ST_DEL_APNS)))
		return EIO;
	sqlite3_bind_text(st, 1, sub->imsi, -1, SQLITE_STATIC);
	if ((rc = exec_st(c, st, "delete apns")))
		return rc;
	for (i = 0; i < sub->n_apns; i++) {
		const struct hss_apn *a = &sub->apns[i];

		if (!(st = stmt(d, c, ST_INS_APN)))
			return EIO;
		sqlite3_bind_text(st, 1, sub->imsi, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, a->ctx_id);
		sqlite3_bind_text(st, 3, a->apn, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, a->pdn_type);
		sqlite3_bind_int64(st, 5, a->qci);
		sqlite3_bind_int64(st, 6, a->arp_prio);
		sqlite3_bind_int(st, 7, a->preempt_cap);
		sqlite3_bind_int(st, 8, a->preempt_vuln);
		sqlite3_bind_int64(st, 9, a->ambr_ul);
		sqlite3_bind_int64(st, 10, a->ambr_dl);
		bind_text_opt(st, 11, a->static_ipv4);
		bind_text_opt(st, 12, a->static_ipv6);
		sqlite3_bind_int64(st, 13, a->pgw_alloc);
		sqlite3_bind_int(st, 14, a->vplmn_dyn);
		bind_text_opt(st, 15, a->pgw_host);
		bind_text_opt(st, 16, a->pgw_realm);
		if ((rc = exec_st(c, st, "write apn")))
			return rc;
	}

	if (!(st = stmt(d, c, ST_INS_SERVING)))
		return EIO;
	sqlite3_bind_text(st, 1, sub->imsi, -1, SQLITE_STATIC);
	if ((rc = exec_st(c, st, "create serving state")))
		return rc;
	return with_serving ? write_serving(d, c, sub) : 0;
}

/* ---- migrations --------------------------------------------------------------------- */

static int schema_version(sqlite3 *h, int *ret)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(h, "SELECT coalesce(max(version), 0) FROM schema_version", -1, &st,
	                       NULL) != SQLITE_OK)
		return sq_errh(h, "read schema_version");
	rc = sqlite3_step(st) == SQLITE_ROW ? 0 : sq_errh(h, "read schema_version");
	if (!rc)
		*ret = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc;
}

static int migrate(struct sq_db *d, sqlite3 *h, char *err, size_t errlen)
{
	size_t n, i;
	const struct db_sqlite_migration *m = db_sqlite_migrations(&n);
	int have = 0, latest = m[n - 1].version, rc = 0;
	int target = d->max_schema ? d->max_schema : latest;
	char *emsg = NULL;

	/* Up to date, the usual case: nothing to write, no write lock to wait for. */
	if (schema_version(h, &have) == 0) {
		if (have == target)
			return 0;
	} else if (!d->create) {
		snprintf(err, errlen, "sqlite: '%s' is not an HSS database (no schema_version table): "
		         "create one with `hssctl init`", d->path);
		return EIO;
	} else {
		/* creating: into an empty file only, never into someone else's database */
		sqlite3_stmt *st = NULL;
		bool empty = sqlite3_prepare_v2(h, "SELECT count(*) FROM sqlite_master", -1, &st,
		                                NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
		             sqlite3_column_int(st, 0) == 0;

		sqlite3_finalize(st);
		if (!empty) {
			snprintf(err, errlen, "sqlite: '%s' is a database without the HSS schema: not "
			         "creating the HSS tables in it", d->path);
			return EIO;
		}
	}
	if (sqlite3_exec(h, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
	                 " applied_at INTEGER NOT NULL, what TEXT)", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "sqlite: '%s': cannot create schema_version: %s", d->path,
		         sqlite3_errmsg(h));
		return EIO;
	}
	for (i = 0; i < n; i++) {
		char ins[256];

		if (d->max_schema && m[i].version > d->max_schema)
			break;
		/* Each migration checks the version again under the write lock: two processes
		 * opening a fresh database at once must not both apply it. */
		if (sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
			snprintf(err, errlen, "sqlite: '%s': %s", d->path, sqlite3_errmsg(h));
			return EIO;
		}
		if ((rc = schema_version(h, &have))) {
			snprintf(err, errlen, "%s", hss_db_strerror());
			goto fail;
		}
		if (have > latest) {
			snprintf(err, errlen, "sqlite: '%s': schema version %d is newer than this build "
			         "knows (%d): upgrade the software", d->path, have, latest);
			rc = EIO;
			goto fail;
		}
		if (have >= m[i].version) {
			sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
			continue;
		}
		snprintf(ins, sizeof(ins), "INSERT INTO schema_version (version, applied_at, what) VALUES "
		         "(%d, %lld, '%s')", m[i].version, (long long)time(NULL), "");
		if (sqlite3_exec(h, m[i].sql, NULL, NULL, &emsg) != SQLITE_OK ||
		    sqlite3_exec(h, ins, NULL, NULL, &emsg) != SQLITE_OK) {
			snprintf(err, errlen, "sqlite: '%s': migration %d (%s) failed: %s", d->path,
			         m[i].version, m[i].what, emsg ? emsg : "?");
			sqlite3_free(emsg);
			rc = EIO;
			goto fail;
		}
		{
			/* the description, bound rather than pasted into SQL */
			sqlite3_stmt *st = NULL;
			if (sqlite3_prepare_v2(h, "UPDATE schema_version SET what = ? WHERE version = ?", -1,
			                       &st, NULL) == SQLITE_OK) {
				sqlite3_bind_text(st, 1, m[i].what, -1, SQLITE_STATIC);
				sqlite3_bind_int(st, 2, m[i].version);
				sqlite3_step(st);
			}
			sqlite3_finalize(st);
		}
		if (sqlite3_exec(h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
			snprintf(err, errlen, "sqlite: '%s': commit of migration %d: %s", d->path,
			         m[i].version, sqlite3_errmsg(h));
			rc = EIO;
			goto fail;
		}
	}
	/* a database newer than this build is refused even if nothing was to be applied */
	if ((rc = schema_version(h, &have))) {
		snprintf(err, errlen, "%s", hss_db_strerror());
		return rc;
	}
	if (have > latest) {
		snprintf(err, errlen, "sqlite: '%s': schema version %d is newer than this build knows "
		         "(%d): upgrade the software", d->path, have, latest);
		return EIO;
	}
	return 0;
fail:
	sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* ---- open / close ------------------------------------------------------------------- */

static void sq_close(struct hss_db *db)
{
	struct sq_db *d = SQ(db);
	unsigned i;

	if (!d)
		return;
	db_sqlite_pool_close(d);
	for (i = 0; i < ST_MAX; i++)
		free(d->sql[i]);
	free(d->pool);
	free(d->path);
	free(d->wal_path);
	pthread_mutex_destroy(&d->mu);
	pthread_mutex_destroy(&d->wmu);
	pthread_cond_destroy(&d->cv);
	free(d);
}

static int parse_opts(struct sq_db *d, char *q, char *err, size_t errlen)
{
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
			d->sync_full = !strcmp(eq, "full");
			continue;
		}
		v = strtol(eq, &end, 10);
		if (!*eq || *end || v < 0) {
			snprintf(err, errlen, "sqlite: option %s=%s: not a number", tok, eq);
			return EINVAL;
		}
		if (!strcmp(tok, "pool") && v >= 1 && v <= 64)
			d->npool = (unsigned)v;
		else if (!strcmp(tok, "busy_timeout") && v >= 1 && v <= 600000)
			d->timeout_ms = (unsigned)v;   /* the older name of the open timeout */
		else if (!strcmp(tok, "max_schema"))
			d->max_schema = (int)v;
		else {
			snprintf(err, errlen, "sqlite: unknown option or value out of range: %s=%s "
			         "(pool=1..64, busy_timeout=1..600000 ms, sync=full|normal)", tok, eq);
			return EINVAL;
		}
	}
	return 0;
}

static int sq_open(const char *uri, const struct hss_db_opts *o, struct hss_db **ret, char *err,
                   size_t errlen)
{
	pthread_condattr_t ca;
	struct sq_db *d;
	struct sq_conn *c;
	char *q;
	int rc;

	if (!(d = calloc(1, sizeof(*d))))
		return ENOMEM;
	pthread_mutex_init(&d->mu, NULL);
	pthread_mutex_init(&d->wmu, NULL);
	/* deadlines are CLOCK_MONOTONIC: a clock step must not stretch a wait */
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&d->cv, &ca);
	pthread_condattr_destroy(&ca);
	d->create = o->flags & HSS_DB_OPEN_CREATE;
	d->timeout_ms = o->timeout_ms;
	d->sync_full = true;
	d->npool = 4;
	if (!(d->path = strdup(uri))) {
		rc = ENOMEM;
		goto fail;
	}
	if ((q = strchr(d->path, '?'))) {
		*q++ = 0;
		if ((rc = parse_opts(d, q, err, errlen)))
			goto fail;
	}
	if (!d->path[0]) {
		snprintf(err, errlen, "sqlite: empty database path");
		rc = EINVAL;
		goto fail;
	}
	if (!strcmp(d->path, ":memory:")) {
		d->memory = true;
		d->npool = 1;   /* each connection would see its own empty database */
	}
	if (!(d->wal_path = malloc(strlen(d->path) + 5)) ||
	    !(d->pool = calloc(d->npool, sizeof(*d->pool)))) {
		rc = ENOMEM;
		goto fail;
	}
	if ((rc = build_sql(d))) {
		snprintf(err, errlen, "sqlite: out of memory");
		goto fail;
	}
	sprintf(d->wal_path, "%s-wal", d->path);
	if (!d->memory && !d->create && access(d->path, F_OK) && errno == ENOENT) {
		snprintf(err, errlen, "sqlite: database file '%s' does not exist: create it with "
		         "`hssctl init` (the HSS never creates its database)", d->path);
		rc = EIO;
		goto fail;
	}
	c = &d->pool[0];
	c->deadline = db_sqlite_now_ms() + d->timeout_ms;   /* for the migrations below */
	if ((rc = db_sqlite_conn_open(d, c, d->create ? DB_SQLITE_CHECK_NONE :
	                              DB_SQLITE_CHECK_EXISTS))) {
		snprintf(err, errlen, "%s", hss_db_strerror());
		rc = EIO;
		goto fail;
	}
	/* WAL is a property of the file: set once, readers then never block the writer */
	if (!d->memory &&
	    sqlite3_exec(c->h, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "sqlite: '%s': cannot enable WAL: %s", d->path,
		         sqlite3_errmsg(c->h));
		rc = EIO;
		goto fail;
	}
	if ((rc = migrate(d, c->h, err, errlen)))
		goto fail;
	*ret = &d->base;
	return 0;
fail:
	sq_close(&d->base);
	return rc;
}

/* ---- operations --------------------------------------------------------------------- */

static int sq_get_sub(struct hss_db *db, const char *imsi, struct hss_sub *out)
{
	struct sq_db *d = SQ(db);
	struct sq_conn *c;
	struct hss_sub *tmp;
	int rc;

	if (!(tmp = malloc(sizeof(*tmp))))
		return ENOMEM;
	if ((rc = db_sqlite_conn_get(d, false, &c)))
		goto out;
	if (!(rc = tx_begin(d, c, false)))
		rc = tx_end(d, c, read_sub(d, c, imsi, tmp));
	db_sqlite_conn_put(d, c);
	if (!rc)
		memcpy(out, tmp, sizeof(*tmp));
out:
	explicit_bzero(tmp, sizeof(*tmp));   /* holds K and OP/OPc */
	free(tmp);
	return rc;
}

static int sq_get_sub_by_msisdn(struct hss_db *db, const char *msisdn, struct hss_sub *out)
{
	struct sq_db *d = SQ(db);
	struct sq_conn *c;
	struct hss_sub *tmp;
	sqlite3_stmt *st;
	char imsi[16];
	int rc, s;

	if (!(tmp = malloc(sizeof(*tmp))))
		return ENOMEM;
	if ((rc = db_sqlite_conn_get(d, false, &c)))
		goto out;
	if ((rc = tx_begin(d, c, false)))
		goto put;
	if (!(st = stmt(d, c, ST_SEL_MSISDN))) {
		rc = tx_end(d, c, EIO);
		goto put;
	}
	sqlite3_bind_text(st, 1, msisdn, -1, SQLITE_STATIC);
	s = sqlite3_step(st);
	if (s == SQLITE_ROW && col_str(st, 0, imsi, sizeof(imsi)) == 0)
		rc = read_sub(d, c, imsi, tmp);
	else if (s == SQLITE_ROW)
		rc = hss_db_set_error(EIO, "sqlite: corrupt IMSI for MSISDN %s", msisdn);
	else if (s == SQLITE_DONE)
		rc = hss_db_set_error(ENOENT, "MSISDN %s not found", msisdn);
	else
		rc = sq_err(c, "lookup by msisdn");
	sqlite3_reset(st);
	rc = tx_end(d, c, rc);
put:
	db_sqlite_conn_put(d, c);
	if (!rc)
		memcpy(out, tmp, sizeof(*tmp));
out:
	explicit_bzero(tmp, sizeof(*tmp));   /* holds K and OP/OPc */
	free(tmp);
	return rc;
}

static int sq_put_sub(struct hss_db *db, const struct hss_sub *sub, unsigned flags)
{
	struct sq_db *d = SQ(db);
	struct sq_conn *c;
	int rc;

	if ((rc = db_sqlite_conn_get(d, true, &c)))
		return rc;
	if (!(rc = tx_begin(d, c, true)))
		rc = tx_end(d, c, write_sub(d, c, sub, flags, false));
	db_sqlite_conn_put(d, c);
	return rc;
}

static int sq_put_stream(struct hss_db *db, unsigned flags, hss_db_stream_fn next, void *arg,
                         size_t *ret_n)
{
	struct sq_db *d = SQ(db);
	struct sq_conn *c;
	struct hss_sub *sub;
	size_t n = 0;
	int rc;

	if (!(sub = malloc(sizeof(*sub))))
		return ENOMEM;
	if ((rc = db_sqlite_conn_get(d, true, &c)))
		goto out;
	if ((rc = tx_begin(d, c, true)))
		goto put;
	for (;;) {
		hss_sub_init(sub);
		if ((rc = next(arg, sub))) {
			if (rc == ENOENT)
				rc = 0;
			break;
		}
		if ((rc = write_sub(d, c, sub, flags, false)))
			break;
		n++;
	}
	rc = tx_end(d, c, rc);
put:
	db_sqlite_conn_put(d, c);
	if (!rc && ret_n)
		*ret_n = n;
out:
	free(sub);
	return rc;
}

static int sq_update(struct hss_db *db, const char *imsi, const struct hss_db_kv *kv, size_t n,
                     char *err, size_t errlen)
{
	struct sq_db *d = SQ(db);
	struct sq_conn *c;
	struct hss_sub *sub;
	bool provisioned = false;
	size_t i;
	int rc;

	if (!(sub = malloc(sizeof(*sub))))
		return ENOMEM;
	if ((rc = db_sqlite_conn_get(d, true, &c)))
		goto out;
	if ((rc = tx_begin(d, c, true)))
		goto put;
	if ((rc = read_sub(d, c, imsi, sub)))
		goto end;
	for (i = 0; i < n; i++) {
		const struct hss_fdesc *f = hss_fdesc_find(kv[i].name);

		if ((rc = hss_sub_set(sub, kv[i].name, kv[i].value, err, errlen)))
			goto end;
		if (!f || !(f->flags & HSS_F_SERVING))
			provisioned = true;
	}
	/* Serving fields were each checked by hss_sub_set; the whole record is checked when
	 * provisioned data changes, so a NOR is never refused over unrelated old data. */
	if (provisioned && (rc = hss_sub_validate(sub, err, errlen)))
		goto end;
	rc = write_sub(d, c, sub, 0, true);
end:
	rc = tx_end(d, c, rc);
put:
	db_sqlite_conn_put(d, c);
	if (rc && rc != EINVAL)
		snprintf(err, errlen, "%s", hss_db_strerror());
	else if (rc == EINVAL)
		hss_db_set_error(EINVAL, "%s", err);
out:
	free(sub);
	return rc;
}

static int sq_del_sub(struct hss_db *db, const char *imsi)
{
	struct sq_db *d = SQ(db);
	struct sq_conn *c;
	sqlite3_stmt *st;
	int rc;

	if ((rc = db_sqlite_conn_get(d, true, &c)))
		return rc;
	if ((rc = tx_begin(d, c, true)))
		goto put;
	/* children first: correct whether or not foreign keys are enforced */
	if (!(st = stmt(d, c, ST_DEL_APNS)) || (sqlite3_bind_text(st, 1, imsi, -1, SQLITE_STATIC),
	                                        (rc = exec_st(c, st, "delete apns"))))
		goto end;
	if (!(st = stmt(d, c, ST_DEL_SERVING)) || (sqlite3_bind_text(st, 1, imsi, -1, SQLITE_STATIC),
	                                           (rc = exec_st(c, st, "delete serving"))))
		goto end;
	if (!(st = stmt(d, c, ST_DEL_SUB)) || (sqlite3_bind_text(st, 1, imsi, -1, SQLITE_STATIC),
	                                       (rc = exec_st(c, st, "delete subscriber"))))
		goto end;
	if (sqlite3_changes(c->h) == 0)
		rc = hss_db_set_error(ENOENT, "IMSI %s not found", imsi);
end:
	if (!st && !rc)
		rc = EIO;
	rc = tx_end(d, c, rc);
put:
	db_sqlite_conn_put(d, c);
	return rc;
}

/* One page of IMSIs for hss_db_list_subs (db.c), on a connection held only for the query. */
static int sq_list_imsis(struct hss_db *db, const char *after, uint64_t offset, size_t want,
                         char (*out)[16], size_t *ret_n)
{
	struct sq_db *d = SQ(db);
	struct sq_conn *c;
	sqlite3_stmt *st;
	size_t n = 0;
	int rc = 0, s;

	if ((rc = db_sqlite_conn_get(d, false, &c)))
		return rc;
	if (!(st = stmt(d, c, ST_LIST))) {
		db_sqlite_conn_put(d, c);
		return EIO;
	}
	sqlite3_bind_text(st, 1, after, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)want);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)offset);
	while ((s = sqlite3_step(st)) == SQLITE_ROW && n < want)
		if (col_str(st, 0, out[n], sizeof(out[n])) == 0)
			n++;
	if (s != SQLITE_DONE && s != SQLITE_ROW)
		rc = sq_err(c, "list");
	sqlite3_reset(st);
	db_sqlite_conn_put(d, c);
	if (!rc)
		*ret_n = n;
	return rc;
}

static int sq_count(struct hss_db *db, uint64_t *ret)
{
	struct sq_db *d = SQ(db);
	struct sq_conn *c;
	sqlite3_stmt *st;
	int rc = 0;

	if ((rc = db_sqlite_conn_get(d, false, &c)))
		return rc;
	if (!(st = stmt(d, c, ST_COUNT)))
		rc = EIO;
	else if (sqlite3_step(st) == SQLITE_ROW)
		*ret = (uint64_t)sqlite3_column_int64(st, 0);
	else
		rc = sq_err(c, "count");
	if (st)
		sqlite3_reset(st);
	db_sqlite_conn_put(d, c);
	return rc;
}

static int sq_sqn_reserve(struct hss_db *db, const char *imsi, unsigned n, hss_db_sqn_next_fn next,
                          const uint64_t *resync, struct hss_auth_data *ret)
{
	struct sq_db *d = SQ(db);
	struct hss_auth_data a;
	struct hss_sub *tmp = NULL;
	struct sq_conn *c;
	sqlite3_stmt *st;
	uint64_t s;
	unsigned i;
	int rc, r;

	memset(&a, 0, sizeof(a));
	if (!(tmp = malloc(sizeof(*tmp))))
		return ENOMEM;
	hss_sub_init(tmp);
	snprintf(tmp->imsi, sizeof(tmp->imsi), "%s", imsi);
	if ((rc = db_sqlite_conn_get(d, true, &c)))
		goto out;
	/* The write lock is taken before the SQN is read: nobody else can read the same value
	 * until this transaction has stored its successor. */
	if ((rc = tx_begin(d, c, true)))
		goto put;
	if (!(st = stmt(d, c, ST_SEL_AUTH))) {
		rc = tx_end(d, c, EIO);
		goto put;
	}
	sqlite3_bind_text(st, 1, imsi, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	if (r == SQLITE_DONE) {
		rc = hss_db_set_error(ENOENT, "IMSI %s not found", imsi);
	} else if (r != SQLITE_ROW) {
		rc = sq_err(c, "read auth data");
	} else {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		const char *op = (const char *)sqlite3_column_text(st, 1);
		const char *amf = (const char *)sqlite3_column_text(st, 3);
		sqlite3_int64 ind = sqlite3_column_int64(st, 4), sq = sqlite3_column_int64(st, 5);

		if (!k || !op || !amf || hss_hex_decode(k, tmp->k, 16) || hss_hex_decode(op, tmp->op, 16) ||
		    hss_hex_decode(amf, tmp->amf, 2) || ind < 0 || ind > 16 || sq < 0 ||
		    (uint64_t)sq > HSS_DB_SQN_MAX) {
			rc = hss_db_set_error(EIO, "sqlite: corrupt authentication data for IMSI %s", imsi);
		} else {
			memcpy(a.k, tmp->k, 16);
			memcpy(a.op, tmp->op, 16);
			memcpy(a.amf, tmp->amf, 2);
			a.opc = sqlite3_column_int(st, 2) != 0;
			a.ind_bits = (uint32_t)ind;
			/* Re-synchronisation never moves the counter back: SQNs up to the stored one
			 * were handed out already, and a replayed or retransmitted AUTS must not
			 * make them be handed out again (TS 33.102 6.3.5: keep SQN_HE when its
			 * successor is acceptable to the USIM). */
			a.sqn_prev = resync && *resync > (uint64_t)sq ? *resync : (uint64_t)sq;
		}
	}
	sqlite3_reset(st);
	if (rc) {
		rc = tx_end(d, c, rc);
		goto put;
	}
	for (s = a.sqn_prev, i = 0; i < n; i++)
		a.sqn[i] = s = next(s, a.ind_bits) & HSS_DB_SQN_MAX;
	a.n = n;
	if (!(st = stmt(d, c, ST_SET_SQN))) {
		rc = tx_end(d, c, EIO);
		goto put;
	}
	sqlite3_bind_int64(st, 1, (sqlite3_int64)s);
	sqlite3_bind_text(st, 2, imsi, -1, SQLITE_STATIC);
	rc = tx_end(d, c, exec_st(c, st, "store sqn"));
put:
	db_sqlite_conn_put(d, c);
	if (!rc)
		*ret = a;
	explicit_bzero(&a, sizeof(a));   /* K and OP/OPc: only the caller's copy remains */
out:
	explicit_bzero(tmp, sizeof(*tmp));
	free(tmp);
	return rc;
}

static int sq_sqn_set(struct hss_db *db, const char *imsi, uint64_t sqn)
{
	struct sq_db *d = SQ(db);
	struct sq_conn *c;
	sqlite3_stmt *st;
	int rc;

	if ((rc = db_sqlite_conn_get(d, true, &c)))
		return rc;
	if ((rc = tx_begin(d, c, true)))
		goto put;
	if (!(st = stmt(d, c, ST_SET_SQN))) {
		rc = tx_end(d, c, EIO);
		goto put;
	}
	sqlite3_bind_int64(st, 1, (sqlite3_int64)sqn);
	sqlite3_bind_text(st, 2, imsi, -1, SQLITE_STATIC);
	if (!(rc = exec_st(c, st, "store sqn")) && sqlite3_changes(c->h) == 0)
		rc = hss_db_set_error(ENOENT, "IMSI %s not found", imsi);
	rc = tx_end(d, c, rc);
put:
	db_sqlite_conn_put(d, c);
	return rc;
}

/* Read-modify-write of the serving row under the write lock. */
static int serving_rmw(struct sq_db *d, const char *imsi,
                       int (*fn)(struct hss_sub *sub, const void *arg, void *ret), const void *arg,
                       void *ret)
{
	struct sq_conn *c;
	struct hss_sub *sub;
	int rc;

	if (!(sub = malloc(sizeof(*sub))))
		return ENOMEM;
	if ((rc = db_sqlite_conn_get(d, true, &c)))
		goto out;
	if ((rc = tx_begin(d, c, true)))
		goto put;
	if (!(rc = read_sub(d, c, imsi, sub)) && !(rc = fn(sub, arg, ret))) {
		sqlite3_stmt *st = stmt(d, c, ST_INS_SERVING);   /* rows from before serving existed */
		if (!st)
			rc = EIO;
		else {
			sqlite3_bind_text(st, 1, imsi, -1, SQLITE_STATIC);
			if (!(rc = exec_st(c, st, "create serving state")))
				rc = write_serving(d, c, sub);
		}
	}
	rc = tx_end(d, c, rc);
put:
	db_sqlite_conn_put(d, c);
out:
	free(sub);
	return rc;
}

static int do_set_serving(struct hss_sub *sub, const void *arg, void *ret)
{
	const struct hss_db_serving_upd *u = arg;
	struct hss_serving *s = &sub->serving;

	if (ret)
		memcpy(ret, s, sizeof(*s));
	hss_serving_apply(s, u);
	return 0;
}

static int sq_set_serving(struct hss_db *db, const char *imsi, const struct hss_db_serving_upd *u,
                          struct hss_serving *ret_old)
{
	return serving_rmw(SQ(db), imsi, do_set_serving, u, ret_old);
}

struct purge_arg {
	enum hss_node node;
	const char *host;
};

static int do_set_purged(struct hss_sub *sub, const void *arg, void *ret)
{
	const struct purge_arg *p = arg;
	struct hss_serving *s = &sub->serving;
	const char *cur = p->node == HSS_NODE_MME ? s->mme_host : s->sgsn_host;
	bool match = !p->host || !strcasecmp(p->host, cur);

	if (match) {
		if (p->node == HSS_NODE_MME)
			s->mme_purged = true;
		else
			s->sgsn_purged = true;
	}
	*(bool *)ret = match;
	return 0;
}

static int sq_set_purged(struct hss_db *db, const char *imsi, enum hss_node node, const char *host,
                         bool *ret_matched)
{
	struct purge_arg p = { node, host };
	bool m = false;
	int rc = serving_rmw(SQ(db), imsi, do_set_purged, &p, &m);

	if (!rc && ret_matched)
		*ret_matched = m;
	return rc;
}

const struct hss_db_ops hss_db_sqlite_ops = {
	.name = "sqlite",
	.caps = HSS_DB_CAP_MULTI_PROCESS | HSS_DB_CAP_ATOMIC_STREAM | HSS_DB_CAP_MSISDN |
	        HSS_DB_CAP_MIGRATIONS,
	.open = sq_open,
	.close = sq_close,
	.get_sub = sq_get_sub,
	.get_sub_by_msisdn = sq_get_sub_by_msisdn,
	.put_sub = sq_put_sub,
	.put_stream = sq_put_stream,
	.update = sq_update,
	.del_sub = sq_del_sub,
	.list_imsis = sq_list_imsis,
	.count = sq_count,
	.sqn_reserve = sq_sqn_reserve,
	.sqn_set = sq_sqn_set,
	.set_serving = sq_set_serving,
	.set_purged = sq_set_purged,
};

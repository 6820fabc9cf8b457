/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_sql.c: the storage primitives of every SQL backend, on one `sql_exec` per driver.
 * Tables: subscribers (provisioned fields, one row per IMSI), apns (one row per APN
 * configuration), serving (the serving state, a row once the HSS wrote one); column names
 * are the field names of sub.c, values the texts of db_codec.c. The statements are built
 * once per handle from the field tables; a dialect says what differs (locking reads).
 */
#include "db_int.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COLS 48

struct cols {
	const struct hss_fdesc *f[MAX_COLS];
	size_t n;
};

/* Provisioned columns (imsi first), serving columns, APN columns. */
static void cols_of(struct cols *prov, struct cols *srv, struct cols *apn)
{
	const struct hss_fdesc *f;

	prov->n = srv->n = apn->n = 0;
	for (f = hss_fdescs; f->name; f++) {
		if (f->flags & HSS_F_NOSTORE)
			continue;
		if (f->flags & HSS_F_SERVING)
			srv->f[srv->n++] = f;
		else
			prov->f[prov->n++] = f;
	}
	for (f = hss_apn_fdescs; f->name; f++)
		apn->f[apn->n++] = f;
}

/* The columns an SQN reservation reads (HSS_F_AUTH, imsi first). */
static void auth_cols_of(struct cols *auth)
{
	const struct hss_fdesc *f;

	auth->n = 0;
	for (f = hss_fdescs; f->name; f++)
		if (f->flags & HSS_F_AUTH)
			auth->f[auth->n++] = f;
}

/* ---- statement texts ------------------------------------------------------------------ */

struct sbuf {
	char p[8192];
	size_t n;
	bool full;
};

static void add(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->n, sizeof(b->p) - b->n, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(b->p) - b->n)
		b->full = true;
	else
		b->n += (size_t)n;
}

/* "a, b, c" (pfx before each), "a = ?, b = ?" (assign), or "?, ?, ?" (marks); from column
 * `from`, skipping one named `skip`. */
enum list_kind { L_NAMES, L_ASSIGN, L_MARKS };

static void list(struct sbuf *b, const struct cols *c, size_t from, const char *skip,
                 enum list_kind k, const char *pfx)
{
	bool first = true;
	size_t i;

	for (i = from; i < c->n; i++) {
		if (skip && !strcmp(c->f[i]->name, skip))
			continue;
		add(b, "%s", first ? "" : ", ");
		first = false;
		if (k == L_NAMES)
			add(b, "%s%s", pfx, c->f[i]->name);
		else if (k == L_ASSIGN)
			add(b, "%s = ?", c->f[i]->name);
		else
			add(b, "?");
	}
}

int hss_sql_build(struct hss_db *db)
{
	const char *lock = db->drv->sql->lock_suffix;
	struct cols prov, srv, apn, auth;
	struct sbuf *b = malloc(sizeof(*b));
	int id;

	if (!b)
		return ENOMEM;
	cols_of(&prov, &srv, &apn);
	auth_cols_of(&auth);
	for (id = 0; id < HSS_SQL_N; id++) {
		b->n = 0;
		b->full = false;
		switch ((enum hss_sql_stmt)id) {
		case HSS_SQL_SEL_SUB:
		case HSS_SQL_SEL_SUB_LOCK:
			add(b, "SELECT ");
			list(b, &prov, 0, NULL, L_NAMES, "s.");
			add(b, ", ");
			list(b, &srv, 0, NULL, L_NAMES, "v.");
			add(b, " FROM subscribers s LEFT JOIN serving v ON v.imsi = s.imsi "
			    "WHERE s.imsi = ?%s", id == HSS_SQL_SEL_SUB_LOCK ? lock : "");
			break;
		case HSS_SQL_SEL_PROV:
		case HSS_SQL_SEL_PROV_LOCK:
			add(b, "SELECT ");
			list(b, &auth, 0, NULL, L_NAMES, "s.");
			add(b, ", (SELECT count(*) FROM apns a WHERE a.imsi = s.imsi) FROM subscribers s "
			    "WHERE s.imsi = ?%s", id == HSS_SQL_SEL_PROV_LOCK ? lock : "");
			break;
		case HSS_SQL_SEL_APNS:
			add(b, "SELECT ");
			list(b, &apn, 0, NULL, L_NAMES, "");
			add(b, " FROM apns WHERE imsi = ? ORDER BY ctx_id");
			break;
		case HSS_SQL_EXISTS:
			add(b, "SELECT imsi FROM subscribers WHERE imsi = ?");
			break;
		case HSS_SQL_SEL_MSISDN:
			add(b, "SELECT imsi FROM subscribers WHERE msisdn = ? ORDER BY imsi LIMIT 1");
			break;
		case HSS_SQL_INS_SUB:
			add(b, "INSERT INTO subscribers (");
			list(b, &prov, 0, NULL, L_NAMES, "");
			add(b, ") VALUES (");
			list(b, &prov, 0, NULL, L_MARKS, "");
			add(b, ")");
			break;
		case HSS_SQL_UPD_SUB:
		case HSS_SQL_UPD_SUB_SQN:
			add(b, "UPDATE subscribers SET ");
			list(b, &prov, 1, id == HSS_SQL_UPD_SUB ? "sqn" : NULL, L_ASSIGN, "");
			add(b, " WHERE imsi = ?");
			break;
		case HSS_SQL_SET_SQN:
			add(b, "UPDATE subscribers SET sqn = ? WHERE imsi = ?");
			break;
		case HSS_SQL_DEL_APNS:
			add(b, "DELETE FROM apns WHERE imsi = ?");
			break;
		case HSS_SQL_INS_APN:
			add(b, "INSERT INTO apns (imsi, ");
			list(b, &apn, 0, NULL, L_NAMES, "");
			add(b, ") VALUES (?, ");
			list(b, &apn, 0, NULL, L_MARKS, "");
			add(b, ")");
			break;
		case HSS_SQL_UPD_SRV:
			add(b, "UPDATE serving SET ");
			list(b, &srv, 0, NULL, L_ASSIGN, "");
			add(b, " WHERE imsi = ?");
			break;
		case HSS_SQL_INS_SRV:
			add(b, "INSERT INTO serving (imsi, ");
			list(b, &srv, 0, NULL, L_NAMES, "");
			add(b, ") VALUES (?, ");
			list(b, &srv, 0, NULL, L_MARKS, "");
			add(b, ")");
			break;
		case HSS_SQL_DEL_SRV:
			add(b, "DELETE FROM serving WHERE imsi = ?");
			break;
		case HSS_SQL_DEL_SUB:
			add(b, "DELETE FROM subscribers WHERE imsi = ?");
			break;
		case HSS_SQL_LIST:
			add(b, "SELECT imsi FROM subscribers WHERE imsi > ? ORDER BY imsi LIMIT ? OFFSET ?");
			break;
		case HSS_SQL_COUNT:
			add(b, "SELECT count(*) FROM subscribers");
			break;
		case HSS_SQL_N:
			break;
		}
		if (b->full || !(db->sql[id] = strdup(b->p))) {
			free(b);
			return ENOMEM;
		}
	}
	free(b);
	return 0;
}

const char *hss_sql_what(int id)
{
	static const char *const what[HSS_SQL_N] = {
		[HSS_SQL_SEL_SUB] = "read subscriber", [HSS_SQL_SEL_SUB_LOCK] = "read subscriber",
		[HSS_SQL_SEL_PROV] = "read subscriber", [HSS_SQL_SEL_PROV_LOCK] = "read subscriber",
		[HSS_SQL_SEL_APNS] = "read apns", [HSS_SQL_EXISTS] = "lookup",
		[HSS_SQL_SEL_MSISDN] = "lookup by msisdn", [HSS_SQL_INS_SUB] = "write subscriber",
		[HSS_SQL_UPD_SUB] = "write subscriber", [HSS_SQL_UPD_SUB_SQN] = "write subscriber",
		[HSS_SQL_SET_SQN] = "store sqn", [HSS_SQL_DEL_APNS] = "delete apns",
		[HSS_SQL_INS_APN] = "write apn", [HSS_SQL_UPD_SRV] = "write serving state",
		[HSS_SQL_INS_SRV] = "create serving state", [HSS_SQL_DEL_SRV] = "delete serving",
		[HSS_SQL_DEL_SUB] = "delete subscriber", [HSS_SQL_LIST] = "list",
		[HSS_SQL_COUNT] = "count",
	};

	return id >= 0 && id < HSS_SQL_N && what[id] ? what[id] : "statement";
}

void hss_sql_free(struct hss_db *db)
{
	int id;

	for (id = 0; id < HSS_SQL_N; id++) {
		free(db->sql[id]);
		db->sql[id] = NULL;
	}
}

static int exec(struct hss_db_tx *tx, enum hss_sql_stmt id, const struct hss_sql_arg *a,
                size_t n, int (*row)(void *, const char *const *, size_t), void *arg,
                uint64_t *ret_rows)
{
	return tx->db->drv->sql_exec(tx, (int)id, a, n, row, arg, ret_rows);
}

/* One IMSI parameter. */
static int exec_imsi(struct hss_db_tx *tx, enum hss_sql_stmt id, const char *imsi,
                     int (*row)(void *, const char *const *, size_t), void *arg,
                     uint64_t *ret_rows)
{
	struct hss_sql_arg a = { imsi, false };

	return exec(tx, id, &a, 1, row, arg, ret_rows);
}

/* ---- reading ----------------------------------------------------------------------------- */

struct read_ctx {
	struct hss_db_tx *tx;
	struct hss_sub *out;
	const char *imsi;
	unsigned parts;
	bool found;
	struct cols prov, srv, apn;
};

static int row_sub(void *arg, const char *const *v, size_t n)
{
	struct read_ctx *r = arg;
	const char *drv = r->tx->db->drv->name;
	bool count = r->parts & HSS_PART_APN_COUNT;
	size_t i;
	int rc = 0;

	/* provisioned columns, then the serving ones (SEL_SUB); or the authentication columns,
	 * then the APN count (SEL_PROV) */
	if (n != r->prov.n + (count ? 1 : r->srv.n))
		return hss_db_set_error(EIO, "%s: subscriber row of %zu columns", drv, n);
	r->found = true;
	if (r->parts & HSS_PART_PROV)
		for (i = 1; i < r->prov.n && !rc; i++)
			rc = hss_col_load(r->prov.f[i], v[i], r->out, r->imsi, drv);
	if (count) {
		char *end;
		unsigned long c = v[r->prov.n] ? strtoul(v[r->prov.n], &end, 10) : 0;

		if (!rc && (!v[r->prov.n] || *end))
			rc = hss_db_set_error(EIO, "%s: APN count of IMSI %s", drv, r->imsi);
		r->out->n_apns = c > HSS_DB_MAX_APNS ? HSS_DB_MAX_APNS : c;
	} else if (r->parts & HSS_PART_SERVING) {
		for (i = 0; i < r->srv.n && !rc; i++)
			rc = hss_col_load(r->srv.f[i], v[r->prov.n + i], r->out, r->imsi, drv);
	}
	return rc;
}

static int row_apn(void *arg, const char *const *v, size_t n)
{
	struct read_ctx *r = arg;
	const char *drv = r->tx->db->drv->name;
	struct hss_apn *a;
	size_t i;
	int rc = 0;

	if (n != r->apn.n)
		return hss_db_set_error(EIO, "%s: APN row of %zu columns", drv, n);
	if (r->out->n_apns == HSS_DB_MAX_APNS)
		return hss_db_set_error(EIO, "%s: IMSI %s has more than %d APNs", drv, r->imsi,
		                        HSS_DB_MAX_APNS);
	a = &r->out->apns[r->out->n_apns];
	hss_apn_init(a);
	for (i = 0; i < n && !rc; i++)
		rc = hss_col_load(r->apn.f[i], v[i], a, r->imsi, drv);
	if (!rc)
		r->out->n_apns++;
	return rc;
}

int hss_sql_sub_read(struct hss_db_tx *tx, const char *imsi, unsigned parts, struct hss_sub *out)
{
	struct read_ctx r = { tx, out, imsi, parts, false };
	enum hss_sql_stmt id;
	int rc;

	/* the authentication columns and the APN count, in one statement (SEL_PROV): neither
	 * the serving nor the APN columns are read */
	if (parts & HSS_PART_APN_COUNT) {
		auth_cols_of(&r.prov);
		r.parts &= ~(HSS_PART_SERVING | HSS_PART_APNS);
		id = tx->write ? HSS_SQL_SEL_PROV_LOCK : HSS_SQL_SEL_PROV;
	} else {
		cols_of(&r.prov, &r.srv, &r.apn);
		id = tx->write ? HSS_SQL_SEL_SUB_LOCK : HSS_SQL_SEL_SUB;
	}
	if ((rc = exec_imsi(tx, id, imsi, row_sub, &r, NULL)))
		return rc;
	if (!r.found)
		return hss_db_set_error(ENOENT, "IMSI %s not found", imsi);
	snprintf(out->imsi, sizeof(out->imsi), "%s", imsi);
	if (r.parts & HSS_PART_APNS) {
		out->n_apns = 0;
		rc = exec_imsi(tx, HSS_SQL_SEL_APNS, imsi, row_apn, &r, NULL);
	}
	return rc;
}

struct imsi_ctx {
	char (*out)[16];
	size_t n, want;
	const char *drv;
};

static int row_imsi(void *arg, const char *const *v, size_t n)
{
	struct imsi_ctx *c = arg;

	if (n < 1 || !v[0] || strlen(v[0]) >= 16)
		return hss_db_set_error(EIO, "%s: corrupt IMSI '%.20s'", c->drv,
		                        n && v[0] ? v[0] : "");
	if (c->n < c->want)
		memcpy(c->out[c->n++], v[0], strlen(v[0]) + 1);
	return 0;
}

static int exists(struct hss_db_tx *tx, const char *imsi)
{
	char one[1][16];
	struct imsi_ctx c = { one, 0, 1, tx->db->drv->name };
	int rc = exec_imsi(tx, HSS_SQL_EXISTS, imsi, row_imsi, &c, NULL);

	if (!rc && !c.n)
		rc = hss_db_set_error(ENOENT, "IMSI %s not found", imsi);
	return rc;
}

int hss_sql_sub_by_msisdn(struct hss_db_tx *tx, const char *msisdn, char imsi[16])
{
	char one[1][16];
	struct imsi_ctx c = { one, 0, 1, tx->db->drv->name };
	struct hss_sql_arg a = { msisdn, false };
	int rc = exec(tx, HSS_SQL_SEL_MSISDN, &a, 1, row_imsi, &c, NULL);

	if (rc)
		return rc;
	if (!c.n)
		return hss_db_set_error(ENOENT, "MSISDN %s not found", msisdn);
	memcpy(imsi, one[0], 16);
	return 0;
}

int hss_sql_sub_page(struct hss_db_tx *tx, const char *after, uint64_t offset, size_t want,
                     char (*out)[16], size_t *ret_n)
{
	struct imsi_ctx c = { out, 0, want, tx->db->drv->name };
	char w[24], o[24];
	struct hss_sql_arg a[3] = { { after, false }, { w, true }, { o, true } };
	int rc;

	snprintf(w, sizeof(w), "%zu", want);
	snprintf(o, sizeof(o), "%" PRIu64, offset);
	if (!(rc = exec(tx, HSS_SQL_LIST, a, 3, row_imsi, &c, NULL)))
		*ret_n = c.n;
	return rc;
}

static int row_count(void *arg, const char *const *v, size_t n)
{
	char *end;

	if (n < 1 || !v[0])
		return EIO;
	*(uint64_t *)arg = strtoull(v[0], &end, 10);
	return *end ? EIO : 0;
}

int hss_sql_sub_count(struct hss_db_tx *tx, uint64_t *ret)
{
	uint64_t n = 0;
	int rc = exec(tx, HSS_SQL_COUNT, NULL, 0, row_count, &n, NULL);

	if (rc == EIO && !hss_db_strerror()[0])
		rc = hss_db_set_error(EIO, "%s: count: not a number", tx->db->drv->name);
	if (!rc)
		*ret = n;
	return rc;
}

/* ---- writing ----------------------------------------------------------------------------- */

/* The texts of a write's parameters: numbers and keys are made here, strings point into
 * the subscriber. Only what was used is wiped (K and OP/OPc in hex among it). */
struct wbuf {
	char t[4096];
	size_t used;
	struct hss_sql_arg a[MAX_COLS + 2];
};

/* Parameters of columns [from..] of c (skipping `skip`) into w->a + at; their count. */
static size_t args_of(const struct cols *c, size_t from, const char *skip, const void *base,
                      struct wbuf *w, size_t at)
{
	size_t i, n = 0;

	for (i = from; i < c->n; i++) {
		struct hss_sql_arg *a = &w->a[at + n];

		if (skip && !strcmp(c->f[i]->name, skip))
			continue;
		if (w->used + HSS_COL_TEXT_MAX > sizeof(w->t))
			w->used = 0;   /* never with these tables (under 1 kB), but never overflow */
		a->v = hss_col_text(c->f[i], base, w->t + w->used, &a->num);
		if (a->v == w->t + w->used)
			w->used += strlen(a->v) + 1;
		n++;
	}
	return n;
}

static void wbuf_wipe(struct wbuf *w)
{
	explicit_bzero(w->t, w->used);
	w->used = 0;
}

static int write_apns(struct hss_db_tx *tx, const struct hss_sub *sub, const struct cols *apn,
                      struct wbuf *w)
{
	size_t i, n;
	int rc;

	if ((rc = exec_imsi(tx, HSS_SQL_DEL_APNS, sub->imsi, NULL, NULL, NULL)))
		return rc;
	for (i = 0; i < sub->n_apns; i++) {
		w->used = 0;
		w->a[0] = (struct hss_sql_arg){ sub->imsi, false };
		n = 1 + args_of(apn, 0, NULL, &sub->apns[i], w, 1);
		if ((rc = exec(tx, HSS_SQL_INS_APN, w->a, n, NULL, NULL, NULL)))
			return rc;
	}
	tx->nwrites++;
	return 0;
}

/* The serving row: update it, or create it (known: the subscriber is known to exist). */
static int write_serving(struct hss_db_tx *tx, const struct hss_sub *sub, const struct cols *srv,
                         struct wbuf *w, bool known)
{
	uint64_t rows = 0;
	size_t n;
	int rc;

	w->used = 0;
	n = args_of(srv, 0, NULL, sub, w, 0);
	w->a[n++] = (struct hss_sql_arg){ sub->imsi, false };
	if ((rc = exec(tx, HSS_SQL_UPD_SRV, w->a, n, NULL, NULL, &rows)))
		return rc;
	if (!rows) {   /* none yet: subscribers written before any ULR, or an older schema */
		if (!known && (rc = exists(tx, sub->imsi)))
			return rc;
		w->used = 0;
		w->a[0] = (struct hss_sql_arg){ sub->imsi, false };
		n = 1 + args_of(srv, 0, NULL, sub, w, 1);
		if ((rc = exec(tx, HSS_SQL_INS_SRV, w->a, n, NULL, NULL, NULL)))
			return rc;
	}
	tx->nwrites++;
	return 0;
}

static struct hss_sub empty_sub;
static pthread_once_t empty_once = PTHREAD_ONCE_INIT;

static void empty_init(void)
{
	hss_sub_init(&empty_sub);
}

/* A subscriber whose serving state is the one of a new subscriber (never registered). */
static const struct hss_sub *empty_serving(void)
{
	pthread_once(&empty_once, empty_init);
	return &empty_sub;
}

int hss_sql_sub_write(struct hss_db_tx *tx, const struct hss_sub *sub, unsigned parts,
                      enum hss_wmode how)
{
	struct cols prov, srv, apn;
	struct wbuf wb, *w = &wb;
	bool known = false;
	uint64_t rows = 0;
	size_t n;
	int rc = 0;

	w->used = 0;
	cols_of(&prov, &srv, &apn);
	if (how == HSS_W_INSERT) {
		n = args_of(&prov, 0, NULL, sub, w, 0);
		rc = exec(tx, HSS_SQL_INS_SUB, w->a, n, NULL, NULL, NULL);
		wbuf_wipe(w);
		if (rc) {
			if (rc == EEXIST)
				hss_db_set_error(EEXIST, "IMSI %s already exists", sub->imsi);
			goto out;
		}
		tx->nwrites++;
		/* A serving row from the start (the state of a subscriber never registered): a ULR
		 * then only updates it, and concurrent first ULRs do not insert into the same gap
		 * of the index (InnoDB deadlocks). Rows left without their subscriber go first. */
		if ((rc = exec_imsi(tx, HSS_SQL_DEL_SRV, sub->imsi, NULL, NULL, NULL)))
			goto out;
		w->used = 0;
		w->a[0] = (struct hss_sql_arg){ sub->imsi, false };
		n = 1 + args_of(&srv, 0, NULL, parts & HSS_PART_SERVING ? sub : empty_serving(), w, 1);
		if ((rc = exec(tx, HSS_SQL_INS_SRV, w->a, n, NULL, NULL, NULL)))
			goto out;
		parts |= HSS_PART_APNS;
		parts &= ~HSS_PART_SERVING;   /* written just now */
		known = true;
	} else if (parts & HSS_PART_PROV) {
		bool sqn = parts & HSS_PART_SQN;

		n = args_of(&prov, 1, sqn ? NULL : "sqn", sub, w, 0);
		w->a[n++] = (struct hss_sql_arg){ sub->imsi, false };
		rc = exec(tx, sqn ? HSS_SQL_UPD_SUB_SQN : HSS_SQL_UPD_SUB, w->a, n, NULL, NULL, &rows);
		wbuf_wipe(w);
		known = true;
	} else if (parts & HSS_PART_SQN) {
		char s[24];
		struct hss_sql_arg a[2] = { { s, true }, { sub->imsi, false } };

		snprintf(s, sizeof(s), "%" PRIu64, sub->sqn);
		rc = exec(tx, HSS_SQL_SET_SQN, a, 2, NULL, NULL, &rows);
		known = true;
	}
	if (rc)
		goto out;
	if (known && how == HSS_W_UPDATE) {
		if (!rows) {
			rc = hss_db_set_error(ENOENT, "IMSI %s not found", sub->imsi);
			goto out;
		}
		tx->nwrites++;
	}
	if (parts & HSS_PART_APNS) {
		if (!known && (rc = exists(tx, sub->imsi)))
			goto out;
		known = true;
		if ((rc = write_apns(tx, sub, &apn, w)))
			goto out;
	}
	if (parts & HSS_PART_SERVING)
		rc = write_serving(tx, sub, &srv, w, known);
out:
	wbuf_wipe(w);
	return rc;
}

int hss_sql_sub_delete(struct hss_db_tx *tx, const char *imsi)
{
	uint64_t rows = 0;
	int rc;

	/* children first: correct whether or not foreign keys are enforced */
	if ((rc = exec_imsi(tx, HSS_SQL_DEL_APNS, imsi, NULL, NULL, NULL)) ||
	    (rc = exec_imsi(tx, HSS_SQL_DEL_SRV, imsi, NULL, NULL, NULL)) ||
	    (rc = exec_imsi(tx, HSS_SQL_DEL_SUB, imsi, NULL, NULL, &rows)))
		return rc;
	if (!rows)
		return hss_db_set_error(ENOENT, "IMSI %s not found", imsi);
	tx->nwrites++;
	return 0;
}

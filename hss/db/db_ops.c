/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_ops.c: the subscriber operations of hss/db, once for every backend: validation of what
 * comes in, then the domain rules as transaction bodies over the storage primitives (what
 * a put replaces and keeps, what an update may change, the SQN successor and "a
 * re-synchronisation never goes back", what a ULR writes and returns, when a purge
 * matches). A backend only stores and loads (db_int.h).
 */
#include "db_int.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static int check_imsi(const char *imsi)
{
	char err[256];

	if (hss_valid_imsi(imsi, err, sizeof(err)))
		return hss_db_set_error(EINVAL, "%s", err);
	return 0;
}

#define DRV(tx) ((tx)->db->drv)

/* ---- reading ------------------------------------------------------------------------------ */

/* ---- a subscriber per thread ------------------------------------------------------------ */

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;

static void scratch_free(void *p)
{
	hss_sub_wipe(p);
	free(p);
}

static void scratch_init(void)
{
	(void)pthread_key_create(&scratch_key, scratch_free);
}

struct hss_sub *hss_db_scratch(void)
{
	struct hss_sub *s;

	pthread_once(&scratch_once, scratch_init);
	if ((s = pthread_getspecific(scratch_key)))
		return s;
	if ((s = malloc(sizeof(*s))) && pthread_setspecific(scratch_key, s)) {
		free(s);
		s = NULL;
	}
	return s;
}

struct get_arg {
	const char *imsi, *msisdn;
	struct hss_sub *out;
};

static int body_get(struct hss_db_tx *tx, void *arg)
{
	struct get_arg *g = arg;
	char imsi[16];
	int rc;

	if (g->msisdn) {
		if ((rc = DRV(tx)->sub_by_msisdn(tx, g->msisdn, imsi)))
			return rc;
		g->imsi = imsi;
	}
	hss_sub_reset(g->out);
	rc = DRV(tx)->sub_read(tx, g->imsi, HSS_PART_ALL, g->out);
	g->imsi = NULL;
	return rc;
}

static int get(struct hss_db *db, const char *imsi, const char *msisdn, struct hss_sub *out)
{
	struct get_arg g = { imsi, msisdn, hss_db_scratch() };
	int rc;

	if (!g.out)
		return hss_db_set_error(ENOMEM, "out of memory");
	if (!(rc = hss_db_run_read(db, body_get, &g)))
		hss_sub_copy(out, g.out);   /* out->apns past n_apns: left as they were */
	hss_sub_wipe(g.out);   /* K and OP/OPc: only the caller's copy remains */
	return rc;
}

int hss_db_get_sub(struct hss_db *db, const char *imsi, struct hss_sub *out)
{
	int rc;

	if (!db)
		return hss_db_set_error(EINVAL, "no database");
	if ((rc = check_imsi(imsi)))
		return rc;
	return get(db, imsi, NULL, out);
}

int hss_db_get_sub_by_msisdn(struct hss_db *db, const char *msisdn, struct hss_sub *out)
{
	char err[256];

	if (!db)
		return hss_db_set_error(EINVAL, "no database");
	if (!msisdn || !*msisdn || hss_valid_msisdn("msisdn", msisdn, err, sizeof(err)))
		return hss_db_set_error(EINVAL, "%s", msisdn && *msisdn ? err : "empty MSISDN");
	return get(db, NULL, msisdn, out);
}

struct page_arg {
	const char *after;
	uint64_t offset;
	size_t want, n;
	char (*out)[16];
	uint64_t count;
};

static int body_page(struct hss_db_tx *tx, void *arg)
{
	struct page_arg *p = arg;

	return DRV(tx)->sub_page(tx, p->after, p->offset, p->want, p->out, &p->n);
}

static int body_count(struct hss_db_tx *tx, void *arg)
{
	struct page_arg *p = arg;

	return DRV(tx)->sub_count(tx, &p->count);
}

int hss_db_count(struct hss_db *db, uint64_t *ret)
{
	struct page_arg p = { 0 };
	int rc;

	if (!db)
		return hss_db_set_error(EINVAL, "no database");
	if (!(rc = hss_db_run_read(db, body_count, &p)))
		*ret = p.count;
	return rc;
}

/* IMSIs are fetched a page at a time and the connection is released before the callback
 * runs: a callback may use the database, and a long listing blocks no writer. */
#define LIST_CHUNK 256

int hss_db_list_subs(struct hss_db *db, const char *after_imsi, uint64_t offset, uint64_t limit,
                     hss_db_list_cb cb, void *arg)
{
	char (*imsis)[16] = NULL, last[16];
	struct hss_sub *sub = NULL;
	uint64_t done = 0;
	int rc = 0;

	if (!db || !cb)
		return hss_db_set_error(EINVAL, "no database or callback");
	snprintf(last, sizeof(last), "%s", after_imsi ? after_imsi : "");
	if (!(imsis = malloc(sizeof(*imsis) * LIST_CHUNK)) || !(sub = malloc(sizeof(*sub)))) {
		rc = hss_db_set_error(ENOMEM, "out of memory");
		goto out;
	}
	for (;;) {
		struct page_arg p = { last, offset, LIST_CHUNK, 0, imsis, 0 };
		size_t i;

		if (limit && limit - done < p.want)
			p.want = (size_t)(limit - done);
		if (p.want == 0)
			break;
		if ((rc = hss_db_run_read(db, body_page, &p)))
			goto out;
		offset = 0;   /* applies to the first page only */
		for (i = 0; i < p.n; i++) {
			rc = get(db, imsis[i], NULL, sub);
			if (rc == ENOENT) {  /* deleted meanwhile */
				rc = 0;
				continue;
			}
			if (rc || (rc = cb(sub, arg)))
				goto out;
			done++;
		}
		if (p.n < p.want)
			break;
		memcpy(last, imsis[p.n - 1], sizeof(last));
	}
out:
	if (!rc)
		hss_db_clear_error();
	free(imsis);
	hss_sub_wipe(sub);
	free(sub);
	return rc;
}

/* ---- provisioning ----------------------------------------------------------------------- */

/* Insert, or replace the provisioned data and APNs of an existing subscriber (its serving
 * state kept; its SQN too with HSS_DB_PUT_KEEP_SQN: provisioning must never move a live
 * counter back). */
static int put_one(struct hss_db_tx *tx, const struct hss_sub *sub, unsigned flags)
{
	int rc = DRV(tx)->sub_write(tx, sub, HSS_PART_PROV | HSS_PART_SQN | HSS_PART_APNS,
	                            HSS_W_INSERT);

	if (rc != EEXIST || (flags & HSS_DB_PUT_NO_REPLACE))
		return rc;
	return DRV(tx)->sub_write(tx, sub, HSS_PART_PROV | HSS_PART_APNS |
	                          (flags & HSS_DB_PUT_KEEP_SQN ? 0 : HSS_PART_SQN), HSS_W_UPDATE);
}

struct put_arg {
	const struct hss_sub *sub;
	unsigned flags;
	hss_db_stream_fn next;
	void *next_arg;
	size_t n;
};

static int body_put(struct hss_db_tx *tx, void *arg)
{
	struct put_arg *p = arg;

	return put_one(tx, p->sub, p->flags);
}

int hss_db_put_sub(struct hss_db *db, const struct hss_sub *sub, unsigned flags)
{
	struct put_arg p = { sub, flags };
	char err[512];

	if (!db)
		return hss_db_set_error(EINVAL, "no database");
	if (hss_sub_validate(sub, err, sizeof(err)))
		return hss_db_set_error(EINVAL, "%s", err);
	return hss_db_run_write(db, 0, body_put, &p);
}

static int body_stream(struct hss_db_tx *tx, void *arg)
{
	struct put_arg *p = arg;
	struct hss_sub *sub = malloc(sizeof(*sub));
	char err[512];
	int rc;

	if (!sub)
		return hss_db_set_error(ENOMEM, "out of memory");
	for (p->n = 0;; p->n++) {
		hss_sub_reset(sub);
		if ((rc = p->next(p->next_arg, sub))) {
			if (rc == ENOENT)
				rc = 0;
			break;
		}
		if (hss_sub_validate(sub, err, sizeof(err))) {
			rc = hss_db_set_error(EINVAL, "IMSI %.15s: %s", sub->imsi, err);
			break;
		}
		if ((rc = put_one(tx, sub, p->flags)))
			break;
	}
	hss_sub_wipe(sub);
	free(sub);
	return rc;
}

int hss_db_put_stream(struct hss_db *db, unsigned flags, hss_db_stream_fn next, void *arg,
                      size_t *ret_n)
{
	struct put_arg p = { NULL, flags, next, arg, 0 };
	int rc;

	if (!db || !next)
		return hss_db_set_error(EINVAL, "no database or stream");
	/* once: the iterator cannot be rewound */
	if (!(rc = hss_db_run_write(db, HSS_RUN_ALONE, body_stream, &p)) && ret_n)
		*ret_n = p.n;
	return rc;
}

struct update_arg {
	const char *imsi;
	const struct hss_db_kv *kv;
	size_t n;
	char *err;
	size_t errlen;
};

/* The parts a field belongs to. */
static unsigned part_of(const char *name)
{
	const struct hss_fdesc *f = hss_fdesc_find(name);

	if (!f)   /* "apn", "op", "opc" */
		return !strcasecmp(name, "apn") ? HSS_PART_APNS : HSS_PART_PROV;
	if (f->flags & HSS_F_SERVING)
		return HSS_PART_SERVING;
	if (f->kind == HSS_FK_APNS)
		return HSS_PART_APNS;
	if (!strcmp(f->name, "sqn"))
		return HSS_PART_SQN;
	return HSS_PART_PROV;
}

static int body_update(struct hss_db_tx *tx, void *arg)
{
	struct update_arg *u = arg;
	struct hss_sub *sub = hss_db_scratch();
	unsigned parts = 0;
	size_t i;
	int rc;

	if (!sub)
		return hss_db_set_error(ENOMEM, "out of memory");
	hss_sub_reset(sub);
	if ((rc = DRV(tx)->sub_read(tx, u->imsi, HSS_PART_ALL, sub)))
		goto out;
	for (i = 0; i < u->n; i++) {
		if ((rc = hss_sub_set(sub, u->kv[i].name, u->kv[i].value, u->err, u->errlen))) {
			hss_db_set_error(rc, "%s", u->err);
			goto out;
		}
		parts |= part_of(u->kv[i].name);
	}
	/* Serving fields were each checked by hss_sub_set; the whole record is checked when
	 * provisioned data changes, so a NOR is never refused over unrelated old data. */
	if ((parts & ~HSS_PART_SERVING) && (rc = hss_sub_validate(sub, u->err, u->errlen))) {
		hss_db_set_error(rc, "%s", u->err);
		goto out;
	}
	rc = DRV(tx)->sub_write(tx, sub, parts, HSS_W_UPDATE);
out:
	hss_sub_wipe(sub);
	return rc;
}

int hss_db_update(struct hss_db *db, const char *imsi, const struct hss_db_kv *kv, size_t n,
                  char *err, size_t errlen)
{
	struct update_arg u = { imsi, kv, n, err, errlen };
	size_t i;
	int rc;

	if (!db) {
		snprintf(err, errlen, "no database");
		return EINVAL;
	}
	if (hss_valid_imsi(imsi, err, errlen))
		return EINVAL;
	for (i = 0; i < n; i++)
		if (!kv[i].name || !kv[i].value) {
			snprintf(err, errlen, "update: entry %zu has no name or value", i);
			return EINVAL;
		} else if (!strcasecmp(kv[i].name, "imsi")) {
			snprintf(err, errlen, "field 'imsi': cannot be changed (delete and add instead)");
			return EINVAL;
		}
	rc = hss_db_run_write(db, 0, body_update, &u);
	if (rc && rc != EINVAL)
		snprintf(err, errlen, "%s", hss_db_strerror());
	return rc;
}

static int body_del(struct hss_db_tx *tx, void *arg)
{
	return DRV(tx)->sub_delete(tx, arg);
}

int hss_db_del_sub(struct hss_db *db, const char *imsi)
{
	int rc;

	if (!db)
		return hss_db_set_error(EINVAL, "no database");
	if ((rc = check_imsi(imsi)))
		return rc;
	return hss_db_run_write(db, 0, body_del, (void *)imsi);
}

/* ---- SQN ------------------------------------------------------------------------------- */

uint64_t hss_db_sqn_next_default(uint64_t sqn, unsigned ind_bits)
{
	uint64_t mask = ind_bits >= 48 ? HSS_DB_SQN_MAX : (1ULL << ind_bits) - 1;
	uint64_t seq = sqn >> ind_bits, ind = sqn & mask;

	return (((seq + 1) << ind_bits) | ((ind + 1) & mask)) & HSS_DB_SQN_MAX;
}

struct sqn_arg {
	const char *imsi;
	unsigned n;
	hss_db_sqn_next_fn next;
	bool resync;
	uint64_t sqn_ms;
	unsigned flags;              /* HSS_DB_RESERVE_* */
	struct hss_auth_data a;
	struct hss_auth_data *ret;
	hss_db_done_fn done;
	void *done_arg;
};

/* In one transaction: read K, OP/OPc, AMF, ind_bits and the stored SQN s (the subscriber
 * locked), compute sqn[i] = next^(i+1)(s), store the last one. */
static int body_reserve(struct hss_db_tx *tx, void *arg)
{
	struct sqn_arg *s = arg;
	struct hss_auth_data *a = &s->a;
	struct hss_sub *sub = hss_db_scratch();
	uint64_t x;
	unsigned i;
	int rc;

	memset(a, 0, sizeof(*a));
	if (!sub)
		return hss_db_set_error(ENOMEM, "out of memory");
	hss_sub_reset(sub);
	if ((rc = DRV(tx)->sub_read(tx, s->imsi, HSS_PART_PROV | HSS_PART_APN_COUNT, sub)))
		goto out;
	if ((s->flags & HSS_DB_RESERVE_NEED_APN) && !sub->n_apns) {
		rc = hss_db_set_error(ENODATA, "IMSI %s has no APN configuration (no EPS "
		                      "subscription)", s->imsi);
		goto out;
	}
	if (sub->ind_bits > 16 || sub->sqn > HSS_DB_SQN_MAX) {
		rc = hss_db_set_error(EIO, "%s: corrupt authentication data for IMSI %s",
		                      DRV(tx)->name, s->imsi);
		goto out;
	}
	memcpy(a->k, sub->k, 16);
	memcpy(a->op, sub->op, 16);
	memcpy(a->amf, sub->amf, 2);
	a->opc = sub->opc;
	a->ind_bits = sub->ind_bits;
	/* Re-synchronisation never moves the counter back: SQNs up to the stored one were
	 * handed out already, and a replayed or retransmitted AUTS must not make them be handed
	 * out again (TS 33.102 6.3.5: keep SQN_HE when its successor is acceptable to the
	 * USIM). */
	a->sqn_prev = s->resync && s->sqn_ms > sub->sqn ? s->sqn_ms : sub->sqn;
	for (x = a->sqn_prev, i = 0; i < s->n; i++)
		a->sqn[i] = x = s->next(x, a->ind_bits) & HSS_DB_SQN_MAX;
	a->n = s->n;
	sub->sqn = x;
	rc = DRV(tx)->sub_write(tx, sub, HSS_PART_SQN, HSS_W_UPDATE);
out:
	hss_sub_wipe(sub);
	return rc;
}

/* The result to the caller, the copy of the keys wiped. */
static int reserve_end(struct sqn_arg *s, int rc)
{
	if (!rc)
		*s->ret = s->a;
	explicit_bzero(s, sizeof(*s));   /* K and OP/OPc: only the caller's copy remains */
	free(s);
	return rc;
}

static void reserve_done(void *arg, int rc)
{
	struct sqn_arg *s = arg;
	hss_db_done_fn done = s->done;
	void *done_arg = s->done_arg;

	reserve_end(s, rc);
	done(done_arg, rc);
}

static int reserve(struct hss_db *db, const char *imsi, unsigned n, hss_db_sqn_next_fn next,
                   const uint64_t *resync, unsigned flags, struct hss_auth_data *ret,
                   hss_db_done_fn done, void *done_arg)
{
	struct sqn_arg *s;
	int rc;

	if (!db || !ret)
		return hss_db_set_error(EINVAL, "no database or result");
	if ((rc = check_imsi(imsi)))
		return rc;
	if (n < 1 || n > HSS_DB_MAX_VECTORS)
		return hss_db_set_error(EINVAL, "number of vectors %u out of range 1..%d", n,
		                        HSS_DB_MAX_VECTORS);
	if (resync && *resync > HSS_DB_SQN_MAX)
		return hss_db_set_error(EINVAL, "field 'sqn': value %llu above 2^48-1",
		                        (unsigned long long)*resync);
	if (!(s = calloc(1, sizeof(*s))))
		return hss_db_set_error(ENOMEM, "out of memory");
	s->imsi = imsi;
	s->n = n;
	s->next = next ? next : hss_db_sqn_next_default;
	s->resync = resync != NULL;
	s->sqn_ms = resync ? *resync : 0;
	s->flags = flags;
	s->ret = ret;
	s->done = done;
	s->done_arg = done_arg;
	if (!done)
		return reserve_end(s, hss_db_run_write(db, 0, body_reserve, s));
	if ((rc = hss_db_run_write_async(db, 0, body_reserve, s, reserve_done, s)))
		reserve_end(s, rc);
	return rc;
}

int hss_db_sqn_reserve(struct hss_db *db, const char *imsi, unsigned n, hss_db_sqn_next_fn next,
                       struct hss_auth_data *ret)
{
	return reserve(db, imsi, n, next, NULL, 0, ret, NULL, NULL);
}

int hss_db_sqn_resync_reserve(struct hss_db *db, const char *imsi, uint64_t sqn_ms, unsigned n,
                              hss_db_sqn_next_fn next, struct hss_auth_data *ret)
{
	return reserve(db, imsi, n, next, &sqn_ms, 0, ret, NULL, NULL);
}

int hss_db_sqn_reserve_async(struct hss_db *db, const char *imsi, unsigned n,
                             hss_db_sqn_next_fn next, const uint64_t *resync_sqn_ms,
                             unsigned flags, struct hss_auth_data *ret, hss_db_done_fn done,
                             void *arg)
{
	if (!done)
		return hss_db_set_error(EINVAL, "no completion callback");
	return reserve(db, imsi, n, next, resync_sqn_ms, flags, ret, done, arg);
}

static int body_sqn_set(struct hss_db_tx *tx, void *arg)
{
	return DRV(tx)->sub_write(tx, arg, HSS_PART_SQN, HSS_W_UPDATE);
}

int hss_db_sqn_set(struct hss_db *db, const char *imsi, uint64_t sqn)
{
	struct hss_sub *sub;
	int rc;

	if (!db)
		return hss_db_set_error(EINVAL, "no database");
	if ((rc = check_imsi(imsi)))
		return rc;
	if (sqn > HSS_DB_SQN_MAX)
		return hss_db_set_error(EINVAL, "field 'sqn': value %llu above 2^48-1",
		                        (unsigned long long)sqn);
	if (!(sub = malloc(sizeof(*sub))))
		return hss_db_set_error(ENOMEM, "out of memory");
	hss_sub_init(sub);
	snprintf(sub->imsi, sizeof(sub->imsi), "%s", imsi);
	sub->sqn = sqn;
	rc = hss_db_run_write(db, 0, body_sqn_set, sub);
	free(sub);
	return rc;
}

/* ---- serving state ---------------------------------------------------------------------- */

void hss_serving_apply(struct hss_serving *s, const struct hss_db_serving_upd *u)
{
	int64_t now = u->time ? u->time : (int64_t)time(NULL);

	if (u->node == HSS_NODE_MME) {
		snprintf(s->mme_host, sizeof(s->mme_host), "%s", u->host ? u->host : "");
		snprintf(s->mme_realm, sizeof(s->mme_realm), "%s", u->realm ? u->realm : "");
		s->mme_ulr_time = now;
		s->mme_purged = false;
		if (u->mme_number_for_mt_sms)
			snprintf(s->mme_number_for_mt_sms, sizeof(s->mme_number_for_mt_sms), "%s",
			         u->mme_number_for_mt_sms);
	} else {
		snprintf(s->sgsn_host, sizeof(s->sgsn_host), "%s", u->host ? u->host : "");
		snprintf(s->sgsn_realm, sizeof(s->sgsn_realm), "%s", u->realm ? u->realm : "");
		s->sgsn_ulr_time = now;
		s->sgsn_purged = false;
	}
	s->ulr_flags = u->ulr_flags;
	s->last_rat_type = u->rat_type < 0 ? -1 : u->rat_type;
	snprintf(s->visited_plmn, sizeof(s->visited_plmn), "%s",
	         u->visited_plmn ? u->visited_plmn : "");
	if (u->ue_srvcc_support >= 0)
		s->ue_srvcc_support = u->ue_srvcc_support ? 1 : 0;
	if (u->homogeneous_ims_voice >= 0)
		s->homogeneous_ims_voice = u->homogeneous_ims_voice ? 1 : 0;
	if (u->node == HSS_NODE_MME && u->forget_sgsn && s->sgsn_host[0]) {
		s->sgsn_host[0] = s->sgsn_realm[0] = 0;
		s->sgsn_purged = false;
	}
}

enum srv_kind { SRV_ULR, SRV_PURGE, SRV_NOR };

struct srv_arg {
	const char *imsi;
	enum srv_kind kind;
	const struct hss_db_serving_upd *u;   /* ULR */
	const char *host;                     /* PURGE: the purging node (NULL: any) */
	bool try_mme, try_sgsn, mme, sgsn;    /* PURGE: which to try; which matched */
	uint32_t nor_flags;                   /* NOR */
	int32_t srvcc, voice;
	hss_db_check_fn check;                /* ULR: may refuse (refused) */
	void *check_arg;
	int refused;
	struct hss_serving old;
	struct hss_serving *ret_old;
	struct hss_sub *ret_sub;              /* ULR: the subscriber as read */
	bool *ret_mme, *ret_sgsn;
	int *ret_refused;
	hss_db_done_fn done;
	void *done_arg;
};

/* Read the serving state (the subscriber locked), keep a copy of it, store the new one: a
 * ULR's node, a purge when the purging node is the stored one, what a NOR reports. */
static int body_serving(struct hss_db_tx *tx, void *arg)
{
	struct srv_arg *a = arg;
	struct hss_sub *sub = hss_db_scratch();
	struct hss_serving *s;
	int rc;

	if (!sub)
		return hss_db_set_error(ENOMEM, "out of memory");
	hss_sub_reset(sub);
	s = &sub->serving;
	if ((rc = DRV(tx)->sub_read(tx, a->imsi, a->ret_sub ? HSS_PART_ALL : HSS_PART_SERVING, sub)))
		goto out;
	a->old = *s;
	switch (a->kind) {
	case SRV_ULR:
		if (a->check && (a->refused = a->check(sub, a->check_arg))) {
			rc = hss_db_set_error(ECANCELED, "update refused (%d)", a->refused);
			goto out;
		}
		if (a->ret_sub)
			hss_sub_copy(a->ret_sub, sub);
		hss_serving_apply(s, a->u);
		break;
	case SRV_PURGE:
		a->mme = a->try_mme && (!a->host || !strcasecmp(a->host, s->mme_host));
		a->sgsn = a->try_sgsn && (!a->host || !strcasecmp(a->host, s->sgsn_host));
		if (!a->mme && !a->sgsn)
			goto out;
		s->mme_purged |= a->mme;
		s->sgsn_purged |= a->sgsn;
		break;
	case SRV_NOR:
		s->nor_flags = a->nor_flags;
		if (a->srvcc >= 0)
			s->ue_srvcc_support = a->srvcc ? 1 : 0;
		if (a->voice >= 0)
			s->homogeneous_ims_voice = a->voice ? 1 : 0;
		break;
	}
	rc = DRV(tx)->sub_write(tx, sub, HSS_PART_SERVING, HSS_W_UPDATE);
out:
	hss_sub_wipe(sub);
	return rc;
}

static int serving_end(struct srv_arg *a, int rc)
{
	if (rc == ECANCELED && a->ret_refused)
		*a->ret_refused = a->refused;
	if (!rc) {
		if (a->ret_old)
			*a->ret_old = a->old;
		if (a->ret_mme)
			*a->ret_mme = a->mme;
		if (a->ret_sgsn)
			*a->ret_sgsn = a->sgsn;
	}
	free(a);
	return rc;
}

static void serving_done(void *arg, int rc)
{
	struct srv_arg *a = arg;
	hss_db_done_fn done = a->done;
	void *done_arg = a->done_arg;

	serving_end(a, rc);
	done(done_arg, rc);
}

/* a: filled by the caller (calloc'ed, consumed here) */
static int serving_run(struct hss_db *db, struct srv_arg *a)
{
	int rc;

	if (!a->done)
		return serving_end(a, hss_db_run_write(db, 0, body_serving, a));
	if ((rc = hss_db_run_write_async(db, 0, body_serving, a, serving_done, a)))
		serving_end(a, rc);
	return rc;
}

static struct srv_arg *serving_arg(struct hss_db *db, const char *imsi, enum srv_kind kind,
                                   hss_db_done_fn done, void *done_arg, int *rc)
{
	struct srv_arg *a;

	if (!db) {
		*rc = hss_db_set_error(EINVAL, "no database");
		return NULL;
	}
	if ((*rc = check_imsi(imsi)))
		return NULL;
	if (!(a = calloc(1, sizeof(*a)))) {
		*rc = hss_db_set_error(ENOMEM, "out of memory");
		return NULL;
	}
	a->imsi = imsi;
	a->kind = kind;
	a->done = done;
	a->done_arg = done_arg;
	return a;
}

static int check_serving_upd(const struct hss_db_serving_upd *u)
{
	char err[256];

	if (!u || (u->node != HSS_NODE_MME && u->node != HSS_NODE_SGSN))
		return hss_db_set_error(EINVAL, "set_serving: bad node");
	if ((u->host && strlen(u->host) >= HSS_DB_HOST_LEN) ||
	    (u->realm && strlen(u->realm) >= HSS_DB_HOST_LEN))
		return hss_db_set_error(EINVAL, "set_serving: host or realm longer than %d",
		                        HSS_DB_HOST_LEN - 1);
	if ((u->host && hss_check_host("host", u->host, err, sizeof(err))) ||
	    (u->realm && hss_check_host("realm", u->realm, err, sizeof(err))))
		return hss_db_set_error(EINVAL, "set_serving: %s", err);
	if (u->visited_plmn && *u->visited_plmn &&
	    hss_valid_plmn("visited_plmn", u->visited_plmn, err, sizeof(err)))
		return hss_db_set_error(EINVAL, "%s", err);
	if (u->mme_number_for_mt_sms &&
	    hss_valid_msisdn("mme_number_for_mt_sms", u->mme_number_for_mt_sms, err, sizeof(err)))
		return hss_db_set_error(EINVAL, "%s", err);
	return 0;
}

static int set_serving(struct hss_db *db, const char *imsi, const struct hss_db_serving_upd *u,
                       struct hss_serving *ret_old, hss_db_done_fn done, void *done_arg)
{
	struct srv_arg *a;
	int rc;

	if ((rc = check_serving_upd(u)) ||
	    !(a = serving_arg(db, imsi, SRV_ULR, done, done_arg, &rc)))
		return rc;
	a->u = u;
	a->ret_old = ret_old;
	return serving_run(db, a);
}

int hss_db_set_serving(struct hss_db *db, const char *imsi, const struct hss_db_serving_upd *u,
                       struct hss_serving *ret_old)
{
	return set_serving(db, imsi, u, ret_old, NULL, NULL);
}

int hss_db_set_serving_async(struct hss_db *db, const char *imsi,
                             const struct hss_db_serving_upd *u, struct hss_serving *ret_old,
                             hss_db_done_fn done, void *arg)
{
	if (!done)
		return hss_db_set_error(EINVAL, "no completion callback");
	return set_serving(db, imsi, u, ret_old, done, arg);
}

static int update_location(struct hss_db *db, const char *imsi,
                           const struct hss_db_serving_upd *u, hss_db_check_fn check,
                           void *check_arg, struct hss_sub *ret_sub, struct hss_serving *ret_old,
                           int *ret_refused, hss_db_done_fn done, void *arg)
{
	struct srv_arg *a;
	int rc;

	if ((rc = check_serving_upd(u)) || !(a = serving_arg(db, imsi, SRV_ULR, done, arg, &rc)))
		return rc;
	a->u = u;
	a->check = check;
	a->check_arg = check_arg;
	a->ret_sub = ret_sub;
	a->ret_old = ret_old;
	a->ret_refused = ret_refused;
	return serving_run(db, a);
}

int hss_db_update_location(struct hss_db *db, const char *imsi,
                           const struct hss_db_serving_upd *u, hss_db_check_fn check,
                           void *check_arg, struct hss_sub *ret_sub, struct hss_serving *ret_old,
                           int *ret_refused)
{
	return update_location(db, imsi, u, check, check_arg, ret_sub, ret_old, ret_refused, NULL,
	                       NULL);
}

int hss_db_update_location_async(struct hss_db *db, const char *imsi,
                                 const struct hss_db_serving_upd *u, hss_db_check_fn check,
                                 void *check_arg, struct hss_sub *ret_sub,
                                 struct hss_serving *ret_old, int *ret_refused,
                                 hss_db_done_fn done, void *arg)
{
	if (!done)
		return hss_db_set_error(EINVAL, "no completion callback");
	return update_location(db, imsi, u, check, check_arg, ret_sub, ret_old, ret_refused, done,
	                       arg);
}

int hss_db_set_serving_mme(struct hss_db *db, const char *imsi, const char *host,
                           const char *realm, char *ret_old_host, size_t old_host_len,
                           char *ret_old_realm, size_t old_realm_len)
{
	struct hss_db_serving_upd u = {
		.node = HSS_NODE_MME, .host = host, .realm = realm, .rat_type = -1,
		.ue_srvcc_support = -1, .homogeneous_ims_voice = -1,
	};
	struct hss_serving *old;
	int rc;

	/* struct hss_serving is ~1.3 kB: fine on the stack too, but dispatch threads may be small */
	if (!(old = malloc(sizeof(*old))))
		return ENOMEM;
	if ((rc = hss_db_set_serving(db, imsi, &u, old)))
		goto out;
	if (ret_old_host && old_host_len)
		snprintf(ret_old_host, old_host_len, "%s", old->mme_host);
	if (ret_old_realm && old_realm_len)
		snprintf(ret_old_realm, old_realm_len, "%s", old->mme_realm);
out:
	free(old);
	return rc;
}

int hss_db_set_purged(struct hss_db *db, const char *imsi, enum hss_node node, const char *host,
                      bool *ret_matched)
{
	struct srv_arg *a;
	int rc;

	if (node != HSS_NODE_MME && node != HSS_NODE_SGSN)
		return hss_db_set_error(EINVAL, "set_purged: bad node");
	if (!(a = serving_arg(db, imsi, SRV_PURGE, NULL, NULL, &rc)))
		return rc;
	a->host = host;
	a->try_mme = node == HSS_NODE_MME;
	a->try_sgsn = node == HSS_NODE_SGSN;
	a->ret_mme = node == HSS_NODE_MME ? ret_matched : NULL;
	a->ret_sgsn = node == HSS_NODE_SGSN ? ret_matched : NULL;
	return serving_run(db, a);
}

int hss_db_purge_async(struct hss_db *db, const char *imsi, const char *host, bool mme,
                       bool sgsn, bool *ret_mme, bool *ret_sgsn, hss_db_done_fn done,
                       void *arg)
{
	struct srv_arg *a;
	int rc;

	if (!done)
		return hss_db_set_error(EINVAL, "no completion callback");
	if (!(a = serving_arg(db, imsi, SRV_PURGE, done, arg, &rc)))
		return rc;
	a->host = host;
	a->try_mme = mme;
	a->try_sgsn = sgsn;
	a->ret_mme = ret_mme;
	a->ret_sgsn = ret_sgsn;
	return serving_run(db, a);
}

static int store_nor(struct hss_db *db, const char *imsi, uint32_t nor_flags, int32_t srvcc,
                     int32_t voice, hss_db_done_fn done, void *done_arg)
{
	struct srv_arg *a;
	int rc;

	if (!(a = serving_arg(db, imsi, SRV_NOR, done, done_arg, &rc)))
		return rc;
	a->nor_flags = nor_flags;
	a->srvcc = srvcc;
	a->voice = voice;
	return serving_run(db, a);
}

int hss_db_store_nor(struct hss_db *db, const char *imsi, uint32_t nor_flags,
                     int32_t ue_srvcc_support, int32_t homogeneous_ims_voice)
{
	return store_nor(db, imsi, nor_flags, ue_srvcc_support, homogeneous_ims_voice, NULL, NULL);
}

int hss_db_store_nor_async(struct hss_db *db, const char *imsi, uint32_t nor_flags,
                           int32_t ue_srvcc_support, int32_t homogeneous_ims_voice,
                           hss_db_done_fn done, void *arg)
{
	if (!done)
		return hss_db_set_error(EINVAL, "no completion callback");
	return store_nor(db, imsi, nor_flags, ue_srvcc_support, homogeneous_ims_voice, done, arg);
}

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
	hss_sub_init(g->out);
	rc = DRV(tx)->sub_read(tx, g->imsi, HSS_PART_ALL, g->out);
	g->imsi = NULL;
	return rc;
}

static int get(struct hss_db *db, const char *imsi, const char *msisdn, struct hss_sub *out)
{
	struct get_arg g = { imsi, msisdn, malloc(sizeof(struct hss_sub)) };
	int rc;

	if (!g.out)
		return hss_db_set_error(ENOMEM, "out of memory");
	if (!(rc = hss_db_run_read(db, body_get, &g)))
		memcpy(out, g.out, sizeof(*out));
	explicit_bzero(g.out, sizeof(*g.out));   /* holds K and OP/OPc */
	free(g.out);
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
	if (sub)
		explicit_bzero(sub, sizeof(*sub));
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
		hss_sub_init(sub);
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
	explicit_bzero(sub, sizeof(*sub));
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
	struct hss_sub *sub = malloc(sizeof(*sub));
	unsigned parts = 0;
	size_t i;
	int rc;

	if (!sub)
		return hss_db_set_error(ENOMEM, "out of memory");
	hss_sub_init(sub);
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
	explicit_bzero(sub, sizeof(*sub));
	free(sub);
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
	const uint64_t *resync;
	uint64_t set;
	struct hss_auth_data a;
	struct hss_sub sub;
};

/* In one transaction: read K, OP/OPc, AMF, ind_bits and the stored SQN s (the subscriber
 * locked), compute sqn[i] = next^(i+1)(s), store the last one. */
static int body_reserve(struct hss_db_tx *tx, void *arg)
{
	struct sqn_arg *s = arg;
	struct hss_auth_data *a = &s->a;
	uint64_t x;
	unsigned i;
	int rc;

	memset(a, 0, sizeof(*a));
	hss_sub_init(&s->sub);
	if ((rc = DRV(tx)->sub_read(tx, s->imsi, HSS_PART_PROV, &s->sub)))
		return rc;
	if (s->sub.ind_bits > 16 || s->sub.sqn > HSS_DB_SQN_MAX)
		return hss_db_set_error(EIO, "%s: corrupt authentication data for IMSI %s",
		                        DRV(tx)->name, s->imsi);
	memcpy(a->k, s->sub.k, 16);
	memcpy(a->op, s->sub.op, 16);
	memcpy(a->amf, s->sub.amf, 2);
	a->opc = s->sub.opc;
	a->ind_bits = s->sub.ind_bits;
	/* Re-synchronisation never moves the counter back: SQNs up to the stored one were
	 * handed out already, and a replayed or retransmitted AUTS must not make them be handed
	 * out again (TS 33.102 6.3.5: keep SQN_HE when its successor is acceptable to the
	 * USIM). */
	a->sqn_prev = s->resync && *s->resync > s->sub.sqn ? *s->resync : s->sub.sqn;
	for (x = a->sqn_prev, i = 0; i < s->n; i++)
		a->sqn[i] = x = s->next(x, a->ind_bits) & HSS_DB_SQN_MAX;
	a->n = s->n;
	s->sub.sqn = x;
	return DRV(tx)->sub_write(tx, &s->sub, HSS_PART_SQN, HSS_W_UPDATE);
}

static int reserve(struct hss_db *db, const char *imsi, unsigned n, hss_db_sqn_next_fn next,
                   const uint64_t *resync, struct hss_auth_data *ret)
{
	struct sqn_arg *s;
	int rc;

	if (!db)
		return hss_db_set_error(EINVAL, "no database");
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
	s->resync = resync;
	if (!(rc = hss_db_run_write(db, 0, body_reserve, s)))
		*ret = s->a;
	explicit_bzero(s, sizeof(*s));   /* K and OP/OPc: only the caller's copy remains */
	free(s);
	return rc;
}

int hss_db_sqn_reserve(struct hss_db *db, const char *imsi, unsigned n, hss_db_sqn_next_fn next,
                       struct hss_auth_data *ret)
{
	return reserve(db, imsi, n, next, NULL, ret);
}

int hss_db_sqn_resync_reserve(struct hss_db *db, const char *imsi, uint64_t sqn_ms, unsigned n,
                              hss_db_sqn_next_fn next, struct hss_auth_data *ret)
{
	return reserve(db, imsi, n, next, &sqn_ms, ret);
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
}

struct srv_arg {
	const char *imsi;
	const struct hss_db_serving_upd *u;   /* set_serving; NULL: purge */
	enum hss_node node;
	const char *host;
	bool matched;
	struct hss_serving old;
	struct hss_sub sub;
};

/* Read the serving state (the subscriber locked), keep a copy of it, store the new one:
 * a ULR's node, or a purge when the purging node is the stored one. */
static int body_serving(struct hss_db_tx *tx, void *arg)
{
	struct srv_arg *a = arg;
	struct hss_serving *s = &a->sub.serving;
	int rc;

	hss_sub_init(&a->sub);
	if ((rc = DRV(tx)->sub_read(tx, a->imsi, HSS_PART_SERVING, &a->sub)))
		return rc;
	a->old = *s;
	if (a->u) {
		hss_serving_apply(s, a->u);
	} else {
		const char *cur = a->node == HSS_NODE_MME ? s->mme_host : s->sgsn_host;

		a->matched = !a->host || !strcasecmp(a->host, cur);
		if (!a->matched)
			return 0;
		if (a->node == HSS_NODE_MME)
			s->mme_purged = true;
		else
			s->sgsn_purged = true;
	}
	return DRV(tx)->sub_write(tx, &a->sub, HSS_PART_SERVING, HSS_W_UPDATE);
}

int hss_db_set_serving(struct hss_db *db, const char *imsi, const struct hss_db_serving_upd *u,
                       struct hss_serving *ret_old)
{
	struct srv_arg *a;
	char err[256];
	int rc;

	if (!db)
		return hss_db_set_error(EINVAL, "no database");
	if ((rc = check_imsi(imsi)))
		return rc;
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
	if (!(a = calloc(1, sizeof(*a))))
		return hss_db_set_error(ENOMEM, "out of memory");
	a->imsi = imsi;
	a->u = u;
	if (!(rc = hss_db_run_write(db, 0, body_serving, a)) && ret_old)
		*ret_old = a->old;
	free(a);
	return rc;
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

	if (!db)
		return hss_db_set_error(EINVAL, "no database");
	if ((rc = check_imsi(imsi)))
		return rc;
	if (node != HSS_NODE_MME && node != HSS_NODE_SGSN)
		return hss_db_set_error(EINVAL, "set_purged: bad node");
	if (!(a = calloc(1, sizeof(*a))))
		return hss_db_set_error(ENOMEM, "out of memory");
	a->imsi = imsi;
	a->node = node;
	a->host = host;
	if (!(rc = hss_db_run_write(db, 0, body_serving, a)) && ret_matched)
		*ret_matched = a->matched;
	free(a);
	return rc;
}

int hss_db_store_nor(struct hss_db *db, const char *imsi, uint32_t nor_flags,
                     int32_t ue_srvcc_support, int32_t homogeneous_ims_voice)
{
	char f[16], s[16], h[16], err[256];
	struct hss_db_kv kv[3];
	size_t n = 0;
	int rc;

	snprintf(f, sizeof(f), "%u", nor_flags);
	kv[n++] = (struct hss_db_kv){ "nor_flags", f };
	if (ue_srvcc_support >= 0) {
		snprintf(s, sizeof(s), "%d", ue_srvcc_support ? 1 : 0);
		kv[n++] = (struct hss_db_kv){ "ue_srvcc_support", s };
	}
	if (homogeneous_ims_voice >= 0) {
		snprintf(h, sizeof(h), "%d", homogeneous_ims_voice ? 1 : 0);
		kv[n++] = (struct hss_db_kv){ "homogeneous_ims_voice", h };
	}
	if ((rc = hss_db_update(db, imsi, kv, n, err, sizeof(err))))
		hss_db_set_error(rc, "%s", err);
	return rc;
}

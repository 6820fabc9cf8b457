/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * store.c: the IMS store handle, reading subscriptions (by id, public identity, private
 * identity, IMSI, MSISDN) and the cache of parsed subscriptions.
 *
 * The cache: parsing and validating a subscription's YAML costs about 0.3 ms; a Cx request
 * reads its subscription every time (another HSS process may have changed it). So each
 * read fetches the stored bytes and compares them with those the cached model was parsed
 * from: equal bytes give the cached model (one memcmp), different ones a new parse. A model
 * is shared read-only, reference-counted, and freed once neither the cache nor a reader
 * holds it. At most IMSDB_CACHE_MAX models are kept, the least recently used go first.
 */
#include "imsdb_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local char tls_err[512];
static _Thread_local unsigned tls_seq;

/* -1: never an errno, so the listing's own errors stay apart */
static int any_cb(const struct hss_db_rec *r, void *arg)
{
	(void)r;
	(void)arg;
	return -1;
}

int imsdb_outbox_empty(struct hss_imsdb *s, const char *table, bool *ret)
{
	int rc = hss_db_rec_list(s->db, table, NULL, NULL, 1, any_cb, NULL);

	if (rc > 0)
		return imsdb_dberr(rc);
	*ret = rc == 0;
	return 0;
}

unsigned imsdb_err_seq(void)
{
	return tls_seq;
}

int imsdb_err(int e, const char *fmt, ...)
{
	va_list ap;

	tls_seq++;
	va_start(ap, fmt);
	vsnprintf(tls_err, sizeof(tls_err), fmt, ap);
	va_end(ap);
	/* inside a transaction body this runs on a database writer thread: the caller finds
	 * the message in hss_db_strerror() (imsdb_tx_result) */
	return hss_db_tx_error(e, tls_err);
}

int imsdb_dberr(int e)
{
	const char *m = hss_db_strerror();

	return imsdb_err(e, "%s", m && *m ? m : strerror(e));
}

const char *hss_imsdb_strerror(void)
{
	return tls_err;
}

int hss_imsdb_open(struct hss_db *db, struct hss_imsdb **ret)
{
	struct hss_imsdb *s;

	if (!db || !ret)
		return imsdb_err(EINVAL, "no database");
	if (!(hss_db_caps(db) & HSS_DB_CAP_RECORDS))
		return imsdb_err(ENOTSUP, "the %s backend cannot hold IMS data (no keyed records)",
		                 hss_db_backend_name(db));
	if (!(s = calloc(1, sizeof(*s))))
		return imsdb_err(ENOMEM, "out of memory");
	s->db = db;
	pthread_mutex_init(&s->mu, NULL);
	*ret = s;
	return 0;
}

static void ref_free(struct ims_ref *r)
{
	hss_ims_sub_free(&r->model);
	if (r->raw) {
		explicit_bzero(r->raw, r->raw_len);   /* holds HA1 and own AKA keys */
		free(r->raw);
	}
	free(r->id);
	free(r);
}

void imsdb_ref_release(struct ims_ref *ref)
{
	if (ref && atomic_fetch_sub(&ref->refs, 1) == 1)
		ref_free(ref);
}

void hss_imsdb_sub_release(struct hss_imsdb_sub *ref)
{
	imsdb_ref_release((struct ims_ref *)ref);
}

void hss_imsdb_close(struct hss_imsdb *s)
{
	struct ims_ref *r, *n;

	if (!s)
		return;
	for (r = s->lru_head; r; r = n) {
		n = r->next;
		r->cached = false;
		imsdb_ref_release(r);
	}
	pthread_mutex_destroy(&s->mu);
	free(s);
}

struct hss_db *hss_imsdb_db(struct hss_imsdb *s)
{
	return s ? s->db : NULL;
}

/* ---- cache (s->mu held) --------------------------------------------------------------- */

static unsigned bucket(const char *id)
{
	uint32_t h = 2166136261u;

	for (; *id; id++)
		h = (h ^ (uint8_t)*id) * 16777619u;
	return h % IMSDB_BUCKETS;
}

static void lru_unlink(struct hss_imsdb *s, struct ims_ref *r)
{
	if (r->prev)
		r->prev->next = r->next;
	else
		s->lru_head = r->next;
	if (r->next)
		r->next->prev = r->prev;
	else
		s->lru_tail = r->prev;
	r->prev = r->next = NULL;
}

static void lru_front(struct hss_imsdb *s, struct ims_ref *r)
{
	r->next = s->lru_head;
	r->prev = NULL;
	if (s->lru_head)
		s->lru_head->prev = r;
	s->lru_head = r;
	if (!s->lru_tail)
		s->lru_tail = r;
}

/* Take r out of the cache; the cache's reference goes to *drop (released by the caller,
 * outside the lock). */
static void cache_remove(struct hss_imsdb *s, struct ims_ref *r, struct ims_ref **drop)
{
	struct ims_ref **pp = &s->buckets[bucket(r->id)];

	while (*pp && *pp != r)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = r->hnext;
	lru_unlink(s, r);
	r->cached = false;
	s->n--;
	*drop = r;
}

static struct ims_ref *cache_find(struct hss_imsdb *s, const char *id)
{
	struct ims_ref *r;

	for (r = s->buckets[bucket(id)]; r; r = r->hnext)
		if (!strcmp(r->id, id))
			return r;
	return NULL;
}

int imsdb_sub_from_rec(struct hss_imsdb *s, const char *id, const struct hss_db_rec *rec,
                       struct ims_ref **ret)
{
	struct ims_ref *r, *drop[2] = { NULL, NULL };
	char err[512];
	int rc;

	pthread_mutex_lock(&s->mu);
	if ((r = cache_find(s, id)) && r->raw_len == rec->len && !memcmp(r->raw, rec->data, rec->len)) {
		atomic_fetch_add(&r->refs, 1);
		r->pub.version = rec->version;
		lru_unlink(s, r);
		lru_front(s, r);
		pthread_mutex_unlock(&s->mu);
		*ret = r;
		return 0;
	}
	pthread_mutex_unlock(&s->mu);

	if (!(r = calloc(1, sizeof(*r))) || !(r->id = strdup(id)) || !(r->raw = malloc(rec->len + 1))) {
		if (r)
			free(r->id);
		free(r);
		return imsdb_err(ENOMEM, "out of memory");
	}
	memcpy(r->raw, rec->data, rec->len);
	r->raw[rec->len] = 0;
	r->raw_len = rec->len;
	hss_ims_sub_init(&r->model);
	/* what the database holds is input like any other: parsed and validated again */
	if ((rc = hss_ims_yaml_parse(id, (const char *)r->raw, r->raw_len, &r->model, err,
	                             sizeof(err)))) {
		ref_free(r);
		return imsdb_err(EIO, "stored IMS subscription '%s' is corrupt: %s", id, err);
	}
	if (!r->model.id || strcmp(r->model.id, id)) {
		rc = imsdb_err(EIO, "stored IMS subscription '%s' holds the id '%.64s'", id,
		               r->model.id ? r->model.id : "");
		ref_free(r);
		return rc;
	}
	r->pub.sub = &r->model;
	r->pub.version = rec->version;
	atomic_init(&r->refs, 2);    /* the caller's and the cache's */
	r->cached = true;

	pthread_mutex_lock(&s->mu);
	{
		struct ims_ref *old = cache_find(s, id);
		unsigned b = bucket(id);

		if (old)
			cache_remove(s, old, &drop[0]);
		if (s->n >= IMSDB_CACHE_MAX && s->lru_tail)
			cache_remove(s, s->lru_tail, &drop[1]);
		r->hnext = s->buckets[b];
		s->buckets[b] = r;
		lru_front(s, r);
		s->n++;
	}
	pthread_mutex_unlock(&s->mu);
	imsdb_ref_release(drop[0]);
	imsdb_ref_release(drop[1]);
	*ret = r;
	return 0;
}

/* ---- reads ---------------------------------------------------------------------------- */

int hss_imsdb_get(struct hss_imsdb *s, const char *id, struct hss_imsdb_sub **ret)
{
	struct hss_db_rec rec = { 0 };
	struct ims_ref *r;
	int rc;

	if (!id || !*id)
		return imsdb_err(EINVAL, "no subscription id");
	if ((rc = hss_db_rec_get(s->db, T_SUB, id, &rec))) {
		if (rc == ENOENT)
			return imsdb_err(ENOENT, "IMS subscription '%s' not found", id);
		return imsdb_dberr(rc);
	}
	rc = imsdb_sub_from_rec(s, id, &rec, &r);
	hss_db_rec_free(&rec);
	if (!rc)
		*ret = &r->pub;
	return rc;
}

/* The id an index record names. */
static int index_id(struct hss_imsdb *s, const char *table, const char *key, char *id,
                    size_t idlen)
{
	struct hss_db_rec rec = { 0 };
	int rc;

	if ((rc = hss_db_rec_get(s->db, table, key, &rec)))
		return rc == ENOENT ? ENOENT : imsdb_dberr(rc);
	if (!rec.len || rec.len >= idlen || memchr(rec.data, 0, rec.len))
		rc = imsdb_err(EIO, "corrupt index record %s/%s", table, key);
	else
		memcpy(id, rec.data, rec.len + 1);
	hss_db_rec_free(&rec);
	return rc;
}

/* The subscription an index points at, re-checked (an index written by another process
 * may be a moment ahead of or behind the subscription). */
static int via_index(struct hss_imsdb *s, const char *table, const char *key,
                     struct hss_imsdb_sub **ret)
{
	char id[HSS_IMS_ID_MAX + 1];
	int rc;

	if ((rc = index_id(s, table, key, id, sizeof(id))))
		return rc;
	return hss_imsdb_get(s, id, ret);
}

struct wild_ctx {
	const char *identity;
	char id[HSS_IMS_ID_MAX + 1];
	bool found, corrupt;
};

static int wild_cb(const struct hss_db_rec *r, void *arg)
{
	struct wild_ctx *w = arg;

	if (hss_ims_wildcard_match(r->key, w->identity) != 1)
		return 0;
	if (!r->len || r->len > HSS_IMS_ID_MAX || memchr(r->data, 0, r->len)) {
		w->corrupt = true;
		return imsdb_err(EIO, "corrupt index record %s/%s", T_WILD, r->key);
	}
	memcpy(w->id, r->data, r->len + 1);
	w->found = true;
	return 1;   /* stop: the first pattern in key order wins */
}

int hss_imsdb_find_impu(struct hss_imsdb *s, const char *identity, struct hss_imsdb_sub **ret,
                        size_t *ret_idx)
{
	char key[HSS_IMS_URI_MAX + 1];
	struct hss_imsdb_sub *ref = NULL;
	struct wild_ctx w = { identity, "", false, false };
	long idx;
	int rc;

	if (!identity || hss_ims_identity_norm(identity, key, sizeof(key)) || !*key)
		return imsdb_err(EINVAL, "public identity '%.80s': empty or too long",
		                 identity ? identity : "");
	rc = via_index(s, T_IMPU, key, &ref);
	if (rc == ENOENT) {
		rc = hss_db_rec_list(s->db, T_WILD, NULL, NULL, 0, wild_cb, &w);
		if (rc == 1)
			rc = hss_imsdb_get(s, w.id, &ref);
		else if (rc == 0)
			rc = ENOENT;
		else if (!w.corrupt)
			rc = imsdb_dberr(rc);
	}
	if (rc) {
		if (rc == ENOENT)
			imsdb_err(ENOENT, "public identity '%s' not found", identity);
		return rc;
	}
	if ((idx = hss_ims_find_impu(ref->sub, identity, true)) < 0) {
		/* the index was changed under us and the subscription no longer has it */
		hss_imsdb_sub_release(ref);
		return imsdb_err(ENOENT, "public identity '%s' not found", identity);
	}
	*ret = ref;
	if (ret_idx)
		*ret_idx = (size_t)idx;
	return 0;
}

int hss_imsdb_find_impi(struct hss_imsdb *s, const char *nai, struct hss_imsdb_sub **ret,
                        size_t *ret_idx)
{
	char key[HSS_IMS_URI_MAX + 1];
	struct hss_imsdb_sub *ref = NULL;
	long idx;
	int rc;

	if (!nai || hss_ims_impi_norm(nai, key, sizeof(key)) || !*key)
		return imsdb_err(EINVAL, "private identity '%.80s': empty or too long", nai ? nai : "");
	if ((rc = via_index(s, T_IMPI, key, &ref))) {
		if (rc == ENOENT)
			imsdb_err(ENOENT, "private identity '%s' not found", nai);
		return rc;
	}
	if ((idx = hss_ims_find_impi(ref->sub, nai)) < 0) {
		hss_imsdb_sub_release(ref);
		return imsdb_err(ENOENT, "private identity '%s' not found", nai);
	}
	*ret = ref;
	if (ret_idx)
		*ret_idx = (size_t)idx;
	return 0;
}

int hss_imsdb_id_by_imsi(struct hss_imsdb *s, const char *imsi, char *id, size_t idlen)
{
	int rc;

	if (!imsi || !*imsi)
		return imsdb_err(EINVAL, "no IMSI");
	if ((rc = index_id(s, T_IMSI, imsi, id, idlen)) == ENOENT)
		imsdb_err(ENOENT, "no IMS subscription linked to IMSI %s", imsi);
	return rc;
}

int hss_imsdb_id_by_msisdn(struct hss_imsdb *s, const char *msisdn, char *id, size_t idlen)
{
	int rc;

	if (!msisdn || !*msisdn)
		return imsdb_err(EINVAL, "no MSISDN");
	if ((rc = index_id(s, T_MSISDN, msisdn, id, idlen)) == ENOENT)
		imsdb_err(ENOENT, "no IMS subscription with MSISDN %s", msisdn);
	return rc;
}

struct list_ctx {
	hss_imsdb_id_cb cb;
	void *arg;
	bool stopped;        /* the callback's return ended the listing */
};

static int list_cb(const struct hss_db_rec *r, void *arg)
{
	struct list_ctx *l = arg;
	int rc = l->cb(r->key, l->arg);

	l->stopped = rc != 0;
	return rc;
}

int hss_imsdb_list(struct hss_imsdb *s, const char *after, uint64_t limit, hss_imsdb_id_cb cb,
                   void *arg)
{
	struct list_ctx l = { cb, arg, false };
	int rc = hss_db_rec_list(s->db, T_SUB, NULL, after, limit, list_cb, &l);

	return rc && !l.stopped ? imsdb_dberr(rc) : rc;
}

int hss_imsdb_impu_key(const struct hss_ims_sub *sub, size_t impu, char *out, size_t outsz)
{
	if (!sub || impu >= sub->n_impus ||
	    hss_ims_identity_norm(sub->impus[impu].identity, out, outsz))
		return imsdb_err(EINVAL, "no such public identity");
	return 0;
}

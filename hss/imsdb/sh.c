/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sh.c: what Sh (TS 29.328) keeps per public identity: repository data (sh.repo, one record
 * per Service-Indication, with its Sequence-Number) and the subscriptions of application
 * servers to notifications (sh.subs, with their expiry). Keys start with the identity's key
 * and a space, so one prefix listing finds everything of an identity.
 */
#include "imsdb_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { R_SEQ = 1, R_SI = 2, R_DATA = 3 };
enum {
	X_IMPU_KEY = 1, X_HOST = 2, X_REALM = 3, X_DREF = 4, X_SI = 5, X_SERVER = 6, X_DSAI = 7,
	X_SETS = 8, X_EXPIRY = 9, X_SEND = 10, X_IMPU = 11,
};

/* "impu_key SP hex(si)" */
static int repo_key(const char *impu_key, const uint8_t *si, size_t si_len, char *key)
{
	size_t l = impu_key ? strlen(impu_key) : 0;

	if (!l || !si_len || l + 1 + 2 * si_len > HSS_DB_REC_KEY_MAX)
		return imsdb_err(EINVAL, "repository data key too long or empty (identity of %zu, "
		                 "service indication of %zu octets)", l, si_len);
	memcpy(key, impu_key, l);
	key[l] = ' ';
	imsdb_hex(si, si_len, key + l + 1);
	return 0;
}

void hss_imsdb_repo_free(struct hss_imsdb_repo *r)
{
	if (!r)
		return;
	free(r->si);
	free(r->data);
	memset(r, 0, sizeof(*r));
}

static int repo_decode(const struct hss_db_rec *rec, struct hss_imsdb_repo *r)
{
	struct ims_dec d = { rec->data, rec->len, 0 };
	const uint8_t *v;
	uint64_t x;
	size_t len;
	uint8_t tag;
	int k;

	memset(r, 0, sizeof(*r));
	while ((k = dec_next(&d, &tag, &v, &len)) > 0) {
		if (tag == R_SEQ) {
			if (!dec_u64(v, len, &x) || x > 65535)
				goto bad;
			r->seq = (uint32_t)x;
		} else if (tag == R_SI && !r->si) {
			if (!len || !(r->si = malloc(len)))
				goto bad;
			memcpy(r->si, v, len);
			r->si_len = len;
		} else if (tag == R_DATA && !r->data) {
			if (!(r->data = malloc(len + 1)))
				goto bad;
			memcpy(r->data, v, len);
			r->data[len] = '\0';
			r->len = len;
		}
	}
	if (k < 0 || !r->si || !r->data)
		goto bad;
	return 0;
bad:
	hss_imsdb_repo_free(r);
	return imsdb_err(EIO, "corrupt repository data %s", rec->key);
}

int hss_imsdb_repo_get(struct hss_imsdb *s, const char *impu_key, const uint8_t *si,
                       size_t si_len, struct hss_imsdb_repo *ret)
{
	struct hss_db_rec rec = { 0 };
	char key[KEY_MAX];
	int rc;

	if ((rc = repo_key(impu_key, si, si_len, key)))
		return rc;
	if ((rc = hss_db_rec_get(s->db, T_REPO, key, &rec)))
		return rc == ENOENT ? imsdb_err(ENOENT, "no repository data %s", key) : imsdb_dberr(rc);
	rc = repo_decode(&rec, ret);
	hss_db_rec_free(&rec);
	return rc;
}

int hss_imsdb_tx_repo_get(struct hss_db_tx *tx, const char *impu_key, const uint8_t *si,
                          size_t si_len, struct hss_imsdb_repo *ret)
{
	struct hss_db_rec rec = { 0 };
	char key[KEY_MAX];
	int rc;

	if ((rc = repo_key(impu_key, si, si_len, key)))
		return rc;
	if ((rc = hss_db_tx_get(tx, T_REPO, key, &rec)))
		return rc == ENOENT ? imsdb_err(ENOENT, "no repository data %s", key) : imsdb_dberr(rc);
	rc = repo_decode(&rec, ret);
	hss_db_rec_free(&rec);
	return rc;
}

int hss_imsdb_tx_repo_put(struct hss_db_tx *tx, const char *impu_key,
                          const struct hss_imsdb_repo *r)
{
	struct ims_enc e = { 0 };
	char key[KEY_MAX];
	int rc;

	if (!r || r->seq > 65535)
		return imsdb_err(EINVAL, "sequence number above 65535");
	if ((rc = repo_key(impu_key, r->si, r->si_len, key)))
		return rc;
	if (!r->data) {
		rc = hss_db_tx_del(tx, T_REPO, key, HSS_DB_REC_ANY);
		return rc == ENOENT ? imsdb_err(ENOENT, "no repository data %s", key)
		                    : rc ? imsdb_dberr(rc) : 0;
	}
	enc_u64(&e, R_SEQ, r->seq);
	enc_bytes(&e, R_SI, r->si, r->si_len);
	enc_bytes(&e, R_DATA, r->data, r->len);
	if (e.oom)
		rc = imsdb_err(ENOMEM, "out of memory");
	else if ((rc = hss_db_tx_put(tx, T_REPO, key, e.p, e.n, HSS_DB_REC_ANY, NULL)))
		rc = imsdb_dberr(rc);
	enc_free(&e);
	return rc;
}

struct repo_ctx {
	hss_imsdb_repo_cb cb;
	void *arg;
	bool stopped;
};

static int repo_cb(const struct hss_db_rec *rec, void *arg)
{
	struct repo_ctx *c = arg;
	struct hss_imsdb_repo r;
	int rc;

	if ((rc = repo_decode(rec, &r)))
		return rc;
	rc = c->cb(&r, c->arg);
	c->stopped = rc != 0;
	hss_imsdb_repo_free(&r);
	return rc;
}

int hss_imsdb_repo_list(struct hss_imsdb *s, const char *impu_key, hss_imsdb_repo_cb cb,
                        void *arg)
{
	struct repo_ctx c = { cb, arg, false };
	char prefix[KEY_MAX];
	unsigned seq = imsdb_err_seq();
	int rc;

	if (!impu_key || snprintf(prefix, sizeof(prefix), "%s ", impu_key) >= (int)HSS_DB_REC_KEY_MAX)
		return imsdb_err(EINVAL, "identity key too long");
	rc = hss_db_rec_list(s->db, T_REPO, prefix, NULL, 0, repo_cb, &c);
	return c.stopped ? rc : imsdb_tx_result(rc, seq);
}

/* ---- subscriptions -------------------------------------------------------------------- */

void hss_imsdb_shsub_free(struct hss_imsdb_shsub *x)
{
	if (!x)
		return;
	free(x->impu_key);
	free(x->as_host);
	free(x->as_realm);
	free(x->si);
	free(x->server_name);
	for (size_t i = 0; i < x->n_dsai_tags; i++)
		free(x->dsai_tags[i]);
	free(x->dsai_tags);
	free(x->impu);
	memset(x, 0, sizeof(*x));
}

/* "impu_key SP as_host SP data_ref SP hex(si)|-" */
static int shsub_key(const struct hss_imsdb_shsub *x, char *key)
{
	char hex[2 * HSS_DB_REC_KEY_MAX + 1];
	int n;

	if (!x || !x->impu_key || !*x->impu_key || !x->as_host || !*x->as_host ||
	    strchr(x->as_host, ' ') || x->si_len > HSS_DB_REC_KEY_MAX / 2)
		return imsdb_err(EINVAL, "Sh subscription: identity key, AS host and service "
		                 "indication needed");
	if (x->si_len)
		imsdb_hex(x->si, x->si_len, hex);
	n = snprintf(key, KEY_MAX, "%s %s %u %s", x->impu_key, x->as_host, x->data_ref,
	             x->si_len ? hex : "-");
	if (n < 0 || n > (int)HSS_DB_REC_KEY_MAX)
		return imsdb_err(EINVAL, "Sh subscription key longer than %u octets",
		                 HSS_DB_REC_KEY_MAX);
	return 0;
}

static int shsub_encode(const struct hss_imsdb_shsub *x, struct ims_enc *e)
{
	enc_str(e, X_IMPU_KEY, x->impu_key);
	enc_str(e, X_HOST, x->as_host);
	enc_str(e, X_REALM, x->as_realm);
	enc_u64(e, X_DREF, x->data_ref);
	if (x->si_len)
		enc_bytes(e, X_SI, x->si, x->si_len);
	enc_str(e, X_SERVER, x->server_name);
	for (size_t i = 0; i < x->n_dsai_tags; i++)
		enc_str(e, X_DSAI, x->dsai_tags[i]);
	enc_u64(e, X_SETS, x->identity_sets);
	enc_u64(e, X_EXPIRY, (uint64_t)x->expiry);
	enc_u64(e, X_SEND, x->send_data);
	enc_str(e, X_IMPU, x->impu);
	return e->oom ? ENOMEM : 0;
}

static int shsub_decode(const struct hss_db_rec *rec, struct hss_imsdb_shsub *x)
{
	struct ims_dec d = { rec->data, rec->len, 0 };
	const uint8_t *v;
	uint64_t n;
	size_t len;
	uint8_t tag;
	int k;

	memset(x, 0, sizeof(*x));
	while ((k = dec_next(&d, &tag, &v, &len)) > 0) {
		char **f = NULL;

		switch (tag) {
		case X_IMPU_KEY:
			f = &x->impu_key;
			break;
		case X_HOST:
			f = &x->as_host;
			break;
		case X_REALM:
			f = &x->as_realm;
			break;
		case X_SERVER:
			f = &x->server_name;
			break;
		case X_IMPU:
			f = &x->impu;
			break;
		case X_SI:
			free(x->si);
			if (!len || !(x->si = malloc(len)))
				goto bad;
			memcpy(x->si, v, len);
			x->si_len = len;
			continue;
		case X_DSAI: {
			char **t = realloc(x->dsai_tags, (x->n_dsai_tags + 1) * sizeof(*t));
			if (!t)
				goto bad;
			x->dsai_tags = t;
			if (!(t[x->n_dsai_tags] = dec_str(v, len)))
				goto bad;
			x->n_dsai_tags++;
			continue;
		}
		case X_DREF:
		case X_SETS:
		case X_EXPIRY:
		case X_SEND:
			if (!dec_u64(v, len, &n))
				goto bad;
			if (tag == X_DREF)
				x->data_ref = (uint32_t)n;
			else if (tag == X_SETS)
				x->identity_sets = (uint32_t)n;
			else if (tag == X_EXPIRY)
				x->expiry = (int64_t)n;
			else
				x->send_data = n != 0;
			continue;
		default:
			continue;
		}
		free(*f);
		if (!(*f = dec_str(v, len)))
			goto bad;
	}
	if (k < 0 || !x->impu_key || !x->as_host)
		goto bad;
	return 0;
bad:
	hss_imsdb_shsub_free(x);
	return imsdb_err(EIO, "corrupt Sh subscription %s", rec->key);
}

int hss_imsdb_shsub_put(struct hss_imsdb *s, const struct hss_imsdb_shsub *x)
{
	struct ims_enc e = { 0 };
	char key[KEY_MAX];
	int rc;

	if ((rc = shsub_key(x, key)))
		return rc;
	if ((rc = shsub_encode(x, &e)))
		rc = imsdb_err(rc, "out of memory");
	else if ((rc = hss_db_rec_put(s->db, T_SHSUB, key, e.p, e.n, HSS_DB_REC_ANY, NULL)))
		rc = imsdb_dberr(rc);
	enc_free(&e);
	return rc;
}

int hss_imsdb_shsub_del(struct hss_imsdb *s, const struct hss_imsdb_shsub *x)
{
	char key[KEY_MAX];
	int rc;

	if ((rc = shsub_key(x, key)))
		return rc;
	rc = hss_db_rec_del(s->db, T_SHSUB, key, HSS_DB_REC_ANY);
	return rc == ENOENT ? imsdb_err(ENOENT, "no such Sh subscription") : rc ? imsdb_dberr(rc) : 0;
}

struct shsub_ctx {
	uint32_t data_ref;
	int64_t now;
	hss_imsdb_shsub_cb cb;
	void *arg;
	bool stopped;
};

static int shsub_cb(const struct hss_db_rec *rec, void *arg)
{
	struct shsub_ctx *c = arg;
	struct hss_imsdb_shsub x;
	int rc;

	if ((rc = shsub_decode(rec, &x)))
		return rc;
	if ((c->data_ref == UINT32_MAX || x.data_ref == c->data_ref) &&
	    (!x.expiry || x.expiry > c->now)) {
		rc = c->cb(&x, c->arg);
		c->stopped = rc != 0;
	}
	hss_imsdb_shsub_free(&x);
	return rc;
}

int hss_imsdb_shsub_list(struct hss_imsdb *s, const char *impu_key, uint32_t data_ref,
                         int64_t now, hss_imsdb_shsub_cb cb, void *arg)
{
	struct shsub_ctx c = { data_ref, now ? now : (int64_t)time(NULL), cb, arg, false };
	char prefix[KEY_MAX];
	unsigned seq = imsdb_err_seq();
	int rc;

	if (!impu_key || snprintf(prefix, sizeof(prefix), "%s ", impu_key) >= (int)HSS_DB_REC_KEY_MAX)
		return imsdb_err(EINVAL, "identity key too long");
	rc = hss_db_rec_list(s->db, T_SHSUB, prefix, NULL, 0, shsub_cb, &c);
	return c.stopped ? rc : imsdb_tx_result(rc, seq);
}

struct expire_ctx {
	int64_t now;
	char (*keys)[KEY_MAX];
	size_t n, cap;
};

static int expired_cb(const struct hss_db_rec *rec, void *arg)
{
	struct expire_ctx *c = arg;
	struct hss_imsdb_shsub x;

	if (shsub_decode(rec, &x))
		return 0;   /* not ours to judge here: a reader reports it */
	if (x.expiry && x.expiry <= c->now) {
		if (c->n == c->cap) {
			size_t cap = c->cap ? 2 * c->cap : 16;
			char (*n)[KEY_MAX] = realloc(c->keys, cap * sizeof(*n));
			if (!n) {
				hss_imsdb_shsub_free(&x);
				return imsdb_err(ENOMEM, "out of memory");
			}
			c->keys = n;
			c->cap = cap;
		}
		snprintf(c->keys[c->n++], KEY_MAX, "%s", rec->key);
	}
	hss_imsdb_shsub_free(&x);
	return 0;
}

int hss_imsdb_shsub_expire(struct hss_imsdb *s, int64_t now, size_t *ret_n)
{
	struct expire_ctx c = { now ? now : (int64_t)time(NULL), NULL, 0, 0 };
	size_t done = 0;
	int rc = hss_db_rec_list(s->db, T_SHSUB, NULL, NULL, 0, expired_cb, &c);

	if (rc && rc != ENOMEM)
		rc = imsdb_dberr(rc);
	for (size_t i = 0; !rc && i < c.n; i++) {
		rc = hss_db_rec_del(s->db, T_SHSUB, c.keys[i], HSS_DB_REC_ANY);
		if (rc == ENOENT)
			rc = 0;   /* removed by another process meanwhile */
		else if (rc)
			rc = imsdb_dberr(rc);
		else
			done++;
	}
	free(c.keys);
	if (ret_n)
		*ret_n = done;
	return rc;
}

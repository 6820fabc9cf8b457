/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * state.c: the registration state of an IMS subscription (ims.state): the assigned S-CSCF,
 * the state of each public identity with the private identities registered with it, the
 * authentications in progress; its encoding, the helpers that change it, and the
 * read-modify-write transaction the Cx procedures run their decisions in.
 */
#include "imsdb_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum {   /* tags of ims.state */
	S_SCSCF_NAME = 1, S_SCSCF_HOST = 2, S_SCSCF_REALM = 3, S_SCSCF_TIME = 4,
	S_IMPU = 10, S_IMPI = 20,
	/* inside S_IMPU */
	U_ID = 1, U_REG = 2, U_SINCE = 3, U_IMPI = 4,
	/* inside S_IMPI */
	I_ID = 1, I_SCHEME = 2, I_TIME = 3,
};

const char *hss_imsdb_reg_name(enum hss_imsdb_reg r)
{
	switch (r) {
	case HSS_IMSDB_NOT_REGISTERED:
		return "NOT_REGISTERED";
	case HSS_IMSDB_REGISTERED:
		return "REGISTERED";
	case HSS_IMSDB_UNREGISTERED:
		return "UNREGISTERED";
	}
	return "?";
}

void hss_imsdb_state_init(struct hss_imsdb_state *st)
{
	memset(st, 0, sizeof(*st));
}

static void impu_state_free(struct hss_imsdb_impu_state *u)
{
	free(u->identity);
	for (size_t i = 0; i < u->n_impis; i++)
		free(u->impis[i]);
	free(u->impis);
	memset(u, 0, sizeof(*u));
}

void hss_imsdb_state_free(struct hss_imsdb_state *st)
{
	if (!st)
		return;
	free(st->scscf_name);
	free(st->scscf_host);
	free(st->scscf_realm);
	for (size_t i = 0; i < st->n_impus; i++)
		impu_state_free(&st->impus[i]);
	free(st->impus);
	for (size_t i = 0; i < st->n_impis; i++)
		free(st->impis[i].identity);
	free(st->impis);
	memset(st, 0, sizeof(*st));
}

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

static bool impi_eq(const char *a, const char *b)
{
	char x[HSS_IMS_URI_MAX + 1], y[HSS_IMS_URI_MAX + 1];

	if (!a || !b)
		return false;
	if (!strcmp(a, b))
		return true;
	return !hss_ims_impi_norm(a, x, sizeof(x)) && !hss_ims_impi_norm(b, y, sizeof(y)) &&
	       !strcmp(x, y);
}

struct hss_imsdb_impu_state *hss_imsdb_state_impu(struct hss_imsdb_state *st, const char *impu,
                                                  bool create)
{
	struct hss_imsdb_impu_state *n;

	for (size_t i = 0; i < st->n_impus; i++)
		if (hss_ims_identity_eq(st->impus[i].identity, impu))
			return &st->impus[i];
	if (!create || !impu)
		return NULL;
	if (!(n = realloc(st->impus, (st->n_impus + 1) * sizeof(*n))))
		return NULL;
	st->impus = n;
	n = &st->impus[st->n_impus];
	memset(n, 0, sizeof(*n));
	if (!(n->identity = strdup(impu)))
		return NULL;
	st->n_impus++;
	return n;
}

struct hss_imsdb_impi_state *hss_imsdb_state_impi(struct hss_imsdb_state *st, const char *impi,
                                                  bool create)
{
	struct hss_imsdb_impi_state *n;

	for (size_t i = 0; i < st->n_impis; i++)
		if (impi_eq(st->impis[i].identity, impi))
			return &st->impis[i];
	if (!create || !impi)
		return NULL;
	if (!(n = realloc(st->impis, (st->n_impis + 1) * sizeof(*n))))
		return NULL;
	st->impis = n;
	n = &st->impis[st->n_impis];
	memset(n, 0, sizeof(*n));
	if (!(n->identity = strdup(impi)))
		return NULL;
	st->n_impis++;
	return n;
}

enum hss_imsdb_reg hss_imsdb_state_reg(const struct hss_imsdb_state *st, const char *impu)
{
	for (size_t i = 0; i < st->n_impus; i++)
		if (hss_ims_identity_eq(st->impus[i].identity, impu))
			return st->impus[i].reg;
	return HSS_IMSDB_NOT_REGISTERED;
}

int hss_imsdb_state_set(struct hss_imsdb_state *st, const char *impu, enum hss_imsdb_reg reg,
                        const char *impi)
{
	struct hss_imsdb_impu_state *u = hss_imsdb_state_impu(st, impu, true);
	char **n;

	if (!u)
		return ENOMEM;
	if (u->reg != reg)
		u->since = now_s();
	u->reg = reg;
	if (reg != HSS_IMSDB_REGISTERED) {
		for (size_t i = 0; i < u->n_impis; i++)
			free(u->impis[i]);
		u->n_impis = 0;
		return 0;
	}
	if (!impi)
		return 0;
	for (size_t i = 0; i < u->n_impis; i++)
		if (impi_eq(u->impis[i], impi))
			return 0;
	if (u->n_impis >= HSS_IMS_MAX_IMPIS)
		return 0;   /* a subscription has at most that many: nothing new to record */
	if (!(n = realloc(u->impis, (u->n_impis + 1) * sizeof(*n))) || !(n[u->n_impis] = strdup(impi))) {
		if (n)
			u->impis = n;
		return ENOMEM;
	}
	u->impis = n;
	u->n_impis++;
	return 0;
}

bool hss_imsdb_state_drop_impi(struct hss_imsdb_state *st, const char *impu, const char *impi)
{
	struct hss_imsdb_impu_state *u = hss_imsdb_state_impu(st, impu, false);

	if (!u || u->reg != HSS_IMSDB_REGISTERED)
		return false;
	for (size_t i = 0; i < u->n_impis; i++)
		if (impi_eq(u->impis[i], impi)) {
			free(u->impis[i]);
			u->impis[i] = u->impis[--u->n_impis];
			break;
		}
	if (u->n_impis)
		return false;
	u->reg = HSS_IMSDB_NOT_REGISTERED;
	u->since = now_s();
	return true;
}

bool hss_imsdb_state_active(const struct hss_imsdb_state *st)
{
	for (size_t i = 0; i < st->n_impus; i++)
		if (st->impus[i].reg != HSS_IMSDB_NOT_REGISTERED)
			return true;
	return false;
}

static int set_str(char **f, const char *v)
{
	char *n = NULL;

	if (v && *v && !(n = strdup(v)))
		return ENOMEM;
	free(*f);
	*f = n;
	return 0;
}

int hss_imsdb_state_scscf(struct hss_imsdb_state *st, const char *name, const char *host,
                          const char *realm)
{
	if (set_str(&st->scscf_name, name) || set_str(&st->scscf_host, name ? host : NULL) ||
	    set_str(&st->scscf_realm, name ? realm : NULL))
		return ENOMEM;
	st->scscf_time = name ? now_s() : 0;
	return 0;
}

void hss_imsdb_state_prune(struct hss_imsdb_state *st, const struct hss_ims_sub *sub)
{
	size_t o = 0;

	for (size_t i = 0; i < st->n_impus; i++) {
		if (hss_ims_find_impu(sub, st->impus[i].identity, false) < 0)
			impu_state_free(&st->impus[i]);
		else
			st->impus[o++] = st->impus[i];
	}
	st->n_impus = o;
	o = 0;
	for (size_t i = 0; i < st->n_impis; i++) {
		if (hss_ims_find_impi(sub, st->impis[i].identity) < 0)
			free(st->impis[i].identity);
		else
			st->impis[o++] = st->impis[i];
	}
	st->n_impis = o;
}

/* ---- encoding ------------------------------------------------------------------------- */

static int state_encode(const struct hss_imsdb_state *st, struct ims_enc *e)
{
	enc_str(e, S_SCSCF_NAME, st->scscf_name);
	enc_str(e, S_SCSCF_HOST, st->scscf_host);
	enc_str(e, S_SCSCF_REALM, st->scscf_realm);
	if (st->scscf_time)
		enc_u64(e, S_SCSCF_TIME, (uint64_t)st->scscf_time);
	for (size_t i = 0; i < st->n_impus; i++) {
		const struct hss_imsdb_impu_state *u = &st->impus[i];
		struct ims_enc x = { 0 };

		if (u->reg == HSS_IMSDB_NOT_REGISTERED && !u->since)
			continue;
		enc_str(&x, U_ID, u->identity);
		enc_u64(&x, U_REG, (uint64_t)u->reg);
		enc_u64(&x, U_SINCE, (uint64_t)u->since);
		for (size_t k = 0; k < u->n_impis; k++)
			enc_str(&x, U_IMPI, u->impis[k]);
		if (x.oom)
			e->oom = true;
		else
			enc_bytes(e, S_IMPU, x.p, x.n);
		enc_free(&x);
	}
	for (size_t i = 0; i < st->n_impis; i++) {
		const struct hss_imsdb_impi_state *p = &st->impis[i];
		struct ims_enc x = { 0 };

		if (!p->auth_scheme)
			continue;
		enc_str(&x, I_ID, p->identity);
		enc_u64(&x, I_SCHEME, p->auth_scheme);
		enc_u64(&x, I_TIME, (uint64_t)p->auth_time);
		if (x.oom)
			e->oom = true;
		else
			enc_bytes(e, S_IMPI, x.p, x.n);
		enc_free(&x);
	}
	return e->oom ? ENOMEM : 0;
}

static int dec_impu(struct hss_imsdb_state *st, const uint8_t *v, size_t len)
{
	struct ims_dec d = { v, len, 0 };
	struct hss_imsdb_impu_state *u = NULL;
	const uint8_t *fv;
	uint64_t x;
	size_t fl;
	uint8_t tag;
	char *id = NULL, *impi;
	int r, rc = 0;

	while ((r = dec_next(&d, &tag, &fv, &fl)) > 0) {
		if (tag == U_ID && !id) {
			if (!(id = dec_str(fv, fl)) || !(u = hss_imsdb_state_impu(st, id, true)))
				goto bad;
		} else if (!u) {
			goto bad;   /* the identity comes first */
		} else if (tag == U_REG) {
			if (!dec_u64(fv, fl, &x) || x > HSS_IMSDB_UNREGISTERED)
				goto bad;
			u->reg = (enum hss_imsdb_reg)x;
		} else if (tag == U_SINCE) {
			if (!dec_u64(fv, fl, &x))
				goto bad;
			u->since = (int64_t)x;
		} else if (tag == U_IMPI) {
			enum hss_imsdb_reg keep = u->reg;
			int64_t since = u->since;
			if (!(impi = dec_str(fv, fl)))
				goto bad;
			rc = hss_imsdb_state_set(st, id, HSS_IMSDB_REGISTERED, impi);
			u = hss_imsdb_state_impu(st, id, false);
			u->reg = keep;
			u->since = since;
			free(impi);
			if (rc)
				goto out;
		}
	}
	if (r < 0 || !u)
		goto bad;
	goto out;
bad:
	rc = EIO;
out:
	free(id);
	return rc;
}

static int dec_impi(struct hss_imsdb_state *st, const uint8_t *v, size_t len)
{
	struct ims_dec d = { v, len, 0 };
	struct hss_imsdb_impi_state *p = NULL;
	const uint8_t *fv;
	uint64_t x;
	size_t fl;
	uint8_t tag;
	char *id;
	int r;

	while ((r = dec_next(&d, &tag, &fv, &fl)) > 0) {
		if (tag == I_ID && !p) {
			if (!(id = dec_str(fv, fl)))
				return EIO;
			p = hss_imsdb_state_impi(st, id, true);
			free(id);
			if (!p)
				return ENOMEM;
		} else if (!p) {
			return EIO;
		} else if (tag == I_SCHEME || tag == I_TIME) {
			if (!dec_u64(fv, fl, &x))
				return EIO;
			if (tag == I_SCHEME)
				p->auth_scheme = (uint32_t)x;
			else
				p->auth_time = (int64_t)x;
		}
	}
	return r < 0 || !p ? EIO : 0;
}

static int state_decode(const char *id, const struct hss_db_rec *rec, struct hss_imsdb_state *st)
{
	struct ims_dec d = { rec->data, rec->len, 0 };
	const uint8_t *v;
	uint64_t x;
	size_t len;
	uint8_t tag;
	int r, rc = 0;

	hss_imsdb_state_init(st);
	while (!rc && (r = dec_next(&d, &tag, &v, &len)) > 0) {
		char **f = tag == S_SCSCF_NAME ? &st->scscf_name : tag == S_SCSCF_HOST ? &st->scscf_host :
		           tag == S_SCSCF_REALM ? &st->scscf_realm : NULL;
		if (f) {
			free(*f);
			if (!(*f = dec_str(v, len)))
				rc = EIO;
		} else if (tag == S_SCSCF_TIME) {
			if (!dec_u64(v, len, &x))
				rc = EIO;
			st->scscf_time = (int64_t)x;
		} else if (tag == S_IMPU) {
			rc = dec_impu(st, v, len);
		} else if (tag == S_IMPI) {
			rc = dec_impi(st, v, len);
		}
	}
	if (!rc && r < 0)
		rc = EIO;
	if (rc) {
		hss_imsdb_state_free(st);
		return imsdb_err(rc, rc == ENOMEM ? "out of memory" :
		                 "stored registration state of IMS subscription '%s' is corrupt", id);
	}
	st->version = rec->version;
	return 0;
}

int hss_imsdb_state_get(struct hss_imsdb *s, const char *id, struct hss_imsdb_state *ret)
{
	struct hss_db_rec rec = { 0 };
	int rc;

	if (!id || !*id)
		return imsdb_err(EINVAL, "no subscription id");
	rc = hss_db_rec_get(s->db, T_STATE, id, &rec);
	if (rc == ENOENT) {
		hss_imsdb_state_init(ret);
		return 0;
	}
	if (rc)
		return imsdb_dberr(rc);
	rc = state_decode(id, &rec, ret);
	hss_db_rec_free(&rec);
	return rc;
}

/* ---- the update transaction ----------------------------------------------------------- */

struct upd {
	struct hss_imsdb *s;
	const char *id;
	hss_imsdb_state_fn fn;
	void *arg;
};

/* Read the state inside a transaction (empty when none is stored). */
int imsdb_tx_state_get(struct hss_db_tx *tx, const char *id, struct hss_imsdb_state *st)
{
	struct hss_db_rec rec = { 0 };
	int rc = hss_db_tx_get(tx, T_STATE, id, &rec);

	if (rc == ENOENT) {
		hss_imsdb_state_init(st);
		return 0;
	}
	if (rc)
		return imsdb_dberr(rc);
	rc = state_decode(id, &rec, st);
	hss_db_rec_free(&rec);
	return rc;
}

int imsdb_tx_state_put(struct hss_db_tx *tx, const char *id, const struct hss_imsdb_state *st)
{
	struct ims_enc e = { 0 };
	int rc;

	if ((rc = state_encode(st, &e)))
		return imsdb_err(rc, "out of memory");
	if (!e.n && !st->version) {
		enc_free(&e);
		return 0;   /* nothing to keep and nothing stored */
	}
	rc = hss_db_tx_put(tx, T_STATE, id, e.p ? e.p : (uint8_t *)"", e.n, HSS_DB_REC_ANY, NULL);
	enc_free(&e);
	return rc ? imsdb_dberr(rc) : 0;
}

static int upd_body(struct hss_db_tx *tx, void *arg)
{
	struct upd *u = arg;
	struct hss_imsdb_tx t = { tx, u->s };
	struct hss_db_rec rec = { 0 }, old = { 0 };
	struct hss_imsdb_state st;
	struct ims_ref *ref = NULL;
	struct ims_enc e = { 0 };
	int rc;

	hss_imsdb_state_init(&st);
	if ((rc = hss_db_tx_get(tx, T_SUB, u->id, &rec))) {
		if (rc == ENOENT)
			return imsdb_err(ENOENT, "IMS subscription '%s' not found", u->id);
		return imsdb_dberr(rc);
	}
	rc = imsdb_sub_from_rec(u->s, u->id, &rec, &ref);
	hss_db_rec_free(&rec);
	if (rc)
		goto out;
	if ((rc = hss_db_tx_get(tx, T_STATE, u->id, &old)) == ENOENT)
		rc = 0;
	else if (rc)
		rc = imsdb_dberr(rc);
	else
		rc = state_decode(u->id, &old, &st);
	if (rc)
		goto out;
	rc = u->fn(&t, ref->pub.sub, &st, u->arg);
	if (rc == HSS_IMSDB_NO_CHANGE) {
		rc = 0;
		goto out;
	}
	if (rc)
		goto out;
	hss_imsdb_state_prune(&st, ref->pub.sub);
	if ((rc = state_encode(&st, &e))) {
		rc = imsdb_err(rc, "out of memory");
		goto out;
	}
	/* the same bytes as stored (a re-registration, a repeated request): no write, no commit
	 * to wait for */
	if ((old.version ? e.n == old.len && (!e.n || !memcmp(e.p, old.data, e.n)) : !e.n))
		goto out;
	rc = hss_db_tx_put(tx, T_STATE, u->id, e.p ? e.p : (uint8_t *)"", e.n, HSS_DB_REC_ANY, NULL);
	if (rc)
		rc = imsdb_dberr(rc);
out:
	enc_free(&e);
	hss_db_rec_free(&old);
	hss_imsdb_state_free(&st);
	imsdb_ref_release(ref);
	return rc;
}

int hss_imsdb_update(struct hss_imsdb *s, const char *id, hss_imsdb_state_fn fn, void *arg)
{
	struct upd u = { s, id, fn, arg };
	unsigned seq = imsdb_err_seq();

	if (!id || !*id || !fn)
		return imsdb_err(EINVAL, "no subscription id or no body");
	return imsdb_tx_result(hss_db_rec_tx(s->db, upd_body, &u), seq);
}

int hss_imsdb_tx_push(struct hss_imsdb_tx *t, const struct hss_imsdb_push *p)
{
	return imsdb_tx_push_add(t->tx, p);
}

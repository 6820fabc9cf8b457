/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * provision.c: storing, deleting, linking and exporting IMS subscriptions. Each change is
 * one transaction holding the subscription, every index that finds it (identities, IMSI,
 * MSISDN), the own AKA credentials of its private identities and, when the subscription is
 * registered, the PPR or RTR that tells its S-CSCF: a concurrent HSS never sees an index
 * without its subscription or the other way round, and a change is never half made.
 */
#include "imsdb_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ikey {
	const char *table;
	char key[HSS_IMS_URI_MAX + 1];
	const char *what;            /* for messages: "public identity" ... */
};

/* Every index record a subscription needs. *ret malloc'd. */
static int sub_keys(const struct hss_ims_sub *sub, struct ikey **ret, size_t *ret_n)
{
	size_t max = sub->n_impus + 2 * sub->n_impis + sub->n_msisdns, n = 0;
	struct ikey *k = calloc(max ? max : 1, sizeof(*k));

	if (!k)
		return imsdb_err(ENOMEM, "out of memory");
	for (size_t i = 0; i < sub->n_impus; i++) {
		const struct hss_ims_impu *u = &sub->impus[i];
		bool wild = u->type == HSS_IMS_ID_WILDCARDED_PSI || u->type == HSS_IMS_ID_WILDCARDED_IMPU;

		k[n].table = wild ? T_WILD : T_IMPU;
		k[n].what = wild ? "wildcarded identity" : "public identity";
		if (wild ? (snprintf(k[n].key, sizeof(k[n].key), "%s", u->identity) >=
		            (int)sizeof(k[n].key))
		         : hss_ims_identity_norm(u->identity, k[n].key, sizeof(k[n].key)))
			goto toolong;
		n++;
	}
	for (size_t i = 0; i < sub->n_impis; i++) {
		k[n].table = T_IMPI;
		k[n].what = "private identity";
		if (hss_ims_impi_norm(sub->impis[i].identity, k[n].key, sizeof(k[n].key)))
			goto toolong;
		n++;
		if (sub->impis[i].imsi[0]) {
			bool dup = false;
			for (size_t j = 0; j < n; j++)
				dup |= !strcmp(k[j].table, T_IMSI) && !strcmp(k[j].key, sub->impis[i].imsi);
			if (dup)
				continue;
			k[n].table = T_IMSI;
			k[n].what = "IMSI";
			snprintf(k[n].key, sizeof(k[n].key), "%s", sub->impis[i].imsi);
			n++;
		}
	}
	for (size_t i = 0; i < sub->n_msisdns; i++) {
		k[n].table = T_MSISDN;
		k[n].what = "MSISDN";
		snprintf(k[n].key, sizeof(k[n].key), "%s", sub->msisdns[i]);
		n++;
	}
	*ret = k;
	*ret_n = n;
	return 0;
toolong:
	free(k);
	return imsdb_err(EINVAL, "identity too long for an index key");
}

static bool has_key(const struct ikey *k, size_t n, const struct ikey *x)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(k[i].table, x->table) && !strcmp(k[i].key, x->key))
			return true;
	return false;
}

/* The id an index record holds, "" when absent. */
static int tx_index(struct hss_db_tx *tx, const struct ikey *k, char *id, size_t idlen)
{
	struct hss_db_rec r = { 0 };
	int rc = hss_db_tx_get(tx, k->table, k->key, &r);

	id[0] = '\0';
	if (rc == ENOENT)
		return 0;
	if (rc)
		return imsdb_dberr(rc);
	if (r.len && r.len < idlen && !memchr(r.data, 0, r.len))
		memcpy(id, r.data, r.len + 1);
	hss_db_rec_free(&r);
	return 0;
}

/* Remove the index records among k that still point at id. */
static int drop_keys(struct hss_db_tx *tx, const char *id, const struct ikey *k, size_t n,
                     const struct ikey *keep, size_t nkeep)
{
	char cur[HSS_IMS_ID_MAX + 1];
	int rc;

	for (size_t i = 0; i < n; i++) {
		if (has_key(keep, nkeep, &k[i]))
			continue;
		if ((rc = tx_index(tx, &k[i], cur, sizeof(cur))))
			return rc;
		if (!strcmp(cur, id) && (rc = hss_db_tx_del(tx, k[i].table, k[i].key, HSS_DB_REC_ANY)))
			return imsdb_dberr(rc);
	}
	return 0;
}

static void impi_aka_key(const struct hss_ims_impi *p, char *key, size_t len)
{
	if (hss_ims_impi_norm(p->identity, key, len))
		key[0] = '\0';
}

/* ---- put ------------------------------------------------------------------------------ */

struct put_ctx {
	struct hss_imsdb *s;
	const struct hss_ims_sub *sub;
	const char *yaml;            /* sub as stored (own SQNs left out) */
	size_t ylen;
	unsigned flags;
	uint64_t expect;             /* the version the stored subscription must have, or 0 */
	struct hss_imsdb_put_info info;
};

static int put_aka(struct hss_db_tx *tx, const struct hss_ims_sub *sub,
                   const struct hss_ims_sub *old, unsigned flags)
{
	char key[HSS_IMS_URI_MAX + 1];
	int rc = 0;

	for (size_t i = 0; !rc && i < sub->n_impis; i++) {
		const struct hss_ims_impi *p = &sub->impis[i];
		struct hss_db_rec r = { 0 };
		struct hss_ims_aka a, cur;
		struct ims_enc e = { 0 };

		if (!p->aka.present)
			continue;
		impi_aka_key(p, key, sizeof(key));
		a = p->aka;
		rc = hss_db_tx_get(tx, T_AKA, key, &r);
		if (!rc) {
			/* a live counter never moves back because of provisioning */
			if (!(flags & HSS_IMSDB_PUT_RESET_SQN) && !imsdb_aka_decode(&r, &cur) &&
			    cur.sqn > a.sqn)
				a.sqn = cur.sqn;
			explicit_bzero(&cur, sizeof(cur));
			hss_db_rec_free(&r);
		} else if (rc != ENOENT) {
			return imsdb_dberr(rc);
		}
		if ((rc = imsdb_aka_encode(&a, &e)))
			imsdb_err(rc, "out of memory");
		else if ((rc = hss_db_tx_put(tx, T_AKA, key, e.p, e.n, HSS_DB_REC_ANY, NULL)))
			imsdb_dberr(rc);
		enc_free(&e);
		explicit_bzero(&a, sizeof(a));
	}
	/* credentials of private identities that left, or no longer have their own */
	for (size_t i = 0; !rc && old && i < old->n_impis; i++) {
		long j;

		if (!old->impis[i].aka.present)
			continue;
		j = hss_ims_find_impi(sub, old->impis[i].identity);
		if (j >= 0 && sub->impis[j].aka.present)
			continue;
		impi_aka_key(&old->impis[i], key, sizeof(key));
		rc = hss_db_tx_del(tx, T_AKA, key, HSS_DB_REC_ANY);
		if (rc == ENOENT)
			rc = 0;
		else if (rc)
			imsdb_dberr(rc);
	}
	return rc;
}

static int put_body(struct hss_db_tx *tx, void *arg)
{
	struct put_ctx *c = arg;
	const struct hss_ims_sub *sub = c->sub;
	struct hss_db_rec r = { 0 };
	struct ims_ref *old = NULL;
	struct ikey *nk = NULL, *ok = NULL;
	struct hss_imsdb_state st;
	size_t nn = 0, on = 0;
	char cur[HSS_IMS_ID_MAX + 1];
	int rc;

	memset(&c->info, 0, sizeof(c->info));
	hss_imsdb_state_init(&st);
	rc = hss_db_tx_get(tx, T_SUB, sub->id, &r);
	if (rc && rc != ENOENT)
		return imsdb_dberr(rc);
	if (!rc) {
		c->info.replaced = true;
		if (c->flags & HSS_IMSDB_PUT_NO_REPLACE) {
			hss_db_rec_free(&r);
			return imsdb_err(EEXIST, "IMS subscription '%s' exists", sub->id);
		}
		if (c->expect && r.version != c->expect) {
			hss_db_rec_free(&r);
			return imsdb_err(ECANCELED, "IMS subscription '%s' changed meanwhile", sub->id);
		}
		/* the old version's indexes are dropped below; a corrupt old version has none we
		 * can name: its records are overwritten where the new one has them */
		if (imsdb_sub_from_rec(c->s, sub->id, &r, &old))
			old = NULL;
		hss_db_rec_free(&r);
	} else if (c->expect) {
		return imsdb_err(ENOENT, "IMS subscription '%s' not found", sub->id);
	}
	if ((rc = sub_keys(sub, &nk, &nn)) || (old && (rc = sub_keys(&old->model, &ok, &on))))
		goto out;
	for (size_t i = 0; i < nn; i++) {
		if ((rc = tx_index(tx, &nk[i], cur, sizeof(cur))))
			goto out;
		if (cur[0] && strcmp(cur, sub->id)) {
			rc = imsdb_err(EEXIST, "%s %s belongs to IMS subscription '%s'", nk[i].what,
			               nk[i].key, cur);
			goto out;
		}
		if (!cur[0] && (rc = hss_db_tx_put(tx, nk[i].table, nk[i].key, sub->id,
		                                   strlen(sub->id), HSS_DB_REC_ANY, NULL))) {
			rc = imsdb_dberr(rc);
			goto out;
		}
	}
	if (old && (rc = drop_keys(tx, sub->id, ok, on, nk, nn)))
		goto out;
	if ((rc = put_aka(tx, sub, old ? &old->model : NULL, c->flags)))
		goto out;
	if ((rc = hss_db_tx_put(tx, T_SUB, sub->id, c->yaml, c->ylen, HSS_DB_REC_ANY, NULL))) {
		rc = imsdb_dberr(rc);
		goto out;
	}
	if (!old || (c->flags & HSS_IMSDB_PUT_NO_PUSH))
		goto out;
	if ((rc = imsdb_tx_state_get(tx, sub->id, &st)))
		goto out;
	if (st.scscf_host && hss_imsdb_state_active(&st)) {
		struct hss_imsdb_push p = { .kind = HSS_IMSDB_PUSH_PPR, .sub_id = (char *)sub->id,
			.dest_host = st.scscf_host, .dest_realm = st.scscf_realm };
		if (!(rc = imsdb_tx_push_add(tx, &p)))
			c->info.push_queued = true;
	}
out:
	hss_imsdb_state_free(&st);
	imsdb_ref_release(old);
	free(nk);
	free(ok);
	return rc;
}

static int put_common(struct hss_imsdb *s, const struct hss_ims_sub *sub, unsigned flags,
                      uint64_t expect, struct hss_imsdb_put_info *ret_info)
{
	struct hss_ims_sub copy;
	struct put_ctx c;
	char err[512], *yaml = NULL;
	size_t ylen = 0;
	unsigned seq;
	int rc;

	if (!sub)
		return imsdb_err(EINVAL, "no subscription");
	if (hss_ims_sub_validate(sub, err, sizeof(err)))
		return imsdb_err(EINVAL, "%s", err);
	/* a link to an S6a subscriber that does not exist would fail every MAR */
	for (size_t i = 0; i < sub->n_impis; i++) {
		struct hss_sub *x;

		if (!sub->impis[i].imsi[0])
			continue;
		if (!(x = malloc(sizeof(*x))))
			return imsdb_err(ENOMEM, "out of memory");
		rc = hss_db_get_sub(s->db, sub->impis[i].imsi, x);
		explicit_bzero(x, sizeof(*x));
		free(x);
		if (rc == ENOENT)
			return imsdb_err(EINVAL, "private identity %s: IMSI %s is not provisioned (add the "
			                 "S6a subscriber first)", sub->impis[i].identity, sub->impis[i].imsi);
		if (rc)
			return imsdb_dberr(rc);
	}
	/* own SQNs live in ims.aka: the subscription record does not carry a counter that
	 * would be stale after the first vector */
	if ((rc = hss_ims_sub_copy(sub, &copy)))
		return imsdb_err(rc, "out of memory");
	for (size_t i = 0; i < copy.n_impis; i++)
		copy.impis[i].aka.sqn = 0;
	rc = hss_ims_yaml_emit(&copy, &yaml, &ylen);
	hss_ims_sub_free(&copy);
	if (rc)
		return imsdb_err(rc, "cannot write the subscription as YAML");
	memset(&c, 0, sizeof(c));
	c.s = s;
	c.sub = sub;
	c.yaml = yaml;
	c.ylen = ylen;
	c.flags = flags;
	c.expect = expect;
	seq = imsdb_err_seq();
	rc = imsdb_tx_result(hss_db_rec_tx(s->db, put_body, &c), seq);
	explicit_bzero(yaml, ylen);
	free(yaml);
	if (!rc && ret_info)
		*ret_info = c.info;
	return rc;
}

int hss_imsdb_put(struct hss_imsdb *s, const struct hss_ims_sub *sub, unsigned flags,
                  struct hss_imsdb_put_info *ret_info)
{
	return put_common(s, sub, flags, 0, ret_info);
}

/* ---- delete --------------------------------------------------------------------------- */

struct del_ctx {
	struct hss_imsdb *s;
	const char *id;
	struct hss_imsdb_put_info info;
};

struct keys_ctx {
	char (*keys)[KEY_MAX];
	size_t n, cap;
};

static int collect_cb(const struct hss_db_rec *r, void *arg)
{
	struct keys_ctx *k = arg;

	if (k->n == k->cap) {
		size_t cap = k->cap ? 2 * k->cap : 16;
		char (*n)[KEY_MAX] = realloc(k->keys, cap * sizeof(*n));
		if (!n)
			return imsdb_err(ENOMEM, "out of memory");
		k->keys = n;
		k->cap = cap;
	}
	snprintf(k->keys[k->n++], KEY_MAX, "%s", r->key);
	return 0;
}

/* Delete every record of table whose key starts with prefix. */
static int drop_prefix(struct hss_db_tx *tx, const char *table, const char *prefix)
{
	struct keys_ctx k = { NULL, 0, 0 };
	int rc = hss_db_tx_list(tx, table, prefix, NULL, 0, collect_cb, &k);

	for (size_t i = 0; !rc && i < k.n; i++)
		if ((rc = hss_db_tx_del(tx, table, k.keys[i], HSS_DB_REC_ANY)) == ENOENT)
			rc = 0;
	free(k.keys);
	return rc ? imsdb_dberr(rc) : 0;
}

/* An RTR for everything registered of a subscription (a copy of the state's strings). */
static int queue_rtr_all(struct hss_db_tx *tx, const struct hss_ims_sub *sub,
                         const struct hss_imsdb_state *st, uint32_t reason, const char *info)
{
	struct hss_imsdb_push p = { .kind = HSS_IMSDB_PUSH_RTR, .sub_id = sub->id,
		.dest_host = st->scscf_host, .dest_realm = st->scscf_realm, .reason = reason,
		.reason_info = (char *)info, .state_done = true };
	char **impus = calloc(st->n_impus ? st->n_impus : 1, sizeof(char *));
	int rc;

	if (!impus)
		return imsdb_err(ENOMEM, "out of memory");
	for (size_t i = 0; i < st->n_impus; i++) {
		const struct hss_imsdb_impu_state *u = &st->impus[i];
		if (u->reg == HSS_IMSDB_NOT_REGISTERED)
			continue;
		impus[p.n_impus++] = u->identity;
		if (!p.impi && u->n_impis)
			p.impi = u->impis[0];
	}
	if (!p.impi && sub->n_impis)
		p.impi = sub->impis[0].identity;
	p.impus = impus;
	rc = imsdb_tx_push_add(tx, &p);
	free(impus);
	return rc;
}

static int del_body(struct hss_db_tx *tx, void *arg)
{
	struct del_ctx *c = arg;
	struct hss_db_rec r = { 0 };
	struct ims_ref *ref = NULL;
	struct ikey *k = NULL;
	struct hss_imsdb_state st;
	char key[KEY_MAX];
	size_t n = 0;
	int rc;

	memset(&c->info, 0, sizeof(c->info));
	hss_imsdb_state_init(&st);
	if ((rc = hss_db_tx_get(tx, T_SUB, c->id, &r)))
		return rc == ENOENT ? imsdb_err(ENOENT, "IMS subscription '%s' not found", c->id)
		                    : imsdb_dberr(rc);
	rc = imsdb_sub_from_rec(c->s, c->id, &r, &ref);
	hss_db_rec_free(&r);
	if (rc)
		return rc;
	if ((rc = sub_keys(&ref->model, &k, &n)) || (rc = drop_keys(tx, c->id, k, n, NULL, 0)))
		goto out;
	for (size_t i = 0; i < ref->model.n_impis; i++) {
		if (!ref->model.impis[i].aka.present)
			continue;
		impi_aka_key(&ref->model.impis[i], key, sizeof(key));
		if ((rc = hss_db_tx_del(tx, T_AKA, key, HSS_DB_REC_ANY)) && rc != ENOENT) {
			rc = imsdb_dberr(rc);
			goto out;
		}
		rc = 0;
	}
	for (size_t i = 0; i < ref->model.n_impus; i++) {
		size_t l;
		if (hss_imsdb_impu_key(&ref->model, i, key, sizeof(key) - 1))
			continue;
		l = strlen(key);
		key[l] = ' ';
		key[l + 1] = '\0';
		if ((rc = drop_prefix(tx, T_REPO, key)) || (rc = drop_prefix(tx, T_SHSUB, key)))
			goto out;
	}
	if ((rc = imsdb_tx_state_get(tx, c->id, &st)))
		goto out;
	if (st.scscf_host && hss_imsdb_state_active(&st)) {
		if ((rc = queue_rtr_all(tx, &ref->model, &st, 0 /* PERMANENT_TERMINATION */, NULL)))
			goto out;
		c->info.push_queued = true;
	}
	if (st.version && (rc = hss_db_tx_del(tx, T_STATE, c->id, HSS_DB_REC_ANY))) {
		rc = imsdb_dberr(rc);
		goto out;
	}
	if ((rc = hss_db_tx_del(tx, T_SUB, c->id, HSS_DB_REC_ANY)))
		rc = imsdb_dberr(rc);
out:
	hss_imsdb_state_free(&st);
	free(k);
	imsdb_ref_release(ref);
	return rc;
}

int hss_imsdb_delete(struct hss_imsdb *s, const char *id, struct hss_imsdb_put_info *ret_info)
{
	struct del_ctx c = { s, id, { false, false } };
	unsigned seq = imsdb_err_seq();
	int rc;

	if (!id || !*id)
		return imsdb_err(EINVAL, "no subscription id");
	rc = imsdb_tx_result(hss_db_rec_tx(s->db, del_body, &c), seq);
	if (!rc && ret_info)
		*ret_info = c.info;
	return rc;
}

/* ---- link ----------------------------------------------------------------------------- */

int hss_imsdb_link_imsi(struct hss_imsdb *s, const char *impi, const char *imsi)
{
	struct hss_imsdb_sub *ref = NULL;
	struct hss_ims_sub copy;
	size_t idx;
	int rc = 0, attempt;

	if (imsi && *imsi && (strlen(imsi) < 5 || strlen(imsi) > 15 ||
	                      strspn(imsi, "0123456789") != strlen(imsi)))
		return imsdb_err(EINVAL, "IMSI '%s': 5 to 15 digits", imsi);
	/* read, change, store if nobody changed it meanwhile; again if somebody did */
	for (attempt = 0; attempt < 5; attempt++) {
		if ((rc = hss_imsdb_find_impi(s, impi, &ref, &idx)))
			return rc;
		if ((rc = hss_ims_sub_copy(ref->sub, &copy))) {
			hss_imsdb_sub_release(ref);
			return imsdb_err(rc, "out of memory");
		}
		snprintf(copy.impis[idx].imsi, sizeof(copy.impis[idx].imsi), "%s", imsi ? imsi : "");
		if (imsi && *imsi)
			explicit_bzero(&copy.impis[idx].aka, sizeof(copy.impis[idx].aka));
		rc = put_common(s, &copy, HSS_IMSDB_PUT_NO_PUSH, ref->version, NULL);
		hss_ims_sub_free(&copy);
		hss_imsdb_sub_release(ref);
		if (rc != ECANCELED)
			break;
	}
	return rc;
}

/* ---- export --------------------------------------------------------------------------- */

int hss_imsdb_export(struct hss_imsdb *s, const char *id, char **ret, size_t *ret_len)
{
	struct hss_imsdb_sub *ref = NULL;
	struct hss_ims_sub copy;
	char key[HSS_IMS_URI_MAX + 1];
	int rc;

	if ((rc = hss_imsdb_get(s, id, &ref)))
		return rc;
	rc = hss_ims_sub_copy(ref->sub, &copy);
	hss_imsdb_sub_release(ref);
	if (rc)
		return imsdb_err(rc, "out of memory");
	for (size_t i = 0; !rc && i < copy.n_impis; i++) {
		struct hss_db_rec r = { 0 };

		if (!copy.impis[i].aka.present)
			continue;
		impi_aka_key(&copy.impis[i], key, sizeof(key));
		if ((rc = hss_db_rec_get(s->db, T_AKA, key, &r))) {
			rc = rc == ENOENT ? imsdb_err(EIO, "the AKA credentials of %s are missing",
			                              copy.impis[i].identity) : imsdb_dberr(rc);
			break;
		}
		rc = imsdb_aka_decode(&r, &copy.impis[i].aka);
		hss_db_rec_free(&r);
	}
	if (!rc && (rc = hss_ims_yaml_emit(&copy, ret, ret_len)))
		imsdb_err(rc, "cannot write the subscription as YAML");
	hss_ims_sub_free(&copy);
	return rc;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * aka.c: the SQNs of IMS AKA vectors. A private identity linked to an S6a subscriber (one
 * USIM) reserves on that subscriber's counter through hss_db_sqn_reserve, the very one AIR
 * uses, so an AIR and a MAR can never be given the same SQN. A private identity with its own
 * credentials has them in ims.aka (K, OP/OPc, AMF, IND bits, SQN), reserved the same way: the
 * record is read and rewritten in one transaction.
 */
#include "imsdb_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { A_K = 1, A_OP = 2, A_OPC = 3, A_AMF = 4, A_IND = 5, A_SQN = 6 };

int imsdb_aka_encode(const struct hss_ims_aka *a, struct ims_enc *e)
{
	enc_bytes(e, A_K, a->k, 16);
	enc_bytes(e, A_OP, a->op, 16);
	enc_u64(e, A_OPC, a->opc);
	enc_bytes(e, A_AMF, a->amf, 2);
	enc_u64(e, A_IND, a->ind_bits);
	enc_u64(e, A_SQN, a->sqn);
	return e->oom ? ENOMEM : 0;
}

int imsdb_aka_decode(const struct hss_db_rec *r, struct hss_ims_aka *a)
{
	struct ims_dec d = { r->data, r->len, 0 };
	unsigned seen = 0;
	const uint8_t *v;
	uint64_t x;
	size_t len;
	uint8_t tag;
	int k;

	memset(a, 0, sizeof(*a));
	while ((k = dec_next(&d, &tag, &v, &len)) > 0) {
		switch (tag) {
		case A_K:
		case A_OP:
			if (len != 16)
				goto bad;
			memcpy(tag == A_K ? a->k : a->op, v, 16);
			break;
		case A_AMF:
			if (len != 2)
				goto bad;
			memcpy(a->amf, v, 2);
			break;
		case A_OPC:
		case A_IND:
		case A_SQN:
			if (!dec_u64(v, len, &x))
				goto bad;
			if (tag == A_OPC)
				a->opc = x != 0;
			else if (tag == A_IND && x <= 16)
				a->ind_bits = (uint32_t)x;
			else if (tag == A_SQN && x <= HSS_DB_SQN_MAX)
				a->sqn = x;
			else
				goto bad;
			break;
		default:
			continue;
		}
		seen |= 1u << tag;
	}
	if (k < 0 || (seen & 0x7e) != 0x7e)
		goto bad;
	a->present = true;
	return 0;
bad:
	explicit_bzero(a, sizeof(*a));
	/* the key is a private identity, not a secret */
	return imsdb_err(EIO, "corrupt AKA credentials of private identity %s", r->key);
}

struct resv {
	const char *key;
	unsigned n;
	hss_db_sqn_next_fn next;
	const uint64_t *resync;
	struct hss_auth_data ad;
};

static int resv_body(struct hss_db_tx *tx, void *arg)
{
	struct resv *w = arg;
	struct hss_db_rec r = { 0 };
	struct hss_ims_aka a;
	struct ims_enc e = { 0 };
	uint64_t x;
	int rc;

	explicit_bzero(&w->ad, sizeof(w->ad));
	if ((rc = hss_db_tx_get(tx, T_AKA, w->key, &r)))
		return rc == ENOENT ? imsdb_err(ENOENT, "private identity %s has no AKA credentials "
		                                "stored", w->key) : imsdb_dberr(rc);
	rc = imsdb_aka_decode(&r, &a);
	hss_db_rec_free(&r);
	if (rc)
		return rc;
	memcpy(w->ad.k, a.k, 16);
	memcpy(w->ad.op, a.op, 16);
	w->ad.opc = a.opc;
	memcpy(w->ad.amf, a.amf, 2);
	w->ad.ind_bits = a.ind_bits;
	/* re-synchronisation never moves the counter back (see hss/db's sqn_reserve) */
	w->ad.sqn_prev = w->resync && *w->resync > a.sqn ? *w->resync : a.sqn;
	x = w->ad.sqn_prev;
	for (unsigned i = 0; i < w->n; i++)
		w->ad.sqn[i] = x = w->next(x, a.ind_bits) & HSS_DB_SQN_MAX;
	w->ad.n = w->n;
	a.sqn = x;
	if (!(rc = imsdb_aka_encode(&a, &e)))
		rc = hss_db_tx_put(tx, T_AKA, w->key, e.p, e.n, HSS_DB_REC_ANY, NULL);
	else
		imsdb_err(rc, "out of memory");
	enc_free(&e);
	explicit_bzero(&a, sizeof(a));
	return rc;
}

int hss_imsdb_sqn_reserve(struct hss_imsdb *s, const struct hss_ims_sub *sub, size_t impi,
                          unsigned n, hss_db_sqn_next_fn next, const uint64_t *resync,
                          struct hss_auth_data *ret)
{
	char key[HSS_IMS_URI_MAX + 1];
	const struct hss_ims_impi *p;
	struct resv w;
	unsigned seq = imsdb_err_seq();
	int rc;

	if (!sub || impi >= sub->n_impis)
		return imsdb_err(EINVAL, "no such private identity");
	p = &sub->impis[impi];
	if (n < 1 || n > HSS_DB_MAX_VECTORS)
		return imsdb_err(EINVAL, "number of vectors %u out of range 1..%d", n,
		                 HSS_DB_MAX_VECTORS);
	if (p->imsi[0]) {
		rc = resync ? hss_db_sqn_resync_reserve(s->db, p->imsi, *resync, n, next, ret)
		            : hss_db_sqn_reserve(s->db, p->imsi, n, next, ret);
		if (rc == ENOENT)
			return imsdb_err(ENOENT, "private identity %s is linked to IMSI %s, which is not "
			                 "provisioned", p->identity, p->imsi);
		return rc ? imsdb_dberr(rc) : 0;
	}
	if (!p->aka.present)
		return imsdb_err(EINVAL, "private identity %s has no AKA credentials", p->identity);
	if (hss_ims_impi_norm(p->identity, key, sizeof(key)))
		return imsdb_err(EINVAL, "private identity too long");
	memset(&w, 0, sizeof(w));
	w.key = key;
	w.n = n;
	w.next = next ? next : hss_db_sqn_next_default;
	w.resync = resync;
	rc = imsdb_tx_result(hss_db_rec_tx(s->db, resv_body, &w), seq);
	if (!rc)
		*ret = w.ad;
	explicit_bzero(&w.ad, sizeof(w.ad));
	return rc;
}

int hss_imsdb_aka_keys(struct hss_imsdb *s, const struct hss_ims_sub *sub, size_t impi,
                       struct hss_auth_data *ret)
{
	char key[HSS_IMS_URI_MAX + 1];
	const struct hss_ims_impi *p;
	struct hss_db_rec r = { 0 };
	struct hss_ims_aka a;
	int rc;

	if (!sub || impi >= sub->n_impis)
		return imsdb_err(EINVAL, "no such private identity");
	p = &sub->impis[impi];
	memset(ret, 0, sizeof(*ret));
	if (p->imsi[0]) {
		struct hss_sub *x = malloc(sizeof(*x));

		if (!x)
			return imsdb_err(ENOMEM, "out of memory");
		if (!(rc = hss_db_get_sub(s->db, p->imsi, x))) {
			memcpy(ret->k, x->k, 16);
			memcpy(ret->op, x->op, 16);
			ret->opc = x->opc;
			memcpy(ret->amf, x->amf, 2);
			ret->ind_bits = x->ind_bits;
			ret->sqn_prev = x->sqn;
		}
		explicit_bzero(x, sizeof(*x));
		free(x);
		if (rc == ENOENT)
			return imsdb_err(ENOENT, "private identity %s is linked to IMSI %s, which is not "
			                 "provisioned", p->identity, p->imsi);
		return rc ? imsdb_dberr(rc) : 0;
	}
	if (!p->aka.present)
		return imsdb_err(EINVAL, "private identity %s has no AKA credentials", p->identity);
	if (hss_ims_impi_norm(p->identity, key, sizeof(key)))
		return imsdb_err(EINVAL, "private identity too long");
	if ((rc = hss_db_rec_get(s->db, T_AKA, key, &r)))
		return rc == ENOENT ? imsdb_err(ENOENT, "private identity %s has no AKA credentials "
		                                "stored", p->identity) : imsdb_dberr(rc);
	rc = imsdb_aka_decode(&r, &a);
	hss_db_rec_free(&r);
	if (rc)
		return rc;
	memcpy(ret->k, a.k, 16);
	memcpy(ret->op, a.op, 16);
	ret->opc = a.opc;
	memcpy(ret->amf, a.amf, 2);
	ret->ind_bits = a.ind_bits;
	ret->sqn_prev = a.sqn;
	explicit_bzero(&a, sizeof(a));
	return 0;
}

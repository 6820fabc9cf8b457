/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * push.c: the outbox of HSS-initiated Cx requests (ims.push). A change that needs the
 * S-CSCF told (a new profile, a de-registration) queues the request in the transaction that
 * makes the change, so it is neither lost when the process that made the change cannot send
 * it (hssctl has no Diameter stack, an HSS may stop) nor sent for a change that was rolled
 * back. Any HSS process on the database takes entries one at a time, each removed in the
 * transaction that takes it, and sends them. Keys are the time in microseconds then random
 * bits: the oldest goes first, and two processes never write the same key.
 */
#include "imsdb_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

enum {
	P_KIND = 1, P_SUB = 2, P_HOST = 3, P_REALM = 4, P_IMPI = 5, P_IMPU = 6, P_REASON = 7,
	P_INFO = 8, P_CREATED = 9, P_STATE_DONE = 10,
};

void hss_imsdb_push_free(struct hss_imsdb_push *p)
{
	if (!p)
		return;
	free(p->sub_id);
	free(p->dest_host);
	free(p->dest_realm);
	free(p->impi);
	for (size_t i = 0; i < p->n_impus; i++)
		free(p->impus[i]);
	free(p->impus);
	free(p->reason_info);
	memset(p, 0, sizeof(*p));
}

static int push_encode(const struct hss_imsdb_push *p, struct ims_enc *e)
{
	enc_u64(e, P_KIND, (uint64_t)p->kind);
	enc_str(e, P_SUB, p->sub_id);
	enc_str(e, P_HOST, p->dest_host);
	enc_str(e, P_REALM, p->dest_realm);
	enc_str(e, P_IMPI, p->impi);
	for (size_t i = 0; i < p->n_impus; i++)
		enc_str(e, P_IMPU, p->impus[i]);
	enc_u64(e, P_REASON, p->reason);
	enc_str(e, P_INFO, p->reason_info);
	enc_u64(e, P_CREATED, (uint64_t)(p->created ? p->created : (int64_t)time(NULL)));
	enc_u64(e, P_STATE_DONE, p->state_done);
	return e->oom ? ENOMEM : 0;
}

static int push_decode(const struct hss_db_rec *r, struct hss_imsdb_push *p)
{
	struct ims_dec d = { r->data, r->len, 0 };
	const uint8_t *v;
	uint64_t x;
	size_t len;
	uint8_t tag;
	int k;

	memset(p, 0, sizeof(*p));
	while ((k = dec_next(&d, &tag, &v, &len)) > 0) {
		char **f = NULL;

		switch (tag) {
		case P_KIND:
		case P_REASON:
		case P_CREATED:
		case P_STATE_DONE:
			if (!dec_u64(v, len, &x))
				goto bad;
			if (tag == P_KIND)
				p->kind = (enum hss_imsdb_push_kind)x;
			else if (tag == P_REASON)
				p->reason = (uint32_t)x;
			else if (tag == P_CREATED)
				p->created = (int64_t)x;
			else
				p->state_done = x != 0;
			continue;
		case P_SUB:
			f = &p->sub_id;
			break;
		case P_HOST:
			f = &p->dest_host;
			break;
		case P_REALM:
			f = &p->dest_realm;
			break;
		case P_IMPI:
			f = &p->impi;
			break;
		case P_INFO:
			f = &p->reason_info;
			break;
		case P_IMPU: {
			char **n = realloc(p->impus, (p->n_impus + 1) * sizeof(*n));
			if (!n)
				goto bad;
			p->impus = n;
			if (!(n[p->n_impus] = dec_str(v, len)))
				goto bad;
			p->n_impus++;
			continue;
		}
		default:
			continue;
		}
		free(*f);
		if (!(*f = dec_str(v, len)))
			goto bad;
	}
	if (k < 0 || (p->kind != HSS_IMSDB_PUSH_PPR && p->kind != HSS_IMSDB_PUSH_RTR) || !p->sub_id)
		goto bad;
	return 0;
bad:
	hss_imsdb_push_free(p);
	return imsdb_err(EIO, "corrupt outbox record %s", r->key);
}

int imsdb_tx_push_add(struct hss_db_tx *tx, const struct hss_imsdb_push *p)
{
	struct ims_enc e = { 0 };
	uint32_t rnd = 0;
	char key[48];
	int rc;

	if (!p || (p->kind != HSS_IMSDB_PUSH_PPR && p->kind != HSS_IMSDB_PUSH_RTR) || !p->sub_id)
		return imsdb_err(EINVAL, "bad outbox entry");
	if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
		rnd = (uint32_t)clock();
	{
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		snprintf(key, sizeof(key), "%016" PRIx64 "-%08" PRIx32,
		         (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u, rnd);
	}
	if ((rc = push_encode(p, &e))) {
		enc_free(&e);
		return imsdb_err(rc, "out of memory");
	}
	rc = hss_db_tx_put(tx, T_PUSH, key, e.p, e.n, HSS_DB_REC_NEW, NULL);
	enc_free(&e);
	return rc ? imsdb_dberr(rc) : 0;
}

static int add_body(struct hss_db_tx *tx, void *arg)
{
	return imsdb_tx_push_add(tx, arg);
}

int hss_imsdb_push_add(struct hss_imsdb *s, const struct hss_imsdb_push *p)
{
	unsigned seq = imsdb_err_seq();

	return imsdb_tx_result(hss_db_rec_tx(s->db, add_body, (void *)p), seq);
}

struct take {
	struct hss_imsdb_push p;
	char key[KEY_MAX];
	bool found;
	int decode_rc;
};

static int first_cb(const struct hss_db_rec *r, void *arg)
{
	struct take *t = arg;

	snprintf(t->key, sizeof(t->key), "%s", r->key);
	t->found = true;
	t->decode_rc = push_decode(r, &t->p);
	return 1;
}

static int take_body(struct hss_db_tx *tx, void *arg)
{
	struct take *t = arg;
	int rc;

	hss_imsdb_push_free(&t->p);
	t->found = false;
	t->decode_rc = 0;
	rc = hss_db_tx_list(tx, T_PUSH, NULL, NULL, 1, first_cb, t);
	if (rc != 1)
		return rc ? imsdb_dberr(rc) : ENOENT;
	/* a corrupt entry is removed too: it would block the queue for ever */
	if ((rc = hss_db_tx_del(tx, T_PUSH, t->key, HSS_DB_REC_ANY)))
		return imsdb_dberr(rc);
	return 0;
}

int hss_imsdb_push_take(struct hss_imsdb *s, struct hss_imsdb_push *ret)
{
	struct take t;
	unsigned seq = imsdb_err_seq();
	bool empty;
	int rc;

	memset(&t, 0, sizeof(t));
	if ((rc = imsdb_outbox_empty(s, T_PUSH, &empty)))
		return rc;
	if (empty)
		return imsdb_err(ENOENT, "the outbox is empty");
	rc = imsdb_tx_result(hss_db_rec_tx(s->db, take_body, &t), seq);
	if (rc == ENOENT)
		imsdb_err(ENOENT, "the outbox is empty");
	if (!rc && t.decode_rc)
		rc = t.decode_rc;
	if (rc) {
		hss_imsdb_push_free(&t.p);
		return rc;
	}
	*ret = t.p;
	return 0;
}

static int count_cb(const struct hss_db_rec *r, void *arg)
{
	(void)r;
	(*(size_t *)arg)++;
	return 0;
}

int hss_imsdb_push_count(struct hss_imsdb *s, size_t max, size_t *ret)
{
	size_t n = 0;
	int rc = hss_db_rec_list(s->db, T_PUSH, NULL, NULL, max, count_cb, &n);

	if (rc)
		return imsdb_dberr(rc);
	*ret = n;
	return 0;
}

/* ---- administrative de-registration ------------------------------------------------- */

struct rtr_upd {
	const char *impu;            /* one identity (its implicit set), or NULL: all */
	uint32_t reason;
	const char *info;
	bool queued;
};

static int dereg_state(struct hss_imsdb_tx *t, const struct hss_ims_sub *sub,
                     struct hss_imsdb_state *st, void *arg)
{
	struct rtr_upd *a = arg;
	struct hss_imsdb_push q = { .kind = HSS_IMSDB_PUSH_RTR, .sub_id = sub->id,
		.dest_host = st->scscf_host, .dest_realm = st->scscf_realm, .reason = a->reason,
		.reason_info = (char *)a->info, .state_done = true };
	char *impus[HSS_IMS_MAX_IMPUS];
	size_t sel[HSS_IMS_MAX_IMPUS], ns = 0;
	int rc;

	a->queued = false;
	if (!st->scscf_host || !hss_imsdb_state_active(st))
		return HSS_IMSDB_NO_CHANGE;
	if (a->impu) {
		long u = hss_ims_find_impu(sub, a->impu, true);
		if (u < 0)
			return HSS_IMSDB_NO_CHANGE;
		ns = hss_ims_irs(sub, (size_t)u, sel, HSS_IMS_MAX_IMPUS);
	} else {
		for (size_t i = 0; i < sub->n_impus; i++)
			sel[ns++] = i;
	}
	for (size_t i = 0; i < ns && i < HSS_IMS_MAX_IMPUS; i++) {
		struct hss_imsdb_impu_state *u = hss_imsdb_state_impu(st, sub->impus[sel[i]].identity,
		                                                      false);
		if (!u || u->reg == HSS_IMSDB_NOT_REGISTERED)
			continue;
		impus[q.n_impus++] = u->identity;
		if (!q.impi && u->n_impis)
			q.impi = u->impis[0];
	}
	if (!q.n_impus)
		return HSS_IMSDB_NO_CHANGE;
	if (!q.impi)
		q.impi = sub->impis[0].identity;
	q.impus = impus;
	/* queued before the state changes: it names the identities by the state's strings */
	if ((rc = hss_imsdb_tx_push(t, &q)))
		return rc;
	for (size_t i = 0; i < q.n_impus; i++)
		if ((rc = hss_imsdb_state_set(st, impus[i], HSS_IMSDB_NOT_REGISTERED, NULL)))
			return rc;
	if (!hss_imsdb_state_active(st))
		hss_imsdb_state_scscf(st, NULL, NULL, NULL);
	a->queued = true;
	return 0;
}

int hss_imsdb_deregister(struct hss_imsdb *s, const char *id, const char *impu, uint32_t reason,
                         const char *info, bool *ret_queued)
{
	struct rtr_upd a = { impu, reason, info, false };
	int rc = hss_imsdb_update(s, id, dereg_state, &a);

	if (!rc && ret_queued)
		*ret_queued = a.queued;
	return rc;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * shnote.c: notifications of Sh data changes (TS 29.328 6.1.4). A change that application
 * servers subscribed to (SNR) queues, in the transaction that makes it, one entry in
 * sh.notify naming the subscriptions (sh.subs record keys) to notify; any HSS process takes
 * each entry once (like the Cx outbox, push.c) and sends the Push-Notification-Requests.
 * So a notification is neither lost when the process that made the change cannot send it
 * (hssctl, a stopping HSS) nor sent for a change that was rolled back.
 *
 * What "changed" means is what the application server would read: the Sh-Data part of its
 * subscription is built before and after the change (shdata.c) and compared. The hooks:
 *   - imsdb_sh_state_changed (hss_imsdb_update: SAR, MAR, de-registrations): IMS user state,
 *     S-CSCF name, registered identities;
 *   - imsdb_sh_sub_changed (hss_imsdb_put: a new profile, an Sh-Update of PSI activation or
 *     DSAI): identities, iFCs, charging, PSI activation, DSAI; the repository data and Sh
 *     subscriptions of identities the new profile no longer has are removed;
 *   - hss_imsdb_repo_update (Sh-Update of repository data), with the sequence rule.
 * A subscription whose expiry passed is not notified. The application server whose Sh-Update
 * made the change is not notified of it.
 */
#include "imsdb_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

enum { N_SUB = 1, N_ITEM = 2, N_CREATED = 3 };

/* The sender's wake-up (hss_imsdb_on_shnote). A body that queues a notification asks the
 * database layer to call shnote_wake once its transaction is durable (hss_db_tx_on_commit):
 * the sender then finds the entry at once, whichever thread or group committed it; a
 * transaction rolled back wakes nobody. (A process-wide "queued" flag, consumed by the next
 * caller whose transaction succeeded, could wake the sender before the queuing group had
 * committed: the entry then waited for the next poll, sh.outbox_poll_ms.) */
static void (*_Atomic sh_hook)(void);

void hss_imsdb_on_shnote(void (*fn)(void))
{
	atomic_store(&sh_hook, fn);
}

static void shnote_wake(void)
{
	void (*fn)(void) = atomic_load(&sh_hook);

	if (fn)
		fn();
}
enum { I_KEY = 1, I_DELETED = 2, I_SEQ = 3 };

void hss_imsdb_shnote_free(struct hss_imsdb_shnote *n)
{
	if (!n)
		return;
	free(n->sub_id);
	for (size_t i = 0; i < n->n_items; i++)
		free(n->items[i].sub_key);
	free(n->items);
	memset(n, 0, sizeof(*n));
}

/* Add (or update) the item of one subscription. */
static int note_add(struct hss_imsdb_shnote *n, const char *key, bool deleted, uint32_t seq)
{
	struct hss_imsdb_shnote_item *it;

	for (size_t i = 0; i < n->n_items; i++)
		if (!strcmp(n->items[i].sub_key, key)) {
			n->items[i].deleted = deleted;
			n->items[i].seq = seq;
			return 0;
		}
	if (!(it = realloc(n->items, (n->n_items + 1) * sizeof(*it))))
		return imsdb_err(ENOMEM, "out of memory");
	n->items = it;
	it = &n->items[n->n_items];
	if (!(it->sub_key = strdup(key)))
		return imsdb_err(ENOMEM, "out of memory");
	it->deleted = deleted;
	it->seq = seq;
	n->n_items++;
	return 0;
}

static int note_put(struct hss_db_tx *tx, const char *sub_id, const struct hss_imsdb_shnote *n)
{
	struct ims_enc e = { 0 };
	struct timespec ts;
	uint32_t rnd = 0;
	char key[48];
	int rc;

	if (!n->n_items)
		return 0;
	enc_str(&e, N_SUB, sub_id);
	enc_u64(&e, N_CREATED, (uint64_t)time(NULL));
	for (size_t i = 0; i < n->n_items; i++) {
		struct ims_enc it = { 0 };

		enc_str(&it, I_KEY, n->items[i].sub_key);
		if (n->items[i].deleted) {
			enc_u64(&it, I_DELETED, 1);
			enc_u64(&it, I_SEQ, n->items[i].seq);
		}
		if (it.oom)
			e.oom = true;
		else
			enc_bytes(&e, N_ITEM, it.p, it.n);
		enc_free(&it);
	}
	if (e.oom) {
		enc_free(&e);
		return imsdb_err(ENOMEM, "out of memory");
	}
	/* time-ordered, then random: the oldest goes first, two processes never collide */
	if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
		rnd = (uint32_t)clock();
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(key, sizeof(key), "%016" PRIx64 "-%08" PRIx32,
	         (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u, rnd);
	rc = hss_db_tx_put(tx, T_SHNOTE, key, e.p, e.n, HSS_DB_REC_NEW, NULL);
	enc_free(&e);
	if (!rc)
		rc = hss_db_tx_on_commit(tx, shnote_wake);
	return rc ? imsdb_dberr(rc) : 0;
}

static int item_decode(const uint8_t *p, size_t len, struct hss_imsdb_shnote_item *it)
{
	struct ims_dec d = { p, len, 0 };
	const uint8_t *v;
	uint64_t x;
	size_t l;
	uint8_t tag;
	int k;

	memset(it, 0, sizeof(*it));
	while ((k = dec_next(&d, &tag, &v, &l)) > 0) {
		if (tag == I_KEY && !it->sub_key) {
			if (!(it->sub_key = dec_str(v, l)))
				return EIO;
		} else if (tag == I_DELETED || tag == I_SEQ) {
			if (!dec_u64(v, l, &x))
				return EIO;
			if (tag == I_DELETED)
				it->deleted = x != 0;
			else
				it->seq = (uint32_t)x;
		}
	}
	return k < 0 || !it->sub_key ? EIO : 0;
}

static int note_decode(const struct hss_db_rec *r, struct hss_imsdb_shnote *n)
{
	struct ims_dec d = { r->data, r->len, 0 };
	const uint8_t *v;
	uint64_t x;
	size_t len;
	uint8_t tag;
	int k;

	memset(n, 0, sizeof(*n));
	while ((k = dec_next(&d, &tag, &v, &len)) > 0) {
		if (tag == N_SUB && !n->sub_id) {
			if (!(n->sub_id = dec_str(v, len)))
				goto bad;
		} else if (tag == N_CREATED) {
			if (!dec_u64(v, len, &x))
				goto bad;
			n->created = (int64_t)x;
		} else if (tag == N_ITEM) {
			struct hss_imsdb_shnote_item *it = realloc(n->items, (n->n_items + 1) * sizeof(*it));
			if (!it)
				goto bad;
			n->items = it;
			if (item_decode(v, len, &n->items[n->n_items])) {
				free(n->items[n->n_items].sub_key);
				goto bad;
			}
			n->n_items++;
		}
	}
	if (k < 0 || !n->sub_id)
		goto bad;
	return 0;
bad:
	hss_imsdb_shnote_free(n);
	return imsdb_err(EIO, "corrupt Sh notification record %s", r->key);
}

struct take {
	struct hss_imsdb_shnote n;
	char key[KEY_MAX];
	int decode_rc;
};

static int first_cb(const struct hss_db_rec *r, void *arg)
{
	struct take *t = arg;

	snprintf(t->key, sizeof(t->key), "%s", r->key);
	t->decode_rc = note_decode(r, &t->n);
	return 1;
}

static int take_body(struct hss_db_tx *tx, void *arg)
{
	struct take *t = arg;
	int rc;

	hss_imsdb_shnote_free(&t->n);
	t->decode_rc = 0;
	rc = hss_db_tx_list(tx, T_SHNOTE, NULL, NULL, 1, first_cb, t);
	if (rc != 1)
		return rc ? imsdb_dberr(rc) : ENOENT;
	/* a corrupt entry goes too: it would block the queue for ever */
	if ((rc = hss_db_tx_del(tx, T_SHNOTE, t->key, HSS_DB_REC_ANY)))
		return imsdb_dberr(rc);
	return 0;
}

int hss_imsdb_shnote_take(struct hss_imsdb *s, struct hss_imsdb_shnote *ret)
{
	struct take t;
	unsigned seq = imsdb_err_seq();
	bool empty;
	int rc;

	memset(&t, 0, sizeof(t));
	if ((rc = imsdb_outbox_empty(s, T_SHNOTE, &empty)))
		return rc;
	if (empty)
		return imsdb_err(ENOENT, "no Sh notification queued");
	rc = imsdb_tx_result(hss_db_rec_tx(s->db, take_body, &t), seq);
	if (rc == ENOENT)
		imsdb_err(ENOENT, "no Sh notification queued");
	if (!rc && t.decode_rc)
		rc = t.decode_rc;
	if (rc) {
		hss_imsdb_shnote_free(&t.n);
		return rc;
	}
	*ret = t.n;
	return 0;
}

static int count_cb(const struct hss_db_rec *r, void *arg)
{
	(void)r;
	(*(size_t *)arg)++;
	return 0;
}

int hss_imsdb_shnote_count(struct hss_imsdb *s, size_t max, size_t *ret)
{
	size_t n = 0;
	int rc = hss_db_rec_list(s->db, T_SHNOTE, NULL, NULL, max, count_cb, &n);

	if (rc)
		return imsdb_dberr(rc);
	*ret = n;
	return 0;
}

/* ---- subscriptions inside a transaction ------------------------------------------------ */

struct subs {
	struct hss_imsdb_shsub *x;
	char (*keys)[KEY_MAX];
	size_t n;
	int64_t now;
};

static void subs_free(struct subs *l)
{
	for (size_t i = 0; i < l->n; i++)
		hss_imsdb_shsub_free(&l->x[i]);
	free(l->x);
	free(l->keys);
	memset(l, 0, sizeof(*l));
}

static int subs_cb(const struct hss_db_rec *r, void *arg)
{
	struct subs *l = arg;
	struct hss_imsdb_shsub x, *nx;
	char (*nk)[KEY_MAX];

	if (imsdb_shsub_decode(r, &x))
		return 0;   /* a corrupt one is reported by its readers; not ours to block */
	if (x.expiry && x.expiry <= l->now) {
		hss_imsdb_shsub_free(&x);
		return 0;
	}
	if ((nx = realloc(l->x, (l->n + 1) * sizeof(*nx))))
		l->x = nx;
	if ((nk = realloc(l->keys, (l->n + 1) * sizeof(*nk))))
		l->keys = nk;
	if (!nx || !nk) {
		hss_imsdb_shsub_free(&x);
		return imsdb_err(ENOMEM, "out of memory");
	}
	l->x[l->n] = x;
	snprintf(l->keys[l->n], KEY_MAX, "%s", r->key);
	l->n++;
	return 0;
}

/* The live subscriptions on one identity key. */
static int tx_subs(struct hss_db_tx *tx, const char *impu_key, struct subs *l)
{
	char prefix[KEY_MAX];
	int rc;

	if (snprintf(prefix, sizeof(prefix), "%s ", impu_key) >= (int)HSS_DB_REC_KEY_MAX)
		return 0;
	l->now = (int64_t)time(NULL);
	if ((rc = hss_db_tx_list(tx, T_SHSUB, prefix, NULL, 0, subs_cb, l)))
		return rc == ENOMEM ? rc : imsdb_dberr(rc);
	return 0;
}

/* Delete every record of table whose key starts with prefix. */
static int keys_cb(const struct hss_db_rec *r, void *arg)
{
	struct subs *l = arg;   /* only keys used */
	char (*nk)[KEY_MAX] = realloc(l->keys, (l->n + 1) * sizeof(*nk));

	if (!nk)
		return imsdb_err(ENOMEM, "out of memory");
	l->keys = nk;
	snprintf(l->keys[l->n++], KEY_MAX, "%s", r->key);
	return 0;
}

static int tx_drop_prefix(struct hss_db_tx *tx, const char *table, const char *prefix)
{
	struct subs l = { 0 };
	int rc;

	if ((rc = hss_db_tx_list(tx, table, prefix, NULL, 0, keys_cb, &l)))
		rc = rc == ENOMEM ? rc : imsdb_dberr(rc);
	for (size_t i = 0; !rc && i < l.n; i++)
		if ((rc = hss_db_tx_del(tx, table, l.keys[i], HSS_DB_REC_ANY)) == ENOENT)
			rc = 0;
		else if (rc)
			rc = imsdb_dberr(rc);
	free(l.keys);
	return rc;
}

/* ---- comparing what an application server reads ---------------------------------------- */

/* The Sh-Data of subscription x under c, as text (an error's text when it cannot be
 * built: a difference too). NULL: out of memory. */
static char *part_xml(const struct hss_imsdb_shctx *c, size_t impu, const struct hss_imsdb_shsub *x)
{
	struct hss_imsdb_shsel sel = { x->data_ref, x->identity_sets, x->server_name, x->dsai_tags,
		x->n_dsai_tags };
	struct hss_ims_sh_data d;
	char err[64], *xml = NULL;
	size_t len = 0;
	int rc;

	hss_ims_sh_data_init(&d);
	if (!(rc = hss_imsdb_sh_fill(c, impu, &sel, &d)))
		rc = hss_ims_sh_build(&d, &xml, &len, err, sizeof(err));
	hss_ims_sh_data_free(&d);
	if (rc == ENOMEM)
		return NULL;
	if (rc) {
		char buf[32];
		snprintf(buf, sizeof(buf), "error %d", rc);
		return strdup(buf);
	}
	return xml;
}

/* 1 differs, 0 same, -ENOMEM */
static int part_differs(const struct hss_imsdb_shctx *a, size_t ia, const struct hss_imsdb_shctx *b,
                        size_t ib, const struct hss_imsdb_shsub *x)
{
	char *xa = part_xml(a, ia, x), *xb = xa ? part_xml(b, ib, x) : NULL;
	int r = !xa || !xb ? -ENOMEM : strcmp(xa, xb) != 0;

	free(xa);
	free(xb);
	return r;
}

static bool from_origin(const struct hss_imsdb_shsub *x, const char *origin)
{
	return origin && *origin && !strcasecmp(x->as_host, origin);
}

/* ---- hooks ------------------------------------------------------------------------------ */

int imsdb_sh_state_changed(struct hss_db_tx *tx, const struct hss_ims_sub *sub,
                           const struct hss_imsdb_shctx *before, const struct hss_imsdb_state *st)
{
	struct hss_imsdb_shctx *after = malloc(sizeof(*after));
	struct hss_imsdb_shnote n = { 0 };
	bool scscf, states;
	int rc = 0;

	if (!after)
		return imsdb_err(ENOMEM, "out of memory");
	hss_imsdb_shctx_init(after, sub, st, 0);
	scscf = strcmp(before->scscf_name, after->scscf_name) != 0;
	states = memcmp(before->ims_state, after->ims_state, sizeof(after->ims_state)) != 0;
	for (size_t i = 0; !rc && (scscf || states) && i < sub->n_impus; i++) {
		struct subs l = { 0 };
		char key[HSS_IMS_URI_MAX + 1];

		if (hss_imsdb_impu_key(sub, i, key, sizeof(key)) || (rc = tx_subs(tx, key, &l)))
			continue;
		for (size_t k = 0; !rc && k < l.n; k++) {
			const struct hss_imsdb_shsub *x = &l.x[k];
			int d = 0;

			if (x->data_ref == HSS_IMS_DREF_IMS_USER_STATE)
				d = before->ims_state[i] != after->ims_state[i];
			else if (x->data_ref == HSS_IMS_DREF_SCSCF_NAME)
				d = scscf;
			else if (x->data_ref == HSS_IMS_DREF_IMS_PUBLIC_IDENTITY && states)
				d = part_differs(before, i, after, i, x);
			if (d < 0)
				rc = imsdb_err(ENOMEM, "out of memory");
			else if (d)
				rc = note_add(&n, l.keys[k], false, 0);
		}
		subs_free(&l);
	}
	if (!rc)
		rc = note_put(tx, sub->id, &n);
	hss_imsdb_shnote_free(&n);
	free(after);
	return rc;
}

int imsdb_sh_sub_changed(struct hss_db_tx *tx, const struct hss_ims_sub *old,
                         const struct hss_ims_sub *sub, const char *origin)
{
	struct hss_imsdb_shctx *co = NULL, *cn = NULL;
	struct hss_imsdb_shnote n = { 0 };
	struct hss_imsdb_state st;
	bool have_state = false;
	char key[HSS_IMS_URI_MAX + 1], prefix[KEY_MAX + 8];
	int rc = 0;

	if (!old)
		return 0;
	hss_imsdb_state_init(&st);
	/* identities the subscription no longer has: their Sh data goes with them */
	for (size_t j = 0; !rc && j < old->n_impus; j++) {
		if (hss_imsdb_impu_key(old, j, key, sizeof(key)) || hss_imsdb_impu_by_key(sub, key) >= 0)
			continue;
		if (snprintf(prefix, sizeof(prefix), "%s ", key) >= (int)HSS_DB_REC_KEY_MAX)
			continue;   /* no record can have such a key */
		if (!(rc = tx_drop_prefix(tx, T_REPO, prefix)))
			rc = tx_drop_prefix(tx, T_SHSUB, prefix);
	}
	for (size_t i = 0; !rc && i < sub->n_impus; i++) {
		struct subs l = { 0 };
		long j;

		if (hss_imsdb_impu_key(sub, i, key, sizeof(key)) || (j = hss_imsdb_impu_by_key(old, key)) < 0)
			continue;
		if ((rc = tx_subs(tx, key, &l)))
			break;
		for (size_t k = 0; !rc && k < l.n; k++) {
			const struct hss_imsdb_shsub *x = &l.x[k];
			int d;

			if (from_origin(x, origin) ||
			    (x->data_ref != HSS_IMS_DREF_IMS_PUBLIC_IDENTITY &&
			     x->data_ref != HSS_IMS_DREF_INITIAL_FILTER_CRITERIA &&
			     x->data_ref != HSS_IMS_DREF_CHARGING_INFORMATION &&
			     x->data_ref != HSS_IMS_DREF_PSI_ACTIVATION && x->data_ref != HSS_IMS_DREF_DSAI))
				continue;
			if (!have_state) {
				/* the registered set, for IMSPublicIdentity: the same before and after */
				if (!(co = malloc(sizeof(*co))) || !(cn = malloc(sizeof(*cn)))) {
					rc = imsdb_err(ENOMEM, "out of memory");
					break;
				}
				if ((rc = imsdb_tx_state_get(tx, sub->id, &st)))
					break;
				hss_imsdb_shctx_init(co, old, &st, 0);
				hss_imsdb_shctx_init(cn, sub, &st, 0);
				have_state = true;
			}
			if ((d = part_differs(co, (size_t)j, cn, i, x)) < 0)
				rc = imsdb_err(ENOMEM, "out of memory");
			else if (d)
				rc = note_add(&n, l.keys[k], false, 0);
		}
		subs_free(&l);
	}
	if (!rc)
		rc = note_put(tx, sub->id, &n);
	hss_imsdb_shnote_free(&n);
	hss_imsdb_state_free(&st);
	free(co);
	free(cn);
	return rc;
}

/* ---- repository data (Sh-Update) -------------------------------------------------------- */

uint32_t hss_imsdb_repo_next_seq(uint32_t seq)
{
	/* TS 29.328 7.6 (SequenceNumber): 0 marks creation only, 65535 wraps to 1 */
	return seq >= 65535 ? 1 : seq + 1;
}

struct repo_tx {
	struct hss_imsdb *s;
	const char *sub_id;
	size_t impu;
	const struct hss_imsdb_repo_upd *u;
	size_t n;
	unsigned flags;
	const char *origin;
	size_t failed;
	int64_t stored;
};

static int repo_body(struct hss_db_tx *tx, void *arg)
{
	struct repo_tx *a = arg;
	struct hss_imsdb_shnote n = { 0 };
	struct hss_db_rec rec = { 0 };
	struct ims_ref *ref = NULL;
	struct subs l = { 0 };
	char key[HSS_IMS_URI_MAX + 1];
	bool *deleted = NULL;
	uint32_t *seqs = NULL;
	int rc;

	a->failed = 0;
	a->stored = -1;
	/* the subscription (locked with the change: a concurrent delete cannot orphan it) */
	if ((rc = hss_db_tx_get(tx, T_SUB, a->sub_id, &rec)))
		return rc == ENOENT ? imsdb_err(ENOENT, "IMS subscription '%s' not found", a->sub_id)
		                    : imsdb_dberr(rc);
	rc = imsdb_sub_from_rec(a->s, a->sub_id, &rec, &ref);
	hss_db_rec_free(&rec);
	if (rc)
		return rc;
	if ((rc = hss_imsdb_impu_key(&ref->model, a->impu, key, sizeof(key))))
		goto out;
	if (!(deleted = calloc(a->n ? a->n : 1, sizeof(*deleted))) ||
	    !(seqs = calloc(a->n ? a->n : 1, sizeof(*seqs)))) {
		rc = imsdb_err(ENOMEM, "out of memory");
		goto out;
	}
	for (size_t k = 0; k < a->n; k++) {
		const struct hss_imsdb_repo_upd *u = &a->u[k];
		struct hss_imsdb_repo cur = { 0 }, w = { 0 };
		bool have;
		uint32_t seq;

		rc = hss_imsdb_tx_repo_get(tx, key, u->si, u->si_len, &cur);
		if (rc && rc != ENOENT)
			goto out;
		have = rc == 0;
		if (a->flags & HSS_IMSDB_REPO_FORCE) {
			seq = have ? hss_imsdb_repo_next_seq(cur.seq) : 0;
		} else if (have ? u->seq != hss_imsdb_repo_next_seq(cur.seq) : (u->seq != 0 || !u->data)) {
			a->failed = k;
			a->stored = have ? (int64_t)cur.seq : -1;
			hss_imsdb_repo_free(&cur);
			rc = imsdb_err(ECANCELED, "repository data %zu: sequence number %u, %s", k, u->seq,
			               have ? "not the successor of the stored one" : "none stored (create "
			               "with 0 and ServiceData)");
			goto out;
		} else {
			seq = u->seq;
		}
		hss_imsdb_repo_free(&cur);
		w.si = (uint8_t *)u->si;
		w.si_len = u->si_len;
		w.seq = seq;
		w.data = (char *)u->data;
		w.len = u->len;
		rc = !u->data && !have ? 0 : hss_imsdb_tx_repo_put(tx, key, &w);
		if (rc)
			goto out;
		deleted[k] = !u->data;
		seqs[k] = seq;
	}
	/* the application servers subscribed to these service indications, but the one that
	 * made the change */
	if ((rc = tx_subs(tx, key, &l)))
		goto out;
	for (size_t i = 0; !rc && i < l.n; i++) {
		const struct hss_imsdb_shsub *x = &l.x[i];

		if (x->data_ref != HSS_IMS_DREF_REPOSITORY_DATA || from_origin(x, a->origin))
			continue;
		for (size_t k = 0; !rc && k < a->n; k++)
			if (x->si_len == a->u[k].si_len && !memcmp(x->si, a->u[k].si, x->si_len))
				rc = note_add(&n, l.keys[i], deleted[k], seqs[k]);
	}
	if (!rc)
		rc = note_put(tx, a->sub_id, &n);
out:
	subs_free(&l);
	hss_imsdb_shnote_free(&n);
	free(deleted);
	free(seqs);
	imsdb_ref_release(ref);
	return rc;
}

int hss_imsdb_repo_update(struct hss_imsdb *s, const char *sub_id, size_t impu,
                          const struct hss_imsdb_repo_upd *u, size_t n, unsigned flags,
                          const char *origin, size_t *ret_failed, int64_t *ret_stored)
{
	struct repo_tx a = { s, sub_id, impu, u, n, flags, origin, 0, -1 };
	unsigned seq = imsdb_err_seq();
	int rc;

	if (!sub_id || !*sub_id || (n && !u))
		return imsdb_err(EINVAL, "no subscription or no update");
	for (size_t k = 0; k < n; k++)
		if (!u[k].si || !u[k].si_len || u[k].seq > 65535)
			return imsdb_err(EINVAL, "repository data %zu: no service indication or a sequence "
			                 "number above 65535", k);
	rc = imsdb_tx_result(hss_db_rec_tx(s->db, repo_body, &a), seq);
	if (rc == ECANCELED) {
		if (ret_failed)
			*ret_failed = a.failed;
		if (ret_stored)
			*ret_stored = a.stored;
	}
	return rc;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sh_pnr.c: Push-Notification-Request (TS 29.328 6.1.4 Sh-Notif, TS 29.329 6.1.7), the HSS
 * telling subscribed application servers that their data changed.
 *
 * A change queues, in its own transaction, one entry of the notification outbox (hss/imsdb
 * shnote.c) naming the subscriptions whose data looks different; this thread takes the
 * entries one at a time (each exactly once across HSS processes), every sh.outbox_poll_ms or
 * at once when woken (a PUR, the control socket's `outbox`). It sends one PNR per AS and
 * identity with all the data of its subscriptions that changed (Notif-Eff), built from the
 * subscription, state and repository data of that moment: repository data that was deleted
 * goes as RepositoryData with the SequenceNumber of the deletion and no ServiceData. PNRs go
 * to the AS's Diameter identity (Destination-Host/-Realm of its SNR), directly when it is
 * connected, else through the DRAs of diameter.default_route.
 *
 * Answers and timeouts (sh.notify_timeout_ms) are counted. A PNA 5001 USER_UNKNOWN or 5107
 * NO_SUBSCRIPTION_TO_DATA says the AS does not want these notifications: its subscriptions
 * that were notified are removed. Other failures keep them. A One-Time-Notification
 * subscription is removed once its notification is sent. Subscriptions whose expiry passed
 * are purged once a minute.
 */
#include "sh_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define PN_PURGE_S 60

static struct {
	pthread_t th;
	bool running, stop, wake;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int64_t last_purge;
} pn = { .mu = PTHREAD_MUTEX_INITIALIZER };

/* What a PNR in flight needs when its answer comes. */
struct pn_sent {
	char host[HSS_DB_HOST_LEN];
	char who[SH_ID_LEN];
	size_t n_keys;
	char keys[][HSS_DB_REC_KEY_MAX + 1];
};

/* ---- answers ------------------------------------------------------------------------------ */

static void pn_ans_cb(void *data, struct msg **ans)
{
	struct pn_sent *s = data;
	bool exp = false;
	uint32_t code = hss_ans_result(*ans, &exp);

	/* by class and code too: what hssCmdTable and hssCmdResultTable show */
	hss_stats_code(HSS_CMD_PNR, code, exp);
	if (code >= 2000 && code < 3000) {
		atomic_fetch_add_explicit(&hss_stats.cmd[HSS_CMD_PNR].success, 1, memory_order_relaxed);
	} else if (exp && (code == SH_ERROR_USER_UNKNOWN || code == SH_ERROR_NO_SUBSCRIPTION_TO_DATA)) {
		/* the AS holds no such subscription (any more): stop notifying it */
		size_t gone = 0;
		for (size_t i = 0; i < s->n_keys; i++)
			gone += hss_imsdb_shsub_del_key(sh_g.store, s->keys[i]) == 0;
		atomic_fetch_add_explicit(code == SH_ERROR_USER_UNKNOWN ?
		                          &hss_stats.cmd[HSS_CMD_PNR].user_unknown :
		                          &hss_stats.cmd[HSS_CMD_PNR].rejected, 1, memory_order_relaxed);
		LOG_N("hss: PNR for %s to %s answered with %u: %zu subscription(s) removed", s->who,
		      s->host, code, gone);
	} else {
		atomic_fetch_add_explicit(&hss_stats.cmd[HSS_CMD_PNR].rejected, 1, memory_order_relaxed);
		LOG_N("hss: PNR for %s to %s answered with %u", s->who, s->host, code);
	}
	fd_msg_free(*ans);
	*ans = NULL;
	free(s);
}

static void pn_expire_cb(void *data, DiamId_t sentto, size_t len, struct msg **req)
{
	struct pn_sent *s = data;

	(void)sentto, (void)len;
	atomic_fetch_add_explicit(&hss_stats.cmd[HSS_CMD_PNR].timeouts, 1, memory_order_relaxed);
	LOG_N("hss: PNR for %s to %s: no answer in time", s->who, s->host);
	fd_msg_free(*req);
	*req = NULL;
	free(s);
}

/* ---- building -------------------------------------------------------------------------------- */

/* One subscription to notify, as read back. */
struct pn_item {
	struct hss_imsdb_shsub x;
	const struct hss_imsdb_shnote_item *note;
	long impu;                   /* model index, -1: the identity is gone */
	bool done;
};

static int pn_user_identity(struct msg *m, const struct pn_item *it, const struct hss_ims_sub *sub)
{
	const char *id = it->x.impu && it->x.impu[0] ? it->x.impu : sub->impus[it->impu].identity;
	struct avp *g = NULL;
	int rc;

	if ((rc = cm_avp_add_group(m, "User-Identity", &g)))
		return rc;
	if (!strncmp(id, "msisdn:", 7)) {
		uint8_t tbcd[16];
		size_t len = 0;
		if ((rc = cm_tbcd_encode(id + 7, strlen(id + 7), tbcd, sizeof(tbcd), &len)))
			return rc;
		return cm_avp_add_os(g, "MSISDN", tbcd, len);
	}
	return cm_avp_add_str(g, "Public-Identity", id);
}

/* The Sh-Data of the items of one group (same AS, same identity). */
static int pn_data(struct pn_item *items, size_t n, size_t first, const struct hss_imsdb_shctx *c,
                   char **xml, size_t *len)
{
	const struct hss_ims_sub *sub = c->sub;
	struct hss_ims_sh_data d;
	char err[256];
	int rc = 0;

	hss_ims_sh_data_init(&d);
	for (size_t i = first; !rc && i < n; i++) {
		struct pn_item *it = &items[i];
		char si[HSS_IMS_TEXT_MAX / 16 + 1];

		if (it->done || it->impu != items[first].impu ||
		    strcasecmp(it->x.as_host, items[first].x.as_host))
			continue;
		it->done = true;
		if (it->x.data_ref != HSS_IMS_DREF_REPOSITORY_DATA) {
			struct hss_imsdb_shsel sel = { it->x.data_ref, it->x.identity_sets,
				it->x.server_name, it->x.dsai_tags, it->x.n_dsai_tags };
			rc = hss_imsdb_sh_fill(c, (size_t)it->impu, &sel, &d);
			if (rc == ENOENT || rc == ENOTSUP)
				rc = 0;   /* a DSAI tag removed meanwhile: the rest still goes */
			continue;
		}
		if (!it->x.si || it->x.si_len >= sizeof(si) || memchr(it->x.si, 0, it->x.si_len))
			continue;
		memcpy(si, it->x.si, it->x.si_len);
		si[it->x.si_len] = '\0';
		{
			struct hss_imsdb_repo r;
			char key[SH_ID_LEN];

			if ((rc = hss_imsdb_impu_key(sub, (size_t)it->impu, key, sizeof(key))))
				break;
			rc = hss_imsdb_repo_get(sh_g.store, key, it->x.si, it->x.si_len, &r);
			if (!rc) {
				rc = hss_ims_sh_add_repo(&d, si, r.seq, r.data, r.len);
				hss_imsdb_repo_free(&r);
			} else if (rc == ENOENT && it->note->deleted) {
				/* deleted: the number of the deletion, no ServiceData */
				rc = hss_ims_sh_add_repo(&d, si, it->note->seq, NULL, 0);
			} else if (rc == ENOENT) {
				rc = 0;
			}
		}
	}
	if (!rc && (rc = hss_ims_sh_build(&d, xml, len, err, sizeof(err))))
		LOG_E("hss: Sh: cannot build the notification of '%s': %s", sub->id, err);
	hss_ims_sh_data_free(&d);
	return rc;
}

static int pn_send(struct msg **m, struct pn_sent *s)
{
	struct hss_snap *snap = hss_snap_get();
	unsigned ms = snap ? snap->cfg.sh.notify_timeout_ms : 5000;
	struct timespec ts;
	int rc;

	hss_snap_unref(snap);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	atomic_fetch_add_explicit(&hss_stats.cmd[HSS_CMD_PNR].requests, 1, memory_order_relaxed);
	if ((rc = fd_msg_send_timeout(m, pn_ans_cb, s, pn_expire_cb, &ts)))
		return rc;
	return 0;
}

/* One PNR for the group of items[first]. */
static void pn_group(struct pn_item *items, size_t n, size_t first, const struct hss_imsdb_shctx *c)
{
	const struct hss_imsdb_shsub *x = &items[first].x;
	const struct hss_ims_sub *sub = c->sub;
	const struct hss_ims_impu *u = &sub->impus[items[first].impu];
	struct dict_object *model = cm_dict_cmd("Push-Notification-Request");
	struct pn_sent *s = NULL;
	struct msg *m = NULL;
	char *xml = NULL;
	size_t len = 0, nk = 0;
	int rc;

	for (size_t i = first; i < n; i++)
		nk += !items[i].done && items[i].impu == items[first].impu &&
		      !strcasecmp(items[i].x.as_host, x->as_host);
	if (!(s = calloc(1, sizeof(*s) + nk * sizeof(s->keys[0])))) {
		rc = ENOMEM;
		goto fail;
	}
	snprintf(s->host, sizeof(s->host), "%s", x->as_host);
	snprintf(s->who, sizeof(s->who), "%s", x->impu && x->impu[0] ? x->impu : u->identity);
	for (size_t i = first; i < n; i++)
		if (!items[i].done && items[i].impu == items[first].impu &&
		    !strcasecmp(items[i].x.as_host, x->as_host))
			hss_imsdb_shsub_key(&items[i].x, s->keys[s->n_keys++]);
	if ((rc = pn_data(items, n, first, c, &xml, &len)))
		goto fail;
	if (!model) {
		rc = ENOENT;
		goto fail;
	}
	if ((rc = fd_msg_new(model, MSGFL_ALLOC_ETEID, &m)) ||
	    (rc = fd_msg_new_session(m, (os0_t)"hss", 3)) ||
	    (rc = cm_avp_add_vsai(m, HSS_VENDOR_3GPP, HSS_APP_SH)) ||
	    (rc = cm_avp_add_i32(m, "Auth-Session-State", 1)) ||
	    (rc = fd_msg_add_origin(m, 0)) ||
	    (rc = cm_avp_add_str(m, "Destination-Host", x->as_host)) ||
	    (rc = cm_avp_add_str(m, "Destination-Realm", x->as_realm && x->as_realm[0] ? x->as_realm :
	                         fd_g_config->cnf_diamrlm)) ||
	    (rc = pn_user_identity(m, &items[first], sub)))
		goto fail;
	if (u->type == HSS_IMS_ID_WILDCARDED_PSI &&
	    (rc = cm_avp_add_str(m, "Wildcarded-Public-Identity", u->identity)))
		goto fail;
	if (u->type == HSS_IMS_ID_WILDCARDED_IMPU &&
	    (rc = cm_avp_add_str(m, "Wildcarded-IMPU", u->identity)))
		goto fail;
	if ((rc = cm_avp_add_os(m, "User-Data-29.329", xml, len)))
		goto fail;
	free(xml);
	xml = NULL;
	/* One-Time-Notification: this was the one */
	for (size_t i = 0; i < s->n_keys; i++)
		for (size_t k = first; k < n; k++) {
			char key[HSS_DB_REC_KEY_MAX + 1];
			if (items[k].x.one_time && !hss_imsdb_shsub_key(&items[k].x, key) &&
			    !strcmp(key, s->keys[i]))
				hss_imsdb_shsub_del_key(sh_g.store, key);
		}
	if ((rc = pn_send(&m, s)))
		goto fail;
	return;
fail:
	atomic_fetch_add_explicit(&hss_stats.cmd[HSS_CMD_PNR].errors, 1, memory_order_relaxed);
	LOG_E("hss: cannot send a PNR for %s to %s: %s", sub->id, x->as_host, strerror(rc));
	if (m)
		fd_msg_free(m);
	free(s);
	free(xml);
	for (size_t i = first; i < n; i++)
		if (items[i].impu == items[first].impu && !strcasecmp(items[i].x.as_host, x->as_host))
			items[i].done = true;
}

static void pn_one(const struct hss_imsdb_shnote *note)
{
	struct hss_imsdb_sub *ref = NULL;
	struct hss_imsdb_shctx *c = NULL;
	struct hss_imsdb_state st;
	struct pn_item *items = NULL;
	int64_t now = (int64_t)time(NULL);
	size_t n = 0;
	int rc;

	hss_imsdb_state_init(&st);
	if ((rc = hss_imsdb_get(sh_g.store, note->sub_id, &ref))) {
		if (rc != ENOENT)
			hss_dbfault_note(rc, "Sh notification");
		goto out;
	}
	if ((rc = hss_imsdb_state_get(sh_g.store, note->sub_id, &st)) ||
	    !(c = malloc(sizeof(*c))) || !(items = calloc(note->n_items ? note->n_items : 1,
	                                                  sizeof(*items)))) {
		hss_dbfault_note(rc ? rc : ENOMEM, "Sh notification");
		goto out;
	}
	hss_imsdb_shctx_init(c, ref->sub, &st, now);
	for (size_t i = 0; i < note->n_items; i++) {
		struct pn_item *it = &items[n];

		if (hss_imsdb_shsub_get(sh_g.store, note->items[i].sub_key, &it->x))
			continue;   /* unsubscribed meanwhile */
		if ((it->x.expiry && it->x.expiry <= now) ||
		    (it->impu = hss_imsdb_impu_by_key(ref->sub, it->x.impu_key)) < 0) {
			hss_imsdb_shsub_free(&it->x);
			continue;
		}
		it->note = &note->items[i];
		n++;
	}
	for (size_t i = 0; i < n; i++)
		if (!items[i].done)
			pn_group(items, n, i, c);
out:
	for (size_t i = 0; i < n; i++)
		hss_imsdb_shsub_free(&items[i].x);
	free(items);
	free(c);
	hss_imsdb_state_free(&st);
	hss_imsdb_sub_release(ref);
}

/* ---- the outbox thread ------------------------------------------------------------------ */

static void pn_drain(void)
{
	struct hss_imsdb_shnote note;
	int64_t now = (int64_t)time(NULL);
	size_t purged = 0;
	int rc, n = 0;

	/* at most a batch per round, so stop is noticed under a long queue */
	while (n++ < 1000 && !pn.stop) {
		if ((rc = hss_imsdb_shnote_take(sh_g.store, &note))) {
			if (rc != ENOENT)
				hss_dbfault_note(rc, "Sh notification outbox read");
			break;
		}
		pn_one(&note);
		hss_imsdb_shnote_free(&note);
	}
	if (now - pn.last_purge >= PN_PURGE_S) {
		pn.last_purge = now;
		if ((rc = hss_imsdb_shsub_expire(sh_g.store, now, &purged)))
			hss_dbfault_note(rc, "Sh subscription purge");
		else if (purged)
			fd_log_debug("hss: Sh: %zu expired subscription(s) purged", purged);
	}
}

static void *pn_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&pn.mu);
	while (!pn.stop) {
		struct hss_snap *snap = hss_snap_get();
		unsigned ms = snap ? snap->cfg.sh.outbox_poll_ms : 1000;
		struct timespec ts;

		hss_snap_unref(snap);
		if (!pn.wake) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			ts.tv_sec += ms / 1000;
			ts.tv_nsec += (long)(ms % 1000) * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&pn.cv, &pn.mu, &ts);
		}
		if (pn.stop)
			break;
		pn.wake = false;
		pthread_mutex_unlock(&pn.mu);
		pn_drain();
		pthread_mutex_lock(&pn.mu);
	}
	pthread_mutex_unlock(&pn.mu);
	return NULL;
}

int sh_pnr_start(void)
{
	pthread_condattr_t ca;
	int rc;

	if (pn.running)
		return 0;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&pn.cv, &ca);
	pthread_condattr_destroy(&ca);
	pn.stop = false;
	pn.wake = true;   /* what was queued while no HSS ran */
	if ((rc = pthread_create(&pn.th, NULL, pn_main, NULL)))
		return rc;
	pn.running = true;
	return 0;
}

void sh_pnr_stop(void)
{
	if (!pn.running)
		return;
	pthread_mutex_lock(&pn.mu);
	pn.stop = true;
	pthread_cond_signal(&pn.cv);
	pthread_mutex_unlock(&pn.mu);
	pthread_join(pn.th, NULL);
	pthread_cond_destroy(&pn.cv);
	pn.running = false;
}

void sh_pnr_wake(void)
{
	if (!pn.running)
		return;
	pthread_mutex_lock(&pn.mu);
	pn.wake = true;
	pthread_cond_signal(&pn.cv);
	pthread_mutex_unlock(&pn.mu);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cx_push.c: the Cx requests the HSS sends to an S-CSCF, Registration-Termination (TS
 * 29.228 6.1.3, TS 29.229 6.1.9) and Push-Profile (6.2.2, 6.1.11), and the thread that
 * sends what the outbox holds (hss/imsdb push.c): changes made by hssctl, the control
 * socket, an MAR from a new S-CSCF, or another HSS process queue them with the change
 * itself; this thread takes them one at a time (each exactly once across processes), every
 * cx.outbox_poll_ms or at once when woken. They go to the S-CSCF's Diameter identity
 * (Destination-Host/-Realm): directly when it is connected, else through the DRAs of
 * diameter.default_route. Answers and timeouts (cx.push_timeout_ms) are counted; a PPA
 * 5008 TOO_MUCH_DATA or 5009 NOT_SUPPORTED_USER_DATA is logged (the S-CSCF de-registers the
 * user itself, TS 29.228 6.2.2.1).
 *
 * A PPR is built when it is sent, from the subscription and state of that moment: for each
 * implicit registration set with a registered or unregistered identity, the User-Data of
 * that set and the Charging-Information; registered identities the subscription no longer
 * has are de-registered with an RTR instead.
 */
#include "cx_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static struct {
	pthread_t th;
	bool running, stop, wake;
	pthread_mutex_t mu;
	pthread_cond_t cv;
} px = { .mu = PTHREAD_MUTEX_INITIALIZER };

struct px_sent {
	enum hss_cmd cmd;
	char host[HSS_DB_HOST_LEN];
	char who[CX_ID_LEN];
};

/* ---- sending ---------------------------------------------------------------------------- */

static void px_ans_cb(void *data, struct msg **ans)
{
	struct px_sent *s = data;
	bool exp;
	uint32_t code = hss_ans_result(*ans, &exp);

	/* by class and code too: what hssCmdTable and hssCmdResultTable show */
	hss_stats_code(s->cmd, code, exp);
	if (code >= 2000 && code < 3000) {
		atomic_fetch_add_explicit(&hss_stats.cmd[s->cmd].success, 1, memory_order_relaxed);
		fd_log_debug("hss: %s for %s answered by %s: %u", hss_cmd_name(s->cmd), s->who,
		             s->host, code);
	} else {
		atomic_fetch_add_explicit(&hss_stats.cmd[s->cmd].rejected, 1, memory_order_relaxed);
		LOG_N("hss: %s for %s to %s answered with %u%s", hss_cmd_name(s->cmd), s->who, s->host,
		      code, code == CX_ERROR_TOO_MUCH_DATA ? " TOO_MUCH_DATA (the S-CSCF de-registers "
		      "the user)" : code == CX_ERROR_NOT_SUPPORTED_USER_DATA ?
		      " NOT_SUPPORTED_USER_DATA" : "");
	}
	fd_msg_free(*ans);
	*ans = NULL;
	free(s);
}

static void px_expire_cb(void *data, DiamId_t sentto, size_t len, struct msg **req)
{
	struct px_sent *s = data;

	(void)sentto, (void)len;
	atomic_fetch_add_explicit(&hss_stats.cmd[s->cmd].timeouts, 1, memory_order_relaxed);
	LOG_N("hss: %s for %s to %s: no answer in time", hss_cmd_name(s->cmd), s->who, s->host);
	fd_msg_free(*req);
	*req = NULL;
	free(s);
}

/* A request of the Cx application to the S-CSCF host/realm, up to User-Name. */
static int px_new(const char *cmd, const char *host, const char *realm, const char *impi,
                  struct msg **ret)
{
	struct dict_object *model = cm_dict_cmd(cmd);
	struct msg *m = NULL;
	int rc;

	if (!model)
		return ENOENT;
	if ((rc = fd_msg_new(model, MSGFL_ALLOC_ETEID, &m)))
		return rc;
	if ((rc = fd_msg_new_session(m, (os0_t)"hss", 3)) ||
	    (rc = cm_avp_add_vsai(m, HSS_VENDOR_3GPP, HSS_APP_CX)) ||
	    (rc = cm_avp_add_i32(m, "Auth-Session-State", 1)) ||
	    (rc = fd_msg_add_origin(m, 0)) ||
	    (rc = cm_avp_add_str(m, "Destination-Host", host)) ||
	    (rc = cm_avp_add_str(m, "Destination-Realm", realm && realm[0] ? realm :
	                         fd_g_config->cnf_diamrlm)) ||
	    (rc = cm_avp_add_str(m, "User-Name", impi))) {
		fd_msg_free(m);
		return rc;
	}
	*ret = m;
	return 0;
}

static int px_send(struct msg **m, enum hss_cmd cmd, const char *host, const char *who)
{
	struct px_sent *s = calloc(1, sizeof(*s));
	struct hss_snap *snap = hss_snap_get();
	unsigned ms = snap ? snap->cfg.cx.push_timeout_ms : 5000;
	struct timespec ts;
	int rc;

	hss_snap_unref(snap);
	atomic_fetch_add_explicit(&hss_stats.cmd[cmd].requests, 1, memory_order_relaxed);
	if (!s) {
		rc = ENOMEM;
		goto fail;
	}
	s->cmd = cmd;
	snprintf(s->host, sizeof(s->host), "%s", host);
	snprintf(s->who, sizeof(s->who), "%s", who);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	if ((rc = fd_msg_send_timeout(m, px_ans_cb, s, px_expire_cb, &ts))) {
		free(s);
		goto fail;
	}
	return 0;
fail:
	atomic_fetch_add_explicit(&hss_stats.cmd[cmd].errors, 1, memory_order_relaxed);
	LOG_E("hss: cannot send %s for %s to %s: %s", hss_cmd_name(cmd), who, host, strerror(rc));
	if (*m) {
		fd_msg_free(*m);
		*m = NULL;
	}
	return rc;
}

static int px_send_rtr(const char *host, const char *realm, const char *impi, char *const *impus,
                       size_t n, uint32_t reason, const char *info)
{
	struct msg *m = NULL;
	struct avp *g = NULL;
	int rc;

	if (!host || !*host || !impi)
		return EINVAL;
	if ((rc = px_new("Registration-Termination-Request", host, realm, impi, &m)))
		goto fail;
	for (size_t i = 0; i < n; i++)
		if ((rc = cm_avp_add_str(m, "Public-Identity", impus[i])))
			goto fail;
	if ((rc = cm_avp_add_group(m, "Deregistration-Reason", &g)) ||
	    (rc = cm_avp_add_i32(g, "Reason-Code", (int32_t)reason)) ||
	    (info && (rc = cm_avp_add_str(g, "Reason-Info", info))))
		goto fail;
	return px_send(&m, HSS_CMD_RTR, host, n ? impus[0] : impi);
fail:
	atomic_fetch_add_explicit(&hss_stats.cmd[HSS_CMD_RTR].errors, 1, memory_order_relaxed);
	LOG_E("hss: cannot build an RTR for %s: %s", impi, strerror(rc));
	if (m)
		fd_msg_free(m);
	return rc;
}

/* ---- PPR ---------------------------------------------------------------------------------- */

struct ppr_upd {
	/* out: registered identities the subscription no longer has (to de-register) */
	char *gone[HSS_IMS_MAX_IMPUS];
	size_t n_gone;
	char gone_impi[CX_ID_LEN];
	struct hss_imsdb_state st;   /* the state after the update */
};

static void ppr_reset(struct ppr_upd *a)
{
	for (size_t i = 0; i < a->n_gone; i++)
		free(a->gone[i]);
	a->n_gone = 0;
	a->gone_impi[0] = '\0';
	hss_imsdb_state_free(&a->st);
}

static int ppr_state(struct hss_imsdb_tx *t, const struct hss_ims_sub *sub,
                     struct hss_imsdb_state *st, void *arg)
{
	struct ppr_upd *a = arg;
	bool changed = false;

	(void)t;
	ppr_reset(a);
	for (size_t i = 0; i < st->n_impus; i++) {
		struct hss_imsdb_impu_state *u = &st->impus[i];

		if (u->reg == HSS_IMSDB_NOT_REGISTERED || hss_ims_find_impu(sub, u->identity, false) >= 0)
			continue;
		if (a->n_gone < HSS_IMS_MAX_IMPUS && (a->gone[a->n_gone] = strdup(u->identity)))
			a->n_gone++;
		if (!a->gone_impi[0] && u->n_impis)
			snprintf(a->gone_impi, sizeof(a->gone_impi), "%s", u->impis[0]);
		changed = true;
	}
	/* keep a copy of the state for building the PPRs (pruned like the stored one) */
	hss_imsdb_state_prune(st, sub);
	if (st->scscf_name && !hss_imsdb_state_active(st)) {
		hss_imsdb_state_scscf(st, NULL, NULL, NULL);
		changed = true;
	}
	a->st.scscf_name = st->scscf_name ? strdup(st->scscf_name) : NULL;
	a->st.scscf_host = st->scscf_host ? strdup(st->scscf_host) : NULL;
	a->st.scscf_realm = st->scscf_realm ? strdup(st->scscf_realm) : NULL;
	for (size_t i = 0; i < st->n_impus; i++) {
		const struct hss_imsdb_impu_state *u = &st->impus[i];
		if (hss_imsdb_state_set(&a->st, u->identity, u->reg,
		                        u->n_impis ? u->impis[0] : NULL))
			return ENOMEM;
	}
	return changed ? 0 : HSS_IMSDB_NO_CHANGE;
}

static int px_ppr(const struct hss_imsdb_push *p)
{
	struct hss_imsdb_sub *ref = NULL;
	struct ppr_upd a;
	bool done[HSS_IMS_MAX_IMPUS] = { false };
	const struct hss_ims_sub *sub;
	int rc;

	memset(&a, 0, sizeof(a));
	if ((rc = hss_imsdb_update(cx_g.store, p->sub_id, ppr_state, &a))) {
		if (rc != ENOENT)
			LOG_E("hss: PPR for %s: %s", p->sub_id, hss_imsdb_strerror());
		goto out;
	}
	if (!a.st.scscf_host) {
		fd_log_debug("hss: PPR for %s: no S-CSCF assigned any more", p->sub_id);
		goto out;
	}
	if (a.n_gone)
		px_send_rtr(a.st.scscf_host, a.st.scscf_realm, a.gone_impi[0] ? a.gone_impi : p->sub_id,
		            a.gone, a.n_gone, CX_REASON_PERMANENT_TERMINATION, NULL);
	if ((rc = hss_imsdb_get(cx_g.store, p->sub_id, &ref)))
		goto out;
	sub = ref->sub;
	for (size_t i = 0; i < sub->n_impus; i++) {
		size_t m[HSS_IMS_MAX_IMPUS], n, k, pick = SIZE_MAX;
		struct hss_imsdb_impu_state *us;
		char impi[CX_ID_LEN] = "";
		struct avp *ud = NULL, *ch;
		struct msg *msg = NULL;

		if (done[i])
			continue;
		n = hss_ims_irs(sub, i, m, HSS_IMS_MAX_IMPUS);
		for (k = 0; k < n && k < HSS_IMS_MAX_IMPUS; k++) {
			done[m[k]] = true;
			us = hss_imsdb_state_impu(&a.st, sub->impus[m[k]].identity, false);
			if (us && us->reg != HSS_IMSDB_NOT_REGISTERED && pick == SIZE_MAX) {
				pick = m[k];
				if (us->n_impis)
					snprintf(impi, sizeof(impi), "%s", us->impis[0]);
			}
		}
		if (pick == SIZE_MAX)
			continue;   /* nothing of this set is at the S-CSCF */
		for (size_t x = 0; !impi[0] && x < sub->n_impis; x++)
			if (hss_ims_impi_may_use(sub, x, pick))
				snprintf(impi, sizeof(impi), "%s", sub->impis[x].identity);
		if (!impi[0] || cx_avp_user_data(sub, impi, sub->impus[pick].identity, &ud))
			continue;
		if ((rc = px_new("Push-Profile-Request", a.st.scscf_host, a.st.scscf_realm, impi, &msg)) ||
		    (rc = fd_msg_avp_add(msg, MSG_BRW_LAST_CHILD, ud))) {
			atomic_fetch_add_explicit(&hss_stats.cmd[HSS_CMD_PPR].errors, 1,
			                          memory_order_relaxed);
			LOG_E("hss: cannot build a PPR for %s: %s", sub->id, strerror(rc));
			if (ud)
				fd_msg_free(ud);
			if (msg)
				fd_msg_free(msg);
			continue;
		}
		if ((ch = cx_avp_charging(sub)) && fd_msg_avp_add(msg, MSG_BRW_LAST_CHILD, ch))
			fd_msg_free(ch);
		px_send(&msg, HSS_CMD_PPR, a.st.scscf_host, sub->impus[pick].identity);
	}
out:
	hss_imsdb_sub_release(ref);
	ppr_reset(&a);
	return rc;
}

/* ---- the outbox thread ---------------------------------------------------------------- */

static void px_one(const struct hss_imsdb_push *p)
{
	if (p->kind == HSS_IMSDB_PUSH_RTR)
		px_send_rtr(p->dest_host, p->dest_realm, p->impi ? p->impi : p->sub_id, p->impus,
		            p->n_impus, p->reason, p->reason_info);
	else
		px_ppr(p);
}

static void px_drain(void)
{
	struct hss_imsdb_push p;
	int rc, n = 0;

	/* at most a batch per round, so stop is noticed under a long queue */
	while (n++ < 1000 && !px.stop) {
		if ((rc = hss_imsdb_push_take(cx_g.store, &p))) {
			if (rc != ENOENT)
				hss_dbfault_note(rc, "IMS outbox read");
			return;
		}
		px_one(&p);
		hss_imsdb_push_free(&p);
	}
}

static void *px_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&px.mu);
	while (!px.stop) {
		struct hss_snap *snap = hss_snap_get();
		unsigned ms = snap ? snap->cfg.cx.outbox_poll_ms : 1000;
		struct timespec ts;

		hss_snap_unref(snap);
		if (!px.wake) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			ts.tv_sec += ms / 1000;
			ts.tv_nsec += (long)(ms % 1000) * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&px.cv, &px.mu, &ts);
		}
		if (px.stop)
			break;
		px.wake = false;
		pthread_mutex_unlock(&px.mu);
		px_drain();
		pthread_mutex_lock(&px.mu);
	}
	pthread_mutex_unlock(&px.mu);
	return NULL;
}

int cx_push_start(void)
{
	pthread_condattr_t ca;
	int rc;

	if (px.running)
		return 0;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&px.cv, &ca);
	pthread_condattr_destroy(&ca);
	px.stop = false;
	px.wake = true;   /* what was queued while no HSS ran */
	if ((rc = pthread_create(&px.th, NULL, px_main, NULL)))
		return rc;
	px.running = true;
	return 0;
}

void cx_push_stop(void)
{
	if (!px.running)
		return;
	pthread_mutex_lock(&px.mu);
	px.stop = true;
	pthread_cond_signal(&px.cv);
	pthread_mutex_unlock(&px.mu);
	pthread_join(px.th, NULL);
	pthread_cond_destroy(&px.cv);
	px.running = false;
}

void cx_push_wake(void)
{
	if (!px.running)
		return;
	pthread_mutex_lock(&px.mu);
	px.wake = true;
	pthread_cond_signal(&px.cv);
	pthread_mutex_unlock(&px.mu);
}

/* ---- administrative de-registration and profile push (control channel) ------------------- */

/* The subscription id of WHO: a subscription id, a public identity (sip:, sips:, tel:) or
 * a private identity. *impu set when WHO is a public identity. */
static int px_resolve(const char *who, char *id, size_t idlen, const char **impu)
{
	struct hss_imsdb_sub *ref = NULL;
	int rc;

	*impu = NULL;
	if (!strncasecmp(who, "sip:", 4) || !strncasecmp(who, "sips:", 5) ||
	    !strncasecmp(who, "tel:", 4)) {
		rc = hss_imsdb_find_impu(cx_g.store, who, &ref, NULL);
		*impu = who;
	} else if (strchr(who, '@')) {
		rc = hss_imsdb_find_impi(cx_g.store, who, &ref, NULL);
	} else {
		rc = hss_imsdb_get(cx_g.store, who, &ref);
	}
	if (rc)
		return rc;
	snprintf(id, idlen, "%s", ref->sub->id);
	hss_imsdb_sub_release(ref);
	return 0;
}

bool hss_cx_ctl(int argc, char **argv, char *out, size_t outsz)
{
	char id[HSS_IMS_ID_MAX + 1], *end;
	const char *impu = NULL;
	int rc;

	if (!argc || (strcmp(argv[0], "rtr") && strcmp(argv[0], "ppr") && strcmp(argv[0], "outbox")))
		return false;
	if (!cx_g.store) {
		snprintf(out, outsz, "error: Cx is not enabled (cx.enabled)");
		return true;
	}
	if (!strcmp(argv[0], "outbox") && argc == 1) {
		size_t n = 0;
		hss_imsdb_push_count(cx_g.store, 100000, &n);
		cx_push_wake();
		snprintf(out, outsz, "ok outbox %zu queued", n);
		return true;
	}
	if (argc < 2 || (!strcmp(argv[0], "ppr") && argc != 2) || argc > 3) {
		snprintf(out, outsz, "error: usage: rtr ID|IMPU|IMPI [REASON-CODE] | ppr ID|IMPU|IMPI | "
		         "outbox");
		return true;
	}
	if ((rc = px_resolve(argv[1], id, sizeof(id), &impu))) {
		snprintf(out, outsz, "error: %s", hss_imsdb_strerror());
		return true;
	}
	if (!strcmp(argv[0], "rtr")) {
		uint32_t reason = CX_REASON_PERMANENT_TERMINATION;
		bool queued = false;

		if (argc == 3) {
			unsigned long v = strtoul(argv[2], &end, 10);
			if (*end || end == argv[2] || v > CX_REASON_REMOVE_SCSCF) {
				snprintf(out, outsz, "error: reason code 0..3 (PERMANENT_TERMINATION, "
				         "NEW_SERVER_ASSIGNED, SERVER_CHANGE, REMOVE_S-CSCF)");
				return true;
			}
			reason = (uint32_t)v;
		}
		if ((rc = hss_imsdb_deregister(cx_g.store, id, impu, reason, NULL, &queued)))
			snprintf(out, outsz, "error: %s", hss_imsdb_strerror());
		else if (!queued)
			snprintf(out, outsz, "error: %s: not registered", argv[1]);
		else {
			cx_push_wake();
			snprintf(out, outsz, "ok rtr queued for %s", id);
		}
		return true;
	}
	{
		struct hss_imsdb_push p = { .kind = HSS_IMSDB_PUSH_PPR, .sub_id = id };
		if ((rc = hss_imsdb_push_add(cx_g.store, &p))) {
			snprintf(out, outsz, "error: %s", hss_imsdb_strerror());
		} else {
			cx_push_wake();
			snprintf(out, outsz, "ok ppr queued for %s", id);
		}
	}
	return true;
}

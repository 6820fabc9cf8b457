/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * relay.c: the DRA's freeDiameter callbacks.
 *
 *  - RT_FWD_REQ / RT_FWD_ANS: apply the current rule set to relayed requests and answers
 *    and count answers per peer and result class. Forward callbacks run before routing,
 *    so a rewritten Destination-Realm routes to the new realm.
 *  - An out callback (priority below the core's own, so it sees their scores) that picks a
 *    route and ranks the candidates with route_select.c; when no route or no peer of the
 *    group is usable it answers 3002 DIAMETER_UNABLE_TO_DELIVER itself, with
 *    Error-Reporting-Host (the core's own no-candidate answer has none), from a thread of
 *    its own (see answer_3002).
 *  - advertise_apps: fd_disp_app_support makes the node a local endpoint of these
 *    applications, and freeDiameter 1.2.1 (routing_dispatch.c, msg_rt_in) then hands a
 *    request for its own realm without Destination-Host to the local dispatcher instead
 *    of the forward path. A dispatch handler registered for each such application applies
 *    the request rules (the forward callbacks are skipped on that path) and returns
 *    DISP_ACT_CONT, which the dispatcher turns into relaying (msg_dispatch re-queues to the
 *    outgoing queue when the node is not no_fwd), so the route table still decides.
 */
#include "dra.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define DRA_AC_USER_NAME 1
#define DRA_AC_RESULT_CODE 268
#define DRA_AC_EXP_RESULT 297
#define DRA_AC_EXP_RESULT_CODE 298
#define DRA_AC_ROUTE_RECORD 282

/* Candidates scored at or below this by the core were ruled out (no common application
 * -70, redirect -60). */
#define DRA_SCORE_UNUSABLE (-50)

#define DRA_MAX_CANDS 64

static struct fd_rt_fwd_hdl *dra_fwd_req_hdl, *dra_fwd_ans_hdl;
static struct fd_rt_out_hdl *dra_out_hdl;
static struct disp_hdl **dra_disp_hdls;
static size_t dra_n_disp;

int dra_keys_get(struct msg *msg, struct dra_keys *k)
{
	struct msg_hdr *hdr;
	struct avp *avp;
	int rc;

	memset(k, 0, sizeof(*k));
	if ((rc = fd_msg_hdr(msg, &hdr)))
		return rc;
	k->app = hdr->msg_appl;
	if ((rc = fd_msg_browse(msg, MSG_BRW_FIRST_CHILD, &avp, NULL)))
		return rc;
	while (avp) {
		struct avp_hdr *ah;
		const uint8_t **dst = NULL;
		size_t *dlen = NULL;

		if ((rc = fd_msg_avp_hdr(avp, &ah)))
			return rc;
		if (!(ah->avp_flags & AVP_FLAG_VENDOR)) {
			switch (ah->avp_code) {
			case AC_DESTINATION_HOST: dst = &k->host; dlen = &k->host_len; break;
			case AC_DESTINATION_REALM: dst = &k->realm; dlen = &k->realm_len; break;
			case DRA_AC_USER_NAME: dst = &k->user; dlen = &k->user_len; break;
			}
		}
		if (dst && !*dst) {
			if (!ah->avp_value && fd_msg_parse_dict(avp, fd_g_config->cnf_dict, NULL) != 0)
				return EBADMSG;
			if (ah->avp_value) {
				*dst = ah->avp_value->os.data;
				*dlen = ah->avp_value->os.len;
			}
		}
		if (k->host && k->realm && k->user)
			break;
		if ((rc = fd_msg_browse(avp, MSG_BRW_NEXT, &avp, NULL)))
			return rc;
	}
	return 0;
}

int dra_rules_apply(struct dra_snap *s, struct msg *msg, bool is_request, const char *from,
                    const char *to, struct xf_trace *trace, int *ret_fired)
{
	unsigned fired = 0;
	int rc = 0;

	if (s && s->rules) {
		struct xf_ctx ctx;

		memset(&ctx, 0, sizeof(ctx));
		ctx.is_request = is_request;
		ctx.from_peer = from;
		ctx.to_peer = to;
		ctx.state = dra_xf_state();
		ctx.trace = trace;
		rc = xf_apply(s->rules, msg, &ctx, &fired);
	}
	if (ret_fired)
		*ret_fired = (int)fired;
	return rc;
}

/* A limit stopping the rules is what a hostile peer can cause at will: log it at most once
 * a minute, with how many there were since the last line. */
#define DRA_LIMIT_LOG_INTERVAL 60
static atomic_uint_fast64_t dra_limit_unlogged;
static atomic_llong dra_limit_logged_at = -DRA_LIMIT_LOG_INTERVAL;

static void rule_limit_hit(bool is_request)
{
	struct timespec ts;
	long long last;

	atomic_fetch_add_explicit(&dra_gstats.rule_limits, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&dra_limit_unlogged, 1, memory_order_relaxed);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	last = atomic_load_explicit(&dra_limit_logged_at, memory_order_relaxed);
	if (ts.tv_sec - last < DRA_LIMIT_LOG_INTERVAL ||
	    !atomic_compare_exchange_strong(&dra_limit_logged_at, &last, (long long)ts.tv_sec))
		return;
	fd_log_error("dra: rewrite rules stopped by a limit on %s (%llu time(s) since the previous "
	             "such line, logged at most every %d s): a regex reached its match limit or a "
	             "message its budget (the rule file's limits:); such requests are answered 5012, "
	             "answers relayed as they are; counter rule_limits",
	             is_request ? "a request" : "an answer",
	             (unsigned long long)atomic_exchange(&dra_limit_unlogged, 0),
	             DRA_LIMIT_LOG_INTERVAL);
}

/* 0, or the rule engine's error (counted). */
static int apply_rules_counted(struct msg *msg, bool is_request, const char *from, const char *to)
{
	struct dra_snap *s = dra_snap_get();
	int fired = 0, rc;

	if (!s)
		return 0;
	rc = dra_rules_apply(s, msg, is_request, from, to, NULL, &fired);
	if (rc)
		atomic_fetch_add_explicit(&dra_gstats.rule_errors, 1, memory_order_relaxed);
	if (rc == XF_ELIMIT)
		rule_limit_hit(is_request);
	if (fired)
		atomic_fetch_add_explicit(&dra_gstats.rules_fired, (unsigned)fired, memory_order_relaxed);
	dra_snap_unref(s);
	return rc;
}

static int answer_error(struct msg **pmsg, const char *rescode, const char *why);

/* Error-Message of the 5012 for a request the rules failed on. */
static const char *rule_error_text(int rc)
{
	if (rc == XF_ELIMIT)
		return "Rewrite rules stopped by a limit";
	return "Rewrite rule failed";
}

/* Count a request to relay under its application and command. */
static void count_cmd_request(struct msg *req)
{
	struct msg_hdr *hdr;
	struct dra_cmd_stats *cs;

	if (!fd_msg_hdr(req, &hdr) && (cs = dra_stats_cmd(hdr->msg_appl, hdr->msg_code)))
		atomic_fetch_add_explicit(&cs->requests, 1, memory_order_relaxed);
}

/* Count an answer going back under its command and result class. */
static void count_cmd_answer(struct msg *ans, uint32_t result_code)
{
	struct msg_hdr *hdr;
	struct dra_cmd_stats *cs;

	if (!fd_msg_hdr(ans, &hdr) && (cs = dra_stats_cmd(hdr->msg_appl, hdr->msg_code)))
		atomic_fetch_add_explicit(&cs->answers[dra_ans_class(result_code)], 1,
		                          memory_order_relaxed);
}

/* The peer policy (common/policy.c): a request its sender may not send is answered here,
 * whatever would decide its next hop (a Destination-Host included). True if answered. */
static bool policy_refused(struct msg **pmsg, DiamId_t src, size_t srclen)
{
	enum cm_pol_reason r;
	const char *rescode, *why;

	if (!src || (r = cm_policy_check_request(*pmsg, (const char *)src, srclen)) == CM_POL_OK)
		return false;
	atomic_fetch_add_explicit(&dra_gstats.policy_refused, 1, memory_order_relaxed);
	cm_policy_answer(r, &rescode, &why);
	answer_error(pmsg, rescode, why);
	return true;
}

static int fwd_req_cb(void *data, struct msg **pmsg)
{
	DiamId_t src = NULL;
	size_t srclen = 0;
	int rc;

	atomic_fetch_add_explicit(&dra_gstats.requests, 1, memory_order_relaxed);
	count_cmd_request(*pmsg);
	fd_msg_source_get(*pmsg, &src, &srclen);
	if (src && dra_overload_shed(pmsg))
		return 0;
	if (policy_refused(pmsg, src, srclen))
		return 0;
	/* A request a rule failed on half-way is refused rather than relayed half-rewritten. */
	if ((rc = apply_rules_counted(*pmsg, true, src, NULL)) != 0 && src)
		return answer_error(pmsg, "DIAMETER_UNABLE_TO_COMPLY", rule_error_text(rc));
	return 0;
}

/* Result-Code, or Experimental-Result-Code inside Experimental-Result; 0 if none. */
static uint32_t answer_code(struct msg *ans)
{
	struct avp *avp, *ch;
	struct avp_hdr *ah;

	if (fd_msg_browse(ans, MSG_BRW_FIRST_CHILD, &avp, NULL))
		return 0;
	while (avp) {
		if (fd_msg_avp_hdr(avp, &ah))
			return 0;
		if (!(ah->avp_flags & AVP_FLAG_VENDOR) && ah->avp_code == DRA_AC_RESULT_CODE) {
			if (!ah->avp_value && fd_msg_parse_dict(avp, fd_g_config->cnf_dict, NULL))
				return 0;
			return ah->avp_value ? ah->avp_value->u32 : 0;
		}
		if (!(ah->avp_flags & AVP_FLAG_VENDOR) && ah->avp_code == DRA_AC_EXP_RESULT) {
			if (fd_msg_parse_dict(avp, fd_g_config->cnf_dict, NULL))
				return 0;
			if (fd_msg_browse(avp, MSG_BRW_FIRST_CHILD, &ch, NULL))
				return 0;
			while (ch) {
				if (fd_msg_avp_hdr(ch, &ah))
					return 0;
				if (ah->avp_code == DRA_AC_EXP_RESULT_CODE && ah->avp_value)
					return ah->avp_value->u32;
				if (fd_msg_browse(ch, MSG_BRW_NEXT, &ch, NULL))
					return 0;
			}
		}
		if (fd_msg_browse(avp, MSG_BRW_NEXT, &avp, NULL))
			return 0;
	}
	return 0;
}

/* freeDiameter 1.2.1 appends a Route-Record naming the sender to every message it receives,
 * answers included. Route-Record belongs in requests only (RFC 6733 6.7.1, 6.1.9 says nothing
 * of the kind for answers), so a relay must not pass such an answer on with it. */
static void strip_route_record(struct msg *ans)
{
	struct avp *avp = NULL, *next;
	struct avp_hdr *ah;

	if (fd_msg_browse(ans, MSG_BRW_FIRST_CHILD, &avp, NULL))
		return;
	while (avp) {
		next = NULL;
		if (fd_msg_browse(avp, MSG_BRW_NEXT, &next, NULL))
			return;
		if (!fd_msg_avp_hdr(avp, &ah) && !(ah->avp_flags & AVP_FLAG_VENDOR) &&
		    ah->avp_code == DRA_AC_ROUTE_RECORD)
			fd_msg_free(avp);
		avp = next;
	}
}

static int fwd_ans_cb(void *data, struct msg **pmsg)
{
	DiamId_t src = NULL, to = NULL;
	size_t srclen = 0, tolen = 0;
	struct msg *q = NULL;
	struct dra_peer_stats *ps;

	uint32_t code = answer_code(*pmsg);

	atomic_fetch_add_explicit(&dra_gstats.answers, 1, memory_order_relaxed);
	count_cmd_answer(*pmsg, code);
	fd_msg_source_get(*pmsg, &src, &srclen);
	if (src && (ps = dra_stats_peer_find(src, srclen)))
		atomic_fetch_add_explicit(&ps->answers[dra_ans_class(code)], 1, memory_order_relaxed);
	/* The answer goes back to the peer its request came from. */
	if (fd_msg_answ_getq(*pmsg, &q) == 0 && q)
		fd_msg_source_get(q, &to, &tolen);
	strip_route_record(*pmsg);
	/* An answer a rule failed on is relayed as it stands (nothing is lost); counted. */
	apply_rules_counted(*pmsg, false, src, to);
	return 0;
}

/* The application head of the request, in an answer the relay makes for it: S6a, Cx and Sh
 * answers require Auth-Session-State and carry Vendor-Specific-Application-Id (TS 29.272
 * 7.2.2-7.2.22, TS 29.229 6.1, TS 29.329 6.1); an MME may discard an answer without them as
 * malformed, and retry a 5003 or 3002 it could not read. The relay knows no application: both
 * are copied from the request as it came (only values that parse; none when it has none). */
static void copy_app_head(struct msg *ans, struct msg *req)
{
	struct avp *a, *c;
	union avp_value *v;
	uint32_t vendor = 0, app = 0;

	if ((a = cm_avp_find(req, "Vendor-Specific-Application-Id"))) {
		if ((c = cm_avp_find(a, "Vendor-Id")) && (v = cm_avp_value(c)))
			vendor = v->u32;
		if ((c = cm_avp_find(a, "Auth-Application-Id")) && (v = cm_avp_value(c)))
			app = v->u32;
		if (vendor && app)
			(void)cm_avp_add_vsai(ans, vendor, app);
	}
	/* STATE_MAINTAINED (0) or NO_STATE_MAINTAINED (1), as asked */
	if ((a = cm_avp_find(req, "Auth-Session-State")) && (v = cm_avp_value(a)) &&
	    (v->i32 == 0 || v->i32 == 1))
		(void)cm_avp_add_i32(ans, "Auth-Session-State", v->i32);
}

/* Answer a relayed request with an error (3002, 5012) and Error-Reporting-Host; takes the
 * request. */
static int answer_error(struct msg **pmsg, const char *rescode, const char *why)
{
	struct msg *req = NULL;
	struct msg *m = *pmsg;
	union avp_value v;
	struct avp *erh = NULL;
	struct dict_object *erh_d = cm_dict_avp("Error-Reporting-Host");
	int rc;

	*pmsg = NULL;
	if ((rc = cm_answer_new(&m, MSGFL_ANSW_ERROR)))
		goto fail;
	if (!fd_msg_answ_getq(m, &req) && req)
		copy_app_head(m, req);
	if ((rc = fd_msg_rescode_set(m, (char *)rescode, (char *)why, NULL, 1)))
		goto fail;
	count_cmd_answer(m, cm_answer_result(m));
	if (erh_d && fd_msg_avp_new(erh_d, 0, &erh) == 0) {
		memset(&v, 0, sizeof(v));
		v.os.data = (uint8_t *)fd_g_config->cnf_diamid;
		v.os.len = fd_g_config->cnf_diamid_len;
		if (fd_msg_avp_setvalue(erh, &v) || fd_msg_avp_add(m, MSG_BRW_LAST_CHILD, erh)) {
			fd_msg_free((struct msg *)erh);
		}
	}
	if ((rc = fd_msg_send(&m, NULL, NULL)))
		goto fail;
	return 0;
fail:
	/* The request is dropped here: say so, or it vanishes without a trace. */
	fd_log_error("dra: could not answer a request %s (%s): %s; it is dropped", rescode, why,
	             strerror(rc));
	if (m)
		fd_msg_free(m);
	return 0;
}

/* Requests to answer 3002 from the out callback. That callback runs in freeDiameter's
 * routing-out thread, the only consumer of the outgoing queue (at most 30 messages in
 * 1.2.1): posting an answer there from that thread blocks forever once the queue is full.
 * So the request goes to this unbounded list and a thread of ours answers it. */
struct dra_pending {
	struct dra_pending *next;
	struct msg *req;
	const char *why;
};

static pthread_mutex_t dra_pq_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t dra_pq_cond = PTHREAD_COND_INITIALIZER;
static struct dra_pending *dra_pq_head, **dra_pq_tail = &dra_pq_head;
static bool dra_pq_stop, dra_pq_started;
static pthread_t dra_pq_thr;

static void *pq_thread(void *arg)
{
	for (;;) {
		struct dra_pending *p;

		pthread_mutex_lock(&dra_pq_lock);
		while (!dra_pq_head && !dra_pq_stop)
			pthread_cond_wait(&dra_pq_cond, &dra_pq_lock);
		p = dra_pq_head;
		if (p) {
			dra_pq_head = p->next;
			if (!dra_pq_head)
				dra_pq_tail = &dra_pq_head;
		}
		pthread_mutex_unlock(&dra_pq_lock);
		if (!p)
			return NULL;  /* stopping and drained */
		answer_error(&p->req, "DIAMETER_UNABLE_TO_DELIVER", p->why);
		free(p);
	}
}

/* Take the request and have it answered 3002 (Error-Reporting-Host) by pq_thread. */
static int answer_3002(struct msg **pmsg, const char *why)
{
	struct dra_pending *p = malloc(sizeof(*p));

	if (!p)
		return ENOMEM;  /* the core frees the request; the peer's timer fires */
	atomic_fetch_add_explicit(&dra_gstats.no_route, 1, memory_order_relaxed);
	p->next = NULL;
	p->req = *pmsg;
	p->why = why;
	*pmsg = NULL;
	pthread_mutex_lock(&dra_pq_lock);
	*dra_pq_tail = p;
	dra_pq_tail = &p->next;
	pthread_cond_signal(&dra_pq_cond);
	pthread_mutex_unlock(&dra_pq_lock);
	return 0;
}

static int out_cb(void *data, struct msg **pmsg, struct fd_list *candidates)
{
	struct dra_cand stack[DRA_MAX_CANDS], *c = stack;
	struct rtd_candidate *rc_arr[DRA_MAX_CANDS], **rcs = rc_arr;
	struct dra_snap *s;
	struct dra_keys k;
	const struct dra_route *r;
	struct fd_list *li;
	DiamId_t src = NULL;
	size_t srclen = 0, n = 0, i;
	uint64_t seq = 0;
	int best, rc = 0;

	s = dra_snap_get();
	if (!s || !s->rt)
		goto out;  /* no table: freeDiameter's own realm/host scoring applies */
	if (dra_keys_get(*pmsg, &k) != 0)
		goto out;
	fd_msg_source_get(*pmsg, &src, &srclen);

	for (li = candidates->next; li != candidates; li = li->next)
		n++;
	if (n > DRA_MAX_CANDS) {
		c = calloc(n, sizeof(*c));
		rcs = calloc(n, sizeof(*rcs));
		if (!c || !rcs) {
			rc = ENOMEM;
			goto out;
		}
	}
	n = 0;
	for (li = candidates->next; li != candidates; li = li->next) {
		struct rtd_candidate *cd = (struct rtd_candidate *)li;
		rcs[n] = cd;
		c[n].id = cd->diamid;
		c[n].id_len = cd->diamidlen;
		c[n].usable = cd->score > DRA_SCORE_UNUSABLE;
		n++;
	}

	/* A route that rejects the request wins over its Destination-Host (a `reject: true`
	 * route could be bypassed by naming a connected peer). */
	r = dra_route_find(s->rt, &k);
	/* Destination-Host naming a connected peer: deliver there (the core gave it +100). */
	if (k.host && !(r && !r->group)) {
		for (i = 0; i < n; i++) {
			if (c[i].usable && c[i].id_len == k.host_len &&
			    strncasecmp(c[i].id, (const char *)k.host, k.host_len) == 0) {
				struct dra_peer_stats *ps = dra_stats_peer_find(c[i].id, c[i].id_len);
				atomic_fetch_add_explicit(&dra_gstats.direct, 1, memory_order_relaxed);
				if (ps)
					atomic_fetch_add_explicit(&ps->routed, 1, memory_order_relaxed);
				goto out;
			}
		}
	}

	if (!r || !r->group) {
		if (r)
			atomic_fetch_add_explicit(&r->stats->matched, 1, memory_order_relaxed);
		if (!src) {
			/* Locally issued: the core answers its own requests. */
			for (i = 0; i < n; i++)
				rcs[i]->score += DRA_SCORE_EXCLUDE;
			goto out;
		}
		rc = answer_3002(pmsg, r ? "Route rejects this request" : "No route for this request");
		goto out;
	}
	atomic_fetch_add_explicit(&r->stats->matched, 1, memory_order_relaxed);
	if (r->group->policy != DRA_POL_FAILOVER)
		seq = atomic_fetch_add_explicit(&((struct dra_group *)r->group)->seq, 1,
		                                memory_order_relaxed);
	best = dra_group_rank(r->group, c, n, seq);
	if (best < 0) {
		atomic_fetch_add_explicit(&r->stats->no_peer, 1, memory_order_relaxed);
		atomic_fetch_add_explicit(&r->group->stats->unavailable, 1, memory_order_relaxed);
		if (src) {
			rc = answer_3002(pmsg, "No peer of the route's group is available");
			goto out;
		}
	} else {
		atomic_fetch_add_explicit(&r->group->stats->routed, 1, memory_order_relaxed);
		if (dra_group_preferred_down(r->group, c, n, seq))
			atomic_fetch_add_explicit(&dra_gstats.group_failovers, 1, memory_order_relaxed);
		if (c[best].member >= 0)
			atomic_fetch_add_explicit(&r->group->mstats[c[best].member]->routed, 1,
			                          memory_order_relaxed);
	}
	for (i = 0; i < n; i++)
		rcs[i]->score += c[i].delta;
out:
	if (c != stack)
		free(c);
	if (rcs != rc_arr)
		free(rcs);
	dra_snap_unref(s);
	return rc;
}

static int disp_cb(struct msg **pmsg, struct avp *avp, struct session *sess, void *opaque,
                   enum disp_action *act)
{
	struct dra_keys k;
	struct msg_hdr *hdr;
	DiamId_t src = NULL;
	size_t srclen = 0;
	int rc;

	*act = DISP_ACT_CONT;
	if (fd_msg_hdr(*pmsg, &hdr) || !(hdr->msg_flags & CMD_FLAG_REQUEST))
		return 0;
	atomic_fetch_add_explicit(&dra_gstats.requests, 1, memory_order_relaxed);
	fd_msg_source_get(*pmsg, &src, &srclen);
	/* Addressed to this node itself: it serves no application, as without advertise_apps. */
	if (src && dra_keys_get(*pmsg, &k) == 0 && k.host && k.host_len == fd_g_config->cnf_diamid_len &&
	    strncasecmp((const char *)k.host, fd_g_config->cnf_diamid, k.host_len) == 0) {
		answer_error(pmsg, "DIAMETER_APPLICATION_UNSUPPORTED", "This node is a relay");
		return 0;
	}
	if (src && dra_overload_shed(pmsg))
		return 0;
	if (policy_refused(pmsg, src, srclen))
		return 0;
	atomic_fetch_add_explicit(&dra_gstats.local_relayed, 1, memory_order_relaxed);
	count_cmd_request(*pmsg);
	/* A request a rule failed on half-way is refused rather than relayed half-rewritten. */
	if ((rc = apply_rules_counted(*pmsg, true, src, NULL)) != 0 && src)
		return answer_error(pmsg, "DIAMETER_UNABLE_TO_COMPLY", rule_error_text(rc));
	return 0;
}

int dra_relay_init(const uint32_t *apps, size_t n_apps)
{
	struct dict_object *vendor = NULL;
	vendor_id_t vid = 10415;
	size_t i;
	int rc;

	dra_pq_stop = false;
	if ((rc = pthread_create(&dra_pq_thr, NULL, pq_thread, NULL)))
		return rc;
	dra_pq_started = true;
	if ((rc = fd_rt_fwd_register(fwd_req_cb, NULL, RT_FWD_REQ, &dra_fwd_req_hdl)))
		return rc;
	if ((rc = fd_rt_fwd_register(fwd_ans_cb, NULL, RT_FWD_ANS, &dra_fwd_ans_hdl)))
		return rc;
	/* Priority 0, below the core's 10: it runs after them and sees their scores. */
	if ((rc = fd_rt_out_register(out_cb, NULL, 0, &dra_out_hdl)))
		return rc;
	if (n_apps == 0)
		return 0;
	if ((rc = fd_dict_search(fd_g_config->cnf_dict, DICT_VENDOR, VENDOR_BY_ID, &vid, &vendor,
	                         ENOENT))) {
		fd_log_error("dra: advertise_apps: vendor 10415 is not in the dictionary");
		return rc;
	}
	if (!(dra_disp_hdls = calloc(n_apps, sizeof(*dra_disp_hdls))))
		return ENOMEM;
	for (i = 0; i < n_apps; i++) {
		struct dict_object *app = cm_dict_app(apps[i]);
		struct disp_when when;

		if (!app) {
			fd_log_error("dra: advertise_apps: application %u is not in the dictionary", apps[i]);
			return ENOENT;
		}
		if ((rc = fd_disp_app_support(app, vendor, 1, 0)))
			return rc;
		memset(&when, 0, sizeof(when));
		when.app = app;
		if ((rc = fd_disp_register(disp_cb, DISP_HOW_APPID, &when, NULL, &dra_disp_hdls[i])))
			return rc;
		dra_n_disp++;
	}
	return 0;
}

void dra_relay_fini(void)
{
	size_t i;

	if (dra_out_hdl)
		fd_rt_out_unregister(dra_out_hdl, NULL);
	if (dra_fwd_req_hdl)
		fd_rt_fwd_unregister(dra_fwd_req_hdl, NULL);
	if (dra_fwd_ans_hdl)
		fd_rt_fwd_unregister(dra_fwd_ans_hdl, NULL);
	dra_out_hdl = NULL;
	dra_fwd_req_hdl = dra_fwd_ans_hdl = NULL;
	for (i = 0; i < dra_n_disp; i++)
		fd_disp_unregister(&dra_disp_hdls[i], NULL);
	free(dra_disp_hdls);
	dra_disp_hdls = NULL;
	dra_n_disp = 0;
	if (dra_pq_started) {
		pthread_mutex_lock(&dra_pq_lock);
		dra_pq_stop = true;
		pthread_cond_signal(&dra_pq_cond);
		pthread_mutex_unlock(&dra_pq_lock);
		pthread_join(dra_pq_thr, NULL);
		dra_pq_started = false;
	}
}

int dra_answer_error(struct msg **pmsg, const char *rescode, const char *why)
{
	return answer_error(pmsg, rescode, why);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * oneshot.c: send one request, print the decoded answer, map its result to the exit code;
 * optionally stay up answering the peer's own requests (CLR, IDR, DSR, RSR on S6a; RTR, PPR
 * on Cx; PNR on Sh) with 2001 and printing each one, so tests can see what an HSS sent.
 */
#include "dclient.h"

#include <errno.h>
#include <semaphore.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

volatile unsigned dc_served;
static const struct dc_opts *dc_serve_opts;
static bool dc_serve_print;
static sem_t dc_serve_sem;   /* posted when --serve-count requests were answered */

static int dc_serve_cb(struct msg **pmsg, struct avp *avp, struct session *sess, void *opaque,
                       enum disp_action *act)
{
	struct msg_hdr *mh;
	if (fd_msg_hdr(*pmsg, &mh) || !(mh->msg_flags & CMD_FLAG_REQUEST))
		return 0;
	if (dc_serve_print)
		dc_print_msg(stdout, *pmsg, "request", dc_serve_opts->json, -1);
	int rc = dc_answer_result(pmsg, dc_serve_opts->serve_result, dc_serve_opts->serve_exp);
	if (rc)
		return rc;
	*act = DISP_ACT_SEND;
	unsigned n = __atomic_add_fetch(&dc_served, 1, __ATOMIC_SEQ_CST);
	if (dc_serve_opts->serve_count && n == dc_serve_opts->serve_count)
		sem_post(&dc_serve_sem);
	return 0;
}

int dc_serve_register(const struct dc_opts *o, bool print)
{
	static const uint32_t apps[] = { DC_APP_S6A, DC_APP_CX, DC_APP_SH };
	dc_serve_opts = o;
	dc_serve_print = print;
	sem_init(&dc_serve_sem, 0, 0);
	for (size_t i = 0; i < sizeof(apps) / sizeof(apps[0]); i++) {
		struct disp_when when = { .app = cm_dict_app(apps[i]) };
		int rc;
		if (!when.app)
			continue;
		if ((rc = fd_disp_register(dc_serve_cb, DISP_HOW_APPID, &when, NULL, NULL)))
			return rc;
	}
	return 0;
}

static void dc_abs_realtime(struct timespec *ts, int64_t ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

/* Serve until serve_seconds elapse (forever when 0 and forever is set), --serve-count
 * requests were answered, or a signal arrives. */
static void dc_serve_wait(const struct dc_opts *o, bool forever)
{
	uint64_t end = dc_now_us() + (uint64_t)(o->serve_seconds * 1e6);
	if (o->serve_count && dc_served >= o->serve_count)
		return;
	while (!dc_interrupted && (forever || dc_now_us() < end)) {
		struct timespec ts;
		dc_abs_realtime(&ts, 50);
		if (!sem_timedwait(&dc_serve_sem, &ts))
			return;
	}
}

struct dc_oneshot_ctx {
	sem_t done;
	struct msg *ans;
	bool expired;
	uint64_t t0, t1;
};

/* Static: a late callback after we gave up must not touch a dead stack frame. */
static struct dc_oneshot_ctx dc_ctx;

static void dc_anscb(void *data, struct msg **ans)
{
	struct dc_oneshot_ctx *c = data;
	c->t1 = dc_now_us();
	c->ans = *ans;
	*ans = NULL;
	sem_post(&c->done);
}

static void dc_expcb(void *data, DiamId_t sentto, size_t len, struct msg **req)
{
	struct dc_oneshot_ctx *c = data;
	c->expired = true;
	sem_post(&c->done);
}

int dc_exit_for(struct msg *ans)
{
	struct dc_result r;
	dc_msg_result(ans, &r);
	if (r.result_code < 0 && r.exp_code < 0)
		return DC_EXIT_RESULT;
	if (r.result_code >= 0 && (r.result_code < 2000 || r.result_code > 2999))
		return DC_EXIT_RESULT;
	if (r.exp_code >= 0 && (r.exp_code < 2000 || r.exp_code > 2999))
		return DC_EXIT_RESULT;
	return DC_EXIT_OK;
}

/* Built before connecting, so that a bad option is a usage error even with no server. */
static struct msg *dc_req;

static int dc_oneshot_work(void *arg)
{
	const struct dc_opts *o = arg;
	struct msg *req = dc_req;
	struct timespec deadline;
	int rc;

	dc_req = NULL;
	if (o->verbose)
		dc_print_msg(stderr, req, "sending", false, -1);
	sem_init(&dc_ctx.done, 0, 0);
	dc_ctx.t0 = dc_now_us();
	dc_abs_realtime(&deadline, o->timeout_ms);
	if ((rc = fd_msg_send_timeout(&req, dc_anscb, &dc_ctx, dc_expcb, &deadline))) {
		fprintf(stderr, "dclient: cannot send the request: %s\n", strerror(rc));
		if (req)
			fd_msg_free(req);
		return DC_EXIT_NOANS;
	}
	/* The core's expiry only runs once the request reached a peer: keep our own bound. */
	dc_abs_realtime(&deadline, o->timeout_ms + 500);
	while ((rc = sem_timedwait(&dc_ctx.done, &deadline)) && errno == EINTR)
		;
	if (rc || dc_ctx.expired || !dc_ctx.ans) {
		fprintf(stderr, "dclient: timeout: no answer from %s within %d ms\n", o->peer_host, o->timeout_ms);
		return DC_EXIT_NOANS;
	}
	dc_print_msg(stdout, dc_ctx.ans, "answer", o->json, (int64_t)(dc_ctx.t1 - dc_ctx.t0));
	int ex = dc_exit_for(dc_ctx.ans);
	fd_msg_free(dc_ctx.ans);
	dc_ctx.ans = NULL;
	if (o->serve_seconds > 0 || o->serve_count)
		dc_serve_wait(o, o->serve_seconds <= 0);
	return ex;
}

int dc_oneshot(const struct dc_opts *o)
{
	int ex;
	if (dc_node_start(o) || dc_serve_register(o, o->serve_seconds > 0 || o->serve_count || o->verbose)) {
		dc_node_stop(DC_EXIT_NOANS);
		return DC_EXIT_NOANS;
	}
	if ((ex = dc_req_build(o, NULL, &dc_req))) {
		ex = ex == EINVAL || ex == ENOENT ? DC_EXIT_USAGE : DC_EXIT_NOANS;
		dc_node_stop(ex);
		return ex;
	}
	if (dc_node_wait_peer(o)) {
		fd_msg_free(dc_req);
		dc_req = NULL;
		dc_node_stop(DC_EXIT_NOANS);
		return DC_EXIT_NOANS;
	}
	ex = dc_run(dc_oneshot_work, (void *)o);
	dc_node_stop(ex);
	return ex;
}

static int dc_serve_work(void *arg)
{
	const struct dc_opts *o = arg;
	dc_serve_wait(o, o->serve_seconds <= 0);
	return DC_EXIT_OK;
}

int dc_serve_only(const struct dc_opts *o)
{
	int ex;
	if (dc_node_start(o) || dc_serve_register(o, true)) {
		dc_node_stop(DC_EXIT_NOANS);
		return DC_EXIT_NOANS;
	}
	if (dc_node_wait_peer(o)) {
		dc_node_stop(DC_EXIT_NOANS);
		return DC_EXIT_NOANS;
	}
	/* Tell a waiting test that the connection is up (stderr keeps stdout for messages). */
	fprintf(stderr, "dclient: connected to %s, serving\n", o->peer_host);
	ex = dc_run(dc_serve_work, (void *)o);
	dc_node_stop(ex);
	return ex;
}

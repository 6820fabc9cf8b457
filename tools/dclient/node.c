/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * node.c: dclient's freeDiameter node. A client has exactly one configured peer (the server
 * under test) and routes every request to it, whatever application the peer advertised, so
 * that raw requests for unsupported applications still reach the wire. An echo node has no
 * peer and accepts anyone. Connection failures are caught through the peer hooks so that
 * "no server" is reported at once instead of after the whole timeout. (common/ works around
 * the freeDiameter 1.2.1 behaviours that would distort a test client's results: no
 * TCP_NODELAY, a late first connection, and shutdown aborts/hangs changing the exit code.)
 */
#include "dclient.h"
#include "dict.h"

#include <errno.h>
#include <signal.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static struct cm_diam_cfg dc_cfg;
static struct cm_peer_cfg dc_peer;
static char *dc_listen[1];
static char *dc_accept_all[1] = { "*" };
static const char *dc_peer_host;
static struct fd_rt_out_hdl *dc_rt_hdl;
static struct fd_hook_hdl *dc_hook_hdl;
static int dc_log_level = FD_LOG_ERROR;
static bool dc_started;

static pthread_mutex_t dc_fail_lock = PTHREAD_MUTEX_INITIALIZER;
static char dc_fail_msg[256];
static bool dc_failed;

uint64_t dc_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* freeDiameter logs to stdout by default; dclient's stdout carries the answers (JSON), so
 * every log line goes to stderr, filtered by -v. */
static void dc_logger(int level, const char *fmt, va_list ap)
{
	if (level < dc_log_level)
		return;
	char line[1024];
	vsnprintf(line, sizeof(line), fmt, ap);
	fprintf(stderr, "dclient[fd]: %s\n", line);
}

static bool dc_is_our_peer(struct peer_hdr *peer)
{
	if (!peer || !dc_peer_host || !peer->info.pi_diamid)
		return false;
	return strlen(dc_peer_host) == peer->info.pi_diamidlen &&
	       !strncasecmp(dc_peer_host, (const char *)peer->info.pi_diamid, peer->info.pi_diamidlen);
}

static void dc_peer_hook(enum fd_hook_type type, struct msg *msg, struct peer_hdr *peer, void *other,
                         struct fd_hook_permsgdata *pmd, void *regdata)
{
	if (type == HOOK_MESSAGE_PARSING_ERROR) {
		/* The core drops an answer that breaks the dictionary's rules unless its
		 * Result-Code is an error (those are delivered): say so, or the user only sees a
		 * timeout. */
		struct msg_hdr *mh;
		struct dc_result r;
		if (!msg || !other || fd_msg_hdr(msg, &mh) || (mh->msg_flags & CMD_FLAG_REQUEST))
			return;
		dc_msg_result(msg, &r);
		if (r.result_code < 0 || r.result_code < 3000)
			fprintf(stderr, "dclient: answer (command %u) discarded by freeDiameter, it breaks the "
			        "dictionary rules: %s\n", mh->msg_code, (const char *)other);
		return;
	}
	if (type != HOOK_PEER_CONNECT_FAILED || !dc_is_our_peer(peer))
		return;
	pthread_mutex_lock(&dc_fail_lock);
	if (!dc_failed) {
		char rc[48] = "";
		if (msg) {
			struct dc_result r;
			dc_msg_result(msg, &r);
			if (r.result_code >= 0)
				snprintf(rc, sizeof(rc), " (Result-Code %lld)", (long long)r.result_code);
		}
		const char *why = other ? (const char *)other : "failed";
		/* freeDiameter's wording is about its own retry schedule; say what happened. */
		if (!strncmp(why, "All connection attempts failed", 30))
			why = "connection refused or address unreachable";
		snprintf(dc_fail_msg, sizeof(dc_fail_msg), "%s%s", why, rc);
		dc_failed = true;
	}
	pthread_mutex_unlock(&dc_fail_lock);
}

/* Every request goes to the one configured peer, even for an application it did not
 * advertise (the core would otherwise drop such a candidate with a negative score). */
static int dc_rt_out(void *cbdata, struct msg **pmsg, struct fd_list *candidates)
{
	for (struct fd_list *li = candidates->next; li != candidates; li = li->next) {
		struct rtd_candidate *c = (struct rtd_candidate *)li;
		if (dc_peer_host && c->diamidlen == strlen(dc_peer_host) &&
		    !strncasecmp((const char *)c->diamid, dc_peer_host, c->diamidlen))
			c->score += 200;
	}
	return 0;
}

static int dc_advertise(uint32_t app_id)
{
	struct dict_object *app = cm_dict_app(app_id), *vendor = NULL;
	uint32_t vid = DC_VENDOR_3GPP;
	if (!app)
		return ENOENT;
	int rc = fd_dict_search(fd_g_config->cnf_dict, DICT_VENDOR, VENDOR_BY_ID, &vid, &vendor, ENOENT);
	if (rc)
		return rc;
	return fd_disp_app_support(app, vendor, 1, 0);
}

/* Applications named in a "s6a,cx,sh" list (NULL: all three). */
static int dc_apps_parse(const char *list, uint32_t *ids, size_t *n)
{
	*n = 0;
	if (!list)
		list = "s6a,cx,sh";
	const char *p = list;
	while (*p) {
		size_t len = strcspn(p, ",");
		if (len == 3 && !strncasecmp(p, "s6a", 3))
			ids[(*n)++] = DC_APP_S6A;
		else if (len == 2 && !strncasecmp(p, "cx", 2))
			ids[(*n)++] = DC_APP_CX;
		else if (len == 2 && !strncasecmp(p, "sh", 2))
			ids[(*n)++] = DC_APP_SH;
		else if (len)
			return EINVAL;
		if (*n > 3)
			return EINVAL;
		p += len;
		if (*p == ',')
			p++;
	}
	return *n ? 0 : EINVAL;
}

int dc_node_start(const struct dc_opts *o)
{
	int rc;
	uint32_t apps[4];
	size_t napps;

	if (dc_apps_parse(o->apps, apps, &napps)) {
		fprintf(stderr, "dclient: --apps: a comma-separated list of s6a, cx, sh\n");
		return EINVAL;
	}
	dc_log_level = o->verbose >= 3 ? FD_LOG_DEBUG : o->verbose == 2 ? FD_LOG_NOTICE
	             : o->verbose == 1 ? FD_LOG_ERROR : FD_LOG_FATAL + 1;

	memset(&dc_cfg, 0, sizeof(dc_cfg));
	dc_cfg.identity = o->identity;
	dc_cfg.realm = o->realm;
	dc_cfg.port = o->port;
	dc_cfg.sctp = o->sctp;
	dc_cfg.tw_timer = 30;
	dc_cfg.tc_timer = 30;
	dc_cfg.threads = o->threads;
	dc_cfg.log_level = o->verbose >= 3 ? "debug" : o->verbose == 2 ? "info" : o->verbose == 1 ? "notice" : "error";
	dc_cfg.source = "dclient command line";
	if (o->port) {
		dc_listen[0] = o->listen;
		dc_cfg.listen = dc_listen;
		dc_cfg.n_listen = 1;
	}
	/* A listening node (echo, or a client with --port standing in for an MME) takes
	 * connections from anyone: tests bring peers the command line did not name. */
	if (o->cmd == DC_ECHO || o->port) {
		dc_cfg.accept_peers = dc_accept_all;
		dc_cfg.n_accept_peers = 1;
	}
	if (o->cmd != DC_ECHO) {
		memset(&dc_peer, 0, sizeof(dc_peer));
		dc_peer.host = o->peer_host;
		dc_peer.addr = o->peer_addr;
		dc_peer.port = o->peer_port;
		dc_peer.sctp = o->sctp;
		dc_cfg.peers = &dc_peer;
		dc_cfg.n_peers = 1;
		dc_peer_host = o->peer_host;
	}

	/* Before the core starts logging its configuration (to stdout by default). */
	fd_log_handler_register(dc_logger);
	if ((rc = cm_diam_init(&dc_cfg))) {
		fprintf(stderr, "dclient: cannot initialise the Diameter node: %s\n", strerror(rc));
		return rc;
	}
	if ((rc = dict_load_all())) {
		fprintf(stderr, "dclient: cannot load the dictionaries: %s\n", strerror(rc));
		return rc;
	}
	for (size_t i = 0; i < napps; i++) {
		if ((rc = dc_advertise(apps[i]))) {
			fprintf(stderr, "dclient: cannot advertise application %u: %s\n", apps[i], strerror(rc));
			return rc;
		}
	}
	if ((rc = fd_hook_register(HOOK_MASK(HOOK_PEER_CONNECT_FAILED,
	                                     HOOK_MESSAGE_PARSING_ERROR), dc_peer_hook,
	                           NULL, NULL, &dc_hook_hdl)) ||
	    (o->cmd != DC_ECHO && (rc = fd_rt_out_register(dc_rt_out, NULL, 10, &dc_rt_hdl)))) {
		fprintf(stderr, "dclient: cannot register routing/hook callbacks: %s\n", strerror(rc));
		return rc;
	}
	return 0;
}

/* Separate from dc_node_start so that modes register their handlers before the first
 * connection can deliver a request. */
static int dc_node_core_start(void)
{
	int rc = cm_diam_start();
	if (rc)
		fprintf(stderr, "dclient: cannot start the Diameter node: %s\n", strerror(rc));
	else
		dc_started = true;
	return rc;
}

int dc_node_wait_peer(const struct dc_opts *o)
{
	int rc = dc_node_core_start();
	if (rc)
		return rc;
	if (o->cmd == DC_ECHO)
		return 0;
	uint64_t deadline = dc_now_us() + (uint64_t)o->timeout_ms * 1000u;
	for (;;) {
		struct peer_hdr *peer = NULL;
		if (!fd_peer_getbyid((DiamId_t)o->peer_host, strlen(o->peer_host), 1, &peer) && peer &&
		    fd_peer_get_state(peer) == STATE_OPEN)
			return 0;
		pthread_mutex_lock(&dc_fail_lock);
		bool failed = dc_failed;
		pthread_mutex_unlock(&dc_fail_lock);
		/* With a listener the peer may still connect to us: wait for the whole timeout. */
		if (failed && !o->port) {
			fprintf(stderr, "dclient: cannot connect to %s at %s:%u: %s\n", o->peer_host, o->peer_addr,
			        o->peer_port, dc_fail_msg);
			return ECONNREFUSED;
		}
		if (dc_now_us() >= deadline) {
			fprintf(stderr, "dclient: timeout: no Diameter connection to %s at %s:%u within %d ms\n",
			        o->peer_host, o->peer_addr, o->peer_port, o->timeout_ms);
			return ETIMEDOUT;
		}
		usleep(2000);
	}
}

/* The outcome is known before the core shuts down: common/ keeps it as the exit code even if
 * freeDiameter 1.2.1 aborts or hangs while shutting down. */
void dc_node_stop(int exit_code)
{
	fflush(stdout);
	fflush(stderr);
	if (!dc_started)
		return;
	cm_diam_set_exit_code(exit_code);
	cm_diam_shutdown();
	dc_started = false;
}

volatile bool dc_interrupted;

struct dc_worker {
	int (*fn)(void *);
	void *arg;
	int rc;
	volatile bool done;
	volatile bool main_back;
};

static void *dc_worker_main(void *p)
{
	struct dc_worker *w = p;
	w->rc = w->fn(w->arg);
	w->done = true;
	/* cm_diam_run may not have started waiting yet: ask until the main thread is back. */
	while (!w->main_back) {
		cm_diam_request_stop();
		usleep(20000);
	}
	return NULL;
}

int dc_run(int (*fn)(void *), void *arg)
{
	struct dc_worker w = { .fn = fn, .arg = arg };
	pthread_t th;
	int rc = pthread_create(&th, NULL, dc_worker_main, &w);
	if (rc) {
		fprintf(stderr, "dclient: cannot create a thread: %s\n", strerror(rc));
		return DC_EXIT_NOANS;
	}
	/* An error from cm_diam_run means no signal handling, not a signal: keep working. */
	if (!cm_diam_run(NULL, NULL) && !w.done)
		dc_interrupted = true;
	w.main_back = true;
	pthread_join(th, NULL);
	return w.rc;
}

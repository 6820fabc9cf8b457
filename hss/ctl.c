/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl.c: the HSS control channel, a UNIX stream socket (`ctl_socket:` in hss.yaml) through
 * which provisioning tools and tests trigger the HSS-initiated procedures. One command line
 * per connection, one reply line:
 *   idr IMSI [IDR-FLAGS]        Insert-Subscriber-Data with the full Subscription-Data
 *   dsr IMSI DSR-FLAGS          Delete-Subscriber-Data
 *   clr IMSI [TYPE]             Cancel-Location to the registered MME (default type 2,
 *                               SUBSCRIPTION_WITHDRAWAL)
 *   rtr ID|IMPU|IMPI [REASON]   Cx administrative de-registration (hss/cx/cx_push.c)
 *   ppr ID|IMPU|IMPI            Cx Push-Profile of the current profile
 *   outbox                      send the queued RTR/PPR now
 *   stats                       the counters
 * Replies start with "ok" or "error". Requests are queued, not awaited: their answers show
 * in the counters. Numbers are decimal.
 *
 * Who may use it: the kernel's peer credentials (SO_PEERCRED) of each connection must be
 * root, the HSS's own user, or a user of `ctl_allow_users` (whoever may use it may
 * provision); the socket is created mode 0600 (0666 when other users are allowed: the
 * credential check is then what keeps others out).
 * One thread serves every client with poll(): a line is at most 255 characters, and a
 * client has 2 s from its connection to its reply, so a slow or silent client costs the
 * others nothing and holds a slot (of 16) for 2 s at most.
 */
#include "hss_int.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define CTL_LINE_MAX 256          /* a command line with its newline */
#define CTL_OUT_MAX 2048          /* a reply without its newline */
#define CTL_CLIENTS_MAX 16
#define CTL_DEADLINE_MS 2000      /* from accept to the end of the reply */
#define CTL_LOG_INTERVAL_S 60     /* refused clients are logged at most this often */

struct ctl_client {
	int fd;                   /* -1: free slot */
	int64_t deadline;         /* ms, monotonic */
	bool replying;
	size_t inlen, outlen, outoff;
	char in[CTL_LINE_MAX];
	char out[CTL_OUT_MAX + 1];
};

static struct {
	int fd;
	int stop_pipe[2];
	pthread_t thread;
	bool running;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	uid_t allow[HSS_CTL_MAX_USERS];
	size_t n_allow;
	struct ctl_client cl[CTL_CLIENTS_MAX];
	uint64_t refused, refused_unlogged;
	int64_t refused_logged_at;
} ctl = { .fd = -1, .stop_pipe = { -1, -1 } };

/* A decimal number (no sign, no base prefix: `010` is ten). */
static int ctl_u32(const char *s, uint32_t *ret)
{
	uint64_t v = 0;
	size_t i;

	if (!s || !*s)
		return EINVAL;
	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 10)
			return EINVAL;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return EINVAL;
	*ret = (uint32_t)v;
	return 0;
}

static bool ctl_imsi_ok(const char *s)
{
	size_t l = s ? strlen(s) : 0;

	return l >= 5 && l <= 15 && strspn(s, "0123456789") == l;
}

void hss_ctl_exec(const char *line, char *out, size_t outsz)
{
	char buf[256], *argv[4] = { NULL }, *save = NULL, *tok;
	struct hss_sub *sub = NULL;
	const char *host, *realm;
	uint32_t v = 0;
	int argc = 0, rc;

	snprintf(buf, sizeof(buf), "%s", line ? line : "");
	for (tok = strtok_r(buf, " \t\r\n", &save); tok && argc < 4;
	     tok = strtok_r(NULL, " \t\r\n", &save))
		argv[argc++] = tok;
	if (!argc) {
		snprintf(out, outsz, "error: empty command");
		return;
	}
	if (!strcmp(argv[0], "stats") && argc == 1) {
		size_t k = (size_t)snprintf(out, outsz, "ok ");
		if (k < outsz)
			hss_stats_format(out + k, outsz - k);
		return;
	}
	if (hss_cx_ctl(argc, argv, out, outsz))
		return;
	if (argc < 2 || !ctl_imsi_ok(argv[1]) || argc > 3) {
		snprintf(out, outsz, "error: usage: idr IMSI [FLAGS] | dsr IMSI FLAGS | "
		         "clr IMSI [TYPE] | rtr ID|IMPU|IMPI [REASON] | ppr ID|IMPU|IMPI | outbox | "
		         "stats");
		return;
	}
	if (argc == 3 && ctl_u32(argv[2], &v)) {
		snprintf(out, outsz, "error: bad number '%s'", argv[2]);
		return;
	}
	if (!strcmp(argv[0], "idr")) {
		rc = hss_s6a_send_idr(argv[1], v);
	} else if (!strcmp(argv[0], "dsr") && argc == 3) {
		rc = hss_s6a_send_dsr(argv[1], v);
	} else if (!strcmp(argv[0], "clr")) {
		if (!(sub = calloc(1, sizeof(*sub)))) {
			rc = ENOMEM;
		} else if (!(rc = hss_serving_node(argv[1], sub, &host, &realm))) {
			bool mme = hss_host_eq(host, sub->serving.mme_host);
			rc = hss_s6a_send_clr(argv[1], host, realm,
			                      argc == 3 ? v : HSS_CANCEL_SUBSCR_WITHDRAWAL,
			                      mme ? HSS_CLR_S6A_S6D_INDICATOR : 0);
		}
		if (sub)
			explicit_bzero(sub, sizeof(*sub));   /* K and OP/OPc were read with the rest */
		free(sub);
	} else {
		snprintf(out, outsz, "error: unknown command '%s'", argv[0]);
		return;
	}
	if (rc == ENOENT)
		snprintf(out, outsz, "error: %s: unknown IMSI or no serving node", argv[1]);
	else if (rc)
		snprintf(out, outsz, "error: %s", strerror(rc));
	else
		snprintf(out, outsz, "ok %s sent", argv[0]);
}

static int64_t ctl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Best effort, never blocking: for refusals and timeouts. */
static void ctl_say(int fd, const char *line)
{
	if (send(fd, line, strlen(line), MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
		/* the client is gone or not reading: nothing more to tell it */
	}
}

static void ctl_close(struct ctl_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static bool ctl_uid_allowed(uid_t uid)
{
	if (uid == 0 || uid == geteuid())
		return true;
	for (size_t i = 0; i < ctl.n_allow; i++)
		if (ctl.allow[i] == uid)
			return true;
	return false;
}

static void ctl_refused(uid_t uid)
{
	int64_t now = ctl_now_ms() / 1000;

	ctl.refused++;
	ctl.refused_unlogged++;
	if (ctl.refused_logged_at && now - ctl.refused_logged_at < CTL_LOG_INTERVAL_S)
		return;
	fd_log_error("hss: control socket %s: refused a client of uid %u (%llu refused since the "
	             "previous such line; root, uid %u and ctl_allow_users may connect)", ctl.path,
	             (unsigned)uid, (unsigned long long)ctl.refused_unlogged, (unsigned)geteuid());
	ctl.refused_unlogged = 0;
	ctl.refused_logged_at = now ? now : 1;
}

/* A new connection: checked, then given a slot, or refused with a line. */
static void ctl_accept(void)
{
	for (int k = 0; k < CTL_CLIENTS_MAX; k++) {
		struct ucred cr;
		socklen_t crlen = sizeof(cr);
		struct ctl_client *c = NULL;
		int fd = accept4(ctl.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0)
			return;   /* EAGAIN: no more waiting; anything else: try at the next poll */
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &crlen) || crlen != sizeof(cr)) {
			close(fd);
			continue;
		}
		if (!ctl_uid_allowed(cr.uid)) {
			char line[96];
			snprintf(line, sizeof(line), "error: uid %u may not use this socket\n",
			         (unsigned)cr.uid);
			ctl_say(fd, line);
			close(fd);
			ctl_refused(cr.uid);
			continue;
		}
		for (size_t i = 0; i < CTL_CLIENTS_MAX && !c; i++)
			if (ctl.cl[i].fd < 0)
				c = &ctl.cl[i];
		if (!c) {
			ctl_say(fd, "error: busy, try again\n");
			close(fd);
			continue;
		}
		c->fd = fd;
		c->deadline = ctl_now_ms() + CTL_DEADLINE_MS;
		c->replying = false;
		c->inlen = c->outlen = c->outoff = 0;
	}
}

/* The command is complete (newline, end of input, or too long): run it, start the reply. */
static void ctl_run(struct ctl_client *c, bool too_long)
{
	char *nl = memchr(c->in, '\n', c->inlen);
	size_t len = nl ? (size_t)(nl - c->in) : c->inlen;

	if (too_long) {
		snprintf(c->out, CTL_OUT_MAX, "error: command line longer than %d characters",
		         CTL_LINE_MAX - 1);
	} else if (memchr(c->in, '\0', len)) {
		snprintf(c->out, CTL_OUT_MAX, "error: NUL in command");
	} else {
		char line[CTL_LINE_MAX];
		memcpy(line, c->in, len);
		line[len] = '\0';
		hss_ctl_exec(line, c->out, CTL_OUT_MAX);
	}
	c->outlen = strlen(c->out);
	c->out[c->outlen++] = '\n';
	c->outoff = 0;
	c->replying = true;
}

static void ctl_read(struct ctl_client *c)
{
	ssize_t n = recv(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen, 0);

	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			ctl_close(c);
		return;
	}
	if (n == 0) {
		/* end of input: a command without its newline is still a command */
		if (c->inlen)
			ctl_run(c, false);
		else
			ctl_close(c);
		return;
	}
	c->inlen += (size_t)n;
	if (memchr(c->in, '\n', c->inlen))
		ctl_run(c, false);
	else if (c->inlen == sizeof(c->in))
		ctl_run(c, true);
}

static void ctl_write(struct ctl_client *c)
{
	ssize_t n = send(c->fd, c->out + c->outoff, c->outlen - c->outoff, MSG_NOSIGNAL | MSG_DONTWAIT);

	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			ctl_close(c);
		return;
	}
	c->outoff += (size_t)n;
	if (c->outoff == c->outlen)
		ctl_close(c);
}

static void *ctl_main(void *arg)
{
	struct pollfd p[2 + CTL_CLIENTS_MAX];
	struct ctl_client *who[2 + CTL_CLIENTS_MAX];

	(void)arg;
	for (;;) {
		int64_t now = ctl_now_ms(), next = -1;
		nfds_t n = 2;
		int timeout;

		p[0].fd = ctl.fd;
		p[0].events = POLLIN;
		p[1].fd = ctl.stop_pipe[0];
		p[1].events = POLLIN;
		for (size_t i = 0; i < CTL_CLIENTS_MAX; i++) {
			struct ctl_client *c = &ctl.cl[i];
			if (c->fd < 0)
				continue;
			if (now >= c->deadline) {
				if (!c->replying)
					ctl_say(c->fd, "error: timeout: a command line and its newline are "
					        "expected within 2 s\n");
				ctl_close(c);
				continue;
			}
			if (next < 0 || c->deadline < next)
				next = c->deadline;
			p[n].fd = c->fd;
			p[n].events = c->replying ? POLLOUT : POLLIN;
			p[n].revents = 0;
			who[n++] = c;
		}
		timeout = next < 0 ? -1 : (int)(next - now);
		if (poll(p, n, timeout) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents)
			break;
		for (nfds_t i = 2; i < n; i++) {
			struct ctl_client *c = who[i];
			if (!p[i].revents || c->fd < 0)
				continue;
			if (!c->replying)
				ctl_read(c);
			/* a reply is sent at once when the socket takes it */
			if (c->fd >= 0 && c->replying)
				ctl_write(c);
		}
		if (p[0].revents & POLLIN)
			ctl_accept();
	}
	for (size_t i = 0; i < CTL_CLIENTS_MAX; i++)
		ctl_close(&ctl.cl[i]);
	return NULL;
}

int hss_ctl_start(const char *path, const uid_t *allow, size_t n_allow)
{
	struct sockaddr_un sa;
	struct stat st;
	mode_t old;
	int rc;

	if (!path || strlen(path) >= sizeof(sa.sun_path))
		return ENAMETOOLONG;
	if (n_allow > HSS_CTL_MAX_USERS)
		return EINVAL;
	memcpy(ctl.allow, allow, n_allow * sizeof(*allow));
	ctl.n_allow = n_allow;
	for (size_t i = 0; i < CTL_CLIENTS_MAX; i++)
		ctl.cl[i].fd = -1;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((ctl.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0)
		return errno;
	/* A stale socket of a previous run is replaced; anything else at that path is an
	 * error rather than something to delete. */
	if (!lstat(path, &st)) {
		if (!S_ISSOCK(st.st_mode)) {
			close(ctl.fd);
			ctl.fd = -1;
			return EEXIST;
		}
		unlink(path);
	}
	/* Other users allowed: they must be able to connect; SO_PEERCRED keeps the rest out. */
	old = umask(n_allow ? 0111 : 0177);
	rc = bind(ctl.fd, (struct sockaddr *)&sa, sizeof(sa)) ? errno : 0;
	umask(old);
	if (rc || (listen(ctl.fd, 16) && (rc = errno)) || (pipe(ctl.stop_pipe) && (rc = errno)))
		goto fail;
	snprintf(ctl.path, sizeof(ctl.path), "%s", path);
	if ((rc = pthread_create(&ctl.thread, NULL, ctl_main, NULL)))
		goto fail;
	ctl.running = true;
	return 0;
fail:
	hss_ctl_stop();
	return rc;
}

void hss_ctl_stop(void)
{
	if (ctl.running) {
		if (write(ctl.stop_pipe[1], "x", 1) < 0) {
			/* cannot happen with an open pipe; the join below would then hang, so
			 * cancel instead */
			pthread_cancel(ctl.thread);
		}
		pthread_join(ctl.thread, NULL);
		ctl.running = false;
	}
	if (ctl.fd >= 0)
		close(ctl.fd);
	if (ctl.path[0])
		unlink(ctl.path);
	if (ctl.stop_pipe[0] >= 0)
		close(ctl.stop_pipe[0]);
	if (ctl.stop_pipe[1] >= 0)
		close(ctl.stop_pipe[1]);
	ctl.fd = ctl.stop_pipe[0] = ctl.stop_pipe[1] = -1;
	ctl.path[0] = '\0';
}

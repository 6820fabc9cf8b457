/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ctl.c: the HSS control channel, a UNIX stream socket (`ctl_socket:` in hss.yaml) through
 * which provisioning tools and tests trigger the HSS-initiated procedures. One command line
 * per connection, one reply line:
 *   idr IMSI [IDR-FLAGS]        Insert-Subscriber-Data with the full Subscription-Data
 *   dsr IMSI DSR-FLAGS          Delete-Subscriber-Data
 *   clr IMSI [TYPE]             Cancel-Location to the registered MME (default type 2,
 *                               SUBSCRIPTION_WITHDRAWAL)
 *   stats                       the counters
 * Replies start with "ok" or "error". Requests are queued, not awaited: their answers show
 * in the counters. The socket is created with mode 0600 (whoever may use it may provision).
 */
#include "hss_int.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static struct {
	int fd;
	int stop_pipe[2];
	pthread_t thread;
	bool running;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
} ctl = { .fd = -1, .stop_pipe = { -1, -1 } };

static int ctl_u32(const char *s, uint32_t *ret)
{
	char *end;
	unsigned long v;

	if (!s)
		return EINVAL;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || end == s || v > UINT32_MAX || s[0] == '-')
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
	if (argc < 2 || !ctl_imsi_ok(argv[1]) || argc > 3) {
		snprintf(out, outsz, "error: usage: idr IMSI [FLAGS] | dsr IMSI FLAGS | "
		         "clr IMSI [TYPE] | stats");
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

static void ctl_serve(int c)
{
	struct timeval tv = { 2, 0 };
	char line[256], out[16384];   /* `stats` grows with the peers */
	size_t len = 0;
	ssize_t n;

	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	while (len < sizeof(line) - 1) {
		n = read(c, line + len, sizeof(line) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
		if (memchr(line, '\n', len))
			break;
	}
	line[len] = '\0';
	if (memchr(line, '\0', len)) {
		snprintf(out, sizeof(out), "error: NUL in command");
	} else {
		line[strcspn(line, "\n")] = '\0';
		hss_ctl_exec(line, out, sizeof(out));
	}
	len = strlen(out);
	out[len++] = '\n';
	if (write(c, out, len) < 0) {
		/* the client went away: nothing to tell */
	}
}

static void *ctl_main(void *arg)
{
	struct pollfd p[2];
	int c;

	p[0].fd = ctl.fd;
	p[0].events = POLLIN;
	p[1].fd = ctl.stop_pipe[0];
	p[1].events = POLLIN;
	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents)
			break;
		if (!(p[0].revents & POLLIN))
			continue;
		if ((c = accept(ctl.fd, NULL, NULL)) < 0)
			continue;
		ctl_serve(c);
		close(c);
	}
	return NULL;
}

int hss_ctl_start(const char *path)
{
	struct sockaddr_un sa;
	struct stat st;
	mode_t old;
	int rc;

	if (!path || strlen(path) >= sizeof(sa.sun_path))
		return ENAMETOOLONG;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if ((ctl.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
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
	old = umask(0177);
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

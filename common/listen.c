// SPDX-License-Identifier: BSD-3-Clause
/* listen.c: keeps new peers able to connect while other connections stay silent.
 *
 * freeDiameter 1.2.1 (server.c, tcp.c) listens with a backlog of 5 and hands each accepted
 * connection to one of ThreadsPerServer threads (5), which waits up to 20 s (INCNX_TIMEOUT,
 * compiled in) for the first message; with all of them waiting and 5 more connections
 * queued, the accepting thread blocks. 200 connections that never send a CER then keep new
 * peers out for minutes. The library cannot be changed, so this file acts on its sockets
 * from outside:
 *  - TCP_DEFER_ACCEPT (cer_timeout) on the TCP listening sockets: the kernel completes
 *    accept() only once data has arrived, so a connection that sends nothing stays in the
 *    kernel (the listen queue) and never reaches freeDiameter's threads in that time;
 *  - listen() again with `listen_backlog`, so that queue holds a flood of them and the
 *    SYNs of real peers beside it;
 *  - more accepting threads (ThreadsPerServer = `accept_threads`, written by diam_node.c);
 *  - a guard thread that shuts down (shutdown(2), freeDiameter still owns and closes the
 *    descriptor) an accepted connection to which nothing was sent after `cer_timeout`
 *    seconds, i.e. whose CER (or TLS ClientHello) never arrived completely: this covers
 *    the peer that sends a few bytes and stalls; a silent connection the kernel finally
 *    hands over when its deferral ends is shut down at the next scan (a quarter second);
 *    and, beyond a quarter of the accepting threads (at least 8) waiting for the CER of
 *    connections from one address, those silent for the longest, so that one host cannot
 *    take them all.
 * freeDiameter then sees the connection fail before its CER and frees the thread.
 */
#include "cm.h"
#include "cm_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <linux/tcp.h>     /* struct tcp_info with the byte counters (glibc's lacks them) */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Scan period of the guard thread, and how long an accepted connection that has received
 * nothing at all may stay when it did not come through the kernel's deferral (a SYN cookie
 * when the listen queue overflowed: its CER follows the handshake within a round trip). */
#define LS_TICK_MS 250
#define LS_SILENT_MS 1000
/* Connections from one address that may wait for their CER at once, at least (a quarter of
 * the accepting threads otherwise): beyond, those silent for the longest are closed, so one
 * host sending a byte and stalling, again and again, cannot take every thread. */
#define LS_PER_ADDR_MIN 8
/* One log line per this many seconds at most, however many connections are closed. */
#define LS_LOG_PERIOD_MS 10000

enum ls_state { LS_IGNORE, LS_WATCH, LS_DONE, LS_CLOSED };

struct ls_ent {
	ino_t ino;
	int fd;
	enum ls_state state;
	uint64_t first_ms;
	uint32_t stall_ms;          /* LS_WATCH: time since it last received data */
	uint8_t addr[17];           /* LS_WATCH: family byte then the peer's address */
};

static struct {
	uint16_t ports[2];          /* clear-text and TLS ports; 0: none */
	unsigned backlog;
	unsigned cer_timeout_s;
	unsigned per_addr;
	bool inited, started, stop;
	pthread_t thr;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct ls_ent *ents;        /* sorted by inode */
	size_t n_ents;
	atomic_uint_fast64_t closed;
	uint64_t logged, last_log_ms;
} ls = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

static uint64_t ls_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint16_t ls_port_of(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return 0;
}

static int ls_sockopt_int(int fd, int level, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, level, name, &v, &len))
		return -1;
	return v;
}

/* A stream socket of ours bound to one of our ports: its protocol (IPPROTO_TCP/SCTP), else 0. */
static int ls_our_socket(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	uint16_t port;
	int proto;

	if (ls_sockopt_int(fd, SOL_SOCKET, SO_TYPE) != SOCK_STREAM)
		return 0;
	proto = ls_sockopt_int(fd, SOL_SOCKET, SO_PROTOCOL);
	if (proto != IPPROTO_TCP && proto != IPPROTO_SCTP)
		return 0;
	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return 0;
	port = ls_port_of(&ss);
	if (!port || (port != ls.ports[0] && port != ls.ports[1]))
		return 0;
	return proto;
}

/* ---- configuration ------------------------------------------------------------------ */

int cm_listen_init(const struct cm_diam_cfg *cfg)
{
	ls.ports[0] = cfg->port;
	ls.ports[1] = cfg->tls_port;
	ls.backlog = cfg->listen_backlog;
	ls.cer_timeout_s = cfg->cer_timeout;
	ls.per_addr = cfg->accept_threads / 4 > LS_PER_ADDR_MIN ? cfg->accept_threads / 4 : LS_PER_ADDR_MIN;
	ls.inited = true;
	return 0;
}

/* ---- listening sockets --------------------------------------------------------------- */

/* The server threads call listen() themselves, after fd_core_start returns: wait for every
 * socket bound to our ports to be listening (a later listen(5) would undo ours), then set
 * the options. */
static void ls_tune_listeners(void)
{
	uint64_t end = ls_now_ms() + 3000;
	/* Linux rounds it up to SYN-ACK retransmits: 5 s hands a silent connection over after
	 * about 7 s. */
	int defer = ls.cer_timeout_s ? (int)ls.cer_timeout_s : 5;

	for (;;) {
		DIR *d = opendir("/proc/self/fd");
		struct dirent *e;
		int pending = 0, tuned = 0;

		if (!d)
			return;
		while ((e = readdir(d))) {
			char *endp;
			long fd = strtol(e->d_name, &endp, 10);
			int proto;

			if (*endp || endp == e->d_name || fd == dirfd(d) || !(proto = ls_our_socket((int)fd)))
				continue;
			if (ls_sockopt_int((int)fd, SOL_SOCKET, SO_ACCEPTCONN) != 1) {
				struct sockaddr_storage peer;
				socklen_t len = sizeof(peer);

				if (getpeername((int)fd, (struct sockaddr *)&peer, &len) && errno == ENOTCONN)
					pending++;   /* bound, not yet listening */
				continue;
			}
			if (ls_now_ms() < end && pending)
				continue;    /* tune all together once none is left behind */
			if (proto == IPPROTO_TCP &&
			    setsockopt((int)fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &defer, sizeof(defer)))
				LOG_E("cm: TCP_DEFER_ACCEPT on a listening socket: %s", strerror(errno));
			if (ls.backlog && listen((int)fd, (int)ls.backlog))
				LOG_E("cm: listen(%u) on a listening socket: %s", ls.backlog, strerror(errno));
			tuned++;
		}
		closedir(d);
		if ((!pending && tuned) || ls_now_ms() >= end) {
			if (!tuned)
				LOG_E("cm: no listening socket found on port %u/%u to protect", ls.ports[0],
				      ls.ports[1]);
			return;
		}
		usleep(5000);
	}
}

/* ---- the guard --------------------------------------------------------------------------- */

/* Shut the connection down if fd still refers to socket ino: through a duplicate, so a
 * descriptor freeDiameter closed and reused meanwhile is never touched. */
static bool ls_shutdown(int fd, ino_t ino)
{
	struct stat st;
	int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	bool done = false;

	if (dup_fd < 0)
		return false;
	if (!fstat(dup_fd, &st) && S_ISSOCK(st.st_mode) && st.st_ino == ino)
		done = shutdown(dup_fd, SHUT_RDWR) == 0;
	close(dup_fd);
	return done;
}

static int ls_cmp(const void *a, const void *b)
{
	const struct ls_ent *x = a, *y = b;

	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

static struct ls_ent *ls_find(struct ls_ent *v, size_t n, ino_t ino)
{
	struct ls_ent key = { .ino = ino };

	return n ? bsearch(&key, v, n, sizeof(*v), ls_cmp) : NULL;
}

/* What to do with an accepted connection we watch. */
static enum ls_state ls_judge(struct ls_ent *e, uint64_t now)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	if (getsockopt(e->fd, IPPROTO_TCP, TCP_INFO, &ti, &len))
		return LS_IGNORE;
	e->stall_ms = ti.tcpi_last_data_recv;
	if (ti.tcpi_state != 1 /* TCP_ESTABLISHED */)
		return LS_WATCH;     /* closing already: freeDiameter sees it */
	if (ti.tcpi_bytes_sent > 0)
		return LS_DONE;      /* a CEA (or a TLS ServerHello) went out: a peer, not our business */
	/* Nothing received, yet handed over: the deferral expired (its last SYN-ACK was a
	 * retransmission, which the child socket's counter inherits), or a SYN cookie whose
	 * data may still be on its way. */
	if (ti.tcpi_bytes_received == 0 &&
	    (ti.tcpi_total_retrans > 0 || now - e->first_ms >= LS_SILENT_MS))
		return LS_CLOSED;
	if (ls.cer_timeout_s && now - e->first_ms >= (uint64_t)ls.cer_timeout_s * 1000u)
		return LS_CLOSED;    /* part of a CER, then nothing */
	return LS_WATCH;
}

static void ls_peer_key(int fd, uint8_t key[17])
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	memset(key, 0, 17);
	if (getpeername(fd, (struct sockaddr *)&ss, &len))
		return;
	key[0] = (uint8_t)ss.ss_family;
	if (ss.ss_family == AF_INET)
		memcpy(key + 1, &((struct sockaddr_in *)&ss)->sin_addr, 4);
	else if (ss.ss_family == AF_INET6)
		memcpy(key + 1, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
}

/* Same address together, the most recently active first. (Not by age: a real peer's
 * connection may wait, its CER received, behind stalled ones for a free thread, and be seen
 * after them.) */
static int ls_cmp_addr(const void *a, const void *b)
{
	const struct ls_ent *x = *(struct ls_ent *const *)a, *y = *(struct ls_ent *const *)b;
	int c = memcmp(x->addr, y->addr, sizeof(x->addr));

	if (c)
		return c;
	return x->stall_ms < y->stall_ms ? -1 : x->stall_ms > y->stall_ms;
}

/* Beyond ls.per_addr connections of one address waiting for their CER, close those that
 * have received nothing for the longest. */
static uint64_t ls_cap_per_addr(struct ls_ent *v, size_t n)
{
	struct ls_ent **w;
	size_t nw = 0, i, run = 0;
	uint64_t closed = 0;

	for (i = 0; i < n; i++)
		nw += v[i].state == LS_WATCH;
	if (nw <= ls.per_addr || !(w = malloc(nw * sizeof(*w))))
		return 0;
	for (i = 0, nw = 0; i < n; i++)
		if (v[i].state == LS_WATCH)
			w[nw++] = &v[i];
	qsort(w, nw, sizeof(*w), ls_cmp_addr);
	for (i = 0; i < nw; i++) {
		run = i && !memcmp(w[i]->addr, w[i - 1]->addr, sizeof(w[i]->addr)) ? run + 1 : 0;
		if (run >= ls.per_addr) {
			w[i]->state = LS_CLOSED;
			closed += ls_shutdown(w[i]->fd, w[i]->ino);
		}
	}
	free(w);
	return closed;
}

static void ls_scan(void)
{
	struct ls_ent *nv = NULL, *old = ls.ents;
	size_t nn = 0, cap = 0, n_old = ls.n_ents;
	uint64_t now = ls_now_ms(), closed = 0;
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		char *endp;
		long fd = strtol(e->d_name, &endp, 10);
		struct stat st;
		struct ls_ent *prev, cur;

		if (*endp || endp == e->d_name || fd == dirfd(d))
			continue;
		if (fstat((int)fd, &st) || !S_ISSOCK(st.st_mode))
			continue;
		prev = ls_find(old, n_old, st.st_ino);
		if (prev) {
			cur = *prev;
			cur.fd = (int)fd;
		} else {
			cur.ino = st.st_ino;
			cur.fd = (int)fd;
			cur.first_ms = now;
			cur.state = LS_IGNORE;
			if (ls_our_socket((int)fd) == IPPROTO_TCP &&
			    ls_sockopt_int((int)fd, SOL_SOCKET, SO_ACCEPTCONN) == 0) {
				cur.state = LS_WATCH;
				ls_peer_key((int)fd, cur.addr);
			}
		}
		if (cur.state == LS_WATCH) {
			cur.state = ls_judge(&cur, now);
			if (cur.state == LS_CLOSED) {
				if (ls_shutdown(cur.fd, cur.ino))
					closed++;
			}
		}
		if (nn == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct ls_ent *t = realloc(nv, ncap * sizeof(*nv));

			if (!t)
				break;
			nv = t;
			cap = ncap;
		}
		nv[nn++] = cur;
	}
	closedir(d);
	closed += ls_cap_per_addr(nv, nn);
	if (nn)
		qsort(nv, nn, sizeof(*nv), ls_cmp);
	free(old);
	ls.ents = nv;
	ls.n_ents = nn;
	if (closed) {
		atomic_fetch_add_explicit(&ls.closed, closed, memory_order_relaxed);
		ls.logged += closed;
	}
	if (ls.logged && now - ls.last_log_ms >= LS_LOG_PERIOD_MS) {
		LOG_N("cm: closed %llu incoming connection(s) that sent no complete CER within %u s "
		      "(%llu since start)", (unsigned long long)ls.logged, ls.cer_timeout_s,
		      (unsigned long long)atomic_load(&ls.closed));
		ls.logged = 0;
		ls.last_log_ms = now;
	}
}

static void *ls_guard(void *arg)
{
	(void)arg;
	fd_log_threadname("cm listen guard");
	ls_tune_listeners();
	pthread_mutex_lock(&ls.lock);
	while (!ls.stop) {
		struct timespec ts;

		pthread_mutex_unlock(&ls.lock);
		ls_scan();
		pthread_mutex_lock(&ls.lock);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += LS_TICK_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		if (!ls.stop)
			pthread_cond_timedwait(&ls.cond, &ls.lock, &ts);
	}
	pthread_mutex_unlock(&ls.lock);
	return NULL;
}

int cm_listen_start(void)
{
	int rc;

	if (!ls.inited || ls.started || (!ls.ports[0] && !ls.ports[1]))
		return 0;
	ls.stop = false;
	if ((rc = pthread_create(&ls.thr, NULL, ls_guard, NULL)))
		return rc;
	ls.started = true;
	return 0;
}

void cm_listen_stop(void)
{
	if (!ls.started)
		return;
	pthread_mutex_lock(&ls.lock);
	ls.stop = true;
	pthread_cond_signal(&ls.cond);
	pthread_mutex_unlock(&ls.lock);
	pthread_join(ls.thr, NULL);
	ls.started = false;
	free(ls.ents);
	ls.ents = NULL;
	ls.n_ents = 0;
}

uint64_t cm_listen_closed(void)
{
	return atomic_load_explicit(&ls.closed, memory_order_relaxed);
}

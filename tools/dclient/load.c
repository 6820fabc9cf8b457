/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * load.c: load mode. A window of --concurrency requests is kept in flight (a semaphore
 * counts free slots; the answer and expiry callbacks give the slot back). Each request is
 * built by the same code as the one-shot commands, with the IMSI taken in turn from a range
 * or a file. The summary gives counts, requests/s, the result histogram, exact latency
 * percentiles (CLOCK_MONOTONIC, microseconds) and dclient's own CPU time per request.
 */
#include "dclient.h"

#include <errno.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define DC_HISTO_MAX 64

struct dc_histo {
	int64_t code;   /* Result-Code, or Experimental-Result-Code when exp */
	bool exp;
	uint64_t n;
};

struct dc_load {
	const struct dc_opts *o;
	sem_t window;
	struct dc_stats st;
	struct dc_stats st_ok;      /* latency of the answers with a 2xxx result only */
	uint64_t sent, answered, timeouts, errors, other;
	pthread_mutex_t lock;
	struct dc_histo histo[DC_HISTO_MAX];
	size_t n_histo;
	uint64_t last_answer_us;
	/* IMSI source */
	char **imsis;
	size_t n_imsis;
	unsigned long long from, span;
	int width;
};

struct dc_req_ctx {
	struct dc_load *l;
	uint64_t t0;
};

static void dc_histo_add(struct dc_load *l, int64_t code, bool exp)
{
	for (size_t i = 0; i < l->n_histo; i++)
		if (l->histo[i].code == code && l->histo[i].exp == exp) {
			l->histo[i].n++;
			return;
		}
	if (l->n_histo < DC_HISTO_MAX) {
		l->histo[l->n_histo].code = code;
		l->histo[l->n_histo].exp = exp;
		l->histo[l->n_histo].n = 1;
		l->n_histo++;
	} else {
		l->other++;
	}
}

static void dc_load_anscb(void *data, struct msg **ans)
{
	struct dc_req_ctx *c = data;
	struct dc_load *l = c->l;
	uint64_t now = dc_now_us();
	struct dc_result r;
	uint64_t lat = now - c->t0;

	dc_msg_result(*ans, &r);
	dc_stats_add(&l->st, lat > UINT32_MAX ? UINT32_MAX : (uint32_t)lat);
	if ((r.result_code >= 2000 && r.result_code < 3000) ||
	    (r.result_code < 0 && r.exp_code >= 2000 && r.exp_code < 3000))
		dc_stats_add(&l->st_ok, lat > UINT32_MAX ? UINT32_MAX : (uint32_t)lat);
	pthread_mutex_lock(&l->lock);
	l->answered++;
	l->last_answer_us = now;
	if (r.result_code >= 0)
		dc_histo_add(l, r.result_code, false);
	else
		dc_histo_add(l, r.exp_code, true);
	pthread_mutex_unlock(&l->lock);
	fd_msg_free(*ans);
	*ans = NULL;
	free(c);
	sem_post(&l->window);
}

static void dc_load_expcb(void *data, DiamId_t sentto, size_t len, struct msg **req)
{
	struct dc_req_ctx *c = data;
	struct dc_load *l = c->l;
	pthread_mutex_lock(&l->lock);
	l->timeouts++;
	pthread_mutex_unlock(&l->lock);
	free(c);
	sem_post(&l->window);
}

static int dc_imsi_setup(struct dc_load *l)
{
	const struct dc_opts *o = l->o;
	if (o->imsi_range) {
		char *end;
		const char *dash = strchr(o->imsi_range, '-');
		if (!dash)
			goto bad;
		l->from = strtoull(o->imsi_range, &end, 10);
		if (end != dash)
			goto bad;
		unsigned long long to = strtoull(dash + 1, &end, 10);
		if (*end || end == dash + 1 || to < l->from)
			goto bad;
		l->span = to - l->from + 1;
		l->width = (int)(dash - o->imsi_range);
		return 0;
bad:
		fprintf(stderr, "dclient: --imsi-range: FROM-TO, digits, FROM <= TO\n");
		return EINVAL;
	}
	if (o->imsi_file) {
		FILE *f = fopen(o->imsi_file, "r");
		char line[128];
		if (!f) {
			fprintf(stderr, "dclient: --imsi-file %s: %s\n", o->imsi_file, strerror(errno));
			return EINVAL;
		}
		while (fgets(line, sizeof(line), f)) {
			line[strcspn(line, " \t\r\n#")] = 0;
			if (!line[0])
				continue;
			char **n = realloc(l->imsis, (l->n_imsis + 1) * sizeof(*n));
			if (!n || !(n[l->n_imsis] = strdup(line))) {
				if (n)
					l->imsis = n;
				fclose(f);
				return ENOMEM;
			}
			l->imsis = n;
			l->n_imsis++;
		}
		fclose(f);
		if (!l->n_imsis) {
			fprintf(stderr, "dclient: --imsi-file %s has no IMSI\n", o->imsi_file);
			return EINVAL;
		}
	}
	return 0;
}

static const char *dc_imsi_for(struct dc_load *l, uint64_t i, char *buf, size_t len)
{
	if (l->span) {
		snprintf(buf, len, "%0*llu", l->width, l->from + (unsigned long long)(i % l->span));
		return buf;
	}
	if (l->n_imsis)
		return l->imsis[i % l->n_imsis];
	return l->o->imsi;
}

static double dc_cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       ru.ru_stime.tv_usec / 1e6;
}

static void dc_realtime_in(struct timespec *ts, int64_t ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

static void dc_load_report(struct dc_load *l, double elapsed, double cpu)
{
	const struct dc_opts *o = l->o;
	struct dc_stats *st = &l->st;
	double rps = elapsed > 0 ? (double)l->answered / elapsed : 0;
	double cpu_per = l->answered ? cpu * 1e6 / (double)l->answered : 0;
	double mean = 0;
	for (size_t i = 0; i < st->n; i++)
		mean += st->samples[i];
	if (st->n)
		mean /= (double)st->n;
	uint32_t mn = st->n ? st->samples[0] : 0, mx = st->n ? st->samples[st->n - 1] : 0;

	pthread_mutex_lock(&dc_out_lock);
	if (o->json) {
		printf("{\"kind\":\"load\",\"command\":\"%s\",\"concurrency\":%u,\"sent\":%llu,\"answered\":%llu,"
		       "\"timeouts\":%llu,\"errors\":%llu,\"elapsed_s\":%.6f,\"rps\":%.1f,\"results\":{",
		       dc_cmd_name(o->cmd), o->concurrency, (unsigned long long)l->sent,
		       (unsigned long long)l->answered, (unsigned long long)l->timeouts,
		       (unsigned long long)l->errors, elapsed, rps);
		for (size_t i = 0; i < l->n_histo; i++)
			printf("%s\"%s%lld\":%llu", i ? "," : "", l->histo[i].exp ? "exp:" : "",
			       (long long)l->histo[i].code, (unsigned long long)l->histo[i].n);
		printf("},\"latency_us\":{\"min\":%u,\"mean\":%.1f,\"p50\":%u,\"p90\":%u,\"p99\":%u,\"p99.9\":%u,"
		       "\"max\":%u},", mn, mean, dc_stats_pct(st, 50), dc_stats_pct(st, 90),
		       dc_stats_pct(st, 99), dc_stats_pct(st, 99.9), mx);
		printf("\"latency_2xxx_us\":{\"n\":%zu,\"p50\":%u,\"p90\":%u,\"p99\":%u,\"max\":%u},",
		       l->st_ok.n, dc_stats_pct(&l->st_ok, 50), dc_stats_pct(&l->st_ok, 90),
		       dc_stats_pct(&l->st_ok, 99), dc_stats_pct(&l->st_ok, 100));
		printf("\"cpu_s\":%.6f,\"cpu_us_per_request\":%.2f}\n", cpu, cpu_per);
	} else {
		printf("load %s: concurrency %u, peer %s\n", dc_cmd_name(o->cmd), o->concurrency, o->peer_host);
		printf("sent %llu, answered %llu, timeouts %llu, errors %llu in %.3f s: %.1f requests/s\n",
		       (unsigned long long)l->sent, (unsigned long long)l->answered,
		       (unsigned long long)l->timeouts, (unsigned long long)l->errors, elapsed, rps);
		printf("results:");
		for (size_t i = 0; i < l->n_histo; i++) {
			const char *name = l->histo[i].exp || l->histo[i].code < 0 ? NULL
			                 : dc_rescode_name((uint32_t)l->histo[i].code);
			printf("%s %s%lld%s%s x%llu", i ? "," : "", l->histo[i].exp ? "experimental " : "",
			       (long long)l->histo[i].code, name ? " " : "", name ? name : "",
			       (unsigned long long)l->histo[i].n);
		}
		printf("\nlatency us: min %u mean %.1f p50 %u p90 %u p99 %u p99.9 %u max %u\n", mn, mean,
		       dc_stats_pct(st, 50), dc_stats_pct(st, 90), dc_stats_pct(st, 99), dc_stats_pct(st, 99.9), mx);
		if (l->st_ok.n != st->n)
			printf("latency us of the %zu 2xxx answers: p50 %u p90 %u p99 %u max %u\n",
			       l->st_ok.n, dc_stats_pct(&l->st_ok, 50), dc_stats_pct(&l->st_ok, 90),
			       dc_stats_pct(&l->st_ok, 99), dc_stats_pct(&l->st_ok, 100));
		printf("cpu: %.3f s, %.1f us per answered request\n", cpu, cpu_per);
	}
	fflush(stdout);
	pthread_mutex_unlock(&dc_out_lock);
}

static int dc_load_work(void *arg)
{
	struct dc_load *l = arg;
	const struct dc_opts *o = l->o;
	uint64_t start = dc_now_us();
	uint64_t end = o->duration > 0 ? start + (uint64_t)(o->duration * 1e6) : UINT64_MAX;
	double cpu0 = dc_cpu_s();
	char imsi_buf[32];
	int ex = DC_EXIT_OK;
	unsigned inflight_slots = o->concurrency;

	for (uint64_t i = 0; !o->count || i < o->count; i++) {
		struct timespec ts;
		int rc;
		/* Open loop: request i leaves at start + i / rate, whatever the answers do (a slow
		 * server then faces the same arrivals, as from real subscribers). */
		if (o->rate > 0) {
			uint64_t due = start + (uint64_t)((double)i * 1e6 / o->rate), now;
			while ((now = dc_now_us()) < due) {
				if (dc_interrupted || now >= end)
					goto drain;
				uint64_t nap = due - now > 20000 ? 20000 : due - now;
				struct timespec ns = { 0, (long)nap * 1000 };
				nanosleep(&ns, NULL);
			}
		}
		/* Wait for a free slot, watching the clock and signals. */
		for (;;) {
			if (dc_interrupted || dc_now_us() >= end)
				goto drain;
			dc_realtime_in(&ts, 20);
			if (!sem_timedwait(&l->window, &ts))
				break;
		}
		struct msg *req = NULL;
		if ((rc = dc_req_build(o, dc_imsi_for(l, i, imsi_buf, sizeof(imsi_buf)), &req))) {
			sem_post(&l->window);
			ex = rc == EINVAL || rc == ENOENT ? DC_EXIT_USAGE : DC_EXIT_NOANS;
			goto drain;
		}
		struct dc_req_ctx *c = malloc(sizeof(*c));
		if (!c) {
			fd_msg_free(req);
			sem_post(&l->window);
			ex = DC_EXIT_NOANS;
			goto drain;
		}
		c->l = l;
		dc_realtime_in(&ts, o->timeout_ms);
		c->t0 = dc_now_us();
		pthread_mutex_lock(&l->lock);
		l->sent++;
		pthread_mutex_unlock(&l->lock);
		if ((rc = fd_msg_send_timeout(&req, dc_load_anscb, c, dc_load_expcb, &ts))) {
			if (req)
				fd_msg_free(req);
			free(c);
			pthread_mutex_lock(&l->lock);
			l->sent--;
			l->errors++;
			pthread_mutex_unlock(&l->lock);
			sem_post(&l->window);
		}
	}
drain:
	/* Take every slot back: all answered or expired (the core expires them at the timeout;
	 * our own bound covers requests that never left the queue). */
	for (unsigned k = 0; k < inflight_slots; k++) {
		struct timespec ts;
		dc_realtime_in(&ts, o->timeout_ms + 1000);
		if (sem_timedwait(&l->window, &ts))
			break;
	}
	double cpu = dc_cpu_s() - cpu0;
	pthread_mutex_lock(&l->lock);
	uint64_t last = l->last_answer_us > start ? l->last_answer_us : dc_now_us();
	uint64_t lost = l->sent - l->answered - l->timeouts;
	l->timeouts += lost; /* never answered nor expired within our bound */
	pthread_mutex_unlock(&l->lock);
	dc_stats_finish(&l->st);
	dc_stats_finish(&l->st_ok);
	dc_load_report(l, (double)(last - start) / 1e6, cpu);
	if (ex != DC_EXIT_OK)
		return ex;
	if (!l->answered || l->timeouts || l->errors)
		return DC_EXIT_NOANS;
	for (size_t i = 0; i < l->n_histo; i++)
		if (l->histo[i].code < 2000 || l->histo[i].code > 2999)
			return DC_EXIT_RESULT;
	return l->other ? DC_EXIT_RESULT : DC_EXIT_OK;
}

int dc_load(const struct dc_opts *o)
{
	static struct dc_load l; /* late callbacks may still run while exiting */
	int ex;

	memset(&l, 0, sizeof(l));
	l.o = o;
	pthread_mutex_init(&l.lock, NULL);
	if (dc_imsi_setup(&l))
		return DC_EXIT_USAGE;
	if (sem_init(&l.window, 0, o->concurrency) ||
	    dc_stats_init(&l.st, o->count ? (size_t)o->count : 1u << 16) ||
	    dc_stats_init(&l.st_ok, o->count ? (size_t)o->count : 1u << 16)) {
		fprintf(stderr, "dclient: out of memory\n");
		return DC_EXIT_NOANS;
	}
	if (dc_node_start(o) || dc_serve_register(o, o->verbose > 0)) {
		dc_node_stop(DC_EXIT_NOANS);
		return DC_EXIT_NOANS;
	}
	/* One request built before connecting: bad options are usage errors, not timeouts. */
	struct msg *probe = NULL;
	char imsi_buf[32];
	if ((ex = dc_req_build(o, dc_imsi_for(&l, 0, imsi_buf, sizeof(imsi_buf)), &probe))) {
		ex = ex == EINVAL || ex == ENOENT ? DC_EXIT_USAGE : DC_EXIT_NOANS;
		dc_node_stop(ex);
		return ex;
	}
	fd_msg_free(probe);
	if (dc_node_wait_peer(o)) {
		dc_node_stop(DC_EXIT_NOANS);
		return DC_EXIT_NOANS;
	}
	ex = dc_run(dc_load_work, &l);
	dc_node_stop(ex);
	return ex;
}

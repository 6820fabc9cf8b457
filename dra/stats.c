/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * stats.c: the DRA's counters. One registry entry per route, peer group and peer name,
 * created when a route table is built and never freed, so tables old and new share them
 * across reloads and the hot path only does atomic increments. The registry is an
 * append-only list published with an atomic head pointer: readers need no lock. SIGUSR1
 * writes them to the stats file and the log.
 */
#include "dra.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

enum dra_skind { DRA_SK_ROUTE, DRA_SK_GROUP, DRA_SK_PEER };

struct dra_sentry {
	struct dra_sentry *next;
	enum dra_skind kind;
	char *name;
	union {
		struct dra_route_stats route;
		struct dra_group_stats group;
		struct dra_peer_stats peer;
	} u;
};

struct dra_global_stats dra_gstats = { .last_reload_status = DRA_RELOAD_NONE };

static _Atomic(struct dra_sentry *) dra_shead;
static pthread_mutex_t dra_slock = PTHREAD_MUTEX_INITIALIZER;

static const char *const dra_skind_name[] = { "route", "group", "peer" };
static const char *const dra_class_name[DRA_ANS_NCLASS] = {
	"answers_1xxx", "answers_2xxx", "answers_3xxx", "answers_4xxx", "answers_5xxx", "answers_other",
};

static struct dra_sentry *sfind(enum dra_skind kind, const char *name, size_t len)
{
	struct dra_sentry *e;

	for (e = atomic_load_explicit(&dra_shead, memory_order_acquire); e; e = e->next)
		if (e->kind == kind && strlen(e->name) == len && strncasecmp(e->name, name, len) == 0)
			return e;
	return NULL;
}

static struct dra_sentry *sget(enum dra_skind kind, const char *name)
{
	struct dra_sentry *e;

	pthread_mutex_lock(&dra_slock);
	e = sfind(kind, name, strlen(name));
	if (!e && (e = calloc(1, sizeof(*e)))) {
		e->kind = kind;
		if (!(e->name = strdup(name))) {
			free(e);
			e = NULL;
		} else {
			e->next = atomic_load_explicit(&dra_shead, memory_order_relaxed);
			atomic_store_explicit(&dra_shead, e, memory_order_release);
		}
	}
	pthread_mutex_unlock(&dra_slock);
	return e;
}

struct dra_route_stats *dra_stats_route(const char *name)
{
	struct dra_sentry *e = sget(DRA_SK_ROUTE, name);
	return e ? &e->u.route : NULL;
}

struct dra_group_stats *dra_stats_group(const char *name)
{
	struct dra_sentry *e = sget(DRA_SK_GROUP, name);
	return e ? &e->u.group : NULL;
}

struct dra_peer_stats *dra_stats_peer(const char *host)
{
	struct dra_sentry *e = sget(DRA_SK_PEER, host);
	return e ? &e->u.peer : NULL;
}

struct dra_peer_stats *dra_stats_peer_find(const char *host, size_t len)
{
	struct dra_sentry *e = sfind(DRA_SK_PEER, host, len);
	return e ? &e->u.peer : NULL;
}

enum dra_ans_class dra_ans_class(uint32_t rc)
{
	if (rc >= 1000 && rc < 6000)
		return (enum dra_ans_class)(rc / 1000 - 1);
	return DRA_ANS_OTHER;
}

void dra_stats_foreach(void (*cb)(void *data, const char *kind, const char *name, void *stats),
                       void *data)
{
	struct dra_sentry *e;

	for (e = atomic_load_explicit(&dra_shead, memory_order_acquire); e; e = e->next)
		cb(data, dra_skind_name[e->kind], e->name, &e->u);
}

void dra_stats_reloaded(bool ok)
{
	atomic_fetch_add(ok ? &dra_gstats.reloads_ok : &dra_gstats.reloads_failed, 1);
	atomic_store(&dra_gstats.last_reload_time, (int_fast64_t)time(NULL));
	atomic_store(&dra_gstats.last_reload_status, ok ? DRA_RELOAD_OK : DRA_RELOAD_FAILED);
}

/* ---- per application and command -------------------------------------------------------- */

static struct dra_cmd_stats dra_cmds[DRA_CMD_SLOTS];
atomic_uint_fast64_t dra_cmd_overflow;

/* A slot being filled: its app and code are written, its key follows at once. */
#define DRA_CMD_BUSY UINT64_MAX

static uint_fast64_t cmd_key_load(struct dra_cmd_stats *c)
{
	uint_fast64_t k;

	/* Only the first message of a command ever sees a busy slot, for a few instructions. */
	while ((k = atomic_load_explicit(&c->key, memory_order_acquire)) == DRA_CMD_BUSY)
		;
	return k;
}

struct dra_cmd_stats *dra_stats_cmd(uint32_t app, uint32_t code)
{
	/* Application ids are 32 bits, command codes 24: the key never is 0 (a free slot). */
	uint64_t key = (((uint64_t)app << 24) | (code & 0xffffffu)) + 1;
	size_t i, h = (size_t)((key * 0x9e3779b97f4a7c15ull) >> 40) % DRA_CMD_SLOTS;

	for (i = 0; i < DRA_CMD_SLOTS; i++) {
		struct dra_cmd_stats *c = &dra_cmds[(h + i) % DRA_CMD_SLOTS];
		uint_fast64_t k = cmd_key_load(c);

		if (k == 0) {
			if (atomic_compare_exchange_strong(&c->key, &k, DRA_CMD_BUSY)) {
				c->app = app;
				c->code = code & 0xffffffu;
				atomic_store_explicit(&c->key, key, memory_order_release);
				return c;
			}
			k = cmd_key_load(c);   /* another thread took it: for which command? */
		}
		if (k == key)
			return c;
	}
	atomic_fetch_add_explicit(&dra_cmd_overflow, 1, memory_order_relaxed);
	return NULL;
}

void dra_stats_cmd_foreach(void (*cb)(void *data, struct dra_cmd_stats *c), void *data)
{
	size_t i;

	for (i = 0; i < DRA_CMD_SLOTS; i++) {
		uint_fast64_t k = atomic_load_explicit(&dra_cmds[i].key, memory_order_acquire);
		if (k && k != DRA_CMD_BUSY)
			cb(data, &dra_cmds[i]);
	}
}

/* ---- dump ----------------------------------------------------------------------------------- */

#define G(f) { #f, &dra_gstats.f }
#define C(n, f) { n, &cm_pstats_global.f }

static void dump_cmd(void *data, struct dra_cmd_stats *c)
{
	FILE *f = data;
	size_t i;

	fprintf(f, "command %u/%u requests %llu\n", c->app, c->code,
	        (unsigned long long)atomic_load(&c->requests));
	for (i = 0; i < DRA_ANS_NCLASS; i++)
		fprintf(f, "command %u/%u %s %llu\n", c->app, c->code, dra_class_name[i],
		        (unsigned long long)atomic_load(&c->answers[i]));
}

static void dump_pstat(void *data, struct cm_pstat *p)
{
	const struct { const char *n; atomic_uint_fast64_t *v; } c[] = {
		{ "requests_in", &p->req_in }, { "requests_out", &p->req_out },
		{ "answers_in", &p->ans_in }, { "answers_out", &p->ans_out },
		{ "errors_in", &p->err_in }, { "errors_out", &p->err_out },
		{ "failovers", &p->failovers }, { "connects", &p->connects },
	};
	FILE *f = data;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		fprintf(f, "peer %s %s %llu\n", p->id, c[i].n, (unsigned long long)cm_pstat_get(c[i].v));
	fprintf(f, "peer %s pending %llu\n", p->id, (unsigned long long)cm_pstat_pending(p));
	fprintf(f, "peer %s connected_since %lld\n", p->id,
	        (long long)atomic_load(&p->connected_since));
}

/* Rule names are the user's: a blank would split the "kind name counter value" line. */
static void dump_rule(void *data, const struct xf_rule_stats *st)
{
	FILE *f = data;
	char name[256];
	size_t i;

	snprintf(name, sizeof(name), "%s", st->name ? st->name : "?");
	for (i = 0; name[i]; i++)
		if (name[i] == ' ' || name[i] == '\t' || name[i] == '\n')
			name[i] = '_';
	fprintf(f, "rule %s hits %llu\n", name, (unsigned long long)st->hits);
	fprintf(f, "rule %s rewrites %llu\n", name, (unsigned long long)st->rewrites);
	fprintf(f, "rule %s errors %llu\n", name, (unsigned long long)st->errors);
	fprintf(f, "rule %s limits %llu\n", name, (unsigned long long)st->limits);
}

void dra_stats_dump(FILE *f)
{
	const struct { const char *n; atomic_uint_fast64_t *v; } g[] = {
		G(requests), G(answers), G(direct), G(no_route), G(rule_errors), G(rule_limits),
		G(rules_fired), G(reloads_ok), G(reloads_failed), G(local_relayed), G(too_busy),
		G(group_failovers), C("failovers", failovers), C("unable_to_deliver", local_3002),
		C("loop_detected", local_3005), { "command_overflow", &dra_cmd_overflow },
		G(policy_refused),
	};
	struct dra_sentry *e;
	struct dra_snap *snap;
	size_t i;

	for (i = 0; i < sizeof(g) / sizeof(g[0]); i++)
		fprintf(f, "global - %s %llu\n", g[i].n, (unsigned long long)atomic_load(g[i].v));
	/* Readings: requests in progress now (all, and those admitted), incoming connections
	 * closed before their CER. */
	fprintf(f, "global - pending %lu\n", cm_pending());
	fprintf(f, "global - admitted %lu\n", cm_pending_admitted());
	fprintf(f, "global - cer_timeouts %llu\n", (unsigned long long)cm_listen_closed());
	fprintf(f, "global - last_reload_time %lld\n",
	        (long long)atomic_load(&dra_gstats.last_reload_time));
	fprintf(f, "global - last_reload_status %d\n", atomic_load(&dra_gstats.last_reload_status));
	fprintf(f, "global - rules_since %lld\n", (long long)atomic_load(&dra_gstats.rules_since));
	/* "policy PEER refused_REASON N" (common/policy.c) */
	cm_policy_stats_dump(f, "policy");
	for (e = atomic_load_explicit(&dra_shead, memory_order_acquire); e; e = e->next) {
		const char *k = dra_skind_name[e->kind];
		switch (e->kind) {
		case DRA_SK_ROUTE:
			fprintf(f, "%s %s matched %llu\n", k, e->name,
			        (unsigned long long)atomic_load(&e->u.route.matched));
			fprintf(f, "%s %s no_peer %llu\n", k, e->name,
			        (unsigned long long)atomic_load(&e->u.route.no_peer));
			break;
		case DRA_SK_GROUP:
			fprintf(f, "%s %s routed %llu\n", k, e->name,
			        (unsigned long long)atomic_load(&e->u.group.routed));
			fprintf(f, "%s %s unavailable %llu\n", k, e->name,
			        (unsigned long long)atomic_load(&e->u.group.unavailable));
			break;
		case DRA_SK_PEER:
			fprintf(f, "%s %s routed %llu\n", k, e->name,
			        (unsigned long long)atomic_load(&e->u.peer.routed));
			for (i = 0; i < DRA_ANS_NCLASS; i++)
				fprintf(f, "%s %s %s %llu\n", k, e->name, dra_class_name[i],
				        (unsigned long long)atomic_load(&e->u.peer.answers[i]));
			break;
		}
	}
	cm_pstats_foreach(dump_pstat, f);
	dra_stats_cmd_foreach(dump_cmd, f);
	if ((snap = dra_snap_get())) {
		if (snap->rules)
			xf_rules_stats(snap->rules, dump_rule, f);
		dra_snap_unref(snap);
	}
}

uint64_t dra_stats_get(const char *kind, const char *name, const char *counter)
{
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	uint64_t v = 0;

	if (!f)
		return 0;
	dra_stats_dump(f);
	fclose(f);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char k[64], n[256], c[64];
		unsigned long long x;
		if (sscanf(line, "%63s %255s %63s %llu", k, n, c, &x) == 4 && !strcmp(k, kind) &&
		    !strcmp(n, name) && !strcmp(c, counter)) {
			v = x;
			break;
		}
	}
	free(buf);
	return v;
}

int dra_stats_write(const char *path)
{
	size_t len = strlen(path);
	char *tmp = malloc(len + 5);
	FILE *f;
	int rc = 0;

	if (!tmp)
		return ENOMEM;
	/* Written to a temporary name and renamed, so readers never see half a dump. */
	memcpy(tmp, path, len);
	memcpy(tmp + len, ".tmp", 5);
	if (!(f = fopen(tmp, "w"))) {
		rc = errno;
		goto out;
	}
	dra_stats_dump(f);
	if (ferror(f))
		rc = EIO;
	if (fclose(f) && !rc)
		rc = errno ? errno : EIO;
	if (!rc && rename(tmp, path))
		rc = errno;
	if (rc)
		unlink(tmp);
out:
	free(tmp);
	return rc;
}

void dra_stats_log(void)
{
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *m;

	if (!(m = open_memstream(&buf, &len)))
		return;
	dra_stats_dump(m);
	fclose(m);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		fd_log_notice("dra stats: %s", line);
	free(buf);
}

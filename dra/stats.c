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

struct dra_global_stats dra_gstats;

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

#define G(f) { #f, &dra_gstats.f }

void dra_stats_dump(FILE *f)
{
	const struct { const char *n; atomic_uint_fast64_t *v; } g[] = {
		G(requests), G(answers), G(direct), G(no_route), G(rule_errors), G(rule_limits),
		G(rules_fired), G(reloads_ok), G(reloads_failed), G(local_relayed), G(too_busy),
		G(policy_refused),
	};
	struct dra_sentry *e;
	size_t i;

	for (i = 0; i < sizeof(g) / sizeof(g[0]); i++)
		fprintf(f, "global - %s %llu\n", g[i].n, (unsigned long long)atomic_load(g[i].v));
	/* Readings: requests in progress now (all, and those admitted), incoming connections
	 * closed before their CER. */
	fprintf(f, "global - pending %lu\n", cm_pending());
	fprintf(f, "global - admitted %lu\n", cm_pending_admitted());
	fprintf(f, "global - cer_timeouts %llu\n", (unsigned long long)cm_listen_closed());
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
}

uint64_t dra_stats_get(const char *kind, const char *name, const char *counter)
{
	char buf[16384];
	char line[512];
	FILE *f = fmemopen(buf, sizeof(buf), "w+");
	uint64_t v = 0;

	if (!f)
		return 0;
	dra_stats_dump(f);
	fflush(f);
	rewind(f);
	while (fgets(line, sizeof(line), f)) {
		char k[64], n[256], c[64];
		unsigned long long x;
		if (sscanf(line, "%63s %255s %63s %llu", k, n, c, &x) == 4 && !strcmp(k, kind) &&
		    !strcmp(n, name) && !strcmp(c, counter)) {
			v = x;
			break;
		}
	}
	fclose(f);
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

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * routes.c: the compiled, immutable route table. It is built once from a checked
 * configuration and shared read-only by the routing threads through a reference count;
 * a reload builds a new table and swaps the pointer (reload.c), so nothing here locks.
 */
#include "dra.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Largest weighted schedule we precompute; weights are scaled down above it. */
#define DRA_SCHED_MAX 4096

static bool is_pattern(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* Case-insensitive match of a wire value (not NUL-terminated) against a name or pattern. */
static bool name_match(const char *pat, const uint8_t *v, size_t len)
{
	char buf[256];

	if (!is_pattern(pat))
		return strlen(pat) == len && strncasecmp(pat, (const char *)v, len) == 0;
	if (len >= sizeof(buf))
		return false;
	memcpy(buf, v, len);
	buf[len] = '\0';
	/* A value with a NUL inside cannot be a valid DiameterIdentity. */
	if (strlen(buf) != len)
		return false;
	return fnmatch(pat, buf, FNM_CASEFOLD) == 0;
}

bool dra_imsi_match(const struct dra_imsi_range *r, const uint8_t *user, size_t len)
{
	size_t nd = 0;

	if (!user)
		return false;
	while (nd < len && nd < r->len && user[nd] >= '0' && user[nd] <= '9')
		nd++;
	if (nd < r->len)
		return false;
	/* Same-length digit strings compare like the numbers they spell. */
	return memcmp(user, r->lo, r->len) >= 0 && memcmp(user, r->hi, r->len) <= 0;
}

static bool route_match(const struct dra_route_cfg *r, const struct dra_keys *k)
{
	size_t i;

	if (r->n_apps) {
		for (i = 0; i < r->n_apps; i++)
			if (r->apps[i] == k->app)
				break;
		if (i == r->n_apps)
			return false;
	}
	if (r->n_realms) {
		if (!k->realm)
			return false;
		for (i = 0; i < r->n_realms; i++)
			if (name_match(r->realms[i], k->realm, k->realm_len))
				break;
		if (i == r->n_realms)
			return false;
	}
	if (r->n_hosts) {
		if (!k->host)
			return false;
		for (i = 0; i < r->n_hosts; i++)
			if (name_match(r->hosts[i], k->host, k->host_len))
				break;
		if (i == r->n_hosts)
			return false;
	}
	if (r->n_imsi) {
		if (!k->user)
			return false;
		for (i = 0; i < r->n_imsi; i++)
			if (dra_imsi_match(&r->imsi[i], k->user, k->user_len))
				break;
		if (i == r->n_imsi)
			return false;
	}
	return true;
}

const struct dra_route *dra_route_find(const struct dra_rtable *t, const struct dra_keys *k)
{
	size_t i;

	if (!t)
		return NULL;
	for (i = 0; i < t->n_routes; i++)
		if (route_match(t->routes[i].cfg, k))
			return &t->routes[i];
	return NULL;
}

/* Smooth weighted round-robin (each step: add weights, pick the largest, subtract the
 * total), unrolled over one period so the hot path is an array lookup. */
static int build_sched(struct dra_group *g)
{
	uint64_t total = 0;
	unsigned div = 1;
	int64_t *cur;
	size_t i, s;

	for (i = 0; i < g->n_members; i++)
		total += g->weights[i];
	while (total / div > DRA_SCHED_MAX)
		div++;
	total = 0;
	for (i = 0; i < g->n_members; i++) {
		g->weights[i] = g->weights[i] / div ? g->weights[i] / div : 1;
		total += g->weights[i];
	}
	g->sched = calloc(total, sizeof(*g->sched));
	cur = calloc(g->n_members, sizeof(*cur));
	if (!g->sched || !cur) {
		free(cur);
		return ENOMEM;
	}
	for (s = 0; s < total; s++) {
		size_t best = 0;
		for (i = 0; i < g->n_members; i++) {
			cur[i] += g->weights[i];
			if (cur[i] > cur[best])
				best = i;
		}
		cur[best] -= (int64_t)total;
		g->sched[s] = (unsigned)best;
	}
	g->n_sched = total;
	free(cur);
	return 0;
}

static void rtable_free(struct dra_rtable *t)
{
	size_t i, j;

	if (!t)
		return;
	for (i = 0; i < t->n_groups; i++) {
		struct dra_group *g = &t->groups[i];
		for (j = 0; j < g->n_members; j++)
			free(g->members[j]);
		free(g->members);
		free(g->weights);
		free(g->sched);
		free(g->mstats);
		free(g->name);
	}
	free(t->groups);
	free(t->routes);
	dra_cfg_free(&t->cfg);
	free(t);
}

int dra_rtable_build(struct dra_cfg *cfg, struct dra_rtable **ret, char *err, size_t errlen)
{
	struct dra_rtable *t;
	size_t i, j, k;
	int rc = ENOMEM;

	if (err && errlen)
		err[0] = '\0';
	t = calloc(1, sizeof(*t));
	if (!t)
		return ENOMEM;
	atomic_init(&t->refs, 1);
	t->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg));

	if (t->cfg.n_groups && !(t->groups = calloc(t->cfg.n_groups, sizeof(*t->groups))))
		goto out;
	for (i = 0; i < t->cfg.n_groups; i++) {
		const struct dra_group_cfg *gc = &t->cfg.groups[i];
		struct dra_group *g = &t->groups[i];

		t->n_groups++;
		atomic_init(&g->seq, 0);
		g->policy = gc->policy;
		if (!(g->name = strdup(gc->name)) || !(g->stats = dra_stats_group(gc->name)))
			goto out;
		g->members = calloc(gc->n_members ? gc->n_members : 1, sizeof(*g->members));
		g->weights = calloc(gc->n_members ? gc->n_members : 1, sizeof(*g->weights));
		g->mstats = calloc(gc->n_members ? gc->n_members : 1, sizeof(*g->mstats));
		if (!g->members || !g->weights || !g->mstats)
			goto out;
		for (j = 0; j < gc->n_members; j++) {
			if (!(g->members[j] = strdup(gc->members[j].host)))
				goto out;
			g->n_members++;
			g->weights[j] = gc->members[j].weight ? gc->members[j].weight : 1;
			if (!(g->mstats[j] = dra_stats_peer(gc->members[j].host)))
				goto out;
		}
		if (g->policy == DRA_POL_WEIGHTED && g->n_members && (rc = build_sched(g)))
			goto out;
		rc = ENOMEM;
	}
	/* Peers of the node are counted too, so Destination-Host traffic shows per peer. */
	for (i = 0; i < t->cfg.diam.n_peers; i++)
		if (!dra_stats_peer(t->cfg.diam.peers[i].host))
			goto out;

	if (t->cfg.n_routes && !(t->routes = calloc(t->cfg.n_routes, sizeof(*t->routes))))
		goto out;
	/* Non-default routes keep their order; default routes go last. */
	for (k = 0; k < 2; k++) {
		for (i = 0; i < t->cfg.n_routes; i++) {
			const struct dra_route_cfg *rc2 = &t->cfg.routes[i];
			struct dra_route *r;

			if (rc2->is_default != (k == 1))
				continue;
			r = &t->routes[t->n_routes++];
			r->cfg = rc2;
			if (!(r->stats = dra_stats_route(rc2->name)))
				goto out;
			if (!rc2->group)
				continue;
			for (j = 0; j < t->n_groups; j++)
				if (!strcmp(t->groups[j].name, rc2->group))
					r->group = &t->groups[j];
			if (!r->group) {
				if (err && errlen)
					snprintf(err, errlen, "%s:%d: route '%s': unknown peer group '%s'",
					         t->cfg.path ? t->cfg.path : "?", rc2->line, rc2->name, rc2->group);
				rc = EINVAL;
				goto out;
			}
		}
	}
	*ret = t;
	return 0;
out:
	rtable_free(t);
	return rc;
}

struct dra_rtable *dra_rtable_ref(struct dra_rtable *t)
{
	if (t)
		atomic_fetch_add(&t->refs, 1);
	return t;
}

void dra_rtable_unref(struct dra_rtable *t)
{
	if (t && atomic_fetch_sub(&t->refs, 1) == 1)
		rtable_free(t);
}

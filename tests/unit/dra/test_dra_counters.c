/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_dra_counters.c: the counters the DRA added for the NMS: per application and command
 * (found or added without a lock by any number of threads, exact totals, one row per command,
 * bounded), group failovers (the member a group's policy picks is down), common/'s per-peer
 * counters (one entry per identity whatever its case, indexes in order, pending never below
 * zero), and their lines in the stats dump.
 */
#include "dra.h"
#include "tap.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NTHREADS 8
#define NITER 50000

static void *hammer(void *arg)
{
	uintptr_t t = (uintptr_t)arg;
	int i;

	for (i = 0; i < NITER; i++) {
		/* every thread creates the same four commands, in another order */
		struct dra_cmd_stats *c = dra_stats_cmd(16777251, 316 + (uint32_t)((i + t) % 4));
		if (c)
			atomic_fetch_add_explicit(&c->requests, 1, memory_order_relaxed);
	}
	return NULL;
}

struct rows {
	int n;
	uint64_t total;
};

static void count_rows(void *data, struct dra_cmd_stats *c)
{
	struct rows *r = data;

	r->n++;
	r->total += atomic_load(&c->requests);
}

static void test_cmd_table(void)
{
	pthread_t th[NTHREADS];
	struct rows r = { 0, 0 };
	struct dra_cmd_stats *a, *b;
	uintptr_t t;
	int i, made = 0;

	for (t = 0; t < NTHREADS; t++)
		pthread_create(&th[t], NULL, hammer, (void *)t);
	for (t = 0; t < NTHREADS; t++)
		pthread_join(th[t], NULL);
	dra_stats_cmd_foreach(count_rows, &r);
	CHECK_INT(r.n, ==, 4, "four commands, one row each, though %d threads raced to add them",
	          NTHREADS);
	CHECK_UINT(r.total, ==, (uint64_t)NTHREADS * NITER, "no increment lost");
	a = dra_stats_cmd(16777251, 318);
	b = dra_stats_cmd(16777216, 318);     /* same code, another application: another row */
	CHECK(a && b && a != b && a->app == 16777251 && b->app == 16777216 && a->code == 318);
	CHECK(dra_stats_cmd(DRA_APP_RELAY, 0xffffff) != NULL, "the largest key");

	/* bounded: past DRA_CMD_SLOTS the overflow counter moves instead */
	for (i = 0; i < DRA_CMD_SLOTS + 10; i++)
		if (dra_stats_cmd(1000 + (uint32_t)i, 1))
			made++;
	CHECK_INT(made, ==, DRA_CMD_SLOTS - 6, "the table holds %d commands", DRA_CMD_SLOTS);
	CHECK_UINT(atomic_load(&dra_cmd_overflow), ==, 16, "the others are counted as overflow");
	CHECK(dra_stats_cmd(16777251, 316) != NULL, "commands already there are still found");
}

static void test_group_failover(void)
{
	char *members[] = { "hss1", "hss2", "hss3" };
	unsigned sched[] = { 0, 0, 1, 2 };
	struct dra_group g = { .name = "g", .members = members, .n_members = 3 };
	struct dra_cand c[3] = {
		{ "hss1", 4, true, 0, 0 }, { "hss2", 4, true, 0, 1 }, { "hss3", 4, true, 0, 2 },
	};

	g.policy = DRA_POL_FAILOVER;
	CHECK(!dra_group_preferred_down(&g, c, 3, 0), "failover, all up: no failover");
	c[0].usable = false;
	CHECK(dra_group_preferred_down(&g, c, 3, 0), "failover, first member down: failover");
	CHECK(dra_group_preferred_down(&g, c, 0, 0), "no candidate at all: failover");
	g.policy = DRA_POL_ROUND_ROBIN;
	CHECK(dra_group_preferred_down(&g, c, 3, 3), "round robin, position 3 picks hss1: down");
	CHECK(!dra_group_preferred_down(&g, c, 3, 4), "round robin, position 4 picks hss2: up");
	g.policy = DRA_POL_WEIGHTED;
	g.sched = sched;
	g.n_sched = 4;
	CHECK(dra_group_preferred_down(&g, c, 3, 1), "weighted, schedule picks hss1: down");
	CHECK(!dra_group_preferred_down(&g, c, 3, 2), "weighted, schedule picks hss2: up");
}

static void test_peers(void)
{
	struct cm_pstat *a = cm_pstats_get("MME1.example", 12), *b, *c;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	b = cm_pstats_get("mme1.EXAMPLE", 12);
	c = cm_pstats_get("mme2.example", 12);
	CHECK(a && a == b, "one entry per identity, whatever its case");
	CHECK(c && c != a && c->index == a->index + 1, "indexes in order of first sight");
	CHECK(cm_pstats_find("mme1.example", 12) == a && cm_pstats_find("mme3.example", 12) == NULL);
	CHECK(cm_pstats_find("mme1.examplex", 12) == a, "a length, not a NUL, ends the identity");
	atomic_store(&a->req_out, 10);
	atomic_store(&a->ans_in, 7);
	atomic_store(&a->failovers, 1);
	CHECK_UINT(cm_pstat_pending(a), ==, 2, "10 out, 7 answered, 1 failed over: 2 pending");
	atomic_store(&a->ans_in, 12);
	CHECK_UINT(cm_pstat_pending(a), ==, 0, "read while moving: never below zero");
	CHECK_INT(cm_peer_state_of(STATE_OPEN_NEW), ==, CM_PEER_OPEN);
	CHECK_INT(cm_peer_state_of(STATE_ZOMBIE), ==, CM_PEER_CLOSED, "an accepted peer that left");
	CHECK_INT(cm_peer_state_of(STATE_SUSPECT), ==, CM_PEER_SUSPECT);
	CHECK_STR(cm_peer_state_name(CM_PEER_CONNECTING), "connecting");

	atomic_store(&a->req_in, 5);
	atomic_store(&dra_gstats.group_failovers, 3);
	if (!(f = open_memstream(&buf, &len)))
		tap_bail("open_memstream");
	dra_stats_dump(f);
	fclose(f);
	CHECK_SUBSTR(buf, "peer MME1.example requests_in 5\n");
	CHECK_SUBSTR(buf, "peer MME1.example pending 0\n");
	CHECK_SUBSTR(buf, "global - group_failovers 3\n");
	CHECK_SUBSTR(buf, "global - last_reload_status 1\n", "none yet");
	CHECK_SUBSTR(buf, "command 16777251/318 requests ");
	CHECK_UINT(dra_stats_get("command", "16777251/316", "requests"), >, 0);
	free(buf);
}

int main(void)
{
	test_cmd_table();
	test_group_failover();
	test_peers();
	return tap_done();
}

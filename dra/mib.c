/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mib.c: the DRA's subtree of DCORE-MIB (config/snmp/DCORE-MIB.txt, dcoreDra): the values
 * the SNMP agent (common/snmp/) serves, read from the DRA's own counters (stats.c, the rule
 * set's, common/'s per-peer ones) when an NMS asks, and the notifications the agent thread
 * sends (peer up/down, failed reload). Nothing here runs on the Diameter path.
 */
#include "dra.h"
#include "snmp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* dcoreDra: dcoreMIB.dcoreObjects(1).2 */
#define DRA_MIB SNMP_DCORE_MIB, 1, 2

enum {
	G_REQUESTS = 1, G_ANSWERS, G_DIRECT, G_NO_ROUTE, G_UNABLE_TO_DELIVER, G_LOOP_DETECTED,
	G_TOO_BUSY, G_GROUP_FAILOVERS, G_FAILOVERS, G_RULES_FIRED, G_RULE_ERRORS, G_RELOADS_OK,
	G_RELOADS_FAILED, G_LAST_RELOAD_TIME, G_LAST_RELOAD_STATUS, G_LAST_RELOAD_ERROR,
	G_RULES_SINCE, G_LOCAL_RELAYED, G_CMD_OVERFLOW, G_PEERS_UNCOUNTED, G_RULES_LIMITED,
	G_PENDING, G_ADMITTED, G_CER_TIMEOUTS,
};

static uint64_t ld(atomic_uint_fast64_t *a)
{
	return atomic_load_explicit(a, memory_order_relaxed);
}

static void global_collect(void *data, struct snmp_out *o)
{
	static const uint32_t zero = 0;
	int status = atomic_load(&dra_gstats.last_reload_status);
	char err[256];

	snmp_out_row(o, &zero, 1);
	snmp_out_counter64(o, G_REQUESTS, ld(&dra_gstats.requests));
	snmp_out_counter64(o, G_ANSWERS, ld(&dra_gstats.answers));
	snmp_out_counter64(o, G_DIRECT, ld(&dra_gstats.direct));
	snmp_out_counter64(o, G_NO_ROUTE, ld(&dra_gstats.no_route));
	snmp_out_counter64(o, G_UNABLE_TO_DELIVER, ld(&cm_pstats_global.local_3002));
	snmp_out_counter64(o, G_LOOP_DETECTED, ld(&cm_pstats_global.local_3005));
	snmp_out_counter64(o, G_TOO_BUSY, ld(&dra_gstats.too_busy));
	snmp_out_counter64(o, G_GROUP_FAILOVERS, ld(&dra_gstats.group_failovers));
	snmp_out_counter64(o, G_FAILOVERS, ld(&cm_pstats_global.failovers));
	snmp_out_counter64(o, G_RULES_FIRED, ld(&dra_gstats.rules_fired));
	snmp_out_counter64(o, G_RULE_ERRORS, ld(&dra_gstats.rule_errors));
	snmp_out_counter64(o, G_RELOADS_OK, ld(&dra_gstats.reloads_ok));
	snmp_out_counter64(o, G_RELOADS_FAILED, ld(&dra_gstats.reloads_failed));
	snmp_out_time(o, G_LAST_RELOAD_TIME, (time_t)atomic_load(&dra_gstats.last_reload_time));
	snmp_out_integer(o, G_LAST_RELOAD_STATUS, status ? status : DRA_RELOAD_NONE);
	dra_reload_error(err, sizeof(err));
	snmp_out_string(o, G_LAST_RELOAD_ERROR, err);
	snmp_out_time(o, G_RULES_SINCE, (time_t)atomic_load(&dra_gstats.rules_since));
	snmp_out_counter64(o, G_LOCAL_RELAYED, ld(&dra_gstats.local_relayed));
	snmp_out_counter64(o, G_CMD_OVERFLOW, ld(&dra_cmd_overflow));
	snmp_out_counter64(o, G_PEERS_UNCOUNTED, ld(&cm_pstats_global.uncounted));
	snmp_out_counter64(o, G_RULES_LIMITED, ld(&dra_gstats.rule_limits));
	snmp_out_gauge32(o, G_PENDING, cm_pending());
	snmp_out_gauge32(o, G_ADMITTED, cm_pending_admitted());
	snmp_out_counter64(o, G_CER_TIMEOUTS, cm_listen_closed());
}

/* draCmdEntry: INDEX { draCmdApp, draCmdCode } */
enum { CMD_APP_NAME = 3, CMD_NAME, CMD_REQUESTS, CMD_ANSWERS /* 6..11: 1xxx .. other */ };

static void cmd_row(void *data, struct dra_cmd_stats *c)
{
	struct snmp_out *o = data;
	struct dict_object *obj = NULL;
	struct dict_cmd_data cd;
	struct dict_application_data ad;
	command_code_t code = c->code;
	application_id_t app = c->app;
	const uint32_t idx[2] = { c->app, c->code };
	const char *name = dra_app_name(c->app);
	size_t i;

	snmp_out_row(o, idx, 2);
	if (!name && !fd_dict_search(fd_g_config->cnf_dict, DICT_APPLICATION, APPLICATION_BY_ID, &app,
	                             &obj, ENOENT) && obj && !fd_dict_getval(obj, &ad))
		name = ad.application_name;
	snmp_out_string(o, CMD_APP_NAME, name);
	obj = NULL;
	if (!fd_dict_search(fd_g_config->cnf_dict, DICT_COMMAND, CMD_BY_CODE_R, &code, &obj, ENOENT) &&
	    obj && !fd_dict_getval(obj, &cd))
		snmp_out_string(o, CMD_NAME, cd.cmd_name);
	else
		snmp_out_string(o, CMD_NAME, NULL);
	snmp_out_counter64(o, CMD_REQUESTS, ld(&c->requests));
	for (i = 0; i < DRA_ANS_NCLASS; i++)
		snmp_out_counter64(o, CMD_ANSWERS + (uint32_t)i, ld(&c->answers[i]));
}

static void cmd_collect(void *data, struct snmp_out *o)
{
	dra_stats_cmd_foreach(cmd_row, o);
}

/* draRuleEntry: INDEX { draRuleIndex } (position in the running rule file, from 1) */
enum { RULE_NAME = 2, RULE_LINE, RULE_HITS, RULE_REWRITES, RULE_ERRORS, RULE_LIMITED };

static void rule_row(void *data, const struct xf_rule_stats *st)
{
	struct snmp_out *o = data;
	const uint32_t idx = (uint32_t)st->index + 1;

	snmp_out_row(o, &idx, 1);
	snmp_out_string(o, RULE_NAME, st->name);
	snmp_out_unsigned32(o, RULE_LINE, st->line > 0 ? (uint64_t)st->line : 0);
	snmp_out_counter64(o, RULE_HITS, st->hits);
	snmp_out_counter64(o, RULE_REWRITES, st->rewrites);
	snmp_out_counter64(o, RULE_ERRORS, st->errors);
	snmp_out_counter64(o, RULE_LIMITED, st->limits);
}

static void rule_collect(void *data, struct snmp_out *o)
{
	struct dra_snap *s = dra_snap_get();

	if (s && s->rules)
		xf_rules_stats(s->rules, rule_row, o);
	dra_snap_unref(s);
}

/* draRouteEntry / draGroupEntry: INDEX by order of first appearance (never reused). */
struct reg_walk {
	const char *kind;
	const char **names;
	void **stats;
	size_t n, cap;
};

static void reg_take(void *data, const char *kind, const char *name, void *stats)
{
	struct reg_walk *w = data;

	if (strcmp(kind, w->kind))
		return;
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 32;
		const char **nn = realloc(w->names, cap * sizeof(*nn));
		void **ns;

		if (!nn)
			return;
		w->names = nn;
		if (!(ns = realloc(w->stats, cap * sizeof(*ns))))
			return;
		w->stats = ns;
		w->cap = cap;
	}
	w->names[w->n] = name;
	w->stats[w->n] = stats;
	w->n++;
}

static void reg_collect(void *data, struct snmp_out *o)
{
	struct reg_walk w = { .kind = data };
	size_t i;

	dra_stats_foreach(reg_take, &w);
	/* newest first in the registry: the oldest gets index 1 */
	for (i = 0; i < w.n; i++) {
		const uint32_t idx = (uint32_t)(w.n - i);

		snmp_out_row(o, &idx, 1);
		snmp_out_string(o, 2, w.names[i]);
		if (!strcmp(w.kind, "route")) {
			struct dra_route_stats *r = w.stats[i];
			snmp_out_counter64(o, 3, ld(&r->matched));
			snmp_out_counter64(o, 4, ld(&r->no_peer));
		} else {
			struct dra_group_stats *g = w.stats[i];
			snmp_out_counter64(o, 3, ld(&g->routed));
			snmp_out_counter64(o, 4, ld(&g->unavailable));
		}
	}
	free(w.names);
	free(w.stats);
}

/* Once a second, in the agent thread: peer transitions and failed reloads. */
static void tick(void *data)
{
	static uint64_t failed_seen;
	static bool primed;
	uint64_t failed = ld(&dra_gstats.reloads_failed);

	snmp_peer_watch();
	if (primed && failed != failed_seen) {
		char err[256], text[320];

		dra_reload_error(err, sizeof(err));
		snprintf(text, sizeof(text), "reload failed, previous routes and rules kept: %s", err);
		snmp_notify_reload_failed(text);
	}
	failed_seen = failed;
	primed = true;
}

int dra_mib_register(void)
{
	static const uint32_t global[] = { DRA_MIB, 1 };
	static const uint32_t peers[] = { DRA_MIB, 2, 1 };
	static const uint32_t cmds[] = { DRA_MIB, 3, 1 };
	static const uint32_t rules[] = { DRA_MIB, 4, 1 };
	static const uint32_t routes[] = { DRA_MIB, 5, 1 };
	static const uint32_t groups[] = { DRA_MIB, 6, 1 };
#define N(a) (sizeof(a) / sizeof(a[0]))
	int rc;

	if ((rc = snmp_register("draGlobal", global, N(global), global_collect, NULL)) ||
	    (rc = snmp_register("draPeerTable", peers, N(peers), snmp_peer_collect, NULL)) ||
	    (rc = snmp_register("draCmdTable", cmds, N(cmds), cmd_collect, NULL)) ||
	    (rc = snmp_register("draRuleTable", rules, N(rules), rule_collect, NULL)) ||
	    (rc = snmp_register("draRouteTable", routes, N(routes), reg_collect, (void *)"route")) ||
	    (rc = snmp_register("draGroupTable", groups, N(groups), reg_collect, (void *)"group")))
		return rc;
	return snmp_on_tick(tick, NULL);
#undef N
}

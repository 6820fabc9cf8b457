/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mib.c: the HSS's subtree of DCORE-MIB (config/snmp/DCORE-MIB.txt, dcoreHss): the values the
 * SNMP agent (common/snmp/) serves, read from hss_stats and common/'s per-peer counters when
 * an NMS asks, and the notifications the agent thread sends (peer up/down, failed reload).
 * The command tables follow hss_cmd_info(): a command added there appears without a change
 * here. Nothing here runs on the Diameter path.
 */
#include "hss_int.h"

#include <errno.h>
#include <stdio.h>
#include <time.h>

/* dcoreHss: dcoreMIB.dcoreObjects(1).3 */
#define HSS_MIB SNMP_DCORE_MIB, 1, 3

/* Counting a large database takes a while: at most this often. */
#define HSS_MIB_COUNT_EVERY_S 30

enum {
	G_SUBSCRIBERS = 1, G_DB_OPS, G_DB_ERRORS, G_DB_LAT_TOTAL, G_DB_LAT_MAX, G_INI_SENT,
	G_INI_ANSWERED, G_INI_FAILED, G_INI_TIMED_OUT, G_MALFORMED, G_VEC_EUTRAN, G_VEC_UTRAN,
	G_VEC_GERAN, G_RESYNC_OK, G_RESYNC_BAD_MAC, G_RELOADS_OK, G_RELOADS_FAILED,
	G_LAST_RELOAD_TIME, G_LAST_RELOAD_STATUS, G_LAST_RELOAD_ERROR, G_UNABLE_TO_DELIVER,
	G_TOO_BUSY, G_FAILOVERS, G_PENDING, G_ADMITTED, G_CER_TIMEOUTS, G_IMS_VEC_AKA,
	G_IMS_DIGEST, G_IMS_RESYNC_OK, G_IMS_RESYNC_BAD_MAC, G_CX_OUTBOX, G_SH_OUTBOX,
};

/* Counting an outbox lists it: at most this often, and up to this many. */
#define HSS_MIB_OUTBOX_EVERY_S 5
#define HSS_MIB_OUTBOX_MAX 1000000

static struct hss_db *mib_db;

static uint64_t ld(atomic_ulong *a)
{
	return atomic_load_explicit(a, memory_order_relaxed);
}

/* In the agent thread only. */
static uint64_t subscribers(void)
{
	static uint64_t count;
	static time_t at;
	struct timespec now;
	uint64_t n;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (mib_db && (!at || now.tv_sec - at >= HSS_MIB_COUNT_EVERY_S)) {
		at = now.tv_sec;
		/* a failure keeps the last count; the database fault log says why */
		if (!hss_db_count(mib_db, &n))
			count = n;
	}
	return count;
}

/* In the agent thread only: the outboxes' depths (0 for an application that is off). */
static void outboxes(uint32_t *cx, uint32_t *sh)
{
	static uint32_t last_cx, last_sh;
	static time_t at;
	struct timespec now;
	size_t n;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!at || now.tv_sec - at >= HSS_MIB_OUTBOX_EVERY_S) {
		at = now.tv_sec;
		/* a failure keeps the last value; the database fault log says why */
		n = 0;
		if ((rc = hss_cx_outbox_depth(HSS_MIB_OUTBOX_MAX, &n)) == 0 || rc == ENOTSUP)
			last_cx = rc ? 0 : (uint32_t)n;
		n = 0;
		if ((rc = hss_sh_outbox_depth(HSS_MIB_OUTBOX_MAX, &n)) == 0 || rc == ENOTSUP)
			last_sh = rc ? 0 : (uint32_t)n;
	}
	*cx = last_cx;
	*sh = last_sh;
}

static void global_collect(void *data, struct snmp_out *o)
{
	static const uint32_t zero = 0;
	struct hss_initiated ini;
	uint32_t cx, sh;
	char err[256];

	hss_stats_initiated(&ini);
	snmp_out_row(o, &zero, 1);
	snmp_out_gauge32(o, G_SUBSCRIBERS, subscribers());
	snmp_out_counter64(o, G_DB_OPS, ld(&hss_stats.db_ops));
	snmp_out_counter64(o, G_DB_ERRORS, ld(&hss_stats.db_errors));
	snmp_out_counter64(o, G_DB_LAT_TOTAL, ld(&hss_stats.db_latency_us));
	snmp_out_gauge32(o, G_DB_LAT_MAX, ld(&hss_stats.db_latency_max_us));
	snmp_out_counter64(o, G_INI_SENT, ini.sent);
	snmp_out_counter64(o, G_INI_ANSWERED, ini.answered);
	snmp_out_counter64(o, G_INI_FAILED, ini.failed);
	snmp_out_counter64(o, G_INI_TIMED_OUT, ini.timed_out);
	snmp_out_counter64(o, G_MALFORMED, ld(&hss_stats.malformed));
	snmp_out_counter64(o, G_VEC_EUTRAN, ld(&hss_stats.vectors_eutran));
	snmp_out_counter64(o, G_VEC_UTRAN, ld(&hss_stats.vectors_utran));
	snmp_out_counter64(o, G_VEC_GERAN, ld(&hss_stats.vectors_geran));
	snmp_out_counter64(o, G_RESYNC_OK, ld(&hss_stats.resync_ok));
	snmp_out_counter64(o, G_RESYNC_BAD_MAC, ld(&hss_stats.resync_bad_mac));
	snmp_out_counter64(o, G_RELOADS_OK, ld(&hss_stats.reloads_ok));
	snmp_out_counter64(o, G_RELOADS_FAILED, ld(&hss_stats.reloads_failed));
	snmp_out_time(o, G_LAST_RELOAD_TIME, (time_t)atomic_load(&hss_stats.last_reload_time));
	snmp_out_integer(o, G_LAST_RELOAD_STATUS, atomic_load(&hss_stats.last_reload_status));
	hss_reload_error(err, sizeof(err));
	snmp_out_string(o, G_LAST_RELOAD_ERROR, err);
	snmp_out_counter64(o, G_UNABLE_TO_DELIVER, cm_pstat_get(&cm_pstats_global.local_3002));
	snmp_out_counter64(o, G_TOO_BUSY, ld(&hss_stats.too_busy));
	snmp_out_counter64(o, G_FAILOVERS, cm_pstat_get(&cm_pstats_global.failovers));
	snmp_out_gauge32(o, G_PENDING, cm_pending());
	snmp_out_gauge32(o, G_ADMITTED, cm_pending_admitted());
	snmp_out_counter64(o, G_CER_TIMEOUTS, cm_listen_closed());
	snmp_out_counter64(o, G_IMS_VEC_AKA, ld(&hss_stats.vectors_ims));
	snmp_out_counter64(o, G_IMS_DIGEST, ld(&hss_stats.digest_items));
	snmp_out_counter64(o, G_IMS_RESYNC_OK, ld(&hss_stats.ims_resync_ok));
	snmp_out_counter64(o, G_IMS_RESYNC_BAD_MAC, ld(&hss_stats.ims_resync_bad_mac));
	outboxes(&cx, &sh);
	snmp_out_gauge32(o, G_CX_OUTBOX, cx);
	snmp_out_gauge32(o, G_SH_OUTBOX, sh);
}

/* hssCmdEntry: INDEX { hssCmdApp, hssCmdCode } */
enum {
	CMD_NAME = 3, CMD_DIRECTION, CMD_REQUESTS, CMD_ANSWERS /* 6..11 */, CMD_ERRORS = 12,
	CMD_TIMEOUTS, CMD_RESULTS_OTHER,
};

static void cmd_collect(void *data, struct snmp_out *o)
{
	int c, k;

	for (c = 0; c < HSS_CMD_MAX; c++) {
		const struct hss_cmd_info *ci = hss_cmd_info((enum hss_cmd)c);
		struct hss_cmd_stats *s = &hss_stats.cmd[c];
		uint32_t idx[2];

		if (!ci)
			continue;
		idx[0] = ci->app;
		idx[1] = ci->code;
		snmp_out_row(o, idx, 2);
		snmp_out_string(o, CMD_NAME, ci->name);
		snmp_out_integer(o, CMD_DIRECTION, ci->sent ? 2 : 1);
		snmp_out_counter64(o, CMD_REQUESTS, ld(&s->requests));
		for (k = 0; k < HSS_ANS_NCLASS; k++)
			snmp_out_counter64(o, CMD_ANSWERS + (uint32_t)k, ld(&s->answers[k]));
		snmp_out_counter64(o, CMD_ERRORS, ld(&s->errors));
		snmp_out_counter64(o, CMD_TIMEOUTS, ld(&s->timeouts));
		snmp_out_counter64(o, CMD_RESULTS_OTHER, ld(&s->codes_other));
	}
}

/* hssCmdResultEntry: INDEX { hssCmdApp, hssCmdCode, hssResultKind, hssResultCode } */
static void result_collect(void *data, struct snmp_out *o)
{
	int c, k;

	for (c = 0; c < HSS_CMD_MAX; c++) {
		const struct hss_cmd_info *ci = hss_cmd_info((enum hss_cmd)c);
		struct hss_cmd_stats *s = &hss_stats.cmd[c];

		if (!ci)
			continue;
		for (k = 0; k < HSS_STATS_CODES; k++) {
			unsigned key = atomic_load_explicit(&s->codes[k].key, memory_order_acquire);
			uint32_t idx[4];

			if (!key)
				continue;
			idx[0] = ci->app;
			idx[1] = ci->code;
			idx[2] = key & HSS_STATS_CODE_EXP ? 2 : 1;
			idx[3] = key & ~HSS_STATS_CODE_EXP;
			snmp_out_row(o, idx, 4);
			snmp_out_counter64(o, 3, ld(&s->codes[k].count));
		}
	}
}

/* hssDbLatencyEntry: INDEX { hssDbLatencyBound } */
static void latency_collect(void *data, struct snmp_out *o)
{
	int i;

	for (i = 0; i < HSS_DB_LAT_NBUCKETS; i++) {
		snmp_out_row(o, &hss_db_lat_bounds[i], 1);
		snmp_out_counter64(o, 2, ld(&hss_stats.db_latency[i]));
	}
}

/* Once a second, in the agent thread: peer transitions and failed reloads. */
static void tick(void *data)
{
	static uint64_t failed_seen;
	static bool primed;
	uint64_t failed = ld(&hss_stats.reloads_failed);

	snmp_peer_watch();
	if (primed && failed != failed_seen) {
		char err[256], text[320];

		hss_reload_error(err, sizeof(err));
		snprintf(text, sizeof(text), "reload failed, running configuration kept: %s", err);
		snmp_notify_reload_failed(text);
	}
	failed_seen = failed;
	primed = true;
}

int hss_mib_register(struct hss_db *db)
{
	static const uint32_t global[] = { HSS_MIB, 1 };
	static const uint32_t peers[] = { HSS_MIB, 2, 1 };
	static const uint32_t cmds[] = { HSS_MIB, 3, 1 };
	static const uint32_t results[] = { HSS_MIB, 4, 1 };
	static const uint32_t latency[] = { HSS_MIB, 5, 1 };
#define N(a) (sizeof(a) / sizeof(a[0]))
	int rc;

	mib_db = db;
	if ((rc = snmp_register("hssGlobal", global, N(global), global_collect, NULL)) ||
	    (rc = snmp_register("hssPeerTable", peers, N(peers), snmp_peer_collect, NULL)) ||
	    (rc = snmp_register("hssCmdTable", cmds, N(cmds), cmd_collect, NULL)) ||
	    (rc = snmp_register("hssCmdResultTable", results, N(results), result_collect, NULL)) ||
	    (rc = snmp_register("hssDbLatencyTable", latency, N(latency), latency_collect, NULL)))
		return rc;
	return snmp_on_tick(tick, NULL);
#undef N
}

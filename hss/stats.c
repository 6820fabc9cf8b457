/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * stats.c: the HSS counters, lock-free atomics updated on the hot path and read by the logs
 * (SIGUSR1, shutdown), the control channel and the SNMP agent (mib.c).
 */
#include "hss_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct hss_stats hss_stats = { .last_reload_status = 1 };

static const char *const st_names[HSS_CMD_MAX] = {
	[HSS_CMD_ULR] = "ULR", [HSS_CMD_AIR] = "AIR", [HSS_CMD_PUR] = "PUR",
	[HSS_CMD_NOR] = "NOR", [HSS_CMD_CLR] = "CLR", [HSS_CMD_IDR] = "IDR",
	[HSS_CMD_DSR] = "DSR", [HSS_CMD_UAR] = "UAR", [HSS_CMD_MAR] = "MAR", [HSS_CMD_SAR] = "SAR",
	[HSS_CMD_LIR] = "LIR", [HSS_CMD_RTR] = "RTR", [HSS_CMD_PPR] = "PPR",
	[HSS_CMD_UDR] = "UDR", [HSS_CMD_SH_PUR] = "PUR_SH", [HSS_CMD_SNR] = "SNR",
	[HSS_CMD_PNR] = "PNR",
};

/* Every command needs its entry: the SNMP command table is indexed by (app, code). */
static const struct hss_cmd_info st_info[HSS_CMD_MAX] = {
	[HSS_CMD_ULR] = { "ULR", HSS_APP_S6A, 316, false },
	[HSS_CMD_AIR] = { "AIR", HSS_APP_S6A, 318, false },
	[HSS_CMD_PUR] = { "PUR", HSS_APP_S6A, 321, false },
	[HSS_CMD_NOR] = { "NOR", HSS_APP_S6A, 323, false },
	[HSS_CMD_CLR] = { "CLR", HSS_APP_S6A, 317, true },
	[HSS_CMD_IDR] = { "IDR", HSS_APP_S6A, 319, true },
	[HSS_CMD_DSR] = { "DSR", HSS_APP_S6A, 320, true },
	[HSS_CMD_UAR] = { "UAR", HSS_APP_CX, 300, false },
	[HSS_CMD_SAR] = { "SAR", HSS_APP_CX, 301, false },
	[HSS_CMD_LIR] = { "LIR", HSS_APP_CX, 302, false },
	[HSS_CMD_MAR] = { "MAR", HSS_APP_CX, 303, false },
	[HSS_CMD_RTR] = { "RTR", HSS_APP_CX, 304, true },
	[HSS_CMD_PPR] = { "PPR", HSS_APP_CX, 305, true },
	[HSS_CMD_UDR] = { "UDR", HSS_APP_SH, 306, false },
	[HSS_CMD_SH_PUR] = { "PUR", HSS_APP_SH, 307, false },   /* the MIB name; the application tells it from S6a's */
	[HSS_CMD_SNR] = { "SNR", HSS_APP_SH, 308, false },
	[HSS_CMD_PNR] = { "PNR", HSS_APP_SH, 309, true },
};

const uint32_t hss_db_lat_bounds[HSS_DB_LAT_NBUCKETS] = {
	100, 250, 500, 1000, 2500, 5000, 10000, 50000, 250000, UINT32_MAX,
};

const char *hss_cmd_name(enum hss_cmd c)
{
	return (unsigned)c < HSS_CMD_MAX ? st_names[c] : "?";
}

const struct hss_cmd_info *hss_cmd_info(enum hss_cmd c)
{
	return (unsigned)c < HSS_CMD_MAX && st_info[c].name ? &st_info[c] : NULL;
}

#define ST_INC(a) atomic_fetch_add_explicit(&(a), 1, memory_order_relaxed)

void hss_stats_code(enum hss_cmd c, uint32_t code, bool exp)
{
	struct hss_cmd_stats *s;
	unsigned key = (code & ~HSS_STATS_CODE_EXP) | (exp ? HSS_STATS_CODE_EXP : 0);
	size_t i;

	if ((unsigned)c >= HSS_CMD_MAX)
		return;
	s = &hss_stats.cmd[c];
	ST_INC(s->answers[code >= 1000 && code < 6000 ? code / 1000 - 1 : HSS_ANS_NCLASS - 1]);
	if (!code) {
		ST_INC(s->codes_other);
		return;
	}
	/* A slot per distinct result, claimed once with compare-and-swap, never released. */
	for (i = 0; i < HSS_STATS_CODES; i++) {
		unsigned k = atomic_load_explicit(&s->codes[i].key, memory_order_acquire);

		if (!k) {
			unsigned zero = 0;
			if (atomic_compare_exchange_strong(&s->codes[i].key, &zero, key))
				k = key;
			else
				k = zero;
		}
		if (k == key) {
			ST_INC(s->codes[i].count);
			return;
		}
	}
	ST_INC(s->codes_other);
}

void hss_stats_count_res(enum hss_cmd c, uint32_t code, bool exp)
{
	struct hss_cmd_stats *s;

	if ((unsigned)c >= HSS_CMD_MAX)
		return;
	s = &hss_stats.cmd[c];
	if (code >= 2000 && code < 3000)
		ST_INC(s->success);
	else if (code == HSS_ER_USER_UNKNOWN)
		ST_INC(s->user_unknown);
	else if (code == HSS_RC_UNABLE_TO_COMPLY)
		ST_INC(s->errors);
	else
		ST_INC(s->rejected);
	hss_stats_code(c, code, exp);
}

void hss_stats_count(enum hss_cmd c, uint32_t result)
{
	hss_stats_count_res(c, result, false);
}

void hss_stats_db_us(uint64_t us)
{
	unsigned long max;
	size_t i;

	ST_INC(hss_stats.db_ops);
	atomic_fetch_add_explicit(&hss_stats.db_latency_us, us, memory_order_relaxed);
	for (i = 0; i < HSS_DB_LAT_NBUCKETS - 1 && us > hss_db_lat_bounds[i]; i++)
		;
	ST_INC(hss_stats.db_latency[i]);
	max = atomic_load_explicit(&hss_stats.db_latency_max_us, memory_order_relaxed);
	while (us > max && !atomic_compare_exchange_weak(&hss_stats.db_latency_max_us, &max, us))
		;
}

void hss_stats_reloaded(bool ok)
{
	ST_INC(*(ok ? &hss_stats.reloads_ok : &hss_stats.reloads_failed));
	atomic_store(&hss_stats.last_reload_time, (long long)time(NULL));
	atomic_store(&hss_stats.last_reload_status, ok ? 2 : 3);
}

static unsigned long st_get(atomic_ulong *a)
{
	return atomic_load_explicit(a, memory_order_relaxed);
}

void hss_stats_initiated(struct hss_initiated *r)
{
	int c, k;

	r->sent = r->answered = r->failed = r->timed_out = 0;
	for (c = 0; c < HSS_CMD_MAX; c++) {
		struct hss_cmd_stats *s = &hss_stats.cmd[c];

		if (!st_info[c].sent)
			continue;
		r->sent += st_get(&s->requests);
		r->timed_out += st_get(&s->timeouts);
		/* not sent at all, or answered with anything but success */
		r->failed += st_get(&s->errors);
		for (k = 0; k < HSS_ANS_NCLASS; k++) {
			r->answered += st_get(&s->answers[k]);
			if (k != 1)
				r->failed += st_get(&s->answers[k]);
		}
	}
}

/* The lines of the dump, produced one by one into a caller's buffer. */
struct st_out {
	void (*line)(struct st_out *o, const char *text);
	char *buf;
	size_t sz, off;
	bool full;
};

static void st_emit(struct st_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void st_emit(struct st_out *o, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	o->line(o, line);
}

/* "ULR requests=.. success=.. ... answers_2xxx=.. r2001=.. e5001=.. codes_other=.." */
static void st_cmd_line(struct st_out *o, int i)
{
	static const char *const cls[HSS_ANS_NCLASS] = {
		"answers_1xxx", "answers_2xxx", "answers_3xxx", "answers_4xxx", "answers_5xxx",
		"answers_other",
	};
	struct hss_cmd_stats *s = &hss_stats.cmd[i];
	char line[1024];
	size_t n;
	int k;

	n = (size_t)snprintf(line, sizeof(line), "%s requests=%lu success=%lu user_unknown=%lu "
	                     "rejected=%lu errors=%lu timeouts=%lu", st_names[i], st_get(&s->requests),
	                     st_get(&s->success), st_get(&s->user_unknown), st_get(&s->rejected),
	                     st_get(&s->errors), st_get(&s->timeouts));
	for (k = 0; k < HSS_ANS_NCLASS && n < sizeof(line); k++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %s=%lu", cls[k],
		                      st_get(&s->answers[k]));
	for (k = 0; k < HSS_STATS_CODES && n < sizeof(line); k++) {
		unsigned key = atomic_load_explicit(&s->codes[k].key, memory_order_acquire);
		if (key)
			n += (size_t)snprintf(line + n, sizeof(line) - n, " %c%u=%lu",
			                      key & HSS_STATS_CODE_EXP ? 'e' : 'r',
			                      key & ~HSS_STATS_CODE_EXP, st_get(&s->codes[k].count));
	}
	if (n < sizeof(line))
		snprintf(line + n, sizeof(line) - n, " codes_other=%lu", st_get(&s->codes_other));
	o->line(o, line);
}

static void st_peer_line(void *data, struct cm_pstat *p)
{
	st_emit(data, "peer:%s requests_in=%llu requests_out=%llu answers_in=%llu answers_out=%llu "
	        "errors_in=%llu errors_out=%llu pending=%llu failovers=%llu connects=%llu "
	        "connected_since=%lld", p->id,
	        (unsigned long long)cm_pstat_get(&p->req_in),
	        (unsigned long long)cm_pstat_get(&p->req_out),
	        (unsigned long long)cm_pstat_get(&p->ans_in),
	        (unsigned long long)cm_pstat_get(&p->ans_out),
	        (unsigned long long)cm_pstat_get(&p->err_in),
	        (unsigned long long)cm_pstat_get(&p->err_out),
	        (unsigned long long)cm_pstat_pending(p),
	        (unsigned long long)cm_pstat_get(&p->failovers),
	        (unsigned long long)cm_pstat_get(&p->connects),
	        (long long)atomic_load(&p->connected_since));
}

/* The peer policy's refusals per peer (common/policy.c), in the shape of the other parts:
 * "policy:PEER refused_REASON=N". */
static void st_policy_line(void *data, const char *peer, const char *reason, unsigned long long n)
{
	st_emit(data, "policy:%s refused_%s=%llu", peer, reason, n);
}

static void st_dump(struct st_out *o)
{
	struct hss_initiated ini;
	char lat[512];
	size_t n = 0;
	int i;

	for (i = 0; i < HSS_CMD_MAX; i++)
		st_cmd_line(o, i);
	st_emit(o, "vectors eutran=%lu utran=%lu geran=%lu ims_aka=%lu ims_digest=%lu "
	        "ims_resync_ok=%lu ims_resync_bad_mac=%lu resync_ok=%lu resync_bad_mac=%lu "
	        "db_errors=%lu malformed=%lu too_busy=%lu policy_refused=%lu pending=%lu admitted=%lu "
	        "cer_timeouts=%llu",
	        st_get(&hss_stats.vectors_eutran), st_get(&hss_stats.vectors_utran),
	        st_get(&hss_stats.vectors_geran), st_get(&hss_stats.vectors_ims),
	        st_get(&hss_stats.digest_items), st_get(&hss_stats.ims_resync_ok),
	        st_get(&hss_stats.ims_resync_bad_mac), st_get(&hss_stats.resync_ok),
	        st_get(&hss_stats.resync_bad_mac), st_get(&hss_stats.db_errors),
	        st_get(&hss_stats.malformed), st_get(&hss_stats.too_busy),
	        st_get(&hss_stats.policy_refused), cm_pending(),
	        cm_pending_admitted(), (unsigned long long)cm_listen_closed());
	hss_stats_initiated(&ini);
	st_emit(o, "initiated sent=%llu answered=%llu failed=%llu timed_out=%llu",
	        (unsigned long long)ini.sent, (unsigned long long)ini.answered,
	        (unsigned long long)ini.failed, (unsigned long long)ini.timed_out);
	for (i = 0; i < HSS_DB_LAT_NBUCKETS && n < sizeof(lat); i++) {
		if (hss_db_lat_bounds[i] == UINT32_MAX)
			n += (size_t)snprintf(lat + n, sizeof(lat) - n, " le_inf=%lu",
			                      st_get(&hss_stats.db_latency[i]));
		else
			n += (size_t)snprintf(lat + n, sizeof(lat) - n, " le_%uus=%lu", hss_db_lat_bounds[i],
			                      st_get(&hss_stats.db_latency[i]));
	}
	st_emit(o, "db ops=%lu latency_us=%lu latency_max_us=%lu errors=%lu%s",
	        st_get(&hss_stats.db_ops), st_get(&hss_stats.db_latency_us),
	        st_get(&hss_stats.db_latency_max_us), st_get(&hss_stats.db_errors), lat);
	st_emit(o, "reload ok=%lu failed=%lu last_time=%lld last_status=%d",
	        st_get(&hss_stats.reloads_ok), st_get(&hss_stats.reloads_failed),
	        (long long)atomic_load(&hss_stats.last_reload_time),
	        atomic_load(&hss_stats.last_reload_status));
	st_emit(o, "diameter unable_to_deliver=%llu loop_detected=%llu failovers=%llu",
	        (unsigned long long)cm_pstat_get(&cm_pstats_global.local_3002),
	        (unsigned long long)cm_pstat_get(&cm_pstats_global.local_3005),
	        (unsigned long long)cm_pstat_get(&cm_pstats_global.failovers));
	cm_pstats_foreach(st_peer_line, o);
	cm_policy_stats_foreach(st_policy_line, o);
}

static void st_log_line(struct st_out *o, const char *text)
{
	fd_log_notice("hss: stats: %s", text);
}

void hss_stats_log(void)
{
	struct st_out o = { .line = st_log_line };

	st_dump(&o);
}

/* Lines joined by "; "; a line that does not fit is left out whole, and so are the next. */
static void st_buf_line(struct st_out *o, const char *text)
{
	size_t len = strlen(text), sep = o->off ? 2 : 0;

	if (o->full || o->off + sep + len + 1 > o->sz) {
		o->full = true;
		return;
	}
	if (sep) {
		o->buf[o->off++] = ';';
		o->buf[o->off++] = ' ';
	}
	memcpy(o->buf + o->off, text, len + 1);
	o->off += len;
}

size_t hss_stats_format(char *buf, size_t bufsz)
{
	struct st_out o = { .line = st_buf_line, .buf = buf, .sz = bufsz };

	if (!bufsz)
		return 0;
	buf[0] = '\0';
	st_dump(&o);
	return o.off;
}

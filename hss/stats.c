/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * stats.c: the HSS counters, lock-free atomics updated on the hot path and read by the logs
 * (SIGUSR1, shutdown), the control channel and, later, SNMP.
 */
#include "hss_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hss_stats hss_stats;

static const char *const st_names[HSS_CMD_MAX] = {
	[HSS_CMD_ULR] = "ULR", [HSS_CMD_AIR] = "AIR", [HSS_CMD_PUR] = "PUR",
	[HSS_CMD_NOR] = "NOR", [HSS_CMD_CLR] = "CLR", [HSS_CMD_IDR] = "IDR",
	[HSS_CMD_DSR] = "DSR", [HSS_CMD_UAR] = "UAR", [HSS_CMD_MAR] = "MAR", [HSS_CMD_SAR] = "SAR",
	[HSS_CMD_LIR] = "LIR", [HSS_CMD_RTR] = "RTR", [HSS_CMD_PPR] = "PPR",
};

const char *hss_cmd_name(enum hss_cmd c)
{
	return (unsigned)c < HSS_CMD_MAX ? st_names[c] : "?";
}

void hss_stats_count(enum hss_cmd c, uint32_t result)
{
	struct hss_cmd_stats *s;

	if ((unsigned)c >= HSS_CMD_MAX)
		return;
	s = &hss_stats.cmd[c];
	if (result >= 2000 && result < 3000)
		atomic_fetch_add_explicit(&s->success, 1, memory_order_relaxed);
	else if (result == HSS_ER_USER_UNKNOWN)
		atomic_fetch_add_explicit(&s->user_unknown, 1, memory_order_relaxed);
	else if (result == HSS_RC_UNABLE_TO_COMPLY)
		atomic_fetch_add_explicit(&s->errors, 1, memory_order_relaxed);
	else
		atomic_fetch_add_explicit(&s->rejected, 1, memory_order_relaxed);
}

static unsigned long st_get(atomic_ulong *a)
{
	return atomic_load_explicit(a, memory_order_relaxed);
}

/* Line i (0..HSS_CMD_MAX) into buf: one per command, then the totals. */
static int st_line(int i, char *buf, size_t sz)
{
	struct hss_cmd_stats *s;

	if (i == HSS_CMD_MAX)
		return snprintf(buf, sz, "vectors eutran=%lu utran=%lu geran=%lu ims_aka=%lu "
		                "ims_digest=%lu ims_resync_ok=%lu ims_resync_bad_mac=%lu resync_ok=%lu "
		                "resync_bad_mac=%lu db_errors=%lu malformed=%lu too_busy=%lu "
		                "policy_refused=%lu pending=%lu admitted=%lu cer_timeouts=%llu",
		                st_get(&hss_stats.vectors_eutran), st_get(&hss_stats.vectors_utran),
		                st_get(&hss_stats.vectors_geran), st_get(&hss_stats.vectors_ims),
		                st_get(&hss_stats.digest_items), st_get(&hss_stats.ims_resync_ok),
		                st_get(&hss_stats.ims_resync_bad_mac), st_get(&hss_stats.resync_ok),
		                st_get(&hss_stats.resync_bad_mac), st_get(&hss_stats.db_errors),
		                st_get(&hss_stats.malformed), st_get(&hss_stats.too_busy),
		                st_get(&hss_stats.policy_refused), cm_pending(),
		                cm_pending_admitted(), (unsigned long long)cm_listen_closed());
	s = &hss_stats.cmd[i];
	return snprintf(buf, sz, "%s requests=%lu success=%lu user_unknown=%lu rejected=%lu "
	                "errors=%lu timeouts=%lu", st_names[i], st_get(&s->requests),
	                st_get(&s->success), st_get(&s->user_unknown), st_get(&s->rejected),
	                st_get(&s->errors), st_get(&s->timeouts));
}

void hss_stats_log(void)
{
	char line[512];
	int i;

	for (i = 0; i <= HSS_CMD_MAX; i++) {
		st_line(i, line, sizeof(line));
		fd_log_notice("hss: stats: %s", line);
	}
	/* The peer policy's refusals per peer: "policy PEER refused_REASON N" lines. */
	{
		char *buf = NULL, *l, *save = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		if (f) {
			cm_policy_stats_dump(f, "policy");
			fclose(f);
			for (l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
				fd_log_notice("hss: stats: %s", l);
			free(buf);
		}
	}
}

size_t hss_stats_format(char *buf, size_t bufsz)
{
	size_t off = 0;
	int i, k;

	if (!bufsz)
		return 0;
	buf[0] = '\0';
	for (i = 0; i <= HSS_CMD_MAX && off < bufsz; i++) {
		if (i && off + 2 < bufsz)
			buf[off++] = ';', buf[off++] = ' ', buf[off] = '\0';
		k = st_line(i, buf + off, bufsz - off);
		if (k < 0)
			break;
		off += (size_t)k < bufsz - off ? (size_t)k : bufsz - off - 1;
	}
	return off;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * overload.c: the DRA's admission bound. Every relayed request stays in the DRA until the
 * answer of the next hop has been sent back (common/pending.c counts them); when a slow
 * or stalled server lets them pile up, the DRA used to queue them all (3 x 2,000 in flight
 * behind an HSS: 2.4 s median latency, memory kept). Above `overload.max_pending` a new
 * request is answered at once with 3004 DIAMETER_TOO_BUSY (Error-Reporting-Host: this DRA),
 * counted as too_busy, so the requests admitted keep their latency and the clients learn
 * at once to go elsewhere or back off (RFC 6733 7.1.3).
 */
#include "dra.h"

#include <stdatomic.h>

static struct {
	unsigned max;
	atomic_bool busy;           /* over the bound: for the log lines only */
	atomic_uint_fast64_t busy_since;   /* too_busy when the episode began */
} dov;

int dra_overload_init(const struct cm_overload_cfg *cfg)
{
	dov.max = cfg ? cfg->max_pending : DRA_MAX_PENDING_DEFAULT;
	return cm_pending_start();
}

bool dra_overload_shed(struct msg **pmsg)
{
	unsigned long n;

	if (!dov.max)
		return false;
	n = cm_pending();
	if (n <= dov.max) {
		/* Below 90% of the bound the episode is over: say so once, with its count. */
		if (atomic_load_explicit(&dov.busy, memory_order_relaxed) && n < dov.max - dov.max / 10 &&
		    atomic_exchange(&dov.busy, false))
			fd_log_notice("dra: load back under the bound (%lu requests in progress); %llu "
			              "answered 3004 meanwhile", n,
			              (unsigned long long)(atomic_load(&dra_gstats.too_busy) -
			                                   atomic_load(&dov.busy_since)));
		return false;
	}
	if (!atomic_exchange(&dov.busy, true)) {
		atomic_store(&dov.busy_since, atomic_load(&dra_gstats.too_busy));
		fd_log_notice("dra: %lu requests in progress, over overload.max_pending %u: answering "
		              "new ones 3004 DIAMETER_TOO_BUSY", n, dov.max);
	}
	atomic_fetch_add_explicit(&dra_gstats.too_busy, 1, memory_order_relaxed);
	dra_answer_error(pmsg, "DIAMETER_TOO_BUSY", "Too many requests in progress");
	return true;
}

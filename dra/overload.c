/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * overload.c: the DRA's admission bound. Every relayed request stays in the DRA until the
 * answer of the next hop has been sent back; when a slow or stalled server lets them pile
 * up, the DRA used to queue them all (3 x 2,000 in flight behind one HSS: every answer about
 * 6 s late). common/pending.c judges each request on arrival: beyond `overload.max_pending`
 * admitted requests in progress it is refused, and the forward callback answers it at once
 * with 3004 DIAMETER_TOO_BUSY (Error-Reporting-Host: this DRA), counted as too_busy, instead
 * of relaying it. The requests admitted keep their latency and the clients learn at once to
 * go elsewhere or back off (RFC 6733 7.1.3).
 */
#include "dra.h"

int dra_overload_init(const struct cm_overload_cfg *cfg)
{
	return cm_pending_start(cfg ? cfg->max_pending : DRA_MAX_PENDING_DEFAULT);
}

bool dra_overload_shed(struct msg **pmsg)
{
	if (!cm_pending_refused(*pmsg))
		return false;
	atomic_fetch_add_explicit(&dra_gstats.too_busy, 1, memory_order_relaxed);
	dra_answer_error(pmsg, "DIAMETER_TOO_BUSY", "Too many requests in progress");
	return true;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * s6a_clr.c: Cancel-Location-Request sent by the HSS (TS 29.272 5.2.1.2) to a node that no
 * longer serves the subscriber; asynchronous, the answer or its absence is counted.
 */
#include "hss_int.h"

#include <errno.h>

int hss_s6a_send_clr(const char *imsi, const char *mme_host, const char *mme_realm,
                     uint32_t cancellation_type, uint32_t clr_flags)
{
	struct msg *m = NULL;
	int rc;

	if (!imsi || !mme_host || !mme_host[0])
		return EINVAL;
	if ((rc = hss_req_new("Cancel-Location-Request", imsi, mme_host, mme_realm, &m)) ||
	    (rc = cm_avp_add_i32(m, "Cancellation-Type", (int32_t)cancellation_type)) ||
	    (clr_flags && (rc = cm_avp_add_u32(m, "CLR-Flags", clr_flags)))) {
		atomic_fetch_add_explicit(&hss_stats.cmd[HSS_CMD_CLR].errors, 1, memory_order_relaxed);
		LOG_E("hss: cannot build a CLR for %s: %s", imsi, strerror(rc));
		if (m)
			fd_msg_free(m);
		return rc;
	}
	return hss_req_send(&m, HSS_CMD_CLR, imsi, mme_host);
}

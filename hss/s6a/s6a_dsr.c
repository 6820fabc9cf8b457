/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * s6a_dsr.c: Delete-Subscriber-Data-Request sent by the HSS (TS 29.272 5.2.2.2), with the
 * DSR-Flags saying what the serving node must remove.
 */
#include "hss_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int hss_s6a_send_dsr(const char *imsi, uint32_t dsr_flags)
{
	struct hss_sub *sub = calloc(1, sizeof(*sub));
	struct msg *m = NULL;
	const char *host = NULL, *realm = NULL;
	int rc = EINVAL;

	if (!sub)
		return ENOMEM;
	if (!imsi || (rc = hss_serving_node(imsi, sub, &host, &realm)))
		goto out;
	if ((rc = hss_req_new("Delete-Subscriber-Data-Request", imsi, host, realm, &m)) ||
	    (rc = cm_avp_add_u32(m, "DSR-Flags", dsr_flags))) {
		atomic_fetch_add_explicit(&hss_stats.cmd[HSS_CMD_DSR].errors, 1, memory_order_relaxed);
		LOG_E("hss: cannot build a DSR for %s: %s", imsi, strerror(rc));
		if (m)
			fd_msg_free(m);
		goto out;
	}
	rc = hss_req_send(&m, HSS_CMD_DSR, imsi, host);
out:
	explicit_bzero(sub, sizeof(*sub));   /* K and OP/OPc were read with the rest */
	free(sub);
	return rc;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * s6a_idr.c: Insert-Subscriber-Data-Request sent by the HSS (TS 29.272 5.2.2.1) with the
 * subscriber's full Subscription-Data, to the registered MME (else the SGSN).
 */
#include "hss_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Read the subscriber and pick the serving node; shared with the DSR. */
int hss_serving_node(const char *imsi, struct hss_sub *sub, const char **host,
                     const char **realm)
{
	int rc = hss_db_get_sub(hss_g.db, imsi, sub);

	if (rc)
		return rc;
	if (sub->serving.mme_host[0] && !sub->serving.mme_purged) {
		*host = sub->serving.mme_host;
		*realm = sub->serving.mme_realm;
	} else if (sub->serving.sgsn_host[0] && !sub->serving.sgsn_purged) {
		*host = sub->serving.sgsn_host;
		*realm = sub->serving.sgsn_realm;
	} else {
		return ENOENT;
	}
	return 0;
}

int hss_s6a_send_idr(const char *imsi, uint32_t idr_flags)
{
	struct hss_sub *sub = calloc(1, sizeof(*sub));
	struct avp *sd = NULL;
	struct msg *m = NULL;
	const char *host = NULL, *realm = NULL;
	int rc = EINVAL;

	if (!sub)
		return ENOMEM;
	if (!imsi || (rc = hss_serving_node(imsi, sub, &host, &realm)))
		goto out;
	if ((rc = hss_req_new("Insert-Subscriber-Data-Request", imsi, host, realm, &m)) ||
	    (rc = hss_subdata_new(sub, &sd)) ||
	    (rc = fd_msg_avp_add(m, MSG_BRW_LAST_CHILD, sd)))
		goto fail;
	sd = NULL;
	if (idr_flags && (rc = cm_avp_add_u32(m, "IDR-Flags", idr_flags)))
		goto fail;
	rc = hss_req_send(&m, HSS_CMD_IDR, imsi, host);
	goto out;
fail:
	atomic_fetch_add_explicit(&hss_stats.cmd[HSS_CMD_IDR].errors, 1, memory_order_relaxed);
	LOG_E("hss: cannot build an IDR for %s: %s", imsi, strerror(rc));
	if (sd)
		fd_msg_free(sd);
	if (m)
		fd_msg_free(m);
out:
	explicit_bzero(sub, sizeof(*sub));   /* K and OP/OPc were read with the rest */
	free(sub);
	return rc;
}

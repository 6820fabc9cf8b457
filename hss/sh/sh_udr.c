/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sh_udr.c: User-Data-Request (TS 29.328 6.1.1 Sh-Pull, TS 29.329 6.1.1), an application
 * server reading data of a user. In the order of TS 29.328 6.1.1.1, the first failure
 * answering:
 *   - malformed: 5005 MISSING_AVP for a conditional AVP the Data-Reference needs
 *     (Service-Indication for RepositoryData, Server-Name for InitialFilterCriteria and DSAI,
 *     Requested-Domain or Requested-Nodes for LocationInformation and UserState), 5004 for a
 *     value TS 29.329 does not define;
 *   - the AS permission list (sh.application_servers: the AS of the Origin-Host, its `read`
 *     Data-References and `service_indications`): 5102 USER_DATA_CANNOT_BE_READ;
 *   - the user: 5001 USER_UNKNOWN;
 *   - the kind of identity (table 7.6.1 access keys: PSIActivation of a PSI, no location of
 *     a PSI, by MSISDN only identities, location, user state, charging, MSISDN): 5101
 *     OPERATION_NOT_ALLOWED;
 *   - the data (5108 DSAI_NOT_AVAILABLE for a DSAI-Tag the AS does not have).
 * The UDA carries the Sh-Data (sh_data.c) in User-Data, and the wildcard of the identity
 * when it is one. A database fault is 5012.
 */
#include "sh_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void udr_process(const struct sh_in *in, const struct hss_cfg *cfg, struct hss_res *res,
                        struct avp **body)
{
	const struct hss_sh_as *as = hss_sh_as_find(&cfg->sh, in->origin_host);
	struct sh_user u = { 0 };
	char *xml = NULL;
	size_t len = 0;

	for (size_t i = 0; i < in->n_drefs; i++) {
		uint32_t d = in->drefs[i];

		if (d == HSS_IMS_DREF_REPOSITORY_DATA && !in->n_si) {
			hss_res_set(res, HSS_RC_MISSING_AVP, false);
			res->missing = "Service-Indication";
			return;
		}
		if ((d == HSS_IMS_DREF_INITIAL_FILTER_CRITERIA || d == HSS_IMS_DREF_DSAI) &&
		    !in->server_name[0]) {
			hss_res_set(res, HSS_RC_MISSING_AVP, false);
			res->missing = "Server-Name";
			return;
		}
		if ((d == HSS_IMS_DREF_LOCATION_INFORMATION || d == HSS_IMS_DREF_USER_STATE) &&
		    in->requested_domain < 0 && !in->nodes_sent) {
			hss_res_set(res, HSS_RC_MISSING_AVP, false);
			res->missing = "Requested-Domain";
			return;
		}
	}
	/* 1. the AS permission list */
	for (size_t i = 0; i < in->n_drefs; i++)
		if (!as || in->drefs[i] > 31 || !(as->read & (1u << in->drefs[i]))) {
			hss_res_set(res, SH_ERROR_USER_DATA_CANNOT_BE_READ, true);
			return;
		}
	if (as && (as->read & 1u))
		for (size_t i = 0; i < in->n_si; i++)
			if (!hss_sh_as_si_allowed(as, in->si[i], in->si_len[i])) {
				hss_res_set(res, SH_ERROR_USER_DATA_CANNOT_BE_READ, true);
				return;
			}
	/* 2. the user */
	if (sh_find_user(in, &u, res))
		return;
	/* 3. the data applies to this kind of identity */
	for (size_t i = 0; i < in->n_drefs; i++)
		if (!sh_dref_applies(&u, in->drefs[i])) {
			hss_res_set(res, SH_ERROR_OPERATION_NOT_ALLOWED, true);
			goto out;
		}
	if (sh_build_data(in, &u, cfg, &xml, &len, res))
		goto out;
	hss_res_set(res, HSS_RC_SUCCESS, false);
	body[1] = sh_avp_wildcard(&u);
	body[2] = sh_avp_os("User-Data-29.329", xml, len);
	if (!body[2])
		hss_res_set(res, HSS_RC_UNABLE_TO_COMPLY, false);
out:
	free(xml);
	sh_user_release(&u);
}

int sh_udr_cb(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
              enum disp_action *act)
{
	struct hss_res res = { .code = HSS_RC_UNABLE_TO_COMPLY };
	struct avp *body[3] = { NULL };
	struct hss_snap *snap = hss_snap_get();
	struct sh_in *in = calloc(1, sizeof(*in));
	int rc;

	(void)avp, (void)sess, (void)opaque;
	atomic_fetch_add_explicit(&hss_stats.cmd[HSS_CMD_UDR].requests, 1, memory_order_relaxed);
	if (!snap || !in)
		goto answer;
	if (sh_read_request(*msg, SH_READ_SELECTORS | SH_READ_LOCATION, in, &res))
		goto answer;
	body[0] = sh_avp_features(in);
	udr_process(in, &snap->cfg, &res, body);
answer:
	*act = DISP_ACT_CONT;
	rc = sh_answer(msg, HSS_CMD_UDR, &res, body, 3);
	free(in);
	hss_snap_unref(snap);
	return rc;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sh.c: the AVPs of the Sh requests dclient sends (TS 29.328/29.329): UDR, PUR (pur-sh) and
 * SNR, in the order of their ABNF. The user is named by User-Identity { Public-Identity } or
 * { MSISDN } (TBCD encoded); the selectors (Service-Indication, Server-Name, Identity-Set,
 * DSAI-Tag, Requested-Domain/-Nodes, Current-Location, Serving-Node-Indication) and SNR's
 * Expiry-Time, Send-Data-Indication and One-Time-Notification come from options.
 */
#include "dclient.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int dc_user_identity(const struct dc_opts *o, const char *imsi, struct msg *m)
{
	struct avp *g;
	char buf[512];
	int rc;
	if ((rc = cm_avp_add_group(m, "User-Identity", &g)))
		return rc;
	if (o->impu) {
		if (dc_subst(o->impu, imsi, buf, sizeof(buf)))
			return ENOSPC;
		return cm_avp_add_str(g, "Public-Identity", buf);
	}
	uint8_t tbcd[32];
	size_t len;
	if (dc_subst(o->msisdn, imsi, buf, sizeof(buf)) ||
	    cm_tbcd_encode(buf, strlen(buf), tbcd, sizeof(tbcd), &len)) {
		fprintf(stderr, "dclient: --msisdn '%s' is not a digit string\n", o->msisdn);
		return EINVAL;
	}
	return cm_avp_add_os(g, "MSISDN", tbcd, len);
}

static int dc_data_refs(const struct dc_opts *o, struct msg *m)
{
	int rc;
	if (!o->n_data_ref) /* the ABNFs want at least one: RepositoryData (0) */
		return cm_avp_add_i32(m, "Data-Reference", 0);
	for (size_t i = 0; i < o->n_data_ref; i++)
		if ((rc = cm_avp_add_i32(m, "Data-Reference", (int32_t)o->data_ref[i])))
			return rc;
	return 0;
}

static int dc_user_data(const struct dc_opts *o, struct msg *m)
{
	const char *s = o->user_data;
	if (s[0] != '@')
		return cm_avp_add_os(m, "User-Data-29.329", s, strlen(s));
	FILE *f = fopen(s + 1, "rb");
	char *buf = NULL;
	size_t len = 0;
	int rc = 0;
	if (!f) {
		rc = errno;
		fprintf(stderr, "dclient: --user-data %s: %s\n", s + 1, strerror(rc));
		return rc;
	}
	buf = malloc(1 << 20);
	if (!buf) {
		rc = ENOMEM;
		goto out;
	}
	len = fread(buf, 1, 1 << 20, f);
	rc = cm_avp_add_os(m, "User-Data-29.329", buf, len);
out:
	free(buf);
	fclose(f);
	return rc;
}

static int dc_sh_features(const struct dc_opts *o, struct msg *m)
{
	struct avp *g;
	struct avp_hdr *h = NULL;
	int rc;
	if (o->sh_features < 0)
		return 0;
	if ((rc = cm_avp_add_group(m, "Supported-Features", &g)) ||
	    (rc = cm_avp_add_u32(g, "Vendor-Id", DC_VENDOR_3GPP)) ||
	    (rc = cm_avp_add_u32(g, "Feature-List-ID", 1)) ||
	    (rc = cm_avp_add_u32(g, "Feature-List", (uint32_t)o->sh_features)))
		return rc;
	/* M set: the features are required (TS 29.229 7.2.1) */
	if (!fd_msg_avp_hdr(g, &h) && h)
		h->avp_flags |= AVP_FLAG_MANDATORY;
	return 0;
}

/* Expiry-Time: seconds since 1900 (NTP), 4 octets. */
static int dc_expiry(const struct dc_opts *o, struct msg *m)
{
	uint64_t ntp = (uint64_t)time(NULL) + 2208988800ull + (uint64_t)o->expiry;
	uint8_t b[4] = { (uint8_t)(ntp >> 24), (uint8_t)(ntp >> 16), (uint8_t)(ntp >> 8), (uint8_t)ntp };
	return cm_avp_add_os(m, "Expiry-Time", b, 4);
}

int dc_sh_fill(const struct dc_opts *o, const char *imsi, struct msg *m)
{
	int rc;
	if ((rc = dc_sh_features(o, m)) || (rc = dc_user_identity(o, imsi, m)))
		return rc;
	if (o->wildcard && (rc = cm_avp_add_str(m, "Wildcarded-Public-Identity", o->wildcard)))
		return rc;
	if (o->cmd == DC_SNR && o->send_data && (rc = cm_avp_add_i32(m, "Send-Data-Indication", 1)))
		return rc;
	if (o->cmd == DC_SNR && (rc = cm_avp_add_i32(m, "Subs-Req-Type", (int32_t)o->subs_req_type)))
		return rc;
	if ((rc = dc_data_refs(o, m)))
		return rc;
	if (o->service_indication &&
	    (rc = cm_avp_add_os(m, "Service-Indication", o->service_indication, strlen(o->service_indication))))
		return rc;
	for (size_t i = 0; i < o->n_service_inds; i++)
		if ((rc = cm_avp_add_os(m, "Service-Indication", o->service_inds[i], strlen(o->service_inds[i]))))
			return rc;
	if (o->server_name && (rc = cm_avp_add_str(m, "Server-Name", o->server_name)))
		return rc;
	for (uint32_t b = 0; b < 4; b++)
		if ((o->identity_sets & (1u << b)) && (rc = cm_avp_add_i32(m, "Identity-Set", (int32_t)b)))
			return rc;
	if (o->requested_domain >= 0 && (rc = cm_avp_add_i32(m, "Requested-Domain", (int32_t)o->requested_domain)))
		return rc;
	if (o->current_location >= 0 && (rc = cm_avp_add_i32(m, "Current-Location", (int32_t)o->current_location)))
		return rc;
	if (o->cmd == DC_SNR && o->expiry >= 0 && (rc = dc_expiry(o, m)))
		return rc;
	for (size_t i = 0; i < o->n_dsai_tags; i++)
		if ((rc = cm_avp_add_os(m, "DSAI-Tag", o->dsai_tags[i], strlen(o->dsai_tags[i]))))
			return rc;
	if (o->cmd == DC_SNR && o->one_time && (rc = cm_avp_add_i32(m, "One-Time-Notification", 0)))
		return rc;
	if (o->requested_nodes >= 0 && (rc = cm_avp_add_u32(m, "Requested-Nodes", (uint32_t)o->requested_nodes)))
		return rc;
	if (o->serving_node && (rc = cm_avp_add_i32(m, "Serving-Node-Indication", 0)))
		return rc;
	if (o->cmd == DC_PUR_SH)
		rc = dc_user_data(o, m);
	return rc;
}

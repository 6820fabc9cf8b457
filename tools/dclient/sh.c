/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sh.c: the AVPs of the Sh requests dclient sends (TS 29.328/29.329): UDR, PUR (pur-sh) and
 * SNR. The user is named by User-Identity { Public-Identity } or { MSISDN } (TBCD encoded).
 */
#include "dclient.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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

int dc_sh_fill(const struct dc_opts *o, const char *imsi, struct msg *m)
{
	int rc;
	if ((rc = dc_user_identity(o, imsi, m)))
		return rc;
	if (o->cmd == DC_SNR && (rc = cm_avp_add_i32(m, "Subs-Req-Type", (int32_t)o->subs_req_type)))
		return rc;
	if ((rc = dc_data_refs(o, m)))
		return rc;
	if (o->service_indication &&
	    (rc = cm_avp_add_os(m, "Service-Indication", o->service_indication, strlen(o->service_indication))))
		return rc;
	if (o->server_name && (rc = cm_avp_add_str(m, "Server-Name", o->server_name)))
		return rc;
	if (o->cmd == DC_PUR_SH)
		rc = dc_user_data(o, m);
	return rc;
}

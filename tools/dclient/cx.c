/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cx.c: the AVPs of the Cx requests dclient sends (TS 29.228/29.229): UAR, MAR, SAR, LIR.
 * Identities may contain "{imsi}", replaced by the current IMSI in load mode.
 */
#include "dclient.h"

#include <errno.h>
#include <string.h>

static int dc_add_id(struct msg *m, const char *avp, const char *tmpl, const char *imsi)
{
	char buf[512];
	if (!tmpl)
		return 0;
	if (dc_subst(tmpl, imsi, buf, sizeof(buf)))
		return ENOSPC;
	return cm_avp_add_str(m, avp, buf);
}

static int dc_server_name(const struct dc_opts *o, struct msg *m)
{
	char def[300];
	if (o->server_name)
		return cm_avp_add_str(m, "Server-Name", o->server_name);
	snprintf(def, sizeof(def), "sip:scscf.%s", o->dest_realm);
	return cm_avp_add_str(m, "Server-Name", def);
}

int dc_cx_fill(const struct dc_opts *o, const char *imsi, struct msg *m)
{
	struct avp *g;
	int rc = 0;
	switch (o->cmd) {
	case DC_UAR:
		if ((rc = dc_add_id(m, "User-Name", o->impi, imsi)) ||
		    (rc = dc_add_id(m, "Public-Identity", o->impu, imsi)) ||
		    (rc = cm_avp_add_str(m, "Visited-Network-Identifier",
		                         o->visited_network ? o->visited_network : o->dest_realm)))
			return rc;
		if (o->auth_type >= 0 &&
		    (rc = cm_avp_add_i32(m, "User-Authorization-Type", (int32_t)o->auth_type)))
			return rc;
		if (o->uar_flags >= 0)
			rc = cm_avp_add_u32(m, "UAR-Flags", (uint32_t)o->uar_flags);
		return rc;
	case DC_MAR:
		if ((rc = dc_add_id(m, "User-Name", o->impi, imsi)) ||
		    (rc = dc_add_id(m, "Public-Identity", o->impu, imsi)) ||
		    (rc = cm_avp_add_u32(m, "SIP-Number-Auth-Items", o->items)) ||
		    (rc = cm_avp_add_group(m, "SIP-Auth-Data-Item", &g)) ||
		    (rc = cm_avp_add_str(g, "SIP-Authentication-Scheme",
		                         o->scheme ? o->scheme : "Digest-AKAv1-MD5")))
			return rc;
		if (o->resync) {
			uint8_t rs[30];
			if (dc_resync_decode(o->resync, rs)) {
				fprintf(stderr, "dclient: --resync: RAND (32 hex digits):AUTS (28 hex digits)\n");
				return EINVAL;
			}
			if ((rc = cm_avp_add_os(g, "SIP-Authorization", rs, sizeof(rs))))
				return rc;
		}
		return dc_server_name(o, m);
	case DC_SAR:
		if ((rc = dc_add_id(m, "User-Name", o->impi, imsi)) ||
		    (rc = dc_add_id(m, "Public-Identity", o->impu, imsi)) || (rc = dc_server_name(o, m)) ||
		    (rc = cm_avp_add_i32(m, "Server-Assignment-Type", (int32_t)o->assignment_type)) ||
		    (rc = cm_avp_add_i32(m, "User-Data-Already-Available", (int32_t)o->udaa)))
			return rc;
		return 0;
	case DC_LIR:
		if ((rc = dc_add_id(m, "Public-Identity", o->impu, imsi)))
			return rc;
		if (o->auth_type >= 0)
			rc = cm_avp_add_i32(m, "User-Authorization-Type", (int32_t)o->auth_type);
		return rc;
	default:
		return EINVAL;
	}
}

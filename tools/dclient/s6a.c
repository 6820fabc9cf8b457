/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * s6a.c: the AVPs of the S6a requests dclient sends (TS 29.272): AIR, ULR, PUR, NOR. The
 * common head (Session-Id, Origin, Destination, ...) is added by req.c.
 */
#include "dclient.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* RAND_HEX:AUTS_HEX -> RAND || AUTS, the 30 octets of Re-Synchronization-Info. */
int dc_resync_decode(const char *s, uint8_t out[30])
{
	const char *colon = s ? strchr(s, ':') : NULL;
	char rand_hex[33];
	if (!colon || colon - s != 32)
		return EINVAL;
	memcpy(rand_hex, s, 32);
	rand_hex[32] = 0;
	if (cm_hex_decode(rand_hex, out, 16) || cm_hex_decode(colon + 1, out + 16, 14))
		return EINVAL;
	return 0;
}

static const struct {
	const char *name;
	int32_t value;
} dc_rats[] = {
	{ "wlan", 0 }, { "virtual", 1 }, { "utran", 1000 }, { "geran", 1001 }, { "gan", 1002 },
	{ "hspa-evolution", 1003 }, { "eutran", 1004 }, { "eutran-nb-iot", 1005 }, { "nr", 1006 },
	{ "cdma2000-1x", 2000 }, { "hrpd", 2001 }, { "umb", 2002 }, { "ehrpd", 2003 },
};

static int dc_rat(const char *s, int32_t *ret)
{
	if (!s) {
		*ret = 1004;
		return 0;
	}
	for (size_t i = 0; i < sizeof(dc_rats) / sizeof(dc_rats[0]); i++)
		if (!strcasecmp(s, dc_rats[i].name)) {
			*ret = dc_rats[i].value;
			return 0;
		}
	char *end;
	long v = strtol(s, &end, 10);
	if (end == s || *end || v < 0 || v > INT32_MAX)
		return EINVAL;
	*ret = (int32_t)v;
	return 0;
}

static int dc_vplmn(const struct dc_opts *o, struct msg *m)
{
	uint8_t plmn[3];
	if (cm_plmn_encode(o->visited_plmn, plmn)) {
		fprintf(stderr, "dclient: --visited-plmn '%s' is not MCCMNC (5 or 6 digits)\n", o->visited_plmn);
		return EINVAL;
	}
	return cm_avp_add_os(m, "Visited-PLMN-Id", plmn, 3);
}

static int dc_air(const struct dc_opts *o, struct msg *m)
{
	uint8_t resync[30];
	bool have_resync = false;
	struct avp *g;
	int rc;
	if (o->resync) {
		if (dc_resync_decode(o->resync, resync)) {
			fprintf(stderr, "dclient: --resync: RAND (32 hex digits):AUTS (28 hex digits)\n");
			return EINVAL;
		}
		have_resync = true;
	}
	if (o->vectors || (!o->utran && (have_resync || o->immediate))) {
		if ((rc = cm_avp_add_group(m, "Requested-EUTRAN-Authentication-Info", &g)) ||
		    (rc = cm_avp_add_u32(g, "Number-Of-Requested-Vectors", o->vectors)))
			return rc;
		if (o->immediate && (rc = cm_avp_add_u32(g, "Immediate-Response-Preferred", 0)))
			return rc;
		if (have_resync && (rc = cm_avp_add_os(g, "Re-Synchronization-Info", resync, 30)))
			return rc;
		have_resync = false;
	}
	if (o->utran) {
		if ((rc = cm_avp_add_group(m, "Requested-UTRAN-GERAN-Authentication-Info", &g)) ||
		    (rc = cm_avp_add_u32(g, "Number-Of-Requested-Vectors", o->utran)))
			return rc;
		if (o->immediate && (rc = cm_avp_add_u32(g, "Immediate-Response-Preferred", 0)))
			return rc;
		if (have_resync && (rc = cm_avp_add_os(g, "Re-Synchronization-Info", resync, 30)))
			return rc;
	}
	return dc_vplmn(o, m);
}

static int dc_ulr(const struct dc_opts *o, struct msg *m)
{
	int32_t rat;
	int rc;
	if (dc_rat(o->rat_type, &rat)) {
		fprintf(stderr, "dclient: --rat-type '%s': eutran, utran, geran, nr, wlan, ... or a number\n",
		        o->rat_type);
		return EINVAL;
	}
	if ((rc = cm_avp_add_i32(m, "RAT-Type", rat)) || (rc = cm_avp_add_u32(m, "ULR-Flags", o->ulr_flags)))
		return rc;
	if (o->ue_srvcc >= 0 && (rc = cm_avp_add_i32(m, "UE-SRVCC-Capability", o->ue_srvcc)))
		return rc;
	return dc_vplmn(o, m);
}

int dc_s6a_fill(const struct dc_opts *o, const char *imsi, struct msg *m)
{
	int rc;
	if (!imsi)
		imsi = o->imsi;
	if ((rc = dc_req_user_name(m, imsi)))
		return rc;
	switch (o->cmd) {
	case DC_AIR:
		return dc_air(o, m);
	case DC_ULR:
		return dc_ulr(o, m);
	case DC_PUR:
		return o->pur_flags >= 0 ? cm_avp_add_u32(m, "PUR-Flags", (uint32_t)o->pur_flags) : 0;
	case DC_NOR:
		return o->nor_flags >= 0 ? cm_avp_add_u32(m, "NOR-Flags", (uint32_t)o->nor_flags) : 0;
	default:
		return EINVAL;
	}
}

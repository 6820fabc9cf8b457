/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dict_common.c: AVPs that S6a (TS 29.272), Cx (TS 29.229) and Sh (TS 29.329) all use and
 * that freeDiameter 1.2.1's base dictionary lacks: 3GPP feature negotiation
 * (Supported-Features, TS 29.229 6.3.29-31), MSISDN (TS 29.329 6.3.2), the ciphering and
 * integrity keys shared by S6a UTRAN-Vector and Cx SIP-Auth-Data-Item (TS 29.229 6.3.23-24),
 * and the IETF AVPs every Rel-15 command ABNF carries: DRMP (RFC 7944), overload control
 * OC-* (RFC 7683, with the peer report extension of RFC 8581) and load information Load
 * (RFC 8583).
 *
 * Flags follow the specs' flag tables; where Debian's dict_dcca_3gpp.fdx defines the same
 * AVP, they equal its definition so that both can be loaded in either order.
 */
#include "dict_int.h"

#define V3 DICT_VENDOR_3GPP
#define VM (DICT_V | DICT_M)
#define UTF8 AVP_TYPE_OCTETSTRING, DICT_T_UTF8, NULL
#define OCTS AVP_TYPE_OCTETSTRING, DICT_T_NONE, NULL
#define U32 AVP_TYPE_UNSIGNED32, DICT_T_NONE, NULL
#define U64 AVP_TYPE_UNSIGNED64, DICT_T_NONE, NULL
#define GRP AVP_TYPE_GROUPED, DICT_T_NONE, NULL
#define DIAMID AVP_TYPE_OCTETSTRING, DICT_T_DIAMID, NULL
#define ENUM(e) AVP_TYPE_INTEGER32, DICT_T_ENUM, e

static const struct dict_enum_def drmp_enums[] = {
	{ "PRIORITY_0", 0 }, { "PRIORITY_1", 1 }, { "PRIORITY_2", 2 }, { "PRIORITY_3", 3 },
	{ "PRIORITY_4", 4 }, { "PRIORITY_5", 5 }, { "PRIORITY_6", 6 }, { "PRIORITY_7", 7 },
	{ "PRIORITY_8", 8 }, { "PRIORITY_9", 9 }, { "PRIORITY_10", 10 }, { "PRIORITY_11", 11 },
	{ "PRIORITY_12", 12 }, { "PRIORITY_13", 13 }, { "PRIORITY_14", 14 }, { "PRIORITY_15", 15 },
	{ NULL, 0 }
};

static const struct dict_enum_def oc_report_type_enums[] = {
	{ "HOST_REPORT", 0 }, { "REALM_REPORT", 1 }, { "PEER_REPORT", 2 }, { NULL, 0 }  /* 2: RFC 8581 */
};

static const struct dict_enum_def load_type_enums[] = {
	{ "HOST", 0 }, { "PEER", 1 }, { NULL, 0 }
};

/* IETF AVPs: the M bit is "may" (not fixed), V must not be set. */
static const struct dict_avp_def common_avps[] = {
	{ 301, 0, "DRMP", 0, DICT_V, ENUM(drmp_enums) },
	{ 621, 0, "OC-Supported-Features", 0, DICT_V, GRP },
	{ 622, 0, "OC-Feature-Vector", 0, DICT_V, U64 },
	{ 623, 0, "OC-OLR", 0, DICT_V, GRP },
	{ 624, 0, "OC-Sequence-Number", 0, DICT_V, U64 },
	{ 625, 0, "OC-Validity-Duration", 0, DICT_V, U32 },
	{ 626, 0, "OC-Report-Type", 0, DICT_V, ENUM(oc_report_type_enums) },
	{ 627, 0, "OC-Reduction-Percentage", 0, DICT_V, U32 },
	{ 648, 0, "OC-Peer-Algo", 0, DICT_V, U64 },      /* RFC 8581 */
	{ 649, 0, "SourceID", 0, DICT_V, DIAMID },
	{ 650, 0, "Load", 0, DICT_V, GRP },
	{ 651, 0, "Load-Type", 0, DICT_V, ENUM(load_type_enums) },
	{ 652, 0, "Load-Value", 0, DICT_V, U64 },

	{ 625, V3, "Confidentiality-Key", VM, VM, OCTS },
	{ 626, V3, "Integrity-Key", VM, VM, OCTS },
	/* TS 29.229 table 6.3.1: Supported-Features M bit "may", so only V is fixed. */
	{ 628, V3, "Supported-Features", DICT_V, DICT_V, GRP },
	{ 629, V3, "Feature-List-ID", DICT_V, VM, U32 },
	{ 630, V3, "Feature-List", DICT_V, VM, U32 },
	{ 701, V3, "MSISDN", VM, VM, OCTS },
	{ 0, 0, NULL, 0, 0, 0, 0, NULL }
};

#define REQ(n) { n, RULE_REQUIRED, -1, 1 }
#define OPT(n) { n, RULE_OPTIONAL, -1, 1 }
#define END { NULL, 0, 0, 0 }

static const struct dict_rule_def supported_features_rules[] = {
	REQ("Vendor-Id"), REQ("Feature-List-ID"), REQ("Feature-List"), END
};
static const struct dict_rule_def oc_supported_features_rules[] = {
	OPT("OC-Feature-Vector"), OPT("SourceID"), OPT("OC-Peer-Algo"), END
};
static const struct dict_rule_def oc_olr_rules[] = {
	REQ("OC-Sequence-Number"), REQ("OC-Report-Type"), OPT("OC-Reduction-Percentage"),
	OPT("OC-Validity-Duration"), OPT("SourceID"), END
};
static const struct dict_rule_def load_rules[] = {
	OPT("Load-Type"), OPT("Load-Value"), OPT("SourceID"), END
};

static const struct dict_group_def common_groups[] = {
	{ "Supported-Features", supported_features_rules },
	{ "OC-Supported-Features", oc_supported_features_rules },
	{ "OC-OLR", oc_olr_rules },
	{ "Load", load_rules },
	{ NULL, NULL }
};

const struct dict_app_def dict_common_def = {
	.name = "3GPP common AVPs",
	.app_id = 0,
	.vendor = DICT_VENDOR_3GPP,
	.avps = common_avps,
	.groups = common_groups,
	.cmds = NULL,
};

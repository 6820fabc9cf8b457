/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dict_sh.c: the Sh application (3GPP TS 29.328 / TS 29.329, application 16777217) as
 * constant tables: every AVP of TS 29.329 clause 6.3 (up to Release 18), External-Identifier
 * from TS 29.336, the grouped AVP grammars and the eight commands.
 *
 * Sh reuses Cx AVPs (Public-Identity, Server-Name, Wildcarded-Public-Identity,
 * Wildcarded-IMPU, Session-Priority): they are defined once, in dict_cx.c, and only
 * referenced here, because dict_sh_load() and dict_sh.fdx install the Cx table first.
 * MSISDN, Supported-Features, DRMP, the overload-control and Load AVPs live in
 * dict_common.c; RFC 6733 AVPs come from freeDiameter's base dictionary.
 *
 * Naming: TS 29.329 calls AVP 702 "User-Data", the name TS 29.229 already gives AVP 606,
 * and freeDiameter keeps AVP names unique per vendor. 702 is "User-Data-29.329", the name
 * Debian's dict_dcca_3gpp.fdx gives it: freeDiameter refuses a second definition of a code
 * under another name, so any other choice would make that extension fail to load after
 * this table (and the name would depend on load order). Code that builds or reads Sh
 * User-Data is safest looking it up by code (702, vendor 10415).
 *
 * Flag rules follow the AVP table of TS 29.329 clause 6.3: "Must" -> fixed set, "Must not"
 * -> fixed clear. Only M and V are constrained, as in Debian's dict_dcca_3gpp.fdx.
 */
#include "dict_ims_tab.h"

/* ---------------------------------------------------------------------------------------
 * Enumerated values (TS 29.329 clause 6.3)
 * ------------------------------------------------------------------------------------- */

/* Values 1 to 9 are not defined and 20 is reserved (it was AliasesRepositoryData). */
static const struct dict_enum_def data_reference[] = {
	{ "RepositoryData", 0 },
	{ "IMSPublicIdentity", 10 },
	{ "IMSUserState", 11 },
	{ "S-CSCFName", 12 },
	{ "InitialFilterCriteria", 13 },
	{ "LocationInformation", 14 },
	{ "UserState", 15 },
	{ "ChargingInformation", 16 },
	{ "MSISDN", 17 },
	{ "PSIActivation", 18 },
	{ "DSAI", 19 },
	{ "ServiceLevelTraceInfo", 21 },
	{ "IPAddressSecureBindingInformation", 22 },
	{ "ServicePriorityLevel", 23 },
	{ "SMSRegistrationInfo", 24 },
	{ "UEReachabilityForIP", 25 },
	{ "TADSinformation", 26 },
	{ "STN-SR", 27 },
	{ "UE-SRVCC-Capability", 28 },
	{ "ExtendedPriority", 29 },
	{ "CSRN", 30 },
	{ "ReferenceLocationInformation", 31 },
	{ "IMSI", 32 },
	{ "IMSPrivateUserIdentity", 33 },
	{ "IMEISV", 34 },
	{ "UE-5G-SRVCC-Capability", 35 },
	{ NULL, 0 }
};

static const struct dict_enum_def subs_req_type[] = {
	{ "Subscribe", 0 },
	{ "Unsubscribe", 1 },
	{ NULL, 0 }
};

static const struct dict_enum_def requested_domain[] = {
	{ "CS-Domain", 0 },
	{ "PS-Domain", 1 },
	{ NULL, 0 }
};

static const struct dict_enum_def current_location[] = {
	{ "DoNotNeedInitiateActiveLocationRetrieval", 0 },
	{ "InitiateActiveLocationRetrieval", 1 },
	{ NULL, 0 }
};

static const struct dict_enum_def identity_set[] = {
	{ "ALL_IDENTITIES", 0 },
	{ "REGISTERED_IDENTITIES", 1 },
	{ "IMPLICIT_IDENTITIES", 2 },
	{ "ALIAS_IDENTITIES", 3 },
	{ NULL, 0 }
};

static const struct dict_enum_def send_data_indication[] = {
	{ "USER_DATA_NOT_REQUESTED", 0 },
	{ "USER_DATA_REQUESTED", 1 },
	{ NULL, 0 }
};

static const struct dict_enum_def one_time_notification[] = {
	{ "ONE_TIME_NOTIFICATION_REQUESTED", 0 },
	{ NULL, 0 }
};

static const struct dict_enum_def serving_node_indication[] = {
	{ "ONLY_SERVING_NODES_REQUIRED", 0 },
	{ NULL, 0 }
};

static const struct dict_enum_def pre_paging_supported[] = {
	{ "PREPAGING_NOT_SUPPORTED", 0 },
	{ "PREPAGING_SUPPORTED", 1 },
	{ NULL, 0 }
};

static const struct dict_enum_def local_time_zone_indication[] = {
	{ "ONLY_LOCAL_TIME_ZONE_REQUESTED", 0 },
	{ "LOCAL_TIME_ZONE_WITH_LOCATION_INFO_REQUESTED", 1 },
	{ NULL, 0 }
};

/* ---------------------------------------------------------------------------------------
 * AVPs
 * ------------------------------------------------------------------------------------- */

static const struct dict_avp_def sh_avps[] = {
	/* TS 29.329 clause 6.3: M and V both "must" (701 MSISDN is in dict_common.c) */
	AVP_MV(700, "User-Identity", GRP),
	AVP_MV(702, "User-Data-29.329", OSTR),
	AVP_MV(703, "Data-Reference", ENUM(data_reference)),
	AVP_MV(704, "Service-Indication", OSTR),
	AVP_MV(705, "Subs-Req-Type", ENUM(subs_req_type)),
	AVP_MV(706, "Requested-Domain", ENUM(requested_domain)),
	AVP_MV(707, "Current-Location", ENUM(current_location)),
	AVP_MV(711, "DSAI-Tag", OSTR),

	/* V "must", M "must not" */
	AVP_V(708, "Identity-Set", ENUM(identity_set)),
	AVP_V(709, "Expiry-Time", TIME),
	AVP_V(710, "Send-Data-Indication", ENUM(send_data_indication)),
	AVP_V(712, "One-Time-Notification", ENUM(one_time_notification)),
	AVP_V(713, "Requested-Nodes", U32),
	AVP_V(714, "Serving-Node-Indication", ENUM(serving_node_indication)),
	AVP_V(715, "Repository-Data-ID", GRP),
	AVP_V(716, "Sequence-Number", U32),
	AVP_V(717, "Pre-paging-Supported", ENUM(pre_paging_supported)),
	AVP_V(718, "Local-Time-Zone-Indication", ENUM(local_time_zone_indication)),
	AVP_V(719, "UDR-Flags", U32),
	AVP_V(720, "Call-Reference-Info", GRP),
	AVP_V(721, "Call-Reference-Number", OSTR),
	AVP_V(722, "AS-Number", OSTR),

	/* TS 29.336 6.4.11, table 6.4.1/1: M and V "must". dict_s6a.c defines it too, the same
	 * way: freeDiameter holds one definition per code, so whichever table is loaded first,
	 * the dictionary is the same. */
	{ 3111, DICT_VENDOR_3GPP, "External-Identifier", FLAGS_MV, FLAGS_MV, UTF8 },

	{ 0, 0, NULL, 0, 0, 0, 0, NULL }
};

/* ---------------------------------------------------------------------------------------
 * Grouped AVP grammars (TS 29.329 clause 6.3)
 * ------------------------------------------------------------------------------------- */

static const struct dict_rule_def user_identity[] = {
	OPT("Public-Identity"),
	OPT("MSISDN"),
	OPT("External-Identifier"),
	RULES_END
};

static const struct dict_rule_def repository_data_id[] = {
	REQ("Service-Indication"),
	REQ("Sequence-Number"),
	RULES_END
};

static const struct dict_rule_def call_reference_info[] = {
	REQ("Call-Reference-Number"),
	REQ("AS-Number"),
	RULES_END
};

static const struct dict_group_def sh_groups[] = {
	{ "User-Identity", user_identity },
	{ "Repository-Data-ID", repository_data_id },
	{ "Call-Reference-Info", call_reference_info },
	{ NULL, NULL }
};

/* ---------------------------------------------------------------------------------------
 * Commands (TS 29.329 clause 6.1). Every request and answer is proxiable (PXY).
 * ------------------------------------------------------------------------------------- */

static const struct dict_rule_def udr[] = { /* 6.1.1 */
	FIXED("Session-Id"),
	OPT("DRMP"),
	REQ("Vendor-Specific-Application-Id"),
	REQ("Auth-Session-State"),
	REQ("Origin-Host"),
	REQ("Origin-Realm"),
	OPT("Destination-Host"),
	REQ("Destination-Realm"),
	OPTN("Supported-Features"),
	REQ("User-Identity"),
	OPT("Wildcarded-Public-Identity"),
	OPT("Wildcarded-IMPU"),
	OPT("Server-Name"),
	OPTN("Service-Indication"),
	REQN("Data-Reference"),
	OPTN("Identity-Set"),
	OPT("Requested-Domain"),
	OPT("Current-Location"),
	OPTN("DSAI-Tag"),
	OPT("Session-Priority"),
	OPT("User-Name"),
	OPT("Requested-Nodes"),
	OPT("Serving-Node-Indication"),
	OPT("Pre-paging-Supported"),
	OPT("Local-Time-Zone-Indication"),
	OPT("UDR-Flags"),
	OPT("Call-Reference-Info"),
	OPT("OC-Supported-Features"),
	OPTN("Proxy-Info"),
	OPTN("Route-Record"),
	RULES_END
};

static const struct dict_rule_def uda[] = { /* 6.1.2 */
	FIXED("Session-Id"),
	OPT("DRMP"),
	REQ("Vendor-Specific-Application-Id"),
	OPT("Result-Code"),
	OPT("Experimental-Result"),
	REQ("Auth-Session-State"),
	REQ("Origin-Host"),
	REQ("Origin-Realm"),
	OPTN("Supported-Features"),
	OPT("Wildcarded-Public-Identity"),
	OPT("Wildcarded-IMPU"),
	OPT("User-Data-29.329"),
	OPT("OC-Supported-Features"),
	OPT("OC-OLR"),
	OPTN("Load"),
	OPT("Failed-AVP"),
	OPTN("Proxy-Info"),
	OPTN("Route-Record"),
	RULES_END
};

/* More than one Data-Reference only when both ends support Update-Eff-Enhance. */
static const struct dict_rule_def pur[] = { /* 6.1.3 */
	FIXED("Session-Id"),
	OPT("DRMP"),
	REQ("Vendor-Specific-Application-Id"),
	REQ("Auth-Session-State"),
	REQ("Origin-Host"),
	REQ("Origin-Realm"),
	OPT("Destination-Host"),
	REQ("Destination-Realm"),
	OPTN("Supported-Features"),
	REQ("User-Identity"),
	OPT("Wildcarded-Public-Identity"),
	OPT("Wildcarded-IMPU"),
	OPT("User-Name"),
	REQN("Data-Reference"),
	REQ("User-Data-29.329"),
	OPT("OC-Supported-Features"),
	OPTN("Proxy-Info"),
	OPTN("Route-Record"),
	RULES_END
};

static const struct dict_rule_def pua[] = { /* 6.1.4 */
	FIXED("Session-Id"),
	OPT("DRMP"),
	REQ("Vendor-Specific-Application-Id"),
	OPT("Result-Code"),
	OPT("Experimental-Result"),
	REQ("Auth-Session-State"),
	REQ("Origin-Host"),
	REQ("Origin-Realm"),
	OPT("Wildcarded-Public-Identity"),
	OPT("Wildcarded-IMPU"),
	OPT("Repository-Data-ID"),
	OPT("Data-Reference"),
	OPTN("Supported-Features"),
	OPT("OC-Supported-Features"),
	OPT("OC-OLR"),
	OPTN("Load"),
	OPT("Failed-AVP"),
	OPTN("Proxy-Info"),
	OPTN("Route-Record"),
	RULES_END
};

static const struct dict_rule_def snr[] = { /* 6.1.5 */
	FIXED("Session-Id"),
	OPT("DRMP"),
	REQ("Vendor-Specific-Application-Id"),
	REQ("Auth-Session-State"),
	REQ("Origin-Host"),
	REQ("Origin-Realm"),
	OPT("Destination-Host"),
	REQ("Destination-Realm"),
	OPTN("Supported-Features"),
	REQ("User-Identity"),
	OPT("Wildcarded-Public-Identity"),
	OPT("Wildcarded-IMPU"),
	OPTN("Service-Indication"),
	OPT("Send-Data-Indication"),
	OPT("Server-Name"),
	REQ("Subs-Req-Type"),
	REQN("Data-Reference"),
	OPTN("Identity-Set"),
	OPT("Expiry-Time"),
	OPTN("DSAI-Tag"),
	OPT("One-Time-Notification"),
	OPT("User-Name"),
	OPT("OC-Supported-Features"),
	OPTN("Proxy-Info"),
	OPTN("Route-Record"),
	RULES_END
};

static const struct dict_rule_def sna[] = { /* 6.1.6 */
	FIXED("Session-Id"),
	OPT("DRMP"),
	REQ("Vendor-Specific-Application-Id"),
	REQ("Auth-Session-State"),
	OPT("Result-Code"),
	OPT("Experimental-Result"),
	REQ("Origin-Host"),
	REQ("Origin-Realm"),
	OPT("Wildcarded-Public-Identity"),
	OPT("Wildcarded-IMPU"),
	OPTN("Supported-Features"),
	OPT("User-Data-29.329"),
	OPT("Expiry-Time"),
	OPT("OC-Supported-Features"),
	OPT("OC-OLR"),
	OPTN("Load"),
	OPT("Failed-AVP"),
	OPTN("Proxy-Info"),
	OPTN("Route-Record"),
	RULES_END
};

static const struct dict_rule_def pnr[] = { /* 6.1.7 */
	FIXED("Session-Id"),
	OPT("DRMP"),
	REQ("Vendor-Specific-Application-Id"),
	REQ("Auth-Session-State"),
	REQ("Origin-Host"),
	REQ("Origin-Realm"),
	REQ("Destination-Host"),
	REQ("Destination-Realm"),
	OPTN("Supported-Features"),
	REQ("User-Identity"),
	OPT("Wildcarded-Public-Identity"),
	OPT("Wildcarded-IMPU"),
	OPT("User-Name"),
	REQ("User-Data-29.329"),
	OPTN("Proxy-Info"),
	OPTN("Route-Record"),
	RULES_END
};

static const struct dict_rule_def pna[] = { /* 6.1.8 */
	FIXED("Session-Id"),
	OPT("DRMP"),
	REQ("Vendor-Specific-Application-Id"),
	OPT("Result-Code"),
	OPT("Experimental-Result"),
	REQ("Auth-Session-State"),
	REQ("Origin-Host"),
	REQ("Origin-Realm"),
	OPTN("Supported-Features"),
	OPT("Failed-AVP"),
	OPTN("Proxy-Info"),
	OPTN("Route-Record"),
	RULES_END
};

static const struct dict_cmd_def sh_cmds[] = {
	{ "User-Data-Request", 306, true, true, udr },
	{ "User-Data-Answer", 306, false, true, uda },
	{ "Profile-Update-Request", 307, true, true, pur },
	{ "Profile-Update-Answer", 307, false, true, pua },
	{ "Subscribe-Notifications-Request", 308, true, true, snr },
	{ "Subscribe-Notifications-Answer", 308, false, true, sna },
	{ "Push-Notification-Request", 309, true, true, pnr },
	{ "Push-Notification-Answer", 309, false, true, pna },
	{ NULL, 0, false, false, NULL }
};

const struct dict_app_def dict_sh_def = {
	.name = "3GPP Sh",
	.app_id = 16777217,
	.vendor = DICT_VENDOR_3GPP,
	.avps = sh_avps,
	.groups = sh_groups,
	.cmds = sh_cmds,
};

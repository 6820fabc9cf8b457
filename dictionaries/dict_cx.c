/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dict_cx.c: the Cx/Dx application (3GPP TS 29.228 / TS 29.229, application 16777216) as
 * constant tables: every AVP of TS 29.229 clause 6.3 (up to Release 18), the AVPs its
 * grammars borrow from RFC 4740 (SIP digest), RFC 7155 (NASREQ framed addressing) and
 * ETSI ES 283 034 (Line-Identifier), the grouped AVP grammars and the twelve commands.
 *
 * The Sh tables (dict_sh.c) reuse several of these AVPs by name (Public-Identity,
 * Server-Name, Wildcarded-Public-Identity, Wildcarded-IMPU, Session-Priority), so they are
 * defined here once; Sh loading installs Cx first.
 * Supported-Features, Confidentiality-Key, Integrity-Key, DRMP, the overload-control and
 * Load AVPs live in dict_common.c, and RFC 6733 AVPs come from freeDiameter's base
 * dictionary: both are referenced by name.
 *
 * Flag rules follow the AVP table of TS 29.229 clause 6.3: "Must" -> fixed set, "Must not"
 * -> fixed clear, "May" -> left free. Only M and V are constrained, as in Debian's
 * dict_dcca_3gpp.fdx (which defines most of these AVPs too), so that freeDiameter accepts
 * both definitions in either load order.
 */
#include "dict_ims_tab.h"

#define ETSI_VENDOR 13019u /* ETSI: vendor of Line-Identifier (ES 283 034) */

/* ---------------------------------------------------------------------------------------
 * Enumerated values (TS 29.229 clause 6.3)
 * ------------------------------------------------------------------------------------- */

static const struct dict_enum_def server_assignment_type[] = {
	{ "NO_ASSIGNMENT", 0 },
	{ "REGISTRATION", 1 },
	{ "RE_REGISTRATION", 2 },
	{ "UNREGISTERED_USER", 3 },
	{ "TIMEOUT_DEREGISTRATION", 4 },
	{ "USER_DEREGISTRATION", 5 },
	{ "TIMEOUT_DEREGISTRATION_STORE_SERVER_NAME", 6 },
	{ "USER_DEREGISTRATION_STORE_SERVER_NAME", 7 },
	{ "ADMINISTRATIVE_DEREGISTRATION", 8 },
	{ "AUTHENTICATION_FAILURE", 9 },
	{ "AUTHENTICATION_TIMEOUT", 10 },
	{ "DEREGISTRATION_TOO_MUCH_DATA", 11 },
	{ "AAA_USER_DATA_REQUEST", 12 },
	{ "PGW_UPDATE", 13 },
	{ "RESTORATION", 14 },
	{ NULL, 0 }
};

static const struct dict_enum_def reason_code[] = {
	{ "PERMANENT_TERMINATION", 0 },
	{ "NEW_SERVER_ASSIGNED", 1 },
	{ "SERVER_CHANGE", 2 },
	{ "REMOVE_S-CSCF", 3 },
	{ NULL, 0 }
};

static const struct dict_enum_def user_authorization_type[] = {
	{ "REGISTRATION", 0 },
	{ "DE_REGISTRATION", 1 },
	{ "REGISTRATION_AND_CAPABILITIES", 2 },
	{ NULL, 0 }
};

static const struct dict_enum_def user_data_already_available[] = {
	{ "USER_DATA_NOT_AVAILABLE", 0 },
	{ "USER_DATA_ALREADY_AVAILABLE", 1 },
	{ NULL, 0 }
};

static const struct dict_enum_def originating_request[] = {
	{ "ORIGINATING", 0 },
	{ NULL, 0 }
};

static const struct dict_enum_def loose_route_indication[] = {
	{ "LOOSE_ROUTE_NOT_REQUIRED", 0 },
	{ "LOOSE_ROUTE_REQUIRED", 1 },
	{ NULL, 0 }
};

static const struct dict_enum_def multiple_registration_indication[] = {
	{ "NOT_MULTIPLE_REGISTRATION", 0 },
	{ "MULTIPLE_REGISTRATION", 1 },
	{ NULL, 0 }
};

static const struct dict_enum_def session_priority[] = {
	{ "PRIORITY-0", 0 },
	{ "PRIORITY-1", 1 },
	{ "PRIORITY-2", 2 },
	{ "PRIORITY-3", 3 },
	{ "PRIORITY-4", 4 },
	{ NULL, 0 }
};

static const struct dict_enum_def priviledged_sender_indication[] = {
	{ "NOT_PRIVILEDGED_SENDER", 0 },
	{ "PRIVILEDGED_SENDER", 1 },
	{ NULL, 0 }
};

/* ---------------------------------------------------------------------------------------
 * AVPs
 * ------------------------------------------------------------------------------------- */

static const struct dict_avp_def cx_avps[] = {
	/* TS 29.229 clause 6.3: M and V both "must" */
	AVP_MV(600, "Visited-Network-Identifier", OSTR),
	AVP_MV(601, "Public-Identity", UTF8),
	AVP_MV(602, "Server-Name", UTF8),
	AVP_MV(603, "Server-Capabilities", GRP),
	AVP_MV(604, "Mandatory-Capability", U32),
	AVP_MV(605, "Optional-Capability", U32),
	AVP_MV(606, "User-Data", OSTR),
	AVP_MV(607, "SIP-Number-Auth-Items", U32),
	AVP_MV(608, "SIP-Authentication-Scheme", UTF8),
	AVP_MV(609, "SIP-Authenticate", OSTR),
	AVP_MV(610, "SIP-Authorization", OSTR),
	AVP_MV(611, "SIP-Authentication-Context", OSTR),
	AVP_MV(612, "SIP-Auth-Data-Item", GRP),
	AVP_MV(613, "SIP-Item-Number", U32),
	AVP_MV(614, "Server-Assignment-Type", ENUM(server_assignment_type)),
	AVP_MV(615, "Deregistration-Reason", GRP),
	AVP_MV(616, "Reason-Code", ENUM(reason_code)),
	AVP_MV(617, "Reason-Info", UTF8),
	AVP_MV(618, "Charging-Information", GRP),
	AVP_MV(619, "Primary-Event-Charging-Function-Name", URI),
	AVP_MV(620, "Secondary-Event-Charging-Function-Name", URI),
	AVP_MV(621, "Primary-Charging-Collection-Function-Name", URI),
	AVP_MV(622, "Secondary-Charging-Collection-Function-Name", URI),
	AVP_MV(623, "User-Authorization-Type", ENUM(user_authorization_type)),
	AVP_MV(624, "User-Data-Already-Available", ENUM(user_data_already_available)),
	/* 625 Confidentiality-Key and 626 Integrity-Key (also used by S6a) and 628-630, the
	 * Supported-Features family, are in dict_common.c; 627 User-Data-Request-Type was
	 * removed from the specification. */
	AVP_MV(633, "Originating-Request", ENUM(originating_request)),

	/* V "must", M "must not" */
	AVP_V(631, "Supported-Applications", GRP),
	AVP_V(632, "Associated-Identities", GRP),
	AVP_V(634, "Wildcarded-Public-Identity", UTF8),
	AVP_V(635, "SIP-Digest-Authenticate", GRP),
	AVP_V(636, "Wildcarded-IMPU", UTF8),
	AVP_V(637, "UAR-Flags", U32),
	AVP_V(638, "Loose-Route-Indication", ENUM(loose_route_indication)),
	AVP_V(639, "SCSCF-Restoration-Info", GRP),
	AVP_V(640, "Path", OSTR),
	AVP_V(641, "Contact", OSTR),
	AVP_V(642, "Subscription-Info", GRP),
	AVP_V(643, "Call-ID-SIP-Header", OSTR),
	AVP_V(644, "From-SIP-Header", OSTR),
	AVP_V(645, "To-SIP-Header", OSTR),
	AVP_V(646, "Record-Route", OSTR),
	AVP_V(647, "Associated-Registered-Identities", GRP),
	AVP_V(648, "Multiple-Registration-Indication", ENUM(multiple_registration_indication)),
	AVP_V(649, "Restoration-Info", GRP),
	AVP_V(650, "Session-Priority", ENUM(session_priority)),
	AVP_V(651, "Identity-with-Emergency-Registration", GRP),
	AVP_V(652, "Priviledged-Sender-Indication", ENUM(priviledged_sender_indication)),
	AVP_V(653, "LIA-Flags", U32),
	AVP_V(654, "Initial-CSeq-Sequence-Number", U32),
	AVP_V(655, "SAR-Flags", U32),
	AVP_V(656, "Allowed-WAF-WWSF-Identities", GRP),
	AVP_V(657, "WebRTC-Authentication-Function-Name", UTF8),
	AVP_V(658, "WebRTC-Web-Server-Function-Name", UTF8),
	AVP_V(659, "RTR-Flags", U32),
	AVP_V(660, "P-CSCF-Subscription-Info", GRP),
	AVP_V(661, "Registration-Time-Out", TIME),
	AVP_V(662, "Alternate-Digest-Algorithm", UTF8),
	AVP_V(663, "Alternate-Digest-HA1", UTF8),
	AVP_V(664, "Failed-PCSCF", GRP),
	AVP_V(665, "PCSCF-FQDN", DIAMID),
	AVP_V(666, "PCSCF-IP-Address", ADDR),

	/* RFC 4740 (Diameter SIP application), used in SIP-Digest-Authenticate */
	AVP_IETF(104, "Digest-Realm", UTF8),
	AVP_IETF(110, "Digest-QoP", UTF8),
	AVP_IETF(111, "Digest-Algorithm", UTF8),
	AVP_IETF(121, "Digest-HA1", UTF8),

	/* RFC 7155 (NASREQ framed addressing), used in
	 * SIP-Auth-Data-Item for NASS bundled authentication. Same definitions as Debian's
	 * dict_nasreq.fdx, so the loader reuses those when that extension is loaded first. */
	AVP_IETF(8, "Framed-IP-Address", OSTR),
	AVP_IETF(96, "Framed-Interface-Id", U64),
	AVP_IETF(97, "Framed-IPv6-Prefix", OSTR),

	/* ETSI ES 283 034 (e4), used in SIP-Auth-Data-Item: V "must", M "may" (left free). */
	{ 500, ETSI_VENDOR, "Line-Identifier", DICT_V, DICT_V, OSTR },

	{ 0, 0, NULL, 0, 0, 0, 0, NULL }
};

/* ---------------------------------------------------------------------------------------
 * Grouped AVP grammars (TS 29.229 clause 6.3)
 * ------------------------------------------------------------------------------------- */

static const struct dict_rule_def server_capabilities[] = {
	OPTN("Mandatory-Capability"),
	OPTN("Optional-Capability"),
	OPTN("Server-Name"),
	RULES_END
};

static const struct dict_rule_def sip_auth_data_item[] = {
	OPT("SIP-Item-Number"),
	OPT("SIP-Authentication-Scheme"),
	OPT("SIP-Authenticate"),
	OPT("SIP-Authorization"),
	OPT("SIP-Authentication-Context"),
	OPT("Confidentiality-Key"),
	OPT("Integrity-Key"),
	OPT("SIP-Digest-Authenticate"),
	OPT("Framed-IP-Address"),
	OPT("Framed-IPv6-Prefix"),
	OPT("Framed-Interface-Id"),
	OPTN("Line-Identifier"),
	RULES_END
};

static const struct dict_rule_def deregistration_reason[] = {
	REQ("Reason-Code"),
	OPT("Reason-Info"),
	RULES_END
};

static const struct dict_rule_def charging_information[] = {
	OPT("Primary-Event-Charging-Function-Name"),
	OPT("Secondary-Event-Charging-Function-Name"),
	OPT("Primary-Charging-Collection-Function-Name"),
	OPT("Secondary-Charging-Collection-Function-Name"),
	RULES_END
};

static const struct dict_rule_def supported_applications[] = {
	OPTN("Auth-Application-Id"),
	OPTN("Acct-Application-Id"),
	OPTN("Vendor-Specific-Application-Id"),
	RULES_END
};

static const struct dict_rule_def associated_identities[] = {
	OPTN("User-Name"),
	RULES_END
};

static const struct dict_rule_def sip_digest_authenticate[] = {
	REQ("Digest-Realm"),
	OPT("Digest-Algorithm"),
	REQ("Digest-QoP"),
	REQ("Digest-HA1"),
	OPT("Alternate-Digest-Algorithm"),
	OPT("Alternate-Digest-HA1"),
	RULES_END
};

static const struct dict_rule_def scscf_restoration_info[] = {
	REQ("User-Name"),
	REQN("Restoration-Info"),
	OPT("Registration-Time-Out"),
	OPT("SIP-Authentication-Scheme"),
	RULES_END
};

static const struct dict_rule_def subscription_info[] = {
	REQ("Call-ID-SIP-Header"),
	REQ("From-SIP-Header"),
	REQ("To-SIP-Header"),
	REQ("Record-Route"),
	REQ("Contact"),
	RULES_END
};

static const struct dict_rule_def associated_registered_identities[] = {
	OPTN("User-Name"),
	RULES_END
};

static const struct dict_rule_def restoration_info[] = {
	REQ("Path"),
	REQ("Contact"),
	OPT("Initial-CSeq-Sequence-Number"),
	OPT("Call-ID-SIP-Header"),
	OPT("Subscription-Info"),
	OPT("P-CSCF-Subscription-Info"),
	RULES_END
};

static const struct dict_rule_def identity_with_emergency_registration[] = {
	REQ("User-Name"),
	REQ("Public-Identity"),
	RULES_END
};

static const struct dict_rule_def allowed_waf_wwsf_identities[] = {
	OPTN("WebRTC-Authentication-Function-Name"),
	OPTN("WebRTC-Web-Server-Function-Name"),
	RULES_END
};

static const struct dict_rule_def p_cscf_subscription_info[] = {
	REQ("Call-ID-SIP-Header"),
	REQ("From-SIP-Header"),
	REQ("To-SIP-Header"),
	REQ("Contact"),
	RULES_END
};

static const struct dict_rule_def failed_pcscf[] = {
	OPT("PCSCF-FQDN"),
	OPTN("PCSCF-IP-Address"),
	RULES_END
};

static const struct dict_group_def cx_groups[] = {
	{ "Server-Capabilities", server_capabilities },
	{ "SIP-Auth-Data-Item", sip_auth_data_item },
	{ "Deregistration-Reason", deregistration_reason },
	{ "Charging-Information", charging_information },
	{ "Supported-Applications", supported_applications },
	{ "Associated-Identities", associated_identities },
	{ "SIP-Digest-Authenticate", sip_digest_authenticate },
	{ "SCSCF-Restoration-Info", scscf_restoration_info },
	{ "Subscription-Info", subscription_info },
	{ "Associated-Registered-Identities", associated_registered_identities },
	{ "Restoration-Info", restoration_info },
	{ "Identity-with-Emergency-Registration", identity_with_emergency_registration },
	{ "Allowed-WAF-WWSF-Identities", allowed_waf_wwsf_identities },
	{ "P-CSCF-Subscription-Info", p_cscf_subscription_info },
	{ "Failed-PCSCF", failed_pcscf },
	{ NULL, NULL }
};

/* ---------------------------------------------------------------------------------------
 * Commands (TS 29.229 clause 6.1). Every request and answer is proxiable (PXY).
 * ------------------------------------------------------------------------------------- */

static const struct dict_rule_def uar[] = { /* 6.1.1 */
	FIXED("Session-Id"),
	OPT("DRMP"),
	REQ("Vendor-Specific-Application-Id"),
	REQ("Auth-Session-State"),
	REQ("Origin-Host"),
	REQ("Origin-Realm"),
	OPT("Destination-Host"),
	REQ("Destination-Realm"),
	REQ("User-Name"),
	OPT("OC-Supported-Features"),
	OPTN("Supported-Features"),
	REQ("Public-Identity"),
	REQ("Visited-Network-Identifier"),
	OPT("User-Authorization-Type"),
	OPT("UAR-Flags"),
	OPTN("Proxy-Info"),
	OPTN("Route-Record"),
	RULES_END
};

static const struct dict_rule_def uaa[] = { /* 6.1.2 */
	FIXED("Session-Id"),
	OPT("DRMP"),
	REQ("Vendor-Specific-Application-Id"),
	OPT("Result-Code"),
	OPT("Experimental-Result"),
	REQ("Auth-Session-State"),
	REQ("Origin-Host"),
	REQ("Origin-Realm"),
	OPT("OC-Supported-Features"),
	OPT("OC-OLR"),
	OPTN("Load"),
	OPTN("Supported-Features"),
	OPT("Server-Name"),
	OPT("Server-Capabilities"),
	OPT("Failed-AVP"),
	OPTN("Proxy-Info"),
	OPTN("Route-Record"),
	RULES_END
};

static const struct dict_rule_def sar[] = { /* 6.1.3 */
	FIXED("Session-Id"),
	OPT("DRMP"),
	REQ("Vendor-Specific-Application-Id"),
	REQ("Auth-Session-State"),
	REQ("Origin-Host"),
	REQ("Origin-Realm"),
	OPT("Destination-Host"),
	REQ("Destination-Realm"),
	OPT("User-Name"),
	OPT("OC-Supported-Features"),
	OPTN("Supported-Features"),
	OPTN("Public-Identity"),
	OPT("Wildcarded-Public-Identity"),
	REQ("Server-Name"),
	REQ("Server-Assignment-Type"),
	REQ("User-Data-Already-Available"),
	OPT("SCSCF-Restoration-Info"),
	OPT("Multiple-Registration-Indication"),
	OPT("Session-Priority"),
	OPT("SAR-Flags"),
	OPT("Failed-PCSCF"),
	OPTN("Proxy-Info"),
	OPTN("Route-Record"),
	RULES_END
};

static const struct dict_rule_def saa[] = { /* 6.1.4 */
	FIXED("Session-Id"),
	OPT("DRMP"),
	REQ("Vendor-Specific-Application-Id"),
	OPT("Result-Code"),
	OPT("Experimental-Result"),
	REQ("Auth-Session-State"),
	REQ("Origin-Host"),
	REQ("Origin-Realm"),
	OPT("User-Name"),
	OPT("OC-Supported-Features"),
	OPT("OC-OLR"),
	OPTN("Load"),
	OPTN("Supported-Features"),
	OPT("User-Data"),
	OPT("Charging-Information"),
	OPT("Associated-Identities"),
	OPT("Loose-Route-Indication"),
	OPTN("SCSCF-Restoration-Info"),
	OPT("Associated-Registered-Identities"),
	OPT("Server-Name"),
	OPT("Wildcarded-Public-Identity"),
	OPT("Priviledged-Sender-Indication"),
	OPT("Allowed-WAF-WWSF-Identities"),
	OPT("Failed-AVP"),
	OPTN("Proxy-Info"),
	OPTN("Route-Record"),
	RULES_END
};

static const struct dict_rule_def lir[] = { /* 6.1.5 */
	FIXED("Session-Id"),
	OPT("DRMP"),
	REQ("Vendor-Specific-Application-Id"),
	REQ("Auth-Session-State"),
	REQ("Origin-Host"),
	REQ("Origin-Realm"),
	OPT("Destination-Host"),
	REQ("Destination-Realm"),
	OPT("Originating-Request"),
	OPT("OC-Supported-Features"),
	OPTN("Supported-Features"),
	REQ("Public-Identity"),
	OPT("User-Authorization-Type"),
	OPT("Session-Priority"),
	OPTN("Proxy-Info"),
	OPTN("Route-Record"),
	RULES_END
};

static const struct dict_rule_def lia[] = { /* 6.1.6 */
	FIXED("Session-Id"),
	OPT("DRMP"),
	REQ("Vendor-Specific-Application-Id"),
	OPT("Result-Code"),
	OPT("Experimental-Result"),
	REQ("Auth-Session-State"),
	REQ("Origin-Host"),
	REQ("Origin-Realm"),
	OPT("OC-Supported-Features"),
	OPT("OC-OLR"),
	OPTN("Load"),
	OPTN("Supported-Features"),
	OPT("Server-Name"),
	OPT("Server-Capabilities"),
	OPT("Wildcarded-Public-Identity"),
	OPT("LIA-Flags"),
	OPT("Failed-AVP"),
	OPTN("Proxy-Info"),
	OPTN("Route-Record"),
	RULES_END
};

static const struct dict_rule_def mar[] = { /* 6.1.7 */
	FIXED("Session-Id"),
	OPT("DRMP"),
	REQ("Vendor-Specific-Application-Id"),
	REQ("Auth-Session-State"),
	REQ("Origin-Host"),
	REQ("Origin-Realm"),
	REQ("Destination-Realm"),
	OPT("Destination-Host"),
	REQ("User-Name"),
	OPT("OC-Supported-Features"),
	OPTN("Supported-Features"),
	REQ("Public-Identity"),
	REQ("SIP-Auth-Data-Item"),
	REQ("SIP-Number-Auth-Items"),
	REQ("Server-Name"),
	OPTN("Proxy-Info"),
	OPTN("Route-Record"),
	RULES_END
};

static const struct dict_rule_def maa[] = { /* 6.1.8 */
	FIXED("Session-Id"),
	OPT("DRMP"),
	REQ("Vendor-Specific-Application-Id"),
	OPT("Result-Code"),
	OPT("Experimental-Result"),
	REQ("Auth-Session-State"),
	REQ("Origin-Host"),
	REQ("Origin-Realm"),
	OPT("User-Name"),
	OPT("OC-Supported-Features"),
	OPT("OC-OLR"),
	OPTN("Load"),
	OPTN("Supported-Features"),
	OPT("Public-Identity"),
	OPT("SIP-Number-Auth-Items"),
	OPTN("SIP-Auth-Data-Item"),
	OPT("Failed-AVP"),
	OPTN("Proxy-Info"),
	OPTN("Route-Record"),
	RULES_END
};

static const struct dict_rule_def rtr[] = { /* 6.1.9 */
	FIXED("Session-Id"),
	OPT("DRMP"),
	REQ("Vendor-Specific-Application-Id"),
	REQ("Auth-Session-State"),
	REQ("Origin-Host"),
	REQ("Origin-Realm"),
	REQ("Destination-Host"),
	REQ("Destination-Realm"),
	REQ("User-Name"),
	OPT("Associated-Identities"),
	OPTN("Supported-Features"),
	OPTN("Public-Identity"),
	REQ("Deregistration-Reason"),
	OPT("RTR-Flags"),
	OPTN("Proxy-Info"),
	OPTN("Route-Record"),
	RULES_END
};

static const struct dict_rule_def rta[] = { /* 6.1.10 */
	FIXED("Session-Id"),
	OPT("DRMP"),
	REQ("Vendor-Specific-Application-Id"),
	OPT("Result-Code"),
	OPT("Experimental-Result"),
	REQ("Auth-Session-State"),
	REQ("Origin-Host"),
	REQ("Origin-Realm"),
	OPT("Associated-Identities"),
	OPTN("Supported-Features"),
	OPTN("Identity-with-Emergency-Registration"),
	OPT("Failed-AVP"),
	OPTN("Proxy-Info"),
	OPTN("Route-Record"),
	RULES_END
};

static const struct dict_rule_def ppr[] = { /* 6.1.11 */
	FIXED("Session-Id"),
	OPT("DRMP"),
	REQ("Vendor-Specific-Application-Id"),
	REQ("Auth-Session-State"),
	REQ("Origin-Host"),
	REQ("Origin-Realm"),
	REQ("Destination-Host"),
	REQ("Destination-Realm"),
	REQ("User-Name"),
	OPTN("Supported-Features"),
	OPT("User-Data"),
	OPT("Charging-Information"),
	OPT("SIP-Auth-Data-Item"),
	OPT("Allowed-WAF-WWSF-Identities"),
	OPTN("Proxy-Info"),
	OPTN("Route-Record"),
	RULES_END
};

static const struct dict_rule_def ppa[] = { /* 6.1.12 */
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

static const struct dict_cmd_def cx_cmds[] = {
	{ "User-Authorization-Request", 300, true, true, uar },
	{ "User-Authorization-Answer", 300, false, true, uaa },
	{ "Server-Assignment-Request", 301, true, true, sar },
	{ "Server-Assignment-Answer", 301, false, true, saa },
	{ "Location-Info-Request", 302, true, true, lir },
	{ "Location-Info-Answer", 302, false, true, lia },
	{ "Multimedia-Auth-Request", 303, true, true, mar },
	{ "Multimedia-Auth-Answer", 303, false, true, maa },
	{ "Registration-Termination-Request", 304, true, true, rtr },
	{ "Registration-Termination-Answer", 304, false, true, rta },
	{ "Push-Profile-Request", 305, true, true, ppr },
	{ "Push-Profile-Answer", 305, false, true, ppa },
	{ NULL, 0, false, false, NULL }
};

const struct dict_app_def dict_cx_def = {
	.name = "3GPP Cx/Dx",
	.app_id = 16777216,
	.vendor = DICT_VENDOR_3GPP,
	.avps = cx_avps,
	.groups = cx_groups,
	.cmds = cx_cmds,
};

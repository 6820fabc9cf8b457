/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dict_s6a.c: the S6a/S6d dictionary (3GPP TS 29.272 Rel-15, application 16777251): the
 * eight command pairs of section 7.2 with their ABNF, every AVP of table 7.3.1/1, and the
 * AVPs of other specifications that table 7.3.1/2 brings in (TS 29.212 QoS, TS 29.214
 * bandwidths, TS 29.061 charging characteristics, RFC 5447/4004 MIP6 agent info, RFC 5778
 * Service-Selection, TS 29.336 monitoring, TS 32.299 CSG information ...).
 *
 * Flags are the spec's "must" and "must not" columns. Where Debian's dict_dcca_3gpp.fdx
 * (freeDiameter 1.2.1) defines the same AVP its flags are identical, so the loader can reuse
 * its objects; the few places where that extension departs from the spec (names of 1488,
 * 1600, 1655, 1656 and the type of SS-Status) are handled in dict_load.c and listed in
 * dictionaries/README.md.
 *
 * Grouped AVPs whose ABNF lives in another specification and that the HSS never fills
 * (ProSe-Subscription-Data, Monitoring-Event-*, AESE-Communication-Pattern) have no rules:
 * freeDiameter then accepts any child.
 */
#include "dict_int.h"

#define V3 DICT_VENDOR_3GPP
#define VM (DICT_V | DICT_M)
#define OCTS AVP_TYPE_OCTETSTRING, DICT_T_NONE, NULL
#define UTF8 AVP_TYPE_OCTETSTRING, DICT_T_UTF8, NULL
#define ADDR AVP_TYPE_OCTETSTRING, DICT_T_ADDRESS, NULL
#define TIME AVP_TYPE_OCTETSTRING, DICT_T_TIME, NULL
#define DIAMID AVP_TYPE_OCTETSTRING, DICT_T_DIAMID, NULL
#define U32 AVP_TYPE_UNSIGNED32, DICT_T_NONE, NULL
#define U64 AVP_TYPE_UNSIGNED64, DICT_T_NONE, NULL
#define I32 AVP_TYPE_INTEGER32, DICT_T_NONE, NULL
#define GRP AVP_TYPE_GROUPED, DICT_T_NONE, NULL
#define ENUM(e) AVP_TYPE_INTEGER32, DICT_T_ENUM, e

/* ---- Enumerated values ------------------------------------------------------------- */

static const struct dict_enum_def qos_class_identifier_enums[] = {
	{ "QCI_1", 1 }, { "QCI_2", 2 }, { "QCI_3", 3 }, { "QCI_4", 4 }, { "QCI_5", 5 },
	{ "QCI_6", 6 }, { "QCI_7", 7 }, { "QCI_8", 8 }, { "QCI_9", 9 }, { "QCI_65", 65 },
	{ "QCI_66", 66 }, { "QCI_67", 67 }, { "QCI_69", 69 }, { "QCI_70", 70 },
	{ "QCI_71", 71 }, { "QCI_72", 72 }, { "QCI_73", 73 }, { "QCI_74", 74 }, { "QCI_75", 75 },
	{ "QCI_76", 76 }, { "QCI_79", 79 }, { "QCI_80", 80 }, { "QCI_82", 82 }, { "QCI_83", 83 },
	{ "QCI_84", 84 }, { "QCI_85", 85 }, { NULL, 0 }
};

static const struct dict_enum_def rat_type_enums[] = {
	{ "WLAN", 0 }, { "VIRTUAL", 1 }, { "UTRAN", 1000 }, { "GERAN", 1001 }, { "GAN", 1002 },
	{ "HSPA_EVOLUTION", 1003 }, { "EUTRAN", 1004 }, { "EUTRAN-NB-IoT", 1005 },
	{ "NG-RAN", 1006 }, { "LTE-M", 1007 }, { "CDMA2000_1X", 2000 }, { "HRPD", 2001 },
	{ "UMB", 2002 }, { "EHRPD", 2003 }, { NULL, 0 }
};

static const struct dict_enum_def pre_emption_capability_enums[] = {
	{ "PRE-EMPTION_CAPABILITY_ENABLED", 0 }, { "PRE-EMPTION_CAPABILITY_DISABLED", 1 }, { NULL, 0 }
};

static const struct dict_enum_def pre_emption_vulnerability_enums[] = {
	{ "PRE-EMPTION_VULNERABILITY_ENABLED", 0 }, { "PRE-EMPTION_VULNERABILITY_DISABLED", 1 }, { NULL, 0 }
};

static const struct dict_enum_def network_access_mode_enums[] = {
	{ "PACKET_AND_CIRCUIT", 0 }, { "ONLY_PACKET", 2 }, { NULL, 0 }
};

static const struct dict_enum_def cancellation_type_enums[] = {
	{ "MME_UPDATE_PROCEDURE", 0 }, { "SGSN_UPDATE_PROCEDURE", 1 },
	{ "SUBSCRIPTION_WITHDRAWAL", 2 }, { "UPDATE_PROCEDURE_IWF", 3 },
	{ "INITIAL_ATTACH_PROCEDURE", 4 }, { NULL, 0 }
};

static const struct dict_enum_def subscriber_status_enums[] = {
	{ "SERVICE_GRANTED", 0 }, { "OPERATOR_DETERMINED_BARRING", 1 }, { NULL, 0 }
};

static const struct dict_enum_def all_apn_configurations_included_indicator_enums[] = {
	{ "ALL_APN_CONFIGURATIONS_INCLUDED", 0 },
	{ "MODIFIED_ADDED_APN_CONFIGURATIONS_INCLUDED", 1 }, { NULL, 0 }
};

static const struct dict_enum_def vplmn_dynamic_address_allowed_enums[] = {
	{ "NOTALLOWED", 0 }, { "ALLOWED", 1 }, { NULL, 0 }
};

static const struct dict_enum_def alert_reason_enums[] = {
	{ "UE_PRESENT", 0 }, { "UE_MEMORY_AVAILABLE", 1 }, { NULL, 0 }
};

static const struct dict_enum_def pdn_gw_allocation_type_enums[] = {
	{ "STATIC", 0 }, { "DYNAMIC", 1 }, { NULL, 0 }
};

static const struct dict_enum_def equipment_status_enums[] = {
	{ "WHITELISTED", 0 }, { "BLACKLISTED", 1 }, { "GREYLISTED", 2 }, { NULL, 0 }
};

static const struct dict_enum_def pdn_type_enums[] = {
	{ "IPv4", 0 }, { "IPv6", 1 }, { "IPv4v6", 2 }, { "IPv4_OR_IPv6", 3 }, { "Non-IP", 4 }, { NULL, 0 }
};

static const struct dict_enum_def roaming_restricted_due_to_unsupported_feature_enums[] = {
	{ "ROAMING_RESTRICTED_DUE_TO_UNSUPPORTED_FEATURE", 0 }, { NULL, 0 }
};

static const struct dict_enum_def trace_depth_enums[] = {
	{ "Minimum", 0 }, { "Medium", 1 }, { "Maximum", 2 },
	{ "MinimumWithoutVendorSpecificExtension", 3 },
	{ "MediumWithoutVendorSpecificExtension", 4 },
	{ "MaximumWithoutVendorSpecificExtension", 5 }, { NULL, 0 }
};

static const struct dict_enum_def complete_data_list_included_indicator_enums[] = {
	{ "ALL_PDP_CONTEXTS_INCLUDED", 0 }, { "MODIFIED_ADDED_PDP_CONTEXTS_INCLUDED", 1 }, { NULL, 0 }
};

static const struct dict_enum_def notification_to_ue_user_enums[] = {
	{ "NOTIFY_LOCATION_ALLOWED", 0 }, { "NOTIFYANDVERIFY_LOCATION_ALLOWED_IF_NO_RESPONSE", 1 },
	{ "NOTIFYANDVERIFY_LOCATION_NOT_ALLOWED_IF_NO_RESPONSE", 2 }, { "LOCATION_NOT_ALLOWED", 3 }, { NULL, 0 }
};

static const struct dict_enum_def gmlc_restriction_enums[] = {
	{ "GMLC_LIST", 0 }, { "HOME_COUNTRY", 1 }, { NULL, 0 }
};

static const struct dict_enum_def plmn_client_enums[] = {
	{ "BROADCAST_SERVICE", 0 }, { "O_AND_M_HPLMN", 1 }, { "O_AND_M_VPLMN", 2 },
	{ "ANONYMOUS_LOCATION", 3 }, { "TARGET_UE_SUBSCRIBED_SERVICE", 4 }, { NULL, 0 }
};

static const struct dict_enum_def ics_indicator_enums[] = {
	{ "FALSE", 0 }, { "TRUE", 1 }, { NULL, 0 }
};

static const struct dict_enum_def ims_voice_over_ps_sessions_supported_enums[] = {
	{ "NOT_SUPPORTED", 0 }, { "SUPPORTED", 1 }, { NULL, 0 }
};

static const struct dict_enum_def homogeneous_support_of_ims_voice_over_ps_sessions_enums[] = {
	{ "NOT_SUPPORTED", 0 }, { "SUPPORTED", 1 }, { NULL, 0 }
};

static const struct dict_enum_def user_state_enums[] = {
	{ "DETACHED", 0 }, { "ATTACHED_NOT_REACHABLE_FOR_PAGING", 1 },
	{ "ATTACHED_REACHABLE_FOR_PAGING", 2 }, { "CONNECTED_NOT_REACHABLE_FOR_PAGING", 3 },
	{ "CONNECTED_REACHABLE_FOR_PAGING", 4 }, { "NETWORK_DETERMINED_NOT_REACHABLE", 5 }, { NULL, 0 }
};

static const struct dict_enum_def current_location_retrieved_enums[] = {
	{ "ACTIVE-LOCATION-RETRIEVAL", 0 }, { NULL, 0 }
};

static const struct dict_enum_def sipto_permission_enums[] = {
	{ "SIPTO_ALLOWED", 0 }, { "SIPTO_NOTALLOWED", 1 }, { NULL, 0 }
};

static const struct dict_enum_def error_diagnostic_enums[] = {
	{ "GPRS_DATA_SUBSCRIBED", 0 }, { "NO_GPRS_DATA_SUBSCRIBED", 1 }, { "ODB-ALL-APN", 2 },
	{ "ODB-HPLMN-APN", 3 }, { "ODB-VPLMN-APN", 4 }, { NULL, 0 }
};

static const struct dict_enum_def ue_srvcc_capability_enums[] = {
	{ "UE-SRVCC-NOT-SUPPORTED", 0 }, { "UE-SRVCC-SUPPORTED", 1 }, { NULL, 0 }
};

static const struct dict_enum_def vplmn_lipa_allowed_enums[] = {
	{ "LIPA-NOTALLOWED", 0 }, { "LIPA-ALLOWED", 1 }, { NULL, 0 }
};

static const struct dict_enum_def lipa_permission_enums[] = {
	{ "LIPA-PROHIBITED", 0 }, { "LIPA-ONLY", 1 }, { "LIPA-CONDITIONAL", 2 }, { NULL, 0 }
};

static const struct dict_enum_def job_type_enums[] = {
	{ "Immediate-MDT-only", 0 }, { "Logged-MDT-only", 1 }, { "Trace-only", 2 },
	{ "Immediate-MDT-and-Trace", 3 }, { "RLF-reports-only", 4 }, { NULL, 0 }
};

static const struct dict_enum_def report_interval_enums[] = {
	{ "UMTS_250_ms", 0 }, { "UMTS_500_ms", 1 }, { "UMTS_1000_ms", 2 }, { "UMTS_2000_ms", 3 },
	{ "UMTS_3000_ms", 4 }, { "UMTS_4000_ms", 5 }, { "UMTS_6000_ms", 6 }, { "UMTS_8000_ms", 7 },
	{ "UMTS_12000_ms", 8 }, { "UMTS_16000_ms", 9 }, { "UMTS_20000_ms", 10 },
	{ "UMTS_24000_ms", 11 }, { "UMTS_28000_ms", 12 }, { "UMTS_32000_ms", 13 },
	{ "UMTS_64000_ms", 14 }, { "LTE_120_ms", 15 }, { "LTE_240_ms", 16 }, { "LTE_480_ms", 17 },
	{ "LTE_640_ms", 18 }, { "LTE_1024_ms", 19 }, { "LTE_2048_ms", 20 }, { "LTE_5120_ms", 21 },
	{ "LTE_10240_ms", 22 }, { "LTE_60000_ms", 23 }, { "LTE_360000_ms", 24 },
	{ "LTE_720000_ms", 25 }, { "LTE_1800000_ms", 26 }, { "LTE_3600000_ms", 27 }, { NULL, 0 }
};

static const struct dict_enum_def report_amount_enums[] = {
	{ "1", 0 }, { "2", 1 }, { "4", 2 }, { "8", 3 }, { "16", 4 }, { "32", 5 }, { "64", 6 },
	{ "infinity", 7 }, { NULL, 0 }
};

static const struct dict_enum_def logging_interval_enums[] = {
	{ "1.28", 0 }, { "2.56", 1 }, { "5.12", 2 }, { "10.24", 3 }, { "20.48", 4 }, { "30.72", 5 },
	{ "40.96", 6 }, { "61.44", 7 }, { NULL, 0 }
};

static const struct dict_enum_def logging_duration_enums[] = {
	{ "600_sec", 0 }, { "1200_sec", 1 }, { "2400_sec", 2 }, { "3600_sec", 3 }, { "5400_sec", 4 },
	{ "7200_sec", 5 }, { NULL, 0 }
};

static const struct dict_enum_def relay_node_indicator_enums[] = {
	{ "NOT_RELAY_NODE", 0 }, { "RELAY_NODE", 1 }, { NULL, 0 }
};

static const struct dict_enum_def mdt_user_consent_enums[] = {
	{ "CONSENT_NOT_GIVEN", 0 }, { "CONSENT_GIVEN", 1 }, { NULL, 0 }
};

static const struct dict_enum_def subscribed_vsrvcc_enums[] = {
	{ "VSRVCC_SUBSCRIBED", 0 }, { NULL, 0 }
};

static const struct dict_enum_def sms_register_request_enums[] = {
	{ "SMS_REGISTRATION_REQUIRED", 0 }, { "SMS_REGISTRATION_NOT_PREFERRED", 1 },
	{ "NO_PREFERENCE", 2 }, { NULL, 0 }
};

static const struct dict_enum_def daylight_saving_time_enums[] = {
	{ "NO_ADJUSTMENT", 0 }, { "PLUS_ONE_HOUR_ADJUSTMENT", 1 },
	{ "PLUS_TWO_HOURS_ADJUSTMENT", 2 }, { NULL, 0 }
};

static const struct dict_enum_def measurement_period_lte_enums[] = {
	{ "1024_ms", 0 }, { "1280_ms", 1 }, { "2048_ms", 2 }, { "2560_ms", 3 }, { "5120_ms", 4 },
	{ "10240_ms", 5 }, { "1_min", 6 }, { NULL, 0 }
};

static const struct dict_enum_def measurement_period_umts_enums[] = {
	{ "250_ms", 0 }, { "500_ms", 1 }, { "1000_ms", 2 }, { "2000_ms", 3 }, { "3000_ms", 4 },
	{ "4000_ms", 5 }, { "6000_ms", 6 }, { "8000_ms", 7 }, { "12000_ms", 8 }, { "16000_ms", 9 },
	{ "20000_ms", 10 }, { "24000_ms", 11 }, { "28000_ms", 12 }, { "32000_ms", 13 },
	{ "64000_ms", 14 }, { NULL, 0 }
};

static const struct dict_enum_def collection_period_rrm_lte_enums[] = {
	{ "MS1024", 0 }, { "MS1280", 1 }, { "MS2048", 2 }, { "MS2560", 3 }, { "MS5120", 4 },
	{ "MS10240", 5 }, { "MIN1", 6 }, { NULL, 0 }
};

static const struct dict_enum_def collection_period_rrm_umts_enums[] = {
	{ "MS250", 0 }, { "MS500", 1 }, { "MS1000", 2 }, { "MS2000", 3 }, { "MS3000", 4 },
	{ "MS4000", 5 }, { "MS6000", 6 }, { "MS8000", 7 }, { "MS12000", 8 }, { "MS16000", 9 },
	{ "MS20000", 10 }, { "MS24000", 11 }, { "MS28000", 12 }, { "MS32000", 13 },
	{ "MS64000", 14 }, { NULL, 0 }
};

static const struct dict_enum_def non_ip_pdn_type_indicator_enums[] = {
	{ "FALSE", 0 }, { "TRUE", 1 }, { NULL, 0 }
};

static const struct dict_enum_def rds_indicator_enums[] = {
	{ "DISABLED", 0 }, { "ENABLED", 1 }, { NULL, 0 }
};

static const struct dict_enum_def interworking_5gs_indicator_enums[] = {
	{ "NOT-SUBSCRIBED", 0 }, { "SUBSCRIBED", 1 }, { NULL, 0 }
};

static const struct dict_enum_def ethernet_pdn_type_indicator_enums[] = {
	{ "FALSE", 0 }, { "TRUE", 1 }, { NULL, 0 }
};

static const struct dict_enum_def iab_operation_permission_enums[] = {
	{ "IAB_OPERATION_ALLOWED", 0 }, { "IAB_OPERATION_NOTALLOWED", 1 }, { NULL, 0 }
};

static const struct dict_enum_def csg_access_mode_enums[] = {
	{ "CLOSED_MODE", 0 }, { "HYBRID_MODE", 1 }, { NULL, 0 }
};

static const struct dict_enum_def csg_membership_indication_enums[] = {
	{ "NOT_CSG_MEMBER", 0 }, { "CSG_MEMBER", 1 }, { NULL, 0 }
};

/* ---- AVPs: code, vendor, name, flags set, flags fixed, type ------------------------- */

static const struct dict_avp_def s6a_avps[] = {
	{ 13, V3, "3GPP-Charging-Characteristics", VM, VM, UTF8 },
	{ 125, 0, "MIP6-Home-Link-Prefix", DICT_M, VM, OCTS },
	{ 334, 0, "MIP-Home-Agent-Address", DICT_M, VM, ADDR },
	{ 348, 0, "MIP-Home-Agent-Host", DICT_M, VM, GRP },
	{ 486, 0, "MIP6-Agent-Info", DICT_M, VM, GRP },
	{ 493, 0, "Service-Selection", DICT_M, VM, UTF8 },
	{ 515, V3, "Max-Requested-Bandwidth-DL", VM, VM, U32 },
	{ 516, V3, "Max-Requested-Bandwidth-UL", VM, VM, U32 },
	{ 554, V3, "Extended-Max-Requested-BW-DL", DICT_V, VM, U32 },
	{ 555, V3, "Extended-Max-Requested-BW-UL", DICT_V, VM, U32 },
	{ 600, V3, "Visited-Network-Identifier", VM, VM, OCTS },
	{ 848, V3, "Served-Party-IP-Address", VM, VM, ADDR },
	{ 1028, V3, "QoS-Class-Identifier", VM, VM, ENUM(qos_class_identifier_enums) },
	{ 1032, V3, "RAT-Type", DICT_V, VM, ENUM(rat_type_enums) },
	{ 1034, V3, "Allocation-Retention-Priority", DICT_V, VM, GRP },
	{ 1046, V3, "Priority-Level", DICT_V, VM, U32 },
	{ 1047, V3, "Pre-emption-Capability", DICT_V, VM, ENUM(pre_emption_capability_enums) },
	{ 1048, V3, "Pre-emption-Vulnerability", DICT_V, VM, ENUM(pre_emption_vulnerability_enums) },
	{ 1227, V3, "PDP-Address", VM, VM, ADDR },
	{ 1400, V3, "Subscription-Data", VM, VM, GRP },
	{ 1401, V3, "Terminal-Information", VM, VM, GRP },
	{ 1402, V3, "IMEI", VM, VM, UTF8 },
	{ 1403, V3, "Software-Version", VM, VM, UTF8 },
	{ 1404, V3, "QoS-Subscribed", VM, VM, OCTS },
	{ 1405, V3, "ULR-Flags", VM, VM, U32 },
	{ 1406, V3, "ULA-Flags", VM, VM, U32 },
	{ 1407, V3, "Visited-PLMN-Id", VM, VM, OCTS },
	{ 1408, V3, "Requested-EUTRAN-Authentication-Info", VM, VM, GRP },
	{ 1409, V3, "Requested-UTRAN-GERAN-Authentication-Info", VM, VM, GRP },
	{ 1410, V3, "Number-Of-Requested-Vectors", VM, VM, U32 },
	{ 1411, V3, "Re-Synchronization-Info", VM, VM, OCTS },
	{ 1412, V3, "Immediate-Response-Preferred", VM, VM, U32 },
	{ 1413, V3, "Authentication-Info", VM, VM, GRP },
	{ 1414, V3, "E-UTRAN-Vector", VM, VM, GRP },
	{ 1415, V3, "UTRAN-Vector", VM, VM, GRP },
	{ 1416, V3, "GERAN-Vector", VM, VM, GRP },
	{ 1417, V3, "Network-Access-Mode", VM, VM, ENUM(network_access_mode_enums) },
	{ 1418, V3, "HPLMN-ODB", VM, VM, U32 },
	{ 1419, V3, "Item-Number", VM, VM, U32 },
	{ 1420, V3, "Cancellation-Type", VM, VM, ENUM(cancellation_type_enums) },
	{ 1421, V3, "DSR-Flags", VM, VM, U32 },
	{ 1422, V3, "DSA-Flags", VM, VM, U32 },
	{ 1423, V3, "Context-Identifier", VM, VM, U32 },
	{ 1424, V3, "Subscriber-Status", VM, VM, ENUM(subscriber_status_enums) },
	{ 1425, V3, "Operator-Determined-Barring", VM, VM, U32 },
	{ 1426, V3, "Access-Restriction-Data", VM, VM, U32 },
	{ 1427, V3, "APN-OI-Replacement", VM, VM, UTF8 },
	{ 1428, V3, "All-APN-Configurations-Included-Indicator", VM, VM, ENUM(all_apn_configurations_included_indicator_enums) },
	{ 1429, V3, "APN-Configuration-Profile", VM, VM, GRP },
	{ 1430, V3, "APN-Configuration", VM, VM, GRP },
	{ 1431, V3, "EPS-Subscribed-QoS-Profile", VM, VM, GRP },
	{ 1432, V3, "VPLMN-Dynamic-Address-Allowed", VM, VM, ENUM(vplmn_dynamic_address_allowed_enums) },
	{ 1433, V3, "STN-SR", VM, VM, OCTS },
	{ 1434, V3, "Alert-Reason", VM, VM, ENUM(alert_reason_enums) },
	{ 1435, V3, "AMBR", VM, VM, GRP },
	{ 1436, V3, "CSG-Subscription-Data", VM, VM, GRP },
	{ 1437, V3, "CSG-Id", VM, VM, U32 },
	{ 1438, V3, "PDN-GW-Allocation-Type", VM, VM, ENUM(pdn_gw_allocation_type_enums) },
	{ 1439, V3, "Expiration-Date", VM, VM, TIME },
	{ 1440, V3, "RAT-Frequency-Selection-Priority-ID", VM, VM, U32 },
	{ 1441, V3, "IDA-Flags", VM, VM, U32 },
	{ 1442, V3, "PUA-Flags", VM, VM, U32 },
	{ 1443, V3, "NOR-Flags", VM, VM, U32 },
	{ 1444, V3, "User-Id", DICT_V, VM, UTF8 },
	{ 1445, V3, "Equipment-Status", VM, VM, ENUM(equipment_status_enums) },
	{ 1446, V3, "Regional-Subscription-Zone-Code", VM, VM, OCTS },
	{ 1447, V3, "RAND", VM, VM, OCTS },
	{ 1448, V3, "XRES", VM, VM, OCTS },
	{ 1449, V3, "AUTN", VM, VM, OCTS },
	{ 1450, V3, "KASME", VM, VM, OCTS },
	{ 1452, V3, "Trace-Collection-Entity", VM, VM, ADDR },
	{ 1453, V3, "Kc", VM, VM, OCTS },
	{ 1454, V3, "SRES", VM, VM, OCTS },
	{ 1456, V3, "PDN-Type", VM, VM, ENUM(pdn_type_enums) },
	{ 1457, V3, "Roaming-Restricted-Due-To-Unsupported-Feature", VM, VM, ENUM(roaming_restricted_due_to_unsupported_feature_enums) },
	{ 1458, V3, "Trace-Data", VM, VM, GRP },
	{ 1459, V3, "Trace-Reference", VM, VM, OCTS },
	{ 1462, V3, "Trace-Depth", VM, VM, ENUM(trace_depth_enums) },
	{ 1463, V3, "Trace-NE-Type-List", VM, VM, OCTS },
	{ 1464, V3, "Trace-Interface-List", VM, VM, OCTS },
	{ 1465, V3, "Trace-Event-List", VM, VM, OCTS },
	{ 1466, V3, "OMC-Id", VM, VM, OCTS },
	{ 1467, V3, "GPRS-Subscription-Data", VM, VM, GRP },
	{ 1468, V3, "Complete-Data-List-Included-Indicator", VM, VM, ENUM(complete_data_list_included_indicator_enums) },
	{ 1469, V3, "PDP-Context", VM, VM, GRP },
	{ 1470, V3, "PDP-Type", VM, VM, OCTS },
	{ 1471, V3, "3GPP2-MEID", VM, VM, OCTS },
	{ 1472, V3, "Specific-APN-Info", VM, VM, GRP },
	{ 1473, V3, "LCS-Info", VM, VM, GRP },
	{ 1474, V3, "GMLC-Number", VM, VM, OCTS },
	{ 1475, V3, "LCS-PrivacyException", VM, VM, GRP },
	{ 1476, V3, "SS-Code", VM, VM, OCTS },
	{ 1477, V3, "SS-Status", VM, VM, OCTS },
	{ 1478, V3, "Notification-To-UE-User", VM, VM, ENUM(notification_to_ue_user_enums) },
	{ 1479, V3, "External-Client", VM, VM, GRP },
	{ 1480, V3, "Client-Identity", VM, VM, OCTS },
	{ 1481, V3, "GMLC-Restriction", VM, VM, ENUM(gmlc_restriction_enums) },
	{ 1482, V3, "PLMN-Client", VM, VM, ENUM(plmn_client_enums) },
	{ 1483, V3, "Service-Type", VM, VM, GRP },
	{ 1484, V3, "ServiceTypeIdentity", VM, VM, U32 },
	{ 1485, V3, "MO-LR", VM, VM, GRP },
	{ 1486, V3, "Teleservice-List", VM, VM, GRP },
	{ 1487, V3, "TS-Code", VM, VM, OCTS },
	{ 1488, V3, "Call-Barring-Info", VM, VM, GRP },
	{ 1489, V3, "SGSN-Number", VM, VM, OCTS },
	{ 1490, V3, "IDR-Flags", VM, VM, U32 },
	{ 1491, V3, "ICS-Indicator", DICT_V, VM, ENUM(ics_indicator_enums) },
	{ 1492, V3, "IMS-Voice-Over-PS-Sessions-Supported", DICT_V, VM, ENUM(ims_voice_over_ps_sessions_supported_enums) },
	{ 1493, V3, "Homogeneous-Support-of-IMS-Voice-Over-PS-Sessions", DICT_V, VM, ENUM(homogeneous_support_of_ims_voice_over_ps_sessions_enums) },
	{ 1494, V3, "Last-UE-Activity-Time", DICT_V, VM, TIME },
	{ 1495, V3, "EPS-User-State", DICT_V, VM, GRP },
	{ 1496, V3, "EPS-Location-Information", DICT_V, VM, GRP },
	{ 1497, V3, "MME-User-State", DICT_V, VM, GRP },
	{ 1498, V3, "SGSN-User-State", DICT_V, VM, GRP },
	{ 1499, V3, "User-State", DICT_V, VM, ENUM(user_state_enums) },
	{ 1538, V3, "Emergency-Services", DICT_V, VM, U32 },
	{ 1600, V3, "MME-Location-Information", DICT_V, VM, GRP },
	{ 1601, V3, "SGSN-Location-Information", DICT_V, VM, GRP },
	{ 1602, V3, "E-UTRAN-Cell-Global-Identity", DICT_V, VM, OCTS },
	{ 1603, V3, "Tracking-Area-Identity", DICT_V, VM, OCTS },
	{ 1604, V3, "Cell-Global-Identity", DICT_V, VM, OCTS },
	{ 1605, V3, "Routing-Area-Identity", DICT_V, VM, OCTS },
	{ 1606, V3, "Location-Area-Identity", DICT_V, VM, OCTS },
	{ 1607, V3, "Service-Area-Identity", DICT_V, VM, OCTS },
	{ 1608, V3, "Geographical-Information", DICT_V, VM, OCTS },
	{ 1609, V3, "Geodetic-Information", DICT_V, VM, OCTS },
	{ 1610, V3, "Current-Location-Retrieved", DICT_V, VM, ENUM(current_location_retrieved_enums) },
	{ 1611, V3, "Age-Of-Location-Information", DICT_V, VM, U32 },
	{ 1612, V3, "Active-APN", DICT_V, VM, GRP },
	{ 1613, V3, "SIPTO-Permission", DICT_V, VM, ENUM(sipto_permission_enums) },
	{ 1614, V3, "Error-Diagnostic", DICT_V, VM, ENUM(error_diagnostic_enums) },
	{ 1615, V3, "UE-SRVCC-Capability", DICT_V, VM, ENUM(ue_srvcc_capability_enums) },
	{ 1616, V3, "MPS-Priority", DICT_V, VM, U32 },
	{ 1617, V3, "VPLMN-LIPA-Allowed", DICT_V, VM, ENUM(vplmn_lipa_allowed_enums) },
	{ 1618, V3, "LIPA-Permission", DICT_V, VM, ENUM(lipa_permission_enums) },
	{ 1619, V3, "Subscribed-Periodic-RAU-TAU-Timer", DICT_V, VM, U32 },
	{ 1620, V3, "Ext-PDP-Type", DICT_V, VM, OCTS },
	{ 1621, V3, "Ext-PDP-Address", DICT_V, VM, ADDR },
	{ 1622, V3, "MDT-Configuration", DICT_V, VM, GRP },
	{ 1623, V3, "Job-Type", DICT_V, VM, ENUM(job_type_enums) },
	{ 1624, V3, "Area-Scope", DICT_V, VM, GRP },
	{ 1625, V3, "List-Of-Measurements", DICT_V, VM, U32 },
	{ 1626, V3, "Reporting-Trigger", DICT_V, VM, U32 },
	{ 1627, V3, "Report-Interval", DICT_V, VM, ENUM(report_interval_enums) },
	{ 1628, V3, "Report-Amount", DICT_V, VM, ENUM(report_amount_enums) },
	{ 1629, V3, "Event-Threshold-RSRP", DICT_V, VM, U32 },
	{ 1630, V3, "Event-Threshold-RSRQ", DICT_V, VM, U32 },
	{ 1631, V3, "Logging-Interval", DICT_V, VM, ENUM(logging_interval_enums) },
	{ 1632, V3, "Logging-Duration", DICT_V, VM, ENUM(logging_duration_enums) },
	{ 1633, V3, "Relay-Node-Indicator", DICT_V, VM, ENUM(relay_node_indicator_enums) },
	{ 1634, V3, "MDT-User-Consent", DICT_V, VM, ENUM(mdt_user_consent_enums) },
	{ 1635, V3, "PUR-Flags", DICT_V, VM, U32 },
	{ 1636, V3, "Subscribed-VSRVCC", DICT_V, VM, ENUM(subscribed_vsrvcc_enums) },
	{ 1637, V3, "Equivalent-PLMN-List", DICT_V, VM, GRP },
	{ 1638, V3, "CLR-Flags", DICT_V, VM, U32 },
	{ 1639, V3, "UVR-Flags", VM, VM, U32 },
	{ 1640, V3, "UVA-Flags", VM, VM, U32 },
	{ 1641, V3, "VPLMN-CSG-Subscription-Data", VM, VM, GRP },
	{ 1642, V3, "Time-Zone", DICT_V, VM, UTF8 },
	{ 1643, V3, "A-MSISDN", DICT_V, VM, OCTS },
	{ 1645, V3, "MME-Number-for-MT-SMS", DICT_V, VM, OCTS },
	{ 1648, V3, "SMS-Register-Request", DICT_V, VM, ENUM(sms_register_request_enums) },
	{ 1649, V3, "Local-Time-Zone", DICT_V, VM, GRP },
	{ 1650, V3, "Daylight-Saving-Time", DICT_V, VM, ENUM(daylight_saving_time_enums) },
	{ 1654, V3, "Subscription-Data-Flags", DICT_V, VM, U32 },
	{ 1655, V3, "Measurement-Period-LTE", DICT_V, VM, ENUM(measurement_period_lte_enums) },
	{ 1656, V3, "Measurement-Period-UMTS", DICT_V, VM, ENUM(measurement_period_umts_enums) },
	{ 1657, V3, "Collection-Period-RRM-LTE", DICT_V, VM, ENUM(collection_period_rrm_lte_enums) },
	{ 1658, V3, "Collection-Period-RRM-UMTS", DICT_V, VM, ENUM(collection_period_rrm_umts_enums) },
	{ 1659, V3, "Positioning-Method", DICT_V, VM, OCTS },
	{ 1660, V3, "Measurement-Quantity", DICT_V, VM, OCTS },
	{ 1661, V3, "Event-Threshold-Event-1F", DICT_V, VM, I32 },
	{ 1662, V3, "Event-Threshold-Event-1I", DICT_V, VM, I32 },
	{ 1663, V3, "Restoration-Priority", DICT_V, VM, U32 },
	{ 1664, V3, "SGs-MME-Identity", DICT_V, VM, UTF8 },
	{ 1665, V3, "SIPTO-Local-Network-Permission", DICT_V, VM, U32 },
	{ 1666, V3, "Coupled-Node-Diameter-ID", DICT_V, VM, DIAMID },
	{ 1667, V3, "WLAN-offloadability", DICT_V, VM, GRP },
	{ 1668, V3, "WLAN-offloadability-EUTRAN", DICT_V, VM, U32 },
	{ 1669, V3, "WLAN-offloadability-UTRAN", DICT_V, VM, U32 },
	{ 1670, V3, "Reset-ID", DICT_V, VM, OCTS },
	{ 1671, V3, "MDT-Allowed-PLMN-Id", DICT_V, VM, OCTS },
	{ 1672, V3, "Adjacent-PLMNs", DICT_V, VM, GRP },
	{ 1673, V3, "Adjacent-Access-Restriction-Data", DICT_V, VM, GRP },
	{ 1674, V3, "DL-Buffering-Suggested-Packet-Count", DICT_V, VM, I32 },
	{ 1675, V3, "IMSI-Group-Id", DICT_V, VM, GRP },
	{ 1676, V3, "Group-Service-Id", DICT_V, VM, U32 },
	{ 1677, V3, "Group-PLMN-Id", DICT_V, VM, OCTS },
	{ 1678, V3, "Local-Group-Id", DICT_V, VM, OCTS },
	{ 1679, V3, "AIR-Flags", DICT_V, VM, U32 },
	{ 1680, V3, "UE-Usage-Type", DICT_V, VM, U32 },
	{ 1681, V3, "Non-IP-PDN-Type-Indicator", DICT_V, VM, ENUM(non_ip_pdn_type_indicator_enums) },
	{ 1682, V3, "Non-IP-Data-Delivery-Mechanism", DICT_V, VM, U32 },
	{ 1683, V3, "Additional-Context-Identifier", DICT_V, VM, U32 },
	{ 1684, V3, "SCEF-Realm", DICT_V, VM, DIAMID },
	{ 1685, V3, "Subscription-Data-Deletion", DICT_V, VM, GRP },
	{ 1686, V3, "Preferred-Data-Mode", DICT_V, VM, U32 },
	{ 1687, V3, "Emergency-Info", DICT_V, VM, GRP },
	{ 1688, V3, "V2X-Subscription-Data", DICT_V, VM, GRP },
	{ 1689, V3, "V2X-Permission", DICT_V, VM, U32 },
	{ 1690, V3, "PDN-Connection-Continuity", DICT_V, VM, U32 },
	{ 1691, V3, "eDRX-Cycle-Length", DICT_V, VM, GRP },
	{ 1692, V3, "eDRX-Cycle-Length-Value", DICT_V, VM, OCTS },
	{ 1693, V3, "UE-PC5-AMBR", DICT_V, VM, U32 },
	{ 1694, V3, "MBSFN-Area", DICT_V, VM, GRP },
	{ 1695, V3, "MBSFN-Area-ID", DICT_V, VM, U32 },
	{ 1696, V3, "Carrier-Frequency", DICT_V, VM, U32 },
	{ 1697, V3, "RDS-Indicator", DICT_V, VM, ENUM(rds_indicator_enums) },
	{ 1698, V3, "Service-Gap-Time", DICT_V, VM, U32 },
	{ 1699, V3, "Aerial-UE-Subscription-Information", DICT_V, VM, U32 },
	{ 1700, V3, "Broadcast-Location-Assistance-Data-Types", DICT_V, VM, U64 },
	{ 1701, V3, "Paging-Time-Window", DICT_V, VM, GRP },
	{ 1702, V3, "Operation-Mode", DICT_V, VM, U32 },
	{ 1703, V3, "Paging-Time-Window-Length", DICT_V, VM, OCTS },
	{ 1704, V3, "Core-Network-Restrictions", DICT_V, VM, U32 },
	{ 1705, V3, "eDRX-Related-RAT", DICT_V, VM, GRP },
	{ 1706, V3, "Interworking-5GS-Indicator", DICT_V, VM, ENUM(interworking_5gs_indicator_enums) },
	/* Release 16 */
	{ 1707, V3, "Ethernet-PDN-Type-Indicator", DICT_V, VM, ENUM(ethernet_pdn_type_indicator_enums) },
	{ 1708, V3, "Subscribed-ARPI", DICT_V, VM, U32 },
	{ 1709, V3, "IAB-Operation-Permission", DICT_V, VM, ENUM(iab_operation_permission_enums) },
	{ 1710, V3, "V2X-Subscription-Data-Nr", DICT_V, VM, GRP },
	{ 1711, V3, "UE-PC5-QoS", DICT_V, VM, GRP },
	{ 1712, V3, "PC5-QoS-Flow", DICT_V, VM, GRP },
	{ 1713, V3, "5QI", DICT_V, VM, I32 },
	{ 1714, V3, "PC5-Flow-Bitrates", DICT_V, VM, GRP },
	{ 1715, V3, "Guaranteed-Flow-Bitrates", DICT_V, VM, I32 },
	{ 1716, V3, "Maximum-Flow-Bitrates", DICT_V, VM, I32 },
	{ 1717, V3, "PC5-Range", DICT_V, VM, I32 },
	{ 1718, V3, "PC5-Link-AMBR", DICT_V, VM, I32 },
	{ 2319, V3, "User-CSG-Information", VM, VM, GRP },
	{ 2317, V3, "CSG-Access-Mode", VM, VM, ENUM(csg_access_mode_enums) },
	{ 2318, V3, "CSG-Membership-Indication", VM, VM, ENUM(csg_membership_indication_enums) },
	{ 2405, V3, "GMLC-Address", VM, VM, ADDR },
	/* TS 29.336 6.4.11, table 6.4.1/1: M and V "must" (as dict_sh.c, which defines it too). */
	{ 3111, V3, "External-Identifier", VM, VM, UTF8 },
	{ 3113, V3, "AESE-Communication-Pattern", VM, VM, GRP },
	{ 3122, V3, "Monitoring-Event-Configuration", VM, VM, GRP },
	{ 3123, V3, "Monitoring-Event-Report", VM, VM, GRP },
	{ 3125, V3, "SCEF-ID", VM, VM, DIAMID },
	{ 3142, V3, "Monitoring-Event-Config-Status", VM, VM, GRP },
	{ 3143, V3, "Supported-Services", VM, VM, GRP },
	{ 3144, V3, "Supported-Monitoring-Events", VM, VM, U64 },
	{ 3329, V3, "Maximum-UE-Availability-Time", DICT_V, VM, TIME },
	{ 3701, V3, "ProSe-Subscription-Data", VM, VM, GRP },
	{ 4008, V3, "eNodeB-ID", VM, VM, OCTS },
	{ 4013, V3, "Extended-eNodeB-ID", DICT_V, VM, OCTS },
	{ 4324, V3, "Active-Time", DICT_V, VM, U32 },
	{ 0, 0, NULL, 0, 0, 0, 0, NULL }
};

/* ---- Grouped AVPs: {x} required, [x] optional, n*m[x] bounded ----------------------- */

#define REQ(n) { n, RULE_REQUIRED, -1, 1 }
#define REQN(n, lo, hi) { n, RULE_REQUIRED, lo, hi }
#define OPT(n) { n, RULE_OPTIONAL, -1, 1 }
#define OPTN(n, hi) { n, RULE_OPTIONAL, -1, hi }
#define ANY(n) { n, RULE_OPTIONAL, -1, -1 }
#define HEAD(n) { n, RULE_FIXED_HEAD, -1, 1 }
#define END { NULL, 0, 0, 0 }

static const struct dict_rule_def subscription_data_rules[] = {
	OPT("Subscriber-Status"), OPT("MSISDN"), OPT("A-MSISDN"), OPT("STN-SR"),
	OPT("ICS-Indicator"), OPT("Network-Access-Mode"), OPT("Operator-Determined-Barring"),
	OPT("HPLMN-ODB"), OPTN("Regional-Subscription-Zone-Code", 10),
	OPT("Access-Restriction-Data"), OPT("APN-OI-Replacement"), OPT("LCS-Info"),
	OPT("Teleservice-List"), ANY("Call-Barring-Info"), OPT("3GPP-Charging-Characteristics"),
	OPT("AMBR"), OPT("APN-Configuration-Profile"), OPT("RAT-Frequency-Selection-Priority-ID"),
	OPT("Trace-Data"), OPT("GPRS-Subscription-Data"), ANY("CSG-Subscription-Data"),
	OPT("Roaming-Restricted-Due-To-Unsupported-Feature"),
	OPT("Subscribed-Periodic-RAU-TAU-Timer"), OPT("MPS-Priority"), OPT("VPLMN-LIPA-Allowed"),
	OPT("Relay-Node-Indicator"), OPT("MDT-User-Consent"), OPT("Subscribed-VSRVCC"),
	OPT("ProSe-Subscription-Data"), OPT("Subscription-Data-Flags"),
	ANY("Adjacent-Access-Restriction-Data"), OPT("DL-Buffering-Suggested-Packet-Count"),
	ANY("IMSI-Group-Id"), OPT("UE-Usage-Type"), ANY("AESE-Communication-Pattern"),
	ANY("Monitoring-Event-Configuration"), OPT("Emergency-Info"),
	OPT("V2X-Subscription-Data"), ANY("eDRX-Cycle-Length"), OPT("External-Identifier"),
	OPT("Active-Time"), OPT("Service-Gap-Time"),
	OPT("Broadcast-Location-Assistance-Data-Types"),
	OPT("Aerial-UE-Subscription-Information"), OPT("Core-Network-Restrictions"),
	ANY("Paging-Time-Window"), OPT("Interworking-5GS-Indicator"), OPT("Subscribed-ARPI"),
	OPT("IAB-Operation-Permission"), OPT("V2X-Subscription-Data-Nr"), END
};
static const struct dict_rule_def terminal_information_rules[] = {
	OPT("IMEI"), OPT("3GPP2-MEID"), OPT("Software-Version"), END
};
static const struct dict_rule_def requested_auth_info_rules[] = {
	OPT("Number-Of-Requested-Vectors"), OPT("Immediate-Response-Preferred"),
	OPT("Re-Synchronization-Info"), END
};
static const struct dict_rule_def authentication_info_rules[] = {
	ANY("E-UTRAN-Vector"), ANY("UTRAN-Vector"), ANY("GERAN-Vector"), END
};
static const struct dict_rule_def e_utran_vector_rules[] = {
	OPT("Item-Number"), REQ("RAND"), REQ("XRES"), REQ("AUTN"), REQ("KASME"), END
};
static const struct dict_rule_def utran_vector_rules[] = {
	OPT("Item-Number"), REQ("RAND"), REQ("XRES"), REQ("AUTN"), REQ("Confidentiality-Key"),
	REQ("Integrity-Key"), END
};
static const struct dict_rule_def geran_vector_rules[] = {
	OPT("Item-Number"), REQ("RAND"), REQ("SRES"), REQ("Kc"), END
};
static const struct dict_rule_def apn_configuration_profile_rules[] = {
	REQ("Context-Identifier"), OPT("Additional-Context-Identifier"),
	REQ("All-APN-Configurations-Included-Indicator"), REQN("APN-Configuration", 1, -1), END
};
static const struct dict_rule_def apn_configuration_rules[] = {
	REQ("Context-Identifier"), OPTN("Served-Party-IP-Address", 2), REQ("PDN-Type"),
	REQ("Service-Selection"), OPT("EPS-Subscribed-QoS-Profile"),
	OPT("VPLMN-Dynamic-Address-Allowed"), OPT("MIP6-Agent-Info"),
	OPT("Visited-Network-Identifier"), OPT("PDN-GW-Allocation-Type"),
	OPT("3GPP-Charging-Characteristics"), OPT("AMBR"), ANY("Specific-APN-Info"),
	OPT("APN-OI-Replacement"), OPT("SIPTO-Permission"), OPT("LIPA-Permission"),
	OPT("Restoration-Priority"), OPT("SIPTO-Local-Network-Permission"),
	OPT("WLAN-offloadability"), OPT("Non-IP-PDN-Type-Indicator"),
	OPT("Non-IP-Data-Delivery-Mechanism"), OPT("SCEF-ID"), OPT("SCEF-Realm"),
	OPT("Preferred-Data-Mode"), OPT("PDN-Connection-Continuity"), OPT("RDS-Indicator"),
	OPT("Interworking-5GS-Indicator"), OPT("Ethernet-PDN-Type-Indicator"), END
};
static const struct dict_rule_def eps_subscribed_qos_profile_rules[] = {
	REQ("QoS-Class-Identifier"), REQ("Allocation-Retention-Priority"), END
};
/* TS 29.212 5.3.32; identical to Debian dict_dcca_3gpp's rules for this AVP. */
static const struct dict_rule_def allocation_retention_priority_rules[] = {
	REQ("Priority-Level"), OPT("Pre-emption-Capability"), OPT("Pre-emption-Vulnerability"), END
};
static const struct dict_rule_def ambr_rules[] = {
	REQ("Max-Requested-Bandwidth-UL"), REQ("Max-Requested-Bandwidth-DL"),
	OPT("Extended-Max-Requested-BW-UL"), OPT("Extended-Max-Requested-BW-DL"), END
};
static const struct dict_rule_def csg_subscription_data_rules[] = {
	REQ("CSG-Id"), OPT("Expiration-Date"), ANY("Service-Selection"), OPT("Visited-PLMN-Id"),
	END
};
static const struct dict_rule_def specific_apn_info_rules[] = {
	REQ("Service-Selection"), REQ("MIP6-Agent-Info"), OPT("Visited-Network-Identifier"), END
};
/* RFC 5447 4.2.1 */
static const struct dict_rule_def mip6_agent_info_rules[] = {
	OPTN("MIP-Home-Agent-Address", 2), OPT("MIP-Home-Agent-Host"),
	OPT("MIP6-Home-Link-Prefix"), END
};
/* RFC 4004 7.11 */
static const struct dict_rule_def mip_home_agent_host_rules[] = {
	REQ("Destination-Realm"), REQ("Destination-Host"), END
};
static const struct dict_rule_def trace_data_rules[] = {
	REQ("Trace-Reference"), REQ("Trace-Depth"), REQ("Trace-NE-Type-List"),
	OPT("Trace-Interface-List"), REQ("Trace-Event-List"), OPT("OMC-Id"),
	REQ("Trace-Collection-Entity"), OPT("MDT-Configuration"), END
};
static const struct dict_rule_def gprs_subscription_data_rules[] = {
	REQ("Complete-Data-List-Included-Indicator"), REQN("PDP-Context", 1, 50), END
};
static const struct dict_rule_def pdp_context_rules[] = {
	REQ("Context-Identifier"), REQ("PDP-Type"), OPT("PDP-Address"), REQ("QoS-Subscribed"),
	OPT("VPLMN-Dynamic-Address-Allowed"), REQ("Service-Selection"),
	OPT("3GPP-Charging-Characteristics"), OPT("Ext-PDP-Type"), OPT("Ext-PDP-Address"),
	OPT("AMBR"), OPT("APN-OI-Replacement"), OPT("SIPTO-Permission"), OPT("LIPA-Permission"),
	OPT("Restoration-Priority"), OPT("SIPTO-Local-Network-Permission"),
	OPT("Non-IP-Data-Delivery-Mechanism"), OPT("SCEF-ID"), END
};
static const struct dict_rule_def lcs_info_rules[] = {
	ANY("GMLC-Number"), ANY("LCS-PrivacyException"), ANY("MO-LR"), END
};
static const struct dict_rule_def lcs_privacyexception_rules[] = {
	REQ("SS-Code"), REQ("SS-Status"), OPT("Notification-To-UE-User"), ANY("External-Client"),
	ANY("PLMN-Client"), ANY("Service-Type"), END
};
static const struct dict_rule_def external_client_rules[] = {
	REQ("Client-Identity"), OPT("GMLC-Restriction"), OPT("Notification-To-UE-User"), END
};
static const struct dict_rule_def service_type_rules[] = {
	REQ("ServiceTypeIdentity"), OPT("GMLC-Restriction"), OPT("Notification-To-UE-User"), END
};
static const struct dict_rule_def ss_code_status_rules[] = {
	REQ("SS-Code"), REQ("SS-Status"), END
};
static const struct dict_rule_def teleservice_list_rules[] = {
	REQN("TS-Code", 1, -1), END
};
static const struct dict_rule_def eps_user_state_rules[] = {
	OPT("MME-User-State"), OPT("SGSN-User-State"), END
};
static const struct dict_rule_def eps_location_information_rules[] = {
	OPT("MME-Location-Information"), OPT("SGSN-Location-Information"), END
};
static const struct dict_rule_def user_state_rules[] = {
	OPT("User-State"), END
};
static const struct dict_rule_def mme_location_information_rules[] = {
	OPT("E-UTRAN-Cell-Global-Identity"), OPT("Tracking-Area-Identity"),
	OPT("Geographical-Information"), OPT("Geodetic-Information"),
	OPT("Current-Location-Retrieved"), OPT("Age-Of-Location-Information"),
	OPT("User-CSG-Information"), OPT("eNodeB-ID"), OPT("Extended-eNodeB-ID"), END
};
static const struct dict_rule_def sgsn_location_information_rules[] = {
	OPT("Cell-Global-Identity"), OPT("Location-Area-Identity"), OPT("Service-Area-Identity"),
	OPT("Routing-Area-Identity"), OPT("Geographical-Information"),
	OPT("Geodetic-Information"), OPT("Current-Location-Retrieved"),
	OPT("Age-Of-Location-Information"), OPT("User-CSG-Information"), END
};
static const struct dict_rule_def active_apn_rules[] = {
	REQ("Context-Identifier"), OPT("Service-Selection"), OPT("MIP6-Agent-Info"),
	OPT("Visited-Network-Identifier"), ANY("Specific-APN-Info"), END
};
static const struct dict_rule_def mdt_configuration_rules[] = {
	REQ("Job-Type"), OPT("Area-Scope"), OPT("List-Of-Measurements"),
	OPT("Reporting-Trigger"), OPT("Report-Interval"), OPT("Report-Amount"),
	OPT("Event-Threshold-RSRP"), OPT("Event-Threshold-RSRQ"), OPT("Logging-Interval"),
	OPT("Logging-Duration"), OPT("Measurement-Period-LTE"), OPT("Measurement-Period-UMTS"),
	OPT("Collection-Period-RRM-LTE"), OPT("Collection-Period-RRM-UMTS"),
	OPT("Positioning-Method"), OPT("Measurement-Quantity"),
	OPT("Event-Threshold-Event-1F"), OPT("Event-Threshold-Event-1I"),
	ANY("MDT-Allowed-PLMN-Id"), ANY("MBSFN-Area"), END
};
static const struct dict_rule_def area_scope_rules[] = {
	ANY("Cell-Global-Identity"), ANY("E-UTRAN-Cell-Global-Identity"),
	ANY("Routing-Area-Identity"), ANY("Location-Area-Identity"),
	ANY("Tracking-Area-Identity"), END
};
static const struct dict_rule_def plmn_list_rules[] = {
	REQN("Visited-PLMN-Id", 1, -1), END
};
static const struct dict_rule_def vplmn_csg_subscription_data_rules[] = {
	REQ("CSG-Id"), OPT("Expiration-Date"), END
};
static const struct dict_rule_def local_time_zone_rules[] = {
	REQ("Time-Zone"), REQ("Daylight-Saving-Time"), END
};
static const struct dict_rule_def wlan_offloadability_rules[] = {
	OPT("WLAN-offloadability-EUTRAN"), OPT("WLAN-offloadability-UTRAN"), END
};
static const struct dict_rule_def adjacent_access_restriction_data_rules[] = {
	REQ("Visited-PLMN-Id"), REQ("Access-Restriction-Data"), END
};
static const struct dict_rule_def imsi_group_id_rules[] = {
	REQ("Group-Service-Id"), REQ("Group-PLMN-Id"), REQ("Local-Group-Id"), END
};
static const struct dict_rule_def subscription_data_deletion_rules[] = {
	REQ("DSR-Flags"), OPT("SCEF-ID"), ANY("Context-Identifier"), OPT("Trace-Reference"),
	ANY("TS-Code"), ANY("SS-Code"), END
};
static const struct dict_rule_def emergency_info_rules[] = {
	OPT("MIP6-Agent-Info"), END
};
static const struct dict_rule_def v2x_subscription_data_rules[] = {
	OPT("V2X-Permission"), OPT("UE-PC5-AMBR"), END
};
static const struct dict_rule_def edrx_cycle_length_rules[] = {
	REQ("RAT-Type"), REQ("eDRX-Cycle-Length-Value"), END
};
static const struct dict_rule_def mbsfn_area_rules[] = {
	OPT("MBSFN-Area-ID"), OPT("Carrier-Frequency"), END
};
static const struct dict_rule_def paging_time_window_rules[] = {
	REQ("Operation-Mode"), REQ("Paging-Time-Window-Length"), END
};
static const struct dict_rule_def edrx_related_rat_rules[] = {
	REQN("RAT-Type", 1, -1), END
};
static const struct dict_rule_def v2x_subscription_data_nr_rules[] = {
	OPT("V2X-Permission"), OPT("UE-PC5-AMBR"), OPT("UE-PC5-QoS"), END
};
static const struct dict_rule_def ue_pc5_qos_rules[] = {
	REQN("PC5-QoS-Flow", 1, -1), OPT("PC5-Link-AMBR"), END
};
static const struct dict_rule_def pc5_qos_flow_rules[] = {
	REQ("5QI"), OPT("PC5-Flow-Bitrates"), OPT("PC5-Range"), END
};
static const struct dict_rule_def pc5_flow_bitrates_rules[] = {
	OPT("Guaranteed-Flow-Bitrates"), OPT("Maximum-Flow-Bitrates"), END
};
/* TS 32.299 7.2.247 */
static const struct dict_rule_def user_csg_information_rules[] = {
	REQ("CSG-Id"), REQ("CSG-Access-Mode"), OPT("CSG-Membership-Indication"), END
};
/* TS 29.336 8.4.40 */
static const struct dict_rule_def supported_services_rules[] = {
	OPT("Supported-Monitoring-Events"), END
};

static const struct dict_group_def s6a_groups[] = {
	{ "Subscription-Data", subscription_data_rules },
	{ "Terminal-Information", terminal_information_rules },
	{ "Requested-EUTRAN-Authentication-Info", requested_auth_info_rules },
	{ "Requested-UTRAN-GERAN-Authentication-Info", requested_auth_info_rules },
	{ "Authentication-Info", authentication_info_rules },
	{ "E-UTRAN-Vector", e_utran_vector_rules },
	{ "UTRAN-Vector", utran_vector_rules },
	{ "GERAN-Vector", geran_vector_rules },
	{ "APN-Configuration-Profile", apn_configuration_profile_rules },
	{ "APN-Configuration", apn_configuration_rules },
	{ "EPS-Subscribed-QoS-Profile", eps_subscribed_qos_profile_rules },
	{ "Allocation-Retention-Priority", allocation_retention_priority_rules },
	{ "AMBR", ambr_rules },
	{ "CSG-Subscription-Data", csg_subscription_data_rules },
	{ "Specific-APN-Info", specific_apn_info_rules },
	{ "MIP6-Agent-Info", mip6_agent_info_rules },
	{ "MIP-Home-Agent-Host", mip_home_agent_host_rules },
	{ "Trace-Data", trace_data_rules },
	{ "GPRS-Subscription-Data", gprs_subscription_data_rules },
	{ "PDP-Context", pdp_context_rules },
	{ "LCS-Info", lcs_info_rules },
	{ "LCS-PrivacyException", lcs_privacyexception_rules },
	{ "External-Client", external_client_rules },
	{ "Service-Type", service_type_rules },
	{ "MO-LR", ss_code_status_rules },
	{ "Teleservice-List", teleservice_list_rules },
	{ "Call-Barring-Info", ss_code_status_rules },
	{ "EPS-User-State", eps_user_state_rules },
	{ "EPS-Location-Information", eps_location_information_rules },
	{ "MME-User-State", user_state_rules },
	{ "SGSN-User-State", user_state_rules },
	{ "MME-Location-Information", mme_location_information_rules },
	{ "SGSN-Location-Information", sgsn_location_information_rules },
	{ "Active-APN", active_apn_rules },
	{ "MDT-Configuration", mdt_configuration_rules },
	{ "Area-Scope", area_scope_rules },
	{ "Equivalent-PLMN-List", plmn_list_rules },
	{ "VPLMN-CSG-Subscription-Data", vplmn_csg_subscription_data_rules },
	{ "Local-Time-Zone", local_time_zone_rules },
	{ "WLAN-offloadability", wlan_offloadability_rules },
	{ "Adjacent-PLMNs", plmn_list_rules },
	{ "Adjacent-Access-Restriction-Data", adjacent_access_restriction_data_rules },
	{ "IMSI-Group-Id", imsi_group_id_rules },
	{ "Subscription-Data-Deletion", subscription_data_deletion_rules },
	{ "Emergency-Info", emergency_info_rules },
	{ "V2X-Subscription-Data", v2x_subscription_data_rules },
	{ "eDRX-Cycle-Length", edrx_cycle_length_rules },
	{ "MBSFN-Area", mbsfn_area_rules },
	{ "Paging-Time-Window", paging_time_window_rules },
	{ "eDRX-Related-RAT", edrx_related_rat_rules },
	{ "V2X-Subscription-Data-Nr", v2x_subscription_data_nr_rules },
	{ "UE-PC5-QoS", ue_pc5_qos_rules },
	{ "PC5-QoS-Flow", pc5_qos_flow_rules },
	{ "PC5-Flow-Bitrates", pc5_flow_bitrates_rules },
	{ "User-CSG-Information", user_csg_information_rules },
	{ "Supported-Services", supported_services_rules },
	{ NULL, NULL }
};

/* ---- Commands (TS 29.272 7.2.3 - 7.2.18) -------------------------------------------- */

/* The lines every S6a message starts and ends with. */
#define S6A_HEAD HEAD("Session-Id"), OPT("DRMP"), OPT("Vendor-Specific-Application-Id"), \
	REQ("Auth-Session-State"), REQ("Origin-Host"), REQ("Origin-Realm")
#define S6A_TAIL ANY("Proxy-Info"), ANY("Route-Record")
#define S6A_RESULT OPT("Result-Code"), OPT("Experimental-Result")

static const struct dict_rule_def ulr_rules[] = {
	S6A_HEAD, OPT("Destination-Host"), REQ("Destination-Realm"), REQ("User-Name"),
	OPT("OC-Supported-Features"), ANY("Supported-Features"), OPT("Terminal-Information"),
	REQ("RAT-Type"), REQ("ULR-Flags"), OPT("UE-SRVCC-Capability"), REQ("Visited-PLMN-Id"),
	OPT("SGSN-Number"), OPT("Homogeneous-Support-of-IMS-Voice-Over-PS-Sessions"),
	OPT("GMLC-Address"), ANY("Active-APN"), OPT("Equivalent-PLMN-List"),
	OPT("MME-Number-for-MT-SMS"), OPT("SMS-Register-Request"), OPT("SGs-MME-Identity"),
	OPT("Coupled-Node-Diameter-ID"), OPT("Adjacent-PLMNs"), OPT("Supported-Services"),
	S6A_TAIL, END
};
static const struct dict_rule_def ula_rules[] = {
	S6A_HEAD, S6A_RESULT, OPT("Error-Diagnostic"), OPT("OC-Supported-Features"),
	OPT("OC-OLR"), ANY("Load"), ANY("Supported-Features"), OPT("ULA-Flags"),
	OPT("Subscription-Data"), ANY("Reset-ID"), OPT("Failed-AVP"), S6A_TAIL, END
};
static const struct dict_rule_def clr_rules[] = {
	S6A_HEAD, REQ("Destination-Host"), REQ("Destination-Realm"), REQ("User-Name"),
	ANY("Supported-Features"), REQ("Cancellation-Type"), OPT("CLR-Flags"), S6A_TAIL, END
};
static const struct dict_rule_def cla_rules[] = {
	S6A_HEAD, ANY("Supported-Features"), S6A_RESULT, OPT("Failed-AVP"), S6A_TAIL, END
};
static const struct dict_rule_def air_rules[] = {
	S6A_HEAD, OPT("Destination-Host"), REQ("Destination-Realm"), REQ("User-Name"),
	OPT("OC-Supported-Features"), ANY("Supported-Features"),
	OPT("Requested-EUTRAN-Authentication-Info"),
	OPT("Requested-UTRAN-GERAN-Authentication-Info"), REQ("Visited-PLMN-Id"),
	OPT("AIR-Flags"), S6A_TAIL, END
};
static const struct dict_rule_def aia_rules[] = {
	S6A_HEAD, S6A_RESULT, OPT("Error-Diagnostic"), OPT("OC-Supported-Features"),
	OPT("OC-OLR"), ANY("Load"), ANY("Supported-Features"), OPT("Authentication-Info"),
	OPT("UE-Usage-Type"), OPT("Failed-AVP"), S6A_TAIL, END
};
static const struct dict_rule_def idr_rules[] = {
	S6A_HEAD, REQ("Destination-Host"), REQ("Destination-Realm"), REQ("User-Name"),
	ANY("Supported-Features"), REQ("Subscription-Data"), OPT("IDR-Flags"), ANY("Reset-ID"),
	S6A_TAIL, END
};
static const struct dict_rule_def ida_rules[] = {
	S6A_HEAD, ANY("Supported-Features"), S6A_RESULT,
	OPT("IMS-Voice-Over-PS-Sessions-Supported"), OPT("Last-UE-Activity-Time"),
	OPT("RAT-Type"), OPT("IDA-Flags"), OPT("EPS-User-State"),
	OPT("EPS-Location-Information"), OPT("Local-Time-Zone"), OPT("Supported-Services"),
	ANY("Monitoring-Event-Report"), ANY("Monitoring-Event-Config-Status"), OPT("Failed-AVP"),
	S6A_TAIL, END
};
static const struct dict_rule_def dsr_rules[] = {
	S6A_HEAD, REQ("Destination-Host"), REQ("Destination-Realm"), REQ("User-Name"),
	ANY("Supported-Features"), REQ("DSR-Flags"), OPT("SCEF-ID"), ANY("Context-Identifier"),
	OPT("Trace-Reference"), ANY("TS-Code"), ANY("SS-Code"), S6A_TAIL, END
};
static const struct dict_rule_def dsa_rules[] = {
	S6A_HEAD, ANY("Supported-Features"), S6A_RESULT, OPT("DSA-Flags"), OPT("Failed-AVP"),
	S6A_TAIL, END
};
static const struct dict_rule_def pur_rules[] = {
	S6A_HEAD, OPT("Destination-Host"), REQ("Destination-Realm"), REQ("User-Name"),
	OPT("OC-Supported-Features"), ANY("Supported-Features"), OPT("PUR-Flags"),
	OPT("EPS-Location-Information"), S6A_TAIL, END
};
static const struct dict_rule_def pua_rules[] = {
	S6A_HEAD, ANY("Supported-Features"), S6A_RESULT, OPT("OC-Supported-Features"),
	OPT("OC-OLR"), ANY("Load"), OPT("PUA-Flags"), OPT("Failed-AVP"), S6A_TAIL, END
};
static const struct dict_rule_def rsr_rules[] = {
	S6A_HEAD, REQ("Destination-Host"), REQ("Destination-Realm"), ANY("Supported-Features"),
	ANY("User-Id"), ANY("Reset-ID"), OPT("Subscription-Data"),
	OPT("Subscription-Data-Deletion"), S6A_TAIL, END
};
static const struct dict_rule_def rsa_rules[] = {
	S6A_HEAD, ANY("Supported-Features"), S6A_RESULT, OPT("Failed-AVP"), S6A_TAIL, END
};
static const struct dict_rule_def nor_rules[] = {
	S6A_HEAD, OPT("Destination-Host"), REQ("Destination-Realm"), REQ("User-Name"),
	OPT("OC-Supported-Features"), ANY("Supported-Features"), OPT("Terminal-Information"),
	OPT("MIP6-Agent-Info"), OPT("Visited-Network-Identifier"), OPT("Context-Identifier"),
	OPT("Service-Selection"), OPT("Alert-Reason"), OPT("UE-SRVCC-Capability"),
	OPT("NOR-Flags"), OPT("Homogeneous-Support-of-IMS-Voice-Over-PS-Sessions"),
	OPT("Maximum-UE-Availability-Time"), ANY("Monitoring-Event-Config-Status"),
	OPT("Emergency-Services"), S6A_TAIL, END
};
static const struct dict_rule_def noa_rules[] = {
	S6A_HEAD, S6A_RESULT, OPT("OC-Supported-Features"), OPT("OC-OLR"), ANY("Load"),
	ANY("Supported-Features"), OPT("Failed-AVP"), S6A_TAIL, END
};

static const struct dict_cmd_def s6a_cmds[] = {
	{ "Update-Location-Request", 316, true, true, ulr_rules },
	{ "Update-Location-Answer", 316, false, true, ula_rules },
	{ "Cancel-Location-Request", 317, true, true, clr_rules },
	{ "Cancel-Location-Answer", 317, false, true, cla_rules },
	{ "Authentication-Information-Request", 318, true, true, air_rules },
	{ "Authentication-Information-Answer", 318, false, true, aia_rules },
	{ "Insert-Subscriber-Data-Request", 319, true, true, idr_rules },
	{ "Insert-Subscriber-Data-Answer", 319, false, true, ida_rules },
	{ "Delete-Subscriber-Data-Request", 320, true, true, dsr_rules },
	{ "Delete-Subscriber-Data-Answer", 320, false, true, dsa_rules },
	{ "Purge-UE-Request", 321, true, true, pur_rules },
	{ "Purge-UE-Answer", 321, false, true, pua_rules },
	{ "Reset-Request", 322, true, true, rsr_rules },
	{ "Reset-Answer", 322, false, true, rsa_rules },
	{ "Notify-Request", 323, true, true, nor_rules },
	{ "Notify-Answer", 323, false, true, noa_rules },
	{ NULL, 0, false, false, NULL }
};

const struct dict_app_def dict_s6a_def = {
	.name = "3GPP S6a/S6d",
	.app_id = DICT_APP_S6A,
	.vendor = DICT_VENDOR_3GPP,
	.avps = s6a_avps,
	.groups = s6a_groups,
	.cmds = s6a_cmds,
};

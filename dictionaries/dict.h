/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dict.h: the one public header of dictionaries/, freeDiameter dictionaries for the 3GPP
 * applications the project serves: S6a/S6d (TS 29.272), Cx (TS 29.229) and Sh (TS 29.329),
 * plus the AVPs they share. The same tables are also built as freeDiameter extensions
 * (dict_s6a.fdx, dict_cx.fdx, dict_sh.fdx) for a plain freeDiameterd.
 *
 * Every loader is idempotent, may run before or after Debian's dict_nasreq, dict_dcca and
 * dict_dcca_3gpp extensions, and needs an initialised core (cm_diam_init or
 * fd_core_initialize). They return 0 or an errno value; on failure dict_errmsg() tells why,
 * and after a success dict_warnmsg() names any enumerated value left out (log it if set).
 */
#ifndef DICT_H
#define DICT_H

#include <stdint.h>

#define DICT_VENDOR_3GPP 10415u
#define DICT_APP_S6A 16777251u   /* 3GPP S6a/S6d, TS 29.272 */
#define DICT_APP_CX  16777216u   /* 3GPP Cx/Dx, TS 29.229 */
#define DICT_APP_SH  16777217u   /* 3GPP Sh/Dh, TS 29.329 */

/* S6a Experimental-Result-Code values (TS 29.272 7.4.3, 7.4.4), with Vendor-Id 10415. */
#define DICT_S6A_AUTHENTICATION_DATA_UNAVAILABLE 4181u
#define DICT_S6A_ERROR_CAMEL_SUBSCRIPTION_PRESENT 4182u
#define DICT_S6A_ERROR_USER_UNKNOWN 5001u
#define DICT_S6A_ERROR_ROAMING_NOT_ALLOWED 5004u
#define DICT_S6A_ERROR_UNKNOWN_EPS_SUBSCRIPTION 5420u
#define DICT_S6A_ERROR_RAT_NOT_ALLOWED 5421u
#define DICT_S6A_ERROR_EQUIPMENT_UNKNOWN 5422u
#define DICT_S6A_ERROR_UNKNOWN_SERVING_NODE 5423u

/* Bits of the S6a *-Flags AVPs (TS 29.272 clause 7.3: ULR-Flags 7.3.7, ULA-Flags 7.3.8,
 * and the clauses of CLR-, IDR-, PUA-, AIR- and NOR-Flags); bit 0 is the least significant. */
#define DICT_ULR_SINGLE_REGISTRATION_IND     (1u << 0)
#define DICT_ULR_S6A_S6D_INDICATOR           (1u << 1)
#define DICT_ULR_SKIP_SUBSCRIBER_DATA        (1u << 2)
#define DICT_ULR_GPRS_SUBSCRIPTION_DATA_IND  (1u << 3)
#define DICT_ULR_NODE_TYPE_INDICATOR         (1u << 4)
#define DICT_ULR_INITIAL_ATTACH_INDICATOR    (1u << 5)
#define DICT_ULR_PS_LCS_NOT_SUPPORTED_BY_UE  (1u << 6)
#define DICT_ULR_SMS_ONLY_INDICATION         (1u << 7)
#define DICT_ULA_SEPARATION_INDICATION       (1u << 0)
#define DICT_ULA_MME_REGISTERED_FOR_SMS      (1u << 1)
#define DICT_CLR_S6A_S6D_INDICATOR           (1u << 0)
#define DICT_CLR_REATTACH_REQUIRED           (1u << 1)
#define DICT_IDR_UE_REACHABILITY_REQUEST     (1u << 0)
#define DICT_IDR_T_ADS_DATA_REQUEST          (1u << 1)
#define DICT_IDR_EPS_USER_STATE_REQUEST      (1u << 2)
#define DICT_IDR_EPS_LOCATION_INFO_REQUEST   (1u << 3)
#define DICT_IDR_CURRENT_LOCATION_REQUEST    (1u << 4)
#define DICT_IDR_LOCAL_TIME_ZONE_REQUEST     (1u << 5)
#define DICT_IDR_REMOVE_SMS_REGISTRATION     (1u << 6)
#define DICT_IDR_RAT_TYPE_REQUESTED          (1u << 7)
#define DICT_IDR_PCSCF_RESTORATION_REQUEST   (1u << 8)
#define DICT_PUA_FREEZE_M_TMSI               (1u << 0)
#define DICT_PUA_FREEZE_P_TMSI               (1u << 1)
#define DICT_AIR_SEND_UE_USAGE_TYPE          (1u << 0)
#define DICT_NOR_SINGLE_REGISTRATION_IND     (1u << 0)
#define DICT_NOR_SGSN_AREA_RESTRICTED        (1u << 1)
#define DICT_NOR_READY_FOR_SM_FROM_SGSN      (1u << 2)
#define DICT_NOR_UE_REACHABLE_FROM_MME       (1u << 3)
#define DICT_NOR_UE_REACHABLE_FROM_SGSN      (1u << 5)
#define DICT_NOR_READY_FOR_SM_FROM_MME       (1u << 6)
#define DICT_NOR_HOMOGENEOUS_IMS_VOPS        (1u << 7)
#define DICT_NOR_S6A_S6D_INDICATOR           (1u << 8)
#define DICT_NOR_REMOVAL_MME_REG_FOR_SMS     (1u << 9)

/* Load every dictionary: the common AVPs, S6a, Cx and Sh. Returns the first error. */
int dict_load_all(void);

/* The shared AVPs (Supported-Features, MSISDN, DRMP, OC-*, Load ...). Loaded by each of
 * the application loaders below, so rarely needed on its own. */
int dict_common_load(void);

/* One application each, with the shared AVPs (dict_sh_load also loads Cx, whose AVPs Sh
 * names). EEXIST means an AVP of the table is already in the dictionary with another data
 * type (see dict_errmsg()). */
int dict_s6a_load(void);
int dict_cx_load(void);
int dict_sh_load(void);

/* One line explaining the last failure of a loader in this thread ("" if none). */
const char *dict_errmsg(void);

/* What the last loader call in this thread left out without failing, "" if nothing: named
 * values of an Enumerated AVP that another dictionary defined first, where that
 * dictionary's type already uses the value under another name or the name for another
 * value (its constant stands), or has no Enumerated type at all. Values still encode and
 * parse; only those names do not resolve. "; "-separated, for the caller to log. */
const char *dict_warnmsg(void);

/* The table sets (common, S6a, Cx, Sh), NULL-terminated, for tests and tools that walk them; the
 * structure is described in dictionaries/dict_int.h. */
struct dict_app_def;
const struct dict_app_def *const *dict_tables(void);

#endif /* DICT_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dict_ims_tab.h: internal to dictionaries/, the table shorthand of dict_cx.c and dict_sh.c
 * (the IMS applications, written from the same AVP tables of TS 29.229 and TS 29.329).
 * Only M and V are constrained, as in Debian's dict_dcca_3gpp.fdx.
 */
#ifndef DICT_IMS_TAB_H
#define DICT_IMS_TAB_H

/* Defined by dictionaries/meson.build for the component's own sources only. */
#ifndef DICT_INTERNAL
#error "dict_ims_tab.h is internal to dictionaries/: include dict.h"
#endif

#include "dict_int.h"

#define FLAGS_MV (DICT_M | DICT_V)

/* 3GPP AVP with M and V both "must" */
#define AVP_MV(c, n, ...) { (c), DICT_VENDOR_3GPP, (n), FLAGS_MV, FLAGS_MV, __VA_ARGS__ }
/* 3GPP AVP with V "must" and M "must not" */
#define AVP_V(c, n, ...) { (c), DICT_VENDOR_3GPP, (n), DICT_V, FLAGS_MV, __VA_ARGS__ }
/* IETF AVP with M "must" and V "must not" */
#define AVP_IETF(c, n, ...) { (c), 0, (n), DICT_M, FLAGS_MV, __VA_ARGS__ }

#define OSTR AVP_TYPE_OCTETSTRING, DICT_T_NONE, NULL
#define UTF8 AVP_TYPE_OCTETSTRING, DICT_T_UTF8, NULL
#define URI  AVP_TYPE_OCTETSTRING, DICT_T_DIAMURI, NULL
#define DIAMID AVP_TYPE_OCTETSTRING, DICT_T_DIAMID, NULL
#define ADDR AVP_TYPE_OCTETSTRING, DICT_T_ADDRESS, NULL
#define TIME AVP_TYPE_OCTETSTRING, DICT_T_TIME, NULL
#define U32  AVP_TYPE_UNSIGNED32, DICT_T_NONE, NULL
#define U64  AVP_TYPE_UNSIGNED64, DICT_T_NONE, NULL
#define GRP  AVP_TYPE_GROUPED, DICT_T_NONE, NULL
#define ENUM(tab) AVP_TYPE_INTEGER32, DICT_T_ENUM, (tab)

/* ABNF: <X> fixed head, {X} exactly one, 1*{X} one or more, [X] at most one, *[X] any. */
#define FIXED(n) { (n), RULE_FIXED_HEAD, -1, 1 }
#define REQ(n)   { (n), RULE_REQUIRED, -1, 1 }
#define REQN(n)  { (n), RULE_REQUIRED, -1, -1 }
#define OPT(n)   { (n), RULE_OPTIONAL, -1, 1 }
#define OPTN(n)  { (n), RULE_OPTIONAL, -1, -1 }
#define RULES_END { NULL, RULE_OPTIONAL, 0, 0 }

#endif /* DICT_IMS_TAB_H */

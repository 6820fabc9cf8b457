/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dict_int.h: internal to dictionaries/. The dictionaries are written as constant tables
 * (one file per application plus one for the AVPs they share) and installed into
 * freeDiameter's dictionary by one loader (dict_load.c). Keeping them as data means a new
 * AVP is one table line, the tests can walk every entry, and the loader is the only code
 * that talks to fd_dict_new.
 *
 * The loader looks every item up before creating it, so tables may be loaded in any order,
 * more than once, and after Debian's dict_dcca_3gpp.fdx, as long as definitions agree.
 */
#ifndef DICT_INT_H
#define DICT_INT_H

/* Defined by dictionaries/meson.build for the component's own sources only. */
#ifndef DICT_INTERNAL
#error "dict_int.h is internal to dictionaries/: include dict.h"
#endif

#include "cm.h"
#include "dict.h"   /* DICT_VENDOR_3GPP, DICT_APP_* */

/* AVP header flags, as in the Diameter header: */
#define DICT_M AVP_FLAG_MANDATORY
#define DICT_V AVP_FLAG_VENDOR
#define DICT_P AVP_FLAG_RESERVED3 /* historical P bit: always must-be-clear */

/* Derived data types built into freeDiameter's base dictionary, or Enumerated. */
enum dict_dtype {
	DICT_T_NONE = 0,      /* plain basic type */
	DICT_T_UTF8,          /* UTF8String */
	DICT_T_ADDRESS,       /* Address */
	DICT_T_TIME,          /* Time */
	DICT_T_DIAMID,        /* DiameterIdentity */
	DICT_T_DIAMURI,       /* DiameterURI */
	DICT_T_IPFILTER,      /* IPFilterRule */
	DICT_T_ENUM,          /* Enumerated (Integer32 base); values in `enums` */
};

/* Name of a derived type as freeDiameter's base dictionary names it ("UTF8String",
 * "Address", ...), "Enumerated" for DICT_T_ENUM (our own per-AVP types), NULL for
 * DICT_T_NONE. The one copy of this table (dict_load.c). */
const char *dict_dtype_name(enum dict_dtype t);

struct dict_enum_def {
	const char *name;
	int32_t value;
};

struct dict_avp_def {
	uint32_t code;
	uint32_t vendor;               /* 0 or DICT_VENDOR_3GPP */
	const char *name;
	uint8_t flag_val;              /* flags that must be set (DICT_M, DICT_V) */
	uint8_t flag_mask;             /* flags whose value is fixed by the spec */
	enum dict_avp_basetype base;   /* AVP_TYPE_* */
	enum dict_dtype dtype;
	const struct dict_enum_def *enums; /* NULL-name-terminated, for DICT_T_ENUM */
};

/* One ABNF rule: `avp` by name; min -1 = no minimum given (0), max -1 = unbounded. */
struct dict_rule_def {
	const char *avp;
	enum rule_position pos;        /* RULE_FIXED_HEAD, RULE_REQUIRED, RULE_OPTIONAL */
	int min, max;
};

struct dict_group_def {
	const char *avp;               /* the grouped AVP */
	const struct dict_rule_def *rules; /* NULL-avp-terminated */
};

struct dict_cmd_def {
	const char *name;              /* e.g. "Update-Location-Request" */
	uint32_t code;
	bool request;
	bool proxiable;
	const struct dict_rule_def *rules; /* NULL-avp-terminated */
};

/* A table set: one application (app_id 0 for the shared AVP set). */
struct dict_app_def {
	const char *name;              /* e.g. "3GPP S6a/S6d" */
	uint32_t app_id;
	uint32_t vendor;
	const struct dict_avp_def *avps;       /* code-0-and-NULL-name-terminated */
	const struct dict_group_def *groups;   /* NULL-avp-terminated */
	const struct dict_cmd_def *cmds;       /* NULL-name-terminated; may be NULL */
};

/* The tables (dict_common.c, dict_s6a.c, dict_cx.c, dict_sh.c). */
extern const struct dict_app_def dict_common_def;  /* AVPs shared by several applications */
extern const struct dict_app_def dict_s6a_def;
extern const struct dict_app_def dict_cx_def;
extern const struct dict_app_def dict_sh_def;

/* Install one table set into fd_g_config->cnf_dict (dict_load.c). Installs
 * dict_common_def first when def is an application. 0 or an errno; the reason of a
 * failure is kept for dict_errmsg(). */
int dict_install(const struct dict_app_def *def);

/* Record the reason of a failure for dict_errmsg() (dict_load.c). */
void dict_set_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Forget the notes dict_warnmsg() reports; each public loader calls it once (dict_load.c). */
void dict_warn_reset(void);

#endif /* DICT_INT_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dict.h: the one public header of dictionaries/, freeDiameter dictionaries for the 3GPP
 * applications the project serves: S6a/S6d (TS 29.272), Cx (TS 29.229) and Sh (TS 29.329),
 * plus the AVPs they share. The same tables are also built as freeDiameter extensions
 * (dict_s6a.fdx, dict_cx.fdx, dict_sh.fdx) for a plain freeDiameterd.
 *
 * Every loader is idempotent, may run before or after Debian's dict_nasreq, dict_dcca and
 * dict_dcca_3gpp extensions, and needs an initialised core (cm_diam_init or
 * fd_core_initialize). They return 0 or an errno value; on failure dict_errmsg() tells why.
 */
#ifndef DICT_H
#define DICT_H

#include <stdint.h>

#define DICT_VENDOR_3GPP 10415u
#define DICT_APP_S6A 16777251u   /* 3GPP S6a/S6d, TS 29.272 */
#define DICT_APP_CX  16777216u   /* 3GPP Cx/Dx, TS 29.229 */
#define DICT_APP_SH  16777217u   /* 3GPP Sh/Dh, TS 29.329 */

/* Load every dictionary compiled in (common AVPs, S6a, and Cx/Sh when available).
 * Returns the first error; ENOTSUP from a missing Cx/Sh table is not an error here. */
int dict_load_all(void);

/* The shared AVPs (Supported-Features, MSISDN, DRMP, OC-*, Load ...). Loaded by each of
 * the application loaders below, so rarely needed on its own. */
int dict_common_load(void);

/* One application each, with the shared AVPs. dict_cx_load and dict_sh_load return
 * ENOTSUP when this build has no table for them. EEXIST means an AVP of the table is
 * already in the dictionary with another data type (see dict_errmsg()). */
int dict_s6a_load(void);
int dict_cx_load(void);
int dict_sh_load(void);

/* One line explaining the last failure of a loader in this thread ("" if none). */
const char *dict_errmsg(void);

/* The table sets compiled in, NULL-terminated, for tests and tools that walk them; the
 * structure is described in dictionaries/dict_int.h. */
struct dict_app_def;
const struct dict_app_def *const *dict_tables(void);

#endif /* DICT_H */

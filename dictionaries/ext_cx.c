/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ext_cx.c: entry point of dict_cx.fdx, the 3GPP Cx/Dx (TS 29.229) dictionary as a freeDiameter
 * extension for a plain freeDiameterd ("LoadExtension = \"dict_cx.fdx\";"). It installs
 * the same tables the daemons load with dict_cx_load().
 */
#include "dict_int.h"

#include <freeDiameter/extension.h>

static int ext_cx_init(char *conffile)
{
	int r;

	dict_warn_reset();
	r = dict_install(&dict_cx_def);

	/* freeDiameterd reports only the error code; say which definition failed. */
	if (r) {
		fd_log_error("dict_cx: %s", dict_errmsg());
		return r;
	}
	fd_log_notice("dict_cx: 3GPP Cx/Dx (TS 29.229) dictionary loaded");
	/* Names a rule or an operator may use that do not resolve: say so where it is seen. */
	if (*dict_warnmsg())
		fd_log_error("dict_cx: named values left out: %s", dict_warnmsg());
	return 0;
}

/* The module is built with hidden visibility; freeDiameterd needs these two symbols. */
#pragma GCC visibility push(default)
EXTENSION_ENTRY("dict_cx", ext_cx_init);
#pragma GCC visibility pop

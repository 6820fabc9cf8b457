/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ext_s6a.c: entry point of dict_s6a.fdx, the 3GPP S6a/S6d (TS 29.272) dictionary as a freeDiameter
 * extension for a plain freeDiameterd ("LoadExtension = \"dict_s6a.fdx\";"). It installs
 * the same tables the daemons load with dict_s6a_load().
 */
#include "dict_int.h"

#include <freeDiameter/extension.h>

static int ext_s6a_init(char *conffile)
{
	int r;

	dict_warn_reset();
	r = dict_install(&dict_s6a_def);

	/* freeDiameterd reports only the error code; say which definition failed. */
	if (r) {
		fd_log_error("dict_s6a: %s", dict_errmsg());
		return r;
	}
	fd_log_notice("dict_s6a: 3GPP S6a/S6d (TS 29.272) dictionary loaded");
	/* Names a rule or an operator may use that do not resolve: say so where it is seen. */
	if (*dict_warnmsg())
		fd_log_error("dict_s6a: named values left out: %s", dict_warnmsg());
	return 0;
}

/* The module is built with hidden visibility; freeDiameterd needs these two symbols. */
#pragma GCC visibility push(default)
EXTENSION_ENTRY("dict_s6a", ext_s6a_init);
#pragma GCC visibility pop

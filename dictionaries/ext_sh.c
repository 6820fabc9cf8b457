/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ext_sh.c: entry point of dict_sh.fdx, the 3GPP Sh/Dh (TS 29.329) dictionary as a freeDiameter
 * extension for a plain freeDiameterd ("LoadExtension = \"dict_sh.fdx\";"). It installs
 * the same tables the daemons load with dict_sh_load().
 */
#include "dict_int.h"

#include <freeDiameter/extension.h>

static int ext_sh_init(char *conffile)
{
	int r;

	dict_warn_reset();
	/* The Sh tables name Cx AVPs without defining them: this module carries both. */
	r = dict_install(&dict_cx_def);
	if (!r)
		r = dict_install(&dict_sh_def);

	/* freeDiameterd reports only the error code; say which definition failed. */
	if (r) {
		fd_log_error("dict_sh: %s", dict_errmsg());
		return r;
	}
	fd_log_notice("dict_sh: 3GPP Sh/Dh (TS 29.329) dictionary loaded");
	/* Names a rule or an operator may use that do not resolve: say so where it is seen. */
	if (*dict_warnmsg())
		fd_log_error("dict_sh: named values left out: %s", dict_warnmsg());
	return 0;
}

/* The module is built with hidden visibility; freeDiameterd needs these two symbols. */
#pragma GCC visibility push(default)
EXTENSION_ENTRY("dict_sh", ext_sh_init);
#pragma GCC visibility pop

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dict_api.c: the public loaders of dict.h on top of dict_install.
 */
#include "dict_int.h"

/* The Sh tables name Cx AVPs (Public-Identity, Server-Name ...) without defining them. This
 * one skips dict_warn_reset(), so dict_load_all() keeps every note. */
static int dict_sh_install(void)
{
	int r = dict_install(&dict_cx_def);

	return r ? r : dict_install(&dict_sh_def);
}

int dict_common_load(void)
{
	dict_warn_reset();
	return dict_install(&dict_common_def);
}

int dict_s6a_load(void)
{
	dict_warn_reset();
	return dict_install(&dict_s6a_def);
}

int dict_cx_load(void)
{
	dict_warn_reset();
	return dict_install(&dict_cx_def);
}

int dict_sh_load(void)
{
	dict_warn_reset();
	return dict_sh_install();
}

int dict_load_all(void)
{
	int r;

	dict_warn_reset();
	r = dict_install(&dict_s6a_def);
	if (r)
		return r;
	r = dict_install(&dict_cx_def);
	if (r)
		return r;
	return dict_sh_install();
}

const struct dict_app_def *const *dict_tables(void)
{
	static const struct dict_app_def *const tables[] = {
		&dict_common_def,
		&dict_s6a_def,
		&dict_cx_def,
		&dict_sh_def,
		NULL
	};

	return tables;
}

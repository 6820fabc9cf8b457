/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dict_api.c: the public loaders of dict.h on top of dict_install. Cx and Sh tables are
 * compiled in only when their files exist (meson defines DICT_HAVE_CX / DICT_HAVE_SH).
 */
#include "dict_int.h"

int dict_common_load(void)
{
	return dict_install(&dict_common_def);
}

int dict_s6a_load(void)
{
	return dict_install(&dict_s6a_def);
}

int dict_cx_load(void)
{
#ifdef DICT_HAVE_CX
	return dict_install(&dict_cx_def);
#else
	dict_set_err("this build has no Cx dictionary (dictionaries/dict_cx.c)");
	return ENOTSUP;
#endif
}

int dict_sh_load(void)
{
#if defined(DICT_HAVE_SH) && defined(DICT_HAVE_CX)
	/* The Sh tables name Cx AVPs (Public-Identity, Server-Name ...) without defining them. */
	int r = dict_install(&dict_cx_def);

	return r ? r : dict_install(&dict_sh_def);
#else
	dict_set_err("this build has no Sh dictionary (dictionaries/dict_sh.c)");
	return ENOTSUP;
#endif
}

int dict_load_all(void)
{
	int r;

	r = dict_s6a_load();
	if (r)
		return r;
	r = dict_cx_load();
	if (r && r != ENOTSUP)
		return r;
	r = dict_sh_load();
	if (r && r != ENOTSUP)
		return r;
	return 0;
}

const struct dict_app_def *const *dict_tables(void)
{
	static const struct dict_app_def *const tables[] = {
		&dict_common_def,
		&dict_s6a_def,
#ifdef DICT_HAVE_CX
		&dict_cx_def,
#endif
#if defined(DICT_HAVE_SH) && defined(DICT_HAVE_CX)
		&dict_sh_def,
#endif
		NULL
	};

	return tables;
}

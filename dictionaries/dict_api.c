/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dict_api.c: the public loaders of dict.h on top of dict_install. Cx and Sh tables are
 * compiled in only when their files exist (meson defines DICT_HAVE_CX / DICT_HAVE_SH).
 */
#include "dict_int.h"

/* The loaders below without dict_warn_reset(), so dict_load_all() keeps every note. */
static int dict_cx_install(void)
{
#ifdef DICT_HAVE_CX
	return dict_install(&dict_cx_def);
#else
	dict_set_err("this build has no Cx dictionary (dictionaries/dict_cx.c)");
	return ENOTSUP;
#endif
}

static int dict_sh_install(void)
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
	return dict_cx_install();
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
	r = dict_cx_install();
	if (r && r != ENOTSUP)
		return r;
	r = dict_sh_install();
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

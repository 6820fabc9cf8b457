/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dict_dump.c: prints every AVP of every compiled-in table, one tab-separated line each
 * (table, code, vendor, name, type, flags set, flags fixed, enumerated values), for
 * test_dict_wireshark.py. Needs no freeDiameter initialisation: it only reads the tables.
 */
#include "dict.h"
#define DICT_INTERNAL   /* white-box: reads the tables themselves */
#include "dict_int.h"

#include <stdio.h>

static const char *type_name(const struct dict_avp_def *a)
{
	const char *n = dict_dtype_name(a->dtype);

	return n ? n : cm_avp_basetype_name(a->base);
}

int main(void)
{
	const struct dict_app_def *const *t;
	const struct dict_avp_def *a;
	const struct dict_enum_def *e;

	for (t = dict_tables(); *t; t++) {
		for (a = (*t)->avps; a && a->name; a++) {
			printf("%s\t%u\t%u\t%s\t%s\t%u\t%u\t", (*t)->name, a->code, a->vendor, a->name,
			       type_name(a), a->flag_val, a->flag_mask);
			for (e = a->enums; e && e->name; e++)
				printf("%s%s=%d", e == a->enums ? "" : ",", e->name, e->value);
			printf("\n");
		}
	}
	return 0;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_sub.c: libFuzzer target for the text parsers of hss/db (hss_sub_set for every field,
 * hss_apn_parse, validation and formatting of whatever got accepted): what hssctl and the
 * database backends feed them. Input: "FIELD\0VALUE" (no NUL: the whole input is an APN
 * spec). Its seeds are corpus/sub, replayed with deterministic mutations by replay.c.
 */
#include "hss_db.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hss_sub sub;
	static char buf[65536];
	char *s = malloc(size + 1), err[512];
	const char *nul;
	struct hss_apn a;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	nul = memchr(s, 0, size);
	hss_sub_init(&sub);
	if (nul && nul < s + size) {
		if (hss_sub_set(&sub, s, nul + 1, err, sizeof(err)) == 0) {
			const struct hss_field_info *f;
			/* what was accepted formats and validates without crashing */
			for (f = hss_sub_fields(); f->name; f++)
				hss_sub_get(&sub, f->name, buf, sizeof(buf));
			hss_sub_validate(&sub, err, sizeof(err));
		}
	} else if (hss_apn_parse(s, &a, err, sizeof(err)) == 0) {
		hss_apn_format(&a, buf, sizeof(buf));
	}
	free(s);
	return 0;
}

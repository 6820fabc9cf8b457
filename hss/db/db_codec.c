/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_codec.c: one stored form of every subscriber and APN field, for every backend: keys
 * as lower-case hex, numbers in decimal, booleans 0/1, the roaming PLMN list as
 * "00101,00102", empty optional strings as NULL. Backends store and load these texts
 * (SQLite gives them their column's type by affinity); none converts a field itself.
 */
#include "db_int.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *hss_col_text(const struct hss_fdesc *f, const void *base, char *buf, bool *num)
{
	const char *p = (const char *)base + f->off;

	*num = false;
	switch (f->kind) {
	case HSS_FK_DIGITS:
	case HSS_FK_STR:
	case HSS_FK_HEXSTR:
	case HSS_FK_PLMN:
		return *p ? p : NULL;
	case HSS_FK_HEX:
		if (2 * f->size + 1 > HSS_COL_TEXT_MAX)
			return NULL;
		hss_hex_encode((const uint8_t *)p, f->size, buf);
		return buf;
	case HSS_FK_PLMNS:
		hss_plmns_format(base, buf, HSS_COL_TEXT_MAX);
		return *buf ? buf : NULL;
	case HSS_FK_APNS:
		return NULL;
	case HSS_FK_U32:
	case HSS_FK_ENUM:
		snprintf(buf, HSS_COL_TEXT_MAX, "%" PRIu32, *(const uint32_t *)p);
		break;
	case HSS_FK_U64:
		snprintf(buf, HSS_COL_TEXT_MAX, "%" PRIu64, *(const uint64_t *)p);
		break;
	case HSS_FK_I32:
		snprintf(buf, HSS_COL_TEXT_MAX, "%" PRId32, *(const int32_t *)p);
		break;
	case HSS_FK_I64:
		snprintf(buf, HSS_COL_TEXT_MAX, "%" PRId64, *(const int64_t *)p);
		break;
	case HSS_FK_BOOL:
		snprintf(buf, HSS_COL_TEXT_MAX, "%d", *(const bool *)p ? 1 : 0);
		break;
	}
	*num = true;
	return buf;
}

static int parse_int(const char *t, int64_t min, int64_t max, int64_t *ret)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(t, &end, 10);
	if (!*t || *end || errno || v < min || v > max)
		return EIO;
	*ret = v;
	return 0;
}

int hss_col_load(const struct hss_fdesc *f, const char *t, void *base, const char *imsi,
                 const char *driver)
{
	char *p = (char *)base + f->off, err[128];
	unsigned long long u;
	int64_t v;
	char *end;

	if (!t)   /* NULL: the default stays (a serving row not written yet, say) */
		return 0;
	switch (f->kind) {
	case HSS_FK_DIGITS:
	case HSS_FK_STR:
	case HSS_FK_HEXSTR:
	case HSS_FK_PLMN:
		if (strlen(t) >= f->size)
			goto bad;
		memcpy(p, t, strlen(t) + 1);
		return 0;
	case HSS_FK_HEX:
		if (hss_hex_decode(t, (uint8_t *)p, f->size))
			goto bad;
		return 0;
	case HSS_FK_PLMNS:
		if (hss_plmns_parse(base, t, err, sizeof(err)))
			goto bad;
		return 0;
	case HSS_FK_U32:
	case HSS_FK_ENUM:
		if (parse_int(t, 0, UINT32_MAX, &v))
			goto bad;
		*(uint32_t *)p = (uint32_t)v;
		return 0;
	case HSS_FK_U64:
		errno = 0;
		u = strtoull(t, &end, 10);
		if (!*t || *end || errno || *t == '-')
			goto bad;
		*(uint64_t *)p = u;
		return 0;
	case HSS_FK_I32:
		if (parse_int(t, INT32_MIN, INT32_MAX, &v))
			goto bad;
		*(int32_t *)p = (int32_t)v;
		return 0;
	case HSS_FK_I64:
		if (parse_int(t, INT64_MIN, INT64_MAX, &v))
			goto bad;
		*(int64_t *)p = v;
		return 0;
	case HSS_FK_BOOL:
		if (parse_int(t, INT32_MIN, INT32_MAX, &v))
			goto bad;
		*(bool *)p = v != 0;
		return 0;
	case HSS_FK_APNS:
		break;
	}
bad:
	/* K and OP/OPc (HSS_FK_HEX) are secrets: never copied into a message that gets logged */
	return hss_db_set_error(EIO, "%s: corrupt value '%.40s' in column '%s' of IMSI %s", driver,
	                        f->kind == HSS_FK_HEX ? "(hidden)" : t, f->name, imsi);
}

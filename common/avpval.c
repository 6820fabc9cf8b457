/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * avpval.c: AVP values to and from their text form (the table in cm.h), written once for the
 * rule engine, dra --explain, dclient and the HSS. Parsing checks the text against the type
 * (ranges, addresses, constant names, TBCD digits) and says why it does not fit.
 */
#include "cm.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

int cm_avpval_text(const struct cm_avpdef *def, bool tbcd, const union avp_value *v, char *buf,
                   size_t bufsz, size_t *ret_len)
{
	int n = 0;

	if (!def || !v || !buf || bufsz == 0)
		return EINVAL;
	switch (def->fmt) {
	case CM_VF_OCTETS:
		if (tbcd) {
			int ret = cm_tbcd_decode(v->os.data, v->os.len, buf, bufsz);
			if (ret)
				return ret;
			*ret_len = strlen(buf);
			return 0;
		}
		if (v->os.len >= bufsz)
			return ENOSPC;
		if (v->os.len)
			memcpy(buf, v->os.data, v->os.len);
		buf[v->os.len] = '\0';
		*ret_len = v->os.len;
		return 0;
	case CM_VF_ADDRESS: {
		int af;
		if (v->os.len == 6 && v->os.data[0] == 0 && v->os.data[1] == 1)
			af = AF_INET;
		else if (v->os.len == 18 && v->os.data[0] == 0 && v->os.data[1] == 2)
			af = AF_INET6;
		else
			return EINVAL;
		if (!inet_ntop(af, v->os.data + 2, buf, (socklen_t)bufsz))
			return ENOSPC;
		*ret_len = strlen(buf);
		return 0;
	}
	case CM_VF_TIME:
		if (v->os.len != 4)
			return EINVAL;
		n = snprintf(buf, bufsz, "%" PRIu32,
		             (uint32_t)v->os.data[0] << 24 | (uint32_t)v->os.data[1] << 16
		             | (uint32_t)v->os.data[2] << 8 | v->os.data[3]);
		break;
	case CM_VF_NUM:
		switch (def->base) {
		case AVP_TYPE_INTEGER32: n = snprintf(buf, bufsz, "%" PRId32, v->i32); break;
		case AVP_TYPE_INTEGER64: n = snprintf(buf, bufsz, "%" PRId64, v->i64); break;
		case AVP_TYPE_UNSIGNED32: n = snprintf(buf, bufsz, "%" PRIu32, v->u32); break;
		case AVP_TYPE_UNSIGNED64: n = snprintf(buf, bufsz, "%" PRIu64, v->u64); break;
		case AVP_TYPE_FLOAT32: n = snprintf(buf, bufsz, "%.9g", (double)v->f32); break;
		case AVP_TYPE_FLOAT64: n = snprintf(buf, bufsz, "%.17g", v->f64); break;
		default: return EINVAL;
		}
		break;
	case CM_VF_GROUPED:
		return EINVAL;
	}
	if (n < 0 || (size_t)n >= bufsz)
		return ENOSPC;
	*ret_len = (size_t)n;
	return 0;
}

/* The dictionary of the AVP's type, for constant lookups. */
static struct dictionary *type_dict(const struct cm_avpdef *def)
{
	struct dictionary *dict = NULL;

	if (!def->type || fd_dict_getdict(def->type, &dict))
		return NULL;
	return dict;
}

/* A named constant of the AVP's type (Enumerated and the like). */
static int enum_by_name(const struct cm_avpdef *def, const char *name, union avp_value *v)
{
	struct dictionary *dict = type_dict(def);
	struct dict_object *ev = NULL;
	struct dict_enumval_request req;
	struct dict_enumval_data ed;

	if (!dict)
		return ENOENT;
	memset(&req, 0, sizeof(req));
	req.type_obj = def->type;
	req.search.enum_name = (char *)name;
	if (fd_dict_search(dict, DICT_ENUMVAL, ENUMVAL_BY_STRUCT, &req, &ev, ENOENT) || !ev ||
	    fd_dict_getval(ev, &ed))
		return ENOENT;
	*v = ed.enum_value;
	return 0;
}

const char *cm_avpval_enum_name(const struct cm_avpdef *def, const union avp_value *v)
{
	struct dictionary *dict;
	struct dict_object *ev = NULL;
	struct dict_enumval_request req;
	struct dict_enumval_data ed;

	if (!def || !v || def->fmt != CM_VF_NUM || !(dict = type_dict(def)))
		return NULL;
	memset(&req, 0, sizeof(req));
	req.type_obj = def->type;
	switch (def->base) {
	case AVP_TYPE_INTEGER32: req.search.enum_value.i32 = v->i32; break;
	case AVP_TYPE_UNSIGNED32: req.search.enum_value.u32 = v->u32; break;
	case AVP_TYPE_INTEGER64: req.search.enum_value.i64 = v->i64; break;
	case AVP_TYPE_UNSIGNED64: req.search.enum_value.u64 = v->u64; break;
	default: return NULL;
	}
	if (fd_dict_search(dict, DICT_ENUMVAL, ENUMVAL_BY_STRUCT, &req, &ev, ENOENT) || !ev ||
	    fd_dict_getval(ev, &ed))
		return NULL;
	return ed.enum_name;
}

/* A NUL-terminated number (or constant name) into v for def's base type. */
static int parse_num(const struct cm_avpdef *def, const char *s, union avp_value *v,
                     const char **why)
{
	char *end = NULL;
	bool neg = s[0] == '-';
	/* decimal, or hex with 0x; never octal: "010" is ten */
	const char *digits = neg || s[0] == '+' ? s + 1 : s;
	int base = (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) ? 16 : 10;

	if (!s[0] || isspace((unsigned char)s[0]))
		goto bad;
	errno = 0;
	switch (def->base) {
	case AVP_TYPE_INTEGER32:
	case AVP_TYPE_INTEGER64: {
		long long x = strtoll(s, &end, base);
		if (errno || *end)
			goto bad;
		if (def->base == AVP_TYPE_INTEGER32 && (x < INT32_MIN || x > INT32_MAX)) {
			*why = "out of range for Integer32";
			return EINVAL;
		}
		if (def->base == AVP_TYPE_INTEGER32)
			v->i32 = (int32_t)x;
		else
			v->i64 = x;
		return 0;
	}
	case AVP_TYPE_UNSIGNED32:
	case AVP_TYPE_UNSIGNED64: {
		unsigned long long x;
		if (neg)
			goto bad;
		x = strtoull(s, &end, base);
		if (errno || *end)
			goto bad;
		if (def->base == AVP_TYPE_UNSIGNED32 && x > UINT32_MAX) {
			*why = "out of range for Unsigned32";
			return EINVAL;
		}
		if (def->base == AVP_TYPE_UNSIGNED32)
			v->u32 = (uint32_t)x;
		else
			v->u64 = x;
		return 0;
	}
	case AVP_TYPE_FLOAT32:
	case AVP_TYPE_FLOAT64: {
		double x = strtod(s, &end);
		if (errno || *end)
			goto bad;
		if (def->base == AVP_TYPE_FLOAT32)
			v->f32 = (float)x;
		else
			v->f64 = x;
		return 0;
	}
	default:
		break;
	}
bad:
	/* Not a number: maybe a constant name of the type (e.g. an Enumerated value). */
	if (enum_by_name(def, s, v) == 0)
		return 0;
	switch (def->base) {
	case AVP_TYPE_INTEGER32: *why = def->type ? "not an Integer32 or a known constant of its "
	                                            "type" : "not an Integer32"; break;
	case AVP_TYPE_INTEGER64: *why = "not an Integer64"; break;
	case AVP_TYPE_UNSIGNED32: *why = "not an Unsigned32"; break;
	case AVP_TYPE_UNSIGNED64: *why = "not an Unsigned64"; break;
	default: *why = "not a number"; break;
	}
	return EINVAL;
}

int cm_avpval_parse(const struct cm_avpdef *def, bool tbcd, const char *text, size_t len,
                    union avp_value *v, uint8_t *store, size_t storesz, const char **why)
{
	char tmp[64];
	const char *dummy;

	if (!why)
		why = &dummy;
	if (!def || !v || (!text && len) || (!store && storesz)) {
		*why = "no value";
		return EINVAL;
	}
	memset(v, 0, sizeof(*v));
	switch (def->fmt) {
	case CM_VF_OCTETS:
		if (tbcd) {
			size_t olen = 0;
			int ret = cm_tbcd_encode(text, len, store, storesz, &olen);
			if (ret == EINVAL)
				*why = "not a TBCD number (digits 0-9 * # a b c)";
			else if (ret)
				*why = "too long";
			if (ret)
				return EINVAL;
			v->os.data = store;
			v->os.len = olen;
			return 0;
		}
		if (len > storesz) {
			*why = "too long";
			return ENOSPC;
		}
		if (len)
			memcpy(store, text, len);
		v->os.data = store;
		v->os.len = len;
		return 0;
	case CM_VF_ADDRESS:
		if (len >= sizeof(tmp) || storesz < 18)
			goto bad_addr;
		memcpy(tmp, text, len);
		tmp[len] = '\0';
		if (inet_pton(AF_INET, tmp, store + 2) == 1) {
			store[0] = 0;
			store[1] = 1;
			v->os.len = 6;
		} else if (inet_pton(AF_INET6, tmp, store + 2) == 1) {
			store[0] = 0;
			store[1] = 2;
			v->os.len = 18;
		} else {
			goto bad_addr;
		}
		v->os.data = store;
		return 0;
	case CM_VF_TIME: {
		struct cm_avpdef u = { .base = AVP_TYPE_UNSIGNED32, .fmt = CM_VF_NUM };
		union avp_value t;
		if (len >= sizeof(tmp) || storesz < 4 || memchr(text, '\0', len))
			goto bad_time;
		memcpy(tmp, text, len);
		tmp[len] = '\0';
		if (parse_num(&u, tmp, &t, why))
			goto bad_time;
		store[0] = (uint8_t)(t.u32 >> 24);
		store[1] = (uint8_t)(t.u32 >> 16);
		store[2] = (uint8_t)(t.u32 >> 8);
		store[3] = (uint8_t)t.u32;
		v->os.data = store;
		v->os.len = 4;
		return 0;
	}
	case CM_VF_NUM:
		if (len >= sizeof(tmp) || memchr(text, '\0', len)) {
			*why = "not a number";
			return EINVAL;
		}
		memcpy(tmp, text, len);
		tmp[len] = '\0';
		return parse_num(def, tmp, v, why);
	case CM_VF_GROUPED:
		break;
	}
	*why = "a Grouped AVP has no value of its own";
	return EINVAL;
bad_addr:
	*why = "not an IPv4 or IPv6 address";
	return EINVAL;
bad_time:
	*why = "not a Time (seconds since 1900, Unsigned32)";
	return EINVAL;
}

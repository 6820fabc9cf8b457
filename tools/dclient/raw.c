/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * raw.c: free-form AVPs from "--avp PATH=VALUE", so that tests can send what a well-behaved
 * client never would: unknown AVPs with the M bit, empty or over-long strings, NUL bytes,
 * flags that contradict the dictionary. Syntax (README.md has the full text):
 *   PATH  := COMP ( '/' COMP )*      grouped AVPs on the way, the leaf is always a new AVP
 *   COMP  := (NAME | '#' CODE [ '@' VENDOR ]) [ '[' INDEX ']' ] [ '+m' | '-m' ]
 *   VALUE := typed text | hex:HEX | rep:N:TEXT | tbcd:DIGITS | plmn:MCCMNC | txt:TEXT
 * Typed text is common/'s text form of the AVP's type (cm_avpval_parse); the prefixes give
 * raw octets. An AVP code missing from the dictionary is defined on the fly as an
 * OctetString, so its value must be raw bytes (hex:, rep:, txt: or plain text).
 */
#include "dclient.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t dc_raw_dict_lock = PTHREAD_MUTEX_INITIALIZER;

/* Find or define the AVP (code, vendor). */
static int dc_raw_model(uint32_t code, uint32_t vendor, struct dict_object **ret, char *err, size_t errlen)
{
	struct dictionary *dict = fd_g_config->cnf_dict;
	struct dict_avp_request req = { .avp_vendor = vendor, .avp_code = code };
	struct dict_object *obj = NULL;
	int rc = 0;

	pthread_mutex_lock(&dc_raw_dict_lock);
	if (!fd_dict_search(dict, DICT_AVP, AVP_BY_CODE_AND_VENDOR, &req, &obj, ENOENT) && obj)
		goto out;
	if (vendor) {
		struct dict_object *v = NULL;
		if (fd_dict_search(dict, DICT_VENDOR, VENDOR_BY_ID, &vendor, &v, ENOENT) || !v) {
			char vname[48];
			struct dict_vendor_data vd = { .vendor_id = vendor, .vendor_name = vname };
			snprintf(vname, sizeof(vname), "dclient-vendor-%u", vendor);
			if ((rc = fd_dict_new(dict, DICT_VENDOR, &vd, NULL, NULL))) {
				snprintf(err, errlen, "cannot define vendor %u: %s", vendor, strerror(rc));
				goto out;
			}
		}
	}
	char name[64];
	snprintf(name, sizeof(name), "dclient-raw-%u-%u", code, vendor);
	struct dict_avp_data ad = {
		.avp_code = code,
		.avp_vendor = vendor,
		.avp_name = name,
		.avp_flag_mask = AVP_FLAG_VENDOR,
		.avp_flag_val = vendor ? AVP_FLAG_VENDOR : 0,
		.avp_basetype = AVP_TYPE_OCTETSTRING,
	};
	if ((rc = fd_dict_new(dict, DICT_AVP, &ad, NULL, &obj)))
		snprintf(err, errlen, "cannot define AVP %u/%u: %s", code, vendor, strerror(rc));
out:
	pthread_mutex_unlock(&dc_raw_dict_lock);
	if (!rc)
		*ret = obj;
	return rc;
}

static int dc_parse_u32(const char *s, size_t len, uint32_t *ret)
{
	char buf[16];
	char *end;
	if (!len || len >= sizeof(buf))
		return EINVAL;
	memcpy(buf, s, len);
	buf[len] = 0;
	errno = 0;
	unsigned long v = strtoul(buf, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return EINVAL;
	*ret = (uint32_t)v;
	return 0;
}

struct dc_comp {
	struct dict_object *model;
	long index;       /* -1: last instance (or a new one if none) */
	int mflag;        /* +1 set M, -1 clear M, 0 as the dictionary says */
};

static int dc_parse_comp(const char *s, size_t len, struct dc_comp *c, char *err, size_t errlen)
{
	c->index = -1;
	c->mflag = 0;
	c->model = NULL;
	if (len >= 2 && (s[len - 2] == '+' || s[len - 2] == '-') && (s[len - 1] == 'm' || s[len - 1] == 'M')) {
		c->mflag = s[len - 2] == '+' ? 1 : -1;
		len -= 2;
	}
	if (len && s[len - 1] == ']') {
		const char *lb = memchr(s, '[', len);
		uint32_t idx;
		if (!lb || dc_parse_u32(lb + 1, (size_t)(s + len - 1 - lb - 1), &idx)) {
			snprintf(err, errlen, "bad [INDEX] in '%.*s'", (int)len, s);
			return EINVAL;
		}
		c->index = idx;
		len = (size_t)(lb - s);
	}
	if (!len) {
		snprintf(err, errlen, "empty AVP name");
		return EINVAL;
	}
	if (s[0] == '#') {
		const char *at = memchr(s, '@', len);
		uint32_t code, vendor = 0;
		size_t clen = at ? (size_t)(at - s - 1) : len - 1;
		if (dc_parse_u32(s + 1, clen, &code) ||
		    (at && dc_parse_u32(at + 1, (size_t)(s + len - at - 1), &vendor))) {
			snprintf(err, errlen, "bad '#CODE[@VENDOR]' in '%.*s'", (int)len, s);
			return EINVAL;
		}
		return dc_raw_model(code, vendor, &c->model, err, errlen);
	}
	char name[128];
	if (len >= sizeof(name)) {
		snprintf(err, errlen, "AVP name too long");
		return EINVAL;
	}
	memcpy(name, s, len);
	name[len] = 0;
	if (!(c->model = cm_dict_avp(name))) {
		snprintf(err, errlen, "no AVP named '%s' in the dictionary (use #CODE[@VENDOR] for unknown ones)",
		         name);
		return ENOENT;
	}
	return 0;
}

static int dc_new_avp(msg_or_avp *parent, const struct dc_comp *c, struct avp **ret)
{
	struct avp *a = NULL;
	struct avp_hdr *h;
	int rc;
	if ((rc = fd_msg_avp_new(c->model, 0, &a)))
		return rc;
	if (c->mflag && !fd_msg_avp_hdr(a, &h)) {
		if (c->mflag > 0)
			h->avp_flags |= AVP_FLAG_MANDATORY;
		else
			h->avp_flags &= (uint8_t)~AVP_FLAG_MANDATORY;
	}
	*ret = a;
	return 0;
}

/* The INDEX-th child of parent with this model (last one when index < 0), creating it
 * when index equals the number of existing ones. */
static int dc_group_child(msg_or_avp *parent, const struct dc_comp *c, struct avp **ret, char *err,
                          size_t errlen)
{
	struct avp *a = NULL, *last = NULL;
	long n = 0;
	int rc;
	if (fd_msg_browse(parent, MSG_BRW_FIRST_CHILD, &a, NULL))
		a = NULL;
	for (; a; fd_msg_browse(a, MSG_BRW_NEXT, &a, NULL)) {
		struct dict_object *m = NULL;
		if (fd_msg_model(a, &m) || m != c->model)
			continue;
		if (n == c->index) {
			*ret = a;
			return 0;
		}
		last = a;
		n++;
	}
	if (c->index < 0 && last) {
		*ret = last;
		return 0;
	}
	if (c->index > n) {
		snprintf(err, errlen, "index %ld but only %ld instance(s) exist", c->index, n);
		return EINVAL;
	}
	if ((rc = dc_new_avp(parent, c, &a)))
		return rc;
	if ((rc = fd_msg_avp_add(parent, MSG_BRW_LAST_CHILD, a))) {
		fd_msg_free(a);
		return rc;
	}
	*ret = a;
	return 0;
}

int dc_raw_value(struct dict_object *model, const char *text, union avp_value *val,
                 uint8_t **ret_buf, char *err, size_t errlen)
{
	struct cm_avpdef d;
	uint8_t *buf = NULL;
	const char *why = NULL;
	size_t len = 0;
	char *end;
	int rc = 0;

	memset(val, 0, sizeof(*val));
	if ((rc = cm_avpdef_get(model, &d)))
		return rc;
	if (d.fmt == CM_VF_GROUPED) {
		snprintf(err, errlen, "%s is grouped: give children as %s/CHILD=VALUE", d.name, d.name);
		return EINVAL;
	}
	/* The prefixes give the raw octets of any OctetString-based AVP. */
	if (d.base == AVP_TYPE_OCTETSTRING && !strncmp(text, "hex:", 4)) {
		len = strlen(text + 4) / 2;
		if (!(buf = malloc(len + 1)))
			return ENOMEM;
		if (cm_hex_decode(text + 4, buf, len)) {
			snprintf(err, errlen, "hex: needs an even number of hex digits");
			rc = EINVAL;
		}
	} else if (d.base == AVP_TYPE_OCTETSTRING && !strncmp(text, "rep:", 4)) {
		unsigned long n = strtoul(text + 4, &end, 10);
		if (*end != ':' || n > 1000000) {
			snprintf(err, errlen, "rep:N:TEXT with N <= 1000000");
			return EINVAL;
		}
		size_t tl = strlen(end + 1);
		len = n * tl;
		if (!(buf = malloc(len + 1)))
			return ENOMEM;
		for (size_t i = 0; i < n; i++)
			memcpy(buf + i * tl, end + 1, tl);
	} else if (d.base == AVP_TYPE_OCTETSTRING && !strncmp(text, "tbcd:", 5)) {
		len = strlen(text + 5) / 2 + 1;
		if (!(buf = malloc(len + 1)))
			return ENOMEM;
		if (cm_tbcd_encode(text + 5, strlen(text + 5), buf, len, &len)) {
			snprintf(err, errlen, "tbcd: takes digits 0-9 * # a b c");
			rc = EINVAL;
		}
	} else if (d.base == AVP_TYPE_OCTETSTRING && !strncmp(text, "plmn:", 5)) {
		len = 3;
		if (!(buf = malloc(3)))
			return ENOMEM;
		if (cm_plmn_encode(text + 5, buf)) {
			snprintf(err, errlen, "plmn: takes MCCMNC (5 or 6 digits)");
			rc = EINVAL;
		}
	} else if (d.base == AVP_TYPE_OCTETSTRING && !strncmp(text, "txt:", 4)) {
		len = strlen(text + 4);
		if (!(buf = malloc(len + 1)))
			return ENOMEM;
		memcpy(buf, text + 4, len);
	} else {
		/* The typed text form (cm.h); TBCD numbers only with tbcd: above. */
		size_t tl = strlen(text);
		if (!(buf = malloc(tl + 18)))
			return ENOMEM;
		if ((rc = cm_avpval_parse(&d, false, text, tl, val, buf, tl + 18, &why))) {
			snprintf(err, errlen, "'%s' for %s (%s): %s", text, d.name,
			         d.type_name ? d.type_name : cm_avp_basetype_name(d.base), why);
			free(buf);
			return rc;
		}
		if (d.base != AVP_TYPE_OCTETSTRING) {
			free(buf);
			buf = NULL;
		}
		*ret_buf = buf;
		return 0;
	}
	if (rc) {
		free(buf);
		return rc;
	}
	val->os.data = buf;
	val->os.len = len;
	*ret_buf = buf;
	return 0;
}

int dc_raw_add(struct msg *m, const char *spec, char *err, size_t errlen)
{
	const char *eq = strchr(spec, '=');
	const char *path_end = eq ? eq : spec + strlen(spec);
	const char *value = eq ? eq + 1 : "";
	msg_or_avp *parent = m;
	struct dc_comp c;
	struct avp *a = NULL;
	int rc;

	snprintf(err, errlen, "invalid spec");
	for (const char *p = spec;;) {
		const char *slash = memchr(p, '/', (size_t)(path_end - p));
		const char *ce = slash ? slash : path_end;
		if ((rc = dc_parse_comp(p, (size_t)(ce - p), &c, err, errlen)))
			return rc;
		if (!slash)
			break;
		struct dict_avp_data ad;
		if ((rc = fd_dict_getval(c.model, &ad)))
			return rc;
		if (ad.avp_basetype != AVP_TYPE_GROUPED) {
			snprintf(err, errlen, "%s is not a grouped AVP", ad.avp_name);
			return EINVAL;
		}
		if ((rc = dc_group_child(parent, &c, &a, err, errlen)))
			return rc;
		parent = a;
		p = slash + 1;
	}

	/* The leaf: always a new AVP. */
	struct dict_avp_data ad;
	if ((rc = fd_dict_getval(c.model, &ad)))
		return rc;
	if ((rc = dc_new_avp(parent, &c, &a)))
		return rc;
	if (ad.avp_basetype == AVP_TYPE_GROUPED) {
		if (*value) {
			fd_msg_free(a);
			snprintf(err, errlen, "%s is grouped: give children as %s/CHILD=VALUE", ad.avp_name, ad.avp_name);
			return EINVAL;
		}
	} else {
		union avp_value v;
		uint8_t *buf = NULL;
		if ((rc = dc_raw_value(c.model, value, &v, &buf, err, errlen))) {
			fd_msg_free(a);
			return rc;
		}
		rc = fd_msg_avp_setvalue(a, &v); /* copies the bytes */
		free(buf);
		if (rc) {
			fd_msg_free(a);
			snprintf(err, errlen, "cannot set value: %s", strerror(rc));
			return rc;
		}
	}
	if ((rc = fd_msg_avp_add(parent, MSG_BRW_LAST_CHILD, a))) {
		fd_msg_free(a);
		snprintf(err, errlen, "cannot add: %s", strerror(rc));
		return rc;
	}
	return 0;
}

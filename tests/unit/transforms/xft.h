/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xft.h: helpers shared by the transforms unit tests: a freeDiameter core with its base
 * dictionary and ours, message builders, and readers that look at AVPs by path. Each test
 * program includes it once; checks are those of tests/lib/tap.h.
 */
#ifndef XFT_H
#define XFT_H

#include "cm.h"
#include "dict.h"
#include "tap.h"
#include "xf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Not every test uses every helper. */
#define XFT_FN static __attribute__((unused))

/* A freeDiameter core with the base dictionary and ours (S6a, Cx, Sh). */
XFT_FN void xft_init(void)
{
	int rc;

	fd_g_debug_lvl = FD_LOG_FATAL;
	if ((rc = fd_core_initialize()))
		tap_bail("fd_core_initialize: %s", strerror(rc));
	if ((rc = dict_load_all()))
		tap_bail("dict_load_all: %s: %s", strerror(rc), dict_errmsg());
}

XFT_FN struct dict_object *xft_avp_model(const char *name)
{
	struct dict_object *o = NULL;
	if (fd_dict_search(fd_g_config->cnf_dict, DICT_AVP, AVP_BY_NAME_ALL_VENDORS, name, &o,
	                   ENOENT)) {
		tap_bail("no AVP %s in the dictionary", name);
	}
	return o;
}

/* A new message of command `cmd` (dictionary name) with application `appl`, Session-Id
 * first, Origin-Host/Realm. */
XFT_FN struct msg *xft_msg(const char *cmd, uint32_t appl)
{
	struct dict_object *c = NULL;
	struct msg *m = NULL;
	struct msg_hdr *h = NULL;
	struct avp *a = NULL;
	union avp_value v;

	if (fd_dict_search(fd_g_config->cnf_dict, DICT_COMMAND, CMD_BY_NAME, cmd, &c, ENOENT)
	    || fd_msg_new(c, MSGFL_ALLOC_ETEID, &m) || fd_msg_hdr(m, &h)) {
		tap_bail("cannot make %s", cmd);
	}
	h->msg_appl = appl;
	fd_msg_avp_new(xft_avp_model("Session-Id"), 0, &a);
	v.os.data = (uint8_t *)"mme1.example;1;42";
	v.os.len = strlen((char *)v.os.data);
	fd_msg_avp_setvalue(a, &v);
	fd_msg_avp_add(m, MSG_BRW_FIRST_CHILD, a);
	return m;
}

/* Add an AVP with a value given as text (OctetStrings raw, numbers decimal); grouped AVPs
 * get no value. Returns the AVP for adding children. */
XFT_FN struct avp *xft_add(msg_or_avp *parent, const char *name, const char *text)
{
	struct dict_object *o = xft_avp_model(name);
	struct dict_avp_data ad;
	struct avp *a = NULL;
	union avp_value v;

	fd_dict_getval(o, &ad);
	fd_msg_avp_new(o, 0, &a);
	memset(&v, 0, sizeof(v));
	switch (ad.avp_basetype) {
	case AVP_TYPE_GROUPED: break;
	case AVP_TYPE_OCTETSTRING:
		v.os.data = (uint8_t *)text;
		v.os.len = strlen(text);
		break;
	case AVP_TYPE_INTEGER32: v.i32 = (int32_t)strtol(text, NULL, 0); break;
	case AVP_TYPE_INTEGER64: v.i64 = strtoll(text, NULL, 0); break;
	case AVP_TYPE_UNSIGNED32: v.u32 = (uint32_t)strtoul(text, NULL, 0); break;
	case AVP_TYPE_UNSIGNED64: v.u64 = strtoull(text, NULL, 0); break;
	default: break;
	}
	if (ad.avp_basetype != AVP_TYPE_GROUPED)
		fd_msg_avp_setvalue(a, &v);
	fd_msg_avp_add(parent, MSG_BRW_LAST_CHILD, a);
	return a;
}

XFT_FN struct avp *xft_add_os(msg_or_avp *parent, const char *name, const uint8_t *d, size_t len)
{
	struct avp *a = NULL;
	union avp_value v;

	fd_msg_avp_new(xft_avp_model(name), 0, &a);
	v.os.data = (uint8_t *)d;
	v.os.len = len;
	fd_msg_avp_setvalue(a, &v);
	fd_msg_avp_add(parent, MSG_BRW_LAST_CHILD, a);
	return a;
}

/* Serialise (updates lengths). */
XFT_FN uint8_t *xft_buf(struct msg *m, size_t *len)
{
	uint8_t *b = NULL;
	if (fd_msg_bufferize(m, &b, len)) {
		tap_bail("fd_msg_bufferize failed");
	}
	return b;
}

/* The message as a relay sees it in a forward callback: parsed from the wire, AVPs not
 * interpreted. `m` is freed. */
XFT_FN struct msg *xft_relayed(struct msg *m)
{
	size_t len = 0;
	uint8_t *b = xft_buf(m, &len);
	struct msg *r = NULL;

	fd_msg_free(m);
	if (fd_msg_parse_buffer(&b, len, &r)) {
		tap_bail("fd_msg_parse_buffer failed");
	}
	return r;
}

/* A fully parsed copy from the wire form, to inspect the result as the next peer would. */
XFT_FN struct msg *xft_reparse(struct msg *m)
{
	size_t len = 0;
	uint8_t *b = xft_buf(m, &len);
	struct msg *r = NULL;

	if (fd_msg_parse_buffer(&b, len, &r) || fd_msg_parse_dict(r, fd_g_config->cnf_dict, NULL)) {
		tap_bail("re-parsing failed");
	}
	return r;
}

/* Collect up to `max` AVPs at path "A/B/C" (every instance at every level). */
XFT_FN size_t xft_find(msg_or_avp *parent, const char *path, struct avp **out, size_t max)
{
	char seg[128];
	const char *slash = strchr(path, '/');
	size_t l = slash ? (size_t)(slash - path) : strlen(path), n = 0;
	struct dict_avp_data ad;
	struct avp *a = NULL;

	memcpy(seg, path, l);
	seg[l] = '\0';
	fd_dict_getval(xft_avp_model(seg), &ad);
	fd_msg_browse(parent, MSG_BRW_FIRST_CHILD, &a, NULL);
	for (; a && n < max; fd_msg_browse(a, MSG_BRW_NEXT, &a, NULL)) {
		struct avp_hdr *h = NULL;
		struct dict_object *mo = NULL;
		fd_msg_avp_hdr(a, &h);
		if (h->avp_code != ad.avp_code || ((h->avp_flags & AVP_FLAG_VENDOR) ? h->avp_vendor : 0)
		    != ad.avp_vendor)
			continue;
		fd_msg_model(a, &mo);
		if (!mo)
			fd_msg_parse_dict(a, fd_g_config->cnf_dict, NULL);
		if (slash)
			n += xft_find(a, slash + 1, out + n, max - n);
		else
			out[n++] = a;
	}
	return n;
}

XFT_FN size_t xft_count(struct msg *m, const char *path)
{
	struct avp *a[64];
	return xft_find(m, path, a, 64);
}

/* Text of instance `idx` at path: OctetStrings raw, numbers decimal; "" if absent. */
XFT_FN const char *xft_get(struct msg *m, const char *path, size_t idx)
{
	static char buf[4096];
	struct avp *a[64];
	struct avp_hdr *h = NULL;
	struct dict_object *mo = NULL;
	struct dict_avp_data ad;
	size_t n = xft_find(m, path, a, 64);

	buf[0] = '\0';
	if (idx >= n)
		return "(absent)";
	fd_msg_avp_hdr(a[idx], &h);
	fd_msg_model(a[idx], &mo);
	if (!h->avp_value || !mo)
		return "(no value)";
	fd_dict_getval(mo, &ad);
	switch (ad.avp_basetype) {
	case AVP_TYPE_OCTETSTRING:
		snprintf(buf, sizeof(buf), "%.*s", (int)h->avp_value->os.len, h->avp_value->os.data);
		break;
	case AVP_TYPE_INTEGER32: snprintf(buf, sizeof(buf), "%d", h->avp_value->i32); break;
	case AVP_TYPE_UNSIGNED32: snprintf(buf, sizeof(buf), "%u", h->avp_value->u32); break;
	case AVP_TYPE_UNSIGNED64:
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)h->avp_value->u64);
		break;
	default: snprintf(buf, sizeof(buf), "(type %d)", ad.avp_basetype); break;
	}
	return buf;
}

XFT_FN struct xf_rules *xft_load(const char *yaml)
{
	struct xf_rules *rs = NULL;
	char err[4096];
	int ret = xf_rules_load_buf("test.yaml", yaml, strlen(yaml), &rs, err, sizeof(err));

	if (!CHECK_ERR(ret, 0, "rules load")) {
		tap_note("%s\n---\n%s", err, yaml);
		return NULL;
	}
	return rs;
}

/* Apply rules to m as a request/answer from `from`; returns xf_apply's result. */
XFT_FN int xft_apply(struct xf_rules *rs, struct msg *m, const char *from, const char *to,
                     struct xf_state *st, unsigned *fired)
{
	struct msg_hdr *h = NULL;
	struct xf_ctx ctx = { .from_peer = from, .to_peer = to, .state = st };

	fd_msg_hdr(m, &h);
	ctx.is_request = (h->msg_flags & CMD_FLAG_REQUEST) != 0;
	return xf_apply(rs, m, &ctx, fired);
}

#endif /* XFT_H */

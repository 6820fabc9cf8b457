/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * print.c: decode a received Diameter message (answer, or request from the peer) into an
 * indented text tree or one JSON line. The JSON form is what tests read: result_code,
 * experimental_result {vendor, code} and the AVP tree as a list of objects (order and
 * repetitions kept) with name, code, vendor, flags and value; OctetStrings as hex, TBCD
 * numbers and PLMN ids also decoded as extra fields.
 */
#include "dclient.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <string.h>

pthread_mutex_t dc_out_lock = PTHREAD_MUTEX_INITIALIZER;

#define DC_AVP_RESULT_CODE 268u
#define DC_AVP_EXP_RESULT 297u
#define DC_AVP_EXP_RESULT_CODE 298u
#define DC_AVP_VENDOR_ID 266u

void dc_msg_result(struct msg *m, struct dc_result *r)
{
	struct avp *a = NULL;
	r->result_code = r->exp_vendor = r->exp_code = -1;
	if (fd_msg_browse(m, MSG_BRW_FIRST_CHILD, &a, NULL))
		return;
	for (; a; fd_msg_browse(a, MSG_BRW_NEXT, &a, NULL)) {
		struct avp_hdr *h;
		if (fd_msg_avp_hdr(a, &h) || (h->avp_flags & AVP_FLAG_VENDOR && h->avp_vendor))
			continue;
		if (h->avp_code == DC_AVP_RESULT_CODE && h->avp_value) {
			r->result_code = h->avp_value->u32;
		} else if (h->avp_code == DC_AVP_EXP_RESULT) {
			struct avp *c = NULL;
			fd_msg_browse(a, MSG_BRW_FIRST_CHILD, &c, NULL);
			for (; c; fd_msg_browse(c, MSG_BRW_NEXT, &c, NULL)) {
				struct avp_hdr *ch;
				if (fd_msg_avp_hdr(c, &ch) || !ch->avp_value)
					continue;
				if (ch->avp_code == DC_AVP_EXP_RESULT_CODE)
					r->exp_code = ch->avp_value->u32;
				else if (ch->avp_code == DC_AVP_VENDOR_ID)
					r->exp_vendor = ch->avp_value->u32;
			}
		}
	}
}

void dc_json_str(FILE *f, const char *s, size_t len)
{
	fputc('"', f);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* Strict enough for JSON output: well-formed UTF-8 sequences, no overlongs. */
static bool dc_utf8_ok(const uint8_t *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		uint8_t c = s[i];
		size_t n;
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0 && c >= 0xc2)
			n = 1;
		else if ((c & 0xf0) == 0xe0)
			n = 2;
		else if ((c & 0xf8) == 0xf0 && c <= 0xf4)
			n = 3;
		else
			return false;
		if (i + n >= len)
			return false;
		for (size_t k = 1; k <= n; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
		i += n + 1;
	}
	return true;
}

static void dc_hex(FILE *f, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		fprintf(f, "%02x", p[i]);
}

static const char *dc_enum_name(struct dict_object *type, enum dict_avp_basetype base, union avp_value *v)
{
	struct dict_enumval_request req;
	struct dict_object *e = NULL;
	struct dict_enumval_data ed;
	if (!type)
		return NULL;
	memset(&req, 0, sizeof(req));
	req.type_obj = type;
	switch (base) {
	case AVP_TYPE_INTEGER32: req.search.enum_value.i32 = v->i32; break;
	case AVP_TYPE_UNSIGNED32: req.search.enum_value.u32 = v->u32; break;
	case AVP_TYPE_INTEGER64: req.search.enum_value.i64 = v->i64; break;
	case AVP_TYPE_UNSIGNED64: req.search.enum_value.u64 = v->u64; break;
	default: return NULL;
	}
	if (fd_dict_search(fd_g_config->cnf_dict, DICT_ENUMVAL, ENUMVAL_BY_STRUCT, &req, &e, ENOENT) || !e ||
	    fd_dict_getval(e, &ed))
		return NULL;
	return ed.enum_name;
}

const char *dc_rescode_name(uint32_t code)
{
	struct dict_object *avp = cm_dict_avp("Result-Code"), *type = NULL;
	union avp_value v;
	if (!avp || fd_dict_search(fd_g_config->cnf_dict, DICT_TYPE, TYPE_OF_AVP, avp, &type, ENOENT))
		return NULL;
	v.u32 = code;
	return dc_enum_name(type, AVP_TYPE_UNSIGNED32, &v);
}

static bool dc_is_tbcd(const char *name)
{
	static const char *const names[] = { "MSISDN", "A-MSISDN", "C-MSISDN", "MME-Number-for-MT-SMS",
		"SGSN-Number", "GMLC-Number", NULL };
	for (size_t i = 0; names[i]; i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

static bool dc_is_plmn(const char *name)
{
	return !strcmp(name, "Visited-PLMN-Id") || !strcmp(name, "Serving-PLMN") ||
	       !strcmp(name, "PLMN-Id");
}

static void dc_flags(char out[8], uint8_t fl)
{
	size_t i = 0;
	if (fl & AVP_FLAG_VENDOR)
		out[i++] = 'V';
	if (fl & AVP_FLAG_MANDATORY)
		out[i++] = 'M';
	if (fl & AVP_FLAG_RESERVED3)
		out[i++] = 'P';
	out[i] = 0;
}

/* Decoded value of a non-grouped AVP: JSON members (after "value":) or text. */
static void dc_value(FILE *f, bool json, struct dict_object *model, const struct dict_avp_data *ad,
                     union avp_value *v)
{
	struct dict_object *type = NULL;
	struct dict_type_data td;
	const char *tname = NULL;
	if (!fd_dict_search(fd_g_config->cnf_dict, DICT_TYPE, TYPE_OF_AVP, model, &type, ENOENT) && type &&
	    !fd_dict_getval(type, &td))
		tname = td.type_name;
	else
		type = NULL;

	switch (ad->avp_basetype) {
	case AVP_TYPE_OCTETSTRING: {
		const uint8_t *p = v->os.data;
		size_t len = v->os.len;
		bool text = tname && (!strcmp(tname, "UTF8String") || !strcmp(tname, "DiameterIdentity") ||
		                      !strcmp(tname, "DiameterURI") || !strcmp(tname, "IPFilterRule"));
		if (tname && !strcmp(tname, "Address") && len >= 2) {
			char buf[INET6_ADDRSTRLEN] = "";
			unsigned fam = (unsigned)p[0] << 8 | p[1];
			if (fam == 1 && len == 6)
				inet_ntop(AF_INET, p + 2, buf, sizeof(buf));
			else if (fam == 2 && len == 18)
				inet_ntop(AF_INET6, p + 2, buf, sizeof(buf));
			if (buf[0]) {
				if (json) {
					fputs("\"", f);
					fputs(buf, f);
					fputs("\"", f);
				} else {
					fputs(buf, f);
				}
				return;
			}
		}
		if (text && dc_utf8_ok(p, len)) {
			dc_json_str(f, (const char *)p, len); /* escaped in text too: NULs, controls */
			return;
		}
		if (json)
			fputc('"', f);
		else
			fputs("0x", f);
		dc_hex(f, p, len);
		if (json)
			fputc('"', f);
		if (dc_is_tbcd(ad->avp_name)) {
			char digits[64];
			if (!cm_tbcd_decode(p, len, digits, sizeof(digits)))
				fprintf(f, json ? ",\"digits\":\"%s\"" : " (digits %s)", digits);
		} else if (dc_is_plmn(ad->avp_name) && len == 3) {
			char plmn[7];
			if (!cm_plmn_decode(p, plmn))
				fprintf(f, json ? ",\"plmn\":\"%s\"" : " (PLMN %s)", plmn);
		} else if (text && json) {
			fputs(",\"invalid_utf8\":true", f);
		}
		return;
	}
	case AVP_TYPE_INTEGER32: fprintf(f, "%" PRId32, v->i32); break;
	case AVP_TYPE_INTEGER64: fprintf(f, "%" PRId64, v->i64); break;
	case AVP_TYPE_UNSIGNED32: fprintf(f, "%" PRIu32, v->u32); break;
	case AVP_TYPE_UNSIGNED64: fprintf(f, "%" PRIu64, v->u64); break;
	case AVP_TYPE_FLOAT32: fprintf(f, "%g", (double)v->f32); break;
	case AVP_TYPE_FLOAT64: fprintf(f, "%g", v->f64); break;
	default: fputs(json ? "null" : "?", f); return;
	}
	const char *en = dc_enum_name(type, ad->avp_basetype, v);
	if (en) {
		if (json) {
			fputs(",\"enum\":", f);
			dc_json_str(f, en, strlen(en));
		} else {
			fprintf(f, " (%s)", en);
		}
	}
}

static void dc_avps(FILE *f, msg_or_avp *parent, bool json, int depth, struct avp *skip)
{
	struct avp *a = NULL;
	bool first = true;
	if (json)
		fputc('[', f);
	if (fd_msg_browse(parent, MSG_BRW_FIRST_CHILD, &a, NULL))
		a = NULL;
	for (; a; fd_msg_browse(a, MSG_BRW_NEXT, &a, NULL)) {
		struct avp_hdr *h;
		struct dict_object *model = NULL;
		struct dict_avp_data ad;
		char fl[8];
		if (a == skip || fd_msg_avp_hdr(a, &h))
			continue;
		if (fd_msg_model(a, &model) || !model || fd_dict_getval(model, &ad))
			model = NULL;
		dc_flags(fl, h->avp_flags);
		if (json) {
			fprintf(f, "%s{\"name\":", first ? "" : ",");
			if (model)
				dc_json_str(f, ad.avp_name, strlen(ad.avp_name));
			else
				fputs("null", f);
			fprintf(f, ",\"code\":%u", h->avp_code);
			if (h->avp_flags & AVP_FLAG_VENDOR)
				fprintf(f, ",\"vendor\":%u", h->avp_vendor);
			fprintf(f, ",\"flags\":\"%s\"", fl);
		} else {
			fprintf(f, "%*s%s (%u", 2 * depth, "", model ? ad.avp_name : "UNKNOWN-AVP", h->avp_code);
			if (h->avp_flags & AVP_FLAG_VENDOR)
				fprintf(f, "/%u", h->avp_vendor);
			fprintf(f, " %s)", fl);
		}
		first = false;
		if (!model) {
			if (json)
				fprintf(f, ",\"unknown\":true,\"length\":%u}", h->avp_len);
			else
				fprintf(f, " unknown, %u bytes\n", h->avp_len);
			continue;
		}
		if (ad.avp_basetype == AVP_TYPE_GROUPED) {
			if (json) {
				fputs(",\"avps\":", f);
				dc_avps(f, a, json, depth + 1, NULL);
				fputc('}', f);
			} else {
				fputs(":\n", f);
				dc_avps(f, a, json, depth + 1, NULL);
			}
			continue;
		}
		if (!h->avp_value) {
			fputs(json ? ",\"value\":null}" : " = (no value)\n", f);
			continue;
		}
		fputs(json ? ",\"value\":" : " = ", f);
		dc_value(f, json, model, &ad, h->avp_value);
		fputs(json ? "}" : "\n", f);
	}
	if (json)
		fputc(']', f);
}

static const char *dc_cmd_label(struct msg *m, struct msg_hdr *mh)
{
	struct dict_object *model = NULL;
	struct dict_cmd_data cd;
	/* An answer with the E bit is parsed against the generic error model: name it from
	 * the command code instead. */
	if (mh->msg_flags & CMD_FLAG_ERROR || fd_msg_model(m, &model) || !model) {
		command_code_t code = mh->msg_code;
		model = NULL;
		fd_dict_search(fd_g_config->cnf_dict, DICT_COMMAND,
		               (mh->msg_flags & CMD_FLAG_REQUEST) ? CMD_BY_CODE_R : CMD_BY_CODE_A, &code, &model,
		               ENOENT);
	}
	if (!model || fd_dict_getval(model, &cd))
		return NULL;
	return cd.cmd_name;
}

/* On reception freeDiameter appends a Route-Record naming the peer the message came from
 * (fd_msg_source_setrr), answers included. It was not on the wire: not printed. */
static struct avp *dc_local_rr(struct msg *m)
{
	DiamId_t src = NULL;
	size_t srclen = 0;
	struct avp *last = NULL;
	struct avp_hdr *h;
	if (fd_msg_source_get(m, &src, &srclen) || !src ||
	    fd_msg_browse(m, MSG_BRW_LAST_CHILD, &last, NULL) || !last || fd_msg_avp_hdr(last, &h))
		return NULL;
	if (h->avp_code != 282 || (h->avp_flags & AVP_FLAG_VENDOR) || !h->avp_value ||
	    h->avp_value->os.len != srclen || memcmp(h->avp_value->os.data, src, srclen))
		return NULL;
	return last;
}

void dc_print_msg(FILE *f, struct msg *m, const char *kind, bool json, int64_t latency_us)
{
	struct msg_hdr *mh;
	struct dc_result r;
	if (fd_msg_hdr(m, &mh))
		return;
	struct avp *skip = dc_local_rr(m);
	dc_msg_result(m, &r);
	const char *cname = dc_cmd_label(m, mh);
	char fl[8];
	size_t i = 0;
	if (mh->msg_flags & CMD_FLAG_REQUEST)
		fl[i++] = 'R';
	if (mh->msg_flags & CMD_FLAG_PROXIABLE)
		fl[i++] = 'P';
	if (mh->msg_flags & CMD_FLAG_ERROR)
		fl[i++] = 'E';
	if (mh->msg_flags & CMD_FLAG_RETRANSMIT)
		fl[i++] = 'T';
	fl[i] = 0;

	pthread_mutex_lock(&dc_out_lock);
	if (json) {
		fprintf(f, "{\"kind\":\"%s\",\"command\":", kind);
		if (cname)
			dc_json_str(f, cname, strlen(cname));
		else
			fputs("null", f);
		fprintf(f, ",\"code\":%u,\"app\":%u,\"flags\":\"%s\",\"hbh\":%u,\"e2e\":%u", mh->msg_code,
		        mh->msg_appl, fl, mh->msg_hbhid, mh->msg_eteid);
		if (r.result_code >= 0) {
			const char *rn = dc_rescode_name((uint32_t)r.result_code);
			fprintf(f, ",\"result_code\":%lld,\"result\":", (long long)r.result_code);
			if (rn)
				dc_json_str(f, rn, strlen(rn));
			else
				fputs("null", f);
		} else {
			fputs(",\"result_code\":null,\"result\":null", f);
		}
		if (r.exp_code >= 0)
			fprintf(f, ",\"experimental_result\":{\"vendor\":%lld,\"code\":%lld}", (long long)r.exp_vendor,
			        (long long)r.exp_code);
		else
			fputs(",\"experimental_result\":null", f);
		if (latency_us >= 0)
			fprintf(f, ",\"latency_us\":%lld", (long long)latency_us);
		fputs(",\"avps\":", f);
		dc_avps(f, m, true, 0, skip);
		fputs("}\n", f);
	} else {
		fprintf(f, "%s %s (%u, app %u, flags %s)", kind, cname ? cname : "UNKNOWN-COMMAND", mh->msg_code,
		        mh->msg_appl, fl[0] ? fl : "-");
		if (r.result_code >= 0) {
			const char *rn = dc_rescode_name((uint32_t)r.result_code);
			fprintf(f, " Result-Code %lld%s%s", (long long)r.result_code, rn ? " " : "", rn ? rn : "");
		}
		if (r.exp_code >= 0)
			fprintf(f, " Experimental-Result %lld (vendor %lld)", (long long)r.exp_code,
			        (long long)r.exp_vendor);
		if (latency_us >= 0)
			fprintf(f, ", %lld us", (long long)latency_us);
		fputc('\n', f);
		dc_avps(f, m, false, 1, skip);
	}
	fflush(f);
	pthread_mutex_unlock(&dc_out_lock);
}

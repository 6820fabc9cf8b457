/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dump.c: the AVPs of a message as an indented text tree (dra --explain, dclient) or as JSON
 * (dclient --json, which the tests read). Values are decoded from the dictionary: constant
 * names, addresses, strings, TBCD digits and PLMN ids. The input may be anything a peer sent:
 * unknown AVPs, values that are not what their type says, bytes that are not UTF-8.
 */
#include "cm.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

void cm_json_str(FILE *f, const char *s, size_t len)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < len; i++) {
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
static bool utf8_ok(const uint8_t *s, size_t len)
{
	size_t i, k, n;

	for (i = 0; i < len;) {
		uint8_t c = s[i];
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
		for (k = 1; k <= n; k++)
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
		i += n + 1;
	}
	return true;
}

static bool printable(const uint8_t *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return len > 0;
}

static void hex(FILE *f, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		fprintf(f, "%02x", p[i]);
}

static bool is_plmn(const char *name)
{
	return !strcmp(name, "Visited-PLMN-Id") || !strcmp(name, "Serving-PLMN") ||
	       !strcmp(name, "PLMN-Id");
}

static void flags_str(char out[8], uint8_t fl)
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

/* An OctetString-based value: JSON members after "value": or text after " = ". */
static void octets(FILE *f, bool json, const struct cm_avpdef *d, const union avp_value *v)
{
	const uint8_t *p = v->os.data;
	size_t len = v->os.len;
	char buf[64];
	size_t n;

	if (d->fmt == CM_VF_ADDRESS && !cm_avpval_text(d, false, v, buf, sizeof(buf), &n)) {
		if (json)
			cm_json_str(f, buf, n);
		else
			fputs(buf, f);
		return;
	}
	if (d->text && utf8_ok(p, len)) {
		cm_json_str(f, (const char *)p, len);   /* escaped in text too: NULs, controls */
		return;
	}
	fputs(json ? "\"" : "0x", f);
	hex(f, p, len);
	if (json)
		fputc('"', f);
	if (d->tbcd) {
		char digits[64];
		if (!cm_tbcd_decode(p, len, digits, sizeof(digits)))
			fprintf(f, json ? ",\"digits\":\"%s\"" : " (digits %s)", digits);
	} else if (is_plmn(d->name) && len == 3) {
		char plmn[7];
		if (!cm_plmn_decode(p, plmn))
			fprintf(f, json ? ",\"plmn\":\"%s\"" : " (PLMN %s)", plmn);
	} else if (d->text && json) {
		fputs(",\"invalid_utf8\":true", f);
	} else if (!d->text && !json && printable(p, len)) {
		fputs(" (text ", f);
		cm_json_str(f, (const char *)p, len);
		fputc(')', f);
	}
}

/* The value of a non-grouped AVP. */
static void value(FILE *f, bool json, const struct cm_avpdef *d, const union avp_value *v)
{
	const char *en;

	switch (d->base) {
	case AVP_TYPE_OCTETSTRING: octets(f, json, d, v); return;
	case AVP_TYPE_INTEGER32: fprintf(f, "%" PRId32, v->i32); break;
	case AVP_TYPE_INTEGER64: fprintf(f, "%" PRId64, v->i64); break;
	case AVP_TYPE_UNSIGNED32: fprintf(f, "%" PRIu32, v->u32); break;
	case AVP_TYPE_UNSIGNED64: fprintf(f, "%" PRIu64, v->u64); break;
	case AVP_TYPE_FLOAT32: fprintf(f, "%g", (double)v->f32); break;
	case AVP_TYPE_FLOAT64: fprintf(f, "%g", v->f64); break;
	default: fputs(json ? "null" : "?", f); return;
	}
	if (!(en = cm_avpval_enum_name(d, v)))
		return;
	if (json) {
		fputs(",\"enum\":", f);
		cm_json_str(f, en, strlen(en));
	} else {
		fprintf(f, " (%s)", en);
	}
}

void cm_avps_dump(FILE *f, msg_or_avp *parent, unsigned flags, int depth, struct avp *skip)
{
	bool json = flags & CM_DUMP_JSON, first = true;
	struct avp *a = NULL;

	if (json)
		fputc('[', f);
	if (fd_msg_browse(parent, MSG_BRW_FIRST_CHILD, &a, NULL))
		a = NULL;
	for (; a; fd_msg_browse(a, MSG_BRW_NEXT, &a, NULL)) {
		struct dict_object *model = NULL;
		struct avp_hdr *h;
		struct cm_avpdef d;
		bool known;
		char fl[8];

		if (a == skip || fd_msg_avp_hdr(a, &h))
			continue;
		known = !fd_msg_model(a, &model) && model && !cm_avpdef_get(model, &d);
		flags_str(fl, h->avp_flags);
		if (json) {
			fprintf(f, "%s{\"name\":", first ? "" : ",");
			if (known)
				cm_json_str(f, d.name, strlen(d.name));
			else
				fputs("null", f);
			fprintf(f, ",\"code\":%u", h->avp_code);
			if (h->avp_flags & AVP_FLAG_VENDOR)
				fprintf(f, ",\"vendor\":%u", h->avp_vendor);
			fprintf(f, ",\"flags\":\"%s\"", fl);
		} else {
			fprintf(f, "%*s%s", 2 * depth, "", known ? d.name : "UNKNOWN-AVP");
			if ((flags & CM_DUMP_CODES) || !known) {
				fprintf(f, " (%u", h->avp_code);
				if (h->avp_flags & AVP_FLAG_VENDOR)
					fprintf(f, "/%u", h->avp_vendor);
				fprintf(f, " %s)", fl);
			}
		}
		first = false;
		if (!known) {
			if (json)
				fprintf(f, ",\"unknown\":true,\"length\":%u}", h->avp_len);
			else
				fprintf(f, " unknown, %u bytes\n", h->avp_len);
			continue;
		}
		if (d.base == AVP_TYPE_GROUPED) {
			fputs(json ? ",\"avps\":" : ":\n", f);
			cm_avps_dump(f, a, flags, depth + 1, NULL);
			if (json)
				fputc('}', f);
			continue;
		}
		if (!h->avp_value) {
			fputs(json ? ",\"value\":null}" : " = (no value)\n", f);
			continue;
		}
		fputs(json ? ",\"value\":" : " = ", f);
		value(f, json, &d, h->avp_value);
		fputs(json ? "}" : "\n", f);
	}
	if (json)
		fputc(']', f);
}

const char *cm_msg_cmd_name(struct msg *m)
{
	struct dict_object *model = NULL;
	struct dict_cmd_data cd;
	struct msg_hdr *mh;

	if (fd_msg_hdr(m, &mh))
		return NULL;
	/* An answer with the E bit is parsed against the generic error model: name it from
	 * the command code instead. */
	if (mh->msg_flags & CMD_FLAG_ERROR || fd_msg_model(m, &model) || !model) {
		command_code_t code = mh->msg_code;
		model = NULL;
		fd_dict_search(fd_g_config->cnf_dict, DICT_COMMAND,
		               (mh->msg_flags & CMD_FLAG_REQUEST) ? CMD_BY_CODE_R : CMD_BY_CODE_A, &code,
		               &model, ENOENT);
	}
	if (!model || fd_dict_getval(model, &cd))
		return NULL;
	return cd.cmd_name;
}

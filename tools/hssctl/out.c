/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * out.c: hssctl's subscriber output, human-readable and JSON. Fields come from
 * hss_sub_fields() so a field added to the model shows up without touching this file.
 */
#include "hssctl.h"

#include <inttypes.h>
#include <string.h>

void hssctl_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static const char *const pdn_names[] = { "ipv4", "ipv6", "ipv4v6", "ipv4_or_ipv6" };

static void apn_json(FILE *f, const struct hss_apn *a, const char *ind)
{
	fprintf(f, "%s{\"ctx_id\": %" PRIu32 ", \"apn\": ", ind, a->ctx_id);
	hssctl_json_str(f, a->apn);
	fprintf(f, ", \"pdn_type\": \"%s\", \"qci\": %" PRIu32 ", \"arp_prio\": %" PRIu32
	        ", \"preempt_cap\": %s, \"preempt_vuln\": %s, \"ambr_ul\": %" PRIu32
	        ", \"ambr_dl\": %" PRIu32 ", \"pgw_alloc\": \"%s\", \"vplmn_dyn\": %s",
	        a->pdn_type < 4 ? pdn_names[a->pdn_type] : "?", a->qci, a->arp_prio,
	        a->preempt_cap ? "true" : "false", a->preempt_vuln ? "true" : "false", a->ambr_ul,
	        a->ambr_dl, a->pgw_alloc ? "dynamic" : "static", a->vplmn_dyn ? "true" : "false");
	if (a->static_ipv4[0])
		fprintf(f, ", \"static_ipv4\": \"%s\"", a->static_ipv4);
	if (a->static_ipv6[0])
		fprintf(f, ", \"static_ipv6\": \"%s\"", a->static_ipv6);
	if (a->pgw_host[0]) {
		fputs(", \"pgw_host\": ", f);
		hssctl_json_str(f, a->pgw_host);
	}
	if (a->pgw_realm[0]) {
		fputs(", \"pgw_realm\": ", f);
		hssctl_json_str(f, a->pgw_realm);
	}
	fputc('}', f);
}

/* A secret's value, unless asked for: the field stays (with its name, op or opc, which
 * says which key is stored), its value does not. */
static void hide(const char *name, char *buf, size_t len, bool secrets)
{
	if (!secrets && buf[0] && hssctl_secret_field(name)) {
		explicit_bzero(buf, strlen(buf));
		snprintf(buf, len, "%s", HSSCTL_SECRET_HIDDEN);
	}
}

void hssctl_print_sub_json(FILE *f, const struct hss_sub *sub, int indent, bool secrets)
{
	const struct hss_field_info *fi;
	static char buf[65536];
	char ind[64];
	bool first = true, serving = false;
	size_t i;

	snprintf(ind, sizeof(ind), "%*s", indent, "");
	fprintf(f, "%s{", ind);
	for (fi = hss_sub_fields(); fi->name; fi++) {
		if (hss_sub_get(sub, fi->name, buf, sizeof(buf)))
			continue;
		if ((!strcmp(fi->name, "op") || !strcmp(fi->name, "opc")) && !buf[0])
			continue;
		hide(fi->name, buf, sizeof(buf), secrets);
		if (fi->serving && !serving) {
			fprintf(f, ",\n%s  \"serving\": {", ind);
			serving = true;
			first = true;
		}
		fprintf(f, "%s\n%s  %s", first ? "" : ",", ind, serving ? "  " : "");
		first = false;
		hssctl_json_str(f, fi->name);
		fputs(": ", f);
		switch (fi->type) {
		case 'n':
		case 'b':
			fputs(buf, f);
			break;
		case 'l':
			fputc('[', f);
			for (i = 0; i < sub->n_roaming_plmns; i++)
				fprintf(f, "%s\"%s\"", i ? ", " : "", sub->roaming_plmns[i]);
			fputc(']', f);
			break;
		case 'a':
			fputc('[', f);
			for (i = 0; i < sub->n_apns; i++) {
				char in2[80];
				snprintf(in2, sizeof(in2), "\n%s    ", ind);
				fputs(i ? "," : "", f);
				apn_json(f, &sub->apns[i], in2);
			}
			if (sub->n_apns)
				fprintf(f, "\n%s  ]", ind);
			else
				fputc(']', f);
			break;
		default:
			hssctl_json_str(f, buf);
		}
	}
	if (serving)
		fprintf(f, "\n%s  }", ind);
	fprintf(f, "\n%s}", ind);
}

void hssctl_print_sub(FILE *f, const struct hss_sub *sub, bool secrets)
{
	const struct hss_field_info *fi;
	static char buf[65536];
	bool serving = false;
	size_t i;

	for (fi = hss_sub_fields(); fi->name; fi++) {
		if (hss_sub_get(sub, fi->name, buf, sizeof(buf)))
			continue;
		if ((!strcmp(fi->name, "op") || !strcmp(fi->name, "opc")) && !buf[0])
			continue;
		hide(fi->name, buf, sizeof(buf), secrets);
		if (fi->serving && !serving) {
			fprintf(f, "serving state:\n");
			serving = true;
		}
		if (fi->type == 'a') {
			fprintf(f, "apns: %zu\n", sub->n_apns);
			for (i = 0; i < sub->n_apns; i++) {
				hss_apn_format(&sub->apns[i], buf, sizeof(buf));
				fprintf(f, "  - %s\n", buf);
			}
			continue;
		}
		fprintf(f, "%s%-24s %s\n", serving ? "  " : "", fi->name,
		        buf[0] ? buf : "-");
	}
}

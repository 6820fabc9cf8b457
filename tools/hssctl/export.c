/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * export.c: hssctl export, every subscriber as CSV that import reads back (provisioned fields
 * only, no serving state).
 */
#include "hssctl.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

struct export_ctx {
	FILE *f;
	uint64_t n;
};

static void csv_cell(FILE *f, const char *v)
{
	const char *p;

	if (!strpbrk(v, ",\"\n\r;")) {
		fputs(v, f);
		return;
	}
	fputc('"', f);
	for (p = v; *p; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	fputc('"', f);
}

static int export_cb(const struct hss_sub *sub, void *arg)
{
	struct export_ctx *c = arg;
	const struct hss_field_info *fi;
	static char buf[65536];
	bool first = true;

	for (fi = hss_sub_fields(); fi->name; fi++) {
		if (fi->serving || !strcmp(fi->name, "opc"))
			continue;
		if (!strcmp(fi->name, "op")) {
			/* one column pair: the key, then whether it is OPc */
			hss_sub_get(sub, sub->opc ? "opc" : "op", buf, sizeof(buf));
		} else if (hss_sub_get(sub, fi->name, buf, sizeof(buf))) {
			return EIO;
		}
		fputs(first ? "" : ",", c->f);
		first = false;
		csv_cell(c->f, buf);
		if (!strcmp(fi->name, "op"))
			fprintf(c->f, ",%s", sub->opc ? "true" : "false");
	}
	fputc('\n', c->f);
	c->n++;
	return ferror(c->f) ? EIO : 0;
}

int hssctl_cmd_export(struct hss_db *db, char **pos, int npos, struct hssctl_opt *o, int n)
{
	const struct hss_field_info *fi;
	struct export_ctx c = { stdout, 0 };
	bool first = true;
	int i, rc;

	for (i = 0; i < n; i++)
		if (strcmp(o[i].name, "show-secrets"))
			return hssctl_usage("export: unknown option");
	if (npos > 1)
		return hssctl_usage("export: at most one FILE");
	if (npos == 1 && strcmp(pos[0], "-")) {
		if ((rc = hssctl_secret_fopen(pos[0], "export", &c.f)))
			return rc;
	} else if (!hssctl_secret_shown(o, n)) {
		/* a backup without its keys would be found out only when restored */
		fprintf(stderr, "hssctl: export: the export holds K and OP/OPc: give a FILE "
		        "(created 0600), or --show-secrets to write them to standard output\n");
		return HSSCTL_USAGE;
	} else if ((rc = hssctl_secret_stdout_ok("export"))) {
		return rc;
	}
	for (fi = hss_sub_fields(); fi->name; fi++) {
		if (fi->serving || !strcmp(fi->name, "opc"))
			continue;
		fprintf(c.f, "%s%s", first ? "" : ",", fi->name);
		if (!strcmp(fi->name, "op"))
			fputs(",op_is_opc", c.f);
		first = false;
	}
	fputc('\n', c.f);
	rc = hss_db_list_subs(db, NULL, 0, 0, export_cb, &c);
	if (c.f != stdout && fclose(c.f) && !rc)
		rc = EIO;
	if (rc)
		return hssctl_fail(rc, "export");
	if (c.f != stdout)
		fprintf(stderr, "exported %" PRIu64 " subscriber(s)\n", c.n);
	return HSSCTL_OK;
}

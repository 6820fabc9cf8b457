/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cmd_read.c: the hssctl commands that read subscribers (show, list, count) and list the
 * fields.
 */
#include "hssctl.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

int hssctl_cmd_show(struct hss_db *db, char **pos, int npos, struct hssctl_opt *o, int n,
                    bool json)
{
	const char *msisdn = NULL;
	struct hss_sub *sub;
	int i, rc;

	bool secrets = hssctl_secret_shown(o, n);

	for (i = 0; i < n; i++)
		if (!strcmp(o[i].name, "msisdn"))
			msisdn = o[i].value;
		else if (strcmp(o[i].name, "json") && strcmp(o[i].name, "show-secrets"))
			return hssctl_usage("show: unknown option");
	if (secrets && (rc = hssctl_secret_stdout_ok("show")))
		return rc;
	if (npos != !msisdn)
		return hssctl_usage("show: exactly one IMSI, or --msisdn MSISDN");
	if (!(sub = malloc(sizeof(*sub))))
		return HSSCTL_DB;
	rc = msisdn ? hss_db_get_sub_by_msisdn(db, msisdn, sub) : hss_db_get_sub(db, pos[0], sub);
	if (rc) {
		rc = hssctl_fail(rc, "show");
	} else if (json) {
		hssctl_print_sub_json(stdout, sub, 0, secrets);
		printf("\n");
	} else {
		hssctl_print_sub(stdout, sub, secrets);
	}
	explicit_bzero(sub, sizeof(*sub));   /* holds K and OP/OPc */
	free(sub);
	return rc;
}

struct list_ctx {
	bool json;
	bool secrets;
	uint64_t n;
};

static int list_cb(const struct hss_sub *sub, void *arg)
{
	struct list_ctx *c = arg;
	size_t i;

	if (c->json) {
		printf("%s\n", c->n ? "," : "");
		hssctl_print_sub_json(stdout, sub, 2, c->secrets);
	} else {
		printf("%-15s %-15s", sub->imsi, sub->msisdn[0] ? sub->msisdn : "-");
		for (i = 0; i < sub->n_apns; i++)
			printf("%s%s", i ? "," : " ", sub->apns[i].apn);
		if (sub->serving.mme_host[0])
			printf("  mme=%s", sub->serving.mme_host);
		printf("\n");
	}
	c->n++;
	return 0;
}

int hssctl_cmd_list(struct hss_db *db, struct hssctl_opt *o, int n, bool json)
{
	struct list_ctx c = { json, hssctl_secret_shown(o, n), 0 };
	uint64_t limit, offset;
	const char *after = NULL;
	int i, rc;

	if (hssctl_opt_u64(o, n, "limit", 0, &limit) || hssctl_opt_u64(o, n, "offset", 0, &offset))
		return HSSCTL_USAGE;
	for (i = 0; i < n; i++)
		if (!strcmp(o[i].name, "after"))
			after = o[i].value;
		else if (strcmp(o[i].name, "limit") && strcmp(o[i].name, "offset") &&
		         strcmp(o[i].name, "json") && strcmp(o[i].name, "show-secrets"))
			return hssctl_usage("list: unknown option");
	if (c.secrets && json && (rc = hssctl_secret_stdout_ok("list")))
		return rc;
	if (json)
		printf("[");
	rc = hss_db_list_subs(db, after, offset, limit, list_cb, &c);
	if (json)
		printf("%s]\n", c.n ? "\n" : "");
	return rc ? hssctl_fail(rc, "list") : HSSCTL_OK;
}

int hssctl_cmd_fields(void)
{
	const struct hss_field_info *f;

	for (f = hss_sub_fields(); f->name; f++)
		printf("%-24s %s%s%s\n", f->name, f->serving ? "[serving] " : "",
		       hssctl_secret_field(f->name) ? "[secret] " : "", f->help);
	printf("%-24s %s\n", "apn", "append one APN (SPEC, see usage)");
	return HSSCTL_OK;
}

int hssctl_cmd_count(struct hss_db *db)
{
	uint64_t n = 0;
	int rc;

	if ((rc = hss_db_count(db, &n)))
		return hssctl_fail(rc, "count");
	printf("%" PRIu64 "\n", n);
	return HSSCTL_OK;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * main.c: hssctl, the HSS subscriber provisioning tool: init (init.c), add, show, list,
 * update, delete, count and bulk import of subscribers in the HSS database (any hss/db backend).
 *
 * The database comes from -d BACKEND:URI, --db PATH, or the `database:` section of the HSS
 * configuration file given with -c (db_spec_from_config).
 */
#include "hssctl.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static const char usage_text[] =
	"usage: hssctl [-d BACKEND:URI | --db PATH | -c HSS.yaml] [--json] COMMAND [ARGS]\n"
	"\n"
	"commands:\n"
	"  init               create the database (SQLite file or schema) or migrate it; the\n"
	"                     other commands, and the HSS, refuse a database that does not exist\n"
	"  add --imsi IMSI --k K (--op OP | --opc OPC) [--FIELD VALUE]... [--apn SPEC]...\n"
	"      [--roaming-plmn MCCMNC]... [--replace]\n"
	"  show IMSI | --msisdn MSISDN [--json]\n"
	"  list [--limit N] [--offset N] [--after IMSI] [--json]\n"
	"  update IMSI [--FIELD VALUE]... [--apn SPEC]... (any --apn replaces all APNs)\n"
	"  delete IMSI\n"
	"  count\n"
	"  import FILE.csv|FILE.yaml [--skip-bad] [--no-replace] [--reset-sqn] [--format csv|yaml]\n"
	"  export [FILE.csv]  all subscribers as CSV that import reads back (no serving state)\n"
	"  fields             list the field names with their meaning\n"
	"\n"
	"APN SPEC: NAME[,ctx=N,qci=N,arp=N,pdn=ipv4|ipv6|ipv4v6|ipv4_or_ipv6,ambr-ul=BPS,\n"
	"          ambr-dl=BPS,preempt-cap=0|1,preempt-vuln=0|1,static-ip=ADDR,pgw-alloc=static|dynamic,\n"
	"          vplmn-dyn=0|1,pgw-host=HOST,pgw-realm=REALM]\n"
	"The database may also come from the HSS_DB environment variable (BACKEND:URI or a path).\n"
	"exit codes: 0 ok, 1 not found, 2 usage or validation error, 3 database error\n";

static int usage(const char *msg)
{
	if (msg)
		fprintf(stderr, "hssctl: %s\n", msg);
	fputs(usage_text, stderr);
	return HSSCTL_USAGE;
}

int hssctl_exit_code(int rc)
{
	switch (rc) {
	case 0:
		return HSSCTL_OK;
	case ENOENT:
		return HSSCTL_NOT_FOUND;
	case EINVAL:
	case EEXIST:
	case ENOTSUP:
	case ERANGE:
		return HSSCTL_USAGE;
	default:
		return HSSCTL_DB;
	}
}

static int fail(int rc, const char *what)
{
	const char *m = hss_db_strerror();

	fprintf(stderr, "hssctl: %s: %s\n", what, m && *m ? m : strerror(rc));
	return hssctl_exit_code(rc);
}

/* The database named by the HSS configuration file: its `database:` map, `backend`
 * (default sqlite) and `path` or `uri`, as hss/config.c reads them. Only that map is read
 * here (with libyaml, so hssctl needs no freeDiameter); the HSS checks the rest. */
static const char *ymap_scalar(yaml_document_t *d, yaml_node_t *map, const char *key,
                               yaml_node_t **ret_node)
{
	yaml_node_pair_t *p;

	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(d, p->key);
		yaml_node_t *v = yaml_document_get_node(d, p->value);
		if (k && k->type == YAML_SCALAR_NODE && !strcmp((char *)k->data.scalar.value, key)) {
			if (ret_node)
				*ret_node = v;
			return v && v->type == YAML_SCALAR_NODE ? (const char *)v->data.scalar.value : NULL;
		}
	}
	return NULL;
}

static int db_spec_from_config(const char *path, char *spec, size_t speclen, char *err,
                               size_t errlen)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *db = NULL;
	const char *backend, *where;
	FILE *f;
	int rc = EINVAL;

	if (!(f = fopen(path, "rb"))) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return EINVAL;
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(err, errlen, "%s:%zu:%zu: YAML error: %s", path, parser.problem_mark.line + 1,
		         parser.problem_mark.column + 1, parser.problem ? parser.problem : "?");
		yaml_parser_delete(&parser);
		fclose(f);
		return EINVAL;
	}
	ymap_scalar(&doc, yaml_document_get_root_node(&doc), "database", &db);
	if (!db || db->type != YAML_MAPPING_NODE) {
		snprintf(err, errlen, "%s: no 'database:' map", path);
		goto out;
	}
	backend = ymap_scalar(&doc, db, "backend", NULL);
	if (!(where = ymap_scalar(&doc, db, "path", NULL)))
		where = ymap_scalar(&doc, db, "uri", NULL);
	if (!where || !*where) {
		snprintf(err, errlen, "%s:%zu: database: 'path' (or 'uri') is required", path,
		         db->start_mark.line + 1);
		goto out;
	}
	if ((size_t)snprintf(spec, speclen, "%s:%s", backend && *backend ? backend : "sqlite",
	                     where) >= speclen) {
		snprintf(err, errlen, "%s: database path too long", path);
		goto out;
	}
	rc = 0;
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	fclose(f);
	return rc;
}

/* ---- argument helpers ---------------------------------------------------------------- */

struct opt {
	const char *name;   /* without the leading dashes */
	const char *value;  /* NULL for flags */
};

static bool is_flag(const char *name)
{
	static const char *const flags[] = { "json", "replace", "skip-bad", "no-replace", "reset-sqn",
		"quiet", NULL };
	size_t i;

	for (i = 0; flags[i]; i++)
		if (!strcmp(name, flags[i]))
			return true;
	return false;
}

/* Split "--name value" / "--name=value" / "--flag" / positionals. */
static int parse_opts(int argc, char **argv, struct opt *opts, int *n_opts, char **pos, int *n_pos)
{
	int i;

	*n_opts = *n_pos = 0;
	for (i = 0; i < argc; i++) {
		char *a = argv[i];

		if (strncmp(a, "--", 2) || !a[2]) {
			pos[(*n_pos)++] = a;
			continue;
		}
		a += 2;
		if (strchr(a, '=')) {
			char *eq = strchr(a, '=');
			*eq = 0;
			opts[*n_opts] = (struct opt){ a, eq + 1 };
		} else if (is_flag(a)) {
			opts[*n_opts] = (struct opt){ a, NULL };
		} else if (i + 1 < argc) {
			opts[*n_opts] = (struct opt){ a, argv[++i] };
		} else {
			fprintf(stderr, "hssctl: option --%s needs a value\n", a);
			return EINVAL;
		}
		(*n_opts)++;
	}
	return 0;
}

static bool opt_flag(const struct opt *o, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(o[i].name, name))
			return true;
	return false;
}

static int opt_u64(const struct opt *o, int n, const char *name, uint64_t def, uint64_t *ret)
{
	int i;
	char *end;

	*ret = def;
	for (i = 0; i < n; i++)
		if (!strcmp(o[i].name, name)) {
			if (!o[i].value || !*o[i].value || *o[i].value == '-')
				goto bad;
			errno = 0;
			*ret = strtoull(o[i].value, &end, 10);
			if (errno || *end)
				goto bad;
		}
	return 0;
bad:
	fprintf(stderr, "hssctl: --%s: '%s' is not a number\n", name, o[i].value ? o[i].value : "");
	return EINVAL;
}

static bool name_is(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (!((*a == *b) || ((*a == '-' || *a == '_') && (*b == '-' || *b == '_'))))
			return false;
	return *a == *b;
}

/* Join repeated list options (--apn, --roaming-plmn) with sep. */
static int join(char **acc, const char *v, char sep)
{
	size_t a = *acc ? strlen(*acc) : 0;
	char *n = realloc(*acc, a + strlen(v) + 2);

	if (!n)
		return ENOMEM;
	if (a)
		n[a++] = sep;
	strcpy(n + a, v);
	*acc = n;
	return 0;
}

/* ---- commands ------------------------------------------------------------------------ */

static int cmd_add(struct hss_db *db, struct opt *o, int n)
{
	struct hss_sub *sub = malloc(sizeof(*sub));
	char err[512], *plmns = NULL;
	bool have_imsi = false, have_k = false, have_op = false;
	int i, rc = HSSCTL_USAGE;

	if (!sub)
		return HSSCTL_DB;
	hss_sub_init(sub);
	for (i = 0; i < n; i++) {
		if (!strcmp(o[i].name, "replace") || !strcmp(o[i].name, "json"))
			continue;
		if (!o[i].value) {
			fprintf(stderr, "hssctl: add: --%s takes no flag form\n", o[i].name);
			goto out;
		}
		if (name_is(o[i].name, "roaming-plmn") || name_is(o[i].name, "roaming-plmns")) {
			if (join(&plmns, o[i].value, ','))
				goto out;
			continue;
		}
		if (hssctl_is_serving(o[i].name)) {
			fprintf(stderr, "hssctl: add: --%s is serving state: set it with update\n",
			        o[i].name);
			goto out;
		}
		if (hss_sub_set(sub, o[i].name, o[i].value, err, sizeof(err))) {
			fprintf(stderr, "hssctl: add: %s\n", err);
			goto out;
		}
		have_imsi |= name_is(o[i].name, "imsi");
		have_k |= name_is(o[i].name, "k");
		have_op |= name_is(o[i].name, "op") || name_is(o[i].name, "opc");
	}
	if (plmns && hss_sub_set(sub, "roaming_plmns", plmns, err, sizeof(err))) {
		fprintf(stderr, "hssctl: add: %s\n", err);
		goto out;
	}
	if (!have_imsi || !have_k || !have_op) {
		fprintf(stderr, "hssctl: add: --imsi, --k and --op or --opc are required\n");
		goto out;
	}
	if (hss_sub_validate(sub, err, sizeof(err))) {
		fprintf(stderr, "hssctl: add: %s\n", err);
		goto out;
	}
	rc = hss_db_put_sub(db, sub, opt_flag(o, n, "replace") ? 0 : HSS_DB_PUT_NO_REPLACE);
	rc = rc ? fail(rc, "add") : HSSCTL_OK;
	if (!rc)
		printf("added %s\n", sub->imsi);
out:
	free(plmns);
	free(sub);
	return rc;
}

static int cmd_show(struct hss_db *db, char **pos, int npos, struct opt *o, int n, bool json)
{
	const char *msisdn = NULL;
	struct hss_sub *sub;
	int i, rc;

	for (i = 0; i < n; i++)
		if (!strcmp(o[i].name, "msisdn"))
			msisdn = o[i].value;
		else if (strcmp(o[i].name, "json"))
			return usage("show: unknown option");
	if (npos != !msisdn)
		return usage("show: exactly one IMSI, or --msisdn MSISDN");
	if (!(sub = malloc(sizeof(*sub))))
		return HSSCTL_DB;
	rc = msisdn ? hss_db_get_sub_by_msisdn(db, msisdn, sub) : hss_db_get_sub(db, pos[0], sub);
	if (rc) {
		rc = fail(rc, "show");
	} else if (json) {
		hssctl_print_sub_json(stdout, sub, 0);
		printf("\n");
	} else {
		hssctl_print_sub(stdout, sub);
	}
	free(sub);
	return rc;
}

struct list_ctx {
	bool json;
	uint64_t n;
};

static int list_cb(const struct hss_sub *sub, void *arg)
{
	struct list_ctx *c = arg;
	size_t i;

	if (c->json) {
		printf("%s\n", c->n ? "," : "");
		hssctl_print_sub_json(stdout, sub, 2);
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

static int cmd_list(struct hss_db *db, struct opt *o, int n, bool json)
{
	struct list_ctx c = { json, 0 };
	uint64_t limit, offset;
	const char *after = NULL;
	int i, rc;

	if (opt_u64(o, n, "limit", 0, &limit) || opt_u64(o, n, "offset", 0, &offset))
		return HSSCTL_USAGE;
	for (i = 0; i < n; i++)
		if (!strcmp(o[i].name, "after"))
			after = o[i].value;
		else if (strcmp(o[i].name, "limit") && strcmp(o[i].name, "offset") &&
		         strcmp(o[i].name, "json"))
			return usage("list: unknown option");
	if (json)
		printf("[");
	rc = hss_db_list_subs(db, after, offset, limit, list_cb, &c);
	if (json)
		printf("%s]\n", c.n ? "\n" : "");
	return rc ? fail(rc, "list") : HSSCTL_OK;
}

static int cmd_update(struct hss_db *db, char **pos, int npos, struct opt *o, int n)
{
	struct hss_db_kv *kv = calloc((size_t)n + 2, sizeof(*kv));
	char err[512], *apns = NULL, *plmns = NULL;
	size_t nkv = 0;
	int i, rc = HSSCTL_USAGE;

	if (!kv)
		return HSSCTL_DB;
	if (npos != 1) {
		rc = usage("update: exactly one IMSI");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (!o[i].value || !strcmp(o[i].name, "json"))
			continue;
		if (name_is(o[i].name, "apn") || name_is(o[i].name, "apns")) {
			if (join(&apns, o[i].value, ';'))
				goto out;
		} else if (name_is(o[i].name, "roaming-plmn") || name_is(o[i].name, "roaming-plmns")) {
			if (join(&plmns, o[i].value, ','))
				goto out;
		} else {
			kv[nkv++] = (struct hss_db_kv){ o[i].name, o[i].value };
		}
	}
	if (apns)
		kv[nkv++] = (struct hss_db_kv){ "apns", apns };
	if (plmns)
		kv[nkv++] = (struct hss_db_kv){ "roaming_plmns", plmns };
	if (!nkv) {
		rc = usage("update: nothing to change");
		goto out;
	}
	rc = hss_db_update(db, pos[0], kv, nkv, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "hssctl: update: %s\n", err);
		rc = hssctl_exit_code(rc);
	} else {
		printf("updated %s\n", pos[0]);
	}
out:
	free(apns);
	free(plmns);
	free(kv);
	return rc;
}

static int cmd_delete(struct hss_db *db, char **pos, int npos)
{
	int rc, i, ret = HSSCTL_OK;

	if (npos < 1)
		return usage("delete: IMSI expected");
	for (i = 0; i < npos; i++) {
		if ((rc = hss_db_del_sub(db, pos[i])))
			ret = fail(rc, "delete");
		else
			printf("deleted %s\n", pos[i]);
	}
	return ret;
}

/* ---- export: CSV that import reads back (provisioned fields only) ------------------- */

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

static int cmd_export(struct hss_db *db, char **pos, int npos)
{
	const struct hss_field_info *fi;
	struct export_ctx c = { stdout, 0 };
	bool first = true;
	int rc;

	if (npos > 1)
		return usage("export: at most one FILE");
	if (npos == 1 && strcmp(pos[0], "-") && !(c.f = fopen(pos[0], "w"))) {
		fprintf(stderr, "hssctl: export: %s: %s\n", pos[0], strerror(errno));
		return HSSCTL_USAGE;
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
		return fail(rc, "export");
	if (c.f != stdout)
		fprintf(stderr, "exported %" PRIu64 " subscriber(s)\n", c.n);
	return HSSCTL_OK;
}

static int cmd_fields(void)
{
	const struct hss_field_info *f;

	for (f = hss_sub_fields(); f->name; f++)
		printf("%-24s %s%s\n", f->name, f->serving ? "[serving] " : "", f->help);
	printf("%-24s %s\n", "apn", "append one APN (SPEC, see usage)");
	return HSSCTL_OK;
}

int main(int argc, char **argv)
{
	const char *spec = NULL, *config = NULL, *cmd;
	char cfgspec[1024], err[512];
	struct hss_db_opts dbo = { 0, HSSCTL_TIMEOUT_MS };
	struct hss_db *db = NULL;
	struct opt *opts = NULL;
	char **pos = NULL;
	int i, nopt, npos, rc;
	bool json = false;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage_text, stdout);
			return HSSCTL_OK;
		} else if (!strcmp(a, "--json")) {
			json = true;
		} else if ((!strcmp(a, "-d") || !strcmp(a, "--db") || !strcmp(a, "-c") ||
		            !strcmp(a, "--config")) && i + 1 < argc) {
			if (a[1] == 'c' || !strcmp(a, "--config"))
				config = argv[++i];
			else
				spec = argv[++i];
		} else if (!strncmp(a, "--db=", 5)) {
			spec = a + 5;
		} else if (!strncmp(a, "--config=", 9)) {
			config = a + 9;
		} else {
			return usage("unknown option or missing value");
		}
	}
	if (i >= argc)
		return usage("no command");
	cmd = argv[i++];
	if (!strcmp(cmd, "help"))
		return fputs(usage_text, stdout), HSSCTL_OK;
	if (!strcmp(cmd, "fields"))
		return cmd_fields();

	opts = calloc((size_t)argc, sizeof(*opts));
	pos = calloc((size_t)argc, sizeof(*pos));
	if (!opts || !pos)
		return HSSCTL_DB;
	if (parse_opts(argc - i, argv + i, opts, &nopt, pos, &npos)) {
		rc = HSSCTL_USAGE;
		goto out;
	}
	json |= opt_flag(opts, nopt, "json");

	if (!spec && config) {
		if ((rc = db_spec_from_config(config, cfgspec, sizeof(cfgspec), err, sizeof(err)))) {
			fprintf(stderr, "hssctl: %s\n", err);
			rc = HSSCTL_USAGE;
			goto out;
		}
		spec = cfgspec;
	}
	if (!spec)
		spec = getenv("HSS_DB");
	if (!spec) {
		rc = usage("no database: give -d BACKEND:URI, --db PATH or -c HSS.yaml");
		goto out;
	}
	if (!strcmp(cmd, "init")) {
		rc = hssctl_init(spec, npos);
		goto out;
	}
	if ((rc = hss_db_open_spec(spec, &dbo, &db, err, sizeof(err)))) {
		fprintf(stderr, "hssctl: %s\n", err);
		rc = rc == EINVAL || rc == ENOENT ? HSSCTL_USAGE : HSSCTL_DB;
		goto out;
	}

	if (!strcmp(cmd, "add")) {
		rc = npos ? usage("add: unexpected argument") : cmd_add(db, opts, nopt);
	} else if (!strcmp(cmd, "show") || !strcmp(cmd, "get")) {
		rc = cmd_show(db, pos, npos, opts, nopt, json);
	} else if (!strcmp(cmd, "list")) {
		rc = npos ? usage("list: unexpected argument") : cmd_list(db, opts, nopt, json);
	} else if (!strcmp(cmd, "update")) {
		rc = cmd_update(db, pos, npos, opts, nopt);
	} else if (!strcmp(cmd, "delete") || !strcmp(cmd, "del")) {
		rc = cmd_delete(db, pos, npos);
	} else if (!strcmp(cmd, "export")) {
		rc = cmd_export(db, pos, npos);
	} else if (!strcmp(cmd, "count")) {
		uint64_t n = 0;
		if ((rc = hss_db_count(db, &n)))
			rc = fail(rc, "count");
		else
			printf("%" PRIu64 "\n", n);
	} else if (!strcmp(cmd, "import")) {
		struct import_opts io = { .skip_bad = opt_flag(opts, nopt, "skip-bad"),
			.no_replace = opt_flag(opts, nopt, "no-replace"),
			.reset_sqn = opt_flag(opts, nopt, "reset-sqn"),
			.quiet = opt_flag(opts, nopt, "quiet") };
		for (i = 0; i < nopt; i++)
			if (!strcmp(opts[i].name, "format"))
				io.format = opts[i].value;
		rc = npos != 1 ? usage("import: exactly one FILE") : hssctl_import(db, pos[0], &io);
	} else {
		rc = usage("unknown command");
	}
out:
	hss_db_close(db);
	free(opts);
	free(pos);
	return rc;
}

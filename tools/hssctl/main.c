/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * main.c: hssctl, the HSS subscriber provisioning tool: init (init.c), add, show, list,
 * update, delete, count and bulk import of subscribers in the HSS database (any hss/db backend).
 *
 * The database comes from -d BACKEND:URI, --db PATH, or the `database:` section of the HSS
 * configuration file given with -c (dbspec.c). The commands live one family per file
 * (cmd_edit.c, cmd_read.c, import.c, export.c); this file parses the global options and
 * dispatches.
 */
#include "hssctl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
	"usage: hssctl [-d BACKEND:URI | --db PATH | -c HSS.yaml] [--json] COMMAND [ARGS]\n"
	"\n"
	"commands:\n"
	"  init               create the database (SQLite file or schema) or migrate it; the\n"
	"                     other commands, and the HSS, refuse a database that does not exist\n"
	"  add --imsi IMSI --k K (--op OP | --opc OPC) [--FIELD VALUE]... [--apn SPEC]...\n"
	"      [--roaming-plmn MCCMNC]... [--replace]\n"
	"  show IMSI | --msisdn MSISDN [--json] [--show-secrets]\n"
	"  list [--limit N] [--offset N] [--after IMSI] [--json] [--show-secrets]\n"
	"  update IMSI [--FIELD VALUE]... [--apn SPEC]... (any --apn replaces all APNs)\n"
	"  delete IMSI\n"
	"  count\n"
	"  import FILE.csv|FILE.yaml [--skip-bad] [--no-replace] [--reset-sqn] [--format csv|yaml]\n"
	"  export FILE.csv | --show-secrets   all subscribers as CSV that import reads back\n"
	"                     (no serving state); FILE is created 0600\n"
	"  fields             list the field names with their meaning\n"
	"IMS subscriptions (YAML, see README):\n"
	"  ims-import FILE.yaml|-... [--no-replace] [--reset-sqn] [--no-push] [--skip-bad]\n"
	"  ims-export [ID...] --out FILE | --show-secrets   (carries HA1 and own AKA keys;\n"
	"                     FILE is created 0600)\n"
	"  ims-show ID|IMPU|IMPI [--show-secrets]  with the registration state\n"
	"  ims-list [--after ID] [--limit N]\n"
	"  ims-delete ID...    ims-link IMPI IMSI    ims-unlink IMPI\n"
	"  ims-deregister ID|IMPU|IMPI [--reason 0..3] [--reason-info TEXT]   (RTR)\n"
	"  ims-ppr ID|IMPU|IMPI                                               (PPR)\n"
	"  a change the S-CSCF must hear of (PPR, RTR) is sent by the HSS: at once with\n"
	"  --ctl SOCKET or -c HSS.yaml naming ctl_socket:, else within cx.outbox_poll_ms\n"
	"\n"
	"APN SPEC: NAME[,ctx=N,qci=N,arp=N,pdn=ipv4|ipv6|ipv4v6|ipv4_or_ipv6,ambr-ul=BPS,\n"
	"          ambr-dl=BPS,preempt-cap=0|1,preempt-vuln=0|1,static-ip=ADDR,pgw-alloc=static|dynamic,\n"
	"          vplmn-dyn=0|1,pgw-host=HOST,pgw-realm=REALM]\n"
	"K, OP and OPc (add, update) on the command line are visible to every user in `ps`; they\n"
	"can come instead from --k-file/--op-file/--opc-file FILE (- for standard input),\n"
	"--k - (standard input), --secrets-stdin (lines k=HEX, opc=HEX or op=HEX), or the\n"
	"variables HSSCTL_K, HSSCTL_OPC, HSSCTL_OP (add; update with --secrets-env).\n"
	"show and list hide them unless --show-secrets is given.\n"
	"The database may also come from the HSS_DB environment variable (BACKEND:URI or a path).\n"
	"exit codes: 0 ok, 1 not found, 2 usage or validation error, 3 database error\n";

int hssctl_usage(const char *msg)
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

int hssctl_fail(int rc, const char *what)
{
	const char *m = hss_db_strerror();

	fprintf(stderr, "hssctl: %s: %s\n", what, m && *m ? m : strerror(rc));
	return hssctl_exit_code(rc);
}

int main(int argc, char **argv)
{
	const char *spec = NULL, *config = NULL, *cmd;
	char cfgspec[1024], err[512];
	struct hss_db_opts dbo = { 0, HSSCTL_TIMEOUT_MS };
	struct hss_db *db = NULL;
	struct hssctl_opt *opts = NULL;
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
			return hssctl_usage("unknown option or missing value");
		}
	}
	if (i >= argc)
		return hssctl_usage("no command");
	cmd = argv[i++];
	if (!strcmp(cmd, "help"))
		return fputs(usage_text, stdout), HSSCTL_OK;
	if (!strcmp(cmd, "fields"))
		return hssctl_cmd_fields();

	opts = calloc((size_t)argc, sizeof(*opts));
	pos = calloc((size_t)argc, sizeof(*pos));
	if (!opts || !pos)
		return HSSCTL_DB;
	if (hssctl_parse_opts(argc - i, argv + i, opts, &nopt, pos, &npos)) {
		rc = HSSCTL_USAGE;
		goto out;
	}
	json |= hssctl_opt_flag(opts, nopt, "json");

	if (!spec && config) {
		if ((rc = hssctl_db_spec(config, cfgspec, sizeof(cfgspec), err, sizeof(err)))) {
			fprintf(stderr, "hssctl: %s\n", err);
			rc = HSSCTL_USAGE;
			goto out;
		}
		spec = cfgspec;
	}
	if (!spec)
		spec = getenv("HSS_DB");
	if (!spec) {
		rc = hssctl_usage("no database: give -d BACKEND:URI, --db PATH or -c HSS.yaml");
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

	/* a database other users may read: a warning, and no more keys written into it */
	if ((rc = hssctl_secret_db_check(spec, cmd, !strcmp(cmd, "add") || !strcmp(cmd, "import") ||
	                                 !strcmp(cmd, "ims-import") ||
	                                 (!strcmp(cmd, "update") &&
	                                  hssctl_secret_opts_present(opts, nopt)))))
		goto out;

	if ((rc = hssctl_ims_dispatch(db, cmd, config, pos, npos, opts, nopt)) >= 0) {
		/* an ims-* command */
	} else if (!strcmp(cmd, "add")) {
		rc = npos ? hssctl_usage("add: unexpected argument") : hssctl_cmd_add(db, opts, nopt);
	} else if (!strcmp(cmd, "show") || !strcmp(cmd, "get")) {
		rc = hssctl_cmd_show(db, pos, npos, opts, nopt, json);
	} else if (!strcmp(cmd, "list")) {
		rc = npos ? hssctl_usage("list: unexpected argument")
		          : hssctl_cmd_list(db, opts, nopt, json);
	} else if (!strcmp(cmd, "update")) {
		rc = hssctl_cmd_update(db, pos, npos, opts, nopt);
	} else if (!strcmp(cmd, "delete") || !strcmp(cmd, "del")) {
		rc = hssctl_cmd_delete(db, pos, npos);
	} else if (!strcmp(cmd, "export")) {
		rc = hssctl_cmd_export(db, pos, npos, opts, nopt);
	} else if (!strcmp(cmd, "count")) {
		rc = hssctl_cmd_count(db);
	} else if (!strcmp(cmd, "import")) {
		struct import_opts io = { .skip_bad = hssctl_opt_flag(opts, nopt, "skip-bad"),
			.no_replace = hssctl_opt_flag(opts, nopt, "no-replace"),
			.reset_sqn = hssctl_opt_flag(opts, nopt, "reset-sqn"),
			.quiet = hssctl_opt_flag(opts, nopt, "quiet") };
		for (i = 0; i < nopt; i++)
			if (!strcmp(opts[i].name, "format"))
				io.format = opts[i].value;
		rc = npos != 1 ? hssctl_usage("import: exactly one FILE") : hssctl_import(db, pos[0], &io);
	} else {
		rc = hssctl_usage("unknown command");
	}
out:
	hss_db_close(db);
	free(opts);
	free(pos);
	return rc;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hssctl.h: internal header of the hssctl provisioning tool: main.c (command dispatch),
 * args.c, dbspec.c, one file per command family (cmd_edit.c, cmd_read.c, import.c,
 * export.c) and out.c.
 */
#ifndef HSSCTL_H
#define HSSCTL_H

/* Defined by tools/hssctl/meson.build for the component's own sources only. */
#ifndef HSSCTL_INTERNAL
#error "hssctl.h is internal to tools/hssctl/"
#endif

#include "hss_db.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Exit codes (documented in README.md). */
enum {
	HSSCTL_OK = 0,
	HSSCTL_NOT_FOUND = 1,
	HSSCTL_USAGE = 2,       /* usage or validation error */
	HSSCTL_DB = 3,          /* database error */
};

/* Longest wait for the database per operation (a lock held by the HSS, a busy server). */
#define HSSCTL_TIMEOUT_MS 10000u

/* `hssctl init` (init.c): create or migrate the database named by spec. Exit code. */
int hssctl_init(const char *spec, int npos);

/* errno from hss_db -> exit code */
int hssctl_exit_code(int rc);

struct import_opts {
	bool skip_bad;          /* skip invalid rows (reported) instead of aborting */
	bool no_replace;        /* an IMSI that exists is an error */
	bool reset_sqn;         /* existing subscribers take the file's SQN (default: keep) */
	const char *format;     /* "csv", "yaml" or NULL: from the file name */
	bool quiet;
};

/* Whether a field name is serving state (written by the HSS, not by add or import). */
bool hssctl_is_serving(const char *name);

/* Import a CSV or YAML file in one transaction. Returns an exit code. */
int hssctl_import(struct hss_db *db, const char *path, const struct import_opts *o);

/* main.c: print msg and the usage text to stderr, return HSSCTL_USAGE; print what failed
 * (the database's message when it has one) and return the exit code for rc. */
int hssctl_usage(const char *msg);
int hssctl_fail(int rc, const char *what);

/* dbspec.c: "BACKEND:URI" from the `database:` section of the HSS configuration file. */
int hssctl_db_spec(const char *path, char *spec, size_t speclen, char *err, size_t errlen);

/* args.c: options after the command name. */
struct hssctl_opt {
	const char *name;   /* without the leading dashes */
	const char *value;  /* NULL for flags */
};
/* Split "--name value" / "--name=value" / "--flag" / positionals. */
int hssctl_parse_opts(int argc, char **argv, struct hssctl_opt *opts, int *n_opts, char **pos,
                      int *n_pos);
bool hssctl_opt_flag(const struct hssctl_opt *o, int n, const char *name);
int hssctl_opt_u64(const struct hssctl_opt *o, int n, const char *name, uint64_t def,
                   uint64_t *ret);
bool hssctl_name_is(const char *a, const char *b);
/* Join repeated list options (--apn, --roaming-plmn) with sep. */
int hssctl_join(char **acc, const char *v, char sep);

/* The commands (cmd_edit.c, cmd_read.c, export.c); each returns an exit code. */
int hssctl_cmd_add(struct hss_db *db, struct hssctl_opt *o, int n);
int hssctl_cmd_update(struct hss_db *db, char **pos, int npos, struct hssctl_opt *o, int n);
int hssctl_cmd_delete(struct hss_db *db, char **pos, int npos);
int hssctl_cmd_show(struct hss_db *db, char **pos, int npos, struct hssctl_opt *o, int n,
                    bool json);
int hssctl_cmd_list(struct hss_db *db, struct hssctl_opt *o, int n, bool json);
int hssctl_cmd_count(struct hss_db *db);
int hssctl_cmd_fields(void);
int hssctl_cmd_export(struct hss_db *db, char **pos, int npos, struct hssctl_opt *o, int n);

/* Secrets (secret.c): K, OP/OPc, and for IMS a digest HA1 or an IMPI's own keys. */
/* Whether a field (or option) name holds a secret: its value is hidden on output unless
 * --show-secrets is given (hssctl_secret_shown), never echoed in an error. */
bool hssctl_secret_field(const char *name);
bool hssctl_secret_shown(const struct hssctl_opt *o, int n);
#define HSSCTL_SECRET_HIDDEN "(hidden)"
/* Whether the options name a secret or a source of one (--k, --k-file, --secrets-stdin..). */
bool hssctl_secret_opts_present(const struct hssctl_opt *o, int n);
/* The options of a command with the secrets read from where they were asked for:
 * --k-file/--op-file/--opc-file FILE (- for standard input), --k/--op/--opc - (standard
 * input), --secrets-stdin (lines k=HEX, op=HEX, opc=HEX), and the variables HSSCTL_K,
 * HSSCTL_OP, HSSCTL_OPC when env is true or --secrets-env is given (for a value no option
 * gives). Each becomes an option "k", "op" or "opc" in s->o; a secret given twice, or OP
 * and OPc, is an error (message printed, EINVAL). hssctl_secrets_clear wipes what was read;
 * s->o points into it and into o. */
struct hssctl_secrets {
	struct hssctl_opt *o;
	int n;
	char **bufs;
	size_t nbufs;
};
int hssctl_secret_opts(const char *cmd, const struct hssctl_opt *o, int n, bool env,
                       struct hssctl_secrets *s);
void hssctl_secrets_clear(struct hssctl_secrets *s);
/* Open path to write secrets into: created 0600; an existing regular file other users may
 * read is refused (HSSCTL_USAGE, message printed), one its group may read is warned about;
 * truncated only once accepted. Exit code. */
int hssctl_secret_fopen(const char *path, const char *cmd, FILE **ret);
/* Whether secrets may go to standard output: not into a regular file other users may read
 * (a shell redirection creates it 0666 & ~umask). Exit code, message printed. */
int hssctl_secret_stdout_ok(const char *cmd);
/* The database's files (SQLite) readable by group or others: a warning, or when the
 * command writes secrets and others may read them, a refusal (HSSCTL_DB). Exit code. */
int hssctl_secret_db_check(const char *spec, const char *cmd, bool writes);

/* IMS subscriptions (cmd_ims.c), on the store of the database; ctl: the HSS control socket
 * to tell of queued PPR/RTR (--ctl, or ctl_socket: of -c HSS.yaml), or NULL. */
struct hss_imsdb;
struct hssctl_ims {
	struct hss_imsdb *store;
	const char *ctl;
};
int hssctl_ims_import(struct hssctl_ims *ctx, char **pos, int npos, struct hssctl_opt *o, int n);
int hssctl_ims_export(struct hssctl_ims *ctx, char **pos, int npos, struct hssctl_opt *o, int n);
int hssctl_ims_show(struct hssctl_ims *ctx, char **pos, int npos, struct hssctl_opt *o, int n);
int hssctl_ims_list(struct hssctl_ims *ctx, char **pos, int npos, struct hssctl_opt *o, int n);
int hssctl_ims_delete(struct hssctl_ims *ctx, char **pos, int npos, struct hssctl_opt *o, int n);
int hssctl_ims_link(struct hssctl_ims *ctx, char **pos, int npos, bool link);
int hssctl_ims_deregister(struct hssctl_ims *ctx, char **pos, int npos, struct hssctl_opt *o,
                          int n);
int hssctl_ims_ppr(struct hssctl_ims *ctx, char **pos, int npos, struct hssctl_opt *o, int n);
/* Run an ims-* command (main.c): opens the store on db. Exit code; -1 when cmd is none. */
int hssctl_ims_dispatch(struct hss_db *db, const char *cmd, const char *config, char **pos,
                        int npos, struct hssctl_opt *o, int n);
/* dbspec.c: the `ctl_socket:` of the HSS configuration file into buf ("" when absent). */
int hssctl_ctl_socket(const char *path, char *buf, size_t len);

/* Output of subscribers (out.c). */
/* K and OP/OPc appear only when secrets is true, HSSCTL_SECRET_HIDDEN otherwise. */
void hssctl_print_sub(FILE *f, const struct hss_sub *sub, bool secrets);
void hssctl_print_sub_json(FILE *f, const struct hss_sub *sub, int indent, bool secrets);
void hssctl_json_str(FILE *f, const char *s);

#endif /* HSSCTL_H */

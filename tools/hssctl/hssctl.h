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
int hssctl_cmd_export(struct hss_db *db, char **pos, int npos);

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
void hssctl_print_sub(FILE *f, const struct hss_sub *sub);
void hssctl_print_sub_json(FILE *f, const struct hss_sub *sub, int indent);
void hssctl_json_str(FILE *f, const char *s);

#endif /* HSSCTL_H */

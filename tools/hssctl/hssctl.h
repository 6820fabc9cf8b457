/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hssctl.h: internal header of the hssctl provisioning tool (main.c, import.c, out.c).
 */
#ifndef HSSCTL_H
#define HSSCTL_H

#include "hss_db.h"

#include <stdbool.h>
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

/* Output of subscribers (out.c). */
void hssctl_print_sub(FILE *f, const struct hss_sub *sub);
void hssctl_print_sub_json(FILE *f, const struct hss_sub *sub, int indent);
void hssctl_json_str(FILE *f, const char *s);

#endif /* HSSCTL_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cmd_edit.c: the hssctl commands that change subscribers: add, update, delete.
 */
#include "hssctl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int hssctl_cmd_add(struct hss_db *db, struct hssctl_opt *argo, int argn)
{
	struct hss_sub *sub = malloc(sizeof(*sub));
	struct hssctl_secrets sec;
	struct hssctl_opt *o;
	char err[512], *plmns = NULL;
	bool have_imsi = false, have_k = false, have_op = false;
	int i, n, rc = HSSCTL_USAGE;

	if (!sub)
		return HSSCTL_DB;
	hss_sub_init(sub);
	/* K and OP/OPc also from files, standard input or HSSCTL_K/_OP/_OPC */
	if ((rc = hssctl_secret_opts("add", argo, argn, true, &sec))) {
		rc = rc == ENOMEM ? HSSCTL_DB : HSSCTL_USAGE;
		goto out;
	}
	rc = HSSCTL_USAGE;
	o = sec.o;
	n = sec.n;
	for (i = 0; i < n; i++) {
		if (!strcmp(o[i].name, "replace") || !strcmp(o[i].name, "json"))
			continue;
		if (!o[i].value) {
			fprintf(stderr, "hssctl: add: --%s takes no flag form\n", o[i].name);
			goto out;
		}
		if (hssctl_name_is(o[i].name, "roaming-plmn") || hssctl_name_is(o[i].name, "roaming-plmns")) {
			if (hssctl_join(&plmns, o[i].value, ','))
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
		have_imsi |= hssctl_name_is(o[i].name, "imsi");
		have_k |= hssctl_name_is(o[i].name, "k");
		have_op |= hssctl_name_is(o[i].name, "op") || hssctl_name_is(o[i].name, "opc");
	}
	if (plmns && hss_sub_set(sub, "roaming_plmns", plmns, err, sizeof(err))) {
		fprintf(stderr, "hssctl: add: %s\n", err);
		goto out;
	}
	if (!have_imsi || !have_k || !have_op) {
		fprintf(stderr, "hssctl: add: --imsi, K and OP or OPc are required (K: --k, --k-file, "
		        "--secrets-stdin or HSSCTL_K; see hssctl help)\n");
		goto out;
	}
	if (hss_sub_validate(sub, err, sizeof(err))) {
		fprintf(stderr, "hssctl: add: %s\n", err);
		goto out;
	}
	rc = hss_db_put_sub(db, sub, hssctl_opt_flag(o, n, "replace") ? 0 : HSS_DB_PUT_NO_REPLACE);
	rc = rc ? hssctl_fail(rc, "add") : HSSCTL_OK;
	if (!rc)
		printf("added %s\n", sub->imsi);
out:
	hssctl_secrets_clear(&sec);
	free(plmns);
	explicit_bzero(sub, sizeof(*sub));   /* holds K and OP/OPc */
	free(sub);
	return rc;
}

int hssctl_cmd_update(struct hss_db *db, char **pos, int npos, struct hssctl_opt *argo,
                      int argn)
{
	struct hss_db_kv *kv = NULL;
	struct hssctl_secrets sec;
	struct hssctl_opt *o;
	char err[512], *apns = NULL, *plmns = NULL;
	size_t nkv = 0;
	int i, n, rc;

	/* the environment only with --secrets-env: a variable left set must not change keys */
	if ((rc = hssctl_secret_opts("update", argo, argn, false, &sec))) {
		rc = rc == ENOMEM ? HSSCTL_DB : HSSCTL_USAGE;
		goto out;
	}
	o = sec.o;
	n = sec.n;
	rc = HSSCTL_USAGE;
	if (!(kv = calloc((size_t)n + 2, sizeof(*kv)))) {
		rc = HSSCTL_DB;
		goto out;
	}
	if (npos != 1) {
		rc = hssctl_usage("update: exactly one IMSI");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (!o[i].value || !strcmp(o[i].name, "json"))
			continue;
		if (hssctl_name_is(o[i].name, "apn") || hssctl_name_is(o[i].name, "apns")) {
			if (hssctl_join(&apns, o[i].value, ';'))
				goto out;
		} else if (hssctl_name_is(o[i].name, "roaming-plmn") ||
		           hssctl_name_is(o[i].name, "roaming-plmns")) {
			if (hssctl_join(&plmns, o[i].value, ','))
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
		rc = hssctl_usage("update: nothing to change");
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
	hssctl_secrets_clear(&sec);
	free(apns);
	free(plmns);
	free(kv);
	return rc;
}

int hssctl_cmd_delete(struct hss_db *db, char **pos, int npos)
{
	int rc, i, ret = HSSCTL_OK;

	if (npos < 1)
		return hssctl_usage("delete: IMSI expected");
	for (i = 0; i < npos; i++) {
		if ((rc = hss_db_del_sub(db, pos[i])))
			ret = hssctl_fail(rc, "delete");
		else
			printf("deleted %s\n", pos[i]);
	}
	return ret;
}

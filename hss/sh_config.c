/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sh_config.c: the `sh:` section of hss.yaml, the Sh policy: which application servers may
 * read, update and subscribe to which data (TS 29.328 6.2, the AS permission list; an
 * Origin-Host no entry matches may do nothing), the size limits of repository data and
 * subscriptions, and the notification sender. Checked against its schema like the rest
 * (file, line and key in every error) and reloaded with the s6a: policy.
 */
#include "hss_int.h"
#include "hss_ims.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The Data-References this HSS holds (TS 29.329 6.3.4) and their names in the section. */
static const struct {
	const char *name;
	uint32_t dref;
} sh_drefs[] = {
	{ "repository_data", HSS_IMS_DREF_REPOSITORY_DATA },
	{ "ims_public_identity", HSS_IMS_DREF_IMS_PUBLIC_IDENTITY },
	{ "ims_user_state", HSS_IMS_DREF_IMS_USER_STATE },
	{ "scscf_name", HSS_IMS_DREF_SCSCF_NAME },
	{ "initial_filter_criteria", HSS_IMS_DREF_INITIAL_FILTER_CRITERIA },
	{ "location_information", HSS_IMS_DREF_LOCATION_INFORMATION },
	{ "user_state", HSS_IMS_DREF_USER_STATE },
	{ "charging_information", HSS_IMS_DREF_CHARGING_INFORMATION },
	{ "msisdn", HSS_IMS_DREF_MSISDN },
	{ "psi_activation", HSS_IMS_DREF_PSI_ACTIVATION },
	{ "dsai", HSS_IMS_DREF_DSAI },
};
#define SH_N_DREFS (sizeof(sh_drefs) / sizeof(sh_drefs[0]))

/* What each operation may name at all (TS 29.328 table 7.6.1, Operations). */
#define SH_READABLE 0xffc01u       /* 0, 10..19 */
#define SH_UPDATABLE ((1u << 0) | (1u << 18) | (1u << 19))
#define SH_SUBSCRIBABLE ((1u << 0) | (1u << 10) | (1u << 11) | (1u << 12) | (1u << 13) | \
                         (1u << 16) | (1u << 18) | (1u << 19))

const char *hss_sh_dref_name(uint32_t data_ref)
{
	for (size_t i = 0; i < SH_N_DREFS; i++)
		if (sh_drefs[i].dref == data_ref)
			return sh_drefs[i].name;
	return NULL;
}

static const struct cm_schema sh_str_item[] = {
	{ .key = "item", .type = CM_S_STR, .min = 1, .max = 255 },
	{ 0 }
};

static const struct cm_schema sh_any_item[] = {
	{ .key = "item", .type = CM_S_ANY },
	{ 0 }
};

static const struct cm_schema sh_as_schema[] = {
	{ "name", CM_S_STR, CM_S_REQUIRED, 1, 64, NULL, NULL, "name of the AS (logs)" },
	{ "origin_hosts", CM_S_SEQ, CM_S_REQUIRED, 0, HSS_SH_MAX_PATTERNS, sh_str_item, NULL,
	  "Origin-Host values or patterns (*, ?, [...]) of the AS" },
	{ "read", CM_S_SEQ, 0, 0, SH_N_DREFS + 1, sh_any_item, NULL,
	  "Data-References it may read (UDR): names, numbers or all" },
	{ "update", CM_S_SEQ, 0, 0, SH_N_DREFS + 1, sh_any_item, NULL,
	  "Data-References it may update (PUR): repository_data, psi_activation, dsai" },
	{ "subscribe", CM_S_SEQ, 0, 0, SH_N_DREFS + 1, sh_any_item, NULL,
	  "Data-References it may subscribe to (SNR)" },
	{ "service_indications", CM_S_SEQ, 0, 0, HSS_SH_MAX_PATTERNS, sh_str_item, NULL,
	  "Service-Indications (patterns) of the repository data it may use (default any)" },
	{ 0 }
};

const struct cm_schema hss_sh_schema[] = {
	{ "enabled", CM_S_BOOL, 0, 0, 0, NULL, NULL, "serve Sh (default true)" },
	{ "application_servers", CM_S_SEQ, 0, 0, HSS_SH_MAX_AS,
	  (const struct cm_schema[]){ { "as", CM_S_MAP, 0, 0, 0, sh_as_schema, NULL, "an AS" },
	                              { 0 } },
	  NULL, "the application servers and what each may do; others may do nothing" },
	{ "max_service_data", CM_S_UINT, 0, 64, 1u << 20, NULL, NULL,
	  "octets of one ServiceData (default 65536; more: 5008 TOO_MUCH_DATA)" },
	{ "max_user_data", CM_S_UINT, 0, 256, 4u << 20, NULL, NULL,
	  "octets of the User-Data of one PUR (default 262144; more: 5008)" },
	{ "max_repository_data", CM_S_UINT, 0, 1, 4096, NULL, NULL,
	  "service indications with repository data per public identity (default 64)" },
	{ "max_subscriptions", CM_S_UINT, 0, 1, 4096, NULL, NULL,
	  "Sh subscriptions per public identity and AS (default 64)" },
	{ "max_expiry_s", CM_S_UINT, 0, 0, 315360000, NULL, NULL,
	  "longest subscription granted, s (0: as asked, none: unlimited)" },
	{ "notify_timeout_ms", CM_S_UINT, 0, 100, 600000, NULL, NULL,
	  "PNR answer timeout, ms (default 5000)" },
	{ "outbox_poll_ms", CM_S_UINT, 0, 50, 600000, NULL, NULL,
	  "how often queued notifications are looked for, ms (default 1000)" },
	{ 0 }
};

static void sh_err(char *err, size_t errlen, const struct cm_ynode *n, const char *key,
                   const char *fmt, const char *v)
{
	int k = snprintf(err, errlen, "%s:%d: key 'sh.%s': ", n && n->file ? n->file : "<config>",
	                 n ? n->line : 0, key);

	if (k >= 0 && (size_t)k < errlen)
		snprintf(err + k, errlen - (size_t)k, fmt, v);
}

/* A list of Data-Reference names or numbers, or "all", into bits; allowed: what the
 * operation may name at all. */
static int sh_drefs_parse(const struct cm_ynode *seq, const char *key, uint32_t allowed,
                          uint32_t *ret, char *err, size_t errlen)
{
	*ret = 0;
	for (const struct cm_ynode *it = seq ? seq->child : NULL; it; it = it->next) {
		uint64_t v = UINT64_MAX;
		char *end;

		if (it->type != CM_Y_SCALAR) {
			sh_err(err, errlen, it, key, "%sa Data-Reference name or number", "");
			return EINVAL;
		}
		if (!strcasecmp(it->str, "all")) {
			*ret |= allowed;
			continue;
		}
		for (size_t i = 0; i < SH_N_DREFS; i++)
			if (!strcasecmp(it->str, sh_drefs[i].name))
				v = sh_drefs[i].dref;
		if (v == UINT64_MAX && it->str[0] >= '0' && it->str[0] <= '9') {
			v = strtoull(it->str, &end, 10);
			if (*end)
				v = UINT64_MAX;
		}
		if (v > 31 || !hss_sh_dref_name((uint32_t)v)) {
			sh_err(err, errlen, it, key, "'%s' is not a Data-Reference this HSS holds "
			       "(repository_data ims_public_identity ims_user_state scscf_name "
			       "initial_filter_criteria location_information user_state "
			       "charging_information msisdn psi_activation dsai, or all)", it->str);
			return EINVAL;
		}
		if (!(allowed & (1u << v))) {
			sh_err(err, errlen, it, key, "'%s' cannot be named here (TS 29.328 table 7.6.1: "
			       "updatable are repository_data, psi_activation, dsai; location_information, "
			       "user_state and msisdn cannot be subscribed to)", it->str);
			return EINVAL;
		}
		*ret |= 1u << v;
	}
	return 0;
}

static int sh_strs(const struct cm_ynode *seq, char **out, size_t *n)
{
	*n = 0;
	for (const struct cm_ynode *it = seq ? seq->child : NULL; it && *n < HSS_SH_MAX_PATTERNS;
	     it = it->next) {
		if (!(out[*n] = strdup(it->str)))
			return ENOMEM;
		(*n)++;
	}
	return 0;
}

static int sh_as_parse(const struct cm_ynode *m, struct hss_sh_as *as, char *err, size_t errlen)
{
	int rc;

	if (!(as->name = strdup(cm_yget_str(m, "name", ""))) ||
	    (rc = sh_strs(cm_ymap_get(m, "origin_hosts"), as->hosts, &as->n_hosts)) ||
	    (rc = sh_strs(cm_ymap_get(m, "service_indications"), as->service_indications,
	                  &as->n_service_indications))) {
		snprintf(err, errlen, "out of memory");
		return ENOMEM;
	}
	if (!as->n_hosts) {
		sh_err(err, errlen, cm_ymap_get(m, "origin_hosts"), "application_servers.origin_hosts",
		       "AS '%s' names no Origin-Host", as->name);
		return EINVAL;
	}
	if ((rc = sh_drefs_parse(cm_ymap_get(m, "read"), "application_servers.read", SH_READABLE,
	                         &as->read, err, errlen)) ||
	    (rc = sh_drefs_parse(cm_ymap_get(m, "update"), "application_servers.update",
	                         SH_UPDATABLE, &as->update, err, errlen)) ||
	    (rc = sh_drefs_parse(cm_ymap_get(m, "subscribe"), "application_servers.subscribe",
	                         SH_SUBSCRIBABLE, &as->subscribe, err, errlen)))
		return rc;
	return 0;
}

int hss_sh_cfg_parse(const struct cm_ynode *node, struct hss_sh_cfg *sh, char *err,
                     size_t errlen)
{
	const struct cm_ynode *seq = cm_ymap_get(node, "application_servers"), *it;
	int rc = 0;

	memset(sh, 0, sizeof(*sh));
	sh->enabled = cm_yget_bool(node, "enabled", true);
	sh->max_service_data = (unsigned)cm_yget_u64(node, "max_service_data", 65536);
	sh->max_user_data = (unsigned)cm_yget_u64(node, "max_user_data", 262144);
	sh->max_repository_data = (unsigned)cm_yget_u64(node, "max_repository_data", 64);
	sh->max_subscriptions = (unsigned)cm_yget_u64(node, "max_subscriptions", 64);
	sh->max_expiry_s = (unsigned)cm_yget_u64(node, "max_expiry_s", 0);
	sh->notify_timeout_ms = (unsigned)cm_yget_u64(node, "notify_timeout_ms", 5000);
	sh->outbox_poll_ms = (unsigned)cm_yget_u64(node, "outbox_poll_ms", 1000);
	if (sh->max_service_data > sh->max_user_data) {
		sh_err(err, errlen, cm_ymap_get(node, "max_service_data"), "max_service_data",
		       "%sgreater than max_user_data (the document that carries it)", "");
		rc = EINVAL;
		goto fail;
	}
	for (it = seq ? seq->child : NULL; it && sh->n_as < HSS_SH_MAX_AS; it = it->next) {
		if ((rc = sh_as_parse(it, &sh->as[sh->n_as++], err, errlen)))
			goto fail;
		for (size_t i = 0; i + 1 < sh->n_as; i++)
			if (!strcmp(sh->as[i].name, sh->as[sh->n_as - 1].name)) {
				sh_err(err, errlen, cm_ymap_get(it, "name"), "application_servers.name",
				       "AS name '%s' given twice", sh->as[i].name);
				rc = EINVAL;
				goto fail;
			}
	}
	return 0;
fail:
	hss_sh_cfg_free(sh);
	return rc;
}

void hss_sh_cfg_free(struct hss_sh_cfg *sh)
{
	if (!sh)
		return;
	for (size_t a = 0; a < sh->n_as; a++) {
		struct hss_sh_as *as = &sh->as[a];
		free(as->name);
		for (size_t i = 0; i < as->n_hosts; i++)
			free(as->hosts[i]);
		for (size_t i = 0; i < as->n_service_indications; i++)
			free(as->service_indications[i]);
	}
	memset(sh, 0, sizeof(*sh));
}

const struct hss_sh_as *hss_sh_as_find(const struct hss_sh_cfg *sh, const char *origin_host)
{
	for (size_t a = 0; origin_host && a < sh->n_as; a++)
		for (size_t i = 0; i < sh->as[a].n_hosts; i++)
			if (!fnmatch(sh->as[a].hosts[i], origin_host, FNM_CASEFOLD))
				return &sh->as[a];
	return NULL;
}

bool hss_sh_as_si_allowed(const struct hss_sh_as *as, const uint8_t *si, size_t len)
{
	char buf[256];

	if (!as->n_service_indications)
		return true;
	/* patterns are text: a Service-Indication that is not (or too long) matches none */
	if (!si || len >= sizeof(buf) || memchr(si, 0, len))
		return false;
	memcpy(buf, si, len);
	buf[len] = '\0';
	for (size_t i = 0; i < as->n_service_indications; i++)
		if (!fnmatch(as->service_indications[i], buf, 0))
			return true;
	return false;
}

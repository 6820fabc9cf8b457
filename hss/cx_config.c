/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cx_config.c: the `cx:` section of hss.yaml, the Cx/Dx policy: which S-CSCFs (and
 * capabilities) a first registration is offered, which visited networks users may register
 * from, authentication limits and defaults, S-CSCF bookkeeping and the HSS-initiated
 * requests. Checked against its schema like the rest (file, line and key in every error)
 * and reloaded with the s6a: policy.
 */
#include "hss_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct cm_schema cx_str_item[] = {
	{ .key = "item", .type = CM_S_STR, .min = 1, .max = 255 },
	{ 0 }
};

static const struct cm_schema cx_cap_item[] = {
	{ .key = "item", .type = CM_S_UINT, .min = 0, .max = UINT32_MAX },
	{ 0 }
};

const struct cm_schema hss_cx_schema[] = {
	{ "enabled", CM_S_BOOL, 0, 0, 0, NULL, NULL, "serve Cx/Dx (default true)" },
	{ "scscf_names", CM_S_SEQ, 0, 0, HSS_CX_MAX_LIST, cx_str_item, NULL,
	  "S-CSCFs (SIP URIs) offered in Server-Capabilities for a first registration" },
	{ "mandatory_capabilities", CM_S_SEQ, 0, 0, HSS_CX_MAX_LIST, cx_cap_item, NULL,
	  "default Mandatory-Capability values" },
	{ "optional_capabilities", CM_S_SEQ, 0, 0, HSS_CX_MAX_LIST, cx_cap_item, NULL,
	  "default Optional-Capability values" },
	{ "home_networks", CM_S_SEQ, 0, 0, HSS_CX_MAX_LIST, cx_str_item, NULL,
	  "Visited-Network-Identifier values of the home network (default: the diameter realm)" },
	{ "roaming_partners", CM_S_SEQ, 0, 0, HSS_CX_MAX_LIST, cx_str_item, NULL,
	  "visited networks users may register from (empty: any)" },
	{ "max_auth_items", CM_S_UINT, 0, 1, HSS_DB_MAX_VECTORS, NULL, NULL,
	  "cap on SIP-Number-Auth-Items (default 5)" },
	{ "digest_realm", CM_S_STR, 0, 1, 255, NULL, NULL,
	  "Digest-Realm for private identities that have none" },
	{ "digest_qop", CM_S_STR, 0, 1, 64, NULL, NULL, "Digest-QoP (default auth)" },
	{ "store_server_name", CM_S_BOOL, 0, 0, 0, NULL, NULL,
	  "keep the S-CSCF on *_STORE_SERVER_NAME de-registrations (false: answer 2004)" },
	{ "rtr_on_scscf_change", CM_S_BOOL, 0, 0, 0, NULL, NULL,
	  "de-register at the old S-CSCF when another one authenticates the user (default true)" },
	{ "push_timeout_ms", CM_S_UINT, 0, 100, 600000, NULL, NULL,
	  "PPR/RTR answer timeout, ms (default 5000)" },
	{ "outbox_poll_ms", CM_S_UINT, 0, 50, 600000, NULL, NULL,
	  "how often queued PPR/RTR are looked for, ms (default 1000)" },
	{ 0 }
};

static void cx_err(char *err, size_t errlen, const struct cm_ynode *n, const char *key,
                   const char *what)
{
	snprintf(err, errlen, "%s:%d: key 'cx.%s': %s", n && n->file ? n->file : "<config>",
	         n ? n->line : 0, key, what);
}

static int cx_strs(const struct cm_ynode *map, const char *key, char **out, size_t *n)
{
	const struct cm_ynode *seq = cm_ymap_get(map, key), *it;

	*n = 0;
	for (it = seq ? seq->child : NULL; it && *n < HSS_CX_MAX_LIST; it = it->next) {
		if (!(out[*n] = strdup(it->str)))
			return ENOMEM;
		(*n)++;
	}
	return 0;
}

static int cx_caps(const struct cm_ynode *map, const char *key, uint32_t *out, size_t *n,
                   char *err, size_t errlen)
{
	const struct cm_ynode *seq = cm_ymap_get(map, key), *it;
	uint64_t v;

	*n = 0;
	for (it = seq ? seq->child : NULL; it && *n < HSS_CX_MAX_LIST; it = it->next) {
		if (cm_yscalar_u64(it, 0, UINT32_MAX, &v, err, errlen))
			return EINVAL;
		out[(*n)++] = (uint32_t)v;
	}
	return 0;
}

static char *dup_opt(const char *s, int *rc)
{
	char *d = NULL;

	if (s && !(d = strdup(s)))
		*rc = ENOMEM;
	return d;
}

int hss_cx_cfg_parse(const struct cm_ynode *node, const char *realm, struct hss_cx_cfg *cx,
                     char *err, size_t errlen)
{
	int rc = 0;

	memset(cx, 0, sizeof(*cx));
	cx->enabled = cm_yget_bool(node, "enabled", true);
	cx->max_auth_items = (unsigned)cm_yget_u64(node, "max_auth_items", 5);
	cx->store_server_name = cm_yget_bool(node, "store_server_name", true);
	cx->rtr_on_scscf_change = cm_yget_bool(node, "rtr_on_scscf_change", true);
	cx->push_timeout_ms = (unsigned)cm_yget_u64(node, "push_timeout_ms", 5000);
	cx->outbox_poll_ms = (unsigned)cm_yget_u64(node, "outbox_poll_ms", 1000);
	cx->digest_realm = dup_opt(cm_yget_str(node, "digest_realm", NULL), &rc);
	cx->digest_qop = dup_opt(cm_yget_str(node, "digest_qop", "auth"), &rc);
	if (rc || (rc = cx_strs(node, "scscf_names", cx->scscf_names, &cx->n_scscf_names)) ||
	    (rc = cx_strs(node, "home_networks", cx->home_networks, &cx->n_home_networks)) ||
	    (rc = cx_strs(node, "roaming_partners", cx->roaming_partners, &cx->n_roaming_partners)))
		goto oom;
	if ((rc = cx_caps(node, "mandatory_capabilities", cx->mandatory_caps, &cx->n_mandatory_caps,
	                  err, errlen)) ||
	    (rc = cx_caps(node, "optional_capabilities", cx->optional_caps, &cx->n_optional_caps,
	                  err, errlen)))
		goto fail;
	for (size_t i = 0; i < cx->n_scscf_names; i++)
		if (strncmp(cx->scscf_names[i], "sip:", 4) && strncmp(cx->scscf_names[i], "sips:", 5)) {
			cx_err(err, errlen, cm_ymap_get(node, "scscf_names"), "scscf_names",
			       "an S-CSCF name is a SIP URI (sip:scscf.example.org:6060)");
			rc = EINVAL;
			goto fail;
		}
	if (!cx->n_home_networks && realm) {
		if (!(cx->home_networks[0] = strdup(realm)))
			goto oom;
		cx->n_home_networks = 1;
	}
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	rc = ENOMEM;
fail:
	hss_cx_cfg_free(cx);
	return rc;
}

void hss_cx_cfg_free(struct hss_cx_cfg *cx)
{
	if (!cx)
		return;
	for (size_t i = 0; i < cx->n_scscf_names; i++)
		free(cx->scscf_names[i]);
	for (size_t i = 0; i < cx->n_home_networks; i++)
		free(cx->home_networks[i]);
	for (size_t i = 0; i < cx->n_roaming_partners; i++)
		free(cx->roaming_partners[i]);
	free(cx->digest_realm);
	free(cx->digest_qop);
	memset(cx, 0, sizeof(*cx));
}

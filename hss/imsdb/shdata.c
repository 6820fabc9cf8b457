/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * shdata.c: the Sh data (TS 29.328 7.6) the store can answer from a subscription and its
 * registration state alone: identities, IMS user state, S-CSCF name, the iFCs of an
 * application server, charging, PSI activation, DSAI. The Sh procedures build their answers
 * with it, and the change detection (shnote.c) compares what an application server would
 * read before and after a change with the same code, so a notification goes out exactly
 * when the data it subscribed to looks different.
 */
#include "imsdb_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static bool is_psi(const struct hss_ims_impu *u)
{
	return u->type == HSS_IMS_ID_DISTINCT_PSI || u->type == HSS_IMS_ID_WILDCARDED_PSI;
}

void hss_imsdb_shctx_init(struct hss_imsdb_shctx *c, const struct hss_ims_sub *sub,
                          const struct hss_imsdb_state *st, int64_t now)
{
	memset(c, 0, sizeof(*c));
	c->sub = sub;
	if (!now)
		now = (int64_t)time(NULL);
	if (st && st->scscf_name)
		snprintf(c->scscf_name, sizeof(c->scscf_name), "%s", st->scscf_name);
	for (size_t i = 0; i < sub->n_impus && i < HSS_IMS_MAX_IMPUS; i++) {
		enum hss_imsdb_reg r = st ? hss_imsdb_state_reg(st, sub->impus[i].identity)
		                          : HSS_IMSDB_NOT_REGISTERED;

		if (r == HSS_IMSDB_REGISTERED) {
			c->ims_state[i] = HSS_IMS_REGISTERED;
			continue;
		}
		if (r == HSS_IMSDB_UNREGISTERED) {
			c->ims_state[i] = HSS_IMS_REGISTERED_UNREG_SERVICES;
			continue;
		}
		c->ims_state[i] = HSS_IMS_NOT_REGISTERED;
		/* a private identity that may use it authenticated (MAR) and no SAR followed */
		for (size_t k = 0; st && k < st->n_impis; k++) {
			const struct hss_imsdb_impi_state *p = &st->impis[k];
			long x;

			if (!p->auth_scheme || now - p->auth_time >= HSS_IMSDB_AUTH_PENDING_S ||
			    (x = hss_ims_find_impi(sub, p->identity)) < 0 ||
			    !hss_ims_impi_may_use(sub, (size_t)x, i))
				continue;
			c->ims_state[i] = HSS_IMS_AUTHENTICATION_PENDING;
			break;
		}
	}
}

long hss_imsdb_impu_by_key(const struct hss_ims_sub *sub, const char *impu_key)
{
	char k[HSS_IMS_URI_MAX + 1];

	for (size_t i = 0; impu_key && i < sub->n_impus; i++)
		if (!hss_imsdb_impu_key(sub, i, k, sizeof(k)) && !strcmp(k, impu_key))
			return (long)i;
	return -1;
}

static int fill_ids(const struct hss_imsdb_shctx *c, size_t impu, uint32_t sets_mask,
                    struct hss_ims_sh_data *d)
{
	enum hss_ims_identity_set sets[4];
	bool registered[HSS_IMS_MAX_IMPUS];
	size_t n = 0;

	for (uint32_t b = 0; b < 4; b++)
		if (sets_mask & (1u << b))
			sets[n++] = (enum hss_ims_identity_set)b;
	for (size_t i = 0; i < c->sub->n_impus && i < HSS_IMS_MAX_IMPUS; i++)
		registered[i] = c->ims_state[i] == HSS_IMS_REGISTERED;
	return hss_ims_sh_set_identities(c->sub, c->sub->impus[impu].identity, sets, n, registered, d);
}

static int fill_dsai(const struct hss_imsdb_shctx *c, size_t impu,
                     const struct hss_imsdb_shsel *sel, struct hss_ims_sh_data *d)
{
	const struct hss_ims_impu *u = &c->sub->impus[impu];

	for (size_t t = 0; t < (sel->n_dsai_tags ? sel->n_dsai_tags : 1); t++) {
		bool found = false;

		for (size_t i = 0; i < u->n_dsai; i++) {
			const struct hss_ims_dsai *x = &u->dsai[i];
			struct hss_ims_dsai *y;
			bool dup = false;

			if (!x->as_name || !sel->server_name || !hss_ims_identity_eq(x->as_name, sel->server_name))
				continue;
			if (sel->n_dsai_tags && strcmp(x->tag, sel->dsai_tags[t]))
				continue;
			found = true;
			for (size_t k = 0; k < d->n_dsai; k++)
				dup |= !strcmp(d->dsai[k].tag, x->tag);
			if (dup)
				continue;
			if (d->n_dsai >= HSS_IMS_MAX_DSAI)
				return E2BIG;
			if (!(y = realloc(d->dsai, (d->n_dsai + 1) * sizeof(*y))))
				return ENOMEM;
			d->dsai = y;
			y = &d->dsai[d->n_dsai];
			memset(y, 0, sizeof(*y));
			if (!(y->tag = strdup(x->tag)) || !(y->as_name = strdup(x->as_name))) {
				free(y->tag);
				return ENOMEM;
			}
			y->active = x->active;
			d->n_dsai++;
		}
		if (sel->n_dsai_tags && !found)
			return ENOENT;
	}
	return 0;
}

static int dup_str(char **dst, const char *src)
{
	if (!src)
		return 0;
	return (*dst = strdup(src)) ? 0 : ENOMEM;
}

int hss_imsdb_sh_fill(const struct hss_imsdb_shctx *c, size_t impu,
                      const struct hss_imsdb_shsel *sel, struct hss_ims_sh_data *d)
{
	const struct hss_ims_sub *sub = c->sub;
	const struct hss_ims_impu *u;
	int rc;

	if (impu >= sub->n_impus || impu >= HSS_IMS_MAX_IMPUS)
		return EINVAL;
	u = &sub->impus[impu];
	switch (sel->data_ref) {
	case HSS_IMS_DREF_IMS_PUBLIC_IDENTITY:
		return fill_ids(c, impu, sel->identity_sets, d);
	case HSS_IMS_DREF_IMS_USER_STATE:
		d->ims_user_state = c->ims_state[impu];
		return 0;
	case HSS_IMS_DREF_SCSCF_NAME:
		/* an empty SCSCFName says "none assigned" (tSh-IMS-Data allows the element only
		 * with a value): left out */
		free(d->scscf_name);
		d->scscf_name = NULL;
		return c->scscf_name[0] ? hss_ims_set_str(&d->scscf_name, c->scscf_name) : 0;
	case HSS_IMS_DREF_INITIAL_FILTER_CRITERIA:
		if (d->ifcs_present)
			return 0;
		return hss_ims_sh_set_ifcs(sub, u->identity, sel->server_name, d);
	case HSS_IMS_DREF_CHARGING_INFORMATION:
		if (d->charging_present)
			return 0;
		d->charging_present = true;
		if ((rc = dup_str(&d->charging.primary_ccf, sub->charging.primary_ccf)) ||
		    (rc = dup_str(&d->charging.secondary_ccf, sub->charging.secondary_ccf)) ||
		    (rc = dup_str(&d->charging.primary_ecf, sub->charging.primary_ecf)) ||
		    (rc = dup_str(&d->charging.secondary_ecf, sub->charging.secondary_ecf)))
			return rc;
		return 0;
	case HSS_IMS_DREF_PSI_ACTIVATION:
		d->psi_activation = is_psi(u) ? (u->psi_active ? 1 : 0) : -1;
		return 0;
	case HSS_IMS_DREF_DSAI:
		return fill_dsai(c, impu, sel, d);
	default:
		return ENOTSUP;
	}
}

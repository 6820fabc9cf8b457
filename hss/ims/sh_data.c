/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sh_data.c: life cycle of struct hss_ims_sh_data (what one Sh-Data document carries) and
 * the UDA selection helpers that fill it from a subscription: identity sets (TS 29.328
 * 7.6, IMS Public Identity with Identity-Set) and the iFCs of one application server
 * (7.6, Initial Filter Criteria).
 */
#include "ims_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void hss_ims_sh_data_init(struct hss_ims_sh_data *d)
{
	memset(d, 0, sizeof(*d));
	d->pid_type = -1;
	d->ims_user_state = -1;
	d->psi_activation = -1;
	d->cs_user_state = -1;
	d->ps_user_state = -1;
	d->eps_user_state = -1;
	d->eps_location.age = -1;
	d->eps_location.rat_type = -1;
}

static void idlist_free(struct hss_ims_idlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->ids[i]);
	free(l->ids);
	memset(l, 0, sizeof(*l));
}

void hss_ims_sh_data_free(struct hss_ims_sh_data *d)
{
	if (!d)
		return;
	idlist_free(&d->public_ids);
	idlist_free(&d->registered_ids);
	idlist_free(&d->implicit_ids);
	idlist_free(&d->all_ids);
	idlist_free(&d->alias_ids);
	free(d->pid_wildcard);
	for (size_t i = 0; i < d->n_repo; i++) {
		free(d->repo[i].service_indication);
		free(d->repo[i].service_data);
	}
	free(d->repo);
	free(d->scscf_name);
	for (size_t i = 0; i < d->n_ifcs; i++)
		hss_ims_ifc_free(&d->ifcs[i]);
	free(d->ifcs);
	ims_charging_free(&d->charging);
	for (size_t i = 0; i < d->n_dsai; i++) {
		free(d->dsai[i].as_name);
		free(d->dsai[i].tag);
	}
	free(d->dsai);
	free(d->eps_location.mme_name);
	hss_ims_sh_data_init(d);
}

int hss_ims_idlist_add(struct hss_ims_idlist *l, const char *id)
{
	char *s;

	if (l->n >= HSS_IMS_MAX_IMPUS)
		return E2BIG;
	if (!(s = strdup(id)))
		return ENOMEM;
	if (ims_grow((void **)&l->ids, &l->n, sizeof(char *))) {
		free(s);
		return ENOMEM;
	}
	l->ids[l->n - 1] = s;
	l->present = true;
	return 0;
}

int hss_ims_sh_add_repo(struct hss_ims_sh_data *d, const char *service_indication, uint32_t seq,
                        const char *service_data, size_t len)
{
	struct hss_ims_repo *r;
	char *si, *sd = NULL;

	if (!(si = strdup(service_indication ? service_indication : "")))
		return ENOMEM;
	if (service_data && !(sd = strndup(service_data, len))) {
		free(si);
		return ENOMEM;
	}
	if (ims_grow((void **)&d->repo, &d->n_repo, sizeof(*r))) {
		free(si);
		free(sd);
		return ENOMEM;
	}
	r = &d->repo[d->n_repo - 1];
	r->service_indication = si;
	r->seq = seq;
	r->service_data = sd;
	r->service_data_len = sd ? strlen(sd) : 0;
	return 0;
}

/* ---------------------------------------------------------------------------- selection */

static int fill(const struct hss_ims_sub *sub, size_t u, enum hss_ims_identity_set set,
                const bool *registered, struct hss_ims_idlist *l)
{
	size_t idx[HSS_IMS_MAX_IMPUS], n = 0;
	int rc;

	switch (set) {
	case HSS_IMS_SET_ALL:
		for (size_t i = 0; i < sub->n_impus && n < HSS_IMS_MAX_IMPUS; i++)
			idx[n++] = i;
		break;
	case HSS_IMS_SET_REGISTERED:
		for (size_t i = 0; registered && i < sub->n_impus && n < HSS_IMS_MAX_IMPUS; i++)
			if (registered[i])
				idx[n++] = i;
		break;
	case HSS_IMS_SET_IMPLICIT:
		n = hss_ims_irs(sub, u, idx, HSS_IMS_MAX_IMPUS);
		break;
	case HSS_IMS_SET_ALIAS:
		n = hss_ims_aliases(sub, u, idx, HSS_IMS_MAX_IMPUS);
		break;
	default:
		return EINVAL;
	}
	if (n > HSS_IMS_MAX_IMPUS)
		n = HSS_IMS_MAX_IMPUS;
	l->present = true;
	for (size_t i = 0; i < n; i++)
		if ((rc = hss_ims_idlist_add(l, sub->impus[idx[i]].identity)))
			return rc;
	return 0;
}

int hss_ims_sh_set_identities(const struct hss_ims_sub *sub, const char *impu,
                              const enum hss_ims_identity_set *sets, size_t n_sets,
                              const bool *registered, struct hss_ims_sh_data *d)
{
	static const enum hss_ims_identity_set all = HSS_IMS_SET_ALL;
	long u = hss_ims_find_impu(sub, impu, true);
	const struct hss_ims_impu *x;
	int rc;

	if (u < 0)
		return ENOENT;
	if (!n_sets) {
		sets = &all;
		n_sets = 1;
	}
	if (n_sets == 1) {
		if ((rc = fill(sub, (size_t)u, sets[0], registered, &d->public_ids)))
			return rc;
	} else {
		for (size_t i = 0; i < n_sets; i++) {
			struct hss_ims_idlist *l = sets[i] == HSS_IMS_SET_REGISTERED ? &d->registered_ids
			                         : sets[i] == HSS_IMS_SET_IMPLICIT ? &d->implicit_ids
			                         : sets[i] == HSS_IMS_SET_ALIAS ? &d->alias_ids
			                         : &d->all_ids;
			if (l->present)
				continue;   /* asked twice */
			if ((rc = fill(sub, (size_t)u, sets[i], registered, l)))
				return rc;
		}
	}
	/* A wildcarded identity is described (Sh tIdentityType: 2 wildcarded PSI, 3 wildcarded
	 * IMPU) with its pattern. */
	x = &sub->impus[u];
	if (x->type == HSS_IMS_ID_WILDCARDED_PSI || x->type == HSS_IMS_ID_WILDCARDED_IMPU ||
	    x->type == HSS_IMS_ID_NON_DISTINCT_IMPU) {
		const char *pat = x->type == HSS_IMS_ID_NON_DISTINCT_IMPU ? x->wildcarded_impu
		                                                          : x->identity;
		d->pid_type = x->type == HSS_IMS_ID_WILDCARDED_PSI ? 2 : 3;
		if (pat && (rc = hss_ims_set_str(&d->pid_wildcard, pat)))
			return rc;
	}
	return 0;
}

int hss_ims_sh_set_ifcs(const struct hss_ims_sub *sub, const char *impu,
                        const char *server_name, struct hss_ims_sh_data *d)
{
	long u = hss_ims_find_impu(sub, impu, true), p;
	const struct hss_ims_profile *prof;
	int rc;

	if (u < 0 || (p = hss_ims_find_profile(sub, sub->impus[u].service_profile)) < 0)
		return ENOENT;
	prof = &sub->profiles[p];
	d->ifcs_present = true;
	for (size_t i = 0; i < prof->n_ifcs; i++) {
		const struct hss_ims_ifc *f = &prof->ifcs[i];
		/* Compared like SIP URIs are: scheme and host without regard to case. */
		if (!f->server_name || !server_name || !hss_ims_identity_eq(f->server_name, server_name))
			continue;
		if ((rc = ims_grow((void **)&d->ifcs, &d->n_ifcs, sizeof(*d->ifcs))))
			return rc;
		if ((rc = hss_ims_ifc_copy(f, &d->ifcs[d->n_ifcs - 1]))) {
			d->n_ifcs--;
			return rc;
		}
	}
	return 0;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lookup.c: finding identities and profiles in a subscription, the IMPI/IMPU association,
 * implicit registration sets (TS 29.228 6.5, TS 23.228) and alias public identities
 * (TS 23.228, TS 29.228 B.2.1 AliasIdentityGroupID).
 */
#include "ims_int.h"

#include <string.h>
#include <strings.h>

long hss_ims_find_impu(const struct hss_ims_sub *sub, const char *identity, bool wildcards)
{
	if (!identity)
		return -1;
	for (size_t i = 0; i < sub->n_impus; i++)
		if (hss_ims_identity_eq(sub->impus[i].identity, identity))
			return (long)i;
	if (!wildcards)
		return -1;
	for (size_t i = 0; i < sub->n_impus; i++) {
		const struct hss_ims_impu *u = &sub->impus[i];
		if ((u->type == HSS_IMS_ID_WILDCARDED_PSI || u->type == HSS_IMS_ID_WILDCARDED_IMPU) &&
		    u->identity && hss_ims_wildcard_match(u->identity, identity) == 1)
			return (long)i;
	}
	return -1;
}

long hss_ims_find_impi(const struct hss_ims_sub *sub, const char *identity)
{
	/* NAIs compare case-sensitively in the user part; realms are domain names. */
	const char *at = identity ? strrchr(identity, '@') : NULL;

	for (size_t i = 0; identity && i < sub->n_impis; i++) {
		const char *id = sub->impis[i].identity, *iat;
		if (!id)
			continue;
		iat = strrchr(id, '@');
		if (at && iat && at - identity == iat - id && !strncmp(id, identity, (size_t)(iat - id)) &&
		    !strcasecmp(iat, at))
			return (long)i;
		if (!strcmp(id, identity))
			return (long)i;
	}
	return -1;
}

long hss_ims_find_profile(const struct hss_ims_sub *sub, const char *name)
{
	for (size_t i = 0; name && i < sub->n_profiles; i++)
		if (sub->profiles[i].name && !strcmp(sub->profiles[i].name, name))
			return (long)i;
	return -1;
}

bool hss_ims_impi_may_use(const struct hss_ims_sub *sub, size_t impi, size_t impu)
{
	const struct hss_ims_impi *p;

	if (impi >= sub->n_impis || impu >= sub->n_impus)
		return false;
	p = &sub->impis[impi];
	if (!p->n_impus)
		return true;
	for (size_t i = 0; i < p->n_impus; i++)
		if (hss_ims_identity_eq(p->impus[i], sub->impus[impu].identity))
			return true;
	return false;
}

size_t hss_ims_irs(const struct hss_ims_sub *sub, size_t impu, size_t *idx, size_t max)
{
	size_t n = 0;
	long def = -1;
	uint32_t set;

	if (impu >= sub->n_impus)
		return 0;
	set = sub->impus[impu].irs;
	if (!set) {
		if (max)
			idx[0] = impu;
		return 1;
	}
	for (size_t i = 0; i < sub->n_impus; i++)
		if (sub->impus[i].irs == set && sub->impus[i].irs_default) {
			def = (long)i;
			break;
		}
	/* Without an explicit default the first member listed is the default. */
	for (size_t i = 0; def < 0 && i < sub->n_impus; i++)
		if (sub->impus[i].irs == set)
			def = (long)i;
	if (n < max)
		idx[n] = (size_t)def;
	n++;
	for (size_t i = 0; i < sub->n_impus; i++) {
		if (sub->impus[i].irs != set || (long)i == def)
			continue;
		if (n < max)
			idx[n] = i;
		n++;
	}
	return n;
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

size_t hss_ims_aliases(const struct hss_ims_sub *sub, size_t impu, size_t *idx, size_t max)
{
	size_t n = 0;
	const struct hss_ims_impu *u;

	if (impu >= sub->n_impus)
		return 0;
	u = &sub->impus[impu];
	for (size_t i = 0; i < sub->n_impus; i++) {
		const struct hss_ims_impu *v = &sub->impus[i];
		bool member = i == impu || (u->irs && v->irs == u->irs);

		if (!member || !same_str(u->service_profile, v->service_profile) ||
		    !same_str(u->alias_group, v->alias_group))
			continue;
		if (n < max)
			idx[n] = i;
		n++;
	}
	return n;
}

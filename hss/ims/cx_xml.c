/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cx_xml.c: the Cx User-Data an SAA or a PPR carries (TS 29.228 6.1.2 SAR, 6.2 PPR,
 * 6.5 implicit registration, 6.6 download of the relevant user profile, and the
 * IMSSubscription schema of Annex E): the user profile of the implicit registration set
 * of the requested public identity, for the requesting private identity.
 *
 * What goes in (TS 29.228 6.5, 6.6 and Annex B):
 *   - PrivateID: the IMPI of the request;
 *   - every member of the implicit registration set, barred ones included with
 *     BarringIndication (the S-CSCF needs them to know the set; B.2.1), the default public
 *     identity first (it is the one the S-CSCF reports first in P-Associated-URI);
 *   - one ServiceProfile per service profile those members use, each listing the members
 *     that use it: several profiles in one set is allowed (B.2);
 *   - a wildcarded PSI / IMPU goes out with the identity the S-CSCF asked for as Identity and
 *     the pattern in WildcardedPSI / WildcardedIMPU, so the S-CSCF can match the next ones;
 *   - SharedIFCSetID only to an S-CSCF that supports "Shared iFC Sets" (Cx feature list, TS 29.229);
 *     to the others the sets' iFCs when the HSS has their definitions.
 */
#include "ims_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool hss_ims_cx_sat_has_user_data(enum hss_ims_sat sat, bool user_data_already_available)
{
	switch (sat) {
	case HSS_IMS_SAT_NO_ASSIGNMENT:
	case HSS_IMS_SAT_UNREGISTERED_USER:
	case HSS_IMS_SAT_RESTORATION:
		return true;
	case HSS_IMS_SAT_REGISTRATION:
	case HSS_IMS_SAT_RE_REGISTRATION:
		return !user_data_already_available;
	default:
		return false;
	}
}

static bool wildcard_type(enum hss_ims_id_type t)
{
	return t == HSS_IMS_ID_WILDCARDED_PSI || t == HSS_IMS_ID_WILDCARDED_IMPU;
}

static int write_identity(xmlNodePtr sp, const struct hss_ims_impu *u, const char *asked,
                          char *err, size_t errlen)
{
	xmlNodePtr pi, ext, ext2 = NULL, ext3;
	const char *identity = u->identity, *wimpu = NULL;
	int rc;

	/* The concrete identity that matched the wildcard, when that is what was asked. */
	if (asked && wildcard_type(u->type))
		identity = asked;
	if (u->type == HSS_IMS_ID_WILDCARDED_IMPU)
		wimpu = u->identity;
	else if (u->type == HSS_IMS_ID_NON_DISTINCT_IMPU)
		wimpu = u->wildcarded_impu;
	if ((rc = ims_xadd_elem(sp, "PublicIdentity", &pi)))
		return rc;
	if (u->barred && (rc = ims_xadd_bool(pi, "BarringIndication", true, err, errlen)))
		return rc;
	if ((rc = ims_xadd_text(pi, "Identity", identity ? identity : "", HSS_IMS_URI_MAX, NULL, err,
	                        errlen)) ||
	    (rc = ims_xadd_elem(pi, "Extension", &ext)) ||
	    (rc = ims_xadd_uint(ext, "IdentityType", (uint64_t)u->type, err, errlen)))
		return rc;
	if (u->type == HSS_IMS_ID_WILDCARDED_PSI &&
	    (rc = ims_xadd_text(ext, "WildcardedPSI", u->identity, HSS_IMS_URI_MAX, NULL, err, errlen)))
		return rc;
	if (!u->display_name && !u->alias_group && !wimpu)
		return 0;
	if ((rc = ims_xadd_elem(ext, "Extension", &ext2)))
		return rc;
	if (u->display_name &&
	    (rc = ims_xadd_text(ext2, "DisplayName", u->display_name, HSS_IMS_TEXT_MAX, NULL, err,
	                        errlen)))
		return rc;
	if (u->alias_group &&
	    (rc = ims_xadd_text(ext2, "AliasIdentityGroupID", u->alias_group, HSS_IMS_TEXT_MAX, NULL,
	                        err, errlen)))
		return rc;
	if (wimpu && ((rc = ims_xadd_elem(ext2, "Extension", &ext3)) ||
	              (rc = ims_xadd_text(ext3, "WildcardedIMPU", wimpu, HSS_IMS_URI_MAX, NULL, err,
	                                  errlen))))
		return rc;
	return 0;
}

static const struct hss_ims_shared_set *find_set(const struct hss_ims_cx_opts *o, uint32_t id)
{
	for (size_t i = 0; i < o->n_sets; i++)
		if (o->sets[i].id == id)
			return &o->sets[i];
	return NULL;
}

static int cmp_prio(const void *a, const void *b)
{
	const struct hss_ims_ifc *x = *(const struct hss_ims_ifc *const *)a;
	const struct hss_ims_ifc *y = *(const struct hss_ims_ifc *const *)b;

	return x->priority < y->priority ? -1 : x->priority > y->priority;
}

/* The iFCs of the profile (plus the expanded shared sets), in priority order. */
static int write_ifcs(xmlNodePtr sp, const struct hss_ims_profile *p,
                      const struct hss_ims_cx_opts *o, char *err, size_t errlen)
{
	const struct hss_ims_ifc **all;
	size_t n = p->n_ifcs;
	int rc = 0;

	if (!o->shared_ifc_sets)
		for (size_t i = 0; i < p->n_shared_ifc_sets; i++) {
			const struct hss_ims_shared_set *s = find_set(o, p->shared_ifc_sets[i]);
			if (!s) {
				ims_err(err, errlen, "shared iFC set %u of service profile '%s' is not defined "
				        "and the S-CSCF does not support Shared iFC Sets", p->shared_ifc_sets[i],
				        p->name ? p->name : "?");
				return EINVAL;
			}
			n += s->n_ifcs;
		}
	if (!n)
		return 0;
	if (!(all = calloc(n, sizeof(*all))))
		return ENOMEM;
	n = 0;
	for (size_t i = 0; i < p->n_ifcs; i++)
		all[n++] = &p->ifcs[i];
	if (!o->shared_ifc_sets)
		for (size_t i = 0; i < p->n_shared_ifc_sets; i++) {
			const struct hss_ims_shared_set *s = find_set(o, p->shared_ifc_sets[i]);
			for (size_t k = 0; k < s->n_ifcs; k++)
				all[n++] = &s->ifcs[k];
		}
	qsort(all, n, sizeof(*all), cmp_prio);
	for (size_t i = 0; !rc && i < n; i++)
		rc = ims_ifc_write(sp, all[i], err, errlen);
	free(all);
	return rc;
}

static int write_profile(xmlNodePtr root, const struct hss_ims_sub *sub, size_t prof,
                         const size_t *members, size_t n_members, size_t asked_idx,
                         const struct hss_ims_cx_opts *o, char *err, size_t errlen)
{
	const struct hss_ims_profile *p = &sub->profiles[prof];
	xmlNodePtr sp, x;
	int rc;

	if ((rc = ims_xadd_elem(root, "ServiceProfile", &sp)))
		return rc;
	for (size_t i = 0; i < n_members; i++) {
		const struct hss_ims_impu *u = &sub->impus[members[i]];
		if (!u->service_profile || strcmp(u->service_profile, p->name))
			continue;
		if ((rc = write_identity(sp, u, members[i] == asked_idx ? o->impu : NULL, err, errlen)))
			return rc;
	}
	if (p->media_profile_id >= 0 &&
	    ((rc = ims_xadd_elem(sp, "CoreNetworkServicesAuthorization", &x)) ||
	     (rc = ims_xadd_uint(x, "SubscribedMediaProfileId", (uint64_t)p->media_profile_id, err,
	                         errlen))))
		return rc;
	if ((rc = write_ifcs(sp, p, o, err, errlen)))
		return rc;
	if (o->shared_ifc_sets && p->n_shared_ifc_sets) {
		if ((rc = ims_xadd_elem(sp, "Extension", &x)))
			return rc;
		for (size_t i = 0; i < p->n_shared_ifc_sets; i++)
			if ((rc = ims_xadd_uint(x, "SharedIFCSetID", p->shared_ifc_sets[i], err, errlen)))
				return rc;
	}
	return 0;
}

int hss_ims_cx_user_data(const struct hss_ims_sub *sub, const struct hss_ims_cx_opts *o,
                         char **ret_xml, size_t *ret_len, char *err, size_t errlen)
{
	size_t members[HSS_IMS_MAX_IMPUS], n_members, profs[HSS_IMS_MAX_PROFILES], n_profs = 0;
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	long u, pi = 0;
	int rc;

	hss_ims_xml_init();
	if ((u = hss_ims_find_impu(sub, o->impu, true)) < 0) {
		ims_err(err, errlen, "public identity '%s' is not in subscription '%s'",
		        o->impu ? o->impu : "", sub->id ? sub->id : "");
		return ENOENT;
	}
	if (o->impi && (pi = hss_ims_find_impi(sub, o->impi)) < 0) {
		ims_err(err, errlen, "private identity '%s' is not in subscription '%s'", o->impi,
		        sub->id ? sub->id : "");
		return ENOENT;
	}
	if (!sub->n_impis || !hss_ims_impi_may_use(sub, (size_t)pi, (size_t)u)) {
		ims_err(err, errlen, "private identity '%s' may not use '%s'",
		        sub->n_impis ? sub->impis[pi].identity : "", o->impu);
		return ENOENT;
	}
	n_members = hss_ims_irs(sub, (size_t)u, members, HSS_IMS_MAX_IMPUS);
	if (n_members > HSS_IMS_MAX_IMPUS)
		n_members = HSS_IMS_MAX_IMPUS;
	for (size_t i = 0; i < n_members; i++) {
		long p = hss_ims_find_profile(sub, sub->impus[members[i]].service_profile);
		bool seen = false;
		if (p < 0) {
			ims_err(err, errlen, "public identity '%s' names no existing service profile",
			        sub->impus[members[i]].identity);
			return EINVAL;
		}
		for (size_t k = 0; k < n_profs; k++)
			seen = seen || profs[k] == (size_t)p;
		if (!seen)
			profs[n_profs++] = (size_t)p;
	}
	if (!(doc = xmlNewDoc((const xmlChar *)"1.0")) ||
	    !(root = xmlNewDocNode(doc, NULL, (const xmlChar *)"IMSSubscription", NULL))) {
		rc = ENOMEM;
		goto out;
	}
	xmlDocSetRootElement(doc, root);
	if ((rc = ims_xadd_text(root, "PrivateID", sub->impis[pi].identity, HSS_IMS_URI_MAX, NULL,
	                        err, errlen)))
		goto out;
	for (size_t k = 0; k < n_profs; k++)
		if ((rc = write_profile(root, sub, profs[k], members, n_members, (size_t)u, o, err,
		                        errlen)))
			goto out;
	rc = ims_xdump(doc, ret_xml, ret_len);
out:
	if (rc == ENOMEM)
		ims_err(err, errlen, "out of memory");
	xmlFreeDoc(doc);
	return rc;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cx_parse.c: reads a Cx User-Data document (IMSSubscription, TS 29.228 Annex E) back into
 * the model, for tests, tools that decode SAA/PPR traffic, and anything that wants to check
 * what an HSS sent. Unknown extensions (other namespaces, later releases) are skipped.
 */
#include "ims_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int read_identity(xmlNodePtr n, struct hss_ims_sub *sub, const char *profile,
                         char *err, size_t errlen)
{
	struct hss_ims_impu *u;
	char *identity = NULL, *wpsi = NULL, *wimpu = NULL;
	bool barred = false;
	uint64_t type = 0;
	int rc = 0;

	for (xmlNodePtr c = ims_xfirst(n); c && !rc; c = ims_xnext(c)) {
		if (ims_xname(c, "BarringIndication"))
			rc = ims_xbool(c, &barred, err, errlen);
		else if (ims_xname(c, "Identity") && !identity)
			rc = ims_xtext(c, HSS_IMS_URI_MAX, &identity, err, errlen);
	}
	if (!rc && !identity) {
		ims_xerr(err, errlen, n, "no <Identity>");
		rc = EINVAL;
	}
	if (rc || (rc = hss_ims_add_impu(sub, identity, profile, &u))) {
		if (rc == E2BIG)
			ims_xerr(err, errlen, n, "more than %d public identities", HSS_IMS_MAX_IMPUS);
		free(identity);
		return rc;
	}
	free(identity);
	u->barred = barred;
	/* Extension / Extension / Extension, each level optional. */
	for (xmlNodePtr e1 = ims_xfirst(n); e1; e1 = ims_xnext(e1)) {
		if (!ims_xname(e1, "Extension"))
			continue;
		for (xmlNodePtr c = ims_xfirst(e1); c; c = ims_xnext(c)) {
			if (ims_xname(c, "IdentityType")) {
				if ((rc = ims_xuint(c, HSS_IMS_ID_WILDCARDED_IMPU, &type, err, errlen)))
					goto out;
				u->type = (enum hss_ims_id_type)type;
			} else if (ims_xname(c, "WildcardedPSI")) {
				free(wpsi);
				wpsi = NULL;
				if ((rc = ims_xtext(c, HSS_IMS_URI_MAX, &wpsi, err, errlen)))
					goto out;
			} else if (ims_xname(c, "Extension")) {
				for (xmlNodePtr d = ims_xfirst(c); d; d = ims_xnext(d)) {
					char **dst = NULL;
					if (ims_xname(d, "DisplayName"))
						dst = &u->display_name;
					else if (ims_xname(d, "AliasIdentityGroupID"))
						dst = &u->alias_group;
					if (dst) {
						free(*dst);
						*dst = NULL;
						if ((rc = ims_xtext(d, HSS_IMS_TEXT_MAX, dst, err, errlen)))
							goto out;
						continue;
					}
					if (!ims_xname(d, "Extension"))
						continue;
					for (xmlNodePtr f = ims_xfirst(d); f; f = ims_xnext(f))
						if (ims_xname(f, "WildcardedIMPU")) {
							free(wimpu);
							wimpu = NULL;
							if ((rc = ims_xtext(f, HSS_IMS_URI_MAX, &wimpu, err, errlen)))
								goto out;
						}
				}
			}
		}
	}
	/* The model keeps patterns as the identity of wildcarded entries. */
	if (u->type == HSS_IMS_ID_WILDCARDED_PSI && wpsi) {
		free(u->identity);
		u->identity = wpsi;
		wpsi = NULL;
	} else if (u->type == HSS_IMS_ID_WILDCARDED_IMPU && wimpu) {
		free(u->identity);
		u->identity = wimpu;
		wimpu = NULL;
	} else if (u->type == HSS_IMS_ID_NON_DISTINCT_IMPU) {
		u->wildcarded_impu = wimpu;
		wimpu = NULL;
	}
out:
	free(wpsi);
	free(wimpu);
	return rc;
}

static int read_profile(xmlNodePtr n, struct hss_ims_sub *sub, char *err, size_t errlen)
{
	struct hss_ims_profile *p;
	char name[16];
	size_t pi;
	uint64_t v;
	int rc;

	snprintf(name, sizeof(name), "sp%zu", sub->n_profiles + 1);
	if ((rc = hss_ims_add_profile(sub, name, &p))) {
		if (rc == E2BIG)
			ims_xerr(err, errlen, n, "more than %d service profiles", HSS_IMS_MAX_PROFILES);
		return rc;
	}
	pi = sub->n_profiles - 1;
	for (xmlNodePtr c = ims_xfirst(n); c; c = ims_xnext(c)) {
		p = &sub->profiles[pi];
		if (ims_xname(c, "PublicIdentity")) {
			if ((rc = read_identity(c, sub, name, err, errlen)))
				return rc;
		} else if (ims_xname(c, "CoreNetworkServicesAuthorization")) {
			p->media_profile_id = -1;
			for (xmlNodePtr d = ims_xfirst(c); d; d = ims_xnext(d))
				if (ims_xname(d, "SubscribedMediaProfileId")) {
					if ((rc = ims_xuint(d, INT32_MAX, &v, err, errlen)))
						return rc;
					p->media_profile_id = (int64_t)v;
				}
		} else if (ims_xname(c, "InitialFilterCriteria")) {
			if (p->n_ifcs >= HSS_IMS_MAX_IFCS) {
				ims_xerr(err, errlen, c, "more than %d iFCs", HSS_IMS_MAX_IFCS);
				return EINVAL;
			}
			if ((rc = ims_grow((void **)&p->ifcs, &p->n_ifcs, sizeof(*p->ifcs))))
				return rc;
			if ((rc = ims_ifc_read(c, &p->ifcs[p->n_ifcs - 1], err, errlen))) {
				p->n_ifcs--;
				return rc;
			}
		} else if (ims_xname(c, "Extension")) {
			for (xmlNodePtr d = ims_xfirst(c); d; d = ims_xnext(d)) {
				if (!ims_xname(d, "SharedIFCSetID"))
					continue;
				if (p->n_shared_ifc_sets >= HSS_IMS_MAX_SHARED_SETS) {
					ims_xerr(err, errlen, d, "more than %d shared iFC sets",
					         HSS_IMS_MAX_SHARED_SETS);
					return EINVAL;
				}
				if ((rc = ims_xuint(d, INT32_MAX, &v, err, errlen)))
					return rc;
				p->shared_ifc_sets[p->n_shared_ifc_sets++] = (uint32_t)v;
			}
		}
	}
	return 0;
}

int hss_ims_cx_parse(const char *xml, size_t len, const struct hss_ims_xml_limits *lim,
                     struct hss_ims_sub *ret, char *err, size_t errlen)
{
	struct hss_ims_sub sub;
	struct ims_xlim l;
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	char *impi = NULL;
	int rc;

	ims_xlim_get(lim, &l);
	hss_ims_sub_init(&sub);
	if ((rc = ims_xml_read(xml, len, &l, &doc, err, errlen)))
		return rc;
	root = xmlDocGetRootElement(doc);
	if (!ims_xname(root, "IMSSubscription") || root->ns) {
		ims_xerr(err, errlen, root, "expected <IMSSubscription> without a namespace");
		rc = EINVAL;
		goto out;
	}
	for (xmlNodePtr c = ims_xfirst(root); c; c = ims_xnext(c)) {
		if (ims_xname(c, "PrivateID") && !impi) {
			if ((rc = ims_xtext(c, HSS_IMS_URI_MAX, &impi, err, errlen)) ||
			    (rc = hss_ims_add_impi(&sub, impi, NULL)))
				goto out;
		} else if (ims_xname(c, "ServiceProfile")) {
			if ((rc = read_profile(c, &sub, err, errlen)))
				goto out;
		}
	}
	if (!impi || !sub.n_profiles || !sub.n_impus) {
		ims_xerr(err, errlen, root, "needs <PrivateID> and a <ServiceProfile> with a "
		         "<PublicIdentity>");
		rc = EINVAL;
		goto out;
	}
	if (sub.n_impus > 1)
		for (size_t i = 0; i < sub.n_impus; i++) {
			sub.impus[i].irs = 1;
			sub.impus[i].irs_default = i == 0;
		}
	*ret = sub;
	hss_ims_sub_init(&sub);
out:
	if (rc == ENOMEM)
		ims_err(err, errlen, "out of memory");
	free(impi);
	hss_ims_sub_free(&sub);
	xmlFreeDoc(doc);
	return rc;
}

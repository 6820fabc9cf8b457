/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sh_xml.c: writes the Sh-Data document of a UDA or PNR (TS 29.328 7.6 and the tSh-Data
 * schema of Annex D): every part present in struct hss_ims_sh_data, in the schema's order:
 *   PublicIdentifiers, RepositoryData*, Sh-IMS-Data (SCSCFName, IFCs, IMSUserState,
 *   ChargingInformation, Extension: PSIActivation, Extension: DSAI*), CSUserState,
 *   PSUserState, Extension (RegisteredIdentities, ImplicitIdentities, AllIdentities,
 *   AliasIdentities, Extension / Extension / Extension: EPSUserState, EPSLocationInformation).
 * ServiceData is stored as XML text; it is parsed again (with the same limits as untrusted
 * input) before it goes out, so a damaged stored value is an error, never broken XML.
 */
#include "ims_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int write_ids(xmlNodePtr parent, const char *name, const struct hss_ims_idlist *l,
                     const struct hss_ims_sh_data *d, bool with_msisdn_and_type, char *err,
                     size_t errlen)
{
	xmlNodePtr pid, ext, ext2;
	int rc;

	if ((rc = ims_xadd_elem(parent, name, &pid)))
		return rc;
	for (size_t i = 0; i < l->n; i++)
		if ((rc = ims_xadd_text(pid, "IMSPublicIdentity", l->ids[i], HSS_IMS_URI_MAX, NULL, err,
		                        errlen)))
			return rc;
	if (!with_msisdn_and_type)
		return 0;
	for (size_t i = 0; i < d->n_msisdns; i++)
		if ((rc = ims_xadd_text(pid, "MSISDN", d->msisdns[i], 15, NULL, err, errlen)))
			return rc;
	if (d->pid_type < 0)
		return 0;
	if (d->pid_type > 3) {
		ims_err(err, errlen, "<IdentityType>: %d out of range (0..3)", d->pid_type);
		return EINVAL;
	}
	if ((rc = ims_xadd_elem(pid, "Extension", &ext)) ||
	    (rc = ims_xadd_uint(ext, "IdentityType", (uint64_t)d->pid_type, err, errlen)))
		return rc;
	if (d->pid_type == 2 && d->pid_wildcard &&
	    (rc = ims_xadd_text(ext, "WildcardedPSI", d->pid_wildcard, HSS_IMS_URI_MAX, NULL, err,
	                        errlen)))
		return rc;
	if (d->pid_type == 3 && d->pid_wildcard &&
	    ((rc = ims_xadd_elem(ext, "Extension", &ext2)) ||
	     (rc = ims_xadd_text(ext2, "WildcardedIMPU", d->pid_wildcard, HSS_IMS_URI_MAX, NULL, err,
	                         errlen))))
		return rc;
	return 0;
}

/* ServiceData holds exactly one element (tServiceData: one xs:any). */
static int write_service_data(xmlNodePtr rd, const struct hss_ims_repo *r, char *err,
                              size_t errlen)
{
	struct ims_xlim lim;
	xmlDocPtr frag = NULL;
	xmlNodePtr sd, el, copy;
	size_t len = r->service_data_len ? r->service_data_len : strlen(r->service_data);
	char *wrapped, why[200];
	int rc;

	ims_xlim_get(NULL, &lim);
	lim.max_bytes = len + 64;
	if (!(wrapped = malloc(len + 32)))
		return ENOMEM;
	memcpy(wrapped, "<ServiceData>", 13);
	memcpy(wrapped + 13, r->service_data, len);
	memcpy(wrapped + 13 + len, "</ServiceData>", 14);
	rc = ims_xml_read(wrapped, len + 27, &lim, &frag, why, sizeof(why));
	free(wrapped);
	if (rc) {
		ims_err(err, errlen, "<ServiceData> of '%s' is not well-formed XML (%s)",
		        r->service_indication ? r->service_indication : "", why);
		return EINVAL;
	}
	el = ims_xfirst(xmlDocGetRootElement(frag));
	if (!el || ims_xnext(el)) {
		ims_err(err, errlen, "<ServiceData> of '%s' must hold exactly one element",
		        r->service_indication ? r->service_indication : "");
		xmlFreeDoc(frag);
		return EINVAL;
	}
	if ((rc = ims_xadd_elem(rd, "ServiceData", &sd)) ||
	    !(copy = xmlDocCopyNode(el, rd->doc, 1))) {
		xmlFreeDoc(frag);
		return rc ? rc : ENOMEM;
	}
	xmlAddChild(sd, copy);
	xmlFreeDoc(frag);
	return 0;
}

static int write_repo(xmlNodePtr root, const struct hss_ims_repo *r, char *err, size_t errlen)
{
	xmlNodePtr rd;
	int rc;

	if (r->seq > 65535) {
		ims_err(err, errlen, "<SequenceNumber>: %u out of range (0..65535)", r->seq);
		return EINVAL;
	}
	if ((rc = ims_xadd_elem(root, "RepositoryData", &rd)) ||
	    (rc = ims_xadd_text(rd, "ServiceIndication",
	                        r->service_indication ? r->service_indication : "", HSS_IMS_TEXT_MAX,
	                        NULL, err, errlen)) ||
	    (rc = ims_xadd_uint(rd, "SequenceNumber", r->seq, err, errlen)))
		return rc;
	if (r->service_data)
		return write_service_data(rd, r, err, errlen);
	return 0;
}

static int write_charging(xmlNodePtr parent, const struct hss_ims_charging *c, char *err,
                          size_t errlen)
{
	/* tChargingInformation order: event functions first. */
	const char *v[4] = { c->primary_ecf, c->secondary_ecf, c->primary_ccf, c->secondary_ccf };
	static const char *const n[4] = { "PrimaryEventChargingFunctionName",
		"SecondaryEventChargingFunctionName", "PrimaryChargingCollectionFunctionName",
		"SecondaryChargingCollectionFunctionName" };
	xmlNodePtr ci;
	int rc;

	if ((rc = ims_xadd_elem(parent, "ChargingInformation", &ci)))
		return rc;
	for (int i = 0; i < 4; i++)
		if (v[i] && (rc = ims_xadd_text(ci, n[i], v[i], HSS_IMS_URI_MAX, NULL, err, errlen)))
			return rc;
	return 0;
}

static int write_ims_data(xmlNodePtr root, const struct hss_ims_sh_data *d, char *err,
                          size_t errlen)
{
	xmlNodePtr ims, x, ext, ext2;
	int rc;

	if ((rc = ims_xadd_elem(root, "Sh-IMS-Data", &ims)))
		return rc;
	if (d->scscf_name && (rc = ims_xadd_text(ims, "SCSCFName", d->scscf_name, HSS_IMS_URI_MAX,
	                                         NULL, err, errlen)))
		return rc;
	if (d->ifcs_present) {
		if ((rc = ims_xadd_elem(ims, "IFCs", &x)))
			return rc;
		for (size_t i = 0; i < d->n_ifcs; i++)
			if ((rc = ims_ifc_write(x, &d->ifcs[i], err, errlen)))
				return rc;
	}
	if (d->ims_user_state >= 0) {
		if (d->ims_user_state > HSS_IMS_AUTHENTICATION_PENDING) {
			ims_err(err, errlen, "<IMSUserState>: %d out of range (0..3)", d->ims_user_state);
			return EINVAL;
		}
		if ((rc = ims_xadd_uint(ims, "IMSUserState", (uint64_t)d->ims_user_state, err, errlen)))
			return rc;
	}
	if (d->charging_present && (rc = write_charging(ims, &d->charging, err, errlen)))
		return rc;
	if (d->psi_activation < 0 && !d->n_dsai)
		return 0;
	if ((rc = ims_xadd_elem(ims, "Extension", &ext)))
		return rc;
	if (d->psi_activation >= 0 &&
	    (rc = ims_xadd_uint(ext, "PSIActivation", d->psi_activation ? 1 : 0, err, errlen)))
		return rc;
	if (!d->n_dsai)
		return 0;
	if ((rc = ims_xadd_elem(ext, "Extension", &ext2)))
		return rc;
	for (size_t i = 0; i < d->n_dsai; i++) {
		if ((rc = ims_xadd_elem(ext2, "DSAI", &x)) ||
		    (rc = ims_xadd_text(x, "DSAI-Tag", d->dsai[i].tag ? d->dsai[i].tag : "",
		                        HSS_IMS_TEXT_MAX, NULL, err, errlen)) ||
		    /* tDSAI-Value: 0 ACTIVE, 1 INACTIVE. */
		    (rc = ims_xadd_uint(x, "DSAI-Value", d->dsai[i].active ? 0 : 1, err, errlen)))
			return rc;
	}
	return 0;
}

static int write_eps(xmlNodePtr ext4, const struct hss_ims_sh_data *d, char *err, size_t errlen)
{
	const struct hss_ims_eps_location *l = &d->eps_location;
	xmlNodePtr loc, x, x2;
	int rc;

	if (d->eps_user_state >= 0) {
		if (d->eps_user_state > HSS_IMS_PS_NETWORK_NOT_REACHABLE) {
			ims_err(err, errlen, "<EPSUserState>: %d out of range (0..6)", d->eps_user_state);
			return EINVAL;
		}
		if ((rc = ims_xadd_uint(ext4, "EPSUserState", (uint64_t)d->eps_user_state, err, errlen)))
			return rc;
	}
	if (!l->present)
		return 0;
	if ((rc = ims_xadd_elem(ext4, "EPSLocationInformation", &loc)))
		return rc;
	if (l->mme_name &&
	    (rc = ims_xadd_text(loc, "MMEName", l->mme_name, HSS_IMS_URI_MAX, NULL, err, errlen)))
		return rc;
	if (l->age >= 0) {
		if (l->age > 32767) {
			ims_err(err, errlen, "<AgeOfLocationInformation>: %d out of range (0..32767)", l->age);
			return EINVAL;
		}
		if ((rc = ims_xadd_uint(loc, "AgeOfLocationInformation", (uint64_t)l->age, err, errlen)))
			return rc;
	}
	if (l->rat_type >= 0 && ((rc = ims_xadd_elem(loc, "Extension", &x)) ||
	                         (rc = ims_xadd_elem(x, "Extension", &x2)) ||
	                         (rc = ims_xadd_uint(x2, "RATtype", (uint64_t)l->rat_type, err,
	                                             errlen))))
		return rc;
	return 0;
}

static int write_extension(xmlNodePtr root, const struct hss_ims_sh_data *d, char *err,
                           size_t errlen)
{
	const struct hss_ims_idlist *lists[4] = { &d->registered_ids, &d->implicit_ids, &d->all_ids,
		&d->alias_ids };
	static const char *const names[4] = { "RegisteredIdentities", "ImplicitIdentities",
		"AllIdentities", "AliasIdentities" };
	bool eps = d->eps_user_state >= 0 || d->eps_location.present, any = eps;
	xmlNodePtr ext, e2, e3, e4;
	int rc;

	for (int i = 0; i < 4; i++)
		any = any || lists[i]->present;
	if (!any)
		return 0;
	if ((rc = ims_xadd_elem(root, "Extension", &ext)))
		return rc;
	for (int i = 0; i < 4; i++)
		if (lists[i]->present && (rc = write_ids(ext, names[i], lists[i], d, false, err, errlen)))
			return rc;
	if (!eps)
		return 0;
	/* tSh-Data-Extension2 (DeletedIdentities), 3 (TADSinformation), 4 (EPS...). */
	if ((rc = ims_xadd_elem(ext, "Extension", &e2)) || (rc = ims_xadd_elem(e2, "Extension", &e3)) ||
	    (rc = ims_xadd_elem(e3, "Extension", &e4)))
		return rc;
	return write_eps(e4, d, err, errlen);
}

int hss_ims_sh_build(const struct hss_ims_sh_data *d, char **ret_xml, size_t *ret_len, char *err,
                     size_t errlen)
{
	xmlDocPtr doc = NULL;
	xmlNodePtr root;
	int rc;

	hss_ims_xml_init();
	if (!(doc = xmlNewDoc((const xmlChar *)"1.0")) ||
	    !(root = xmlNewDocNode(doc, NULL, (const xmlChar *)"Sh-Data", NULL))) {
		rc = ENOMEM;
		goto out;
	}
	xmlDocSetRootElement(doc, root);
	if ((d->public_ids.present || d->n_msisdns || d->pid_type >= 0) &&
	    (rc = write_ids(root, "PublicIdentifiers", &d->public_ids, d, true, err, errlen)))
		goto out;
	for (size_t i = 0; i < d->n_repo; i++)
		if ((rc = write_repo(root, &d->repo[i], err, errlen)))
			goto out;
	if ((d->scscf_name || d->ifcs_present || d->ims_user_state >= 0 || d->charging_present ||
	     d->psi_activation >= 0 || d->n_dsai) &&
	    (rc = write_ims_data(root, d, err, errlen)))
		goto out;
	if (d->cs_user_state >= 0) {
		if (d->cs_user_state > 3) {
			ims_err(err, errlen, "<CSUserState>: %d out of range (0..3)", d->cs_user_state);
			rc = EINVAL;
			goto out;
		}
		if ((rc = ims_xadd_uint(root, "CSUserState", (uint64_t)d->cs_user_state, err, errlen)))
			goto out;
	}
	if (d->ps_user_state >= 0) {
		if (d->ps_user_state > HSS_IMS_PS_NETWORK_NOT_REACHABLE) {
			ims_err(err, errlen, "<PSUserState>: %d out of range (0..6)", d->ps_user_state);
			rc = EINVAL;
			goto out;
		}
		if ((rc = ims_xadd_uint(root, "PSUserState", (uint64_t)d->ps_user_state, err, errlen)))
			goto out;
	}
	if ((rc = write_extension(root, d, err, errlen)))
		goto out;
	rc = ims_xdump(doc, ret_xml, ret_len);
out:
	if (rc == ENOMEM)
		ims_err(err, errlen, "out of memory");
	xmlFreeDoc(doc);
	return rc;
}

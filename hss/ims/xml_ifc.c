/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xml_ifc.c: the InitialFilterCriteria element (tInitialFilterCriteria of TS 29.228 Annex E,
 * used unchanged inside Sh-IMS-Data/IFCs by TS 29.328 Annex D): writing one from the model
 * and reading one back. Element order follows the schema: Priority, TriggerPoint
 * (ConditionTypeCNF, SPT*), ApplicationServer (ServerName, DefaultHandling, ServiceInfo,
 * Extension: IncludeRegisterRequest, IncludeRegisterResponse), ProfilePartIndicator.
 */
#include "ims_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------------- write */

static int spt_write(xmlNodePtr tp, const struct hss_ims_spt *s, char *err, size_t errlen)
{
	xmlNodePtr spt, x;
	int rc;

	if ((rc = ims_xadd_elem(tp, "SPT", &spt)))
		return rc;
	if (s->negated && (rc = ims_xadd_bool(spt, "ConditionNegated", true, err, errlen)))
		return rc;
	if (!s->n_groups) {
		ims_err(err, errlen, "<SPT>: no Group");
		return EINVAL;
	}
	for (size_t g = 0; g < s->n_groups; g++)
		if ((rc = ims_xadd_uint(spt, "Group", s->groups[g], err, errlen)))
			return rc;
	switch (s->kind) {
	case HSS_IMS_SPT_REQUEST_URI:
		rc = ims_xadd_text(spt, "RequestURI", s->value ? s->value : "", HSS_IMS_TEXT_MAX, NULL,
		                   err, errlen);
		break;
	case HSS_IMS_SPT_METHOD:
		rc = ims_xadd_text(spt, "Method", s->value ? s->value : "", HSS_IMS_TEXT_MAX, NULL, err,
		                   errlen);
		break;
	case HSS_IMS_SPT_SIP_HEADER:
	case HSS_IMS_SPT_SESSION_DESCRIPTION: {
		bool hdr = s->kind == HSS_IMS_SPT_SIP_HEADER;
		if ((rc = ims_xadd_elem(spt, hdr ? "SIPHeader" : "SessionDescription", &x)) ||
		    (rc = ims_xadd_text(x, hdr ? "Header" : "Line", s->value ? s->value : "",
		                        HSS_IMS_TEXT_MAX, NULL, err, errlen)))
			return rc;
		if (s->content)
			rc = ims_xadd_text(x, "Content", s->content, HSS_IMS_TEXT_MAX, NULL, err, errlen);
		break;
	}
	case HSS_IMS_SPT_SESSION_CASE:
		if ((unsigned)s->session_case > HSS_IMS_SC_ORIGINATING_CDIV) {
			ims_err(err, errlen, "<SessionCase>: %u out of range", (unsigned)s->session_case);
			return EINVAL;
		}
		rc = ims_xadd_uint(spt, "SessionCase", s->session_case, err, errlen);
		break;
	default:
		ims_err(err, errlen, "<SPT>: unknown kind %d", (int)s->kind);
		return EINVAL;
	}
	if (rc)
		return rc;
	if (s->reg_types) {
		if ((rc = ims_xadd_elem(spt, "Extension", &x)))
			return rc;
		for (unsigned b = 0; b < 3; b++)
			if ((s->reg_types & (1u << b)) &&
			    (rc = ims_xadd_uint(x, "RegistrationType", b, err, errlen)))
				return rc;
	}
	return 0;
}

int ims_ifc_write(xmlNodePtr parent, const struct hss_ims_ifc *f, char *err, size_t errlen)
{
	xmlNodePtr ifc, tp, as, ext;
	int rc;

	if ((rc = ims_xadd_elem(parent, "InitialFilterCriteria", &ifc)) ||
	    (rc = ims_xadd_uint(ifc, "Priority", f->priority, err, errlen)))
		return rc;
	if (f->has_trigger) {
		if ((rc = ims_xadd_elem(ifc, "TriggerPoint", &tp)) ||
		    (rc = ims_xadd_bool(tp, "ConditionTypeCNF", f->cnf, err, errlen)))
			return rc;
		if (!f->n_spts) {
			ims_err(err, errlen, "<TriggerPoint>: no SPT (priority %u)", f->priority);
			return EINVAL;
		}
		for (size_t k = 0; k < f->n_spts; k++)
			if ((rc = spt_write(tp, &f->spts[k], err, errlen)))
				return rc;
	}
	if ((rc = ims_xadd_elem(ifc, "ApplicationServer", &as)) ||
	    (rc = ims_xadd_text(as, "ServerName", f->server_name ? f->server_name : "",
	                        HSS_IMS_URI_MAX, NULL, err, errlen)))
		return rc;
	if (f->default_handling >= 0 &&
	    (rc = ims_xadd_uint(as, "DefaultHandling", (uint64_t)f->default_handling, err, errlen)))
		return rc;
	if (f->service_info &&
	    (rc = ims_xadd_text(as, "ServiceInfo", f->service_info, HSS_IMS_TEXT_MAX, NULL, err,
	                        errlen)))
		return rc;
	if (f->include_register_request || f->include_register_response) {
		if ((rc = ims_xadd_elem(as, "Extension", &ext)))
			return rc;
		if (f->include_register_request && (rc = ims_xadd_elem(ext, "IncludeRegisterRequest", NULL)))
			return rc;
		if (f->include_register_response &&
		    (rc = ims_xadd_elem(ext, "IncludeRegisterResponse", NULL)))
			return rc;
	}
	if (f->profile_part >= 0 &&
	    (rc = ims_xadd_uint(ifc, "ProfilePartIndicator", (uint64_t)f->profile_part, err, errlen)))
		return rc;
	return 0;
}

/* -------------------------------------------------------------------------------- read */

static int spt_read(xmlNodePtr n, struct hss_ims_spt *s, char *err, size_t errlen)
{
	int conditions = 0, rc;
	uint64_t v;

	for (xmlNodePtr c = ims_xfirst(n); c; c = ims_xnext(c)) {
		if (ims_xname(c, "ConditionNegated")) {
			if ((rc = ims_xbool(c, &s->negated, err, errlen)))
				return rc;
		} else if (ims_xname(c, "Group")) {
			if (s->n_groups >= HSS_IMS_MAX_GROUPS) {
				ims_xerr(err, errlen, c, "more than %d groups", HSS_IMS_MAX_GROUPS);
				return EINVAL;
			}
			if ((rc = ims_xuint(c, INT32_MAX, &v, err, errlen)))
				return rc;
			s->groups[s->n_groups++] = (uint32_t)v;
		} else if (ims_xname(c, "RequestURI") || ims_xname(c, "Method")) {
			s->kind = ims_xname(c, "Method") ? HSS_IMS_SPT_METHOD : HSS_IMS_SPT_REQUEST_URI;
			conditions++;
			free(s->value);
			s->value = NULL;
			if ((rc = ims_xtext(c, HSS_IMS_TEXT_MAX, &s->value, err, errlen)))
				return rc;
		} else if (ims_xname(c, "SIPHeader") || ims_xname(c, "SessionDescription")) {
			bool hdr = ims_xname(c, "SIPHeader");
			s->kind = hdr ? HSS_IMS_SPT_SIP_HEADER : HSS_IMS_SPT_SESSION_DESCRIPTION;
			conditions++;
			for (xmlNodePtr d = ims_xfirst(c); d; d = ims_xnext(d)) {
				char **dst;
				if (ims_xname(d, hdr ? "Header" : "Line"))
					dst = &s->value;
				else if (ims_xname(d, "Content"))
					dst = &s->content;
				else
					continue;      /* Extension and other namespaces */
				free(*dst);
				*dst = NULL;
				if ((rc = ims_xtext(d, HSS_IMS_TEXT_MAX, dst, err, errlen)))
					return rc;
			}
			if (!s->value) {
				ims_xerr(err, errlen, c, "no <%s>", hdr ? "Header" : "Line");
				return EINVAL;
			}
		} else if (ims_xname(c, "SessionCase")) {
			s->kind = HSS_IMS_SPT_SESSION_CASE;
			conditions++;
			if ((rc = ims_xuint(c, HSS_IMS_SC_ORIGINATING_CDIV, &v, err, errlen)))
				return rc;
			s->session_case = (enum hss_ims_session_case)v;
		} else if (ims_xname(c, "Extension")) {
			for (xmlNodePtr d = ims_xfirst(c); d; d = ims_xnext(d)) {
				if (!ims_xname(d, "RegistrationType"))
					continue;
				if ((rc = ims_xuint(d, 2, &v, err, errlen)))
					return rc;
				s->reg_types |= 1u << v;
			}
		}
	}
	if (conditions != 1) {
		ims_xerr(err, errlen, n, "an SPT holds exactly one condition, found %d", conditions);
		return EINVAL;
	}
	if (!s->n_groups) {
		ims_xerr(err, errlen, n, "no <Group>");
		return EINVAL;
	}
	return 0;
}

static int as_read(xmlNodePtr n, struct hss_ims_ifc *f, char *err, size_t errlen)
{
	uint64_t v;
	int rc;

	for (xmlNodePtr c = ims_xfirst(n); c; c = ims_xnext(c)) {
		if (ims_xname(c, "ServerName")) {
			free(f->server_name);
			f->server_name = NULL;
			if ((rc = ims_xtext(c, HSS_IMS_URI_MAX, &f->server_name, err, errlen)))
				return rc;
		} else if (ims_xname(c, "DefaultHandling")) {
			if ((rc = ims_xuint(c, 1, &v, err, errlen)))
				return rc;
			f->default_handling = (int)v;
		} else if (ims_xname(c, "ServiceInfo")) {
			free(f->service_info);
			f->service_info = NULL;
			if ((rc = ims_xtext(c, HSS_IMS_TEXT_MAX, &f->service_info, err, errlen)))
				return rc;
		} else if (ims_xname(c, "Extension")) {
			for (xmlNodePtr d = ims_xfirst(c); d; d = ims_xnext(d)) {
				if (ims_xname(d, "IncludeRegisterRequest"))
					f->include_register_request = true;
				else if (ims_xname(d, "IncludeRegisterResponse"))
					f->include_register_response = true;
			}
		}
	}
	if (!f->server_name) {
		ims_xerr(err, errlen, n, "no <ServerName>");
		return EINVAL;
	}
	return 0;
}

int ims_ifc_read(xmlNodePtr node, struct hss_ims_ifc *f, char *err, size_t errlen)
{
	bool prio = false;
	uint64_t v;
	int rc;

	memset(f, 0, sizeof(*f));
	f->default_handling = -1;
	f->profile_part = -1;
	for (xmlNodePtr c = ims_xfirst(node); c; c = ims_xnext(c)) {
		if (ims_xname(c, "Priority")) {
			if ((rc = ims_xuint(c, INT32_MAX, &v, err, errlen)))
				goto fail;
			f->priority = (uint32_t)v;
			prio = true;
		} else if (ims_xname(c, "TriggerPoint")) {
			f->has_trigger = true;
			for (xmlNodePtr d = ims_xfirst(c); d; d = ims_xnext(d)) {
				struct hss_ims_spt *s;
				if (ims_xname(d, "ConditionTypeCNF")) {
					if ((rc = ims_xbool(d, &f->cnf, err, errlen)))
						goto fail;
					continue;
				}
				if (!ims_xname(d, "SPT"))
					continue;
				if (f->n_spts >= HSS_IMS_MAX_SPTS) {
					ims_xerr(err, errlen, d, "more than %d SPTs", HSS_IMS_MAX_SPTS);
					rc = EINVAL;
					goto fail;
				}
				if ((rc = ims_grow((void **)&f->spts, &f->n_spts, sizeof(*s))))
					goto fail;
				if ((rc = spt_read(d, &f->spts[f->n_spts - 1], err, errlen)))
					goto fail;
			}
			if (!f->n_spts) {
				ims_xerr(err, errlen, c, "no <SPT>");
				rc = EINVAL;
				goto fail;
			}
		} else if (ims_xname(c, "ApplicationServer")) {
			if ((rc = as_read(c, f, err, errlen)))
				goto fail;
		} else if (ims_xname(c, "ProfilePartIndicator")) {
			if ((rc = ims_xuint(c, 1, &v, err, errlen)))
				goto fail;
			f->profile_part = (int)v;
		}
	}
	if (!prio || !f->server_name) {
		ims_xerr(err, errlen, node, "no <%s>", prio ? "ApplicationServer" : "Priority");
		rc = EINVAL;
		goto fail;
	}
	return 0;
fail:
	hss_ims_ifc_free(f);
	return rc;
}

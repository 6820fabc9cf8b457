/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sh_parse.c: reads Sh-Data (TS 29.328 Annex D). In PUR mode (TS 29.328 6.1.2) the input
 * comes from an application server and is treated as hostile: only what a PUR may update
 * is accepted (RepositoryData, Sh-IMS-Data/Extension/PSIActivation, its DSAI), anything the
 * HSS owns is refused as not modifiable (5103), anything unknown or malformed as not
 * recognised (5100), a ServiceData over the configured size as too much data (5008). The
 * document itself goes through ims_xml_read (size, depth and element limits, no DTD, no
 * entities, no network). Elements in a namespace are the schema's xs:any ##other
 * extensions and are skipped.
 */
#include "ims_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pctx {
	bool pur;
	struct ims_xlim lim;
	enum hss_ims_sh_error kind;
	char *err;
	size_t errlen;
};

static int bad(struct pctx *c, enum hss_ims_sh_error kind, const xmlNode *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int bad(struct pctx *c, enum hss_ims_sh_error kind, const xmlNode *n, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ims_xerr(c->err, c->errlen, n, "%s", msg);
	c->kind = kind;
	return kind == HSS_IMS_SH_TOO_MUCH_DATA ? E2BIG : EINVAL;
}

/* A value error from the element helpers: the message is set, the kind is "not
 * recognised" (ENOMEM stays ENOMEM). */
static int val(struct pctx *c, int rc)
{
	if (rc && rc != ENOMEM)
		c->kind = HSS_IMS_SH_NOT_RECOGNIZED;
	return rc;
}

static bool foreign(const xmlNode *n)
{
	return n->ns != NULL;
}

static int not_modifiable(struct pctx *c, const xmlNode *n)
{
	return bad(c, HSS_IMS_SH_NOT_MODIFIABLE, n, "an application server may not update this");
}

/* -------------------------------------------------------------------------- identities */

static int read_ids(struct pctx *c, xmlNodePtr n, struct hss_ims_idlist *l,
                    struct hss_ims_sh_data *d)
{
	uint64_t v;
	char *s = NULL;
	int rc;

	l->present = true;
	for (xmlNodePtr x = ims_xfirst(n); x; x = ims_xnext(x)) {
		if (ims_xname(x, "IMSPublicIdentity")) {
			if ((rc = val(c, ims_xtext(x, HSS_IMS_URI_MAX, &s, c->err, c->errlen))))
				return rc;
			rc = hss_ims_idlist_add(l, s);
			free(s);
			if (rc == E2BIG)
				return bad(c, HSS_IMS_SH_NOT_RECOGNIZED, x, "too many identities");
			if (rc)
				return rc;
		} else if (ims_xname(x, "MSISDN") && d) {
			if (d->n_msisdns >= HSS_IMS_MAX_MSISDNS)
				return bad(c, HSS_IMS_SH_NOT_RECOGNIZED, x, "too many MSISDNs");
			if ((rc = val(c, ims_xtext(x, 15, &s, c->err, c->errlen))))
				return rc;
			strcpy(d->msisdns[d->n_msisdns++], s);
			free(s);
		} else if (ims_xname(x, "Extension") && d) {
			for (xmlNodePtr e = ims_xfirst(x); e; e = ims_xnext(e)) {
				if (ims_xname(e, "IdentityType")) {
					if ((rc = val(c, ims_xuint(e, 3, &v, c->err, c->errlen))))
						return rc;
					d->pid_type = (int)v;
				} else if (ims_xname(e, "WildcardedPSI") || ims_xname(e, "Extension")) {
					xmlNodePtr w = ims_xname(e, "Extension") ? ims_xfirst(e) : e;
					if (!w || !(ims_xname(w, "WildcardedPSI") || ims_xname(w, "WildcardedIMPU")))
						continue;
					free(d->pid_wildcard);
					d->pid_wildcard = NULL;
					if ((rc = val(c, ims_xtext(w, HSS_IMS_URI_MAX, &d->pid_wildcard, c->err,
					                           c->errlen))))
						return rc;
				}
			}
		}
	}
	return 0;
}

/* ---------------------------------------------------------------------- repository data */

/* The one element of ServiceData, serialised on its own (the namespaces it uses from
 * its ancestors are declared on the copy). */
static int service_data(struct pctx *c, xmlNodePtr sd, struct hss_ims_repo *r)
{
	xmlNodePtr el = NULL, copy;
	xmlDocPtr tmp = NULL;
	xmlBufferPtr buf = NULL;
	int rc = 0;

	for (xmlNodePtr x = sd->children; x; x = x->next) {
		if (x->type == XML_ELEMENT_NODE) {
			if (el)
				return bad(c, HSS_IMS_SH_NOT_RECOGNIZED, x,
				           "ServiceData holds exactly one element (TS 29.328 tServiceData)");
			el = x;
		} else if (x->type == XML_TEXT_NODE && !xmlIsBlankNode(x)) {
			return bad(c, HSS_IMS_SH_NOT_RECOGNIZED, sd,
			           "text outside the element of ServiceData");
		}
	}
	if (!el)
		return bad(c, HSS_IMS_SH_NOT_RECOGNIZED, sd, "empty (leave ServiceData out to delete)");
	if (!(tmp = xmlNewDoc((const xmlChar *)"1.0")) || !(copy = xmlDocCopyNode(el, tmp, 1)) ||
	    !(buf = xmlBufferCreate())) {
		rc = ENOMEM;
		goto out;
	}
	xmlDocSetRootElement(tmp, copy);
	if (xmlNodeDump(buf, tmp, copy, 0, 0) < 0) {
		rc = ENOMEM;
		goto out;
	}
	if ((size_t)xmlBufferLength(buf) > c->lim.max_service_data) {
		rc = bad(c, HSS_IMS_SH_TOO_MUCH_DATA, sd, "%d octets of service data, the limit is %zu",
		         xmlBufferLength(buf), c->lim.max_service_data);
		goto out;
	}
	if (!(r->service_data = strndup((const char *)xmlBufferContent(buf),
	                                (size_t)xmlBufferLength(buf)))) {
		rc = ENOMEM;
		goto out;
	}
	r->service_data_len = (size_t)xmlBufferLength(buf);
out:
	xmlBufferFree(buf);
	xmlFreeDoc(tmp);
	return rc;
}

static int read_repo(struct pctx *c, xmlNodePtr n, struct hss_ims_sh_data *d)
{
	struct hss_ims_repo *r;
	bool have_seq = false, have_sd = false;
	uint64_t v;
	int rc;

	if (d->n_repo >= c->lim.max_repository)
		return bad(c, HSS_IMS_SH_TOO_MUCH_DATA, n, "more than %zu RepositoryData",
		           c->lim.max_repository);
	if ((rc = ims_grow((void **)&d->repo, &d->n_repo, sizeof(*r))))
		return rc;
	r = &d->repo[d->n_repo - 1];
	for (xmlNodePtr x = ims_xfirst(n); x; x = ims_xnext(x)) {
		/* Skipping a namespaced element here could turn an update into a deletion (a
		 * ServiceData put in a default namespace is not ServiceData): refuse it. */
		if (foreign(x))
			return bad(c, HSS_IMS_SH_NOT_RECOGNIZED, x, "in namespace '%s': not an element of "
			           "RepositoryData", (const char *)x->ns->href);
		if (ims_xname(x, "Extension"))
			continue;
		if (ims_xname(x, "ServiceIndication") && !r->service_indication) {
			if ((rc = val(c, ims_xtext(x, HSS_IMS_TEXT_MAX, &r->service_indication, c->err,
			                           c->errlen))))
				return rc;
			if (!*r->service_indication || ims_text_ok(r->service_indication, HSS_IMS_TEXT_MAX,
			                                           NULL, 0))
				return bad(c, HSS_IMS_SH_NOT_RECOGNIZED, x, "empty or not UTF-8 text");
		} else if (ims_xname(x, "SequenceNumber") && !have_seq) {
			if ((rc = val(c, ims_xuint(x, 65535, &v, c->err, c->errlen))))
				return rc;
			r->seq = (uint32_t)v;
			have_seq = true;
		} else if (ims_xname(x, "ServiceData") && !have_sd) {
			have_sd = true;
			if ((rc = service_data(c, x, r)))
				return rc;
		} else {
			return bad(c, HSS_IMS_SH_NOT_RECOGNIZED, x, "unexpected in RepositoryData");
		}
	}
	if (!r->service_indication || !have_seq)
		return bad(c, HSS_IMS_SH_NOT_RECOGNIZED, n, "needs ServiceIndication and SequenceNumber");
	for (size_t i = 0; i + 1 < d->n_repo; i++)
		if (!strcmp(d->repo[i].service_indication, r->service_indication))
			return bad(c, HSS_IMS_SH_NOT_RECOGNIZED, n, "service indication '%s' given twice",
			           r->service_indication);
	return 0;
}

/* --------------------------------------------------------------------------- IMS data */

static int read_dsai(struct pctx *c, xmlNodePtr n, struct hss_ims_sh_data *d)
{
	struct hss_ims_dsai *x;
	bool have_value = false;
	uint64_t v;
	int rc;

	if (d->n_dsai >= HSS_IMS_MAX_DSAI)
		return bad(c, HSS_IMS_SH_NOT_RECOGNIZED, n, "more than %d DSAI", HSS_IMS_MAX_DSAI);
	if ((rc = ims_grow((void **)&d->dsai, &d->n_dsai, sizeof(*x))))
		return rc;
	x = &d->dsai[d->n_dsai - 1];
	for (xmlNodePtr e = ims_xfirst(n); e; e = ims_xnext(e)) {
		if (ims_xname(e, "DSAI-Tag") && !x->tag) {
			if ((rc = val(c, ims_xtext(e, HSS_IMS_TEXT_MAX, &x->tag, c->err, c->errlen))))
				return rc;
		} else if (ims_xname(e, "DSAI-Value") && !have_value) {
			if ((rc = val(c, ims_xuint(e, 1, &v, c->err, c->errlen))))
				return rc;
			x->active = v == 0;     /* 0 ACTIVE, 1 INACTIVE */
			have_value = true;
		} else {
			return bad(c, HSS_IMS_SH_NOT_RECOGNIZED, e, "unexpected in DSAI");
		}
	}
	if (!x->tag || !have_value)
		return bad(c, HSS_IMS_SH_NOT_RECOGNIZED, n, "needs DSAI-Tag and DSAI-Value");
	return 0;
}

static int read_charging(struct pctx *c, xmlNodePtr n, struct hss_ims_charging *ch)
{
	int rc;

	for (xmlNodePtr x = ims_xfirst(n); x; x = ims_xnext(x)) {
		char **dst = ims_xname(x, "PrimaryEventChargingFunctionName") ? &ch->primary_ecf
		           : ims_xname(x, "SecondaryEventChargingFunctionName") ? &ch->secondary_ecf
		           : ims_xname(x, "PrimaryChargingCollectionFunctionName") ? &ch->primary_ccf
		           : ims_xname(x, "SecondaryChargingCollectionFunctionName") ? &ch->secondary_ccf
		           : NULL;
		if (!dst)
			continue;
		free(*dst);
		*dst = NULL;
		if ((rc = val(c, ims_xtext(x, HSS_IMS_URI_MAX, dst, c->err, c->errlen))))
			return rc;
	}
	return 0;
}

/* Sh-IMS-Data/Extension: PSIActivation, then Extension: DSAI*, then later releases. */
static int read_ims_ext(struct pctx *c, xmlNodePtr n, struct hss_ims_sh_data *d)
{
	uint64_t v;
	int rc;

	for (xmlNodePtr x = ims_xfirst(n); x; x = ims_xnext(x)) {
		if (foreign(x))
			continue;
		if (ims_xname(x, "PSIActivation")) {
			if ((rc = val(c, ims_xuint(x, 1, &v, c->err, c->errlen))))
				return rc;
			d->psi_activation = (int)v;
		} else if (ims_xname(x, "Extension")) {
			for (xmlNodePtr e = ims_xfirst(x); e; e = ims_xnext(e)) {
				if (foreign(e))
					continue;
				if (ims_xname(e, "DSAI")) {
					if ((rc = read_dsai(c, e, d)))
						return rc;
				} else if (ims_xname(e, "Extension")) {
					/* ServiceLevelTraceInfo, IP address binding ...: the HSS's. */
					if (c->pur && ims_xfirst(e))
						return not_modifiable(c, ims_xfirst(e));
				} else {
					return bad(c, HSS_IMS_SH_NOT_RECOGNIZED, e, "unexpected in Sh-IMS-Data");
				}
			}
		} else {
			return bad(c, HSS_IMS_SH_NOT_RECOGNIZED, x, "unexpected in Sh-IMS-Data");
		}
	}
	return 0;
}

static int read_ims(struct pctx *c, xmlNodePtr n, struct hss_ims_sh_data *d)
{
	uint64_t v;
	int rc;

	for (xmlNodePtr x = ims_xfirst(n); x; x = ims_xnext(x)) {
		if (foreign(x))
			continue;
		if (ims_xname(x, "Extension")) {
			if ((rc = read_ims_ext(c, x, d)))
				return rc;
			continue;
		}
		if (!ims_xname(x, "SCSCFName") && !ims_xname(x, "IFCs") && !ims_xname(x, "IMSUserState") &&
		    !ims_xname(x, "ChargingInformation"))
			return bad(c, HSS_IMS_SH_NOT_RECOGNIZED, x, "unexpected in Sh-IMS-Data");
		if (c->pur)
			return not_modifiable(c, x);
		if (ims_xname(x, "SCSCFName")) {
			free(d->scscf_name);
			d->scscf_name = NULL;
			if ((rc = val(c, ims_xtext(x, HSS_IMS_URI_MAX, &d->scscf_name, c->err, c->errlen))))
				return rc;
		} else if (ims_xname(x, "IMSUserState")) {
			if ((rc = val(c, ims_xuint(x, 3, &v, c->err, c->errlen))))
				return rc;
			d->ims_user_state = (int)v;
		} else if (ims_xname(x, "ChargingInformation")) {
			d->charging_present = true;
			if ((rc = read_charging(c, x, &d->charging)))
				return rc;
		} else {
			d->ifcs_present = true;
			for (xmlNodePtr f = ims_xfirst(x); f; f = ims_xnext(f)) {
				if (!ims_xname(f, "InitialFilterCriteria"))
					continue;
				if (d->n_ifcs >= HSS_IMS_MAX_IFCS)
					return bad(c, HSS_IMS_SH_NOT_RECOGNIZED, f, "too many iFCs");
				if ((rc = ims_grow((void **)&d->ifcs, &d->n_ifcs, sizeof(*d->ifcs))))
					return rc;
				if ((rc = val(c, ims_ifc_read(f, &d->ifcs[d->n_ifcs - 1], c->err, c->errlen)))) {
					d->n_ifcs--;
					return rc;
				}
			}
		}
	}
	return 0;
}

/* ------------------------------------------------------------------- Sh-Data Extension */

static int read_eps(struct pctx *c, xmlNodePtr ext4, struct hss_ims_sh_data *d)
{
	uint64_t v;
	int rc;

	for (xmlNodePtr x = ims_xfirst(ext4); x; x = ims_xnext(x)) {
		if (ims_xname(x, "EPSUserState")) {
			if ((rc = val(c, ims_xuint(x, 6, &v, c->err, c->errlen))))
				return rc;
			d->eps_user_state = (int)v;
		} else if (ims_xname(x, "EPSLocationInformation")) {
			struct hss_ims_eps_location *l = &d->eps_location;
			l->present = true;
			for (xmlNodePtr e = ims_xfirst(x); e; e = ims_xnext(e)) {
				if (ims_xname(e, "MMEName")) {
					free(l->mme_name);
					l->mme_name = NULL;
					if ((rc = val(c, ims_xtext(e, HSS_IMS_URI_MAX, &l->mme_name, c->err,
					                           c->errlen))))
						return rc;
				} else if (ims_xname(e, "AgeOfLocationInformation")) {
					if ((rc = val(c, ims_xuint(e, 32767, &v, c->err, c->errlen))))
						return rc;
					l->age = (int32_t)v;
				} else if (ims_xname(e, "Extension")) {
					for (xmlNodePtr f = ims_xfirst(e); f; f = ims_xnext(f)) {
						if (!ims_xname(f, "Extension"))
							continue;
						for (xmlNodePtr g = ims_xfirst(f); g; g = ims_xnext(g))
							if (ims_xname(g, "RATtype")) {
								if ((rc = val(c, ims_xuint(g, INT32_MAX, &v, c->err,
								                           c->errlen))))
									return rc;
								l->rat_type = (int64_t)v;
							}
					}
				}
			}
		}
	}
	return 0;
}

static int read_extension(struct pctx *c, xmlNodePtr n, struct hss_ims_sh_data *d)
{
	int rc;

	for (xmlNodePtr x = ims_xfirst(n); x; x = ims_xnext(x)) {
		struct hss_ims_idlist *l = ims_xname(x, "RegisteredIdentities") ? &d->registered_ids
		                         : ims_xname(x, "ImplicitIdentities") ? &d->implicit_ids
		                         : ims_xname(x, "AllIdentities") ? &d->all_ids
		                         : ims_xname(x, "AliasIdentities") ? &d->alias_ids : NULL;
		if (l) {
			if ((rc = read_ids(c, x, l, NULL)))
				return rc;
			continue;
		}
		if (!ims_xname(x, "Extension"))
			continue;
		/* Extension2 / Extension3 / Extension4. */
		for (xmlNodePtr e2 = ims_xfirst(x); e2; e2 = ims_xnext(e2)) {
			if (!ims_xname(e2, "Extension"))
				continue;
			for (xmlNodePtr e3 = ims_xfirst(e2); e3; e3 = ims_xnext(e3))
				if (ims_xname(e3, "Extension") && (rc = read_eps(c, e3, d)))
					return rc;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------------------- Sh-Data */

static int read_root(struct pctx *c, xmlNodePtr root, struct hss_ims_sh_data *d)
{
	uint64_t v;
	int rc;

	if (!ims_xname(root, "Sh-Data") || root->ns)
		return bad(c, HSS_IMS_SH_NOT_RECOGNIZED, root, "expected <Sh-Data> without a namespace");
	for (xmlNodePtr x = ims_xfirst(root); x; x = ims_xnext(x)) {
		if (foreign(x))
			continue;
		if (ims_xname(x, "RepositoryData")) {
			if ((rc = read_repo(c, x, d)))
				return rc;
		} else if (ims_xname(x, "Sh-IMS-Data")) {
			if ((rc = read_ims(c, x, d)))
				return rc;
		} else if (ims_xname(x, "PublicIdentifiers") || ims_xname(x, "CSLocationInformation") ||
		           ims_xname(x, "PSLocationInformation") || ims_xname(x, "CSUserState") ||
		           ims_xname(x, "PSUserState") || ims_xname(x, "Extension")) {
			if (c->pur) {
				/* An empty Extension updates nothing. */
				if (ims_xname(x, "Extension") && !ims_xfirst(x))
					continue;
				return not_modifiable(c, x);
			}
			if (ims_xname(x, "PublicIdentifiers"))
				rc = read_ids(c, x, &d->public_ids, d);
			else if (ims_xname(x, "Extension"))
				rc = read_extension(c, x, d);
			else if (ims_xname(x, "CSUserState") || ims_xname(x, "PSUserState")) {
				bool cs = ims_xname(x, "CSUserState");
				if (!(rc = val(c, ims_xuint(x, cs ? 3 : 6, &v, c->err, c->errlen))))
					*(cs ? &d->cs_user_state : &d->ps_user_state) = (int)v;
			} else
				rc = 0;     /* CS/PS location: not modelled, skipped */
			if (rc)
				return rc;
		} else {
			return bad(c, HSS_IMS_SH_NOT_RECOGNIZED, x, "not an element of Sh-Data");
		}
	}
	if (c->pur && !d->n_repo && d->psi_activation < 0 && !d->n_dsai)
		return bad(c, HSS_IMS_SH_NOT_RECOGNIZED, root, "nothing an application server may update");
	return 0;
}

int hss_ims_sh_parse(const char *xml, size_t len, unsigned flags,
                     const struct hss_ims_xml_limits *lim, struct hss_ims_sh_data *ret,
                     enum hss_ims_sh_error *ret_kind, char *err, size_t errlen)
{
	struct pctx c = { .pur = flags & HSS_IMS_SH_PUR, .kind = HSS_IMS_SH_OK, .err = err,
	                  .errlen = errlen };
	struct hss_ims_sh_data d;
	xmlDocPtr doc = NULL;
	int rc;

	ims_xlim_get(lim, &c.lim);
	hss_ims_sh_data_init(&d);
	if ((rc = ims_xml_read(xml, len, &c.lim, &doc, err, errlen))) {
		/* Over a size, depth or element limit: more than the HSS takes (5008). */
		c.kind = rc == E2BIG ? HSS_IMS_SH_TOO_MUCH_DATA : HSS_IMS_SH_NOT_RECOGNIZED;
		goto out;
	}
	if ((rc = read_root(&c, xmlDocGetRootElement(doc), &d)))
		goto out;
	*ret = d;
	hss_ims_sh_data_init(&d);
out:
	if (rc == ENOMEM) {
		ims_err(err, errlen, "out of memory");
		c.kind = HSS_IMS_SH_OK;
	}
	if (ret_kind)
		*ret_kind = rc ? c.kind : HSS_IMS_SH_OK;
	hss_ims_sh_data_free(&d);
	xmlFreeDoc(doc);
	return rc;
}

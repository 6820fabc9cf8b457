/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * model.c: life cycle of the IMS subscription model (init, free, deep copy, appending
 * elements) and the small helpers every file of hss/ims/ uses (errors, name tables).
 */
#include "ims_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const ims_id_type_names[] = { "public_user_identity", "distinct_psi",
	"wildcarded_psi", "non_distinct_impu", "wildcarded_impu", NULL };
const char *const ims_session_case_names[] = { "originating", "terminating_registered",
	"terminating_unregistered", "originating_unregistered", "originating_cdiv", NULL };
const char *const ims_default_handling_names[] = { "session_continued", "session_terminated",
	NULL };
const char *const ims_profile_part_names[] = { "registered", "unregistered", NULL };
const char *const ims_spt_kind_keys[] = { "request_uri", "method", "sip_header", "session_case",
	"session_description", NULL };
const char *const ims_reg_type_names[] = { "initial", "re_registration", "de_registration",
	NULL };

int ims_name_index(const char *const *table, const char *name)
{
	for (int i = 0; name && table[i]; i++)
		if (!strcasecmp(table[i], name))
			return i;
	return -1;
}

void ims_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

char *ims_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

int ims_grow(void **arr, size_t *n, size_t sz)
{
	char *p = realloc(*arr, (*n + 1) * sz);

	if (!p)
		return ENOMEM;
	memset(p + *n * sz, 0, sz);
	*arr = p;
	(*n)++;
	return 0;
}

int hss_ims_set_str(char **field, const char *value)
{
	char *v = NULL;

	if (value && *value && !(v = strdup(value)))
		return ENOMEM;
	free(*field);
	*field = v;
	return 0;
}

void hss_ims_sub_init(struct hss_ims_sub *sub)
{
	memset(sub, 0, sizeof(*sub));
}

/* ----------------------------------------------------------------------------------- free */

static void spt_free(struct hss_ims_spt *s)
{
	free(s->value);
	free(s->content);
}

void hss_ims_ifc_free(struct hss_ims_ifc *ifc)
{
	if (!ifc)
		return;
	for (size_t i = 0; i < ifc->n_spts; i++)
		spt_free(&ifc->spts[i]);
	free(ifc->spts);
	free(ifc->server_name);
	free(ifc->service_info);
	memset(ifc, 0, sizeof(*ifc));
}

static void impu_free(struct hss_ims_impu *u)
{
	free(u->identity);
	free(u->display_name);
	free(u->alias_group);
	free(u->service_profile);
	free(u->wildcarded_impu);
	for (size_t i = 0; i < u->n_dsai; i++) {
		free(u->dsai[i].as_name);
		free(u->dsai[i].tag);
	}
	free(u->dsai);
}

static void impi_free(struct hss_ims_impi *p)
{
	free(p->identity);
	free(p->digest_realm);
	explicit_bzero(p->digest_ha1, sizeof(p->digest_ha1));
	explicit_bzero(&p->aka, sizeof(p->aka));
	for (size_t i = 0; i < p->n_impus; i++)
		free(p->impus[i]);
	free(p->impus);
}

static void profile_free(struct hss_ims_profile *p)
{
	free(p->name);
	for (size_t i = 0; i < p->n_ifcs; i++)
		hss_ims_ifc_free(&p->ifcs[i]);
	free(p->ifcs);
}

void ims_charging_free(struct hss_ims_charging *c)
{
	free(c->primary_ccf);
	free(c->secondary_ccf);
	free(c->primary_ecf);
	free(c->secondary_ecf);
	memset(c, 0, sizeof(*c));
}

void hss_ims_sub_free(struct hss_ims_sub *sub)
{
	if (!sub)
		return;
	free(sub->id);
	for (size_t i = 0; i < sub->n_impis; i++)
		impi_free(&sub->impis[i]);
	free(sub->impis);
	for (size_t i = 0; i < sub->n_impus; i++)
		impu_free(&sub->impus[i]);
	free(sub->impus);
	for (size_t i = 0; i < sub->n_profiles; i++)
		profile_free(&sub->profiles[i]);
	free(sub->profiles);
	ims_charging_free(&sub->charging);
	free(sub->scscf.name);
	memset(sub, 0, sizeof(*sub));
}

/* ----------------------------------------------------------------------------------- copy */

/* Copy *src into *dst (a fresh allocation); a NULL src gives NULL. Sets *fail on ENOMEM. */
static char *dup_or_fail(const char *src, bool *fail)
{
	char *d;

	if (!src)
		return NULL;
	if (!(d = strdup(src)))
		*fail = true;
	return d;
}

int hss_ims_ifc_copy(const struct hss_ims_ifc *src, struct hss_ims_ifc *dst)
{
	bool fail = false;

	*dst = *src;
	dst->spts = NULL;
	dst->n_spts = 0;
	dst->server_name = dup_or_fail(src->server_name, &fail);
	dst->service_info = dup_or_fail(src->service_info, &fail);
	if (src->n_spts && !(dst->spts = calloc(src->n_spts, sizeof(*dst->spts))))
		fail = true;
	for (size_t i = 0; !fail && i < src->n_spts; i++) {
		dst->spts[i] = src->spts[i];
		dst->spts[i].value = dup_or_fail(src->spts[i].value, &fail);
		dst->spts[i].content = dup_or_fail(src->spts[i].content, &fail);
		dst->n_spts = i + 1;
	}
	if (fail) {
		hss_ims_ifc_free(dst);
		return ENOMEM;
	}
	return 0;
}

bool ims_charging_copy(const struct hss_ims_charging *s, struct hss_ims_charging *d)
{
	bool fail = false;

	d->primary_ccf = dup_or_fail(s->primary_ccf, &fail);
	d->secondary_ccf = dup_or_fail(s->secondary_ccf, &fail);
	d->primary_ecf = dup_or_fail(s->primary_ecf, &fail);
	d->secondary_ecf = dup_or_fail(s->secondary_ecf, &fail);
	return fail;
}

static bool copy_impi(const struct hss_ims_impi *s, struct hss_ims_impi *d)
{
	bool fail = false;

	*d = *s;
	d->impus = NULL;
	d->n_impus = 0;
	d->identity = dup_or_fail(s->identity, &fail);
	d->digest_realm = dup_or_fail(s->digest_realm, &fail);
	if (s->n_impus && !(d->impus = calloc(s->n_impus, sizeof(char *))))
		return true;
	for (size_t i = 0; !fail && i < s->n_impus; i++) {
		d->impus[i] = dup_or_fail(s->impus[i], &fail);
		d->n_impus = i + 1;
	}
	return fail;
}

static bool copy_impu(const struct hss_ims_impu *s, struct hss_ims_impu *d)
{
	bool fail = false;

	*d = *s;
	d->dsai = NULL;
	d->n_dsai = 0;
	d->identity = dup_or_fail(s->identity, &fail);
	d->display_name = dup_or_fail(s->display_name, &fail);
	d->alias_group = dup_or_fail(s->alias_group, &fail);
	d->service_profile = dup_or_fail(s->service_profile, &fail);
	d->wildcarded_impu = dup_or_fail(s->wildcarded_impu, &fail);
	if (s->n_dsai && !(d->dsai = calloc(s->n_dsai, sizeof(*d->dsai))))
		return true;
	for (size_t i = 0; !fail && i < s->n_dsai; i++) {
		d->dsai[i].active = s->dsai[i].active;
		d->dsai[i].as_name = dup_or_fail(s->dsai[i].as_name, &fail);
		d->dsai[i].tag = dup_or_fail(s->dsai[i].tag, &fail);
		d->n_dsai = i + 1;
	}
	return fail;
}

static bool copy_profile(const struct hss_ims_profile *s, struct hss_ims_profile *d)
{
	bool fail = false;

	*d = *s;
	d->ifcs = NULL;
	d->n_ifcs = 0;
	d->name = dup_or_fail(s->name, &fail);
	if (s->n_ifcs && !(d->ifcs = calloc(s->n_ifcs, sizeof(*d->ifcs))))
		return true;
	for (size_t i = 0; !fail && i < s->n_ifcs; i++) {
		if (hss_ims_ifc_copy(&s->ifcs[i], &d->ifcs[i]))
			return true;
		d->n_ifcs = i + 1;
	}
	return fail;
}

/* The arrays are allocated whole and counted as elements get copied, so a failure half
 * way frees exactly what was copied. */
int hss_ims_sub_copy(const struct hss_ims_sub *src, struct hss_ims_sub *dst)
{
	bool fail = false;

	hss_ims_sub_init(dst);
	memcpy(dst->msisdns, src->msisdns, sizeof(dst->msisdns));
	dst->n_msisdns = src->n_msisdns;
	dst->scscf = src->scscf;
	dst->scscf.name = dup_or_fail(src->scscf.name, &fail);
	dst->id = dup_or_fail(src->id, &fail);
	fail = fail || ims_charging_copy(&src->charging, &dst->charging);
	if (!fail && src->n_impis && !(dst->impis = calloc(src->n_impis, sizeof(*dst->impis))))
		fail = true;
	for (size_t i = 0; !fail && i < src->n_impis; i++) {
		fail = copy_impi(&src->impis[i], &dst->impis[i]);
		dst->n_impis = i + 1;
	}
	if (!fail && src->n_impus && !(dst->impus = calloc(src->n_impus, sizeof(*dst->impus))))
		fail = true;
	for (size_t i = 0; !fail && i < src->n_impus; i++) {
		fail = copy_impu(&src->impus[i], &dst->impus[i]);
		dst->n_impus = i + 1;
	}
	if (!fail && src->n_profiles &&
	    !(dst->profiles = calloc(src->n_profiles, sizeof(*dst->profiles))))
		fail = true;
	for (size_t i = 0; !fail && i < src->n_profiles; i++) {
		fail = copy_profile(&src->profiles[i], &dst->profiles[i]);
		dst->n_profiles = i + 1;
	}
	if (fail) {
		hss_ims_sub_free(dst);
		return ENOMEM;
	}
	return 0;
}

/* --------------------------------------------------------------------------------- append */

int hss_ims_add_impi(struct hss_ims_sub *sub, const char *identity, struct hss_ims_impi **ret)
{
	struct hss_ims_impi *p;

	if (sub->n_impis >= HSS_IMS_MAX_IMPIS)
		return E2BIG;
	if (ims_grow((void **)&sub->impis, &sub->n_impis, sizeof(*p)))
		return ENOMEM;
	p = &sub->impis[sub->n_impis - 1];
	p->aka.ind_bits = 5;
	if (hss_ims_set_str(&p->identity, identity)) {
		sub->n_impis--;
		return ENOMEM;
	}
	if (ret)
		*ret = p;
	return 0;
}

int hss_ims_add_impu(struct hss_ims_sub *sub, const char *identity, const char *profile,
                     struct hss_ims_impu **ret)
{
	struct hss_ims_impu *u;

	if (sub->n_impus >= HSS_IMS_MAX_IMPUS)
		return E2BIG;
	if (ims_grow((void **)&sub->impus, &sub->n_impus, sizeof(*u)))
		return ENOMEM;
	u = &sub->impus[sub->n_impus - 1];
	u->type = HSS_IMS_ID_PUBLIC_USER;
	u->psi_active = true;
	if (hss_ims_set_str(&u->identity, identity) ||
	    hss_ims_set_str(&u->service_profile, profile)) {
		impu_free(u);
		sub->n_impus--;
		return ENOMEM;
	}
	if (ret)
		*ret = u;
	return 0;
}

int hss_ims_add_profile(struct hss_ims_sub *sub, const char *name, struct hss_ims_profile **ret)
{
	struct hss_ims_profile *p;

	if (sub->n_profiles >= HSS_IMS_MAX_PROFILES)
		return E2BIG;
	if (ims_grow((void **)&sub->profiles, &sub->n_profiles, sizeof(*p)))
		return ENOMEM;
	p = &sub->profiles[sub->n_profiles - 1];
	p->media_profile_id = -1;
	if (hss_ims_set_str(&p->name, name)) {
		sub->n_profiles--;
		return ENOMEM;
	}
	if (ret)
		*ret = p;
	return 0;
}

int hss_ims_add_ifc(struct hss_ims_profile *p, uint32_t priority, const char *server_name,
                    struct hss_ims_ifc **ret)
{
	struct hss_ims_ifc *f;

	if (p->n_ifcs >= HSS_IMS_MAX_IFCS)
		return E2BIG;
	if (ims_grow((void **)&p->ifcs, &p->n_ifcs, sizeof(*f)))
		return ENOMEM;
	f = &p->ifcs[p->n_ifcs - 1];
	f->priority = priority;
	f->default_handling = -1;
	f->profile_part = -1;
	if (hss_ims_set_str(&f->server_name, server_name)) {
		p->n_ifcs--;
		return ENOMEM;
	}
	if (ret)
		*ret = f;
	return 0;
}

int hss_ims_add_spt(struct hss_ims_ifc *ifc, enum hss_ims_spt_kind kind, const char *value,
                    const char *content, uint32_t group, struct hss_ims_spt **ret)
{
	struct hss_ims_spt *s;

	if (ifc->n_spts >= HSS_IMS_MAX_SPTS)
		return E2BIG;
	if (ims_grow((void **)&ifc->spts, &ifc->n_spts, sizeof(*s)))
		return ENOMEM;
	s = &ifc->spts[ifc->n_spts - 1];
	s->kind = kind;
	s->groups[0] = group;
	s->n_groups = 1;
	if (hss_ims_set_str(&s->value, value) || hss_ims_set_str(&s->content, content)) {
		spt_free(s);
		ifc->n_spts--;
		return ENOMEM;
	}
	ifc->has_trigger = true;
	if (ret)
		*ret = s;
	return 0;
}

int hss_ims_add_dsai(struct hss_ims_impu *impu, const char *as_name, const char *tag,
                     bool active)
{
	struct hss_ims_dsai *d;

	if (impu->n_dsai >= HSS_IMS_MAX_DSAI)
		return E2BIG;
	if (ims_grow((void **)&impu->dsai, &impu->n_dsai, sizeof(*d)))
		return ENOMEM;
	d = &impu->dsai[impu->n_dsai - 1];
	d->active = active;
	if (hss_ims_set_str(&d->as_name, as_name) || hss_ims_set_str(&d->tag, tag)) {
		free(d->as_name);
		free(d->tag);
		impu->n_dsai--;
		return ENOMEM;
	}
	return 0;
}

int hss_ims_impi_add_impu(struct hss_ims_impi *impi, const char *impu)
{
	char *s;

	if (impi->n_impus >= HSS_IMS_MAX_IMPI_IMPUS)
		return E2BIG;
	if (!(s = strdup(impu ? impu : "")))
		return ENOMEM;
	if (ims_grow((void **)&impi->impus, &impi->n_impus, sizeof(char *))) {
		free(s);
		return ENOMEM;
	}
	impi->impus[impi->n_impus - 1] = s;
	return 0;
}

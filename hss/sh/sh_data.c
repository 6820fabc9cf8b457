/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sh_data.c: the Sh-Data an application server reads (TS 29.328 7.6, table 7.6.1), for the
 * UDA and for the SNA of a subscription with Send-Data-Indication:
 *   RepositoryData          the stored data of each Service-Indication asked (none stored:
 *                           left out)
 *   IMSPublicIdentity ...   from the subscription and its registration state (hss/imsdb
 *   ... DSAI                shdata.c, the code the change detection of notifications uses)
 *   LocationInformation     the serving MME from S6a (EPSLocationInformation: MMEName, age of
 *                           the last Update-Location, RAT type), in the PS domain with the
 *                           MME among the Requested-Nodes (or none named); the HSS keeps no
 *                           CS or SGSN location and does not page (no active retrieval)
 *   UserState               EPSUserState as the HSS knows it: DETACHED without a registered
 *                           MME (or purged there), else ATTACHED_REACHABLE_FOR_PAGING
 *   MSISDN                  the subscription's MSISDNs and those of its S6a subscribers
 */
#include "sh_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void add_msisdn(struct hss_ims_sh_data *d, const char *m)
{
	if (!m || !m[0] || d->n_msisdns >= HSS_IMS_MAX_MSISDNS)
		return;
	for (size_t i = 0; i < d->n_msisdns; i++)
		if (!strcmp(d->msisdns[i], m))
			return;
	snprintf(d->msisdns[d->n_msisdns++], sizeof(d->msisdns[0]), "%s", m);
}

/* The S6a subscriber (read once). ENOENT: none linked or unknown. */
static int s6a_get(const struct sh_user *u, const char *imsi, struct hss_sub *s, bool *have)
{
	int rc;

	if (*have)
		return 0;
	if (!imsi || !imsi[0])
		return ENOENT;
	if ((rc = hss_db_get_sub(sh_g.db, imsi, s)))
		return rc;
	(void)u;
	*have = true;
	return 0;
}

static int eps(const struct sh_in *in, const struct hss_sub *s, bool location,
               struct hss_ims_sh_data *d)
{
	const struct hss_serving *sv = &s->serving;
	bool ps = in->requested_domain == 1 || (in->requested_domain < 0 && in->nodes_sent);
	bool mme = !in->nodes_sent || (in->requested_nodes & SH_NODE_MME);
	bool attached = sv->mme_host[0] && !sv->mme_purged;
	int64_t now = (int64_t)time(NULL);

	if (!ps || !mme)
		return 0;   /* CS, or SGSN only: nothing kept here */
	if (!location) {
		d->eps_user_state = attached ? HSS_IMS_PS_ATTACHED_REACHABLE : HSS_IMS_PS_DETACHED;
		return 0;
	}
	if (!attached)
		return 0;
	d->eps_location.present = true;
	if (hss_ims_set_str(&d->eps_location.mme_name, sv->mme_host))
		return ENOMEM;
	if (in->serving_node_only)
		return 0;   /* Serving-Node-Indication: the node, not where the UE is */
	if (sv->mme_ulr_time > 0 && now >= sv->mme_ulr_time)
		d->eps_location.age = (now - sv->mme_ulr_time) / 60 > 32767 ? 32767
		                    : (int32_t)((now - sv->mme_ulr_time) / 60);
	if (sv->last_rat_type >= 0)
		d->eps_location.rat_type = sv->last_rat_type;
	return 0;
}

static int repo(const struct sh_in *in, const struct sh_user *u, struct hss_ims_sh_data *d)
{
	char key[SH_ID_LEN], si[HSS_IMS_TEXT_MAX / 16 + 1];
	int rc;

	if ((rc = hss_imsdb_impu_key(u->ref->sub, u->impu, key, sizeof(key))))
		return rc;
	for (size_t i = 0; i < in->n_si; i++) {
		struct hss_imsdb_repo r;

		/* stored ones came from XML text: one with a NUL cannot be there */
		if (memchr(in->si[i], 0, in->si_len[i]))
			continue;
		rc = hss_imsdb_repo_get(sh_g.store, key, in->si[i], in->si_len[i], &r);
		if (rc == ENOENT)
			continue;   /* nothing stored: the AS creates it with SequenceNumber 0 */
		if (rc)
			return rc;
		memcpy(si, in->si[i], in->si_len[i]);
		si[in->si_len[i]] = '\0';
		rc = hss_ims_sh_add_repo(d, si, r.seq, r.data, r.len);
		hss_imsdb_repo_free(&r);
		if (rc)
			return rc;
	}
	return 0;
}

int sh_build_data(const struct sh_in *in, const struct sh_user *u, const struct hss_cfg *cfg,
                  char **ret_xml, size_t *ret_len, struct hss_res *res)
{
	const struct hss_ims_sub *sub = u->ref->sub;
	struct hss_imsdb_shctx *c = NULL;
	struct hss_imsdb_state st;
	struct hss_ims_sh_data d;
	struct hss_sub *s6a = NULL;
	bool have_s6a = false;
	char err[256];
	int rc = 0;

	(void)cfg;
	hss_ims_sh_data_init(&d);
	hss_imsdb_state_init(&st);
	if (!(c = malloc(sizeof(*c))) || !(s6a = malloc(sizeof(*s6a)))) {
		rc = ENOMEM;
		goto fail;
	}
	c->sub = NULL;
	for (size_t i = 0; !rc && i < in->n_drefs; i++) {
		uint32_t dref = in->drefs[i];
		struct hss_imsdb_shsel sel = { dref, in->identity_sets, in->server_name,
			in->tag_ptrs, in->n_tags };

		switch (dref) {
		case HSS_IMS_DREF_REPOSITORY_DATA:
			rc = repo(in, u, &d);
			break;
		case HSS_IMS_DREF_LOCATION_INFORMATION:
		case HSS_IMS_DREF_USER_STATE:
			rc = s6a_get(u, u->imsi, s6a, &have_s6a);
			if (rc == ENOENT)
				rc = 0;   /* an IMS-only user: nothing the HSS knows of EPS */
			else if (!rc)
				rc = eps(in, s6a, dref == HSS_IMS_DREF_LOCATION_INFORMATION, &d);
			break;
		case HSS_IMS_DREF_MSISDN:
			for (size_t k = 0; k < sub->n_msisdns; k++)
				add_msisdn(&d, sub->msisdns[k]);
			/* every S6a subscriber of the subscription */
			for (size_t k = 0; k < sub->n_impis; k++) {
				bool have = false;
				if (!sub->impis[k].imsi[0] || s6a_get(u, sub->impis[k].imsi, s6a, &have))
					continue;
				add_msisdn(&d, s6a->msisdn);
				add_msisdn(&d, s6a->a_msisdn);
				have_s6a = false;
			}
			break;
		default:
			if (!c->sub) {
				if ((rc = hss_imsdb_state_get(sh_g.store, sub->id, &st)))
					break;
				hss_imsdb_shctx_init(c, sub, &st, 0);
			}
			rc = hss_imsdb_sh_fill(c, u->impu, &sel, &d);
			if (rc == ENOENT) {
				/* a DSAI tag the AS does not have (TS 29.328 6.1.1.1) */
				hss_res_set(res, SH_ERROR_DSAI_NOT_AVAILABLE, true);
				rc = EINVAL;
				goto out;
			}
			if (rc == ENOTSUP)
				rc = 0;   /* data this HSS does not hold: the permissions keep it out */
			break;
		}
	}
	if (rc)
		goto fail;
	if ((rc = hss_ims_sh_build(&d, ret_xml, ret_len, err, sizeof(err)))) {
		LOG_E("hss: Sh: cannot build the Sh-Data of '%s': %s", sub->id, err);
		goto fail;
	}
	goto out;
fail:
	if (rc == ENOMEM || rc == EINVAL || rc == E2BIG)
		hss_res_set(res, HSS_RC_UNABLE_TO_COMPLY, false);
	else
		sh_store_result(rc == ENOENT ? EIO : rc, "Sh data read", res);
	rc = EINVAL;
out:
	if (s6a)
		explicit_bzero(s6a, sizeof(*s6a));
	free(s6a);
	free(c);
	hss_imsdb_state_free(&st);
	hss_ims_sh_data_free(&d);
	return rc;
}

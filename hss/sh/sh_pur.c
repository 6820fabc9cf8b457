/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sh_pur.c: Profile-Update-Request (TS 29.328 6.1.2 Sh-Update, TS 29.329 6.1.3), an
 * application server updating what it may: repository data, PSI activation, DSAI. In the
 * order of TS 29.328 6.1.2.1, the first failure answering:
 *   - the AS permission list (`update` Data-References, `service_indications` for the
 *     repository data in the document): 5103 USER_DATA_CANNOT_BE_MODIFIED;
 *   - the user: 5001 USER_UNKNOWN;
 *   - the User-Data: over sh.max_user_data or a parser limit (sh.max_service_data per
 *     ServiceData, depth, elements, 32 RepositoryData) 5008 TOO_MUCH_DATA; not Sh-Data, or
 *     not what the Data-References name, 5100 USER_DATA_NOT_RECOGNIZED; data the HSS owns
 *     (identities, iFCs, states...) 5103;
 *   - PSI activation of an identity that is not a PSI, data an MSISDN cannot name: 5101
 *     OPERATION_NOT_ALLOWED; a DSAI-Tag the identity does not have: 5108;
 *   - repository data: the sequence rule (hss_imsdb_repo_update: create with 0, then each
 *     update the successor, 65535 followed by 1; ServiceData absent deletes) else 5105
 *     TRANSPARENT_DATA_OUT_OF_SYNC (with the failing Repository-Data-ID when the AS supports
 *     Update-Eff-Enhance); a new service indication beyond sh.max_repository_data per
 *     identity: 5008.
 * Each kind is one database transaction (repository data all at once; PSI activation and DSAI
 * with the profile, retried when another writer got there first), and queues the
 * notifications of the other application servers subscribed to what changed. A PUR that
 * carries both kinds applies the profile part first.
 */
#include "sh_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct pur_out {
	bool out_of_sync;
	struct hss_imsdb_repo_upd failed;   /* the repository data that was out of sync */
	int64_t stored;
};

static bool has_dref(const struct sh_in *in, uint32_t d)
{
	for (size_t i = 0; i < in->n_drefs; i++)
		if (in->drefs[i] == d)
			return true;
	return false;
}

static int count_cb(const struct hss_imsdb_repo *r, void *arg)
{
	(void)r;
	(*(size_t *)arg)++;
	return 0;
}

/* PSI activation and DSAI: a new profile, stored only over the version read. */
static int pur_profile(const struct sh_in *in, struct sh_user *u, const struct hss_ims_sh_data *d,
                       struct hss_res *res)
{
	int rc = ECANCELED;

	for (int attempt = 0; rc == ECANCELED && attempt < 5; attempt++) {
		struct hss_ims_sub copy;
		struct hss_ims_impu *x;

		if (attempt) {
			/* another writer stored the profile meanwhile: read it again */
			struct hss_imsdb_sub *ref = NULL;
			if ((rc = hss_imsdb_get(sh_g.store, u->ref->sub->id, &ref))) {
				sh_store_result(rc, "Sh profile read", res);
				return EINVAL;
			}
			hss_imsdb_sub_release(u->ref);
			u->ref = ref;
			if (u->impu >= ref->sub->n_impus) {
				hss_res_set(res, SH_ERROR_USER_UNKNOWN, true);
				return EINVAL;
			}
		}
		if ((rc = hss_ims_sub_copy(u->ref->sub, &copy))) {
			hss_res_set(res, HSS_RC_UNABLE_TO_COMPLY, false);
			return EINVAL;
		}
		x = &copy.impus[u->impu];
		if (d->psi_activation >= 0)
			x->psi_active = d->psi_activation == 1;
		for (size_t t = 0; t < d->n_dsai; t++) {
			bool found = false;
			for (size_t k = 0; k < x->n_dsai; k++)
				if (!strcmp(x->dsai[k].tag, d->dsai[t].tag)) {
					x->dsai[k].active = d->dsai[t].active;
					found = true;
				}
			if (!found) {
				hss_ims_sub_free(&copy);
				hss_res_set(res, SH_ERROR_DSAI_NOT_AVAILABLE, true);
				return EINVAL;
			}
		}
		rc = hss_imsdb_put_ex(sh_g.store, &copy, 0, u->ref->version, in->origin_host, NULL);
		hss_ims_sub_free(&copy);
	}
	if (rc) {
		sh_store_result(rc == ECANCELED ? ETIMEDOUT : rc, "Sh profile update", res);
		return EINVAL;
	}
	hss_db_ok();
	return 0;
}

static int pur_repo(const struct sh_in *in, const struct sh_user *u, const struct hss_cfg *cfg,
                    const struct hss_ims_sh_data *d, struct pur_out *o, struct hss_res *res)
{
	struct hss_imsdb_repo_upd *up = calloc(d->n_repo ? d->n_repo : 1, sizeof(*up));
	char key[SH_ID_LEN];
	size_t stored = 0, created = 0, failed = 0;
	int64_t stored_seq = -1;
	int rc;

	if (!up) {
		hss_res_set(res, HSS_RC_UNABLE_TO_COMPLY, false);
		return EINVAL;
	}
	for (size_t i = 0; i < d->n_repo; i++) {
		up[i].si = (const uint8_t *)d->repo[i].service_indication;
		up[i].si_len = strlen(d->repo[i].service_indication);
		up[i].seq = d->repo[i].seq;
		up[i].data = d->repo[i].service_data;
		up[i].len = d->repo[i].service_data_len;
		created += up[i].seq == 0 && up[i].data;
	}
	/* a bound on what one identity keeps: new service indications beyond it are refused */
	if (created) {
		rc = hss_imsdb_impu_key(u->ref->sub, u->impu, key, sizeof(key));
		if (!rc)
			rc = hss_imsdb_repo_list(sh_g.store, key, count_cb, &stored);
		if (rc) {
			sh_store_result(rc == ENOENT ? EIO : rc, "Sh repository data count", res);
			goto out;
		}
		if (stored + created > cfg->sh.max_repository_data) {
			hss_res_set(res, SH_ERROR_TOO_MUCH_DATA, true);
			rc = EINVAL;
			goto out;
		}
	}
	rc = hss_imsdb_repo_update(sh_g.store, u->ref->sub->id, u->impu, up, d->n_repo, 0,
	                           in->origin_host, &failed, &stored_seq);
	if (rc == ECANCELED) {
		hss_res_set(res, SH_ERROR_TRANSPARENT_DATA_OUT_OF_SYNC, true);
		o->out_of_sync = true;
		o->failed = up[failed < d->n_repo ? failed : 0];
		o->stored = stored_seq;
		rc = EINVAL;
	} else if (rc) {
		sh_store_result(rc == ENOENT ? ENOENT : rc, "Sh repository data update", res);
		rc = EINVAL;
	} else {
		hss_db_ok();
	}
out:
	free(up);
	return rc;
}

static void pur_process(struct msg *req, const struct sh_in *in, const struct hss_cfg *cfg,
                        struct hss_res *res, struct avp **body)
{
	const struct hss_sh_as *as = hss_sh_as_find(&cfg->sh, in->origin_host);
	struct hss_ims_xml_limits lim = { 0 };
	struct avp *ud = cm_avp_find(req, "User-Data-29.329");
	union avp_value *v = cm_avp_value(ud);
	enum hss_ims_sh_error kind = HSS_IMS_SH_OK;
	struct hss_ims_sh_data d;
	struct sh_user u = { 0 };
	struct pur_out o = { 0 };
	char err[256];
	bool psi_dsai;
	int rc;

	hss_ims_sh_data_init(&d);
	if (!ud || !v) {
		hss_res_set(res, HSS_RC_MISSING_AVP, false);
		res->missing = "User-Data-29.329";
		return;
	}
	/* 1. the AS permission list */
	for (size_t i = 0; i < in->n_drefs; i++)
		if (!as || in->drefs[i] > 31 || !(as->update & (1u << in->drefs[i]))) {
			hss_res_set(res, SH_ERROR_USER_DATA_CANNOT_BE_MODIFIED, true);
			return;
		}
	/* 2. the user */
	if (sh_find_user(in, &u, res))
		return;
	/* 3. the document */
	if (v->os.len > cfg->sh.max_user_data) {
		hss_res_set(res, SH_ERROR_TOO_MUCH_DATA, true);
		goto out;
	}
	lim.max_bytes = cfg->sh.max_user_data;
	lim.max_service_data = cfg->sh.max_service_data;
	if ((rc = hss_ims_sh_parse((const char *)v->os.data, v->os.len, HSS_IMS_SH_PUR, &lim, &d,
	                           &kind, err, sizeof(err)))) {
		fd_log_debug("hss: Sh: PUR from %s refused: %s", in->origin_host, err);
		hss_res_set(res, kind == HSS_IMS_SH_TOO_MUCH_DATA ? SH_ERROR_TOO_MUCH_DATA
		               : kind == HSS_IMS_SH_NOT_MODIFIABLE ? SH_ERROR_USER_DATA_CANNOT_BE_MODIFIED
		               : kind == HSS_IMS_SH_NOT_RECOGNIZED ? SH_ERROR_USER_DATA_NOT_RECOGNIZED
		               : HSS_RC_UNABLE_TO_COMPLY, kind != HSS_IMS_SH_OK);
		goto out;
	}
	/* what the document holds is what the Data-References name, and no more */
	if (!d.n_repo != !has_dref(in, HSS_IMS_DREF_REPOSITORY_DATA) ||
	    (d.psi_activation >= 0) != has_dref(in, HSS_IMS_DREF_PSI_ACTIVATION) ||
	    !d.n_dsai != !has_dref(in, HSS_IMS_DREF_DSAI)) {
		fd_log_debug("hss: Sh: PUR from %s: User-Data does not match its Data-References",
		             in->origin_host);
		hss_res_set(res, SH_ERROR_USER_DATA_NOT_RECOGNIZED, true);
		goto out;
	}
	for (size_t i = 0; i < d.n_repo; i++)
		if (!hss_sh_as_si_allowed(as, (const uint8_t *)d.repo[i].service_indication,
		                          strlen(d.repo[i].service_indication))) {
			hss_res_set(res, SH_ERROR_USER_DATA_CANNOT_BE_MODIFIED, true);
			goto out;
		}
	/* 4. the kind of identity */
	for (size_t i = 0; i < in->n_drefs; i++)
		if (!sh_dref_applies(&u, in->drefs[i])) {
			hss_res_set(res, SH_ERROR_OPERATION_NOT_ALLOWED, true);
			goto out;
		}
	/* 5. the changes */
	psi_dsai = d.psi_activation >= 0 || d.n_dsai;
	if (psi_dsai && pur_profile(in, &u, &d, res))
		goto out;
	if (d.n_repo && pur_repo(in, &u, cfg, &d, &o, res)) {
		if (o.out_of_sync && (in->features & SH_FEATURE_UPDATE_EFF_ENHANCE)) {
			struct avp *g = NULL;
			if (!hss_avp_new("Repository-Data-ID", &g) &&
			    !cm_avp_add_os(g, "Service-Indication", o.failed.si, o.failed.si_len) &&
			    !cm_avp_add_u32(g, "Sequence-Number", o.stored < 0 ? 0 : (uint32_t)o.stored))
				body[1] = g;
			else if (g)
				fd_msg_free(g);
			body[2] = sh_avp_u32("Data-Reference", HSS_IMS_DREF_REPOSITORY_DATA);
		}
		goto out;
	}
	hss_res_set(res, HSS_RC_SUCCESS, false);
	body[0] = sh_avp_wildcard(&u);
	sh_pnr_wake();
out:
	hss_ims_sh_data_free(&d);
	sh_user_release(&u);
}

int sh_pur_cb(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
              enum disp_action *act)
{
	struct hss_res res = { .code = HSS_RC_UNABLE_TO_COMPLY };
	struct avp *body[4] = { NULL };
	struct hss_snap *snap = hss_snap_get();
	struct sh_in *in = calloc(1, sizeof(*in));
	int rc;

	(void)avp, (void)sess, (void)opaque;
	atomic_fetch_add_explicit(&hss_stats.cmd[HSS_CMD_SH_PUR].requests, 1, memory_order_relaxed);
	if (!snap || !in)
		goto answer;
	if (sh_read_request(*msg, 0, in, &res))
		goto answer;
	body[3] = sh_avp_features(in);
	pur_process(*msg, in, &snap->cfg, &res, body);
answer:
	*act = DISP_ACT_CONT;
	rc = sh_answer(msg, HSS_CMD_SH_PUR, &res, body, 4);
	free(in);
	hss_snap_unref(snap);
	return rc;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sh_snr.c: Subscribe-Notifications-Request (TS 29.328 6.1.3 Sh-Subs-Notif, TS 29.329 6.1.5),
 * an application server subscribing to (or unsubscribing from) notifications of changes of
 * data of a user. In the order of TS 29.328 6.1.3.1, the first failure answering:
 *   - malformed: 5005 for Service-Indication (RepositoryData) or Server-Name
 *     (InitialFilterCriteria, DSAI) missing, 5004 for a Subs-Req-Type or Expiry-Time that
 *     cannot be (an expiry already past);
 *   - the AS permission list (`subscribe`, `service_indications`): 5104
 *     USER_DATA_CANNOT_BE_NOTIFIED;
 *   - the user: 5001; the kind of identity: 5101; a DSAI-Tag it does not have: 5108;
 *   - unsubscribing from nothing: 5106 SUBS_DATA_ABSENT;
 *   - more than sh.max_subscriptions for the identity and AS: 5012 UNABLE_TO_COMPLY.
 * A subscription is stored in the database per (identity, AS, Data-Reference,
 * Service-Indication): one per service indication asked, replacing the one there was. Its
 * expiry: the one asked, shortened to sh.max_expiry_s ahead when that is set (and then also
 * given to one that asked for none); the SNA carries the expiry granted, none for an
 * unlimited subscription. With Send-Data-Indication the SNA carries the data subscribed to
 * (as a UDR would read it); with One-Time-Notification the subscription ends with its first
 * notification.
 */
#include "sh_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NTP_UNIX_OFFSET 2208988800LL   /* seconds from 1900 to 1970 */

static int64_t ntp_to_unix(const uint8_t *p)
{
	uint64_t ntp = ((uint64_t)p[0] << 24) | ((uint64_t)p[1] << 16) | ((uint64_t)p[2] << 8) | p[3];

	/* RFC 5905 eras: values below 1968-01-20 (bit 0 clear) are after 2036 */
	if (!(ntp & 0x80000000u))
		ntp += 1ull << 32;
	return (int64_t)ntp - NTP_UNIX_OFFSET;
}

static struct avp *expiry_avp(int64_t unix_s)
{
	uint64_t ntp = (uint64_t)(unix_s + NTP_UNIX_OFFSET);
	uint8_t b[4] = { (uint8_t)(ntp >> 24), (uint8_t)(ntp >> 16), (uint8_t)(ntp >> 8),
		(uint8_t)ntp };

	return sh_avp_os("Expiry-Time", b, 4);
}

struct snr_req {
	int32_t type;                /* Subs-Req-Type: 0 SUBSCRIBE, 1 UNSUBSCRIBE */
	int64_t expiry;              /* asked (unix seconds), 0: none */
	bool send_data, one_time;
};

static int snr_read(struct msg *req, struct snr_req *r, struct hss_res *res)
{
	struct avp *a;
	union avp_value *v;
	int32_t x = 0;
	bool present = false;

	memset(r, 0, sizeof(*r));
	if (hss_req_i32(req, "Subs-Req-Type", true, &r->type, NULL, res))
		return EINVAL;
	if (r->type != 0 && r->type != 1) {
		hss_res_set(res, HSS_RC_INVALID_AVP_VALUE, false);
		res->failed = cm_avp_find(req, "Subs-Req-Type");
		return EINVAL;
	}
	if ((a = cm_avp_find(req, "Expiry-Time"))) {
		v = cm_avp_value(a);
		if (!v || v->os.len != 4 || (r->expiry = ntp_to_unix(v->os.data)) <= (int64_t)time(NULL)) {
			/* not a Time, or already past: no subscription can have it */
			hss_res_set(res, HSS_RC_INVALID_AVP_VALUE, false);
			res->failed = a;
			return EINVAL;
		}
	}
	if (hss_req_i32(req, "Send-Data-Indication", false, &x, &present, res))
		return EINVAL;
	r->send_data = present && x == 1;
	r->one_time = cm_avp_find(req, "One-Time-Notification") != NULL;
	return 0;
}

static bool has_tags(const struct sh_user *u, const struct sh_in *in)
{
	const struct hss_ims_impu *x = sh_user_impu(u);

	for (size_t t = 0; t < in->n_tags; t++) {
		bool found = false;
		for (size_t k = 0; k < x->n_dsai; k++)
			found |= !strcmp(x->dsai[k].tag, in->tags[t]) && x->dsai[k].as_name &&
			         hss_ims_identity_eq(x->dsai[k].as_name, in->server_name);
		if (!found)
			return false;
	}
	return true;
}

struct count_ctx {
	const struct sh_in *in;
	size_t n;
};

/* The AS's other subscriptions on the identity (those this SNR replaces not counted). */
static int count_cb(const struct hss_imsdb_shsub *x, void *arg)
{
	struct count_ctx *c = arg;

	if (strcasecmp(x->as_host, c->in->origin_host))
		return 0;
	for (size_t i = 0; i < c->in->n_drefs; i++) {
		if (c->in->drefs[i] != x->data_ref)
			continue;
		if (x->data_ref != HSS_IMS_DREF_REPOSITORY_DATA)
			return 0;
		for (size_t k = 0; k < c->in->n_si; k++)
			if (x->si_len == c->in->si_len[k] && !memcmp(x->si, c->in->si[k], x->si_len))
				return 0;
	}
	c->n++;
	return 0;
}

/* The subscriptions of in for u, one per Data-Reference (and Service-Indication). */
static int snr_each(const struct sh_in *in, const struct sh_user *u, const struct snr_req *r,
                    int64_t expiry, bool subscribe, size_t *ret_done, struct hss_res *res)
{
	char key[SH_ID_LEN], impu[SH_ID_LEN + 8];
	int rc = 0;

	*ret_done = 0;
	if ((rc = hss_imsdb_impu_key(u->ref->sub, u->impu, key, sizeof(key)))) {
		sh_store_result(EIO, "Sh subscription key", res);
		return EINVAL;
	}
	if (u->msisdn[0])
		snprintf(impu, sizeof(impu), "msisdn:%s", u->msisdn);
	else
		snprintf(impu, sizeof(impu), "%s", u->asked);
	for (size_t i = 0; i < in->n_drefs; i++) {
		bool repo = in->drefs[i] == HSS_IMS_DREF_REPOSITORY_DATA;

		for (size_t k = 0; k < (repo ? in->n_si : 1); k++) {
			struct hss_imsdb_shsub x = { 0 };

			x.impu_key = key;
			x.as_host = (char *)in->origin_host;
			x.as_realm = (char *)in->origin_realm;
			x.data_ref = in->drefs[i];
			x.si = repo ? (uint8_t *)in->si[k] : NULL;
			x.si_len = repo ? in->si_len[k] : 0;
			x.server_name = in->server_name[0] ? (char *)in->server_name : NULL;
			x.dsai_tags = in->drefs[i] == HSS_IMS_DREF_DSAI ? (char **)in->tag_ptrs : NULL;
			x.n_dsai_tags = in->drefs[i] == HSS_IMS_DREF_DSAI ? in->n_tags : 0;
			x.identity_sets = in->identity_sets;
			x.expiry = expiry;
			x.send_data = r->send_data;
			x.impu = impu;
			x.one_time = r->one_time;
			rc = subscribe ? hss_imsdb_shsub_put(sh_g.store, &x) : hss_imsdb_shsub_del(sh_g.store, &x);
			if (rc == ENOENT && !subscribe)
				continue;
			if (rc) {
				sh_store_result(rc == ENOENT || rc == EINVAL ? EIO : rc, "Sh subscription", res);
				return EINVAL;
			}
			(*ret_done)++;
		}
	}
	return 0;
}

static void snr_process(struct msg *req, const struct sh_in *in, const struct hss_cfg *cfg,
                        struct hss_res *res, struct avp **body)
{
	const struct hss_sh_as *as = hss_sh_as_find(&cfg->sh, in->origin_host);
	struct sh_user u = { 0 };
	struct snr_req r;
	int64_t now = (int64_t)time(NULL), expiry;
	size_t done = 0, existing = 0;
	char *xml = NULL;
	size_t len = 0;

	if (snr_read(req, &r, res))
		return;
	for (size_t i = 0; i < in->n_drefs; i++) {
		uint32_t d = in->drefs[i];

		if (d == HSS_IMS_DREF_REPOSITORY_DATA && !in->n_si) {
			hss_res_set(res, HSS_RC_MISSING_AVP, false);
			res->missing = "Service-Indication";
			return;
		}
		if ((d == HSS_IMS_DREF_INITIAL_FILTER_CRITERIA || d == HSS_IMS_DREF_DSAI) &&
		    !in->server_name[0]) {
			hss_res_set(res, HSS_RC_MISSING_AVP, false);
			res->missing = "Server-Name";
			return;
		}
	}
	/* 1. the AS permission list */
	for (size_t i = 0; i < in->n_drefs; i++)
		if (!as || in->drefs[i] > 31 || !(as->subscribe & (1u << in->drefs[i]))) {
			hss_res_set(res, SH_ERROR_USER_DATA_CANNOT_BE_NOTIFIED, true);
			return;
		}
	for (size_t i = 0; i < in->n_si; i++)
		if (!hss_sh_as_si_allowed(as, in->si[i], in->si_len[i])) {
			hss_res_set(res, SH_ERROR_USER_DATA_CANNOT_BE_NOTIFIED, true);
			return;
		}
	/* 2. the user, 3. the kind of identity */
	if (sh_find_user(in, &u, res))
		return;
	for (size_t i = 0; i < in->n_drefs; i++)
		if (!sh_dref_applies(&u, in->drefs[i])) {
			hss_res_set(res, SH_ERROR_OPERATION_NOT_ALLOWED, true);
			goto out;
		}
	for (size_t i = 0; r.type == 0 && i < in->n_drefs; i++)
		if (in->drefs[i] == HSS_IMS_DREF_DSAI && !has_tags(&u, in)) {
			hss_res_set(res, SH_ERROR_DSAI_NOT_AVAILABLE, true);
			goto out;
		}
	if (r.type == 1) {
		/* 4. unsubscribe: what there is of it */
		if (snr_each(in, &u, &r, 0, false, &done, res))
			goto out;
		if (!done) {
			hss_res_set(res, SH_ERROR_SUBS_DATA_ABSENT, true);
			goto out;
		}
		hss_res_set(res, HSS_RC_SUCCESS, false);
		body[0] = sh_avp_wildcard(&u);
		goto out;
	}
	/* 4. subscribe: bounded per identity and AS */
	{
		char key[SH_ID_LEN];
		struct count_ctx c = { in, 0 };
		if (!hss_imsdb_impu_key(u.ref->sub, u.impu, key, sizeof(key)))
			hss_imsdb_shsub_list(sh_g.store, key, UINT32_MAX, 0, count_cb, &c);
		existing = c.n;
	}
	for (size_t i = 0; i < in->n_drefs; i++)
		done += in->drefs[i] == HSS_IMS_DREF_REPOSITORY_DATA ? in->n_si : 1;
	if (existing + done > cfg->sh.max_subscriptions) {
		LOG_N("hss: Sh: SNR from %s for %s refused: sh.max_subscriptions (%u) reached",
		      in->origin_host, u.ref->sub->id, cfg->sh.max_subscriptions);
		hss_res_set(res, HSS_RC_UNABLE_TO_COMPLY, false);
		goto out;
	}
	expiry = r.expiry;
	if (cfg->sh.max_expiry_s && (!expiry || expiry > now + cfg->sh.max_expiry_s))
		expiry = now + cfg->sh.max_expiry_s;
	if (r.send_data && sh_build_data(in, &u, cfg, &xml, &len, res))
		goto out;
	if (snr_each(in, &u, &r, expiry, true, &done, res))
		goto out;
	hss_db_ok();
	hss_res_set(res, HSS_RC_SUCCESS, false);
	body[0] = sh_avp_wildcard(&u);
	if (xml && !(body[2] = sh_avp_os("User-Data-29.329", xml, len)))
		hss_res_set(res, HSS_RC_UNABLE_TO_COMPLY, false);
	if (expiry)
		body[3] = expiry_avp(expiry);
out:
	free(xml);
	sh_user_release(&u);
}

int sh_snr_cb(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
              enum disp_action *act)
{
	struct hss_res res = { .code = HSS_RC_UNABLE_TO_COMPLY };
	struct avp *body[4] = { NULL };
	struct hss_snap *snap = hss_snap_get();
	struct sh_in *in = calloc(1, sizeof(*in));
	int rc;

	(void)avp, (void)sess, (void)opaque;
	atomic_fetch_add_explicit(&hss_stats.cmd[HSS_CMD_SNR].requests, 1, memory_order_relaxed);
	if (!snap || !in)
		goto answer;
	if (sh_read_request(*msg, SH_READ_SELECTORS, in, &res))
		goto answer;
	body[1] = sh_avp_features(in);
	snr_process(*msg, in, &snap->cfg, &res, body);
answer:
	*act = DISP_ACT_CONT;
	rc = sh_answer(msg, HSS_CMD_SNR, &res, body, 4);
	free(in);
	hss_snap_unref(snap);
	return rc;
}

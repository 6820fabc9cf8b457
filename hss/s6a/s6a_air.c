/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * s6a_air.c: Authentication-Information-Request (TS 29.272 5.2.3.1). Vectors are made on the
 * fly: all the SQNs of one answer come from ONE database reservation (atomic across threads
 * and processes), re-synchronisation checks AUTS before moving the stored SQN, and E-UTRAN
 * vectors bind KASME to the serving network of Visited-PLMN-Id.
 */
#include "hss_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* One Requested-*-Authentication-Info group, read. */
struct air_req {
	bool present;
	unsigned n;                  /* vectors to make (after the cap) */
	struct avp *resync;          /* Re-Synchronization-Info, or NULL */
};

struct air_ctx {
	char imsi[16];
	uint8_t plmn[3];
	char mccmnc[7];
	struct air_req eutran, ug;
	bool triplets;               /* answer UTRAN/GERAN with GERAN-Vector */
	const struct hss_cfg *cfg;   /* of snap */
	struct hss_snap *snap;       /* the snapshot this request holds */
	struct msg *req;             /* taken from freeDiameter: air_end answers it */
	bool async;                  /* answered from the database writer (hss_async_hold) */
	unsigned n;                  /* SQNs asked for */
	uint64_t sqn_ms;             /* re-synchronisation: SQN_MS from AUTS */
	struct hss_auth_data ad;     /* the reservation */
};

static int air_read_group(const struct air_ctx *c, struct msg *req, const char *name,
                          struct air_req *out, struct hss_res *res)
{
	struct avp *g = cm_avp_find(req, name);
	uint32_t n = 1, max;
	bool present = false;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!g)
		return 0;
	out->present = true;
	if ((rc = hss_req_u32(g, "Number-Of-Requested-Vectors", false, &n, &present, res)))
		return rc;
	if (!present || n == 0)
		n = 1;
	max = c->cfg->max_vectors;
	out->n = n > max ? max : n;
	if ((out->resync = cm_avp_find(g, "Re-Synchronization-Info"))) {
		union avp_value *v = cm_avp_value(out->resync);
		/* RAND (16) || AUTS (14), TS 29.272 7.3.15 */
		if (!v || v->os.len != HSS_AUTH_RAND_LEN + HSS_AUTH_AUTS_LEN) {
			hss_res_set(res, HSS_RC_INVALID_AVP_VALUE, false);
			res->failed = out->resync;
			return EINVAL;
		}
	}
	return 0;
}

static int air_item(struct avp *parent, const char *kind, unsigned item, struct avp **ret)
{
	int rc = cm_avp_add_group(parent, kind, ret);

	return rc ? rc : cm_avp_add_u32(*ret, "Item-Number", item);
}

/* Authentication-Info with every vector; SQNs are ad->sqn[0..], E-UTRAN ones first. */
static int air_build(const struct air_ctx *c, const struct hss_auth_data *ad,
                     const struct hss_auth_keys *keys, struct avp **ret)
{
	struct avp *info = NULL, *v = NULL;
	struct hss_eutran_vector e;
	struct hss_utran_vector u;
	struct hss_geran_vector g;
	uint8_t sqn[6];
	unsigned i, k = 0;
	int rc;

	if ((rc = hss_avp_new("Authentication-Info", &info)))
		return rc;
	for (i = 0; i < c->eutran.n; i++, k++) {
		hss_sqn_to_bytes(ad->sqn[k], sqn);
		if ((rc = hss_gen_eutran_vector(keys, sqn, c->plmn, NULL, &e)) ||
		    (rc = air_item(info, "E-UTRAN-Vector", i + 1, &v)) ||
		    (rc = cm_avp_add_os(v, "RAND", e.rand, sizeof(e.rand))) ||
		    (rc = cm_avp_add_os(v, "XRES", e.xres, e.xres_len)) ||
		    (rc = cm_avp_add_os(v, "AUTN", e.autn, sizeof(e.autn))) ||
		    (rc = cm_avp_add_os(v, "KASME", e.kasme, sizeof(e.kasme))))
			goto out;
		explicit_bzero(&e, sizeof(e));
	}
	for (i = 0; i < c->ug.n; i++, k++) {
		if (c->triplets) {
			if ((rc = hss_gen_geran_vector(keys, NULL, &g)) ||
			    (rc = air_item(info, "GERAN-Vector", i + 1, &v)) ||
			    (rc = cm_avp_add_os(v, "RAND", g.rand, sizeof(g.rand))) ||
			    (rc = cm_avp_add_os(v, "SRES", g.sres, sizeof(g.sres))) ||
			    (rc = cm_avp_add_os(v, "Kc", g.kc, sizeof(g.kc))))
				goto out;
			explicit_bzero(&g, sizeof(g));
		} else {
			hss_sqn_to_bytes(ad->sqn[k], sqn);
			if ((rc = hss_gen_utran_vector(keys, sqn, NULL, &u)) ||
			    (rc = air_item(info, "UTRAN-Vector", i + 1, &v)) ||
			    (rc = cm_avp_add_os(v, "RAND", u.rand, sizeof(u.rand))) ||
			    (rc = cm_avp_add_os(v, "XRES", u.xres, u.xres_len)) ||
			    (rc = cm_avp_add_os(v, "AUTN", u.autn, sizeof(u.autn))) ||
			    (rc = cm_avp_add_os(v, "Confidentiality-Key", u.ck, sizeof(u.ck))) ||
			    (rc = cm_avp_add_os(v, "Integrity-Key", u.ik, sizeof(u.ik))))
				goto out;
			explicit_bzero(&u, sizeof(u));
		}
	}
out:
	/* a vector abandoned half-way would leave CK/IK/KASME/Kc on the stack */
	explicit_bzero(&e, sizeof(e));
	explicit_bzero(&u, sizeof(u));
	explicit_bzero(&g, sizeof(g));
	if (rc) {
		fd_msg_free(info);
		return rc;
	}
	atomic_fetch_add_explicit(&hss_stats.vectors_eutran, c->eutran.n, memory_order_relaxed);
	if (c->triplets)
		atomic_fetch_add_explicit(&hss_stats.vectors_geran, c->ug.n, memory_order_relaxed);
	else
		atomic_fetch_add_explicit(&hss_stats.vectors_utran, c->ug.n, memory_order_relaxed);
	*ret = info;
	return 0;
}

/* Answer, and let the request go. */
static void air_end(struct air_ctx *c, struct hss_res *res, struct avp *body)
{
	struct avp *b[1] = { body };
	bool async = c->async;

	hss_answer_later(&c->req, HSS_CMD_AIR, res, b, 1);
	hss_snap_unref(c->snap);
	explicit_bzero(c, sizeof(*c));   /* K and OP/OPc came with the reservation */
	free(c);
	if (async)
		hss_async_release();
}

/* The reservation is durable (or failed): generate the vectors, answer. */
static void air_reserved(void *arg, int rc)
{
	struct air_ctx *c = arg;
	struct hss_res res = { .code = HSS_RC_UNABLE_TO_COMPLY };
	struct hss_auth_keys keys;
	struct avp *body = NULL;

	memset(&keys, 0, sizeof(keys));
	if (rc == ENODATA) {   /* no APN: no EPS subscription (5.2.3.1.3), nothing reserved */
		hss_res_set(&res, HSS_ER_UNKNOWN_EPS_SUBSCRIPTION, true);
		goto out;
	}
	if (rc) {
		hss_db_result(rc, "SQN reservation", &res);
		goto out;
	}
	hss_db_ok();
	if (c->ad.n < c->n)
		goto out;
	/* The reservation returns the keys it read in its transaction: use those. */
	if ((rc = hss_keys_from_auth(&c->ad, &keys)) || (rc = air_build(c, &c->ad, &keys, &body))) {
		LOG_E("hss: AIR %s: cannot build the vectors: %s", c->imsi, strerror(rc));
		goto out;
	}
	hss_res_set(&res, HSS_RC_SUCCESS, false);
out:
	explicit_bzero(&keys, sizeof(keys));
	air_end(c, &res, body);
}

/* Reserve the SQNs (air_reserved generates and answers once the reservation is durable).
 * Without a read before: the reservation checks the EPS subscription itself. */
static void air_reserve(struct air_ctx *c, bool resync)
{
	int rc;

	if (hss_async()) {
		c->async = true;
		hss_async_hold();
		if (!(rc = hss_db_sqn_reserve_async(hss_g.db, c->imsi, c->n, hss_sqn_next,
		                                    resync ? &c->sqn_ms : NULL, HSS_DB_RESERVE_NEED_APN,
		                                    &c->ad, air_reserved, c)))
			return;
		c->async = false;   /* refused at once: answered here */
		hss_async_release();
	} else if (resync) {
		rc = hss_db_sqn_resync_reserve(hss_g.db, c->imsi, c->sqn_ms, c->n, hss_sqn_next,
		                               &c->ad);
	} else {
		rc = hss_db_sqn_reserve(hss_g.db, c->imsi, c->n, hss_sqn_next, &c->ad);
	}
	air_reserved(c, rc);
}

/* Everything after the request was read: decide, then reserve. Consumes c. */
static void air_process(struct air_ctx *c)
{
	struct hss_res res = { .code = HSS_RC_UNABLE_TO_COMPLY };
	struct hss_sub *sub = NULL;
	struct hss_auth_keys keys;
	struct avp *resync;
	int rc;

	memset(&keys, 0, sizeof(keys));
	c->triplets = c->cfg->geran_triplets;
	resync = c->eutran.resync ? c->eutran.resync : (c->ug.present ? c->ug.resync : NULL);
	/* UTRAN/GERAN vectors this HSS does not make: the E-UTRAN part alone is served */
	if (c->ug.present && !c->cfg->utran_geran_vectors && c->eutran.present) {
		c->ug.present = false;
		c->ug.n = 0;
		resync = c->eutran.resync;
	}
	/* One reservation for every vector of the answer; triplets use no SQN but take one
	 * anyway so the count stays simple (an unused SQN is harmless). */
	c->n = c->eutran.n + c->ug.n;
	/* The usual AIR needs nothing read before its reservation (which checks the EPS
	 * subscription); a re-synchronisation needs the keys first, and a UTRAN/GERAN-only
	 * request this HSS does not serve is 5420 for a known IMSI, 5001 otherwise. */
	if (!resync && c->n && (!c->ug.present || c->cfg->utran_geran_vectors)) {
		air_reserve(c, false);
		return;
	}
	if (!(sub = malloc(sizeof(*sub))))
		goto answer;
	if ((rc = hss_db_get_sub(hss_g.db, c->imsi, sub))) {
		hss_db_result(rc, "read", &res);
		goto answer;
	}
	/* 5.2.3.1.3: a request for a subscriber without EPS subscription (no APN), or a
	 * UTRAN/GERAN one this HSS does not serve: no subscription of that kind. */
	if (!sub->n_apns || (c->ug.present && !c->cfg->utran_geran_vectors)) {
		hss_res_set(&res, HSS_ER_UNKNOWN_EPS_SUBSCRIPTION, true);
		goto answer;
	}
	if (!c->n) {
		hss_res_set(&res, HSS_ER_AUTH_DATA_UNAVAILABLE, true);
		goto answer;
	}
	if (resync) {
		union avp_value *v = cm_avp_value(resync);

		if ((rc = hss_keys_from_sub(sub, &keys)))
			goto answer;
		rc = hss_resync(&keys, v->os.data, v->os.data + HSS_AUTH_RAND_LEN, &c->sqn_ms);
		if (rc == EBADMSG) {
			/* MAC-S wrong: the USIM is not the one we know (or AUTS was corrupted). */
			atomic_fetch_add_explicit(&hss_stats.resync_bad_mac, 1, memory_order_relaxed);
			hss_res_set(&res, HSS_ER_AUTH_DATA_UNAVAILABLE, true);
			goto answer;
		}
		if (rc)
			goto answer;
		atomic_fetch_add_explicit(&hss_stats.resync_ok, 1, memory_order_relaxed);
	}
	explicit_bzero(&keys, sizeof(keys));
	hss_sub_wipe(sub);
	free(sub);
	air_reserve(c, resync != NULL);
	return;
answer:
	explicit_bzero(&keys, sizeof(keys));
	hss_sub_wipe(sub);
	free(sub);
	air_end(c, &res, NULL);
}

int hss_air_cb(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
               enum disp_action *act)
{
	struct hss_res res = { .code = HSS_RC_UNABLE_TO_COMPLY };
	struct air_ctx *c = calloc(1, sizeof(*c));

	atomic_fetch_add_explicit(&hss_stats.cmd[HSS_CMD_AIR].requests, 1, memory_order_relaxed);
	*act = DISP_ACT_CONT;
	if (!c)
		return hss_answer(msg, HSS_CMD_AIR, &res, NULL, 0);
	/* ours from here: air_end answers it, now or from the database writer */
	c->req = *msg;
	*msg = NULL;
	if (!(c->snap = hss_snap_get()))
		goto answer;   /* no configuration installed: 5012 */
	c->cfg = &c->snap->cfg;
	if (hss_req_imsi(c->req, c->imsi, &res) || hss_req_plmn(c->req, c->plmn, c->mccmnc, &res) ||
	    air_read_group(c, c->req, "Requested-EUTRAN-Authentication-Info", &c->eutran, &res) ||
	    air_read_group(c, c->req, "Requested-UTRAN-GERAN-Authentication-Info", &c->ug, &res))
		goto answer;
	if (!c->eutran.present && !c->ug.present) {
		/* Nothing asked for: the one thing an AIR exists to carry is missing. */
		res.code = HSS_RC_MISSING_AVP;
		res.missing = "Requested-EUTRAN-Authentication-Info";
		goto answer;
	}
	air_process(c);
	return 0;
answer:
	air_end(c, &res, NULL);
	return 0;
}

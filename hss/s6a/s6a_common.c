/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * s6a_common.c: what every S6a procedure of the HSS shares: registration of the application
 * and its handlers, the readers that turn a malformed request into 5004/5005 with
 * Failed-AVP instead of a crash, the one-exit answer builder, database error mapping, and
 * the sending of HSS-initiated requests (CLR, IDR, DSR) with answer/timeout counting.
 */
#include "hss_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct hss_ctx hss_g;

static struct {
	struct disp_hdl *hdl[4];
} sc;

/* ---- registration ------------------------------------------------------------------- */

int hss_s6a_init(struct hss_db *db)
{
	static const struct {
		const char *cmd;
		int (*cb)(struct msg **, struct avp *, struct session *, void *, enum disp_action *);
	} handlers[4] = {
		{ "Update-Location-Request", hss_ulr_cb },
		{ "Authentication-Information-Request", hss_air_cb },
		{ "Purge-UE-Request", hss_pur_cb },
		{ "Notify-Request", hss_nor_cb },
	};
	struct disp_when when;
	struct dict_object *vendor = NULL;
	vendor_id_t vid = HSS_VENDOR_3GPP;
	size_t i;
	int rc;

	if (!db)
		return EINVAL;
	hss_g.db = db;
	memset(&when, 0, sizeof(when));
	if (!(when.app = cm_dict_app(HSS_APP_S6A))) {
		LOG_E("hss: the S6a application is not in the dictionary (dict_s6a_load first)");
		return ENOENT;
	}
	if ((rc = fd_dict_search(fd_g_config->cnf_dict, DICT_VENDOR, VENDOR_BY_ID, &vid, &vendor,
	                         ENOENT)))
		return rc;
	if ((rc = fd_disp_app_support(when.app, vendor, 1, 0)))
		return rc;
	for (i = 0; i < 4; i++) {
		if (!(when.command = cm_dict_cmd(handlers[i].cmd))) {
			LOG_E("hss: command '%s' is not in the dictionary", handlers[i].cmd);
			return ENOENT;
		}
		if ((rc = fd_disp_register(handlers[i].cb, DISP_HOW_CC, &when, NULL, &sc.hdl[i])))
			return rc;
	}
	if ((rc = hss_overload_init()) || (rc = hss_peer_policy_init()))
		return rc;
	/* The S6a head on the error answers freeDiameter builds itself (s6a_errors.c). */
	return hss_s6a_errors_init();
}

void hss_s6a_fini(void)
{
	size_t i;

	hss_s6a_errors_fini();
	hss_overload_fini();
	hss_peer_policy_fini();
	for (i = 0; i < 4; i++)
		if (sc.hdl[i])
			fd_disp_unregister(&sc.hdl[i], NULL);
}

/* ---- answers ---------------------------------------------------------------------------- */

/* A copy of a received AVP for Failed-AVP: same model and value (grouped ones are sent
 * empty: the code is what tells the peer which AVP was wrong). */
static int sc_copy_avp(struct avp *src, struct avp **ret)
{
	struct dict_object *model = NULL;
	struct avp_hdr *h = NULL;
	union avp_value *v;
	struct avp *a = NULL;
	int rc;

	if ((rc = fd_msg_model(src, &model)) || !model || (rc = fd_msg_avp_hdr(src, &h)))
		return rc ? rc : ENOENT;
	if ((rc = fd_msg_avp_new(model, 0, &a)))
		return rc;
	v = cm_avp_value(src);
	if (v && (rc = fd_msg_avp_setvalue(a, v))) {
		fd_msg_free(a);
		return rc;
	}
	*ret = a;
	return 0;
}

/* For a missing AVP: its code and vendor with a zero value of the minimum length (RFC 6733
 * 7.5 for DIAMETER_MISSING_AVP). The text and octet AVPs a Cx/Sh
 * request must name something with (Service-Indication, Server-Name, Public-Identity) get one
 * zero octet: an empty value is not their minimum, and decoders flag it ("data is empty"). */
static int sc_missing_avp(const char *name, struct avp **ret)
{
	struct dict_object *model = cm_dict_avp(name);
	struct dict_avp_data d;
	union avp_value v;
	struct avp *a = NULL;
	int rc;

	if (!model || fd_dict_getval(model, &d))
		return ENOENT;
	if ((rc = fd_msg_avp_new(model, 0, &a)))
		return rc;
	memset(&v, 0, sizeof(v));
	if (d.avp_basetype == AVP_TYPE_OCTETSTRING) {
		v.os.data = (uint8_t *)"";
		v.os.len = !strcmp(name, "Service-Indication") || !strcmp(name, "Server-Name") ||
		           !strcmp(name, "Public-Identity");
	}
	if (d.avp_basetype != AVP_TYPE_GROUPED && (rc = fd_msg_avp_setvalue(a, &v))) {
		fd_msg_free(a);
		return rc;
	}
	/* Sh's User-Identity holds one identity: the example holds an (empty) Public-Identity */
	if (d.avp_basetype == AVP_TYPE_GROUPED && !strcmp(name, "User-Identity")) {
		struct avp *pi = NULL;

		if ((rc = sc_missing_avp("Public-Identity", &pi)) ||
		    (rc = fd_msg_avp_add(a, MSG_BRW_LAST_CHILD, pi))) {
			if (pi)
				fd_msg_free(pi);
			fd_msg_free(a);
			return rc;
		}
	}
	*ret = a;
	return 0;
}

static int sc_add_failed(struct msg *ans, const struct hss_res *res)
{
	struct avp *fa = NULL, *inner = NULL;
	int rc;

	if (!res->failed && !res->missing)
		return 0;
	rc = res->failed ? sc_copy_avp(res->failed, &inner) : sc_missing_avp(res->missing, &inner);
	if (rc)
		return 0;   /* the answer is still meaningful without Failed-AVP */
	if ((rc = cm_avp_add_group(ans, "Failed-AVP", &fa)) ||
	    (rc = fd_msg_avp_add(fa, MSG_BRW_LAST_CHILD, inner))) {
		fd_msg_free(inner);
		return rc;
	}
	return 0;
}

int hss_answer(struct msg **req, enum hss_cmd cmd, struct hss_res *res, struct avp **body,
               size_t n_body)
{
	return hss_answer_app(req, HSS_APP_S6A, cmd, res, body, n_body);
}

int hss_answer_app(struct msg **req, uint32_t app, enum hss_cmd cmd, struct hss_res *res,
                   struct avp **body, size_t n_body)
{
	struct msg *ans = *req;
	size_t i = 0;
	int rc;

	if (res->code == HSS_RC_INVALID_AVP_VALUE || res->code == HSS_RC_MISSING_AVP) {
		if (!res->exp)
			atomic_fetch_add_explicit(&hss_stats.malformed, 1, memory_order_relaxed);
	}
	if ((rc = cm_answer_new(&ans, 0)))
		goto fail;
	*req = NULL;
	if ((rc = cm_avp_add_vsai(ans, HSS_VENDOR_3GPP, app)))
		goto fail_ans;
	if (res->exp)
		rc = cm_avp_add_exp_result(ans, HSS_VENDOR_3GPP, res->code);
	else
		rc = cm_avp_add_u32(ans, "Result-Code", res->code);
	if (rc || (rc = cm_avp_add_i32(ans, "Auth-Session-State", 1 /* NO_STATE_MAINTAINED */)) ||
	    (rc = fd_msg_add_origin(ans, 0)))
		goto fail_ans;
	for (; i < n_body; i++) {
		if (!body[i])
			continue;
		if ((rc = fd_msg_avp_add(ans, MSG_BRW_LAST_CHILD, body[i])))
			goto fail_ans;
		body[i] = NULL;
	}
	if ((rc = sc_add_failed(ans, res)))
		goto fail_ans;
	hss_stats_count_res(cmd, res->code, res->exp);
	if ((rc = fd_msg_send(&ans, NULL, NULL))) {
		LOG_E("hss: cannot send the %s answer: %s", hss_cmd_name(cmd), strerror(rc));
		if (ans)
			fd_msg_free(ans);
	}
	return 0;

fail_ans:
	/* A half-built answer is worse than none: the peer times out and retries. */
	LOG_E("hss: cannot build the %s answer: %s", hss_cmd_name(cmd), strerror(rc));
	fd_msg_free(ans);
fail:
	for (; i < n_body; i++)
		if (body[i])
			fd_msg_free(body[i]);
	hss_stats_count(cmd, HSS_RC_UNABLE_TO_COMPLY);
	if (*req) {
		/* Still the request: let freeDiameter answer it with a generic error. */
		return rc;
	}
	return 0;
}

/* ---- request readers -------------------------------------------------------------------- */

static int sc_bad(struct hss_res *res, uint32_t code, struct avp *failed, const char *missing)
{
	res->code = code;
	res->exp = false;
	res->failed = failed;
	res->missing = missing;
	return EINVAL;
}

int hss_req_imsi(struct msg *req, char imsi[16], struct hss_res *res)
{
	struct avp *a = cm_avp_find(req, "User-Name");
	union avp_value *v;
	size_t i;

	if (!a)
		return sc_bad(res, HSS_RC_MISSING_AVP, NULL, "User-Name");
	v = cm_avp_value(a);
	/* An IMSI is 5..15 digits (TS 23.003 2.2); anything else cannot name a subscriber. */
	if (!v || v->os.len < 5 || v->os.len > 15)
		return sc_bad(res, HSS_RC_INVALID_AVP_VALUE, a, NULL);
	for (i = 0; i < v->os.len; i++)
		if (v->os.data[i] < '0' || v->os.data[i] > '9')
			return sc_bad(res, HSS_RC_INVALID_AVP_VALUE, a, NULL);
	memcpy(imsi, v->os.data, v->os.len);
	imsi[v->os.len] = '\0';
	return 0;
}

int hss_req_plmn(struct msg *req, uint8_t plmn[3], char mccmnc[7], struct hss_res *res)
{
	struct avp *a = cm_avp_find(req, "Visited-PLMN-Id");
	union avp_value *v;

	if (!a)
		return sc_bad(res, HSS_RC_MISSING_AVP, NULL, "Visited-PLMN-Id");
	v = cm_avp_value(a);
	if (!v || v->os.len != 3 || cm_plmn_decode(v->os.data, mccmnc))
		return sc_bad(res, HSS_RC_INVALID_AVP_VALUE, a, NULL);
	memcpy(plmn, v->os.data, 3);
	return 0;
}

static int sc_req_int(msg_or_avp *parent, const char *name, bool required, bool sign,
                      uint32_t *ret, bool *present, struct hss_res *res)
{
	struct avp *a = cm_avp_find(parent, name);
	union avp_value *v;

	if (present)
		*present = false;
	if (!a)
		return required ? sc_bad(res, HSS_RC_MISSING_AVP, NULL, name) : 0;
	if (!(v = cm_avp_value(a)))
		return sc_bad(res, HSS_RC_INVALID_AVP_VALUE, a, NULL);
	*ret = sign ? (uint32_t)v->i32 : v->u32;
	if (present)
		*present = true;
	return 0;
}

int hss_req_u32(msg_or_avp *parent, const char *name, bool required, uint32_t *ret,
                bool *present, struct hss_res *res)
{
	return sc_req_int(parent, name, required, false, ret, present, res);
}

int hss_req_i32(msg_or_avp *parent, const char *name, bool required, int32_t *ret,
                bool *present, struct hss_res *res)
{
	uint32_t u = 0;
	int rc = sc_req_int(parent, name, required, true, &u, present, res);

	if (!rc && (!present || *present))
		*ret = (int32_t)u;
	return rc;
}

static int sc_req_ident(struct msg *req, const char *name, char *out, struct hss_res *res)
{
	struct avp *a = cm_avp_find(req, name);
	union avp_value *v;

	if (!a)
		return sc_bad(res, HSS_RC_MISSING_AVP, NULL, name);
	v = cm_avp_value(a);
	if (!v || !v->os.len || v->os.len >= HSS_DB_HOST_LEN || memchr(v->os.data, 0, v->os.len))
		return sc_bad(res, HSS_RC_INVALID_AVP_VALUE, a, NULL);
	memcpy(out, v->os.data, v->os.len);
	out[v->os.len] = '\0';
	return 0;
}

int hss_req_origin(struct msg *req, char *host, char *realm, struct hss_res *res)
{
	int rc = sc_req_ident(req, "Origin-Host", host, res);

	return rc ? rc : sc_req_ident(req, "Origin-Realm", realm, res);
}

bool hss_host_eq(const char *a, const char *b)
{
	return a && b && a[0] && !strcasecmp(a, b);
}

/* ---- database errors -------------------------------------------------------------------- */

void hss_db_result(int rc, const char *what, struct hss_res *res)
{
	res->failed = NULL;
	res->missing = NULL;
	if (rc == ENOENT) {
		hss_res_set(res, HSS_ER_USER_UNKNOWN, true);
		return;
	}
	hss_res_set(res, HSS_RC_UNABLE_TO_COMPLY, false);
	atomic_fetch_add_explicit(&hss_stats.db_errors, 1, memory_order_relaxed);
	/* once per cause and outage, not once per request (dbfault.c) */
	hss_dbfault_note(rc, what);
}

void hss_db_ok(void)
{
	hss_dbfault_ok();
}

/* ---- requests waiting for their write ----------------------------------------------------- */

static atomic_bool sc_sync;          /* quiescing: procedures wait for their write */
static atomic_uint sc_inflight;      /* requests whose answer a writer thread will send */

bool hss_async(void)
{
	return !atomic_load_explicit(&sc_sync, memory_order_relaxed);
}

void hss_async_hold(void)
{
	atomic_fetch_add(&sc_inflight, 1);
}

void hss_async_release(void)
{
	atomic_fetch_sub(&sc_inflight, 1);
}

int hss_s6a_drain(unsigned timeout_ms)
{
	struct timespec nap = { 0, 2 * 1000 * 1000 };
	unsigned waited = 0;

	while (atomic_load(&sc_inflight)) {
		if (waited >= timeout_ms)
			return ETIMEDOUT;
		nanosleep(&nap, NULL);
		waited += 2;
	}
	return 0;
}

int hss_s6a_quiesce(unsigned timeout_ms)
{
	atomic_store(&sc_sync, true);
	return hss_s6a_drain(timeout_ms);
}

void hss_answer_later(struct msg **req, enum hss_cmd cmd, struct hss_res *res,
                      struct avp **body, size_t n_body)
{
	if (hss_answer(req, cmd, res, body, n_body) && *req) {
		/* no thread of freeDiameter's is left to answer it: the peer retransmits */
		fd_msg_free(*req);
		*req = NULL;
	}
}

/* ---- keys ------------------------------------------------------------------------------- */

static int sc_keys(const uint8_t k[16], const uint8_t op[16], bool is_opc, const uint8_t amf[2],
                   struct hss_auth_keys *keys)
{
	int rc = 0;

	memcpy(keys->k, k, 16);
	memcpy(keys->amf, amf, 2);
	if (is_opc)
		memcpy(keys->opc, op, 16);
	else
		rc = hss_milenage_opc(k, op, keys->opc);
	return rc;
}

int hss_keys_from_sub(const struct hss_sub *sub, struct hss_auth_keys *keys)
{
	return sc_keys(sub->k, sub->op, sub->opc, sub->amf, keys);
}

int hss_keys_from_auth(const struct hss_auth_data *ad, struct hss_auth_keys *keys)
{
	return sc_keys(ad->k, ad->op, ad->opc, ad->amf, keys);
}

/* ---- detached AVPs ------------------------------------------------------------------------ */

int hss_avp_new(const char *name, struct avp **ret)
{
	struct dict_object *model = cm_dict_avp(name);

	if (!model)
		return ENOENT;
	return fd_msg_avp_new(model, 0, ret);
}

int hss_avp_new_u32(const char *name, uint32_t v, struct avp **ret)
{
	union avp_value val;
	struct avp *a = NULL;
	int rc;

	if ((rc = hss_avp_new(name, &a)))
		return rc;
	memset(&val, 0, sizeof(val));
	val.u32 = v;
	if ((rc = fd_msg_avp_setvalue(a, &val))) {
		fd_msg_free(a);
		return rc;
	}
	*ret = a;
	return 0;
}

/* ---- requests sent by the HSS ------------------------------------------------------------ */

struct sc_sent {
	enum hss_cmd cmd;
	char imsi[16];
	char host[HSS_DB_HOST_LEN];
};

int hss_req_new(const char *cmd_name, const char *imsi, const char *host, const char *realm,
                struct msg **ret)
{
	struct dict_object *cmd = cm_dict_cmd(cmd_name);
	struct msg *m = NULL;
	int rc;

	if (!cmd)
		return ENOENT;
	if ((rc = fd_msg_new(cmd, MSGFL_ALLOC_ETEID, &m)))
		return rc;
	if ((rc = fd_msg_new_session(m, (os0_t)"hss", 3)) ||
	    (rc = cm_avp_add_vsai(m, HSS_VENDOR_3GPP, HSS_APP_S6A)) ||
	    (rc = cm_avp_add_i32(m, "Auth-Session-State", 1)) ||
	    (rc = fd_msg_add_origin(m, 0)) ||
	    (rc = cm_avp_add_str(m, "Destination-Host", host)) ||
	    (rc = cm_avp_add_str(m, "Destination-Realm", realm && realm[0] ? realm :
	                         fd_g_config->cnf_diamrlm)) ||
	    (rc = cm_avp_add_str(m, "User-Name", imsi))) {
		fd_msg_free(m);
		return rc;
	}
	*ret = m;
	return 0;
}

/* Result-Code, or Experimental-Result-Code (*exp set), of an answer; 0 when neither is
 * readable. */
uint32_t hss_ans_result(struct msg *ans, bool *exp)
{
	struct avp *a, *c;
	union avp_value *v;

	*exp = false;
	if ((a = cm_avp_find(ans, "Result-Code")) && (v = cm_avp_value(a)))
		return v->u32;
	if ((a = cm_avp_find(ans, "Experimental-Result")) &&
	    (c = cm_avp_find(a, "Experimental-Result-Code")) && (v = cm_avp_value(c))) {
		*exp = true;
		return v->u32;
	}
	return 0;
}

static void sc_ans_cb(void *data, struct msg **ans)
{
	struct sc_sent *s = data;
	bool exp;
	uint32_t code = hss_ans_result(*ans, &exp);

	hss_stats_code(s->cmd, code, exp);

	if (code == HSS_RC_SUCCESS) {
		atomic_fetch_add_explicit(&hss_stats.cmd[s->cmd].success, 1, memory_order_relaxed);
		fd_log_debug("hss: %s for %s answered by %s: 2001", hss_cmd_name(s->cmd), s->imsi,
		             s->host);
	} else {
		atomic_fetch_add_explicit(&hss_stats.cmd[s->cmd].rejected, 1, memory_order_relaxed);
		LOG_N("hss: %s for %s to %s answered with %u", hss_cmd_name(s->cmd), s->imsi, s->host,
		      code);
	}
	fd_msg_free(*ans);
	*ans = NULL;
	free(s);
}

static void sc_expire_cb(void *data, DiamId_t sentto, size_t len, struct msg **req)
{
	struct sc_sent *s = data;

	atomic_fetch_add_explicit(&hss_stats.cmd[s->cmd].timeouts, 1, memory_order_relaxed);
	LOG_N("hss: %s for %s to %s: no answer in time", hss_cmd_name(s->cmd), s->imsi, s->host);
	fd_msg_free(*req);
	*req = NULL;
	free(s);
}

int hss_req_send(struct msg **req, enum hss_cmd cmd, const char *imsi, const char *host)
{
	struct sc_sent *s = calloc(1, sizeof(*s));
	struct hss_snap *snap = hss_snap_get();
	unsigned ms = snap && snap->cfg.clr_timeout_ms ? snap->cfg.clr_timeout_ms : 5000;
	struct timespec ts;
	int rc;

	hss_snap_unref(snap);

	atomic_fetch_add_explicit(&hss_stats.cmd[cmd].requests, 1, memory_order_relaxed);
	if (!s) {
		rc = ENOMEM;
		goto fail;
	}
	s->cmd = cmd;
	snprintf(s->imsi, sizeof(s->imsi), "%s", imsi);
	snprintf(s->host, sizeof(s->host), "%s", host);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	if ((rc = fd_msg_send_timeout(req, sc_ans_cb, s, sc_expire_cb, &ts))) {
		free(s);
		goto fail;
	}
	return 0;
fail:
	atomic_fetch_add_explicit(&hss_stats.cmd[cmd].errors, 1, memory_order_relaxed);
	LOG_E("hss: cannot send %s for %s to %s: %s", hss_cmd_name(cmd), imsi, host, strerror(rc));
	if (*req) {
		fd_msg_free(*req);
		*req = NULL;
	}
	return rc;
}

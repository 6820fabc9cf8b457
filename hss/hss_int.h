/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hss_int.h: internal to hss/ and its application folders (s6a/). What the procedure files
 * share: the running context, the request-reading helpers that turn malformed input into a
 * result instead of a crash, the one-exit answer builder, and the Subscription-Data builder
 * (ULA and IDR).
 */
#ifndef HSS_INT_H
#define HSS_INT_H

/* Defined by hss/meson.build for the component's own sources only. */
#ifndef HSS_INTERNAL
#error "hss_int.h is internal to hss/: include hss.h"
#endif

#include "hss.h"
#include "hss_auth.h"
#include "dict.h"

#define HSS_VENDOR_3GPP DICT_VENDOR_3GPP
#define HSS_APP_S6A DICT_APP_S6A
#define HSS_APP_CX DICT_APP_CX
#define HSS_APP_SH DICT_APP_SH

/* The configuration is not here: each request takes a reference on the running snapshot
 * (hss_snap_get, reload.c). */
struct hss_ctx {
	struct hss_db *db;
};
extern struct hss_ctx hss_g;

/* The outcome of a request: the code, whether it is an Experimental-Result (vendor 10415),
 * and what goes into Failed-AVP: an AVP of the request (copied), or the name of a missing
 * AVP (an empty AVP of that type). */
struct hss_res {
	uint32_t code;
	bool exp;
	struct avp *failed;
	const char *missing;
};

static inline void hss_res_set(struct hss_res *r, uint32_t code, bool exp)
{
	r->code = code;
	r->exp = exp;
}

/* Create the answer to *req, add Vendor-Specific-Application-Id, Result-Code or
 * Experimental-Result, Auth-Session-State, Origin-Host/Realm, then the n_body detached
 * AVPs of body (NULL entries skipped; all consumed), then Failed-AVP; send it and count it
 * under cmd. The handler builds its body before calling, so the result is final here.
 * Returns 0 with *req consumed, or an error with *req untouched (freeDiameter then answers
 * 5012 itself). */
int hss_answer(struct msg **req, enum hss_cmd cmd, struct hss_res *res, struct avp **body,
               size_t n_body);
/* The same for the application app (Vendor-Specific-Application-Id {10415, app}): Cx. */
int hss_answer_app(struct msg **req, uint32_t app, enum hss_cmd cmd, struct hss_res *res,
                   struct avp **body, size_t n_body);

/* Detached AVPs for answer bodies (free with fd_msg_free if not used). */
int hss_avp_new(const char *name, struct avp **ret);
int hss_avp_new_u32(const char *name, uint32_t v, struct avp **ret);

/* Request readers. Each returns 0 and fills the output, or fills res (5005 missing, 5004
 * bad value, with Failed-AVP) and returns EINVAL. */
int hss_req_imsi(struct msg *req, char imsi[16], struct hss_res *res);
int hss_req_plmn(struct msg *req, uint8_t plmn[3], char mccmnc[7], struct hss_res *res);
/* Optional Unsigned32/Integer32 child: *present false when absent. */
int hss_req_u32(msg_or_avp *parent, const char *name, bool required, uint32_t *ret,
                bool *present, struct hss_res *res);
int hss_req_i32(msg_or_avp *parent, const char *name, bool required, int32_t *ret,
                bool *present, struct hss_res *res);
/* Origin-Host / Origin-Realm of the request as NUL-terminated strings (HSS_DB_HOST_LEN). */
int hss_req_origin(struct msg *req, char *host, char *realm, struct hss_res *res);
/* Result-Code, or Experimental-Result-Code (*exp set), of an answer to a request the HSS
 * sent (CLR, IDR, DSR, RTR, PPR, PNR); 0 when neither is readable (s6a_common.c). */
uint32_t hss_ans_result(struct msg *ans, bool *exp);

/* Map a database error to the result: ENOENT -> 5001, anything else -> 5012 (counted,
 * logged once per cause and outage, see dbfault.c). `what` names the operation. */
void hss_db_result(int rc, const char *what, struct hss_res *res);
/* Call after each successful database write: ends the outage (one "works again" line). */
void hss_db_ok(void);

/* Writes on behalf of a request (s6a_common.c). hss_async: whether the procedure may give
 * its write to the database writer (answering from its done callback) rather than wait for
 * it (after hss_s6a_quiesce). hold before submitting an asynchronous write, release when
 * its done callback has answered (or when it could not be submitted). */
bool hss_async(void);
void hss_async_hold(void);
void hss_async_release(void);
/* Answer a request whose handler took it (*req set to NULL in the dispatch callback): as
 * hss_answer; if no answer can be built, the request is dropped (the peer retries). */
void hss_answer_later(struct msg **req, enum hss_cmd cmd, struct hss_res *res,
                      struct avp **body, size_t n_body);

/* dbfault.c: the database fault log. note: an operation failed with rc (the message is
 * hss_db_strerror()); ok: a write succeeded. */
void hss_dbfault_note(int rc, const char *what);
void hss_dbfault_ok(void);
/* Hide any run of 16 or more hex digits (key material) in a text about to be logged. */
void hss_log_scrub(char *s);

/* OPc of a subscriber's stored OP/OPc. */
int hss_keys_from_sub(const struct hss_sub *sub, struct hss_auth_keys *keys);
int hss_keys_from_auth(const struct hss_auth_data *ad, struct hss_auth_keys *keys);

/* A detached Subscription-Data (TS 29.272 7.3.2) for sub, AVPs in ABNF order. */
int hss_subdata_new(const struct hss_sub *sub, struct avp **ret);

/* Per-procedure handlers registration (s6a_*.c). */
int hss_air_cb(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
               enum disp_action *act);
int hss_ulr_cb(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
               enum disp_action *act);
int hss_pur_cb(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
               enum disp_action *act);
int hss_nor_cb(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
               enum disp_action *act);

/* cx_config.c: the `cx:` section (schema and reader), used by config.c. realm: the
 * diameter realm (the default home network). Frees with hss_cx_cfg_free. */
extern const struct cm_schema hss_cx_schema[];
int hss_cx_cfg_parse(const struct cm_ynode *node, const char *realm, struct hss_cx_cfg *cx,
                     char *err, size_t errlen);
void hss_cx_cfg_free(struct hss_cx_cfg *cx);

/* sh_config.c: the `sh:` section (schema and reader), used by config.c. Frees with
 * hss_sh_cfg_free. (Its lookups are in hss.h.) */
extern const struct cm_schema hss_sh_schema[];
int hss_sh_cfg_parse(const struct cm_ynode *node, struct hss_sh_cfg *sh, char *err,
                     size_t errlen);
void hss_sh_cfg_free(struct hss_sh_cfg *sh);

/* overload.c: answer S6a requests 3004 while more than overload.max_pending are in
 * progress (a dispatch callback that runs before the handlers). */
int hss_overload_init(void);   /* the bound of the installed configuration snapshot */
void hss_overload_fini(void);
/* peer_policy.c: requests the peer policy refuses are answered before any handler. */
int hss_peer_policy_init(void);
void hss_peer_policy_fini(void);

/* s6a_errors.c: add Vendor-Specific-Application-Id and Auth-Session-State to the error
 * answers freeDiameter builds itself for S6a requests (parser, dispatch and routing errors),
 * counted as malformed; a hook on HOOK_MESSAGE_PARSING_ERROR2 and HOOK_MESSAGE_SENDING. */
int hss_s6a_errors_init(void);
void hss_s6a_errors_fini(void);

/* s6a_common.c: a new request of the S6a application towards host/realm, with Session-Id,
 * Vendor-Specific-Application-Id, Auth-Session-State, Origin-*, Destination-*, User-Name,
 * ready for the command AVPs; and the asynchronous send with answer counting. */
int hss_req_new(const char *cmd_name, const char *imsi, const char *host, const char *realm,
                struct msg **ret);
int hss_req_send(struct msg **req, enum hss_cmd cmd, const char *imsi, const char *host);

/* Read the subscriber and choose the node HSS-initiated requests go to: the registered
 * MME, else the SGSN (purged ones skipped). ENOENT: unknown IMSI or none registered. */
int hss_serving_node(const char *imsi, struct hss_sub *sub, const char **host,
                     const char **realm);

/* Case-insensitive equality of two DiameterIdentities (either may be empty). */
bool hss_host_eq(const char *a, const char *b);

#endif /* HSS_INT_H */

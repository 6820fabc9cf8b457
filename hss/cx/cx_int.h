/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cx_int.h: internal to hss/cx/, the Cx/Dx procedures of the HSS (TS 29.228, TS 29.229):
 * what the request handlers (cx_uar.c, cx_mar.c, cx_sar.c, cx_lir.c) and the requests the
 * HSS sends (cx_push.c: RTR, PPR and the outbox they are queued in) share: the request
 * readers, the answer parts (Server-Capabilities, User-Data, Charging-Information,
 * Supported-Features) and the result codes.
 */
#ifndef CX_INT_H
#define CX_INT_H

#ifndef HSS_INTERNAL
#error "cx_int.h is internal to hss/: include hss.h"
#endif

#include "hss_int.h"
#include "hss_imsdb.h"

/* TS 29.229 6.2: Experimental-Result-Code values (vendor 10415). */
#define CX_FIRST_REGISTRATION            2001
#define CX_SUBSEQUENT_REGISTRATION       2002
#define CX_UNREGISTERED_SERVICE          2003
#define CX_SUCCESS_SERVER_NAME_NOT_STORED 2004
#define CX_ERROR_USER_UNKNOWN            5001
#define CX_ERROR_IDENTITIES_DONT_MATCH   5002
#define CX_ERROR_IDENTITY_NOT_REGISTERED 5003
#define CX_ERROR_ROAMING_NOT_ALLOWED     5004
#define CX_ERROR_IDENTITY_ALREADY_REGISTERED 5005
#define CX_ERROR_AUTH_SCHEME_NOT_SUPPORTED 5006
#define CX_ERROR_IN_ASSIGNMENT_TYPE      5007
#define CX_ERROR_TOO_MUCH_DATA           5008
#define CX_ERROR_NOT_SUPPORTED_USER_DATA 5009
/* RFC 6733 Result-Codes used by Cx beyond hss.h's. */
#define CX_RC_AUTHORIZATION_REJECTED     5003
#define CX_RC_AVP_OCCURS_TOO_MANY_TIMES  5009

/* User-Authorization-Type (TS 29.229 6.3.24), UAR-Flags (6.3.44). */
#define CX_UAT_REGISTRATION 0
#define CX_UAT_DE_REGISTRATION 1
#define CX_UAT_REGISTRATION_AND_CAPABILITIES 2
#define CX_UAR_FLAG_EMERGENCY 0x1u

/* Deregistration-Reason/Reason-Code (TS 29.229 6.3.17). */
#define CX_REASON_PERMANENT_TERMINATION 0
#define CX_REASON_NEW_SERVER_ASSIGNED 1
#define CX_REASON_SERVER_CHANGE 2
#define CX_REASON_REMOVE_SCSCF 3

/* Cx features (TS 29.229 7.2, Feature-List-ID 1) this HSS supports. */
#define CX_FEATURE_SHARED_IFC 0x1u       /* Shared iFC Sets */
#define CX_FEATURE_ALIAS_IND  0x2u       /* Alias Indication */
#define CX_FEATURES_SUPPORTED (CX_FEATURE_SHARED_IFC | CX_FEATURE_ALIAS_IND)

#define CX_ID_LEN (HSS_IMS_URI_MAX + 1)

/* The running Cx application. */
struct cx_ctx {
	struct hss_imsdb *store;
};
extern struct cx_ctx cx_g;

/* What every handler reads first. */
struct cx_in {
	char origin_host[HSS_DB_HOST_LEN], origin_realm[HSS_DB_HOST_LEN];
	bool features_sent;          /* the request carried Cx Supported-Features */
	uint32_t features;           /* its Feature-List (Feature-List-ID 1) */
};

/* The next child of parent named name after `after` (NULL: the first). */
struct avp *cx_avp_next(msg_or_avp *parent, struct avp *after, const char *name);
/* Origin-Host/-Realm and the Cx Supported-Features of the request. 0 or EINVAL with res. */
int cx_read_head(struct msg *req, struct cx_in *in, struct hss_res *res);
/* A text AVP (UTF8String / OctetString) of parent as a string: *present false when absent
 * (then 5005 if required); 5004 with Failed-AVP when empty, too long for out, or holding a
 * NUL. 0 or EINVAL with res. */
int cx_read_text(msg_or_avp *parent, const char *name, bool required, char *out, size_t outsz,
                 bool *present, struct hss_res *res);

/* Find the subscription of public identity impu and check that impi (may be NULL: not
 * given) belongs to it and may use it (TS 29.228: 5001 USER_UNKNOWN, 5002
 * IDENTITIES_DONT_MATCH). The database errors become 5012 (hss_db_result). On success *ret
 * holds a reference, *ret_impu / *ret_impi the indexes (impi: -1 when not given). */
int cx_find_user(const char *impu, const char *impi, struct hss_imsdb_sub **ret,
                 size_t *ret_impu, long *ret_impi, struct hss_res *res);
/* Map a store error to the answer (ENOENT: 5001; else 5012 counted and logged once). */
void cx_store_result(int rc, const char *what, struct hss_res *res);

/* Answer parts (detached AVPs; NULL on failure, logged). */
struct avp *cx_avp_str(const char *name, const char *value);
struct avp *cx_avp_os(const char *name, const uint8_t *v, size_t len);
struct avp *cx_avp_u32(const char *name, uint32_t v);
/* Supported-Features {10415, 1, ours} when the request had Cx features, else NULL. */
struct avp *cx_avp_features(const struct cx_in *in);
/* Server-Capabilities of the subscription (its S-CSCF data), else the cx: defaults. */
struct avp *cx_avp_capabilities(const struct hss_ims_sub *sub, const struct hss_cx_cfg *cfg);
/* Charging-Information of the subscription, NULL when it has none. */
struct avp *cx_avp_charging(const struct hss_ims_sub *sub);
/* User-Data (IMSSubscription XML) for the implicit registration set of impu as impi sees
 * it. ENOENT: impi may not use it; other errors logged. */
int cx_avp_user_data(const struct hss_ims_sub *sub, const char *impi, const char *impu,
                     struct avp **ret);
/* Associated-Identities: the other private identities of the subscription, NULL if none. */
struct avp *cx_avp_associated(const struct hss_ims_sub *sub, const char *impi);

/* Whether the public identity (model index) has services for the unregistered state: a
 * PSI, or an iFC of its profile that is not limited to the registered part. */
bool cx_has_unregistered_services(const struct hss_ims_sub *sub, size_t impu);

/* Handlers (cx_*.c). */
int cx_uar_cb(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
              enum disp_action *act);
int cx_mar_cb(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
              enum disp_action *act);
int cx_sar_cb(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
              enum disp_action *act);
int cx_lir_cb(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
              enum disp_action *act);

/* cx_push.c: the outbox sender thread; cx_push_wake makes it look now. */
int cx_push_start(void);
void cx_push_stop(void);
void cx_push_wake(void);

#endif /* CX_INT_H */

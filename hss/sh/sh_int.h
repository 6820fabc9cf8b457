/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sh_int.h: internal to hss/sh/, the Sh procedures of the HSS (TS 29.328, TS 29.329): what
 * the request handlers (sh_udr.c, sh_pur.c, sh_snr.c) and the notifications the HSS sends
 * (sh_pnr.c) share: the request readers (User-Identity, Data-References, Supported-Features),
 * the user lookup with its results, the AS permission checks, and the Sh-Data builder.
 */
#ifndef SH_INT_H
#define SH_INT_H

#ifndef HSS_INTERNAL
#error "sh_int.h is internal to hss/: include hss.h"
#endif

#include "hss_int.h"
#include "hss_imsdb.h"

/* TS 29.329 6.2: Experimental-Result-Code values (vendor 10415). */
#define SH_ERROR_USER_UNKNOWN                 5001
#define SH_ERROR_TOO_MUCH_DATA                5008
#define SH_ERROR_FEATURE_UNSUPPORTED          5011
#define SH_ERROR_USER_DATA_NOT_RECOGNIZED     5100
#define SH_ERROR_OPERATION_NOT_ALLOWED        5101
#define SH_ERROR_USER_DATA_CANNOT_BE_READ     5102
#define SH_ERROR_USER_DATA_CANNOT_BE_MODIFIED 5103
#define SH_ERROR_USER_DATA_CANNOT_BE_NOTIFIED 5104
#define SH_ERROR_TRANSPARENT_DATA_OUT_OF_SYNC 5105
#define SH_ERROR_SUBS_DATA_ABSENT             5106
#define SH_ERROR_NO_SUBSCRIPTION_TO_DATA      5107
#define SH_ERROR_DSAI_NOT_AVAILABLE           5108
/* RFC 6733 Result-Code beyond hss.h's. */
#define SH_RC_AVP_OCCURS_TOO_MANY_TIMES       5009

/* Sh features (TS 29.329 7.1.1, Feature-List-ID 1) this HSS supports. */
#define SH_FEATURE_NOTIF_EFF          0x1u   /* several data in one SNR and one PNR */
#define SH_FEATURE_UPDATE_EFF         0x2u   /* several RepositoryData in one PUR */
#define SH_FEATURE_UPDATE_EFF_ENHANCE 0x4u   /* several Data-References in one PUR, the
                                              * failing Repository-Data-ID in the PUA */
#define SH_FEATURES_SUPPORTED 0x7u

/* Requested-Nodes bits (TS 29.329 6.3.21). */
#define SH_NODE_MME  0x1u
#define SH_NODE_SGSN 0x2u

#define SH_ID_LEN (HSS_IMS_URI_MAX + 1)
#define SH_MAX_DREFS 16        /* Data-References per request */
#define SH_MAX_SI 32           /* Service-Indications per request */
#define SH_MAX_TAGS 32         /* DSAI-Tags per request */

/* The running Sh application. */
struct sh_ctx {
	struct hss_imsdb *store;
	struct hss_db *db;
};
extern struct sh_ctx sh_g;

/* What a request asks, as read by sh_read_request (the parts a command has). */
struct sh_in {
	char origin_host[HSS_DB_HOST_LEN], origin_realm[HSS_DB_HOST_LEN];
	bool features_sent;          /* Sh Supported-Features (vendor 10415, list 1) */
	uint32_t features;
	/* User-Identity */
	char impu[SH_ID_LEN];        /* Public-Identity, or "" */
	char msisdn[16];             /* MSISDN digits, or "" */
	char wildcard[SH_ID_LEN];    /* Wildcarded-Public-Identity or Wildcarded-IMPU, or "" */
	uint32_t drefs[SH_MAX_DREFS];
	size_t n_drefs;
	/* selectors */
	uint8_t si[SH_MAX_SI][HSS_IMS_TEXT_MAX / 16]; /* Service-Indications (256 octets each) */
	size_t si_len[SH_MAX_SI];
	size_t n_si;
	char server_name[SH_ID_LEN]; /* Server-Name, or "" */
	uint32_t identity_sets;      /* bit per Identity-Set, 0: none given */
	char tags[SH_MAX_TAGS][HSS_IMS_ID_MAX * 4 + 1];   /* DSAI-Tags */
	char *tag_ptrs[SH_MAX_TAGS];
	size_t n_tags;
	int32_t requested_domain;    /* -1 absent */
	bool nodes_sent;
	uint32_t requested_nodes;
	bool serving_node_only;      /* Serving-Node-Indication */
	int32_t current_location;    /* -1 absent */
};

/* Which conditional parts a command reads. */
#define SH_READ_SELECTORS 0x1u   /* Service-Indication, Server-Name, Identity-Set, DSAI-Tag */
#define SH_READ_LOCATION  0x2u   /* Requested-Domain, Requested-Nodes, Current-Location, ... */

/* Read Origin-*, Supported-Features (5011 when one the AS requires (M bit) is not ours),
 * User-Identity (5005 when it names nobody; one of Public-Identity and MSISDN), the wildcards,
 * every Data-Reference (5004 for a value TS 29.329 does not define) and the selectors. 0 or
 * EINVAL with res. */
int sh_read_request(struct msg *req, unsigned what, struct sh_in *in, struct hss_res *res);

/* The user of a request. */
struct sh_user {
	struct hss_imsdb_sub *ref;   /* reference on the subscription */
	size_t impu;                 /* model index of the identity (the wildcard entry when
	                              * matched through one) */
	char asked[SH_ID_LEN];       /* the identity as named (Public-Identity), or "" */
	char msisdn[16];             /* by MSISDN: the digits */
	char imsi[16];               /* the S6a subscriber of the user, "" none */
};
/* Find the user of in (TS 29.328: 5001 unknown; a database error 5012). By MSISDN: the IMS
 * subscription holding it, or the one linked to the S6a subscriber holding it; its identity
 * is then the tel URI of the MSISDN, else the first public user identity. */
int sh_find_user(const struct sh_in *in, struct sh_user *u, struct hss_res *res);
void sh_user_release(struct sh_user *u);

/* Whether the Data-Reference applies to the user's identity (TS 29.328 table 7.6.1, access
 * key): PSI activation for PSIs only; location and user state not for PSIs; by MSISDN only
 * IMSPublicIdentity, location, user state, charging and MSISDN. */
bool sh_dref_applies(const struct sh_user *u, uint32_t dref);
const struct hss_ims_impu *sh_user_impu(const struct sh_user *u);

/* Build the Sh-Data of in's Data-References for u into *ret_xml (malloc'd). Results: 0;
 * EINVAL with res (5108 DSAI not available, 5012). */
int sh_build_data(const struct sh_in *in, const struct sh_user *u, const struct hss_cfg *cfg,
                  char **ret_xml, size_t *ret_len, struct hss_res *res);

/* Answer parts. */
struct avp *sh_avp_os(const char *name, const void *v, size_t len);
struct avp *sh_avp_str(const char *name, const char *s);
struct avp *sh_avp_u32(const char *name, uint32_t v);
struct avp *sh_avp_features(const struct sh_in *in);   /* NULL when the request had none */
/* Wildcarded-Public-Identity / Wildcarded-IMPU of the user's identity when it is one. */
struct avp *sh_avp_wildcard(const struct sh_user *u);
/* Answer with the Sh head (hss_answer_app for the Sh application). */
int sh_answer(struct msg **req, enum hss_cmd cmd, struct hss_res *res, struct avp **body,
              size_t n_body);
/* A store error as a result: ENOENT 5001, else 5012 logged once. */
void sh_store_result(int rc, const char *what, struct hss_res *res);

/* Handlers. */
int sh_udr_cb(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
              enum disp_action *act);
int sh_pur_cb(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
              enum disp_action *act);
int sh_snr_cb(struct msg **msg, struct avp *avp, struct session *sess, void *opaque,
              enum disp_action *act);

/* sh_pnr.c: the notification sender thread. */
int sh_pnr_start(void);
void sh_pnr_stop(void);
void sh_pnr_wake(void);

#endif /* SH_INT_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hss.h: the public header of the HSS component (hss/): its configuration, the S6a/S6d
 * procedures it serves (TS 29.272) and the requests it sends (CLR, IDR, DSR), and its
 * counters. main.c and the tests link the same hss_core library.
 *
 * The HSS keeps no subscriber state in memory: everything lives in the database (hss/db),
 * so several HSS processes may share one database.
 */
#ifndef HSS_H
#define HSS_H

#include "cm.h"
#include "hss_db.h"

#include <stdatomic.h>
#include <sys/types.h>

/* ---------------------------------------------------------------------------------------
 * Configuration (hss/config.c): `diameter:` (common/), `database:`, `s6a:`, `ctl_socket:`.
 * ------------------------------------------------------------------------------------- */

#define HSS_MAX_PLMNS 64
#define HSS_CTL_MAX_USERS 32      /* ctl_allow_users entries */
#define HSS_MAX_VECTORS_CFG 16        /* per vector kind; E-UTRAN + UTRAN/GERAN <= 32 */

#define HSS_CX_MAX_LIST 32            /* names, capabilities, networks in cx: */

/* The `cx:` section (hss/cx_config.c): the Cx/Dx policy, reloaded with s6a:. */
struct hss_cx_cfg {
	bool enabled;                  /* serve Cx (default true; a change needs a restart) */
	char *scscf_names[HSS_CX_MAX_LIST];     /* S-CSCFs a first registration may go to
	                                         * (Server-Name in Server-Capabilities) */
	size_t n_scscf_names;
	uint32_t mandatory_caps[HSS_CX_MAX_LIST], optional_caps[HSS_CX_MAX_LIST];
	size_t n_mandatory_caps, n_optional_caps;
	char *home_networks[HSS_CX_MAX_LIST];   /* Visited-Network-Identifiers that are home
	                                         * (default: the diameter realm) */
	size_t n_home_networks;
	char *roaming_partners[HSS_CX_MAX_LIST];/* visited networks users may register from;
	                                         * none: any */
	size_t n_roaming_partners;
	unsigned max_auth_items;       /* cap on SIP-Number-Auth-Items, 1..32 (default 5) */
	char *digest_realm;            /* Digest-Realm when the private identity has none */
	char *digest_qop;              /* Digest-QoP (default "auth") */
	bool store_server_name;        /* keep the S-CSCF on *_STORE_SERVER_NAME (else 2004) */
	bool rtr_on_scscf_change;      /* TS 29.228 8.1.1: RTR to the old S-CSCF on a new MAR */
	unsigned push_timeout_ms;      /* PPR/RTR answer timeout (default 5000) */
	unsigned outbox_poll_ms;       /* how often the PPR/RTR outbox is read (default 1000) */
};

struct hss_cfg {
	struct cm_diam_cfg diam;
	char *db_backend;              /* "sqlite" */
	char *db_uri;                  /* sqlite: file path */
	unsigned db_timeout_ms;        /* longest database wait per operation (default 1000) */
	unsigned max_vectors;          /* cap on vectors per kind per AIR, 1..16 (default 5) */
	char home_plmns[HSS_MAX_PLMNS][7];   /* MCCMNC of the home network(s); none: IMSI prefix */
	size_t n_home_plmns;
	char roaming_partners[HSS_MAX_PLMNS][7]; /* visited PLMNs allowed for roaming; none: any */
	size_t n_roaming_partners;
	uint32_t rat_allowed_mask;     /* bit per hss_rat_bit(); default: all */
	bool cancel_old_mme;           /* send CLR to the previous MME on ULR (default true) */
	bool utran_geran_vectors;      /* serve UTRAN/GERAN vector requests (default true) */
	bool geran_triplets;           /* answer them with GERAN triplets, not quintuplets */
	unsigned clr_timeout_ms;       /* timeout of CLR/IDR/DSR answers, default 5000 */
	char *ctl_socket;              /* UNIX socket path for the control channel, or NULL */
	uid_t ctl_allow[HSS_CTL_MAX_USERS];  /* users besides root and the HSS's own that may use
	                                        it (ctl_allow_users) */
	size_t n_ctl_allow;
	struct cm_overload_cfg overload;   /* overload: (reloaded with s6a:) */
	struct cm_policy *policy;          /* policy: (reloaded; NULL: none) */
	struct hss_cx_cfg cx;          /* cx: */
	char *source;                  /* config file name */
};

/* Load and check FILE into *cfg (zeroed by the call); err names file, line and key.
 * On failure cfg is freed. */
int hss_cfg_load(const char *path, struct hss_cfg *cfg, char *err, size_t errlen);
/* The same from a YAML buffer; `name` is used in messages (tests, fuzzing). */
int hss_cfg_load_buf(const char *name, const char *buf, size_t len, struct hss_cfg *cfg,
                     char *err, size_t errlen);
void hss_cfg_free(struct hss_cfg *cfg);   /* accepts a zeroed cfg */

/* Requests in progress (received, not yet answered) above which S6a requests are answered
 * 3004 DIAMETER_TOO_BUSY at once (overload.max_pending). */
#define HSS_MAX_PENDING_DEFAULT 1000

/* ---------------------------------------------------------------------------------------
 * The running configuration (hss/reload.c): a reference-counted snapshot that SIGHUP swaps
 * whole. The procedures take a reference for each request (hss_snap_get ... hss_snap_unref),
 * so a reload never frees a configuration a request is reading, and frees the replaced one
 * once its last request is done.
 * ------------------------------------------------------------------------------------- */

struct hss_snap {
	atomic_int refs;
	struct hss_cfg cfg;
};

/* Load FILE into a new snapshot holding one reference; err as hss_cfg_load. */
int hss_snap_load(const char *path, struct hss_snap **ret, char *err, size_t errlen);
/* Move a loaded cfg into a new snapshot (one reference); cfg is zeroed. ENOMEM (cfg kept). */
int hss_snap_new(struct hss_cfg *cfg, struct hss_snap **ret);
struct hss_snap *hss_snap_ref(struct hss_snap *s);       /* returns s; NULL accepted */
void hss_snap_unref(struct hss_snap *s);                 /* frees with the last; NULL accepted */
/* Make s the running snapshot, consuming one reference; the previous one loses its. */
void hss_snap_install(struct hss_snap *s);
/* A reference on the running snapshot, or NULL before the first install. Any thread. */
struct hss_snap *hss_snap_get(void);
/* SIGHUP: load FILE; on success install it (its `s6a:` policy applies to the next requests;
 * `diameter:`, `database:` and `ctl_socket:` need a restart, logged when they changed), else
 * log why with file, line and key and keep the running one. 0 or the load's errno. */
int hss_reload(const char *path);
/* Drop the running snapshot (shutdown). */
void hss_snap_clear(void);

/* ---------------------------------------------------------------------------------------
 * Counters (hss/stats.c): atomic, read by logs and SNMP.
 * ------------------------------------------------------------------------------------- */

enum hss_cmd {
	HSS_CMD_ULR, HSS_CMD_AIR, HSS_CMD_PUR, HSS_CMD_NOR,
	HSS_CMD_CLR, HSS_CMD_IDR, HSS_CMD_DSR,  /* sent by the HSS */
	HSS_CMD_UAR, HSS_CMD_MAR, HSS_CMD_SAR, HSS_CMD_LIR,   /* Cx/Dx */
	HSS_CMD_RTR, HSS_CMD_PPR,               /* Cx, sent by the HSS */
	HSS_CMD_MAX
};

struct hss_cmd_stats {
	atomic_ulong requests;         /* received (or sent, for CLR/IDR/DSR/RTR/PPR) */
	atomic_ulong success;          /* answered (or answered to us) with a 2xxx Result-Code or
	                                * Experimental-Result-Code (2001, Cx 2001-2004) */
	atomic_ulong user_unknown;     /* 5001 */
	atomic_ulong rejected;         /* other permanent/transient failures (incl. 5004/5005) */
	atomic_ulong errors;           /* internal errors (5012), send failures */
	atomic_ulong timeouts;         /* CLR/IDR/DSR: no answer within clr_timeout_ms */
};

struct hss_stats {
	struct hss_cmd_stats cmd[HSS_CMD_MAX];
	atomic_ulong vectors_eutran, vectors_utran, vectors_geran;
	atomic_ulong resync_ok, resync_bad_mac;
	atomic_ulong vectors_ims;      /* Digest-AKA vectors (MAA SIP-Auth-Data-Items) */
	atomic_ulong digest_items;     /* SIP Digest items (MAA) */
	atomic_ulong ims_resync_ok, ims_resync_bad_mac;  /* MAR re-synchronisations */
	atomic_ulong db_errors;        /* database failures answered with 5012 */
	atomic_ulong policy_refused;   /* requests refused by the peer policy (hss/peer_policy.c) */
	atomic_ulong too_busy;         /* S6a requests answered 3004: over overload.max_pending */
	atomic_ulong malformed;        /* requests answered 5004/5005 by the HSS handlers, or with
	                                * an error freeDiameter built itself (parser: 5005 5009
	                                * 5001 5004 5014 3001; routing: 3001 3002 3005 ...) */
};

extern struct hss_stats hss_stats;
const char *hss_cmd_name(enum hss_cmd c);
/* Count one answer with this result (Result-Code or Experimental-Result-Code). */
void hss_stats_count(enum hss_cmd c, uint32_t result);
/* One line per command: "ULR requests=.. success=.. ...", through fd_log_notice. */
void hss_stats_log(void);
/* The same lines into buf (for the control channel); returns the length written. */
size_t hss_stats_format(char *buf, size_t bufsz);

/* ---------------------------------------------------------------------------------------
 * The S6a application (hss/s6a/s6a_*.c)
 * ------------------------------------------------------------------------------------- */

/* TS 29.272 result codes used by the HSS (Experimental-Result, vendor 10415). */
#define HSS_ER_USER_UNKNOWN              5001
#define HSS_ER_ROAMING_NOT_ALLOWED       5004
#define HSS_ER_UNKNOWN_EPS_SUBSCRIPTION  5420
#define HSS_ER_RAT_NOT_ALLOWED           5421
#define HSS_ER_EQUIPMENT_UNKNOWN         5422
#define HSS_ER_UNKNOWN_SERVING_NODE      5423
#define HSS_ER_AUTH_DATA_UNAVAILABLE     4181
/* Base protocol Result-Codes (RFC 6733). */
#define HSS_RC_SUCCESS                   2001
#define HSS_RC_COMMAND_UNSUPPORTED       3001
#define HSS_RC_TOO_BUSY                  3004
#define HSS_RC_INVALID_AVP_VALUE         5004
#define HSS_RC_MISSING_AVP               5005
#define HSS_RC_UNABLE_TO_COMPLY          5012

/* ULR-Flags, CLR-Flags, PUA-Flags, IDR-Flags, DSR-Flags bits used here (TS 29.272 7.3). */
#define HSS_ULR_SINGLE_REGISTRATION  0x01u
#define HSS_ULR_S6A_S6D_INDICATOR    0x02u
#define HSS_ULR_SKIP_SUBSCRIBER_DATA 0x04u
#define HSS_ULR_INITIAL_ATTACH       0x20u
#define HSS_ULA_SEPARATION_IND       0x01u
#define HSS_CLR_S6A_S6D_INDICATOR    0x01u
#define HSS_CLR_REATTACH_REQUIRED    0x02u
#define HSS_PUR_UE_PURGED_IN_MME     0x01u
#define HSS_PUR_UE_PURGED_IN_SGSN    0x02u
#define HSS_PUA_FREEZE_MTMSI         0x01u
#define HSS_PUA_FREEZE_PTMSI         0x02u

/* Cancellation-Type values (TS 29.272 7.3.24). */
#define HSS_CANCEL_MME_UPDATE        0
#define HSS_CANCEL_SGSN_UPDATE       1
#define HSS_CANCEL_SUBSCR_WITHDRAWAL 2
#define HSS_CANCEL_UPDATE_IWF        3
#define HSS_CANCEL_INITIAL_ATTACH    4

/* Register S6a support, the ULR/AIR/PUR/NOR handlers, and the hook that gives the error
 * answers freeDiameter builds itself for S6a requests (parser, dispatch, routing) the S6a
 * head: Vendor-Specific-Application-Id and Auth-Session-State (counted as malformed). The
 * procedures read the running snapshot (install one before cm_diam_start; without one they
 * answer 5012); db must outlive the application. Call after cm_diam_init and dict_s6a_load,
 * before cm_diam_start. */
int hss_s6a_init(struct hss_db *db);
void hss_s6a_fini(void);

/* Requests the HSS sends, asynchronously; the answer (or the timeout, clr_timeout_ms) is
 * counted and logged. They return once the request is queued: 0, ENOENT (unknown IMSI or no
 * MME registered, for IDR/DSR), EIO (database), or the send error. */
int hss_s6a_send_clr(const char *imsi, const char *mme_host, const char *mme_realm,
                     uint32_t cancellation_type, uint32_t clr_flags);
/* IDR with the subscriber's full Subscription-Data (IDR-Flags as given) to the registered
 * MME (or, when no MME is registered, the SGSN). */
int hss_s6a_send_idr(const char *imsi, uint32_t idr_flags);
/* DSR with the given DSR-Flags (TS 29.272 7.3.25) to the registered MME (or SGSN). */
int hss_s6a_send_dsr(const char *imsi, uint32_t dsr_flags);

/* RAT-Type (TS 29.212 5.3.31) -> bit of hss_cfg.rat_allowed_mask, or -1 if unknown. */
int hss_rat_bit(int32_t rat_type);
/* Name <-> RAT-Type value for config and logs ("eutran" -> 1004). -1 if unknown. */
int32_t hss_rat_from_name(const char *name);
const char *hss_rat_name(int32_t rat_type);   /* "?" if unknown */
/* Access-Restriction-Data bit (TS 29.272 7.3.31) that forbids this RAT, or -1 if none. */
int hss_rat_ard_bit(int32_t rat_type);

/* true when the visited PLMN (MCCMNC) is a home PLMN for this IMSI under cfg. */
bool hss_plmn_is_home(const struct hss_cfg *cfg, const char *imsi, const char *mccmnc);

/* ---------------------------------------------------------------------------------------
 * The Cx/Dx application (hss/cx/, TS 29.228/29.229): UAR, MAR, SAR, LIR served from the
 * IMS store (hss/imsdb) on the HSS database; RTR and PPR sent to S-CSCFs from the outbox
 * the store keeps (written by hssctl, the control socket, or the procedures).
 * ------------------------------------------------------------------------------------- */

/* Open the IMS store on db and register Cx with its handlers (call after cm_diam_init and
 * dict_cx_load, before cm_diam_start; db must outlive it). */
int hss_cx_init(struct hss_db *db);
/* Start sending the outbox (after cm_diam_start); stop it (before cm_diam_shutdown). */
int hss_cx_start(void);
void hss_cx_stop(void);
/* Close the store, once freeDiameter no longer dispatches (after cm_diam_shutdown). */
void hss_cx_fini(void);
/* The control channel's Cx commands: "rtr ID|IMPU|IMPI [REASON-CODE]" (administrative
 * de-registration: the state is cleared and an RTR queued), "ppr ID|IMPU|IMPI" (queue a
 * Push-Profile), "outbox" (send what is queued now). Returns false when argv[0] is none of
 * them; otherwise the reply is in out. */
bool hss_cx_ctl(int argc, char **argv, char *out, size_t outsz);

/* ---------------------------------------------------------------------------------------
 * Control channel (hss/ctl.c): a UNIX stream socket taking one command line per
 * connection and answering one line ("ok ..." or "error ..."):
 *   idr IMSI [IDR-FLAGS]   dsr IMSI DSR-FLAGS   clr IMSI [CANCELLATION-TYPE]   stats
 * Clients are served by one poll() thread, each within 2 s; only root, the HSS's own user
 * and the `allow` users (SO_PEERCRED) may use it.
 * ------------------------------------------------------------------------------------- */
int hss_ctl_start(const char *path, const uid_t *allow, size_t n_allow);
void hss_ctl_stop(void);
/* Run one command line; the reply (without newline) goes to out. Used by the socket thread
 * and by tests. */
void hss_ctl_exec(const char *line, char *out, size_t outsz);

#endif /* HSS_H */

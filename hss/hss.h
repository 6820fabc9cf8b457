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
#include "snmp.h"

#include <stdatomic.h>
#include <sys/types.h>
#include <time.h>

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

#define HSS_SH_MAX_AS 64              /* application servers in sh: */
#define HSS_SH_MAX_PATTERNS 32        /* origin_hosts / service_indications per AS */

/* One application server of the `sh:` section and what it may do (TS 29.328 6.2: the AS
 * permission list). Data-References as bits: bit n is Data-Reference n. */
struct hss_sh_as {
	char *name;
	char *hosts[HSS_SH_MAX_PATTERNS];       /* Origin-Host patterns (fnmatch, no case) */
	size_t n_hosts;
	uint32_t read, update, subscribe;       /* Sh-Pull, Sh-Update, Sh-Subs-Notif */
	char *service_indications[HSS_SH_MAX_PATTERNS]; /* repository data it may touch
	                                         * (patterns); none: any */
	size_t n_service_indications;
};

/* The `sh:` section (hss/sh_config.c): the Sh policy, reloaded with s6a:. */
struct hss_sh_cfg {
	bool enabled;                  /* serve Sh (default true; a change needs a restart) */
	struct hss_sh_as as[HSS_SH_MAX_AS];     /* first match of the Origin-Host wins */
	size_t n_as;
	unsigned max_service_data;     /* octets of one ServiceData (default 65536), 5008 above */
	unsigned max_user_data;        /* octets of a PUR's User-Data (default 262144), 5008 */
	unsigned max_repository_data;  /* service indications stored per identity (default 64) */
	unsigned max_subscriptions;    /* Sh subscriptions per identity and AS (default 64) */
	unsigned max_expiry_s;         /* longest subscription granted, s (0: unlimited) */
	unsigned notify_timeout_ms;    /* PNR answer timeout (default 5000) */
	unsigned outbox_poll_ms;       /* how often the notification outbox is read (1000) */
};

/* The AS of an Origin-Host (first match; NULL: none, it may not use Sh); whether an AS may
 * touch the repository data of a Service-Indication (len octets); the name of a
 * Data-Reference in the sh: section ("repository_data" ... "dsai"; NULL: not one this HSS
 * holds). */
const struct hss_sh_as *hss_sh_as_find(const struct hss_sh_cfg *sh, const char *origin_host);
bool hss_sh_as_si_allowed(const struct hss_sh_as *as, const uint8_t *si, size_t len);
const char *hss_sh_dref_name(uint32_t data_ref);

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
	struct snmp_cfg snmp;          /* the SNMP agent (read at start only) */
	struct cm_policy *policy;          /* policy: (reloaded; NULL: none) */
	struct hss_cx_cfg cx;          /* cx: */
	struct hss_sh_cfg sh;          /* sh: */
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
 * Counters (hss/stats.c): atomic, updated on the message path, read by the logs (SIGUSR1),
 * the control channel (`stats`) and the SNMP agent (hss/mib.c); there is no other copy.
 * ------------------------------------------------------------------------------------- */

enum hss_cmd {
	HSS_CMD_ULR, HSS_CMD_AIR, HSS_CMD_PUR, HSS_CMD_NOR,
	HSS_CMD_CLR, HSS_CMD_IDR, HSS_CMD_DSR,  /* sent by the HSS */
	HSS_CMD_UAR, HSS_CMD_MAR, HSS_CMD_SAR, HSS_CMD_LIR,   /* Cx/Dx */
	HSS_CMD_RTR, HSS_CMD_PPR,               /* Cx, sent by the HSS */
	HSS_CMD_UDR, HSS_CMD_SH_PUR, HSS_CMD_SNR,   /* Sh */
	HSS_CMD_PNR,                            /* Sh, sent by the HSS */
	HSS_CMD_MAX
};

/* A command as the wire and the MIB know it: hssCmdTable is indexed by (app, code), so a
 * command added here (with its hss_cmd_info entry) shows there without a MIB change. */
struct hss_cmd_info {
	const char *name;              /* "ULR" */
	uint32_t app;                  /* Application-Id */
	uint32_t code;                 /* command code */
	bool sent;                     /* the HSS sends the request (CLR, IDR, DSR) */
};
const struct hss_cmd_info *hss_cmd_info(enum hss_cmd c);

/* Distinct results counted one by one per command (the most common ones: first seen, first
 * kept); others go to codes_other. */
#define HSS_STATS_CODES 16
#define HSS_STATS_CODE_EXP 0x80000000u   /* in hss_code_count.key: an Experimental-Result */

struct hss_code_count {
	atomic_uint key;               /* code | HSS_STATS_CODE_EXP if experimental; 0: free */
	atomic_ulong count;
};

/* Result classes of answers: 1xxx .. 5xxx, then anything else (no result at all). */
#define HSS_ANS_NCLASS 6

struct hss_cmd_stats {
	atomic_ulong requests;         /* received (or sent, for CLR/IDR/DSR/RTR/PPR/PNR) */
	atomic_ulong success;          /* answered (or answered to us) with a 2xxx Result-Code or
	                                * Experimental-Result-Code (2001, Cx 2001-2004) */
	atomic_ulong user_unknown;     /* 5001 */
	atomic_ulong rejected;         /* other permanent/transient failures (incl. 5004/5005) */
	atomic_ulong errors;           /* internal errors (5012), send failures */
	atomic_ulong timeouts;         /* CLR/IDR/DSR: no answer within clr_timeout_ms */
	atomic_ulong answers[HSS_ANS_NCLASS];   /* answers sent (received, for CLR/IDR/DSR) by
	                                         * result class */
	struct hss_code_count codes[HSS_STATS_CODES];  /* the same by result code */
	atomic_ulong codes_other;
};

/* Upper bounds (microseconds) of the database latency histogram; the last bucket is
 * everything above the one before. */
#define HSS_DB_LAT_NBUCKETS 10
extern const uint32_t hss_db_lat_bounds[HSS_DB_LAT_NBUCKETS];

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
	atomic_ulong db_ops;           /* database operations (hss_stats_db_us), timed */
	atomic_ulong db_latency_us;    /* their total duration, microseconds */
	atomic_ulong db_latency_max_us;  /* the longest one */
	atomic_ulong db_latency[HSS_DB_LAT_NBUCKETS];  /* how many took <= hss_db_lat_bounds[i] */
	atomic_ulong reloads_ok, reloads_failed;
	atomic_llong last_reload_time; /* time() of the last SIGHUP reload; 0: none */
	atomic_int last_reload_status; /* 1 none, 2 succeeded, 3 failed (as the MIB) */
};

extern struct hss_stats hss_stats;
const char *hss_cmd_name(enum hss_cmd c);
/* Count one answer with this result (Result-Code or Experimental-Result-Code): the named
 * counters, the class and the code. hss_stats_count takes it as a Result-Code. */
void hss_stats_count(enum hss_cmd c, uint32_t result);
void hss_stats_count_res(enum hss_cmd c, uint32_t code, bool exp);
/* Only the class and code counters (answers to the requests the HSS sends). */
void hss_stats_code(enum hss_cmd c, uint32_t code, bool exp);
/* A database operation has ended after us microseconds: every read transaction and every
 * write (queued to durable) of S6a, Cx, Sh and the outboxes; the database handle's
 * hss_db_opts.timing. */
void hss_stats_db_us(uint64_t us);
/* The outcome of a SIGHUP reload (reload.c). */
void hss_stats_reloaded(bool ok);
/* Totals of the HSS-initiated requests (commands with info->sent). */
struct hss_initiated {
	uint64_t sent, answered, failed, timed_out;
};
void hss_stats_initiated(struct hss_initiated *ret);
/* One line per command, then totals, database, reload and peer lines, through
 * fd_log_notice ("hss: stats: ULR requests=.. ..."). */
void hss_stats_log(void);
/* The same lines into buf, separated by "; " (for the control channel); returns the length
 * written. */
size_t hss_stats_format(char *buf, size_t bufsz);

/* The SNMP subtree of the HSS (hss/mib.c, dcoreHss in DCORE-MIB): hssGlobal, hssPeerTable,
 * hssCmdTable, hssCmdResultTable, hssDbLatencyTable and the notifications (peer up/down,
 * failed reload); db is where hssSubscribers is counted. Before snmp_start. */
int hss_mib_register(struct hss_db *db);
/* The problem of the last reload that failed ("" after a successful one). */
void hss_reload_error(char *out, size_t outsz);

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
/* A procedure that writes (AIR, ULR, PUR, NOR) gives its request to the database's group
 * commit and returns: its answer is built and sent from a database writer thread once the
 * write is durable, so a dispatch thread never waits for an fsync. drain: wait up to
 * timeout_ms until no such request is left (0, or ETIMEDOUT). quiesce: from now on the
 * procedures wait for their write on their own thread, then drain (before the Diameter core
 * shuts down: no answer may be sent after it). */
int hss_s6a_drain(unsigned timeout_ms);
int hss_s6a_quiesce(unsigned timeout_ms);

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
/* RTR/PPR entries waiting in the outbox, counted up to max (SNMP hssCxOutbox); ENOTSUP when
 * Cx is off, or the store's error. */
int hss_cx_outbox_depth(size_t max, size_t *ret);

/* ---------------------------------------------------------------------------------------
 * The Sh application (hss/sh/, TS 29.328/29.329): UDR, PUR, SNR served to application
 * servers under the sh: permissions from the IMS store (hss/imsdb: repository data, Sh
 * subscriptions) and S6a (location, user state); PNR sent from the store's notification
 * outbox (written by the changes: PUR, SAR and every registration change, new profiles).
 * ------------------------------------------------------------------------------------- */

/* Open the IMS store on db and register Sh with its handlers (after cm_diam_init and
 * dict_sh_load, before cm_diam_start; db must outlive it). */
int hss_sh_init(struct hss_db *db);
/* Start sending notifications (after cm_diam_start); stop (before cm_diam_shutdown). */
int hss_sh_start(void);
void hss_sh_stop(void);
/* Send what the notification outbox holds now (the control socket's `outbox`). */
void hss_sh_wake(void);
/* PNR notifications waiting in the outbox, counted up to max (SNMP hssShOutbox); ENOTSUP
 * when Sh is off. */
int hss_sh_outbox_depth(size_t max, size_t *ret);
/* Close the store, once freeDiameter no longer dispatches. */
void hss_sh_fini(void);

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

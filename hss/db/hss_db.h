/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hss_db.h: the one public header of hss/db/, the HSS subscriber database. It holds the
 * subscriber model (provisioned data, APN configurations, serving state), its validation
 * and text conversion shared by every backend and by hssctl, and the pluggable backend
 * interface (a struct of function pointers plus a capability mask, Kamailio srdb style).
 *
 * The HSS keeps no state of its own: everything (including the SQN and the serving MME)
 * lives here, so several HSS processes may share one database.
 *
 * Conventions: functions return 0 or an errno value:
 *   ENOENT  unknown IMSI (or MSISDN)
 *   EEXIST  insert of an IMSI that exists (HSS_DB_PUT_NO_REPLACE)
 *   EINVAL  invalid data or arguments; a message naming the field and value is available
 *   EIO     database error (message available)
 *   ENOTSUP the backend does not implement the operation
 *   ENOMEM  out of memory
 * and, for the faults of a running database (the HSS answers all of them 5012 and logs one
 * line per cause and outage):
 *   ETIMEDOUT the database did not become available within the open timeout
 *             (struct hss_db_opts.timeout_ms): locked by another process, a stalled server,
 *             every pooled connection busy
 *   EROFS     the database refuses writes (read-only file, read-only server)
 *   ENOSPC    the disk holding the database is full
 *   ESTALE    the SQLite file was moved, deleted or replaced while open: the handle stops
 *             using the old file and serves again once a valid database is at the path
 *   ENOTCONN  the database server cannot be reached
 * Functions with `char *err, size_t errlen` write one line there on failure; the others
 * leave a message for the calling thread in hss_db_strerror(). `ret_*` outputs are untouched
 * on failure. Every function may be called from several threads on one struct hss_db.
 */
#ifndef HSS_DB_H
#define HSS_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------------------------------
 * Subscriber model
 * ------------------------------------------------------------------------------------- */

#define HSS_DB_MAX_APNS     32      /* APN configurations per subscriber */
#define HSS_DB_MAX_PLMNS    32      /* allowed visited PLMNs per subscriber */
#define HSS_DB_MAX_VECTORS  32      /* SQNs one sqn_reserve may hand out */
#define HSS_DB_SQN_MAX      0xffffffffffffULL   /* SQN is 48 bits (TS 33.102) */
#define HSS_DB_HOST_LEN     256     /* DiameterIdentity incl. NUL */
#define HSS_DB_APN_LEN      101     /* APN (TS 23.003 9.1: at most 100 octets) incl. NUL */

enum hss_sub_status { HSS_SUB_SERVICE_GRANTED = 0, HSS_SUB_OPERATOR_DETERMINED_BARRING = 1 };
enum hss_nam { HSS_NAM_PACKET_AND_CIRCUIT = 0, HSS_NAM_ONLY_PACKET = 2 };
enum hss_pdn_type { HSS_PDN_IPV4 = 0, HSS_PDN_IPV6 = 1, HSS_PDN_IPV4V6 = 2, HSS_PDN_IPV4_OR_IPV6 = 3 };
enum hss_pgw_alloc { HSS_PGW_STATIC = 0, HSS_PGW_DYNAMIC = 1 };
enum hss_node { HSS_NODE_MME = 0, HSS_NODE_SGSN = 1 };

/* One APN-Configuration (TS 29.272 7.3.35). Empty strings mean "absent". */
struct hss_apn {
	uint32_t ctx_id;                 /* Context-Identifier, >= 1, unique per subscriber */
	char apn[HSS_DB_APN_LEN];        /* Service-Selection; "*" is the wildcard APN */
	uint32_t pdn_type;               /* enum hss_pdn_type */
	uint32_t qci;                    /* 1..254 */
	uint32_t arp_prio;               /* Priority-Level 1..15 */
	bool preempt_cap;                /* true: may pre-empt (Pre-emption-Capability ENABLED(0)) */
	bool preempt_vuln;               /* true: may be pre-empted (Pre-emption-Vulnerability ENABLED(0)) */
	uint32_t ambr_ul, ambr_dl;       /* APN-AMBR in bit/s; 0: not sent */
	char static_ipv4[16];            /* Served-Party-IP-Address */
	char static_ipv6[46];
	uint32_t pgw_alloc;              /* enum hss_pgw_alloc, PDN-GW-Allocation-Type */
	bool vplmn_dyn;                  /* VPLMN-Dynamic-Address-Allowed */
	char pgw_host[HSS_DB_HOST_LEN];  /* MIP6-Agent-Info / MIP-Home-Agent-Host */
	char pgw_realm[HSS_DB_HOST_LEN];
};

/* Serving state, written by the HSS (ULR, PUR, NOR), never by put_sub. */
struct hss_serving {
	char mme_host[HSS_DB_HOST_LEN];  /* "" when no MME is registered */
	char mme_realm[HSS_DB_HOST_LEN];
	char mme_number_for_mt_sms[16];
	int64_t mme_ulr_time;            /* unix seconds of the last ULR from the MME, 0: never */
	bool mme_purged;                 /* "UE purged in MME" */
	char sgsn_host[HSS_DB_HOST_LEN];
	char sgsn_realm[HSS_DB_HOST_LEN];
	int64_t sgsn_ulr_time;
	bool sgsn_purged;
	uint32_t ulr_flags;              /* ULR-Flags of the last ULR */
	uint32_t nor_flags;              /* NOR-Flags of the last NOR */
	int32_t ue_srvcc_support;        /* -1 unknown, 0 not supported, 1 supported */
	int32_t homogeneous_ims_voice;   /* -1 unknown, 0 NOT_SUPPORTED, 1 SUPPORTED */
	int32_t last_rat_type;           /* RAT-Type of the last ULR, -1 unknown */
	char visited_plmn[7];            /* MCCMNC of the last ULR's Visited-PLMN-Id */
};

struct hss_sub {
	char imsi[16];                   /* 5..15 digits */
	char msisdn[16];                 /* optional, 1..15 digits */
	char a_msisdn[16];               /* optional */
	uint8_t k[16];
	uint8_t op[16];                  /* OP, or OPc when opc is true */
	bool opc;
	uint8_t amf[2];                  /* default 80 00 */
	uint64_t sqn;                    /* the last SQN handed out (SEQ||IND), 48 bits */
	uint32_t ind_bits;               /* length of IND in bits, default 5 (0..16) */
	uint32_t subscriber_status;      /* enum hss_sub_status */
	uint32_t odb;                    /* Operator-Determined-Barring bitmask */
	uint32_t network_access_mode;    /* enum hss_nam */
	uint32_t access_restriction_data;/* Access-Restriction-Data: also the RAT restrictions */
	uint32_t ambr_ul, ambr_dl;       /* subscribed UE-AMBR, bit/s */
	bool roaming_allowed;            /* false: home network only */
	char roaming_plmns[HSS_DB_MAX_PLMNS][7]; /* allowed visited PLMNs (MCCMNC); none: all */
	size_t n_roaming_plmns;
	uint32_t periodic_tau;           /* Subscribed-Periodic-RAU-TAU-Timer, s; 0: not sent */
	char charging_chars[5];          /* 4 hex digits or "" */
	uint32_t default_ctx_id;         /* APN-Configuration-Profile Context-Identifier; 0: first APN */
	struct hss_apn apns[HSS_DB_MAX_APNS];
	size_t n_apns;
	struct hss_serving serving;
};

/* Fill with the defaults: AMF 8000, ind_bits 5, SERVICE_GRANTED, ONLY_PACKET, roaming
 * allowed, unknown serving-state values at -1, everything else zero/empty. */
void hss_sub_init(struct hss_sub *sub);
/* Wipe the key material (K, OP/OPc) of a subscriber before its memory is released. */
void hss_sub_wipe(struct hss_sub *sub);
/* Defaults of an APN: IPv4v6, QCI 9, ARP 8, no pre-emption, vulnerable, dynamic. */
void hss_apn_init(struct hss_apn *apn);

/* Check the whole subscriber (IMSI, MSISDN, hex lengths, ranges, APN names, unique context
 * ids, default context id naming an APN, ...). EINVAL with "field 'X': value 'V': why". */
int hss_sub_validate(const struct hss_sub *sub, char *err, size_t errlen);

/* Set one field from text, as hssctl, CSV and YAML imports give it. Names (case and '-'/'_'
 * insensitive): imsi msisdn a_msisdn k op opc amf sqn ind_bits subscriber_status|status
 * odb network_access_mode|nam access_restriction_data|ard ambr_ul ambr_dl
 * roaming_allowed|roaming roaming_plmns periodic_tau charging_chars default_ctx_id
 * apn (append one or more ';'-separated APN specs) apns (replace all APNs), and the serving
 * fields mme_host mme_realm mme_number_for_mt_sms mme_ulr_time mme_purged sgsn_host
 * sgsn_realm sgsn_ulr_time sgsn_purged ulr_flags nor_flags ue_srvcc_support
 * homogeneous_ims_voice last_rat_type visited_plmn.
 * Numbers are decimal or 0x hex; booleans 1/0 true/false yes/no allow/deny; enums take
 * their name or number. An empty value clears an optional field.
 * An APN spec is "NAME[,key=value...]" with keys ctx qci arp pdn (ipv4|ipv6|ipv4v6|
 * ipv4_or_ipv6) ambr_ul ambr_dl preempt_cap preempt_vuln static_ip static_ipv4
 * static_ipv6 pgw_alloc (static|dynamic) vplmn_dyn pgw_host pgw_realm; ctx defaults to the
 * next free id. EINVAL (unknown field or bad value) with a message naming both. */
int hss_sub_set(struct hss_sub *sub, const char *field, const char *value, char *err,
                size_t errlen);
/* Whether hss_sub_set knows this field name (canonical, alias, "op", "opc", "apn"). */
bool hss_sub_field_known(const char *field);
int hss_apn_parse(const char *spec, struct hss_apn *apn, char *err, size_t errlen);

/* Text of one field as hss_sub_set accepts it back (hex in lower case, enum names for
 * status/nam, APN specs ';'-separated for "apns"). EINVAL: unknown field; ENOSPC. */
int hss_sub_get(const struct hss_sub *sub, const char *field, char *buf, size_t bufsz);
int hss_apn_format(const struct hss_apn *apn, char *buf, size_t bufsz);

/* Canonical field names for hss_sub_get/set in display order (NULL-terminated); the
 * serving ones have serving set. type tells how to show the hss_sub_get text (JSON):
 * 's' string, 'n' number, 'b' boolean ("true"/"false"), 'l' comma-separated list of
 * strings, 'a' the APN list. */
struct hss_field_info {
	const char *name;
	const char *help;
	bool serving;
	char type;
};
const struct hss_field_info *hss_sub_fields(void);

/* Single-value validators, also used by the tools. EINVAL with a message. */
int hss_valid_imsi(const char *imsi, char *err, size_t errlen);
int hss_valid_msisdn(const char *field, const char *msisdn, char *err, size_t errlen);
int hss_valid_apn_name(const char *apn, char *err, size_t errlen);
int hss_valid_plmn(const char *field, const char *mccmnc, char *err, size_t errlen);

/* ---------------------------------------------------------------------------------------
 * Database handle and operations
 * ------------------------------------------------------------------------------------- */

struct hss_db;

/* Authentication data returned by sqn_reserve, read and updated in one transaction. */
struct hss_auth_data {
	uint8_t k[16];
	uint8_t op[16];
	bool opc;                        /* op holds OPc (else OP: derive OPc) */
	uint8_t amf[2];
	uint32_t ind_bits;
	uint64_t sqn_prev;               /* stored SQN the reservation started from */
	uint64_t sqn[HSS_DB_MAX_VECTORS];/* the n SQNs to put in the vectors, in order */
	unsigned n;
};

/* Advance an SQN by one vector (SEQ||IND arithmetic, TS 33.102 Annex C). The HSS passes
 * hss_sqn_next from hss/auth; NULL selects the built-in: SEQ+1, IND+1 mod 2^ind_bits. It
 * runs inside the database transaction: it must be pure arithmetic. */
typedef uint64_t (*hss_db_sqn_next_fn)(uint64_t sqn, unsigned ind_bits);
uint64_t hss_db_sqn_next_default(uint64_t sqn, unsigned ind_bits);

/* A field update for hss_db_update: name and text value as for hss_sub_set. */
struct hss_db_kv {
	const char *name;
	const char *value;
};

/* What a ULR writes (set_serving). Strings may be NULL (= leave empty). */
struct hss_db_serving_upd {
	enum hss_node node;              /* MME (S6a) or SGSN (S6d) */
	const char *host, *realm;        /* Origin-Host / Origin-Realm of the ULR */
	int64_t time;                    /* unix seconds; 0: now */
	uint32_t ulr_flags;
	int32_t rat_type;                /* -1: unknown */
	const char *visited_plmn;        /* MCCMNC or NULL */
	int32_t ue_srvcc_support;        /* -1: leave as stored */
	int32_t homogeneous_ims_voice;   /* -1: leave as stored */
	const char *mme_number_for_mt_sms; /* NULL: leave as stored */
	/* An MME's ULR with Single-Registration-Indication: the UE is the MME's alone, the
	 * registered SGSN is forgotten (host, realm, purged flag) in the same transaction. */
	bool forget_sgsn;
};

/* Reading a subscriber fills what it holds: the entries of apns[] past n_apns are left as
 * they were. */

/* Called once per subscriber by hss_db_list_subs; a non-zero return stops the listing and is
 * returned by hss_db_list_subs. */
typedef int (*hss_db_list_cb)(const struct hss_sub *sub, void *arg);

/* Pulls the next subscriber for put_stream: 0 and *out filled, ENOENT at the end, any
 * other errno aborts (the whole stream is rolled back). *out arrives with every field at
 * its default and no APN (the entries of apns[] past n_apns are not cleared). */
typedef int (*hss_db_stream_fn)(void *arg, struct hss_sub *out);

/* put flags */
#define HSS_DB_PUT_NO_REPLACE 0x1u   /* EEXIST if the IMSI exists */
#define HSS_DB_PUT_KEEP_SQN   0x2u   /* an existing subscriber keeps its stored SQN */

/* Opening flags. A database is never created by accident: without HSS_DB_OPEN_CREATE a
 * missing SQLite file, or a database without the HSS schema, is refused (EIO, the message
 * names the path and says to run `hssctl init`), and nothing is created. An existing HSS
 * schema older than the build is migrated either way. */
#define HSS_DB_OPEN_CREATE 0x1u      /* create the file and/or the schema when missing */

#define HSS_DB_TIMEOUT_DEFAULT_MS 1000u

struct hss_db_opts {
	unsigned flags;                  /* HSS_DB_OPEN_* */
	/* Bound on every wait of one operation: for a free pooled connection, for a lock held
	 * by another process or transaction, for the server. Past it the operation fails with
	 * ETIMEDOUT. 0: HSS_DB_TIMEOUT_DEFAULT_MS. Keep it well below the peers' Tx timer. */
	unsigned timeout_ms;
	/* Optional: called when each operation ends (a read transaction; a write, from being
	 * queued to being durable and reported, just before its caller is told), with how long
	 * it took in microseconds. From any thread; keep it cheap. */
	void (*timing)(uint64_t us);
};

/* ---------------------------------------------------------------------------------------
 * Keyed records: generic storage for the data of other domains (IMS subscriptions, their
 * indexes, registration state, Sh repository data ...), the same on every backend. A record
 * is (table, key) -> opaque bytes + version. Tables are names of 1..32 characters
 * [a-z0-9_.]; keys are text of 1..HSS_DB_REC_KEY_MAX octets without NUL, ordered octet by
 * octet (memcmp); values are 0..HSS_DB_REC_VALUE_MAX octets. The version of a new record is
 * derived from the clock (microseconds) and each put adds one, so a reader can tell that a
 * record changed; deleting and creating again gives a new, different version.
 * ------------------------------------------------------------------------------------- */

#define HSS_DB_REC_TABLE_MAX 32u
#define HSS_DB_REC_KEY_MAX 512u
#define HSS_DB_REC_VALUE_MAX (4u << 20)
/* expect argument of put/del */
#define HSS_DB_REC_ANY UINT64_MAX     /* whatever is there (put: insert or replace) */
#define HSS_DB_REC_NEW 0              /* put: only if absent (else EEXIST) */

/* One record as read. key and data are malloc'd and NUL-terminated (data may hold NULs:
 * use len); hss_db_rec_free wipes and frees them. */
struct hss_db_rec {
	char *key;
	uint8_t *data;
	size_t len;
	uint64_t version;
};
void hss_db_rec_free(struct hss_db_rec *r);   /* accepts NULL and a zeroed record */

/* Called once per record by the listings; a non-zero return stops the listing and is
 * returned. The record is the caller's only for the call. */
typedef int (*hss_db_rec_cb)(const struct hss_db_rec *r, void *arg);

/* Capabilities (hss_db_caps) */
#define HSS_DB_CAP_MULTI_PROCESS 0x1u /* several processes may share the database */
#define HSS_DB_CAP_ATOMIC_STREAM 0x2u /* put_stream is all-or-nothing */
#define HSS_DB_CAP_MSISDN        0x4u /* get_sub_by_msisdn is indexed */
#define HSS_DB_CAP_MIGRATIONS    0x8u /* schema versioned and migrated on open */
#define HSS_DB_CAP_RECORDS      0x10u /* keyed records (rec_*, tx_*) */

/* A database handle (backend, connection pool, writer). Backends are compiled in and plug
 * in below the public API: see db_int.h and README.md "Adding a backend". */
struct hss_db;

/* A transaction in progress, and the body of one: reads and writes through tx, returns 0
 * to commit or an errno to roll back. A write body may be run again from the start (a
 * deadlock, or another body of the same group commit failed): it must keep no effect
 * outside the database until the transaction returned 0, and set its results afresh on
 * each run. */
struct hss_db_tx;
typedef int (*hss_db_tx_fn)(struct hss_db_tx *tx, void *arg);
/* Called once when an asynchronous operation ended: rc 0 (durable) or its errno, with the
 * message in hss_db_strerror() of the calling thread. It runs on a database writer thread:
 * it must not wait for another write of the same handle. */
typedef void (*hss_db_done_fn)(void *arg, int rc);

/* Open a database. backend: "sqlite" (or NULL for sqlite); uri as the backend wants it;
 * opts NULL: no flags, default timeout. ENOENT: unknown backend; EIO/EINVAL with err
 * filled. */
int hss_db_open(const char *backend, const char *uri, const struct hss_db_opts *opts,
                struct hss_db **ret, char *err, size_t errlen);
/* Open "BACKEND:URI" (e.g. "sqlite:/var/lib/hss.db"); a spec without a known backend
 * prefix is a SQLite path. */
int hss_db_open_spec(const char *spec, const struct hss_db_opts *opts, struct hss_db **ret,
                     char *err, size_t errlen);
void hss_db_close(struct hss_db *db);   /* accepts NULL */
/* The URI as it may be shown or logged: a password ("//USER:PASSWORD@") becomes "***".
 * Returns buf. */
const char *hss_db_uri_redact(const char *uri, char *buf, size_t len);
const char *hss_db_backend_name(const struct hss_db *db);
unsigned hss_db_caps(const struct hss_db *db);
/* NULL-terminated list of compiled-in backend names. */
const char *const *hss_db_backends(void);

/* Files at rest (db_files.c). A SQLite database (backend "sqlite" or NULL, uri its path
 * with options) is created 0600, and its -wal and -shm get its mode: they hold K and
 * OP/OPc. hss_db_file_access returns what group and others may do with those files (their
 * mode bits & 077, or'ed over the three; 0 for a server backend, ":memory:" or files that
 * do not exist) and, when not 0, says in msg which file has which mode and how to fix it.
 * hss_db_spec_file_access does the same for "BACKEND:URI" or a path, as hss_db_open_spec
 * reads it. The caller decides: the HSS warns, hssctl refuses to write keys into a file
 * other users may read. */
unsigned hss_db_file_access(const char *backend, const char *uri, char *msg, size_t len);
unsigned hss_db_spec_file_access(const char *spec, char *msg, size_t len);
/* The SQLite file a spec names (without options): 0, or ENOENT for a server backend or
 * ":memory:". */
int hss_db_spec_file(const char *spec, char *buf, size_t len);

/* Message of the last failing call of this thread ("" if none). */
const char *hss_db_strerror(void);
/* A transaction body's own error: bodies of writes run on a database writer thread, so the
 * message of an error of their own reaches the caller (its hss_db_strerror()) only when
 * the body leaves it here, as the database's own errors are. Returns e. */
int hss_db_tx_error(int e, const char *msg);
/* Inside a write transaction's body: call fn (no argument; on a writer thread, keep it
 * short) once the transaction is durable, before its caller is told; never if it fails or
 * is rolled back (a body run again must ask again). One fn per transaction: EBUSY for a
 * second, different one; EINVAL outside a write transaction. */
int hss_db_tx_on_commit(struct hss_db_tx *tx, void (*fn)(void));

int hss_db_get_sub(struct hss_db *db, const char *imsi, struct hss_sub *out);
/* MSISDNs are not required to be unique: the subscriber with the lowest IMSI is returned. */
int hss_db_get_sub_by_msisdn(struct hss_db *db, const char *msisdn, struct hss_sub *out);
/* Validates first (EINVAL). */
int hss_db_put_sub(struct hss_db *db, const struct hss_sub *sub, unsigned flags);
/* Each yielded subscriber is validated; an invalid one aborts the stream (EINVAL). */
int hss_db_put_stream(struct hss_db *db, unsigned flags, hss_db_stream_fn next, void *arg,
                      size_t *ret_n);
int hss_db_update(struct hss_db *db, const char *imsi, const struct hss_db_kv *kv, size_t n,
                  char *err, size_t errlen);
int hss_db_del_sub(struct hss_db *db, const char *imsi);
int hss_db_list_subs(struct hss_db *db, const char *after_imsi, uint64_t offset, uint64_t limit,
                     hss_db_list_cb cb, void *arg);
int hss_db_count(struct hss_db *db, uint64_t *ret);

/* Reserve n SQNs in ONE write transaction: read K, OP/OPc, AMF, ind_bits and the stored
 * SQN s, compute sqn[i] = next^(i+1)(s) for i < n (1 <= n <= HSS_DB_MAX_VECTORS), store
 * sqn[n-1], return all of it. Two calls never hand out the same SQN, whatever the threads
 * or processes. next NULL: hss_db_sqn_next_default. */
int hss_db_sqn_reserve(struct hss_db *db, const char *imsi, unsigned n, hss_db_sqn_next_fn next,
                       struct hss_auth_data *ret);
/* Re-synchronisation (AIR with Re-Synchronization-Info): the stored SQN becomes sqn_ms
 * unless it is already higher (no SQN is ever handed out twice), then n SQNs are reserved after it, in the same transaction. */
int hss_db_sqn_resync_reserve(struct hss_db *db, const char *imsi, uint64_t sqn_ms, unsigned n,
                              hss_db_sqn_next_fn next, struct hss_auth_data *ret);
int hss_db_sqn_set(struct hss_db *db, const char *imsi, uint64_t sqn);

int hss_db_set_serving(struct hss_db *db, const char *imsi, const struct hss_db_serving_upd *u,
                       struct hss_serving *ret_old);
/* Convenience for an MME ULR: registers host/realm, returns the previous MME (empty
 * strings if none) so the HSS can send a CLR to it when it differs. The ret_* buffers
 * should be HSS_DB_HOST_LEN long; either may be NULL. */
int hss_db_set_serving_mme(struct hss_db *db, const char *imsi, const char *host,
                           const char *realm, char *ret_old_host, size_t old_host_len,
                           char *ret_old_realm, size_t old_realm_len);
int hss_db_set_purged(struct hss_db *db, const char *imsi, enum hss_node node, const char *host,
                      bool *ret_matched);
/* Store what a NOR carries (fields < 0 are left as stored). */
int hss_db_store_nor(struct hss_db *db, const char *imsi, uint32_t nor_flags,
                     int32_t ue_srvcc_support, int32_t homogeneous_ims_voice);

/* ---------------------------------------------------------------------------------------
 * The writes of a Diameter request without holding its thread: each returns 0 when the
 * write is queued, and done(arg, rc) is called once on a database writer thread after the
 * write is durable (rc 0) or failed (rc as the function above would return; the message in
 * hss_db_strerror() of that thread). The outputs are filled before done is called. Every
 * input (strings, u) and output must stay valid until then. An error returned at once
 * (invalid input, the database known to be locked, out of memory) means done is never
 * called. Writes queued together are committed together, with one fsync (group commit),
 * and no caller learns its result before it is durable.
 * ------------------------------------------------------------------------------------- */

/* resync_sqn_ms: NULL, or SQN_MS of a re-synchronisation (as hss_db_sqn_resync_reserve).
 * flags HSS_DB_RESERVE_NEED_APN: a subscriber without APN configuration (no EPS
 * subscription) fails with ENODATA and nothing is reserved: the AIR needs no read first. */
#define HSS_DB_RESERVE_NEED_APN 0x1u
int hss_db_sqn_reserve_async(struct hss_db *db, const char *imsi, unsigned n,
                             hss_db_sqn_next_fn next, const uint64_t *resync_sqn_ms,
                             unsigned flags, struct hss_auth_data *ret, hss_db_done_fn done,
                             void *arg);
int hss_db_set_serving_async(struct hss_db *db, const char *imsi,
                             const struct hss_db_serving_upd *u, struct hss_serving *ret_old,
                             hss_db_done_fn done, void *arg);
/* A ULR in one transaction: read the whole subscriber (locked), let check decide on it
 * (check may be NULL; a non-zero return refuses the update: nothing is written, done gets
 * ECANCELED and *ret_refused that value), store the new serving node. *ret_sub (may be
 * NULL) receives the subscriber as read (for the Subscription-Data), *ret_old its serving
 * state before. check runs on a writer thread, maybe more than once (a group run again):
 * it must only look at sub and its argument. */
typedef int (*hss_db_check_fn)(const struct hss_sub *sub, void *arg);
int hss_db_update_location_async(struct hss_db *db, const char *imsi,
                                 const struct hss_db_serving_upd *u, hss_db_check_fn check,
                                 void *check_arg, struct hss_sub *ret_sub,
                                 struct hss_serving *ret_old, int *ret_refused,
                                 hss_db_done_fn done, void *arg);
/* The same, waiting for it. */
int hss_db_update_location(struct hss_db *db, const char *imsi,
                           const struct hss_db_serving_upd *u, hss_db_check_fn check,
                           void *check_arg, struct hss_sub *ret_sub, struct hss_serving *ret_old,
                           int *ret_refused);
/* A purge by host of the MME and/or SGSN registration (mme, sgsn: which ones to try), in
 * one transaction; *ret_mme / *ret_sgsn: whether each was set (host matched). */
int hss_db_purge_async(struct hss_db *db, const char *imsi, const char *host, bool mme,
                       bool sgsn, bool *ret_mme, bool *ret_sgsn, hss_db_done_fn done,
                       void *arg);
int hss_db_store_nor_async(struct hss_db *db, const char *imsi, uint32_t nor_flags,
                           int32_t ue_srvcc_support, int32_t homogeneous_ims_voice,
                           hss_db_done_fn done, void *arg);
/* Writes queued or running, of every kind (for a clean stop: wait for 0). */
unsigned hss_db_pending(struct hss_db *db);

/* The group commit so far: groups committed (or failed), the writes they carried (writes /
 * groups: how many answers one commit, one fsync, made durable), those that failed (a
 * fault of the database, not a result of the operation's own such as ENOENT), and
 * the time spent running the bodies, committing, and running the done callbacks;
 * deadlocks: runs of a group that ended in a deadlock (each run again after a pause while
 * the deadline allowed; a rate that grows means writers contend for the same records). */
struct hss_db_wstats {
	uint64_t groups, writes, failed;
	uint64_t exec_us, commit_us, complete_us;
	uint64_t deadlocks;
};
void hss_db_writer_stats(struct hss_db *db, struct hss_db_wstats *ret);

/* ---------------------------------------------------------------------------------------
 * Keyed records (see the top of this part of the header). Every function checks table
 * names, keys and sizes (EINVAL with the message) and returns the errors of the other
 * operations (ENOENT absent, ETIMEDOUT, EROFS, ENOSPC, ESTALE, ENOTCONN, EIO) plus EEXIST and
 * ECANCELED for put/del conditions. ENOTSUP when the backend has no records.
 * ------------------------------------------------------------------------------------- */

/* Check a table name / key as the functions below do (0 or EINVAL with the message). */
int hss_db_rec_check(const char *table, const char *key);

int hss_db_rec_get(struct hss_db *db, const char *table, const char *key,
                   struct hss_db_rec *ret);
/* Every record of table whose key starts with prefix (NULL or "": all) and is greater than
 * after (NULL or "": from the start), in key order, at most limit (0: no limit). Fetched a
 * page at a time; the connection is released before cb runs (cb may use the database). */
int hss_db_rec_list(struct hss_db *db, const char *table, const char *prefix, const char *after,
                    uint64_t limit, hss_db_rec_cb cb, void *arg);
/* Single-record writes, each its own transaction. */
int hss_db_rec_put(struct hss_db *db, const char *table, const char *key, const void *data,
                   size_t len, uint64_t expect, uint64_t *ret_version);
int hss_db_rec_del(struct hss_db *db, const char *table, const char *key, uint64_t expect);

/* Run fn in one write transaction (see hss_db_tx_fn). Transactions cannot nest. */
int hss_db_rec_tx(struct hss_db *db, hss_db_tx_fn fn, void *arg);
/* Inside fn only. */
int hss_db_tx_get(struct hss_db_tx *tx, const char *table, const char *key,
                  struct hss_db_rec *ret);
int hss_db_tx_put(struct hss_db_tx *tx, const char *table, const char *key, const void *data,
                  size_t len, uint64_t expect, uint64_t *ret_version);
int hss_db_tx_del(struct hss_db_tx *tx, const char *table, const char *key, uint64_t expect);
/* As hss_db_rec_list, inside the transaction (cb must not start another transaction). */
int hss_db_tx_list(struct hss_db_tx *tx, const char *table, const char *prefix,
                   const char *after, uint64_t limit, hss_db_rec_cb cb, void *arg);

#endif /* HSS_DB_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cm.h: the one public header of common/, the code both daemons and the tools share:
 * freeDiameter embedding (configuration from YAML, loopback listening, signals), the YAML
 * loader with schema checking, AVP helpers, the AVP value codec and message dumps, and the
 * TBCD / PLMN / hex codecs.
 *
 * It is also the only place that includes freeDiameter's headers, in the order Debian's
 * libfdproto.h needs (freeDiameter-host.h first).
 *
 * Conventions: functions return 0 or an errno value; `ret_*` outputs are untouched on
 * failure; functions taking `char *err, size_t errlen` write one human-readable line there
 * on failure, of the form "FILE:LINE: key 'KEY': problem" when it comes from a YAML file.
 */
#ifndef CM_H
#define CM_H

#include <freeDiameter/freeDiameter-host.h>
#include <freeDiameter/libfdcore.h>

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---------------------------------------------------------------------------------------
 * YAML documents with line numbers (common/yaml.c)
 * ------------------------------------------------------------------------------------- */

enum cm_ytype { CM_Y_SCALAR, CM_Y_MAP, CM_Y_SEQ };

/* One node of a loaded YAML document. Map members and sequence items are the `child` list
 * linked through `next`; a map member carries its key. Scalars are NUL-terminated copies
 * (`len` excludes the NUL). Aliases are resolved; anchors and merge keys are not supported. */
struct cm_ynode {
	enum cm_ytype type;
	const char *file;          /* owned by the document */
	int line, col;             /* 1-based position of the value */
	char *key;                 /* key when this node is a map member, else NULL */
	int key_line;              /* line of the key */
	char *str;                 /* scalar text, else NULL */
	size_t len;
	bool quoted;               /* scalar was quoted: never a number/bool/null */
	struct cm_ynode *child;    /* first member/item */
	struct cm_ynode *next;     /* next sibling */
	size_t n_child;
};

struct cm_ydoc {
	char *file;
	struct cm_ynode *root;     /* NULL for an empty document */
};

/* Load a file / a buffer. A syntax error gives "FILE:LINE:COL: problem" in err. */
int cm_yaml_load_file(const char *path, struct cm_ydoc **ret_doc, char *err, size_t errlen);
int cm_yaml_load_buf(const char *name, const char *buf, size_t len, struct cm_ydoc **ret_doc,
                     char *err, size_t errlen);
void cm_yaml_free(struct cm_ydoc *doc);

/* Member `key` of map node `map`, or NULL (also when `map` is NULL or not a map). */
const struct cm_ynode *cm_ymap_get(const struct cm_ynode *map, const char *key);

/* Scalar conversions; EINVAL (with err naming file, line and key) on a wrong type/range. */
int cm_yscalar_u64(const struct cm_ynode *n, uint64_t min, uint64_t max, uint64_t *ret, char *err,
                   size_t errlen);
int cm_yscalar_i64(const struct cm_ynode *n, int64_t min, int64_t max, int64_t *ret, char *err,
                   size_t errlen);
int cm_yscalar_bool(const struct cm_ynode *n, bool *ret, char *err, size_t errlen);

/* Schema checking. A schema is an array of fields ended by an entry with key == NULL.
 * For CM_S_MAP the members are `sub`; for CM_S_SEQ `sub` is a one-entry array (key
 * ignored) describing each item; CM_S_ANY accepts any node (checked by the caller).
 * cm_schema_check reports the first error: unknown key, wrong type, value out of
 * [min, max] (for numbers) or length out of [min, max] (for strings, when max > 0),
 * a missing CM_S_REQUIRED key, or a value not in `choices` (NULL-terminated list).
 * For CM_S_INT/CM_S_UINT, min == max == 0 means unbounded and max < min means no upper
 * bound; for CM_S_SEQ, max > 0 bounds the number of items. A plain null value (`key:`,
 * `~`, `null`) is accepted as an empty map or sequence, and counts as missing for a
 * required scalar. Error texts: "unknown key 'x' (allowed: a, b)", "missing required key
 * 'x'", "expected an integer in [0, 65535], got 'abc'", "expected true or false, got 'x'",
 * "expected one of a, b, got 'x'", "expected a map, got a sequence". */
enum cm_stype { CM_S_STR, CM_S_INT, CM_S_UINT, CM_S_BOOL, CM_S_MAP, CM_S_SEQ, CM_S_ANY };
#define CM_S_REQUIRED 0x1u
/* The value is a secret (a key, a password, a hash of one): errors give its length, never
 * the value (a mistyped key would otherwise reach a terminal or a log). */
#define CM_S_SECRET 0x2u

struct cm_schema {
	const char *key;
	enum cm_stype type;
	unsigned flags;
	int64_t min, max;
	const struct cm_schema *sub;
	const char *const *choices;
	const char *help;          /* one line, used in error messages and docs */
};

int cm_schema_check(const struct cm_ynode *node, const struct cm_schema *schema, char *err,
                    size_t errlen);

/* Convenience getters on a checked map: value of member `key`, or `def` if absent. */
const char *cm_yget_str(const struct cm_ynode *map, const char *key, const char *def);
uint64_t cm_yget_u64(const struct cm_ynode *map, const char *key, uint64_t def);
bool cm_yget_bool(const struct cm_ynode *map, const char *key, bool def);

/* ---------------------------------------------------------------------------------------
 * Diameter node from YAML (common/diam_cfg.c, common/diam_node.c)
 * ------------------------------------------------------------------------------------- */

struct cm_peer_cfg {
	char *host;                /* Diameter identity of the peer */
	char *realm;               /* optional */
	char *addr;                /* IP address to connect to; NULL: do not connect, only accept */
	uint16_t port;             /* 0: 3868 (5658 with TLS) */
	bool tls;
	bool sctp;                 /* false: TCP */
};

struct cm_diam_cfg {
	char *identity;            /* required: this node's Diameter identity */
	char *realm;               /* required */
	char **listen;             /* addresses to listen on; loopback works; empty: all */
	size_t n_listen;
	uint16_t port;             /* default 3868; 0 disables the clear-text listener */
	uint16_t tls_port;         /* default 0: no TLS listener */
	bool sctp;                 /* default false: SCTP disabled (TCP only) */
	char *tls_cert, *tls_key, *tls_ca;  /* NULL: an ephemeral self-signed pair is generated */
	unsigned tw_timer;         /* default 30, >= 6 */
	unsigned tc_timer;         /* default CM_TC_TIMER_DEFAULT */
	unsigned threads;          /* routing/dispatch threads; default 4 */
	/* Incoming connections (common/listen.c); 0 leaves freeDiameter's own behaviour. */
	unsigned accept_threads;   /* freeDiameter ThreadsPerServer; default 32 (its own: 5) */
	unsigned listen_backlog;   /* listen(2) backlog; default 1024 (freeDiameter's: 5) */
	unsigned cer_timeout;      /* seconds before a connection that sent no complete CER is
	                            * closed; default 5 (freeDiameter's own: 20) */
	struct cm_peer_cfg *peers;
	size_t n_peers;
	char **accept_peers;       /* fnmatch patterns of unknown peer identities allowed to connect */
	size_t n_accept_peers;
	char **default_route;      /* identities of peers (e.g. DRAs) that get requests no other
	                            * route claims, most preferred first */
	size_t n_default_route;
	char *fd_conf;             /* optional freeDiameter .conf fragment appended (advanced) */
	char *log_level;           /* "error", "notice" (default), "info", "debug" */
	char *source;              /* file name the cfg came from (for messages) */
};

/* Defaults of the `diameter:` keys that shape recovery and admission of peers. */
#define CM_TC_TIMER_DEFAULT 3
#define CM_ACCEPT_THREADS_DEFAULT 32
#define CM_LISTEN_BACKLOG_DEFAULT 1024
#define CM_CER_TIMEOUT_DEFAULT 5

/* The schema of the `diameter:` section, for embedding in a daemon's schema. Keys:
 * identity, realm, listen (seq of str), port, tls_port, sctp, tls_cert, tls_key, tls_ca,
 * tw_timer, tc_timer, threads, peers (seq of {host, realm, addr, port, tls, transport:
 * tcp|sctp}), accept_peers (seq of str), default_route (seq of str), fd_conf, log_level,
 * accept_threads, listen_backlog, cer_timeout. */
extern const struct cm_schema cm_diam_schema[];

/* Fill cfg from the (schema-checked) `diameter:` map node. Frees nothing on failure: call
 * cm_diam_cfg_free, which accepts a zeroed or partly filled cfg. */
int cm_diam_cfg_parse(const struct cm_ynode *diameter, struct cm_diam_cfg *cfg, char *err,
                      size_t errlen);
void cm_diam_cfg_free(struct cm_diam_cfg *cfg);

/* Initialise libfdcore from cfg: fd_core_initialize, a generated freeDiameter
 * configuration, loopback-safe listen endpoints, the peers, the unknown-peer validator.
 * After it the dictionary exists (load ours with dict_*_load) and applications can be
 * registered; nothing listens yet. Call once per process. */
int cm_diam_init(const struct cm_diam_cfg *cfg);

/* Start the core (listeners, peer connections). */
int cm_diam_start(void);

/* Block until SIGINT or SIGTERM (returns 0) handling SIGHUP by calling on_hup(data) from
 * this thread. SIGUSR1/SIGUSR2 become freeDiameter FDEV_TRIGGER events (callbacks registered
 * with fd_event_trig_regcb run in the core thread), as in freeDiameterd. Signals are blocked
 * in the thread calling cm_diam_init and every thread created after it: call cm_diam_init
 * from the main thread before creating threads. */
int cm_diam_run(void (*on_hup)(void *data), void *data);

/* Ask cm_diam_run to return (from any thread, including on_hup, e.g. a test or a --once
 * tool). A request made while cm_diam_run is not waiting makes the next call return at once. */
void cm_diam_request_stop(void);

/* fd_core_shutdown + wait; safe to call once after cm_diam_start or after a failed start.
 * freeDiameter 1.2.1 may abort or hang while shutting down: then the process ends at once
 * with the code given to cm_diam_set_exit_code (0 by default, 1 after a failed
 * cm_diam_start), so such a library failure never changes the process's outcome. */
void cm_diam_shutdown(void);
void cm_diam_set_exit_code(int code);

/* Incoming connections closed because no complete CER arrived within cer_timeout (or, for
 * a connection that sent nothing at all, once the kernel handed it over), since start. */
uint64_t cm_listen_closed(void);

/* Wait until the peer with this identity is in state OPEN, up to timeout_ms. 0 or ETIMEDOUT. */
int cm_diam_wait_peer(const char *identity, int timeout_ms);

/* ---------------------------------------------------------------------------------------
 * Peer policy (common/policy.c): the `policy:` section both daemons read. Without it (no
 * policy installed) every admitted peer may send anything, as before.
 *
 *   policy:
 *     unlisted: deny            # peers no entry matches: deny (default) or allow
 *     log_interval: 60          # seconds between refusal log lines
 *     peers:                    # first matching entry applies
 *       - match: "mme*.epc.example"   # identity or fnmatch pattern (case-insensitive)
 *         role: mme                   # mme, sgsn, cscf, as, hss, relay: send/receive presets
 *         send: ["s6a:ULR"]           # added to the role's: APP:CMD, APP (any command), *
 *         receive: ["s6a:IDR"]
 *         imsi: ["00101", "001020000000000-001020999999999"]  # S6a User-Name prefixes/ranges
 *         relay: false                # trusted relay: may forward other Origin-Hosts
 *         addresses: ["192.0.2.0/24"] # the connection's source address (not Host-IP-Address)
 *         tls: false                  # must connect over TLS
 * ------------------------------------------------------------------------------------- */

/* Why a request or a connection was refused (CM_POL_OK: it was not). */
enum cm_pol_reason {
	CM_POL_OK,
	CM_POL_APP,        /* the application is not in the peer's `send` */
	CM_POL_CMD,        /* the application is, the command is not */
	CM_POL_IMSI,       /* the S6a User-Name is outside the peer's `imsi` */
	CM_POL_ORIGIN,     /* Origin-Host is not the connected peer, which is no trusted relay */
	CM_POL_ADDRESS,    /* connected from an address not in `addresses` */
	CM_POL_TLS,        /* `tls: true` and the connection is clear text */
	CM_POL_UNLISTED,   /* no entry matches and `unlisted: deny` */
	CM_POL_NREASONS
};

#define CM_POLICY_LOG_INTERVAL 60

struct cm_policy;
extern const struct cm_schema cm_policy_schema[];

/* Compile the `policy:` map node (NULL: absent; *ret is then NULL, which allows everything).
 * EINVAL with err "FILE:LINE: key 'policy.peers.KEY': problem 'VALUE'"; ENOMEM. */
int cm_policy_parse(const struct cm_ynode *node, struct cm_policy **ret, char *err, size_t errlen);
void cm_policy_unref(struct cm_policy *p);
/* Make p (NULL: none) the policy every check uses; takes its own reference. */
void cm_policy_install(struct cm_policy *p);
bool cm_policy_active(void);

/* A request received from the connected peer `peer` (len octets): may it send it? Checks,
 * in order: the entry's address/TLS binding, application, command, Origin-Host (unless a
 * trusted relay), S6a IMSI range. A refusal is counted per peer and logged at most once per
 * log_interval. Requests of this node itself (peer NULL) and of the base protocol pass. */
enum cm_pol_reason cm_policy_check_request(struct msg *req, const char *peer, size_t len);
/* The Result-Code name and Error-Message of the answer to a request refused for r:
 * APP/UNLISTED 3007 DIAMETER_APPLICATION_UNSUPPORTED, CMD 3001 DIAMETER_COMMAND_UNSUPPORTED
 * (both protocol errors: the answer has the E bit), IMSI/ORIGIN/ADDRESS/TLS 5003
 * DIAMETER_AUTHORIZATION_REJECTED. */
void cm_policy_answer(enum cm_pol_reason r, const char **ret_rescode, const char **ret_why);
/* May this peer be sent a request of app/code (as next hop)? */
bool cm_policy_may_receive(const char *peer, size_t len, uint32_t app, uint32_t code);
/* Is this peer a trusted relay (`relay: true`, role relay)? */
bool cm_policy_trusted_relay(const char *peer, size_t len);
/* Admission of a connecting peer by its entry: the source address `from` of its connection
 * (NULL: unknown, refused when the entry lists addresses), TLS. */
enum cm_pol_reason cm_policy_admit(struct peer_info *info, const struct sockaddr *from);
/* 0 if the DER certificate names id (subject CN or a SAN dNSName), else EACCES / EINVAL. */
int cm_policy_cert_names(const gnutls_datum_t *cert, const char *id);
const char *cm_policy_reason_name(enum cm_pol_reason r);
/* Refusals since start for reason r (CM_POL_OK: all reasons). */
uint64_t cm_policy_refused(enum cm_pol_reason r);
/* One line per peer and reason: "PREFIX PEER refused_REASON N". */
void cm_policy_stats_dump(FILE *f, const char *prefix);
/* The same counters one by one (peer "(other)" for peers past the table), under the
 * policy's lock: cb must not call back into the policy. */
void cm_policy_stats_foreach(void (*cb)(void *data, const char *peer, const char *reason,
                                         unsigned long long n), void *data);

/* ---------------------------------------------------------------------------------------
 * Pending work and the `overload:` section (common/pending.c)
 * ------------------------------------------------------------------------------------- */

/* Admission of requests (any application but the base protocol): each is judged when it
 * arrives, refused when max_pending admitted requests are in progress (0: no bound); an
 * admitted one counts until freeDiameter frees it, after its answer. cm_pending_start: after
 * cm_diam_init, before cm_diam_start; once per process (later calls only set the bound). */
int cm_pending_start(unsigned max_pending);
void cm_pending_set_max(unsigned max_pending);
unsigned cm_pending_max(void);
/* Was this received request refused on arrival? The daemon then answers it 3004. */
bool cm_pending_refused(struct msg *req);
/* Requests received and not yet answered (admitted or refused), and the admitted ones. */
unsigned long cm_pending(void);
unsigned long cm_pending_admitted(void);

/* `overload:` in a daemon's configuration: { max_pending: N } (0: no bound). */
struct cm_overload_cfg {
	unsigned max_pending;
};
extern const struct cm_schema cm_overload_schema[];
/* Fill cfg from the `overload:` map node (NULL: absent); def_max_pending is the daemon's
 * default. EINVAL with err "FILE:LINE: key 'overload.x': problem". */
int cm_overload_cfg_parse(const struct cm_ynode *overload, unsigned def_max_pending,
                          struct cm_overload_cfg *cfg, char *err, size_t errlen);

/* fd_msg_new_answer_from_req(dict, msg, flags) that also answers a request whose Proxy-Info
 * freeDiameter 1.2.1 cannot copy (an unknown AVP with empty data inside: it would fail and
 * leak): the request's Proxy-Info AVPs are repaired with cm_msg_repair first
 * (common/answer.c). Same contract: on success *msg is the answer, the request linked to it. */
int cm_answer_new(struct msg **msg, int flags);

/* The error answer to a request that fd_msg_parse_rules refused with *pei, as
 * fd_msg_parse_or_error builds it (Result-Code, Error-Message, Failed-AVP from pei_avp, E bit
 * for protocol errors, Proxy-Info copied), whatever the request holds (common/answer.c).
 * On success *req is the answer, the request linked to it; freeing pei->pei_avp when
 * pei->pei_avp_free stays the caller's job. Our nodes call it themselves when freeDiameter
 * could not build that answer (it would drop the request unanswered). */
int cm_answer_parse_error(struct msg **req, const struct fd_pei *pei);

/* Make obj (a message, or an AVP with its children) encodable by freeDiameter 1.2.1
 * (common/avp_repair.c). An AVP the dictionary does not know and that has no data is parsed
 * into an object fd_msg_bufferize refuses; it is replaced by one that encodes to the same
 * octets. local_answer: obj is (part of) an answer this node built: inside its Failed-AVP,
 * an AVP of a fixed-size type whose length was wrong gets a zero value of the right size
 * (RFC 6733 7.5). *ret_repaired (may be NULL): how many AVPs were replaced or given a value.
 * 0 or an errno. cm_diam_init registers a HOOK_MESSAGE_SENDING handler that repairs every
 * message sent; call it yourself only before freeDiameter re-encodes a message otherwise
 * (the copy of Proxy-Info into an answer). A repaired message must not be parsed again
 * (fd_msg_parse_dict would undo the repair). */
int cm_msg_repair(msg_or_avp *obj, bool local_answer, unsigned *ret_repaired);

/* Deepest AVP nesting freeDiameter is left to parse in a received message: top-level AVPs
 * are level 1. 3GPP's deepest structure (Subscription-Data) has 6 levels. */
#define CM_AVP_MAX_DEPTH 32

/* Bound the nesting of the raw message buf (len octets, as received) in place
 * (common/rx_guard.c): a Grouped AVP of level CM_AVP_MAX_DEPTH that has children gets its
 * first child's length set beyond the group's end, so that freeDiameter's parser fails on
 * that group (5004 with Failed-AVP) instead of descending. Returns how many groups were cut;
 * the first one's code and vendor go to *ret_code, *ret_vendor (may be NULL). Only AVPs the
 * dictionary knows as Grouped count: the first call (at the latest cm_diam_start) reads
 * them, so the dictionaries must be loaded by then. The HOOK_DATA_RECEIVED handler
 * cm_diam_start registers calls it on every received message. */
size_t cm_avp_depth_limit(uint8_t *buf, size_t len, uint32_t *ret_code, uint32_t *ret_vendor);

/* Make a message just split from the wire safe for freeDiameter 1.2.1 (common/rx_guard.c),
 * which aborts the process (ASSERT) on the first Session-Id it cannot read (code 263 and
 * vendor 0 with the V bit, or fewer octets than a header: fd_msg_sess_get) and, in an answer
 * it parses whole, on the first Result-Code it cannot read (fd_msg_parse_or_error). Such an
 * AVP is parsed now; if it has no value it gets code 0 and loses its M bit, so freeDiameter
 * handles a message without it. answer_parsed: msg is an answer freeDiameter will parse
 * whole (link-local, or to this node's own request). Returns how many AVPs were changed.
 * cm_diam_start registers a HOOK_MESSAGE_RECEIVED handler that calls it on every message. */
int cm_msg_defuse(struct msg *msg, bool answer_parsed);

/* ---------------------------------------------------------------------------------------
 * Per-peer counters (common/peerstats.c): every application message a node sends or
 * receives (CER/CEA, DWR/DWA, DPR/DPA excluded), relayed or local, counted by freeDiameter
 * hooks; read by the daemons' logs, stats files, control sockets and SNMP agent.
 * ------------------------------------------------------------------------------------- */

#define CM_PSTATS_MAX 4096   /* peers counted one by one; more are counted globally only */

/* One peer, created when it first connects or is first seen, never freed. The counters are
 * relaxed atomics: read them with cm_pstat_get. */
struct cm_pstat {
	struct cm_pstat *hnext, *next;       /* registry links */
	uint32_t index;                      /* 1, 2, ... in order of creation; never reused */
	atomic_uint_fast64_t req_in;         /* requests received from it */
	atomic_uint_fast64_t req_out;        /* requests sent to it */
	atomic_uint_fast64_t ans_in;         /* answers received from it */
	atomic_uint_fast64_t ans_out;        /* answers sent to it */
	atomic_uint_fast64_t err_in;         /* of ans_in: E bit, or a result outside 1xxx-2xxx */
	atomic_uint_fast64_t err_out;        /* of ans_out: the same */
	atomic_uint_fast64_t failovers;      /* requests sent to it re-sent elsewhere (its
	                                      * connection was lost before their answer) */
	atomic_uint_fast64_t connects;       /* capabilities exchanges that opened a connection */
	atomic_int_fast64_t connected_since; /* time() of the last one; 0: never */
	size_t id_len;
	char id[];                           /* Diameter identity as first seen, NUL-terminated */
};

/* Answers this node built itself (not relayed) with these results, and totals. */
struct cm_pstats_global {
	atomic_uint_fast64_t local_3002;     /* DIAMETER_UNABLE_TO_DELIVER */
	atomic_uint_fast64_t local_3004;     /* DIAMETER_TOO_BUSY */
	atomic_uint_fast64_t local_3005;     /* DIAMETER_LOOP_DETECTED */
	atomic_uint_fast64_t failovers;      /* sum of the peers' failovers */
	atomic_uint_fast64_t uncounted;      /* messages of peers past CM_PSTATS_MAX */
};
extern struct cm_pstats_global cm_pstats_global;

/* Register the hooks that count (after cm_diam_init, before cm_diam_start). 0 or errno. */
int cm_pstats_init(void);
/* The entry of identity id (len octets, case-insensitive): _find never creates (no lock),
 * _get creates it (NULL when CM_PSTATS_MAX entries exist or out of memory). */
struct cm_pstat *cm_pstats_find(const char *id, size_t len);
struct cm_pstat *cm_pstats_get(const char *id, size_t len);
size_t cm_pstats_count(void);
/* Call cb for every entry in index order (entries created meanwhile may be left out). */
void cm_pstats_foreach(void (*cb)(void *data, struct cm_pstat *p), void *data);
uint64_t cm_pstat_get(atomic_uint_fast64_t *c);
/* Requests sent to p still waiting for their answer: req_out - ans_in - failovers. */
uint64_t cm_pstat_pending(struct cm_pstat *p);
/* Result-Code of an answer, or the Experimental-Result-Code inside Experimental-Result
 * (parsing those AVPs if needed); 0 when it has neither. */
uint32_t cm_answer_result(struct msg *ans);

/* The state of a peer connection, as the NMS sees it (freeDiameter's states folded). */
enum cm_peer_state {
	CM_PEER_OPEN = 1,          /* STATE_OPEN, OPEN_NEW */
	CM_PEER_CLOSED = 2,        /* CLOSED, ZOMBIE (an accepted peer that left) */
	CM_PEER_CONNECTING = 3,    /* NEW, WAITCNXACK(_ELEC), WAITCEA */
	CM_PEER_SUSPECT = 4,       /* SUSPECT (watchdog unanswered), REOPEN */
	CM_PEER_CLOSING = 5,       /* CLOSING, CLOSING_GRACE */
};
enum cm_peer_state cm_peer_state_of(int fd_state);
const char *cm_peer_state_name(enum cm_peer_state s);

/* A copy of one entry of freeDiameter's peer list. */
struct cm_peer_info {
	char *identity;
	char *realm;               /* received in CER/CEA, else configured, else NULL */
	enum cm_peer_state state;
};
/* Copy freeDiameter's peer list (configured peers and those that connected). 0, ENOMEM. */
int cm_peers_list(struct cm_peer_info **ret, size_t *ret_n);
void cm_peers_free(struct cm_peer_info *v, size_t n);

/* ---------------------------------------------------------------------------------------
 * AVP helpers (common/avp.c). Names are looked up in the dictionary once and cached.
 * `parent` is a struct msg * or a grouped struct avp * (msg_or_avp).
 * ------------------------------------------------------------------------------------- */

struct dict_object *cm_dict_avp(const char *name);       /* any vendor; NULL if unknown */
struct dict_object *cm_dict_cmd(const char *name);
struct dict_object *cm_dict_app(uint32_t app_id);

int cm_avp_add_u32(msg_or_avp *parent, const char *name, uint32_t v);
int cm_avp_add_u64(msg_or_avp *parent, const char *name, uint64_t v);
int cm_avp_add_i32(msg_or_avp *parent, const char *name, int32_t v);
int cm_avp_add_os(msg_or_avp *parent, const char *name, const void *v, size_t len);
int cm_avp_add_str(msg_or_avp *parent, const char *name, const char *s);
/* Add an empty grouped AVP and return it for filling. */
int cm_avp_add_group(msg_or_avp *parent, const char *name, struct avp **ret_avp);
/* Vendor-Specific-Application-Id { Vendor-Id, Auth-Application-Id }. */
int cm_avp_add_vsai(msg_or_avp *parent, uint32_t vendor, uint32_t auth_app_id);
/* Experimental-Result { Vendor-Id, Experimental-Result-Code }. */
int cm_avp_add_exp_result(msg_or_avp *parent, uint32_t vendor, uint32_t code);

/* First child AVP named `name` directly under parent (parsing parent if needed), or NULL. */
struct avp *cm_avp_find(msg_or_avp *parent, const char *name);
/* The next child named `name` after `after` (NULL: the first, as cm_avp_find), or NULL:
 * walks the repeated AVPs of a message or group (Data-Reference, Service-Indication ...). */
struct avp *cm_avp_next(msg_or_avp *parent, struct avp *after, const char *name);
/* Its header value (NULL if absent or not parsed). */
union avp_value *cm_avp_value(struct avp *avp);

/* ---------------------------------------------------------------------------------------
 * AVP values as text (common/avptype.c, common/avpval.c): one text form per Diameter type,
 * the one the rule engine matches and rewrites, `dra --explain` and dclient read, and the
 * dumps print:
 *
 *   OctetString, UTF8String, DiameterIdentity, DiameterURI, IPFilterRule   the octets
 *   OctetString of a TBCD number (MSISDN..., when asked)   the digits 0-9 * # a b c
 *   Address   192.0.2.1, 2001:db8::1 (RFC 6733 4.3.1: 2 octets of family, then the address)
 *   Time      seconds since 1900-01-01 (NTP), decimal
 *   Integer32/64, Unsigned32/64 (Enumerated too)   decimal; parsing also takes 0x hex (never
 *             octal: "010" is ten) and the names of the type's constants (DIAMETER_LOGOUT)
 *   Float32/64   decimal
 *   Grouped   none
 * ------------------------------------------------------------------------------------- */

/* How an AVP value reads and writes as text. */
enum cm_vfmt {
	CM_VF_OCTETS,    /* OctetString and the string types derived from it */
	CM_VF_ADDRESS,   /* Address */
	CM_VF_TIME,      /* Time */
	CM_VF_NUM,       /* integer and float types, Enumerated */
	CM_VF_GROUPED,   /* no text form */
};

/* What the codec needs to know of an AVP, read from the dictionary once. */
struct cm_avpdef {
	struct dict_object *model;
	struct dict_object *type;    /* derived type (Enumerated, Address, UTF8String...), or NULL */
	const char *name;            /* owned by the dictionary */
	const char *type_name;       /* the derived type's name, or NULL */
	uint32_t code, vendor;
	enum dict_avp_basetype base;
	enum cm_vfmt fmt;
	bool text;                   /* UTF8String, DiameterIdentity, DiameterURI, IPFilterRule */
	bool nocase;                 /* DiameterIdentity, DiameterURI: compare case-insensitively */
	bool tbcd;                   /* a TBCD number by its name (cm_avp_is_tbcd) */
};

/* The definition of an AVP model / of the AVP named `name` (any vendor). EINVAL / ENOENT. */
int cm_avpdef_get(struct dict_object *model, struct cm_avpdef *ret);
int cm_avpdef_find(const char *name, struct cm_avpdef *ret);
/* "Grouped", "OctetString", "Integer32" ... for messages; "?" for anything else. */
const char *cm_avp_basetype_name(enum dict_avp_basetype base);
/* Whether the AVP called `name` carries a TBCD-encoded number (TS 29.272, 29.329, 29.338,
 * 29.173: MSISDN, A-MSISDN, C-MSISDN, Correlation-MSISDN, STN-SR, MME-Number-for-MT-SMS,
 * SGSN-Number, GMLC-Number, MSC-Number, SC-Address). */
bool cm_avp_is_tbcd(const char *name);

/* Parse the text form (len octets, not NUL-terminated) into *v for def; with tbcd, an
 * OctetString's text is TBCD digits and is encoded. The octets of an OctetString, Address or
 * Time are written to store (storesz octets; len + 18 always suffices) and v->os.data points
 * there. EINVAL when the text is not a value of the type (TBCD digits that do not fit store
 * included), ENOSPC when the octets of a plain OctetString do not fit store; *why (may be
 * NULL) then gets a static reason ("not an Unsigned32", "too long" ...). */
int cm_avpval_parse(const struct cm_avpdef *def, bool tbcd, const char *text, size_t len,
                    union avp_value *v, uint8_t *store, size_t storesz, const char **why);
/* The text form of v into buf, NUL-terminated (*ret_len excludes the NUL; the octets of an
 * OctetString are copied as they are, NULs included). ENOSPC; EINVAL for a value with no
 * text form (an Address neither IPv4 nor IPv6, bad TBCD, a Time not 4 octets, Grouped). */
int cm_avpval_text(const struct cm_avpdef *def, bool tbcd, const union avp_value *v, char *buf,
                   size_t bufsz, size_t *ret_len);
/* The name of the constant of def's type whose value is v (Enumerated), or NULL. */
const char *cm_avpval_enum_name(const struct cm_avpdef *def, const union avp_value *v);
/* Add the AVP `name` with the value whose text form is text (NUL-terminated; TBCD digits for
 * a TBCD number when tbcd). ENOENT (unknown AVP), EINVAL/ENOSPC as cm_avpval_parse with
 * *why set, ENOMEM. */
int cm_avp_add_text(msg_or_avp *parent, const char *name, const char *text, bool tbcd,
                    const char **why);

/* ---------------------------------------------------------------------------------------
 * Message dumps (common/dump.c): the AVPs of a message as an indented text tree or JSON.
 *
 * Values: numbers in decimal (with the constant's name, text " (NAME)", JSON "enum"), the
 * string types as JSON-escaped strings (in text too: NULs and controls stay visible; not
 * valid UTF-8: hex, JSON "invalid_utf8": true), Address as text, other OctetStrings in hex
 * (text 0x...) with the digits of a TBCD number (text " (digits D)", JSON "digits"), the
 * PLMN of a PLMN-Id (" (PLMN MCCMNC)", "plmn") and, in text, printable octets (" (text
 * \"...\")"). JSON AVPs: {"name", "code", "vendor" (V bit only), "flags", then "value" or
 * "avps" or "unknown": true, "length"}.
 * ------------------------------------------------------------------------------------- */

#define CM_DUMP_JSON  0x1u   /* a JSON array instead of text lines */
#define CM_DUMP_CODES 0x2u   /* text: "Name (code[/vendor] flags) = value" */

/* Write the AVPs under parent (a message or a grouped AVP), text lines indented by 2 * depth
 * spaces ("Name = value", "Group:" then its members), or one JSON array. `skip`: an AVP to
 * leave out (NULL: none). Write errors are the caller's to check (ferror). */
void cm_avps_dump(FILE *f, msg_or_avp *parent, unsigned flags, int depth, struct avp *skip);
/* len bytes as a JSON string, quoted and escaped. */
void cm_json_str(FILE *f, const char *s, size_t len);
/* The dictionary name of a message's command, or NULL. An answer with the E bit is named
 * from its command code (freeDiameter parses it against the generic error model). */
const char *cm_msg_cmd_name(struct msg *m);

/* ---------------------------------------------------------------------------------------
 * Codecs (common/tbcd.c, common/hex.c)
 * ------------------------------------------------------------------------------------- */

/* TBCD (TS 29.002 TBCD-STRING): digits 0-9, '*', '#', 'a', 'b', 'c' two per octet, low
 * nibble first, odd length filled with 0xF. Returns EINVAL on a bad character, ENOSPC if
 * out is too small. */
int cm_tbcd_encode(const char *digits, size_t ndigits, uint8_t *out, size_t outsz,
                   size_t *ret_len);
/* Decode to a NUL-terminated string; stops at the 0xF filler. EINVAL on a filler nibble
 * before the end or a bad nibble value, ENOSPC if out is too small. */
int cm_tbcd_decode(const uint8_t *in, size_t len, char *out, size_t outsz);

/* PLMN-Id (TS 24.008 10.5.1.3): "MCCMNC" with 2- or 3-digit MNC <-> 3 octets. */
int cm_plmn_encode(const char *mccmnc, uint8_t out[3]);
int cm_plmn_decode(const uint8_t in[3], char out[7]);

/* Hex <-> bytes. cm_hex_decode requires exactly outlen*2 hex digits (EINVAL otherwise). */
int cm_hex_decode(const char *hex, uint8_t *out, size_t outlen);
void cm_hex_encode(const uint8_t *in, size_t len, char *out /* 2*len+1 */);

#endif /* CM_H */

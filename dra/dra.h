/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dra.h: the one header of the DRA (dra/). The daemon is a freeDiameter relay whose
 * routing decisions come from a YAML route table (peer groups with failover, round-robin or
 * weighted policies) and whose relayed messages go through the transforms/ rule engine.
 *
 * Layers, bottom up:
 *   config.c        dra.yaml -> struct dra_cfg (schema checked, every error with file:line)
 *   routes.c        dra_cfg -> immutable struct dra_rtable (compiled matchers, groups)
 *   route_select.c  pure selection: which route matches, how candidates are ranked
 *   stats.c         atomic counters per route / group / peer, dump
 *   reload.c        the current snapshot (route table + rule set), swapped on SIGHUP
 *   relay.c         freeDiameter callbacks (forward, out routing, advertised applications)
 *   check.c         --check: every problem of a configuration, unreachable-member warnings
 *   explain.c       --explain: run one YAML-described message through rules and routes
 *   main.c          command line
 *
 * main.c and the tests include this header and link the `dra` library: they run the same code.
 */
#ifndef DRA_H
#define DRA_H

#include "cm.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "snmp.h"
#include "xf.h"

#define DRA_APP_RELAY 0xffffffffu

/* ---------------------------------------------------------------------------------------
 * Configuration (config.c)
 * ------------------------------------------------------------------------------------- */

enum dra_policy { DRA_POL_FAILOVER, DRA_POL_ROUND_ROBIN, DRA_POL_WEIGHTED };

struct dra_member_cfg {
	char *host;                /* Diameter identity of the peer */
	unsigned weight;           /* weighted policy; default 1 */
};

struct dra_group_cfg {
	char *name;
	int line;
	enum dra_policy policy;
	struct dra_member_cfg *members;  /* priority order for failover */
	size_t n_members;
};

/* One IMSI range: the first strlen(lo) digits of the IMSI, compared as a number, within
 * [lo, hi]; lo and hi have the same length. A plain prefix P is the range P-P. */
struct dra_imsi_range {
	char lo[16], hi[16];
	size_t len;
};

struct dra_route_cfg {
	char *name;
	int line;
	char **realms; size_t n_realms;        /* exact or fnmatch patterns, case-insensitive */
	char **hosts; size_t n_hosts;          /* Destination-Host, same */
	uint32_t *apps; size_t n_apps;         /* application ids */
	struct dra_imsi_range *imsi; size_t n_imsi;
	bool is_default;                       /* considered after every other route */
	char *group;                           /* peer group name */
	bool reject;                           /* answer 3002 without trying peers */
};

struct dra_cfg {
	struct cm_ydoc *doc;                   /* kept for line numbers; freed by dra_cfg_free */
	struct cm_diam_cfg diam;
	bool have_diam;
	uint32_t *advertise_apps; size_t n_advertise_apps;
	char *rules_path;                      /* resolved against the config file's folder */
	struct dra_group_cfg *groups; size_t n_groups;
	struct dra_route_cfg *routes; size_t n_routes;
	char *stats_file;                      /* where SIGUSR1 writes counters; NULL: log only */
	struct cm_overload_cfg overload;       /* overload: (not reloaded) */
	struct snmp_cfg snmp;                  /* the SNMP agent (with_diam only) */
	struct cm_policy *policy;              /* policy: (NULL: none) */
	char *path;
};

/* Requests in flight through the DRA above which new ones are answered 3004. */
#define DRA_MAX_PENDING_DEFAULT 2000

/* The schema of dra.yaml (exposed for docs and tests). */
extern const struct cm_schema dra_schema[];

/* Load and check dra.yaml. Every problem found is appended to err as one line
 * "FILE:LINE: ...: problem" (err is a NUL-terminated buffer; truncated when too small).
 * with_diam: also parse the diameter: section (the route part alone is reloadable).
 * Returns 0, EINVAL (config errors: see err), or another errno. On failure *cfg is left
 * zeroed-or-partial and must still be passed to dra_cfg_free. */
int dra_cfg_load(const char *path, bool with_diam, struct dra_cfg *cfg, char *err, size_t errlen);
void dra_cfg_free(struct dra_cfg *cfg);

/* Application name ("s6a", "cx", "sh", "gx", "rx", "swx", "s6d", "relay", ...) or decimal
 * id -> id. EINVAL if unknown. */
int dra_app_parse(const char *s, uint32_t *ret_id);
/* Name of an application id, or NULL. */
const char *dra_app_name(uint32_t id);

/* ---------------------------------------------------------------------------------------
 * Counters (stats.c). Counters are registered once per name and never freed, so the
 * pointers held by route tables stay valid across reloads.
 * ------------------------------------------------------------------------------------- */

enum dra_ans_class { DRA_ANS_1XXX, DRA_ANS_2XXX, DRA_ANS_3XXX, DRA_ANS_4XXX, DRA_ANS_5XXX,
                     DRA_ANS_OTHER, DRA_ANS_NCLASS };

struct dra_route_stats {
	atomic_uint_fast64_t matched;          /* requests this route was chosen for */
	atomic_uint_fast64_t no_peer;          /* ... and no member of its group was usable */
};

struct dra_group_stats {
	atomic_uint_fast64_t routed;
	atomic_uint_fast64_t unavailable;
};

struct dra_peer_stats {
	atomic_uint_fast64_t routed;           /* requests for which it was the first choice */
	atomic_uint_fast64_t answers[DRA_ANS_NCLASS];  /* answers received from it */
};

struct dra_global_stats {
	atomic_uint_fast64_t requests;         /* requests seen by the forward callback */
	atomic_uint_fast64_t answers;
	atomic_uint_fast64_t direct;           /* routed to a connected Destination-Host */
	atomic_uint_fast64_t no_route;         /* answered 3002 by us */
	atomic_uint_fast64_t rule_errors;
	atomic_uint_fast64_t rule_limits;      /* of rule_errors: a regex limit or the message's
	                                          rule budget stopped the rules (XF_ELIMIT) */
	atomic_uint_fast64_t rules_fired;
	atomic_uint_fast64_t reloads_ok;
	atomic_uint_fast64_t reloads_failed;
	atomic_uint_fast64_t local_relayed;    /* own-realm requests relayed via dispatch */
	atomic_uint_fast64_t too_busy;         /* answered 3004 by us: over overload.max_pending */
	atomic_uint_fast64_t group_failovers;  /* requests sent to another member of their peer
	                                        * group because the one its policy picks was
	                                        * unavailable */
	atomic_int_fast64_t last_reload_time;  /* time() of the last SIGHUP reload; 0: none */
	atomic_int last_reload_status;         /* enum dra_reload_status */
	atomic_int_fast64_t rules_since;       /* time() the running routes and rules were
	                                        * installed (start or reload): their counters
	                                        * count from then */
	atomic_uint_fast64_t policy_refused;   /* refused by the peer policy (per peer: policy lines) */
};

enum dra_reload_status { DRA_RELOAD_NONE = 1, DRA_RELOAD_OK = 2, DRA_RELOAD_FAILED = 3 };

extern struct dra_global_stats dra_gstats;

/* Counters per application and command, in a fixed table filled on first use without
 * locks (compare-and-swap on a free slot); commands past DRA_CMD_SLOTS are counted in
 * dra_cmd_overflow only, so a peer inventing commands costs no memory. */
#define DRA_CMD_SLOTS 512
struct dra_cmd_stats {
	atomic_uint_fast64_t key;              /* see dra_stats_cmd; 0: free slot */
	uint32_t app, code;                    /* valid once key is set */
	atomic_uint_fast64_t requests;         /* requests received to relay */
	atomic_uint_fast64_t answers[DRA_ANS_NCLASS];  /* answers sent back, relayed or the
	                                                * DRA's own (3002, 5012) */
};
extern atomic_uint_fast64_t dra_cmd_overflow;
/* The counters of (application, command code): found or added. NULL when the table is full
 * (counted in dra_cmd_overflow). Any thread, no lock. */
struct dra_cmd_stats *dra_stats_cmd(uint32_t app, uint32_t code);
/* Call cb for each command counted so far, in slot order. */
void dra_stats_cmd_foreach(void (*cb)(void *data, struct dra_cmd_stats *c), void *data);
/* Call cb for each route, group and peer entry (kind "route", "group", "peer"). */
void dra_stats_foreach(void (*cb)(void *data, const char *kind, const char *name, void *stats),
                       void *data);
/* Record the outcome of a reload (reload.c). */
void dra_stats_reloaded(bool ok);

struct dra_route_stats *dra_stats_route(const char *name);
struct dra_group_stats *dra_stats_group(const char *name);
struct dra_peer_stats *dra_stats_peer(const char *host);
/* Peer stats only if already registered (hot path: no allocation, no lock). */
struct dra_peer_stats *dra_stats_peer_find(const char *host, size_t len);
enum dra_ans_class dra_ans_class(uint32_t result_code);

/* Write every counter as "kind name counter value" lines to f. */
void dra_stats_dump(FILE *f);
/* Value of one counter by its dump name, e.g. ("peer", "hss1.a", "answers_2xxx"); 0 if unknown. */
uint64_t dra_stats_get(const char *kind, const char *name, const char *counter);
/* Write the dump to path through path.tmp and a rename, so a reader never sees half of it;
 * on failure path is untouched and path.tmp removed. 0 or errno. */
int dra_stats_write(const char *path);
/* Log the dump, one "dra stats: ..." notice per line. */
void dra_stats_log(void);

/* ---------------------------------------------------------------------------------------
 * Route table (routes.c) and selection (route_select.c)
 * ------------------------------------------------------------------------------------- */

struct dra_group {
	char *name;
	enum dra_policy policy;
	char **members; size_t n_members;
	unsigned *weights;
	unsigned *sched; size_t n_sched;       /* weighted: smooth interleaved schedule */
	atomic_uint_fast64_t seq;              /* round-robin / weighted position */
	struct dra_group_stats *stats;
	struct dra_peer_stats **mstats;        /* per member */
};

struct dra_route {
	const struct dra_route_cfg *cfg;       /* points into the table's own cfg copy */
	struct dra_group *group;               /* NULL for reject routes */
	struct dra_route_stats *stats;
};

struct dra_rtable {
	atomic_int refs;
	struct dra_cfg cfg;                    /* owns names, patterns */
	struct dra_group *groups; size_t n_groups;
	struct dra_route *routes; size_t n_routes;  /* non-default first, then defaults */
};

/* Build a table from cfg (takes ownership of cfg's contents; cfg is zeroed). Errors go to
 * err as "FILE:LINE: route 'NAME': problem" lines. */
int dra_rtable_build(struct dra_cfg *cfg, struct dra_rtable **ret, char *err, size_t errlen);
struct dra_rtable *dra_rtable_ref(struct dra_rtable *t);
void dra_rtable_unref(struct dra_rtable *t);

/* What routing looks at in a request. Strings are not NUL-terminated; NULL if absent. */
struct dra_keys {
	uint32_t app;
	const uint8_t *realm; size_t realm_len;
	const uint8_t *host; size_t host_len;
	const uint8_t *user; size_t user_len;
};

/* First matching route (non-default routes in order, then default ones), or NULL. */
const struct dra_route *dra_route_find(const struct dra_rtable *t, const struct dra_keys *k);

/* Does the IMSI at the start of user (digits, up to a non-digit such as '@') fall in r? */
bool dra_imsi_match(const struct dra_imsi_range *r, const uint8_t *user, size_t len);

/* One routing candidate as seen by the selector. */
struct dra_cand {
	const char *id; size_t id_len;
	bool usable;                           /* false: the core ruled it out (e.g. no common app) */
	int delta;                             /* out: score to add */
	int member;                            /* out: index in the group, -1 if not a member */
};

#define DRA_SCORE_EXCLUDE (-1000000)
#define DRA_SCORE_BASE 100000

/* Whether the member group g's policy picks at position seq (every member up) is not among
 * the usable candidates, so another member gets the request: a group failover. */
bool dra_group_preferred_down(const struct dra_group *g, const struct dra_cand *c, size_t n,
                              uint64_t seq);

/* Rank candidates for group g: members get DRA_SCORE_BASE + rank (highest = first choice,
 * then failover order), every other candidate DRA_SCORE_EXCLUDE. seq picks the
 * round-robin / weighted position. Returns the index in c of the first choice, or -1 when
 * no usable candidate is a member. Pure: no I/O, no locks. */
int dra_group_rank(const struct dra_group *g, struct dra_cand *c, size_t n, uint64_t seq);

/* ---------------------------------------------------------------------------------------
 * Current configuration snapshot (reload.c)
 * ------------------------------------------------------------------------------------- */

struct dra_snap {
	atomic_int refs;
	struct dra_rtable *rt;
	struct xf_rules *rules;                /* NULL: no rule file */
	struct cm_policy *policy;              /* NULL: no peer policy */
};

/* Load routes and rules from the config file into a new snapshot (does not install it).
 * err receives every problem. */
int dra_snap_load(const char *cfg_path, struct dra_snap **ret, char *err, size_t errlen);
void dra_snap_unref(struct dra_snap *s);

/* Install s as the current snapshot (consumes the reference). */
void dra_snap_install(struct dra_snap *s);
/* Take a reference on the current snapshot (NULL if none); release with dra_snap_unref. */
struct dra_snap *dra_snap_get(void);
/* Reload from cfg_path: on success swap, else keep the old one and log why. 0 or errno. */
int dra_reload(const char *cfg_path);
/* Drop the current snapshot (shutdown). */
void dra_snap_clear(void);
/* The first problem of the last reload that failed ("" after a successful one). */
void dra_reload_error(char *out, size_t outsz);

/* The topology-hiding state that survives reloads (created on first use). */
struct xf_state *dra_xf_state(void);

/* ---------------------------------------------------------------------------------------
 * freeDiameter hookup (relay.c)
 * ------------------------------------------------------------------------------------- */

/* Extract routing keys from a request (parses the AVPs it reads). */
int dra_keys_get(struct msg *msg, struct dra_keys *k);

/* Register the forward/out callbacks and the advertised applications. Call after
 * cm_diam_init and dict_load_all, before cm_diam_start. */
int dra_relay_init(const uint32_t *apps, size_t n_apps);
void dra_relay_fini(void);

/* Answer a request with an error Result-Code (e.g. "DIAMETER_TOO_BUSY") and
 * Error-Reporting-Host; takes *pmsg (NULL after). Always 0: a failure is logged. */
int dra_answer_error(struct msg **pmsg, const char *rescode, const char *why);

/* ---------------------------------------------------------------------------------------
 * Overload (overload.c)
 * ------------------------------------------------------------------------------------- */

/* Set the bound (NULL: the default) and start judging requests on arrival; after
 * cm_diam_init, before cm_diam_start. */
int dra_overload_init(const struct cm_overload_cfg *cfg);
/* A request refused on arrival (over the bound): answer *pmsg 3004 (it is taken, *pmsg
 * NULL), count it, return true. */
bool dra_overload_shed(struct msg **pmsg);

/* Apply the rules of snapshot s to msg (in place). from: peer it came from; to: for answers
 * the peer it goes back to; both may be NULL. trace: NULL, or collects what fired. Returns 0
 * or the rule engine's errno; *ret_fired gets the number of rules that fired. */
int dra_rules_apply(struct dra_snap *s, struct msg *msg, bool is_request, const char *from,
                    const char *to, struct xf_trace *trace, int *ret_fired);

/* ---------------------------------------------------------------------------------------
 * SNMP (mib.c): the DRA's subtree of DCORE-MIB, served by common/snmp/
 * ------------------------------------------------------------------------------------- */

/* Register draGlobal, draPeerTable, draCmdTable, draRuleTable, draRouteTable, draGroupTable
 * and the notifications (peer up/down, failed reload) with the agent; before snmp_start. */
int dra_mib_register(void);

/* ---------------------------------------------------------------------------------------
 * --check (check.c)
 * ------------------------------------------------------------------------------------- */

/* Check the configuration at path as the relay would load it: node section, peer groups,
 * routes and the rule file. Every problem goes to out, one "FILE:LINE: ..." line each, then
 * warnings for group members that can never connect. Needs fd_core_initialize and the
 * dictionaries (the rules name AVPs). 0 when it would load, EINVAL when not, ENOMEM. */
int dra_check(const char *path, FILE *out);
/* One "FILE:LINE: warning: ..." line to out for each peer-group member that is neither in
 * diameter.peers nor matched by accept_peers (the file is valid; probably not meant). Returns
 * their number. */
size_t dra_warn_unreachable(const struct dra_cfg *cfg, FILE *out);
/* Print each non-empty line of a newline-separated error text (as the loaders return). */
void dra_print_lines(FILE *f, const char *text);

/* ---------------------------------------------------------------------------------------
 * --explain (explain.c)
 * ------------------------------------------------------------------------------------- */

/* Build the message described in msg_path, run the rules and the route selection of the
 * configuration cfg_path, print the result to out. Needs fd_core_initialize + dictionaries
 * (done by the caller). 0, or errno with err set. */
int dra_explain(const char *cfg_path, const char *msg_path, FILE *out, char *err, size_t errlen);

/* Build a message from a YAML description (exposed for tests). */
int dra_msg_from_yaml(const struct cm_ynode *root, struct msg **ret, bool *ret_is_req,
                      char **ret_from, char *err, size_t errlen);

#endif /* DRA_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snmp.h: the one public header of common/snmp/, the SNMP agent of the daemons. Each daemon
 * runs a net-snmp AgentX subagent in a thread of its own (never on the Diameter path) that
 * registers the daemon's subtree of DCORE-MIB with the host's snmpd over the AgentX socket
 * named in its `snmp:` section, keeps the daemon running while the master is away and
 * registers again when it comes back.
 *
 * A daemon describes its objects by subtrees: for each one a collect callback that emits
 * the current values (read from the daemon's own atomic counters: the agent keeps no
 * counter of its own), called in the agent thread when a request needs the subtree and its
 * last values are older than SNMP_TTL_MS. The agent sorts them and answers GET, GETNEXT and
 * GETBULK from that view, so a walk sees one consistent snapshot of a table.
 *
 * net-snmp's headers are included by agent.c only (they define bare HAVE_* macros); this
 * header is plain C. Built without libnetsnmp (meson -Dsnmp=disabled), snmp_start returns
 * ENOTSUP and the rest works (tests of the views run everywhere).
 */
#ifndef DCORE_SNMP_H
#define DCORE_SNMP_H

#include "cm.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* ---------------------------------------------------------------------------------------
 * Configuration: the `snmp:` section of dra.yaml and hss.yaml (cfg.c)
 * ------------------------------------------------------------------------------------- */

#define SNMP_DEFAULT_SOCKET "/var/agentx/master"   /* snmpd's default AgentX socket */
#define SNMP_DEFAULT_PING 5                        /* seconds */

struct snmp_cfg {
	bool enabled;              /* default false */
	char *agentx_socket;       /* "/path", "unix:/path" or "tcp:HOST:PORT" */
	unsigned ping_interval;    /* seconds between AgentX pings (and reconnection attempts) */
	char *context;             /* AgentX context to register in; NULL: the default one */
};

/* Keys: enabled (bool), agentx_socket (string), ping_interval (1-3600), context (string). */
extern const struct cm_schema snmp_schema[];

/* Fill cfg from the (schema-checked) `snmp:` map node; node NULL gives the defaults
 * (disabled). 0, ENOMEM. */
int snmp_cfg_parse(const struct cm_ynode *node, struct snmp_cfg *cfg, char *err, size_t errlen);
void snmp_cfg_free(struct snmp_cfg *cfg);     /* accepts a zeroed cfg */

/* Whether this build has the agent. */
bool snmp_available(void);

/* ---------------------------------------------------------------------------------------
 * Values and views (view.c)
 * ------------------------------------------------------------------------------------- */

#define SNMP_OID_MAX 32            /* sub-identifiers in an OID the agent serves */
#define SNMP_TTL_MS 500            /* how long the values of a subtree are reused */

enum snmp_type {
	SNMP_T_COUNTER64 = 1,
	SNMP_T_GAUGE32,
	SNMP_T_UNSIGNED32,
	SNMP_T_INTEGER,            /* Integer32, enumerations */
	SNMP_T_OCTETS,             /* OCTET STRING: SnmpAdminString, DateAndTime */
	SNMP_T_TIMETICKS,
};

struct snmp_value {
	enum snmp_type type;
	uint64_t u;                /* counters, gauges, unsigned, timeticks */
	int64_t i;                 /* INTEGER */
	const uint8_t *s;          /* OCTETS (copied) */
	size_t len;
};

/* What a collect callback fills: values under the subtree it was registered for. */
struct snmp_out;

/* The index of the row the next values belong to (copied): values go to
 * ROOT.col.INDEX. Scalars use the index { 0 }: ROOT.n.0. */
void snmp_out_row(struct snmp_out *o, const uint32_t *index, size_t n);
void snmp_out_value(struct snmp_out *o, uint32_t col, const struct snmp_value *v);
void snmp_out_counter64(struct snmp_out *o, uint32_t col, uint64_t v);
void snmp_out_gauge32(struct snmp_out *o, uint32_t col, uint64_t v);    /* saturates */
void snmp_out_unsigned32(struct snmp_out *o, uint32_t col, uint64_t v); /* saturates */
void snmp_out_integer(struct snmp_out *o, uint32_t col, int64_t v);
void snmp_out_string(struct snmp_out *o, uint32_t col, const char *s);  /* NULL: "" */
/* DateAndTime (RFC 2579) in UTC; 0: '0000000000000000'H, "never". */
void snmp_out_time(struct snmp_out *o, uint32_t col, time_t t);

/* DateAndTime octets of t (UTC, 11 octets); t == 0: 8 octets of zero. Returns the length. */
size_t snmp_dateandtime(time_t t, uint8_t out[11]);

typedef void snmp_collect_fn(void *data, struct snmp_out *o);

/* A subtree and its values as of the last collect, sorted; the part the agent is built on,
 * exposed for tests. */
struct snmp_view;

/* root: the subtree's OID (copied); collect is called by snmp_view_refresh. ENOMEM. */
int snmp_view_new(const uint32_t *root, size_t root_len, snmp_collect_fn *collect, void *data,
                  struct snmp_view **ret);
void snmp_view_free(struct snmp_view *v);
/* Collect again if the values are older than ttl_ms (0: always). 0, ENOMEM. */
int snmp_view_refresh(struct snmp_view *v, unsigned ttl_ms);
/* Exact match (GET); NULL when there is no such object. */
const struct snmp_value *snmp_view_get(const struct snmp_view *v, const uint32_t *oid,
                                       size_t len);
/* The first object after oid (GETNEXT): its value, its OID in *ret_oid / *ret_len (pointing
 * into the view, valid until the next refresh). NULL when oid is past the last one. */
const struct snmp_value *snmp_view_next(const struct snmp_view *v, const uint32_t *oid,
                                        size_t len, const uint32_t **ret_oid, size_t *ret_len);
size_t snmp_view_count(const struct snmp_view *v);
const uint32_t *snmp_view_root(const struct snmp_view *v, size_t *ret_len);
/* -1, 0, 1 as a < b in OID order. */
int snmp_oid_cmp(const uint32_t *a, size_t alen, const uint32_t *b, size_t blen);

/* ---------------------------------------------------------------------------------------
 * The agent (agent.c, or agent_none.c when built without libnetsnmp)
 * ------------------------------------------------------------------------------------- */

/* Serve a subtree (before snmp_start; at most 32). name: for logs. 0, ENOMEM, ENOSPC,
 * EBUSY (already started). */
int snmp_register(const char *name, const uint32_t *root, size_t root_len,
                  snmp_collect_fn *collect, void *data);

/* Called once a second in the agent thread (after snmp_start): where a daemon compares
 * states and sends notifications. At most 8. */
typedef void snmp_tick_fn(void *data);
int snmp_on_tick(snmp_tick_fn *fn, void *data);

/* Start the agent thread: it registers every subtree with the master at cfg->agentx_socket
 * and keeps trying (every ping_interval) while the master is absent. app: the name the
 * subagent gives itself ("dcore-dra"). Call once, after cm_diam_init (the thread must be
 * created with the signals blocked). 0, ENOTSUP (built without net-snmp), EALREADY, or the
 * errno of the thread creation. */
int snmp_start(const struct snmp_cfg *cfg, const char *app);
/* Close the AgentX session and join the thread (any thread but the agent's). */
void snmp_stop(void);
/* Whether the subagent is registered with a master now. */
bool snmp_connected(void);

/* One varbind of a notification. */
struct snmp_varbind {
	const uint32_t *oid;
	size_t oid_len;
	struct snmp_value v;
};

/* Send the notification trap_oid (an SNMPv2 NOTIFICATION-TYPE) with these varbinds through
 * the master (AgentX Notify), which forwards it to its trap sinks. Any thread: everything is
 * copied and sent by the agent thread. A notification while no master is connected is
 * dropped (counted in snmp_stats). 0, ENOMEM, ENOTCONN (agent not running), ENOSPC (more
 * than 256 queued). */
int snmp_notify(const uint32_t *trap_oid, size_t trap_len, const struct snmp_varbind *vbs,
                size_t n);

struct snmp_stats {
	uint64_t requests;         /* AgentX requests answered (GET, GETNEXT, GETBULK) */
	uint64_t notifications;    /* sent to the master */
	uint64_t dropped;          /* notifications dropped: no master, queue full */
	uint64_t connects;         /* registrations with a master */
};
void snmp_get_stats(struct snmp_stats *ret);

/* ---------------------------------------------------------------------------------------
 * The parts both daemons' MIB subtrees share (peers.c)
 * ------------------------------------------------------------------------------------- */

/* dcoreMIB, the root of DCORE-MIB: enterprises.32473, RFC 5612's number for documentation,
 * a placeholder: an operator moves it under its own Private Enterprise Number by changing
 * this and the MIB's `dcoreMIB MODULE-IDENTITY ... ::= { enterprises 32473 }` alike. */
#define SNMP_DCORE_MIB 1, 3, 6, 1, 4, 1, 32473

/* The peer table of a daemon: rows from freeDiameter's peer list and common/'s per-peer
 * counters (cm_pstats), in the layout of draPeerEntry / hssPeerEntry (DCORE-MIB):
 *   1 index (not served), 2 identity, 3 realm, 4 state, 5 connected since, 6 requests in,
 *   7 requests out, 8 answers in, 9 answers out, 10 errors in, 11 errors out, 12 pending,
 *   13 failovers.
 * Register it with snmp_register(name, ENTRY_OID, len, snmp_peer_collect, NULL). */
void snmp_peer_collect(void *data, struct snmp_out *o);

/* Peer up/down notifications: call from a tick callback; for each peer whose state went to
 * or from open since the last call (or that connected again meanwhile), sends
 * dcorePeerUp / dcorePeerDown with dcoreNotifNode (this node's identity), dcoreNotifPeer
 * and dcoreNotifPeerState. The first call only learns the states. */
void snmp_peer_watch(void);

/* dcoreReloadFailed with dcoreNotifNode and dcoreNotifText = text. */
int snmp_notify_reload_failed(const char *text);

#endif /* DCORE_SNMP_H */

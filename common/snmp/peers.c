/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * peers.c: what both daemons' MIB subtrees share: the peer table (freeDiameter's peer list
 * joined with common/'s per-peer counters) and the peer up/down and failed-reload
 * notifications. Runs in the agent thread only.
 */
#include "snmp_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The columns of draPeerEntry / hssPeerEntry. */
enum {
	PC_IDENTITY = 2, PC_REALM, PC_STATE, PC_SINCE, PC_REQ_IN, PC_REQ_OUT, PC_ANS_IN, PC_ANS_OUT,
	PC_ERR_IN, PC_ERR_OUT, PC_PENDING, PC_FAILOVERS,
};

void snmp_peer_collect(void *data, struct snmp_out *o)
{
	struct cm_peer_info *peers = NULL;
	size_t n = 0, i;

	if (cm_peers_list(&peers, &n))
		return;
	for (i = 0; i < n; i++) {
		const struct cm_peer_info *pi = &peers[i];
		/* Every peer freeDiameter knows gets its entry (a configured peer that never
		 * connected too), so its row index never changes once given. */
		struct cm_pstat *p = cm_pstats_get(pi->identity, strlen(pi->identity));
		uint32_t idx;

		if (!p)
			continue;   /* past CM_PSTATS_MAX */
		idx = p->index;
		snmp_out_row(o, &idx, 1);
		snmp_out_string(o, PC_IDENTITY, pi->identity);
		snmp_out_string(o, PC_REALM, pi->realm);
		snmp_out_integer(o, PC_STATE, pi->state);
		snmp_out_time(o, PC_SINCE, pi->state == CM_PEER_OPEN ?
		              (time_t)atomic_load(&p->connected_since) : 0);
		snmp_out_counter64(o, PC_REQ_IN, cm_pstat_get(&p->req_in));
		snmp_out_counter64(o, PC_REQ_OUT, cm_pstat_get(&p->req_out));
		snmp_out_counter64(o, PC_ANS_IN, cm_pstat_get(&p->ans_in));
		snmp_out_counter64(o, PC_ANS_OUT, cm_pstat_get(&p->ans_out));
		snmp_out_counter64(o, PC_ERR_IN, cm_pstat_get(&p->err_in));
		snmp_out_counter64(o, PC_ERR_OUT, cm_pstat_get(&p->err_out));
		snmp_out_gauge32(o, PC_PENDING, cm_pstat_pending(p));
		snmp_out_counter64(o, PC_FAILOVERS, cm_pstat_get(&p->failovers));
	}
	cm_peers_free(peers, n);
}

/* ---- notifications ---------------------------------------------------------------------- */

static const uint32_t oid_node[] = { SNMP_NOTIF_OBJ, SNMP_NO_NODE, 0 };
static const uint32_t oid_peer[] = { SNMP_NOTIF_OBJ, SNMP_NO_PEER, 0 };
static const uint32_t oid_state[] = { SNMP_NOTIF_OBJ, SNMP_NO_PEER_STATE, 0 };
static const uint32_t oid_text[] = { SNMP_NOTIF_OBJ, SNMP_NO_TEXT, 0 };

#define OIDN(a) (sizeof(a) / sizeof(a[0]))

static struct snmp_value str_value(const char *s)
{
	struct snmp_value v = { .type = SNMP_T_OCTETS, .s = (const uint8_t *)(s ? s : ""),
	                        .len = s ? strlen(s) : 0 };

	if (v.len > 255)
		v.len = 255;
	return v;
}

static int notify_peer(bool up, const char *peer, enum cm_peer_state state)
{
	const uint32_t trap[] = { SNMP_NOTIF_BASE, up ? SNMP_NOTIF_PEER_UP : SNMP_NOTIF_PEER_DOWN };
	struct snmp_varbind vb[3] = {
		{ oid_node, OIDN(oid_node), str_value(fd_g_config->cnf_diamid) },
		{ oid_peer, OIDN(oid_peer), str_value(peer) },
		{ oid_state, OIDN(oid_state), { .type = SNMP_T_INTEGER, .i = state } },
	};

	return snmp_notify(trap, OIDN(trap), vb, 3);
}

int snmp_notify_reload_failed(const char *text)
{
	const uint32_t trap[] = { SNMP_NOTIF_BASE, SNMP_NOTIF_RELOAD_FAILED };
	struct snmp_varbind vb[2] = {
		{ oid_node, OIDN(oid_node), str_value(fd_g_config->cnf_diamid) },
		{ oid_text, OIDN(oid_text), str_value(text) },
	};

	return snmp_notify(trap, OIDN(trap), vb, 2);
}

/* What the last watch saw of each peer, by its cm_pstat index. */
struct pw_seen {
	bool known;
	bool open;
	uint64_t connects;
};

static struct {
	struct pw_seen *seen;
	size_t n;
	bool primed;
} pw;

void snmp_peer_watch(void)
{
	struct cm_peer_info *peers = NULL;
	size_t n = 0, i;

	if (cm_peers_list(&peers, &n))
		return;
	for (i = 0; i < n; i++) {
		struct cm_peer_info *pi = &peers[i];
		struct cm_pstat *p = cm_pstats_get(pi->identity, strlen(pi->identity));
		struct pw_seen *s;
		bool open = pi->state == CM_PEER_OPEN;
		uint64_t connects;

		if (!p)
			continue;
		if (p->index > pw.n) {
			size_t nn = p->index + 16;
			struct pw_seen *ns = realloc(pw.seen, nn * sizeof(*ns));
			if (!ns)
				continue;
			memset(ns + pw.n, 0, (nn - pw.n) * sizeof(*ns));
			pw.seen = ns;
			pw.n = nn;
		}
		s = &pw.seen[p->index - 1];
		connects = cm_pstat_get(&p->connects);
		if (pw.primed) {
			/* A peer first seen now counts as down before: one that is up gets peerUp. */
			bool was_open = s->known && s->open;
			bool bounced = s->known && connects > s->connects + (open && !was_open ? 1 : 0);

			if (was_open && (!open || bounced))
				notify_peer(false, pi->identity, open ? CM_PEER_CLOSED : pi->state);
			if (open && (!was_open || bounced))
				notify_peer(true, pi->identity, pi->state);
		}
		s->known = true;
		s->open = open;
		s->connects = connects;
	}
	pw.primed = true;
	cm_peers_free(peers, n);
}

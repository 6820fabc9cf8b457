/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * peerstats.c: per-peer Diameter counters of a node (requests and answers in and out, error
 * answers, failovers, connection time) and the node's own error answers (3002, 3004, 3005),
 * counted by freeDiameter hooks for every application message a daemon sends or receives,
 * relayed or local. The logs, stats files, control sockets and the SNMP agent read them here:
 * there is no other copy.
 *
 * Cost on the message path: one hash of the peer's identity, a walk of a short bucket chain
 * and a few relaxed atomic increments; for answers a look at Result-Code (parsing that AVP,
 * which routing or the rules parse anyway). Entries are created when a peer connects (or is
 * first seen) under a mutex, published with release stores and never freed, so readers take
 * no lock. The registry is bounded (CM_PSTATS_MAX peers): identities past it are not counted
 * per peer (cm_pstats_global.uncounted), so a flood of new identities costs no memory.
 */
#include "cm.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define PS_BUCKETS 1024u          /* power of two */

#define PS_AC_RESULT_CODE 268
#define PS_AC_EXP_RESULT 297
#define PS_AC_EXP_RESULT_CODE 298

struct cm_pstats_global cm_pstats_global;

static struct {
	pthread_mutex_t lock;
	_Atomic(struct cm_pstat *) bucket[PS_BUCKETS];
	_Atomic(struct cm_pstat *) head;      /* every entry, newest first */
	atomic_uint count;
	struct fd_hook_hdl *hook;
} ps = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* FNV-1a of the identity, case-folded (Diameter identities compare case-insensitively). */
static uint32_t ps_hash(const char *id, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)id[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		h = (h ^ c) * 16777619u;
	}
	return h;
}

static struct cm_pstat *ps_lookup(uint32_t h, const char *id, size_t len)
{
	struct cm_pstat *e;

	for (e = atomic_load_explicit(&ps.bucket[h & (PS_BUCKETS - 1)], memory_order_acquire); e;
	     e = e->hnext)
		if (e->id_len == len && strncasecmp(e->id, id, len) == 0)
			return e;
	return NULL;
}

struct cm_pstat *cm_pstats_find(const char *id, size_t len)
{
	if (!id)
		return NULL;
	return ps_lookup(ps_hash(id, len), id, len);
}

struct cm_pstat *cm_pstats_get(const char *id, size_t len)
{
	uint32_t h;
	struct cm_pstat *e;

	if (!id || !len)
		return NULL;
	h = ps_hash(id, len);
	if ((e = ps_lookup(h, id, len)))
		return e;
	pthread_mutex_lock(&ps.lock);
	if ((e = ps_lookup(h, id, len)))
		goto out;
	if (atomic_load(&ps.count) >= CM_PSTATS_MAX) {
		e = NULL;
		goto out;
	}
	if (!(e = calloc(1, sizeof(*e) + len + 1)))
		goto out;
	memcpy(e->id, id, len);
	e->id_len = len;
	e->index = atomic_load(&ps.count) + 1;
	e->hnext = atomic_load_explicit(&ps.bucket[h & (PS_BUCKETS - 1)], memory_order_relaxed);
	e->next = atomic_load_explicit(&ps.head, memory_order_relaxed);
	/* Published last: a reader that finds it sees it whole. */
	atomic_store_explicit(&ps.bucket[h & (PS_BUCKETS - 1)], e, memory_order_release);
	atomic_store_explicit(&ps.head, e, memory_order_release);
	atomic_fetch_add(&ps.count, 1);
out:
	pthread_mutex_unlock(&ps.lock);
	return e;
}

size_t cm_pstats_count(void)
{
	return atomic_load(&ps.count);
}

void cm_pstats_foreach(void (*cb)(void *data, struct cm_pstat *p), void *data)
{
	struct cm_pstat *e, **v;
	size_t n = 0, i;

	/* Newest first in the list; callers want them by index. */
	for (e = atomic_load_explicit(&ps.head, memory_order_acquire); e; e = e->next)
		n++;
	if (!n)
		return;
	if (!(v = calloc(n, sizeof(*v)))) {
		for (e = atomic_load_explicit(&ps.head, memory_order_acquire); e; e = e->next)
			cb(data, e);
		return;
	}
	i = n;
	for (e = atomic_load_explicit(&ps.head, memory_order_acquire); e && i; e = e->next)
		v[--i] = e;
	for (; i < n; i++)
		cb(data, v[i]);
	free(v);
}

uint64_t cm_pstat_get(atomic_uint_fast64_t *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

uint64_t cm_pstat_pending(struct cm_pstat *p)
{
	uint64_t out = cm_pstat_get(&p->req_out), done = cm_pstat_get(&p->ans_in) +
	               cm_pstat_get(&p->failovers);

	/* The three are read one after the other while messages flow: never below zero. */
	return out > done ? out - done : 0;
}

/* ---- the hooks ---------------------------------------------------------------------------- */

/* CER/CEA, DWR/DWA, DPR/DPA: the peer link itself, not traffic. */
static bool ps_link_local(const struct msg_hdr *h)
{
	return h->msg_appl == 0 && (h->msg_code == CC_CAPABILITIES_EXCHANGE ||
	                            h->msg_code == CC_DEVICE_WATCHDOG ||
	                            h->msg_code == CC_DISCONNECT_PEER);
}

uint32_t cm_answer_result(struct msg *ans)
{
	struct avp *avp, *ch;
	struct avp_hdr *ah;

	if (fd_msg_browse(ans, MSG_BRW_FIRST_CHILD, &avp, NULL))
		return 0;
	while (avp) {
		if (fd_msg_avp_hdr(avp, &ah))
			return 0;
		if (!(ah->avp_flags & AVP_FLAG_VENDOR) && ah->avp_code == PS_AC_RESULT_CODE) {
			if (!ah->avp_value && fd_msg_parse_dict(avp, fd_g_config->cnf_dict, NULL))
				return 0;
			return ah->avp_value ? ah->avp_value->u32 : 0;
		}
		if (!(ah->avp_flags & AVP_FLAG_VENDOR) && ah->avp_code == PS_AC_EXP_RESULT) {
			if (fd_msg_browse(avp, MSG_BRW_FIRST_CHILD, &ch, NULL))
				return 0;
			if (!ch && fd_msg_parse_dict(avp, fd_g_config->cnf_dict, NULL))
				return 0;
			if (!ch && fd_msg_browse(avp, MSG_BRW_FIRST_CHILD, &ch, NULL))
				return 0;
			while (ch) {
				if (fd_msg_avp_hdr(ch, &ah))
					return 0;
				if (!(ah->avp_flags & AVP_FLAG_VENDOR) && ah->avp_code == PS_AC_EXP_RESULT_CODE) {
					if (!ah->avp_value && fd_msg_parse_dict(ch, fd_g_config->cnf_dict, NULL))
						return 0;
					return ah->avp_value ? ah->avp_value->u32 : 0;
				}
				if (fd_msg_browse(ch, MSG_BRW_NEXT, &ch, NULL))
					return 0;
			}
			return 0;
		}
		if (fd_msg_browse(avp, MSG_BRW_NEXT, &avp, NULL))
			return 0;
	}
	return 0;
}

/* An answer that did not succeed: the E bit, or a result outside 1xxx/2xxx (none at all
 * counts as an error too: the answer is malformed). */
static bool ps_answer_failed(struct msg *ans, const struct msg_hdr *h, uint32_t *ret_code)
{
	uint32_t rc = cm_answer_result(ans);

	*ret_code = rc;
	return (h->msg_flags & CMD_FLAG_ERROR) || rc < 1000 || rc >= 3000;
}

static void ps_local_answer(uint32_t rc)
{
	atomic_uint_fast64_t *c = NULL;

	switch (rc) {
	case 3002: c = &cm_pstats_global.local_3002; break;
	case 3004: c = &cm_pstats_global.local_3004; break;
	case 3005: c = &cm_pstats_global.local_3005; break;
	}
	if (c)
		atomic_fetch_add_explicit(c, 1, memory_order_relaxed);
}

static struct cm_pstat *ps_of(struct peer_hdr *peer)
{
	struct cm_pstat *p;

	if (!peer || !peer->info.pi_diamid)
		return NULL;
	p = cm_pstats_find(peer->info.pi_diamid, peer->info.pi_diamidlen);
	if (!p && !(p = cm_pstats_get(peer->info.pi_diamid, peer->info.pi_diamidlen)))
		atomic_fetch_add_explicit(&cm_pstats_global.uncounted, 1, memory_order_relaxed);
	return p;
}

#define PS_INC(p, f) atomic_fetch_add_explicit(&(p)->f, 1, memory_order_relaxed)

/* freeDiameter logs these itself, at debug level, only when no hook is registered: keep its
 * lines when the node runs at debug level. */
static void ps_debug_log(enum fd_hook_type type, struct msg *msg, struct peer_hdr *peer)
{
	char *buf = NULL;
	size_t len = 0;
	const char *who = peer && peer->info.pi_diamid ? peer->info.pi_diamid : "<unknown>";

	if (!fd_msg_dump_summary(&buf, &len, NULL, msg, NULL, 0, 1))
		return;
	if (type == HOOK_MESSAGE_RECEIVED)
		LOG_D("RCV from '%s': %s", who, buf);
	else if (type == HOOK_MESSAGE_SENT)
		LOG_D("SENT to '%s': %s", who, buf);
	else
		LOG_D("Failing over message sent to '%s': %s", who, buf);
	free(buf);
}

static void ps_hook(enum fd_hook_type type, struct msg *msg, struct peer_hdr *peer, void *other,
                    struct fd_hook_permsgdata *pmd, void *regdata)
{
	struct msg_hdr *h = NULL;
	struct cm_pstat *p;
	DiamId_t src = NULL;
	size_t srclen = 0;
	uint32_t rc;

	if (type == HOOK_PEER_CONNECT_SUCCESS) {
		if ((p = ps_of(peer))) {
			atomic_store_explicit(&p->connected_since, (int64_t)time(NULL), memory_order_relaxed);
			PS_INC(p, connects);
		}
		return;
	}
	if (fd_g_debug_lvl <= FD_LOG_DEBUG && msg)
		ps_debug_log(type, msg, peer);
	if (!msg || fd_msg_hdr(msg, &h) || ps_link_local(h))
		return;
	p = ps_of(peer);
	switch (type) {
	case HOOK_MESSAGE_RECEIVED:
		if (h->msg_flags & CMD_FLAG_REQUEST) {
			if (p)
				PS_INC(p, req_in);
		} else {
			if (p)
				PS_INC(p, ans_in);
			if (ps_answer_failed(msg, h, &rc) && p)
				PS_INC(p, err_in);
		}
		break;
	case HOOK_MESSAGE_SENT:
		if (h->msg_flags & CMD_FLAG_REQUEST) {
			if (p)
				PS_INC(p, req_out);
		} else {
			if (p)
				PS_INC(p, ans_out);
			if (ps_answer_failed(msg, h, &rc) && p)
				PS_INC(p, err_out);
			/* A relayed answer keeps the identity of the peer it came from; an answer
			 * this node built has none. */
			if (rc >= 3000 && !fd_msg_source_get(msg, &src, &srclen) && !src)
				ps_local_answer(rc);
		}
		break;
	case HOOK_MESSAGE_FAILOVER:
		if (p)
			PS_INC(p, failovers);
		atomic_fetch_add_explicit(&cm_pstats_global.failovers, 1, memory_order_relaxed);
		break;
	default:
		break;
	}
}

int cm_pstats_init(void)
{
	if (ps.hook)
		return 0;
	return fd_hook_register(HOOK_MASK(HOOK_MESSAGE_RECEIVED, HOOK_MESSAGE_SENT,
	                                  HOOK_MESSAGE_FAILOVER, HOOK_PEER_CONNECT_SUCCESS),
	                        ps_hook, NULL, NULL, &ps.hook);
}

/* ---- the peers freeDiameter knows ---------------------------------------------------------- */

enum cm_peer_state cm_peer_state_of(int fd_state)
{
	switch (fd_state) {
	case STATE_OPEN:
	case STATE_OPEN_NEW:
	case STATE_OPEN_HANDSHAKE:
		return CM_PEER_OPEN;
	case STATE_NEW:
	case STATE_WAITCNXACK:
	case STATE_WAITCNXACK_ELEC:
	case STATE_WAITCEA:
		return CM_PEER_CONNECTING;
	case STATE_SUSPECT:
	case STATE_REOPEN:
		return CM_PEER_SUSPECT;
	case STATE_CLOSING:
	case STATE_CLOSING_GRACE:
		return CM_PEER_CLOSING;
	case STATE_CLOSED:
	case STATE_ZOMBIE:
	default:
		return CM_PEER_CLOSED;
	}
}

const char *cm_peer_state_name(enum cm_peer_state s)
{
	static const char *const names[] = {
		[CM_PEER_OPEN] = "open", [CM_PEER_CLOSED] = "closed", [CM_PEER_CONNECTING] = "connecting",
		[CM_PEER_SUSPECT] = "suspect", [CM_PEER_CLOSING] = "closing",
	};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) && names[s] ? names[s] : "?";
}

void cm_peers_free(struct cm_peer_info *v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++) {
		free(v[i].identity);
		free(v[i].realm);
	}
	free(v);
}

int cm_peers_list(struct cm_peer_info **ret, size_t *ret_n)
{
	struct cm_peer_info *v = NULL;
	struct fd_list *li;
	size_t n = 0, cap = 0;
	int rc = 0;

	*ret = NULL;
	*ret_n = 0;
	if ((rc = pthread_rwlock_rdlock(&fd_g_peers_rw)))
		return rc;
	for (li = fd_g_peers.next; li != &fd_g_peers; li = li->next) {
		struct peer_hdr *p = (struct peer_hdr *)li->o;

		if (!p || !p->info.pi_diamid)
			continue;
		if (n == cap) {
			struct cm_peer_info *nv = realloc(v, (cap ? cap * 2 : 16) * sizeof(*v));
			if (!nv) {
				rc = ENOMEM;
				break;
			}
			v = nv;
			cap = cap ? cap * 2 : 16;
		}
		memset(&v[n], 0, sizeof(v[n]));
		v[n].state = cm_peer_state_of(fd_peer_get_state(p));
		v[n].identity = strdup(p->info.pi_diamid);
		if (p->info.runtime.pir_realm)
			v[n].realm = strdup(p->info.runtime.pir_realm);
		else if (p->info.config.pic_realm)
			v[n].realm = strdup(p->info.config.pic_realm);
		n++;
		if (!v[n - 1].identity) {
			rc = ENOMEM;
			break;
		}
	}
	pthread_rwlock_unlock(&fd_g_peers_rw);
	if (rc) {
		cm_peers_free(v, n);
		return rc;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

// SPDX-License-Identifier: BSD-3-Clause
/* pending.c: how many requests this node holds and has not answered yet, the measure of
 * pending work both daemons compare with their `overload.max_pending` bound.
 *
 * A request is counted when freeDiameter has parsed it off a connection (HOOK_MESSAGE_RECEIVED,
 * in the peer's state machine thread) and uncounted when freeDiameter frees it. The count
 * rides on per-message data (fd_hook_data_register): freeDiameter calls our fini callback
 * when the message that carries it is freed, whichever path it takes (answered here,
 * relayed and answered by the next hop, answered with an error by the core, dropped with
 * its connection), so the count cannot drift. A relayed request lives until its answer has
 * been sent back, so for a relay the count is the number of requests in flight through it;
 * for a server it is the number queued inside the node or being served.
 *
 * Base protocol requests (application 0: CER, DWR, DPR) are not counted: they are the
 * node's own housekeeping and must never be refused for load.
 *
 * For the count to see every request received, freeDiameter must parse them as they come:
 * in 1.2.1 the queues between the peer state machines and the routing thread (20 messages)
 * and between the routing thread and the dispatch threads (25) are bounded, so under load
 * the state machine blocks and the backlog piles up unparsed, invisible to any callback, in
 * each peer's unbounded event queue. cm_pending_unbound_queues replaces those two queues by
 * unbounded ones before any thread uses them: the backlog then waits parsed and counted in
 * front of the routing and dispatch callbacks, where an overloaded node answers it 3004.
 * Nothing else changes: the event queues they replace in that role were unbounded too. */
#include "cm.h"
#include "cm_int.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libfdcore 1.2.1 exports these but declares them only in its internal header
 * (fdcore-internal.h): created by fd_core_initialize, handed to the routing and dispatch
 * threads by fd_core_parseconf. */
extern struct fifo *fd_g_incoming, *fd_g_local;

struct fd_hook_permsgdata {
	bool counted;
};

static struct {
	struct fd_hook_data_hdl *data;
	struct fd_hook_hdl *hook;
	atomic_long pending;
} pd;

static void pd_fini(struct fd_hook_permsgdata *pmd)
{
	if (pmd->counted)
		atomic_fetch_sub_explicit(&pd.pending, 1, memory_order_relaxed);
}

static void pd_received(enum fd_hook_type type, struct msg *msg, struct peer_hdr *peer,
                        void *other, struct fd_hook_permsgdata *pmd, void *regdata)
{
	struct msg_hdr *hdr = NULL;

	(void)type, (void)other, (void)regdata;
	if (!msg || fd_msg_hdr(msg, &hdr) || !hdr)
		return;
	if (pmd && !pmd->counted && (hdr->msg_flags & CMD_FLAG_REQUEST) && hdr->msg_appl != 0) {
		pmd->counted = true;
		atomic_fetch_add_explicit(&pd.pending, 1, memory_order_relaxed);
	}
	/* A registered hook replaces freeDiameter's own debug line for the event. */
	if (fd_g_debug_lvl <= FD_LOG_DEBUG) {
		char *buf = NULL;
		size_t len = 0;

		if (fd_msg_dump_summary(&buf, &len, NULL, msg, NULL, 0, 1))
			fd_log_debug("RCV from '%s': %s", peer ? peer->info.pi_diamid : "<unknown>", buf);
		free(buf);
	}
}

static int pd_unbound(struct fifo **q)
{
	struct fifo *n = NULL, *old = *q;
	int rc;

	if (!old)
		return EINVAL;
	if ((rc = fd_fifo_new(&n, 0)))
		return rc;
	*q = n;
	return fd_fifo_del(&old);
}

int cm_pending_unbound_queues(void)
{
	int rc;

	if ((rc = pd_unbound(&fd_g_incoming)) || (rc = pd_unbound(&fd_g_local)))
		LOG_E("cm: cannot replace freeDiameter's bounded message queues: %s", strerror(rc));
	return rc;
}

int cm_pending_start(void)
{
	int rc;

	if (pd.hook)
		return 0;
	if ((rc = fd_hook_data_register(sizeof(struct fd_hook_permsgdata), NULL, pd_fini, &pd.data)))
		return rc;
	return fd_hook_register(HOOK_MASK(HOOK_MESSAGE_RECEIVED), pd_received, NULL, pd.data,
	                        &pd.hook);
}

unsigned long cm_pending(void)
{
	long v = atomic_load_explicit(&pd.pending, memory_order_relaxed);

	return v > 0 ? (unsigned long)v : 0;
}

/* ---- the `overload:` section ------------------------------------------------------------ */

const struct cm_schema cm_overload_schema[] = {
	{ "max_pending", CM_S_UINT, 0, 0, 10000000, NULL, NULL,
	  "requests in progress above which new ones are answered 3004 at once; 0: no bound" },
	{ 0 }
};

int cm_overload_cfg_parse(const struct cm_ynode *overload, unsigned def_max_pending,
                          struct cm_overload_cfg *cfg, char *err, size_t errlen)
{
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (!cfg)
		return EINVAL;
	cfg->max_pending = def_max_pending;
	if (!overload || overload->type != CM_Y_MAP)
		return 0;   /* absent, or `overload:` with nothing under it: the defaults */
	if ((rc = cm_schema_check(overload, cm_overload_schema, err, errlen)))
		return rc;
	cfg->max_pending = (unsigned)cm_yget_u64(overload, "max_pending", def_max_pending);
	return 0;
}

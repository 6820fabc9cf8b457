// SPDX-License-Identifier: BSD-3-Clause
/* pending.c: admission of requests, the measure of pending work both daemons bound with
 * `overload.max_pending`.
 *
 * Each request (any application but the base protocol: CER, DWR, DPR are the node's own
 * housekeeping) is judged when it arrives, i.e. when freeDiameter has parsed it off its
 * connection (HOOK_MESSAGE_RECEIVED, in the peer's state machine thread): admitted while
 * fewer than max_pending admitted requests are in progress, refused otherwise. The daemon
 * answers a refused request 3004 DIAMETER_TOO_BUSY when it reaches its callbacks
 * (cm_pending_refused), without doing its work. An admitted request stays counted until
 * freeDiameter frees it: after its answer was sent, whichever path it took (answered here,
 * relayed and answered by the next hop, answered with an error by the core, dropped with its
 * connection); the state rides on per-message data (fd_hook_data_register) whose release
 * callback freeDiameter always calls, so the count cannot drift.
 *
 * Judging on arrival rather than when a request reaches the callbacks matters: requests
 * wait in a queue in front of the callbacks, and a count taken there would include every
 * request queued behind, so under a storm every request would find the node "full" and be
 * refused, admitted throughput falling to nothing. Judged on arrival, at most max_pending
 * admitted requests are ever in progress, they keep the server busy, and the refused ones
 * cost the node only their parsing and a short answer.
 *
 * For arrival to be when a request comes off the wire, freeDiameter must parse requests as
 * they come. In 1.2.1 the queues between the peer state machines and the routing thread (20
 * messages) and between the routing thread and the dispatch threads (25) are bounded, so
 * under load the state machine blocks and the backlog piles up unparsed, out of anyone's
 * sight, in each peer's (unbounded) event queue. cm_pending_unbound_queues replaces those two
 * queues by unbounded ones before any thread uses them: the backlog then waits parsed and
 * judged, in the same order, in front of the routing and dispatch callbacks.
 *
 * freeDiameter 1.2.1 has no call to read the per-message data of a request, only that of the
 * request an answer belongs to (fd_hook_get_request_pmd): cm_pending_refused links a
 * per-thread empty message to the request as its answer for the time of that call. */
#include "cm.h"
#include "cm_int.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

/* libfdcore 1.2.1 exports these but declares them only in its internal header
 * (fdcore-internal.h): created by fd_core_initialize, handed to the routing and dispatch
 * threads by fd_core_parseconf. */
extern struct fifo *fd_g_incoming, *fd_g_local;

enum pd_state { PD_NONE, PD_ADMITTED, PD_REFUSED };

struct fd_hook_permsgdata {
	enum pd_state state;
};

static struct {
	struct fd_hook_data_hdl *data;
	struct fd_hook_hdl *hook;
	atomic_uint max;            /* 0: no bound */
	atomic_long pending;        /* requests received, not yet freed */
	atomic_long admitted;       /* of those, the admitted ones */
	atomic_bool busy;           /* refusing: for the log lines only */
	atomic_ulong refused, busy_since;
	pthread_key_t probe_key;
} pd;

static void pd_fini(struct fd_hook_permsgdata *pmd)
{
	if (pmd->state == PD_NONE)
		return;
	if (pmd->state == PD_ADMITTED)
		atomic_fetch_sub_explicit(&pd.admitted, 1, memory_order_relaxed);
	atomic_fetch_sub_explicit(&pd.pending, 1, memory_order_relaxed);
}

/* Admit or refuse; one log line when refusing starts, one when it is over. */
static enum pd_state pd_judge(void)
{
	unsigned max = atomic_load_explicit(&pd.max, memory_order_relaxed);
	long n = atomic_load_explicit(&pd.admitted, memory_order_relaxed);

	/* Several state machine threads judge at once: never admit beyond the bound. */
	do {
		if (max && n >= (long)max) {
			atomic_fetch_add_explicit(&pd.refused, 1, memory_order_relaxed);
			if (!atomic_exchange(&pd.busy, true)) {
				atomic_store(&pd.busy_since, atomic_load(&pd.refused) - 1);
				LOG_N("cm: %ld requests in progress, overload.max_pending %u reached: "
				      "refusing new ones (3004 DIAMETER_TOO_BUSY)", n, max);
			}
			return PD_REFUSED;
		}
	} while (!atomic_compare_exchange_weak_explicit(&pd.admitted, &n, n + 1, memory_order_relaxed,
	                                                memory_order_relaxed));
	/* Below 90% of the bound the episode is over. */
	if (atomic_load_explicit(&pd.busy, memory_order_relaxed) && n < (long)(max - max / 10) &&
	    atomic_exchange(&pd.busy, false))
		LOG_N("cm: %ld requests in progress, under overload.max_pending %u again: %lu refused "
		      "meanwhile", n, max, atomic_load(&pd.refused) - atomic_load(&pd.busy_since));
	return PD_ADMITTED;
}

static void pd_received(enum fd_hook_type type, struct msg *msg, struct peer_hdr *peer,
                        void *other, struct fd_hook_permsgdata *pmd, void *regdata)
{
	struct msg_hdr *hdr = NULL;

	(void)type, (void)other, (void)regdata;
	if (!msg || fd_msg_hdr(msg, &hdr) || !hdr)
		return;
	if (pmd && pmd->state == PD_NONE && (hdr->msg_flags & CMD_FLAG_REQUEST) && hdr->msg_appl != 0) {
		atomic_fetch_add_explicit(&pd.pending, 1, memory_order_relaxed);
		pmd->state = pd_judge();
	}
	/* freeDiameter's own debug line for the event, which a registered hook replaces, is
	 * written by the handler of common/rx_guard.c that every started node has. */
	(void)peer;
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

static void pd_probe_free(void *p)
{
	fd_msg_free(p);
}

int cm_pending_start(unsigned max_pending)
{
	int rc;

	atomic_store(&pd.max, max_pending);
	if (pd.hook)
		return 0;
	if ((rc = pthread_key_create(&pd.probe_key, pd_probe_free)))
		return rc;
	if ((rc = fd_hook_data_register(sizeof(struct fd_hook_permsgdata), NULL, pd_fini, &pd.data)))
		return rc;
	return fd_hook_register(HOOK_MASK(HOOK_MESSAGE_RECEIVED), pd_received, NULL, pd.data,
	                        &pd.hook);
}

void cm_pending_set_max(unsigned max_pending)
{
	atomic_store(&pd.max, max_pending);
}

unsigned cm_pending_max(void)
{
	return atomic_load_explicit(&pd.max, memory_order_relaxed);
}

unsigned long cm_pending(void)
{
	long v = atomic_load_explicit(&pd.pending, memory_order_relaxed);

	return v > 0 ? (unsigned long)v : 0;
}

unsigned long cm_pending_admitted(void)
{
	long v = atomic_load_explicit(&pd.admitted, memory_order_relaxed);

	return v > 0 ? (unsigned long)v : 0;
}

bool cm_pending_refused(struct msg *req)
{
	struct fd_hook_permsgdata *pmd;
	struct msg *probe;
	bool refused = false;

	if (!pd.hook || !req)
		return false;
	if (!(probe = pthread_getspecific(pd.probe_key))) {
		if (fd_msg_new(NULL, 0, &probe))
			return false;
		if (pthread_setspecific(pd.probe_key, probe)) {
			fd_msg_free(probe);
			return false;
		}
	}
	/* The probe stands as req's answer for one lookup, then lets it go. */
	if (fd_msg_answ_associate(probe, req))
		return false;
	pmd = fd_hook_get_request_pmd(pd.data, probe);
	refused = pmd && pmd->state == PD_REFUSED;
	fd_msg_answ_detach(probe);
	return refused;
}

/* ---- the `overload:` section ------------------------------------------------------------ */

const struct cm_schema cm_overload_schema[] = {
	{ "max_pending", CM_S_UINT, 0, 0, 10000000, NULL, NULL,
	  "requests in progress beyond which new ones are answered 3004 at once; 0: no bound" },
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

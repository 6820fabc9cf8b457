/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cm_int.h: internal to common/; not included from outside this folder.
 */
#ifndef CM_INT_H
#define CM_INT_H

/* Defined by common/meson.build for the component's own sources only. */
#ifndef CM_INTERNAL
#error "cm_int.h is internal to common/: include cm.h"
#endif

#include "cm.h"

/* Set TCP_NODELAY on every TCP socket of the process (tcp_nodelay.c). */
void cm_tcp_nodelay_all(void);

/* Hooks every node registers (cm_diam_init / cm_diam_start): one-line rate-limited logs of
 * failure events instead of freeDiameter's message dumps (log_hooks.c), the repair of
 * messages freeDiameter could not encode (avp_repair.c), the guard on received messages
 * (rx_guard.c: nesting bound, AVPs freeDiameter aborts on; needs the complete
 * dictionary). */
int cm_log_hooks_register(void);
int cm_avp_repair_register(void);
int cm_rx_guard_register(void);

/* A request freeDiameter's dispatch thread drops because it could not build the error answer
 * of a malformed request; answer.c answers it instead (HOOK_MESSAGE_DROPPED handler), so
 * the log handler does not report it as dropped. */
bool cm_dropped_unanswered(struct msg *msg, const char *reason);
int cm_answer_rescue_register(void);

/* Whether an event of this kind (a hook type) and cause may be logged now: at most a burst of
 * lines per cause in each window (log_hooks.c). *ret_suppressed: how many events of the cause
 * were left out since its last line. */
bool cm_log_admit(enum fd_hook_type kind, const char *cause, unsigned long *ret_suppressed);

/* Incoming connections (listen.c). cm_listen_init: keeps the ports and bounds.
 * cm_listen_start: after fd_core_start (tunes the listening sockets, starts the guard
 * thread). cm_listen_stop: before fd_core_shutdown. */
int cm_listen_init(const struct cm_diam_cfg *cfg);
int cm_listen_start(void);
void cm_listen_stop(void);

/* Replace freeDiameter's bounded incoming and local message queues by unbounded ones
 * (pending.c); between fd_core_initialize and fd_core_parseconf. */
int cm_pending_unbound_queues(void);

#endif /* CM_INT_H */

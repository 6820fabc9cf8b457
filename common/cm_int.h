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

/* Set TCP_NODELAY on every TCP socket of the process (tcp_nodelay.c). */
void cm_tcp_nodelay_all(void);

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

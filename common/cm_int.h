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

#endif /* CM_INT_H */

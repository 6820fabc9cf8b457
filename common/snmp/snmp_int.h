/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * snmp_int.h: internal to common/snmp/; not included from outside this folder.
 */
#ifndef DCORE_SNMP_INT_H
#define DCORE_SNMP_INT_H

/* Defined by common/snmp/meson.build for the component's own sources only. */
#ifndef SNMP_INTERNAL
#error "snmp_int.h is internal to common/snmp/: include snmp.h"
#endif

#include "snmp.h"

/* The notification OIDs and objects of DCORE-MIB (dcoreNotifications, dcoreNotifObjects). */
#define SNMP_NOTIF_BASE SNMP_DCORE_MIB, 0
#define SNMP_NOTIF_OBJ SNMP_DCORE_MIB, 1, 1
enum { SNMP_NOTIF_PEER_UP = 1, SNMP_NOTIF_PEER_DOWN = 2, SNMP_NOTIF_RELOAD_FAILED = 3 };
enum { SNMP_NO_NODE = 1, SNMP_NO_PEER = 2, SNMP_NO_PEER_STATE = 3, SNMP_NO_TEXT = 4 };

#endif /* DCORE_SNMP_INT_H */

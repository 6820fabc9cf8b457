/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * agent_none.c: the agent of a build without libnetsnmp (meson -Dsnmp=disabled, or auto
 * without libsnmp-dev). Registrations are accepted and kept nowhere; snmp_start says the
 * agent is not there, so a daemon whose configuration enables SNMP refuses to start rather
 * than run without what the operator asked for.
 */
#include "snmp_int.h"

#include <errno.h>
#include <string.h>

bool snmp_available(void)
{
	return false;
}

int snmp_register(const char *name, const uint32_t *root, size_t root_len,
                  snmp_collect_fn *collect, void *data)
{
	return 0;
}

int snmp_on_tick(snmp_tick_fn *fn, void *data)
{
	return 0;
}

int snmp_start(const struct snmp_cfg *cfg, const char *app)
{
	return ENOTSUP;
}

void snmp_stop(void)
{
}

bool snmp_connected(void)
{
	return false;
}

int snmp_notify(const uint32_t *trap_oid, size_t trap_len, const struct snmp_varbind *vbs,
                size_t n)
{
	return ENOTCONN;
}

void snmp_get_stats(struct snmp_stats *ret)
{
	memset(ret, 0, sizeof(*ret));
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cfg.c: the `snmp:` section both daemons share (schema and parsing). Checked by the
 * daemon's schema loader like any other section, so a wrong key or type names file, line
 * and key.
 */
#include "snmp_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const struct cm_schema snmp_schema[] = {
	{ "enabled", CM_S_BOOL, 0, 0, 0, NULL, NULL, "run the AgentX subagent (default false)" },
	{ "agentx_socket", CM_S_STR, 0, 1, 1024, NULL, NULL,
	  "the master's AgentX socket: /path, unix:/path or tcp:HOST:PORT (default " \
	  SNMP_DEFAULT_SOCKET ")" },
	{ "ping_interval", CM_S_UINT, 0, 1, 3600, NULL, NULL,
	  "seconds between AgentX pings, and between attempts to reach an absent master "
	  "(default 5)" },
	{ "context", CM_S_STR, 0, 1, 64, NULL, NULL,
	  "AgentX context to register in (several daemons of one kind on one host)" },
	{ NULL },
};

int snmp_cfg_parse(const struct cm_ynode *node, struct snmp_cfg *cfg, char *err, size_t errlen)
{
	const char *s;

	memset(cfg, 0, sizeof(*cfg));
	cfg->enabled = cm_yget_bool(node, "enabled", false);
	cfg->ping_interval = (unsigned)cm_yget_u64(node, "ping_interval", SNMP_DEFAULT_PING);
	s = cm_yget_str(node, "agentx_socket", SNMP_DEFAULT_SOCKET);
	if (!(cfg->agentx_socket = strdup(s)))
		return ENOMEM;
	if ((s = cm_yget_str(node, "context", NULL)) && !(cfg->context = strdup(s)))
		return ENOMEM;
	return 0;
}

void snmp_cfg_free(struct snmp_cfg *cfg)
{
	if (!cfg)
		return;
	free(cfg->agentx_socket);
	free(cfg->context);
	memset(cfg, 0, sizeof(*cfg));
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * diam_cfg.c: the `diameter:` YAML section (schema and conversion into struct cm_diam_cfg),
 * shared by the HSS, the DRA and the tools so every node is configured the same way.
 */
#include "cm.h"

#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

static const char *const cm_transport_choices[] = { "tcp", "sctp", NULL };
static const char *const cm_log_choices[] = { "error", "notice", "info", "debug", NULL };

static const struct cm_schema cm_str_item[] = {
	{ .key = "item", .type = CM_S_STR, .min = 1, .max = 255 },
	{ 0 }
};

static const struct cm_schema cm_peer_schema[] = {
	{ "host", CM_S_STR, CM_S_REQUIRED, 1, 255, NULL, NULL, "Diameter identity of the peer" },
	{ "realm", CM_S_STR, 0, 1, 255, NULL, NULL, "realm of the peer (checked in its CER/CEA)" },
	{ "addr", CM_S_STR, 0, 1, 255, NULL, NULL, "address to connect to; absent: accept only" },
	{ "port", CM_S_UINT, 0, 0, 65535, NULL, NULL, "port to connect to (0: 3868, 5658 with tls)" },
	{ "tls", CM_S_BOOL, 0, 0, 0, NULL, NULL, "connect with TLS" },
	{ "transport", CM_S_STR, 0, 0, 0, NULL, cm_transport_choices, "tcp or sctp" },
	{ 0 }
};

static const struct cm_schema cm_peer_item[] = {
	{ .key = "peer", .type = CM_S_MAP, .sub = cm_peer_schema },
	{ 0 }
};

const struct cm_schema cm_diam_schema[] = {
	{ "identity", CM_S_STR, CM_S_REQUIRED, 1, 255, NULL, NULL, "this node's Diameter identity" },
	{ "realm", CM_S_STR, CM_S_REQUIRED, 1, 255, NULL, NULL, "this node's realm" },
	{ "listen", CM_S_SEQ, 0, 0, 0, cm_str_item, NULL, "addresses to listen on" },
	{ "port", CM_S_UINT, 0, 0, 65535, NULL, NULL, "clear-text port (0 disables)" },
	{ "tls_port", CM_S_UINT, 0, 0, 65535, NULL, NULL, "TLS port (0 disables)" },
	{ "sctp", CM_S_BOOL, 0, 0, 0, NULL, NULL, "enable SCTP" },
	{ "tls_cert", CM_S_STR, 0, 1, 4096, NULL, NULL, "PEM certificate file" },
	{ "tls_key", CM_S_STR, 0, 1, 4096, NULL, NULL, "PEM private key file" },
	{ "tls_ca", CM_S_STR, 0, 1, 4096, NULL, NULL, "PEM CA file" },
	{ "tw_timer", CM_S_UINT, 0, 6, 3600, NULL, NULL, "watchdog timer, seconds" },
	{ "tc_timer", CM_S_UINT, 0, 1, 3600, NULL, NULL, "reconnect timer, seconds" },
	{ "threads", CM_S_UINT, 0, 1, 255, NULL, NULL, "dispatch threads" },
	{ "peers", CM_S_SEQ, 0, 0, 0, cm_peer_item, NULL, "configured peers" },
	{ "accept_peers", CM_S_SEQ, 0, 0, 0, cm_str_item, NULL, "patterns of unknown peers allowed" },
	{ "default_route", CM_S_SEQ, 0, 0, 0, cm_str_item, NULL,
	  "peers (e.g. DRAs) for requests with no better route, in order of preference" },
	{ "fd_conf", CM_S_STR, 0, 0, 0, NULL, NULL, "freeDiameter configuration appended" },
	{ "log_level", CM_S_STR, 0, 0, 0, NULL, cm_log_choices, "log level" },
	{ "accept_threads", CM_S_UINT, 0, 1, 1024, NULL, NULL,
	  "threads per listening socket that read the CER of new connections" },
	{ "listen_backlog", CM_S_UINT, 0, 5, 65535, NULL, NULL, "listen(2) backlog" },
	{ "cer_timeout", CM_S_UINT, 0, 1, 20, NULL, NULL,
	  "seconds a new connection has to send its complete CER" },
	{ 0 }
};

static void cfg_err(char *err, size_t errlen, const struct cm_ynode *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void cfg_err(char *err, size_t errlen, const struct cm_ynode *n, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (!err || !errlen)
		return;
	k = snprintf(err, errlen, "%s:%d: key '%s': ", n->file ? n->file : "<config>", n->line,
	             n->key ? n->key : "");
	if (k < 0 || (size_t)k >= errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err + k, errlen - k, fmt, ap);
	va_end(ap);
}

/* Values are written into a generated freeDiameter configuration between double quotes,
 * whose lexer has no escapes: refuse anything that could break out of the string. */
static int safe_str(const struct cm_ynode *map, const char *key, char **ret, char *err,
                    size_t errlen)
{
	const struct cm_ynode *n = cm_ymap_get(map, key);
	const char *s = cm_yget_str(map, key, NULL), *p;

	if (!s)
		return 0;
	for (p = s; *p; p++)
		if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20 || *p == 0x7f) {
			cfg_err(err, errlen, n, "character not allowed in '%s'", s);
			return EINVAL;
		}
	if (!(*ret = strdup(s)))
		return ENOMEM;
	return 0;
}

static int str_list(const struct cm_ynode *map, const char *key, char ***ret, size_t *ret_n,
                    bool numeric_addr, char *err, size_t errlen)
{
	const struct cm_ynode *seq = cm_ymap_get(map, key), *c;
	char **v;
	size_t n = 0;

	if (!seq || seq->type != CM_Y_SEQ || !seq->n_child)
		return 0;
	if (!(v = calloc(seq->n_child, sizeof(*v))))
		return ENOMEM;
	*ret = v;
	for (c = seq->child; c; c = c->next) {
		if (c->type != CM_Y_SCALAR)
			continue;
		if (numeric_addr) {
			struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_PASSIVE }, *ai = NULL;
			if (getaddrinfo(c->str, NULL, &hints, &ai)) {
				if (err && errlen)
					snprintf(err, errlen, "%s:%d: key '%s': '%s' is not a numeric IP address",
					         c->file, c->line, key, c->str);
				return EINVAL;
			}
			freeaddrinfo(ai);
		}
		if (!(v[n] = strdup(c->str)))
			return ENOMEM;
		*ret_n = ++n;
	}
	return 0;
}

static int parse_peer(const struct cm_ynode *m, struct cm_peer_cfg *p, bool sctp_on, char *err,
                      size_t errlen)
{
	const char *tr;
	int rc;

	if ((rc = safe_str(m, "host", &p->host, err, errlen)) ||
	    (rc = safe_str(m, "realm", &p->realm, err, errlen)) ||
	    (rc = safe_str(m, "addr", &p->addr, err, errlen)))
		return rc;
	p->port = (uint16_t)cm_yget_u64(m, "port", 0);
	p->tls = cm_yget_bool(m, "tls", false);
	tr = cm_yget_str(m, "transport", "tcp");
	p->sctp = !strcmp(tr, "sctp");
	if (p->sctp && !sctp_on) {
		cfg_err(err, errlen, cm_ymap_get(m, "transport"),
		        "transport sctp needs 'diameter.sctp: true'");
		return EINVAL;
	}
	return 0;
}

int cm_diam_cfg_parse(const struct cm_ynode *diameter, struct cm_diam_cfg *cfg, char *err,
                      size_t errlen)
{
	const struct cm_ynode *peers, *c;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	if (!cfg)
		return EINVAL;
	if (!diameter) {
		if (err && errlen)
			snprintf(err, errlen, "missing 'diameter' section");
		return EINVAL;
	}
	if ((rc = cm_schema_check(diameter, cm_diam_schema, err, errlen)))
		return rc;
	if (diameter->file && !(cfg->source = strdup(diameter->file)))
		return ENOMEM;
	if ((rc = safe_str(diameter, "identity", &cfg->identity, err, errlen)) ||
	    (rc = safe_str(diameter, "realm", &cfg->realm, err, errlen)) ||
	    (rc = safe_str(diameter, "tls_cert", &cfg->tls_cert, err, errlen)) ||
	    (rc = safe_str(diameter, "tls_key", &cfg->tls_key, err, errlen)) ||
	    (rc = safe_str(diameter, "tls_ca", &cfg->tls_ca, err, errlen)))
		return rc;
	if ((rc = str_list(diameter, "listen", &cfg->listen, &cfg->n_listen, true, err, errlen)) ||
	    (rc = str_list(diameter, "accept_peers", &cfg->accept_peers, &cfg->n_accept_peers, false,
	                   err, errlen)) ||
	    (rc = str_list(diameter, "default_route", &cfg->default_route, &cfg->n_default_route,
	                   false, err, errlen)))
		return rc;
	cfg->port = (uint16_t)cm_yget_u64(diameter, "port", 3868);
	cfg->tls_port = (uint16_t)cm_yget_u64(diameter, "tls_port", 0);
	cfg->sctp = cm_yget_bool(diameter, "sctp", false);
	cfg->tw_timer = (unsigned)cm_yget_u64(diameter, "tw_timer", 30);
	cfg->tc_timer = (unsigned)cm_yget_u64(diameter, "tc_timer", CM_TC_TIMER_DEFAULT);
	cfg->threads = (unsigned)cm_yget_u64(diameter, "threads", 4);
	cfg->accept_threads = (unsigned)cm_yget_u64(diameter, "accept_threads",
	                                            CM_ACCEPT_THREADS_DEFAULT);
	cfg->listen_backlog = (unsigned)cm_yget_u64(diameter, "listen_backlog",
	                                            CM_LISTEN_BACKLOG_DEFAULT);
	cfg->cer_timeout = (unsigned)cm_yget_u64(diameter, "cer_timeout", CM_CER_TIMEOUT_DEFAULT);
	if (!!cfg->tls_cert != !!cfg->tls_key) {
		cfg_err(err, errlen, cm_ymap_get(diameter, cfg->tls_cert ? "tls_cert" : "tls_key"),
		        "tls_cert and tls_key go together");
		return EINVAL;
	}
	if (cm_yget_str(diameter, "fd_conf", NULL) &&
	    !(cfg->fd_conf = strdup(cm_yget_str(diameter, "fd_conf", NULL))))
		return ENOMEM;
	if (!(cfg->log_level = strdup(cm_yget_str(diameter, "log_level", "notice"))))
		return ENOMEM;

	peers = cm_ymap_get(diameter, "peers");
	if (peers && peers->type == CM_Y_SEQ && peers->n_child) {
		if (!(cfg->peers = calloc(peers->n_child, sizeof(*cfg->peers))))
			return ENOMEM;
		for (c = peers->child; c; c = c->next) {
			struct cm_peer_cfg *p = &cfg->peers[cfg->n_peers++];
			const struct cm_ynode *o;
			size_t i;
			if ((rc = parse_peer(c, p, cfg->sctp, err, errlen)))
				return rc;
			/* freeDiameter would only say "Error adding ConnectPeer information". */
			for (i = 0, o = peers->child; i + 1 < cfg->n_peers; i++, o = o->next)
				if (!strcasecmp(cfg->peers[i].host, p->host)) {
					cfg_err(err, errlen, cm_ymap_get(c, "host"),
					        "peer '%s' is already listed at line %d", p->host,
					        o->line);
					return EINVAL;
				}
			if (!strcasecmp(p->host, cfg->identity)) {
				cfg_err(err, errlen, cm_ymap_get(c, "host"),
				        "peer '%s' is this node's own identity", p->host);
				return EINVAL;
			}
		}
	}
	return 0;
}

void cm_diam_cfg_free(struct cm_diam_cfg *cfg)
{
	size_t i;

	if (!cfg)
		return;
	free(cfg->identity);
	free(cfg->realm);
	for (i = 0; i < cfg->n_listen; i++)
		free(cfg->listen[i]);
	free(cfg->listen);
	free(cfg->tls_cert);
	free(cfg->tls_key);
	free(cfg->tls_ca);
	for (i = 0; i < cfg->n_peers; i++) {
		free(cfg->peers[i].host);
		free(cfg->peers[i].realm);
		free(cfg->peers[i].addr);
	}
	free(cfg->peers);
	for (i = 0; i < cfg->n_accept_peers; i++)
		free(cfg->accept_peers[i]);
	free(cfg->accept_peers);
	for (i = 0; i < cfg->n_default_route; i++)
		free(cfg->default_route[i]);
	free(cfg->default_route);
	free(cfg->fd_conf);
	free(cfg->log_level);
	free(cfg->source);
	memset(cfg, 0, sizeof(*cfg));
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * config.c: dra.yaml -> struct dra_cfg. The file holds the freeDiameter node (`diameter:`,
 * common/'s schema), the applications to advertise, the rule file, the peer groups and the
 * routes. Unlike the generic schema checker, which stops at the first problem, every route
 * and group is checked on its own so `dra --check` reports all errors at once, each with
 * file, line and the route or group name.
 */
#include "dra.h"

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Error accumulator: lines appended to the caller's buffer. */
struct dra_errs {
	char *buf;
	size_t cap, len;
	int n;
};

static void errs_add(struct dra_errs *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void errs_add(struct dra_errs *e, const char *fmt, ...)
{
	va_list ap;
	int w;

	e->n++;
	if (!e->buf || e->cap == 0 || e->len + 1 >= e->cap)
		return;
	if (e->len > 0)
		e->buf[e->len++] = '\n';
	va_start(ap, fmt);
	w = vsnprintf(e->buf + e->len, e->cap - e->len, fmt, ap);
	va_end(ap);
	if (w < 0)
		w = 0;
	e->len += (size_t)w;
	if (e->len >= e->cap)
		e->len = e->cap - 1;
	e->buf[e->len] = '\0';
}

/* Re-emit an error line from common/ ("FILE:LINE[:COL]: rest") with "WHAT 'NAME': " inserted
 * after the location. */
static void errs_add_cm(struct dra_errs *e, const char *file, const char *what, const char *name,
                        const char *cmerr)
{
	const char *rest = cmerr;
	size_t fl = strlen(file);

	if (strncmp(cmerr, file, fl) == 0) {
		const char *p = cmerr + fl;
		while (*p == ':' || isdigit((unsigned char)*p))
			p++;
		if (*p == ' ')
			p++;
		rest = p;
		errs_add(e, "%.*s %s '%s': %s", (int)(rest - cmerr - 1), cmerr, what, name, rest);
		return;
	}
	errs_add(e, "%s: %s '%s': %s", file, what, name, rest);
}

static const char *const dra_policies[] = { "failover", "round_robin", "weighted", NULL };

static const struct cm_schema dra_member_schema[] = {
	{ "host", CM_S_STR, CM_S_REQUIRED, 1, 255, NULL, NULL, "Diameter identity of the peer" },
	{ "weight", CM_S_UINT, 0, 1, 1000, NULL, NULL, "weight for the weighted policy (default 1)" },
	{ NULL },
};

static const struct cm_schema dra_group_schema[] = {
	{ "name", CM_S_STR, CM_S_REQUIRED, 1, 128, NULL, NULL, "group name, referenced by routes" },
	{ "policy", CM_S_STR, 0, 0, 0, NULL, dra_policies, "failover (default), round_robin, weighted" },
	{ "peers", CM_S_SEQ, CM_S_REQUIRED, 0, 0,
	  (const struct cm_schema[]){ { "peer", CM_S_ANY, 0, 0, 0, NULL, NULL, "host or {host, weight}" }, { NULL } },
	  NULL, "members, in priority order for failover" },
	{ NULL },
};

static const struct cm_schema dra_match_schema[] = {
	{ "realm", CM_S_ANY, 0, 0, 0, NULL, NULL, "Destination-Realm: name or pattern, or a list" },
	{ "app", CM_S_ANY, 0, 0, 0, NULL, NULL, "application name or id, or a list" },
	{ "destination_host", CM_S_ANY, 0, 0, 0, NULL, NULL, "Destination-Host: name or pattern, or a list" },
	{ "imsi", CM_S_ANY, 0, 0, 0, NULL, NULL, "User-Name IMSI prefix or range LO-HI, or a list" },
	{ NULL },
};

static const struct cm_schema dra_route_schema[] = {
	{ "name", CM_S_STR, CM_S_REQUIRED, 1, 128, NULL, NULL, "route name (logs, counters)" },
	{ "match", CM_S_MAP, 0, 0, 0, dra_match_schema, NULL, "conditions, all must hold" },
	{ "group", CM_S_STR, 0, 1, 128, NULL, NULL, "peer group to route to" },
	{ "default", CM_S_BOOL, 0, 0, 0, NULL, NULL, "tried after every non-default route" },
	{ "reject", CM_S_BOOL, 0, 0, 0, NULL, NULL, "answer 3002 DIAMETER_UNABLE_TO_DELIVER" },
	{ NULL },
};

const struct cm_schema dra_schema[] = {
	{ "diameter", CM_S_MAP, CM_S_REQUIRED, 0, 0, cm_diam_schema, NULL, "the Diameter node" },
	{ "advertise_apps", CM_S_SEQ, 0, 0, 0,
	  (const struct cm_schema[]){ { "app", CM_S_ANY, 0, 0, 0, NULL, NULL, "application name or id" }, { NULL } },
	  NULL, "applications advertised in CER/CEA besides Relay (vendor 10415)" },
	{ "rules", CM_S_STR, 0, 1, 4096, NULL, NULL, "rewrite rule file (relative to this file)" },
	{ "stats_file", CM_S_STR, 0, 1, 4096, NULL, NULL, "file SIGUSR1 writes counters to" },
	{ "overload", CM_S_MAP, 0, 0, 0, cm_overload_schema, NULL, "admission bound (3004 above it)" },
	{ "snmp", CM_S_MAP, 0, 0, 0, snmp_schema, NULL, "AgentX subagent (needs a restart)" },
	{ "policy", CM_S_MAP, 0, 0, 0, cm_policy_schema, NULL, "peer policy (common/cm.h)" },
	{ "peer_groups", CM_S_SEQ, 0, 0, 0,
	  (const struct cm_schema[]){ { "group", CM_S_MAP, 0, 0, 0, dra_group_schema, NULL, "peer group" }, { NULL } },
	  NULL, "peer groups" },
	{ "routes", CM_S_SEQ, 0, 0, 0,
	  (const struct cm_schema[]){ { "route", CM_S_MAP, 0, 0, 0, dra_route_schema, NULL, "route" }, { NULL } },
	  NULL, "routes, first match wins; default routes last" },
	{ NULL },
};

static const struct {
	const char *name;
	uint32_t id;
} dra_apps[] = {
	{ "s6a", 16777251 }, { "s6d", 16777251 }, { "s13", 16777252 }, { "cx", 16777216 },
	{ "sh", 16777217 }, { "gx", 16777238 }, { "rx", 16777236 }, { "gy", 4 }, { "ro", 4 },
	{ "swx", 16777265 }, { "s6b", 16777272 }, { "slg", 16777255 }, { "sgd", 16777313 },
	{ "s6t", 16777345 }, { "relay", DRA_APP_RELAY },
};

int dra_app_parse(const char *s, uint32_t *ret_id)
{
	size_t i;
	char *end;
	unsigned long long v;

	if (!s || !*s)
		return EINVAL;
	for (i = 0; i < sizeof(dra_apps) / sizeof(dra_apps[0]); i++) {
		if (strcasecmp(s, dra_apps[i].name) == 0) {
			*ret_id = dra_apps[i].id;
			return 0;
		}
	}
	if (!isdigit((unsigned char)s[0]))
		return EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > 0xffffffffull)
		return EINVAL;
	*ret_id = (uint32_t)v;
	return 0;
}

const char *dra_app_name(uint32_t id)
{
	size_t i;

	for (i = 0; i < sizeof(dra_apps) / sizeof(dra_apps[0]); i++)
		if (dra_apps[i].id == id)
			return dra_apps[i].name;
	return NULL;
}

/* A scalar or a sequence of scalars -> string array. */
static int str_list(const struct cm_ynode *n, const char *file, const char *what, const char *name,
                    const char *key, char ***ret, size_t *ret_n, struct dra_errs *e)
{
	const struct cm_ynode *it;
	char **v;
	size_t cnt = 0;

	if (n->type == CM_Y_SCALAR) {
		v = calloc(1, sizeof(*v));
		if (!v || !(v[0] = strdup(n->str))) {
			free(v);
			return ENOMEM;
		}
		*ret = v;
		*ret_n = 1;
		return 0;
	}
	if (n->type != CM_Y_SEQ || n->n_child == 0) {
		errs_add(e, "%s:%d: %s '%s': key '%s': expected a string or a non-empty list of strings",
		         file, n->line, what, name, key);
		return EINVAL;
	}
	v = calloc(n->n_child, sizeof(*v));
	if (!v)
		return ENOMEM;
	for (it = n->child; it; it = it->next) {
		if (it->type != CM_Y_SCALAR) {
			errs_add(e, "%s:%d: %s '%s': key '%s': list items must be strings", file, it->line,
			         what, name, key);
			continue;
		}
		if (!(v[cnt] = strdup(it->str)))
			break;
		cnt++;
	}
	*ret = v;
	*ret_n = cnt;
	return 0;
}

static void str_list_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* "00101" or "001010000-001010499": digits only, both bounds of one length, lo <= hi. */
static int imsi_range_parse(const char *s, struct dra_imsi_range *r)
{
	const char *dash = strchr(s, '-');
	size_t ll, hl, i;

	ll = dash ? (size_t)(dash - s) : strlen(s);
	hl = dash ? strlen(dash + 1) : ll;
	if (ll == 0 || ll > 15 || hl != ll)
		return EINVAL;
	memcpy(r->lo, s, ll);
	r->lo[ll] = '\0';
	memcpy(r->hi, dash ? dash + 1 : s, hl);
	r->hi[hl] = '\0';
	for (i = 0; i < ll; i++)
		if (!isdigit((unsigned char)r->lo[i]) || !isdigit((unsigned char)r->hi[i]))
			return EINVAL;
	if (strcmp(r->lo, r->hi) > 0)
		return EINVAL;
	r->len = ll;
	return 0;
}

static int parse_match(const struct cm_ynode *m, const char *file, struct dra_route_cfg *r,
                       struct dra_errs *e)
{
	const struct cm_ynode *n;
	char **v = NULL;
	size_t nv = 0, i;
	int rc;

	if ((n = cm_ymap_get(m, "realm"))) {
		rc = str_list(n, file, "route", r->name, "realm", &r->realms, &r->n_realms, e);
		if (rc == ENOMEM)
			return rc;
	}
	if ((n = cm_ymap_get(m, "destination_host"))) {
		rc = str_list(n, file, "route", r->name, "destination_host", &r->hosts, &r->n_hosts, e);
		if (rc == ENOMEM)
			return rc;
	}
	if ((n = cm_ymap_get(m, "app"))) {
		rc = str_list(n, file, "route", r->name, "app", &v, &nv, e);
		if (rc == ENOMEM)
			return rc;
		if (nv) {
			if (!(r->apps = calloc(nv, sizeof(*r->apps)))) {
				str_list_free(v, nv);
				return ENOMEM;
			}
			for (i = 0; i < nv; i++) {
				if (dra_app_parse(v[i], &r->apps[r->n_apps]) == 0)
					r->n_apps++;
				else
					errs_add(e, "%s:%d: route '%s': key 'app': unknown application '%s'", file,
					         n->line, r->name, v[i]);
			}
		}
		str_list_free(v, nv);
		v = NULL;
		nv = 0;
	}
	if ((n = cm_ymap_get(m, "imsi"))) {
		rc = str_list(n, file, "route", r->name, "imsi", &v, &nv, e);
		if (rc == ENOMEM)
			return rc;
		if (nv) {
			if (!(r->imsi = calloc(nv, sizeof(*r->imsi)))) {
				str_list_free(v, nv);
				return ENOMEM;
			}
			for (i = 0; i < nv; i++) {
				if (imsi_range_parse(v[i], &r->imsi[r->n_imsi]) == 0)
					r->n_imsi++;
				else
					errs_add(e, "%s:%d: route '%s': key 'imsi': '%s' is not a digit prefix or a "
					         "range LO-HI of equal-length digit strings with LO <= HI", file, n->line,
					         r->name, v[i]);
			}
		}
		str_list_free(v, nv);
	}
	return 0;
}

static int parse_group(const struct cm_ynode *g, const char *file, struct dra_group_cfg *gc,
                       struct dra_errs *e)
{
	char cmerr[512];
	const char *name = cm_yget_str(g, "name", NULL);
	const char *pol;
	const struct cm_ynode *peers, *it;

	gc->line = g->line;
	gc->name = strdup(name ? name : "?");
	if (!gc->name)
		return ENOMEM;
	if (cm_schema_check(g, dra_group_schema, cmerr, sizeof(cmerr))) {
		errs_add_cm(e, file, "peer group", gc->name, cmerr);
		return 0;
	}
	pol = cm_yget_str(g, "policy", "failover");
	gc->policy = !strcmp(pol, "round_robin") ? DRA_POL_ROUND_ROBIN
	           : !strcmp(pol, "weighted") ? DRA_POL_WEIGHTED : DRA_POL_FAILOVER;
	peers = cm_ymap_get(g, "peers");
	if (!peers || peers->n_child == 0) {
		errs_add(e, "%s:%d: peer group '%s': key 'peers': at least one peer is needed", file,
		         peers ? peers->line : g->line, gc->name);
		return 0;
	}
	gc->members = calloc(peers->n_child, sizeof(*gc->members));
	if (!gc->members)
		return ENOMEM;
	for (it = peers->child; it; it = it->next) {
		struct dra_member_cfg *mc = &gc->members[gc->n_members];
		const char *host;
		size_t i;

		if (it->type == CM_Y_SCALAR) {
			host = it->str;
			mc->weight = 1;
		} else if (it->type == CM_Y_MAP) {
			if (cm_schema_check(it, dra_member_schema, cmerr, sizeof(cmerr))) {
				errs_add_cm(e, file, "peer group", gc->name, cmerr);
				continue;
			}
			host = cm_yget_str(it, "host", "");
			mc->weight = (unsigned)cm_yget_u64(it, "weight", 1);
		} else {
			errs_add(e, "%s:%d: peer group '%s': key 'peers': expected a host name or {host, weight}",
			         file, it->line, gc->name);
			continue;
		}
		for (i = 0; i < gc->n_members; i++) {
			if (strcasecmp(gc->members[i].host, host) == 0) {
				errs_add(e, "%s:%d: peer group '%s': peer '%s' listed twice", file, it->line,
				         gc->name, host);
				break;
			}
		}
		if (i < gc->n_members)
			continue;
		if (!(mc->host = strdup(host)))
			return ENOMEM;
		gc->n_members++;
	}
	return 0;
}

static int parse_route(const struct cm_ynode *r, const char *file, struct dra_route_cfg *rc,
                       struct dra_errs *e)
{
	char cmerr[512];
	const char *name = cm_yget_str(r, "name", NULL);
	const char *group;
	const struct cm_ynode *m;

	rc->line = r->line;
	rc->name = strdup(name ? name : "?");
	if (!rc->name)
		return ENOMEM;
	if (cm_schema_check(r, dra_route_schema, cmerr, sizeof(cmerr))) {
		errs_add_cm(e, file, "route", rc->name, cmerr);
		return 0;
	}
	rc->is_default = cm_yget_bool(r, "default", false);
	rc->reject = cm_yget_bool(r, "reject", false);
	group = cm_yget_str(r, "group", NULL);
	if (group && !(rc->group = strdup(group)))
		return ENOMEM;
	if (!group && !rc->reject)
		errs_add(e, "%s:%d: route '%s': needs 'group' (or 'reject: true')", file, r->line, rc->name);
	if (group && rc->reject)
		errs_add(e, "%s:%d: route '%s': 'group' and 'reject' exclude each other", file, r->line,
		         rc->name);
	m = cm_ymap_get(r, "match");
	if (m)
		return parse_match(m, file, rc, e);
	return 0;
}

/* dirname(cfg) + "/" + p unless p is absolute. */
static char *resolve_path(const char *cfg, const char *p)
{
	char *copy, *dir, *out = NULL;

	if (p[0] == '/')
		return strdup(p);
	copy = strdup(cfg);
	if (!copy)
		return NULL;
	dir = dirname(copy);
	if (asprintf(&out, "%s/%s", dir, p) < 0)
		out = NULL;
	free(copy);
	return out;
}

int dra_cfg_load(const char *path, bool with_diam, struct dra_cfg *cfg, char *err, size_t errlen)
{
	struct dra_errs e = { err, errlen, 0, 0 };
	char cmerr[512];
	const struct cm_ynode *root, *n, *it;
	const char *file;
	size_t i, j;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if (err && errlen)
		err[0] = '\0';
	if (!(cfg->path = strdup(path)))
		return ENOMEM;
	rc = cm_yaml_load_file(path, &cfg->doc, cmerr, sizeof(cmerr));
	if (rc) {
		errs_add(&e, "%s", cmerr);
		return rc == ENOMEM ? ENOMEM : EINVAL;
	}
	root = cfg->doc->root;
	file = cfg->doc->file ? cfg->doc->file : path;
	if (!root || root->type != CM_Y_MAP) {
		errs_add(&e, "%s:1: the file must be a YAML map (diameter:, routes:, peer_groups: ...)", file);
		return EINVAL;
	}

	/* Top level: unknown keys and types, each reported. */
	for (it = root->child; it; it = it->next) {
		const struct cm_schema *s;
		for (s = dra_schema; s->key; s++)
			if (!strcmp(s->key, it->key))
				break;
		if (!s->key) {
			errs_add(&e, "%s:%d: key '%s': unknown key (expected diameter, advertise_apps, rules, "
			         "stats_file, overload, snmp, policy, peer_groups, routes)", file,
			         it->key_line, it->key);
			continue;
		}
		if ((s->type == CM_S_MAP && it->type != CM_Y_MAP) ||
		    (s->type == CM_S_SEQ && it->type != CM_Y_SEQ) ||
		    (s->type == CM_S_STR && it->type != CM_Y_SCALAR)) {
			errs_add(&e, "%s:%d: key '%s': expected a %s", file, it->line, it->key,
			         s->type == CM_S_MAP ? "map" : s->type == CM_S_SEQ ? "list" : "string");
		}
	}
	if (e.n)
		return EINVAL;

	n = cm_ymap_get(root, "diameter");
	if (!n) {
		errs_add(&e, "%s:1: key 'diameter': missing (the Diameter node: identity, realm, ...)", file);
	} else if (with_diam) {
		if (cm_schema_check(n, cm_diam_schema, cmerr, sizeof(cmerr)) != 0) {
			errs_add(&e, "%s", cmerr);
		} else if ((rc = cm_diam_cfg_parse(n, &cfg->diam, cmerr, sizeof(cmerr))) != 0) {
			if (rc == ENOMEM)
				return rc;
			errs_add(&e, "%s", cmerr);
		} else {
			cfg->have_diam = true;
		}
	}

	if ((n = cm_ymap_get(root, "snmp"))) {
		/* Checked always (--check, reloads), used at start only. */
		if (cm_schema_check(n, snmp_schema, cmerr, sizeof(cmerr)) != 0)
			errs_add(&e, "%s", cmerr);
		else if (with_diam && snmp_cfg_parse(n, &cfg->snmp, cmerr, sizeof(cmerr)))
			return ENOMEM;
	}
	if (with_diam && !cfg->snmp.agentx_socket && snmp_cfg_parse(NULL, &cfg->snmp, NULL, 0))
		return ENOMEM;

	if ((n = cm_ymap_get(root, "advertise_apps"))) {
		cfg->advertise_apps = calloc(n->n_child ? n->n_child : 1, sizeof(uint32_t));
		if (!cfg->advertise_apps)
			return ENOMEM;
		for (it = n->child; it; it = it->next) {
			uint32_t id;
			if (it->type != CM_Y_SCALAR || dra_app_parse(it->str, &id) || id == DRA_APP_RELAY) {
				errs_add(&e, "%s:%d: key 'advertise_apps': unknown application '%s'", file, it->line,
				         it->type == CM_Y_SCALAR ? it->str : "(not a scalar)");
				continue;
			}
			cfg->advertise_apps[cfg->n_advertise_apps++] = id;
		}
	}
	if ((n = cm_ymap_get(root, "rules")) && !(cfg->rules_path = resolve_path(file, n->str)))
		return ENOMEM;
	if ((n = cm_ymap_get(root, "stats_file")) && !(cfg->stats_file = resolve_path(file, n->str)))
		return ENOMEM;
	if ((rc = cm_overload_cfg_parse(cm_ymap_get(root, "overload"), DRA_MAX_PENDING_DEFAULT,
	                                &cfg->overload, cmerr, sizeof(cmerr))))
		errs_add(&e, "%s", cmerr);
	if ((rc = cm_policy_parse(cm_ymap_get(root, "policy"), &cfg->policy, cmerr, sizeof(cmerr)))) {
		if (rc == ENOMEM)
			return rc;
		errs_add(&e, "%s", cmerr);
	}

	if ((n = cm_ymap_get(root, "peer_groups")) && n->n_child) {
		if (!(cfg->groups = calloc(n->n_child, sizeof(*cfg->groups))))
			return ENOMEM;
		for (it = n->child; it; it = it->next) {
			if (it->type != CM_Y_MAP) {
				errs_add(&e, "%s:%d: key 'peer_groups': each item must be a map {name, policy, peers}",
				         file, it->line);
				continue;
			}
			if ((rc = parse_group(it, file, &cfg->groups[cfg->n_groups++], &e)))
				return rc;
		}
		for (i = 0; i < cfg->n_groups; i++)
			for (j = 0; j < i; j++)
				if (!strcmp(cfg->groups[i].name, cfg->groups[j].name))
					errs_add(&e, "%s:%d: peer group '%s': name already used at line %d", file,
					         cfg->groups[i].line, cfg->groups[i].name, cfg->groups[j].line);
	}

	if ((n = cm_ymap_get(root, "routes")) && n->n_child) {
		int ndef = 0;
		if (!(cfg->routes = calloc(n->n_child, sizeof(*cfg->routes))))
			return ENOMEM;
		for (it = n->child; it; it = it->next) {
			struct dra_route_cfg *rc2;
			if (it->type != CM_Y_MAP) {
				errs_add(&e, "%s:%d: key 'routes': each item must be a map {name, match, group}", file,
				         it->line);
				continue;
			}
			rc2 = &cfg->routes[cfg->n_routes++];
			if ((rc = parse_route(it, file, rc2, &e)))
				return rc;
			if (rc2->group) {
				for (i = 0; i < cfg->n_groups; i++)
					if (!strcmp(cfg->groups[i].name, rc2->group))
						break;
				if (i == cfg->n_groups)
					errs_add(&e, "%s:%d: route '%s': unknown peer group '%s'", file, rc2->line,
					         rc2->name, rc2->group);
			}
			if (rc2->is_default && ++ndef > 1)
				errs_add(&e, "%s:%d: route '%s': only one route may be the default", file, rc2->line,
				         rc2->name);
		}
		for (i = 0; i < cfg->n_routes; i++)
			for (j = 0; j < i; j++)
				if (!strcmp(cfg->routes[i].name, cfg->routes[j].name))
					errs_add(&e, "%s:%d: route '%s': name already used at line %d", file,
					         cfg->routes[i].line, cfg->routes[i].name, cfg->routes[j].line);
	}
	return e.n ? EINVAL : 0;
}

void dra_cfg_free(struct dra_cfg *cfg)
{
	size_t i, j;

	if (!cfg)
		return;
	cm_diam_cfg_free(&cfg->diam);
	free(cfg->advertise_apps);
	free(cfg->rules_path);
	free(cfg->stats_file);
	snmp_cfg_free(&cfg->snmp);
	cm_policy_unref(cfg->policy);
	for (i = 0; i < cfg->n_groups; i++) {
		for (j = 0; j < cfg->groups[i].n_members; j++)
			free(cfg->groups[i].members[j].host);
		free(cfg->groups[i].members);
		free(cfg->groups[i].name);
	}
	free(cfg->groups);
	for (i = 0; i < cfg->n_routes; i++) {
		struct dra_route_cfg *r = &cfg->routes[i];
		free(r->name);
		free(r->group);
		str_list_free(r->realms, r->n_realms);
		str_list_free(r->hosts, r->n_hosts);
		free(r->apps);
		free(r->imsi);
	}
	free(cfg->routes);
	cm_yaml_free(cfg->doc);
	free(cfg->path);
	memset(cfg, 0, sizeof(*cfg));
}

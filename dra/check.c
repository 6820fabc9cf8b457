/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * check.c: `dra --check`. Every problem of a configuration (node section, peer groups,
 * routes, the rule file) is reported at once, one line each with file, line and name, so an
 * operator fixes a file in one pass; members of a peer group the node can never talk to are
 * warned about without failing the check.
 */
#include "dra.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void dra_print_lines(FILE *f, const char *text)
{
	const char *p = text;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len)
			fprintf(f, "%.*s\n", (int)len, p);
		p = nl ? nl + 1 : NULL;
	}
}

size_t dra_warn_unreachable(const struct dra_cfg *cfg, FILE *out)
{
	size_t g, m, i, n = 0;

	for (g = 0; g < cfg->n_groups; g++) {
		for (m = 0; m < cfg->groups[g].n_members; m++) {
			const char *h = cfg->groups[g].members[m].host;
			bool known = false;
			for (i = 0; i < cfg->diam.n_peers && !known; i++)
				known = strcasecmp(cfg->diam.peers[i].host, h) == 0;
			for (i = 0; i < cfg->diam.n_accept_peers && !known; i++)
				known = fnmatch(cfg->diam.accept_peers[i], h, FNM_CASEFOLD) == 0;
			if (known)
				continue;
			n++;
			fprintf(out, "%s:%d: warning: peer group '%s': '%s' is neither in diameter.peers "
			        "nor matched by accept_peers, so it can never be connected\n", cfg->path,
			        cfg->groups[g].line, cfg->groups[g].name, h);
		}
	}
	return n;
}

int dra_check(const char *path, FILE *out)
{
	/* Room for every problem of a large file; truncated past that. */
	const size_t errlen = 65536;
	char *err = malloc(errlen);
	struct dra_cfg cfg;
	struct dra_rtable *t = NULL;
	struct xf_rules *rules = NULL;
	int rc, bad = 0;

	if (!err)
		return ENOMEM;
	err[0] = '\0';
	if ((rc = dra_cfg_load(path, true, &cfg, err, errlen))) {
		dra_print_lines(out, err);
		bad = 1;
	}
	if (cfg.rules_path) {
		err[0] = '\0';
		if (xf_rules_load(cfg.rules_path, &rules, err, errlen)) {
			dra_print_lines(out, err);
			bad = 1;
		} else {
			xf_rules_unref(rules);
		}
	}
	if (!rc) {
		dra_warn_unreachable(&cfg, out);
		err[0] = '\0';
		if (dra_rtable_build(&cfg, &t, err, errlen)) {
			dra_print_lines(out, err);
			bad = 1;
		}
		dra_rtable_unref(t);
	}
	dra_cfg_free(&cfg);
	free(err);
	return bad ? EINVAL : 0;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * main.c: the `dra` command line. Runs the relay (dra -c FILE), checks a configuration
 * (--check) or explains what the relay would do with one message (--explain). Everything
 * else lives in the dra library so tests run the same code.
 */
#include "dra.h"

#ifdef DRA_HAVE_DICT
#include "dict.h"
#endif

#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: dra -c FILE.yaml            run the relay\n"
	        "       dra --check -c FILE.yaml    validate node config, routes and rules; exit 0/1\n"
	        "       dra --explain -c FILE.yaml --message MSG.yaml\n"
	        "                                   show rules fired, rewritten message and route\n"
	        "options: -d (debug log), -h\n"
	        "signals: HUP reloads routes and rules, USR1 dumps counters\n");
}

static int load_dicts(void)
{
#ifdef DRA_HAVE_DICT
	int rc = dict_load_all();

	if (!rc && dict_warnmsg() && dict_warnmsg()[0])
		LOG_N("dra: dictionary: %s", dict_warnmsg());
	return rc;
#else
	return 0;
#endif
}

/* Print each line of err with a prefix. */
static void print_lines(FILE *f, const char *err)
{
	const char *p = err;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len)
			fprintf(f, "%.*s\n", (int)len, p);
		p = nl ? nl + 1 : NULL;
	}
}

/* Warn about group members the node can never talk to: neither a configured peer nor an
 * identity accept_peers lets in. Not an error: the file is valid, probably not meant. */
static void warn_unreachable(const struct dra_cfg *cfg)
{
	size_t g, m, i;

	for (g = 0; g < cfg->n_groups; g++) {
		for (m = 0; m < cfg->groups[g].n_members; m++) {
			const char *h = cfg->groups[g].members[m].host;
			bool known = false;
			for (i = 0; i < cfg->diam.n_peers && !known; i++)
				known = strcasecmp(cfg->diam.peers[i].host, h) == 0;
			for (i = 0; i < cfg->diam.n_accept_peers && !known; i++)
				known = fnmatch(cfg->diam.accept_peers[i], h, FNM_CASEFOLD) == 0;
			if (!known)
				fprintf(stderr, "%s:%d: warning: peer group '%s': '%s' is neither in diameter.peers "
				        "nor matched by accept_peers, so it can never be connected\n", cfg->path,
				        cfg->groups[g].line, cfg->groups[g].name, h);
		}
	}
}

static int do_check(const char *path)
{
	static char err[65536];
	struct dra_cfg cfg;
	struct dra_rtable *t = NULL;
	int rc, bad = 0;

	fd_g_debug_lvl = FD_LOG_ERROR;
	if ((rc = fd_core_initialize()) || (rc = load_dicts())) {
		fprintf(stderr, "dra: cannot initialise the dictionary: %s\n", strerror(rc));
		return 1;
	}
	rc = dra_cfg_load(path, true, &cfg, err, sizeof(err));
	if (rc) {
		print_lines(stderr, err);
		bad = 1;
	}
	if (cfg.rules_path) {
#ifdef DRA_HAVE_XF
		struct xf_rules *rules = NULL;
		err[0] = '\0';
		if (xf_rules_load(cfg.rules_path, &rules, err, sizeof(err))) {
			print_lines(stderr, err);
			bad = 1;
		} else {
			xf_rules_unref(rules);
		}
#else
		fprintf(stderr, "%s: rules: this build has no rule engine\n", cfg.rules_path);
		bad = 1;
#endif
	}
	if (!rc) {
		warn_unreachable(&cfg);
		err[0] = '\0';
		if ((rc = dra_rtable_build(&cfg, &t, err, sizeof(err)))) {
			print_lines(stderr, err);
			bad = 1;
		}
		dra_rtable_unref(t);
	}
	dra_cfg_free(&cfg);
	if (!bad)
		printf("%s: OK\n", path);
	return bad;
}

static int do_explain(const char *path, const char *msg)
{
	char err[4096];
	int rc;

	fd_g_debug_lvl = FD_LOG_ERROR;
	if ((rc = fd_core_initialize()) || (rc = load_dicts())) {
		fprintf(stderr, "dra: cannot initialise the dictionary: %s\n", strerror(rc));
		return 1;
	}
	err[0] = '\0';
	if ((rc = dra_explain(path, msg, stdout, err, sizeof(err)))) {
		print_lines(stderr, err);
		return 1;
	}
	return 0;
}

static const char *dra_stats_path;

/* SIGUSR1: common/ turns it into a freeDiameter trigger event (as freeDiameterd does). */
static void on_usr1(void)
{
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *m;

	if (dra_stats_path) {
		/* Written to a temporary name and renamed, so readers never see half a dump. */
		char tmp[4200];
		FILE *f;
		snprintf(tmp, sizeof(tmp), "%s.tmp", dra_stats_path);
		if ((f = fopen(tmp, "w"))) {
			dra_stats_dump(f);
			if (fclose(f) == 0 && rename(tmp, dra_stats_path) == 0)
				;
			else
				fd_log_error("dra: cannot write %s: %s", dra_stats_path, strerror(errno));
		} else {
			fd_log_error("dra: cannot write %s: %s", tmp, strerror(errno));
		}
	}
	if (!(m = open_memstream(&buf, &len)))
		return;
	dra_stats_dump(m);
	fclose(m);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		fd_log_notice("dra stats: %s", line);
	free(buf);
}

static void on_hup(void *data)
{
	dra_reload((const char *)data);
}

static int do_run(const char *path, bool debug)
{
	static char err[65536];
	struct dra_cfg cfg;
	struct dra_snap *snap = NULL;
	int rc, ret = 1;

	if ((rc = dra_cfg_load(path, true, &cfg, err, sizeof(err)))) {
		print_lines(stderr, err);
		dra_cfg_free(&cfg);
		return 1;
	}
	if (debug) {
		free(cfg.diam.log_level);
		cfg.diam.log_level = strdup("debug");
	}
	if ((rc = cm_diam_init(&cfg.diam))) {
		fprintf(stderr, "dra: cannot initialise the Diameter node: %s\n", strerror(rc));
		goto out;
	}
	if ((rc = load_dicts())) {
		fprintf(stderr, "dra: cannot load the dictionaries: %s\n", strerror(rc));
		goto out;
	}
	err[0] = '\0';
	if ((rc = dra_snap_load(path, &snap, err, sizeof(err)))) {
		print_lines(stderr, err);
		goto out;
	}
	dra_snap_install(snap);
	if ((rc = dra_overload_init(&cfg.overload)) ||
	    (rc = dra_relay_init(cfg.advertise_apps, cfg.n_advertise_apps))) {
		fprintf(stderr, "dra: cannot register the relay callbacks: %s\n", strerror(rc));
		goto out;
	}
	dra_stats_path = cfg.stats_file;
	if ((rc = fd_event_trig_regcb(SIGUSR1, "dra", on_usr1)))
		fd_log_error("dra: cannot register the SIGUSR1 handler: %s", strerror(rc));
	if ((rc = cm_diam_start())) {
		fprintf(stderr, "dra: cannot start the Diameter node: %s\n", strerror(rc));
		cm_diam_shutdown();
		goto out;
	}
	fd_log_notice("dra: %s (%s) relaying, config %s", cfg.diam.identity, cfg.diam.realm, path);
	rc = cm_diam_run(on_hup, (void *)path);
	dra_relay_fini();
	cm_diam_shutdown();
	dra_snap_clear();
	ret = rc ? 1 : 0;
out:
	dra_stats_path = NULL;
	dra_cfg_free(&cfg);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'C' },
		{ "explain", no_argument, NULL, 'E' },
		{ "message", required_argument, NULL, 'm' },
		{ "debug", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cfg = NULL, *msg = NULL;
	bool check = false, explain = false, debug = false;
	int o;

	while ((o = getopt_long(argc, argv, "c:m:dh", opts, NULL)) != -1) {
		switch (o) {
		case 'c': cfg = optarg; break;
		case 'C': check = true; break;
		case 'E': explain = true; break;
		case 'm': msg = optarg; break;
		case 'd': debug = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!cfg || optind != argc || (explain && !msg) || (msg && !explain) || (check && explain)) {
		usage(stderr);
		return 2;
	}
	if (check)
		return do_check(cfg);
	if (explain)
		return do_explain(cfg, msg);
	return do_run(cfg, debug);
}

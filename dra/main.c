/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * main.c: the `dra` command line. Runs the relay (dra -c FILE), checks a configuration
 * (--check) or explains what the relay would do with one message (--explain). Everything
 * else lives in the dra library so tests run the same code.
 */
#include "dra.h"
#include "dict.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	int rc = dict_load_all();

	if (!rc && dict_warnmsg() && dict_warnmsg()[0])
		LOG_N("dra: dictionary: %s", dict_warnmsg());
	return rc;
}

static int do_check(const char *path)
{
	int rc;

	fd_g_debug_lvl = FD_LOG_ERROR;
	if ((rc = fd_core_initialize()) || (rc = load_dicts())) {
		fprintf(stderr, "dra: cannot initialise the dictionary: %s\n", strerror(rc));
		return 1;
	}
	if ((rc = dra_check(path, stderr))) {
		if (rc != EINVAL)
			fprintf(stderr, "dra: %s: %s\n", path, strerror(rc));
		return 1;
	}
	printf("%s: OK\n", path);
	return 0;
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
		dra_print_lines(stderr, err);
		return 1;
	}
	return 0;
}

static const char *dra_stats_path;

/* SIGUSR1: common/ turns it into a freeDiameter trigger event (as freeDiameterd does). */
static void on_usr1(void)
{
	int rc;

	if (dra_stats_path && (rc = dra_stats_write(dra_stats_path)))
		fd_log_error("dra: cannot write %s: %s", dra_stats_path, strerror(rc));
	dra_stats_log();
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
		dra_print_lines(stderr, err);
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
	if ((rc = cm_pstats_init())) {
		fprintf(stderr, "dra: cannot register the peer counters: %s\n", strerror(rc));
		goto out;
	}
	err[0] = '\0';
	if ((rc = dra_snap_load(path, &snap, err, sizeof(err)))) {
		dra_print_lines(stderr, err);
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
	if (cfg.snmp.enabled && ((rc = dra_mib_register()) ||
	                         (rc = snmp_start(&cfg.snmp, "dcore-dra")))) {
		if (rc == ENOTSUP)
			fprintf(stderr, "dra: %s: snmp.enabled is true but this dra was built without "
			        "SNMP support (libsnmp-dev, meson -Dsnmp=enabled)\n", path);
		else
			fprintf(stderr, "dra: cannot start the SNMP agent: %s\n", strerror(rc));
		dra_relay_fini();
		cm_diam_shutdown();
		goto out;
	}
	if ((rc = cm_diam_start())) {
		fprintf(stderr, "dra: cannot start the Diameter node: %s\n", strerror(rc));
		snmp_stop();
		cm_diam_shutdown();
		goto out;
	}
	fd_log_notice("dra: %s (%s) relaying, config %s", cfg.diam.identity, cfg.diam.realm, path);
	rc = cm_diam_run(on_hup, (void *)path);
	snmp_stop();
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

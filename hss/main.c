/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * main.c: the `hss` daemon, kept thin: read hss.yaml, open the database, start the Diameter
 * node with the S6a, Cx and Sh applications, run until SIGINT/SIGTERM, reload on SIGHUP (reload.c).
 * Everything else is in hss_core, which the tests link too.
 */
#include "hss_int.h"
#include "hss_imsdb.h"

#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static void on_hup(void *data)
{
	hss_reload((const char *)data);
}

/* Secrets at rest: the database's files hold K and OP/OPc, and a database URI may hold a
 * password. Access by others is warned about once, at start, and the HSS serves anyway: an
 * outage would not take back what was readable; hssctl refuses to write keys into such a
 * database (README "Secrets at rest"). */
static void warn_exposed(const char *cfg_path, const struct hss_cfg *cfg, const char *shown_uri)
{
	char msg[1024];
	struct stat st;

	if (hss_db_file_access(cfg->db_backend, cfg->db_uri, msg, sizeof(msg)))
		fd_log_error("hss: warning: %s", msg);
	if (cfg->db_uri && strcmp(cfg->db_uri, shown_uri) && !stat(cfg_path, &st) &&
	    (st.st_mode & 077))
		fd_log_error("hss: warning: '%s' holds the database password and is %s by %s "
		             "(mode %04o): chmod 600 it", cfg_path,
		             st.st_mode & 044 ? "readable" : "accessible",
		             st.st_mode & 07 ? "other users" : "its group",
		             (unsigned)(st.st_mode & 07777));
}

/* Every request allocates and frees its messages, sessions and records on the Diameter and
 * writer threads, each with its own malloc arena. glibc gives an arena's free top back to
 * the kernel as soon as it passes 128 KiB (madvise), and the next burst faults the same
 * pages in again: measured at 2-4% of the HSS's CPU under AIR load (sysmalloc, madvise,
 * page faults). Keeping up to 64 MiB per arena (a few MiB in practice) and growing in
 * 1 MiB steps ends that churn; blocks above 1 MiB still come from mmap. */
static void hss_malloc_tune(void)
{
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_TOP_PAD, 1 << 20);
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: hss -c FILE.yaml [--check]\n"
	        "  -c, --config FILE  configuration (see hss/README.md)\n"
	        "      --check        check the configuration and exit\n"
	        "  SIGUSR1 logs the counters; SIGHUP reloads the s6a policy; SIGINT/SIGTERM stop.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'k' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct hss_snap *snap = NULL;
	const struct hss_cfg *cfg;
	struct hss_db_opts dbo = { 0, 0 };
	struct hss_db *db = NULL;
	const char *path = NULL;
	bool check = false, started = false;
	char err[512], uri[1024];
	int c, rc;

	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			path = optarg;
			break;
		case 'k':
			check = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!path || optind != argc) {
		usage(stderr);
		return 2;
	}
	hss_malloc_tune();
	if ((rc = hss_snap_load(path, &snap, err, sizeof(err)))) {
		fprintf(stderr, "hss: %s\n", err);
		return 1;
	}
	/* main keeps its reference: the diameter: and database: sections it starts with stay
	 * the process's until it exits, whatever a reload installs. */
	cfg = &snap->cfg;
	if (check) {
		printf("hss: %s: configuration OK\n", path);
		goto out_cfg;
	}
	/* never with HSS_DB_OPEN_CREATE: a missing database is an error, not an empty one */
	dbo.timeout_ms = cfg->db_timeout_ms;
	dbo.timing = hss_stats_db_us;   /* every operation of every procedure, in `stats` */
	hss_db_uri_redact(cfg->db_uri, uri, sizeof(uri));   /* no password in a log */
	warn_exposed(path, cfg, uri);
	if ((rc = hss_db_open(cfg->db_backend, cfg->db_uri, &dbo, &db, err, sizeof(err)))) {
		fprintf(stderr, "hss: database %s:%s: %s\n", cfg->db_backend, uri, err);
		goto out_cfg;
	}
	if ((rc = cm_diam_init(&cfg->diam))) {
		fprintf(stderr, "hss: cannot initialise the Diameter node: %s\n", strerror(rc));
		goto out;
	}
	if ((rc = dict_s6a_load())) {
		fprintf(stderr, "hss: S6a dictionary: %s\n", dict_errmsg());
		goto out;
	}
	if (cfg->cx.enabled && (rc = dict_cx_load())) {
		fprintf(stderr, "hss: Cx dictionary: %s\n", dict_errmsg());
		goto out;
	}
	if (cfg->sh.enabled && (rc = dict_sh_load())) {
		fprintf(stderr, "hss: Sh dictionary: %s\n", dict_errmsg());
		goto out;
	}
	if (dict_warnmsg() && dict_warnmsg()[0])
		LOG_N("hss: dictionary: %s", dict_warnmsg());
	hss_snap_install(hss_snap_ref(snap));
	if ((rc = cm_pstats_init()) || (rc = hss_s6a_init(db)) ||
	    (rc = fd_event_trig_regcb(SIGUSR1, "hss", hss_stats_log))) {
		fprintf(stderr, "hss: cannot register the S6a application: %s\n", strerror(rc));
		goto out;
	}
	if (cfg->cx.enabled && (rc = hss_cx_init(db))) {
		fprintf(stderr, "hss: cannot register the Cx application: %s\n", strerror(rc));
		goto out;
	}
	if (cfg->sh.enabled && (rc = hss_sh_init(db))) {
		fprintf(stderr, "hss: cannot register the Sh application: %s\n", strerror(rc));
		goto out;
	}
	/* a change that queues a notification (PUR, SAR, a new profile) wakes the sender */
	if (cfg->sh.enabled)
		hss_imsdb_on_shnote(hss_sh_wake);
	if (cfg->ctl_socket &&
	    (rc = hss_ctl_start(cfg->ctl_socket, cfg->ctl_allow, cfg->n_ctl_allow))) {
		fprintf(stderr, "hss: control socket %s: %s\n", cfg->ctl_socket, strerror(rc));
		goto out;
	}
	if (cfg->snmp.enabled && ((rc = hss_mib_register(db)) ||
	                          (rc = snmp_start(&cfg->snmp, "dcore-hss")))) {
		if (rc == ENOTSUP)
			fprintf(stderr, "hss: %s: snmp.enabled is true but this hss was built without "
			        "SNMP support (libsnmp-dev, meson -Dsnmp=enabled)\n", path);
		else
			fprintf(stderr, "hss: cannot start the SNMP agent: %s\n", strerror(rc));
		goto out;
	}
	if ((rc = cm_diam_start())) {
		fprintf(stderr, "hss: cannot start the Diameter node: %s\n", strerror(rc));
		goto out;
	}
	started = true;
	if (cfg->cx.enabled && (rc = hss_cx_start())) {
		fprintf(stderr, "hss: cannot start the Cx outbox: %s\n", strerror(rc));
		goto out;
	}
	if (cfg->sh.enabled && (rc = hss_sh_start())) {
		fprintf(stderr, "hss: cannot start the Sh notifications: %s\n", strerror(rc));
		goto out;
	}
	fd_log_notice("hss: %s serving S6a/S6d%s%s on realm %s, database %s:%s", cfg->diam.identity,
	              cfg->cx.enabled ? ", Cx/Dx" : "", cfg->sh.enabled ? ", Sh" : "",
	              cfg->diam.realm, cfg->db_backend, uri);
	rc = cm_diam_run(on_hup, (void *)path);
out:
	snmp_stop();
	hss_ctl_stop();
	hss_imsdb_on_shnote(NULL);
	hss_cx_stop();
	hss_sh_stop();
	/* Requests whose answer a database writer thread is to send are answered before the
	 * core goes (each within about the database timeout); later ones wait on their own
	 * dispatch thread. */
	if (started && hss_s6a_quiesce(2 * cfg->db_timeout_ms + 1000))
		LOG_E("hss: requests still waiting for the database at shutdown");
	/* freeDiameter's own cleanup drops the handlers with the dispatcher. */
	cm_diam_shutdown();
	hss_cx_fini();
	hss_sh_fini();
	if (started) {
		struct hss_db_wstats w;

		hss_stats_log();
		hss_db_writer_stats(db, &w);
		if (w.groups)
			LOG_N("hss: database group commit: %llu writes in %llu commits (%.1f per "
			      "commit), %llu failed; per commit: %.0f us running, %.0f us committing",
			      (unsigned long long)w.writes, (unsigned long long)w.groups,
			      (double)w.writes / (double)w.groups, (unsigned long long)w.failed,
			      (double)w.exec_us / (double)w.groups, (double)w.commit_us / (double)w.groups);
	}
	hss_db_close(db);
	hss_snap_clear();
out_cfg:
	hss_snap_unref(snap);
	return rc ? 1 : 0;
}

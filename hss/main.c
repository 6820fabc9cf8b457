// SPDX-License-Identifier: BSD-3-Clause
/* main.c: the `hss` daemon, kept thin: read hss.yaml, open the database, start the Diameter
 * node with the S6a application, run until SIGINT/SIGTERM, reload the `s6a:` policy on
 * SIGHUP. Everything else is in hss_core, which the tests link too. */
#include "hss_int.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Configurations replaced by a reload stay allocated until exit: a request in flight may
 * still be reading one (see hss_s6a_set_cfg). Reloads are operator actions, so this is a
 * few kilobytes per reload at most. */
struct hss_main {
	const char *path;
	struct hss_cfg *cur;
	struct hss_cfg **retired;
	size_t n_retired;
};

static bool str_differ(const char *a, const char *b)
{
	return (a || b) && (!a || !b || strcmp(a, b));
}

static void on_hup(void *data)
{
	struct hss_main *m = data;
	struct hss_cfg *n = calloc(1, sizeof(*n)), **r;
	char err[512];

	if (!n || !(r = realloc(m->retired, (m->n_retired + 1) * sizeof(*r)))) {
		LOG_E("hss: reload of %s: out of memory", m->path);
		free(n);
		return;
	}
	m->retired = r;
	if (hss_cfg_load(m->path, n, err, sizeof(err))) {
		LOG_E("hss: reload failed, keeping the running configuration: %s", err);
		free(n);
		return;
	}
	if (str_differ(n->diam.identity, m->cur->diam.identity) ||
	    str_differ(n->diam.realm, m->cur->diam.realm) || n->diam.port != m->cur->diam.port ||
	    str_differ(n->db_backend, m->cur->db_backend) || str_differ(n->db_uri, m->cur->db_uri) ||
	    str_differ(n->ctl_socket, m->cur->ctl_socket) || n->n_ctl_allow != m->cur->n_ctl_allow ||
	    memcmp(n->ctl_allow, m->cur->ctl_allow, n->n_ctl_allow * sizeof(n->ctl_allow[0])))
		LOG_N("hss: %s: only the s6a section is reloaded; diameter, database, ctl_socket "
		      "and ctl_allow_users changes need a restart", m->path);
	hss_s6a_set_cfg(n);
	m->retired[m->n_retired++] = m->cur;
	m->cur = n;
	LOG_N("hss: %s reloaded", m->path);
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
	struct hss_main m = { NULL, NULL, NULL, 0 };
	struct hss_db *db = NULL;
	bool check = false, started = false;
	char err[512];
	size_t i;
	int c, rc;

	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			m.path = optarg;
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
	if (!m.path || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (!(m.cur = calloc(1, sizeof(*m.cur)))) {
		fprintf(stderr, "hss: out of memory\n");
		return 1;
	}
	if ((rc = hss_cfg_load(m.path, m.cur, err, sizeof(err)))) {
		fprintf(stderr, "hss: %s\n", err);
		free(m.cur);
		return 1;
	}
	if (check) {
		printf("hss: %s: configuration OK\n", m.path);
		goto out_cfg;
	}
	if ((rc = hss_db_open(m.cur->db_backend, m.cur->db_uri, &db, err, sizeof(err)))) {
		fprintf(stderr, "hss: database %s:%s: %s\n", m.cur->db_backend, m.cur->db_uri, err);
		goto out_cfg;
	}
	if ((rc = cm_diam_init(&m.cur->diam))) {
		fprintf(stderr, "hss: cannot initialise the Diameter node: %s\n", strerror(rc));
		goto out;
	}
	if ((rc = dict_s6a_load())) {
		fprintf(stderr, "hss: S6a dictionary: %s\n", dict_errmsg());
		goto out;
	}
	if (dict_warnmsg() && dict_warnmsg()[0])
		LOG_N("hss: dictionary: %s", dict_warnmsg());
	if ((rc = hss_s6a_init(m.cur, db)) ||
	    (rc = fd_event_trig_regcb(SIGUSR1, "hss", hss_stats_log))) {
		fprintf(stderr, "hss: cannot register the S6a application: %s\n", strerror(rc));
		goto out;
	}
	if (m.cur->ctl_socket &&
	    (rc = hss_ctl_start(m.cur->ctl_socket, m.cur->ctl_allow, m.cur->n_ctl_allow))) {
		fprintf(stderr, "hss: control socket %s: %s\n", m.cur->ctl_socket, strerror(rc));
		goto out;
	}
	if ((rc = cm_diam_start())) {
		fprintf(stderr, "hss: cannot start the Diameter node: %s\n", strerror(rc));
		goto out;
	}
	started = true;
	fd_log_notice("hss: %s serving S6a/S6d on realm %s, database %s:%s", m.cur->diam.identity,
	              m.cur->diam.realm, m.cur->db_backend, m.cur->db_uri);
	rc = cm_diam_run(on_hup, &m);
out:
	hss_ctl_stop();
	/* freeDiameter's own cleanup drops the handlers with the dispatcher. */
	cm_diam_shutdown();
	if (started)
		hss_stats_log();
	hss_db_close(db);
out_cfg:
	for (i = 0; i < m.n_retired; i++) {
		hss_cfg_free(m.retired[i]);
		free(m.retired[i]);
	}
	free(m.retired);
	hss_cfg_free(m.cur);
	free(m.cur);
	return rc ? 1 : 0;
}

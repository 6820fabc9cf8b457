// SPDX-License-Identifier: BSD-3-Clause
/* cm_node_test.c: a Diameter node built only from a YAML file through common/, used by
 * node_test.sh to check the glue with real peers over loopback (one libfdcore per process).
 *
 *   cm_node_test serve - FILE       run until SIGTERM and exit 0
 *   cm_node_test open PEER FILE     wait until PEER is OPEN, print "OPEN PEER", then run
 *                                   until SIGTERM and exit 0
 *   cm_node_test refused PEER FILE  wait until a connection attempt to PEER fails, print
 *                                   "REFUSED PEER: reason", exit 0 (exit 1 if it opens)
 */
#include "cm.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const struct cm_schema top_schema[] = {
	{ .key = "diameter", .type = CM_S_MAP, .flags = CM_S_REQUIRED, .sub = cm_diam_schema },
	{ 0 }
};

static pthread_mutex_t mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cnd = PTHREAD_COND_INITIALIZER;
static const char *watch_peer;
static char fail_reason[256];
static bool failed;

static void on_connect_failed(enum fd_hook_type type, struct msg *msg, struct peer_hdr *peer,
                              void *other, struct fd_hook_permsgdata *pmd, void *regdata)
{
	if (!peer || !peer->info.pi_diamid || strcasecmp(peer->info.pi_diamid, watch_peer))
		return;
	pthread_mutex_lock(&mtx);
	if (!failed) {
		snprintf(fail_reason, sizeof(fail_reason), "%s", other ? (const char *)other : "?");
		failed = true;
		pthread_cond_broadcast(&cnd);
	}
	pthread_mutex_unlock(&mtx);
}

int main(int argc, char **argv)
{
	struct cm_diam_cfg cfg = { 0 };
	struct cm_ydoc *doc = NULL;
	struct fd_hook_hdl *hdl = NULL;
	char err[512];
	int rc, status = 1;
	bool started = false;

	if (argc != 4 || (strcmp(argv[1], "open") && strcmp(argv[1], "refused") &&
	                  strcmp(argv[1], "serve"))) {
		fprintf(stderr, "usage: %s serve|open|refused PEER FILE\n", argv[0]);
		return 2;
	}
	watch_peer = argv[2];
	if ((rc = cm_yaml_load_file(argv[3], &doc, err, sizeof(err))) ||
	    (rc = cm_schema_check(doc->root, top_schema, err, sizeof(err))) ||
	    (rc = cm_diam_cfg_parse(cm_ymap_get(doc->root, "diameter"), &cfg, err, sizeof(err)))) {
		fprintf(stderr, "%s\n", err);
		goto out;
	}
	if ((rc = cm_diam_init(&cfg))) {
		fprintf(stderr, "cm_diam_init: %s\n", strerror(rc));
		goto out;
	}
	if ((rc = fd_hook_register(HOOK_MASK(HOOK_PEER_CONNECT_FAILED), on_connect_failed, NULL,
	                           NULL, &hdl))) {
		fprintf(stderr, "fd_hook_register: %s\n", strerror(rc));
		goto out;
	}
	if ((rc = cm_diam_start())) {
		fprintf(stderr, "cm_diam_start: %s\n", strerror(rc));
		goto out;
	}
	started = true;
	/* Listening sockets exist once fd_core_start returned. */
	printf("READY\n");
	fflush(stdout);

	if (!strcmp(argv[1], "serve")) {
		if ((rc = cm_diam_run(NULL, NULL)))
			goto out;
		status = 0;
	} else if (!strcmp(argv[1], "open")) {
		if ((rc = cm_diam_wait_peer(watch_peer, 20000))) {
			fprintf(stderr, "peer %s not open: %s\n", watch_peer, strerror(rc));
			goto out;
		}
		printf("OPEN %s\n", watch_peer);
		fflush(stdout);
		if ((rc = cm_diam_run(NULL, NULL)))
			goto out;
		status = 0;
	} else {
		struct timespec dl;
		clock_gettime(CLOCK_REALTIME, &dl);
		dl.tv_sec += 20;
		pthread_mutex_lock(&mtx);
		while (!failed && pthread_cond_timedwait(&cnd, &mtx, &dl) != ETIMEDOUT)
			;
		pthread_mutex_unlock(&mtx);
		if (!failed) {
			fprintf(stderr, "no failed connection to %s seen\n", watch_peer);
			goto out;
		}
		if (!cm_diam_wait_peer(watch_peer, 0)) {
			fprintf(stderr, "peer %s is OPEN, expected a refusal\n", watch_peer);
			goto out;
		}
		printf("REFUSED %s: %s\n", watch_peer, fail_reason);
		fflush(stdout);
		status = 0;
	}
out:
	if (started || cfg.identity)
		cm_diam_shutdown();
	cm_diam_cfg_free(&cfg);
	cm_yaml_free(doc);
	return status;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_db.c: throughput of the hss/db operations on the AIR/ULR path (get_sub, sqn_reserve,
 * set_serving_mme) with 1 and 4 threads on 10000 subscribers. Prints numbers, asserts
 * nothing about time (suite 'bench'). Usage: bench_db [BACKEND URI]
 */
#include "hss_db.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NSUB 10000
#define OPS 4000

struct gen {
	unsigned i;
};

static int gen_next(void *arg, struct hss_sub *out)
{
	struct gen *g = arg;
	char imsi[16];

	if (g->i == NSUB)
		return ENOENT;
	snprintf(imsi, sizeof(imsi), "00101%010u", g->i++);
	hss_sub_set(out, "imsi", imsi, NULL, 0);
	hss_sub_set(out, "k", "465b5ce8b199b49faa5f0a2ee238a6bc", NULL, 0);
	hss_sub_set(out, "opc", "cd63cb71954a9f4e48a5994e37a02baf", NULL, 0);
	hss_sub_set(out, "apn", "internet;ims,qci=5", NULL, 0);
	return 0;
}

struct job {
	struct hss_db *db;
	int kind;
	unsigned seed;
	int errors;
};

static void *worker(void *arg)
{
	struct job *j = arg;
	struct hss_sub *sub = malloc(sizeof(*sub));
	struct hss_auth_data a;
	char imsi[16], oh[HSS_DB_HOST_LEN];
	unsigned i;

	for (i = 0; i < OPS; i++) {
		int rc;
		snprintf(imsi, sizeof(imsi), "00101%010u", rand_r(&j->seed) % NSUB);
		if (j->kind == 0)
			rc = hss_db_get_sub(j->db, imsi, sub);
		else if (j->kind == 1)
			rc = hss_db_sqn_reserve(j->db, imsi, 1, NULL, &a);
		else
			rc = hss_db_set_serving_mme(j->db, imsi, i & 1 ? "mme1" : "mme2", "realm", oh,
			                            sizeof(oh), NULL, 0);
		if (rc)
			j->errors++;
	}
	free(sub);
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static const char *const names[] = { "get_sub", "sqn_reserve", "set_serving_mme" };
	char path[512], err[512];
	const char *backend = "sqlite", *uri = path;
	struct hss_db_opts create = { HSS_DB_OPEN_CREATE, 10000 };
	struct hss_db *db;
	struct gen g = { 0 };
	size_t n = 0;
	double t;
	int kind, nthr, errors = 0;

	snprintf(path, sizeof(path), "%s/bench_hss_db.%d.db",
	         getenv("DCORE_BUILDDIR") ? getenv("DCORE_BUILDDIR") : "/tmp", (int)getpid());
	if (argc == 3) {
		backend = argv[1];
		uri = argv[2];
	}
	if (hss_db_open(backend, uri, &create, &db, err, sizeof(err))) {
		fprintf(stderr, "open: %s\n", err);
		return 1;
	}
	t = now();
	if (hss_db_put_stream(db, 0, gen_next, &g, &n)) {
		fprintf(stderr, "load: %s\n", hss_db_strerror());
		return 1;
	}
	printf("load %zu subscribers in one transaction: %.0f/s\n", n, (double)n / (now() - t));
	for (kind = 0; kind < 3; kind++)
		for (nthr = 1; nthr <= 4; nthr *= 4) {
			pthread_t th[4];
			struct job j[4];
			int i;

			t = now();
			for (i = 0; i < nthr; i++) {
				j[i] = (struct job){ db, kind, (unsigned)(i + 1), 0 };
				pthread_create(&th[i], NULL, worker, &j[i]);
			}
			for (i = 0; i < nthr; i++) {
				pthread_join(th[i], NULL);
				errors += j[i].errors;
			}
			printf("%-16s %d thread(s): %8.0f ops/s\n", names[kind], nthr,
			       (double)(OPS * nthr) / (now() - t));
		}
	hss_db_close(db);
	if (argc != 3) {
		char f[600];
		unlink(path);
		snprintf(f, sizeof(f), "%s-wal", path);
		unlink(f);
		snprintf(f, sizeof(f), "%s-shm", path);
		unlink(f);
	}
	printf("errors: %d\n", errors);
	return errors ? 1 : 0;
}

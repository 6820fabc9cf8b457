/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_guard.c: what the hooks of common/ add per message, next to what freeDiameter itself
 * spends on it: cm_avp_depth_limit on the received octets and cm_msg_defuse after the
 * top-level split (every received message), cm_msg_repair on a relayed message (top level
 * only parsed) and on a message parsed whole (every message sent). Messages: the S6a
 * answers of tests/fuzz/corpus/diam (AIA, ULA with Subscription-Data) and one request.
 * Prints nanoseconds per message; nothing asserts on them.
 */
#include "cm.h"
#include "dict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define N 50000

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static uint8_t *slurp(const char *dir, const char *name, size_t *len)
{
	char path[4096];
	uint8_t *b = NULL;
	long n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "rb")))
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) <= 0 || fseek(f, 0, SEEK_SET) ||
	    !(b = malloc((size_t)n)) || fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return b;
}

static struct msg *parse(const uint8_t *w, size_t len)
{
	uint8_t *b = malloc(len);
	struct msg *m = NULL;

	memcpy(b, w, len);
	if (fd_msg_parse_buffer(&b, len, &m)) {
		free(b);
		return NULL;
	}
	return m;
}

static void run(const char *dir, const char *name)
{
	double t_depth = 0, t_split = 0, t_defuse = 0, t_whole = 0, t_rep_relay = 0, t_rep_whole = 0;
	struct fd_pei pei;
	uint8_t *w, *copy;
	size_t len = 0;

	if (!(w = slurp(dir, name, &len))) {
		printf("%-44s (missing)\n", name);
		return;
	}
	copy = malloc(len);
	for (int i = 0; i < N; i++) {
		struct msg *m;
		double t0, t1, t2, t3, t4, t5, t6;

		memcpy(copy, w, len);
		t0 = now_ns();
		(void)cm_avp_depth_limit(copy, len, NULL, NULL);
		t1 = now_ns();
		if (!(m = parse(copy, len)))
			exit(1);
		t2 = now_ns();
		(void)cm_msg_defuse(m, false);
		t3 = now_ns();
		(void)cm_msg_repair(m, false, NULL);
		t4 = now_ns();
		memset(&pei, 0, sizeof(pei));
		(void)fd_msg_parse_dict(m, fd_g_config->cnf_dict, &pei);
		t5 = now_ns();
		(void)cm_msg_repair(m, false, NULL);
		t6 = now_ns();
		t_depth += t1 - t0;
		t_split += t2 - t1;
		t_defuse += t3 - t2;
		t_rep_relay += t4 - t3;
		t_whole += t5 - t4;
		t_rep_whole += t6 - t5;
		fd_msg_free(m);
	}
	printf("%-38s %5zu B | depth %5.0f  defuse %5.0f  repair(relayed) %5.0f  repair(parsed) %5.0f"
	       " | freeDiameter: split %6.0f  whole parse %6.0f ns\n", name, len, t_depth / N,
	       t_defuse / N, t_rep_relay / N, t_rep_whole / N, t_split / N, t_whole / N);
	free(copy);
	free(w);
}

int main(int argc, char **argv)
{
	static const char *const names[] = { "Authentication-Information-Request.bin",
		"Authentication-Information-Answer.bin", "Update-Location-Answer.bin",
		"Insert-Subscriber-Data-Request.bin", NULL };
	struct cm_diam_cfg cfg = { .identity = "bench.guard.test", .realm = "guard.test",
	                           .log_level = "error" };

	if (argc != 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
		return 2;
	}
	if (cm_diam_init(&cfg) || dict_load_all())
		return 1;
	run(argv[1], names[0]);   /* warm-up */
	printf("ns per message (mean of %d):\n", N);
	for (int i = 0; names[i]; i++)
		run(argv[1], names[i]);
	return 0;
}

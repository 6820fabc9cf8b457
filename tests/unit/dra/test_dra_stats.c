/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_dra_stats.c: the counters file SIGUSR1 writes (dra_stats_write): it holds the dump,
 * replaces the previous file whole, leaves no temporary behind, and a write that fails
 * reports why and leaves nothing half-written; dra_stats_get reads counters back.
 */
#include "dra.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int failures;

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #c); failures++; } } while (0)

static char tmpdir[] = "/tmp/dra-stats-XXXXXX";

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static void test_stats_file(void)
{
	char path[600], tmp[610], *got, *want = NULL;
	size_t len = 0;
	struct stat st;
	FILE *f;

	snprintf(path, sizeof(path), "%s/stats.txt", tmpdir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	atomic_store(&dra_gstats.requests, 42);
	CHECK(dra_stats_peer("hss1.test") != NULL);
	atomic_store(&dra_stats_peer("hss1.test")->answers[DRA_ANS_2XXX], 7);
	CHECK((f = fopen(path, "w")) != NULL);
	if (f) {
		fputs("old contents\n", f);
		fclose(f);
	}
	CHECK(dra_stats_write(path) == 0);
	CHECK(stat(tmp, &st) != 0);   /* no temporary left */
	got = slurp(path);
	CHECK((f = open_memstream(&want, &len)) != NULL);
	dra_stats_dump(f);
	fclose(f);
	CHECK(got && want && !strcmp(got, want));
	CHECK(got && strstr(got, "global - requests 42\n") &&
	      strstr(got, "peer hss1.test answers_2xxx 7\n"));
	CHECK(dra_stats_get("global", "-", "requests") == 42);
	CHECK(dra_stats_get("peer", "hss1.test", "answers_2xxx") == 7);
	CHECK(dra_stats_get("peer", "nobody", "answers_2xxx") == 0);
	free(got);
	free(want);

	/* Nowhere to write: an error, and nothing half-written. */
	CHECK(dra_stats_write("/nonexistent/dir/stats.txt") == ENOENT);
	/* The target is a directory: the rename fails, the temporary is removed. */
	snprintf(path, sizeof(path), "%s/adir", tmpdir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	CHECK(mkdir(path, 0700) == 0);
	CHECK(dra_stats_write(path) != 0);
	CHECK(stat(tmp, &st) != 0);
}

int main(void)
{
	char cmd[600];

	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_stats_file();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	if (failures) {
		fprintf(stderr, "%d check(s) failed\n", failures);
		return 1;
	}
	printf("ok\n");
	return 0;
}

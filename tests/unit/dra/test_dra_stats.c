/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_dra_stats.c: the counters file SIGUSR1 writes (dra_stats_write): it holds the dump,
 * replaces the previous file whole, leaves no temporary behind, and a write that fails
 * reports why and leaves nothing half-written; dra_stats_get reads counters back.
 */
#include "dra.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	if (!CHECK(dra_stats_peer("hss1.test") != NULL, "a peer's counters"))
		return;
	atomic_store(&dra_stats_peer("hss1.test")->answers[DRA_ANS_2XXX], 7);
	if (!(f = fopen(path, "w")))
		tap_bail("%s: %s", path, strerror(errno));
	fputs("old contents\n", f);
	fclose(f);
	CHECK_ERR(dra_stats_write(path), 0, "the counters written over an older file");
	CHECK(stat(tmp, &st) != 0, "no temporary left");
	got = slurp(path);
	if (!(f = open_memstream(&want, &len)))
		tap_bail("open_memstream: %s", strerror(errno));
	dra_stats_dump(f);
	fclose(f);
	CHECK_STR(got, want, "the file holds the dump, and only it");
	CHECK_SUBSTR(got, "global - requests 42\n", "a global counter");
	CHECK_SUBSTR(got, "peer hss1.test answers_2xxx 7\n", "a peer's counter");
	CHECK_UINT(dra_stats_get("global", "-", "requests"), ==, 42, "read back: requests");
	CHECK_UINT(dra_stats_get("peer", "hss1.test", "answers_2xxx"), ==, 7,
	           "read back: a peer's answers_2xxx");
	CHECK_UINT(dra_stats_get("peer", "nobody", "answers_2xxx"), ==, 0, "an unknown peer: 0");
	free(got);
	free(want);

	/* Nowhere to write: an error, and nothing half-written. */
	CHECK_ERR(dra_stats_write("/nonexistent/dir/stats.txt"), ENOENT, "no such directory");
	/* The target is a directory: the rename fails, the temporary is removed. */
	snprintf(path, sizeof(path), "%s/adir", tmpdir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (mkdir(path, 0700))
		tap_bail("mkdir %s: %s", path, strerror(errno));
	CHECK(dra_stats_write(path) != 0, "a directory at the path: the rename fails");
	CHECK(stat(tmp, &st) != 0, "and the temporary is removed");
}

int main(void)
{
	char cmd[600];

	if (!mkdtemp(tmpdir))
		tap_bail("mkdtemp: %s", strerror(errno));
	test_stats_file();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		tap_note("cannot remove %s", tmpdir);
	return tap_done();
}

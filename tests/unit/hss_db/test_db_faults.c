/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_db_faults.c: what hss/db does when the database is not what it should be (issue 7):
 * a missing or foreign SQLite file is never turned into an HSS database without
 * HSS_DB_OPEN_CREATE; a file moved away or replaced under an open handle is reported
 * (ESTALE, never ENOENT) and neither file is damaged; a lock held by another connection
 * ends in ETIMEDOUT within the timeout, and while it lasts only one operation waits;
 * passwords are hidden from URIs shown to people.
 */
#include "hss_db.h"
#include "tap.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char dir[512];

static const struct hss_db_opts create = { HSS_DB_OPEN_CREATE, 10000 };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool exists(const char *path, const char *sfx)
{
	char p[700];

	snprintf(p, sizeof(p), "%s%s", path, sfx);
	return access(p, F_OK) == 0;
}

static int raw_count(const char *path, const char *q)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	int v = -1;

	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, q, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

static void sub(struct hss_sub *s, const char *imsi)
{
	char err[256];

	hss_sub_init(s);
	hss_sub_set(s, "imsi", imsi, err, sizeof(err));
	hss_sub_set(s, "k", "465b5ce8b199b49faa5f0a2ee238a6bc", err, sizeof(err));
	hss_sub_set(s, "opc", "cd63cb71954a9f4e48a5994e37a02baf", err, sizeof(err));
	hss_sub_set(s, "apn", "internet", err, sizeof(err));
}

static void t_no_accidental_create(void)
{
	char path[600], err[512];
	struct hss_db *db = NULL;
	int rc;
	FILE *f;

	snprintf(path, sizeof(path), "%s/missing.db", dir);
	rc = hss_db_open("sqlite", path, NULL, &db, err, sizeof(err));
	CHECK(rc == EIO && strstr(err, path) && strstr(err, "hssctl init"),
	           "missing file refused, naming it and hssctl init (%d %s)", rc, err);
	CHECK(!exists(path, "") && !exists(path, "-wal") && !exists(path, "-shm") &&
	           !exists(path, "-journal"), "nothing created at the path");

	snprintf(path, sizeof(path), "%s/empty.db", dir);
	f = fopen(path, "w");
	if (f)
		fclose(f);
	rc = hss_db_open("sqlite", path, NULL, &db, err, sizeof(err));
	CHECK(rc == EIO && strstr(err, "not an HSS database"), "empty file refused (%d %s)", rc,
	           err);
	{
		struct stat st;
		CHECK(stat(path, &st) == 0 && st.st_size == 0 && !exists(path, "-wal"),
		           "the empty file is left as it was");
	}

	snprintf(path, sizeof(path), "%s/foreign.db", dir);
	raw_count(path, "SELECT 1");   /* no file yet: read-only open fails, nothing made */
	{
		sqlite3 *h = NULL;
		sqlite3_open(path, &h);
		sqlite3_exec(h, "CREATE TABLE mine (x); INSERT INTO mine VALUES (42)", NULL, NULL, NULL);
		sqlite3_close(h);
	}
	rc = hss_db_open("sqlite", path, NULL, &db, err, sizeof(err));
	CHECK(rc == EIO && strstr(err, "not an HSS database"), "another database refused "
	           "(%d %s)", rc, err);
	rc = hss_db_open("sqlite", path, &create, &db, err, sizeof(err));
	CHECK(rc == EIO && strstr(err, "without the HSS schema"), "even with CREATE, no HSS "
	           "tables put into another database (%d %s)", rc, err);
	CHECK(raw_count(path, "SELECT x FROM mine") == 42 &&
	           raw_count(path, "SELECT count(*) FROM sqlite_master WHERE name = 'subscribers'") == 0,
	           "the other database is untouched");

	snprintf(path, sizeof(path), "%s/new.db", dir);
	rc = hss_db_open("sqlite", path, &create, &db, err, sizeof(err));
	CHECK(rc == 0 && exists(path, ""), "HSS_DB_OPEN_CREATE creates it (%s)", rc ? err : "");
	hss_db_close(db);
	db = NULL;
	rc = hss_db_open("sqlite", path, NULL, &db, err, sizeof(err));
	CHECK(rc == 0, "and it opens without CREATE afterwards (%s)", rc ? err : "");
	hss_db_close(db);
}

static void t_moved_and_replaced(void)
{
	char path[600], away[600], other[600], kept[600], err[512];
	struct hss_db *db = NULL, *odb = NULL;
	struct hss_sub *s = malloc(sizeof(*s));
	struct hss_auth_data ad;
	uint64_t sqn_a = 0;
	int rc;

	snprintf(path, sizeof(path), "%s/a.db", dir);
	snprintf(away, sizeof(away), "%s/a-moved.db", dir);
	snprintf(other, sizeof(other), "%s/b.db", dir);
	snprintf(kept, sizeof(kept), "%s/a-kept.db", dir);
	if (!s || hss_db_open("sqlite", path, &create, &db, err, sizeof(err))) {
		CHECK(0, "open a.db (%s)", err);
		free(s);
		return;
	}
	sub(s, "001010000000001");
	CHECK(hss_db_put_sub(db, s, 0) == 0, "subscriber A1 in a.db");
	CHECK(hss_db_sqn_reserve(db, "001010000000001", 3, NULL, &ad) == 0, "SQNs from a.db");
	sqn_a = ad.sqn[2];

	/* moved away: no answer from the old file, none made up (ENOENT would be 5001) */
	CHECK(rename(path, away) == 0, "a.db moved away");
	rc = hss_db_get_sub(db, "001010000000001", s);
	CHECK(rc == ESTALE && strstr(hss_db_strerror(), "missing"), "read while away: ESTALE "
	           "(%d %s)", rc, hss_db_strerror());
	rc = hss_db_sqn_reserve(db, "001010000000001", 1, NULL, &ad);
	CHECK(rc == ESTALE, "write while away: ESTALE (%d)", rc);
	CHECK(!exists(path, ""), "nothing created at the path while away");
	CHECK(raw_count(away, "SELECT sqn FROM subscribers") == (int)sqn_a,
	           "the moved file holds every SQN handed out (its WAL was checkpointed into it)");
	CHECK(rename(away, path) == 0, "a.db moved back");
	rc = hss_db_sqn_reserve(db, "001010000000001", 1, NULL, &ad);
	CHECK(rc == 0 && ad.sqn_prev == sqn_a, "served again once back, SQN continues (%d %s)",
	           rc, hss_db_strerror());
	sqn_a = ad.sqn[0];

	/* replaced by another HSS database: the new one is served, neither is damaged */
	if (hss_db_open("sqlite", other, &create, &odb, err, sizeof(err)) == 0) {
		sub(s, "001010000000002");
		hss_db_put_sub(odb, s, 0);
		hss_db_close(odb);
	}
	CHECK(link(path, kept) == 0, "a.db kept under another name");
	CHECK(rename(other, path) == 0, "b.db renamed over a.db");
	rc = hss_db_get_sub(db, "001010000000002", s);
	if (rc == ESTALE)   /* the first operation may see the switch itself */
		rc = hss_db_get_sub(db, "001010000000002", s);
	CHECK(rc == 0, "the new file is served (%d %s)", rc, hss_db_strerror());
	rc = hss_db_get_sub(db, "001010000000001", s);
	CHECK(rc == ENOENT, "A1 is not in the new file (%d)", rc);
	CHECK(hss_db_sqn_reserve(db, "001010000000002", 2, NULL, &ad) == 0, "writes go to the "
	           "new file");
	hss_db_close(db);
	CHECK(raw_count(path, "SELECT count(*) FROM subscribers") == 1 &&
	           raw_count(path, "SELECT count(*) FROM subscribers WHERE imsi = '001010000000002'") == 1,
	           "new file: its own subscriber only");
	CHECK(raw_count(kept, "SELECT count(*) FROM subscribers") == 1 &&
	           raw_count(kept, "SELECT sqn FROM subscribers") == (int)sqn_a,
	           "old file: its subscriber and its last SQN");
	free(s);
}

struct reserve_arg {
	struct hss_db *db;
	int rc;
	double took;
};

static void *reserve_thread(void *p)
{
	struct reserve_arg *a = p;
	struct hss_auth_data ad;
	double t = now();

	a->rc = hss_db_sqn_reserve(a->db, "001010000000001", 1, NULL, &ad);
	a->took = now() - t;
	return NULL;
}

static void t_locked(void)
{
	const struct hss_db_opts o = { 0, 600 };
	char path[600], err[512];
	struct hss_db *db = NULL;
	struct hss_sub *s = malloc(sizeof(*s));
	struct hss_auth_data ad;
	struct reserve_arg probe;
	pthread_t th;
	sqlite3 *h = NULL;
	double t;
	int rc;

	snprintf(path, sizeof(path), "%s/locked.db", dir);
	if (!s || hss_db_open("sqlite", path, &create, &db, err, sizeof(err))) {
		CHECK(0, "open locked.db (%s)", err);
		free(s);
		return;
	}
	sub(s, "001010000000001");
	hss_db_put_sub(db, s, 0);
	hss_db_close(db);
	db = NULL;
	CHECK(hss_db_open("sqlite", path, &o, &db, err, sizeof(err)) == 0, "open with a 600 ms "
	           "timeout");
	sqlite3_open(path, &h);
	CHECK(sqlite3_exec(h, "BEGIN EXCLUSIVE", NULL, NULL, NULL) == SQLITE_OK,
	           "another connection holds the write lock");

	rc = hss_db_get_sub(db, "001010000000001", s);
	CHECK(rc == 0, "reads go on beside it (WAL) (%d %s)", rc, hss_db_strerror());
	t = now();
	rc = hss_db_sqn_reserve(db, "001010000000001", 1, NULL, &ad);
	t = now() - t;
	CHECK(rc == ETIMEDOUT && t >= 0.5 && t < 2.0, "a write waits the timeout, then "
	           "ETIMEDOUT (%d, %.0f ms: %s)", rc, t * 1000, hss_db_strerror());

	/* while one operation waits for the lock, the others give up at once */
	memset(&probe, 0, sizeof(probe));
	probe.db = db;
	pthread_create(&th, NULL, reserve_thread, &probe);
	/* its write queued (the machine may be busy: do not count on a fixed delay), then
	 * time for the writer to start waiting for the lock */
	for (t = now(); hss_db_pending(db) == 0 && now() - t < 5; )
		usleep(1000);
	usleep(100000);
	t = now();
	rc = hss_db_sqn_reserve(db, "001010000000001", 1, NULL, &ad);
	t = now() - t;
	pthread_join(th, NULL);
	CHECK(probe.rc == ETIMEDOUT && probe.took >= 0.5, "one operation waits in full (%d, "
	           "%.0f ms)", probe.rc, probe.took * 1000);
	CHECK(rc == ETIMEDOUT && t < 0.3, "another fails at once meanwhile (%d, %.0f ms)", rc,
	           t * 1000);

	sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(h);
	t = now();
	rc = hss_db_sqn_reserve(db, "001010000000001", 1, NULL, &ad);
	CHECK(rc == 0 && now() - t < 0.5, "served at once when the lock is gone (%d %s)", rc,
	           hss_db_strerror());
	hss_db_close(db);
	free(s);
}

static void t_redact(void)
{
	static const char *const cases[][2] = {
		{ "mysql://hss:s3cret@db1:3306/hss?pool=8", "mysql://hss:***@db1:3306/hss?pool=8" },
		{ "//root@localhost/hss?socket=/tmp/s", "//root@localhost/hss?socket=/tmp/s" },
		{ "//u:p@ss@h/db", "//u:***@h/db" },
		{ "/var/lib/dcore/hss.db?sync=normal", "/var/lib/dcore/hss.db?sync=normal" },
		{ "//u:pw@h", "//u:***@h" },
	};
	char buf[256];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(!strcmp(hss_db_uri_redact(cases[i][0], buf, sizeof(buf)), cases[i][1]),
		           "redact '%s' -> '%s'", cases[i][0], buf);
}

int main(void)
{
	const char *base = getenv("DCORE_BUILDDIR");
	char cmd[600];

	snprintf(dir, sizeof(dir), "%s/hss_db_faults.XXXXXX", base ? base : "/tmp");
	if (!mkdtemp(dir)) {
		snprintf(dir, sizeof(dir), "/tmp/hss_db_faults.XXXXXX");
		if (!mkdtemp(dir))
			tap_bail("mkdtemp: %s", strerror(errno));
	}
	t_no_accidental_create();
	t_moved_and_replaced();
	t_locked();
	t_redact();
	if (!tap_failures()) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			tap_note("could not remove %s", dir);
	}
	return tap_done();
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_db_sqlite.c: the conformance suite against the SQLite backend, plus what is
 * SQLite-specific: schema creation and migration of an existing database, refusal of a
 * database newer than the build, URI options.
 */
#include "conformance.h"
#include "hss_db.h"
#include "tap.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[512];

static int sql(const char *path, const char *q)
{
	sqlite3 *h = NULL;
	char *e = NULL;
	int rc = sqlite3_open(path, &h);

	if (rc == SQLITE_OK)
		rc = sqlite3_exec(h, q, NULL, NULL, &e);
	if (rc != SQLITE_OK)
		tap_note("sql '%s': %s", q, e ? e : sqlite3_errmsg(h));
	sqlite3_free(e);
	sqlite3_close(h);
	return rc;
}

static int sql_int(const char *path, const char *q)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	int v = -1;

	if (sqlite3_open(path, &h) == SQLITE_OK &&
	    sqlite3_prepare_v2(h, q, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

static const struct hss_db_opts create = { HSS_DB_OPEN_CREATE, 10000 };

static void t_migrations(void)
{
	char path[600], uri[700], err[512];
	struct hss_db *db = NULL;
	struct hss_sub *s = malloc(sizeof(*s));
	int rc;

	/* fresh database: every migration applied */
	snprintf(path, sizeof(path), "%s/fresh.db", dir);
	rc = hss_db_open("sqlite", path, &create, &db, err, sizeof(err));
	CHECK_ERR(rc, 0, "fresh database created (%s)", rc ? err : "");
	hss_db_close(db);
	CHECK_INT(sql_int(path, "SELECT count(*) FROM schema_version"), ==, 3,
	          "fresh database at schema version 3");
	CHECK_INT(sql_int(path, "SELECT max(version) FROM schema_version"), ==, 3,
	          "fresh database at schema version 3");
	CHECK_INT(sql_int(path, "SELECT count(*) FROM sqlite_master WHERE name = 'records'"), ==, 1,
	          "migration 3 table present");
	CHECK_INT(sql_int(path, "SELECT count(*) FROM pragma_table_info('serving') "
	                        "WHERE name = 'mme_number_for_mt_sms'"), ==, 1,
	          "migration 2 column present");
	/* reopening applies nothing twice */
	rc = hss_db_open("sqlite", path, NULL, &db, err, sizeof(err));
	hss_db_close(db);
	CHECK_ERR(rc, 0, "reopen keeps version 3");
	CHECK_INT(sql_int(path, "SELECT count(*) FROM schema_version"), ==, 3,
	          "reopen keeps version 3");

	/* an existing version-1 database with data is migrated and keeps its data */
	snprintf(path, sizeof(path), "%s/v1.db", dir);
	snprintf(uri, sizeof(uri), "%s?max_schema=1", path);
	rc = hss_db_open("sqlite", uri, &create, &db, err, sizeof(err));
	hss_db_close(db);
	CHECK_ERR(rc, 0, "version-1 database made (%s)", rc ? err : "");
	CHECK_INT(sql_int(path, "SELECT max(version) FROM schema_version"), ==, 1,
	          "version-1 database made (%s)", rc ? err : "");
	sql(path, "INSERT INTO subscribers (imsi, msisdn, k, op, op_is_opc, sqn) VALUES "
	    "('001019876543210', '3312', '00112233445566778899aabbccddeeff', "
	    "'ffeeddccbbaa99887766554433221100', 0, 4242);"
	    "INSERT INTO apns (imsi, ctx_id, apn, qci) VALUES ('001019876543210', 1, 'web', 6);"
	    "INSERT INTO serving (imsi, mme_host) VALUES ('001019876543210', 'old-mme');");
	rc = hss_db_open("sqlite", path, NULL, &db, err, sizeof(err));
	CHECK_ERR(rc, 0, "version-1 database opens (%s)", rc ? err : "");
	if (rc == 0) {
		rc = hss_db_get_sub(db, "001019876543210", s);
		CHECK_ERR(rc, 0, "data survives migration (%d %s)", rc, hss_db_strerror());
		CHECK_INT(s->sqn, ==, 4242, "data survives migration (%d %s)", rc,
		          hss_db_strerror());
		CHECK(!s->opc, "data survives migration (%d %s)", rc, hss_db_strerror());
		CHECK_INT(s->op[0], ==, 0xff, "data survives migration (%d %s)", rc,
		          hss_db_strerror());
		CHECK_INT(s->n_apns, ==, 1, "data survives migration (%d %s)", rc,
		          hss_db_strerror());
		CHECK_INT(s->apns[0].qci, ==, 6, "data survives migration (%d %s)", rc,
		          hss_db_strerror());
		CHECK_STR(s->serving.mme_host, "old-mme", "data survives migration (%d %s)", rc,
		          hss_db_strerror());
		CHECK_INT(s->serving.mme_number_for_mt_sms[0], ==, 0,
		          "data survives migration (%d %s)", rc, hss_db_strerror());
		CHECK_STR(s->msisdn, "3312", "data survives migration (%d %s)", rc,
		          hss_db_strerror());
		rc = hss_db_get_sub_by_msisdn(db, "3312", s);
		CHECK_ERR(rc, 0, "MSISDN lookup after migration");
		hss_db_close(db);
	}
	CHECK_INT(sql_int(path, "SELECT max(version) FROM schema_version"), ==, 3,
	          "migrated to version 3");

	/* data that breaks today's rules (written by hand or an older build) is still served,
	 * and the HSS can still store serving state for it; provisioning must fix it first */
	sql(path, "UPDATE apns SET qci = 0 WHERE imsi = '001019876543210'");
	rc = hss_db_open("sqlite", path, NULL, &db, err, sizeof(err));
	if (rc == 0) {
		struct hss_db_kv kv = { "msisdn", "3399" };
		rc = hss_db_get_sub(db, "001019876543210", s);
		CHECK_ERR(rc, 0, "out-of-rule stored data is read");
		CHECK_INT(s->apns[0].qci, ==, 0, "out-of-rule stored data is read");
		rc = hss_db_store_nor(db, "001019876543210", 1, 1, -1);
		CHECK_ERR(rc, 0, "NOR stored despite it (%d %s)", rc, hss_db_strerror());
		rc = hss_db_update(db, "001019876543210", &kv, 1, err, sizeof(err));
		CHECK_ERR(rc, EINVAL, "provisioning update names the problem " "(%s)", err);
		CHECK_SUBSTR(err, "qci", "provisioning update names the problem " "(%s)", err);
		hss_db_close(db);
	}
	sql(path, "UPDATE apns SET qci = 6 WHERE imsi = '001019876543210';"
	    "UPDATE subscribers SET k = 'zz' WHERE imsi = '001019876543210'");
	rc = hss_db_open("sqlite", path, NULL, &db, err, sizeof(err));
	if (rc == 0) {
		struct hss_auth_data ad;
		rc = hss_db_get_sub(db, "001019876543210", s);
		CHECK_ERR(rc, EIO, "a corrupt key is EIO naming " "the column (%s)",
		          hss_db_strerror());
		CHECK_SUBSTR(hss_db_strerror(), "'k'",
		             "a corrupt key is EIO naming " "the column (%s)", hss_db_strerror());
		rc = hss_db_sqn_reserve(db, "001019876543210", 1, NULL, &ad);
		CHECK_ERR(rc, EIO, "no vectors from a corrupt key (%s)", hss_db_strerror());
		hss_db_close(db);
	}

	/* a database from a newer build is refused, not damaged */
	sql(path, "INSERT INTO schema_version (version, applied_at, what) VALUES (99, 0, 'future')");
	db = NULL;
	rc = hss_db_open("sqlite", path, NULL, &db, err, sizeof(err));
	CHECK_ERR(rc, EIO, "newer schema refused (%d %s)", rc, err);
	CHECK_SUBSTR(err, "newer", "newer schema refused (%d %s)", rc, err);
	hss_db_close(db);

	/* options */
	snprintf(uri, sizeof(uri), "%s/o.db?pool=0", dir);
	rc = hss_db_open("sqlite", uri, NULL, &db, err, sizeof(err));
	CHECK_ERR(rc, EINVAL, "pool=0 refused (%s)", err);
	snprintf(uri, sizeof(uri), "%s/o.db?nope=1", dir);
	rc = hss_db_open("sqlite", uri, NULL, &db, err, sizeof(err));
	CHECK_ERR(rc, EINVAL, "unknown option refused (%s)", err);
	rc = hss_db_open("nosuch", "x", NULL, &db, err, sizeof(err));
	CHECK_ERR(rc, ENOENT, "unknown backend refused (%s)", err);
	rc = hss_db_open("sqlite", "/nonexistent-dir/x/y.db", &create, &db, err, sizeof(err));
	CHECK_ERR(rc, EIO, "unopenable path is EIO (%s)", err);
	snprintf(uri, sizeof(uri), "sqlite:%s/spec.db?pool=2", dir);
	rc = hss_db_open_spec(uri, &create, &db, err, sizeof(err));
	CHECK_ERR(rc, 0, "open_spec sqlite:PATH");
	CHECK_STR(hss_db_backend_name(db), "sqlite", "open_spec sqlite:PATH");
	hss_db_close(db);
	free(s);
}

int main(void)
{
	const char *base = getenv("DCORE_BUILDDIR");
	char uri[600], cmd[600];

	snprintf(dir, sizeof(dir), "%s/hss_db_test.XXXXXX", base ? base : "/tmp");
	if (!mkdtemp(dir)) {
		snprintf(dir, sizeof(dir), "/tmp/hss_db_test.XXXXXX");
		if (!mkdtemp(dir))
			tap_bail("mkdtemp: %s", strerror(errno));
	}
	snprintf(uri, sizeof(uri), "%s/conformance.db", dir);
	run_conformance("sqlite", uri);
	snprintf(uri, sizeof(uri), "%s/conformance-pool1.db?pool=1&sync=normal", dir);
	run_conformance("sqlite", uri);
	t_migrations();
	/* kept for a look when a check failed */
	if (!tap_failures()) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		CHECK_INT(system(cmd), ==, 0, "test directory removed");
	} else {
		tap_note("kept %s", dir);
	}
	return tap_done();
}

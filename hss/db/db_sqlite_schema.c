/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_sqlite_schema.c: the SQLite schema as an ordered list of migrations. A database
 * records the versions applied in its schema_version table; opening applies the missing
 * ones, each in its own BEGIN IMMEDIATE transaction that reads the version again under
 * the lock (two processes opening a fresh file at once apply each migration once).
 * Migrations are history: never edit one that has shipped, append a new one (and keep
 * column names equal to the field names of sub.c, which db_sql.c builds statements from).
 */
#include "db_sqlite.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

struct migration {
	int version;             /* 1, 2, ... in order without gaps */
	const char *what;
	const char *sql;         /* one or more statements */
};

static const struct migration migrations[] = {
	{ 1, "initial schema: subscribers, apns, serving",
	  "CREATE TABLE subscribers ("
	  " imsi TEXT PRIMARY KEY NOT NULL,"
	  " msisdn TEXT,"
	  " a_msisdn TEXT,"
	  " k TEXT NOT NULL,"
	  " op TEXT NOT NULL,"
	  " op_is_opc INTEGER NOT NULL DEFAULT 1,"
	  " amf TEXT NOT NULL DEFAULT '8000',"
	  " sqn INTEGER NOT NULL DEFAULT 0,"
	  " ind_bits INTEGER NOT NULL DEFAULT 5,"
	  " subscriber_status INTEGER NOT NULL DEFAULT 0,"
	  " odb INTEGER NOT NULL DEFAULT 0,"
	  " network_access_mode INTEGER NOT NULL DEFAULT 2,"
	  " access_restriction_data INTEGER NOT NULL DEFAULT 0,"
	  " ambr_ul INTEGER NOT NULL DEFAULT 0,"
	  " ambr_dl INTEGER NOT NULL DEFAULT 0,"
	  " roaming_allowed INTEGER NOT NULL DEFAULT 1,"
	  " roaming_plmns TEXT,"
	  " periodic_tau INTEGER NOT NULL DEFAULT 0,"
	  " charging_chars TEXT,"
	  " default_ctx_id INTEGER NOT NULL DEFAULT 0"
	  ");"
	  "CREATE TABLE apns ("
	  " imsi TEXT NOT NULL REFERENCES subscribers(imsi) ON DELETE CASCADE,"
	  " ctx_id INTEGER NOT NULL,"
	  " apn TEXT NOT NULL,"
	  " pdn_type INTEGER NOT NULL DEFAULT 2,"
	  " qci INTEGER NOT NULL DEFAULT 9,"
	  " arp_prio INTEGER NOT NULL DEFAULT 8,"
	  " preempt_cap INTEGER NOT NULL DEFAULT 0,"
	  " preempt_vuln INTEGER NOT NULL DEFAULT 1,"
	  " ambr_ul INTEGER NOT NULL DEFAULT 0,"
	  " ambr_dl INTEGER NOT NULL DEFAULT 0,"
	  " static_ipv4 TEXT,"
	  " static_ipv6 TEXT,"
	  " pgw_alloc INTEGER NOT NULL DEFAULT 1,"
	  " vplmn_dyn INTEGER NOT NULL DEFAULT 0,"
	  " pgw_host TEXT,"
	  " pgw_realm TEXT,"
	  " PRIMARY KEY (imsi, ctx_id)"
	  ") WITHOUT ROWID;"
	  "CREATE TABLE serving ("
	  " imsi TEXT PRIMARY KEY NOT NULL REFERENCES subscribers(imsi) ON DELETE CASCADE,"
	  " mme_host TEXT,"
	  " mme_realm TEXT,"
	  " mme_ulr_time INTEGER NOT NULL DEFAULT 0,"
	  " mme_purged INTEGER NOT NULL DEFAULT 0,"
	  " sgsn_host TEXT,"
	  " sgsn_realm TEXT,"
	  " sgsn_ulr_time INTEGER NOT NULL DEFAULT 0,"
	  " sgsn_purged INTEGER NOT NULL DEFAULT 0,"
	  " ulr_flags INTEGER NOT NULL DEFAULT 0,"
	  " nor_flags INTEGER NOT NULL DEFAULT 0,"
	  " ue_srvcc_support INTEGER NOT NULL DEFAULT -1,"
	  " homogeneous_ims_voice INTEGER NOT NULL DEFAULT -1,"
	  " last_rat_type INTEGER NOT NULL DEFAULT -1,"
	  " visited_plmn TEXT"
	  ");" },
	{ 2, "MME-Number-for-MT-SMS in the serving state; MSISDN index for Sh lookups",
	  "ALTER TABLE serving ADD COLUMN mme_number_for_mt_sms TEXT;"
	  "CREATE INDEX subscribers_msisdn ON subscribers(msisdn);" },
	{ 3, "keyed records (IMS subscriptions, indexes, registration and Sh state)",
	  "CREATE TABLE records ("
	  " tbl TEXT NOT NULL,"
	  " k BLOB NOT NULL,"
	  " v BLOB NOT NULL,"
	  " ver INTEGER NOT NULL,"
	  " PRIMARY KEY (tbl, k)"
	  ") WITHOUT ROWID;" },
};

int db_sqlite_schema_latest(void)
{
	return migrations[sizeof(migrations) / sizeof(migrations[0]) - 1].version;
}

static int schema_version(sqlite3 *h, int *ret)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(h, "SELECT coalesce(max(version), 0) FROM schema_version", -1, &st,
	                       NULL) != SQLITE_OK)
		return hss_db_set_error(EIO, "sqlite: read schema_version: %s", sqlite3_errmsg(h));
	rc = sqlite3_step(st) == SQLITE_ROW ? 0 :
	     hss_db_set_error(EIO, "sqlite: read schema_version: %s", sqlite3_errmsg(h));
	if (!rc)
		*ret = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc;
}

int db_sqlite_migrate(struct hss_db *db, sqlite3 *h, char *err, size_t errlen)
{
	const struct sq_be *d = SQB(db);
	const struct migration *m = migrations;
	size_t n = sizeof(migrations) / sizeof(migrations[0]), i;
	int have = 0, latest = m[n - 1].version, rc = 0;
	int target = d->max_schema ? d->max_schema : latest;
	char *emsg = NULL;

	/* Up to date, the usual case: nothing to write, no write lock to wait for. */
	if (schema_version(h, &have) == 0) {
		if (have == target)
			return 0;
	} else if (!(db->opts.flags & HSS_DB_OPEN_CREATE)) {
		snprintf(err, errlen, "sqlite: '%s' is not an HSS database (no schema_version table): "
		         "create one with `hssctl init`", d->path);
		return EIO;
	} else {
		/* creating: into an empty file only, never into someone else's database */
		sqlite3_stmt *st = NULL;
		bool empty = sqlite3_prepare_v2(h, "SELECT count(*) FROM sqlite_master", -1, &st,
		                                NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
		             sqlite3_column_int(st, 0) == 0;

		sqlite3_finalize(st);
		if (!empty) {
			snprintf(err, errlen, "sqlite: '%s' is a database without the HSS schema: not "
			         "creating the HSS tables in it", d->path);
			return EIO;
		}
	}
	if (sqlite3_exec(h, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
	                 " applied_at INTEGER NOT NULL, what TEXT)", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "sqlite: '%s': cannot create schema_version: %s", d->path,
		         sqlite3_errmsg(h));
		return EIO;
	}
	for (i = 0; i < n; i++) {
		char ins[256];

		if (d->max_schema && m[i].version > d->max_schema)
			break;
		/* Each migration checks the version again under the write lock: two processes
		 * opening a fresh database at once must not both apply it. */
		if (sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
			snprintf(err, errlen, "sqlite: '%s': %s", d->path, sqlite3_errmsg(h));
			return EIO;
		}
		if ((rc = schema_version(h, &have))) {
			snprintf(err, errlen, "%s", hss_db_strerror());
			goto fail;
		}
		if (have > latest) {
			snprintf(err, errlen, "sqlite: '%s': schema version %d is newer than this build "
			         "knows (%d): upgrade the software", d->path, have, latest);
			rc = EIO;
			goto fail;
		}
		if (have >= m[i].version) {
			sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
			continue;
		}
		snprintf(ins, sizeof(ins), "INSERT INTO schema_version (version, applied_at, what) VALUES "
		         "(%d, %lld, '%s')", m[i].version, (long long)time(NULL), "");
		if (sqlite3_exec(h, m[i].sql, NULL, NULL, &emsg) != SQLITE_OK ||
		    sqlite3_exec(h, ins, NULL, NULL, &emsg) != SQLITE_OK) {
			snprintf(err, errlen, "sqlite: '%s': migration %d (%s) failed: %s", d->path,
			         m[i].version, m[i].what, emsg ? emsg : "?");
			sqlite3_free(emsg);
			rc = EIO;
			goto fail;
		}
		{
			/* the description, bound rather than pasted into SQL */
			sqlite3_stmt *st = NULL;
			if (sqlite3_prepare_v2(h, "UPDATE schema_version SET what = ? WHERE version = ?", -1,
			                       &st, NULL) == SQLITE_OK) {
				sqlite3_bind_text(st, 1, m[i].what, -1, SQLITE_STATIC);
				sqlite3_bind_int(st, 2, m[i].version);
				sqlite3_step(st);
			}
			sqlite3_finalize(st);
		}
		if (sqlite3_exec(h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
			snprintf(err, errlen, "sqlite: '%s': commit of migration %d: %s", d->path,
			         m[i].version, sqlite3_errmsg(h));
			rc = EIO;
			goto fail;
		}
	}
	/* a database newer than this build is refused even if nothing was to be applied */
	if ((rc = schema_version(h, &have))) {
		snprintf(err, errlen, "%s", hss_db_strerror());
		return rc;
	}
	if (have > latest) {
		snprintf(err, errlen, "sqlite: '%s': schema version %d is newer than this build knows "
		         "(%d): upgrade the software", d->path, have, latest);
		return EIO;
	}
	return 0;
fail:
	sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}


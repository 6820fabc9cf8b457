/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_mysql_schema.c: the MySQL / MariaDB schema (the same tables and column names as
 * SQLite's, InnoDB) as ordered migrations, applied under GET_LOCK('hss_db_schema') so two
 * processes opening a fresh database apply each once. MySQL DDL is not transactional: a
 * migration that failed half-way needs a manual look. Never edit a shipped migration:
 * append one (column names = the field names of sub.c).
 */
#include "db_mysql.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const m1[] = {
	"CREATE TABLE subscribers ("
	" imsi VARCHAR(15) NOT NULL PRIMARY KEY,"
	" msisdn VARCHAR(15) NULL,"
	" a_msisdn VARCHAR(15) NULL,"
	" k CHAR(32) NOT NULL,"
	" op CHAR(32) NOT NULL,"
	" op_is_opc TINYINT NOT NULL DEFAULT 1,"
	" amf CHAR(4) NOT NULL DEFAULT '8000',"
	" sqn BIGINT UNSIGNED NOT NULL DEFAULT 0,"
	" ind_bits INT UNSIGNED NOT NULL DEFAULT 5,"
	" subscriber_status INT UNSIGNED NOT NULL DEFAULT 0,"
	" odb INT UNSIGNED NOT NULL DEFAULT 0,"
	" network_access_mode INT UNSIGNED NOT NULL DEFAULT 2,"
	" access_restriction_data INT UNSIGNED NOT NULL DEFAULT 0,"
	" ambr_ul INT UNSIGNED NOT NULL DEFAULT 0,"
	" ambr_dl INT UNSIGNED NOT NULL DEFAULT 0,"
	" roaming_allowed TINYINT NOT NULL DEFAULT 1,"
	" roaming_plmns VARCHAR(255) NULL,"
	" periodic_tau INT UNSIGNED NOT NULL DEFAULT 0,"
	" charging_chars CHAR(4) NULL,"
	" default_ctx_id INT UNSIGNED NOT NULL DEFAULT 0,"
	" KEY subscribers_msisdn (msisdn)"
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
	"CREATE TABLE apns ("
	" imsi VARCHAR(15) NOT NULL,"
	" ctx_id INT UNSIGNED NOT NULL,"
	" apn VARCHAR(100) NOT NULL,"
	" pdn_type INT UNSIGNED NOT NULL DEFAULT 2,"
	" qci INT UNSIGNED NOT NULL DEFAULT 9,"
	" arp_prio INT UNSIGNED NOT NULL DEFAULT 8,"
	" preempt_cap TINYINT NOT NULL DEFAULT 0,"
	" preempt_vuln TINYINT NOT NULL DEFAULT 1,"
	" ambr_ul INT UNSIGNED NOT NULL DEFAULT 0,"
	" ambr_dl INT UNSIGNED NOT NULL DEFAULT 0,"
	" static_ipv4 VARCHAR(15) NULL,"
	" static_ipv6 VARCHAR(45) NULL,"
	" pgw_alloc INT UNSIGNED NOT NULL DEFAULT 1,"
	" vplmn_dyn TINYINT NOT NULL DEFAULT 0,"
	" pgw_host VARCHAR(255) NULL,"
	" pgw_realm VARCHAR(255) NULL,"
	" PRIMARY KEY (imsi, ctx_id)"
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
	"CREATE TABLE serving ("
	" imsi VARCHAR(15) NOT NULL PRIMARY KEY,"
	" mme_host VARCHAR(255) NULL,"
	" mme_realm VARCHAR(255) NULL,"
	" mme_number_for_mt_sms VARCHAR(15) NULL,"
	" mme_ulr_time BIGINT NOT NULL DEFAULT 0,"
	" mme_purged TINYINT NOT NULL DEFAULT 0,"
	" sgsn_host VARCHAR(255) NULL,"
	" sgsn_realm VARCHAR(255) NULL,"
	" sgsn_ulr_time BIGINT NOT NULL DEFAULT 0,"
	" sgsn_purged TINYINT NOT NULL DEFAULT 0,"
	" ulr_flags INT UNSIGNED NOT NULL DEFAULT 0,"
	" nor_flags INT UNSIGNED NOT NULL DEFAULT 0,"
	" ue_srvcc_support INT NOT NULL DEFAULT -1,"
	" homogeneous_ims_voice INT NOT NULL DEFAULT -1,"
	" last_rat_type INT NOT NULL DEFAULT -1,"
	" visited_plmn VARCHAR(6) NULL"
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
	NULL
};

static const char *const m2[] = {
	"CREATE TABLE records ("
	" tbl VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,"
	" k VARBINARY(512) NOT NULL,"
	" v LONGBLOB NOT NULL,"
	" ver BIGINT UNSIGNED NOT NULL,"
	" PRIMARY KEY (tbl, k)"
	") ENGINE=InnoDB",
	NULL
};

static const struct {
	int version;
	const char *what;
	const char *const *sql;      /* NULL-terminated statements */
} migrations[] = {
	{ 1, "initial schema: subscribers, apns, serving", m1 },
	{ 2, "keyed records (IMS subscriptions, indexes, registration and Sh state)", m2 },
};

/* One integer a query returns (its first column), or EIO with the message. */
static int query_int(struct hss_db *db, MYSQL *h, const char *sql, int *ret)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	int rc;

	if ((rc = db_mysql_query(db, NULL, h, sql, "schema")))
		return rc;
	if (!(res = mysql_store_result(h)))
		return mysql_field_count(h) ? db_mysql_err(db, NULL, h, "schema") : 0;
	if ((row = mysql_fetch_row(res)) && row[0])
		*ret = atoi(row[0]);
	mysql_free_result(res);
	return 0;
}

int db_mysql_migrate(struct hss_db *db, MYSQL *h, char *err, size_t errlen)
{
	size_t n = sizeof(migrations) / sizeof(migrations[0]), i, j;
	int latest = migrations[n - 1].version, have = 0, found = 0, lock = 0, rc;
	char ins[512];

	/* never create the schema from a daemon: a database without it is refused */
	if (!(db->opts.flags & HSS_DB_OPEN_CREATE)) {
		if ((rc = query_int(db, h, "SELECT COUNT(*) FROM information_schema.tables WHERE "
		                    "table_schema = DATABASE() AND table_name = 'schema_version'",
		                    &found)))
			goto fail;
		if (!found) {
			snprintf(err, errlen, "mysql: database '%s' has no HSS schema (no schema_version "
			         "table): create it with `hssctl init`", MYB(db)->dbname);
			return EIO;
		}
	}
	if ((rc = db_mysql_query(db, NULL, h, "CREATE TABLE IF NOT EXISTS schema_version (version "
	                         "INT NOT NULL PRIMARY KEY, applied_at BIGINT NOT NULL, what "
	                         "VARCHAR(255)) ENGINE=InnoDB", "schema_version")) ||
	    (rc = query_int(db, h, "SELECT GET_LOCK('hss_db_schema', 60)", &lock)))
		goto fail;
	if ((rc = query_int(db, h, "SELECT COALESCE(MAX(version), 0) FROM schema_version", &have)))
		goto out;
	if (have > latest) {
		snprintf(err, errlen, "mysql: schema version %d is newer than this build knows (%d): "
		         "upgrade the software", have, latest);
		rc = EIO;
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (migrations[i].version <= have)
			continue;
		for (j = 0; migrations[i].sql[j]; j++)
			if (mysql_query(h, migrations[i].sql[j])) {
				snprintf(err, errlen, "mysql: migration %d (%s) failed: %s",
				         migrations[i].version, migrations[i].what, mysql_error(h));
				rc = EIO;
				goto out;
			}
		snprintf(ins, sizeof(ins), "INSERT INTO schema_version (version, applied_at, what) VALUES "
		         "(%d, %lld, '%s')", migrations[i].version, (long long)time(NULL),
		         migrations[i].what);
		if ((rc = db_mysql_query(db, NULL, h, ins, "schema version")))
			goto out;
	}
out:
	(void)query_int(db, h, "SELECT RELEASE_LOCK('hss_db_schema')", &lock);
	if (rc && !*err)
		snprintf(err, errlen, "%s", hss_db_strerror());
	return rc ? EIO : 0;
fail:
	snprintf(err, errlen, "%s", hss_db_strerror());
	return EIO;
}


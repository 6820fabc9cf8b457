/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_sqlite_schema.c: the SQLite schema as an ordered list of migrations. A database
 * records the versions applied in its schema_version table; opening applies the missing
 * ones, each in its own transaction. Migrations are history: never edit one that has
 * shipped, append a new one (and keep column names equal to the field names of sub.c,
 * which db_sqlite.c uses to build its statements).
 */
#include "db_sqlite.h"

#include <stddef.h>

static const struct db_sqlite_migration migrations[] = {
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

const struct db_sqlite_migration *db_sqlite_migrations(size_t *ret_n)
{
	*ret_n = sizeof(migrations) / sizeof(migrations[0]);
	return migrations;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_db_mysql.c: the conformance suite against the MySQL/MariaDB backend. The URI of an
 * empty database comes from argv[1] or HSS_DB_MYSQL_URI (run_mysql.py starts a private
 * mariadbd and passes it); without one, or without the backend compiled in, TAP skip.
 */
#include "conformance.h"
#include "hss_db.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	const char *uri = argc > 1 ? argv[1] : getenv("HSS_DB_MYSQL_URI");
	const char *const *b;

	for (b = hss_db_backends(); *b && strcmp(*b, "mysql"); b++)
		;
	if (!*b)
		return tap_skip_all("the mysql backend is not compiled in (libmariadb missing)");
	if (!uri || !*uri)
		return tap_skip_all("no MySQL database: set "
		                    "HSS_DB_MYSQL_URI=mysql://USER:PASS@HOST/DB");
	{
		struct hss_db *db = NULL;
		char err[512];
		int rc = hss_db_open("mysql", "mysql://nohost", NULL, &db, err, sizeof(err));
		CHECK_ERR(rc, EINVAL, "bad URI refused (%s)", err);
		CHECK_SUBSTR(err, "expected", "bad URI refused (%s)", err);
		rc = hss_db_open("mysql", "//root@localhost/hss?socket=/nonexistent/sock&timeout=2", NULL,
		                 &db, err, sizeof(err));
		CHECK_ERR(rc, EIO, "unreachable server is EIO (%s)", err);
		rc = hss_db_open("mysql", "//root@localhost/hss?colour=red", NULL, &db, err, sizeof(err));
		CHECK_ERR(rc, EINVAL, "unknown option refused (%s)", err);
	}
	run_conformance("mysql", uri);
	return tap_done();
}

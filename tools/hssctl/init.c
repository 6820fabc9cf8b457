/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * init.c: `hssctl init`, the one way an HSS database comes to exist. The HSS daemon never
 * creates its database (a missing file must not become an empty one that answers 5001 to
 * everybody), and neither do the other hssctl commands: they refuse a missing database.
 * init creates the SQLite file, or the tables in an existing empty MySQL/MariaDB database,
 * and migrates an older schema; on a database that is already current it changes nothing,
 * so it is safe to run again.
 */
#include "hssctl.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>

/* The missing directories on the way to a new SQLite file, created 0700: what is in them
 * holds K and OP/OPc. Existing directories are left as they are. Exit code. */
static int make_dirs(const char *spec)
{
	char path[4096], *p;
	struct stat st;

	if (hss_db_spec_file(spec, path, sizeof(path)))
		return HSSCTL_OK;
	for (p = strchr(path + 1, '/'); p; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (stat(path, &st) && errno == ENOENT) {
			if (mkdir(path, 0700) && errno != EEXIST) {
				fprintf(stderr, "hssctl: init: cannot create directory '%s': %s\n", path,
				        strerror(errno));
				return HSSCTL_DB;
			}
			printf("created directory %s (mode 0700)\n", path);
		}
		*p = '/';
	}
	return HSSCTL_OK;
}

int hssctl_init(const char *spec, int npos)
{
	struct hss_db_opts o = { HSS_DB_OPEN_CREATE, HSSCTL_TIMEOUT_MS };
	struct hss_db *db = NULL;
	char err[512];
	uint64_t n = 0;
	int rc;

	if (npos) {
		fprintf(stderr, "hssctl: init takes no argument (the database comes from -d, --db or -c)\n");
		return HSSCTL_USAGE;
	}
	if ((rc = make_dirs(spec)))
		return rc;
	if ((rc = hss_db_open_spec(spec, &o, &db, err, sizeof(err)))) {
		fprintf(stderr, "hssctl: init: %s\n", err);
		return rc == EINVAL || rc == ENOENT ? HSSCTL_USAGE : HSSCTL_DB;
	}
	if ((rc = hss_db_count(db, &n))) {
		fprintf(stderr, "hssctl: init: %s\n", hss_db_strerror());
		hss_db_close(db);
		return HSSCTL_DB;
	}
	/* the count tells an operator who pointed init at the wrong place what is there */
	printf("database ready (%s): %" PRIu64 " subscriber(s)\n", hss_db_backend_name(db), n);
	/* an existing database keeps its mode: say if others may read it */
	hssctl_secret_db_check(spec, "init", false);
	hss_db_close(db);
	return HSSCTL_OK;
}

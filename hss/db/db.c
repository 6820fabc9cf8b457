/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db.c: the backend registry, opening and closing a handle (driver, connection pool,
 * statement texts), and the per-thread error message of hss/db/. The operations are in
 * db_ops.c.
 */
#include "db_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const struct hss_db_driver *const backends[] = {
	&hss_db_sqlite_driver,
#ifdef HSS_DB_HAVE_MYSQL
	&hss_db_mysql_driver,
#endif
	NULL,
};

static const char *const backend_names[] = {
	"sqlite",
#ifdef HSS_DB_HAVE_MYSQL
	"mysql",
#endif
	NULL,
};

static _Thread_local char tls_err[512];

int hss_db_set_error(int e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tls_err, sizeof(tls_err), fmt, ap);
	va_end(ap);
	return e;
}

void hss_db_clear_error(void)
{
	tls_err[0] = 0;
}

const char *hss_db_strerror(void)
{
	return tls_err;
}

const char *const *hss_db_backends(void)
{
	return backend_names;
}

int hss_db_open(const char *backend, const char *uri, const struct hss_db_opts *opts,
                struct hss_db **ret, char *err, size_t errlen)
{
	struct hss_db *db = NULL;
	size_t i;
	int rc;

	if (!backend)
		backend = "sqlite";
	if (!uri || !ret) {
		snprintf(err, errlen, "no database URI given");
		return EINVAL;
	}
	for (i = 0; backends[i]; i++)
		if (!strcmp(backends[i]->name, backend))
			break;
	if (!backends[i]) {
		snprintf(err, errlen, "unknown database backend '%s' (compiled in: sqlite%s)", backend,
		         backends[1] ? ", mysql" : "");
		return ENOENT;
	}
	if (!(db = calloc(1, sizeof(*db)))) {
		snprintf(err, errlen, "out of memory");
		return ENOMEM;
	}
	db->drv = backends[i];
	db->opts = (struct hss_db_opts){ 0, HSS_DB_TIMEOUT_DEFAULT_MS };
	if (opts) {
		db->opts = *opts;
		if (!db->opts.timeout_ms)
			db->opts.timeout_ms = HSS_DB_TIMEOUT_DEFAULT_MS;
	}
	pthread_mutex_init(&db->wmu, NULL);
	hss_pool_init(db);
	if ((rc = db->drv->open(db, uri, err, errlen))) {
		db->drv = NULL;   /* nothing of the driver's to close */
		goto fail;
	}
	if ((db->drv->sql && (rc = hss_sql_build(db))) || (rc = hss_pool_start(db))) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	*ret = db;
	return 0;
fail:
	hss_db_close(db);
	return rc;
}

int hss_db_open_spec(const char *spec, const struct hss_db_opts *opts, struct hss_db **ret,
                     char *err, size_t errlen)
{
	const char *colon;
	char name[32];

	if (!spec) {
		snprintf(err, errlen, "no database given");
		return EINVAL;
	}
	colon = strchr(spec, ':');
	if (colon && (size_t)(colon - spec) < sizeof(name)) {
		size_t i;

		memcpy(name, spec, (size_t)(colon - spec));
		name[colon - spec] = 0;
		for (i = 0; backends[i]; i++)
			if (!strcmp(backends[i]->name, name))
				return hss_db_open(name, colon + 1, opts, ret, err, errlen);
		/* "word:..." names a backend (a path would hold a '/' or '.' before the colon):
		 * an unknown or not compiled-in one is an error, not a file name. */
		if (strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(name) &&
		    strlen(name) >= 2) {
			snprintf(err, errlen, "database backend '%s' is unknown or not compiled in "
			         "(available: sqlite%s)", name, backends[1] ? ", mysql" : "");
			return ENOENT;
		}
	}
	return hss_db_open("sqlite", spec, opts, ret, err, errlen);
}

const char *hss_db_uri_redact(const char *uri, char *buf, size_t len)
{
	const char *p = uri ? strstr(uri, "//") : NULL, *at = NULL, *colon = NULL;
	size_t i, n;

	if (!len)
		return buf;
	if (p) {
		p += 2;
		n = strcspn(p, "/?");
		/* the last '@' of the authority: a password may hold one (parse_uri refuses it,
		 * but the message saying so must not show it either) */
		for (i = 0; i < n; i++)
			if (p[i] == '@')
				at = p + i;
		colon = at ? memchr(p, ':', (size_t)(at - p)) : NULL;
	}
	if (!colon)
		snprintf(buf, len, "%s", uri ? uri : "");
	else
		snprintf(buf, len, "%.*s***%s", (int)(colon + 1 - uri), uri, at);
	return buf;
}

void hss_db_close(struct hss_db *db)
{
	if (!db)
		return;
	hss_pool_fini(db);   /* every connection, while the driver's state is there */
	if (db->drv)
		db->drv->close(db);
	hss_sql_free(db);
	pthread_mutex_destroy(&db->wmu);
	free(db);
}

const char *hss_db_backend_name(const struct hss_db *db)
{
	return db->drv->name;
}

unsigned hss_db_caps(const struct hss_db *db)
{
	return db->drv->caps & 0xffu;
}


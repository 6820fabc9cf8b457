/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_files.c: the modes of the files that hold K and OP/OPc at rest. A SQLite database is
 * created 0600 (SQLite itself would create it 0644 under the usual umask 022, and gives its
 * -wal, -shm and -journal files the database file's mode); callers that open an existing one
 * can ask what group and others may do with its files, to warn (the HSS) or refuse to write
 * keys into them (hssctl). A server backend (MySQL/MariaDB) has no file of ours.
 */
#include "db_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int db_file_create_private(const char *path)
{
	/* O_EXCL: never take over a file that appeared meanwhile (its mode is its owner's) */
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);

	if (fd < 0)
		return errno == EEXIST ? 0 : errno;
	return close(fd) ? errno : 0;
}

/* The file path of a SQLite URI ("PATH?opts"); "" for ":memory:". */
static void sqlite_path(const char *uri, char *buf, size_t len)
{
	size_t n = strcspn(uri, "?");

	if (n >= len || (n == 8 && !strncmp(uri, ":memory:", 8)))
		n = 0;
	memcpy(buf, uri, n);
	buf[n] = '\0';
}

unsigned hss_db_file_access(const char *backend, const char *uri, char *msg, size_t len)
{
	static const char *const sfx[] = { "", "-wal", "-shm" };
	char path[4096], file[4200], modes[160] = "";
	unsigned acc = 0;
	size_t i, used = 0;
	struct stat st;

	if (msg && len)
		msg[0] = '\0';
	if ((backend && strcmp(backend, "sqlite")) || !uri)
		return 0;
	sqlite_path(uri, path, sizeof(path));
	if (!path[0])
		return 0;
	for (i = 0; i < 3; i++) {
		snprintf(file, sizeof(file), "%s%s", path, sfx[i]);
		if (stat(file, &st) || !(st.st_mode & 077))
			continue;
		acc |= st.st_mode & 077;
		if (used < sizeof(modes))
			used += (size_t)snprintf(modes + used, sizeof(modes) - used, "%s%s %04o",
			                         used ? ", " : "", i ? sfx[i] : "mode",
			                         (unsigned)(st.st_mode & 07777));
	}
	if (acc && msg && len)
		snprintf(msg, len, "database '%s' holds K and OP/OPc and is %s by %s (%s): "
		         "chmod 600 '%s' '%s-wal' '%s-shm'", path,
		         acc & 044 ? "readable" : "accessible", acc & 07 ? "other users" : "its group",
		         modes, path, path, path);
	return acc;
}

int hss_db_spec_file(const char *spec, char *buf, size_t len)
{
	const char *colon = spec ? strchr(spec, ':') : NULL;
	size_t n = colon ? (size_t)(colon - spec) : 0;

	if (!spec || !len)
		return ENOENT;
	if (n == 6 && !strncmp(spec, "sqlite", 6))
		spec = colon + 1;
	else if (n >= 2 && strspn(spec, "abcdefghijklmnopqrstuvwxyz0123456789_") == n)
		return ENOENT;   /* "word:..." names a server backend, as for hss_db_open_spec */
	sqlite_path(spec, buf, len);
	return buf[0] ? 0 : ENOENT;
}

unsigned hss_db_spec_file_access(const char *spec, char *msg, size_t len)
{
	char path[4096];

	if (msg && len)
		msg[0] = '\0';
	if (hss_db_spec_file(spec, path, sizeof(path)))
		return 0;
	return hss_db_file_access("sqlite", path, msg, len);
}

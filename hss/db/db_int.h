/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_int.h: internal header of hss/db/, shared by the backends and the common layer:
 * the table describing each stored subscriber field (so a backend maps columns without
 * repeating the model) and the per-thread error message.
 */
#ifndef HSS_DB_INT_H
#define HSS_DB_INT_H

/* Defined by hss/db/meson.build for the component's own sources only. */
#ifndef HSS_DB_INTERNAL
#error "db_int.h is internal to hss/db/: include hss_db.h"
#endif

#include "hss_db.h"

#include <stdarg.h>

enum hss_fkind {
	HSS_FK_DIGITS,   /* char[size], digits only, length min..max */
	HSS_FK_STR,      /* char[size], DiameterIdentity-like text */
	HSS_FK_HEX,      /* uint8_t[size], text of 2*size hex digits */
	HSS_FK_HEXSTR,   /* char[size], exactly max hex digits or empty */
	HSS_FK_U32,
	HSS_FK_U64,
	HSS_FK_I32,
	HSS_FK_I64,
	HSS_FK_BOOL,
	HSS_FK_ENUM,     /* uint32_t with names (index = value, NULL gaps) */
	HSS_FK_PLMN,     /* char[7] MCCMNC or empty */
	HSS_FK_PLMNS,    /* roaming_plmns list, stored as "00101,00102" */
	HSS_FK_APNS,     /* the APN list, stored apart */
};

#define HSS_F_SERVING 0x1u   /* serving state, never written by put_sub */
#define HSS_F_NOSTORE 0x2u   /* not a column (APNs) */

struct hss_fdesc {
	const char *name;        /* canonical name = column name */
	const char *alias;       /* other accepted name or NULL */
	enum hss_fkind kind;
	size_t off, size;
	int64_t min, max;        /* numbers: value range; strings: length range */
	const char *const *names;/* HSS_FK_ENUM */
	unsigned flags;
	const char *help;
};

/* All subscriber fields, ended by an entry with name == NULL. */
extern const struct hss_fdesc hss_fdescs[];

/* Field descriptor by (canonical or alias) name, '-'/'_' and case insensitive; NULL. */
const struct hss_fdesc *hss_fdesc_find(const char *name);

/* Store a message for hss_db_strerror() of this thread; returns e for `return` chains. */
int hss_db_set_error(int e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hss_db_clear_error(void);

/* Roaming PLMN list <-> "00101,00102". */
int hss_plmns_parse(struct hss_sub *sub, const char *text, char *err, size_t errlen);
void hss_plmns_format(const struct hss_sub *sub, char *buf, size_t bufsz);

/* Host name / realm check shared with the set_serving wrapper. */
int hss_check_host(const char *field, const char *s, char *err, size_t errlen);

/* Hex <-> bytes: decode needs exactly 2*n hex digits (EINVAL); out of encode is 2*n+1. */
int hss_hex_decode(const char *s, uint8_t *out, size_t n);

/* What a ULR writes into the serving state (db.c), the same for every backend: the new MME
 * or SGSN (its purged flag cleared), ULR-Flags, RAT, visited PLMN, and the UE capabilities
 * the request carried. u->time 0 means now. */
void hss_serving_apply(struct hss_serving *s, const struct hss_db_serving_upd *u);
void hss_hex_encode(const uint8_t *in, size_t n, char *out);

/* Create an empty file at path, mode 0600, unless one exists (db_files.c): a SQLite
 * database is created this way, so it and the -wal/-shm SQLite gives its mode never were
 * readable by others. 0 or errno. */
int db_file_create_private(const char *path);

/* Backends compiled in (db.c registry). */
extern const struct hss_db_ops hss_db_sqlite_ops;
#ifdef HSS_DB_HAVE_MYSQL
extern const struct hss_db_ops hss_db_mysql_ops;
#endif

#endif /* HSS_DB_INT_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_int.h: internal header of hss/db/. The layers under the public API:
 *
 *   db.c, db_ops.c     public API: validation and the domain rules (SQN, serving node,
 *                      purge, update...), written once as transaction bodies
 *   db_tx.c            runs transaction bodies: read transactions on the caller's thread,
 *                      writes retried on deadlock (and grouped into batches, one commit each)
 *   db_pool.c          the one connection pool: deadlines, reopening failed connections,
 *                      reconnect back-off, lock outages, generations of a file moved away
 *   driver             storage primitives only (struct hss_db_driver): read a subscriber,
 *                      write parts of one, delete, page, count, begin/commit/rollback
 *   db_sql.c           the primitives for SQL drivers, over one `exec` per driver
 *
 * A driver never applies a domain rule: it stores and loads what the layer above decides.
 */
#ifndef HSS_DB_INT_H
#define HSS_DB_INT_H

/* Defined by hss/db/meson.build for the component's own sources only. */
#ifndef HSS_DB_INTERNAL
#error "db_int.h is internal to hss/db/: include hss_db.h"
#endif

#include "hss_db.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>

/* ---- the subscriber fields -------------------------------------------------------------- */

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
#define HSS_F_AUTH    0x4u   /* what an SQN reservation reads (HSS_PART_APN_COUNT): imsi first */

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
/* The columns of one APN configuration (offsets into struct hss_apn), ctx_id first. */
extern const struct hss_fdesc hss_apn_fdescs[];

/* hss_sub_init but the APN table, of which only the first n_apns entries count (a struct
 * hss_sub is ~22 kB: clearing and copying it whole cost more than the database); copy
 * what counts. */
void hss_sub_reset(struct hss_sub *sub);
void hss_sub_copy(struct hss_sub *dst, const struct hss_sub *src);
/* A subscriber to read into, one per thread, reused; NULL when out of memory. Bodies and
 * reads use it from start to end, never across a callback. */
struct hss_sub *hss_db_scratch(void);

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
void hss_hex_encode(const uint8_t *in, size_t n, char *out);

/* Keyed records (rec.c): the version a new record gets (microseconds of the wall clock,
 * never 0 nor HSS_DB_REC_ANY), and the upper bound of the keys that start with prefix (the
 * prefix with its last octet below 0xff incremented, trailing 0xff dropped): keys k with
 * prefix <= k < *upper. false when there is no upper bound (empty or all-0xff prefix).
 * upper must hold strlen(prefix) + 1 octets. */
uint64_t hss_db_rec_new_version(void);
bool hss_db_rec_prefix_upper(const char *prefix, char *upper);
/* Copy octets into a record field: malloc'd, NUL-terminated. ENOMEM. */
int hss_db_rec_set_key(struct hss_db_rec *r, const void *key, size_t len);
int hss_db_rec_set_data(struct hss_db_rec *r, const void *data, size_t len);

/* What a ULR writes into the serving state, the same for every backend: the new MME or
 * SGSN (its purged flag cleared), ULR-Flags, RAT, visited PLMN, and the UE capabilities the
 * request carried. u->time 0 means now. */
void hss_serving_apply(struct hss_serving *s, const struct hss_db_serving_upd *u);

/* ---- column codec (db_codec.c): a field as stored text, for every backend ------------- */

#define HSS_COL_TEXT_MAX 256         /* room for any column text made (PLMN list: 32 x 7) */

/* Field f of the struct at base (struct hss_sub; struct hss_apn for hss_apn_fdescs) as
 * stored text in buf (HSS_COL_TEXT_MAX): lower-case hex for keys, decimal for numbers,
 * 0/1 for booleans. NULL (SQL NULL) for an empty optional string. *num tells whether the
 * text is a number (SQL drivers that build statement text leave numbers unquoted). */
const char *hss_col_text(const struct hss_fdesc *f, const void *base, char *buf, bool *num);
/* Set field f from stored text; NULL leaves the field as it is (hss_sub_init default). What
 * is in a database is input like any other: a value that does not fit is EIO naming the
 * column and the IMSI (the value too, except for keys), never trusted. */
int hss_col_load(const struct hss_fdesc *f, const char *text, void *base, const char *imsi,
                 const char *driver);

/* ---- the connection pool (db_pool.c) -------------------------------------------------- */

/* CLOCK_MONOTONIC in milliseconds (deadlines). */
int64_t hss_now_ms(void);

/* One pooled connection. A driver keeps its own connection state behind h; the pool keeps
 * what decides when a connection is handed out, reopened or closed. */
struct hss_pconn {
	void *h;                 /* the driver's connection; NULL: closed (opened on next use) */
	bool busy;
	bool broken;             /* failed in a way that may stick to it: closed when put back */
	bool poison;             /* ... and so may every connection to the same file (read-only
	                          * SQLite -shm): all idle ones of its generation are closed */
	bool reconnect;          /* BEGIN found the connection dead: reopen it and try again */
	bool probe;              /* the one operation that waits for locks during a lock outage */
	unsigned gen;            /* generation of the database it was opened on */
	int64_t deadline;        /* CLOCK_MONOTONIC ms: the current operation stops waiting */
};

struct hss_pool {
	unsigned n;
	unsigned nwrite;         /* the first nwrite slots are the writer threads' (0: shared) */
	struct hss_pconn *c;
	pthread_mutex_t mu;      /* the slots, gen, retiring, down_*; drivers' file state too */
	pthread_cond_t cv;       /* a connection was put back (CLOCK_MONOTONIC) */
	unsigned gen;            /* bumped when the driver's watch says the database moved */
	bool retiring;
	int64_t down_until;      /* server unreachable: no connection attempt before this */
	char down_msg[256];
	/* Lock outage: a wait for a lock ran into its deadline, and no operation has shown the
	 * lock gone since. Meanwhile one operation at a time (the probe) waits for locks, the
	 * others fail at once: a database locked by someone else cannot hold every thread and
	 * queue requests past the peers' timers. */
	atomic_bool locked, probing;
};

/* Take a connection for one transaction (opened or reopened as needed) within timeout_ms,
 * or an errno with the message set: ETIMEDOUT (all busy), ENOTCONN (server away, one
 * attempt per back-off period), what the driver's watch or open said (ESTALE...). */
void hss_pool_init(struct hss_db *db);    /* the mutex: before the driver's open */
int hss_pool_start(struct hss_db *db);    /* db->npool slots, none opened yet */
void hss_pool_fini(struct hss_db *db);    /* closes (or retires) every connection */
int hss_pool_get(struct hss_db *db, bool write, struct hss_pconn **ret);
void hss_pool_put(struct hss_db *db, struct hss_pconn *c);
/* Reopen c now (after pc->reconnect). */
int hss_pool_reopen(struct hss_db *db, struct hss_pconn *c);
/* Lock outage. may_wait: whether the operation on c may wait for a lock now (false: fail
 * at once with ETIMEDOUT); lock_timeout: a lock wait of c ran into the deadline; lock_clear:
 * a lock was had (the outage is over). */
bool hss_pool_may_wait(struct hss_db *db, struct hss_pconn *c);
void hss_pool_lock_timeout(struct hss_db *db);
void hss_pool_lock_clear(struct hss_db *db);
/* The pool's mutex, for a driver's state that goes with the generations (SQLite file). */
void hss_pool_lock(struct hss_db *db);
void hss_pool_unlock(struct hss_db *db);

/* ---- transactions -------------------------------------------------------------------- */

/* A transaction in progress: the connection it runs on. */
struct hss_db_tx {
	struct hss_db *db;
	struct hss_pconn *pc;
	bool write;              /* write transaction: reads lock the subscriber they read */
	unsigned nwrites;        /* writes that succeeded in the current body */
	/* keyed records read absent in this run of the transaction (rec.c): on a server
	 * without gap locks (MariaDB READ COMMITTED) an absent record is not locked, so a later
	 * read that finds it must not go on with what the first one saw */
	char **absent;           /* "table\0key", each malloc'd */
	size_t nabsent, capabsent;
	void (*on_commit)(void); /* hss_db_tx_on_commit of the current body (write groups) */
};
/* Forget the records read absent (each run of a write transaction starts afresh; also
 * frees the list). */
void hss_db_tx_forget(struct hss_db_tx *tx);

/* Run fn in a read transaction (a consistent view, no locks) on the caller's thread. */
int hss_db_run_read(struct hss_db *db, hss_db_tx_fn fn, void *arg);
/* Run fn in a write transaction, grouped with the other writes queued meanwhile (group
 * commit, see db_tx.c); the result is durable when this returns 0. fn may be run again
 * from the start (deadlock, or another body of its group failed after writing); it must
 * keep its results in arg and set them afresh each run. flags: HSS_RUN_*. */
#define HSS_RUN_ALONE 0x1u   /* never retried, never grouped (put_stream: an iterator) */
int hss_db_run_write(struct hss_db *db, unsigned flags, hss_db_tx_fn fn, void *arg);
/* The same without waiting: 0 when queued, then done(done_arg, rc) is called once, on a
 * writer thread, after the commit (rc 0: durable) or the failure (the message is then in
 * hss_db_strerror() of that thread). An error returned here (the database is known to be
 * locked, out of memory) means done is never called. done must not wait for another
 * write (it runs on the thread that would serve it). */
int hss_db_run_write_async(struct hss_db *db, unsigned flags, hss_db_tx_fn fn, void *arg,
                           hss_db_done_fn done, void *done_arg);
/* Stop the writer threads after the queued writes (hss_db_close). */
void hss_db_writer_stop(struct hss_db *db);

/* ---- storage primitives ------------------------------------------------------------- */

struct hss_sql_arg;
struct hss_sql_dialect;

/* Parts of a subscriber, for sub_read and sub_write. */
#define HSS_PART_PROV    0x1u   /* provisioned fields; on read the SQN too */
#define HSS_PART_SQN     0x2u   /* the SQN (write: alone, or with PROV) */
#define HSS_PART_APNS    0x4u   /* the APN list (a write replaces it) */
#define HSS_PART_SERVING 0x8u   /* the serving state */
#define HSS_PART_ALL     0xfu
/* Read only, with PROV: the authentication fields (HSS_F_AUTH: K, OP/OPc, AMF, SQN, IND
 * length) and n_apns set to the number of APN configurations, apns[] not filled (an AIR
 * needs to know that there is an EPS subscription, not what it is). A backend may read more
 * (the whole document); an SQL one reads those columns only: the reservation runs in the
 * writer's group, one after the other, and decoding the ~20 other columns was a third of it. */
#define HSS_PART_APN_COUNT 0x10u

enum hss_wmode {
	HSS_W_INSERT,            /* a new subscriber (EEXIST if the IMSI exists): PROV|SQN, and
	                          * APNS/SERVING if given (else none / the empty state) */
	HSS_W_UPDATE,            /* an existing one (ENOENT otherwise): only the parts given */
};

/*
 * A backend: storage primitives plus a capability mask (Kamailio srdb style). Every
 * primitive runs inside a transaction (tx) on one pooled connection and returns 0 or an
 * errno with the message set (hss_db_set_error): ENOENT, EEXIST as documented, a fault as
 * in hss_db.h (ETIMEDOUT, EROFS, ENOSPC, ESTALE, ENOTCONN, EIO), EAGAIN for a deadlock or
 * a lost compare-and-set (the whole body is run again).
 *
 * Atomicity: everything a body does between begin and commit is one transaction. A read
 * in a write transaction locks the subscriber until the end (SQL: SELECT ... FOR UPDATE;
 * SQLite: the database write lock). A backend without multi-statement transactions
 * (a document store) may instead make each sub_write of a locked read conditional on what
 * was read (compare-and-set on a version) and return EAGAIN when it changed: the layer then
 * runs the body again; a subscriber is one document, so each write of it is atomic.
 */
struct hss_db_driver {
	const char *name;
	unsigned caps;                       /* HSS_DB_CAP_* */
	/* Parse uri, check or create/migrate the schema (HSS_DB_OPEN_CREATE in db->opts),
	 * set db->be and db->npool. err: one line naming the problem. */
	int (*open)(struct hss_db *db, const char *uri, char *err, size_t errlen);
	void (*close)(struct hss_db *db);    /* after every connection was closed */

	/* Connections, as the pool asks: open c->h (within c->deadline), close it (detached:
	 * its database was moved away; close without touching what is at the path now). */
	int (*conn_open)(struct hss_db *db, struct hss_pconn *c);
	void (*conn_close)(struct hss_db *db, struct hss_pconn *c, bool detached);
	/* Optional. watch (pool mutex held): 0 when the database the connections use is still
	 * the one at its address; *moved set when it is not (the pool starts a new generation
	 * and retires the old connections once idle); an errno (ESTALE...) when there is none
	 * to open now. retire: close the idle connections of a past generation (n of them). */
	int (*watch)(struct hss_db *db, bool *moved);
	void (*retire)(struct hss_db *db, struct hss_pconn **list, unsigned n);
	/* Optional: false when c should be reopened before this use (read-only fallback). */
	bool (*conn_usable)(struct hss_db *db, struct hss_pconn *c, bool write);
	/* Optional: before each transaction on c (session settings). */
	int (*conn_prepare)(struct hss_db *db, struct hss_pconn *c);

	int (*begin)(struct hss_db_tx *tx);
	int (*commit)(struct hss_db_tx *tx);
	void (*rollback)(struct hss_db_tx *tx);   /* also after a failed commit */

	/* The parts asked for, into out (hss_sub_init'ed by the caller, imsi set); ENOENT. */
	int (*sub_read)(struct hss_db_tx *tx, const char *imsi, unsigned parts, struct hss_sub *out);
	int (*sub_write)(struct hss_db_tx *tx, const struct hss_sub *sub, unsigned parts,
	                 enum hss_wmode how);
	int (*sub_delete)(struct hss_db_tx *tx, const char *imsi);          /* ENOENT */
	/* The lowest IMSI with this MSISDN; ENOENT. */
	int (*sub_by_msisdn)(struct hss_db_tx *tx, const char *msisdn, char imsi[16]);
	/* At most want IMSIs > after ("": from the start) in order, skipping offset. */
	int (*sub_page)(struct hss_db_tx *tx, const char *after, uint64_t offset, size_t want,
	                char (*out)[16], size_t *ret_n);
	int (*sub_count)(struct hss_db_tx *tx, uint64_t *ret);

	/* Keyed records (HSS_DB_CAP_RECORDS; NULL otherwise): storage only, rec.c applies the
	 * versions and conditions above them. rec_read: the record (data false: its version
	 * only, ret->data NULL), ENOENT; in a write transaction what it read, the record or its
	 * absence, stays so until the end (SQL: SELECT ... FOR UPDATE; SQLite: the write lock).
	 * rec_insert: EEXIST when the key is taken; rec_update, rec_delete: ENOENT when absent.
	 * rec_page: at most want records of table in key order (octet by octet) with
	 * key > after, key >= prefix and, upper not NULL, key < upper; into out[] (*ret_n). */
	int (*rec_read)(struct hss_db_tx *tx, const char *table, const char *key, bool data,
	                struct hss_db_rec *ret);
	int (*rec_insert)(struct hss_db_tx *tx, const char *table, const char *key,
	                  const void *data, size_t len, uint64_t version);
	int (*rec_update)(struct hss_db_tx *tx, const char *table, const char *key,
	                  const void *data, size_t len, uint64_t version);
	int (*rec_delete)(struct hss_db_tx *tx, const char *table, const char *key);
	int (*rec_page)(struct hss_db_tx *tx, const char *table, const char *prefix,
	                const char *upper, const char *after, size_t want, struct hss_db_rec *out,
	                size_t *ret_n);

	/* SQL drivers: the primitives above come from db_sql.c, which needs only this. Run
	 * statement `id` (enum hss_sql_stmt; text in db->sql[id]) with its parameters; call
	 * row for each result row; *ret_rows (may be NULL): rows inserted/changed/deleted. */
	const struct hss_sql_dialect *sql;
	int (*sql_exec)(struct hss_db_tx *tx, int id, const struct hss_sql_arg *args, size_t nargs,
	                int (*row)(void *arg, const char *const *cols, size_t ncols), void *row_arg,
	                uint64_t *ret_rows);
};

/* ---- SQL drivers (db_sql.c) ------------------------------------------------------------ */

/* A statement parameter: text (NULL: SQL NULL); num: a decimal number (no quotes needed). */
struct hss_sql_arg {
	const char *v;
	bool num;
};

enum hss_sql_stmt {
	HSS_SQL_SEL_SUB,         /* provisioned + serving columns (LEFT JOIN) of one subscriber */
	HSS_SQL_SEL_SUB_LOCK,    /* the same, locking it for the transaction */
	HSS_SQL_SEL_PROV,        /* authentication columns and the APN count (no join) */
	HSS_SQL_SEL_PROV_LOCK,
	HSS_SQL_SEL_APNS,
	HSS_SQL_EXISTS,
	HSS_SQL_SEL_MSISDN,
	HSS_SQL_INS_SUB,
	HSS_SQL_UPD_SUB,         /* provisioned columns without the SQN */
	HSS_SQL_UPD_SUB_SQN,     /* provisioned columns with it */
	HSS_SQL_SET_SQN,
	HSS_SQL_DEL_APNS,
	HSS_SQL_INS_APN,
	HSS_SQL_UPD_SRV,
	HSS_SQL_INS_SRV,
	HSS_SQL_DEL_SRV,
	HSS_SQL_DEL_SUB,
	HSS_SQL_LIST,
	HSS_SQL_COUNT,
	HSS_SQL_N
};

struct hss_sql_dialect {
	const char *lock_suffix;         /* after a locking SELECT (" FOR UPDATE"), or "" */
};

/* Build db->sql[] from the field tables and the dialect (at open). */
int hss_sql_build(struct hss_db *db);
void hss_sql_free(struct hss_db *db);
/* What a statement does, for error messages ("read subscriber"). */
const char *hss_sql_what(int id);
int hss_sql_sub_read(struct hss_db_tx *tx, const char *imsi, unsigned parts, struct hss_sub *out);
int hss_sql_sub_write(struct hss_db_tx *tx, const struct hss_sub *sub, unsigned parts,
                      enum hss_wmode how);
int hss_sql_sub_delete(struct hss_db_tx *tx, const char *imsi);
int hss_sql_sub_by_msisdn(struct hss_db_tx *tx, const char *msisdn, char imsi[16]);
int hss_sql_sub_page(struct hss_db_tx *tx, const char *after, uint64_t offset, size_t want,
                     char (*out)[16], size_t *ret_n);
int hss_sql_sub_count(struct hss_db_tx *tx, uint64_t *ret);

/* ---- the handle ------------------------------------------------------------------------ */

struct hss_db {
	const struct hss_db_driver *drv;
	struct hss_db_opts opts;         /* timeout_ms set */
	void *be;                        /* the driver's state */
	unsigned npool;                  /* connections (set by the driver's open) */
	struct hss_pool pool;
	char *sql[HSS_SQL_N];            /* SQL drivers: statement texts */
	/* The writer (db_tx.c): write transactions queue here; a writer thread holding one of
	 * `writers` turns takes everything queued, runs it in one transaction and commits once.
	 * writers (set by the driver's open): 1 for SQLite (one writer at a time anyway), more
	 * for a server that runs transactions side by side. */
	unsigned writers;
	struct hss_writer *w;
	atomic_uint pending;             /* writes queued or running (hss_db_pending) */
};

/* Create an empty file at path, mode 0600, unless one exists (db_files.c): a SQLite
 * database is created this way, so it and the -wal/-shm SQLite gives its mode never were
 * readable by others. 0 or errno. */
int db_file_create_private(const char *path);

/* Backends compiled in (db.c registry). */
extern const struct hss_db_driver hss_db_sqlite_driver;
#ifdef HSS_DB_HAVE_MYSQL
extern const struct hss_db_driver hss_db_mysql_driver;
#endif
#ifdef HSS_DB_HAVE_MONGO
extern const struct hss_db_driver hss_db_mongo_driver;
#endif

#endif /* HSS_DB_INT_H */

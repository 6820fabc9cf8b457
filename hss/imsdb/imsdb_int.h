/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * imsdb_int.h: internal to hss/imsdb/: the store handle and its cache of parsed
 * subscriptions, the per-thread error message, the binary encoding of the records that are
 * not YAML (state, AKA, outbox, Sh), and the table names.
 */
#ifndef IMSDB_INT_H
#define IMSDB_INT_H

/* Defined by hss/imsdb/meson.build for the component's own sources only. */
#ifndef HSS_IMSDB_INTERNAL
#error "imsdb_int.h is internal to hss/imsdb/: include hss_imsdb.h"
#endif

#include "hss_imsdb.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>

#define T_SUB    "ims.sub"
#define T_IMPU   "ims.impu"
#define T_WILD   "ims.wild"
#define T_IMPI   "ims.impi"
#define T_IMSI   "ims.imsi"
#define T_MSISDN "ims.msisdn"
#define T_STATE  "ims.state"
#define T_AKA    "ims.aka"
#define T_PUSH   "ims.push"
#define T_REPO   "sh.repo"
#define T_SHSUB  "sh.subs"

#define KEY_MAX (HSS_DB_REC_KEY_MAX + 1)

/* A parsed subscription, shared by the cache and its readers. */
struct ims_ref {
	struct hss_imsdb_sub pub;    /* first: what readers get */
	struct hss_ims_sub model;
	char *id;
	uint8_t *raw;                /* the stored bytes it was parsed from */
	size_t raw_len;
	atomic_int refs;
	struct ims_ref *hnext;       /* hash chain */
	struct ims_ref *prev, *next; /* LRU, most recent first */
	bool cached;
};

#define IMSDB_BUCKETS 1024u
#define IMSDB_CACHE_MAX 8192u

struct hss_imsdb {
	struct hss_db *db;
	pthread_mutex_t mu;          /* the cache */
	struct ims_ref *buckets[IMSDB_BUCKETS];
	struct ims_ref *lru_head, *lru_tail;
	size_t n;
};

/* A state update's transaction. */
struct hss_imsdb_tx {
	struct hss_db_tx *tx;
	struct hss_imsdb *s;
};

/* Errors: store a message for hss_imsdb_strerror (returns e); copy hss/db's. */
int imsdb_err(int e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int imsdb_dberr(int e);
/* Counts the messages set in this thread: a caller that sees it unchanged after a failed
 * hss/db call takes the database's message (imsdb_dberr). */
unsigned imsdb_err_seq(void);
/* Whether an outbox table holds no entry, read outside any write transaction: a poll of an
 * empty outbox (the usual case) then costs one read, not a write transaction that takes the
 * database's write lock (which another HSS process on the same SQLite file may want). An
 * entry queued just after is taken at the next wake-up or poll, as before. */
int imsdb_outbox_empty(struct hss_imsdb *s, const char *table, bool *ret);
/* After a transaction: rc, with the database's message when no step of this thread set
 * one (the bodies run on a database writer thread: their own messages come back that way,
 * imsdb_err leaves them with hss_db_tx_error). */
static inline int imsdb_tx_result(int rc, unsigned seq_before)
{
	return rc > 0 && imsdb_err_seq() == seq_before ? imsdb_dberr(rc) : rc;
}

/* The registration state inside a transaction (state.c). */
int imsdb_tx_state_get(struct hss_db_tx *tx, const char *id, struct hss_imsdb_state *st);
int imsdb_tx_state_put(struct hss_db_tx *tx, const char *id, const struct hss_imsdb_state *st);
/* Queue a push inside a transaction (push.c). */
int imsdb_tx_push_add(struct hss_db_tx *tx, const struct hss_imsdb_push *p);

/* The subscription a stored record holds: from the cache when the bytes are the same,
 * else parsed (and validated) and cached. *ret has one reference for the caller. */
int imsdb_sub_from_rec(struct hss_imsdb *s, const char *id, const struct hss_db_rec *r,
                       struct ims_ref **ret);
void imsdb_ref_release(struct ims_ref *ref);

/* ---- binary records: a sequence of (tag u8, length u32 big-endian, octets) ------------ */

struct ims_enc {
	uint8_t *p;
	size_t n, cap;
	bool oom;
};
void enc_bytes(struct ims_enc *e, uint8_t tag, const void *v, size_t len);
void enc_str(struct ims_enc *e, uint8_t tag, const char *s);   /* NULL: nothing */
void enc_u64(struct ims_enc *e, uint8_t tag, uint64_t v);
void enc_free(struct ims_enc *e);                              /* wipes */

struct ims_dec {
	const uint8_t *p;
	size_t n, off;
};
/* Next field: 1 and tag/value set, 0 at the end, -1 corrupt. */
int dec_next(struct ims_dec *d, uint8_t *tag, const uint8_t **v, size_t *len);
/* A field's value as a string (malloc'd, NUL-terminated; NULL on ENOMEM or a NUL inside)
 * or a number (8 octets; false otherwise). */
char *dec_str(const uint8_t *v, size_t len);
bool dec_u64(const uint8_t *v, size_t len, uint64_t *ret);

/* Own AKA credentials as stored in ims.aka (aka.c). decode: EIO (message set) when corrupt. */
int imsdb_aka_encode(const struct hss_ims_aka *a, struct ims_enc *e);
int imsdb_aka_decode(const struct hss_db_rec *r, struct hss_ims_aka *a);

/* Sh (sh.c, shnote.c): a subscription record decoded (EIO, message set, when corrupt); the
 * change hooks of hss_imsdb_update (state before the body, compared after it) and of
 * hss_imsdb_put (old and new model), queueing notifications in the same transaction. */
#define T_SHNOTE "sh.notify"
int imsdb_shsub_decode(const struct hss_db_rec *rec, struct hss_imsdb_shsub *x);
int imsdb_sh_state_changed(struct hss_db_tx *tx, const struct hss_ims_sub *sub,
                           const struct hss_imsdb_shctx *before, const struct hss_imsdb_state *st);
int imsdb_sh_sub_changed(struct hss_db_tx *tx, const struct hss_ims_sub *old,
                         const struct hss_ims_sub *sub, const char *origin);

/* Lower-case hex of n octets into out (2n + 1). */
void imsdb_hex(const uint8_t *in, size_t n, char *out);

#endif /* IMSDB_INT_H */

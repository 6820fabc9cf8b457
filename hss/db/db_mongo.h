/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_mongo.h: internal to the MongoDB backend (db_mongo*.c).
 *
 *   db_mongo_doc.c    pure: BSON values, the generic merge (patch with tombstones) and diff
 *                     ($set / $unset) of documents, the native schema
 *   db_mongo_o5gs.c   pure: the open5gs schema (open5gs.subscribers as open5gs writes it)
 *   db_mongo.c        the driver: URI, client pool, sessions/transactions, errors, open
 *   db_mongo_sub.c    the storage primitives: subscriber locks, read, write, delete, page
 *   db_mongo_rec.c    the keyed records (IMS store): one collection, the same locks
 *
 * The document functions take no connection and do no I/O: they are unit-tested and fuzzed
 * without a server (tests/unit/hss_db/test_mongo_doc.c, tests/fuzz/fuzz_mongo_doc.c).
 */
#ifndef HSS_DB_MONGO_H
#define HSS_DB_MONGO_H

#include "db_int.h"

#include <bson/bson.h>

/* Subscriber document layouts. */
enum hss_mg_schema {
	HSS_MG_NATIVE,           /* ours: field names of sub.c, apns[], serving{} */
	HSS_MG_OPEN5GS,          /* open5gs's subscribers collection, extras under "dcore" */
};

/* The name of our transient per-subscriber lock in a document (db_mongo_sub.c). A document
 * built by hss_mg_build never carries it: the write that stores it releases the lock. */
#define HSS_MG_LOCK "_lock"
/* Our own fields in an open5gs document: what open5gs has no place for. */
#define HSS_MG_EXT "dcore"

/* ---- documents (pure) ------------------------------------------------------------------- */

/* Decode the parts (HSS_PART_*) of a subscriber document into out (hss_sub_init'ed by the
 * caller; the IMSI is taken from the document). Unknown fields are ignored; a field of the
 * wrong type or out of range is EIO with a message naming the IMSI and the field (never a
 * key's value) in err. */
int hss_mg_decode(enum hss_mg_schema s, const bson_t *doc, unsigned parts, struct hss_sub *out,
                  char *err, size_t errlen);

/* The document that stores the parts of sub over old (NULL: a new document): old's fields
 * that the parts do not cover, and every field we do not know, are kept as they are; the
 * lock field is dropped. out is initialised here (bson_destroy it, also on failure). */
int hss_mg_build(enum hss_mg_schema s, const bson_t *old, const struct hss_sub *sub,
                 unsigned parts, bson_t *out, char *err, size_t errlen);

/* The update that turns old into new: {"$set": {path: value...}, "$unset": {path: ""...}}
 * with dotted paths into sub-documents (arrays and other values are set whole), nothing for
 * what did not change. *ret_n: the number of paths (0: nothing to write). out is
 * initialised here. EINVAL when a changed field name cannot be addressed by a path. */
int hss_mg_diff(const bson_t *old, const bson_t *new_doc, bson_t *out, size_t *ret_n);

/* ---- building blocks shared by the two schemas (db_mongo_doc.c) ------------------------- */

/* A tombstone in a patch: the field is removed by hss_mg_merge. */
#define HSS_MG_APPEND_REMOVE(b, key) bson_append_undefined((b), (key), -1)

/* new = old with patch applied: a sub-document in both is merged recursively, any other
 * patch value replaces old's (a tombstone removes it), old's other fields are kept in their
 * order, new ones follow. Neither old nor new holds a tombstone afterwards. */
int hss_mg_merge(const bson_t *old, const bson_t *patch, bson_t *out);

/* The integer in *it: Int32, Int64, a double holding an integer, a boolean (0/1) or a
 * decimal string ("12" as some tools write numbers). false otherwise. */
bool hss_mg_int(const bson_iter_t *it, int64_t *ret);
/* The string in *it (UTF-8 without NUL inside), or false. */
bool hss_mg_str(const bson_iter_t *it, const char **ret, uint32_t *ret_len);
/* Whether *it holds nothing: null, undefined (absent is the caller's not-found). */
bool hss_mg_null(const bson_iter_t *it);

/* The document's "imsi" (a string of 5..15 digits), or EIO with the message. */
int hss_mg_doc_imsi(const bson_t *doc, char imsi[16], char *err, size_t errlen);
/* Fields of a table of sub.c (hss_fdescs: want HSS_PART_PROV or HSS_PART_SERVING for the
 * serving ones; hss_apn_fdescs: HSS_PART_APNS) from the document at doc into base, by
 * their names, through db_codec.c's text form; absent fields keep their value. */
int hss_mg_native_load(const struct hss_fdesc *f, const bson_iter_t *doc, void *base,
                       unsigned want, const char *imsi, char *err, size_t errlen);
/* One field f from the value at it (as native_load). */
int hss_mg_native_field(const struct hss_fdesc *f, const bson_iter_t *it, void *base,
                        const char *imsi, char *err, size_t errlen);
/* Field f of base as a typed value under its name, or a tombstone when empty. */
int hss_mg_native_put(bson_t *b, const struct hss_fdesc *f, const void *base);

/* Native schema (db_mongo_doc.c) and open5gs schema (db_mongo_o5gs.c). */
int hss_mg_native_decode(const bson_t *doc, unsigned parts, struct hss_sub *out, char *err,
                         size_t errlen);
int hss_mg_native_patch(const struct hss_sub *sub, unsigned parts, bson_t *patch, char *err,
                        size_t errlen);
int hss_mg_o5gs_decode(const bson_t *doc, unsigned parts, struct hss_sub *out, char *err,
                       size_t errlen);
int hss_mg_o5gs_patch(const bson_t *old, const struct hss_sub *sub, unsigned parts,
                      bson_t *patch, char *err, size_t errlen);

/* ---- keyed records (db_mongo_rec.c, pure) ------------------------------------------------ */

/* key in lower-case hex into out (2 * strlen(key) + 1 octets): hex strings compare as the
 * octets they encode, which is the records' order. */
void hss_mg_rec_khex(const char *key, char *out);
/* A record document {t, k, v, ver} into ret (key: the record's key when known, NULL: taken
 * from k); data false: the version only. A document that does not fit (k not hex of 1..512
 * octets without NUL, ver not a positive integer, v neither binary nor a string or
 * larger than HSS_DB_REC_VALUE_MAX) is EIO, the message through hss_db_set_error. */
int hss_mg_rec_decode(const bson_t *d, const char *table, const char *key, bool data,
                      struct hss_db_rec *ret);
/* The document that stores (data, version) over old (NULL: a new one): old's other fields
 * (its _id) are kept, the lock is dropped. NULL when out of memory. */
bson_t *hss_mg_rec_build(const bson_t *old, const char *table, const char *khex,
                         const void *data, size_t len, uint64_t version);

#endif /* HSS_DB_MONGO_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_mongo_int.h: internal to db_mongo.c and db_mongo_sub.c (the parts that talk to a
 * server through libmongoc). The document functions are in db_mongo.h.
 */
#ifndef HSS_DB_MONGO_INT_H
#define HSS_DB_MONGO_INT_H

#include "db_mongo.h"

#include <mongoc/mongoc.h>

#define MG_RECONNECT_MS 250          /* after "no server": fail at once for this long */
#define MG_LEASE_MARGIN_MS 2000      /* a lock outlives its holder's deadline by this much */

struct mg_be {
	mongoc_uri_t *uri;
	mongoc_client_pool_t *pool;
	char *dbname, *coll;
	enum hss_mg_schema schema;
	bool txn;                    /* multi-document transactions (replica set / mongos) */
	bool txn_off;                /* transactions=off in the URI */
	bool replset;
	char *rcoll;                 /* the keyed records' collection (db_mongo_rec.c) */
	int64_t lease_ms;            /* how long a subscriber lock holds without its holder */
	int64_t down_until;          /* CLOCK_MONOTONIC ms: no server, fail at once until then */
	char shown[512];             /* the URI without its password */
};

#define MGB(db) ((struct mg_be *)(db)->be)

/* A subscriber or a keyed record a write transaction touched. Reads lock the document
 * (db_mongo_sub.c); the writes change `cur` only, and commit stores cur over base. */
struct mg_ent {
	char imsi[16];               /* a subscriber: its IMSI */
	char *table, *khex;          /* a record: its table and its key in hex (NULL: subscriber) */
	bson_t *base;                /* as locked; NULL: it did not exist */
	bson_t *cur;                 /* as the transaction sees it; NULL: absent */
	bool dirty;                  /* written: store cur at commit */
	bool recreated;              /* deleted and inserted again */
};

struct mg_conn {
	mongoc_client_t *client;     /* popped from the backend's client pool */
	mongoc_collection_t *coll;
	mongoc_collection_t *rcoll;  /* keyed records */
	mongoc_client_session_t *sess; /* for transactions, made on first use */
	bson_oid_t owner;            /* the current transaction, as lock owner */
	struct mg_ent *ents;
	size_t nents, cap;
};

/* db_mongo.c */
int mg_err(struct hss_db *db, struct hss_pconn *pc, const bson_error_t *e, const bson_t *reply,
           const char *what);

/* db_mongo_sub.c: the transaction state, and the primitives */
void mg_tx_reset(struct mg_conn *c);
int mg_tx_apply(struct hss_db_tx *tx);      /* commit: store what the bodies wrote */
void mg_tx_release(struct hss_db_tx *tx);   /* give up the locks still held */
int mg_sub_read(struct hss_db_tx *tx, const char *imsi, unsigned parts, struct hss_sub *out);
int mg_sub_write(struct hss_db_tx *tx, const struct hss_sub *sub, unsigned parts,
                 enum hss_wmode how);
int mg_sub_delete(struct hss_db_tx *tx, const char *imsi);
int mg_sub_by_msisdn(struct hss_db_tx *tx, const char *msisdn, char imsi[16]);
int mg_sub_page(struct hss_db_tx *tx, const char *after, uint64_t offset, size_t want,
                char (*out)[16], size_t *ret_n);
int mg_sub_count(struct hss_db_tx *tx, uint64_t *ret);
/* The transaction's entry of a subscriber (imsi) or of a record (table and khex, imsi
 * NULL): locked, its document in (*ret)->cur, or known absent (cur NULL). Waits for another
 * holder's lock within the deadline. */
int mg_lock(struct hss_db_tx *tx, const char *imsi, const char *table, const char *khex,
            struct mg_ent **ret);
void mg_wipe_free(bson_t *b);
int64_t mg_left_ms(struct hss_db_tx *tx);

/* db_mongo_rec.c: the keyed-record primitives, and the records collection's index */
int mg_rec_read(struct hss_db_tx *tx, const char *table, const char *key, bool data,
                struct hss_db_rec *ret);
int mg_rec_insert(struct hss_db_tx *tx, const char *table, const char *key, const void *data,
                  size_t len, uint64_t version);
int mg_rec_update(struct hss_db_tx *tx, const char *table, const char *key, const void *data,
                  size_t len, uint64_t version);
int mg_rec_delete(struct hss_db_tx *tx, const char *table, const char *key);
int mg_rec_page(struct hss_db_tx *tx, const char *table, const char *prefix, const char *upper,
                const char *after, size_t want, struct hss_db_rec *out, size_t *ret_n);
int mg_rec_indexes(struct hss_db *db, mongoc_database_t *d, char *err, size_t errlen);

#endif /* HSS_DB_MONGO_INT_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_mongo.c: the MongoDB backend (libmongoc): the URI and our options, the client pool,
 * errors, transactions and opening (collection, indexes). The subscriber primitives are in
 * db_mongo_sub.c, the documents in db_mongo_doc.c / db_mongo_o5gs.c.
 *
 * URI: a MongoDB connection string as libmongoc takes it (auth, replica sets, TLS:
 * mongodb://USER:PASS@h1,h2/DB?replicaSet=rs0&tls=true&tlsCAFile=...), plus options of ours
 * that are taken out before libmongoc sees it: schema=native|open5gs, collection=NAME
 * (default "subscribers"), records=NAME (the keyed records, db_mongo_rec.c; default
 * "records", "dcore_records" with schema=open5gs), pool=1..64, transactions=auto|off. The database is the URI's
 * (default "hss", "open5gs" with schema=open5gs). Unless the URI says otherwise every wait
 * is bounded by the open timeout (timeout_ms): serverSelectionTimeoutMS and
 * connectTimeoutMS = timeout_ms, socketTimeoutMS = timeout_ms + 1 s, wtimeoutMS =
 * timeout_ms, and maxTimeMS per read is what is left of the operation's deadline; writes
 * are journaled (journal=true) unless the URI sets journal or w.
 *
 * Opening never creates what it was not told to: without HSS_DB_OPEN_CREATE a missing
 * collection is refused (run `hssctl init`); a collection whose documents are of the other
 * schema, or not subscribers at all, is refused either way. The indexes (imsi unique,
 * msisdn; records: t+k unique) are made on every open: createIndexes does nothing when they exist, and a
 * conflicting index (imsi not unique) is refused with the server's reason.
 */
#include "db_mongo_int.h"

#include <pthread.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- errors ------------------------------------------------------------------------------ */

/* Server error codes (MongoDB's error_codes.yml). */
enum {
	MG_INTERRUPTED = 11601, MG_HOST_UNREACHABLE = 6, MG_HOST_NOT_FOUND = 7,
	MG_UNAUTHORIZED = 13, MG_AUTH_FAILED = 18, MG_LOCK_TIMEOUT = 24, MG_MAX_TIME = 50,
	MG_WC_FAILED = 64, MG_NETWORK_TIMEOUT = 89, MG_SHUTDOWN = 91, MG_WRITE_CONFLICT = 112,
	MG_STEPPED_DOWN = 189, MG_NO_TXN = 251, MG_TXN_TOO_OLD = 225, MG_SOCKET = 9001,
	MG_NOT_PRIMARY = 10107, MG_DUP = 11000, MG_DUP_OLD = 11001, MG_INTERRUPTED_SHUTDOWN = 11600,
	MG_INTERRUPTED_STEPDOWN = 11602, MG_NOT_PRIMARY_NO_SECONDARY_OK = 13435,
	MG_NOT_PRIMARY_OR_SECONDARY = 13436, MG_OUT_OF_DISK = 14031,
};

int mg_err(struct hss_db *db, struct hss_pconn *pc, const bson_error_t *e, const bson_t *reply,
           const char *what)
{
	struct mg_be *b = MGB(db);
	int rc = EIO;

	if (reply && mongoc_error_has_label(reply, "TransientTransactionError")) {
		rc = EAGAIN;
	} else if (e->domain == MONGOC_ERROR_SERVER_SELECTION || e->domain == MONGOC_ERROR_STREAM) {
		rc = strstr(e->message, "timed out") || strstr(e->message, "timeout") ? ETIMEDOUT
		                                                                     : ENOTCONN;
		/* the next operations fail at once for a while instead of each waiting for the
		 * server selection timeout (as the MySQL driver's reconnect back-off) */
		if (e->domain == MONGOC_ERROR_SERVER_SELECTION)
			__atomic_store_n(&b->down_until, hss_now_ms() + MG_RECONNECT_MS, __ATOMIC_RELAXED);
		if (pc)
			pc->broken = true;
	} else if (e->domain == MONGOC_ERROR_CLIENT && e->code == MONGOC_ERROR_CLIENT_AUTHENTICATE) {
		rc = EIO;
	} else {
		switch (e->code) {
		case MG_DUP:
		case MG_DUP_OLD:
			rc = EEXIST;
			break;
		case MG_WRITE_CONFLICT:
		case MG_NO_TXN:
		case MG_TXN_TOO_OLD:
		case MG_LOCK_TIMEOUT:
			rc = EAGAIN;
			break;
		case MG_MAX_TIME:
		case MG_WC_FAILED:
		case MG_NETWORK_TIMEOUT:
			rc = ETIMEDOUT;
			break;
		case MG_HOST_UNREACHABLE:
		case MG_HOST_NOT_FOUND:
		case MG_SHUTDOWN:
		case MG_STEPPED_DOWN:
		case MG_SOCKET:
		case MG_NOT_PRIMARY:
		case MG_INTERRUPTED_SHUTDOWN:
		case MG_INTERRUPTED_STEPDOWN:
		case MG_NOT_PRIMARY_NO_SECONDARY_OK:
		case MG_NOT_PRIMARY_OR_SECONDARY:
			rc = ENOTCONN;   /* a primary is being elected, or the server stops */
			break;
		case MG_OUT_OF_DISK:
			rc = ENOSPC;
			break;
		default:
			if (strstr(e->message, "No space left") || strstr(e->message, "disk full"))
				rc = ENOSPC;
		}
	}
	return hss_db_set_error(rc, "mongodb: %s: %s", what, e->message);
}

/* ---- transactions ---------------------------------------------------------------------- */

/* Writes are gathered in the connection's transaction state (db_mongo_sub.c) and applied at
 * commit; begin only resets it. */
static int mg_begin(struct hss_db_tx *tx)
{
	struct mg_conn *c = tx->pc->h;

	mg_tx_reset(c);
	bson_oid_init(&c->owner, NULL);   /* this transaction's lock owner */
	return 0;
}

static int mg_commit(struct hss_db_tx *tx)
{
	int rc = mg_tx_apply(tx);

	if (!rc)
		mg_tx_reset(tx->pc->h);
	return rc;
}

static void mg_rollback(struct hss_db_tx *tx)
{
	struct mg_conn *c = tx->pc->h;

	if (c) {
		mg_tx_release(tx);
		mg_tx_reset(c);
	}
}

/* ---- connections ----------------------------------------------------------------------- */

static int mg_conn_open(struct hss_db *db, struct hss_pconn *pc)
{
	struct mg_be *b = MGB(db);
	struct mg_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return hss_db_set_error(ENOMEM, "mongodb: out of memory");
	/* the pool holds more clients than our slots: this never waits */
	if (!(c->client = mongoc_client_pool_pop(b->pool)) ||
	    !(c->coll = mongoc_client_get_collection(c->client, b->dbname, b->coll)) ||
	    !(c->rcoll = mongoc_client_get_collection(c->client, b->dbname, b->rcoll))) {
		if (c->coll)
			mongoc_collection_destroy(c->coll);
		if (c->client)
			mongoc_client_pool_push(b->pool, c->client);
		free(c);
		return hss_db_set_error(ENOMEM, "mongodb: out of memory");
	}
	pc->h = c;
	return 0;
}

static void mg_conn_close(struct hss_db *db, struct hss_pconn *pc, bool detached)
{
	struct mg_conn *c = pc->h;

	(void)detached;
	if (c) {
		mg_tx_reset(c);
		free(c->ents);
		if (c->sess)
			mongoc_client_session_destroy(c->sess);
		mongoc_collection_destroy(c->coll);
		mongoc_collection_destroy(c->rcoll);
		mongoc_client_pool_push(MGB(db)->pool, c->client);
		free(c);
	}
	pc->h = NULL;
}

/* Before each transaction: while the server was just found unreachable, fail at once. */
static int mg_conn_prepare(struct hss_db *db, struct hss_pconn *pc)
{
	struct mg_be *b = MGB(db);

	(void)pc;
	if (hss_now_ms() < __atomic_load_n(&b->down_until, __ATOMIC_RELAXED))
		return hss_db_set_error(ENOTCONN, "mongodb: %s: no server reachable (retrying every "
		                        "%d ms)", b->shown, MG_RECONNECT_MS);
	return 0;
}

/* ---- URI -------------------------------------------------------------------------------- */

/* Take our options out of the query string of uri (a copy is returned in *ret: the URI for
 * libmongoc). */
static int take_options(struct hss_db *db, const char *uri, char **ret, char *err, size_t errlen)
{
	struct mg_be *b = MGB(db);
	char *out = malloc(strlen(uri) + 16), *q, *tok, *save = NULL, *opts = NULL;
	size_t n;
	int rc = 0;

	if (!out)
		return ENOMEM;
	/* "mongodb:" spec prefixes: hssctl's -d mongodb://... reaches us as //... */
	if (!strncmp(uri, "//", 2))
		n = (size_t)sprintf(out, "mongodb:");
	else
		n = 0;
	q = strchr(uri, '?');
	memcpy(out + n, uri, q ? (size_t)(q - uri) : strlen(uri));
	n += q ? (size_t)(q - uri) : strlen(uri);
	out[n] = 0;
	if (q && !(opts = strdup(q + 1))) {
		free(out);
		return ENOMEM;
	}
	for (tok = opts ? strtok_r(opts, "&", &save) : NULL; tok && !rc;
	     tok = strtok_r(NULL, "&", &save)) {
		char *eq = strchr(tok, '=');
		const char *v = eq ? eq + 1 : "";
		bool ours = true;

		if (eq)
			*eq = 0;
		if (!strcasecmp(tok, "schema")) {
			if (!strcmp(v, "native"))
				b->schema = HSS_MG_NATIVE;
			else if (!strcmp(v, "open5gs"))
				b->schema = HSS_MG_OPEN5GS;
			else
				rc = EINVAL;
		} else if (!strcasecmp(tok, "collection")) {
			free(b->coll);
			b->coll = NULL;
			if (!*v || strchr(v, '$') || !(b->coll = strdup(v)))
				rc = *v ? ENOMEM : EINVAL;
		} else if (!strcasecmp(tok, "records")) {
			free(b->rcoll);
			b->rcoll = NULL;
			if (!*v || strchr(v, '$') || !(b->rcoll = strdup(v)))
				rc = *v ? ENOMEM : EINVAL;
		} else if (!strcasecmp(tok, "pool")) {
			long p = strtol(v, NULL, 10);

			if (p < 1 || p > 64)
				rc = EINVAL;
			else
				db->npool = (unsigned)p;
		} else if (!strcasecmp(tok, "transactions")) {
			if (!strcmp(v, "off"))
				b->txn_off = true;
			else if (strcmp(v, "auto"))
				rc = EINVAL;
		} else {
			ours = false;
		}
		if (rc == EINVAL)
			snprintf(err, errlen, "mongodb: option %s=%s: expected schema=native|open5gs, "
			         "collection=NAME, records=NAME, pool=1..64, transactions=auto|off", tok, v);
		if (!ours) {   /* libmongoc's */
			n += (size_t)sprintf(out + n, "%c%s%s%s", strchr(out, '?') ? '&' : '?', tok,
			                     eq ? "=" : "", v);
		}
	}
	free(opts);
	if (rc)
		free(out);
	else
		*ret = out;
	return rc;
}

/* Bound every wait by timeout_ms unless the URI says otherwise. */
static void set_bounds(mongoc_uri_t *u, unsigned ms)
{
	const mongoc_write_concern_t *wc = mongoc_uri_get_write_concern(u);

	if (!mongoc_uri_has_option(u, MONGOC_URI_SERVERSELECTIONTIMEOUTMS))
		mongoc_uri_set_option_as_int32(u, MONGOC_URI_SERVERSELECTIONTIMEOUTMS, (int32_t)ms);
	if (!mongoc_uri_has_option(u, MONGOC_URI_CONNECTTIMEOUTMS))
		mongoc_uri_set_option_as_int32(u, MONGOC_URI_CONNECTTIMEOUTMS, (int32_t)ms);
	if (!mongoc_uri_has_option(u, MONGOC_URI_SOCKETTIMEOUTMS))
		mongoc_uri_set_option_as_int32(u, MONGOC_URI_SOCKETTIMEOUTMS, (int32_t)ms + 1000);
	/* an answered write is durable: journaled (w stays the server's default, majority on
	 * a replica set since MongoDB 5.0) */
	if (!mongoc_uri_has_option(u, MONGOC_URI_JOURNAL) && !mongoc_uri_has_option(u, MONGOC_URI_W) &&
	    !mongoc_uri_has_option(u, MONGOC_URI_WTIMEOUTMS)) {
		mongoc_write_concern_t *w = mongoc_write_concern_copy(wc);

		mongoc_write_concern_set_journal(w, true);
		mongoc_write_concern_set_wtimeout_int64(w, (int64_t)ms);
		mongoc_uri_set_write_concern(u, w);
		mongoc_write_concern_destroy(w);
	}
}

/* ---- open / close ----------------------------------------------------------------------- */

static void drop_logs(mongoc_log_level_t level, const char *domain, const char *message,
                      void *arg)
{
	/* library code does not log: failures reach the caller as errors */
	(void)level;
	(void)domain;
	(void)message;
	(void)arg;
}

static pthread_once_t lib_once = PTHREAD_ONCE_INIT;

static void lib_init(void)
{
	mongoc_log_set_handler(drop_logs, NULL);
	mongoc_init();
}

static void mg_close(struct hss_db *db)
{
	struct mg_be *b = MGB(db);

	if (!b)
		return;
	if (b->pool)
		mongoc_client_pool_destroy(b->pool);
	if (b->uri)
		mongoc_uri_destroy(b->uri);
	free(b->dbname);
	free(b->coll);
	free(b->rcoll);
	free(b);
	db->be = NULL;
}

/* What the server is: transactions need a replica set (MongoDB 4.0) or mongos (4.2). */
static int probe(struct hss_db *db, mongoc_client_t *cl, char *err, size_t errlen)
{
	struct mg_be *b = MGB(db);
	bson_t cmd = BSON_INITIALIZER, reply;
	bson_error_t e;
	bson_iter_t it;
	int64_t wire = 0;
	bool rs, mongos;
	int rc = 0;

	BSON_APPEND_INT32(&cmd, "hello", 1);
	if (!mongoc_client_command_simple(cl, "admin", &cmd, NULL, &reply, &e)) {
		/* servers before 4.4.2 know it as isMaster */
		bson_destroy(&reply);
		bson_reinit(&cmd);
		BSON_APPEND_INT32(&cmd, "isMaster", 1);
		if (!mongoc_client_command_simple(cl, "admin", &cmd, NULL, &reply, &e)) {
			snprintf(err, errlen, "mongodb: cannot reach %s: %s", b->shown, e.message);
			rc = e.domain == MONGOC_ERROR_CLIENT ? EIO : EIO;
			goto out;
		}
	}
	rs = bson_iter_init_find(&it, &reply, "setName");
	mongos = bson_iter_init_find(&it, &reply, "msg") && BSON_ITER_HOLDS_UTF8(&it) &&
	         !strcmp(bson_iter_utf8(&it, NULL), "isdbgrid");
	if (bson_iter_init_find(&it, &reply, "maxWireVersion"))
		(void)hss_mg_int(&it, &wire);
	b->txn = !b->txn_off && ((rs && wire >= 7) || (mongos && wire >= 8)) &&
	         bson_iter_init_find(&it, &reply, "logicalSessionTimeoutMinutes");
	b->replset = rs || mongos;
out:
	bson_destroy(&cmd);
	bson_destroy(&reply);
	return rc;
}

/* The first document tells which schema the collection holds. */
static int check_shape(struct hss_db *db, mongoc_collection_t *coll, char *err, size_t errlen)
{
	struct mg_be *b = MGB(db);
	bson_t filter = BSON_INITIALIZER, opts = BSON_INITIALIZER;
	const bson_t *doc;
	mongoc_cursor_t *cur;
	bson_error_t e;
	bson_iter_t it;
	int rc = 0;

	BSON_APPEND_INT64(&opts, "limit", 1);
	BSON_APPEND_INT64(&opts, "maxTimeMS", db->opts.timeout_ms);
	cur = mongoc_collection_find_with_opts(coll, &filter, &opts, NULL);
	if (mongoc_cursor_next(cur, &doc)) {
		bool o5 = bson_iter_init_find(&it, doc, "security");
		bool native = bson_iter_init_find(&it, doc, "k") || bson_iter_init_find(&it, doc, "op");

		if (!bson_iter_init_find(&it, doc, "imsi")) {
			snprintf(err, errlen, "mongodb: %s.%s holds documents without 'imsi': not a "
			         "subscriber collection", b->dbname, b->coll);
			rc = EIO;
		} else if (b->schema == HSS_MG_NATIVE && o5 && !native) {
			snprintf(err, errlen, "mongodb: %s.%s holds open5gs subscribers: add "
			         "schema=open5gs to the URI", b->dbname, b->coll);
			rc = EIO;
		} else if (b->schema == HSS_MG_OPEN5GS && native && !o5) {
			snprintf(err, errlen, "mongodb: %s.%s holds native subscribers (no 'security'): "
			         "remove schema=open5gs from the URI", b->dbname, b->coll);
			rc = EIO;
		}
	} else if (mongoc_cursor_error(cur, &e)) {
		snprintf(err, errlen, "mongodb: %s.%s: %s", b->dbname, b->coll, e.message);
		rc = EIO;
	}
	mongoc_cursor_destroy(cur);
	bson_destroy(&filter);
	bson_destroy(&opts);
	return rc;
}

static int make_indexes(struct hss_db *db, mongoc_database_t *d, char *err, size_t errlen)
{
	struct mg_be *b = MGB(db);
	bson_t *cmd = BCON_NEW("createIndexes", BCON_UTF8(b->coll), "indexes", "[",
	                       "{", "key", "{", "imsi", BCON_INT32(1), "}", "name", BCON_UTF8("imsi_1"),
	                       "unique", BCON_BOOL(true), "}",
	                       "{", "key", "{", "msisdn", BCON_INT32(1), "}",
	                       "name", BCON_UTF8("msisdn_1"), "}", "]");
	bson_t reply;
	bson_error_t e;
	int rc = 0;

	if (!mongoc_database_write_command_with_opts(d, cmd, NULL, &reply, &e)) {
		snprintf(err, errlen, "mongodb: indexes of %s.%s (imsi unique, msisdn): %s",
		         b->dbname, b->coll, e.message);
		rc = EIO;
	}
	bson_destroy(&reply);
	bson_destroy(cmd);
	return rc;
}

static int setup(struct hss_db *db, char *err, size_t errlen)
{
	struct mg_be *b = MGB(db);
	mongoc_client_t *cl = mongoc_client_pool_pop(b->pool);
	mongoc_database_t *d = NULL;
	mongoc_collection_t *coll = NULL;
	bson_error_t e;
	int rc;

	if ((rc = probe(db, cl, err, errlen)))
		goto out;
	d = mongoc_client_get_database(cl, b->dbname);
	if (!mongoc_database_has_collection(d, b->coll, &e)) {
		if (e.code) {
			snprintf(err, errlen, "mongodb: %s: %s", b->shown, e.message);
			rc = EIO;
			goto out;
		}
		if (!(db->opts.flags & HSS_DB_OPEN_CREATE)) {
			snprintf(err, errlen, "mongodb: collection %s.%s does not exist (run `hssctl "
			         "init` to create it)", b->dbname, b->coll);
			rc = EIO;
			goto out;
		}
		if (!(coll = mongoc_database_create_collection(d, b->coll, NULL, &e)) &&
		    !strstr(e.message, "already exists")) {
			snprintf(err, errlen, "mongodb: cannot create %s.%s: %s", b->dbname, b->coll,
			         e.message);
			rc = EIO;
			goto out;
		}
	}
	if (!coll)
		coll = mongoc_client_get_collection(cl, b->dbname, b->coll);
	if (!(rc = check_shape(db, coll, err, errlen)))
		rc = make_indexes(db, d, err, errlen);
	if (!rc)
		rc = mg_rec_indexes(db, d, err, errlen);
out:
	if (coll)
		mongoc_collection_destroy(coll);
	if (d)
		mongoc_database_destroy(d);
	mongoc_client_pool_push(b->pool, cl);
	return rc;
}

static int mg_open(struct hss_db *db, const char *uri, char *err, size_t errlen)
{
	struct mg_be *b;
	char *mu = NULL;
	bson_error_t e;
	int rc;

	pthread_once(&lib_once, lib_init);
	if (!(db->be = b = calloc(1, sizeof(*b))))
		return ENOMEM;
	db->npool = 4;
	if (errlen)
		err[0] = 0;
	hss_db_uri_redact(uri, b->shown, sizeof(b->shown));
	if ((rc = take_options(db, uri, &mu, err, errlen)))
		goto fail;
	if (!(b->uri = mongoc_uri_new_with_error(mu, &e))) {
		/* libmongoc's message may quote the URI: only our redacted form is shown */
		snprintf(err, errlen, "mongodb: URI '%s': expected mongodb://[USER:PASSWORD@]HOST"
		         "[:PORT][,HOST...]/[DATABASE][?OPTIONS]", b->shown);
		rc = EINVAL;
		goto fail;
	}
	if ((!b->coll && !(b->coll = strdup("subscribers"))) ||
	    (!b->rcoll && !(b->rcoll = strdup(b->schema == HSS_MG_OPEN5GS ? "dcore_records"
	                                                                  : "records")))) {
		rc = ENOMEM;
		goto fail;
	}
	b->dbname = strdup(mongoc_uri_get_database(b->uri) ? mongoc_uri_get_database(b->uri)
	                   : b->schema == HSS_MG_OPEN5GS ? "open5gs" : "hss");
	if (!b->dbname) {
		rc = ENOMEM;
		goto fail;
	}
	set_bounds(b->uri, db->opts.timeout_ms);
	b->lease_ms = (int64_t)db->opts.timeout_ms + MG_LEASE_MARGIN_MS;
	if (!(b->pool = mongoc_client_pool_new(b->uri))) {
		snprintf(err, errlen, "mongodb: URI '%s': options refused by libmongoc", b->shown);
		rc = EINVAL;
		goto fail;
	}
	mongoc_client_pool_set_error_api(b->pool, MONGOC_ERROR_API_VERSION_2);
	/* one client per slot, one for opening, one spare: pop never waits */
	mongoc_client_pool_max_size(b->pool, db->npool + 2);
	mongoc_client_pool_set_appname(b->pool, "dcore-hss");
	if ((rc = setup(db, err, errlen)))
		goto fail;
	if (mu)
		explicit_bzero(mu, strlen(mu));
	free(mu);
	return 0;
fail:
	if (mu)
		explicit_bzero(mu, strlen(mu));
	free(mu);
	mg_close(db);
	return rc;
}

const struct hss_db_driver hss_db_mongo_driver = {
	.name = "mongodb",
	.caps = HSS_DB_CAP_MULTI_PROCESS | HSS_DB_CAP_MSISDN | HSS_DB_CAP_RECORDS,
	.open = mg_open,
	.close = mg_close,
	.conn_open = mg_conn_open,
	.conn_close = mg_conn_close,
	.conn_prepare = mg_conn_prepare,
	.begin = mg_begin,
	.commit = mg_commit,
	.rollback = mg_rollback,
	.sub_read = mg_sub_read,
	.sub_write = mg_sub_write,
	.sub_delete = mg_sub_delete,
	.sub_by_msisdn = mg_sub_by_msisdn,
	.sub_page = mg_sub_page,
	.sub_count = mg_sub_count,
	.rec_read = mg_rec_read,
	.rec_insert = mg_rec_insert,
	.rec_update = mg_rec_update,
	.rec_delete = mg_rec_delete,
	.rec_page = mg_rec_page,
};

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_db_mongo.c: the MongoDB backend.
 *
 *   test_db_mongo --offline   what needs no server (always runs): the URI and our options,
 *                             the password never shown, an unreachable server refused at
 *                             open within the timeout, the backend listed and reached
 *                             through "mongodb:" specs.
 *   test_db_mongo [URI]       against a real server, URI or HSS_TEST_MONGODB_URI (a
 *                             database this test may create collections in): the shared
 *                             conformance suite on the native schema and on schema=open5gs,
 *                             an open5gs document as open5gs-dbctl inserts it served and
 *                             written back where open5gs reads it, the collection never
 *                             created without HSS_DB_OPEN_CREATE, the indexes made (the
 *                             keyed records in collections conf_records*). Without
 *                             a server: TAP skip (Debian 12 has no MongoDB server package).
 */
#include "conformance.h"
#include "hss_db.h"
#include "tap.h"

#include <errno.h>
#include <inttypes.h>
#include <mongoc/mongoc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool compiled_in(void)
{
	const char *const *b;

	for (b = hss_db_backends(); *b; b++)
		if (!strcmp(*b, "mongodb"))
			return true;
	return false;
}

static void offline(void)
{
	struct hss_db_opts o = { 0, 300 };
	struct hss_db *db = NULL;
	char err[512];
	int64_t t0;
	int rc;

	CHECK(compiled_in(), "hss_db_backends() lists mongodb");
	t0 = now_ms();
	rc = hss_db_open("mongodb", "mongodb://hss:s3cretPW@127.0.0.1:1/hss", &o, &db, err,
	                 sizeof(err));
	CHECK_ERR(rc, EIO, "an unreachable server is EIO at open (%s)", err);
	CHECK_INT(now_ms() - t0, <, 3000, "... within the timeout (300 ms), not libmongoc's 30 s "
	          "(%" PRId64 " ms)", now_ms() - t0);
	CHECK_SUBSTR(err, "127.0.0.1:1", "... the message names the server (%s)", err);
	CHECK(!strstr(err, "s3cretPW"), "... and never shows the password (%s)", err);
	rc = hss_db_open("mongodb", "mongodb://", &o, &db, err, sizeof(err));
	CHECK_ERR(rc, EINVAL, "an invalid URI is EINVAL (%s)", err);
	CHECK_SUBSTR(err, "expected", "... saying what is expected (%s)", err);
	rc = hss_db_open("mongodb", "mongodb://u:s3cretPW@h1,h2/x?replicaSet=rs0&schema=nosuch", &o,
	                 &db, err, sizeof(err));
	CHECK_ERR(rc, EINVAL, "schema=nosuch is EINVAL (%s)", err);
	CHECK_SUBSTR(err, "schema=nosuch", "... naming the option (%s)", err);
	CHECK(!strstr(err, "s3cretPW"), "... without the password (%s)", err);
	rc = hss_db_open("mongodb", "mongodb://h/x?pool=0", &o, &db, err, sizeof(err));
	CHECK_ERR(rc, EINVAL, "pool=0 is EINVAL (%s)", err);
	rc = hss_db_open("mongodb", "mongodb://h/x?transactions=maybe", &o, &db, err, sizeof(err));
	CHECK_ERR(rc, EINVAL, "transactions=maybe is EINVAL (%s)", err);
	rc = hss_db_open("mongodb", "mongodb://h/x?records=", &o, &db, err, sizeof(err));
	CHECK_ERR(rc, EINVAL, "an empty records= (the keyed records' collection) is EINVAL (%s)", err);
	CHECK_SUBSTR(err, "records=NAME", "... saying what is expected (%s)", err);
	/* hssctl -d mongodb://... : the spec's backend prefix */
	rc = hss_db_open_spec("mongodb://127.0.0.1:1/hss?schema=open5gs&serverSelectionTimeoutMS=200",
	                      &o, &db, err, sizeof(err));
	CHECK_ERR(rc, EIO, "the spec mongodb://... reaches the backend (%s)", err);
	rc = hss_db_open_spec("mongodb:mongodb://127.0.0.1:1/hss", &o, &db, err, sizeof(err));
	CHECK_ERR(rc, EIO, "the spec mongodb:mongodb://... too (%s)", err);
	{
		char shown[256];

		hss_db_uri_redact("mongodb://hss:s3cretPW@h1:27017,h2/hss?replicaSet=rs0", shown,
		                  sizeof(shown));
		CHECK_STR(shown, "mongodb://hss:***@h1:27017,h2/hss?replicaSet=rs0",
		          "a replica-set URI is logged without its password");
	}
}

/* ---- against a server --------------------------------------------------------------------- */

/* URI with our options added (the URI may have a query already). */
static void uri_with(char *buf, size_t n, const char *uri, const char *opts)
{
	snprintf(buf, n, "%s%s%s", uri, strchr(uri, '?') ? "&" : (strchr(uri + 10, '/') ? "?" : "/?"),
	         opts);
}

struct server {
	mongoc_client_t *cl;
	char db[128];
};

static void drop(struct server *s, const char *coll)
{
	mongoc_collection_t *c = mongoc_client_get_collection(s->cl, s->db, coll);
	bson_error_t e;

	(void)mongoc_collection_drop(c, &e);
	mongoc_collection_destroy(c);
}

static void t_no_create(struct server *s, const char *uri)
{
	struct hss_db_opts o = { 0, 2000 };
	struct hss_db *db = NULL;
	char u[1024], err[512];
	bson_error_t e;
	mongoc_database_t *d;
	int rc;

	drop(s, "conf_absent");
	uri_with(u, sizeof(u), uri, "collection=conf_absent");
	rc = hss_db_open("mongodb", u, &o, &db, err, sizeof(err));
	CHECK_ERR(rc, EIO, "a missing collection is refused without HSS_DB_OPEN_CREATE (%s)", err);
	CHECK_SUBSTR(err, "hssctl", "... naming hssctl init (%s)", err);
	d = mongoc_client_get_database(s->cl, s->db);
	CHECK(!mongoc_database_has_collection(d, "conf_absent", &e), "... and nothing was created");
	mongoc_database_destroy(d);
}

/* Whether coll has the index name (unique as asked). */
static bool has_index(struct server *s, const char *coll, const char *name, bool unique)
{
	mongoc_collection_t *c = mongoc_client_get_collection(s->cl, s->db, coll);
	mongoc_cursor_t *cur = mongoc_collection_find_indexes_with_opts(c, NULL);
	const bson_t *d;
	bson_iter_t it;
	bool found = false;

	while (!found && mongoc_cursor_next(cur, &d))
		found = bson_iter_init_find(&it, d, "name") && BSON_ITER_HOLDS_UTF8(&it) &&
		        !strcmp(bson_iter_utf8(&it, NULL), name) &&
		        (!unique || (bson_iter_init_find(&it, d, "unique") && bson_iter_as_bool(&it)));
	mongoc_cursor_destroy(cur);
	mongoc_collection_destroy(c);
	return found;
}

static void t_indexes(struct server *s)
{
	CHECK(has_index(s, "conf_native", "imsi_1", true), "index imsi_1 (unique) made on open");
	CHECK(has_index(s, "conf_native", "msisdn_1", false), "index msisdn_1 made on open");
	CHECK(has_index(s, "conf_records", "t_1_k_1", true), "records index t_1_k_1 (unique)");
}

/* An open5gs subscriber as open5gs-dbctl inserts it: served as it is, and what we write
 * lands where open5gs reads it. */
static void t_open5gs_doc(struct server *s, const char *uri)
{
	static const char doc[] =
		"{\"schema_version\": 1, \"imsi\": \"001010000000077\", \"msisdn\": [], \"slice\": [{\"sst\": 1, "
		"\"default_indicator\": true, \"session\": [{\"name\": \"internet\", \"type\": 3, "
		"\"qos\": {\"index\": 9, \"arp\": {\"priority_level\": 8, \"pre_emption_capability\": 1, "
		"\"pre_emption_vulnerability\": 2}}, \"pcc_rule\": []}]}], \"security\": {\"k\": "
		"\"465B5CE8B199B49FAA5F0A2EE238A6BC\", \"op\": null, \"opc\": "
		"\"CD63CB71954A9F4E48A5994E37A02BAF\", \"amf\": \"8000\"}, \"access_restriction_data\": 32.0, "
		"\"subscribed_rau_tau_timer\": 12.0, \"imeisv\": [\"x\"], \"__v\": 0}";
	struct hss_db_opts o = { HSS_DB_OPEN_CREATE, 2000 };
	mongoc_collection_t *c = mongoc_client_get_collection(s->cl, s->db, "conf_o5gs_doc");
	struct hss_db *db = NULL;
	struct hss_sub *g = malloc(sizeof(*g));
	struct hss_auth_data a;
	bson_t *b, *q;
	const bson_t *d;
	mongoc_cursor_t *cur;
	bson_error_t e;
	bson_iter_t it;
	char u[1024], err[512], oh[256];
	int rc;

	drop(s, "conf_o5gs_doc");
	b = bson_new_from_json((const uint8_t *)doc, -1, &e);
	CHECK(b && mongoc_collection_insert_one(c, b, NULL, NULL, &e), "insert a dbctl document (%s)",
	      e.message);
	uri_with(u, sizeof(u), uri, "collection=conf_o5gs_doc&schema=open5gs");
	rc = hss_db_open("mongodb", u, &o, &db, err, sizeof(err));
	CHECK_ERR(rc, 0, "open the open5gs collection (%s)", err);
	if (!rc) {
		rc = hss_db_get_sub(db, "001010000000077", g);
		CHECK_ERR(rc, 0, "the dbctl subscriber is served (%s)", hss_db_strerror());
		CHECK_UINT(g->n_apns, ==, 1, "... with its APN");
		CHECK_UINT(g->periodic_tau, ==, 720, "... its TAU timer");
		rc = hss_db_sqn_reserve(db, "001010000000077", 2, NULL, &a);
		CHECK_ERR(rc, 0, "SQN reserve (%s)", hss_db_strerror());
		rc = hss_db_set_serving_mme(db, "001010000000077", "mme.example", "example", oh,
		                            sizeof(oh), NULL, 0);
		CHECK_ERR(rc, 0, "ULR (%s)", hss_db_strerror());
		hss_db_close(db);
	}
	q = BCON_NEW("imsi", BCON_UTF8("001010000000077"));
	cur = mongoc_collection_find_with_opts(c, q, NULL, NULL);
	if (mongoc_cursor_next(cur, &d)) {
		bson_iter_t sq;

		CHECK(bson_iter_init(&it, d) && bson_iter_find_descendant(&it, "security.sqn", &sq) &&
		      BSON_ITER_HOLDS_INT64(&sq) && (uint64_t)bson_iter_int64(&sq) == a.sqn[1] + 32,
		      "security.sqn is an Int64 = the last SQN + 32, where open5gs's HSS reads it");
		CHECK(bson_iter_init_find(&it, d, "mme_host") && BSON_ITER_HOLDS_UTF8(&it) &&
		      !strcmp(bson_iter_utf8(&it, NULL), "mme.example"), "mme_host where open5gs puts it");
		CHECK(bson_iter_init_find(&it, d, "imeisv"), "imeisv kept");
		CHECK(!bson_iter_init_find(&it, d, "_lock"), "no lock left behind");
	} else {
		CHECK(0, "the document is still there");
	}
	mongoc_cursor_destroy(cur);
	bson_destroy(q);
	if (b)
		bson_destroy(b);
	mongoc_collection_destroy(c);
	drop(s, "conf_o5gs_doc");
	free(g);
}

int main(int argc, char **argv)
{
	const char *uri = argc > 1 && strcmp(argv[1], "--offline") ? argv[1]
	                                                           : getenv("HSS_TEST_MONGODB_URI");
	struct server s = { 0 };
	mongoc_uri_t *mu;
	bson_error_t e;
	char u[1024];

	if (!compiled_in())
		return tap_skip_all("the mongodb backend is not compiled in (libmongoc missing)");
	if (argc > 1 && !strcmp(argv[1], "--offline")) {
		offline();
		return tap_done();
	}
	if (!uri || !*uri)
		return tap_skip_all("no MongoDB server: set HSS_TEST_MONGODB_URI=mongodb://HOST/DB "
		                    "(a database this test may use; a replica set to cover "
		                    "transactions). Debian 12 packages no MongoDB server");
	mongoc_init();
	if (!(mu = mongoc_uri_new_with_error(uri, &e)))
		tap_bail("HSS_TEST_MONGODB_URI: %s", e.message);
	snprintf(s.db, sizeof(s.db), "%s", mongoc_uri_get_database(mu) ? mongoc_uri_get_database(mu)
	                                                               : "hss");
	s.cl = mongoc_client_new_from_uri(mu);
	drop(&s, "conf_native");
	drop(&s, "conf_open5gs");
	drop(&s, "conf_records");
	drop(&s, "conf_records_o5gs");
	uri_with(u, sizeof(u), uri, "collection=conf_native&records=conf_records");
	run_conformance("mongodb", u);
	t_indexes(&s);
	uri_with(u, sizeof(u), uri, "collection=conf_open5gs&schema=open5gs&records=conf_records_o5gs");
	run_conformance("mongodb", u);
	t_no_create(&s, uri);
	t_open5gs_doc(&s, uri);
	drop(&s, "conf_native");
	drop(&s, "conf_open5gs");
	drop(&s, "conf_records");
	drop(&s, "conf_records_o5gs");
	mongoc_client_destroy(s.cl);
	mongoc_uri_destroy(mu);
	mongoc_cleanup();
	return tap_done();
}

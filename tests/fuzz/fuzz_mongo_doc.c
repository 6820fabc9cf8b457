/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_mongo_doc.c: libFuzzer target for the MongoDB backend's document mapping
 * (hss/db/db_mongo_doc.c, db_mongo_o5gs.c): what a server, open5gs's tools or an operator
 * with mongosh may have stored. Input: one BSON document. For each schema (native,
 * open5gs): decode every part; when the document decodes, the document we would write over
 * it must build, decode to the same subscriber (every field) and be a fixed point (building
 * again over it changes nothing); the update between the two must be computable or refused
 * cleanly. abort() on a broken property. Seeds: corpus/mongo_doc.
 */
#include "db_mongo.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool same(const struct hss_sub *a, const struct hss_sub *b)
{
	static char x[32768], y[32768];
	const struct hss_field_info *f;

	for (f = hss_sub_fields(); f->name; f++) {
		if (hss_sub_get(a, f->name, x, sizeof(x)) || hss_sub_get(b, f->name, y, sizeof(y)))
			return false;
		if (strcmp(x, y)) {
			fprintf(stderr, "field %s: '%.200s' != '%.200s'\n", f->name, x, y);
			return false;
		}
	}
	return true;
}

static void one(enum hss_mg_schema s, const bson_t *doc)
{
	static struct hss_sub a, b;
	static const unsigned parts[] = { HSS_PART_PROV, HSS_PART_SQN, HSS_PART_APNS,
	                                  HSS_PART_SERVING };
	bson_t built, again, upd;
	char err[512];
	size_t i, n;
	int rc;

	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		hss_sub_init(&a);
		(void)hss_mg_decode(s, doc, parts[i], &a, err, sizeof(err));
	}
	hss_sub_init(&a);
	if (hss_mg_decode(s, doc, HSS_PART_ALL, &a, err, sizeof(err)))
		return;
	if ((rc = hss_mg_build(s, doc, &a, HSS_PART_ALL, &built, err, sizeof(err)))) {
		if (getenv("FZ_DUMP")) {
			FILE *f = fopen(getenv("FZ_DUMP"), "wb");

			if (f) {
				fwrite(bson_get_data(doc), 1, doc->len, f);
				fclose(f);
			}
		}
		fprintf(stderr, "schema %d: a decoded document does not build: %s\n", (int)s, err);
		abort();
	}
	hss_sub_init(&b);
	if (hss_mg_decode(s, &built, HSS_PART_ALL, &b, err, sizeof(err)) || !same(&a, &b)) {
		fprintf(stderr, "schema %d: the built document does not read back: %s\n", (int)s,
		        err);
		abort();
	}
	if (!hss_mg_diff(doc, &built, &upd, &n))
		bson_destroy(&upd);
	else
		bson_destroy(&upd);
	if (hss_mg_build(s, &built, &b, HSS_PART_ALL, &again, err, sizeof(err)) ||
	    hss_mg_diff(&built, &again, &upd, &n) || n) {
		fprintf(stderr, "schema %d: building over a built document changes it (%zu paths)\n",
		        (int)s, n);
		abort();
	}
	bson_destroy(&upd);
	bson_destroy(&again);
	bson_destroy(&built);
}

/* Whether every nested document is well formed: bson_validate lets an embedded document
 * without its terminating NUL through, which no server returns (libbson refuses to copy
 * it, and the mapper then fails cleanly: EIO). */
static bool sound(const bson_t *doc, int depth)
{
	bson_iter_t it;
	bson_t copy = BSON_INITIALIZER;
	bool ok = depth < 64 && bson_iter_init(&it, doc);

	while (ok && bson_iter_next(&it)) {
		ok = bson_append_iter(&copy, "v", 1, &it);
		if (ok && (BSON_ITER_HOLDS_DOCUMENT(&it) || BSON_ITER_HOLDS_ARRAY(&it))) {
			const uint8_t *d;
			uint32_t len;
			bson_t sub;

			if (BSON_ITER_HOLDS_DOCUMENT(&it))
				bson_iter_document(&it, &len, &d);
			else
				bson_iter_array(&it, &len, &d);
			ok = bson_init_static(&sub, d, len) && sound(&sub, depth + 1);
		}
		bson_reinit(&copy);
	}
	bson_destroy(&copy);
	return ok;
}

/* The document as a keyed record: decoded, stored again and read back the same. */
static void rec(const bson_t *doc)
{
	char khex[2 * HSS_DB_REC_KEY_MAX + 1];
	struct hss_db_rec r = { 0 }, r2 = { 0 };
	bson_t *b;

	if (hss_mg_rec_decode(doc, "t", NULL, true, &r))
		return;
	hss_mg_rec_khex(r.key, khex);
	if (!(b = hss_mg_rec_build(doc, "t", khex, r.data, r.len, r.version)))
		abort();
	if (hss_mg_rec_decode(b, "t", NULL, true, &r2) || strcmp(r.key, r2.key) ||
	    r.len != r2.len || memcmp(r.data, r2.data, r.len) || r.version != r2.version)
		abort();
	hss_db_rec_free(&r);
	hss_db_rec_free(&r2);
	bson_destroy(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bson_t doc;

	/* the structure must hold (a server never returns less); anything inside may be odd */
	if (!bson_init_static(&doc, data, size) || !bson_validate(&doc, BSON_VALIDATE_NONE, NULL) ||
	    !sound(&doc, 0))
		return 0;
	one(HSS_MG_NATIVE, &doc);
	one(HSS_MG_OPEN5GS, &doc);
	rec(&doc);
	return 0;
}

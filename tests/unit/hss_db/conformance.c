/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * conformance.c: checks every hss/db backend must pass: CRUD round trips with APNs,
 * validation at the API, field updates, listing, streams, serving state, and the SQN
 * reservation under concurrency from several threads and several processes.
 */
#include "conformance.h"
#include "hss_db.h"
#include "tap.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static struct hss_sub *new_sub(const char *imsi)
{
	struct hss_sub *s = malloc(sizeof(*s));
	char err[256];

	if (!s)
		tap_bail("out of memory");
	hss_sub_init(s);
	if (hss_sub_set(s, "imsi", imsi, err, sizeof(err)) ||
	    hss_sub_set(s, "k", "465b5ce8b199b49faa5f0a2ee238a6bc", err, sizeof(err)) ||
	    hss_sub_set(s, "opc", "cd63cb71954a9f4e48a5994e37a02baf", err, sizeof(err)) ||
	    hss_sub_set(s, "apn", "internet", err, sizeof(err))) {
		tap_bail("new_sub: %s", err);
	}
	return s;
}

/* Compare two subscribers field by field through their text form (covers every field
 * the model knows, including APNs and serving state). */
static int sub_equal(const struct hss_sub *a, const struct hss_sub *b, char *why, size_t whylen)
{
	const struct hss_field_info *f;
	static char x[32768], y[32768];

	for (f = hss_sub_fields(); f->name; f++) {
		if (hss_sub_get(a, f->name, x, sizeof(x)) || hss_sub_get(b, f->name, y, sizeof(y))) {
			snprintf(why, whylen, "field %s: cannot format", f->name);
			return 0;
		}
		if (strcmp(x, y)) {
			snprintf(why, whylen, "field %s: '%.200s' != '%.200s'", f->name, x, y);
			return 0;
		}
	}
	return 1;
}

static void t_crud(struct hss_db *db)
{
	struct hss_sub *s = new_sub("001010000000001"), *g = malloc(sizeof(*g));
	char err[512], why[512];
	uint64_t n = 99;
	int rc;

	CHECK_ERR(hss_db_count(db, &n), 0, "empty database counts 0 (got %" PRIu64 ")", n);
	CHECK_INT(n, ==, 0, "empty database counts 0 (got %" PRIu64 ")", n);
	rc = hss_db_get_sub(db, "001010000000001", g);
	CHECK_ERR(rc, ENOENT, "get of unknown IMSI is ENOENT (%d)", rc);

	/* every provisioned field away from its default */
	rc = 0;
	rc |= hss_sub_set(s, "msisdn", "33612345678", err, sizeof(err));
	rc |= hss_sub_set(s, "a_msisdn", "33699999999", err, sizeof(err));
	rc |= hss_sub_set(s, "amf", "b9b9", err, sizeof(err));
	rc |= hss_sub_set(s, "sqn", "1234", err, sizeof(err));
	rc |= hss_sub_set(s, "ind_bits", "4", err, sizeof(err));
	rc |= hss_sub_set(s, "status", "OPERATOR_DETERMINED_BARRING", err, sizeof(err));
	rc |= hss_sub_set(s, "odb", "0x11", err, sizeof(err));
	rc |= hss_sub_set(s, "nam", "PACKET_AND_CIRCUIT", err, sizeof(err));
	rc |= hss_sub_set(s, "ard", "0x20", err, sizeof(err));
	rc |= hss_sub_set(s, "ambr_ul", "50000000", err, sizeof(err));
	rc |= hss_sub_set(s, "ambr_dl", "100000000", err, sizeof(err));
	rc |= hss_sub_set(s, "roaming", "deny", err, sizeof(err));
	rc |= hss_sub_set(s, "roaming_plmns", "00102,208093", err, sizeof(err));
	rc |= hss_sub_set(s, "periodic_tau", "3240", err, sizeof(err));
	rc |= hss_sub_set(s, "charging_chars", "0800", err, sizeof(err));
	rc |= hss_sub_set(s, "apn", "ims,ctx=5,qci=5,arp=1,pdn=ipv6,preempt_cap=1,preempt_vuln=0,"
	                  "ambr_ul=1000,ambr_dl=2000,static_ip=2001:db8::1,pgw_alloc=static,vplmn_dyn=1,"
	                  "pgw_host=pgw1.epc.mnc001.mcc001.3gppnetwork.org,pgw_realm=epc.mnc001.mcc001."
	                  "3gppnetwork.org", err, sizeof(err));
	rc |= hss_sub_set(s, "apn", "corp.example,qci=8,static_ipv4=10.1.2.3;mms", err, sizeof(err));
	rc |= hss_sub_set(s, "default_ctx_id", "5", err, sizeof(err));
	CHECK_ERR(rc, 0, "build a full subscriber (%s)", rc ? err : "ok");
	CHECK_INT(s->n_apns, ==, 4, "build a full subscriber (%s)", rc ? err : "ok");

	rc = hss_db_put_sub(db, s, 0);
	CHECK_ERR(rc, 0, "put_sub (%d %s)", rc, hss_db_strerror());
	rc = hss_db_get_sub(db, s->imsi, g);
	CHECK_ERR(rc, 0, "get returns what was put (%d %s)", rc, rc ? hss_db_strerror() : why);
	CHECK(sub_equal(s, g, why, sizeof(why)), "get returns what was put (%d %s)", rc,
	      rc ? hss_db_strerror() : why);
	CHECK_ERR(rc, 0, "a new subscriber has an empty serving state");
	CHECK_INT(g->serving.ue_srvcc_support, ==, -1,
	          "a new subscriber has an empty serving state");
	CHECK_INT(g->serving.mme_host[0], ==, 0, "a new subscriber has an empty serving state");
	CHECK_ERR(rc, 0, "APN fields survive");
	CHECK_INT(g->n_apns, ==, 4, "APN fields survive");
	CHECK_INT(g->apns[1].ctx_id, ==, 5, "APN fields survive");
	CHECK(g->apns[1].preempt_cap, "APN fields survive");
	CHECK_STR(g->apns[1].static_ipv6, "2001:db8::1", "APN fields survive");

	rc = hss_db_put_sub(db, s, HSS_DB_PUT_NO_REPLACE);
	CHECK_ERR(rc, EEXIST, "put with NO_REPLACE of an existing IMSI is EEXIST (%d)", rc);

	rc = hss_db_get_sub_by_msisdn(db, "33612345678", g);
	CHECK_ERR(rc, 0, "get by MSISDN (%d %s)", rc, hss_db_strerror());
	CHECK_STR(g->imsi, s->imsi, "get by MSISDN (%d %s)", rc, hss_db_strerror());
	rc = hss_db_get_sub_by_msisdn(db, "33600000000", g);
	CHECK_ERR(rc, ENOENT, "get by unknown MSISDN is ENOENT");

	/* replace: fewer APNs, other MSISDN */
	hss_sub_set(s, "apns", "internet,ctx=1", err, sizeof(err));
	hss_sub_set(s, "default_ctx_id", "0", err, sizeof(err));
	hss_sub_set(s, "msisdn", "33611111111", err, sizeof(err));
	rc = hss_db_put_sub(db, s, 0);
	CHECK_ERR(rc, 0, "put replaces (%d %s)", rc, hss_db_strerror());
	rc = hss_db_get_sub(db, s->imsi, g);
	CHECK_ERR(rc, 0, "replaced subscriber has 1 APN and the new MSISDN");
	CHECK_INT(g->n_apns, ==, 1, "replaced subscriber has 1 APN and the new MSISDN");
	CHECK_STR(g->msisdn, "33611111111", "replaced subscriber has 1 APN and the new MSISDN");
	CHECK_ERR(hss_db_count(db, &n), 0, "count is 1 (%" PRIu64 ")", n);
	CHECK_INT(n, ==, 1, "count is 1 (%" PRIu64 ")", n);

	/* invalid data never reaches the database */
	memcpy(s->imsi, "00101abc", 9);
	rc = hss_db_put_sub(db, s, 0);
	CHECK_ERR(rc, EINVAL, "invalid IMSI is EINVAL naming the " "field (%d '%s')", rc,
	          hss_db_strerror());
	CHECK_SUBSTR(hss_db_strerror(), "imsi",
	             "invalid IMSI is EINVAL naming the " "field (%d '%s')", rc, hss_db_strerror());
	strcpy(s->imsi, "001010000000001");
	s->apns[0].qci = 0;
	rc = hss_db_put_sub(db, s, 0);
	CHECK_ERR(rc, EINVAL, "QCI 0 is EINVAL (%d '%s')", rc, hss_db_strerror());
	CHECK_SUBSTR(hss_db_strerror(), "qci", "QCI 0 is EINVAL (%d '%s')", rc, hss_db_strerror());
	s->apns[0].qci = 9;

	rc = hss_db_del_sub(db, s->imsi);
	CHECK_ERR(rc, 0, "delete (%d %s)", rc, hss_db_strerror());
	rc = hss_db_get_sub(db, s->imsi, g);
	CHECK_ERR(rc, ENOENT, "deleted subscriber is gone (%d)", rc);
	rc = hss_db_del_sub(db, s->imsi);
	CHECK_ERR(rc, ENOENT, "delete of unknown IMSI is ENOENT (%d)", rc);
	/* re-adding without APNs must not resurrect old ones */
	s->n_apns = 0;
	rc = hss_db_put_sub(db, s, HSS_DB_PUT_NO_REPLACE);
	rc = rc ? rc : hss_db_get_sub(db, s->imsi, g);
	CHECK_ERR(rc, 0, "re-added subscriber starts clean (%d)", rc);
	CHECK_INT(g->n_apns, ==, 0, "re-added subscriber starts clean (%d)", rc);
	CHECK_INT(g->serving.mme_host[0], ==, 0, "re-added subscriber starts clean (%d)", rc);
	hss_db_del_sub(db, s->imsi);
	free(s);
	free(g);
}

static void t_update(struct hss_db *db)
{
	struct hss_sub *s = new_sub("001010000000002"), *g = malloc(sizeof(*g));
	struct hss_db_kv kv[] = {
		{ "msisdn", "4911111" }, { "apns", "internet,qci=7;ims,qci=5,ctx=9" },
		{ "default-ctx-id", "9" }, { "mme_host", "mme.example" },
	};
	struct hss_db_kv bad[] = { { "msisdn", "49222" }, { "qci", "x" } };
	struct hss_db_kv bad2[] = { { "msisdn", "49222" }, { "amf", "12345" } };
	char err[512];
	int rc;

	hss_db_put_sub(db, s, 0);
	rc = hss_db_update(db, s->imsi, kv, 4, err, sizeof(err));
	CHECK_ERR(rc, 0, "update of 4 fields (%d %s)", rc, rc ? err : "");
	rc = hss_db_get_sub(db, s->imsi, g);
	CHECK_ERR(rc, 0, "update took effect");
	CHECK_STR(g->msisdn, "4911111", "update took effect");
	CHECK_INT(g->n_apns, ==, 2, "update took effect");
	CHECK_INT(g->apns[1].ctx_id, ==, 9, "update took effect");
	CHECK_INT(g->apns[0].qci, ==, 7, "update took effect");
	CHECK_INT(g->default_ctx_id, ==, 9, "update took effect");
	CHECK_STR(g->serving.mme_host, "mme.example", "update took effect");
	rc = hss_db_update(db, s->imsi, bad, 2, err, sizeof(err));
	CHECK_ERR(rc, EINVAL, "update with an unknown field is EINVAL (%d %s)", rc, err);
	CHECK_SUBSTR(err, "qci", "update with an unknown field is EINVAL (%d %s)", rc, err);
	rc = hss_db_update(db, s->imsi, bad2, 2, err, sizeof(err));
	CHECK_ERR(rc, EINVAL, "update with a bad value is EINVAL naming field and value (%s)", err);
	CHECK_SUBSTR(err, "amf", "update with a bad value is EINVAL naming field and value (%s)",
	             err);
	CHECK_SUBSTR(err, "12345", "update with a bad value is EINVAL naming field and value (%s)",
	             err);
	rc = hss_db_get_sub(db, s->imsi, g);
	CHECK_ERR(rc, 0, "a failed update changes nothing");
	CHECK_STR(g->msisdn, "4911111", "a failed update changes nothing");
	rc = hss_db_update(db, "001019999999999", kv, 1, err, sizeof(err));
	CHECK_ERR(rc, ENOENT, "update of unknown IMSI is ENOENT (%d)", rc);
	hss_db_del_sub(db, s->imsi);
	free(s);
	free(g);
}

static void t_sqn(struct hss_db *db)
{
	struct hss_sub *s = new_sub("001010000000003"), *g = malloc(sizeof(*g));
	struct hss_auth_data a;
	uint64_t x;
	unsigned i;
	int rc, ok;

	s->sqn = 0;
	hss_db_put_sub(db, s, 0);
	rc = hss_db_sqn_reserve(db, s->imsi, 5, NULL, &a);
	for (ok = rc == 0 && a.n == 5 && a.sqn_prev == 0, x = 0, i = 0; ok && i < 5; i++) {
		x = hss_db_sqn_next_default(x, 5);
		ok = a.sqn[i] == x;
	}
	CHECK(ok, "reserve 5 from 0 hands out next^1..next^5 (%d)", rc);
	CHECK_ERR(rc, 0, "reserve returns K, OPc, AMF, ind_bits");
	CHECK(a.opc, "reserve returns K, OPc, AMF, ind_bits");
	CHECK_INT(a.amf[0], ==, 0x80, "reserve returns K, OPc, AMF, ind_bits");
	CHECK_INT(a.k[0], ==, 0x46, "reserve returns K, OPc, AMF, ind_bits");
	CHECK_INT(a.op[0], ==, 0xcd, "reserve returns K, OPc, AMF, ind_bits");
	CHECK_INT(a.ind_bits, ==, 5, "reserve returns K, OPc, AMF, ind_bits");
	rc = hss_db_get_sub(db, s->imsi, g);
	CHECK_ERR(rc, 0, "the last handed out SQN is stored");
	CHECK_UINT(g->sqn, ==, a.sqn[4], "the last handed out SQN is stored");
	rc = hss_db_sqn_reserve(db, s->imsi, 1, NULL, &a);
	CHECK_ERR(rc, 0, "the next reservation continues");
	CHECK_UINT(a.sqn_prev, ==, g->sqn, "the next reservation continues");
	CHECK_UINT(a.sqn[0], ==, hss_db_sqn_next_default(g->sqn, 5),
	           "the next reservation continues");
	rc = hss_db_sqn_resync_reserve(db, s->imsi, 0x1000, 2, NULL, &a);
	CHECK_ERR(rc, 0, "resync restarts from SQN_MS");
	CHECK_UINT(a.sqn_prev, ==, 0x1000, "resync restarts from SQN_MS");
	CHECK_UINT(a.sqn[0], ==, hss_db_sqn_next_default(0x1000, 5), "resync restarts from SQN_MS");
	/* the same (replayed) AUTS again: the counter must not go back to SQN_MS */
	rc = hss_db_sqn_resync_reserve(db, s->imsi, 0x1000, 1, NULL, &a);
	CHECK_ERR(rc, 0, "a replayed resync hands out no SQN twice (%" PRIu64 ")", a.sqn[0]);
	CHECK_UINT(a.sqn[0], !=, hss_db_sqn_next_default(0x1000, 5),
	           "a replayed resync hands out no SQN twice (%" PRIu64 ")", a.sqn[0]);
	x = hss_db_sqn_next_default(hss_db_sqn_next_default(0x1000, 5), 5);
	CHECK_UINT(a.sqn[0], ==, hss_db_sqn_next_default(x, 5),
	           "a replayed resync continues after the first one");
	rc = hss_db_sqn_resync_reserve(db, s->imsi, 0x10, 1, NULL, &a);
	CHECK_ERR(rc, 0, "resync to an older SQN_MS keeps the counter");
	CHECK_UINT(a.sqn_prev, >, 0x1000, "resync to an older SQN_MS keeps the counter");
	rc = hss_db_sqn_set(db, s->imsi, 777);
	rc = rc ? rc : hss_db_get_sub(db, s->imsi, g);
	CHECK_ERR(rc, 0, "sqn_set");
	CHECK_UINT(g->sqn, ==, 777, "sqn_set");
	rc = hss_db_sqn_set(db, s->imsi, HSS_DB_SQN_MAX + 1);
	CHECK_ERR(rc, EINVAL, "sqn above 2^48-1 is EINVAL");
	rc = hss_db_sqn_reserve(db, "001019999999999", 1, NULL, &a);
	CHECK_ERR(rc, ENOENT, "reserve for unknown IMSI is ENOENT (%d)", rc);
	rc = hss_db_sqn_reserve(db, s->imsi, 0, NULL, &a);
	CHECK_ERR(rc, EINVAL, "reserve of 0 vectors is EINVAL");
	/* wrap at 2^48 */
	hss_db_sqn_set(db, s->imsi, HSS_DB_SQN_MAX);
	rc = hss_db_sqn_reserve(db, s->imsi, 1, NULL, &a);
	CHECK_ERR(rc, 0, "reserve at SQN 2^48-1 succeeds");
	CHECK_UINT(a.sqn[0], ==, hss_db_sqn_next_default(HSS_DB_SQN_MAX, 5),
	           "SQN wraps at 2^48 as the default step says");

	/* provisioning keeps or resets the counter as asked */
	hss_db_sqn_set(db, s->imsi, 5000);
	s->sqn = 10;
	hss_db_put_sub(db, s, HSS_DB_PUT_KEEP_SQN);
	hss_db_get_sub(db, s->imsi, g);
	CHECK_UINT(g->sqn, ==, 5000, "put with KEEP_SQN keeps the stored SQN (%" PRIu64 ")",
	           g->sqn);
	hss_db_put_sub(db, s, 0);
	hss_db_get_sub(db, s->imsi, g);
	CHECK_UINT(g->sqn, ==, 10, "put without KEEP_SQN sets it (%" PRIu64 ")", g->sqn);
	hss_db_del_sub(db, s->imsi);
	free(s);
	free(g);
}

static void t_serving(struct hss_db *db)
{
	struct hss_sub *s = new_sub("001010000000004"), *g = malloc(sizeof(*g));
	char oh[HSS_DB_HOST_LEN] = "x", orl[HSS_DB_HOST_LEN] = "x";
	struct hss_db_serving_upd u = { .node = HSS_NODE_SGSN, .host = "sgsn1", .realm = "r1",
		.rat_type = 1000, .ue_srvcc_support = 1, .homogeneous_ims_voice = -1,
		.visited_plmn = "00102", .ulr_flags = 0x22 };
	struct hss_serving old;
	bool m = true;
	int rc;

	hss_db_put_sub(db, s, 0);
	rc = hss_db_set_serving_mme(db, s->imsi, "mme1.example", "example", oh, sizeof(oh), orl,
	                            sizeof(orl));
	CHECK_ERR(rc, 0, "first ULR: no previous MME (%d '%s')", rc, oh);
	CHECK(!oh[0], "first ULR: no previous MME (%d '%s')", rc, oh);
	CHECK(!orl[0], "first ULR: no previous MME (%d '%s')", rc, oh);
	rc = hss_db_set_serving_mme(db, s->imsi, "mme2.example", "example2", oh, sizeof(oh), orl,
	                            sizeof(orl));
	CHECK_ERR(rc, 0, "second ULR returns the old MME ('%s' '%s')", oh, orl);
	CHECK_STR(oh, "mme1.example", "second ULR returns the old MME ('%s' '%s')", oh, orl);
	CHECK_STR(orl, "example", "second ULR returns the old MME ('%s' '%s')", oh, orl);
	rc = hss_db_set_serving_mme(db, s->imsi, "mme 3", "example2", oh, sizeof(oh), NULL, 0);
	CHECK_ERR(rc, EINVAL, "a host name with a blank is refused (%d %s)", rc, hss_db_strerror());
	rc = hss_db_set_serving_mme(db, "001019999999999", "m", "r", oh, sizeof(oh), NULL, 0);
	CHECK_ERR(rc, ENOENT, "ULR for unknown IMSI is ENOENT");
	rc = hss_db_set_purged(db, s->imsi, HSS_NODE_MME, "mme1.example", &m);
	hss_db_get_sub(db, s->imsi, g);
	CHECK_ERR(rc, 0, "PUR from a stale MME does not purge");
	CHECK(!m, "PUR from a stale MME does not purge");
	CHECK(!g->serving.mme_purged, "PUR from a stale MME does not purge");
	rc = hss_db_set_purged(db, s->imsi, HSS_NODE_MME, "mme2.example", &m);
	hss_db_get_sub(db, s->imsi, g);
	CHECK_ERR(rc, 0, "PUR from the serving MME purges");
	CHECK(m, "PUR from the serving MME purges");
	CHECK(g->serving.mme_purged, "PUR from the serving MME purges");
	rc = hss_db_set_serving(db, s->imsi, &u, &old);
	hss_db_get_sub(db, s->imsi, g);
	CHECK_ERR(rc, 0, "SGSN ULR stores its fields and leaves the MME alone");
	CHECK(old.mme_purged, "SGSN ULR stores its fields and leaves the MME alone");
	CHECK_STR(g->serving.sgsn_host, "sgsn1",
	          "SGSN ULR stores its fields and leaves the MME alone");
	CHECK(g->serving.mme_purged, "SGSN ULR stores its fields and leaves the MME alone");
	CHECK_INT(g->serving.last_rat_type, ==, 1000,
	          "SGSN ULR stores its fields and leaves the MME alone");
	CHECK_INT(g->serving.ue_srvcc_support, ==, 1,
	          "SGSN ULR stores its fields and leaves the MME alone");
	CHECK_INT(g->serving.homogeneous_ims_voice, ==, -1,
	          "SGSN ULR stores its fields and leaves the MME alone");
	CHECK_INT(g->serving.ulr_flags, ==, 0x22,
	          "SGSN ULR stores its fields and leaves the MME alone");
	CHECK_STR(g->serving.visited_plmn, "00102",
	          "SGSN ULR stores its fields and leaves the MME alone");
	CHECK_INT(g->serving.sgsn_ulr_time, >, 0,
	          "SGSN ULR stores its fields and leaves the MME alone");
	rc = hss_db_set_serving_mme(db, s->imsi, "mme2.example", "example2", NULL, 0, NULL, 0);
	hss_db_get_sub(db, s->imsi, g);
	CHECK_ERR(rc, 0, "a new ULR clears the purged flag");
	CHECK(!g->serving.mme_purged, "a new ULR clears the purged flag");
	rc = hss_db_store_nor(db, s->imsi, 0x45, 0, 1);
	hss_db_get_sub(db, s->imsi, g);
	CHECK_ERR(rc, 0, "NOR flags stored (%d %s)", rc, hss_db_strerror());
	CHECK_INT(g->serving.nor_flags, ==, 0x45, "NOR flags stored (%d %s)", rc,
	          hss_db_strerror());
	CHECK_INT(g->serving.ue_srvcc_support, ==, 0, "NOR flags stored (%d %s)", rc,
	          hss_db_strerror());
	CHECK_INT(g->serving.homogeneous_ims_voice, ==, 1, "NOR flags stored (%d %s)", rc,
	          hss_db_strerror());
	/* provisioning does not wipe serving state */
	hss_sub_set(s, "msisdn", "123", NULL, 0);
	hss_db_put_sub(db, s, HSS_DB_PUT_KEEP_SQN);
	hss_db_get_sub(db, s->imsi, g);
	CHECK_STR(g->serving.mme_host, "mme2.example", "put_sub keeps the serving state");
	CHECK_INT(g->serving.nor_flags, ==, 0x45, "put_sub keeps the serving state");
	hss_db_del_sub(db, s->imsi);
	free(s);
	free(g);
}

struct list_ctx {
	char first[16], last[16];
	unsigned n;
	int ordered;
};

static int list_cb(const struct hss_sub *sub, void *arg)
{
	struct list_ctx *c = arg;

	if (c->n == 0)
		strcpy(c->first, sub->imsi);
	else if (strcmp(c->last, sub->imsi) >= 0)
		c->ordered = 0;
	strcpy(c->last, sub->imsi);
	c->n++;
	return 0;
}

struct gen_ctx {
	unsigned i, n, bad_at;
};

static int gen_next(void *arg, struct hss_sub *out)
{
	struct gen_ctx *g = arg;
	char imsi[16];

	if (g->i == g->n)
		return ENOENT;
	snprintf(imsi, sizeof(imsi), "00101100%07u", g->i);
	hss_sub_set(out, "imsi", imsi, NULL, 0);
	hss_sub_set(out, "k", "000102030405060708090a0b0c0d0e0f", NULL, 0);
	hss_sub_set(out, "op", "000102030405060708090a0b0c0d0e0f", NULL, 0);
	hss_sub_set(out, "apn", "internet;ims,qci=5", NULL, 0);
	if (g->i == g->bad_at)
		out->apns[1].arp_prio = 99;
	g->i++;
	return 0;
}

static void t_list_stream(struct hss_db *db)
{
	struct gen_ctx g = { 0, 600, 450 };
	struct list_ctx c = { .ordered = 1 };
	uint64_t n = 0;
	size_t wrote = 0;
	int rc;

	rc = hss_db_put_stream(db, 0, gen_next, &g, &wrote);
	hss_db_count(db, &n);
	CHECK_ERR(rc, EINVAL, "a stream with an invalid subscriber is EINVAL");
	CHECK_INT(n, ==, 0, "a stream with an invalid subscriber writes nothing");
	CHECK_SUBSTR(hss_db_strerror(), "arp",
	             "a stream with an invalid subscriber names the field");
	g = (struct gen_ctx){ 0, 600, 9999 };
	rc = hss_db_put_stream(db, 0, gen_next, &g, &wrote);
	hss_db_count(db, &n);
	CHECK_ERR(rc, 0, "stream of 600 (%d, %zu, %" PRIu64 ")", rc, wrote, n);
	CHECK_INT(wrote, ==, 600, "stream of 600 (%d, %zu, %" PRIu64 ")", rc, wrote, n);
	CHECK_INT(n, ==, 600, "stream of 600 (%d, %zu, %" PRIu64 ")", rc, wrote, n);
	rc = hss_db_list_subs(db, NULL, 0, 0, list_cb, &c);
	CHECK_ERR(rc, 0, "list all in IMSI order (%u)", c.n);
	CHECK_INT(c.n, ==, 600, "list all in IMSI order (%u)", c.n);
	CHECK(c.ordered, "list all in IMSI order (%u)", c.n);
	CHECK_STR(c.first, "001011000000000", "list all in IMSI order (%u)", c.n);
	CHECK_STR(c.last, "001011000000599", "list all in IMSI order (%u)", c.n);
	c = (struct list_ctx){ .ordered = 1 };
	rc = hss_db_list_subs(db, NULL, 10, 300, list_cb, &c);
	CHECK_ERR(rc, 0, "list with offset 10 limit 300 (%u %s %s)", c.n, c.first, c.last);
	CHECK_INT(c.n, ==, 300, "list with offset 10 limit 300 (%u %s %s)", c.n, c.first, c.last);
	CHECK_STR(c.first, "001011000000010", "list with offset 10 limit 300 (%u %s %s)", c.n,
	          c.first, c.last);
	CHECK_STR(c.last, "001011000000309", "list with offset 10 limit 300 (%u %s %s)", c.n,
	          c.first, c.last);
	c = (struct list_ctx){ .ordered = 1 };
	rc = hss_db_list_subs(db, "001011000000597", 0, 0, list_cb, &c);
	CHECK_ERR(rc, 0, "list after an IMSI (%u)", c.n);
	CHECK_INT(c.n, ==, 2, "list after an IMSI (%u)", c.n);
	CHECK_STR(c.first, "001011000000598", "list after an IMSI (%u)", c.n);
	for (g.i = 0; g.i < 600; g.i++) {
		char imsi[16];
		snprintf(imsi, sizeof(imsi), "00101100%07u", g.i);
		hss_db_del_sub(db, imsi);
	}
	hss_db_count(db, &n);
	CHECK_INT(n, ==, 0, "all deleted");
}

/* ---- SQN under concurrency ----------------------------------------------------------- */

#define CONC_IMSI "001010000000099"
#define T_THREADS 6
#define T_ITER 150
#define P_ITER 150

struct thr {
	struct hss_db *db;
	uint64_t *out;
	size_t n;
	unsigned seed;
	int err;
};

static void *thr_main(void *arg)
{
	struct thr *t = arg;
	struct hss_auth_data a;
	unsigned i, j;

	for (i = 0; i < T_ITER; i++) {
		unsigned n = 1 + rand_r(&t->seed) % 5;
		int rc = hss_db_sqn_reserve(t->db, CONC_IMSI, n, NULL, &a);
		if (rc) {
			t->err = rc;
			fprintf(stderr, "reserve: %s\n", hss_db_strerror());
			break;
		}
		for (j = 0; j < a.n; j++)
			t->out[t->n++] = a.sqn[j];
	}
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* All SQNs handed out must be distinct and, together, exactly the chain next^1..next^N
 * from the starting value (nothing skipped, nothing twice). */
static void check_chain(uint64_t *all, size_t n, uint64_t start, const char *what)
{
	uint64_t *exp = malloc(sizeof(*exp) * (n ? n : 1)), x = start;
	size_t i, dup = 0, mism = 0;

	for (i = 0; i < n; i++)
		exp[i] = x = hss_db_sqn_next_default(x, 5);
	qsort(all, n, sizeof(*all), cmp_u64);
	qsort(exp, n, sizeof(*exp), cmp_u64);
	for (i = 0; i < n; i++) {
		if (i && all[i] == all[i - 1])
			dup++;
		if (all[i] != exp[i])
			mism++;
	}
	CHECK_INT(n, >, 0, "%s: %zu SQNs, %zu duplicates, %zu off the chain", what, n, dup, mism);
	CHECK_INT(dup, ==, 0, "%s: %zu SQNs, %zu duplicates, %zu off the chain", what, n, dup,
	          mism);
	CHECK_INT(mism, ==, 0, "%s: %zu SQNs, %zu duplicates, %zu off the chain", what, n, dup,
	          mism);
	free(exp);
}

static void t_sqn_threads(struct hss_db *db)
{
	struct hss_sub *s = new_sub(CONC_IMSI);
	struct thr t[T_THREADS];
	uint64_t *all = malloc(sizeof(*all) * T_THREADS * T_ITER * 5);
	size_t n = 0, i;
	int err = 0;

	s->sqn = 32 * 1000;
	hss_db_put_sub(db, s, 0);
	for (i = 0; i < T_THREADS; i++) {
		t[i] = (struct thr){ db, malloc(sizeof(uint64_t) * T_ITER * 5), 0, (unsigned)i + 1, 0 };
	}
	pthread_t th[T_THREADS];
	for (i = 0; i < T_THREADS; i++)
		pthread_create(&th[i], NULL, thr_main, &t[i]);
	for (i = 0; i < T_THREADS; i++) {
		pthread_join(th[i], NULL);
		memcpy(all + n, t[i].out, t[i].n * sizeof(uint64_t));
		n += t[i].n;
		err |= t[i].err;
		free(t[i].out);
	}
	CHECK_INT(err, ==, 0, "%d threads reserving concurrently: no errors", T_THREADS);
	check_chain(all, n, s->sqn, "threads");
	free(all);
	free(s);
}

/* Two child processes with their own handles and 2 threads each, plus this process. */
static void t_sqn_processes(struct hss_db *db, const char *backend, const char *uri)
{
	struct hss_sub *s = new_sub("001010000000098");
	uint64_t *all = malloc(sizeof(uint64_t) * 3 * 3 * P_ITER * 5);
	size_t n = 0;
	int pfd[2][2], i, status, bad = 0;
	pid_t pid[2];

	s->sqn = 0;
	hss_db_put_sub(db, s, 0);
	for (i = 0; i < 2; i++) {
		if (pipe(pfd[i]) || (pid[i] = fork()) < 0) {
			CHECK(0, "fork");
			return;
		}
		if (pid[i] == 0) {
			struct hss_db_opts o = { 0, 10000 };   /* no create: it exists */
			struct hss_db *cdb;
			char err[256];
			struct hss_auth_data a;
			unsigned k, seed = 100 + (unsigned)i;

			close(pfd[i][0]);
			if (hss_db_open(backend, uri, &o, &cdb, err, sizeof(err))) {
				fprintf(stderr, "child open: %s\n", err);
				_exit(2);
			}
			for (k = 0; k < P_ITER * 2; k++) {
				unsigned nv = 1 + rand_r(&seed) % 5;
				if (hss_db_sqn_reserve(cdb, "001010000000098", nv, NULL, &a)) {
					fprintf(stderr, "child reserve: %s\n", hss_db_strerror());
					_exit(3);
				}
				if (write(pfd[i][1], a.sqn, sizeof(uint64_t) * a.n) != (ssize_t)(sizeof(uint64_t) * a.n))
					_exit(4);
			}
			hss_db_close(cdb);
			_exit(0);
		}
		close(pfd[i][1]);
	}
	{
		struct hss_auth_data a;
		unsigned k, seed = 7;
		for (k = 0; k < P_ITER; k++) {
			unsigned nv = 1 + rand_r(&seed) % 5;
			if (hss_db_sqn_reserve(db, "001010000000098", nv, NULL, &a)) {
				bad++;
				fprintf(stderr, "parent reserve: %s\n", hss_db_strerror());
				break;
			}
			memcpy(all + n, a.sqn, sizeof(uint64_t) * a.n);
			n += a.n;
		}
	}
	for (i = 0; i < 2; i++) {
		ssize_t r;
		while ((r = read(pfd[i][0], all + n, sizeof(uint64_t) * 64)) > 0)
			n += (size_t)r / sizeof(uint64_t);
		close(pfd[i][0]);
		waitpid(pid[i], &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			bad++;
	}
	CHECK_INT(bad, ==, 0, "two processes and this one reserving concurrently: no errors");
	check_chain(all, n, 0, "processes");
	free(all);
	free(s);
}

int run_conformance(const char *backend, const char *uri)
{
	struct hss_db_opts create = { HSS_DB_OPEN_CREATE, 10000 };
	struct hss_db *db = NULL;
	char err[512];
	unsigned before = tap_failures();
	int rc;

	tap_note("conformance: backend %s uri %s", backend, uri);
	rc = hss_db_open(backend, uri, &create, &db, err, sizeof(err));
	CHECK_ERR(rc, 0, "open (%d %s)", rc, rc ? err : "");
	if (rc)
		return (int)(tap_failures() - before);
	CHECK_STR(hss_db_backend_name(db), backend, "backend name");
	t_crud(db);
	t_update(db);
	t_sqn(db);
	t_serving(db);
	t_list_stream(db);
	t_sqn_threads(db);
	if (hss_db_caps(db) & HSS_DB_CAP_MULTI_PROCESS)
		t_sqn_processes(db, backend, uri);
	run_rec_conformance(db, backend, uri);
	run_imsdb_conformance(db, backend, uri);
	hss_db_close(db);
	return (int)(tap_failures() - before);
}

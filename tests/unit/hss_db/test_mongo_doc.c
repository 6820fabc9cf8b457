/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_mongo_doc.c: the MongoDB backend's document mapping without a server
 * (hss/db/db_mongo_doc.c, db_mongo_o5gs.c): native and open5gs documents both ways,
 * including the odd ones tools write (missing fields, Int32/Int64/double/string numbers,
 * op instead of opc, WebUI arrays, absent or several slices), fields we do not know kept on
 * write-back, the minimal update between two documents, full round trips of every
 * field of the model, and the keyed records' documents (db_mongo_rec.c): key order, binary
 * values, odd and broken records.
 */
#include "db_mongo.h"
#include "tap.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const K = "465b5ce8b199b49faa5f0a2ee238a6bc";
static const char *const OPC = "cd63cb71954a9f4e48a5994e37a02baf";

static bson_t *json(const char *j)
{
	bson_error_t e;
	bson_t *b = bson_new_from_json((const uint8_t *)j, -1, &e);

	if (!b)
		tap_bail("bad test JSON: %s: %s", e.message, j);
	return b;
}

static char *show(const bson_t *b)
{
	static char buf[8192];
	char *s = bson_as_canonical_extended_json(b, NULL);

	snprintf(buf, sizeof(buf), "%s", s ? s : "?");
	bson_free(s);
	return buf;
}

/* Every field of two subscribers through their text form; why names the first difference. */
static bool same_sub(const struct hss_sub *a, const struct hss_sub *b, char *why, size_t n)
{
	static char x[32768], y[32768];
	const struct hss_field_info *f;

	for (f = hss_sub_fields(); f->name; f++) {
		if (hss_sub_get(a, f->name, x, sizeof(x)) || hss_sub_get(b, f->name, y, sizeof(y))) {
			snprintf(why, n, "%s: cannot format", f->name);
			return false;
		}
		if (strcmp(x, y)) {
			snprintf(why, n, "%.40s: '%.200s' != '%.200s'", f->name, x, y);
			return false;
		}
	}
	snprintf(why, n, "same");
	return true;
}

static struct hss_sub *sub_new(void)
{
	struct hss_sub *s = calloc(1, sizeof(*s));

	if (!s)
		tap_bail("out of memory");
	hss_sub_init(s);
	return s;
}

/* A subscriber with every field away from its default, serving state included. */
static struct hss_sub *full_sub(void)
{
	static const char *const kv[][2] = {
		{ "imsi", "001010000000001" }, { "msisdn", "33612345678" },
		{ "a_msisdn", "33699999999" }, { "k", "465b5ce8b199b49faa5f0a2ee238a6bc" },
		{ "opc", "cd63cb71954a9f4e48a5994e37a02baf" }, { "amf", "b9b9" }, { "sqn", "1234" },
		{ "ind_bits", "4" }, { "status", "OPERATOR_DETERMINED_BARRING" }, { "odb", "0x11" },
		{ "nam", "PACKET_AND_CIRCUIT" }, { "ard", "0x20" }, { "ambr_ul", "50000000" },
		{ "ambr_dl", "4294967295" }, { "roaming", "deny" },
		{ "roaming_plmns", "00102,208093" }, { "periodic_tau", "3241" },
		{ "charging_chars", "0800" },
		{ "apn", "ims,ctx=5,qci=5,arp=1,pdn=ipv6,preempt_cap=1,preempt_vuln=0,ambr_ul=1000,"
		         "ambr_dl=2000,static_ip=2001:db8::1,pgw_alloc=static,vplmn_dyn=1,"
		         "pgw_host=pgw1.epc.mnc001.mcc001.3gppnetwork.org,"
		         "pgw_realm=epc.mnc001.mcc001.3gppnetwork.org" },
		{ "apn", "corp.example,qci=8,static_ipv4=10.1.2.3,pdn=ipv4_or_ipv6,ambr_ul=123456789" },
		{ "apn", "mms" }, { "default_ctx_id", "5" },
		{ "mme_host", "mme1.example" }, { "mme_realm", "example" },
		{ "mme_number_for_mt_sms", "3361000" }, { "mme_ulr_time", "1700000000" },
		{ "mme_purged", "1" }, { "sgsn_host", "sgsn.example" }, { "sgsn_realm", "example" },
		{ "sgsn_ulr_time", "1700000001" }, { "sgsn_purged", "1" }, { "ulr_flags", "34" },
		{ "nor_flags", "5" }, { "ue_srvcc_support", "1" }, { "homogeneous_ims_voice", "0" },
		{ "last_rat_type", "1004" }, { "visited_plmn", "20801" },
	};
	struct hss_sub *s = sub_new();
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(kv) / sizeof(kv[0]); i++)
		if (hss_sub_set(s, kv[i][0], kv[i][1], err, sizeof(err)))
			tap_bail("full_sub: %s", err);
	if (hss_sub_validate(s, err, sizeof(err)))
		tap_bail("full_sub: %s", err);
	return s;
}

/* ---- diff and merge -------------------------------------------------------------------- */

static void t_diff(void)
{
	bson_t *a = json("{\"x\": 1, \"d\": {\"p\": 1, \"q\": {\"r\": 2}}, \"arr\": [1, 2], \"gone\": 1}");
	bson_t *b = json("{\"x\": 1, \"d\": {\"p\": 1, \"q\": {\"r\": 3}}, \"arr\": [1, 3], \"new\": 5}");
	bson_t *c = json("{\"x\": 1, \"d\": {\"p.q\": 1}}");
	bson_t *patch = json("{\"d\": {\"q\": {\"r\": 9}, \"p\": {\"$undefined\": true}}, \"z\": {\"k\": "
	                     "{\"$undefined\": true}}, \"w\": {\"k\": {\"$undefined\": true}, \"v\": 1}}");
	bson_t out, m;
	size_t n = 99;
	int rc;

	rc = hss_mg_diff(a, b, &out, &n);
	CHECK_ERR(rc, 0, "diff of two documents");
	CHECK_UINT(n, ==, 4, "diff: d.q.r, arr, new set, gone unset (%s)", show(&out));
	CHECK_SUBSTR(show(&out), "\"d.q.r\"", "diff goes into sub-documents (%s)", show(&out));
	CHECK_SUBSTR(show(&out), "\"arr\" : [", "diff sets an array whole (%s)", show(&out));
	CHECK_SUBSTR(show(&out), "\"$unset\" : { \"gone\"", "diff unsets what went (%s)", show(&out));
	bson_destroy(&out);
	rc = hss_mg_diff(a, a, &out, &n);
	CHECK_ERR(rc, 0, "diff of a document with itself");
	CHECK_UINT(n, ==, 0, "nothing to write when nothing changed (%s)", show(&out));
	CHECK(bson_empty(&out), "the update is empty when nothing changed");
	bson_destroy(&out);
	/* a sub-document with a dotted name cannot be addressed by path: set whole */
	rc = hss_mg_diff(a, c, &out, &n);
	CHECK_ERR(rc, 0, "diff with a dotted field name");
	CHECK_SUBSTR(show(&out), "\"d\" : { \"p.q\"", "a dotted name inside: the parent is set whole "
	             "(%s)", show(&out));
	bson_destroy(&out);

	bson_init(&m);
	rc = hss_mg_merge(a, patch, &m);
	CHECK_ERR(rc, 0, "merge");
	CHECK_SUBSTR(show(&m), "\"d\" : { \"q\" : { \"r\" : { \"$numberInt\" : \"9\" } } }",
	             "merge replaces inside, a tombstone removes (%s)", show(&m));
	CHECK_SUBSTR(show(&m), "\"gone\"", "merge keeps what the patch does not name (%s)", show(&m));
	CHECK(!strstr(show(&m), "\"z\""), "a patch sub-document of tombstones only adds nothing (%s)",
	      show(&m));
	CHECK_SUBSTR(show(&m), "\"w\" : { \"v\"", "a new sub-document loses its tombstones (%s)",
	             show(&m));
	CHECK(!strstr(show(&m), "undefined"), "no tombstone survives a merge (%s)", show(&m));
	bson_destroy(&m);
	bson_destroy(a);
	bson_destroy(b);
	bson_destroy(c);
	bson_destroy(patch);
}

/* ---- native ------------------------------------------------------------------------------ */

static void t_native_roundtrip(void)
{
	struct hss_sub *s = full_sub(), *g = sub_new();
	bson_t doc, doc2, out;
	bson_t *old = json("{\"imsi\": \"001010000000001\", \"note\": \"kept\", \"serving\": "
	                   "{\"x_extra\": 7}, \"_lock\": {\"o\": 1, \"t\": 2}}");
	char err[512], why[512];
	size_t n;
	int rc;

	rc = hss_mg_build(HSS_MG_NATIVE, NULL, s, HSS_PART_ALL, &doc, err, sizeof(err));
	CHECK_ERR(rc, 0, "native: build a new document (%s)", rc ? err : "");
	rc = hss_mg_decode(HSS_MG_NATIVE, &doc, HSS_PART_ALL, g, err, sizeof(err));
	CHECK_ERR(rc, 0, "native: decode it (%s)", rc ? err : "");
	CHECK(same_sub(s, g, why, sizeof(why)), "native: every field round-trips (%s)", why);
	CHECK_SUBSTR(show(&doc), "\"k\" : \"465b5ce8b199b49faa5f0a2ee238a6bc\"",
	             "native: keys as lower-case hex");
	CHECK_SUBSTR(show(&doc), "\"sqn\" : { \"$numberLong\" : \"1234\" }", "native: SQN as Int64");
	CHECK_SUBSTR(show(&doc), "\"ambr_dl\" : { \"$numberLong\" : \"4294967295\" }",
	             "native: a number above 2^31-1 as Int64");
	CHECK_SUBSTR(show(&doc), "\"roaming_plmns\" : [ \"00102\", \"208093\" ]",
	             "native: roaming PLMNs as an array (%s)", show(&doc));
	CHECK_SUBSTR(show(&doc), "\"serving\" : { \"mme_host\" : \"mme1.example\"",
	             "native: serving state in a sub-document");
	bson_destroy(&doc);

	/* over a stored document: its other fields stay, the lock goes */
	rc = hss_mg_build(HSS_MG_NATIVE, old, s, HSS_PART_ALL, &doc2, err, sizeof(err));
	CHECK_ERR(rc, 0, "native: build over a stored document (%s)", rc ? err : "");
	CHECK_SUBSTR(show(&doc2), "\"note\" : \"kept\"", "native: unknown top-level field kept");
	CHECK_SUBSTR(show(&doc2), "\"x_extra\"", "native: unknown serving field kept");
	CHECK(!strstr(show(&doc2), "_lock"), "native: the lock is not in a built document");
	hss_sub_init(g);
	rc = hss_mg_decode(HSS_MG_NATIVE, &doc2, HSS_PART_ALL, g, err, sizeof(err));
	CHECK(!rc && same_sub(s, g, why, sizeof(why)), "native: round trip over a stored "
	      "document (%s)", rc ? err : why);
	/* an SQN write is one $set and the lock's $unset */
	s->sqn = 99999;
	rc = hss_mg_build(HSS_MG_NATIVE, &doc2, s, HSS_PART_SQN, &doc, err, sizeof(err));
	CHECK_ERR(rc, 0, "native: SQN-only build");
	rc = hss_mg_diff(&doc2, &doc, &out, &n);
	CHECK_ERR(rc, 0, "native: diff of an SQN write");
	CHECK_UINT(n, ==, 1, "native: an SQN write changes one path (%s)", show(&out));
	CHECK_SUBSTR(show(&out), "{ \"$set\" : { \"sqn\" : { \"$numberLong\" : \"99999\" } } }",
	             "native: the SQN write is $set sqn (%s)", show(&out));
	bson_destroy(&out);
	rc = hss_mg_diff(old, &doc2, &out, &n);
	CHECK_SUBSTR(show(&out), "\"$unset\" : { \"_lock\"", "native: writing removes the lock (%s)",
	             show(&out));
	bson_destroy(&out);
	bson_destroy(&doc);
	bson_destroy(&doc2);
	bson_destroy(old);
	free(s);
	free(g);
}

static void t_native_odd(void)
{
	struct hss_sub *g = sub_new();
	char err[512];
	int rc;
	bson_t *d;

	/* numbers as Int32, Int64, double and string; K as binary; absent optional fields */
	d = json("{\"imsi\": \"001010000000002\", \"k\": {\"$binary\": {\"base64\": "
	         "\"RltczrGZtJ+qXwou4jimvA==\", \"subType\": \"00\"}}, \"op\": \"" "cd63cb71954a9f4e48a5994e37a02baf"
	         "\", \"op_is_opc\": true, \"sqn\": 42.0, \"ind_bits\": {\"$numberLong\": \"5\"}, "
	         "\"ambr_ul\": \"1000\", \"roaming_allowed\": 0, \"apns\": [{\"ctx_id\": 1, \"apn\": "
	         "\"internet\", \"qci\": {\"$numberLong\": \"7\"}}], \"msisdn\": null}");
	rc = hss_mg_decode(HSS_MG_NATIVE, d, HSS_PART_ALL, g, err, sizeof(err));
	CHECK_ERR(rc, 0, "native: numbers of any type, binary K (%s)", rc ? err : "");
	CHECK_UINT(g->sqn, ==, 42, "native: SQN from a double");
	CHECK_UINT(g->ambr_ul, ==, 1000, "native: a number from a string");
	CHECK(!g->roaming_allowed, "native: a boolean from 0");
	CHECK_INT(g->k[0], ==, 0x46, "native: K from BinData");
	CHECK_UINT(g->apns[0].qci, ==, 7, "native: APN QCI from Int64");
	CHECK_UINT(g->amf[0], ==, 0x80, "native: absent AMF keeps the default");
	CHECK_STR(g->msisdn, "", "native: null MSISDN is empty");
	bson_destroy(d);

	hss_sub_init(g);
	d = json("{\"imsi\": \"001010000000002\", \"k\": \"465b5ce8b199b49faa5f0a2ee238a6\"}");
	rc = hss_mg_decode(HSS_MG_NATIVE, d, HSS_PART_ALL, g, err, sizeof(err));
	CHECK_ERR(rc, EIO, "native: a short K is EIO (%s)", err);
	CHECK_SUBSTR(err, "'k'", "native: the message names the field (%s)", err);
	CHECK(!strstr(err, "465b5ce8"), "native: the message does not show the key (%s)", err);
	bson_destroy(d);
	d = json("{\"imsi\": \"001010000000002\", \"sqn\": 1.5}");
	rc = hss_mg_decode(HSS_MG_NATIVE, d, HSS_PART_ALL, g, err, sizeof(err));
	CHECK_ERR(rc, EIO, "native: a fractional SQN is EIO (%s)", err);
	bson_destroy(d);
	d = json("{\"imsi\": \"00101abc\"}");
	rc = hss_mg_decode(HSS_MG_NATIVE, d, HSS_PART_ALL, g, err, sizeof(err));
	CHECK_ERR(rc, EIO, "native: an invalid imsi is EIO (%s)", err);
	bson_destroy(d);
	d = json("{\"imsi\": \"001010000000002\", \"apns\": {\"a\": 1}}");
	rc = hss_mg_decode(HSS_MG_NATIVE, d, HSS_PART_ALL, g, err, sizeof(err));
	CHECK_ERR(rc, EIO, "native: apns not an array is EIO (%s)", err);
	rc = hss_mg_decode(HSS_MG_NATIVE, d, HSS_PART_PROV, g, err, sizeof(err));
	CHECK_ERR(rc, 0, "native: reading the provisioned part does not trip over the APNs");
	bson_destroy(d);
	free(g);
}

/* ---- open5gs ---------------------------------------------------------------------------- */

/* What open5gs-dbctl's "add" inserts (mongosh: top-level numbers are doubles). */
static const char *const DBCTL_DOC =
	"{\"_id\": {\"$oid\": \"65a000000000000000000001\"}, \"schema_version\": 1, "
	"\"imsi\": \"001010000000010\", \"msisdn\": [], \"imeisv\": [], \"mme_host\": [], "
	"\"mm_realm\": [], \"purge_flag\": [], "
	"\"slice\": [{\"sst\": 1, \"default_indicator\": true, \"session\": [{\"name\": \"internet\", "
	"\"type\": 3, \"qos\": {\"index\": 9, \"arp\": {\"priority_level\": 8, "
	"\"pre_emption_capability\": 1, \"pre_emption_vulnerability\": 2}}, \"ambr\": {\"downlink\": "
	"{\"value\": 1000000000, \"unit\": 0}, \"uplink\": {\"value\": 1000000000, \"unit\": 0}}, "
	"\"pcc_rule\": [], \"_id\": {\"$oid\": \"65a000000000000000000002\"}}], "
	"\"_id\": {\"$oid\": \"65a000000000000000000003\"}}], "
	"\"security\": {\"k\": \"465B5CE8B199B49FAA5F0A2EE238A6BC\", \"op\": null, "
	"\"opc\": \"CD63CB71954A9F4E48A5994E37A02BAF\", \"amf\": \"8000\"}, "
	"\"ambr\": {\"downlink\": {\"value\": 1000000000, \"unit\": 0}, \"uplink\": "
	"{\"value\": 1000000000, \"unit\": 0}}, \"access_restriction_data\": 32.0, "
	"\"network_access_mode\": 0.0, \"subscriber_status\": 0.0, "
	"\"operator_determined_barring\": 0.0, \"subscribed_rau_tau_timer\": 12.0, \"__v\": 0}";

/* What the WebUI (mongoose) stores after edits and open5gs's HSS after an AIR and a ULR. */
static const char *const WEBUI_DOC =
	"{\"schema_version\": 1, \"imsi\": \"001010000000011\", \"msisdn\": [\"33600000011\", "
	"\"33600000012\"], \"imeisv\": [\"3534900698733190\"], \"mme_host\": [\"mme.old\"], "
	"\"mme_realm\": [\"old.realm\"], \"purge_flag\": [true], "
	"\"security\": {\"k\": \"465b5ce8b199b49faa5f0a2ee238a6bc\", \"op\": \"cd63cb71954a9f4e48a5994e37a02baf\", "
	"\"opc\": null, \"amf\": \"8000\", \"rand\": \"0102030405060708090a0b0c0d0e0f10\", "
	"\"sqn\": {\"$numberLong\": \"1057\"}}, "
	"\"ambr\": {\"downlink\": {\"value\": 2, \"unit\": 3}, \"uplink\": {\"value\": 500, \"unit\": 2}}, "
	"\"slice\": [{\"sst\": 1, \"sd\": \"000001\", \"default_indicator\": true, \"session\": ["
	"{\"name\": \"internet\", \"type\": 1, \"qos\": {\"index\": 9, \"arp\": {\"priority_level\": 8, "
	"\"pre_emption_capability\": 2, \"pre_emption_vulnerability\": 1}}, \"ambr\": {\"downlink\": "
	"{\"value\": 1, \"unit\": 3}, \"uplink\": {\"value\": 1, \"unit\": 3}}, \"ue\": {\"ipv4\": "
	"\"10.45.0.7\"}, \"smf\": {\"ipv4\": \"127.0.0.4\"}, \"pcc_rule\": [{\"flow\": []}], "
	"\"lbo_roaming_allowed\": false}, "
	"{\"name\": \"ims\", \"type\": \"3\", \"qos\": {\"index\": 5, \"arp\": {\"priority_level\": 1, "
	"\"pre_emption_capability\": 1, \"pre_emption_vulnerability\": 1}}}]}, "
	"{\"sst\": 2, \"session\": [{\"name\": \"slice2-dnn\", \"type\": 1}]}], "
	"\"access_restriction_data\": 32, \"subscriber_status\": 0, "
	"\"operator_determined_barring\": 0, \"network_access_mode\": 2, "
	"\"subscribed_rau_tau_timer\": 12, \"ifc\": [{\"priority\": 0}], \"__v\": 3}";

static void t_o5gs_read(void)
{
	struct hss_sub *g = sub_new();
	char err[512];
	bson_t *d;
	int rc;

	d = json(DBCTL_DOC);
	rc = hss_mg_decode(HSS_MG_OPEN5GS, d, HSS_PART_ALL, g, err, sizeof(err));
	CHECK_ERR(rc, 0, "open5gs-dbctl document (%s)", rc ? err : "");
	CHECK_STR(g->imsi, "001010000000010", "dbctl: IMSI");
	CHECK_INT(g->k[0], ==, 0x46, "dbctl: K from upper-case hex");
	CHECK(g->opc, "dbctl: opc string, op null: OPc");
	CHECK_INT(g->op[0], ==, 0xcd, "dbctl: OPc value");
	CHECK_UINT(g->sqn, ==, 0, "dbctl: no security.sqn: SQN 0");
	CHECK_UINT(g->access_restriction_data, ==, 32, "dbctl: ARD from a double");
	CHECK_UINT(g->network_access_mode, ==, 0, "dbctl: NAM 0 (PACKET_AND_CIRCUIT)");
	CHECK_UINT(g->periodic_tau, ==, 720, "dbctl: 12 minutes = 720 s");
	CHECK_UINT(g->ambr_dl, ==, 1000000000, "dbctl: UE-AMBR 1e9 bps in unit 0");
	CHECK_UINT(g->n_apns, ==, 1, "dbctl: one APN");
	CHECK_STR(g->apns[0].apn, "internet", "dbctl: APN name");
	CHECK_UINT(g->apns[0].ctx_id, ==, 1, "dbctl: context id 1 (as open5gs numbers it)");
	CHECK_UINT(g->apns[0].pdn_type, ==, HSS_PDN_IPV4V6, "dbctl: type 3 = IPv4v6");
	CHECK_UINT(g->apns[0].qci, ==, 9, "dbctl: QCI 9");
	CHECK_UINT(g->apns[0].arp_prio, ==, 8, "dbctl: ARP 8");
	CHECK(!g->apns[0].preempt_cap, "dbctl: pre_emption_capability 1 = disabled");
	CHECK(g->apns[0].preempt_vuln, "dbctl: pre_emption_vulnerability 2 = enabled");
	CHECK_STR(g->serving.mme_host, "", "dbctl: mme_host [] is no MME");
	CHECK(!g->serving.mme_purged, "dbctl: purge_flag [] is not purged");
	CHECK_ERR(hss_sub_validate(g, err, sizeof(err)), 0, "dbctl: the subscriber validates (%s)",
	          err);
	bson_destroy(d);

	hss_sub_init(g);
	d = json(WEBUI_DOC);
	rc = hss_mg_decode(HSS_MG_OPEN5GS, d, HSS_PART_ALL, g, err, sizeof(err));
	CHECK_ERR(rc, 0, "WebUI document (%s)", rc ? err : "");
	CHECK_STR(g->msisdn, "33600000011", "WebUI: msisdn[0] is the MSISDN");
	CHECK_STR(g->a_msisdn, "33600000012", "WebUI: msisdn[1] is the A-MSISDN");
	CHECK(!g->opc, "WebUI: op string, opc null: OP");
	CHECK_UINT(g->sqn, ==, 1057 - 32, "WebUI: security.sqn is the next SQN: ours is 32 less");
	CHECK_UINT(g->ambr_dl, ==, 2000000000, "WebUI: 2 Gbps (unit 3)");
	CHECK_UINT(g->ambr_ul, ==, 500000000, "WebUI: 500 Mbps (unit 2)");
	CHECK_UINT(g->network_access_mode, ==, 2, "WebUI: NAM ONLY_PACKET");
	CHECK_UINT(g->n_apns, ==, 2, "WebUI: the sessions of the first slice only (%zu)", g->n_apns);
	CHECK_STR(g->apns[1].apn, "ims", "WebUI: second session");
	CHECK_UINT(g->apns[1].ctx_id, ==, 2, "WebUI: context id 2");
	CHECK_UINT(g->apns[1].pdn_type, ==, HSS_PDN_IPV4V6, "WebUI: type \"3\" as a string");
	CHECK_UINT(g->apns[0].pdn_type, ==, HSS_PDN_IPV4, "WebUI: type 1 = IPv4");
	CHECK(g->apns[0].preempt_cap, "WebUI: pre_emption_capability 2 = enabled");
	CHECK(!g->apns[0].preempt_vuln, "WebUI: pre_emption_vulnerability 1 = disabled");
	CHECK_UINT(g->apns[0].ambr_dl, ==, 1000000000, "WebUI: APN-AMBR 1 Gbps");
	CHECK_STR(g->apns[0].static_ipv4, "10.45.0.7", "WebUI: ue.ipv4 is the static address");
	CHECK_STR(g->serving.mme_host, "mme.old", "WebUI: mme_host as a one-element array");
	CHECK(g->serving.mme_purged, "WebUI: purge_flag [true]");
	bson_destroy(d);
	free(g);
}

static void t_o5gs_odd(void)
{
	static const char *const sqns[] = { "{\"$numberInt\": \"100\"}", "{\"$numberLong\": \"100\"}",
	                                    "100.0", "\"100\"" };
	struct hss_sub *g = sub_new();
	char err[512], j[1024];
	bson_t *d;
	size_t i;
	int rc;

	for (i = 0; i < 4; i++) {
		hss_sub_init(g);
		snprintf(j, sizeof(j), "{\"imsi\": \"001010000000012\", \"security\": {\"k\": \"%s\", "
		         "\"op\": \"%s\", \"amf\": \"8000\", \"sqn\": %s}}", K, OPC, sqns[i]);
		d = json(j);
		rc = hss_mg_decode(HSS_MG_OPEN5GS, d, HSS_PART_ALL, g, err, sizeof(err));
		CHECK_ERR(rc, 0, "SQN as %s (%s)", sqns[i], rc ? err : "");
		CHECK_UINT(g->sqn, ==, 68, "SQN as %s: 100 - 32", sqns[i]);
		CHECK(!g->opc, "op instead of opc: OP");
		CHECK_UINT(g->n_apns, ==, 0, "no slice: no APN");
		CHECK_UINT(g->network_access_mode, ==, 0, "absent NAM: 0, as open5gs reads it");
		bson_destroy(d);
	}
	/* both: opc wins, as in open5gs; an empty opc does not count */
	snprintf(j, sizeof(j), "{\"imsi\": \"001010000000012\", \"security\": {\"k\": \"%s\", "
	         "\"op\": \"%s\", \"opc\": \"%s\"}}", K, K, OPC);
	d = json(j);
	rc = hss_mg_decode(HSS_MG_OPEN5GS, d, HSS_PART_ALL, g, err, sizeof(err));
	CHECK(!rc && g->opc && g->op[0] == 0xcd, "opc and op: OPc wins (%s)", rc ? err : "");
	bson_destroy(d);
	snprintf(j, sizeof(j), "{\"imsi\": \"001010000000012\", \"security\": {\"k\": \"%s\", "
	         "\"op\": \"%s\", \"opc\": \"\"}}", K, OPC);
	d = json(j);
	rc = hss_mg_decode(HSS_MG_OPEN5GS, d, HSS_PART_ALL, g, err, sizeof(err));
	CHECK(!rc && !g->opc, "an empty opc: OP is used (%s)", rc ? err : "");
	bson_destroy(d);

	/* what cannot be served: EIO naming the field, never showing a key */
	d = json("{\"imsi\": \"001010000000012\", \"msisdn\": [\"1\"]}");
	rc = hss_mg_decode(HSS_MG_OPEN5GS, d, HSS_PART_ALL, g, err, sizeof(err));
	CHECK_ERR(rc, EIO, "no security: EIO (%s)", err);
	CHECK_SUBSTR(err, "security", "no security: the message says so (%s)", err);
	rc = hss_mg_decode(HSS_MG_OPEN5GS, d, HSS_PART_SERVING, g, err, sizeof(err));
	CHECK_ERR(rc, 0, "no security: the serving state can still be read (ULR, PUR)");
	bson_destroy(d);
	snprintf(j, sizeof(j), "{\"imsi\": \"001010000000012\", \"security\": {\"k\": \"%.30s\", "
	         "\"opc\": \"%s\"}}", K, OPC);
	d = json(j);
	rc = hss_mg_decode(HSS_MG_OPEN5GS, d, HSS_PART_ALL, g, err, sizeof(err));
	CHECK_ERR(rc, EIO, "a short K: EIO (%s)", err);
	CHECK(!strstr(err, "465b5ce8"), "a short K: not shown (%s)", err);
	bson_destroy(d);
	snprintf(j, sizeof(j), "{\"imsi\": \"001010000000012\", \"security\": {\"k\": \"%s\", "
	         "\"opc\": \"%s\", \"sqn\": -5}}", K, OPC);
	d = json(j);
	rc = hss_mg_decode(HSS_MG_OPEN5GS, d, HSS_PART_ALL, g, err, sizeof(err));
	CHECK_ERR(rc, EIO, "a negative SQN: EIO (%s)", err);
	bson_destroy(d);
	snprintf(j, sizeof(j), "{\"imsi\": \"001010000000012\", \"security\": {\"k\": \"%s\", "
	         "\"opc\": \"%s\"}, \"ambr\": {\"uplink\": {\"value\": 1, \"unit\": 5}}}", K, OPC);
	d = json(j);
	rc = hss_mg_decode(HSS_MG_OPEN5GS, d, HSS_PART_ALL, g, err, sizeof(err));
	CHECK_ERR(rc, EIO, "AMBR unit 5: EIO (%s)", err);
	CHECK_SUBSTR(err, "ambr.uplink", "AMBR unit 5: the field is named (%s)", err);
	bson_destroy(d);
	snprintf(j, sizeof(j), "{\"imsi\": \"001010000000012\", \"security\": {\"k\": \"%s\", "
	         "\"opc\": \"%s\"}, \"ambr\": {\"uplink\": {\"value\": 2, \"unit\": 4}}, \"slice\": "
	         "[{\"sst\": 1, \"session\": [{\"name\": \"x\", \"type\": 5}]}]}", K, OPC);
	d = json(j);
	rc = hss_mg_decode(HSS_MG_OPEN5GS, d, HSS_PART_PROV, g, err, sizeof(err));
	CHECK_ERR(rc, 0, "2 Tbps: read");
	CHECK_UINT(g->ambr_ul, ==, UINT32_MAX, "2 Tbps saturates at 2^32-1 bit/s as open5gs's S6a");
	rc = hss_mg_decode(HSS_MG_OPEN5GS, d, HSS_PART_APNS, g, err, sizeof(err));
	CHECK_ERR(rc, EIO, "an Ethernet session (type 5) has no PDN-Type: EIO (%s)", err);
	bson_destroy(d);
	free(g);
}

/* An AIR and a ULR written back land where open5gs's HSS writes them; everything else in
 * the document stays. */
static void t_o5gs_writeback(void)
{
	struct hss_sub *g = sub_new();
	bson_t *d = json(WEBUI_DOC), doc, out, doc2;
	char err[512];
	size_t n;
	int rc;

	rc = hss_mg_decode(HSS_MG_OPEN5GS, d, HSS_PART_ALL, g, err, sizeof(err));
	CHECK_ERR(rc, 0, "writeback: read (%s)", rc ? err : "");
	g->sqn = 2000;
	rc = hss_mg_build(HSS_MG_OPEN5GS, d, g, HSS_PART_SQN, &doc, err, sizeof(err));
	CHECK_ERR(rc, 0, "writeback: SQN build (%s)", rc ? err : "");
	rc = hss_mg_diff(d, &doc, &out, &n);
	CHECK_ERR(rc, 0, "writeback: SQN diff");
	CHECK_UINT(n, ==, 2, "writeback: an AIR writes security.sqn and dcore.sqn (%s)", show(&out));
	CHECK_SUBSTR(show(&out), "\"security.sqn\" : { \"$numberLong\" : \"2032\" }",
	             "writeback: security.sqn = ours + 32 as Int64, where open5gs keeps it (%s)",
	             show(&out));
	bson_destroy(&out);
	/* open5gs's HSS takes over and serves an AIR: $inc 32 */
	{
		bson_t *o5 = json("{\"imsi\": \"001010000000011\", \"security\": {\"k\": "
		                  "\"465b5ce8b199b49faa5f0a2ee238a6bc\", \"opc\": "
		                  "\"cd63cb71954a9f4e48a5994e37a02baf\", \"sqn\": {\"$numberLong\": "
		                  "\"2064\"}}, \"dcore\": {\"sqn\": {\"$numberLong\": \"2000\"}}}");
		struct hss_sub *h = sub_new();

		rc = hss_mg_decode(HSS_MG_OPEN5GS, o5, HSS_PART_ALL, h, err, sizeof(err));
		CHECK_ERR(rc, 0, "after open5gs served an AIR: read");
		CHECK_UINT(h->sqn, ==, 2032, "after open5gs served an AIR: ours = its SQN - 32, the "
		           "stale hint ignored (%" PRIu64 ")", h->sqn);
		bson_destroy(o5);
		free(h);
	}
	/* a ULR: mme_host, mme_realm, mme_timestamp (us), purge_flag as open5gs writes them */
	g->serving.mme_ulr_time = 1700000000;
	snprintf(g->serving.mme_host, sizeof(g->serving.mme_host), "mme.new");
	snprintf(g->serving.mme_realm, sizeof(g->serving.mme_realm), "new.realm");
	g->serving.mme_purged = false;
	g->serving.last_rat_type = 1004;
	rc = hss_mg_build(HSS_MG_OPEN5GS, &doc, g, HSS_PART_SERVING, &doc2, err, sizeof(err));
	CHECK_ERR(rc, 0, "writeback: serving build (%s)", rc ? err : "");
	CHECK_SUBSTR(show(&doc2), "\"mme_host\" : \"mme.new\"", "writeback: mme_host a string (%s)",
	             show(&doc2));
	CHECK_SUBSTR(show(&doc2), "\"mme_timestamp\" : { \"$numberLong\" : \"1700000000000000\" }",
	             "writeback: mme_timestamp in microseconds");
	CHECK_SUBSTR(show(&doc2), "\"purge_flag\" : false", "writeback: purge_flag a boolean");
	CHECK_SUBSTR(show(&doc2), "\"last_rat_type\" : { \"$numberInt\" : \"1004\" }",
	             "writeback: what open5gs has no field for goes under dcore.serving");
	/* everything else is still there */
	CHECK_SUBSTR(show(&doc2), "\"imeisv\" : [ \"3534900698733190\" ]", "writeback: imeisv kept");
	CHECK_SUBSTR(show(&doc2), "\"rand\" : \"0102030405060708090a0b0c0d0e0f10\"",
	             "writeback: security.rand kept");
	CHECK_SUBSTR(show(&doc2), "\"ifc\"", "writeback: IMS ifc kept");
	CHECK_SUBSTR(show(&doc2), "\"__v\"", "writeback: mongoose's __v kept");
	bson_destroy(&doc);

	/* provisioning through us (hssctl): the slices keep what we do not map */
	g->apns[0].qci = 8;
	snprintf(g->apns[1].apn, sizeof(g->apns[1].apn), "ims");
	rc = hss_mg_build(HSS_MG_OPEN5GS, &doc2, g, HSS_PART_PROV | HSS_PART_APNS, &doc, err,
	                  sizeof(err));
	CHECK_ERR(rc, 0, "writeback: provisioning build (%s)", rc ? err : "");
	CHECK_SUBSTR(show(&doc), "\"smf\" : { \"ipv4\" : \"127.0.0.4\" }",
	             "writeback: a session's smf kept");
	CHECK_SUBSTR(show(&doc), "\"pcc_rule\" : [ { \"flow\" : [  ] } ]",
	             "writeback: a session's pcc_rule kept (%s)", show(&doc));
	CHECK_SUBSTR(show(&doc), "\"sd\" : \"000001\"", "writeback: the first slice's sd kept");
	CHECK_SUBSTR(show(&doc), "\"slice2-dnn\"", "writeback: the second slice kept");
	CHECK_SUBSTR(show(&doc), "\"index\" : { \"$numberInt\" : \"8\" }",
	             "writeback: QCI written as Int32 (open5gs reads Int32 only)");
	CHECK_SUBSTR(show(&doc), "\"opc\" : null", "writeback: the unused one of op/opc is null");
	{
		struct hss_sub *h = sub_new();
		char why[512];

		rc = hss_mg_decode(HSS_MG_OPEN5GS, &doc, HSS_PART_ALL, h, err, sizeof(err));
		CHECK(!rc && same_sub(g, h, why, sizeof(why)), "writeback: what was written reads back "
		      "(%s)", rc ? err : why);
		free(h);
	}
	bson_destroy(&doc);
	bson_destroy(&doc2);
	bson_destroy(d);
	free(g);
}

/* Every field of the model through an open5gs document: new, and over a stored one. */
static void t_o5gs_roundtrip(void)
{
	struct hss_sub *s = full_sub(), *g = sub_new();
	bson_t *d = json(WEBUI_DOC), doc;
	char err[512], why[512];
	int rc;

	rc = hss_mg_build(HSS_MG_OPEN5GS, NULL, s, HSS_PART_ALL, &doc, err, sizeof(err));
	CHECK_ERR(rc, 0, "open5gs: build a new document (%s)", rc ? err : "");
	CHECK_SUBSTR(show(&doc), "\"schema_version\"", "open5gs: a new document has schema_version");
	rc = hss_mg_decode(HSS_MG_OPEN5GS, &doc, HSS_PART_ALL, g, err, sizeof(err));
	CHECK(!rc && same_sub(s, g, why, sizeof(why)), "open5gs: every field round-trips through a "
	      "new document (%s)", rc ? err : why);
	bson_destroy(&doc);
	hss_sub_init(g);
	rc = hss_mg_build(HSS_MG_OPEN5GS, d, s, HSS_PART_ALL, &doc, err, sizeof(err));
	CHECK_ERR(rc, 0, "open5gs: build over the WebUI document (%s)", rc ? err : "");
	rc = hss_mg_decode(HSS_MG_OPEN5GS, &doc, HSS_PART_ALL, g, err, sizeof(err));
	CHECK(!rc && same_sub(s, g, why, sizeof(why)), "open5gs: every field round-trips over a "
	      "stored document (%s)", rc ? err : why);
	/* the SQN near 2^48: open5gs's field wraps, the hint keeps ours exact */
	s->sqn = HSS_DB_SQN_MAX - 3;
	bson_destroy(&doc);
	rc = hss_mg_build(HSS_MG_OPEN5GS, NULL, s, HSS_PART_ALL, &doc, err, sizeof(err));
	hss_sub_init(g);
	rc = rc ? rc : hss_mg_decode(HSS_MG_OPEN5GS, &doc, HSS_PART_ALL, g, err, sizeof(err));
	CHECK_ERR(rc, 0, "open5gs: SQN 2^48-4");
	CHECK_UINT(g->sqn, ==, HSS_DB_SQN_MAX - 3, "open5gs: SQN 2^48-4 exact");
	CHECK_SUBSTR(show(&doc), "\"sqn\" : { \"$numberLong\" : \"28\" }",
	             "open5gs: security.sqn wraps at 2^48 for open5gs (%s)", show(&doc));
	bson_destroy(&doc);
	bson_destroy(d);
	free(s);
	free(g);
}

/* ---- keyed records -------------------------------------------------------------------- */

static int sign(int x)
{
	return (x > 0) - (x < 0);
}

static void t_rec_keys(void)
{
	/* the octet order of the records' contract (memcmp), as conformance_rec.c lists it */
	static const char *const keys[] = { "B", "a", "ab", "abc", "b", "z", "\x7f", "\xc3\xa9",
	                                    "\xff", "\xff\xff", "0", "09", ":", NULL };
	char ha[64], hb[64];
	int bad = 0;

	for (size_t i = 0; keys[i]; i++)
		for (size_t j = 0; keys[j]; j++) {
			hss_mg_rec_khex(keys[i], ha);
			hss_mg_rec_khex(keys[j], hb);
			if (sign(strcmp(ha, hb)) != sign(strcmp(keys[i], keys[j])))
				bad++;
		}
	CHECK_INT(bad, ==, 0, "hex keys compare as the octets they encode (169 pairs)");
	hss_mg_rec_khex("A\xff", ha);
	CHECK_STR(ha, "41ff", "key hex is lower case");
}

static void t_rec_docs(void)
{
	static const uint8_t val[] = { 'x', 0, '\'', '\\', 0xff, 0 };
	struct hss_db_rec r = { 0 };
	bson_t *d, *old, *nw, upd;
	bson_iter_t it;
	size_t n = 0;
	int rc;

	/* a new record, read back with its key taken from the document */
	d = hss_mg_rec_build(NULL, "ims.sub", "696d7069", val, sizeof(val), 1700000000000001ULL);
	CHECK(d != NULL, "build a record document");
	CHECK(bson_iter_init_find(&it, d, "v") && BSON_ITER_HOLDS_BINARY(&it),
	      "the value is BinData (%s)", show(d));
	CHECK(bson_iter_init_find(&it, d, "ver") && BSON_ITER_HOLDS_INT64(&it),
	      "the version is an Int64");
	rc = hss_mg_rec_decode(d, "ims.sub", NULL, true, &r);
	CHECK_ERR(rc, 0, "decode it (%s)", hss_db_strerror());
	CHECK(!rc && !strcmp(r.key, "impi") && r.len == sizeof(val) && !memcmp(r.data, val, r.len) &&
	      r.version == 1700000000000001ULL, "key, binary value with NULs and version read back");
	hss_db_rec_free(&r);
	rc = hss_mg_rec_decode(d, "ims.sub", "impi", false, &r);
	CHECK(!rc && !r.data && r.version == 1700000000000001ULL, "the version alone");
	hss_db_rec_free(&r);
	bson_destroy(d);

	/* over a stored (locked) document: _id kept, lock dropped, the update is v, ver, $unset */
	old = json("{\"_id\": {\"$oid\": \"0123456789abcdef01234567\"}, \"t\": \"x\", "
	           "\"k\": \"61\", \"v\": {\"$binary\": {\"base64\": \"AA==\", \"subType\": \"00\"}}, "
	           "\"ver\": {\"$numberLong\": \"5\"}, \"_lock\": {\"o\": 1, \"t\": 2}}");
	nw = hss_mg_rec_build(old, "x", "61", "new", 3, 6);
	CHECK(nw && bson_iter_init_find(&it, nw, "_id") && BSON_ITER_HOLDS_OID(&it), "_id kept");
	CHECK(nw && !bson_iter_init_find(&it, nw, "_lock"), "the lock is not in a built record");
	rc = nw ? hss_mg_diff(old, nw, &upd, &n) : EINVAL;
	CHECK_ERR(rc, 0, "diff of a record update");
	CHECK_UINT(n, ==, 3, "the update sets v and ver and unsets the lock (%s)", show(&upd));
	CHECK(bson_iter_init_find(&it, &upd, "$unset") && bson_iter_recurse(&it, &it) &&
	      bson_iter_find(&it, "_lock"), "... $unset _lock (%s)", show(&upd));
	bson_destroy(&upd);
	if (nw)
		bson_destroy(nw);
	bson_destroy(old);

	/* odd and broken documents: EIO, never a crash or a wrong key */
	{
		static const struct {
			const char *json, *why;
			int rc;
		} odd[] = {
			{ "{\"k\": \"6162\", \"v\": \"text\", \"ver\": 7}", "a string value and an Int32 "
			  "version (a hand-written record) are read", 0 },
			{ "{\"k\": \"6162\", \"v\": {\"$binary\": {\"base64\": \"\", \"subType\": \"00\"}}, "
			  "\"ver\": 7.0}", "an empty value and a version stored as a double", 0 },
			{ "{\"k\": \"zz\", \"v\": \"\", \"ver\": 1}", "a key that is not hex", EIO },
			{ "{\"k\": \"616\", \"v\": \"\", \"ver\": 1}", "a key of odd length", EIO },
			{ "{\"k\": \"6100\", \"v\": \"\", \"ver\": 1}", "a key with a NUL", EIO },
			{ "{\"k\": \"\", \"v\": \"\", \"ver\": 1}", "an empty key", EIO },
			{ "{\"k\": 12, \"v\": \"\", \"ver\": 1}", "a key that is not a string", EIO },
			{ "{\"v\": \"\", \"ver\": 1}", "no key", EIO },
			{ "{\"k\": \"61\", \"v\": \"\"}", "no version", EIO },
			{ "{\"k\": \"61\", \"v\": \"\", \"ver\": 0}", "version 0", EIO },
			{ "{\"k\": \"61\", \"v\": \"\", \"ver\": -3}", "a negative version", EIO },
			{ "{\"k\": \"61\", \"v\": \"\", \"ver\": \"x\"}", "a version that is not a number",
			  EIO },
			{ "{\"k\": \"61\", \"ver\": 1}", "no value", EIO },
			{ "{\"k\": \"61\", \"v\": [1], \"ver\": 1}", "a value that is an array", EIO },
		};

		for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
			d = json(odd[i].json);
			memset(&r, 0, sizeof(r));
			rc = hss_mg_rec_decode(d, "t", NULL, true, &r);
			CHECK_ERR(rc, odd[i].rc, "record: %s (%s)", odd[i].why,
			          rc ? hss_db_strerror() : "read");
			if (!rc)
				CHECK(!strcmp(r.key, "ab") && r.version == 7, "... as key 'ab', version 7");
			hss_db_rec_free(&r);
			bson_destroy(d);
		}
	}
}

int main(void)
{
	t_diff();
	t_native_roundtrip();
	t_native_odd();
	t_o5gs_read();
	t_o5gs_odd();
	t_o5gs_writeback();
	t_o5gs_roundtrip();
	t_rec_keys();
	t_rec_docs();
	return tap_done();
}

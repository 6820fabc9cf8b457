/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_validate.c: the shared subscriber validation and text conversion of hss/db (what
 * every backend and hssctl rely on): accepted and refused values, and error messages that
 * name the field and the value.
 */
#include "hss_db.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct hss_sub *sub;
static char err[512];

/* hss_sub_set must accept (want_ok) or refuse with a message holding both substrings. */
static void set(const char *field, const char *value, int want_ok, const char *m1, const char *m2)
{
	int rc;

	err[0] = 0;
	rc = hss_sub_set(sub, field, value, err, sizeof(err));
	if (want_ok) {
		CHECK_ERR(rc, 0, "set %s='%s' accepted (%s)", field, value, err);
		return;
	}
	CHECK_ERR(rc, EINVAL, "set %s='%s' refused: %s", field, value, err);
	if (m1)
		CHECK_SUBSTR(err, m1, "set %s='%s': the error names %s", field, value, m1);
	if (m2)
		CHECK_SUBSTR(err, m2, "set %s='%s': the error names %s", field, value, m2);
}

static void roundtrip(const char *field, const char *value, const char *expect)
{
	char buf[4096];
	int rc = hss_sub_set(sub, field, value, err, sizeof(err));

	rc = rc ? rc : hss_sub_get(sub, field, buf, sizeof(buf));
	CHECK_ERR(rc, 0, "%s: '%s' reads back as '%s' (got '%s')", field, value, expect,
	          rc ? err : buf);
	CHECK_STR(buf, expect, "%s: '%s' reads back as '%s' (got '%s')", field, value, expect,
	          rc ? err : buf);
}

int main(void)
{
	struct hss_apn a;
	char buf[2048];
	int rc;

	sub = malloc(sizeof(*sub));
	hss_sub_init(sub);
	CHECK_INT(sub->amf[0], ==, 0x80, "defaults: AMF 8000, IND 5, ONLY_PACKET, roaming allowed");
	CHECK_INT(sub->amf[1], ==, 0, "defaults: AMF 8000, IND 5, ONLY_PACKET, roaming allowed");
	CHECK_INT(sub->ind_bits, ==, 5, "defaults: AMF 8000, IND 5, ONLY_PACKET, roaming allowed");
	CHECK_INT(sub->network_access_mode, ==, HSS_NAM_ONLY_PACKET,
	          "defaults: AMF 8000, IND 5, ONLY_PACKET, roaming allowed");
	CHECK(sub->roaming_allowed, "defaults: AMF 8000, IND 5, ONLY_PACKET, roaming allowed");

	/* IMSI */
	set("imsi", "00101", 1, NULL, NULL);
	set("imsi", "001010123456789", 1, NULL, NULL);
	set("imsi", "0010", 0, "imsi", "'0010'");
	set("imsi", "0010101234567890", 0, "imsi", "5 to 15");
	set("imsi", "00101a", 0, "imsi", "00101a");
	set("imsi", "", 0, "imsi", NULL);
	/* MSISDN */
	set("msisdn", "", 1, NULL, NULL);
	set("msisdn", "491701234567", 1, NULL, NULL);
	set("msisdn", "+49170", 0, "msisdn", "+49170");
	set("msisdn", "1234567890123456", 0, "msisdn", NULL);
	/* keys */
	set("k", "000102030405060708090A0B0C0D0E0F", 1, NULL, NULL);
	set("k", "000102030405060708090a0b0c0d0e0", 0, "'k'", "32 hex");
	set("k", "000102030405060708090a0b0c0d0e0g", 0, "'k'", NULL);
	/* a mistyped key is still (nearly) the key: the message must not repeat it */
	CHECK(!strstr(err, "0102030405060708"), "a refused k is not echoed: %s", err);
	set("opc", "00112233445566778899aabbccddeef", 0, "'opc'", "32 hex");
	CHECK(!strstr(err, "2233445566778899"), "a refused opc is not echoed: %s", err);
	set("opc", "00112233445566778899aabbccddeeff", 1, NULL, NULL);
	CHECK(sub->opc, "opc sets OPc");
	CHECK_INT(sub->op[15], ==, 0xff, "opc sets OPc");
	set("op", "00112233445566778899aabbccddeeff", 1, NULL, NULL);
	CHECK(!sub->opc, "op sets OP");
	set("amf", "8000", 1, NULL, NULL);
	set("amf", "800", 0, "amf", "4 hex");
	/* SQN */
	set("sqn", "281474976710655", 1, NULL, NULL);
	set("sqn", "281474976710656", 0, "sqn", "281474976710656");
	set("sqn", "-1", 0, "sqn", NULL);
	set("sqn", "0x20", 1, NULL, NULL);
	CHECK_INT(sub->sqn, ==, 32, "hex numbers");
	set("ind_bits", "17", 0, "ind_bits", NULL);
	/* enums, booleans, numbers */
	roundtrip("status", "1", "OPERATOR_DETERMINED_BARRING");
	roundtrip("subscriber-status", "service_granted", "SERVICE_GRANTED");
	set("status", "2", 0, "subscriber_status", "expected one of");
	roundtrip("nam", "0", "PACKET_AND_CIRCUIT");
	set("network_access_mode", "1", 0, "network_access_mode", NULL);
	roundtrip("roaming", "deny", "false");
	roundtrip("roaming_allowed", "yes", "true");
	set("roaming", "maybe", 0, "roaming_allowed", "maybe");
	set("ambr_ul", "4294967295", 1, NULL, NULL);
	set("ambr_ul", "4294967296", 0, "ambr_ul", NULL);
	set("ambr_dl", "12abc", 0, "ambr_dl", "12abc");
	roundtrip("ard", "0x21", "33");
	/* PLMNs */
	roundtrip("roaming_plmns", "00101 208093;310260", "00101,208093,310260");
	set("roaming_plmns", "0010", 0, "roaming_plmns", "0010");
	set("visited_plmn", "0010x", 0, "visited_plmn", NULL);
	set("charging_chars", "0800", 1, NULL, NULL);
	set("charging_chars", "08000", 0, "charging_chars", "08000");
	set("nosuchfield", "1", 0, "unknown field", "nosuchfield");
	CHECK(hss_sub_field_known("ambr-ul"), "hss_sub_field_known");
	CHECK(hss_sub_field_known("OPC"), "hss_sub_field_known");
	CHECK(!hss_sub_field_known("colour"), "hss_sub_field_known");

	/* APN names (TS 23.003 9.1) */
	CHECK_ERR(hss_valid_apn_name("internet", NULL, 0), 0, "good APN names");
	CHECK_ERR(hss_valid_apn_name("ims", NULL, 0), 0, "good APN names");
	CHECK_ERR(hss_valid_apn_name("corp-1.example.com", NULL, 0), 0, "good APN names");
	CHECK_ERR(hss_valid_apn_name("*", NULL, 0), 0, "good APN names");
	rc = hss_valid_apn_name("bad_apn", err, sizeof(err));
	CHECK_ERR(rc, EINVAL, "underscore refused: %s", err);
	CHECK_SUBSTR(err, "bad_apn", "underscore refused: %s", err);
	CHECK_ERR(hss_valid_apn_name("a..b", NULL, 0), EINVAL,
	          "empty labels, edge hyphens, empty, .gprs refused");
	CHECK_ERR(hss_valid_apn_name("-a", NULL, 0), EINVAL,
	          "empty labels, edge hyphens, empty, .gprs refused");
	CHECK_ERR(hss_valid_apn_name("a-", NULL, 0), EINVAL,
	          "empty labels, edge hyphens, empty, .gprs refused");
	CHECK_ERR(hss_valid_apn_name("", NULL, 0), EINVAL,
	          "empty labels, edge hyphens, empty, .gprs refused");
	CHECK_ERR(hss_valid_apn_name("internet.mnc001.mcc001.gprs", NULL, 0), EINVAL,
	          "empty labels, edge hyphens, empty, .gprs refused");
	memset(buf, 'a', 70);
	buf[70] = 0;
	CHECK_ERR(hss_valid_apn_name(buf, NULL, 0), EINVAL, "label over 63 refused");

	/* APN specs */
	rc = hss_apn_parse("internet,qci=6,arp=3,pdn=ipv4,ambr-ul=10,ambr_dl=20,static-ip=10.0.0.1,"
	                   "pgw-alloc=static,vplmn-dyn=yes,preempt-cap=1,preempt-vuln=0", &a, err,
	                   sizeof(err));
	CHECK_ERR(rc, 0, "APN spec parsed (%s)", rc ? err : "");
	CHECK_INT(a.qci, ==, 6, "APN spec parsed (%s)", rc ? err : "");
	CHECK_INT(a.arp_prio, ==, 3, "APN spec parsed (%s)", rc ? err : "");
	CHECK_INT(a.pdn_type, ==, HSS_PDN_IPV4, "APN spec parsed (%s)", rc ? err : "");
	CHECK_INT(a.ambr_ul, ==, 10, "APN spec parsed (%s)", rc ? err : "");
	CHECK_INT(a.ambr_dl, ==, 20, "APN spec parsed (%s)", rc ? err : "");
	CHECK_STR(a.static_ipv4, "10.0.0.1", "APN spec parsed (%s)", rc ? err : "");
	CHECK_INT(a.pgw_alloc, ==, HSS_PGW_STATIC, "APN spec parsed (%s)", rc ? err : "");
	CHECK(a.vplmn_dyn, "APN spec parsed (%s)", rc ? err : "");
	CHECK(a.preempt_cap, "APN spec parsed (%s)", rc ? err : "");
	CHECK(!a.preempt_vuln, "APN spec parsed (%s)", rc ? err : "");
	rc = hss_apn_format(&a, buf, sizeof(buf));
	{
		struct hss_apn b;
		CHECK_ERR(rc, 0, "APN spec round trip: %s", buf);
		CHECK_ERR(hss_apn_parse(buf, &b, err, sizeof(err)), 0, "APN spec round trip: %s",
		          buf);
		CHECK_MEM(&a, &b, sizeof(a), "APN spec round trip: %s", buf);
	}
	rc = hss_apn_parse("internet,colour=red", &a, err, sizeof(err));
	CHECK_ERR(rc, EINVAL, "unknown APN key: %s", err);
	CHECK_SUBSTR(err, "colour", "unknown APN key: %s", err);
	rc = hss_apn_parse("internet,pdn=ipx", &a, err, sizeof(err));
	CHECK_ERR(rc, EINVAL, "bad pdn: %s", err);
	CHECK_SUBSTR(err, "pdn", "bad pdn: %s", err);
	CHECK_SUBSTR(err, "ipx", "bad pdn: %s", err);
	rc = hss_apn_parse("internet,qci", &a, err, sizeof(err));
	CHECK_ERR(rc, EINVAL, "key without value: %s", err);

	/* whole-subscriber checks */
	hss_sub_init(sub);
	hss_sub_set(sub, "imsi", "001010000000001", NULL, 0);
	set("apn", "internet;ims,qci=5", 1, NULL, NULL);
	CHECK_INT(sub->n_apns, ==, 2, "context ids allocated 1, 2");
	CHECK_INT(sub->apns[0].ctx_id, ==, 1, "context ids allocated 1, 2");
	CHECK_INT(sub->apns[1].ctx_id, ==, 2, "context ids allocated 1, 2");
	rc = hss_sub_validate(sub, err, sizeof(err));
	CHECK_ERR(rc, 0, "valid subscriber (%s)", err);
	sub->apns[1].ctx_id = 1;
	rc = hss_sub_validate(sub, err, sizeof(err));
	CHECK_ERR(rc, EINVAL, "duplicate context id: %s", err);
	CHECK_SUBSTR(err, "context id 1", "duplicate context id: %s", err);
	sub->apns[1].ctx_id = 2;
	set("apn", "INTERNET", 1, NULL, NULL);
	rc = hss_sub_validate(sub, err, sizeof(err));
	CHECK_ERR(rc, EINVAL, "duplicate APN: %s", err);
	CHECK_SUBSTR(err, "twice", "duplicate APN: %s", err);
	sub->n_apns = 2;
	sub->default_ctx_id = 7;
	rc = hss_sub_validate(sub, err, sizeof(err));
	CHECK_ERR(rc, EINVAL, "default context must exist: %s", err);
	CHECK_SUBSTR(err, "default_ctx_id", "default context must exist: %s", err);
	CHECK_SUBSTR(err, "7", "default context must exist: %s", err);
	sub->default_ctx_id = 2;
	sub->apns[0].arp_prio = 16;
	rc = hss_sub_validate(sub, err, sizeof(err));
	CHECK_ERR(rc, EINVAL, "ARP 16: %s", err);
	CHECK_SUBSTR(err, "arp", "ARP 16: %s", err);
	CHECK_SUBSTR(err, "16", "ARP 16: %s", err);
	sub->apns[0].arp_prio = 15;
	sub->apns[0].qci = 255;
	rc = hss_sub_validate(sub, err, sizeof(err));
	CHECK_ERR(rc, EINVAL, "QCI 255: %s", err);
	CHECK_SUBSTR(err, "qci", "QCI 255: %s", err);
	sub->apns[0].qci = 254;
	strcpy(sub->apns[0].static_ipv4, "10.0.0.256");
	rc = hss_sub_validate(sub, err, sizeof(err));
	CHECK_ERR(rc, EINVAL, "bad static IPv4: %s", err);
	CHECK_SUBSTR(err, "static_ipv4", "bad static IPv4: %s", err);
	sub->apns[0].static_ipv4[0] = 0;
	memset(sub->msisdn, '1', sizeof(sub->msisdn));  /* unterminated, as from a bad caller */
	rc = hss_sub_validate(sub, err, sizeof(err));
	CHECK_ERR(rc, EINVAL, "unterminated string caught: %s", err);
	CHECK_SUBSTR(err, "msisdn", "unterminated string caught: %s", err);
	sub->msisdn[0] = 0;
	sub->sqn = HSS_DB_SQN_MAX + 1;
	rc = hss_sub_validate(sub, err, sizeof(err));
	CHECK_ERR(rc, EINVAL, "SQN over 48 bits: %s", err);
	CHECK_SUBSTR(err, "sqn", "SQN over 48 bits: %s", err);
	sub->sqn = 0;
	CHECK_ERR(hss_sub_validate(sub, err, sizeof(err)), 0, "valid again (%s)", err);

	/* SQN default arithmetic: SEQ+1, IND+1 mod 32 */
	CHECK_UINT(hss_db_sqn_next_default(0, 5), ==, 33, "default SQN step");
	CHECK_UINT(hss_db_sqn_next_default(31, 5), ==, 32, "default SQN step: IND wraps");
	CHECK_UINT(hss_db_sqn_next_default(HSS_DB_SQN_MAX, 5), ==, 0,
	           "default SQN step: 2^48-1 wraps to 0");

	free(sub);
	return tap_done();
}

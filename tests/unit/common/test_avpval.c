/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_avpval.c: the AVP value codec of common/ (avptype.c, avpval.c) and the message dump
 * (dump.c) on freeDiameter's base dictionary plus a few AVPs defined here for the types it
 * lacks: every type's text form both ways, round trips, and bad input with its reason.
 */
#include "cm.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VENDOR_3GPP 10415u

/* AVPs the base dictionary does not have: a TBCD number and the 64-bit and float types. */
static void define_avps(void)
{
	struct dictionary *d = fd_g_config->cnf_dict;
	struct dict_vendor_data vd = { VENDOR_3GPP, "3GPP" };
	struct dict_object *vendor = NULL;
	static const struct { uint32_t code; const char *name; enum dict_avp_basetype base; } avps[] = {
		{ 65001, "Test-Integer64", AVP_TYPE_INTEGER64 },
		{ 65002, "Test-Float32", AVP_TYPE_FLOAT32 },
		{ 65003, "Test-Float64", AVP_TYPE_FLOAT64 },
	};
	struct dict_avp_data ad;
	size_t i;

	CHECK_ERR(fd_dict_new(d, DICT_VENDOR, &vd, NULL, &vendor), 0, "vendor 3GPP defined");
	memset(&ad, 0, sizeof(ad));
	ad.avp_code = 701;
	ad.avp_vendor = VENDOR_3GPP;
	ad.avp_name = "MSISDN";
	ad.avp_flag_mask = AVP_FLAG_VENDOR | AVP_FLAG_MANDATORY;
	ad.avp_flag_val = AVP_FLAG_VENDOR | AVP_FLAG_MANDATORY;
	ad.avp_basetype = AVP_TYPE_OCTETSTRING;
	CHECK_ERR(fd_dict_new(d, DICT_AVP, &ad, NULL, NULL), 0, "MSISDN defined");
	for (i = 0; i < sizeof(avps) / sizeof(avps[0]); i++) {
		memset(&ad, 0, sizeof(ad));
		ad.avp_code = avps[i].code;
		ad.avp_name = (char *)avps[i].name;
		ad.avp_basetype = avps[i].base;
		CHECK_ERR(fd_dict_new(d, DICT_AVP, &ad, NULL, NULL), 0, "%s defined", avps[i].name);
	}
}

static struct cm_avpdef def(const char *name)
{
	struct cm_avpdef d;

	memset(&d, 0, sizeof(d));
	CHECK_ERR(cm_avpdef_find(name, &d), 0, "%s is in the dictionary", name);
	return d;
}

static void test_types(void)
{
	struct cm_avpdef d;

	d = def("Session-Id");
	CHECK_INT(d.fmt, ==, CM_VF_OCTETS, "Session-Id: octets");
	CHECK(d.text && !d.nocase && !d.tbcd, "Session-Id: text, case matters, not TBCD");
	CHECK_UINT(d.code, ==, 263, "Session-Id: code");
	CHECK_STR(d.type_name, "UTF8String", "Session-Id: type");
	d = def("Origin-Host");
	CHECK_INT(d.fmt, ==, CM_VF_OCTETS, "Origin-Host: octets");
	CHECK(d.text && d.nocase, "Origin-Host: text without case");
	d = def("Redirect-Host");
	CHECK_INT(d.fmt, ==, CM_VF_OCTETS, "Redirect-Host: octets");
	CHECK(d.text && d.nocase, "Redirect-Host (DiameterURI): text without case");
	d = def("Host-IP-Address");
	CHECK_INT(d.fmt, ==, CM_VF_ADDRESS, "Host-IP-Address: an address");
	CHECK(!d.text, "Host-IP-Address: not text");
	d = def("Event-Timestamp");
	CHECK_INT(d.fmt, ==, CM_VF_TIME, "Event-Timestamp: a Time");
	d = def("Class");
	CHECK_INT(d.fmt, ==, CM_VF_OCTETS, "Class: octets");
	CHECK(!d.text && !d.type && !d.type_name, "Class: plain OctetString, no derived type");
	d = def("Proxy-Info");
	CHECK_INT(d.fmt, ==, CM_VF_GROUPED, "Proxy-Info: grouped");
	CHECK_INT(d.base, ==, AVP_TYPE_GROUPED, "Proxy-Info: base type");
	d = def("Result-Code");
	CHECK_INT(d.fmt, ==, CM_VF_NUM, "Result-Code: a number");
	CHECK_INT(d.base, ==, AVP_TYPE_UNSIGNED32, "Result-Code: Unsigned32");
	CHECK(d.type != NULL, "Result-Code: Enumerated type");
	d = def("MSISDN");
	CHECK_INT(d.fmt, ==, CM_VF_OCTETS, "MSISDN: octets");
	CHECK(d.tbcd, "MSISDN: TBCD");
	CHECK_UINT(d.vendor, ==, VENDOR_3GPP, "MSISDN: vendor");
	CHECK_UINT(d.code, ==, 701, "MSISDN: code");
	CHECK_ERR(cm_avpdef_find("No-Such-AVP", &d), ENOENT, "an unknown AVP");
	CHECK_ERR(cm_avpdef_get(NULL, &d), EINVAL, "no model");

	CHECK(cm_avp_is_tbcd("MSISDN") && cm_avp_is_tbcd("SC-Address") && cm_avp_is_tbcd("STN-SR"),
	      "MSISDN, SC-Address, STN-SR are TBCD");
	CHECK(!cm_avp_is_tbcd("User-Name") && !cm_avp_is_tbcd("msisdn") && !cm_avp_is_tbcd(NULL),
	      "User-Name, msisdn (case matters), NULL are not");

	CHECK_STR(cm_avp_basetype_name(AVP_TYPE_GROUPED), "Grouped");
	CHECK_STR(cm_avp_basetype_name(AVP_TYPE_OCTETSTRING), "OctetString");
	CHECK_STR(cm_avp_basetype_name(AVP_TYPE_INTEGER32), "Integer32");
	CHECK_STR(cm_avp_basetype_name(AVP_TYPE_INTEGER64), "Integer64");
	CHECK_STR(cm_avp_basetype_name(AVP_TYPE_UNSIGNED32), "Unsigned32");
	CHECK_STR(cm_avp_basetype_name(AVP_TYPE_UNSIGNED64), "Unsigned64");
	CHECK_STR(cm_avp_basetype_name(AVP_TYPE_FLOAT32), "Float32");
	CHECK_STR(cm_avp_basetype_name(AVP_TYPE_FLOAT64), "Float64");
	CHECK_STR(cm_avp_basetype_name((enum dict_avp_basetype)99), "?");
}

/* Parse `text` for the AVP `name`, expect the octets `want` (wantlen) or, for numbers,
 * compare outside; then the text form of the value must be `back`. */
static void round_trip_os(const char *name, bool tbcd, const char *text, size_t len,
                          const void *want, size_t wantlen, const char *back)
{
	struct cm_avpdef d = def(name);
	uint8_t store[256];
	union avp_value v;
	const char *why = NULL;
	char buf[256];
	size_t n = 0;
	int rc;

	rc = cm_avpval_parse(&d, tbcd, text, len, &v, store, sizeof(store), &why);
	if (!CHECK_ERR(rc, 0, "%s '%.*s' parses (%s)", name, (int)len, text, why ? why : "no reason"))
		return;
	if (CHECK_UINT(v.os.len, ==, wantlen, "%s '%.*s': length", name, (int)len, text) && wantlen)
		CHECK_MEM(v.os.data, want, wantlen, "%s '%.*s': octets", name, (int)len, text);
	CHECK_ERR(cm_avpval_text(&d, tbcd, &v, buf, sizeof(buf), &n), 0, "%s '%.*s': text form",
	          name, (int)len, text);
	if (d.fmt == CM_VF_OCTETS && !tbcd) {
		/* NULs kept */
		if (CHECK_UINT(n, ==, len, "%s '%.*s': text length", name, (int)len, text) && len)
			CHECK_MEM(buf, text, len, "%s '%.*s': text back", name, (int)len, text);
	} else {
		CHECK_UINT(n, ==, strlen(back), "%s '%.*s': text length", name, (int)len, text);
		CHECK_STR(buf, back, "%s '%.*s': text back", name, (int)len, text);
	}
}

static void test_octets(void)
{
	static const uint8_t v4[] = { 0, 1, 192, 0, 2, 1 };
	static const uint8_t v6[] = { 0, 2, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	                              1 };
	static const uint8_t msisdn[] = { 0x33, 0x16, 0x32, 0x54, 0x76, 0xf8 };
	static const uint8_t time_[] = { 0xe9, 0x3c, 0x1f, 0x00 };   /* 3913031424 */

	round_trip_os("Class", false, "abc", 3, "abc", 3, "abc");
	round_trip_os("Class", false, "", 0, "", 0, "");
	round_trip_os("Class", false, "a\0b", 3, "a\0b", 3, "a\0b");
	round_trip_os("User-Name", false, "001010000000001", 15, "001010000000001", 15,
	              "001010000000001");
	round_trip_os("MSISDN", true, "33612345678", 11, msisdn, sizeof(msisdn), "33612345678");
	round_trip_os("MSISDN", true, "3361234567", 10, msisdn, 5, "3361234567");
	round_trip_os("MSISDN", false, "33612345678", 11, "33612345678", 11, "33612345678");
	round_trip_os("Host-IP-Address", false, "192.0.2.1", 9, v4, sizeof(v4), "192.0.2.1");
	round_trip_os("Host-IP-Address", false, "2001:db8::1", 11, v6, sizeof(v6), "2001:db8::1");
	/* The text form is the canonical one: a long IPv6 form comes back compressed. */
	round_trip_os("Host-IP-Address", false, "2001:0db8:0:0:0:0:0:1", 21, v6, sizeof(v6),
	              "2001:db8::1");
	round_trip_os("Event-Timestamp", false, "3913031424", 10, time_, sizeof(time_),
	              "3913031424");
	round_trip_os("Event-Timestamp", false, "0xe93c1f00", 10, time_, sizeof(time_),
	              "3913031424");
}

/* Parse a number; the value must be `want` once written back as text. */
static void num(const char *name, const char *text, const char *back)
{
	struct cm_avpdef d = def(name);
	union avp_value v, v2;
	uint8_t store[8];
	const char *why = NULL;
	char buf[64];
	size_t n = 0;

	memset(&v, 0, sizeof(v));   /* compared whole below */
	if (!CHECK_ERR(cm_avpval_parse(&d, false, text, strlen(text), &v, store, sizeof(store), &why),
	               0, "%s '%s' parses (%s)", name, text, why ? why : "no reason"))
		return;
	if (!CHECK_ERR(cm_avpval_text(&d, false, &v, buf, sizeof(buf), &n), 0, "%s '%s': text form",
	               name, text))
		return;
	CHECK_UINT(n, ==, strlen(buf), "%s '%s': length of the text form", name, text);
	CHECK_STR(buf, back, "%s '%s'", name, text);
	/* And the text form reads back to the same value. */
	memset(&v2, 0, sizeof(v2));
	CHECK_ERR(cm_avpval_parse(&d, false, buf, n, &v2, store, sizeof(store), NULL), 0,
	          "%s '%s': its text form parses", name, buf);
	CHECK_MEM(&v2, &v, sizeof(v), "%s '%s': to the same value", name, buf);
}

static void test_numbers(void)
{
	num("Auth-Session-State", "1", "1");                        /* Integer32, Enumerated */
	num("Auth-Session-State", "NO_STATE_MAINTAINED", "1");
	num("Auth-Session-State", "-2147483648", "-2147483648");
	num("Auth-Session-State", "2147483647", "2147483647");
	num("Auth-Session-State", "+7", "7");
	num("Auth-Session-State", "0x10", "16");
	num("Auth-Session-State", "-0x10", "-16");
	num("Auth-Session-State", "010", "10");                     /* never octal */
	num("Result-Code", "2001", "2001");                         /* Unsigned32, Enumerated */
	num("Result-Code", "DIAMETER_SUCCESS", "2001");
	num("Result-Code", "4294967295", "4294967295");
	num("Result-Code", "0XFF", "255");
	num("Test-Integer64", "-9223372036854775808", "-9223372036854775808");
	num("Test-Integer64", "9223372036854775807", "9223372036854775807");
	num("Accounting-Sub-Session-Id", "18446744073709551615", "18446744073709551615");
	num("Accounting-Sub-Session-Id", "0", "0");
	num("Test-Float32", "1.5", "1.5");
	num("Test-Float32", "-0.25", "-0.25");
	num("Test-Float64", "0.1", "0.10000000000000001");
	num("Test-Float64", "1e300", "1.0000000000000001e+300");
}

/* Parsing text must fail with rc and a reason containing `why`. */
static void bad(const char *name, bool tbcd, const char *text, size_t len, size_t storesz,
                int rc, const char *why_part)
{
	struct cm_avpdef d = def(name);
	uint8_t store[128];
	union avp_value v;
	const char *why = NULL;
	int got;

	got = cm_avpval_parse(&d, tbcd, text, len, &v, store, storesz, &why);
	CHECK_ERR(got, rc, "%s '%.*s' refused", name, (int)len, text);
	CHECK_SUBSTR(why, why_part, "%s '%.*s': the reason", name, (int)len, text);
}

#define BAD(name, text, rc, why) bad(name, false, text, strlen(text), 128, rc, why)

static void test_bad_input(void)
{
	struct cm_avpdef d;
	union avp_value v;
	uint8_t store[32];
	char buf[64];
	size_t n;

	BAD("Result-Code", "-1", EINVAL, "not an Unsigned32");
	BAD("Result-Code", "4294967296", EINVAL, "out of range for Unsigned32");
	BAD("Result-Code", "abc", EINVAL, "not an Unsigned32");
	BAD("Result-Code", "", EINVAL, "not an Unsigned32");
	BAD("Result-Code", " 1", EINVAL, "not an Unsigned32");
	BAD("Result-Code", "1 ", EINVAL, "not an Unsigned32");
	BAD("Result-Code", "0x", EINVAL, "not an Unsigned32");
	bad("Result-Code", false, "1\0002", 3, 128, EINVAL, "not a number");
	BAD("Auth-Session-State", "2147483648", EINVAL, "out of range for Integer32");
	BAD("Auth-Session-State", "-2147483649", EINVAL, "out of range for Integer32");
	BAD("Auth-Session-State", "NO_SUCH_STATE", EINVAL, "known constant");
	BAD("Test-Integer64", "9223372036854775808", EINVAL, "not an Integer64");
	BAD("Accounting-Sub-Session-Id", "-1", EINVAL, "not an Unsigned64");
	BAD("Accounting-Sub-Session-Id", "18446744073709551616", EINVAL, "not an Unsigned64");
	BAD("Test-Float32", "1.5x", EINVAL, "not a number");
	BAD("Test-Float64", "", EINVAL, "not a number");
	BAD("Host-IP-Address", "192.0.2", EINVAL, "not an IPv4 or IPv6 address");
	BAD("Host-IP-Address", "", EINVAL, "not an IPv4 or IPv6 address");
	BAD("Host-IP-Address", "2001:db8::g", EINVAL, "not an IPv4 or IPv6 address");
	BAD("Host-IP-Address", "host.example.org", EINVAL, "not an IPv4 or IPv6 address");
	bad("Host-IP-Address", false, "192.0.2.1", 9, 17, EINVAL, "not an IPv4 or IPv6 address");
	BAD("Event-Timestamp", "yesterday", EINVAL, "not a Time");
	BAD("Event-Timestamp", "-1", EINVAL, "not a Time");
	BAD("Event-Timestamp", "4294967296", EINVAL, "not a Time");
	bad("MSISDN", true, "3361x", 5, 128, EINVAL, "not a TBCD number");
	bad("MSISDN", true, "33612345678", 11, 5, EINVAL, "too long");
	bad("Class", false, "abcdef", 6, 5, ENOSPC, "too long");
	BAD("Proxy-Info", "x", EINVAL, "Grouped");

	/* Values from the wire that have no text form. */
	d = def("Host-IP-Address");
	v.os.data = (uint8_t *)"\x00\x01\xc0\x00\x02";
	v.os.len = 5;
	CHECK_ERR(cm_avpval_text(&d, false, &v, buf, sizeof(buf), &n), EINVAL,
	          "an address of 5 octets");
	v.os.data = (uint8_t *)"\x00\x03\xc0\x00\x02\x01";   /* family 3 */
	v.os.len = 6;
	CHECK_ERR(cm_avpval_text(&d, false, &v, buf, sizeof(buf), &n), EINVAL,
	          "an address of family 3");
	d = def("Event-Timestamp");
	CHECK_ERR(cm_avpval_text(&d, false, &v, buf, sizeof(buf), &n), EINVAL, "a Time of 6 octets");
	d = def("MSISDN");
	v.os.data = (uint8_t *)"\xf3\x16";                  /* filler before the end */
	v.os.len = 2;
	CHECK_ERR(cm_avpval_text(&d, true, &v, buf, sizeof(buf), &n), EINVAL,
	          "TBCD with a filler before the end");
	d = def("Class");
	v.os.data = (uint8_t *)"abcdef";
	v.os.len = 6;
	CHECK_ERR(cm_avpval_text(&d, false, &v, buf, 6, &n), ENOSPC, "6 octets into 6 (no room for NUL)");
	CHECK_ERR(cm_avpval_text(&d, false, &v, buf, 7, &n), 0, "6 octets into 7");
	CHECK_UINT(n, ==, 6, "6 octets written");
	d = def("Result-Code");
	v.u32 = 4294967295u;
	CHECK_ERR(cm_avpval_text(&d, false, &v, buf, 10, &n), ENOSPC, "4294967295 into 10 octets");
	d = def("Proxy-Info");
	CHECK_ERR(cm_avpval_text(&d, false, &v, buf, sizeof(buf), &n), EINVAL, "a grouped AVP");
	CHECK_ERR(cm_avpval_parse(NULL, false, "1", 1, &v, store, sizeof(store), NULL), EINVAL,
	          "parse without a definition");
}

static void test_enum_names(void)
{
	struct cm_avpdef d = def("Result-Code");
	union avp_value v;

	v.u32 = 2001;
	CHECK_STR(cm_avpval_enum_name(&d, &v), "DIAMETER_SUCCESS", "Result-Code 2001");
	v.u32 = 2999;
	CHECK_STR(cm_avpval_enum_name(&d, &v), NULL, "Result-Code 2999 has no name");
	d = def("Auth-Session-State");
	v.i32 = 1;
	CHECK_STR(cm_avpval_enum_name(&d, &v), "NO_STATE_MAINTAINED", "Auth-Session-State 1");
	d = def("Accounting-Sub-Session-Id");                  /* no constants */
	v.u64 = 1;
	CHECK_STR(cm_avpval_enum_name(&d, &v), NULL, "a type without constants");
	CHECK_STR(cm_avpval_enum_name(NULL, &v), NULL, "no definition");
}

/* The value of the first `name` under parent, as octets. */
static bool avp_is(msg_or_avp *parent, const char *name, const void *want, size_t len)
{
	union avp_value *v = cm_avp_value(cm_avp_find(parent, name));

	return v && v->os.len == len && !memcmp(v->os.data, want, len);
}

static void test_add_text(void)
{
	struct msg *m = NULL;
	const char *why = NULL;
	char big[1001];
	union avp_value *v;

	if (!CHECK_ERR(fd_msg_new(cm_dict_cmd("Capabilities-Exchange-Request"), 0, &m), 0, "a CER"))
		return;
	CHECK_ERR(cm_avp_add_text(m, "Host-IP-Address", "192.0.2.1", false, &why), 0,
	          "Host-IP-Address 192.0.2.1 added");
	CHECK(avp_is(m, "Host-IP-Address", "\x00\x01\xc0\x00\x02\x01", 6),
	      "as family 1 and 4 octets");
	CHECK_ERR(cm_avp_add_text(m, "MSISDN", "33612345678", true, NULL), 0, "MSISDN added");
	CHECK(avp_is(m, "MSISDN", "\x33\x16\x32\x54\x76\xf8", 6), "as TBCD");
	CHECK_ERR(cm_avp_add_text(m, "Result-Code", "DIAMETER_SUCCESS", false, NULL), 0,
	          "Result-Code by its name");
	if (CHECK((v = cm_avp_value(cm_avp_find(m, "Result-Code"))) != NULL, "Result-Code found"))
		CHECK_UINT(v->u32, ==, 2001, "DIAMETER_SUCCESS is 2001");
	memset(big, 'x', 1000);
	big[1000] = '\0';
	CHECK_ERR(cm_avp_add_text(m, "Class", big, false, NULL), 0,
	          "1000 octets (past the stack buffer)");
	CHECK(avp_is(m, "Class", big, 1000), "the 1000 octets kept");
	why = NULL;
	CHECK_ERR(cm_avp_add_text(m, "Host-IP-Address", "300.0.0.1", false, &why), EINVAL,
	          "300.0.0.1 refused");
	CHECK_STR(why, "not an IPv4 or IPv6 address", "the reason");
	why = NULL;
	CHECK_ERR(cm_avp_add_text(m, "No-Such-AVP", "1", false, &why), ENOENT, "an unknown AVP");
	CHECK(why != NULL, "an unknown AVP: a reason given");
	CHECK_ERR(cm_avp_add_text(m, "Proxy-Info", "", false, NULL), EINVAL, "a grouped AVP");
	CHECK_ERR(cm_avp_add_text(NULL, "Class", "x", false, NULL), EINVAL, "no parent");
	CHECK_ERR(cm_avp_add_text(m, "Class", NULL, false, NULL), EINVAL, "no text");
	fd_msg_free(m);
}

static char *dump(msg_or_avp *parent, unsigned flags, int depth)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	cm_avps_dump(f, parent, flags, depth, NULL);
	fclose(f);
	return buf;
}

static void test_dump(void)
{
	struct msg *m = NULL;
	struct avp *pi = NULL;
	char *text, *json;
	FILE *f;
	char *s = NULL;
	size_t n = 0;

	if (!CHECK_ERR(fd_msg_new(cm_dict_cmd("Capabilities-Exchange-Request"), 0, &m), 0, "a CER"))
		return;
	CHECK_ERR(cm_avp_add_str(m, "Origin-Host", "a.example.org"), 0);
	CHECK_ERR(cm_avp_add_text(m, "Host-IP-Address", "2001:db8::1", false, NULL), 0);
	CHECK_ERR(cm_avp_add_text(m, "Auth-Session-State", "1", false, NULL), 0);
	CHECK_ERR(cm_avp_add_text(m, "MSISDN", "33612345678", true, NULL), 0);
	CHECK_ERR(cm_avp_add_os(m, "Class", "abc", 3), 0);
	CHECK_ERR(cm_avp_add_os(m, "Class", "\x01\x02", 2), 0);
	CHECK_ERR(cm_avp_add_os(m, "Session-Id", "a\"b\n", 4), 0);
	if (!CHECK_ERR(cm_avp_add_group(m, "Proxy-Info", &pi), 0)) {
		fd_msg_free(m);
		return;
	}
	CHECK_ERR(cm_avp_add_str(pi, "Proxy-Host", "p.example.org"), 0);
	CHECK_ERR(cm_avp_add_text(m, "Test-Float64", "0.5", false, NULL), 0);

	text = dump(m, 0, 1);
	CHECK_STR(text,
	          "  Origin-Host = \"a.example.org\"\n"
	          "  Host-IP-Address = 2001:db8::1\n"
	          "  Auth-Session-State = 1 (NO_STATE_MAINTAINED)\n"
	          "  MSISDN = 0x3316325476f8 (digits 33612345678)\n"
	          "  Class = 0x616263 (text \"abc\")\n"
	          "  Class = 0x0102\n"
	          "  Session-Id = \"a\\\"b\\n\"\n"
	          "  Proxy-Info:\n"
	          "    Proxy-Host = \"p.example.org\"\n"
	          "  Test-Float64 = 0.5\n", "the text dump");
	free(text);
	text = dump(pi, CM_DUMP_CODES, 0);
	CHECK_STR(text, "Proxy-Host (280 M) = \"p.example.org\"\n", "the dump with codes");
	free(text);

	json = dump(m, CM_DUMP_JSON, 0);
	CHECK_STR(json,
	          "[{\"name\":\"Origin-Host\",\"code\":264,\"flags\":\"M\",\"value\":\"a.example.org\"},"
	          "{\"name\":\"Host-IP-Address\",\"code\":257,\"flags\":\"M\",\"value\":\"2001:db8::1\"},"
	          "{\"name\":\"Auth-Session-State\",\"code\":277,\"flags\":\"M\",\"value\":1,"
	          "\"enum\":\"NO_STATE_MAINTAINED\"},"
	          "{\"name\":\"MSISDN\",\"code\":701,\"vendor\":10415,\"flags\":\"VM\","
	          "\"value\":\"3316325476f8\",\"digits\":\"33612345678\"},"
	          "{\"name\":\"Class\",\"code\":25,\"flags\":\"M\",\"value\":\"616263\"},"
	          "{\"name\":\"Class\",\"code\":25,\"flags\":\"M\",\"value\":\"0102\"},"
	          "{\"name\":\"Session-Id\",\"code\":263,\"flags\":\"M\",\"value\":\"a\\\"b\\n\"},"
	          "{\"name\":\"Proxy-Info\",\"code\":284,\"flags\":\"M\",\"avps\":"
	          "[{\"name\":\"Proxy-Host\",\"code\":280,\"flags\":\"M\",\"value\":\"p.example.org\"}]},"
	          "{\"name\":\"Test-Float64\",\"code\":65003,\"flags\":\"\",\"value\":0.5}]",
	          "the JSON dump");
	free(json);
	CHECK_STR(cm_msg_cmd_name(m), "Capabilities-Exchange-Request", "the command name");
	fd_msg_free(m);

	if (!(f = open_memstream(&s, &n)))
		tap_bail("open_memstream: %s", strerror(errno));
	cm_json_str(f, "q\"b\\s\t\x01\x7f\xc3\xa9", 10);
	fclose(f);
	CHECK_STR(s, "\"q\\\"b\\\\s\\t\\u0001\\u007f\xc3\xa9\"",
	          "a JSON string: quote, backslash, controls escaped, UTF-8 kept");
	free(s);
}

int main(void)
{
	int rc;

	fd_g_debug_lvl = FD_LOG_ERROR;
	if ((rc = fd_core_initialize()))
		tap_bail("fd_core_initialize: %s", strerror(rc));
	define_avps();
	test_types();
	test_octets();
	test_numbers();
	test_bad_input();
	test_enum_names();
	test_add_text();
	test_dump();
	return tap_done();
}

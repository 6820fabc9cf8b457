// SPDX-License-Identifier: BSD-3-Clause
/* test_codec.c: TBCD, PLMN-Id and hex codecs against examples worked from TS 29.002 and
 * TS 24.008 10.5.1.3. */
#include "cm.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static void test_tbcd(void)
{
	uint8_t buf[16];
	char s[32];
	size_t n = 0;

	/* MSISDN 491720000001 (even length). */
	CHECK_ERR(cm_tbcd_encode("491720000001", 12, buf, sizeof(buf), &n), 0);
	CHECK_INT(n, ==, 6);
	CHECK_MEM(buf, "\x94\x71\x02\x00\x00\x10", 6);
	CHECK_ERR(cm_tbcd_decode(buf, n, s, sizeof(s)), 0);
	CHECK_STR(s, "491720000001");

	/* IMSI 001010123456789 (odd length: filler 0xF in the last high nibble). */
	CHECK_ERR(cm_tbcd_encode("001010123456789", 15, buf, sizeof(buf), &n), 0);
	CHECK_INT(n, ==, 8);
	CHECK_MEM(buf, "\x00\x01\x01\x21\x43\x65\x87\xf9", 8);
	CHECK_ERR(cm_tbcd_decode(buf, n, s, sizeof(s)), 0);
	CHECK_STR(s, "001010123456789");

	/* The extra TBCD symbols. */
	CHECK_ERR(cm_tbcd_encode("*#abc", 5, buf, sizeof(buf), &n), 0);
	CHECK_INT(n, ==, 3);
	CHECK_MEM(buf, "\xba\xdc\xfe", 3);
	CHECK_ERR(cm_tbcd_decode(buf, n, s, sizeof(s)), 0);
	CHECK_STR(s, "*#abc");

	/* Empty. */
	CHECK_ERR(cm_tbcd_encode("", 0, buf, sizeof(buf), &n), 0);
	CHECK_INT(n, ==, 0);
	CHECK_ERR(cm_tbcd_decode(buf, 0, s, sizeof(s)), 0);
	CHECK_INT(s[0], ==, '\0');

	/* Errors. */
	CHECK_ERR(cm_tbcd_encode("12x4", 4, buf, sizeof(buf), &n), EINVAL);
	CHECK_ERR(cm_tbcd_encode("12345", 5, buf, 2, &n), ENOSPC);
	CHECK_ERR(cm_tbcd_decode((const uint8_t *)"\x21\xf3\x54", 3, s, sizeof(s)), EINVAL);
	CHECK_ERR(cm_tbcd_decode((const uint8_t *)"\x2f", 1, s, sizeof(s)), EINVAL);
	CHECK_ERR(cm_tbcd_decode((const uint8_t *)"\x21\x43", 2, s, 4), ENOSPC);
	CHECK_ERR(cm_tbcd_decode((const uint8_t *)"\x21\x43", 2, s, 5), 0);
	CHECK_STR(s, "1234");
	CHECK_ERR(cm_tbcd_decode((const uint8_t *)"\x21\xf3", 2, s, 4), 0);
	CHECK_STR(s, "123");
}

static void test_plmn(void)
{
	uint8_t p[3];
	char s[7];

	CHECK_ERR(cm_plmn_encode("00101", p), 0);
	CHECK_MEM(p, "\x00\xf1\x10", 3);
	CHECK_ERR(cm_plmn_decode(p, s), 0);
	CHECK_STR(s, "00101");

	CHECK_ERR(cm_plmn_encode("310410", p), 0);
	CHECK_MEM(p, "\x13\x00\x14", 3);
	CHECK_ERR(cm_plmn_decode(p, s), 0);
	CHECK_STR(s, "310410");

	CHECK_ERR(cm_plmn_encode("26201", p), 0);
	CHECK_MEM(p, "\x62\xf2\x10", 3);
	CHECK_ERR(cm_plmn_decode(p, s), 0);
	CHECK_STR(s, "26201");

	CHECK_ERR(cm_plmn_encode("208093", p), 0);
	CHECK_MEM(p, "\x02\x38\x90", 3);
	CHECK_ERR(cm_plmn_decode(p, s), 0);
	CHECK_STR(s, "208093");

	CHECK_ERR(cm_plmn_encode("2620", p), EINVAL);
	CHECK_ERR(cm_plmn_encode("2620123", p), EINVAL);
	CHECK_ERR(cm_plmn_encode("26a01", p), EINVAL);
	CHECK_ERR(cm_plmn_decode((const uint8_t *)"\x6a\xf2\x10", s), EINVAL);
}

static void test_hex(void)
{
	uint8_t b[4];
	char s[9];

	CHECK_ERR(cm_hex_decode("00aBcDeF", b, 4), 0);
	CHECK_MEM(b, "\x00\xab\xcd\xef", 4);
	cm_hex_encode(b, 4, s);
	CHECK_STR(s, "00abcdef");
	CHECK_ERR(cm_hex_decode("00abcde", b, 4), EINVAL);
	CHECK_ERR(cm_hex_decode("00abcdef00", b, 4), EINVAL);
	CHECK_ERR(cm_hex_decode("00abcdeg", b, 4), EINVAL);
	CHECK_ERR(cm_hex_decode("", b, 0), 0);
	cm_hex_encode(b, 0, s);
	CHECK_INT(s[0], ==, '\0');
}

int main(void)
{
	test_tbcd();
	test_plmn();
	test_hex();
	return tap_done();
}

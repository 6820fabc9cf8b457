/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_milenage.c: MILENAGE against every conformance test set of TS 35.208 section 4.3 (OPc,
 * f1, f1*, f2, f3, f4, f5, f5*), and the GERAN conversion functions c2/c3 against the GSM
 * triplets of TS 55.205 for the same subscribers.
 */
#include "hss_auth.h"
#include "tap.h"
#include "ts35208_sets.h"

#include <errno.h>
#include <string.h>

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

static void test_set(const struct ts35208_set *t)
{
	uint8_t k[16], rand[16], sqn[6], amf[2], op[16], opc[16];
	uint8_t got_opc[16], mac_a[8], mac_s[8], res[8], ck[16], ik[16], ak[6], ak_s[6];
	int s = t->set;

	tap_hex(t->k, k, 16);
	tap_hex(t->rand, rand, 16);
	tap_hex(t->sqn, sqn, 6);
	tap_hex(t->amf, amf, 2);
	tap_hex(t->op, op, 16);
	tap_hex(t->opc, opc, 16);

	CHECK_ERR(hss_milenage_opc(k, op, got_opc), 0, "set %d", s);
	CHECK_HEX(got_opc, t->opc, 16, "set %d: OPc", s);

	CHECK_ERR(hss_milenage_f1(opc, k, rand, sqn, amf, mac_a, mac_s), 0, "set %d", s);
	CHECK_HEX(mac_a, t->f1, 8, "set %d: f1", s);
	CHECK_HEX(mac_s, t->f1s, 8, "set %d: f1*", s);

	/* Each output on its own too: the NULL-skipping paths must not change the others. */
	memset(mac_a, 0, 8);
	CHECK_ERR(hss_milenage_f1(opc, k, rand, sqn, amf, mac_a, NULL), 0, "set %d", s);
	CHECK_HEX(mac_a, t->f1, 8, "set %d: f1 alone", s);
	memset(mac_s, 0, 8);
	CHECK_ERR(hss_milenage_f1(opc, k, rand, sqn, amf, NULL, mac_s), 0, "set %d", s);
	CHECK_HEX(mac_s, t->f1s, 8, "set %d: f1* alone", s);

	CHECK_ERR(hss_milenage_f2345(opc, k, rand, res, ck, ik, ak), 0, "set %d", s);
	CHECK_HEX(res, t->f2, 8, "set %d: f2", s);
	CHECK_HEX(ck, t->f3, 16, "set %d: f3", s);
	CHECK_HEX(ik, t->f4, 16, "set %d: f4", s);
	CHECK_HEX(ak, t->f5, 6, "set %d: f5", s);

	memset(ik, 0, 16);
	CHECK_ERR(hss_milenage_f2345(opc, k, rand, NULL, NULL, ik, NULL), 0, "set %d", s);
	CHECK_HEX(ik, t->f4, 16, "set %d: f4 alone", s);

	CHECK_ERR(hss_milenage_f5star(opc, k, rand, ak_s), 0, "set %d", s);
	CHECK_HEX(ak_s, t->f5s, 6, "set %d: f5*", s);
}

static void test_gsm(const struct ts55205_set *t)
{
	struct hss_auth_keys keys;
	struct hss_geran_vector v;
	uint8_t rand[16], res[8], ck[16], ik[16], sres[4], kc[8];

	memset(&keys, 0, sizeof(keys));
	tap_hex(t->k, keys.k, 16);
	tap_hex(t->opc, keys.opc, 16);
	tap_hex(t->rand, rand, 16);

	CHECK_ERR(hss_gen_geran_vector(&keys, rand, &v), 0, "gsm set %d", t->set);
	CHECK_MEM(v.rand, rand, 16, "gsm set %d: RAND", t->set);
	CHECK_HEX(v.sres, t->sres, 4, "gsm set %d: SRES", t->set);
	CHECK_HEX(v.kc, t->kc, 8, "gsm set %d: Kc", t->set);

	/* The same through c2/c3 directly. */
	CHECK_ERR(hss_milenage_f2345(keys.opc, keys.k, rand, res, ck, ik, NULL), 0, "gsm %d",
	          t->set);
	CHECK_ERR(hss_c2(res, 8, sres), 0, "gsm set %d: c2", t->set);
	CHECK_HEX(sres, t->sres, 4, "gsm set %d: c2", t->set);
	CHECK_ERR(hss_c3(ck, ik, kc), 0, "gsm set %d: c3", t->set);
	CHECK_HEX(kc, t->kc, 8, "gsm set %d: c3", t->set);
}

static void test_c2_lengths(void)
{
	const uint8_t x[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	uint8_t sres[4] = { 0xee, 0xee, 0xee, 0xee };

	/* A 32-bit XRES is its own SRES; 128 bits fold four words. */
	CHECK_ERR(hss_c2(x, 4, sres), 0, "c2 32-bit");
	CHECK_MEM(sres, x, 4, "c2 32-bit");
	CHECK_ERR(hss_c2(x, 16, sres), 0, "c2 128-bit");
	CHECK_INT(sres[0], ==, (1 ^ 5 ^ 9 ^ 13), "c2 128-bit");
	CHECK_INT(sres[3], ==, (4 ^ 8 ^ 12 ^ 16), "c2 128-bit");
	/* 6 octets: the last word is zero-padded. */
	CHECK_ERR(hss_c2(x, 6, sres), 0, "c2 48-bit");
	CHECK_INT(sres[0], ==, (1 ^ 5), "c2 48-bit");
	CHECK_INT(sres[1], ==, (2 ^ 6), "c2 48-bit");
	CHECK_INT(sres[2], ==, 3, "c2 48-bit");
	CHECK_INT(sres[3], ==, 4, "c2 48-bit");
	CHECK_ERR(hss_c2(x, 3, sres), EINVAL, "c2 of under 4 octets is EINVAL");
	CHECK_ERR(hss_c2(x, 17, sres), EINVAL, "c2 of over 16 octets is EINVAL");
}

static void test_args(void)
{
	uint8_t b[16] = { 0 };

	CHECK_ERR(hss_milenage_opc(NULL, b, b), EINVAL, "OPc without K is EINVAL");
	CHECK_ERR(hss_milenage_f1(b, b, b, b, b, NULL, NULL), EINVAL,
	          "f1 with no output is EINVAL");
	CHECK_ERR(hss_milenage_f2345(b, NULL, b, b, NULL, NULL, NULL), EINVAL,
	          "f2345 without K is EINVAL");
	CHECK_ERR(hss_milenage_f5star(b, b, b, NULL), EINVAL, "f5* with no output is EINVAL");
}

int main(void)
{
	for (size_t i = 0; i < N_ELEM(ts35208_sets); i++)
		test_set(&ts35208_sets[i]);
	for (size_t i = 0; i < N_ELEM(ts55205_sets); i++)
		test_gsm(&ts55205_sets[i]);
	test_c2_lengths();
	test_args();
	tap_note("%zu TS 35.208 sets, %zu TS 55.205 sets", N_ELEM(ts35208_sets),
	         N_ELEM(ts55205_sets));
	return tap_done();
}

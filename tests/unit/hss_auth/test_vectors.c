/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_vectors.c: E-UTRAN and UTRAN vectors checked against TS 35.208 data and accepted by the
 * USIM-side check; tampered AUTNs rejected; the AMF separation bit; resynchronisation round
 * trips (USIM computes AUTS for SQN_MS, the HSS recovers it; a flipped bit is rejected); and a
 * full out-of-sync scenario against a simulated USIM with an IND-indexed SEQ array.
 */
#include "hss_auth.h"
#include "tap.h"
#include "ts35208_sets.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#define N_ELEM(a) (sizeof(a) / sizeof((a)[0]))

static const uint8_t test_plmn[3] = { 0x00, 0xf1, 0x10 };   /* MCC 001 MNC 01 */

static void load_keys(const struct ts35208_set *t, struct hss_auth_keys *keys)
{
	memset(keys, 0, sizeof(*keys));
	tap_hex(t->k, keys->k, 16);
	tap_hex(t->opc, keys->opc, 16);
	tap_hex(t->amf, keys->amf, 2);
}

static void test_eutran_sets(void)
{
	for (size_t i = 0; i < N_ELEM(ts35208_sets); i++) {
		const struct ts35208_set *t = &ts35208_sets[i];
		struct hss_auth_keys keys;
		struct hss_eutran_vector v;
		uint8_t rand[16], sqn[6], ak[6], ck[16], ik[16], sqn_ak[6], kasme[32];
		uint8_t amf[2], res[8];
		uint64_t got_sqn = 0;
		int s = t->set;

		load_keys(t, &keys);
		tap_hex(t->rand, rand, 16);
		tap_hex(t->sqn, sqn, 6);
		tap_hex(t->f5, ak, 6);
		tap_hex(t->f3, ck, 16);
		tap_hex(t->f4, ik, 16);

		CHECK_ERR(hss_gen_eutran_vector(&keys, sqn, test_plmn, rand, &v), 0,
		          "set %d: generated", s);
		CHECK_MEM(v.rand, rand, 16, "set %d: RAND", s);
		if (CHECK_INT(v.xres_len, ==, 8, "set %d: XRES", s))
			CHECK_HEX(v.xres, t->f2, 8, "set %d: XRES", s);
		for (int j = 0; j < 6; j++)
			sqn_ak[j] = sqn[j] ^ ak[j];
		CHECK_MEM(v.autn, sqn_ak, 6, "set %d: AUTN SQN^AK", s);
		CHECK_INT(v.autn[6], ==, (keys.amf[0] | 0x80),
		          "set %d: AUTN AMF has the separation bit", s);
		CHECK_INT(v.autn[7], ==, keys.amf[1], "set %d: AUTN AMF has the separation bit", s);
		/* Where the provisioned AMF already has the bit, MAC-A is the published f1. */
		if (keys.amf[0] & 0x80)
			CHECK_HEX(v.autn + 8, t->f1, 8, "set %d: AUTN MAC-A", s);
		CHECK_ERR(hss_kasme(ck, ik, test_plmn, sqn_ak, kasme), 0, "set %d: generated", s);
		CHECK_MEM(v.kasme, kasme, 32, "set %d: KASME", s);

		/* The USIM accepts it and recovers SQN. */
		CHECK_ERR(hss_usim_check_autn(&keys, v.rand, v.autn, &got_sqn, amf, res, NULL,
		                              NULL), 0, "set %d: the USIM accepts AUTN", s);
		CHECK_UINT(got_sqn, ==, hss_sqn_from_bytes(sqn), "set %d: SQN %" PRIx64, s,
		           got_sqn);
		CHECK(amf[0] & HSS_AMF_SEPARATION_BIT, "set %d: the USIM sees the separation bit",
		      s);
		CHECK_MEM(res, v.xres, 8, "set %d: RES == XRES", s);

		/* Any single flipped bit of AUTN is caught. */
		for (int j = 0; j < 16; j++) {
			uint8_t bad[16];
			uint64_t untouched = 0x5a5a;

			memcpy(bad, v.autn, 16);
			bad[j] ^= (uint8_t)(1u << (j % 8));
			CHECK_ERR(hss_usim_check_autn(&keys, v.rand, bad, &untouched, NULL, NULL,
			                              NULL, NULL), EBADMSG,
			          "set %d: AUTN with octet %d flipped is rejected", s, j);
			CHECK_UINT(untouched, ==, 0x5a5a, "set %d: no output on failure", s);
		}
	}
}

static void test_utran_sets(void)
{
	for (size_t i = 0; i < N_ELEM(ts35208_sets); i++) {
		const struct ts35208_set *t = &ts35208_sets[i];
		struct hss_auth_keys keys;
		struct hss_utran_vector v;
		uint8_t rand[16], sqn[6], ak[6], ck[16], ik[16];
		int s = t->set;

		load_keys(t, &keys);
		tap_hex(t->rand, rand, 16);
		tap_hex(t->sqn, sqn, 6);
		tap_hex(t->f5, ak, 6);

		CHECK_ERR(hss_gen_utran_vector(&keys, sqn, rand, &v), 0, "set %d: generated", s);
		if (CHECK_INT(v.xres_len, ==, 8, "set %d: XRES", s))
			CHECK_HEX(v.xres, t->f2, 8, "set %d: XRES", s);
		CHECK_HEX(v.ck, t->f3, 16, "set %d: CK", s);
		CHECK_HEX(v.ik, t->f4, 16, "set %d: IK", s);
		for (int j = 0; j < 6; j++)
			CHECK_INT(v.autn[j], ==, (sqn[j] ^ ak[j]), "set %d: AUTN octet %d", s, j);
		/* UTRAN keeps the AMF as provisioned: the whole AUTN is the published one. */
		CHECK_MEM(v.autn + 6, keys.amf, 2, "set %d: AMF", s);
		CHECK_HEX(v.autn + 8, t->f1, 8, "set %d: MAC-A", s);
		CHECK_ERR(hss_usim_check_autn(&keys, rand, v.autn, NULL, NULL, NULL, ck, ik), 0,
		          "set %d: USIM", s);
		CHECK_MEM(ck, v.ck, 16, "set %d: CK/IK", s);
		CHECK_MEM(ik, v.ik, 16, "set %d: CK/IK", s);
	}
}

static void test_amf_and_random(void)
{
	struct hss_auth_keys keys;
	struct hss_eutran_vector a, b;
	uint8_t sqn[6], amf[2];
	uint64_t got;

	load_keys(&ts35208_sets[0], &keys);
	keys.amf[0] = 0x00;
	keys.amf[1] = 0x00;
	hss_sqn_to_bytes(33, sqn);

	hss_amf_set_separation(keys.amf, amf);
	CHECK_INT(amf[0], ==, 0x80, "separation helper");
	CHECK_INT(amf[1], ==, 0x00, "separation helper");
	amf[0] = 0x7f;
	amf[1] = 0x42;
	hss_amf_set_separation(amf, amf);
	CHECK_INT(amf[0], ==, 0xff, "separation helper in place");
	CHECK_INT(amf[1], ==, 0x42, "separation helper in place");

	/* RAND drawn by the library: fresh each time, and the vectors are valid. */
	CHECK_ERR(hss_gen_eutran_vector(&keys, sqn, test_plmn, NULL, &a), 0, "random a");
	CHECK_ERR(hss_gen_eutran_vector(&keys, sqn, test_plmn, NULL, &b), 0, "random b");
	CHECK_INT(memcmp(a.rand, b.rand, 16), !=, 0, "two random RANDs differ");
	CHECK_INT(memcmp(a.kasme, b.kasme, 32), !=, 0,
	          "vectors with different RANDs have different KASMEs");
	CHECK_INT(a.autn[6], ==, 0x80, "AMF 0000 goes out as 8000");
	CHECK_INT(a.autn[7], ==, 0x00, "AMF 0000 goes out as 8000");
	CHECK_ERR(hss_usim_check_autn(&keys, a.rand, a.autn, &got, NULL, NULL, NULL, NULL), 0,
	          "random vector a");
	CHECK_UINT(got, ==, 33, "random vector a");
	CHECK_ERR(hss_usim_check_autn(&keys, b.rand, b.autn, &got, NULL, NULL, NULL, NULL), 0,
	          "random vector b");
	CHECK_UINT(got, ==, 33, "random vector b");
	/* The RAND is bound: a's AUTN with b's RAND fails. */
	CHECK_ERR(hss_usim_check_autn(&keys, b.rand, a.autn, NULL, NULL, NULL, NULL, NULL), EBADMSG,
	          "AUTN with another RAND is rejected");

	CHECK_ERR(hss_gen_eutran_vector(NULL, sqn, test_plmn, NULL, &a), EINVAL, "NULL keys");
	CHECK_ERR(hss_gen_eutran_vector(&keys, sqn, NULL, NULL, &a), EINVAL, "NULL plmn");
	{
		struct hss_utran_vector u;

		CHECK_ERR(hss_gen_utran_vector(&keys, NULL, NULL, &u), EINVAL, "NULL sqn");
	}
}

static void test_resync_sets(void)
{
	for (size_t i = 0; i < N_ELEM(ts35208_sets); i++) {
		const struct ts35208_set *t = &ts35208_sets[i];
		struct hss_auth_keys keys;
		uint8_t rand[16], sqn[6], ak_s[6], auts[14];
		uint64_t sqn_ms, got = 0;
		int s = t->set;

		load_keys(t, &keys);
		tap_hex(t->rand, rand, 16);
		tap_hex(t->sqn, sqn, 6);
		tap_hex(t->f5s, ak_s, 6);
		sqn_ms = hss_sqn_from_bytes(sqn);

		CHECK_ERR(hss_usim_compute_auts(&keys, rand, sqn_ms, auts), 0, "set %d: generated",
		          s);
		for (int j = 0; j < 6; j++)
			CHECK_INT(auts[j], ==, (sqn[j] ^ ak_s[j]), "set %d: AUTS conceals with f5*",
			          s);
		CHECK_ERR(hss_resync(&keys, rand, auts, &got), 0, "set %d: resync", s);
		CHECK_UINT(got, ==, sqn_ms, "set %d: SQN_MS %" PRIx64, s, got);

		/* Every single flipped bit of AUTS is rejected and *ret_sqn_ms left alone. */
		for (int j = 0; j < 14; j++) {
			for (int bit = 0; bit < 8; bit++) {
				uint8_t bad[14];
				uint64_t untouched = 0xdead;

				memcpy(bad, auts, 14);
				bad[j] ^= (uint8_t)(1u << bit);
				CHECK_ERR(hss_resync(&keys, rand, bad, &untouched), EBADMSG,
				          "set %d: AUTS octet %d bit %d flipped: rejected", s, j,
				          bit);
				CHECK_UINT(untouched, ==, 0xdead, "set %d: no output on failure",
				           s);
			}
		}
		/* Another RAND does not verify. */
		rand[0] ^= 1;
		CHECK_ERR(hss_resync(&keys, rand, auts, &got), EBADMSG, "set %d: wrong RAND", s);
	}
}

/* A USIM per TS 33.102 C.2.2: an array of the highest SEQ accepted per IND; a challenge is
 * fresh when its SEQ exceeds the entry for its IND (and, simplified here, no limit L/delta). */
struct sim_usim {
	struct hss_auth_keys keys;
	uint64_t seq[32];
};

static uint64_t sim_sqn_ms(const struct sim_usim *u)
{
	/* SQN_MS for AUTS: the highest SEQ accepted, IND 0 (C.2.2 / C.3.4 only use SEQ). */
	uint64_t m = 0;

	for (int i = 0; i < 32; i++)
		if (u->seq[i] > m)
			m = u->seq[i];
	return m << HSS_SQN_IND_BITS;
}

/* 0: accepted, EAGAIN: synch failure (auts filled), EBADMSG: MAC failure. */
static int sim_challenge(struct sim_usim *u, const uint8_t rand[16], const uint8_t autn[16],
			 uint8_t auts[14])
{
	uint64_t sqn;
	unsigned ind;
	int ret;

	ret = hss_usim_check_autn(&u->keys, rand, autn, &sqn, NULL, NULL, NULL, NULL);
	if (ret)
		return ret;
	ind = hss_sqn_ind(sqn, HSS_SQN_IND_BITS);
	if (hss_sqn_seq(sqn, HSS_SQN_IND_BITS) <= u->seq[ind]) {
		ret = hss_usim_compute_auts(&u->keys, rand, sim_sqn_ms(u), auts);
		return ret ? ret : EAGAIN;
	}
	u->seq[ind] = hss_sqn_seq(sqn, HSS_SQN_IND_BITS);
	return 0;
}

static void test_resync_scenario(void)
{
	struct sim_usim u;
	uint64_t sqn_he = 0, sqn_ms = 0;
	uint8_t sqn[6], auts[14];
	struct hss_eutran_vector v;

	memset(&u, 0, sizeof(u));
	load_keys(&ts35208_sets[4], &u.keys);

	/* Normal operation: 70 vectors in a row are accepted (IND wraps twice). */
	for (int i = 0; i < 70; i++) {
		sqn_he = hss_sqn_next(sqn_he, HSS_SQN_IND_BITS);
		hss_sqn_to_bytes(sqn_he, sqn);
		CHECK_ERR(hss_gen_eutran_vector(&u.keys, sqn, test_plmn, NULL, &v), 0, "gen %d", i);
		CHECK_ERR(sim_challenge(&u, v.rand, v.autn, auts), 0, "vector %d accepted", i);
	}

	/* Vectors used out of order within the IND window are still accepted. */
	{
		struct hss_eutran_vector w[3];

		for (int i = 0; i < 3; i++) {
			sqn_he = hss_sqn_next(sqn_he, HSS_SQN_IND_BITS);
			hss_sqn_to_bytes(sqn_he, sqn);
			CHECK_ERR(hss_gen_eutran_vector(&u.keys, sqn, test_plmn, NULL, &w[i]), 0,
			          "w");
		}
		CHECK_ERR(sim_challenge(&u, w[2].rand, w[2].autn, auts), 0, "out of order 2");
		CHECK_ERR(sim_challenge(&u, w[0].rand, w[0].autn, auts), 0, "out of order 0");
		CHECK_ERR(sim_challenge(&u, w[1].rand, w[1].autn, auts), 0, "out of order 1");
		/* A replay is not. */
		CHECK_ERR(sim_challenge(&u, w[1].rand, w[1].autn, auts), EAGAIN,
		          "a replay is refused with AUTS");
	}

	/* The HSS loses its state (e.g. restored from an old backup): its SQN is behind. */
	sqn_he = hss_sqn_next(0, HSS_SQN_IND_BITS);
	hss_sqn_to_bytes(sqn_he, sqn);
	CHECK_ERR(hss_gen_eutran_vector(&u.keys, sqn, test_plmn, NULL, &v), 0, "stale gen");
	CHECK_ERR(sim_challenge(&u, v.rand, v.autn, auts), EAGAIN,
	          "a stale vector is refused with AUTS");

	/* Re-Synchronization-Info = RAND || AUTS reaches the HSS. */
	CHECK_ERR(hss_resync(&u.keys, v.rand, auts, &sqn_ms), 0,
	          "the HSS recovers SQN_MS from AUTS");
	CHECK_UINT(sqn_ms, ==, sim_sqn_ms(&u), "SQN_MS %" PRIx64, sqn_ms);
	sqn_he = hss_sqn_after_resync(sqn_ms, HSS_SQN_IND_BITS);

	/* The next vectors are accepted again. */
	for (int i = 0; i < 40; i++) {
		hss_sqn_to_bytes(sqn_he, sqn);
		CHECK_ERR(hss_gen_eutran_vector(&u.keys, sqn, test_plmn, NULL, &v), 0, "gen");
		CHECK_ERR(sim_challenge(&u, v.rand, v.autn, auts), 0, "after resync %d", i);
		sqn_he = hss_sqn_next(sqn_he, HSS_SQN_IND_BITS);
	}
}

int main(void)
{
	test_eutran_sets();
	test_utran_sets();
	test_amf_and_random();
	test_resync_sets();
	test_resync_scenario();
	return tap_done();
}

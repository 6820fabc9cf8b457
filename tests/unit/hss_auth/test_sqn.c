/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_sqn.c: SQN = SEQ || IND arithmetic (TS 33.102 Annex C): the per-vector increment with
 * IND cycling, wrap-around, the value after resynchronisation, and octet conversion.
 */
#include "hss_auth.h"
#include "tap.h"

#include <inttypes.h>

static void test_next(void)
{
	uint64_t s = 0;

	/* From 0 with 5 IND bits: SEQ 1 IND 1, SEQ 2 IND 2, ... */
	for (unsigned i = 1; i <= 40; i++) {
		s = hss_sqn_next(s, HSS_SQN_IND_BITS);
		CHECK_UINT(hss_sqn_seq(s, 5), ==, i, "step %u: SEQ %" PRIu64, i, hss_sqn_seq(s, 5));
		CHECK_INT(hss_sqn_ind(s, 5), ==, i % 32, "step %u: IND %u", i, hss_sqn_ind(s, 5));
		CHECK_UINT(s, ==, ((uint64_t)i << 5 | (i % 32)), "step %u: SQN %" PRIx64, i, s);
	}

	/* Every vector's SQN has a larger SEQ than the one before: a USIM accepts them in
	 * order whatever IND slot they land in. */
	s = 0x123456789abULL;
	for (int i = 0; i < 100; i++) {
		uint64_t n = hss_sqn_next(s, 5);

		CHECK_UINT(hss_sqn_seq(n, 5), ==, hss_sqn_seq(s, 5) + 1, "SEQ +1 at %" PRIx64, s);
		s = n;
	}

	/* IND 31 wraps to 0 without carrying into SEQ (SEQ still grows by exactly one). */
	s = (7ULL << 5) | 31;
	CHECK_UINT(hss_sqn_next(s, 5), ==, ((8ULL << 5) | 0), "IND wrap: %" PRIx64,
	           hss_sqn_next(s, 5));

	/* Without IND bits, SQN just counts. */
	CHECK_UINT(hss_sqn_next(41, 0), ==, 42, "ind_bits 0");

	/* SEQ wraps modulo 2^43 (documented end of life of the SQN space). */
	s = HSS_SQN_MAX;
	CHECK_UINT(hss_sqn_next(s, 5), ==, 0, "SEQ wrap: %" PRIx64, hss_sqn_next(s, 5));

	/* Bits above 48 are ignored; absurd ind_bits are clamped. */
	CHECK_UINT(hss_sqn_next(0xffff000000000000ULL, 5), ==, 33, "high bits");
	CHECK_UINT(hss_sqn_next(0, 60), ==, hss_sqn_next(0, HSS_SQN_IND_BITS_MAX), "clamp");
}

static void test_after_resync(void)
{
	uint64_t ms = (1000ULL << 5) | 7;
	uint64_t n = hss_sqn_after_resync(ms, 5);

	CHECK_UINT(hss_sqn_seq(n, 5), ==, 1001, "SEQ_MS + 1");
	CHECK_INT(hss_sqn_ind(n, 5), ==, 8, "IND advances like any vector");
	CHECK_UINT(n, ==, hss_sqn_next(ms, 5), "same rule as next");
}

static void test_bytes(void)
{
	uint8_t b[6];

	hss_sqn_to_bytes(0xff9bb4d0b607ULL, b);
	CHECK_HEX(b, "ff9bb4d0b607", 6, "to_bytes");
	CHECK_UINT(hss_sqn_from_bytes(b), ==, 0xff9bb4d0b607ULL, "from_bytes");
	hss_sqn_to_bytes(32, b);
	CHECK_HEX(b, "000000000020", 6, "to_bytes small");
}

int main(void)
{
	test_next();
	test_after_resync();
	test_bytes();
	return tap_done();
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sqn.c: sequence number arithmetic of TS 33.102 Annex C: SQN = SEQ || IND in 48 bits, the
 * HSS's increment per generated vector (C.3.2) and the value to continue with after a
 * resynchronisation (6.3.5, C.3.4).
 */
#include "hss_auth.h"

static unsigned sqn_ind_bits(unsigned ind_bits)
{
	return ind_bits > HSS_SQN_IND_BITS_MAX ? HSS_SQN_IND_BITS_MAX : ind_bits;
}

uint64_t hss_sqn_seq(uint64_t sqn, unsigned ind_bits)
{
	return (sqn & HSS_SQN_MAX) >> sqn_ind_bits(ind_bits);
}

unsigned hss_sqn_ind(uint64_t sqn, unsigned ind_bits)
{
	return (unsigned)(sqn & ((1ULL << sqn_ind_bits(ind_bits)) - 1));
}

uint64_t hss_sqn_next(uint64_t sqn, unsigned ind_bits)
{
	unsigned b = sqn_ind_bits(ind_bits);
	uint64_t seq_max = HSS_SQN_MAX >> b;
	uint64_t ind_mask = (1ULL << b) - 1;
	uint64_t seq = hss_sqn_seq(sqn, b);
	uint64_t ind = sqn & ind_mask;

	seq = (seq + 1) & seq_max;
	ind = (ind + 1) & ind_mask;
	return (seq << b) | ind;
}

uint64_t hss_sqn_after_resync(uint64_t sqn_ms, unsigned ind_bits)
{
	return hss_sqn_next(sqn_ms, ind_bits);
}

void hss_sqn_to_bytes(uint64_t sqn, uint8_t out[6])
{
	for (int i = 5; i >= 0; i--) {
		out[i] = (uint8_t)sqn;
		sqn >>= 8;
	}
}

uint64_t hss_sqn_from_bytes(const uint8_t in[6])
{
	uint64_t v = 0;

	for (int i = 0; i < 6; i++)
		v = (v << 8) | in[i];
	return v;
}

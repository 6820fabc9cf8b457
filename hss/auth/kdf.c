/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * kdf.c: the generic 3GPP key derivation function of TS 33.220 Annex B.2 (HMAC-SHA-256 over
 * S = FC || P0 || L0 || ... , from nettle) and its EPS use for KASME, TS 33.401 Annex A.2.
 */
#include "hss_auth.h"

#include <errno.h>
#include <string.h>

#include <nettle/hmac.h>

#define KDF_FC_KASME 0x10

int hss_kdf(const uint8_t *key, size_t key_len, uint8_t fc,
	    const uint8_t *const params[], const size_t lens[], size_t n_params, uint8_t out[32])
{
	struct hmac_sha256_ctx h;
	uint8_t l[2];

	if (!key || !out || (n_params && (!params || !lens)))
		return EINVAL;
	for (size_t i = 0; i < n_params; i++)
		if (lens[i] > 0xffff || (lens[i] && !params[i]))
			return EINVAL;

	hmac_sha256_set_key(&h, key_len, key);
	hmac_sha256_update(&h, 1, &fc);
	for (size_t i = 0; i < n_params; i++) {
		l[0] = (uint8_t)(lens[i] >> 8);
		l[1] = (uint8_t)lens[i];
		hmac_sha256_update(&h, lens[i], params[i]);
		hmac_sha256_update(&h, 2, l);
	}
	hmac_sha256_digest(&h, 32, out);
	explicit_bzero(&h, sizeof(h));
	return 0;
}

int hss_kasme(const uint8_t ck[16], const uint8_t ik[16], const uint8_t plmn_id[3],
	      const uint8_t sqn_xor_ak[6], uint8_t kasme[32])
{
	uint8_t key[32];
	const uint8_t *p[2];
	size_t l[2] = { HSS_AUTH_PLMN_LEN, HSS_AUTH_SQN_LEN };
	int ret;

	if (!ck || !ik || !plmn_id || !sqn_xor_ak || !kasme)
		return EINVAL;
	memcpy(key, ck, 16);
	memcpy(key + 16, ik, 16);
	p[0] = plmn_id;
	p[1] = sqn_xor_ak;
	ret = hss_kdf(key, sizeof(key), KDF_FC_KASME, p, l, 2, kasme);
	explicit_bzero(key, sizeof(key));
	return ret;
}

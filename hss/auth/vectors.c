/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vectors.c: authentication vectors for E-UTRAN (TS 33.401 6.1.2), UTRAN (TS 33.102 6.3.2) and
 * GERAN (TS 33.102 6.8.1.2, through c2/c3), resynchronisation on the HSS side (6.3.5) and the
 * USIM side of the exchange (6.3.3) used by tests and simulators.
 */
#include "hss_auth.h"

#include <errno.h>
#include <string.h>

#include <gnutls/crypto.h>

bool hss_auth_memeq(const void *a, const void *b, size_t n)
{
	const volatile uint8_t *x = a, *y = b;
	uint8_t d = 0;

	for (size_t i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}

/* GnuTLS's generator (a per-thread ChaCha20 DRBG seeded and reseeded from getrandom(2), reseeded
 * after fork) rather than one getrandom(2) per RAND: a system call per vector was 1.7% of the
 * HSS's CPU under AIR load in a VM, where system calls are dear. GNUTLS_RND_RANDOM is the level
 * GnuTLS uses for session keys: RAND is public but must be unpredictable. */
int hss_auth_random(uint8_t *buf, size_t n)
{
	if (!buf && n)
		return EINVAL;
	if (n && gnutls_rnd(GNUTLS_RND_RANDOM, buf, n) < 0)
		return EIO;
	return 0;
}

void hss_amf_set_separation(const uint8_t amf[2], uint8_t out[2])
{
	out[0] = amf[0] | HSS_AMF_SEPARATION_BIT;
	out[1] = amf[1];
}

int hss_c2(const uint8_t *xres, size_t xres_len, uint8_t sres[4])
{
	uint8_t s[4] = { 0 };

	if (!xres || !sres || xres_len < 4 || xres_len > 16)
		return EINVAL;
	/* The missing octets of a short XRES are zero and do not change the xor. */
	for (size_t i = 0; i < xres_len; i++)
		s[i % 4] ^= xres[i];
	memcpy(sres, s, 4);
	return 0;
}

int hss_c3(const uint8_t ck[16], const uint8_t ik[16], uint8_t kc[8])
{
	if (!ck || !ik || !kc)
		return EINVAL;
	for (int i = 0; i < 8; i++)
		kc[i] = ck[i] ^ ck[i + 8] ^ ik[i] ^ ik[i + 8];
	return 0;
}

/* RAND given by the caller, or a fresh one. */
static int vec_rand(const uint8_t *rand, uint8_t out[16])
{
	if (rand) {
		memcpy(out, rand, 16);
		return 0;
	}
	return hss_auth_random(out, 16);
}

/* The part shared by UTRAN and E-UTRAN vectors: RES, CK, IK and AUTN for this RAND/SQN/AMF. */
static int vec_core(const struct hss_auth_keys *keys, const uint8_t rand[16],
		    const uint8_t sqn[6], const uint8_t amf[2], uint8_t res[8], uint8_t ck[16],
		    uint8_t ik[16], uint8_t autn[16])
{
	uint8_t ak[6], mac_a[8];
	int ret;

	ret = hss_milenage_f2345(keys->opc, keys->k, rand, res, ck, ik, ak);
	if (ret)
		goto out;
	ret = hss_milenage_f1(keys->opc, keys->k, rand, sqn, amf, mac_a, NULL);
	if (ret)
		goto out;
	for (int i = 0; i < 6; i++)
		autn[i] = sqn[i] ^ ak[i];
	memcpy(autn + 6, amf, 2);
	memcpy(autn + 8, mac_a, 8);
out:
	explicit_bzero(ak, sizeof(ak));
	return ret;
}

int hss_gen_eutran_vector(const struct hss_auth_keys *keys, const uint8_t sqn[6],
			  const uint8_t plmn[3], const uint8_t rand[16],
			  struct hss_eutran_vector *out)
{
	struct hss_eutran_vector v;
	uint8_t amf[2], ck[16], ik[16];
	int ret;

	if (!keys || !sqn || !plmn || !out)
		return EINVAL;
	memset(&v, 0, sizeof(v));
	ret = vec_rand(rand, v.rand);
	if (ret)
		goto out;
	hss_amf_set_separation(keys->amf, amf);
	ret = vec_core(keys, v.rand, sqn, amf, v.xres, ck, ik, v.autn);
	if (ret)
		goto out;
	v.xres_len = HSS_AUTH_RES_LEN;
	/* AUTN starts with SQN xor AK, exactly the P1 KASME needs. */
	ret = hss_kasme(ck, ik, plmn, v.autn, v.kasme);
	if (ret)
		goto out;
	*out = v;
out:
	explicit_bzero(ck, sizeof(ck));
	explicit_bzero(ik, sizeof(ik));
	explicit_bzero(&v, sizeof(v));
	return ret;
}

int hss_gen_utran_vector(const struct hss_auth_keys *keys, const uint8_t sqn[6],
			 const uint8_t rand[16], struct hss_utran_vector *out)
{
	struct hss_utran_vector v;
	int ret;

	if (!keys || !sqn || !out)
		return EINVAL;
	memset(&v, 0, sizeof(v));
	ret = vec_rand(rand, v.rand);
	if (ret)
		goto out;
	ret = vec_core(keys, v.rand, sqn, keys->amf, v.xres, v.ck, v.ik, v.autn);
	if (ret)
		goto out;
	v.xres_len = HSS_AUTH_RES_LEN;
	*out = v;
out:
	explicit_bzero(&v, sizeof(v));
	return ret;
}

int hss_gen_geran_vector(const struct hss_auth_keys *keys, const uint8_t rand[16],
			 struct hss_geran_vector *out)
{
	struct hss_geran_vector v;
	uint8_t res[8], ck[16], ik[16];
	int ret;

	if (!keys || !out)
		return EINVAL;
	memset(&v, 0, sizeof(v));
	ret = vec_rand(rand, v.rand);
	if (ret)
		goto out;
	ret = hss_milenage_f2345(keys->opc, keys->k, v.rand, res, ck, ik, NULL);
	if (ret)
		goto out;
	ret = hss_c2(res, sizeof(res), v.sres);
	if (ret)
		goto out;
	ret = hss_c3(ck, ik, v.kc);
	if (ret)
		goto out;
	*out = v;
out:
	explicit_bzero(res, sizeof(res));
	explicit_bzero(ck, sizeof(ck));
	explicit_bzero(ik, sizeof(ik));
	explicit_bzero(&v, sizeof(v));
	return ret;
}

/* MAC-S is computed with a dummy all-zero AMF (TS 33.102 6.3.3). */
static const uint8_t resync_amf[2] = { 0, 0 };

int hss_resync(const struct hss_auth_keys *keys, const uint8_t rand[16], const uint8_t auts[14],
	       uint64_t *ret_sqn_ms)
{
	uint8_t ak_s[6], sqn_ms[6], mac_s[8];
	int ret;

	if (!keys || !rand || !auts || !ret_sqn_ms)
		return EINVAL;
	ret = hss_milenage_f5star(keys->opc, keys->k, rand, ak_s);
	if (ret)
		goto out;
	for (int i = 0; i < 6; i++)
		sqn_ms[i] = auts[i] ^ ak_s[i];
	ret = hss_milenage_f1(keys->opc, keys->k, rand, sqn_ms, resync_amf, NULL, mac_s);
	if (ret)
		goto out;
	if (!hss_auth_memeq(mac_s, auts + 6, 8)) {
		ret = EBADMSG;
		goto out;
	}
	*ret_sqn_ms = hss_sqn_from_bytes(sqn_ms);
out:
	explicit_bzero(ak_s, sizeof(ak_s));
	explicit_bzero(mac_s, sizeof(mac_s));
	return ret;
}

int hss_usim_compute_auts(const struct hss_auth_keys *keys, const uint8_t rand[16],
			  uint64_t sqn_ms, uint8_t auts[14])
{
	uint8_t ak_s[6], sqn[6], mac_s[8];
	int ret;

	if (!keys || !rand || !auts || sqn_ms > HSS_SQN_MAX)
		return EINVAL;
	hss_sqn_to_bytes(sqn_ms, sqn);
	ret = hss_milenage_f5star(keys->opc, keys->k, rand, ak_s);
	if (ret)
		goto out;
	ret = hss_milenage_f1(keys->opc, keys->k, rand, sqn, resync_amf, NULL, mac_s);
	if (ret)
		goto out;
	for (int i = 0; i < 6; i++)
		auts[i] = sqn[i] ^ ak_s[i];
	memcpy(auts + 6, mac_s, 8);
out:
	explicit_bzero(ak_s, sizeof(ak_s));
	return ret;
}

int hss_usim_check_autn(const struct hss_auth_keys *keys, const uint8_t rand[16],
			const uint8_t autn[16], uint64_t *ret_sqn, uint8_t ret_amf[2],
			uint8_t ret_res[8], uint8_t ret_ck[16], uint8_t ret_ik[16])
{
	uint8_t res[8], ck[16], ik[16], ak[6], sqn[6], xmac[8];
	int ret;

	if (!keys || !rand || !autn)
		return EINVAL;
	ret = hss_milenage_f2345(keys->opc, keys->k, rand, res, ck, ik, ak);
	if (ret)
		goto out;
	for (int i = 0; i < 6; i++)
		sqn[i] = autn[i] ^ ak[i];
	ret = hss_milenage_f1(keys->opc, keys->k, rand, sqn, autn + 6, xmac, NULL);
	if (ret)
		goto out;
	if (!hss_auth_memeq(xmac, autn + 8, 8)) {
		ret = EBADMSG;
		goto out;
	}
	if (ret_sqn)
		*ret_sqn = hss_sqn_from_bytes(sqn);
	if (ret_amf)
		memcpy(ret_amf, autn + 6, 2);
	if (ret_res)
		memcpy(ret_res, res, 8);
	if (ret_ck)
		memcpy(ret_ck, ck, 16);
	if (ret_ik)
		memcpy(ret_ik, ik, 16);
out:
	explicit_bzero(res, sizeof(res));
	explicit_bzero(ck, sizeof(ck));
	explicit_bzero(ik, sizeof(ik));
	explicit_bzero(ak, sizeof(ak));
	return ret;
}

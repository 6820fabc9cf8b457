/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hss_auth.h: the one public header of hss/auth/, the HSS authentication crypto as a pure C
 * library (no Diameter): MILENAGE (TS 35.205/35.206), the EPS key derivation of KASME
 * (TS 33.401 Annex A.2, KDF of TS 33.220 Annex B.2), authentication vector generation for
 * E-UTRAN, UTRAN and GERAN (TS 33.401 6.1, TS 33.102 6.3 and 6.8.1.2), sequence number
 * management and resynchronisation (TS 33.102 Annex C, 6.3.5), plus the USIM side of the
 * exchange so tests can prove the vectors are accepted.
 *
 * Conventions: functions return 0 or an errno value (EINVAL for a NULL or out-of-range
 * argument); `ret_*` outputs are untouched on failure; every octet string has the fixed
 * length in its declaration and is in network (big-endian) order. Nothing here allocates,
 * logs or keeps state, so every function is thread-safe. Temporary copies of keys are wiped
 * before returning.
 */
#ifndef HSS_AUTH_H
#define HSS_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HSS_AUTH_K_LEN      16
#define HSS_AUTH_OPC_LEN    16
#define HSS_AUTH_RAND_LEN   16
#define HSS_AUTH_SQN_LEN    6
#define HSS_AUTH_AMF_LEN    2
#define HSS_AUTH_MAC_LEN    8
#define HSS_AUTH_RES_LEN    8   /* MILENAGE f2 output; XRES buffers hold up to 16 */
#define HSS_AUTH_XRES_MAX   16
#define HSS_AUTH_CK_LEN     16
#define HSS_AUTH_IK_LEN     16
#define HSS_AUTH_AK_LEN     6
#define HSS_AUTH_AUTN_LEN   16
#define HSS_AUTH_AUTS_LEN   14
#define HSS_AUTH_KASME_LEN  32
#define HSS_AUTH_PLMN_LEN   3
#define HSS_AUTH_SRES_LEN   4
#define HSS_AUTH_KC_LEN     8

/* ---------------------------------------------------------------------------------------
 * MILENAGE (TS 35.206 section 4.1; kernel AES-128 from nettle)
 *
 * All functions take OPc (never OP): derive it once with hss_milenage_opc() when the
 * subscriber is provisioned with OP. Output pointers documented "may be NULL" are skipped.
 * ------------------------------------------------------------------------------------- */

/* OPc = OP xor E_K(OP). */
int hss_milenage_opc(const uint8_t k[16], const uint8_t op[16], uint8_t opc[16]);

/* f1 (network authentication code MAC-A) and f1* (resynchronisation code MAC-S) over
 * SQN || AMF. Either of mac_a / mac_s may be NULL, not both. */
int hss_milenage_f1(const uint8_t opc[16], const uint8_t k[16], const uint8_t rand[16],
		    const uint8_t sqn[6], const uint8_t amf[2], uint8_t mac_a[8], uint8_t mac_s[8]);

/* f2 (RES, 64 bits), f3 (CK), f4 (IK), f5 (AK, anonymity key). Any output may be NULL. */
int hss_milenage_f2345(const uint8_t opc[16], const uint8_t k[16], const uint8_t rand[16],
		       uint8_t res[8], uint8_t ck[16], uint8_t ik[16], uint8_t ak[6]);

/* f5* (AK used to conceal SQN_MS in AUTS during resynchronisation). */
int hss_milenage_f5star(const uint8_t opc[16], const uint8_t k[16], const uint8_t rand[16],
			uint8_t ak_s[6]);

/* ---------------------------------------------------------------------------------------
 * Key derivation (TS 33.220 Annex B.2 generic KDF; TS 33.401 Annex A.2 KASME)
 * ------------------------------------------------------------------------------------- */

/* Generic 3GPP KDF: out = HMAC-SHA-256(key, FC || P0 || L0 || P1 || L1 || ...), where
 * Li is the 2-octet big-endian length of Pi. n_params may be 0; params/lens may then be
 * NULL. Each lens[i] must be <= 65535 (EINVAL otherwise). */
int hss_kdf(const uint8_t *key, size_t key_len, uint8_t fc,
	    const uint8_t *const params[], const size_t lens[], size_t n_params, uint8_t out[32]);

/* KASME = KDF(CK || IK, FC = 0x10, P0 = serving network id = the 3-octet PLMN identity as
 * encoded in Visited-PLMN-Id (MCC/MNC TBCD, TS 24.301 9.9.3.32), P1 = SQN xor AK). */
int hss_kasme(const uint8_t ck[16], const uint8_t ik[16], const uint8_t plmn_id[3],
	      const uint8_t sqn_xor_ak[6], uint8_t kasme[32]);

/* ---------------------------------------------------------------------------------------
 * Subscriber keys, AMF and the conversion functions c2/c3
 * ------------------------------------------------------------------------------------- */

/* What the HSS stores per subscriber for MILENAGE. `amf` is the operator's AMF as
 * provisioned; the E-UTRAN generator sets the separation bit itself (see below). */
struct hss_auth_keys {
	uint8_t k[16];
	uint8_t opc[16];
	uint8_t amf[2];
};

/* AMF bit 0 (the most significant bit of the first octet, TS 33.102 Annex H) is the "AMF
 * separation bit". TS 33.401 6.1.2: the HSS sets it to 1 in vectors for E-UTRAN and the ME
 * rejects an EPS challenge whose AUTN has it at 0. Vectors for UTRAN/GERAN use the AMF as
 * provisioned (normally with the bit at 0). */
#define HSS_AMF_SEPARATION_BIT 0x80  /* in amf[0] */

/* out = amf with the separation bit set (out may equal amf). */
void hss_amf_set_separation(const uint8_t amf[2], uint8_t out[2]);

/* c2 (TS 33.102 6.8.1.2): SRES = XRES1 xor XRES2 xor XRES3 xor XRES4, the four 32-bit
 * words of XRES zero-padded to 128 bits. xres_len must be 4..16 (EINVAL otherwise). */
int hss_c2(const uint8_t *xres, size_t xres_len, uint8_t sres[4]);

/* c3 (TS 33.102 6.8.1.2): Kc = CK1 xor CK2 xor IK1 xor IK2 (64-bit halves). */
int hss_c3(const uint8_t ck[16], const uint8_t ik[16], uint8_t kc[8]);

/* ---------------------------------------------------------------------------------------
 * Authentication vectors
 *
 * `rand` NULL means: draw a fresh RAND from hss_auth_random(); its errors are returned (EIO). `sqn` is the SQN to put in this vector: the caller owns
 * the subscriber's SQN and advances it with hss_sqn_next() for each vector it generates.
 * `out` is written only on success.
 * ------------------------------------------------------------------------------------- */

/* E-UTRAN (EPS) vector, TS 33.401 6.1.2: AUTN = SQN xor AK || AMF' || MAC-A with AMF' =
 * keys->amf with the separation bit set; KASME from CK, IK, `plmn` (the serving network,
 * Visited-PLMN-Id octets) and SQN xor AK. */
struct hss_eutran_vector {
	uint8_t rand[16];
	uint8_t xres[16];
	size_t xres_len;         /* 8 with MILENAGE */
	uint8_t autn[16];
	uint8_t kasme[32];
};
int hss_gen_eutran_vector(const struct hss_auth_keys *keys, const uint8_t sqn[6],
			  const uint8_t plmn[3], const uint8_t rand[16],
			  struct hss_eutran_vector *out);

/* UTRAN quintuplet, TS 33.102 6.3.2: AUTN = SQN xor AK || AMF || MAC-A, AMF as provisioned. */
struct hss_utran_vector {
	uint8_t rand[16];
	uint8_t xres[16];
	size_t xres_len;         /* 8 with MILENAGE */
	uint8_t ck[16];
	uint8_t ik[16];
	uint8_t autn[16];
};
int hss_gen_utran_vector(const struct hss_auth_keys *keys, const uint8_t sqn[6],
			 const uint8_t rand[16], struct hss_utran_vector *out);

/* GERAN triplet for a USIM subscriber, TS 33.102 6.8.1.2: SRES = c2(XRES), Kc = c3(CK, IK).
 * No SQN is involved (no AUTN is sent in a GSM challenge). */
struct hss_geran_vector {
	uint8_t rand[16];
	uint8_t sres[4];
	uint8_t kc[8];
};
int hss_gen_geran_vector(const struct hss_auth_keys *keys, const uint8_t rand[16],
			 struct hss_geran_vector *out);

/* ---------------------------------------------------------------------------------------
 * Sequence numbers (TS 33.102 Annex C.1.1 / C.3.2)
 *
 * SQN (48 bits) = SEQ (48 - ind_bits) || IND (ind_bits), held in the low 48 bits of a
 * uint64_t. ind_bits is normally HSS_SQN_IND_BITS (5, an array of 32 in the USIM); values
 * above HSS_SQN_IND_BITS_MAX are treated as HSS_SQN_IND_BITS_MAX.
 * ------------------------------------------------------------------------------------- */
#define HSS_SQN_IND_BITS      5
#define HSS_SQN_IND_BITS_MAX  16
#define HSS_SQN_MAX           0xffffffffffffULL

/* The SQN for the next vector after `sqn`: SEQ + 1 and IND + 1 modulo 2^ind_bits (C.3.2:
 * IND cycles through the USIM's array so that vectors used out of order, e.g. by an SGSN
 * and an MME, are still accepted; SEQ grows by one per vector). SEQ wraps to 0 after its
 * maximum: a USIM then rejects the vectors, which is C.2's intended limit on SQN lifetime.
 * Bits above 48 in `sqn` are ignored. */
uint64_t hss_sqn_next(uint64_t sqn, unsigned ind_bits);

/* The SQN the HSS uses for the next vector after a successful resynchronisation that
 * reported SQN_MS (TS 33.102 6.3.5 and C.3.4: SQN_HE is reset to SQN_MS, then the usual
 * increment applies). This is hss_sqn_next(sqn_ms, ind_bits): SEQ_MS + 1, IND_MS + 1, which
 * the USIM accepts whatever IND it had, since its SEQ is now strictly larger.
 * 6.3.5 also lets the HSS keep its own SQN_HE when that is already ahead of SQN_MS; a caller
 * wanting that takes the value with the larger hss_sqn_seq() of this and its own next SQN. */
uint64_t hss_sqn_after_resync(uint64_t sqn_ms, unsigned ind_bits);

/* 48-bit value <-> 6 octets, big-endian. */
void hss_sqn_to_bytes(uint64_t sqn, uint8_t out[6]);
uint64_t hss_sqn_from_bytes(const uint8_t in[6]);

/* SEQ and IND parts of a SQN. */
uint64_t hss_sqn_seq(uint64_t sqn, unsigned ind_bits);
unsigned hss_sqn_ind(uint64_t sqn, unsigned ind_bits);

/* ---------------------------------------------------------------------------------------
 * Resynchronisation (TS 33.102 6.3.3 and 6.3.5)
 * ------------------------------------------------------------------------------------- */

/* HSS side of a resync request: AK* = f5*(RAND), SQN_MS = AUTS[0..5] xor AK*, then checks
 * MAC-S = f1*(K, SQN_MS, RAND, AMF = 0x0000) against AUTS[6..13] in constant time.
 * Returns 0 and *ret_sqn_ms on success, EBADMSG if MAC-S does not match (*ret_sqn_ms
 * untouched). `rand` is the RAND of the challenge the USIM rejected (Re-Synchronization-Info
 * carries RAND || AUTS). */
int hss_resync(const struct hss_auth_keys *keys, const uint8_t rand[16], const uint8_t auts[14],
	       uint64_t *ret_sqn_ms);

/* ---------------------------------------------------------------------------------------
 * USIM side (for tests and simulators; TS 33.102 6.3.3)
 * ------------------------------------------------------------------------------------- */

/* AUTS = SQN_MS xor f5*(RAND) || f1*(K, SQN_MS, RAND, AMF = 0x0000). */
int hss_usim_compute_auts(const struct hss_auth_keys *keys, const uint8_t rand[16],
			  uint64_t sqn_ms, uint8_t auts[14]);

/* Checks AUTN as a USIM does: AK = f5(RAND), SQN = (AUTN[0..5] xor AK), XMAC = f1(K, SQN,
 * RAND, AUTN.AMF) compared with AUTN.MAC in constant time. Returns EBADMSG on mismatch.
 * On success fills the optional (may be NULL) outputs: the recovered SQN, the AMF from AUTN,
 * RES, CK and IK. SQN freshness is the caller's business (it owns SQN_MS). */
int hss_usim_check_autn(const struct hss_auth_keys *keys, const uint8_t rand[16],
			const uint8_t autn[16], uint64_t *ret_sqn, uint8_t ret_amf[2],
			uint8_t ret_res[8], uint8_t ret_ck[16], uint8_t ret_ik[16]);

/* ---------------------------------------------------------------------------------------
 * Utilities
 * ------------------------------------------------------------------------------------- */

/* true when the n octets at a and b are equal; time depends on n only (for MACs, RES). */
bool hss_auth_memeq(const void *a, const void *b, size_t n);

/* Fills buf with n octets from a CSPRNG (GnuTLS's, seeded from the kernel's getrandom(2)).
 * Returns 0, EINVAL (buf NULL) or EIO (the generator failed). */
int hss_auth_random(uint8_t *buf, size_t n);

#endif /* HSS_AUTH_H */

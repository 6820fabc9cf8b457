/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * milenage.c: the MILENAGE authentication and key generation functions f1, f1*, f2, f3, f4,
 * f5 and f5* of TS 35.206 section 4.1, with AES-128 (nettle) as the kernel function E_K and
 * the default rotation/constant values r1..r5 = 64, 0, 32, 64, 96 and c1..c5 = 0, 1, 2, 4, 8
 * (the constant ci has bit (i-1) set in its last octet).
 */
#include "hss_auth.h"

#include <errno.h>
#include <string.h>

#include <nettle/aes.h>

/* The pieces every MILENAGE call needs: the key schedule of K and TEMP = E_K(RAND xor OPc). */
struct ml_ctx {
	struct aes128_ctx aes;
	uint8_t temp[16];
};

static void ml_init(struct ml_ctx *c, const uint8_t k[16], const uint8_t opc[16],
		    const uint8_t rand[16])
{
	uint8_t in[16];

	aes128_set_encrypt_key(&c->aes, k);
	for (int i = 0; i < 16; i++)
		in[i] = rand[i] ^ opc[i];
	aes128_encrypt(&c->aes, 16, c->temp, in);
	explicit_bzero(in, sizeof(in));
}

static void ml_wipe(struct ml_ctx *c)
{
	explicit_bzero(c, sizeof(*c));
}

/* OUTi = E_K(rot(x xor OPc, r) xor ci) xor OPc, with r a multiple of 8 bits: rot() moves
 * octets toward the most significant end, so output octet j is input octet (j + r/8). */
static void ml_out(struct ml_ctx *c, const uint8_t x[16], const uint8_t opc[16],
		   unsigned r_octets, uint8_t ci, uint8_t out[16])
{
	uint8_t t[16], rot[16];

	for (int i = 0; i < 16; i++)
		t[i] = x[i] ^ opc[i];
	for (unsigned i = 0; i < 16; i++)
		rot[i] = t[(i + r_octets) % 16];
	rot[15] ^= ci;
	aes128_encrypt(&c->aes, 16, out, rot);
	for (int i = 0; i < 16; i++)
		out[i] ^= opc[i];
	explicit_bzero(t, sizeof(t));
	explicit_bzero(rot, sizeof(rot));
}

int hss_milenage_opc(const uint8_t k[16], const uint8_t op[16], uint8_t opc[16])
{
	struct aes128_ctx aes;
	uint8_t e[16];

	if (!k || !op || !opc)
		return EINVAL;
	aes128_set_encrypt_key(&aes, k);
	aes128_encrypt(&aes, 16, e, op);
	for (int i = 0; i < 16; i++)
		opc[i] = e[i] ^ op[i];
	explicit_bzero(&aes, sizeof(aes));
	explicit_bzero(e, sizeof(e));
	return 0;
}

int hss_milenage_f1(const uint8_t opc[16], const uint8_t k[16], const uint8_t rand[16],
		    const uint8_t sqn[6], const uint8_t amf[2], uint8_t mac_a[8], uint8_t mac_s[8])
{
	struct ml_ctx c;
	uint8_t in1[16], x[16], out1[16];

	if (!opc || !k || !rand || !sqn || !amf || (!mac_a && !mac_s))
		return EINVAL;
	ml_init(&c, k, opc, rand);

	/* IN1 = SQN || AMF || SQN || AMF; OUT1 = E_K(TEMP xor rot(IN1 xor OPc, r1) xor c1) xor
	 * OPc, r1 = 64 bits, c1 = 0. Unlike OUT2..OUT5, TEMP is not rotated, hence no ml_out(). */
	memcpy(in1, sqn, 6);
	memcpy(in1 + 6, amf, 2);
	memcpy(in1 + 8, sqn, 6);
	memcpy(in1 + 14, amf, 2);
	for (int i = 0; i < 16; i++)
		x[i] = in1[i] ^ opc[i];
	for (int i = 0; i < 16; i++)
		out1[i] = c.temp[i] ^ x[(i + 8) % 16];
	aes128_encrypt(&c.aes, 16, out1, out1);
	for (int i = 0; i < 16; i++)
		out1[i] ^= opc[i];

	if (mac_a)
		memcpy(mac_a, out1, 8);
	if (mac_s)
		memcpy(mac_s, out1 + 8, 8);
	ml_wipe(&c);
	explicit_bzero(x, sizeof(x));
	explicit_bzero(out1, sizeof(out1));
	return 0;
}

int hss_milenage_f2345(const uint8_t opc[16], const uint8_t k[16], const uint8_t rand[16],
		       uint8_t res[8], uint8_t ck[16], uint8_t ik[16], uint8_t ak[6])
{
	struct ml_ctx c;
	uint8_t out[16];

	if (!opc || !k || !rand)
		return EINVAL;
	ml_init(&c, k, opc, rand);

	if (res || ak) {
		/* OUT2: r2 = 0, c2 = 1. RES = OUT2[64..127], AK = OUT2[0..47]. */
		ml_out(&c, c.temp, opc, 0, 0x01, out);
		if (res)
			memcpy(res, out + 8, 8);
		if (ak)
			memcpy(ak, out, 6);
	}
	if (ck) {
		/* OUT3: r3 = 32, c3 = 2. */
		ml_out(&c, c.temp, opc, 4, 0x02, out);
		memcpy(ck, out, 16);
	}
	if (ik) {
		/* OUT4: r4 = 64, c4 = 4. */
		ml_out(&c, c.temp, opc, 8, 0x04, out);
		memcpy(ik, out, 16);
	}
	ml_wipe(&c);
	explicit_bzero(out, sizeof(out));
	return 0;
}

int hss_milenage_f5star(const uint8_t opc[16], const uint8_t k[16], const uint8_t rand[16],
			uint8_t ak_s[6])
{
	struct ml_ctx c;
	uint8_t out[16];

	if (!opc || !k || !rand || !ak_s)
		return EINVAL;
	ml_init(&c, k, opc, rand);
	/* OUT5: r5 = 96, c5 = 8. AK* = OUT5[0..47]. */
	ml_out(&c, c.temp, opc, 12, 0x08, out);
	memcpy(ak_s, out, 6);
	ml_wipe(&c);
	explicit_bzero(out, sizeof(out));
	return 0;
}

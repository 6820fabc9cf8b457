/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_codec.c: libFuzzer target for common/'s wire codecs: TBCD strings (MSISDN and
 * friends), 3-octet PLMN ids (Visited-PLMN-Id) and hex. Besides not crashing, each decoder
 * must agree with its encoder: what decodes re-encodes to the same octets (TBCD, PLMN) or
 * the same text up to case (hex); a disagreement aborts, which the fuzzer reports.
 */
#include "fz.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void fc_tbcd(const uint8_t *data, size_t size)
{
	char digits[2 * 64 + 1];
	uint8_t back[64];
	size_t n = 0;

	if (size > 64)
		size = 64;
	if (cm_tbcd_decode(data, size, digits, sizeof(digits)))
		return;
	if (cm_tbcd_encode(digits, strlen(digits), back, sizeof(back), &n) || n != size ||
	    memcmp(back, data, size))
		abort();
}

static void fc_plmn(const uint8_t *data, size_t size)
{
	char mccmnc[7];
	uint8_t back[3];

	if (size < 3 || cm_plmn_decode(data, mccmnc))
		return;
	if (cm_plmn_encode(mccmnc, back) || memcmp(back, data, 3))
		abort();
}

static void fc_hex(const uint8_t *data, size_t size)
{
	char text[129], again[129];
	uint8_t bin[64];
	size_t n = size > 128 ? 128 : size;

	memcpy(text, data, n);
	text[n] = '\0';
	if (strlen(text) != n || n % 2 || cm_hex_decode(text, bin, n / 2))
		return;
	cm_hex_encode(bin, n / 2, again);
	if (strcasecmp(again, text))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fc_tbcd(data, size);
	fc_plmn(data, size);
	fc_hex(data, size);
	/* Decoders must also refuse an output buffer too small, never overrun it. */
	if (size) {
		char small[4];
		(void)cm_tbcd_decode(data, size, small, 1 + data[0] % sizeof(small));
	}
	return 0;
}

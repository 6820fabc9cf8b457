/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tbcd.c: TBCD-STRING (TS 29.002) used for MSISDN/IMSI-like digit strings on the wire, and the
 * 3-octet PLMN identity (TS 24.008 10.5.1.3) used in Visited-PLMN-Id and friends.
 */
#include "cm.h"

#include <errno.h>
#include <string.h>

/* TS 29.002 TBCD-STRING: 0-9 are themselves, '*' 1010, '#' 1011, 'a' 1100, 'b' 1101,
 * 'c' 1110, 1111 is the filler. */
static int tbcd_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	switch (c) {
	case '*':
		return 0xa;
	case '#':
		return 0xb;
	case 'a': case 'A':
		return 0xc;
	case 'b': case 'B':
		return 0xd;
	case 'c': case 'C':
		return 0xe;
	}
	return -1;
}

static const char tbcd_chars[] = "0123456789*#abc";

int cm_tbcd_encode(const char *digits, size_t ndigits, uint8_t *out, size_t outsz,
                   size_t *ret_len)
{
	size_t need = (ndigits + 1) / 2, i;

	if (!digits && ndigits)
		return EINVAL;
	for (i = 0; i < ndigits; i++)
		if (tbcd_nibble(digits[i]) < 0)
			return EINVAL;
	if (need > outsz)
		return ENOSPC;
	for (i = 0; i < need; i++) {
		int lo = tbcd_nibble(digits[2 * i]);
		int hi = 2 * i + 1 < ndigits ? tbcd_nibble(digits[2 * i + 1]) : 0xf;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	if (ret_len)
		*ret_len = need;
	return 0;
}

int cm_tbcd_decode(const uint8_t *in, size_t len, char *out, size_t outsz)
{
	size_t i, n = 0;
	bool end = false;

	if ((!in && len) || !out || outsz == 0)
		return EINVAL;
	/* First pass: validate and count, so `out` is only written on success. */
	for (i = 0; i < len; i++) {
		int lo = in[i] & 0xf, hi = in[i] >> 4;
		if (end)
			return EINVAL;      /* octets after the filler */
		if (lo == 0xf)
			return EINVAL;      /* a filler can only be the high nibble of the last octet */
		n++;
		if (hi == 0xf)
			end = true;
		else
			n++;
	}
	if (n + 1 > outsz)
		return ENOSPC;
	n = 0;
	for (i = 0; i < len; i++) {
		out[n++] = tbcd_chars[in[i] & 0xf];
		if ((in[i] >> 4) != 0xf)
			out[n++] = tbcd_chars[in[i] >> 4];
	}
	out[n] = '\0';
	return 0;
}

/* Octet 1: MCC2 MCC1; octet 2: MNC3 (F for a 2-digit MNC) MCC3; octet 3: MNC2 MNC1. */
int cm_plmn_encode(const char *mccmnc, uint8_t out[3])
{
	size_t n, i;
	int d[6];

	if (!mccmnc || !out)
		return EINVAL;
	n = strlen(mccmnc);
	if (n != 5 && n != 6)
		return EINVAL;
	for (i = 0; i < n; i++) {
		if (mccmnc[i] < '0' || mccmnc[i] > '9')
			return EINVAL;
		d[i] = mccmnc[i] - '0';
	}
	out[0] = (uint8_t)(d[1] << 4 | d[0]);
	out[1] = (uint8_t)((n == 6 ? d[5] : 0xf) << 4 | d[2]);
	out[2] = (uint8_t)(d[4] << 4 | d[3]);
	return 0;
}

int cm_plmn_decode(const uint8_t in[3], char out[7])
{
	int d[6], i;
	size_t n = 6;

	if (!in || !out)
		return EINVAL;
	d[0] = in[0] & 0xf;
	d[1] = in[0] >> 4;
	d[2] = in[1] & 0xf;
	d[5] = in[1] >> 4;
	d[3] = in[2] & 0xf;
	d[4] = in[2] >> 4;
	if (d[5] == 0xf)
		n = 5;
	for (i = 0; i < (int)n; i++)
		if (d[i] > 9)
			return EINVAL;
	for (i = 0; i < (int)n; i++)
		out[i] = (char)('0' + d[i]);
	out[n] = '\0';
	return 0;
}

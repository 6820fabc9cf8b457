/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hex.c: hexadecimal <-> bytes, for keys and identifiers read from configuration, databases
 * and tool command lines.
 */
#include "cm.h"

#include <errno.h>
#include <string.h>

static int hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int cm_hex_decode(const char *hex, uint8_t *out, size_t outlen)
{
	size_t i;

	if (!hex || (!out && outlen))
		return EINVAL;
	if (strlen(hex) != outlen * 2)
		return EINVAL;
	/* Validate everything first so `out` is untouched on failure. */
	for (i = 0; i < outlen * 2; i++)
		if (hex_nibble(hex[i]) < 0)
			return EINVAL;
	for (i = 0; i < outlen; i++)
		out[i] = (uint8_t)(hex_nibble(hex[2 * i]) << 4 | hex_nibble(hex[2 * i + 1]));
	return 0;
}

void cm_hex_encode(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * len] = '\0';
}

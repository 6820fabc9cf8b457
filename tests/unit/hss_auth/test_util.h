/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_util.h: the few helpers the hss_auth unit tests share: hex decoding of test data and
 * a CHECK macro that counts failures so one run reports every mismatch, not just the first.
 */
#ifndef HSS_AUTH_TEST_UTIL_H
#define HSS_AUTH_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tu_failures;

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		tu_failures++; \
		fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
	} \
} while (0)

static int tu_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes exactly n octets of hex from s into out; aborts on malformed test data, which is
 * a bug in the test itself. */
static void tu_hex(const char *s, unsigned char *out, size_t n)
{
	if (strlen(s) != 2 * n) {
		fprintf(stderr, "bad test data length: \"%s\" (want %zu octets)\n", s, n);
		abort();
	}
	for (size_t i = 0; i < n; i++) {
		int hi = tu_nibble(s[2 * i]), lo = tu_nibble(s[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			fprintf(stderr, "bad hex in test data: \"%s\"\n", s);
			abort();
		}
		out[i] = (unsigned char)(hi << 4 | lo);
	}
}

/* memcmp against a hex string. */
static int tu_eq_hex(const unsigned char *got, const char *want_hex, size_t n)
{
	unsigned char want[64];

	if (n > sizeof(want))
		abort();
	tu_hex(want_hex, want, n);
	return memcmp(got, want, n) == 0;
}

static int tu_done(const char *name)
{
	if (tu_failures) {
		fprintf(stderr, "%s: %d check(s) failed\n", name, tu_failures);
		return 1;
	}
	printf("%s: all checks passed\n", name);
	return 0;
}

#endif /* HSS_AUTH_TEST_UTIL_H */

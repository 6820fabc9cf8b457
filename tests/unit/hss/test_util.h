/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_util.h: the CHECK macro the HSS unit tests share; it counts failures so one run
 * reports every mismatch, not only the first.
 */
#ifndef HSS_TEST_UTIL_H
#define HSS_TEST_UTIL_H

#include <stdio.h>

static int tu_failures;

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		tu_failures++; \
		fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
	} \
} while (0)

#endif /* HSS_TEST_UTIL_H */

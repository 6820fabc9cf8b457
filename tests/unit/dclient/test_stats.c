/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_stats.c: dclient's latency percentiles are exact nearest-rank values (what the load
 * summary and the benchmarks print), including with samples added from several threads.
 */
#include "dclient.h"

#include <stdio.h>
#include <stdlib.h>

static int failures;

#define CHECK(cond, ...)                                   \
	do {                                                   \
		if (!(cond)) {                                     \
			failures++;                                    \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);    \
			printf(__VA_ARGS__);                           \
			printf("\n");                                  \
		}                                                  \
	} while (0)

static struct dc_stats shared;

static void *adder(void *arg)
{
	uintptr_t base = (uintptr_t)arg; /* samples base, base+4, ...: the four threads cover 0..39999 */
	for (uint32_t i = 0; i < 10000; i++)
		dc_stats_add(&shared, (uint32_t)(base + i * 4));
	return NULL;
}

int main(void)
{
	struct dc_stats s;

	/* 1..1000 in reverse order: p50 = 500, p90 = 900, p99 = 990, p99.9 = 999, p100 = 1000 */
	CHECK(!dc_stats_init(&s, 10), "init");
	for (uint32_t v = 1000; v >= 1; v--)
		dc_stats_add(&s, v);
	dc_stats_finish(&s);
	CHECK(s.n == 1000, "n %zu", s.n);
	CHECK(dc_stats_pct(&s, 50) == 500, "p50 %u", dc_stats_pct(&s, 50));
	CHECK(dc_stats_pct(&s, 90) == 900, "p90 %u", dc_stats_pct(&s, 90));
	CHECK(dc_stats_pct(&s, 99) == 990, "p99 %u", dc_stats_pct(&s, 99));
	CHECK(dc_stats_pct(&s, 99.9) == 999, "p99.9 %u", dc_stats_pct(&s, 99.9));
	CHECK(dc_stats_pct(&s, 100) == 1000, "p100 %u", dc_stats_pct(&s, 100));
	CHECK(dc_stats_pct(&s, 0) == 1, "p0 %u", dc_stats_pct(&s, 0));
	dc_stats_free(&s);

	/* One sample: every percentile is it; none: 0. */
	CHECK(!dc_stats_init(&s, 0), "init");
	CHECK(dc_stats_pct(&s, 50) == 0, "empty");
	dc_stats_add(&s, 42);
	dc_stats_finish(&s);
	CHECK(dc_stats_pct(&s, 1) == 42 && dc_stats_pct(&s, 99.9) == 42, "single sample");
	dc_stats_free(&s);

	/* Four threads, 40000 distinct samples 0..39999 (interleaved by base): growth
	 * past the initial capacity loses nothing. */
	CHECK(!dc_stats_init(&shared, 16), "init");
	pthread_t th[4];
	for (uintptr_t t = 0; t < 4; t++)
		pthread_create(&th[t], NULL, adder, (void *)t);
	for (int t = 0; t < 4; t++)
		pthread_join(th[t], NULL);
	dc_stats_finish(&shared);
	CHECK(shared.n == 40000, "n %zu", shared.n);
	int sorted = 1;
	for (size_t i = 1; i < shared.n; i++)
		if (shared.samples[i - 1] > shared.samples[i])
			sorted = 0;
	CHECK(sorted, "sorted");
	CHECK(shared.samples[0] == 0 && shared.samples[shared.n - 1] == 39999, "min/max");
	CHECK(dc_stats_pct(&shared, 50) == 19999 + 0, "p50 %u", dc_stats_pct(&shared, 50));
	dc_stats_free(&shared);
	dc_stats_free(NULL);

	printf("%s\n", failures ? "FAILED" : "all stats checks passed");
	return failures ? 1 : 0;
}

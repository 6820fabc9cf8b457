/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_stats.c: dclient's latency percentiles are exact nearest-rank values (what the load
 * summary and the benchmarks print), including with samples added from several threads.
 */
#include "dclient.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>

static struct dc_stats shared;

static void *adder(void *arg)
{
	/* samples base, base+4, ...: the four threads cover 0..39999 */
	uintptr_t base = (uintptr_t)arg;
	for (uint32_t i = 0; i < 10000; i++)
		dc_stats_add(&shared, (uint32_t)(base + i * 4));
	return NULL;
}

int main(void)
{
	struct dc_stats s;

	/* 1..1000 in reverse order: p50 = 500, p90 = 900, p99 = 990, p99.9 = 999, p100 = 1000 */
	CHECK_ERR(dc_stats_init(&s, 10), 0, "init");
	for (uint32_t v = 1000; v >= 1; v--)
		dc_stats_add(&s, v);
	dc_stats_finish(&s);
	CHECK_UINT(s.n, ==, 1000, "1000 samples");
	CHECK_UINT(dc_stats_pct(&s, 50), ==, 500, "p50");
	CHECK_UINT(dc_stats_pct(&s, 90), ==, 900, "p90");
	CHECK_UINT(dc_stats_pct(&s, 99), ==, 990, "p99");
	CHECK_UINT(dc_stats_pct(&s, 99.9), ==, 999, "p99.9");
	CHECK_UINT(dc_stats_pct(&s, 100), ==, 1000, "p100");
	CHECK_UINT(dc_stats_pct(&s, 0), ==, 1, "p0");
	dc_stats_free(&s);

	/* One sample: every percentile is it; none: 0. */
	CHECK_ERR(dc_stats_init(&s, 0), 0, "init");
	CHECK_UINT(dc_stats_pct(&s, 50), ==, 0, "no sample: 0");
	dc_stats_add(&s, 42);
	dc_stats_finish(&s);
	CHECK_UINT(dc_stats_pct(&s, 1), ==, 42, "single sample: p1");
	CHECK_UINT(dc_stats_pct(&s, 99.9), ==, 42, "single sample: p99.9");
	dc_stats_free(&s);

	/* Four threads, 40000 distinct samples 0..39999 (interleaved by base): growth
	 * past the initial capacity loses nothing. */
	CHECK_ERR(dc_stats_init(&shared, 16), 0, "init");
	pthread_t th[4];
	for (uintptr_t t = 0; t < 4; t++)
		pthread_create(&th[t], NULL, adder, (void *)t);
	for (int t = 0; t < 4; t++)
		pthread_join(th[t], NULL);
	dc_stats_finish(&shared);
	CHECK_UINT(shared.n, ==, 40000, "40000 samples from 4 threads");
	int sorted = 1;
	for (size_t i = 1; i < shared.n; i++)
		if (shared.samples[i - 1] > shared.samples[i])
			sorted = 0;
	CHECK(sorted, "samples sorted");
	CHECK_UINT(shared.samples[0], ==, 0, "min");
	CHECK_UINT(shared.samples[shared.n - 1], ==, 39999, "max");
	CHECK_UINT(dc_stats_pct(&shared, 50), ==, 19999 + 0, "p50");
	dc_stats_free(&shared);
	dc_stats_free(NULL);

	return tap_done();
}

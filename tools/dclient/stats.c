/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * stats.c: latency samples for load mode. Every answered request's latency is kept (4 bytes
 * each), so the percentiles printed are exact (nearest rank), not estimates.
 */
#include "dclient.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int dc_stats_init(struct dc_stats *s, size_t cap)
{
	memset(s, 0, sizeof(*s));
	if (cap < 1024)
		cap = 1024;
	if (!(s->samples = malloc(cap * sizeof(*s->samples))))
		return ENOMEM;
	s->cap = cap;
	pthread_mutex_init(&s->lock, NULL);
	return 0;
}

void dc_stats_add(struct dc_stats *s, uint32_t us)
{
	pthread_mutex_lock(&s->lock);
	if (s->n == s->cap) {
		uint32_t *ns = realloc(s->samples, 2 * s->cap * sizeof(*ns));
		if (!ns) { /* keep what we have: percentiles of a prefix are still meaningful */
			pthread_mutex_unlock(&s->lock);
			return;
		}
		s->samples = ns;
		s->cap *= 2;
	}
	s->samples[s->n++] = us;
	pthread_mutex_unlock(&s->lock);
}

static int dc_cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

void dc_stats_finish(struct dc_stats *s)
{
	pthread_mutex_lock(&s->lock);
	qsort(s->samples, s->n, sizeof(*s->samples), dc_cmp_u32);
	pthread_mutex_unlock(&s->lock);
}

uint32_t dc_stats_pct(const struct dc_stats *s, double pct)
{
	if (!s->n)
		return 0;
	/* nearest rank: the smallest sample with at least pct% of samples <= it */
	double r = ceil(pct / 100.0 * (double)s->n - 1e-9); /* 99.9% of 1000 is 999, not 1000 */
	size_t rank = r < 1 ? 1 : (size_t)r;
	if (rank > s->n)
		rank = s->n;
	return s->samples[rank - 1];
}

void dc_stats_free(struct dc_stats *s)
{
	if (!s || !s->samples)
		return;
	free(s->samples);
	s->samples = NULL;
	pthread_mutex_destroy(&s->lock);
}

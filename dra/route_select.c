/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * route_select.c: ranking of routing candidates for a peer group. Pure functions over an
 * array, so the policies are unit-tested without a network, and re-entrant (the only shared
 * state, the round-robin position, is passed in by the caller).
 *
 * freeDiameter adds every out-callback's delta to a candidate's score and sends to the
 * highest-scoring open peer; when that peer fails, the pending request is re-routed and
 * the next one wins. So members get large scores in preference order, spaced wider than
 * anything the core adds (+100 Destination-Host, +15 realm), and every non-member a score
 * far below zero, which the core treats as "never send there".
 */
#include "dra.h"

#include <strings.h>

/* Spacing between consecutive ranks: larger than the sum of the core's own scores. */
#define DRA_SCORE_STEP 1000

/* Group members are few (a handful of servers); beyond this they are not ranked. */
#define DRA_MAX_RANKED 256

int dra_group_rank(const struct dra_group *g, struct dra_cand *c, size_t n, uint64_t seq)
{
	/* cand_of[m]: candidate index of member m when usable, else -1 */
	int cand_of[DRA_MAX_RANKED];
	unsigned usable[DRA_MAX_RANKED];
	unsigned order[DRA_MAX_RANKED];
	size_t nm, nu = 0, i, j, first = 0;

	for (i = 0; i < n; i++) {
		c[i].delta = DRA_SCORE_EXCLUDE;
		c[i].member = -1;
	}
	if (!g)
		return -1;
	nm = g->n_members < DRA_MAX_RANKED ? g->n_members : DRA_MAX_RANKED;
	for (j = 0; j < nm; j++)
		cand_of[j] = -1;
	for (i = 0; i < n; i++) {
		for (j = 0; j < nm; j++) {
			if (strlen(g->members[j]) == c[i].id_len &&
			    strncasecmp(g->members[j], c[i].id, c[i].id_len) == 0) {
				c[i].member = (int)j;
				if (c[i].usable)
					cand_of[j] = (int)i;
				break;
			}
		}
	}
	for (j = 0; j < nm; j++)
		if (cand_of[j] >= 0)
			usable[nu++] = (unsigned)j;
	if (nu == 0)
		return -1;

	switch (g->policy) {
	case DRA_POL_FAILOVER:
		first = 0;
		break;
	case DRA_POL_ROUND_ROBIN:
		/* Rotate over the members that are up, so a dead one's share spreads evenly. */
		first = (size_t)(seq % nu);
		break;
	case DRA_POL_WEIGHTED:
		first = 0;
		if (g->n_sched) {
			size_t s;
			for (s = 0; s < g->n_sched; s++) {
				unsigned m = g->sched[(seq + s) % g->n_sched];
				if (m < nm && cand_of[m] >= 0) {
					for (j = 0; j < nu; j++)
						if (usable[j] == m)
							first = j;
					break;
				}
			}
		}
		break;
	}
	/* Preference order: the chosen one, then the others in group order after it. */
	for (j = 0; j < nu; j++)
		order[j] = usable[(first + j) % nu];
	for (j = 0; j < nu; j++)
		c[cand_of[order[j]]].delta = DRA_SCORE_BASE + (int)(nu - j) * DRA_SCORE_STEP;
	return cand_of[order[0]];
}

bool dra_group_preferred_down(const struct dra_group *g, const struct dra_cand *c, size_t n,
                              uint64_t seq)
{
	size_t want = 0, i;

	if (!g || !g->n_members)
		return false;
	switch (g->policy) {
	case DRA_POL_FAILOVER:
		want = 0;
		break;
	case DRA_POL_ROUND_ROBIN:
		want = (size_t)(seq % g->n_members);
		break;
	case DRA_POL_WEIGHTED:
		want = g->n_sched ? g->sched[seq % g->n_sched] : 0;
		break;
	}
	for (i = 0; i < n; i++)
		if (c[i].member == (int)want && c[i].usable)
			return false;
	return true;
}

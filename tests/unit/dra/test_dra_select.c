/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_dra_select.c: route matching (realm exact and wildcard, application, Destination-Host,
 * IMSI prefix ranges, default route last) and candidate ranking per policy (failover
 * order, round-robin spread, weighted proportions, dead members, non-members excluded).
 */
#include "dra.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const conf =
	"diameter: { identity: dra.test, realm: test }\n"
	"peer_groups:\n"
	"  - { name: ga, policy: round_robin, peers: [a1, a2, a3] }\n"
	"  - { name: gw, policy: weighted, peers: [ { host: w1, weight: 3 }, { host: w2, weight: 1 } ] }\n"
	"  - { name: gf, peers: [f1, f2, f3] }\n"
	"  - { name: gi, peers: [i1] }\n"
	"routes:\n"
	"  - { name: def, default: true, group: gf }\n"
	"  - { name: ra, match: { realm: A.example }, group: ga }\n"
	"  - { name: rw, match: { realm: \"*.mnc001.mcc001.3gppnetwork.org\", app: s6a }, group: gw }\n"
	"  - { name: imsi, match: { imsi: [\"00102\", \"001030000-001030499\"] }, group: gi }\n"
	"  - { name: host, match: { destination_host: \"hss9.*\" }, reject: true }\n";

static struct dra_rtable *load(void)
{
	char path[] = "/tmp/dra-sel-XXXXXX";
	char err[4096];
	struct dra_cfg cfg;
	struct dra_rtable *t = NULL;
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, conf, strlen(conf)) != (ssize_t)strlen(conf))
		tap_bail("cannot write %s", path);
	close(fd);
	if (dra_cfg_load(path, false, &cfg, err, sizeof(err)) ||
	    dra_rtable_build(&cfg, &t, err, sizeof(err)))
		tap_bail("load: %s", err);
	dra_cfg_free(&cfg);
	unlink(path);
	return t;
}

static const char *route_for(const struct dra_rtable *t, uint32_t app, const char *realm,
                             const char *host, const char *user)
{
	struct dra_keys k;
	const struct dra_route *r;

	memset(&k, 0, sizeof(k));
	k.app = app;
	if (realm) { k.realm = (const uint8_t *)realm; k.realm_len = strlen(realm); }
	if (host) { k.host = (const uint8_t *)host; k.host_len = strlen(host); }
	if (user) { k.user = (const uint8_t *)user; k.user_len = strlen(user); }
	r = dra_route_find(t, &k);
	return r ? r->cfg->name : "(none)";
}

static void test_match(const struct dra_rtable *t)
{
	CHECK_STR(route_for(t, 16777251, "a.example", NULL, NULL), "ra");        /* case */
	CHECK_STR(route_for(t, 16777251, "a.example.x", NULL, NULL), "def");
	CHECK_STR(route_for(t, 16777251, "epc.mnc001.mcc001.3gppnetwork.org", NULL, NULL), "rw");
	CHECK_STR(route_for(t, 16777216, "epc.mnc001.mcc001.3gppnetwork.org", NULL, NULL), "def");
	CHECK_STR(route_for(t, 16777251, "mnc001.mcc001.3gppnetwork.org", NULL, NULL), "def");
	CHECK_STR(route_for(t, 16777251, "x", NULL, "001020000000001"), "imsi");
	CHECK_STR(route_for(t, 16777251, "x", NULL, "001030499999999"), "imsi");
	CHECK_STR(route_for(t, 16777251, "x", NULL, "001030500000000"), "def");
	CHECK_STR(route_for(t, 16777251, "x", NULL, "001030000000001@ims.x"), "imsi");
	CHECK_STR(route_for(t, 16777251, "x", NULL, "0010"), "def");
	CHECK_STR(route_for(t, 16777251, "x", "HSS9.b", NULL), "host");
	CHECK_STR(route_for(t, 16777251, NULL, NULL, NULL), "def");
	/* The default route is tried last even though it is listed first. */
	CHECK(t->routes[t->n_routes - 1].cfg->is_default);
}

static void test_imsi(void)
{
	struct dra_imsi_range r = { "00101", "00105", 5 };

	CHECK(dra_imsi_match(&r, (const uint8_t *)"001010", 6));
	CHECK(dra_imsi_match(&r, (const uint8_t *)"00105", 5));
	CHECK(!dra_imsi_match(&r, (const uint8_t *)"00106", 5));
	CHECK(!dra_imsi_match(&r, (const uint8_t *)"0010", 4));
	CHECK(!dra_imsi_match(&r, (const uint8_t *)"0010a1", 6));
	CHECK(!dra_imsi_match(&r, NULL, 0));
}

static const struct dra_group *group(const struct dra_rtable *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n_groups; i++)
		if (!strcmp(t->groups[i].name, name))
			return &t->groups[i];
	return NULL;
}

static void setc(struct dra_cand *c, const char *id, bool usable)
{
	c->id = id;
	c->id_len = strlen(id);
	c->usable = usable;
}

/* Index of the candidate ranked k-th (0 = first choice). */
static int ranked(const struct dra_cand *c, size_t n, int k)
{
	int order[16], no = 0;
	bool used[16] = { 0 };
	size_t i;

	while (no <= k) {
		int best = -1;
		for (i = 0; i < n; i++)
			if (!used[i] && c[i].delta > 0 && (best < 0 || c[i].delta > c[best].delta))
				best = (int)i;
		if (best < 0)
			return -1;
		used[best] = true;
		order[no++] = best;
	}
	return order[k];
}

static void test_failover(const struct dra_rtable *t)
{
	const struct dra_group *g = group(t, "gf");
	struct dra_cand c[5];
	int best;

	setc(&c[0], "other", true);
	setc(&c[1], "F3", true);
	setc(&c[2], "f1", true);
	setc(&c[3], "f2", true);
	setc(&c[4], "a1", true);
	best = dra_group_rank(g, c, 5, 7);
	CHECK_INT(best, ==, 2);
	CHECK_INT(ranked(c, 5, 0), ==, 2);
	CHECK_INT(ranked(c, 5, 1), ==, 3);
	CHECK_INT(ranked(c, 5, 2), ==, 1);
	CHECK_INT(ranked(c, 5, 3), ==, -1);
	CHECK_INT(c[0].delta, <, 0);
	CHECK_INT(c[4].delta, <, 0);
	CHECK_INT(c[0].member, ==, -1);
	CHECK_INT(c[1].member, ==, 2);
	/* Strong enough to beat the core's +100 (Destination-Host) on a non-member. */
	CHECK_INT(c[3].delta - 2, >, c[0].delta + 200);
	CHECK_INT(c[0].delta + 200, <, 0);

	/* First member down (not usable): the second takes over. */
	c[2].usable = false;
	best = dra_group_rank(g, c, 5, 0);
	CHECK_INT(best, ==, 3);
	CHECK_INT(c[2].delta, <, 0);

	/* Nobody usable. */
	c[1].usable = c[3].usable = false;
	CHECK_INT(dra_group_rank(g, c, 5, 0), ==, -1);
	CHECK_INT(dra_group_rank(NULL, c, 5, 0), ==, -1);
}

static void test_round_robin(const struct dra_rtable *t)
{
	const struct dra_group *g = group(t, "ga");
	struct dra_cand c[3];
	int count[3] = { 0 }, i;

	setc(&c[0], "a1", true);
	setc(&c[1], "a2", true);
	setc(&c[2], "a3", true);
	for (i = 0; i < 300; i++)
		count[dra_group_rank(g, c, 3, (uint64_t)i)]++;
	CHECK_INT(count[0], ==, 100);
	CHECK_INT(count[1], ==, 100);
	CHECK_INT(count[2], ==, 100);
	/* The order after the first choice is the failover order. */
	dra_group_rank(g, c, 3, 1);
	CHECK_INT(ranked(c, 3, 0), ==, 1);
	CHECK_INT(ranked(c, 3, 1), ==, 2);
	CHECK_INT(ranked(c, 3, 2), ==, 0);

	/* A dead member's share spreads over the others evenly. */
	c[1].usable = false;
	count[0] = count[1] = count[2] = 0;
	for (i = 0; i < 300; i++)
		count[dra_group_rank(g, c, 3, (uint64_t)i)]++;
	CHECK_INT(count[0], ==, 150);
	CHECK_INT(count[1], ==, 0);
	CHECK_INT(count[2], ==, 150);
}

static void test_weighted(const struct dra_rtable *t)
{
	const struct dra_group *g = group(t, "gw");
	struct dra_cand c[2];
	int count[2] = { 0 }, i, run = 0, maxrun = 0, prev = -1;

	setc(&c[0], "w1", true);
	setc(&c[1], "w2", true);
	for (i = 0; i < 400; i++) {
		int b = dra_group_rank(g, c, 2, (uint64_t)i);
		count[b]++;
		run = b == prev ? run + 1 : 1;
		if (b == 0 && run > maxrun)
			maxrun = run;
		prev = b;
		CHECK_INT(c[!b].delta, >, 0, "pick %d: the other stays as failover", i);
	}
	CHECK_INT(count[0], ==, 300);
	CHECK_INT(count[1], ==, 100);
	CHECK_INT(maxrun, <=, 3);  /* interleaved, not 300 then 100 */
	c[0].usable = false;
	for (i = 0; i < 10; i++)
		CHECK_INT(dra_group_rank(g, c, 2, (uint64_t)i), ==, 1, "w1 down: w2 chosen #%d", i);
}

/* Counters: registered once per name, shared by tables, readable through the dump. */
static void test_stats(const struct dra_rtable *t)
{
	struct dra_peer_stats *p = dra_stats_peer("a1");
	struct dra_route_stats *r = dra_stats_route("ra");

	CHECK_INT(dra_ans_class(2001), ==, DRA_ANS_2XXX);
	CHECK_INT(dra_ans_class(3002), ==, DRA_ANS_3XXX);
	CHECK_INT(dra_ans_class(5012), ==, DRA_ANS_5XXX);
	CHECK_INT(dra_ans_class(0), ==, DRA_ANS_OTHER);
	CHECK_INT(dra_ans_class(6000), ==, DRA_ANS_OTHER);
	CHECK(p != NULL && p == dra_stats_peer_find("A1", 2),
	      "one entry per peer, case-insensitive");
	CHECK(p == group(t, "ga")->mstats[0], "the group's member counters are the peer's");
	CHECK(dra_stats_peer_find("nobody", 6) == NULL);
	CHECK(r != NULL && r == t->routes[0].stats, "the route table uses the route's counters");
	atomic_fetch_add(&p->answers[DRA_ANS_2XXX], 5);
	atomic_fetch_add(&r->matched, 3);
	CHECK_INT(dra_stats_get("peer", "a1", "answers_2xxx"), ==, 5);
	CHECK_INT(dra_stats_get("route", "ra", "matched"), ==, 3);
	CHECK_INT(dra_stats_get("route", "nosuch", "matched"), ==, 0);
}

int main(void)
{
	struct dra_rtable *t = load();

	test_match(t);
	test_imsi();
	test_failover(t);
	test_round_robin(t);
	test_weighted(t);
	test_stats(t);
	dra_rtable_unref(t);
	return tap_done();
}

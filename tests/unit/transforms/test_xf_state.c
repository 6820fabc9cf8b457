/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_xf_state.c: topology hiding (hide_host / unhide_host round trip, stability across
 * rule reloads, {hash} pseudonyms) and thread safety: many threads applying one rule set
 * and one hiding table at once must give the same results and exact counters.
 */
#include "xft.h"

#include <pthread.h>

static const char *HIDE_RULES =
	"rules:\n"
	"  - name: hide-mme\n"
	"    match: { from_peer: \"mme*.internal\" }\n"
	"    actions:\n"
	"      - hide_host: { pseudo: \"mme-{n}.hidden.example\", route_record: true }\n"
	"  - name: unhide\n"
	"    match: { direction: request, destination_host: { suffix: .hidden.example } }\n"
	"    actions:\n"
	"      - unhide_host: Destination-Host\n";

static struct msg *req_from(const char *host)
{
	struct msg *m = xft_msg("Session-Termination-Request", 4);
	xft_add(m, "Origin-Host", host);
	xft_add(m, "Origin-Realm", "internal");
	xft_add(m, "Destination-Realm", "home.example");
	xft_add(m, "Route-Record", host);
	xft_add(m, "Route-Record", "dra0.internal");
	return m;
}

static struct msg *req_to(const char *dest)
{
	struct msg *m = xft_msg("Abort-Session-Request", 4);
	xft_add(m, "Origin-Host", "hss1.home.example");
	xft_add(m, "Origin-Realm", "home.example");
	xft_add(m, "Destination-Host", dest);
	xft_add(m, "Destination-Realm", "internal");
	return m;
}

static void test_round_trip(void)
{
	struct xf_rules *rs = xft_load(HIDE_RULES), *rs2;
	struct xf_state *st = NULL;
	struct msg *m;
	char out[256];

	if (!rs)
		return;
	CHECK_ERR(xf_state_new(&st), 0);

	m = xft_relayed(req_from("mme1.internal"));
	CHECK_ERR(xft_apply(rs, m, "mme1.internal", NULL, st, NULL), 0);
	CHECK_STR(xft_get(m, "Origin-Host", 0), "mme-1.hidden.example");
	CHECK_STR(xft_get(m, "Route-Record", 0), "mme-1.hidden.example");
	CHECK_STR(xft_get(m, "Route-Record", 1), "mme-2.hidden.example");   /* dra0 hidden too */
	fd_msg_free(m);

	m = req_from("MME2.internal");
	CHECK_ERR(xft_apply(rs, m, "mme2.internal", NULL, st, NULL), 0);
	CHECK_STR(xft_get(m, "Origin-Host", 0), "mme-3.hidden.example");
	fd_msg_free(m);

	/* the same host again: the same pseudonym, case-insensitively */
	m = req_from("Mme1.Internal");
	CHECK_ERR(xft_apply(rs, m, "mme1.internal", NULL, st, NULL), 0);
	CHECK_STR(xft_get(m, "Origin-Host", 0), "mme-1.hidden.example");
	fd_msg_free(m);
	CHECK_INT(xf_state_count(st), ==, 3);

	/* an answer from a hidden peer is hidden too (direction any) */
	m = xft_msg("Abort-Session-Answer", 4);
	xft_add(m, "Result-Code", "2001");
	xft_add(m, "Origin-Host", "mme1.internal");
	CHECK_ERR(xft_apply(rs, m, "mme1.internal", "hss1.home.example", st, NULL), 0);
	CHECK_STR(xft_get(m, "Origin-Host", 0), "mme-1.hidden.example");
	fd_msg_free(m);

	/* the reverse direction: Destination-Host back to the real host */
	m = xft_relayed(req_to("MME-1.hidden.example"));
	CHECK_ERR(xft_apply(rs, m, "hss1.home.example", NULL, st, NULL), 0);
	CHECK_STR(xft_get(m, "Destination-Host", 0), "mme1.internal");
	CHECK_STR(xft_get(m, "Origin-Host", 0), "hss1.home.example");
	fd_msg_free(m);
	m = req_to("mme-9.hidden.example");   /* unknown pseudonym: left alone */
	CHECK_ERR(xft_apply(rs, m, "hss1.home.example", NULL, st, NULL), 0);
	CHECK_STR(xft_get(m, "Destination-Host", 0), "mme-9.hidden.example");
	fd_msg_free(m);

	/* the table survives a reload: a new rule set, the same state */
	rs2 = xft_load(HIDE_RULES);
	xf_rules_unref(rs);
	m = req_from("mme2.internal");
	CHECK_ERR(xft_apply(rs2, m, "mme2.internal", NULL, st, NULL), 0);
	CHECK_STR(xft_get(m, "Origin-Host", 0), "mme-3.hidden.example");
	fd_msg_free(m);
	m = req_to("mme-3.hidden.example");
	CHECK_ERR(xft_apply(rs2, m, "hss1.home.example", NULL, st, NULL), 0);
	CHECK_STR(xft_get(m, "Destination-Host", 0), "mme2.internal");
	fd_msg_free(m);

	/* an already hidden name passing again is not hidden twice */
	m = req_from("mme-1.hidden.example");
	CHECK_ERR(xft_apply(rs2, m, "mme-x.internal", NULL, st, NULL), 0);
	CHECK_STR(xft_get(m, "Origin-Host", 0), "mme-1.hidden.example");
	fd_msg_free(m);

	CHECK_ERR(xf_state_lookup_real(st, "mme-1.hidden.example", out, sizeof(out)), 0);
	CHECK_STR(out, "mme1.internal");
	CHECK_ERR(xf_state_lookup_pseudo(st, "MME2.internal", out, sizeof(out)), 0);
	CHECK_STR(out, "mme-3.hidden.example");
	CHECK_ERR(xf_state_lookup_real(st, "nobody", out, sizeof(out)), ENOENT);
	CHECK_ERR(xf_state_lookup_pseudo(st, "mme2.internal", out, 4), ENOSPC);
	CHECK_INT(xf_state_count(st), ==, 3);
	xf_rules_unref(rs2);
	xf_state_free(st);
	xf_state_free(NULL);
}

static void test_hash(void)
{
	struct xf_rules *rs = xft_load(
		"rules:\n"
		"  - name: h1\n"
		"    match: { direction: request }\n"
		"    actions:\n"
		"      - hide_host: { pseudo: \"{hash}.h.example\", secret: k1 }\n"
		"  - name: h2\n"
		"    match: { direction: answer }\n"
		"    actions:\n"
		"      - hide_host: { pseudo: \"{hash}.h.example\", secret: k2 }\n");
	struct xf_state *st = NULL, *st2 = NULL;
	char a[256], b[256], c[256];
	struct msg *m;

	if (!rs)
		return;
	CHECK_ERR(xf_state_new(&st), 0);
	CHECK_ERR(xf_state_new(&st2), 0);
	m = req_from("mme1.internal");
	CHECK_ERR(xft_apply(rs, m, "p", NULL, st, NULL), 0);
	snprintf(a, sizeof(a), "%s", xft_get(m, "Origin-Host", 0));
	fd_msg_free(m);
	CHECK_INT(strlen(a), ==, 16 + strlen(".h.example"));
	CHECK_INT(strspn(a, "0123456789abcdef"), ==, 16);
	/* the same in a fresh table: stable across restarts */
	m = req_from("mme1.internal");
	CHECK_ERR(xft_apply(rs, m, "p", NULL, st2, NULL), 0);
	snprintf(b, sizeof(b), "%s", xft_get(m, "Origin-Host", 0));
	fd_msg_free(m);
	CHECK_STR(a, b);
	/* another secret, another name */
	m = xft_msg("Abort-Session-Answer", 4);
	xft_add(m, "Origin-Host", "mme1.internal");
	CHECK_ERR(xft_apply(rs, m, "p", "q", st, NULL), 0);
	snprintf(c, sizeof(c), "%s", xft_get(m, "Origin-Host", 0));
	fd_msg_free(m);
	CHECK(strcmp(a, c) != 0, "another secret, another pseudonym (%s, %s)", a, c);
	CHECK_ERR(xf_state_lookup_real(st, c, b, sizeof(b)), 0);
	CHECK_STR(b, "mme1.internal");
	xf_state_free(st);
	xf_state_free(st2);
	xf_rules_unref(rs);
}

/* ---- threads ---- */

#define NTHREADS 8
#define NITER 1500

static const char *THREAD_RULES =
	"rules:\n"
	"  - name: hide\n"
	"    match: { direction: request, from_peer: \"mme*\" }\n"
	"    actions:\n"
	"      - hide_host: { pseudo: \"m{n}.hidden\" }\n"
	"      - prefix_map: { avp: User-Name, map: { \"00101\": \"99999\", \"0010\": \"8888\" } }\n"
	"      - replace: { avp: Destination-Realm, regex: \"^home\\\\.(.*)$\", with: \"h.\\\\1\" }\n"
	"  - name: answers\n"
	"    match: { direction: answer, command: Session-Termination }\n"
	"    actions:\n"
	"      - map: { avp: Origin-Realm, table: { h.example: home.example } }\n"
	"  - name: never\n"
	"    match: { command: Abort-Session }\n"
	"    actions: [ { remove: User-Name } ]\n";

struct worker {
	struct xf_rules *rs;
	struct xf_state *st;
	int id;
	int bad;
	char pseudo[4][64];
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	for (int i = 0; i < NITER; i++) {
		char host[64], user[32];
		int k = (w->id + i) % 4;
		struct msg *m;

		snprintf(host, sizeof(host), "mme%d.internal", k);
		snprintf(user, sizeof(user), "0010%d%08d", i % 2, i);
		m = xft_msg("Session-Termination-Request", 4);
		xft_add(m, "Origin-Host", host);
		xft_add(m, "Destination-Realm", "home.example");
		xft_add(m, "User-Name", user);
		m = xft_relayed(m);
		if (xft_apply(w->rs, m, host, NULL, w->st, NULL)) {
			w->bad++;
		} else {
			struct avp *a[2];
			char want[32];
			/* xft_get uses a static buffer: read values through the AVPs directly */
			struct avp_hdr *h = NULL;
			if (xft_find(m, "User-Name", a, 2) != 1 || fd_msg_avp_hdr(a[0], &h))
				w->bad++;
			else {
				snprintf(want, sizeof(want), "%s%08d", i % 2 ? "99999" : "88880", i);
				if (h->avp_value->os.len != strlen(want)
				    || memcmp(h->avp_value->os.data, want, strlen(want)))
					w->bad++;
			}
			if (xft_find(m, "Destination-Realm", a, 2) != 1 || fd_msg_avp_hdr(a[0], &h)
			    || h->avp_value->os.len != 9 || memcmp(h->avp_value->os.data, "h.example", 9))
				w->bad++;
			if (xft_find(m, "Origin-Host", a, 2) != 1 || fd_msg_avp_hdr(a[0], &h))
				w->bad++;
			else if (!w->pseudo[k][0])
				snprintf(w->pseudo[k], sizeof(w->pseudo[k]), "%.*s",
				         (int)h->avp_value->os.len, h->avp_value->os.data);
			else if (h->avp_value->os.len != strlen(w->pseudo[k])
			         || memcmp(h->avp_value->os.data, w->pseudo[k], h->avp_value->os.len))
				w->bad++;   /* one host, one pseudonym, whatever the thread */
		}
		fd_msg_free(m);

		m = xft_msg("Session-Termination-Answer", 4);
		xft_add(m, "Origin-Realm", "h.example");
		if (xft_apply(w->rs, m, "hss", host, w->st, NULL))
			w->bad++;
		else {
			struct avp *a[2];
			struct avp_hdr *h = NULL;
			if (xft_find(m, "Origin-Realm", a, 2) != 1 || fd_msg_avp_hdr(a[0], &h)
			    || h->avp_value->os.len != 12 || memcmp(h->avp_value->os.data, "home.example", 12))
				w->bad++;
		}
		fd_msg_free(m);
	}
	return NULL;
}

static void stats_cb(void *data, const struct xf_rule_stats *s)
{
	uint64_t *h = data;
	h[s->index] = s->hits + 1000000 * s->errors;
}

static void test_threads(void)
{
	struct xf_rules *rs = xft_load(THREAD_RULES);
	struct xf_state *st = NULL;
	struct worker w[NTHREADS];
	pthread_t th[NTHREADS];
	uint64_t hits[3] = { 0 };

	if (!rs)
		return;
	CHECK_ERR(xf_state_new(&st), 0);
	memset(w, 0, sizeof(w));
	for (int i = 0; i < NTHREADS; i++) {
		w[i].rs = rs;
		w[i].st = st;
		w[i].id = i;
		xf_rules_ref(rs);      /* each worker holds its own reference */
		CHECK_ERR(pthread_create(&th[i], NULL, worker_main, &w[i]), 0);
	}
	xf_rules_unref(rs);        /* the "reloader" lets go while workers run */
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	for (int k = 0; k < 4; k++)
		CHECK(w[0].pseudo[k][0] != '\0', "thread 0 saw a pseudonym for mme%d", k);
	for (int i = 0; i < NTHREADS; i++) {
		CHECK_INT(w[i].bad, ==, 0, "thread %d: every result as expected", i);
		for (int k = 0; i && k < 4; k++)
			CHECK_STR(w[i].pseudo[k], w[0].pseudo[k],
			          "thread %d: mme%d has thread 0's pseudonym",
			          i, k);
	}
	CHECK_INT(xf_state_count(st), ==, 4);
	/* workers still hold references: read the counters, then drop them */
	xf_rules_stats(rs, stats_cb, hits);
	CHECK_UINT(hits[0], ==, (uint64_t)NTHREADS * NITER);
	CHECK_UINT(hits[1], ==, (uint64_t)NTHREADS * NITER);
	CHECK_UINT(hits[2], ==, 0);
	for (int i = 0; i < NTHREADS; i++)
		xf_rules_unref(w[i].rs);
	xf_state_free(st);
}

int main(void)
{
	xft_init();
	test_round_trip();
	test_hash();
	test_threads();
	return tap_done();
}

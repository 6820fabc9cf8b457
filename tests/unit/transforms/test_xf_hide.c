/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_xf_hide.c: topology hiding that needs no growing state. {enc} pseudonyms are an
 * authenticated encryption of the host name under a key file: the same in a second rule set
 * loaded from the same file (another DRA, or after a restart) and reversed there, with no
 * table at all; forged or foreign pseudonyms are left alone; the key file is checked (mode,
 * content) and its problems reported with file and line. The {n}/{hash} table is bounded and
 * evicts the least recently used hosts, so 200,000 new names neither grow it nor get a host
 * refused.
 */
#include "xft.h"

#include <ctype.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64];

/* Write a key file `name` in dir with `text` and `mode`; return its path (static). */
static const char *keyfile(const char *name, const char *text, mode_t mode)
{
	static char path[16][256];
	static int k;
	char *p = path[k++ % 16];
	FILE *f;

	snprintf(p, 256, "%s/%s", dir, name);
	unlink(p);
	if (!(f = fopen(p, "w")))
		tap_bail("%s: %s", p, strerror(errno));
	fputs(text, f);
	fclose(f);
	chmod(p, mode);
	return p;
}

static const char *KEY1 = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n";
static const char *KEY2 = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100\n";

static struct xf_rules *load_enc(const char *key_path, const char *tmpl)
{
	char yaml[2048];

	snprintf(yaml, sizeof(yaml),
	         "rules:\n"
	         "  - name: hide\n"
	         "    match: { from_peer: \"mme*.internal\" }\n"
	         "    actions:\n"
	         "      - hide_host: { pseudo: \"%s\", key_file: \"%s\", route_record: true }\n"
	         "  - name: unhide\n"
	         "    match: { direction: request, destination_host: { suffix: .hidden.example } }\n"
	         "    actions:\n"
	         "      - unhide_host: Destination-Host\n", tmpl, key_path);
	return xft_load(yaml);
}

static struct msg *req_from(const char *host)
{
	struct msg *m = xft_msg("Session-Termination-Request", 4);
	xft_add(m, "Origin-Host", host);
	xft_add(m, "Origin-Realm", "internal");
	xft_add(m, "Destination-Realm", "home.example");
	xft_add(m, "Route-Record", host);
	return xft_relayed(m);
}

static struct msg *req_to(const char *dest)
{
	struct msg *m = xft_msg("Abort-Session-Request", 4);
	xft_add(m, "Origin-Host", "hss1.home.example");
	xft_add(m, "Origin-Realm", "home.example");
	xft_add(m, "Destination-Host", dest);
	xft_add(m, "Destination-Realm", "internal");
	return xft_relayed(m);
}

/* The pseudonym rs gives host (no table). */
static void hide(struct xf_rules *rs, const char *host, char *out, size_t outsz)
{
	struct msg *m = req_from(host);

	out[0] = '\0';
	CHECK_ERR(xft_apply(rs, m, "mme1.internal", NULL, NULL, NULL), 0, "hide %s", host);
	snprintf(out, outsz, "%s", xft_get(m, "Origin-Host", 0));
	CHECK_STR(xft_get(m, "Route-Record", 0), out, "%s: Route-Record hidden as Origin-Host",
	          host);
	fd_msg_free(m);
}

/* What unhide_host of rs makes of Destination-Host `pseudo`. */
static void unhide(struct xf_rules *rs, const char *pseudo, char *out, size_t outsz)
{
	struct msg *m = req_to(pseudo);

	CHECK_ERR(xft_apply(rs, m, "hss1.home.example", NULL, NULL, NULL), 0, "unhide %s", pseudo);
	snprintf(out, outsz, "%s", xft_get(m, "Destination-Host", 0));
	fd_msg_free(m);
}

static bool dns_safe(const char *s)
{
	size_t label = 0;

	if (strlen(s) > 255)
		return false;
	for (; *s; s++) {
		if (*s == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (!(*s >= 'a' && *s <= 'z') && !(*s >= '0' && *s <= '9') && *s != '-')
			return false;
		if (++label > 63)
			return false;
	}
	return label > 0;
}

static void test_enc(void)
{
	const char *k1 = keyfile("k1", KEY1, 0600), *k2 = keyfile("k2", KEY2, 0400);
	const char *tmpl = "mme-{enc}.hidden.example";
	struct xf_rules *a = load_enc(k1, tmpl), *b = load_enc(k1, tmpl), *other = load_enc(k2, tmpl);
	struct xf_rules *t2 = load_enc(k1, "{enc}.x.hidden.example");
	char p1[300], p1b[300], p2[300], q[300], r[300];
	const char *long_host = "mme01.mmegi8001.mme.epc.mnc001.mcc001.3gppnetwork.org";

	if (!a || !b || !other || !t2)
		goto out;
	hide(a, "mme1.internal", p1, sizeof(p1));
	tap_note("mme1.internal -> %s", p1);
	CHECK(strncmp(p1, "mme-", 4) == 0, "'%s' starts as the template", p1);
	CHECK(strlen(p1) > strlen(".hidden.example")
	      && !strcmp(p1 + strlen(p1) - strlen(".hidden.example"), ".hidden.example"),
	      "'%s' ends as the template", p1);
	CHECK(dns_safe(p1), "'%s' is a DNS name", p1);
	/* the same name from another rule set with the same key: a second DRA, or a restart */
	hide(b, "MME1.Internal", p1b, sizeof(p1b));
	CHECK_STR(p1b, p1, "another rule set with the same key, another case: the same pseudonym");
	hide(a, "mme2.internal", p2, sizeof(p2));
	CHECK(strcmp(p1, p2) != 0, "another host, another pseudonym: %s", p2);
	/* a 3GPP-style name: several labels of at most 63 characters */
	hide(a, long_host, q, sizeof(q));
	tap_note("%s -> %s", long_host, q);
	CHECK(dns_safe(q), "'%s' is a DNS name", q);
	/* reversed by the other rule set, without any table; case does not matter */
	unhide(b, p1, r, sizeof(r));
	CHECK_STR(r, "mme1.internal", "the other rule set unhides without a table");
	for (char *c = p2; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	unhide(b, p2, r, sizeof(r));
	CHECK_STR(r, "mme2.internal", "a pseudonym in upper case unhides");
	unhide(a, q, r, sizeof(r));
	CHECK_STR(r, long_host, "the 3GPP-style name unhides");
	/* a pseudonym is not hidden twice */
	hide(a, p1, r, sizeof(r));
	CHECK_STR(r, p1, "a pseudonym is not hidden twice");
	/* another key, another template: neither gives nor reverses the same names */
	hide(other, "mme1.internal", r, sizeof(r));
	CHECK(strcmp(r, p1) != 0, "another key gives another pseudonym: %s", r);
	unhide(other, p1, r, sizeof(r));
	CHECK_STR(r, p1, "another key does not unhide it");
	unhide(t2, p1, r, sizeof(r));
	CHECK_STR(r, p1, "another template does not unhide it");
	/* forged: one character changed, a label cut elsewhere, a made-up name: left alone */
	snprintf(q, sizeof(q), "%s", p1);
	q[6] = q[6] == 'a' ? 'b' : 'a';
	unhide(a, q, r, sizeof(r));
	CHECK_STR(r, q, "one character changed: left alone");
	unhide(a, "mme-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.hidden.example", r, sizeof(r));
	CHECK_STR(r, "mme-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.hidden.example",
	          "a made-up name: left alone");
	unhide(a, "mme-.hidden.example", r, sizeof(r));
	CHECK_STR(r, "mme-.hidden.example", "an empty pseudonym label: left alone");
out:
	xf_rules_unref(a);
	xf_rules_unref(b);
	xf_rules_unref(other);
	xf_rules_unref(t2);
}

/* Longest name: what the template leaves room for; one more is refused (never leaked). */
static void test_lengths(void)
{
	const char *k1 = keyfile("k1", KEY1, 0600);
	struct xf_rules *a = load_enc(k1, "{enc}.hidden.example");
	char host[300], r[300];
	size_t max = 0, unsafe = 0;
	struct msg *m;

	if (!a)
		return;
	/* find the longest that hides */
	for (size_t n = 60; n < 250; n++) {
		memset(host, 'h', n);
		memcpy(host + n - 9, ".internal", 9);
		host[n] = '\0';
		m = req_from(host);
		if (xft_apply(a, m, "mme1.internal", NULL, NULL, NULL) == 0) {
			max = n;
			if (!dns_safe(xft_get(m, "Origin-Host", 0)))
				unsafe++;
		}
		fd_msg_free(m);
	}
	tap_note("{enc}.hidden.example hides host names of up to %zu characters", max);
	CHECK_UINT(unsafe, ==, 0, "every pseudonym of 60 to %zu characters is a DNS name", max);
	CHECK_UINT(max, >=, 120, "host names of at least 120 characters hide");
	memset(host, 'h', max + 1);
	host[max + 1] = '\0';
	m = req_from(host);
	CHECK_ERR(xft_apply(a, m, "mme1.internal", NULL, NULL, NULL), ENAMETOOLONG,
	          "one character more is refused");
	CHECK_STR(xft_get(m, "Origin-Host", 0), host, "and the name is left as it was");
	fd_msg_free(m);
	host[max] = '\0';
	hide(a, host, r, sizeof(r));
	CHECK_UINT(strlen(r), <=, 255, "the longest pseudonym fits a DiameterIdentity");
	unhide(a, r, r, sizeof(r));
	CHECK_STR(r, host, "the longest name unhides");
	xf_rules_unref(a);
}

/* A DRA that only unhides names its key; an old key keeps unhiding after a rotation. */
static void test_unhide_only(void)
{
	const char *k1 = keyfile("k1", KEY1, 0600), *k2 = keyfile("k2", KEY2, 0600);
	struct xf_rules *old = load_enc(k1, "{enc}.hidden.example"), *rotated;
	char yaml[2048], p_old[300], p_new[300], r[300];

	if (!old)
		return;
	hide(old, "mme1.internal", p_old, sizeof(p_old));
	snprintf(yaml, sizeof(yaml),
	         "rules:\n"
	         "  - name: hide\n"
	         "    match: { from_peer: \"mme*.internal\" }\n"
	         "    actions:\n"
	         "      - hide_host: { pseudo: \"{enc}.hidden.example\", key_file: \"%s\", "
	         "route_record: true }\n"
	         "  - name: unhide\n"
	         "    match: { direction: request }\n"
	         "    actions:\n"
	         "      - unhide_host: { avp: Destination-Host, pseudo: \"{enc}.hidden.example\", "
	         "key_file: \"%s\" }\n", k2, k1);
	rotated = xft_load(yaml);
	if (rotated) {
		hide(rotated, "mme1.internal", p_new, sizeof(p_new));
		CHECK(strcmp(p_new, p_old) != 0, "the new key gives a new pseudonym: %s", p_new);
		unhide(rotated, p_old, r, sizeof(r));
		CHECK_STR(r, "mme1.internal", "the old key still unhides the old pseudonym");
		unhide(rotated, p_new, r, sizeof(r));
		CHECK_STR(r, "mme1.internal", "the new pseudonym unhides");
		xf_rules_unref(rotated);
	}
	xf_rules_unref(old);
}

static void expect_error(const char *yaml, const char *want)
{
	struct xf_rules *rs = NULL;
	char err[4096];

	CHECK_ERR(xf_rules_load_buf("bad.yaml", yaml, strlen(yaml), &rs, err, sizeof(err)), EINVAL,
	          "refused: %.60s", want);
	CHECK_STR(err, want, "the error line");
	/* the key never shows */
	CHECK(strstr(err, "00112233") == NULL && strstr(err, "ffeeddcc") == NULL,
	      "the error does not quote the key");
	xf_rules_unref(rs);
}

static void test_key_errors(void)
{
	const char *open_ = keyfile("k-open", KEY1, 0644), *grp = keyfile("k-grp", KEY1, 0640);
	const char *shrt = keyfile("k-short", "00112233445566778899aabbccddeeff\n", 0600);
	const char *nothex = keyfile("k-nothex", "this is not a key but a sentence of some length "
	                             "that is long enough\n", 0600);
	const char *odd = keyfile("k-odd", "00112233445566778899aabbccddeeff00112233445566778899aabb"
	                          "ccddeeff0\n", 0600);
	char yaml[1024], want[1024], missing[128];

#define HIDE(tmpl, kf) \
	snprintf(yaml, sizeof(yaml), "rules:\n  - name: h\n    actions:\n" \
	         "      - hide_host: { pseudo: \"%s\", key_file: \"%s\" }\n", tmpl, kf)

	HIDE("{enc}.h.example", open_);
	snprintf(want, sizeof(want), "bad.yaml:4: rule 'h': key_file '%s' has mode 0644: group and "
	         "others must have no access to a key (chmod 600 it)", open_);
	expect_error(yaml, want);
	HIDE("{enc}.h.example", grp);
	snprintf(want, sizeof(want), "bad.yaml:4: rule 'h': key_file '%s' has mode 0640: group and "
	         "others must have no access to a key (chmod 600 it)", grp);
	expect_error(yaml, want);
	snprintf(missing, sizeof(missing), "%s/no-such-key", dir);
	HIDE("{enc}.h.example", missing);
	snprintf(want, sizeof(want), "bad.yaml:4: rule 'h': key_file '%s': No such file or directory",
	         missing);
	expect_error(yaml, want);
	HIDE("{enc}.h.example", dir);
	snprintf(want, sizeof(want), "bad.yaml:4: rule 'h': key_file '%s' is not a regular file", dir);
	expect_error(yaml, want);
	for (int i = 0; i < 3; i++) {
		const char *kf = i == 0 ? shrt : i == 1 ? nothex : odd;
		HIDE("{enc}.h.example", kf);
		snprintf(want, sizeof(want), "bad.yaml:4: rule 'h': key_file '%s' must hold 32 to 128 "
		         "octets as hex digits (e.g. made by: openssl rand -hex 32)", kf);
		expect_error(yaml, want);
	}
	HIDE("mme-{n}.h.example", keyfile("k1", KEY1, 0600));
	expect_error(yaml, "bad.yaml:4: rule 'h': key_file applies to a pseudo template with {enc}");
	expect_error("rules:\n  - name: h\n    actions:\n      - hide_host: { pseudo: \"{enc}.h.example\" }\n",
	             "bad.yaml:4: rule 'h': pseudo '{enc}.h.example' has {enc}: give key_file (a file "
	             "of 32 or more octets in hex, mode 0600)");
	HIDE("{enc}-{n}.h.example", keyfile("k1", KEY1, 0600));
	expect_error(yaml, "bad.yaml:4: rule 'h': pseudo '{enc}-{n}.h.example': {enc} must appear "
	             "once, without {n} or {hash}");
	HIDE("{enc}x.h.example", keyfile("k1", KEY1, 0600));
	expect_error(yaml, "bad.yaml:4: rule 'h': pseudo '{enc}x.h.example': {enc} must end its label "
	             "(write \"{enc}.hidden.example\" or \"mme-{enc}.hidden.example\")");
	{
		char tmpl[200];
		memset(tmpl, 'x', 150);
		memcpy(tmpl + 150, ".{enc}", 7);
		HIDE(tmpl, keyfile("k1", KEY1, 0600));
		snprintf(want, sizeof(want), "bad.yaml:4: rule 'h': pseudo '%s' leaves room for host "
		         "names of 48 characters (at least 64 needed): shorten it", tmpl);
		expect_error(yaml, want);
	}
	expect_error("rules:\n  - name: u\n    actions:\n      - unhide_host: { key_file: /k }\n",
	             "bad.yaml:4: rule 'u': unhide_host with key_file needs the 'pseudo' template it "
	             "was made with");
	expect_error("rules:\n  - name: u\n    actions:\n      - unhide_host: { pseudo: \"m{n}.x\" }\n",
	             "bad.yaml:4: rule 'u': unhide_host: 'pseudo' is for {enc} templates; {n} and "
	             "{hash} pseudonyms are found in the hiding table");
#undef HIDE
}

/* A key file named relative to the rule file. */
static void test_relative(void)
{
	char rules[256], yaml[512];
	struct xf_rules *rs = NULL;
	char err[1024], p[300];
	FILE *f;

	keyfile("rel.key", KEY1, 0600);
	snprintf(rules, sizeof(rules), "%s/rules.yaml", dir);
	snprintf(yaml, sizeof(yaml), "rules:\n  - name: h\n    match: { from_peer: \"mme*.internal\" }\n"
	         "    actions:\n      - hide_host: { pseudo: \"{enc}.hidden.example\", key_file: "
	         "rel.key, route_record: true }\n");
	if (!(f = fopen(rules, "w")))
		tap_bail("%s: %s", rules, strerror(errno));
	fputs(yaml, f);
	fclose(f);
	if (!CHECK_ERR(xf_rules_load(rules, &rs, err, sizeof(err)), 0,
	               "a key_file relative to the rule file's directory"))
		tap_note("%s", err);
	if (rs) {
		hide(rs, "mme1.internal", p, sizeof(p));
		CHECK_SUBSTR(p, ".hidden.example", "hidden with it");
		xf_rules_unref(rs);
	}
	unlink(rules);
}

/* 200,000 new names through {enc}: nothing is kept; the first host still comes back. Through
 * a {n} table: it stays at its bound and evicts, a host in use keeps its pseudonym. */
static void test_flood(void)
{
	const char *k1 = keyfile("k1", KEY1, 0600);
	struct xf_rules *enc = load_enc(k1, "{enc}.hidden.example");
	struct xf_rules *tab = xft_load(
		"rules:\n"
		"  - name: hide\n"
		"    actions:\n"
		"      - hide_host: { pseudo: \"mme-{n}.hidden.example\" }\n"
		"  - name: unhide\n"
		"    match: { direction: request, destination_host: { suffix: .hidden.example } }\n"
		"    actions:\n"
		"      - unhide_host: Destination-Host\n");
	struct xf_state *st = NULL;
	char first_enc[300], first_tab[300], r[300], host[64];
	unsigned enc_refused = 0, tab_refused = 0, mme1_refused = 0, mme1_changed = 0;
	struct msg *m;

	if (!enc || !tab)
		goto out;
	CHECK_ERR(xf_state_new(&st), 0);
	hide(enc, "mme1.internal", first_enc, sizeof(first_enc));
	m = req_from("mme1.internal");
	CHECK_ERR(xft_apply(tab, m, "mme1.internal", NULL, st, NULL), 0, "mme1 through the {n} table");
	snprintf(first_tab, sizeof(first_tab), "%s", xft_get(m, "Origin-Host", 0));
	fd_msg_free(m);
	/* one check per kind below, not per message: 200,000 of them would drown the report */
	for (int i = 0; i < 200000; i++) {
		snprintf(host, sizeof(host), "flood-%d.attacker.example", i);
		m = req_from(host);
		if (xft_apply(enc, m, "mme1.internal", NULL, NULL, NULL))
			enc_refused++;
		if (xft_apply(tab, m, "mme1.internal", NULL, st, NULL))
			tab_refused++;
		fd_msg_free(m);
		if (i % 1000 == 0) {
			/* mme1 keeps talking during the flood */
			m = req_from("mme1.internal");
			if (xft_apply(tab, m, "mme1.internal", NULL, st, NULL))
				mme1_refused++;
			else if (strcmp(xft_get(m, "Origin-Host", 0), first_tab))
				mme1_changed++;
			fd_msg_free(m);
		}
	}
	tap_note("after 200000 new hosts: table %zu hosts (bound %d), %llu evicted",
	         xf_state_count(st), XF_STATE_DEFAULT_MAX, (unsigned long long)xf_state_evicted(st));
	CHECK_UINT(enc_refused, ==, 0, "{enc}: none of 200,000 new hosts refused");
	CHECK_UINT(tab_refused, ==, 0, "{n} table: none of 200,000 new hosts refused");
	CHECK_UINT(mme1_refused, ==, 0, "mme1, talking during the flood, never refused");
	CHECK_UINT(mme1_changed, ==, 0, "mme1 keeps its pseudonym %s during the flood", first_tab);
	CHECK_UINT(xf_state_count(st), ==, XF_STATE_DEFAULT_MAX, "the table stays at its bound");
	CHECK_UINT(xf_state_evicted(st), ==, 200001 - XF_STATE_DEFAULT_MAX,
	           "every host over the bound evicted one");
	hide(enc, "mme1.internal", r, sizeof(r));
	CHECK_STR(r, first_enc, "{enc}: mme1 has the pseudonym it had before the flood");
	unhide(enc, first_enc, r, sizeof(r));
	CHECK_STR(r, "mme1.internal", "{enc}: and it unhides");
	m = req_to(first_tab);
	CHECK_ERR(xft_apply(tab, m, "hss1.home.example", NULL, st, NULL), 0,
	          "{n} table: a request to mme1's pseudonym");
	CHECK_STR(xft_get(m, "Destination-Host", 0), "mme1.internal", "{n} table: unhidden");
	fd_msg_free(m);
out:
	xf_state_free(st);
	xf_rules_unref(enc);
	xf_rules_unref(tab);
}

/* Eviction order: the entry not used since the clock hand passed goes first. */
static void test_evict_order(void)
{
	struct xf_rules *tab = xft_load(
		"rules:\n"
		"  - name: hide\n"
		"    actions:\n"
		"      - hide_host: { pseudo: \"m{n}.h.example\" }\n");
	struct xf_state *st = NULL;
	char out[64];
	struct msg *m;

	if (!tab)
		return;
	CHECK_ERR(xf_state_new_max(0, &st), EINVAL, "a table of 0 hosts is refused");
	if (!CHECK_ERR(xf_state_new_max(4, &st), 0, "a table of 4 hosts"))
		goto out;
	for (int i = 1; i <= 4; i++) {
		char host[32];
		snprintf(host, sizeof(host), "h%d.internal", i);
		m = req_from(host);
		CHECK_ERR(xft_apply(tab, m, "p", NULL, st, NULL), 0, "hide %s", host);
		fd_msg_free(m);
	}
	/* h1 used again: h2 is the one to go */
	m = req_from("h1.internal");
	CHECK_ERR(xft_apply(tab, m, "p", NULL, st, NULL), 0, "h1 used again");
	fd_msg_free(m);
	m = req_from("h5.internal");
	CHECK_ERR(xft_apply(tab, m, "p", NULL, st, NULL), 0, "a fifth host");
	CHECK_STR(xft_get(m, "Origin-Host", 0), "m5.h.example", "the fifth host is hidden");
	fd_msg_free(m);
	CHECK_UINT(xf_state_count(st), ==, 4, "the table stays at 4");
	CHECK_UINT(xf_state_evicted(st), ==, 1, "one host evicted");
	CHECK_ERR(xf_state_lookup_real(st, "m1.h.example", out, sizeof(out)), 0,
	          "h1, used again, is kept");
	CHECK_STR(out, "h1.internal");
	CHECK_ERR(xf_state_lookup_real(st, "m2.h.example", out, sizeof(out)), ENOENT,
	          "h2, the least recently used, is evicted");
	/* h2 seen again: a new number */
	m = req_from("h2.internal");
	CHECK_ERR(xft_apply(tab, m, "p", NULL, st, NULL), 0, "h2 again");
	CHECK_STR(xft_get(m, "Origin-Host", 0), "m6.h.example", "h2 gets a new number");
	fd_msg_free(m);
out:
	xf_state_free(st);
	xf_rules_unref(tab);
}

/* Threads: one {enc} rule set, no table, the same names from every thread. */
#define NTH 8
struct worker {
	struct xf_rules *rs;
	char first[300];
	int bad;
};

static void *worker(void *arg)
{
	struct worker *w = arg;

	for (int i = 0; i < 2000; i++) {
		char host[64];
		struct msg *m;
		snprintf(host, sizeof(host), "mme%d.internal", i % 5);
		m = req_from(host);
		if (xft_apply(w->rs, m, "mme1.internal", NULL, NULL, NULL))
			w->bad++;
		if (i == 0) {
			struct avp *a[1];
			struct avp_hdr *h = NULL;
			if (xft_find(m, "Origin-Host", a, 1) == 1 && !fd_msg_avp_hdr(a[0], &h))
				snprintf(w->first, sizeof(w->first), "%.*s", (int)h->avp_value->os.len,
				         h->avp_value->os.data);
		}
		fd_msg_free(m);
	}
	return NULL;
}

static void test_threads(void)
{
	struct xf_rules *rs = load_enc(keyfile("k1", KEY1, 0600), "{enc}.hidden.example");
	struct worker w[NTH];
	pthread_t th[NTH];

	if (!rs)
		return;
	memset(w, 0, sizeof(w));
	for (int i = 0; i < NTH; i++) {
		w[i].rs = rs;
		if (pthread_create(&th[i], NULL, worker, &w[i]))
			tap_bail("pthread_create failed");
	}
	for (int i = 0; i < NTH; i++) {
		pthread_join(th[i], NULL);
		CHECK_INT(w[i].bad, ==, 0, "thread %d: every message of 2000 hidden", i);
		CHECK_STR(w[i].first, w[0].first, "thread %d: the pseudonym of thread 0", i);
	}
	xf_rules_unref(rs);
}

int main(void)
{
	char cmd[128];

	xft_init();
	snprintf(dir, sizeof(dir), "/tmp/xf_hide_XXXXXX");
	if (!mkdtemp(dir))
		tap_bail("mkdtemp: %s", strerror(errno));
	test_enc();
	test_lengths();
	test_unhide_only();
	test_key_errors();
	test_relative();
	test_evict_order();
	test_threads();
	test_flood();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		tap_note("could not remove %s", dir);
	return tap_done();
}

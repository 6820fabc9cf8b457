/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * conformance_ims.c: the IMS store (hss/imsdb) on a backend: subscriptions with their
 * indexes (exact, normalised tel/SIP, wildcards), conflicts refused as a whole, replaced
 * indexes, registration state read-modify-writes (atomic across threads and processes),
 * the PPR/RTR outbox written with the change, own AKA SQNs and the counter shared with S6a,
 * Sh repository data and subscriptions, corrupt records refused, and a second handle (a
 * second HSS process) seeing changes through its cache.
 */
#include "conformance.h"
#include "hss_db.h"
#include "hss_imsdb.h"
#include "tap.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define IMSI_A "001019900000001"
#define IMSI_B "001019900000002"

static const char carol_yaml[] =
	"id: carol\n"
	"private_identities:\n"
	"  - identity: carol@ims.example.org\n"
	"    auth_schemes: [digest-akav1-md5, sip-digest]\n"
	"    imsi: \"" IMSI_A "\"\n"
	"    digest_realm: ims.example.org\n"
	"    digest_password: carol\n"
	"  - identity: carol-soft@ims.example.org\n"
	"    auth_schemes: [digest-akav1-md5]\n"
	"    k: 465b5ce8b199b49faa5f0a2ee238a6bc\n"
	"    opc: cd63cb71954a9f4e48a5994e37a02baf\n"
	"    sqn: 100\n"
	"public_identities:\n"
	"  - {identity: sip:carol@ims.example.org, irs: 1, irs_default: true, service_profile: p}\n"
	"  - {identity: \"tel:+33-1-22-33-44-55\", irs: 1, service_profile: p}\n"
	"  - {identity: sip:carol.other@ims.example.org, service_profile: p}\n"
	"  - {identity: \"sip:room-![0-9]+!@conf.example.org\", type: wildcarded_psi, service_profile: p}\n"
	"service_profiles:\n"
	"  - name: p\n"
	"    ifcs: [{priority: 1, application_server: {server_name: sip:as.example.org}}]\n"
	"msisdns: [\"33122334455\"]\n";

static int parse(const char *yaml, struct hss_ims_sub *sub)
{
	char err[512];
	int rc;

	hss_ims_sub_init(sub);
	if ((rc = hss_ims_yaml_parse("test", yaml, strlen(yaml), sub, err, sizeof(err))))
		tap_bail("fixture does not parse: %s", err);
	return rc;
}

/* carol with one change to the text (from -> to, first occurrence). */
static char *variant(const char *from, const char *to)
{
	const char *p = strstr(carol_yaml, from);
	size_t a, n = strlen(carol_yaml) + strlen(to) + 1;
	char *s = malloc(n);

	if (!p || !s)
		tap_bail("variant: '%s' not in the fixture", from);
	a = (size_t)(p - carol_yaml);
	memcpy(s, carol_yaml, a);
	strcpy(s + a, to);
	strcat(s, p + strlen(from));
	return s;
}

static void s6a_sub(struct hss_db *db, const char *imsi)
{
	struct hss_sub *s = malloc(sizeof(*s));
	char err[256];

	hss_sub_init(s);
	if (hss_sub_set(s, "imsi", imsi, err, sizeof(err)) ||
	    hss_sub_set(s, "k", "465b5ce8b199b49faa5f0a2ee238a6bc", err, sizeof(err)) ||
	    hss_sub_set(s, "opc", "cd63cb71954a9f4e48a5994e37a02baf", err, sizeof(err)) ||
	    hss_sub_set(s, "apn", "ims", err, sizeof(err)) || hss_db_put_sub(db, s, 0))
		tap_bail("s6a subscriber %s: %s %s", imsi, err, hss_db_strerror());
	free(s);
}

static void t_provision(struct hss_db *db, struct hss_imsdb *s)
{
	struct hss_ims_sub sub, other;
	struct hss_imsdb_sub *ref = NULL;
	struct hss_imsdb_put_info info;
	char id[80], *y;
	size_t idx = 99;
	int rc;

	parse(carol_yaml, &sub);
	rc = hss_imsdb_put(s, &sub, 0, &info);
	CHECK_ERR(rc, EINVAL, "a link to an IMSI that is not provisioned is refused");
	CHECK_SUBSTR(hss_imsdb_strerror(), "IMSI " IMSI_A " is not provisioned", "and named (%s)",
	             hss_imsdb_strerror());
	s6a_sub(db, IMSI_A);
	s6a_sub(db, IMSI_B);
	rc = hss_imsdb_put(s, &sub, 0, &info);
	CHECK_ERR(rc, 0, "subscription stored (%s)", hss_imsdb_strerror());
	CHECK(!info.replaced && !info.push_queued, "new, nothing to push");
	CHECK_ERR(hss_imsdb_put(s, &sub, HSS_IMSDB_PUT_NO_REPLACE, NULL), EEXIST,
	          "no-replace refuses an existing id");

	rc = hss_imsdb_find_impu(s, "sip:carol@IMS.Example.ORG", &ref, &idx);
	CHECK(rc == 0 && ref && !strcmp(ref->sub->id, "carol") && idx == 0,
	      "found by a SIP URI with another case of host (%s)", hss_imsdb_strerror());
	hss_imsdb_sub_release(ref);
	ref = NULL;
	rc = hss_imsdb_find_impu(s, "tel:+33122334455", &ref, &idx);
	CHECK(rc == 0 && idx == 1, "found by the tel URI without visual separators (%s)",
	      hss_imsdb_strerror());
	hss_imsdb_sub_release(ref);
	ref = NULL;
	rc = hss_imsdb_find_impu(s, "tel:+33.1.22.33.44.55", &ref, &idx);
	CHECK(rc == 0 && idx == 1, "and with other separators");
	hss_imsdb_sub_release(ref);
	ref = NULL;
	rc = hss_imsdb_find_impu(s, "sip:room-42@conf.example.org", &ref, &idx);
	CHECK(rc == 0 && idx == 3, "found through the wildcarded PSI (%s)", hss_imsdb_strerror());
	hss_imsdb_sub_release(ref);
	ref = NULL;
	rc = hss_imsdb_find_impu(s, "sip:room-x@conf.example.org", &ref, &idx);
	CHECK_ERR(rc, ENOENT, "a non-matching identity is unknown");
	rc = hss_imsdb_find_impi(s, "carol-soft@IMS.EXAMPLE.ORG", &ref, &idx);
	CHECK(rc == 0 && idx == 1, "private identity found, realm case-insensitive");
	hss_imsdb_sub_release(ref);
	ref = NULL;
	rc = hss_imsdb_find_impi(s, "Carol@ims.example.org", &ref, &idx);
	CHECK_ERR(rc, ENOENT, "the user part of an NAI is case-sensitive");
	CHECK(hss_imsdb_id_by_imsi(s, IMSI_A, id, sizeof(id)) == 0 && !strcmp(id, "carol"),
	      "by IMSI");
	CHECK(hss_imsdb_id_by_msisdn(s, "33122334455", id, sizeof(id)) == 0 && !strcmp(id, "carol"),
	      "by MSISDN");

	/* another subscription claiming one of carol's identities: refused as a whole */
	parse("id: dave\n"
	      "private_identities:\n"
	      "  - {identity: dave@ims.example.org, auth_schemes: [sip-digest], digest_realm: r,"
	      " digest_ha1: 00112233445566778899aabbccddeeff}\n"
	      "public_identities:\n"
	      "  - {identity: sip:dave@ims.example.org, service_profile: p}\n"
	      "  - {identity: \"tel:+33122334455\", service_profile: p}\n"
	      "service_profiles: [{name: p}]\n", &other);
	rc = hss_imsdb_put(s, &other, 0, NULL);
	CHECK_ERR(rc, EEXIST, "an identity of another subscription is refused");
	CHECK_SUBSTR(hss_imsdb_strerror(), "belongs to IMS subscription 'carol'", "naming the owner "
	             "(%s)", hss_imsdb_strerror());
	rc = hss_imsdb_find_impu(s, "sip:dave@ims.example.org", &ref, &idx);
	CHECK_ERR(rc, ENOENT, "nothing of the refused subscription was stored");
	CHECK_ERR(hss_imsdb_get(s, "dave", &ref), ENOENT, "not even the subscription");
	hss_ims_sub_free(&other);

	/* replaced with one identity less: its index goes */
	y = variant("  - {identity: sip:carol.other@ims.example.org, service_profile: p}\n", "");
	parse(y, &other);
	free(y);
	rc = hss_imsdb_put(s, &other, 0, &info);
	CHECK(rc == 0 && info.replaced, "replaced (%s)", hss_imsdb_strerror());
	CHECK_ERR(hss_imsdb_find_impu(s, "sip:carol.other@ims.example.org", &ref, &idx), ENOENT,
	          "the identity it no longer has is not found");
	CHECK_ERR(hss_imsdb_find_impu(s, "sip:carol@ims.example.org", &ref, &idx), 0,
	          "the others still are");
	hss_imsdb_sub_release(ref);
	ref = NULL;
	hss_ims_sub_free(&other);
	hss_ims_sub_free(&sub);
}

/* ---- state ------------------------------------------------------------------------------ */

struct reg_arg {
	const char *impu, *impi;
	enum hss_imsdb_reg reg;
	int calls;
};

static int reg_fn(struct hss_imsdb_tx *t, const struct hss_ims_sub *sub, struct hss_imsdb_state *st,
                  void *arg)
{
	struct reg_arg *a = arg;
	size_t idx[HSS_IMS_MAX_IMPUS], n;
	long u = hss_ims_find_impu(sub, a->impu, true);

	(void)t;
	a->calls++;
	if (u < 0)
		return ENOENT;
	n = hss_ims_irs(sub, (size_t)u, idx, HSS_IMS_MAX_IMPUS);
	for (size_t i = 0; i < n; i++)
		if (hss_imsdb_state_set(st, sub->impus[idx[i]].identity, a->reg, a->impi))
			return ENOMEM;
	return hss_imsdb_state_scscf(st, "sip:scscf.example.org:6060", "scscf.example.org",
	                             "example.org");
}

static int nochange_fn(struct hss_imsdb_tx *t, const struct hss_ims_sub *sub,
                       struct hss_imsdb_state *st, void *arg)
{
	(void)t, (void)sub, (void)arg;
	hss_imsdb_state_scscf(st, NULL, NULL, NULL);   /* changed in memory only */
	return HSS_IMSDB_NO_CHANGE;
}

static void t_state(struct hss_imsdb *s)
{
	struct reg_arg a = { "tel:+33122334455", "carol@ims.example.org", HSS_IMSDB_REGISTERED, 0 };
	struct hss_imsdb_state st;
	struct hss_imsdb_push p;
	int rc;

	rc = hss_imsdb_state_get(s, "carol", &st);
	CHECK(rc == 0 && !st.version && !st.scscf_name && !hss_imsdb_state_active(&st),
	      "no state stored yet: an empty one");
	hss_imsdb_state_free(&st);
	rc = hss_imsdb_update(s, "carol", reg_fn, &a);
	CHECK_ERR(rc, 0, "register the implicit set of the tel URI (%s)", hss_imsdb_strerror());
	rc = hss_imsdb_state_get(s, "carol", &st);
	CHECK(rc == 0 && st.version && st.scscf_name && !strcmp(st.scscf_host, "scscf.example.org"),
	      "the S-CSCF is stored");
	CHECK(hss_imsdb_state_reg(&st, "sip:carol@ims.example.org") == HSS_IMSDB_REGISTERED &&
	      hss_imsdb_state_reg(&st, "tel:+33-1-22-33-44-55") == HSS_IMSDB_REGISTERED,
	      "both members of the set are registered");
	hss_imsdb_state_free(&st);
	CHECK_ERR(hss_imsdb_update(s, "carol", nochange_fn, NULL), 0, "a body may change nothing");
	rc = hss_imsdb_state_get(s, "carol", &st);
	CHECK(rc == 0 && st.scscf_name, "and then nothing is stored");
	hss_imsdb_state_free(&st);
	CHECK_ERR(hss_imsdb_update(s, "nobody", reg_fn, &a), ENOENT, "unknown subscription");

	/* a new profile for a registered subscription queues a PPR */
	{
		struct hss_ims_sub sub;
		struct hss_imsdb_put_info info;

		parse(carol_yaml, &sub);
		rc = hss_imsdb_put(s, &sub, 0, &info);
		CHECK(rc == 0 && info.push_queued, "profile change of a registered subscription queues a "
		      "PPR (%s)", hss_imsdb_strerror());
		rc = hss_imsdb_put(s, &sub, HSS_IMSDB_PUT_NO_PUSH, &info);
		CHECK(rc == 0 && !info.push_queued, "unless told not to");
		hss_ims_sub_free(&sub);
	}
	rc = hss_imsdb_push_take(s, &p);
	CHECK(rc == 0 && p.kind == HSS_IMSDB_PUSH_PPR && !strcmp(p.sub_id, "carol") &&
	      !strcmp(p.dest_host, "scscf.example.org"), "the PPR is taken from the outbox");
	hss_imsdb_push_free(&p);
	CHECK_ERR(hss_imsdb_push_take(s, &p), ENOENT, "once");
}

/* Concurrent read-modify-writes of one subscription's state. */
#define ST_ITER 40

static int count_fn(struct hss_imsdb_tx *t, const struct hss_ims_sub *sub,
                    struct hss_imsdb_state *st, void *arg)
{
	struct hss_imsdb_impi_state *p = hss_imsdb_state_impi(st, "carol-soft@ims.example.org", true);

	(void)t, (void)sub, (void)arg;
	if (!p)
		return ENOMEM;
	p->auth_scheme = HSS_IMS_AUTH_AKAV1_MD5;
	p->auth_time++;
	return 0;
}

static void *count_thread(void *arg)
{
	struct hss_imsdb *s = arg;
	intptr_t bad = 0;

	for (int i = 0; i < ST_ITER; i++)
		if (hss_imsdb_update(s, "carol", count_fn, NULL)) {
			fprintf(stderr, "state update: %s\n", hss_imsdb_strerror());
			bad++;
		}
	return (void *)bad;
}

static void t_state_concurrent(struct hss_imsdb *s, const char *backend, const char *uri,
                               bool procs)
{
	struct hss_imsdb_state st;
	pthread_t th[3];
	pid_t pid[2];
	int np = procs ? 2 : 0, bad = 0, status;
	struct hss_imsdb_impi_state *p;
	int64_t before = 0;

	if (!hss_imsdb_state_get(s, "carol", &st) &&
	    (p = hss_imsdb_state_impi(&st, "carol-soft@ims.example.org", false)))
		before = p->auth_time;
	hss_imsdb_state_free(&st);
	for (int i = 0; i < np; i++)
		if ((pid[i] = fork()) == 0) {
			struct hss_db_opts o = { 0, 10000 };
			struct hss_db *cdb = NULL;
			struct hss_imsdb *cs = NULL;
			char err[256];

			if (hss_db_open(backend, uri, &o, &cdb, err, sizeof(err)) ||
			    hss_imsdb_open(cdb, &cs))
				_exit(2);
			intptr_t r = (intptr_t)count_thread(cs);
			hss_imsdb_close(cs);
			hss_db_close(cdb);
			_exit(r ? 3 : 0);
		}
	for (int i = 0; i < 3; i++)
		pthread_create(&th[i], NULL, count_thread, s);
	for (int i = 0; i < 3; i++) {
		void *r;
		pthread_join(th[i], &r);
		bad += (int)(intptr_t)r;
	}
	for (int i = 0; i < np; i++) {
		waitpid(pid[i], &status, 0);
		bad += !WIFEXITED(status) || WEXITSTATUS(status);
	}
	CHECK_INT(bad, ==, 0, "3 threads and %d processes updating one state: no failures", np);
	if (!hss_imsdb_state_get(s, "carol", &st) &&
	    (p = hss_imsdb_state_impi(&st, "carol-soft@ims.example.org", false)))
		CHECK_INT(p->auth_time - before, ==, (3 + np) * ST_ITER,
		          "every update counted exactly once");
	else
		CHECK(0, "state readable");
	hss_imsdb_state_free(&st);
}

/* ---- AKA -------------------------------------------------------------------------------- */

static void t_aka(struct hss_db *db, struct hss_imsdb *s)
{
	struct hss_imsdb_sub *ref = NULL;
	struct hss_auth_data ad, s6;
	struct hss_ims_sub sub;
	char *y = NULL;
	size_t len, idx;
	uint64_t ms;
	int rc;

	rc = hss_imsdb_find_impi(s, "carol-soft@ims.example.org", &ref, &idx);
	CHECK_ERR(rc, 0, "own-credential identity found");
	if (rc)
		return;
	rc = hss_imsdb_sqn_reserve(s, ref->sub, idx, 3, NULL, NULL, &ad);
	CHECK(rc == 0 && ad.n == 3 && ad.sqn_prev == 100 && ad.sqn[0] > 100 && ad.sqn[2] > ad.sqn[1] &&
	      ad.opc && ad.k[0] == 0x46, "three SQNs after the provisioned 100, with own K/OPc (%s)",
	      hss_imsdb_strerror());
	ms = ad.sqn[2] + 1000;
	rc = hss_imsdb_sqn_reserve(s, ref->sub, idx, 1, NULL, &ms, &ad);
	CHECK(rc == 0 && ad.sqn_prev == ms && ad.sqn[0] > ms, "re-synchronisation moves it on");
	{
		uint64_t back = 5, top = ad.sqn[0];
		rc = hss_imsdb_sqn_reserve(s, ref->sub, idx, 1, NULL, &back, &ad);
		CHECK(rc == 0 && ad.sqn_prev == top, "a replayed old SQN_MS never moves it back");
	}
	hss_imsdb_sub_release(ref);

	/* provisioning the same subscription again keeps the live counter ... */
	parse(carol_yaml, &sub);
	CHECK_ERR(hss_imsdb_put(s, &sub, HSS_IMSDB_PUT_NO_PUSH, NULL), 0, "re-provisioned");
	hss_imsdb_find_impi(s, "carol-soft@ims.example.org", &ref, &idx);
	rc = hss_imsdb_sqn_reserve(s, ref->sub, idx, 1, NULL, NULL, &s6);
	CHECK(rc == 0 && s6.sqn_prev == ad.sqn[0], "the SQN survives re-provisioning (%" PRIu64
	      ", want %" PRIu64 ")", s6.sqn_prev, ad.sqn[0]);
	hss_imsdb_sub_release(ref);
	/* ... and shows in the export with the keys */
	rc = hss_imsdb_export(s, "carol", &y, &len);
	{
		char want[64];
		snprintf(want, sizeof(want), "sqn: %" PRIu64, s6.sqn[0]);
		CHECK(rc == 0 && y && strstr(y, want) && strstr(y, "k: 465b5ce8b199b49faa5f0a2ee238a6bc"),
		      "export carries the current SQN (%s) and the keys", want);
	}
	free(y);
	CHECK_ERR(hss_imsdb_put(s, &sub, HSS_IMSDB_PUT_NO_PUSH | HSS_IMSDB_PUT_RESET_SQN, NULL), 0,
	          "re-provisioned with reset");
	hss_imsdb_find_impi(s, "carol-soft@ims.example.org", &ref, &idx);
	rc = hss_imsdb_sqn_reserve(s, ref->sub, idx, 1, NULL, NULL, &ad);
	CHECK(rc == 0 && ad.sqn_prev == 100, "reset takes the provisioned SQN");
	hss_imsdb_sub_release(ref);
	hss_ims_sub_free(&sub);

	/* the linked identity shares the S6a counter: AIR, MAR, AIR all distinct, increasing */
	hss_imsdb_find_impi(s, "carol@ims.example.org", &ref, &idx);
	{
		struct hss_auth_data a1, a2, a3;
		int r1 = hss_db_sqn_reserve(db, IMSI_A, 1, NULL, &a1);
		int r2 = hss_imsdb_sqn_reserve(s, ref->sub, idx, 1, NULL, NULL, &a2);
		int r3 = hss_db_sqn_reserve(db, IMSI_A, 1, NULL, &a3);
		CHECK(!r1 && !r2 && !r3 && a1.sqn[0] < a2.sqn[0] && a2.sqn[0] < a3.sqn[0],
		      "S6a, IMS, S6a reservations on one counter: %" PRIu64 " < %" PRIu64 " < %" PRIu64,
		      a1.sqn[0], a2.sqn[0], a3.sqn[0]);
	}
	rc = hss_imsdb_aka_keys(s, ref->sub, idx, &ad);
	CHECK(rc == 0 && ad.opc && ad.k[0] == 0x46, "keys of the linked identity come from S6a");
	hss_imsdb_sub_release(ref);

	/* link / unlink */
	CHECK_ERR(hss_imsdb_link_imsi(s, "carol@ims.example.org", NULL), EINVAL,
	          "unlinking an AKA identity without own credentials is refused");
	CHECK_ERR(hss_imsdb_link_imsi(s, "carol-soft@ims.example.org", IMSI_B), 0,
	          "link the soft client to another S6a subscriber (%s)", hss_imsdb_strerror());
	{
		char id[80];
		CHECK(!hss_imsdb_id_by_imsi(s, IMSI_B, id, sizeof(id)) && !strcmp(id, "carol"),
		      "the new IMSI index");
	}
	hss_imsdb_find_impi(s, "carol-soft@ims.example.org", &ref, &idx);
	CHECK(ref && !strcmp(ref->sub->impis[idx].imsi, IMSI_B) && !ref->sub->impis[idx].aka.present,
	      "linked, own credentials dropped");
	hss_imsdb_sub_release(ref);
}

/* ---- Sh ----------------------------------------------------------------------------------- */

static int repo_count(const struct hss_imsdb_repo *r, void *arg)
{
	(void)r;
	(*(int *)arg)++;
	return 0;
}

static int repo_body(struct hss_db_tx *tx, void *arg)
{
	struct hss_imsdb_repo r1 = { (uint8_t *)"svc1", 4, 1, (char *)"<a>1</a>", 8 };
	struct hss_imsdb_repo r2 = { (uint8_t *)"svc\0\xff", 5, 7, (char *)"<b/>", 4 };
	int rc;

	(void)arg;
	if ((rc = hss_imsdb_tx_repo_put(tx, "sip:carol@ims.example.org", &r1)))
		return rc;
	return hss_imsdb_tx_repo_put(tx, "sip:carol@ims.example.org", &r2);
}

static int shsub_count(const struct hss_imsdb_shsub *x, void *arg)
{
	(void)x;
	(*(int *)arg)++;
	return 0;
}

static void t_sh(struct hss_imsdb *s)
{
	struct hss_imsdb_repo r;
	int n = 0, rc;
	size_t expired = 0;

	rc = hss_db_rec_tx(hss_imsdb_db(s), repo_body, NULL);
	CHECK_ERR(rc, 0, "two repository data in one transaction (%s)", hss_imsdb_strerror());
	rc = hss_imsdb_repo_get(s, "sip:carol@ims.example.org", (const uint8_t *)"svc\0\xff", 5, &r);
	CHECK(rc == 0 && r.seq == 7 && r.len == 4 && !strcmp(r.data, "<b/>") && r.si_len == 5,
	      "read back by a binary service indication");
	hss_imsdb_repo_free(&r);
	rc = hss_imsdb_repo_list(s, "sip:carol@ims.example.org", repo_count, &n);
	CHECK(rc == 0 && n == 2, "both listed for the identity (%d)", n);
	n = 0;
	hss_imsdb_repo_list(s, "sip:carol@ims.example.or", repo_count, &n);
	CHECK_INT(n, ==, 0, "a key prefix of another identity lists nothing");

	{
		char *tags[] = { (char *)"t1" };
		struct hss_imsdb_shsub live = { (char *)"sip:carol@ims.example.org", (char *)"as1.example.org",
			(char *)"example.org", 0, (uint8_t *)"svc1", 4, NULL, tags, 1, 3, 0, true,
			(char *)"sip:carol@ims.example.org" };
		struct hss_imsdb_shsub old = live;

		old.as_host = (char *)"as2.example.org";
		old.expiry = 1000;
		CHECK_ERR(hss_imsdb_shsub_put(s, &live), 0, "Sh subscription stored (%s)",
		          hss_imsdb_strerror());
		CHECK_ERR(hss_imsdb_shsub_put(s, &old), 0, "an expired one too");
		n = 0;
		rc = hss_imsdb_shsub_list(s, "sip:carol@ims.example.org", 0, 2000, shsub_count, &n);
		CHECK(rc == 0 && n == 1, "the expired one is not listed (%d)", n);
		rc = hss_imsdb_shsub_expire(s, 2000, &expired);
		CHECK(rc == 0 && expired == 1, "and is purged (%zu)", expired);
		CHECK_ERR(hss_imsdb_shsub_del(s, &old), ENOENT, "gone");
	}
}

/* ---- the rest ------------------------------------------------------------------------------ */

static void t_delete_and_corrupt(struct hss_db *db, struct hss_imsdb *s)
{
	struct hss_imsdb_put_info info;
	struct hss_imsdb_push p;
	struct hss_imsdb_sub *ref = NULL;
	struct hss_imsdb_repo r;
	int rc, n = 0;

	rc = hss_imsdb_delete(s, "carol", &info);
	CHECK(rc == 0 && info.push_queued, "a registered subscription deleted: RTR queued (%s)",
	      hss_imsdb_strerror());
	rc = hss_imsdb_push_take(s, &p);
	CHECK(rc == 0 && p.kind == HSS_IMSDB_PUSH_RTR && p.n_impus == 2 && p.impi &&
	      !strcmp(p.impi, "carol@ims.example.org") && p.state_done,
	      "the RTR names the registered identities and the registered IMPI");
	hss_imsdb_push_free(&p);
	CHECK_ERR(hss_imsdb_find_impu(s, "sip:carol@ims.example.org", &ref, NULL), ENOENT,
	          "identities gone");
	CHECK_ERR(hss_imsdb_find_impu(s, "sip:room-1@conf.example.org", &ref, NULL), ENOENT,
	          "wildcards gone");
	CHECK_ERR(hss_imsdb_find_impi(s, "carol@ims.example.org", &ref, NULL), ENOENT, "IMPIs gone");
	CHECK_ERR(hss_imsdb_repo_get(s, "sip:carol@ims.example.org", (const uint8_t *)"svc1", 4, &r),
	          ENOENT, "repository data gone");
	hss_imsdb_repo_list(s, "sip:carol@ims.example.org", repo_count, &n);
	CHECK_INT(n, ==, 0, "all of it");
	CHECK_ERR(hss_imsdb_delete(s, "carol", NULL), ENOENT, "deleting again: ENOENT");

	/* corrupt records are errors with a message, never a crash */
	hss_db_rec_put(db, "ims.sub", "broken", "id: [", 5, HSS_DB_REC_ANY, NULL);
	rc = hss_imsdb_get(s, "broken", &ref);
	CHECK_ERR(rc, EIO, "corrupt subscription is EIO");
	CHECK_SUBSTR(hss_imsdb_strerror(), "'broken' is corrupt", "named (%s)", hss_imsdb_strerror());
	hss_db_rec_put(db, "ims.state", "broken", "\x01\x00\x00\x10", 4, HSS_DB_REC_ANY, NULL);
	{
		struct hss_imsdb_state st;
		CHECK_ERR(hss_imsdb_state_get(s, "broken", &st), EIO, "corrupt state is EIO");
	}
	hss_db_rec_put(db, "ims.push", "0", "\x01", 1, HSS_DB_REC_ANY, NULL);
	CHECK_ERR(hss_imsdb_push_take(s, &p), EIO, "a corrupt outbox entry is EIO ...");
	CHECK_ERR(hss_imsdb_push_take(s, &p), ENOENT, "... and removed, not blocking the queue");
	hss_db_rec_del(db, "ims.sub", "broken", HSS_DB_REC_ANY);
	hss_db_rec_del(db, "ims.state", "broken", HSS_DB_REC_ANY);
}

/* A second handle (another HSS process) sees every change through its cache. */
static void t_two_handles(struct hss_db *db, struct hss_imsdb *a)
{
	struct hss_imsdb *b = NULL;
	struct hss_imsdb_sub *r1 = NULL, *r2 = NULL;
	struct hss_ims_sub sub;
	char *y;

	if (hss_imsdb_open(db, &b)) {
		CHECK(0, "second store");
		return;
	}
	parse(carol_yaml, &sub);
	hss_imsdb_put(a, &sub, 0, NULL);
	hss_ims_sub_free(&sub);
	CHECK_ERR(hss_imsdb_get(b, "carol", &r1), 0, "read through the second handle");
	y = variant("service_profile: p}\n  - {identity: \"tel", "service_profile: p, display_name: Carol}\n  - {identity: \"tel");
	parse(y, &sub);
	free(y);
	CHECK_ERR(hss_imsdb_put(a, &sub, HSS_IMSDB_PUT_NO_PUSH, NULL), 0, "changed through the first");
	hss_ims_sub_free(&sub);
	CHECK_ERR(hss_imsdb_get(b, "carol", &r2), 0, "read again through the second");
	CHECK(r1 && r2 && !r1->sub->impus[0].display_name && r2->sub->impus[0].display_name &&
	      !strcmp(r2->sub->impus[0].display_name, "Carol") && r2->version > r1->version,
	      "the second handle sees the change; the reference it held is intact");
	hss_imsdb_sub_release(r1);
	hss_imsdb_sub_release(r2);
	hss_imsdb_close(b);
}

void run_imsdb_conformance(struct hss_db *db, const char *backend, const char *uri)
{
	struct hss_imsdb *s = NULL;

	if (hss_imsdb_open(db, &s)) {
		CHECK(0, "IMS store on %s: %s", backend, hss_imsdb_strerror());
		return;
	}
	tap_note("IMS store on %s", backend);
	t_provision(db, s);
	t_state(s);
	t_state_concurrent(s, backend, uri, hss_db_caps(db) & HSS_DB_CAP_MULTI_PROCESS);
	t_aka(db, s);
	t_sh(s);
	t_delete_and_corrupt(db, s);
	t_two_handles(db, s);
	hss_imsdb_close(s);
}

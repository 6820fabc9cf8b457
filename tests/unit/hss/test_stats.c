/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_stats.c: the HSS counters behind the control socket's `stats` and the SNMP command
 * tables (hss/stats.c): answers by result class and by code (a Result-Code and an
 * Experimental-Result-Code of the same number are two rows; 16 distinct codes per command,
 * then "other", also when threads race to add them), every command with its (application,
 * code) index, HSS-initiated totals, the database latency histogram, reload outcomes and the
 * `stats` text.
 */
#include "hss.h"
#include "tap.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static unsigned long ld(atomic_ulong *a)
{
	return atomic_load(a);
}

/* Count of key (code | HSS_STATS_CODE_EXP when experimental) for command c, or -1. */
static long code_count(enum hss_cmd c, unsigned key)
{
	int i;

	for (i = 0; i < HSS_STATS_CODES; i++)
		if (atomic_load(&hss_stats.cmd[c].codes[i].key) == key)
			return (long)ld(&hss_stats.cmd[c].codes[i].count);
	return -1;
}

static void test_info(void)
{
	int c, d;

	for (c = 0; c < HSS_CMD_MAX; c++) {
		const struct hss_cmd_info *a = hss_cmd_info((enum hss_cmd)c);

		/* A command added to enum hss_cmd needs its entry, or the MIB cannot show it. */
		CHECK(a && a->name && a->app && a->code, "command %d (%s) has its application and code",
		      c, hss_cmd_name((enum hss_cmd)c));
		if (!a)
			continue;
		/* the stats text's name, but for the Sh PUR: "PUR" in the MIB, "PUR_SH" there */
		if (c != HSS_CMD_SH_PUR)
			CHECK_STR(a->name, hss_cmd_name((enum hss_cmd)c));
		for (d = 0; d < c; d++) {
			const struct hss_cmd_info *b = hss_cmd_info((enum hss_cmd)d);
			CHECK(!b || b->app != a->app || b->code != a->code, "%s and %s index apart",
			      a->name, b ? b->name : "?");
		}
	}
	CHECK(hss_cmd_info(HSS_CMD_CLR)->sent && !hss_cmd_info(HSS_CMD_AIR)->sent);
	CHECK(hss_cmd_info(HSS_CMD_MAX) == NULL);
	/* Cx (16777216): UAR 300 ... MAR 303 received, RTR 304 and PPR 305 sent */
	CHECK(hss_cmd_info(HSS_CMD_UAR)->app == 16777216 && hss_cmd_info(HSS_CMD_UAR)->code == 300 &&
	      hss_cmd_info(HSS_CMD_SAR)->code == 301 && hss_cmd_info(HSS_CMD_LIR)->code == 302 &&
	      hss_cmd_info(HSS_CMD_MAR)->code == 303 && !hss_cmd_info(HSS_CMD_MAR)->sent);
	CHECK(hss_cmd_info(HSS_CMD_RTR)->code == 304 && hss_cmd_info(HSS_CMD_RTR)->sent &&
	      hss_cmd_info(HSS_CMD_PPR)->code == 305 && hss_cmd_info(HSS_CMD_PPR)->sent);
	/* Sh (16777217, TS 29.329): UDR 306, PUR 307, SNR 308 received, PNR 309 sent; the Sh
	 * PUR is named PUR like the S6a one, the application tells them apart */
	{
		static const struct { enum hss_cmd c; const char *name; unsigned code; bool sent; } sh[] = {
			{ HSS_CMD_UDR, "UDR", 306, false }, { HSS_CMD_SH_PUR, "PUR", 307, false },
			{ HSS_CMD_SNR, "SNR", 308, false }, { HSS_CMD_PNR, "PNR", 309, true },
		};
		size_t i;

		for (i = 0; i < sizeof(sh) / sizeof(sh[0]); i++) {
			const struct hss_cmd_info *a = hss_cmd_info(sh[i].c);

			CHECK(a && a->app == 16777217 && a->code == sh[i].code && a->sent == sh[i].sent,
			      "Sh %s: application 16777217, code %u, %s", sh[i].name, sh[i].code,
			      sh[i].sent ? "sent" : "received");
			if (a)
				CHECK_STR(a->name, sh[i].name);
		}
		CHECK(hss_cmd_info(HSS_CMD_PUR)->app == 16777251 && hss_cmd_info(HSS_CMD_PUR)->code == 321,
		      "the S6a PUR stays (16777251, 321)");
		CHECK_STR(hss_cmd_name(HSS_CMD_SH_PUR), "PUR_SH", "the stats text keeps them apart");
	}
}

/* Cx successes are Experimental-Result-Codes 2001-2004 as well as Result-Code 2001. */
static void test_cx_results(void)
{
	struct hss_cmd_stats *s = &hss_stats.cmd[HSS_CMD_UAR];

	hss_stats_count_res(HSS_CMD_UAR, 2001, true);     /* DIAMETER_FIRST_REGISTRATION */
	hss_stats_count_res(HSS_CMD_UAR, 2002, true);     /* DIAMETER_SUBSEQUENT_REGISTRATION */
	hss_stats_count_res(HSS_CMD_UAR, 5001, true);
	hss_stats_count_res(HSS_CMD_UAR, 5003, true);     /* DIAMETER_ERROR_IDENTITY_NOT_REGISTERED */
	CHECK_UINT(ld(&s->success), ==, 2);
	CHECK_UINT(ld(&s->answers[1]), ==, 2, "2xxx");
	CHECK_UINT(ld(&s->user_unknown), ==, 1);
	CHECK_UINT(ld(&s->rejected), ==, 1);
	CHECK_INT(code_count(HSS_CMD_UAR, 2001 | HSS_STATS_CODE_EXP), ==, 1);
	CHECK_INT(code_count(HSS_CMD_UAR, 2001), ==, -1, "not the Result-Code 2001");
	CHECK_INT(code_count(HSS_CMD_UAR, 2002 | HSS_STATS_CODE_EXP), ==, 1);
}

static void test_results(void)
{
	struct hss_cmd_stats *s = &hss_stats.cmd[HSS_CMD_AIR];
	unsigned i;

	hss_stats_count_res(HSS_CMD_AIR, 2001, false);
	hss_stats_count_res(HSS_CMD_AIR, 2001, false);
	hss_stats_count_res(HSS_CMD_AIR, 5001, true);       /* DIAMETER_ERROR_USER_UNKNOWN */
	hss_stats_count_res(HSS_CMD_AIR, 5004, false);      /* DIAMETER_INVALID_AVP_VALUE */
	hss_stats_count_res(HSS_CMD_AIR, 5004, true);       /* ROAMING_NOT_ALLOWED */
	hss_stats_count_res(HSS_CMD_AIR, 4181, true);
	hss_stats_count(HSS_CMD_AIR, 5012);
	CHECK_UINT(ld(&s->answers[1]), ==, 2, "2xxx");
	CHECK_UINT(ld(&s->answers[3]), ==, 1, "4xxx");
	CHECK_UINT(ld(&s->answers[4]), ==, 4, "5xxx");
	CHECK_UINT(ld(&s->success), ==, 2);
	CHECK_UINT(ld(&s->user_unknown), ==, 1);
	CHECK_UINT(ld(&s->errors), ==, 1, "5012 is an internal error");
	CHECK_UINT(ld(&s->rejected), ==, 3);
	CHECK_INT(code_count(HSS_CMD_AIR, 2001), ==, 2);
	CHECK_INT(code_count(HSS_CMD_AIR, 5004), ==, 1, "the base 5004");
	CHECK_INT(code_count(HSS_CMD_AIR, 5004 | HSS_STATS_CODE_EXP), ==, 1, "the 3GPP 5004 apart");
	CHECK_INT(code_count(HSS_CMD_AIR, 5012), ==, 1);

	/* sent commands: only class and code (the answer callback keeps its own counters) */
	hss_stats_code(HSS_CMD_CLR, 2001, false);
	hss_stats_code(HSS_CMD_CLR, 0, false);             /* an answer without a result */
	CHECK_UINT(ld(&hss_stats.cmd[HSS_CMD_CLR].answers[5]), ==, 1, "no result: other");
	CHECK_UINT(ld(&hss_stats.cmd[HSS_CMD_CLR].codes_other), ==, 1);
	CHECK_UINT(ld(&hss_stats.cmd[HSS_CMD_CLR].success), ==, 0);

	/* 16 distinct codes per command, then "other" */
	for (i = 0; i < 40; i++)
		hss_stats_code(HSS_CMD_NOR, 3000 + i, false);
	CHECK_INT(code_count(HSS_CMD_NOR, 3015), ==, 1, "the 16th kept");
	CHECK_INT(code_count(HSS_CMD_NOR, 3016), ==, -1, "the 17th not");
	CHECK_UINT(ld(&hss_stats.cmd[HSS_CMD_NOR].codes_other), ==, 24);
}

#define NTHREADS 8
#define NITER 20000

static void *race(void *arg)
{
	uintptr_t t = (uintptr_t)arg;
	int i;

	for (i = 0; i < NITER; i++)
		hss_stats_count_res(HSS_CMD_ULR, 2001 + (unsigned)((i + t) % 3), (i + t) & 1);
	return NULL;
}

static void test_race(void)
{
	pthread_t th[NTHREADS];
	uintptr_t t;
	unsigned long sum = 0;
	int i, used = 0;

	for (t = 0; t < NTHREADS; t++)
		pthread_create(&th[t], NULL, race, (void *)t);
	for (t = 0; t < NTHREADS; t++)
		pthread_join(th[t], NULL);
	for (i = 0; i < HSS_STATS_CODES; i++) {
		if (atomic_load(&hss_stats.cmd[HSS_CMD_ULR].codes[i].key)) {
			used++;
			sum += ld(&hss_stats.cmd[HSS_CMD_ULR].codes[i].count);
		}
	}
	CHECK_INT(used, ==, 6, "three codes, base and experimental: six slots, no duplicate");
	CHECK_UINT(sum, ==, (unsigned long)NTHREADS * NITER, "no answer lost");
}

static void test_totals_and_text(void)
{
	struct hss_initiated ini;
	char buf[16384];
	unsigned long in_buckets = 0;
	int i;

	atomic_store(&hss_stats.cmd[HSS_CMD_IDR].requests, 5);
	hss_stats_code(HSS_CMD_IDR, 2001, false);
	hss_stats_code(HSS_CMD_IDR, 2001, false);
	hss_stats_code(HSS_CMD_IDR, 5001, true);
	atomic_store(&hss_stats.cmd[HSS_CMD_IDR].errors, 1);
	atomic_store(&hss_stats.cmd[HSS_CMD_IDR].timeouts, 1);
	hss_stats_initiated(&ini);
	/* CLR: one answered 2001 and one without result, from test_results */
	CHECK_UINT(ini.sent, ==, 5);
	CHECK_UINT(ini.answered, ==, 3 + 2);
	CHECK_UINT(ini.failed, ==, 1 + 1 + 1, "a send error, the 5001, the answer without result");
	CHECK_UINT(ini.timed_out, ==, 1);

	for (i = 0; i < 3; i++)
		hss_stats_db_us(100 * (uint64_t)i);
	hss_stats_db_us(2000000);       /* an operation that took two seconds */
	for (i = 0; i < HSS_DB_LAT_NBUCKETS; i++)
		in_buckets += ld(&hss_stats.db_latency[i]);
	CHECK_UINT(ld(&hss_stats.db_ops), ==, 4);
	CHECK_UINT(in_buckets, ==, 4, "each operation in one bucket");
	CHECK_UINT(ld(&hss_stats.db_latency[HSS_DB_LAT_NBUCKETS - 1]), ==, 1, "2 s: the last one");
	CHECK_UINT(ld(&hss_stats.db_latency_max_us), >=, 2000000);
	CHECK_UINT(ld(&hss_stats.db_latency_us), >=, 2000000);

	CHECK_INT(atomic_load(&hss_stats.last_reload_status), ==, 1, "no reload yet");
	hss_stats_reloaded(false);
	CHECK_INT(atomic_load(&hss_stats.last_reload_status), ==, 3);
	CHECK(atomic_load(&hss_stats.last_reload_time) > 0);
	hss_stats_reloaded(true);
	CHECK_UINT(ld(&hss_stats.reloads_ok), ==, 1);
	CHECK_UINT(ld(&hss_stats.reloads_failed), ==, 1);

	hss_stats_format(buf, sizeof(buf));
	CHECK_SUBSTR(buf, "AIR requests=0 success=2 user_unknown=1 rejected=3 errors=1 timeouts=0 "
	             "answers_1xxx=0 answers_2xxx=2 answers_3xxx=0 answers_4xxx=1 answers_5xxx=4 "
	             "answers_other=0 r2001=2 e5001=1 r5004=1 e5004=1 e4181=1 r5012=1 codes_other=0");
	CHECK_SUBSTR(buf, "; initiated sent=5 answered=5 failed=3 timed_out=1");
	CHECK_SUBSTR(buf, "; db ops=4 ");
	CHECK_SUBSTR(buf, " le_inf=1");
	CHECK_SUBSTR(buf, "; reload ok=1 failed=1 ");
	{
		size_t first = (size_t)(strstr(buf, "; ") - buf);
		char small[1024];

		CHECK_UINT(hss_stats_format(small, first + 3), ==, first,
		           "a buffer for one line and a bit: the first line whole, nothing cut");
		CHECK(!strncmp(small, buf, first) && !strchr(small, ';'), "%s", small);
	}
}

/* Sh: UDR answers by class and code; PNR (sent) in the HSS-initiated totals, one answered
 * 2001, one 5107 (Experimental-Result), one 3002 from the DRA, one timed out. */
static void test_sh(void)
{
	struct hss_initiated a, b;
	char buf[16384];

	hss_stats_count_res(HSS_CMD_UDR, 2001, false);
	hss_stats_count_res(HSS_CMD_UDR, 5102, true);     /* DIAMETER_ERROR_USER_DATA_CANNOT_BE_READ */
	CHECK_UINT(ld(&hss_stats.cmd[HSS_CMD_UDR].answers[1]), ==, 1, "UDR 2xxx");
	CHECK_UINT(ld(&hss_stats.cmd[HSS_CMD_UDR].answers[4]), ==, 1, "UDR 5xxx");
	CHECK_INT(code_count(HSS_CMD_UDR, 5102 | HSS_STATS_CODE_EXP), ==, 1);

	hss_stats_initiated(&a);
	atomic_fetch_add(&hss_stats.cmd[HSS_CMD_PNR].requests, 4);
	hss_stats_code(HSS_CMD_PNR, 2001, false);
	hss_stats_code(HSS_CMD_PNR, 5107, true);          /* DIAMETER_ERROR_NO_SUBSCRIPTION_TO_DATA */
	hss_stats_code(HSS_CMD_PNR, 3002, false);
	atomic_fetch_add(&hss_stats.cmd[HSS_CMD_PNR].timeouts, 1);
	hss_stats_initiated(&b);
	CHECK_UINT(b.sent - a.sent, ==, 4, "PNRs are HSS-initiated");
	CHECK_UINT(b.answered - a.answered, ==, 3);
	CHECK_UINT(b.failed - a.failed, ==, 2, "the 5107 and the 3002");
	CHECK_UINT(b.timed_out - a.timed_out, ==, 1);
	CHECK_INT(code_count(HSS_CMD_PNR, 5107 | HSS_STATS_CODE_EXP), ==, 1);
	CHECK_INT(code_count(HSS_CMD_PNR, 3002), ==, 1);

	hss_stats_format(buf, sizeof(buf));
	CHECK_SUBSTR(buf, "; UDR requests=0 success=1 user_unknown=0 rejected=1 errors=0 timeouts=0 "
	             "answers_1xxx=0 answers_2xxx=1 answers_3xxx=0 answers_4xxx=0 answers_5xxx=1 "
	             "answers_other=0 r2001=1 e5102=1 codes_other=0");
	CHECK_SUBSTR(buf, "; PNR requests=4 success=0 user_unknown=0 rejected=0 errors=0 timeouts=1 "
	             "answers_1xxx=0 answers_2xxx=1 answers_3xxx=1 answers_4xxx=0 answers_5xxx=1 "
	             "answers_other=0 r2001=1 e5107=1 r3002=1 codes_other=0");
}

int main(void)
{
	test_info();
	test_results();
	test_cx_results();
	test_race();
	test_totals_and_text();
	test_sh();
	return tap_done();
}

// SPDX-License-Identifier: BSD-3-Clause
/* dbfault.c: how the HSS reports a failing database: one line when a cause of failure
 * begins (lock/stall timeout, read-only, disk full, file missing or replaced, server
 * unreachable, other errors), one reminder per minute while it lasts with the number of
 * requests answered 5012 meanwhile, and one line when the database works again. Requests
 * arrive by thousands per second: logging each failure (or a "works again" after each
 * successful read between failing writes) buried the log under 10^5 lines per outage.
 *
 * The database works again when a write succeeds (every S6a procedure writes: a read that
 * works says nothing about a read-only or full database). A cause that ends and begins
 * again within QUIET_MS is not logged again at once: a flapping database logs at most a
 * pair of lines per cause every QUIET_MS. Messages pass through hss_log_scrub so no key
 * material (a 32-digit hex run) reaches the log even from a driver's error text. */
#include "hss_int.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define REMIND_MS 60000      /* a cause still failing: one reminder line this often */
#define QUIET_MS 10000       /* a cause that comes back sooner is not logged at once */

enum { C_TIMEOUT, C_READONLY, C_FULL, C_FILE, C_SERVER, C_OTHER, C_N };

static const char *const cause_names[C_N] = {
	[C_TIMEOUT] = "timeout (locked or stalled)",
	[C_READONLY] = "read-only",
	[C_FULL] = "disk full",
	[C_FILE] = "file missing or replaced",
	[C_SERVER] = "server unreachable",
	[C_OTHER] = "error",
};

struct cause {
	bool failing;            /* an outage of this cause is going on */
	bool logged;             /* and its first line was logged */
	int64_t since;           /* when it began */
	int64_t last_log;        /* last line about this cause; 0: never */
	uint64_t n;              /* requests answered 5012 for it in this outage */
	uint64_t unreported;     /* of which not yet in a logged line */
};

static struct {
	pthread_mutex_t mu;
	struct cause c[C_N];
	atomic_bool any;         /* some cause is failing: hss_dbfault_ok has work */
} df = { .mu = PTHREAD_MUTEX_INITIALIZER };

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int cause_of(int rc)
{
	switch (rc) {
	case ETIMEDOUT:
		return C_TIMEOUT;
	case EROFS:
		return C_READONLY;
	case ENOSPC:
		return C_FULL;
	case ESTALE:
		return C_FILE;
	case ENOTCONN:
		return C_SERVER;
	default:
		return C_OTHER;
	}
}

void hss_log_scrub(char *s)
{
	size_t i, run = 0;

	/* K, OP, OPc, CK, IK are 32 hex digits, KASME 64: hide any run of 16 or more */
	for (i = 0; s[i]; i++) {
		bool hex = (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
		           (s[i] >= 'A' && s[i] <= 'F');

		run = hex ? run + 1 : 0;
		if (run == 16)
			memset(s + i - 15, '*', 16);
		else if (run > 16)
			s[i] = '*';
	}
}

void hss_dbfault_note(int rc, const char *what)
{
	int k = cause_of(rc);
	struct cause *c = &df.c[k];
	int64_t now = now_ms();
	char msg[512];

	snprintf(msg, sizeof(msg), "%s", hss_db_strerror()[0] ? hss_db_strerror() : strerror(rc));
	hss_log_scrub(msg);
	pthread_mutex_lock(&df.mu);
	if (!c->failing) {
		c->failing = true;
		c->logged = false;
		c->since = now;
		c->n = 0;
	}
	c->n++;
	c->unreported++;
	if (!c->logged) {
		if (!c->last_log || now - c->last_log >= QUIET_MS) {
			LOG_E("hss: database %s: %s failed: %s; answering 5012 until it works again",
			      cause_names[k], what, msg);
			c->logged = true;
			c->last_log = now;
			c->unreported = 0;
		}
	} else if (now - c->last_log >= REMIND_MS) {
		LOG_E("hss: database still %s after %lld s: %llu more request(s) answered 5012 "
		      "(last: %s failed: %s)", cause_names[k], (long long)((now - c->since) / 1000),
		      (unsigned long long)c->unreported, what, msg);
		c->last_log = now;
		c->unreported = 0;
	}
	atomic_store(&df.any, true);
	pthread_mutex_unlock(&df.mu);
}

void hss_dbfault_ok(void)
{
	int64_t now;
	int k;

	if (!atomic_load_explicit(&df.any, memory_order_relaxed))
		return;
	now = now_ms();
	pthread_mutex_lock(&df.mu);
	for (k = 0; k < C_N; k++) {
		struct cause *c = &df.c[k];

		if (!c->failing)
			continue;
		if (c->logged) {
			LOG_N("hss: database works again (%s for %.1f s, %llu request(s) answered 5012)",
			      cause_names[k], (double)(now - c->since) / 1000.0,
			      (unsigned long long)c->n);
			c->last_log = now;
		}
		c->failing = false;
		c->unreported = 0;
	}
	atomic_store(&df.any, false);
	pthread_mutex_unlock(&df.mu);
}

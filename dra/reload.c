/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * reload.c: the configuration snapshot the relay callbacks use (route table + rule set)
 * and its atomic replacement on SIGHUP. A callback takes a reference for the duration of
 * one message step, so messages in flight finish with the set they started with while new
 * ones see the new set; a file that fails to load leaves the running set in place.
 *
 * The read side holds a read lock only for the two instructions that load the pointer and
 * bump its count (a plain atomic load could race with the last unref of the old one).
 */
#include "dra.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_rwlock_t dra_snap_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct dra_snap *dra_cur;

static pthread_mutex_t dra_state_lock = PTHREAD_MUTEX_INITIALIZER;
static struct xf_state *dra_state;

struct xf_state *dra_xf_state(void)
{
	struct xf_state *s;

	pthread_mutex_lock(&dra_state_lock);
	if (!dra_state && xf_state_new(&dra_state) != 0)
		dra_state = NULL;
	s = dra_state;
	pthread_mutex_unlock(&dra_state_lock);
	return s;
}

static size_t errlen_used(const char *err, size_t errlen)
{
	return err && errlen ? strnlen(err, errlen) : 0;
}

int dra_snap_load(const char *cfg_path, struct dra_snap **ret, char *err, size_t errlen)
{
	struct dra_cfg cfg;
	struct dra_snap *s = NULL;
	char *rules_path = NULL;
	int rc, rc_rules = 0;

	rc = dra_cfg_load(cfg_path, false, &cfg, err, errlen);
	if (cfg.rules_path && !(rules_path = strdup(cfg.rules_path)))
		rc = rc ? rc : ENOMEM;

	if (!(s = calloc(1, sizeof(*s)))) {
		rc = ENOMEM;
		goto out;
	}
	atomic_init(&s->refs, 1);

	/* Rules are loaded even when the routes have errors, so every problem is reported. */
	if (rules_path) {
		size_t used = errlen_used(err, errlen);
		char *rerr = err ? err + used + (used ? 1 : 0) : NULL;
		size_t rlen = err && errlen > used + 1 ? errlen - used - 1 : 0;

		rc_rules = xf_rules_load(rules_path, &s->rules, rerr, rlen);
		if (rc_rules && used && rlen)
			err[used] = '\n';  /* join the two lists of lines */
		else if (!rc_rules && rerr && rlen)
			*rerr = '\0';
	}
	if (rc)
		goto out;
	if (rc_rules) {
		rc = rc_rules;
		goto out;
	}
	/* Before dra_rtable_build, which takes the whole cfg. */
	s->policy = cfg.policy;
	cfg.policy = NULL;
	rc = dra_rtable_build(&cfg, &s->rt, err, errlen);
out:
	dra_cfg_free(&cfg);
	free(rules_path);
	if (rc) {
		dra_snap_unref(s);
		return rc;
	}
	*ret = s;
	return 0;
}

void dra_snap_unref(struct dra_snap *s)
{
	if (!s || atomic_fetch_sub(&s->refs, 1) != 1)
		return;
	dra_rtable_unref(s->rt);
	cm_policy_unref(s->policy);
	if (s->rules)
		xf_rules_unref(s->rules);
	free(s);
}

void dra_snap_install(struct dra_snap *s)
{
	struct dra_snap *old;

	pthread_rwlock_wrlock(&dra_snap_lock);
	old = dra_cur;
	dra_cur = s;
	/* Under the same lock, so the policy and the routes change together. */
	cm_policy_install(s ? s->policy : NULL);
	pthread_rwlock_unlock(&dra_snap_lock);
	if (s)
		atomic_store(&dra_gstats.rules_since, (int_fast64_t)time(NULL));
	dra_snap_unref(old);
}

struct dra_snap *dra_snap_get(void)
{
	struct dra_snap *s;

	pthread_rwlock_rdlock(&dra_snap_lock);
	s = dra_cur;
	if (s)
		atomic_fetch_add(&s->refs, 1);
	pthread_rwlock_unlock(&dra_snap_lock);
	return s;
}

static pthread_mutex_t dra_rerr_lock = PTHREAD_MUTEX_INITIALIZER;
static char dra_rerr[256];

void dra_reload_error(char *out, size_t outsz)
{
	pthread_mutex_lock(&dra_rerr_lock);
	snprintf(out, outsz, "%s", dra_rerr);
	pthread_mutex_unlock(&dra_rerr_lock);
}

int dra_reload(const char *cfg_path)
{
	char err[8192];
	struct dra_snap *s = NULL;
	int rc;

	err[0] = '\0';
	rc = dra_snap_load(cfg_path, &s, err, sizeof(err));
	pthread_mutex_lock(&dra_rerr_lock);
	/* The first problem, for the NMS (the log has them all). */
	if (rc)
		snprintf(dra_rerr, sizeof(dra_rerr), "%.*s", (int)strcspn(err, "\n"),
		         err[0] ? err : strerror(rc));
	else
		dra_rerr[0] = '\0';
	pthread_mutex_unlock(&dra_rerr_lock);
	if (rc) {
		dra_stats_reloaded(false);
		fd_log_error("dra: reload of %s failed (%s); the previous routes and rules stay active:",
		             cfg_path, strerror(rc));
		{
			char *line, *save = NULL;
			for (line = strtok_r(err, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
				fd_log_error("dra:   %s", line);
		}
		return rc;
	}
	dra_snap_install(s);
	dra_stats_reloaded(true);
	fd_log_notice("dra: reloaded routes and rules from %s", cfg_path);
	return 0;
}

void dra_snap_clear(void)
{
	dra_snap_install(NULL);
}

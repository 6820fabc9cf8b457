/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * reload.c: the configuration the procedures read, as a reference-counted snapshot swapped
 * whole on SIGHUP (the design of dra/reload.c). A request takes a reference for as long as it
 * reads the configuration, so a request in flight finishes with the one it started with while
 * new ones see the new one; the replaced snapshot is freed when its last request is done. A
 * file that fails to load leaves the running snapshot in place.
 *
 * The read side holds a read lock only while it loads the pointer and bumps its count (a
 * plain atomic load could race with the last unref of the old snapshot).
 */
#include "hss_int.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_rwlock_t hss_snap_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct hss_snap *hss_cur;

int hss_snap_new(struct hss_cfg *cfg, struct hss_snap **ret)
{
	struct hss_snap *s = calloc(1, sizeof(*s));

	if (!s)
		return ENOMEM;
	atomic_init(&s->refs, 1);
	s->cfg = *cfg;                 /* the strings move with it */
	memset(cfg, 0, sizeof(*cfg));
	*ret = s;
	return 0;
}

int hss_snap_load(const char *path, struct hss_snap **ret, char *err, size_t errlen)
{
	struct hss_cfg cfg;
	int rc;

	if ((rc = hss_cfg_load(path, &cfg, err, errlen)))
		return rc;
	if ((rc = hss_snap_new(&cfg, ret))) {
		snprintf(err, errlen, "%s: out of memory", path);
		hss_cfg_free(&cfg);
	}
	return rc;
}

struct hss_snap *hss_snap_ref(struct hss_snap *s)
{
	if (s)
		atomic_fetch_add(&s->refs, 1);
	return s;
}

void hss_snap_unref(struct hss_snap *s)
{
	if (!s || atomic_fetch_sub(&s->refs, 1) != 1)
		return;
	hss_cfg_free(&s->cfg);
	free(s);
}

void hss_snap_install(struct hss_snap *s)
{
	struct hss_snap *old;

	pthread_rwlock_wrlock(&hss_snap_lock);
	old = hss_cur;
	hss_cur = s;
	/* The peer policy changes with the snapshot (hss/peer_policy.c). */
	cm_policy_install(s ? s->cfg.policy : NULL);
	pthread_rwlock_unlock(&hss_snap_lock);
	hss_snap_unref(old);
}

struct hss_snap *hss_snap_get(void)
{
	struct hss_snap *s;

	pthread_rwlock_rdlock(&hss_snap_lock);
	s = hss_snap_ref(hss_cur);
	pthread_rwlock_unlock(&hss_snap_lock);
	return s;
}

static bool str_differ(const char *a, const char *b)
{
	return (a || b) && (!a || !b || strcmp(a, b));
}

static pthread_mutex_t hss_rerr_lock = PTHREAD_MUTEX_INITIALIZER;
static char hss_rerr[256];

void hss_reload_error(char *out, size_t outsz)
{
	pthread_mutex_lock(&hss_rerr_lock);
	snprintf(out, outsz, "%s", hss_rerr);
	pthread_mutex_unlock(&hss_rerr_lock);
}

int hss_reload(const char *path)
{
	struct hss_snap *n = NULL, *cur;
	char err[512];
	int rc;

	err[0] = '\0';
	rc = hss_snap_load(path, &n, err, sizeof(err));
	pthread_mutex_lock(&hss_rerr_lock);
	snprintf(hss_rerr, sizeof(hss_rerr), "%s", rc ? (err[0] ? err : strerror(rc)) : "");
	pthread_mutex_unlock(&hss_rerr_lock);
	if (rc) {
		LOG_E("hss: reload failed, keeping the running configuration: %s", err);
		hss_stats_reloaded(false);
		return rc;
	}
	if ((cur = hss_snap_get())) {
		const struct hss_cfg *a = &n->cfg, *b = &cur->cfg;
		if (str_differ(a->diam.identity, b->diam.identity) ||
		    str_differ(a->diam.realm, b->diam.realm) || a->diam.port != b->diam.port ||
		    str_differ(a->db_backend, b->db_backend) || str_differ(a->db_uri, b->db_uri) ||
		    a->db_timeout_ms != b->db_timeout_ms ||
		    str_differ(a->ctl_socket, b->ctl_socket) || a->n_ctl_allow != b->n_ctl_allow ||
		    memcmp(a->ctl_allow, b->ctl_allow, a->n_ctl_allow * sizeof(a->ctl_allow[0])) ||
		    a->snmp.enabled != b->snmp.enabled ||
		    str_differ(a->snmp.agentx_socket, b->snmp.agentx_socket) ||
		    str_differ(a->snmp.context, b->snmp.context) ||
		    a->snmp.ping_interval != b->snmp.ping_interval ||
		    a->cx.enabled != b->cx.enabled || a->sh.enabled != b->sh.enabled)
			LOG_N("hss: %s: only the s6a, cx, sh, overload and policy sections are reloaded; "
			      "diameter, database, ctl_socket, snmp, cx.enabled, sh.enabled and "
			      "ctl_allow_users changes need a restart", path);
		hss_snap_unref(cur);
	}
	/* The admission bound applies to the next arrivals (hss/overload.c). */
	cm_pending_set_max(n->cfg.overload.max_pending);
	hss_snap_install(n);
	hss_stats_reloaded(true);
	LOG_N("hss: %s reloaded", path);
	return 0;
}

void hss_snap_clear(void)
{
	hss_snap_install(NULL);
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db.c: the backend registry and the public wrappers of hss/db/. The wrappers validate
 * what every backend would otherwise validate again (IMSIs, whole subscribers before
 * writing, SQN ranges) so a backend only stores and loads.
 */
#include "db_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const struct hss_db_ops *const backends[] = {
	&hss_db_sqlite_ops,
#ifdef HSS_DB_HAVE_MYSQL
	&hss_db_mysql_ops,
#endif
	NULL,
};

static const char *const backend_names[] = {
	"sqlite",
#ifdef HSS_DB_HAVE_MYSQL
	"mysql",
#endif
	NULL,
};

static _Thread_local char tls_err[512];

int hss_db_set_error(int e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tls_err, sizeof(tls_err), fmt, ap);
	va_end(ap);
	return e;
}

void hss_db_clear_error(void)
{
	tls_err[0] = 0;
}

const char *hss_db_strerror(void)
{
	return tls_err;
}

const char *const *hss_db_backends(void)
{
	return backend_names;
}

int hss_db_open(const char *backend, const char *uri, const struct hss_db_opts *opts,
                struct hss_db **ret, char *err, size_t errlen)
{
	struct hss_db_opts o = { 0, HSS_DB_TIMEOUT_DEFAULT_MS };
	size_t i;
	struct hss_db *db = NULL;
	int rc;

	if (!backend)
		backend = "sqlite";
	if (!uri || !ret) {
		snprintf(err, errlen, "no database URI given");
		return EINVAL;
	}
	for (i = 0; backends[i]; i++)
		if (!strcmp(backends[i]->name, backend))
			break;
	if (!backends[i]) {
		snprintf(err, errlen, "unknown database backend '%s' (compiled in: sqlite%s)", backend,
		         backends[1] ? ", mysql" : "");
		return ENOENT;
	}
	if (opts) {
		o = *opts;
		if (!o.timeout_ms)
			o.timeout_ms = HSS_DB_TIMEOUT_DEFAULT_MS;
	}
	if ((rc = backends[i]->open(uri, &o, &db, err, errlen)))
		return rc;
	db->ops = backends[i];
	*ret = db;
	return 0;
}

int hss_db_open_spec(const char *spec, const struct hss_db_opts *opts, struct hss_db **ret,
                     char *err, size_t errlen)
{
	const char *colon;
	char name[32];

	if (!spec) {
		snprintf(err, errlen, "no database given");
		return EINVAL;
	}
	colon = strchr(spec, ':');
	if (colon && (size_t)(colon - spec) < sizeof(name)) {
		size_t i;

		memcpy(name, spec, (size_t)(colon - spec));
		name[colon - spec] = 0;
		for (i = 0; backends[i]; i++)
			if (!strcmp(backends[i]->name, name))
				return hss_db_open(name, colon + 1, opts, ret, err, errlen);
		/* "word:..." names a backend (a path would hold a '/' or '.' before the colon):
		 * an unknown or not compiled-in one is an error, not a file name. */
		if (strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(name) &&
		    strlen(name) >= 2) {
			snprintf(err, errlen, "database backend '%s' is unknown or not compiled in "
			         "(available: sqlite%s)", name, backends[1] ? ", mysql" : "");
			return ENOENT;
		}
	}
	return hss_db_open("sqlite", spec, opts, ret, err, errlen);
}

const char *hss_db_uri_redact(const char *uri, char *buf, size_t len)
{
	const char *p = uri ? strstr(uri, "//") : NULL, *at = NULL, *colon = NULL;
	size_t i, n;

	if (!len)
		return buf;
	if (p) {
		p += 2;
		n = strcspn(p, "/?");
		/* the last '@' of the authority: a password may hold one (parse_uri refuses it,
		 * but the message saying so must not show it either) */
		for (i = 0; i < n; i++)
			if (p[i] == '@')
				at = p + i;
		colon = at ? memchr(p, ':', (size_t)(at - p)) : NULL;
	}
	if (!colon)
		snprintf(buf, len, "%s", uri ? uri : "");
	else
		snprintf(buf, len, "%.*s***%s", (int)(colon + 1 - uri), uri, at);
	return buf;
}

void hss_db_close(struct hss_db *db)
{
	if (db)
		db->ops->close(db);
}

const char *hss_db_backend_name(const struct hss_db *db)
{
	return db->ops->name;
}

unsigned hss_db_caps(const struct hss_db *db)
{
	return db->ops->caps;
}

static int check_imsi(const char *imsi)
{
	char err[256];

	if (hss_valid_imsi(imsi, err, sizeof(err)))
		return hss_db_set_error(EINVAL, "%s", err);
	return 0;
}

#define NEED_OP(db, op) do { \
		if (!(db) || !(db)->ops->op) \
			return hss_db_set_error(ENOTSUP, "operation " #op " not supported by this backend"); \
	} while (0)

int hss_db_get_sub(struct hss_db *db, const char *imsi, struct hss_sub *out)
{
	int rc;

	NEED_OP(db, get_sub);
	if ((rc = check_imsi(imsi)))
		return rc;
	return db->ops->get_sub(db, imsi, out);
}

int hss_db_get_sub_by_msisdn(struct hss_db *db, const char *msisdn, struct hss_sub *out)
{
	char err[256];

	NEED_OP(db, get_sub_by_msisdn);
	if (!msisdn || !*msisdn || hss_valid_msisdn("msisdn", msisdn, err, sizeof(err)))
		return hss_db_set_error(EINVAL, "%s", msisdn && *msisdn ? err : "empty MSISDN");
	return db->ops->get_sub_by_msisdn(db, msisdn, out);
}

int hss_db_put_sub(struct hss_db *db, const struct hss_sub *sub, unsigned flags)
{
	char err[512];

	NEED_OP(db, put_sub);
	if (hss_sub_validate(sub, err, sizeof(err)))
		return hss_db_set_error(EINVAL, "%s", err);
	return db->ops->put_sub(db, sub, flags);
}

struct stream_ctx {
	hss_db_stream_fn next;
	void *arg;
};

/* Validates each subscriber between the caller's iterator and the backend. */
static int stream_validate(void *arg, struct hss_sub *out)
{
	struct stream_ctx *c = arg;
	char err[512];
	int rc;

	if ((rc = c->next(c->arg, out)))
		return rc;
	if (hss_sub_validate(out, err, sizeof(err)))
		return hss_db_set_error(EINVAL, "IMSI %.15s: %s", out->imsi, err);
	return 0;
}

int hss_db_put_stream(struct hss_db *db, unsigned flags, hss_db_stream_fn next, void *arg,
                      size_t *ret_n)
{
	struct stream_ctx c = { next, arg };

	NEED_OP(db, put_stream);
	if (!next)
		return hss_db_set_error(EINVAL, "no stream");
	return db->ops->put_stream(db, flags, stream_validate, &c, ret_n);
}

int hss_db_update(struct hss_db *db, const char *imsi, const struct hss_db_kv *kv, size_t n,
                  char *err, size_t errlen)
{
	size_t i;

	if (!db || !db->ops->update) {
		snprintf(err, errlen, "update not supported by this backend");
		return ENOTSUP;
	}
	if (hss_valid_imsi(imsi, err, errlen))
		return EINVAL;
	for (i = 0; i < n; i++)
		if (!kv[i].name || !kv[i].value) {
			snprintf(err, errlen, "update: entry %zu has no name or value", i);
			return EINVAL;
		} else if (!strcasecmp(kv[i].name, "imsi")) {
			snprintf(err, errlen, "field 'imsi': cannot be changed (delete and add instead)");
			return EINVAL;
		}
	return db->ops->update(db, imsi, kv, n, err, errlen);
}

int hss_db_del_sub(struct hss_db *db, const char *imsi)
{
	int rc;

	NEED_OP(db, del_sub);
	if ((rc = check_imsi(imsi)))
		return rc;
	return db->ops->del_sub(db, imsi);
}

void hss_serving_apply(struct hss_serving *s, const struct hss_db_serving_upd *u)
{
	int64_t now = u->time ? u->time : (int64_t)time(NULL);

	if (u->node == HSS_NODE_MME) {
		snprintf(s->mme_host, sizeof(s->mme_host), "%s", u->host ? u->host : "");
		snprintf(s->mme_realm, sizeof(s->mme_realm), "%s", u->realm ? u->realm : "");
		s->mme_ulr_time = now;
		s->mme_purged = false;
		if (u->mme_number_for_mt_sms)
			snprintf(s->mme_number_for_mt_sms, sizeof(s->mme_number_for_mt_sms), "%s",
			         u->mme_number_for_mt_sms);
	} else {
		snprintf(s->sgsn_host, sizeof(s->sgsn_host), "%s", u->host ? u->host : "");
		snprintf(s->sgsn_realm, sizeof(s->sgsn_realm), "%s", u->realm ? u->realm : "");
		s->sgsn_ulr_time = now;
		s->sgsn_purged = false;
	}
	s->ulr_flags = u->ulr_flags;
	s->last_rat_type = u->rat_type < 0 ? -1 : u->rat_type;
	snprintf(s->visited_plmn, sizeof(s->visited_plmn), "%s",
	         u->visited_plmn ? u->visited_plmn : "");
	if (u->ue_srvcc_support >= 0)
		s->ue_srvcc_support = u->ue_srvcc_support ? 1 : 0;
	if (u->homogeneous_ims_voice >= 0)
		s->homogeneous_ims_voice = u->homogeneous_ims_voice ? 1 : 0;
}

/* IMSIs are fetched a page at a time and the backend's connection is released before the
 * callback runs: a callback may use the database, and a long listing blocks no writer. */
#define LIST_CHUNK 256

int hss_db_list_subs(struct hss_db *db, const char *after_imsi, uint64_t offset, uint64_t limit,
                     hss_db_list_cb cb, void *arg)
{
	char (*imsis)[16] = NULL, last[16];
	struct hss_sub *sub = NULL;
	uint64_t done = 0;
	int rc = 0;

	NEED_OP(db, list_imsis);
	NEED_OP(db, get_sub);
	if (!cb)
		return hss_db_set_error(EINVAL, "no callback");
	snprintf(last, sizeof(last), "%s", after_imsi ? after_imsi : "");
	if (!(imsis = malloc(sizeof(*imsis) * LIST_CHUNK)) || !(sub = malloc(sizeof(*sub)))) {
		rc = hss_db_set_error(ENOMEM, "out of memory");
		goto out;
	}
	for (;;) {
		size_t want = LIST_CHUNK, n = 0, i;

		if (limit && limit - done < want)
			want = (size_t)(limit - done);
		if (want == 0)
			break;
		if ((rc = db->ops->list_imsis(db, last, offset, want, imsis, &n)))
			goto out;
		offset = 0;   /* applies to the first page only */
		for (i = 0; i < n; i++) {
			rc = db->ops->get_sub(db, imsis[i], sub);
			if (rc == ENOENT) {  /* deleted meanwhile */
				rc = 0;
				continue;
			}
			if (rc || (rc = cb(sub, arg)))
				goto out;
			done++;
		}
		if (n < want)
			break;
		memcpy(last, imsis[n - 1], sizeof(last));
	}
out:
	if (!rc)
		hss_db_clear_error();
	free(imsis);
	if (sub)
		explicit_bzero(sub, sizeof(*sub));
	free(sub);
	return rc;
}

int hss_db_count(struct hss_db *db, uint64_t *ret)
{
	NEED_OP(db, count);
	return db->ops->count(db, ret);
}

uint64_t hss_db_sqn_next_default(uint64_t sqn, unsigned ind_bits)
{
	uint64_t mask = ind_bits >= 48 ? HSS_DB_SQN_MAX : (1ULL << ind_bits) - 1;
	uint64_t seq = sqn >> ind_bits, ind = sqn & mask;

	return (((seq + 1) << ind_bits) | ((ind + 1) & mask)) & HSS_DB_SQN_MAX;
}

static int reserve(struct hss_db *db, const char *imsi, unsigned n, hss_db_sqn_next_fn next,
                   const uint64_t *resync, struct hss_auth_data *ret)
{
	int rc;

	NEED_OP(db, sqn_reserve);
	if ((rc = check_imsi(imsi)))
		return rc;
	if (n < 1 || n > HSS_DB_MAX_VECTORS)
		return hss_db_set_error(EINVAL, "number of vectors %u out of range 1..%d", n,
		                        HSS_DB_MAX_VECTORS);
	if (resync && *resync > HSS_DB_SQN_MAX)
		return hss_db_set_error(EINVAL, "field 'sqn': value %llu above 2^48-1",
		                        (unsigned long long)*resync);
	return db->ops->sqn_reserve(db, imsi, n, next ? next : hss_db_sqn_next_default, resync, ret);
}

int hss_db_sqn_reserve(struct hss_db *db, const char *imsi, unsigned n, hss_db_sqn_next_fn next,
                       struct hss_auth_data *ret)
{
	return reserve(db, imsi, n, next, NULL, ret);
}

int hss_db_sqn_resync_reserve(struct hss_db *db, const char *imsi, uint64_t sqn_ms, unsigned n,
                              hss_db_sqn_next_fn next, struct hss_auth_data *ret)
{
	return reserve(db, imsi, n, next, &sqn_ms, ret);
}

int hss_db_sqn_set(struct hss_db *db, const char *imsi, uint64_t sqn)
{
	int rc;

	NEED_OP(db, sqn_set);
	if ((rc = check_imsi(imsi)))
		return rc;
	if (sqn > HSS_DB_SQN_MAX)
		return hss_db_set_error(EINVAL, "field 'sqn': value %llu above 2^48-1",
		                        (unsigned long long)sqn);
	return db->ops->sqn_set(db, imsi, sqn);
}

int hss_db_set_serving(struct hss_db *db, const char *imsi, const struct hss_db_serving_upd *u,
                       struct hss_serving *ret_old)
{
	char err[256];
	int rc;

	NEED_OP(db, set_serving);
	if ((rc = check_imsi(imsi)))
		return rc;
	if (!u || (u->node != HSS_NODE_MME && u->node != HSS_NODE_SGSN))
		return hss_db_set_error(EINVAL, "set_serving: bad node");
	if ((u->host && strlen(u->host) >= HSS_DB_HOST_LEN) ||
	    (u->realm && strlen(u->realm) >= HSS_DB_HOST_LEN))
		return hss_db_set_error(EINVAL, "set_serving: host or realm longer than %d",
		                        HSS_DB_HOST_LEN - 1);
	if ((u->host && hss_check_host("host", u->host, err, sizeof(err))) ||
	    (u->realm && hss_check_host("realm", u->realm, err, sizeof(err))))
		return hss_db_set_error(EINVAL, "set_serving: %s", err);
	if (u->visited_plmn && *u->visited_plmn &&
	    hss_valid_plmn("visited_plmn", u->visited_plmn, err, sizeof(err)))
		return hss_db_set_error(EINVAL, "%s", err);
	if (u->mme_number_for_mt_sms &&
	    hss_valid_msisdn("mme_number_for_mt_sms", u->mme_number_for_mt_sms, err, sizeof(err)))
		return hss_db_set_error(EINVAL, "%s", err);
	return db->ops->set_serving(db, imsi, u, ret_old);
}

int hss_db_set_serving_mme(struct hss_db *db, const char *imsi, const char *host,
                           const char *realm, char *ret_old_host, size_t old_host_len,
                           char *ret_old_realm, size_t old_realm_len)
{
	struct hss_db_serving_upd u = {
		.node = HSS_NODE_MME, .host = host, .realm = realm, .rat_type = -1,
		.ue_srvcc_support = -1, .homogeneous_ims_voice = -1,
	};
	struct hss_serving *old;
	int rc;

	/* struct hss_serving is ~1.3 kB: fine on the stack too, but dispatch threads may be small */
	if (!(old = malloc(sizeof(*old))))
		return ENOMEM;
	if ((rc = hss_db_set_serving(db, imsi, &u, old)))
		goto out;
	if (ret_old_host && old_host_len)
		snprintf(ret_old_host, old_host_len, "%s", old->mme_host);
	if (ret_old_realm && old_realm_len)
		snprintf(ret_old_realm, old_realm_len, "%s", old->mme_realm);
out:
	free(old);
	return rc;
}

int hss_db_set_purged(struct hss_db *db, const char *imsi, enum hss_node node, const char *host,
                      bool *ret_matched)
{
	int rc;

	NEED_OP(db, set_purged);
	if ((rc = check_imsi(imsi)))
		return rc;
	if (node != HSS_NODE_MME && node != HSS_NODE_SGSN)
		return hss_db_set_error(EINVAL, "set_purged: bad node");
	return db->ops->set_purged(db, imsi, node, host, ret_matched);
}

int hss_db_store_nor(struct hss_db *db, const char *imsi, uint32_t nor_flags,
                     int32_t ue_srvcc_support, int32_t homogeneous_ims_voice)
{
	char f[16], s[16], h[16], err[256];
	struct hss_db_kv kv[3];
	size_t n = 0;
	int rc;

	snprintf(f, sizeof(f), "%u", nor_flags);
	kv[n++] = (struct hss_db_kv){ "nor_flags", f };
	if (ue_srvcc_support >= 0) {
		snprintf(s, sizeof(s), "%d", ue_srvcc_support ? 1 : 0);
		kv[n++] = (struct hss_db_kv){ "ue_srvcc_support", s };
	}
	if (homogeneous_ims_voice >= 0) {
		snprintf(h, sizeof(h), "%d", homogeneous_ims_voice ? 1 : 0);
		kv[n++] = (struct hss_db_kv){ "homogeneous_ims_voice", h };
	}
	if ((rc = hss_db_update(db, imsi, kv, n, err, sizeof(err))))
		hss_db_set_error(rc, "%s", err);
	return rc;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * db_mongo_o5gs.c: open5gs's subscriber documents (database "open5gs", collection
 * "subscribers", as open5gs's HSS (lib/dbi/subscription.c), its WebUI (mongoose model
 * server/models/subscriber.js) and open5gs-dbctl write them) <-> struct hss_sub. Pure.
 *
 * Read as open5gs's HSS reads them: imsi; msisdn[0] MSISDN, msisdn[1] A-MSISDN;
 * security{k, opc | op, amf, sqn}; ambr{uplink, downlink}{value, unit: 0..4 = bps, Kbps,
 * Mbps, Gbps, Tbps}; subscriber_status; operator_determined_barring; network_access_mode;
 * access_restriction_data; subscribed_rau_tau_timer (minutes); the APNs are the sessions of
 * the first slice (open5gs's S6a does the same), Context-Identifier i+1: name, type (1 IPv4,
 * 2 IPv6, 3 IPv4v6 = PDN-Type + 1), qos{index = QCI, arp{priority_level,
 * pre_emption_capability, pre_emption_vulnerability: 1 disabled, 2 enabled}}, ambr, ue{ipv4,
 * ipv6} = static addresses; serving MME: mme_host, mme_realm, mme_timestamp (microseconds),
 * purge_flag. Numbers may be Int32, Int64, doubles (mongosh) or decimal strings; mme_host
 * and friends strings or one-element arrays (the WebUI's model declares them arrays).
 *
 * SQN: open5gs stores in security.sqn the SQN its next AIR uses and adds 32 after each;
 * we keep the last SQN handed out. So security.sqn = last + 32 (mod 2^48) is written, and
 * read back as security.sqn - 32: after a switch either way neither HSS hands out an SQN
 * the other one did.
 *
 * What open5gs has no field for lives in a sub-document "dcore" (top level, and per
 * session), which open5gs ignores and its WebUI keeps on top level (a WebUI edit of the
 * slices drops the per-session one: those APNs fall back to the defaults). The same
 * sub-document holds exact values where open5gs's form loses precision (an SQN near 2^48,
 * AMBRs that are not whole units, a TAU timer that is not whole minutes, PDN type
 * IPv4_OR_IPv6); such a hint is used only while open5gs's own field still says what it
 * said when the hint was written, so a change made by open5gs's tools wins.
 *
 * Writing merges into the stored document (db_mongo_doc.c): every field we do not map
 * (imeisv, rand, schema_version, slices after the first, a session's pcc_rule, smf, ...)
 * is kept, and numbers are written as open5gs's HSS reads them (Int32; Int64 for the SQN
 * and the timestamp).
 */
#include "db_mongo.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define O5_SQN_STEP 32u          /* what open5gs adds to security.sqn after each AIR */

struct rd {
	const char *imsi;
	char *err;
	size_t errlen;
};

static int bad(struct rd *r, const char *field, const char *why)
{
	snprintf(r->err, r->errlen, "mongodb: IMSI %s: field '%s': %s", r->imsi, field, why);
	return EIO;
}

/* it = doc[key], false when absent or null. */
static bool find(const bson_iter_t *doc, const char *key, bson_iter_t *it)
{
	*it = *doc;
	return bson_iter_find(it, key) && !hss_mg_null(it);
}

/* The sub-document doc[key] (false when absent or null; EIO when not a document). */
static int sub_doc(struct rd *r, const bson_iter_t *doc, const char *key, const char *path,
                   bson_iter_t *ret, bool *found)
{
	bson_iter_t it;

	*found = false;
	if (!find(doc, key, &it))
		return 0;
	if (!BSON_ITER_HOLDS_DOCUMENT(&it) || !bson_iter_recurse(&it, ret))
		return bad(r, path, "not a document");
	*found = true;
	return 0;
}

/* An integer field in [min, max]; *found false when absent. */
static int get_int(struct rd *r, const bson_iter_t *doc, const char *key, const char *path,
                   int64_t min, int64_t max, int64_t *ret, bool *found)
{
	bson_iter_t it;
	int64_t v;

	*found = false;
	if (!find(doc, key, &it))
		return 0;
	if (!hss_mg_int(&it, &v))
		return bad(r, path, "not a number");
	if (v < min || v > max)
		return bad(r, path, "out of range");
	*ret = v;
	*found = true;
	return 0;
}

/* An unsigned 32-bit field that open5gs writes as Int32: negative Int32 values are the
 * upper half of the range. */
static int get_u32(struct rd *r, const bson_iter_t *doc, const char *key, const char *path,
                   uint32_t *ret)
{
	int64_t v;
	bool found;
	int rc = get_int(r, doc, key, path, INT32_MIN, UINT32_MAX, &v, &found);

	if (!rc && found)
		*ret = (uint32_t)v;
	return rc;
}

/* A string field into buf (size n); a one-element array of strings counts as its element,
 * an empty array as absent. */
static int get_str(struct rd *r, const bson_iter_t *doc, const char *key, const char *path,
                   char *buf, size_t n, bool *found)
{
	bson_iter_t it, a;
	const char *s;
	uint32_t len;

	*found = false;
	if (!find(doc, key, &it))
		return 0;
	if (BSON_ITER_HOLDS_ARRAY(&it)) {
		if (!bson_iter_recurse(&it, &a))
			return bad(r, path, "not a string");
		if (!bson_iter_next(&a) || hss_mg_null(&a))
			return 0;
		it = a;
	}
	if (!hss_mg_str(&it, &s, &len))
		return bad(r, path, "not a string");
	if (len >= n)
		return bad(r, path, "too long");
	memcpy(buf, s, len);
	buf[len] = 0;
	*found = true;
	return 0;
}

static int get_bool(struct rd *r, const bson_iter_t *doc, const char *key, const char *path,
                    bool *ret)
{
	bson_iter_t it, a;
	int64_t v;

	if (!find(doc, key, &it))
		return 0;
	if (BSON_ITER_HOLDS_ARRAY(&it)) {   /* the WebUI's purge_flag: [Boolean] */
		if (!bson_iter_recurse(&it, &a))
			return bad(r, path, "not a boolean");
		if (!bson_iter_next(&a) || hss_mg_null(&a))
			return 0;
		it = a;
	}
	if (BSON_ITER_HOLDS_UTF8(&it)) {
		const char *s;
		uint32_t len;

		if (hss_mg_str(&it, &s, &len) && (!strcasecmp(s, "true") || !strcasecmp(s, "false"))) {
			*ret = !strcasecmp(s, "true");
			return 0;
		}
		return bad(r, path, "not a boolean");
	}
	if (!hss_mg_int(&it, &v) || (v != 0 && v != 1))
		return bad(r, path, "not a boolean");
	*ret = v;
	return 0;
}

/* A hex key of n octets (either case). */
static int get_hex(struct rd *r, const bson_iter_t *doc, const char *key, const char *path,
                   uint8_t *out, size_t n, bool *found)
{
	char buf[2 * 16 + 1];
	int rc;

	if ((rc = get_str(r, doc, key, path, buf, sizeof(buf), found)) || !*found)
		return rc == EIO ? bad(r, path, "not a hex string") : rc;
	if (!buf[0]) {
		*found = false;
		return 0;
	}
	if (hss_hex_decode(buf, out, n)) {
		explicit_bzero(buf, sizeof(buf));
		return bad(r, path, "not the right number of hex digits");
	}
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

/* Field `name` of table t (hss_fdescs or hss_apn_fdescs) from ext into base, when there. */
static int load_ours(struct rd *r, const struct hss_fdesc *t, const bson_iter_t *ext,
                     const char *name, void *base)
{
	bson_iter_t it;

	for (; t->name; t++)
		if (!strcmp(t->name, name))
			break;
	if (!t->name || !find(ext, name, &it))
		return 0;
	return hss_mg_native_field(t, &it, base, r->imsi, r->err, r->errlen);
}

static const struct hss_fdesc *fdesc_in(const struct hss_fdesc *t, const char *name)
{
	for (; t->name; t++)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

/* ---- units ----------------------------------------------------------------------------- */

static const uint64_t unit_factor[] = { 1, 1000, 1000000, 1000000000, 1000000000000ULL };

/* bit/s as open5gs's {value, unit}: exact in the largest unit that keeps value an Int32;
 * *exact false when that loses precision (only above 2^31-1 bit/s). */
static void ambr_enc(uint32_t bps, int32_t *value, int32_t *unit, bool *exact)
{
	int u;

	for (u = 4; u > 0; u--)
		if (bps % unit_factor[u] == 0 && bps / unit_factor[u] <= INT32_MAX)
			break;
	if (bps / unit_factor[u] > INT32_MAX)
		u = 1;   /* > 2^31-1 bit/s and not whole kbit/s: kbit/s, truncated */
	*value = (int32_t)(bps / unit_factor[u]);
	*unit = u;
	*exact = (uint64_t)*value * unit_factor[u] == bps;
}

/* ambr{uplink, downlink} of doc into ul/dl (bit/s, saturated at 2^32-1 as open5gs's S6a
 * does), with the exact hints of ext (may be NULL). */
static int ambr_dec(struct rd *r, const bson_iter_t *doc, const char *path,
                    const bson_iter_t *ext, uint32_t *ul, uint32_t *dl)
{
	static const char *const dir[2] = { "uplink", "downlink" };
	static const char *const hint[2] = { "ambr_ul", "ambr_dl" };
	char p[64];
	bson_iter_t amb, d;
	bool found;
	int i, rc;

	if ((rc = sub_doc(r, doc, "ambr", path, &amb, &found)) || !found)
		return rc;
	for (i = 0; i < 2; i++) {
		int64_t value = 0, unit = 0, h;
		uint64_t bps;
		bool f1, f2, fh;

		snprintf(p, sizeof(p), "%s.%s", path, dir[i]);
		if ((rc = sub_doc(r, &amb, dir[i], p, &d, &found)))
			return rc;
		if (!found)
			continue;
		if ((rc = get_int(r, &d, "value", p, 0, INT64_MAX, &value, &f1)) ||
		    (rc = get_int(r, &d, "unit", p, 0, 4, &unit, &f2)))
			return rc;
		/* saturated at 2^32-1 bit/s */
		bps = (uint64_t)value > UINT32_MAX / unit_factor[unit] ? UINT32_MAX
		                                                      : (uint64_t)value * unit_factor[unit];
		if (ext && !get_int(r, ext, hint[i], hint[i], 0, UINT32_MAX, &h, &fh) && fh) {
			int32_t v, u;
			bool exact;

			ambr_enc((uint32_t)h, &v, &u, &exact);
			if (v == value && u == unit)
				bps = (uint64_t)h;
		}
		*(i ? dl : ul) = (uint32_t)bps;
	}
	return 0;
}

/* ---- decode ------------------------------------------------------------------------------ */

static int dec_prov(struct rd *r, const bson_iter_t *top, const bson_iter_t *ext, bool has_ext,
                    struct hss_sub *out)
{
	bson_iter_t it, a, sec;
	const char *s;
	uint32_t len;
	int64_t v, h;
	bool found, fh;
	int rc, i = 0;

	/* msisdn: [MSISDN, A-MSISDN] (a lone string is accepted too) */
	if (find(top, "msisdn", &it)) {
		if (BSON_ITER_HOLDS_ARRAY(&it)) {
			if (!bson_iter_recurse(&it, &a))
				return bad(r, "msisdn", "not an array");
			while (bson_iter_next(&a) && i < 2) {
				char *dst = i ? out->a_msisdn : out->msisdn;

				if (hss_mg_null(&a))
					continue;
				if (!hss_mg_str(&a, &s, &len))
					return bad(r, "msisdn", "not an array of strings");
				if (len > 15)
					return bad(r, "msisdn", "longer than 15 digits");
				memcpy(dst, s, len);
				dst[len] = 0;
				i++;
			}
		} else if ((rc = get_str(r, top, "msisdn", "msisdn", out->msisdn, sizeof(out->msisdn),
		                         &found))) {
			return rc;
		}
	}
	if (has_ext && !out->a_msisdn[0] && !out->msisdn[0] &&
	    (rc = get_str(r, ext, "a_msisdn", "dcore.a_msisdn", out->a_msisdn,
	                  sizeof(out->a_msisdn), &found)))
		return rc;

	/* security */
	if ((rc = sub_doc(r, top, "security", "security", &sec, &found)))
		return rc;
	if (!found)
		return bad(r, "security", "missing (no K, OP/OPc)");
	if ((rc = get_hex(r, &sec, "k", "security.k", out->k, 16, &found)))
		return rc;
	if (!found)
		return bad(r, "security.k", "missing");
	if ((rc = get_hex(r, &sec, "opc", "security.opc", out->op, 16, &found)))
		return rc;
	out->opc = found;
	if (!found) {
		if ((rc = get_hex(r, &sec, "op", "security.op", out->op, 16, &found)))
			return rc;
		if (!found)
			return bad(r, "security", "neither opc nor op");
	}
	if ((rc = get_hex(r, &sec, "amf", "security.amf", out->amf, 2, &found)))
		return rc;
	/* SQN: the next one open5gs would use; ours is the last handed out */
	if ((rc = get_int(r, &sec, "sqn", "security.sqn", 0, (int64_t)HSS_DB_SQN_MAX, &v, &found)))
		return rc;
	if (has_ext && (rc = get_int(r, ext, "sqn", "dcore.sqn", 0, (int64_t)HSS_DB_SQN_MAX, &h, &fh)))
		return rc;
	if (!has_ext)
		fh = false;
	if (found && fh && (((uint64_t)h + O5_SQN_STEP) & HSS_DB_SQN_MAX) == (uint64_t)v)
		out->sqn = (uint64_t)h;
	else if (found)
		out->sqn = (uint64_t)v >= O5_SQN_STEP ? (uint64_t)v - O5_SQN_STEP : 0;
	else
		out->sqn = fh ? (uint64_t)h : 0;

	/* numbers as open5gs's HSS reads them (absent: 0, as it does) */
	out->subscriber_status = 0;
	out->network_access_mode = 0;
	out->access_restriction_data = 0;
	if ((rc = get_u32(r, top, "subscriber_status", "subscriber_status",
	                  &out->subscriber_status)) ||
	    (rc = get_u32(r, top, "operator_determined_barring", "operator_determined_barring",
	                  &out->odb)) ||
	    (rc = get_u32(r, top, "network_access_mode", "network_access_mode",
	                  &out->network_access_mode)) ||
	    (rc = get_u32(r, top, "access_restriction_data", "access_restriction_data",
	                  &out->access_restriction_data)))
		return rc;
	if ((rc = ambr_dec(r, top, "ambr", has_ext ? ext : NULL, &out->ambr_ul, &out->ambr_dl)))
		return rc;
	if ((rc = get_int(r, top, "subscribed_rau_tau_timer", "subscribed_rau_tau_timer", 0,
	                  UINT32_MAX / 60, &v, &found)))
		return rc;
	out->periodic_tau = found ? (uint32_t)v * 60 : 0;
	if (has_ext && found && !get_int(r, ext, "periodic_tau", "dcore.periodic_tau", 0,
	                                 UINT32_MAX, &h, &fh) && fh && (h + 59) / 60 == v)
		out->periodic_tau = (uint32_t)h;

	/* ours alone */
	if (has_ext) {
		static const char *const names[] = { "ind_bits", "roaming_allowed", "roaming_plmns",
		                                     "charging_chars", "default_ctx_id", NULL };
		size_t k;

		for (k = 0; names[k] && !rc; k++)
			rc = load_ours(r, hss_fdescs, ext, names[k], out);
	}
	return rc;
}

static int dec_apns(struct rd *r, const bson_iter_t *top, struct hss_sub *out)
{
	bson_iter_t it, sl, slice0, sess, s, e, qos, arp;
	char path[96];
	bool found, fe;
	int rc, i = 0;

	out->n_apns = 0;
	if (!find(top, "slice", &it))
		return 0;
	if (!BSON_ITER_HOLDS_ARRAY(&it) || !bson_iter_recurse(&it, &sl))
		return bad(r, "slice", "not an array");
	if (!bson_iter_next(&sl))
		return 0;
	if (!BSON_ITER_HOLDS_DOCUMENT(&sl) || !bson_iter_recurse(&sl, &slice0))
		return bad(r, "slice.0", "not a document");
	if (!find(&slice0, "session", &it))
		return 0;
	if (!BSON_ITER_HOLDS_ARRAY(&it) || !bson_iter_recurse(&it, &sess))
		return bad(r, "slice.0.session", "not an array");
	while (bson_iter_next(&sess)) {
		struct hss_apn *a;
		int64_t v;

		snprintf(path, sizeof(path), "slice.0.session.%d", i);
		if (!BSON_ITER_HOLDS_DOCUMENT(&sess) || !bson_iter_recurse(&sess, &s))
			return bad(r, path, "not a document");
		if (out->n_apns == HSS_DB_MAX_APNS)
			return bad(r, "slice.0.session", "more than 32 sessions");
		a = &out->apns[out->n_apns];
		hss_apn_init(a);
		a->ctx_id = (uint32_t)i + 1;   /* as open5gs numbers them */
		snprintf(path, sizeof(path), "slice.0.session.%d.name", i);
		if ((rc = get_str(r, &s, "name", path, a->apn, sizeof(a->apn), &found)))
			return rc;
		if (!found)
			return bad(r, path, "missing");
		snprintf(path, sizeof(path), "slice.0.session.%d.type", i);
		if ((rc = get_int(r, &s, "type", path, 0, INT32_MAX, &v, &found)))
			return rc;
		if (found && v != 0) {
			if (v > 3)
				return bad(r, path, "not a PDN type (1 IPv4, 2 IPv6, 3 IPv4v6)");
			a->pdn_type = (uint32_t)v - 1;
		}
		snprintf(path, sizeof(path), "slice.0.session.%d.qos", i);
		if ((rc = sub_doc(r, &s, "qos", path, &qos, &found)))
			return rc;
		if (found) {
			if ((rc = get_int(r, &qos, "index", path, 0, 255, &v, &fe)))
				return rc;
			if (fe)
				a->qci = (uint32_t)v;
			if ((rc = sub_doc(r, &qos, "arp", path, &arp, &fe)))
				return rc;
			if (fe) {
				if ((rc = get_int(r, &arp, "priority_level", path, 0, 255, &v, &fe)))
					return rc;
				if (fe)
					a->arp_prio = (uint32_t)v;
				if ((rc = get_int(r, &arp, "pre_emption_capability", path, 0, 255, &v, &fe)))
					return rc;
				a->preempt_cap = fe && v == 2;
				if ((rc = get_int(r, &arp, "pre_emption_vulnerability", path, 0, 255, &v,
				                  &fe)))
					return rc;
				a->preempt_vuln = fe && v == 2;
			}
		}
		if ((rc = sub_doc(r, &s, HSS_MG_EXT, "slice.0.session.dcore", &e, &fe)))
			return rc;
		if (fe) {
			static const char *const ours[] = { "ctx_id", "pgw_alloc", "vplmn_dyn",
			                                    "pgw_host", "pgw_realm", NULL };
			int64_t hint;
			bool fh = false;
			size_t k;

			for (k = 0; ours[k]; k++)
				if ((rc = load_ours(r, hss_apn_fdescs, &e, ours[k], a)))
					return rc;
			/* IPv4_OR_IPv6 is written as IPv4v6 (3) with this hint */
			if (!get_int(r, &e, "pdn_type", "pdn_type", 0, 3, &hint, &fh) && fh &&
			    hint == HSS_PDN_IPV4_OR_IPV6 && a->pdn_type == HSS_PDN_IPV4V6)
				a->pdn_type = HSS_PDN_IPV4_OR_IPV6;
		}
		snprintf(path, sizeof(path), "slice.0.session.%d.ambr", i);
		if ((rc = ambr_dec(r, &s, path, fe ? &e : NULL, &a->ambr_ul, &a->ambr_dl)))
			return rc;
		snprintf(path, sizeof(path), "slice.0.session.%d.ue", i);
		if ((rc = sub_doc(r, &s, "ue", path, &it, &found)))
			return rc;
		if (found && ((rc = get_str(r, &it, "ipv4", "ue.ipv4", a->static_ipv4,
		                            sizeof(a->static_ipv4), &found)) ||
		              (rc = get_str(r, &it, "ipv6", "ue.ipv6", a->static_ipv6,
		                            sizeof(a->static_ipv6), &found))))
			return rc;
		out->n_apns++;
		i++;
	}
	return 0;
}

static int dec_serving(struct rd *r, const bson_iter_t *top, const bson_iter_t *ext,
                       bool has_ext, struct hss_sub *out)
{
	struct hss_serving *v = &out->serving;
	bson_iter_t srv;
	int64_t t;
	bool found;
	int rc;

	if (has_ext) {
		if ((rc = sub_doc(r, ext, "serving", "dcore.serving", &srv, &found)))
			return rc;
		if (found && (rc = hss_mg_native_load(hss_fdescs, &srv, out, HSS_PART_SERVING, r->imsi,
		                                      r->err, r->errlen)))
			return rc;
	}
	/* open5gs's own fields */
	v->mme_host[0] = v->mme_realm[0] = 0;
	v->mme_ulr_time = 0;
	v->mme_purged = false;
	if ((rc = get_str(r, top, "mme_host", "mme_host", v->mme_host, sizeof(v->mme_host),
	                  &found)) ||
	    (rc = get_str(r, top, "mme_realm", "mme_realm", v->mme_realm, sizeof(v->mme_realm),
	                  &found)) ||
	    (rc = get_bool(r, top, "purge_flag", "purge_flag", &v->mme_purged)))
		return rc;
	if ((rc = get_int(r, top, "mme_timestamp", "mme_timestamp", 0, INT64_MAX, &t, &found)))
		return rc;
	if (found)
		v->mme_ulr_time = t / 1000000;   /* open5gs: microseconds */
	return 0;
}

int hss_mg_o5gs_decode(const bson_t *doc, unsigned parts, struct hss_sub *out, char *err,
                       size_t errlen)
{
	struct rd r = { out->imsi, err, errlen };
	bson_iter_t top, ext;
	bool has_ext;
	int rc;

	if ((rc = hss_mg_doc_imsi(doc, out->imsi, err, errlen)))
		return rc;
	if (!bson_iter_init(&top, doc))
		return bad(&r, "", "not a document");
	if ((rc = sub_doc(&r, &top, HSS_MG_EXT, HSS_MG_EXT, &ext, &has_ext)))
		return rc;
	if ((parts & (HSS_PART_PROV | HSS_PART_SQN)) && (rc = dec_prov(&r, &top, &ext, has_ext, out)))
		return rc;
	if ((parts & HSS_PART_APNS) && (rc = dec_apns(&r, &top, out)))
		return rc;
	if ((parts & HSS_PART_SERVING) && (rc = dec_serving(&r, &top, &ext, has_ext, out)))
		return rc;
	return 0;
}

/* ---- patch -------------------------------------------------------------------------------- */

static bool put_ambr(bson_t *b, uint32_t ul, uint32_t dl, bson_t *ext, const char *hul,
                     const char *hdl)
{
	bson_t amb, d;
	int32_t v, u;
	bool exact, ok;
	int i;

	ok = bson_append_document_begin(b, "ambr", -1, &amb);
	for (i = 0; ok && i < 2; i++) {
		uint32_t bps = i ? dl : ul;

		ambr_enc(bps, &v, &u, &exact);
		ok = bson_append_document_begin(&amb, i ? "downlink" : "uplink", -1, &d) &&
		     BSON_APPEND_INT32(&d, "value", v) && BSON_APPEND_INT32(&d, "unit", u) &&
		     bson_append_document_end(&amb, &d);
		if (ok)
			ok = exact ? HSS_MG_APPEND_REMOVE(ext, i ? hdl : hul)
			           : BSON_APPEND_INT64(ext, i ? hdl : hul, (int64_t)bps);
	}
	return ok && bson_append_document_end(b, &amb);
}

static bool put_str_or_remove(bson_t *b, const char *key, const char *s)
{
	return *s ? BSON_APPEND_UTF8(b, key, s) : HSS_MG_APPEND_REMOVE(b, key);
}

static bool patch_prov(const bson_t *old, const struct hss_sub *sub, bson_t *p, bson_t *sec,
                       bson_t *ext)
{
	static const char *const ours[] = { "roaming_plmns", NULL };
	char k[33], op[33], amf[5];
	uint32_t tau_min = (uint32_t)((sub->periodic_tau + 59ULL) / 60);
	bson_t arr;
	bool ok;

	ok = bson_append_array_begin(p, "msisdn", -1, &arr);
	if (ok && sub->msisdn[0]) {
		ok = BSON_APPEND_UTF8(&arr, "0", sub->msisdn);
		if (ok && sub->a_msisdn[0])
			ok = BSON_APPEND_UTF8(&arr, "1", sub->a_msisdn);
	}
	ok = ok && bson_append_array_end(p, &arr);
	/* an A-MSISDN without MSISDN has no place in open5gs's array */
	ok = ok && (sub->a_msisdn[0] && !sub->msisdn[0] ? BSON_APPEND_UTF8(ext, "a_msisdn", sub->a_msisdn)
	                                                : HSS_MG_APPEND_REMOVE(ext, "a_msisdn"));

	hss_hex_encode(sub->k, 16, k);
	hss_hex_encode(sub->op, 16, op);
	hss_hex_encode(sub->amf, 2, amf);
	ok = ok && BSON_APPEND_UTF8(sec, "k", k) &&
	     (sub->opc ? BSON_APPEND_UTF8(sec, "opc", op) && BSON_APPEND_NULL(sec, "op")
	               : BSON_APPEND_UTF8(sec, "op", op) && BSON_APPEND_NULL(sec, "opc")) &&
	     BSON_APPEND_UTF8(sec, "amf", amf);
	explicit_bzero(k, sizeof(k));
	explicit_bzero(op, sizeof(op));

	ok = ok && BSON_APPEND_INT32(p, "subscriber_status", (int32_t)sub->subscriber_status) &&
	     BSON_APPEND_INT32(p, "operator_determined_barring", (int32_t)sub->odb) &&
	     BSON_APPEND_INT32(p, "network_access_mode", (int32_t)sub->network_access_mode) &&
	     BSON_APPEND_INT32(p, "access_restriction_data", (int32_t)sub->access_restriction_data) &&
	     put_ambr(p, sub->ambr_ul, sub->ambr_dl, ext, "ambr_ul", "ambr_dl") &&
	     BSON_APPEND_INT32(p, "subscribed_rau_tau_timer", (int32_t)tau_min) &&
	     (sub->periodic_tau % 60 ? BSON_APPEND_INT64(ext, "periodic_tau", sub->periodic_tau)
	                             : HSS_MG_APPEND_REMOVE(ext, "periodic_tau"));
	/* ours alone, absent when at their default */
	ok = ok && (sub->ind_bits != 5 ? BSON_APPEND_INT32(ext, "ind_bits", (int32_t)sub->ind_bits)
	                               : HSS_MG_APPEND_REMOVE(ext, "ind_bits")) &&
	     (!sub->roaming_allowed ? BSON_APPEND_BOOL(ext, "roaming_allowed", false)
	                            : HSS_MG_APPEND_REMOVE(ext, "roaming_allowed")) &&
	     (sub->default_ctx_id ? BSON_APPEND_INT64(ext, "default_ctx_id", sub->default_ctx_id)
	                          : HSS_MG_APPEND_REMOVE(ext, "default_ctx_id")) &&
	     put_str_or_remove(ext, "charging_chars", sub->charging_chars) &&
	     !hss_mg_native_put(ext, fdesc_in(hss_fdescs, ours[0]), sub);
	/* a new document: what open5gs's tools put in every subscriber */
	if (ok && !old)
		ok = BSON_APPEND_INT32(p, "schema_version", 1);
	return ok;
}

/* The old session of slice 0 named like apn (not taken yet), or false. */
static bool old_session(const bson_t *old, const char *apn, bool *taken, bson_t *ret)
{
	bson_iter_t it, sl, s, n;
	const uint8_t *data;
	uint32_t len;
	const char *name;
	int i = 0;

	if (!old || !bson_iter_init_find(&it, old, "slice") || !BSON_ITER_HOLDS_ARRAY(&it) ||
	    !bson_iter_recurse(&it, &sl) || !bson_iter_next(&sl) || !BSON_ITER_HOLDS_DOCUMENT(&sl) ||
	    !bson_iter_recurse(&sl, &s) || !bson_iter_find(&s, "session") ||
	    !BSON_ITER_HOLDS_ARRAY(&s) || !bson_iter_recurse(&s, &it))
		return false;
	while (bson_iter_next(&it) && i < 64) {
		if (!taken[i] && BSON_ITER_HOLDS_DOCUMENT(&it) && bson_iter_recurse(&it, &n) &&
		    bson_iter_find(&n, "name") && hss_mg_str(&n, &name, &len) &&
		    strlen(apn) == len && !strncasecmp(name, apn, len)) {
			bson_iter_document(&it, &len, &data);
			taken[i] = true;
			return bson_init_static(ret, data, len);
		}
		i++;
	}
	return false;
}

static bool patch_session(const struct hss_apn *a, uint32_t idx, bson_t *s)
{
	static const char *const ours[] = { "ctx_id", "pgw_alloc", "vplmn_dyn", "pgw_host",
	                                    "pgw_realm", NULL };
	bson_t qos, arp, ue, ext;
	const struct hss_fdesc *f;
	bool ok;
	size_t i;

	ok = BSON_APPEND_UTF8(s, "name", a->apn) &&
	     BSON_APPEND_INT32(s, "type", a->pdn_type == HSS_PDN_IPV4_OR_IPV6 ? 3
	                                                                   : (int32_t)a->pdn_type + 1) &&
	     bson_append_document_begin(s, "qos", -1, &qos) &&
	     BSON_APPEND_INT32(&qos, "index", (int32_t)a->qci) &&
	     bson_append_document_begin(&qos, "arp", -1, &arp) &&
	     BSON_APPEND_INT32(&arp, "priority_level", (int32_t)a->arp_prio) &&
	     BSON_APPEND_INT32(&arp, "pre_emption_capability", a->preempt_cap ? 2 : 1) &&
	     BSON_APPEND_INT32(&arp, "pre_emption_vulnerability", a->preempt_vuln ? 2 : 1) &&
	     bson_append_document_end(&qos, &arp) && bson_append_document_end(s, &qos) &&
	     bson_append_document_begin(s, "ue", -1, &ue) &&
	     put_str_or_remove(&ue, "ipv4", a->static_ipv4) &&
	     put_str_or_remove(&ue, "ipv6", a->static_ipv6) &&
	     bson_append_document_end(s, &ue);
	if (!ok)
		return false;
	bson_init(&ext);
	ok = put_ambr(s, a->ambr_ul, a->ambr_dl, &ext, "ambr_ul", "ambr_dl") &&
	     (a->pdn_type == HSS_PDN_IPV4_OR_IPV6 ? BSON_APPEND_INT32(&ext, "pdn_type", 3)
	                                          : HSS_MG_APPEND_REMOVE(&ext, "pdn_type"));
	for (i = 0; ok && ours[i]; i++) {
		struct hss_apn dflt;
		bool at_default;

		f = fdesc_in(hss_apn_fdescs, ours[i]);
		/* at the default (ctx_id: i+1, as open5gs numbers them): absent */
		hss_apn_init(&dflt);
		dflt.ctx_id = idx + 1;
		if (f->kind == HSS_FK_STR)
			at_default = !strcmp((const char *)a + f->off, (const char *)&dflt + f->off);
		else if (f->kind == HSS_FK_BOOL)
			at_default = *(const bool *)((const char *)a + f->off) ==
			             *(const bool *)((const char *)&dflt + f->off);
		else
			at_default = *(const uint32_t *)((const char *)a + f->off) ==
			             *(const uint32_t *)((const char *)&dflt + f->off);
		ok = at_default ? HSS_MG_APPEND_REMOVE(&ext, f->name) : !hss_mg_native_put(&ext, f, a);
	}
	ok = ok && BSON_APPEND_DOCUMENT(s, HSS_MG_EXT, &ext);
	bson_destroy(&ext);
	return ok;
}

static int patch_apns(const bson_t *old, const struct hss_sub *sub, bson_t *p)
{
	bson_iter_t it, sl;
	bson_t slices, s0, sessions, one, merged, oldsess;
	bool taken[64] = { false }, have_old0 = false, ok;
	size_t i;
	char key[16];
	const char *k;
	int rc = 0;

	if (old && bson_iter_init_find(&it, old, "slice") && BSON_ITER_HOLDS_ARRAY(&it) &&
	    bson_iter_recurse(&it, &sl) && bson_iter_next(&sl) && BSON_ITER_HOLDS_DOCUMENT(&sl))
		have_old0 = true;
	ok = bson_append_array_begin(p, "slice", -1, &slices) &&
	     bson_append_document_begin(&slices, "0", -1, &s0);
	if (!ok)
		return ENOMEM;
	/* slice 0: its own fields kept (sst, sd, default_indicator, _id...), sessions rebuilt */
	if (have_old0) {
		bson_iter_t f;

		bson_iter_recurse(&sl, &f);
		while (ok && bson_iter_next(&f))
			if (strcmp(bson_iter_key(&f), "session"))
				ok = bson_append_iter(&s0, NULL, 0, &f);
	} else {
		ok = BSON_APPEND_INT32(&s0, "sst", 1) && BSON_APPEND_BOOL(&s0, "default_indicator", true);
	}
	ok = ok && bson_append_array_begin(&s0, "session", -1, &sessions);
	for (i = 0; ok && !rc && i < sub->n_apns; i++) {
		bool had;

		bson_init(&one);
		ok = patch_session(&sub->apns[i], (uint32_t)i, &one);
		had = ok && old_session(old, sub->apns[i].apn, taken, &oldsess);
		bson_init(&merged);
		if (ok)
			rc = hss_mg_merge(had ? &oldsess : NULL, &one, &merged);
		bson_uint32_to_string((uint32_t)i, &k, key, sizeof(key));
		ok = ok && !rc && BSON_APPEND_DOCUMENT(&sessions, k, &merged);
		bson_destroy(&merged);
		bson_destroy(&one);
	}
	ok = ok && bson_append_array_end(&s0, &sessions) && bson_append_document_end(&slices, &s0);
	/* the other slices as they are (open5gs's S6a reads the first only) */
	if (ok && have_old0) {
		uint32_t n = 1;

		while (ok && bson_iter_next(&sl)) {
			bson_uint32_to_string(n++, &k, key, sizeof(key));
			ok = bson_append_iter(&slices, k, -1, &sl);
		}
	}
	ok = ok && bson_append_array_end(p, &slices);
	return rc ? rc : ok ? 0 : ENOMEM;
}

static bool patch_serving(const struct hss_sub *sub, bson_t *p, bson_t *ext)
{
	static const char *const theirs[] = { "mme_host", "mme_realm", "mme_ulr_time", "mme_purged",
	                                      NULL };
	const struct hss_serving *v = &sub->serving;
	const struct hss_fdesc *f;
	bson_t srv;
	bool ok;
	size_t i;

	ok = put_str_or_remove(p, "mme_host", v->mme_host) &&
	     put_str_or_remove(p, "mme_realm", v->mme_realm) &&
	     (v->mme_ulr_time ? BSON_APPEND_INT64(p, "mme_timestamp", v->mme_ulr_time * 1000000)
	                      : HSS_MG_APPEND_REMOVE(p, "mme_timestamp")) &&
	     BSON_APPEND_BOOL(p, "purge_flag", v->mme_purged) &&
	     bson_append_document_begin(ext, "serving", -1, &srv);
	for (f = hss_fdescs; ok && f->name; f++) {
		if (!(f->flags & HSS_F_SERVING))
			continue;
		for (i = 0; theirs[i] && strcmp(theirs[i], f->name); i++)
			;
		if (!theirs[i])
			ok = !hss_mg_native_put(&srv, f, sub);
	}
	return ok && bson_append_document_end(ext, &srv);
}

int hss_mg_o5gs_patch(const bson_t *old, const struct hss_sub *sub, unsigned parts,
                      bson_t *patch, char *err, size_t errlen)
{
	bson_t ext = BSON_INITIALIZER;
	bool ok = true;
	int rc = 0;

	if (sub->n_apns > 64) {
		snprintf(err, errlen, "mongodb: IMSI %s: too many APNs", sub->imsi);
		return EINVAL;
	}
	/* one security document for the provisioned keys and the SQN */
	if (parts & (HSS_PART_PROV | HSS_PART_SQN)) {
		bson_t sec = BSON_INITIALIZER;

		if (parts & HSS_PART_PROV)
			ok = patch_prov(old, sub, patch, &sec, &ext);
		if (ok && (parts & HSS_PART_SQN))
			ok = BSON_APPEND_INT64(&sec, "sqn",
			                       (int64_t)((sub->sqn + O5_SQN_STEP) & HSS_DB_SQN_MAX)) &&
			     BSON_APPEND_INT64(&ext, "sqn", (int64_t)sub->sqn);
		ok = ok && BSON_APPEND_DOCUMENT(patch, "security", &sec);
		explicit_bzero((void *)bson_get_data(&sec), sec.len);
		bson_destroy(&sec);
	}
	if (ok && (parts & HSS_PART_APNS))
		rc = patch_apns(old, sub, patch);
	if (ok && !rc && (parts & HSS_PART_SERVING))
		ok = patch_serving(sub, patch, &ext);
	ok = ok && !rc && BSON_APPEND_DOCUMENT(patch, HSS_MG_EXT, &ext);
	bson_destroy(&ext);
	if (!ok && !rc)
		rc = ENOMEM;
	if (rc)
		snprintf(err, errlen, "mongodb: IMSI %s: %s", sub->imsi,
		         rc == ENOMEM ? "out of memory" : "the stored slices cannot be merged");
	return rc;
}

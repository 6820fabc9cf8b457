/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sub.c: the subscriber model shared by every backend and by hssctl: defaults, the field
 * table, conversion of each field from and to text, and validation with messages that
 * name the field and the offending value.
 */
#include "db_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SF(m) offsetof(struct hss_sub, m), sizeof(((struct hss_sub *)0)->m)
#define SV(m) offsetof(struct hss_sub, serving.m), sizeof(((struct hss_sub *)0)->serving.m)

static const char *const status_names[] = { "SERVICE_GRANTED", "OPERATOR_DETERMINED_BARRING",
	NULL };
static const char *const nam_names[] = { "PACKET_AND_CIRCUIT", NULL, "ONLY_PACKET", NULL };
static const size_t status_n = 2, nam_n = 3;

const struct hss_fdesc hss_fdescs[] = {
	{ "imsi", NULL, HSS_FK_DIGITS, SF(imsi), 5, 15, NULL, HSS_F_AUTH, "IMSI, 5..15 digits (MCC MNC MSIN)" },
	{ "msisdn", NULL, HSS_FK_DIGITS, SF(msisdn), 0, 15, NULL, 0, "MSISDN, up to 15 digits" },
	{ "a_msisdn", NULL, HSS_FK_DIGITS, SF(a_msisdn), 0, 15, NULL, 0, "additional MSISDN" },
	{ "k", NULL, HSS_FK_HEX, SF(k), 0, 0, NULL, HSS_F_AUTH, "subscriber key K, 32 hex digits" },
	{ "op", NULL, HSS_FK_HEX, SF(op), 0, 0, NULL, HSS_F_AUTH, "operator key OP (or OPc), 32 hex digits" },
	{ "op_is_opc", NULL, HSS_FK_BOOL, SF(opc), 0, 1, NULL, HSS_F_AUTH, "the op column holds OPc" },
	{ "amf", NULL, HSS_FK_HEX, SF(amf), 0, 0, NULL, HSS_F_AUTH, "AMF, 4 hex digits (default 8000)" },
	{ "sqn", NULL, HSS_FK_U64, SF(sqn), 0, (int64_t)HSS_DB_SQN_MAX, NULL, HSS_F_AUTH,
	  "last SQN handed out, 0..2^48-1" },
	{ "ind_bits", NULL, HSS_FK_U32, SF(ind_bits), 0, 16, NULL, HSS_F_AUTH, "IND length in bits (default 5)" },
	{ "subscriber_status", "status", HSS_FK_ENUM, SF(subscriber_status), 0, 1, status_names, 0,
	  "SERVICE_GRANTED or OPERATOR_DETERMINED_BARRING" },
	{ "odb", NULL, HSS_FK_U32, SF(odb), 0, UINT32_MAX, NULL, 0,
	  "Operator-Determined-Barring bitmask" },
	{ "network_access_mode", "nam", HSS_FK_ENUM, SF(network_access_mode), 0, 2, nam_names, 0,
	  "PACKET_AND_CIRCUIT or ONLY_PACKET" },
	{ "access_restriction_data", "ard", HSS_FK_U32, SF(access_restriction_data), 0, UINT32_MAX,
	  NULL, 0, "Access-Restriction-Data bitmask (RAT restrictions)" },
	{ "ambr_ul", NULL, HSS_FK_U32, SF(ambr_ul), 0, UINT32_MAX, NULL, 0, "UE-AMBR uplink, bit/s" },
	{ "ambr_dl", NULL, HSS_FK_U32, SF(ambr_dl), 0, UINT32_MAX, NULL, 0, "UE-AMBR downlink, bit/s" },
	{ "roaming_allowed", "roaming", HSS_FK_BOOL, SF(roaming_allowed), 0, 1, NULL, 0,
	  "roaming allowed (allow/deny)" },
	{ "roaming_plmns", "roaming_plmn", HSS_FK_PLMNS, SF(roaming_plmns), 0, HSS_DB_MAX_PLMNS,
	  NULL, 0, "allowed visited PLMNs (MCCMNC list); empty: all" },
	{ "periodic_tau", NULL, HSS_FK_U32, SF(periodic_tau), 0, UINT32_MAX, NULL, 0,
	  "Subscribed-Periodic-RAU-TAU-Timer in seconds; 0: not sent" },
	{ "charging_chars", "charging_characteristics", HSS_FK_HEXSTR, SF(charging_chars), 0, 4,
	  NULL, 0, "3GPP-Charging-Characteristics, 4 hex digits" },
	{ "default_ctx_id", "default_apn", HSS_FK_U32, SF(default_ctx_id), 0, UINT32_MAX, NULL, 0,
	  "Context-Identifier of the default APN; 0: the first" },
	{ "apns", NULL, HSS_FK_APNS, SF(apns), 0, HSS_DB_MAX_APNS, NULL, HSS_F_NOSTORE,
	  "APN configurations, ';'-separated specs" },
	{ "mme_host", NULL, HSS_FK_STR, SV(mme_host), 0, HSS_DB_HOST_LEN - 1, NULL, HSS_F_SERVING,
	  "serving MME Diameter identity" },
	{ "mme_realm", NULL, HSS_FK_STR, SV(mme_realm), 0, HSS_DB_HOST_LEN - 1, NULL, HSS_F_SERVING,
	  "serving MME realm" },
	{ "mme_number_for_mt_sms", NULL, HSS_FK_DIGITS, SV(mme_number_for_mt_sms), 0, 15, NULL,
	  HSS_F_SERVING, "MME-Number-for-MT-SMS" },
	{ "mme_ulr_time", NULL, HSS_FK_I64, SV(mme_ulr_time), 0, INT64_MAX, NULL, HSS_F_SERVING,
	  "unix time of the last ULR from the MME" },
	{ "mme_purged", NULL, HSS_FK_BOOL, SV(mme_purged), 0, 1, NULL, HSS_F_SERVING,
	  "UE purged in MME" },
	{ "sgsn_host", NULL, HSS_FK_STR, SV(sgsn_host), 0, HSS_DB_HOST_LEN - 1, NULL, HSS_F_SERVING,
	  "serving SGSN Diameter identity" },
	{ "sgsn_realm", NULL, HSS_FK_STR, SV(sgsn_realm), 0, HSS_DB_HOST_LEN - 1, NULL,
	  HSS_F_SERVING, "serving SGSN realm" },
	{ "sgsn_ulr_time", NULL, HSS_FK_I64, SV(sgsn_ulr_time), 0, INT64_MAX, NULL, HSS_F_SERVING,
	  "unix time of the last ULR from the SGSN" },
	{ "sgsn_purged", NULL, HSS_FK_BOOL, SV(sgsn_purged), 0, 1, NULL, HSS_F_SERVING,
	  "UE purged in SGSN" },
	{ "ulr_flags", NULL, HSS_FK_U32, SV(ulr_flags), 0, UINT32_MAX, NULL, HSS_F_SERVING,
	  "ULR-Flags of the last ULR" },
	{ "nor_flags", NULL, HSS_FK_U32, SV(nor_flags), 0, UINT32_MAX, NULL, HSS_F_SERVING,
	  "NOR-Flags of the last NOR" },
	{ "ue_srvcc_support", NULL, HSS_FK_I32, SV(ue_srvcc_support), -1, 1, NULL, HSS_F_SERVING,
	  "UE SRVCC capability: -1 unknown, 0 no, 1 yes" },
	{ "homogeneous_ims_voice", NULL, HSS_FK_I32, SV(homogeneous_ims_voice), -1, 1, NULL,
	  HSS_F_SERVING, "homogeneous support of IMS voice over PS: -1 unknown, 0 no, 1 yes" },
	{ "last_rat_type", NULL, HSS_FK_I32, SV(last_rat_type), -1, INT32_MAX, NULL, HSS_F_SERVING,
	  "RAT-Type of the last ULR; -1 unknown" },
	{ "visited_plmn", NULL, HSS_FK_PLMN, SV(visited_plmn), 0, 6, NULL, HSS_F_SERVING,
	  "Visited-PLMN-Id of the last ULR (MCCMNC)" },
	{ NULL, NULL, 0, 0, 0, 0, 0, NULL, 0, NULL },
};

#define AF(m) offsetof(struct hss_apn, m), sizeof(((struct hss_apn *)0)->m)

/* The columns of an APN configuration (names = column names of every backend). */
const struct hss_fdesc hss_apn_fdescs[] = {
	{ "ctx_id", NULL, HSS_FK_U32, AF(ctx_id), 0, UINT32_MAX, NULL, 0, "Context-Identifier" },
	{ "apn", NULL, HSS_FK_STR, AF(apn), 0, HSS_DB_APN_LEN - 1, NULL, 0, "Service-Selection" },
	{ "pdn_type", NULL, HSS_FK_U32, AF(pdn_type), 0, UINT32_MAX, NULL, 0, "PDN-Type" },
	{ "qci", NULL, HSS_FK_U32, AF(qci), 0, UINT32_MAX, NULL, 0, "QoS-Class-Identifier" },
	{ "arp_prio", NULL, HSS_FK_U32, AF(arp_prio), 0, UINT32_MAX, NULL, 0, "Priority-Level" },
	{ "preempt_cap", NULL, HSS_FK_BOOL, AF(preempt_cap), 0, 1, NULL, 0, "may pre-empt" },
	{ "preempt_vuln", NULL, HSS_FK_BOOL, AF(preempt_vuln), 0, 1, NULL, 0, "may be pre-empted" },
	{ "ambr_ul", NULL, HSS_FK_U32, AF(ambr_ul), 0, UINT32_MAX, NULL, 0, "APN-AMBR uplink" },
	{ "ambr_dl", NULL, HSS_FK_U32, AF(ambr_dl), 0, UINT32_MAX, NULL, 0, "APN-AMBR downlink" },
	{ "static_ipv4", NULL, HSS_FK_STR, AF(static_ipv4), 0, 15, NULL, 0, "static IPv4 address" },
	{ "static_ipv6", NULL, HSS_FK_STR, AF(static_ipv6), 0, 45, NULL, 0, "static IPv6 address" },
	{ "pgw_alloc", NULL, HSS_FK_U32, AF(pgw_alloc), 0, UINT32_MAX, NULL, 0,
	  "PDN-GW-Allocation-Type" },
	{ "vplmn_dyn", NULL, HSS_FK_BOOL, AF(vplmn_dyn), 0, 1, NULL, 0,
	  "VPLMN-Dynamic-Address-Allowed" },
	{ "pgw_host", NULL, HSS_FK_STR, AF(pgw_host), 0, HSS_DB_HOST_LEN - 1, NULL, 0,
	  "PDN GW host" },
	{ "pgw_realm", NULL, HSS_FK_STR, AF(pgw_realm), 0, HSS_DB_HOST_LEN - 1, NULL, 0,
	  "PDN GW realm" },
	{ NULL, NULL, 0, 0, 0, 0, 0, NULL, 0, NULL },
};

static struct hss_field_info field_infos[sizeof(hss_fdescs) / sizeof(hss_fdescs[0]) + 2];

static void seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Names compare case-insensitively and with '-' equal to '_' (CLI options use dashes). */
static bool name_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		int ca = *a == '-' ? '_' : tolower((unsigned char)*a);
		int cb = *b == '-' ? '_' : tolower((unsigned char)*b);
		if (ca != cb)
			return false;
	}
	return *a == *b;
}

const struct hss_fdesc *hss_fdesc_find(const char *name)
{
	const struct hss_fdesc *f;

	for (f = hss_fdescs; f->name; f++)
		if (name_eq(name, f->name) || (f->alias && name_eq(name, f->alias)))
			return f;
	return NULL;
}

static pthread_once_t field_infos_once = PTHREAD_ONCE_INIT;

static void field_infos_build(void)
{
	{
		size_t i = 0;
		const struct hss_fdesc *f;

		for (f = hss_fdescs; f->name; f++) {
			if (!strcmp(f->name, "op_is_opc"))
				continue;
			field_infos[i].name = f->name;
			field_infos[i].help = f->help;
			field_infos[i].serving = f->flags & HSS_F_SERVING;
			switch (f->kind) {
			case HSS_FK_U32: case HSS_FK_U64: case HSS_FK_I32: case HSS_FK_I64:
				field_infos[i].type = 'n';
				break;
			case HSS_FK_BOOL:
				field_infos[i].type = 'b';
				break;
			case HSS_FK_PLMNS:
				field_infos[i].type = 'l';
				break;
			case HSS_FK_APNS:
				field_infos[i].type = 'a';
				break;
			default:
				field_infos[i].type = 's';
			}
			i++;
			if (!strcmp(f->name, "op")) {
				field_infos[i].name = "opc";
				field_infos[i].help = "operator key OPc, 32 hex digits (instead of op)";
				field_infos[i].type = 's';
				i++;
			}
		}
		field_infos[i].name = NULL;
	}
}

const struct hss_field_info *hss_sub_fields(void)
{
	pthread_once(&field_infos_once, field_infos_build);
	return field_infos;
}

void hss_apn_init(struct hss_apn *apn)
{
	memset(apn, 0, sizeof(*apn));
	apn->pdn_type = HSS_PDN_IPV4V6;
	apn->qci = 9;
	apn->arp_prio = 8;
	apn->preempt_cap = false;
	apn->preempt_vuln = true;
	apn->pgw_alloc = HSS_PGW_DYNAMIC;
}

/* The defaults over a zeroed subscriber (hss_sub_init, hss_sub_reset). */
static void sub_defaults(struct hss_sub *sub)
{
	sub->amf[0] = 0x80;
	sub->ind_bits = 5;
	sub->subscriber_status = HSS_SUB_SERVICE_GRANTED;
	sub->network_access_mode = HSS_NAM_ONLY_PACKET;
	sub->roaming_allowed = true;
	sub->serving.ue_srvcc_support = -1;
	sub->serving.homogeneous_ims_voice = -1;
	sub->serving.last_rat_type = -1;
}

void hss_sub_init(struct hss_sub *sub)
{
	memset(sub, 0, sizeof(*sub));
	sub_defaults(sub);
}

void hss_sub_reset(struct hss_sub *sub)
{
	/* everything but the APN table (~22 kB): only its first n_apns entries count */
	memset(sub, 0, offsetof(struct hss_sub, apns));
	sub->n_apns = 0;
	memset(&sub->serving, 0, sizeof(sub->serving));
	sub_defaults(sub);
}

void hss_sub_copy(struct hss_sub *dst, const struct hss_sub *src)
{
	memcpy(dst, src, offsetof(struct hss_sub, apns));
	memcpy(dst->apns, src->apns, sizeof(src->apns[0]) * src->n_apns);
	dst->n_apns = src->n_apns;
	dst->serving = src->serving;
}

void hss_sub_wipe(struct hss_sub *sub)
{
	if (!sub)
		return;
	explicit_bzero(sub->k, sizeof(sub->k));
	explicit_bzero(sub->op, sizeof(sub->op));
}

/* ---- single-value checks ------------------------------------------------------------ */

static int check_digits(const char *field, const char *s, size_t min, size_t max, char *err,
                        size_t errlen)
{
	size_t n = strlen(s), i;

	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			break;
	if (i < n || n < min || n > max) {
		if (min == max)
			seterr(err, errlen, "field '%s': value '%s': must be %zu digits", field, s, min);
		else if (min == 0)
			seterr(err, errlen, "field '%s': value '%s': must be empty or up to %zu digits",
			       field, s, max);
		else
			seterr(err, errlen, "field '%s': value '%s': must be %zu to %zu digits", field, s,
			       min, max);
		return EINVAL;
	}
	return 0;
}

int hss_valid_imsi(const char *imsi, char *err, size_t errlen)
{
	if (!imsi) {
		seterr(err, errlen, "field 'imsi': missing");
		return EINVAL;
	}
	return check_digits("imsi", imsi, 5, 15, err, errlen);
}

int hss_valid_msisdn(const char *field, const char *msisdn, char *err, size_t errlen)
{
	return check_digits(field ? field : "msisdn", msisdn ? msisdn : "", 0, 15, err, errlen);
}

int hss_valid_plmn(const char *field, const char *p, char *err, size_t errlen)
{
	size_t n = strlen(p), i;

	for (i = 0; i < n && isdigit((unsigned char)p[i]); i++)
		;
	if (i < n || (n != 5 && n != 6)) {
		seterr(err, errlen, "field '%s': value '%s': a PLMN is MCC+MNC, 5 or 6 digits", field,
		       p);
		return EINVAL;
	}
	return 0;
}

/* TS 23.003 9.1: labels of letters, digits and hyphens, at most 63 each, separated by
 * dots, 100 octets at most when encoded; "*" is the wildcard APN of TS 29.272. */
int hss_valid_apn_name(const char *apn, char *err, size_t errlen)
{
	size_t n = strlen(apn), lab = 0, i;
	const char *why = NULL;

	if (!strcmp(apn, "*"))
		return 0;
	if (n == 0)
		why = "empty";
	else if (n + 1 > HSS_DB_APN_LEN - 1)
		why = "longer than 100 octets when encoded";
	for (i = 0; !why && i <= n; i++) {
		char c = apn[i];
		if (c == '.' || c == '\0') {
			if (lab == 0)
				why = "empty label";
			else if (lab > 63)
				why = "label longer than 63 characters";
			else if (apn[i - 1] == '-')
				why = "label ends with '-'";
			lab = 0;
		} else if (isalnum((unsigned char)c) || c == '-') {
			if (lab == 0 && c == '-')
				why = "label starts with '-'";
			lab++;
		} else {
			why = "only letters, digits, '-' and '.' are allowed";
		}
	}
	if (!why && n >= 5 && !strcasecmp(apn + n - 5, ".gprs"))
		why = "must not end in '.gprs' (that is the Operator Identifier)";
	if (why) {
		seterr(err, errlen, "field 'apn': value '%s': %s", apn, why);
		return EINVAL;
	}
	return 0;
}

/* DiameterIdentity / realm. RFC 6733 wants an FQDN, but what arrives from peers is stored
 * as given, so only what would break storage, display or the APN spec syntax is refused:
 * control characters, blanks, non-ASCII and ",;=". Empty means absent. */
int hss_check_host(const char *field, const char *s, char *err, size_t errlen)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || strchr(",;=", *p)) {
			seterr(err, errlen, "field '%s': value '%.80s': invalid character 0x%02x in a host "
			       "name", field, s, *p);
			return EINVAL;
		}
	return 0;
}

#define check_host hss_check_host

static int check_hexstr(const char *field, const char *s, size_t ndig, char *err, size_t errlen)
{
	size_t n = strlen(s), i;

	if (n == 0)
		return 0;
	for (i = 0; i < n && isxdigit((unsigned char)s[i]); i++)
		;
	if (i < n || n != ndig) {
		seterr(err, errlen, "field '%s': value '%s': must be %zu hex digits", field, s, ndig);
		return EINVAL;
	}
	return 0;
}

/* ---- text parsing ------------------------------------------------------------------- */

static int parse_i64(const char *field, const char *s, int64_t min, int64_t max, int64_t *ret,
                     char *err, size_t errlen)
{
	char *end;
	long long v;

	while (isspace((unsigned char)*s))
		s++;
	errno = 0;
	if (!strncasecmp(s, "0x", 2))
		v = (long long)strtoull(s + 2, &end, 16);
	else
		v = strtoll(s, &end, 10);
	while (end && isspace((unsigned char)*end))
		end++;
	if (!*s || errno || *end || (!strncasecmp(s, "0x", 2) && end == s + 2)) {
		seterr(err, errlen, "field '%s': value '%s': not a number", field, s);
		return EINVAL;
	}
	if (v < min || v > max) {
		seterr(err, errlen, "field '%s': value '%s': out of range %" PRId64 "..%" PRId64, field, s,
		       min, max);
		return EINVAL;
	}
	*ret = v;
	return 0;
}

static int parse_u64(const char *field, const char *s, uint64_t max, uint64_t *ret, char *err,
                     size_t errlen)
{
	char *end;
	unsigned long long v;

	while (isspace((unsigned char)*s))
		s++;
	errno = 0;
	if (*s == '-' || !*s) {
		seterr(err, errlen, "field '%s': value '%s': not an unsigned number", field, s);
		return EINVAL;
	}
	if (!strncasecmp(s, "0x", 2))
		v = strtoull(s + 2, &end, 16);
	else
		v = strtoull(s, &end, 10);
	while (isspace((unsigned char)*end))
		end++;
	if (errno || *end || (!strncasecmp(s, "0x", 2) && end == s + 2)) {
		seterr(err, errlen, "field '%s': value '%s': not an unsigned number", field, s);
		return EINVAL;
	}
	if (v > max) {
		seterr(err, errlen, "field '%s': value '%s': out of range 0..%" PRIu64, field, s, max);
		return EINVAL;
	}
	*ret = v;
	return 0;
}

static int parse_bool(const char *field, const char *s, bool *ret, char *err, size_t errlen)
{
	static const char *const t[] = { "1", "true", "yes", "on", "allow", "allowed", "enabled", NULL };
	static const char *const f[] = { "0", "false", "no", "off", "deny", "denied", "disabled", NULL };
	size_t i;

	for (i = 0; t[i]; i++)
		if (!strcasecmp(s, t[i])) {
			*ret = true;
			return 0;
		}
	for (i = 0; f[i]; i++)
		if (!strcasecmp(s, f[i])) {
			*ret = false;
			return 0;
		}
	seterr(err, errlen, "field '%s': value '%s': not a boolean (true/false, yes/no, 1/0, "
	       "allow/deny)", field, s);
	return EINVAL;
}

static int parse_enum(const char *field, const char *s, const char *const *names, size_t n,
                      uint32_t *ret, char *err, size_t errlen)
{
	size_t i;
	uint64_t v;

	for (i = 0; i < n; i++)
		if (names[i] && name_eq(s, names[i])) {
			*ret = (uint32_t)i;
			return 0;
		}
	if (parse_u64(field, s, UINT32_MAX, &v, NULL, 0) == 0 && v < n && names[v]) {
		*ret = (uint32_t)v;
		return 0;
	}
	seterr(err, errlen, "field '%s': value '%s': expected one of", field, s);
	for (i = 0; i < n; i++)
		if (names[i] && err && strlen(err) + strlen(names[i]) + 8 < errlen)
			snprintf(err + strlen(err), errlen - strlen(err), " %s(%zu)", names[i], i);
	return EINVAL;
}

int hss_hex_decode(const char *s, uint8_t *out, size_t n)
{
	size_t i;

	if (strlen(s) != 2 * n)
		return EINVAL;
	for (i = 0; i < 2 * n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return EINVAL;
	for (i = 0; i < n; i++) {
		char b[3] = { s[2 * i], s[2 * i + 1], 0 };
		out[i] = (uint8_t)strtoul(b, NULL, 16);
	}
	return 0;
}

static int parse_hex(const char *field, const char *s, uint8_t *out, size_t n, char *err,
                     size_t errlen)
{
	size_t i, len = strlen(s);

	if (len != 2 * n)
		goto bad;
	for (i = 0; i < 2 * n; i++)
		if (!isxdigit((unsigned char)s[i]))
			goto bad;
	for (i = 0; i < n; i++) {
		char b[3] = { s[2 * i], s[2 * i + 1], 0 };
		out[i] = (uint8_t)strtoul(b, NULL, 16);
	}
	return 0;
bad:
	/* k and op/opc are not echoed: a mistyped key is still (nearly) the secret key */
	if (!strcmp(field, "k") || !strcmp(field, "op") || !strcmp(field, "opc"))
		seterr(err, errlen, "field '%s': %zu characters: must be exactly %zu hex digits",
		       field, len, 2 * n);
	else
		seterr(err, errlen, "field '%s': value '%s': must be exactly %zu hex digits", field,
		       s, 2 * n);
	return EINVAL;
}

void hss_hex_encode(const uint8_t *in, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = d[in[i] >> 4];
		out[2 * i + 1] = d[in[i] & 15];
	}
	out[2 * n] = 0;
}

static int copy_str(const char *field, const char *s, char *dst, size_t size, char *err,
                    size_t errlen)
{
	if (strlen(s) >= size) {
		seterr(err, errlen, "field '%s': value '%.40s...': longer than %zu characters", field, s,
		       size - 1);
		return EINVAL;
	}
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

int hss_plmns_parse(struct hss_sub *sub, const char *text, char *err, size_t errlen)
{
	char buf[1024], *tok, *save = NULL;
	size_t n = 0;
	char list[HSS_DB_MAX_PLMNS][7];
	int rc;

	if (strlen(text) >= sizeof(buf)) {
		seterr(err, errlen, "field 'roaming_plmns': value too long");
		return EINVAL;
	}
	strcpy(buf, text);
	for (tok = strtok_r(buf, ",; \t", &save); tok; tok = strtok_r(NULL, ",; \t", &save)) {
		if ((rc = hss_valid_plmn("roaming_plmns", tok, err, errlen)))
			return rc;
		if (n == HSS_DB_MAX_PLMNS) {
			seterr(err, errlen, "field 'roaming_plmns': more than %d PLMNs", HSS_DB_MAX_PLMNS);
			return EINVAL;
		}
		strcpy(list[n++], tok);
	}
	memcpy(sub->roaming_plmns, list, sizeof(list[0]) * n);
	sub->n_roaming_plmns = n;
	return 0;
}

void hss_plmns_format(const struct hss_sub *sub, char *buf, size_t bufsz)
{
	size_t i, o = 0;

	if (bufsz)
		buf[0] = 0;
	for (i = 0; i < sub->n_roaming_plmns && o < bufsz; i++)
		o += (size_t)snprintf(buf + o, bufsz - o, "%s%s", i ? "," : "", sub->roaming_plmns[i]);
}

/* ---- APNs -------------------------------------------------------------------------- */

static const char *const pdn_names[] = { "ipv4", "ipv6", "ipv4v6", "ipv4_or_ipv6", NULL };
static const char *const alloc_names[] = { "static", "dynamic", NULL };

static int apn_set(struct hss_apn *apn, const char *key, const char *v, char *err, size_t errlen)
{
	uint64_t u;
	int rc = 0;
	char f[64];

	snprintf(f, sizeof(f), "apn.%s", key);
	if (name_eq(key, "apn") || name_eq(key, "name") || name_eq(key, "service_selection")) {
		if (!(rc = hss_valid_apn_name(v, err, errlen)))
			rc = copy_str(f, v, apn->apn, sizeof(apn->apn), err, errlen);
	} else if (name_eq(key, "ctx") || name_eq(key, "ctx_id") || name_eq(key, "context_id")) {
		if (!(rc = parse_u64(f, v, UINT32_MAX, &u, err, errlen)))
			apn->ctx_id = (uint32_t)u;
	} else if (name_eq(key, "qci")) {
		if (!(rc = parse_u64(f, v, UINT32_MAX, &u, err, errlen)))
			apn->qci = (uint32_t)u;
	} else if (name_eq(key, "arp") || name_eq(key, "arp_prio") || name_eq(key, "priority")) {
		if (!(rc = parse_u64(f, v, UINT32_MAX, &u, err, errlen)))
			apn->arp_prio = (uint32_t)u;
	} else if (name_eq(key, "pdn") || name_eq(key, "pdn_type")) {
		rc = parse_enum(f, v, pdn_names, 4, &apn->pdn_type, err, errlen);
	} else if (name_eq(key, "ambr_ul")) {
		if (!(rc = parse_u64(f, v, UINT32_MAX, &u, err, errlen)))
			apn->ambr_ul = (uint32_t)u;
	} else if (name_eq(key, "ambr_dl")) {
		if (!(rc = parse_u64(f, v, UINT32_MAX, &u, err, errlen)))
			apn->ambr_dl = (uint32_t)u;
	} else if (name_eq(key, "preempt_cap") || name_eq(key, "pci")) {
		rc = parse_bool(f, v, &apn->preempt_cap, err, errlen);
	} else if (name_eq(key, "preempt_vuln") || name_eq(key, "pvi")) {
		rc = parse_bool(f, v, &apn->preempt_vuln, err, errlen);
	} else if (name_eq(key, "static_ip")) {
		if (strchr(v, ':'))
			rc = copy_str(f, v, apn->static_ipv6, sizeof(apn->static_ipv6), err, errlen);
		else
			rc = copy_str(f, v, apn->static_ipv4, sizeof(apn->static_ipv4), err, errlen);
	} else if (name_eq(key, "static_ipv4")) {
		rc = copy_str(f, v, apn->static_ipv4, sizeof(apn->static_ipv4), err, errlen);
	} else if (name_eq(key, "static_ipv6")) {
		rc = copy_str(f, v, apn->static_ipv6, sizeof(apn->static_ipv6), err, errlen);
	} else if (name_eq(key, "pgw_alloc")) {
		rc = parse_enum(f, v, alloc_names, 2, &apn->pgw_alloc, err, errlen);
	} else if (name_eq(key, "vplmn_dyn")) {
		rc = parse_bool(f, v, &apn->vplmn_dyn, err, errlen);
	} else if (name_eq(key, "pgw_host")) {
		if (!(rc = check_host(f, v, err, errlen)))
			rc = copy_str(f, v, apn->pgw_host, sizeof(apn->pgw_host), err, errlen);
	} else if (name_eq(key, "pgw_realm")) {
		if (!(rc = check_host(f, v, err, errlen)))
			rc = copy_str(f, v, apn->pgw_realm, sizeof(apn->pgw_realm), err, errlen);
	} else {
		seterr(err, errlen, "APN key '%s' unknown (ctx qci arp pdn ambr_ul ambr_dl preempt_cap "
		       "preempt_vuln static_ip static_ipv4 static_ipv6 pgw_alloc vplmn_dyn pgw_host "
		       "pgw_realm)", key);
		rc = EINVAL;
	}
	return rc;
}

int hss_apn_parse(const char *spec, struct hss_apn *apn, char *err, size_t errlen)
{
	char buf[2048], *tok, *save = NULL;
	struct hss_apn a;
	bool first = true;
	int rc;

	if (strlen(spec) >= sizeof(buf)) {
		seterr(err, errlen, "field 'apn': spec too long");
		return EINVAL;
	}
	strcpy(buf, spec);
	hss_apn_init(&a);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		while (isspace((unsigned char)*tok))
			tok++;
		if (first && !eq) {
			if ((rc = apn_set(&a, "apn", tok, err, errlen)))
				return rc;
		} else if (!eq) {
			seterr(err, errlen, "field 'apn': '%s' in '%s' is not key=value", tok, spec);
			return EINVAL;
		} else {
			*eq = 0;
			if ((rc = apn_set(&a, tok, eq + 1, err, errlen)))
				return rc;
		}
		first = false;
	}
	if (!a.apn[0]) {
		seterr(err, errlen, "field 'apn': spec '%s' has no APN name", spec);
		return EINVAL;
	}
	*apn = a;
	return 0;
}

int hss_apn_format(const struct hss_apn *a, char *buf, size_t bufsz)
{
	int n = snprintf(buf, bufsz, "%s,ctx=%" PRIu32 ",pdn=%s,qci=%" PRIu32 ",arp=%" PRIu32
	                 ",preempt_cap=%d,preempt_vuln=%d,ambr_ul=%" PRIu32 ",ambr_dl=%" PRIu32
	                 ",pgw_alloc=%s,vplmn_dyn=%d%s%s%s%s%s%s%s%s",
	                 a->apn, a->ctx_id, a->pdn_type < 4 ? pdn_names[a->pdn_type] : "?", a->qci,
	                 a->arp_prio, a->preempt_cap, a->preempt_vuln, a->ambr_ul, a->ambr_dl,
	                 a->pgw_alloc < 2 ? alloc_names[a->pgw_alloc] : "?", a->vplmn_dyn,
	                 a->static_ipv4[0] ? ",static_ipv4=" : "", a->static_ipv4,
	                 a->static_ipv6[0] ? ",static_ipv6=" : "", a->static_ipv6,
	                 a->pgw_host[0] ? ",pgw_host=" : "", a->pgw_host,
	                 a->pgw_realm[0] ? ",pgw_realm=" : "", a->pgw_realm);
	return n < 0 || (size_t)n >= bufsz ? ENOSPC : 0;
}

/* Append APN specs separated by ';'; a missing ctx gets the next free id. */
static int apns_add(struct hss_sub *sub, const char *text, char *err, size_t errlen)
{
	char *buf = strdup(text), *tok, *save = NULL;
	int rc = 0;

	if (!buf)
		return ENOMEM;
	for (tok = strtok_r(buf, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
		struct hss_apn a;
		size_t i;

		while (isspace((unsigned char)*tok))
			tok++;
		if (!*tok)
			continue;
		if ((rc = hss_apn_parse(tok, &a, err, errlen)))
			break;
		if (sub->n_apns == HSS_DB_MAX_APNS) {
			seterr(err, errlen, "field 'apns': more than %d APNs", HSS_DB_MAX_APNS);
			rc = EINVAL;
			break;
		}
		if (a.ctx_id == 0) {
			uint32_t max = 0;
			for (i = 0; i < sub->n_apns; i++)
				if (sub->apns[i].ctx_id > max)
					max = sub->apns[i].ctx_id;
			a.ctx_id = max + 1;
		}
		sub->apns[sub->n_apns++] = a;
	}
	free(buf);
	return rc;
}

/* ---- field set / get --------------------------------------------------------------- */

bool hss_sub_field_known(const char *field)
{
	return field && (name_eq(field, "op") || name_eq(field, "opc") || name_eq(field, "apn") ||
	                 hss_fdesc_find(field));
}

int hss_sub_set(struct hss_sub *sub, const char *field, const char *value, char *err,
                size_t errlen)
{
	const struct hss_fdesc *f;
	char *p;
	int64_t i64;
	uint64_t u64;
	int rc = 0;

	if (!field || !value) {
		seterr(err, errlen, "missing field name or value");
		return EINVAL;
	}
	if (name_eq(field, "opc") || name_eq(field, "op")) {
		if ((rc = parse_hex(name_eq(field, "opc") ? "opc" : "op", value, sub->op, 16, err,
		                    errlen)))
			return rc;
		sub->opc = name_eq(field, "opc");
		return 0;
	}
	if (name_eq(field, "apn"))
		return apns_add(sub, value, err, errlen);
	if (!(f = hss_fdesc_find(field))) {
		seterr(err, errlen, "unknown field '%s'", field);
		return EINVAL;
	}
	p = (char *)sub + f->off;
	switch (f->kind) {
	case HSS_FK_DIGITS:
		if (!(rc = check_digits(f->name, value, (size_t)f->min, (size_t)f->max, err, errlen)))
			rc = copy_str(f->name, value, p, f->size, err, errlen);
		break;
	case HSS_FK_STR:
		if (!(rc = check_host(f->name, value, err, errlen)))
			rc = copy_str(f->name, value, p, f->size, err, errlen);
		break;
	case HSS_FK_HEX:
		rc = parse_hex(f->name, value, (uint8_t *)p, f->size, err, errlen);
		break;
	case HSS_FK_HEXSTR:
		if (!(rc = check_hexstr(f->name, value, (size_t)f->max, err, errlen)))
			rc = copy_str(f->name, value, p, f->size, err, errlen);
		break;
	case HSS_FK_U32:
		if (!(rc = parse_u64(f->name, value, (uint64_t)f->max, &u64, err, errlen))) {
			if ((int64_t)u64 < f->min) {
				seterr(err, errlen, "field '%s': value '%s': below %" PRId64, f->name, value,
				       f->min);
				return EINVAL;
			}
			*(uint32_t *)p = (uint32_t)u64;
		}
		break;
	case HSS_FK_U64:
		if (!(rc = parse_u64(f->name, value, (uint64_t)f->max, &u64, err, errlen)))
			*(uint64_t *)p = u64;
		break;
	case HSS_FK_I32:
		if (!(rc = parse_i64(f->name, value, f->min, f->max, &i64, err, errlen)))
			*(int32_t *)p = (int32_t)i64;
		break;
	case HSS_FK_I64:
		if (!(rc = parse_i64(f->name, value, f->min, f->max, &i64, err, errlen)))
			*(int64_t *)p = i64;
		break;
	case HSS_FK_BOOL:
		rc = parse_bool(f->name, value, (bool *)p, err, errlen);
		break;
	case HSS_FK_ENUM:
		rc = parse_enum(f->name, value, f->names,
		                f->names == status_names ? status_n : nam_n, (uint32_t *)p, err, errlen);
		break;
	case HSS_FK_PLMN:
		if (!*value || !(rc = hss_valid_plmn(f->name, value, err, errlen)))
			rc = copy_str(f->name, value, p, f->size, err, errlen);
		break;
	case HSS_FK_PLMNS:
		rc = hss_plmns_parse(sub, value, err, errlen);
		break;
	case HSS_FK_APNS: {
		struct hss_sub tmp;
		tmp.n_apns = 0;
		if ((rc = apns_add(&tmp, value, err, errlen)))
			break;
		memcpy(sub->apns, tmp.apns, sizeof(tmp.apns[0]) * tmp.n_apns);
		sub->n_apns = tmp.n_apns;
		break;
	}
	}
	return rc;
}

int hss_sub_get(const struct hss_sub *sub, const char *field, char *buf, size_t bufsz)
{
	const struct hss_fdesc *f;
	const char *p;
	int n = 0;
	size_t i, o;

	if (!bufsz)
		return ENOSPC;
	if (name_eq(field, "opc") || name_eq(field, "op")) {
		if (bufsz < 33)
			return ENOSPC;
		if (sub->opc != name_eq(field, "opc"))
			buf[0] = 0;
		else
			hss_hex_encode(sub->op, 16, buf);
		return 0;
	}
	if (!(f = hss_fdesc_find(field)))
		return EINVAL;
	p = (const char *)sub + f->off;
	switch (f->kind) {
	case HSS_FK_DIGITS:
	case HSS_FK_STR:
	case HSS_FK_HEXSTR:
	case HSS_FK_PLMN:
		n = snprintf(buf, bufsz, "%s", p);
		break;
	case HSS_FK_HEX:
		if (bufsz < 2 * f->size + 1)
			return ENOSPC;
		hss_hex_encode((const uint8_t *)p, f->size, buf);
		break;
	case HSS_FK_U32:
		n = snprintf(buf, bufsz, "%" PRIu32, *(const uint32_t *)p);
		break;
	case HSS_FK_U64:
		n = snprintf(buf, bufsz, "%" PRIu64, *(const uint64_t *)p);
		break;
	case HSS_FK_I32:
		n = snprintf(buf, bufsz, "%" PRId32, *(const int32_t *)p);
		break;
	case HSS_FK_I64:
		n = snprintf(buf, bufsz, "%" PRId64, *(const int64_t *)p);
		break;
	case HSS_FK_BOOL:
		n = snprintf(buf, bufsz, "%s", *(const bool *)p ? "true" : "false");
		break;
	case HSS_FK_ENUM: {
		uint32_t v = *(const uint32_t *)p;
		size_t cnt = f->names == status_names ? status_n : nam_n;
		if (v < cnt && f->names[v])
			n = snprintf(buf, bufsz, "%s", f->names[v]);
		else
			n = snprintf(buf, bufsz, "%" PRIu32, v);
		break;
	}
	case HSS_FK_PLMNS:
		hss_plmns_format(sub, buf, bufsz);
		n = (int)strlen(buf);
		break;
	case HSS_FK_APNS:
		buf[0] = 0;
		for (i = 0, o = 0; i < sub->n_apns; i++) {
			if (i) {
				if (o + 2 >= bufsz)
					return ENOSPC;
				buf[o++] = ';';
				buf[o] = 0;
			}
			if (hss_apn_format(&sub->apns[i], buf + o, bufsz - o))
				return ENOSPC;
			o += strlen(buf + o);
		}
		n = (int)o;
		break;
	}
	return n < 0 || (size_t)n >= bufsz ? ENOSPC : 0;
}

/* ---- whole-subscriber validation ---------------------------------------------------- */

static int validate_apn(const struct hss_apn *a, size_t idx, char *err, size_t errlen)
{
	struct in_addr a4;
	struct in6_addr a6;
	char pfx[160];
	int rc;

	if (!memchr(a->apn, 0, sizeof(a->apn)) || (rc = hss_valid_apn_name(a->apn, err, errlen))) {
		if (!memchr(a->apn, 0, sizeof(a->apn)))
			seterr(err, errlen, "field 'apn': APN #%zu: name not terminated", idx + 1);
		return EINVAL;
	}
	snprintf(pfx, sizeof(pfx), "APN '%s'", a->apn);
	if (a->ctx_id == 0) {
		seterr(err, errlen, "%s: field 'ctx': value '0': context id must be >= 1", pfx);
		return EINVAL;
	}
	if (a->pdn_type > HSS_PDN_IPV4_OR_IPV6) {
		seterr(err, errlen, "%s: field 'pdn': value '%" PRIu32 "': must be 0..3", pfx, a->pdn_type);
		return EINVAL;
	}
	if (a->qci < 1 || a->qci > 254) {
		seterr(err, errlen, "%s: field 'qci': value '%" PRIu32 "': must be 1..254", pfx, a->qci);
		return EINVAL;
	}
	if (a->arp_prio < 1 || a->arp_prio > 15) {
		seterr(err, errlen, "%s: field 'arp': value '%" PRIu32 "': must be 1..15", pfx,
		       a->arp_prio);
		return EINVAL;
	}
	if (a->pgw_alloc > HSS_PGW_DYNAMIC) {
		seterr(err, errlen, "%s: field 'pgw_alloc': value '%" PRIu32 "': must be static(0) or "
		       "dynamic(1)", pfx, a->pgw_alloc);
		return EINVAL;
	}
	if (!memchr(a->static_ipv4, 0, sizeof(a->static_ipv4)) ||
	    (a->static_ipv4[0] && inet_pton(AF_INET, a->static_ipv4, &a4) != 1)) {
		seterr(err, errlen, "%s: field 'static_ipv4': value '%.15s': not an IPv4 address", pfx,
		       a->static_ipv4);
		return EINVAL;
	}
	if (!memchr(a->static_ipv6, 0, sizeof(a->static_ipv6)) ||
	    (a->static_ipv6[0] && inet_pton(AF_INET6, a->static_ipv6, &a6) != 1)) {
		seterr(err, errlen, "%s: field 'static_ipv6': value '%.45s': not an IPv6 address", pfx,
		       a->static_ipv6);
		return EINVAL;
	}
	if (!memchr(a->pgw_host, 0, sizeof(a->pgw_host)) || !memchr(a->pgw_realm, 0,
	                                                            sizeof(a->pgw_realm))) {
		seterr(err, errlen, "%s: PDN GW host/realm not terminated", pfx);
		return EINVAL;
	}
	if ((rc = check_host("pgw_host", a->pgw_host, err, errlen)) ||
	    (rc = check_host("pgw_realm", a->pgw_realm, err, errlen)))
		return rc;
	return 0;
}

int hss_sub_validate(const struct hss_sub *sub, char *err, size_t errlen)
{
	const struct hss_fdesc *f;
	size_t i, j;
	int rc;

	if (!sub) {
		seterr(err, errlen, "no subscriber");
		return EINVAL;
	}
	for (f = hss_fdescs; f->name; f++) {
		const char *p = (const char *)sub + f->off;
		int64_t v = 0;
		bool num = false;

		switch (f->kind) {
		case HSS_FK_DIGITS:
		case HSS_FK_STR:
		case HSS_FK_HEXSTR:
		case HSS_FK_PLMN:
			if (!memchr(p, 0, f->size)) {
				seterr(err, errlen, "field '%s': value not terminated", f->name);
				return EINVAL;
			}
			if (f->kind == HSS_FK_DIGITS)
				rc = check_digits(f->name, p, (size_t)f->min, (size_t)f->max, err, errlen);
			else if (f->kind == HSS_FK_STR)
				rc = check_host(f->name, p, err, errlen);
			else if (f->kind == HSS_FK_HEXSTR)
				rc = check_hexstr(f->name, p, (size_t)f->max, err, errlen);
			else
				rc = *p ? hss_valid_plmn(f->name, p, err, errlen) : 0;
			if (rc)
				return rc;
			break;
		case HSS_FK_U32:
			v = *(const uint32_t *)p;
			num = true;
			break;
		case HSS_FK_U64:
			if (*(const uint64_t *)p > (uint64_t)f->max) {
				seterr(err, errlen, "field '%s': value '%" PRIu64 "': out of range 0..%" PRId64,
				       f->name, *(const uint64_t *)p, f->max);
				return EINVAL;
			}
			break;
		case HSS_FK_I32:
			v = *(const int32_t *)p;
			num = true;
			break;
		case HSS_FK_I64:
			v = *(const int64_t *)p;
			num = true;
			break;
		case HSS_FK_ENUM: {
			uint32_t e = *(const uint32_t *)p;
			size_t cnt = f->names == status_names ? status_n : nam_n;
			if (e >= cnt || !f->names[e]) {
				seterr(err, errlen, "field '%s': value '%" PRIu32 "': not a valid value", f->name,
				       e);
				return EINVAL;
			}
			break;
		}
		case HSS_FK_PLMNS:
			if (sub->n_roaming_plmns > HSS_DB_MAX_PLMNS) {
				seterr(err, errlen, "field 'roaming_plmns': more than %d PLMNs", HSS_DB_MAX_PLMNS);
				return EINVAL;
			}
			for (i = 0; i < sub->n_roaming_plmns; i++) {
				if (!memchr(sub->roaming_plmns[i], 0, 7)) {
					seterr(err, errlen, "field 'roaming_plmns': PLMN #%zu not terminated", i + 1);
					return EINVAL;
				}
				if ((rc = hss_valid_plmn("roaming_plmns", sub->roaming_plmns[i], err, errlen)))
					return rc;
			}
			break;
		case HSS_FK_HEX:
		case HSS_FK_BOOL:
		case HSS_FK_APNS:
			break;
		}
		if (num && (v < f->min || v > f->max)) {
			seterr(err, errlen, "field '%s': value '%" PRId64 "': out of range %" PRId64 "..%"
			       PRId64, f->name, v, f->min, f->max);
			return EINVAL;
		}
	}
	if (sub->n_apns > HSS_DB_MAX_APNS) {
		seterr(err, errlen, "field 'apns': more than %d APNs", HSS_DB_MAX_APNS);
		return EINVAL;
	}
	for (i = 0; i < sub->n_apns; i++) {
		if ((rc = validate_apn(&sub->apns[i], i, err, errlen)))
			return rc;
		for (j = 0; j < i; j++) {
			if (sub->apns[j].ctx_id == sub->apns[i].ctx_id) {
				seterr(err, errlen, "field 'apns': context id %" PRIu32 " used by both '%s' and "
				       "'%s'", sub->apns[i].ctx_id, sub->apns[j].apn, sub->apns[i].apn);
				return EINVAL;
			}
			if (!strcasecmp(sub->apns[j].apn, sub->apns[i].apn)) {
				seterr(err, errlen, "field 'apns': APN '%s' configured twice", sub->apns[i].apn);
				return EINVAL;
			}
		}
	}
	if (sub->default_ctx_id) {
		for (i = 0; i < sub->n_apns; i++)
			if (sub->apns[i].ctx_id == sub->default_ctx_id)
				break;
		if (i == sub->n_apns) {
			seterr(err, errlen, "field 'default_ctx_id': value '%" PRIu32 "': no APN has this "
			       "context id", sub->default_ctx_id);
			return EINVAL;
		}
	}
	return 0;
}

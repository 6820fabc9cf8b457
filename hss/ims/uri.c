/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * uri.c: syntax of the identities and names the IMS model holds: private identities (NAI,
 * TS 23.003 13.3), public identities (SIP URI RFC 3261 19.1, tel URI RFC 3966, wildcarded
 * identities of TS 23.003 clause 13 with POSIX extended regular expressions between '!'),
 * Diameter URIs (RFC 6733 4.3.1), text XML can carry; identity comparison and wildcard
 * matching.
 */
#include "ims_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------------------- UTF-8 text */

int ims_text_ok(const char *s, size_t max, char *why, size_t whylen)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);

	if (len > max) {
		ims_err(why, whylen, "longer than %zu octets", max);
		return EINVAL;
	}
	while (*p) {
		unsigned c = *p, n, cp;

		if (c < 0x80) {
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
				ims_err(why, whylen, "control character 0x%02x", c);
				return EINVAL;
			}
			p++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			ims_err(why, whylen, "not UTF-8 (octet 0x%02x)", c);
			return EINVAL;
		}
		for (unsigned i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80) {
				ims_err(why, whylen, "not UTF-8 (truncated sequence)");
				return EINVAL;
			}
			cp = cp << 6 | (p[i] & 0x3f);
		}
		/* Overlong forms, surrogates, beyond U+10FFFF, and the two non-characters XML
		 * excludes. */
		if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff) {
			ims_err(why, whylen, "not UTF-8 XML text (code point U+%04X)", cp);
			return EINVAL;
		}
		p += n + 1;
	}
	return 0;
}

/* --------------------------------------------------------------------------- host names */

static bool is_unreserved(int c)
{
	return isalnum(c) || strchr("-_.!~*'()", c);
}

/* Hostname (labels of letters, digits and '-', not starting or ending with '-'), IPv4, or
 * "[IPv6]". s..e is the host. */
static bool host_ok(const char *s, const char *e)
{
	char buf[256];
	size_t len = (size_t)(e - s);
	const char *label = s;

	if (!len || len >= sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (buf[0] == '[') {
		struct in6_addr a6;
		if (buf[len - 1] != ']')
			return false;
		buf[len - 1] = '\0';
		return inet_pton(AF_INET6, buf + 1, &a6) == 1;
	}
	if (strspn(buf, "0123456789.") == len) {
		struct in_addr a4;
		return inet_pton(AF_INET, buf, &a4) == 1;
	}
	for (const char *p = s; p <= e; p++) {
		if (p == e || *p == '.') {
			size_t l = (size_t)(p - label);
			if (l == 0)
				return p == e && p > s && p[-1] == '.' && p - 1 > s; /* trailing dot */
			if (l > 63 || label[0] == '-' || p[-1] == '-')
				return false;
			label = p + 1;
			continue;
		}
		if (!isalnum((unsigned char)*p) && *p != '-')
			return false;
	}
	return true;
}

static bool port_ok(const char *s, const char *e)
{
	unsigned long v = 0;

	if (s == e || e - s > 5)
		return false;
	for (; s < e; s++) {
		if (!isdigit((unsigned char)*s))
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	return v <= 65535;
}

/* Characters of URI parameters and headers: unreserved, %HH, and the marks RFC 3261 /
 * RFC 3966 allow there. */
static bool params_ok(const char *p, const char *extra)
{
	for (; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '%') {
			if (!isxdigit((unsigned char)p[1]) || !isxdigit((unsigned char)p[2]))
				return false;
			p += 2;
			continue;
		}
		if (!is_unreserved(c) && !strchr(extra, c))
			return false;
	}
	return true;
}

/* ------------------------------------------------------------------------------ SIP URI */

int hss_ims_check_sip_uri(const char *uri, char *why, size_t whylen)
{
	const char *p, *at, *host, *end;
	size_t skip;

	if (!strncasecmp(uri, "sip:", 4))
		skip = 4;
	else if (!strncasecmp(uri, "sips:", 5))
		skip = 5;
	else {
		ims_err(why, whylen, "not a SIP URI (sip: or sips:)");
		return EINVAL;
	}
	p = uri + skip;
	at = strchr(p, '@');
	if (at) {
		if (at == p) {
			ims_err(why, whylen, "empty user part");
			return EINVAL;
		}
		for (const char *q = p; q < at; q++) {
			unsigned char c = (unsigned char)*q;
			if (c == '%' && isxdigit((unsigned char)q[1]) && isxdigit((unsigned char)q[2])) {
				q += 2;
				continue;
			}
			if (!is_unreserved(c) && !strchr("&=+$,;?/:", c)) {
				ims_err(why, whylen, "character '%c' not allowed in the user part", c);
				return EINVAL;
			}
		}
		host = at + 1;
	} else {
		host = p;
	}
	if (*host == '[') {
		end = strchr(host, ']');
		end = end ? end + 1 : host + strlen(host);
	} else {
		end = host + strcspn(host, ":;?");
	}
	if (!host_ok(host, end)) {
		ims_err(why, whylen, "no valid host");
		return EINVAL;
	}
	if (*end == ':') {
		const char *pe = end + 1 + strcspn(end + 1, ";?");
		if (!port_ok(end + 1, pe)) {
			ims_err(why, whylen, "bad port");
			return EINVAL;
		}
		end = pe;
	}
	if (*end && (*end != ';' && *end != '?')) {
		ims_err(why, whylen, "unexpected '%c' after the host", *end);
		return EINVAL;
	}
	if (!params_ok(end, ";?=&[]/:+$@")) {
		ims_err(why, whylen, "bad character in the parameters");
		return EINVAL;
	}
	return 0;
}

/* ------------------------------------------------------------------------------ tel URI */

static int check_tel_uri(const char *uri, char *why, size_t whylen)
{
	const char *p = uri + 4, *params;
	size_t digits = 0;
	bool global = *p == '+';

	params = p + strcspn(p, ";");
	for (const char *q = global ? p + 1 : p; q < params; q++) {
		if (isdigit((unsigned char)*q) || (!global && (isxdigit((unsigned char)*q) ||
		                                               *q == '*' || *q == '#')))
			digits++;
		else if (!strchr("-.()", *q)) {
			ims_err(why, whylen, "character '%c' not allowed in a telephone number", *q);
			return EINVAL;
		}
	}
	if (!digits) {
		ims_err(why, whylen, "no digits in the telephone number");
		return EINVAL;
	}
	if (!global && !strcasestr(params, ";phone-context=")) {
		ims_err(why, whylen, "a local number needs ;phone-context= (RFC 3966 5.1.5)");
		return EINVAL;
	}
	if (!params_ok(params, ";=[]/:&+$")) {
		ims_err(why, whylen, "bad character in the parameters");
		return EINVAL;
	}
	return 0;
}

/* ------------------------------------------------------------------------ public identity */

/* Replace each !regex! of a wildcarded identity by "x" into out, checking that every
 * regex compiles. */
static int unwildcard(const char *uri, char *out, size_t outsz, unsigned *n_wild, char *why,
                      size_t whylen)
{
	size_t o = 0;
	const char *p = uri;
	/* A stand-in the rest of the syntax check accepts where the wildcard stands. */
	char stand_in = strncasecmp(uri, "tel:", 4) ? 'x' : '0';

	*n_wild = 0;
	while (*p) {
		if (*p == '!') {
			const char *e = strchr(p + 1, '!');
			char re[HSS_IMS_URI_MAX + 1];
			regex_t rx;
			size_t l;

			if (!e) {
				ims_err(why, whylen, "unbalanced '!' around a wildcard");
				return EINVAL;
			}
			l = (size_t)(e - p - 1);
			if (!l || l >= sizeof(re)) {
				ims_err(why, whylen, "empty wildcard between '!'");
				return EINVAL;
			}
			memcpy(re, p + 1, l);
			re[l] = '\0';
			if (regcomp(&rx, re, REG_EXTENDED | REG_NOSUB)) {
				ims_err(why, whylen, "wildcard '%s' is not an extended regular expression", re);
				return EINVAL;
			}
			regfree(&rx);
			(*n_wild)++;
			if (o + 1 >= outsz)
				return EINVAL;
			out[o++] = stand_in;
			p = e + 1;
			continue;
		}
		if (o + 1 >= outsz)
			return EINVAL;
		out[o++] = *p++;
	}
	out[o] = '\0';
	return 0;
}

int hss_ims_check_impu(const char *uri, bool wildcarded, char *why, size_t whylen)
{
	char plain[HSS_IMS_URI_MAX + 1];
	unsigned n_wild = 0;
	int rc;

	if (!uri || !*uri) {
		ims_err(why, whylen, "empty");
		return EINVAL;
	}
	if (strlen(uri) > HSS_IMS_URI_MAX) {
		ims_err(why, whylen, "longer than %d octets", HSS_IMS_URI_MAX);
		return EINVAL;
	}
	if (wildcarded) {
		if ((rc = unwildcard(uri, plain, sizeof(plain), &n_wild, why, whylen)))
			return rc;
		if (!n_wild) {
			ims_err(why, whylen, "a wildcarded identity needs a !regex! part");
			return EINVAL;
		}
		uri = plain;
	}
	if (!strncasecmp(uri, "tel:", 4))
		return check_tel_uri(uri, why, whylen);
	if (!strncasecmp(uri, "sip:", 4) || !strncasecmp(uri, "sips:", 5))
		return hss_ims_check_sip_uri(uri, why, whylen);
	ims_err(why, whylen, "not a sip:, sips: or tel: URI");
	return EINVAL;
}

/* ----------------------------------------------------------------------- private identity */

int hss_ims_check_impi(const char *nai, char *why, size_t whylen)
{
	const char *at;

	if (!nai || !*nai) {
		ims_err(why, whylen, "empty");
		return EINVAL;
	}
	if (strlen(nai) > HSS_IMS_URI_MAX) {
		ims_err(why, whylen, "longer than %d octets", HSS_IMS_URI_MAX);
		return EINVAL;
	}
	at = strrchr(nai, '@');
	if (!at || at == nai) {
		ims_err(why, whylen, "not a NAI user@realm (TS 23.003 13.3)");
		return EINVAL;
	}
	for (const char *p = nai; p < at; p++) {
		unsigned char c = (unsigned char)*p;
		if (c <= ' ' || c >= 0x7f || strchr("\"(),:;<>[]\\@", c)) {
			ims_err(why, whylen, "character '%c' not allowed in the user part of a NAI",
			        c > ' ' && c < 0x7f ? c : '?');
			return EINVAL;
		}
	}
	if (!host_ok(at + 1, at + 1 + strlen(at + 1)) || at[1] == '[') {
		ims_err(why, whylen, "realm is not a domain name");
		return EINVAL;
	}
	return 0;
}

/* ---------------------------------------------------------------------------- Diameter URI */

int hss_ims_check_diameter_uri(const char *uri, char *why, size_t whylen)
{
	const char *host, *end;

	if (!strncasecmp(uri, "aaa://", 6))
		host = uri + 6;
	else if (!strncasecmp(uri, "aaas://", 7))
		host = uri + 7;
	else {
		ims_err(why, whylen, "not a Diameter URI (aaa:// or aaas://, RFC 6733 4.3.1)");
		return EINVAL;
	}
	if (strlen(uri) > HSS_IMS_URI_MAX) {
		ims_err(why, whylen, "longer than %d octets", HSS_IMS_URI_MAX);
		return EINVAL;
	}
	if (*host == '[') {
		end = strchr(host, ']');
		end = end ? end + 1 : host + strlen(host);
	} else {
		end = host + strcspn(host, ":;");
	}
	if (!host_ok(host, end)) {
		ims_err(why, whylen, "no valid host");
		return EINVAL;
	}
	if (*end == ':') {
		const char *pe = end + 1 + strcspn(end + 1, ";");
		if (!port_ok(end + 1, pe)) {
			ims_err(why, whylen, "bad port");
			return EINVAL;
		}
		end = pe;
	}
	if (!params_ok(end, ";=+")) {
		ims_err(why, whylen, "bad character in the parameters");
		return EINVAL;
	}
	return 0;
}

/* ------------------------------------------------------------------------------ matching */

/* Comparable form: lower-case scheme; SIP: lower-case host; tel: number without visual
 * separators, lower-case parameters. */
static void norm(const char *s, char *out, size_t outsz)
{
	size_t o = 0;

	if (!strncasecmp(s, "tel:", 4)) {
		const char *params = s + 4 + strcspn(s + 4, ";");
		memcpy(out, "tel:", 4);
		o = 4;
		for (const char *p = s + 4; *p && o + 1 < outsz; p++) {
			if (p < params && strchr("-.()", *p))
				continue;
			out[o++] = (char)tolower((unsigned char)*p);
		}
		out[o] = '\0';
		return;
	}
	{
		const char *colon = strchr(s, ':');
		const char *host = colon ? colon + 1 : s, *at, *hend;
		at = strchr(host, '@');
		if (at)
			host = at + 1;
		hend = host + strcspn(host, ":;?");
		for (const char *p = s; *p && o + 1 < outsz; p++) {
			bool lower = (colon && p <= colon) || (p >= host && p < hend);
			out[o++] = lower ? (char)tolower((unsigned char)*p) : *p;
		}
		out[o] = '\0';
	}
}

int hss_ims_identity_norm(const char *identity, char *out, size_t outsz)
{
	if (!identity || !outsz || strlen(identity) >= outsz)
		return EINVAL;
	norm(identity, out, outsz);
	return 0;
}

int hss_ims_impi_norm(const char *nai, char *out, size_t outsz)
{
	const char *at = nai ? strrchr(nai, '@') : NULL;
	size_t n = nai ? strlen(nai) : 0;

	if (!nai || !outsz || n >= outsz)
		return EINVAL;
	for (size_t i = 0; i <= n; i++)
		out[i] = at && nai + i > at ? (char)tolower((unsigned char)nai[i]) : nai[i];
	return 0;
}

bool hss_ims_identity_eq(const char *a, const char *b)
{
	char na[HSS_IMS_URI_MAX + 1], nb[HSS_IMS_URI_MAX + 1];

	if (!a || !b)
		return false;
	if (!strcmp(a, b))
		return true;
	if (strlen(a) > HSS_IMS_URI_MAX || strlen(b) > HSS_IMS_URI_MAX)
		return false;
	norm(a, na, sizeof(na));
	norm(b, nb, sizeof(nb));
	return !strcmp(na, nb);
}

int hss_ims_wildcard_match(const char *pattern, const char *identity)
{
	/* Literal parts escaped, wildcards as groups, anchored at both ends. */
	size_t cap = 2 * strlen(pattern) + 16, o = 0;
	char *re = malloc(cap);
	regex_t rx;
	int rc;

	if (!re)
		return -ENOMEM;
	re[o++] = '^';
	for (const char *p = pattern; *p;) {
		if (*p == '!') {
			const char *e = strchr(p + 1, '!');
			if (!e) {
				free(re);
				return -EINVAL;
			}
			re[o++] = '(';
			memcpy(re + o, p + 1, (size_t)(e - p - 1));
			o += (size_t)(e - p - 1);
			re[o++] = ')';
			p = e + 1;
			continue;
		}
		if (strchr(".[]{}()\\*+?^$|", *p))
			re[o++] = '\\';
		re[o++] = *p++;
	}
	re[o++] = '$';
	re[o] = '\0';
	rc = regcomp(&rx, re, REG_EXTENDED | REG_NOSUB);
	free(re);
	if (rc)
		return -EINVAL;
	rc = regexec(&rx, identity, 0, NULL, 0) == 0;
	regfree(&rx);
	return rc;
}

/* ---------------------------------------------------------------------------- auth names */

static const struct {
	uint32_t bit;
	const char *wire, *yaml;
} auth_names[] = {
	{ HSS_IMS_AUTH_AKAV1_MD5, "Digest-AKAv1-MD5", "digest-akav1-md5" },
	{ HSS_IMS_AUTH_AKAV2_SHA256, "Digest-AKAv2-SHA-256", "digest-akav2-sha-256" },
	{ HSS_IMS_AUTH_SIP_DIGEST, "SIP Digest", "sip-digest" },
	{ HSS_IMS_AUTH_NASS_BUNDLED, "NASS-Bundled", "nass-bundled" },
	{ HSS_IMS_AUTH_EARLY_IMS, "Early-IMS-Security", "early-ims-security" },
};

const char *hss_ims_auth_wire_name(uint32_t scheme)
{
	for (size_t i = 0; i < sizeof(auth_names) / sizeof(auth_names[0]); i++)
		if (auth_names[i].bit == scheme)
			return auth_names[i].wire;
	return NULL;
}

const char *hss_ims_auth_yaml_name(uint32_t scheme)
{
	for (size_t i = 0; i < sizeof(auth_names) / sizeof(auth_names[0]); i++)
		if (auth_names[i].bit == scheme)
			return auth_names[i].yaml;
	return NULL;
}

uint32_t hss_ims_auth_lookup(const char *name)
{
	for (size_t i = 0; name && i < sizeof(auth_names) / sizeof(auth_names[0]); i++)
		if (!strcasecmp(auth_names[i].wire, name) || !strcasecmp(auth_names[i].yaml, name))
			return auth_names[i].bit;
	return 0;
}

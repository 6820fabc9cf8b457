/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hide.c: `{enc}` pseudonyms for topology hiding. The pseudonym of a host is the
 * deterministic authenticated encryption (AES-SIV, RFC 5297, AES-256, nettle) of its name in
 * lower case under a key read from a file, in base32 (a-z 2-7: safe in a DNS label, and case
 * does not matter to Diameter identities), cut into labels of at most 63 characters and put
 * in the `pseudo` template. It needs no table: any DRA holding the key reverses it, after a
 * restart too, and a peer sending new names fills nothing. SIV's tag authenticates: a name a
 * peer made up does not decrypt, so unhide_host leaves it alone.
 *
 * The key file holds at least 32 octets in hex (`openssl rand -hex 32`); it must be a
 * regular file nobody but its owner can read or write. The SIV key is derived from it with
 * HKDF-SHA256, and the template is the associated data, so one key serves several templates
 * without their pseudonyms decrypting under each other.
 */
#include "xf_int.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <nettle/hkdf.h>
#include <nettle/hmac.h>
#include <nettle/siv-cmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define XF_LABEL_MAX 63
/* A host name must fit whatever the template, or the template is refused at load. */
#define XF_ENC_MIN_REAL 64
/* Key file: hex text of 32..128 octets, whitespace around. */
#define XF_KEY_MIN 32
#define XF_KEY_MAX 128
/* Format version, SIV's nonce: a later format can take another value. */
static const uint8_t xf_enc_nonce[1] = { 1 };

struct xf_hkey {
	char *tmpl;                 /* lower case, as the associated data */
	char *prefix, *suffix;      /* around {enc}, lower case */
	size_t plen, slen;
	size_t first_cap;           /* characters the first label has room for */
	size_t max_real;            /* longest host name that fits in 255 characters */
	struct siv_cmac_aes256_ctx siv;
};

static const char xf_b32[] = "abcdefghijklmnopqrstuvwxyz234567";

static size_t xf_b32_len(size_t n)
{
	return (n * 8 + 4) / 5;
}

static void xf_b32_encode(const uint8_t *in, size_t n, char *out)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[o++] = xf_b32[(acc >> bits) & 31];
		}
	}
	if (bits)
		out[o++] = xf_b32[(acc << (5 - bits)) & 31];
}

/* Strict: only the alphabet, a length an encoding can have, zero padding bits. Returns the
 * number of octets, or -1. */
static ssize_t xf_b32_decode(const char *in, size_t n, uint8_t *out, size_t outsz)
{
	uint32_t acc = 0;
	unsigned bits = 0;
	size_t o = 0;

	if ((n * 5) % 8 >= 5)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *p = in[i] ? strchr(xf_b32, in[i]) : NULL;

		if (!p)
			return -1;
		acc = (acc << 5) | (uint32_t)(p - xf_b32);
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (o == outsz)
				return -1;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	if (acc & ((1u << bits) - 1))
		return -1;
	return (ssize_t)o;
}

/* Characters the encoded part takes with the dots that cut it into labels. */
static size_t xf_enc_width(const struct xf_hkey *k, size_t n)
{
	if (n <= k->first_cap)
		return n;
	return n + (n - k->first_cap + XF_LABEL_MAX - 1) / XF_LABEL_MAX;
}

/* Write prefix, the encoded text cut into labels, suffix. */
static int xf_enc_render(const struct xf_hkey *k, const char *enc, size_t n, char *out,
                         size_t outsz)
{
	size_t o = 0, cap = k->first_cap;

	if (k->plen + xf_enc_width(k, n) + k->slen > XF_HOST_MAX - 1)
		return ENAMETOOLONG;
	if (k->plen + xf_enc_width(k, n) + k->slen + 1 > outsz)
		return ENOSPC;
	memcpy(out, k->prefix, k->plen);
	o = k->plen;
	while (n) {
		size_t take = n < cap ? n : cap;

		memcpy(out + o, enc, take);
		o += take;
		enc += take;
		n -= take;
		if (n)
			out[o++] = '.';
		cap = XF_LABEL_MAX;
	}
	memcpy(out + o, k->suffix, k->slen);
	o += k->slen;
	out[o] = '\0';
	return 0;
}

int xf_hkey_hide(const struct xf_hkey *k, const char *real, size_t len, char *out, size_t outsz)
{
	uint8_t plain[XF_HOST_MAX], ct[XF_HOST_MAX + SIV_DIGEST_SIZE];
	char enc[((XF_HOST_MAX + SIV_DIGEST_SIZE) * 8 + 4) / 5 + 1];
	char back[XF_HOST_MAX];
	size_t n;

	if (len >= XF_HOST_MAX || memchr(real, '\0', len))
		return EINVAL;
	/* Already one of ours (a message that comes round again): keep it. */
	if (xf_hkey_unhide(k, real, len, back, sizeof(back)) == 0) {
		if (len + 1 > outsz)
			return ENOSPC;
		for (size_t i = 0; i < len; i++)
			out[i] = (char)tolower((unsigned char)real[i]);
		out[len] = '\0';
		return 0;
	}
	if (len > k->max_real)
		return ENAMETOOLONG;
	for (size_t i = 0; i < len; i++)
		plain[i] = (uint8_t)tolower((unsigned char)real[i]);
	siv_cmac_aes256_encrypt_message(&k->siv, sizeof(xf_enc_nonce), xf_enc_nonce,
	                                strlen(k->tmpl), (const uint8_t *)k->tmpl,
	                                len + SIV_DIGEST_SIZE, ct, plain);
	n = xf_b32_len(len + SIV_DIGEST_SIZE);
	xf_b32_encode(ct, len + SIV_DIGEST_SIZE, enc);
	return xf_enc_render(k, enc, n, out, outsz);
}

int xf_hkey_unhide(const struct xf_hkey *k, const char *pseudo, size_t len, char *out,
                   size_t outsz)
{
	char low[XF_HOST_MAX], enc[XF_HOST_MAX], again[XF_HOST_MAX];
	uint8_t ct[XF_HOST_MAX], plain[XF_HOST_MAX];
	size_t n = 0;
	ssize_t clen;

	if (len >= XF_HOST_MAX || len < k->plen + k->slen + 1 || memchr(pseudo, '\0', len))
		return ENOENT;
	for (size_t i = 0; i < len; i++)
		low[i] = (char)tolower((unsigned char)pseudo[i]);
	low[len] = '\0';
	if (memcmp(low, k->prefix, k->plen) || memcmp(low + len - k->slen, k->suffix, k->slen))
		return ENOENT;
	for (size_t i = k->plen; i < len - k->slen; i++)
		if (low[i] != '.')
			enc[n++] = low[i];
	clen = xf_b32_decode(enc, n, ct, sizeof(ct));
	if (clen <= SIV_DIGEST_SIZE)
		return ENOENT;
	if (!siv_cmac_aes256_decrypt_message(&k->siv, sizeof(xf_enc_nonce), xf_enc_nonce,
	                                     strlen(k->tmpl), (const uint8_t *)k->tmpl,
	                                     (size_t)clen - SIV_DIGEST_SIZE, plain, ct))
		return ENOENT;
	/* Only the form hide_host writes: labels cut where it cuts them. */
	if (xf_enc_render(k, enc, n, again, sizeof(again)) || strcmp(again, low))
		return ENOENT;
	clen -= SIV_DIGEST_SIZE;
	if ((size_t)clen + 1 > outsz)
		return ENOSPC;
	memcpy(out, plain, (size_t)clen);
	out[clen] = '\0';
	explicit_bzero(plain, sizeof(plain));
	return 0;
}

void xf_hkey_free(struct xf_hkey *k)
{
	if (!k)
		return;
	free(k->tmpl);
	free(k->prefix);
	free(k->suffix);
	explicit_bzero(k, sizeof(*k));
	free(k);
}

/* The key file: its path relative to the rule file unless absolute. */
static int xf_key_read(const char *rules_file, const char *key_file, uint8_t *key, size_t *ret_len,
                       char *why, size_t whysz)
{
	char path[4096], text[2 * XF_KEY_MAX + 64];
	struct stat st;
	ssize_t n;
	size_t len = 0, i = 0;
	int fd, ret = 0;

	if (key_file[0] == '/' || !rules_file || !strchr(rules_file, '/')) {
		snprintf(path, sizeof(path), "%s", key_file);
	} else {
		char dir[4096];
		snprintf(dir, sizeof(dir), "%s", rules_file);
		snprintf(path, sizeof(path), "%s/%s", dirname(dir), key_file);
	}
	/* Symbolic links are followed (secret stores mount keys as links); the checks apply to
	 * the file opened. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		snprintf(why, whysz, "key_file '%s': %s", path, strerror(errno));
		return EINVAL;
	}
	if (fstat(fd, &st)) {
		snprintf(why, whysz, "key_file '%s': %s", path, strerror(errno));
		ret = EINVAL;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, whysz, "key_file '%s' is not a regular file", path);
		ret = EINVAL;
		goto out;
	}
	if (st.st_mode & 077) {
		snprintf(why, whysz, "key_file '%s' has mode %04o: group and others must have no "
		         "access to a key (chmod 600 it)", path, (unsigned)(st.st_mode & 07777));
		ret = EINVAL;
		goto out;
	}
	n = read(fd, text, sizeof(text) - 1);
	if (n < 0) {
		snprintf(why, whysz, "key_file '%s': %s", path, strerror(errno));
		ret = EINVAL;
		goto out;
	}
	text[n] = '\0';
	while (isspace((unsigned char)text[i]))
		i++;
	for (; isxdigit((unsigned char)text[i]) && isxdigit((unsigned char)text[i + 1])
	       && len < XF_KEY_MAX; i += 2)
		key[len++] = (uint8_t)((isdigit((unsigned char)text[i]) ? text[i] - '0'
		                        : (tolower((unsigned char)text[i]) - 'a' + 10)) << 4
		                       | (isdigit((unsigned char)text[i + 1]) ? text[i + 1] - '0'
		                          : (tolower((unsigned char)text[i + 1]) - 'a' + 10)));
	while (isspace((unsigned char)text[i]))
		i++;
	/* The reason never quotes the file: it is a key. */
	if (text[i] || len < XF_KEY_MIN || (size_t)n == sizeof(text) - 1) {
		snprintf(why, whysz, "key_file '%s' must hold %d to %d octets as hex digits (e.g. "
		         "made by: openssl rand -hex 32)", path, XF_KEY_MIN, XF_KEY_MAX);
		ret = EINVAL;
		goto out;
	}
	*ret_len = len;
out:
	explicit_bzero(text, sizeof(text));
	close(fd);
	return ret;
}

int xf_hkey_new(const char *rules_file, const char *key_file, const char *tmpl,
                struct xf_hkey **ret, char *why, size_t whysz)
{
	static const uint8_t salt[] = "dcore topology hiding";
	static const uint8_t info[] = "enc pseudonym v1 aes-siv-cmac-256";
	uint8_t key[XF_KEY_MAX], prk[SHA256_DIGEST_SIZE], okm[SIV_CMAC_AES256_KEY_SIZE];
	struct hmac_sha256_ctx h;
	struct xf_hkey *k = NULL;
	const char *at = strstr(tmpl, "{enc}"), *dot;
	size_t klen = 0, n, fixed;
	int rc;

	if (!at)
		return EINVAL;
	if ((rc = xf_key_read(rules_file, key_file, key, &klen, why, whysz)))
		goto out;
	if (!(k = calloc(1, sizeof(*k)))) {
		rc = ENOMEM;
		goto out;
	}
	k->plen = (size_t)(at - tmpl);
	k->slen = strlen(at + 5);
	if (!(k->tmpl = strdup(tmpl)) || !(k->prefix = strndup(tmpl, k->plen))
	    || !(k->suffix = strdup(at + 5))) {
		rc = ENOMEM;
		goto out;
	}
	for (char *c = k->tmpl; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	for (char *c = k->prefix; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	for (char *c = k->suffix; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	/* Room in the label {enc} starts in. */
	dot = memrchr(tmpl, '.', k->plen);
	n = dot ? (size_t)(at - dot - 1) : k->plen;
	if (n >= XF_LABEL_MAX - 8) {
		snprintf(why, whysz, "pseudo '%s': the label of {enc} has %zu characters before it "
		         "(at most %d)", tmpl, n, XF_LABEL_MAX - 9);
		rc = EINVAL;
		goto out;
	}
	k->first_cap = XF_LABEL_MAX - n;
	/* Longest host name: the most encoded characters that fit, then octets. */
	fixed = k->plen + k->slen;
	for (n = XF_HOST_MAX; n > 0 && fixed + xf_enc_width(k, n) > XF_HOST_MAX - 1; n--)
		;
	n = n * 5 / 8;
	k->max_real = n > SIV_DIGEST_SIZE ? n - SIV_DIGEST_SIZE : 0;
	if (k->max_real < XF_ENC_MIN_REAL) {
		snprintf(why, whysz, "pseudo '%s' leaves room for host names of %zu characters "
		         "(at least %d needed): shorten it", tmpl, k->max_real, XF_ENC_MIN_REAL);
		rc = EINVAL;
		goto out;
	}
	hmac_sha256_set_key(&h, sizeof(salt) - 1, salt);
	hkdf_extract(&h, (nettle_hash_update_func *)hmac_sha256_update,
	             (nettle_hash_digest_func *)hmac_sha256_digest, SHA256_DIGEST_SIZE, klen, key, prk);
	hmac_sha256_set_key(&h, sizeof(prk), prk);
	hkdf_expand(&h, (nettle_hash_update_func *)hmac_sha256_update,
	            (nettle_hash_digest_func *)hmac_sha256_digest, SHA256_DIGEST_SIZE,
	            sizeof(info) - 1, info, sizeof(okm), okm);
	siv_cmac_aes256_set_key(&k->siv, okm);
	*ret = k;
	k = NULL;
	rc = 0;
out:
	explicit_bzero(key, sizeof(key));
	explicit_bzero(prk, sizeof(prk));
	explicit_bzero(okm, sizeof(okm));
	explicit_bzero(&h, sizeof(h));
	xf_hkey_free(k);
	return rc;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * codec.c: the encoding of hss/imsdb's binary records (registration state, AKA
 * credentials, outbox, Sh): fields of (tag, length, octets). A reader skips tags it does
 * not know, so a later build can add fields; what the database returns is read as
 * untrusted input (every length checked).
 */
#include "imsdb_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void grow(struct ims_enc *e, size_t add)
{
	size_t cap;
	uint8_t *np;

	if (e->oom || e->n + add <= e->cap)
		return;
	cap = (e->cap ? e->cap * 2 : 256) + add;
	/* not realloc: the old buffer may hold key material, wipe it */
	if (!(np = malloc(cap))) {
		e->oom = true;
		return;
	}
	if (e->p) {
		memcpy(np, e->p, e->n);
		explicit_bzero(e->p, e->cap);
		free(e->p);
	}
	e->p = np;
	e->cap = cap;
}

void enc_bytes(struct ims_enc *e, uint8_t tag, const void *v, size_t len)
{
	if (len > UINT32_MAX) {
		e->oom = true;
		return;
	}
	grow(e, 5 + len);
	if (e->oom)
		return;
	e->p[e->n++] = tag;
	e->p[e->n++] = (uint8_t)(len >> 24);
	e->p[e->n++] = (uint8_t)(len >> 16);
	e->p[e->n++] = (uint8_t)(len >> 8);
	e->p[e->n++] = (uint8_t)len;
	if (len)
		memcpy(e->p + e->n, v, len);
	e->n += len;
}

void enc_str(struct ims_enc *e, uint8_t tag, const char *s)
{
	if (s)
		enc_bytes(e, tag, s, strlen(s));
}

void enc_u64(struct ims_enc *e, uint8_t tag, uint64_t v)
{
	uint8_t b[8];

	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (56 - 8 * i));
	enc_bytes(e, tag, b, 8);
}

void enc_free(struct ims_enc *e)
{
	if (e->p) {
		explicit_bzero(e->p, e->cap);
		free(e->p);
	}
	memset(e, 0, sizeof(*e));
}

int dec_next(struct ims_dec *d, uint8_t *tag, const uint8_t **v, size_t *len)
{
	size_t l;

	if (d->off == d->n)
		return 0;
	if (d->n - d->off < 5)
		return -1;
	l = (size_t)d->p[d->off + 1] << 24 | (size_t)d->p[d->off + 2] << 16 |
	    (size_t)d->p[d->off + 3] << 8 | d->p[d->off + 4];
	if (l > d->n - d->off - 5)
		return -1;
	*tag = d->p[d->off];
	*v = d->p + d->off + 5;
	*len = l;
	d->off += 5 + l;
	return 1;
}

char *dec_str(const uint8_t *v, size_t len)
{
	char *s;

	if (memchr(v, 0, len) || !(s = malloc(len + 1)))
		return NULL;
	memcpy(s, v, len);
	s[len] = '\0';
	return s;
}

bool dec_u64(const uint8_t *v, size_t len, uint64_t *ret)
{
	uint64_t x = 0;

	if (len != 8)
		return false;
	for (int i = 0; i < 8; i++)
		x = x << 8 | v[i];
	*ret = x;
	return true;
}

void imsdb_hex(const uint8_t *in, size_t n, char *out)
{
	static const char hx[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hx[in[i] >> 4];
		out[2 * i + 1] = hx[in[i] & 15];
	}
	out[2 * n] = '\0';
}

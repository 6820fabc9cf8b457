/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * state.c: the topology-hiding table of the {n} and {hash} templates, real host <-> pseudo
 * host ({enc} pseudonyms need none, see hide.c). It belongs to the DRA (not to a rule set)
 * so that reloading rules keeps the pseudonyms peers already know. Lookups of known hosts
 * take the read lock only; a new host takes the write lock once.
 *
 * The table is bounded: when it is full, a new host evicts one that was not used since the
 * clock hand last passed it (second chance), so a peer sending new names costs no memory
 * past the bound and never gets a host refused; an evicted host gets a new {n} when seen
 * again (its {hash} is the same), and its old pseudonym no longer unhides.
 *
 * Diameter identities compare case-insensitively, so the table keys on lower case.
 */
#include "xf_int.h"

#include <ctype.h>
#include <errno.h>
#include <nettle/hmac.h>
#include <nettle/sha2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct xf_hent {
	char *real;        /* lower case */
	char *pseudo;      /* lower case */
	char *tmpl;        /* template and secret that made it: a real host has one pseudonym */
	uint8_t *secret;   /* per (template, secret) */
	size_t secret_len;
	atomic_bool used;  /* looked up since the clock hand passed (set under the read lock) */
	struct xf_hent *next_r, *next_p;
};

struct xf_state {
	pthread_rwlock_t lock;
	struct xf_hent **by_real, **by_pseudo;
	size_t nb;         /* buckets, power of two */
	size_t n;
	size_t max;
	struct xf_hent **slots;   /* every entry, for the clock; grows up to max */
	size_t nslots, slots_cap;
	size_t hand;
	uint64_t evicted;
	uint64_t seq;      /* last {n} given */
};

static uint64_t xf_fnv(const char *a, const char *b)
{
	uint64_t h = 1469598103934665603ull;
	for (; a && *a; a++)
		h = (h ^ (unsigned char)*a) * 1099511628211ull;
	h = (h ^ 0xff) * 1099511628211ull;
	for (; b && *b; b++)
		h = (h ^ (unsigned char)*b) * 1099511628211ull;
	return h;
}

int xf_state_new(struct xf_state **ret)
{
	return xf_state_new_max(XF_STATE_DEFAULT_MAX, ret);
}

int xf_state_new_max(size_t max, struct xf_state **ret)
{
	struct xf_state *st;

	if (max == 0)
		return EINVAL;
	if (!(st = calloc(1, sizeof(*st))))
		return ENOMEM;
	st->max = max;
	st->nb = 64;
	st->by_real = calloc(st->nb, sizeof(*st->by_real));
	st->by_pseudo = calloc(st->nb, sizeof(*st->by_pseudo));
	if (!st->by_real || !st->by_pseudo || pthread_rwlock_init(&st->lock, NULL)) {
		free(st->by_real);
		free(st->by_pseudo);
		free(st);
		return ENOMEM;
	}
	*ret = st;
	return 0;
}

static void xf_hent_free(struct xf_hent *e)
{
	if (!e)
		return;
	free(e->real);
	free(e->pseudo);
	free(e->tmpl);
	free(e->secret);
	free(e);
}

void xf_state_free(struct xf_state *st)
{
	if (!st)
		return;
	for (size_t i = 0; i < st->nslots; i++)
		xf_hent_free(st->slots[i]);
	free(st->slots);
	free(st->by_real);
	free(st->by_pseudo);
	pthread_rwlock_destroy(&st->lock);
	free(st);
}

size_t xf_state_count(struct xf_state *st)
{
	size_t n;

	if (!st)
		return 0;
	pthread_rwlock_rdlock(&st->lock);
	n = st->n;
	pthread_rwlock_unlock(&st->lock);
	return n;
}

uint64_t xf_state_evicted(struct xf_state *st)
{
	uint64_t n;

	if (!st)
		return 0;
	pthread_rwlock_rdlock(&st->lock);
	n = st->evicted;
	pthread_rwlock_unlock(&st->lock);
	return n;
}

static int xf_lower(const char *s, size_t len, char *out, size_t outsz)
{
	if (len + 1 > outsz || memchr(s, '\0', len))
		return EINVAL;
	for (size_t i = 0; i < len; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[len] = '\0';
	return 0;
}

static struct xf_hent *xf_find_real(struct xf_state *st, const char *tmpl, const uint8_t *secret,
                                     size_t secret_len, const char *real)
{
	struct xf_hent *e = st->by_real[xf_fnv(tmpl, real) & (st->nb - 1)];
	for (; e; e = e->next_r)
		if (!strcmp(e->real, real) && !strcmp(e->tmpl, tmpl) && e->secret_len == secret_len
		    && (!secret_len || !memcmp(e->secret, secret, secret_len))) {
			atomic_store_explicit(&e->used, true, memory_order_relaxed);
			return e;
		}
	return NULL;
}

static struct xf_hent *xf_find_pseudo(struct xf_state *st, const char *pseudo)
{
	struct xf_hent *e = st->by_pseudo[xf_fnv(NULL, pseudo) & (st->nb - 1)];
	for (; e; e = e->next_p)
		if (!strcmp(e->pseudo, pseudo)) {
			atomic_store_explicit(&e->used, true, memory_order_relaxed);
			return e;
		}
	return NULL;
}

static int xf_copy_out(const char *s, char *out, size_t outsz)
{
	size_t l = strlen(s);
	if (l + 1 > outsz)
		return ENOSPC;
	memcpy(out, s, l + 1);
	return 0;
}

/* Double the buckets when the load passes 1 (write lock held). Failure is harmless. */
static void xf_grow(struct xf_state *st)
{
	size_t nb = st->nb * 2;
	struct xf_hent **br = calloc(nb, sizeof(*br)), **bp = calloc(nb, sizeof(*bp));

	if (!br || !bp) {
		free(br);
		free(bp);
		return;
	}
	for (size_t i = 0; i < st->nb; i++) {
		struct xf_hent *e, *nx;
		for (e = st->by_real[i]; e; e = nx) {
			size_t b = xf_fnv(e->tmpl, e->real) & (nb - 1);
			nx = e->next_r;
			e->next_r = br[b];
			br[b] = e;
		}
		for (e = st->by_pseudo[i]; e; e = nx) {
			size_t b = xf_fnv(NULL, e->pseudo) & (nb - 1);
			nx = e->next_p;
			e->next_p = bp[b];
			bp[b] = e;
		}
	}
	free(st->by_real);
	free(st->by_pseudo);
	st->by_real = br;
	st->by_pseudo = bp;
	st->nb = nb;
}

/* Unlink e from the bucket chain `head` of the real-name or the pseudonym index. */
static void xf_unlink(struct xf_hent **head, struct xf_hent *e, bool by_real)
{
	for (struct xf_hent **pp = head; *pp; pp = by_real ? &(*pp)->next_r : &(*pp)->next_p)
		if (*pp == e) {
			*pp = by_real ? e->next_r : e->next_p;
			return;
		}
}

/* The table is full (write lock held): free the slot of the first entry not used since the
 * hand last passed; return its index. */
static size_t xf_evict(struct xf_state *st)
{
	struct xf_hent *e;
	size_t i;

	for (;;) {
		e = st->slots[st->hand];
		if (!atomic_exchange_explicit(&e->used, false, memory_order_relaxed))
			break;
		st->hand = (st->hand + 1) % st->nslots;
	}
	i = st->hand;
	st->hand = (st->hand + 1) % st->nslots;
	xf_unlink(&st->by_real[xf_fnv(e->tmpl, e->real) & (st->nb - 1)], e, true);
	xf_unlink(&st->by_pseudo[xf_fnv(NULL, e->pseudo) & (st->nb - 1)], e, false);
	xf_hent_free(e);
	st->slots[i] = NULL;
	st->n--;
	st->evicted++;
	return i;
}

/* A slot for a new entry (write lock held): the next unused one below max, else the slot of
 * an evicted entry. Slots fill in order and are never emptied but by eviction. */
static int xf_slot(struct xf_state *st, size_t *ret)
{
	if (st->nslots == st->max) {
		*ret = xf_evict(st);
		return 0;
	}
	if (st->nslots == st->slots_cap) {
		size_t cap = st->slots_cap ? st->slots_cap * 2 : 64;
		struct xf_hent **s;

		if (cap > st->max)
			cap = st->max;
		if (!(s = realloc(st->slots, cap * sizeof(*s))))
			return ENOMEM;
		st->slots = s;
		st->slots_cap = cap;
	}
	*ret = st->nslots;
	return 0;
}

/* Render tmpl: {n} -> seq, {hash} -> 16 hex digits of HMAC-SHA256(secret, real || attempt). */
static int xf_render(const char *tmpl, uint64_t seq, const uint8_t *secret, size_t secret_len,
                     const char *real, unsigned attempt, char *out, size_t outsz)
{
	size_t o = 0;

	for (const char *p = tmpl; *p;) {
		char piece[40];
		size_t pl;

		if (!strncmp(p, "{n}", 3)) {
			pl = (size_t)snprintf(piece, sizeof(piece), "%llu", (unsigned long long)seq);
			p += 3;
		} else if (!strncmp(p, "{hash}", 6)) {
			struct hmac_sha256_ctx h;
			uint8_t d[SHA256_DIGEST_SIZE];
			uint8_t a = (uint8_t)attempt;

			hmac_sha256_set_key(&h, secret_len, secret ? secret : (const uint8_t *)"");
			hmac_sha256_update(&h, strlen(real), (const uint8_t *)real);
			if (attempt)
				hmac_sha256_update(&h, 1, &a);
			hmac_sha256_digest(&h, sizeof(d), d);
			for (pl = 0; pl < 16; pl++)
				piece[pl] = "0123456789abcdef"[(d[pl / 2] >> (pl % 2 ? 0 : 4)) & 0xf];
			p += 6;
		} else {
			piece[0] = (char)tolower((unsigned char)*p);
			pl = 1;
			p++;
		}
		if (o + pl + 1 > outsz)
			return ENOSPC;
		memcpy(out + o, piece, pl);
		o += pl;
	}
	out[o] = '\0';
	return 0;
}

int xf_state_hide(struct xf_state *st, const char *tmpl, const uint8_t *secret, size_t secret_len,
                  const char *real, size_t len, char *out, size_t outsz)
{
	char key[XF_HOST_MAX], pseudo[XF_HOST_MAX];
	struct xf_hent *e;
	size_t slot = 0;
	int ret = 0;

	if (xf_lower(real, len, key, sizeof(key)))
		return EINVAL;
	if (outsz == 0)
		return ENOSPC;
	out[0] = '\0';
	pthread_rwlock_rdlock(&st->lock);
	e = xf_find_real(st, tmpl, secret, secret_len, key);
	if (e)
		ret = xf_copy_out(e->pseudo, out, outsz);
	else if (xf_find_pseudo(st, key))
		ret = xf_copy_out(key, out, outsz);   /* already a pseudonym: keep it */
	pthread_rwlock_unlock(&st->lock);
	if (e || ret || out[0])
		return ret;

	pthread_rwlock_wrlock(&st->lock);
	e = xf_find_real(st, tmpl, secret, secret_len, key);
	if (e) {
		ret = xf_copy_out(e->pseudo, out, outsz);
		goto out;
	}
	if (xf_find_pseudo(st, key)) {
		ret = xf_copy_out(key, out, outsz);
		goto out;
	}
	/* A {hash} can collide (or a {n} meet a name made by another template): try again with
	 * the next attempt / number. */
	for (unsigned attempt = 0;; attempt++) {
		if (attempt == 16) {
			ret = EEXIST;
			goto out;
		}
		ret = xf_render(tmpl, st->seq + 1, secret, secret_len, key, attempt, pseudo,
		                sizeof(pseudo));
		if (ret)
			goto out;
		st->seq++;
		if (!xf_find_pseudo(st, pseudo))
			break;
	}
	e = calloc(1, sizeof(*e));
	if (!e || !(e->real = strdup(key)) || !(e->pseudo = strdup(pseudo))
	    || !(e->tmpl = strdup(tmpl))
	    || (secret_len && !(e->secret = malloc(secret_len)))) {
		xf_hent_free(e);
		ret = ENOMEM;
		goto out;
	}
	if (secret_len)
		memcpy(e->secret, secret, secret_len);
	e->secret_len = secret_len;
	if ((ret = xf_slot(st, &slot))) {
		xf_hent_free(e);
		goto out;
	}
	st->slots[slot] = e;
	if (slot == st->nslots)
		st->nslots++;
	if (st->n >= st->nb)
		xf_grow(st);
	{
		size_t br = xf_fnv(tmpl, key) & (st->nb - 1), bp = xf_fnv(NULL, pseudo) & (st->nb - 1);
		e->next_r = st->by_real[br];
		st->by_real[br] = e;
		e->next_p = st->by_pseudo[bp];
		st->by_pseudo[bp] = e;
	}
	st->n++;
	ret = xf_copy_out(pseudo, out, outsz);
out:
	pthread_rwlock_unlock(&st->lock);
	return ret;
}

int xf_state_unhide(struct xf_state *st, const char *pseudo, size_t len, char *out, size_t outsz)
{
	char key[XF_HOST_MAX];
	struct xf_hent *e;
	int ret;

	if (xf_lower(pseudo, len, key, sizeof(key)))
		return ENOENT;
	pthread_rwlock_rdlock(&st->lock);
	e = xf_find_pseudo(st, key);
	ret = e ? xf_copy_out(e->real, out, outsz) : ENOENT;
	pthread_rwlock_unlock(&st->lock);
	return ret;
}

int xf_state_lookup_real(struct xf_state *st, const char *pseudo, char *out, size_t outsz)
{
	if (!st || !pseudo || !out)
		return EINVAL;
	return xf_state_unhide(st, pseudo, strlen(pseudo), out, outsz);
}

int xf_state_lookup_pseudo(struct xf_state *st, const char *real, char *out, size_t outsz)
{
	char key[XF_HOST_MAX];
	int ret = ENOENT;

	if (!st || !real || !out)
		return EINVAL;
	if (xf_lower(real, strlen(real), key, sizeof(key)))
		return ENOENT;
	pthread_rwlock_rdlock(&st->lock);
	/* Any template: the first mapping found. */
	for (size_t i = 0; i < st->nb && ret == ENOENT; i++)
		for (struct xf_hent *e = st->by_real[i]; e; e = e->next_r)
			if (!strcmp(e->real, key)) {
				ret = xf_copy_out(e->pseudo, out, outsz);
				break;
			}
	pthread_rwlock_unlock(&st->lock);
	return ret;
}

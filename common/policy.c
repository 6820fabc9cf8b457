/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * policy.c: the peer policy both daemons apply (`policy:` in dra.yaml and hss.yaml): which
 * requests a peer may send and be sent, which IMSIs it may ask about, whether it may relay
 * requests of other origins, from which addresses it may connect and whether it must use
 * TLS. Without a `policy:` section every admitted peer may do anything, as before.
 *
 * The compiled policy is immutable; the daemon installs a new one on a successful reload
 * (the previous one stays on a failed one). Readers take a reference under a read lock.
 * Refusals are counted per peer (a bounded table) and logged at most once per
 * `log_interval`.
 */
#include "cm.h"
#include "cm_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fnmatch.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define PO_ANY UINT32_MAX
#define PO_APP_S6A 16777251u
#define PO_AC_USER_NAME 1
#define PO_AC_ORIGIN_HOST 264

struct po_cmd { uint32_t app, code; };           /* PO_ANY: any */
struct po_cmdset { struct po_cmd *v; size_t n; };

struct po_net {
	int family;                                   /* AF_INET, AF_INET6 */
	uint8_t addr[16];
	unsigned bits;
};

struct po_range { char lo[16], hi[16]; size_t len; };

struct po_entry {
	char *match;                                  /* identity or fnmatch pattern */
	struct po_cmdset send, receive;
	struct po_range *imsi; size_t n_imsi;
	struct po_net *nets; size_t n_nets;
	bool relay, tls;
};

struct cm_policy {
	atomic_int refs;
	bool unlisted_deny;
	unsigned log_interval;
	struct po_entry *e; size_t n;
};

/* ---- names ----------------------------------------------------------------------------- */

static const struct { const char *name; uint32_t id; } po_apps[] = {
	{ "s6a", 16777251 }, { "s6d", 16777251 }, { "cx", 16777216 }, { "dx", 16777216 },
	{ "sh", 16777217 }, { "dh", 16777217 }, { "s13", 16777252 }, { "gx", 16777238 },
	{ "rx", 16777236 }, { "swx", 16777265 }, { "slh", 16777291 }, { "s6t", 16777345 },
	{ NULL, 0 }
};

static const struct { uint32_t app; const char *name; uint32_t code; } po_cmds[] = {
	{ 16777251, "ULR", 316 }, { 16777251, "CLR", 317 }, { 16777251, "AIR", 318 },
	{ 16777251, "IDR", 319 }, { 16777251, "DSR", 320 }, { 16777251, "PUR", 321 },
	{ 16777251, "RSR", 322 }, { 16777251, "NOR", 323 },
	{ 16777216, "UAR", 300 }, { 16777216, "SAR", 301 }, { 16777216, "LIR", 302 },
	{ 16777216, "MAR", 303 }, { 16777216, "RTR", 304 }, { 16777216, "PPR", 305 },
	{ 16777217, "UDR", 306 }, { 16777217, "PUR", 307 }, { 16777217, "SNR", 308 },
	{ 16777217, "PNR", 309 },
	{ 0, NULL, 0 }
};

/* Roles: what such a node sends and is sent (TS 29.272, 29.228, 29.328). */
static const struct { const char *name; const char *send, *receive; bool relay; } po_roles[] = {
	{ "mme", "s6a:ULR s6a:AIR s6a:PUR s6a:NOR", "s6a:CLR s6a:IDR s6a:DSR s6a:RSR", false },
	{ "sgsn", "s6a:ULR s6a:AIR s6a:PUR s6a:NOR", "s6a:CLR s6a:IDR s6a:DSR s6a:RSR", false },
	{ "cscf", "cx:UAR cx:SAR cx:LIR cx:MAR", "cx:RTR cx:PPR", false },
	{ "as", "sh:UDR sh:PUR sh:SNR", "sh:PNR", false },
	{ "hss", "s6a:CLR s6a:IDR s6a:DSR s6a:RSR cx:RTR cx:PPR sh:PNR",
	  "s6a:ULR s6a:AIR s6a:PUR s6a:NOR cx:UAR cx:SAR cx:LIR cx:MAR sh:UDR sh:PUR sh:SNR", false },
	{ "relay", "*", "*", true },
	{ NULL, NULL, NULL, false }
};

static int po_app_parse(const char *s, size_t len, uint32_t *ret)
{
	char buf[32], *end;
	unsigned long v;
	size_t i;

	if (len == 1 && s[0] == '*') {
		*ret = PO_ANY;
		return 0;
	}
	if (!len || len >= sizeof(buf))
		return EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	for (i = 0; po_apps[i].name; i++)
		if (!strcasecmp(po_apps[i].name, buf)) {
			*ret = po_apps[i].id;
			return 0;
		}
	if (buf[0] < '0' || buf[0] > '9')
		return EINVAL;
	errno = 0;
	v = strtoul(buf, &end, 10);
	if (errno || *end || v >= PO_ANY)
		return EINVAL;
	*ret = (uint32_t)v;
	return 0;
}

static int po_cmd_parse1(uint32_t app, const char *s, uint32_t *ret)
{
	char *end;
	unsigned long v;
	size_t i;

	if (!strcmp(s, "*")) {
		*ret = PO_ANY;
		return 0;
	}
	for (i = 0; po_cmds[i].name; i++)
		if (po_cmds[i].app == app && !strcasecmp(po_cmds[i].name, s)) {
			*ret = po_cmds[i].code;
			return 0;
		}
	if (s[0] < '0' || s[0] > '9')
		return EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > 0xffffff)
		return EINVAL;
	*ret = (uint32_t)v;
	return 0;
}

/* "APP:CMD", "APP:*", "APP" (= APP:*) or "*". */
static int po_cmd_parse(const char *s, struct po_cmd *ret)
{
	const char *colon = strchr(s, ':');
	int rc;

	if ((rc = po_app_parse(s, colon ? (size_t)(colon - s) : strlen(s), &ret->app)))
		return rc;
	if (!colon) {
		ret->code = PO_ANY;
		return 0;
	}
	if (ret->app == PO_ANY)
		return strcmp(colon + 1, "*") ? EINVAL : (ret->code = PO_ANY, 0);
	return po_cmd_parse1(ret->app, colon + 1, &ret->code);
}

static int po_set_add(struct po_cmdset *set, struct po_cmd c)
{
	struct po_cmd *v = realloc(set->v, (set->n + 1) * sizeof(*v));

	if (!v)
		return ENOMEM;
	v[set->n++] = c;
	set->v = v;
	return 0;
}

static int po_set_add_words(struct po_cmdset *set, const char *words)
{
	char buf[512], *tok, *save = NULL;
	struct po_cmd c;
	int rc;

	snprintf(buf, sizeof(buf), "%s", words);
	for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		if ((rc = po_cmd_parse(tok, &c)) || (rc = po_set_add(set, c)))
			return rc;
	}
	return 0;
}

/* 2: app and command allowed, 1: the application only, 0: not the application. */
static int po_set_allows(const struct po_cmdset *set, uint32_t app, uint32_t code)
{
	int best = 0;
	size_t i;

	for (i = 0; i < set->n; i++) {
		if (set->v[i].app != PO_ANY && set->v[i].app != app)
			continue;
		if (set->v[i].code == PO_ANY || set->v[i].code == code)
			return 2;
		best = 1;
	}
	return best;
}

/* ---- addresses and IMSI ranges -------------------------------------------------------- */

static int po_net_parse(const char *s, struct po_net *ret)
{
	char buf[64], *slash, *end;
	unsigned long bits;

	if (strlen(s) >= sizeof(buf))
		return EINVAL;
	strcpy(buf, s);
	if ((slash = strchr(buf, '/')))
		*slash = '\0';
	memset(ret, 0, sizeof(*ret));
	if (inet_pton(AF_INET, buf, ret->addr) == 1) {
		ret->family = AF_INET;
		ret->bits = 32;
	} else if (inet_pton(AF_INET6, buf, ret->addr) == 1) {
		ret->family = AF_INET6;
		ret->bits = 128;
	} else {
		return EINVAL;
	}
	if (slash) {
		if (slash[1] < '0' || slash[1] > '9')
			return EINVAL;
		errno = 0;
		bits = strtoul(slash + 1, &end, 10);
		if (errno || *end || bits > ret->bits)
			return EINVAL;
		ret->bits = (unsigned)bits;
	}
	return 0;
}

static bool po_net_has(const struct po_net *n, int family, const uint8_t *addr)
{
	unsigned full = n->bits / 8, rest = n->bits % 8;

	if (n->family != family)
		return false;
	if (memcmp(n->addr, addr, full))
		return false;
	return !rest || ((n->addr[full] ^ addr[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

/* "PREFIX" or "LO-HI" (digits, same length, at most 15). */
static int po_range_parse(const char *s, struct po_range *r)
{
	const char *dash = strchr(s, '-');
	size_t llen = dash ? (size_t)(dash - s) : strlen(s), i;
	const char *hi = dash ? dash + 1 : s;

	if (!llen || llen > 15 || strlen(hi) != llen)
		return EINVAL;
	for (i = 0; i < llen; i++)
		if (s[i] < '0' || s[i] > '9' || hi[i] < '0' || hi[i] > '9')
			return EINVAL;
	memset(r, 0, sizeof(*r));
	memcpy(r->lo, s, llen);
	memcpy(r->hi, hi, llen);
	r->len = llen;
	return memcmp(r->lo, r->hi, llen) > 0 ? EINVAL : 0;
}

static bool po_imsi_allowed(const struct po_entry *e, const uint8_t *imsi, size_t len)
{
	size_t i;

	if (!e->n_imsi)
		return true;
	for (i = 0; i < e->n_imsi; i++) {
		const struct po_range *r = &e->imsi[i];

		if (len < r->len)
			continue;
		if (memcmp(imsi, r->lo, r->len) >= 0 && memcmp(imsi, r->hi, r->len) <= 0)
			return true;
	}
	return false;
}

/* ---- configuration --------------------------------------------------------------------- */

static const struct cm_schema po_str_item[] = { { "item", CM_S_STR, 0, 1, 255 }, { 0 } };
static const char *const po_roles_names[] = { "mme", "sgsn", "cscf", "as", "hss", "relay", NULL };
static const char *const po_unlisted[] = { "allow", "deny", NULL };

static const struct cm_schema po_peer_schema[] = {
	{ "match", CM_S_STR, CM_S_REQUIRED, 1, 255, NULL, NULL,
	  "the peer's Diameter identity, or an fnmatch pattern of identities" },
	{ "role", CM_S_STR, 0, 0, 0, NULL, po_roles_names, "preset of send/receive (and relay)" },
	{ "send", CM_S_SEQ, 0, 0, 0, po_str_item, NULL, "requests it may send: APP:CMD, APP, *" },
	{ "receive", CM_S_SEQ, 0, 0, 0, po_str_item, NULL, "requests it may be sent" },
	{ "imsi", CM_S_SEQ, 0, 0, 0, po_str_item, NULL, "IMSI prefixes or LO-HI ranges (S6a)" },
	{ "relay", CM_S_BOOL, 0, 0, 0, NULL, NULL, "trusted relay: may carry other Origin-Hosts" },
	{ "addresses", CM_S_SEQ, 0, 0, 0, po_str_item, NULL, "addresses/prefixes it connects from" },
	{ "tls", CM_S_BOOL, 0, 0, 0, NULL, NULL, "must connect with TLS (certificate naming it)" },
	{ 0 }
};
static const struct cm_schema po_peer_item[] = { { "item", CM_S_MAP, 0, 0, 0, po_peer_schema }, { 0 } };

const struct cm_schema cm_policy_schema[] = {
	{ "unlisted", CM_S_STR, 0, 0, 0, NULL, po_unlisted,
	  "peers no entry matches: allow (anything, no checks) or deny (default)" },
	{ "log_interval", CM_S_UINT, 0, 1, 86400, NULL, NULL, "seconds between refusal log lines" },
	{ "peers", CM_S_SEQ, 0, 0, 4096, po_peer_item, NULL, "one entry per peer or pattern" },
	{ 0 }
};

static void po_entry_free(struct po_entry *e)
{
	free(e->match);
	free(e->send.v);
	free(e->receive.v);
	free(e->imsi);
	free(e->nets);
}

static void po_free(struct cm_policy *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++)
		po_entry_free(&p->e[i]);
	free(p->e);
	free(p);
}

void cm_policy_unref(struct cm_policy *p)
{
	if (p && atomic_fetch_sub(&p->refs, 1) == 1)
		po_free(p);
}

static int po_err(char *err, size_t errlen, const struct cm_ynode *n, const char *key,
                  const char *what, const char *val)
{
	if (err && errlen)
		snprintf(err, errlen, "%s:%d: key 'policy.peers.%s': %s '%s'",
		         n->file ? n->file : "<config>", n->line, key, what, val);
	return EINVAL;
}

static int po_entry_parse(const struct cm_ynode *m, struct po_entry *e, char *err, size_t errlen)
{
	const struct cm_ynode *seq, *it;
	const char *role = cm_yget_str(m, "role", NULL);
	size_t i;
	int rc;

	if (!(e->match = strdup(cm_yget_str(m, "match", ""))))
		return ENOMEM;
	e->relay = false;
	if (role) {
		for (i = 0; po_roles[i].name && strcmp(po_roles[i].name, role); i++)
			;
		if ((rc = po_set_add_words(&e->send, po_roles[i].send)) ||
		    (rc = po_set_add_words(&e->receive, po_roles[i].receive)))
			return rc;
		e->relay = po_roles[i].relay;
	}
	e->relay = cm_yget_bool(m, "relay", e->relay);
	e->tls = cm_yget_bool(m, "tls", false);
	for (i = 0; i < 2; i++) {
		struct po_cmdset *set = i ? &e->receive : &e->send;
		const char *key = i ? "receive" : "send";

		if (!(seq = cm_ymap_get(m, key)))
			continue;
		for (it = seq->child; it; it = it->next) {
			struct po_cmd c;

			if (po_cmd_parse(it->str, &c))
				return po_err(err, errlen, it, key,
				              "expected APP:COMMAND (s6a:ULR, cx:MAR, sh:UDR, APP:CODE, "
				              "APP or *), got", it->str);
			if ((rc = po_set_add(set, c)))
				return rc;
		}
	}
	if ((seq = cm_ymap_get(m, "imsi")) && seq->n_child) {
		if (!(e->imsi = calloc(seq->n_child, sizeof(*e->imsi))))
			return ENOMEM;
		for (it = seq->child; it; it = it->next)
			if (po_range_parse(it->str, &e->imsi[e->n_imsi++]))
				return po_err(err, errlen, it, "imsi",
				              "expected an IMSI prefix or LO-HI of equal length (digits), got",
				              it->str);
	}
	if ((seq = cm_ymap_get(m, "addresses")) && seq->n_child) {
		if (!(e->nets = calloc(seq->n_child, sizeof(*e->nets))))
			return ENOMEM;
		for (it = seq->child; it; it = it->next)
			if (po_net_parse(it->str, &e->nets[e->n_nets++]))
				return po_err(err, errlen, it, "addresses",
				              "expected an IPv4/IPv6 address or ADDRESS/BITS, got", it->str);
	}
	return 0;
}

int cm_policy_parse(const struct cm_ynode *node, struct cm_policy **ret, char *err, size_t errlen)
{
	struct cm_policy *p = NULL;
	const struct cm_ynode *seq, *it;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	*ret = NULL;
	if (!node)
		return 0;
	if ((rc = cm_schema_check(node, cm_policy_schema, err, errlen)))
		return rc;
	if (!(p = calloc(1, sizeof(*p))))
		return ENOMEM;
	atomic_init(&p->refs, 1);
	p->unlisted_deny = strcmp(cm_yget_str(node, "unlisted", "deny"), "allow") != 0;
	p->log_interval = (unsigned)cm_yget_u64(node, "log_interval", CM_POLICY_LOG_INTERVAL);
	if ((seq = cm_ymap_get(node, "peers")) && seq->n_child) {
		if (!(p->e = calloc(seq->n_child, sizeof(*p->e)))) {
			rc = ENOMEM;
			goto out;
		}
		for (it = seq->child; it; it = it->next)
			if ((rc = po_entry_parse(it, &p->e[p->n++], err, errlen)))
				goto out;
	}
out:
	if (rc) {
		po_free(p);
		return rc;
	}
	*ret = p;
	return 0;
}

/* ---- the installed policy --------------------------------------------------------------- */

static pthread_rwlock_t po_lock = PTHREAD_RWLOCK_INITIALIZER;
static struct cm_policy *po_cur;

void cm_policy_install(struct cm_policy *p)
{
	struct cm_policy *old;

	if (p)
		atomic_fetch_add(&p->refs, 1);
	pthread_rwlock_wrlock(&po_lock);
	old = po_cur;
	po_cur = p;
	pthread_rwlock_unlock(&po_lock);
	cm_policy_unref(old);
}

static struct cm_policy *po_get(void)
{
	struct cm_policy *p;

	pthread_rwlock_rdlock(&po_lock);
	if ((p = po_cur))
		atomic_fetch_add(&p->refs, 1);
	pthread_rwlock_unlock(&po_lock);
	return p;
}

bool cm_policy_active(void)
{
	bool on;

	pthread_rwlock_rdlock(&po_lock);
	on = po_cur != NULL;
	pthread_rwlock_unlock(&po_lock);
	return on;
}

/* The first entry matching the identity (len octets), or NULL. */
static const struct po_entry *po_find(const struct cm_policy *p, const char *id, size_t len)
{
	char buf[256];
	size_t i;

	if (len >= sizeof(buf))
		return NULL;
	memcpy(buf, id, len);
	buf[len] = '\0';
	for (i = 0; i < p->n; i++)
		if (!fnmatch(p->e[i].match, buf, FNM_CASEFOLD))
			return &p->e[i];
	return NULL;
}

/* ---- counters and the refusal log -------------------------------------------------------- */

#define PO_MAX_PEERS 256

static struct {
	pthread_mutex_t lock;
	struct { char id[128]; uint64_t n[CM_POL_NREASONS]; } peer[PO_MAX_PEERS];
	size_t n_peer;
	uint64_t other[CM_POL_NREASONS];          /* peers beyond the table */
	uint64_t total[CM_POL_NREASONS];
	uint64_t unlogged;
	time_t logged_at;
	bool logged_once;
} po_st = { .lock = PTHREAD_MUTEX_INITIALIZER };

static const char *const po_reason_names[CM_POL_NREASONS] = {
	[CM_POL_OK] = "ok", [CM_POL_APP] = "application", [CM_POL_CMD] = "command",
	[CM_POL_IMSI] = "imsi", [CM_POL_ORIGIN] = "origin_host", [CM_POL_ADDRESS] = "address",
	[CM_POL_TLS] = "tls", [CM_POL_UNLISTED] = "unlisted",
};

const char *cm_policy_reason_name(enum cm_pol_reason r)
{
	return r < CM_POL_NREASONS ? po_reason_names[r] : "?";
}

static void po_count(const char *id, size_t len, enum cm_pol_reason r, unsigned interval,
                     uint32_t app, uint32_t code)
{
	struct timespec ts;
	size_t i;
	uint64_t n;
	char name[128];

	if (len >= sizeof(name))
		len = sizeof(name) - 1;
	memcpy(name, id, len);
	name[len] = '\0';
	clock_gettime(CLOCK_MONOTONIC, &ts);
	pthread_mutex_lock(&po_st.lock);
	po_st.total[r]++;
	for (i = 0; i < po_st.n_peer && strcasecmp(po_st.peer[i].id, name); i++)
		;
	if (i == po_st.n_peer && i < PO_MAX_PEERS) {
		memcpy(po_st.peer[i].id, name, len + 1);
		po_st.n_peer++;
	}
	if (i < PO_MAX_PEERS)
		po_st.peer[i].n[r]++;
	else
		po_st.other[r]++;
	n = ++po_st.unlogged;
	if (po_st.logged_once && ts.tv_sec - po_st.logged_at < (time_t)interval) {
		pthread_mutex_unlock(&po_st.lock);
		return;
	}
	po_st.logged_once = true;
	po_st.logged_at = ts.tv_sec;
	po_st.unlogged = 0;
	pthread_mutex_unlock(&po_st.lock);
	fd_log_notice("policy: refused a request from '%s' (%s, application %u command %u); %llu "
	              "refusal(s) since the previous such line, logged at most every %u s; "
	              "counters per peer in the stats", name, cm_policy_reason_name(r), app, code,
	              (unsigned long long)n, interval);
}

void cm_policy_stats_foreach(void (*cb)(void *data, const char *peer, const char *reason,
                                         unsigned long long n), void *data)
{
	size_t i;
	int r;

	pthread_mutex_lock(&po_st.lock);
	for (i = 0; i < po_st.n_peer; i++)
		for (r = 1; r < CM_POL_NREASONS; r++)
			if (po_st.peer[i].n[r])
				cb(data, po_st.peer[i].id, po_reason_names[r],
				   (unsigned long long)po_st.peer[i].n[r]);
	for (r = 1; r < CM_POL_NREASONS; r++)
		if (po_st.other[r])
			cb(data, "(other)", po_reason_names[r], (unsigned long long)po_st.other[r]);
	pthread_mutex_unlock(&po_st.lock);
}

struct po_dump {
	FILE *f;
	const char *prefix;
};

static void po_dump_line(void *data, const char *peer, const char *reason, unsigned long long n)
{
	struct po_dump *d = data;

	fprintf(d->f, "%s %s refused_%s %llu\n", d->prefix, peer, reason, n);
}

void cm_policy_stats_dump(FILE *f, const char *prefix)
{
	struct po_dump d = { f, prefix };

	cm_policy_stats_foreach(po_dump_line, &d);
}

uint64_t cm_policy_refused(enum cm_pol_reason r)
{
	uint64_t n = 0;
	int i;

	pthread_mutex_lock(&po_st.lock);
	if (r != CM_POL_OK) {
		n = r < CM_POL_NREASONS ? po_st.total[r] : 0;
	} else {
		for (i = 1; i < CM_POL_NREASONS; i++)
			n += po_st.total[i];
	}
	pthread_mutex_unlock(&po_st.lock);
	return n;
}

/* ---- checks ------------------------------------------------------------------------------ */

/* The value of the first top-level AVP code (vendor 0), parsed if needed; NULL if none. */
static const uint8_t *po_avp_os(struct msg *msg, uint32_t code, size_t *ret_len)
{
	struct avp *avp = NULL;
	struct avp_hdr *ah;

	if (fd_msg_browse(msg, MSG_BRW_FIRST_CHILD, &avp, NULL))
		return NULL;
	while (avp) {
		if (fd_msg_avp_hdr(avp, &ah))
			return NULL;
		if (!(ah->avp_flags & AVP_FLAG_VENDOR) && ah->avp_code == code) {
			if (!ah->avp_value && fd_msg_parse_dict(avp, fd_g_config->cnf_dict, NULL))
				return NULL;
			if (!ah->avp_value)
				return NULL;
			*ret_len = ah->avp_value->os.len;
			return ah->avp_value->os.data;
		}
		if (fd_msg_browse(avp, MSG_BRW_NEXT, &avp, NULL))
			return NULL;
	}
	return NULL;
}

/* Whether the connection's source address (as the socket sees it; never the
 * Host-IP-Address a CER advertises) is in one of the entry's networks. from NULL: unknown,
 * which only an entry without addresses accepts. */
static bool po_addr_ok(const struct po_entry *e, const struct sockaddr *from)
{
	const uint8_t *a;
	int fam;
	size_t i;

	if (!e->n_nets)
		return true;
	if (!from)
		return false;
	fam = from->sa_family;
	if (fam == AF_INET) {
		a = (const uint8_t *)&((const struct sockaddr_in *)from)->sin_addr;
	} else if (fam == AF_INET6) {
		const struct in6_addr *a6 = &((const struct sockaddr_in6 *)from)->sin6_addr;

		a = (const uint8_t *)a6;
		if (IN6_IS_ADDR_V4MAPPED(a6)) {
			fam = AF_INET;
			a += 12;
		}
	} else {
		return false;
	}
	for (i = 0; i < e->n_nets; i++)
		if (po_net_has(&e->nets[i], fam, a))
			return true;
	return false;
}

int cm_policy_cert_names(const gnutls_datum_t *cert, const char *id)
{
	gnutls_x509_crt_t crt = NULL;
	int ok = 0;

	if (!cert || gnutls_x509_crt_init(&crt) < 0)
		return EINVAL;
	if (gnutls_x509_crt_import(crt, cert, GNUTLS_X509_FMT_DER) >= 0)
		ok = gnutls_x509_crt_check_hostname(crt, id) != 0;
	gnutls_x509_crt_deinit(crt);
	return ok ? 0 : EACCES;
}

enum cm_pol_reason cm_policy_admit(struct peer_info *info, const struct sockaddr *from)
{
	struct cm_policy *p = po_get();
	const struct po_entry *e;
	enum cm_pol_reason r = CM_POL_OK;
	const char *id = info->pi_diamid;

	if (!p || !id)
		goto out;
	if (!(e = po_find(p, id, strlen(id)))) {
		if (p->unlisted_deny)
			r = CM_POL_UNLISTED;
		goto out;
	}
	if (!po_addr_ok(e, from))
		r = CM_POL_ADDRESS;
	else if (e->tls && !info->runtime.pir_cert_list)
		r = CM_POL_TLS;
out:
	cm_policy_unref(p);
	return r;
}

/* `tls: true` checked again on each request: freeDiameter admits a configured peer that
 * connects in without asking the validation callback. (Addresses are checked when the CER
 * arrives: freeDiameter 1.2.1 as built by Debian keeps no endpoint of an accepted
 * connection in the peer's pi_endpoints.) */
static enum cm_pol_reason po_binding(const struct po_entry *e, const char *id, size_t len)
{
	struct peer_hdr *hdr = NULL;

	if (!e->tls)
		return CM_POL_OK;
	if (fd_peer_getbyid((DiamId_t)id, len, 0, &hdr) || !hdr)
		return CM_POL_TLS;
	if (!hdr->info.runtime.pir_cert_list)
		return CM_POL_TLS;
	return CM_POL_OK;
}

enum cm_pol_reason cm_policy_check_request(struct msg *req, const char *peer, size_t len)
{
	struct cm_policy *p;
	const struct po_entry *e;
	struct msg_hdr *hdr = NULL;
	enum cm_pol_reason r = CM_POL_OK;
	const uint8_t *v;
	size_t vlen = 0;
	unsigned interval;

	if (!peer || !len || fd_msg_hdr(req, &hdr) || !hdr->msg_appl)
		return CM_POL_OK;   /* ours, or the base protocol */
	if (!(p = po_get()))
		return CM_POL_OK;
	interval = p->log_interval;
	if (!(e = po_find(p, peer, len))) {
		if (p->unlisted_deny)
			r = CM_POL_UNLISTED;
		goto out;
	}
	if ((r = po_binding(e, peer, len)))
		goto out;
	switch (po_set_allows(&e->send, hdr->msg_appl, hdr->msg_code)) {
	case 0: r = CM_POL_APP; goto out;
	case 1: r = CM_POL_CMD; goto out;
	}
	if (!e->relay && (v = po_avp_os(req, PO_AC_ORIGIN_HOST, &vlen)) &&
	    (vlen != len || strncasecmp((const char *)v, peer, len))) {
		r = CM_POL_ORIGIN;
		goto out;
	}
	if (e->n_imsi && hdr->msg_appl == PO_APP_S6A &&
	    (v = po_avp_os(req, PO_AC_USER_NAME, &vlen)) && !po_imsi_allowed(e, v, vlen))
		r = CM_POL_IMSI;
out:
	if (r != CM_POL_OK)
		po_count(peer, len, r, interval, hdr->msg_appl, hdr->msg_code);
	cm_policy_unref(p);
	return r;
}

bool cm_policy_may_receive(const char *peer, size_t len, uint32_t app, uint32_t code)
{
	struct cm_policy *p;
	const struct po_entry *e;
	bool ok;

	if (!app || !(p = po_get()))
		return true;
	if (!(e = po_find(p, peer, len)))
		ok = !p->unlisted_deny;
	else
		ok = po_set_allows(&e->receive, app, code) == 2;
	cm_policy_unref(p);
	return ok;
}

bool cm_policy_trusted_relay(const char *peer, size_t len)
{
	struct cm_policy *p = po_get();
	const struct po_entry *e;
	bool relay = false;

	if (p && (e = po_find(p, peer, len)))
		relay = e->relay;
	cm_policy_unref(p);
	return relay;
}

void cm_policy_answer(enum cm_pol_reason r, const char **ret_rescode, const char **ret_why)
{
	switch (r) {
	case CM_POL_APP:
	case CM_POL_UNLISTED:
		*ret_rescode = "DIAMETER_APPLICATION_UNSUPPORTED";
		*ret_why = "The peer policy does not allow this application from this peer";
		break;
	case CM_POL_CMD:
		*ret_rescode = "DIAMETER_COMMAND_UNSUPPORTED";
		*ret_why = "The peer policy does not allow this command from this peer";
		break;
	case CM_POL_IMSI:
		*ret_rescode = "DIAMETER_AUTHORIZATION_REJECTED";
		*ret_why = "The peer policy does not allow this IMSI from this peer";
		break;
	case CM_POL_ORIGIN:
		*ret_rescode = "DIAMETER_AUTHORIZATION_REJECTED";
		*ret_why = "Origin-Host is not the connected peer, which is not a trusted relay";
		break;
	default:
		*ret_rescode = "DIAMETER_AUTHORIZATION_REJECTED";
		*ret_why = "The connection does not satisfy the peer policy (address or TLS)";
		break;
	}
}

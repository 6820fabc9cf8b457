/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xf_int.h: internal to transforms/. The compiled form of a rule file: every name is
 * resolved to dictionary objects, every value pre-encoded and every regex compiled at load
 * time, so that evaluation (match.c, action.c) does no lookup and no allocation on
 * messages the rules do not touch.
 */
#ifndef XF_INT_H
#define XF_INT_H

/* Defined by transforms/meson.build for the component's own sources only. */
#ifndef XF_INTERNAL
#error "xf_int.h is internal to transforms/: include xf.h"
#endif

#include "cm.h"
#include "xf.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdatomic.h>

#define XF_PATH_MAX 8            /* levels in a grouped path "A/B/C" */
#define XF_TEXT_MAX (XF_VALUE_MAX + 1)
/* A host name in the hiding table, NUL included: a pseudonym renders to at most 255 octets. */
#define XF_HOST_MAX 256
/* What a template token renders to at most: {n} a decimal uint64_t, {hash} 16 hex digits. */
#define XF_TMPL_N_MAX 20
#define XF_TMPL_HASH_LEN 16

/* Bounds on what one rule file may cost (the `limits:` section, defaults in load.c). */
struct xf_limits {
	uint32_t regex_match;      /* PCRE2 match limit (backtracking steps) per execution; also
	                              its depth limit */
	uint32_t regex_length;     /* longest pattern accepted at load */
	uint32_t message_steps;    /* per message: rules evaluated + actions run + AVPs examined */
	uint32_t message_regex;    /* per message: regex executions */
};

/* What is left of a message's budget while the rules run on it (apply.c). */
struct xf_budget {
	uint32_t steps;
	uint32_t regex;
	pcre2_match_context *mctx;   /* not modified by matching */
};

/* A compiled regex (regex.c). code == NULL: not compiled. */
struct xf_re {
	pcre2_code *code;
	uint32_t ngroups;            /* capture groups */
};

/* Capture pairs a replace can use: \0 (the whole match) to \9. */
#define XF_RE_PAIRS 10

struct xf_path {
	struct cm_avpdef seg[XF_PATH_MAX];
	unsigned n;
	char *text;                  /* as written, for traces */
};

/* A pre-encoded value for set/add (os.data points into `buf`). */
struct xf_value {
	union avp_value v;
	uint8_t *buf;
	char *text;                  /* the text form, for traces */
};

enum xf_smkind { XF_SM_EXACT, XF_SM_PREFIX, XF_SM_SUFFIX, XF_SM_REGEX, XF_SM_GLOB, XF_SM_PRESENT,
                 XF_SM_ABSENT };

struct xf_smatch {
	enum xf_smkind kind;
	char *s;
	size_t len;
	bool nocase;
	struct xf_re re;
};

/* An AVP condition: holds if some instance at `path` matches (absent: if none exists). */
struct xf_cond {
	struct xf_path path;
	struct xf_smatch m;
	bool tbcd;
	int line;
};

enum xf_akind { XF_A_SET, XF_A_ADD, XF_A_REPLACE, XF_A_PREFIX_MAP, XF_A_MAP, XF_A_REMOVE,
                XF_A_COPY, XF_A_MOVE, XF_A_HIDE_HOST, XF_A_UNHIDE_HOST };

struct xf_kv {
	char *k, *v;
	size_t klen, vlen;
};

struct xf_action {
	enum xf_akind kind;
	int line;
	struct xf_path path;         /* target (`to` for copy/move) */
	struct xf_path from;         /* copy/move source */
	struct xf_value val;         /* set/add */
	bool has_val;
	bool tbcd;                   /* text form of `path` is TBCD digits */
	bool from_tbcd;
	bool if_present;             /* set: only overwrite existing instances */
	struct xf_re re;             /* replace */
	char *with;
	struct xf_kv *kv;            /* prefix_map: by decreasing key length; map: as written */
	size_t nkv;
	char *tmpl;                  /* hide_host: pseudo-host template */
	struct xf_hkey *hkey;        /* {enc} template: its key (hide.c); owned */
	uint8_t *secret;
	size_t secret_len;
	bool route_record;           /* hide_host: also Route-Record values */
	struct xf_path rr;           /* Route-Record */
};

#define XF_DIR_REQ 0x1u
#define XF_DIR_ANS 0x2u

struct xf_rule {
	char *name;
	int line;
	unsigned dirs;
	uint32_t *apps;              /* NULL: any */
	size_t napps;
	uint32_t *cmds;              /* NULL: any */
	uint8_t *cmd_dirs;           /* per command: XF_DIR_* it was named for */
	size_t ncmds;
	char **from_peer, **to_peer; /* fnmatch patterns, any of */
	size_t nfrom, nto;
	struct xf_cond *conds;
	size_t nconds;
	struct xf_action *acts;
	size_t nacts;
	bool last;
};

struct xf_counter {
	atomic_uint_fast64_t hits;
	atomic_uint_fast64_t rewrites;
	atomic_uint_fast64_t errors;
	atomic_uint_fast64_t limits;
};

struct xf_rules {
	atomic_int refs;
	char *source;
	struct dictionary *dict;
	struct xf_rule *rules;
	size_t n;
	struct xf_counter *ctr;
	/* pre-filter: sorted distinct command codes named by some rule; any_cmd when a rule
	 * names none */
	uint32_t *cmd_index;
	size_t ncmd_index;
	bool any_cmd;
	unsigned dirs;               /* union of the rules' directions */
	const struct xf_hkey **hkeys;  /* every {enc} key of the file (owned by the actions): what
	                                  unhide_host tries */
	size_t nhkeys;
	struct xf_limits limits;
	pcre2_match_context *mctx;   /* match/depth/heap limits; read-only once loaded, so
	                                shared by every thread */
};

/* msgavp.c: walking and editing messages */
struct xf_walk {
	/* Called for each instance; return 0 to continue, XF_WALK_STOP to stop, or an errno. */
	int (*cb)(struct xf_walk *w, struct avp *avp, union avp_value *v);
	struct dictionary *dict;
	struct xf_budget *bud;       /* each AVP examined costs a step; XF_ELIMIT when none left */
};
#define XF_WALK_STOP (-1)
int xf_walk_path(struct xf_walk *w, msg_or_avp *parent, const struct xf_path *p, unsigned depth);
/* The first instance of the parent chain of p (levels 0..p->n-2), created if missing. */
int xf_make_parents(struct dictionary *dict, struct msg *msg, const struct xf_path *p,
                    msg_or_avp **ret_parent);
int xf_avp_new_value(const struct cm_avpdef *def, union avp_value *v, struct avp **ret_avp);

/* regex.c: PCRE2 with bounds. */
/* Compile `pat` (the rule language's regex syntax: PCRE2, refusing what POSIX ERE read
 * differently, see README) into re. EINVAL with the reason in why; ENOMEM. */
int xf_re_compile(struct xf_re *re, const char *pat, bool nocase, uint32_t max_length,
                  char *why, size_t whysz);
void xf_re_free(struct xf_re *re);
/* A match context holding the limits (NULL on ENOMEM); free with pcre2_match_context_free. */
pcre2_match_context *xf_re_mctx_new(const struct xf_limits *lim);
/* Match s[0..len) (NUL bytes included). *ret_match tells whether it matched; ovec (if not
 * NULL) receives XF_RE_PAIRS start/end pairs, PCRE2_UNSET for groups that did not take
 * part. Charges one regex execution to bud. 0, XF_ELIMIT (a PCRE2 limit, or no regex
 * execution left in the budget), ENOMEM. */
int xf_re_match(const struct xf_re *re, struct xf_budget *bud, const char *s, size_t len,
                size_t *ovec, bool *ret_match);

/* match.c */
int xf_smatch_text(const struct xf_smatch *m, struct xf_budget *bud, const char *s, size_t len,
                   bool *ret_match);
int xf_rule_matches(const struct xf_rules *rs, const struct xf_rule *r, struct msg *msg,
                    const struct msg_hdr *hdr, const struct xf_ctx *ctx, struct xf_budget *bud,
                    bool *ret);

/* action.c */
/* *ret_changed (may be NULL): how many AVP instances the action set, added, rewrote or
 * removed, also when it fails part-way (the changes before the failure stay). */
int xf_action_run(const struct xf_rules *rs, const struct xf_rule *r, const struct xf_action *a,
                  struct msg *msg, const struct xf_ctx *ctx, struct xf_budget *bud,
                  unsigned *ret_changed);

/* hide.c: {enc} pseudonyms, a deterministic authenticated encryption of the host name. */
struct xf_hkey;
/* Read key_file (relative to the directory of rules_file unless absolute; a regular file
 * of mode 0600 or stricter holding 32-128 octets in hex) and prepare the key of template
 * tmpl (which holds {enc}). EINVAL with the reason in why (never the key), ENOMEM. */
int xf_hkey_new(const char *rules_file, const char *key_file, const char *tmpl,
                struct xf_hkey **ret, char *why, size_t whysz);
void xf_hkey_free(struct xf_hkey *k);
/* The pseudonym of real[0..len) (NUL-terminated into out); a name that already is a
 * pseudonym of k is returned as it is. ENAMETOOLONG (would pass 255 characters), EINVAL,
 * ENOSPC. */
int xf_hkey_hide(const struct xf_hkey *k, const char *real, size_t len, char *out, size_t outsz);
/* The real name behind a pseudonym of k. ENOENT when it is not one (forged, other key or
 * template), ENOSPC. */
int xf_hkey_unhide(const struct xf_hkey *k, const char *pseudo, size_t len, char *out,
                   size_t outsz);

/* state.c */
int xf_state_hide(struct xf_state *st, const char *tmpl, const uint8_t *secret, size_t secret_len,
                  const char *real, size_t len, char *out, size_t outsz);
int xf_state_unhide(struct xf_state *st, const char *pseudo, size_t len, char *out, size_t outsz);

/* trace.c */
void xf_trace_add(struct xf_trace *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* XF_INT_H */

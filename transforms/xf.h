/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xf.h: the one public header of transforms/, the AVP rewrite rule engine of the DRA.
 *
 * A YAML rule file (language in transforms/README.md) is compiled once into an immutable,
 * reference-counted `struct xf_rules`; xf_apply() then runs it on every relayed message from
 * any number of threads without locks (rule hit counters are atomics). Reloading means
 * loading a new set and swapping the pointer: the old set stays valid while a thread still
 * holds a reference.
 *
 * Topology hiding with {enc} pseudonyms (an authenticated encryption of the host name under
 * a key file) needs no state. The {n} and {hash} templates keep a bounded real-host <->
 * pseudo-host table in a `struct xf_state` owned by the caller, so that the table survives
 * rule reloads.
 *
 * Conventions: functions return 0 or an errno value; `ret_*` outputs are untouched on
 * failure; destructors accept NULL.
 */
#ifndef XF_H
#define XF_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct msg;          /* freeDiameter message (libfdproto.h) */

/* ---------------------------------------------------------------------------------------
 * Rule sets
 * ------------------------------------------------------------------------------------- */

/* An immutable compiled rule set. */
struct xf_rules;

/* Compile the rule file `path`. AVP, command and application names are resolved in
 * freeDiameter's dictionary (fd_g_config->cnf_dict), so load every dictionary the rules
 * name first (dict_load_all()).
 * On failure returns EINVAL (or ENOENT/EACCES... if the file cannot be read, ENOMEM) and
 * writes ALL problems found to err, one per line, each
 *   "FILE:LINE: rule 'NAME': problem"   (or "FILE:LINE: problem" outside a rule),
 * truncated to errlen (err may be NULL when errlen is 0). On success *ret holds one
 * reference. An empty file or `rules: []` is a valid set of zero rules. */
int xf_rules_load(const char *path, struct xf_rules **ret, char *err, size_t errlen);

/* Same from a buffer; `name` is used as FILE in messages. */
int xf_rules_load_buf(const char *name, const char *yaml, size_t len, struct xf_rules **ret,
                      char *err, size_t errlen);

/* Reference counting (atomic: any thread). The set is freed when the last reference goes. */
void xf_rules_ref(struct xf_rules *rules);
void xf_rules_unref(struct xf_rules *rules);

/* Number of rules; file name the set was loaded from. */
size_t xf_rules_count(const struct xf_rules *rules);
const char *xf_rules_source(const struct xf_rules *rules);

/* Per-rule counters, for SNMP and logs. `hits`: times the rule matched and its actions ran;
 * `rewrites`: of those, messages its actions changed (an AVP set, added, rewritten or
 * removed); `errors`: times the rule failed (an action, or a limit; see xf_apply);
 * `limits`: those of the errors where a bound stopped it (a regex limit or the message's
 * budget, XF_ELIMIT). */
struct xf_rule_stats {
	size_t index;        /* 0-based position in the file */
	const char *name;    /* valid as long as the rule set */
	int line;            /* line of the rule in the file */
	uint64_t hits;
	uint64_t rewrites;
	uint64_t errors;
	uint64_t limits;
};
/* Call cb once per rule, in file order. */
void xf_rules_stats(const struct xf_rules *rules,
                    void (*cb)(void *data, const struct xf_rule_stats *st), void *data);

/* ---------------------------------------------------------------------------------------
 * Topology-hiding table (real host <-> pseudo host) of the {n} and {hash} templates, shared
 * by successive rule sets. {enc} pseudonyms need no table.
 * ------------------------------------------------------------------------------------- */

struct xf_state;

/* Hosts a table holds by default; past that, the least recently used go (second chance). */
#define XF_STATE_DEFAULT_MAX 16384

/* Create an empty table of at most XF_STATE_DEFAULT_MAX, or `max`, hosts. ENOMEM, EINVAL
 * (max 0). Thread-safe (internal read/write lock, taken only by the hide_host /
 * unhide_host actions). */
int xf_state_new(struct xf_state **ret);
int xf_state_new_max(size_t max, struct xf_state **ret);
void xf_state_free(struct xf_state *state);
/* Number of hidden hosts known; hosts evicted to make room so far. */
size_t xf_state_count(struct xf_state *state);
uint64_t xf_state_evicted(struct xf_state *state);
/* Look up a mapping (for tools and tests): the real host behind `pseudo`, or the pseudo host
 * already given to `real`. Writes a NUL-terminated name to out. ENOENT, ENOSPC. */
int xf_state_lookup_real(struct xf_state *state, const char *pseudo, char *out, size_t outsz);
int xf_state_lookup_pseudo(struct xf_state *state, const char *real, char *out, size_t outsz);

/* ---------------------------------------------------------------------------------------
 * Explain traces (dra --explain): what fired and what it changed.
 * ------------------------------------------------------------------------------------- */

struct xf_trace;

int xf_trace_new(struct xf_trace **ret);
void xf_trace_free(struct xf_trace *trace);
/* Forget the collected lines (to reuse one trace for several messages). */
void xf_trace_reset(struct xf_trace *trace);
/* Number of lines collected; line i (NULL past the end). */
size_t xf_trace_count(const struct xf_trace *trace);
const char *xf_trace_line(const struct xf_trace *trace, size_t i);
/* Print the lines, one per line of output. Returns 0 or EIO. */
int xf_trace_print(const struct xf_trace *trace, FILE *out);

/* ---------------------------------------------------------------------------------------
 * Applying rules
 * ------------------------------------------------------------------------------------- */

struct xf_ctx {
	bool is_request;          /* must agree with the R bit of the message (the R bit wins) */
	const char *from_peer;    /* Diameter identity of the peer the message came from; NULL:
	                             locally originated (rules with from_peer never match) */
	const char *to_peer;      /* answers: the peer it goes back to. Requests: NULL in
	                             forward callbacks (routing has not run yet), so rules with
	                             to_peer never match requests there */
	struct xf_state *state;   /* the table of {n}/{hash} pseudonyms; NULL: hide_host with such
	                             a template fails with ENOTSUP ({enc} needs none) */
	struct xf_trace *trace;   /* NULL, or collects fired rules and their changes */
};

/* xf_apply's result when a bound stopped the evaluation: a regex reached its match, depth or
 * heap limit, or the message used up its budget of steps or regex executions (the rule
 * file's `limits:`). Distinct from every other error xf_apply returns. */
#define XF_ELIMIT ETIME

/* Run the rules on msg, in file order: each rule whose match holds runs its actions in order;
 * later rules see the changes of earlier ones; a rule with `last: true` that fires ends the
 * evaluation. *ret_fired (if not NULL) receives the number of rules that fired, also when an
 * action failed (the failing rule counts).
 *
 * Returns 0 even if no rule fired. If an action cannot be applied (its result does not fit
 * the AVP type or XF_VALUE_MAX, a pseudonym would be too long, memory...), or a bound is
 * reached (XF_ELIMIT), evaluation stops there and the errno is returned (EINVAL, ENOSPC,
 * ENAMETOOLONG, ENOMEM, ENOTSUP, XF_ELIMIT); the rule's error counter is incremented (and
 * its limit counter for XF_ELIMIT). Each action either completes on one AVP instance or leaves it untouched, so
 * the message is always a valid Diameter message, with the changes made before the failure
 * kept. The DRA should answer a request with DIAMETER_UNABLE_TO_COMPLY (5012) and relay an
 * answer unchanged from that point, and count it.
 *
 * A message no rule concerns (direction/application/command pre-filter) costs a binary
 * search and is not parsed, modified or allocated for. The message may be fully parsed,
 * or only partly (as in freeDiameter forward callbacks): AVPs the rules name are parsed
 * on demand with fd_msg_parse_dict. */
int xf_apply(const struct xf_rules *rules, struct msg *msg, const struct xf_ctx *ctx,
             unsigned *ret_fired);

/* Longest value (octets, or characters of the text form) an action builds. */
#define XF_VALUE_MAX 2048

#endif /* XF_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * apply.c: running a compiled rule set on a message, and the rule set's lifetime (reference
 * count) and counters. Nothing here takes a lock: the rule set is immutable once loaded and
 * the counters are relaxed atomics.
 */
#include "xf_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void xf_rules_ref(struct xf_rules *rs)
{
	if (rs)
		atomic_fetch_add_explicit(&rs->refs, 1, memory_order_relaxed);
}

size_t xf_rules_count(const struct xf_rules *rs)
{
	return rs ? rs->n : 0;
}

const char *xf_rules_source(const struct xf_rules *rs)
{
	return rs ? rs->source : NULL;
}

void xf_rules_stats(const struct xf_rules *rs,
                    void (*cb)(void *data, const struct xf_rule_stats *st), void *data)
{
	if (!rs || !cb)
		return;
	for (size_t i = 0; i < rs->n; i++) {
		struct xf_rule_stats st = {
			.index = i, .name = rs->rules[i].name, .line = rs->rules[i].line,
			.hits = atomic_load_explicit(&rs->ctr[i].hits, memory_order_relaxed),
			.rewrites = atomic_load_explicit(&rs->ctr[i].rewrites, memory_order_relaxed),
			.errors = atomic_load_explicit(&rs->ctr[i].errors, memory_order_relaxed),
			.limits = atomic_load_explicit(&rs->ctr[i].limits, memory_order_relaxed),
		};
		cb(data, &st);
	}
}

static bool xf_cmd_indexed(const struct xf_rules *rs, uint32_t code)
{
	size_t lo = 0, hi = rs->ncmd_index;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (rs->cmd_index[mid] == code)
			return true;
		if (rs->cmd_index[mid] < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* Count a failure of rule i (and a limit reached, apart); trace it. */
static void xf_rule_failed(const struct xf_rules *rs, size_t i, const struct xf_ctx *ctx, int ret,
                           const char *what, int line)
{
	atomic_fetch_add_explicit(&rs->ctr[i].errors, 1, memory_order_relaxed);
	if (ret == XF_ELIMIT)
		atomic_fetch_add_explicit(&rs->ctr[i].limits, 1, memory_order_relaxed);
	if (ctx->trace)
		xf_trace_add(ctx->trace, "  %s at line %d failed: %s", what, line,
		             ret == XF_ELIMIT ? "a limit was reached (limits: in the rule file)"
		                              : strerror(ret));
}

int xf_apply(const struct xf_rules *rs, struct msg *msg, const struct xf_ctx *ctx,
             unsigned *ret_fired)
{
	struct msg_hdr *hdr = NULL;
	struct xf_budget bud;
	unsigned fired = 0, dir;
	int ret = 0;

	if (!rs || !msg || !ctx)
		return EINVAL;
	if (fd_msg_hdr(msg, &hdr))
		return EINVAL;
	dir = (hdr->msg_flags & CMD_FLAG_REQUEST) ? XF_DIR_REQ : XF_DIR_ANS;
	/* The pre-filter: most messages stop here. */
	if (!(rs->dirs & dir) || (!rs->any_cmd && !xf_cmd_indexed(rs, hdr->msg_code)))
		goto out;

	/* One budget for the whole message: whatever the rules and the message hold, one
	 * message cannot cost more than this (see xf_limits). */
	bud.steps = rs->limits.message_steps;
	bud.regex = rs->limits.message_regex;
	bud.mctx = rs->mctx;
	for (size_t i = 0; i < rs->n; i++) {
		const struct xf_rule *r = &rs->rules[i];
		unsigned rule_changed = 0;
		bool match = false;

		if (bud.steps == 0) {
			ret = XF_ELIMIT;
			xf_rule_failed(rs, i, ctx, ret, "rule", r->line);
			goto out;
		}
		bud.steps--;
		ret = xf_rule_matches(rs, r, msg, hdr, ctx, &bud, &match);
		if (ret) {
			xf_rule_failed(rs, i, ctx, ret, "match", r->line);
			goto out;
		}
		if (!match)
			continue;
		fired++;
		atomic_fetch_add_explicit(&rs->ctr[i].hits, 1, memory_order_relaxed);
		if (ctx->trace)
			xf_trace_add(ctx->trace, "rule '%s' (%s:%d) fired", r->name, rs->source, r->line);
		for (size_t j = 0; j < r->nacts; j++) {
			unsigned changed = 0;

			if (bud.steps == 0)
				ret = XF_ELIMIT;
			else {
				bud.steps--;
				ret = xf_action_run(rs, r, &r->acts[j], msg, ctx, &bud, &changed);
			}
			rule_changed += changed;
			if (ret) {
				if (rule_changed)
					atomic_fetch_add_explicit(&rs->ctr[i].rewrites, 1, memory_order_relaxed);
				xf_rule_failed(rs, i, ctx, ret, "action", r->acts[j].line);
				goto out;
			}
		}
		if (rule_changed)
			atomic_fetch_add_explicit(&rs->ctr[i].rewrites, 1, memory_order_relaxed);
		if (r->last)
			break;
	}
out:
	if (ret_fired)
		*ret_fired = fired;
	return ret;
}

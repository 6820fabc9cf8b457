/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * regex.c: the rule language's regexes, run by PCRE2 with bounds. A regex in a rule runs on
 * values a peer chose, inside freeDiameter's routing threads, so neither compiling nor
 * matching may cost more than a bound: the pattern length, the nesting of parentheses and
 * the compiled size (64 KiB with Debian's link size) are capped at load, and each execution
 * has a match limit (backtracking steps), a depth limit and a heap limit; the JIT is used
 * when the platform allows it (it runs the same patterns 4-8 times faster).
 *
 * Rule files were written for POSIX extended regexes (glibc regcomp) before. The constructs
 * PCRE2 would read differently without a compile error are refused at load (xf_re_posix),
 * and the options below keep the POSIX meaning of `.` (any octet, newline included) and `$`
 * (the very end only).
 */
#include "xf_int.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* Parentheses nesting accepted (PCRE2's default is 250). */
#define XF_RE_NEST_MAX 32
/* Heap for backtracking frames per execution, KiB (PCRE2's default is 20 GB). A value of
 * XF_VALUE_MAX octets matched by a pattern with ten groups needs well under this. */
#define XF_RE_HEAP_KIB 1024

/* ---------------------------------------------------------------------------------------
 * What POSIX ERE (glibc) and PCRE2 read differently
 * ------------------------------------------------------------------------------------- */

static bool xf_is_quant_char(char c)
{
	return c == '*' || c == '+' || c == '?';
}

/* Length of an interval `{n}`, `{n,}`, `{n,m}` or `{,m}` at p, 0 if p does not start one. */
static size_t xf_interval_len(const char *p)
{
	size_t i = 1;
	bool lo = false, hi = false, comma = false;

	if (*p != '{')
		return 0;
	while (isdigit((unsigned char)p[i])) {
		lo = true;
		i++;
	}
	if (p[i] == ',') {
		comma = true;
		i++;
		while (isdigit((unsigned char)p[i])) {
			hi = true;
			i++;
		}
	}
	if (p[i] != '}' || (!lo && !hi) || (!lo && !comma))
		return 0;
	return i + 1;
}

/* Refuse (EINVAL, reason in why) a construct that glibc's regcomp(REG_EXTENDED) accepted
 * with one meaning and PCRE2 accepts with another. Constructs both reject, or only POSIX
 * rejects (PCRE2's additions: (?:...), (?i), lookarounds...), pass. */
static int xf_re_posix(const char *pat, char *why, size_t whysz)
{
	bool quant = false;       /* the previous item was a quantifier */
	size_t i = 0;

	while (pat[i]) {
		char c = pat[i];

		if (c == '\\') {
			char n = pat[i + 1];

			if (!n)
				return 0;   /* PCRE2 reports the trailing backslash */
			if (strchr("wWsSbB", n)) {
				/* the same classes and word boundaries in both */
			} else if (n >= '1' && n <= '9' && isdigit((unsigned char)pat[i + 2])) {
				snprintf(why, whysz, "'\\%c%c' is back-reference \\%c then '%c' in POSIX but "
				         "may be \\%c%c in PCRE2; write (?:\\%c)%c", n, pat[i + 2], n,
				         pat[i + 2], n, pat[i + 2], n, pat[i + 2]);
				return EINVAL;
			} else if (n >= '1' && n <= '9') {
				/* a back-reference in both */
			} else if (isalnum((unsigned char)n)) {
				snprintf(why, whysz, "'\\%c' was the plain character '%c' in the POSIX regexes "
				         "of earlier versions and is an escape in PCRE2; write '%c', or a "
				         "bracket expression such as [0-9] for a class", n, n, n);
				return EINVAL;
			} else if (strchr("<>`'", n)) {
				snprintf(why, whysz, "'\\%c' was a GNU anchor in the POSIX regexes of earlier "
				         "versions and is a plain '%c' in PCRE2; use \\b, ^ or $", n, n);
				return EINVAL;
			}
			i += 2;
			quant = false;
			continue;
		}
		if (c == '[') {
			size_t j = i + 1;

			if (pat[j] == '^')
				j++;
			if (pat[j] == ']')
				j++;
			while (pat[j] && pat[j] != ']') {
				if (pat[j] == '[' && (pat[j + 1] == ':' || pat[j + 1] == '.'
				                      || pat[j + 1] == '=')) {
					char close[3] = { pat[j + 1], ']', '\0' };
					const char *e = strstr(pat + j + 2, close);
					if (!e)
						return 0;   /* PCRE2 reports it */
					j = (size_t)(e - pat) + 2;
					continue;
				}
				if (pat[j] == '\\') {
					if (pat[j + 1] == '\\') {
						/* [\\] is a backslash to both */
						j += 2;
						continue;
					}
					snprintf(why, whysz, "a backslash inside [...] was a plain backslash in the "
					         "POSIX regexes of earlier versions and starts an escape in PCRE2; "
					         "write \\\\ for a backslash, or list the characters");
					return EINVAL;
				}
				j++;
			}
			if (!pat[j])
				return 0;   /* unterminated: PCRE2 reports it */
			i = j + 1;
			quant = false;
			continue;
		}
		if (c == '(') {
			i++;
			/* (? and (* start PCRE2 group syntax, which POSIX refused: not quantifiers */
			if (pat[i] == '?' || pat[i] == '*')
				i++;
			quant = false;
			continue;
		}
		if (c == '{') {
			size_t l = xf_interval_len(pat + i);

			if (l && pat[i + 1] == ',') {
				snprintf(why, whysz, "'{,n}' was {0,n} in the POSIX regexes of earlier versions "
				         "and is literal text in PCRE2; write {0,n}");
				return EINVAL;
			}
			if (l && quant) {
				snprintf(why, whysz, "a quantifier after a quantifier repeated the repetition in "
				         "POSIX and makes it lazy or possessive in PCRE2; group it: (a*)+");
				return EINVAL;
			}
			if (l) {
				i += l;
				quant = true;
				continue;
			}
			i++;
			quant = false;
			continue;
		}
		if (xf_is_quant_char(c)) {
			if (quant) {
				snprintf(why, whysz, "'%c' after a quantifier repeated the repetition in POSIX "
				         "and makes it lazy or possessive in PCRE2; group it: (a*)%c", c, c);
				return EINVAL;
			}
			quant = true;
			i++;
			continue;
		}
		quant = false;
		i++;
	}
	return 0;
}

/* ---------------------------------------------------------------------------------------
 * Compiling
 * ------------------------------------------------------------------------------------- */

int xf_re_compile(struct xf_re *re, const char *pat, bool nocase, uint32_t max_length,
                  char *why, size_t whysz)
{
	/* DOTALL and DOLLAR_ENDONLY: `.` and `$` as in POSIX. NEVER_UTF/UCP: values are
	 * octets, and a pattern may not switch to UTF (an invalid UTF-8 value would then be a
	 * match error) nor make \w depend on Unicode tables. */
	uint32_t opts = PCRE2_DOTALL | PCRE2_DOLLAR_ENDONLY | PCRE2_NEVER_UTF | PCRE2_NEVER_UCP
	                | PCRE2_NEVER_BACKSLASH_C | (nocase ? PCRE2_CASELESS : 0);
	pcre2_compile_context *cc = NULL;
	size_t len = strlen(pat);
	PCRE2_SIZE off = 0;
	int err = 0, ret = 0;

	memset(re, 0, sizeof(*re));
	if (len > max_length) {
		snprintf(why, whysz, "regex is %zu characters long, more than limits.regex_length "
		         "(%u)", len, max_length);
		return EINVAL;
	}
	if ((ret = xf_re_posix(pat, why, whysz)))
		return ret;
	if (!(cc = pcre2_compile_context_create(NULL)))
		return ENOMEM;
	pcre2_set_max_pattern_length(cc, max_length);
	pcre2_set_parens_nest_limit(cc, XF_RE_NEST_MAX);
	re->code = pcre2_compile((PCRE2_SPTR)pat, len, opts, &err, &off, cc);
	pcre2_compile_context_free(cc);
	if (!re->code) {
		PCRE2_UCHAR msg[160];

		if (err == PCRE2_ERROR_NOMEMORY)
			return ENOMEM;
		if (pcre2_get_error_message(err, msg, sizeof(msg)) < 0)
			snprintf((char *)msg, sizeof(msg), "error %d", err);
		snprintf(why, whysz, "%s at offset %zu", (const char *)msg, (size_t)off);
		return EINVAL;
	}
	if (pcre2_pattern_info(re->code, PCRE2_INFO_CAPTURECOUNT, &re->ngroups))
		re->ngroups = 0;
	/* Where the JIT is refused (no executable memory, another architecture), the
	 * interpreter runs the pattern under the same limits. */
	(void)pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);
	return 0;
}

void xf_re_free(struct xf_re *re)
{
	if (!re)
		return;
	pcre2_code_free(re->code);
	re->code = NULL;
}

pcre2_match_context *xf_re_mctx_new(const struct xf_limits *lim)
{
	pcre2_match_context *mc = pcre2_match_context_create(NULL);

	if (!mc)
		return NULL;
	pcre2_set_match_limit(mc, lim->regex_match);
	pcre2_set_depth_limit(mc, lim->regex_match);
	pcre2_set_heap_limit(mc, XF_RE_HEAP_KIB);
	return mc;
}

/* ---------------------------------------------------------------------------------------
 * Matching
 * ------------------------------------------------------------------------------------- */

/* Match data (the capture vector, and the interpreter's backtracking frames, kept between
 * calls) is per thread: rule sets are shared by every routing thread without a lock. */
static pthread_key_t xf_md_key;
static pthread_once_t xf_md_once = PTHREAD_ONCE_INIT;
static bool xf_md_ok;

static void xf_md_free(void *md)
{
	pcre2_match_data_free(md);
}

static void xf_md_init(void)
{
	xf_md_ok = pthread_key_create(&xf_md_key, xf_md_free) == 0;
}

static pcre2_match_data *xf_md(void)
{
	pcre2_match_data *md;

	pthread_once(&xf_md_once, xf_md_init);
	if (!xf_md_ok)
		return NULL;
	md = pthread_getspecific(xf_md_key);
	if (md)
		return md;
	md = pcre2_match_data_create(XF_RE_PAIRS, NULL);
	if (md && pthread_setspecific(xf_md_key, md)) {
		pcre2_match_data_free(md);
		md = NULL;
	}
	return md;
}

int xf_re_match(const struct xf_re *re, struct xf_budget *bud, const char *s, size_t len,
                size_t *ovec, bool *ret_match)
{
	pcre2_match_data *md;
	int rc;

	*ret_match = false;
	if (!re->code)
		return EINVAL;
	if (bud->regex == 0)
		return XF_ELIMIT;
	bud->regex--;
	if (!(md = xf_md()))
		return ENOMEM;
	rc = pcre2_match(re->code, (PCRE2_SPTR)s, len, 0, 0, md, bud->mctx);
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	switch (rc) {
	case PCRE2_ERROR_MATCHLIMIT:
	case PCRE2_ERROR_DEPTHLIMIT:
	case PCRE2_ERROR_HEAPLIMIT:
	case PCRE2_ERROR_JIT_STACKLIMIT:
		return XF_ELIMIT;
	case PCRE2_ERROR_NOMEMORY:
		return ENOMEM;
	}
	if (rc < 0)
		return EINVAL;
	/* rc == 0: more groups than pairs; the first XF_RE_PAIRS are set all the same */
	if (ovec) {
		const PCRE2_SIZE *v = pcre2_get_ovector_pointer(md);
		uint32_t n = pcre2_get_ovector_count(md);

		for (uint32_t i = 0; i < XF_RE_PAIRS; i++) {
			bool set = i < n && (rc == 0 || i < (uint32_t)rc) && v[2 * i] != PCRE2_UNSET;
			ovec[2 * i] = set ? v[2 * i] : PCRE2_UNSET;
			ovec[2 * i + 1] = set ? v[2 * i + 1] : PCRE2_UNSET;
		}
	}
	*ret_match = true;
	return 0;
}

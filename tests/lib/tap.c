/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tap.c: TAP output for the checks of tap.h. Test points are numbered under one mutex so
 * threads may check too; stdout is line-buffered so the lines a test prints itself, and
 * those of a child it forks, stay in order.
 */
#include "tap.h"

#include <ctype.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t tap_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned tap_n, tap_failed, tap_planned;
static bool tap_has_plan;

__attribute__((constructor)) static void tap_init(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
}

static const char *const tap_op_text[] = { "==", "!=", "<", "<=", ">", ">=" };

/* A test point's name on one line; '#' would start a TAP directive. */
static void tap_put_name(const char *s)
{
	for (; *s; s++) {
		if (*s == '#')
			fputs("\\#", stdout);
		else if (*s == '\n' || *s == '\r' || *s == '\t')
			putchar(' ');
		else
			putchar(*s);
	}
}

/* Prints one test point and, when it failed, where it is and the diagnostic lines in diag
 * (what the check saw), all under the lock so threads do not interleave them. */
static void tap_vpoint(bool ok, const char *file, int line, const char *expr, const char *diag,
                       const char *fmt, va_list ap)
{
	const char *base = strrchr(file, '/');
	char name[1024];

	vsnprintf(name, sizeof(name), fmt, ap);
	pthread_mutex_lock(&tap_lock);
	tap_n++;
	printf("%s %u - ", ok ? "ok" : "not ok", tap_n);
	tap_put_name(name[0] ? name : expr);
	putchar('\n');
	if (!ok) {
		tap_failed++;
		printf("#   %s:%d: %s\n", base ? base + 1 : file, line, expr);
		for (const char *d = diag; d && *d;) {
			const char *nl = strchr(d, '\n');
			int len = nl ? (int)(nl - d) : (int)strlen(d);

			printf("#   %.*s\n", len, d);
			d += len + (nl != NULL);
		}
	}
	fflush(stdout);
	pthread_mutex_unlock(&tap_lock);
}

/* In a check function with the parameters file, line, expr and fmt: report the point. */
#define TAP_REPORT(ok, diag)                                              \
	do {                                                              \
		va_list ap_;                                              \
		va_start(ap_, fmt);                                       \
		tap_vpoint((ok), file, line, expr, (diag), fmt, ap_);     \
		va_end(ap_);                                              \
	} while (0)

/* Appends a value to buf as a quoted C string: printable ASCII as is, the rest escaped. */
static void tap_quote(char *buf, size_t size, const char *s)
{
	size_t n = strlen(buf);

	if (!s) {
		snprintf(buf + n, size - n, "NULL");
		return;
	}
	n += (size_t)snprintf(buf + n, size - n, "\"");
	for (; *s && n + 8 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			n += (size_t)snprintf(buf + n, size - n, "\\%c", c);
		else if (c == '\n')
			n += (size_t)snprintf(buf + n, size - n, "\\n");
		else if (isprint(c))
			buf[n++] = (char)c, buf[n] = '\0';
		else
			n += (size_t)snprintf(buf + n, size - n, "\\x%02x", c);
	}
	snprintf(buf + n, size - n, *s ? "\"..." : "\"");
}

/* Appends "LABEL: xx xx ..." (up to 32 octets from `from`) and a newline to buf. */
static void tap_hexline(char *buf, size_t size, const char *label, const uint8_t *p, size_t n,
                        size_t from)
{
	size_t i, end = from + 32 < n ? from + 32 : n, k = strlen(buf);

	if (from)
		k += (size_t)snprintf(buf + k, size - k, "%s [%zu..]:", label, from);
	else
		k += (size_t)snprintf(buf + k, size - k, "%s:", label);
	for (i = from; i < end && k + 4 < size; i++)
		k += (size_t)snprintf(buf + k, size - k, " %02x", p[i]);
	if (k < size)
		snprintf(buf + k, size - k, "%s\n", end < n ? " ..." : "");
}

bool tap_check_(bool ok, const char *file, int line, const char *expr, const char *fmt, ...)
{
	TAP_REPORT(ok, NULL);
	return ok;
}

#define TAP_CMP(a, op, b) \
	((op) == TAP_EQ ? (a) == (b) : (op) == TAP_NE ? (a) != (b) : (op) == TAP_LT ? (a) < (b) \
	 : (op) == TAP_LE ? (a) <= (b) : (op) == TAP_GT ? (a) > (b) : (a) >= (b))

bool tap_int_(intmax_t a, enum tap_op op, intmax_t b, const char *file, int line,
              const char *expr, const char *fmt, ...)
{
	bool ok = TAP_CMP(a, op, b);
	char diag[128];

	snprintf(diag, sizeof(diag), "got %jd, want %s %jd", a, tap_op_text[op], b);
	TAP_REPORT(ok, diag);
	return ok;
}

bool tap_uint_(uintmax_t a, enum tap_op op, uintmax_t b, const char *file, int line,
               const char *expr, const char *fmt, ...)
{
	bool ok = TAP_CMP(a, op, b);
	char diag[160];

	snprintf(diag, sizeof(diag), "got %ju (0x%jx), want %s %ju (0x%jx)", a, a,
	         tap_op_text[op], b, b);
	TAP_REPORT(ok, diag);
	return ok;
}

bool tap_err_(int a, int b, const char *file, int line, const char *expr, const char *fmt, ...)
{
	char diag[256];

	snprintf(diag, sizeof(diag), "got %d (%s), want %d (%s)", a, a > 0 ? strerror(a) : "-", b,
	         b > 0 ? strerror(b) : "-");
	TAP_REPORT(a == b, diag);
	return a == b;
}

bool tap_str_(const char *got, const char *want, bool substr, const char *file, int line,
              const char *expr, const char *fmt, ...)
{
	char diag[4096] = "";
	bool ok;

	if (substr)
		ok = got && want && strstr(got, want);
	else
		ok = (!got && !want) || (got && want && !strcmp(got, want));
	if (!ok) {
		strcpy(diag, substr ? "in:   " : "got:  ");
		tap_quote(diag, sizeof(diag) / 2, got);
		strcat(diag, "\nwant: ");
		tap_quote(diag, sizeof(diag), want);
	}
	TAP_REPORT(ok, diag);
	return ok;
}

bool tap_mem_(const void *got, const void *want, size_t n, const char *file, int line,
              const char *expr, const char *fmt, ...)
{
	const uint8_t *g = got, *w = want;
	char diag[512] = "";
	size_t i = 0;
	bool ok;

	if (g && w)
		while (i < n && g[i] == w[i])
			i++;
	ok = g && w && i == n;
	if (!ok && g && w) {
		size_t from = i < 8 ? 0 : i - 8;

		snprintf(diag, sizeof(diag), "%zu octets, first difference at %zu\n", n, i);
		tap_hexline(diag, sizeof(diag), "got ", g, n, from);
		tap_hexline(diag, sizeof(diag), "want", w, n, from);
	} else if (!ok) {
		snprintf(diag, sizeof(diag), "got %s, want %s", g ? "octets" : "NULL",
		         w ? "octets" : "NULL");
	}
	TAP_REPORT(ok, diag);
	return ok;
}

static int tap_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

void tap_hex(const char *hex, void *out, size_t n)
{
	uint8_t *o = out;

	if (strlen(hex) != 2 * n)
		tap_bail("test data \"%s\" is not %zu octets of hex", hex, n);
	for (size_t i = 0; i < n; i++) {
		int hi = tap_nibble(hex[2 * i]), lo = tap_nibble(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			tap_bail("test data \"%s\" is not hex", hex);
		o[i] = (uint8_t)(hi << 4 | lo);
	}
}

bool tap_hex_(const void *got, const char *hex, size_t n, const char *file, int line,
              const char *expr, const char *fmt, ...)
{
	uint8_t stackbuf[256], *want = n <= sizeof(stackbuf) ? stackbuf : malloc(n);
	char name[1024];
	bool ok;
	va_list ap;

	if (!want)
		tap_bail("out of memory");
	tap_hex(hex, want, n);
	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	ok = tap_mem_(got, want, n, file, line, expr, "%s", name);
	if (want != stackbuf)
		free(want);
	return ok;
}

void tap_plan(unsigned n)
{
	pthread_mutex_lock(&tap_lock);
	tap_has_plan = true;
	tap_planned = n;
	printf("1..%u\n", n);
	pthread_mutex_unlock(&tap_lock);
}

void tap_note(const char *fmt, ...)
{
	char text[4096], *line, *save = NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&tap_lock);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		printf("# %s\n", line);
	fflush(stdout);
	pthread_mutex_unlock(&tap_lock);
}

unsigned tap_failures(void)
{
	unsigned n;

	pthread_mutex_lock(&tap_lock);
	n = tap_failed;
	pthread_mutex_unlock(&tap_lock);
	return n;
}

int tap_done(void)
{
	int rc;

	pthread_mutex_lock(&tap_lock);
	if (!tap_has_plan)
		printf("1..%u\n", tap_n);
	if (!tap_n) {
		printf("# no check ran\n");
		rc = 1;
	} else if (tap_failed) {
		printf("# %u of %u checks failed\n", tap_failed, tap_n);
		rc = 1;
	} else if (tap_has_plan && tap_n != tap_planned) {
		printf("# %u checks ran, %u planned\n", tap_n, tap_planned);
		rc = 1;
	} else {
		printf("# all %u checks passed\n", tap_n);
		rc = 0;
	}
	fflush(stdout);
	pthread_mutex_unlock(&tap_lock);
	return rc;
}

/* "HEAD why" on one line, why from fmt and ap. */
static void tap_vline(const char *head, const char *fmt, va_list ap)
{
	char why[1024];

	vsnprintf(why, sizeof(why), fmt, ap);
	fputs(head, stdout);
	tap_put_name(why);
	putchar('\n');
	fflush(stdout);
}

int tap_skip_all(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vline("1..0 # SKIP ", fmt, ap);
	va_end(ap);
	return 0;
}

void tap_bail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vline("Bail out! ", fmt, ap);
	va_end(ap);
	exit(1);
}

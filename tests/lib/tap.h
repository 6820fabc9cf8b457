/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tap.h: the checks of every C test (tests_lib_dep). Each check is one TAP test point,
 * "ok N - what" or "not ok N - what"; a failed check adds "#" lines with its file, line,
 * expression and the values it saw, and the run goes on, so one run reports every mismatch.
 * main() ends with `return tap_done();`. Meson runs these programs with protocol 'tap'.
 *
 * Every CHECK macro is an expression giving true when the check passed. The optional
 * trailing arguments are a printf format and its values naming the check ("set %d: f1",
 * i); without them the check is named by its expression. The macros are thread-safe.
 *
 *   CHECK(cond, ...)              cond is true
 *   CHECK_INT(a, op, b, ...)      a op b as intmax_t (op: == != < <= > >=), prints a and b
 *   CHECK_UINT(a, op, b, ...)     the same as uintmax_t, printed in decimal and hex
 *   CHECK_ERR(a, b, ...)          two errno-style codes are equal, printed with strerror
 *   CHECK_STR(got, want, ...)     C strings are equal (NULL equals only NULL)
 *   CHECK_SUBSTR(hay, needle, ...) needle occurs in hay
 *   CHECK_MEM(got, want, n, ...)  n octets are equal, printed in hex
 *   CHECK_HEX(got, hex, n, ...)   n octets equal the hex text (2n digits)
 */
#ifndef TAP_H
#define TAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Announce the number of checks up front (optional: tap_done prints the plan otherwise). */
void tap_plan(unsigned n);

/* A "#" line on stdout (TAP diagnostics): progress, figures, context of what follows. */
void tap_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Ends the run: prints the plan (when tap_plan was not called) and a summary; returns the
 * exit code for main: 0 when every check passed, 1 when one failed or none ran. */
int tap_done(void);

/* The whole program cannot run here (a missing file, server or build option): prints
 * "1..0 # SKIP why" and returns 0, the exit code Meson's TAP protocol counts as skipped.
 * Call it before any check. */
int tap_skip_all(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Setup failed so that no check can mean anything: prints "Bail out! why", exits 1. */
void tap_bail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Number of failed checks so far. */
unsigned tap_failures(void);

/* Test data in hex into out (exactly 2n hex digits); bails out on anything else, which is
 * a mistake in the test itself. */
void tap_hex(const char *hex, void *out, size_t n);

/* Behind the macros. */
enum tap_op { TAP_EQ, TAP_NE, TAP_LT, TAP_LE, TAP_GT, TAP_GE };
bool tap_check_(bool ok, const char *file, int line, const char *expr, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
bool tap_int_(intmax_t a, enum tap_op op, intmax_t b, const char *file, int line,
              const char *expr, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
bool tap_uint_(uintmax_t a, enum tap_op op, uintmax_t b, const char *file, int line,
               const char *expr, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
bool tap_err_(int a, int b, const char *file, int line, const char *expr, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
bool tap_str_(const char *got, const char *want, bool substr, const char *file, int line,
              const char *expr, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
bool tap_mem_(const void *got, const void *want, size_t n, const char *file, int line,
              const char *expr, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
bool tap_hex_(const void *got, const char *hex, size_t n, const char *file, int line,
              const char *expr, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* "op" as an operator token turned into enum tap_op: (0 op 0) and (0 op 1) tell them apart. */
#define TAP_OP_(op) \
	((0 op 0) ? ((0 op 1) ? TAP_LE : ((1 op 0) ? TAP_GE : TAP_EQ)) \
	          : ((0 op 1) ? ((1 op 0) ? TAP_NE : TAP_LT) : TAP_GT))

/* "" __VA_ARGS__: the optional name format, empty when not given. */
#define CHECK(cond, ...) \
	tap_check_(!!(cond), __FILE__, __LINE__, #cond, "" __VA_ARGS__)
#define CHECK_INT(a, op, b, ...) \
	tap_int_((intmax_t)(a), TAP_OP_(op), (intmax_t)(b), __FILE__, __LINE__, \
	         #a " " #op " " #b, "" __VA_ARGS__)
#define CHECK_UINT(a, op, b, ...) \
	tap_uint_((uintmax_t)(a), TAP_OP_(op), (uintmax_t)(b), __FILE__, __LINE__, \
	          #a " " #op " " #b, "" __VA_ARGS__)
#define CHECK_ERR(a, b, ...) \
	tap_err_((int)(a), (int)(b), __FILE__, __LINE__, #a " == " #b, "" __VA_ARGS__)
#define CHECK_STR(got, want, ...) \
	tap_str_((got), (want), false, __FILE__, __LINE__, #got " == " #want, "" __VA_ARGS__)
#define CHECK_SUBSTR(hay, needle, ...) \
	tap_str_((hay), (needle), true, __FILE__, __LINE__, #needle " in " #hay, "" __VA_ARGS__)
#define CHECK_MEM(got, want, n, ...) \
	tap_mem_((got), (want), (n), __FILE__, __LINE__, #got " == " #want, "" __VA_ARGS__)
#define CHECK_HEX(got, hex, n, ...) \
	tap_hex_((got), (hex), (n), __FILE__, __LINE__, #got " == " #hex, "" __VA_ARGS__)

#endif /* TAP_H */

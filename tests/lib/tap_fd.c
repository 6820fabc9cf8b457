/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tap_fd.c: for the TAP programs that run freeDiameter (tests_fd_dep): its log goes to
 * stderr, where it stays readable, instead of stdout, where every line would be an unknown
 * line in the TAP stream. Registered before main() so no line escapes.
 */
#include <freeDiameter/freeDiameter-host.h>
#include <freeDiameter/libfdproto.h>

#include <stdarg.h>
#include <stdio.h>

static void tap_fd_logger(int level, const char *fmt, va_list ap)
{
	fprintf(stderr, "fd[%d] ", level);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

__attribute__((constructor)) static void tap_fd_init(void)
{
	fd_log_handler_register(tap_fd_logger);
}

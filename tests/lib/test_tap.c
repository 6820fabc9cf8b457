/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_tap.c: the checks of tap.h can fail, and say what they saw. A child process runs
 * passing and failing checks with its stdout in a pipe; the parent checks the TAP text
 * (numbering, names, the values printed for each failure, plan, summary, exit code).
 */
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void child(void)
{
	const char *got = "abc";
	unsigned char mem[3] = { 1, 2, 3 };
	int n = 5;

	CHECK(n == 5);
	CHECK(n == 6, "n is six for set %d", 7);
	CHECK_INT(n, ==, 6);
	CHECK_INT(n, <, 6);
	CHECK_UINT(n, >=, 255);
	CHECK_ERR(EINVAL, 0);
	CHECK_STR(got, "abd");
	CHECK_STR(NULL, "x");
	CHECK_SUBSTR(got, "zz");
	CHECK_MEM(mem, "\x01\x02\x04", 3);
	CHECK_HEX(mem, "010203", 3, "hex # equal");
	exit(tap_done());
}

/* Run child() with stdout into a buffer; returns its exit status. */
static int run_child(char *out, size_t len)
{
	int pfd[2], status = -1;
	size_t got = 0;
	ssize_t r;
	pid_t pid;

	if (pipe(pfd))
		tap_bail("pipe: %s", strerror(errno));
	fflush(stdout);
	if ((pid = fork()) < 0)
		tap_bail("fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		child();
	}
	close(pfd[1]);
	while (got + 1 < len && (r = read(pfd[0], out + got, len - 1 - got)) > 0)
		got += (size_t)r;
	out[got] = '\0';
	close(pfd[0]);
	waitpid(pid, &status, 0);
	return status;
}

int main(void)
{
	static char out[16384];
	int status = run_child(out, sizeof(out));
	static const char *const want[] = {
		"ok 1 - n == 5\n",
		"not ok 2 - n is six for set 7\n#   test_tap.c:",
		": n == 6\n",
		"not ok 3 - n == 6\n",
		"#   got 5, want == 6\n",
		"ok 4 - n < 6\n",
		"not ok 5 - n >= 255\n",
		"#   got 5 (0x5), want >= 255 (0xff)\n",
		"not ok 6 - EINVAL == 0\n",
		"#   got 22 (Invalid argument), want 0 (-)\n",
		"not ok 7 - got == \"abd\"\n",
		"#   got:  \"abc\"\n#   want: \"abd\"\n",
		"#   got:  NULL\n#   want: \"x\"\n",
		"not ok 9 - \"zz\" in got\n",
		"#   in:   \"abc\"\n#   want: \"zz\"\n",
		"#   3 octets, first difference at 2\n",
		"#   got : 01 02 03\n#   want: 01 02 04\n",
		"ok 11 - hex \\# equal\n",
		"1..11\n",
		"# 8 of 11 checks failed\n",
	};

	tap_note("the child printed:\n%s", out);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		CHECK_SUBSTR(out, want[i], "output holds %.30s...", want[i]);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1,
	      "failed checks give exit code 1 (status %d)",
	      status);
	return tap_done();
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * replay.c: the one corpus driver of the fuzz targets. Linked with a target, it runs every
 * file of the directories (or files) given as arguments through LLVMFuzzerTestOneInput, so
 * the saved corpora are part of the normal test run without libFuzzer. With --mutations N
 * each input is also replayed in N deterministic mutations (bytes replaced, inserted,
 * deleted, a tail repeated), for targets whose corpus is a handful of seeds.
 *
 *   fuzz_X_replay [--mutations N] PATH...
 *
 * One TAP check per PATH: it has inputs and every one was read. A crash, a sanitizer report
 * or an abort() in a target's property check ends the run; the input being replayed is
 * named on stderr first (unless a sanitizer owns that signal).
 */
#include "tap.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What is being replayed, for the crash handler (written before each input). */
static char rp_current[4096];
static unsigned long rp_mutation;
static unsigned rp_seed = 12345;

static void rp_crash(int sig)
{
	static const char head[] = "\nreplay: crashed on ";
	char num[32];
	int n = 0;
	unsigned long m = rp_mutation;

	/* async-signal-safe only: write(2) */
	(void)!write(2, head, sizeof(head) - 1);
	(void)!write(2, rp_current, strnlen(rp_current, sizeof(rp_current)));
	if (m) {
		char *p = num + sizeof(num);

		do {
			*--p = (char)('0' + m % 10);
			m /= 10;
		} while (m);
		(void)!write(2, " mutation ", 10);
		n = (int)(num + sizeof(num) - p);
		(void)!write(2, p, (size_t)n);
	}
	(void)!write(2, "\n", 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Our handler only where nobody (a sanitizer) has one. */
static void rp_handlers(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction old;

		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL &&
		    !(old.sa_flags & SA_SIGINFO))
			signal(sigs[i], rp_crash);
	}
}

/* One deterministic mutation of in[0..len) into out (room for 2 * len + 64 octets). */
static size_t rp_mutate(const uint8_t *in, size_t len, uint8_t *out, size_t room)
{
	static const char pool[] = "0123456789abcdefABCDEF,;=.-_:*x \t\xff\x01";
	size_t l = len, edits = 1 + (size_t)rand_r(&rp_seed) % 4;

	memcpy(out, in, len);
	for (size_t k = 0; k < edits; k++) {
		unsigned op = (unsigned)rand_r(&rp_seed) % 4;
		size_t pos = l ? (size_t)rand_r(&rp_seed) % l : 0;
		uint8_t c = (uint8_t)pool[(size_t)rand_r(&rp_seed) % (sizeof(pool) - 1)];

		if (op == 0 && l) {                         /* replace */
			out[pos] = c;
		} else if (op == 1 && l + 1 < room) {       /* insert */
			memmove(out + pos + 1, out + pos, l - pos);
			out[pos] = c;
			l++;
		} else if (op == 2 && l) {                  /* delete */
			memmove(out + pos, out + pos + 1, l - pos - 1);
			l--;
		} else if (l + (l - pos) <= room) {         /* repeat the tail */
			memmove(out + l, out + pos, l - pos);
			l += l - pos;
		}
	}
	return l;
}

/* Replays one file (and its mutations); 0 or errno. */
static int rp_file(const char *path, unsigned long mutations)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL, *mut = NULL;
	long len;
	size_t room;
	int rc = 0;

	if (!f)
		return errno;
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		rc = EIO;
		goto out;
	}
	/* One spare octet so a zero-length file still has a valid pointer. */
	room = 2 * (size_t)len + 64;
	if (!(buf = malloc((size_t)len + 1)) || (mutations && !(mut = malloc(room)))) {
		rc = ENOMEM;
		goto out;
	}
	if (fread(buf, 1, (size_t)len, f) != (size_t)len) {
		rc = EIO;
		goto out;
	}
	snprintf(rp_current, sizeof(rp_current), "%s", path);
	rp_mutation = 0;
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	for (rp_mutation = 1; rp_mutation <= mutations; rp_mutation++)
		LLVMFuzzerTestOneInput(mut, rp_mutate(buf, (size_t)len, mut, room));
out:
	free(buf);
	free(mut);
	fclose(f);
	return rc;
}

/* Replays a file or every file of a directory (sorted, dot files skipped). */
static void rp_path(const char *path, unsigned long mutations)
{
	struct dirent **ents = NULL;
	struct stat st;
	size_t n = 0, bad = 0;
	int k, rc;

	if (stat(path, &st)) {
		CHECK(false, "%s: %s", path, strerror(errno));
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		rc = rp_file(path, mutations);
		CHECK_ERR(rc, 0, "%s replayed%s", path, mutations ? " with its mutations" : "");
		return;
	}
	if ((k = scandir(path, &ents, NULL, alphasort)) < 0) {
		CHECK(false, "%s: %s", path, strerror(errno));
		return;
	}
	for (int j = 0; j < k; j++) {
		char sub[4096];

		if (ents[j]->d_name[0] != '.') {
			snprintf(sub, sizeof(sub), "%s/%s", path, ents[j]->d_name);
			if ((rc = rp_file(sub, mutations))) {
				tap_note("%s: cannot read: %s", sub, strerror(rc));
				bad++;
			}
			n++;
		}
		free(ents[j]);
	}
	free(ents);
	CHECK(n > 0 && bad == 0, "%s: %zu inputs replayed (%zu unreadable), %lu mutations each",
	      path, n, bad, mutations);
}

int main(int argc, char **argv)
{
	unsigned long mutations = 0;
	int i = 1;

	if (argc > 2 && !strcmp(argv[1], "--mutations")) {
		mutations = strtoul(argv[2], NULL, 10);
		i = 3;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: %s [--mutations N] PATH...\n", argv[0]);
		return 2;
	}
	rp_handlers();
	for (; i < argc; i++)
		rp_path(argv[i], mutations);
	return tap_done();
}

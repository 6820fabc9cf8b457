/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * replay.c: runs every file of the directories (or files) given as arguments through the
 * fuzz target it is linked with, so the saved corpus is part of the normal test run without
 * libFuzzer. A crash, a sanitizer report or an abort() in a target's property check fails
 * the test; so does an empty corpus.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int rp_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long len;
	int rc = 0;

	if (!f)
		return errno;
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		rc = EIO;
		goto out;
	}
	/* One spare octet so a zero-length file still has a valid pointer. */
	if (!(buf = malloc((size_t)len + 1))) {
		rc = ENOMEM;
		goto out;
	}
	if (fread(buf, 1, (size_t)len, f) != (size_t)len) {
		rc = EIO;
		goto out;
	}
	LLVMFuzzerTestOneInput(buf, (size_t)len);
out:
	free(buf);
	fclose(f);
	return rc;
}

static int rp_path(const char *path, size_t *n)
{
	struct dirent **ents = NULL;
	struct stat st;
	int k, rc = 0;

	if (stat(path, &st))
		return errno;
	if (!S_ISDIR(st.st_mode)) {
		if ((rc = rp_file(path)) == 0)
			(*n)++;
		return rc;
	}
	if ((k = scandir(path, &ents, NULL, alphasort)) < 0)
		return errno;
	for (int j = 0; j < k; j++) {
		char sub[4096];
		if (!rc && ents[j]->d_name[0] != '.') {
			snprintf(sub, sizeof(sub), "%s/%s", path, ents[j]->d_name);
			if ((rc = rp_file(sub)))
				fprintf(stderr, "%s: cannot read: %s\n", sub, strerror(rc));
			else
				(*n)++;
		}
		free(ents[j]);
	}
	free(ents);
	return rc;
}

int main(int argc, char **argv)
{
	size_t n = 0;

	for (int i = 1; i < argc; i++) {
		int rc = rp_path(argv[i], &n);
		if (rc) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(rc));
			return 1;
		}
	}
	printf("replayed %zu inputs\n", n);
	return n ? 0 : 1;
}

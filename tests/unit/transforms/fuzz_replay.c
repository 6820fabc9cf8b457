/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_replay.c: replays every file of the directories given as arguments through
 * LLVMFuzzerTestOneInput (fuzz_rules.c), so the saved fuzz corpus runs in the normal unit
 * suite without libFuzzer.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long len;

	if (!f)
		return errno;
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)
	    || !(buf = malloc((size_t)len + 1)) || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		fclose(f);
		free(buf);
		return EIO;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	size_t n = 0;

	for (int i = 1; i < argc; i++) {
		struct dirent **ents = NULL;
		int k = scandir(argv[i], &ents, NULL, alphasort);

		if (k < 0) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		for (int j = 0; j < k; j++) {
			char path[4096];
			if (ents[j]->d_name[0] != '.') {
				snprintf(path, sizeof(path), "%s/%s", argv[i], ents[j]->d_name);
				if (replay_file(path)) {
					fprintf(stderr, "%s: cannot read\n", path);
					return 1;
				}
				n++;
			}
			free(ents[j]);
		}
		free(ents);
	}
	printf("fuzz_replay: %zu inputs replayed\n", n);
	return n ? 0 : 1;
}

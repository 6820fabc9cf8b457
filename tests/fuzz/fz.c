/* SPDX-License-Identifier: BSD-3-Clause */
/* fz.c: one-time freeDiameter setup and the receiver-like message reader of the fuzz
 * targets (see fz.h). */
#include "fz.h"
#include "dict.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void fz_init(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	/* Every malformed input would otherwise log; the fuzzer runs millions of them. */
	fd_g_debug_lvl = FD_LOG_FATAL + 1;
	if (fd_core_initialize() || dict_load_all())
		abort();
}

int fz_msg_parse(const uint8_t *data, size_t size, struct msg **ret_msg)
{
	uint8_t *buf;
	size_t len;
	int rc;

	if (size < 20)
		return ENODATA;
	len = (size_t)data[1] << 16 | (size_t)data[2] << 8 | data[3];
	/* The receiver reads exactly `len` octets; a shorter length cannot frame a message. */
	if (len < 20 || len > size)
		return ENODATA;
	if (!(buf = malloc(len)))
		return ENOMEM;
	memcpy(buf, data, len);
	if ((rc = fd_msg_parse_buffer(&buf, len, ret_msg))) {
		free(buf);
		return rc;
	}
	return 0;
}

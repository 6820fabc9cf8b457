/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fz.h: what the fuzz targets of tests/fuzz share: a freeDiameter core initialised once
 * with our dictionaries (no network), and reading a Diameter message from raw bytes the
 * way freeDiameter's receiver does (the length field decides how many octets form the
 * message). The targets are built with libFuzzer under clang, and replayed over their
 * corpus by replay.c with any compiler.
 */
#ifndef FZ_H
#define FZ_H

#include "cm.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* freeDiameter core + dict_load_all, logs silenced; aborts if that fails (a broken build,
 * not an input problem). Idempotent. */
void fz_init(void);

/* A message as the receiver would hand it on: the first LEN octets of data, where LEN is
 * the header's length field (inputs shorter than that, or than a header, give ENODATA).
 * On success *ret_msg owns its buffer; free it with fd_msg_free. */
int fz_msg_parse(const uint8_t *data, size_t size, struct msg **ret_msg);

#endif /* FZ_H */

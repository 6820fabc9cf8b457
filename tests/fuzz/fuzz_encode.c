/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_encode.c: libFuzzer target for the promise of common/avp_repair.c, answer.c and
 * rx_guard.c: whatever a peer sends, what our nodes send back or on can be encoded (and
 * building the answer does not abort in freeDiameter), and freeDiameter never parses deeper
 * than CM_AVP_MAX_DEPTH.
 *
 * For any input, as our receive hooks and dispatch thread see it: cm_avp_depth_limit on the
 * raw octets, fd_msg_parse_buffer, cm_msg_defuse, then the whole parse (fd_msg_parse_rules).
 * Then:
 *   - no AVP of the parsed tree is deeper than CM_AVP_MAX_DEPTH;
 *   - relayed: after cm_msg_repair, fd_msg_bufferize succeeds;
 *   - answered (requests, parsed again from the same octets): a valid request gets
 *     cm_answer_new + Result-Code, a refused one cm_answer_parse_error with the parser's
 *     error; after cm_msg_repair the answer encodes.
 * Any failure of these is abort(): the fuzzer reports it, the corpus replay fails.
 */
#include "fz.h"
#include "dict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fe_fail(const char *what, int rc)
{
	fprintf(stderr, "fuzz_encode: %s (%s)\n", what, strerror(rc));
	abort();
}

/* A copy of the input after the receiver hook's depth cut, parsed (top level only). */
static int fe_read(const uint8_t *data, size_t size, struct msg **ret)
{
	uint8_t *copy;
	int rc;

	if (!(copy = malloc(size ? size : 1)))
		return ENOMEM;
	memcpy(copy, data, size);
	if (size >= 4) {
		size_t len = (size_t)copy[1] << 16 | (size_t)copy[2] << 8 | copy[3];
		(void)cm_avp_depth_limit(copy, len < size ? len : size, NULL, NULL);
	}
	rc = fz_msg_parse(copy, size, ret);
	free(copy);
	if (rc == 0) {
		struct msg_hdr *h = NULL;
		/* The receive hook: every answer taken as one freeDiameter parses whole. */
		if (!fd_msg_hdr(*ret, &h))
			(void)cm_msg_defuse(*ret, !(h->msg_flags & CMD_FLAG_REQUEST));
	}
	return rc;
}

static void fe_check_depth(struct msg *m)
{
	msg_or_avp *cur = m, *next;
	int depth = 0;

	for (;;) {
		next = NULL;
		if (fd_msg_browse(cur, MSG_BRW_WALK, &next, &depth) || !next)
			return;
		if (depth > CM_AVP_MAX_DEPTH)
			fe_fail("an AVP deeper than CM_AVP_MAX_DEPTH was parsed", 0);
		cur = next;
	}
}

static void fe_encode(struct msg *m, const char *what)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	if ((rc = fd_msg_bufferize(m, &buf, &len)))
		fe_fail(what, rc);
	free(buf);
}

static void fe_answer(const uint8_t *data, size_t size)
{
	struct msg *m = NULL;
	struct msg_hdr *h = NULL;
	struct fd_pei pei;
	int rc;

	if (fe_read(data, size, &m))
		return;
	if (fd_msg_hdr(m, &h) || !(h->msg_flags & CMD_FLAG_REQUEST) || (h->msg_flags & CMD_FLAG_ERROR)) {
		fd_msg_free(m);
		return;
	}
	memset(&pei, 0, sizeof(pei));
	rc = fd_msg_parse_rules(m, fd_g_config->cnf_dict, &pei);
	if (rc == 0) {
		/* What a handler does: cm_answer_new, then its AVPs. */
		if ((rc = cm_answer_new(&m, 0)))
			fe_fail("cm_answer_new on a valid request", rc);
		if ((rc = fd_msg_rescode_set(m, "DIAMETER_SUCCESS", NULL, NULL, 1)))
			fe_fail("fd_msg_rescode_set", rc);
	} else if ((rc == EBADMSG || rc == ENOTSUP) && pei.pei_errcode) {
		rc = cm_answer_parse_error(&m, &pei);
		if (pei.pei_avp_free && pei.pei_avp)
			fd_msg_free(pei.pei_avp);
		if (rc)
			fe_fail("cm_answer_parse_error on a refused request", rc);
	} else {
		if (pei.pei_avp_free && pei.pei_avp)
			fd_msg_free(pei.pei_avp);
		fd_msg_free(m);
		return;
	}
	if ((rc = cm_msg_repair(m, true, NULL)))
		fe_fail("cm_msg_repair on an answer", rc);
	fe_encode(m, "an answer does not encode after cm_msg_repair");
	fd_msg_free(m);   /* the answer, and the request with it */
}

/* Unlike fz_init, a configured core: fd_msg_rescode_set needs what fd_core_parseconf sets
 * up (cm_diam_init; nothing listens, nothing starts). */
static void fe_init(void)
{
	static bool done;
	struct cm_diam_cfg cfg = { .identity = "fuzz.encode.test", .realm = "encode.test" };

	if (done)
		return;
	done = true;
	cfg.log_level = "error";
	if (cm_diam_init(&cfg) || dict_load_all())
		abort();
	fd_g_debug_lvl = FD_LOG_FATAL + 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msg *m = NULL;
	struct fd_pei pei;
	int rc;

	fe_init();
	if (fe_read(data, size, &m))
		return 0;
	memset(&pei, 0, sizeof(pei));
	(void)fd_msg_parse_rules(m, fd_g_config->cnf_dict, &pei);
	if (pei.pei_avp_free && pei.pei_avp)
		fd_msg_free(pei.pei_avp);
	fe_check_depth(m);
	if ((rc = cm_msg_repair(m, false, NULL)))
		fe_fail("cm_msg_repair on a received message", rc);
	fe_encode(m, "a received message does not encode after cm_msg_repair");
	fd_msg_free(m);
	fe_answer(data, size);
	return 0;
}

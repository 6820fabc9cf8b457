/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_rules.c: libFuzzer entry for the rule compiler. Any input must either load or fail
 * with a message, never crash or leak; a set that loads is also applied to a request and an
 * answer, so the fuzzer reaches the evaluation code with arbitrary rules too.
 *
 * Replayed over corpus/rules and config/rules by replay.c in the normal suite; for a real
 * fuzzing run, see README.md.
 */
#include "fz.h"
#include "xf.h"

#include <stdlib.h>
#include <string.h>

static struct dict_object *fz_avp(const char *name)
{
	struct dict_object *o = NULL;
	fd_dict_search(fd_g_config->cnf_dict, DICT_AVP, AVP_BY_NAME_ALL_VENDORS, name, &o, ENOENT);
	return o;
}

static void fz_add(msg_or_avp *parent, const char *name, const char *text)
{
	struct avp *a = NULL;
	union avp_value v = { .os = { (uint8_t *)text, strlen(text) } };

	if (fd_msg_avp_new(fz_avp(name), 0, &a))
		return;
	fd_msg_avp_setvalue(a, &v);
	fd_msg_avp_add(parent, MSG_BRW_LAST_CHILD, a);
}

/* A message as a relay sees it (parsed from the wire, AVPs not interpreted). */
static struct msg *fz_msg(const char *cmd)
{
	struct dict_object *c = NULL;
	struct msg *m = NULL, *r = NULL;
	struct avp *pi = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;

	if (fd_dict_search(fd_g_config->cnf_dict, DICT_COMMAND, CMD_BY_NAME, cmd, &c, ENOENT)
	    || fd_msg_new(c, 0, &m))
		return NULL;
	fz_add(m, "Session-Id", "mme1.example;1;1");
	fz_add(m, "Origin-Host", "mme1.example");
	fz_add(m, "Origin-Realm", "example");
	fz_add(m, "Destination-Realm", "home.example");
	fz_add(m, "User-Name", "001011234567890");
	fz_add(m, "Route-Record", "r1.example");
	if (fd_msg_avp_new(fz_avp("Proxy-Info"), 0, &pi) == 0) {
		fz_add(pi, "Proxy-Host", "p.example");
		fz_add(pi, "Proxy-State", "s");
		fd_msg_avp_add(m, MSG_BRW_LAST_CHILD, pi);
	}
	if (fd_msg_bufferize(m, &buf, &len) == 0)
		fd_msg_parse_buffer(&buf, len, &r);
	fd_msg_free(m);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xf_rules *rs = NULL;
	struct xf_state *st = NULL;
	char err[2048];
	static const char *const cmds[] = { "Session-Termination-Request",
	                                    "Session-Termination-Answer" };

	fz_init();
	if (xf_rules_load_buf("fuzz.yaml", (const char *)data, size, &rs, err, sizeof(err))) {
		/* a failure always says why */
		if (!err[0])
			abort();
		return 0;
	}
	if (xf_state_new(&st) == 0) {
		for (size_t i = 0; i < 2; i++) {
			struct msg *m = fz_msg(cmds[i]);
			struct xf_trace *t = NULL;
			struct xf_ctx ctx = { .is_request = i == 0, .from_peer = "mme1.example",
			                      .to_peer = i ? "mme1.example" : NULL, .state = st };
			uint8_t *buf = NULL;
			size_t len = 0;

			if (!m)
				continue;
			if (xf_trace_new(&t) == 0)
				ctx.trace = t;
			(void)xf_apply(rs, m, &ctx, NULL);
			/* whatever the rules did, the message must still serialise */
			if (fd_msg_bufferize(m, &buf, &len))
				abort();
			free(buf);
			xf_trace_free(t);
			fd_msg_free(m);
		}
		xf_state_free(st);
	}
	xf_rules_unref(rs);
	return 0;
}

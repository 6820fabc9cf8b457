/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_relay.c: libFuzzer target for Diameter messages as the DRA sees them in its forward
 * and out callbacks: parsed from the wire without dictionary interpretation, then the
 * routing keys (dra_keys_get), the route table of config/dra/dra.yaml (dra_route_find) and
 * the rewrite rules (the config's rules.yaml and every config/rules/ file, applied
 * as request or answer per the R bit, with a hide/unhide state table), then re-encoding as
 * the relay would forward it. Any input must be processed without a crash, a sanitizer
 * report or a leak.
 *
 * FZ_SRCDIR (compile-time) or the DCORE_SRCDIR environment variable locate the sources.
 */
#include "fz.h"
#include "dra.h"
#include "xf.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FR_MAX_SETS 16

static struct dra_snap *fr_snap;
static struct xf_rules *fr_sets[FR_MAX_SETS];
static size_t fr_n_sets;
static struct xf_state *fr_state;

static const char *fr_srcdir(void)
{
	const char *s = getenv("DCORE_SRCDIR");
#ifdef FZ_SRCDIR
	if (!s || !*s)
		s = FZ_SRCDIR;
#endif
	return s && *s ? s : ".";
}

static void fr_init(void)
{
	static bool done;
	char path[4096], err[4096];
	struct dirent **ents = NULL;
	int k;

	if (done)
		return;
	done = true;
	fz_init();
	if (xf_state_new(&fr_state))
		abort();
	snprintf(path, sizeof(path), "%s/config/dra/dra.yaml", fr_srcdir());
	if (dra_snap_load(path, &fr_snap, err, sizeof(err))) {
		fprintf(stderr, "fuzz_relay: %s: %s\n", path, err);
		abort();
	}
	snprintf(path, sizeof(path), "%s/config/rules", fr_srcdir());
	k = scandir(path, &ents, NULL, alphasort);
	if (k <= 0) {
		/* The example rule sets are part of what this target exercises: never run without. */
		fprintf(stderr, "fuzz_relay: no rule examples in %s\n", path);
		abort();
	}
	for (int i = 0; i < k; i++) {
		char f[8192];
		size_t n = strlen(ents[i]->d_name);
		if (n > 5 && !strcmp(ents[i]->d_name + n - 5, ".yaml") && fr_n_sets < FR_MAX_SETS) {
			snprintf(f, sizeof(f), "%s/%s", path, ents[i]->d_name);
			if (xf_rules_load(f, &fr_sets[fr_n_sets], err, sizeof(err)) == 0)
				fr_n_sets++;
			else
				fprintf(stderr, "fuzz_relay: %s: %s\n", f, err);
		}
		free(ents[i]);
	}
	free(ents);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msg *m = NULL, *m2 = NULL;
	struct msg_hdr *hdr = NULL;
	struct dra_keys k;
	struct xf_ctx ctx;
	uint8_t *buf = NULL;
	size_t len = 0;
	int fired = 0;

	fr_init();
	if (fz_msg_parse(data, size, &m))
		return 0;
	if (fd_msg_hdr(m, &hdr))
		goto out;
	if (dra_keys_get(m, &k) == 0 && fr_snap && fr_snap->rt)
		(void)dra_route_find(fr_snap->rt, &k);
	memset(&ctx, 0, sizeof(ctx));
	ctx.is_request = hdr->msg_flags & CMD_FLAG_REQUEST;
	ctx.from_peer = "mme1.example.org";
	ctx.to_peer = ctx.is_request ? NULL : "mme1.example.org";
	ctx.state = fr_state;
	(void)dra_rules_apply(fr_snap, m, ctx.is_request, ctx.from_peer, ctx.to_peer, NULL, &fired);
	for (size_t i = 0; i < fr_n_sets; i++)
		(void)xf_apply(fr_sets[i], m, &ctx, NULL);
	/* Rules may have changed Destination-Realm or User-Name: route again, then forward. */
	if (dra_keys_get(m, &k) == 0 && fr_snap && fr_snap->rt)
		(void)dra_route_find(fr_snap->rt, &k);
	if (fd_msg_bufferize(m, &buf, &len) == 0) {
		if (fd_msg_parse_buffer(&buf, len, &m2) == 0)
			fd_msg_free(m2);
		else
			free(buf);
	}
out:
	fd_msg_free(m);
	return 0;
}

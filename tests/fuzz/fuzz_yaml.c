// SPDX-License-Identifier: BSD-3-Clause
/* fuzz_yaml.c: libFuzzer target for the YAML loader, the schema checker and the `diameter:`
 * parser, i.e. everything a configuration file reaches before the daemon uses it. Replayed
 * over corpus/yaml by replay.c in the normal suite. */
#include "cm.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct cm_schema fz_top[] = {
	{ .key = "diameter", .type = CM_S_MAP, .flags = CM_S_REQUIRED, .sub = cm_diam_schema },
	{ .key = "other", .type = CM_S_ANY },
	{ 0 }
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cm_ydoc *doc = NULL;
	struct cm_diam_cfg cfg = { 0 };
	char err[512];
	const struct cm_ynode *n;

	if (cm_yaml_load_buf("fuzz.yaml", (const char *)data, size, &doc, err, sizeof(err)))
		return 0;
	if (!cm_schema_check(doc->root, fz_top, err, sizeof(err)))
		cm_diam_cfg_parse(cm_ymap_get(doc->root, "diameter"), &cfg, err, sizeof(err));
	/* The getters must cope with any node, checked or not. */
	for (n = doc->root ? doc->root->child : NULL; n; n = n->next) {
		uint64_t u;
		int64_t i;
		bool b;
		cm_yscalar_u64(n, 0, UINT64_MAX, &u, err, sizeof(err));
		cm_yscalar_i64(n, INT64_MIN, INT64_MAX, &i, err, sizeof(err));
		cm_yscalar_bool(n, &b, err, sizeof(err));
		if (n->key) {
			cm_yget_str(doc->root, n->key, NULL);
			cm_yget_u64(doc->root, n->key, 0);
			cm_yget_bool(doc->root, n->key, false);
		}
	}
	cm_diam_cfg_free(&cfg);
	cm_yaml_free(doc);
	return 0;
}

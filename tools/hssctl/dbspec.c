/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dbspec.c: the database hssctl opens when given the HSS configuration file (-c HSS.yaml).
 */
#include "hssctl.h"

#include <errno.h>
#include <string.h>
#include <yaml.h>

/* The database named by the HSS configuration file: its `database:` map, `backend`
 * (default sqlite) and `path` or `uri`, as hss/config.c reads them. Only that map is read
 * here (with libyaml, so hssctl needs no freeDiameter); the HSS checks the rest. */
static const char *ymap_scalar(yaml_document_t *d, yaml_node_t *map, const char *key,
                               yaml_node_t **ret_node)
{
	yaml_node_pair_t *p;

	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(d, p->key);
		yaml_node_t *v = yaml_document_get_node(d, p->value);
		if (k && k->type == YAML_SCALAR_NODE && !strcmp((char *)k->data.scalar.value, key)) {
			if (ret_node)
				*ret_node = v;
			return v && v->type == YAML_SCALAR_NODE ? (const char *)v->data.scalar.value : NULL;
		}
	}
	return NULL;
}

int hssctl_db_spec(const char *path, char *spec, size_t speclen, char *err, size_t errlen)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *db = NULL;
	const char *backend, *where;
	FILE *f;
	int rc = EINVAL;

	if (!(f = fopen(path, "rb"))) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return EINVAL;
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(err, errlen, "%s:%zu:%zu: YAML error: %s", path, parser.problem_mark.line + 1,
		         parser.problem_mark.column + 1, parser.problem ? parser.problem : "?");
		yaml_parser_delete(&parser);
		fclose(f);
		return EINVAL;
	}
	ymap_scalar(&doc, yaml_document_get_root_node(&doc), "database", &db);
	if (!db || db->type != YAML_MAPPING_NODE) {
		snprintf(err, errlen, "%s: no 'database:' map", path);
		goto out;
	}
	backend = ymap_scalar(&doc, db, "backend", NULL);
	if (!(where = ymap_scalar(&doc, db, "path", NULL)))
		where = ymap_scalar(&doc, db, "uri", NULL);
	if (!where || !*where) {
		snprintf(err, errlen, "%s:%zu: database: 'path' (or 'uri') is required", path,
		         db->start_mark.line + 1);
		goto out;
	}
	if ((size_t)snprintf(spec, speclen, "%s:%s", backend && *backend ? backend : "sqlite",
	                     where) >= speclen) {
		snprintf(err, errlen, "%s: database path too long", path);
		goto out;
	}
	rc = 0;
out:
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	fclose(f);
	return rc;
}

int hssctl_ctl_socket(const char *path, char *buf, size_t len)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	const char *v;
	FILE *f;

	buf[0] = '\0';
	if (!path || !(f = fopen(path, "rb")))
		return ENOENT;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	if (yaml_parser_load(&parser, &doc)) {
		if ((v = ymap_scalar(&doc, yaml_document_get_root_node(&doc), "ctl_socket", NULL)))
			snprintf(buf, len, "%s", v);
		yaml_document_delete(&doc);
	}
	yaml_parser_delete(&parser);
	fclose(f);
	return buf[0] ? 0 : ENOENT;
}

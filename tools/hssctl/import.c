/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * import.c: hssctl bulk import from CSV (a header row names the columns: the field names
 * of hss_sub_set) or YAML (a list of maps, or a map with a `subscribers:` list). Rows are
 * validated with their line numbers in a first pass that does not touch the database; a bad
 * row aborts everything unless --skip-bad is given. The second pass writes the good rows in
 * one put_stream transaction, so the write lock (which the HSS's SQN updates wait for) is
 * held only for the writing.
 */
#include "hssctl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#define MAX_REPORTED 100

struct imp {
	const char *path;
	const struct import_opts *o;
	unsigned bad;             /* invalid rows seen */
	bool silent;              /* second pass: bad rows were reported already */
	unsigned last_line;       /* line of the row handed to the database last */
	size_t rows;              /* rows seen */
	int (*row)(struct imp *im, struct hss_sub *out, unsigned *line); /* 0, ENOENT, EINVAL */

	/* CSV */
	char *buf;
	size_t len, pos;
	unsigned line;
	char **cols;              /* header: field names */
	size_t ncols;
	size_t data_pos;          /* first record after the header, for the second pass */
	unsigned data_line;
	char **cells;             /* current record */
	size_t ncells, cap;

	/* YAML */
	yaml_document_t doc;
	bool have_doc;
	yaml_node_item_t *item, *item_end, *item_start;
};

static void report(struct imp *im, unsigned line, const char *msg)
{
	if (im->silent)
		return;
	if (im->bad < MAX_REPORTED)
		fprintf(stderr, "%s:%u: %s\n", im->path, line, msg);
	else if (im->bad == MAX_REPORTED)
		fprintf(stderr, "%s: more bad rows not shown\n", im->path);
	im->bad++;
}

/* ---- CSV ------------------------------------------------------------------------------ */

static int cell_add(struct imp *im, const char *s, size_t n)
{
	char *c;

	if (im->ncells == im->cap) {
		size_t cap = im->cap ? im->cap * 2 : 32;
		char **nc = realloc(im->cells, cap * sizeof(*nc));
		if (!nc)
			return ENOMEM;
		im->cells = nc;
		im->cap = cap;
	}
	if (!(c = malloc(n + 1)))
		return ENOMEM;
	memcpy(c, s, n);
	c[n] = 0;
	im->cells[im->ncells++] = c;
	return 0;
}

static void cells_free(struct imp *im)
{
	size_t i;

	for (i = 0; i < im->ncells; i++)
		free(im->cells[i]);
	im->ncells = 0;
}

/* Next record (RFC 4180: quoted cells may hold commas, quotes doubled, newlines); blank
 * lines and lines starting with '#' are skipped. *line = line where the record starts. */
static int csv_record(struct imp *im, unsigned *line, char *err, size_t errlen)
{
	char *cell = NULL;
	size_t clen = 0, ccap = 0;
	int rc = 0;

	cells_free(im);
	for (;;) {
		if (im->pos >= im->len)
			return ENOENT;
		if (im->buf[im->pos] == '\n' || im->buf[im->pos] == '\r') {
			if (im->buf[im->pos] == '\n')
				im->line++;
			im->pos++;
			continue;
		}
		if (im->buf[im->pos] == '#') {
			while (im->pos < im->len && im->buf[im->pos] != '\n')
				im->pos++;
			continue;
		}
		break;
	}
	*line = im->line;
	for (;;) {
		bool quoted = false;

		clen = 0;
		if (im->pos < im->len && im->buf[im->pos] == '"') {
			quoted = true;
			im->pos++;
		}
		for (;;) {
			char ch;

			if (im->pos >= im->len) {
				if (quoted) {
					snprintf(err, errlen, "unterminated quoted cell");
					rc = EINVAL;
					goto out;
				}
				break;
			}
			ch = im->buf[im->pos];
			if (quoted) {
				if (ch == '"') {
					if (im->pos + 1 < im->len && im->buf[im->pos + 1] == '"') {
						im->pos++;
					} else {
						quoted = false;
						im->pos++;
						continue;
					}
				} else if (ch == '\n') {
					im->line++;
				}
			} else if (ch == ',' || ch == '\n' || ch == '\r') {
				break;
			}
			if (clen + 1 >= ccap) {
				size_t nc = ccap ? ccap * 2 : 128;
				char *n = realloc(cell, nc);
				if (!n) {
					rc = ENOMEM;
					goto out;
				}
				cell = n;
				ccap = nc;
			}
			cell[clen++] = ch;
			im->pos++;
		}
		/* trim unquoted surrounding blanks: spreadsheets add them */
		while (clen && (cell[clen - 1] == ' ' || cell[clen - 1] == '\t'))
			clen--;
		{
			size_t st = 0;
			while (st < clen && (cell[st] == ' ' || cell[st] == '\t'))
				st++;
			if ((rc = cell_add(im, cell ? cell + st : "", clen - st)))
				goto out;
		}
		if (im->pos >= im->len)
			break;
		if (im->buf[im->pos] == ',') {
			im->pos++;
			continue;
		}
		/* end of record */
		if (im->buf[im->pos] == '\r')
			im->pos++;
		if (im->pos < im->len && im->buf[im->pos] == '\n') {
			im->pos++;
			im->line++;
		}
		break;
	}
out:
	free(cell);
	return rc;
}

static bool col_is(const char *c, const char *name)
{
	for (; *c && *name; c++, name++)
		if (!(*c == *name || ((*c == '-' || *c == '_') && (*name == '-' || *name == '_')) ||
		      (*c | 0x20) == *name))
			return false;
	return *c == *name;
}

/* Serving state belongs to the HSS: an import never writes it, so a column for it would be
 * silently lost; refuse it instead. */
bool hssctl_is_serving(const char *name)
{
	const struct hss_field_info *f;

	for (f = hss_sub_fields(); f->name; f++)
		if (f->serving && col_is(name, f->name))
			return true;
	return false;
}

static int csv_header(struct imp *im)
{
	char err[256];
	unsigned line;
	bool imsi = false, k = false, op = false;
	size_t i;
	int rc;

	if ((rc = csv_record(im, &line, err, sizeof(err)))) {
		fprintf(stderr, "%s:%u: %s\n", im->path, im->line,
		        rc == ENOENT ? "empty file: no CSV header" : err);
		return EINVAL;
	}
	im->cols = im->cells;
	im->ncols = im->ncells;
	im->cells = NULL;
	im->ncells = im->cap = 0;
	for (i = 0; i < im->ncols; i++) {
		if (!hss_sub_field_known(im->cols[i])) {
			fprintf(stderr, "%s:%u: CSV header: unknown column '%s' (see 'hssctl fields')\n",
			        im->path, line, im->cols[i]);
			return EINVAL;
		}
		if (hssctl_is_serving(im->cols[i])) {
			fprintf(stderr, "%s:%u: CSV header: column '%s' is serving state, which an import "
			        "does not write\n", im->path, line, im->cols[i]);
			return EINVAL;
		}
		imsi |= col_is(im->cols[i], "imsi");
		k |= col_is(im->cols[i], "k");
		op |= col_is(im->cols[i], "op") || col_is(im->cols[i], "opc");
	}
	if (!imsi || !k || !op) {
		fprintf(stderr, "%s:%u: CSV header: columns imsi, k and op or opc are required\n",
		        im->path, line);
		return EINVAL;
	}
	im->data_pos = im->pos;
	im->data_line = im->line;
	return 0;
}

static int csv_row(struct imp *im, struct hss_sub *out, unsigned *line)
{
	char err[512];
	bool k = false, op = false;
	size_t i;
	int rc;

	if ((rc = csv_record(im, line, err, sizeof(err)))) {
		if (rc == EINVAL)
			report(im, *line, err);
		return rc;
	}
	if (im->ncells != im->ncols) {
		snprintf(err, sizeof(err), "%zu cells, the header has %zu columns", im->ncells, im->ncols);
		report(im, *line, err);
		return EINVAL;
	}
	for (i = 0; i < im->ncells; i++) {
		if (!im->cells[i][0])
			continue;   /* empty cell: the default */
		if (hss_sub_set(out, im->cols[i], im->cells[i], err, sizeof(err))) {
			report(im, *line, err);
			return EINVAL;
		}
		k |= col_is(im->cols[i], "k");
		op |= col_is(im->cols[i], "op") || col_is(im->cols[i], "opc");
	}
	if (!out->imsi[0] || !k || !op) {
		report(im, *line, "imsi, k and op or opc must not be empty");
		return EINVAL;
	}
	return 0;
}

/* ---- YAML ----------------------------------------------------------------------------- */

static const char *yscalar(yaml_document_t *d, yaml_node_t *n)
{
	(void)d;
	if (!n || n->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)n->data.scalar.value;
}

static bool ynull(yaml_node_t *n)
{
	const char *v = (const char *)n->data.scalar.value;

	return n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       (!*v || !strcmp(v, "~") || !strcasecmp(v, "null"));
}

/* An APN given as a map becomes a spec "NAME,key=value,..." for hss_sub_set("apn"). */
static int yaml_apn_spec(struct imp *im, yaml_node_t *m, char *spec, size_t len, char *err,
                         size_t errlen)
{
	yaml_node_pair_t *p;
	const char *name = NULL;
	size_t o;

	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		const char *k = yscalar(&im->doc, yaml_document_get_node(&im->doc, p->key));
		const char *v = yscalar(&im->doc, yaml_document_get_node(&im->doc, p->value));
		if (!k || !v) {
			snprintf(err, errlen, "APN: keys and values must be scalars");
			return EINVAL;
		}
		if (col_is(k, "apn") || col_is(k, "name") || col_is(k, "service_selection"))
			name = v;
	}
	if (!name) {
		snprintf(err, errlen, "APN map without 'apn' (name)");
		return EINVAL;
	}
	o = (size_t)snprintf(spec, len, "%s", name);
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top && o < len; p++) {
		const char *k = yscalar(&im->doc, yaml_document_get_node(&im->doc, p->key));
		const char *v = yscalar(&im->doc, yaml_document_get_node(&im->doc, p->value));
		if (col_is(k, "apn") || col_is(k, "name") || col_is(k, "service_selection"))
			continue;
		if (strpbrk(v, ",;=") || strpbrk(k, ",;=")) {
			snprintf(err, errlen, "APN '%s': key '%s': value '%s' contains ',', ';' or '='", name,
			         k, v);
			return EINVAL;
		}
		o += (size_t)snprintf(spec + o, len - o, ",%s=%s", k, v);
	}
	if (o >= len) {
		snprintf(err, errlen, "APN '%s': too long", name);
		return EINVAL;
	}
	return 0;
}

static int yaml_row(struct imp *im, struct hss_sub *out, unsigned *line)
{
	yaml_node_t *m;
	yaml_node_pair_t *p;
	char err[512], spec[2048];
	bool k = false, op = false;

	if (im->item >= im->item_end)
		return ENOENT;
	m = yaml_document_get_node(&im->doc, *im->item++);
	*line = (unsigned)m->start_mark.line + 1;
	if (m->type != YAML_MAPPING_NODE) {
		report(im, *line, "a subscriber must be a map of field: value");
		return EINVAL;
	}
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = yaml_document_get_node(&im->doc, p->key);
		yaml_node_t *vn = yaml_document_get_node(&im->doc, p->value);
		const char *key = yscalar(&im->doc, kn);
		unsigned vline = (unsigned)vn->start_mark.line + 1;

		if (!key) {
			report(im, vline, "keys must be scalars");
			return EINVAL;
		}
		if (hssctl_is_serving(key)) {
			snprintf(err, sizeof(err), "field '%s' is serving state, which an import does not "
			         "write", key);
			report(im, (unsigned)kn->start_mark.line + 1, err);
			return EINVAL;
		}
		if (vn->type == YAML_SCALAR_NODE) {
			if (ynull(vn))
				continue;
			if (hss_sub_set(out, key, yscalar(&im->doc, vn), err, sizeof(err))) {
				report(im, vline, err);
				return EINVAL;
			}
		} else if (vn->type == YAML_SEQUENCE_NODE && (col_is(key, "apns") || col_is(key, "apn"))) {
			yaml_node_item_t *it;
			for (it = vn->data.sequence.items.start; it < vn->data.sequence.items.top; it++) {
				yaml_node_t *a = yaml_document_get_node(&im->doc, *it);
				unsigned aline = (unsigned)a->start_mark.line + 1;
				int rc = 0;
				if (a->type == YAML_SCALAR_NODE)
					rc = hss_sub_set(out, "apn", yscalar(&im->doc, a), err, sizeof(err));
				else if (a->type == YAML_MAPPING_NODE)
					rc = yaml_apn_spec(im, a, spec, sizeof(spec), err, sizeof(err)) ||
					     hss_sub_set(out, "apn", spec, err, sizeof(err));
				else
					snprintf(err, sizeof(err), "an APN is a spec string or a map"), rc = EINVAL;
				if (rc) {
					report(im, aline, err);
					return EINVAL;
				}
			}
		} else if (vn->type == YAML_SEQUENCE_NODE && (col_is(key, "roaming_plmns") ||
		                                              col_is(key, "roaming_plmn"))) {
			yaml_node_item_t *it;
			char list[1024] = "";
			size_t o = 0;
			for (it = vn->data.sequence.items.start; it < vn->data.sequence.items.top; it++) {
				const char *v = yscalar(&im->doc, yaml_document_get_node(&im->doc, *it));
				if (!v) {
					report(im, vline, "roaming_plmns: items must be scalars");
					return EINVAL;
				}
				o += (size_t)snprintf(list + o, o < sizeof(list) ? sizeof(list) - o : 0, "%s%s",
				                      o ? "," : "", v);
			}
			if (o >= sizeof(list) || hss_sub_set(out, "roaming_plmns", list, err, sizeof(err))) {
				report(im, vline, o >= sizeof(list) ? "roaming_plmns: too long" : err);
				return EINVAL;
			}
		} else {
			snprintf(err, sizeof(err), "field '%s': expected a scalar value", key);
			report(im, vline, err);
			return EINVAL;
		}
		k |= col_is(key, "k");
		op |= col_is(key, "op") || col_is(key, "opc");
	}
	if (!out->imsi[0] || !k || !op) {
		report(im, *line, "imsi, k and op or opc are required");
		return EINVAL;
	}
	return 0;
}

static int yaml_open(struct imp *im)
{
	yaml_parser_t parser;
	yaml_node_t *root;
	FILE *f;
	int rc = EINVAL;

	if (!(f = fopen(im->path, "rb"))) {
		fprintf(stderr, "hssctl: import: %s: %s\n", im->path, strerror(errno));
		return EINVAL;
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &im->doc)) {
		fprintf(stderr, "%s:%zu:%zu: YAML error: %s\n", im->path, parser.problem_mark.line + 1,
		        parser.problem_mark.column + 1, parser.problem ? parser.problem : "?");
		goto out;
	}
	im->have_doc = true;
	root = yaml_document_get_root_node(&im->doc);
	if (root && root->type == YAML_MAPPING_NODE) {
		yaml_node_pair_t *p;
		yaml_node_t *seq = NULL;
		for (p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
			const char *k = yscalar(&im->doc, yaml_document_get_node(&im->doc, p->key));
			if (k && !strcmp(k, "subscribers"))
				seq = yaml_document_get_node(&im->doc, p->value);
		}
		root = seq;
	}
	if (!root || root->type != YAML_SEQUENCE_NODE) {
		fprintf(stderr, "%s:1: expected a list of subscribers (or a 'subscribers:' list)\n",
		        im->path);
		goto out;
	}
	im->item = im->item_start = root->data.sequence.items.start;
	im->item_end = root->data.sequence.items.top;
	rc = 0;
out:
	yaml_parser_delete(&parser);
	fclose(f);
	return rc;
}

/* ---- driver --------------------------------------------------------------------------- */

/* The next valid row (bad ones are reported, counted and skipped); ENOENT at the end.
 * It is also the put_stream iterator of the second pass. */
static int next_sub(void *arg, struct hss_sub *out)
{
	struct imp *im = arg;
	char err[512];
	unsigned line = 0;
	int rc;

	for (;;) {
		hss_sub_init(out);
		rc = im->row(im, out, &line);
		if (rc == ENOENT || rc == ENOMEM)
			return rc;
		im->rows++;
		if (rc == 0 && hss_sub_validate(out, err, sizeof(err))) {
			report(im, line, err);
			rc = EINVAL;
		}
		if (rc)
			continue;
		im->last_line = line;
		return 0;
	}
}

static void rewind_rows(struct imp *im)
{
	im->pos = im->data_pos;
	im->line = im->data_line;
	im->item = im->item_start;
	im->rows = 0;
	im->silent = true;
}

static int read_file(struct imp *im)
{
	FILE *f = fopen(im->path, "rb");
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fprintf(stderr, "hssctl: import: %s: %s\n", im->path, strerror(errno));
		if (f)
			fclose(f);
		return EINVAL;
	}
	im->buf = malloc((size_t)n + 1);
	if (!im->buf || fread(im->buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "hssctl: import: %s: read error\n", im->path);
		fclose(f);
		return EINVAL;
	}
	fclose(f);
	im->len = (size_t)n;
	im->buf[n] = 0;
	/* a UTF-8 byte order mark from spreadsheet exports */
	if (im->len >= 3 && !memcmp(im->buf, "\xef\xbb\xbf", 3))
		im->pos = 3;
	im->line = 1;
	return 0;
}

int hssctl_import(struct hss_db *db, const char *path, const struct import_opts *o)
{
	struct imp im = { .path = path, .o = o };
	const char *fmt = o->format, *dot = strrchr(path, '.');
	size_t written = 0, i;
	int rc, ret;

	if (!fmt)
		fmt = dot && (!strcasecmp(dot, ".yaml") || !strcasecmp(dot, ".yml")) ? "yaml" : "csv";
	if (!strcmp(fmt, "csv")) {
		im.row = csv_row;
		if (read_file(&im) || csv_header(&im)) {
			ret = HSSCTL_USAGE;
			goto out;
		}
	} else if (!strcmp(fmt, "yaml")) {
		im.row = yaml_row;
		if (yaml_open(&im)) {
			ret = HSSCTL_USAGE;
			goto out;
		}
	} else {
		fprintf(stderr, "hssctl: import: unknown format '%s' (csv or yaml)\n", fmt);
		ret = HSSCTL_USAGE;
		goto out;
	}

	{
		struct hss_sub *scratch = malloc(sizeof(*scratch));
		if (!scratch) {
			ret = HSSCTL_DB;
			goto out;
		}
		while ((rc = next_sub(&im, scratch)) == 0)
			;
		free(scratch);
		if (rc == ENOMEM) {
			fprintf(stderr, "hssctl: import: out of memory\n");
			ret = HSSCTL_DB;
			goto out;
		}
	}
	if (im.bad && !o->skip_bad) {
		fprintf(stderr, "hssctl: import: %u bad row(s) of %zu: nothing imported (use --skip-bad "
		        "to import the good rows)\n", im.bad, im.rows);
		ret = HSSCTL_USAGE;
		goto out;
	}
	rewind_rows(&im);
	rc = hss_db_put_stream(db, (o->no_replace ? HSS_DB_PUT_NO_REPLACE : 0) |
	                       (o->reset_sqn ? 0 : HSS_DB_PUT_KEEP_SQN), next_sub, &im, &written);
	if (rc) {
		fprintf(stderr, "%s:%u: %s\nhssctl: import: aborted, nothing imported\n", path,
		        im.last_line, hss_db_strerror());
		ret = hssctl_exit_code(rc);
	} else {
		if (!o->quiet)
			printf("imported %zu subscriber(s)%s", written, im.bad ? "" : "\n");
		if (!o->quiet && im.bad)
			printf(", skipped %u bad row(s)\n", im.bad);
		ret = HSSCTL_OK;
	}
out:
	free(im.buf);
	cells_free(&im);
	free(im.cells);
	for (i = 0; i < im.ncols; i++)
		free(im.cols[i]);
	free(im.cols);
	if (im.have_doc)
		yaml_document_delete(&im.doc);
	return ret;
}

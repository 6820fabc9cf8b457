// SPDX-License-Identifier: BSD-3-Clause
/* test_yaml.c: the YAML loader (positions, aliases, limits, syntax errors) and the schema
 * checker and `diameter:` parser, asserting the exact "FILE:LINE: key 'PATH': problem" texts. */
#include "cm.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct cm_ydoc *load(const char *name, const char *text, char *err, size_t errlen)
{
	struct cm_ydoc *doc = NULL;

	if (cm_yaml_load_buf(name, text, strlen(text), &doc, err, errlen))
		return NULL;
	return doc;
}

static void test_tree(void)
{
	static const char text[] =
		"# comment\n"
		"top:\n"
		"  name: \"quoted\"\n"
		"  n: 42\n"
		"  list:\n"
		"    - a\n"
		"    - &x {k: v}\n"
		"    - *x\n"
		"empty:\n";
	char err[256] = "";
	struct cm_ydoc *doc = load("t.yaml", text, err, sizeof(err));
	const struct cm_ynode *top, *n, *list, *it;

	if (!CHECK(doc != NULL, "t.yaml loads: %s", err))
		return;
	CHECK_STR(doc->file, "t.yaml");
	if (CHECK(doc->root != NULL) && CHECK_INT(doc->root->type, ==, CM_Y_MAP))
		CHECK_INT(doc->root->n_child, ==, 2);
	top = cm_ymap_get(doc->root, "top");
	if (CHECK(top != NULL) && CHECK_INT(top->type, ==, CM_Y_MAP)) {
		CHECK_INT(top->key_line, ==, 2);
		CHECK_INT(top->n_child, ==, 3);
	}
	n = cm_ymap_get(top, "name");
	if (CHECK(n != NULL)) {
		CHECK_INT(n->type, ==, CM_Y_SCALAR);
		CHECK(n->quoted);
		CHECK_INT(n->line, ==, 3);
		CHECK_INT(n->col, ==, 9);
		CHECK_INT(n->key_line, ==, 3);
		CHECK_STR(n->key, "name");
		CHECK_INT(n->len, ==, 6);
	}
	CHECK_STR(cm_yget_str(top, "name", NULL), "quoted");
	CHECK_UINT(cm_yget_u64(top, "n", 0), ==, 42);
	CHECK_UINT(cm_yget_u64(top, "name", 7), ==, 7);      /* quoted: never a number */
	CHECK_UINT(cm_yget_u64(top, "absent", 9), ==, 9);
	CHECK(cm_yget_bool(top, "absent", true));
	list = cm_ymap_get(top, "list");
	if (CHECK(list != NULL) && CHECK_INT(list->type, ==, CM_Y_SEQ) &&
	    CHECK_INT(list->n_child, ==, 3)) {
		it = list->child->next->next;       /* the alias, resolved to a copy */
		CHECK_INT(it->type, ==, CM_Y_MAP);
		CHECK_INT(it->line, ==, 8);
		CHECK(it->key == NULL);
		CHECK_STR(cm_yget_str(it, "k", NULL), "v");
		CHECK(list->child->key == NULL);
		CHECK_INT(list->child->line, ==, 6);
	}
	n = cm_ymap_get(doc->root, "empty");
	if (CHECK(n != NULL)) {
		CHECK_INT(n->type, ==, CM_Y_SCALAR);
		CHECK_INT(n->len, ==, 0);
		CHECK(!n->quoted);
	}
	CHECK_STR(cm_yget_str(doc->root, "empty", "def"), "def");   /* empty: YAML null */
	CHECK(cm_ymap_get(NULL, "x") == NULL);
	CHECK(cm_ymap_get(list, "x") == NULL);
	cm_yaml_free(doc);

	/* An alias of a map member is a plain item where it is used, keyed only by its own key. */
	doc = load("a.yaml", "a: &x {k: 1}\nb: [*x]\nc: *x\n", err, sizeof(err));
	CHECK(doc != NULL);
	if (doc) {
		n = cm_ymap_get(doc->root, "b");
		if (CHECK(n != NULL) && CHECK(n->child != NULL)) {
			CHECK(n->child->key == NULL);
			CHECK_INT(n->child->key_line, ==, 0);
		}
		n = cm_ymap_get(doc->root, "c");
		if (CHECK(n != NULL)) {
			CHECK_STR(n->key, "c");
			CHECK_INT(n->key_line, ==, 3);
			CHECK_INT(n->line, ==, 3);
			CHECK_UINT(cm_yget_u64(n, "k", 0), ==, 1);
		}
		cm_yaml_free(doc);
	}

	/* An empty document. */
	doc = load("e.yaml", "# nothing\n", err, sizeof(err));
	if (CHECK(doc != NULL))
		CHECK(doc->root == NULL);
	cm_yaml_free(doc);
	cm_yaml_free(NULL);
}

static void test_yaml_errors(void)
{
	char err[256];
	struct cm_ydoc *doc = NULL;

	CHECK_ERR(cm_yaml_load_buf("s.yaml", "a: [1, 2\nb: 3\n", 14, &doc, err, sizeof(err)),
	          EINVAL);
	CHECK(doc == NULL);
	CHECK(!strncmp(err, "s.yaml:", 7));
	CHECK_SUBSTR(err, "did not find expected ',' or ']'");

	CHECK(!load("d.yaml", "a: 1\nb: 2\na: 3\n", err, sizeof(err)));
	CHECK_STR(err, "d.yaml:3:1: duplicate key 'a' (first at line 1)");

	CHECK(!load("u.yaml", "a: *nope\n", err, sizeof(err)));
	CHECK_STR(err, "u.yaml:1:4: unknown alias 'nope'");

	CHECK(!load("m.yaml", "a: 1\n---\nb: 2\n", err, sizeof(err)));
	CHECK_STR(err, "m.yaml:2:1: only one YAML document per file is supported");

	CHECK(!load("k.yaml", "? [a, b]\n: 1\n", err, sizeof(err)));
	CHECK_STR(err, "k.yaml:1:3: only scalar keys are supported");

	/* Billion laughs: bounded by the node limit, not by memory. */
	CHECK(!load("b.yaml",
	            "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	            "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
	            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
	            "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
	            "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
	            "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
	            "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n",
	            err, sizeof(err)));
	CHECK_SUBSTR(err, "document too large");

	/* Deep nesting. */
	{
		char deep[400];
		memset(deep, '[', 200);
		memset(deep + 200, ']', 200);
		CHECK_ERR(cm_yaml_load_buf("n.yaml", deep, sizeof(deep), &doc, err, sizeof(err)),
		          EINVAL);
		CHECK_SUBSTR(err, "nesting deeper than");
	}

	CHECK_ERR(cm_yaml_load_file("/nonexistent/x.yaml", &doc, err, sizeof(err)), ENOENT);
	CHECK_STR(err, "/nonexistent/x.yaml: cannot open: No such file or directory");
}

/* A daemon-like schema embedding cm_diam_schema. */
static const char *const modes[] = { "fast", "slow", NULL };
static const struct cm_schema app_schema[] = {
	{ "mode", CM_S_STR, 0, 0, 0, NULL, modes, "mode" },
	{ "limit", CM_S_INT, 0, -5, 5, NULL, NULL, "limit" },
	{ "on", CM_S_BOOL, 0, 0, 0, NULL, NULL, "switch" },
	{ "name", CM_S_STR, 0, 2, 4, NULL, NULL, "short name" },
	{ "atleast", CM_S_UINT, 0, 10, 0, NULL, NULL, "lower bound only" },
	{ "key", CM_S_STR, CM_S_SECRET, 4, 4, NULL, NULL, "a secret: never echoed" },
	{ "pin", CM_S_STR, CM_S_SECRET, 0, 0, NULL, modes, "a secret with choices" },
	{ "extra", CM_S_ANY, 0, 0, 0, NULL, NULL, "anything" },
	{ 0 }
};
static const struct cm_schema top_schema[] = {
	{ "diameter", CM_S_MAP, CM_S_REQUIRED, 0, 0, cm_diam_schema, NULL, "Diameter node" },
	{ "app", CM_S_MAP, 0, 0, 0, app_schema, NULL, "application" },
	{ 0 }
};

static const char good[] =
	"diameter:\n"                                   /* 1 */
	"  identity: hss.example.org\n"                 /* 2 */
	"  realm: example.org\n"                        /* 3 */
	"  listen: [127.0.0.1, '::1']\n"                /* 4 */
	"  port: 3868\n"                                /* 5 */
	"  tw_timer: 6\n"                               /* 6 */
	"  threads: 8\n"                                /* 7 */
	"  peers:\n"                                    /* 8 */
	"    - host: dra.example.org\n"                 /* 9 */
	"      addr: 127.0.0.1\n"                       /* 10 */
	"      port: 3869\n"                            /* 11 */
	"    - host: mme.example.org\n"                 /* 12 */
	"      realm: example.org\n"                    /* 13 */
	"  accept_peers: ['*.example.org']\n"           /* 14 */
	"  log_level: info\n"                           /* 15 */
	"app:\n"                                        /* 16 */
	"  mode: fast\n"                                /* 17 */
	"  limit: -3\n"                                 /* 18 */
	"  on: yes\n"                                   /* 19 */
	"  extra: {whatever: [1, 2]}\n";                /* 20 */

/* Replace line `line` (1-based) of `good` by `repl` and run the schema check. */
static int check_variant(int line, const char *repl, char *err, size_t errlen)
{
	char buf[2048] = "";
	const char *p = good;
	struct cm_ydoc *doc;
	int i, rc;

	for (i = 1; *p; i++) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p + 1) : strlen(p);
		if (i == line) {
			strcat(buf, repl);
			strcat(buf, "\n");
		} else {
			strncat(buf, p, n);
		}
		p += n;
	}
	doc = load("dra.yaml", buf, err, errlen);
	if (!doc)
		return -1;
	rc = cm_schema_check(doc->root, top_schema, err, errlen);
	cm_yaml_free(doc);
	return rc;
}

static void test_schema(void)
{
	char err[512];
	struct cm_ydoc *doc;
	struct cm_diam_cfg cfg = { 0 };

	doc = load("dra.yaml", good, err, sizeof(err));
	CHECK(doc != NULL);
	if (doc) {
		CHECK_ERR(cm_schema_check(doc->root, top_schema, err, sizeof(err)), 0);
		CHECK_ERR(cm_diam_cfg_parse(cm_ymap_get(doc->root, "diameter"), &cfg, err,
		                            sizeof(err)), 0);
		CHECK_STR(cfg.identity, "hss.example.org");
		CHECK_STR(cfg.realm, "example.org");
		CHECK_INT(cfg.n_listen, ==, 2);
		CHECK_STR(cfg.listen[1], "::1");
		CHECK_INT(cfg.port, ==, 3868);
		CHECK_INT(cfg.tls_port, ==, 0);
		CHECK(!cfg.sctp);
		CHECK_INT(cfg.tw_timer, ==, 6);
		CHECK_INT(cfg.tc_timer, ==, CM_TC_TIMER_DEFAULT);
		CHECK_INT(cfg.accept_threads, ==, CM_ACCEPT_THREADS_DEFAULT);
		CHECK_INT(cfg.listen_backlog, ==, CM_LISTEN_BACKLOG_DEFAULT);
		CHECK_INT(cfg.cer_timeout, ==, CM_CER_TIMEOUT_DEFAULT);
		CHECK_INT(cfg.threads, ==, 8);
		CHECK_INT(cfg.n_peers, ==, 2);
		if (cfg.n_peers == 2) {
			CHECK_STR(cfg.peers[0].host, "dra.example.org");
			CHECK_STR(cfg.peers[0].addr, "127.0.0.1");
			CHECK_INT(cfg.peers[0].port, ==, 3869);
			CHECK(!cfg.peers[0].tls);
			CHECK(!cfg.peers[0].sctp);
			CHECK(cfg.peers[0].realm == NULL);
			CHECK(cfg.peers[1].addr == NULL);
			CHECK_STR(cfg.peers[1].realm, "example.org");
		}
		CHECK_INT(cfg.n_accept_peers, ==, 1);
		CHECK_STR(cfg.accept_peers[0], "*.example.org");
		CHECK_STR(cfg.log_level, "info");
		CHECK_STR(cfg.source, "dra.yaml");
		CHECK(cfg.fd_conf == NULL);
		CHECK(cfg.tls_cert == NULL);
		cm_diam_cfg_free(&cfg);
		cm_diam_cfg_free(&cfg);     /* zeroed: fine */
		cm_yaml_free(doc);
	}

	CHECK_ERR(check_variant(5, "  port: abc", err, sizeof(err)), EINVAL);
	CHECK_STR(err, "dra.yaml:5: key 'diameter.port': expected an integer in [0, 65535], got 'abc'");
	CHECK_ERR(check_variant(5, "  port: 70000", err, sizeof(err)), EINVAL);
	CHECK_STR(err, "dra.yaml:5: key 'diameter.port': expected an integer in [0, 65535], got '70000'");
	CHECK_ERR(check_variant(5, "  port: '3868'", err, sizeof(err)), EINVAL);
	CHECK_STR(err, "dra.yaml:5: key 'diameter.port': expected an integer in [0, 65535], got '3868'");
	CHECK_ERR(check_variant(6, "  tw_timer: 5", err, sizeof(err)), EINVAL);
	CHECK_STR(err, "dra.yaml:6: key 'diameter.tw_timer': expected an integer in [6, 3600], got '5'");
	CHECK_ERR(check_variant(6, "  cer_timeout: 21", err, sizeof(err)), EINVAL);
	CHECK_STR(err, "dra.yaml:6: key 'diameter.cer_timeout': expected an integer in [1, 20], got '21'");
	CHECK_ERR(check_variant(6, "  listen_backlog: 4", err, sizeof(err)), EINVAL);
	CHECK_STR(err, "dra.yaml:6: key 'diameter.listen_backlog': expected an integer in [5, 65535], got '4'");
	CHECK_ERR(check_variant(5, "  prot: 3868", err, sizeof(err)), EINVAL);
	CHECK_STR(err, "dra.yaml:5: key 'diameter.prot': unknown key 'prot' (allowed: identity, realm, "
	               "listen, port, tls_port, sctp, tls_cert, tls_key, tls_ca, tw_timer, tc_timer, "
	               "threads, peers, accept_peers, default_route, fd_conf, log_level, accept_threads, "
	               "listen_backlog, cer_timeout)");
	CHECK_ERR(check_variant(2, "", err, sizeof(err)), EINVAL);
	CHECK_STR(err, "dra.yaml:1: key 'diameter': missing required key 'identity'");
	CHECK_ERR(check_variant(11, "      transport: udp", err, sizeof(err)), EINVAL);
	CHECK_STR(err, "dra.yaml:11: key 'diameter.peers[0].transport': expected one of tcp, sctp, "
	               "got 'udp'");
	CHECK_ERR(check_variant(13, "      tls: maybe", err, sizeof(err)), EINVAL);
	CHECK_STR(err, "dra.yaml:13: key 'diameter.peers[1].tls': expected true or false, got 'maybe'");
	CHECK_ERR(check_variant(12, "    - port: 1", err, sizeof(err)), EINVAL);
	CHECK_STR(err, "dra.yaml:12: key 'diameter.peers[1]': missing required key 'host'");
	/* then bad indentation */
	CHECK_INT(check_variant(8, "  peers: {a: 1}", err, sizeof(err)), ==, -1);
	CHECK_ERR(check_variant(4, "  listen: 127.0.0.1", err, sizeof(err)), EINVAL);
	CHECK_STR(err, "dra.yaml:4: key 'diameter.listen': expected a sequence, got a scalar");
	CHECK_ERR(check_variant(4, "  listen: [[a]]", err, sizeof(err)), EINVAL);
	CHECK_STR(err, "dra.yaml:4: key 'diameter.listen[0]': expected a string, got a sequence");
	CHECK_ERR(check_variant(18, "  limit: -6", err, sizeof(err)), EINVAL);
	CHECK_STR(err, "dra.yaml:18: key 'app.limit': expected an integer in [-5, 5], got '-6'");
	CHECK_ERR(check_variant(18, "  limit: 0x5", err, sizeof(err)), 0);
	CHECK_ERR(check_variant(18, "  atleast: 123456789", err, sizeof(err)), 0);
	CHECK_ERR(check_variant(18, "  atleast: 9", err, sizeof(err)), EINVAL);
	CHECK_STR(err, "dra.yaml:18: key 'app.atleast': expected an integer in [10, "
	               "18446744073709551615], got '9'");
	CHECK_ERR(check_variant(17, "  mode: [fast]", err, sizeof(err)), EINVAL);
	CHECK_STR(err, "dra.yaml:17: key 'app.mode': expected a string, got a sequence");
	CHECK_ERR(check_variant(17, "  name: abcde", err, sizeof(err)), EINVAL);
	CHECK_STR(err, "dra.yaml:17: key 'app.name': expected a string of 2 to 4 characters, got 'abcde'");
	/* a secret's value never appears in the message, only its length */
	CHECK_ERR(check_variant(17, "  key: a1b2c", err, sizeof(err)), EINVAL);
	CHECK_STR(err, "dra.yaml:17: key 'app.key': expected a string of 4 to 4 characters, got 5 "
	               "(value not shown: a secret)");
	CHECK(strstr(err, "a1b2c") == NULL);
	CHECK_ERR(check_variant(17, "  pin: s3cr3t", err, sizeof(err)), EINVAL);
	CHECK_STR(err, "dra.yaml:17: key 'app.pin': expected one of fast, slow, got '(a secret, not shown)'");
	CHECK(strstr(err, "s3cr3t") == NULL);
	/* "app: 3" then indented */
	CHECK_INT(check_variant(16, "app: 3", err, sizeof(err)), ==, -1);
	CHECK_INT(check_variant(1, "diameter: [1]", err, sizeof(err)), ==, -1);

	/* Top level. */
	doc = load("x.yaml", "- 1\n", err, sizeof(err));
	if (CHECK(doc != NULL))
		CHECK_ERR(cm_schema_check(doc->root, top_schema, err, sizeof(err)), EINVAL);
	CHECK_STR(err, "x.yaml:1: expected a map, got a sequence");
	cm_yaml_free(doc);
	doc = load("y.yaml", "app: {}\n", err, sizeof(err));
	if (CHECK(doc != NULL))
		CHECK_ERR(cm_schema_check(doc->root, top_schema, err, sizeof(err)), EINVAL);
	CHECK_STR(err, "y.yaml:1: missing required key 'diameter'");
	cm_yaml_free(doc);
	CHECK_ERR(cm_schema_check(NULL, top_schema, err, sizeof(err)), EINVAL);
	CHECK_STR(err, "<config>:1: missing required key 'diameter'");
	/* Checking a sub-map directly keeps its key as the path prefix. */
	doc = load("z.yaml", "diameter:\n  identity: a\n  realm: b\n  port: x\n", err, sizeof(err));
	if (CHECK(doc != NULL))
		CHECK_ERR(cm_schema_check(cm_ymap_get(doc->root, "diameter"), cm_diam_schema, err,
		                          sizeof(err)), EINVAL);
	CHECK_STR(err, "z.yaml:4: key 'diameter.port': expected an integer in [0, 65535], got 'x'");
	cm_yaml_free(doc);
}

static void test_diam_cfg_errors(void)
{
	static const struct {
		const char *text, *err;
	} cases[] = {
		{ "diameter:\n  identity: a\n  realm: b\n  listen: [localhost]\n",
		  "c.yaml:4: key 'listen': 'localhost' is not a numeric IP address" },
		{ "diameter:\n  identity: 'a\"b'\n  realm: b\n",
		  "c.yaml:2: key 'identity': character not allowed in 'a\"b'" },
		{ "diameter:\n  identity: a\n  realm: b\n  peers:\n    - host: p\n      transport: sctp\n",
		  "c.yaml:6: key 'transport': transport sctp needs 'diameter.sctp: true'" },
		{ "diameter:\n  identity: a\n  realm: b\n  tls_cert: /x.pem\n",
		  "c.yaml:4: key 'tls_cert': tls_cert and tls_key go together" },
		{ "diameter:\n  identity: a\n  realm: b\n  peers:\n    - host: p\n    - host: q\n"
		  "    - host: P\n",
		  "c.yaml:7: key 'host': peer 'P' is already listed at line 5" },
		{ "diameter:\n  identity: a\n  realm: b\n  peers:\n    - host: A\n",
		  "c.yaml:5: key 'host': peer 'A' is this node's own identity" },
		{ "diameter:\n  identity: a\n  realm: b\n  bogus: 1\n",
		  "c.yaml:4: key 'diameter.bogus': unknown key 'bogus' (allowed: identity, realm, listen, "
		  "port, tls_port, sctp, tls_cert, tls_key, tls_ca, tw_timer, tc_timer, threads, peers, "
		  "accept_peers, default_route, fd_conf, log_level, accept_threads, listen_backlog, "
		  "cer_timeout)" },
	};
	char err[512];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cm_diam_cfg cfg = { 0 };
		struct cm_ydoc *doc = load("c.yaml", cases[i].text, err, sizeof(err));
		CHECK(doc != NULL);
		if (!doc)
			continue;
		CHECK_ERR(cm_diam_cfg_parse(cm_ymap_get(doc->root, "diameter"), &cfg, err,
		                            sizeof(err)), EINVAL);
		CHECK_STR(err, cases[i].err);
		cm_diam_cfg_free(&cfg);
		cm_yaml_free(doc);
	}
	{
		struct cm_diam_cfg cfg = { 0 };
		struct cm_ydoc *doc = load("c.yaml", "diameter:\n  identity: a\n  realm: b\n  sctp: true\n"
		                                     "  peers:\n    - {host: p, addr: '::1', transport: sctp}\n"
		                                     "  fd_conf: |\n    NoRelay;\n", err, sizeof(err));
		if (CHECK(doc != NULL))
			CHECK_ERR(cm_diam_cfg_parse(cm_ymap_get(doc->root, "diameter"), &cfg, err,
			                            sizeof(err)), 0);
		CHECK(cfg.sctp);
		CHECK_INT(cfg.port, ==, 3868);
		if (CHECK_INT(cfg.n_peers, ==, 1))
			CHECK(cfg.peers[0].sctp);
		CHECK_STR(cfg.fd_conf, "NoRelay;\n");
		CHECK_STR(cfg.log_level, "notice");
		cm_diam_cfg_free(&cfg);
		cm_yaml_free(doc);
	}
}

static void test_scalars(void)
{
	char err[256];
	struct cm_ydoc *doc = load("v.yaml", "a: 18446744073709551615\nb: 18446744073709551616\n"
	                                     "c: -9223372036854775808\nd: Off\ne: -1\n",
	                           err, sizeof(err));
	uint64_t u = 0;
	int64_t i = 0;
	bool b = true;

	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_ERR(cm_yscalar_u64(cm_ymap_get(doc->root, "a"), 0, UINT64_MAX, &u, err, sizeof(err)),
	          0);
	CHECK_UINT(u, ==, UINT64_MAX);
	CHECK_ERR(cm_yscalar_u64(cm_ymap_get(doc->root, "b"), 0, UINT64_MAX, &u, err, sizeof(err)),
	          EINVAL);
	CHECK_STR(err, "v.yaml:2: key 'b': expected an integer in [0, 18446744073709551615], got "
	               "'18446744073709551616'");
	CHECK_ERR(cm_yscalar_i64(cm_ymap_get(doc->root, "c"), INT64_MIN, 0, &i, err, sizeof(err)),
	          0);
	CHECK_INT(i, ==, INT64_MIN);
	CHECK_ERR(cm_yscalar_bool(cm_ymap_get(doc->root, "d"), &b, err, sizeof(err)), 0);
	CHECK(!b);
	CHECK_ERR(cm_yscalar_u64(cm_ymap_get(doc->root, "e"), 0, 10, &u, err, sizeof(err)), EINVAL);
	CHECK_UINT(u, ==, UINT64_MAX);     /* untouched on failure */
	cm_yaml_free(doc);
}

static void test_file(void)
{
	char path[] = "/tmp/cm-test-yaml-XXXXXX", err[256];
	struct cm_ydoc *doc = NULL;
	int fd = mkstemp(path);

	CHECK_INT(fd, >=, 0);
	if (fd < 0)
		return;
	CHECK_INT(write(fd, "x:\n  y: [1, 2]\n", 15), ==, 15);
	close(fd);
	CHECK_ERR(cm_yaml_load_file(path, &doc, err, sizeof(err)), 0);
	if (CHECK(doc != NULL)) {
		const struct cm_ynode *y = cm_ymap_get(cm_ymap_get(doc->root, "x"), "y");

		CHECK_STR(doc->file, path);
		if (CHECK(y != NULL)) {
			CHECK_INT(y->n_child, ==, 2);
			CHECK_STR(y->file, path);
		}
	}
	cm_yaml_free(doc);
	unlink(path);
}

int main(void)
{
	test_tree();
	test_yaml_errors();
	test_schema();
	test_diam_cfg_errors();
	test_scalars();
	test_file();
	return tap_done();
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_snmp_view.c: the views the SNMP agent answers from (common/snmp/view.c): OID order,
 * GET and GETNEXT across columns and rows (a walk), values of every type, a value given twice,
 * the snapshot kept for SNMP_TTL_MS then collected again, DateAndTime, and the `snmp:`
 * section's defaults and errors.
 */
#include "snmp.h"
#include "tap.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const uint32_t root[] = { 1, 3, 6, 1, 4, 1, 32473, 1, 2, 2, 1 };
#define ROOT_LEN (sizeof(root) / sizeof(root[0]))

struct peers {
	int collects;
	uint64_t counter;
};

/* A table of three rows given out of order, rows first (the OID order is column first). */
static void collect(void *data, struct snmp_out *o)
{
	struct peers *p = data;
	static const uint32_t idx[] = { 3, 1, 2 };
	size_t i;

	p->collects++;
	for (i = 0; i < 3; i++) {
		char name[16];

		snprintf(name, sizeof(name), "peer%u", idx[i]);
		snmp_out_row(o, &idx[i], 1);
		snmp_out_string(o, 2, name);
		snmp_out_integer(o, 4, -(int64_t)idx[i]);
		snmp_out_counter64(o, 6, p->counter + idx[i]);
		snmp_out_gauge32(o, 12, UINT64_MAX);
	}
	snmp_out_row(o, &idx[0], 1);
	snmp_out_string(o, 2, "duplicate");     /* the first one given stays */
}

static void test_walk(void)
{
	struct peers p = { 0, 1ull << 40 };
	struct snmp_view *v = NULL;
	uint32_t oid[32];
	const uint32_t *next;
	const struct snmp_value *val;
	size_t len, nlen, n = 0;
	uint32_t order[12][2];

	CHECK_ERR(snmp_view_new(root, ROOT_LEN, collect, &p, &v), 0);
	if (!v)
		return;
	CHECK_ERR(snmp_view_refresh(v, 0), 0);
	CHECK_UINT(snmp_view_count(v), ==, 12, "3 rows of 4 columns, the duplicate dropped");

	/* a walk from the table's entry: column by column, rows in index order */
	memcpy(oid, root, sizeof(root));
	len = ROOT_LEN;
	while ((val = snmp_view_next(v, oid, len, &next, &nlen)) && n < 12) {
		CHECK(nlen == ROOT_LEN + 2 && !memcmp(next, root, sizeof(root)), "under the root");
		order[n][0] = next[ROOT_LEN];
		order[n][1] = next[ROOT_LEN + 1];
		memcpy(oid, next, nlen * sizeof(*oid));
		len = nlen;
		n++;
	}
	CHECK_UINT(n, ==, 12);
	CHECK(order[0][0] == 2 && order[0][1] == 1 && order[1][1] == 2 && order[2][1] == 3 &&
	      order[3][0] == 4 && order[6][0] == 6 && order[9][0] == 12 && order[11][1] == 3,
	      "column 2 rows 1 2 3, then column 4, 6, 12");
	CHECK(snmp_view_next(v, oid, len, &next, &nlen) == NULL, "nothing after the last one");

	/* GET, each type */
	oid[ROOT_LEN] = 2;
	oid[ROOT_LEN + 1] = 3;
	val = snmp_view_get(v, oid, ROOT_LEN + 2);
	CHECK(val && val->type == SNMP_T_OCTETS && val->len == 5 && !memcmp(val->s, "peer3", 5),
	      "peer3's name (not the duplicate)");
	oid[ROOT_LEN] = 4;
	val = snmp_view_get(v, oid, ROOT_LEN + 2);
	CHECK(val && val->type == SNMP_T_INTEGER && val->i == -3, "INTEGER -3");
	oid[ROOT_LEN] = 6;
	val = snmp_view_get(v, oid, ROOT_LEN + 2);
	CHECK(val && val->type == SNMP_T_COUNTER64 && val->u == (1ull << 40) + 3,
	      "Counter64 past 32 bits");
	oid[ROOT_LEN] = 12;
	val = snmp_view_get(v, oid, ROOT_LEN + 2);
	CHECK(val && val->type == SNMP_T_GAUGE32 && val->u == UINT32_MAX, "Gauge32 saturates");
	oid[ROOT_LEN + 1] = 4;
	CHECK(snmp_view_get(v, oid, ROOT_LEN + 2) == NULL, "no row 4");
	CHECK(snmp_view_get(v, oid, ROOT_LEN + 1) == NULL, "a column is not an object");

	/* GETNEXT from before the subtree and from inside a column */
	oid[0] = 1;
	val = snmp_view_next(v, oid, 1, &next, &nlen);
	CHECK(val && nlen == ROOT_LEN + 2 && next[ROOT_LEN] == 2 && next[ROOT_LEN + 1] == 1,
	      "from .1: the first object");
	memcpy(oid, root, sizeof(root));
	oid[ROOT_LEN] = 5;
	val = snmp_view_next(v, oid, ROOT_LEN + 1, &next, &nlen);
	CHECK(val && next[ROOT_LEN] == 6 && next[ROOT_LEN + 1] == 1, "from column 5: column 6");

	/* the snapshot: reused within the TTL, collected again after it */
	p.counter = 7;
	CHECK_ERR(snmp_view_refresh(v, 60000), 0);
	CHECK_INT(p.collects, ==, 1, "within the TTL: not collected again");
	CHECK_ERR(snmp_view_refresh(v, 1), 0);
	usleep(5000);
	CHECK_ERR(snmp_view_refresh(v, 1), 0);
	CHECK_INT(p.collects, >=, 2, "after the TTL: collected again");
	oid[ROOT_LEN] = 6;
	oid[ROOT_LEN + 1] = 1;
	val = snmp_view_get(v, oid, ROOT_LEN + 2);
	CHECK(val && val->u == 8, "the new value");
	snmp_view_free(v);
}

static void test_oid_cmp_and_time(void)
{
	const uint32_t a[] = { 1, 3, 6 }, b[] = { 1, 3, 6, 1 }, c[] = { 1, 4 };
	uint8_t d[11];
	size_t n;

	CHECK_INT(snmp_oid_cmp(a, 3, b, 4), <, 0, "a prefix comes first");
	CHECK_INT(snmp_oid_cmp(b, 4, c, 2), <, 0);
	CHECK_INT(snmp_oid_cmp(c, 2, c, 2), ==, 0);
	n = snmp_dateandtime(0, d);
	CHECK_UINT(n, ==, 8);
	CHECK_HEX(d, "0000000000000000", 8, "never: 8 zero octets");
	n = snmp_dateandtime((time_t)1796220000, d);   /* 2026-12-02 14:00:00 UTC */
	CHECK_UINT(n, ==, 11);
	CHECK_HEX(d, "07ea0c020e0000002b0000", 11, "2026-12-2,14:0:0.0,+0:0");
}

static void test_cfg(void)
{
	struct cm_ydoc *doc = NULL;
	struct snmp_cfg cfg;
	char err[256];
	static const char ok[] = "snmp:\n  enabled: true\n  agentx_socket: tcp:127.0.0.1:705\n"
	                         "  ping_interval: 2\n  context: dra2\n";
	static const char bad[] = "snmp:\n  enabled: yes please\n";
	static const char unknown[] = "snmp:\n  agentx: /x\n";

	CHECK_ERR(snmp_cfg_parse(NULL, &cfg, err, sizeof(err)), 0);
	CHECK(!cfg.enabled && cfg.ping_interval == SNMP_DEFAULT_PING, "absent: disabled, 5 s");
	CHECK_STR(cfg.agentx_socket, SNMP_DEFAULT_SOCKET);
	CHECK(cfg.context == NULL);
	snmp_cfg_free(&cfg);

	CHECK_ERR(cm_yaml_load_buf("t.yaml", ok, sizeof(ok) - 1, &doc, err, sizeof(err)), 0);
	CHECK_ERR(cm_schema_check(cm_ymap_get(doc->root, "snmp"), snmp_schema, err, sizeof(err)), 0);
	CHECK_ERR(snmp_cfg_parse(cm_ymap_get(doc->root, "snmp"), &cfg, err, sizeof(err)), 0);
	CHECK(cfg.enabled && cfg.ping_interval == 2);
	CHECK_STR(cfg.agentx_socket, "tcp:127.0.0.1:705");
	CHECK_STR(cfg.context, "dra2");
	snmp_cfg_free(&cfg);
	cm_yaml_free(doc);

	CHECK_ERR(cm_yaml_load_buf("t.yaml", bad, sizeof(bad) - 1, &doc, err, sizeof(err)), 0);
	CHECK_ERR(cm_schema_check(cm_ymap_get(doc->root, "snmp"), snmp_schema, err, sizeof(err)),
	          EINVAL);
	CHECK_SUBSTR(err, "t.yaml:2: key 'snmp.enabled'");
	cm_yaml_free(doc);
	CHECK_ERR(cm_yaml_load_buf("t.yaml", unknown, sizeof(unknown) - 1, &doc, err, sizeof(err)),
	          0);
	CHECK_ERR(cm_schema_check(cm_ymap_get(doc->root, "snmp"), snmp_schema, err, sizeof(err)),
	          EINVAL);
	CHECK_SUBSTR(err, "unknown key 'agentx'");
	cm_yaml_free(doc);
}

int main(void)
{
	test_walk();
	test_oid_cmp_and_time();
	test_cfg();
	tap_note("agent built %s libnetsnmp", snmp_available() ? "with" : "without");
	return tap_done();
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_cxsh.c: the Cx (TS 29.229) and Sh (TS 29.329) dictionaries as freeDiameter sees them
 * after loading. Every AVP of the tables resolves by name and by code+vendor to the same
 * object with the table's type, flags and enumerated values; every grouped AVP and command
 * carries exactly the table's rules; and for each of the twenty commands a message holding
 * every AVP its grammar names (recursively, grouped children included) survives
 * encode -> parse -> dictionary resolution -> rule check -> re-encode byte for byte.
 */
#include "cm.h"
#include "dict.h"
#include "dict_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;

static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("FAIL: ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	va_end(ap);
	failures++;
}

static struct dictionary *dict(void)
{
	return fd_g_config->cnf_dict;
}

/* ---------------------------------------------------------------------------------------
 * Table walk
 * ------------------------------------------------------------------------------------- */

static void check_enums(const struct dict_avp_def *a, struct dict_object *avp)
{
	const struct dict_enum_def *e;
	struct dict_object *type = NULL;

	if (fd_dict_search(dict(), DICT_TYPE, TYPE_OF_AVP, avp, &type, ENOENT) || !type) {
		fail("%s: enumerated AVP without a type", a->name);
		return;
	}
	for (e = a->enums; e && e->name; e++) {
		struct dict_enumval_request rq = { .type_obj = type };
		struct dict_object *ev = NULL;
		struct dict_enumval_data evd;

		rq.search.enum_name = (char *)e->name;
		if (fd_dict_search(dict(), DICT_ENUMVAL, ENUMVAL_BY_STRUCT, &rq, &ev, ENOENT) || !ev) {
			fail("%s: enumerated value %s missing", a->name, e->name);
			continue;
		}
		if (fd_dict_getval(ev, &evd) || evd.enum_value.i32 != e->value)
			fail("%s: %s has value %d, want %d", a->name, e->name, evd.enum_value.i32, e->value);
	}
}

static void check_avp(const struct dict_avp_def *a)
{
	struct dict_avp_request by_code = { .avp_vendor = a->vendor, .avp_code = a->code };
	struct dict_avp_request by_name = { .avp_vendor = a->vendor, .avp_name = (char *)a->name };
	struct dict_object *o1 = NULL, *o2 = NULL;
	struct dict_avp_data ad;

	if (fd_dict_search(dict(), DICT_AVP, AVP_BY_CODE_AND_VENDOR, &by_code, &o1, ENOENT) || !o1) {
		fail("AVP %s: code %u vendor %u not found", a->name, a->code, a->vendor);
		return;
	}
	if (fd_dict_search(dict(), DICT_AVP, AVP_BY_NAME_AND_VENDOR, &by_name, &o2, ENOENT) || !o2) {
		fail("AVP %s (vendor %u) not found by name", a->name, a->vendor);
		return;
	}
	if (o1 != o2)
		fail("AVP %s: name and code+vendor give different objects", a->name);
	if (fd_dict_getval(o1, &ad)) {
		fail("AVP %s: getval", a->name);
		return;
	}
	if (ad.avp_basetype != a->base)
		fail("AVP %s: base type %d, want %d", a->name, ad.avp_basetype, a->base);
	if (ad.avp_flag_mask != a->flag_mask || ad.avp_flag_val != a->flag_val)
		fail("AVP %s: flags mask %#x val %#x, want %#x %#x", a->name, ad.avp_flag_mask,
		     ad.avp_flag_val, a->flag_mask, a->flag_val);
	if (a->dtype == DICT_T_ENUM)
		check_enums(a, o1);
}

/* Resolve an AVP the way a rule of `def` names it: the table's own definition (code and
 * vendor), else the shared table, else by name (base protocol AVPs, Cx AVPs used by Sh). */
static const struct dict_avp_def *table_avp(const struct dict_app_def *def, const char *name)
{
	const struct dict_avp_def *a;

	for (a = def->avps; a && a->name; a++)
		if (!strcmp(a->name, name))
			return a;
	return NULL;
}

static struct dict_object *resolve(const char *name)
{
	const struct dict_app_def *defs[] = { &dict_cx_def, &dict_sh_def, &dict_common_def };
	struct dict_avp_request rq = { .avp_vendor = DICT_VENDOR_3GPP, .avp_name = (char *)name };
	struct dict_object *o = NULL;
	size_t i;

	for (i = 0; i < sizeof(defs) / sizeof(defs[0]); i++) {
		const struct dict_avp_def *a = table_avp(defs[i], name);

		if (a) {
			struct dict_avp_request c = { .avp_vendor = a->vendor, .avp_code = a->code };

			fd_dict_search(dict(), DICT_AVP, AVP_BY_CODE_AND_VENDOR, &c, &o, ENOENT);
			return o;
		}
	}
	if (fd_dict_search(dict(), DICT_AVP, AVP_BY_NAME, name, &o, ENOENT) == 0 && o)
		return o;
	fd_dict_search(dict(), DICT_AVP, AVP_BY_NAME_AND_VENDOR, &rq, &o, ENOENT);
	return o;
}

/* Every rule of the table is in the dictionary with the same position and bounds, and the
 * dictionary has no rule the table lacks. */
static void check_rules(const char *what, struct dict_object *parent,
                        const struct dict_rule_def *rules)
{
	const struct dict_rule_def *r;
	struct fd_list *sentinel = NULL, *li;
	int n_table = 0, n_dict = 0;

	for (r = rules; r && r->avp; r++) {
		struct dict_rule_request rq = { .rule_parent = parent, .rule_avp = resolve(r->avp) };
		struct dict_object *ro = NULL;
		struct dict_rule_data rd;
		int want_min, got_min;

		n_table++;
		if (!rq.rule_avp) {
			fail("%s: rule AVP %s does not resolve", what, r->avp);
			continue;
		}
		if (fd_dict_search(dict(), DICT_RULE, RULE_BY_AVP_AND_PARENT, &rq, &ro, ENOENT) || !ro) {
			fail("%s: no rule for %s", what, r->avp);
			continue;
		}
		fd_dict_getval(ro, &rd);
		/* -1 is freeDiameter's default: 1 for required and fixed rules, 0 for optional. */
		want_min = r->min >= 0 ? r->min : (r->pos == RULE_OPTIONAL ? 0 : 1);
		got_min = rd.rule_min >= 0 ? rd.rule_min : (rd.rule_position == RULE_OPTIONAL ? 0 : 1);
		if (rd.rule_position != r->pos || got_min != want_min || rd.rule_max != r->max)
			fail("%s: rule %s is pos %d min %d max %d, want pos %d min %d max %d", what, r->avp,
			     rd.rule_position, rd.rule_min, rd.rule_max, r->pos, r->min, r->max);
	}
	if (fd_dict_getlistof(RULE_BY_AVP_AND_PARENT, parent, &sentinel) || !sentinel) {
		fail("%s: cannot list rules", what);
		return;
	}
	for (li = sentinel->next; li != sentinel; li = li->next)
		n_dict++;
	if (n_dict != n_table)
		fail("%s: dictionary has %d rules, table %d", what, n_dict, n_table);
}

static void check_groups(const struct dict_app_def *def)
{
	const struct dict_group_def *g;

	for (g = def->groups; g && g->avp; g++) {
		struct dict_object *o = resolve(g->avp);

		if (!o) {
			fail("group %s not found", g->avp);
			continue;
		}
		check_rules(g->avp, o, g->rules);
	}
}

static void check_cmds(const struct dict_app_def *def)
{
	const struct dict_cmd_def *c;

	for (c = def->cmds; c && c->name; c++) {
		struct dict_object *o1 = NULL, *o2 = NULL, *app = NULL;
		struct dict_cmd_data cd;
		struct dict_application_data apd;
		command_code_t code = c->code;

		if (fd_dict_search(dict(), DICT_COMMAND, CMD_BY_NAME, c->name, &o1, ENOENT) || !o1) {
			fail("command %s not found by name", c->name);
			continue;
		}
		fd_dict_search(dict(), DICT_COMMAND, c->request ? CMD_BY_CODE_R : CMD_BY_CODE_A, &code,
		               &o2, ENOENT);
		if (o1 != o2)
			fail("command %s: name and code %u give different objects", c->name, c->code);
		fd_dict_getval(o1, &cd);
		if (cd.cmd_code != c->code || !!(cd.cmd_flag_val & CMD_FLAG_REQUEST) != c->request ||
		    !!(cd.cmd_flag_val & CMD_FLAG_PROXIABLE) != c->proxiable)
			fail("command %s: code %u flags %#x", c->name, cd.cmd_code, cd.cmd_flag_val);
		if (fd_dict_search(dict(), DICT_APPLICATION, APPLICATION_OF_COMMAND, o1, &app, ENOENT) ||
		    !app || fd_dict_getval(app, &apd) || apd.application_id != def->app_id)
			fail("command %s is not in application %u", c->name, def->app_id);
		check_rules(c->name, o1, c->rules);
	}
}

static void check_table(const struct dict_app_def *def)
{
	const struct dict_avp_def *a;
	struct dict_object *app = NULL;

	if (fd_dict_search(dict(), DICT_APPLICATION, APPLICATION_BY_ID, &def->app_id, &app, ENOENT) ||
	    !app)
		fail("application %u (%s) not found", def->app_id, def->name);
	for (a = def->avps; a && a->name; a++)
		check_avp(a);
	check_groups(def);
	check_cmds(def);
}

/* ---------------------------------------------------------------------------------------
 * Round trip: build, encode, parse, check rules, re-encode
 * ------------------------------------------------------------------------------------- */

static int fill_children(msg_or_avp *parent, struct dict_object *model, int depth);

static int set_value(struct avp *avp, struct dict_object *model)
{
	struct dict_avp_data ad;
	struct dict_object *type = NULL;
	struct dict_type_data td = { 0 };
	union avp_value v;
	const char *s = "value";
	static const uint8_t addr[] = { 0, 1, 192, 0, 2, 1 };   /* Address: IPv4 192.0.2.1 */
	static const uint8_t time4[] = { 0xe8, 0x00, 0x00, 0x00 }; /* Time: NTP seconds */

	fd_dict_getval(model, &ad);
	memset(&v, 0, sizeof(v));
	switch (ad.avp_basetype) {
	case AVP_TYPE_OCTETSTRING:
		if (!fd_dict_search(dict(), DICT_TYPE, TYPE_OF_AVP, model, &type, ENOENT) && type)
			fd_dict_getval(type, &td);
		if (td.type_name && !strcmp(td.type_name, "Address")) {
			v.os.data = (uint8_t *)addr;
			v.os.len = sizeof(addr);
			break;
		}
		if (td.type_name && !strcmp(td.type_name, "Time")) {
			v.os.data = (uint8_t *)time4;
			v.os.len = sizeof(time4);
			break;
		}
		if (td.type_name && !strcmp(td.type_name, "DiameterIdentity"))
			s = "peer.example.org";
		else if (td.type_name && !strcmp(td.type_name, "DiameterURI"))
			s = "aaa://ccf.example.org:3868";
		else if (ad.avp_code == 263 && ad.avp_vendor == 0)
			s = "client.example.org;1;2";
		v.os.data = (uint8_t *)s;
		v.os.len = strlen(s);
		break;
	case AVP_TYPE_INTEGER32:
		v.i32 = 1;
		break;
	case AVP_TYPE_INTEGER64:
		v.i64 = 1;
		break;
	case AVP_TYPE_UNSIGNED32:
		v.u32 = ad.avp_code; /* distinct values, so a mix-up would show in the bytes */
		break;
	case AVP_TYPE_UNSIGNED64:
		v.u64 = ad.avp_code;
		break;
	case AVP_TYPE_FLOAT32:
		v.f32 = 1;
		break;
	case AVP_TYPE_FLOAT64:
		v.f64 = 1;
		break;
	case AVP_TYPE_GROUPED:
		return 0;
	}
	return fd_msg_avp_setvalue(avp, &v);
}

static int add_avp(msg_or_avp *parent, struct dict_object *model, int depth)
{
	struct avp *avp = NULL;
	struct dict_avp_data ad;
	int r;

	r = fd_msg_avp_new(model, 0, &avp);
	if (r)
		return r;
	fd_dict_getval(model, &ad);
	if (ad.avp_basetype == AVP_TYPE_GROUPED)
		r = fill_children(avp, model, depth + 1);
	else
		r = set_value(avp, model);
	if (!r)
		r = fd_msg_avp_add(parent, MSG_BRW_LAST_CHILD, avp);
	if (r)
		fd_msg_free(avp);
	return r;
}

/* One instance of each rule's AVP, two where the grammar allows several; fixed-head AVPs
 * first, in their order. */
static int fill_children(msg_or_avp *parent, struct dict_object *model, int depth)
{
	struct fd_list *sentinel = NULL, *li;
	unsigned order;
	int r, pass;

	if (depth > 8)
		return 0;
	if (fd_dict_getlistof(RULE_BY_AVP_AND_PARENT, model, &sentinel) || !sentinel)
		return 0; /* no rules: an empty grouped AVP */
	for (order = 1; order < 16; order++)
		for (li = sentinel->next; li != sentinel; li = li->next) {
			struct dict_rule_data rd;

			fd_dict_getval(li->o, &rd);
			if (rd.rule_position == RULE_FIXED_HEAD && rd.rule_order == order) {
				r = add_avp(parent, rd.rule_avp, depth);
				if (r)
					return r;
			}
		}
	for (li = sentinel->next; li != sentinel; li = li->next) {
		struct dict_rule_data rd;

		fd_dict_getval(li->o, &rd);
		if (rd.rule_position == RULE_FIXED_HEAD || rd.rule_max == 0)
			continue;
		for (pass = 0; pass < (rd.rule_max == 1 ? 1 : 2); pass++) {
			r = add_avp(parent, rd.rule_avp, depth);
			if (r)
				return r;
		}
	}
	return 0;
}

/* Every AVP of the parsed message, at every level, has a dictionary model. */
static int count_unknown(msg_or_avp *parent)
{
	struct avp *avp = NULL;
	int n = 0;

	if (fd_msg_browse(parent, MSG_BRW_FIRST_CHILD, &avp, NULL))
		return 1;
	while (avp) {
		struct dict_object *model = NULL;
		struct avp_hdr *h = NULL;

		fd_msg_model(avp, &model);
		fd_msg_avp_hdr(avp, &h);
		if (!model) {
			printf("  unknown AVP code %u vendor %u\n", h->avp_code, h->avp_vendor);
			n++;
		} else {
			struct dict_avp_data ad;

			fd_dict_getval(model, &ad);
			if (ad.avp_basetype == AVP_TYPE_GROUPED)
				n += count_unknown(avp);
		}
		if (fd_msg_browse(avp, MSG_BRW_NEXT, &avp, NULL))
			return n + 1;
	}
	return n;
}

static void round_trip(const struct dict_app_def *def, const struct dict_cmd_def *c)
{
	struct dict_object *cmd = NULL;
	struct msg *m = NULL, *m2 = NULL;
	struct msg_hdr *hdr = NULL;
	uint8_t *b1 = NULL, *b2 = NULL, *copy = NULL;
	size_t l1 = 0, l2 = 0;
	struct fd_pei pei;
	int r;

	if (fd_dict_search(dict(), DICT_COMMAND, CMD_BY_NAME, c->name, &cmd, ENOENT) || !cmd) {
		fail("%s: command not found", c->name);
		return;
	}
	r = fd_msg_new(cmd, MSGFL_ALLOC_ETEID, &m);
	if (r) {
		fail("%s: fd_msg_new: %s", c->name, strerror(r));
		return;
	}
	fd_msg_hdr(m, &hdr);
	if (hdr->msg_appl != def->app_id)
		fail("%s: new message has application %u", c->name, hdr->msg_appl);
	r = fill_children(m, cmd, 0);
	if (r) {
		fail("%s: building message: %s", c->name, strerror(r));
		goto out;
	}
	r = fd_msg_bufferize(m, &b1, &l1);
	if (r) {
		fail("%s: fd_msg_bufferize: %s", c->name, strerror(r));
		goto out;
	}
	copy = malloc(l1);
	if (!copy) {
		fail("%s: out of memory", c->name);
		goto out;
	}
	memcpy(copy, b1, l1);
	r = fd_msg_parse_buffer(&copy, l1, &m2); /* takes the buffer */
	if (r) {
		fail("%s: fd_msg_parse_buffer: %s", c->name, strerror(r));
		goto out;
	}
	memset(&pei, 0, sizeof(pei));
	r = fd_msg_parse_dict(m2, dict(), &pei);
	if (r) {
		fail("%s: fd_msg_parse_dict: %s (%s)", c->name, strerror(r),
		     pei.pei_errcode ? pei.pei_errcode : "-");
		goto out;
	}
	if (count_unknown(m2))
		fail("%s: parsed message holds AVPs the dictionary does not know", c->name);
	memset(&pei, 0, sizeof(pei));
	r = fd_msg_parse_rules(m2, dict(), &pei);
	if (r) {
		fail("%s: fd_msg_parse_rules: %s (%s%s%s)", c->name, strerror(r),
		     pei.pei_errcode ? pei.pei_errcode : "-", pei.pei_message ? ": " : "",
		     pei.pei_message ? pei.pei_message : "");
		if (pei.pei_avp_free)
			fd_msg_free(pei.pei_avp);
		goto out;
	}
	r = fd_msg_bufferize(m2, &b2, &l2);
	if (r) {
		fail("%s: re-encoding: %s", c->name, strerror(r));
		goto out;
	}
	if (l1 != l2 || memcmp(b1, b2, l1))
		fail("%s: re-encoded message differs (%zu vs %zu bytes)", c->name, l1, l2);
	else
		printf("ok: %s round trip, %zu bytes\n", c->name, l1);
out:
	free(b1);
	free(b2);
	free(copy);
	if (m)
		fd_msg_free(m);
	if (m2)
		fd_msg_free(m2);
}

int main(void)
{
	const struct dict_app_def *defs[] = { &dict_cx_def, &dict_sh_def };
	const struct dict_cmd_def *c;
	size_t i;
	int r;

	r = fd_core_initialize();
	if (r) {
		printf("SKIP: fd_core_initialize failed: %s\n", strerror(r));
		return 77;
	}
	r = dict_load_all();
	if (r) {
		fail("dict_load_all: %s (%s)", strerror(r), dict_errmsg());
		return 1;
	}
	/* Cx and Sh must really be there (dict_load_all tolerates their absence), and loading
	 * again is harmless. */
	r = dict_cx_load();
	if (!r)
		r = dict_sh_load();
	if (!r)
		r = dict_sh_load();
	if (r) {
		fail("dict_cx_load/dict_sh_load: %s (%s)", strerror(r), dict_errmsg());
		return 1;
	}
	for (i = 0; i < sizeof(defs) / sizeof(defs[0]); i++) {
		check_table(defs[i]);
		for (c = defs[i]->cmds; c && c->name; c++)
			round_trip(defs[i], c);
	}
	if (failures) {
		printf("%d failure(s)\n", failures);
		return 1;
	}
	printf("all Cx/Sh dictionary checks passed\n");
	return 0;
}

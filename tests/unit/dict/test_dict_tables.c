/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_dict_tables.c: after dict_load_all() (run twice: loading is idempotent), every entry
 * of every compiled-in table (dict_tables()) is in freeDiameter's dictionary exactly as the
 * table says: AVPs by name and by code+vendor (same object, flags, type, enumerated
 * values), grouped and command rules, commands by name and code with their flags and
 * application. Then, for every command, a message holding every AVP its rules allow
 * (grouped AVPs filled the same way, recursively) is encoded, parsed back, checked against
 * the rules and re-encoded: both encodings must be identical and every AVP must have been
 * recognised by the dictionary. Finally every rule is shown to be enforced: leaving out a
 * required AVP, or adding one more than allowed, makes fd_msg_parse_rules refuse the
 * message (or grouped AVP) with DIAMETER_MISSING_AVP / DIAMETER_AVP_OCCURS_TOO_MANY_TIMES.
 */
#include "dict.h"
#define DICT_INTERNAL   /* white-box: reads the tables themselves */
#include "dict_int.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;
static struct dictionary *dict;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("FAIL: ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	failures++;
}

static const char *builtin_type(enum dict_dtype t)
{
	switch (t) {
	case DICT_T_UTF8: return "UTF8String";
	case DICT_T_ADDRESS: return "Address";
	case DICT_T_TIME: return "Time";
	case DICT_T_DIAMID: return "DiameterIdentity";
	case DICT_T_DIAMURI: return "DiameterURI";
	case DICT_T_IPFILTER: return "IPFilterRule";
	default: return NULL;
	}
}

/* The (code, vendor) a rule's AVP name means: the tables first, then the dictionary. */
static struct dict_object *rule_avp(const char *name)
{
	const struct dict_app_def *const *t;
	const struct dict_avp_def *a;
	struct dict_object *obj = NULL;
	struct dict_avp_request req = { 0 };

	for (t = dict_tables(); *t; t++)
		for (a = (*t)->avps; a && a->name; a++)
			if (!strcmp(a->name, name)) {
				req.avp_vendor = a->vendor;
				req.avp_code = a->code;
				fd_dict_search(dict, DICT_AVP, AVP_BY_CODE_AND_VENDOR, &req, &obj, ENOENT);
				return obj;
			}
	fd_dict_search(dict, DICT_AVP, AVP_BY_NAME_ALL_VENDORS, name, &obj, ENOENT);
	return obj;
}

static void check_rules(const char *where, struct dict_object *parent,
                        const struct dict_rule_def *rules)
{
	const struct dict_rule_def *r;

	for (r = rules; r && r->avp; r++) {
		struct dict_rule_request rq = { parent, rule_avp(r->avp) };
		struct dict_object *robj = NULL;
		struct dict_rule_data rd;

		if (!rq.rule_avp) {
			fail("%s: rule AVP %s unknown", where, r->avp);
			continue;
		}
		if (fd_dict_search(dict, DICT_RULE, RULE_BY_AVP_AND_PARENT, &rq, &robj, ENOENT) ||
		    fd_dict_getval(robj, &rd)) {
			fail("%s: no rule for %s", where, r->avp);
			continue;
		}
		if (rd.rule_position != r->pos || rd.rule_min != r->min || rd.rule_max != r->max)
			fail("%s: rule for %s is pos %d min %d max %d, table says %d %d %d", where, r->avp,
			     rd.rule_position, rd.rule_min, rd.rule_max, r->pos, r->min, r->max);
	}
}

/* The first line, in dict_tables() order, defining a's code and vendor: the one installed. */
static const struct dict_avp_def *first_definition(const struct dict_avp_def *a)
{
	const struct dict_app_def *const *t;
	const struct dict_avp_def *b;

	for (t = dict_tables(); *t; t++)
		for (b = (*t)->avps; b && b->name; b++)
			if (b->code == a->code && b->vendor == a->vendor)
				return b;
	return a;
}

static void check_avp(const struct dict_app_def *t, const struct dict_avp_def *a)
{
	struct dict_avp_request byname = { .avp_vendor = a->vendor, .avp_name = (char *)a->name };
	struct dict_avp_request bycode = { .avp_vendor = a->vendor, .avp_code = a->code };
	struct dict_object *o1 = NULL, *o2 = NULL, *type = NULL;
	const struct dict_avp_def *first;
	struct dict_avp_data ad;
	struct dict_type_data td;
	const struct dict_enum_def *e;

	if (fd_dict_search(dict, DICT_AVP, AVP_BY_NAME_AND_VENDOR, &byname, &o1, ENOENT)) {
		fail("%s: AVP %s (vendor %u) not found by name", t->name, a->name, a->vendor);
		return;
	}
	if (fd_dict_search(dict, DICT_AVP, AVP_BY_CODE_AND_VENDOR, &bycode, &o2, ENOENT) || o1 != o2) {
		fail("%s: AVP %s not found by code %u vendor %u", t->name, a->name, a->code, a->vendor);
		return;
	}
	fd_dict_getval(o1, &ad);
	if (ad.avp_basetype != a->base)
		fail("%s: AVP %s basetype %d, table %d", t->name, a->name, ad.avp_basetype, a->base);
	first = first_definition(a);
	if (first != a) {
		/* Installed from an earlier table: the two lines must agree on what matters on
		 * the wire; a flag rule disagreement is reported for the tables' authors. */
		if (first->base != a->base || first->dtype != a->dtype || strcmp(first->name, a->name))
			fail("%s: AVP %u %s disagrees with an earlier table's definition", t->name,
			     a->code, a->name);
		else if (first->flag_val != a->flag_val || first->flag_mask != a->flag_mask)
			printf("WARN: %s: AVP %u %s flags %02x/%02x, an earlier table says %02x/%02x "
			       "(that one is installed)\n", t->name, a->code, a->name, a->flag_val,
			       a->flag_mask, first->flag_val, first->flag_mask);
	} else if (ad.avp_flag_mask != a->flag_mask ||
	           (ad.avp_flag_val & ad.avp_flag_mask) != a->flag_val) {
		fail("%s: AVP %s flags %02x/%02x, table %02x/%02x", t->name, a->name, ad.avp_flag_val,
		     ad.avp_flag_mask, a->flag_val, a->flag_mask);
	}
	if ((a->flag_val & ~a->flag_mask) || ((a->vendor != 0) != !!(a->flag_val & DICT_V)))
		fail("%s: AVP %s: V flag does not match its vendor, or a set flag is not fixed", t->name,
		     a->name);
	fd_dict_search(dict, DICT_TYPE, TYPE_OF_AVP, o1, &type, ENOENT);
	if (builtin_type(a->dtype)) {
		if (!type || fd_dict_getval(type, &td) || strcmp(td.type_name, builtin_type(a->dtype)))
			fail("%s: AVP %s should have type %s", t->name, a->name, builtin_type(a->dtype));
	}
	if (a->dtype == DICT_T_ENUM) {
		if (!type) {
			fail("%s: AVP %s has no Enumerated type", t->name, a->name);
			return;
		}
		if (!a->enums || !a->enums->name)
			fail("%s: Enumerated AVP %s has no values", t->name, a->name);
		for (e = a->enums; e && e->name; e++) {
			struct dict_enumval_request rq = { .type_obj = type };
			struct dict_object *v = NULL;
			struct dict_enumval_data vd;

			rq.search.enum_name = (char *)e->name;
			if (fd_dict_search(dict, DICT_ENUMVAL, ENUMVAL_BY_STRUCT, &rq, &v, ENOENT) ||
			    fd_dict_getval(v, &vd) || vd.enum_value.i32 != e->value)
				fail("%s: AVP %s value %s(%d) missing", t->name, a->name, e->name, e->value);
		}
	} else if (a->enums) {
		fail("%s: AVP %s has values but is not DICT_T_ENUM", t->name, a->name);
	}
}

static void check_table(const struct dict_app_def *t)
{
	const struct dict_avp_def *a, *b;
	const struct dict_group_def *g;
	const struct dict_cmd_def *c;
	struct dict_object *app = NULL;
	size_t n = 0;

	if (t->app_id && fd_dict_search(dict, DICT_APPLICATION, APPLICATION_BY_ID, &t->app_id, &app,
	                                ENOENT))
		fail("%s: application %u missing", t->name, t->app_id);
	for (a = t->avps; a && a->name; a++, n++) {
		check_avp(t, a);
		for (b = t->avps; b != a; b++)
			if ((b->code == a->code && b->vendor == a->vendor) || !strcmp(b->name, a->name))
				fail("%s: AVP %s (%u) defined twice in the table", t->name, a->name, a->code);
	}
	for (g = t->groups; g && g->avp; g++) {
		struct dict_object *o = rule_avp(g->avp);
		struct dict_avp_data ad;

		if (!o || fd_dict_getval(o, &ad) || ad.avp_basetype != AVP_TYPE_GROUPED) {
			fail("%s: group %s is not a grouped AVP", t->name, g->avp);
			continue;
		}
		check_rules(g->avp, o, g->rules);
	}
	for (c = t->cmds; c && c->name; c++) {
		struct dict_object *o = NULL, *o2 = NULL, *capp = NULL;
		struct dict_cmd_data cd;

		if (fd_dict_search(dict, DICT_COMMAND, CMD_BY_NAME, c->name, &o, ENOENT)) {
			fail("%s: command %s missing", t->name, c->name);
			continue;
		}
		fd_dict_search(dict, DICT_COMMAND, c->request ? CMD_BY_CODE_R : CMD_BY_CODE_A, &c->code,
		               &o2, ENOENT);
		if (o != o2)
			fail("%s: command %s not found by code %u", t->name, c->name, c->code);
		fd_dict_getval(o, &cd);
		if (cd.cmd_code != c->code || !!(cd.cmd_flag_val & CMD_FLAG_REQUEST) != c->request ||
		    !!(cd.cmd_flag_val & CMD_FLAG_PROXIABLE) != c->proxiable ||
		    !(cd.cmd_flag_mask & CMD_FLAG_REQUEST))
			fail("%s: command %s code/flags wrong", t->name, c->name);
		fd_dict_search(dict, DICT_APPLICATION, APPLICATION_OF_COMMAND, o, &capp, ENOENT);
		if (capp != app)
			fail("%s: command %s not attached to application %u", t->name, c->name, t->app_id);
		check_rules(c->name, o, c->rules);
	}
	printf("ok: %s: %zu AVPs checked\n", t->name, n);
}

/* ---- round trip ------------------------------------------------------------------- */

static size_t n_avps_built;
/* --write-hex FILE: each command as built, in text2pcap's hex dump format. */
static FILE *hexout;
/* For the rule checks: leave out / add twice this AVP at the top level of fill(). */
static struct dict_object *skip_avp, *dup_avp;

static int fill(msg_or_avp *parent, struct dict_object *model, int depth);

static int set_value(struct avp *avp, struct dict_object *model, const struct dict_avp_data *ad)
{
	static uint8_t addr[] = { 0, 1, 192, 0, 2, 1 };   /* Address: IPv4 192.0.2.1 */
	static uint8_t time4[] = { 0xe0, 0x00, 0x00, 0x01 };
	/* Also a valid IPv6 prefix (reserved 0, length 24): Wireshark decodes some as such. */
	static uint8_t octets[] = { 0x00, 0x18, 0xc0, 0x00, 0x02 };
	struct dict_object *type = NULL, *first = NULL;
	struct dict_type_data td = { 0 };
	union avp_value v;
	const char *s = NULL;
	struct fd_list *li;

	memset(&v, 0, sizeof(v));
	fd_dict_search(dict, DICT_TYPE, TYPE_OF_AVP, model, &type, ENOENT);
	if (type)
		fd_dict_getval(type, &td);
	switch (ad->avp_basetype) {
	case AVP_TYPE_OCTETSTRING:
		if (ad->avp_code == AC_SESSION_ID && ad->avp_vendor == 0)
			s = "hss.example.net;1;2;test";
		else if (td.type_name && !strcmp(td.type_name, "Address"))
			v.os.data = addr, v.os.len = sizeof(addr);
		else if (td.type_name && !strcmp(td.type_name, "Time"))
			v.os.data = time4, v.os.len = sizeof(time4);
		else if (td.type_name && !strcmp(td.type_name, "DiameterIdentity"))
			s = "mme.example.net";
		else if (td.type_name && !strcmp(td.type_name, "DiameterURI"))
			s = "aaa://hss.example.net:3868;transport=tcp";
		else if (td.type_name && !strcmp(td.type_name, "IPFilterRule"))
			s = "permit in ip from any to any";
		else if (td.type_name && !strcmp(td.type_name, "UTF8String"))
			s = "001010123456789";   /* also a valid IMSI, which Wireshark checks */
		else
			v.os.data = octets, v.os.len = sizeof(octets);
		if (s)
			v.os.data = (uint8_t *)s, v.os.len = strlen(s);
		break;
	case AVP_TYPE_INTEGER32:
		/* An Enumerated AVP gets its first defined value. */
		if (type && fd_dict_getlistof(ENUMVAL_BY_NAME, type, &li) == 0 && li->next != li) {
			struct dict_enumval_data vd;

			first = li->next->o;
			if (fd_dict_getval(first, &vd) == 0)
				v.i32 = vd.enum_value.i32;
		} else {
			v.i32 = -7;
		}
		break;
	case AVP_TYPE_INTEGER64: v.i64 = -70000000000LL; break;
	case AVP_TYPE_UNSIGNED32: v.u32 = ad->avp_code == 266 ? DICT_VENDOR_3GPP : 7; break;
	case AVP_TYPE_UNSIGNED64: v.u64 = 70000000000ULL; break;
	case AVP_TYPE_FLOAT32: v.f32 = 1.5f; break;
	case AVP_TYPE_FLOAT64: v.f64 = 2.5; break;
	case AVP_TYPE_GROUPED: return 0;
	}
	return fd_msg_avp_setvalue(avp, &v);
}

static int add_avp(msg_or_avp *parent, struct dict_object *model, int depth)
{
	struct dict_avp_data ad;
	struct avp *avp = NULL;
	int r;

	r = fd_dict_getval(model, &ad);
	if (!r)
		r = fd_msg_avp_new(model, 0, &avp);
	if (!r)
		r = ad.avp_basetype == AVP_TYPE_GROUPED ? fill(avp, model, depth + 1)
		                                         : set_value(avp, model, &ad);
	if (!r)
		r = fd_msg_avp_add(parent, MSG_BRW_LAST_CHILD, avp);
	if (r) {
		fail("building AVP %s: %s", avp ? ad.avp_name : "?", strerror(r));
		if (avp)
			fd_msg_free(avp);
		return r;
	}
	n_avps_built++;
	return 0;
}

/* Add to parent every AVP the dictionary's rules for model allow: fixed-head ones first in
 * order, then the others, twice when more than one is allowed. */
static int fill(msg_or_avp *parent, struct dict_object *model, int depth)
{
	struct fd_list *sentinel, *li;
	unsigned order;
	int pass, r, i, n;

	if (depth > 12)
		return 0;
	if (fd_dict_getlistof(RULE_BY_AVP_AND_PARENT, model, &sentinel))
		return EINVAL;
	for (pass = 0; pass < 2; pass++) {
		for (order = 1; order < 8; order++) {
			for (li = sentinel->next; li != sentinel; li = li->next) {
				struct dict_rule_data rd;

				if (fd_dict_getval(li->o, &rd))
					return EINVAL;
				if ((rd.rule_position == RULE_FIXED_HEAD) != (pass == 0))
					continue;
				if (pass == 0 && rd.rule_order != order)
					continue;
				if (pass == 1 && order > 1)
					continue;
				if (rd.rule_max == 0)
					continue;
				n = (rd.rule_max == -1 || rd.rule_max > 1) ? 2 : 1;
				if (rd.rule_min > n)
					n = rd.rule_min;
				if (depth == 0 && rd.rule_avp == skip_avp)
					n = 0;
				if (depth == 0 && rd.rule_avp == dup_avp)
					n = rd.rule_max + 1;
				for (i = 0; i < n; i++) {
					r = add_avp(parent, rd.rule_avp, depth);
					if (r)
						return r;
				}
			}
		}
	}
	return 0;
}

/* Every AVP of a parsed message must have a dictionary model. */
static size_t count_unknown(struct msg *m, size_t *total)
{
	msg_or_avp *it = m;
	size_t unknown = 0;
	int depth = 0;

	*total = 0;
	while (fd_msg_browse(it, MSG_BRW_WALK, &it, &depth) == 0 && it) {
		struct dict_object *model = NULL;

		(*total)++;
		if (fd_msg_model(it, &model) || !model)
			unknown++;
	}
	return unknown;
}

static void round_trip(const struct dict_cmd_def *c)
{
	struct dict_object *cmd = NULL;
	struct msg *m = NULL, *m2 = NULL;
	uint8_t *b1 = NULL, *b2 = NULL, *copy = NULL;
	size_t l1 = 0, l2 = 0, total = 0, unknown;
	struct fd_pei pei;
	int r;

	n_avps_built = 0;
	if (fd_dict_search(dict, DICT_COMMAND, CMD_BY_NAME, c->name, &cmd, ENOENT)) {
		fail("round trip: no command %s", c->name);
		return;
	}
	r = fd_msg_new(cmd, MSGFL_ALLOC_ETEID, &m);
	if (!r)
		r = fill(m, cmd, 0);
	if (!r) {
		memset(&pei, 0, sizeof(pei));
		r = fd_msg_parse_rules(m, dict, &pei);
		if (r)
			fail("%s as built breaks its rules: %s (%s)", c->name, strerror(r),
			     pei.pei_message ? pei.pei_message : "");
	}
	if (!r)
		r = fd_msg_bufferize(m, &b1, &l1);
	if (r) {
		fail("%s: cannot build: %s", c->name, strerror(r));
		goto out;
	}
	if (hexout) {
		size_t i;

		for (i = 0; i < l1; i++) {
			if (i % 16 == 0)
				fprintf(hexout, "%s%06zx", i ? "\n" : "", i);
			fprintf(hexout, " %02x", b1[i]);
		}
		fprintf(hexout, "\n");
	}
	copy = malloc(l1);
	if (!copy)
		goto out;
	memcpy(copy, b1, l1);
	r = fd_msg_parse_buffer(&copy, l1, &m2);
	if (r) {
		fail("%s: fd_msg_parse_buffer: %s", c->name, strerror(r));
		goto out;
	}
	memset(&pei, 0, sizeof(pei));
	r = fd_msg_parse_dict(m2, dict, &pei);
	if (r) {
		fail("%s: fd_msg_parse_dict: %s (%s)", c->name, strerror(r),
		     pei.pei_message ? pei.pei_message : "");
		goto out;
	}
	memset(&pei, 0, sizeof(pei));
	r = fd_msg_parse_rules(m2, dict, &pei);
	if (r) {
		fail("%s: fd_msg_parse_rules: %s (%s)", c->name, strerror(r),
		     pei.pei_message ? pei.pei_message : "");
		goto out;
	}
	unknown = count_unknown(m2, &total);
	if (unknown || total != n_avps_built)
		fail("%s: parsed %zu AVPs (%zu unknown), built %zu", c->name, total, unknown,
		     n_avps_built);
	r = fd_msg_bufferize(m2, &b2, &l2);
	if (r || l1 != l2 || memcmp(b1, b2, l1))
		fail("%s: re-encoding differs (%zu vs %zu bytes)", c->name, l1, l2);
	else
		printf("ok: %s round trip, %zu AVPs, %zu bytes\n", c->name, total, l1);
out:
	free(b1);
	free(b2);
	free(copy);
	if (m)
		fd_msg_free(m);
	if (m2)
		fd_msg_free(m2);
}

/* Build model's container (message or grouped AVP) with skip_avp / dup_avp applied and
 * return what fd_msg_parse_rules says, with its error code name in *errcode. */
static int build_and_check(struct dict_object *model, bool is_cmd, const char **errcode)
{
	static char code[64];
	msg_or_avp *obj = NULL;
	struct fd_pei pei;
	int r;

	*errcode = "";
	r = is_cmd ? fd_msg_new(model, 0, (struct msg **)&obj)
	           : fd_msg_avp_new(model, 0, (struct avp **)&obj);
	if (!r)
		r = fill(obj, model, 0);
	if (r) {
		if (obj)
			fd_msg_free(obj);
		return -1;
	}
	memset(&pei, 0, sizeof(pei));
	r = fd_msg_parse_rules(obj, dict, &pei);
	snprintf(code, sizeof(code), "%s", pei.pei_errcode ? pei.pei_errcode : "");
	*errcode = code;
	/* freeDiameter made up an AVP for Failed-AVP and leaves it to the caller. */
	if (pei.pei_avp_free && pei.pei_avp)
		fd_msg_free(pei.pei_avp);
	fd_msg_free(obj);
	return r;
}

/* Every rule is enforced: a message or grouped AVP missing a required AVP, or holding one
 * more than allowed, is refused with the right error. */
static int check_enforced(const char *name, struct dict_object *model, bool is_cmd)
{
	struct fd_list *sentinel, *li;
	const char *err;
	int r, n = 0;

	skip_avp = dup_avp = NULL;
	r = build_and_check(model, is_cmd, &err);
	if (r) {
		fail("%s as built is refused: %s", name, err);
		return 0;
	}
	if (fd_dict_getlistof(RULE_BY_AVP_AND_PARENT, model, &sentinel))
		return 0;
	for (li = sentinel->next; li != sentinel; li = li->next) {
		struct dict_rule_data rd;
		struct dict_avp_data ad;

		if (fd_dict_getval(li->o, &rd) || fd_dict_getval(rd.rule_avp, &ad))
			continue;
		if (rd.rule_position != RULE_OPTIONAL && rd.rule_min != 0) {
			skip_avp = rd.rule_avp;
			r = build_and_check(model, is_cmd, &err);
			skip_avp = NULL;
			if (r == 0 || (rd.rule_position == RULE_REQUIRED &&
			               strcmp(err, "DIAMETER_MISSING_AVP")))
				fail("%s without %s: not refused (%s)", name, ad.avp_name, err);
			n++;
		}
		if (rd.rule_max > 0 && rd.rule_max < 4) {
			dup_avp = rd.rule_avp;
			r = build_and_check(model, is_cmd, &err);
			dup_avp = NULL;
			if (r == 0 || (rd.rule_position != RULE_FIXED_HEAD &&
			               strcmp(err, "DIAMETER_AVP_OCCURS_TOO_MANY_TIMES")))
				fail("%s with %d %s: not refused (%s)", name, rd.rule_max + 1, ad.avp_name,
				     err);
			n++;
		}
	}
	return n;
}

static void check_all_enforced(const struct dict_app_def *t)
{
	const struct dict_group_def *g;
	const struct dict_cmd_def *c;
	struct dict_object *o;
	size_t n = 0;
	int cases = 0;

	for (g = t->groups; g && g->avp; g++, n++)
		if ((o = rule_avp(g->avp)))
			cases += check_enforced(g->avp, o, false);
	for (c = t->cmds; c && c->name; c++, n++) {
		o = NULL;
		if (fd_dict_search(dict, DICT_COMMAND, CMD_BY_NAME, c->name, &o, ENOENT) == 0)
			cases += check_enforced(c->name, o, true);
	}
	printf("ok: %s: rules of %zu groups and commands enforced (%d violations refused)\n",
	       t->name, n, cases);
}

/* Load Debian's dict_nasreq, dict_dcca, dict_dcca_3gpp as freeDiameterd would. 77: absent. */
static int load_debian(void)
{
	static const char *const names[] = { "dict_nasreq", "dict_dcca", "dict_dcca_3gpp" };
	const char *dir = getenv("FD_EXT_DIR") ? getenv("FD_EXT_DIR") : "/usr/lib/freeDiameter";
	char path[512];
	size_t i;

	for (i = 0; i < 3; i++) {
		int (*init)(int, int, char *);
		void *h;

		snprintf(path, sizeof(path), "%s/%s.fdx", dir, names[i]);
		h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
		if (!h) {
			printf("SKIP: %s\n", dlerror());
			return 77;
		}
		init = (int (*)(int, int, char *))dlsym(h, "fd_ext_init");
		if (!init || init(FD_PROJECT_VERSION_MAJOR, FD_PROJECT_VERSION_MINOR, NULL)) {
			printf("FAIL: %s does not load\n", path);
			return 1;
		}
	}
	return 0;
}

/* usage: test_dict_tables [--after-debian] [--write-hex FILE]. With --after-debian,
 * Debian's dictionaries are loaded first and every check must still hold: the AVPs we
 * reuse from dict_dcca_3gpp have the tables' flags, and their Enumerated types get the
 * tables' named values from our loader. --write-hex saves every built command for
 * test_dict_tshark.py. */
int main(int argc, char **argv)
{
	const struct dict_app_def *const *t;
	const struct dict_cmd_def *c;
	bool after_debian = false;
	int i, r;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--after-debian")) {
			after_debian = true;
		} else if (!strcmp(argv[i], "--write-hex") && i + 1 < argc) {
			hexout = fopen(argv[++i], "w");
			if (!hexout) {
				perror(argv[i]);
				return 1;
			}
		} else {
			printf("usage: %s [--after-debian] [--write-hex FILE]\n", argv[0]);
			return 2;
		}
	}

	r = fd_core_initialize();
	if (r) {
		printf("SKIP: fd_core_initialize: %s\n", strerror(r));
		return 77;
	}
	dict = fd_g_config->cnf_dict;
	if (after_debian) {
		r = load_debian();
		if (r)
			return r;
	}
	r = dict_load_all();
	if (!r)
		r = dict_load_all();
	if (r) {
		printf("FAIL: dict_load_all: %s: %s\n", strerror(r), dict_errmsg());
		return 1;
	}
	for (t = dict_tables(); *t; t++)
		check_table(*t);
	for (t = dict_tables(); *t; t++)
		for (c = (*t)->cmds; c && c->name; c++)
			round_trip(c);
	for (t = dict_tables(); *t; t++)
		check_all_enforced(*t);
	if (hexout && fclose(hexout))
		fail("writing the hex dump failed");
	if (failures) {
		printf("%d failure(s)\n", failures);
		return 1;
	}
	printf("all dictionary table checks passed\n");
	return 0;
}

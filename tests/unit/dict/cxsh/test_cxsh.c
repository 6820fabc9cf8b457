/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_cxsh.c: the Cx (TS 29.229) and Sh (TS 29.329) dictionaries as freeDiameter sees them
 * after loading. Every AVP of the tables resolves by name and by code+vendor to the same
 * object with the table's type, flags and enumerated values; every grouped AVP and command
 * carries exactly the table's rules; and for each of the twenty commands a message holding
 * every AVP its grammar names (recursively, grouped children included) survives
 * encode -> parse -> dictionary resolution -> rule check -> re-encode byte for byte, while
 * messages missing a required AVP or repeating a single one fail the rule check.
 * A few facts are restated from the specifications rather than read from the tables, so a
 * wrong table line cannot pass by agreeing with itself.
 *
 * Usage: test_dict_cxsh MODE, one fresh dictionary per run:
 *   all     dict_load_all()
 *   cx, sh  only dict_cx_load() or dict_sh_load(), proving each loads on its own
 *   debian  Debian's dict_nasreq, dict_dcca and dict_dcca_3gpp extensions (which define many
 *           Cx/Sh AVPs, some differently, their Enumerated ones with no named values) first,
 *           then dict_load_all(): every check holds as in "all", named values included
 *   fdx     only the freeDiameter extensions dict_cx.fdx and dict_sh.fdx from the build dir,
 *           as a plain freeDiameterd would load them
 */
#include "cm.h"
#include "dict.h"
#define DICT_INTERNAL   /* white-box: reads the tables themselves */
#include "dict_int.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
		/* And back: the value prints (and is matched) under the table's name. */
		memset(&rq.search, 0, sizeof(rq.search));
		rq.search.enum_value.i32 = e->value;
		ev = NULL;
		if (fd_dict_search(dict(), DICT_ENUMVAL, ENUMVAL_BY_STRUCT, &rq, &ev, ENOENT) || !ev ||
		    fd_dict_getval(ev, &evd) || strcmp(evd.enum_name, e->name))
			fail("%s: value %d is not named %s", a->name, e->value, e->name);
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
 * Cross-table consistency: an AVP defined in several tables is defined the same way
 * ------------------------------------------------------------------------------------- */

static void check_shared_definitions(void)
{
	const struct dict_app_def *const *t1, *const *t2;
	const struct dict_avp_def *a, *b;

	for (t1 = dict_tables(); *t1; t1++)
		for (t2 = t1 + 1; *t2; t2++)
			for (a = (*t1)->avps; a && a->name; a++)
				for (b = (*t2)->avps; b && b->name; b++) {
					if (strcmp(a->name, b->name) &&
					    (a->code != b->code || a->vendor != b->vendor))
						continue;
					if (a->code != b->code || a->vendor != b->vendor ||
					    strcmp(a->name, b->name) || a->base != b->base ||
					    a->dtype != b->dtype || a->flag_val != b->flag_val ||
					    a->flag_mask != b->flag_mask)
						fail("AVP %s/%u in %s and %s/%u in %s differ", a->name, a->code,
						     (*t1)->name, b->name, b->code, (*t2)->name);
				}
}

/* ---------------------------------------------------------------------------------------
 * Facts restated from the specifications
 * ------------------------------------------------------------------------------------- */

struct spec_avp {
	const char *name;
	uint32_t code, vendor;
	enum dict_avp_basetype base;
	uint8_t flags; /* M and V as sent */
};

static const struct spec_avp spec_avps[] = {
	/* TS 29.229 */
	{ "Visited-Network-Identifier", 600, 10415, AVP_TYPE_OCTETSTRING, DICT_M | DICT_V },
	{ "Public-Identity", 601, 10415, AVP_TYPE_OCTETSTRING, DICT_M | DICT_V },
	{ "Server-Name", 602, 10415, AVP_TYPE_OCTETSTRING, DICT_M | DICT_V },
	{ "User-Data", 606, 10415, AVP_TYPE_OCTETSTRING, DICT_M | DICT_V },
	{ "SIP-Auth-Data-Item", 612, 10415, AVP_TYPE_GROUPED, DICT_M | DICT_V },
	{ "Server-Assignment-Type", 614, 10415, AVP_TYPE_INTEGER32, DICT_M | DICT_V },
	{ "Charging-Information", 618, 10415, AVP_TYPE_GROUPED, DICT_M | DICT_V },
	{ "Wildcarded-Public-Identity", 634, 10415, AVP_TYPE_OCTETSTRING, DICT_V },
	{ "Wildcarded-IMPU", 636, 10415, AVP_TYPE_OCTETSTRING, DICT_V },
	{ "SCSCF-Restoration-Info", 639, 10415, AVP_TYPE_GROUPED, DICT_V },
	{ "Session-Priority", 650, 10415, AVP_TYPE_INTEGER32, DICT_V },
	{ "Allowed-WAF-WWSF-Identities", 656, 10415, AVP_TYPE_GROUPED, DICT_V },
	{ "RTR-Flags", 659, 10415, AVP_TYPE_UNSIGNED32, DICT_V },
	{ "Failed-PCSCF", 664, 10415, AVP_TYPE_GROUPED, DICT_V },
	{ "Digest-HA1", 121, 0, AVP_TYPE_OCTETSTRING, DICT_M },
	{ "Framed-Interface-Id", 96, 0, AVP_TYPE_UNSIGNED64, DICT_M },
	{ "Line-Identifier", 500, 13019, AVP_TYPE_OCTETSTRING, DICT_V },
	/* TS 29.329 */
	{ "User-Identity", 700, 10415, AVP_TYPE_GROUPED, DICT_M | DICT_V },
	{ "User-Data-29.329", 702, 10415, AVP_TYPE_OCTETSTRING, DICT_M | DICT_V },
	{ "Data-Reference", 703, 10415, AVP_TYPE_INTEGER32, DICT_M | DICT_V },
	{ "Service-Indication", 704, 10415, AVP_TYPE_OCTETSTRING, DICT_M | DICT_V },
	{ "Expiry-Time", 709, 10415, AVP_TYPE_OCTETSTRING, DICT_V },
	{ "DSAI-Tag", 711, 10415, AVP_TYPE_OCTETSTRING, DICT_M | DICT_V },
	{ "Repository-Data-ID", 715, 10415, AVP_TYPE_GROUPED, DICT_V },
	{ "UDR-Flags", 719, 10415, AVP_TYPE_UNSIGNED32, DICT_V },
	{ "AS-Number", 722, 10415, AVP_TYPE_OCTETSTRING, DICT_V },
	/* TS 29.336 6.4.11, table 6.4.1/1 (used by Sh, and by S6a in dict_s6a.c) */
	{ "External-Identifier", 3111, 10415, AVP_TYPE_OCTETSTRING, DICT_M | DICT_V },
};

struct spec_enum {
	const char *avp;
	uint32_t code;
	const char *name;
	int32_t value;
};

static const struct spec_enum spec_enums[] = {
	{ "Server-Assignment-Type", 614, "RESTORATION", 14 },
	{ "Server-Assignment-Type", 614, "PGW_UPDATE", 13 },
	{ "Reason-Code", 616, "REMOVE_S-CSCF", 3 },
	{ "User-Authorization-Type", 623, "REGISTRATION_AND_CAPABILITIES", 2 },
	{ "Session-Priority", 650, "PRIORITY-4", 4 },
	{ "Data-Reference", 703, "RepositoryData", 0 },
	{ "Data-Reference", 703, "IMSPublicIdentity", 10 },
	{ "Data-Reference", 703, "UE-5G-SRVCC-Capability", 35 },
	{ "Identity-Set", 708, "ALIAS_IDENTITIES", 3 },
	{ "Local-Time-Zone-Indication", 718, "LOCAL_TIME_ZONE_WITH_LOCATION_INFO_REQUESTED", 1 },
};

struct spec_cmd {
	const char *request, *answer;
	command_code_t code;
	application_id_t app;
};

static const struct spec_cmd spec_cmds[] = {
	{ "User-Authorization-Request", "User-Authorization-Answer", 300, 16777216 },
	{ "Server-Assignment-Request", "Server-Assignment-Answer", 301, 16777216 },
	{ "Location-Info-Request", "Location-Info-Answer", 302, 16777216 },
	{ "Multimedia-Auth-Request", "Multimedia-Auth-Answer", 303, 16777216 },
	{ "Registration-Termination-Request", "Registration-Termination-Answer", 304, 16777216 },
	{ "Push-Profile-Request", "Push-Profile-Answer", 305, 16777216 },
	{ "User-Data-Request", "User-Data-Answer", 306, 16777217 },
	{ "Profile-Update-Request", "Profile-Update-Answer", 307, 16777217 },
	{ "Subscribe-Notifications-Request", "Subscribe-Notifications-Answer", 308, 16777217 },
	{ "Push-Notification-Request", "Push-Notification-Answer", 309, 16777217 },
};

/* Which table a restated fact belongs to: Sh's codes, and External-Identifier, which the
 * Cx table does not define. */
static bool spec_in_sh(uint32_t code)
{
	return (code >= 700 && code < 800) || code == 3111;
}

static void check_spec_facts(bool cx, bool sh)
{
	size_t i;

	for (i = 0; i < sizeof(spec_avps) / sizeof(spec_avps[0]); i++) {
		const struct spec_avp *s = &spec_avps[i];
		struct dict_avp_request rq = { .avp_vendor = s->vendor, .avp_code = s->code };
		struct dict_object *o = NULL;
		struct dict_avp_data ad;

		if (spec_in_sh(s->code) ? !sh : !cx)
			continue;
		if (fd_dict_search(dict(), DICT_AVP, AVP_BY_CODE_AND_VENDOR, &rq, &o, ENOENT) || !o) {
			fail("spec: AVP %s (%u/%u) missing", s->name, s->code, s->vendor);
			continue;
		}
		fd_dict_getval(o, &ad);
		if (strcmp(ad.avp_name, s->name) || ad.avp_basetype != s->base ||
		    (ad.avp_flag_val & (DICT_M | DICT_V)) != s->flags)
			fail("spec: AVP %u/%u is %s type %d flags %#x, want %s type %d flags %#x",
			     s->code, s->vendor, ad.avp_name, ad.avp_basetype, ad.avp_flag_val, s->name,
			     s->base, s->flags);
	}
	for (i = 0; i < sizeof(spec_enums) / sizeof(spec_enums[0]); i++) {
		const struct spec_enum *s = &spec_enums[i];
		struct dict_avp_request rq = { .avp_vendor = 10415, .avp_code = s->code };
		struct dict_object *o = NULL, *type = NULL, *ev = NULL;
		struct dict_enumval_request er = { 0 };
		struct dict_enumval_data evd;

		if (spec_in_sh(s->code) ? !sh : !cx)
			continue;
		if (fd_dict_search(dict(), DICT_AVP, AVP_BY_CODE_AND_VENDOR, &rq, &o, ENOENT) || !o ||
		    fd_dict_search(dict(), DICT_TYPE, TYPE_OF_AVP, o, &type, ENOENT) || !type) {
			fail("spec: enumerated AVP %s missing", s->avp);
			continue;
		}
		er.type_obj = type;
		er.search.enum_name = (char *)s->name;
		if (fd_dict_search(dict(), DICT_ENUMVAL, ENUMVAL_BY_STRUCT, &er, &ev, ENOENT) || !ev ||
		    fd_dict_getval(ev, &evd) || evd.enum_value.i32 != s->value)
			fail("spec: %s value %s is not %d", s->avp, s->name, s->value);
	}
	for (i = 0; i < sizeof(spec_cmds) / sizeof(spec_cmds[0]); i++) {
		const struct spec_cmd *s = &spec_cmds[i];
		struct dict_object *rq = NULL, *an = NULL, *app = NULL;
		struct dict_application_data apd;

		if (s->app == 16777217 ? !sh : !cx)
			continue;
		if (fd_dict_search(dict(), DICT_COMMAND, CMD_BY_CODE_R, &s->code, &rq, ENOENT) || !rq ||
		    fd_dict_search(dict(), DICT_COMMAND, CMD_ANSWER, rq, &an, ENOENT) || !an) {
			fail("spec: command %u missing", s->code);
			continue;
		}
		{
			struct dict_cmd_data rd, ad;

			fd_dict_getval(rq, &rd);
			fd_dict_getval(an, &ad);
			if (strcmp(rd.cmd_name, s->request) || strcmp(ad.cmd_name, s->answer))
				fail("spec: command %u is %s/%s", s->code, rd.cmd_name, ad.cmd_name);
			if (!(rd.cmd_flag_val & CMD_FLAG_PROXIABLE) || !(ad.cmd_flag_val & CMD_FLAG_PROXIABLE))
				fail("spec: command %u is not proxiable", s->code);
		}
		if (fd_dict_search(dict(), DICT_APPLICATION, APPLICATION_OF_COMMAND, rq, &app, ENOENT) ||
		    !app || fd_dict_getval(app, &apd) || apd.application_id != s->app)
			fail("spec: command %u is not in application %u", s->code, s->app);
	}
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

/* Build a message for `cmd_name` holding every AVP its rules name. */
static struct msg *build(const char *cmd_name, application_id_t app_id)
{
	struct dict_object *cmd = NULL;
	struct msg *m = NULL;
	struct msg_hdr *hdr = NULL;
	int r;

	if (fd_dict_search(dict(), DICT_COMMAND, CMD_BY_NAME, cmd_name, &cmd, ENOENT) || !cmd) {
		fail("%s: command not found", cmd_name);
		return NULL;
	}
	r = fd_msg_new(cmd, MSGFL_ALLOC_ETEID, &m);
	if (r) {
		fail("%s: fd_msg_new: %s", cmd_name, strerror(r));
		return NULL;
	}
	fd_msg_hdr(m, &hdr);
	if (hdr->msg_appl != app_id)
		fail("%s: new message has application %u, want %u", cmd_name, hdr->msg_appl, app_id);
	r = fill_children(m, cmd, 0);
	if (r) {
		fail("%s: building message: %s", cmd_name, strerror(r));
		fd_msg_free(m);
		return NULL;
	}
	return m;
}

/* Encode `m` (into *ret_buf, owned by the caller) and parse the bytes back into a new
 * message resolved against the dictionary (*ret_msg). Rules are not checked here. */
static int encode_parse(const char *what, struct msg *m, uint8_t **ret_buf, size_t *ret_len,
                        struct msg **ret_msg)
{
	uint8_t *buf = NULL, *copy = NULL;
	size_t len = 0;
	struct msg *m2 = NULL;
	struct fd_pei pei;
	int r;

	r = fd_msg_bufferize(m, &buf, &len);
	if (r) {
		fail("%s: fd_msg_bufferize: %s", what, strerror(r));
		goto out;
	}
	copy = malloc(len);
	if (!copy) {
		r = ENOMEM;
		fail("%s: out of memory", what);
		goto out;
	}
	memcpy(copy, buf, len);
	r = fd_msg_parse_buffer(&copy, len, &m2); /* takes the buffer */
	if (r) {
		fail("%s: fd_msg_parse_buffer: %s", what, strerror(r));
		goto out;
	}
	memset(&pei, 0, sizeof(pei));
	r = fd_msg_parse_dict(m2, dict(), &pei);
	if (r) {
		fail("%s: fd_msg_parse_dict: %s (%s)", what, strerror(r),
		     pei.pei_errcode ? pei.pei_errcode : "-");
		goto out;
	}
	*ret_buf = buf;
	*ret_len = len;
	*ret_msg = m2;
	buf = NULL;
	m2 = NULL;
out:
	free(buf);
	free(copy);
	if (m2)
		fd_msg_free(m2);
	return r;
}

static void round_trip(const struct dict_app_def *def, const struct dict_cmd_def *c)
{
	struct msg *m, *m2 = NULL;
	uint8_t *b1 = NULL, *b2 = NULL;
	size_t l1 = 0, l2 = 0;
	struct fd_pei pei;
	int r;

	m = build(c->name, def->app_id);
	if (!m)
		return;
	if (encode_parse(c->name, m, &b1, &l1, &m2))
		goto out;
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
	fd_msg_free(m);
	if (m2)
		fd_msg_free(m2);
}

/* First AVP named `name` directly under `parent` (message or grouped AVP), or NULL. */
static struct avp *child(msg_or_avp *parent, const char *name)
{
	struct dict_object *want = resolve(name);
	struct avp *avp = NULL;

	if (!want || fd_msg_browse(parent, MSG_BRW_FIRST_CHILD, &avp, NULL))
		return NULL;
	while (avp) {
		struct dict_object *model = NULL;

		fd_msg_model(avp, &model);
		if (model == want)
			return avp;
		if (fd_msg_browse(avp, MSG_BRW_NEXT, &avp, NULL))
			return NULL;
	}
	return NULL;
}

enum mutation { DROP, DUPLICATE };

/* Build `cmd_name`, drop (every instance of) or duplicate the AVP at `path` (a top-level
 * AVP, or "Group/Child"), and check the parsed copy fails the rule check with `errcode`. */
static void negative(const char *cmd_name, application_id_t app, const char *path,
                     enum mutation how, const char *errcode)
{
	char top[64];
	const char *slash = strchr(path, '/');
	struct msg *m, *m2 = NULL;
	struct avp *target, *dup = NULL;
	msg_or_avp *parent;
	uint8_t *buf = NULL;
	size_t len;
	struct fd_pei pei;
	int r;

	m = build(cmd_name, app);
	if (!m)
		return;
	snprintf(top, sizeof(top), "%.*s", slash ? (int)(slash - path) : (int)strlen(path), path);
	parent = m;
	target = child(m, top);
	if (target && slash) {
		parent = target;
		target = child(target, slash + 1);
	}
	if (!target) {
		fail("%s: no %s to mutate", cmd_name, path);
		goto out;
	}
	if (how == DROP) {
		/* Every instance: 1*{X} rules were filled with two. fd_msg_free unlinks. */
		while (target) {
			fd_msg_free(target);
			target = child(parent, slash ? slash + 1 : top);
		}
	} else {
		struct dict_object *model = NULL;
		struct avp_hdr *h = NULL;

		fd_msg_model(target, &model);
		fd_msg_avp_hdr(target, &h);
		if (fd_msg_avp_new(model, 0, &dup) || fd_msg_avp_setvalue(dup, h->avp_value) ||
		    fd_msg_avp_add(parent, MSG_BRW_LAST_CHILD, dup)) {
			fail("%s: cannot duplicate %s", cmd_name, path);
			goto out;
		}
	}
	if (encode_parse(cmd_name, m, &buf, &len, &m2))
		goto out;
	memset(&pei, 0, sizeof(pei));
	r = fd_msg_parse_rules(m2, dict(), &pei);
	if (!r)
		fail("%s with %s %s passed the rule check", cmd_name, path,
		     how == DROP ? "missing" : "repeated");
	else if (!pei.pei_errcode || strcmp(pei.pei_errcode, errcode))
		fail("%s with %s %s: error %s, want %s", cmd_name, path,
		     how == DROP ? "missing" : "repeated", pei.pei_errcode ? pei.pei_errcode : "-",
		     errcode);
	else
		printf("ok: %s with %s %s rejected (%s)\n", cmd_name, path,
		       how == DROP ? "missing" : "repeated", errcode);
	if (pei.pei_avp_free)
		fd_msg_free(pei.pei_avp);
out:
	free(buf);
	fd_msg_free(m);
	if (m2)
		fd_msg_free(m2);
}

static void negatives(bool cx, bool sh)
{
	static const char *missing = "DIAMETER_MISSING_AVP";
	static const char *too_many = "DIAMETER_AVP_OCCURS_TOO_MANY_TIMES";

	if (cx) {
		negative("User-Authorization-Request", 16777216, "Public-Identity", DROP, missing);
		negative("User-Authorization-Request", 16777216, "Visited-Network-Identifier", DUPLICATE,
		         too_many);
		negative("Server-Assignment-Request", 16777216, "Server-Assignment-Type", DROP, missing);
		negative("Multimedia-Auth-Request", 16777216, "SIP-Number-Auth-Items", DUPLICATE, too_many);
		negative("Registration-Termination-Request", 16777216, "Deregistration-Reason/Reason-Code",
		         DROP, missing);
		negative("Multimedia-Auth-Answer", 16777216, "SIP-Auth-Data-Item/SIP-Item-Number",
		         DUPLICATE, too_many);
		negative("Server-Assignment-Answer", 16777216,
		         "SCSCF-Restoration-Info/Restoration-Info", DROP, missing);
	}
	if (sh) {
		negative("User-Data-Request", 16777217, "User-Identity", DROP, missing);
		negative("User-Data-Request", 16777217, "Data-Reference", DROP, missing);
		negative("Profile-Update-Request", 16777217, "User-Data-29.329", DUPLICATE, too_many);
		negative("Subscribe-Notifications-Request", 16777217, "Subs-Req-Type", DROP, missing);
		negative("Profile-Update-Answer", 16777217, "Repository-Data-ID/Sequence-Number", DROP,
		         missing);
		negative("User-Data-Request", 16777217, "User-Identity/Public-Identity", DUPLICATE,
		         too_many);
	}
}

/* Load a freeDiameter extension the way freeDiameterd does: dlopen and call its entry.
 * 0, ENOENT when the file is absent, or the entry's error. */
static int load_extension(const char *dir, const char *name)
{
	char path[512];
	void *h;
	int (*init)(int, int, char *);

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (access(path, R_OK))
		return ENOENT;
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		fail("dlopen %s: %s", path, dlerror());
		return EINVAL;
	}
	init = (int (*)(int, int, char *))dlsym(h, "fd_ext_init");
	if (!init) {
		fail("%s has no fd_ext_init", path);
		return EINVAL;
	}
	return init(FD_PROJECT_VERSION_MAJOR, FD_PROJECT_VERSION_MINOR, NULL);
}

static int load(const char *mode)
{
	static const char *debian[] = { "dict_nasreq.fdx", "dict_dcca.fdx", "dict_dcca_3gpp.fdx" };
	const char *dir;
	size_t i;
	int r;

	if (!strcmp(mode, "debian")) {
		dir = getenv("FD_EXT_DIR") ? getenv("FD_EXT_DIR") : "/usr/lib/freeDiameter";
		for (i = 0; i < sizeof(debian) / sizeof(debian[0]); i++) {
			r = load_extension(dir, debian[i]);
			if (r == ENOENT) {
				printf("SKIP: %s/%s is not installed\n", dir, debian[i]);
				return 77;
			}
			if (r) {
				fail("loading %s: %s", debian[i], strerror(r));
				return r;
			}
		}
	}
	if (!strcmp(mode, "fdx")) {
		static char dir_buf[512];

		if (!getenv("DCORE_BUILDDIR")) {
			printf("SKIP: DCORE_BUILDDIR not set (run through meson test)\n");
			return 77;
		}
		snprintf(dir_buf, sizeof(dir_buf), "%s/dictionaries", getenv("DCORE_BUILDDIR"));
		/* dict_sh.fdx installs the Cx table too; loading dict_cx.fdx after it must agree. */
		r = load_extension(dir_buf, "dict_sh.fdx");
		if (!r)
			r = load_extension(dir_buf, "dict_cx.fdx");
		if (r) {
			fail("loading dict_sh.fdx / dict_cx.fdx from %s: %s", dir_buf, strerror(r));
			return r;
		}
		return 0;
	}
	if (!strcmp(mode, "all") || !strcmp(mode, "debian")) {
		r = dict_load_all();
		if (r) {
			fail("dict_load_all: %s (%s)", strerror(r), dict_errmsg());
			return r;
		}
		/* Debian's Enumerated types have no named values, so none of ours may clash. */
		if (*dict_warnmsg())
			fail("dict_load_all left named values out: %s", dict_warnmsg());
	}
	/* Cx and Sh must really be there (dict_load_all tolerates their absence); loading
	 * again is harmless. */
	r = strcmp(mode, "sh") ? dict_cx_load() : 0;
	if (!r && strcmp(mode, "cx"))
		r = dict_sh_load();
	if (!r && strcmp(mode, "cx"))
		r = dict_sh_load();
	if (r)
		fail("loading %s: %s (%s)", mode, strerror(r), dict_errmsg());
	return r;
}

int main(int argc, char **argv)
{
	static const char *modes[] = { "all", "cx", "sh", "debian", "fdx" };
	const char *mode = argc > 1 ? argv[1] : "all";
	bool cx = strcmp(mode, "sh") != 0, sh = strcmp(mode, "cx") != 0;
	const struct dict_cmd_def *c;
	int r, saved_lvl;
	size_t i;

	for (i = 0; i < sizeof(modes) / sizeof(modes[0]) && strcmp(mode, modes[i]); i++)
		;
	if (i == sizeof(modes) / sizeof(modes[0])) {
		fprintf(stderr, "usage: %s [all|cx|sh|debian|fdx]\n", argv[0]);
		return 2;
	}
	r = fd_core_initialize();
	if (r) {
		printf("SKIP: fd_core_initialize failed: %s\n", strerror(r));
		return 77;
	}
	r = load(mode);
	if (r == 77)
		return 77;
	if (r)
		return 1;
	check_shared_definitions();
	check_spec_facts(cx, sh);
	if (cx) {
		check_table(&dict_cx_def);
		for (c = dict_cx_def.cmds; c->name; c++)
			round_trip(&dict_cx_def, c);
	}
	if (sh) {
		check_table(&dict_sh_def);
		for (c = dict_sh_def.cmds; c->name; c++)
			round_trip(&dict_sh_def, c);
	}
	/* freeDiameter logs each rule violation (on stdout); these are expected, so hush it. */
	printf("rule violations on purpose (freeDiameter's own error log muted):\n");
	saved_lvl = fd_g_debug_lvl;
	fd_g_debug_lvl = FD_LOG_FATAL + 1;
	negatives(cx, sh);
	fd_g_debug_lvl = saved_lvl;
	if (failures) {
		printf("%d failure(s)\n", failures);
		return 1;
	}
	printf("all Cx/Sh dictionary checks passed (%s)\n", mode);
	return 0;
}

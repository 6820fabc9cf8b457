/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_dict_tables.c: the dictionary tables as freeDiameter sees them after loading. Every
 * entry of every loaded table (dict_tables()) is in freeDiameter's dictionary exactly as the
 * table says: AVPs by name and by code+vendor (same object, flags, type, enumerated values
 * both ways), grouped and command rules (no more, no fewer), commands by name and code with
 * their flags and application; an AVP defined in several tables is defined the same way; and
 * a few facts are restated from TS 29.229 / TS 29.329, so a wrong table line cannot pass by
 * agreeing with itself. Then, for every command, a message holding every AVP its rules allow
 * (grouped AVPs filled the same way, recursively) is encoded, parsed back, checked against
 * the rules and re-encoded: both encodings must be identical and every AVP recognised.
 * Finally every rule is shown to be enforced: leaving out a required AVP, or adding one more
 * than allowed, makes fd_msg_parse_rules refuse the message (or grouped AVP) with
 * DIAMETER_MISSING_AVP / DIAMETER_AVP_OCCURS_TOO_MANY_TIMES.
 *
 * Usage: test_dict_tables [MODE] [--after-debian] [--write-hex FILE], one fresh dictionary:
 *   all (default)  dict_load_all(), twice (loading is idempotent)
 *   cx, sh         only dict_cx_load() or dict_sh_load(), proving each loads on its own
 *   fdx            only the extensions dict_sh.fdx and dict_cx.fdx from the build dir, as a
 *                  plain freeDiameterd loads them
 *   --after-debian Debian's dict_nasreq, dict_dcca and dict_dcca_3gpp first (they define
 *                  many of our AVPs, their Enumerated ones without named values): every
 *                  check must still hold, named values included
 *   --write-hex    saves every built command for test_dict_tshark.py
 */
#include "dict.h"
#define DICT_INTERNAL   /* white-box: reads the tables themselves */
#include "dict_int.h"
#include "tap.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct dictionary *dict;
/* What main loaded: "all", "cx", "sh" or "fdx". */
static const char *mode = "all";

/* Is table t in the dictionary in this mode? The Sh tables name Cx AVPs, so Sh brings Cx. */
static bool loaded(const struct dict_app_def *t)
{
	if (!strcmp(mode, "all") || t == &dict_common_def)
		return true;
	if (!strcmp(mode, "cx"))
		return t == &dict_cx_def;
	return t == &dict_cx_def || t == &dict_sh_def;   /* sh, fdx */
}

/* A derived type of freeDiameter's base dictionary, or NULL (plain or Enumerated). */
static const char *builtin_type(enum dict_dtype t)
{
	return t == DICT_T_ENUM ? NULL : dict_dtype_name(t);
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
	struct fd_list *sentinel = NULL, *li;
	int n_table = 0, n_dict = 0;

	for (r = rules; r && r->avp; r++, n_table++) {
		struct dict_rule_request rq = { parent, rule_avp(r->avp) };
		struct dict_object *robj = NULL;
		struct dict_rule_data rd;

		if (!CHECK(rq.rule_avp != NULL, "%s: rule AVP %s is known", where, r->avp))
			continue;
		if (!CHECK(!fd_dict_search(dict, DICT_RULE, RULE_BY_AVP_AND_PARENT, &rq, &robj,
		                           ENOENT)
		           && !fd_dict_getval(robj, &rd), "%s: rule for %s installed", where,
		           r->avp))
			continue;
		CHECK(rd.rule_position == r->pos && rd.rule_min == r->min && rd.rule_max == r->max,
		      "%s: rule for %s is pos %d min %d max %d (installed: %d %d %d)", where,
		      r->avp,
		      r->pos, r->min, r->max, rd.rule_position, rd.rule_min, rd.rule_max);
	}
	if (!CHECK_ERR(fd_dict_getlistof(RULE_BY_AVP_AND_PARENT, parent, &sentinel), 0,
	               "%s: rules listed", where))
		return;
	for (li = sentinel->next; li != sentinel; li = li->next)
		n_dict++;
	CHECK_INT(n_dict, ==, n_table, "%s: no rule beyond the table's", where);
}

/* The first line, in dict_tables() order, defining a's code and vendor: the one installed. */
static const struct dict_avp_def *first_definition(const struct dict_avp_def *a)
{
	const struct dict_app_def *const *t;
	const struct dict_avp_def *b;

	for (t = dict_tables(); *t; t++)
		for (b = (*t)->avps; loaded(*t) && b && b->name; b++)
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

	if (!CHECK(!fd_dict_search(dict, DICT_AVP, AVP_BY_NAME_AND_VENDOR, &byname, &o1, ENOENT),
	           "%s: AVP %s (vendor %u) found by name", t->name, a->name, a->vendor))
		return;
	if (!CHECK(!fd_dict_search(dict, DICT_AVP, AVP_BY_CODE_AND_VENDOR, &bycode, &o2, ENOENT) &&
	           o1 == o2, "%s: AVP %s found by code %u vendor %u", t->name, a->name, a->code,
	           a->vendor))
		return;
	fd_dict_getval(o1, &ad);
	CHECK_INT(ad.avp_basetype, ==, a->base, "%s: AVP %s basetype", t->name, a->name);
	first = first_definition(a);
	if (first != a) {
		/* Installed from an earlier table: the two lines must agree on what matters on
		 * the wire; a flag rule disagreement is reported for the tables' authors. */
		CHECK(first->base == a->base && first->dtype == a->dtype && !strcmp(first->name,
		                                                                    a->name)
		      && first->flag_val == a->flag_val && first->flag_mask == a->flag_mask,
		      "%s: AVP %u %s agrees with the earlier table's definition", t->name, a->code,
		      a->name);
	} else {
		CHECK(ad.avp_flag_mask == a->flag_mask &&
		      (ad.avp_flag_val & ad.avp_flag_mask) == a->flag_val,
		      "%s: AVP %s flags %02x/%02x as in the table (installed %02x/%02x)", t->name,
		      a->name, a->flag_val, a->flag_mask, ad.avp_flag_val, ad.avp_flag_mask);
	}
	CHECK(!(a->flag_val & ~a->flag_mask) && (a->vendor != 0) == !!(a->flag_val & DICT_V),
	      "%s: AVP %s: V flag matches its vendor, set flags are fixed", t->name, a->name);
	fd_dict_search(dict, DICT_TYPE, TYPE_OF_AVP, o1, &type, ENOENT);
	if (builtin_type(a->dtype))
		CHECK(type && !fd_dict_getval(type, &td) && !strcmp(td.type_name,
		                                                    builtin_type(a->dtype)),
		      "%s: AVP %s has type %s", t->name, a->name, builtin_type(a->dtype));
	if (a->dtype == DICT_T_ENUM) {
		if (!CHECK(type != NULL, "%s: AVP %s has an Enumerated type", t->name, a->name))
			return;
		CHECK(a->enums && a->enums->name, "%s: Enumerated AVP %s has values", t->name,
		      a->name);
		for (e = a->enums; e && e->name; e++) {
			struct dict_enumval_request rq = { .type_obj = type };
			struct dict_object *v = NULL;
			struct dict_enumval_data vd;

			rq.search.enum_name = (char *)e->name;
			CHECK(!fd_dict_search(dict, DICT_ENUMVAL, ENUMVAL_BY_STRUCT, &rq, &v,
			                      ENOENT) &&
			      !fd_dict_getval(v, &vd) && vd.enum_value.i32 == e->value,
			      "%s: AVP %s value %s(%d) installed", t->name, a->name, e->name,
			      e->value);
			/* And back: the value prints (and is matched) under the table's name. */
			memset(&rq.search, 0, sizeof(rq.search));
			rq.search.enum_value.i32 = e->value;
			v = NULL;
			CHECK(!fd_dict_search(dict, DICT_ENUMVAL, ENUMVAL_BY_STRUCT, &rq, &v,
			                      ENOENT) &&
			      !fd_dict_getval(v, &vd) && !strcmp(vd.enum_name, e->name),
			      "%s: AVP %s value %d is named %s", t->name, a->name, e->value,
			      e->name);
		}
	} else {
		CHECK(!a->enums, "%s: AVP %s has values only if DICT_T_ENUM", t->name, a->name);
	}
}

static void check_table(const struct dict_app_def *t)
{
	const struct dict_avp_def *a, *b;
	const struct dict_group_def *g;
	const struct dict_cmd_def *c;
	struct dict_object *app = NULL;
	size_t n = 0;

	if (t->app_id)
		CHECK(!fd_dict_search(dict, DICT_APPLICATION, APPLICATION_BY_ID, &t->app_id, &app,
		                      ENOENT), "%s: application %u installed", t->name, t->app_id);
	for (a = t->avps; a && a->name; a++, n++) {
		check_avp(t, a);
		for (b = t->avps; b != a; b++)
			if ((b->code == a->code && b->vendor == a->vendor) || !strcmp(b->name, a->name))
				break;
		CHECK(b == a, "%s: AVP %s (%u) defined once in the table", t->name, a->name,
		      a->code);
	}
	for (g = t->groups; g && g->avp; g++) {
		struct dict_object *o = rule_avp(g->avp);
		struct dict_avp_data ad;

		if (CHECK(o && !fd_dict_getval(o, &ad) && ad.avp_basetype == AVP_TYPE_GROUPED,
		          "%s: group %s is a grouped AVP", t->name, g->avp))
			check_rules(g->avp, o, g->rules);
	}
	for (c = t->cmds; c && c->name; c++) {
		struct dict_object *o = NULL, *o2 = NULL, *capp = NULL;
		struct dict_cmd_data cd;

		if (!CHECK(!fd_dict_search(dict, DICT_COMMAND, CMD_BY_NAME, c->name, &o, ENOENT),
		           "%s: command %s installed", t->name, c->name))
			continue;
		fd_dict_search(dict, DICT_COMMAND, c->request ? CMD_BY_CODE_R : CMD_BY_CODE_A, &c->code,
		               &o2, ENOENT);
		CHECK(o == o2, "%s: command %s found by code %u", t->name, c->name, c->code);
		fd_dict_getval(o, &cd);
		CHECK(cd.cmd_code == c->code &&
		      !!(cd.cmd_flag_val & CMD_FLAG_REQUEST) == c->request &&
		      !!(cd.cmd_flag_val & CMD_FLAG_PROXIABLE) == c->proxiable &&
		      (cd.cmd_flag_mask & CMD_FLAG_REQUEST), "%s: command %s code and flags", t->name,
		      c->name);
		fd_dict_search(dict, DICT_APPLICATION, APPLICATION_OF_COMMAND, o, &capp, ENOENT);
		CHECK(capp == app, "%s: command %s in application %u", t->name, c->name, t->app_id);
		check_rules(c->name, o, c->rules);
	}
	tap_note("%s: %zu AVPs checked", t->name, n);
}

/* ---- facts restated from the specifications ---------------------------------------- */

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

/* Is a restated fact's table loaded? Sh's codes, and External-Identifier (which the Cx table
 * does not define), belong to Sh; the others to Cx. */
static bool spec_loaded(uint32_t code, bool is_cmd)
{
	bool sh = is_cmd ? code >= 306 : (code >= 700 && code < 800) || code == 3111;

	return loaded(sh ? &dict_sh_def : &dict_cx_def);
}

static void check_spec_facts(void)
{
	size_t i;

	for (i = 0; i < sizeof(spec_avps) / sizeof(spec_avps[0]); i++) {
		const struct spec_avp *sp = &spec_avps[i];
		struct dict_avp_request rq = { .avp_vendor = sp->vendor, .avp_code = sp->code };
		struct dict_object *o = NULL;
		struct dict_avp_data ad;

		if (!spec_loaded(sp->code, false))
			continue;
		if (!CHECK(!fd_dict_search(dict, DICT_AVP, AVP_BY_CODE_AND_VENDOR, &rq, &o, ENOENT),
		           "spec: AVP %s (%u/%u) installed", sp->name, sp->code, sp->vendor))
			continue;
		fd_dict_getval(o, &ad);
		CHECK(!strcmp(ad.avp_name, sp->name) && ad.avp_basetype == sp->base &&
		      (ad.avp_flag_val & (DICT_M | DICT_V)) == sp->flags,
		      "spec: AVP %u/%u is %s type %d flags %#x (installed: %s type %d flags %#x)",
		      sp->code, sp->vendor, sp->name, sp->base, sp->flags, ad.avp_name,
		      ad.avp_basetype,
		      ad.avp_flag_val);
	}
	for (i = 0; i < sizeof(spec_enums) / sizeof(spec_enums[0]); i++) {
		const struct spec_enum *sp = &spec_enums[i];
		struct dict_avp_request rq = { .avp_vendor = 10415, .avp_code = sp->code };
		struct dict_object *o = NULL, *type = NULL, *ev = NULL;
		struct dict_enumval_request er = { 0 };
		struct dict_enumval_data evd;

		if (!spec_loaded(sp->code, false))
			continue;
		if (!CHECK(!fd_dict_search(dict, DICT_AVP, AVP_BY_CODE_AND_VENDOR, &rq, &o,
		                           ENOENT) &&
		           !fd_dict_search(dict, DICT_TYPE, TYPE_OF_AVP, o, &type, ENOENT) && type,
		           "spec: enumerated AVP %s installed", sp->avp))
			continue;
		er.type_obj = type;
		er.search.enum_name = (char *)sp->name;
		CHECK(!fd_dict_search(dict, DICT_ENUMVAL, ENUMVAL_BY_STRUCT, &er, &ev, ENOENT) &&
		      !fd_dict_getval(ev, &evd) && evd.enum_value.i32 == sp->value,
		      "spec: %s value %s is %d", sp->avp, sp->name, sp->value);
	}
	for (i = 0; i < sizeof(spec_cmds) / sizeof(spec_cmds[0]); i++) {
		const struct spec_cmd *sp = &spec_cmds[i];
		struct dict_object *rq = NULL, *an = NULL, *app = NULL;
		struct dict_application_data apd;
		struct dict_cmd_data rd, ad;

		if (!spec_loaded(sp->code, true))
			continue;
		if (!CHECK(!fd_dict_search(dict, DICT_COMMAND, CMD_BY_CODE_R, &sp->code, &rq,
		                           ENOENT) &&
		           !fd_dict_search(dict, DICT_COMMAND, CMD_ANSWER, rq, &an, ENOENT),
		           "spec: command %u installed", sp->code))
			continue;
		fd_dict_getval(rq, &rd);
		fd_dict_getval(an, &ad);
		CHECK(!strcmp(rd.cmd_name, sp->request) && !strcmp(ad.cmd_name, sp->answer),
		      "spec: command %u is %s/%s (installed: %s/%s)", sp->code, sp->request,
		      sp->answer,
		      rd.cmd_name, ad.cmd_name);
		CHECK((rd.cmd_flag_val & CMD_FLAG_PROXIABLE) &&
		      (ad.cmd_flag_val & CMD_FLAG_PROXIABLE),
		      "spec: command %u is proxiable", sp->code);
		CHECK(!fd_dict_search(dict, DICT_APPLICATION, APPLICATION_OF_COMMAND, rq, &app,
		                      ENOENT)
		      && app && !fd_dict_getval(app, &apd) && apd.application_id == sp->app,
		      "spec: command %u is in application %u", sp->code, sp->app);
	}
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
		tap_note("building AVP %s: %s", avp ? ad.avp_name : "?", strerror(r));
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

static void round_trip(const struct dict_app_def *t, const struct dict_cmd_def *c)
{
	struct dict_object *cmd = NULL;
	struct msg *m = NULL, *m2 = NULL;
	uint8_t *b1 = NULL, *b2 = NULL, *copy = NULL;
	size_t l1 = 0, l2 = 0, total = 0, unknown;
	struct fd_pei pei;
	int r;

	n_avps_built = 0;
	if (!CHECK(!fd_dict_search(dict, DICT_COMMAND, CMD_BY_NAME, c->name, &cmd, ENOENT),
	           "round trip: command %s installed", c->name))
		return;
	r = fd_msg_new(cmd, MSGFL_ALLOC_ETEID, &m);
	if (!r) {
		struct msg_hdr *hdr = NULL;

		fd_msg_hdr(m, &hdr);
		CHECK_UINT(hdr->msg_appl, ==, t->app_id, "%s: a new message has the application id",
		           c->name);
		r = fill(m, cmd, 0);
	}
	if (!CHECK_ERR(r, 0, "%s: built with every AVP its rules allow", c->name))
		goto out;
	memset(&pei, 0, sizeof(pei));
	r = fd_msg_parse_rules(m, dict, &pei);
	if (!CHECK_ERR(r, 0, "%s as built follows its rules (%s)", c->name,
	               pei.pei_message ? pei.pei_message : "-"))
		goto out;
	if (!CHECK_ERR(fd_msg_bufferize(m, &b1, &l1), 0, "%s: encoded", c->name))
		goto out;
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
		tap_bail("out of memory");
	memcpy(copy, b1, l1);
	if (!CHECK_ERR(fd_msg_parse_buffer(&copy, l1, &m2), 0, "%s: parsed back", c->name))
		goto out;
	memset(&pei, 0, sizeof(pei));
	r = fd_msg_parse_dict(m2, dict, &pei);
	if (!CHECK_ERR(r, 0, "%s: every AVP decodes (%s)", c->name,
	               pei.pei_message ? pei.pei_message : "-"))
		goto out;
	memset(&pei, 0, sizeof(pei));
	r = fd_msg_parse_rules(m2, dict, &pei);
	if (!CHECK_ERR(r, 0, "%s: parsed back, follows its rules (%s)", c->name,
	               pei.pei_message ? pei.pei_message : "-"))
		goto out;
	unknown = count_unknown(m2, &total);
	CHECK_UINT(unknown, ==, 0, "%s: no AVP unknown to the dictionary", c->name);
	CHECK_UINT(total, ==, n_avps_built, "%s: as many AVPs parsed as built", c->name);
	if (CHECK_ERR(fd_msg_bufferize(m2, &b2, &l2), 0, "%s: re-encoded", c->name) &&
	    CHECK_UINT(l2, ==, l1, "%s: re-encoding has the same length", c->name))
		CHECK_MEM(b2, b1, l1, "%s: re-encoding is identical (%zu AVPs, %zu octets)",
		          c->name,
		          total, l1);
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
 * more than allowed, is refused with the right error. Adds the violations tried to *tried
 * and those refused as they should be to *refused. */
static void check_enforced(const char *name, struct dict_object *model, bool is_cmd,
                           int *tried, int *refused)
{
	struct fd_list *sentinel, *li;
	const char *err;
	int r;

	skip_avp = dup_avp = NULL;
	r = build_and_check(model, is_cmd, &err);
	if (!CHECK_INT(r, ==, 0, "%s as built is accepted (%s)", name, err))
		return;
	if (!CHECK_ERR(fd_dict_getlistof(RULE_BY_AVP_AND_PARENT, model, &sentinel), 0,
	               "%s: rules listed", name))
		return;
	for (li = sentinel->next; li != sentinel; li = li->next) {
		struct dict_rule_data rd;
		struct dict_avp_data ad;

		if (!CHECK(!fd_dict_getval(li->o, &rd) && !fd_dict_getval(rd.rule_avp, &ad),
		           "%s: a rule and its AVP are readable", name))
			continue;
		if (rd.rule_position != RULE_OPTIONAL && rd.rule_min != 0) {
			skip_avp = rd.rule_avp;
			r = build_and_check(model, is_cmd, &err);
			skip_avp = NULL;
			(*tried)++;
			/* -1: the container could not even be built, which refuses nothing */
			if (CHECK(r > 0 && (rd.rule_position != RULE_REQUIRED ||
			                    !strcmp(err, "DIAMETER_MISSING_AVP")),
			          "%s without %s is refused (%d %s)", name, ad.avp_name, r, err))
				(*refused)++;
		}
		if (rd.rule_max > 0 && rd.rule_max < 4) {
			dup_avp = rd.rule_avp;
			r = build_and_check(model, is_cmd, &err);
			dup_avp = NULL;
			(*tried)++;
			if (CHECK(r > 0 && (rd.rule_position == RULE_FIXED_HEAD ||
			                    !strcmp(err, "DIAMETER_AVP_OCCURS_TOO_MANY_TIMES")),
			          "%s with %d %s is refused (%d %s)", name, rd.rule_max + 1,
			          ad.avp_name, r,
			          err))
				(*refused)++;
		}
	}
}

static void check_all_enforced(const struct dict_app_def *t)
{
	const struct dict_group_def *g;
	const struct dict_cmd_def *c;
	struct dict_object *o;
	size_t n = 0;
	int tried = 0, refused = 0;

	for (g = t->groups; g && g->avp; g++, n++)
		if (CHECK((o = rule_avp(g->avp)) != NULL, "%s: group %s installed", t->name,
		          g->avp))
			check_enforced(g->avp, o, false, &tried, &refused);
	for (c = t->cmds; c && c->name; c++, n++) {
		o = NULL;
		if (CHECK(!fd_dict_search(dict, DICT_COMMAND, CMD_BY_NAME, c->name, &o, ENOENT),
		          "%s: command %s installed", t->name, c->name))
			check_enforced(c->name, o, true, &tried, &refused);
	}
	tap_note("%s: rules of %zu groups and commands: %d of %d violations refused", t->name, n,
	         refused, tried);
}

/* Load a freeDiameter extension the way freeDiameterd does: dlopen and call its entry.
 * 0, ENOENT when the file is absent, or the entry's error. */
static int load_extension(const char *dir, const char *name)
{
	int (*init)(int, int, char *);
	char path[512];
	void *h;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (access(path, R_OK))
		return ENOENT;
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		tap_bail("dlopen %s: %s", path, dlerror());
	init = (int (*)(int, int, char *))dlsym(h, "fd_ext_init");
	if (!init)
		tap_bail("%s has no fd_ext_init", path);
	return init(FD_PROJECT_VERSION_MAJOR, FD_PROJECT_VERSION_MINOR, NULL);
}

/* Fills the dictionary as `mode` says (see the top of the file). 0, or ENOENT when what
 * the mode needs is not installed. */
static int load(bool after_debian)
{
	static const char *const debian[] = { "dict_nasreq.fdx", "dict_dcca.fdx",
	                                      "dict_dcca_3gpp.fdx" };
	const char *dir = getenv("FD_EXT_DIR") ? getenv("FD_EXT_DIR") : "/usr/lib/freeDiameter";
	char buf[512];
	size_t i;
	int r;

	for (i = 0; after_debian && i < sizeof(debian) / sizeof(debian[0]); i++) {
		r = load_extension(dir, debian[i]);
		if (r == ENOENT) {
			tap_note("%s/%s is not installed", dir, debian[i]);
			return ENOENT;
		}
		CHECK_ERR(r, 0, "Debian's %s loads", debian[i]);
	}
	if (!strcmp(mode, "fdx")) {
		if (!getenv("DCORE_BUILDDIR")) {
			tap_note("DCORE_BUILDDIR is not set (run through meson test)");
			return ENOENT;
		}
		snprintf(buf, sizeof(buf), "%s/dictionaries", getenv("DCORE_BUILDDIR"));
		/* dict_sh.fdx installs the Cx table too; dict_cx.fdx after it must agree. */
		CHECK_ERR(load_extension(buf, "dict_sh.fdx"), 0, "dict_sh.fdx loads");
		CHECK_ERR(load_extension(buf, "dict_cx.fdx"), 0, "dict_cx.fdx loads after it");
		return 0;
	}
	/* Twice each: loading is idempotent. */
	for (i = 0; i < 2; i++) {
		if (!strcmp(mode, "all"))
			r = dict_load_all();
		else if (!strcmp(mode, "cx"))
			r = dict_cx_load();
		else
			r = dict_sh_load();
		CHECK_ERR(r, 0, "%s loads (%s)", mode, r ? dict_errmsg() : "-");
		/* None of our named values may be left out, Debian's types or not. */
		CHECK_STR(dict_warnmsg(), "", "%s: every named value installed", mode);
	}
	return 0;
}

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
			if (!hexout)
				tap_bail("%s: %s", argv[i], strerror(errno));
		} else if (i == 1 && (!strcmp(argv[i], "all") || !strcmp(argv[i], "cx") ||
		                      !strcmp(argv[i], "sh") || !strcmp(argv[i], "fdx"))) {
			mode = argv[i];
		} else {
			fprintf(stderr,
			        "usage: %s [all|cx|sh|fdx] [--after-debian] [--write-hex FILE]\n",
			        argv[0]);
			return 2;
		}
	}

	if ((r = fd_core_initialize()))
		tap_bail("fd_core_initialize: %s", strerror(r));
	dict = fd_g_config->cnf_dict;
	if (load(after_debian) == ENOENT)
		return tap_skip_all("what mode %s%s loads is not installed", mode,
		                    after_debian ? " --after-debian" : "");
	for (t = dict_tables(); *t; t++)
		if (loaded(*t))
			check_table(*t);
	check_spec_facts();
	for (t = dict_tables(); *t; t++)
		for (c = (*t)->cmds; loaded(*t) && c && c->name; c++)
			round_trip(*t, c);
	/* freeDiameter logs each rule violation; those below are on purpose. */
	fd_g_debug_lvl = FD_LOG_FATAL + 1;
	for (t = dict_tables(); *t; t++)
		if (loaded(*t))
			check_all_enforced(*t);
	if (hexout)
		CHECK_INT(fclose(hexout), ==, 0, "hex dump written");
	return tap_done();
}

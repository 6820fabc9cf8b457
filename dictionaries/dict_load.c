/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dict_load.c: the only code that writes to freeDiameter's dictionary. It installs one
 * table set (dict_int.h) into fd_g_config->cnf_dict: vendor, application, AVPs with their
 * derived or Enumerated types, grouped AVP rules, then commands and their rules.
 *
 * Everything is looked up before it is created, so a table may be installed twice, and
 * before or after other dictionaries (freeDiameter's base, Debian's dict_nasreq, dict_dcca,
 * dict_dcca_3gpp, or another of our tables). An AVP already present under the same code
 * and vendor is reused (its flags may differ); only a different basic data type is a
 * conflict, because a message built against one definition would not parse against the
 * other. A reused Enumerated AVP gets the named constants of our table that its type lacks
 * (Debian's types have none), so rules may name values whichever dictionary came first;
 * constants that clash with the other dictionary's are left out and reported through
 * dict_warnmsg(), never fatal. A short list of definitions known to be wrong in Debian's
 * dict_dcca_3gpp.fdx (dict_repairs) is replaced by the spec's, so the result does not
 * depend on load order.
 */
#include "dict_int.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Per thread, so concurrent loaders cannot garble each other's explanation. */
static __thread char dict_err[384];
/* What a successful load left out (dict_warnmsg); reset by each public loader. */
static __thread char dict_warn[1024];

/* fd_dict_new and fd_dict_search lock the dictionary per call; this lock only keeps two
 * of our loaders from interleaving "look up, then create" on the same object. */
static pthread_mutex_t dict_install_lock = PTHREAD_MUTEX_INITIALIZER;

void dict_set_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dict_err, sizeof(dict_err), fmt, ap);
	va_end(ap);
}

const char *dict_errmsg(void)
{
	return dict_err;
}

void dict_warn_reset(void)
{
	dict_warn[0] = '\0';
}

/* Append one note to dict_warn ("; "-separated); a full buffer ends in "...". */
static void dict_add_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void dict_add_warn(const char *fmt, ...)
{
	size_t len = strlen(dict_warn), room = sizeof(dict_warn) - len;
	va_list ap;
	int n;

	if (len >= sizeof(dict_warn) - 4)
		return; /* already full and marked */
	if (len) {
		snprintf(dict_warn + len, room, "; ");
		len += 2;
		room -= 2;
	}
	va_start(ap, fmt);
	n = vsnprintf(dict_warn + len, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room)
		snprintf(dict_warn + sizeof(dict_warn) - 4, 4, "...");
}

const char *dict_warnmsg(void)
{
	return dict_warn;
}

const char *dict_dtype_name(enum dict_dtype t)
{
	switch (t) {
	case DICT_T_UTF8: return "UTF8String";
	case DICT_T_ADDRESS: return "Address";
	case DICT_T_TIME: return "Time";
	case DICT_T_DIAMID: return "DiameterIdentity";
	case DICT_T_DIAMURI: return "DiameterURI";
	case DICT_T_IPFILTER: return "IPFilterRule";
	case DICT_T_ENUM: return "Enumerated";
	case DICT_T_NONE:
		break;
	}
	return NULL;
}

static int dict_vendor_get(struct dictionary *d, uint32_t vid, struct dict_object **ret)
{
	struct dict_vendor_data vd = { vid, NULL };
	char name[32];
	int ret_fd;

	if (vid == 0) {
		*ret = NULL;
		return 0;
	}
	ret_fd = fd_dict_search(d, DICT_VENDOR, VENDOR_BY_ID, &vid, ret, ENOENT);
	if (ret_fd != ENOENT)
		return ret_fd;
	if (vid == DICT_VENDOR_3GPP)
		snprintf(name, sizeof(name), "3GPP");
	else
		snprintf(name, sizeof(name), "Vendor %u", vid);
	vd.vendor_name = name;
	ret_fd = fd_dict_new(d, DICT_VENDOR, &vd, NULL, ret);
	if (ret_fd)
		dict_set_err("cannot create vendor %u: %s", vid, strerror(ret_fd));
	return ret_fd;
}

static const struct dict_avp_def *dict_table_avp(const struct dict_app_def *def, const char *name)
{
	const struct dict_avp_def *a;

	if (!def || !def->avps)
		return NULL;
	for (a = def->avps; a->name; a++)
		if (!strcmp(a->name, name))
			return a;
	return NULL;
}

static int dict_avp_by_code(struct dictionary *d, uint32_t code, uint32_t vendor,
                            struct dict_object **ret)
{
	struct dict_avp_request req = { .avp_vendor = vendor, .avp_code = code };

	return fd_dict_search(d, DICT_AVP, AVP_BY_CODE_AND_VENDOR, &req, ret, ENOENT);
}

/* Find the AVP a rule names. Our own tables say which code and vendor the name means (the
 * dictionary may hold the same code under an older spelling, and several vendors may use
 * one name); names from elsewhere (base protocol, other extensions) are looked up by name,
 * vendor 0 first. */
static int dict_avp_resolve(struct dictionary *d, const struct dict_app_def *def, const char *name,
                            struct dict_object **ret)
{
	const struct dict_avp_def *a = dict_table_avp(def, name);
	struct dict_avp_request req = { .avp_vendor = DICT_VENDOR_3GPP, .avp_name = (char *)name };
	int r;

	if (!a)
		a = dict_table_avp(&dict_common_def, name);
	if (a) {
		r = dict_avp_by_code(d, a->code, a->vendor, ret);
	} else {
		r = fd_dict_search(d, DICT_AVP, AVP_BY_NAME, name, ret, ENOENT);
		if (r == ENOENT)
			r = fd_dict_search(d, DICT_AVP, AVP_BY_NAME_AND_VENDOR, &req, ret, ENOENT);
		if (r == ENOENT)
			r = fd_dict_search(d, DICT_AVP, AVP_BY_NAME_ALL_VENDORS, name, ret, ENOENT);
	}
	if (r == ENOENT)
		dict_set_err("AVP '%s' is referenced by a rule but is in no loaded dictionary", name);
	else if (r)
		dict_set_err("looking up AVP '%s': %s", name, strerror(r));
	return r;
}

static int dict_enum_type(struct dictionary *d, const struct dict_avp_def *a,
                          struct dict_object **ret)
{
	struct dict_type_data td = { .type_base = a->base };
	struct dict_enumval_data ev;
	const struct dict_enum_def *e;
	char name[128];
	int r;

	/* Debian's dict_dcca_3gpp names its types "3GPP/Enumerated(X)"; a distinct name keeps
	 * the two sets of constants apart, so neither load can conflict with the other. */
	if (a->vendor == DICT_VENDOR_3GPP)
		snprintf(name, sizeof(name), "Enumerated(3GPP/%s)", a->name);
	else
		snprintf(name, sizeof(name), "Enumerated(%s)", a->name);
	td.type_name = name;
	r = fd_dict_new(d, DICT_TYPE, &td, NULL, ret);
	if (r) {
		dict_set_err("cannot create type '%s' for AVP %s: %s", name, a->name, strerror(r));
		return r;
	}
	for (e = a->enums; e && e->name; e++) {
		memset(&ev, 0, sizeof(ev));
		ev.enum_name = (char *)e->name;
		if (a->base == AVP_TYPE_UNSIGNED32)
			ev.enum_value.u32 = (uint32_t)e->value;
		else
			ev.enum_value.i32 = e->value;
		r = fd_dict_new(d, DICT_ENUMVAL, &ev, *ret, NULL);
		/* A clash on a constant only changes how values are printed: keep the first. */
		if (r && r != EEXIST) {
			dict_set_err("cannot add value %s(%d) to AVP %s: %s", e->name, e->value, a->name,
			             strerror(r));
			return r;
		}
	}
	return 0;
}

/* Definitions known to be wrong in a dictionary we must load beside, which we replace by
 * the spec's: each entry describes the wrong object exactly (code, vendor, name, type).
 * All come from Debian's dict_dcca_3gpp.fdx (freeDiameter 1.2.1). Replacing is safe only
 * because no rule of that extension names these AVPs (a rule keeps a pointer to its AVP);
 * it makes the dictionary the same whichever of the two was loaded first. */
static const struct dict_avp_def dict_repairs[] = {
	/* TS 29.272 7.3.88 (TS 29.002 SS-Status): OctetString, not Grouped (the table row said
	 * Grouped until V12.5.0). */
	{ 1477, DICT_VENDOR_3GPP, "SS-Status", 0, 0, AVP_TYPE_GROUPED, DICT_T_NONE, NULL },
	/* TS 29.336 6.4.11: External-Identifier is code 3111 (29.061's code 28 was withdrawn). */
	{ 28, DICT_VENDOR_3GPP, "External-Identifier", 0, 0, AVP_TYPE_OCTETSTRING, DICT_T_NONE, NULL },
	/* TS 29.272 7.3.101 (renamed in V12.4.0): Call-Barring-Info, was Call-Barring-Infor-List. */
	{ 1488, DICT_VENDOR_3GPP, "Call-Barring-Infor-List", 0, 0, AVP_TYPE_GROUPED, DICT_T_NONE, NULL },
	/* TS 29.272 7.3.115: MME-Location-Information (hyphen missing). */
	{ 1600, DICT_VENDOR_3GPP, "MME-LocationInformation", 0, 0, AVP_TYPE_GROUPED, DICT_T_NONE, NULL },
	/* TS 29.272 7.3.166-167 (codes swapped in V12.9.0): 1655 is Measurement-Period-LTE,
	 * 1656 Measurement-Period-UMTS. */
	{ 1655, DICT_VENDOR_3GPP, "Measurement-Period-UMTS", 0, 0, AVP_TYPE_INTEGER32, DICT_T_NONE, NULL },
	{ 1656, DICT_VENDOR_3GPP, "Measurement-Period-LTE", 0, 0, AVP_TYPE_INTEGER32, DICT_T_NONE, NULL },
};

/* Delete obj if it is one of dict_repairs. 0: deleted; ENOENT: not a known defect. */
static int dict_repair(struct dict_object *obj, const struct dict_avp_data *ad)
{
	size_t i;

	for (i = 0; i < sizeof(dict_repairs) / sizeof(dict_repairs[0]); i++) {
		const struct dict_avp_def *w = &dict_repairs[i];

		if (w->code == ad->avp_code && w->vendor == ad->avp_vendor && w->base == ad->avp_basetype &&
		    !strcmp(w->name, ad->avp_name))
			return fd_dict_delete(obj);
	}
	return ENOENT;
}

/* Is the AVP of table line a already usable? 0: yes, reuse it (*ret_obj); ENOENT: create it
 * (absent, or a known wrong definition was just removed); EEXIST or another error: give up
 * (reason set). */
static int dict_avp_lookup(struct dictionary *d, const struct dict_avp_def *a,
                           struct dict_object **ret_obj)
{
	struct dict_avp_request rn = { .avp_vendor = a->vendor, .avp_name = (char *)a->name };
	struct dict_object *obj = NULL;
	struct dict_avp_data ad;
	int r;

	r = dict_avp_by_code(d, a->code, a->vendor, &obj);
	if (r == 0) {
		r = fd_dict_getval(obj, &ad);
		if (r)
			return r;
		/* Same code and type: reuse, whatever its name and flags, unless it is one of the
		 * known wrong definitions, which is removed and then created anew below. */
		if ((ad.avp_basetype == a->base && !strcmp(ad.avp_name, a->name)) ||
		    dict_repair(obj, &ad) != 0) {
			if (ad.avp_basetype == a->base) {
				*ret_obj = obj;
				return 0;
			}
			dict_set_err("AVP %s (code %u, vendor %u) is already in the dictionary as '%s' of "
			             "type %s, but this table defines it as %s", a->name, a->code, a->vendor,
			             ad.avp_name, cm_avp_basetype_name(ad.avp_basetype),
			             cm_avp_basetype_name(a->base));
			return EEXIST;
		}
	} else if (r != ENOENT) {
		return r;
	}
	/* Not there under its code: its name must be free too. */
	r = fd_dict_search(d, DICT_AVP, AVP_BY_NAME_AND_VENDOR, &rn, &obj, ENOENT);
	if (r != 0)
		return r;
	r = fd_dict_getval(obj, &ad);
	if (r)
		return r;
	if (dict_repair(obj, &ad) == 0)
		return ENOENT;
	dict_set_err("AVP name %s (vendor %u) is already used by code %u; this table gives it code %u",
	             a->name, a->vendor, ad.avp_code, a->code);
	return EEXIST;
}

static void dict_enum_value(enum dict_avp_basetype base, int32_t value, union avp_value *v)
{
	memset(v, 0, sizeof(*v));
	if (base == AVP_TYPE_UNSIGNED32)
		v->u32 = (uint32_t)value;
	else
		v->i32 = value;
}

/* An AVP of ours that another dictionary defined first keeps that dictionary's type; give
 * the type each constant of our table it lacks, so a name our table defines (which rules
 * in transforms/ resolve through the AVP's type) means the same whichever was loaded
 * first. Debian's dict_dcca_3gpp 1.2.1 gives each Enumerated AVP its own type with no
 * constants at all. freeDiameter allows one name per value and one value per name in a
 * type, so a constant that clashes with an existing one is left out and noted for
 * dict_warnmsg() (the other dictionary's constant stands): that only changes which names
 * resolve, never what is on the wire, so it must not stop the load. */
static int dict_enum_merge(struct dictionary *d, const struct dict_avp_def *a,
                           struct dict_object *avp)
{
	struct dict_object *type = NULL, *ev = NULL;
	struct dict_enumval_request rq;
	struct dict_enumval_data evd;
	struct dict_type_data td;
	const struct dict_enum_def *e;
	int r;

	r = fd_dict_search(d, DICT_TYPE, TYPE_OF_AVP, avp, &type, ENOENT);
	if (r == ENOENT || (!r && !type)) {
		dict_add_warn("AVP %s is already in the dictionary without an Enumerated type: its "
		              "named values cannot be added", a->name);
		return 0;
	}
	if (r == 0)
		r = fd_dict_getval(type, &td);
	if (r) {
		dict_set_err("looking up the type of AVP %s: %s", a->name, strerror(r));
		return r;
	}
	for (e = a->enums; e && e->name; e++) {
		/* By value first: if it is named already, that name stands (ours too, on a reload). */
		memset(&rq, 0, sizeof(rq));
		rq.type_obj = type;
		dict_enum_value(td.type_base, e->value, &rq.search.enum_value);
		ev = NULL;
		r = fd_dict_search(d, DICT_ENUMVAL, ENUMVAL_BY_STRUCT, &rq, &ev, ENOENT);
		if (r == 0 && ev) {
			r = fd_dict_getval(ev, &evd);
			if (r)
				return r;
			if (strcmp(evd.enum_name, e->name))
				dict_add_warn("AVP %s: value %d is named '%s' by type '%s', so the name %s "
				              "is not available", a->name, e->value, evd.enum_name,
				              td.type_name, e->name);
			continue;
		}
		if (r != ENOENT && r != 0)
			return r;
		memset(&rq, 0, sizeof(rq));
		rq.type_obj = type;
		rq.search.enum_name = (char *)e->name;
		ev = NULL;
		r = fd_dict_search(d, DICT_ENUMVAL, ENUMVAL_BY_STRUCT, &rq, &ev, ENOENT);
		if (r == 0 && ev) {
			r = fd_dict_getval(ev, &evd);
			if (r)
				return r;
			dict_add_warn("AVP %s: name %s means %d in type '%s', not %d as in this table "
			              "(value %d stays unnamed)", a->name, e->name,
			              td.type_base == AVP_TYPE_UNSIGNED32 ? (int32_t)evd.enum_value.u32
			                                                  : evd.enum_value.i32,
			              td.type_name, e->value, e->value);
			continue;
		}
		if (r != ENOENT && r != 0)
			return r;
		memset(&evd, 0, sizeof(evd));
		evd.enum_name = (char *)e->name;
		dict_enum_value(td.type_base, e->value, &evd.enum_value);
		r = fd_dict_new(d, DICT_ENUMVAL, &evd, type, NULL);
		if (r) {
			dict_set_err("cannot add value %s(%d) to the type '%s' of AVP %s: %s", e->name,
			             e->value, td.type_name, a->name, strerror(r));
			return r;
		}
	}
	return 0;
}

static int dict_avp_install(struct dictionary *d, const struct dict_avp_def *a)
{
	struct dict_object *type = NULL, *obj = NULL;
	struct dict_avp_data ad;
	const char *tname;
	int r;

	r = dict_avp_lookup(d, a, &obj);
	if (r == 0 && a->dtype == DICT_T_ENUM)
		return dict_enum_merge(d, a, obj);
	if (r != ENOENT)
		return r;
	/* a derived type of freeDiameter's base dictionary (Enumerated ones are per AVP) */
	tname = a->dtype == DICT_T_ENUM ? NULL : dict_dtype_name(a->dtype);
	if (tname) {
		r = fd_dict_search(d, DICT_TYPE, TYPE_BY_NAME, tname, &type, ENOENT);
		if (r) {
			dict_set_err("base type %s (for AVP %s) is not in the dictionary", tname, a->name);
			return r;
		}
	} else if (a->dtype == DICT_T_ENUM) {
		r = dict_enum_type(d, a, &type);
		if (r)
			return r;
	}

	memset(&ad, 0, sizeof(ad));
	ad.avp_code = a->code;
	ad.avp_vendor = a->vendor;
	ad.avp_name = (char *)a->name;
	ad.avp_flag_mask = a->flag_mask;
	ad.avp_flag_val = a->flag_val;
	ad.avp_basetype = a->base;
	r = fd_dict_new(d, DICT_AVP, &ad, type, NULL);
	if (r)
		dict_set_err("cannot create AVP %s (code %u, vendor %u): %s", a->name, a->code, a->vendor,
		             strerror(r));
	return r;
}

static int dict_rules_install(struct dictionary *d, const struct dict_app_def *def,
                              struct dict_object *parent, const char *parent_name,
                              const struct dict_rule_def *rules)
{
	const struct dict_rule_def *rl;
	struct dict_rule_data rd;
	unsigned head = 0;
	int r;

	for (rl = rules; rl && rl->avp; rl++) {
		memset(&rd, 0, sizeof(rd));
		r = dict_avp_resolve(d, def, rl->avp, &rd.rule_avp);
		if (r)
			return r;
		rd.rule_position = rl->pos;
		rd.rule_order = rl->pos == RULE_FIXED_HEAD ? ++head : 0;
		rd.rule_min = rl->min;
		rd.rule_max = rl->max;
		r = fd_dict_new(d, DICT_RULE, &rd, parent, NULL);
		/* EEXIST: a rule for this AVP is already there (a second load, or another
		 * dictionary's version of the same group); the existing one stands. */
		if (r && r != EEXIST) {
			dict_set_err("cannot add rule for %s in %s: %s", rl->avp, parent_name, strerror(r));
			return r;
		}
	}
	return 0;
}

static int dict_groups_install(struct dictionary *d, const struct dict_app_def *def)
{
	const struct dict_group_def *g;
	struct dict_object *obj;
	struct dict_avp_data ad;
	int r;

	for (g = def->groups; g && g->avp; g++) {
		r = dict_avp_resolve(d, def, g->avp, &obj);
		if (r)
			return r;
		r = fd_dict_getval(obj, &ad);
		if (r)
			return r;
		if (ad.avp_basetype != AVP_TYPE_GROUPED) {
			dict_set_err("AVP %s has rules in table %s but is not Grouped in the dictionary",
			             g->avp, def->name);
			return EINVAL;
		}
		r = dict_rules_install(d, def, obj, g->avp, g->rules);
		if (r)
			return r;
	}
	return 0;
}

static int dict_cmd_install(struct dictionary *d, const struct dict_app_def *def,
                            struct dict_object *app, const struct dict_cmd_def *c)
{
	struct dict_cmd_data cd;
	struct dict_object *obj = NULL;
	int r;

	r = fd_dict_search(d, DICT_COMMAND, CMD_BY_NAME, c->name, &obj, ENOENT);
	if (r == 0) {
		r = fd_dict_getval(obj, &cd);
		if (r)
			return r;
		if (cd.cmd_code != c->code) {
			dict_set_err("command %s is already in the dictionary with code %u, not %u", c->name,
			             cd.cmd_code, c->code);
			return EEXIST;
		}
	} else if (r == ENOENT) {
		memset(&cd, 0, sizeof(cd));
		cd.cmd_code = c->code;
		cd.cmd_name = (char *)c->name;
		/* Requests never carry E; answers may (error answers), so E is fixed only on requests. */
		cd.cmd_flag_mask = CMD_FLAG_REQUEST | CMD_FLAG_PROXIABLE | (c->request ? CMD_FLAG_ERROR : 0);
		cd.cmd_flag_val = (c->request ? CMD_FLAG_REQUEST : 0) | (c->proxiable ? CMD_FLAG_PROXIABLE : 0);
		r = fd_dict_new(d, DICT_COMMAND, &cd, app, &obj);
		if (r) {
			dict_set_err("cannot create command %s (code %u): %s (another command may use this "
			             "code)", c->name, c->code, strerror(r));
			return r;
		}
	} else {
		return r;
	}
	return dict_rules_install(d, def, obj, c->name, c->rules);
}

static int dict_install_locked(const struct dict_app_def *def)
{
	struct dictionary *d = fd_g_config ? fd_g_config->cnf_dict : NULL;
	struct dict_object *vendor = NULL, *app = NULL;
	const struct dict_avp_def *a;
	const struct dict_cmd_def *c;
	int r;

	if (!d) {
		dict_set_err("freeDiameter is not initialised (call fd_core_initialize first)");
		return EINVAL;
	}
	r = dict_vendor_get(d, def->vendor, &vendor);
	if (r)
		return r;
	if (def->app_id) {
		r = fd_dict_search(d, DICT_APPLICATION, APPLICATION_BY_ID, &def->app_id, &app, ENOENT);
		if (r == ENOENT) {
			struct dict_application_data ap = { def->app_id, (char *)def->name };

			r = fd_dict_new(d, DICT_APPLICATION, &ap, vendor, &app);
		}
		if (r) {
			dict_set_err("cannot create application %u (%s): %s", def->app_id, def->name,
			             strerror(r));
			return r;
		}
	}
	/* AVPs of every vendor the table uses must have their vendor object. */
	for (a = def->avps; a && a->name; a++) {
		struct dict_object *v;

		r = dict_vendor_get(d, a->vendor, &v);
		if (r)
			return r;
	}
	for (a = def->avps; a && a->name; a++) {
		r = dict_avp_install(d, a);
		if (r)
			return r;
	}
	r = dict_groups_install(d, def);
	if (r)
		return r;
	for (c = def->cmds; c && c->name; c++) {
		r = dict_cmd_install(d, def, app, c);
		if (r)
			return r;
	}
	return 0;
}

int dict_install(const struct dict_app_def *def)
{
	int r;

	dict_err[0] = '\0';
	pthread_mutex_lock(&dict_install_lock);
	/* The applications' rules name shared AVPs, so those go in first. */
	r = def != &dict_common_def ? dict_install_locked(&dict_common_def) : 0;
	if (!r)
		r = dict_install_locked(def);
	pthread_mutex_unlock(&dict_install_lock);
	return r;
}

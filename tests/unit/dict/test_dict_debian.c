/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_dict_debian.c: our dictionaries beside Debian's dict_nasreq, dict_dcca and
 * dict_dcca_3gpp extensions, loaded as freeDiameterd would (dlopen + fd_ext_init), in
 * several orders, each in its own process (a dictionary cannot be unloaded):
 *
 *  1. Debian's three, then dict_s6a.fdx, dict_cx.fdx, dict_sh.fdx, then dict_load_all()
 *     (what an embedding daemon does after its configuration loaded Debian's extensions);
 *  2. Debian's three, then dict_load_all() alone;
 *  3. ours first (the .fdx modules), then dict_nasreq and dict_dcca;
 *  4. as 3, then dict_dcca_3gpp: that extension refuses definitions that contradict its
 *     own (SS-Status type, four names, External-Identifier code: see dict_load.c), so its
 *     result is only reported, and our dictionary must be intact either way;
 *  5. a real conflict: ULR-Flags (1405) defined beforehand as an OctetString must make
 *     dict_s6a_load() fail with EEXIST and a message naming the AVP;
 *  6. named values that clash: Cancellation-Type (1420) defined beforehand with a type
 *     naming value 0 otherwise and giving SGSN_UPDATE_PROCEDURE another value, and
 *     Network-Access-Mode (1417) with no type at all. dict_s6a_load() must succeed, keep
 *     the existing constants, add the others, and name all three problems in dict_warnmsg().
 *
 * After 1-4, every AVP of every table must resolve by code+vendor with its table name and
 * type, every named value of its Enumerated type by name and by value (Debian's types have
 * none: the loader adds ours), and every command by name: so our view of the dictionary,
 * and the names rules may use, do not depend on the load order.
 *
 * usage: test_dict_debian DICT_S6A_FDX DICT_CX_FDX DICT_SH_FDX (missing ones may be "-").
 * One TAP check per scenario (each runs in a child whose findings are "#" lines); skipped
 * when Debian's extensions are not installed.
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
#include <sys/wait.h>
#include <unistd.h>

static const char *ext_dir;
static const char *our_fdx[3];

static int load_ext(const char *path)
{
	int (*init)(int, int, char *);
	void *h;
	int r;

	if (!path || !strcmp(path, "-"))
		return 0;
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		tap_note("FAIL: dlopen %s: %s", path, dlerror());
		return -1;
	}
	init = (int (*)(int, int, char *))dlsym(h, "fd_ext_init");
	if (!init) {
		tap_note("FAIL: %s has no fd_ext_init", path);
		return -1;
	}
	r = init(FD_PROJECT_VERSION_MAJOR, FD_PROJECT_VERSION_MINOR, NULL);
	tap_note("%s: %s", path, r ? strerror(r) : "loaded");
	return r;
}

static int load_debian(const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s.fdx", ext_dir, name);
	return load_ext(path);
}

static int load_ours(void)
{
	int i, r;

	for (i = 0; i < 3; i++) {
		r = load_ext(our_fdx[i]);
		if (r)
			return r;
	}
	return 0;
}

/* Look a named value of `type` up by name (name != NULL) or by value. */
static struct dict_object *enumval(struct dict_object *type, const char *name, int32_t value)
{
	struct dict_enumval_request rq = { .type_obj = type };
	struct dict_object *o = NULL;

	if (name)
		rq.search.enum_name = (char *)name;
	else
		rq.search.enum_value.i32 = value;
	if (fd_dict_search(fd_g_config->cnf_dict, DICT_ENUMVAL, ENUMVAL_BY_STRUCT, &rq, &o, ENOENT))
		return NULL;
	return o;
}

/* Every named value of the table, by name and by value, in the AVP's type. */
static int verify_enums(const struct dict_avp_def *a, struct dict_object *avp)
{
	const struct dict_enum_def *e;
	struct dict_object *type = NULL;
	int bad = 0;

	if (fd_dict_search(fd_g_config->cnf_dict, DICT_TYPE, TYPE_OF_AVP, avp, &type, ENOENT) ||
	    !type) {
		tap_note("FAIL: AVP %s has no type", a->name);
		return 1;
	}
	for (e = a->enums; e && e->name; e++) {
		struct dict_object *by_name = enumval(type, e->name, 0);
		struct dict_object *by_value = enumval(type, NULL, e->value);

		if (!by_name || by_name != by_value) {
			tap_note("FAIL: AVP %s: %s (%d) does not resolve by name and by value",
			         a->name,
			         e->name, e->value);
			bad++;
		}
	}
	return bad;
}

/* Every table AVP by code+vendor with the table's name and type, and its named values;
 * every command by name. */
static int verify(void)
{
	struct dictionary *d = fd_g_config->cnf_dict;
	const struct dict_app_def *const *t;
	int bad = 0;

	for (t = dict_tables(); *t; t++) {
		const struct dict_avp_def *a;
		const struct dict_cmd_def *c;

		for (a = (*t)->avps; a && a->name; a++) {
			struct dict_avp_request rq = { .avp_vendor = a->vendor, .avp_code = a->code };
			struct dict_object *o = NULL;
			struct dict_avp_data ad;

			if (fd_dict_search(d, DICT_AVP, AVP_BY_CODE_AND_VENDOR, &rq, &o, ENOENT) ||
			    fd_dict_getval(o, &ad)) {
				tap_note("FAIL: %s: AVP %u (%s) missing", (*t)->name, a->code,
				         a->name);
				bad++;
			} else if (ad.avp_basetype != a->base || strcmp(ad.avp_name, a->name)) {
				tap_note("FAIL: %s: AVP %u is '%s' type %d, table says '%s' type %d",
				         (*t)->name, a->code, ad.avp_name, ad.avp_basetype, a->name,
				         a->base);
				bad++;
			} else if (a->dtype == DICT_T_ENUM) {
				bad += verify_enums(a, o);
			}
		}
		for (c = (*t)->cmds; c && c->name; c++) {
			struct dict_object *o = NULL;

			if (fd_dict_search(d, DICT_COMMAND, CMD_BY_NAME, c->name, &o, ENOENT)) {
				tap_note("FAIL: %s: command %s missing", (*t)->name, c->name);
				bad++;
			}
		}
	}
	return bad ? 1 : 0;
}

/* Scenario 6: another dictionary's Cancellation-Type names value 0 MME_UPDATE and gives
 * SGSN_UPDATE_PROCEDURE the value 77; its Network-Access-Mode has no Enumerated type. */
static int clashing_enums(void)
{
	struct dictionary *d = fd_g_config->cnf_dict;
	struct dict_vendor_data v = { DICT_VENDOR_3GPP, "3GPP" };
	struct dict_type_data td = { AVP_TYPE_INTEGER32, "Other/Enumerated(Cancellation-Type)" };
	struct dict_enumval_data theirs0 = { .enum_name = "MME_UPDATE", .enum_value.i32 = 0 };
	struct dict_enumval_data theirs77 = { .enum_name = "SGSN_UPDATE_PROCEDURE",
	                                      .enum_value.i32 = 77 };
	struct dict_avp_data ct = { 1420, DICT_VENDOR_3GPP, "Cancellation-Type",
	                            AVP_FLAG_VENDOR | AVP_FLAG_MANDATORY,
	                            AVP_FLAG_VENDOR | AVP_FLAG_MANDATORY, AVP_TYPE_INTEGER32 };
	struct dict_avp_data nam = { 1417, DICT_VENDOR_3GPP, "Network-Access-Mode",
	                             AVP_FLAG_VENDOR | AVP_FLAG_MANDATORY,
	                             AVP_FLAG_VENDOR | AVP_FLAG_MANDATORY, AVP_TYPE_INTEGER32 };
	static const char *const expect[] = { "Cancellation-Type", "MME_UPDATE_PROCEDURE",
		"'MME_UPDATE'", "SGSN_UPDATE_PROCEDURE means 77", "Network-Access-Mode" };
	struct dict_object *vo = NULL, *type = NULL, *o;
	struct dict_enumval_data evd;
	int r, pass, bad = 0;
	size_t i;

	if (fd_dict_new(d, DICT_VENDOR, &v, NULL, &vo) || fd_dict_new(d, DICT_TYPE, &td, NULL, &type) ||
	    fd_dict_new(d, DICT_ENUMVAL, &theirs0, type, NULL) ||
	    fd_dict_new(d, DICT_ENUMVAL, &theirs77, type, NULL) ||
	    fd_dict_new(d, DICT_AVP, &ct, type, NULL) || fd_dict_new(d, DICT_AVP, &nam, NULL, NULL)) {
		tap_note("FAIL: cannot prepare the clashing definitions");
		return 1;
	}
	/* Twice: a second load must neither fail nor change anything. */
	for (pass = 0; pass < 2; pass++) {
		r = dict_s6a_load();
		tap_note("dict_s6a_load: %s; notes: %s", r ? strerror(r) : "ok", dict_warnmsg());
		if (r) {
			tap_note("FAIL: %s", dict_errmsg());
			return 1;
		}
		for (i = 0; i < sizeof(expect) / sizeof(expect[0]); i++)
			if (!strstr(dict_warnmsg(), expect[i])) {
				tap_note("FAIL: the notes do not mention %s", expect[i]);
				bad++;
			}
	}
	/* Theirs stand; the rest of ours is added. */
	o = enumval(type, NULL, 0);
	if (!o || fd_dict_getval(o, &evd) || strcmp(evd.enum_name, "MME_UPDATE")) {
		tap_note("FAIL: value 0 lost its existing name");
		bad++;
	}
	o = enumval(type, "SGSN_UPDATE_PROCEDURE", 0);
	if (!o || fd_dict_getval(o, &evd) || evd.enum_value.i32 != 77) {
		tap_note("FAIL: SGSN_UPDATE_PROCEDURE lost its existing value");
		bad++;
	}
	if (enumval(type, NULL, 1)) {
		tap_note("FAIL: value 1 got a name although ours is taken");
		bad++;
	}
	o = enumval(type, "SUBSCRIPTION_WITHDRAWAL", 0);
	if (!o || fd_dict_getval(o, &evd) || evd.enum_value.i32 != 2 ||
	    enumval(type, NULL, 2) != o) {
		tap_note("FAIL: SUBSCRIPTION_WITHDRAWAL (2) was not added to the existing type");
		bad++;
	}
	return bad ? 1 : 0;
}

static int scenario(int n)
{
	int r = fd_core_initialize();

	if (r) {
		tap_note("FAIL: fd_core_initialize: %s", strerror(r));
		return 1;
	}
	switch (n) {
	case 1:
	case 2:
		if (load_debian("dict_nasreq") || load_debian("dict_dcca") ||
		    load_debian("dict_dcca_3gpp"))
			return 1;
		if (n == 1 && load_ours())
			return 1;
		break;
	case 3:
	case 4:
		if (load_ours() || load_debian("dict_nasreq") || load_debian("dict_dcca"))
			return 1;
		if (n == 4) {
			r = load_debian("dict_dcca_3gpp");
			tap_note("note: dict_dcca_3gpp after ours: %s (expected to be refused while it "
			         "contradicts TS 29.272)", r ? "refused" : "loaded");
		}
		if (verify())
			return 1;
		break;
	}
	if (n == 5) {
		struct dict_avp_data bogus = { 1405, DICT_VENDOR_3GPP, "Bogus-1405", AVP_FLAG_VENDOR,
		                               AVP_FLAG_VENDOR, AVP_TYPE_OCTETSTRING };
		struct dict_vendor_data v = { DICT_VENDOR_3GPP, "3GPP" };
		struct dict_object *vo = NULL;

		if (fd_dict_new(fd_g_config->cnf_dict, DICT_VENDOR, &v, NULL, &vo) ||
		    fd_dict_new(fd_g_config->cnf_dict, DICT_AVP, &bogus, NULL, NULL)) {
			tap_note("FAIL: cannot prepare the conflicting AVP");
			return 1;
		}
		r = dict_s6a_load();
		tap_note("dict_s6a_load: %s: %s", strerror(r), dict_errmsg());
		return r == EEXIST && strstr(dict_errmsg(), "ULR-Flags") &&
		       strstr(dict_errmsg(), "Bogus-1405") ? 0 : 1;
	}
	if (n == 6)
		return clashing_enums();
	r = dict_load_all();
	if (r) {
		tap_note("FAIL: dict_load_all after the extensions: %s: %s", strerror(r),
		         dict_errmsg());
		return 1;
	}
	if (*dict_warnmsg()) {
		tap_note("FAIL: dict_load_all left named values out: %s", dict_warnmsg());
		return 1;
	}
	return verify();
}

int main(int argc, char **argv)
{
	static const char *const what[] = { NULL, "Debian, ours (.fdx), dict_load_all",
		"Debian, dict_load_all", "ours (.fdx), nasreq, dcca", "ours, nasreq, dcca, dcca_3gpp",
		"conflicting ULR-Flags", "clashing named values" };
	char path[512];
	int i;

	ext_dir = getenv("FD_EXT_DIR") ? getenv("FD_EXT_DIR") : "/usr/lib/freeDiameter";
	for (i = 0; i < 3; i++)
		our_fdx[i] = argc > i + 1 ? argv[i + 1] : "-";
	snprintf(path, sizeof(path), "%s/dict_dcca_3gpp.fdx", ext_dir);
	if (access(path, R_OK))
		return tap_skip_all("%s not installed (Debian package freediameter-extensions)",
		                    path);
	for (i = 1; i <= 6; i++) {
		int status = 0;
		pid_t pid;

		tap_note("scenario %d: %s", i, what[i]);
		fflush(stdout);
		pid = fork();
		if (pid < 0)
			tap_bail("fork: %s", strerror(errno));
		if (pid == 0) {
			int r = scenario(i);

			fflush(stdout);
			_exit(r);
		}
		CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && !WEXITSTATUS(status),
		      "scenario %d: %s (status %#x)", i, what[i], status);
	}
	return tap_done();
}

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
 *     dict_s6a_load() fail with EEXIST and a message naming the AVP.
 *
 * After each, every AVP of every table must resolve by code+vendor with its table name and
 * type, and every command by name: so our view of the dictionary does not depend on the
 * load order.
 *
 * usage: test_dict_debian DICT_S6A_FDX DICT_CX_FDX DICT_SH_FDX (missing ones may be "-").
 * Exits 77 when Debian's extensions are not installed.
 */
#include "dict.h"
#include "dict_int.h"

#include <dlfcn.h>
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
		printf("FAIL: dlopen %s: %s\n", path, dlerror());
		return -1;
	}
	init = (int (*)(int, int, char *))dlsym(h, "fd_ext_init");
	if (!init) {
		printf("FAIL: %s has no fd_ext_init\n", path);
		return -1;
	}
	r = init(FD_PROJECT_VERSION_MAJOR, FD_PROJECT_VERSION_MINOR, NULL);
	printf("  %s: %s\n", path, r ? strerror(r) : "loaded");
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

/* Every table AVP by code+vendor with the table's name and type; every command by name. */
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
				printf("FAIL: %s: AVP %u (%s) missing\n", (*t)->name, a->code, a->name);
				bad++;
			} else if (ad.avp_basetype != a->base || strcmp(ad.avp_name, a->name)) {
				printf("FAIL: %s: AVP %u is '%s' type %d, table says '%s' type %d\n",
				       (*t)->name, a->code, ad.avp_name, ad.avp_basetype, a->name, a->base);
				bad++;
			}
		}
		for (c = (*t)->cmds; c && c->name; c++) {
			struct dict_object *o = NULL;

			if (fd_dict_search(d, DICT_COMMAND, CMD_BY_NAME, c->name, &o, ENOENT)) {
				printf("FAIL: %s: command %s missing\n", (*t)->name, c->name);
				bad++;
			}
		}
	}
	return bad ? 1 : 0;
}

static int scenario(int n)
{
	int r = fd_core_initialize();

	if (r) {
		printf("FAIL: fd_core_initialize: %s\n", strerror(r));
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
			printf("  note: dict_dcca_3gpp after ours: %s (expected to be refused while it "
			       "contradicts TS 29.272)\n", r ? "refused" : "loaded");
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
			printf("FAIL: cannot prepare the conflicting AVP\n");
			return 1;
		}
		r = dict_s6a_load();
		printf("  dict_s6a_load: %s: %s\n", strerror(r), dict_errmsg());
		return r == EEXIST && strstr(dict_errmsg(), "ULR-Flags") &&
		       strstr(dict_errmsg(), "Bogus-1405") ? 0 : 1;
	}
	r = dict_load_all();
	if (r) {
		printf("FAIL: dict_load_all after the extensions: %s: %s\n", strerror(r), dict_errmsg());
		return 1;
	}
	return verify();
}

int main(int argc, char **argv)
{
	static const char *const what[] = { NULL, "Debian, ours (.fdx), dict_load_all",
		"Debian, dict_load_all", "ours (.fdx), nasreq, dcca", "ours, nasreq, dcca, dcca_3gpp",
		"conflicting ULR-Flags" };
	char path[512];
	int i, failed = 0;

	ext_dir = getenv("FD_EXT_DIR") ? getenv("FD_EXT_DIR") : "/usr/lib/freeDiameter";
	for (i = 0; i < 3; i++)
		our_fdx[i] = argc > i + 1 ? argv[i + 1] : "-";
	snprintf(path, sizeof(path), "%s/dict_dcca_3gpp.fdx", ext_dir);
	if (access(path, R_OK)) {
		printf("SKIP: %s not installed (Debian package freediameter-extensions)\n", path);
		return 77;
	}
	for (i = 1; i <= 5; i++) {
		int status = 0;
		pid_t pid;

		printf("scenario %d: %s\n", i, what[i]);
		fflush(stdout);
		pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			int r = scenario(i);

			fflush(stdout);
			_exit(r);
		}
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
			printf("FAIL: scenario %d\n", i);
			failed++;
		} else {
			printf("ok: scenario %d\n", i);
		}
	}
	return failed ? 1 : 0;
}

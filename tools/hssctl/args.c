/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * args.c: hssctl's command-line options after the command name: "--name value",
 * "--name=value", "--flag" and positional arguments.
 */
#include "hssctl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool is_flag(const char *name)
{
	static const char *const flags[] = { "json", "replace", "skip-bad", "no-replace", "reset-sqn",
		"quiet", "show-secrets", "secrets-stdin", "secrets-env", "no-push", NULL };
	size_t i;

	for (i = 0; flags[i]; i++)
		if (!strcmp(name, flags[i]))
			return true;
	return false;
}

/* Split "--name value" / "--name=value" / "--flag" / positionals. */
int hssctl_parse_opts(int argc, char **argv, struct hssctl_opt *opts, int *n_opts, char **pos,
                      int *n_pos)
{
	int i;

	*n_opts = *n_pos = 0;
	for (i = 0; i < argc; i++) {
		char *a = argv[i];

		if (strncmp(a, "--", 2) || !a[2]) {
			pos[(*n_pos)++] = a;
			continue;
		}
		a += 2;
		if (strchr(a, '=')) {
			char *eq = strchr(a, '=');
			*eq = 0;
			opts[*n_opts] = (struct hssctl_opt){ a, eq + 1 };
		} else if (is_flag(a)) {
			opts[*n_opts] = (struct hssctl_opt){ a, NULL };
		} else if (i + 1 < argc) {
			opts[*n_opts] = (struct hssctl_opt){ a, argv[++i] };
		} else {
			fprintf(stderr, "hssctl: option --%s needs a value\n", a);
			return EINVAL;
		}
		(*n_opts)++;
	}
	return 0;
}

bool hssctl_opt_flag(const struct hssctl_opt *o, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(o[i].name, name))
			return true;
	return false;
}

int hssctl_opt_u64(const struct hssctl_opt *o, int n, const char *name, uint64_t def,
                   uint64_t *ret)
{
	int i;
	char *end;

	*ret = def;
	for (i = 0; i < n; i++)
		if (!strcmp(o[i].name, name)) {
			if (!o[i].value || !*o[i].value || *o[i].value == '-')
				goto bad;
			errno = 0;
			*ret = strtoull(o[i].value, &end, 10);
			if (errno || *end)
				goto bad;
		}
	return 0;
bad:
	fprintf(stderr, "hssctl: --%s: '%s' is not a number\n", name, o[i].value ? o[i].value : "");
	return EINVAL;
}

bool hssctl_name_is(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (!((*a == *b) || ((*a == '-' || *a == '_') && (*b == '-' || *b == '_'))))
			return false;
	return *a == *b;
}

/* Join repeated list options (--apn, --roaming-plmn) with sep. */
int hssctl_join(char **acc, const char *v, char sep)
{
	size_t a = *acc ? strlen(*acc) : 0;
	char *n = realloc(*acc, a + strlen(v) + 2);

	if (!n)
		return ENOMEM;
	if (a)
		n[a++] = sep;
	strcpy(n + a, v);
	*acc = n;
	return 0;
}

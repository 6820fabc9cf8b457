/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * secret.c: what hssctl does with secrets (K, OP/OPc; for IMS, a digest HA1 or an IMPI's
 * own keys), for every command family to share:
 * - output hides them unless --show-secrets is given (hssctl_secret_field, _shown);
 * - they are read from a file, standard input or the environment as well as from argv,
 *   where any user on the host sees them in `ps` (hssctl_secret_opts);
 * - a file written with them is created 0600, and an existing file (or a redirected
 *   standard output) other users may read is refused (hssctl_secret_fopen, _stdout_ok);
 * - a database other users may read gets no more of them (hssctl_secret_db_check).
 */
#include "hssctl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Longest secret text read from a file or standard input (a hex key is 32 digits). */
#define SECRET_MAX 4096

bool hssctl_secret_field(const char *name)
{
	static const char *const names[] = { "k", "op", "opc", "ha1", "digest_ha1", "password",
		NULL };
	size_t i;

	for (i = 0; name && names[i]; i++)
		if (hssctl_name_is(name, names[i]))
			return true;
	return false;
}

bool hssctl_secret_shown(const struct hssctl_opt *o, int n)
{
	return hssctl_opt_flag(o, n, "show-secrets");
}

/* ---- reading secrets ------------------------------------------------------------------ */

/* The options naming where a secret comes from, and the field each one sets. */
static const struct {
	const char *opt, *field;
} file_opts[] = { { "k-file", "k" }, { "op-file", "op" }, { "opc-file", "opc" } };

static const struct {
	const char *var, *field;
} env_vars[] = { { "HSSCTL_K", "k" }, { "HSSCTL_OP", "op" }, { "HSSCTL_OPC", "opc" } };

bool hssctl_secret_opts_present(const struct hssctl_opt *o, int n)
{
	int i;
	size_t j;

	for (i = 0; i < n; i++) {
		if (hssctl_secret_field(o[i].name) || !strcmp(o[i].name, "secrets-stdin") ||
		    !strcmp(o[i].name, "secrets-env"))
			return true;
		for (j = 0; j < sizeof(file_opts) / sizeof(file_opts[0]); j++)
			if (hssctl_name_is(o[i].name, file_opts[j].opt))
				return true;
	}
	return false;
}

/* Read all of fd (at most SECRET_MAX bytes) into a new NUL-terminated buffer. */
static int read_all(int fd, const char *what, char **ret)
{
	char *buf = malloc(SECRET_MAX + 1);
	size_t len = 0;
	ssize_t r;

	if (!buf)
		return ENOMEM;
	while (len <= SECRET_MAX && (r = read(fd, buf + len, SECRET_MAX + 1 - len)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "hssctl: %s: %s\n", what, strerror(errno));
			goto bad;
		}
		len += (size_t)r;
	}
	if (len > SECRET_MAX) {
		fprintf(stderr, "hssctl: %s: more than %d bytes\n", what, SECRET_MAX);
		goto bad;
	}
	buf[len] = '\0';
	if (strlen(buf) != len) {
		fprintf(stderr, "hssctl: %s: holds a NUL byte\n", what);
		goto bad;
	}
	*ret = buf;
	return 0;
bad:
	explicit_bzero(buf, SECRET_MAX + 1);
	free(buf);
	return EINVAL;
}

/* Trim s in place; the one word it must hold (a key file holds the key, nothing else). */
static char *one_word(char *s, const char *what)
{
	char *end;

	s += strspn(s, " \t\r\n");
	end = s + strcspn(s, " \t\r\n");
	if (end[strspn(end, " \t\r\n")]) {
		fprintf(stderr, "hssctl: %s: expected one value, found more than one word\n", what);
		return NULL;
	}
	*end = '\0';
	return s;
}

static int add_opt(struct hssctl_secrets *s, const char *name, const char *value,
                   const char *source)
{
	int i;

	if (!*value) {
		fprintf(stderr, "hssctl: %s: empty value\n", source);
		return EINVAL;
	}
	for (i = 0; i < s->n; i++) {
		if (!hssctl_secret_field(s->o[i].name))
			continue;
		if (hssctl_name_is(s->o[i].name, name)) {
			fprintf(stderr, "hssctl: %s given twice (--%s, then %s)\n", name,
			        s->o[i].name, source);
			return EINVAL;
		}
		if ((hssctl_name_is(name, "op") && hssctl_name_is(s->o[i].name, "opc")) ||
		    (hssctl_name_is(name, "opc") && hssctl_name_is(s->o[i].name, "op"))) {
			fprintf(stderr, "hssctl: OP and OPc both given (--%s, then %s): give one\n",
			        s->o[i].name, source);
			return EINVAL;
		}
	}
	s->o[s->n++] = (struct hssctl_opt){ name, value };
	return 0;
}

/* Keep buf (holding secrets) to be wiped and freed by hssctl_secrets_clear. */
static int keep(struct hssctl_secrets *s, char *buf)
{
	s->bufs[s->nbufs++] = buf;
	return 0;
}

/* "k=HEX", "opc=HEX" ... lines; blank lines and '#' comments skipped. */
static int from_stdin_lines(struct hssctl_secrets *s, char *text)
{
	char *line, *save = NULL, src[64];
	unsigned ln = 0;
	int rc;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq, *name, *value;

		ln++;
		name = line + strspn(line, " \t\r");
		if (!*name || *name == '#')
			continue;
		if (!(eq = strchr(name, '='))) {
			fprintf(stderr, "hssctl: --secrets-stdin: line %u: expected NAME=VALUE "
			        "(k, op or opc)\n", ln);
			return EINVAL;
		}
		*eq = '\0';
		name[strcspn(name, " \t")] = '\0';
		if (!hssctl_name_is(name, "k") && !hssctl_name_is(name, "op") &&
		    !hssctl_name_is(name, "opc")) {
			/* the name only: the value may be a key */
			fprintf(stderr, "hssctl: --secrets-stdin: line %u: '%.32s' is not k, op or "
			        "opc\n", ln, name);
			return EINVAL;
		}
		snprintf(src, sizeof(src), "--secrets-stdin line %u", ln);
		if (!(value = one_word(eq + 1, src)) || (rc = add_opt(s, name, value, src)))
			return EINVAL;
	}
	return 0;
}

static int from_file(struct hssctl_secrets *s, const char *opt, const char *field,
                     const char *path, bool *stdin_used)
{
	char what[300], *buf = NULL, *value;
	int fd, rc;

	snprintf(what, sizeof(what), "--%s %s", opt, path);
	if (!strcmp(path, "-")) {
		if (*stdin_used) {
			fprintf(stderr, "hssctl: %s: standard input is read once (by one option)\n",
			        what);
			return EINVAL;
		}
		*stdin_used = true;
		fd = STDIN_FILENO;
	} else if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) < 0) {
		fprintf(stderr, "hssctl: %s: %s\n", what, strerror(errno));
		return EINVAL;
	}
	rc = read_all(fd, what, &buf);
	if (fd != STDIN_FILENO)
		close(fd);
	if (rc)
		return rc;
	keep(s, buf);
	if (!(value = one_word(buf, what)))
		return EINVAL;
	return add_opt(s, field, value, what);
}

int hssctl_secret_opts(const char *cmd, const struct hssctl_opt *o, int n, bool env,
                       struct hssctl_secrets *s)
{
	bool stdin_used = false, use_env = env || hssctl_opt_flag(o, n, "secrets-env");
	bool have_op = false;
	char *text = NULL;
	size_t j;
	int i, rc;

	memset(s, 0, sizeof(*s));
	/* every option at most once, plus one per line of standard input and variable */
	if (!(s->o = calloc((size_t)n + SECRET_MAX / 2 + 4, sizeof(*s->o))) ||
	    !(s->bufs = calloc((size_t)n + 2, sizeof(*s->bufs))))
		return ENOMEM;
	for (i = 0; i < n; i++) {
		if (!strcmp(o[i].name, "secrets-stdin") || !strcmp(o[i].name, "secrets-env"))
			continue;
		for (j = 0; j < sizeof(file_opts) / sizeof(file_opts[0]); j++)
			if (hssctl_name_is(o[i].name, file_opts[j].opt))
				break;
		if (j < sizeof(file_opts) / sizeof(file_opts[0])) {
			if (!o[i].value) {
				fprintf(stderr, "hssctl: %s: --%s needs a FILE (- for standard "
				        "input)\n", cmd, o[i].name);
				return EINVAL;
			}
			if ((rc = from_file(s, file_opts[j].opt, file_opts[j].field, o[i].value,
			                    &stdin_used)))
				return rc;
		} else if (hssctl_secret_field(o[i].name) && o[i].value) {
			char src[64];

			snprintf(src, sizeof(src), "--%s", o[i].name);
			/* "--k -": that value from standard input */
			rc = strcmp(o[i].value, "-") ? add_opt(s, o[i].name, o[i].value, src)
			     : from_file(s, o[i].name, o[i].name, "-", &stdin_used);
			if (rc)
				return rc;
		} else {
			s->o[s->n++] = o[i];
		}
	}
	if (hssctl_opt_flag(o, n, "secrets-stdin")) {
		if (stdin_used) {
			fprintf(stderr, "hssctl: %s: standard input is read once (by one option)\n",
			        cmd);
			return EINVAL;
		}
		if ((rc = read_all(STDIN_FILENO, "--secrets-stdin", &text)))
			return rc;
		keep(s, text);
		if ((rc = from_stdin_lines(s, text)))
			return rc;
	}
	if (!use_env)
		return 0;
	for (i = 0; i < s->n; i++)
		have_op |= hssctl_name_is(s->o[i].name, "op") || hssctl_name_is(s->o[i].name, "opc");
	if (!have_op && getenv("HSSCTL_OP") && *getenv("HSSCTL_OP") && getenv("HSSCTL_OPC") &&
	    *getenv("HSSCTL_OPC")) {
		fprintf(stderr, "hssctl: %s: HSSCTL_OP and HSSCTL_OPC both set: set one\n", cmd);
		return EINVAL;
	}
	for (j = 0; j < sizeof(env_vars) / sizeof(env_vars[0]); j++) {
		const char *v = getenv(env_vars[j].var);
		bool given = j > 0 && have_op;   /* OP or OPc given: neither variable applies */

		if (!v || !*v)
			continue;
		for (i = 0; i < s->n; i++)
			given |= hssctl_name_is(s->o[i].name, env_vars[j].field);
		if (!given && (rc = add_opt(s, env_vars[j].field, v, env_vars[j].var)))
			return rc;
	}
	return 0;
}

void hssctl_secrets_clear(struct hssctl_secrets *s)
{
	size_t i;

	for (i = 0; i < s->nbufs; i++) {
		explicit_bzero(s->bufs[i], strlen(s->bufs[i]));
		free(s->bufs[i]);
	}
	free(s->bufs);
	free(s->o);
	memset(s, 0, sizeof(*s));
}

/* ---- writing secrets ------------------------------------------------------------------ */

static const char *who(mode_t m)
{
	return m & S_IROTH ? "other users" : "its group";
}

int hssctl_secret_fopen(const char *path, const char *cmd, FILE **ret)
{
	struct stat st;
	int fd, rc;

	/* 0600 when created; an existing file keeps its mode, so it is checked before it is
	 * truncated */
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "hssctl: %s: %s: %s\n", cmd, path, strerror(errno));
		rc = HSSCTL_USAGE;
		goto fail;
	}
	if (S_ISREG(st.st_mode) && (st.st_mode & S_IROTH)) {
		fprintf(stderr, "hssctl: %s: '%s' is readable by other users (mode %04o) and would "
		        "hold K and OP/OPc: remove it or chmod 600 it first\n", cmd, path,
		        (unsigned)(st.st_mode & 07777));
		rc = HSSCTL_USAGE;
		goto fail;
	}
	if (S_ISREG(st.st_mode) && (st.st_mode & S_IRGRP))
		fprintf(stderr, "hssctl: warning: %s: '%s' is readable by %s (mode %04o) and holds "
		        "K and OP/OPc\n", cmd, path, who(st.st_mode), (unsigned)(st.st_mode & 07777));
	if (S_ISREG(st.st_mode) && ftruncate(fd, 0)) {
		fprintf(stderr, "hssctl: %s: %s: %s\n", cmd, path, strerror(errno));
		rc = HSSCTL_USAGE;
		goto fail;
	}
	if (!(*ret = fdopen(fd, "w"))) {
		fprintf(stderr, "hssctl: %s: %s: %s\n", cmd, path, strerror(errno));
		rc = HSSCTL_DB;
		goto fail;
	}
	return HSSCTL_OK;
fail:
	if (fd >= 0)
		close(fd);
	return rc;
}

int hssctl_secret_stdout_ok(const char *cmd)
{
	struct stat st;

	/* `hssctl export --show-secrets > backup.csv`: the shell created the file 0666 & ~umask */
	if (!fstat(STDOUT_FILENO, &st) && S_ISREG(st.st_mode) && (st.st_mode & S_IROTH)) {
		fprintf(stderr, "hssctl: %s: standard output is a file other users may read "
		        "(mode %04o): secrets are not written there; %s\n", cmd,
		        (unsigned)(st.st_mode & 07777),
		        strcmp(cmd, "export") ? "chmod 600 it first"
		                              : "give the FILE argument (created 0600)");
		return HSSCTL_USAGE;
	}
	return HSSCTL_OK;
}

int hssctl_secret_db_check(const char *spec, const char *cmd, bool writes)
{
	char msg[1024];
	unsigned acc = hss_db_spec_file_access(spec, msg, sizeof(msg));

	if (!(acc & 044))
		return HSSCTL_OK;
	if (writes && (acc & S_IROTH)) {
		fprintf(stderr, "hssctl: %s: refusing to write K/OPc: %s\n", cmd, msg);
		return HSSCTL_DB;
	}
	fprintf(stderr, "hssctl: warning: %s\n", msg);
	return HSSCTL_OK;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cmd_ims.c: the hssctl commands of IMS subscriptions (hss/imsdb): ims-import, ims-export,
 * ims-show, ims-list, ims-delete, ims-link, ims-unlink, ims-deregister, ims-ppr.
 *
 * Changes that an S-CSCF must hear of (a new profile of a registered user, a deletion, a
 * de-registration) are queued in the database with the change (the outbox); an HSS sends
 * them within its cx.outbox_poll_ms, at once when hssctl can tell it through its control
 * socket (`ctl_socket:` of the -c configuration, or --ctl PATH).
 *
 * Secrets (HA1, own K and OP/OPc) follow the rules of secret.c: ims-show shows them only
 * with --show-secrets; ims-export writes them (it is a backup that imports back) to a file
 * created 0600 (an existing one others may read is refused), or with --show-secrets to a
 * standard output that is not a file others may read; ims-import reads them from files or
 * standard input ("-"), never from argv, and warns about a file others may read.
 */
#include "hssctl.h"
#include "hss_imsdb.h"
#include "cm.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static int ims_fail(int rc, const char *what)
{
	const char *m = hss_imsdb_strerror();

	fprintf(stderr, "hssctl: %s: %s\n", what, m && *m ? m : strerror(rc));
	return hssctl_exit_code(rc);
}

static const char *opt_val(const struct hssctl_opt *o, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(o[i].name, name))
			return o[i].value;
	return NULL;
}

/* Every option is one of allowed (NULL-terminated). */
static bool opts_ok(const char *cmd, const struct hssctl_opt *o, int n, const char *const *allowed)
{
	for (int i = 0; i < n; i++) {
		bool ok = false;
		for (size_t k = 0; allowed[k]; k++)
			ok |= !strcmp(o[i].name, allowed[k]);
		if (!ok) {
			fprintf(stderr, "hssctl: %s: unknown option --%s\n", cmd, o[i].name);
			return false;
		}
	}
	return true;
}

/* ---- the HSS's control socket -------------------------------------------------------- */

/* Tell the HSS to send its outbox now; silent when there is no socket to tell. */
static void poke_hss(const char *ctl)
{
	struct sockaddr_un sa;
	struct timeval tv = { 2, 0 };
	char buf[256];
	ssize_t n;
	int fd;

	if (!ctl || !*ctl || strlen(ctl) >= sizeof(sa.sun_path))
		return;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, ctl, strlen(ctl) + 1);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
	    write(fd, "outbox\n", 7) == 7 && (n = read(fd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		printf("HSS told: %s\n", buf);
	} else {
		printf("the HSS could not be told through %s (%s): it sends within its "
		       "cx.outbox_poll_ms\n", ctl, strerror(errno));
	}
	close(fd);
}

static void after_queue(const struct hssctl_ims *ctx)
{
	if (ctx->ctl)
		poke_hss(ctx->ctl);
	else
		printf("queued: an HSS on this database sends it within its cx.outbox_poll_ms "
		       "(--ctl PATH or -c HSS.yaml with ctl_socket: sends it now)\n");
}

/* ---- import ---------------------------------------------------------------------------- */

/* All of f into a new NUL-terminated buffer (a pipe has no size to ask for). */
static char *slurp_stream(FILE *f, size_t *len)
{
	size_t cap = 64 * 1024, n = 0, r;
	char *buf = malloc(cap + 1), *nb;

	while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n < cap)
			continue;
		if (!(nb = malloc(2 * cap + 1))) {
			explicit_bzero(buf, n);
			free(buf);
			return NULL;
		}
		/* no realloc: the old block, holding secrets, is wiped before it is freed */
		memcpy(nb, buf, n);
		explicit_bzero(buf, n);
		free(buf);
		buf = nb;
		cap *= 2;
	}
	if (!buf || ferror(f)) {
		if (buf)
			explicit_bzero(buf, n);
		free(buf);
		errno = errno ? errno : EIO;
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* The text of path ("-": standard input, read once). */
static char *slurp(const char *path, size_t *len)
{
	static bool stdin_read;
	FILE *f;
	char *buf;

	if (!strcmp(path, "-")) {
		if (stdin_read) {
			errno = EINVAL;
			return NULL;
		}
		stdin_read = true;
		return slurp_stream(stdin, len);
	}
	if (!(f = fopen(path, "rb")))
		return NULL;
	buf = slurp_stream(f, len);
	fclose(f);
	return buf;
}

/* Whether a subscription holds a secret (HA1, own AKA keys). */
static bool sub_has_secret(const struct hss_ims_sub *sub)
{
	for (size_t i = 0; i < sub->n_impis; i++)
		if (sub->impis[i].digest_ha1[0] || sub->impis[i].aka.present)
			return true;
	return false;
}

struct subs {
	struct hss_ims_sub *v;
	size_t n, cap;
};

static int subs_add(struct subs *s, const struct cm_ynode *node, bool *bad, bool skip_bad)
{
	char err[512];

	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		struct hss_ims_sub *n = realloc(s->v, cap * sizeof(*n));
		if (!n)
			return ENOMEM;
		s->v = n;
		s->cap = cap;
	}
	hss_ims_sub_init(&s->v[s->n]);
	if (hss_ims_yaml_from_node(node, &s->v[s->n], err, sizeof(err))) {
		fprintf(stderr, "hssctl: %s%s\n", err, skip_bad ? " (skipped)" : "");
		hss_ims_sub_free(&s->v[s->n]);
		*bad = true;
		return 0;
	}
	s->n++;
	return 0;
}

/* One YAML document: a subscription, a list of them, or `subscriptions:` with a list. */
static int read_doc(const char *path, const char *text, size_t len, int first_line,
                    struct subs *s, bool *bad, bool skip_bad)
{
	const struct cm_ynode *root, *list, *it;
	struct cm_ydoc *doc = NULL;
	char err[512], *padded;
	int rc;

	/* blank lines in front so that messages give the line in the file */
	if (!(padded = malloc(len + (size_t)first_line + 1)))
		return ENOMEM;
	memset(padded, '\n', (size_t)first_line - 1);
	memcpy(padded + first_line - 1, text, len);
	rc = cm_yaml_load_buf(path, padded, len + (size_t)first_line - 1, &doc, err, sizeof(err));
	explicit_bzero(padded, len + (size_t)first_line - 1);
	free(padded);
	if (rc) {
		fprintf(stderr, "hssctl: %s\n", err);
		*bad = true;
		return 0;
	}
	root = doc->root;
	list = root && root->type == CM_Y_MAP ? cm_ymap_get(root, "subscriptions") : NULL;
	if (!root) {
		rc = 0;
	} else if (root->type == CM_Y_SEQ || list) {
		for (it = (list ? list : root)->child; it && !rc; it = it->next)
			rc = subs_add(s, it, bad, skip_bad);
	} else {
		rc = subs_add(s, root, bad, skip_bad);
	}
	cm_yaml_free(doc);
	return rc;
}

/* Split a YAML stream into its documents ("---" lines). */
static int read_file(const char *path, struct subs *s, bool *bad, bool skip_bad)
{
	size_t len = 0, start = 0, first = s->n;
	char *text;
	int line = 1, start_line = 1, rc = 0;
	struct stat st;

	errno = 0;
	if (!(text = slurp(path, &len))) {
		fprintf(stderr, "hssctl: %s: %s\n", path, !strcmp(path, "-") && errno == EINVAL ?
		        "standard input is read once" : strerror(errno ? errno : EIO));
		return EINVAL;
	}
	for (size_t i = 0; i <= len && !rc; i++) {
		bool eol = i == len || text[i] == '\n';
		bool sep = i + 3 <= len && !strncmp(text + i, "---", 3) && (i == 0 || text[i - 1] == '\n') &&
		           (i + 3 == len || text[i + 3] == '\n' || text[i + 3] == ' ' || text[i + 3] == '\r');

		if (sep || i == len) {
			if (i > start && strspn(text + start, " \t\r\n") < i - start)
				rc = read_doc(path, text + start, i - start, start_line, s, bad, skip_bad);
			if (sep) {
				/* the document starts after the separator line */
				size_t e = i;
				while (e < len && text[e] != '\n')
					e++;
				start = e < len ? e + 1 : len;
				start_line = line + 1;
				i = e;
				line++;
				continue;
			}
		}
		if (eol && i < len)
			line++;
	}
	explicit_bzero(text, len);
	free(text);
	/* the file is the operator's: a warning, so that a copy left readable is noticed */
	for (size_t i = first; !rc && strcmp(path, "-") && i < s->n; i++) {
		if (!sub_has_secret(&s->v[i]))
			continue;
		if (!stat(path, &st) && (st.st_mode & S_IROTH))
			fprintf(stderr, "hssctl: warning: ims-import: %s holds HA1 or AKA keys and "
			        "other users may read it (mode %04o): chmod 600 it, or give it on "
			        "standard input (-)\n", path, (unsigned)(st.st_mode & 07777));
		break;
	}
	return rc;
}

int hssctl_ims_import(struct hssctl_ims *ctx, char **pos, int npos, struct hssctl_opt *o, int n)
{
	static const char *const allowed[] = { "no-replace", "reset-sqn", "no-push", "skip-bad",
		"ctl", "quiet", NULL };
	struct subs s = { NULL, 0, 0 };
	bool bad = false, skip_bad = hssctl_opt_flag(o, n, "skip-bad");
	unsigned flags = 0;
	size_t added = 0, replaced = 0, pushed = 0;
	int rc = 0;

	if (!opts_ok("ims-import", o, n, allowed))
		return HSSCTL_USAGE;
	if (npos < 1)
		return hssctl_usage("ims-import: FILE.yaml...");
	if (hssctl_opt_flag(o, n, "no-replace"))
		flags |= HSS_IMSDB_PUT_NO_REPLACE;
	if (hssctl_opt_flag(o, n, "reset-sqn"))
		flags |= HSS_IMSDB_PUT_RESET_SQN;
	if (hssctl_opt_flag(o, n, "no-push"))
		flags |= HSS_IMSDB_PUT_NO_PUSH;
	/* everything is read and checked before anything is stored */
	for (int i = 0; i < npos && !rc; i++)
		if ((rc = read_file(pos[i], &s, &bad, skip_bad)))
			rc = rc == ENOMEM ? HSSCTL_DB : HSSCTL_USAGE;
	if (!rc && bad && !skip_bad) {
		fprintf(stderr, "hssctl: ims-import: nothing imported (fix the errors above, or "
		        "--skip-bad)\n");
		rc = HSSCTL_USAGE;
	}
	for (size_t i = 0; !rc && i < s.n; i++) {
		struct hss_imsdb_put_info info;
		int r = hss_imsdb_put(ctx->store, &s.v[i], flags, &info);

		if (r) {
			rc = ims_fail(r, s.v[i].id);
			fprintf(stderr, "hssctl: ims-import: %zu stored before this one\n", added + replaced);
			break;
		}
		info.replaced ? replaced++ : added++;
		pushed += info.push_queued;
	}
	for (size_t i = 0; i < s.n; i++)
		hss_ims_sub_free(&s.v[i]);
	free(s.v);
	if (!hssctl_opt_flag(o, n, "quiet") || rc)
		printf("ims-import: %zu added, %zu replaced, %zu profile push(es) queued\n", added,
		       replaced, pushed);
	if (pushed)
		after_queue(ctx);
	return rc;
}

/* ---- export, show, list ---------------------------------------------------------------- */

struct ids {
	char **v;
	size_t n;
};

static int ids_cb(const char *id, void *arg)
{
	struct ids *l = arg;
	char **n = realloc(l->v, (l->n + 1) * sizeof(*n));

	if (!n || !(n[l->n] = strdup(id)))
		return ENOMEM;
	l->v = n;
	l->n++;
	return 0;
}

static void ids_free(struct ids *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

int hssctl_ims_export(struct hssctl_ims *ctx, char **pos, int npos, struct hssctl_opt *o, int n)
{
	static const char *const allowed[] = { "out", "show-secrets", NULL };
	const char *path = opt_val(o, n, "out");
	struct ids all = { NULL, 0 };
	FILE *f = stdout;
	int rc = 0;

	if (!opts_ok("ims-export", o, n, allowed))
		return HSSCTL_USAGE;
	if (!path && !hssctl_secret_shown(o, n))
		return hssctl_usage("ims-export: --out FILE (created 0600), or --show-secrets to "
		                    "write HA1 and AKA keys to standard output");
	if (!path && (rc = hssctl_secret_stdout_ok("ims-export")))
		return rc;
	if (!npos && (rc = hss_imsdb_list(ctx->store, NULL, 0, ids_cb, &all))) {
		ids_free(&all);
		return ims_fail(rc, "ims-export");
	}
	/* secrets: created 0600, an existing file others may read refused */
	if (path && (rc = hssctl_secret_fopen(path, "ims-export", &f))) {
		ids_free(&all);
		return rc;
	}
	for (size_t i = 0; !rc && i < (npos ? (size_t)npos : all.n); i++) {
		char *y = NULL;
		size_t len = 0;

		if ((rc = hss_imsdb_export(ctx->store, npos ? pos[i] : all.v[i], &y, &len))) {
			rc = ims_fail(rc, "ims-export");
			break;
		}
		fprintf(f, "%s", i ? "---\n" : "");
		fwrite(y, 1, len, f);
		explicit_bzero(y, len);
		free(y);
	}
	if (f != stdout && fclose(f) && !rc) {
		fprintf(stderr, "hssctl: ims-export: %s: %s\n", path, strerror(errno));
		rc = HSSCTL_DB;
	}
	ids_free(&all);
	return rc;
}

/* The subscription of WHO: an id, a public identity or a private identity. */
static int resolve(struct hssctl_ims *ctx, const char *who, struct hss_imsdb_sub **ret,
                   const char **ret_impu)
{
	*ret_impu = NULL;
	if (!strncasecmp(who, "sip:", 4) || !strncasecmp(who, "sips:", 5) ||
	    !strncasecmp(who, "tel:", 4)) {
		*ret_impu = who;
		return hss_imsdb_find_impu(ctx->store, who, ret, NULL);
	}
	if (strchr(who, '@'))
		return hss_imsdb_find_impi(ctx->store, who, ret, NULL);
	return hss_imsdb_get(ctx->store, who, ret);
}

static void print_state(const struct hss_imsdb_state *st)
{
	char when[32];
	struct tm tm;

	printf("# registration state\n");
	if (st->scscf_name) {
		time_t t = (time_t)st->scscf_time;
		gmtime_r(&t, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		printf("#   S-CSCF %s (Diameter %s, realm %s) since %s\n", st->scscf_name,
		       st->scscf_host ? st->scscf_host : "-", st->scscf_realm ? st->scscf_realm : "-",
		       when);
	} else {
		printf("#   no S-CSCF assigned\n");
	}
	for (size_t i = 0; i < st->n_impus; i++) {
		const struct hss_imsdb_impu_state *u = &st->impus[i];
		printf("#   %-16s %s", hss_imsdb_reg_name(u->reg), u->identity);
		for (size_t k = 0; k < u->n_impis; k++)
			printf("%s%s", k ? ", " : " by ", u->impis[k]);
		printf("\n");
	}
	for (size_t i = 0; i < st->n_impis; i++)
		if (st->impis[i].auth_scheme)
			printf("#   authenticating   %s (%s)\n", st->impis[i].identity,
			       hss_ims_auth_wire_name(st->impis[i].auth_scheme) ?
			       hss_ims_auth_wire_name(st->impis[i].auth_scheme) : "?");
}

int hssctl_ims_show(struct hssctl_ims *ctx, char **pos, int npos, struct hssctl_opt *o, int n)
{
	static const char *const allowed[] = { "show-secrets", NULL };
	struct hss_imsdb_sub *ref = NULL;
	struct hss_imsdb_state st;
	struct hss_ims_sub copy;
	const char *impu;
	bool secrets = hssctl_secret_shown(o, n);
	char *y = NULL;
	size_t len = 0;
	int rc;

	if (!opts_ok("ims-show", o, n, allowed))
		return HSSCTL_USAGE;
	if (npos != 1)
		return hssctl_usage("ims-show: exactly one ID, public or private identity");
	if (secrets && (rc = hssctl_secret_stdout_ok("ims-show")))
		return rc;
	if ((rc = resolve(ctx, pos[0], &ref, &impu)))
		return ims_fail(rc, "ims-show");
	if (secrets) {
		rc = hss_imsdb_export(ctx->store, ref->sub->id, &y, &len);
	} else if (!(rc = hss_ims_sub_copy(ref->sub, &copy))) {
		bool hidden = false;
		for (size_t i = 0; i < copy.n_impis; i++) {
			hidden |= copy.impis[i].digest_ha1[0] || copy.impis[i].aka.present;
			explicit_bzero(copy.impis[i].digest_ha1, sizeof(copy.impis[i].digest_ha1));
			if (copy.impis[i].aka.present) {
				explicit_bzero(&copy.impis[i].aka, sizeof(copy.impis[i].aka));
				copy.impis[i].aka.ind_bits = 5;
			}
		}
		rc = hss_ims_yaml_emit(&copy, &y, &len);
		hss_ims_sub_free(&copy);
		if (!rc && hidden)
			printf("# digest_ha1 and own AKA keys hidden (--show-secrets shows them)\n");
	}
	if (rc) {
		hss_imsdb_sub_release(ref);
		return ims_fail(rc, "ims-show");
	}
	fwrite(y, 1, len, stdout);
	explicit_bzero(y, len);
	free(y);
	if ((rc = hss_imsdb_state_get(ctx->store, ref->sub->id, &st)) == 0) {
		print_state(&st);
		hss_imsdb_state_free(&st);
	}
	hss_imsdb_sub_release(ref);
	return rc ? ims_fail(rc, "ims-show") : HSSCTL_OK;
}

struct list_ctx {
	struct hssctl_ims *ctx;
	uint64_t n;
};

static int list_cb(const char *id, void *arg)
{
	struct list_ctx *l = arg;
	struct hss_imsdb_sub *ref = NULL;
	struct hss_imsdb_state st;
	size_t reg = 0;

	if (hss_imsdb_get(l->ctx->store, id, &ref)) {
		printf("%-24s (unreadable: %s)\n", id, hss_imsdb_strerror());
		return 0;
	}
	hss_imsdb_state_init(&st);
	hss_imsdb_state_get(l->ctx->store, id, &st);
	for (size_t i = 0; i < st.n_impus; i++)
		reg += st.impus[i].reg != HSS_IMSDB_NOT_REGISTERED;
	printf("%-24s %-32s %-36s %zu IMPI %zu IMPU", id,
	       ref->sub->n_impis ? ref->sub->impis[0].identity : "-",
	       ref->sub->n_impus ? ref->sub->impus[0].identity : "-", ref->sub->n_impis,
	       ref->sub->n_impus);
	if (st.scscf_name)
		printf("  %zu at %s", reg, st.scscf_name);
	printf("\n");
	hss_imsdb_state_free(&st);
	hss_imsdb_sub_release(ref);
	l->n++;
	return 0;
}

int hssctl_ims_list(struct hssctl_ims *ctx, char **pos, int npos, struct hssctl_opt *o, int n)
{
	static const char *const allowed[] = { "after", "limit", NULL };
	struct list_ctx l = { ctx, 0 };
	uint64_t limit = 0;
	int rc;

	if (!opts_ok("ims-list", o, n, allowed) || hssctl_opt_u64(o, n, "limit", 0, &limit))
		return HSSCTL_USAGE;
	if (npos)
		return hssctl_usage("ims-list: no argument");
	if ((rc = hss_imsdb_list(ctx->store, opt_val(o, n, "after"), limit, list_cb, &l)))
		return ims_fail(rc, "ims-list");
	return HSSCTL_OK;
}

/* ---- changes ---------------------------------------------------------------------------- */

int hssctl_ims_delete(struct hssctl_ims *ctx, char **pos, int npos, struct hssctl_opt *o, int n)
{
	static const char *const allowed[] = { "ctl", NULL };
	bool queued = false;
	int rc = HSSCTL_OK;

	if (!opts_ok("ims-delete", o, n, allowed))
		return HSSCTL_USAGE;
	if (npos < 1)
		return hssctl_usage("ims-delete: ID...");
	for (int i = 0; i < npos; i++) {
		struct hss_imsdb_put_info info;
		int r = hss_imsdb_delete(ctx->store, pos[i], &info);

		if (r) {
			rc = ims_fail(r, "ims-delete");
			continue;
		}
		printf("deleted %s%s\n", pos[i], info.push_queued ? " (it was registered: RTR queued)" : "");
		queued |= info.push_queued;
	}
	if (queued)
		after_queue(ctx);
	return rc;
}

int hssctl_ims_link(struct hssctl_ims *ctx, char **pos, int npos, bool link)
{
	int rc;

	if (link ? npos != 2 : npos != 1)
		return hssctl_usage(link ? "ims-link: IMPI IMSI" : "ims-unlink: IMPI");
	if ((rc = hss_imsdb_link_imsi(ctx->store, pos[0], link ? pos[1] : NULL)))
		return ims_fail(rc, link ? "ims-link" : "ims-unlink");
	if (link)
		printf("%s now uses the K, OPc and SQN of IMSI %s\n", pos[0], pos[1]);
	else
		printf("%s is no longer linked to an IMSI\n", pos[0]);
	return HSSCTL_OK;
}

int hssctl_ims_deregister(struct hssctl_ims *ctx, char **pos, int npos, struct hssctl_opt *o,
                          int n)
{
	static const char *const allowed[] = { "reason", "reason-info", "ctl", NULL };
	struct hss_imsdb_sub *ref = NULL;
	const char *impu = NULL, *info = opt_val(o, n, "reason-info");
	uint64_t reason = 0;
	bool queued = false;
	char id[HSS_IMS_ID_MAX + 1];
	int rc;

	if (!opts_ok("ims-deregister", o, n, allowed) || hssctl_opt_u64(o, n, "reason", 0, &reason))
		return HSSCTL_USAGE;
	if (npos != 1 || reason > 3)
		return hssctl_usage("ims-deregister: ID|IMPU|IMPI [--reason 0..3] [--reason-info TEXT]");
	if ((rc = resolve(ctx, pos[0], &ref, &impu)))
		return ims_fail(rc, "ims-deregister");
	snprintf(id, sizeof(id), "%s", ref->sub->id);
	hss_imsdb_sub_release(ref);
	if ((rc = hss_imsdb_deregister(ctx->store, id, impu, (uint32_t)reason, info, &queued)))
		return ims_fail(rc, "ims-deregister");
	if (!queued) {
		fprintf(stderr, "hssctl: ims-deregister: %s is not registered\n", pos[0]);
		return HSSCTL_NOT_FOUND;
	}
	printf("de-registered %s: RTR queued for its S-CSCF\n", pos[0]);
	after_queue(ctx);
	return HSSCTL_OK;
}

int hssctl_ims_ppr(struct hssctl_ims *ctx, char **pos, int npos, struct hssctl_opt *o, int n)
{
	static const char *const allowed[] = { "ctl", NULL };
	struct hss_imsdb_push p = { .kind = HSS_IMSDB_PUSH_PPR };
	struct hss_imsdb_sub *ref = NULL;
	const char *impu;
	int rc;

	if (!opts_ok("ims-ppr", o, n, allowed))
		return HSSCTL_USAGE;
	if (npos != 1)
		return hssctl_usage("ims-ppr: ID|IMPU|IMPI");
	if ((rc = resolve(ctx, pos[0], &ref, &impu)))
		return ims_fail(rc, "ims-ppr");
	p.sub_id = (char *)ref->sub->id;
	rc = hss_imsdb_push_add(ctx->store, &p);
	hss_imsdb_sub_release(ref);
	if (rc)
		return ims_fail(rc, "ims-ppr");
	printf("profile push queued for %s\n", pos[0]);
	after_queue(ctx);
	return HSSCTL_OK;
}

int hssctl_ims_dispatch(struct hss_db *db, const char *cmd, const char *config, char **pos,
                        int npos, struct hssctl_opt *o, int n)
{
	struct hssctl_ims ctx = { NULL, NULL };
	char ctl[128];
	int rc;

	if (strncmp(cmd, "ims-", 4))
		return -1;
	if ((rc = hss_imsdb_open(db, &ctx.store)))
		return ims_fail(rc, cmd);
	if ((ctx.ctl = opt_val(o, n, "ctl")) == NULL && config &&
	    !hssctl_ctl_socket(config, ctl, sizeof(ctl)))
		ctx.ctl = ctl;
	if (!strcmp(cmd, "ims-import"))
		rc = hssctl_ims_import(&ctx, pos, npos, o, n);
	else if (!strcmp(cmd, "ims-export"))
		rc = hssctl_ims_export(&ctx, pos, npos, o, n);
	else if (!strcmp(cmd, "ims-show"))
		rc = hssctl_ims_show(&ctx, pos, npos, o, n);
	else if (!strcmp(cmd, "ims-list"))
		rc = hssctl_ims_list(&ctx, pos, npos, o, n);
	else if (!strcmp(cmd, "ims-delete"))
		rc = hssctl_ims_delete(&ctx, pos, npos, o, n);
	else if (!strcmp(cmd, "ims-link") || !strcmp(cmd, "ims-unlink"))
		rc = n ? hssctl_usage("ims-link/ims-unlink take no option")
		       : hssctl_ims_link(&ctx, pos, npos, !strcmp(cmd, "ims-link"));
	else if (!strcmp(cmd, "ims-deregister"))
		rc = hssctl_ims_deregister(&ctx, pos, npos, o, n);
	else if (!strcmp(cmd, "ims-ppr"))
		rc = hssctl_ims_ppr(&ctx, pos, npos, o, n);
	else
		rc = hssctl_usage("unknown ims- command");
	hss_imsdb_close(ctx.store);
	return rc;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_reload.c: the HSS's running configuration (hss/reload.c). A reload installs the new
 * file and frees the replaced configuration once the last request holding it lets go (the
 * daemon used to keep every one until exit); a broken file leaves the running one in place and
 * logs file, line and key; readers on other threads always see one whole configuration.
 */
#include "hss.h"
#include "tap.h"

#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[256];
static char logbuf[8192];

/* freeDiameter's log, kept for the checks. */
static void logger(int level, const char *fmt, va_list ap)
{
	size_t used = strlen(logbuf);

	if (used + 2 < sizeof(logbuf)) {
		vsnprintf(logbuf + used, sizeof(logbuf) - used - 1, fmt, ap);
		strcat(logbuf, "\n");
	}
}

/* The file: max_vectors n and clr_timeout_ms n * 1000, so a reader can tell a whole
 * configuration from a mix of two. */
static void write_cfg(unsigned n, const char *identity, const char *extra)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		CHECK(0, "cannot write %s", path);
		return;
	}
	fprintf(f, "diameter:\n  identity: %s\n  realm: test\n"
	        "database:\n  path: /tmp/unused.db\n"
	        "s6a:\n  max_vectors: %u\n  clr_timeout_ms: %u\n%s",
	        identity, n, n * 1000, extra ? extra : "");
	fclose(f);
}

static unsigned cur_max(void)
{
	struct hss_snap *s = hss_snap_get();
	unsigned n = s ? s->cfg.max_vectors : 0;

	hss_snap_unref(s);
	return n;
}

static void test_install_and_reload(void)
{
	struct hss_snap *s = NULL, *held;
	char err[512];

	CHECK(hss_snap_get() == NULL, "nothing installed yet");
	write_cfg(3, "hss.test", NULL);
	CHECK(hss_snap_load(path, &s, err, sizeof(err)) == 0, "load: %s", err);
	if (!s)
		return;
	CHECK(atomic_load(&s->refs) == 1 && s->cfg.max_vectors == 3, "one reference, max 3");
	hss_snap_install(s);
	CHECK(cur_max() == 3, "installed: %u", cur_max());

	/* A request holds the running configuration while a reload replaces it. */
	held = hss_snap_get();
	CHECK(held == s && atomic_load(&s->refs) == 2, "held: refs %d", atomic_load(&s->refs));
	write_cfg(7, "hss.test", NULL);
	logbuf[0] = '\0';
	CHECK(hss_reload(path) == 0, "reload");
	CHECK(cur_max() == 7, "reloaded: %u", cur_max());
	CHECK(strstr(logbuf, "reloaded") != NULL, "logged: %s", logbuf);
	CHECK(strstr(logbuf, "need a restart") == NULL, "no restart needed: %s", logbuf);
	/* The old one is intact for the request and no longer referenced by the daemon. */
	CHECK(held->cfg.max_vectors == 3 && held->cfg.clr_timeout_ms == 3000, "held intact");
	CHECK(atomic_load(&held->refs) == 1, "only the request holds the old one: refs %d",
	      atomic_load(&held->refs));
	hss_snap_unref(held);   /* freed here (LeakSanitizer and the heap test below check it) */

	/* A broken file: the running configuration stays, the log names file, line and key. */
	write_cfg(5, "hss.test", "  rat_allowed: [eutran, warp]\n");
	logbuf[0] = '\0';
	CHECK(hss_reload(path) != 0, "broken file refused");
	CHECK(cur_max() == 7, "running configuration kept: %u", cur_max());
	CHECK(strstr(logbuf, "reload failed") && strstr(logbuf, path) &&
	      strstr(logbuf, ":9: key 's6a.rat_allowed'"), "log: %s", logbuf);

	/* A missing file too. */
	logbuf[0] = '\0';
	CHECK(hss_reload("/nonexistent/hss.yaml") != 0 && cur_max() == 7, "missing file refused");

	/* A change only a restart applies is said so, and the s6a part still applies. */
	write_cfg(4, "other.test", NULL);
	logbuf[0] = '\0';
	CHECK(hss_reload(path) == 0 && cur_max() == 4, "reload with a new identity");
	CHECK(strstr(logbuf, "need a restart") != NULL, "restart needed: %s", logbuf);

	/* The control socket's users are read at start only: a change is said so too. */
	write_cfg(4, "other.test", "ctl_allow_users: [\"12345\"]\n");
	logbuf[0] = '\0';
	CHECK_ERR(hss_reload(path), 0, "reload adding ctl_allow_users");
	CHECK_SUBSTR(logbuf, "ctl_allow_users changes need a restart", "a user added");
	write_cfg(4, "other.test", "ctl_allow_users: [\"12346\"]\n");
	logbuf[0] = '\0';
	CHECK_ERR(hss_reload(path), 0, "reload changing ctl_allow_users");
	CHECK_SUBSTR(logbuf, "need a restart", "a user replaced by another");
	logbuf[0] = '\0';
	CHECK_ERR(hss_reload(path), 0, "reload of the same file");
	CHECK(strstr(logbuf, "need a restart") == NULL, "the same users: no restart needed: %s",
	      logbuf);
}

/* Reloads must not accumulate configurations: the old daemon kept each one until exit. */
static void test_no_growth(void)
{
	struct mallinfo2 before, after;
	int i, ok = 0;

	write_cfg(6, "hss.test", "  home_plmns: [\"00101\", \"00102\"]\n");
	CHECK(hss_reload(path) == 0, "first reload");
	before = mallinfo2();
	for (i = 0; i < 2000; i++)
		ok += hss_reload(path) == 0;
	after = mallinfo2();
	CHECK(ok == 2000, "%d of 2000 reloads", ok);
	/* One configuration is over 1 KB: 2000 kept would be megabytes. */
	CHECK(after.uordblks < before.uordblks + 64 * 1024, "heap grew by %zu bytes over 2000 reloads",
	      after.uordblks - before.uordblks);
}

static atomic_bool stop;
static atomic_int torn, reads;

static void *reader(void *arg)
{
	while (!atomic_load(&stop)) {
		struct hss_snap *s = hss_snap_get();
		if (!s) {
			atomic_fetch_add(&torn, 1);
			continue;
		}
		if (s->cfg.clr_timeout_ms != s->cfg.max_vectors * 1000)
			atomic_fetch_add(&torn, 1);
		sched_yield();
		/* Still whole after a reload may have replaced it. */
		if (s->cfg.clr_timeout_ms != s->cfg.max_vectors * 1000)
			atomic_fetch_add(&torn, 1);
		atomic_fetch_add(&reads, 1);
		hss_snap_unref(s);
	}
	return NULL;
}

static void test_threads(void)
{
	pthread_t th[4];
	int i;

	for (i = 0; i < 4; i++)
		CHECK(pthread_create(&th[i], NULL, reader, NULL) == 0, "thread");
	for (i = 0; i < 300; i++) {
		write_cfg(1 + i % 16, "hss.test", NULL);
		CHECK(hss_reload(path) == 0, "reload %d", i);
	}
	atomic_store(&stop, true);
	for (i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	CHECK(atomic_load(&torn) == 0, "%d reads saw no or a torn configuration",
	      atomic_load(&torn));
	CHECK(atomic_load(&reads) > 0, "readers ran");
}

int main(void)
{
	int fd;

	fd_g_debug_lvl = FD_LOG_NOTICE;
	if (fd_log_handler_register(logger)) {
		tap_bail("cannot capture the log");
		return 1;
	}
	snprintf(path, sizeof(path), "/tmp/test_hss_reload.XXXXXX");
	if ((fd = mkstemp(path)) < 0) {
		perror("mkstemp");
		return 1;
	}
	close(fd);
	test_install_and_reload();
	test_no_growth();
	test_threads();
	hss_snap_clear();
	CHECK(hss_snap_get() == NULL, "cleared");
	unlink(path);
	return tap_done();
}

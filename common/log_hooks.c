/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * log_hooks.c: one log line per failure event instead of freeDiameter's message dumps, and
 * no error line repeated without bound.
 *
 * With no handler registered for them, freeDiameter 1.2.1 (libfdcore/hooks.c) logs a parse
 * error, a routing error, a dropped message and a failed connection by dumping the whole
 * message, every AVP value included, at ERROR, under one global mutex, into a buffer it keeps
 * for the life of the process. One 8,000-deep nested AVP gave about 96 MB of log and as much
 * resident memory; every answer that could not be delivered to a peer that stopped reading
 * was logged in full, its KASME, XRES, CK and IK too.
 *
 * The hook handlers here replace those dumps for every node (daemons and dclient): one line
 * per event naming the peer, the command and the reason, never an AVP value. On top of that
 * each failure costs a few lines of freeDiameter's own error traces (CHECK_FCT: "ERROR: in
 * '(expression)' : reason") and notices, so the log handler that replaces freeDiameter's
 * default one (same format, on stdout) limits every line from NOTICE up the same way.
 *
 * Limit: at most LH_BURST lines per cause in each LH_WINDOW-second window; the first line of a
 * cause logged after some were left out says how many. A cause is the kind of event (hook
 * type, or "log line") and a key: for events the reason text with quoted names and numbers
 * left out, for log lines the start of the text (peer names included) with numbers left out.
 * LH_SLOTS causes are tracked (a cause quiet for a window gives its slot up); beyond that
 * all causes of a kind share one bucket, so a flood of one kind cannot hide another kind.
 */
#include "cm.h"
#include "cm_int.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define LH_WINDOW 10        /* seconds */
#define LH_BURST 10         /* lines per cause and window */
#define LH_SLOTS 128
#define LH_KEYLEN 96
#define LH_KIND_LINE (HOOK_LAST + 1)   /* a line of the log handler */

struct lh_cause {
	int kind;                  /* kind + 1; 0: free slot */
	char key[LH_KEYLEN];
	time_t window;             /* start of the current window */
	unsigned lines;            /* logged in this window */
	unsigned long suppressed;  /* left out since the last line logged */
};

static struct {
	pthread_mutex_t lock;
	struct lh_cause slot[LH_SLOTS];
	struct lh_cause overflow[LH_KIND_LINE + 1];
	struct fd_hook_hdl *hdl;
	bool logger;
} lh = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* The routing-out thread reports an undeliverable answer twice (ROUTING_ERROR, then DROPPED
 * with the same text): the second report of the same message is the same event. */
static __thread const void *lh_last_msg;
static __thread char lh_last_reason[LH_KEYLEN];

/* The text without what varies from one event to the next (numbers, and names in quotes
 * when skip_quoted), so that one cause keeps one bucket. */
static void lh_key(const char *text, bool skip_quoted, char key[LH_KEYLEN])
{
	size_t n = 0;
	bool quoted = false;

	for (; text && *text && n < LH_KEYLEN - 1; text++) {
		if (skip_quoted && *text == '\'') {
			quoted = !quoted;
			continue;
		}
		if (quoted || (*text >= '0' && *text <= '9'))
			continue;
		key[n++] = *text;
	}
	key[n] = '\0';
}

static bool lh_admit_key(int kind, const char *key, unsigned long *ret_suppressed)
{
	struct lh_cause *c = NULL, *free_slot = NULL;
	time_t now = time(NULL);
	bool ok;
	size_t i;

	*ret_suppressed = 0;
	pthread_mutex_lock(&lh.lock);
	for (i = 0; i < LH_SLOTS; i++) {
		struct lh_cause *s = &lh.slot[i];
		/* A slot is free, or can be taken, once its cause has been quiet for a window
		 * with nothing left to report. */
		if (!s->kind || (now - s->window >= LH_WINDOW && !s->suppressed)) {
			if (!free_slot)
				free_slot = s;
			if (!s->kind)
				continue;
		}
		if (s->kind == kind + 1 && !strcmp(s->key, key)) {
			c = s;
			break;
		}
	}
	if (!c && free_slot) {
		c = free_slot;
		memset(c, 0, sizeof(*c));
		c->kind = kind + 1;
		snprintf(c->key, sizeof(c->key), "%s", key);
	}
	if (!c)
		c = &lh.overflow[kind];
	if (now - c->window >= LH_WINDOW) {
		c->window = now;
		c->lines = 0;
	}
	ok = c->lines < LH_BURST;
	if (ok) {
		c->lines++;
		*ret_suppressed = c->suppressed;
		c->suppressed = 0;
	} else {
		c->suppressed++;
	}
	pthread_mutex_unlock(&lh.lock);
	return ok;
}

bool cm_log_admit(enum fd_hook_type kind, const char *cause, unsigned long *ret_suppressed)
{
	char key[LH_KEYLEN];

	lh_key(cause, true, key);
	return lh_admit_key(kind, key, ret_suppressed);
}

/* ---- the log handler ------------------------------------------------------------------ */

/* freeDiameter's default handler (libfdproto/log.c), without colours, with the lines from
 * NOTICE up limited. Called with freeDiameter's log mutex held. */
static void lh_logger(int level, const char *format, va_list ap)
{
	char line[4096], ts[32], key[LH_KEYLEN];
	unsigned long suppressed = 0;
	const char *tag;

	if (level < fd_g_debug_lvl)
		return;
	vsnprintf(line, sizeof(line), format, ap);
	/* Debug output is asked for; the rest can be made to repeat by a peer: freeDiameter
	 * says "Unsupported mandatory AVP found" at NOTICE and "TODO: Improve..." at FATAL for
	 * each such AVP. A line that does not repeat is never held back. */
	if (level >= FD_LOG_NOTICE) {
		lh_key(line, false, key);
		if (!lh_admit_key(LH_KIND_LINE, key, &suppressed))
			return;
	}
	switch (level) {
	case FD_LOG_ANNOYING: tag = "\tA   "; break;
	case FD_LOG_DEBUG: tag = " DBG   "; break;
	case FD_LOG_NOTICE: tag = "NOTI   "; break;
	case FD_LOG_ERROR: tag = "ERROR  "; break;
	case FD_LOG_FATAL: tag = "FATAL! "; break;
	default: tag = " ???   "; break;
	}
	if (suppressed)
		printf("%s  %s%s (%lu similar lines suppressed)\n", fd_log_time(NULL, ts, sizeof(ts), 0, 0),
		       tag, line, suppressed);
	else
		printf("%s  %s%s\n", fd_log_time(NULL, ts, sizeof(ts), 0, 0), tag, line);
	fflush(stdout);
}

/* ---- the hook handlers ---------------------------------------------------------------- */

/* "request 318 (app 16777251)" */
static void lh_msg_desc(struct msg *msg, char *buf, size_t sz)
{
	struct msg_hdr *h = NULL;

	if (!msg || fd_msg_hdr(msg, &h) || !h) {
		snprintf(buf, sz, "message");
		return;
	}
	snprintf(buf, sz, "%s %u (app %u)", (h->msg_flags & CMD_FLAG_REQUEST) ? "request" : "answer",
	         h->msg_code, h->msg_appl);
}

/* Who the event is about: the peer given, else where the message came from, else (a local
 * answer) where its request came from. */
static void lh_peer_desc(struct msg *msg, struct peer_hdr *peer, char *buf, size_t sz)
{
	DiamId_t id = NULL;
	size_t len = 0;
	struct msg *q = NULL;

	if (peer && peer->info.pi_diamid) {
		snprintf(buf, sz, "peer '%s'", peer->info.pi_diamid);
		return;
	}
	if (msg && !fd_msg_source_get(msg, &id, &len) && id) {
		snprintf(buf, sz, "from '%.*s'", (int)len, (const char *)id);
		return;
	}
	if (msg && !fd_msg_answ_getq(msg, &q) && q && !fd_msg_source_get(q, &id, &len) && id) {
		snprintf(buf, sz, "to '%.*s'", (int)len, (const char *)id);
		return;
	}
	snprintf(buf, sz, "local");
}

static void lh_hook(enum fd_hook_type type, struct msg *msg, struct peer_hdr *peer, void *other,
                    struct fd_hook_permsgdata *pmd, void *regdata)
{
	char what[64], who[300], more[64] = "";
	const char *reason = NULL, *label;
	unsigned long suppressed = 0;
	int level = FD_LOG_ERROR;

	(void)pmd, (void)regdata;
	switch (type) {
	case HOOK_MESSAGE_PARSING_ERROR:
		label = "malformed";
		level = FD_LOG_NOTICE;
		if (!msg) {
			/* {other} is the received buffer: freeDiameter closes the connection. */
			const struct fd_cnx_rcvdata *rd = other;
			if (!cm_log_admit(type, "unparsable", &suppressed))
				return;
			if (suppressed)
				snprintf(more, sizeof(more), " (%lu more suppressed)", suppressed);
			lh_peer_desc(NULL, peer, who, sizeof(who));
			fd_log(level, "cm: unparsable %zu-byte message, %s: connection closed%s",
			       rd ? rd->length : 0, who, more);
			return;
		}
		reason = other;
		break;
	case HOOK_MESSAGE_PARSING_ERROR2:
		/* The error answer to the message PARSING_ERROR has just logged. */
		return;
	case HOOK_MESSAGE_ROUTING_ERROR:
		label = "routing error";
		reason = other;
		lh_last_msg = msg;
		snprintf(lh_last_reason, sizeof(lh_last_reason), "%s", reason ? reason : "");
		break;
	case HOOK_MESSAGE_DROPPED:
		if (msg && msg == lh_last_msg && other &&
		    !strncmp(other, lh_last_reason, sizeof(lh_last_reason) - 1)) {
			lh_last_msg = NULL;
			return;
		}
		if (cm_dropped_unanswered(msg, other))
			return;   /* answered by answer.c, which logs if it cannot */
		label = "dropped";
		reason = other;
		break;
	case HOOK_PEER_CONNECT_FAILED:
		label = "connection failed";
		reason = other;
		/* Without a message it is a transport failure, retried on the TcTimer: freeDiameter
		 * logs it at debug level only; keep that. */
		level = msg ? FD_LOG_NOTICE : FD_LOG_DEBUG;
		if (level < fd_g_debug_lvl)
			return;
		break;
	default:
		return;
	}
	if (!cm_log_admit(type, reason, &suppressed))
		return;
	if (suppressed)
		snprintf(more, sizeof(more), " (%lu more suppressed)", suppressed);
	lh_peer_desc(msg, peer, who, sizeof(who));
	if (type == HOOK_PEER_CONNECT_FAILED) {
		fd_log(level, "cm: %s, %s: %s%s", label, who, reason ? reason : "?", more);
	} else {
		lh_msg_desc(msg, what, sizeof(what));
		fd_log(level, "cm: %s %s, %s: %s%s", label, what, who, reason ? reason : "?", more);
	}
}

int cm_log_hooks_register(void)
{
	int rc;

	/* A program that installed its own log handler (dclient) keeps it. */
	if (!lh.logger && fd_log_handler_register(lh_logger) == 0)
		lh.logger = true;
	if (lh.hdl)
		return 0;
	if ((rc = fd_hook_register(HOOK_MASK(HOOK_MESSAGE_PARSING_ERROR, HOOK_MESSAGE_PARSING_ERROR2,
	                                     HOOK_MESSAGE_ROUTING_ERROR, HOOK_MESSAGE_DROPPED,
	                                     HOOK_PEER_CONNECT_FAILED),
	                           lh_hook, NULL, NULL, &lh.hdl)))
		return rc;
	return 0;
}

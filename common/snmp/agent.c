/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * agent.c: the net-snmp AgentX subagent, in a thread of its own. It is the only file that
 * includes net-snmp's headers (they define bare HAVE_* macros) and the only thread that
 * calls net-snmp, which is not thread-safe: other threads talk to it through a queue
 * (notifications) and a pipe that wakes it.
 *
 * net-snmp does the AgentX work: with a ping interval set, a subagent that finds no master
 * (or loses it) retries every interval and registers every subtree again once connected.
 * Each subtree is one handler registration answering GET and GETNEXT (net-snmp turns GETBULK
 * into GETNEXTs) from a view (view.c) refreshed at most every SNMP_TTL_MS. net-snmp's own
 * log lines go to freeDiameter's log; the connection to the master is logged once per change,
 * not at every retry.
 */
#include "snmp_int.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
#include <net-snmp/agent/agent_callbacks.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#define AG_MAX_REGS 32
#define AG_MAX_TICKS 8
#define AG_MAX_QUEUE 256

struct ag_reg {
	char *name;
	struct snmp_view *view;
};

struct ag_notif {
	struct ag_notif *next;
	oid trap[SNMP_OID_MAX];
	size_t trap_len;
	size_t n;
	struct {
		oid name[SNMP_OID_MAX];
		size_t len;
		struct snmp_value v;
		uint8_t *s;            /* owned copy of v.s */
	} vb[];
};

static struct {
	pthread_mutex_t lock;      /* started, stop, the queue */
	struct ag_reg regs[AG_MAX_REGS];
	size_t nregs;
	struct { snmp_tick_fn *fn; void *data; } ticks[AG_MAX_TICKS];
	size_t nticks;
	bool started, stop;
	pthread_t thread;
	int wake[2];
	struct ag_notif *qhead, **qtail;
	size_t qlen;
	char *socket, *context, *app;
	unsigned ping;
	atomic_bool connected;
	bool ever_connected, said_absent, closing;
	atomic_uint_fast64_t requests, notifications, dropped, connects;
} ag = { .lock = PTHREAD_MUTEX_INITIALIZER, .wake = { -1, -1 } };

bool snmp_available(void)
{
	return true;
}

int snmp_register(const char *name, const uint32_t *root, size_t root_len,
                  snmp_collect_fn *collect, void *data)
{
	struct ag_reg *r;
	int rc;

	pthread_mutex_lock(&ag.lock);
	if (ag.started) {
		rc = EBUSY;
		goto out;
	}
	if (ag.nregs == AG_MAX_REGS) {
		rc = ENOSPC;
		goto out;
	}
	r = &ag.regs[ag.nregs];
	if (!(r->name = strdup(name ? name : "dcore"))) {
		rc = ENOMEM;
		goto out;
	}
	if ((rc = snmp_view_new(root, root_len, collect, data, &r->view))) {
		free(r->name);
		r->name = NULL;
		goto out;
	}
	ag.nregs++;
out:
	pthread_mutex_unlock(&ag.lock);
	return rc;
}

int snmp_on_tick(snmp_tick_fn *fn, void *data)
{
	int rc = 0;

	pthread_mutex_lock(&ag.lock);
	if (ag.started)
		rc = EBUSY;
	else if (ag.nticks == AG_MAX_TICKS)
		rc = ENOSPC;
	else {
		ag.ticks[ag.nticks].fn = fn;
		ag.ticks[ag.nticks].data = data;
		ag.nticks++;
	}
	pthread_mutex_unlock(&ag.lock);
	return rc;
}

bool snmp_connected(void)
{
	return atomic_load(&ag.connected);
}

void snmp_get_stats(struct snmp_stats *r)
{
	r->requests = atomic_load(&ag.requests);
	r->notifications = atomic_load(&ag.notifications);
	r->dropped = atomic_load(&ag.dropped);
	r->connects = atomic_load(&ag.connects);
}

/* ---- requests ----------------------------------------------------------------------------- */

static size_t ag_oid_in(const oid *in, size_t len, uint32_t *out, size_t max)
{
	size_t i;

	if (len > max)
		len = max;
	for (i = 0; i < len; i++)
		out[i] = in[i] > UINT32_MAX ? UINT32_MAX : (uint32_t)in[i];
	return len;
}

static void ag_set_value(netsnmp_variable_list *vb, const struct snmp_value *v)
{
	struct counter64 c64;
	u_long ul;
	long l;

	switch (v->type) {
	case SNMP_T_COUNTER64:
		c64.high = (u_long)(v->u >> 32);
		c64.low = (u_long)(v->u & 0xffffffffu);
		snmp_set_var_typed_value(vb, ASN_COUNTER64, &c64, sizeof(c64));
		break;
	case SNMP_T_GAUGE32:
		ul = (u_long)v->u;
		snmp_set_var_typed_value(vb, ASN_GAUGE, &ul, sizeof(ul));
		break;
	case SNMP_T_UNSIGNED32:
		ul = (u_long)v->u;
		snmp_set_var_typed_value(vb, ASN_UNSIGNED, &ul, sizeof(ul));
		break;
	case SNMP_T_TIMETICKS:
		ul = (u_long)v->u;
		snmp_set_var_typed_value(vb, ASN_TIMETICKS, &ul, sizeof(ul));
		break;
	case SNMP_T_INTEGER:
		l = (long)v->i;
		snmp_set_var_typed_value(vb, ASN_INTEGER, &l, sizeof(l));
		break;
	case SNMP_T_OCTETS:
		snmp_set_var_typed_value(vb, ASN_OCTET_STR, v->s, v->len);
		break;
	}
}

static int ag_handler(netsnmp_mib_handler *handler, netsnmp_handler_registration *reginfo,
                      netsnmp_agent_request_info *reqinfo, netsnmp_request_info *requests)
{
	struct ag_reg *r = handler->myvoid;
	netsnmp_request_info *req;
	uint32_t want[MAX_OID_LEN];
	int rc;

	if ((rc = snmp_view_refresh(r->view, SNMP_TTL_MS)))
		snmp_log(LOG_ERR, "cannot read the values of %s: %s\n", r->name, strerror(rc));
	for (req = requests; req; req = req->next) {
		netsnmp_variable_list *vb = req->requestvb;
		const struct snmp_value *v;
		const uint32_t *next;
		size_t len = ag_oid_in(vb->name, vb->name_length, want, MAX_OID_LEN), nlen = 0, i;
		oid out[SNMP_OID_MAX];

		if (req->processed)
			continue;
		atomic_fetch_add_explicit(&ag.requests, 1, memory_order_relaxed);
		switch (reqinfo->mode) {
		case MODE_GET:
			if ((v = snmp_view_get(r->view, want, len)))
				ag_set_value(vb, v);
			else
				netsnmp_set_request_error(reqinfo, req, SNMP_NOSUCHINSTANCE);
			break;
		case MODE_GETNEXT:
			/* Nothing after it here: leave the varbind alone and net-snmp goes on with
			 * the next subtree. */
			if (!(v = snmp_view_next(r->view, want, len, &next, &nlen)))
				break;
			for (i = 0; i < nlen; i++)
				out[i] = next[i];
			snmp_set_var_objid(vb, out, nlen);
			ag_set_value(vb, v);
			break;
		default:
			netsnmp_set_request_error(reqinfo, req, SNMP_ERR_NOTWRITABLE);
			break;
		}
	}
	return SNMP_ERR_NOERROR;
}

/* ---- notifications ------------------------------------------------------------------------ */

int snmp_notify(const uint32_t *trap, size_t trap_len, const struct snmp_varbind *vbs, size_t n)
{
	struct ag_notif *q;
	size_t i;
	int rc = 0;

	if (!trap || !trap_len || trap_len > SNMP_OID_MAX)
		return EINVAL;
	for (i = 0; i < n; i++)
		if (!vbs[i].oid || !vbs[i].oid_len || vbs[i].oid_len > SNMP_OID_MAX)
			return EINVAL;
	if (!(q = calloc(1, sizeof(*q) + n * sizeof(q->vb[0]))))
		return ENOMEM;
	for (i = 0; i < trap_len; i++)
		q->trap[i] = trap[i];
	q->trap_len = trap_len;
	for (i = 0; i < n; i++) {
		size_t k;
		for (k = 0; k < vbs[i].oid_len; k++)
			q->vb[i].name[k] = vbs[i].oid[k];
		q->vb[i].len = vbs[i].oid_len;
		q->vb[i].v = vbs[i].v;
		q->n = i + 1;
		if (vbs[i].v.type == SNMP_T_OCTETS) {
			if (!(q->vb[i].s = malloc(vbs[i].v.len ? vbs[i].v.len : 1))) {
				rc = ENOMEM;
				goto fail;
			}
			memcpy(q->vb[i].s, vbs[i].v.s, vbs[i].v.len);
			q->vb[i].v.s = q->vb[i].s;
		}
	}
	pthread_mutex_lock(&ag.lock);
	if (!ag.started || ag.stop)
		rc = ENOTCONN;
	else if (ag.qlen >= AG_MAX_QUEUE)
		rc = ENOSPC;
	else {
		*ag.qtail = q;
		ag.qtail = &q->next;
		ag.qlen++;
		if (write(ag.wake[1], "n", 1) < 0) {
			/* the pipe is full: the agent thread is awake already */
		}
	}
	pthread_mutex_unlock(&ag.lock);
	if (!rc)
		return 0;
	atomic_fetch_add(&ag.dropped, 1);
fail:
	for (i = 0; i < q->n; i++)
		free(q->vb[i].s);
	free(q);
	return rc;
}

static void ag_send(struct ag_notif *q)
{
	static const oid trap_oid[] = { 1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0 };   /* snmpTrapOID.0 */
	netsnmp_variable_list *vars = NULL;
	size_t i;

	if (!atomic_load(&ag.connected)) {
		atomic_fetch_add(&ag.dropped, 1);
		return;
	}
	snmp_varlist_add_variable(&vars, trap_oid, OID_LENGTH(trap_oid), ASN_OBJECT_ID,
	                          (const u_char *)q->trap, q->trap_len * sizeof(oid));
	for (i = 0; i < q->n; i++) {
		netsnmp_variable_list *v = snmp_varlist_add_variable(&vars, q->vb[i].name, q->vb[i].len,
		                                                     ASN_NULL, NULL, 0);
		if (v)
			ag_set_value(v, &q->vb[i].v);
	}
	send_v2trap(vars);
	snmp_free_varbind(vars);
	atomic_fetch_add(&ag.notifications, 1);
}

/* The wake pipe is readable: send what is queued. */
static void ag_wake(int fd, void *data)
{
	char buf[64];
	struct ag_notif *q;

	while (read(fd, buf, sizeof(buf)) > 0)
		;
	for (;;) {
		pthread_mutex_lock(&ag.lock);
		q = ag.qhead;
		if (q) {
			ag.qhead = q->next;
			if (!ag.qhead)
				ag.qtail = &ag.qhead;
			ag.qlen--;
		}
		pthread_mutex_unlock(&ag.lock);
		if (!q)
			break;
		ag_send(q);
		for (size_t i = 0; i < q->n; i++)
			free(q->vb[i].s);
		free(q);
	}
}

/* ---- the thread ---------------------------------------------------------------------------- */

static int ag_log(int major, int minor, void *serverarg, void *clientarg)
{
	const struct snmp_log_message *m = serverarg;
	char line[512];
	size_t len;

	if (!m || !m->msg)
		return 0;
	snprintf(line, sizeof(line), "%s", m->msg);
	len = strlen(line);
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	/* net-snmp 5.9.3 complains of its own callback lock while closing a subagent session
	 * (snmp_shutdown unregisters callbacks from inside the shutdown callbacks): not ours
	 * to report. */
	if (!len || ag.closing)
		return 0;
	if (m->priority <= LOG_ERR)
		fd_log_error("snmp: %s", line);
	else if (m->priority <= LOG_WARNING)
		fd_log_notice("snmp: %s", line);
	else
		fd_log_debug("snmp: %s", line);
	return 0;
}

static int ag_on_connect(int major, int minor, void *serverarg, void *clientarg)
{
	atomic_store(&ag.connected, true);
	atomic_fetch_add(&ag.connects, 1);
	fd_log_notice("snmp: %s the AgentX master at %s (%zu subtree(s)%s%s)",
	              ag.ever_connected ? "registered again with" : "registered with", ag.socket,
	              ag.nregs, ag.context ? ", context " : "", ag.context ? ag.context : "");
	ag.ever_connected = true;
	ag.said_absent = false;
	return 0;
}

static int ag_on_disconnect(int major, int minor, void *serverarg, void *clientarg)
{
	if (atomic_exchange(&ag.connected, false) && !ag.closing)
		fd_log_notice("snmp: lost the AgentX master at %s; trying again every %u s (Diameter "
		              "service is not affected)", ag.socket, ag.ping);
	return 0;
}

static void ag_tick(unsigned reg, void *data)
{
	size_t i;

	if (!atomic_load(&ag.connected) && !ag.said_absent) {
		fd_log_notice("snmp: no AgentX master at %s; trying every %u s (Diameter service is not "
		              "affected)", ag.socket, ag.ping);
		ag.said_absent = true;
	}
	for (i = 0; i < ag.nticks; i++)
		ag.ticks[i].fn(ag.ticks[i].data);
}

static void ag_register_all(void)
{
	size_t i;

	for (i = 0; i < ag.nregs; i++) {
		struct ag_reg *r = &ag.regs[i];
		netsnmp_handler_registration *reg;
		const uint32_t *root;
		size_t len, k;
		oid o[SNMP_OID_MAX];
		int rc;

		root = snmp_view_root(r->view, &len);
		for (k = 0; k < len; k++)
			o[k] = root[k];
		reg = netsnmp_create_handler_registration(r->name, ag_handler, o, len, HANDLER_CAN_RONLY);
		if (!reg) {
			fd_log_error("snmp: cannot register %s: out of memory", r->name);
			continue;
		}
		reg->handler->myvoid = r;
		if (ag.context)
			reg->contextName = strdup(ag.context);
		if ((rc = netsnmp_register_handler(reg)) != MIB_REGISTERED_OK)
			fd_log_error("snmp: cannot register %s (net-snmp error %d)", r->name, rc);
	}
}

static void *ag_main(void *arg)
{
	/* A subagent, talking to the master at ag.socket; nothing read from or written to the
	 * host's net-snmp files (snmp.conf, persistent state). */
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
	netsnmp_ds_set_string(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_X_SOCKET, ag.socket);
	netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_NO_CONNECTION_WARNINGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	/* Alarms (pings, reconnection) from the select loop, never SIGALRM. */
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_ALARM_DONT_USE_SIG, 1);
	/* The OIDs are numeric: no MIB module to load (a host without the IETF MIBs, Debian's
	 * default, would log a line for each one it lacks). */
	{
		char line[] = "mibs :";
		netsnmp_config_remember(line);
	}

	snmp_disable_log();
	netsnmp_register_loghandler(NETSNMP_LOGHANDLER_CALLBACK, LOG_DEBUG);
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, ag_log, NULL);
	snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_START, ag_on_connect,
	                       NULL);
	snmp_register_callback(SNMP_CALLBACK_APPLICATION, SNMPD_CALLBACK_INDEX_STOP,
	                       ag_on_disconnect, NULL);

	init_agent(ag.app);
	/* After init_agent, which sets net-snmp's default (15 s). */
	netsnmp_ds_set_int(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_AGENTX_PING_INTERVAL,
	                   (int)ag.ping);
	ag_register_all();
	register_readfd(ag.wake[0], ag_wake, NULL);
	snmp_alarm_register(1, SA_REPEAT, ag_tick, NULL);
	init_snmp(ag.app);   /* connects, or schedules the next attempt */

	for (;;) {
		bool stop;

		pthread_mutex_lock(&ag.lock);
		stop = ag.stop;
		pthread_mutex_unlock(&ag.lock);
		if (stop)
			break;
		agent_check_and_process(1);
	}
	unregister_readfd(ag.wake[0]);
	if (atomic_load(&ag.connected))
		fd_log_notice("snmp: closing the AgentX session");
	ag.closing = true;
	snmp_shutdown(ag.app);
	atomic_store(&ag.connected, false);
	return NULL;
}

int snmp_start(const struct snmp_cfg *cfg, const char *app)
{
	int rc = 0;

	if (!cfg || !cfg->agentx_socket || !app)
		return EINVAL;
	pthread_mutex_lock(&ag.lock);
	if (ag.started) {
		rc = EALREADY;
		goto out;
	}
	ag.qtail = &ag.qhead;
	ag.ping = cfg->ping_interval ? cfg->ping_interval : SNMP_DEFAULT_PING;
	if (!(ag.socket = strdup(cfg->agentx_socket)) || !(ag.app = strdup(app)) ||
	    (cfg->context && !(ag.context = strdup(cfg->context)))) {
		rc = ENOMEM;
		goto out;
	}
	if (pipe2(ag.wake, O_CLOEXEC | O_NONBLOCK)) {
		rc = errno;
		goto out;
	}
	if ((rc = pthread_create(&ag.thread, NULL, ag_main, NULL))) {
		close(ag.wake[0]);
		close(ag.wake[1]);
		ag.wake[0] = ag.wake[1] = -1;
		goto out;
	}
	ag.started = true;
	ag.stop = false;
out:
	pthread_mutex_unlock(&ag.lock);
	return rc;
}

void snmp_stop(void)
{
	struct ag_notif *q;
	size_t i;

	pthread_mutex_lock(&ag.lock);
	if (!ag.started || ag.stop) {
		pthread_mutex_unlock(&ag.lock);
		return;
	}
	ag.stop = true;
	if (write(ag.wake[1], "s", 1) < 0) {
		/* full: the thread wakes anyway */
	}
	pthread_mutex_unlock(&ag.lock);
	pthread_join(ag.thread, NULL);
	while ((q = ag.qhead)) {
		ag.qhead = q->next;
		for (i = 0; i < q->n; i++)
			free(q->vb[i].s);
		free(q);
	}
	ag.qtail = &ag.qhead;
	ag.qlen = 0;
	close(ag.wake[0]);
	close(ag.wake[1]);
	ag.wake[0] = ag.wake[1] = -1;
	for (i = 0; i < ag.nregs; i++) {
		snmp_view_free(ag.regs[i].view);
		free(ag.regs[i].name);
	}
	ag.nregs = 0;
	ag.nticks = 0;
	free(ag.socket);
	free(ag.context);
	free(ag.app);
	ag.socket = ag.context = ag.app = NULL;
}

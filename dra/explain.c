/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * explain.c: `dra --explain`. Builds one message from a YAML description, runs the rule set
 * of the configuration on it and shows which rules fired, the message after rewriting and
 * the route / peer group / peer order the relay would use. Nothing is sent: only the
 * dictionary is needed (fd_core_initialize + dictionaries, no fd_core_start).
 *
 * Message file:
 *   direction: request            # or answer (default: from the command's R flag)
 *   from_peer: mme1.example.org   # peer it came from (rules with from_peer)
 *   application: s6a              # name or id (default: the command's application)
 *   command: Authentication-Information-Request
 *   avps:                         # list of one-key maps, in order; grouped = nested list
 *     - Session-Id: "mme1;1;1"
 *     - Destination-Realm: epc.mnc001.mcc001.3gppnetwork.org
 *     - Requested-EUTRAN-Authentication-Info:
 *         - Number-Of-Requested-Vectors: 1
 * Values are in the text form of common/ (cm.h: numbers, constant names, addresses, TBCD
 * digits for MSISDN-like AVPs ...); an OctetString may also be written as hex with a 0x
 * prefix.
 */
#include "dra.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static int set_err(char *err, size_t errlen, const struct cm_ynode *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int set_err(char *err, size_t errlen, const struct cm_ynode *n, const char *fmt, ...)
{
	va_list ap;
	int used;

	if (!err || !errlen)
		return EINVAL;
	used = snprintf(err, errlen, "%s:%d: ", n && n->file ? n->file : "?", n ? n->line : 0);
	if (used < 0 || (size_t)used >= errlen)
		return EINVAL;
	va_start(ap, fmt);
	vsnprintf(err + used, errlen - (size_t)used, fmt, ap);
	va_end(ap);
	return EINVAL;
}

/* "0x" and an even number of hex digits: the raw octets of an OctetString. */
static bool is_hex_octets(const struct cm_avpdef *d, const struct cm_ynode *v)
{
	return d->fmt == CM_VF_OCTETS && !d->text && v->len > 2 && v->str[0] == '0' &&
	       (v->str[1] == 'x' || v->str[1] == 'X') && v->len % 2 == 0;
}

static int add_avps(msg_or_avp *parent, const struct cm_ynode *list, char *err, size_t errlen);

static int add_one(msg_or_avp *parent, const char *name, const struct cm_ynode *v, char *err,
                   size_t errlen)
{
	struct cm_avpdef d;
	struct avp *avp = NULL;
	union avp_value val;
	uint8_t *store = NULL;
	const char *why = NULL;
	size_t storesz;
	int rc;

	if (cm_avpdef_find(name, &d))
		return set_err(err, errlen, v, "unknown AVP %s", name);
	if ((rc = fd_msg_avp_new(d.model, 0, &avp)))
		return rc;
	if (d.fmt == CM_VF_GROUPED) {
		if (v->type == CM_Y_SCALAR) {
			rc = set_err(err, errlen, v, "grouped AVP needs a list of members: %s", name);
			goto fail;
		}
		if ((rc = add_avps(avp, v, err, errlen)))
			goto fail;
		goto add;
	}
	if (v->type != CM_Y_SCALAR) {
		rc = set_err(err, errlen, v, "expected a scalar value for %s", name);
		goto fail;
	}
	storesz = v->len + 18;
	if (!(store = malloc(storesz))) {
		rc = ENOMEM;
		goto fail;
	}
	if (is_hex_octets(&d, v)) {
		val.os.data = store;
		val.os.len = (v->len - 2) / 2;
		if (cm_hex_decode(v->str + 2, store, val.os.len)) {
			rc = set_err(err, errlen, v, "bad hex value: %s", v->str);
			goto fail;
		}
	} else if (cm_avpval_parse(&d, d.tbcd, v->str, v->len, &val, store, storesz, &why)) {
		rc = set_err(err, errlen, v, "value '%s' for %s (%s%s): %s", v->str, name,
		             d.type_name ? d.type_name : cm_avp_basetype_name(d.base),
		             d.tbcd ? ", TBCD" : "", why);
		goto fail;
	}
	if ((rc = fd_msg_avp_setvalue(avp, &val)))   /* copies the octets */
		goto fail;
add:
	if ((rc = fd_msg_avp_add(parent, MSG_BRW_LAST_CHILD, avp)))
		goto fail;
	free(store);
	return 0;
fail:
	free(store);
	fd_msg_free((struct msg *)avp);
	return rc;
}

/* A list of one-key maps (order kept, repeats allowed) or a map. */
static int add_avps(msg_or_avp *parent, const struct cm_ynode *list, char *err, size_t errlen)
{
	const struct cm_ynode *it, *kv;
	int rc;

	for (it = list->child; it; it = it->next) {
		if (list->type == CM_Y_MAP) {
			if ((rc = add_one(parent, it->key, it, err, errlen)))
				return rc;
			continue;
		}
		if (it->type != CM_Y_MAP || !it->child)
			return set_err(err, errlen, it, "each AVP is a one-key map 'Name: value'");
		for (kv = it->child; kv; kv = kv->next)
			if ((rc = add_one(parent, kv->key, kv, err, errlen)))
				return rc;
	}
	return 0;
}

int dra_msg_from_yaml(const struct cm_ynode *root, struct msg **ret, bool *ret_is_req,
                      char **ret_from, char *err, size_t errlen)
{
	const char *cmd_name, *dir, *app, *from;
	const struct cm_ynode *avps;
	struct dict_object *cmd = NULL;
	struct dict_cmd_data cd;
	struct msg *m = NULL;
	struct msg_hdr *hdr;
	bool is_req;
	int rc;

	if (!root || root->type != CM_Y_MAP)
		return set_err(err, errlen, root, "the message file must be a map (command, avps, ...)");
	cmd_name = cm_yget_str(root, "command", NULL);
	if (!cmd_name)
		return set_err(err, errlen, root, "key 'command' is missing");
	if (fd_dict_search(fd_g_config->cnf_dict, DICT_COMMAND, CMD_BY_NAME, cmd_name, &cmd, ENOENT) || !cmd)
		return set_err(err, errlen, cm_ymap_get(root, "command"), "unknown command %s", cmd_name);
	if (fd_dict_getval(cmd, &cd))
		return EINVAL;
	is_req = (cd.cmd_flag_val & CMD_FLAG_REQUEST) != 0;
	dir = cm_yget_str(root, "direction", NULL);
	if (dir && strcmp(dir, "request") && strcmp(dir, "answer"))
		return set_err(err, errlen, cm_ymap_get(root, "direction"),
		               "direction is 'request' or 'answer', not %s", dir);
	if (dir && (!strcmp(dir, "request")) != is_req)
		return set_err(err, errlen, cm_ymap_get(root, "direction"),
		               "direction does not agree with the command: %s", cmd_name);
	if ((rc = fd_msg_new(cmd, MSGFL_ALLOC_ETEID, &m)))
		return rc;
	if ((rc = fd_msg_hdr(m, &hdr)))
		goto fail;
	if ((app = cm_yget_str(root, "application", NULL))) {
		uint32_t id;
		if (dra_app_parse(app, &id)) {
			rc = set_err(err, errlen, cm_ymap_get(root, "application"), "unknown application %s",
			             app);
			goto fail;
		}
		hdr->msg_appl = id;
	}
	if (is_req)
		hdr->msg_flags |= CMD_FLAG_PROXIABLE;
	if ((avps = cm_ymap_get(root, "avps")) && (rc = add_avps(m, avps, err, errlen)))
		goto fail;
	from = cm_yget_str(root, "from_peer", NULL);
	if (from && (rc = fd_msg_source_set(m, (DiamId_t)from, strlen(from))))
		goto fail;
	if (ret_from)
		*ret_from = from ? strdup(from) : NULL;
	*ret_is_req = is_req;
	*ret = m;
	return 0;
fail:
	fd_msg_free(m);
	return rc;
}

static void dump_msg(FILE *out, const char *title, struct msg *m)
{
	struct msg_hdr *h;

	fprintf(out, "%s\n", title);
	if (fd_msg_hdr(m, &h) == 0)
		fprintf(out, "  [command %u, application %u, flags %s%s%s]\n", h->msg_code, h->msg_appl,
		        h->msg_flags & CMD_FLAG_REQUEST ? "R" : "", h->msg_flags & CMD_FLAG_PROXIABLE ? "P" : "",
		        h->msg_flags & CMD_FLAG_ERROR ? "E" : "");
	cm_avps_dump(out, m, 0, 1, NULL);
}

static void explain_route(FILE *out, struct dra_snap *s, struct msg *m, const char *own_id)
{
	struct dra_keys k;
	const struct dra_route *r;
	struct dra_cand c[64];
	size_t i, n;
	int best;

	if (dra_keys_get(m, &k)) {
		fprintf(out, "route: the routing AVPs cannot be read\n");
		return;
	}
	fprintf(out, "routing keys: application %u%s%s, Destination-Realm %.*s, Destination-Host %.*s, "
	        "User-Name %.*s\n", k.app, dra_app_name(k.app) ? " " : "",
	        dra_app_name(k.app) ? dra_app_name(k.app) : "",
	        k.realm ? (int)k.realm_len : 6, k.realm ? (const char *)k.realm : "(none)",
	        k.host ? (int)k.host_len : 6, k.host ? (const char *)k.host : "(none)",
	        k.user ? (int)k.user_len : 6, k.user ? (const char *)k.user : "(none)");
	if (k.host)
		fprintf(out, "note: if Destination-Host %.*s is a connected peer, the request goes to it "
		        "directly; otherwise:\n", (int)k.host_len, (const char *)k.host);
	r = s ? dra_route_find(s->rt, &k) : NULL;
	if (!r) {
		fprintf(out, "route: none -> answered 3002 DIAMETER_UNABLE_TO_DELIVER (Error-Reporting-Host %s)\n",
		        own_id ? own_id : "this DRA");
		return;
	}
	fprintf(out, "route: '%s' (%s:%d)%s\n", r->cfg->name, s->rt->cfg.path ? s->rt->cfg.path : "?",
	        r->cfg->line, r->cfg->is_default ? " [default]" : "");
	if (!r->group) {
		fprintf(out, "  reject -> answered 3002 DIAMETER_UNABLE_TO_DELIVER\n");
		return;
	}
	fprintf(out, "  peer group '%s', policy %s\n", r->group->name,
	        r->group->policy == DRA_POL_FAILOVER ? "failover"
	        : r->group->policy == DRA_POL_ROUND_ROBIN ? "round_robin" : "weighted");
	/* As if every member were connected: show the order for the next request. */
	n = r->group->n_members < 64 ? r->group->n_members : 64;
	for (i = 0; i < n; i++) {
		c[i].id = r->group->members[i];
		c[i].id_len = strlen(c[i].id);
		c[i].usable = true;
	}
	best = dra_group_rank(r->group, c, n, atomic_load(&r->group->seq));
	if (best < 0) {
		fprintf(out, "  no member\n");
		return;
	}
	fprintf(out, "  peers in order (all assumed connected):");
	for (;;) {
		int top = -1;
		for (i = 0; i < n; i++)
			if (c[i].delta > DRA_SCORE_EXCLUDE && (top < 0 || c[i].delta > c[top].delta))
				top = (int)i;
		if (top < 0)
			break;
		fprintf(out, " %s", c[top].id);
		c[top].delta = DRA_SCORE_EXCLUDE;
	}
	fprintf(out, "\n");
}

int dra_explain(const char *cfg_path, const char *msg_path, FILE *out, char *err, size_t errlen)
{
	char cerr[8192];
	struct dra_snap *s = NULL;
	struct dra_cfg cfg;
	struct cm_ydoc *doc = NULL;
	struct msg *m = NULL;
	char *from = NULL, *own_id = NULL;
	bool is_req = true;
	int fired = 0, rc;
	struct xf_trace *trace = NULL;

	cerr[0] = '\0';
	if ((rc = dra_cfg_load(cfg_path, true, &cfg, cerr, sizeof(cerr)))) {
		snprintf(err, errlen, "%s", cerr);
		dra_cfg_free(&cfg);
		return rc;
	}
	if (cfg.diam.identity)
		own_id = strdup(cfg.diam.identity);
	dra_cfg_free(&cfg);
	if ((rc = dra_snap_load(cfg_path, &s, cerr, sizeof(cerr)))) {
		snprintf(err, errlen, "%s", cerr);
		goto out;
	}
	if ((rc = cm_yaml_load_file(msg_path, &doc, err, errlen)))
		goto out;
	if ((rc = dra_msg_from_yaml(doc->root, &m, &is_req, &from, err, errlen)))
		goto out;
	if (own_id) {
		/* Rules that use this node's identity see the configured one. */
		fd_g_config->cnf_diamid = own_id;
		fd_g_config->cnf_diamid_len = strlen(own_id);
	}
	fprintf(out, "message from %s (%s)\n", from ? from : "(local)", is_req ? "request" : "answer");
	dump_msg(out, "before rules:", m);
	if ((rc = xf_trace_new(&trace)))
		goto out;
	rc = dra_rules_apply(s, m, is_req, from, NULL, trace, &fired);
	fprintf(out, "rules fired: %d\n", fired);
	xf_trace_print(trace, out);
	if (rc) {
		fprintf(out, "rule error: %s -> %s\n", strerror(rc),
		        is_req ? "request answered 5012 DIAMETER_UNABLE_TO_COMPLY"
		               : "answer relayed as it stands");
		rc = 0;
	}
	dump_msg(out, "after rules:", m);
	if (is_req)
		explain_route(out, s, m, own_id);
	else
		fprintf(out, "answer: relayed back to the peer the request came from\n");
out:
	xf_trace_free(trace);
	if (m)
		fd_msg_free(m);
	cm_yaml_free(doc);
	dra_snap_unref(s);
	free(from);
	/* own_id stays referenced by fd_g_config in this short-lived process. */
	return rc;
}

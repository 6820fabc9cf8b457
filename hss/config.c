/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * config.c: hss.yaml, checked against a schema (every error names file, line and key) and
 * turned into struct hss_cfg: the `diameter:` node (common/), the `database:`, the `s6a:`
 * policy, the `cx:` and `sh:` policies (cx_config.c, sh_config.c) and the optional control
 * socket.
 */
#include "hss_int.h"

#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const cfg_backends[] = { "sqlite", "mysql", "mongodb", NULL };

static const struct cm_schema cfg_str_item[] = {
	{ .key = "item", .type = CM_S_STR, .min = 1, .max = 64 },
	{ 0 }
};

static const struct cm_schema cfg_db_schema[] = {
	{ "backend", CM_S_STR, 0, 0, 0, NULL, cfg_backends, "database backend (default sqlite)" },
	{ "path", CM_S_STR, 0, 1, 4096, NULL, NULL,
	  "SQLite database file (must exist: `hssctl init` creates it)" },
	{ "uri", CM_S_STR, 0, 1, 4096, NULL, NULL, "backend URI (instead of path)" },
	{ "timeout_ms", CM_S_UINT, 0, 10, 60000, NULL, NULL,
	  "longest wait for the database per operation before answering 5012, ms (default 1000)" },
	{ 0 }
};

static const struct cm_schema cfg_s6a_schema[] = {
	{ "max_vectors", CM_S_UINT, 0, 1, HSS_MAX_VECTORS_CFG, NULL, NULL,
	  "cap on vectors of each kind per AIR (default 5)" },
	{ "home_plmns", CM_S_SEQ, 0, 0, 0, cfg_str_item, NULL, "home PLMNs (MCCMNC)" },
	{ "roaming_partners", CM_S_SEQ, 0, 0, 0, cfg_str_item, NULL,
	  "visited PLMNs allowed for roaming (empty: any)" },
	{ "rat_allowed", CM_S_SEQ, 0, 0, 0, cfg_str_item, NULL, "RAT types allowed (default all)" },
	{ "cancel_old_mme", CM_S_BOOL, 0, 0, 0, NULL, NULL, "send CLR to the previous MME" },
	{ "utran_geran_vectors", CM_S_BOOL, 0, 0, 0, NULL, NULL, "serve UTRAN/GERAN vectors" },
	{ "geran_triplets", CM_S_BOOL, 0, 0, 0, NULL, NULL,
	  "answer UTRAN/GERAN requests with GERAN triplets" },
	{ "clr_timeout_ms", CM_S_UINT, 0, 100, 600000, NULL, NULL,
	  "answer timeout of CLR/IDR/DSR, ms (default 5000)" },
	{ 0 }
};

static const struct cm_schema cfg_schema[] = {
	{ "diameter", CM_S_MAP, CM_S_REQUIRED, 0, 0, cm_diam_schema, NULL, "Diameter node" },
	{ "database", CM_S_MAP, CM_S_REQUIRED, 0, 0, cfg_db_schema, NULL, "subscriber database" },
	{ "s6a", CM_S_MAP, 0, 0, 0, cfg_s6a_schema, NULL, "S6a/S6d policy" },
	{ "ctl_socket", CM_S_STR, 0, 1, 107, NULL, NULL, "control UNIX socket path" },
	{ "ctl_allow_users", CM_S_SEQ, 0, 0, HSS_CTL_MAX_USERS, cfg_str_item, NULL,
	  "users (names or uids) besides root and the HSS's own that may use the control socket" },
	{ "overload", CM_S_MAP, 0, 0, 0, cm_overload_schema, NULL, "admission bound (3004 above it)" },
	{ "snmp", CM_S_MAP, 0, 0, 0, snmp_schema, NULL, "AgentX subagent (needs a restart)" },
	{ "policy", CM_S_MAP, 0, 0, 0, cm_policy_schema, NULL, "peer policy (common/cm.h)" },
	{ "cx", CM_S_MAP, 0, 0, 0, hss_cx_schema, NULL, "Cx/Dx policy (IMS)" },
	{ "sh", CM_S_MAP, 0, 0, 0, hss_sh_schema, NULL, "Sh policy (IMS application servers)" },
	{ 0 }
};

static void cfg_err(char *err, size_t errlen, const struct cm_ynode *n, const char *key,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void cfg_err(char *err, size_t errlen, const struct cm_ynode *n, const char *key,
                    const char *fmt, ...)
{
	va_list ap;
	int k;

	if (!err || !errlen)
		return;
	k = snprintf(err, errlen, "%s:%d: key '%s': ", n && n->file ? n->file : "<config>",
	             n ? n->line : 0, key);
	if (k < 0 || (size_t)k >= errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err + k, errlen - k, fmt, ap);
	va_end(ap);
}

/* A sequence of MCCMNC strings into a fixed table. */
static int cfg_plmns(const struct cm_ynode *seq, const char *key, char (*out)[7], size_t *n,
                     char *err, size_t errlen)
{
	const struct cm_ynode *it;
	uint8_t enc[3];

	*n = 0;
	if (!seq)
		return 0;
	for (it = seq->child; it; it = it->next) {
		if (*n >= HSS_MAX_PLMNS) {
			cfg_err(err, errlen, it, key, "more than %d PLMNs", HSS_MAX_PLMNS);
			return EINVAL;
		}
		if ((it->len != 5 && it->len != 6) || strspn(it->str, "0123456789") != it->len ||
		    cm_plmn_encode(it->str, enc)) {
			cfg_err(err, errlen, it, key, "'%s' is not a PLMN (5 or 6 digits MCCMNC)",
			        it->str);
			return EINVAL;
		}
		memcpy(out[(*n)++], it->str, it->len + 1);
	}
	return 0;
}

static int cfg_rats(const struct cm_ynode *seq, uint32_t *mask, char *err, size_t errlen)
{
	const struct cm_ynode *it;
	int32_t rat;
	int bit;

	if (!seq) {
		*mask = UINT32_MAX;
		return 0;
	}
	*mask = 0;
	for (it = seq->child; it; it = it->next) {
		if ((rat = hss_rat_from_name(it->str)) < 0 || (bit = hss_rat_bit(rat)) < 0) {
			cfg_err(err, errlen, it, "s6a.rat_allowed",
			        "unknown RAT '%s' (utran geran gan hspa eutran nbiot ltem nr wlan "
			        "virtual trusted_wlan trusted_n3ga cdma2000 hrpd umb ehrpd)", it->str);
			return EINVAL;
		}
		*mask |= 1u << bit;
	}
	return 0;
}

/* User names or decimal uids into a table. */
static int cfg_users(const struct cm_ynode *seq, uid_t *out, size_t *n, char *err, size_t errlen)
{
	const struct cm_ynode *it;

	*n = 0;
	if (!seq)
		return 0;
	for (it = seq->child; it; it = it->next) {
		struct passwd pw, *res = NULL;
		char buf[4096];
		uint64_t v = 0;

		if (*n >= HSS_CTL_MAX_USERS) {
			cfg_err(err, errlen, it, "ctl_allow_users", "more than %d users", HSS_CTL_MAX_USERS);
			return EINVAL;
		}
		if (it->len && it->len <= 10 && strspn(it->str, "0123456789") == it->len) {
			for (size_t i = 0; i < it->len; i++)
				v = v * 10 + (uint64_t)(it->str[i] - '0');
			if (v >= UINT32_MAX) {
				cfg_err(err, errlen, it, "ctl_allow_users", "'%s' is not a uid", it->str);
				return EINVAL;
			}
			out[(*n)++] = (uid_t)v;
			continue;
		}
		if (getpwnam_r(it->str, &pw, buf, sizeof(buf), &res) || !res) {
			cfg_err(err, errlen, it, "ctl_allow_users", "unknown user '%s'", it->str);
			return EINVAL;
		}
		out[(*n)++] = res->pw_uid;
	}
	return 0;
}

static char *cfg_strdup(const char *s, int *rc)
{
	char *d;

	if (!s)
		return NULL;
	if (!(d = strdup(s)))
		*rc = ENOMEM;
	return d;
}

/* The HSS is an end point: NoRelay makes freeDiameter answer requests no handler took with
 * DIAMETER_COMMAND_UNSUPPORTED instead of trying to forward them. */
static int cfg_add_norelay(struct cm_diam_cfg *d)
{
	static const char norelay[] = "NoRelay;\n";
	size_t old = d->fd_conf ? strlen(d->fd_conf) : 0;
	char *s = malloc(sizeof(norelay) + old);

	if (!s)
		return ENOMEM;
	memcpy(s, norelay, sizeof(norelay));
	if (old)
		memcpy(s + sizeof(norelay) - 1, d->fd_conf, old + 1);
	free(d->fd_conf);
	d->fd_conf = s;
	return 0;
}

static int cfg_from_doc(struct cm_ydoc *doc, struct hss_cfg *cfg, char *err, size_t errlen)
{
	const struct cm_ynode *root = doc->root, *db, *s6a, *n;
	int rc = 0;

	if (!root) {
		snprintf(err, errlen, "%s: empty configuration", doc->file ? doc->file : "<config>");
		return EINVAL;
	}
	if ((rc = cm_schema_check(root, cfg_schema, err, errlen)))
		return rc;
	if ((rc = cm_diam_cfg_parse(cm_ymap_get(root, "diameter"), &cfg->diam, err, errlen)))
		return rc;
	if ((rc = cfg_add_norelay(&cfg->diam)))
		return rc;

	db = cm_ymap_get(root, "database");
	cfg->db_backend = cfg_strdup(cm_yget_str(db, "backend", "sqlite"), &rc);
	if (cm_ymap_get(db, "path") && cm_ymap_get(db, "uri")) {
		cfg_err(err, errlen, cm_ymap_get(db, "uri"), "database.uri",
		        "give either path or uri, not both");
		return EINVAL;
	}
	n = cm_ymap_get(db, "path");
	if (!n)
		n = cm_ymap_get(db, "uri");
	if (!n) {
		cfg_err(err, errlen, db, "database", "'path' (or 'uri') is required");
		return EINVAL;
	}
	cfg->db_uri = cfg_strdup(n->str, &rc);
	cfg->db_timeout_ms = (unsigned)cm_yget_u64(db, "timeout_ms", HSS_DB_TIMEOUT_DEFAULT_MS);

	s6a = cm_ymap_get(root, "s6a");
	cfg->max_vectors = (unsigned)cm_yget_u64(s6a, "max_vectors", 5);
	cfg->cancel_old_mme = cm_yget_bool(s6a, "cancel_old_mme", true);
	cfg->utran_geran_vectors = cm_yget_bool(s6a, "utran_geran_vectors", true);
	cfg->geran_triplets = cm_yget_bool(s6a, "geran_triplets", false);
	cfg->clr_timeout_ms = (unsigned)cm_yget_u64(s6a, "clr_timeout_ms", 5000);
	if (rc ||
	    (rc = cfg_plmns(cm_ymap_get(s6a, "home_plmns"), "s6a.home_plmns", cfg->home_plmns,
	                    &cfg->n_home_plmns, err, errlen)) ||
	    (rc = cfg_plmns(cm_ymap_get(s6a, "roaming_partners"), "s6a.roaming_partners",
	                    cfg->roaming_partners, &cfg->n_roaming_partners, err, errlen)) ||
	    (rc = cfg_rats(cm_ymap_get(s6a, "rat_allowed"), &cfg->rat_allowed_mask, err, errlen)))
		return rc;
	if ((rc = cfg_users(cm_ymap_get(root, "ctl_allow_users"), cfg->ctl_allow, &cfg->n_ctl_allow,
	                    err, errlen)) ||
	    (rc = cm_overload_cfg_parse(cm_ymap_get(root, "overload"), HSS_MAX_PENDING_DEFAULT,
	                                &cfg->overload, err, errlen)))
		return rc;
	if ((rc = hss_cx_cfg_parse(cm_ymap_get(root, "cx"), cfg->diam.realm, &cfg->cx, err, errlen)) ||
	    (rc = hss_sh_cfg_parse(cm_ymap_get(root, "sh"), &cfg->sh, err, errlen)))
		return rc;
	if ((rc = cm_policy_parse(cm_ymap_get(root, "policy"), &cfg->policy, err, errlen)))
		return rc;
	cfg->ctl_socket = cfg_strdup(cm_yget_str(root, "ctl_socket", NULL), &rc);
	if (!rc && snmp_cfg_parse(cm_ymap_get(root, "snmp"), &cfg->snmp, err, errlen))
		rc = ENOMEM;
	cfg->source = cfg_strdup(doc->file, &rc);
	if (rc == ENOMEM)
		snprintf(err, errlen, "out of memory");
	return rc;
}

int hss_cfg_load_buf(const char *name, const char *buf, size_t len, struct hss_cfg *cfg,
                     char *err, size_t errlen)
{
	struct cm_ydoc *doc = NULL;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if ((rc = cm_yaml_load_buf(name, buf, len, &doc, err, errlen)))
		return rc;
	rc = cfg_from_doc(doc, cfg, err, errlen);
	cm_yaml_free(doc);
	if (rc)
		hss_cfg_free(cfg);
	return rc;
}

int hss_cfg_load(const char *path, struct hss_cfg *cfg, char *err, size_t errlen)
{
	struct cm_ydoc *doc = NULL;
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	if ((rc = cm_yaml_load_file(path, &doc, err, errlen)))
		return rc;
	rc = cfg_from_doc(doc, cfg, err, errlen);
	cm_yaml_free(doc);
	if (rc)
		hss_cfg_free(cfg);
	return rc;
}

void hss_cfg_free(struct hss_cfg *cfg)
{
	if (!cfg)
		return;
	cm_diam_cfg_free(&cfg->diam);
	free(cfg->db_backend);
	free(cfg->db_uri);
	free(cfg->ctl_socket);
	snmp_cfg_free(&cfg->snmp);
	free(cfg->source);
	hss_cx_cfg_free(&cfg->cx);
	hss_sh_cfg_free(&cfg->sh);
	cm_policy_unref(cfg->policy);
	memset(cfg, 0, sizeof(*cfg));
}

/* ---- RAT types ------------------------------------------------------------------------ */

/* TS 29.212 5.3.31 values, the bit used in rat_allowed_mask, and the Access-Restriction-Data
 * bit (TS 29.272 7.3.31) that forbids the RAT for a subscriber. */
static const struct {
	const char *name;
	int32_t value;
	int ard_bit;
} cfg_rat[] = {
	{ "wlan", 0, -1 },
	{ "virtual", 1, -1 },
	{ "trusted_n3ga", 2, -1 },
	{ "trusted_wlan", 3, -1 },
	{ "utran", 1000, 0 },
	{ "geran", 1001, 1 },
	{ "gan", 1002, 2 },
	{ "hspa", 1003, 3 },
	{ "eutran", 1004, 4 },
	{ "nbiot", 1005, 6 },
	{ "nr", 1006, 10 },
	{ "ltem", 1007, 11 },
	{ "cdma2000", 2000, -1 },
	{ "hrpd", 2001, -1 },
	{ "umb", 2002, -1 },
	{ "ehrpd", 2003, -1 },
};

#define CFG_N_RAT (sizeof(cfg_rat) / sizeof(cfg_rat[0]))

int hss_rat_bit(int32_t rat_type)
{
	size_t i;

	for (i = 0; i < CFG_N_RAT; i++)
		if (cfg_rat[i].value == rat_type)
			return (int)i;
	return -1;
}

int32_t hss_rat_from_name(const char *name)
{
	size_t i;

	if (!name)
		return -1;
	for (i = 0; i < CFG_N_RAT; i++)
		if (!strcasecmp(cfg_rat[i].name, name))
			return cfg_rat[i].value;
	/* Also the spec spellings people copy from the RAT-Type enumeration. */
	if (!strcasecmp(name, "e-utran"))
		return 1004;
	if (!strcasecmp(name, "eutran-nb-iot") || !strcasecmp(name, "nb-iot"))
		return 1005;
	if (!strcasecmp(name, "lte-m"))
		return 1007;
	if (!strcasecmp(name, "hspa_evolution"))
		return 1003;
	return -1;
}

const char *hss_rat_name(int32_t rat_type)
{
	int b = hss_rat_bit(rat_type);

	return b < 0 ? "?" : cfg_rat[b].name;
}

int hss_rat_ard_bit(int32_t rat_type)
{
	int b = hss_rat_bit(rat_type);

	return b < 0 ? -1 : cfg_rat[b].ard_bit;
}

bool hss_plmn_is_home(const struct hss_cfg *cfg, const char *imsi, const char *mccmnc)
{
	size_t i, l = strlen(mccmnc);

	if (!cfg->n_home_plmns)
		return l >= 5 && !strncmp(imsi, mccmnc, l);
	for (i = 0; i < cfg->n_home_plmns; i++)
		if (!strcmp(cfg->home_plmns[i], mccmnc))
			return true;
	return false;
}

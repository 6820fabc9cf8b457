/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * req.c: the part of every request that does not depend on the command: header, Session-Id,
 * Vendor-Specific-Application-Id, Auth-Session-State, Origin and Destination AVPs, in the
 * order the 3GPP ABNFs list them; then the application file adds its AVPs and the --avp
 * specs are appended. Load mode calls the same function for every request.
 */
#include "dclient.h"

#include <errno.h>
#include <string.h>

struct dc_cmd_def {
	enum dc_cmd cmd;
	const char *name;
	uint32_t app;
};

static const struct dc_cmd_def dc_cmd_defs[] = {
	{ DC_AIR, "Authentication-Information-Request", DC_APP_S6A },
	{ DC_ULR, "Update-Location-Request", DC_APP_S6A },
	{ DC_PUR, "Purge-UE-Request", DC_APP_S6A },
	{ DC_NOR, "Notify-Request", DC_APP_S6A },
	{ DC_UAR, "User-Authorization-Request", DC_APP_CX },
	{ DC_MAR, "Multimedia-Auth-Request", DC_APP_CX },
	{ DC_SAR, "Server-Assignment-Request", DC_APP_CX },
	{ DC_LIR, "Location-Info-Request", DC_APP_CX },
	{ DC_UDR, "User-Data-Request", DC_APP_SH },
	{ DC_PUR_SH, "Profile-Update-Request", DC_APP_SH },
	{ DC_SNR, "Subscribe-Notifications-Request", DC_APP_SH },
};

int dc_subst(const char *tmpl, const char *imsi, char *out, size_t outsz)
{
	size_t o = 0;
	for (const char *p = tmpl; *p;) {
		if (imsi && !strncmp(p, "{imsi}", 6)) {
			size_t l = strlen(imsi);
			if (o + l >= outsz)
				return ENOSPC;
			memcpy(out + o, imsi, l);
			o += l;
			p += 6;
			continue;
		}
		if (o + 1 >= outsz)
			return ENOSPC;
		out[o++] = *p++;
	}
	out[o] = 0;
	return 0;
}

/* An unknown command code is defined in our own dictionary (request and answer, no
 * rules): the peer still sees an unknown command, and its answer can be parsed here.
 * (freeDiameter 1.2.1 aborts on an answer whose command it does not know.) */
static int dc_raw_cmd(command_code_t code, struct dict_object **ret)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	struct dictionary *dict = fd_g_config->cnf_dict;
	struct dict_object *req = NULL, *ans = NULL;
	char rname[64], aname[64];
	int rc = 0;

	pthread_mutex_lock(&lock);
	if (!fd_dict_search(dict, DICT_COMMAND, CMD_BY_CODE_R, &code, &req, ENOENT) && req)
		goto out;
	snprintf(rname, sizeof(rname), "dclient-raw-%u-Request", code);
	snprintf(aname, sizeof(aname), "dclient-raw-%u-Answer", code);
	struct dict_cmd_data rd = { .cmd_code = code, .cmd_name = rname,
		.cmd_flag_mask = CMD_FLAG_REQUEST, .cmd_flag_val = CMD_FLAG_REQUEST };
	struct dict_cmd_data ad = { .cmd_code = code, .cmd_name = aname,
		.cmd_flag_mask = CMD_FLAG_REQUEST, .cmd_flag_val = 0 };
	if ((rc = fd_dict_new(dict, DICT_COMMAND, &rd, NULL, &req)))
		goto out;
	if (fd_dict_search(dict, DICT_COMMAND, CMD_BY_CODE_A, &code, &ans, ENOENT) || !ans)
		rc = fd_dict_new(dict, DICT_COMMAND, &ad, NULL, &ans);
out:
	pthread_mutex_unlock(&lock);
	if (rc)
		fprintf(stderr, "dclient: cannot define command %u: %s\n", code, strerror(rc));
	else
		*ret = req;
	return rc;
}

int dc_req_user_name(struct msg *m, const char *s)
{
	return cm_avp_add_str(m, "User-Name", s);
}

int dc_req_build(const struct dc_opts *o, const char *imsi, struct msg **ret_msg)
{
	struct dict_object *model = NULL;
	struct msg *m = NULL;
	struct msg_hdr *mh;
	uint32_t app = o->app_id;
	const char *cname = NULL;
	int rc;

	for (size_t i = 0; i < sizeof(dc_cmd_defs) / sizeof(dc_cmd_defs[0]); i++)
		if (dc_cmd_defs[i].cmd == o->cmd) {
			cname = dc_cmd_defs[i].name;
			app = dc_cmd_defs[i].app;
		}
	if (cname) {
		if (!(model = cm_dict_cmd(cname))) {
			fprintf(stderr, "dclient: the dictionary has no command %s\n", cname);
			return ENOENT;
		}
	} else if (o->cmd == DC_RAW) {
		command_code_t code = o->cmd_code;
		if (fd_dict_search(fd_g_config->cnf_dict, DICT_COMMAND, CMD_BY_CODE_R, &code, &model, ENOENT) ||
		    !model) {
			if ((rc = dc_raw_cmd(code, &model)))
				return rc;
		}
	} else {
		return EINVAL;
	}
	if ((rc = fd_msg_new(model, MSGFL_ALLOC_ETEID, &m)))
		goto out;
	if ((rc = fd_msg_hdr(m, &mh)))
		goto out;
	mh->msg_appl = app;
	if (o->cmd == DC_RAW)
		mh->msg_flags |= CMD_FLAG_PROXIABLE;
	if (o->not_proxiable)
		mh->msg_flags &= (uint8_t)~CMD_FLAG_PROXIABLE;

	if (!o->no_session_id && (rc = fd_msg_new_session(m, NULL, 0)))
		goto out;
	if (!o->no_vsai && (rc = cm_avp_add_vsai(m, DC_VENDOR_3GPP, app)))
		goto out;
	if (!o->no_auth_session_state && (rc = cm_avp_add_i32(m, "Auth-Session-State", 1)))
		goto out;
	if (!o->no_origin && (rc = fd_msg_add_origin(m, 0)))
		goto out;
	if (o->dest_host && (rc = cm_avp_add_str(m, "Destination-Host", o->dest_host)))
		goto out;
	if (!o->no_dest_realm && (rc = cm_avp_add_str(m, "Destination-Realm", o->dest_realm)))
		goto out;

	switch (o->cmd) {
	case DC_AIR: case DC_ULR: case DC_PUR: case DC_NOR:
		rc = dc_s6a_fill(o, imsi, m);
		break;
	case DC_UAR: case DC_MAR: case DC_SAR: case DC_LIR:
		rc = dc_cx_fill(o, imsi, m);
		break;
	case DC_UDR: case DC_PUR_SH: case DC_SNR:
		rc = dc_sh_fill(o, imsi, m);
		break;
	default:
		break;
	}
	if (rc) {
		fprintf(stderr, "dclient: cannot build %s: %s\n", dc_cmd_name(o->cmd), strerror(rc));
		goto out;
	}
	for (size_t i = 0; i < o->n_avps; i++) {
		char err[256];
		if ((rc = dc_raw_add(m, o->avps[i], err, sizeof(err)))) {
			fprintf(stderr, "dclient: --avp '%s': %s\n", o->avps[i], err);
			goto out;
		}
	}
	*ret_msg = m;
	m = NULL;
out:
	if (m)
		fd_msg_free(m);
	return rc;
}

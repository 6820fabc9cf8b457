/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * echo.c: a server node that answers every request of the applications it advertises with
 * DIAMETER_SUCCESS and nothing else (Session-Id, Vendor-Specific-Application-Id,
 * Result-Code, Auth-Session-State, Origin-Host, Origin-Realm). It is the ceiling for
 * benchmarks and a stand-in server behind a DRA; its Origin-Host tells tests which server
 * answered.
 */
#include "dclient.h"

#include <string.h>

int dc_answer_2001(struct msg **pmsg)
{
	return dc_answer_result(pmsg, 2001, false);
}

int dc_answer_result(struct msg **pmsg, uint32_t code, bool exp)
{
	uint32_t vendor = DC_VENDOR_3GPP, app = 0;
	struct msg_hdr *mh;
	struct avp *vsai;
	int rc;

	if ((rc = fd_msg_hdr(*pmsg, &mh)))
		return rc;
	app = mh->msg_appl;
	if ((vsai = cm_avp_find(*pmsg, "Vendor-Specific-Application-Id"))) {
		union avp_value *v = cm_avp_value(cm_avp_find(vsai, "Vendor-Id"));
		union avp_value *a = cm_avp_value(cm_avp_find(vsai, "Auth-Application-Id"));
		if (v)
			vendor = v->u32;
		if (a)
			app = a->u32;
	}
	if ((rc = cm_answer_new(pmsg, 0)))
		return rc;
	if ((rc = cm_avp_add_vsai(*pmsg, vendor, app)) ||
	    (rc = exp ? cm_avp_add_exp_result(*pmsg, DC_VENDOR_3GPP, code)
	              : cm_avp_add_u32(*pmsg, "Result-Code", code)) ||
	    (rc = cm_avp_add_i32(*pmsg, "Auth-Session-State", 1)) || (rc = fd_msg_add_origin(*pmsg, 0)))
		return rc;
	return 0;
}

static bool dc_echo_verbose;

static int dc_echo_cb(struct msg **pmsg, struct avp *avp, struct session *sess, void *opaque,
                      enum disp_action *act)
{
	struct msg_hdr *mh;
	if (fd_msg_hdr(*pmsg, &mh) || !(mh->msg_flags & CMD_FLAG_REQUEST))
		return 0;
	if (dc_echo_verbose)
		dc_print_msg(stderr, *pmsg, "request", false, -1);
	int rc = dc_answer_2001(pmsg);
	if (rc)
		return rc;
	*act = DISP_ACT_SEND;
	return 0;
}

int dc_echo(const struct dc_opts *o)
{
	static const uint32_t apps[] = { DC_APP_S6A, DC_APP_CX, DC_APP_SH };
	int rc;

	dc_echo_verbose = o->verbose > 0;
	if (dc_node_start(o))
		goto fail;
	/* Handlers for every application we know: the core itself refuses the ones not
	 * advertised (--apps) with DIAMETER_APPLICATION_UNSUPPORTED. */
	for (size_t i = 0; i < sizeof(apps) / sizeof(apps[0]); i++) {
		struct disp_when when = { .app = cm_dict_app(apps[i]) };
		if (!when.app)
			continue;
		if ((rc = fd_disp_register(dc_echo_cb, DISP_HOW_APPID, &when, NULL, NULL))) {
			fprintf(stderr, "dclient: cannot register the echo handler: %s\n", strerror(rc));
			goto fail;
		}
	}
	if (dc_node_wait_peer(o))
		goto fail;
	fprintf(stderr, "dclient: echo %s (realm %s) listening on %s:%u\n", o->identity, o->realm, o->listen,
	        o->port);
	rc = cm_diam_run(NULL, NULL);
	dc_node_stop(rc ? DC_EXIT_NOANS : DC_EXIT_OK);
	return rc ? DC_EXIT_NOANS : DC_EXIT_OK;
fail:
	dc_node_stop(DC_EXIT_NOANS);
	return DC_EXIT_NOANS;
}

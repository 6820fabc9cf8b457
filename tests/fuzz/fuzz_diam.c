/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_diam.c: libFuzzer target for Diameter messages as an endpoint (HSS, dclient) sees
 * them: raw octets -> fd_msg_parse_buffer -> fd_msg_parse_dict -> fd_msg_parse_rules with
 * our S6a/Cx/Sh dictionaries, then what the handlers do with a parsed request (look up
 * AVPs with cm_avp_find, decode PLMN ids and TBCD numbers with common/'s codecs, read the
 * result codes), a full tree dump, and re-encoding. With dclient linked in, its decoder
 * (the JSON printer every test reads) runs on the message too.
 *
 * Any input must be refused or processed without a crash, a sanitizer report or a leak.
 */
#include "dclient.h"
#include "fz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The codecs the HSS and the DRA apply to wire values, on every OctetString of the message. */
static void fm_codecs(struct avp *a)
{
	struct dict_object *model = NULL;
	struct dict_avp_data ad;
	union avp_value *v = cm_avp_value(a);
	char out[64];

	if (!v || fd_msg_model(a, &model) || !model || fd_dict_getval(model, &ad))
		return;
	if (ad.avp_basetype != AVP_TYPE_OCTETSTRING || (!v->os.data && v->os.len))
		return;
	(void)cm_tbcd_decode(v->os.data, v->os.len, out, sizeof(out));
	if (v->os.len == 3)
		(void)cm_plmn_decode(v->os.data, out);
}

/* Every AVP, depth first, as a handler reaching into groups would. */
static void fm_walk(msg_or_avp *parent, int depth)
{
	struct avp *a = NULL;

	if (depth > 16 || fd_msg_browse(parent, MSG_BRW_FIRST_CHILD, &a, NULL))
		return;
	while (a) {
		struct avp_hdr *h = NULL;
		if (fd_msg_avp_hdr(a, &h) == 0) {
			if (h->avp_value)
				fm_codecs(a);
			else
				fm_walk(a, depth + 1);   /* grouped (or unknown: no children) */
		}
		if (fd_msg_browse(a, MSG_BRW_NEXT, &a, NULL))
			break;
	}
}

/* What the S6a handlers read first. */
static void fm_handler_reads(struct msg *m)
{
	static const char *const top[] = { "User-Name", "Visited-PLMN-Id", "Origin-Host",
		"Origin-Realm", "Destination-Host", "RAT-Type", "ULR-Flags", "MSISDN",
		"Result-Code", "Public-Identity", "User-Identity", NULL };
	static const char *const groups[] = { "Requested-EUTRAN-Authentication-Info",
		"Requested-UTRAN-GERAN-Authentication-Info", "Experimental-Result",
		"Subscription-Data", "Authentication-Info", NULL };
	static const char *const inner[] = { "Number-Of-Requested-Vectors",
		"Re-Synchronization-Info", "Immediate-Response-Preferred",
		"Experimental-Result-Code", "MSISDN", "E-UTRAN-Vector", NULL };
	char out[64];

	for (size_t i = 0; top[i]; i++) {
		struct avp *a = cm_avp_find(m, top[i]);
		union avp_value *v = a ? cm_avp_value(a) : NULL;
		if (v && !strcmp(top[i], "Visited-PLMN-Id") && v->os.len == 3)
			(void)cm_plmn_decode(v->os.data, out);
	}
	for (size_t i = 0; groups[i]; i++) {
		struct avp *g = cm_avp_find(m, groups[i]);
		for (size_t j = 0; g && inner[j]; j++) {
			struct avp *a = cm_avp_find(g, inner[j]);
			if (a)
				(void)cm_avp_value(a);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msg *m = NULL, *m2 = NULL;
	struct fd_pei pei;
	uint8_t *buf = NULL;
	size_t len = 0;
	char *dump = NULL;
	size_t dlen = 0;

	fz_init();
	if (fz_msg_parse(data, size, &m))
		return 0;
	memset(&pei, 0, sizeof(pei));
	if (fd_msg_parse_dict(m, fd_g_config->cnf_dict, &pei) == 0) {
		memset(&pei, 0, sizeof(pei));
		(void)fd_msg_parse_rules(m, fd_g_config->cnf_dict, &pei);
	}
	/* The caller owns an AVP the parser made up to describe the error. */
	if (pei.pei_avp_free && pei.pei_avp)
		fd_msg_free(pei.pei_avp);
	fm_handler_reads(m);
	fm_walk(m, 0);
	if (fd_msg_dump_treeview(&dump, &dlen, NULL, m, fd_g_config->cnf_dict, 1, 1))
		free(dump);
	{
		FILE *null = fopen("/dev/null", "w");
		struct dc_result r;
		if (null) {
			dc_print_msg(null, m, "answer", true, 0);
			dc_print_msg(null, m, "request", false, 0);
			fclose(null);
		}
		memset(&r, 0, sizeof(r));
		dc_msg_result(m, &r);
	}
	/* What the node would send back on: re-encode and read it again. */
	if (fd_msg_bufferize(m, &buf, &len) == 0) {
		if (fd_msg_parse_buffer(&buf, len, &m2) == 0)
			fd_msg_free(m2);
		else
			free(buf);
	}
	fd_msg_free(m);
	return 0;
}

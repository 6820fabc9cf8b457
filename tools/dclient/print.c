/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * print.c: print a received Diameter message (answer, or request from the peer) as an
 * indented text tree or one JSON line. The JSON form is what tests read: result_code,
 * experimental_result {vendor, code} and the AVP tree of common/'s dump (cm_avps_dump:
 * order and repetitions kept, name, code, vendor, flags and decoded value).
 */
#include "dclient.h"

#include <string.h>

pthread_mutex_t dc_out_lock = PTHREAD_MUTEX_INITIALIZER;

#define DC_AVP_RESULT_CODE 268u
#define DC_AVP_EXP_RESULT 297u
#define DC_AVP_EXP_RESULT_CODE 298u
#define DC_AVP_VENDOR_ID 266u

void dc_msg_result(struct msg *m, struct dc_result *r)
{
	struct avp *a = NULL;
	r->result_code = r->exp_vendor = r->exp_code = -1;
	if (fd_msg_browse(m, MSG_BRW_FIRST_CHILD, &a, NULL))
		return;
	for (; a; fd_msg_browse(a, MSG_BRW_NEXT, &a, NULL)) {
		struct avp_hdr *h;
		if (fd_msg_avp_hdr(a, &h) || (h->avp_flags & AVP_FLAG_VENDOR && h->avp_vendor))
			continue;
		if (h->avp_code == DC_AVP_RESULT_CODE && h->avp_value) {
			r->result_code = h->avp_value->u32;
		} else if (h->avp_code == DC_AVP_EXP_RESULT) {
			struct avp *c = NULL;
			fd_msg_browse(a, MSG_BRW_FIRST_CHILD, &c, NULL);
			for (; c; fd_msg_browse(c, MSG_BRW_NEXT, &c, NULL)) {
				struct avp_hdr *ch;
				if (fd_msg_avp_hdr(c, &ch) || !ch->avp_value)
					continue;
				if (ch->avp_code == DC_AVP_EXP_RESULT_CODE)
					r->exp_code = ch->avp_value->u32;
				else if (ch->avp_code == DC_AVP_VENDOR_ID)
					r->exp_vendor = ch->avp_value->u32;
			}
		}
	}
}

const char *dc_rescode_name(uint32_t code)
{
	struct cm_avpdef d;
	union avp_value v;

	if (cm_avpdef_find("Result-Code", &d))
		return NULL;
	v.u32 = code;
	return cm_avpval_enum_name(&d, &v);
}

/* On reception freeDiameter appends a Route-Record naming the peer the message came from
 * (fd_msg_source_setrr), answers included. It was not on the wire: not printed. */
static struct avp *dc_local_rr(struct msg *m)
{
	DiamId_t src = NULL;
	size_t srclen = 0;
	struct avp *last = NULL;
	struct avp_hdr *h;
	if (fd_msg_source_get(m, &src, &srclen) || !src ||
	    fd_msg_browse(m, MSG_BRW_LAST_CHILD, &last, NULL) || !last || fd_msg_avp_hdr(last, &h))
		return NULL;
	if (h->avp_code != 282 || (h->avp_flags & AVP_FLAG_VENDOR) || !h->avp_value ||
	    h->avp_value->os.len != srclen || memcmp(h->avp_value->os.data, src, srclen))
		return NULL;
	return last;
}

void dc_print_msg(FILE *f, struct msg *m, const char *kind, bool json, int64_t latency_us)
{
	struct msg_hdr *mh;
	struct dc_result r;
	if (fd_msg_hdr(m, &mh))
		return;
	struct avp *skip = dc_local_rr(m);
	dc_msg_result(m, &r);
	const char *cname = cm_msg_cmd_name(m);
	char fl[8];
	size_t i = 0;
	if (mh->msg_flags & CMD_FLAG_REQUEST)
		fl[i++] = 'R';
	if (mh->msg_flags & CMD_FLAG_PROXIABLE)
		fl[i++] = 'P';
	if (mh->msg_flags & CMD_FLAG_ERROR)
		fl[i++] = 'E';
	if (mh->msg_flags & CMD_FLAG_RETRANSMIT)
		fl[i++] = 'T';
	fl[i] = 0;

	pthread_mutex_lock(&dc_out_lock);
	if (json) {
		fprintf(f, "{\"kind\":\"%s\",\"command\":", kind);
		if (cname)
			cm_json_str(f, cname, strlen(cname));
		else
			fputs("null", f);
		fprintf(f, ",\"code\":%u,\"app\":%u,\"flags\":\"%s\",\"hbh\":%u,\"e2e\":%u", mh->msg_code,
		        mh->msg_appl, fl, mh->msg_hbhid, mh->msg_eteid);
		if (r.result_code >= 0) {
			const char *rn = dc_rescode_name((uint32_t)r.result_code);
			fprintf(f, ",\"result_code\":%lld,\"result\":", (long long)r.result_code);
			if (rn)
				cm_json_str(f, rn, strlen(rn));
			else
				fputs("null", f);
		} else {
			fputs(",\"result_code\":null,\"result\":null", f);
		}
		if (r.exp_code >= 0)
			fprintf(f, ",\"experimental_result\":{\"vendor\":%lld,\"code\":%lld}", (long long)r.exp_vendor,
			        (long long)r.exp_code);
		else
			fputs(",\"experimental_result\":null", f);
		if (latency_us >= 0)
			fprintf(f, ",\"latency_us\":%lld", (long long)latency_us);
		fputs(",\"avps\":", f);
		cm_avps_dump(f, m, CM_DUMP_JSON, 0, skip);
		fputs("}\n", f);
	} else {
		fprintf(f, "%s %s (%u, app %u, flags %s)", kind, cname ? cname : "UNKNOWN-COMMAND", mh->msg_code,
		        mh->msg_appl, fl[0] ? fl : "-");
		if (r.result_code >= 0) {
			const char *rn = dc_rescode_name((uint32_t)r.result_code);
			fprintf(f, " Result-Code %lld%s%s", (long long)r.result_code, rn ? " " : "", rn ? rn : "");
		}
		if (r.exp_code >= 0)
			fprintf(f, " Experimental-Result %lld (vendor %lld)", (long long)r.exp_code,
			        (long long)r.exp_vendor);
		if (latency_us >= 0)
			fprintf(f, ", %lld us", (long long)latency_us);
		fputc('\n', f);
		cm_avps_dump(f, m, CM_DUMP_CODES, 1, skip);
	}
	fflush(f);
	pthread_mutex_unlock(&dc_out_lock);
}

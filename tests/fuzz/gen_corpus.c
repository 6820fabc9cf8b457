/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gen_corpus.c: writes the seed corpus of the Diameter fuzz targets: one encoded message
 * per request and answer command of the S6a, Cx and Sh applications in our dictionaries,
 * built from the dictionary rules themselves (every required AVP, and each optional one
 * once, grouped AVPs filled the same way down to a depth limit), with plausible values
 * (an IMSI in User-Name, a PLMN id in Visited-PLMN-Id, TBCD digits in MSISDN...).
 *
 *   gen_corpus OUTDIR      writes OUTDIR/<Command-Name>.bin
 *
 * The committed corpus (tests/fuzz/corpus/diam) was produced this way.
 */
#include "fz.h"
#include "dict.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GC_MAX_DEPTH 4

static int gc_fill(msg_or_avp *parent, struct dict_object *model, int depth);

/* A value of the AVP's type; names the handlers read get realistic content. */
static int gc_value(struct dict_object *model, const struct dict_avp_data *ad, struct avp *a)
{
	static const uint8_t addr[] = { 0, 1, 127, 0, 0, 1 };
	static const uint8_t plmn[] = { 0x00, 0xf1, 0x10 };
	static const uint8_t msisdn[] = { 0x33, 0x06, 0x00, 0x00, 0x00, 0xf1 };
	struct dict_object *type = NULL;
	struct dict_type_data td;
	union avp_value v;
	const char *tn = NULL;
	const char *s = "x";

	memset(&v, 0, sizeof(v));
	if (fd_dict_search(fd_g_config->cnf_dict, DICT_TYPE, TYPE_OF_AVP, model, &type, ENOENT) == 0 &&
	    type && fd_dict_getval(type, &td) == 0)
		tn = td.type_name;
	switch (ad->avp_basetype) {
	case AVP_TYPE_OCTETSTRING:
		if (!strcmp(ad->avp_name, "User-Name"))
			s = "001010000000001";
		else if (!strcmp(ad->avp_name, "Session-Id"))
			s = "mme1.example.org;1;1";
		else if (strstr(ad->avp_name, "Host"))
			s = "mme1.example.org";
		else if (strstr(ad->avp_name, "Realm"))
			s = "example.org";
		if (strstr(ad->avp_name, "PLMN-Id")) {
			v.os.data = (uint8_t *)plmn;
			v.os.len = sizeof(plmn);
		} else if (strstr(ad->avp_name, "MSISDN")) {
			v.os.data = (uint8_t *)msisdn;
			v.os.len = sizeof(msisdn);
		} else if (tn && !strcmp(tn, "Address")) {
			v.os.data = (uint8_t *)addr;
			v.os.len = sizeof(addr);
		} else if (tn && !strcmp(tn, "Time")) {
			v.os.data = (uint8_t *)"\xe0\x00\x00\x00";
			v.os.len = 4;
		} else if (tn && !strcmp(tn, "DiameterURI")) {
			v.os.data = (uint8_t *)"aaa://mme1.example.org";
			v.os.len = strlen((char *)v.os.data);
		} else if (tn && !strcmp(tn, "IPFilterRule")) {
			v.os.data = (uint8_t *)"permit in ip from any to any";
			v.os.len = strlen((char *)v.os.data);
		} else {
			v.os.data = (uint8_t *)s;
			v.os.len = strlen(s);
		}
		break;
	case AVP_TYPE_INTEGER32:
	case AVP_TYPE_UNSIGNED32:
		v.u32 = 1;
		break;
	case AVP_TYPE_INTEGER64:
	case AVP_TYPE_UNSIGNED64:
		v.u64 = 1;
		break;
	case AVP_TYPE_FLOAT32:
		v.f32 = 1;
		break;
	case AVP_TYPE_FLOAT64:
		v.f64 = 1;
		break;
	default:
		return EINVAL;
	}
	return fd_msg_avp_setvalue(a, &v);
}

static int gc_add(msg_or_avp *parent, struct dict_object *avp_model, int depth)
{
	struct dict_avp_data ad;
	struct avp *a = NULL;
	int rc;

	if ((rc = fd_dict_getval(avp_model, &ad)) || (rc = fd_msg_avp_new(avp_model, 0, &a)))
		return rc;
	rc = ad.avp_basetype == AVP_TYPE_GROUPED ? gc_fill(a, avp_model, depth + 1)
	                                         : gc_value(avp_model, &ad, a);
	if (rc || (rc = fd_msg_avp_add(parent, MSG_BRW_LAST_CHILD, a))) {
		fd_msg_free(a);
		return rc;
	}
	return 0;
}

/* Head rules in order, then required and optional ones, then tail rules. */
static int gc_fill(msg_or_avp *parent, struct dict_object *model, int depth)
{
	static const enum rule_position order[] = { RULE_FIXED_HEAD, RULE_REQUIRED, RULE_OPTIONAL,
	                                            RULE_FIXED_TAIL };
	struct fd_list *sentinel, *li;
	int rc;

	if (fd_dict_getlistof(RULE_BY_AVP_AND_PARENT, model, &sentinel))
		return 0;
	for (size_t p = 0; p < 4; p++) {
		for (unsigned ord = 0; ord < 64; ord++) {
			bool any = false;
			for (li = sentinel->next; li != sentinel; li = li->next) {
				struct dict_rule_data rd;
				int min, n;
				if (fd_dict_getval(li->o, &rd) || rd.rule_position != order[p])
					continue;
				/* Fixed rules by their order; the others in one pass (ord 0). */
				if ((p == 0 || p == 3) ? rd.rule_order != ord : ord != 0)
					continue;
				any = true;
				min = rd.rule_min < 0 ? (rd.rule_position == RULE_OPTIONAL ? 0 : 1) : rd.rule_min;
				if (rd.rule_max == 0 || (min == 0 && depth >= GC_MAX_DEPTH))
					continue;
				n = min ? min : 1;
				for (int i = 0; i < n; i++)
					if ((rc = gc_add(parent, rd.rule_avp, depth)))
						return rc;
			}
			if (p == 1 || p == 2 || (!any && ord > 8))
				break;
		}
	}
	return 0;
}

/* A seed must be a valid message: parse it back against the dictionary and its rules. */
static int gc_check(const uint8_t *buf, size_t len, const char *name)
{
	struct msg *m = NULL;
	struct fd_pei pei;
	int rc;

	if ((rc = fz_msg_parse(buf, len, &m)))
		return rc;
	memset(&pei, 0, sizeof(pei));
	rc = fd_msg_parse_dict(m, fd_g_config->cnf_dict, &pei);
	if (!rc)
		rc = fd_msg_parse_rules(m, fd_g_config->cnf_dict, &pei);
	if (rc)
		fprintf(stderr, "%s: generated message fails the dictionary: %s\n", name,
		        pei.pei_errcode ? pei.pei_errcode : strerror(rc));
	if (pei.pei_avp_free && pei.pei_avp)
		fd_msg_free(pei.pei_avp);
	fd_msg_free(m);
	return rc;
}

static int gc_write(const char *dir, struct dict_object *cmd, const struct dict_cmd_data *cd)
{
	struct msg *m = NULL;
	uint8_t *buf = NULL;
	size_t len = 0;
	char path[4096];
	FILE *f;
	int rc;

	if ((rc = fd_msg_new(cmd, MSGFL_ALLOC_ETEID, &m)))
		return rc;
	if ((rc = gc_fill(m, cmd, 0)) || (rc = fd_msg_bufferize(m, &buf, &len)) ||
	    (rc = gc_check(buf, len, cd->cmd_name)))
		goto out;
	snprintf(path, sizeof(path), "%s/%s.bin", dir, cd->cmd_name);
	if (!(f = fopen(path, "wb"))) {
		rc = errno;
		goto out;
	}
	if (fwrite(buf, 1, len, f) != len)
		rc = EIO;
	if (fclose(f) && !rc)
		rc = EIO;
	printf("%s: %zu octets\n", path, len);
out:
	free(buf);
	fd_msg_free(m);
	return rc;
}

int main(int argc, char **argv)
{
	struct fd_list *sentinel, *li;
	size_t n = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: gen_corpus OUTDIR\n");
		return 2;
	}
	fz_init();
	if (fd_dict_getlistof(CMD_BY_NAME, fd_g_config->cnf_dict, &sentinel))
		return 1;
	for (li = sentinel->next; li != sentinel; li = li->next) {
		struct dict_object *app = NULL;
		struct dict_application_data appd;
		struct dict_cmd_data cd;
		int rc;

		if (fd_dict_getval(li->o, &cd) ||
		    fd_dict_search(fd_g_config->cnf_dict, DICT_APPLICATION, APPLICATION_OF_COMMAND, li->o,
		                   &app, ENOENT) || !app || fd_dict_getval(app, &appd))
			continue;
		if (appd.application_id != DICT_APP_S6A && appd.application_id != DICT_APP_CX &&
		    appd.application_id != DICT_APP_SH)
			continue;
		if ((rc = gc_write(argv[1], li->o, &cd))) {
			fprintf(stderr, "%s: %s\n", cd.cmd_name, strerror(rc));
			return 1;
		}
		n++;
	}
	printf("%zu messages\n", n);
	return n ? 0 : 1;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fixture.c: the rich IMS subscription the hss/ims tests share, model comparisons and XSD
 * validation through libxml2's schema engine (the one xmllint --schema uses).
 */
#include "ims_test.h"

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The fixture cannot be built: a bug of the test or no memory, not a finding. */
#define OK(x) do { if ((x) != 0) tap_bail("fixture: %s failed", #x); } while (0)

static struct hss_ims_spt *spt(struct hss_ims_ifc *f, enum hss_ims_spt_kind k, const char *v,
                               const char *c, uint32_t group)
{
	struct hss_ims_spt *s;

	OK(hss_ims_add_spt(f, k, v, c, group, &s));
	return s;
}

/*
 * alice: two IMPIs, eight public identities in four implicit registration sets:
 *   set 1: sip:alice (default, alias group a), tel:+33-6-12-34-56-78 (alias group a), both
 *          "voice"; sip:alice.work (barred) with "work";
 *   set 2: sip:alice.secret ("voice");
 *   own sets: wildcarded PSI sip:conf-!.*!@, distinct PSI sip:chat@ (inactive, DSAI), both
 *          "psi";
 *   set 3: wildcarded IMPU sip:!.*!@guest.example.org and the non-distinct IMPU
 *          sip:bob@guest.example.org inside it ("voice").
 */
void it_rich(struct hss_ims_sub *sub)
{
	struct hss_ims_impi *p;
	struct hss_ims_impu *u;
	struct hss_ims_profile *pr;
	struct hss_ims_ifc *f;
	struct hss_ims_spt *s;

	hss_ims_sub_init(sub);
	OK(hss_ims_set_str(&sub->id, "alice"));

	OK(hss_ims_add_impi(sub, "alice@ims.example.org", &p));
	p->auth_schemes = HSS_IMS_AUTH_AKAV1_MD5 | HSS_IMS_AUTH_SIP_DIGEST;
	p->default_scheme = HSS_IMS_AUTH_AKAV1_MD5;
	OK(hss_ims_set_str(&p->digest_realm, "ims.example.org"));
	strcpy(p->digest_ha1, IT_ALICE_HA1);
	strcpy(p->imsi, "001010000000001");
	OK(hss_ims_add_impi(sub, "alice-fixed@ims.example.org", &p));
	p->auth_schemes = HSS_IMS_AUTH_SIP_DIGEST;
	p->default_scheme = HSS_IMS_AUTH_SIP_DIGEST;
	OK(hss_ims_set_str(&p->digest_realm, "ims.example.org"));
	strcpy(p->digest_ha1, "c3c844b83c9a14854b8b71446b4003c0");
	OK(hss_ims_impi_add_impu(p, "sip:alice@ims.example.org"));
	OK(hss_ims_impi_add_impu(p, "tel:+33612345678"));

	OK(hss_ims_add_impu(sub, "sip:alice@ims.example.org", "voice", &u));
	u->irs = 1;
	u->irs_default = true;
	OK(hss_ims_set_str(&u->display_name, "Alice Ümlaut <&>"));
	OK(hss_ims_set_str(&u->alias_group, "a"));
	OK(hss_ims_add_impu(sub, "tel:+33-6-12-34-56-78", "voice", &u));
	u->irs = 1;
	OK(hss_ims_set_str(&u->alias_group, "a"));
	OK(hss_ims_add_impu(sub, "sip:alice.work@ims.example.org", "work", &u));
	u->irs = 1;
	u->barred = true;
	OK(hss_ims_add_impu(sub, "sip:alice.secret@ims.example.org", "voice", &u));
	u->irs = 2;
	OK(hss_ims_add_impu(sub, "sip:conf-!.*!@ims.example.org", "psi", &u));
	u->type = HSS_IMS_ID_WILDCARDED_PSI;
	OK(hss_ims_add_impu(sub, "sip:chat@ims.example.org", "psi", &u));
	u->type = HSS_IMS_ID_DISTINCT_PSI;
	u->psi_active = false;
	OK(hss_ims_add_dsai(u, "sip:chat-as.example.org", "filtering", true));
	OK(hss_ims_add_dsai(u, "sip:chat-as.example.org", "logging", false));
	OK(hss_ims_add_impu(sub, "sip:!.*!@guest.example.org", "voice", &u));
	u->type = HSS_IMS_ID_WILDCARDED_IMPU;
	u->irs = 3;
	OK(hss_ims_add_impu(sub, "sip:bob@guest.example.org", "voice", &u));
	u->type = HSS_IMS_ID_NON_DISTINCT_IMPU;
	u->irs = 3;
	OK(hss_ims_set_str(&u->wildcarded_impu, "sip:!.*!@guest.example.org"));

	OK(hss_ims_add_profile(sub, "voice", &pr));
	pr->media_profile_id = 1;
	pr->shared_ifc_sets[pr->n_shared_ifc_sets++] = 10;
	pr->shared_ifc_sets[pr->n_shared_ifc_sets++] = 20;
	/* Disjunctive: (REGISTER initial|re) OR (originating). */
	OK(hss_ims_add_ifc(pr, 0, "sip:reg-as.example.org", &f));
	f->default_handling = 1;
	f->include_register_request = true;
	f->include_register_response = true;
	f->profile_part = 0;
	s = spt(f, HSS_IMS_SPT_METHOD, "REGISTER", NULL, 0);
	s->reg_types = HSS_IMS_REG_INITIAL | HSS_IMS_REG_RE;
	spt(f, HSS_IMS_SPT_SESSION_CASE, NULL, NULL, 1)->session_case = HSS_IMS_SC_ORIGINATING;
	/* Conjunctive: (INVITE or MESSAGE) and (not Event: presence, or m=audio) and the
	 * request URI in groups 2 and 3. */
	OK(hss_ims_add_ifc(pr, 10, "sip:mmtel.example.org;transport=tcp", &f));
	f->cnf = true;
	f->default_handling = 0;
	OK(hss_ims_set_str(&f->service_info, "mmtel <&> \"ünïcode\""));
	spt(f, HSS_IMS_SPT_METHOD, "INVITE", NULL, 0);
	spt(f, HSS_IMS_SPT_METHOD, "MESSAGE", NULL, 0);
	spt(f, HSS_IMS_SPT_SIP_HEADER, "Event", "presence", 1)->negated = true;
	spt(f, HSS_IMS_SPT_SESSION_DESCRIPTION, "m", "audio", 1);
	s = spt(f, HSS_IMS_SPT_REQUEST_URI, "sip:voicemail@.*", NULL, 2);
	s->groups[s->n_groups++] = 3;
	spt(f, HSS_IMS_SPT_SIP_HEADER, "P-Asserted-Service", NULL, 4);
	/* Unconditional. */
	OK(hss_ims_add_ifc(pr, 5, "sip:log.example.org", NULL));

	OK(hss_ims_add_profile(sub, "work", &pr));
	OK(hss_ims_add_ifc(pr, 1, "sip:vm.example.org", &f));
	f->profile_part = 1;
	spt(f, HSS_IMS_SPT_SESSION_CASE, NULL, NULL, 0)->session_case =
		HSS_IMS_SC_TERMINATING_UNREGISTERED;

	OK(hss_ims_add_profile(sub, "psi", &pr));
	pr->media_profile_id = 0;
	OK(hss_ims_add_ifc(pr, 0, "sip:conf.example.org", &f));
	spt(f, HSS_IMS_SPT_METHOD, "INVITE", NULL, 0)->negated = false;
	spt(f, HSS_IMS_SPT_SESSION_CASE, NULL, NULL, 0)->session_case = HSS_IMS_SC_ORIGINATING_CDIV;

	OK(hss_ims_set_str(&sub->charging.primary_ccf, "aaa://ccf1.example.org:3868"));
	OK(hss_ims_set_str(&sub->charging.secondary_ccf, "aaa://ccf2.example.org"));
	OK(hss_ims_set_str(&sub->charging.primary_ecf, "aaas://ocs.example.org"));
	OK(hss_ims_set_str(&sub->scscf.name, "sip:scscf.ims.example.org:6060"));
	sub->scscf.mandatory[sub->scscf.n_mandatory++] = 1;
	sub->scscf.mandatory[sub->scscf.n_mandatory++] = 2;
	sub->scscf.optional[sub->scscf.n_optional++] = 3;
	strcpy(sub->msisdns[sub->n_msisdns++], "33612345678");
}

void it_shared_sets(struct hss_ims_shared_set sets[2])
{
	struct hss_ims_profile tmp = { 0 };
	struct hss_ims_ifc *f;

	/* Set 10: one iFC between the profile's priorities 0 and 5; set 20: one after. */
	OK(hss_ims_add_ifc(&tmp, 3, "sip:shared-a.example.org", &f));
	spt(f, HSS_IMS_SPT_METHOD, "SUBSCRIBE", NULL, 0);
	OK(hss_ims_add_ifc(&tmp, 100, "sip:shared-b.example.org", NULL));
	sets[0].id = 10;
	sets[0].ifcs = tmp.ifcs;
	sets[0].n_ifcs = 1;
	sets[1].id = 20;
	sets[1].ifcs = calloc(1, sizeof(*sets[1].ifcs));
	if (!sets[1].ifcs)
		tap_bail("out of memory");
	sets[1].ifcs[0] = tmp.ifcs[1];   /* moved: set 10 keeps the array, of which [1] is now set 20's */
	sets[1].n_ifcs = 1;
	memset(&tmp.ifcs[1], 0, sizeof(tmp.ifcs[1]));
}

void it_shared_sets_free(struct hss_ims_shared_set sets[2])
{
	for (int i = 0; i < 2; i++) {
		for (size_t k = 0; k < sets[i].n_ifcs; k++)
			hss_ims_ifc_free(&sets[i].ifcs[k]);
		free(sets[i].ifcs);
	}
}

bool it_str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

bool it_ifc_eq(const struct hss_ims_ifc *a, const struct hss_ims_ifc *b)
{
	if (a->priority != b->priority || a->has_trigger != b->has_trigger || a->cnf != b->cnf ||
	    a->n_spts != b->n_spts || !it_str_eq(a->server_name, b->server_name) ||
	    a->default_handling != b->default_handling || !it_str_eq(a->service_info, b->service_info) ||
	    a->include_register_request != b->include_register_request ||
	    a->include_register_response != b->include_register_response ||
	    a->profile_part != b->profile_part)
		return false;
	for (size_t i = 0; i < a->n_spts; i++) {
		const struct hss_ims_spt *x = &a->spts[i], *y = &b->spts[i];
		if (x->negated != y->negated || x->n_groups != y->n_groups || x->kind != y->kind ||
		    !it_str_eq(x->value, y->value) || !it_str_eq(x->content, y->content) ||
		    x->reg_types != y->reg_types ||
		    (x->kind == HSS_IMS_SPT_SESSION_CASE && x->session_case != y->session_case) ||
		    memcmp(x->groups, y->groups, x->n_groups * sizeof(x->groups[0])))
			return false;
	}
	return true;
}

static void collect(void *ctx, const char *fmt, ...)
{
	char *msg = ctx;
	size_t n = strlen(msg);
	va_list ap;

	if (n >= 400)
		return;
	va_start(ap, fmt);
	vsnprintf(msg + n, 512 - n, fmt, ap);
	va_end(ap);
}

int it_xsd_validate(const char *xsd_name, const char *xml, size_t len, char *msg, size_t msglen)
{
	const char *src = getenv("DCORE_SRCDIR");
	char path[1024], errs[512] = "";
	xmlSchemaParserCtxtPtr pc;
	xmlSchemaPtr schema = NULL;
	xmlSchemaValidCtxtPtr vc = NULL;
	xmlDocPtr doc = NULL;
	int rc = -1;

	snprintf(path, sizeof(path), "%s/hss/ims/xsd/%s", src ? src : ".", xsd_name);
	if (!(pc = xmlSchemaNewParserCtxt(path))) {
		snprintf(msg, msglen, "cannot read %s", path);
		return -1;
	}
	xmlSchemaSetParserErrors(pc, collect, collect, errs);
	schema = xmlSchemaParse(pc);
	xmlSchemaFreeParserCtxt(pc);
	if (!schema) {
		snprintf(msg, msglen, "%s does not compile: %s", path, errs);
		return -1;
	}
	if (!(doc = xmlReadMemory(xml, (int)len, NULL, NULL, XML_PARSE_NONET))) {
		snprintf(msg, msglen, "not XML");
		goto out;
	}
	vc = xmlSchemaNewValidCtxt(schema);
	xmlSchemaSetValidErrors(vc, collect, collect, errs);
	rc = xmlSchemaValidateDoc(vc, doc);
	if (rc)
		snprintf(msg, msglen, "%s", errs);
out:
	xmlSchemaFreeValidCtxt(vc);
	xmlFreeDoc(doc);
	xmlSchemaFree(schema);
	return rc;
}

void it_save(const char *name, const char *xml, size_t len)
{
	const char *dir = getenv("IMS_XML_OUT");
	char path[1024];
	FILE *f;

	if (!dir)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!(f = fopen(path, "w")) || fwrite(xml, 1, len, f) != len)
		tap_bail("cannot write %s", path);
	fclose(f);
}

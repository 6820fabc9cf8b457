/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * yaml_out.c: writes one IMS subscription as the YAML document yaml_in.c reads (hssctl
 * export), with libyaml's emitter. Defaults are left out so an export reads like what an
 * operator would write; strings a YAML reader could take for a number, a boolean or null are
 * quoted.
 */
#include "ims_int.h"
#include "cm.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

struct obuf {
	char *p;
	size_t len, cap;
	bool oom;
};

static int out_write(void *data, unsigned char *buf, size_t size)
{
	struct obuf *o = data;

	if (o->len + size + 1 > o->cap) {
		size_t cap = (o->cap ? o->cap * 2 : 4096) + size;
		char *p = realloc(o->p, cap);
		if (!p) {
			o->oom = true;
			return 0;
		}
		o->p = p;
		o->cap = cap;
	}
	memcpy(o->p + o->len, buf, size);
	o->len += size;
	o->p[o->len] = '\0';
	return 1;
}

struct em {
	yaml_emitter_t e;
	bool failed;
};

static void emit(struct em *m, yaml_event_t *ev)
{
	if (m->failed || !yaml_emitter_emit(&m->e, ev))
		m->failed = true;
}

/* Plain scalars YAML 1.1 would read as something else than a string. */
static bool ambiguous(const char *s)
{
	static const char *const words[] = { "y", "n", "yes", "no", "on", "off", "true", "false",
		"null", "~", NULL };
	char *end;

	if (!*s)
		return true;
	for (int i = 0; words[i]; i++)
		if (!strcasecmp(s, words[i]))
			return true;
	(void)strtod(s, &end);
	if (!*end)
		return true;
	return strspn(s, "0123456789+-.xXoObB_:") == strlen(s);
}

static void str(struct em *m, const char *s)
{
	yaml_event_t ev;
	yaml_scalar_style_t style = ambiguous(s) ? YAML_DOUBLE_QUOTED_SCALAR_STYLE
	                                         : YAML_ANY_SCALAR_STYLE;

	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), 1, 1,
	                                  style))
		m->failed = true;
	else
		emit(m, &ev);
}

static void num(struct em *m, uint64_t v)
{
	char b[24];
	yaml_event_t ev;

	snprintf(b, sizeof(b), "%" PRIu64, v);
	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)b, (int)strlen(b), 1, 1,
	                                  YAML_PLAIN_SCALAR_STYLE))
		m->failed = true;
	else
		emit(m, &ev);
}

static void map_start(struct em *m, bool flow)
{
	yaml_event_t ev;

	yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
	                                    flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE);
	emit(m, &ev);
}

static void map_end(struct em *m)
{
	yaml_event_t ev;

	yaml_mapping_end_event_initialize(&ev);
	emit(m, &ev);
}

static void seq_start(struct em *m, bool flow)
{
	yaml_event_t ev;

	yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
	                                     flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE);
	emit(m, &ev);
}

static void seq_end(struct em *m)
{
	yaml_event_t ev;

	yaml_sequence_end_event_initialize(&ev);
	emit(m, &ev);
}

static void kv_str(struct em *m, const char *k, const char *v)
{
	if (!v)
		return;
	str(m, k);
	str(m, v);
}

static void kv_num(struct em *m, const char *k, uint64_t v)
{
	str(m, k);
	num(m, v);
}

/* ---------------------------------------------------------------------------- the parts */

static void plain(struct em *m, const char *s)
{
	yaml_event_t ev;

	if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)strlen(s), 1, 1,
	                                  YAML_PLAIN_SCALAR_STYLE))
		m->failed = true;
	else
		emit(m, &ev);
}

static void kv_flag(struct em *m, const char *k, bool v)
{
	str(m, k);
	plain(m, v ? "true" : "false");
}

static void emit_spt(struct em *m, const struct hss_ims_spt *s)
{
	map_start(m, false);
	str(m, "group");
	if (s->n_groups == 1) {
		num(m, s->groups[0]);
	} else {
		seq_start(m, true);
		for (size_t g = 0; g < s->n_groups; g++)
			num(m, s->groups[g]);
		seq_end(m);
	}
	if (s->negated)
		kv_flag(m, "negated", true);
	switch (s->kind) {
	case HSS_IMS_SPT_REQUEST_URI:
	case HSS_IMS_SPT_METHOD:
		kv_str(m, ims_spt_kind_keys[s->kind], s->value ? s->value : "");
		break;
	case HSS_IMS_SPT_SIP_HEADER:
	case HSS_IMS_SPT_SESSION_DESCRIPTION:
		str(m, ims_spt_kind_keys[s->kind]);
		map_start(m, false);
		kv_str(m, s->kind == HSS_IMS_SPT_SIP_HEADER ? "header" : "line", s->value ? s->value : "");
		kv_str(m, "content", s->content);
		map_end(m);
		break;
	case HSS_IMS_SPT_SESSION_CASE:
		kv_str(m, "session_case", (unsigned)s->session_case <= HSS_IMS_SC_ORIGINATING_CDIV
		                          ? ims_session_case_names[s->session_case] : "?");
		break;
	}
	if (s->reg_types) {
		str(m, "registration_type");
		seq_start(m, true);
		for (int b = 0; b < 3; b++)
			if (s->reg_types & (1u << b))
				str(m, ims_reg_type_names[b]);
		seq_end(m);
	}
	map_end(m);
}

static void emit_ifc(struct em *m, const struct hss_ims_ifc *f)
{
	map_start(m, false);
	kv_num(m, "priority", f->priority);
	if (f->profile_part == 0 || f->profile_part == 1)
		kv_str(m, "profile_part", ims_profile_part_names[f->profile_part]);
	if (f->has_trigger) {
		str(m, "trigger");
		map_start(m, false);
		kv_flag(m, "cnf", f->cnf);
		str(m, "spts");
		seq_start(m, false);
		for (size_t k = 0; k < f->n_spts; k++)
			emit_spt(m, &f->spts[k]);
		seq_end(m);
		map_end(m);
	}
	str(m, "application_server");
	map_start(m, false);
	kv_str(m, "server_name", f->server_name ? f->server_name : "");
	if (f->default_handling == 0 || f->default_handling == 1)
		kv_str(m, "default_handling", ims_default_handling_names[f->default_handling]);
	kv_str(m, "service_info", f->service_info);
	if (f->include_register_request)
		kv_flag(m, "include_register_request", true);
	if (f->include_register_response)
		kv_flag(m, "include_register_response", true);
	map_end(m);
	map_end(m);
}

static void emit_profile(struct em *m, const struct hss_ims_profile *p)
{
	map_start(m, false);
	kv_str(m, "name", p->name ? p->name : "");
	if (p->media_profile_id >= 0)
		kv_num(m, "subscribed_media_profile_id", (uint64_t)p->media_profile_id);
	if (p->n_shared_ifc_sets) {
		str(m, "shared_ifc_sets");
		seq_start(m, true);
		for (size_t i = 0; i < p->n_shared_ifc_sets; i++)
			num(m, p->shared_ifc_sets[i]);
		seq_end(m);
	}
	if (p->n_ifcs) {
		str(m, "ifcs");
		seq_start(m, false);
		for (size_t i = 0; i < p->n_ifcs; i++)
			emit_ifc(m, &p->ifcs[i]);
		seq_end(m);
	}
	map_end(m);
}

static void emit_impu(struct em *m, const struct hss_ims_impu *u)
{
	map_start(m, false);
	kv_str(m, "identity", u->identity ? u->identity : "");
	if (u->type != HSS_IMS_ID_PUBLIC_USER && (unsigned)u->type <= HSS_IMS_ID_WILDCARDED_IMPU)
		kv_str(m, "type", ims_id_type_names[u->type]);
	if (u->barred)
		kv_flag(m, "barred", true);
	if (u->irs)
		kv_num(m, "irs", u->irs);
	if (u->irs_default)
		kv_flag(m, "irs_default", true);
	kv_str(m, "display_name", u->display_name);
	kv_str(m, "alias_group", u->alias_group);
	kv_str(m, "service_profile", u->service_profile ? u->service_profile : "");
	if (!u->psi_active)
		kv_flag(m, "psi_active", false);
	kv_str(m, "wildcarded_impu", u->wildcarded_impu);
	if (u->n_dsai) {
		str(m, "dsai");
		seq_start(m, false);
		for (size_t d = 0; d < u->n_dsai; d++) {
			map_start(m, true);
			kv_str(m, "as", u->dsai[d].as_name ? u->dsai[d].as_name : "");
			kv_str(m, "tag", u->dsai[d].tag ? u->dsai[d].tag : "");
			kv_flag(m, "active", u->dsai[d].active);
			map_end(m);
		}
		seq_end(m);
	}
	map_end(m);
}

static void emit_impi(struct em *m, const struct hss_ims_impi *p)
{
	map_start(m, false);
	kv_str(m, "identity", p->identity ? p->identity : "");
	str(m, "auth_schemes");
	seq_start(m, true);
	for (uint32_t b = 1; b <= HSS_IMS_AUTH_EARLY_IMS; b <<= 1)
		if (p->auth_schemes & b)
			str(m, hss_ims_auth_yaml_name(b));
	seq_end(m);
	if (p->default_scheme && hss_ims_auth_yaml_name(p->default_scheme))
		kv_str(m, "default_scheme", hss_ims_auth_yaml_name(p->default_scheme));
	kv_str(m, "digest_realm", p->digest_realm);
	if (p->digest_ha1[0])
		kv_str(m, "digest_ha1", p->digest_ha1);
	if (p->imsi[0])
		kv_str(m, "imsi", p->imsi);
	if (p->aka.present) {
		char hex[33];

		cm_hex_encode(p->aka.k, 16, hex);
		kv_str(m, "k", hex);
		cm_hex_encode(p->aka.op, 16, hex);
		kv_str(m, p->aka.opc ? "opc" : "op", hex);
		if (p->aka.amf[0] || p->aka.amf[1]) {
			cm_hex_encode(p->aka.amf, 2, hex);
			kv_str(m, "amf", hex);
		}
		if (p->aka.sqn)
			kv_num(m, "sqn", p->aka.sqn);
		if (p->aka.ind_bits != 5)
			kv_num(m, "ind_bits", p->aka.ind_bits);
		explicit_bzero(hex, sizeof(hex));
	}
	if (p->n_impus) {
		str(m, "impus");
		seq_start(m, false);
		for (size_t i = 0; i < p->n_impus; i++)
			str(m, p->impus[i]);
		seq_end(m);
	}
	map_end(m);
}

static void emit_sub(struct em *m, const struct hss_ims_sub *sub)
{
	const struct hss_ims_charging *c = &sub->charging;

	map_start(m, false);
	kv_str(m, "id", sub->id ? sub->id : "");
	str(m, "private_identities");
	seq_start(m, false);
	for (size_t i = 0; i < sub->n_impis; i++)
		emit_impi(m, &sub->impis[i]);
	seq_end(m);
	str(m, "public_identities");
	seq_start(m, false);
	for (size_t i = 0; i < sub->n_impus; i++)
		emit_impu(m, &sub->impus[i]);
	seq_end(m);
	str(m, "service_profiles");
	seq_start(m, false);
	for (size_t i = 0; i < sub->n_profiles; i++)
		emit_profile(m, &sub->profiles[i]);
	seq_end(m);
	if (c->primary_ccf || c->secondary_ccf || c->primary_ecf || c->secondary_ecf) {
		str(m, "charging");
		map_start(m, false);
		kv_str(m, "primary_ccf", c->primary_ccf);
		kv_str(m, "secondary_ccf", c->secondary_ccf);
		kv_str(m, "primary_ecf", c->primary_ecf);
		kv_str(m, "secondary_ecf", c->secondary_ecf);
		map_end(m);
	}
	if (sub->scscf.name || sub->scscf.n_mandatory || sub->scscf.n_optional) {
		str(m, "scscf");
		map_start(m, false);
		kv_str(m, "name", sub->scscf.name);
		if (sub->scscf.n_mandatory) {
			str(m, "mandatory_capabilities");
			seq_start(m, true);
			for (size_t i = 0; i < sub->scscf.n_mandatory; i++)
				num(m, sub->scscf.mandatory[i]);
			seq_end(m);
		}
		if (sub->scscf.n_optional) {
			str(m, "optional_capabilities");
			seq_start(m, true);
			for (size_t i = 0; i < sub->scscf.n_optional; i++)
				num(m, sub->scscf.optional[i]);
			seq_end(m);
		}
		map_end(m);
	}
	if (sub->n_msisdns) {
		str(m, "msisdns");
		seq_start(m, true);
		for (size_t i = 0; i < sub->n_msisdns; i++)
			str(m, sub->msisdns[i]);
		seq_end(m);
	}
	map_end(m);
}

int hss_ims_yaml_emit(const struct hss_ims_sub *sub, char **ret_buf, size_t *ret_len)
{
	struct obuf o = { 0 };
	struct em m = { .failed = false };
	yaml_event_t ev;
	int rc = 0;

	if (!yaml_emitter_initialize(&m.e))
		return ENOMEM;
	yaml_emitter_set_output(&m.e, out_write, &o);
	yaml_emitter_set_unicode(&m.e, 1);
	yaml_emitter_set_width(&m.e, 100);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	emit(&m, &ev);
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	emit(&m, &ev);
	emit_sub(&m, sub);
	yaml_document_end_event_initialize(&ev, 1);
	emit(&m, &ev);
	yaml_stream_end_event_initialize(&ev);
	emit(&m, &ev);
	if (!m.failed && !yaml_emitter_flush(&m.e))
		m.failed = true;
	yaml_emitter_delete(&m.e);
	if (m.failed || o.oom || !o.p) {
		rc = o.oom ? ENOMEM : EINVAL;
		if (o.p)
			explicit_bzero(o.p, o.len);
		free(o.p);
		return rc;
	}
	*ret_buf = o.p;
	if (ret_len)
		*ret_len = o.len;
	return 0;
}

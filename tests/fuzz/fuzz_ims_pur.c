/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_ims_pur.c: libFuzzer target for the Sh-Data an application server sends in a PUR
 * (hss/ims: hss_ims_sh_parse with HSS_IMS_SH_PUR, then what the HSS does with an accepted
 * update: build the UDA that returns it and read that back) and for the full Sh-Data and
 * Cx User-Data readers. Besides not crashing:
 *   - a refusal always says how to answer (5100, 5103 or 5008) and names a line;
 *   - an accepted PUR rebuilds into Sh-Data that is accepted again as a PUR with the same
 *     service indications, sequence numbers and service data (the stored data round-trips);
 *   - an accepted Cx document validates as a model only if it also rebuilds.
 * A disagreement aborts, which the fuzzer reports.
 */
#include "hss_ims.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_refusal(int rc, enum hss_ims_sh_error kind, const char *err)
{
	if (!rc)
		return;
	if (rc != ENOMEM && (kind == HSS_IMS_SH_OK || strncmp(err, "line ", 5)))
		abort();
}

static void pur(const char *xml, size_t size, const struct hss_ims_xml_limits *lim)
{
	struct hss_ims_sh_data d, again;
	enum hss_ims_sh_error kind = HSS_IMS_SH_OK;
	char err[512] = "", *out = NULL;
	size_t len = 0;
	int rc;

	hss_ims_sh_data_init(&d);
	rc = hss_ims_sh_parse(xml, size, HSS_IMS_SH_PUR, lim, &d, &kind, err, sizeof(err));
	check_refusal(rc, kind, err);
	if (rc)
		return;
	if (hss_ims_sh_build(&d, &out, &len, err, sizeof(err)))
		abort();
	hss_ims_sh_data_init(&again);
	if (hss_ims_sh_parse(out, len, HSS_IMS_SH_PUR, NULL, &again, &kind, err, sizeof(err)) ||
	    again.n_repo != d.n_repo || again.psi_activation != d.psi_activation ||
	    again.n_dsai != d.n_dsai)
		abort();
	for (size_t i = 0; i < d.n_repo; i++) {
		const struct hss_ims_repo *a = &d.repo[i], *b = &again.repo[i];
		if (strcmp(a->service_indication, b->service_indication) || a->seq != b->seq ||
		    !a->service_data != !b->service_data ||
		    (a->service_data && strcmp(a->service_data, b->service_data)))
			abort();
	}
	hss_ims_sh_data_free(&again);
	hss_ims_sh_data_free(&d);
	free(out);
}

static void full(const char *xml, size_t size)
{
	struct hss_ims_sh_data d;
	struct hss_ims_sub s;
	enum hss_ims_sh_error kind = HSS_IMS_SH_OK;
	char err[512] = "", *out = NULL;
	size_t len;
	int rc;

	hss_ims_sh_data_init(&d);
	rc = hss_ims_sh_parse(xml, size, 0, NULL, &d, &kind, err, sizeof(err));
	check_refusal(rc, kind, err);
	if (!rc) {
		/* What was read is writable again (numbers in range, text XML can carry). */
		if (hss_ims_sh_build(&d, &out, &len, err, sizeof(err)))
			abort();
		free(out);
		out = NULL;
		hss_ims_sh_data_free(&d);
	}
	hss_ims_sub_init(&s);
	if (hss_ims_cx_parse(xml, size, NULL, &s, err, sizeof(err)) == 0) {
		/* A parsed profile that also passes validation must build. */
		s.impis[0].auth_schemes = s.impis[0].default_scheme = HSS_IMS_AUTH_NASS_BUNDLED;
		if (hss_ims_set_str(&s.id, "fuzz") == 0 && hss_ims_sub_validate(&s, err, sizeof(err)) == 0) {
			struct hss_ims_cx_opts o = { .impu = s.impus[0].identity, .shared_ifc_sets = true };
			if (hss_ims_cx_user_data(&s, &o, &out, &len, err, sizeof(err)) != 0)
				abort();
			free(out);
		}
		hss_ims_sub_free(&s);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Small limits too, so the fuzzer reaches them with small inputs. */
	static const struct hss_ims_xml_limits small = { .max_bytes = 2048, .max_depth = 6,
	                                                 .max_elements = 64, .max_service_data = 256,
	                                                 .max_repository = 3 };

	pur((const char *)data, size, NULL);
	pur((const char *)data, size, &small);
	full((const char *)data, size);
	return 0;
}

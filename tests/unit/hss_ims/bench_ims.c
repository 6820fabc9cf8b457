/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * bench_ims.c: how long the per-request work of hss/ims takes, in microseconds per
 * operation (median of 5 runs): building the Cx User-Data of the rich subscription's
 * three-member implicit set (the SAA of a registration), building an Sh-Data UDA with
 * repository data and iFCs, reading a PUR with a 1 KiB ServiceData, validating the rich
 * subscription, and reading it from YAML. Prints figures and asserts nothing (suite bench).
 */
#include "ims_test.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

typedef void (*op_fn)(void *arg);

static void bench(const char *name, op_fn fn, void *arg, int n)
{
	double runs[5];

	for (int r = 0; r < 5; r++) {
		double t0 = now_us();
		for (int i = 0; i < n; i++)
			fn(arg);
		runs[r] = (now_us() - t0) / n;
	}
	qsort(runs, 5, sizeof(runs[0]), cmp_d);
	printf("%-44s %8.1f us/op (min %.1f, max %.1f)\n", name, runs[2], runs[0], runs[4]);
}

static void op_cx(void *arg)
{
	struct hss_ims_cx_opts o = { .impu = "sip:alice@ims.example.org", .shared_ifc_sets = true };
	char *xml = NULL;
	size_t len;

	if (hss_ims_cx_user_data(arg, &o, &xml, &len, NULL, 0))
		abort();
	free(xml);
}

static void op_sh(void *arg)
{
	char *xml = NULL;
	size_t len;

	if (hss_ims_sh_build(arg, &xml, &len, NULL, 0))
		abort();
	free(xml);
}

static char pur[4096];

static void op_pur(void *arg)
{
	struct hss_ims_sh_data d;
	enum hss_ims_sh_error kind;

	(void)arg;
	if (hss_ims_sh_parse(pur, strlen(pur), HSS_IMS_SH_PUR, NULL, &d, &kind, NULL, 0))
		abort();
	hss_ims_sh_data_free(&d);
}

static void op_validate(void *arg)
{
	if (hss_ims_sub_validate(arg, NULL, 0))
		abort();
}

static void op_yaml(void *arg)
{
	const char *y = arg;
	struct hss_ims_sub s;

	if (hss_ims_yaml_parse("b", y, strlen(y), &s, NULL, 0))
		abort();
	hss_ims_sub_free(&s);
}

int main(void)
{
	struct hss_ims_sub s;
	struct hss_ims_sh_data d;
	char *yaml = NULL, *xml = NULL;
	size_t o, len = 0;

	it_rich(&s);
	hss_ims_sh_data_init(&d);
	hss_ims_sh_set_ifcs(&s, "sip:alice@ims.example.org", "sip:mmtel.example.org;transport=tcp", &d);
	{
		static const char sd[] = "<simservs xmlns=\"http://uri.etsi.org/ngn/params/xml/simservs/"
		                         "xcap\"><communication-diversion active=\"true\"/></simservs>";
		hss_ims_sh_add_repo(&d, "MMTEL-Services", 7, sd, strlen(sd));
	}
	d.ims_user_state = 1;
	o = (size_t)snprintf(pur, sizeof(pur), "<Sh-Data><RepositoryData><ServiceIndication>MMTEL"
	                     "</ServiceIndication><SequenceNumber>8</SequenceNumber><ServiceData>"
	                     "<simservs xmlns=\"urn:x\">");
	for (int i = 0; i < 32; i++)
		o += (size_t)snprintf(pur + o, sizeof(pur) - o, "<rule id=\"r%02d\">target</rule>", i);
	snprintf(pur + o, sizeof(pur) - o, "</simservs></ServiceData></RepositoryData></Sh-Data>");
	hss_ims_yaml_emit(&s, &yaml, NULL);
	op_cx(&s);
	{
		struct hss_ims_cx_opts co = { .impu = "sip:alice@ims.example.org", .shared_ifc_sets = true };
		hss_ims_cx_user_data(&s, &co, &xml, &len, NULL, 0);
	}
	printf("Cx User-Data of the 3-identity set: %zu octets; PUR: %zu octets\n", len, strlen(pur));
	bench("Cx User-Data (SAA, 2 profiles, 4 iFCs)", op_cx, &s, 2000);
	bench("Sh-Data UDA (repository data + iFCs)", op_sh, &d, 2000);
	bench("PUR read (1 KiB ServiceData)", op_pur, NULL, 2000);
	bench("validate the rich subscription", op_validate, &s, 2000);
	bench("YAML read + validate (rich subscription)", op_yaml, yaml, 500);
	free(xml);
	free(yaml);
	hss_ims_sh_data_free(&d);
	hss_ims_sub_free(&s);
	return 0;
}

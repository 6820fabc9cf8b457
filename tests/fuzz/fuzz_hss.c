/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_hss.c: libFuzzer target for S6a, Cx and Sh requests as the HSS handlers see them.
 * The HSS procedures (hss_s6a_init: AIR, ULR, PUR, NOR; hss_cx_init: UAR, MAR, SAR, LIR;
 * hss_sh_init: UDR, PUR, SNR under an sh: section that lets any Origin-Host do everything)
 * run inside a freeDiameter core that listens nowhere, over an in-memory SQLite database
 * holding two subscribers (IMSI 001010000000001 with an APN and MSISDN 33600000001, the one
 * the corpus's MSISDN AVPs name, linked to an IMS subscription; 001010000000002 without). Each input is read as the
 * receiver reads it, then goes where freeDiameter's dispatch thread would send it: a
 * request that passes the dictionary and its rules is dispatched (fd_msg_dispatch) to the
 * handlers, which decide and send their answer (dropped by the core, as its peer is not
 * connected); the answers of the procedures that write come from the database writer
 * once the write is durable, and each input waits for them. Any input must be handled without a crash, a sanitizer report or a leak.
 */
#include "fz.h"
#include "dict.h"
#include "hss.h"
#include "hss_db.h"
#include "hss_ims.h"
#include "hss_imsdb.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FH_PEER "mme1.example.org"

static const char fh_cfg_yaml[] =
	"diameter:\n"
	"  identity: hss.fuzz.test\n"
	"  realm: fuzz.test\n"
	"  port: 0\n"
	"  log_level: error\n"
	"database:\n"
	"  backend: sqlite\n"
	"  path: \":memory:\"\n"
	"s6a:\n"
	"  home_plmns: [\"00101\"]\n"
	"  max_vectors: 3\n"
	"cx:\n"
	"  scscf_names: [\"sip:scscf.fuzz.test:6060\"]\n"
	"sh:\n"
	"  max_service_data: 256\n"
	"  max_user_data: 1024\n"
	"  application_servers:\n"
	"    - {name: any, origin_hosts: [\"*\"], read: [all],\n"
	"       update: [repository_data, psi_activation, dsai], subscribe: [all]}\n";

/* The IMS user of the MSISDN (the Sh requests of the corpus name it), with a PSI and DSAI. */
static const char fh_ims_yaml[] =
	"id: fz\n"
	"private_identities:\n"
	"  - {identity: x@fuzz.test, auth_schemes: [digest-akav1-md5, sip-digest],\n"
	"     imsi: \"001010000000001\", digest_realm: fuzz.test, digest_password: p}\n"
	"public_identities:\n"
	"  - {identity: sip:x@fuzz.test, irs: 1, service_profile: p}\n"
	"  - {identity: \"tel:+33600000001\", irs: 1, service_profile: p}\n"
	"  - identity: sip:psi@fuzz.test\n"
	"    type: distinct_psi\n"
	"    service_profile: p\n"
	"    dsai: [{as: sip:x, tag: x}]\n"
	"service_profiles:\n"
	"  - name: p\n"
	"    ifcs: [{priority: 1, application_server: {server_name: sip:x}}]\n";

static struct hss_cfg fh_cfg;
static struct hss_db *fh_db;

static void fh_provision(const char *imsi, const char *apn)
{
	struct hss_sub *sub = calloc(1, sizeof(*sub));
	char err[256];

	if (!sub)
		abort();
	hss_sub_init(sub);
	if (hss_sub_set(sub, "imsi", imsi, err, sizeof(err)) ||
	    hss_sub_set(sub, "k", "465b5ce8b199b49faa5f0a2ee238a6bc", err, sizeof(err)) ||
	    hss_sub_set(sub, "opc", "cd63cb71954a9f4e48a5994e37a02baf", err, sizeof(err)) ||
	    hss_sub_set(sub, "msisdn", "33600000001", err, sizeof(err)) ||
	    (apn && hss_sub_set(sub, "apn", apn, err, sizeof(err))) ||
	    hss_db_put_sub(fh_db, sub, 0)) {
		fprintf(stderr, "fuzz_hss: provisioning %s failed: %s\n", imsi, err);
		abort();
	}
	free(sub);
}

static void fh_provision_ims(void)
{
	struct hss_ims_sub *sub = calloc(1, sizeof(*sub));
	struct hss_imsdb *store = NULL;
	char err[512];

	if (!sub || hss_ims_yaml_parse("fuzz_ims.yaml", fh_ims_yaml, sizeof(fh_ims_yaml) - 1, sub,
	                               err, sizeof(err)) ||
	    hss_imsdb_open(fh_db, &store) || hss_imsdb_put(store, sub, 0, NULL)) {
		fprintf(stderr, "fuzz_hss: IMS provisioning failed: %s %s\n", err,
		        hss_imsdb_strerror());
		abort();
	}
	hss_imsdb_close(store);
	hss_ims_sub_free(sub);
	free(sub);
}

static void fh_init(void)
{
	static const struct hss_db_opts fh_create = { HSS_DB_OPEN_CREATE, 0 };
	static bool done;
	struct hss_snap *snap = NULL;
	char err[512];
	sigset_t none;

	if (done)
		return;
	done = true;
	fd_g_debug_lvl = FD_LOG_FATAL + 1;
	if (hss_cfg_load_buf("fuzz_hss.yaml", fh_cfg_yaml, sizeof(fh_cfg_yaml) - 1, &fh_cfg, err,
	                     sizeof(err)) ||
	    hss_db_open(fh_cfg.db_backend, fh_cfg.db_uri, &fh_create, &fh_db, err, sizeof(err))) {
		fprintf(stderr, "fuzz_hss: %s\n", err);
		abort();
	}
	if (cm_diam_init(&fh_cfg.diam) || dict_load_all() || hss_snap_new(&fh_cfg, &snap))
		abort();
	hss_snap_install(snap);
	if (hss_s6a_init(fh_db) || hss_cx_init(fh_db) || hss_sh_init(fh_db) || cm_diam_start())
		abort();
	/* The core's threads keep signals blocked; the fuzzer's own handlers need them here. */
	sigemptyset(&none);
	pthread_sigmask(SIG_SETMASK, &none, NULL);
	fd_g_debug_lvl = FD_LOG_FATAL + 1;
	fh_provision("001010000000001", "internet");
	fh_provision("001010000000002", NULL);
	fh_provision_ims();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msg *m = NULL, *drop = NULL;
	struct msg_hdr *hdr = NULL;
	struct fd_pei pei;
	enum disp_action act = DISP_ACT_CONT;
	char *ec = NULL, *why = NULL;
	int rc;

	fh_init();
	if (fz_msg_parse(data, size, &m))
		return 0;
	/* Only requests reach the handlers; the core answers the rest itself. */
	if (fd_msg_hdr(m, &hdr) || !(hdr->msg_flags & CMD_FLAG_REQUEST))
		goto out;
	memset(&pei, 0, sizeof(pei));
	rc = fd_msg_parse_dict(m, fd_g_config->cnf_dict, &pei);
	if (!rc) {
		memset(&pei, 0, sizeof(pei));
		rc = fd_msg_parse_rules(m, fd_g_config->cnf_dict, &pei);
	}
	if (pei.pei_avp_free && pei.pei_avp)
		fd_msg_free(pei.pei_avp);
	if (rc)
		goto out;
	if (fd_msg_source_set(m, FH_PEER, strlen(FH_PEER)))
		goto out;
	rc = fd_msg_dispatch(&m, NULL, &act, &ec, &why, &drop);
	if (drop)
		fd_msg_free(drop);
	/* a procedure that writes answers from the database writer: wait for it */
	if (hss_s6a_drain(10000))
		abort();
out:
	if (m)
		fd_msg_free(m);
	return 0;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * conformance.h: the backend conformance suite of hss/db/. Every backend must pass it:
 * a runner opens a fresh, empty database of its kind and calls run_conformance.
 */
#ifndef HSS_DB_CONFORMANCE_H
#define HSS_DB_CONFORMANCE_H

/* Run every check against `backend` at `uri` (an empty database that other processes can
 * open too when the backend has HSS_DB_CAP_MULTI_PROCESS). Each check is a TAP test point
 * (tests/lib/tap.h); returns the number of failed checks. */
int run_conformance(const char *backend, const char *uri);

/* The keyed-record checks (conformance_rec.c), called by run_conformance on its handle. */
struct hss_db;
void run_rec_conformance(struct hss_db *db, const char *backend, const char *uri);
/* The IMS store (hss/imsdb) on the backend (conformance_ims.c). */
void run_imsdb_conformance(struct hss_db *db, const char *backend, const char *uri);

#endif

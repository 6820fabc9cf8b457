/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ims_test.h: what the hss/ims unit tests share: the checks of tests/lib/tap.h, the "rich"
 * subscription fixture (several private identities,
 * implicit registration sets spanning two service profiles, barred and tel identities,
 * wildcarded PSI and IMPU, a non-distinct IMPU, iFCs in CNF and DNF, shared iFC sets), model
 * comparisons, and schema validation of XML with libxml2 against hss/ims/xsd.
 */
#ifndef IMS_TEST_H
#define IMS_TEST_H

#include "hss_ims.h"
#include "tap.h"

#include <stdbool.h>
#include <stdio.h>

/* HA1 of alice@ims.example.org:ims.example.org:secret (computed outside, python hashlib). */
#define IT_ALICE_HA1 "ede56c3b1c295125f2652ff6c9e8f72f"

/* Build the rich fixture; bails out on ENOMEM (a test bug, not a finding). */
void it_rich(struct hss_ims_sub *sub);
/* The two shared iFC sets (ids 10 and 20) the rich fixture's "voice" profile names. */
void it_shared_sets(struct hss_ims_shared_set sets[2]);
void it_shared_sets_free(struct hss_ims_shared_set sets[2]);

bool it_ifc_eq(const struct hss_ims_ifc *a, const struct hss_ims_ifc *b);
bool it_str_eq(const char *a, const char *b);

/* Validate xml against hss/ims/xsd/NAME (found through $DCORE_SRCDIR); 0 valid, else the
 * first error in msg. */
int it_xsd_validate(const char *xsd_name, const char *xml, size_t len, char *msg, size_t msglen);

/* Write xml to $IMS_XML_OUT/NAME when that directory is set (the xmllint test's samples). */
void it_save(const char *name, const char *xml, size_t len);

#endif /* IMS_TEST_H */

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ims_int.h: what the files of hss/ims/ share and nobody else sees: error formatting, text
 * checks, enum name tables, and the libxml2 helpers (safe reading of untrusted documents,
 * element access, the iFC element both Cx and Sh carry).
 */
#ifndef IMS_INT_H
#define IMS_INT_H

#include "hss_ims.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdarg.h>

/* printf into err (NULL/0 accepted). */
void ims_err(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
char *ims_strdup(const char *s);
/* Grow *arr (n elements of size sz) by one zeroed element; ENOMEM. */
int ims_grow(void **arr, size_t *n, size_t sz);

/* Text that XML 1.0 can carry: valid UTF-8, no C0 control other than TAB/LF/CR, no
 * U+FFFE/U+FFFF, at most max octets. 0 or EINVAL with why. */
int ims_text_ok(const char *s, size_t max, char *why, size_t whylen);

/* Charging names: free (and zero) / deep copy (true on ENOMEM, dst then partly set). */
void ims_charging_free(struct hss_ims_charging *c);
bool ims_charging_copy(const struct hss_ims_charging *src, struct hss_ims_charging *dst);

/* Name tables (NULL-terminated, index = value). */
extern const char *const ims_id_type_names[];      /* public_user_identity ... */
extern const char *const ims_session_case_names[]; /* originating ... */
extern const char *const ims_default_handling_names[];
extern const char *const ims_profile_part_names[];
extern const char *const ims_spt_kind_keys[];      /* request_uri, method, sip_header ... */
extern const char *const ims_reg_type_names[];     /* initial, re_registration, de_registration */
/* Index of name in table, or -1. */
int ims_name_index(const char *const *table, const char *name);

/* ---------------------------------------------------------------------------------------
 * XML (xml_read.c, xml_ifc.c)
 * ------------------------------------------------------------------------------------- */

struct ims_xlim {
	size_t max_bytes, max_elements, max_service_data, max_repository;
	unsigned max_depth;
};
void ims_xlim_get(const struct hss_ims_xml_limits *in, struct ims_xlim *out);

/* Parse untrusted XML: size limit, UTF-8 only, no DOCTYPE (the parse stops at it), no
 * entity substitution, no network, then depth and element-count limits. *ret_doc must be
 * freed with xmlFreeDoc. EINVAL / E2BIG with "line N: why". */
int ims_xml_read(const char *buf, size_t len, const struct ims_xlim *lim, xmlDocPtr *ret_doc,
                 char *err, size_t errlen);

/* Element helpers. */
bool ims_xname(const xmlNode *n, const char *name);
xmlNodePtr ims_xfirst(xmlNodePtr parent);            /* first element child */
xmlNodePtr ims_xnext(xmlNodePtr n);                  /* next element sibling */
/* Whitespace-trimmed text content of a leaf element (EINVAL if it has element children
 * or is longer than max). *ret malloc'd. */
int ims_xtext(xmlNodePtr n, size_t max, char **ret, char *err, size_t errlen);
int ims_xuint(xmlNodePtr n, uint64_t max, uint64_t *ret, char *err, size_t errlen);
int ims_xbool(xmlNodePtr n, bool *ret, char *err, size_t errlen);
/* "line N: <Name>: " prefix errors. */
void ims_xerr(char *err, size_t errlen, const xmlNode *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Writing: a text child (escaped), checked with ims_text_ok; EINVAL names the element. */
int ims_xadd_text(xmlNodePtr parent, const char *name, const char *text, size_t max,
                  xmlNodePtr *ret, char *err, size_t errlen);
int ims_xadd_uint(xmlNodePtr parent, const char *name, uint64_t v, char *err, size_t errlen);
int ims_xadd_bool(xmlNodePtr parent, const char *name, bool v, char *err, size_t errlen);
int ims_xadd_elem(xmlNodePtr parent, const char *name, xmlNodePtr *ret);
/* Serialise doc (UTF-8, with declaration, no indentation) into a malloc'd buffer. */
int ims_xdump(xmlDocPtr doc, char **ret, size_t *ret_len);

/* InitialFilterCriteria, the same in Cx and Sh (tInitialFilterCriteria). */
int ims_ifc_write(xmlNodePtr parent, const struct hss_ims_ifc *ifc, char *err, size_t errlen);
int ims_ifc_read(xmlNodePtr node, struct hss_ims_ifc *ifc, char *err, size_t errlen);

#endif /* IMS_INT_H */

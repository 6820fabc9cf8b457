/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * xml_util.c: libxml2 with untrusted input and the small element helpers the Cx and Sh
 * readers and writers share. Reading refuses a document over the size limit, anything but
 * UTF-8, and any DOCTYPE (the parse is stopped at it, before an entity can be declared, so
 * neither entity expansion nor external loading can happen); it never substitutes entities
 * nor touches the network, and checks depth and element count before anyone walks the tree.
 */
#include "ims_int.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init_once(void)
{
	xmlInitParser();
}

void hss_ims_xml_init(void)
{
	pthread_once(&xml_once, xml_init_once);
}

void ims_xlim_get(const struct hss_ims_xml_limits *in, struct ims_xlim *out)
{
	out->max_bytes = in && in->max_bytes ? in->max_bytes : 256 * 1024;
	out->max_depth = in && in->max_depth ? in->max_depth : 32;
	out->max_elements = in && in->max_elements ? in->max_elements : 10000;
	out->max_service_data = in && in->max_service_data ? in->max_service_data : 64 * 1024;
	out->max_repository = in && in->max_repository ? in->max_repository : 32;
}

/* ----------------------------------------------------------------------------- reading */

struct rd_state {
	bool doctype;
};

static void no_doctype(void *ctx, const xmlChar *name, const xmlChar *ext, const xmlChar *sys)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct rd_state *st = ctxt->_private;

	(void)name;
	(void)ext;
	(void)sys;
	st->doctype = true;
	xmlStopParser(ctxt);
}

/* Depth and element count, without recursion. */
static int xml_limits(xmlNodePtr root, const struct ims_xlim *lim, char *err, size_t errlen)
{
	size_t count = 0;
	unsigned depth = 1;
	xmlNodePtr n = root;

	while (n) {
		if (n->type == XML_ELEMENT_NODE) {
			if (++count > lim->max_elements) {
				ims_xerr(err, errlen, n, "more than %zu elements", lim->max_elements);
				return E2BIG;
			}
			if (depth > lim->max_depth) {
				ims_xerr(err, errlen, n, "nested deeper than %u elements", lim->max_depth);
				return E2BIG;
			}
		}
		if (n->type == XML_ENTITY_REF_NODE || n->type == XML_ENTITY_NODE ||
		    n->type == XML_DTD_NODE || n->type == XML_XINCLUDE_START) {
			ims_xerr(err, errlen, n, "entities and DTDs are not accepted");
			return EINVAL;
		}
		if (n->children && n->type == XML_ELEMENT_NODE) {
			n = n->children;
			depth++;
			continue;
		}
		while (n && !n->next && n != root) {
			n = n->parent;
			depth--;
		}
		if (!n || n == root)
			break;
		n = n->next;
	}
	return 0;
}

int ims_xml_read(const char *buf, size_t len, const struct ims_xlim *lim, xmlDocPtr *ret_doc,
                 char *err, size_t errlen)
{
	struct rd_state st = { false };
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	int rc;

	hss_ims_xml_init();
	if (!buf || !len) {
		ims_err(err, errlen, "line 1: empty document");
		return EINVAL;
	}
	if (len > lim->max_bytes || len > INT32_MAX) {
		ims_err(err, errlen, "line 1: document of %zu octets exceeds the %zu octet limit", len,
		        lim->max_bytes);
		return E2BIG;
	}
	if ((len >= 2 && ((unsigned char)buf[0] == 0xfe || (unsigned char)buf[0] == 0xff)) ||
	    memchr(buf, '\0', len)) {
		ims_err(err, errlen, "line 1: not UTF-8");
		return EINVAL;
	}
	if (!(ctxt = xmlNewParserCtxt()))
		return ENOMEM;
	ctxt->_private = &st;
	ctxt->sax->internalSubset = no_doctype;
	/* No NOENT (entities stay unexpanded), no DTDLOAD/DTDATTR/XINCLUDE, no network, no
	 * HUGE (libxml2's own limits stay on), errors returned not printed. */
	doc = xmlCtxtReadMemory(ctxt, buf, (int)len, NULL, "UTF-8",
	                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	                        XML_PARSE_NOCDATA);
	if (st.doctype) {
		ims_err(err, errlen, "line %d: DOCTYPE not accepted", ctxt->input ? ctxt->input->line : 1);
		rc = EINVAL;
		goto fail;
	}
	if (!doc || !ctxt->wellFormed) {
		xmlErrorPtr e = xmlCtxtGetLastError(ctxt);
		char msg[200] = "not well-formed XML";
		if (e && e->message) {
			snprintf(msg, sizeof(msg), "%s", e->message);
			msg[strcspn(msg, "\n")] = '\0';
		}
		ims_err(err, errlen, "line %d: %s", e ? e->line : 1, msg);
		rc = EINVAL;
		goto fail;
	}
	if (doc->intSubset || doc->extSubset) {
		ims_err(err, errlen, "line 1: DOCTYPE not accepted");
		rc = EINVAL;
		goto fail;
	}
	if (!xmlDocGetRootElement(doc)) {
		ims_err(err, errlen, "line 1: no root element");
		rc = EINVAL;
		goto fail;
	}
	if ((rc = xml_limits(xmlDocGetRootElement(doc), lim, err, errlen)))
		goto fail;
	xmlFreeParserCtxt(ctxt);
	*ret_doc = doc;
	return 0;
fail:
	if (doc)
		xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return rc;
}

/* ---------------------------------------------------------------------------- elements */

bool ims_xname(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

xmlNodePtr ims_xfirst(xmlNodePtr parent)
{
	xmlNodePtr n = parent ? parent->children : NULL;

	while (n && n->type != XML_ELEMENT_NODE)
		n = n->next;
	return n;
}

xmlNodePtr ims_xnext(xmlNodePtr n)
{
	for (n = n ? n->next : NULL; n && n->type != XML_ELEMENT_NODE; n = n->next)
		;
	return n;
}

void ims_xerr(char *err, size_t errlen, const xmlNode *n, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (!err || !errlen)
		return;
	k = snprintf(err, errlen, "line %ld: <%s>: ", n ? xmlGetLineNo(n) : 1L,
	             n && n->name ? (const char *)n->name : "?");
	if (k < 0 || (size_t)k >= errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err + k, errlen - (size_t)k, fmt, ap);
	va_end(ap);
}

int ims_xtext(xmlNodePtr n, size_t max, char **ret, char *err, size_t errlen)
{
	xmlChar *c;
	char *s, *b, *e;

	if (ims_xfirst(n)) {
		ims_xerr(err, errlen, n, "expected text, found <%s>", ims_xfirst(n)->name);
		return EINVAL;
	}
	if (!(c = xmlNodeGetContent(n)))
		c = xmlStrdup((const xmlChar *)"");
	if (!c)
		return ENOMEM;
	/* xs:anyURI, xs:int and friends collapse surrounding white space. */
	for (b = (char *)c; *b == ' ' || *b == '\t' || *b == '\n' || *b == '\r'; b++)
		;
	e = b + strlen(b);
	while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		e--;
	if ((size_t)(e - b) > max) {
		ims_xerr(err, errlen, n, "longer than %zu octets", max);
		xmlFree(c);
		return EINVAL;
	}
	s = strndup(b, (size_t)(e - b));
	xmlFree(c);
	if (!s)
		return ENOMEM;
	*ret = s;
	return 0;
}

int ims_xuint(xmlNodePtr n, uint64_t max, uint64_t *ret, char *err, size_t errlen)
{
	char *s = NULL, *end;
	uint64_t v;
	int rc;

	if ((rc = ims_xtext(n, 32, &s, err, errlen)))
		return rc;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (!*s || *end || errno || s[0] == '-' || v > max) {
		ims_xerr(err, errlen, n, "expected an integer in [0, %" PRIu64 "], got '%s'", max, s);
		free(s);
		return EINVAL;
	}
	free(s);
	*ret = v;
	return 0;
}

int ims_xbool(xmlNodePtr n, bool *ret, char *err, size_t errlen)
{
	char *s = NULL;
	int rc;

	if ((rc = ims_xtext(n, 8, &s, err, errlen)))
		return rc;
	if (!strcmp(s, "true") || !strcmp(s, "1"))
		*ret = true;
	else if (!strcmp(s, "false") || !strcmp(s, "0"))
		*ret = false;
	else {
		ims_xerr(err, errlen, n, "expected true, false, 1 or 0, got '%s'", s);
		rc = EINVAL;
	}
	free(s);
	return rc;
}

/* ----------------------------------------------------------------------------- writing */

int ims_xadd_elem(xmlNodePtr parent, const char *name, xmlNodePtr *ret)
{
	xmlNodePtr n = xmlNewChild(parent, NULL, (const xmlChar *)name, NULL);

	if (!n)
		return ENOMEM;
	if (ret)
		*ret = n;
	return 0;
}

int ims_xadd_text(xmlNodePtr parent, const char *name, const char *text, size_t max,
                  xmlNodePtr *ret, char *err, size_t errlen)
{
	char why[96];
	xmlNodePtr n;

	if (ims_text_ok(text, max, why, sizeof(why))) {
		ims_err(err, errlen, "<%s>: %s", name, why);
		return EINVAL;
	}
	/* xmlNewTextChild escapes &, < and >; xmlNewChild would not. */
	if (!(n = xmlNewTextChild(parent, NULL, (const xmlChar *)name, (const xmlChar *)text)))
		return ENOMEM;
	if (ret)
		*ret = n;
	return 0;
}

int ims_xadd_uint(xmlNodePtr parent, const char *name, uint64_t v, char *err, size_t errlen)
{
	char b[24];

	snprintf(b, sizeof(b), "%" PRIu64, v);
	return ims_xadd_text(parent, name, b, sizeof(b), NULL, err, errlen);
}

/* Numeric booleans: xs:boolean allows both, and S-CSCFs that parse with atoi() exist. */
int ims_xadd_bool(xmlNodePtr parent, const char *name, bool v, char *err, size_t errlen)
{
	return ims_xadd_text(parent, name, v ? "1" : "0", 1, NULL, err, errlen);
}

int ims_xdump(xmlDocPtr doc, char **ret, size_t *ret_len)
{
	xmlChar *mem = NULL;
	int size = 0;
	char *out;

	xmlDocDumpFormatMemoryEnc(doc, &mem, &size, "UTF-8", 0);
	if (!mem || size <= 0) {
		xmlFree(mem);
		return ENOMEM;
	}
	if (!(out = malloc((size_t)size + 1))) {
		xmlFree(mem);
		return ENOMEM;
	}
	memcpy(out, mem, (size_t)size);
	out[size] = '\0';
	xmlFree(mem);
	*ret = out;
	if (ret_len)
		*ret_len = (size_t)size;
	return 0;
}

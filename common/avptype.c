/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * avptype.c: what kind of value an AVP holds, read from freeDiameter's dictionary once into a
 * struct cm_avpdef: its base type, the derived types that change its text form (Address,
 * Time, the string types), and whether its name makes it a TBCD number.
 */
#include "cm.h"

#include <errno.h>
#include <string.h>

/* AVPs whose value is a TBCD-encoded number (TS 29.272, 29.329, 29.338, 29.173). */
static const char *const cm_tbcd_names[] = {
	"MSISDN", "A-MSISDN", "C-MSISDN", "Correlation-MSISDN", "STN-SR", "MME-Number-for-MT-SMS",
	"SGSN-Number", "GMLC-Number", "MSC-Number", "SC-Address", NULL,
};

bool cm_avp_is_tbcd(const char *name)
{
	size_t i;

	for (i = 0; name && cm_tbcd_names[i]; i++)
		if (!strcmp(name, cm_tbcd_names[i]))
			return true;
	return false;
}

const char *cm_avp_basetype_name(enum dict_avp_basetype base)
{
	switch (base) {
	case AVP_TYPE_GROUPED: return "Grouped";
	case AVP_TYPE_OCTETSTRING: return "OctetString";
	case AVP_TYPE_INTEGER32: return "Integer32";
	case AVP_TYPE_INTEGER64: return "Integer64";
	case AVP_TYPE_UNSIGNED32: return "Unsigned32";
	case AVP_TYPE_UNSIGNED64: return "Unsigned64";
	case AVP_TYPE_FLOAT32: return "Float32";
	case AVP_TYPE_FLOAT64: return "Float64";
	}
	return "?";
}

static bool is(const char *a, const char *b)
{
	return a && !strcmp(a, b);
}

int cm_avpdef_get(struct dict_object *model, struct cm_avpdef *ret)
{
	struct dictionary *dict = NULL;
	struct dict_object *type = NULL;
	struct dict_avp_data ad;
	struct dict_type_data td;
	struct cm_avpdef d;

	if (!model || fd_dict_getval(model, &ad) || fd_dict_getdict(model, &dict))
		return EINVAL;
	memset(&d, 0, sizeof(d));
	d.model = model;
	d.code = ad.avp_code;
	d.vendor = ad.avp_vendor;
	d.base = ad.avp_basetype;
	d.name = ad.avp_name;
	if (!fd_dict_search(dict, DICT_TYPE, TYPE_OF_AVP, model, &type, 0) && type &&
	    !fd_dict_getval(type, &td)) {
		d.type = type;
		d.type_name = td.type_name;
	}
	d.text = is(d.type_name, "UTF8String") || is(d.type_name, "DiameterIdentity") ||
	         is(d.type_name, "DiameterURI") || is(d.type_name, "IPFilterRule");
	d.nocase = is(d.type_name, "DiameterIdentity") || is(d.type_name, "DiameterURI");
	if (d.base == AVP_TYPE_GROUPED)
		d.fmt = CM_VF_GROUPED;
	else if (d.base != AVP_TYPE_OCTETSTRING)
		d.fmt = CM_VF_NUM;
	else if (is(d.type_name, "Address"))
		d.fmt = CM_VF_ADDRESS;
	else if (is(d.type_name, "Time"))
		d.fmt = CM_VF_TIME;
	else
		d.fmt = CM_VF_OCTETS;
	d.tbcd = d.fmt == CM_VF_OCTETS && cm_avp_is_tbcd(d.name);
	*ret = d;
	return 0;
}

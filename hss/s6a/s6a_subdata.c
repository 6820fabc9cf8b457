/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * s6a_subdata.c: the Subscription-Data AVP (TS 29.272 7.3.2) built from a subscriber record,
 * shared by the ULA and the IDR. Children are added in the order of the ABNF; optional
 * values the subscriber does not have are left out rather than sent as zero.
 */
#include "hss_int.h"

#include <errno.h>
#include <string.h>

/* An optional value in its text form (cm.h): TBCD digits, an IPv4/IPv6 address. Left out when
 * the subscriber has none; EINVAL for a value the database should have refused (never send
 * garbage). */
static int sd_text(struct avp *parent, const char *name, const char *text, bool tbcd)
{
	if (!text[0])
		return 0;
	return cm_avp_add_text(parent, name, text, tbcd, NULL);
}

static int sd_ambr(struct avp *parent, uint32_t ul, uint32_t dl)
{
	struct avp *a = NULL;
	int rc;

	if ((rc = cm_avp_add_group(parent, "AMBR", &a)))
		return rc;
	if ((rc = cm_avp_add_u32(a, "Max-Requested-Bandwidth-UL", ul)))
		return rc;
	return cm_avp_add_u32(a, "Max-Requested-Bandwidth-DL", dl);
}

static int sd_apn(struct avp *profile, const struct hss_apn *apn)
{
	struct avp *c = NULL, *q = NULL, *arp = NULL, *mip = NULL, *hah = NULL;
	int rc;

	if ((rc = cm_avp_add_group(profile, "APN-Configuration", &c)) ||
	    (rc = cm_avp_add_u32(c, "Context-Identifier", apn->ctx_id)) ||
	    (rc = sd_text(c, "Served-Party-IP-Address", apn->static_ipv4, false)) ||
	    (rc = sd_text(c, "Served-Party-IP-Address", apn->static_ipv6, false)) ||
	    (rc = cm_avp_add_i32(c, "PDN-Type", (int32_t)apn->pdn_type)) ||
	    (rc = cm_avp_add_str(c, "Service-Selection", apn->apn)))
		return rc;
	if ((rc = cm_avp_add_group(c, "EPS-Subscribed-QoS-Profile", &q)) ||
	    (rc = cm_avp_add_i32(q, "QoS-Class-Identifier", (int32_t)apn->qci)) ||
	    (rc = cm_avp_add_group(q, "Allocation-Retention-Priority", &arp)) ||
	    (rc = cm_avp_add_u32(arp, "Priority-Level", apn->arp_prio)) ||
	    /* ENABLED (0) / DISABLED (1) */
	    (rc = cm_avp_add_i32(arp, "Pre-emption-Capability", apn->preempt_cap ? 0 : 1)) ||
	    (rc = cm_avp_add_i32(arp, "Pre-emption-Vulnerability", apn->preempt_vuln ? 0 : 1)))
		return rc;
	/* NOTALLOWED (0) / ALLOWED (1) */
	if ((rc = cm_avp_add_i32(c, "VPLMN-Dynamic-Address-Allowed", apn->vplmn_dyn ? 1 : 0)))
		return rc;
	if (apn->pgw_host[0]) {
		if ((rc = cm_avp_add_group(c, "MIP6-Agent-Info", &mip)) ||
		    (rc = cm_avp_add_group(mip, "MIP-Home-Agent-Host", &hah)) ||
		    (rc = cm_avp_add_str(hah, "Destination-Realm",
		                         apn->pgw_realm[0] ? apn->pgw_realm :
		                         fd_g_config->cnf_diamrlm)) ||
		    (rc = cm_avp_add_str(hah, "Destination-Host", apn->pgw_host)))
			return rc;
	}
	if ((rc = cm_avp_add_i32(c, "PDN-GW-Allocation-Type", (int32_t)apn->pgw_alloc)))
		return rc;
	if (apn->ambr_ul || apn->ambr_dl)
		rc = sd_ambr(c, apn->ambr_ul, apn->ambr_dl);
	return rc;
}

static int sd_fill(struct avp *sd, const struct hss_sub *sub)
{
	struct avp *prof = NULL;
	uint32_t def_ctx;
	size_t i;
	int rc;

	if ((rc = cm_avp_add_i32(sd, "Subscriber-Status", (int32_t)sub->subscriber_status)) ||
	    (rc = sd_text(sd, "MSISDN", sub->msisdn, true)) ||
	    (rc = sd_text(sd, "A-MSISDN", sub->a_msisdn, true)) ||
	    (rc = cm_avp_add_i32(sd, "Network-Access-Mode", (int32_t)sub->network_access_mode)))
		return rc;
	if ((sub->subscriber_status == HSS_SUB_OPERATOR_DETERMINED_BARRING || sub->odb) &&
	    (rc = cm_avp_add_u32(sd, "Operator-Determined-Barring", sub->odb)))
		return rc;
	if (sub->access_restriction_data &&
	    (rc = cm_avp_add_u32(sd, "Access-Restriction-Data", sub->access_restriction_data)))
		return rc;
	if (sub->charging_chars[0] &&
	    (rc = cm_avp_add_str(sd, "3GPP-Charging-Characteristics", sub->charging_chars)))
		return rc;
	if ((sub->ambr_ul || sub->ambr_dl) && (rc = sd_ambr(sd, sub->ambr_ul, sub->ambr_dl)))
		return rc;
	if (sub->n_apns) {
		def_ctx = sub->default_ctx_id ? sub->default_ctx_id : sub->apns[0].ctx_id;
		if ((rc = cm_avp_add_group(sd, "APN-Configuration-Profile", &prof)) ||
		    (rc = cm_avp_add_u32(prof, "Context-Identifier", def_ctx)) ||
		    (rc = cm_avp_add_i32(prof, "All-APN-Configurations-Included-Indicator",
		                         0 /* All_APN_CONFIGURATIONS_INCLUDED */)))
			return rc;
		for (i = 0; i < sub->n_apns && i < HSS_DB_MAX_APNS; i++)
			if ((rc = sd_apn(prof, &sub->apns[i])))
				return rc;
	}
	if (sub->periodic_tau &&
	    (rc = cm_avp_add_u32(sd, "Subscribed-Periodic-RAU-TAU-Timer", sub->periodic_tau)))
		return rc;
	return 0;
}

int hss_subdata_new(const struct hss_sub *sub, struct avp **ret)
{
	struct avp *sd = NULL;
	int rc;

	if ((rc = hss_avp_new("Subscription-Data", &sd)))
		return rc;
	if ((rc = sd_fill(sd, sub))) {
		fd_msg_free(sd);
		return rc;
	}
	*ret = sd;
	return 0;
}

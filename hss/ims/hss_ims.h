/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hss_ims.h: the one public header of hss/ims/, the IMS subscription model of the HSS and
 * the XML it travels as:
 *   - the model (TS 23.228 4.3, TS 29.228 Annex B): one IMS subscription with its private
 *     identities (IMPI), public identities (IMPU, PSI), service profiles with initial filter
 *     criteria, charging information and S-CSCF selection data; validation; lookups
 *     (implicit registration sets, wildcards, aliases);
 *   - its YAML text form for provisioning (hssctl import/export);
 *   - the Cx User-Data XML (TS 29.228 6.1.2, Annex E) the HSS sends in SAA and PPR, and a
 *     reader for it;
 *   - the Sh-Data XML (TS 29.328 7.6, Annex D) of UDA and PNR, and the reader for the Sh-Data
 *     an application server sends in PUR (hostile input: size, depth and node limits, no
 *     DTD, no entities, no network).
 * Nothing here speaks Diameter or touches a database: the Cx/Sh procedures and the IMS
 * storage build on it.
 *
 * Conventions: functions return 0 or an errno value (EINVAL bad data, ENOENT unknown
 * identity, ENOMEM, E2BIG over a limit). Functions taking `char *err, size_t errlen` write
 * one line there on failure: "field 'PATH': value 'V': why" for the model, "FILE:LINE: key
 * 'PATH': why" for YAML, "line N: <Element>: why" for XML. PATH uses the YAML key names
 * (public_identities[2].service_profile). `ret_*` outputs are untouched on failure. Every
 * string of the model is owned by it (NULL = absent) and freed by hss_ims_sub_free; arrays
 * with a HSS_IMS_MAX_* bound are either fixed arrays (groups, capabilities, shared iFC set
 * ids, MSISDNs) or owned arrays whose length validation bounds.
 *
 * Secrets: digest_ha1 lets whoever has it authenticate as the user; hss_ims_sub_free wipes
 * it, validation messages never print it, and the YAML text that carries it should be
 * handled like a key file.
 */
#ifndef HSS_IMS_H
#define HSS_IMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------------------------------
 * Limits (validation refuses more; they keep one subscription's User-Data well under the
 * size any S-CSCF accepts)
 * ------------------------------------------------------------------------------------- */

#define HSS_IMS_MAX_IMPIS        16   /* private identities per subscription */
#define HSS_IMS_MAX_IMPUS       128   /* public identities per subscription */
#define HSS_IMS_MAX_PROFILES     32   /* service profiles per subscription */
#define HSS_IMS_MAX_IFCS         64   /* initial filter criteria per service profile */
#define HSS_IMS_MAX_SPTS         64   /* service point triggers per trigger point */
#define HSS_IMS_MAX_GROUPS       16   /* Group values per SPT */
#define HSS_IMS_MAX_SHARED_SETS  32   /* SharedIFCSetID per service profile */
#define HSS_IMS_MAX_CAPS         32   /* mandatory / optional S-CSCF capabilities each */
#define HSS_IMS_MAX_MSISDNS       8   /* MSISDNs of a subscription without an S6a link */
#define HSS_IMS_MAX_DSAI         32   /* DSAI tags per public identity */
#define HSS_IMS_MAX_IMPI_IMPUS  128   /* explicit IMPI -> IMPU associations per IMPI */
#define HSS_IMS_URI_MAX         512   /* identities, server names, Diameter URIs: octets */
#define HSS_IMS_TEXT_MAX       4096   /* display names, service info, SPT values: octets */
#define HSS_IMS_ID_MAX           64   /* subscription id, profile names, alias group ids */

/* ---------------------------------------------------------------------------------------
 * Model
 * ------------------------------------------------------------------------------------- */

/* Authentication schemes an IMPI may use (TS 29.229 6.3.9 SIP-Authentication-Scheme). */
enum hss_ims_auth {
	HSS_IMS_AUTH_AKAV1_MD5 = 1u << 0,      /* "Digest-AKAv1-MD5": Milenage, needs the IMSI link */
	HSS_IMS_AUTH_AKAV2_SHA256 = 1u << 1,   /* "Digest-AKAv2-SHA-256" (RFC 4169) */
	HSS_IMS_AUTH_SIP_DIGEST = 1u << 2,     /* "SIP Digest": HA1 + realm */
	HSS_IMS_AUTH_NASS_BUNDLED = 1u << 3,   /* "NASS-Bundled" */
	HSS_IMS_AUTH_EARLY_IMS = 1u << 4,      /* "Early-IMS-Security" */
};
#define HSS_IMS_AUTH_ALL 0x1fu

/* Cx tIdentityType (TS 29.228 Annex E); the values are the ones sent in the XML. */
enum hss_ims_id_type {
	HSS_IMS_ID_PUBLIC_USER = 0,          /* distinct IMPU */
	HSS_IMS_ID_DISTINCT_PSI = 1,
	HSS_IMS_ID_WILDCARDED_PSI = 2,       /* identity holds the pattern (TS 23.003 clause 13) */
	HSS_IMS_ID_NON_DISTINCT_IMPU = 3,    /* an IMPU inside a wildcarded IMPU range */
	HSS_IMS_ID_WILDCARDED_IMPU = 4,      /* identity holds the pattern (TS 23.003 clause 13) */
};

/* SPT SessionCase, tDirectionOfRequest. */
enum hss_ims_session_case {
	HSS_IMS_SC_ORIGINATING = 0,
	HSS_IMS_SC_TERMINATING_REGISTERED = 1,
	HSS_IMS_SC_TERMINATING_UNREGISTERED = 2,
	HSS_IMS_SC_ORIGINATING_UNREGISTERED = 3,
	HSS_IMS_SC_ORIGINATING_CDIV = 4,
};

/* SPT kinds: each SPT holds exactly one condition (tSePoTri choice). */
enum hss_ims_spt_kind {
	HSS_IMS_SPT_REQUEST_URI = 0,
	HSS_IMS_SPT_METHOD = 1,
	HSS_IMS_SPT_SIP_HEADER = 2,          /* value = header name, content = regex or NULL */
	HSS_IMS_SPT_SESSION_CASE = 3,        /* session_case */
	HSS_IMS_SPT_SESSION_DESCRIPTION = 4, /* value = SDP line, content = regex or NULL */
};

/* RegistrationType values of an SPT (tRegistrationType), as a bitmask; the schema allows
 * at most two of them per SPT. */
#define HSS_IMS_REG_INITIAL 0x1u
#define HSS_IMS_REG_RE      0x2u
#define HSS_IMS_REG_DE      0x4u

/* One service point trigger. */
struct hss_ims_spt {
	bool negated;                            /* ConditionNegated */
	uint32_t groups[HSS_IMS_MAX_GROUPS];     /* Group, at least one, each 0..INT32_MAX */
	size_t n_groups;
	enum hss_ims_spt_kind kind;
	char *value;                             /* RequestURI, Method, Header or Line */
	char *content;                           /* Content of SIPHeader/SessionDescription */
	enum hss_ims_session_case session_case;  /* SESSION_CASE only */
	uint32_t reg_types;                      /* HSS_IMS_REG_* (Extension/RegistrationType) */
};

/* One initial filter criteria (TS 29.228 B.2.2). A trigger point in conjunctive normal
 * form (cnf true) ORs the SPTs of one group and ANDs the groups; in disjunctive normal
 * form (cnf false) it ANDs the SPTs of one group and ORs the groups. */
struct hss_ims_ifc {
	uint32_t priority;                       /* unique per service profile, 0..INT32_MAX */
	bool has_trigger;                        /* false: unconditional (no TriggerPoint) */
	bool cnf;                                /* ConditionTypeCNF */
	struct hss_ims_spt *spts;                /* at least one when has_trigger */
	size_t n_spts;
	char *server_name;                       /* ApplicationServer/ServerName, SIP URI */
	int default_handling;                    /* -1 absent, 0 SESSION_CONTINUED, 1 _TERMINATED */
	char *service_info;                      /* ServiceInfo or NULL */
	bool include_register_request;
	bool include_register_response;
	int profile_part;                        /* -1 absent, 0 REGISTERED, 1 UNREGISTERED */
};

/* A service profile: what the S-CSCF applies to the public identities that use it. */
struct hss_ims_profile {
	char *name;                              /* referenced by public identities */
	int64_t media_profile_id;                /* SubscribedMediaProfileId; -1: no
	                                          * CoreNetworkServicesAuthorization */
	uint32_t shared_ifc_sets[HSS_IMS_MAX_SHARED_SETS]; /* SharedIFCSetID, unique */
	size_t n_shared_ifc_sets;
	struct hss_ims_ifc *ifcs;
	size_t n_ifcs;
};

/* Dynamic Service Activation Info of one application server (TS 29.328 7.6, DSAI). */
struct hss_ims_dsai {
	char *as_name;                           /* the AS (SIP URI) the tag belongs to */
	char *tag;                               /* DSAI-Tag */
	bool active;                             /* DSAI-Value: 0 ACTIVE, 1 INACTIVE on the wire */
};

/* A public identity (IMPU or PSI). */
struct hss_ims_impu {
	char *identity;                          /* sip:, sips: or tel: URI; for wildcarded
	                                          * types the pattern with !regex! parts */
	enum hss_ims_id_type type;
	bool barred;                             /* BarringIndication */
	uint32_t irs;                            /* implicit registration set; 0: a set of its own */
	bool irs_default;                        /* the default IMPU of its set (first in
	                                          * User-Data); at most one per set */
	char *display_name;                      /* DisplayName */
	char *alias_group;                       /* AliasIdentityGroupID */
	char *service_profile;                   /* name of a service profile (required) */
	bool psi_active;                         /* PSIActivation; PSIs only; default true */
	char *wildcarded_impu;                   /* NON_DISTINCT_IMPU: the wildcarded IMPU
	                                          * (pattern of a WILDCARDED_IMPU entry) */
	struct hss_ims_dsai *dsai;
	size_t n_dsai;
};

/* AKA credentials of a private identity that has no S6a subscriber (an ISIM or a soft
 * client of its own): K, OP or OPc, AMF and the SQN counter (TS 33.102). The IMS store
 * keeps them apart from the subscription (the SQN moves with every vector) and never in a
 * listing; the YAML carries them like the HA1 (treat exports like key files). */
struct hss_ims_aka {
	bool present;
	uint8_t k[16];
	uint8_t op[16];                          /* OPc when opc, else OP */
	bool opc;
	uint8_t amf[2];                          /* default 0000 (separation bit 0 for IMS) */
	uint64_t sqn;                            /* last SQN handed out (48 bits) */
	uint32_t ind_bits;                       /* IND length, default 5 (0..16) */
};

/* A private identity. */
struct hss_ims_impi {
	char *identity;                          /* NAI user@realm (TS 23.003 13.3) */
	uint32_t auth_schemes;                   /* HSS_IMS_AUTH_* allowed, at least one */
	uint32_t default_scheme;                 /* one of auth_schemes: the scheme an "Unknown"
	                                          * MAR gets */
	char *digest_realm;                      /* SIP Digest realm (required with SIP_DIGEST) */
	char digest_ha1[33];                     /* MD5(impi:realm:password), lower-case hex;
	                                          * "" none (required with SIP_DIGEST) */
	char imsi[16];                           /* S6a subscriber sharing K/OPc and SQN; ""
	                                          * none (AKA then needs aka below) */
	struct hss_ims_aka aka;                  /* own AKA credentials when no imsi */
	char **impus;                            /* public identities it may use; none: all of
	                                          * the subscription's */
	size_t n_impus;
};

struct hss_ims_charging {                    /* TS 29.229 Charging-Information, Diameter URIs */
	char *primary_ccf, *secondary_ccf;       /* Charging Collection Functions (offline) */
	char *primary_ecf, *secondary_ecf;       /* Event Charging Functions (online) */
};

/* S-CSCF selection (UAA/LIA Server-Capabilities or Server-Name). */
struct hss_ims_scscf {
	char *name;                              /* preferred S-CSCF (SIP URI) or NULL */
	uint32_t mandatory[HSS_IMS_MAX_CAPS];    /* Mandatory-Capability values */
	size_t n_mandatory;
	uint32_t optional[HSS_IMS_MAX_CAPS];     /* Optional-Capability values */
	size_t n_optional;
};

struct hss_ims_sub {
	char *id;                                /* subscription key: [A-Za-z0-9._@+-]{1,64} */
	struct hss_ims_impi *impis;
	size_t n_impis;
	struct hss_ims_impu *impus;
	size_t n_impus;
	struct hss_ims_profile *profiles;
	size_t n_profiles;
	struct hss_ims_charging charging;
	struct hss_ims_scscf scscf;
	char msisdns[HSS_IMS_MAX_MSISDNS][16];   /* MSISDNs (1..15 digits) when no IMPI links an
	                                          * S6a subscriber that has them */
	size_t n_msisdns;
};

/* A shared iFC set (TS 29.228 B.2.2, the "Shared iFC Sets" feature of the Cx feature list, TS 29.229): the
 * S-CSCF knows them by id; an HSS that talks to an S-CSCF without the feature sends their
 * iFCs instead, when it has their definitions. */
struct hss_ims_shared_set {
	uint32_t id;
	struct hss_ims_ifc *ifcs;
	size_t n_ifcs;
};

/* Zero the model (no allocation). */
void hss_ims_sub_init(struct hss_ims_sub *sub);
/* Free everything the model owns (wiping digest_ha1) and zero it again. NULL accepted. */
void hss_ims_sub_free(struct hss_ims_sub *sub);
/* Deep copy. On failure dst is left zeroed. */
int hss_ims_sub_copy(const struct hss_ims_sub *src, struct hss_ims_sub *dst);

/* Set an owned string: frees the old value; NULL or "" clears it. ENOMEM. */
int hss_ims_set_str(char **field, const char *value);

/* Append a new element initialised with its defaults (IMPU: PUBLIC_USER, psi_active;
 * profile: media_profile_id -1; IFC: default_handling and profile_part -1) and return it
 * through ret (valid until the next append to the same array). ENOMEM, or E2BIG when
 * the array already holds its HSS_IMS_MAX_* elements. */
int hss_ims_add_impi(struct hss_ims_sub *sub, const char *identity, struct hss_ims_impi **ret);
int hss_ims_add_impu(struct hss_ims_sub *sub, const char *identity, const char *profile,
                     struct hss_ims_impu **ret);
int hss_ims_add_profile(struct hss_ims_sub *sub, const char *name,
                        struct hss_ims_profile **ret);
int hss_ims_add_ifc(struct hss_ims_profile *p, uint32_t priority, const char *server_name,
                    struct hss_ims_ifc **ret);
int hss_ims_add_spt(struct hss_ims_ifc *ifc, enum hss_ims_spt_kind kind, const char *value,
                    const char *content, uint32_t group, struct hss_ims_spt **ret);
int hss_ims_add_dsai(struct hss_ims_impu *impu, const char *as_name, const char *tag,
                     bool active);
int hss_ims_impi_add_impu(struct hss_ims_impi *impi, const char *impu);

/* Deep copy / free of one iFC (used by the Sh selection and by shared sets). */
int hss_ims_ifc_copy(const struct hss_ims_ifc *src, struct hss_ims_ifc *dst);
void hss_ims_ifc_free(struct hss_ims_ifc *ifc);

/* Check the whole subscription: syntax of every identity, URI and name, ranges, limits,
 * references (IMPU -> service profile, IMPI -> IMPUs, non-distinct IMPU -> wildcarded
 * IMPU), uniqueness (identities, profile names, iFC priorities per profile, shared set ids),
 * one default per implicit registration set, authentication data the allowed schemes need,
 * each SPT holding one condition, UTF-8 text XML can carry. EINVAL with
 * "field 'PATH': value 'V': why" (the HA1 value is never printed). */
int hss_ims_sub_validate(const struct hss_ims_sub *sub, char *err, size_t errlen);
/* Same, with the failing field's path and the message apart (the YAML reader turns the
 * path into a line number). */
int hss_ims_sub_check(const struct hss_ims_sub *sub, char *path, size_t pathlen, char *msg,
                      size_t msglen);

/* Syntax checks, also for the Cx/Sh procedures' input. 0 or EINVAL with a reason in why. */
int hss_ims_check_impi(const char *nai, char *why, size_t whylen);
int hss_ims_check_impu(const char *uri, bool wildcarded, char *why, size_t whylen);
int hss_ims_check_sip_uri(const char *uri, char *why, size_t whylen);
int hss_ims_check_diameter_uri(const char *uri, char *why, size_t whylen);

/* Wildcarded identities (TS 23.003 clause 13): the parts between '!' are POSIX extended
 * regular expressions, the rest matches literally. 1 match, 0 no match, or -EINVAL for a
 * pattern that does not compile. */
int hss_ims_wildcard_match(const char *pattern, const char *identity);

/* Lookups. An index into sub->impus / impis / profiles, or -1. find_impu tries exact
 * identities first, then (with wildcards) the wildcarded PSI/IMPU patterns in order;
 * tel: URIs compare without visual separators, sip: URIs with a case-insensitive scheme
 * and host. */
long hss_ims_find_impu(const struct hss_ims_sub *sub, const char *identity, bool wildcards);
long hss_ims_find_impi(const struct hss_ims_sub *sub, const char *identity);
long hss_ims_find_profile(const struct hss_ims_sub *sub, const char *name);
/* Whether the IMPI may use the IMPU (TS 29.228 6.1.1 IDENTITIES_DONT_MATCH). */
bool hss_ims_impi_may_use(const struct hss_ims_sub *sub, size_t impi, size_t impu);
/* Equality of two public identities as find_impu compares them. */
bool hss_ims_identity_eq(const char *a, const char *b);
/* The comparable form of a public identity (what hss_ims_identity_eq compares: tel: without
 * visual separators and lower case, sip:/sips: with the scheme and host in lower case), the
 * key an index of identities uses. EINVAL when it does not fit outsz (which should be
 * HSS_IMS_URI_MAX + 1). */
int hss_ims_identity_norm(const char *identity, char *out, size_t outsz);
/* The comparable form of a private identity (NAI): user part as is, realm in lower case,
 * as hss_ims_find_impi compares. EINVAL when it does not fit. */
int hss_ims_impi_norm(const char *nai, char *out, size_t outsz);

/* The implicit registration set of impu: indexes of its members, the default first, then
 * the others in model order (TS 29.228 6.5: the set is registered, de-registered and sent
 * together). Returns the count (at most max, of which idx holds max). */
size_t hss_ims_irs(const struct hss_ims_sub *sub, size_t impu, size_t *idx, size_t max);
/* Aliases of impu (TS 23.228, alias public user identities): members of its implicit
 * registration set that use the same service profile and, when either has one, the same
 * alias group; impu itself included, in model order. */
size_t hss_ims_aliases(const struct hss_ims_sub *sub, size_t impu, size_t *idx, size_t max);

/* Authentication scheme names: the wire text of SIP-Authentication-Scheme
 * ("Digest-AKAv1-MD5", "SIP Digest", ...) and the YAML names ("digest-akav1-md5",
 * "sip-digest", ...). Lookup accepts either, case-insensitively; 0 when unknown. */
const char *hss_ims_auth_wire_name(uint32_t scheme);
const char *hss_ims_auth_yaml_name(uint32_t scheme);
uint32_t hss_ims_auth_lookup(const char *name);

/* ---------------------------------------------------------------------------------------
 * YAML (one subscription per document; keys in README.md)
 * ------------------------------------------------------------------------------------- */

struct cm_ynode;   /* common/cm.h */

/* Parse a document (`name` is used in messages) into ret and validate it. A
 * `digest_password` is turned into digest_ha1 and wiped. EINVAL with
 * "NAME:LINE: key 'PATH': why" for schema, value and validation errors alike. */
int hss_ims_yaml_parse(const char *name, const char *buf, size_t len, struct hss_ims_sub *ret,
                       char *err, size_t errlen);
/* The same from a node of a document the caller loaded with cm_yaml_* (e.g. one item of a
 * list of subscriptions). The caller owns and frees the document. */
int hss_ims_yaml_from_node(const struct cm_ynode *node, struct hss_ims_sub *ret, char *err,
                           size_t errlen);
/* Emit the subscription as a YAML document that hss_ims_yaml_parse reads back. *ret_buf
 * is malloc'd and NUL-terminated (it holds the HA1: wipe it before free if that matters). */
int hss_ims_yaml_emit(const struct hss_ims_sub *sub, char **ret_buf, size_t *ret_len);

/* ---------------------------------------------------------------------------------------
 * XML common
 * ------------------------------------------------------------------------------------- */

/* Initialise libxml2 once (thread-safe); the functions below call it too. */
void hss_ims_xml_init(void);

/* Limits for reading XML that came from the network. 0 fields take the defaults. */
struct hss_ims_xml_limits {
	size_t max_bytes;          /* whole document; default 256 KiB */
	unsigned max_depth;        /* element nesting; default 32 */
	size_t max_elements;       /* elements in the document; default 10000 */
	size_t max_service_data;   /* serialised ServiceData of one RepositoryData; default
	                            * 64 KiB (beyond: HSS_IMS_SH_TOO_MUCH_DATA) */
	size_t max_repository;     /* RepositoryData elements; default 32 */
};

/* ---------------------------------------------------------------------------------------
 * Cx User-Data (TS 29.228 6.1.2, 6.5, 6.6, Annex B and E)
 * ------------------------------------------------------------------------------------- */

/* Server-Assignment-Type (TS 29.229 6.3.15). */
enum hss_ims_sat {
	HSS_IMS_SAT_NO_ASSIGNMENT = 0,
	HSS_IMS_SAT_REGISTRATION = 1,
	HSS_IMS_SAT_RE_REGISTRATION = 2,
	HSS_IMS_SAT_UNREGISTERED_USER = 3,
	HSS_IMS_SAT_TIMEOUT_DEREGISTRATION = 4,
	HSS_IMS_SAT_USER_DEREGISTRATION = 5,
	HSS_IMS_SAT_TIMEOUT_DEREGISTRATION_STORE_SERVER_NAME = 6,
	HSS_IMS_SAT_USER_DEREGISTRATION_STORE_SERVER_NAME = 7,
	HSS_IMS_SAT_ADMINISTRATIVE_DEREGISTRATION = 8,
	HSS_IMS_SAT_AUTHENTICATION_FAILURE = 9,
	HSS_IMS_SAT_AUTHENTICATION_TIMEOUT = 10,
	HSS_IMS_SAT_DEREGISTRATION_TOO_MUCH_DATA = 11,
	HSS_IMS_SAT_AAA_USER_DATA_REQUEST = 12,
	HSS_IMS_SAT_PGW_UPDATE = 13,
	HSS_IMS_SAT_RESTORATION = 14,
};

/* Whether an SAA for this Server-Assignment-Type carries User-Data (TS 29.228 6.1.2.1):
 * NO_ASSIGNMENT, UNREGISTERED_USER and RESTORATION always; REGISTRATION and
 * RE_REGISTRATION unless the S-CSCF said User-Data-Already-Available; never the
 * de-registration types, nor AAA_USER_DATA_REQUEST/PGW_UPDATE (SWx only). */
bool hss_ims_cx_sat_has_user_data(enum hss_ims_sat sat, bool user_data_already_available);

struct hss_ims_cx_opts {
	const char *impi;          /* PrivateID: the SAR's User-Name; NULL: the first IMPI */
	const char *impu;          /* the SAR/PPR Public-Identity (may match a wildcard) */
	bool shared_ifc_sets;      /* the S-CSCF supports the Shared iFC Sets feature */
	const struct hss_ims_shared_set *sets;  /* definitions to expand when it does not */
	size_t n_sets;
};

/* Build the IMSSubscription document for the implicit registration set of opts->impu:
 * PrivateID, then one ServiceProfile per service profile the set's members use (the
 * default member's first), each listing the members that use it (default first) with
 * BarringIndication, IdentityType, WildcardedPSI / WildcardedIMPU (the pattern, with the
 * requested identity as Identity), DisplayName, AliasIdentityGroupID, then
 * CoreNetworkServicesAuthorization, the iFCs in priority order and SharedIFCSetIDs (or the
 * shared sets' iFCs when the S-CSCF lacks the feature). UTF-8, no namespace, as Annex E.
 * ENOENT: impu or impi unknown, or the IMPI may not use the IMPU; EINVAL: a shared set to
 * expand is not defined, or a string XML cannot carry. *ret_xml is malloc'd. */
int hss_ims_cx_user_data(const struct hss_ims_sub *sub, const struct hss_ims_cx_opts *opts,
                         char **ret_xml, size_t *ret_len, char *err, size_t errlen);

/* Read an IMSSubscription document (an SAA/PPR User-Data) into a model: impis[0] holds the
 * PrivateID, each ServiceProfile becomes a profile named "sp1", "sp2"..., its identities
 * use it, all in one implicit registration set (irs 1, the first one default) when there
 * are several. Limits as for Sh (lim may be NULL). EINVAL with "line N: <Elem>: why". */
int hss_ims_cx_parse(const char *xml, size_t len, const struct hss_ims_xml_limits *lim,
                     struct hss_ims_sub *ret, char *err, size_t errlen);

/* ---------------------------------------------------------------------------------------
 * Sh-Data (TS 29.328 7.6 and Annex D, TS 29.329)
 * ------------------------------------------------------------------------------------- */

/* Data-Reference (TS 29.329 6.3.4). */
enum hss_ims_sh_dref {
	HSS_IMS_DREF_REPOSITORY_DATA = 0,
	HSS_IMS_DREF_IMS_PUBLIC_IDENTITY = 10,
	HSS_IMS_DREF_IMS_USER_STATE = 11,
	HSS_IMS_DREF_SCSCF_NAME = 12,
	HSS_IMS_DREF_INITIAL_FILTER_CRITERIA = 13,
	HSS_IMS_DREF_LOCATION_INFORMATION = 14,
	HSS_IMS_DREF_USER_STATE = 15,
	HSS_IMS_DREF_CHARGING_INFORMATION = 16,
	HSS_IMS_DREF_MSISDN = 17,
	HSS_IMS_DREF_PSI_ACTIVATION = 18,
	HSS_IMS_DREF_DSAI = 19,
};

/* Identity-Set (TS 29.329 6.3.10). */
enum hss_ims_identity_set {
	HSS_IMS_SET_ALL = 0,
	HSS_IMS_SET_REGISTERED = 1,
	HSS_IMS_SET_IMPLICIT = 2,
	HSS_IMS_SET_ALIAS = 3,
};

/* IMSUserState (tIMSUserState). */
enum hss_ims_user_state {
	HSS_IMS_NOT_REGISTERED = 0,
	HSS_IMS_REGISTERED = 1,
	HSS_IMS_REGISTERED_UNREG_SERVICES = 2,
	HSS_IMS_AUTHENTICATION_PENDING = 3,
};

/* CS/PS/EPS user state (tCSUserState / tPSUserState; EPSUserState uses tPSUserState). */
enum hss_ims_ps_state {
	HSS_IMS_PS_DETACHED = 0,
	HSS_IMS_PS_ATTACHED_NOT_REACHABLE = 1,
	HSS_IMS_PS_ATTACHED_REACHABLE = 2,
	HSS_IMS_PS_CONNECTED_NOT_REACHABLE = 3,
	HSS_IMS_PS_CONNECTED_REACHABLE = 4,
	HSS_IMS_PS_NOT_PROVIDED = 5,         /* notProvidedFromSGSNorMME */
	HSS_IMS_PS_NETWORK_NOT_REACHABLE = 6,/* networkDeterminedNotReachable */
};

struct hss_ims_idlist {
	bool present;              /* emit the element even when empty */
	char **ids;
	size_t n;
};

/* One RepositoryData (tTransparentData). */
struct hss_ims_repo {
	char *service_indication;
	uint32_t seq;              /* SequenceNumber 0..65535 */
	char *service_data;        /* the content of ServiceData as UTF-8 XML text (elements,
	                            * text), NULL: no ServiceData element (a PUR deleting it) */
	size_t service_data_len;
};

/* EPS location (tEPSLocationInformation) as the HSS knows it from S6a. */
struct hss_ims_eps_location {
	bool present;
	char *mme_name;            /* MMEName: Diameter identity of the serving MME */
	int32_t age;               /* AgeOfLocationInformation in minutes (0..32767), -1 absent */
	int64_t rat_type;          /* RATtype (RAT-Type AVP value), -1 absent */
};

/* Everything an Sh-Data document may carry here; the builder emits what is present, in
 * the schema's order. */
struct hss_ims_sh_data {
	struct hss_ims_idlist public_ids;   /* PublicIdentifiers/IMSPublicIdentity */
	char msisdns[HSS_IMS_MAX_MSISDNS][16]; /* PublicIdentifiers/MSISDN */
	size_t n_msisdns;
	int pid_type;                       /* PublicIdentifiers/Extension/IdentityType
	                                     * (Sh tIdentityType 0..3), -1 absent */
	char *pid_wildcard;                 /* WildcardedPSI (type 2) / WildcardedIMPU (3) */
	struct hss_ims_repo *repo;          /* RepositoryData */
	size_t n_repo;
	char *scscf_name;                   /* Sh-IMS-Data/SCSCFName */
	bool ifcs_present;                  /* Sh-IMS-Data/IFCs */
	struct hss_ims_ifc *ifcs;
	size_t n_ifcs;
	int ims_user_state;                 /* enum hss_ims_user_state, -1 absent */
	bool charging_present;              /* Sh-IMS-Data/ChargingInformation */
	struct hss_ims_charging charging;
	int psi_activation;                 /* 0 INACTIVE, 1 ACTIVE, -1 absent */
	struct hss_ims_dsai *dsai;          /* DSAI-Tag / DSAI-Value (as_name not sent) */
	size_t n_dsai;
	int cs_user_state;                  /* CSUserState 0..3, -1 absent */
	int ps_user_state;                  /* PSUserState, -1 absent */
	struct hss_ims_idlist registered_ids, implicit_ids, all_ids, alias_ids; /* Extension */
	int eps_user_state;                 /* Extension^4/EPSUserState, -1 absent */
	struct hss_ims_eps_location eps_location;
};

void hss_ims_sh_data_init(struct hss_ims_sh_data *d);
void hss_ims_sh_data_free(struct hss_ims_sh_data *d);
int hss_ims_idlist_add(struct hss_ims_idlist *l, const char *id);
int hss_ims_sh_add_repo(struct hss_ims_sh_data *d, const char *service_indication,
                        uint32_t seq, const char *service_data, size_t len);

/* Build the Sh-Data document. EINVAL (text XML cannot carry, a ServiceData that is not
 * well-formed XML content, a value out of range) naming the element. *ret_xml malloc'd. */
int hss_ims_sh_build(const struct hss_ims_sh_data *d, char **ret_xml, size_t *ret_len,
                     char *err, size_t errlen);

/* Selection helpers for UDA. Identity sets (TS 29.328 7.6, Identity-Set): with one set
 * (or none, meaning ALL_IDENTITIES) the identities go to PublicIdentifiers; with several,
 * each set goes to its own element of the Sh-Data Extension (RegisteredIdentities,
 * ImplicitIdentities, AllIdentities, AliasIdentities). `registered` (indexed like
 * sub->impus, NULL: none registered) says which identities are registered. impu selects
 * the implicit set and the aliases; ENOENT when it is not in the subscription. */
int hss_ims_sh_set_identities(const struct hss_ims_sub *sub, const char *impu,
                              const enum hss_ims_identity_set *sets, size_t n_sets,
                              const bool *registered, struct hss_ims_sh_data *d);
/* The iFCs of impu's service profile whose ServerName is server_name (TS 29.328 7.6,
 * InitialFilterCriteria: only those of the requesting AS), copied into d->ifcs. ENOENT. */
int hss_ims_sh_set_ifcs(const struct hss_ims_sub *sub, const char *impu,
                        const char *server_name, struct hss_ims_sh_data *d);

/* How a rejected Sh-Data document should be answered (TS 29.328 6.1.2, TS 29.329 6.2). */
enum hss_ims_sh_error {
	HSS_IMS_SH_OK = 0,
	HSS_IMS_SH_NOT_RECOGNIZED,          /* not XML, wrong root, unknown element, bad value:
	                                     * DIAMETER_ERROR_USER_DATA_NOT_RECOGNIZED (5100) */
	HSS_IMS_SH_NOT_MODIFIABLE,          /* data a PUR may not update:
	                                     * DIAMETER_ERROR_USER_DATA_CANNOT_BE_MODIFIED (5103) */
	HSS_IMS_SH_TOO_MUCH_DATA,           /* over a limit (document size, depth, elements,
	                                     * RepositoryData count, ServiceData size):
	                                     * DIAMETER_ERROR_TOO_MUCH_DATA (5008) */
};

/* Read Sh-Data. With HSS_IMS_SH_PUR only what an AS may update is accepted:
 * RepositoryData (ServiceIndication, SequenceNumber, optional ServiceData), PSIActivation
 * and DSAI; anything else is HSS_IMS_SH_NOT_MODIFIABLE. Without it every element the
 * builder writes is read (for tests and tools). The input is untrusted: over lim (NULL:
 * defaults) it is refused, a DOCTYPE is refused before any entity is read, no network or
 * file is ever touched. On failure (EINVAL, E2BIG) *ret_kind (may be NULL) says how to
 * answer and err names the line and element; on ENOMEM it is HSS_IMS_SH_OK (answer
 * DIAMETER_UNABLE_TO_COMPLY); ret is untouched. */
#define HSS_IMS_SH_PUR 0x1u
int hss_ims_sh_parse(const char *xml, size_t len, unsigned flags,
                     const struct hss_ims_xml_limits *lim, struct hss_ims_sh_data *ret,
                     enum hss_ims_sh_error *ret_kind, char *err, size_t errlen);

#endif /* HSS_IMS_H */

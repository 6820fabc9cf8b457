/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * hss_imsdb.h: the one public header of hss/imsdb/, the IMS data of the HSS in its database
 * (hss/db keyed records, so every backend holds it and several HSS processes on one
 * database stay correct): IMS subscriptions (hss/ims model, stored as their YAML) with the
 * indexes that find them by public identity (wildcards and tel URIs included), private
 * identity, IMSI and MSISDN; the registration state of each subscription (S-CSCF, state per
 * public identity, registered and authenticating private identities); the AKA credentials
 * and SQN of private identities without an S6a subscriber; the outbox of HSS-initiated Cx
 * requests (PPR, RTR); Sh repository data and Sh subscriptions.
 *
 * Nothing here speaks Diameter: the Cx (hss/cx) and Sh procedures, hssctl and the tests
 * build on it. Functions return 0 or an errno (ENOENT unknown, EEXIST an identity owned by
 * another subscription, EINVAL bad data with the message, ECANCELED a condition that did
 * not hold, and the database errors of hss_db.h: ETIMEDOUT, EROFS, ENOSPC, ESTALE,
 * ENOTCONN, EIO), the message in hss_imsdb_strerror() (per thread; never a secret).
 *
 * Records (table: key -> value):
 *   ims.sub     subscription id   -> the subscription's YAML (hss_ims_yaml_emit)
 *   ims.impu    identity (norm)   -> subscription id      (distinct identities)
 *   ims.wild    pattern           -> subscription id      (wildcarded PSI / IMPU)
 *   ims.impi    NAI (norm)        -> subscription id
 *   ims.imsi    IMSI              -> subscription id      (IMPIs linked to S6a)
 *   ims.msisdn  MSISDN            -> subscription id
 *   ims.state   subscription id   -> registration state (hss_imsdb_state)
 *   ims.aka     NAI (norm)        -> own K, OP/OPc, AMF, IND bits and SQN
 *   ims.push    time-ordered id   -> a PPR/RTR to send (hss_imsdb_push)
 *   sh.repo     impu key SP hex(service indication) -> sequence number and ServiceData
 *   sh.subs     impu key SP AS host SP data reference SP hex(service indication|-) -> a
 *               Sh subscription (hss_imsdb_shsub)
 * where "norm" is hss_ims_identity_norm / hss_ims_impi_norm and "impu key" is
 * hss_imsdb_impu_key (the provisioned identity of the public identity, normalised; a
 * wildcarded PSI keeps one set of repository data for all the identities it matches).
 */
#ifndef HSS_IMSDB_H
#define HSS_IMSDB_H

#include "hss_db.h"
#include "hss_ims.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hss_imsdb;

/* A store on an open database (which must outlive it). It keeps a cache of parsed
 * subscriptions, checked against the stored bytes on every read. */
int hss_imsdb_open(struct hss_db *db, struct hss_imsdb **ret);
void hss_imsdb_close(struct hss_imsdb *s);   /* accepts NULL */
struct hss_db *hss_imsdb_db(struct hss_imsdb *s);

/* The message of the last failing call of this thread. */
const char *hss_imsdb_strerror(void);

/* ---------------------------------------------------------------------------------------
 * Subscriptions
 * ------------------------------------------------------------------------------------- */

/* A subscription as read: shared and immutable; release it once done. */
struct hss_imsdb_sub {
	const struct hss_ims_sub *sub;
	uint64_t version;            /* of the ims.sub record */
};
void hss_imsdb_sub_release(struct hss_imsdb_sub *ref);   /* accepts NULL */

int hss_imsdb_get(struct hss_imsdb *s, const char *id, struct hss_imsdb_sub **ret);
/* By public identity: an exact (normalised) identity first, then the wildcarded PSIs and
 * IMPUs in pattern order. *ret_idx: the index of the public identity in sub->impus (the
 * wildcard entry when matched through one). ENOENT: nobody has it. */
int hss_imsdb_find_impu(struct hss_imsdb *s, const char *identity, struct hss_imsdb_sub **ret,
                        size_t *ret_idx);
int hss_imsdb_find_impi(struct hss_imsdb *s, const char *nai, struct hss_imsdb_sub **ret,
                        size_t *ret_idx);
/* Subscription id by IMSI (an IMPI linked to that S6a subscriber) or MSISDN. */
int hss_imsdb_id_by_imsi(struct hss_imsdb *s, const char *imsi, char *id, size_t idlen);
int hss_imsdb_id_by_msisdn(struct hss_imsdb *s, const char *msisdn, char *id, size_t idlen);

/* Store flags */
#define HSS_IMSDB_PUT_NO_REPLACE 0x1u   /* EEXIST when the id exists */
#define HSS_IMSDB_PUT_RESET_SQN  0x2u   /* own AKA SQNs take the given values (default: an
                                         * existing private identity keeps its counter) */
#define HSS_IMSDB_PUT_NO_PUSH    0x4u   /* do not queue a PPR for a registered subscription */

/* What a put or delete did, for the caller to report. */
struct hss_imsdb_put_info {
	bool replaced;               /* the id existed */
	bool push_queued;            /* a PPR (put) or RTR (delete) was queued for its S-CSCF */
};

/* Validate (EINVAL with the message) and store sub in one transaction with every index:
 * an identity, IMSI or MSISDN another subscription has is EEXIST naming both; indexes the
 * old version had and this one has not are removed; own AKA credentials go to ims.aka (an
 * existing private identity keeps its SQN unless HSS_IMSDB_PUT_RESET_SQN). When the
 * subscription is registered (an S-CSCF is assigned and an identity is registered or
 * unregistered) a PPR is queued (unless HSS_IMSDB_PUT_NO_PUSH): the HSS sends the new
 * profile to the S-CSCF (identities no longer there are de-registered with an RTR). */
int hss_imsdb_put(struct hss_imsdb *s, const struct hss_ims_sub *sub, unsigned flags,
                  struct hss_imsdb_put_info *ret_info);
/* Delete the subscription, its indexes, state, own AKA credentials, Sh repository data and
 * Sh subscriptions; when it was registered an RTR (PERMANENT_TERMINATION) is queued for the
 * S-CSCF. ENOENT. */
int hss_imsdb_delete(struct hss_imsdb *s, const char *id, struct hss_imsdb_put_info *ret_info);
/* Link a private identity to an S6a subscriber (its K, OPc and SQN then serve AKA) or,
 * with imsi NULL or "", unlink it (then it needs own credentials for AKA: EINVAL if not). */
int hss_imsdb_link_imsi(struct hss_imsdb *s, const char *impi, const char *imsi);

/* Every subscription id in order, from after (NULL: the start), at most limit (0: all). */
typedef int (*hss_imsdb_id_cb)(const char *id, void *arg);
int hss_imsdb_list(struct hss_imsdb *s, const char *after, uint64_t limit, hss_imsdb_id_cb cb,
                   void *arg);
/* The subscription as YAML for export: own AKA credentials with their current SQN (secret:
 * the caller decides where it goes). *ret malloc'd; wipe before free. */
int hss_imsdb_export(struct hss_imsdb *s, const char *id, char **ret, size_t *ret_len);

/* The key of a public identity for per-identity records (Sh): its provisioned identity in
 * normal form (for a wildcarded PSI/IMPU the pattern). EINVAL when it does not fit. */
int hss_imsdb_impu_key(const struct hss_ims_sub *sub, size_t impu, char *out, size_t outsz);

/* ---------------------------------------------------------------------------------------
 * Registration state (TS 29.228 6.1, per subscription: one S-CSCF serves all its identities)
 * ------------------------------------------------------------------------------------- */

enum hss_imsdb_reg {
	HSS_IMSDB_NOT_REGISTERED = 0,
	HSS_IMSDB_REGISTERED = 1,
	HSS_IMSDB_UNREGISTERED = 2,  /* assigned to an S-CSCF for unregistered services */
};
const char *hss_imsdb_reg_name(enum hss_imsdb_reg r);

struct hss_imsdb_impu_state {
	char *identity;              /* the provisioned public identity (pattern for wildcards) */
	enum hss_imsdb_reg reg;
	char **impis;                /* private identities registered with it (REGISTERED) */
	size_t n_impis;
	int64_t since;               /* unix seconds of the last change */
};

struct hss_imsdb_impi_state {
	char *identity;              /* provisioned NAI */
	uint32_t auth_scheme;        /* HSS_IMS_AUTH_* of the authentication in progress, 0: none */
	int64_t auth_time;           /* when a MAR last set it (to the minute: a repeated MAR
	                                * within 60 s writes nothing) */
};

struct hss_imsdb_state {
	char *scscf_name;            /* assigned S-CSCF (SIP URI) or NULL */
	char *scscf_host;            /* its Diameter identity (Origin-Host of its MAR/SAR) */
	char *scscf_realm;
	int64_t scscf_time;          /* when it was stored */
	struct hss_imsdb_impu_state *impus;
	size_t n_impus;
	struct hss_imsdb_impi_state *impis;
	size_t n_impis;
	uint64_t version;            /* of the record, 0: none stored yet */
};

void hss_imsdb_state_init(struct hss_imsdb_state *st);
void hss_imsdb_state_free(struct hss_imsdb_state *st);   /* and zero it; NULL accepted */
/* Read the state of a subscription (an empty one when none is stored). */
int hss_imsdb_state_get(struct hss_imsdb *s, const char *id, struct hss_imsdb_state *ret);

/* Entries of the state (created on demand, NULL on ENOMEM; identities compared as
 * hss_ims_identity_eq / hss_ims_find_impi do). */
struct hss_imsdb_impu_state *hss_imsdb_state_impu(struct hss_imsdb_state *st, const char *impu,
                                                  bool create);
struct hss_imsdb_impi_state *hss_imsdb_state_impi(struct hss_imsdb_state *st, const char *impi,
                                                  bool create);
/* Registration of a public identity (NOT_REGISTERED when it has no entry). */
enum hss_imsdb_reg hss_imsdb_state_reg(const struct hss_imsdb_state *st, const char *impu);
/* Set the state of one public identity; REGISTERED adds impi (if given) to its registered
 * private identities, the others clear them. ENOMEM. */
int hss_imsdb_state_set(struct hss_imsdb_state *st, const char *impu, enum hss_imsdb_reg reg,
                        const char *impi);
/* Remove impi from the registered private identities of impu; the identity stays
 * REGISTERED while another one is registered (returns true when it became unregistered:
 * nobody left). */
bool hss_imsdb_state_drop_impi(struct hss_imsdb_state *st, const char *impu, const char *impi);
/* Whether any public identity is REGISTERED or UNREGISTERED. */
bool hss_imsdb_state_active(const struct hss_imsdb_state *st);
/* Set or clear (name NULL) the assigned S-CSCF. ENOMEM. */
int hss_imsdb_state_scscf(struct hss_imsdb_state *st, const char *name, const char *host,
                          const char *realm);
/* Drop entries of identities the subscription no longer has. */
void hss_imsdb_state_prune(struct hss_imsdb_state *st, const struct hss_ims_sub *sub);

/* A state update in progress (one database transaction). */
struct hss_imsdb_tx;
struct hss_imsdb_push;
/* Queue an HSS-initiated request in the same transaction (sent once it commits). */
int hss_imsdb_tx_push(struct hss_imsdb_tx *t, const struct hss_imsdb_push *p);

/* Return it from the body to leave the state as it was and commit nothing (not an error:
 * hss_imsdb_update returns 0). */
#define HSS_IMSDB_NO_CHANGE (-1)

/* The body of a state update: sees the subscription and its state (as stored, or empty)
 * and changes st. 0 stores st; HSS_IMSDB_NO_CHANGE stores nothing; an errno rolls back and
 * is returned. It may run more than once (a conflict with another process): keep results
 * in arg and reset them at its top. */
typedef int (*hss_imsdb_state_fn)(struct hss_imsdb_tx *t, const struct hss_ims_sub *sub,
                                  struct hss_imsdb_state *st, void *arg);
/* Read-modify-write of the state of subscription id in one transaction (the subscription
 * cannot change meanwhile either). ENOENT: no such subscription. */
int hss_imsdb_update(struct hss_imsdb *s, const char *id, hss_imsdb_state_fn fn, void *arg);

/* ---------------------------------------------------------------------------------------
 * AKA: vectors' SQNs for a private identity (one USIM, one counter)
 * ------------------------------------------------------------------------------------- */

/* Reserve n SQNs for the private identity impi of sub (as hss_db_sqn_reserve): with an
 * IMSI link, on the S6a subscriber (the same counter AIR uses: an AIR and a MAR never get
 * the same SQN); with own credentials, on its ims.aka record in one transaction. resync
 * (NULL: none) is SQN_MS of a re-synchronisation: the counter never goes back. ret gets
 * K, OP/OPc, AMF and the SQNs. ENOENT: the linked IMSI is unknown; EINVAL: the identity
 * has no AKA credentials. */
int hss_imsdb_sqn_reserve(struct hss_imsdb *s, const struct hss_ims_sub *sub, size_t impi,
                          unsigned n, hss_db_sqn_next_fn next, const uint64_t *resync,
                          struct hss_auth_data *ret);
/* The AKA keys of impi without reserving (for the MAC-S check of a re-synchronisation). */
int hss_imsdb_aka_keys(struct hss_imsdb *s, const struct hss_ims_sub *sub, size_t impi,
                       struct hss_auth_data *ret);

/* ---------------------------------------------------------------------------------------
 * Outbox of HSS-initiated Cx requests (written with the change that causes them, sent by
 * any HSS process sharing the database, each exactly once)
 * ------------------------------------------------------------------------------------- */

enum hss_imsdb_push_kind {
	HSS_IMSDB_PUSH_PPR = 1,      /* send the subscription's current profile (Push-Profile) */
	HSS_IMSDB_PUSH_RTR = 2,      /* de-register (Registration-Termination) */
};

struct hss_imsdb_push {
	enum hss_imsdb_push_kind kind;
	char *sub_id;
	char *dest_host, *dest_realm;/* the S-CSCF's Diameter identity */
	char *impi;                  /* User-Name */
	char **impus;                /* RTR: Public-Identity list (none: all of the user) */
	size_t n_impus;
	uint32_t reason;             /* RTR Reason-Code (TS 29.229 6.3.17) */
	char *reason_info;           /* RTR Reason-Info or NULL */
	bool state_done;             /* RTR: the state was already cleared with the queueing */
	int64_t created;             /* unix seconds */
};
void hss_imsdb_push_free(struct hss_imsdb_push *p);   /* and zero it; NULL accepted */
/* Queue one on its own (hssctl, the control socket). */
int hss_imsdb_push_add(struct hss_imsdb *s, const struct hss_imsdb_push *p);
/* Take the oldest queued request (removed in the same transaction: another process
 * cannot take it too). ENOENT: none queued. */
int hss_imsdb_push_take(struct hss_imsdb *s, struct hss_imsdb_push *ret);
/* Administrative de-registration (TS 29.228 6.1.3): the registered and unregistered
 * identities of subscription id (of the implicit set of impu only, when given) become
 * NOT_REGISTERED (the S-CSCF is cleared once nothing is left), and an RTR with Reason-Code
 * reason (and Reason-Info info, may be NULL) naming them is queued for the S-CSCF, in one
 * transaction. *ret_queued false: nothing was registered. ENOENT: no such subscription. */
int hss_imsdb_deregister(struct hss_imsdb *s, const char *id, const char *impu, uint32_t reason,
                         const char *info, bool *ret_queued);
/* Number queued (capped at max). */
int hss_imsdb_push_count(struct hss_imsdb *s, size_t max, size_t *ret);

/* ---------------------------------------------------------------------------------------
 * Sh (TS 29.328): repository data and subscriptions to notifications
 * ------------------------------------------------------------------------------------- */

/* One RepositoryData of a public identity. */
struct hss_imsdb_repo {
	uint8_t *si;                 /* Service-Indication (octets), si_len of them */
	size_t si_len;
	uint32_t seq;                /* Sequence-Number 0..65535 */
	char *data;                  /* ServiceData content (UTF-8 XML), len octets */
	size_t len;
};
void hss_imsdb_repo_free(struct hss_imsdb_repo *r);   /* and zero it; NULL accepted */
/* impu_key: hss_imsdb_impu_key of the identity. ENOENT. */
int hss_imsdb_repo_get(struct hss_imsdb *s, const char *impu_key, const uint8_t *si,
                       size_t si_len, struct hss_imsdb_repo *ret);
typedef int (*hss_imsdb_repo_cb)(const struct hss_imsdb_repo *r, void *arg);
int hss_imsdb_repo_list(struct hss_imsdb *s, const char *impu_key, hss_imsdb_repo_cb cb,
                        void *arg);
/* Inside a transaction (hss_db_rec_tx on hss_imsdb_db: a PUR updates several at once). */
int hss_imsdb_tx_repo_get(struct hss_db_tx *tx, const char *impu_key, const uint8_t *si,
                          size_t si_len, struct hss_imsdb_repo *ret);
/* Store r (data NULL: delete it, ENOENT when absent). The sequence number rule of TS
 * 29.328 6.1.2.1 is the caller's: r->seq is stored as given. */
int hss_imsdb_tx_repo_put(struct hss_db_tx *tx, const char *impu_key,
                          const struct hss_imsdb_repo *r);

/* One Sh subscription (SNR) of an application server. */
struct hss_imsdb_shsub {
	char *impu_key;
	char *as_host;               /* Origin-Host of the SNR: where PNRs go */
	char *as_realm;
	uint32_t data_ref;           /* Data-Reference */
	uint8_t *si;                 /* Service-Indication for RepositoryData, or NULL */
	size_t si_len;
	char *server_name;           /* Server-Name (InitialFilterCriteria), or NULL */
	char **dsai_tags;            /* DSAI-Tag values (DSAI) */
	size_t n_dsai_tags;
	uint32_t identity_sets;      /* bit per Identity-Set value (IMSPublicIdentity) */
	int64_t expiry;              /* unix seconds, 0: none */
	bool send_data;              /* Send-Data-Indication was given */
	char *impu;                  /* the identity as the AS named it (for PNR User-Identity) */
};
void hss_imsdb_shsub_free(struct hss_imsdb_shsub *x);   /* and zero it; NULL accepted */
/* Insert or replace (the key: impu_key, as_host, data_ref, si). */
int hss_imsdb_shsub_put(struct hss_imsdb *s, const struct hss_imsdb_shsub *x);
/* Remove one. ENOENT. */
int hss_imsdb_shsub_del(struct hss_imsdb *s, const struct hss_imsdb_shsub *x);
/* The subscriptions on a public identity (data_ref UINT32_MAX: any), expired ones left
 * out (now: unix seconds, 0: the clock). */
typedef int (*hss_imsdb_shsub_cb)(const struct hss_imsdb_shsub *x, void *arg);
int hss_imsdb_shsub_list(struct hss_imsdb *s, const char *impu_key, uint32_t data_ref,
                         int64_t now, hss_imsdb_shsub_cb cb, void *arg);
/* Delete the subscriptions whose expiry passed; *ret_n how many. */
int hss_imsdb_shsub_expire(struct hss_imsdb *s, int64_t now, size_t *ret_n);

#endif /* HSS_IMSDB_H */

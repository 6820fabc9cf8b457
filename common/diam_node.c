/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * diam_node.c: embeds libfdcore in our daemons and tools. It turns struct cm_diam_cfg into a
 * private freeDiameter configuration file, works around the 1.2.1 traps (loopback listen
 * addresses are dropped, TLS credentials needed whenever TLS is on, unknown peers refused,
 * per-message log formatting) and owns signal handling for the process.
 */
#include "cm.h"
#include "cm_int.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct dn_allowed {
	char *host;                /* exact identity (configured peer without addr) or NULL */
	char *realm;               /* required realm for `host`, or NULL */
	char *pattern;             /* fnmatch pattern from accept_peers, or NULL */
};

static struct {
	pthread_mutex_t lock;
	bool inited, started, shut;
	char tmpdir[PATH_MAX];
	struct dn_allowed *allowed;
	size_t n_allowed;
	struct fd_hook_hdl *hook;
	struct fd_hook_hdl *hook_connected;
	struct fd_hook_hdl *hook_cer;
	/* default_route: read by the routing callback, fixed after cm_diam_init */
	char **default_route;
	size_t n_default_route;
	struct fd_rt_out_hdl *rt_default;
	/* cm_diam_run / cm_diam_request_stop */
	bool running, stop;
	pthread_t run_thread;
} dn = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* ---- temporary files -------------------------------------------------------------------- */

static int dn_path(char *buf, size_t sz, const char *name)
{
	int n = snprintf(buf, sz, "%s/%s", dn.tmpdir, name);
	return n < 0 || (size_t)n >= sz ? ENAMETOOLONG : 0;
}

static int dn_write_file(const char *name, const void *data, size_t len)
{
	char path[PATH_MAX];
	FILE *f;
	int fd, rc;

	if ((rc = dn_path(path, sizeof(path), name)))
		return rc;
	/* key.pem is a private key: 0600, not only inside the 0700 directory of mkdtemp */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0)
		return errno;
	if (!(f = fdopen(fd, "w"))) {
		rc = errno;
		close(fd);
		return rc;
	}
	if (fwrite(data, 1, len, f) != len) {
		rc = EIO;
		fclose(f);
		return rc;
	}
	return fclose(f) ? errno : 0;
}

static void dn_rm_tmpdir(void)
{
	static const char *const names[] = { "fd.conf", "cert.pem", "key.pem", "dh.pem", NULL };
	char path[PATH_MAX];
	int i;

	if (!dn.tmpdir[0])
		return;
	for (i = 0; names[i]; i++)
		if (!dn_path(path, sizeof(path), names[i]))
			unlink(path);
	rmdir(dn.tmpdir);
	dn.tmpdir[0] = '\0';
}

/* ---- ephemeral TLS credentials ------------------------------------------------------------ */

#define DN_GNUTLS(call) do { \
	int gr_ = (call); \
	if (gr_ < 0) { \
		LOG_E("cm: %s: %s", #call, gnutls_strerror(gr_)); \
		rc = EINVAL; \
		goto out; \
	} \
} while (0)

/* A self-signed certificate for our identity, usable as its own CA (freeDiameter checks the
 * local certificate against TLS_CA and the identity at start), plus fixed DH parameters from
 * RFC 7919 so freeDiameter does not spend seconds generating its own. */
static int dn_gen_tls(const char *identity)
{
	gnutls_x509_privkey_t key = NULL;
	gnutls_x509_crt_t crt = NULL;
	gnutls_dh_params_t dh = NULL;
	gnutls_datum_t out = { NULL, 0 };
	unsigned char serial[16];
	time_t now = time(NULL);
	int rc = 0;

	DN_GNUTLS(gnutls_x509_privkey_init(&key));
	DN_GNUTLS(gnutls_x509_privkey_generate(key, GNUTLS_PK_ECDSA,
	                                       GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0));
	DN_GNUTLS(gnutls_x509_crt_init(&crt));
	DN_GNUTLS(gnutls_x509_crt_set_version(crt, 3));
	DN_GNUTLS(gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof(serial)));
	serial[0] &= 0x7f;
	DN_GNUTLS(gnutls_x509_crt_set_serial(crt, serial, sizeof(serial)));
	DN_GNUTLS(gnutls_x509_crt_set_activation_time(crt, now - 3600));
	DN_GNUTLS(gnutls_x509_crt_set_expiration_time(crt, now + 10L * 365 * 24 * 3600));
	DN_GNUTLS(gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, identity,
	                                        (unsigned)strlen(identity)));
	DN_GNUTLS(gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME, identity,
	                                               (unsigned)strlen(identity),
	                                               GNUTLS_FSAN_SET));
	DN_GNUTLS(gnutls_x509_crt_set_basic_constraints(crt, 1, -1));
	DN_GNUTLS(gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE |
	                                              GNUTLS_KEY_KEY_CERT_SIGN));
	DN_GNUTLS(gnutls_x509_crt_set_key(crt, key));
	DN_GNUTLS(gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0));

	DN_GNUTLS(gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_PEM, &out));
	if ((rc = dn_write_file("cert.pem", out.data, out.size)))
		goto out;
	gnutls_free(out.data);
	out.data = NULL;
	DN_GNUTLS(gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &out));
	if ((rc = dn_write_file("key.pem", out.data, out.size)))
		goto out;
	gnutls_free(out.data);
	out.data = NULL;

	DN_GNUTLS(gnutls_dh_params_init(&dh));
	DN_GNUTLS(gnutls_dh_params_import_raw(dh, &gnutls_ffdhe_2048_group_prime,
	                                      &gnutls_ffdhe_2048_group_generator));
	DN_GNUTLS(gnutls_dh_params_export2_pkcs3(dh, GNUTLS_X509_FMT_PEM, &out));
	rc = dn_write_file("dh.pem", out.data, out.size);
out:
	gnutls_free(out.data);
	if (dh)
		gnutls_dh_params_deinit(dh);
	if (crt)
		gnutls_x509_crt_deinit(crt);
	if (key)
		gnutls_x509_privkey_deinit(key);
	return rc;
}

/* ---- generated freeDiameter configuration ------------------------------------------------ */

static bool dn_tls_needed(const struct cm_diam_cfg *cfg)
{
	size_t i;

	if (cfg->tls_port || cfg->tls_cert)
		return true;
	for (i = 0; i < cfg->n_peers; i++)
		if (cfg->peers[i].tls)
			return true;
	return false;
}

static int dn_write_conf(const struct cm_diam_cfg *cfg, const char *path)
{
	char cert[PATH_MAX], key[PATH_MAX], dh[PATH_MAX];
	FILE *f;
	size_t i;
	int rc = 0;

	if (!(f = fopen(path, "w")))
		return errno;
	fprintf(f, "# Generated by dcore common/diam_node.c from %s\n",
	        cfg->source ? cfg->source : "(built-in configuration)");
	fprintf(f, "Identity = \"%s\";\nRealm = \"%s\";\n", cfg->identity, cfg->realm);
	fprintf(f, "Port = %u;\nSecPort = %u;\n", cfg->port, cfg->tls_port);
	fprintf(f, "TcTimer = %u;\nTwTimer = %u;\n", cfg->tc_timer ? cfg->tc_timer : CM_TC_TIMER_DEFAULT,
	        cfg->tw_timer >= 6 ? cfg->tw_timer : 30);
	fprintf(f, "AppServThreads = %u;\n", cfg->threads ? (cfg->threads > 255 ? 255 : cfg->threads) : 4);
	if (cfg->accept_threads)
		fprintf(f, "ThreadsPerServer = %u;\n", cfg->accept_threads);
	if (!cfg->sctp)
		fprintf(f, "No_SCTP;\n");
	/* Without TLS anywhere, 1.2.1 accepts a configuration without TLS_Cred (SecPort = 0). */
	if (dn_tls_needed(cfg)) {
		if (cfg->tls_cert) {
			fprintf(f, "TLS_Cred = \"%s\", \"%s\";\n", cfg->tls_cert, cfg->tls_key);
			if (cfg->tls_ca)
				fprintf(f, "TLS_CA = \"%s\";\n", cfg->tls_ca);
		} else {
			if ((rc = dn_gen_tls(cfg->identity)) ||
			    (rc = dn_path(cert, sizeof(cert), "cert.pem")) ||
			    (rc = dn_path(key, sizeof(key), "key.pem")))
				goto out;
			fprintf(f, "TLS_Cred = \"%s\", \"%s\";\nTLS_CA = \"%s\";\n", cert, key,
			        cfg->tls_ca ? cfg->tls_ca : cert);
		}
		if (!dn_path(dh, sizeof(dh), "dh.pem") && access(dh, R_OK) == 0)
			fprintf(f, "TLS_DH_File = \"%s\";\n", dh);
	}
	for (i = 0; i < cfg->n_peers; i++) {
		const struct cm_peer_cfg *p = &cfg->peers[i];
		if (!p->addr)
			continue;   /* known but accept-only: admitted by dn_validate */
		fprintf(f, "ConnectPeer = \"%s\" { ConnectTo = \"%s\"; Port = %u;", p->host, p->addr,
		        p->port ? p->port : (p->tls ? 5658 : 3868));
		if (!p->tls)
			fprintf(f, " No_TLS;");
		if (cfg->sctp)
			fprintf(f, p->sctp ? " No_TCP;" : " No_SCTP;");
		if (p->realm)
			fprintf(f, " Realm = \"%s\";", p->realm);
		fprintf(f, " };\n");
	}
	if (cfg->fd_conf)
		fprintf(f, "# fd_conf from the YAML configuration\n%s\n", cfg->fd_conf);
out:
	if (fclose(f) && !rc)
		rc = errno;
	return rc;
}

/* ---- peers admission ------------------------------------------------------------------- */

/* The source addresses of connections whose CER is on its way to the validation callback.
 * freeDiameter 1.2.1 (server.c) receives the first message of a new connection and calls the
 * HOOK_MESSAGE_RECEIVED handlers with the connection's name ("... from [ADDR]:PORT (S<-C)",
 * C its socket); the peer's state machine thread then validates it, and the peer's own
 * pi_endpoints holds no address of an accepted connection in Debian's build. So the hook
 * reads the socket's address (getpeername: never what the CER advertises) under the CER's
 * Origin-Host, and dn_validate takes it from there. Two CERs for one identity from different
 * addresses at once mark it as a conflict: an entry with addresses then refuses both (fail
 * closed; a peer that races another's identity only delays it). */
static const uint8_t *dn_avp_os(struct msg *msg, uint32_t code, size_t *ret_len);

#define DN_CER_SLOTS 64
#define DN_CER_TTL 30

static struct {
	pthread_mutex_t lock;
	struct {
		char id[256];
		struct sockaddr_storage sa;
		time_t t;
		bool busy, conflict;
	} s[DN_CER_SLOTS];
} dn_cer = { .lock = PTHREAD_MUTEX_INITIALIZER };

static bool dn_sa_same(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return !memcmp(&((const struct sockaddr_in *)a)->sin_addr,
		               &((const struct sockaddr_in *)b)->sin_addr, sizeof(struct in_addr));
	if (a->ss_family == AF_INET6)
		return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		               &((const struct sockaddr_in6 *)b)->sin6_addr, sizeof(struct in6_addr));
	return false;
}

static void dn_hook_cer(enum fd_hook_type type, struct msg *msg, struct peer_hdr *peer,
                        void *other, struct fd_hook_permsgdata *pmd, void *regdata)
{
	struct msg_hdr *hdr = NULL;
	struct sockaddr_storage sa;
	socklen_t sl = sizeof(sa);
	const char *name = other, *p;
	const uint8_t *oh;
	size_t ohlen = 0, i, slot = DN_CER_SLOTS;
	time_t now = time(NULL);
	int s = -1, c = -1;

	if (peer || !msg || !name || fd_msg_hdr(msg, &hdr) ||
	    hdr->msg_code != CC_CAPABILITIES_EXCHANGE || !(hdr->msg_flags & CMD_FLAG_REQUEST))
		return;
	if (!(p = strrchr(name, '(')) || sscanf(p, "(%d<-%d)", &s, &c) != 2 || c < 0 ||
	    getpeername(c, (struct sockaddr *)&sa, &sl))
		return;
	if (!(oh = dn_avp_os(msg, AC_ORIGIN_HOST, &ohlen)) || !ohlen || ohlen >= sizeof(dn_cer.s[0].id))
		return;
	pthread_mutex_lock(&dn_cer.lock);
	for (i = 0; i < DN_CER_SLOTS; i++) {
		if (dn_cer.s[i].busy && now - dn_cer.s[i].t > DN_CER_TTL)
			dn_cer.s[i].busy = false;
		if (!dn_cer.s[i].busy) {
			if (slot == DN_CER_SLOTS)
				slot = i;
			continue;
		}
		if (strlen(dn_cer.s[i].id) == ohlen && !strncasecmp(dn_cer.s[i].id, (const char *)oh, ohlen)) {
			if (!dn_sa_same(&dn_cer.s[i].sa, &sa))
				dn_cer.s[i].conflict = true;
			dn_cer.s[i].t = now;
			slot = DN_CER_SLOTS + 1;   /* recorded */
			break;
		}
	}
	if (slot < DN_CER_SLOTS) {
		memcpy(dn_cer.s[slot].id, oh, ohlen);
		dn_cer.s[slot].id[ohlen] = '\0';
		dn_cer.s[slot].sa = sa;
		dn_cer.s[slot].t = now;
		dn_cer.s[slot].busy = true;
		dn_cer.s[slot].conflict = false;
	}
	pthread_mutex_unlock(&dn_cer.lock);
}

/* The address recorded for id's CER (consumed); false if none or in conflict. */
static bool dn_cer_take(const char *id, struct sockaddr_storage *ret)
{
	bool found = false;
	size_t i;

	pthread_mutex_lock(&dn_cer.lock);
	for (i = 0; i < DN_CER_SLOTS; i++) {
		if (!dn_cer.s[i].busy || strcasecmp(dn_cer.s[i].id, id))
			continue;
		found = !dn_cer.s[i].conflict;
		*ret = dn_cer.s[i].sa;
		dn_cer.s[i].busy = false;
		break;
	}
	pthread_mutex_unlock(&dn_cer.lock);
	return found;
}

static int dn_validate(struct peer_info *info, int *auth, int (**cb2)(struct peer_info *))
{
	const char *id = info->pi_diamid;
	const char *realm = info->runtime.pir_realm;
	struct sockaddr_storage from;
	bool have_from;
	enum cm_pol_reason r;
	size_t i;

	*auth = 0;
	*cb2 = NULL;
	if (!id)
		return 0;
	for (i = 0; i < dn.n_allowed; i++) {
		const struct dn_allowed *a = &dn.allowed[i];
		if (a->host) {
			if (strcasecmp(a->host, id))
				continue;
			if (a->realm && (!realm || strcasecmp(a->realm, realm))) {
				LOG_N("cm: refusing peer '%s': realm '%s' is not the configured '%s'", id,
				      realm ? realm : "", a->realm);
				*auth = -1;
				return 0;
			}
		} else if (fnmatch(a->pattern, id, FNM_CASEFOLD)) {
			continue;
		}
		/* freeDiameter checks a certificate against the CA, and its name only when it
		 * connects itself (p_cnx.c): on an accepted TLS connection the certificate must
		 * name the identity the CER claims. */
		if (info->runtime.pir_cert_list &&
		    cm_policy_cert_names(&info->runtime.pir_cert_list[0], id)) {
			LOG_N("cm: refusing peer '%s': its TLS certificate does not name it", id);
			*auth = -1;
			return 0;
		}
		have_from = dn_cer_take(id, &from);
		if ((r = cm_policy_admit(info, have_from ? (struct sockaddr *)&from : NULL)) != CM_POL_OK) {
			LOG_N("cm: refusing peer '%s' by the peer policy (%s)", id,
			      r == CM_POL_ADDRESS ? "not from an address listed for it" :
			      r == CM_POL_TLS ? "it must use TLS" : "no policy entry matches it");
			*auth = -1;
			return 0;
		}
		/* Admitted on the clear-text port; on the TLS port the link is already protected. */
		info->config.pic_flags.sec = PI_SEC_NONE;
		*auth = 1;
		return 0;
	}
	LOG_N("cm: refusing unknown peer '%s' (not in peers or accept_peers)", id);
	*auth = -1;
	return 0;
}

static void dn_allowed_free(void)
{
	size_t i;

	for (i = 0; i < dn.n_allowed; i++) {
		free(dn.allowed[i].host);
		free(dn.allowed[i].realm);
		free(dn.allowed[i].pattern);
	}
	free(dn.allowed);
	dn.allowed = NULL;
	dn.n_allowed = 0;
}

/* ---- default route ---------------------------------------------------------------------- */

#define DN_AC_DESTINATION_HOST 293

/* The value of the first top-level AVP `code` (vendor 0) of msg, not NUL-terminated, parsed
 * if needed; NULL if none. */
static const uint8_t *dn_avp_os(struct msg *msg, uint32_t code, size_t *ret_len)
{
	struct avp *avp = NULL;
	struct avp_hdr *ah;

	if (fd_msg_browse(msg, MSG_BRW_FIRST_CHILD, &avp, NULL))
		return NULL;
	while (avp) {
		if (fd_msg_avp_hdr(avp, &ah))
			return NULL;
		if (!(ah->avp_flags & AVP_FLAG_VENDOR) && ah->avp_code == code) {
			if (!ah->avp_value && fd_msg_parse_dict(avp, fd_g_config->cnf_dict, NULL))
				return NULL;
			if (!ah->avp_value || !ah->avp_value->os.len)
				return NULL;
			*ret_len = ah->avp_value->os.len;
			return ah->avp_value->os.data;
		}
		if (fd_msg_browse(avp, MSG_BRW_NEXT, &avp, NULL))
			return NULL;
	}
	return NULL;
}

/* Whether a connected peer forwards requests for others: the peer policy says it is a
 * trusted relay, or it advertised the Relay application. */
static bool dn_peer_relays(DiamId_t id, size_t len)
{
	struct peer_hdr *hdr = NULL;

	if (cm_policy_trusted_relay((const char *)id, len))
		return true;
	if (fd_peer_getbyid(id, len, 0, &hdr) || !hdr)
		return false;
	return hdr->info.runtime.pir_relay != 0;
}

/* freeDiameter starts every candidate at FD_SCORE_INI (-2) and sends only to those that end
 * at >= 0, so a request for a realm no connected peer belongs to has no route at all. The
 * configured default peers get FD_SCORE_DEFAULT, plus a little for the preferred ones (kept
 * below FD_SCORE_DEFAULT_REALM so that a realm or host match still wins).
 *
 * A request that names a Destination-Host goes to that host when it is connected, else to a
 * relay that can reach it (a default route, a peer that advertised Relay): never to another
 * end node, which the core's realm match (+15) would otherwise prefer to the default route,
 * so a CLR for an MME reached through the DRA went to another MME of the same realm
 * connected directly. Such end nodes get FD_SCORE_NO_DELIVERY. This callback is registered
 * before the DRA's own, so at equal priority it runs first and the DRA's route selection
 * sees them as unusable. Re-entrant: the list is fixed after cm_diam_init. */
static int dn_rt_default(void *cbdata, struct msg **pmsg, struct fd_list *candidates)
{
	const uint8_t *dh;
	size_t dhlen = 0;
	struct fd_list *li;
	struct msg_hdr *hdr = NULL;
	bool pol = cm_policy_active();
	size_t i;

	if (fd_msg_hdr(*pmsg, &hdr))
		return 0;
	dh = dn_avp_os(*pmsg, DN_AC_DESTINATION_HOST, &dhlen);
	for (li = candidates->next; li != candidates; li = li->next) {
		struct rtd_candidate *c = (struct rtd_candidate *)li;
		bool is_default = false;

		for (i = 0; i < dn.n_default_route; i++) {
			const char *r = dn.default_route[i];
			size_t extra = dn.n_default_route - 1 - i;

			if (strlen(r) == c->diamidlen && !strncasecmp(r, (const char *)c->diamid, c->diamidlen)) {
				c->score += FD_SCORE_DEFAULT + (int)(extra > 4 ? 4 : extra);
				is_default = true;
				break;
			}
		}
		if (dh && !is_default &&
		    !(dhlen == c->diamidlen && !strncasecmp((const char *)dh, (const char *)c->diamid, dhlen)) &&
		    !dn_peer_relays(c->diamid, c->diamidlen))
			c->score += FD_SCORE_NO_DELIVERY;
		/* The peer policy: never hand a peer a request it may not be sent. */
		else if (pol && !cm_policy_may_receive((const char *)c->diamid, c->diamidlen,
		                                       hdr->msg_appl, hdr->msg_code))
			c->score += FD_SCORE_NO_DELIVERY;
	}
	return 0;
}

static void dn_default_route_free(void)
{
	size_t i;

	for (i = 0; i < dn.n_default_route; i++)
		free(dn.default_route[i]);
	free(dn.default_route);
	dn.default_route = NULL;
	dn.n_default_route = 0;
}

static int dn_default_route_build(const struct cm_diam_cfg *cfg)
{
	size_t i;

	if (cfg->n_default_route && !(dn.default_route = calloc(cfg->n_default_route, sizeof(char *))))
		return ENOMEM;
	for (i = 0; i < cfg->n_default_route; i++) {
		if (!(dn.default_route[i] = strdup(cfg->default_route[i])))
			return ENOMEM;
		dn.n_default_route = i + 1;
	}
	return fd_rt_out_register(dn_rt_default, NULL, 0, &dn.rt_default);
}

static int dn_allowed_build(const struct cm_diam_cfg *cfg)
{
	size_t i, n = 0;

	dn.allowed = calloc(cfg->n_peers + cfg->n_accept_peers + 1, sizeof(*dn.allowed));
	if (!dn.allowed)
		return ENOMEM;
	for (i = 0; i < cfg->n_peers; i++) {
		struct dn_allowed *a = &dn.allowed[n++];
		dn.n_allowed = n;
		if (!(a->host = strdup(cfg->peers[i].host)))
			return ENOMEM;
		if (cfg->peers[i].realm && !(a->realm = strdup(cfg->peers[i].realm)))
			return ENOMEM;
	}
	for (i = 0; i < cfg->n_accept_peers; i++) {
		struct dn_allowed *a = &dn.allowed[n++];
		dn.n_allowed = n;
		if (!(a->pattern = strdup(cfg->accept_peers[i])))
			return ENOMEM;
	}
	return 0;
}

/* ---- listen addresses -------------------------------------------------------------------- */

static int dn_add_listen(const char *addr)
{
	struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICHOST }, *ai = NULL;
	int rc;

	if ((rc = getaddrinfo(addr, NULL, &hints, &ai))) {
		LOG_E("cm: listen address '%s': %s", addr, gai_strerror(rc));
		return EINVAL;
	}
	/* EP_ACCEPTALL: without it 1.2.1 silently drops loopback addresses. */
	rc = fd_ep_add_merge(&fd_g_config->cnf_endpoints, ai->ai_addr, ai->ai_addrlen,
	                     EP_FL_CONF | EP_ACCEPTALL);
	freeaddrinfo(ai);
	return rc;
}

/* Whether the host has an address freeDiameter would use for itself (up, not loopback). */
static bool dn_host_has_address(void)
{
	struct ifaddrs *ifs = NULL, *i;
	bool found = false;

	if (getifaddrs(&ifs))
		return true;   /* let freeDiameter try and report */
	for (i = ifs; i && !found; i = i->ifa_next) {
		if (!i->ifa_addr || !(i->ifa_flags & IFF_UP) || (i->ifa_flags & IFF_LOOPBACK))
			continue;
		found = i->ifa_addr->sa_family == AF_INET || i->ifa_addr->sa_family == AF_INET6;
	}
	freeifaddrs(ifs);
	return found;
}

/* With no listen address, 1.2.1 takes the host's addresses for its CER (Host-IP-Address)
 * and stops with "Unable to find the address(es) of the local system" on a host (or network
 * namespace) that has only loopback. Give it 127.0.0.1 there. */
static int dn_add_fallback_address(void)
{
	if (dn_host_has_address())
		return 0;
	return dn_add_listen("127.0.0.1");
}

/* ---- logging ----------------------------------------------------------------------------- */

static int dn_log_level(const char *s)
{
	if (!s || !strcmp(s, "notice"))
		return FD_LOG_NOTICE;
	if (!strcmp(s, "error"))
		return FD_LOG_ERROR;
	if (!strcmp(s, "info"))
		return FD_LOG_NOTICE - 1;
	if (!strcmp(s, "debug"))
		return FD_LOG_DEBUG;
	return FD_LOG_NOTICE;
}

/* Registered so freeDiameter does not format a summary of every message only to discard it:
 * a hook type with no handler runs its default logging under one global mutex, for each
 * received block (DATA_RECEIVED) and each message (RECEIVED, SENDING, SENT, ...). */
static void dn_hook_noop(enum fd_hook_type type, struct msg *msg, struct peer_hdr *peer,
                         void *other, struct fd_hook_permsgdata *pmd, void *regdata)
{
}

/* A new peer connection: give it (and any other TCP socket) TCP_NODELAY, see tcp_nodelay.c.
 * A registered hook replaces freeDiameter's own log line for the event, so say it here. */
static void dn_hook_connected(enum fd_hook_type type, struct msg *msg, struct peer_hdr *peer,
                              void *other, struct fd_hook_permsgdata *pmd, void *regdata)
{
	bool tls;

	cm_tcp_nodelay_all();
	if (!peer)
		return;

	/* The accepting side sees the peer's certificate; the connecting side knows it asked for
	 * TLS (a ConnectPeer without No_TLS). */
	tls = peer->info.runtime.pir_cert_list ||
	      (peer->info.config.pic_flags.persist == PI_PRST_ALWAYS &&
	       peer->info.config.pic_flags.sec == PI_SEC_DEFAULT);
	fd_log_notice("Connected to '%s' (%s%s)", peer->info.pi_diamid,
	              peer->info.runtime.pir_proto == IPPROTO_SCTP ? "SCTP" : "TCP", tls ? ",TLS" : "");
}

/* ---- public API ------------------------------------------------------------------------ */

static void dn_sigset(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGUSR1);
	sigaddset(set, SIGUSR2);
}

int cm_diam_init(const struct cm_diam_cfg *cfg)
{
	char conf[PATH_MAX];
	const char *tmp;
	sigset_t set;
	size_t i;
	int rc, lvl;

	if (!cfg || !cfg->identity || !cfg->realm)
		return EINVAL;
	if (dn.inited)
		return EALREADY;

	/* Threads inherit the mask: block before libfdcore creates any, cm_diam_run sigwaits. */
	dn_sigset(&set);
	if ((rc = pthread_sigmask(SIG_BLOCK, &set, NULL)))
		return rc;
	signal(SIGPIPE, SIG_IGN);

	/* freeDiameter 1.2.1 draws its reconnection jitter (p_psm.c) from random() without
	 * seeding it: every process would draw the same delays and retry in lockstep. */
	{
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		srandom((unsigned)ts.tv_nsec ^ (unsigned)ts.tv_sec ^ ((unsigned)getpid() << 16));
	}
	lvl = dn_log_level(cfg->log_level);
	fd_g_debug_lvl = lvl;
	if ((rc = fd_core_initialize()))
		return rc;
	dn.inited = true;
	fd_g_debug_lvl = lvl;
	if ((rc = cm_pending_unbound_queues()))
		goto out;

	if ((rc = dn_allowed_build(cfg)) || (rc = dn_default_route_build(cfg)))
		goto out;
	if ((rc = fd_peer_validate_register(dn_validate)))
		goto out;
	if (lvl > FD_LOG_DEBUG &&
	    (rc = fd_hook_register(HOOK_MASK(HOOK_DATA_RECEIVED, HOOK_MESSAGE_RECEIVED,
	                                     HOOK_MESSAGE_LOCAL, HOOK_MESSAGE_SENDING,
	                                     HOOK_MESSAGE_SENT, HOOK_MESSAGE_FAILOVER,
	                                     HOOK_MESSAGE_ROUTING_FORWARD,
	                                     HOOK_MESSAGE_ROUTING_LOCAL),
	                           dn_hook_noop, NULL, NULL, &dn.hook)))
		goto out;
	if ((rc = fd_hook_register(HOOK_MASK(HOOK_PEER_CONNECT_SUCCESS), dn_hook_connected, NULL,
	                           NULL, &dn.hook_connected)) ||
	    (rc = fd_hook_register(HOOK_MASK(HOOK_MESSAGE_RECEIVED), dn_hook_cer, NULL, NULL,
	                           &dn.hook_cer)))
		goto out;
	/* One line per failure event instead of message dumps; every message sent encodable. */
	if ((rc = cm_log_hooks_register()) || (rc = cm_avp_repair_register()) ||
	    (rc = cm_answer_rescue_register()))
		goto out;

	tmp = getenv("TMPDIR");
	if (!tmp || !tmp[0])
		tmp = "/tmp";
	if (snprintf(dn.tmpdir, sizeof(dn.tmpdir), "%s/cm-diam-XXXXXX", tmp) >= (int)sizeof(dn.tmpdir)) {
		dn.tmpdir[0] = '\0';
		rc = ENAMETOOLONG;
		goto out;
	}
	if (!mkdtemp(dn.tmpdir)) {
		rc = errno;
		LOG_E("cm: mkdtemp %s: %s", dn.tmpdir, strerror(rc));
		dn.tmpdir[0] = '\0';
		goto out;
	}
	if ((rc = dn_path(conf, sizeof(conf), "fd.conf")) || (rc = dn_write_conf(cfg, conf))) {
		LOG_E("cm: cannot write the freeDiameter configuration: %s", strerror(rc));
		goto out;
	}
	rc = fd_core_parseconf(conf);
	if (rc) {
		LOG_E("cm: freeDiameter rejected the configuration generated from %s: %s",
		      cfg->source ? cfg->source : "the YAML configuration", strerror(rc));
		goto out;
	}
	for (i = 0; i < cfg->n_listen; i++)
		if ((rc = dn_add_listen(cfg->listen[i])))
			goto out;
	if (!cfg->n_listen && (rc = dn_add_fallback_address()))
		goto out;
	rc = cm_listen_init(cfg);
out:
	/* freeDiameter has read every file it needs by now. */
	dn_rm_tmpdir();
	return rc;
}

/* freeDiameter 1.2.1 race: a configured peer's state machine thread looks at "has the core
 * started?" once, when it first runs; if that happens after fd_core_start, its first
 * connection attempt is delayed by a random 0-4 s. The thread leaves STATE_NEW right after
 * that look, so wait for it (at most about half a second in all) before starting the core. */
static void dn_wait_peer_threads(void)
{
	int budget = 500;
	size_t i;

	for (i = 0; i < dn.n_allowed; i++) {
		struct peer_hdr *peer = NULL;
		const char *h = dn.allowed[i].host;

		if (!h || fd_peer_getbyid((DiamId_t)h, strlen(h), 1, &peer) || !peer)
			continue;
		while (budget > 0 && fd_peer_get_state(peer) == STATE_NEW) {
			usleep(1000);
			budget--;
		}
	}
}

int cm_diam_start(void)
{
	int rc;

	if (!dn.inited || dn.started || dn.shut)
		return EINVAL;
	/* The dictionary is complete now: the guard on received messages needs it. */
	if ((rc = cm_rx_guard_register())) {
		cm_diam_set_exit_code(1);
		return rc;
	}
	dn_wait_peer_threads();
	if ((rc = fd_core_start())) {
		/* The caller will exit with an error: keep it so if shutting down aborts. */
		cm_diam_set_exit_code(1);
		return rc;
	}
	dn.started = true;
	/* The listeners exist now; accepted sockets inherit the option from them. */
	cm_tcp_nodelay_all();
	if ((rc = cm_listen_start()))
		LOG_E("cm: cannot protect the listening sockets: %s", strerror(rc));
	return 0;
}

int cm_diam_run(void (*on_hup)(void *data), void *data)
{
	sigset_t set;
	int sig, rc = 0;

	dn_sigset(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	pthread_mutex_lock(&dn.lock);
	dn.run_thread = pthread_self();
	dn.running = true;
	pthread_mutex_unlock(&dn.lock);
	for (;;) {
		pthread_mutex_lock(&dn.lock);
		if (dn.stop) {
			pthread_mutex_unlock(&dn.lock);
			break;
		}
		pthread_mutex_unlock(&dn.lock);
		if ((rc = sigwait(&set, &sig)))
			break;
		if (sig == SIGHUP) {
			if (on_hup)
				on_hup(data);
		} else if (sig == SIGUSR1 || sig == SIGUSR2) {
			/* As freeDiameterd does, for callbacks registered with fd_event_trig_regcb;
			 * the core runner frees the value. */
			int *v = malloc(sizeof(*v));
			if (!v)
				continue;
			*v = sig;
			if (!dn.started ||
			    fd_event_send(fd_g_config->cnf_main_ev, FDEV_TRIGGER, sizeof(*v), v))
				free(v);
		} else {
			break;
		}
	}
	pthread_mutex_lock(&dn.lock);
	dn.running = false;
	dn.stop = false;
	pthread_mutex_unlock(&dn.lock);
	return rc;
}

void cm_diam_request_stop(void)
{
	pthread_mutex_lock(&dn.lock);
	/* Directed at the waiting thread, where it is blocked, so sigwait returns. Only once per
	 * run, and not from that thread itself (e.g. in on_hup): it checks the flag before
	 * waiting, and a signal left pending would end the next cm_diam_run at once. */
	if (dn.running && !dn.stop && !pthread_equal(dn.run_thread, pthread_self()))
		pthread_kill(dn.run_thread, SIGTERM);
	dn.stop = true;
	pthread_mutex_unlock(&dn.lock);
}

/* freeDiameter 1.2.1's shutdown can abort (fd_fifo_del asserts when a thread waiting on a
 * queue is not scheduled within about 20 ms, seen on a loaded 2-core machine and after a
 * failed start) or hang (a peer that never answers DPR holds it for 16 s). The process has
 * decided its outcome by then, so neither may change it: both end the process with the exit
 * code chosen before. */
static volatile sig_atomic_t dn_exit_code;

void cm_diam_set_exit_code(int code)
{
	dn_exit_code = code;
}

static void dn_abort_handler(int sig)
{
	static const char m[] = "cm: freeDiameter aborted during shutdown; exiting\n";

	if (write(STDERR_FILENO, m, sizeof(m) - 1) < 0) {
		/* nothing more to do */
	}
	_exit(dn_exit_code);
}

static void *dn_watchdog(void *arg)
{
	sleep(5);
	fprintf(stderr, "cm: freeDiameter shutdown did not finish in 5 s; exiting\n");
	fflush(NULL);
	_exit(dn_exit_code);
	return NULL;
}

void cm_diam_shutdown(void)
{
	struct sigaction sa;
	pthread_t th;

	if (!dn.inited || dn.shut)
		return;
	dn.shut = true;
	fflush(NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = dn_abort_handler;
	sigaction(SIGABRT, &sa, NULL);
	if (!pthread_create(&th, NULL, dn_watchdog, NULL))
		pthread_detach(th);
	cm_listen_stop();
	fd_core_shutdown();
	fd_core_wait_shutdown_complete();
	dn_rm_tmpdir();
	dn_allowed_free();
	dn_default_route_free();
}

int cm_diam_wait_peer(const char *identity, int timeout_ms)
{
	struct timespec start, now, nap = { 0, 20 * 1000 * 1000 };
	struct peer_hdr *hdr = NULL;

	if (!identity || !dn.inited)
		return EINVAL;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		hdr = NULL;
		if (!fd_peer_getbyid((DiamId_t)identity, strlen(identity), 1, &hdr) && hdr &&
		    fd_peer_get_state(hdr) == STATE_OPEN)
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 >=
		    timeout_ms)
			return ETIMEDOUT;
		nanosleep(&nap, NULL);
	}
}

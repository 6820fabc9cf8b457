/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * cli.c: dclient's command line. One option table covers node, command, load and echo
 * options; each option says which commands use it, so options may come in any order around
 * the command word and a misplaced one is reported instead of silently ignored.
 */
#include "dclient.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define B(c) (1u << (c))
#define S6A_ALL (B(DC_AIR) | B(DC_ULR) | B(DC_PUR) | B(DC_NOR))
#define CX_ALL (B(DC_UAR) | B(DC_MAR) | B(DC_SAR) | B(DC_LIR))
#define SH_ALL (B(DC_UDR) | B(DC_PUR_SH) | B(DC_SNR))
#define REQ_ALL (S6A_ALL | CX_ALL | SH_ALL | B(DC_RAW))
#define CLIENT_ALL (REQ_ALL | B(DC_SERVE))
#define ALL_CMDS 0x7fffffffu
#define LOAD_ONLY 0x80000000u  /* pseudo-bit: only with "load" */

enum {
	O_PEER = 256, O_PEER_HOST, O_IDENTITY, O_REALM, O_DEST_REALM, O_DEST_HOST, O_PORT, O_LISTEN,
	O_SCTP, O_TIMEOUT, O_JSON, O_THREADS, O_SERVE_SECONDS, O_SERVE_COUNT,
	O_IMSI, O_VPLMN, O_VECTORS, O_UTRAN, O_GERAN, O_RESYNC, O_IMMEDIATE, O_RAT, O_ULR_FLAGS,
	O_SKIP_SUB, O_INITIAL_ATTACH, O_UE_SRVCC, O_PUR_FLAGS, O_NOR_FLAGS,
	O_IMPI, O_IMPU, O_VNET, O_AUTH_TYPE, O_SCHEME, O_ITEMS, O_SERVER_NAME, O_ASSIGN,
	O_UAR_FLAGS, O_UDAA, O_SERVE_RESULT,
	O_MSISDN, O_DATA_REF, O_SERVICE_IND, O_USER_DATA, O_SUBS_REQ,
	O_APP, O_CMD, O_AVP, O_NO_SID, O_NO_ORIGIN, O_NO_DREALM, O_NO_ASS, O_NO_VSAI, O_NOT_PROXIABLE,
	O_COUNT, O_DURATION, O_CONCURRENCY, O_RATE, O_IMSI_RANGE, O_IMSI_FILE,
	O_APPS, O_LISTEN_PORT,
};

struct dc_opt {
	const char *name;
	int has_arg;
	int id;
	uint32_t cmds;
	const char *arg, *help;
};

static const struct dc_opt dc_opts_tab[] = {
	{ "peer", 1, O_PEER, CLIENT_ALL, "ADDR[:PORT]", "server address (default 127.0.0.1:3868)" },
	{ "peer-host", 1, O_PEER_HOST, CLIENT_ALL, "DIAMID", "server's Diameter identity (required)" },
	{ "identity", 1, O_IDENTITY, ALL_CMDS, "DIAMID", "our identity (default dclient-PID.localdomain)" },
	{ "realm", 1, O_REALM, ALL_CMDS, "REALM", "our realm (default: identity after its first dot)" },
	{ "dest-realm", 1, O_DEST_REALM, REQ_ALL, "REALM", "Destination-Realm (default: peer-host after its first dot)" },
	{ "dest-host", 1, O_DEST_HOST, REQ_ALL, "DIAMID", "add Destination-Host" },
	{ "port", 1, O_PORT, ALL_CMDS, "PORT", "local listen port (default 0: no listener)" },
	{ "listen-port", 1, O_LISTEN_PORT, B(DC_ECHO), "PORT", "echo: port to listen on (default 3868)" },
	{ "listen", 1, O_LISTEN, ALL_CMDS, "ADDR", "local address to listen on (default 127.0.0.1)" },
	{ "sctp", 0, O_SCTP, ALL_CMDS, NULL, "use SCTP instead of TCP" },
	{ "timeout", 1, O_TIMEOUT, CLIENT_ALL, "MS", "connect and answer timeout (default 5000)" },
	{ "json", 0, O_JSON, ALL_CMDS, NULL, "print messages as JSON lines" },
	{ "threads", 1, O_THREADS, ALL_CMDS, "N", "freeDiameter routing/dispatch threads (default 4)" },
	{ "serve-seconds", 1, O_SERVE_SECONDS, CLIENT_ALL, "S", "after the answer, answer peer requests for S seconds" },
	{ "serve-count", 1, O_SERVE_COUNT, CLIENT_ALL, "N", "stop serving after N requests" },
	{ "serve-result", 1, O_SERVE_RESULT, CLIENT_ALL, "N|exp:N", "result of the served requests' answers (default 2001; exp:N: Experimental-Result-Code N, vendor 10415)" },

	{ "imsi", 1, O_IMSI, S6A_ALL, "IMSI", "User-Name (load: default of --imsi-range)" },
	{ "visited-plmn", 1, O_VPLMN, B(DC_AIR) | B(DC_ULR), "MCCMNC", "Visited-PLMN-Id (default 00101)" },
	{ "vectors", 1, O_VECTORS, B(DC_AIR), "N", "E-UTRAN vectors requested (default 1)" },
	{ "utran", 1, O_UTRAN, B(DC_AIR), "N", "UTRAN/GERAN vectors requested" },
	{ "geran", 1, O_GERAN, B(DC_AIR), "N", "same as --utran (one AVP serves both)" },
	{ "resync", 1, O_RESYNC, B(DC_AIR) | B(DC_MAR), "RAND:AUTS", "Re-Synchronization-Info (hex)" },
	{ "immediate-response", 0, O_IMMEDIATE, B(DC_AIR), NULL, "Immediate-Response-Preferred" },
	{ "rat-type", 1, O_RAT, B(DC_ULR), "TYPE", "eutran (default), utran, geran, nr, wlan or a number" },
	{ "ulr-flags", 1, O_ULR_FLAGS, B(DC_ULR), "N", "ULR-Flags (default 2: S6a/S6d-Indicator)" },
	{ "skip-subscriber-data", 0, O_SKIP_SUB, B(DC_ULR), NULL, "set Skip-Subscriber-Data in ULR-Flags" },
	{ "initial-attach", 0, O_INITIAL_ATTACH, B(DC_ULR), NULL, "set Initial-Attach-Indicator" },
	{ "ue-srvcc", 1, O_UE_SRVCC, B(DC_ULR), "yes|no", "UE-SRVCC-Capability" },
	{ "pur-flags", 1, O_PUR_FLAGS, B(DC_PUR), "N", "PUR-Flags" },
	{ "nor-flags", 1, O_NOR_FLAGS, B(DC_NOR), "N", "NOR-Flags" },

	{ "impi", 1, O_IMPI, CX_ALL, "ID", "private identity (User-Name)" },
	{ "impu", 1, O_IMPU, CX_ALL | SH_ALL, "URI", "Public-Identity" },
	{ "visited-network", 1, O_VNET, B(DC_UAR), "ID", "Visited-Network-Identifier (default: dest realm)" },
	{ "auth-type", 1, O_AUTH_TYPE, B(DC_UAR) | B(DC_LIR), "N", "User-Authorization-Type" },
	{ "scheme", 1, O_SCHEME, B(DC_MAR), "NAME", "SIP-Authentication-Scheme (default Digest-AKAv1-MD5)" },
	{ "items", 1, O_ITEMS, B(DC_MAR), "N", "SIP-Number-Auth-Items (default 1)" },
	{ "server-name", 1, O_SERVER_NAME, B(DC_MAR) | B(DC_SAR) | SH_ALL, "URI", "Server-Name" },
	{ "assignment-type", 1, O_ASSIGN, B(DC_SAR), "N", "Server-Assignment-Type (default 1 REGISTRATION)" },
	{ "uar-flags", 1, O_UAR_FLAGS, B(DC_UAR), "N", "UAR-Flags (1: IMS emergency registration)" },
	{ "user-data-available", 1, O_UDAA, B(DC_SAR), "0|1", "User-Data-Already-Available (default 0)" },

	{ "msisdn", 1, O_MSISDN, SH_ALL, "DIGITS", "User-Identity/MSISDN instead of Public-Identity" },
	{ "data-ref", 1, O_DATA_REF, SH_ALL, "N", "Data-Reference (repeatable)" },
	{ "service-indication", 1, O_SERVICE_IND, SH_ALL, "TEXT", "Service-Indication" },
	{ "user-data", 1, O_USER_DATA, B(DC_PUR_SH), "XML|@FILE", "User-Data" },
	{ "subs-req-type", 1, O_SUBS_REQ, B(DC_SNR), "N", "Subs-Req-Type (default 0 SUBSCRIBE)" },

	{ "app", 1, O_APP, B(DC_RAW), "ID", "raw: Application-Id (default 16777251)" },
	{ "cmd", 1, O_CMD, B(DC_RAW), "CODE", "raw: command code (required)" },
	{ "avp", 1, O_AVP, REQ_ALL, "PATH=VALUE", "add an AVP (repeatable; see README)" },
	{ "no-session-id", 0, O_NO_SID, B(DC_RAW), NULL, "raw: omit Session-Id" },
	{ "no-origin", 0, O_NO_ORIGIN, B(DC_RAW), NULL, "raw: omit Origin-Host/Origin-Realm" },
	{ "no-dest-realm", 0, O_NO_DREALM, B(DC_RAW), NULL, "raw: omit Destination-Realm" },
	{ "no-auth-session-state", 0, O_NO_ASS, B(DC_RAW), NULL, "raw: omit Auth-Session-State" },
	{ "no-vsai", 0, O_NO_VSAI, B(DC_RAW), NULL, "raw: omit Vendor-Specific-Application-Id" },
	{ "not-proxiable", 0, O_NOT_PROXIABLE, B(DC_RAW), NULL, "raw: clear the P bit" },

	{ "count", 1, O_COUNT, REQ_ALL | LOAD_ONLY, "N", "load: number of requests" },
	{ "duration", 1, O_DURATION, REQ_ALL | LOAD_ONLY, "S", "load: run for S seconds" },
	{ "concurrency", 1, O_CONCURRENCY, REQ_ALL | LOAD_ONLY, "C", "load: requests in flight (default 10)" },
	{ "rate", 1, O_RATE, REQ_ALL | LOAD_ONLY, "R", "load: send R requests/s on a fixed schedule (open loop), at most C in flight" },
	{ "imsi-range", 1, O_IMSI_RANGE, REQ_ALL | LOAD_ONLY, "FROM-TO", "load: IMSIs to cycle through" },
	{ "imsi-file", 1, O_IMSI_FILE, REQ_ALL | LOAD_ONLY, "FILE", "load: IMSIs, one per line" },

	{ "apps", 1, O_APPS, B(DC_ECHO), "LIST", "echo: applications to serve (default s6a,cx,sh)" },
	{ NULL, 0, 0, 0, NULL, NULL },
};

static const char *const dc_cmd_names[DC_CMD_MAX] = {
	[DC_AIR] = "air", [DC_ULR] = "ulr", [DC_PUR] = "pur", [DC_NOR] = "nor",
	[DC_UAR] = "uar", [DC_MAR] = "mar", [DC_SAR] = "sar", [DC_LIR] = "lir",
	[DC_UDR] = "udr", [DC_PUR_SH] = "pur-sh", [DC_SNR] = "snr",
	[DC_RAW] = "raw", [DC_SERVE] = "serve", [DC_ECHO] = "echo",
};

const char *dc_cmd_name(enum dc_cmd cmd)
{
	if (cmd <= DC_CMD_NONE || cmd >= DC_CMD_MAX)
		return "?";
	return dc_cmd_names[cmd];
}

void dc_usage(FILE *f)
{
	fprintf(f,
	        "usage: dclient [OPTIONS] COMMAND [OPTIONS]\n"
	        "       dclient [OPTIONS] load COMMAND [OPTIONS]\n"
	        "commands: air ulr pur nor (S6a)  uar mar sar lir (Cx)  udr pur-sh snr (Sh)\n"
	        "          raw (any request)  serve (answer peer requests)  echo (2001 server)\n"
	        "exit: 0 success (2001/2002), 1 other result, 2 usage, 3 timeout/no answer/no connection\n"
	        "options:\n");
	for (const struct dc_opt *o = dc_opts_tab; o->name; o++) {
		char left[64];
		snprintf(left, sizeof(left), "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(f, "  %-32s %s\n", left, o->help);
	}
	fprintf(f, "  %-32s %s\n", "-v", "more logging on stderr (repeatable)");
}

static int dc_u64(const char *name, const char *s, uint64_t min, uint64_t max, uint64_t *ret)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max) {
		fprintf(stderr, "dclient: --%s: '%s' is not a number in [%llu, %llu]\n", name, s,
		        (unsigned long long)min, (unsigned long long)max);
		return DC_EXIT_USAGE;
	}
	*ret = v;
	return 0;
}

static int dc_dbl(const char *name, const char *s, double *ret)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || v < 0) {
		fprintf(stderr, "dclient: --%s: '%s' is not a non-negative number\n", name, s);
		return DC_EXIT_USAGE;
	}
	*ret = v;
	return 0;
}

/* ADDR[:PORT], [V6ADDR][:PORT] */
static int dc_addr_port(const char *s, char **ret_addr, uint16_t *port)
{
	const char *colon;
	size_t alen;
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');
		if (!rb)
			return DC_EXIT_USAGE;
		alen = (size_t)(rb - s - 1);
		s++;
		colon = rb[1] == ':' ? rb + 1 : NULL;
		if (rb[1] && !colon)
			return DC_EXIT_USAGE;
	} else {
		colon = strchr(s, ':');
		if (colon && strchr(colon + 1, ':'))
			colon = NULL; /* bare IPv6 */
		alen = colon ? (size_t)(colon - s) : strlen(s);
	}
	if (colon) {
		uint64_t p;
		if (dc_u64("peer", colon + 1, 1, 65535, &p))
			return DC_EXIT_USAGE;
		*port = (uint16_t)p;
	}
	free(*ret_addr);
	*ret_addr = strndup(s, alen);
	return *ret_addr ? 0 : DC_EXIT_NOANS;
}

static const struct {
	const char *name;
	enum dc_cmd cmd;
} dc_words[] = {
	{ "air", DC_AIR }, { "ulr", DC_ULR }, { "pur", DC_PUR }, { "nor", DC_NOR },
	{ "uar", DC_UAR }, { "mar", DC_MAR }, { "sar", DC_SAR }, { "lir", DC_LIR },
	{ "udr", DC_UDR }, { "pur-sh", DC_PUR_SH }, { "snr", DC_SNR },
	{ "raw", DC_RAW }, { "serve", DC_SERVE }, { "echo", DC_ECHO },
};

static char *dc_realm_of(const char *id)
{
	const char *dot = id ? strchr(id, '.') : NULL;
	return strdup(dot && dot[1] ? dot + 1 : "localdomain");
}

static int dc_set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = strdup(v);
	return *dst ? 0 : DC_EXIT_NOANS;
}

int dc_cli_parse(int argc, char **argv, struct dc_opts *o)
{
	memset(o, 0, sizeof(*o)); /* first: dc_cli_free must work whatever happens below */
	size_t n = 0;
	for (const struct dc_opt *d = dc_opts_tab; d->name; d++)
		n++;
	struct option *lo = calloc(n + 3, sizeof(*lo));
	int *seen = calloc(n, sizeof(*seen));
	int rc = 0;
	bool port_set = false;
	if (!lo || !seen) {
		rc = DC_EXIT_NOANS;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		lo[i].name = dc_opts_tab[i].name;
		lo[i].has_arg = dc_opts_tab[i].has_arg ? required_argument : no_argument;
		lo[i].val = dc_opts_tab[i].id;
	}
	lo[n].name = "help";
	lo[n].val = 'h';
	lo[n + 1].name = "verbose";
	lo[n + 1].val = 'v';

	o->peer_port = 3868;
	o->timeout_ms = 5000;
	o->threads = 4;
	o->ue_srvcc = -1;
	o->pur_flags = o->nor_flags = o->auth_type = -1;
	o->assignment_type = 1;
	o->uar_flags = -1;
	o->serve_result = 2001;
	o->subs_req_type = 0;
	o->ulr_flags = 2;
	o->vectors = 1;
	o->items = 1;
	o->concurrency = 10;
	o->app_id = DC_APP_S6A;

	optind = 1;
	opterr = 1;
	int c;
	while ((c = getopt_long(argc, argv, "vh", lo, NULL)) != -1) {
		uint64_t u;
		double d;
		if (c == 'h') {
			dc_usage(stdout);
			rc = -1;
			goto out;
		}
		if (c == 'v') {
			o->verbose++;
			continue;
		}
		if (c == '?') {
			rc = DC_EXIT_USAGE;
			goto out;
		}
		for (size_t i = 0; i < n; i++)
			if (dc_opts_tab[i].id == c)
				seen[i] = 1;
		switch (c) {
		case O_PEER: rc = dc_addr_port(optarg, &o->peer_addr, &o->peer_port); break;
		case O_PEER_HOST: rc = dc_set_str(&o->peer_host, optarg); break;
		case O_IDENTITY: rc = dc_set_str(&o->identity, optarg); break;
		case O_REALM: rc = dc_set_str(&o->realm, optarg); break;
		case O_DEST_REALM: rc = dc_set_str(&o->dest_realm, optarg); break;
		case O_DEST_HOST: rc = dc_set_str(&o->dest_host, optarg); break;
		case O_PORT:
		case O_LISTEN_PORT:
			if (!(rc = dc_u64(c == O_PORT ? "port" : "listen-port", optarg, 0, 65535, &u))) {
				o->port = (uint16_t)u;
				port_set = true;
			}
			break;
		case O_LISTEN: rc = dc_set_str(&o->listen, optarg); break;
		case O_SCTP: o->sctp = true; break;
		case O_TIMEOUT:
			if (!(rc = dc_u64("timeout", optarg, 1, 3600000, &u)))
				o->timeout_ms = (int)u;
			break;
		case O_JSON: o->json = true; break;
		case O_THREADS:
			if (!(rc = dc_u64("threads", optarg, 1, 64, &u)))
				o->threads = (unsigned)u;
			break;
		case O_SERVE_SECONDS: rc = dc_dbl("serve-seconds", optarg, &o->serve_seconds); break;
		case O_SERVE_COUNT:
			if (!(rc = dc_u64("serve-count", optarg, 1, UINT32_MAX, &u)))
				o->serve_count = (unsigned)u;
			break;
		case O_IMSI: rc = dc_set_str(&o->imsi, optarg); break;
		case O_VPLMN: rc = dc_set_str(&o->visited_plmn, optarg); break;
		case O_VECTORS:
			if (!(rc = dc_u64("vectors", optarg, 0, 32, &u))) {
				o->vectors = (unsigned)u;
				o->vectors_set = true;
			}
			break;
		case O_UTRAN:
		case O_GERAN:
			if (!(rc = dc_u64(c == O_UTRAN ? "utran" : "geran", optarg, 0, 32, &u)))
				o->utran = (unsigned)u;
			break;
		case O_RESYNC: rc = dc_set_str(&o->resync, optarg); break;
		case O_IMMEDIATE: o->immediate = true; break;
		case O_RAT: rc = dc_set_str(&o->rat_type, optarg); break;
		case O_ULR_FLAGS:
			if (!(rc = dc_u64("ulr-flags", optarg, 0, UINT32_MAX, &u)))
				o->ulr_flags = (uint32_t)u;
			break;
		case O_SKIP_SUB: o->skip_subscriber_data = true; break;
		case O_INITIAL_ATTACH: o->initial_attach = true; break;
		case O_UE_SRVCC:
			if (!strcmp(optarg, "yes") || !strcmp(optarg, "1") || !strcmp(optarg, "supported"))
				o->ue_srvcc = 1;
			else if (!strcmp(optarg, "no") || !strcmp(optarg, "0") || !strcmp(optarg, "not-supported"))
				o->ue_srvcc = 0;
			else {
				fprintf(stderr, "dclient: --ue-srvcc: yes or no\n");
				rc = DC_EXIT_USAGE;
			}
			break;
		case O_PUR_FLAGS:
		case O_NOR_FLAGS:
			if (!(rc = dc_u64(c == O_PUR_FLAGS ? "pur-flags" : "nor-flags", optarg, 0, UINT32_MAX, &u))) {
				if (c == O_PUR_FLAGS)
					o->pur_flags = (int64_t)u;
				else
					o->nor_flags = (int64_t)u;
			}
			break;
		case O_IMPI: rc = dc_set_str(&o->impi, optarg); break;
		case O_IMPU: rc = dc_set_str(&o->impu, optarg); break;
		case O_VNET: rc = dc_set_str(&o->visited_network, optarg); break;
		case O_AUTH_TYPE:
			if (!(rc = dc_u64("auth-type", optarg, 0, INT32_MAX, &u)))
				o->auth_type = (int64_t)u;
			break;
		case O_SCHEME: rc = dc_set_str(&o->scheme, optarg); break;
		case O_ITEMS:
			if (!(rc = dc_u64("items", optarg, 0, 32, &u)))
				o->items = (unsigned)u;
			break;
		case O_SERVER_NAME: rc = dc_set_str(&o->server_name, optarg); break;
		case O_ASSIGN:
			if (!(rc = dc_u64("assignment-type", optarg, 0, INT32_MAX, &u)))
				o->assignment_type = (int64_t)u;
			break;
		case O_UAR_FLAGS:
			if (!(rc = dc_u64("uar-flags", optarg, 0, UINT32_MAX, &u)))
				o->uar_flags = (int64_t)u;
			break;
		case O_UDAA:
			if (!(rc = dc_u64("user-data-available", optarg, 0, 1, &u)))
				o->udaa = (unsigned)u;
			break;
		case O_SERVE_RESULT: {
			bool exp = !strncmp(optarg, "exp:", 4);
			if (!(rc = dc_u64("serve-result", optarg + (exp ? 4 : 0), 1, UINT32_MAX, &u))) {
				o->serve_result = (uint32_t)u;
				o->serve_exp = exp;
			}
			break;
		}
		case O_MSISDN: rc = dc_set_str(&o->msisdn, optarg); break;
		case O_DATA_REF:
			if (o->n_data_ref == DC_MAX_DATA_REF) {
				fprintf(stderr, "dclient: at most %d --data-ref\n", DC_MAX_DATA_REF);
				rc = DC_EXIT_USAGE;
			} else if (!(rc = dc_u64("data-ref", optarg, 0, INT32_MAX, &u))) {
				o->data_ref[o->n_data_ref++] = (uint32_t)u;
			}
			break;
		case O_SERVICE_IND: rc = dc_set_str(&o->service_indication, optarg); break;
		case O_USER_DATA: rc = dc_set_str(&o->user_data, optarg); break;
		case O_SUBS_REQ:
			if (!(rc = dc_u64("subs-req-type", optarg, 0, INT32_MAX, &u)))
				o->subs_req_type = (int64_t)u;
			break;
		case O_APP:
			if (!(rc = dc_u64("app", optarg, 0, UINT32_MAX, &u))) {
				o->app_id = (uint32_t)u;
				o->app_set = true;
			}
			break;
		case O_CMD:
			if (!(rc = dc_u64("cmd", optarg, 0, 0xffffff, &u))) {
				o->cmd_code = (uint32_t)u;
				o->cmd_code_set = true;
			}
			break;
		case O_AVP: {
			char **na = realloc(o->avps, (o->n_avps + 1) * sizeof(*na));
			if (!na) {
				rc = DC_EXIT_NOANS;
				break;
			}
			o->avps = na;
			o->avps[o->n_avps] = strdup(optarg);
			if (!o->avps[o->n_avps])
				rc = DC_EXIT_NOANS;
			else
				o->n_avps++;
			break;
		}
		case O_NO_SID: o->no_session_id = true; break;
		case O_NO_ORIGIN: o->no_origin = true; break;
		case O_NO_DREALM: o->no_dest_realm = true; break;
		case O_NO_ASS: o->no_auth_session_state = true; break;
		case O_NO_VSAI: o->no_vsai = true; break;
		case O_NOT_PROXIABLE: o->not_proxiable = true; break;
		case O_COUNT:
			rc = dc_u64("count", optarg, 1, UINT32_MAX, &o->count);
			break;
		case O_DURATION:
			if (!(rc = dc_dbl("duration", optarg, &d)))
				o->duration = d;
			break;
		case O_CONCURRENCY:
			if (!(rc = dc_u64("concurrency", optarg, 1, 100000, &u)))
				o->concurrency = (unsigned)u;
			break;
		case O_RATE:
			if (!(rc = dc_dbl("rate", optarg, &d)))
				o->rate = d;
			break;
		case O_IMSI_RANGE: rc = dc_set_str(&o->imsi_range, optarg); break;
		case O_IMSI_FILE: rc = dc_set_str(&o->imsi_file, optarg); break;
		case O_APPS: rc = dc_set_str(&o->apps, optarg); break;
		default: rc = DC_EXIT_USAGE; break;
		}
		if (rc)
			goto out;
	}

	/* Remaining words: [load] COMMAND */
	for (int i = optind; i < argc; i++) {
		if (!strcmp(argv[i], "load") && !o->load && o->cmd == DC_CMD_NONE) {
			o->load = true;
			continue;
		}
		enum dc_cmd cmd = DC_CMD_NONE;
		for (size_t k = 0; k < sizeof(dc_words) / sizeof(dc_words[0]); k++)
			if (!strcmp(argv[i], dc_words[k].name))
				cmd = dc_words[k].cmd;
		if (cmd == DC_CMD_NONE || o->cmd != DC_CMD_NONE) {
			fprintf(stderr, "dclient: unexpected word '%s' (try --help)\n", argv[i]);
			rc = DC_EXIT_USAGE;
			goto out;
		}
		o->cmd = cmd;
	}
	if (o->cmd == DC_CMD_NONE) {
		fprintf(stderr, "dclient: no command given (try --help)\n");
		rc = DC_EXIT_USAGE;
		goto out;
	}
	if (o->load && (o->cmd == DC_SERVE || o->cmd == DC_ECHO)) {
		fprintf(stderr, "dclient: load needs a request command, not '%s'\n", dc_cmd_name(o->cmd));
		rc = DC_EXIT_USAGE;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const struct dc_opt *d = &dc_opts_tab[i];
		if (!seen[i])
			continue;
		if (!(d->cmds & B(o->cmd)) || ((d->cmds & LOAD_ONLY) && !o->load)) {
			fprintf(stderr, "dclient: option --%s is not used by '%s%s'\n", d->name,
			        o->load ? "load " : "", dc_cmd_name(o->cmd));
			rc = DC_EXIT_USAGE;
			goto out;
		}
	}

	/* Per-command requirements and derived defaults. */
	if (o->cmd != DC_ECHO && !o->peer_host) {
		fprintf(stderr, "dclient: --peer-host (the server's Diameter identity) is required\n");
		rc = DC_EXIT_USAGE;
		goto out;
	}
	if (o->cmd == DC_RAW && !o->cmd_code_set) {
		fprintf(stderr, "dclient: raw needs --cmd CODE\n");
		rc = DC_EXIT_USAGE;
		goto out;
	}
	if (o->load) {
		if (!o->count && o->duration <= 0) {
			fprintf(stderr, "dclient: load needs --count N or --duration S\n");
			rc = DC_EXIT_USAGE;
			goto out;
		}
		if (o->imsi_range && o->imsi_file) {
			fprintf(stderr, "dclient: --imsi-range and --imsi-file exclude each other\n");
			rc = DC_EXIT_USAGE;
			goto out;
		}
	}
	if ((o->cmd >= DC_AIR && o->cmd <= DC_NOR) && !o->imsi && !(o->load && (o->imsi_range || o->imsi_file))) {
		fprintf(stderr, "dclient: %s needs --imsi\n", dc_cmd_name(o->cmd));
		rc = DC_EXIT_USAGE;
		goto out;
	}
	if ((o->cmd >= DC_UAR && o->cmd <= DC_LIR) && !o->impu) {
		fprintf(stderr, "dclient: %s needs --impu\n", dc_cmd_name(o->cmd));
		rc = DC_EXIT_USAGE;
		goto out;
	}
	if ((o->cmd == DC_UAR || o->cmd == DC_MAR) && !o->impi) {
		fprintf(stderr, "dclient: %s needs --impi\n", dc_cmd_name(o->cmd));
		rc = DC_EXIT_USAGE;
		goto out;
	}
	if ((o->cmd >= DC_UDR && o->cmd <= DC_SNR) && !o->impu == !o->msisdn) {
		fprintf(stderr, "dclient: %s needs one of --impu or --msisdn\n", dc_cmd_name(o->cmd));
		rc = DC_EXIT_USAGE;
		goto out;
	}
	if (o->cmd == DC_PUR_SH && !o->user_data) {
		fprintf(stderr, "dclient: pur-sh needs --user-data\n");
		rc = DC_EXIT_USAGE;
		goto out;
	}
	if (o->apps) {
		for (const char *p = o->apps; *p;) {
			size_t len = strcspn(p, ",");
			if (!(len == 3 && !strncasecmp(p, "s6a", 3)) && !(len == 2 && !strncasecmp(p, "cx", 2)) &&
			    !(len == 2 && !strncasecmp(p, "sh", 2))) {
				fprintf(stderr, "dclient: --apps: a comma-separated list of s6a, cx, sh\n");
				rc = DC_EXIT_USAGE;
				goto out;
			}
			p += len;
			if (*p == ',')
				p++;
		}
	}
	if (o->cmd == DC_ECHO && !port_set)
		o->port = 3868;
	if (!o->identity) {
		char id[96];
		snprintf(id, sizeof(id), "%s-%ld.%s", o->cmd == DC_ECHO ? "echo" : "dclient", (long)getpid(),
		         o->realm ? o->realm : "localdomain");
		if ((rc = dc_set_str(&o->identity, id)))
			goto out;
	}
	if (!o->realm && !(o->realm = dc_realm_of(o->identity))) {
		rc = DC_EXIT_NOANS;
		goto out;
	}
	if (o->cmd != DC_ECHO && !o->dest_realm && !(o->dest_realm = dc_realm_of(o->peer_host))) {
		rc = DC_EXIT_NOANS;
		goto out;
	}
	if (!o->peer_addr && (rc = dc_set_str(&o->peer_addr, "127.0.0.1")))
		goto out;
	if (!o->listen && (rc = dc_set_str(&o->listen, "127.0.0.1")))
		goto out;
	if (!o->visited_plmn && (rc = dc_set_str(&o->visited_plmn, "00101")))
		goto out;
	if (o->utran && !o->vectors_set)
		o->vectors = 0;
	if (o->skip_subscriber_data)
		o->ulr_flags |= 1u << 2;
	if (o->initial_attach)
		o->ulr_flags |= 1u << 5;
out:
	free(lo);
	free(seen);
	return rc;
}

void dc_cli_free(struct dc_opts *o)
{
	char **strs[] = { &o->peer_addr, &o->peer_host, &o->identity, &o->realm, &o->dest_realm,
		&o->dest_host, &o->listen, &o->imsi, &o->visited_plmn, &o->resync, &o->rat_type,
		&o->impi, &o->impu, &o->visited_network, &o->server_name, &o->scheme, &o->msisdn,
		&o->service_indication, &o->user_data, &o->imsi_range, &o->imsi_file, &o->apps };
	for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		free(*strs[i]);
		*strs[i] = NULL;
	}
	for (size_t i = 0; i < o->n_avps; i++)
		free(o->avps[i]);
	free(o->avps);
	o->avps = NULL;
	o->n_avps = 0;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * dclient.h: the header of tools/dclient's library (main.c, the fuzz targets and tests link
 * it), the Diameter test client, load generator and echo server. dclient is a freeDiameter
 * node of its own (through common/'s glue); each file holds one job: option parsing (cli.c),
 * the node (node.c), request building (req.c with one file per application: s6a.c, cx.c,
 * sh.c, and raw.c for free-form AVPs), answer printing (print.c), the one-shot and serve
 * modes (oneshot.c), load mode (load.c), echo mode (echo.c) and latency statistics
 * (stats.c).
 */
#ifndef DCLIENT_H
#define DCLIENT_H

#include "cm.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Process exit codes (documented in README.md). */
#define DC_EXIT_OK      0  /* DIAMETER_SUCCESS or DIAMETER_LIMITED_SUCCESS */
#define DC_EXIT_RESULT  1  /* any other result */
#define DC_EXIT_USAGE   2  /* bad command line */
#define DC_EXIT_NOANS   3  /* timeout, no answer, connection failure, local setup error */

#define DC_VENDOR_3GPP 10415u
#define DC_APP_S6A 16777251u
#define DC_APP_CX  16777216u
#define DC_APP_SH  16777217u

enum dc_cmd {
	DC_CMD_NONE = 0,
	DC_AIR, DC_ULR, DC_PUR, DC_NOR,         /* S6a */
	DC_UAR, DC_MAR, DC_SAR, DC_LIR,         /* Cx */
	DC_UDR, DC_PUR_SH, DC_SNR,              /* Sh */
	DC_RAW,                                 /* any application, AVPs from --avp */
	DC_SERVE,                               /* no request: only answer peer-initiated ones */
	DC_ECHO,                                /* server answering 2001 to everything */
	DC_CMD_MAX
};

#define DC_MAX_DATA_REF 16

struct dc_opts {
	/* node */
	char *peer_addr;            /* "127.0.0.1" */
	uint16_t peer_port;         /* 3868 */
	char *peer_host;            /* the server's Diameter identity */
	char *identity;             /* our identity */
	char *realm;                /* our realm */
	char *dest_realm;
	char *dest_host;
	char *listen;               /* address to listen on (echo, or --port) */
	uint16_t port;              /* local listen port, 0: none */
	bool sctp;
	int timeout_ms;             /* connect and answer timeout */
	bool json;
	int verbose;
	unsigned threads;

	/* serving peer-initiated requests after the one-shot */
	double serve_seconds;       /* 0: do not serve (serve command: forever) */
	unsigned serve_count;       /* stop after this many requests, 0: no limit */
	uint32_t serve_result;      /* the answers' Result-Code (2001) ... */
	bool serve_exp;             /* ... or Experimental-Result-Code (vendor 10415) */

	enum dc_cmd cmd;
	bool load;

	/* S6a */
	char *imsi;
	char *visited_plmn;         /* MCCMNC */
	unsigned vectors;           /* E-UTRAN vectors */
	bool vectors_set;
	unsigned utran;             /* UTRAN/GERAN vectors (same AVP) */
	char *resync;               /* RAND_HEX:AUTS_HEX */
	bool immediate;
	char *rat_type;
	uint32_t ulr_flags;
	bool skip_subscriber_data, initial_attach;
	int ue_srvcc;               /* -1 absent, 0 NOT_SUPPORTED, 1 SUPPORTED */
	int64_t pur_flags, nor_flags;  /* -1 absent */

	/* Cx */
	char *impi, *impu, *visited_network, *server_name, *scheme;
	int64_t auth_type;          /* User-Authorization-Type, -1 absent */
	unsigned items;
	int64_t assignment_type;    /* Server-Assignment-Type */
	int64_t uar_flags;          /* UAR-Flags, -1 absent */
	unsigned udaa;              /* User-Data-Already-Available */

	/* Sh */
	char *msisdn;
	uint32_t data_ref[DC_MAX_DATA_REF];
	size_t n_data_ref;
	char *service_indication;
	char *user_data;            /* PUR User-Data (text, or @FILE) */
	int64_t subs_req_type;      /* SNR Subs-Req-Type */

	/* raw and extra AVPs for every request */
	uint32_t app_id;
	bool app_set;
	uint32_t cmd_code;
	bool cmd_code_set;
	bool no_session_id, no_origin, no_dest_realm, no_auth_session_state, no_vsai;
	bool not_proxiable;
	char **avps;
	size_t n_avps;

	/* load */
	uint64_t count;
	double duration;
	unsigned concurrency;
	double rate;                /* load: requests/s on a fixed schedule; 0: as fast as answered */
	char *imsi_range;
	char *imsi_file;

	/* echo */
	char *apps;                 /* "s6a,cx,sh" */
};

/* cli.c: fill opts from argv. 0, or DC_EXIT_USAGE after printing why (or -1 after --help);
 * call dc_cli_free in every case. */
int dc_cli_parse(int argc, char **argv, struct dc_opts *opts);
void dc_cli_free(struct dc_opts *opts);
const char *dc_cmd_name(enum dc_cmd cmd);
void dc_usage(FILE *f);

/* node.c: start the freeDiameter node described by opts (client: one peer, or echo: a
 * listener accepting anyone), load dictionaries, advertise the applications. */
int dc_node_start(const struct dc_opts *opts);
/* Start the core, then (client) wait for the peer to be OPEN: ETIMEDOUT or ECONNREFUSED,
 * with a message on stderr. */
int dc_node_wait_peer(const struct dc_opts *opts);
/* Shut the node down; exit_code is what the process exits with if freeDiameter's
 * shutdown aborts or hangs. */
void dc_node_stop(int exit_code);
/* Run fn(arg) in a worker thread while this thread waits for SIGINT/SIGTERM (cm_diam_run);
 * a signal sets dc_interrupted, which long-running work polls. Returns fn's result. */
int dc_run(int (*fn)(void *), void *arg);
extern volatile bool dc_interrupted;
/* Build the minimal success answer to *pmsg (in place): Session-Id, VSAI, Result-Code 2001,
 * Auth-Session-State, Origin-Host, Origin-Realm. */
int dc_answer_2001(struct msg **pmsg);
/* The same with another result: Result-Code code, or Experimental-Result {10415, code}. */
int dc_answer_result(struct msg **pmsg, uint32_t code, bool exp);
/* Register the handler answering peer-initiated requests (CLR, IDR, DSR, RSR, RTR, PPR, PNR)
 * with 2001; printing each one when print is set. Counts in dc_served. */
int dc_serve_register(const struct dc_opts *opts, bool print);
extern volatile unsigned dc_served;

/* req.c: build the request for opts->cmd into *ret_msg (caller frees or sends it). imsi:
 * when not NULL (load mode), the IMSI to use instead of --imsi, also replacing "{imsi}" in
 * Cx/Sh identities. EINVAL/ENOENT: bad options or --avp spec (message on stderr). */
int dc_req_build(const struct dc_opts *opts, const char *imsi, struct msg **ret_msg);
/* Helpers for builders. */
int dc_req_user_name(struct msg *m, const char *s);
int dc_subst(const char *tmpl, const char *imsi, char *out, size_t outsz);

/* s6a.c: RAND_HEX:AUTS_HEX into RAND || AUTS (30 octets); EINVAL if malformed. */
int dc_resync_decode(const char *s, uint8_t out[30]);

/* s6a.c, cx.c, sh.c: add the command-specific AVPs. imsi is the (substituted) IMSI. */
int dc_s6a_fill(const struct dc_opts *o, const char *imsi, struct msg *m);
int dc_cx_fill(const struct dc_opts *o, const char *imsi, struct msg *m);
int dc_sh_fill(const struct dc_opts *o, const char *imsi, struct msg *m);

/* raw.c: add one "PATH=VALUE" AVP spec (see README) to message m; err gets the reason. */
int dc_raw_add(struct msg *m, const char *spec, char *err, size_t errlen);
/* Parse a value for an AVP model into val: a prefix form, else common/'s text form of its
 * type. The octets of an OctetString are malloc'd into *ret_buf (NULL for other types): free
 * it once fd_msg_avp_setvalue has copied them. */
int dc_raw_value(struct dict_object *model, const char *text, union avp_value *val,
                 uint8_t **ret_buf, char *err, size_t errlen);

/* print.c: print a message (answer or received request) as text or one JSON line. */
struct dc_result {
	int64_t result_code;        /* -1 absent */
	int64_t exp_vendor, exp_code;  /* -1 absent */
};
void dc_msg_result(struct msg *m, struct dc_result *r);
void dc_print_msg(FILE *f, struct msg *m, const char *kind, bool json, int64_t latency_us);
/* Name of a Result-Code value (NULL if unknown). */
const char *dc_rescode_name(uint32_t code);

/* oneshot.c: exit code for an answer: 0 when its Result-Code and Experimental-Result
 * (whichever are present) are 2xxx, else 1. */
int dc_exit_for(struct msg *ans);

/* oneshot.c / load.c / echo.c: the modes; they return the process exit code. */
int dc_oneshot(const struct dc_opts *opts);
int dc_serve_only(const struct dc_opts *opts);
int dc_load(const struct dc_opts *opts);
int dc_echo(const struct dc_opts *opts);

/* stats.c: latency samples (microseconds) and exact percentiles. */
struct dc_stats {
	uint32_t *samples;
	size_t n, cap;
	pthread_mutex_t lock;
};
int dc_stats_init(struct dc_stats *s, size_t cap);
void dc_stats_add(struct dc_stats *s, uint32_t us);
/* Sorts the samples; then dc_stats_pct(s, 99.9) is the nearest-rank percentile. */
void dc_stats_finish(struct dc_stats *s);
uint32_t dc_stats_pct(const struct dc_stats *s, double pct);
void dc_stats_free(struct dc_stats *s);

/* Monotonic clock in microseconds. */
uint64_t dc_now_us(void);

/* Thread-safe output: the mutex taken around each printed message. */
extern pthread_mutex_t dc_out_lock;

#endif /* DCLIENT_H */

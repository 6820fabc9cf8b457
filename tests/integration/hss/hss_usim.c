// SPDX-License-Identifier: BSD-3-Clause
/* hss_usim.c: the USIM side of AKA for the HSS integration tests, so they prove the vectors
 * the HSS sends are accepted by a USIM, not only well formed:
 *   hss_usim check K OPC RAND AUTN PLMN_HEX   -> {"sqn":N,"res":"..","kasme":"..",
 *                                                  "ck":"..","ik":"..","amf":".."} or exit 1
 *   hss_usim auts K OPC RAND SQN               -> AUTS hex (resynchronisation request)
 *   hss_usim f2345 K OPC RAND                  -> "RES CK IK" hex (for GERAN triplets)
 *   hss_usim opc K OP                          -> OPc hex (a USIM provisioned with OP)
 * All values hex except SQN (decimal). */
#include "hss_auth.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unhex(const char *s, uint8_t *out, size_t n)
{
	size_t i;
	unsigned v;

	if (strlen(s) != 2 * n)
		return EINVAL;
	for (i = 0; i < n; i++) {
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return EINVAL;
		out[i] = (uint8_t)v;
	}
	return 0;
}

static void hex(const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		printf("%02x", b[i]);
}

int main(int argc, char **argv)
{
	struct hss_auth_keys keys;
	uint8_t rand[16], autn[16], plmn[3], res[8], ck[16], ik[16], amf[2], kasme[32], auts[14];
	uint64_t sqn = 0;

	memset(&keys, 0, sizeof(keys));
	if (argc == 4 && !strcmp(argv[1], "opc")) {
		uint8_t op[16];

		if (unhex(argv[2], keys.k, 16) || unhex(argv[3], op, 16) ||
		    hss_milenage_opc(keys.k, op, keys.opc)) {
			fprintf(stderr, "hss_usim: bad K or OP\n");
			return 2;
		}
		hex(keys.opc, 16);
		printf("\n");
		return 0;
	}
	if (argc >= 5 && (unhex(argv[2], keys.k, 16) || unhex(argv[3], keys.opc, 16) ||
	                  unhex(argv[4], rand, 16))) {
		fprintf(stderr, "hss_usim: bad hex argument\n");
		return 2;
	}
	if (argc == 7 && !strcmp(argv[1], "check")) {
		if (unhex(argv[5], autn, 16) || unhex(argv[6], plmn, 3)) {
			fprintf(stderr, "hss_usim: bad AUTN or PLMN\n");
			return 2;
		}
		if (hss_usim_check_autn(&keys, rand, autn, &sqn, amf, res, ck, ik)) {
			fprintf(stderr, "hss_usim: AUTN rejected (MAC-A mismatch)\n");
			return 1;
		}
		/* KASME binds SQN xor AK, which is the first 6 octets of AUTN. */
		if (hss_kasme(ck, ik, plmn, autn, kasme))
			return 2;
		printf("{\"sqn\":%llu,\"res\":\"", (unsigned long long)sqn);
		hex(res, 8);
		printf("\",\"kasme\":\"");
		hex(kasme, 32);
		printf("\",\"ck\":\"");
		hex(ck, 16);
		printf("\",\"ik\":\"");
		hex(ik, 16);
		printf("\",\"amf\":\"");
		hex(amf, 2);
		printf("\"}\n");
		return 0;
	}
	if (argc == 6 && !strcmp(argv[1], "auts")) {
		sqn = strtoull(argv[5], NULL, 10);
		if (hss_usim_compute_auts(&keys, rand, sqn, auts))
			return 2;
		hex(auts, 14);
		printf("\n");
		return 0;
	}
	if (argc == 5 && !strcmp(argv[1], "f2345")) {
		if (hss_milenage_f2345(keys.opc, keys.k, rand, res, ck, ik, NULL))
			return 2;
		hex(res, 8);
		printf(" ");
		hex(ck, 16);
		printf(" ");
		hex(ik, 16);
		printf("\n");
		return 0;
	}
	fprintf(stderr, "usage: hss_usim check K OPC RAND AUTN PLMN_HEX | auts K OPC RAND SQN | f2345 K OPC RAND | opc K OP\n");
	return 2;
}

/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * fuzz_sub.c: fuzz target for the text parsers of hss/db (hss_sub_set for every field,
 * hss_apn_parse, validation and formatting of whatever got accepted). Built with
 * -DHSS_DB_FUZZ_LIBFUZZER it is a libFuzzer target; otherwise main() replays seed inputs
 * and deterministic mutations of them, as a plain unit test.
 * Input: "FIELD\0VALUE" (no NUL: the whole input is an APN spec).
 */
#include "hss_db.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hss_sub sub;
	static char buf[65536];
	char *s = malloc(size + 1), err[512];
	const char *nul;
	struct hss_apn a;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	nul = memchr(s, 0, size);
	hss_sub_init(&sub);
	if (nul && nul < s + size) {
		if (hss_sub_set(&sub, s, nul + 1, err, sizeof(err)) == 0) {
			const struct hss_field_info *f;
			/* what was accepted formats and validates without crashing */
			for (f = hss_sub_fields(); f->name; f++)
				hss_sub_get(&sub, f->name, buf, sizeof(buf));
			hss_sub_validate(&sub, err, sizeof(err));
		}
	} else if (hss_apn_parse(s, &a, err, sizeof(err)) == 0) {
		hss_apn_format(&a, buf, sizeof(buf));
	}
	free(s);
	return 0;
}

#ifndef HSS_DB_FUZZ_LIBFUZZER
/* field, value; field NULL: the value is an APN spec */
static const char *const seeds[][2] = {
	{ "imsi", "001010123456789" }, { "msisdn", "33612345678" },
	{ "k", "465b5ce8b199b49faa5f0a2ee238a6bc" }, { "opc", "cd63cb71954a9f4e48a5994e37a02baf" },
	{ "amf", "8000" }, { "sqn", "0x123456789abc" }, { "status", "OPERATOR_DETERMINED_BARRING" },
	{ "nam", "2" }, { "roaming", "deny" }, { "roaming_plmns", "00101,208093;310260" },
	{ "ambr_ul", "4294967295" }, { "ard", "0x20" }, { "charging_chars", "0800" },
	{ "apn", "internet,qci=9;ims,qci=5,ctx=9" },
	{ "apns", "web,static-ip=10.0.0.1,pgw-host=pgw.example" }, { "mme_host", "mme.example" },
	{ "ue_srvcc_support", "-1" }, { "visited_plmn", "00101" }, { "last_rat_type", "1004" },
	{ NULL, "internet,qci=6,arp=3,pdn=ipv4,ambr-ul=10,ambr_dl=20,static-ip=2001:db8::1,"
	  "pgw-alloc=static" },
	{ NULL, "a.b.c,vplmn-dyn=yes,preempt-cap=1,preempt-vuln=0,pgw-realm=r.example" },
};

int main(void)
{
	uint8_t buf[512];
	unsigned seed = 12345, i, j, n = 0;
	const char *pool = "0123456789abcdefABCDEF,;=.-_:*x \t\xff\x01";

	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		char base[256];
		size_t len = (size_t)snprintf(base, sizeof(base), "%s%c%s", seeds[i][0] ? seeds[i][0] : "",
		                              0, seeds[i][1]);
		if (!seeds[i][0])
			len = (size_t)snprintf(base, sizeof(base), "%s", seeds[i][1]);
		for (j = 0; j < 3000; j++) {
			size_t l = len, k, edits = 1 + rand_r(&seed) % 4;
			memcpy(buf, base, len);
			for (k = 0; k < edits; k++) {
				unsigned op = rand_r(&seed) % 4, pos = l ? rand_r(&seed) % (unsigned)l : 0;
				char c = pool[rand_r(&seed) % strlen(pool)];
				if (op == 0 && l)                         /* replace */
					buf[pos] = (uint8_t)c;
				else if (op == 1 && l < sizeof(buf) - 1) { /* insert */
					memmove(buf + pos + 1, buf + pos, l - pos);
					buf[pos] = (uint8_t)c;
					l++;
				} else if (op == 2 && l) {                 /* delete */
					memmove(buf + pos, buf + pos + 1, l - pos - 1);
					l--;
				} else if (l * 2 < sizeof(buf)) {         /* repeat the tail */
					memcpy(buf + l, buf + pos, l - pos);
					l += l - pos;
				}
			}
			LLVMFuzzerTestOneInput(buf, l);
			n++;
		}
	}
	printf("ok - %u mutated inputs parsed without crashing\n", n);
	return 0;
}
#endif

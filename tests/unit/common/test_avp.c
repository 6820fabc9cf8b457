// SPDX-License-Identifier: BSD-3-Clause
/* test_avp.c: AVP helpers on a real libfdcore dictionary (base protocol), including grouped
 * AVPs of a message re-read from its wire form, plus the signal loop of cm_diam_run. */
#include "cm.h"
#include "tap.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *lookup_thread(void *arg)
{
	static const char *const names[] = { "Origin-Host", "Origin-Realm", "Result-Code",
	                                     "Session-Id", "Vendor-Id", "Experimental-Result",
	                                     "Auth-Application-Id", "Destination-Host" };
	int i, *bad = arg;

	for (i = 0; i < 20000; i++)
		if (!cm_dict_avp(names[i % 8]))
			(*bad)++;
	return NULL;
}

static void test_dict(void)
{
	pthread_t th[4];
	int bad[4] = { 0 }, i;

	CHECK(cm_dict_avp("Origin-Host") != NULL);
	CHECK(cm_dict_avp("No-Such-AVP") == NULL);
	CHECK(cm_dict_avp(NULL) == NULL);
	CHECK(cm_dict_cmd("Device-Watchdog-Request") != NULL);
	CHECK(cm_dict_cmd("No-Such-Request") == NULL);
	CHECK(cm_dict_app(0) != NULL);              /* Diameter common messages */
	CHECK(cm_dict_app(16777251) == NULL);       /* S6a: not loaded here */
	for (i = 0; i < 4; i++)
		CHECK_ERR(pthread_create(&th[i], NULL, lookup_thread, &bad[i]), 0);
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		CHECK_INT(bad[i], ==, 0, "thread %d: 20000 concurrent lookups all found", i);
	}
}

static void test_build_and_find(void)
{
	struct msg *m = NULL, *m2 = NULL;
	struct avp *a, *g = NULL;
	union avp_value *v;
	uint8_t *buf = NULL;
	size_t len = 0;

	CHECK_ERR(fd_msg_new(cm_dict_cmd("Device-Watchdog-Request"), MSGFL_ALLOC_ETEID, &m), 0);
	if (!m)
		return;
	CHECK_ERR(cm_avp_add_str(m, "Origin-Host", "a.example.org"), 0);
	CHECK_ERR(cm_avp_add_str(m, "Origin-Realm", "example.org"), 0);
	CHECK_ERR(cm_avp_add_u32(m, "Origin-State-Id", 7), 0);
	CHECK_ERR(cm_avp_add_u32(m, "Disconnect-Cause", 2), 0);       /* Enumerated: Integer32 */
	CHECK_ERR(cm_avp_add_i32(m, "Origin-State-Id", -1), EINVAL);  /* Unsigned32 */
	CHECK_ERR(cm_avp_add_u64(m, "Accounting-Sub-Session-Id", 1ULL << 40), 0);
	CHECK_ERR(cm_avp_add_os(m, "Class", "\x00\x01\x02", 3), 0);
	CHECK_ERR(cm_avp_add_str(m, "No-Such-AVP", "x"), ENOENT);
	CHECK_ERR(cm_avp_add_u32(m, "Origin-Host", 1), EINVAL);       /* not an integer */
	CHECK_ERR(cm_avp_add_vsai(m, 10415, 16777251), 0);
	CHECK_ERR(cm_avp_add_exp_result(m, 10415, 5001), 0);
	if (CHECK_ERR(cm_avp_add_group(m, "Proxy-Info", &g), 0) && CHECK(g != NULL)) {
		CHECK_ERR(cm_avp_add_str(g, "Proxy-Host", "p.example.org"), 0);
		CHECK_ERR(cm_avp_add_os(g, "Proxy-State", "s", 1), 0);
	}

	/* On the message as built. */
	a = cm_avp_find(m, "Origin-State-Id");
	if (CHECK(a != NULL) && CHECK((v = cm_avp_value(a))))
		CHECK_INT(v->u32, ==, 7);
	a = cm_avp_find(m, "Disconnect-Cause");
	if (CHECK(a != NULL) && CHECK((v = cm_avp_value(a))))
		CHECK_INT(v->i32, ==, 2);
	a = cm_avp_find(m, "Vendor-Specific-Application-Id");
	if (CHECK(a != NULL) && CHECK((a = cm_avp_find(a, "Auth-Application-Id"))))
		CHECK_INT(cm_avp_value(a)->u32, ==, 16777251);
	CHECK(cm_avp_find(m, "Session-Id") == NULL);
	CHECK(cm_avp_find(m, "No-Such-AVP") == NULL);
	CHECK(cm_avp_find(NULL, "Origin-Host") == NULL);

	/* Through the wire form: grouped children exist only once their parent is parsed. */
	CHECK_ERR(fd_msg_bufferize(m, &buf, &len), 0);
	CHECK_ERR(fd_msg_parse_buffer(&buf, len, &m2), 0);
	if (m2) {
		a = cm_avp_find(m2, "Experimental-Result");
		CHECK(a != NULL);
		if (a) {
			struct avp *c = cm_avp_find(a, "Experimental-Result-Code");
			if (CHECK(c != NULL) && CHECK((v = cm_avp_value(c))))
				CHECK_INT(v->u32, ==, 5001);
			c = cm_avp_find(a, "Vendor-Id");
			if (CHECK(c != NULL) && CHECK((v = cm_avp_value(c))))
				CHECK_INT(v->u32, ==, 10415);
		}
		a = cm_avp_find(m2, "Origin-Host");
		if (CHECK(a != NULL) && CHECK((v = cm_avp_value(a))) &&
		    CHECK_INT(v->os.len, ==, 13))
			CHECK_MEM(v->os.data, "a.example.org", 13);
		a = cm_avp_find(m2, "Accounting-Sub-Session-Id");
		if (CHECK(a != NULL) && CHECK((v = cm_avp_value(a))))
			CHECK_UINT(v->u64, ==, 1ULL << 40);
		a = cm_avp_find(m2, "Class");
		if (CHECK(a != NULL) && CHECK((v = cm_avp_value(a))) && CHECK_INT(v->os.len, ==, 3))
			CHECK_INT(v->os.data[2], ==, 2);
		a = cm_avp_find(m2, "Proxy-Info");
		if (CHECK(a != NULL) && CHECK((a = cm_avp_find(a, "Proxy-State"))))
			CHECK_INT(cm_avp_value(a)->os.len, ==, 1);
		fd_msg_free(m2);
	} else {
		free(buf);
	}
	fd_msg_free(m);
}

static int hups;

/* Runs in the thread blocked in cm_diam_run: a second SIGHUP, then a stop request. */
static void on_hup(void *data)
{
	hups++;
	if (hups == 1)
		kill(getpid(), SIGHUP);
	else
		cm_diam_request_stop();
}

static void *stopper(void *arg)
{
	usleep(50 * 1000);
	cm_diam_request_stop();
	return NULL;
}

static void test_run(void)
{
	pthread_t th;

	/* Requested before: returns at once. */
	cm_diam_request_stop();
	CHECK_ERR(cm_diam_run(NULL, NULL), 0);
	/* From another thread while waiting. */
	CHECK_ERR(pthread_create(&th, NULL, stopper, NULL), 0);
	CHECK_ERR(cm_diam_run(NULL, NULL), 0);
	pthread_join(th, NULL);
	/* SIGHUP is blocked in every thread, stays pending, and is handled by cm_diam_run. */
	kill(getpid(), SIGHUP);
	CHECK_ERR(cm_diam_run(on_hup, NULL), 0);
	CHECK_INT(hups, ==, 2);
}

static int usr1_calls;

/* Called by freeDiameter's core thread for FDEV_TRIGGER events. */
static void on_usr1(void)
{
	usr1_calls++;
	cm_diam_request_stop();
}

static void test_trigger(void)
{
	CHECK_ERR(cm_diam_start(), 0);
	CHECK_ERR(cm_diam_start(), EINVAL);
	CHECK_ERR(fd_event_trig_regcb(SIGUSR1, "test_avp", on_usr1), 0);
	/* SIGUSR1 becomes a trigger; the callback stops cm_diam_run. */
	kill(getpid(), SIGUSR1);
	CHECK_ERR(cm_diam_run(NULL, NULL), 0);
	CHECK_INT(usr1_calls, ==, 1);
}

int main(void)
{
	struct cm_diam_cfg cfg = { .identity = "unit.example.org", .realm = "example.org",
	                           .port = 0, .log_level = "error" };
	int rc;

	if ((rc = cm_diam_init(&cfg)))
		tap_bail("cm_diam_init: %s", strerror(rc));
	CHECK_ERR(cm_diam_init(&cfg), EALREADY);
	test_dict();
	test_build_and_find();
	test_run();
	test_trigger();
	cm_diam_shutdown();
	cm_diam_shutdown();
	return tap_done();
}

/* The device layer, probe and identify against a scripted fake module:
 * every exchange goes through the port callbacks, with the module's
 * answers cut into small chunks and URCs in between. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sarafw/dev.h"
#include "sarafw/error.h"
#include "sarafw/probe.h"

#include "scripted_port.h"

typedef struct {
	int count;
	char last[64];
	int argc;
	char argv[8][16];
} urc_log;

static void on_urc(void *ctx, int argc, const char *const *argv, const char *line)
{
	urc_log *u = ctx;
	u->count++;
	snprintf(u->last, sizeof u->last, "%s", line);
	u->argc = argc;
	for (int i = 0; i < argc && i < 8; i++)
		snprintf(u->argv[i], sizeof u->argv[i], "%s", argv[i]);
}

static const sarafw_urc urcs[] = {
	{ "+UFOTASTAT:", on_urc },
	{ "+CEREG:", on_urc },
};

typedef struct {
	fake f;
	sarafw_port port;
	sarafw_dev dev;
	char line[128];
	urc_log log;
} rig;

static void rig_up(rig *r, const step *script, size_t n, size_t chunk, uint32_t clock)
{
	memset(r, 0, sizeof *r);
	r->f.script = script;
	r->f.n = n;
	r->f.chunk = chunk;
	r->f.clock = clock;
	r->port = (sarafw_port){ .ctx = &r->f, .write = f_write, .read = f_read, .now_ms = f_now };
	sarafw_dev_config cfg = { .port = &r->port, .line_buf = r->line, .line_buf_size = sizeof r->line,
				  .urcs = urcs, .n_urcs = 2, .urc_ctx = &r->log };
	assert_int_equal(sarafw_dev_init(&r->dev, &cfg), SARAFW_OK);
}

static const step ident_script[] = {
	{ "AT", "AT\r\r\nOK\r\n" },
	{ "ATE0", "ATE0\r\r\nOK\r\n" },
	{ "AT+CMEE=2", "\r\nOK\r\n" },
	{ "ATI0", "\r\nSARA-R410M-02B-03\r\n\r\n+UFOTASTAT: 3,1,0\r\nOK\r\n" },
	{ "AT+CGMM", "\r\nSARA-R410M-02B\r\n\r\nOK\r\n" },
	{ "ATI9", "\r\nL0.0.00.00.05.12,A.02.19\r\n\r\nOK\r\n" },
	{ "AT+CGSN", "\r\n+CEREG: 1,\"2809\",\"9EBB03\",7\r\n\r\n357591080029488\r\n\r\nOK\r\n" },
	{ "AT+UMNOPROF?", "\r\n+UMNOPROF: 3\r\n\r\nOK\r\n" },
	{ "AT+UFOTASTAT?", "\r\n+UFOTASTAT: 1\r\n\r\nOK\r\n" },
};

/* Probe and identify, with the module's bytes arriving 1, 2, 3, 7 and 64
 * at a time: the result must not depend on how the line chops them. */
static void test_identify_any_chunking(void **state)
{
	(void)state;
	static const size_t chunks[] = { 1, 2, 3, 7, 64 };
	for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
		rig r;
		sarafw_ident id;
		rig_up(&r, ident_script, sizeof ident_script / sizeof ident_script[0], chunks[k], 5);
		assert_int_equal(sarafw_probe(&r.dev, 10000), SARAFW_OK);
		assert_int_equal(sarafw_identify(&r.dev, &id), SARAFW_OK);
		assert_string_equal(id.type_number, "SARA-R410M-02B-03");
		assert_string_equal(id.model, "SARA-R410M-02B");
		assert_string_equal(id.modem_version, "L0.0.00.00.05.12");
		assert_string_equal(id.app_version, "A.02.19");
		assert_string_equal(id.imei, "357591080029488");
		assert_int_equal(id.mno_profile, 3);
		assert_non_null(id.variant);
		assert_string_equal(id.variant->name, "SARA-R410M-02B-03");
		assert_ptr_equal(r.dev.variant, id.variant);
		/* the two URCs went to their handler, not into the answers */
		assert_int_equal(r.log.count, 2);
		assert_string_equal(r.log.last, "+CEREG: 1,\"2809\",\"9EBB03\",7");
		/* the handler got it split, quotes removed */
		assert_int_equal(r.log.argc, 4);
		assert_string_equal(r.log.argv[1], "2809");
		assert_string_equal(r.log.argv[3], "7");
		/* +UFOTASTAT? answer is a response, although it looks like a URC */
		assert_int_equal(sarafw_urc_get(&r.dev, SARAFW_URC_UFOTASTAT), SARAFW_URC_ON);
		assert_int_equal(r.log.count, 2);
		assert_int_equal(sarafw_urc_get(&r.dev, SARAFW_URC_UFWINSTALL), SARAFW_URC_UNSUPPORTED);
	}
}

static void test_probe_silent_and_garbled(void **state)
{
	(void)state;
	rig r;
	rig_up(&r, NULL, 0, 16, 0);
	assert_int_equal(sarafw_probe(&r.dev, 5000), SARAFW_ENOMODULE);
	assert_true(r.f.writes >= 4); /* it kept asking, about once a second ("AT\r" in one write) */

	rig_up(&r, NULL, 0, 16, 0);
	r.f.garbage = "\xf3\x9c\xe1\xff\x80";
	assert_int_equal(sarafw_probe(&r.dev, 5000), SARAFW_EGARBLED);
}

/* A module that starts answering only after its boot time. */
static void test_probe_waits_for_boot(void **state)
{
	(void)state;
	static const step boot[] = {
		{ "AT", NULL }, { "AT", NULL }, { "AT", NULL }, { "AT", "\r\nOK\r\n" },
		{ "AT", "\r\nOK\r\n" }, /* after silence, one more to be sure of the step */
	};
	rig r;
	rig_up(&r, boot, 5, 8, 0);
	assert_int_equal(sarafw_probe(&r.dev, 10000), SARAFW_OK);
	assert_true(r.f.clock >= 3000);
	assert_int_equal(r.f.next, 5);
}

/* A loaded module answers the first AT after the host gave up on it: the
 * late OK must not be taken for the next command's answer, or every answer
 * after it is off by one. */
static void test_probe_resyncs_after_late_answer(void **state)
{
	(void)state;
	static const step s[] = {
		{ "AT", "\r\nOK\r\n" }, /* late: arrives after the next AT */
		{ "AT", "\r\nOK\r\n" },
		{ "AT", "\r\nOK\r\n" },
		{ "ATE0", "\r\nOK\r\n" },
		{ "AT+CMEE=2", "\r\nOK\r\n" },
		{ "ATI0", "\r\nSARA-R422S-00B\r\n\r\nOK\r\n" },
	};
	rig r;
	sarafw_ident id;
	rig_up(&r, s, sizeof s / sizeof s[0], 64, 0);
	r.f.late = 1;
	assert_int_equal(sarafw_probe(&r.dev, 10000), SARAFW_OK);
	assert_int_equal(r.f.next, 3); /* a third AT confirmed the line is in step */
	assert_int_equal(sarafw_identify(&r.dev, &id), SARAFW_OK);
	assert_string_equal(id.type_number, "SARA-R422S-00B");
}

static void test_errors_and_timeout(void **state)
{
	(void)state;
	static const step s[] = {
		{ "AT+X", "\r\nERROR\r\n" },
		{ "AT+Y", "\r\n+CME ERROR: 10\r\n" },
		{ "AT+Z", "\r\n+CME ERROR: FOTA memory is in use\r\n" },
		{ "AT+UFWUPD=3", "\r\n+UFWUPD: ONGOING\r\nCCC\r\nERROR1\r\n" },
		{ "AT+SLOW", NULL },
	};
	rig r;
	rig_up(&r, s, 5, 5, 0xFFFFF000u); /* the clock wraps during the test */
	assert_int_equal(sarafw_cmd(&r.dev, "AT+X", NULL, 1000, NULL, NULL), SARAFW_EERROR);
	assert_string_equal(sarafw_dev_last_error(&r.dev, NULL), "ERROR");
	assert_int_equal(sarafw_cmd(&r.dev, "AT+Y", NULL, 1000, NULL, NULL), SARAFW_EERROR);
	int cme;
	assert_string_equal(sarafw_dev_last_error(&r.dev, &cme), "+CME ERROR: 10");
	assert_int_equal(cme, 10);
	assert_int_equal(sarafw_cmd(&r.dev, "AT+Z", NULL, 1000, NULL, NULL), SARAFW_EERROR);
	assert_string_equal(sarafw_dev_last_error(&r.dev, &cme), "+CME ERROR: FOTA memory is in use");
	assert_int_equal(cme, -1);
	assert_int_equal(sarafw_cmd(&r.dev, "AT+UFWUPD=3", NULL, 1000, NULL, NULL), SARAFW_EERROR1);
	uint32_t t0 = r.f.clock;
	assert_int_equal(sarafw_cmd(&r.dev, "AT+SLOW", NULL, 7000, NULL, NULL), SARAFW_ETIMEOUT);
	assert_true(r.f.clock - t0 >= 7000 && r.f.clock - t0 < 8000);
}

static void test_cmd_get_copies_and_truncates(void **state)
{
	(void)state;
	static const step s[] = {
		{ "AT+CGMR", "\r\nL0.0.00.00.05.12 [Oct 08 2020 15:00:01]\r\n\r\nOK\r\n" },
		{ "AT+CGMR", "\r\nL0.0.00.00.05.12 [Oct 08 2020 15:00:01]\r\n\r\nOK\r\n" },
		{ "AT+UMNOPROF?", "\r\nOK\r\n" },
	};
	rig r;
	char out[8 + 1 + 8]; /* canary after the 8 bytes given */
	rig_up(&r, s, 3, 4, 0);
	/* 16 characters and the NUL fit; the build date does not */
	assert_int_equal(sarafw_cmd_get(&r.dev, "AT+CGMR", NULL, 1000, out, sizeof out), SARAFW_ENOSPACE);
	assert_string_equal(out, "L0.0.00.00.05.12");
	memset(out, 0xA5, sizeof out);
	assert_int_equal(sarafw_cmd_get(&r.dev, "AT+CGMR", NULL, 1000, out, 8), SARAFW_ENOSPACE);
	assert_string_equal(out, "L0.0.00");
	for (size_t i = 8; i < sizeof out; i++)
		assert_int_equal((uint8_t)out[i], 0xA5);
	/* OK without the expected line */
	assert_int_equal(sarafw_cmd_get(&r.dev, "AT+UMNOPROF?", "+UMNOPROF", 1000, out, 8), SARAFW_EPROTO);
}

static void test_guard_refuses_locally(void **state)
{
	(void)state;
	rig r;
	rig_up(&r, NULL, 0, 4, 0);
	sarafw_guard_set(&r.dev, SARAFW_DL_UFWUPD);
	assert_int_equal(sarafw_cmd(&r.dev, "AT+URDFILE=\"a\"", NULL, 1000, NULL, NULL), SARAFW_EBUSY);
	assert_int_equal(r.f.writes, 0); /* nothing reached the module */
}

static void test_wait_stops_on_urc(void **state)
{
	(void)state;
	rig r;
	char out[64];
	rig_up(&r, NULL, 0, 3, 0);
	strcpy(r.f.out, "\r\n+CEREG: 2\r\n\r\n+UFOTASTAT: 2,2,100\r\n+CEREG: 5\r\n");
	r.f.out_len = strlen(r.f.out);
	assert_int_equal(sarafw_dev_wait(&r.dev, 5000, "+UFOTASTAT:", out, sizeof out), 2);
	assert_string_equal(out, "+UFOTASTAT: 2,2,100");
	/* the rest stays queued for the next wait */
	assert_int_equal(sarafw_dev_wait(&r.dev, 5000, NULL, NULL, 0), 1);
	assert_string_equal(r.log.last, "+CEREG: 5");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identify_any_chunking),
		cmocka_unit_test(test_probe_silent_and_garbled),
		cmocka_unit_test(test_probe_waits_for_boot),
		cmocka_unit_test(test_probe_resyncs_after_late_answer),
		cmocka_unit_test(test_errors_and_timeout),
		cmocka_unit_test(test_cmd_get_copies_and_truncates),
		cmocka_unit_test(test_guard_refuses_locally),
		cmocka_unit_test(test_wait_stops_on_urc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

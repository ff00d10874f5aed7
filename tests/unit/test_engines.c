/* The probe and FOAT step engines driven by hand: bytes in, bytes out,
 * a fake clock, and a port that fails the test if anything touches it.
 * Every call returns at once; time passes only when the test says so. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sarafw/error.h"
#include "sarafw/foat.h"
#include "sarafw/probe.h"
#include "sarafw/timeouts.h"

static int no_write(void *ctx, const uint8_t *b, size_t n)
{
	(void)ctx, (void)b, (void)n;
	fail_msg("an engine wrote to the port");
	return -1;
}

static int no_read(void *ctx, uint8_t *b, size_t n, uint32_t t)
{
	(void)ctx, (void)b, (void)n, (void)t;
	fail_msg("an engine read from the port (it could block)");
	return -1;
}

static uint32_t no_clock(void *ctx)
{
	(void)ctx;
	fail_msg("an engine read the port's clock");
	return 0;
}

static int no_baud(void *ctx, uint32_t baud)
{
	(void)ctx, (void)baud;
	fail_msg("an engine switched the port's rate itself");
	return -1;
}

static const sarafw_port port = { .write = no_write, .read = no_read, .now_ms = no_clock };

typedef struct {
	sarafw_dev dev;
	char line[128];
	int phases[16];
	int n_phases;
	uint8_t pkg[300];
} rig;

static void rig_up(rig *r, const char *variant)
{
	memset(r, 0, sizeof *r);
	sarafw_dev_config cfg = { .port = &port, .line_buf = r->line, .line_buf_size = sizeof r->line };
	assert_int_equal(sarafw_dev_init(&r->dev, &cfg), SARAFW_OK);
	r->dev.variant = variant ? sarafw_variant_by_name(variant) : NULL;
	for (size_t i = 0; i < sizeof r->pkg; i++)
		r->pkg[i] = (uint8_t)(i * 7);
}

/* The engine's output so far, as a string (CAN as '^'). */
static const char *take(const uint8_t *p, size_t n)
{
	static char s[1100];
	size_t i;
	for (i = 0; i < n && i < sizeof s - 1; i++)
		s[i] = p[i] == SARAFW_XMODEM_CAN ? '^' : (char)p[i];
	s[i] = '\0';
	return s;
}

static const char *probe_out(sarafw_prober *p, uint32_t now)
{
	const uint8_t *o;
	size_t n = sarafw_probe_output(p, &o);
	const char *s = take(o, n);
	sarafw_probe_sent(p, n, now);
	return s;
}

static void probe_in(sarafw_prober *p, const char *s, uint32_t now)
{
	size_t n = strlen(s), off = 0;
	while (off < n && sarafw_probe_status(p) == SARAFW_RUNNING)
		off += sarafw_probe_input(p, (const uint8_t *)s + off, n - off, now);
}

static void test_probe_engine_answers(void **state)
{
	(void)state;
	rig r;
	sarafw_prober p;
	rig_up(&r, NULL);
	sarafw_probe_start(&p, &r.dev, 5000, 100);
	assert_string_equal(probe_out(&p, 100), "AT\r");
	assert_int_equal(sarafw_probe_wait_ms(&p, 100), 1000);
	sarafw_probe_tick(&p, 600);
	assert_int_equal(sarafw_probe_status(&p), SARAFW_RUNNING);
	probe_in(&p, "AT\r\r\nOK\r\n", 650);
	assert_int_equal(sarafw_probe_status(&p), SARAFW_OK);
}

static void test_probe_engine_silence(void **state)
{
	(void)state;
	rig r;
	sarafw_prober p;
	int attempts = 0;
	uint32_t now = 0;
	rig_up(&r, NULL);
	sarafw_probe_start(&p, &r.dev, 3500, now);
	while (sarafw_probe_status(&p) == SARAFW_RUNNING) {
		if (strcmp(probe_out(&p, now), "AT\r") == 0)
			attempts++;
		now += sarafw_probe_wait_ms(&p, now);
		sarafw_probe_tick(&p, now);
		assert_true(now <= 3500);
	}
	assert_int_equal(sarafw_probe_status(&p), SARAFW_ENOMODULE);
	assert_int_equal(attempts, 4); /* 1000, 1000, 1000, 500 ms */
	assert_int_equal(now, 3500);
}

/* A module left in its XMODEM window by an interrupted run: the probe
 * sees 'C', 'C', cancels with CAN CAN, lets the line settle and goes on. */
static void test_probe_engine_cancels_window(void **state)
{
	(void)state;
	rig r;
	sarafw_prober p;
	uint32_t now = 0;
	rig_up(&r, "SARA-R422S");
	sarafw_probe_start(&p, &r.dev, 20000, now);
	assert_string_equal(probe_out(&p, now), "AT\r");
	probe_in(&p, "C", now += 300);
	assert_string_equal(probe_out(&p, now), "");
	sarafw_probe_tick(&p, now += 700); /* attempt times out */
	assert_string_equal(probe_out(&p, now), "AT\r");
	probe_in(&p, "C", now += 2300);
	assert_string_equal(probe_out(&p, now), "^^^^^^^^");
	assert_true(r.dev.flags & SARAFW_DEV_XMODEM_CANCELLED);
	probe_in(&p, "\r\nERROR\r\n", now += 50); /* the window's +UFWUPD ends */
	sarafw_probe_tick(&p, now += 500);
	assert_string_equal(probe_out(&p, now), ""); /* not quiet long enough yet */
	now += sarafw_probe_wait_ms(&p, now);
	sarafw_probe_tick(&p, now);
	assert_string_equal(probe_out(&p, now), "AT\r");
	probe_in(&p, "\r\nOK\r\n", now += 20);
	assert_int_equal(sarafw_probe_status(&p), SARAFW_OK);
}

/* A NAK alone is enough; text with C's in it is not. */
static void test_xmodem_waiting(void **state)
{
	(void)state;
	uint8_t run = 0;
	const char *text = "+CCID: 1\r\nACCEPT\r\nC\r\n";
	const uint8_t nak = SARAFW_XMODEM_NAK, c = 'C';
	assert_false(sarafw_xmodem_waiting(&run, (const uint8_t *)text, strlen(text)));
	assert_true(sarafw_xmodem_waiting(&run, &nak, 1));
	run = 0;
	assert_false(sarafw_xmodem_waiting(&run, &c, 1));
	assert_true(sarafw_xmodem_waiting(&run, &c, 1));
	/* a request inside a span counts, the bytes after it too */
	run = 0;
	assert_true(sarafw_xmodem_waiting(&run, (const uint8_t *)"CCx", 3));
	assert_int_equal(run, 0x80);
}

/* Identify: one command per step, each answered when the test says. */
static void test_identify_engine(void **state)
{
	(void)state;
	static const char *const script[][2] = {
		{ "ATE0\r", "ATE0\r\r\nOK\r\n" },
		{ "AT+CMEE=2\r", "\r\nERROR\r\n" }, /* optional: goes on */
		{ "ATI0\r", "\r\nSARA-R422S-00B-00\r\n\r\nOK\r\n" },
		{ "AT+CGMM\r", "\r\nSARA-R422S\r\n\r\nOK\r\n" },
		{ "ATI9\r", "\r\n00.12,A00.01\r\n\r\nOK\r\n" },
		{ "AT+CGSN\r", NULL }, /* no answer: its deadline passes */
		{ "AT+UMNOPROF?\r", "\r\n+UMNOPROF: 90\r\n\r\nOK\r\n" },
	};
	rig r;
	sarafw_identifier e;
	sarafw_ident id;
	uint32_t now = 0;
	rig_up(&r, NULL);
	sarafw_identify_start(&e, &r.dev, &id, now);
	for (size_t i = 0; i < sizeof script / sizeof script[0]; i++) {
		const uint8_t *o;
		size_t n = sarafw_identify_output(&e, &o);
		assert_string_equal(take(o, n), script[i][0]);
		sarafw_identify_sent(&e, n, now);
		assert_int_equal(sarafw_identify_status(&e), SARAFW_RUNNING);
		if (script[i][1]) {
			const char *a = script[i][1];
			size_t off = 0, len = strlen(a);
			while (off < len && sarafw_identify_status(&e) == SARAFW_RUNNING)
				off += sarafw_identify_input(&e, (const uint8_t *)a + off, len - off, now += 5);
		} else {
			assert_int_equal(sarafw_identify_wait_ms(&e, now), SARAFW_ANSWER_MS);
			sarafw_identify_tick(&e, now += SARAFW_ANSWER_MS);
		}
	}
	assert_int_equal(sarafw_identify_status(&e), SARAFW_OK);
	assert_string_equal(id.type_number, "SARA-R422S-00B-00");
	assert_string_equal(id.modem_version, "00.12");
	assert_string_equal(id.app_version, "A00.01");
	assert_string_equal(id.imei, "");
	assert_int_equal(id.mno_profile, 90);
	assert_non_null(id.variant);
	assert_string_equal(id.variant->name, "SARA-R422S");
	assert_ptr_equal(r.dev.variant, id.variant);

	/* ATE0 refused: identify ends with its error */
	rig_up(&r, NULL);
	sarafw_identify_start(&e, &r.dev, &id, 0);
	const uint8_t *o;
	sarafw_identify_sent(&e, sarafw_identify_output(&e, &o), 0);
	sarafw_identify_input(&e, (const uint8_t *)"\r\nERROR\r\n", 9, 1);
	assert_int_equal(sarafw_identify_status(&e), SARAFW_EERROR);
	assert_int_equal(sarafw_identify_output(&e, &o), 0);
}

static void on_progress(void *ctx, sarafw_foat_phase phase, uint32_t done, uint32_t total)
{
	rig *r = ctx;
	(void)done, (void)total;
	if (r->n_phases && r->phases[r->n_phases - 1] == (int)phase)
		return;
	if (r->n_phases < 16)
		r->phases[r->n_phases++] = (int)phase;
}

static int read_pkg(void *ctx, uint32_t off, uint8_t *buf, size_t len)
{
	rig *r = ctx;
	memcpy(buf, r->pkg + off, len);
	return (int)len;
}

static uint8_t block_buf[SARAFW_XMODEM_BUF_128];

static sarafw_foat_config foat_cfg(rig *r)
{
	return (sarafw_foat_config){ .size = sizeof r->pkg, .read = read_pkg, .ctx = r,
				     .block_size = 128, .buf = block_buf, .buf_size = sizeof block_buf,
				     .host_baud = 115200, .progress = on_progress, .progress_ctx = r };
}

static size_t foat_out(sarafw_foat *f, uint32_t now, const uint8_t **p)
{
	size_t n = sarafw_foat_output(f, p);
	sarafw_foat_sent(f, n, now);
	return n;
}

static const char *foat_text(sarafw_foat *f, uint32_t now)
{
	const uint8_t *p;
	size_t n = sarafw_foat_output(f, &p);
	const char *s = take(p, n);
	sarafw_foat_sent(f, n, now);
	return s;
}

static void foat_in(sarafw_foat *f, const char *s, size_t n, uint32_t now)
{
	size_t off = 0;
	while (off < n && sarafw_foat_status(f) == SARAFW_RUNNING)
		off += sarafw_foat_input(f, (const uint8_t *)s + off, n - off, now);
}

/* A whole FOAT download on the SARA-R422 family, one step at a time. */
static void test_foat_engine_download(void **state)
{
	(void)state;
	rig r;
	sarafw_foat f;
	uint32_t now = 1000;
	const uint8_t *p;
	rig_up(&r, "SARA-R422S");
	sarafw_foat_config cfg = foat_cfg(&r);
	assert_int_equal(sarafw_foat_start(&f, &r.dev, &cfg, now), SARAFW_OK);
	assert_string_equal(foat_text(&f, now), "AT+UFWUPD=3\r");
	assert_int_equal(sarafw_foat_wait_ms(&f, now), 15000); /* the variant's preparation bound */
	foat_in(&f, "\r\n+UFWUPD: ONGOING\r\nC", 21, now += 5000);
	/* three blocks of 128: 300 bytes */
	for (int blk = 1; blk <= 3; blk++) {
		size_t n = foat_out(&f, now, &p);
		assert_int_equal(n, 133);
		assert_int_equal(p[0], SARAFW_XMODEM_SOH);
		assert_int_equal(p[1], blk);
		assert_memory_equal(p + 3, r.pkg + 128 * (blk - 1), blk < 3 ? 128 : 44);
		foat_in(&f, "\x06", 1, now += 20);
	}
	size_t n = foat_out(&f, now, &p);
	assert_int_equal(n, 1);
	assert_int_equal(p[0], SARAFW_XMODEM_EOT);
	foat_in(&f, "\x06\r\nOK\r\n", 7, now += 20);
	assert_int_equal(sarafw_foat_status(&f), SARAFW_OK);
	assert_int_equal(sarafw_foat_stats(&f)->blocks, 3);
	static const int want[] = { SARAFW_FOAT_PREPARE, SARAFW_FOAT_TRANSFER, SARAFW_FOAT_FINISH,
				    SARAFW_FOAT_STORED, SARAFW_FOAT_DONE };
	assert_int_equal(r.n_phases, 5);
	assert_memory_equal(r.phases, want, sizeof want);
	assert_int_equal(r.dev.guard, SARAFW_DL_NONE);
}

/* Ctrl-C while the module prepares: the engine waits for its window and
 * cancels it at once, so the module is free. */
static void test_foat_engine_abort_in_preparation(void **state)
{
	(void)state;
	rig r;
	sarafw_foat f;
	uint32_t now = 0;
	rig_up(&r, "SARA-R410M-02B-03");
	sarafw_foat_config cfg = foat_cfg(&r);
	assert_int_equal(sarafw_foat_start(&f, &r.dev, &cfg, now), SARAFW_OK);
	assert_string_equal(foat_text(&f, now), "AT+UFWUPD=3\r");
	sarafw_foat_tick(&f, now += 3000);
	sarafw_foat_abort(&f);
	assert_string_equal(foat_text(&f, now), ""); /* the window is not open yet */
	assert_int_equal(sarafw_foat_status(&f), SARAFW_RUNNING);
	foat_in(&f, "\r\n+UFWUPD: ONGOING\r\n", 20, now += 17000);
	assert_string_equal(foat_text(&f, now), "^^^^^^^^");
	/* R410M says nothing after a cancel: a short bound */
	assert_int_equal(sarafw_foat_wait_ms(&f, now), 2000);
	foat_in(&f, "\r\nOK\r\n", 6, now += 10); /* the OK of §5.1.2.1 */
	/* ...which is no answer to the cancel: AT confirms the module is free */
	assert_string_equal(foat_text(&f, now), "AT\r");
	assert_int_equal(sarafw_foat_status(&f), SARAFW_RUNNING);
	foat_in(&f, "\r\nOK\r\n", 6, now += 10);
	assert_int_equal(sarafw_foat_status(&f), SARAFW_ECANCEL);
	assert_int_equal(r.dev.guard, SARAFW_DL_NONE);
}

/* Ctrl-C inside the window, before the first block: CAN CAN at once. */
static void test_foat_engine_abort_in_window(void **state)
{
	(void)state;
	rig r;
	sarafw_foat f;
	uint32_t now = 0;
	rig_up(&r, "SARA-R422");
	sarafw_foat_config cfg = foat_cfg(&r);
	assert_int_equal(sarafw_foat_start(&f, &r.dev, &cfg, now), SARAFW_OK);
	assert_string_equal(foat_text(&f, now), "AT+UFWUPD=3\r");
	foat_in(&f, "\r\n+UFWUPD: ONGOING\r\n", 20, now += 5000);
	sarafw_foat_abort(&f);
	assert_string_equal(foat_text(&f, now), "^^^^^^^^");
	foat_in(&f, "\r\nERROR\r\n", 9, now += 30);
	assert_int_equal(sarafw_foat_status(&f), SARAFW_ECANCEL);
}

/* No ONGOING within the preparation bound (a garbled line, another time
 * scale): the window may be open, so CAN CAN goes out before giving up. */
static void test_foat_engine_no_ongoing(void **state)
{
	(void)state;
	rig r;
	sarafw_foat f;
	uint32_t now = 0;
	rig_up(&r, "SARA-R422");
	sarafw_foat_config cfg = foat_cfg(&r);
	assert_int_equal(sarafw_foat_start(&f, &r.dev, &cfg, now), SARAFW_OK);
	assert_string_equal(foat_text(&f, now), "AT+UFWUPD=3\r");
	now += sarafw_foat_wait_ms(&f, now);
	sarafw_foat_tick(&f, now);
	assert_string_equal(foat_text(&f, now), "^^^^^^^^");
	foat_in(&f, "\r\nERROR\r\n", 9, now += 30); /* the window was open */
	assert_string_equal(foat_text(&f, now), "AT\r");
	foat_in(&f, "\r\nOK\r\n", 6, now += 10);
	assert_int_equal(sarafw_foat_status(&f), SARAFW_ETIMEOUT);
}

/* OK without ONGOING: the command was not understood as a download. */
static void test_foat_engine_ok_without_ongoing(void **state)
{
	(void)state;
	rig r;
	sarafw_foat f;
	rig_up(&r, "SARA-R422");
	sarafw_foat_config cfg = foat_cfg(&r);
	assert_int_equal(sarafw_foat_start(&f, &r.dev, &cfg, 0), SARAFW_OK);
	assert_string_equal(foat_text(&f, 0), "AT+UFWUPD=3\r");
	foat_in(&f, "\r\nOK\r\n", 6, 10);
	assert_int_equal(sarafw_foat_status(&f), SARAFW_EPROTO);
}

/* A baud switch comes out as a request the caller carries out. */
static void test_foat_engine_baud_request(void **state)
{
	(void)state;
	rig r;
	sarafw_foat f;
	sarafw_port with_baud = port;
	uint32_t now = 0;
	rig_up(&r, "SARA-R422S");
	with_baud.set_baud = no_baud; /* present, never called */
	r.dev.cfg.port = &with_baud;
	sarafw_foat_config cfg = foat_cfg(&r);
	cfg.baud = 921600;
	assert_int_equal(sarafw_foat_start(&f, &r.dev, &cfg, now), SARAFW_OK);
	assert_string_equal(foat_text(&f, now), "AT+IPR=921600\r");
	assert_int_equal(sarafw_foat_baud(&f), 0);
	foat_in(&f, "\r\nOK\r\n", 6, now += 10);
	/* the OK's line end passes at the old rate before the host follows */
	assert_int_equal(sarafw_foat_baud(&f), 0);
	assert_int_equal(sarafw_foat_wait_ms(&f, now), SARAFW_IPR_SETTLE_MS);
	sarafw_foat_tick(&f, now + SARAFW_IPR_SETTLE_MS - 1);
	assert_int_equal(sarafw_foat_baud(&f), 0);
	now += SARAFW_IPR_SETTLE_MS;
	sarafw_foat_tick(&f, now);
	assert_int_equal(sarafw_foat_baud(&f), 921600);
	sarafw_foat_baud_done(&f, SARAFW_OK, now);
	assert_string_equal(foat_text(&f, now), "AT\r");
	foat_in(&f, "\r\nOK\r\n", 6, now += 10);
	assert_string_equal(foat_text(&f, now), "AT+UFWUPD=3\r");
}

static void test_foat_engine_refuses_bad_config(void **state)
{
	(void)state;
	rig r;
	sarafw_foat f;
	rig_up(&r, "SARA-R422");
	sarafw_foat_config cfg = foat_cfg(&r);
	cfg.block_size = 512;
	assert_int_equal(sarafw_foat_start(&f, &r.dev, &cfg, 0), SARAFW_EINVAL);
	assert_int_equal(sarafw_foat_status(&f), SARAFW_EINVAL);
	rig_up(&r, NULL);
	cfg = foat_cfg(&r);
	assert_int_equal(sarafw_foat_start(&f, &r.dev, &cfg, 0), SARAFW_ENOTSUP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_engine_answers),
		cmocka_unit_test(test_probe_engine_silence),
		cmocka_unit_test(test_probe_engine_cancels_window),
		cmocka_unit_test(test_xmodem_waiting),
		cmocka_unit_test(test_identify_engine),
		cmocka_unit_test(test_foat_engine_download),
		cmocka_unit_test(test_foat_engine_abort_in_preparation),
		cmocka_unit_test(test_foat_engine_abort_in_window),
		cmocka_unit_test(test_foat_engine_no_ongoing),
		cmocka_unit_test(test_foat_engine_ok_without_ongoing),
		cmocka_unit_test(test_foat_engine_baud_request),
		cmocka_unit_test(test_foat_engine_refuses_bad_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

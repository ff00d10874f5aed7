/* The +UDWNFILE step engine driven by hand (a scripted module, a fake
 * clock, a port that fails the test if touched), and the parsers of the
 * file commands' answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sarafw/error.h"
#include "sarafw/timeouts.h"
#include "sarafw/udwnfile.h"

static int no_write(void *ctx, const uint8_t *b, size_t n)
{
	(void)ctx, (void)b, (void)n;
	fail_msg("the engine wrote to the port");
	return -1;
}

static int no_read(void *ctx, uint8_t *b, size_t n, uint32_t t)
{
	(void)ctx, (void)b, (void)n, (void)t;
	fail_msg("the engine read from the port");
	return -1;
}

static uint32_t no_clock(void *ctx)
{
	(void)ctx;
	fail_msg("the engine read the port's clock");
	return 0;
}

static const sarafw_port port = { .write = no_write, .read = no_read, .now_ms = no_clock };

static int no_baud(void *ctx, uint32_t baud)
{
	(void)ctx, (void)baud;
	fail_msg("the engine set the rate itself");
	return -1;
}

/* A port that can switch rates (the engine only asks; the test switches). */
static const sarafw_port switching_port = { .write = no_write, .read = no_read, .now_ms = no_clock,
					    .set_baud = no_baud };

/* The final result's bound for the rig's 300 bytes at 115200 b/s: the
 * module's commit, and the line time of bytes the port may still hold
 * (300 x 10 bits / 115200 b/s = 26.04 ms, rounded up). */
#define FINAL_MS (SARAFW_UDWNFILE_FINAL_MS + 27u)

typedef struct {
	sarafw_dev dev;
	char line[128];
	uint8_t pkg[300];
	uint8_t buf[64];
	uint8_t got[400];   /* what the module received as data */
	size_t n_got;
	int phases[64];
	int n_phases;
	int fail_read_at;   /* offset at which read fails, or -1 */
	sarafw_udwn_config cfg;
	sarafw_udwn u;
	uint32_t now;
} rig;

static int pkg_read(void *ctx, uint32_t off, uint8_t *buf, size_t len)
{
	rig *r = ctx;
	if (r->fail_read_at >= 0 && off + len > (uint32_t)r->fail_read_at)
		return SARAFW_EIO;
	memcpy(buf, r->pkg + off, len);
	return (int)len;
}

static void on_progress(void *ctx, sarafw_foat_phase ph, uint32_t done, uint32_t total)
{
	rig *r = ctx;
	(void)done, (void)total;
	if (ph == SARAFW_FOAT_TRANSFER && r->n_phases && r->phases[r->n_phases - 1] == (int)ph)
		return; /* one entry per run of TRANSFER events */
	if (r->n_phases < 64)
		r->phases[r->n_phases++] = (int)ph;
}

static void rig_up(rig *r, const char *variant, const char *name, const char *tag)
{
	memset(r, 0, sizeof *r);
	sarafw_dev_config cfg = { .port = &port, .line_buf = r->line, .line_buf_size = sizeof r->line };
	assert_int_equal(sarafw_dev_init(&r->dev, &cfg), SARAFW_OK);
	r->dev.variant = sarafw_variant_by_name(variant);
	assert_non_null(r->dev.variant);
	for (size_t i = 0; i < sizeof r->pkg; i++)
		r->pkg[i] = (uint8_t)(i * 7);
	r->pkg[10] = '"', r->pkg[11] = '\r', r->pkg[12] = '\n', r->pkg[13] = '>';
	r->fail_read_at = -1;
	r->cfg = (sarafw_udwn_config){
		.name = name, .tag = tag, .size = sizeof r->pkg, .read = pkg_read, .ctx = r,
		.buf = r->buf, .buf_size = sizeof r->buf, .host_baud = 115200,
		.progress = on_progress, .progress_ctx = r,
	};
	r->now = 1000;
}

/* Everything the engine wants written, as a string; at most max bytes taken. */
static const char *out(rig *r, size_t max)
{
	static char s[512];
	const uint8_t *o;
	size_t n = sarafw_udwn_output(&r->u, &o);
	if (n > max)
		n = max;
	memcpy(s, o, n);
	s[n] = '\0';
	sarafw_udwn_sent(&r->u, n, r->now);
	return s;
}

static void in(rig *r, const char *s)
{
	size_t n = strlen(s), off = 0;
	while (off < n && sarafw_udwn_status(&r->u) == SARAFW_RUNNING)
		off += sarafw_udwn_input(&r->u, (const uint8_t *)s + off, n - off, r->now);
}

/* The data as the module receives it, with a port that takes at most
 * chunk bytes per write. */
static void stream(rig *r, size_t chunk)
{
	for (int guard = 0; guard < 10000; guard++) {
		const uint8_t *o;
		size_t n = sarafw_udwn_output(&r->u, &o);
		if (n == 0)
			return;
		if (n > chunk)
			n = chunk;
		assert_true(r->n_got + n <= sizeof r->got);
		memcpy(r->got + r->n_got, o, n);
		r->n_got += n;
		r->now += 1;
		sarafw_udwn_sent(&r->u, n, r->now);
	}
	fail_msg("stream did not end");
}

static void run_until_done(rig *r, uint32_t limit)
{
	uint32_t end = r->now + limit;
	for (int steps = 0; sarafw_udwn_status(&r->u) == SARAFW_RUNNING; steps++) {
		uint32_t w;
		assert_true(steps < 1000);
		(void)out(r, 999); /* the probe's AT, unanswered */
		w = sarafw_udwn_wait_ms(&r->u, r->now);
		assert_true(w != UINT32_MAX);
		r->now += w;
		sarafw_udwn_tick(&r->u, r->now);
		assert_true(r->now <= end);
	}
}

static void test_foat_round_trip(void **state)
{
	(void)state;
	rig r;
	static const int want[] = { SARAFW_FOAT_PREPARE, SARAFW_FOAT_TRANSFER, SARAFW_FOAT_FINISH,
				    SARAFW_FOAT_STORED, SARAFW_FOAT_DONE };
	rig_up(&r, "SARA-R422S", "", "FOAT");
	assert_int_equal(sarafw_udwn_start(&r.u, &r.dev, &r.cfg, r.now), SARAFW_OK);
	/* a port that takes 5 bytes at a time still sends the whole line */
	char cmd[64] = "";
	for (const char *s; *(s = out(&r, 5));)
		strcat(cmd, s);
	assert_string_equal(cmd, "AT+UDWNFILE=\"\",300,\"FOAT\"\r");
	assert_int_equal(r.dev.guard, SARAFW_DL_NONE);
	/* the preparation is bounded by the variant's figure */
	assert_int_equal(sarafw_udwn_wait_ms(&r.u, r.now), r.dev.variant->limits->udwnfile_prep_ms);
	r.now += 5000;
	sarafw_udwn_tick(&r.u, r.now);
	in(&r, "AT+UDWNFILE=\"\",300,\"FOAT\"\r\r\n>");
	assert_int_equal(r.dev.guard, SARAFW_DL_UDWNFILE);
	assert_int_equal(sarafw_udwn_wait_ms(&r.u, r.now), 0); /* data to send */
	stream(&r, 7);
	assert_int_equal(r.n_got, sizeof r.pkg);
	assert_memory_equal(r.got, r.pkg, sizeof r.pkg);
	assert_int_equal(sarafw_udwn_wait_ms(&r.u, r.now), FINAL_MS);
	r.now += 100;
	in(&r, "\r\nOK\r\n");
	assert_int_equal(sarafw_udwn_status(&r.u), SARAFW_OK);
	assert_int_equal(r.dev.guard, SARAFW_DL_NONE);
	assert_int_equal(r.n_phases, 5);
	assert_memory_equal(r.phases, want, sizeof want);
}

/* One AT+IPR switch step: the command, its OK at the old rate, the settle
 * time, the host's switch, and AT at the new rate. */
static void ipr_step(rig *r, const char *cmd, uint32_t rate)
{
	assert_string_equal(out(r, 999), cmd);
	in(r, "\r\nOK\r\n");
	assert_int_equal(sarafw_udwn_baud(&r->u), 0); /* the OK's line end first */
	r->now += SARAFW_IPR_SETTLE_MS;
	sarafw_udwn_tick(&r->u, r->now);
	assert_int_equal(sarafw_udwn_baud(&r->u), rate);
	sarafw_udwn_baud_done(&r->u, SARAFW_OK, r->now);
	assert_string_equal(out(r, 999), "AT\r");
	in(r, "\r\nOK\r\n");
}

/* note §5.1.1 "Additional rate": to 3 Mbit/s for the data and back to the
 * host's rate at the end; STORED before the switch back, DONE after it. */
static void test_rate_switch(void **state)
{
	(void)state;
	rig r;
	static const int want[] = { SARAFW_FOAT_BAUD, SARAFW_FOAT_PREPARE, SARAFW_FOAT_TRANSFER,
				    SARAFW_FOAT_FINISH, SARAFW_FOAT_STORED, SARAFW_FOAT_DONE };
	rig_up(&r, "SARA-R422S", "", "FOAT");
	r.dev.cfg.port = &switching_port;
	r.cfg.baud = 3000000;
	assert_int_equal(sarafw_udwn_start(&r.u, &r.dev, &r.cfg, r.now), SARAFW_OK);
	ipr_step(&r, "AT+IPR=3000000\r", 3000000);
	assert_string_equal(out(&r, 999), "AT+UDWNFILE=\"\",300,\"FOAT\"\r");
	in(&r, "\r\n>");
	stream(&r, 64);
	assert_memory_equal(r.got, r.pkg, sizeof r.pkg);
	in(&r, "\r\nOK\r\n");
	assert_int_equal(sarafw_udwn_status(&r.u), SARAFW_RUNNING);
	assert_int_equal(r.dev.guard, SARAFW_DL_NONE);
	ipr_step(&r, "AT+IPR=115200\r", 115200);
	assert_int_equal(sarafw_udwn_status(&r.u), SARAFW_OK);
	assert_int_equal(r.n_phases, 6);
	assert_memory_equal(r.phases, want, sizeof want);

	/* the module refuses the rate: nothing changed, nothing sent */
	rig_up(&r, "SARA-R422S", "", "FOAT");
	r.dev.cfg.port = &switching_port;
	r.cfg.baud = 921600;
	assert_int_equal(sarafw_udwn_start(&r.u, &r.dev, &r.cfg, r.now), SARAFW_OK);
	assert_string_equal(out(&r, 999), "AT+IPR=921600\r");
	in(&r, "\r\n+CME ERROR: operation not allowed\r\n");
	assert_int_equal(sarafw_udwn_status(&r.u), SARAFW_EERROR);
	assert_int_equal(sarafw_udwn_baud(&r.u), 0);
	assert_string_equal(out(&r, 999), "");

	/* the host cannot set the rate: back to 115200 and found there */
	rig_up(&r, "SARA-R422S", "", "FOAT");
	r.dev.cfg.port = &switching_port;
	r.cfg.baud = 921600;
	assert_int_equal(sarafw_udwn_start(&r.u, &r.dev, &r.cfg, r.now), SARAFW_OK);
	assert_string_equal(out(&r, 999), "AT+IPR=921600\r");
	in(&r, "\r\nOK\r\n");
	r.now += SARAFW_IPR_SETTLE_MS;
	sarafw_udwn_tick(&r.u, r.now);
	assert_int_equal(sarafw_udwn_baud(&r.u), 921600);
	sarafw_udwn_baud_done(&r.u, SARAFW_EIO, r.now);
	assert_int_equal(sarafw_udwn_baud(&r.u), 115200); /* the host goes home */
	sarafw_udwn_baud_done(&r.u, SARAFW_OK, r.now);
	assert_string_equal(out(&r, 999), "AT\r");
	in(&r, "\r\nOK\r\n"); /* e.g. the module kept its rate */
	assert_int_equal(sarafw_udwn_status(&r.u), SARAFW_EBAUD);
}

static void test_plain_file_and_profile(void **state)
{
	(void)state;
	rig r;
	rig_up(&r, "SARA-R410M-02B-03", "cfg.bin", NULL);
	assert_int_equal(sarafw_udwn_start(&r.u, &r.dev, &r.cfg, r.now), SARAFW_OK);
	assert_string_equal(out(&r, 999), "AT+UDWNFILE=\"cfg.bin\",300\r");
	in(&r, "\r\n> ");
	assert_int_equal(r.dev.guard, SARAFW_DL_FILE); /* Table 7 row 4, last sentence */
	stream(&r, 1000);
	in(&r, "\r\nOK\r\n");
	assert_int_equal(sarafw_udwn_status(&r.u), SARAFW_OK);
	assert_int_equal(r.dev.guard, SARAFW_DL_NONE);

	rig_up(&r, "SARA-R422S", "PROFILE", "PROFILE");
	assert_int_equal(sarafw_udwn_start(&r.u, &r.dev, &r.cfg, r.now), SARAFW_OK);
	assert_string_equal(out(&r, 999), "AT+UDWNFILE=\"PROFILE\",300,\"PROFILE\"\r");
	in(&r, ">");
	assert_int_equal(r.dev.guard, SARAFW_DL_FILE);
	stream(&r, 64);
	assert_memory_equal(r.got, r.pkg, sizeof r.pkg);
	in(&r, "\r\nOK\r\n");
	assert_int_equal(sarafw_udwn_status(&r.u), SARAFW_OK);
}

static void test_bad_config(void **state)
{
	(void)state;
	rig r;
	static char long_name[80];
	memset(long_name, 'a', sizeof long_name - 1);
	rig_up(&r, "SARA-R422S", "x", "foat"); /* tags are case-sensitive */
	assert_int_equal(sarafw_udwn_start(&r.u, &r.dev, &r.cfg, r.now), SARAFW_EINVAL);
	rig_up(&r, "SARA-R422S", "a\"b", NULL);
	assert_int_equal(sarafw_udwn_start(&r.u, &r.dev, &r.cfg, r.now), SARAFW_EINVAL);
	rig_up(&r, "SARA-R422S", long_name, NULL); /* the line does not fit the buffer */
	assert_int_equal(sarafw_udwn_start(&r.u, &r.dev, &r.cfg, r.now), SARAFW_EINVAL);
	rig_up(&r, "SARA-R422S", "x", NULL);
	r.cfg.size = 0;
	assert_int_equal(sarafw_udwn_start(&r.u, &r.dev, &r.cfg, r.now), SARAFW_EINVAL);
	rig_up(&r, "SARA-R422S", "x", NULL);
	r.cfg.buf_size = 31;
	assert_int_equal(sarafw_udwn_start(&r.u, &r.dev, &r.cfg, r.now), SARAFW_EINVAL);
	rig_up(&r, "SARA-R422S", "x", NULL); /* a port that cannot switch */
	r.cfg.baud = 921600;
	assert_int_equal(sarafw_udwn_start(&r.u, &r.dev, &r.cfg, r.now), SARAFW_ENOTSUP);
	rig_up(&r, "SARA-R410M-02B-03", "x", NULL); /* §5.1.1's rates are the R422 family's */
	r.dev.cfg.port = &switching_port;
	r.cfg.baud = 921600;
	assert_int_equal(sarafw_udwn_start(&r.u, &r.dev, &r.cfg, r.now), SARAFW_ENOTSUP);
	/* a FOAT download is active: +UDWNFILE is refused locally (note §7) */
	rig_up(&r, "SARA-R422S", "", "FOAT");
	sarafw_guard_set(&r.dev, SARAFW_DL_UFWUPD);
	assert_int_equal(sarafw_udwn_start(&r.u, &r.dev, &r.cfg, r.now), SARAFW_EBUSY);
	assert_int_equal(sarafw_udwn_status(&r.u), SARAFW_EBUSY);
}

static void test_refused(void **state)
{
	(void)state;
	rig r;
	rig_up(&r, "SARA-R422S", "", "FOAT");
	assert_int_equal(sarafw_udwn_start(&r.u, &r.dev, &r.cfg, r.now), SARAFW_OK);
	out(&r, 999);
	in(&r, "\r\n+CME ERROR: FOTA memory is in use\r\n");
	assert_int_equal(sarafw_udwn_status(&r.u), SARAFW_EERROR);
	assert_string_equal(sarafw_dev_last_error(&r.dev, NULL), "+CME ERROR: FOTA memory is in use");
	assert_string_equal(out(&r, 999), ""); /* no data */
	/* OK with no '>' makes no sense */
	rig_up(&r, "SARA-R422S", "", "FOAT");
	assert_int_equal(sarafw_udwn_start(&r.u, &r.dev, &r.cfg, r.now), SARAFW_OK);
	out(&r, 999);
	in(&r, "\r\nOK\r\n");
	assert_int_equal(sarafw_udwn_status(&r.u), SARAFW_EPROTO);
}

/* No '>': the module may be waiting for data after all. The engine lets
 * it time out, then checks it answers AT. */
static void test_no_prompt(void **state)
{
	(void)state;
	rig r;
	rig_up(&r, "SARA-R422S", "", "FOAT");
	assert_int_equal(sarafw_udwn_start(&r.u, &r.dev, &r.cfg, r.now), SARAFW_OK);
	out(&r, 999);
	r.now += r.dev.variant->limits->udwnfile_prep_ms;
	sarafw_udwn_tick(&r.u, r.now);
	assert_int_equal(sarafw_udwn_status(&r.u), SARAFW_RUNNING);
	assert_string_equal(out(&r, 999), ""); /* never data without '>' */
	assert_int_equal(sarafw_udwn_wait_ms(&r.u, r.now), SARAFW_UDWNFILE_ABORT_MS);
	r.now += 2000;
	in(&r, "\r\nERROR\r\n");
	assert_string_equal(out(&r, 999), "AT\r");
	in(&r, "\r\nOK\r\n");
	assert_int_equal(sarafw_udwn_status(&r.u), SARAFW_ETIMEOUT);
	assert_int_equal(r.dev.guard, SARAFW_DL_NONE);
}

static void test_abort_in_data(void **state)
{
	(void)state;
	rig r;
	rig_up(&r, "SARA-R422S", "", "FOAT");
	assert_int_equal(sarafw_udwn_start(&r.u, &r.dev, &r.cfg, r.now), SARAFW_OK);
	out(&r, 999);
	in(&r, ">");
	out(&r, 40);
	sarafw_udwn_abort(&r.u);
	assert_string_equal(out(&r, 999), ""); /* sending stops at once */
	assert_int_equal(sarafw_udwn_wait_ms(&r.u, r.now), 0);
	sarafw_udwn_tick(&r.u, r.now);
	assert_int_equal(sarafw_udwn_wait_ms(&r.u, r.now), SARAFW_UDWNFILE_ABORT_MS);
	/* the module gives up by itself and says so */
	r.now += 10000;
	in(&r, "\r\n+CME ERROR: operation not allowed\r\n");
	assert_string_equal(out(&r, 999), "AT\r");
	in(&r, "\r\nOK\r\n");
	assert_int_equal(sarafw_udwn_status(&r.u), SARAFW_ECANCEL);
	assert_int_equal(r.dev.guard, SARAFW_DL_NONE);
	assert_int_equal(r.phases[r.n_phases - 1], SARAFW_FOAT_CANCEL);
}

/* Aborted before '>': the command line goes out whole, nothing after '>';
 * a module that never answers bounds it all. */
static void test_abort_before_prompt_silent_module(void **state)
{
	(void)state;
	rig r;
	rig_up(&r, "SARA-R422S", "f", NULL);
	assert_int_equal(sarafw_udwn_start(&r.u, &r.dev, &r.cfg, r.now), SARAFW_OK);
	out(&r, 3);
	sarafw_udwn_abort(&r.u);
	assert_string_equal(out(&r, 999), "UDWNFILE=\"f\",300\r");
	in(&r, "\r\n>");
	assert_string_equal(out(&r, 999), "");
	assert_int_equal(r.dev.guard, SARAFW_DL_NONE);
	run_until_done(&r, SARAFW_UDWNFILE_ABORT_MS + SARAFW_ANSWER_MS);
	assert_int_equal(sarafw_udwn_status(&r.u), SARAFW_ECANCEL);
}

static void test_module_ends_early_and_final_timeout(void **state)
{
	(void)state;
	rig r;
	rig_up(&r, "SARA-R422S", "", "FOAT");
	assert_int_equal(sarafw_udwn_start(&r.u, &r.dev, &r.cfg, r.now), SARAFW_OK);
	out(&r, 999);
	in(&r, ">");
	out(&r, 10);
	in(&r, "\r\nERROR\r\n");
	assert_int_equal(sarafw_udwn_status(&r.u), SARAFW_EERROR);
	assert_string_equal(out(&r, 999), "");
	assert_int_equal(r.dev.guard, SARAFW_DL_NONE);

	rig_up(&r, "SARA-R422S", "", "FOAT");
	assert_int_equal(sarafw_udwn_start(&r.u, &r.dev, &r.cfg, r.now), SARAFW_OK);
	out(&r, 999);
	in(&r, ">");
	stream(&r, 300);
	r.now += FINAL_MS - 1;
	sarafw_udwn_tick(&r.u, r.now);
	assert_int_equal(sarafw_udwn_status(&r.u), SARAFW_RUNNING);
	r.now += 1;
	sarafw_udwn_tick(&r.u, r.now);
	assert_int_equal(sarafw_udwn_status(&r.u), SARAFW_ETIMEOUT);
	assert_int_equal(r.dev.guard, SARAFW_DL_NONE);
}

static void test_read_fails(void **state)
{
	(void)state;
	rig r;
	rig_up(&r, "SARA-R422S", "", "FOAT");
	r.fail_read_at = 100;
	assert_int_equal(sarafw_udwn_start(&r.u, &r.dev, &r.cfg, r.now), SARAFW_OK);
	out(&r, 999);
	in(&r, ">");
	stream(&r, 1000);
	assert_int_equal(r.n_got, 64); /* the first piece only */
	in(&r, "\r\nERROR\r\n");
	assert_string_equal(out(&r, 999), "AT\r");
	in(&r, "\r\nOK\r\n");
	assert_int_equal(sarafw_udwn_status(&r.u), SARAFW_EIO);
}

static void test_io_error(void **state)
{
	(void)state;
	rig r;
	rig_up(&r, "SARA-R422S", "", "FOAT");
	assert_int_equal(sarafw_udwn_start(&r.u, &r.dev, &r.cfg, r.now), SARAFW_OK);
	out(&r, 999);
	in(&r, ">");
	sarafw_udwn_io_error(&r.u, SARAFW_EIO, r.now);
	assert_int_equal(sarafw_udwn_status(&r.u), SARAFW_EIO);
	assert_int_equal(r.dev.guard, SARAFW_DL_NONE);
	assert_int_equal(sarafw_udwn_wait_ms(&r.u, r.now), UINT32_MAX);
}

static void test_umnoprof(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		uint32_t id;
		bool listed;
	} cases[] = {
		{ "+UMNOPROF: (0,1,2,100,201)", 100, true },
		{ "+UMNOPROF: (0,1,2,100,201)", 205, false },
		{ "+UMNOPROF: (0-6,90,100-102)", 4, true },
		{ "+UMNOPROF: (0-6,90,100-102)", 7, false },
		{ "+UMNOPROF: ( 0, 205 )", 205, true },
		{ "+UMNOPROF: 0: SW default", 0, true }, /* note §2.6.6, first line */
		{ "205: Verizon Motive", 205, true },
		{ "21: TELUS 5.1", 2, false },
		{ "+UMNOPROF: (0,1", 5, false },
		{ "+UMNOPROF: (0,x,5)", 5, false },
		{ "+UMNOPROF: (99999999999)", 5, false },
		{ "+UMNOPROF:", 0, false },
		{ "", 0, false },
		{ "SW default", 0, false },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_equal(sarafw_umnoprof_lists(cases[i].line, cases[i].id), cases[i].listed);
}

static void test_ulstfile(void **state)
{
	(void)state;
	char name[8];
	uint32_t size = 0;
	const char *line = "+ULSTFILE: \"a.bin\",\"b\",\"\"";
	assert_int_equal(sarafw_ulstfile_name(line, 0, name, sizeof name), SARAFW_OK);
	assert_string_equal(name, "a.bin");
	assert_int_equal(sarafw_ulstfile_name(line, 1, name, sizeof name), SARAFW_OK);
	assert_string_equal(name, "b");
	assert_int_equal(sarafw_ulstfile_name(line, 2, name, sizeof name), SARAFW_OK);
	assert_string_equal(name, "");
	assert_int_equal(sarafw_ulstfile_name(line, 3, name, sizeof name), SARAFW_EPROTO);
	assert_int_equal(sarafw_ulstfile_name("+ULSTFILE: \"longname\"", 0, name, sizeof name), SARAFW_ENOSPACE);
	assert_string_equal(name, "longnam");
	static const char *const bad[] = { "+ULSTFILE:", "+ULSTFILE: a,b", "+ULSTFILE: \"a", "+ULSTFILE: \"a\"x\"b\"" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(sarafw_ulstfile_name(bad[i], 1, name, sizeof name), SARAFW_EPROTO);
	assert_int_equal(sarafw_ulstfile_size("+ULSTFILE: 12300", &size), SARAFW_OK);
	assert_int_equal(size, 12300);
	static const char *const bad_size[] = { "+ULSTFILE:", "+ULSTFILE: x", "+ULSTFILE: 12a", "+ULSTFILE: 4294967296" };
	for (size_t i = 0; i < sizeof bad_size / sizeof bad_size[0]; i++)
		assert_int_equal(sarafw_ulstfile_size(bad_size[i], &size), SARAFW_EPROTO);
}

typedef struct {
	uint8_t data[64];
	size_t n;
} sink;

static void sink_data(void *ctx, uint32_t off, const uint8_t *b, size_t n)
{
	sink *s = ctx;
	assert_int_equal(off, s->n);
	assert_true(s->n + n <= sizeof s->data);
	memcpy(s->data + s->n, b, n);
	s->n += n;
}

/* The whole answer in pieces of `piece` bytes; returns the bytes left
 * for the AT engine. */
static size_t rd_feed(sarafw_rdfile *r, sink *s, const char *text, size_t len, size_t piece)
{
	size_t off = 0;
	memset(s, 0, sizeof *s);
	sarafw_rdfile_start(r, sink_data, s);
	while (off < len && sarafw_rdfile_status(r) == SARAFW_RUNNING) {
		size_t n = len - off < piece ? len - off : piece;
		off += sarafw_rdfile_input(r, (const uint8_t *)text + off, n);
	}
	return len - off;
}

static void test_rdfile(void **state)
{
	(void)state;
	static const char ans[] = "\n+URDFILE: \"f\",9,\"a\"\r\nOK\r\n\"\"\r\nOK\r\n";
	sarafw_rdfile r;
	sink s;
	for (size_t piece = 1; piece <= sizeof ans; piece++) {
		size_t left = rd_feed(&r, &s, ans, sizeof ans - 1, piece);
		assert_int_equal(sarafw_rdfile_status(&r), SARAFW_OK);
		assert_int_equal(left, 6); /* "\r\nOK\r\n" */
		assert_string_equal(r.name, "f");
		assert_int_equal(r.size, 9);
		assert_int_equal(s.n, 9);
		assert_memory_equal(s.data, "a\"\r\nOK\r\n\"", 9);
	}
	static const char blk[] = "\r\n+URDBLOCK: \"x.bin\",0,\"\"\r\nOK\r\n";
	rd_feed(&r, &s, blk, sizeof blk - 1, 4);
	assert_int_equal(sarafw_rdfile_status(&r), SARAFW_OK);
	assert_int_equal(s.n, 0);
	static const char *const bad[] = {
		"+URDFILE \"f\",1,\"a\"", "+URDFILE: f,1,\"a\"", "+URDFILE: \"f\"1,\"a\"", "+URDFILE: \"f\",,\"a\"",
		"+URDFILE: \"f\",1a\"a\"", "+URDFILE: \"f\",1,a\"", "+URDFILE: \"f\",1,\"ab", "+URDFILE: \"f\",99999999999,\"",
		"+URDFILE: \"f\r\n", "ERROR\r\n", "+URDFILE: \"f\",4294967296,\"",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		rd_feed(&r, &s, bad[i], strlen(bad[i]), 3);
		assert_int_equal(sarafw_rdfile_status(&r), SARAFW_EPROTO);
	}
	/* cut short: still running, never past the promised size */
	rd_feed(&r, &s, "+URDFILE: \"f\",5,\"ab", 19, 2);
	assert_int_equal(sarafw_rdfile_status(&r), SARAFW_RUNNING);
	assert_int_equal(s.n, 2);
}

/* ---- The blocking calls over a port: a scripted module ------------------ */
typedef struct {
	uint32_t clock;
	char cmd[96];
	size_t cmd_len;
	uint32_t raw_left;   /* data bytes the module still takes */
	uint8_t file[400];
	size_t file_len;
	char out[256];
	size_t out_len, out_pos;
	int writes;
	int cancel_after;    /* cancel request after this many writes, 0 never */
} smod;

static void s_say(smod *m, const char *s)
{
	size_t n = strlen(s);
	assert_true(m->out_len + n <= sizeof m->out);
	memcpy(m->out + m->out_len, s, n);
	m->out_len += n;
}

static void s_command(smod *m, const char *cmd)
{
	if (strncmp(cmd, "AT+UDWNFILE=\"f\",", 16) == 0) {
		m->raw_left = (uint32_t)atol(cmd + 16);
		m->file_len = 0;
		s_say(m, "\r\n>");
	} else if (strcmp(cmd, "AT+UMNOPROF=?") == 0) {
		s_say(m, "\r\n+UMNOPROF: 0: SW default\r\n1: SIM ICCID select\r\n205: Verizon Motive\r\n\r\nOK\r\n");
	} else if (strcmp(cmd, "AT") == 0) {
		s_say(m, "\r\nOK\r\n");
	} else {
		s_say(m, "\r\nERROR\r\n");
	}
}

static int s_write(void *ctx, const uint8_t *b, size_t n)
{
	smod *m = ctx;
	m->writes++;
	if (n > 50)
		n = 50; /* the port takes less than offered */
	for (size_t i = 0; i < n; i++) {
		if (m->raw_left) {
			assert_true(m->file_len < sizeof m->file);
			m->file[m->file_len++] = b[i];
			if (--m->raw_left == 0)
				s_say(m, "\r\nOK\r\n");
		} else if (b[i] == '\r') {
			m->cmd[m->cmd_len] = '\0';
			m->cmd_len = 0;
			s_command(m, m->cmd);
		} else if (m->cmd_len < sizeof m->cmd - 1) {
			m->cmd[m->cmd_len++] = (char)b[i];
		}
	}
	return (int)n;
}

static int s_read(void *ctx, uint8_t *b, size_t len, uint32_t timeout)
{
	smod *m = ctx;
	size_t n = m->out_len - m->out_pos;
	if (n == 0) {
		m->out_pos = m->out_len = 0;
		m->clock += timeout;
		if (m->raw_left && timeout >= SARAFW_UDWNFILE_ABORT_MS / 2) {
			/* the module's own timeout for missing data */
			m->raw_left = 0;
			s_say(m, "\r\n+CME ERROR: operation not allowed\r\n");
		}
		return 0;
	}
	if (n > len)
		n = len;
	memcpy(b, m->out + m->out_pos, n);
	m->out_pos += n;
	m->clock += 1;
	return (int)n;
}

static uint32_t s_now(void *ctx)
{
	return ((smod *)ctx)->clock;
}

static bool s_cancel(void *ctx)
{
	smod *m = ctx;
	return m->cancel_after && m->writes >= m->cancel_after;
}

static void test_blocking_calls(void **state)
{
	(void)state;
	smod m;
	sarafw_port p = { .ctx = &m, .write = s_write, .read = s_read, .now_ms = s_now };
	rig r;
	bool present = false;
	memset(&m, 0, sizeof m);
	rig_up(&r, "SARA-R422S", "f", NULL);
	r.dev.cfg.port = &p;
	assert_int_equal(sarafw_udwnfile(&r.dev, &r.cfg), SARAFW_OK);
	assert_int_equal(m.file_len, sizeof r.pkg);
	assert_memory_equal(m.file, r.pkg, sizeof r.pkg);
	assert_int_equal(r.dev.guard, SARAFW_DL_NONE);

	assert_int_equal(sarafw_profile_present(&r.dev, 205, &present), SARAFW_OK);
	assert_true(present);
	assert_int_equal(sarafw_profile_present(&r.dev, 3, &present), SARAFW_OK);
	assert_false(present);

	/* cancelled in the data: the module gives up, then answers AT */
	memset(&m, 0, sizeof m);
	m.cancel_after = 3;
	r.cfg.cancel = s_cancel;
	r.cfg.cancel_ctx = &m;
	assert_int_equal(sarafw_udwnfile(&r.dev, &r.cfg), SARAFW_ECANCEL);
	assert_true(m.file_len < sizeof r.pkg);
	assert_int_equal(r.dev.guard, SARAFW_DL_NONE);
	assert_true(m.clock <= SARAFW_UDWNFILE_ABORT_MS + SARAFW_ANSWER_MS + 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_foat_round_trip),
		cmocka_unit_test(test_plain_file_and_profile),
		cmocka_unit_test(test_bad_config),
		cmocka_unit_test(test_rate_switch),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_no_prompt),
		cmocka_unit_test(test_abort_in_data),
		cmocka_unit_test(test_abort_before_prompt_silent_module),
		cmocka_unit_test(test_module_ends_early_and_final_timeout),
		cmocka_unit_test(test_read_fails),
		cmocka_unit_test(test_io_error),
		cmocka_unit_test(test_umnoprof),
		cmocka_unit_test(test_ulstfile),
		cmocka_unit_test(test_rdfile),
		cmocka_unit_test(test_blocking_calls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* The host's FOAT flow (note §5.1) against an in-process module made of
 * the simulator's XMODEM receiver and a few scripted AT answers, over the
 * port callbacks with a fake clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sarafw/error.h"
#include "sarafw/foat.h"
#include "xmodem_recv.h"

enum { AT_MODE, PREP, XMODEM, SILENT };

typedef struct {
	int mode;
	bool r410;        /* §5.1.2: OK right after ONGOING, no end indication */
	const char *refuse; /* answer to AT+UFWUPD=3 instead of ONGOING */
	int sink_fail_at; /* block offset at which the FOTA area "fails", -1 never */
	uint32_t clock;
	uint32_t module_baud, host_baud, transfer_baud;
	uint32_t pending_baud; /* +IPR takes effect once its OK is out */
	uint32_t dead_baud;    /* the host's adapter garbles this rate */
	bool ignore_ipr;       /* answers OK to +IPR but keeps its rate */
	bool refuse_ipr_back;  /* answers ERROR to +IPR at a non-default rate */
	char cmd[64];
	size_t cmd_len;
	char out[256];
	size_t out_len, out_pos;
	struct simx x;
	uint8_t fota[70000];
	uint32_t fota_len;
	int commands_in_window; /* AT sent while the module could not take it */
	int ufwupd_count;
} module;

static void say(module *m, const char *s)
{
	size_t n = strlen(s);
	assert_true(m->out_len + n <= sizeof m->out);
	memcpy(m->out + m->out_len, s, n);
	m->out_len += n;
}

static int sink(void *ctx, uint32_t off, const uint8_t *d, size_t n)
{
	module *m = ctx;
	if (m->sink_fail_at >= 0 && off >= (uint32_t)m->sink_fail_at)
		return -1;
	if (off + n > sizeof m->fota)
		return -1;
	memcpy(m->fota + off, d, n);
	if (off + n > m->fota_len)
		m->fota_len = (uint32_t)(off + n);
	return 0;
}

static void start_xmodem(module *m)
{
	struct simx_config c;
	simx_config_default(&c);
	c.sink = sink;
	c.sink_ctx = m;
	simx_init(&m->x, &c, m->clock);
	m->mode = XMODEM;
	m->transfer_baud = m->module_baud;
}

static void command(module *m, const char *cmd)
{
	if (m->mode != AT_MODE) {
		m->commands_in_window++;
		return;
	}
	if (m->module_baud != m->host_baud || m->host_baud == m->dead_baud)
		return; /* garbled: the module does not understand */
	if (strcmp(cmd, "AT") == 0) {
		say(m, "\r\nOK\r\n");
	} else if (strncmp(cmd, "AT+IPR=", 7) == 0) {
		if (m->refuse_ipr_back && m->module_baud != 115200) {
			say(m, "\r\nERROR\r\n");
			return;
		}
		say(m, "\r\nOK\r\n"); /* sent at the old rate */
		if (!m->ignore_ipr)
			m->pending_baud = (uint32_t)atol(cmd + 7);
	} else if (strcmp(cmd, "AT+UFWUPD=3") == 0) {
		m->ufwupd_count++;
		if (m->refuse) {
			say(m, m->refuse);
			return;
		}
		say(m, "\r\n+UFWUPD: ONGOING\r\n");
		if (m->r410)
			say(m, "\r\nOK\r\n");
		start_xmodem(m);
	} else {
		say(m, "\r\nERROR\r\n");
	}
}

static int m_write(void *ctx, const uint8_t *b, size_t n)
{
	module *m = ctx;
	if (m->mode == XMODEM) {
		size_t off = 0;
		while (off < n) {
			off += simx_input(&m->x, b + off, n - off, m->clock);
			const uint8_t *p;
			size_t k = simx_output(&m->x, &p);
			for (size_t i = 0; i < k && m->out_len < sizeof m->out; i++)
				m->out[m->out_len++] = (char)p[i];
			simx_output_consume(&m->x, k);
		}
		return (int)n;
	}
	for (size_t i = 0; i < n; i++) {
		if (b[i] == '\r') {
			m->cmd[m->cmd_len] = '\0';
			m->cmd_len = 0;
			command(m, m->cmd);
		} else if (m->cmd_len < sizeof m->cmd - 1) {
			m->cmd[m->cmd_len++] = (char)b[i];
		}
	}
	return (int)n;
}

/* The transfer ended: the module leaves the XMODEM window. */
static void window_end(module *m)
{
	enum simx_status st = simx_status(&m->x);
	if (st == SIMX_RUNNING)
		return;
	m->mode = AT_MODE;
	if (m->r410)
		return; /* §5.1.2: no indication */
	say(m, st == SIMX_DONE ? "\r\nOK\r\n" : st == SIMX_TIMEOUT ? "\r\nERROR1\r\n" : "\r\nERROR\r\n");
}

static int m_read(void *ctx, uint8_t *b, size_t len, uint32_t timeout)
{
	module *m = ctx;
	if (m->mode == XMODEM) {
		const uint8_t *p;
		uint64_t dl = simx_next_deadline(&m->x);
		if (m->out_pos == m->out_len && dl != SIMX_NO_DEADLINE && dl - m->clock <= timeout) {
			m->clock = (uint32_t)dl;
			simx_tick(&m->x, m->clock);
		}
		size_t k = simx_output(&m->x, &p);
		for (size_t i = 0; i < k && m->out_len < sizeof m->out; i++)
			m->out[m->out_len++] = (char)p[i];
		simx_output_consume(&m->x, k);
		window_end(m);
	}
	if (m->out_pos == m->out_len) {
		m->out_pos = m->out_len = 0;
		if (m->pending_baud) {
			m->module_baud = m->pending_baud;
			m->pending_baud = 0;
		}
		m->clock += timeout;
		return 0;
	}
	size_t n = m->out_len - m->out_pos;
	if (n > len)
		n = len;
	memcpy(b, m->out + m->out_pos, n);
	m->out_pos += n;
	m->clock += 1;
	if (m->module_baud != m->host_baud || m->host_baud == m->dead_baud)
		memset(b, 0xF0, n); /* a speed mismatch garbles the line */
	return (int)n;
}

static uint32_t m_now(void *ctx)
{
	return ((module *)ctx)->clock;
}

static int m_baud(void *ctx, uint32_t baud)
{
	((module *)ctx)->host_baud = baud;
	return SARAFW_OK;
}

static uint8_t pkg[65000];

static int read_pkg(void *ctx, uint32_t off, uint8_t *buf, size_t len)
{
	(void)ctx;
	memcpy(buf, pkg + off, len);
	return (int)len;
}

typedef struct {
	uint32_t last_done;
	int phases;
} prog;

static void on_progress(void *ctx, sarafw_foat_phase ph, uint32_t done, uint32_t total)
{
	prog *p = ctx;
	(void)total;
	p->phases |= 1 << ph;
	if (ph == SARAFW_FOAT_TRANSFER) {
		assert_true(done >= p->last_done); /* never goes backwards */
		p->last_done = done;
	}
}

typedef struct {
	module m;
	sarafw_port port;
	sarafw_dev dev;
	char line[256];
	uint8_t buf[SARAFW_XMODEM_BUF_1K];
	prog p;
	sarafw_foat_config fc;
} rig;

static void rig_up(rig *r, const char *variant, uint32_t size, uint16_t block)
{
	memset(r, 0, sizeof *r);
	r->m.module_baud = r->m.host_baud = 115200;
	r->m.sink_fail_at = -1;
	r->m.clock = 0xFFFF0000u; /* wraps during the transfer */
	r->port = (sarafw_port){ .ctx = &r->m, .write = m_write, .read = m_read, .now_ms = m_now,
				 .set_baud = m_baud };
	sarafw_dev_config cfg = { .port = &r->port, .line_buf = r->line, .line_buf_size = sizeof r->line };
	assert_int_equal(sarafw_dev_init(&r->dev, &cfg), SARAFW_OK);
	r->dev.variant = sarafw_variant_by_name(variant);
	assert_non_null(r->dev.variant);
	r->m.r410 = r->dev.variant->family != SARAFW_FAMILY_R422;
	for (size_t i = 0; i < sizeof pkg; i++)
		pkg[i] = (uint8_t)(i * 7 + (i >> 8));
	r->fc = (sarafw_foat_config){ .size = size, .read = read_pkg, .block_size = block, .buf = r->buf,
				      .buf_size = sizeof r->buf, .host_baud = 115200,
				      .progress = on_progress, .progress_ctx = &r->p };
}

static void assert_stored(const rig *r, uint32_t size, uint16_t block)
{
	assert_true(r->m.fota_len >= size);
	assert_true(r->m.fota_len - size < block);
	assert_memory_equal(r->m.fota, pkg, size);
	for (uint32_t i = size; i < r->m.fota_len; i++)
		assert_int_equal(r->m.fota[i], 0x1A); /* §5.1: padding is kept */
}

static void test_r422_xmodem1k(void **state)
{
	(void)state;
	rig r;
	rig_up(&r, "SARA-R422S", 65000, 1024);
	assert_int_equal(sarafw_foat_xmodem(&r.dev, &r.fc, NULL), SARAFW_OK);
	assert_stored(&r, 65000, 1024);
	assert_true(r.m.x.stats.crc_mode); /* data started inside the 'C' window */
	assert_int_equal(r.dev.guard, SARAFW_DL_NONE);
	assert_int_equal(r.p.last_done, 65000);
	assert_true(r.p.phases & (1 << SARAFW_FOAT_DONE));
	assert_int_equal(r.m.commands_in_window, 0);
}

static void test_r422_xmodem128(void **state)
{
	(void)state;
	rig r;
	rig_up(&r, "SARA-R422", 1000, 128);
	assert_int_equal(sarafw_foat_xmodem(&r.dev, &r.fc, NULL), SARAFW_OK);
	assert_stored(&r, 1000, 128);
	assert_int_equal(r.m.x.stats.blocks_1k, 0);
}

static void test_r422_small_buffer(void **state)
{
	(void)state;
	rig r;
	/* blocks made in SARAFW_XMODEM_BUF_MIN-byte pieces through the device */
	rig_up(&r, "SARA-R422S", 5000, 1024);
	r.fc.buf_size = SARAFW_XMODEM_BUF_MIN;
	assert_int_equal(sarafw_foat_xmodem(&r.dev, &r.fc, NULL), SARAFW_OK);
	assert_stored(&r, 5000, 1024);
	assert_int_equal(r.m.commands_in_window, 0);
}

static void test_r410_silent_end(void **state)
{
	(void)state;
	rig r;
	rig_up(&r, "SARA-R410M-02B-03", 5000, 1024);
	assert_int_equal(sarafw_foat_xmodem(&r.dev, &r.fc, NULL), SARAFW_OK);
	assert_stored(&r, 5000, 1024);
	/* the host waited for the window to close before sending AT again */
	assert_int_equal(r.m.commands_in_window, 0);
}

static void test_refused(void **state)
{
	(void)state;
	rig r;
	rig_up(&r, "SARA-R410M-02B-03", 5000, 1024);
	r.m.refuse = "\r\n+CME ERROR: FOTA memory is in use\r\n";
	assert_int_equal(sarafw_foat_xmodem(&r.dev, &r.fc, NULL), SARAFW_EERROR);
	assert_string_equal(sarafw_dev_last_error(&r.dev, NULL), "+CME ERROR: FOTA memory is in use");
	assert_int_equal(r.dev.guard, SARAFW_DL_NONE);
}

static void test_baud_switch_and_back(void **state)
{
	(void)state;
	rig r;
	rig_up(&r, "SARA-R422M8S", 20000, 1024);
	r.fc.baud = 3000000;
	assert_int_equal(sarafw_foat_xmodem(&r.dev, &r.fc, NULL), SARAFW_OK);
	assert_stored(&r, 20000, 1024);
	assert_int_equal(r.m.transfer_baud, 3000000);
	assert_int_equal(r.m.module_baud, 115200);
	assert_int_equal(r.m.host_baud, 115200);
	assert_true(r.p.phases & (1 << SARAFW_FOAT_BAUD));
	assert_true(r.p.phases & (1 << SARAFW_FOAT_STORED));

	/* §5.1.1's additional rate is for the SARA-R422 family only */
	rig_up(&r, "SARA-R410M-02B-03", 20000, 1024);
	r.fc.baud = 921600;
	assert_int_equal(sarafw_foat_xmodem(&r.dev, &r.fc, NULL), SARAFW_ENOTSUP);
	assert_int_equal(r.m.ufwupd_count, 0);
	assert_int_equal(r.m.module_baud, 115200);
}

typedef struct {
	int stored, done;
} ends;

static void on_end(void *ctx, sarafw_foat_phase ph, uint32_t done, uint32_t total)
{
	ends *e = ctx;
	(void)done;
	(void)total;
	e->stored += ph == SARAFW_FOAT_STORED;
	e->done += ph == SARAFW_FOAT_DONE;
}

/* An adapter that cannot do the rate, a module that keeps its rate, and a
 * module that will not come back: each is told apart, and the module is
 * never left at a rate the host does not know about without saying so. */
static void test_baud_switch_failures(void **state)
{
	(void)state;
	rig r;
	ends e = { 0 };

	/* the adapter garbles 3 Mbit/s: nothing sent, the module stuck there */
	rig_up(&r, "SARA-R422S", 5000, 1024);
	r.fc.baud = 3000000;
	r.m.dead_baud = 3000000;
	assert_int_equal(sarafw_foat_xmodem(&r.dev, &r.fc, NULL), SARAFW_EBAUDBACK);
	assert_int_equal(r.m.ufwupd_count, 0);
	assert_int_equal(r.m.fota_len, 0);
	assert_int_equal(r.m.module_baud, 3000000);
	assert_int_equal(r.m.host_baud, 115200);
	assert_false(r.p.phases & (1 << SARAFW_FOAT_STORED));

	/* the module says OK to +IPR but stays: the host finds it again */
	rig_up(&r, "SARA-R422S", 5000, 1024);
	r.fc.baud = 921600;
	r.m.ignore_ipr = true;
	assert_int_equal(sarafw_foat_xmodem(&r.dev, &r.fc, NULL), SARAFW_EBAUD);
	assert_int_equal(r.m.ufwupd_count, 0);
	assert_int_equal(r.m.module_baud, 115200);
	assert_int_equal(r.m.host_baud, 115200);

	/* the package arrives, then the module refuses to go back */
	rig_up(&r, "SARA-R422", 5000, 1024);
	r.fc.baud = 921600;
	r.fc.progress = on_end;
	r.fc.progress_ctx = &e;
	r.m.refuse_ipr_back = true;
	assert_int_equal(sarafw_foat_xmodem(&r.dev, &r.fc, NULL), SARAFW_EBAUDBACK);
	assert_stored(&r, 5000, 1024);
	assert_int_equal(e.stored, 1); /* the caller knows the package is there */
	assert_int_equal(e.done, 0);
	assert_int_equal(r.m.module_baud, 921600);
	assert_int_equal(r.dev.guard, SARAFW_DL_NONE);
}

static void test_module_cancels(void **state)
{
	(void)state;
	rig r;
	rig_up(&r, "SARA-R422S", 30000, 1024);
	r.m.sink_fail_at = 10240; /* the FOTA area fails after 10 blocks */
	int rc = sarafw_foat_xmodem(&r.dev, &r.fc, NULL);
	assert_int_equal(rc, SARAFW_ECANCEL);
	assert_int_equal(r.dev.guard, SARAFW_DL_NONE);
	assert_true(r.p.last_done <= 10240);
	/* the module answered ERROR and is back in command mode */
	assert_int_equal(r.m.mode, AT_MODE);
}

static void test_bad_config(void **state)
{
	(void)state;
	rig r;
	rig_up(&r, "SARA-R422S", 100, 1024);
	r.fc.buf_size = SARAFW_XMODEM_BUF_MIN - 1; /* too small */
	assert_int_equal(sarafw_foat_xmodem(&r.dev, &r.fc, NULL), SARAFW_EINVAL);
	r.fc.buf_size = sizeof r.buf;
	r.fc.block_size = 512;
	assert_int_equal(sarafw_foat_xmodem(&r.dev, &r.fc, NULL), SARAFW_EINVAL);
	r.fc.block_size = 1024;
	r.dev.variant = NULL;
	assert_int_equal(sarafw_foat_xmodem(&r.dev, &r.fc, NULL), SARAFW_ENOTSUP);
	assert_int_equal(r.m.ufwupd_count, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_r422_xmodem1k),  cmocka_unit_test(test_r422_xmodem128),
		cmocka_unit_test(test_r410_silent_end), cmocka_unit_test(test_refused),
		cmocka_unit_test(test_baud_switch_and_back), cmocka_unit_test(test_module_cancels),
		cmocka_unit_test(test_bad_config), cmocka_unit_test(test_baud_switch_failures),
		cmocka_unit_test(test_r422_small_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

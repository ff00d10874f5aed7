/* The install flow (note §6) against a scripted module on a fake clock:
 * progress URCs and each Table 5 code, the code that comes at 115200,
 * SARA-R410M silence, the install bound, the "installing" record set and
 * cleared, a host that stops waiting (no abort, no reset) and one that
 * reboots and resumes the wait. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sarafw/error.h"
#include "sarafw/install.h"

#define S 1000u
#define MIN (60u * S)

enum { AT_MODE, INSTALL, DEAD };

typedef struct {
	uint32_t clock;
	uint32_t ipr;          /* the module's +IPR rate */
	uint32_t host_baud;
	int mode;
	bool r410;             /* no URCs (§6.2) */
	bool package;          /* the FOTA area holds one */
	bool never_back;       /* the install never ends */
	unsigned code;         /* the final code to send (128: success) */
	const char *const *lines; /* instead of the progress: these raw lines, then the code */
	uint32_t step_ms;      /* between progress URCs */
	uint32_t install_ms;   /* R410: how long the install takes */
	uint32_t urc_baud;     /* the rate +UFWINSTALL asked for */
	int urc_port;
	/* the install's script position and timing */
	int next_urc;
	bool installing_now;   /* before the final code */
	uint32_t next_at;
	char version[48];      /* ATI9's pair */
	const char *new_version;
	char cmd[64];
	size_t cmd_len;
	char out[1024];
	uint32_t out_rate[1024];
	size_t out_len, out_pos;
	char last_install_cmd[64];
	int traffic_in_install; /* bytes the host sent while no AT was possible */
	int resets;
	int ufotastat_on, ulwm2mstat_on, backups;
	/* the host's storage */
	uint8_t rec[64];
	int rec_len;
	int saves;
	int saved_installing; /* saves that said installing */
} module;

static void say_at(module *m, uint32_t rate, const char *s)
{
	size_t n = strlen(s);
	assert_true(m->out_len + n <= sizeof m->out);
	for (size_t i = 0; i < n; i++) {
		m->out[m->out_len] = s[i];
		m->out_rate[m->out_len++] = rate;
	}
}

static void say(module *m, const char *s)
{
	say_at(m, m->ipr, s);
}

static const unsigned progress_steps[] = { 1, 3, 7, 20, 45, 70, 92, 100 };
#define N_STEPS (sizeof progress_steps / sizeof progress_steps[0])

static uint32_t code_rate(const module *m, unsigned code)
{
	const sarafw_install_code *c = sarafw_install_code_find(code);
	return c && c->primary_115200 ? 115200u : m->urc_baud;
}

/* The install's script, run as the clock passes. */
static void run_install(module *m)
{
	char line[48];
	while (m->mode == INSTALL && !m->never_back && (int32_t)(m->clock - m->next_at) >= 0) {
		if (m->r410) {
			m->mode = AT_MODE;
			if (m->code == SARAFW_INSTALL_OK_CODE)
				snprintf(m->version, sizeof m->version, "%s", m->new_version);
			return;
		}
		size_t n_lines = 0;
		if (m->lines)
			while (m->lines[n_lines])
				n_lines++;
		size_t n = m->lines ? n_lines : N_STEPS;
		if ((size_t)m->next_urc < n) {
			if (m->lines) {
				snprintf(line, sizeof line, "\r\n%s\r\n", m->lines[m->next_urc]);
			} else {
				snprintf(line, sizeof line, "\r\n+UFWINSTALL: %u\r\n", progress_steps[m->next_urc]);
			}
			if (m->urc_port == 1)
				say_at(m, m->urc_baud, line);
		} else if ((size_t)m->next_urc == n) {
			m->installing_now = false;
			snprintf(line, sizeof line, "\r\n+UFWINSTALL: %u\r\n", m->code);
			const sarafw_install_code *t = sarafw_install_code_find(m->code);
			if (m->urc_port == 1 || (t && t->primary_115200)) /* Table 5: the primary UART */
				say_at(m, code_rate(m, m->code), line);
		} else {
			/* rebooted into the new (or old) firmware */
			m->mode = AT_MODE;
			if (m->code == SARAFW_INSTALL_OK_CODE)
				snprintf(m->version, sizeof m->version, "%s", m->new_version);
			return;
		}
		/* the reboot after the code is quicker than a step */
		m->next_at += (size_t)m->next_urc == n ? 5 * S : m->step_ms;
		m->next_urc++;
	}
}

static void command(module *m, const char *cmd)
{
	if (m->mode != AT_MODE) {
		m->traffic_in_install += m->r410 || m->installing_now;
		return;
	}
	if (m->host_baud != m->ipr)
		return; /* garbled: not understood */
	if (strcmp(cmd, "AT") == 0) {
		say(m, "\r\nOK\r\n");
	} else if (strcmp(cmd, "ATI9") == 0) {
		say(m, "\r\n");
		say(m, m->version);
		say(m, "\r\n\r\nOK\r\n");
	} else if (strcmp(cmd, "AT+CGMR") == 0) {
		char v[48];
		snprintf(v, sizeof v, "%s", m->version);
		char *comma = strchr(v, ',');
		if (comma)
			*comma = '\0';
		say(m, "\r\n");
		say(m, v);
		say(m, " [Oct 08 2020 15:00:01]\r\n\r\nOK\r\n");
	} else if (strncmp(cmd, "AT+UFWINSTALL", 13) == 0) {
		snprintf(m->last_install_cmd, sizeof m->last_install_cmd, "%s", cmd);
		if (!m->package) {
			say(m, "\r\n+CME ERROR: operation not allowed\r\n");
			return;
		}
		m->urc_port = 1;
		m->urc_baud = m->ipr;
		if (cmd[13] == '=') {
			char *end;
			m->urc_port = (int)strtol(cmd + 14, &end, 10);
			if (*end == ',')
				m->urc_baud = (uint32_t)strtoul(end + 1, NULL, 10);
		}
		say(m, "\r\nOK\r\n");
		m->mode = INSTALL;
		m->installing_now = true;
		m->next_urc = 0;
		m->next_at = m->clock + (m->r410 ? m->install_ms : m->step_ms);
	} else if (strcmp(cmd, "AT+UFOTASTAT=1") == 0) {
		m->ufotastat_on++;
		say(m, "\r\nOK\r\n");
	} else if (strcmp(cmd, "AT+ULWM2MSTAT=1") == 0) {
		m->ulwm2mstat_on++;
		say(m, "\r\nOK\r\n");
	} else if (strcmp(cmd, "AT+UBKUPDATA") == 0) {
		m->backups++;
		say(m, "\r\nOK\r\n");
	} else {
		say(m, "\r\nERROR\r\n");
	}
}

static int m_write(void *ctx, const uint8_t *b, size_t n)
{
	module *m = ctx;
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

static int m_read(void *ctx, uint8_t *b, size_t len, uint32_t timeout)
{
	module *m = ctx;
	run_install(m);
	if (m->out_pos == m->out_len) {
		uint32_t step = timeout;
		m->out_pos = m->out_len = 0;
		if (m->mode == INSTALL && !m->never_back && m->next_at - m->clock < step)
			step = m->next_at - m->clock;
		m->clock += step ? step : 1;
		run_install(m);
		if (m->out_pos == m->out_len)
			return 0;
	}
	size_t n = 0;
	/* one read takes bytes of one rate */
	uint32_t rate = m->out_rate[m->out_pos];
	while (n < len && m->out_pos < m->out_len && m->out_rate[m->out_pos] == rate) {
		b[n++] = rate == m->host_baud ? (uint8_t)m->out[m->out_pos] : 0xF0;
		m->out_pos++;
	}
	m->clock += 1;
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

static int m_reset(void *ctx)
{
	((module *)ctx)->resets++;
	return SARAFW_OK;
}

static int m_save(void *ctx, const void *rec, size_t len)
{
	module *m = ctx;
	sarafw_persist p;
	assert_true(len <= sizeof m->rec);
	memcpy(m->rec, rec, len);
	m->rec_len = (int)len;
	m->saves++;
	assert_int_equal(sarafw_persist_decode(&p, m->rec, len), SARAFW_OK);
	m->saved_installing += p.state == SARAFW_PERSIST_INSTALLING;
	return SARAFW_OK;
}

static int m_load(void *ctx, void *rec, size_t len)
{
	module *m = ctx;
	size_t n = (size_t)m->rec_len < len ? (size_t)m->rec_len : len;
	memcpy(rec, m->rec, n);
	return (int)n;
}

typedef struct {
	unsigned percents[32];
	int n_percents;
	int results;
	int waits, boots;
	uint32_t bauds[8];
	int n_bauds;
	sarafw_dev *dev;
	int reset_tries, reset_refused;
	int stop_at_percent; /* the host "stops" (Ctrl-C) at this progress, 0 never */
	bool stopped;
} prog;

static void on_progress(void *ctx, sarafw_install_phase ph, uint32_t value, uint32_t total)
{
	prog *p = ctx;
	(void)total;
	switch (ph) {
	case SARAFW_INSTALL_PROGRESS:
		if (p->n_percents > 0)
			assert_true(value >= p->percents[p->n_percents - 1]); /* never backwards */
		if (p->n_percents < 32)
			p->percents[p->n_percents++] = value;
		/* whatever the application tries meanwhile: no reset */
		p->reset_tries++;
		p->reset_refused += sarafw_dev_reset(p->dev) == SARAFW_EINSTALL;
		if (p->stop_at_percent && (int)value >= p->stop_at_percent)
			p->stopped = true;
		break;
	case SARAFW_INSTALL_RESULT:
		p->results++;
		break;
	case SARAFW_INSTALL_WAIT:
		p->waits++;
		break;
	case SARAFW_INSTALL_BOOT:
		p->boots++;
		break;
	case SARAFW_INSTALL_BAUD:
		if (p->n_bauds < 8)
			p->bauds[p->n_bauds++] = value;
		break;
	default:
		break;
	}
}

typedef struct {
	module m;
	sarafw_port port;
	sarafw_dev dev;
	char line[128];
	char version[48];
	prog p;
	sarafw_install_config cfg;
} rig;

/* TEST_INSTALL_TRACE=1 prints the conversation. */
static void trace(void *ctx, char dir, const char *data, size_t len)
{
	module *m = ctx;
	fprintf(stderr, "%u %c %.*s\n", m->clock, dir, (int)len, data);
}

static void rig_dev(rig *r, const char *variant)
{
	sarafw_dev_config dc = { .port = &r->port, .line_buf = r->line, .line_buf_size = sizeof r->line };
	if (getenv("TEST_INSTALL_TRACE")) {
		dc.trace = trace;
		dc.trace_ctx = &r->m;
	}
	assert_int_equal(sarafw_dev_init(&r->dev, &dc), SARAFW_OK);
	r->dev.variant = sarafw_variant_by_name(variant);
	assert_non_null(r->dev.variant);
	memset(&r->p, 0, sizeof r->p);
	r->p.dev = &r->dev;
}

static void rig_up(rig *r, const char *variant)
{
	memset(r, 0, sizeof *r);
	r->m.ipr = r->m.host_baud = 115200;
	r->m.clock = 0xFFFFF000u; /* wraps during the install */
	r->m.package = true;
	r->m.code = SARAFW_INSTALL_OK_CODE;
	r->m.step_ms = 20 * S;
	r->m.install_ms = 5 * MIN;
	snprintf(r->m.version, sizeof r->m.version, "00.12,A00.01");
	r->m.new_version = "00.13,A00.02";
	r->port = (sarafw_port){ .ctx = &r->m, .write = m_write, .read = m_read, .now_ms = m_now,
				 .set_baud = m_baud, .reset = m_reset, .save_state = m_save, .load_state = m_load };
	rig_dev(r, variant);
	r->m.r410 = r->dev.variant->family != SARAFW_FAMILY_R422;
	if (r->m.r410) {
		snprintf(r->m.version, sizeof r->m.version, "L0.0.00.00.05.12,A.02.19");
		r->m.new_version = "L0.0.00.00.05.13,A.02.21";
	}
	r->cfg = (sarafw_install_config){ .host_baud = 115200, .port = SARAFW_INSTALL_PORT_UART, .baud = 115200,
					  .version = r->version, .version_size = sizeof r->version,
					  .urcs = SARAFW_URC_UFOTASTAT | SARAFW_URC_ULWM2MSTAT,
					  .method = SARAFW_DL_UDWNFILE, .progress = on_progress,
					  .progress_ctx = &r->p };
}

static sarafw_persist_state stored_state(rig *r)
{
	sarafw_persist rec;
	assert_int_equal(sarafw_dev_load_state(&r->dev, &rec), SARAFW_OK);
	return rec.state;
}

/* The engine through the device, as sarafw_install() runs it, but the
 * host may stop waiting (p.stop_at_percent) as a Ctrl-C would. */
static int run(rig *r, sarafw_installer *in)
{
	int rc = sarafw_install_start(in, &r->dev, &r->cfg, r->m.clock);
	if (rc)
		return rc;
	do {
		if (r->p.stopped)
			return SARAFW_RUNNING;
		rc = sarafw_dev_step(&r->dev, &sarafw_install_engine, in, UINT32_MAX);
	} while (rc == SARAFW_RUNNING);
	return rc;
}

static void test_r422_progress_success(void **state)
{
	(void)state;
	rig r;
	unsigned code = 0;
	rig_up(&r, "SARA-R422S");
	r.cfg.expect = "00.13,A00.02";
	assert_int_equal(sarafw_install(&r.dev, &r.cfg, &code), SARAFW_OK);
	assert_int_equal(code, 128);
	assert_string_equal(r.m.last_install_cmd, "AT+UFWINSTALL=1,115200");
	assert_int_equal(r.p.n_percents, (int)N_STEPS);
	assert_int_equal(r.p.percents[N_STEPS - 1], 100);
	assert_int_equal(r.p.results, 1);
	assert_string_equal(r.version, "00.13,A00.02");
	/* no AT while the URCs came, no reset although the application tried */
	assert_int_equal(r.m.traffic_in_install, 0);
	assert_int_equal(r.m.resets, 0);
	assert_int_equal(r.p.reset_refused, r.p.reset_tries);
	assert_true(r.p.reset_tries > 0);
	/* the record: installing before the command, idle at the end */
	assert_int_equal(r.m.saved_installing, 1);
	assert_int_equal(stored_state(&r), SARAFW_PERSIST_IDLE);
	assert_false(r.dev.installing);
	/* §2.6.1 URCs back on; §6.3: the family backs up by itself */
	assert_int_equal(r.m.ufotastat_on, 1);
	assert_int_equal(r.m.ulwm2mstat_on, 1);
	assert_int_equal(r.m.backups, 0);
	/* the modem version alone matches too */
	rig_up(&r, "SARA-R422");
	r.cfg.expect = "00.13";
	r.cfg.port = SARAFW_INSTALL_PORT_OMIT;
	r.cfg.baud = 0;
	sarafw_installer in;
	assert_int_equal(run(&r, &in), SARAFW_OK);
	assert_string_equal(r.m.last_install_cmd, "AT+UFWINSTALL");
	assert_int_equal(sarafw_install_warnings(&in), 0);
	assert_int_equal(sarafw_install_result(&in), 128);
}

/* Every Table 5 code but success: reported, the old firmware runs, the
 * module is found again and the record cleared. */
static void test_r422_failure_codes(void **state)
{
	(void)state;
	static const unsigned fails[] = { 129, 130, 131, 132, 134, 140, 141, 144, 148, 158, 160,
					  168, 173, 174, 178, 180, 195, 224, 227, 247, 250 };
	for (size_t i = 0; i < sizeof fails / sizeof fails[0]; i++) {
		rig r;
		unsigned code = 0;
		rig_up(&r, "SARA-R422S");
		r.m.code = fails[i];
		r.cfg.expect = "00.13,A00.02";
		assert_int_equal(sarafw_install(&r.dev, &r.cfg, &code), SARAFW_EFWINSTALL);
		assert_int_equal(code, fails[i]);
		assert_string_equal(r.version, "00.12,A00.01"); /* the old firmware */
		assert_int_equal(stored_state(&r), SARAFW_PERSIST_IDLE);
		assert_int_equal(r.m.ufotastat_on, 0); /* nothing new runs */
		assert_int_equal(r.m.resets, 0);
		/* the table knows every code the note lists; 250 it does not */
		const sarafw_install_code *c = sarafw_install_code_find(fails[i]);
		if (fails[i] == 250) {
			assert_null(c);
		} else {
			assert_non_null(c);
			assert_int_equal(c->code, fails[i]);
			assert_true(c->meaning[0]);
			assert_int_not_equal(c->next, SARAFW_NEXT_NONE);
			assert_int_equal(c->primary_115200, fails[i] >= 130 && fails[i] <= 132);
		}
		assert_non_null(sarafw_install_next_text(c ? (sarafw_install_next)c->next : SARAFW_NEXT_SUPPORT));
	}
	assert_int_equal(sarafw_install_code_find(128)->next, SARAFW_NEXT_NONE);
	assert_non_null(sarafw_install_next_text((sarafw_install_next)99));
}

/* The URCs at another rate than the host's; the final code of Table 5's
 * third column at 115200 whatever was set. */
static void test_rates(void **state)
{
	(void)state;
	rig r;
	unsigned code;
	/* URCs at 230400 while the line runs at 115200: the host follows and comes back */
	rig_up(&r, "SARA-R422M8S");
	r.cfg.baud = 230400;
	r.cfg.expect = "00.13,A00.02";
	assert_int_equal(sarafw_install(&r.dev, &r.cfg, &code), SARAFW_OK);
	assert_int_equal(code, 128);
	assert_string_equal(r.m.last_install_cmd, "AT+UFWINSTALL=1,230400");
	assert_int_equal(r.p.n_percents, (int)N_STEPS);
	assert_int_equal(r.m.host_baud, 115200);
	assert_int_equal(r.p.bauds[0], 230400);
	assert_int_equal(r.p.bauds[r.p.n_bauds - 1], 115200);

	/* the line at 460800 (the transfer's rate, kept by +IPR); the URCs
	 * asked at 115200, where code 130 comes whatever was set: the host
	 * listens there, then goes home */
	rig_up(&r, "SARA-R422S");
	r.m.ipr = r.m.host_baud = 460800;
	r.cfg.host_baud = 460800;
	r.m.code = 130;
	assert_int_equal(sarafw_install(&r.dev, &r.cfg, &code), SARAFW_EFWINSTALL);
	assert_string_equal(r.m.last_install_cmd, "AT+UFWINSTALL=1,115200");
	assert_int_equal(code, 130);
	assert_int_equal(r.p.n_percents, (int)N_STEPS);
	assert_int_equal(r.m.host_baud, 460800);
	assert_int_equal(r.p.bauds[0], 115200);
	assert_int_equal(r.p.bauds[r.p.n_bauds - 1], 460800);
	assert_int_equal(stored_state(&r), SARAFW_PERSIST_IDLE);

	/* URCs asked at 230400 and code 130 at 115200: that line is lost on
	 * the wire; the garbage sends the host to 115200, the check loop
	 * finds the module and the version tells the install failed */
	rig_up(&r, "SARA-R422S");
	r.cfg.baud = 230400;
	r.cfg.expect = "00.13,A00.02";
	r.m.code = 130;
	sarafw_installer in;
	assert_int_equal(run(&r, &in), SARAFW_EVERSION);
	assert_int_equal(sarafw_install_result(&in), 0);
	assert_true(sarafw_install_warnings(&in) & SARAFW_INSTALL_W_NO_RESULT);
	assert_string_equal(r.version, "00.12,A00.01");
	assert_int_equal(r.m.host_baud, 115200);
	assert_int_equal(stored_state(&r), SARAFW_PERSIST_IDLE);

	/* a rate §6.1.2 does not list, a port it does not know */
	rig_up(&r, "SARA-R422S");
	r.cfg.baud = 921600;
	assert_int_equal(sarafw_install(&r.dev, &r.cfg, NULL), SARAFW_EINVAL);
	r.cfg.baud = 115200;
	r.cfg.port = 3;
	assert_int_equal(sarafw_install(&r.dev, &r.cfg, NULL), SARAFW_EINVAL);
	assert_int_equal(r.m.last_install_cmd[0], '\0');
	assert_int_equal(r.m.saves, 0);
}

/* SARA-R410M: plain AT+UFWINSTALL, OK, silence; the check loop finds it
 * again; +CGMR names the version; §6.3's backup where the version has
 * Backup & Restore. */
static void test_r410_silence(void **state)
{
	(void)state;
	rig r;
	sarafw_installer in;
	rig_up(&r, "SARA-R410M-02B-03");
	r.cfg.expect = "L0.0.00.00.05.13";
	uint32_t t0 = r.m.clock;
	assert_int_equal(run(&r, &in), SARAFW_OK);
	assert_string_equal(r.m.last_install_cmd, "AT+UFWINSTALL");
	assert_int_equal(sarafw_install_result(&in), 0); /* §6.2: no result code */
	assert_int_equal(sarafw_install_warnings(&in), 0);
	assert_string_equal(r.version, "L0.0.00.00.05.13,A.02.21");
	assert_true(r.p.waits > 1); /* elapsed time reported between checks */
	assert_true(r.m.clock - t0 >= r.m.install_ms);
	assert_true(r.m.clock - t0 < r.m.install_ms + SARAFW_INSTALL_POLL_MS + 2 * SARAFW_INSTALL_CHECK_MS);
	assert_int_equal(r.m.backups, 1);
	assert_int_equal(r.m.ufotastat_on, 1);
	assert_int_equal(r.m.ulwm2mstat_on, 1);
	assert_int_equal(stored_state(&r), SARAFW_PERSIST_IDLE);
	assert_int_equal(r.m.resets, 0);

	/* the pair against ATI9; no Backup & Restore on 02B-01 (§6.3), and
	 * only +ULWM2MSTAT there (Table 2) */
	rig_up(&r, "SARA-R410M-02B-01");
	r.cfg.expect = "L0.0.00.00.05.13,A.02.21";
	assert_int_equal(run(&r, &in), SARAFW_OK);
	assert_int_equal(r.m.backups, 0);
	assert_int_equal(r.m.ufotastat_on, 0);
	assert_int_equal(r.m.ulwm2mstat_on, 1);

	/* another version came up */
	rig_up(&r, "SARA-R412M-02B-03");
	r.cfg.expect = "L0.0.00.00.05.14";
	r.cfg.no_backup = true;
	assert_int_equal(run(&r, &in), SARAFW_EVERSION);
	assert_int_equal(r.m.backups, 0);
	assert_int_equal(stored_state(&r), SARAFW_PERSIST_IDLE);
}

/* A module that never comes back: the wait ends at the variant's bound
 * and the boot time, and the record still says installing (a reset may
 * be the user's call then, not the library's). */
static void test_install_bound(void **state)
{
	(void)state;
	rig r;
	rig_up(&r, "SARA-R410M-02B-03");
	r.m.never_back = true;
	uint32_t t0 = r.m.clock;
	const sarafw_variant_limits *lim = r.dev.variant->limits;
	assert_int_equal(sarafw_install(&r.dev, &r.cfg, NULL), SARAFW_ENOMODULE);
	assert_true(r.m.clock - t0 >= lim->install_max_ms);
	assert_true(r.m.clock - t0 <= lim->install_max_ms + 2 * lim->boot_ms + SARAFW_INSTALL_POLL_MS);
	assert_int_equal(stored_state(&r), SARAFW_PERSIST_INSTALLING);
	assert_int_equal(sarafw_dev_reset(&r.dev), SARAFW_EINSTALL);
	assert_int_equal(r.m.resets, 0);

	/* R422: URCs due, none come */
	rig_up(&r, "SARA-R422S");
	r.m.never_back = true;
	t0 = r.m.clock;
	assert_int_equal(sarafw_install(&r.dev, &r.cfg, NULL), SARAFW_ENOMODULE);
	assert_true(r.m.clock - t0 >= r.dev.variant->limits->install_max_ms);
	assert_int_equal(r.m.resets, 0);
}

/* SARA-R422 family with the URCs on no port, or on the AUX UART: the
 * line stays quiet and the check loop finds the module, as on SARA-R410M. */
static void test_r422_urcs_elsewhere(void **state)
{
	(void)state;
	static const uint8_t ports[] = { SARAFW_INSTALL_PORT_NONE, SARAFW_INSTALL_PORT_AUX };
	for (size_t i = 0; i < sizeof ports; i++) {
		rig r;
		sarafw_installer in;
		rig_up(&r, "SARA-R422S");
		r.cfg.port = ports[i];
		r.cfg.expect = "00.13,A00.02";
		assert_int_equal(run(&r, &in), SARAFW_OK);
		assert_string_equal(r.m.last_install_cmd, i ? "AT+UFWINSTALL=2,115200" : "AT+UFWINSTALL=0,115200");
		assert_int_equal(r.p.n_percents, 0);
		assert_int_equal(sarafw_install_result(&in), 0);
		assert_int_equal(sarafw_install_warnings(&in), 0); /* none were due here */
		assert_true(r.p.waits > 1);
		assert_int_equal(r.m.resets, 0);
		assert_int_equal(stored_state(&r), SARAFW_PERSIST_IDLE);
	}
}

static void test_no_package(void **state)
{
	(void)state;
	rig r;
	int cme;
	rig_up(&r, "SARA-R422S");
	r.m.package = false;
	assert_int_equal(sarafw_install(&r.dev, &r.cfg, NULL), SARAFW_EERROR);
	assert_string_equal(sarafw_dev_last_error(&r.dev, &cme), "+CME ERROR: operation not allowed");
	assert_int_equal(r.m.saved_installing, 1);
	assert_int_equal(stored_state(&r), SARAFW_PERSIST_IDLE);
	assert_false(r.dev.installing);
}

/* There is no abort (note §2.4: an install cannot be cancelled). A host
 * that stops waiting leaves the module installing; the record says so
 * and nobody may reset it. A host that starts again from the record
 * resumes the wait without a command or a reset, and sees the end. */
static void test_stop_and_resume(void **state)
{
	(void)state;
	rig r;
	sarafw_installer in;
	sarafw_persist rec;
	rig_up(&r, "SARA-R422S");
	r.cfg.expect = "00.13,A00.02";
	r.p.stop_at_percent = 45;
	assert_int_equal(run(&r, &in), SARAFW_RUNNING);
	assert_int_equal(r.m.mode, INSTALL);
	assert_int_equal(sarafw_dev_reset(&r.dev), SARAFW_EINSTALL);

	/* the host reboots: a new device, nothing in RAM */
	rig_dev(&r, "SARA-R422S");
	assert_false(r.dev.installing);
	assert_int_equal(sarafw_dev_load_state(&r.dev, &rec), SARAFW_OK);
	assert_true(sarafw_persist_installing(&rec));
	assert_int_equal(rec.method, SARAFW_DL_UDWNFILE);
	assert_int_equal(rec.max_ms, r.dev.variant->limits->install_max_ms);
	assert_int_equal(sarafw_dev_reset(&r.dev), SARAFW_EINSTALL);
	r.cfg.resume = true;
	r.m.last_install_cmd[0] = '\0';
	assert_int_equal(run(&r, &in), SARAFW_OK);
	assert_int_equal(sarafw_install_result(&in), 128);
	assert_int_equal(r.m.last_install_cmd[0], '\0'); /* no second AT+UFWINSTALL */
	assert_int_equal(r.m.resets, 0);
	assert_true(r.p.n_percents >= 1);
	assert_int_equal(r.p.percents[r.p.n_percents - 1], 100);
	assert_int_equal(stored_state(&r), SARAFW_PERSIST_IDLE);
	assert_int_equal(sarafw_dev_reset(&r.dev), SARAFW_OK);
	assert_int_equal(r.m.resets, 1);

	/* the host comes back after the module finished: the check loop
	 * finds it, the version tells */
	rig_up(&r, "SARA-R422S");
	r.cfg.expect = "00.13,A00.02";
	r.p.stop_at_percent = 92;
	assert_int_equal(run(&r, &in), SARAFW_RUNNING);
	r.m.clock += 10 * MIN;
	run_install(&r.m);
	r.m.out_pos = r.m.out_len = 0; /* sent while the host was down: lost */
	assert_int_equal(r.m.mode, AT_MODE);
	rig_dev(&r, "SARA-R422S");
	r.cfg.resume = true;
	r.cfg.elapsed_ms = 10 * MIN;
	assert_int_equal(run(&r, &in), SARAFW_OK);
	assert_int_equal(sarafw_install_result(&in), 0);
	assert_true(sarafw_install_warnings(&in) & SARAFW_INSTALL_W_NO_RESULT);
	assert_string_equal(r.version, "00.13,A00.02");
	assert_int_equal(r.m.resets, 0);
}

/* The URC scanner: lines that are not a progress or result URC are not
 * taken for one. */
static void test_urc_lines(void **state)
{
	(void)state;
	static const char *const lines[] = {
		"+UFWINSTALL: (0,2),(9600,115200),,(1)", /* the test form */
		"+UFWINSTALL: 12a",
		"+UFWINSTALL:",
		"+UFWINSTALL: ",
		"X+UFWINSTALL: 128",
		"+UFWINSTALLX: 128",
		"+UUUFWINSTALL: 128",
		"+UFWINSTALL: 99999",
		"+UFWINSTALL: -5",
		"+UFWINSTALL 128",
		"+ufwinstall: 128",
		"+UFWINSTALL: 5",     /* taken */
		"+UUFWINSTALL: 60",   /* taken: §2.4 prints it so */
		"+UFWINSTALL:77",     /* taken */
		"+UFWINSTALL: 1 28",
		NULL,
	};
	rig r;
	unsigned code;
	rig_up(&r, "SARA-R422S");
	r.m.lines = lines;
	assert_int_equal(sarafw_install(&r.dev, &r.cfg, &code), SARAFW_OK);
	assert_int_equal(code, 128);
	assert_int_equal(r.p.n_percents, 3);
	assert_int_equal(r.p.percents[0], 5);
	assert_int_equal(r.p.percents[1], 60);
	assert_int_equal(r.p.percents[2], 77);
	assert_int_equal(r.p.results, 1);
}

static void test_bad_config(void **state)
{
	(void)state;
	rig r;
	sarafw_installer in;
	rig_up(&r, "SARA-R422S");
	assert_int_equal(sarafw_install_start(&in, &r.dev, NULL, 0), SARAFW_EINVAL);
	r.cfg.host_baud = 0;
	assert_int_equal(sarafw_install_start(&in, &r.dev, &r.cfg, 0), SARAFW_EINVAL);
	r.cfg.host_baud = 115200;
	r.cfg.port = SARAFW_INSTALL_PORT_OMIT; /* a rate without a port */
	assert_int_equal(sarafw_install_start(&in, &r.dev, &r.cfg, 0), SARAFW_EINVAL);
	r.cfg.port = SARAFW_INSTALL_PORT_UART;
	r.cfg.baud = 230400;
	r.port.set_baud = NULL;
	assert_int_equal(sarafw_install_start(&in, &r.dev, &r.cfg, 0), SARAFW_ENOTSUP);
	r.dev.variant = NULL;
	assert_int_equal(sarafw_install_start(&in, &r.dev, &r.cfg, 0), SARAFW_ENOTSUP);
	assert_int_equal(r.m.saves, 0);
	assert_int_equal(r.m.last_install_cmd[0], '\0');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_r422_progress_success), cmocka_unit_test(test_r422_failure_codes),
		cmocka_unit_test(test_rates),                 cmocka_unit_test(test_r410_silence),
		cmocka_unit_test(test_install_bound),         cmocka_unit_test(test_no_package),
		cmocka_unit_test(test_stop_and_resume),       cmocka_unit_test(test_urc_lines),
		cmocka_unit_test(test_bad_config),            cmocka_unit_test(test_r422_urcs_elsewhere),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

#include "modem.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "factory.h"

#define BOOT_AUDIT_MAX 50 /* per boot: a host polling with AT is not a flood */

const char *sim_cme_text(int code)
{
	switch (code) {
	case SIM_CME_NOT_ALLOWED:
		return "operation not allowed";
	case SIM_CME_NOT_SUPPORTED:
		return "operation not supported";
	case SIM_CME_MEMORY_FAILURE:
		return "memory failure";
	case SIM_CME_TEXT_TOO_LONG:
		return "text string too long";
	case SIM_CME_INCORRECT_PARAMS:
		return "incorrect parameters";
	case SIM_CME_FOTA_IN_USE:
		return "FOTA memory is in use";
	default:
		return "unknown";
	}
}

uint64_t sim_modem_now(const struct sim_modem *m)
{
	return sim_clock_now(m->clock);
}

void sim_modem_write(struct sim_modem *m, const void *p, size_t n)
{
	m->io.write(m->io.ctx, p, n);
}

static void emit_line(struct sim_modem *m, const char *pre, const char *text, size_t n)
{
	sim_log_line(m->audit, sim_modem_now(m), ">", text, n);
	if (*pre)
		sim_modem_write(m, pre, strlen(pre));
	sim_modem_write(m, text, n);
	sim_modem_write(m, "\r\n", 2);
}

static void vemit(struct sim_modem *m, const char *pre, const char *fmt, va_list ap)
{
	char buf[1200];
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof buf)
		n = sizeof buf - 1;
	emit_line(m, pre, buf, (size_t)n);
}

/* V.250 verbose: <CR><LF>text<CR><LF> for the first line of an information
 * response, text<CR><LF> for the next ones, <CR><LF>OK<CR><LF> at the end. */
void sim_modem_info(struct sim_modem *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vemit(m, m->info_open ? "" : "\r\n", fmt, ap);
	va_end(ap);
	m->info_open = true;
}

void sim_modem_urc(struct sim_modem *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vemit(m, "\r\n", fmt, ap);
	va_end(ap);
}

static void final_text(struct sim_modem *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void final_text(struct sim_modem *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vemit(m, "\r\n", fmt, ap);
	va_end(ap);
}

void sim_modem_final(struct sim_modem *m, int result)
{
	m->info_open = false;
	m->pending = false;
	if (result == SIM_OK)
		final_text(m, "OK");
	else if (result == SIM_ERROR1)
		final_text(m, "ERROR1");
	else if (result == SIM_ERROR || m->nvm.cmee == 0)
		final_text(m, "ERROR");
	else if (m->nvm.cmee == 1)
		final_text(m, "+CME ERROR: %d", result);
	else
		final_text(m, "+CME ERROR: %s", sim_cme_text(result));
}

int sim_modem_after(struct sim_modem *m, uint32_t delay_ms, sim_timer_fn fn, int arg)
{
	return sim_timer_at(&m->timers, sim_modem_now(m) + delay_ms, fn, m, arg);
}

void sim_modem_cancel(struct sim_modem *m, int timer_id)
{
	sim_timer_cancel(&m->timers, timer_id);
}

void sim_modem_take_input(struct sim_modem *m, const struct sim_input_engine *e, void *ctx)
{
	m->engine = e;
	m->engine_ctx = ctx;
}

void sim_modem_release_input(struct sim_modem *m)
{
	m->engine = NULL;
	m->engine_ctx = NULL;
	sim_atline_reset(&m->line);
}

/* Held bytes can go on: to the engine, or to the AT parser once idle. */
static bool held_ready(const struct sim_modem *m)
{
	return m->held_len && (m->engine || !m->pending);
}

bool sim_modem_wants_input(const struct sim_modem *m)
{
	return (m->engine || !m->pending) && m->held_len == 0;
}

uint64_t sim_modem_next_due(const struct sim_modem *m)
{
	uint64_t t = sim_timers_next(&m->timers);
	if (held_ready(m)) {
		/* an engine that refused bytes gets them again 1 ms later */
		uint64_t soon = m->engine ? sim_modem_now(m) + 1 : 0;
		return soon < t ? soon : t;
	}
	return t;
}

void sim_modem_tick(struct sim_modem *m)
{
	sim_timers_run(&m->timers, sim_modem_now(m));
	if (held_ready(m)) {
		uint8_t buf[sizeof m->held];
		size_t n = m->held_len;
		memcpy(buf, m->held, n);
		m->held_len = 0;
		sim_modem_input(m, buf, n);
	}
}

int sim_modem_save_nvm(struct sim_modem *m)
{
	struct sim_kv kv;
	const struct sim_nvm *n = &m->nvm;
	char cpms[16];
	sim_kv_clear(&kv);
	sim_kv_set_long(&kv, "echo", n->echo);
	sim_kv_set_long(&kv, "cmee", n->cmee);
	sim_kv_set_long(&kv, "ipr", (long)n->ipr);
	sim_kv_set_long(&kv, "csgt_mode", n->csgt_mode);
	sim_kv_set(&kv, "csgt_text", n->csgt_text);
	sim_kv_set_long(&kv, "mno_profile", n->mno_profile);
	snprintf(cpms, sizeof cpms, "%s,%s,%s", n->cpms[0], n->cpms[1], n->cpms[2]);
	sim_kv_set(&kv, "cpms", cpms);
	return sim_kv_save(m->flash, "nvm", &kv) == 0 ? SIM_OK : SIM_CME_MEMORY_FAILURE;
}

static void load_nvm(struct sim_modem *m, const struct sim_kv *kv)
{
	struct sim_nvm *n = &m->nvm;
	const char *s;
	n->echo = sim_kv_get_long(kv, "echo", 1) != 0;
	n->cmee = (int)sim_kv_get_long(kv, "cmee", 0);
	if (n->cmee < 0 || n->cmee > 2)
		n->cmee = 0;
	n->ipr = (uint32_t)sim_kv_get_long(kv, "ipr", 115200);
	if (!sim_variant_ipr_ok(m->v, n->ipr))
		n->ipr = 115200;
	n->csgt_mode = sim_kv_get_long(kv, "csgt_mode", 0) == 1;
	s = sim_kv_get(kv, "csgt_text");
	snprintf(n->csgt_text, sizeof n->csgt_text, "%s", s ? s : "");
	n->mno_profile = (int)sim_kv_get_long(kv, "mno_profile", sim_factory_mno_profile(m->v));
	s = sim_kv_get(kv, "cpms");
	for (int i = 0; i < 3; i++) {
		const char *mem = "ME";
		if (s && strlen(s) >= (size_t)(i * 3 + 2) && strncmp(s + i * 3, "SM", 2) == 0)
			mem = "SM";
		memcpy(n->cpms[i], mem, 3);
	}
}

static void boot_done(void *ctx, int arg)
{
	struct sim_modem *m = ctx;
	(void)arg;
	m->power = SIM_POWER_ON;
	sim_log_line(m->audit, sim_modem_now(m), "#", "boot done", 9);
	/* +CSGT: the greeting text is shown at power on */
	if (m->nvm.csgt_mode == 1)
		sim_modem_urc(m, "%s", m->nvm.csgt_text);
	sim_network_boot_done(m);
}

static int load_flash(struct sim_modem *m)
{
	struct sim_kv kv;
	const char *s;
	int rc = sim_kv_load(m->flash, "nvm", &kv);
	if (rc < 0)
		sim_factory_nvm(m->v, &kv); /* lost NVM: factory values, as after a reset */
	load_nvm(m, &kv);
	rc = sim_kv_load(m->flash, "identity", &kv);
	if (rc < 0)
		return rc;
	s = sim_kv_get(&kv, "imei");
	snprintf(m->imei, sizeof m->imei, "%s", s ? s : "");
	rc = sim_kv_load(m->flash, "firmware", &kv);
	if (rc < 0)
		return rc;
	s = sim_kv_get(&kv, "modem_version");
	snprintf(m->fw_modem, sizeof m->fw_modem, "%s", s ? s : m->v->id.modem_fw);
	s = sim_kv_get(&kv, "app_version");
	snprintf(m->fw_app, sizeof m->fw_app, "%s", s ? s : m->v->id.app_fw);
	return 0;
}

void sim_modem_reboot(struct sim_modem *m)
{
	sim_timers_clear(&m->timers);
	m->engine = NULL;
	sim_ufwupd_power_on(m); /* note §5.1: normal mode after a power loss */
	m->pending = false;
	m->held_len = 0;
	m->info_open = false;
	sim_atline_reset(&m->line);
	sim_atline_reset(&m->boot_line);
	m->power = SIM_POWER_BOOTING;
	m->boots++;
	m->boot_audits = 0;
	load_flash(m); /* NVM as stored: what was set survives, the rest resets */
	m->mno_active = m->nvm.mno_profile;
	m->cfun = 1;
	m->cereg_mode = 0; /* 27.007: +CEREG=<n> is not stored */
	m->reg_stat = 0;
	m->reg_timer = 0;
	m->mnoprof_versions = false;
	m->ufotastat = (m->v->urcs_default & SIM_URC_UFOTASTAT) != 0;
	m->ulwm2mstat = (m->v->urcs_default & SIM_URC_ULWM2MSTAT) != 0;
	m->io.set_baud(m->io.ctx, m->nvm.ipr);
	sim_log_line(m->audit, sim_modem_now(m), "#", "power on", 8);
	sim_modem_after(m, m->v->t.boot_ms, boot_done, 0);
}

int sim_modem_init(struct sim_modem *m, const struct sim_modem_config *cfg)
{
	int rc;
	memset(m, 0, sizeof *m);
	m->v = cfg->variant;
	m->flash = cfg->flash;
	m->clock = cfg->clock;
	m->audit = cfg->audit;
	m->io = cfg->io;
	sim_timers_init(&m->timers);
	rc = load_flash(m);
	if (rc < 0)
		return rc;
	sim_modem_reboot(m);
	return 0;
}

static void execute(struct sim_modem *m, char *line)
{
	struct sim_at_req req;
	enum sim_at_parse_rc rc;
	int result = SIM_CME_UNKNOWN;
	sim_log_line(m->audit, sim_modem_now(m), "<", line, strlen(line));
	rc = sim_at_parse(line, &req);
	if (rc == SIM_PARSE_NO_AT)
		return; /* V.250: no "AT", nothing to answer */
	if (rc == SIM_PARSE_SYNTAX) {
		sim_modem_final(m, SIM_CME_INCORRECT_PARAMS);
		return;
	}
	result = sim_download_check(m, &req); /* note §7, Table 7 */
	if (result != SIM_OK) {
		sim_modem_final(m, result);
		return;
	}
	result = SIM_CME_UNKNOWN;
	for (const struct sim_cmd *c = sim_commands; c->name; c++) {
		if (strcmp(c->name, req.name) != 0)
			continue;
		m->pending = true;
		result = c->fn(m, &req);
		break;
	}
	if (result == SIM_PENDING)
		return;
	if (result != SIM_DONE)
		sim_modem_final(m, result);
	m->pending = false;
}

/* note §2.4, §5.1: the AT interface is unavailable while the module boots;
 * what the host sends is lost, and it is worth telling the host. A bare
 * "AT" is the check loop note §2.6.4 asks for, not a mistake. */
static void input_while_booting(struct sim_modem *m, uint8_t c)
{
	enum sim_atline_ev ev = sim_atline_feed(&m->boot_line, c);
	char extra[300] = "";
	if (ev == SIM_LINE_NONE || m->boot_audits >= BOOT_AUDIT_MAX)
		return;
	if (ev == SIM_LINE_READY && strcasecmp(m->boot_line.buf, "AT") == 0)
		return;
	m->boot_audits++;
	if (ev == SIM_LINE_READY) {
		strcpy(extra, ",\"line\":\"");
		sim_json_escape(extra, sizeof extra - 2, m->boot_line.buf,
				strnlen(m->boot_line.buf, 200));
		strcat(extra, "\"");
	}
	sim_audit_event(m->audit, sim_modem_now(m), "at_during_boot", "%s", extra);
}

/* Keeps bytes for later, in order (the main loop reads nothing more
 * until they are gone). */
static void hold(struct sim_modem *m, const uint8_t *p, size_t n)
{
	size_t room = sizeof m->held - m->held_len;
	if (n > room)
		n = room;
	memcpy(m->held + m->held_len, p, n);
	m->held_len += n;
}

void sim_modem_input(struct sim_modem *m, const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		uint8_t c;
		if (m->engine) {
			size_t used = m->engine->input(m, m->engine_ctx, p + i, n - i);
			if (used == 0 && m->engine) {
				hold(m, p + i, n - i); /* engine full: retry on a tick */
				return;
			}
			i += used;
			continue;
		}
		if (m->pending) {
			hold(m, p + i, n - i); /* for when the command completes */
			return;
		}
		c = p[i++];
		if (m->power == SIM_POWER_BOOTING) {
			input_while_booting(m, c);
			continue;
		}
		if (m->nvm.echo)
			sim_modem_write(m, &c, 1);
		switch (sim_atline_feed(&m->line, c)) {
		case SIM_LINE_READY:
			execute(m, m->line.buf);
			break;
		case SIM_LINE_TOO_LONG:
			sim_log_line(m->audit, sim_modem_now(m), "#", "line too long", 13);
			sim_modem_final(m, SIM_ERROR);
			break;
		default:
			break;
		}
	}
}

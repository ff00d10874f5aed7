#include "modem.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "factory.h"
#include "feature.h"
#include "modes.h"

const char *sim_cme_text(int code)
{
	switch (code) {
	case SIM_CME_NOT_ALLOWED:
		return "operation not allowed";
	case SIM_CME_NOT_SUPPORTED:
		return "operation not supported";
	case SIM_CME_MEMORY_FULL:
		return "memory full";
	case SIM_CME_NOT_FOUND:
		return "not found";
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

bool sim_power_cut_point_ok(const char *point)
{
	char *end;
	long pct;
	if (strcmp(point, "stored") == 0 || strcmp(point, "install-commit") == 0 ||
	    strcmp(point, "install-done") == 0)
		return true;
	if (strncmp(point, "net:", 4) == 0 && point[4] >= '0' && point[4] <= '9') {
		pct = strtol(point + 4, &end, 10);
		return !*end && pct > 0;
	}
	if (strncmp(point, "install:", 8) != 0 || point[8] < '0' || point[8] > '9')
		return false;
	pct = strtol(point + 8, &end, 10);
	return !*end && pct >= 0 && pct <= 100;
}

void sim_modem_checkpoint(struct sim_modem *m, const char *point)
{
	char msg[64];
	if (!m->power_cut || strcmp(m->power_cut, point) != 0)
		return;
	snprintf(msg, sizeof msg, "power cut at %s", point);
	sim_log_line(m->audit, sim_modem_now(m), "#", msg, strlen(msg));
	raise(SIGKILL);
}

uint64_t sim_modem_now(const struct sim_modem *m)
{
	return sim_clock_now(m->clock);
}

void sim_modem_write(struct sim_modem *m, const void *p, size_t n)
{
	m->io.write(m->io.ctx, p, n);
}

void sim_modem_aux_line(struct sim_modem *m, uint32_t baud, const char *text)
{
	char msg[80];
	snprintf(msg, sizeof msg, "aux %u: %s", (unsigned)baud, text);
	sim_log_line(m->audit, sim_modem_now(m), "#", msg, strlen(msg));
	if (!m->aux.write)
		return; /* no --aux-link: the AUX UART is not connected */
	m->aux.set_baud(m->aux.ctx, baud);
	m->aux.write(m->aux.ctx, "\r\n", 2);
	m->aux.write(m->aux.ctx, text, strlen(text));
	m->aux.write(m->aux.ctx, "\r\n", 2);
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

#define URC_HOLD_MS 1000 /* a line left unfinished does not hold URCs longer */

void sim_modem_flush_urcs(struct sim_modem *m)
{
	size_t n = m->urc_held_len;
	sim_modem_cancel(m, m->urc_timer);
	m->urc_timer = 0;
	m->urc_held_len = 0;
	if (n)
		sim_modem_write(m, m->urc_held, n);
}

static void urc_hold_expired(void *ctx, int arg)
{
	struct sim_modem *m = ctx;
	(void)arg;
	m->urc_timer = 0;
	sim_modem_flush_urcs(m);
}

/* A URC that comes while the host is typing a command line waits for the
 * line's end, so it never splits the echo (docs/behaviour.md). */
void sim_modem_urc(struct sim_modem *m, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof buf)
		n = sizeof buf - 1;
	if (m->mode == SIM_MODE_AT && m->line.len > 0 &&
	    m->urc_held_len + (size_t)n + 4 <= sizeof m->urc_held) {
		sim_log_line(m->audit, sim_modem_now(m), ">", buf, (size_t)n);
		memcpy(m->urc_held + m->urc_held_len, "\r\n", 2);
		memcpy(m->urc_held + m->urc_held_len + 2, buf, (size_t)n);
		memcpy(m->urc_held + m->urc_held_len + 2 + n, "\r\n", 2);
		m->urc_held_len += (size_t)n + 4;
		if (!m->urc_timer)
			m->urc_timer = sim_modem_after(m, URC_HOLD_MS, urc_hold_expired, 0);
		return;
	}
	sim_modem_flush_urcs(m);
	emit_line(m, "\r\n", buf, (size_t)n);
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

void sim_modem_set_mode(struct sim_modem *m, enum sim_mode mode, const struct sim_input_engine *e,
			void *ctx)
{
	bool engine = mode == SIM_MODE_RAW || mode == SIM_MODE_FLASH || mode == SIM_MODE_BOOTING;
	if (m->mode != mode && mode != SIM_MODE_RAW && m->mode != SIM_MODE_RAW) {
		/* (a raw engine's window is logged by the feature that runs it) */
		char msg[64];
		snprintf(msg, sizeof msg, "mode %s", sim_mode_name(mode));
		sim_log_line(m->audit, sim_modem_now(m), "#", msg, strlen(msg));
	}
	if (m->mode != mode && (mode == SIM_MODE_INSTALL || mode == SIM_MODE_BOOTING)) {
		sim_atline_reset(&m->lost_line); /* audits count per stay */
		m->lost_audits = 0;
	}
	m->mode = mode;
	m->engine = engine ? e : NULL;
	m->engine_ctx = engine ? ctx : NULL;
	if (mode == SIM_MODE_AT)
		sim_atline_reset(&m->line);
}

void sim_modem_take_input(struct sim_modem *m, const struct sim_input_engine *e, void *ctx)
{
	sim_modem_set_mode(m, SIM_MODE_RAW, e, ctx);
}

void sim_modem_release_input(struct sim_modem *m)
{
	sim_modem_set_mode(m, SIM_MODE_AT, NULL, NULL);
}

/* A pending command stops input in AT mode only. */
static bool input_open(const struct sim_modem *m)
{
	return m->mode != SIM_MODE_AT || !m->pending;
}

bool sim_modem_wants_input(const struct sim_modem *m)
{
	return input_open(m) && m->held_len == 0;
}

uint64_t sim_modem_next_due(const struct sim_modem *m)
{
	uint64_t t = sim_timers_next(&m->timers);
	if (m->held_len && input_open(m)) {
		/* an engine that refused bytes gets them again 1 ms later */
		uint64_t soon = m->engine ? sim_modem_now(m) + 1 : 0;
		return soon < t ? soon : t;
	}
	return t;
}

void sim_modem_tick(struct sim_modem *m)
{
	sim_timers_run(&m->timers, sim_modem_now(m));
	for (size_t i = 0; sim_features[i]; i++)
		if (sim_features[i]->tick)
			sim_features[i]->tick(m, m->state[i]);
	if (m->held_len && input_open(m)) {
		uint8_t buf[sizeof m->held];
		size_t n = m->held_len;
		memcpy(buf, m->held, n);
		m->held_len = 0;
		sim_modem_input(m, buf, n);
	}
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
		enum sim_mode mode = m->mode;
		size_t used = sim_mode_input(m, p + i, n - i);
		if (used == 0 && m->mode == mode) {
			/* a busy engine or a pending command: later */
			hold(m, p + i, n - i);
			return;
		}
		i += used;
	}
}

void *sim_feature_state(struct sim_modem *m, const struct sim_feature *f)
{
	for (size_t i = 0; sim_features[i]; i++)
		if (sim_features[i] == f)
			return m->state[i];
	return NULL;
}

/* Places each feature's state in state_mem. 0, or -ENOMEM. */
static int place_states(struct sim_modem *m)
{
	size_t off = 0, align = _Alignof(max_align_t);
	for (size_t i = 0; sim_features[i]; i++) {
		size_t n = sim_features[i]->state_size;
		if (i >= SIM_FEATURES_MAX || off + n > sizeof m->state_mem)
			return -ENOMEM;
		m->state[i] = n ? m->state_mem + off : NULL;
		off += (n + align - 1) / align * align;
	}
	return 0;
}

int sim_modem_save_nvm(struct sim_modem *m)
{
	struct sim_kv kv;
	const struct sim_nvm *n = &m->nvm;
	sim_kv_clear(&kv);
	sim_kv_set_long(&kv, "echo", n->echo);
	sim_kv_set_long(&kv, "cmee", n->cmee);
	sim_kv_set_long(&kv, "ipr", (long)n->ipr);
	for (size_t i = 0; sim_features[i]; i++)
		if (sim_features[i]->nvm_save)
			sim_features[i]->nvm_save(m, m->state[i], &kv);
	return sim_kv_save(m->flash, "nvm", &kv) == 0 ? SIM_OK : SIM_CME_MEMORY_FAILURE;
}

static void load_nvm(struct sim_modem *m, const struct sim_kv *kv)
{
	struct sim_nvm *n = &m->nvm;
	n->echo = sim_kv_get_long(kv, "echo", 1) != 0;
	n->cmee = (int)sim_kv_get_long(kv, "cmee", 0);
	if (n->cmee < 0 || n->cmee > 2)
		n->cmee = 0;
	n->ipr = (uint32_t)sim_kv_get_long(kv, "ipr", 115200);
	if (!sim_variant_ipr_ok(m->v, n->ipr))
		n->ipr = 115200;
}

static void boot_done(void *ctx, int arg)
{
	struct sim_modem *m = ctx;
	(void)arg;
	if (m->mode != SIM_MODE_BOOTING)
		return; /* a listener took the boot elsewhere (flash mode) */
	m->mode = SIM_MODE_AT;
	m->engine = NULL;
	m->engine_ctx = NULL;
	sim_log_line(m->audit, sim_modem_now(m), "#", "boot done", 9);
	for (size_t i = 0; sim_features[i]; i++)
		if (sim_features[i]->boot_done)
			sim_features[i]->boot_done(m, m->state[i]);
}

void sim_modem_set_cfun(struct sim_modem *m, int fun)
{
	m->cfun = fun;
	for (size_t i = 0; sim_features[i]; i++)
		if (sim_features[i]->cfun)
			sim_features[i]->cfun(m, m->state[i], fun);
}

/* Everything volatile goes; the NVM and the features' records are read
 * back. The first error of a record that must exist, or 0. */
static int power_on(struct sim_modem *m)
{
	struct sim_kv kv;
	int rc = 0;
	sim_timers_clear(&m->timers);
	for (size_t i = 0; sim_features[i]; i++)
		if (sim_features[i]->power_off && m->boots && m->mode != SIM_MODE_OFF)
			sim_features[i]->power_off(m, m->state[i]);
	m->mode = SIM_MODE_BOOTING;
	m->engine = NULL;
	m->engine_ctx = NULL;
	m->pending = false;
	m->held_len = 0;
	m->info_open = false;
	m->urc_held_len = 0; /* held URCs are lost with the power */
	m->urc_timer = 0;
	sim_atline_reset(&m->line);
	sim_atline_reset(&m->lost_line);
	m->lost_audits = 0;
	m->boots++;
	m->cfun = 1;
	for (size_t i = 0; sim_features[i]; i++)
		if (m->state[i])
			memset(m->state[i], 0, sim_features[i]->state_size);
	/* NVM as stored: what was set survives, the rest resets */
	if (sim_kv_load(m->flash, "nvm", &kv) < 0)
		sim_factory_nvm(m->v, &kv); /* lost NVM: factory values, as after a reset */
	load_nvm(m, &kv);
	for (size_t i = 0; sim_features[i]; i++)
		if (sim_features[i]->nvm_load)
			sim_features[i]->nvm_load(m, m->state[i], &kv);
	/* before the hooks: an installer resuming may switch the rate */
	sim_modem_set_usb(m, 0);
	m->io.set_baud(m->io.ctx, m->nvm.ipr);
	sim_log_line(m->audit, sim_modem_now(m), "#", "power on", 8);
	for (size_t i = 0; sim_features[i]; i++) {
		int r = sim_features[i]->power_on ? sim_features[i]->power_on(m, m->state[i]) : 0;
		if (r < 0 && rc == 0)
			rc = r;
	}
	/* a power_on hook that entered another mode (Firmware Install Mode,
	 * a dead module) holds the boot: it reboots the module itself */
	if (m->mode == SIM_MODE_BOOTING)
		sim_modem_after(m, m->v->t.boot_ms, boot_done, 0);
	return rc;
}

void sim_modem_reboot(struct sim_modem *m)
{
	power_on(m);
}

void sim_modem_power_off(struct sim_modem *m)
{
	if (m->mode == SIM_MODE_OFF)
		return;
	sim_log_line(m->audit, sim_modem_now(m), "#", "power off", 9);
	for (size_t i = 0; sim_features[i]; i++)
		if (sim_features[i]->power_off)
			sim_features[i]->power_off(m, m->state[i]);
	sim_timers_clear(&m->timers);
	m->mode = SIM_MODE_OFF;
	m->engine = NULL;
	m->engine_ctx = NULL;
	m->pending = false;
	m->held_len = 0;
	m->urc_held_len = 0;
	m->urc_timer = 0;
}

void sim_modem_power_on(struct sim_modem *m)
{
	if (m->mode == SIM_MODE_OFF)
		power_on(m);
}

void sim_modem_set_usb(struct sim_modem *m, uint32_t bps)
{
	if (m->io.set_usb)
		m->io.set_usb(m->io.ctx, bps);
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
	m->aux = cfg->aux;
	m->power_cut = cfg->power_cut;
	m->net = cfg->net;
	sim_timers_init(&m->timers);
	rc = place_states(m);
	if (rc < 0)
		return rc;
	return power_on(m);
}

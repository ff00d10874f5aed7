/* The modes of the module (modem.h) as a const table: each names the
 * routine that takes host input in it. The line, the clock, the flash and
 * the audit are the same in every mode. */
#include "modes.h"

#include <string.h>
#include <strings.h>

#include "commands.h"
#include "feature.h"

#define LOST_AUDIT_MAX 50 /* per boot or install: a host polling with AT is not a flood */

/* note §2.4, §2.6.4, §5.1, §6: the AT interface is unavailable while the
 * module boots or installs; what the host sends is lost, and it is worth
 * telling the host. A bare "AT" is the check loop note §2.6.4 asks for,
 * not a mistake. */
static size_t input_lost(struct sim_modem *m, const uint8_t *p, size_t n, const char *event)
{
	for (size_t i = 0; i < n; i++) {
		enum sim_atline_ev ev = sim_atline_feed(&m->lost_line, p[i]);
		char extra[300] = "";
		if (ev == SIM_LINE_NONE || m->lost_audits >= LOST_AUDIT_MAX)
			continue;
		if (ev == SIM_LINE_READY && strcasecmp(m->lost_line.buf, "AT") == 0)
			continue;
		m->lost_audits++;
		if (ev == SIM_LINE_READY) {
			strcpy(extra, ",\"line\":\"");
			sim_json_escape(extra, sizeof extra - 2, m->lost_line.buf,
					strnlen(m->lost_line.buf, 200));
			strcat(extra, "\"");
		}
		sim_audit_event(m->audit, sim_modem_now(m), event, "%s", extra);
	}
	return n;
}

/* A listener (flashmode.c's flash request) sees the bytes first; unless
 * it takes the module elsewhere they are lost as usual. */
static size_t input_booting(struct sim_modem *m, const uint8_t *p, size_t n)
{
	if (m->engine) {
		size_t used = m->engine->input(m, m->engine_ctx, p, n);
		if (m->mode != SIM_MODE_BOOTING)
			return used;
	}
	return input_lost(m, p, n, "at_during_boot");
}

/* Switched off: nothing listens. */
static size_t input_off(struct sim_modem *m, const uint8_t *p, size_t n)
{
	(void)m;
	(void)p;
	return n;
}

static size_t input_install(struct sim_modem *m, const uint8_t *p, size_t n)
{
	return input_lost(m, p, n, "at_during_install");
}

/* RAW and FLASH: the engine that has the line; without one (a flash
 * mode with no protocol yet) the bytes are lost. */
static size_t input_engine(struct sim_modem *m, const uint8_t *p, size_t n)
{
	if (!m->engine)
		return n;
	return m->engine->input(m, m->engine_ctx, p, n);
}

/* One AT command line: the features' checks (note §7, Table 7), then
 * the command row and its handler. */
static void execute(struct sim_modem *m, char *line)
{
	struct sim_at_req req;
	enum sim_at_parse_rc rc;
	const struct sim_cmd *row;
	int result = SIM_OK;
	sim_log_line(m->audit, sim_modem_now(m), "<", line, strlen(line));
	rc = sim_at_parse(line, &req);
	if (rc == SIM_PARSE_NO_AT)
		return; /* V.250: no "AT", nothing to answer */
	if (rc == SIM_PARSE_SYNTAX) {
		sim_modem_final(m, SIM_CME_INCORRECT_PARAMS);
		return;
	}
	for (size_t i = 0; sim_features[i] && result == SIM_OK; i++)
		if (sim_features[i]->check)
			result = sim_features[i]->check(m, m->state[i], &req);
	if (result != SIM_OK) {
		sim_modem_final(m, result);
		return;
	}
	row = sim_command_find(m, &req, &result);
	if (row) {
		m->pending = true;
		result = row->fn(m, &req);
	}
	if (result == SIM_PENDING)
		return;
	if (result != SIM_DONE)
		sim_modem_final(m, result);
	m->pending = false;
}

/* Echo, line assembly, execution. Stops after a command line ran: it may
 * have left the command pending or changed the mode. */
static size_t input_at(struct sim_modem *m, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (m->pending)
			return i; /* for when the command completes */
		if (m->nvm.echo)
			sim_modem_write(m, &c, 1);
		switch (sim_atline_feed(&m->line, c)) {
		case SIM_LINE_READY:
			sim_modem_flush_urcs(m);
			execute(m, m->line.buf);
			return i + 1;
		case SIM_LINE_TOO_LONG:
			sim_modem_flush_urcs(m);
			sim_log_line(m->audit, sim_modem_now(m), "#", "line too long", 13);
			sim_modem_final(m, SIM_ERROR);
			break;
		default:
			break;
		}
	}
	return n;
}

struct sim_mode_desc {
	const char *name;
	size_t (*input)(struct sim_modem *m, const uint8_t *p, size_t n);
};

static const struct sim_mode_desc modes[SIM_MODE_COUNT] = {
	[SIM_MODE_BOOTING] = {.name = "booting", .input = input_booting},
	[SIM_MODE_AT] = {.name = "at", .input = input_at},
	[SIM_MODE_RAW] = {.name = "raw", .input = input_engine},
	[SIM_MODE_INSTALL] = {.name = "install", .input = input_install},
	[SIM_MODE_FLASH] = {.name = "flash", .input = input_engine},
	[SIM_MODE_OFF] = {.name = "off", .input = input_off},
};

const char *sim_mode_name(enum sim_mode mode)
{
	return (unsigned)mode < SIM_MODE_COUNT ? modes[mode].name : "?";
}

size_t sim_mode_input(struct sim_modem *m, const uint8_t *p, size_t n)
{
	return modes[m->mode].input(m, p, n);
}

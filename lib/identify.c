/* The identify engine and the blocking identify over it: turn echo off,
 * ask for verbose errors, read who the module is (see sarafw/probe.h). */
#include <stdbool.h>
#include <string.h>

#include "sarafw/error.h"
#include "sarafw/probe.h"
#include "sarafw/timeouts.h"
#include "str.h"

enum { ID_TYPE = 1, ID_MODEL, ID_VERSIONS, ID_IMEI, ID_MNO };

/* The commands, in order. required: its failure ends identify. */
static const struct id_step {
	const char *cmd;
	const char *prefix; /* of the information response, or NULL */
	uint8_t field;      /* ID_*: where the first response goes, 0 nowhere */
	bool required;
} steps[] = {
	/* Echo off keeps responses short; verbose +CME text explains itself
	 * (the engine reads numeric codes as well). */
	{ .cmd = "ATE0", .required = true },
	{ .cmd = "AT+CMEE=2" },
	{ .cmd = "ATI0", .field = ID_TYPE, .required = true },
	{ .cmd = "AT+CGMM", .field = ID_MODEL },
	{ .cmd = "ATI9", .field = ID_VERSIONS }, /* note §2.6.6: "<modem>,<application>" */
	{ .cmd = "AT+CGSN", .field = ID_IMEI },
	{ .cmd = "AT+UMNOPROF?", .prefix = "+UMNOPROF", .field = ID_MNO },
};
#define N_STEPS (sizeof steps / sizeof steps[0])

static void copy(char *dst, size_t size, const char *src, size_t n)
{
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void finish(sarafw_identifier *e, int rc)
{
	sarafw_ident *id = e->id;
	sarafw_at_end(&e->dev->at);
	e->step = N_STEPS;
	e->status = rc;
	if (rc)
		return;
	id->variant = sarafw_variant_match(id->type_number);
	if (!id->variant)
		id->variant = sarafw_variant_match(id->model);
	e->dev->variant = id->variant;
}

static void begin(sarafw_identifier *e, uint32_t now)
{
	const struct id_step *s = &steps[e->step];
	int rc = sarafw_dev_command(e->dev, s->cmd, s->prefix, now, SARAFW_ANSWER_MS);
	if (rc) {
		finish(e, rc);
		return;
	}
	e->got = 0;
}

/* The command of this step ended with rc. */
static void step_done(sarafw_identifier *e, int rc, uint32_t now)
{
	sarafw_at_end(&e->dev->at);
	if (rc && steps[e->step].required) {
		finish(e, rc);
		return;
	}
	if (++e->step == N_STEPS)
		finish(e, SARAFW_OK);
	else
		begin(e, now);
}

/* The first information response of a step fills its field. */
static void take(sarafw_identifier *e, const sarafw_at_event *ev)
{
	const struct id_step *s = &steps[e->step];
	sarafw_ident *id = e->id;
	const char *comma;
	long v;
	if (e->got || (s->prefix && !sarafw_str_starts(ev->line, s->prefix)))
		return;
	e->got = 1;
	switch (s->field) {
	case ID_TYPE:
		copy(id->type_number, sizeof id->type_number, ev->line, ev->len);
		break;
	case ID_MODEL:
		copy(id->model, sizeof id->model, ev->line, ev->len);
		break;
	case ID_VERSIONS:
		comma = sarafw_str_chr(ev->line, ',');
		if (comma) {
			copy(id->app_version, sizeof id->app_version, comma + 1, sarafw_str_len(comma + 1));
			copy(id->modem_version, sizeof id->modem_version, ev->line, (size_t)(comma - ev->line));
		} else {
			copy(id->modem_version, sizeof id->modem_version, ev->line, ev->len);
		}
		break;
	case ID_IMEI:
		copy(id->imei, sizeof id->imei, ev->line, ev->len);
		break;
	case ID_MNO:
		if (ev->argc >= 1 && sarafw_at_int(ev->argv[0], &v))
			id->mno_profile = (int)v;
		break;
	default:
		break;
	}
}

void sarafw_identify_start(sarafw_identifier *e, sarafw_dev *dev, sarafw_ident *id, uint32_t now)
{
	memset(e, 0, sizeof *e);
	memset(id, 0, sizeof *id);
	id->mno_profile = -1;
	e->dev = dev;
	e->id = id;
	e->status = SARAFW_RUNNING;
	begin(e, now);
}

size_t sarafw_identify_output(sarafw_identifier *e, const uint8_t **out)
{
	size_t n = sarafw_dev_output(e->dev, out);
	return e->status == SARAFW_RUNNING ? n : 0;
}

void sarafw_identify_sent(sarafw_identifier *e, size_t n, uint32_t now)
{
	(void)now;
	sarafw_dev_sent(e->dev, n);
}

size_t sarafw_identify_input(sarafw_identifier *e, const uint8_t *in, size_t n, uint32_t now)
{
	size_t i = 0;
	while (i < n && e->status == SARAFW_RUNNING) {
		sarafw_at_event ev;
		i += sarafw_dev_parse(e->dev, in + i, n - i, &ev);
		if (ev.type == SARAFW_AT_EV_RESPONSE) {
			take(e, &ev);
		} else if (ev.type == SARAFW_AT_EV_FINAL) {
			int rc = sarafw_dev_final(e->dev, &ev);
			/* ATI0 with no line at all is no identity */
			if (!rc && steps[e->step].field == ID_TYPE && !e->got)
				rc = SARAFW_EPROTO;
			step_done(e, rc, now);
			return i;
		}
	}
	return i;
}

void sarafw_identify_tick(sarafw_identifier *e, uint32_t now)
{
	sarafw_at_event ev;
	if (e->status != SARAFW_RUNNING)
		return;
	sarafw_at_tick(&e->dev->at, now, &ev);
	if (ev.type == SARAFW_AT_EV_TIMEOUT)
		step_done(e, SARAFW_ETIMEOUT, now);
}

uint32_t sarafw_identify_wait_ms(const sarafw_identifier *e, uint32_t now)
{
	if (e->status != SARAFW_RUNNING)
		return UINT32_MAX;
	if (e->dev->tx_pos < e->dev->tx_len)
		return 0;
	return sarafw_at_wait_ms(&e->dev->at, now);
}

int sarafw_identify_status(const sarafw_identifier *e)
{
	return e->status;
}

static size_t e_output(void *e, const uint8_t **out) { return sarafw_identify_output(e, out); }
static void e_sent(void *e, size_t n, uint32_t now) { sarafw_identify_sent(e, n, now); }
static size_t e_input(void *e, const uint8_t *in, size_t n, uint32_t now) { return sarafw_identify_input(e, in, n, now); }
static void e_tick(void *e, uint32_t now) { sarafw_identify_tick(e, now); }
static uint32_t e_wait(const void *e, uint32_t now) { return sarafw_identify_wait_ms(e, now); }
static int e_status(const void *e) { return sarafw_identify_status(e); }
static void e_io_error(void *e, int err, uint32_t now)
{
	(void)now;
	finish(e, err);
}

const sarafw_engine sarafw_identify_engine = {
	.output = e_output,
	.sent = e_sent,
	.input = e_input,
	.tick = e_tick,
	.wait_ms = e_wait,
	.status = e_status,
	.io_error = e_io_error,
};

int sarafw_identify(sarafw_dev *dev, sarafw_ident *id)
{
	sarafw_identifier e;
	int rc;
	sarafw_identify_start(&e, dev, id, dev->cfg.port->now_ms(dev->cfg.port->ctx));
	while ((rc = sarafw_dev_step(dev, &sarafw_identify_engine, &e, UINT32_MAX)) == SARAFW_RUNNING)
		;
	return rc;
}

sarafw_urc_state sarafw_urc_get(sarafw_dev *dev, unsigned which)
{
	const char *cmd, *prefix;
	char line[32];
	long v;
	if (!dev->variant || !(dev->variant->urcs & which))
		return SARAFW_URC_UNSUPPORTED;
	switch (which) {
	case SARAFW_URC_UFOTASTAT:
		cmd = "AT+UFOTASTAT?", prefix = "+UFOTASTAT";
		break;
	case SARAFW_URC_ULWM2MSTAT:
		cmd = "AT+ULWM2MSTAT?", prefix = "+ULWM2MSTAT";
		break;
	default:
		/* +UFWINSTALL has no read form in the note (§6.1.1). */
		return SARAFW_URC_UNKNOWN;
	}
	if (sarafw_cmd_get(dev, cmd, prefix, SARAFW_ANSWER_MS, line, sizeof line) != SARAFW_OK ||
	    !sarafw_at_int(line, &v))
		return SARAFW_URC_UNKNOWN;
	return v ? SARAFW_URC_ON : SARAFW_URC_OFF;
}

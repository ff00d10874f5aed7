/* AT+UFWUPD=3: FOAT over XMODEM / XMODEM-1k into the FOTA area (note
 * §5.1). The module-side receiver is sim/xmodem_recv; this file runs it
 * on the modem's clock and line, as each family does:
 * - SARA-R422 family (§5.1.1): ~5 s, "+UFWUPD: ONGOING", the receiver's
 *   start sequence ('C' x3 then NAK x10, 109 s), then a final result code:
 *   OK, ERROR1 on the start timeout (§5.1.1.3), ERROR on a cancel;
 * - SARA-R410M/R412M (and N410) (§5.1.2): ~20 s, "+UFWUPD: ONGOING" and
 *   OK, then ~2 min in which AT is not accepted; the end of the transfer
 *   gives "no response, URC or other indication". */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "download.h"
#include "feature.h"
#include "fota.h"
#include "xmodem_recv.h"

#define AT_AUDIT_MAX 3 /* at_in_xmodem_window records per window */

enum sim_ufwupd_phase {
	SIM_UFW_IDLE = 0,
	SIM_UFW_PREP,   /* note §5.1.1: ~5 s, §5.1.2: ~20 s before ONGOING */
	SIM_UFW_WINDOW, /* the XMODEM receiver has the line */
	SIM_UFW_LINGER, /* transfer over: still ACK a resent EOT, eat the tail */
};

#define SIM_UFW_AT_MAX 64 /* AT text collected inside the window */

struct sim_ufwupd {
	enum sim_ufwupd_phase phase;
	int timer; /* 0: none */
	struct simx x;
	struct sim_fota_dl dl;
	uint64_t linger_end, linger_cap;
	int result; /* final result once the transfer is over */
	/* AT text arriving where a block header is due */
	int at_state; /* 0 idle, 1 "A" seen, 2 collecting after "AT" */
	char at_buf[SIM_UFW_AT_MAX + 1];
	size_t at_len;
	int at_audits;
};

extern const struct sim_feature sim_feature_ufwupd;

static struct sim_ufwupd *state(struct sim_modem *m)
{
	return sim_feature_state(m, &sim_feature_ufwupd);
}

static const struct sim_input_engine ufw_engine;

static bool r422(const struct sim_modem *m)
{
	return m->v->family == SIM_R422;
}

/* Forsberg's timeouts belong to the line, not to the note: they shrink
 * with --time-scale like module time but never below a wall-clock floor,
 * or a busy host would see NAKs crossing its blocks. */
static uint32_t line_ms(const struct sim_modem *m, uint32_t ms, uint32_t floor_wall_ms)
{
	double floor = (double)floor_wall_ms * m->clock->scale;
	if ((double)ms >= floor)
		return ms;
	return floor > 4e9 ? 4000000000u : (uint32_t)(floor + 0.5);
}

static void flush(struct sim_modem *m, struct sim_ufwupd *u)
{
	const uint8_t *p;
	size_t n = simx_output(&u->x, &p);
	if (n) {
		sim_modem_write(m, p, n);
		simx_output_consume(&u->x, n);
	}
}

static void on_timer(void *ctx, int arg);

static void rearm(struct sim_modem *m, struct sim_ufwupd *u)
{
	uint64_t now = sim_modem_now(m), due;
	if (u->timer)
		sim_modem_cancel(m, u->timer);
	u->timer = 0;
	due = u->phase == SIM_UFW_LINGER ? u->linger_end : simx_next_deadline(&u->x);
	if (due == SIMX_NO_DEADLINE)
		return;
	u->timer = sim_modem_after(m, due > now ? (uint32_t)(due - now) : 0, on_timer, 0);
	if (u->timer < 0)
		u->timer = 0;
}

static int sink(void *ctx, uint32_t offset, const uint8_t *data, size_t len)
{
	struct sim_ufwupd *u = ctx;
	(void)offset;
	return sim_fota_append(&u->dl, data, len);
}

/* Back to normal mode: the final result code on the R422 family, nothing
 * on R410M/R412M (note §5.1.2). */
static void finish(struct sim_modem *m, struct sim_ufwupd *u, int result)
{
	char msg[120];
	const struct simx_stats *st = simx_stats(&u->x);
	if (u->timer)
		sim_modem_cancel(m, u->timer);
	u->timer = 0;
	u->phase = SIM_UFW_IDLE;
	sim_modem_release_input(m);
	sim_download_end(m);
	snprintf(msg, sizeof msg, "ufwupd %s: %u blocks (%u of 1k), %s", simx_status_str(simx_status(&u->x)),
		 (unsigned)st->blocks, (unsigned)st->blocks_1k, st->crc_mode ? "crc16" : "checksum");
	sim_log_line(m->audit, sim_modem_now(m), "#", msg, strlen(msg));
	if (r422(m))
		sim_modem_final(m, result);
}

static int result_of(struct sim_modem *m, struct sim_ufwupd *u)
{
	const struct simx_stats *st = simx_stats(&u->x);
	struct sim_kv meta;
	switch (simx_status(&u->x)) {
	case SIMX_DONE:
		sim_kv_clear(&meta);
		sim_kv_set(&meta, "method", "ufwupd");
		sim_kv_set(&meta, "variant", m->v->name);
		sim_kv_set_long(&meta, "blocks", (long)st->blocks);
		sim_kv_set_long(&meta, "blocks_1k", (long)st->blocks_1k);
		sim_kv_set(&meta, "check", st->crc_mode ? "crc16" : "checksum");
		sim_kv_set_long(&meta, "baud", (long)m->nvm.ipr);
		if (sim_fota_commit(&u->dl, m->flash, &meta) != 0)
			return SIM_CME_MEMORY_FAILURE;
		sim_modem_checkpoint(m, "stored");
		return SIM_OK;
	case SIMX_TIMEOUT:
		/* note §5.1.1.3: "ERROR1"; the FW is unchanged */
		sim_fota_discard(&u->dl, m->flash);
		sim_audit_event(m->audit, sim_modem_now(m), "xmodem_timeout",
				",\"window_ms\":%u,\"start_chars\":%u",
				(unsigned)m->v->t.xmodem_window_ms, (unsigned)st->start_chars);
		return SIM_ERROR1;
	default:
		/* cancelled by the sender or given up: no resume (note §5) */
		sim_fota_discard(&u->dl, m->flash);
		return SIM_ERROR;
	}
}

/* The receiver reached a terminal state. */
static void ended(struct sim_modem *m, struct sim_ufwupd *u)
{
	uint64_t now = sim_modem_now(m);
	uint32_t linger = line_ms(m, 1000, 50);
	u->result = result_of(m, u);
	if (simx_status(&u->x) == SIMX_TIMEOUT) {
		finish(m, u, u->result);
		return;
	}
	/* a sender that missed our last ACK resends EOT; one that was
	 * cancelled may still be sending: keep the line until it is quiet */
	u->phase = SIM_UFW_LINGER;
	u->linger_end = now + linger;
	u->linger_cap = now + 10ull * linger;
	rearm(m, u);
}

static void on_timer(void *ctx, int arg)
{
	struct sim_modem *m = ctx;
	struct sim_ufwupd *u = state(m);
	(void)arg;
	u->timer = 0;
	if (u->phase == SIM_UFW_LINGER) {
		if (sim_modem_now(m) >= u->linger_end)
			finish(m, u, u->result);
		else
			rearm(m, u);
		return;
	}
	if (u->phase != SIM_UFW_WINDOW)
		return;
	simx_tick(&u->x, sim_modem_now(m));
	flush(m, u);
	if (simx_status(&u->x) != SIMX_RUNNING)
		ended(m, u);
	else
		rearm(m, u);
}

/* A whole AT line arrived where a block header was due (note §5.1.1,
 * §5.1.2: AT commands are not accepted in the window). */
static void at_line(struct sim_modem *m, struct sim_ufwupd *u)
{
	char extra[200] = ",\"line\":\"";
	char line[SIM_UFW_AT_MAX + 1];
	struct sim_at_req req;
	if (u->at_audits < AT_AUDIT_MAX) {
		u->at_audits++;
		sim_json_escape(extra, sizeof extra - 2, u->at_buf, u->at_len);
		strcat(extra, "\"");
		sim_audit_event(m->audit, sim_modem_now(m), "at_in_xmodem_window", "%s", extra);
	}
	snprintf(line, sizeof line, "AT in the XMODEM window, not executed");
	sim_log_line(m->audit, sim_modem_now(m), "#", line, strlen(line));
	/* note §7: R410M/R412M answer a Table 7 command with an error during
	 * a download; the line is not executed either way */
	memcpy(line, u->at_buf, u->at_len);
	line[u->at_len] = '\0';
	if (r422(m) || m->pending || sim_at_parse(line, &req) != SIM_PARSE_OK)
		return;
	if (sim_download_check(m, &req) != SIM_OK)
		sim_modem_final(m, SIM_CME_FOTA_IN_USE);
}

/* Follows the bytes the receiver consumed; garbage_a: this byte was an
 * 'A' the receiver rejected where a header was due. */
static void at_scan(struct sim_modem *m, struct sim_ufwupd *u, uint8_t c, bool garbage_a)
{
	if (garbage_a && u->at_state != 2) {
		u->at_state = 1;
		u->at_buf[0] = (char)c;
		u->at_len = 1;
		return;
	}
	switch (u->at_state) {
	case 1:
		u->at_state = (c == 'T' || c == 't') ? 2 : 0;
		u->at_buf[u->at_len++] = (char)c;
		break;
	case 2:
		if (c == '\r') {
			u->at_state = 0;
			at_line(m, u);
		} else if (c < 0x20 || c > 0x7e || u->at_len >= SIM_UFW_AT_MAX) {
			u->at_state = 0;
		} else {
			u->at_buf[u->at_len++] = (char)c;
		}
		break;
	default:
		break;
	}
}

static size_t ufw_input(struct sim_modem *m, void *ctx, const uint8_t *p, size_t n)
{
	struct sim_ufwupd *u = ctx;
	uint64_t now = sim_modem_now(m);
	size_t i = 0;

	if (u->phase == SIM_UFW_WINDOW) {
		/* a timeout due before these bytes came ends the window first */
		simx_tick(&u->x, now);
		flush(m, u);
		if (simx_status(&u->x) == SIMX_TIMEOUT) {
			ended(m, u);
			return 0; /* the bytes go to the AT parser */
		}
	}
	while (i < n && u->phase == SIM_UFW_WINDOW && simx_status(&u->x) == SIMX_RUNNING) {
		size_t used, end = i;
		if (p[i] == 'A' || p[i] == 'a') {
			uint32_t garbage = simx_stats(&u->x)->garbage;
			used = simx_input(&u->x, p + i, 1, now);
			flush(m, u);
			if (!used)
				break;
			at_scan(m, u, p[i], simx_stats(&u->x)->garbage != garbage);
			i++;
			continue;
		}
		while (end < n && p[end] != 'A' && p[end] != 'a')
			end++;
		used = simx_input(&u->x, p + i, end - i, now);
		flush(m, u);
		for (size_t k = i; k < i + used; k++)
			at_scan(m, u, p[k], false);
		i += used;
		if (!used)
			break;
	}
	if (u->phase == SIM_UFW_WINDOW) {
		if (simx_status(&u->x) != SIMX_RUNNING)
			ended(m, u);
		else
			rearm(m, u);
		if (i < n && u->phase == SIM_UFW_WINDOW)
			return i; /* reply buffer full: the rest comes again */
	}
	if (u->phase == SIM_UFW_LINGER && i < n) {
		/* ACKs a resent EOT; the rest of a cancelled stream is eaten */
		simx_input(&u->x, p + i, n - i, now);
		flush(m, u);
		u->linger_end = now + line_ms(m, 1000, 50);
		if (u->linger_end > u->linger_cap)
			u->linger_end = u->linger_cap;
		rearm(m, u);
		i = n;
	}
	return i;
}

static const struct sim_input_engine ufw_engine = {.input = ufw_input};

static void prep_done(void *ctx, int arg)
{
	struct sim_modem *m = ctx;
	struct sim_ufwupd *u = state(m);
	struct simx_config cfg;
	(void)arg;
	u->timer = 0;
	if (sim_fota_begin(&u->dl, m->flash) != 0) {
		u->phase = SIM_UFW_IDLE;
		sim_download_end(m);
		sim_modem_final(m, SIM_CME_MEMORY_FAILURE);
		return;
	}
	if (r422(m)) {
		sim_modem_urc(m, "+UFWUPD: ONGOING");
	} else {
		/* note §5.1.2.1: "+UFWUPD: ONGOING OK", then the window */
		sim_modem_info(m, "+UFWUPD: ONGOING");
		sim_modem_final(m, SIM_OK);
	}
	simx_config_default(&cfg);
	/* note §5.1.1: 109 s on the R422 family; §5.1.2: ~2 min on R410M/
	 * R412M, with the same 'C' then NAK start sequence */
	cfg.start_window_ms = m->v->t.xmodem_window_ms;
	cfg.block_timeout_ms = line_ms(m, cfg.block_timeout_ms, 1000);
	cfg.char_timeout_ms = line_ms(m, cfg.char_timeout_ms, 500);
	cfg.purge_ms = line_ms(m, cfg.purge_ms, 100);
	cfg.purge_max_ms = line_ms(m, cfg.purge_max_ms, 1000);
	cfg.sink = sink;
	cfg.sink_ctx = u;
	simx_init(&u->x, &cfg, sim_modem_now(m));
	u->phase = SIM_UFW_WINDOW;
	u->at_state = 0;
	u->at_audits = 0;
	flush(m, u);
	sim_modem_take_input(m, &ufw_engine, u);
	rearm(m, u);
}

static int cmd_ufwupd(struct sim_modem *m, const struct sim_at_req *req)
{
	struct sim_ufwupd *u = state(m);
	long type;
	if (req->type == SIM_AT_TEST) {
		/* AT-FACTS, note §5.1.2.1 example */
		sim_modem_info(m, "+UFWUPD: (3)");
		return SIM_OK;
	}
	if (req->argc != 1 || sim_arg_num(req, 0, 3, 3, &type) != SIM_OK)
		return SIM_CME_INCORRECT_PARAMS;
	if (u->phase != SIM_UFW_IDLE || sim_download_active(m) != SIM_DL_NONE)
		return SIM_CME_FOTA_IN_USE;
	sim_download_begin(m, SIM_DL_UFWUPD);
	u->phase = SIM_UFW_PREP;
	/* note §5.1.1: ~5 s, §5.1.2: ~20 s to prepare */
	u->timer = sim_modem_after(m, m->v->t.foat_prep_ms, prep_done, 0);
	return SIM_PENDING;
}

/* A reset or power cut ends a transfer (note §5.1: normal mode after a
 * power loss); the FOTA area's power-on removes the partial package. */
static void power_off(struct sim_modem *m, void *st)
{
	struct sim_ufwupd *u = st;
	(void)m;
	sim_fota_close(&u->dl);
}

static const struct sim_cmd cmds[] = {
	/* note Table 1: FOAT; =? and =3 only (docs/behaviour.md) */
	{.name = "+UFWUPD",
	 .forms = SIM_FORM_SET | SIM_FORM_TEST,
	 .cap = SIM_CAP_FOAT,
	 .modes = SIM_IN_AT,
	 .fn = cmd_ufwupd},
	{.name = NULL},
};

const struct sim_feature sim_feature_ufwupd = {
	.name = "ufwupd",
	.cmds = cmds,
	.state_size = sizeof(struct sim_ufwupd),
	.power_off = power_off,
};

/* The host's uFOTA duties (note §2): the URC parser with every form and a
 * table of bad input; the monitor replaying the note's §2.6.1.1
 * transcripts of both families and the legacy §2.6.1.2 transcript line
 * by line against a module on a fake clock; failure codes; the cancel
 * window (§2.6.5); the 180 s failsafe (§2.6.4); a host that reboots in
 * the middle of the download or the install; and the controls (§2.5,
 * §2.8.3, §2.8.4) against a scripted module. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sarafw/dev.h"
#include "sarafw/error.h"
#include "sarafw/persist.h"
#include "sarafw/ufota.h"
#include "sarafw/variant.h"

#include "scripted_port.h"

#define S 1000u
#define MIN (60u * S)

/* ---- the parser -------------------------------------------------------------- */

typedef struct {
	const char *line;
	bool legacy;
	int kind;
	int server;
	int value;
	int value2;
	const char *uri;
} good_case;

static const good_case good[] = {
	/* §2.2.1, §2.2.2, §2.3, §2.6.1.1 */
	{ "+UFOTASTAT: 1,0,0", false, SARAFW_UFOTA_U_DL_START, 0, 0, 0, NULL },
	{ "+UFOTASTAT: 0,1,30", false, SARAFW_UFOTA_U_DL_PROGRESS, 0, 30, 0, NULL },
	{ "+UFOTASTAT: 0,1,63", false, SARAFW_UFOTA_U_DL_PROGRESS, 0, 63, 0, NULL },
	{ "+UFOTASTAT: 2,2,100", false, SARAFW_UFOTA_U_DL_DONE, 0, 100, 0, NULL },
	{ "+UFOTASTAT: 2,3,100", false, SARAFW_UFOTA_U_DL_CANCELLED, 0, 100, 0, NULL },
	{ "+UFOTASTAT: 2,3,102", false, SARAFW_UFOTA_U_DL_FAILED, 0, 102, 0, NULL },
	{ "+UFOTASTAT: 2,3,105", false, SARAFW_UFOTA_U_DL_FAILED, 0, 105, 0, NULL },
	{ "+UFOTASTAT: 3,1,0", false, SARAFW_UFOTA_U_FOTA_STATUS, 0, 1, 0, NULL },
	{ "+UFOTASTAT: 3,0,1", false, SARAFW_UFOTA_U_FOTA_STATUS, 0, 0, 1, NULL },
	{ "+UFOTASTAT: 3,100,0", false, SARAFW_UFOTA_U_FOTA_STATUS, 0, 100, 0, NULL },
	/* B.1.2 prints spaces after the commas */
	{ "+UFOTASTAT: 1, 0, 0", false, SARAFW_UFOTA_U_DL_START, 0, 0, 0, NULL },
	{ "+UFOTASTAT: 2, 2, 100", false, SARAFW_UFOTA_U_DL_DONE, 0, 100, 0, NULL },
	{ "+ULWM2MSTAT: 1,721,3", false, SARAFW_UFOTA_U_REGISTRATION, 721, 3, 0, NULL },
	{ "+ULWM2MSTAT: 1, 102, 3", false, SARAFW_UFOTA_U_REGISTRATION, 102, 3, 0, NULL },
	{ "+ULWM2MSTAT: 3,721,/5/0/3", false, SARAFW_UFOTA_U_NOTIFY, 721, 0, 0, "/5/0/3" },
	{ "+ULWM2MSTAT: 3, 721, /5/0/3", false, SARAFW_UFOTA_U_NOTIFY, 721, 0, 0, "/5/0/3" },
	{ "+ULWM2MSTAT: 3,721,\"/5/0/5\"", false, SARAFW_UFOTA_U_NOTIFY, 721, 0, 0, "/5/0/5" },
	{ "+ULWM2MSTAT: 4,6", false, SARAFW_UFOTA_U_CLIENT, 0, 6, 0, NULL },
	{ "+ULWM2MSTAT: 0, 0, 10", false, SARAFW_UFOTA_U_BOOTSTRAP, 0, 10, 0, NULL },
	{ "+ULWM2MSTAT: 0, 0, 14", false, SARAFW_UFOTA_U_BOOTSTRAP, 0, 14, 0, NULL },
	{ "+ULWM2MSTAT: 2,721,3600", false, SARAFW_UFOTA_U_REG_TIMER, 721, 3600, 0, NULL },
	/* §2.6.1.2, §2.2.2, §2.3 (legacy) */
	{ "+ULWM2MSTAT: 0,0", true, SARAFW_UFOTA_U_DL_START, 0, 0, 0, NULL },
	{ "+ULWM2MSTAT: 1,5", true, SARAFW_UFOTA_U_DL_PROGRESS, 0, 5, 0, NULL },
	{ "+ULWM2MSTAT: 1,63", true, SARAFW_UFOTA_U_DL_PROGRESS, 0, 63, 0, NULL },
	{ "+ULWM2MSTAT: 2,100", true, SARAFW_UFOTA_U_DL_DONE, 0, 100, 0, NULL },
	{ "+ULWM2MSTAT: 3,100", true, SARAFW_UFOTA_U_DL_CANCELLED, 0, 100, 0, NULL },
	{ "+ULWM2MSTAT: 3,102", true, SARAFW_UFOTA_U_DL_FAILED, 0, 102, 0, NULL },
	/* §2.4, §2.6.1.1 */
	{ "+UUFWINSTALL: 1", false, SARAFW_UFOTA_U_INSTALL, 0, 1, 0, NULL },
	{ "+UFWINSTALL: 92", false, SARAFW_UFOTA_U_INSTALL, 0, 92, 0, NULL },
	{ "+UFWINSTALL: 128", true, SARAFW_UFOTA_U_INSTALL, 0, 128, 0, NULL },
};

static void test_parse_good(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		sarafw_ufota_urc u;
		const good_case *g = &good[i];
		if (sarafw_ufota_parse(g->line, g->legacy, &u) != SARAFW_OK)
			fail_msg("refused: %s", g->line);
		assert_int_equal(u.kind, g->kind);
		assert_int_equal(u.server, g->server);
		assert_int_equal(u.value, g->value);
		assert_int_equal(u.value2, g->value2);
		if (g->uri)
			assert_string_equal(u.uri, g->uri);
		assert_true(sarafw_ufota_is_urc(g->line));
	}
}

typedef struct {
	const char *line;
	bool legacy;
} bad_case;

static const bad_case bad[] = {
	{ "", false }, { "+UFOTASTAT:", false }, { "+UFOTASTAT: ", false }, { "+UFOTASTAT", false },
	{ "UFOTASTAT: 1,0,0", false }, { "+UFOTASTAT: 1,0", false }, { "+UFOTASTAT: 1,0,0,0", false },
	{ "+UFOTASTAT: 1,0,1", false }, { "+UFOTASTAT: 0,1,101", false }, { "+UFOTASTAT: 0,2,30", false },
	{ "+UFOTASTAT: 0,1,-5", false }, { "+UFOTASTAT: 0,1,3x", false }, { "+UFOTASTAT: 0,1,", false },
	{ "+UFOTASTAT: ,1,30", false }, { "+UFOTASTAT: 2,2,99", false }, { "+UFOTASTAT: 2,4,100", false },
	{ "+UFOTASTAT: 2,3,200", false }, { "+UFOTASTAT: 3,10,0", false }, { "+UFOTASTAT: 3,1,4", false },
	{ "+UFOTASTAT: 4,0,0", false }, { "+UFOTASTAT: 0,1,0000030", false }, { "+UFOTASTAT: a,b,c", false },
	{ "+UFOTASTAT: 0 1 30", false }, { "+UFOTASTAT: 0,1,30,,", false },
	{ "+ULWM2MSTAT: 1,721", false }, { "+ULWM2MSTAT: 1,721,17", false }, { "+ULWM2MSTAT: 1,65536,3", false },
	{ "+ULWM2MSTAT: 3,721,5/0/3", false }, { "+ULWM2MSTAT: 3,721,", false }, { "+ULWM2MSTAT: 3,721,\"\"", false },
	{ "+ULWM2MSTAT: 3,721,/5/0 /3", false }, { "+ULWM2MSTAT: 4", false }, { "+ULWM2MSTAT: 4,1,2", false },
	{ "+ULWM2MSTAT: 5,721,3", false }, { "+ULWM2MSTAT: 0,0,10,1", false },
	/* legacy: a new form or an unknown one */
	{ "+ULWM2MSTAT: 1,721,3", true }, { "+ULWM2MSTAT: 2,99", true }, { "+ULWM2MSTAT: 1,101", true },
	{ "+ULWM2MSTAT: 0,1", true }, { "+ULWM2MSTAT: 4,6", true }, { "+ULWM2MSTAT: 3,99", true },
	{ "+ULWM2MSTAT: 1", true },
	{ "+UFWINSTALL:", false }, { "+UFWINSTALL: 256", false }, { "+UFWINSTALL: 1,2", false },
	{ "+UUFWINSTALL: x", false }, { "+CEREG: 1,\"2809\",\"9EBB03\",7", false }, { "OK", false },
};

static void test_parse_bad(void **state)
{
	static const sarafw_ufota_urc zero;
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		sarafw_ufota_urc u;
		memset(&u, 0x5A, sizeof u);
		if (sarafw_ufota_parse(bad[i].line, bad[i].legacy, &u) != SARAFW_EPROTO)
			fail_msg("accepted: '%s' (legacy %d)", bad[i].line, bad[i].legacy);
		assert_memory_equal(&u, &zero, sizeof u);
	}
	assert_int_equal(sarafw_ufota_parse(NULL, false, NULL), SARAFW_EINVAL);
	/* a long URI is cut to fit, with its terminator */
	sarafw_ufota_urc u;
	assert_int_equal(sarafw_ufota_parse("+ULWM2MSTAT: 3,721,/5/0/3/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false, &u),
			 SARAFW_OK);
	assert_int_equal(strlen(u.uri), SARAFW_UFOTA_URI_MAX - 1);
}

static void test_texts(void **state)
{
	(void)state;
	assert_string_equal(sarafw_ufota_dl_text(102), "network error");
	assert_string_equal(sarafw_ufota_dl_text(100), "cancelled by the host");
	assert_string_equal(sarafw_ufota_dl_text(150), "unknown download error");
	assert_string_equal(sarafw_ufota_result_text(5), "integrity check failure of the package");
	assert_string_equal(sarafw_ufota_result_text(42), "unknown update result");
	assert_string_equal(sarafw_ufota_lwm2m_status_text(3), "registration success");
	assert_string_equal(sarafw_ufota_lwm2m_status_text(14), "bootstrap finished");
	assert_string_equal(sarafw_ufota_lwm2m_status_text(-1), "unknown status");
	assert_string_equal(sarafw_ufota_fota_state_text(2), "downloaded");
	assert_string_equal(sarafw_ufota_state_name(SARAFW_UFOTA_REBOOTING), "rebooting");
}

/* ---- the module on a fake clock ------------------------------------------------- */

typedef struct {
	uint32_t at;      /* module time */
	const char *line; /* a URC, or one of the actions below */
} beat;

#define GO_SILENT "<reset>"   /* the module resets: no AT */
#define COME_BACK "<back>"    /* it answers AT again, with new_version */

typedef struct {
	fake f;
	sarafw_port port;
	sarafw_dev dev;
	char line[1024];
	const beat *beats;
	size_t n_beats, next_beat;
	bool silent;
	bool cancel_refused;
	int fw_state; /* /5/0/3 for +ULWM2MREAD; -1: plain OK */
	char version[48];
	const char *new_version;
	char sent[1024][80]; /* commands the host sent */
	uint32_t sent_at[1024];
	int n_sent;
	int resets;
	uint32_t reset_at;
	/* the host's storage */
	uint8_t rec[64];
	int rec_len;
	int saves;
	uint8_t rec_states[16];
	int n_rec_states;
	/* what the monitor told */
	uint8_t states[32];
	int n_states;
	int progress[64];
	int n_progress;
	int sockets, updated, cancels, failsafes, urcs;
	uint32_t sockets_at;
	bool allow_download, allow_failsafe;
	int asked_download, asked_failsafe;
} rig;

static void release(rig *r)
{
	char buf[96];
	while (r->next_beat < r->n_beats && (int32_t)(r->f.clock - r->beats[r->next_beat].at) >= 0) {
		const char *l = r->beats[r->next_beat++].line;
		if (strcmp(l, GO_SILENT) == 0) {
			r->silent = true;
		} else if (strcmp(l, COME_BACK) == 0) {
			r->silent = false;
			if (r->new_version)
				snprintf(r->version, sizeof r->version, "%s", r->new_version);
		} else {
			snprintf(buf, sizeof buf, "\r\n%s\r\n", l);
			queue(&r->f, buf);
		}
	}
}

static int m_write(void *ctx, const uint8_t *buf, size_t len)
{
	rig *r = ctx;
	fake *f = &r->f;
	char out[96];
	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\r') {
			if (f->cmd_len < sizeof f->cmd - 1)
				f->cmd[f->cmd_len++] = (char)buf[i];
			continue;
		}
		f->cmd[f->cmd_len] = '\0';
		f->cmd_len = 0;
		if (r->n_sent < 1024) {
			snprintf(r->sent[r->n_sent], sizeof r->sent[0], "%.79s", f->cmd);
			r->sent_at[r->n_sent++] = f->clock;
		}
		if (r->silent)
			continue;
		if (strcmp(f->cmd, "ATI9") == 0) {
			snprintf(out, sizeof out, "\r\n%s\r\n\r\nOK\r\n", r->version);
			queue(f, out);
		} else if (strcmp(f->cmd, "AT+CGMR") == 0) {
			snprintf(out, sizeof out, "\r\n%.*s\r\n\r\nOK\r\n", (int)strcspn(r->version, ","), r->version);
			queue(f, out);
		} else if (strcmp(f->cmd, "AT+ULWM2MREAD=\"/5/0/3\"") == 0 && r->fw_state >= 0) {
			snprintf(out, sizeof out, "\r\n+ULWM2MREAD: {\"bn\":\"/5/0/\",\"e\":[{\"n\":\"3\",\"v\":%d}]}\r\n\r\nOK\r\n",
				 r->fw_state);
			queue(f, out);
		} else if ((strcmp(f->cmd, "AT+UFOTA=0") == 0 || strcmp(f->cmd, "AT+ULWM2M=0") == 0) && r->cancel_refused) {
			queue(f, "\r\nERROR\r\n");
		} else {
			queue(f, "\r\nOK\r\n");
		}
	}
	return (int)len;
}

static int m_read(void *ctx, uint8_t *buf, size_t len, uint32_t timeout_ms)
{
	rig *r = ctx;
	release(r);
	if (r->f.out_pos == r->f.out_len) {
		/* time passes up to the next beat at most */
		uint32_t t = timeout_ms;
		if (r->next_beat < r->n_beats && r->beats[r->next_beat].at - r->f.clock < t)
			t = r->beats[r->next_beat].at - r->f.clock;
		r->f.clock += t ? t : 1;
		release(r);
		return 0;
	}
	return f_read(&r->f, buf, len, timeout_ms);
}

static uint32_t m_now(void *ctx)
{
	return ((rig *)ctx)->f.clock;
}

static int m_reset(void *ctx)
{
	rig *r = ctx;
	r->resets++;
	r->reset_at = r->f.clock;
	r->silent = true; /* it resets into the install */
	return SARAFW_OK;
}

static int m_save(void *ctx, const void *rec, size_t len)
{
	rig *r = ctx;
	sarafw_persist p;
	assert_true(len <= sizeof r->rec);
	memcpy(r->rec, rec, len);
	r->rec_len = (int)len;
	r->saves++;
	assert_int_equal(sarafw_persist_decode(&p, rec, len), SARAFW_OK);
	/* the sequence of states, repeats (progress saves) folded */
	if (r->n_rec_states < 16 && (!r->n_rec_states || r->rec_states[r->n_rec_states - 1] != p.state))
		r->rec_states[r->n_rec_states++] = (uint8_t)p.state;
	return SARAFW_OK;
}

static int m_load(void *ctx, void *rec, size_t len)
{
	rig *r = ctx;
	size_t n = (size_t)r->rec_len < len ? (size_t)r->rec_len : len;
	memcpy(rec, r->rec, n);
	return (int)n;
}

static void on_event(void *ctx, const sarafw_ufota *mon, sarafw_ufota_event ev, const sarafw_ufota_urc *u)
{
	rig *r = ctx;
	switch (ev) {
	case SARAFW_UFOTA_EV_STATE:
		if (r->n_states < 32)
			r->states[r->n_states++] = (uint8_t)sarafw_ufota_get_state(mon);
		break;
	case SARAFW_UFOTA_EV_PROGRESS:
		if (r->n_progress < 64)
			r->progress[r->n_progress++] = (int)sarafw_ufota_percent(mon);
		break;
	case SARAFW_UFOTA_EV_SOCKETS:
		r->sockets++;
		r->sockets_at = r->f.clock;
		break;
	case SARAFW_UFOTA_EV_UPDATED:
		r->updated++;
		break;
	case SARAFW_UFOTA_EV_CANCEL:
		r->cancels++;
		break;
	case SARAFW_UFOTA_EV_FAILSAFE:
		r->failsafes++;
		break;
	case SARAFW_UFOTA_EV_URC:
		assert_non_null(u);
		r->urcs++;
		break;
	}
}

static bool on_decide(void *ctx, sarafw_ufota_question q)
{
	rig *r = ctx;
	if (q == SARAFW_UFOTA_ASK_DOWNLOAD) {
		r->asked_download++;
		return r->allow_download;
	}
	r->asked_failsafe++;
	return r->allow_failsafe;
}

/* A fresh host (dev) on the same module and storage. */
static void host_up(rig *r, const char *variant)
{
	r->port = (sarafw_port){ .ctx = r, .write = m_write, .read = m_read, .now_ms = m_now, .reset = m_reset,
				 .save_state = m_save, .load_state = m_load };
	sarafw_dev_config cfg = { .port = &r->port, .line_buf = r->line, .line_buf_size = sizeof r->line };
	assert_int_equal(sarafw_dev_init(&r->dev, &cfg), SARAFW_OK);
	r->dev.variant = sarafw_variant_by_name(variant);
	assert_non_null(r->dev.variant);
}

static void rig_up(rig *r, const char *variant, const beat *beats, size_t n, const char *old_v, const char *new_v)
{
	memset(r, 0, sizeof *r);
	r->f.chunk = 7;
	r->beats = beats;
	r->n_beats = n;
	snprintf(r->version, sizeof r->version, "%s", old_v);
	r->new_version = new_v;
	r->allow_download = r->allow_failsafe = true;
	r->fw_state = -1;
	host_up(r, variant);
}

static sarafw_ufota_config config(rig *r)
{
	return (sarafw_ufota_config){
		.host_baud = 115200,
		.start = SARAFW_UFOTA_START_URCS | SARAFW_UFOTA_START_INSTALL | SARAFW_UFOTA_START_VERSION,
		.urcs = SARAFW_URC_UFOTASTAT | SARAFW_URC_ULWM2MSTAT,
		.stop_at_end = true,
		.decide = on_decide,
		.event = on_event,
		.ctx = r,
	};
}

/* Step the monitor until its status leaves RUNNING or the clock passes until. */
static int run_until(rig *r, sarafw_ufota *mon, uint32_t until)
{
	int rc;
	do
		rc = sarafw_dev_step(&r->dev, &sarafw_ufota_engine, mon, 500);
	while (rc == SARAFW_RUNNING && (int32_t)(r->f.clock - until) < 0);
	return rc;
}

static int sent_index(const rig *r, const char *cmd, int from)
{
	for (int i = from; i < r->n_sent; i++)
		if (strcmp(r->sent[i], cmd) == 0)
			return i;
	return -1;
}

static int count_sent(const rig *r, const char *cmd)
{
	int n = 0;
	for (int i = 0; i < r->n_sent; i++)
		n += strcmp(r->sent[i], cmd) == 0;
	return n;
}

static bool has_state(const rig *r, int s)
{
	for (int i = 0; i < r->n_states; i++)
		if (r->states[i] == s)
			return true;
	return false;
}

/* ---- §2.6.1.1, SARA-R422 family --------------------------------------------------- */

static const beat r422_transcript[] = {
	{ 1 * S, "+UFOTASTAT: 3,1,0" },      /* LwM2M client start */
	{ 2 * S, "+ULWM2MSTAT: 1,721,3" },   /* registered with 721 */
	{ 10 * S, "+UFOTASTAT: 1,0,0" },     /* download triggered */
	{ 40 * S, "+UFOTASTAT: 0,1,30" },
	{ 80 * S, "+UFOTASTAT: 0,1,65" },
	{ 120 * S, "+UFOTASTAT: 2,2,100" },
	{ 121 * S, "+ULWM2MSTAT: 3,721,/5/0/3" },
	{ 150 * S, GO_SILENT },              /* <Module reboot> */
	{ 160 * S, "+UFWINSTALL: 1" },
	{ 200 * S, "+UFWINSTALL: 3" },
	{ 400 * S, "+UFWINSTALL: 92" },
	{ 420 * S, "+UFWINSTALL: 100" },
	{ 425 * S, "+UFWINSTALL: 128" },
	{ 440 * S, COME_BACK },              /* <Module reboot>, AT OK */
};

static void test_transcript_r422(void **state)
{
	rig r;
	sarafw_ufota mon;
	(void)state;
	rig_up(&r, "SARA-R422S", r422_transcript, sizeof r422_transcript / sizeof r422_transcript[0], "00.12,A00.00",
	       "00.13,A00.01");
	sarafw_ufota_config cfg = config(&r);
	assert_int_equal(sarafw_ufota_start(&mon, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_int_equal(run_until(&r, &mon, 30 * MIN), SARAFW_OK);
	/* switched on at start (§2.6.1.1), the version read before */
	assert_string_equal(r.sent[0], "AT+UFOTASTAT=1");
	assert_string_equal(r.sent[1], "AT+ULWM2MSTAT=1");
	assert_string_equal(r.sent[2], "AT+UFWINSTALL=,,,1");
	assert_string_equal(r.sent[3], "ATI9");
	assert_string_equal(r.sent[4], "AT+ULWM2MREAD=\"/5/0/3\"");
	assert_string_equal(sarafw_ufota_old_version(&mon), "00.12,A00.00");
	/* the states in order */
	static const uint8_t want[] = { SARAFW_UFOTA_DOWNLOADING, SARAFW_UFOTA_DOWNLOADED, SARAFW_UFOTA_INSTALLING,
					SARAFW_UFOTA_REBOOTING, SARAFW_UFOTA_DONE };
	assert_int_equal(r.n_states, sizeof want);
	assert_memory_equal(r.states, want, sizeof want);
	/* download 30, 65; the check loop found the module gone before
	 * +UFWINSTALL: 1, so the install's 1, 3, 92, 100 all come */
	static const int pct[] = { 30, 65, 1, 3, 92, 100 };
	assert_int_equal(r.n_progress, sizeof pct / sizeof pct[0]);
	assert_memory_equal(r.progress, pct, sizeof pct);
	assert_int_equal(r.asked_download, 1);
	assert_int_equal(r.sockets, 1);
	assert_true(r.sockets_at <= 121 * S); /* §2.6.3: before or with the end */
	assert_int_equal(r.updated, 1);
	assert_int_equal(r.resets, 0); /* the module reset by itself within 180 s */
	assert_int_equal(r.asked_failsafe, 0);
	assert_string_equal(sarafw_ufota_version(&mon), "00.13,A00.01");
	assert_string_equal(sarafw_ufota_reason(&mon), "");
	/* after (§2.6.1): URCs on again; the R422 family backs up by itself */
	int i = sent_index(&r, "ATI9", 4);
	assert_true(i > 0);
	assert_true(sent_index(&r, "AT+UFOTASTAT=1", i) > i);
	assert_true(sent_index(&r, "AT+ULWM2MSTAT=1", i) > i);
	assert_int_equal(count_sent(&r, "AT+UBKUPDATA"), 0);
	/* nothing but AT checks while it installed */
	for (int k = 0; k < r.n_sent; k++)
		if (r.sent_at[k] > 150 * S && r.sent_at[k] < 440 * S)
			assert_string_equal(r.sent[k], "AT");
	/* the record: downloading, stored, installing, idle */
	static const uint8_t recs[] = { SARAFW_PERSIST_DOWNLOADING, SARAFW_PERSIST_STORED, SARAFW_PERSIST_INSTALLING,
					SARAFW_PERSIST_IDLE };
	assert_true(r.n_rec_states >= 4);
	assert_memory_equal(r.rec_states, recs, sizeof recs);
	assert_int_equal(r.rec_states[r.n_rec_states - 1], SARAFW_PERSIST_IDLE);
	assert_int_equal(r.dev.guard, SARAFW_DL_NONE);
}

/* ---- §2.6.1.1, SARA-R410M/R412M: no install URCs, the check loop -------------------- */

static const beat r410_transcript[] = {
	{ 1 * S, "+UFOTASTAT: 3,1,0" },
	{ 2 * S, "+ULWM2MSTAT: 1,721,3" },
	{ 10 * S, "+UFOTASTAT: 1,0,0" },
	{ 40 * S, "+UFOTASTAT: 0,1,30" },
	{ 80 * S, "+UFOTASTAT: 0,1,65" },
	{ 120 * S, "+UFOTASTAT: 2,2,100" },
	{ 121 * S, "+ULWM2MSTAT: 3,721,/5/0/3" },
	{ 140 * S, GO_SILENT },
	{ 140 * S + 18 * MIN, COME_BACK },
};

static void test_transcript_r410_02b03(void **state)
{
	rig r;
	sarafw_ufota mon;
	(void)state;
	rig_up(&r, "SARA-R410M-02B-03", r410_transcript, sizeof r410_transcript / sizeof r410_transcript[0],
	       "L0.0.00.00.05.12,A.02.19", "L9.9.00.00.05.12,A.02.19");
	sarafw_ufota_config cfg = config(&r);
	assert_int_equal(sarafw_ufota_start(&mon, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_int_equal(run_until(&r, &mon, 40 * MIN), SARAFW_OK);
	/* no AT+UFWINSTALL on this family (Table 2) */
	assert_int_equal(count_sent(&r, "AT+UFWINSTALL=,,,1"), 0);
	assert_true(has_state(&r, SARAFW_UFOTA_INSTALLING));
	assert_int_equal(sarafw_ufota_get_state(&mon), SARAFW_UFOTA_DONE);
	assert_string_equal(sarafw_ufota_version(&mon), "L9.9.00.00.05.12,A.02.19");
	assert_int_equal(r.resets, 0);
	/* the module went quiet 20 s after the download: well within the
	 * failsafe window, nobody asked */
	assert_int_equal(r.asked_failsafe, 0);
	/* §2.6.6.1: 02B-03 has Backup & Restore: +UBKUPDATA after the update */
	assert_int_equal(count_sent(&r, "AT+UBKUPDATA"), 1);
	assert_true(sent_index(&r, "AT+CGMR", 0) > 0);
	assert_int_equal(r.updated, 1);
}

/* ---- §2.6.1.2, the legacy transcript (SARA-R410M-02B-01) ----------------------------- */

static const beat legacy_transcript[] = {
	{ 5 * S, "+ULWM2MSTAT: 0,0" },
	{ 20 * S, "+ULWM2MSTAT: 1,5" },
	{ 40 * S, "+ULWM2MSTAT: 1,35" },
	{ 60 * S, "+ULWM2MSTAT: 1,78" },
	{ 80 * S, "+ULWM2MSTAT: 1,98" },
	{ 90 * S, "+ULWM2MSTAT: 2,100" },
	{ 100 * S, GO_SILENT },
	{ 100 * S + 15 * MIN, COME_BACK },
};

static void test_transcript_legacy(void **state)
{
	rig r;
	sarafw_ufota mon;
	(void)state;
	rig_up(&r, "SARA-R410M-02B-01", legacy_transcript, sizeof legacy_transcript / sizeof legacy_transcript[0],
	       "M0.11.01,A.02.17", "M0.11.02,A.02.17");
	sarafw_ufota_config cfg = config(&r);
	assert_int_equal(sarafw_ufota_start(&mon, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_int_equal(run_until(&r, &mon, 40 * MIN), SARAFW_OK);
	/* Table 2: +ULWM2MSTAT only */
	assert_string_equal(r.sent[0], "AT+ULWM2MSTAT=1");
	assert_int_equal(count_sent(&r, "AT+UFOTASTAT=1"), 0);
	static const int pct[] = { 5, 35, 78, 98 };
	assert_true(r.n_progress >= 4);
	assert_memory_equal(r.progress, pct, sizeof pct);
	assert_int_equal(r.sockets, 1); /* at 98 % */
	assert_true(r.sockets_at >= 80 * S && r.sockets_at < 90 * S);
	assert_int_equal(sarafw_ufota_get_state(&mon), SARAFW_UFOTA_DONE);
	assert_string_equal(sarafw_ufota_version(&mon), "M0.11.02,A.02.17");
	assert_int_equal(count_sent(&r, "AT+UBKUPDATA"), 0); /* §2.6.6.1: not on 02B-01 */
	assert_int_equal(r.resets, 0);
}

/* §2.6.2 (52B): the server reboots the module, a ~4 kB configuration
 * file comes and the module reboots on the same firmware; then the delta. */
static const beat config_step[] = {
	{ 5 * S, "+ULWM2MSTAT: 0,0" },
	{ 8 * S, "+ULWM2MSTAT: 2,100" },     /* the configuration file */
	{ 20 * S, GO_SILENT },
	{ 45 * S, COME_BACK },               /* the same firmware */
	{ 3 * MIN, "+ULWM2MSTAT: 0,0" },     /* the delta */
	{ 4 * MIN, "+ULWM2MSTAT: 1,50" },
	{ 5 * MIN, "+ULWM2MSTAT: 2,100" },
	{ 5 * MIN + 10 * S, GO_SILENT },
	{ 20 * MIN, COME_BACK },
};

static void test_config_step(void **state)
{
	rig r;
	sarafw_ufota mon;
	(void)state;
	rig_up(&r, "SARA-R410M-52B", config_step, sizeof config_step / sizeof config_step[0], "L0.0.00.00.05.06,A.02.00",
	       NULL);
	sarafw_ufota_config cfg = config(&r);
	assert_int_equal(sarafw_ufota_start(&mon, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_int_equal(run_until(&r, &mon, 2 * MIN), SARAFW_RUNNING);
	assert_int_equal(sarafw_ufota_get_state(&mon), SARAFW_UFOTA_IDLE); /* not failed */
	r.new_version = "L0.0.00.00.05.07,A.02.00";
	assert_int_equal(run_until(&r, &mon, 40 * MIN), SARAFW_OK);
	assert_string_equal(sarafw_ufota_version(&mon), "L0.0.00.00.05.07,A.02.00");
	assert_int_equal(r.updated, 1);
	assert_int_equal(r.resets, 0);
	/* a reboot too quick for the check loop: the next download says it */
	static const beat quick[] = {
		{ 5 * S, "+ULWM2MSTAT: 0,0" }, { 8 * S, "+ULWM2MSTAT: 2,100" },
		{ 20 * S, GO_SILENT }, { 23 * S, COME_BACK },
		{ 60 * S, "+ULWM2MSTAT: 0,0" }, { 90 * S, "+ULWM2MSTAT: 1,60" },
	};
	rig_up(&r, "SARA-R412M-02B-01", quick, sizeof quick / sizeof quick[0], "L0.0.00.00.05.06,A.02.00", NULL);
	cfg = config(&r);
	assert_int_equal(sarafw_ufota_start(&mon, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_int_equal(run_until(&r, &mon, 100 * S), SARAFW_RUNNING);
	assert_int_equal(sarafw_ufota_get_state(&mon), SARAFW_UFOTA_DOWNLOADING);
	assert_int_equal(sarafw_ufota_percent(&mon), 60);
	assert_int_equal(r.asked_download, 2);
	assert_int_equal(run_until(&r, &mon, 10 * MIN), SARAFW_RUNNING);
	assert_int_equal(r.resets, 0); /* no failsafe for the first one */
	/* elsewhere the same firmware after the reboot is a failure */
	rig_up(&r, "SARA-R410M-02B-02", config_step, sizeof config_step / sizeof config_step[0],
	       "L0.0.00.00.05.06,A.02.00", NULL);
	cfg = config(&r);
	assert_int_equal(sarafw_ufota_start(&mon, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_int_equal(run_until(&r, &mon, 2 * MIN), SARAFW_EVERSION);
}

/* §2.6.2 and §2.6.6 on a legacy version, which has no /5/0/3 to read:
 * the outcome is ATI9 after the last reboot against the expected version.
 * The configuration reboot (a second after its download, 5 s long) is
 * seen by the quick check loop and is no end; the expected version makes
 * the update done, another new one fails it, the old one fails it once
 * the configuration step is behind (also across a host reboot). */
static const beat legacy_flow[] = {
	{ 5 * S, "+ULWM2MSTAT: 0,0" },       /* after the server's reboot: the configuration file */
	{ 6 * S, "+ULWM2MSTAT: 2,100" },
	{ 7 * S, GO_SILENT },                /* its own reboot */
	{ 12 * S, COME_BACK },
	{ 40 * S, "+ULWM2MSTAT: 0,0" },      /* the delta */
	{ 60 * S, "+ULWM2MSTAT: 1,40" },
	{ 80 * S, "+ULWM2MSTAT: 1,80" },
	{ 100 * S, "+ULWM2MSTAT: 2,100" },
	{ 110 * S, GO_SILENT },              /* Execute /5/0/2: the install */
	{ 110 * S + 15 * MIN, COME_BACK },
};

static void test_legacy_expected_version(void **state)
{
	rig r;
	sarafw_ufota mon;
	sarafw_ufota_config cfg;
	const size_t n = sizeof legacy_flow / sizeof legacy_flow[0];
	(void)state;
	/* the expected version comes */
	rig_up(&r, "SARA-R410M-02B-01", legacy_flow, n, "L0.0.00.00.05.06,A.02.01", NULL);
	cfg = config(&r);
	cfg.expect_version = "L0.0.00.00.05.12,A.02.19";
	assert_int_equal(sarafw_ufota_start(&mon, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_int_equal(run_until(&r, &mon, 30 * S), SARAFW_RUNNING);
	assert_int_equal(sarafw_ufota_get_state(&mon), SARAFW_UFOTA_IDLE);
	assert_true(sarafw_ufota_configured(&mon));
	assert_true(has_state(&r, SARAFW_UFOTA_INSTALLING)); /* the reboot was seen, not a download's end */
	assert_false(has_state(&r, SARAFW_UFOTA_FAILED));
	assert_false(has_state(&r, SARAFW_UFOTA_DONE));
	assert_int_equal(r.updated, 0);
	assert_int_equal(r.rec_states[r.n_rec_states - 1], SARAFW_PERSIST_IDLE);
	r.new_version = "L0.0.00.00.05.12,A.02.19";
	assert_int_equal(run_until(&r, &mon, 40 * MIN), SARAFW_OK);
	assert_int_equal(sarafw_ufota_get_state(&mon), SARAFW_UFOTA_DONE);
	assert_string_equal(sarafw_ufota_version(&mon), "L0.0.00.00.05.12,A.02.19");
	assert_false(sarafw_ufota_configured(&mon));
	assert_int_equal(r.updated, 1);
	assert_int_equal(r.asked_download, 2);
	assert_int_equal(r.resets, 0);
	assert_int_equal(count_sent(&r, "AT+ULWM2MREAD=\"/5/0/3\""), 0); /* the legacy versions have none */

	/* the module comes back on a new version, but not the expected one */
	rig_up(&r, "SARA-R410M-02B-01", legacy_flow, n, "L0.0.00.00.05.06,A.02.01", NULL);
	cfg = config(&r);
	cfg.expect_version = "L0.0.00.00.05.12,A.02.19";
	assert_int_equal(sarafw_ufota_start(&mon, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_int_equal(run_until(&r, &mon, 30 * S), SARAFW_RUNNING);
	r.new_version = "L0.0.00.00.05.11,A.02.18";
	assert_int_equal(run_until(&r, &mon, 40 * MIN), SARAFW_EVERSION);
	assert_int_equal(mon.why, SARAFW_UFOTA_WHY_VERSION);
	assert_string_equal(sarafw_ufota_reason(&mon), "the module runs another version than the expected one");
	assert_int_equal(r.updated, 0);
	/* the modem version alone is enough to expect */
	rig_up(&r, "SARA-R410M-02B-01", legacy_flow, n, "L0.0.00.00.05.06,A.02.01", NULL);
	cfg = config(&r);
	cfg.expect_version = "L0.0.00.00.05.12";
	assert_int_equal(sarafw_ufota_start(&mon, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_int_equal(run_until(&r, &mon, 30 * S), SARAFW_RUNNING);
	r.new_version = "L0.0.00.00.05.12,A.02.19";
	assert_int_equal(run_until(&r, &mon, 40 * MIN), SARAFW_OK);

	/* the host reboots after the configuration step; the delta's install
	 * then brings nothing: a failure, not a second configuration step */
	rig_up(&r, "SARA-R410M-02B-01", legacy_flow, n, "L0.0.00.00.05.06,A.02.01", NULL);
	cfg = config(&r);
	cfg.expect_version = "L0.0.00.00.05.12,A.02.19";
	assert_int_equal(sarafw_ufota_start(&mon, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_int_equal(run_until(&r, &mon, 30 * S), SARAFW_RUNNING);
	assert_true(sarafw_ufota_configured(&mon));
	r.f.clock = 35 * S;
	host_up(&r, "SARA-R410M-02B-01");
	sarafw_ufota mon2;
	assert_int_equal(sarafw_ufota_start(&mon2, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_true(sarafw_ufota_configured(&mon2)); /* from the record */
	assert_int_equal(run_until(&r, &mon2, 40 * MIN), SARAFW_EVERSION);
	assert_int_equal(mon2.why, SARAFW_UFOTA_WHY_OLD);
	assert_string_equal(sarafw_ufota_reason(&mon2), "the module still runs the firmware it had");
	assert_int_equal(r.resets, 0);
}

/* note B.1.2 (Verizon, profile 205, SARA-R410M-02B-03): the bootstrap
 * URCs with their spaces, the check-in with 102, a small package without
 * progress (§2.6.1), two notifications and the client status. */
static const beat b12[] = {
	{ 2 * S, "+ULWM2MSTAT: 0, 0, 10" },
	{ 3 * S, "+ULWM2MSTAT: 0, 0, 11" },
	{ 4 * S, "+ULWM2MSTAT: 0, 0, 12" },
	{ 5 * S, "+ULWM2MSTAT: 0, 0, 14" },
	{ 20 * S, "+ULWM2MSTAT: 1, 102, 3" },
	{ 30 * S, "+UFOTASTAT: 1, 0, 0" },
	{ 40 * S, "+UFOTASTAT: 2, 2, 100" },
	{ 41 * S, "+ULWM2MSTAT: 3, 721, /5/0/3" },
	{ 42 * S, "+ULWM2MSTAT: 3, 721, /5/0/3" },
	{ 43 * S, "+ULWM2MSTAT: 4, 6" },
	{ 60 * S, GO_SILENT },
	{ 60 * S + 20 * MIN, COME_BACK },
};

static void test_transcript_b12(void **state)
{
	rig r;
	sarafw_ufota mon;
	(void)state;
	rig_up(&r, "SARA-R410M-02B-03", b12, sizeof b12 / sizeof b12[0], "L0.0.00.00.05.12,A.02.19",
	       "L9.9.00.00.05.12,A.02.19");
	sarafw_ufota_config cfg = config(&r);
	assert_int_equal(sarafw_ufota_start(&mon, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_int_equal(run_until(&r, &mon, 50 * MIN), SARAFW_OK);
	assert_int_equal(r.urcs, 10); /* every line understood */
	assert_int_equal(r.n_progress, 0); /* no download percent came */
	assert_int_equal(r.sockets, 1);    /* with the end, then */
	assert_true(r.sockets_at >= 40 * S && r.sockets_at < 41 * S);
	assert_string_equal(sarafw_ufota_version(&mon), "L9.9.00.00.05.12,A.02.19");
	assert_int_equal(r.updated, 1);
}

/* ---- failures --------------------------------------------------------------------- */

static void one_failure(const char *variant, const beat *beats, size_t n, int want_status, const char *reason)
{
	rig r;
	sarafw_ufota mon;
	rig_up(&r, variant, beats, n, "00.12,A00.00", "00.12,A00.00");
	sarafw_ufota_config cfg = config(&r);
	assert_int_equal(sarafw_ufota_start(&mon, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_int_equal(run_until(&r, &mon, 60 * MIN), want_status);
	assert_int_equal(sarafw_ufota_get_state(&mon), SARAFW_UFOTA_FAILED);
	assert_string_equal(sarafw_ufota_reason(&mon), reason);
	assert_int_equal(r.resets, 0);
	assert_int_equal(r.updated, 0);
	assert_int_equal(r.rec_states[r.n_rec_states - 1], SARAFW_PERSIST_IDLE);
	assert_int_equal(r.dev.guard, SARAFW_DL_NONE);
}

static void test_failures(void **state)
{
	(void)state;
	static const beat network[] = { { 5 * S, "+UFOTASTAT: 1,0,0" }, { 9 * S, "+UFOTASTAT: 0,1,40" },
					{ 12 * S, "+UFOTASTAT: 2,3,102" } };
	one_failure("SARA-R422S", network, 3, SARAFW_EERROR, "network error");
	static const beat url[] = { { 5 * S, "+ULWM2MSTAT: 0,0" }, { 12 * S, "+ULWM2MSTAT: 3,104" } };
	one_failure("SARA-R410M-52B", url, 2, SARAFW_EERROR, "bad package URL");
	static const beat result[] = { { 5 * S, "+UFOTASTAT: 1,0,0" }, { 9 * S, "+UFOTASTAT: 3,5,0" } };
	one_failure("SARA-R410M-63B", result, 2, SARAFW_EFWINSTALL, "integrity check failure of the package");
	static const beat install[] = { { 5 * S, "+UFOTASTAT: 1,0,0" }, { 9 * S, "+UFOTASTAT: 2,2,100" },
					{ 20 * S, GO_SILENT }, { 30 * S, "+UFWINSTALL: 1" },
					{ 60 * S, "+UFWINSTALL: 148" }, { 70 * S, COME_BACK } };
	one_failure("SARA-R422", install, 6, SARAFW_EFWINSTALL, "delta file is corrupted");
	/* no code seen, and the same version afterwards */
	static const beat old[] = { { 5 * S, "+UFOTASTAT: 1,0,0" }, { 9 * S, "+UFOTASTAT: 2,2,100" },
				    { 20 * S, GO_SILENT }, { 10 * MIN, COME_BACK } };
	one_failure("SARA-R410M-73B", old, 4, SARAFW_EVERSION, "the module still runs the firmware it had");
	/* never back within the install time */
	static const beat gone[] = { { 5 * S, "+UFOTASTAT: 1,0,0" }, { 9 * S, "+UFOTASTAT: 2,2,100" },
				     { 20 * S, GO_SILENT } };
	one_failure("SARA-R410M-83B", gone, 3, SARAFW_ENOMODULE, "the module did not answer AT within the install time");
}

/* ---- the cancel window (§2.3, §2.6.5) ------------------------------------------------ */

static void cancel_by_decision(const char *variant, const beat *beats, size_t n, const char *cmd)
{
	rig r;
	sarafw_ufota mon;
	rig_up(&r, variant, beats, n, "00.12,A00.00", NULL);
	r.allow_download = false;
	sarafw_ufota_config cfg = config(&r);
	assert_int_equal(sarafw_ufota_start(&mon, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_int_equal(run_until(&r, &mon, 10 * MIN), SARAFW_ECANCEL);
	assert_int_equal(r.asked_download, 1);
	assert_int_equal(count_sent(&r, cmd), 1);
	assert_int_equal(mon.cancel_rc, SARAFW_OK);
	assert_int_equal(r.cancels, 1);
	assert_string_equal(sarafw_ufota_reason(&mon), "cancelled by the host");
	assert_int_equal(r.rec_states[r.n_rec_states - 1], SARAFW_PERSIST_IDLE);
}

static void test_cancel_window(void **state)
{
	(void)state;
	static const beat r422[] = { { 5 * S, "+UFOTASTAT: 1,0,0" }, { 30 * S, "+UFOTASTAT: 2,3,100" } };
	cancel_by_decision("SARA-R422S", r422, 2, "AT+UFOTA=0");
	static const beat legacy[] = { { 5 * S, "+ULWM2MSTAT: 0,0" }, { 30 * S, "+ULWM2MSTAT: 3,100" } };
	cancel_by_decision("SARA-R412M-02B-01", legacy, 2, "AT+ULWM2M=0");

	/* by hand: only while downloading */
	rig r;
	sarafw_ufota mon;
	static const beat late[] = { { 5 * S, "+UFOTASTAT: 1,0,0" }, { 10 * S, "+UFOTASTAT: 0,1,50" },
				     { 20 * S, "+UFOTASTAT: 2,2,100" } };
	rig_up(&r, "SARA-R410M-02B-03", late, 3, "L0.0.00.00.05.12,A.02.19", NULL);
	sarafw_ufota_config cfg = config(&r);
	cfg.start = 0;
	assert_int_equal(sarafw_ufota_start(&mon, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_int_equal(sarafw_ufota_cancel(&mon), SARAFW_EINVAL); /* nothing to cancel */
	assert_int_equal(run_until(&r, &mon, 11 * S), SARAFW_RUNNING);
	assert_int_equal(sarafw_ufota_get_state(&mon), SARAFW_UFOTA_DOWNLOADING);
	assert_int_equal(run_until(&r, &mon, 21 * S), SARAFW_RUNNING);
	assert_int_equal(sarafw_ufota_get_state(&mon), SARAFW_UFOTA_DOWNLOADED);
	assert_int_equal(sarafw_ufota_cancel(&mon), SARAFW_EINSTALL); /* §2.6.5: too late */
	assert_int_equal(run_until(&r, &mon, 60 * S), SARAFW_RUNNING);
	assert_int_equal(count_sent(&r, "AT+UFOTA=0"), 0);

	/* a refused cancel: the download goes on, the host hears of it */
	static const beat refused[] = { { 5 * S, "+UFOTASTAT: 1,0,0" }, { 20 * S, "+UFOTASTAT: 0,1,50" } };
	rig_up(&r, "SARA-R422S", refused, 2, "00.12,A00.00", NULL);
	r.cancel_refused = true;
	cfg = config(&r);
	cfg.start = 0;
	assert_int_equal(sarafw_ufota_start(&mon, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_int_equal(run_until(&r, &mon, 6 * S), SARAFW_RUNNING);
	assert_int_equal(sarafw_ufota_cancel(&mon), SARAFW_OK);
	assert_int_equal(run_until(&r, &mon, 25 * S), SARAFW_RUNNING);
	assert_int_equal(mon.cancel_rc, SARAFW_EERROR);
	assert_int_equal(sarafw_ufota_get_state(&mon), SARAFW_UFOTA_DOWNLOADING);
	assert_int_equal(sarafw_ufota_percent(&mon), 50);
}

/* ---- the 180 s failsafe (§2.6.4) ------------------------------------------------------ */

static const beat no_execute[] = {
	{ 5 * S, "+UFOTASTAT: 1,0,0" },
	{ 30 * S, "+UFOTASTAT: 0,1,70" },
	{ 60 * S, "+UFOTASTAT: 2,2,100" },
	/* the server's execute never comes: the module keeps answering */
};

static void test_failsafe(void **state)
{
	rig r;
	sarafw_ufota mon;
	(void)state;
	rig_up(&r, "SARA-R410M-63B", no_execute, 3, "L0.0.00.00.05.08,A.02.04", "L0.0.00.00.05.09,A.02.04");
	sarafw_ufota_config cfg = config(&r);
	assert_int_equal(sarafw_ufota_start(&mon, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	/* never before 180 s, however long the checks keep answering */
	assert_int_equal(run_until(&r, &mon, 60 * S + 179 * S), SARAFW_RUNNING);
	assert_int_equal(r.resets, 0);
	assert_int_equal(sarafw_ufota_get_state(&mon), SARAFW_UFOTA_DOWNLOADED);
	assert_true(count_sent(&r, "AT") >= 15); /* the check loop ran */
	/* then once, through the port's reset */
	assert_int_equal(run_until(&r, &mon, 60 * S + 185 * S), SARAFW_RUNNING);
	assert_int_equal(r.resets, 1);
	assert_true(r.reset_at >= 240 * S && r.reset_at < 242 * S);
	assert_int_equal(r.asked_failsafe, 1);
	assert_int_equal(mon.failsafe_rc, SARAFW_OK);
	assert_int_equal(sarafw_ufota_get_state(&mon), SARAFW_UFOTA_INSTALLING);
	/* never during the install: the record says installing */
	assert_int_equal(sarafw_dev_reset(&r.dev), SARAFW_EINSTALL);
	/* it installs for 10 min, then answers with the new version */
	static beat back[] = { { 0, COME_BACK } };
	back[0].at = r.f.clock + 10 * MIN;
	r.beats = back;
	r.n_beats = 1;
	r.next_beat = 0;
	assert_int_equal(run_until(&r, &mon, r.f.clock + 30 * MIN), SARAFW_OK);
	assert_int_equal(r.resets, 1);
	assert_string_equal(sarafw_ufota_version(&mon), "L0.0.00.00.05.09,A.02.04");

	/* no reset line: the monitor says so and keeps waiting */
	rig_up(&r, "SARA-R410M-63B", no_execute, 3, "L0.0.00.00.05.08,A.02.04", NULL);
	r.port.reset = NULL;
	cfg = config(&r);
	assert_int_equal(sarafw_ufota_start(&mon, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_int_equal(run_until(&r, &mon, 10 * MIN), SARAFW_RUNNING);
	assert_int_equal(mon.failsafe_rc, SARAFW_ENOTSUP);
	assert_int_equal(r.failsafes, 1);
	assert_int_equal(sarafw_ufota_get_state(&mon), SARAFW_UFOTA_DOWNLOADED);

	/* the application says no: no reset, the monitor keeps waiting */
	rig_up(&r, "SARA-R410M-63B", no_execute, 3, "L0.0.00.00.05.08,A.02.04", NULL);
	r.allow_failsafe = false;
	cfg = config(&r);
	assert_int_equal(sarafw_ufota_start(&mon, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_int_equal(run_until(&r, &mon, 10 * MIN), SARAFW_RUNNING);
	assert_int_equal(r.resets, 0);
	assert_int_equal(r.asked_failsafe, 1);
	assert_int_equal(mon.failsafe_rc, SARAFW_ECANCEL);
	assert_int_equal(sarafw_ufota_get_state(&mon), SARAFW_UFOTA_DOWNLOADED);
}

/* Nothing resets the module while it downloads (§2.7.3). */
static void test_no_reset_during_download(void **state)
{
	rig r;
	sarafw_ufota mon;
	static const beat dl[] = { { 5 * S, "+UFOTASTAT: 1,0,0" }, { 30 * S, "+UFOTASTAT: 0,1,70" } };
	(void)state;
	rig_up(&r, "SARA-R422S", dl, 2, "00.12,A00.00", NULL);
	sarafw_ufota_config cfg = config(&r);
	cfg.decide = NULL; /* the default: downloads run */
	cfg.edrx_off = true;
	assert_int_equal(sarafw_ufota_start(&mon, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_int_equal(run_until(&r, &mon, 20 * MIN), SARAFW_RUNNING);
	assert_int_equal(sarafw_ufota_get_state(&mon), SARAFW_UFOTA_DOWNLOADING);
	/* §8: eDRX off once the download is seen, once */
	assert_int_equal(count_sent(&r, "AT+CEDRXS=0"), 1);
	assert_true(r.sent_at[sent_index(&r, "AT+CEDRXS=0", 0)] >= 5 * S);
	assert_int_equal(sarafw_dev_reset(&r.dev), SARAFW_EINSTALL);
	assert_int_equal(r.resets, 0);
	/* Table 7: the LwM2M download's forbidden commands are refused locally */
	assert_int_equal(sarafw_guard_check((sarafw_download)r.dev.guard, "AT+UFWUPD=3"), SARAFW_EBUSY);
}

/* ---- a host that reboots in the middle ------------------------------------------------- */

static void test_host_reboot_mid_download(void **state)
{
	rig r;
	sarafw_ufota mon;
	static const beat beats[] = {
		{ 5 * S, "+UFOTASTAT: 1,0,0" }, { 30 * S, "+UFOTASTAT: 0,1,40" },
		/* the host is down from 35 s to 60 s; the module goes on */
		{ 90 * S, "+UFOTASTAT: 0,1,80" }, { 120 * S, "+UFOTASTAT: 2,2,100" },
		{ 130 * S, GO_SILENT }, { 130 * S + 12 * MIN, COME_BACK },
	};
	(void)state;
	rig_up(&r, "SARA-R410M-02B-03", beats, sizeof beats / sizeof beats[0], "L0.0.00.00.05.12,A.02.19",
	       "L0.0.00.00.05.13,A.02.19");
	sarafw_ufota_config cfg = config(&r);
	assert_int_equal(sarafw_ufota_start(&mon, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_int_equal(run_until(&r, &mon, 35 * S), SARAFW_RUNNING);
	assert_int_equal(sarafw_ufota_get_state(&mon), SARAFW_UFOTA_DOWNLOADING);
	assert_int_equal(r.asked_download, 1);
	/* the host reboots: a new dev and monitor on the same storage */
	r.f.clock = 60 * S;
	host_up(&r, "SARA-R410M-02B-03");
	r.n_states = 0;
	assert_int_equal(sarafw_dev_reset(&r.dev), SARAFW_EINSTALL); /* the record says downloading */
	sarafw_ufota mon2;
	cfg.start = SARAFW_UFOTA_START_URCS; /* §2.6.1: the URCs may be off again */
	assert_int_equal(sarafw_ufota_start(&mon2, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_int_equal(sarafw_ufota_get_state(&mon2), SARAFW_UFOTA_DOWNLOADING);
	assert_int_equal(sarafw_ufota_percent(&mon2), 40); /* record v2: stored of total */
	assert_int_equal(r.dev.guard, SARAFW_DL_LWM2M);
	assert_int_equal(run_until(&r, &mon2, 60 * MIN), SARAFW_OK);
	assert_int_equal(r.asked_download, 1); /* decided before the reboot */
	assert_int_equal(r.resets, 0);
	assert_string_equal(sarafw_ufota_version(&mon2), "L0.0.00.00.05.13,A.02.19");
}

static void test_host_reboot_mid_install(void **state)
{
	rig r;
	sarafw_ufota mon;
	static const beat beats[] = {
		{ 5 * S, "+UFOTASTAT: 1,0,0" }, { 60 * S, "+UFOTASTAT: 2,2,100" }, { 70 * S, GO_SILENT },
		{ 70 * S + 20 * MIN, COME_BACK },
	};
	(void)state;
	rig_up(&r, "SARA-R412M-02B-03", beats, sizeof beats / sizeof beats[0], "L0.0.00.00.05.12,A.02.19",
	       "L0.0.00.00.05.13,A.02.19");
	sarafw_ufota_config cfg = config(&r);
	assert_int_equal(sarafw_ufota_start(&mon, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_int_equal(run_until(&r, &mon, 3 * MIN), SARAFW_RUNNING);
	assert_int_equal(sarafw_ufota_get_state(&mon), SARAFW_UFOTA_INSTALLING);
	/* the host reboots mid-install */
	r.f.clock = 5 * MIN;
	host_up(&r, "SARA-R412M-02B-03");
	r.n_states = 0;
	int before = r.n_sent;
	assert_int_equal(sarafw_dev_reset(&r.dev), SARAFW_EINSTALL);
	sarafw_ufota mon2;
	assert_int_equal(sarafw_ufota_start(&mon2, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_int_equal(sarafw_ufota_get_state(&mon2), SARAFW_UFOTA_INSTALLING);
	assert_int_equal(run_until(&r, &mon2, 70 * S + 19 * MIN), SARAFW_RUNNING);
	/* nothing but the check loop's AT while it installs: no URC switch, no ATI9 */
	for (int k = before; k < r.n_sent; k++)
		assert_string_equal(r.sent[k], "AT");
	assert_int_equal(run_until(&r, &mon2, 60 * MIN), SARAFW_OK);
	assert_int_equal(sarafw_ufota_get_state(&mon2), SARAFW_UFOTA_DONE);
	assert_string_equal(sarafw_ufota_version(&mon2), "L0.0.00.00.05.13,A.02.19");
	assert_string_equal(sarafw_ufota_old_version(&mon2), ""); /* not known after the reboot */
	assert_int_equal(r.resets, 0);
	assert_int_equal(r.rec_states[r.n_rec_states - 1], SARAFW_PERSIST_IDLE);
}

/* After a host reboot mid-install the record's hash of the version
 * before still tells the old firmware from the new. */
static void test_host_reboot_install_failed(void **state)
{
	rig r;
	sarafw_ufota mon, mon2;
	static const beat beats[] = {
		{ 5 * S, "+UFOTASTAT: 1,0,0" }, { 60 * S, "+UFOTASTAT: 2,2,100" }, { 70 * S, GO_SILENT },
		{ 70 * S + 20 * MIN, COME_BACK },
	};
	(void)state;
	rig_up(&r, "SARA-R410M-73B", beats, sizeof beats / sizeof beats[0], "L0.0.00.00.07.01,A.07.01",
	       "L0.0.00.00.07.01,A.07.01");
	sarafw_ufota_config cfg = config(&r);
	assert_int_equal(sarafw_ufota_start(&mon, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_int_equal(run_until(&r, &mon, 3 * MIN), SARAFW_RUNNING);
	assert_int_equal(sarafw_ufota_get_state(&mon), SARAFW_UFOTA_INSTALLING);
	r.f.clock = 5 * MIN;
	host_up(&r, "SARA-R410M-73B");
	assert_int_equal(sarafw_ufota_start(&mon2, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_int_equal(run_until(&r, &mon2, 60 * MIN), SARAFW_EVERSION);
	assert_string_equal(sarafw_ufota_reason(&mon2), "the module still runs the firmware it had");
	assert_int_equal(r.resets, 0);
}

/* /5/0/3 at start against the record: a download that ended, an update
 * that happened while the host was away, one no record knew of. */
static void test_reconcile(void **state)
{
	rig r;
	sarafw_ufota mon, mon2;
	static const beat dl[] = { { 5 * S, "+UFOTASTAT: 1,0,0" }, { 10 * S, "+UFOTASTAT: 0,1,20" } };
	(void)state;
	/* the download ended unseen (the client is idle): back to idle */
	rig_up(&r, "SARA-R422S", dl, 2, "00.12,A00.00", NULL);
	sarafw_ufota_config cfg = config(&r);
	assert_int_equal(sarafw_ufota_start(&mon, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_int_equal(run_until(&r, &mon, 15 * S), SARAFW_RUNNING);
	assert_int_equal(sarafw_ufota_get_state(&mon), SARAFW_UFOTA_DOWNLOADING);
	r.f.clock = 60 * S;
	host_up(&r, "SARA-R422S");
	r.fw_state = 0;
	assert_int_equal(sarafw_ufota_start(&mon2, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_int_equal(sarafw_ufota_get_state(&mon2), SARAFW_UFOTA_DOWNLOADING);
	assert_int_equal(run_until(&r, &mon2, 70 * S), SARAFW_RUNNING);
	assert_int_equal(sarafw_ufota_get_state(&mon2), SARAFW_UFOTA_IDLE);
	assert_int_equal(r.rec_states[r.n_rec_states - 1], SARAFW_PERSIST_IDLE);
	assert_int_equal(r.dev.guard, SARAFW_DL_NONE);

	/* the whole update happened unseen: ATI9 differs from the record's hash */
	rig_up(&r, "SARA-R422S", dl, 2, "00.12,A00.00", NULL);
	cfg = config(&r);
	assert_int_equal(sarafw_ufota_start(&mon, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_int_equal(run_until(&r, &mon, 15 * S), SARAFW_RUNNING);
	r.f.clock = 40 * MIN;
	snprintf(r.version, sizeof r.version, "00.13,A00.01");
	host_up(&r, "SARA-R422S");
	r.fw_state = 0;
	assert_int_equal(sarafw_ufota_start(&mon2, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_int_equal(run_until(&r, &mon2, 41 * MIN), SARAFW_OK);
	assert_string_equal(sarafw_ufota_version(&mon2), "00.13,A00.01");
	assert_int_equal(r.updated, 1);

	/* no record, but the client downloads (watch started late), then
	 * one that has downloaded: the failsafe window starts now */
	static const beat none[] = { { 1 * S, "+ULWM2MSTAT: 1,721,3" } };
	rig_up(&r, "SARA-R410M-02B-03", none, 1, "L0.0.00.00.05.12,A.02.19", NULL);
	r.fw_state = 1;
	cfg = config(&r);
	assert_int_equal(sarafw_ufota_start(&mon, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_int_equal(run_until(&r, &mon, 5 * S), SARAFW_RUNNING);
	assert_int_equal(sarafw_ufota_get_state(&mon), SARAFW_UFOTA_DOWNLOADING);
	assert_int_equal(r.asked_download, 1);
	rig_up(&r, "SARA-R410M-02B-03", none, 1, "L0.0.00.00.05.12,A.02.19", NULL);
	r.fw_state = 2;
	cfg = config(&r);
	assert_int_equal(sarafw_ufota_start(&mon, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_int_equal(run_until(&r, &mon, 5 * S), SARAFW_RUNNING);
	assert_int_equal(sarafw_ufota_get_state(&mon), SARAFW_UFOTA_DOWNLOADED);
	uint32_t t = r.f.clock;
	assert_int_equal(run_until(&r, &mon, t + 170 * S), SARAFW_RUNNING);
	assert_int_equal(r.resets, 0);
	assert_int_equal(run_until(&r, &mon, t + 190 * S), SARAFW_RUNNING);
	assert_int_equal(r.resets, 1);
}

/* A host that rebooted after the download keeps the failsafe window:
 * the reset comes 180 s after the monitor started again at the earliest. */
static void test_host_reboot_downloaded(void **state)
{
	rig r;
	sarafw_ufota mon;
	(void)state;
	rig_up(&r, "SARA-R410M-63B", no_execute, 3, "L0.0.00.00.05.08,A.02.04", "L0.0.00.00.05.09,A.02.04");
	sarafw_ufota_config cfg = config(&r);
	assert_int_equal(sarafw_ufota_start(&mon, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_int_equal(run_until(&r, &mon, 100 * S), SARAFW_RUNNING);
	assert_int_equal(sarafw_ufota_get_state(&mon), SARAFW_UFOTA_DOWNLOADED);
	r.f.clock = 200 * S;
	host_up(&r, "SARA-R410M-63B");
	sarafw_ufota mon2;
	assert_int_equal(sarafw_ufota_start(&mon2, &r.dev, &cfg, r.f.clock), SARAFW_OK);
	assert_int_equal(sarafw_ufota_get_state(&mon2), SARAFW_UFOTA_DOWNLOADED);
	assert_int_equal(run_until(&r, &mon2, 379 * S), SARAFW_RUNNING);
	assert_int_equal(r.resets, 0);
	assert_int_equal(run_until(&r, &mon2, 385 * S), SARAFW_RUNNING);
	assert_int_equal(r.resets, 1);
}

/* ---- the controls ----------------------------------------------------------------------- */

typedef struct {
	fake f;
	sarafw_port port;
	sarafw_dev dev;
	char line[1024];
} crig;

static void crig_up(crig *c, const step *script, size_t n, const char *variant)
{
	memset(c, 0, sizeof *c);
	c->f.script = script;
	c->f.n = n;
	c->f.chunk = 9;
	c->port = (sarafw_port){ .ctx = &c->f, .write = f_write, .read = f_read, .now_ms = f_now };
	sarafw_dev_config cfg = { .port = &c->port, .line_buf = c->line, .line_buf_size = sizeof c->line };
	assert_int_equal(sarafw_dev_init(&c->dev, &cfg), SARAFW_OK);
	c->dev.variant = sarafw_variant_by_name(variant);
	assert_non_null(c->dev.variant);
}

#define SCRIPT(c, s, v) crig_up((c), (s), sizeof(s) / sizeof(s)[0], (v))
#define DONE(c) assert_int_equal((c)->f.next, (c)->f.n)

/* note §2.5.1, as printed */
#define SERVER_1_1                                                                                               \
	"\r\n+ULWM2MREAD: {\"bn\":\"/1/1/\",\"e\":[{\"n\": \"0\",\"v\":721}, {\"n\": \"1\", \"v\":86400}, "        \
	"{\"n\": \"2\", \"v\":10}, {\"n\": \"3\", \"v\":60}, {\"n\": \"5\", \"v\":86400}, {\"n\": \"6\", "          \
	"\"bv\":false}, {\"n\": \"7\", \"sv\": \"UQ\"}, {\"n\": \"30000/1\", \"v\":30}, {\"n\": \"30000/0\", "      \
	"\"v\":0}]}\r\n\r\nOK\r\n"

static void test_lifetime(void **state)
{
	crig c;
	long s = 0;
	(void)state;
	/* §2.5.1: +ULWM2MREAD / +ULWM2MWRITE */
	static const step r422_get[] = { { "AT+ULWM2MREAD=\"/1/1\"", SERVER_1_1 } };
	SCRIPT(&c, r422_get, "SARA-R422S");
	assert_int_equal(sarafw_ufota_lifetime_get(&c.dev, &s), SARAFW_OK);
	assert_int_equal(s, 86400);
	DONE(&c);
	static const step r422_set[] = {
		{ "AT+ULWM2MREAD=\"/1/1\"", SERVER_1_1 },
		{ "AT+ULWM2MWRITE={\"bn\":\"/1/1/\",\"e\":[{\"n\":\"1\",\"v\":604800}]}", "\r\nOK\r\n" },
	};
	SCRIPT(&c, r422_set, "SARA-R422S");
	assert_int_equal(sarafw_ufota_lifetime_set(&c.dev, 604800), SARAFW_OK);
	DONE(&c);
	SCRIPT(&c, r422_get, "SARA-R422S");
	assert_int_equal(sarafw_ufota_lifetime_set(&c.dev, -1), SARAFW_ENOTSUP); /* no way to disable there */
	assert_int_equal(sarafw_ufota_lifetime_set(&c.dev, 0), SARAFW_EINVAL);
	assert_int_equal(c.f.next, 0);
	/* the u-blox server on another instance: /1/1 is someone else's */
	static const step other[] = {
		{ "AT+ULWM2MREAD=\"/1/1\"", "\r\n+ULWM2MREAD: {\"bn\":\"/1/1/\",\"e\":[{\"n\":\"0\",\"v\":102},{\"n\":\"1\",\"v\":3600}]}\r\n\r\nOK\r\n" },
		{ "AT+ULWM2MREAD=\"/1/0\"", "\r\n+ULWM2MREAD: {\"bn\":\"/1/0/\",\"e\":[{\"n\":\"0\",\"v\":721},{\"n\":\"1\",\"v\":7200}]}\r\n\r\nOK\r\n" },
	};
	SCRIPT(&c, other, "SARA-R410M-02B-03");
	assert_int_equal(sarafw_ufota_lifetime_get(&c.dev, &s), SARAFW_OK);
	assert_int_equal(s, 7200);
	/* Softbank on 63B refuses (§2.5.1) */
	static const step softbank[] = {
		{ "AT+ULWM2MREAD=\"/1/1\"", SERVER_1_1 },
		{ NULL, "\r\n+CME ERROR: operation not allowed\r\n" },
	};
	SCRIPT(&c, softbank, "SARA-R410M-63B");
	assert_int_equal(sarafw_ufota_lifetime_set(&c.dev, 1200), SARAFW_EERROR);
	/* §2.5.2: +UFOTACONF */
	static const step conf[] = {
		{ "AT+UFOTACONF=2", "\r\n+UFOTACONF: 2,86400\r\n\r\nOK\r\n" },
		{ "AT+UFOTACONF=2,31536000", "\r\nOK\r\n" },
		{ "AT+UFOTACONF=2,-1", "\r\nOK\r\n" },
		{ "AT+UFOTACONF=2", "\r\n+UFOTACONF: 2, -1\r\n\r\nOK\r\n" },
	};
	SCRIPT(&c, conf, "SARA-R412M-02B-01");
	assert_int_equal(sarafw_ufota_lifetime_get(&c.dev, &s), SARAFW_OK);
	assert_int_equal(s, 86400);
	assert_int_equal(sarafw_ufota_lifetime_set(&c.dev, 31536000), SARAFW_OK);
	assert_int_equal(sarafw_ufota_lifetime_set(&c.dev, -1), SARAFW_OK);
	assert_int_equal(sarafw_ufota_lifetime_get(&c.dev, &s), SARAFW_OK);
	assert_int_equal(s, -1);
	DONE(&c);
	/* answers that make no sense */
	static const step garbled[] = {
		{ "AT+UFOTACONF=2", "\r\n+UFOTACONF: 1,86400\r\n\r\nOK\r\n" },
		{ "AT+UFOTACONF=2", "\r\n+UFOTACONF: 2,abc\r\n\r\nOK\r\n" },
		{ "AT+UFOTACONF=2", "\r\n+UFOTACONF: 2,-7\r\n\r\nOK\r\n" },
		{ "AT+UFOTACONF=2", "\r\nOK\r\n" },
	};
	SCRIPT(&c, garbled, "SARA-R410M-52B");
	for (int i = 0; i < 4; i++)
		assert_int_equal(sarafw_ufota_lifetime_get(&c.dev, &s), SARAFW_EPROTO);
	/* 02B-00 has neither (§2.5.1, §2.5.2) */
	SCRIPT(&c, garbled, "SARA-R410M-02B-00");
	assert_int_equal(sarafw_ufota_lifetime_get(&c.dev, &s), SARAFW_ENOTSUP);
	assert_int_equal(sarafw_ufota_checkin(&c.dev, 0), SARAFW_ENOTSUP);
	assert_int_equal(c.f.next, 0);
}

static void test_checkin_deregister(void **state)
{
	crig c;
	(void)state;
	static const step reg[] = { { "AT+ULWM2MREG=721", "\r\nOK\r\n" }, { "AT+ULWM2MREG=102", "\r\nOK\r\n" },
				    { "AT+ULWM2MDEREG", "\r\nOK\r\n" } };
	SCRIPT(&c, reg, "SARA-R410M-02B-03");
	assert_int_equal(sarafw_ufota_checkin(&c.dev, 0), SARAFW_OK);
	assert_int_equal(sarafw_ufota_checkin(&c.dev, SARAFW_UFOTA_SERVER_VERIZON), SARAFW_OK); /* B.1.2 */
	assert_int_equal(sarafw_ufota_deregister(&c.dev), SARAFW_OK);
	DONE(&c);
	/* §2.5.2: the same value again triggers the check-in */
	static const step conf[] = { { "AT+UFOTACONF=2", "\r\n+UFOTACONF: 2,86400\r\n\r\nOK\r\n" },
				     { "AT+UFOTACONF=2,86400", "\r\nOK\r\n" } };
	SCRIPT(&c, conf, "SARA-R412M-02B-02");
	assert_int_equal(sarafw_ufota_checkin(&c.dev, 0), SARAFW_OK);
	DONE(&c);
}

static void test_r412m_2g(void **state)
{
	crig c;
	uint32_t down = 99;
	(void)state;
	/* §2.8.4: on 2G the host's context goes down first */
	static const step gsm[] = {
		{ "AT+COPS?", "\r\n+COPS: 0,0,\"Operator\",0\r\n\r\nOK\r\n" },
		{ "AT+CGACT?", "\r\n+CGACT: 1,1\r\n+CGACT: 2,0\r\n+CGACT: 4,1\r\n\r\nOK\r\n" },
		{ "AT+CGACT=0,1", "\r\nOK\r\n" },
		{ "AT+CGACT=0,4", "\r\nOK\r\n" },
		{ "AT+CGACT?", "\r\n+CGACT: 1,0\r\n+CGACT: 2,0\r\n+CGACT: 4,0\r\n\r\nOK\r\n" },
		{ "AT+ULWM2MREG=721", "\r\nOK\r\n" },
	};
	SCRIPT(&c, gsm, "SARA-R412M-02B-03");
	assert_int_equal(sarafw_ufota_checkin_2g(&c.dev, 0, SARAFW_UFOTA_RAT_ASK, &down), SARAFW_OK);
	assert_int_equal(down, (1u << 1) | (1u << 4));
	DONE(&c);
	/* on LTE Cat M1 (AcT 8) the context is shared: the check-in alone */
	static const step m1[] = { { "AT+COPS?", "\r\n+COPS: 0,0,\"Operator\",8\r\n\r\nOK\r\n" },
				   { "AT+ULWM2MREG=721", "\r\nOK\r\n" } };
	SCRIPT(&c, m1, "SARA-R412M-02B-03");
	assert_int_equal(sarafw_ufota_checkin_2g(&c.dev, 0, SARAFW_UFOTA_RAT_ASK, &down), SARAFW_OK);
	assert_int_equal(down, 0);
	DONE(&c);
	/* R412M-02B-01 on 2G, as the caller knows: +UFOTACONF check-in */
	static const step conf[] = {
		{ "AT+CGACT?", "\r\n+CGACT: 1,1\r\n\r\nOK\r\n" },
		{ "AT+CGACT=0,1", "\r\nOK\r\n" },
		{ "AT+CGACT?", "\r\n+CGACT: 1,0\r\n\r\nOK\r\n" },
		{ "AT+UFOTACONF=2", "\r\n+UFOTACONF: 2,86400\r\n\r\nOK\r\n" },
		{ "AT+UFOTACONF=2,86400", "\r\nOK\r\n" },
	};
	SCRIPT(&c, conf, "SARA-R412M-02B-01");
	assert_int_equal(sarafw_ufota_checkin_2g(&c.dev, 0, 1, &down), SARAFW_OK);
	assert_int_equal(down, 1u << 1);
	DONE(&c);
	/* the client holds cid 1 for its download (§2.8.4): it stays up, and
	 * only the host's cid 2 is reported down */
	static const step held[] = {
		{ "AT+CGACT?", "\r\n+CGACT: 1,1\r\n+CGACT: 2,1\r\n\r\nOK\r\n" },
		{ "AT+CGACT=0,1", "\r\nOK\r\n" },
		{ "AT+CGACT=0,2", "\r\nOK\r\n" },
		{ "AT+CGACT?", "\r\n+CGACT: 1,1\r\n+CGACT: 2,0\r\n\r\nOK\r\n" },
		{ "AT+ULWM2MREG=721", "\r\nOK\r\n" },
	};
	SCRIPT(&c, held, "SARA-R412M-02B-03");
	assert_int_equal(sarafw_ufota_checkin_2g(&c.dev, 0, 1, &down), SARAFW_OK);
	assert_int_equal(down, 1u << 2);
	DONE(&c);
	/* not an R412M: no context touched */
	static const step r410[] = { { "AT+ULWM2MREG=721", "\r\nOK\r\n" } };
	SCRIPT(&c, r410, "SARA-R410M-02B-03");
	assert_int_equal(sarafw_ufota_checkin_2g(&c.dev, 0, 1, &down), SARAFW_OK);
	assert_int_equal(down, 0);
	DONE(&c);
	/* a refused deactivation stops before the check-in */
	static const step refused[] = { { "AT+CGACT?", "\r\n+CGACT: 1,1\r\n\r\nOK\r\n" },
					{ "AT+CGACT=0,1", "\r\nERROR\r\n" } };
	SCRIPT(&c, refused, "SARA-R412M-02B-03");
	assert_int_equal(sarafw_ufota_checkin_2g(&c.dev, 0, 1, &down), SARAFW_EERROR);
	assert_int_equal(down, 0);
	DONE(&c);
}

#define CGDCONT(apn1, apn3)                                                                                   \
	"\r\n+CGDCONT: 1,\"IPV4V6\",\"" apn1 "\",\"100.112.30.30\",0,0,0,0,0\r\n"                             \
	"+CGDCONT: 2,\"IPV4V6\",\"vzwadmin\",\"0.0.0.0\",0,0,0,0,0\r\n"                                       \
	"+CGDCONT: 3,\"IPV4V6\",\"" apn3 "\",\"0.0.0.0\",0,0,0,0,0\r\n\r\nOK\r\n"

static void test_vzw_apn(void **state)
{
	crig c;
	bool changed = true;
	(void)state;
	/* §2.8.3's example */
	static const step fix[] = {
		{ "AT+UMNOPROF?", "\r\n+UMNOPROF: 3\r\n\r\nOK\r\n" },
		{ "AT+CGDCONT?", CGDCONT("so01.vzwstatic", "vzwinternet") },
		{ "AT+CGDCONT=3,\"IP\",\"so01.vzwstatic\"", "\r\nOK\r\n" },
	};
	SCRIPT(&c, fix, "SARA-R410M-52B");
	assert_int_equal(sarafw_ufota_vzw_apn_fix(&c.dev, &changed), SARAFW_OK);
	assert_true(changed);
	DONE(&c);
	static const step same[] = { { "AT+UMNOPROF?", "\r\n+UMNOPROF: 3\r\n\r\nOK\r\n" },
				     { "AT+CGDCONT?", CGDCONT("vzwinternet", "vzwinternet") } };
	SCRIPT(&c, same, "SARA-R410M-02B-02");
	assert_int_equal(sarafw_ufota_vzw_apn_fix(&c.dev, &changed), SARAFW_OK);
	assert_false(changed);
	DONE(&c);
	static const step att[] = { { "AT+UMNOPROF?", "\r\n+UMNOPROF: 2\r\n\r\nOK\r\n" } };
	SCRIPT(&c, att, "SARA-R410M-02B-00");
	assert_int_equal(sarafw_ufota_vzw_apn_fix(&c.dev, &changed), SARAFW_OK);
	assert_false(changed);
	DONE(&c);
	/* not a version §2.8.3 names: nothing asked */
	SCRIPT(&c, att, "SARA-R410M-02B-03");
	assert_int_equal(sarafw_ufota_vzw_apn_fix(&c.dev, &changed), SARAFW_OK);
	assert_false(changed);
	assert_int_equal(c.f.next, 0);
}

static void test_read_fw_and_urcs(void **state)
{
	crig c;
	int st = -1, res = -1;
	(void)state;
	static const step fw[] = {
		{ "AT+ULWM2MREAD=\"/5/0/3\"", "\r\n+ULWM2MREAD: {\"bn\":\"/5/0/\",\"e\":[{\"n\":\"3\",\"v\":1}]}\r\n\r\nOK\r\n" },
		{ "AT+ULWM2MREAD=\"/5/0/5\"", "\r\n+ULWM2MREAD: {\"bn\":\"/5/0/\",\"e\":[{\"n\":\"5\",\"v\":0}]}\r\n\r\nOK\r\n" },
		{ "AT+UFOTASTAT=0", "\r\nOK\r\n" },
		{ "AT+ULWM2MSTAT=0", "\r\nOK\r\n" },
	};
	SCRIPT(&c, fw, "SARA-R422S");
	assert_int_equal(sarafw_ufota_read_fw(&c.dev, &st, &res), SARAFW_OK);
	assert_int_equal(st, 1);
	assert_int_equal(res, 0);
	assert_int_equal(sarafw_ufota_urcs(&c.dev, 0, false), SARAFW_OK);
	DONE(&c);
	static const step legacy[] = { { "AT+ULWM2MSTAT=1", "\r\nOK\r\n" } };
	SCRIPT(&c, legacy, "SARA-R410M-52B");
	assert_int_equal(sarafw_ufota_read_fw(&c.dev, &st, &res), SARAFW_ENOTSUP);
	assert_int_equal(sarafw_ufota_urcs(&c.dev, 0, true), SARAFW_OK);
	assert_int_equal(sarafw_ufota_urcs(&c.dev, SARAFW_URC_UFOTASTAT, true), SARAFW_ENOTSUP);
	DONE(&c);
}

static void test_senml_bad(void **state)
{
	static const char *const bad_json[] = {
		"", "{}", "{\"bn\":\"/1/1/\",\"e\":[]}", "{\"e\":[{\"n\":\"1\"}]}", "{\"e\":[{\"n\":\"1\",\"v\":}]}",
		"{\"e\":[{\"n\":\"1\",\"v\":12x}]}", "{\"e\":[{\"n\":\"1\",\"v\":99999999999}]}",
		"{\"e\":[{\"n\":\"1\",\"bv\":true}]}", "{\"e\":[{\"n\":\"1\",\"sv\":\"5\"}]}", "{\"e\":[{\"n\":\"1\",\"v\":5",
		"{\"e\":[{\"n\":\"10\",\"v\":5}]}", "{\"e\":[{\"n\":1,\"v\":5}]}", "{{{{", "}}}}",
	};
	long v;
	(void)state;
	for (size_t i = 0; i < sizeof bad_json / sizeof bad_json[0]; i++)
		if (sarafw_ufota_senml_value(bad_json[i], "1", &v) != SARAFW_EPROTO)
			fail_msg("accepted: %s", bad_json[i]);
	assert_int_equal(sarafw_ufota_senml_value(NULL, "1", &v), SARAFW_EINVAL);
	assert_int_equal(sarafw_ufota_senml_value("{\"e\":[{\"n\":\"1\",\"v\":-1}]}", "1", &v), SARAFW_OK);
	assert_int_equal(v, -1);
	assert_int_equal(sarafw_ufota_senml_value("{\"e\":[{\"n\" : \"1\" , \"v\" : 42 }]}", "1", &v), SARAFW_OK);
	assert_int_equal(v, 42);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_texts),
		cmocka_unit_test(test_transcript_r422),
		cmocka_unit_test(test_transcript_r410_02b03),
		cmocka_unit_test(test_transcript_legacy),
		cmocka_unit_test(test_transcript_b12),
		cmocka_unit_test(test_config_step),
		cmocka_unit_test(test_legacy_expected_version),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_cancel_window),
		cmocka_unit_test(test_failsafe),
		cmocka_unit_test(test_no_reset_during_download),
		cmocka_unit_test(test_host_reboot_mid_download),
		cmocka_unit_test(test_host_reboot_mid_install),
		cmocka_unit_test(test_host_reboot_install_failed),
		cmocka_unit_test(test_host_reboot_downloaded),
		cmocka_unit_test(test_reconcile),
		cmocka_unit_test(test_lifetime),
		cmocka_unit_test(test_checkin_deregister),
		cmocka_unit_test(test_r412m_2g),
		cmocka_unit_test(test_vzw_apn),
		cmocka_unit_test(test_read_fw_and_urcs),
		cmocka_unit_test(test_senml_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

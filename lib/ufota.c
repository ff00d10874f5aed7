/* The uFOTA monitor (see sarafw/ufota.h): the URC parser of every
 * product version's forms and the step engine that follows the LwM2M
 * client's download and install on the host's behalf. The install phase
 * is install.c's engine in its resumed wait: no command, the check loop,
 * the progress URCs, the duties after (§2.6.6). */
#include <string.h>

#include "sarafw/cmdbuf.h"
#include "sarafw/error.h"
#include "sarafw/persist.h"
#include "sarafw/timeouts.h"
#include "sarafw/ufota.h"
#include "note.h"
#include "str.h"

/* ---- The parser ------------------------------------------------------------ */
enum { SRC_FOTA, SRC_LWM2M, SRC_INSTALL };

static const struct {
	const char *prefix;
	uint8_t src;
} prefixes[] = {
	{ .prefix = "+UFOTASTAT:", .src = SRC_FOTA },     /* §2.2, §2.6.1.1 */
	{ .prefix = "+ULWM2MSTAT:", .src = SRC_LWM2M },   /* §2.6.1, §2.6.1.2, B.1.2 */
	{ .prefix = "+UUFWINSTALL:", .src = SRC_INSTALL }, /* §2.4 */
	{ .prefix = "+UFWINSTALL:", .src = SRC_INSTALL },  /* §2.6.1.1 */
};

#define FIELDS_MAX 4
#define NUM_MAX 99999L

typedef struct {
	const char *p[FIELDS_MAX];
	uint8_t len[FIELDS_MAX];
	int n;
} fields;

static bool space(char c)
{
	return c == ' ' || c == '\t';
}

/* Splits s at commas, trimming spaces; false past FIELDS_MAX fields or
 * for a field of 255 characters or more. */
static bool split(const char *s, fields *f)
{
	f->n = 0;
	for (;;) {
		const char *b, *e;
		while (space(*s))
			s++;
		b = s;
		while (*s && *s != ',')
			s++;
		e = s;
		while (e > b && space(e[-1]))
			e--;
		if (f->n == FIELDS_MAX || e - b > 254)
			return false;
		f->p[f->n] = b;
		f->len[f->n++] = (uint8_t)(e - b);
		if (!*s)
			return true;
		s++;
	}
}

/* Field i as a number 0..NUM_MAX, or -1. */
static long num(const fields *f, int i)
{
	long v = 0;
	if (i >= f->n || f->len[i] == 0 || f->len[i] > 5)
		return -1;
	for (int k = 0; k < f->len[i]; k++) {
		char c = f->p[i][k];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	return v;
}

static bool all_num(const fields *f)
{
	for (int i = 0; i < f->n; i++)
		if (num(f, i) < 0)
			return false;
	return true;
}

bool sarafw_ufota_is_urc(const char *line)
{
	for (size_t i = 0; line && i < sizeof prefixes / sizeof prefixes[0]; i++)
		if (sarafw_str_starts(line, prefixes[i].prefix))
			return true;
	return false;
}

static int parse_fota(const fields *f, sarafw_ufota_urc *u)
{
	long e = num(f, 0), a = num(f, 1), b = num(f, 2);
	if (f->n != 3 || !all_num(f))
		return SARAFW_EPROTO;
	switch (e) {
	case 0: /* 0,1,<pct> */
		if (a != 1 || b > 100)
			return SARAFW_EPROTO;
		u->kind = SARAFW_UFOTA_U_DL_PROGRESS;
		u->value = (int32_t)b;
		return SARAFW_OK;
	case 1: /* 1,0,0 */
		if (a != 0 || b != 0)
			return SARAFW_EPROTO;
		u->kind = SARAFW_UFOTA_U_DL_START;
		return SARAFW_OK;
	case 2: /* 2,2,100 success; 2,3,100 cancelled; 2,3,<101..> failed */
		if (a == 2 && b == 100)
			u->kind = SARAFW_UFOTA_U_DL_DONE;
		else if (a == 3 && b == 100)
			u->kind = SARAFW_UFOTA_U_DL_CANCELLED;
		else if (a == 3 && b > 100 && b < 200)
			u->kind = SARAFW_UFOTA_U_DL_FAILED;
		else
			return SARAFW_EPROTO;
		u->value = (int32_t)b;
		return SARAFW_OK;
	case 3: /* 3,<result>,<state>: results 0..9 and 100, states 0..3 (LwM2M /5/0/3) */
		if ((a > 9 && a != 100) || b > 3)
			return SARAFW_EPROTO;
		u->kind = SARAFW_UFOTA_U_FOTA_STATUS;
		u->value = (int32_t)a;
		u->value2 = (int32_t)b;
		return SARAFW_OK;
	default:
		return SARAFW_EPROTO;
	}
}

/* §2.6.1.2: <status>,<percent> */
static int parse_legacy(const fields *f, sarafw_ufota_urc *u)
{
	long s = num(f, 0), p = num(f, 1);
	if (f->n != 2 || !all_num(f))
		return SARAFW_EPROTO;
	if (s == 0 && p == 0)
		u->kind = SARAFW_UFOTA_U_DL_START;
	else if (s == 1 && p <= 100)
		u->kind = SARAFW_UFOTA_U_DL_PROGRESS;
	else if (s == 2 && p == 100)
		u->kind = SARAFW_UFOTA_U_DL_DONE;
	else if (s == 3 && p == 100)
		u->kind = SARAFW_UFOTA_U_DL_CANCELLED; /* §2.3 */
	else if (s == 3 && p > 100 && p < 200)
		u->kind = SARAFW_UFOTA_U_DL_FAILED; /* docs/behaviour.md */
	else
		return SARAFW_EPROTO;
	if (u->kind != SARAFW_UFOTA_U_DL_START)
		u->value = (int32_t)p;
	return SARAFW_OK;
}

static int parse_lwm2m(const fields *f, sarafw_ufota_urc *u)
{
	long e = num(f, 0), sid = num(f, 1), st = num(f, 2);
	if (e == 4) { /* 4,<client_status> */
		if (f->n != 2 || sid < 0)
			return SARAFW_EPROTO;
		u->kind = SARAFW_UFOTA_U_CLIENT;
		u->value = (int32_t)sid;
		return SARAFW_OK;
	}
	if (f->n != 3 || sid < 0 || sid > 65535)
		return SARAFW_EPROTO;
	u->server = (uint16_t)sid;
	switch (e) {
	case 0:
	case 1:
		if (st < 0 || st > 16) /* AT-FACTS: statuses 0..16 */
			return SARAFW_EPROTO;
		u->kind = e == 0 ? SARAFW_UFOTA_U_BOOTSTRAP : SARAFW_UFOTA_U_REGISTRATION;
		u->value = (int32_t)st;
		return SARAFW_OK;
	case 2:
		if (st < 0)
			return SARAFW_EPROTO;
		u->kind = SARAFW_UFOTA_U_REG_TIMER;
		u->value = (int32_t)st;
		return SARAFW_OK;
	case 3: { /* 3,721,/5/0/3; the manual quotes the URI */
		const char *p = f->p[2];
		size_t n = f->len[2], k;
		if (n >= 2 && p[0] == '"' && p[n - 1] == '"') {
			p++;
			n -= 2;
		}
		if (n == 0 || p[0] != '/')
			return SARAFW_EPROTO;
		for (k = 0; k < n; k++)
			if (p[k] == '"' || (unsigned char)p[k] < 0x21 || (unsigned char)p[k] > 0x7E)
				return SARAFW_EPROTO;
		k = n < SARAFW_UFOTA_URI_MAX - 1 ? n : SARAFW_UFOTA_URI_MAX - 1;
		memcpy(u->uri, p, k);
		u->uri[k] = '\0';
		u->kind = SARAFW_UFOTA_U_NOTIFY;
		return SARAFW_OK;
	}
	default:
		return SARAFW_EPROTO;
	}
}

int sarafw_ufota_parse(const char *line, bool legacy, sarafw_ufota_urc *out)
{
	fields f;
	int rc = SARAFW_EPROTO;
	size_t i;
	if (!out)
		return SARAFW_EINVAL;
	memset(out, 0, sizeof *out);
	if (!line)
		return SARAFW_EPROTO;
	for (i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
		if (sarafw_str_starts(line, prefixes[i].prefix))
			break;
	if (i == sizeof prefixes / sizeof prefixes[0] ||
	    !split(line + sarafw_str_len(prefixes[i].prefix), &f))
		return SARAFW_EPROTO;
	switch (prefixes[i].src) {
	case SRC_FOTA:
		rc = parse_fota(&f, out);
		break;
	case SRC_LWM2M:
		rc = legacy ? parse_legacy(&f, out) : parse_lwm2m(&f, out);
		break;
	default: /* +UFWINSTALL: <n>: 1..100 progress, above 100 a Table 5 code */
		if (f.n == 1 && num(&f, 0) >= 0 && num(&f, 0) <= 255) {
			out->kind = SARAFW_UFOTA_U_INSTALL;
			out->value = (int32_t)num(&f, 0);
			rc = SARAFW_OK;
		}
		break;
	}
	if (rc != SARAFW_OK)
		memset(out, 0, sizeof *out);
	return rc;
}

/* ---- Words --------------------------------------------------------------------- */
#if SARAFW_UFOTA_TEXT
#define TEXT(s) s
#else
#define TEXT(s) ""
#endif

typedef struct {
	uint8_t code;
	const char *text;
} code_text;

static const char *lookup(const code_text *t, size_t n, int code, const char *dflt)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].code == code)
			return t[i].text;
	return dflt;
}
#define LOOKUP(t, code, dflt) lookup((t), sizeof(t) / sizeof(t)[0], (code), (dflt))

/* AT-FACTS "+UFOTASTAT": event 2's details */
static const code_text dl_texts[] = {
	{ .code = 100, .text = TEXT("cancelled by the host") },
	{ .code = 101, .text = TEXT("memory error (the FOTA area)") },
	{ .code = 102, .text = TEXT("network error") },
	{ .code = 103, .text = TEXT("unknown error") },
	{ .code = 104, .text = TEXT("bad package URL") },
	{ .code = 105, .text = TEXT("connectivity lost") },
};

/* LwM2M /5/0/5 Update Result (AT-FACTS; 100 is u-blox's user abort) */
static const code_text result_texts[] = {
	{ .code = 0, .text = TEXT("initial value") },
	{ .code = 1, .text = TEXT("firmware updated successfully") },
	{ .code = 2, .text = TEXT("not enough flash memory for the package") },
	{ .code = 3, .text = TEXT("out of RAM during the download") },
	{ .code = 4, .text = TEXT("connection lost during the download") },
	{ .code = 5, .text = TEXT("integrity check failure of the package") },
	{ .code = 6, .text = TEXT("unsupported package type") },
	{ .code = 7, .text = TEXT("invalid package URI") },
	{ .code = 8, .text = TEXT("firmware update failed") },
	{ .code = 9, .text = TEXT("unsupported protocol") },
	{ .code = 100, .text = TEXT("cancelled by the host") },
};

/* AT-FACTS "+ULWM2MSTAT": <status> */
static const char *const lwm2m_texts[] = {
	TEXT("deregistered"), TEXT("registration hold"), TEXT("registration pending"), TEXT("registration success"),
	TEXT("registration failed"), TEXT("update pending"), TEXT("update needed"), TEXT("full update needed"),
	TEXT("deregistration needed"), TEXT("deregistration pending"), TEXT("bootstrap hold off"), TEXT("bootstrap initiated"),
	TEXT("bootstrap pending"), TEXT("bootstrap finishing"), TEXT("bootstrap finished"), TEXT("bootstrap failing"),
	TEXT("bootstrap failed"),
};

static const char *const fota_states[] = { "idle", "downloading", "downloaded", "updating" };

static const char *const state_names[] = {
	[SARAFW_UFOTA_IDLE] = "idle",
	[SARAFW_UFOTA_DOWNLOADING] = "downloading",
	[SARAFW_UFOTA_DOWNLOADED] = "downloaded",
	[SARAFW_UFOTA_INSTALLING] = "installing",
	[SARAFW_UFOTA_REBOOTING] = "rebooting",
	[SARAFW_UFOTA_DONE] = "done",
	[SARAFW_UFOTA_FAILED] = "failed",
};

const char *sarafw_ufota_dl_text(int code)
{
	return LOOKUP(dl_texts, code, "unknown download error");
}

const char *sarafw_ufota_result_text(int result)
{
	return LOOKUP(result_texts, result, "unknown update result");
}

const char *sarafw_ufota_lwm2m_status_text(int status)
{
	if (status < 0 || (size_t)status >= sizeof lwm2m_texts / sizeof lwm2m_texts[0])
		return "unknown status";
	return lwm2m_texts[status];
}

const char *sarafw_ufota_fota_state_text(int state)
{
	if (state < 0 || (size_t)state >= sizeof fota_states / sizeof fota_states[0])
		return "unknown state";
	return fota_states[state];
}

const char *sarafw_ufota_state_name(sarafw_ufota_state s)
{
	if ((unsigned)s >= sizeof state_names / sizeof state_names[0])
		return "unknown";
	return state_names[s];
}

/* ---- The monitor ------------------------------------------------------------- */
enum { OP_IDLE, OP_CMD, OP_INSTALL };

/* Commands, in the order they go out. */
enum { C_CANCEL, C_EDRX, C_UFOTASTAT, C_ULWM2MSTAT, C_UFWINSTALL, C_ATI9, C_FWSTATE, C_POLL, C_N };
static const char *const cmds[C_N] = {
	[C_CANCEL] = NULL,                       /* the variant's (§2.3) */
	[C_EDRX] = "AT+CEDRXS=0",                /* §8, §2.7.3: eDRX off during the FOTA process */
	[C_UFOTASTAT] = "AT+UFOTASTAT=1",        /* §2.2 */
	[C_ULWM2MSTAT] = "AT+ULWM2MSTAT=1",      /* §2.2 */
	[C_UFWINSTALL] = "AT+UFWINSTALL=,,,1",   /* §2.6.4 (docs/behaviour.md) */
	[C_ATI9] = "ATI9",                       /* §2.6.6 */
	[C_FWSTATE] = "AT+ULWM2MREAD=\"/5/0/3\"", /* §2.5.1: where the client is now */
	[C_POLL] = "AT",                         /* §2.6.4: the check loop */
};

#define F_ASKED 0x01u    /* the application decided on this download */
#define F_SOCKETS 0x02u  /* EV_SOCKETS came for this download */
#define F_FAILSAFE 0x04u /* the failsafe was decided */
#define F_IO 0x08u       /* the port failed */
#define F_GOT 0x10u      /* ATI9's answer taken */
#define F_CONFIG 0x20u   /* §2.6.2's configuration step seen: the next reboot brings the delta */

#define MISSES_MAX 2u

static void tell(sarafw_ufota *m, sarafw_ufota_event ev, const sarafw_ufota_urc *u)
{
	if (m->cfg->event)
		m->cfg->event(m->cfg->ctx, m, ev, u);
}

static bool ask(sarafw_ufota *m, sarafw_ufota_question q)
{
	return m->cfg->decide ? m->cfg->decide(m->cfg->ctx, q) : true;
}

static uint32_t since(const sarafw_ufota *m)
{
	return m->cfg->clock_s ? m->cfg->clock_s(m->cfg->ctx) : m->now;
}

/* The record for a state: what a rebooted host must know (persist.h). */
static void save(sarafw_ufota *m, uint8_t state)
{
	sarafw_persist rec = { .state = SARAFW_PERSIST_IDLE, .method = SARAFW_DL_LWM2M, .since = since(m) };
	/* v2: the version before, so a host that reboots mid-install can
	 * still tell the old firmware from the new (§2.6.6) */
	rec.name_hash = m->old_version[0] ? sarafw_persist_hash(m->old_version) : m->old_hash;
	switch (state) {
	case SARAFW_UFOTA_DOWNLOADING:
		/* §2.2.2: the module resumes from the last page written */
		rec.state = SARAFW_PERSIST_DOWNLOADING;
		rec.flags = SARAFW_PERSIST_F_RESUME;
		rec.stored = m->percent;
		rec.total = 100;
		m->saved_decile = (uint8_t)(m->percent / 10u);
		break;
	case SARAFW_UFOTA_DOWNLOADED:
		rec.state = SARAFW_PERSIST_STORED;
		rec.max_ms = SARAFW_UFOTA_FAILSAFE_MS;
		break;
	case SARAFW_UFOTA_INSTALLING:
		rec.state = SARAFW_PERSIST_INSTALLING;
		rec.max_ms = m->dev->variant->limits->install_max_ms;
		break;
	case SARAFW_UFOTA_REBOOTING:
		return; /* the installer cleared it when the module answered */
	default:
		/* idle after §2.6.2's configuration step: the flag and the
		 * version stay for the delta's outcome */
		if (!(m->flags & F_CONFIG) || state != SARAFW_UFOTA_IDLE)
			rec.method = SARAFW_DL_NONE;
		break;
	}
	if (m->flags & F_CONFIG)
		rec.flags |= SARAFW_PERSIST_F_CONFIG;
	(void)sarafw_dev_save_state(m->dev, &rec); /* no storage: this run still knows */
}

static void set_state(sarafw_ufota *m, uint8_t s)
{
	if (m->state == s)
		return;
	/* Table 7: the LwM2M download's forbidden commands, refused locally */
	if (s == SARAFW_UFOTA_DOWNLOADING && m->dev->guard == SARAFW_DL_NONE)
		sarafw_guard_set(m->dev, SARAFW_DL_LWM2M);
	else if (m->state == SARAFW_UFOTA_DOWNLOADING && m->dev->guard == SARAFW_DL_LWM2M)
		sarafw_guard_set(m->dev, SARAFW_DL_NONE);
	m->state = s;
	save(m, s);
	tell(m, SARAFW_UFOTA_EV_STATE, NULL);
}

static void fail(sarafw_ufota *m, uint8_t why, unsigned code)
{
	m->flags &= (uint8_t)~F_CONFIG;
	m->why = why;
	m->why_code = (uint16_t)code;
	set_state(m, SARAFW_UFOTA_FAILED);
}

static void drop_command(sarafw_ufota *m)
{
	if (m->op == OP_CMD)
		sarafw_at_end(&m->dev->at);
	m->op = OP_IDLE;
	m->out_len = m->out_pos = 0;
}

static void inst_progress(void *ctx, sarafw_install_phase ph, uint32_t value, uint32_t total)
{
	sarafw_ufota *m = ctx;
	(void)total;
	switch (ph) {
	case SARAFW_INSTALL_PROGRESS:
		if (value <= 100 && value != m->percent) {
			m->percent = (uint8_t)value;
			tell(m, SARAFW_UFOTA_EV_PROGRESS, NULL);
		}
		break;
	case SARAFW_INSTALL_RESULT:
	case SARAFW_INSTALL_BOOT:
	case SARAFW_INSTALL_VERSION:
	case SARAFW_INSTALL_URCS:
	case SARAFW_INSTALL_BACKUP:
		set_state(m, SARAFW_UFOTA_REBOOTING);
		break;
	default:
		break;
	}
}

/* The module has reset (or is about to, after the failsafe's): the
 * install phase. Nothing but the check loop's AT reaches it now. */
static void install(sarafw_ufota *m, uint32_t elapsed_ms, uint8_t percent)
{
	drop_command(m);
	m->todo = 0;
	m->percent = percent;
	set_state(m, SARAFW_UFOTA_INSTALLING);
	m->icfg.elapsed_ms = elapsed_ms;
	m->icfg.since = since(m);
	SARAFW_NOTE(m->dev, "ufota: the module installs; no reset until it answers again");
	if (sarafw_install_start(&m->in, m->dev, &m->icfg, m->now) != SARAFW_OK) {
		fail(m, SARAFW_UFOTA_WHY_NOANSWER, 0);
		return;
	}
	m->op = OP_INSTALL;
}

/* The installer finished: the module answers (or never did). */
static void installed(sarafw_ufota *m)
{
	int rc = sarafw_install_status(&m->in);
	m->op = OP_IDLE;
	if (rc == SARAFW_OK || rc == SARAFW_EVERSION) {
		/* the legacy versions have no /5/0/3 to read (§2.5.1): ATI9 alone
		 * tells a configuration step, a failed install and the update */
		if (m->version[0] && ((m->old_version[0] && sarafw_str_eq(m->old_version, m->version)) ||
				      (!m->old_version[0] && m->old_hash == sarafw_persist_hash(m->version)))) {
			if (m->dev->variant->ufota_config_step && !(m->flags & F_CONFIG)) {
				/* §2.6.2: that was the configuration file; the delta follows */
				m->flags |= F_CONFIG;
				SARAFW_NOTE(m->dev, "ufota: rebooted on the same firmware: the configuration step (note §2.6.2)");
				set_state(m, SARAFW_UFOTA_IDLE);
				return;
			}
			fail(m, SARAFW_UFOTA_WHY_OLD, 0);
			return;
		}
		m->flags &= (uint8_t)~F_CONFIG;
		if (rc == SARAFW_EVERSION) {
			fail(m, SARAFW_UFOTA_WHY_VERSION, 0);
			return;
		}
		set_state(m, SARAFW_UFOTA_DONE);
		tell(m, SARAFW_UFOTA_EV_UPDATED, NULL); /* §2.6.6: tell the cloud */
	} else if (rc == SARAFW_EFWINSTALL) {
		fail(m, SARAFW_UFOTA_WHY_INSTALL, sarafw_install_result(&m->in));
	} else {
		fail(m, SARAFW_UFOTA_WHY_NOANSWER, 0);
	}
}

static void sockets(sarafw_ufota *m)
{
	if (m->flags & F_SOCKETS)
		return;
	m->flags |= F_SOCKETS;
	tell(m, SARAFW_UFOTA_EV_SOCKETS, NULL); /* §2.6.3 */
}

/* A download begins (or was found running): the application decides. */
static void downloading(sarafw_ufota *m, uint8_t percent)
{
	if (m->state != SARAFW_UFOTA_DOWNLOADING) {
		m->flags &= (uint8_t)~(F_ASKED | F_SOCKETS | F_FAILSAFE);
		m->why = SARAFW_UFOTA_WHY_NONE;
		m->why_code = 0;
		m->cancel_rc = SARAFW_RUNNING;
		m->failsafe_rc = SARAFW_RUNNING;
		m->percent = percent;
		set_state(m, SARAFW_UFOTA_DOWNLOADING);
		if (m->cfg->edrx_off)
			m->todo |= 1u << C_EDRX;
	}
	if (!(m->flags & F_ASKED)) {
		m->flags |= F_ASKED;
		if (!ask(m, SARAFW_UFOTA_ASK_DOWNLOAD))
			m->todo |= 1u << C_CANCEL;
	}
}

/* The check loop's pace: quick while §2.6.2's configuration reboot may come. */
static uint32_t poll_ms(const sarafw_ufota *m)
{
	return m->dev->variant->ufota_config_step && !(m->flags & F_CONFIG) ? SARAFW_UFOTA_CONFIG_POLL_MS
									   : SARAFW_UFOTA_POLL_MS;
}

static void downloaded(sarafw_ufota *m)
{
	sockets(m); /* at the latest now (§2.6.3) */
	m->todo &= (uint8_t)~(1u << C_CANCEL); /* §2.6.5: too late */
	m->t_done = m->now;
	m->t_poll = m->now + poll_ms(m);
	m->misses = 0;
	set_state(m, SARAFW_UFOTA_DOWNLOADED);
}

static void on_urc(sarafw_ufota *m, const sarafw_ufota_urc *u)
{
	uint8_t s = m->state;
	bool busy = s == SARAFW_UFOTA_INSTALLING || s == SARAFW_UFOTA_REBOOTING;
	tell(m, SARAFW_UFOTA_EV_URC, u);
	if (busy)
		return; /* the installer's phase: the check loop decides */
	switch (u->kind) {
	case SARAFW_UFOTA_U_DL_START:
		if (s == SARAFW_UFOTA_DOWNLOADED) {
			/* a reboot the check loop missed, and the next download:
			 * §2.6.2's configuration step, or a new campaign */
			SARAFW_NOTE(m->dev, "ufota: a new download after the last one: no install came between");
			if (m->dev->variant->ufota_config_step && !(m->flags & F_CONFIG))
				m->flags |= F_CONFIG; /* §2.6.2: that was the configuration file */
			set_state(m, SARAFW_UFOTA_IDLE);
		} else if (s == SARAFW_UFOTA_DOWNLOADING && m->percent) {
			/* a new download: the last one ended unseen */
			set_state(m, SARAFW_UFOTA_IDLE);
		}
		downloading(m, 0);
		break;
	case SARAFW_UFOTA_U_DL_PROGRESS:
		if (s == SARAFW_UFOTA_DOWNLOADED)
			break;
		downloading(m, (uint8_t)u->value);
		if (m->percent != (uint8_t)u->value) {
			m->percent = (uint8_t)u->value; /* a resume may restart lower (§2.2.2) */
			tell(m, SARAFW_UFOTA_EV_PROGRESS, u);
			if (m->percent / 10u != m->saved_decile)
				save(m, SARAFW_UFOTA_DOWNLOADING); /* every 10 %: flash wear */
		}
		if (m->percent >= (m->cfg->close_at ? m->cfg->close_at : 90u))
			sockets(m);
		break;
	case SARAFW_UFOTA_U_DL_DONE:
		if (s == SARAFW_UFOTA_DOWNLOADED)
			break;
		m->percent = 100;
		downloaded(m);
		break;
	case SARAFW_UFOTA_U_DL_CANCELLED:
	case SARAFW_UFOTA_U_DL_FAILED:
		if (s == SARAFW_UFOTA_DOWNLOADED)
			break;
		m->todo &= (uint8_t)~(1u << C_CANCEL);
		fail(m, SARAFW_UFOTA_WHY_DOWNLOAD, (unsigned)u->value);
		break;
	case SARAFW_UFOTA_U_FOTA_STATUS:
		if (s == SARAFW_UFOTA_DOWNLOADED) {
			/* "LwM2M client start" (§2.6.1.1): the module has rebooted */
			install(m, 0, 0);
		} else if (u->value2 == 1) {
			downloading(m, m->percent); /* resumed after a reset (§2.2.2) */
		} else if (u->value2 == 2) {
			downloaded(m);
		} else if (s == SARAFW_UFOTA_DOWNLOADING && u->value >= 2 && u->value <= 9) {
			fail(m, SARAFW_UFOTA_WHY_RESULT, (unsigned)u->value);
		}
		break;
	case SARAFW_UFOTA_U_INSTALL:
		/* install progress (§2.4): the module has reset */
		install(m, 0, u->value <= 100 ? (uint8_t)u->value : 0);
		break;
	default:
		break;
	}
}

/* The next command, if the line is free. */
static void kick(sarafw_ufota *m)
{
	sarafw_cmdbuf b;
	uint32_t timeout = SARAFW_ANSWER_MS;
	uint8_t c;
	if (m->op != OP_IDLE)
		return;
	if (m->state == SARAFW_UFOTA_DOWNLOADED && sarafw_time_reached(m->now, m->t_poll))
		m->todo |= 1u << C_POLL;
	for (;;) {
		const char *text;
		for (c = 0; c < C_N && !(m->todo & (1u << c)); c++)
			;
		if (c == C_N)
			return;
		m->todo &= (uint8_t)~(1u << c);
		if (c == C_CANCEL && m->state != SARAFW_UFOTA_DOWNLOADING)
			continue; /* §2.6.5: only while downloading */
		if (c == C_POLL && m->state != SARAFW_UFOTA_DOWNLOADED)
			continue;
		text = c == C_CANCEL ? sarafw_variant_cancel_cmd(m->dev->variant) : cmds[c];
		if (c == C_POLL)
			timeout = SARAFW_UFOTA_CHECK_MS;
		sarafw_cmdbuf_init(&b, m->cmd, sizeof m->cmd - 1);
		sarafw_cmdbuf_str(&b, text);
		if (sarafw_dev_begin(m->dev, m->cmd, NULL, false, m->now, timeout) != SARAFW_OK)
			continue;
		m->cmd[b.len] = '\r';
		m->out_len = (uint8_t)(b.len + 1);
		m->out_pos = 0;
		m->cur = c;
		m->op = OP_CMD;
		if (c == C_ATI9)
			m->flags &= (uint8_t)~F_GOT;
		return;
	}
}

/* A check of the loop had no answer. */
static void missed(sarafw_ufota *m)
{
	if (++m->misses >= MISSES_MAX) {
		SARAFW_NOTE(m->dev, "ufota: no answer: the module has reset to install");
		install(m, 0, 0);
		return;
	}
	m->t_poll = m->now; /* once more at once */
}

/* What /5/0/3 says at start against what the record said (a host that
 * was away may have missed the end of a download, or a whole update). */
static void reconcile(sarafw_ufota *m)
{
	uint8_t s = m->state;
	switch (m->fw_state) {
	case 1: /* Downloading */
		if (s != SARAFW_UFOTA_DOWNLOADING)
			downloading(m, m->percent);
		break;
	case 2: /* Downloaded: the failsafe window starts now */
		if (s != SARAFW_UFOTA_DOWNLOADED)
			downloaded(m);
		break;
	case 3: /* Updating: the reset is imminent */
		install(m, 0, 0);
		break;
	default: /* Idle */
		if (s != SARAFW_UFOTA_DOWNLOADING && s != SARAFW_UFOTA_DOWNLOADED)
			break;
		if (m->old_hash && m->old_version[0] && sarafw_persist_hash(m->old_version) != m->old_hash) {
			/* another firmware than at the download: it was installed */
			SARAFW_NOTE(m->dev, "ufota: the update happened while the host was away");
			memcpy(m->version, m->old_version, sizeof m->version);
			m->old_version[0] = '\0';
			set_state(m, SARAFW_UFOTA_DONE);
			tell(m, SARAFW_UFOTA_EV_UPDATED, NULL);
		} else {
			SARAFW_NOTE(m->dev, "ufota: the download ended while the host was away");
			set_state(m, SARAFW_UFOTA_IDLE);
		}
		break;
	}
}

static void command_done(sarafw_ufota *m, int rc)
{
	uint8_t c = m->cur;
	drop_command(m);
	switch (c) {
	case C_CANCEL:
		m->cancel_rc = (int16_t)rc;
		tell(m, SARAFW_UFOTA_EV_CANCEL, NULL);
		break;
	case C_FWSTATE:
		if (rc == SARAFW_OK && m->fw_state >= 0)
			reconcile(m);
		break;
	case C_POLL:
		if (rc == SARAFW_ETIMEOUT) {
			missed(m);
		} else {
			m->misses = 0; /* it answers: not reset yet */
			m->t_poll = m->now + poll_ms(m);
		}
		break;
	default:
		break;
	}
}

/* The failsafe (§2.6.4), once per download, 180 s after it completed. */
static void failsafe(sarafw_ufota *m)
{
	int rc;
	m->flags |= F_FAILSAFE;
	if (!ask(m, SARAFW_UFOTA_ASK_FAILSAFE)) {
		m->failsafe_rc = SARAFW_ECANCEL;
		tell(m, SARAFW_UFOTA_EV_FAILSAFE, NULL);
		return;
	}
	drop_command(m);
	rc = sarafw_dev_reset(m->dev); /* refuses while a record says installing */
	m->failsafe_rc = (int16_t)rc;
	tell(m, SARAFW_UFOTA_EV_FAILSAFE, NULL);
	if (rc == SARAFW_OK) {
		SARAFW_NOTE(m->dev, "ufota: no reset within 180 s of the download: reset to install (note §2.6.4)");
		install(m, 0, 0);
	}
}

int sarafw_ufota_start(sarafw_ufota *m, sarafw_dev *dev, const sarafw_ufota_config *cfg, uint32_t now)
{
	const sarafw_variant *v;
	sarafw_persist rec;
	memset(m, 0, sizeof *m);
	m->status = SARAFW_EINVAL;
	m->dev = dev;
	m->cfg = cfg;
	if (!dev || !cfg || !cfg->host_baud)
		return m->status;
	v = dev->variant;
	m->status = SARAFW_ENOTSUP;
	if (!v || !(v->methods & SARAFW_METHOD_UFOTA))
		return m->status;
	m->status = SARAFW_RUNNING;
	m->cancel_rc = m->failsafe_rc = SARAFW_RUNNING;
	m->fw_state = -1;
	m->now = now;
	m->icfg = (sarafw_install_config){
		.host_baud = cfg->host_baud,
		.port = SARAFW_INSTALL_PORT_OMIT, /* the module's own choice (+UFWINSTALL=,,,1) */
		.version = m->version,
		.version_size = sizeof m->version,
		.urcs = cfg->urcs, /* §2.6.1: re-enable after the update */
		.no_backup = cfg->no_backup,
		.resume = true,    /* never AT+UFWINSTALL: the client installs (§2.6.4) */
		.method = SARAFW_DL_LWM2M,
		.expect = cfg->expect_version,
		.progress = inst_progress,
		.progress_ctx = m,
	};
	if (sarafw_dev_load_state(dev, &rec) == SARAFW_OK) {
		uint32_t elapsed = 0;
		if (cfg->clock_s) {
			uint32_t t = cfg->clock_s(cfg->ctx);
			if (t >= rec.since && t - rec.since < UINT32_MAX / 1000u)
				elapsed = (t - rec.since) * 1000u;
		}
		if (rec.method == SARAFW_DL_LWM2M)
			m->old_hash = rec.name_hash;
		if (rec.flags & SARAFW_PERSIST_F_CONFIG)
			m->flags |= F_CONFIG; /* §2.6.2: configured before the host's reboot */
		if (sarafw_persist_installing(&rec)) {
			/* whatever brought the package: wait, touch nothing */
			install(m, elapsed, 0);
			return SARAFW_OK;
		}
		if (rec.method == SARAFW_DL_LWM2M && rec.state == SARAFW_PERSIST_DOWNLOADING) {
			m->flags |= F_ASKED; /* decided before the host's reboot */
			m->state = SARAFW_UFOTA_DOWNLOADING;
			if (rec.total == 100 && rec.stored <= 100)
				m->percent = (uint8_t)rec.stored;
			m->saved_decile = (uint8_t)(m->percent / 10u);
			if (dev->guard == SARAFW_DL_NONE)
				sarafw_guard_set(dev, SARAFW_DL_LWM2M);
			SARAFW_NOTE(dev, "ufota: a uFOTA download was running: no reset");
		} else if (rec.method == SARAFW_DL_LWM2M && rec.state == SARAFW_PERSIST_STORED) {
			m->state = SARAFW_UFOTA_DOWNLOADED;
			m->percent = 100;
			m->flags |= F_ASKED | F_SOCKETS;
			if (elapsed > SARAFW_UFOTA_FAILSAFE_MS)
				elapsed = SARAFW_UFOTA_FAILSAFE_MS;
			m->t_done = now - elapsed;
			m->t_poll = now;
			SARAFW_NOTE(dev, "ufota: the package was downloaded: waiting for the module's reset");
		}
	}
	if (m->state != SARAFW_UFOTA_IDLE)
		tell(m, SARAFW_UFOTA_EV_STATE, NULL);
	if (cfg->start & SARAFW_UFOTA_START_URCS) {
		if (cfg->urcs & v->urcs & SARAFW_URC_UFOTASTAT)
			m->todo |= 1u << C_UFOTASTAT;
		if (cfg->urcs & v->urcs & SARAFW_URC_ULWM2MSTAT)
			m->todo |= 1u << C_ULWM2MSTAT;
	}
	if ((cfg->start & SARAFW_UFOTA_START_INSTALL) && (v->urcs & SARAFW_URC_UFWINSTALL))
		m->todo |= 1u << C_UFWINSTALL;
	if (cfg->start & SARAFW_UFOTA_START_VERSION)
		m->todo |= 1u << C_ATI9;
	if (v->lwm2m_at)
		m->todo |= 1u << C_FWSTATE; /* where the client is now (§2.5.1) */
	kick(m);
	return SARAFW_OK;
}

int sarafw_ufota_feed(sarafw_ufota *m, const char *line, uint32_t now)
{
	sarafw_ufota_urc u;
	int rc = sarafw_ufota_parse(line, m->dev->variant->legacy_lwm2mstat, &u);
	m->now = now;
	if (rc == SARAFW_OK)
		on_urc(m, &u);
	kick(m);
	return rc;
}

int sarafw_ufota_cancel(sarafw_ufota *m)
{
	if (m->state == SARAFW_UFOTA_DOWNLOADING) {
		m->todo |= 1u << C_CANCEL;
		kick(m);
		return SARAFW_OK;
	}
	if (m->state == SARAFW_UFOTA_DOWNLOADED || m->state == SARAFW_UFOTA_INSTALLING ||
	    m->state == SARAFW_UFOTA_REBOOTING)
		return SARAFW_EINSTALL; /* §2.6.5: not once downloaded */
	return SARAFW_EINVAL;
}

bool sarafw_ufota_ready(const sarafw_ufota *m)
{
	return m->op != OP_CMD && !(m->todo & ~(1u << C_POLL));
}

sarafw_ufota_state sarafw_ufota_get_state(const sarafw_ufota *m)
{
	return (sarafw_ufota_state)m->state;
}

unsigned sarafw_ufota_percent(const sarafw_ufota *m)
{
	return m->percent;
}

const char *sarafw_ufota_reason(const sarafw_ufota *m)
{
	const sarafw_install_code *t;
	switch (m->why) {
	case SARAFW_UFOTA_WHY_DOWNLOAD:
		return sarafw_ufota_dl_text(m->why_code);
	case SARAFW_UFOTA_WHY_RESULT:
		return sarafw_ufota_result_text(m->why_code);
	case SARAFW_UFOTA_WHY_INSTALL:
		t = sarafw_install_code_find(m->why_code);
		return t && t->meaning[0] ? t->meaning : "install failure code";
	case SARAFW_UFOTA_WHY_OLD:
		return TEXT("the module still runs the firmware it had");
	case SARAFW_UFOTA_WHY_NOANSWER:
		return TEXT("the module did not answer AT within the install time");
	case SARAFW_UFOTA_WHY_VERSION:
		return TEXT("the module runs another version than the expected one");
	default:
		return "";
	}
}

const char *sarafw_ufota_version(const sarafw_ufota *m)
{
	return m->version;
}

const char *sarafw_ufota_old_version(const sarafw_ufota *m)
{
	return m->old_version;
}

bool sarafw_ufota_configured(const sarafw_ufota *m)
{
	return (m->flags & F_CONFIG) != 0;
}

unsigned sarafw_ufota_warnings(const sarafw_ufota *m)
{
	return m->in.dev ? sarafw_install_warnings(&m->in) : 0;
}

size_t sarafw_ufota_output(sarafw_ufota *m, const uint8_t **out)
{
	if (m->op == OP_INSTALL)
		return sarafw_install_output(&m->in, out);
	if (m->op == OP_CMD && m->out_pos < m->out_len) {
		*out = (const uint8_t *)m->cmd + m->out_pos;
		return (size_t)(m->out_len - m->out_pos);
	}
	return 0;
}

void sarafw_ufota_sent(sarafw_ufota *m, size_t n, uint32_t now)
{
	m->now = now;
	if (m->op == OP_INSTALL) {
		sarafw_install_sent(&m->in, n, now);
		return;
	}
	if (m->op != OP_CMD)
		return;
	if (n > (size_t)(m->out_len - m->out_pos))
		n = (size_t)(m->out_len - m->out_pos);
	m->out_pos = (uint8_t)(m->out_pos + n);
}

static void install_ran(sarafw_ufota *m)
{
	if (m->op == OP_INSTALL && sarafw_install_status(&m->in) != SARAFW_RUNNING)
		installed(m);
}

size_t sarafw_ufota_input(sarafw_ufota *m, const uint8_t *bytes, size_t n, uint32_t now)
{
	size_t i = 0;
	m->now = now;
	if (m->op == OP_INSTALL) {
		i = sarafw_install_input(&m->in, bytes, n, now);
		install_ran(m); /* bytes after its end stay for the AT engine */
		return i;
	}
	while (i < n) {
		sarafw_at_event ev;
		i += sarafw_dev_parse(m->dev, bytes + i, n - i, &ev);
		switch (ev.type) {
		case SARAFW_AT_EV_URC:
		case SARAFW_AT_EV_STRAY:
		case SARAFW_AT_EV_RESPONSE:
			if (sarafw_ufota_is_urc(ev.line)) {
				sarafw_ufota_urc u;
				if (sarafw_ufota_parse(ev.line, m->dev->variant->legacy_lwm2mstat, &u) == SARAFW_OK)
					on_urc(m, &u);
				if (m->op == OP_INSTALL)
					return i; /* the rest is the installer's */
			} else if (ev.type == SARAFW_AT_EV_RESPONSE && m->op == OP_CMD && m->cur == C_FWSTATE &&
				   sarafw_str_starts(ev.line, "+ULWM2MREAD:")) {
				long st;
				if (sarafw_ufota_senml_value(ev.line + 12, NULL, &st) == SARAFW_OK && st >= 0 && st <= 3)
					m->fw_state = (int8_t)st;
			} else if (ev.type == SARAFW_AT_EV_RESPONSE && m->op == OP_CMD && m->cur == C_ATI9 &&
				   !(m->flags & F_GOT)) {
				size_t k = ev.len < sizeof m->old_version - 1 ? ev.len : sizeof m->old_version - 1;
				m->flags |= F_GOT;
				memcpy(m->old_version, ev.line, k);
				m->old_version[k] = '\0';
			}
			break;
		case SARAFW_AT_EV_FINAL:
			if (m->op == OP_CMD)
				command_done(m, sarafw_dev_final(m->dev, &ev));
			if (m->op == OP_INSTALL)
				return i; /* /5/0/3 said Updating: the rest is the installer's */
			break;
		default:
			break;
		}
	}
	kick(m);
	return i;
}

void sarafw_ufota_tick(sarafw_ufota *m, uint32_t now)
{
	sarafw_at_event ev;
	m->now = now;
	switch (m->op) {
	case OP_INSTALL:
		sarafw_install_tick(&m->in, now);
		install_ran(m);
		return;
	case OP_CMD:
		sarafw_at_tick(&m->dev->at, now, &ev);
		if (ev.type == SARAFW_AT_EV_TIMEOUT)
			command_done(m, SARAFW_ETIMEOUT);
		break;
	default:
		break;
	}
	if (m->state == SARAFW_UFOTA_DOWNLOADED && !(m->flags & F_FAILSAFE) &&
	    sarafw_time_reached(now, m->t_done + SARAFW_UFOTA_FAILSAFE_MS))
		failsafe(m);
	kick(m);
}

uint32_t sarafw_ufota_wait_ms(const sarafw_ufota *m, uint32_t now)
{
	uint32_t t;
	if (m->flags & F_IO)
		return UINT32_MAX;
	if (m->op == OP_INSTALL)
		return sarafw_install_wait_ms(&m->in, now);
	if (m->op == OP_CMD)
		return m->out_pos < m->out_len ? 0 : sarafw_at_wait_ms(&m->dev->at, now);
	if (m->todo)
		return 0;
	if (m->state != SARAFW_UFOTA_DOWNLOADED)
		return UINT32_MAX;
	t = m->t_poll;
	if (!(m->flags & F_FAILSAFE) && (int32_t)(m->t_done + SARAFW_UFOTA_FAILSAFE_MS - t) < 0)
		t = m->t_done + SARAFW_UFOTA_FAILSAFE_MS;
	return sarafw_time_reached(now, t) ? 0 : t - now;
}

int sarafw_ufota_status(const sarafw_ufota *m)
{
	if (m->status != SARAFW_RUNNING || !m->cfg->stop_at_end)
		return m->status;
	if (m->state == SARAFW_UFOTA_DONE)
		return SARAFW_OK;
	if (m->state != SARAFW_UFOTA_FAILED)
		return SARAFW_RUNNING;
	switch (m->why) {
	case SARAFW_UFOTA_WHY_DOWNLOAD:
		return m->why_code == 100 ? SARAFW_ECANCEL : SARAFW_EERROR;
	case SARAFW_UFOTA_WHY_RESULT:
		return m->why_code == 100 ? SARAFW_ECANCEL : SARAFW_EFWINSTALL;
	case SARAFW_UFOTA_WHY_INSTALL:
		return SARAFW_EFWINSTALL;
	case SARAFW_UFOTA_WHY_OLD:
	case SARAFW_UFOTA_WHY_VERSION:
		return SARAFW_EVERSION;
	default:
		return SARAFW_ENOMODULE;
	}
}

static uint32_t e_baud(const void *e)
{
	const sarafw_ufota *m = e;
	return m->op == OP_INSTALL ? sarafw_install_baud(&m->in) : 0;
}

static void e_baud_done(void *e, int rc, uint32_t now)
{
	sarafw_ufota *m = e;
	if (m->op == OP_INSTALL) {
		sarafw_install_baud_done(&m->in, rc, now);
		install_ran(m);
	}
}

static void e_io_error(void *e, int err, uint32_t now)
{
	sarafw_ufota *m = e;
	m->now = now;
	if (m->op == OP_INSTALL)
		sarafw_install_io_error(&m->in, err, now); /* its record stays */
	m->flags |= F_IO;
	m->status = (int16_t)err;
}

static size_t e_output(void *e, const uint8_t **out) { return sarafw_ufota_output(e, out); }
static void e_sent(void *e, size_t n, uint32_t now) { sarafw_ufota_sent(e, n, now); }
static size_t e_input(void *e, const uint8_t *in, size_t n, uint32_t now) { return sarafw_ufota_input(e, in, n, now); }
static void e_tick(void *e, uint32_t now) { sarafw_ufota_tick(e, now); }
static uint32_t e_wait(const void *e, uint32_t now) { return sarafw_ufota_wait_ms(e, now); }
static int e_status(const void *e) { return sarafw_ufota_status(e); }

const sarafw_engine sarafw_ufota_engine = {
	.output = e_output,
	.sent = e_sent,
	.input = e_input,
	.tick = e_tick,
	.wait_ms = e_wait,
	.status = e_status,
	.baud = e_baud,
	.baud_done = e_baud_done,
	.io_error = e_io_error,
};

int sarafw_ufota_run(sarafw_ufota *m, uint32_t max_ms)
{
	const sarafw_port *p = m->dev->cfg.port;
	uint32_t end = p->now_ms(p->ctx) + max_ms;
	int rc;
	for (;;) {
		uint32_t t = p->now_ms(p->ctx);
		rc = sarafw_dev_step(m->dev, &sarafw_ufota_engine, m, SARAFW_POLL_MS);
		if (rc != SARAFW_RUNNING || (max_ms && sarafw_time_reached(t, end)))
			return rc;
	}
}

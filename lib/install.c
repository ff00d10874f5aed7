/* The install (note §6): AT+UFWINSTALL, the wait with its URCs or the
 * check loop, the module found again, its version and the duties after
 * (see sarafw/install.h). The module must never be reset here: the
 * engine has no reset and no abort, and keeps the "installing" record
 * until the module answers AT again. */
#include <string.h>

#include "sarafw/cmdbuf.h"
#include "sarafw/error.h"
#include "sarafw/install.h"
#include "sarafw/timeouts.h"
#include "note.h"
#include "str.h"

#if SARAFW_INSTALL_TEXT
#define TEXT(s) s
#else
#define TEXT(s) ""
#endif

/* note §6.1.5, Table 5. Codes 130..132 come on the primary UART at
 * 115200 b/s, whatever +UFWINSTALL set. */
static const sarafw_install_code codes[] = {
	{ .code = 128, .next = SARAFW_NEXT_NONE, .meaning = TEXT("FW installation successfully performed") },
	{ .code = 129, .next = SARAFW_NEXT_RETRY, .meaning = TEXT("firmware installation generic failure") },
	{ .code = 130, .next = SARAFW_NEXT_SUPPORT, .primary_115200 = true, .meaning = TEXT("flash access failure") },
	{ .code = 131, .next = SARAFW_NEXT_RETRY, .primary_115200 = true, .meaning = TEXT("RAM allocation error") },
	{ .code = 132, .next = SARAFW_NEXT_SUPPORT, .primary_115200 = true, .meaning = TEXT("retrieve partition table error") },
	{ .code = 134, .next = SARAFW_NEXT_SUPPORT, .meaning = TEXT("bad block flash init failure") },
	{ .code = 140, .next = SARAFW_NEXT_DOWNLOAD, .meaning = TEXT("generic decompression engine error") },
	{ .code = 141, .next = SARAFW_NEXT_RETRY, .meaning = TEXT("RAM error") },
	{ .code = 144, .next = SARAFW_NEXT_DOWNLOAD,
	  .meaning = TEXT("requested file does not exist during installation (a working file or partition, or flash error)") },
	{ .code = 148, .next = SARAFW_NEXT_DOWNLOAD, .meaning = TEXT("delta file is corrupted") },
	{ .code = 158, .next = SARAFW_NEXT_PACKAGE,
	  .meaning = TEXT("delta file not recognized (an update from a non-delta file format)") },
	{ .code = 160, .next = SARAFW_NEXT_SUPPORT, .meaning = TEXT("flash writing failure") },
	{ .code = 168, .next = SARAFW_NEXT_PACKAGE,
	  .meaning = TEXT("source firmware in flash mismatch with the one expected by the delta file") },
	{ .code = 173, .next = SARAFW_NEXT_DOWNLOAD,
	  .meaning = TEXT("calculated digital signature does not match the package header (wrong signature or corrupted bytes)") },
	{ .code = 174, .next = SARAFW_NEXT_PACKAGE, .meaning = TEXT("delta file version is not supported") },
	{ .code = 178, .next = SARAFW_NEXT_RETRY, .meaning = TEXT("RAM memory corruption (null pointer assignment)") },
	{ .code = 180, .next = SARAFW_NEXT_DOWNLOAD,
	  .meaning = TEXT("size of the delta file in flash mismatch with the real delta file size") },
	{ .code = 195, .next = SARAFW_NEXT_SUPPORT,
	  .meaning = TEXT("data corruption in a component updated in flash (power loss or flash problem)") },
	{ .code = 224, .next = SARAFW_NEXT_RETRY, .meaning = TEXT("generic error in finalizing the install procedure") },
	{ .code = 227, .next = SARAFW_NEXT_KEY, .meaning = TEXT("FOTA public key is not found or invalid") },
	{ .code = 247, .next = SARAFW_NEXT_PACKAGE, .meaning = TEXT("pre-validation of the delta file failed") },
};

static const char *const next_text[] = {
	[SARAFW_NEXT_NONE] = TEXT("nothing: the new firmware runs"),
	[SARAFW_NEXT_RETRY] = TEXT("run the install again (the module still holds the package)"),
	[SARAFW_NEXT_DOWNLOAD] = TEXT("download the package again, then install"),
	[SARAFW_NEXT_PACKAGE] = TEXT("get the package made for this module and its running firmware"),
	[SARAFW_NEXT_KEY] = TEXT("use a package signed for this module's FOTA key, or ask u-blox support"),
	[SARAFW_NEXT_SUPPORT] = TEXT("contact u-blox technical support"),
};

const sarafw_install_code *sarafw_install_code_find(unsigned code)
{
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (codes[i].code == code)
			return &codes[i];
	return NULL;
}

const char *sarafw_install_next_text(sarafw_install_next next)
{
	if ((unsigned)next >= sizeof next_text / sizeof next_text[0])
		return next_text[SARAFW_NEXT_SUPPORT]; /* §6.1.5: any other code */
	return next_text[next];
}

enum {
	I_CMD,    /* AT+UFWINSTALL and its OK */
	I_BAUD,   /* the host switches its rate, then goes to in->next */
	I_WAIT,   /* the module installs: URCs, or quiet */
	I_CHECK,  /* one round of the check loop */
	I_BOOT,   /* the install ended: AT until it answers */
	I_POST,   /* the commands after */
	I_REBOOT, /* after AT+UBKUPDATA: AT until it answers */
	I_DONE,
};

/* After the install, in this order; post_due() says which run. */
enum { P_ATI9, P_CGMR, P_UFOTASTAT, P_ULWM2MSTAT, P_BACKUP, P_N };
static const char *const post_cmd[P_N] = {
	[P_ATI9] = "ATI9",             /* note §2.6.6: "<modem>,<application>" */
	[P_CGMR] = "AT+CGMR",          /* note §6: SARA-R410M/R412M name the version there too */
	[P_UFOTASTAT] = "AT+UFOTASTAT=1",   /* note §2.6.1 */
	[P_ULWM2MSTAT] = "AT+ULWM2MSTAT=1", /* note §2.6.1 */
	[P_BACKUP] = "AT+UBKUPDATA",   /* note §6.3 */
};

#define VER_READ 0x01u
#define VER_MATCH 0x02u

/* The URC scanner (in->scan): the prefix position, a flag for the
 * second 'U' of "+UUFWINSTALL:" (note §2.4 prints it so), and a line
 * that is something else. */
static const char urc_prefix[] = "+UFWINSTALL:";
#define SC_LEN (sizeof urc_prefix - 1) /* 12: the prefix matched */
#define SC_DIGITS (SC_LEN + 1)         /* digits seen */
#define SC_POS 0x3Fu
#define SC_UU 0x40u
#define SC_OTHER 0x80u
/* Bytes that make no sense as AT text before the host tries the other rate. */
#define GARBLED_MAX 4u

static void report(sarafw_installer *in, sarafw_install_phase ph, uint32_t value, uint32_t total)
{
	if (in->cfg->progress)
		in->cfg->progress(in->cfg->progress_ctx, ph, value, total);
}

static uint32_t urc_baud(const sarafw_installer *in)
{
	return in->cfg->baud ? in->cfg->baud : in->cfg->host_baud;
}

/* The rate the line listens at while the module installs. */
static uint32_t wait_baud(const sarafw_installer *in)
{
	return in->urcs_due ? urc_baud(in) : in->cfg->host_baud;
}

static void end(sarafw_installer *in, int rc)
{
	sarafw_at_end(&in->dev->at);
	if (in->rc == SARAFW_OK)
		in->rc = (int16_t)rc;
	in->status = in->rc;
	in->state = I_DONE;
	in->out_len = in->out_pos = 0;
	if (in->status == SARAFW_OK)
		report(in, SARAFW_INSTALL_DONE, in->result, 0);
}

static void clear_record(sarafw_installer *in)
{
	sarafw_persist idle = { .state = SARAFW_PERSIST_IDLE };
	(void)sarafw_dev_save_state(in->dev, &idle); /* no storage: dev->installing is cleared all the same */
}

static void enter(sarafw_installer *in, uint8_t state, uint32_t now);

/* Switch the host's line to baud (if it is not there), then enter next. */
static void switch_to(sarafw_installer *in, uint32_t baud, uint8_t next, uint32_t now)
{
	sarafw_at_reset(&in->dev->at); /* a partial line of the other rate */
	in->garbled = 0;
	in->scan = 0;
	if (baud == in->line_baud) {
		enter(in, next, now);
		return;
	}
	in->want_baud = baud;
	in->next = next;
	in->state = I_BAUD;
	report(in, SARAFW_INSTALL_BAUD, baud, 0);
}

static bool post_due(const sarafw_installer *in, uint8_t step)
{
	const sarafw_variant *v = in->dev->variant;
	bool installed = in->rc == SARAFW_OK; /* not after a failure code */
	switch (step) {
	case P_ATI9:
		return true;
	case P_CGMR:
		return v->family != SARAFW_FAMILY_R422;
	case P_UFOTASTAT:
		return installed && (in->cfg->urcs & v->urcs & SARAFW_URC_UFOTASTAT);
	case P_ULWM2MSTAT:
		return installed && (in->cfg->urcs & v->urcs & SARAFW_URC_ULWM2MSTAT);
	case P_BACKUP:
		/* §6.3: the SARA-R422 family backs up by itself */
		return installed && v->backup_restore && v->family != SARAFW_FAMILY_R422 && !in->cfg->no_backup;
	default:
		return false;
	}
}

static void post_next(sarafw_installer *in, uint32_t now)
{
	while (in->step < P_N && !post_due(in, in->step))
		in->step++;
	if (in->step == P_N) {
		if (!(in->version & VER_READ))
			in->warnings |= SARAFW_INSTALL_W_VERSION;
		if (in->cfg->expect && !(in->version & VER_MATCH) && in->rc == SARAFW_OK)
			in->rc = SARAFW_EVERSION;
		end(in, in->rc);
		return;
	}
	if (in->step == P_UFOTASTAT || (in->step == P_ULWM2MSTAT && !post_due(in, P_UFOTASTAT)))
		report(in, SARAFW_INSTALL_URCS, 0, 0);
	if (in->step == P_BACKUP)
		report(in, SARAFW_INSTALL_BACKUP, 0, 0);
	in->got = 0;
	in->state = I_POST;
	/* every command here fits dev->tx and passes the guard */
	if (sarafw_dev_command(in->dev, post_cmd[in->step], NULL, now, SARAFW_ANSWER_MS) != SARAFW_OK)
		end(in, SARAFW_EINVAL);
}

/* The module answers AT again: it is not installing any more. */
static void module_back(sarafw_installer *in, uint32_t now)
{
	clear_record(in);
	SARAFW_NOTE(in->dev, "install: the module answers AT again");
	in->step = P_ATI9;
	post_next(in, now);
}

static void enter(sarafw_installer *in, uint8_t state, uint32_t now)
{
	const sarafw_variant_limits *lim = in->dev->variant->limits;
	uint32_t left;
	in->state = state;
	switch (state) {
	case I_WAIT:
		/* a resumed wait does not know whether URCs still come */
		left = in->urcs_due && (!in->cfg->resume || in->percent) ? SARAFW_INSTALL_QUIET_MS
									  : SARAFW_INSTALL_POLL_MS;
		in->quiet = now + left;
		/* a resumed wait counts what passed before it */
		report(in, SARAFW_INSTALL_WAIT, now - in->begin + (in->cfg->resume ? in->cfg->elapsed_ms : 0), in->bound);
		break;
	case I_CHECK:
		left = sarafw_time_reached(now, in->end) ? 1 : in->end - now;
		sarafw_probe_start(&in->probe, in->dev, left < SARAFW_INSTALL_CHECK_MS ? left : SARAFW_INSTALL_CHECK_MS,
				   now);
		break;
	case I_BOOT:
	case I_REBOOT:
		report(in, SARAFW_INSTALL_BOOT, 0, lim->boot_ms);
		sarafw_probe_start(&in->probe, in->dev, lim->boot_ms, now);
		break;
	default:
		break;
	}
}

/* The command's OK (or silence: it may have started, the safe side):
 * the module resets into Firmware Install Mode (note §6). */
static void started(sarafw_installer *in, uint32_t now)
{
	sarafw_at_end(&in->dev->at);
	in->out_len = in->out_pos = 0;
	switch_to(in, wait_baud(in), I_WAIT, now);
}

/* A final code came (note §6.1: the last URC, above 100). */
static void result(sarafw_installer *in, unsigned code, uint32_t now)
{
	in->result = (uint16_t)code;
	report(in, SARAFW_INSTALL_RESULT, code, 0);
	if (code != SARAFW_INSTALL_OK_CODE)
		in->rc = SARAFW_EFWINSTALL;
	SARAFW_NOTE(in->dev, code == SARAFW_INSTALL_OK_CODE ? "install: success, the module reboots"
							     : "install: failed, the old firmware boots");
	/* the module reboots into normal mode at its +IPR rate */
	switch_to(in, in->cfg->host_baud, I_BOOT, now);
}

/* One byte through the URC scanner; returns the number of a complete
 * "+UFWINSTALL: <n>" line, or -1. */
static int scan_byte(sarafw_installer *in, uint8_t c)
{
	uint8_t pos = in->scan & SC_POS, uu = in->scan & SC_UU;
	int v = -1;
	if (c == '\r' || c == '\n') {
		if (!(in->scan & SC_OTHER) && pos == SC_DIGITS)
			v = in->value;
		in->scan = 0;
		in->value = 0;
		return v;
	}
	if (in->scan & SC_OTHER)
		return -1;
	if (pos < SC_LEN) {
		if (c == (uint8_t)urc_prefix[pos])
			in->scan = (uint8_t)(uu | (pos + 1));
		else if (pos == 2 && c == 'U' && !uu)
			in->scan |= SC_UU;
		else
			in->scan = SC_OTHER;
		return -1;
	}
	if (c == ' ' && pos == SC_LEN)
		return -1;
	if (c >= '0' && c <= '9' && in->value < 1000) {
		in->value = (uint16_t)(in->value * 10 + (c - '0'));
		in->scan = (uint8_t)(uu | SC_DIGITS);
		return -1;
	}
	in->scan = SC_OTHER;
	return -1;
}

/* Bytes the module sent while it installs: progress, the result, or
 * noise of a rate the host does not run at. Returns true when the state
 * changed. */
static bool watch(sarafw_installer *in, const uint8_t *b, size_t n, uint32_t now)
{
	for (size_t i = 0; i < n; i++) {
		int v;
		if ((b[i] < 0x20 && b[i] != '\r' && b[i] != '\n') || b[i] >= 0x7F) {
			if (++in->garbled < GARBLED_MAX)
				continue;
			/* Table 5: some codes come at 115200, the rest at the
			 * URCs' rate: listen at the other one */
			if (!in->dev->variant->install_results) {
				in->garbled = 0; /* no codes at another rate (§6.2) */
				continue;
			}
			if (in->line_baud != 115200u) {
				SARAFW_NOTE(in->dev, "install: garbled, listening at 115200");
				switch_to(in, 115200u, in->state == I_CHECK ? I_WAIT : in->state, now);
				return true;
			}
			if (wait_baud(in) != 115200u) {
				SARAFW_NOTE(in->dev, "install: garbled, listening at the URCs' rate");
				switch_to(in, wait_baud(in), in->state == I_CHECK ? I_WAIT : in->state, now);
				return true;
			}
			in->garbled = 0;
			continue;
		}
		v = scan_byte(in, b[i]);
		if (v < 0)
			continue;
		in->garbled = 0;
		if (v > 100) {
			if (in->state == I_CHECK)
				sarafw_at_end(&in->dev->at);
			result(in, (unsigned)v, now);
			return true;
		}
		if (v > in->percent)
			in->percent = (uint8_t)v;
		report(in, SARAFW_INSTALL_PROGRESS, (uint32_t)v, 100);
		if (in->state == I_WAIT)
			in->quiet = now + SARAFW_INSTALL_QUIET_MS;
	}
	return false;
}

/* A probe (check, boot, reboot) took input or time. */
static void probe_ran(sarafw_installer *in, uint32_t now)
{
	int rc = sarafw_probe_status(&in->probe);
	if (rc == SARAFW_RUNNING)
		return;
	switch (in->state) {
	case I_CHECK:
		if (rc == SARAFW_OK) {
			if (in->urcs_due && !in->result)
				in->warnings |= SARAFW_INSTALL_W_NO_RESULT;
			module_back(in, now);
		} else if (sarafw_time_reached(now, in->end)) {
			SARAFW_NOTE(in->dev, "install: no answer within the install time");
			end(in, rc);
		} else {
			switch_to(in, wait_baud(in), I_WAIT, now);
		}
		break;
	case I_BOOT:
		if (rc == SARAFW_OK)
			module_back(in, now);
		else
			end(in, rc);
		break;
	case I_REBOOT:
		if (rc != SARAFW_OK)
			in->warnings |= SARAFW_INSTALL_W_BACKUP;
		in->step++;
		post_next(in, now);
		break;
	default:
		break;
	}
}

/* The first information response of a post command. */
static void take(sarafw_installer *in, const sarafw_at_event *ev)
{
	const sarafw_install_config *c = in->cfg;
	const char *line = ev->line;
	size_t len = ev->len, k;
	bool pair = c->expect && sarafw_str_chr(c->expect, ',');
	if (in->got)
		return;
	in->got = 1;
	if (in->step == P_CGMR) {
		/* "L0.0.00.00.05.12 [Oct 08 2020 15:00:01]", maybe "+CGMR: ..." */
		if (sarafw_str_starts(line, "+CGMR:")) {
			line += 6;
			while (*line == ' ')
				line++;
		}
		for (len = 0; line[len] && line[len] != ' '; len++)
			;
	} else if (in->step != P_ATI9) {
		return;
	}
	if (len == 0)
		return;
	if (c->version && c->version_size && (in->step == P_ATI9 || !(in->version & VER_READ))) {
		k = len < c->version_size - 1 ? len : c->version_size - 1;
		memcpy(c->version, line, k);
		c->version[k] = '\0';
	}
	in->version |= VER_READ;
	if (!c->expect)
		return;
	/* the pair against ATI9's line; the modem version alone against its
	 * first field or +CGMR's */
	k = sarafw_str_len(c->expect);
	if (pair) {
		if (in->step == P_ATI9 && k == len && sarafw_str_starts(line, c->expect))
			in->version |= VER_MATCH;
	} else if (sarafw_str_starts(line, c->expect) && (len == k || (len > k && line[k] == ','))) {
		in->version |= VER_MATCH;
	}
}

static void post_final(sarafw_installer *in, int rc, uint32_t now)
{
	sarafw_at_end(&in->dev->at);
	if (rc != SARAFW_OK) {
		if (in->step == P_UFOTASTAT || in->step == P_ULWM2MSTAT)
			in->warnings |= SARAFW_INSTALL_W_URCS;
		if (in->step == P_BACKUP)
			in->warnings |= SARAFW_INSTALL_W_BACKUP;
	} else if (in->step == P_BACKUP) {
		/* AT-FACTS: +UBKUPDATA backs up, then reboots */
		enter(in, I_REBOOT, now);
		return;
	}
	in->step++;
	post_next(in, now);
}

int sarafw_install_start(sarafw_installer *in, sarafw_dev *dev, const sarafw_install_config *cfg, uint32_t now)
{
	static const uint32_t rates[] = { 9600, 19200, 38400, 57600, 115200, 230400, 460800 }; /* §6.1.2 */
	const sarafw_variant *v;
	sarafw_cmdbuf b;
	bool r422, rate_ok = false;
	int rc;
	memset(in, 0, sizeof *in);
	in->dev = dev;
	in->state = I_DONE;
	in->status = SARAFW_EINVAL;
	if (!dev || !cfg || !cfg->host_baud)
		return in->status;
	in->cfg = cfg;
	v = dev->variant;
	in->status = SARAFW_ENOTSUP;
	if (!v || !(v->methods & SARAFW_METHOD_FOAT))
		return in->status;
	r422 = v->install_results;
	in->status = SARAFW_EINVAL;
	for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++)
		rate_ok |= cfg->baud == rates[i];
	if (r422 && ((cfg->port > SARAFW_INSTALL_PORT_AUX && cfg->port != SARAFW_INSTALL_PORT_OMIT) ||
		     (cfg->baud && !rate_ok) || (cfg->baud && cfg->port == SARAFW_INSTALL_PORT_OMIT)))
		return in->status;
	/* URCs on this line: the family has them and the port is this one */
	in->urcs_due = r422 && (cfg->port == SARAFW_INSTALL_PORT_UART || cfg->port == SARAFW_INSTALL_PORT_OMIT);
	in->status = SARAFW_ENOTSUP;
	if (in->urcs_due && urc_baud(in) != cfg->host_baud && !dev->cfg.port->set_baud)
		return in->status;
	sarafw_cmdbuf_init(&b, in->cmd, sizeof in->cmd - 1); /* room for "\r" */
	sarafw_cmdbuf_str(&b, "AT+UFWINSTALL");
	if (r422 && cfg->port != SARAFW_INSTALL_PORT_OMIT) {
		sarafw_cmdbuf_str(&b, "=");
		sarafw_cmdbuf_u32(&b, cfg->port);
		if (cfg->baud) {
			sarafw_cmdbuf_str(&b, ",");
			sarafw_cmdbuf_u32(&b, cfg->baud);
		}
	}
	in->line_baud = cfg->host_baud;
	in->begin = now;
	in->bound = v->limits->install_max_ms + v->limits->boot_ms;
	if (cfg->resume && cfg->elapsed_ms)
		in->bound -= cfg->elapsed_ms < v->limits->install_max_ms ? cfg->elapsed_ms : v->limits->install_max_ms;
	in->end = now + in->bound;
	in->status = SARAFW_RUNNING;
	if (cfg->resume) {
		/* the record already says so; nothing goes to the module but AT */
		dev->installing = 1;
		SARAFW_NOTE(dev, "install: resuming the wait");
		switch_to(in, wait_baud(in), I_WAIT, now);
		return SARAFW_OK;
	}
	/* "installing" is stored before the command can start it */
	{
		sarafw_persist rec = { .state = SARAFW_PERSIST_INSTALLING, .method = cfg->method,
				       .since = cfg->since, .max_ms = v->limits->install_max_ms };
		rc = sarafw_dev_save_state(dev, &rec);
		if (rc != SARAFW_OK && rc != SARAFW_ENOTSUP) {
			dev->installing = 0;
			in->status = (int16_t)rc;
			in->state = I_DONE;
			return rc;
		}
	}
	rc = sarafw_dev_begin(dev, in->cmd, NULL, false, now, SARAFW_ANSWER_MS);
	if (rc) {
		clear_record(in);
		in->status = (int16_t)rc;
		in->state = I_DONE;
		return rc;
	}
	in->cmd[b.len] = '\r';
	in->out_len = (uint8_t)(b.len + 1);
	in->state = I_CMD;
	report(in, SARAFW_INSTALL_START, 0, in->bound);
	return SARAFW_OK;
}

size_t sarafw_install_output(sarafw_installer *in, const uint8_t **out)
{
	switch (in->state) {
	case I_CMD:
		*out = (const uint8_t *)in->cmd + in->out_pos;
		return (size_t)(in->out_len - in->out_pos);
	case I_CHECK:
	case I_BOOT:
	case I_REBOOT:
		return sarafw_probe_output(&in->probe, out);
	case I_POST:
		return sarafw_dev_output(in->dev, out);
	default:
		return 0;
	}
}

void sarafw_install_sent(sarafw_installer *in, size_t n, uint32_t now)
{
	switch (in->state) {
	case I_CMD:
		if (n > (size_t)(in->out_len - in->out_pos))
			n = (size_t)(in->out_len - in->out_pos);
		in->out_pos = (uint8_t)(in->out_pos + n);
		break;
	case I_CHECK:
	case I_BOOT:
	case I_REBOOT:
		sarafw_probe_sent(&in->probe, n, now);
		break;
	case I_POST:
		sarafw_dev_sent(in->dev, n);
		break;
	default:
		break;
	}
}

size_t sarafw_install_input(sarafw_installer *in, const uint8_t *bytes, size_t n, uint32_t now)
{
	size_t i = 0;
	while (i < n) {
		sarafw_at_event ev;
		size_t used;
		uint8_t state = in->state;
		switch (state) {
		case I_CHECK:
		case I_BOOT:
		case I_REBOOT:
			used = sarafw_probe_input(&in->probe, bytes + i, n - i, now);
			if (state == I_CHECK && watch(in, bytes + i, used, now))
				return i + used;
			i += used;
			probe_ran(in, now);
			if (in->state != state || used == 0)
				return i;
			continue;
		case I_WAIT:
			used = sarafw_dev_parse(in->dev, bytes + i, n - i, &ev);
			if (watch(in, bytes + i, used, now))
				return i + used;
			i += used;
			/* "OK" with no command out: a late answer to a check */
			if (ev.type == SARAFW_AT_EV_FINAL && ev.final == SARAFW_AT_FINAL_OK)
				in->quiet = now;
			continue;
		case I_CMD:
		case I_POST:
			i += sarafw_dev_parse(in->dev, bytes + i, n - i, &ev);
			if (state == I_POST && ev.type == SARAFW_AT_EV_RESPONSE) {
				take(in, &ev);
			} else if (ev.type == SARAFW_AT_EV_FINAL) {
				int rc = sarafw_dev_final(in->dev, &ev);
				if (state == I_POST) {
					post_final(in, rc, now);
				} else if (rc == SARAFW_OK) {
					started(in, now);
				} else {
					/* §6: "+CME ERROR: operation not allowed" when there is no package */
					clear_record(in);
					end(in, rc);
				}
				return i;
			}
			continue;
		default:
			return i; /* I_BAUD, I_DONE: the rest waits (or belongs to the AT engine) */
		}
	}
	return i;
}

void sarafw_install_tick(sarafw_installer *in, uint32_t now)
{
	sarafw_at_event ev;
	switch (in->state) {
	case I_CMD:
	case I_POST:
		sarafw_at_tick(&in->dev->at, now, &ev);
		if (ev.type != SARAFW_AT_EV_TIMEOUT)
			return;
		if (in->state == I_CMD) {
			SARAFW_NOTE(in->dev, "install: no answer to AT+UFWINSTALL, it may have started: waiting");
			started(in, now);
		} else {
			post_final(in, SARAFW_ETIMEOUT, now);
		}
		return;
	case I_WAIT:
		if (sarafw_time_reached(now, in->end)) {
			if (in->urcs_due && !in->result)
				in->warnings |= SARAFW_INSTALL_W_NO_RESULT;
			switch_to(in, in->cfg->host_baud, I_BOOT, now);
		} else if (sarafw_time_reached(now, in->quiet)) {
			/* the check loop (§2.6.4) at the module's normal rate */
			switch_to(in, in->cfg->host_baud, I_CHECK, now);
		}
		return;
	case I_CHECK:
	case I_BOOT:
	case I_REBOOT:
		sarafw_probe_tick(&in->probe, now);
		probe_ran(in, now);
		return;
	default:
		return;
	}
}

uint32_t sarafw_install_wait_ms(const sarafw_installer *in, uint32_t now)
{
	uint32_t t;
	switch (in->state) {
	case I_DONE:
		return UINT32_MAX;
	case I_BAUD:
		return 0;
	case I_CMD:
		if (in->out_pos < in->out_len)
			return 0;
		return sarafw_at_wait_ms(&in->dev->at, now);
	case I_WAIT:
		t = in->quiet;
		if ((int32_t)(in->end - t) < 0)
			t = in->end;
		return sarafw_time_reached(now, t) ? 0 : t - now;
	case I_POST:
		if (in->dev->tx_pos < in->dev->tx_len)
			return 0;
		return sarafw_at_wait_ms(&in->dev->at, now);
	default:
		return sarafw_probe_wait_ms(&in->probe, now);
	}
}

uint32_t sarafw_install_baud(const sarafw_installer *in)
{
	return in->state == I_BAUD ? in->want_baud : 0;
}

void sarafw_install_baud_done(sarafw_installer *in, int rc, uint32_t now)
{
	if (in->state != I_BAUD)
		return;
	if (rc != SARAFW_OK) {
		/* the module keeps installing; the host cannot listen */
		SARAFW_NOTE(in->dev, "install: the host cannot switch its rate");
		end(in, SARAFW_EBAUDBACK);
		return;
	}
	in->line_baud = in->want_baud;
	in->want_baud = 0;
	enter(in, in->next, now);
}

void sarafw_install_io_error(sarafw_installer *in, int err, uint32_t now)
{
	(void)now;
	if (in->state != I_DONE)
		end(in, err); /* the record stays: the module may be installing */
}

int sarafw_install_status(const sarafw_installer *in)
{
	return in->status;
}

unsigned sarafw_install_result(const sarafw_installer *in)
{
	return in->result;
}

unsigned sarafw_install_warnings(const sarafw_installer *in)
{
	return in->warnings;
}

static size_t e_output(void *e, const uint8_t **out) { return sarafw_install_output(e, out); }
static void e_sent(void *e, size_t n, uint32_t now) { sarafw_install_sent(e, n, now); }
static size_t e_input(void *e, const uint8_t *in, size_t n, uint32_t now) { return sarafw_install_input(e, in, n, now); }
static void e_tick(void *e, uint32_t now) { sarafw_install_tick(e, now); }
static uint32_t e_wait(const void *e, uint32_t now) { return sarafw_install_wait_ms(e, now); }
static int e_status(const void *e) { return sarafw_install_status(e); }
static uint32_t e_baud(const void *e) { return sarafw_install_baud(e); }
static void e_baud_done(void *e, int rc, uint32_t now) { sarafw_install_baud_done(e, rc, now); }
static void e_io_error(void *e, int err, uint32_t now) { sarafw_install_io_error(e, err, now); }

const sarafw_engine sarafw_install_engine = {
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

int sarafw_install(sarafw_dev *dev, const sarafw_install_config *cfg, unsigned *result)
{
	sarafw_installer in;
	int rc;
	const sarafw_port *p = dev->cfg.port;
	if (result)
		*result = 0;
	rc = sarafw_install_start(&in, dev, cfg, p->now_ms(p->ctx));
	if (rc)
		return rc;
	do
		rc = sarafw_dev_step(dev, &sarafw_install_engine, &in, UINT32_MAX);
	while (rc == SARAFW_RUNNING);
	if (result)
		*result = in.result;
	return rc;
}

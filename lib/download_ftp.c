/* The FTP download engine (note §3): the profile, the login, the
 * download (start, resume or follow a running one), its URCs, the error
 * answer, and the cancel. The shared machinery is lib/download_net.c;
 * the blocking calls are loops over this engine. */
#include <string.h>

#include "sarafw/error.h"
#include "sarafw/net.h"
#include "sarafw/persist.h"
#include "sarafw/timeouts.h"
#include "sarafw/variant.h"
#include "netdl.h"
#include "note.h"
#include "str.h"

enum {
	F_REPLACE,      /* AT+UFTPC=100,<file>,0: the recorded session of another file */
	F_REPLACE_WAIT, /* its +UUFTPCR: 100,0 */
	F_PROFILE,      /* AT+UFTP=<op>,... one at a time (note §3.1) */
	F_RESUME_TRY,   /* a recorded session: AT+UFTPC=100,<file>,1 before a login */
	F_LOGIN,        /* AT+UFTPC=1 */
	F_LOGIN_WAIT,   /* its +UUFTPCR: 1,<r> after OK */
	F_START,        /* AT+UFTPC=100,<file>[,1] (note §3.2) */
	F_FOLLOW,       /* status URCs (R410M/R412M) until the result */
	F_ERROR,        /* AT+UFTPER (note §3.5) */
	F_CANCEL,       /* AT+UFTPC=100,<file>,0 */
	F_CANCEL_WAIT,  /* +UUFTPCR: 100,0 (note §3.2: before a new session) */
	F_LOGOUT,       /* AT+UFTPC=0: a login refused, the module still logged in */
	F_LOGOUT_WAIT,  /* its +UUFTPCR: 0,<r>, then the login again */
};

/* The profile commands in order (note §3.4); a 0 value or NULL string is
 * left out. */
enum { P_SERVER, P_PORT, P_USER, P_PASSWORD, P_ACCOUNT, P_PASSIVE, P_N };
static const uint8_t profile_op[P_N] = {
	[P_SERVER] = 1, [P_PORT] = 7, [P_USER] = 2, [P_PASSWORD] = 3, [P_ACCOUNT] = 4, [P_PASSIVE] = 6,
};

static bool r422(const sarafw_netdl *e)
{
	return e->dev->variant->family == SARAFW_FAMILY_R422;
}

static uint32_t max_ms(const sarafw_netdl *e)
{
	return e->ftp->max_ms ? e->ftp->max_ms : SARAFW_NET_DOWNLOAD_MS;
}

/* AT+UFTPC=100,"<file>"[,<status>] (status < 0: none) */
static void send_fota(sarafw_netdl *e, int status, uint32_t timeout, uint32_t now)
{
	sarafw_cmdbuf b;
	netdl_build(e, &b);
	sarafw_cmdbuf_str(&b, "AT+UFTPC=100,");
	sarafw_cmdbuf_quoted(&b, e->file);
	if (status >= 0) {
		sarafw_cmdbuf_str(&b, ",");
		sarafw_cmdbuf_u32(&b, (uint32_t)status);
	}
	netdl_send(e, &b, timeout, now);
}

static void send_plain(sarafw_netdl *e, const char *cmd, uint32_t timeout, uint32_t now)
{
	sarafw_cmdbuf b;
	netdl_build(e, &b);
	sarafw_cmdbuf_str(&b, cmd);
	netdl_send(e, &b, timeout, now);
}

static void cancel(sarafw_netdl *e, uint8_t step, uint32_t now)
{
	e->step = step;
	send_fota(e, 0, SARAFW_FTP_CANCEL_MS, now);
}

/* The failure's reason from AT+UFTPER, then the end with rc. */
static void error(sarafw_netdl *e, int rc, uint32_t now)
{
	e->rc = (int16_t)rc;
	e->step = F_ERROR;
	send_plain(e, "AT+UFTPER", SARAFW_ANSWER_MS, now);
}

/* The next profile command from e->item on; the login after the last. */
static void profile_next(sarafw_netdl *e, uint32_t now)
{
	const sarafw_ftp_config *c = e->ftp;
	sarafw_cmdbuf b;
	for (; e->item < P_N; e->item++) {
		const char *s = NULL;
		uint32_t v = 0;
		switch (e->item) {
		case P_SERVER: s = c->server; break;
		case P_PORT: v = c->port; break;
		case P_USER: s = c->user; break;
		case P_PASSWORD: s = c->password; break;
		case P_ACCOUNT: s = c->account; break;
		default: v = 1; break; /* passive, as in note §3.4 */
		}
		if (!s && !v)
			continue;
		netdl_build_set(e, &b, "AT+UFTP=", profile_op[e->item]);
		if (s)
			sarafw_cmdbuf_quoted(&b, s);
		else
			sarafw_cmdbuf_u32(&b, v);
		e->item++;
		e->step = F_PROFILE;
		netdl_send(e, &b, SARAFW_ANSWER_MS, now);
		return;
	}
	if (e->flags & NETDL_RESUME) {
		/* the record says the module may still be downloading: nothing
		 * Table 7 forbids goes out until that is known (note §7) */
		sarafw_guard_set(e->dev, SARAFW_DL_FTP);
		e->step = F_RESUME_TRY;
		send_fota(e, 1, e->dev->variant->limits->ftp_start_ms, now);
		return;
	}
	e->step = F_LOGIN;
	send_plain(e, "AT+UFTPC=1", SARAFW_FTP_LOGIN_MS, now);
}

/* The module took the download command: it runs from here on. */
static void running(sarafw_netdl *e, uint8_t how, uint32_t now)
{
	sarafw_guard_set(e->dev, SARAFW_DL_FTP); /* note §7 */
	e->flags |= NETDL_STARTED;
	e->res->how = how;
	netdl_record(e, SARAFW_PERSIST_DOWNLOADING, e->res->stored, e->res->total);
	e->step = F_FOLLOW;
	netdl_wait(e, max_ms(e), now);
}

static void start(sarafw_netdl *e, uint32_t now)
{
	bool resume = e->ftp->resume || (e->flags & NETDL_RESUME);
	e->step = F_START;
	send_fota(e, resume ? 1 : -1, e->dev->variant->limits->ftp_start_ms, now);
}

/* A +UUFTPCR line for op; false if it is not one. */
static bool urc(const char *line, uint16_t op, sarafw_net_urc *u)
{
	return sarafw_uuftpcr_parse(line, u) == SARAFW_OK && u->op == op;
}

static void on_line(sarafw_netdl *e, const char *line, uint32_t now)
{
	sarafw_net_urc u;
	if (e->step == F_ERROR) {
		netdl_error_line(e, line);
		return;
	}
	if ((e->step == F_LOGIN || e->step == F_LOGIN_WAIT) && urc(line, 1, &u)) {
		/* note §3.4: "+UUFTPCR: 1,1 OK", or after the OK */
		e->login = u.ok ? 1 : 0;
		if (e->step == F_LOGIN_WAIT) {
			if (e->login == 1)
				start(e, now);
			else
				error(e, SARAFW_EERROR, now);
		}
		return;
	}
	if (e->step == F_LOGOUT_WAIT && urc(line, 0, &u)) {
		e->login = -1;
		e->step = F_LOGIN;
		send_plain(e, "AT+UFTPC=1", SARAFW_FTP_LOGIN_MS, now);
		return;
	}
	if (!urc(line, 100, &u))
		return; /* another operation's, or garbled: not ours */
	if (u.progress) {
		if (e->step == F_FOLLOW || e->step == F_START || e->step == F_RESUME_TRY)
			netdl_progress(e, e->ftp->progress, e->ftp->progress_ctx, u.stored, u.total);
		return;
	}
	switch (e->step) {
	case F_FOLLOW:
		if (u.ok)
			netdl_end(e, netdl_good(e, u.has_md5 ? u.md5 : NULL, e->ftp->md5));
		else
			error(e, SARAFW_EERROR, now); /* the record stays: the session can resume */
		return;
	case F_REPLACE_WAIT:
		if (!u.ok) {
			netdl_record(e, SARAFW_PERSIST_IDLE, 0, 0);
			e->item = 0;
			profile_next(e, now);
		}
		return;
	case F_CANCEL_WAIT:
		if (u.ok) {
			/* it ended before the cancel reached it */
			uint32_t total = e->res ? e->res->total : 0;
			netdl_record(e, SARAFW_PERSIST_STORED, total, total);
			netdl_end(e, (e->flags & NETDL_CANCEL) ? SARAFW_EPROTO : SARAFW_ECANCEL);
		} else {
			netdl_record(e, SARAFW_PERSIST_IDLE, 0, 0);
			netdl_end(e, (e->flags & NETDL_CANCEL) ? SARAFW_OK : SARAFW_ECANCEL);
		}
		return;
	default:
		return;
	}
}

static void on_final(sarafw_netdl *e, int rc, uint32_t now)
{
	bool abort_now = e->aborted == 1 && e->step != F_CANCEL && e->step != F_ERROR;
	if (abort_now) {
		e->aborted = 2;
		if (e->step == F_START && rc == SARAFW_OK)
			e->flags |= NETDL_STARTED;
		if (e->step == F_RESUME_TRY && rc == SARAFW_OK)
			e->flags |= NETDL_STARTED;
		if (e->flags & NETDL_STARTED) {
			e->rc = SARAFW_ECANCEL;
			cancel(e, F_CANCEL, now);
		} else {
			netdl_end(e, SARAFW_ECANCEL);
		}
		return;
	}
	switch (e->step) {
	case F_REPLACE:
		if (rc == SARAFW_OK) {
			e->step = F_REPLACE_WAIT;
			netdl_wait(e, SARAFW_FTP_CANCEL_MS, now);
		} else {
			/* refused: no session runs (docs/behaviour.md) */
			profile_next(e, now);
		}
		return;
	case F_PROFILE:
		if (rc)
			netdl_end(e, rc);
		else
			profile_next(e, now);
		return;
	case F_RESUME_TRY:
		if (rc == SARAFW_OK) {
			running(e, SARAFW_NET_RESUMED, now);
		} else if (rc != SARAFW_EERROR) {
			netdl_end(e, rc);
		} else if (r422(e)) {
			/* A refused resume: the module still downloads, or lost its
			 * login. A login now would spoil a running download on this
			 * family (note §7): follow it (docs/behaviour.md). */
			running(e, SARAFW_NET_FOLLOWED, now);
		} else {
			/* R410M/R412M refuse the login while their download runs
			 * (Table 7): the login tells which it is */
			sarafw_guard_set(e->dev, SARAFW_DL_NONE);
			e->step = F_LOGIN;
			send_plain(e, "AT+UFTPC=1", SARAFW_FTP_LOGIN_MS, now);
		}
		return;
	case F_LOGIN:
		if (rc != SARAFW_OK) {
			if (rc == SARAFW_EERROR && (e->flags & NETDL_RESUME)) {
				SARAFW_NOTE(e->dev, "login refused: the module's download still runs");
				running(e, SARAFW_NET_FOLLOWED, now);
			} else if (rc == SARAFW_EERROR && !(e->flags & NETDL_RELOGIN)) {
				/* still logged in from an earlier session (a stopped
				 * host, a cancel): out, then in again, once */
				SARAFW_NOTE(e->dev, "login refused: logging out first");
				e->flags |= NETDL_RELOGIN;
				e->step = F_LOGOUT;
				send_plain(e, "AT+UFTPC=0", SARAFW_FTP_LOGIN_MS, now);
			} else {
				netdl_end(e, rc);
			}
		} else if (e->login == 1) {
			start(e, now);
		} else if (e->login == 0) {
			SARAFW_NOTE(e->dev, "FTP login failed");
			error(e, SARAFW_EERROR, now);
		} else {
			e->step = F_LOGIN_WAIT;
			netdl_wait(e, SARAFW_FTP_LOGIN_MS, now);
		}
		return;
	case F_START:
		if (rc == SARAFW_OK)
			running(e, (e->ftp->resume || (e->flags & NETDL_RESUME)) ? SARAFW_NET_RESUMED : SARAFW_NET_NEW, now);
		else if (rc == SARAFW_EERROR)
			error(e, rc, now);
		else
			netdl_end(e, rc);
		return;
	case F_ERROR:
		netdl_end(e, e->rc);
		return;
	case F_LOGOUT:
		if (rc == SARAFW_OK) {
			e->step = F_LOGOUT_WAIT;
			netdl_wait(e, SARAFW_FTP_LOGIN_MS, now);
		} else {
			error(e, rc, now); /* neither in nor out: +UFTPER says why */
		}
		return;
	case F_CANCEL:
		if (rc == SARAFW_OK) {
			e->step = F_CANCEL_WAIT;
			/* the cancel alone keeps its caller's bound in until */
			netdl_wait(e, (e->flags & NETDL_CANCEL) && e->until ? e->until : SARAFW_FTP_CANCEL_MS, now);
		} else {
			netdl_end(e, e->rc ? e->rc : rc);
		}
		return;
	default:
		return;
	}
}

static void on_ftp(sarafw_netdl *e, int ev, int rc, const char *line, uint32_t now)
{
	switch (ev) {
	case NETDL_LINE:
		on_line(e, line, now);
		return;
	case NETDL_FINAL:
		on_final(e, rc, now);
		return;
	case NETDL_ABORT:
		if (e->step == F_FOLLOW) {
			e->rc = SARAFW_ECANCEL;
			cancel(e, F_CANCEL, now);
		} else if (e->step == F_CANCEL_WAIT || e->step == F_REPLACE_WAIT) {
			/* already cancelling: the wait goes on */
			netdl_wait(e, e->until - now, now);
			e->step = F_CANCEL_WAIT;
			e->rc = SARAFW_ECANCEL;
		} else {
			netdl_end(e, SARAFW_ECANCEL);
		}
		return;
	default: /* NETDL_TIMEOUT */
		netdl_end(e, SARAFW_ETIMEOUT);
		return;
	}
}

static int check(sarafw_netdl *e, sarafw_dev *dev, sarafw_net_result *res, const char *file)
{
	if (!dev)
		return SARAFW_EINVAL;
	netdl_init(e, dev, res, SARAFW_DL_FTP, on_ftp);
	if (!file || !file[0]) {
		netdl_end(e, SARAFW_EINVAL);
	} else if (!dev->variant || !(dev->variant->methods & SARAFW_METHOD_FTP)) {
		netdl_end(e, SARAFW_ENOTSUP); /* note Table 1 */
	} else if (dev->variant->family != SARAFW_FAMILY_R422 &&
		   (sarafw_str_chr(file, '/') || sarafw_str_len(file) > SARAFW_FTP_NAME_MAX)) {
		/* note §3.2, SARA-R410M/R412M: no path, at most 64 characters */
		netdl_end(e, SARAFW_EINVAL);
	} else {
		e->file = file;
		e->hash = sarafw_persist_hash(file);
	}
	return e->status == SARAFW_RUNNING ? SARAFW_OK : e->status;
}

int sarafw_ftp_start(sarafw_netdl *e, sarafw_dev *dev, const sarafw_ftp_config *cfg, sarafw_net_result *res,
		     uint32_t now)
{
	sarafw_persist rec;
	int rc;
	if (!e)
		return SARAFW_EINVAL;
	if (!res)
		cfg = NULL;
	if (dev && cfg && (!cfg->server || !cfg->server[0] || !cfg->user || !cfg->password || !netdl_md5_ok(cfg->md5)))
		cfg = NULL;
	rc = check(e, dev, res, cfg ? cfg->file : NULL);
	if (rc)
		return rc;
	e->ftp = cfg;
	netdl_load(e, &rec);
	if (rec.state == SARAFW_PERSIST_DOWNLOADING && rec.method == SARAFW_DL_FTP) {
		if (rec.name_hash == e->hash) {
			/* note §3.2: resume, even after a power cycle */
			e->flags |= NETDL_RESUME;
			res->how = SARAFW_NET_RESUMED; /* or FOLLOWED, once known */
			res->stored = rec.stored;
			res->total = rec.total;
			e->saved = rec.stored;
		} else {
			/* another file's session: cancelled before this one (note §3.2) */
			res->replaced = true;
			e->step = F_REPLACE;
			send_fota(e, 0, SARAFW_FTP_CANCEL_MS, now);
			return SARAFW_OK;
		}
	}
	profile_next(e, now);
	return e->status == SARAFW_RUNNING ? SARAFW_OK : e->status;
}

int sarafw_ftp_cancel_start(sarafw_netdl *e, sarafw_dev *dev, const char *file, uint32_t max_ms, uint32_t now)
{
	int rc;
	if (!e)
		return SARAFW_EINVAL;
	rc = check(e, dev, NULL, file);
	if (rc)
		return rc;
	e->flags |= NETDL_CANCEL;
	e->until = max_ms; /* the wait's bound, read in on_final */
	cancel(e, F_CANCEL, now);
	return e->status == SARAFW_RUNNING ? SARAFW_OK : e->status;
}

/* FTP client: +UFTP (note §3.1), +UFTPC (§3.2), +UFTPER. The profile is
 * volatile (note §3.1): the state is zeroed at every power-on. FTP is not
 * on SARA-R422 (note Table 1): the rows need SIM_CAP_FTP. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "feature.h"
#include "netdl.h"
#include "netparam.h"

#define LOGIN_MS 500u /* no server set: module time to +UUFTPCR: 1,0 */
/* note §3.2: on SARA-R410M/R412M the start takes about 16 s to OK */
#define START_MS_R41X 16000u
/* note §3.2: on SARA-R410M/R412M the FOTA file name has no path and at
 * most 64 characters */
#define NAME_MAX_R41X 64u

struct ftp_state {
	struct sim_net_profile prof;
	bool logged_in;
	int err_class, err_code; /* +UFTPER: the last +UFTPC operation */
	bool login_busy;
	/* note §3.2: "<remote_file_name> must match in all commands": the
	 * file of the download in progress, for its cancel */
	char file[256];
	struct sim_netdl_req pending; /* R410M/R412M: started at the OK */
};

extern const struct sim_feature sim_feature_ftp;

static struct ftp_state *state(struct sim_modem *m)
{
	return sim_feature_state(m, &sim_feature_ftp);
}

static int power_on(struct sim_modem *m, void *st)
{
	struct ftp_state *f = st;
	(void)m;
	sim_net_reset(sim_ftp_ops, &f->prof);
	return 0;
}

static int cmd_uftp(struct sim_modem *m, const struct sim_at_req *req)
{
	struct ftp_state *f = state(m);
	int op;
	if (req->type == SIM_AT_TEST) {
		sim_modem_info(m, "+UFTP: (0-8)");
		return SIM_OK;
	}
	if (req->type == SIM_AT_READ) {
		/* one parameter a line (note §3.1); the password is never shown */
		for (int i = 0; i < SIM_NET_OPS; i++) {
			if (i == 3)
				continue;
			if (sim_ftp_ops[i].kind == SIM_NP_STR)
				sim_modem_info(m, "+UFTP: %d,\"%s\"", i, f->prof.str[i]);
			else
				sim_modem_info(m, "+UFTP: %d,%ld", i, f->prof.num[i]);
		}
		return SIM_OK;
	}
	return sim_net_set(sim_ftp_ops, &f->prof, req, 0, &op);
}

static void ftp_error(struct ftp_state *f, int cls, int code)
{
	f->err_class = cls;
	f->err_code = code;
}

static void login_done(struct sim_modem *m, int ok, int err_code)
{
	struct ftp_state *f = state(m);
	f->login_busy = false;
	f->logged_in = ok;
	if (ok)
		ftp_error(f, 0, 0);
	else
		ftp_error(f, SIM_FTPER_CLASS, err_code);
	sim_modem_urc(m, "+UUFTPCR: 1,%d", ok);
}

/* No server set: the login fails without a connection. */
static void login_no_server(void *ctx, int arg)
{
	(void)arg;
	login_done(ctx, 0, SIM_FTPER_NO_SERVER);
}

static void logout_done(void *ctx, int arg)
{
	(void)arg;
	sim_modem_urc(ctx, "+UUFTPCR: 0,1");
}

/* The server the profile names: the name (op 1) wins over the IP (op 0). */
static const char *sim_ftp_host(const struct sim_net_profile *p)
{
	return p->str[1][0] ? p->str[1] : p->str[0];
}

static void dl_done(struct sim_modem *m, const struct sim_netdl_result *r)
{
	struct ftp_state *f = state(m);
	if (r->ok) {
		ftp_error(f, 0, 0);
		/* R422 family: the MD5 of the stored file (note §3.2 first
		 * table); R410M/R412M: the bare result (note §3.2 second) */
		if (m->v->family == SIM_R422)
			sim_modem_urc(m, "+UUFTPCR: 100,1,\"%s\"", r->md5);
		else
			sim_modem_urc(m, "+UUFTPCR: 100,1");
		return;
	}
	ftp_error(f, r->err_class, r->err_code);
	sim_modem_urc(m, "+UUFTPCR: 100,0");
}

static void dl_status(struct sim_modem *m, uint64_t stored, uint64_t total)
{
	/* note §3.2: the R410M/R412M status URC; the R422 family has none */
	if (m->v->family != SIM_R422)
		sim_modem_urc(m, "+UUFTPCR: 100,%llu / %llu", (unsigned long long)stored,
			      (unsigned long long)total);
}

/* R410M/R412M: the download starts with the OK, about 16 s after the
 * command (note §3.2). */
static void start_after_prep(void *ctx, int arg)
{
	struct sim_modem *m = ctx;
	struct ftp_state *f = state(m);
	(void)arg;
	int rc = sim_netdl_start(m, &f->pending);
	if (rc == SIM_OK)
		ftp_error(f, 0, 0);
	sim_modem_final(m, rc);
}

static int fota_file(struct sim_modem *m, struct ftp_state *f, const struct sim_at_req *req)
{
	long status = 0;
	bool r41x = m->v->family != SIM_R422;
	if (req->argc < 2 || req->argc > 3 || req->argv[1].type != SIM_ARG_STR ||
	    req->argv[1].len == 0)
		return SIM_CME_INCORRECT_PARAMS;
	if (req->argc == 3 && sim_arg_num(req, 2, 0, 1, &status) != SIM_OK)
		return SIM_CME_INCORRECT_PARAMS;
	if (req->argv[1].len >= sizeof f->file ||
	    (r41x && (req->argv[1].len > NAME_MAX_R41X || strchr(req->argv[1].str, '/'))))
		return SIM_CME_INCORRECT_PARAMS; /* note §3.2: no path, 64 at most */
	if (status == 0 && req->argc == 3) { /* ,0: cancel (note §3.2) */
		if (!sim_netdl_busy(m) || strcmp(f->file, req->argv[1].str) != 0)
			return SIM_CME_NOT_ALLOWED; /* not the file being downloaded */
		return sim_netdl_cancel(m, SIM_DL_FTP) ? SIM_OK : SIM_CME_NOT_ALLOWED;
	}
	if (!f->logged_in || sim_netdl_busy(m))
		return SIM_CME_NOT_ALLOWED; /* note §3.2: log in first */
	snprintf(f->file, sizeof f->file, "%s", req->argv[1].str);
	struct sim_netdl_req r = {
		.method = SIM_DL_FTP,
		.host = sim_ftp_host(&f->prof),
		.port = f->prof.num[7],
		.user = f->prof.str[2],
		.password = f->prof.str[3],
		.account = f->prof.str[4],
		.path = f->file,
		.passive = f->prof.num[6] == 1,
		.secure = f->prof.num[8] == 1,
		.timeout_s = f->prof.num[5],
		.resume = status == 1,
		.status = dl_status,
		.done = dl_done,
	};
	if (r41x) {
		f->pending = r; /* its strings live in f, as long as the modem */
		sim_modem_after(m, START_MS_R41X, start_after_prep, 0);
		return SIM_PENDING;
	}
	int rc = sim_netdl_start(m, &r);
	if (rc == SIM_OK)
		ftp_error(f, 0, 0);
	return rc;
}

static int cmd_uftpc(struct sim_modem *m, const struct sim_at_req *req)
{
	struct ftp_state *f = state(m);
	long op;
	if (req->type == SIM_AT_TEST) {
		sim_modem_info(m, "+UFTPC: (0-5,8,10,11,13,14,100)");
		return SIM_OK;
	}
	if (req->argc < 1 || req->argv[0].type != SIM_ARG_NUM)
		return SIM_CME_INCORRECT_PARAMS;
	op = req->argv[0].num;
	switch (op) {
	case 1: /* login */
		if (req->argc != 1)
			return SIM_CME_INCORRECT_PARAMS;
		if (f->logged_in || f->login_busy)
			return SIM_CME_NOT_ALLOWED;
		{
			struct sim_netdl_req r = {
				.method = SIM_DL_FTP,
				.host = sim_ftp_host(&f->prof),
				.port = f->prof.num[7],
				.user = f->prof.str[2],
				.password = f->prof.str[3],
				.account = f->prof.str[4],
				.secure = f->prof.num[8] == 1,
			};
			int rc = r.host[0] ? sim_netdl_login(m, &r, login_done)
					   : (sim_modem_after(m, LOGIN_MS, login_no_server, 0), SIM_OK);
			if (rc != SIM_OK)
				return rc;
			f->login_busy = true;
		}
		return SIM_OK;
	case 0: /* logout */
		if (req->argc != 1)
			return SIM_CME_INCORRECT_PARAMS;
		if (!f->logged_in || sim_netdl_busy(m))
			return SIM_CME_NOT_ALLOWED;
		f->logged_in = false;
		sim_modem_after(m, LOGIN_MS, logout_done, 0);
		return SIM_OK;
	case 100:
		return fota_file(m, f, req);
	case 2: case 3: case 4: case 5: case 8: case 10: case 11: case 13: case 14:
		return SIM_CME_NOT_SUPPORTED; /* file operations: not simulated */
	default:
		return SIM_CME_INCORRECT_PARAMS;
	}
}

static int cmd_uftper(struct sim_modem *m, const struct sim_at_req *req)
{
	struct ftp_state *f = state(m);
	if (req->type == SIM_AT_TEST)
		return SIM_OK;
	sim_modem_info(m, "+UFTPER: %d,%d", f->err_class, f->err_code);
	return SIM_OK;
}

static const struct sim_cmd cmds[] = {
	{.name = "+UFTP",
	 .forms = SIM_FORM_SET | SIM_FORM_READ | SIM_FORM_TEST,
	 .cap = SIM_CAP_FTP,
	 .modes = SIM_IN_AT,
	 .fn = cmd_uftp},
	{.name = "+UFTPC",
	 .forms = SIM_FORM_SET | SIM_FORM_TEST,
	 .cap = SIM_CAP_FTP,
	 .modes = SIM_IN_AT,
	 .fn = cmd_uftpc},
	{.name = "+UFTPER",
	 .forms = SIM_FORM_ACTION | SIM_FORM_TEST,
	 .cap = SIM_CAP_FTP,
	 .modes = SIM_IN_AT,
	 .fn = cmd_uftper},
	{.name = NULL},
};

const struct sim_feature sim_feature_ftp = {
	.name = "ftp",
	.cmds = cmds,
	.state_size = sizeof(struct ftp_state),
	.power_on = power_on,
};

/* HTTP client: +UHTTP profiles 0..3 (note §4.1), +UHTTPC (§4.2) and
 * +UHTTPER. Volatile like FTP's (note §4.1). Only the SARA-R422S and
 * SARA-R422M8S download firmware over HTTP (note Table 1, Table 7 row 5):
 * the rows need SIM_CAP_HTTP. */
#include <string.h>

#include "commands.h"
#include "feature.h"
#include "netdl.h"
#include "netparam.h"

#define PROFILES 4

struct http_state {
	struct sim_net_profile prof[PROFILES];
	int err_class[PROFILES], err_code[PROFILES];
	int running; /* the profile of the download in progress */
};

extern const struct sim_feature sim_feature_http;

static struct http_state *state(struct sim_modem *m)
{
	return sim_feature_state(m, &sim_feature_http);
}

static int power_on(struct sim_modem *m, void *st)
{
	struct http_state *h = st;
	(void)m;
	for (int p = 0; p < PROFILES; p++)
		sim_net_reset(sim_http_ops, &h->prof[p]);
	return 0;
}

static int profile_arg(const struct sim_at_req *req, long *p)
{
	return sim_arg_num(req, 0, 0, PROFILES - 1, p);
}

static int cmd_uhttp(struct sim_modem *m, const struct sim_at_req *req)
{
	struct http_state *h = state(m);
	long p;
	int op;
	if (req->type == SIM_AT_TEST) {
		sim_modem_info(m, "+UHTTP: (0-%d),(0-7)", PROFILES - 1);
		return SIM_OK;
	}
	if (profile_arg(req, &p) != SIM_OK)
		return SIM_CME_INCORRECT_PARAMS;
	if (req->argc == 1) { /* note §4.1: reset the whole profile */
		sim_net_reset(sim_http_ops, &h->prof[p]);
		return SIM_OK;
	}
	if (req->argc == 2) { /* note §4.1: read one parameter */
		long op2;
		if (sim_arg_num(req, 1, 0, 7, &op2) != SIM_OK)
			return SIM_CME_INCORRECT_PARAMS;
		const struct sim_net_profile *pr = &h->prof[p];
		if (sim_http_ops[op2].kind == SIM_NP_STR)
			sim_modem_info(m, "+UHTTP: %ld,%ld,\"%s\"", p, op2,
				       op2 == 3 ? "" : pr->str[op2]); /* no password */
		else if (op2 == 6 && pr->num[6])
			sim_modem_info(m, "+UHTTP: %ld,6,%ld,%ld", p, pr->num[6], pr->num2[6]);
		else
			sim_modem_info(m, "+UHTTP: %ld,%ld,%ld", p, op2, pr->num[op2]);
		return SIM_OK;
	}
	return sim_net_set(sim_http_ops, &h->prof[p], req, 1, &op);
}

static void set_error(struct http_state *h, int p, int cls, int code)
{
	h->err_class[p] = cls;
	h->err_code[p] = code;
}

static void dl_done(struct sim_modem *m, const struct sim_netdl_result *r)
{
	struct http_state *h = state(m);
	int p = h->running;
	if (r->ok)
		set_error(h, p, 0, 0);
	else
		set_error(h, p, r->err_class, r->err_code);
	/* AT-FACTS "HTTP": +UUHTTPCR: <p>,100,<result>,<http_status>,"<md5>";
	 * a failure keeps the form with an empty MD5 (docs/behaviour.md) */
	sim_modem_urc(m, "+UUHTTPCR: %d,100,%d,%ld,\"%s\"", p, r->ok ? 1 : 0, r->http_status,
		      r->ok ? r->md5 : "");
}

static const char *host_of(const struct sim_net_profile *pr)
{
	return pr->str[1][0] ? pr->str[1] : pr->str[0];
}

static int cmd_uhttpc(struct sim_modem *m, const struct sim_at_req *req)
{
	struct http_state *h = state(m);
	long p, cmd;
	if (req->type == SIM_AT_TEST) {
		sim_modem_info(m, "+UHTTPC: (0-%d),(0-5,100)", PROFILES - 1);
		return SIM_OK;
	}
	if (profile_arg(req, &p) != SIM_OK || sim_arg_num(req, 1, 0, 100, &cmd) != SIM_OK)
		return SIM_CME_INCORRECT_PARAMS;
	if (cmd >= 0 && cmd <= 5)
		return SIM_CME_NOT_SUPPORTED; /* plain requests: not simulated */
	if (cmd != 100 || req->argc != 3 || req->argv[2].type != SIM_ARG_STR ||
	    req->argv[2].len == 0)
		return SIM_CME_INCORRECT_PARAMS;
	const struct sim_net_profile *pr = &h->prof[p];
	struct sim_netdl_req r = {
		.method = SIM_DL_HTTP,
		.host = host_of(pr),
		.port = pr->num[5],
		.user = pr->str[2],
		.password = pr->str[3],
		.account = "",
		.path = req->argv[2].str,
		.secure = pr->num[6] == 1,
		.basic_auth = pr->num[4] == 1,
		.timeout_s = pr->num[7],
		.resume = true, /* docs/behaviour.md: Range from a stored point */
		.status = NULL,
		.done = dl_done,
	};
	int rc = sim_netdl_start(m, &r);
	if (rc == SIM_OK) {
		h->running = (int)p;
		set_error(h, (int)p, 0, 0);
	}
	return rc;
}

static int cmd_uhttper(struct sim_modem *m, const struct sim_at_req *req)
{
	struct http_state *h = state(m);
	long p;
	if (req->type == SIM_AT_TEST) {
		sim_modem_info(m, "+UHTTPER: (0-%d)", PROFILES - 1);
		return SIM_OK;
	}
	if (req->argc != 1 || profile_arg(req, &p) != SIM_OK)
		return SIM_CME_INCORRECT_PARAMS;
	sim_modem_info(m, "+UHTTPER: %ld,%d,%d", p, h->err_class[p], h->err_code[p]);
	return SIM_OK;
}

static const struct sim_cmd cmds[] = {
	{.name = "+UHTTP",
	 .forms = SIM_FORM_SET | SIM_FORM_TEST,
	 .cap = SIM_CAP_HTTP,
	 .modes = SIM_IN_AT,
	 .fn = cmd_uhttp},
	{.name = "+UHTTPC",
	 .forms = SIM_FORM_SET | SIM_FORM_TEST,
	 .cap = SIM_CAP_HTTP,
	 .modes = SIM_IN_AT,
	 .fn = cmd_uhttpc},
	{.name = "+UHTTPER",
	 .forms = SIM_FORM_SET | SIM_FORM_TEST,
	 .cap = SIM_CAP_HTTP,
	 .modes = SIM_IN_AT,
	 .fn = cmd_uhttper},
	{.name = NULL},
};

const struct sim_feature sim_feature_http = {
	.name = "http",
	.cmds = cmds,
	.state_size = sizeof(struct http_state),
	.power_on = power_on,
};

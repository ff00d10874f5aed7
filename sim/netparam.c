/* FTP and HTTP profile parameters: one checker for both tables. */
#include "netparam.h"

#include <string.h>

#include "modem.h"

#define STR(n) {.kind = SIM_NP_STR, .maxlen = (n)}
#define NUM(l, h, f) {.kind = SIM_NP_NUM, .lo = (l), .hi = (h), .factory = (f)}

/* AT-FACTS "FTP": 0 IP, 1 server name, 2 user, 3 password, 4 account,
 * 5 inactivity timeout (0 none), 6 mode (0 active, 1 passive), 7 port,
 * 8 secure. Factory values: docs/behaviour.md. */
const struct sim_net_op sim_ftp_ops[SIM_NET_OPS] = {
	[0] = STR(64),
	[1] = STR(SIM_NET_STR_MAX),
	[2] = STR(30),
	[3] = STR(30),
	[4] = STR(30),
	[5] = NUM(0, 86400, 30),
	[6] = NUM(0, 1, 0),
	[7] = NUM(1, 65535, 21),
	[8] = NUM(0, 1, 0),
};

/* AT-FACTS "HTTP": 0 IP, 1 server name, 2 user, 3 password, 4 auth type,
 * 5 port, 6 secure (=<p>,6,1[,<sec_profile>]), 7 timeout (s). */
const struct sim_net_op sim_http_ops[SIM_NET_OPS] = {
	[0] = STR(64),
	[1] = STR(SIM_NET_STR_MAX),
	[2] = STR(30),
	[3] = STR(30),
	[4] = NUM(0, 1, 0),
	[5] = NUM(1, 65535, 80),
	[6] = {.kind = SIM_NP_NUM, .lo = 0, .hi = 1, .has2 = true, .lo2 = 0, .hi2 = 4},
	[7] = NUM(30, 86400, 180),
	/* [8]: none */
};

void sim_net_reset(const struct sim_net_op *ops, struct sim_net_profile *p)
{
	memset(p, 0, sizeof *p);
	for (int i = 0; i < SIM_NET_OPS; i++)
		p->num[i] = ops[i].factory;
}

int sim_net_set(const struct sim_net_op *ops, struct sim_net_profile *p,
		const struct sim_at_req *req, int first, int *op)
{
	if (first < 0 || first >= req->argc || req->argv[first].type != SIM_ARG_NUM)
		return SIM_CME_INCORRECT_PARAMS;
	long code = req->argv[first].num;
	if (code < 0 || code >= SIM_NET_OPS || ops[code].kind == SIM_NP_NONE)
		return SIM_CME_INCORRECT_PARAMS;
	const struct sim_net_op *o = &ops[code];
	int nval = req->argc - first - 1;
	const struct sim_at_arg *v = &req->argv[first + 1];
	*op = (int)code;
	if (nval == 0) { /* factory value of this one parameter */
		p->str[code][0] = '\0';
		p->num[code] = o->factory;
		p->num2[code] = 0;
		return SIM_OK;
	}
	if (o->kind == SIM_NP_STR) {
		if (nval != 1 || v[0].type != SIM_ARG_STR || v[0].len > o->maxlen)
			return SIM_CME_INCORRECT_PARAMS;
		memcpy(p->str[code], v[0].str, v[0].len + 1);
		return SIM_OK;
	}
	if (nval > (o->has2 ? 2 : 1) || v[0].type != SIM_ARG_NUM || v[0].num < o->lo ||
	    v[0].num > o->hi)
		return SIM_CME_INCORRECT_PARAMS;
	long second = 0;
	if (nval == 2) {
		if (v[1].type != SIM_ARG_NUM || v[1].num < o->lo2 || v[1].num > o->hi2)
			return SIM_CME_INCORRECT_PARAMS;
		second = v[1].num;
	}
	p->num[code] = v[0].num;
	p->num2[code] = second;
	return SIM_OK;
}

/* The host's sockets (sockets.h), AT manual syntax:
 *   AT+USOCR=<protocol>[,<local_port>[,<IP_type>]] -> +USOCR: <socket>
 *   AT+USOCL=<socket>[,<async_close>]
 *   AT+USOCTL=<socket>,<param_id> -> +USOCTL: <socket>,<param_id>,<value>
 *     0 protocol (6 TCP, 17 UDP), 1 last error, 2 bytes sent,
 *     3 bytes received, 10 TCP state (0 closed: nothing connects here)
 * Sockets are lost with a reset or power cut (state zeroed). */
#include "sockets.h"

#include <stdbool.h>
#include <stdint.h>

#include "commands.h"
#include "feature.h"
#include "pdp.h"

struct sock {
	bool open;
	int proto;
	long port;
};

struct sockets {
	struct sock s[SIM_SOCKETS_MAX];
};

extern const struct sim_feature sim_feature_sockets;

static struct sockets *state(struct sim_modem *m)
{
	return sim_feature_state(m, &sim_feature_sockets);
}

int sim_sockets_open(struct sim_modem *m)
{
	int n = 0;
	for (int i = 0; i < SIM_SOCKETS_MAX; i++)
		n += state(m)->s[i].open;
	return n;
}

static int cmd_usocr(struct sim_modem *m, const struct sim_at_req *req)
{
	struct sockets *st = state(m);
	long proto, port = 0, iptype = 0;
	if (req->type == SIM_AT_TEST) {
		sim_modem_info(m, "+USOCR: (6,17),(1-65535),(0-1)");
		return SIM_OK;
	}
	if (req->argc < 1 || req->argc > 3 || sim_arg_num(req, 0, 6, 17, &proto) != SIM_OK ||
	    (proto != 6 && proto != 17) ||
	    (req->argc >= 2 && req->argv[1].type != SIM_ARG_EMPTY &&
	     sim_arg_num(req, 1, 1, 65535, &port) != SIM_OK) ||
	    (req->argc == 3 && sim_arg_num(req, 2, 0, 1, &iptype) != SIM_OK))
		return SIM_CME_INCORRECT_PARAMS;
	/* a socket needs a data path: the default bearer on LTE, a context
	 * the host activated on 2G */
	if (!sim_pdp_active(m, 1))
		return SIM_CME_NOT_ALLOWED;
	for (int i = 0; i < SIM_SOCKETS_MAX; i++) {
		if (st->s[i].open)
			continue;
		st->s[i] = (struct sock){.open = true, .proto = (int)proto, .port = port};
		sim_modem_info(m, "+USOCR: %d", i);
		return SIM_OK;
	}
	return SIM_CME_NOT_ALLOWED; /* docs/behaviour.md: all seven in use */
}

static int open_socket(struct sim_modem *m, const struct sim_at_req *req, long *id)
{
	if (sim_arg_num(req, 0, 0, SIM_SOCKETS_MAX - 1, id) != SIM_OK)
		return SIM_CME_INCORRECT_PARAMS;
	return state(m)->s[*id].open ? SIM_OK : SIM_CME_NOT_ALLOWED;
}

static int cmd_usocl(struct sim_modem *m, const struct sim_at_req *req)
{
	long id, async;
	int rc;
	if (req->type == SIM_AT_TEST) {
		sim_modem_info(m, "+USOCL: (0-%d),(0-1)", SIM_SOCKETS_MAX - 1);
		return SIM_OK;
	}
	if (req->argc < 1 || req->argc > 2 ||
	    (req->argc == 2 && sim_arg_num(req, 1, 0, 1, &async) != SIM_OK))
		return SIM_CME_INCORRECT_PARAMS;
	if ((rc = open_socket(m, req, &id)) != SIM_OK)
		return rc;
	state(m)->s[id].open = false;
	return SIM_OK;
}

static int cmd_usoctl(struct sim_modem *m, const struct sim_at_req *req)
{
	long id, param, v;
	int rc;
	if (req->type == SIM_AT_TEST) {
		sim_modem_info(m, "+USOCTL: (0-%d),(0-3,10)", SIM_SOCKETS_MAX - 1);
		return SIM_OK;
	}
	if (req->argc != 2 || sim_arg_num(req, 1, 0, 10, &param) != SIM_OK ||
	    (param > 3 && param != 10))
		return SIM_CME_INCORRECT_PARAMS;
	if ((rc = open_socket(m, req, &id)) != SIM_OK)
		return rc;
	v = param == 0 ? state(m)->s[id].proto : 0;
	sim_modem_info(m, "+USOCTL: %ld,%ld,%ld", id, param, v);
	return SIM_OK;
}

static const struct sim_cmd cmds[] = {
	{.name = "+USOCR", .forms = SIM_FORM_SET | SIM_FORM_TEST, .modes = SIM_IN_AT, .fn = cmd_usocr},
	{.name = "+USOCL", .forms = SIM_FORM_SET | SIM_FORM_TEST, .modes = SIM_IN_AT, .fn = cmd_usocl},
	{.name = "+USOCTL", .forms = SIM_FORM_SET | SIM_FORM_TEST, .modes = SIM_IN_AT, .fn = cmd_usoctl},
	{.name = NULL},
};

const struct sim_feature sim_feature_sockets = {
	.name = "sockets",
	.cmds = cmds,
	.state_size = sizeof(struct sockets),
};

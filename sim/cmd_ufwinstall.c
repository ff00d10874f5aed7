/* AT+UFWINSTALL: install the package in the FOTA area (installer.h).
 * - SARA-R422 family (note §6.1.1): AT+UFWINSTALL[=<port>[,<baud>]]
 *   installs, reporting on <port> (0 none, 1 UART, 2 AUX UART) at <baud>;
 *   AT+UFWINSTALL=[<port>],[<baud>],,<uFOTA_URC> stores where a uFOTA
 *   install reports (persistent, NVM keys ufwinstall_*); =? lists both.
 * - SARA-R410M/R412M/N410 (note §6.2.1): AT+UFWINSTALL, =? answers OK.
 * No package, or one the LwM2M client downloaded: "operation not
 * allowed" (note §6). */
#include <string.h>

#include "commands.h"
#include "feature.h"
#include "fota.h"
#include "installer.h"

/* note §6.1.2: the rates +UFWINSTALL takes */
static const uint32_t rates[] = {9600, 19200, 38400, 57600, 115200, 230400, 460800};

struct ufwinstall {
	int urc;       /* <uFOTA_URC> stored: 1 set */
	int port;      /* for a uFOTA install */
	uint32_t baud; /* 0: the +IPR rate */
};

extern const struct sim_feature sim_feature_ufwinstall;

static struct ufwinstall *state(struct sim_modem *m)
{
	return sim_feature_state(m, &sim_feature_ufwinstall);
}

static bool rate_ok(long baud)
{
	for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++)
		if ((long)rates[i] == baud)
			return true;
	return false;
}

/* note §6.1.2: an omitted rate is the current one; +IPR's 921600 and
 * 3000000 are not among +UFWINSTALL's, so 115200 then (docs/behaviour.md) */
static uint32_t current_rate(const struct sim_modem *m)
{
	return rate_ok((long)m->nvm.ipr) ? m->nvm.ipr : 115200u;
}

/* Argument i: empty (dflt) or a number that ok() accepts. */
static int opt_arg(const struct sim_at_req *req, int i, long lo, long hi, bool rate, long dflt,
		   long *out)
{
	const struct sim_at_arg *a = i < req->argc ? &req->argv[i] : NULL;
	if (!a || a->type == SIM_ARG_EMPTY) {
		*out = dflt;
		return SIM_OK;
	}
	if (a->type != SIM_ARG_NUM || a->num < lo || a->num > hi || (rate && !rate_ok(a->num)))
		return SIM_CME_INCORRECT_PARAMS;
	*out = a->num;
	return SIM_OK;
}

static int start(struct sim_modem *m, int port, uint32_t baud)
{
	struct sim_kv meta;
	const char *method;
	struct sim_install_req r = {.port = port, .baud = baud, .source = SIM_INSTALL_FOAT};
	if (!sim_fota_present(m->flash, &meta))
		return SIM_CME_NOT_ALLOWED; /* note §6: no package */
	method = sim_kv_get(&meta, "method");
	if (method && strcmp(method, "lwm2m") == 0)
		return SIM_CME_NOT_ALLOWED; /* the LwM2M client installs its own */
	if (sim_install_start(m, &r) < 0)
		return SIM_CME_MEMORY_FAILURE;
	return SIM_OK;
}

static int cmd_ufwinstall(struct sim_modem *m, const struct sim_at_req *req)
{
	bool r422 = (m->v->urcs & SIM_URC_UFWINSTALL) != 0;
	struct ufwinstall *u = state(m);
	long port, baud, urc;
	int rc;
	if (req->type == SIM_AT_TEST) {
		if (r422) /* note §6.1.1's example */
			sim_modem_info(m, "+UFWINSTALL: (0,2),(9600,19200,38400,57600,115200,230400,"
					  "460800),,(1)");
		return SIM_OK;
	}
	if (req->type == SIM_AT_ACTION)
		return start(m, r422 ? 1 : 0, current_rate(m));
	if (!r422) /* note §6.2.1: no parameters */
		return SIM_CME_INCORRECT_PARAMS;
	if (req->argc == 4) {
		if (req->argv[2].type != SIM_ARG_EMPTY)
			return SIM_CME_INCORRECT_PARAMS;
		if ((rc = opt_arg(req, 0, 0, 2, false, 1, &port)) != SIM_OK ||
		    (rc = opt_arg(req, 1, 0, 460800, true, 0, &baud)) != SIM_OK)
			return rc;
		if (sim_arg_num(req, 3, 1, 1, &urc) != SIM_OK)
			return SIM_CME_INCORRECT_PARAMS;
		u->urc = 1;
		u->port = (int)port;
		u->baud = (uint32_t)baud;
		return sim_modem_save_nvm(m);
	}
	/* note §2.6.1.1 prints AT+UFWINSTALL=,,1 for the uFOTA install URCs */
	if (req->argc == 3 && req->argv[0].type == SIM_ARG_EMPTY && req->argv[1].type == SIM_ARG_EMPTY) {
		if (sim_arg_num(req, 2, 1, 1, &urc) != SIM_OK)
			return SIM_CME_INCORRECT_PARAMS;
		u->urc = 1;
		u->port = 1;
		u->baud = 0;
		return sim_modem_save_nvm(m);
	}
	if (req->argc > 2)
		return SIM_CME_INCORRECT_PARAMS;
	/* an omitted port is the one the command came on: the UART */
	if ((rc = opt_arg(req, 0, 0, 2, false, 1, &port)) != SIM_OK ||
	    (rc = opt_arg(req, 1, 0, 460800, true, (long)current_rate(m), &baud)) != SIM_OK)
		return rc;
	return start(m, (int)port, (uint32_t)baud);
}

void sim_ufwinstall_ufota_target(struct sim_modem *m, struct sim_install_req *r)
{
	struct ufwinstall *u = state(m);
	r->port = u->urc ? u->port : 0; /* note Table 2: off by factory */
	r->baud = u->baud ? u->baud : current_rate(m);
	r->source = SIM_INSTALL_LWM2M;
}

static void nvm_load(struct sim_modem *m, void *st, const struct sim_kv *nvm)
{
	struct ufwinstall *u = st;
	long baud = sim_kv_get_long(nvm, "ufwinstall_baud", 0);
	(void)m;
	u->urc = sim_kv_get_long(nvm, "ufwinstall_urc", 0) == 1;
	u->port = (int)sim_kv_get_long(nvm, "ufwinstall_port", 1);
	if (u->port < 0 || u->port > 2)
		u->port = 1;
	u->baud = rate_ok(baud) ? (uint32_t)baud : 0;
}

static void nvm_save(const struct sim_modem *m, const void *st, struct sim_kv *nvm)
{
	const struct ufwinstall *u = st;
	(void)m;
	if (!u->urc)
		return;
	sim_kv_set_long(nvm, "ufwinstall_urc", 1);
	sim_kv_set_long(nvm, "ufwinstall_port", u->port);
	sim_kv_set_long(nvm, "ufwinstall_baud", (long)u->baud);
}

static const struct sim_cmd cmds[] = {
	{.name = "+UFWINSTALL",
	 .forms = SIM_FORM_ACTION | SIM_FORM_SET | SIM_FORM_TEST,
	 .modes = SIM_IN_AT,
	 .fn = cmd_ufwinstall},
	{.name = NULL},
};

const struct sim_feature sim_feature_ufwinstall = {
	.name = "ufwinstall",
	.cmds = cmds,
	.state_size = sizeof(struct ufwinstall),
	.nvm_load = nvm_load,
	.nvm_save = nvm_save,
};

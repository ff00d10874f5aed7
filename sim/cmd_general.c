/* Interface and power: ATE, +CMEE, +IPR, +CFUN, +CSGT. Settings are kept
 * in the "nvm" record the moment they change (a power cut must not lose
 * what the module already answered OK to); echo, +CMEE and +IPR are the
 * core's (modem.h), the greeting text is this feature's. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "feature.h"

struct greeting {
	int mode; /* +CSGT */
	char text[50];
};

extern const struct sim_feature sim_feature_interface;

static struct greeting *state(struct sim_modem *m)
{
	return sim_feature_state(m, &sim_feature_interface);
}

static void nvm_load(struct sim_modem *m, void *st, const struct sim_kv *nvm)
{
	struct greeting *g = st;
	const char *s = sim_kv_get(nvm, "csgt_text");
	(void)m;
	g->mode = sim_kv_get_long(nvm, "csgt_mode", 0) == 1;
	snprintf(g->text, sizeof g->text, "%s", s ? s : "");
}

static void nvm_save(const struct sim_modem *m, const void *st, struct sim_kv *nvm)
{
	const struct greeting *g = st;
	(void)m;
	sim_kv_set_long(nvm, "csgt_mode", g->mode);
	sim_kv_set(nvm, "csgt_text", g->text);
}

/* +CSGT: the greeting text is shown at power on */
static void boot_done(struct sim_modem *m, void *st)
{
	struct greeting *g = st;
	if (g->mode == 1)
		sim_modem_urc(m, "%s", g->text);
}

static int cmd_ate(struct sim_modem *m, const struct sim_at_req *req)
{
	long n = req->basic_num < 0 ? 0 : req->basic_num; /* V.250: ATE = ATE0 */
	if (n > 1)
		return SIM_CME_INCORRECT_PARAMS;
	m->nvm.echo = (int)n;
	return sim_modem_save_nvm(m);
}

static int cmd_cmee(struct sim_modem *m, const struct sim_at_req *req)
{
	long n;
	switch (req->type) {
	case SIM_AT_READ:
		sim_modem_info(m, "+CMEE: %d", m->nvm.cmee);
		return SIM_OK;
	case SIM_AT_TEST:
		sim_modem_info(m, "+CMEE: (0-2)");
		return SIM_OK;
	default: /* SIM_AT_SET: the row takes no other form */
		if (req->argc != 1 || sim_arg_num(req, 0, 0, 2, &n) != SIM_OK)
			return SIM_CME_INCORRECT_PARAMS;
		m->nvm.cmee = (int)n;
		return sim_modem_save_nvm(m);
	}
}

static int cmd_ipr(struct sim_modem *m, const struct sim_at_req *req)
{
	long rate;
	int rc;
	switch (req->type) {
	case SIM_AT_READ:
		sim_modem_info(m, "+IPR: %u", (unsigned)m->nvm.ipr);
		return SIM_OK;
	case SIM_AT_TEST: {
		char list[160] = "";
		for (const uint32_t *r = m->v->ipr_rates; *r; r++)
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%u",
				 r == m->v->ipr_rates ? "" : ",", (unsigned)*r);
		sim_modem_info(m, "+IPR: (),(%s)", list);
		return SIM_OK;
	}
	default: /* SIM_AT_SET: the row takes no other form */
		if (req->argc != 1 || sim_arg_num(req, 0, 1, 4000000, &rate) != SIM_OK ||
		    !sim_variant_ipr_ok(m->v, (uint32_t)rate))
			return SIM_CME_INCORRECT_PARAMS;
		m->nvm.ipr = (uint32_t)rate;
		rc = sim_modem_save_nvm(m);
		if (rc != SIM_OK)
			return rc;
		/* the OK still leaves at the old rate, then the UART switches */
		sim_modem_final(m, SIM_OK);
		m->io.set_baud(m->io.ctx, m->nvm.ipr);
		return SIM_DONE;
	}
}

static int cmd_cfun(struct sim_modem *m, const struct sim_at_req *req)
{
	long fun, rst = 0;
	switch (req->type) {
	case SIM_AT_READ:
		sim_modem_info(m, "+CFUN: %d", m->cfun);
		return SIM_OK;
	case SIM_AT_TEST:
		sim_modem_info(m, "+CFUN: (0,1,4,15,16),(0-1)");
		return SIM_OK;
	default: /* SIM_AT_SET: the row takes no other form */
		if (req->argc > 2 || sim_arg_num(req, 0, 0, 16, &fun) != SIM_OK)
			return SIM_CME_INCORRECT_PARAMS;
		if (req->argc == 2 && sim_arg_num(req, 1, 0, 1, &rst) != SIM_OK)
			return SIM_CME_INCORRECT_PARAMS;
		if (fun == 15 || fun == 16 || (fun == 1 && rst == 1)) {
			/* note B.1.1: CFUN=15 answers OK, then the module resets */
			sim_modem_final(m, SIM_OK);
			sim_modem_reboot(m);
			return SIM_DONE;
		}
		if (fun != 0 && fun != 1 && fun != 4)
			return SIM_CME_INCORRECT_PARAMS;
		sim_modem_set_cfun(m, (int)fun);
		return SIM_OK;
	}
}

static int cmd_csgt(struct sim_modem *m, const struct sim_at_req *req)
{
	struct greeting *g = state(m);
	long mode;
	switch (req->type) {
	case SIM_AT_READ:
		sim_modem_info(m, "+CSGT: \"%s\",%d", g->text, g->mode);
		return SIM_OK;
	case SIM_AT_TEST:
		sim_modem_info(m, "+CSGT: (0-1),%zu", sizeof g->text - 1);
		return SIM_OK;
	default: /* SIM_AT_SET: the row takes no other form */
		if (req->argc > 2 || sim_arg_num(req, 0, 0, 1, &mode) != SIM_OK)
			return SIM_CME_INCORRECT_PARAMS;
		if (req->argc == 2) {
			const struct sim_at_arg *a = &req->argv[1];
			if (a->type != SIM_ARG_STR)
				return SIM_CME_INCORRECT_PARAMS;
			if (a->len >= sizeof g->text)
				return SIM_CME_TEXT_TOO_LONG;
			for (size_t i = 0; i < a->len; i++)
				if ((unsigned char)a->str[i] < 0x20 || (unsigned char)a->str[i] >= 0x7f)
					return SIM_CME_INCORRECT_PARAMS;
			memcpy(g->text, a->str, a->len + 1);
		}
		g->mode = (int)mode;
		return sim_modem_save_nvm(m);
	}
}

#define SETTING_FORMS (SIM_FORM_SET | SIM_FORM_READ | SIM_FORM_TEST)

static const struct sim_cmd cmds[] = {
	{.name = "E", .forms = SIM_FORM_ACTION, .modes = SIM_IN_AT, .fn = cmd_ate},
	{.name = "+CMEE", .forms = SETTING_FORMS, .modes = SIM_IN_AT, .fn = cmd_cmee},
	{.name = "+IPR", .forms = SETTING_FORMS, .modes = SIM_IN_AT, .fn = cmd_ipr},
	{.name = "+CFUN", .forms = SETTING_FORMS, .modes = SIM_IN_AT, .fn = cmd_cfun},
	{.name = "+CSGT", .forms = SETTING_FORMS, .modes = SIM_IN_AT, .fn = cmd_csgt},
	{.name = NULL},
};

const struct sim_feature sim_feature_interface = {
	.name = "interface",
	.cmds = cmds,
	.state_size = sizeof(struct greeting),
	.nvm_load = nvm_load,
	.boot_done = boot_done,
	.nvm_save = nvm_save,
};

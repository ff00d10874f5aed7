/* Interface and power: ATE, +CMEE, +IPR, +CFUN, +CSGT. Settings are kept
 * in the "nvm" record the moment they change (a power cut must not lose
 * what the module already answered OK to). */
#include <stdio.h>
#include <string.h>

#include "commands.h"

int sim_cmd_ate(struct sim_modem *m, const struct sim_at_req *req)
{
	long n = req->basic_num < 0 ? 0 : req->basic_num; /* V.250: ATE = ATE0 */
	if (n > 1)
		return SIM_CME_INCORRECT_PARAMS;
	m->nvm.echo = (int)n;
	return sim_modem_save_nvm(m);
}

int sim_cmd_cmee(struct sim_modem *m, const struct sim_at_req *req)
{
	long n;
	int rc;
	switch (req->type) {
	case SIM_AT_READ:
		sim_modem_info(m, "+CMEE: %d", m->nvm.cmee);
		return SIM_OK;
	case SIM_AT_TEST:
		sim_modem_info(m, "+CMEE: (0-2)");
		return SIM_OK;
	case SIM_AT_SET:
		if (req->argc != 1 || (rc = sim_arg_num(req, 0, 0, 2, &n)) != SIM_OK)
			return SIM_CME_INCORRECT_PARAMS;
		m->nvm.cmee = (int)n;
		return sim_modem_save_nvm(m);
	default:
		return SIM_CME_INCORRECT_PARAMS;
	}
}

int sim_cmd_ipr(struct sim_modem *m, const struct sim_at_req *req)
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
	case SIM_AT_SET:
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
	default:
		return SIM_CME_INCORRECT_PARAMS;
	}
}

int sim_cmd_cfun(struct sim_modem *m, const struct sim_at_req *req)
{
	long fun, rst = 0;
	switch (req->type) {
	case SIM_AT_READ:
		sim_modem_info(m, "+CFUN: %d", m->cfun);
		return SIM_OK;
	case SIM_AT_TEST:
		sim_modem_info(m, "+CFUN: (0,1,4,15,16),(0-1)");
		return SIM_OK;
	case SIM_AT_SET:
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
		m->cfun = (int)fun;
		sim_network_cfun(m, (int)fun);
		return SIM_OK;
	default:
		return SIM_CME_INCORRECT_PARAMS;
	}
}

int sim_cmd_csgt(struct sim_modem *m, const struct sim_at_req *req)
{
	long mode;
	switch (req->type) {
	case SIM_AT_READ:
		sim_modem_info(m, "+CSGT: \"%s\",%d", m->nvm.csgt_text, m->nvm.csgt_mode);
		return SIM_OK;
	case SIM_AT_TEST:
		sim_modem_info(m, "+CSGT: (0-1),%zu", sizeof m->nvm.csgt_text - 1);
		return SIM_OK;
	case SIM_AT_SET:
		if (req->argc > 2 || sim_arg_num(req, 0, 0, 1, &mode) != SIM_OK)
			return SIM_CME_INCORRECT_PARAMS;
		if (req->argc == 2) {
			const struct sim_at_arg *a = &req->argv[1];
			if (a->type != SIM_ARG_STR)
				return SIM_CME_INCORRECT_PARAMS;
			if (a->len >= sizeof m->nvm.csgt_text)
				return SIM_CME_TEXT_TOO_LONG;
			for (size_t i = 0; i < a->len; i++)
				if ((unsigned char)a->str[i] < 0x20 || (unsigned char)a->str[i] >= 0x7f)
					return SIM_CME_INCORRECT_PARAMS;
			memcpy(m->nvm.csgt_text, a->str, a->len + 1);
		}
		m->nvm.csgt_mode = (int)mode;
		return sim_modem_save_nvm(m);
	default:
		return SIM_CME_INCORRECT_PARAMS;
	}
}

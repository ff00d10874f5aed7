/* Identity: AT, ATI, +CGMI, +CGMM, +CGMR, +CGSN. Firmware versions come
 * from the flash record "firmware" (a later update changes them there). */
#include <stdio.h>

#include "commands.h"

int sim_cmd_at(struct sim_modem *m, const struct sim_at_req *req)
{
	(void)m;
	(void)req;
	return SIM_OK;
}

int sim_cmd_ati(struct sim_modem *m, const struct sim_at_req *req)
{
	switch (req->basic_num) {
	case -1:
	case 0:
		if (req->basic_num == 0) {
			sim_modem_info(m, "%s", m->v->id.type_number);
			return SIM_OK;
		}
		/* note §6.2 Table 6 */
		sim_modem_info(m, "Manufacturer: u-blox");
		sim_modem_info(m, "Model: %s", m->v->id.model);
		sim_modem_info(m, "Revision: %s", m->fw_modem);
		sim_modem_info(m, "SVN: %s", m->v->id.svn);
		sim_modem_info(m, "IMEI: %s", m->imei);
		return SIM_OK;
	case 9: /* note §2.6.6 */
		sim_modem_info(m, "%s,%s", m->fw_modem, m->fw_app);
		return SIM_OK;
	default:
		return SIM_CME_INCORRECT_PARAMS;
	}
}

/* Read-only identity commands: action prints, test answers OK. */
static int ident(struct sim_modem *m, const struct sim_at_req *req, const char *a, const char *b)
{
	if (req->type == SIM_AT_TEST)
		return SIM_OK;
	if (req->type != SIM_AT_ACTION)
		return SIM_CME_INCORRECT_PARAMS;
	if (b)
		sim_modem_info(m, "%s %s", a, b);
	else
		sim_modem_info(m, "%s", a);
	return SIM_OK;
}

int sim_cmd_cgmi(struct sim_modem *m, const struct sim_at_req *req)
{
	return ident(m, req, "u-blox", NULL);
}

int sim_cmd_cgmm(struct sim_modem *m, const struct sim_at_req *req)
{
	return ident(m, req, m->v->id.model, NULL);
}

int sim_cmd_cgmr(struct sim_modem *m, const struct sim_at_req *req)
{
	char date[40] = "";
	/* AT-FACTS: "L0.0.00.00.05.12 [Oct 08 2020 15:00:01]" */
	if (m->v->id.build_date) {
		snprintf(date, sizeof date, "[%s]", m->v->id.build_date);
		return ident(m, req, m->fw_modem, date);
	}
	return ident(m, req, m->fw_modem, NULL);
}

int sim_cmd_cgsn(struct sim_modem *m, const struct sim_at_req *req)
{
	if (!m->imei[0])
		return SIM_CME_MEMORY_FAILURE; /* AT-FACTS: a lost IMEI shows so */
	return ident(m, req, m->imei, NULL);
}

/* Update URC switches and backup: +UFOTASTAT, +ULWM2MSTAT, +UBKUPDATA.
 * Neither URC switch is stored: note §2.6.1.1 tells the host to enable
 * them again after each reboot; their boot value is note Table 2's. */
#include "commands.h"

static int urc_switch(struct sim_modem *m, const struct sim_at_req *req, const char *name,
		      int *value)
{
	long n;
	switch (req->type) {
	case SIM_AT_READ:
		sim_modem_info(m, "%s: %d", name, *value);
		return SIM_OK;
	case SIM_AT_TEST:
		sim_modem_info(m, "%s: (0,1)", name);
		return SIM_OK;
	case SIM_AT_SET:
		if (req->argc != 1 || sim_arg_num(req, 0, 0, 1, &n) != SIM_OK)
			return SIM_CME_INCORRECT_PARAMS;
		*value = (int)n;
		return SIM_OK;
	default:
		return SIM_CME_INCORRECT_PARAMS;
	}
}

int sim_cmd_ufotastat(struct sim_modem *m, const struct sim_at_req *req)
{
	if (!(m->v->urcs & SIM_URC_UFOTASTAT)) /* note Table 2 */
		return SIM_CME_NOT_SUPPORTED;
	return urc_switch(m, req, "+UFOTASTAT", &m->ufotastat);
}

int sim_cmd_ulwm2mstat(struct sim_modem *m, const struct sim_at_req *req)
{
	return urc_switch(m, req, "+ULWM2MSTAT", &m->ulwm2mstat);
}

int sim_cmd_ubkupdata(struct sim_modem *m, const struct sim_at_req *req)
{
	if (!m->v->backup_restore) /* note §6.3 */
		return SIM_CME_NOT_SUPPORTED;
	if (req->type == SIM_AT_READ) {
		/* note §9.1: one backup made by the factory/first boot */
		sim_modem_info(m, "+UBKUPDATA: 0,0,1,0,0,0,\"\"");
		return SIM_OK;
	}
	if (req->type == SIM_AT_TEST)
		return SIM_OK;
	return SIM_CME_NOT_SUPPORTED; /* backup itself: a later slice */
}

/* The module's AT commands. A new command is one line here and a handler
 * in the cmd_*.c file of its topic. */
#include "commands.h"

const struct sim_cmd sim_commands[] = {
	{"", sim_cmd_at},
	{"E", sim_cmd_ate},
	{"I", sim_cmd_ati},
	{"+CGMI", sim_cmd_cgmi},
	{"+CGMM", sim_cmd_cgmm},
	{"+CGMR", sim_cmd_cgmr},
	{"+CGSN", sim_cmd_cgsn},
	{"+CMEE", sim_cmd_cmee},
	{"+IPR", sim_cmd_ipr},
	{"+CFUN", sim_cmd_cfun},
	{"+CSGT", sim_cmd_csgt},
	{"+UMNOPROF", sim_cmd_umnoprof},
	{"+CEREG", sim_cmd_cereg},
	{"+CGDCONT", sim_cmd_cgdcont},
	{"+CPMS", sim_cmd_cpms},
	{"+UFOTASTAT", sim_cmd_ufotastat},
	{"+ULWM2MSTAT", sim_cmd_ulwm2mstat},
	{"+UBKUPDATA", sim_cmd_ubkupdata},
	{"+UFWUPD", sim_cmd_ufwupd},
	{NULL, NULL},
};

int sim_arg_num(const struct sim_at_req *req, int i, long lo, long hi, long *out)
{
	if (i >= req->argc || req->argv[i].type != SIM_ARG_NUM)
		return SIM_CME_INCORRECT_PARAMS;
	if (req->argv[i].num < lo || req->argv[i].num > hi)
		return SIM_CME_INCORRECT_PARAMS;
	*out = req->argv[i].num;
	return SIM_OK;
}

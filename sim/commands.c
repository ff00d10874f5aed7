/* The command rows of every feature, answered from data before a handler
 * runs: which command exists in which mode, on which variant, in which
 * request forms. */
#include "commands.h"

#include <string.h>

#include "feature.h"

const struct sim_cmd *sim_command_find(const struct sim_modem *m, const struct sim_at_req *req,
				       int *result)
{
	for (size_t i = 0; sim_features[i]; i++) {
		const struct sim_cmd *c = sim_features[i]->cmds;
		for (; c && c->name; c++) {
			if (strcmp(c->name, req->name) != 0 || !(c->modes & SIM_IN(m->mode)))
				continue;
			if (!sim_variant_has(m->v, c->cap)) {
				*result = SIM_CME_NOT_SUPPORTED;
				return NULL;
			}
			if (!(c->forms & SIM_FORM(req->type))) {
				*result = SIM_CME_INCORRECT_PARAMS;
				return NULL;
			}
			return c;
		}
	}
	*result = SIM_CME_UNKNOWN;
	return NULL;
}

int sim_arg_num(const struct sim_at_req *req, int i, long lo, long hi, long *out)
{
	if (i >= req->argc || req->argv[i].type != SIM_ARG_NUM)
		return SIM_CME_INCORRECT_PARAMS;
	if (req->argv[i].num < lo || req->argv[i].num > hi)
		return SIM_CME_INCORRECT_PARAMS;
	*out = req->argv[i].num;
	return SIM_OK;
}

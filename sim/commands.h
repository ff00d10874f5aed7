/* sarafw-sim: finding the command row of an AT request among the
 * features' rows (feature.h), and helpers for handlers. */
#ifndef SIM_COMMANDS_H
#define SIM_COMMANDS_H

#include "modem.h"

/* The row that runs req, or NULL with *result set to the answer: +CME
 * 100 for a command no feature has in the current mode, 4 when the
 * variant lacks what the row needs (docs/behaviour.md "sarafw-sim error
 * numbers"), 50 for a request form the row does not take. */
const struct sim_cmd *sim_command_find(const struct sim_modem *m, const struct sim_at_req *req,
				       int *result);

/* Helpers for handlers: argument i is a number in [lo, hi]. */
int sim_arg_num(const struct sim_at_req *req, int i, long lo, long hi, long *out);

#endif

/* sarafw-sim: the modes of the module and where host input goes in each
 * (enum sim_mode in modem.h). */
#ifndef SIM_MODES_H
#define SIM_MODES_H

#include <stddef.h>
#include <stdint.h>

#include "modem.h"

/* Offers host bytes to the current mode. Returns how many it used: 0
 * when it cannot take them now (a pending command, a busy engine); it may
 * stop early when the mode changed (a command took the input). */
size_t sim_mode_input(struct sim_modem *m, const uint8_t *p, size_t n);

#endif

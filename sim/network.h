/* sarafw-sim: what the network feature (cmd_network.c) tells the others. */
#ifndef SIM_NETWORK_H
#define SIM_NETWORK_H

#include <stdbool.h>

struct sim_modem;

/* Registered (attached) with the network: +CEREG stat 1. */
bool sim_network_attached(struct sim_modem *m);
/* The MNO profile in effect since boot (+UMNOPROF). */
int sim_network_mno(struct sim_modem *m);
/* eDRX requested with +CEDRXS (note §8: off during a FOTA). */
bool sim_network_edrx(struct sim_modem *m);

#endif

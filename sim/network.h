/* sarafw-sim: what the network feature (cmd_network.c) tells the others. */
#ifndef SIM_NETWORK_H
#define SIM_NETWORK_H

#include <stdbool.h>
#include <stddef.h>

struct sim_modem;

/* Registered (attached) with the network: +CEREG stat 1. */
bool sim_network_attached(struct sim_modem *m);
/* The MNO profile in effect since boot (+UMNOPROF). */
int sim_network_mno(struct sim_modem *m);
/* eDRX requested with +CEDRXS (note §8: off during a FOTA). */
bool sim_network_edrx(struct sim_modem *m);
/* The +URAT value registered on (SIM_URAT_*), 0 when not registered. */
int sim_network_rat(struct sim_modem *m);
/* cid's definition (+CGDCONT): PDP type and APN; false if undefined. */
bool sim_network_context(struct sim_modem *m, int cid, char *type, size_t type_cap, char *apn,
			 size_t apn_cap);
/* The APN the network gives cid 1 (--network-apn, else the profile's). */
const char *sim_network_apn_given(struct sim_modem *m);
/* note §2.8.2: Softbank's context #2 on "63B", hidden from the host. */
#define SIM_CID_SOFTBANK 2
bool sim_network_hidden_cid(struct sim_modem *m, int cid);

#endif

/* sarafw-sim: state of AT+UFWUPD=3 (note §5.1), kept in the modem. */
#ifndef SIM_UFWUPD_H
#define SIM_UFWUPD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fota.h"
#include "xmodem_recv.h"

enum sim_ufwupd_phase {
	SIM_UFW_IDLE = 0,
	SIM_UFW_PREP,   /* note §5.1.1: ~5 s, §5.1.2: ~20 s before ONGOING */
	SIM_UFW_WINDOW, /* the XMODEM receiver has the line */
	SIM_UFW_LINGER, /* transfer over: still ACK a resent EOT, eat the tail */
};

#define SIM_UFW_AT_MAX 64 /* AT text collected inside the window */

struct sim_ufwupd {
	enum sim_ufwupd_phase phase;
	int timer; /* 0: none */
	struct simx x;
	struct sim_fota_dl dl;
	uint64_t linger_end, linger_cap;
	int result; /* final result once the transfer is over */
	/* AT text arriving where a block header is due */
	int at_state; /* 0 idle, 1 "A" seen, 2 collecting after "AT" */
	char at_buf[SIM_UFW_AT_MAX + 1];
	size_t at_len;
	int at_audits;
};

struct sim_modem;

/* Power-on: a transfer in progress is gone (note §5.1) and the FOTA area
 * is cleaned (sim_fota_boot). Called by the modem core. */
void sim_ufwupd_power_on(struct sim_modem *m);

#endif

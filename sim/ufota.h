/* sarafw-sim: the LwM2M Firmware Update object /5/0 (v1.0) and the uFOTA
 * process it drives (note §2.1-2.6): Package URI written -> the download
 * (HTTP with netdl.c's libcurl engine, or CoAP block-wise) into the FOTA
 * area at the radio rate, the URCs of note Table 2 / §2.6.1 in the
 * variant's form, cancel (§2.3), Update executed -> the installer
 * (installer.c) -> State and Update Result after the reboot.
 *
 * State (/5/0/3): 0 Idle, 1 Downloading, 2 Downloaded, 3 Updating.
 * Update Result (/5/0/5): 0 initial, 1 success, 2 not enough flash,
 * 3 out of RAM, 4 connection lost, 5 integrity check failure,
 * 6 unsupported package type, 7 invalid URI, 8 update failed,
 * 9 unsupported protocol. Record "ufota" keeps them across power cycles. */
#ifndef SIM_UFOTA_H
#define SIM_UFOTA_H

#include <stdbool.h>
#include <stdint.h>

#include "lwm2m.h"

enum { FW_IDLE = 0, FW_DOWNLOADING = 1, FW_DOWNLOADED = 2, FW_UPDATING = 3 };

/* /5/0/<res>: LW_OK or LW_E_*. */
int sim_ufota_read(struct sim_modem *m, uint16_t res, struct lw_value *v);
int sim_ufota_write(struct sim_modem *m, uint16_t res, const struct lw_value *v);
int sim_ufota_execute(struct sim_modem *m, uint16_t res);
/* The client started (after attach): +UFOTASTAT: 3,<result>,<state>, a
 * pending download resumes (note §2.2.2). */
void sim_ufota_client_start(struct sim_modem *m);
/* AT+UFOTA=0 / AT+ULWM2M=0 (note §2.3, §2.6.5): SIM_OK while
 * downloading, else a +CME code. */
int sim_ufota_cancel(struct sim_modem *m);
/* Execute /3/0/4 (Device Reboot) from the server, just before the
 * reboot: the client checks in at the next start, and on the versions
 * of note §2.6.2 the configuration file may come next. */
void sim_ufota_server_reboot(struct sim_modem *m);
/* The state, for the client's choice to register at boot. */
int sim_ufota_state(struct sim_modem *m);
bool sim_ufota_report_pending(struct sim_modem *m);

#endif

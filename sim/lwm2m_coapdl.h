/* sarafw-sim: a uFOTA package pulled with CoAP block-wise transfer
 * (RFC 7959 Block2) over UDP or DTLS-PSK, the choice note §2.1 gives the
 * "63B"/"73B"/"83B" versions. One block request at a time, paced at the
 * radio rate (sim_net_pace()), into DIR/coapdl.part with record "coapdl"
 * (uri, stored: the synced length, a whole number of blocks): a power
 * cut or a fade resumes at the next block. The complete file goes into
 * the FOTA area with netdl.c's commit (sim_netdl_commit()). */
#ifndef SIM_LWM2M_COAPDL_H
#define SIM_LWM2M_COAPDL_H

#include <stdbool.h>
#include <stdint.h>

struct sim_modem;

/* The variant may download over CoAP (note §2.1). */
bool sim_ufota_coap_ok(struct sim_modem *m);
/* SIM_OK, or a +CME code (SIM_CME_INCORRECT_PARAMS: a URI it cannot use). */
int sim_coapdl_start(struct sim_modem *m, const char *uri, bool resume);
bool sim_coapdl_cancel(struct sim_modem *m);
uint64_t sim_coapdl_stored(struct sim_modem *m);

/* ufota.c's side: progress and the end (details/result as +UFOTASTAT
 * and /5/0/5 take them; transient: worth resuming). */
void sim_ufota_coap_progress(struct sim_modem *m, uint64_t stored, uint64_t total);
void sim_ufota_coap_done(struct sim_modem *m, bool ok, int details, int result, bool transient);

#endif

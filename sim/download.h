/* sarafw-sim: the module's active download method and the commands note
 * §7 (Table 7) forbids while it runs. "Only one download method can be
 * active at a time": +UFWUPD sets it now; FTP (+UFTPC=100), HTTP
 * (+UHTTPC=<p>,100), +UDWNFILE "FOAT" and the LwM2M client set it too
 * when they come. While a download is active PSM is held off (note §8). */
#ifndef SIM_DOWNLOAD_H
#define SIM_DOWNLOAD_H

#include <stdbool.h>

#include "atcmd.h"

enum sim_download {
	SIM_DL_NONE = 0,
	SIM_DL_LWM2M,    /* LwM2M client FOTA download */
	SIM_DL_FTP,      /* AT+UFTPC=100 */
	SIM_DL_UFWUPD,   /* AT+UFWUPD=3 */
	SIM_DL_UDWNFILE, /* AT+UDWNFILE=...,"FOAT" */
	SIM_DL_HTTP,     /* AT+UHTTPC=<profile_id>,100 */
};

struct sim_modem;

const char *sim_download_name(enum sim_download d);

/* note Table 7: does the row of method d forbid req? Any command that
 * would start another download is forbidden too. */
bool sim_download_forbids(enum sim_download d, const struct sim_at_req *req);

/* For the modem core, before a command runs: SIM_OK to run it, or the
 * result to answer. On SARA-R410M/R412M (and N410) a forbidden command
 * gets "+CME ERROR: FOTA memory is in use"; on the SARA-R422 family it
 * runs (note §7: no error is returned). Both are audited. */
int sim_download_check(struct sim_modem *m, const struct sim_at_req *req);

/* Marks the start and end of a download (and the PSM hold, note §8). */
void sim_download_begin(struct sim_modem *m, enum sim_download d);
void sim_download_end(struct sim_modem *m);

#endif

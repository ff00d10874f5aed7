/* sarafw-sim: the module's active download method and the commands note
 * §7 (Table 7) forbids while it runs. "Only one download method can be
 * active at a time": +UFWUPD and +UDWNFILE (with or without "FOAT") set
 * it; FTP (+UFTPC=100), HTTP (+UHTTPC=<p>,100) and the LwM2M client set
 * it too when they come. While a download is active PSM is
 * held off (note §8).
 *
 * Table 7 is a const table of rows in download.c: (active method,
 * forbidden command pattern, note reference). tests/table7.vectors lists
 * the cases the note implies; tests/unit/test_sim_table7.c checks this
 * table against every one. The download feature (sim_feature_download)
 * applies it before every AT command. */
#ifndef SIM_DOWNLOAD_H
#define SIM_DOWNLOAD_H

#include <stdbool.h>

#include "atcmd.h"

enum sim_download {
	SIM_DL_NONE = 0,
	SIM_DL_LWM2M,    /* LwM2M client FOTA download (Table 7 row 1) */
	SIM_DL_FTP,      /* AT+UFTPC=100 (row 2) */
	SIM_DL_UFWUPD,   /* AT+UFWUPD=3 (row 3) */
	SIM_DL_UDWNFILE, /* AT+UDWNFILE=...,"FOAT" (row 4) */
	SIM_DL_HTTP,     /* AT+UHTTPC=<profile_id>,100 (row 5) */
	SIM_DL_FILE,     /* a plain +UDWNFILE: row 4's last sentence */
	SIM_DL_COUNT,
};

struct sim_modem;

/* "none", "lwm2m", "ftp", "ufwupd", "udwnfile", "http", "file". */
const char *sim_download_name(enum sim_download d);

/* note Table 7: does a row of method d forbid req? */
bool sim_download_forbids(enum sim_download d, const struct sim_at_req *req);

/* note Table 7: may the LwM2M client start a FOTA download while method
 * d is active? */
bool sim_download_lwm2m_allowed(enum sim_download d);

/* SIM_OK when req may run now, or the result to answer. On SARA-R410M/
 * R412M (and N410) a forbidden command gets "+CME ERROR: FOTA memory is
 * in use"; on the SARA-R422 family it runs (note §7: no error is
 * returned). Both are audited. */
int sim_download_check(struct sim_modem *m, const struct sim_at_req *req);

/* The active method, and the start and end of a download (and the PSM
 * hold, note §8). */
enum sim_download sim_download_active(struct sim_modem *m);
void sim_download_begin(struct sim_modem *m, enum sim_download d);
void sim_download_end(struct sim_modem *m);

#endif

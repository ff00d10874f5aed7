/* sarafw-sim: the command handlers, by topic file. */
#ifndef SIM_COMMANDS_H
#define SIM_COMMANDS_H

#include "modem.h"

/* cmd_info.c: identity */
int sim_cmd_at(struct sim_modem *m, const struct sim_at_req *req);
int sim_cmd_ati(struct sim_modem *m, const struct sim_at_req *req);
int sim_cmd_cgmi(struct sim_modem *m, const struct sim_at_req *req);
int sim_cmd_cgmm(struct sim_modem *m, const struct sim_at_req *req);
int sim_cmd_cgmr(struct sim_modem *m, const struct sim_at_req *req);
int sim_cmd_cgsn(struct sim_modem *m, const struct sim_at_req *req);

/* cmd_general.c: interface and power settings */
int sim_cmd_ate(struct sim_modem *m, const struct sim_at_req *req);
int sim_cmd_cmee(struct sim_modem *m, const struct sim_at_req *req);
int sim_cmd_ipr(struct sim_modem *m, const struct sim_at_req *req);
int sim_cmd_cfun(struct sim_modem *m, const struct sim_at_req *req);
int sim_cmd_csgt(struct sim_modem *m, const struct sim_at_req *req);

/* cmd_network.c: MNO profile, registration, PDP contexts, SMS storage */
int sim_cmd_umnoprof(struct sim_modem *m, const struct sim_at_req *req);
int sim_cmd_cereg(struct sim_modem *m, const struct sim_at_req *req);
int sim_cmd_cgdcont(struct sim_modem *m, const struct sim_at_req *req);
int sim_cmd_cpms(struct sim_modem *m, const struct sim_at_req *req);

/* cmd_fota.c: update URCs and backup */
int sim_cmd_ufotastat(struct sim_modem *m, const struct sim_at_req *req);
int sim_cmd_ulwm2mstat(struct sim_modem *m, const struct sim_at_req *req);
int sim_cmd_ubkupdata(struct sim_modem *m, const struct sim_at_req *req);

/* cmd_ufwupd.c: FOAT download over XMODEM (note §5.1) */
int sim_cmd_ufwupd(struct sim_modem *m, const struct sim_at_req *req);

/* Helpers for handlers: argument i is a number in [lo, hi]. */
int sim_arg_num(const struct sim_at_req *req, int i, long lo, long hi, long *out);

#endif

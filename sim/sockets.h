/* sarafw-sim: the host's sockets (cmd_socket.c): +USOCR, +USOCL, +USOCTL.
 * No data moves; a socket is held so the audit can see it (note §2.6.3:
 * "Ensure the host application closes all open sockets when or before
 * the download is completed"). */
#ifndef SIM_SOCKETS_H
#define SIM_SOCKETS_H

struct sim_modem;

#define SIM_SOCKETS_MAX 7 /* AT manual: sockets 0..6 */

/* Sockets the host holds open. */
int sim_sockets_open(struct sim_modem *m);

#endif

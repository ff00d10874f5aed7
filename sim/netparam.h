/* sarafw-sim: the parameters of an FTP or HTTP profile (+UFTP, +UHTTP),
 * checked against a const table of op codes. Pure: no modem, no I/O, so
 * the unit test and the fuzz target drive it alone. */
#ifndef SIM_NETPARAM_H
#define SIM_NETPARAM_H

#include <stdbool.h>
#include <stddef.h>

#include "atcmd.h"

#define SIM_NET_OPS 9      /* op codes 0..8 (+UFTP has 9, +UHTTP 8) */
#define SIM_NET_STR_MAX 128 /* longest server name, user, password, account */

enum sim_net_kind { SIM_NP_NONE = 0, SIM_NP_STR, SIM_NP_NUM };

/* One op code: a string of at most maxlen bytes, or a number in lo..hi
 * with an optional second number in lo2..hi2 (+UHTTP=<p>,6,1,<sec_profile>). */
struct sim_net_op {
	enum sim_net_kind kind;
	size_t maxlen;
	long lo, hi;
	bool has2;
	long lo2, hi2;
	long factory; /* SIM_NP_NUM; strings start empty */
};

struct sim_net_profile {
	char str[SIM_NET_OPS][SIM_NET_STR_MAX + 1];
	long num[SIM_NET_OPS];
	long num2[SIM_NET_OPS];
};

/* Sets every op code to its factory value. */
void sim_net_reset(const struct sim_net_op *ops, struct sim_net_profile *p);

/* argv[first] is the op code, the rest its value(s); the op code alone
 * resets that parameter. SIM_OK (0) or SIM_CME_INCORRECT_PARAMS (50); p
 * changes only on success. *op gets the op code when it is valid. */
int sim_net_set(const struct sim_net_op *ops, struct sim_net_profile *p,
		const struct sim_at_req *req, int first, int *op);

/* The ops tables (note §3.1, §4.1; AT-FACTS "FTP", "HTTP"). */
extern const struct sim_net_op sim_ftp_ops[SIM_NET_OPS];
extern const struct sim_net_op sim_http_ops[SIM_NET_OPS];

#endif

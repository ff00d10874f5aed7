/* Fuzz target: +UFTP / +UHTTP parameter lines through sarafw-sim's AT
 * parser and the profile checker. A refused line leaves the profile as it
 * was; every string stays NUL-terminated within its slot. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "atcmd.h"
#include "modem.h"
#include "netparam.h"

#define CHECK(x) ((x) ? (void)0 : abort())

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[SIM_AT_LINE_MAX + 1];
	struct sim_at_req req;
	if (size < 1 || size > SIM_AT_LINE_MAX)
		return 0;
	int http = data[0] & 1;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	if (sim_at_parse(buf, &req) != SIM_PARSE_OK)
		return 0;
	const struct sim_net_op *ops = http ? sim_http_ops : sim_ftp_ops;
	static struct sim_net_profile p, before;
	int op = -1;
	sim_net_reset(ops, &p);
	before = p;
	int rc = sim_net_set(ops, &p, &req, http, &op);
	CHECK(rc == SIM_OK || rc == SIM_CME_INCORRECT_PARAMS);
	if (rc != SIM_OK)
		CHECK(memcmp(&p, &before, sizeof p) == 0);
	else
		CHECK(op >= 0 && op < SIM_NET_OPS);
	for (int i = 0; i < SIM_NET_OPS; i++)
		CHECK(memchr(p.str[i], '\0', sizeof p.str[i]) != NULL);
	return 0;
}

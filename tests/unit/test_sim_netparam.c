/* +UFTP / +UHTTP parameters (sim/netparam.c) and the network options
 * (sim/netdl.c): good settings land, bad ones are refused and change
 * nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "atcmd.h"
#include "modem.h"
#include "netdl.h"
#include "netparam.h"

/* Parses line into req; first: index of the op code. */
static int set(const struct sim_net_op *ops, struct sim_net_profile *p, const char *line,
	       int first, int *op)
{
	static char buf[SIM_AT_LINE_MAX + 1];
	struct sim_at_req req;
	snprintf(buf, sizeof buf, "%s", line);
	assert_int_equal(sim_at_parse(buf, &req), SIM_PARSE_OK);
	return sim_net_set(ops, p, &req, first, op);
}

static void test_ftp_good(void **s)
{
	struct sim_net_profile p;
	int op = -1;
	(void)s;
	sim_net_reset(sim_ftp_ops, &p);
	assert_int_equal(p.num[7], 21);
	assert_int_equal(set(sim_ftp_ops, &p, "AT+UFTP=1,\"ftp.example.com\"", 0, &op), SIM_OK);
	assert_int_equal(op, 1);
	assert_string_equal(p.str[1], "ftp.example.com");
	assert_int_equal(set(sim_ftp_ops, &p, "AT+UFTP=7,2121", 0, &op), SIM_OK);
	assert_int_equal(p.num[7], 2121);
	assert_int_equal(set(sim_ftp_ops, &p, "AT+UFTP=7", 0, &op), SIM_OK);
	assert_int_equal(p.num[7], 21);
	assert_int_equal(set(sim_ftp_ops, &p, "AT+UFTP=1", 0, &op), SIM_OK);
	assert_string_equal(p.str[1], "");
}

static void test_bad_input_changes_nothing(void **s)
{
	static const struct {
		const char *line;
		int http;
	} bad[] = {
		{"AT+UFTP=9,1", 0},
		{"AT+UFTP=-1,1", 0},
		{"AT+UFTP=\"1\",\"a\"", 0},
		{"AT+UFTP=1,5", 0},
		{"AT+UFTP=1,\"a\",\"b\"", 0},
		{"AT+UFTP=6,2", 0},
		{"AT+UFTP=6,\"1\"", 0},
		{"AT+UFTP=7,0", 0},
		{"AT+UFTP=7,65536", 0},
		{"AT+UFTP=5,86401", 0},
		{"AT+UFTP=2,\"0123456789012345678901234567890\"", 0},
		{"AT+UFTP=,1", 0},
		{"AT+UFTP=8,1,1", 0},
		{"AT+UHTTP=0,8,1", 1},
		{"AT+UHTTP=0,5,0", 1},
		{"AT+UHTTP=0,6,1,5", 1},
		{"AT+UHTTP=0,6,1,1,1", 1},
		{"AT+UHTTP=0,7,29", 1},
		{"AT+UHTTP=0,4,2", 1},
		{"AT+UHTTP=0,1,80", 1},
	};
	(void)s;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const struct sim_net_op *ops = bad[i].http ? sim_http_ops : sim_ftp_ops;
		struct sim_net_profile p, before;
		int op = -1;
		sim_net_reset(ops, &p);
		before = p;
		assert_int_equal(set(ops, &p, bad[i].line, bad[i].http, &op), SIM_CME_INCORRECT_PARAMS);
		assert_memory_equal(&p, &before, sizeof p);
	}
}

static void test_http_secure_profile(void **s)
{
	struct sim_net_profile p;
	int op;
	(void)s;
	sim_net_reset(sim_http_ops, &p);
	assert_int_equal(p.num[5], 80);
	assert_int_equal(set(sim_http_ops, &p, "AT+UHTTP=0,6,1,2", 1, &op), SIM_OK);
	assert_int_equal(p.num[6], 1);
	assert_int_equal(p.num2[6], 2);
	assert_int_equal(set(sim_http_ops, &p, "AT+UHTTP=0,6", 1, &op), SIM_OK);
	assert_int_equal(p.num[6], 0);
}

static void test_net_options(void **s)
{
	struct sim_net_config c = {.rat = SIM_RAT_M1};
	enum sim_rat rat;
	(void)s;
	assert_int_equal(sim_net_parse_rat("nb1", &rat), 0);
	assert_int_equal(rat, SIM_RAT_NB1);
	assert_int_equal(sim_net_parse_rat("lte", &rat), -1);
	assert_int_equal(sim_net_rate(&c), 80000);
	c.rat = SIM_RAT_NB1;
	assert_int_equal(sim_net_rate(&c), 8000);
	c.bps = 123;
	assert_int_equal(sim_net_rate(&c), 123);
	assert_int_equal(sim_net_parse_fault("drop:1000", &c), 0);
	assert_int_equal(c.fault, SIM_NF_DROP);
	assert_int_equal(c.fault_at, 1000);
	assert_int_equal(sim_net_parse_fault("dns", &c), 0);
	assert_int_equal(c.fault, SIM_NF_DNS);
	static const char *const bad[] = {"drop:", "drop:x", "stall:-1", "drop:1x", "dnsx", "", "refuse:1",
					  "drop:99999999999999999999999"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(sim_net_parse_fault(bad[i], &c), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ftp_good),
		cmocka_unit_test(test_bad_input_changes_nothing),
		cmocka_unit_test(test_http_secure_profile),
		cmocka_unit_test(test_net_options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

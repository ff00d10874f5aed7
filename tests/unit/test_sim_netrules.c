/* sarafw-sim's radio, contexts and sockets (cmd_network.c, pdp.c,
 * cmd_socket.c): bad input to +URAT, +COPS, +CGACT, +USOCR, +USOCL and
 * +USOCTL, the stored +URAT list read back, and the LwM2M client's data
 * path under note §2.8 (2G, Verizon cid 3, Softbank #2) and §2.1 (IPv6).
 * The clock is moved by hand: registration and holds happen in module
 * time without waiting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <unistd.h>

#include <cmocka.h>

#include "factory.h"
#include "modem.h"
#include "netdl.h"
#include "pdp.h"
#include "sockets.h"

struct rig {
	char dir[64];
	struct sim_flash flash;
	struct sim_clock clock;
	struct sim_audit audit;
	struct sim_net_config net;
	struct sim_modem m;
	char out[4096];
	size_t out_len;
};

static void io_write(void *ctx, const void *p, size_t n)
{
	struct rig *r = ctx;
	if (n > sizeof r->out - 1 - r->out_len)
		n = sizeof r->out - 1 - r->out_len;
	memcpy(r->out + r->out_len, p, n);
	r->out_len += n;
	r->out[r->out_len] = '\0';
}

static void io_set_baud(void *ctx, uint32_t baud)
{
	(void)ctx;
	(void)baud;
}

static void clear_out(struct rig *r)
{
	r->out_len = 0;
	r->out[0] = '\0';
}

/* Module time passes: ms in 50 ms steps, timers run. */
static void advance(struct rig *r, uint32_t ms)
{
	for (uint32_t t = 0; t < ms; t += 50) {
		r->clock.start_ns -= 50ull * 1000000ull;
		sim_modem_tick(&r->m);
	}
}

static void send(struct rig *r, const char *s)
{
	sim_modem_input(&r->m, (const uint8_t *)s, strlen(s));
	advance(r, 100); /* the answer leaves */
}

/* The answer to one command line. */
static const char *at(struct rig *r, const char *cmd)
{
	char line[200];
	clear_out(r);
	snprintf(line, sizeof line, "%s\r", cmd);
	send(r, line);
	return r->out;
}

/* Booted, echo off, numeric +CME errors, registered. */
static struct rig *rig_up(const char *variant, const char *network_apn)
{
	struct rig *r = calloc(1, sizeof *r);
	const uint32_t seed = 7;
	char err[200];
	const struct sim_variant *v = sim_variant_find(variant);
	assert_non_null(r);
	assert_non_null(v);
	snprintf(r->dir, sizeof r->dir, "/tmp/sarafw-netrules-XXXXXX");
	assert_non_null(mkdtemp(r->dir));
	assert_int_equal(sim_flash_open(&r->flash, r->dir), 0);
	assert_int_equal(sim_factory_prepare(&r->flash, v, &seed, err, sizeof err), 0);
	sim_clock_init(&r->clock, 1.0);
	r->net = (struct sim_net_config){.rat = SIM_RAT_M1, .network_apn = network_apn};
	r->audit.audit = tmpfile();
	assert_non_null(r->audit.audit);
	struct sim_modem_config cfg = {.variant = v, .flash = &r->flash, .clock = &r->clock,
				       .audit = &r->audit, .net = &r->net,
				       .io = {io_write, io_set_baud, r}};
	assert_int_equal(sim_modem_init(&r->m, &cfg), 0);
	advance(r, 20000); /* boot and registration */
	assert_int_equal(r->m.mode, SIM_MODE_AT);
	at(r, "ATE0");
	at(r, "AT+CMEE=1");
	return r;
}

static void power_cycle(struct rig *r)
{
	sim_modem_power_off(&r->m);
	sim_modem_power_on(&r->m);
	advance(r, 20000);
	at(r, "ATE0");
	at(r, "AT+CMEE=1");
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void rig_free(struct rig *r)
{
	sim_modem_power_off(&r->m);
	fclose(r->audit.audit);
	nftw(r->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	free(r);
}

#define E3 "\r\n+CME ERROR: 3\r\n"
#define E50 "\r\n+CME ERROR: 50\r\n"
#define OK "\r\nOK\r\n"

/* Bad input and the answers of a registered module on LTE M1. */
static void answers_table(void **state)
{
	static const struct {
		const char *variant, *line, *answer;
	} cases[] = {
		{"SARA-R412M-02B-03", "AT+URAT?", "\r\n+URAT: 7,8,9\r\n" OK},
		{"SARA-R410M-02B-03", "AT+URAT=?", "\r\n+URAT: (7,8),(7,8),(7,8)\r\n" OK},
		{"SARA-N410", "AT+URAT?", "\r\n+URAT: 8\r\n" OK},
		{"SARA-R412M-02B-03", "AT+URAT=9", E3}, /* registered */
		{"SARA-R412M-02B-03", "AT+URAT=6", E50},
		{"SARA-R412M-02B-03", "AT+URAT=10", E50},
		{"SARA-R412M-02B-03", "AT+URAT=7,7", E50},
		{"SARA-R412M-02B-03", "AT+URAT=7,8,9,7", E50},
		{"SARA-R412M-02B-03", "AT+URAT=\"7\"", E50},
		{"SARA-R412M-02B-03", "AT+URAT=,8", E50},
		{"SARA-R412M-02B-03", "AT+URAT", E50},
		{"SARA-R410M-02B-03", "AT+URAT=9", E50},
		{"SARA-N410", "AT+URAT=7", E50},
		{"SARA-R412M-02B-03", "AT+COPS?", "\r\n+COPS: 0,2,\"00101\",7\r\n" OK},
		{"SARA-N410", "AT+COPS?", "\r\n+COPS: 0,2,\"00101\",9\r\n" OK},
		{"SARA-R412M-02B-03", "AT+COPS=1", E50},
		{"SARA-R412M-02B-03", "AT+COPS=3", E50},
		{"SARA-R412M-02B-03", "AT+COPS=\"0\"", E50},
		{"SARA-R412M-02B-03", "AT+COPS=0,0,0,0,0", E50},
		{"SARA-R412M-02B-03", "AT+CGACT?", "\r\n+CGACT: 1,1\r\n" OK},
		{"SARA-R412M-02B-03", "AT+CGACT=?", "\r\n+CGACT: (0,1)\r\n" OK},
		{"SARA-R412M-02B-03", "AT+CGACT=2", E50},
		{"SARA-R412M-02B-03", "AT+CGACT=1,0", E50},
		{"SARA-R412M-02B-03", "AT+CGACT=1,12", E50},
		{"SARA-R412M-02B-03", "AT+CGACT=1,5", E50}, /* not defined */
		{"SARA-R412M-02B-03", "AT+CGACT=1,\"1\"", E50},
		{"SARA-R412M-02B-03", "AT+CGACT=,1", E50},
		{"SARA-R412M-02B-03", "AT+CGACT", E50},
		{"SARA-R412M-02B-03", "AT+USOCR=5", E50},
		{"SARA-R412M-02B-03", "AT+USOCR=18", E50},
		{"SARA-R412M-02B-03", "AT+USOCR=6,0", E50},
		{"SARA-R412M-02B-03", "AT+USOCR=6,65536", E50},
		{"SARA-R412M-02B-03", "AT+USOCR=6,1,2", E50},
		{"SARA-R412M-02B-03", "AT+USOCR=6,1,0,0", E50},
		{"SARA-R412M-02B-03", "AT+USOCR", E50},
		{"SARA-R412M-02B-03", "AT+USOCR=?", "\r\n+USOCR: (6,17),(1-65535),(0-1)\r\n" OK},
		{"SARA-R412M-02B-03", "AT+USOCR=17,,1", "\r\n+USOCR: 0\r\n" OK},
		{"SARA-R412M-02B-03", "AT+USOCL=7", E50},
		{"SARA-R412M-02B-03", "AT+USOCL=-1", E50},
		{"SARA-R412M-02B-03", "AT+USOCL=0", E3}, /* not open */
		{"SARA-R412M-02B-03", "AT+USOCL=0,2", E50},
		{"SARA-R412M-02B-03", "AT+USOCL?", E50},
		{"SARA-R412M-02B-03", "AT+USOCTL=0", E50},
		{"SARA-R412M-02B-03", "AT+USOCTL=0,4", E50},
		{"SARA-R412M-02B-03", "AT+USOCTL=0,11", E50},
		{"SARA-R412M-02B-03", "AT+USOCTL=0,0", E3},
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct rig *r = rig_up(cases[i].variant, NULL);
		const char *got = at(r, cases[i].line);
		if (strcmp(got, cases[i].answer) != 0)
			print_error("%s %s: %s\n", cases[i].variant, cases[i].line, got);
		assert_string_equal(got, cases[i].answer);
		rig_free(r);
	}
}

/* The "urat" NVM key read back at power-on: a bad one is the factory list. */
static void urat_record_table(void **state)
{
	static const struct {
		const char *stored, *read;
	} cases[] = {
		{"9,7", "+URAT: 9,7"},
		{"8", "+URAT: 8"},
		{"7,8,9", "+URAT: 7,8,9"},
		{"9,9", "+URAT: 7,8,9"},
		{"7,8,9,7", "+URAT: 7,8,9"},
		{"7,", "+URAT: 7,8,9"},
		{",7", "+URAT: 7,8,9"},
		{"10", "+URAT: 7,8,9"},
		{"6", "+URAT: 7,8,9"},
		{"abc", "+URAT: 7,8,9"},
		{"", "+URAT: 7,8,9"},
		{"9x", "+URAT: 7,8,9"},
	};
	(void)state;
	struct rig *r = rig_up("SARA-R412M-02B-03", NULL);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct sim_kv kv;
		char want[64];
		sim_modem_power_off(&r->m);
		assert_int_equal(sim_kv_load(&r->flash, "nvm", &kv), 0);
		assert_int_equal(sim_kv_set(&kv, "urat", cases[i].stored), 0);
		assert_int_equal(sim_kv_save(&r->flash, "nvm", &kv), 0);
		sim_modem_power_on(&r->m);
		advance(r, 20000);
		at(r, "ATE0");
		snprintf(want, sizeof want, "\r\n%s\r\n" OK, cases[i].read);
		if (strcmp(at(r, "AT+URAT?"), want) != 0)
			print_error("stored '%s': %s\n", cases[i].stored, r->out);
		assert_string_equal(r->out, want);
	}
	rig_free(r);
}

static void sockets_fill_up(void **state)
{
	struct rig *r = rig_up("SARA-R410M-02B-03", NULL);
	char want[32];
	(void)state;
	for (int i = 0; i < SIM_SOCKETS_MAX; i++) {
		snprintf(want, sizeof want, "\r\n+USOCR: %d\r\n" OK, i);
		assert_string_equal(at(r, "AT+USOCR=6"), want);
	}
	assert_int_equal(sim_sockets_open(&r->m), 7);
	assert_string_equal(at(r, "AT+USOCR=6"), E3);
	assert_string_equal(at(r, "AT+USOCL=3"), OK);
	assert_string_equal(at(r, "AT+USOCR=17"), "\r\n+USOCR: 3\r\n" OK);
	assert_string_equal(at(r, "AT+USOCTL=3,0"), "\r\n+USOCTL: 3,0,17\r\n" OK);
	assert_string_equal(at(r, "AT+USOCTL=2,0"), "\r\n+USOCTL: 2,0,6\r\n" OK);
	/* a reset loses them */
	power_cycle(r);
	assert_int_equal(sim_sockets_open(&r->m), 0);
	/* no data path, no socket */
	assert_string_equal(at(r, "AT+COPS=2"), OK);
	assert_string_equal(at(r, "AT+USOCR=6"), E3);
	rig_free(r);
}

/* note §2.8.4 on the client's side: its own 2G context, the host's. */
static void r412m_2g_bearer(void **state)
{
	struct rig *r = rig_up("SARA-R412M-02B-03", NULL);
	(void)state;
	assert_int_equal(sim_pdp_lwm2m_bearer(&r->m, "coap://127.0.0.1:5683"), SIM_BEARER_OK);
	assert_string_equal(at(r, "AT+COPS=2"), OK);
	assert_int_equal(sim_pdp_lwm2m_bearer(&r->m, "coap://127.0.0.1:5683"), SIM_BEARER_DOWN);
	assert_string_equal(at(r, "AT+URAT=9"), OK);
	assert_string_equal(at(r, "AT+COPS=0"), OK);
	advance(r, 5000);
	assert_string_equal(at(r, "AT+COPS?"), "\r\n+COPS: 0,2,\"00101\",3\r\n" OK);
	assert_int_equal(r->net.rat, SIM_RAT_GSM); /* the radio rate follows */
	assert_string_equal(at(r, "AT+CGACT?"), "\r\n+CGACT: 1,0\r\n" OK);
	/* the client's check-in: its context up, then down 10 s later */
	assert_int_equal(sim_pdp_lwm2m_bearer(&r->m, "coap://127.0.0.1:5683"), SIM_BEARER_OK);
	assert_string_equal(at(r, "AT+CGACT?"), "\r\n+CGACT: 1,1\r\n" OK);
	assert_string_equal(at(r, "AT+CGACT=1,1"), E3);
	assert_string_equal(at(r, "AT+CGACT=0,1"), OK); /* not the host's */
	assert_true(sim_pdp_active(&r->m, 1));
	sim_pdp_lwm2m_release(&r->m);
	advance(r, 9000);
	assert_true(sim_pdp_active(&r->m, 1));
	advance(r, 2000);
	assert_false(sim_pdp_active(&r->m, 1));
	/* the host's context blocks the next one */
	assert_string_equal(at(r, "AT+CGACT=1,1"), OK);
	assert_int_equal(sim_pdp_lwm2m_bearer(&r->m, "coap://127.0.0.1:5683"), SIM_BEARER_2G_HOST);
	assert_string_equal(at(r, "AT+CGACT=0"), OK);
	assert_int_equal(sim_pdp_lwm2m_bearer(&r->m, "coap://127.0.0.1:5683"), SIM_BEARER_OK);
	rig_free(r);
}

/* LTE, and 2G on a product without the rule: no conflict. */
static void no_conflict_elsewhere(void **state)
{
	struct rig *r = rig_up("SARA-R412M-02B-03", NULL);
	(void)state;
	assert_string_equal(at(r, "AT+CGACT=1,1"), OK);
	assert_int_equal(sim_pdp_lwm2m_bearer(&r->m, "coap://127.0.0.1:5683"), SIM_BEARER_OK);
	rig_free(r);
	r = rig_up("SARA-R422", NULL);
	assert_string_equal(at(r, "AT+COPS=2"), OK);
	assert_string_equal(at(r, "AT+URAT=9"), OK);
	assert_string_equal(at(r, "AT+COPS=0"), OK);
	advance(r, 5000);
	assert_string_equal(at(r, "AT+CGACT=1,1"), OK);
	assert_int_equal(sim_pdp_lwm2m_bearer(&r->m, "coap://127.0.0.1:5683"), SIM_BEARER_OK);
	rig_free(r);
}

/* note §2.8.3 */
static void verizon_cid3(void **state)
{
	struct rig *r = rig_up("SARA-R410M-02B-02", "so01.vzwstatic");
	(void)state;
	assert_string_equal(at(r, "AT+UMNOPROF=3"), OK);
	power_cycle(r);
	assert_non_null(strstr(at(r, "AT+CGDCONT?"), "+CGDCONT: 1,\"IPV4V6\",\"so01.vzwstatic\""));
	assert_int_equal(sim_pdp_lwm2m_bearer(&r->m, "coap://127.0.0.1:5683"), SIM_BEARER_APN);
	assert_string_equal(at(r, "AT+CGDCONT=3,\"IP\",\"SO01.vzwstatic\""), OK);
	assert_int_equal(sim_pdp_lwm2m_bearer(&r->m, "coap://127.0.0.1:5683"), SIM_BEARER_OK);
	assert_string_equal(at(r, "AT+CGDCONT=3"), OK); /* undefined */
	assert_int_equal(sim_pdp_lwm2m_bearer(&r->m, "coap://127.0.0.1:5683"), SIM_BEARER_UNDEFINED);
	rig_free(r);
	/* 02B-03 is not one of §2.8.3's versions: cid 1 carries it */
	r = rig_up("SARA-R410M-02B-03", "so01.vzwstatic");
	assert_string_equal(at(r, "AT+UMNOPROF=3"), OK);
	power_cycle(r);
	assert_int_equal(sim_pdp_lwm2m_bearer(&r->m, "coap://127.0.0.1:5683"), SIM_BEARER_OK);
	rig_free(r);
}

/* note §2.8.2 */
static void softbank_hidden(void **state)
{
	struct rig *r = rig_up("SARA-R410M-63B", NULL);
	(void)state;
	assert_string_equal(at(r, "AT+CGDCONT=2,\"IP\",\"sb\""), OK); /* profile 1: the host's */
	assert_string_equal(at(r, "AT+UMNOPROF=28"), OK);
	power_cycle(r);
	assert_string_equal(at(r, "AT+CGDCONT=2,\"IP\",\"sb\""), E3);
	assert_string_equal(at(r, "AT+CGDCONT=2"), E3);
	assert_string_equal(at(r, "AT+CGACT=1,2"), E3);
	assert_null(strstr(at(r, "AT+CGDCONT?"), "+CGDCONT: 2,"));
	assert_null(strstr(at(r, "AT+CGACT?"), "+CGACT: 2,"));
	assert_string_equal(at(r, "AT+CGDCONT=1,\"IPV6\",\"\""), OK);
	assert_int_equal(sim_pdp_lwm2m_bearer(&r->m, "coap://127.0.0.1:5683"), SIM_BEARER_OK);
	rig_free(r);
}

/* note §2.1 */
static void ipv6_table(void **state)
{
	static const struct {
		const char *variant, *type, *uri;
		enum sim_bearer want;
	} cases[] = {
		{"SARA-R410M-73B", "IP", "coap://127.0.0.1:5683", SIM_BEARER_OK},
		{"SARA-R410M-73B", "IPV6", "coap://127.0.0.1:5683", SIM_BEARER_IPV6},
		{"SARA-R410M-73B", "IPV4V6", "coap://127.0.0.1:5683", SIM_BEARER_OK},
		{"SARA-R410M-73B", "IP", "coap://[::1]:5683", SIM_BEARER_IPV6},
		{"SARA-R410M-73B", "IP", "http://[2001:db8::1]/p.bin", SIM_BEARER_IPV6},
		{"SARA-R412M-02B-00", "IPV6", "coap://127.0.0.1:5683", SIM_BEARER_IPV6},
		{"SARA-R410M-52B", "IP", "coaps://[::1]:5684", SIM_BEARER_IPV6},
		{"SARA-R410M-02B-03", "IPV6", "coap://[::1]:5683", SIM_BEARER_OK},
		{"SARA-R422", "IPV6", "coap://[::1]:5683", SIM_BEARER_OK},
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct rig *r = rig_up(cases[i].variant, NULL);
		char cmd[64];
		snprintf(cmd, sizeof cmd, "AT+CGDCONT=1,\"%s\",\"\"", cases[i].type);
		assert_string_equal(at(r, cmd), OK);
		if (sim_pdp_lwm2m_bearer(&r->m, cases[i].uri) != cases[i].want)
			print_error("%s %s %s\n", cases[i].variant, cases[i].type, cases[i].uri);
		assert_int_equal(sim_pdp_lwm2m_bearer(&r->m, cases[i].uri), cases[i].want);
		rig_free(r);
	}
	assert_false(sim_pdp_uri_ipv6("coap://host:1"));
	assert_false(sim_pdp_uri_ipv6("[::1]"));
	assert_false(sim_pdp_uri_ipv6(""));
	assert_true(sim_pdp_uri_ipv6("x://["));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(answers_table),
		cmocka_unit_test(urat_record_table),
		cmocka_unit_test(sockets_fill_up),
		cmocka_unit_test(r412m_2g_bearer),
		cmocka_unit_test(no_conflict_elsewhere),
		cmocka_unit_test(verizon_cid3),
		cmocka_unit_test(softbank_hidden),
		cmocka_unit_test(ipv6_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

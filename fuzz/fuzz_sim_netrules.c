/* Fuzz target: sarafw-sim's radio, context and socket commands (+URAT,
 * +COPS, +CGACT, +CGDCONT, +USOCR, +USOCL, +USOCTL) on a SARA-R412M-02B-03
 * and a SARA-R410M-63B on the Softbank profile (note §2.8.2). The first
 * byte picks the command, the rest is what follows it on the line. Whatever
 * it is, the module stays in AT mode and answers with one final result,
 * the stored +URAT list holds only the variant's RATs without repeats, the
 * hidden context #2 never shows, and at most seven sockets are open. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "factory.h"
#include "flash.h"
#include "modem.h"
#include "network.h"
#include "sockets.h"
#include "variants.h"

#define CHECK(x) ((x) ? (void)0 : abort())

struct unit {
	struct sim_flash flash;
	struct sim_clock clk;
	struct sim_modem modem;
	char dir[64];
	char out[8192];
	size_t out_len;
};

static struct unit units[2];
static const char *const names[2] = {"SARA-R412M-02B-03", "SARA-R410M-63B"};
static const char *const cmds[] = {"+URAT", "+COPS", "+CGACT", "+CGDCONT", "+USOCR", "+USOCL", "+USOCTL"};

static void io_write(void *ctx, const void *p, size_t n)
{
	struct unit *u = ctx;
	if (n > sizeof u->out - 1 - u->out_len)
		n = sizeof u->out - 1 - u->out_len;
	memcpy(u->out + u->out_len, p, n);
	u->out_len += n;
	u->out[u->out_len] = '\0';
}

static void io_set_baud(void *ctx, uint32_t baud)
{
	(void)ctx;
	(void)baud;
}

/* module time passes: 200 ms per tick */
static void advance(struct unit *u, int ticks)
{
	for (int i = 0; i < ticks; i++) {
		u->clk.start_ns -= 200ull * 1000000ull;
		sim_modem_tick(&u->modem);
	}
}

static void cleanup(void)
{
	for (int i = 0; i < 2; i++) {
		char cmd[96];
		snprintf(cmd, sizeof cmd, "rm -rf %s", units[i].dir);
		if (units[i].dir[0] && system(cmd) == -1)
			perror("rm");
	}
}

static void at(struct unit *u, const char *line)
{
	u->out_len = 0;
	u->out[0] = '\0';
	sim_modem_input(&u->modem, (const uint8_t *)line, strlen(line));
	advance(u, 2);
}

static void setup(void)
{
	atexit(cleanup);
	for (int i = 0; i < 2; i++) {
		struct unit *u = &units[i];
		const struct sim_variant *v = sim_variant_find(names[i]);
		const uint32_t seed = 1;
		char err[200];
		snprintf(u->dir, sizeof u->dir, "/tmp/sarafw-fuzz-netrules-XXXXXX");
		CHECK(v && mkdtemp(u->dir));
		CHECK(sim_flash_open(&u->flash, u->dir) == 0);
		CHECK(sim_factory_prepare(&u->flash, v, &seed, err, sizeof err) == 0);
		sim_clock_init(&u->clk, 1.0);
		struct sim_modem_config cfg = {.variant = v, .flash = &u->flash, .clock = &u->clk,
					       .io = {io_write, io_set_baud, u}};
		CHECK(sim_modem_init(&u->modem, &cfg) == 0);
		advance(u, 100); /* boot and registration */
		CHECK(u->modem.mode == SIM_MODE_AT);
		at(u, "ATE0\r");
		if (i == 1) { /* note §2.8.2: Softbank */
			at(u, "AT+UMNOPROF=28\r");
			sim_modem_power_off(&u->modem);
			sim_modem_power_on(&u->modem);
			advance(u, 100);
			at(u, "ATE0\r");
			CHECK(sim_network_mno(&u->modem) == 28);
		}
	}
}

static bool final_result(const char *out)
{
	size_t n = strlen(out);
	return (n >= 6 && strcmp(out + n - 6, "\r\nOK\r\n") == 0) || strstr(out, "\r\n+CME ERROR: ") ||
	       strstr(out, "\r\nERROR\r\n");
}

static void check_state(struct unit *u)
{
	int seen = 0;
	const char *p;
	CHECK(u->modem.mode == SIM_MODE_AT);
	CHECK(sim_sockets_open(&u->modem) >= 0 && sim_sockets_open(&u->modem) <= SIM_SOCKETS_MAX);
	at(u, "AT+URAT?\r");
	p = strstr(u->out, "+URAT: ");
	CHECK(p);
	for (p += 7; *p >= '0' && *p <= '9'; p++) {
		int v = (int)strtol(p, (char **)&p, 10);
		CHECK(sim_variant_urat_ok(u->modem.v, v));
		CHECK(!(seen & (1 << v)));
		seen |= 1 << v;
		if (*p != ',')
			break;
	}
	if (sim_network_mno(&u->modem) == 28) {
		at(u, "AT+CGDCONT?\r");
		CHECK(!strstr(u->out, "+CGDCONT: 2,"));
		at(u, "AT+CGACT?\r");
		CHECK(!strstr(u->out, "+CGACT: 2,"));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[256];
	size_t n;
	if (!units[0].modem.v)
		setup();
	if (size == 0)
		return 0;
	n = (size_t)snprintf(line, sizeof line, "AT%s", cmds[data[0] % (sizeof cmds / sizeof cmds[0])]);
	for (size_t i = 1; i < size && n < sizeof line - 2; i++)
		if (data[i] != '\r' && data[i] != '\n' && data[i] != 0)
			line[n++] = (char)data[i];
	line[n++] = '\r';
	line[n] = '\0';
	for (int i = 0; i < 2; i++) {
		struct unit *u = &units[i];
		at(u, line);
		CHECK(final_result(u->out));
		advance(u, 60); /* 12 s: a search, a hold */
		check_state(u);
		/* back to a registered module for the next input */
		at(u, "AT+COPS=0\r");
		at(u, "AT+CFUN=1\r");
		advance(u, 30);
	}
	return 0;
}

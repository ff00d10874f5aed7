/* Fuzz target: sarafw-sim's AT+UFWINSTALL argument handling (note §6.1.1,
 * §6.2.1), on a SARA-R422S and a SARA-R410M-02B-03 with an empty FOTA
 * area: the input is what follows "AT+UFWINSTALL" on the line. Whatever
 * it is, no install starts (there is no package: "operation not allowed"),
 * the module stays in AT mode, and a stored <uFOTA_URC> setting is always
 * one the command accepts (port 0..2, a §6.1.2 rate or 0: +IPR's). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "factory.h"
#include "flash.h"
#include "modem.h"
#include "variants.h"

#define CHECK(x) ((x) ? (void)0 : abort())

struct unit {
	struct sim_flash flash;
	struct sim_clock clk;
	struct sim_modem modem;
	char dir[64];
};

static struct unit units[2];
static const char *const names[2] = {"SARA-R422S", "SARA-R410M-02B-03"};

static void io_write(void *ctx, const void *p, size_t n)
{
	(void)ctx;
	(void)p;
	(void)n;
}

static void io_set_baud(void *ctx, uint32_t baud)
{
	(void)ctx;
	(void)baud;
}

static void settle(struct unit *u)
{
	for (int i = 0; i < 64 && !sim_modem_wants_input(&u->modem); i++) {
		uint64_t due = sim_modem_next_due(&u->modem), now = sim_clock_now(&u->clk);
		if (due != UINT64_MAX && due > now)
			u->clk.start_ns -= (due - now) * 1000000ull + 1000000ull;
		sim_modem_tick(&u->modem);
	}
	sim_modem_tick(&u->modem);
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

static void setup(void)
{
	atexit(cleanup);
	for (int i = 0; i < 2; i++) {
		struct unit *u = &units[i];
		const struct sim_variant *v = sim_variant_find(names[i]);
		const uint32_t seed = 1;
		char err[200];
		snprintf(u->dir, sizeof u->dir, "/tmp/sarafw-fuzz-ufwinstall-XXXXXX");
		CHECK(v && mkdtemp(u->dir));
		CHECK(sim_flash_open(&u->flash, u->dir) == 0);
		CHECK(sim_factory_prepare(&u->flash, v, &seed, err, sizeof err) == 0);
		sim_clock_init(&u->clk, 1.0);
		struct sim_modem_config cfg = {.variant = v, .flash = &u->flash, .clock = &u->clk,
					       .io = {io_write, io_set_baud, NULL}};
		CHECK(sim_modem_init(&u->modem, &cfg) == 0);
		for (int k = 0; k < 8 && u->modem.mode != SIM_MODE_AT; k++) { /* the boot */
			u->clk.start_ns -= 2000ull * 1000000ull;
			sim_modem_tick(&u->modem);
		}
		CHECK(u->modem.mode == SIM_MODE_AT);
	}
}

static void check_state(struct unit *u)
{
	struct sim_kv kv;
	long port, baud;
	CHECK(u->modem.mode == SIM_MODE_AT);
	CHECK(!sim_flash_exists(&u->flash, "install"));
	if (sim_kv_load(&u->flash, "nvm", &kv) < 0 || !sim_kv_get(&kv, "ufwinstall_urc"))
		return;
	CHECK(u->modem.v->urcs & SIM_URC_UFWINSTALL); /* §6.2.1 has no such form */
	CHECK(sim_kv_get_long(&kv, "ufwinstall_urc", 0) == 1);
	port = sim_kv_get_long(&kv, "ufwinstall_port", -1);
	baud = sim_kv_get_long(&kv, "ufwinstall_baud", -1);
	CHECK(port >= 0 && port <= 2);
	CHECK(baud == 0 || baud == 9600 || baud == 19200 || baud == 38400 || baud == 57600 ||
	      baud == 115200 || baud == 230400 || baud == 460800);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[256] = "AT+UFWINSTALL";
	size_t n = strlen(line);
	if (!units[0].modem.v)
		setup();
	for (size_t i = 0; i < size && n < sizeof line - 2; i++)
		if (data[i] != '\r' && data[i] != '\n' && data[i] != 0)
			line[n++] = (char)data[i];
	line[n++] = '\r';
	for (int i = 0; i < 2; i++) {
		struct unit *u = &units[i];
		sim_modem_input(&u->modem, (const uint8_t *)line, n);
		settle(u);
		check_state(u);
	}
	return 0;
}

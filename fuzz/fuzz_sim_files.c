/* Fuzz target: sarafw-sim's file commands (+UDWNFILE with and without a
 * tag, +ULSTFILE, +URDFILE, +URDBLOCK, +UDELFILE, +UMNOPROF over the
 * installed profiles) fed arbitrary host bytes on a simulated SARA-R422S.
 * Module time jumps to the next timer whenever a command is pending, so
 * preparations, prompts and stream timeouts all run. Whatever the bytes,
 * every file the file system holds has a name it accepts (no path ever
 * leaves DIR/files), its total fits the capacity, no download's temp file
 * outlives its command, and the state dir holds nothing else. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "factory.h"
#include "files.h"
#include "flash.h"
#include "modem.h"
#include "variants.h"

/* not assert(): it must hold in release builds too */
#define CHECK(x) ((x) ? (void)0 : abort())

static struct sim_flash flash;
static struct sim_clock clk;
static struct sim_modem modem;
static char dir[64] = "/tmp/sarafw-fuzz-files-XXXXXX";
static size_t out_bytes;

static void io_write(void *ctx, const void *p, size_t n)
{
	(void)ctx;
	(void)p;
	out_bytes += n;
}

static void io_set_baud(void *ctx, uint32_t baud)
{
	(void)ctx;
	(void)baud;
}

static void advance_to(uint64_t due)
{
	uint64_t now = sim_clock_now(&clk);
	if (due != UINT64_MAX && due > now)
		clk.start_ns -= (due - now) * 1000000ull + 1000000ull;
}

/* Lets every pending command end (bounded). */
static void settle(void)
{
	for (int i = 0; i < 64 && !sim_modem_wants_input(&modem); i++) {
		advance_to(sim_modem_next_due(&modem));
		sim_modem_tick(&modem);
	}
	sim_modem_tick(&modem);
}

static void cleanup(void)
{
	char cmd[96];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) == -1)
		perror("rm");
}

static void setup(void)
{
	const struct sim_variant *v = sim_variant_find("SARA-R422S");
	const uint32_t seed = 1;
	char err[200];
	CHECK(v && mkdtemp(dir));
	atexit(cleanup);
	CHECK(sim_flash_open(&flash, dir) == 0);
	CHECK(sim_factory_prepare(&flash, v, &seed, err, sizeof err) == 0);
	sim_clock_init(&clk, 1.0);
	struct sim_modem_config cfg = {.variant = v, .flash = &flash, .clock = &clk,
				       .io = {io_write, io_set_baud, NULL}};
	CHECK(sim_modem_init(&modem, &cfg) == 0);
	settle(); /* the boot */
	sim_modem_input(&modem, (const uint8_t *)"AT+CMEE=1\r", 10);
	settle();
}

static void check_state(void)
{
	char path[600];
	DIR *d;
	struct dirent *e;
	uint64_t total = 0;
	CHECK(sim_flash_path(&flash, "files", path, sizeof path) == 0);
	CHECK((d = opendir(path)) != NULL);
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		CHECK(sim_files_name_ok(e->d_name, strlen(e->d_name)));
		total += (uint64_t)sim_files_size(&flash, e->d_name);
	}
	closedir(d);
	CHECK(total <= SIM_FILES_CAPACITY);
	CHECK((d = opendir(dir)) != NULL);
	while ((e = readdir(d))) {
		static const char *const known[] = {".", "..", "files", "fota", "firmware", "identity",
						    "nvm", "cgdcont", "profiles", "firmware.bin",
						    "fota_key.pub"};
		bool ok = false;
		for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
			ok = ok || !strcmp(e->d_name, known[i]);
		/* a download's temp file lives only while its command runs */
		if (!strcmp(e->d_name, "udwnfile.tmp"))
			ok = !sim_modem_wants_input(&modem) || modem.mode == SIM_MODE_RAW;
		CHECK(ok);
	}
	closedir(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!modem.v)
		setup();
	for (size_t i = 0; i < size;) {
		size_t n = size - i < 64 ? size - i : 64;
		if (sim_modem_wants_input(&modem)) {
			sim_modem_input(&modem, data + i, n);
			i += n;
		}
		settle();
	}
	/* a stream cut short times out; the line is AT again */
	settle();
	if (modem.mode == SIM_MODE_RAW) {
		advance_to(sim_clock_now(&clk) + 20000);
		sim_modem_tick(&modem);
	}
	sim_modem_input(&modem, (const uint8_t *)"\r", 1);
	settle();
	check_state();
	return 0;
}

/* Fuzz target: sarafw-sim's flash mode (sim/flashmode.c) on a SARA-R422S
 * whose flash is unfinished (record "flashmode": state=dirty), so every
 * power-on enters flash mode. Per input: power on, load a good programmer
 * over Sahara, then the input is the host's Firehose stream (documents,
 * raw sectors, garbage). Whatever it holds, the module stays in flash mode
 * (or switched off by <power value="off"/>), every document it sends is
 * one the Firehose parser takes, and no partition file grows past its
 * partition. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "factory.h"
#include "firehose.h"
#include "flash.h"
#include "flashmode.h"
#include "modem.h"
#include "sahara.h"
#include "bytes.h"

#define CHECK(x) ((x) ? (void)0 : abort())

static struct sim_flash flash;
static struct sim_clock clk;
static struct sim_modem modem;
static char dir[64];
static uint8_t out[1 << 20];
static size_t out_len, taken;
static uint8_t prg[4096];
static size_t prg_len;

static void io_write(void *ctx, const void *p, size_t n)
{
	(void)ctx;
	if (n > sizeof out - out_len)
		n = sizeof out - out_len;
	memcpy(out + out_len, p, n);
	out_len += n;
}

static void io_set_baud(void *ctx, uint32_t baud)
{
	(void)ctx;
	(void)baud;
}

static void cleanup(void)
{
	char cmd[96];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (dir[0] && system(cmd) == -1)
		perror("rm");
}

static void setup(void)
{
	const struct sim_variant *v = sim_variant_find("SARA-R422S");
	const uint32_t seed = 1;
	char err[200];
	struct sim_kv kv;
	atexit(cleanup);
	snprintf(dir, sizeof dir, "/tmp/sarafw-fuzz-flashmode-XXXXXX");
	CHECK(v && mkdtemp(dir));
	CHECK(sim_flash_open(&flash, dir) == 0);
	CHECK(sim_factory_prepare(&flash, v, &seed, err, sizeof err) == 0);
	CHECK(sim_flash_export(&flash, v) == 0);
	sim_kv_clear(&kv);
	sim_kv_set(&kv, "state", "dirty");
	CHECK(sim_kv_save(&flash, "flashmode", &kv) == 0);
	sim_clock_init(&clk, 1.0);
	struct sim_modem_config cfg = { .variant = v, .flash = &flash, .clock = &clk,
		                        .io = { io_write, io_set_baud, NULL, NULL } };
	CHECK(sim_modem_init(&modem, &cfg) == 0);
	/* the programmer: ELF32 ARM, one PT_LOAD with the magic and product */
	memcpy(prg, "\177ELF\1\1\1", 7);
	put16(prg + 18, 40);
	put32(prg + 28, 52);
	put16(prg + 42, 32);
	put16(prg + 44, 1);
	put32(prg + 52, 1);
	put32(prg + 56, 84);
	put32(prg + 68, 200);
	memcpy(prg + 84, SIM_FLASH_PROGRAMMER_MAGIC, sizeof SIM_FLASH_PROGRAMMER_MAGIC);
	strcpy((char *)prg + 84 + sizeof SIM_FLASH_PROGRAMMER_MAGIC, v->id.model);
	prg_len = 84 + 200;
}

static bool next_pkt(struct sahara_pkt *p)
{
	int n = sahara_decode(out + taken, out_len - taken, p);
	if (n <= 0)
		return false;
	taken += (size_t)n;
	return true;
}

static void send_pkt(struct sahara_pkt *p)
{
	uint8_t b[SAHARA_PKT_MAX];
	int n = sahara_encode(p, b, sizeof b);
	CHECK(n > 0);
	sim_modem_input(&modem, b, (size_t)n);
}

/* Power on (flash mode, resumed) and load the programmer. */
static void programmer(void)
{
	struct sahara_pkt p;
	out_len = taken = 0;
	sim_modem_reboot(&modem);
	CHECK(modem.mode == SIM_MODE_FLASH);
	CHECK(next_pkt(&p) && p.cmd == SAHARA_HELLO);
	memset(&p, 0, sizeof p);
	p.cmd = SAHARA_HELLO_RESP;
	p.u.hello.version = 2;
	send_pkt(&p);
	for (int i = 0; i < 16; i++) {
		CHECK(next_pkt(&p));
		if (p.cmd == SAHARA_END_OF_IMAGE) {
			CHECK(p.u.eoi.status == 0);
			memset(&p, 0, sizeof p);
			p.cmd = SAHARA_DONE;
			send_pkt(&p);
			CHECK(next_pkt(&p) && p.cmd == SAHARA_DONE_RESP);
			return;
		}
		CHECK(p.cmd == SAHARA_READ_DATA64 && p.u.read.offset + p.u.read.length <= prg_len);
		sim_modem_input(&modem, prg + p.u.read.offset, (size_t)p.u.read.length);
	}
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fh_reader rd;
	static struct fh_doc doc;
	if (!dir[0])
		setup();
	programmer();
	size_t start = taken;
	sim_modem_input(&modem, data, size);
	CHECK(modem.mode == SIM_MODE_FLASH || modem.mode == SIM_MODE_OFF);
	/* the module's documents parse (a <read>'s sectors aside: stop there) */
	fh_reader_init(&rd);
	for (size_t off = start; off < out_len;) {
		int res;
		off += fh_reader_feed(&rd, out + off, out_len - off, &doc, &res);
		if (res == FH_NEED)
			break;
		CHECK(res == FH_DOC);
		CHECK(!strcmp(doc.tag, "log") || !strcmp(doc.tag, "response"));
		if (fh_doc_get(&doc, "rawmode"))
			break;
	}
	for (int i = 0; sim_flash_parts[i].name; i++) {
		char path[700];
		struct stat st;
		snprintf(path, sizeof path, "%s/flash/%s.img", dir, sim_flash_parts[i].name);
		if (stat(path, &st) == 0)
			CHECK((uint64_t)st.st_size <= (uint64_t)sim_flash_parts[i].sectors * SIM_FLASH_SECTOR);
	}
	if (modem.mode == SIM_MODE_OFF)
		sim_modem_power_on(&modem);
	return 0;
}

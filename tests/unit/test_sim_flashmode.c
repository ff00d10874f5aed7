/* sarafw-sim flash mode (sim/flashmode.c, flashparts.c) in process: the
 * flash request only while booting, the power button, a table of
 * programmers and the Sahara status each gets, a table of Firehose
 * commands and the ACK/NAK each gets, a program/read round trip, the
 * partitions exported from a module's records and applied back (note
 * Tables 8/9), and images the boot check must refuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "bytes.h"
#include "factory.h"
#include "firehose.h"
#include "flashmode.h"
#include "modem.h"
#include "sahara.h"

struct rig {
	char dir[64];
	struct sim_flash flash;
	struct sim_clock clock;
	struct sim_audit audit;
	struct sim_modem m;
	uint8_t out[1 << 16];
	size_t out_len, taken;
};

static void io_write(void *ctx, const void *p, size_t n)
{
	struct rig *r = ctx;
	if (n > sizeof r->out - r->out_len)
		n = sizeof r->out - r->out_len;
	memcpy(r->out + r->out_len, p, n);
	r->out_len += n;
}

static void io_set_baud(void *ctx, uint32_t baud)
{
	(void)ctx;
	(void)baud;
}

static struct rig *rig_new(const char *variant)
{
	struct rig *r = calloc(1, sizeof *r);
	const uint32_t seed = 7;
	char err[200];
	const struct sim_variant *v = sim_variant_find(variant);
	assert_non_null(r);
	assert_non_null(v);
	snprintf(r->dir, sizeof r->dir, "/tmp/sarafw-flash-XXXXXX");
	assert_non_null(mkdtemp(r->dir));
	assert_int_equal(sim_flash_open(&r->flash, r->dir), 0);
	assert_int_equal(sim_factory_prepare(&r->flash, v, &seed, err, sizeof err), 0);
	sim_clock_init(&r->clock, 1.0); /* timers fire only when a test ticks */
	r->audit.audit = tmpfile();
	struct sim_modem_config cfg = { .variant = v, .flash = &r->flash, .clock = &r->clock, .audit = &r->audit,
		                        .io = { io_write, io_set_baud, r, NULL } };
	assert_int_equal(sim_modem_init(&r->m, &cfg), 0);
	return r;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void rig_free(struct rig *r)
{
	fclose(r->audit.audit);
	nftw(r->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	free(r);
}

static void send(struct rig *r, const void *p, size_t n)
{
	sim_modem_input(&r->m, p, n);
}

static bool audit_has(struct rig *r, const char *s)
{
	static char buf[8192];
	fflush(r->audit.audit);
	rewind(r->audit.audit);
	size_t n = fread(buf, 1, sizeof buf - 1, r->audit.audit);
	buf[n] = '\0';
	fseek(r->audit.audit, 0, SEEK_END);
	return strstr(buf, s) != NULL;
}

/* The next Sahara packet the module sent. */
static struct sahara_pkt next_pkt(struct rig *r)
{
	struct sahara_pkt p;
	int n = sahara_decode(r->out + r->taken, r->out_len - r->taken, &p);
	if (n <= 0)
		fail_msg("no Sahara packet (%d), %zu bytes left", n, r->out_len - r->taken);
	r->taken += (size_t)n;
	return p;
}

static void send_pkt(struct rig *r, const struct sahara_pkt *p)
{
	uint8_t b[SAHARA_PKT_MAX];
	int n = sahara_encode(p, b, sizeof b);
	assert_true(n > 0);
	send(r, b, (size_t)n);
}

static void enter(struct rig *r)
{
	send(r, SIM_FLASH_REQUEST, 2); /* split: the listener keeps its place */
	send(r, SIM_FLASH_REQUEST + 2, 2);
	assert_int_equal(r->m.mode, SIM_MODE_FLASH);
	struct sahara_pkt p = next_pkt(r);
	assert_int_equal(p.cmd, SAHARA_HELLO);
	assert_int_equal(p.u.hello.version, 2);
}

/* A programmer: ELF32 ARM, one PT_LOAD whose bytes begin with the magic
 * and product. */
static size_t programmer(uint8_t *buf, size_t cap, const char *product, uint16_t machine, uint8_t cls,
			 uint16_t phnum, bool magic)
{
	size_t seg = 84, seglen = 6000;
	assert_true(seg + seglen <= cap);
	memset(buf, 0, seg + seglen);
	memcpy(buf, "\177ELF", 4);
	buf[4] = cls, buf[5] = 1, buf[6] = 1;
	put16(buf + 16, 2);
	put16(buf + 18, machine);
	put32(buf + 20, 1);
	put32(buf + 28, 52); /* e_phoff */
	put16(buf + 40, 52);
	put16(buf + 42, 32);
	put16(buf + 44, phnum);
	put32(buf + 52, 1);  /* PT_LOAD */
	put32(buf + 56, (uint32_t)seg);
	put32(buf + 68, (uint32_t)seglen);
	put32(buf + 72, (uint32_t)seglen);
	if (magic) {
		memcpy(buf + seg, SIM_FLASH_PROGRAMMER_MAGIC, sizeof SIM_FLASH_PROGRAMMER_MAGIC);
		strcpy((char *)buf + seg + sizeof SIM_FLASH_PROGRAMMER_MAGIC, product);
	}
	for (size_t i = seg + 64; i < seg + seglen; i++)
		buf[i] = (uint8_t)i;
	return seg + seglen;
}

/* Serves the module's reads until END_OF_IMAGE; its status. */
static uint32_t load(struct rig *r, const uint8_t *prg, size_t len, uint32_t want_read_cmd)
{
	struct sahara_pkt p = { .cmd = SAHARA_HELLO_RESP };
	p.u.hello.version = 2;
	p.u.hello.compatible = 1;
	send_pkt(r, &p);
	for (int guard = 0; guard < 1000; guard++) {
		p = next_pkt(r);
		if (p.cmd == SAHARA_END_OF_IMAGE) {
			assert_int_equal(p.u.eoi.image, SIM_FLASH_PROGRAMMER_ID);
			return p.u.eoi.status;
		}
		assert_int_equal(p.cmd, want_read_cmd);
		assert_int_equal(p.u.read.image, SIM_FLASH_PROGRAMMER_ID);
		assert_true(p.u.read.offset + p.u.read.length <= len);
		send(r, prg + p.u.read.offset, (size_t)p.u.read.length);
	}
	fail_msg("no END_OF_IMAGE");
	return 0;
}

static void request_only_while_booting(void **state)
{
	(void)state;
	struct rig *r = rig_new("SARA-R422S");
	assert_int_equal(r->m.mode, SIM_MODE_BOOTING);
	send(r, "AT\r", 3); /* lost as ever */
	assert_int_equal(r->out_len, 0);
	enter(r);
	assert_true(audit_has(r, "\"flash_mode\""));
	/* a repeated request gets another HELLO */
	send(r, SIM_FLASH_REQUEST, SIM_FLASH_REQUEST_LEN);
	assert_int_equal(next_pkt(r).cmd, SAHARA_HELLO);
	rig_free(r);

	r = rig_new("SARA-R422S");
	sim_modem_set_mode(&r->m, SIM_MODE_AT, NULL, NULL); /* the boot is over */
	send(r, SIM_FLASH_REQUEST, SIM_FLASH_REQUEST_LEN);
	assert_int_equal(r->m.mode, SIM_MODE_AT);
	for (size_t i = 0; i + 8 <= r->out_len; i++)
		assert_false(memcmp(r->out + i, "\x01\0\0\0\x30\0\0\0", 8) == 0);
	rig_free(r);
}

static void power_button(void **state)
{
	(void)state;
	struct rig *r = rig_new("SARA-R410M-02B-03");
	uint32_t boots = r->m.boots;
	sim_modem_power_off(&r->m);
	assert_int_equal(r->m.mode, SIM_MODE_OFF);
	assert_int_equal(sim_modem_next_due(&r->m), UINT64_MAX); /* nothing runs */
	send(r, SIM_FLASH_REQUEST, SIM_FLASH_REQUEST_LEN);
	send(r, "AT\r", 3);
	assert_int_equal(r->out_len, 0);
	sim_modem_power_off(&r->m); /* off while off: nothing */
	assert_int_equal(r->m.boots, boots);
	sim_modem_power_on(&r->m);
	assert_int_equal(r->m.mode, SIM_MODE_BOOTING);
	assert_int_equal(r->m.boots, boots + 1);
	sim_modem_power_on(&r->m); /* on while on: nothing */
	assert_int_equal(r->m.boots, boots + 1);
	enter(r); /* the request works after the button too */
	rig_free(r);
}

static void programmer_table(void **state)
{
	(void)state;
	static const struct {
		const char *name, *variant, *product;
		uint16_t machine, phnum;
		uint8_t cls;
		bool magic;
		uint32_t status;
	} t[] = {
		{ "R422S, its own", "SARA-R422S", "SARA-R422S", 40, 1, 1, true, SAHARA_STATUS_SUCCESS },
		{ "R410M, its own", "SARA-R410M-02B-03", "SARA-R410M-02B", 40, 1, 1, true, SAHARA_STATUS_SUCCESS },
		{ "another product", "SARA-R422S", "SARA-R422", 40, 1, 1, true, SAHARA_STATUS_HASH_TABLE_AUTH_FAILURE },
		{ "R410M's on R412M", "SARA-R412M-02B-03", "SARA-R410M-02B", 40, 1, 1, true,
		  SAHARA_STATUS_HASH_TABLE_AUTH_FAILURE },
		{ "x86", "SARA-R422S", "SARA-R422S", 3, 1, 1, true, SAHARA_STATUS_INVALID_ELF_HDR },
		{ "ELF64", "SARA-R422S", "SARA-R422S", 40, 1, 2, true, SAHARA_STATUS_INVALID_ELF_HDR },
		{ "no program header", "SARA-R422S", "SARA-R422S", 40, 0, 1, true, SAHARA_STATUS_INVALID_ELF_HDR },
		{ "nine program headers", "SARA-R422S", "SARA-R422S", 40, 9, 1, true, SAHARA_STATUS_INVALID_ELF_HDR },
		{ "no magic", "SARA-R422S", "SARA-R422S", 40, 1, 1, false, SAHARA_STATUS_INVALID_ELF_HDR },
	};
	static uint8_t prg[8192];
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct rig *r = rig_new(t[i].variant);
		enter(r);
		size_t n = programmer(prg, sizeof prg, t[i].product, t[i].machine, t[i].cls, t[i].phnum, t[i].magic);
		uint32_t rd = r->m.v->family == SIM_R422 ? SAHARA_READ_DATA64 : SAHARA_READ_DATA;
		uint32_t st = load(r, prg, n, rd);
		if (st != t[i].status)
			fail_msg("%s: status 0x%x, want 0x%x", t[i].name, st, t[i].status);
		if (st == 0) {
			struct sahara_pkt d = { .cmd = SAHARA_DONE };
			send_pkt(r, &d);
			d = next_pkt(r);
			assert_int_equal(d.cmd, SAHARA_DONE_RESP);
			assert_int_equal(d.u.done.status, SAHARA_DONE_COMPLETE);
		} else {
			/* RESET: RESET_RESP and a HELLO, then a good one loads */
			struct sahara_pkt d = { .cmd = SAHARA_RESET };
			send_pkt(r, &d);
			assert_int_equal(next_pkt(r).cmd, SAHARA_RESET_RESP);
			assert_int_equal(next_pkt(r).cmd, SAHARA_HELLO);
			n = programmer(prg, sizeof prg, r->m.v->id.model, 40, 1, 1, true);
			assert_int_equal(load(r, prg, n, rd), 0);
		}
		rig_free(r);
	}
}

/* Flash mode with the programmer running. */
static struct rig *firehose(const char *variant)
{
	static uint8_t prg[8192];
	struct rig *r = rig_new(variant);
	enter(r);
	size_t n = programmer(prg, sizeof prg, r->m.v->id.model, 40, 1, 1, true);
	assert_int_equal(load(r, prg, n, r->m.v->family == SIM_R422 ? SAHARA_READ_DATA64 : SAHARA_READ_DATA), 0);
	struct sahara_pkt d = { .cmd = SAHARA_DONE };
	send_pkt(r, &d);
	assert_int_equal(next_pkt(r).cmd, SAHARA_DONE_RESP);
	return r;
}

/* Documents from the module until a <response>: its value, and whether
 * the last log holds `log`. */
static const char *response(struct rig *r, char *lastlog, size_t cap)
{
	static struct fh_reader rd;
	static struct fh_doc doc;
	static char value[8];
	fh_reader_init(&rd);
	if (lastlog)
		lastlog[0] = '\0';
	while (r->taken < r->out_len) {
		int res;
		r->taken += fh_reader_feed(&rd, r->out + r->taken, r->out_len - r->taken, &doc, &res);
		if (res == FH_NEED)
			break;
		assert_int_equal(res, FH_DOC);
		if (strcmp(doc.tag, "log") == 0) {
			if (lastlog)
				snprintf(lastlog, cap, "%s", fh_doc_get(&doc, "value"));
			continue;
		}
		assert_string_equal(doc.tag, "response");
		snprintf(value, sizeof value, "%s%s", fh_doc_get(&doc, "value"),
			 fh_doc_get(&doc, "rawmode") ? "+raw" : "");
		return value;
	}
	return "(none)";
}

static void send_text(struct rig *r, const char *s)
{
	send(r, s, strlen(s));
}

static void firehose_table(void **state)
{
	(void)state;
	static const struct {
		const char *doc, *want, *log;
	} t[] = {
		{ "<data><nop/></data>", "ACK", NULL },
		{ "<data><configure MaxPayloadSizeToTargetInBytes=\"16384\"/></data>", "ACK", NULL },
		{ "<data><configure MaxPayloadSizeToTargetInBytes=\"1048576\"/></data>", "NAK", NULL },
		{ "<data><configure/></data>", "NAK", "MaxPayloadSizeToTargetInBytes" },
		{ "<data><getstorageinfo physical_partition_number=\"0\"/></data>", "ACK", "partition=devdata num_sectors=8" },
		{ "<data><getstorageinfo physical_partition_number=\"1\"/></data>", "NAK", "physical partition 0" },
		{ "<data><program SECTOR_SIZE_IN_BYTES=\"512\" num_partition_sectors=\"9\" start_sector=\"0\" label=\"devdata\"/></data>",
		  "NAK", "beyond the end" },
		{ "<data><program SECTOR_SIZE_IN_BYTES=\"512\" num_partition_sectors=\"1\" start_sector=\"8\" label=\"devdata\"/></data>",
		  "NAK", "beyond the end" },
		{ "<data><program SECTOR_SIZE_IN_BYTES=\"4096\" num_partition_sectors=\"1\" label=\"apps\"/></data>", "NAK",
		  "512" },
		{ "<data><program num_partition_sectors=\"1\" physical_partition_number=\"2\" label=\"apps\"/></data>", "NAK",
		  "physical partition 0" },
		{ "<data><program num_partition_sectors=\"0\" label=\"apps\"/></data>", "NAK", "above 0" },
		{ "<data><program label=\"apps\"/></data>", "NAK", "missing" },
		{ "<data><program num_partition_sectors=\"1\" label=\"boot\"/></data>", "NAK", "no such partition" },
		{ "<data><program num_partition_sectors=\"1\" start_sector=\"999999\"/></data>", "NAK", "beyond the flash" },
		{ "<data><read num_partition_sectors=\"1\" start_sector=\"-1\" label=\"apps\"/></data>", "NAK", "number" },
		{ "<data><patch SECTOR_SIZE_IN_BYTES=\"512\" byte_offset=\"0\" size_in_bytes=\"4\" start_sector=\"0\" "
		  "value=\"NUM_DISK_SECTORS-1.\" label=\"mno\"/></data>",
		  "NAK", "no expressions" },
		{ "<data><patch byte_offset=\"0\" size_in_bytes=\"9\" value=\"1\" label=\"mno\"/></data>", "NAK", "1 to 8" },
		{ "<data><power value=\"sleep\"/></data>", "NAK", "reset or off" },
		{ "<data><frobnicate/></data>", "NAK", "unknown command" },
		{ "<data><program label='x'</data>", "NAK", "XML" },
		{ "<data><nop/></data>", "ACK", NULL }, /* still in step */
	};
	struct rig *r = firehose("SARA-R422S");
	response(r, NULL, 0); /* the programmer's greeting log: no response */
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char log[1100];
		send_text(r, t[i].doc);
		const char *got = response(r, log, sizeof log);
		if (strcmp(got, t[i].want) != 0)
			fail_msg("%s: %s, want %s (%s)", t[i].doc, got, t[i].want, log);
		if (t[i].log && !strstr(log, t[i].log)) {
			/* getstorageinfo: its partition line is not the last log */
			if (!strstr(t[i].doc, "getstorageinfo"))
				fail_msg("%s: log '%s' lacks '%s'", t[i].doc, log, t[i].log);
		}
	}
	assert_false(sim_flash_exists(&r->flash, "flashmode")); /* nothing written */
	rig_free(r);
}

static void program_read_roundtrip(void **state)
{
	(void)state;
	struct rig *r = firehose("SARA-R410M-02B-03");
	response(r, NULL, 0);
	uint8_t data[1024];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (uint8_t)(i * 13);
	send_text(r, "<data><program SECTOR_SIZE_IN_BYTES=\"512\" num_partition_sectors=\"2\" "
		     "physical_partition_number=\"0\" start_sector=\"4\" label=\"mno\"/></data>");
	assert_string_equal(response(r, NULL, 0), "ACK+raw");
	assert_true(sim_flash_exists(&r->flash, "flashmode")); /* dirty before the first byte */
	send(r, data, 300); /* in pieces, as a line delivers them */
	send(r, data + 300, sizeof data - 300);
	assert_string_equal(response(r, NULL, 0), "ACK");
	send_text(r, "<data><read SECTOR_SIZE_IN_BYTES=\"512\" num_partition_sectors=\"6\" start_sector=\"0\" label=\"mno\"/></data>");
	assert_string_equal(response(r, NULL, 0), "ACK+raw");
	assert_true(r->out_len - r->taken >= 6 * 512);
	const uint8_t *got = r->out + r->taken;
	/* sectors 0..3: the exported mno (empty text, then erased), 4..5: ours */
	for (size_t i = 0; i < 4 * 512; i++)
		assert_int_equal(got[i], 0xff);
	assert_memory_equal(got + 4 * 512, data, sizeof data);
	r->taken += 6 * 512;
	assert_string_equal(response(r, NULL, 0), "ACK");
	/* erase one sector in the middle: its neighbours keep their bytes */
	send_text(r, "<data><erase start_sector=\"4\" num_partition_sectors=\"1\" label=\"mno\"/></data>");
	assert_string_equal(response(r, NULL, 0), "ACK");
	send_text(r, "<data><read num_partition_sectors=\"2\" start_sector=\"4\" label=\"mno\"/></data>");
	assert_string_equal(response(r, NULL, 0), "ACK+raw");
	for (size_t i = 0; i < 512; i++)
		assert_int_equal(r->out[r->taken + i], 0xff);
	assert_memory_equal(r->out + r->taken + 512, data + 512, 512);
	r->taken += 1024;
	assert_string_equal(response(r, NULL, 0), "ACK");
	/* erase to the end, then read: erased */
	send_text(r, "<data><erase start_sector=\"5\" label=\"mno\"/></data>");
	assert_string_equal(response(r, NULL, 0), "ACK");
	send_text(r, "<data><read num_partition_sectors=\"1\" start_sector=\"5\" label=\"mno\"/></data>");
	assert_string_equal(response(r, NULL, 0), "ACK+raw");
	for (size_t i = 0; i < 512; i++)
		assert_int_equal(r->out[r->taken + i], 0xff);
	r->taken += 512;
	assert_string_equal(response(r, NULL, 0), "ACK");
	/* patch 4 bytes little-endian into sector 4 */
	send_text(r, "<data><patch SECTOR_SIZE_IN_BYTES=\"512\" byte_offset=\"2\" size_in_bytes=\"4\" "
		     "start_sector=\"4\" value=\"305419896\" label=\"mno\"/></data>");
	assert_string_equal(response(r, NULL, 0), "ACK");
	uint8_t sec[512];
	FILE *f;
	char path[700];
	snprintf(path, sizeof path, "%s/flash/mno.img", r->dir);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 4 * 512, SEEK_SET);
	assert_int_equal(fread(sec, 1, 512, f), 512);
	fclose(f);
	assert_int_equal(get32(sec + 2), 305419896u);
	rig_free(r);
}

static void export_apply_tables(void **state)
{
	(void)state;
	struct rig *r = rig_new("SARA-R422S");
	char why[200], ver[64], imei_before[32];
	struct sim_kv kv;
	assert_int_equal(sim_kv_load(&r->flash, "identity", &kv), 0);
	snprintf(imei_before, sizeof imei_before, "%s", sim_kv_get(&kv, "imei"));
	assert_int_equal(sim_flash_write(&r->flash, "files/a.txt", "alpha", 5), 0);
	assert_int_equal(sim_flash_export(&r->flash, r->m.v), 0);
	assert_int_equal(sim_flash_check_image(&r->flash, "modem", ver, sizeof ver, why, sizeof why), 0);
	assert_string_equal(ver, r->m.v->id.modem_fw);
	assert_int_equal(sim_flash_apply(&r->flash, r->m.v, why, sizeof why), 0);
	/* what was exported comes back: IMEI, the user file, the versions */
	assert_int_equal(sim_kv_load(&r->flash, "identity", &kv), 0);
	assert_string_equal(sim_kv_get(&kv, "imei"), imei_before);
	assert_non_null(sim_kv_get(&kv, "calibration"));
	char buf[16] = "";
	assert_int_equal(sim_flash_read(&r->flash, "files/a.txt", buf, sizeof buf), 5);
	assert_memory_equal(buf, "alpha", 5);
	/* §9.1.1 and §9.1 */
	assert_int_equal(sim_kv_load(&r->flash, "nvm", &kv), 0);
	assert_string_equal(sim_kv_get(&kv, "cpms"), "unset");
	assert_int_equal(sim_kv_load(&r->flash, "backup", &kv), 0);
	assert_int_equal(sim_kv_get_long(&kv, "armed", 0), 1);
	assert_int_equal(sim_kv_get_long(&kv, "count", 9), 0);

	/* a devdata with a damaged IMEI: no IMEI (AT+CGSN: memory failure) */
	assert_int_equal(sim_flash_write(&r->flash, "flash/devdata.img", "imei=357591080029480\n", 21), 0);
	assert_int_equal(sim_flash_apply(&r->flash, r->m.v, why, sizeof why), 0);
	assert_int_equal(sim_kv_load(&r->flash, "identity", &kv), 0);
	assert_null(sim_kv_get(&kv, "imei"));
	assert_string_equal(sim_kv_get(&kv, "type_number"), r->m.v->id.type_number);
	rig_free(r);
}

static void sha_hex(const void *p, size_t n, char out[65])
{
	unsigned char md[32];
	unsigned int len;
	EVP_Digest(p, n, md, &len, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void bad_images(void **state)
{
	(void)state;
	struct rig *r = rig_new("SARA-R422S");
	char why[200], ver[64], hex[65], img[512];
	assert_int_equal(sim_flash_export(&r->flash, r->m.v), 0);
	sha_hex("payload!", 8, hex);
	static const struct {
		const char *name, *fmt, *why;
		size_t cut;
	} t[] = {
		{ "good", "SARAFW-IMAGE apps A1 8 %s\npayload!", NULL, 0 },
		{ "no header", "payload!", "no image header", 0 },
		{ "other name", "SARAFW-IMAGE modem A1 8 %s\npayload!", "bad image header", 0 },
		{ "short hash", "SARAFW-IMAGE apps A1 8 abcd\npayload!", "bad image header", 0 },
		{ "cut short", "SARAFW-IMAGE apps A1 8 %s\npayload!", "cut short", 3 },
		{ "changed byte", "SARAFW-IMAGE apps A1 8 %s\npayloaD!", "SHA-256", 0 },
		{ "erased", "", "no image header", 0 },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		int n = snprintf(img, sizeof img, t[i].fmt, hex);
		assert_int_equal(sim_flash_write(&r->flash, "flash/apps.img", img, (size_t)n - t[i].cut), 0);
		int rc = sim_flash_check_image(&r->flash, "apps", ver, sizeof ver, why, sizeof why);
		if (!t[i].why) {
			assert_int_equal(rc, 0);
			assert_string_equal(ver, "A1");
			continue;
		}
		if (rc == 0 || !strstr(why, t[i].why))
			fail_msg("%s: rc %d why '%s'", t[i].name, rc, why);
		/* and a reset does not apply: the boot check refuses */
		assert_int_equal(sim_flash_apply(&r->flash, r->m.v, why, sizeof why), -1);
	}
	rig_free(r);
}

/* A reset after an incomplete flash comes back in flash mode; after a
 * complete one the module boots the new versions. */
static void reset_verdicts(void **state)
{
	(void)state;
	struct rig *r = firehose("SARA-R422S");
	response(r, NULL, 0);
	send_text(r, "<data><erase label=\"apps\"/></data>");
	assert_string_equal(response(r, NULL, 0), "ACK");
	send_text(r, "<data><power value=\"reset\"/></data>");
	assert_string_equal(response(r, NULL, 0), "ACK");
	/* run module time forward (scale 1: sleep) until the reset */
	uint32_t boots = r->m.boots;
	for (int i = 0; i < 100 && r->m.boots == boots; i++) {
		struct timespec ts = { 0, 5000000 };
		nanosleep(&ts, NULL);
		sim_modem_tick(&r->m);
	}
	assert_int_equal(r->m.boots, boots + 1);
	assert_int_equal(r->m.mode, SIM_MODE_FLASH); /* no request needed */
	assert_true(audit_has(r, "flash_incomplete"));
	assert_true(audit_has(r, "\"resumed\":true"));
	rig_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(request_only_while_booting),
		cmocka_unit_test(power_button),
		cmocka_unit_test(programmer_table),
		cmocka_unit_test(firehose_table),
		cmocka_unit_test(program_read_roundtrip),
		cmocka_unit_test(export_apply_tables),
		cmocka_unit_test(bad_images),
		cmocka_unit_test(reset_verdicts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

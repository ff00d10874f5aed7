/* Flash mode (flashmode.h): the flash request listener while the module
 * boots, the Sahara target that loads the programmer, and the Firehose
 * target that reads and writes the partitions; one input engine stepped
 * by the bytes from the host, replies through sim_modem_write(). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bytes.h"
#include "feature.h"
#include "firehose.h"
#include "flashmode.h"
#include "sahara.h"

enum fm_state {
	FM_HELLO,    /* HELLO sent: waiting for HELLO_RESP (or RESET, a request) */
	FM_IMAGE,    /* READ_DATA sent: the programmer's bytes come */
	FM_EOI,      /* END_OF_IMAGE sent (success): waiting for DONE */
	FM_FIREHOSE, /* the programmer runs: XML documents */
	FM_PROGRAM,  /* <program> ACKed: raw sectors come */
	FM_READ,     /* <read> ACKed: sectors go out on timers */
	FM_RESET,    /* <power> ACKed: the reset comes */
};

enum { PRG_EHDR, PRG_PHDR, PRG_SEGMENT };

#define EHDR_LEN 52 /* ELF32 */
#define PHDR_LEN 32
#define PHNUM_MAX 8
#define PRG_CHUNK 4096u  /* bytes a READ_DATA asks for */
#define READ_CHUNK 16384u /* bytes a <read> sends at a time */
#define RESET_MS 100u     /* from <power value="reset"/>'s ACK to the reset */

struct flashmode {
	enum fm_state st;
	unsigned listen; /* bytes of the flash request matched while booting */
	bool dirty;      /* "flashmode" says state=dirty */
	/* Sahara */
	uint8_t pkt[SAHARA_PKT_MAX];
	size_t pkt_len;
	int prg_step;
	uint64_t want_off, want_len, got; /* the READ_DATA in progress */
	uint8_t ehdr[EHDR_LEN];
	uint8_t phdr[PHNUM_MAX * PHDR_LEN];
	uint32_t phnum;
	uint32_t seg_off, seg_len, seg_done;
	uint8_t seg_head[64];
	/* Firehose */
	struct fh_reader rd;
	struct fh_doc doc;
	char out[FH_DOC_MAX];
	bool fd_open;
	int fd;
	uint64_t raw_left, raw_off;
	bool power_off; /* <power value="off"/> rather than a reset */
};

extern const struct sim_feature sim_feature_flashmode;
static const struct sim_input_engine engine;

static struct flashmode *state(struct sim_modem *m)
{
	return sim_feature_state(m, &sim_feature_flashmode);
}

static void logf_(struct sim_modem *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(struct sim_modem *m, const char *fmt, ...)
{
	char msg[300];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	sim_log_line(m->audit, sim_modem_now(m), "#", msg, strlen(msg));
}

static int mark(struct sim_modem *m, const char *st)
{
	struct sim_kv kv;
	sim_kv_clear(&kv);
	sim_kv_set(&kv, "state", st);
	return sim_kv_save(m->flash, "flashmode", &kv);
}

/* ---- Sahara ---- */

static void send_pkt(struct sim_modem *m, const struct sahara_pkt *p)
{
	uint8_t b[SAHARA_PKT_MAX];
	int n = sahara_encode(p, b, sizeof b);
	if (n > 0)
		sim_modem_write(m, b, (size_t)n);
	logf_(m, "sahara > %s", sahara_cmd_name(p->cmd));
}

static void send_hello(struct sim_modem *m)
{
	struct sahara_pkt p = { .cmd = SAHARA_HELLO };
	p.u.hello.version = SAHARA_VERSION;
	p.u.hello.compatible = SAHARA_VERSION_COMPAT;
	p.u.hello.max_len_or_status = SAHARA_PKT_MAX;
	p.u.hello.mode = SAHARA_MODE_IMAGE_TX_PENDING;
	send_pkt(m, &p);
}

/* The SARA-R422 family's boot ROM asks with READ_DATA64, the others
 * with READ_DATA (both in qdl's sahara.c). */
static void ask(struct sim_modem *m, struct flashmode *fm, uint64_t off, uint64_t len)
{
	struct sahara_pkt p = { .cmd = m->v->family == SIM_R422 ? SAHARA_READ_DATA64 : SAHARA_READ_DATA };
	p.u.read.image = SIM_FLASH_PROGRAMMER_ID;
	p.u.read.offset = off;
	p.u.read.length = len;
	fm->want_off = off;
	fm->want_len = len;
	fm->got = 0;
	fm->st = FM_IMAGE;
	send_pkt(m, &p);
}

static void end_of_image(struct sim_modem *m, struct flashmode *fm, uint32_t status)
{
	struct sahara_pkt p = { .cmd = SAHARA_END_OF_IMAGE };
	p.u.eoi.image = SIM_FLASH_PROGRAMMER_ID;
	p.u.eoi.status = status;
	send_pkt(m, &p);
	if (status) {
		/* the boot ROM waits for a RESET, a new HELLO_RESP or a request */
		logf_(m, "flash: programmer refused (status 0x%x)", (unsigned)status);
		sim_audit_event(m->audit, sim_modem_now(m), "flash_programmer_refused", ",\"status\":%u",
				(unsigned)status);
		fm->st = FM_HELLO;
	} else {
		fm->st = FM_EOI;
	}
}

/* The programmer so far is complete up to the current step: the next
 * READ_DATA, or the verdict. */
static void programmer_step(struct sim_modem *m, struct flashmode *fm)
{
	switch (fm->prg_step) {
	case PRG_EHDR: {
		const uint8_t *e = fm->ehdr;
		uint32_t phoff = get32(e + 28);
		uint16_t machine = get16(e + 18), phentsize = get16(e + 42), phnum = get16(e + 44);
		/* ELF32, little-endian, ARM (40): the modem's application core */
		if (memcmp(e, "\177ELF", 4) != 0 || e[4] != 1 || e[5] != 1 || machine != 40 ||
		    phentsize != PHDR_LEN || phnum == 0 || phnum > PHNUM_MAX || phoff < EHDR_LEN ||
		    phoff > SIM_FLASH_PROGRAMMER_MAX) {
			end_of_image(m, fm, SAHARA_STATUS_INVALID_ELF_HDR);
			return;
		}
		fm->phnum = phnum;
		fm->prg_step = PRG_PHDR;
		ask(m, fm, phoff, (uint64_t)phnum * PHDR_LEN);
		return;
	}
	case PRG_PHDR:
		fm->seg_len = 0;
		for (uint32_t i = 0; i < fm->phnum; i++) {
			const uint8_t *ph = fm->phdr + i * PHDR_LEN;
			uint32_t type = get32(ph), off = get32(ph + 4), filesz = get32(ph + 16);
			if (type == 1 && filesz > 0) { /* PT_LOAD */
				if (off > SIM_FLASH_PROGRAMMER_MAX || filesz > SIM_FLASH_PROGRAMMER_MAX - off)
					break;
				fm->seg_off = off;
				fm->seg_len = filesz;
				break;
			}
		}
		if (fm->seg_len < sizeof SIM_FLASH_PROGRAMMER_MAGIC + 1) {
			end_of_image(m, fm, SAHARA_STATUS_INVALID_ELF_HDR);
			return;
		}
		fm->seg_done = 0;
		fm->prg_step = PRG_SEGMENT;
		/* fall through */
	case PRG_SEGMENT:
		if (fm->seg_done < fm->seg_len) {
			uint32_t k = fm->seg_len - fm->seg_done;
			ask(m, fm, (uint64_t)fm->seg_off + fm->seg_done, k < PRG_CHUNK ? k : PRG_CHUNK);
			return;
		}
		break;
	}
	/* the whole programmer: its segment names the product it serves */
	char product[48];
	const uint8_t *h = fm->seg_head;
	size_t hl = fm->seg_len < sizeof fm->seg_head ? fm->seg_len : sizeof fm->seg_head;
	if (hl < sizeof SIM_FLASH_PROGRAMMER_MAGIC ||
	    memcmp(h, SIM_FLASH_PROGRAMMER_MAGIC, sizeof SIM_FLASH_PROGRAMMER_MAGIC) != 0) {
		end_of_image(m, fm, SAHARA_STATUS_INVALID_ELF_HDR);
		return;
	}
	size_t pl = strnlen((const char *)h + sizeof SIM_FLASH_PROGRAMMER_MAGIC, hl - sizeof SIM_FLASH_PROGRAMMER_MAGIC);
	snprintf(product, sizeof product, "%.*s", (int)pl, (const char *)h + sizeof SIM_FLASH_PROGRAMMER_MAGIC);
	if (strcmp(product, m->v->id.model) != 0) {
		logf_(m, "flash: programmer for %s, not %s", product, m->v->id.model);
		end_of_image(m, fm, SAHARA_STATUS_HASH_TABLE_AUTH_FAILURE);
		return;
	}
	end_of_image(m, fm, SAHARA_STATUS_SUCCESS);
}

/* Raw programmer bytes for the READ_DATA in progress. */
static size_t image_bytes(struct sim_modem *m, struct flashmode *fm, const uint8_t *p, size_t n)
{
	uint64_t k = fm->want_len - fm->got;
	if (k > n)
		k = n;
	for (uint64_t i = 0; i < k; i++) {
		uint64_t at = fm->got + i;
		if (fm->prg_step == PRG_EHDR && at < EHDR_LEN)
			fm->ehdr[at] = p[i];
		else if (fm->prg_step == PRG_PHDR && at < sizeof fm->phdr)
			fm->phdr[at] = p[i];
		else if (fm->prg_step == PRG_SEGMENT && fm->seg_done + at < sizeof fm->seg_head)
			fm->seg_head[fm->seg_done + at] = p[i];
	}
	fm->got += k;
	if (fm->got == fm->want_len) {
		if (fm->prg_step == PRG_SEGMENT)
			fm->seg_done += (uint32_t)fm->want_len;
		programmer_step(m, fm);
	}
	return (size_t)k;
}

static void firehose_begin(struct sim_modem *m, struct flashmode *fm);

/* A whole Sahara packet from the host. */
static void sahara_packet(struct sim_modem *m, struct flashmode *fm, const struct sahara_pkt *p)
{
	struct sahara_pkt r = { 0 };
	logf_(m, "sahara < %s", sahara_cmd_name(p->cmd));
	switch (p->cmd) {
	case SAHARA_HELLO_RESP:
		if (fm->st != FM_HELLO)
			return;
		if (p->u.hello.max_len_or_status != SAHARA_STATUS_SUCCESS ||
		    p->u.hello.mode != SAHARA_MODE_IMAGE_TX_PENDING) {
			send_hello(m); /* not a mode this boot ROM offers: ask again */
			return;
		}
		fm->prg_step = PRG_EHDR;
		ask(m, fm, 0, EHDR_LEN);
		return;
	case SAHARA_DONE:
		if (fm->st != FM_EOI)
			return;
		r.cmd = SAHARA_DONE_RESP;
		r.u.done.status = SAHARA_DONE_COMPLETE;
		send_pkt(m, &r);
		firehose_begin(m, fm);
		return;
	case SAHARA_RESET:
		r.cmd = SAHARA_RESET_RESP;
		send_pkt(m, &r);
		fm->st = FM_HELLO;
		send_hello(m);
		return;
	default:
		return; /* what a target does not expect from a host: ignored */
	}
}

/* Packets (HELLO, EOI states): framed by their length field; bytes that
 * do not start a packet are dropped one by one, the flash request
 * repeated by a host that missed the HELLO gets another. */
static size_t sahara_input(struct sim_modem *m, struct flashmode *fm, const uint8_t *p, size_t n)
{
	size_t used = 0;
	while (used < n && (fm->st == FM_HELLO || fm->st == FM_EOI)) {
		fm->pkt[fm->pkt_len++] = p[used++];
		for (;;) {
			if (fm->pkt_len >= SIM_FLASH_REQUEST_LEN &&
			    memcmp(fm->pkt, SIM_FLASH_REQUEST, SIM_FLASH_REQUEST_LEN) == 0) {
				memmove(fm->pkt, fm->pkt + SIM_FLASH_REQUEST_LEN, fm->pkt_len - SIM_FLASH_REQUEST_LEN);
				fm->pkt_len -= SIM_FLASH_REQUEST_LEN;
				if (fm->st == FM_HELLO)
					send_hello(m);
				continue;
			}
			if (fm->pkt_len < SIM_FLASH_REQUEST_LEN &&
			    memcmp(fm->pkt, SIM_FLASH_REQUEST, fm->pkt_len) == 0)
				break; /* may be a request */
			struct sahara_pkt pk;
			int rc = sahara_decode(fm->pkt, fm->pkt_len, &pk);
			if (rc == 0)
				break;
			size_t drop = rc > 0 ? (size_t)rc : 1;
			memmove(fm->pkt, fm->pkt + drop, fm->pkt_len - drop);
			fm->pkt_len -= drop;
			if (rc > 0) {
				sahara_packet(m, fm, &pk);
				if (fm->st != FM_HELLO && fm->st != FM_EOI)
					return used; /* what follows is raw or XML */
			}
			if (fm->pkt_len == 0)
				break;
		}
	}
	return used;
}

/* ---- Firehose ---- */

static void send_doc(struct sim_modem *m, int n)
{
	struct flashmode *fm = state(m);
	if (n > 0) {
		sim_modem_write(m, fm->out, (size_t)n);
		sim_log_line(m->audit, sim_modem_now(m), ">", fm->out, (size_t)n);
	}
}

static void fh_say(struct sim_modem *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fh_say(struct sim_modem *m, const char *fmt, ...)
{
	struct flashmode *fm = state(m);
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	send_doc(m, fh_log(fm->out, sizeof fm->out, text));
}

static void ack(struct sim_modem *m, bool ok, bool rawmode)
{
	struct flashmode *fm = state(m);
	send_doc(m, fh_response(fm->out, sizeof fm->out, ok, rawmode));
}

static void nak(struct sim_modem *m, const char *why)
{
	fh_say(m, "ERROR: %s", why);
	ack(m, false, false);
}

static void firehose_begin(struct sim_modem *m, struct flashmode *fm)
{
	fm->st = FM_FIREHOSE;
	fh_reader_init(&fm->rd);
	logf_(m, "flash: programmer running");
	fh_say(m, "INFO: %s programmer, Firehose over USB", m->v->id.model);
}

static int part_index(const char *name)
{
	for (int i = 0; sim_flash_parts[i].name; i++)
		if (strcmp(sim_flash_parts[i].name, name) == 0)
			return i;
	return -1;
}

/* The sectors a command names: with label, counted from that partition's
 * first sector; without, from the flash's. *pi and *first (sector in the
 * partition); whole: no num_partition_sectors given (erase). NULL, or
 * why it cannot be. */
static const char *target(const struct fh_doc *d, int *pi, uint64_t *first, uint64_t *num, bool need_num)
{
	uint64_t v;
	const char *label = fh_doc_get(d, "label");
	if (fh_doc_u64(d, "SECTOR_SIZE_IN_BYTES", &v) == 0 && v != SIM_FLASH_SECTOR)
		return "SECTOR_SIZE_IN_BYTES must be 512";
	if (fh_doc_get(d, "SECTOR_SIZE_IN_BYTES") && fh_doc_u64(d, "SECTOR_SIZE_IN_BYTES", &v) != 0)
		return "bad SECTOR_SIZE_IN_BYTES";
	if (fh_doc_get(d, "physical_partition_number") &&
	    (fh_doc_u64(d, "physical_partition_number", &v) != 0 || v != 0))
		return "only physical partition 0";
	uint64_t start = 0;
	if (fh_doc_get(d, "start_sector") && fh_doc_u64(d, "start_sector", &start) != 0)
		return "start_sector must be a number";
	int rc = fh_doc_u64(d, "num_partition_sectors", num);
	if (rc == FH_E_NUMBER || (rc == 0 && *num == 0))
		return "num_partition_sectors must be a number above 0";
	if (rc == FH_E_MISSING && need_num)
		return "num_partition_sectors missing";
	if (rc == FH_E_MISSING)
		*num = 0;
	if (label) {
		*pi = part_index(label);
		if (*pi < 0)
			return "no such partition";
	} else {
		uint64_t base = 0;
		*pi = -1;
		for (int i = 0; sim_flash_parts[i].name; i++) {
			if (start < base + sim_flash_parts[i].sectors) {
				*pi = i;
				start -= base;
				break;
			}
			base += sim_flash_parts[i].sectors;
		}
		if (*pi < 0)
			return "start_sector beyond the flash";
	}
	uint64_t size = sim_flash_parts[*pi].sectors;
	if (start >= size || *num > size - start)
		return "beyond the end of the partition";
	*first = start;
	return NULL;
}

static int open_part(struct sim_modem *m, int pi, int flags)
{
	char rel[64], path[700];
	snprintf(rel, sizeof rel, "flash/%s.img", sim_flash_parts[pi].name);
	if (sim_flash_path(m->flash, rel, path, sizeof path))
		return -ENAMETOOLONG;
	int fd = open(path, flags | O_CLOEXEC, 0644);
	return fd < 0 ? -errno : fd;
}

/* Before the first write of a flash: what a cut then leaves is a module
 * that comes back in flash mode. */
static bool dirty(struct sim_modem *m, struct flashmode *fm)
{
	if (fm->dirty)
		return true;
	if (mark(m, "dirty") < 0)
		return false;
	fm->dirty = true;
	return true;
}

/* Erased flash (0xff) from the file's end up to off: a sector never
 * written reads as erased. */
static int fill_erased(int fd, uint64_t off)
{
	off_t end = lseek(fd, 0, SEEK_END);
	uint8_t ff[4096];
	memset(ff, 0xff, sizeof ff);
	while (end >= 0 && (uint64_t)end < off) {
		size_t k = off - (uint64_t)end < sizeof ff ? (size_t)(off - (uint64_t)end) : sizeof ff;
		if (pwrite(fd, ff, k, end) != (ssize_t)k)
			return -1;
		end += (off_t)k;
	}
	return end < 0 ? -1 : 0;
}

static void cmd_program(struct sim_modem *m, struct flashmode *fm, const struct fh_doc *d)
{
	int pi;
	uint64_t first, num;
	const char *why = target(d, &pi, &first, &num, true);
	if (why) {
		nak(m, why);
		return;
	}
	if (!dirty(m, fm)) {
		nak(m, "flash write failed");
		return;
	}
	int fd = open_part(m, pi, O_RDWR | O_CREAT);
	if (fd < 0 || fill_erased(fd, first * SIM_FLASH_SECTOR) < 0) {
		if (fd >= 0)
			close(fd);
		nak(m, "flash write failed");
		return;
	}
	fm->fd = fd;
	fm->fd_open = true;
	fm->raw_off = first * SIM_FLASH_SECTOR;
	fm->raw_left = num * SIM_FLASH_SECTOR;
	fm->st = FM_PROGRAM;
	logf_(m, "flash: program %s sectors %llu+%llu", sim_flash_parts[pi].name, (unsigned long long)first,
	      (unsigned long long)num);
	ack(m, true, true);
}

static size_t program_bytes(struct sim_modem *m, struct flashmode *fm, const uint8_t *p, size_t n)
{
	size_t k = fm->raw_left < n ? (size_t)fm->raw_left : n;
	bool ok = pwrite(fm->fd, p, k, (off_t)fm->raw_off) == (ssize_t)k;
	fm->raw_off += k;
	fm->raw_left -= k;
	if (!ok) {
		/* the sectors still come: take them, answer NAK at the end */
		close(fm->fd);
		fm->fd = -1;
	}
	if (fm->raw_left == 0) {
		bool done = fm->fd >= 0 && fsync(fm->fd) == 0;
		if (fm->fd >= 0)
			close(fm->fd);
		fm->fd_open = false;
		fm->st = FM_FIREHOSE;
		/* acknowledged means on the flash */
		if (done)
			ack(m, true, false);
		else
			nak(m, "flash write failed");
	}
	return k;
}

static void cmd_erase(struct sim_modem *m, struct flashmode *fm, const struct fh_doc *d)
{
	int pi;
	uint64_t first, num;
	const char *why = target(d, &pi, &first, &num, false);
	if (why) {
		nak(m, why);
		return;
	}
	if (num == 0)
		num = sim_flash_parts[pi].sectors - first;
	if (!dirty(m, fm)) {
		nak(m, "flash write failed");
		return;
	}
	int fd = open_part(m, pi, O_RDWR | O_CREAT);
	bool ok = fd >= 0;
	if (ok) {
		off_t end = lseek(fd, 0, SEEK_END);
		uint64_t from = first * SIM_FLASH_SECTOR, to = (first + num) * SIM_FLASH_SECTOR;
		if (end >= 0 && (uint64_t)end <= to) {
			/* erased to the end: as if never written */
			ok = (uint64_t)end <= from || ftruncate(fd, (off_t)from) == 0;
		} else {
			uint8_t ff[4096];
			memset(ff, 0xff, sizeof ff);
			for (uint64_t o = from; ok && o < to; o += sizeof ff) {
				size_t k = to - o < sizeof ff ? (size_t)(to - o) : sizeof ff;
				ok = pwrite(fd, ff, k, (off_t)o) == (ssize_t)k;
			}
		}
		ok = ok && fsync(fd) == 0;
		close(fd);
	}
	logf_(m, "flash: erase %s sectors %llu+%llu", sim_flash_parts[pi].name, (unsigned long long)first,
	      (unsigned long long)num);
	if (ok)
		ack(m, true, false);
	else
		nak(m, "flash erase failed");
}

/* <read>: sectors go out READ_CHUNK at a time, each when the link has
 * carried the one before (the line queues 64 KiB at most). */
static void read_more(void *ctx, int arg)
{
	struct sim_modem *m = ctx;
	struct flashmode *fm = state(m);
	(void)arg;
	if (fm->st != FM_READ)
		return;
	uint8_t buf[READ_CHUNK];
	size_t k = fm->raw_left < sizeof buf ? (size_t)fm->raw_left : sizeof buf;
	memset(buf, 0xff, k);
	if (fm->fd >= 0) {
		ssize_t got = pread(fm->fd, buf, k, (off_t)fm->raw_off);
		if (got > 0 && (size_t)got < k)
			memset(buf + got, 0xff, k - (size_t)got);
	}
	sim_modem_write(m, buf, k);
	fm->raw_off += k;
	fm->raw_left -= k;
	if (fm->raw_left == 0) {
		if (fm->fd >= 0)
			close(fm->fd);
		fm->fd_open = false;
		fm->st = FM_FIREHOSE;
		ack(m, true, false);
		return;
	}
	/* module ms for k bytes at the link's rate (10 bits each) */
	double ms = (double)k * 10.0 * 1000.0 / SIM_FLASH_USB_BPS * m->clock->scale;
	sim_modem_after(m, (uint32_t)ms + 1, read_more, 0);
}

static void cmd_read(struct sim_modem *m, struct flashmode *fm, const struct fh_doc *d)
{
	int pi;
	uint64_t first, num;
	const char *why = target(d, &pi, &first, &num, true);
	if (why) {
		nak(m, why);
		return;
	}
	fm->fd = open_part(m, pi, O_RDONLY); /* none: all erased */
	fm->fd_open = fm->fd >= 0;
	fm->raw_off = first * SIM_FLASH_SECTOR;
	fm->raw_left = num * SIM_FLASH_SECTOR;
	fm->st = FM_READ;
	ack(m, true, true);
	read_more(m, 0);
	if (fm->st == FM_READ) /* a second chunk in the queue keeps the link busy */
		read_more(m, 0);
}

static void cmd_patch(struct sim_modem *m, struct flashmode *fm, const struct fh_doc *d)
{
	int pi;
	uint64_t first, num = 1, off, size, value;
	const char *why = target(d, &pi, &first, &num, false);
	if (!why && (fh_doc_u64(d, "byte_offset", &off) != 0 || fh_doc_u64(d, "size_in_bytes", &size) != 0 ||
		     size == 0 || size > 8))
		why = "byte_offset and size_in_bytes (1 to 8) needed";
	if (!why && fh_doc_u64(d, "value", &value) != 0)
		why = "value must be a number (no expressions)";
	if (!why && (first * SIM_FLASH_SECTOR + off + size > (uint64_t)sim_flash_parts[pi].sectors * SIM_FLASH_SECTOR))
		why = "beyond the end of the partition";
	if (why) {
		nak(m, why);
		return;
	}
	uint8_t b[8];
	put64(b, value);
	int fd = dirty(m, fm) ? open_part(m, pi, O_RDWR | O_CREAT) : -1;
	uint64_t at = first * SIM_FLASH_SECTOR + off;
	bool ok = fd >= 0 && fill_erased(fd, at) == 0 && pwrite(fd, b, (size_t)size, (off_t)at) == (ssize_t)size &&
		  fsync(fd) == 0;
	if (fd >= 0)
		close(fd);
	if (ok)
		ack(m, true, false);
	else
		nak(m, "flash write failed");
}

/* The chip's serial number: fixed for the module (the state dir). */
static unsigned long serial_num(struct sim_modem *m)
{
	struct sim_kv kv;
	unsigned long h = 2166136261u;
	for (const char *c = m->flash->dir; *c; c++)
		h = (h ^ (uint8_t)*c) * 16777619u;
	if (sim_kv_load(m->flash, "chip", &kv) == 0 && sim_kv_get(&kv, "serial_num"))
		return strtoul(sim_kv_get(&kv, "serial_num"), NULL, 16);
	h &= 0xffffffffu;
	char s[16];
	snprintf(s, sizeof s, "%08lx", h);
	sim_kv_clear(&kv);
	sim_kv_set(&kv, "serial_num", s);
	sim_kv_save(m->flash, "chip", &kv);
	return h;
}

static void cmd_getstorageinfo(struct sim_modem *m, const struct fh_doc *d)
{
	uint64_t v, total = 0;
	if (fh_doc_get(d, "physical_partition_number") &&
	    (fh_doc_u64(d, "physical_partition_number", &v) != 0 || v != 0)) {
		nak(m, "only physical partition 0");
		return;
	}
	for (int i = 0; sim_flash_parts[i].name; i++)
		total += sim_flash_parts[i].sectors;
	unsigned long serial = serial_num(m);
	/* the JSON qdl's getstorageinfo parser reads, then one line each */
	fh_say(m,
	       "INFO: {\"storage_info\": {\"total_blocks\":%llu, \"block_size\":%u, \"page_size\":%u, "
	       "\"num_physical\":1, \"serial_num\":%lu, \"mem_type\":\"NAND\", \"prod_name\":\"%s\"}}",
	       (unsigned long long)total, SIM_FLASH_SECTOR, SIM_FLASH_SECTOR, serial, m->v->id.model);
	fh_say(m, "serial_num=%08lx", serial);
	for (int i = 0; sim_flash_parts[i].name; i++)
		fh_say(m, "partition=%s num_sectors=%u", sim_flash_parts[i].name, sim_flash_parts[i].sectors);
	ack(m, true, false);
}

static void cmd_configure(struct sim_modem *m, struct flashmode *fm, const struct fh_doc *d)
{
	uint64_t want;
	if (fh_doc_u64(d, "MaxPayloadSizeToTargetInBytes", &want) != 0 || want == 0) {
		nak(m, "MaxPayloadSizeToTargetInBytes needed");
		return;
	}
	bool ok = want <= SIM_FLASH_PAYLOAD_MAX;
	struct fh_writer w;
	/* a NAK names the size it takes: qdl configures again with it */
	fh_begin(&w, fm->out, sizeof fm->out, "response");
	fh_attr(&w, "value", ok ? "ACK" : "NAK");
	fh_attr(&w, "MinVersionSupported", "1");
	fh_attr(&w, "Version", "1");
	fh_attr(&w, "MemoryName", "NAND");
	fh_attr(&w, "TargetName", m->v->id.model);
	fh_attr_u64(&w, "MaxPayloadSizeFromTargetInBytes", READ_CHUNK);
	fh_attr_u64(&w, "MaxPayloadSizeToTargetInBytes", ok ? want : SIM_FLASH_PAYLOAD_MAX);
	fh_attr_u64(&w, "MaxPayloadSizeToTargetInBytesSupported", SIM_FLASH_PAYLOAD_MAX);
	fh_attr_u64(&w, "MaxXMLSizeInBytes", FH_DOC_MAX);
	send_doc(m, fh_end(&w));
}

static void reset_now(void *ctx, int arg)
{
	struct sim_modem *m = ctx;
	struct flashmode *fm = state(m);
	(void)arg;
	if (fm->power_off) {
		sim_modem_power_off(m);
		return;
	}
	if (fm->dirty) {
		char why[200] = "cannot write the flash";
		if (mark(m, "apply") == 0 && sim_flash_apply(m->flash, m->v, why, sizeof why) == 0) {
			sim_flash_remove(m->flash, "flashmode");
			logf_(m, "flash: complete, booting the new firmware");
		} else {
			/* the boot chain finds no valid image: back to flash mode */
			mark(m, "dirty");
			logf_(m, "flash: incomplete (%s): flash mode again", why);
			sim_audit_event(m->audit, sim_modem_now(m), "flash_incomplete", ",\"why\":\"%s\"", why);
		}
	}
	sim_modem_reboot(m);
}

static void cmd_power(struct sim_modem *m, struct flashmode *fm, const struct fh_doc *d)
{
	const char *v = fh_doc_get(d, "value");
	if (!v || (strcmp(v, "reset") != 0 && strcmp(v, "off") != 0)) {
		nak(m, "power value must be reset or off");
		return;
	}
	fm->power_off = strcmp(v, "off") == 0;
	ack(m, true, false);
	fm->st = FM_RESET;
	sim_modem_after(m, RESET_MS, reset_now, 0);
}

static void firehose_doc(struct sim_modem *m, struct flashmode *fm, const struct fh_doc *d)
{
	sim_log_line(m->audit, sim_modem_now(m), "<", d->tag, strlen(d->tag));
	if (strcmp(d->tag, "configure") == 0)
		cmd_configure(m, fm, d);
	else if (strcmp(d->tag, "program") == 0)
		cmd_program(m, fm, d);
	else if (strcmp(d->tag, "erase") == 0)
		cmd_erase(m, fm, d);
	else if (strcmp(d->tag, "read") == 0)
		cmd_read(m, fm, d);
	else if (strcmp(d->tag, "patch") == 0)
		cmd_patch(m, fm, d);
	else if (strcmp(d->tag, "getstorageinfo") == 0)
		cmd_getstorageinfo(m, d);
	else if (strcmp(d->tag, "power") == 0)
		cmd_power(m, fm, d);
	else if (strcmp(d->tag, "nop") == 0)
		ack(m, true, false);
	else
		nak(m, "unknown command");
}

/* ---- the engine ---- */

static size_t input(struct sim_modem *m, void *ctx, const uint8_t *p, size_t n)
{
	struct flashmode *fm = ctx;
	size_t used = 0;
	while (used < n) {
		size_t k;
		int res;
		switch (fm->st) {
		case FM_HELLO:
		case FM_EOI:
			k = sahara_input(m, fm, p + used, n - used);
			break;
		case FM_IMAGE:
			k = image_bytes(m, fm, p + used, n - used);
			break;
		case FM_FIREHOSE:
			k = fh_reader_feed(&fm->rd, p + used, n - used, &fm->doc, &res);
			if (res == FH_DOC)
				firehose_doc(m, fm, &fm->doc);
			else if (res == FH_E_SYNTAX)
				nak(m, "XML not understood");
			else if (res == FH_E_TOOLONG)
				nak(m, "XML document too long");
			break;
		case FM_PROGRAM:
			k = program_bytes(m, fm, p + used, n - used);
			break;
		case FM_READ:
			return used; /* the host waits for its sectors: later */
		case FM_RESET:
		default:
			return n; /* resetting: lost */
		}
		used += k;
		if (m->mode != SIM_MODE_FLASH)
			return n;
	}
	return used;
}

static const struct sim_input_engine engine = { .input = input };

static void enter(struct sim_modem *m, struct flashmode *fm)
{
	if (!fm->dirty) {
		int rc = sim_flash_export(m->flash, m->v);
		if (rc < 0)
			logf_(m, "flash: cannot export the partitions: %s", strerror(-rc));
	}
	sim_modem_set_mode(m, SIM_MODE_FLASH, &engine, fm);
	sim_modem_set_usb(m, SIM_FLASH_USB_BPS);
	sim_audit_event(m->audit, sim_modem_now(m), "flash_mode", ",\"resumed\":%s", fm->dirty ? "true" : "false");
	fm->st = FM_HELLO;
	fm->pkt_len = 0;
	send_hello(m);
}

/* While booting: the flash request. */
static size_t listen_input(struct sim_modem *m, void *ctx, const uint8_t *p, size_t n)
{
	struct flashmode *fm = ctx;
	for (size_t i = 0; i < n; i++) {
		uint8_t want = (uint8_t)SIM_FLASH_REQUEST[fm->listen];
		if (p[i] == want)
			fm->listen++;
		else
			fm->listen = p[i] == (uint8_t)SIM_FLASH_REQUEST[0] ? 1 : 0;
		if (fm->listen == SIM_FLASH_REQUEST_LEN) {
			fm->listen = 0;
			enter(m, fm);
			return i + 1;
		}
	}
	return n;
}

static const struct sim_input_engine listener = { .input = listen_input };

static int power_on(struct sim_modem *m, void *st)
{
	struct flashmode *fm = st;
	struct sim_kv kv;
	char why[200];
	fm->fd = -1;
	if (m->mode != SIM_MODE_BOOTING)
		return 0; /* installing, or dead */
	if (sim_kv_load(m->flash, "flashmode", &kv) == 0) {
		const char *s = sim_kv_get(&kv, "state");
		if (s && strcmp(s, "apply") == 0) {
			/* cut while applying a complete flash: finish it */
			if (sim_flash_apply(m->flash, m->v, why, sizeof why) == 0) {
				sim_flash_remove(m->flash, "flashmode");
			} else {
				mark(m, "dirty");
				fm->dirty = true;
			}
		} else {
			fm->dirty = true;
		}
		if (fm->dirty) {
			enter(m, fm); /* a flash begun and not finished */
			return 0;
		}
	}
	sim_modem_set_mode(m, SIM_MODE_BOOTING, &listener, fm);
	return 0;
}

static void power_off(struct sim_modem *m, void *st)
{
	struct flashmode *fm = st;
	(void)m;
	if (fm->fd_open && fm->fd >= 0)
		close(fm->fd);
	fm->fd_open = false;
}

const struct sim_feature sim_feature_flashmode = {
	.name = "flashmode",
	.state_size = sizeof(struct flashmode),
	.power_on = power_on,
	.power_off = power_off,
};

/* sarafw flash: the host side of a module's flash mode, Sahara then
 * Firehose (common/sahara.h, common/firehose.h), over a sarafw_port.
 * One conversation at a time; every wait is bounded and every failure
 * is one of the FL_E* codes with fl->why saying what the module said.
 *
 * The module's side is documented in docs/bundle-format.md ("How sarafw
 * flash writes a bundle"). */
#ifndef SARAFW_CLI_FLASHER_H
#define SARAFW_CLI_FLASHER_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "delta.h"
#include "firehose.h"
#include "sarafw/port.h"

/* The request that takes a booting module into flash mode: Qualcomm's
 * DIAG download command (0x3a) in an HDLC frame, its CRC-16/X.25 (0x6ea1)
 * low byte first, then the 0x7e flag. Sent every FL_REQUEST_MS while
 * the host waits for the module's Sahara HELLO (note §9 steps 6-7: the
 * flasher waits first, then the module is powered on). */
#define FL_DLOAD_REQUEST "\x3a\xa1\x6e\x7e"
#define FL_DLOAD_REQUEST_LEN 4
#define FL_REQUEST_MS 200u

#define FL_PARTS_MAX 16
#define FL_SECTOR 512

enum fl_error {
	FL_OK = 0,
	FL_ENODEV = -1,   /* no module in flash mode answered in time */
	FL_EPROG = -2,    /* the module refused the programmer (END_OF_IMAGE status) */
	FL_ENAK = -3,     /* the programmer answered NAK */
	FL_ELOST = -4,    /* the module stopped answering, or the port failed */
	FL_EPROTO = -5,   /* something the protocol does not allow */
	FL_EREAD = -6,    /* reading the bundle failed */
	FL_ENOPART = -7,  /* the module has no partition of that name */
};

typedef struct fl_part {
	char name[16];
	uint64_t sectors;
} fl_part;

typedef void (*fl_progress_fn)(void *ctx, uint64_t done, uint64_t total);

/* A trace line: dir is SARAFW_TRACE_TX, _RX or _NOTE (sarafw/dev.h). */
typedef void (*fl_trace_fn)(void *ctx, char dir, const char *data, size_t len);

typedef struct flasher {
	const sarafw_port *port;
	fl_trace_fn trace;    /* NULL: none */
	void *trace_ctx;
	uint32_t reply_ms;    /* the longest wait for one answer */
	uint64_t max_payload; /* bytes per raw write, from <configure>'s answer */
	/* from <getstorageinfo> */
	unsigned n_parts;
	fl_part parts[FL_PARTS_MAX];
	char serial[24]; /* the chip's serial number, "" when not given */
	char why[160];   /* the last failure, or the last <log> of a NAK */
	/* input not used yet */
	uint8_t in[8192];
	size_t in_len;
	struct fh_reader rd;
	struct fh_doc doc;
} flasher;

void fl_init(flasher *f, const sarafw_port *port, fl_trace_fn trace, void *trace_ctx, uint32_t reply_ms);

/* Sahara: wait up to wait_ms for the module's HELLO, then serve its
 * reads from programmer (the bundle's bytes at off, size bytes) until
 * END_OF_IMAGE and DONE. FL_OK, FL_ENODEV, FL_EPROG, FL_ELOST, FL_EPROTO
 * or FL_EREAD. */
int fl_sahara(flasher *f, const blob *programmer, uint64_t off, uint64_t size, uint32_t wait_ms);

/* Firehose <configure>, then <getstorageinfo> (f->parts, f->serial). */
int fl_configure(flasher *f);

/* The partition called name, or NULL. */
const fl_part *fl_find(const flasher *f, const char *name);

/* Read sectors from the start of partition label into out (sectors x 512
 * bytes). */
int fl_read(flasher *f, const char *label, uint64_t sectors, uint8_t *out);

/* Write len bytes of src at off to partition label from its first
 * sector, the last sector padded with zeros; progress(ctx, done, len)
 * as the bytes go out. */
int fl_program(flasher *f, const char *label, const blob *src, uint64_t off, uint64_t len,
	       fl_progress_fn progress, void *ctx);

/* <power value="reset"/>: the module leaves flash mode and boots. */
int fl_reset(flasher *f);

const char *fl_strerror(int code);

#endif

/* libsarafw: XMODEM and XMODEM-1k (Forsberg, "XMODEM/YMODEM Protocol
 * Reference"), as +UFWUPD uses it (note §5.1). */
#ifndef SARAFW_XMODEM_H
#define SARAFW_XMODEM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SARAFW_XMODEM_SOH 0x01 /* 128-byte block */
#define SARAFW_XMODEM_STX 0x02 /* 1024-byte block */
#define SARAFW_XMODEM_EOT 0x04
#define SARAFW_XMODEM_ACK 0x06
#define SARAFW_XMODEM_NAK 0x15
#define SARAFW_XMODEM_CAN 0x18
#define SARAFW_XMODEM_CRC 0x43 /* 'C': receiver asks for CRC-16 */
#define SARAFW_XMODEM_PAD 0x1A /* CP/M EOF, fills the last block */

/* CRC-16/XMODEM (poly 0x1021, init 0) of len bytes, continuing from crc. */
uint16_t sarafw_xmodem_crc16(uint16_t crc, const uint8_t *data, size_t len);

/* Arithmetic checksum: sum of the bytes modulo 256. */
uint8_t sarafw_xmodem_checksum(const uint8_t *data, size_t len);

/* Writes the 3-byte header of block number blk holding bs (128 or 1024)
 * data bytes: SOH or STX, blk, ~blk. */
void sarafw_xmodem_header(uint8_t *h, uint8_t blk, size_t bs);

/* Completes the frame around bs (128 or 1024) data bytes already at
 * frame + 3: SOH/STX, block number and its complement before them,
 * CRC-16 (crc != 0) or checksum after. Returns the frame length, bs + 5
 * or bs + 4; frame must hold that many bytes. */
size_t sarafw_xmodem_seal(uint8_t *frame, uint8_t blk, size_t bs, int crc);

/* ---- Sender engine ------------------------------------------------------
 *
 * A sans-I/O XMODEM / XMODEM-1k sender: it never touches a port or a
 * clock. Bytes from the receiver go in with sarafw_xmodem_input(), bytes
 * for the line come out of sarafw_xmodem_output(), and the caller's clock
 * ("now", milliseconds, wrapping at 2^32) comes in with every call.
 * The package is pulled through cfg->read a piece at a time, as each
 * block goes out, with the block's check computed on the way: the host
 * never holds a whole block in RAM, only cfg->buf (see its size rule).
 *
 * A caller's loop:
 *
 *	sarafw_xmodem_start(&x, &cfg, now());
 *	while (sarafw_xmodem_status(&x) == SARAFW_XMODEM_RUNNING) {
 *		const uint8_t *p;
 *		size_t n = sarafw_xmodem_output(&x, &p);
 *		if (n) {
 *			int w = write(line, p, n);         // may be partial
 *			if (w > 0)
 *				sarafw_xmodem_sent(&x, w, now());
 *		} else {
 *			uint8_t in[64];
 *			int r = read_with_timeout(line, in, sizeof in,
 *			                  sarafw_xmodem_wait_ms(&x, now()));
 *			if (r > 0)   // bytes after the last ACK: AT engine's
 *				sarafw_xmodem_input(&x, in, r, now());
 *		}
 *		sarafw_xmodem_tick(&x, now());
 *	}
 *	// A failure may leave output for the receiver (the rest of a block,
 *	// CANs): write it until output() returns 0.
 *
 * Ownership: the caller allocates the engine and cfg->buf. start() copies
 * the config, so the struct itself may be temporary, but cfg->buf and
 * cfg->ctx (and what read() reaches) must stay valid until the engine is
 * no longer running and its output is drained. */

/* Size rule for cfg->buf, the piece of a block being written: at least
 * SARAFW_XMODEM_BUF_MIN bytes; any size above works. A block of bs bytes
 * is bs + 5 bytes on the line (bs + 4 with the checksum) and goes out in
 * pieces of up to cfg->buf_size bytes, each one output() and one read
 * call at most: a bigger buffer means fewer calls, the line time is the
 * same. SARAFW_XMODEM_BUF_SIZE(bs) holds a whole block: one read and one
 * output per block. 64 bytes suit a small MCU (17 pieces a 1k block). */
#define SARAFW_XMODEM_BUF_MIN 32u
#define SARAFW_XMODEM_BUF_SIZE(block) ((size_t)(block) + 5u)
#define SARAFW_XMODEM_BUF_1K SARAFW_XMODEM_BUF_SIZE(1024)  /* 1029 */
#define SARAFW_XMODEM_BUF_128 SARAFW_XMODEM_BUF_SIZE(128)  /* 133 */

/* Defaults, used when the config field is 0. */
#ifndef SARAFW_XMODEM_START_TIMEOUT_MS
/* Wait for the receiver's first 'C' or NAK. Covers the ~20 s the R410M
 * needs to prepare (note §5.1.2.2) with margin. */
#define SARAFW_XMODEM_START_TIMEOUT_MS 60000u
#endif
#ifndef SARAFW_XMODEM_ACK_TIMEOUT_MS
#define SARAFW_XMODEM_ACK_TIMEOUT_MS 10000u /* Forsberg: 10 s per block */
#endif
#ifndef SARAFW_XMODEM_MAX_RETRIES
#define SARAFW_XMODEM_MAX_RETRIES 10u /* Forsberg: give up after 10 errors */
#endif
#ifndef SARAFW_XMODEM_CAN_COUNT
#define SARAFW_XMODEM_CAN_COUNT 8u /* CANs sent to abort; the receiver needs 2 */
#endif
#ifndef SARAFW_XMODEM_SHORT_TAIL
/* In 1k mode, once no more than this many bytes remain they go in 128-byte
 * SOH blocks (Forsberg: 1k and 128-byte blocks may be mixed). Up to four
 * short blocks cost less line time than one padded 1k block; 0 disables. */
#define SARAFW_XMODEM_SHORT_TAIL 512u
#endif

/* Reads len bytes of the package at offset into buf. Returns len on
 * success; anything else (short count or a negative sarafw_error) fails the
 * transfer with SARAFW_EIO. offset + len never exceeds cfg->size; len is at
 * most cfg->buf_size and 1024. A block is read in order, piece by piece,
 * and read again from its start when it is sent again: the package must
 * not change during the transfer. */
typedef int (*sarafw_xmodem_read_fn)(void *ctx, uint32_t offset, uint8_t *buf, size_t len);

typedef struct sarafw_xmodem_config {
	uint8_t *buf;        /* output buffer, >= SARAFW_XMODEM_BUF_MIN (size rule above) */
	size_t buf_size;
	uint32_t size;       /* package size in bytes; 0 sends only EOT */
	sarafw_xmodem_read_fn read; /* may be NULL only when size is 0 */
	void *ctx;           /* passed to read */
	uint16_t block_size; /* 128 (XMODEM) or 1024 (XMODEM-1k) */
	uint32_t start_timeout_ms; /* 0: SARAFW_XMODEM_START_TIMEOUT_MS */
	uint32_t ack_timeout_ms;   /* 0: SARAFW_XMODEM_ACK_TIMEOUT_MS */
	uint8_t max_retries;       /* resends per block/EOT; 0: SARAFW_XMODEM_MAX_RETRIES */
} sarafw_xmodem_config;

/* The error counters stop at 65535: past that a line is hopeless anyway,
 * and two bytes each keep the engine (and what a caller copies) small. */
typedef struct sarafw_xmodem_stats {
	uint32_t blocks;          /* distinct blocks sent */
	uint16_t retransmissions; /* blocks and EOTs sent again (not the EOT of the handshake) */
	uint16_t naks;            /* NAKs received after a block or EOT (not the handshake's) */
	uint16_t timeouts;        /* waits for ACK that expired */
	uint16_t garbage;         /* ignored bytes: noise, stale or duplicate ACKs */
} sarafw_xmodem_stats;

/* The engine. Allocate it anywhere; the fields are private. */
typedef struct sarafw_xmodem {
	sarafw_xmodem_config cfg;
	sarafw_xmodem_stats stats;
	int err;           /* SARAFW_XMODEM_RUNNING, 0 or a negative sarafw_error */
	uint8_t state;
	uint8_t crc;       /* 1: CRC-16 blocks, 0: checksum blocks */
	uint8_t blk;       /* block number on the line, wraps 255 -> 0 */
	uint8_t retries;   /* resends of the current block or EOT */
	uint8_t cans;      /* consecutive CANs received */
	uint8_t armed;     /* deadline is set */
	uint8_t can_due;   /* abort(): CANs follow the block being written */
	uint8_t in_text;   /* waiting to start, inside a text line */
	uint8_t eot_nak;   /* the receiver has NAKed an EOT once */
	uint8_t spoiled;   /* a read failed inside the block: it goes out with a wrong check */
	uint16_t bs;       /* data bytes of the current block: 128 or 1024 */
	uint16_t payload;  /* package bytes in the current block */
	uint16_t check;    /* CRC-16 or checksum of the block's data generated so far */
	uint16_t flen;     /* bytes of the frame on the line (block, EOT or CANs) */
	uint16_t gen;      /* of which already put into buf */
	uint32_t offset;   /* package offset of the current block */
	uint32_t deadline;
	uint16_t out_len;  /* bytes of buf to send (the piece at gen - out_len) */
	uint16_t out_pos;  /* of which already sent */
} sarafw_xmodem;

/* Status while the transfer goes on (a positive value, not an error). */
#define SARAFW_XMODEM_RUNNING 1

/* Begins a transfer: waits for the receiver's 'C' (CRC-16) or NAK
 * (checksum), ignoring anything else, until start_timeout_ms. A 'C'
 * inside a line of text (a URC such as "+CEREG: 1") does not count;
 * one at the start of a line or after another 'C' does.
 * Returns 0, or SARAFW_EINVAL for a bad config (the engine then reports
 * SARAFW_EINVAL as its status). */
int sarafw_xmodem_start(sarafw_xmodem *x, const sarafw_xmodem_config *cfg, uint32_t now);

/* Feeds n bytes from the receiver. Returns the bytes consumed: all n while
 * running; when the transfer ends (final ACK, CAN CAN) the count up to and
 * including the deciding byte, so the rest (e.g. the module's "OK", note
 * §5.1.1) can go to the AT engine. Bytes that arrive while a block is
 * still being written cannot answer it: they are ignored (CAN excepted). */
size_t sarafw_xmodem_input(sarafw_xmodem *x, const uint8_t *in, size_t n, uint32_t now);

/* Bytes to write now, or 0. *out points into cfg->buf and stays valid
 * until the next call to input, sent, tick or abort. Write as many as
 * the line takes, in one write if it can, and report them with sent().
 * A block comes in pieces of at most cfg->buf_size bytes: the next one
 * is ready as soon as sent() has taken the last byte of this one, so
 * writing until output() returns 0 sends the whole block. */
size_t sarafw_xmodem_output(sarafw_xmodem *x, const uint8_t **out);

/* Marks n bytes of the last output() as written at time now; the next
 * piece of the block is read then. The ACK timeout runs from the moment
 * the whole block has been written. */
void sarafw_xmodem_sent(sarafw_xmodem *x, size_t n, uint32_t now);

/* Advances the clock: an expired wait resends or fails. Call it whenever
 * time passes, and at least every 2^31 ms (deadlines compare wrap-safe);
 * extra calls are harmless. */
void sarafw_xmodem_tick(sarafw_xmodem *x, uint32_t now);

/* Milliseconds until the engine's next deadline: 0 if it has passed or
 * output is waiting (CANs after a failure too), UINT32_MAX when it is no
 * longer running and has nothing to send. A bound for the caller's poll. */
uint32_t sarafw_xmodem_wait_ms(const sarafw_xmodem *x, uint32_t now);

/* The caller gives up: queues CANs (after the rest of a block that is
 * partly written) and fails with SARAFW_ECANCEL at once. */
void sarafw_xmodem_abort(sarafw_xmodem *x);

/* SARAFW_XMODEM_RUNNING, 0 when the receiver acknowledged EOT, or:
 * SARAFW_ETIMEOUT no 'C'/NAK before start_timeout_ms, or a block that
 *                 the caller never finished writing within ack_timeout_ms;
 * SARAFW_ERETRY   a block or EOT failed 1 + max_retries times (CANs sent);
 * SARAFW_ECANCEL  the receiver sent CAN CAN, or abort() was called;
 * SARAFW_EIO      cfg->read failed (CANs sent). A read that fails after
 *                 part of the block is on the line ends the block with
 *                 padding and a wrong check, so the receiver rejects it;
 *                 the CANs follow its answer (or the ACK timeout), and
 *                 the status stays RUNNING until then;
 * SARAFW_EINVAL   bad config given to start(). */
int sarafw_xmodem_status(const sarafw_xmodem *x);

/* Package bytes acknowledged by the receiver, and the package size. */
void sarafw_xmodem_progress(const sarafw_xmodem *x, uint32_t *acked, uint32_t *total);

/* 1 when blocks carry CRC-16 (the receiver asked with 'C'), 0 for the
 * checksum; meaningful once the first block went out. */
int sarafw_xmodem_crc_mode(const sarafw_xmodem *x);

/* Counters since start(). */
const sarafw_xmodem_stats *sarafw_xmodem_get_stats(const sarafw_xmodem *x);

#ifdef __cplusplus
}
#endif
#endif

/* sarafw-sim: the module's XMODEM / XMODEM-1k receiver for AT+UFWUPD=3
 * (note §5.1.1), as a sans-I/O engine: bytes and the clock go in, the
 * bytes to send back (C, NAK, ACK, CAN) and a status come out. It follows
 * Forsberg's "XMODEM/YMODEM Protocol Reference" and the SARA-R422 start
 * sequence of the note.
 *
 * Driving it from a poll loop (times are monotonic milliseconds; the
 * simulator passes its scaled clock, or scales the config):
 *
 *   struct simx x; struct simx_config cfg;
 *   simx_config_default(&cfg); cfg.sink = write_fota; cfg.sink_ctx = st;
 *   simx_init(&x, &cfg, now);              // queues the first 'C'
 *   while (simx_status(&x) == SIMX_RUNNING) {
 *       flush: n = simx_output(&x, &p); write(fd, p, n);
 *              simx_output_consume(&x, written);
 *       poll(fd, POLLIN, simx_poll_timeout(&x, now));
 *       now = clock();
 *       if readable: off = 0; while (off < got) {
 *                        off += simx_input(&x, buf + off, got - off, now);
 *                        flush (as above) }
 *       simx_tick(&x, now);
 *   }
 *   flush once more: a terminal status may leave CAN CAN or the last ACK.
 *
 * After SIMX_DONE the engine still ACKs a resent EOT (the sender may have
 * missed our ACK), so a caller may keep feeding it for a short linger time
 * before it reports the result. */
#ifndef SIM_XMODEM_RECV_H
#define SIM_XMODEM_RECV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest block (XMODEM-1k) and the frame around it:
 * SOH|STX, block number, its complement, data, CRC-16 (2) or checksum (1). */
#define SIMX_BLOCK_MAX 1024
#define SIMX_FRAME_MAX (3 + SIMX_BLOCK_MAX + 2)
#define SIMX_OUT_MAX 16

/* "No timer": simx_next_deadline() in a terminal state. */
#define SIMX_NO_DEADLINE UINT64_MAX

/* Stores one accepted block (128 or 1024 bytes, 0x1A padding kept: the
 * package header says how long the package is). offset is the number of
 * bytes stored before this block. Return 0 to accept; anything else makes
 * the engine cancel the transfer (SIMX_FAILED, SIMX_R_SINK), e.g. when
 * the FOTA area is full. The data pointer is valid only during the call. */
typedef int (*simx_sink_fn)(void *ctx, uint32_t offset, const uint8_t *data, size_t len);

struct simx_config {
	/* Start sequence, note §5.1.1: up to three 'C' with a 3 s timeout
	 * after each, then up to ten NAK with a 10 s timeout after each:
	 * 3*3 + 10*10 = 109 s. With c_count 0 the receiver asks for the
	 * checksum method from the start. */
	uint32_t c_count;         /* 3 */
	uint32_t c_interval_ms;   /* 3000 */
	uint32_t nak_count;       /* 10 */
	uint32_t nak_interval_ms; /* 10000 */
	/* 0: the window ends when the schedule above does (109 s). Otherwise
	 * the window length (e.g. the SARA-R410M's ~2 minutes, note §5.1.2);
	 * start characters due after it are not sent. */
	uint32_t start_window_ms;
	/* Forsberg: 10 s for the next block header (then NAK), 1 s between
	 * the characters of a block; a bad block is answered only after the
	 * line has been silent for purge_ms, so the NAK does not cross the
	 * rest of a garbled block. purge_max_ms bounds a purge under a
	 * continuous stream of noise. */
	uint32_t block_timeout_ms; /* 10000 */
	uint32_t char_timeout_ms;  /* 1000 */
	uint32_t purge_ms;         /* 1000 */
	uint32_t purge_max_ms;     /* 10000 */
	/* Errors tolerated for one block (bad check, bad complement, short
	 * block, garbage, silence, duplicates): each is answered with NAK
	 * (a duplicate with ACK); one more cancels the transfer. */
	uint32_t max_errors; /* 10 */
	simx_sink_fn sink;   /* may be NULL: data is dropped */
	void *sink_ctx;
};

enum simx_status {
	SIMX_RUNNING = 0,
	SIMX_DONE,      /* EOT acknowledged: all blocks were stored */
	SIMX_TIMEOUT,   /* no block within the start window (note §5.1.1.3: ERROR1) */
	SIMX_CANCELLED, /* the sender sent CAN CAN */
	SIMX_FAILED,    /* the receiver gave up and sent CAN CAN; see simx_reason() */
};

enum simx_reason {
	SIMX_R_NONE = 0,
	SIMX_R_START_TIMEOUT, /* SIMX_TIMEOUT */
	SIMX_R_SENDER_CAN,    /* SIMX_CANCELLED */
	SIMX_R_SEQUENCE,      /* block neither expected nor the previous one */
	SIMX_R_RETRIES,       /* max_errors exceeded by bad or short blocks */
	SIMX_R_SILENCE,       /* max_errors exceeded, the last one a silent sender */
	SIMX_R_SINK,          /* the sink refused a block */
	SIMX_R_LOCAL,         /* simx_cancel() */
};

struct simx_stats {
	uint32_t blocks;      /* blocks stored */
	uint32_t blocks_1k;   /* of which 1024-byte blocks */
	uint64_t bytes;       /* bytes stored (padding included) */
	uint32_t retries;     /* NAKs sent to ask for a block again */
	uint32_t duplicates;  /* repeated previous block, ACKed and dropped */
	uint32_t bad_check;   /* CRC or checksum mismatch */
	uint32_t bad_header;  /* block number and complement disagree */
	uint32_t short_blocks; /* character timeout inside a block */
	uint32_t timeouts;    /* no header within block_timeout_ms */
	uint32_t garbage;     /* unexpected bytes where a header was due */
	uint32_t start_chars; /* 'C' and NAK sent by the start sequence */
	uint32_t eots;        /* EOT characters received */
	bool crc_mode;        /* CRC-16 (true) or checksum, once known */
	bool mode_known;      /* a first block header has arrived */
};

/* The engine. Caller-allocated (about 1.1 KiB: it holds one frame); the
 * config is copied. Fields are private. */
struct simx {
	struct simx_config cfg;
	struct simx_stats stats;
	enum simx_status status;
	enum simx_reason reason;
	int state;
	uint64_t t0;         /* start of the window */
	uint64_t deadline;   /* next timer of the current state */
	uint64_t last_rx;    /* time of the last byte received */
	uint64_t purge_from; /* start of the current purge */
	uint32_t start_next; /* index of the next start character */
	uint8_t start_char;  /* the last start character sent */
	uint8_t expected;    /* next block number */
	bool have_prev;      /* a block has been stored */
	bool eot_naked;      /* an EOT has been answered with NAK */
	bool can_seen;       /* the previous header-position byte was CAN */
	uint32_t errors;     /* errors on the current block */
	size_t frame_len, frame_need;
	uint8_t frame[SIMX_FRAME_MAX];
	uint8_t out[SIMX_OUT_MAX];
	size_t out_len;
};

/* SARA-R422 family values (note §5.1.1) and Forsberg's timeouts. */
void simx_config_default(struct simx_config *cfg);

/* Starts a transfer at time now: queues the first start character. */
void simx_init(struct simx *x, const struct simx_config *cfg, uint64_t now);

/* Feeds bytes received at time now (runs due timers first). Returns how
 * many were consumed: fewer than len only when the reply buffer is full,
 * so drain simx_output() and feed the rest. In a terminal state the bytes
 * are consumed and ignored, except that EOT is still ACKed after DONE. */
size_t simx_input(struct simx *x, const uint8_t *data, size_t len, uint64_t now);

/* Runs the timers due at now (start characters, timeouts, end of purge). */
void simx_tick(struct simx *x, uint64_t now);

/* Absolute time of the next timer, SIMX_NO_DEADLINE if none. */
uint64_t simx_next_deadline(const struct simx *x);

/* Milliseconds until the next timer, for poll(): 0 if due, -1 if none. */
int simx_poll_timeout(const struct simx *x, uint64_t now);

/* Bytes waiting to be sent; *data stays valid until the next call that
 * changes the engine. Mark what was written with simx_output_consume(). */
size_t simx_output(const struct simx *x, const uint8_t **data);
void simx_output_consume(struct simx *x, size_t n);

/* Gives up from the module's side (CAN CAN, SIMX_FAILED / SIMX_R_LOCAL). */
void simx_cancel(struct simx *x);

enum simx_status simx_status(const struct simx *x);
enum simx_reason simx_reason(const struct simx *x);
const struct simx_stats *simx_stats(const struct simx *x);
const char *simx_status_str(enum simx_status s);
const char *simx_reason_str(enum simx_reason r);

#endif

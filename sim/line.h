/* sarafw-sim: the module's UART, emulated on a pseudo-terminal.
 *
 * Output leaves at the module's +IPR rate and input is taken at the same
 * rate (10 bits a byte, token buckets; the PTY buffer back-pressures the
 * host). The host's own port speed is visible through TIOCPKT + EXTPROC:
 * when it differs from the module's rate every byte, both ways, is garbled
 * as on a wire with mismatched baud. Nobody on the slave: output is lost.
 * Line noise (fault.h) hits output as it is queued and input as it is
 * read: each byte once, so the faults do not depend on pacing. */
#ifndef SIM_LINE_H
#define SIM_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit.h"
#include "clock.h"
#include "fault.h"

#ifndef SIM_LINE_OUT_MAX
#define SIM_LINE_OUT_MAX 65536
#endif

struct sim_line {
	int master;
	char slave[128];
	struct sim_clock *clock;
	struct sim_audit *audit;
	uint32_t module_baud;
	uint32_t host_baud; /* last seen speed of the slave's termios */
	bool host_present;  /* someone has the slave open */
	bool mismatch_reported;

	uint8_t out[SIM_LINE_OUT_MAX]; /* ring */
	size_t out_head, out_len;
	uint64_t queued, sent; /* byte counters */
	bool switch_pending;   /* +IPR: new rate once `queued` bytes are sent */
	uint64_t switch_at;
	uint32_t switch_baud;

	double out_tokens, in_tokens;
	uint64_t last_us;

	struct sim_fault fault; /* zeroed by open: no noise until armed */
};

/* Opens the PTY, sets the slave raw at `baud` with EXTPROC, enables
 * TIOCPKT and symlinks the slave at link (a stale symlink is replaced).
 * 0, or -1 with a message in err. */
int sim_line_open(struct sim_line *l, struct sim_clock *c, struct sim_audit *a, uint32_t baud,
		  const char *link, char *err, size_t cap);
void sim_line_close(struct sim_line *l, const char *link);

/* Queues bytes (dropped past SIM_LINE_OUT_MAX), after line noise; a byte
 * lost to noise takes no line time. */
void sim_line_write(struct sim_line *l, const void *p, size_t n);

/* The module's rate changes once everything queued so far is sent. */
void sim_line_set_baud(struct sim_line *l, uint32_t baud);

/* Refills the buckets and sends what the rate allows. */
void sim_line_pump(struct sim_line *l);

/* poll() events to ask for and the longest wait before the next pump (µs,
 * -1 none). want_input: the modem takes bytes now. */
short sim_line_events(struct sim_line *l, bool want_input, int64_t *timeout_us);

/* After poll: reads what the rate allows into buf (garbled on mismatch,
 * then line noise; a lost byte still took its line time);
 * returns the number of data bytes (0 for none or a control packet). */
size_t sim_line_read(struct sim_line *l, short revents, uint8_t *buf, size_t cap);

/* Maps a byte as a receiver at the wrong baud would see it: never ASCII. */
uint8_t sim_line_garble(uint8_t b);

/* Converts a termios speed_t to bits per second (0 if unknown). */
uint32_t sim_line_speed_bps(unsigned speed);

#endif

/* sarafw-sim: the module's UART, emulated on a pseudo-terminal.
 *
 * Each byte, both ways, is a 10-bit frame (8N1) at the module's +IPR rate.
 * A frame starts when the previous one has ended or when its byte arrives,
 * whichever is later, and the byte is handed over only once its frame has
 * ended: no idle line time is banked, so a quiet line sends no faster than
 * a busy one and every turnaround costs its frames, as on a real UART.
 * Output: a byte arrives when the module writes it. Input: a byte arrives
 * when the simulator takes it from the PTY, which it does as soon as the
 * host writes (up to SIM_LINE_IN_MAX bytes ahead, SIM_LINE_USB_IN_MAX on
 * the USB link; beyond that the PTY
 * back-pressures the host). Bytes are stamped on the wall clock in ns and
 * handed over in slices (SIM_LINE_BATCH_NS).
 *
 * The host's own port speed is visible through TIOCPKT + EXTPROC: when it
 * differs from the module's rate every byte, both ways, is garbled as on a
 * wire with mismatched baud. Nobody on the slave: output is lost.
 * Line noise (fault.h) hits output as it is queued and input as it is
 * taken: each byte once, so the faults do not depend on pacing. */
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
#ifndef SIM_LINE_IN_MAX
#define SIM_LINE_IN_MAX 4096 /* the UART's receive buffer */
#endif
/* The module's USB (flash mode) takes the host's writes further ahead, as
 * a USB device's endpoint buffers and the host driver's queued transfers
 * do: a simulator woken late then does not leave the link idle. */
#ifndef SIM_LINE_USB_IN_MAX
#define SIM_LINE_USB_IN_MAX 65536
#endif
#define SIM_LINE_IN_RING (SIM_LINE_USB_IN_MAX > SIM_LINE_IN_MAX ? SIM_LINE_USB_IN_MAX : SIM_LINE_IN_MAX)
/* Bytes are handed over in slices of at most this much line time, at the
 * end of the slice's last frame: like a USB serial adapter's 1 ms frames,
 * and the loop need not wake for every byte (3.3 us at 3 Mbit/s). A byte
 * is never early; one inside a slice may be up to this late, the last
 * byte before a quiet line (a result code's LF, an ACK) is on time. */
#define SIM_LINE_BATCH_NS 1000000u

struct sim_line {
	int master;
	char slave[128];
	struct sim_clock *clock;
	struct sim_audit *audit;
	uint32_t module_baud; /* the UART's rate now */
	uint32_t host_baud;   /* last seen speed of the slave's termios */
	bool host_present;    /* someone has the slave open */
	bool mismatch_reported;
	bool usb; /* the module's USB (flash mode): no baud rate to match */
	uint64_t usb_until; /* bytes queued before the UART came back went by USB */

	/* module to host: a ring of bytes, each with the wall time (ns) at
	 * which its frame ends */
	uint8_t out[SIM_LINE_OUT_MAX];
	uint64_t out_due[SIM_LINE_OUT_MAX];
	size_t out_head, out_len;
	uint64_t out_end;      /* end of the last queued frame */
	uint32_t tx_baud;      /* rate of the bytes queued now (+IPR's new one) */
	uint64_t queued, sent; /* byte counters */
	bool switch_pending;   /* +IPR: module_baud changes once `queued` bytes are sent */
	uint64_t switch_at;
	uint64_t switch_ns; /* end of the last frame at the old rate: the receiver switches */
	uint32_t switch_baud;

	/* host to module: bytes taken from the PTY, same stamps */
	uint8_t in[SIM_LINE_IN_RING];
	uint64_t in_due[SIM_LINE_IN_RING];
	size_t in_head, in_len;
	uint64_t in_end; /* end of the last received frame */

	struct sim_fault fault; /* zeroed by open: no noise until armed */
};

/* Opens the PTY, sets the slave raw at `baud` with EXTPROC, enables
 * TIOCPKT and points the symlink `link` at the slave. A symlink already at
 * link (left by a simulator that was killed) is replaced atomically; any
 * other file there is refused and left alone.
 * 0, or -1 with a message in err. */
int sim_line_open(struct sim_line *l, struct sim_clock *c, struct sim_audit *a, uint32_t baud,
		  const char *link, char *err, size_t cap);
void sim_line_close(struct sim_line *l, const char *link);

/* Queues bytes (dropped past SIM_LINE_OUT_MAX), after line noise; a byte
 * lost to noise takes no line time. */
void sim_line_write(struct sim_line *l, const void *p, size_t n);

/* The module's rate changes once everything queued so far is sent. */
void sim_line_set_baud(struct sim_line *l, uint32_t baud);

/* Sends every byte whose frame has ended. */
void sim_line_pump(struct sim_line *l);

/* poll() events to ask for and the longest wait before the next pump or
 * read (ns, -1 none); -1 instead of events: leave the master out of
 * poll(). want_input: the modem takes bytes now. */
short sim_line_events(struct sim_line *l, bool want_input, int64_t *timeout_ns);

/* After poll: takes what the host wrote (garbled on mismatch, then line
 * noise; a lost byte still took its line time) and notices a hang-up. */
void sim_line_receive(struct sim_line *l, short revents);

/* The port is the module's USB at bps (paced like the UART, 10 bits a
 * byte, but no baud rate for the host to match); 0: the UART again (then
 * sim_line_set_baud() sets its rate). */
void sim_line_set_usb(struct sim_line *l, uint32_t bps);

/* Received bytes whose frames have ended, at most cap; the number. */
size_t sim_line_read(struct sim_line *l, uint8_t *buf, size_t cap);

/* Wall time (ns) one 8N1 frame takes at baud, rounded up. */
uint64_t sim_line_frame_ns(uint32_t baud);

/* Maps a byte as a receiver at the wrong baud would see it: never ASCII. */
uint8_t sim_line_garble(uint8_t b);

/* Converts a termios speed_t to bits per second (0 if unknown). */
uint32_t sim_line_speed_bps(unsigned speed);

#endif

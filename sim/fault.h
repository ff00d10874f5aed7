/* sarafw-sim: line noise (--ber, --drop, --lost-ack), deterministic under
 * --seed.
 *
 * Every byte crossing the wire passes through sim_fault_apply() exactly
 * once, in order, per direction. Each kind of fault in each direction has
 * its own PRNG stream (splitmix64) that advances per byte (bit errors: per
 * bit, by sampling the gap to the next error), never per read() or write()
 * chunk. So the faults depend only on the seed and the byte sequence of
 * that direction, not on timing or on how the bytes were chunked, and
 * enabling one kind of fault does not move another kind's faults. */
#ifndef SIM_FAULT_H
#define SIM_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit.h"
#include "clock.h"

enum { SIM_FAULT_IN, SIM_FAULT_OUT }; /* host to module, module to host */

#define SIM_FAULT_ACK 0x06 /* only ever sent by the module in XMODEM */

struct sim_fault_config {
	double ber;      /* probability that a data bit is flipped */
	double drop;     /* probability that a byte is lost */
	double lost_ack; /* probability that an ACK from the module is lost */
	bool in, out;    /* directions --ber and --drop apply to */
	uint64_t seed;
};

struct sim_fault_dir {
	double ber, drop, lost_ack; /* what applies to this direction */
	uint64_t ber_rng, drop_rng, ack_rng;
	uint64_t gap;   /* clean bits before the next flipped one */
	uint64_t bytes; /* offered so far: the position in the log */
	uint64_t flipped, dropped, acks_lost;
};

struct sim_fault {
	struct sim_fault_config cfg;
	struct sim_fault_dir dir[2];
	struct sim_audit *audit; /* each fault is a "#" line in --log; may be NULL */
	struct sim_clock *clock; /* for the log's timestamps; may be NULL */
};

/* A zeroed struct injects nothing; init arms it. */
void sim_fault_init(struct sim_fault *f, const struct sim_fault_config *cfg,
		    struct sim_audit *audit, struct sim_clock *clock);

/* True if any fault may happen. */
bool sim_fault_active(const struct sim_fault *f);

/* Passes n bytes of direction dir through the wire, in place: bits flip,
 * bytes vanish (the rest move down). Returns the bytes left. */
size_t sim_fault_apply(struct sim_fault *f, int dir, uint8_t *buf, size_t n);

/* "in: 3 bits flipped, 1 byte dropped; out: ..." for the exit summary. */
void sim_fault_summary(const struct sim_fault *f, char *out, size_t cap);

/* Parses a probability: a number in [0, 1]. 0 or -1. */
int sim_fault_parse_rate(const char *s, double *rate);

#endif

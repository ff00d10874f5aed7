/* sarafw-sim: the module's clock. One monotonic source; module time runs
 * --time-scale times faster than the wall so every duration of the note
 * (boot, prep, windows, installs) shrinks by that factor. Line pacing uses
 * the unscaled wall clock: baud rate is physics of the wire. */
#ifndef SIM_CLOCK_H
#define SIM_CLOCK_H

#include <stdint.h>

struct sim_clock {
	double scale;      /* module ms per wall ms, > 0 */
	uint64_t start_ns; /* wall time at init */
};

void sim_clock_init(struct sim_clock *c, double scale);

/* Module time in ms since power-on of the simulator (scaled). */
uint64_t sim_clock_now(const struct sim_clock *c);

/* Wall time in nanoseconds since init (unscaled): the line's clock. */
uint64_t sim_clock_wall_ns(const struct sim_clock *c);

/* Wall ms until module time `due` (0 if already past), rounded up. */
int sim_clock_wall_ms_until(const struct sim_clock *c, uint64_t due);

#endif

/* sarafw-sim: one-shot timers on module time. The main loop asks for the
 * next due time to bound its poll() and runs what is due; nothing sleeps. */
#ifndef SIM_TIMER_H
#define SIM_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#ifndef SIM_TIMER_MAX
#define SIM_TIMER_MAX 32
#endif

typedef void (*sim_timer_fn)(void *ctx, int arg);

struct sim_timer {
	uint64_t due; /* module ms */
	sim_timer_fn fn;
	void *ctx;
	int arg;
	int id; /* 0: slot free */
};

struct sim_timers {
	struct sim_timer t[SIM_TIMER_MAX];
	int next_id;
};

void sim_timers_init(struct sim_timers *ts);

/* Arms fn(ctx, arg) at module time `due`. Returns an id > 0, or -1 when
 * every slot is taken. */
int sim_timer_at(struct sim_timers *ts, uint64_t due, sim_timer_fn fn, void *ctx, int arg);

/* Disarms timer id; unknown or fired ids are ignored. */
void sim_timer_cancel(struct sim_timers *ts, int id);

/* Disarms every timer (power cut, reboot). */
void sim_timers_clear(struct sim_timers *ts);

/* Earliest due time, or UINT64_MAX when none is armed. */
uint64_t sim_timers_next(const struct sim_timers *ts);

/* Fires, in due order, every timer due at or before now. A callback may
 * arm or cancel timers. */
void sim_timers_run(struct sim_timers *ts, uint64_t now);

#endif

#include "timer.h"

#include <string.h>

void sim_timers_init(struct sim_timers *ts)
{
	memset(ts, 0, sizeof *ts);
	ts->next_id = 1;
}

int sim_timer_at(struct sim_timers *ts, uint64_t due, sim_timer_fn fn, void *ctx, int arg)
{
	for (int i = 0; i < SIM_TIMER_MAX; i++) {
		struct sim_timer *t = &ts->t[i];
		if (t->id)
			continue;
		t->due = due;
		t->fn = fn;
		t->ctx = ctx;
		t->arg = arg;
		t->id = ts->next_id++;
		if (ts->next_id <= 0)
			ts->next_id = 1;
		return t->id;
	}
	return -1;
}

void sim_timer_cancel(struct sim_timers *ts, int id)
{
	if (id <= 0)
		return;
	for (int i = 0; i < SIM_TIMER_MAX; i++)
		if (ts->t[i].id == id)
			ts->t[i].id = 0;
}

void sim_timers_clear(struct sim_timers *ts)
{
	for (int i = 0; i < SIM_TIMER_MAX; i++)
		ts->t[i].id = 0;
}

uint64_t sim_timers_next(const struct sim_timers *ts)
{
	uint64_t next = UINT64_MAX;
	for (int i = 0; i < SIM_TIMER_MAX; i++)
		if (ts->t[i].id && ts->t[i].due < next)
			next = ts->t[i].due;
	return next;
}

void sim_timers_run(struct sim_timers *ts, uint64_t now)
{
	for (;;) {
		struct sim_timer *first = NULL;
		struct sim_timer fire;
		for (int i = 0; i < SIM_TIMER_MAX; i++) {
			struct sim_timer *t = &ts->t[i];
			if (t->id && t->due <= now && (!first || t->due < first->due))
				first = t;
		}
		if (!first)
			return;
		fire = *first;
		first->id = 0; /* free before the call: it may re-arm */
		fire.fn(fire.ctx, fire.arg);
	}
}

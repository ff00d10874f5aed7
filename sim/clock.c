#include "clock.h"

#include <math.h>
#include <time.h>

static uint64_t mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void sim_clock_init(struct sim_clock *c, double scale)
{
	c->scale = scale > 0 ? scale : 1.0;
	c->start_us = mono_us();
}

uint64_t sim_clock_wall_us(const struct sim_clock *c)
{
	return mono_us() - c->start_us;
}

uint64_t sim_clock_now(const struct sim_clock *c)
{
	return (uint64_t)((double)sim_clock_wall_us(c) * c->scale / 1000.0);
}

int sim_clock_wall_ms_until(const struct sim_clock *c, uint64_t due)
{
	uint64_t now = sim_clock_now(c);
	double ms;
	if (due <= now)
		return 0;
	ms = ceil((double)(due - now) / c->scale);
	return ms > 60000.0 ? 60000 : (int)ms;
}

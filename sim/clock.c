#include "clock.h"

#include <math.h>
#include <time.h>

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void sim_clock_init(struct sim_clock *c, double scale)
{
	c->scale = scale > 0 ? scale : 1.0;
	c->start_ns = mono_ns();
}

uint64_t sim_clock_wall_ns(const struct sim_clock *c)
{
	return mono_ns() - c->start_ns;
}

uint64_t sim_clock_now(const struct sim_clock *c)
{
	return (uint64_t)((double)sim_clock_wall_ns(c) * c->scale / 1e6);
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

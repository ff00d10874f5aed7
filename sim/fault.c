#include "fault.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* splitmix64: tiny, fast, and good enough for noise; any 64-bit state
 * (also 0) is a valid seed */
static uint64_t next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static double uniform(uint64_t *s) /* [0, 1) */
{
	return (double)(next(s) >> 11) * 0x1p-53;
}

static bool chance(uint64_t *s, double p)
{
	return uniform(s) < p;
}

/* Clean bits before the next flipped one: geometric with parameter p.
 * One draw per bit error instead of one per bit. */
static uint64_t draw_gap(uint64_t *s, double p)
{
	double u = 1.0 - uniform(s); /* (0, 1] */
	double g;
	if (p >= 1.0)
		return 0;
	g = floor(log(u) / log1p(-p));
	return g >= 0x1p62 ? (uint64_t)1 << 62 : (uint64_t)g;
}

void sim_fault_init(struct sim_fault *f, const struct sim_fault_config *cfg,
		    struct sim_audit *audit, struct sim_clock *clock)
{
	uint64_t seeder = cfg->seed;
	memset(f, 0, sizeof *f);
	f->cfg = *cfg;
	f->audit = audit;
	f->clock = clock;
	for (int i = 0; i < 2; i++) {
		struct sim_fault_dir *d = &f->dir[i];
		bool on = i == SIM_FAULT_IN ? cfg->in : cfg->out;
		/* six independent streams from one seed, always drawn in this
		 * order so each is the same whatever the other options are */
		d->ber_rng = next(&seeder);
		d->drop_rng = next(&seeder);
		d->ack_rng = next(&seeder);
		d->ber = on ? cfg->ber : 0.0;
		d->drop = on ? cfg->drop : 0.0;
		d->lost_ack = i == SIM_FAULT_OUT ? cfg->lost_ack : 0.0;
		if (d->ber > 0.0)
			d->gap = draw_gap(&d->ber_rng, d->ber);
	}
}

bool sim_fault_active(const struct sim_fault *f)
{
	for (int i = 0; i < 2; i++)
		if (f->dir[i].ber > 0.0 || f->dir[i].drop > 0.0 || f->dir[i].lost_ack > 0.0)
			return true;
	return false;
}

static uint8_t bit_errors(struct sim_fault_dir *d)
{
	uint8_t mask = 0;
	unsigned pos = 0; /* bit 0 is the first on the wire (LSB first) */
	while (d->gap < 8u - pos) {
		pos += (unsigned)d->gap;
		mask |= (uint8_t)(1u << pos);
		pos++;
		d->gap = draw_gap(&d->ber_rng, d->ber);
	}
	d->gap -= 8u - pos;
	return mask;
}

static void note(struct sim_fault *f, int dir, uint64_t at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* one "#" line in --log per fault, with its position in the direction's
 * byte stream, so a failed run can be matched to what was hit */
static void note(struct sim_fault *f, int dir, uint64_t at, const char *fmt, ...)
{
	char s[96];
	int n;
	va_list ap;
	if (!f->audit || !f->audit->log)
		return;
	n = snprintf(s, sizeof s, "fault %s byte %llu: ", dir == SIM_FAULT_IN ? "in" : "out",
		     (unsigned long long)at);
	va_start(ap, fmt);
	vsnprintf(s + n, sizeof s - (size_t)n, fmt, ap);
	va_end(ap);
	sim_log_line(f->audit, f->clock ? sim_clock_now(f->clock) : 0, "#", s, strlen(s));
}

size_t sim_fault_apply(struct sim_fault *f, int dir, uint8_t *buf, size_t n)
{
	struct sim_fault_dir *d = &f->dir[dir];
	size_t o = 0;
	if (d->ber <= 0.0 && d->drop <= 0.0 && d->lost_ack <= 0.0) {
		d->bytes += n;
		return n;
	}
	for (size_t i = 0; i < n; i++) {
		uint8_t b = buf[i];
		uint64_t at = d->bytes++;
		/* every stream advances for every byte (ack: every ACK), lost
		 * or not, so its faults stay where they were */
		bool ack_lost = b == SIM_FAULT_ACK && d->lost_ack > 0.0 &&
				chance(&d->ack_rng, d->lost_ack);
		uint8_t mask = d->ber > 0.0 ? bit_errors(d) : 0;
		bool dropped = d->drop > 0.0 && chance(&d->drop_rng, d->drop);
		if (ack_lost) {
			d->acks_lost++;
			note(f, dir, at, "ACK lost");
		} else if (dropped) {
			d->dropped++;
			note(f, dir, at, "0x%02x dropped", b);
		} else {
			if (mask) {
				d->flipped += (uint64_t)__builtin_popcount(mask);
				note(f, dir, at, "0x%02x -> 0x%02x", b, (unsigned)(b ^ mask));
			}
			buf[o++] = (uint8_t)(b ^ mask);
		}
	}
	return o;
}

void sim_fault_summary(const struct sim_fault *f, char *out, size_t cap)
{
	const struct sim_fault_dir *i = &f->dir[SIM_FAULT_IN], *o = &f->dir[SIM_FAULT_OUT];
	snprintf(out, cap,
		 "in: %llu bits flipped, %llu bytes dropped; "
		 "out: %llu bits flipped, %llu bytes dropped, %llu ACKs lost",
		 (unsigned long long)i->flipped, (unsigned long long)i->dropped,
		 (unsigned long long)o->flipped, (unsigned long long)o->dropped,
		 (unsigned long long)o->acks_lost);
}

int sim_fault_parse_rate(const char *s, double *rate)
{
	char *end;
	double x;
	if (!*s || isspace((unsigned char)*s))
		return -1;
	x = strtod(s, &end);
	if (*end || !(x >= 0.0 && x <= 1.0)) /* also refuses nan */
		return -1;
	*rate = x;
	return 0;
}

/* The update's plan: method, rate and expected time, from the module, the
 * port and the package. No I/O. */
#include <stdbool.h>
#include <stddef.h>

#include "baud.h"
#include "plan.h"

/* The note's typical preparation times (the variant table holds the
 * upper bounds a host waits): §5.2 ~5 s for +UDWNFILE; §5.1.1 ~5 s and
 * §5.1.2 ~20 s for +UFWUPD. */
#define PREP_UDWNFILE_S 5.0
#define PREP_UFWUPD_R422_S 5.0
#define PREP_UFWUPD_R410_S 20.0

/* +UDWNFILE streams with no turnaround: 0.99 of the line is a fair
 * figure for a host that keeps the port's buffer full. */
#define EFF_UDWNFILE 0.99
/* XMODEM: each block waits for its ACK; bench/RESULTS.md measured
 * 0.3 to 1.4 ms of turnaround a block over the simulator's PTY (a USB
 * adapter's latency comes on top). */
#define XMODEM_TURN_S 0.0007
/* Over the module's own USB the link is not the limit and has no rate to
 * switch; the note gives no figure for it, so the estimate takes the
 * fastest UART rate the note names (3 Mbit/s, §5.1.1). */
#define USB_EST_BPS 3000000u

static uint32_t min32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* The highest rate a SARA-R4 runs at (common/baud.h) that is at most cap;
 * 0 if none is. */
static uint32_t top_rate(uint32_t cap)
{
	uint32_t best = 0;
	for (size_t i = 0; i < baud_count; i++)
		if (baud_rates[i].module && baud_rates[i].bps <= cap)
			best = baud_rates[i].bps;
	return best;
}

static bool has_foat(const sarafw_variant *v)
{
	return v && (v->methods & SARAFW_METHOD_FOAT);
}

double plan_seconds(const sarafw_variant *v, plan_method m, uint32_t baud, uint32_t size, double time_scale)
{
	double prep, data, bit = baud ? 10.0 / baud : 0.0;
	uint32_t block = m == PLAN_XMODEM ? 128 : 1024;
	if (m == PLAN_UDWNFILE) {
		prep = PREP_UDWNFILE_S;
		data = (double)size * bit / EFF_UDWNFILE;
	} else {
		prep = v && v->family == SARAFW_FAMILY_R422 ? PREP_UFWUPD_R422_S : PREP_UFWUPD_R410_S;
		/* SOH/STX, number, its complement, CRC-16; then the ACK byte */
		double per_block = (double)(block + 5 + 1) * bit + XMODEM_TURN_S;
		data = (double)((size + block - 1) / block) * per_block;
	}
	if (time_scale > 0)
		prep /= time_scale;
	return prep + data;
}

/* The rate for method m: forced, else the highest both ends carry. */
static uint32_t pick_rate(const plan_input *in, uint32_t *hint)
{
	uint32_t module = in->variant ? in->variant->limits->max_baud : 115200;
	uint32_t cap, rate;
	*hint = 0;
	if (in->force_baud)
		return in->force_baud;
	switch (in->port) {
	case PORT_MODULE_USB:
		/* AT+IPR sets the UART's rate, not the USB link's: no switch */
		return in->cur_baud;
	case PORT_PTY:
		cap = module;
		break;
	case PORT_ADAPTER:
		cap = min32(in->port_max, module);
		break;
	default:
		/* unknown top rate: --max-baud is the user saying what it carries */
		if (!in->max_baud) {
			rate = top_rate(module);
			*hint = rate > in->cur_baud ? rate : 0;
			return in->cur_baud;
		}
		cap = module;
		break;
	}
	if (in->max_baud)
		cap = min32(cap, in->max_baud);
	rate = top_rate(cap);
	return rate ? rate : in->cur_baud;
}

void plan_make(const plan_input *in, plan *out)
{
	plan_method m = in->method;
	uint32_t hint;
	*out = (plan){ .verdict = PLAN_OK };
	if (m == PLAN_AUTO)
		m = has_foat(in->variant) ? PLAN_UDWNFILE : PLAN_XMODEM1K;
	out->method = m;
	/* note §5.1: +UFWUPD runs on the primary UART only */
	if (in->port == PORT_MODULE_USB && (m == PLAN_XMODEM || m == PLAN_XMODEM1K) && in->method != PLAN_AUTO) {
		out->verdict = PLAN_REFUSE_USB;
		return;
	}
	out->baud = pick_rate(in, &hint);
	out->seconds = plan_seconds(in->variant, m, in->port == PORT_MODULE_USB ? USB_EST_BPS : out->baud, in->size,
				    in->time_scale);
	if (hint) {
		out->hint_baud = hint;
		out->hint_saves = out->seconds - plan_seconds(in->variant, m, hint, in->size, in->time_scale);
	}
	if (in->method == PLAN_XMODEM || in->method == PLAN_XMODEM1K) {
		/* the path auto would take */
		plan_input a = *in;
		plan p;
		a.method = PLAN_AUTO;
		plan_make(&a, &p);
		out->alt_method = p.method;
		out->alt_baud = p.baud;
		out->alt_seconds = p.seconds;
	} else {
		/* what existing tools do: XMODEM-1k at the current rate */
		out->alt_method = PLAN_XMODEM1K;
		out->alt_baud = in->cur_baud;
		out->alt_seconds = plan_seconds(in->variant, PLAN_XMODEM1K, in->cur_baud, in->size, in->time_scale);
	}
}

const char *plan_method_text(plan_method m)
{
	switch (m) {
	case PLAN_UDWNFILE:
		return "+UDWNFILE";
	case PLAN_XMODEM1K:
		return "XMODEM-1k";
	case PLAN_XMODEM:
		return "XMODEM";
	default:
		return "auto";
	}
}

const char *plan_method_name(plan_method m)
{
	switch (m) {
	case PLAN_UDWNFILE:
		return "udwnfile";
	case PLAN_XMODEM1K:
		return "xmodem1k";
	case PLAN_XMODEM:
		return "xmodem";
	default:
		return "auto";
	}
}

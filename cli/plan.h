/* sarafw update's plan: the method and rate of the fastest safe path for
 * this module, this port and this package, and how long it should take.
 * A pure function of its inputs, so every case is a table row in a test. */
#ifndef SARAFW_CLI_PLAN_H
#define SARAFW_CLI_PLAN_H

#include <stdint.h>

#include "port_kind.h"
#include "sarafw/variant.h"

typedef enum plan_method {
	PLAN_AUTO,     /* --method auto: the plan picks */
	PLAN_UDWNFILE, /* AT+UDWNFILE "FOAT" (note §5.2) */
	PLAN_XMODEM1K, /* AT+UFWUPD=3, XMODEM-1k (note §5.1) */
	PLAN_XMODEM,   /* AT+UFWUPD=3, XMODEM with 128-byte blocks */
} plan_method;

typedef struct plan_input {
	const sarafw_variant *variant; /* the identified module (NULL: treated as no FOAT) */
	port_kind port;
	uint32_t port_max;   /* PORT_ADAPTER: the chip's top rate */
	uint32_t cur_baud;   /* the rate the module answers at now */
	uint32_t size;       /* package bytes */
	plan_method method;  /* --method */
	uint32_t force_baud; /* --baud (0: none) */
	uint32_t max_baud;   /* --max-baud (0: none) */
	double time_scale;   /* SARAFW_TIME_SCALE: the module's waits shrink by it (0 or 1: none) */
} plan_input;

typedef enum plan_verdict {
	PLAN_OK,
	PLAN_REFUSE_USB, /* +UFWUPD asked on the module's USB port (note §5.1) */
} plan_verdict;

typedef struct plan {
	plan_verdict verdict;
	plan_method method;   /* never PLAN_AUTO */
	uint32_t baud;        /* the transfer's rate (cur_baud: no switch) */
	double seconds;       /* expected: preparation and data */
	plan_method alt_method; /* the other path: XMODEM-1k at the current rate, or auto's */
	uint32_t alt_baud;
	double alt_seconds;
	uint32_t hint_baud;   /* unknown port: the --baud that would help (0: none) */
	double hint_saves;    /* and the seconds it would save */
} plan;

/* The plan for in into *out. */
void plan_make(const plan_input *in, plan *out);

/* Expected seconds of one path: the module's preparation (the note's
 * typical figure) and the data at rate with the method's efficiency. */
double plan_seconds(const sarafw_variant *v, plan_method m, uint32_t baud, uint32_t size, double time_scale);

/* "+UDWNFILE", "XMODEM-1k", "XMODEM"; and the --method/JSON names. */
const char *plan_method_text(plan_method m);
const char *plan_method_name(plan_method m);

#endif

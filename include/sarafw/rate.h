/* libsarafw: switching the line's rate with AT+IPR (note §5.1.1
 * "Additional rate", §5.2), once for every flow that transfers at a
 * higher rate than the host runs at (FOAT over +UFWUPD and +UDWNFILE). */
#ifndef SARAFW_RATE_H
#define SARAFW_RATE_H

#include "sarafw/dev.h"
#include "sarafw/probe.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- The rate switch engine ------------------------------------------------
 * Sans-I/O (sarafw_engine, sarafw/dev.h): AT+IPR=<to> at the rate both
 * run at, its OK at that rate, the host follows (a request through
 * sarafw_rate_baud(), as the FOAT engine makes them), then AT at the new
 * rate. When that fails the engine brings both sides home: a forward
 * switch (back false) goes back to from, a switch back (back true) insists
 * on to, the host's own rate; first with AT+IPR at the rate the host is at,
 * then by setting the host's rate and probing there.
 *
 * Results (sarafw_rate_status):
 *  SARAFW_OK          both sides run at to;
 *  SARAFW_EERROR, SARAFW_EPROTO, SARAFW_EBUSY
 *                     a forward switch the module refused (sarafw_dev_last_error):
 *                     nothing changed;
 *  SARAFW_ETIMEOUT    no answer to a forward AT+IPR; the module answers at from;
 *  SARAFW_EBAUD       a forward switch that did not work (the module did not
 *                     answer at to, or the host cannot set it): both are back
 *                     at from and the module answers there;
 *  SARAFW_EBAUDBACK   the module did not answer at the home rate afterwards:
 *                     it may run at the other one (from or to);
 *  SARAFW_EIO         the port failed. */
typedef struct sarafw_rate {
	sarafw_dev *dev;
	sarafw_prober probe;
	uint32_t from;      /* the rate both run at when it starts */
	uint32_t to;
	uint32_t timer;     /* the settle time after AT+IPR's OK */
	int16_t status;
	int16_t rc;         /* the first failure */
	uint8_t state;
	uint8_t back;       /* home is to (a switch back), else from */
	uint8_t restoring;  /* a forward switch failed: AT+IPR=<from> at to */
} sarafw_rate;

/* May dev's variant and port switch from `from` to `to`? SARAFW_OK, or
 * SARAFW_ENOTSUP (above the variant's maximum, note §5.1.1 "Additional
 * rate" is for the SARA-R422 family only; or a port without set_baud). */
int sarafw_rate_check(const sarafw_dev *dev, uint32_t from, uint32_t to);

/* Starts the switch (no check: see sarafw_rate_check). */
void sarafw_rate_start(sarafw_rate *r, sarafw_dev *dev, uint32_t from, uint32_t to, bool back, uint32_t now);
size_t sarafw_rate_output(sarafw_rate *r, const uint8_t **out);
void sarafw_rate_sent(sarafw_rate *r, size_t n, uint32_t now);
size_t sarafw_rate_input(sarafw_rate *r, const uint8_t *in, size_t n, uint32_t now);
void sarafw_rate_tick(sarafw_rate *r, uint32_t now);
uint32_t sarafw_rate_wait_ms(const sarafw_rate *r, uint32_t now);
/* Non-zero: switch the host's line to this rate now (the output is all
 * written), then report with sarafw_rate_baud_done(). */
uint32_t sarafw_rate_baud(const sarafw_rate *r);
void sarafw_rate_baud_done(sarafw_rate *r, int rc, uint32_t now);
void sarafw_rate_io_error(sarafw_rate *r, int err, uint32_t now);
int sarafw_rate_status(const sarafw_rate *r);
extern const sarafw_engine sarafw_rate_engine;

/* The blocking switch: a loop of sarafw_dev_step() over the engine, after
 * sarafw_rate_check. Returns its status. */
int sarafw_rate_switch(sarafw_dev *dev, uint32_t from, uint32_t to, bool back);

#ifdef __cplusplus
}
#endif
#endif

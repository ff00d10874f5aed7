/* libsarafw: find the module on the line and learn who it is. */
#ifndef SARAFW_PROBE_H
#define SARAFW_PROBE_H

#include "sarafw/dev.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sarafw_ident {
	char type_number[40];   /* ATI0, e.g. "SARA-R410M-02B-03" */
	char model[32];         /* +CGMM, e.g. "SARA-R410M-02B" */
	char modem_version[48]; /* ATI9 first field, e.g. "L0.0.00.00.05.12" */
	char app_version[24];   /* ATI9 second field, e.g. "A.02.19" */
	char imei[20];          /* +CGSN */
	int mno_profile;        /* +UMNOPROF, -1 if unknown */
	const sarafw_variant *variant; /* NULL if the type number is unknown */
} sarafw_ident;

/* State of an update URC as the module reports it. */
typedef enum sarafw_urc_state {
	SARAFW_URC_UNSUPPORTED = 0, /* this product version has no such URC (Table 2) */
	SARAFW_URC_OFF,
	SARAFW_URC_ON,
	SARAFW_URC_UNKNOWN, /* supported, but the module does not tell */
} sarafw_urc_state;

/* ---- The probe engine ----------------------------------------------------
 * Sans-I/O (see sarafw_engine in sarafw/dev.h): sends "AT" about once a
 * second (note §2.6.4) until the module answers OK, for at most
 * timeout_ms. After an unanswered attempt, an OK may answer the earlier
 * one: it then waits for quiet and confirms with one more AT. A module
 * that sends only XMODEM start characters ('C' twice, or NAK; note
 * §5.1.1) waits for a transfer nobody makes: the engine cancels it with
 * CAN CAN, sets SARAFW_DEV_XMODEM_CANCELLED in dev->flags and goes on.
 * The engine uses dev's AT engine, URC handlers and output (dev->tx),
 * never its port. */
typedef struct sarafw_prober {
	sarafw_dev *dev;
	uint32_t end;      /* the probe's bound */
	uint32_t quiet;    /* draining: the line is quiet at this time */
	uint32_t drain_end;
	uint32_t rx;       /* bytes received */
	int status;
	uint8_t state;
	uint8_t in_step;   /* no attempt has gone unanswered yet */
	uint8_t run;       /* XMODEM start characters in a row */
} sarafw_prober;

/* Starts probing; the first "AT" is in the output at once. */
void sarafw_probe_start(sarafw_prober *p, sarafw_dev *dev, uint32_t timeout_ms, uint32_t now);
size_t sarafw_probe_output(sarafw_prober *p, const uint8_t **out);
void sarafw_probe_sent(sarafw_prober *p, size_t n, uint32_t now);
size_t sarafw_probe_input(sarafw_prober *p, const uint8_t *in, size_t n, uint32_t now);
void sarafw_probe_tick(sarafw_prober *p, uint32_t now);
uint32_t sarafw_probe_wait_ms(const sarafw_prober *p, uint32_t now);
/* SARAFW_RUNNING; SARAFW_OK; SARAFW_ENOMODULE if the line stayed silent;
 * SARAFW_EGARBLED if bytes came back that made no sense (most often a
 * baud rate that differs from the module's +IPR). */
int sarafw_probe_status(const sarafw_prober *p);
/* The engine for sarafw_dev_step(). */
extern const sarafw_engine sarafw_probe_engine;

/* Do the n bytes at in, after the ones counted in *run, show a receiver
 * waiting for an XMODEM sender ('C' 'C' at a line start, or NAK; CR and
 * LF start a line)? *run is updated for the next call. */
bool sarafw_xmodem_waiting(uint8_t *run, const uint8_t *in, size_t n);

/* The blocking probe: a loop of sarafw_dev_step() over the engine.
 * Returns its status. */
int sarafw_probe(sarafw_dev *dev, uint32_t timeout_ms);

/* ---- The identify engine -------------------------------------------------
 * Sans-I/O like the probe: ATE0, AT+CMEE=2, ATI0, AT+CGMM, ATI9, AT+CGSN,
 * AT+UMNOPROF? one after the other, each bounded by SARAFW_ANSWER_MS,
 * filling *id and, at the end, dev->variant. */
typedef struct sarafw_identifier {
	sarafw_dev *dev;
	sarafw_ident *id;
	int status;
	uint8_t step;
	uint8_t got;       /* this step's response was taken */
} sarafw_identifier;

void sarafw_identify_start(sarafw_identifier *e, sarafw_dev *dev, sarafw_ident *id, uint32_t now);
size_t sarafw_identify_output(sarafw_identifier *e, const uint8_t **out);
void sarafw_identify_sent(sarafw_identifier *e, size_t n, uint32_t now);
size_t sarafw_identify_input(sarafw_identifier *e, const uint8_t *in, size_t n, uint32_t now);
void sarafw_identify_tick(sarafw_identifier *e, uint32_t now);
uint32_t sarafw_identify_wait_ms(const sarafw_identifier *e, uint32_t now);
/* SARAFW_RUNNING, SARAFW_OK, or the error of ATE0 or ATI0 (SARAFW_EPROTO
 * when ATI0 answered no line); the other commands are optional. */
int sarafw_identify_status(const sarafw_identifier *e);
extern const sarafw_engine sarafw_identify_engine;

/* The blocking identify: a loop of sarafw_dev_step() over the engine.
 * Turns echo off, asks for verbose +CME errors, reads identity and
 * versions, and sets dev->variant. Returns SARAFW_OK, or the first
 * required command's error; an unknown product version is not an error
 * (id->variant is NULL). */
int sarafw_identify(sarafw_dev *dev, sarafw_ident *id);

/* Read whether the update URC `which` (SARAFW_URC_*) is enabled. */
sarafw_urc_state sarafw_urc_get(sarafw_dev *dev, unsigned which);

#ifdef __cplusplus
}
#endif
#endif

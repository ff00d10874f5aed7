/* libsarafw: firmware download over AT (FOAT) with +UFWUPD and XMODEM
 * (note §5, §5.1). */
#ifndef SARAFW_FOAT_H
#define SARAFW_FOAT_H

#include "sarafw/dev.h"
#include "sarafw/probe.h"
#include "sarafw/rate.h"
#include "sarafw/xmodem.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Progress events of a FOAT download. */
typedef enum sarafw_foat_phase {
	SARAFW_FOAT_BAUD,      /* switching the line to cfg->baud (§5.1.1 "Additional rate") */
	SARAFW_FOAT_PREPARE,   /* AT+UFWUPD=3 sent, waiting for "+UFWUPD: ONGOING" */
	SARAFW_FOAT_TRANSFER,  /* XMODEM blocks going out; done/total valid */
	SARAFW_FOAT_FINISH,    /* waiting for the module to accept AT again */
	SARAFW_FOAT_STORED,    /* the module has the package (before any switch back) */
	SARAFW_FOAT_DONE,
	SARAFW_FOAT_CANCEL,    /* cancelling: CAN CAN sent or due, the module is being freed */
} sarafw_foat_phase;

typedef struct sarafw_foat_config {
	uint32_t size;               /* package bytes */
	sarafw_xmodem_read_fn read;  /* reads the package a piece at a time (xmodem.h) */
	void *ctx;                   /* for read */
	uint16_t block_size;         /* 128 (XMODEM) or 1024 (XMODEM-1k) */
	uint8_t *buf;                /* XMODEM pieces: >= SARAFW_XMODEM_BUF_MIN, e.g. 64 (xmodem.h) */
	size_t buf_size;
	uint32_t host_baud;          /* the rate the port runs at now */
	uint32_t baud;               /* 0, or the rate for the transfer (module first, then host) */
	/* Optional, called often; must not block. The engine's events:
	 * phases, TRANSFER progress, STORED, DONE; errors are its status. */
	void (*progress)(void *ctx, sarafw_foat_phase phase, uint32_t done, uint32_t total);
	void *progress_ctx;
	/* Optional, for the blocking call: polled between steps; true
	 * aborts as sarafw_foat_abort() does. */
	bool (*cancel)(void *ctx);
	void *cancel_ctx;
} sarafw_foat_config;

/* ---- The FOAT engine -----------------------------------------------------
 * Sans-I/O (see sarafw_engine in sarafw/dev.h): the whole flow of
 * sarafw_foat_xmodem() below as a state machine that never waits.
 * It uses dev's AT engine, URC handlers and download guard, never its
 * port; a baud rate switch (the rate engine, sarafw/rate.h) comes out as
 * a request (sarafw_foat_baud()) that the caller carries out and reports
 * (sarafw_foat_baud_done()).
 *
 * RAM for an update (Cortex-M4, `make size`): sarafw_dev 216 (its
 * output, dev->tx, holds the engine's command lines and CANs) + this
 * engine 132 + the AT line buffer 128 + cfg->buf (the XMODEM buffer,
 * at least SARAFW_XMODEM_BUF_MIN = 32, sarafw/xmodem.h) = 508 bytes. */
typedef struct sarafw_foat {
	sarafw_dev *dev;         /* its variant is the module's (sarafw_identify) */
	const sarafw_foat_config *cfg; /* the caller's, kept until the end */
	union {                  /* never two at once */
		sarafw_xmodem x;         /* the transfer */
		sarafw_prober probe;     /* the probes around it */
		sarafw_rate rate;        /* the rate switch and back */
	} u;
	sarafw_xmodem_stats stats; /* the transfer's, once it ended */
	uint32_t timer;          /* quiet waits and the cancel: the engine's own */
	uint32_t timer_end;
	uint32_t reported;       /* bytes reported with TRANSFER, UINT32_MAX before */
	int16_t status;
	int16_t rc;              /* the first error */
	uint8_t state;
	uint8_t back;            /* switching the rate back */
	uint8_t switched;        /* the rate was switched for the transfer */
	uint8_t aborted;
	uint8_t run;             /* XMODEM start characters seen (cancel) */
	uint8_t cancels;         /* CAN CAN sent so far (at most 2) */
	uint8_t seen_started;    /* traced so far (counters modulo 256) */
	uint8_t seen_naks, seen_timeouts, seen_resent;
} sarafw_foat;

/* Checks the config and starts; the engine's status says the result
 * (SARAFW_EINVAL / SARAFW_ENOTSUP at once for what sarafw_foat_xmodem
 * refuses). dev must have been identified. The engine keeps a pointer to
 * cfg: it must stay valid until the engine has finished. */
int sarafw_foat_start(sarafw_foat *f, sarafw_dev *dev, const sarafw_foat_config *cfg, uint32_t now);
size_t sarafw_foat_output(sarafw_foat *f, const uint8_t **out);
void sarafw_foat_sent(sarafw_foat *f, size_t n, uint32_t now);
size_t sarafw_foat_input(sarafw_foat *f, const uint8_t *in, size_t n, uint32_t now);
void sarafw_foat_tick(sarafw_foat *f, uint32_t now);
uint32_t sarafw_foat_wait_ms(const sarafw_foat *f, uint32_t now);
/* Non-zero: switch the host's line to this rate now (after writing the
 * output), then report with sarafw_foat_baud_done(). */
uint32_t sarafw_foat_baud(const sarafw_foat *f);
void sarafw_foat_baud_done(sarafw_foat *f, int rc, uint32_t now);
/* The port failed: the engine ends with err. */
void sarafw_foat_io_error(sarafw_foat *f, int err, uint32_t now);
/* The caller gives up (Ctrl-C, a shutdown). Before the module opened its
 * XMODEM window the engine waits for it (bounded by the preparation
 * time) and cancels it; inside the window it cancels with CAN CAN at
 * once; either way the module is free for AT afterwards and the status
 * becomes SARAFW_ECANCEL. During a baud switch back it finishes the
 * switch first. */
void sarafw_foat_abort(sarafw_foat *f);
/* SARAFW_RUNNING, or the result as sarafw_foat_xmodem returns it. */
int sarafw_foat_status(const sarafw_foat *f);
/* The XMODEM counters so far. */
const sarafw_xmodem_stats *sarafw_foat_stats(const sarafw_foat *f);
/* The engine for sarafw_dev_step(). */
extern const sarafw_engine sarafw_foat_engine;

/* Download a package into the module's FOTA area with AT+UFWUPD=3.
 * dev must have been identified (sarafw_identify). Switches the baud rate
 * first if asked (and back at the end, whatever happened), sets the
 * download guard (note §7) for the duration, starts the transfer inside
 * the module's 'C' window, then waits for the final result code (SARA-R422
 * family, §5.1.1) or until the module answers AT again (SARA-R410M/R412M,
 * §5.1.2: no indication that the transfer ended). Every wait is bounded by
 * the variant's timings.
 * A loop of sarafw_dev_step() over the FOAT engine; cfg->cancel, if set,
 * is polled between steps.
 * Returns SARAFW_OK; SARAFW_ENOTSUP (no FOAT, or baud above the variant's
 * maximum); SARAFW_EERROR (the module refused +UFWUPD, e.g. "+CME ERROR:
 * FOTA memory is in use": sarafw_dev_last_error); SARAFW_EPROTO (it
 * answered something else, e.g. OK without ONGOING: the command was not
 * understood); SARAFW_ETIMEOUT (no ONGOING in time: the module was sent
 * CAN CAN in case its window had opened, or no 'C'/NAK: the module will
 * answer ERROR1, note §5.1.1.3); SARAFW_ERETRY,
 * SARAFW_ECANCEL, SARAFW_EIO (transfer failed; the module keeps its old
 * firmware); SARAFW_EERROR1; SARAFW_EBAUD (the module did not answer at
 * cfg->baud, so nothing was sent, and it answers at host_baud again);
 * SARAFW_EBAUDBACK (it did not answer at host_baud after the switch back:
 * it may still run at cfg->baud; whether the package arrived is told by
 * the SARAFW_FOAT_STORED event). stats (may be NULL) gets the XMODEM
 * counters. */
int sarafw_foat_xmodem(sarafw_dev *dev, const sarafw_foat_config *cfg, sarafw_xmodem_stats *stats);

#ifdef __cplusplus
}
#endif
#endif

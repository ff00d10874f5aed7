/* libsarafw: firmware download over AT (FOAT) with +UFWUPD and XMODEM
 * (note §5, §5.1). */
#ifndef SARAFW_FOAT_H
#define SARAFW_FOAT_H

#include "sarafw/dev.h"
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
	/* Optional, called often; must not block. */
	void (*progress)(void *ctx, sarafw_foat_phase phase, uint32_t done, uint32_t total);
	void *progress_ctx;
} sarafw_foat_config;

/* Download a package into the module's FOTA area with AT+UFWUPD=3.
 * dev must have been identified (sarafw_identify). Switches the baud rate
 * first if asked (and back at the end, whatever happened), sets the
 * download guard (note §7) for the duration, starts the transfer inside
 * the module's 'C' window, then waits for the final result code (SARA-R422
 * family, §5.1.1) or until the module answers AT again (SARA-R410M/R412M,
 * §5.1.2: no indication that the transfer ended). Every wait is bounded by
 * the variant's timings.
 * Returns SARAFW_OK; SARAFW_ENOTSUP (no FOAT, or baud above the variant's
 * maximum); SARAFW_ECME/SARAFW_EERROR (the module refused +UFWUPD, e.g.
 * "FOTA memory is in use"); SARAFW_ETIMEOUT (no ONGOING, or no 'C'/NAK:
 * the module will answer ERROR1, note §5.1.1.3); SARAFW_ERETRY,
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

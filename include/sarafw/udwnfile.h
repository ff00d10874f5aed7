/* libsarafw: downloads with AT+UDWNFILE (note §5.2): a FOAT package
 * ("FOAT"), a carrier profile ("PROFILE") or a plain user file, and the
 * answers of the file commands a host reads back (+ULSTFILE, +URDFILE,
 * +URDBLOCK, +UMNOPROF=?). */
#ifndef SARAFW_UDWNFILE_H
#define SARAFW_UDWNFILE_H

#include "sarafw/dev.h"
#include "sarafw/foat.h"
#include "sarafw/probe.h"
#include "sarafw/rate.h"

#ifdef __cplusplus
extern "C" {
#endif

/* cfg->tag: the module's tags (case-sensitive, note §5.2). */
#define SARAFW_UDWN_TAG_FOAT "FOAT"
#define SARAFW_UDWN_TAG_PROFILE "PROFILE"

typedef struct sarafw_udwn_config {
	const char *name;            /* file name ("" allowed with "FOAT"); no '"' */
	const char *tag;             /* NULL (a user file), "FOAT" or "PROFILE" */
	uint32_t size;               /* bytes, >= 1 */
	sarafw_xmodem_read_fn read;  /* reads the data a piece at a time (xmodem.h) */
	void *ctx;                   /* for read */
	/* The command line is built here first, then the data goes out
	 * through it a piece at a time: at least SARAFW_XMODEM_BUF_MIN and
	 * room for 'AT+UDWNFILE="<name>",<size>,"PROFILE"' (37 + name). */
	uint8_t *buf;
	size_t buf_size;
	uint32_t host_baud;          /* the rate the port runs at now */
	uint32_t baud;               /* 0, or the rate for the transfer (module first, then host) */
	/* Optional, as sarafw_foat_config's: BAUD, PREPARE, TRANSFER
	 * (done/total), FINISH, STORED, DONE, CANCEL. */
	void (*progress)(void *ctx, sarafw_foat_phase phase, uint32_t done, uint32_t total);
	void *progress_ctx;
	bool (*cancel)(void *ctx);   /* optional, for the blocking call */
	void *cancel_ctx;
} sarafw_udwn_config;

/* ---- The +UDWNFILE engine --------------------------------------------------
 * Sans-I/O like the FOAT engine (sarafw_engine, sarafw/dev.h): the
 * command, the '>' prompt (bounded by the variant's udwnfile_prep_ms),
 * the data at link speed (no turnaround: output hands out what the port
 * should take next, sent says how much it took), then the final result
 * code, bounded by SARAFW_UDWNFILE_FINAL_MS from the last byte (plus the
 * line time of what the port may still hold, SARAFW_PORT_QUEUE_MAX). The
 * download guard is set for the duration (SARAFW_DL_UDWNFILE for "FOAT",
 * SARAFW_DL_FILE otherwise, note §7). With cfg->baud it switches the
 * rate first and back at the end, whatever happened, as the FOAT engine
 * does (the rate engine, sarafw/rate.h): the switch comes out as requests
 * (sarafw_udwn_baud) the caller carries out and reports
 * (sarafw_udwn_baud_done); sarafw_dev_step does both. */
typedef struct sarafw_udwn {
	sarafw_dev *dev;
	const sarafw_udwn_config *cfg;
	union {                  /* never both at once */
		sarafw_prober probe;     /* the AT after an abort */
		sarafw_rate rate;        /* the rate switch and back */
	} u;
	uint32_t offset;         /* data bytes read from the caller */
	uint32_t sent;           /* data bytes taken by the port */
	uint16_t buf_len;        /* bytes in cfg->buf (the command, or a piece) */
	uint16_t buf_pos;        /* of which taken by the port */
	uint16_t cmd_len;        /* the command line in cfg->buf, without "\r" */
	int16_t status;
	int16_t rc;
	uint8_t state;
	uint8_t aborted;
	uint8_t switched;        /* the rate was switched for the transfer */
	uint8_t back;            /* switching the rate back */
} sarafw_udwn;

/* Checks the config and starts (SARAFW_EINVAL, SARAFW_ENOTSUP: no FOAT
 * on the variant, or a rate it cannot switch to (sarafw_rate_check);
 * SARAFW_EBUSY: the guard). The engine keeps cfg until it has finished. */
int sarafw_udwn_start(sarafw_udwn *u, sarafw_dev *dev, const sarafw_udwn_config *cfg, uint32_t now);
size_t sarafw_udwn_output(sarafw_udwn *u, const uint8_t **out);
void sarafw_udwn_sent(sarafw_udwn *u, size_t n, uint32_t now);
size_t sarafw_udwn_input(sarafw_udwn *u, const uint8_t *in, size_t n, uint32_t now);
void sarafw_udwn_tick(sarafw_udwn *u, uint32_t now);
uint32_t sarafw_udwn_wait_ms(const sarafw_udwn *u, uint32_t now);
void sarafw_udwn_io_error(sarafw_udwn *u, int err, uint32_t now);
/* Non-zero: switch the host's line to this rate now, then report with
 * sarafw_udwn_baud_done(). */
uint32_t sarafw_udwn_baud(const sarafw_udwn *u);
void sarafw_udwn_baud_done(sarafw_udwn *u, int rc, uint32_t now);
/* The caller gives up. Once the module has shown '>' it waits for
 * exactly size bytes and cannot be told otherwise: the engine stops
 * sending, waits for the module's own error (bounded by
 * SARAFW_UDWNFILE_ABORT_MS), then confirms with AT that it answers; the
 * status becomes SARAFW_ECANCEL. Before the prompt it waits for it (or
 * the module's refusal) first, sending nothing after it. */
void sarafw_udwn_abort(sarafw_udwn *u);
/* SARAFW_RUNNING, or the result as sarafw_udwnfile returns it. */
int sarafw_udwn_status(const sarafw_udwn *u);
extern const sarafw_engine sarafw_udwn_engine;

/* The blocking call: a loop of sarafw_dev_step() over the engine.
 * Returns SARAFW_OK (the module answered OK: the data is stored);
 * SARAFW_EINVAL; SARAFW_ENOTSUP; SARAFW_EBUSY (download guard);
 * SARAFW_EERROR (the module refused the command or the data:
 * sarafw_dev_last_error); SARAFW_ETIMEOUT (no '>' or no final result in
 * time); SARAFW_EPROTO (an answer that makes no sense: OK before the
 * data, or before '>'); SARAFW_EIO (the port or cfg->read failed: the
 * module discards the partial data when it times out); SARAFW_ECANCEL;
 * SARAFW_EBAUD (the module did not answer at cfg->baud: nothing was sent
 * and it answers at host_baud again); SARAFW_EBAUDBACK (no answer at
 * host_baud after switching back: the STORED event tells whether the
 * data arrived). */
int sarafw_udwnfile(sarafw_dev *dev, const sarafw_udwn_config *cfg);

/* ---- Answers of the file commands (AT-FACTS.md "Files") ------------------
 * Line parsers, no I/O. */

/* AT+UMNOPROF=? (note §2.6.6): does this response line list profile id?
 * Both forms: "+UMNOPROF: (0,1,2,100,201)" (ranges "a-b" too) and the
 * versions' "<id>: <name>" lines. */
bool sarafw_umnoprof_lists(const char *line, uint32_t id);
/* AT+UMNOPROF=? in the versions form (note §2.6.6): a line
 * "<id>: <name>" (the first one after "+UMNOPROF: ") sets *id and *name
 * (pointing into line, spaces after the colon skipped) and returns true;
 * any other line (the list form too) returns false. */
bool sarafw_umnoprof_entry(const char *line, uint32_t *id, const char **name);
/* Asks AT+UMNOPROF=? and sets *present. Returns what sarafw_cmd does. */
int sarafw_profile_present(sarafw_dev *dev, uint32_t id, bool *present);

/* +ULSTFILE: "a","b",... (AT+ULSTFILE= or =0): the name number index
 * (from 0) of line, copied into out. Returns SARAFW_OK; SARAFW_ENOSPACE
 * (out too small: cut copy); SARAFW_EPROTO (no such name, or a bad line). */
int sarafw_ulstfile_name(const char *line, size_t index, char *out, size_t out_size);
/* +ULSTFILE: <size> (AT+ULSTFILE=2,"name"). SARAFW_OK or SARAFW_EPROTO. */
int sarafw_ulstfile_size(const char *line, uint32_t *size);

/* +URDFILE: "<name>",<size>,"<data>" and +URDBLOCK: the same: <data> is
 * exactly size raw bytes that may hold anything (quotes, CR LF), so the
 * answer cannot be read as a line. A byte parser: the header (after any
 * line ends, SARA-R4's bare "\n"), then size bytes handed to data, then
 * the closing quote; the final result code after it is the AT engine's. */
typedef struct sarafw_rdfile {
	void (*data)(void *ctx, uint32_t offset, const uint8_t *bytes, size_t n);
	void *ctx;
	char name[64];           /* the header's name (cut to fit) */
	uint32_t size;           /* the header's size */
	uint32_t got;            /* data bytes so far */
	uint8_t state;
	uint8_t len;             /* header bytes kept in name / digits */
} sarafw_rdfile;

#define SARAFW_RDFILE_URDFILE "+URDFILE: "
#define SARAFW_RDFILE_URDBLOCK "+URDBLOCK: "

void sarafw_rdfile_start(sarafw_rdfile *r, void (*data)(void *ctx, uint32_t offset, const uint8_t *bytes, size_t n),
			 void *ctx);
/* Feeds bytes; returns how many it used (fewer than n once it ended:
 * the rest, "\r\nOK\r\n", is for the AT engine). */
size_t sarafw_rdfile_input(sarafw_rdfile *r, const uint8_t *in, size_t n);
/* SARAFW_RUNNING, SARAFW_OK (the closing quote came) or SARAFW_EPROTO. */
int sarafw_rdfile_status(const sarafw_rdfile *r);

#ifdef __cplusplus
}
#endif
#endif

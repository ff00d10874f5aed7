/* libsarafw: the device, a thin blocking layer that runs the AT engine
 * and the step engines (probe, FOAT) through a port. One call per
 * command; every wait is bounded by the engine's own deadline; URCs that
 * arrive meanwhile go to their handlers.
 *
 * An application with its own main loop does not block at all: it starts
 * a step engine (sarafw/probe.h, sarafw/foat.h) and calls
 * sarafw_dev_step() with a wait of 0 whenever it likes, or drives the
 * engine's input/output/tick functions from its own I/O.
 *
 * Lifetime: dev, its config, the port and every buffer the config points
 * to belong to the caller and must stay valid while dev is in use.
 *
 * RAM: sarafw_dev holds no buffer that grows with the package or the
 * lines; its fixed buffers and their size rules:
 *   rx[SARAFW_DEV_RX]            bytes read from the port and not yet
 *                                parsed: any size >= 1 works, a larger
 *                                one costs fewer port reads (32);
 *   tx[SARAFW_DEV_TX]            what a step engine writes next: a
 *                                command line and "\r" or CANs (16);
 *   at.cmd[SARAFW_AT_CMD_MAX]    the pending command, for echo matching:
 *                                longer commands match by their start;
 *   last_error[SARAFW_DEV_ERROR_MAX]  the module's last failing final
 *                                line: "+CME ERROR: FOTA memory is in use"
 *                                (note §7) and the 27.007 texts fit in 48.
 * The caller's line buffer (cfg.line_buf) holds 2 x (longest line + 1)
 * bytes (see sarafw/at.h): 128 for sarafw's own commands. */
#ifndef SARAFW_DEV_H
#define SARAFW_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sarafw/at.h"
#include "sarafw/port.h"
#include "sarafw/variant.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Trace directions: host to module, module to host, and a note. */
#define SARAFW_TRACE_TX '>'
#define SARAFW_TRACE_RX '<'
#define SARAFW_TRACE_NOTE '#'

/* The engines' notes (SARAFW_TRACE_NOTE: what the probe and the FOAT flow
 * decided, XMODEM NAKs, timeouts and resent blocks) cost about 0.9 KB of
 * flash on a Cortex-M4. A program that sets no trace function can build
 * the library with -DSARAFW_TRACE_NOTES=0 to leave them out; the lines
 * sent and received are traced either way. */
#ifndef SARAFW_TRACE_NOTES
#define SARAFW_TRACE_NOTES 1
#endif

typedef struct sarafw_dev_config {
	const sarafw_port *port;
	char *line_buf;       /* AT line buffer: 2 x (longest line + 1); 128 for sarafw's own commands */
	size_t line_buf_size;
	const sarafw_urc *urcs; /* const URC table (prefix + handler), or NULL */
	size_t n_urcs;
	void *urc_ctx;          /* handed to every URC handler */
	/* Optional: sees every line sent and received and notes from the
	 * engines. Must not block. */
	void (*trace)(void *ctx, char dir, const char *data, size_t len);
	void *trace_ctx;
} sarafw_dev_config;

/* Active download method, for the download guard (note §7, Table 7). */
typedef enum sarafw_download {
	SARAFW_DL_NONE = 0,
	SARAFW_DL_LWM2M,    /* uFOTA download by the LwM2M client */
	SARAFW_DL_FTP,      /* AT+UFTPC=100 */
	SARAFW_DL_UFWUPD,   /* AT+UFWUPD=3 */
	SARAFW_DL_UDWNFILE, /* AT+UDWNFILE=...,"FOAT" */
	SARAFW_DL_HTTP,     /* AT+UHTTPC=<p>,100 */
	SARAFW_DL_FILE,     /* a plain AT+UDWNFILE (no tag): Table 7 row 4's last sentence */
} sarafw_download;

/* The longest command line sarafw_cmd() sends, without "\r": the file
 * commands with a 248-character name fit (sarafw/files.h). */
#ifndef SARAFW_CMD_MAX
#define SARAFW_CMD_MAX 300
#endif

#ifndef SARAFW_DEV_RX
#define SARAFW_DEV_RX 32
#endif
/* Bytes a step engine queues at once: a command line and "\r"
 * ("AT+IPR=3000000\r") or the CANs of an XMODEM cancel. */
#ifndef SARAFW_DEV_TX
#define SARAFW_DEV_TX 16
#endif
#ifndef SARAFW_DEV_ERROR_MAX
#define SARAFW_DEV_ERROR_MAX 48
#endif

/* Status of a step engine that has not finished (a positive value, not
 * an error; the same as SARAFW_XMODEM_RUNNING). */
#define SARAFW_RUNNING 1

typedef struct sarafw_dev {
	sarafw_dev_config cfg;
	sarafw_at at;
	const sarafw_variant *variant; /* set by sarafw_identify(), else NULL */
	uint32_t urc_count;  /* URCs ever handled */
	int16_t last_cme;    /* last +CME ERROR code, -1 if verbose or none */
	uint8_t rx_len;      /* bytes in rx */
	uint8_t rx_pos;      /* of which parsed */
	uint8_t guard;       /* sarafw_download: active download method */
	uint8_t installing;  /* the last record saved said installing */
	uint8_t flags;       /* SARAFW_DEV_* */
	uint8_t tx_len;      /* bytes in tx */
	uint8_t tx_pos;      /* of which written */
	uint8_t rx[SARAFW_DEV_RX];
	uint8_t tx[SARAFW_DEV_TX]; /* the step engines' output (sarafw_dev_queue) */
	char last_error[SARAFW_DEV_ERROR_MAX]; /* read with sarafw_dev_last_error() */
} sarafw_dev;

/* dev->flags: the last probe found the module waiting for an XMODEM
 * transfer ('C'/NAK, note §5.1.1) and cancelled it with CAN CAN. */
#define SARAFW_DEV_XMODEM_CANCELLED 0x01u

/* Returns SARAFW_OK or SARAFW_EINVAL. */
int sarafw_dev_init(sarafw_dev *dev, const sarafw_dev_config *cfg);

/* Send cmd followed by "\r" and wait at most timeout_ms for its final
 * result code. on_line (may be NULL) gets each information response;
 * resp_prefix (may be NULL) names the response prefix so a response that
 * looks like a URC is still handed to on_line.
 * Returns SARAFW_OK, SARAFW_EERROR (ERROR, +CME ERROR, +CMS ERROR: see
 * sarafw_dev_last_error), SARAFW_EERROR1, SARAFW_EPROTO (NO CARRIER,
 * ABORTED), SARAFW_ETIMEOUT,
 * SARAFW_EIO, SARAFW_EINVAL (command too long), or SARAFW_EBUSY when the
 * download guard refuses the command (note §7). */
int sarafw_cmd(sarafw_dev *dev, const char *cmd, const char *resp_prefix, uint32_t timeout_ms,
	       sarafw_line_fn on_line, void *ctx);

/* The two halves of sarafw_cmd, for commands that continue with a
 * prompt or raw data: send cmd (guard-checked) and declare it pending... */
int sarafw_dev_send(sarafw_dev *dev, const char *cmd, const char *resp_prefix, bool prompt,
		    uint32_t timeout_ms);
/* ...then wait for its final result code, or for the '>' prompt when
 * prompt was set (returns SARAFW_OK with the command still pending).
 * timeout_ms 0 keeps the deadline sarafw_dev_send set; another value
 * replaces it (counted from now). */
int sarafw_dev_result(sarafw_dev *dev, uint32_t timeout_ms, sarafw_line_fn on_line, void *ctx);

/* Wait for an information response starting with prefix while the
 * command stays pending (e.g. "+UFWUPD: ONGOING", note §5.1), copying it
 * into out (may be NULL). Returns SARAFW_OK when it came; the final result
 * code's error if the command ended first (SARAFW_EPROTO for OK);
 * SARAFW_ETIMEOUT; SARAFW_EIO. */
int sarafw_dev_until(sarafw_dev *dev, uint32_t timeout_ms, const char *prefix, char *out,
		     size_t out_size);

/* Like sarafw_cmd, copying the first information response that starts
 * with resp_prefix (prefix and ": " removed when resp_prefix is given) into
 * out. Returns SARAFW_EPROTO if no such line came, SARAFW_ENOSPACE if out
 * was too small (truncated copy kept). */
int sarafw_cmd_get(sarafw_dev *dev, const char *cmd, const char *resp_prefix, uint32_t timeout_ms,
		   char *out, size_t out_size);

/* Wait at most timeout_ms for lines from the module, dispatching URCs.
 * Returns the number of URCs handled, or a negative sarafw_error. If
 * stop_prefix is not NULL, returns as soon as a line (URC or not)
 * starting with it arrived, after its handler ran, and copies it into out
 * when out is not NULL. */
int sarafw_dev_wait(sarafw_dev *dev, uint32_t timeout_ms, const char *stop_prefix, char *out,
		    size_t out_size);

/* Raw access for protocol engines that take over the line (XMODEM, file
 * data). peek: the bytes read but not yet parsed, reading from the port
 * (waiting at most timeout_ms) only if there are none; returns their count
 * (0 on timeout) or SARAFW_EIO. consume: n of them are used up; bytes not
 * consumed stay for the AT engine. */
int sarafw_dev_peek(sarafw_dev *dev, const uint8_t **data, uint32_t timeout_ms);
void sarafw_dev_consume(sarafw_dev *dev, size_t n);
/* Writes raw bytes (no "\r", no guard check). Returns len or SARAFW_EIO. */
int sarafw_dev_write_raw(sarafw_dev *dev, const uint8_t *buf, size_t len);

/* Discard every byte the module sends for quiet_ms (bounded by max_ms). */
void sarafw_dev_drain(sarafw_dev *dev, uint32_t quiet_ms, uint32_t max_ms);

/* The module's last failing final result code (since the last command
 * was sent): the whole line ("+CME ERROR: FOTA memory is in use",
 * "ERROR", "" if the last command succeeded) and, when cme is not NULL,
 * the numeric +CME/+CMS code or -1 (verbose text or none). */
const char *sarafw_dev_last_error(const sarafw_dev *dev, int *cme);

/* ---- Step engines --------------------------------------------------------
 * A step engine (the probe, the FOAT flow) never touches the port or the
 * clock: bytes and the time go in, bytes to write come out. Its functions,
 * for the generic loop: */
typedef struct sarafw_engine {
	/* bytes to write now (0: none) and how many were written */
	size_t (*output)(void *e, const uint8_t **out);
	void (*sent)(void *e, size_t n, uint32_t now);
	/* bytes from the module; returns how many it used (>= 1 while running
	 * when n > 0). The rest, after it finished, belongs to the AT engine. */
	size_t (*input)(void *e, const uint8_t *in, size_t n, uint32_t now);
	/* time passes */
	void (*tick)(void *e, uint32_t now);
	/* ms until the engine's next deadline (0: act now) */
	uint32_t (*wait_ms)(const void *e, uint32_t now);
	/* SARAFW_RUNNING, SARAFW_OK or a negative sarafw_error */
	int (*status)(const void *e);
	/* optional: a rate the host must switch its line to now (0: none),
	 * after all output is written; the result goes to baud_done */
	uint32_t (*baud)(const void *e);
	void (*baud_done)(void *e, int rc, uint32_t now);
	/* the port failed (SARAFW_EIO): the engine ends */
	void (*io_error)(void *e, int err, uint32_t now);
} sarafw_engine;

/* One step of engine e through dev's port: writes its output, switches
 * the baud rate if it asks, reads what the module sent (waiting at most
 * max_wait_ms, and never past the engine's deadline) and ticks it.
 * Returns the engine's status: loop while it is SARAFW_RUNNING. With
 * max_wait_ms 0 it never waits (an application's main loop). */
int sarafw_dev_step(sarafw_dev *dev, const sarafw_engine *ops, void *e, uint32_t max_wait_ms);

/* The engines' view of the device (no I/O): parse bytes with the AT
 * engine, tracing every line and handing URCs to their handlers. Returns
 * the bytes consumed; *ev as sarafw_at_parse. */
size_t sarafw_dev_parse(sarafw_dev *dev, const uint8_t *data, size_t len, sarafw_at_event *ev);
/* The I/O-free half of sarafw_dev_send for engines that write the
 * command themselves (cmd, then "\r"): guard and length checks, trace,
 * and the AT engine told (deadline timeout_ms from now_ms). */
int sarafw_dev_begin(sarafw_dev *dev, const char *cmd, const char *resp_prefix, bool prompt,
		     uint32_t now_ms, uint32_t timeout_ms);
/* The step engines' own output (the bytes of the XMODEM transfer
 * aside): queue replaces what dev->tx holds with n bytes (at most
 * SARAFW_DEV_TX; n 0 empties it); command does what sarafw_dev_begin
 * does and queues cmd and "\r" (SARAFW_EINVAL if they do not fit);
 * output and sent are the engines' output and sent for those bytes. */
void sarafw_dev_queue(sarafw_dev *dev, const uint8_t *bytes, size_t n);
int sarafw_dev_command(sarafw_dev *dev, const char *cmd, const char *resp_prefix, uint32_t now_ms,
		       uint32_t timeout_ms);
size_t sarafw_dev_output(sarafw_dev *dev, const uint8_t **out);
void sarafw_dev_sent(sarafw_dev *dev, size_t n);
/* Record a failing final result (ev->type SARAFW_AT_EV_FINAL) for
 * sarafw_dev_last_error and return its sarafw_error (SARAFW_OK for OK). */
int sarafw_dev_final(sarafw_dev *dev, const sarafw_at_event *ev);
/* Trace a line or a note, if the config has a trace function. */
void sarafw_dev_trace(sarafw_dev *dev, char dir, const char *data, size_t len);

/* ---- Reset and the persisted state (sarafw/persist.h) ------------------- */
struct sarafw_persist;
/* Store rec through port->save_state (SARAFW_ENOTSUP without one) and
 * remember in dev whether it says installing. */
int sarafw_dev_save_state(sarafw_dev *dev, const struct sarafw_persist *rec);
/* Load the stored record. Returns SARAFW_OK; SARAFW_ENOTSUP (no
 * load_state); SARAFW_EINVAL (nothing stored, or truncated); what
 * sarafw_persist_decode returns for a bad record (rec is then IDLE). */
int sarafw_dev_load_state(sarafw_dev *dev, struct sarafw_persist *rec);
/* Pulse RESET_N through port->reset. Refuses with SARAFW_EINSTALL during
 * a uFOTA download (the guard or the record says so, note §2.7.3) and while
 * the module is installing, as the last record saved through dev or the
 * stored record says (note §2.6.4, §6): a reset then can leave it
 * unusable. SARAFW_ENOTSUP without port->reset. Afterwards the line's
 * state is forgotten (partial lines, pending command). */
int sarafw_dev_reset(sarafw_dev *dev);

/* Download guard (note §7, Table 7): while method is active, commands
 * the table forbids are refused locally with SARAFW_EBUSY on every
 * variant, since SARA-R422 modules would not refuse them. */
void sarafw_guard_set(sarafw_dev *dev, sarafw_download method);
/* SARAFW_OK if cmd may be sent while method is active, else SARAFW_EBUSY.
 * The rules are one const table in lib/guard.c; tests/table7.vectors
 * lists the cases. */
int sarafw_guard_check(sarafw_download method, const char *cmd);
/* Why cmd is refused: the Table 7 reference of the deciding row, or NULL
 * when it is allowed. */
const char *sarafw_guard_note(sarafw_download method, const char *cmd);
/* May the LwM2M client start a FOTA download while method is active? */
bool sarafw_guard_lwm2m_allowed(sarafw_download method);

#ifdef __cplusplus
}
#endif
#endif

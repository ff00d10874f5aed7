/* libsarafw: the device, a thin blocking layer that runs the AT engine
 * through a port. One call per command; every wait is bounded; URCs that
 * arrive meanwhile go to their handlers.
 *
 * Lifetime: dev, its config, the port and every buffer the config points
 * to belong to the caller and must stay valid while dev is in use. */
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

typedef struct sarafw_dev_config {
	const sarafw_port *port;
	char *line_buf;       /* AT line buffer: longest line + 1; 256 is enough for sarafw's own commands */
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

/* The longest command line sarafw_cmd() sends, without "\r". */
#ifndef SARAFW_CMD_MAX
#define SARAFW_CMD_MAX 256
#endif

typedef struct sarafw_dev {
	sarafw_dev_config cfg;
	sarafw_at at;
	uint8_t rx[128];   /* bytes read from the port, not yet parsed */
	size_t rx_len;
	size_t rx_pos;
	uint32_t rx_total;  /* bytes ever read: tells a silent line from a garbled one */
	uint32_t urc_count; /* URCs ever handled */
	const sarafw_variant *variant; /* set by sarafw_identify(), else NULL */
	int last_cme;          /* last +CME ERROR code, -1 if verbose or none */
	char last_error[64];   /* last final result line that was not OK */
	sarafw_download guard; /* active download method */
} sarafw_dev;

/* Called with every information response line of a command; line may be
 * modified (e.g. by sarafw_at_split). */
typedef void (*sarafw_line_fn)(void *ctx, char *line, size_t len);

/* Returns SARAFW_OK or SARAFW_EINVAL. */
int sarafw_dev_init(sarafw_dev *dev, const sarafw_dev_config *cfg);

/* Send cmd followed by "\r" and wait at most timeout_ms for its final
 * result code. on_line (may be NULL) gets each information response;
 * resp_prefix (may be NULL) names the response prefix so a response that
 * looks like a URC is still handed to on_line.
 * Returns SARAFW_OK, SARAFW_EERROR, SARAFW_ECME (dev->last_cme),
 * SARAFW_EERROR1, SARAFW_EPROTO (other final code), SARAFW_ETIMEOUT,
 * SARAFW_EIO, SARAFW_EINVAL (command too long), or SARAFW_EBUSY when the
 * download guard refuses the command (note §7). */
int sarafw_cmd(sarafw_dev *dev, const char *cmd, const char *resp_prefix, uint32_t timeout_ms,
	       sarafw_line_fn on_line, void *ctx);

/* The two halves of sarafw_cmd, for commands that continue with a
 * prompt or raw data: send cmd (guard-checked) and declare it pending... */
int sarafw_dev_send(sarafw_dev *dev, const char *cmd, const char *resp_prefix, bool prompt,
		    uint32_t timeout_ms);
/* ...then wait for its final result code, or for the '>' prompt when
 * prompt was set (returns SARAFW_OK with the command still pending). */
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

/* libsarafw: the AT engine, sans I/O.
 *
 * Bytes and time go in, events come out. The engine parses byte by byte
 * into a caller-supplied line buffer and classifies every complete line:
 * echo of the pending command, information response, URC, final result
 * code (OK, ERROR, ERROR1, +CME ERROR: <n|text>, +CMS ERROR, NO CARRIER,
 * ABORTED), and the '>' prompt (no line end follows it). URCs are
 * recognised at any moment, also between a command and its final result.
 *
 * Responses, URCs and stray lines come already split into their
 * parameters (argc/argv, see sarafw_at_split): a handler reads argv and
 * never needs to parse or modify the line.
 *
 * Lifetime: the engine and its buffer belong to the caller and must
 * outlive every event, whose line and argv pointers point into that
 * buffer and are valid until the next call of sarafw_at_parse().
 *
 * Buffer size rule: the line buffer holds a line and the split copy of
 * it, so it needs 2 x (longest line + 1) bytes. A line that fits once but
 * not twice still comes whole, with argc = SARAFW_ENOSPACE; a line longer
 * than the buffer is reported as SARAFW_AT_EV_OVERFLOW. sarafw's own
 * commands answer in lines of at most 63 characters: 128 bytes do.
 */
#ifndef SARAFW_AT_H
#define SARAFW_AT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The engine remembers the first SARAFW_AT_CMD_MAX - 1 characters of the
 * pending command for echo matching; a longer command's echo only has to
 * start with them. */
#ifndef SARAFW_AT_CMD_MAX
#define SARAFW_AT_CMD_MAX 32
#endif

/* Most parameters an event carries split; a line with more comes with
 * argc = SARAFW_ENOSPACE (sarafw's longest, +CEREG mode 3, has 8). */
#ifndef SARAFW_AT_ARGS_MAX
#define SARAFW_AT_ARGS_MAX 12
#endif

typedef enum sarafw_at_event_type {
	SARAFW_AT_EV_NONE = 0,
	SARAFW_AT_EV_ECHO,     /* the module echoed the pending command */
	SARAFW_AT_EV_RESPONSE, /* information response to the pending command */
	SARAFW_AT_EV_URC,      /* unsolicited result code (in the URC table) */
	SARAFW_AT_EV_STRAY,    /* a line nobody expected (no command pending, not a URC) */
	SARAFW_AT_EV_FINAL,    /* final result code; see event.final and event.code */
	SARAFW_AT_EV_PROMPT,   /* '>' while a prompt is expected */
	SARAFW_AT_EV_OVERFLOW, /* a line longer than the buffer was dropped */
	SARAFW_AT_EV_TIMEOUT,  /* the pending command's deadline passed */
} sarafw_at_event_type;

typedef enum sarafw_at_final {
	SARAFW_AT_FINAL_NONE = 0,
	SARAFW_AT_FINAL_OK,
	SARAFW_AT_FINAL_ERROR,
	SARAFW_AT_FINAL_ERROR1,     /* note §5.1.1.3 */
	SARAFW_AT_FINAL_CME,        /* +CME ERROR: code or text */
	SARAFW_AT_FINAL_CMS,        /* +CMS ERROR: code or text */
	SARAFW_AT_FINAL_NO_CARRIER,
	SARAFW_AT_FINAL_ABORTED,
} sarafw_at_final;

typedef struct sarafw_at_event {
	sarafw_at_event_type type;
	sarafw_at_final final; /* with SARAFW_AT_EV_FINAL */
	int code;              /* +CME/+CMS numeric code, -1 if verbose or none */
	const char *text;      /* +CME/+CMS verbose text (NUL-terminated), else NULL */
	const char *line;      /* the whole line, NUL-terminated, no CR/LF */
	size_t len;            /* strlen(line) */
	int urc;               /* with SARAFW_AT_EV_URC: index in the URC prefix table */
	/* With RESPONSE, URC and STRAY: the line's parameters, split as by
	 * sarafw_at_split ("+UFOTASTAT: 3, 1, 0" -> "3","1","0"; quotes
	 * removed, spaces after commas dropped, note B.1.2). argc is the
	 * count, or a negative sarafw_error when the line could not be split
	 * (SARAFW_EPROTO unterminated quote, SARAFW_ENOSPACE too many
	 * parameters or no room in the buffer); 0 for other events. */
	int argc;
	const char *argv[SARAFW_AT_ARGS_MAX];
} sarafw_at_event;

/* A handler of split lines: URC handlers and response callbacks. argc and
 * argv as in sarafw_at_event (check argc before reading argv); line is the
 * whole line. All valid only during the call. Must not block. */
typedef void (*sarafw_line_fn)(void *ctx, int argc, const char *const *argv, const char *line);

/* One entry of a const URC table: the line prefix (e.g. "+UFOTASTAT:")
 * and the handler the device layer calls with the line split into its
 * parameters. Handlers must not block. */
typedef struct sarafw_urc {
	const char *prefix;
	sarafw_line_fn fn;
} sarafw_urc;

typedef struct sarafw_at_config {
	char *buf;       /* line buffer: 2 x (longest line + 1), see above */
	size_t buf_size; /* at least 16 */
	const sarafw_urc *urcs; /* const table, caller-owned; may be NULL */
	size_t n_urcs;
} sarafw_at_config;

typedef struct sarafw_at {
	sarafw_at_config cfg;
	size_t len;          /* bytes in buf */
	bool overflow;       /* dropping the rest of a too-long line */
	bool pending;        /* a command awaits its final result code */
	bool expect_prompt;  /* the pending command expects '>' */
	bool has_deadline;
	uint32_t deadline;
	char cmd[SARAFW_AT_CMD_MAX]; /* pending command (for echo), truncated */
	const char *resp_prefix;     /* prefix of the expected information response, or NULL */
	bool skip_space;     /* just after a '>' prompt: drop one ' ' ("> ") */
} sarafw_at;

/* Set up an engine. Returns SARAFW_OK or SARAFW_EINVAL. */
int sarafw_at_init(sarafw_at *at, const sarafw_at_config *cfg);

/* Declare the command just sent (without "\r"). resp_prefix: the prefix of
 * its information response (e.g. "+CGMR:"), or NULL; a line that starts
 * with it is a RESPONSE even if it is also in the URC table. Lines that
 * are not URCs are RESPONSEs while the command is pending. The engine
 * keeps the resp_prefix pointer (a string literal, normally) until
 * sarafw_at_end(); cmd is copied. */
void sarafw_at_begin(sarafw_at *at, const char *cmd, const char *resp_prefix,
		     bool expect_prompt, uint32_t now_ms, uint32_t timeout_ms);

/* Replace the pending command's deadline: timeout_ms from now (0: none).
 * Each wait has exactly one deadline, this one; the layers above read it
 * with sarafw_at_wait_ms() instead of keeping their own. */
void sarafw_at_deadline(sarafw_at *at, uint32_t now_ms, uint32_t timeout_ms);

/* Milliseconds until the pending command's deadline: 0 if it has passed,
 * UINT32_MAX when no command with a deadline is pending. */
uint32_t sarafw_at_wait_ms(const sarafw_at *at, uint32_t now_ms);

/* Drop a partly received line and the pending command; the config stays. */
void sarafw_at_reset(sarafw_at *at);

/* Forget the pending command (after its final result, or to give up). */
void sarafw_at_end(sarafw_at *at);

/* Parse bytes until one event completes. Returns the number of bytes
 * consumed; if an event completed, *ev describes it (ev->type != NONE)
 * and the remaining bytes have not been looked at, so the caller can hand
 * them to another engine (e.g. XMODEM after "+UFWUPD: ONGOING"). */
size_t sarafw_at_parse(sarafw_at *at, const uint8_t *data, size_t len, sarafw_at_event *ev);

/* Check the pending command's deadline. Sets ev->type to
 * SARAFW_AT_EV_TIMEOUT (once) when it has passed, else NONE. */
void sarafw_at_tick(sarafw_at *at, uint32_t now_ms, sarafw_at_event *ev);

/* Split the parameters of a response or URC line in place.
 * "+UFOTASTAT: 3, 1, 0" -> argv {"3","1","0"}. The part before the first
 * ": " is skipped when the line starts with '+'. Quoted strings lose their
 * quotes and keep commas; spaces around parameters are trimmed. Returns
 * the count (at most max), or SARAFW_ENOSPACE if there were more, or
 * SARAFW_EPROTO for an unterminated quote. Modifies line. */
int sarafw_at_split(char *line, char **argv, int max);

/* Parse a decimal integer parameter (optional sign). Returns true on
 * success with *out set; false for empty, garbage or out of range. */
bool sarafw_at_int(const char *s, long *out);

#ifdef __cplusplus
}
#endif
#endif

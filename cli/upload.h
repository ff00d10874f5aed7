/* sarafw: a local file sent to the module with AT+UDWNFILE (note §5.2),
 * shared by `files put`, `profile` and `update`: the checks on the file,
 * the read callback, the progress display and Ctrl-C. `update` sends its
 * package with XMODEM too (note §5.1): it uses the file, the read
 * callback and the progress glue here for that as well. */
#ifndef SARAFW_CLI_UPLOAD_H
#define SARAFW_CLI_UPLOAD_H

#include "cli.h"
#include "progress.h"
#include "sarafw/foat.h"

typedef struct upload {
	int fd;
	uint32_t size;
	int read_errno;  /* the local file failed (0: it did not) */
	int sig;         /* the signal that stopped the transfer, or 0 */
	bool all_sent;   /* every byte went to the port (XMODEM: every block acknowledged) */
	bool stored;     /* the module confirmed the data */
	bool cancelled;  /* the transfer was being stopped (the CANCEL phase) */
	unsigned long baud; /* the transfer's rate, 0: the port's */
	bool in_data;    /* the data is going out (after '>') */
	int line_fd;     /* the serial port, for flushing unsent data on a stop */
	/* the progress lines for people (upload_open sets the file ones) */
	const char *prepare_text, *finish_text, *cancel_text;
	/* the progress callback upload_run gives the engine: upload_progress
	 * with u unless set (a caller's own calls upload_progress in turn) */
	void (*progress)(void *ctx, sarafw_foat_phase phase, uint32_t done, uint32_t total);
	void *progress_ctx;
	progress prog;
} upload;

/* Opens path, a regular file of 1 byte to 2 GiB: else one line naming
 * it with what ("file", "package") and ending in hint (what to give
 * instead). EXIT_OK, or EXIT_USAGE after the line. */
int upload_open(upload *u, const char *path, const char *what, const char *hint);
#define UPLOAD_HINT_SIZE "give a file of 1 byte to 2 GiB"
void upload_close(upload *u);

/* The last part of path: the name the file gets on the module by default. */
const char *upload_base_name(const char *path);

/* The read callback (sarafw_xmodem_read_fn) over u->fd, ctx = u: a
 * failure sets u->read_errno and returns SARAFW_EIO. */
int upload_read(void *ctx, uint32_t offset, uint8_t *buf, size_t len);

/* The progress callback, ctx = u: the display and u's flags (stored,
 * all_sent, cancelled). */
void upload_progress(void *ctx, sarafw_foat_phase phase, uint32_t done, uint32_t total);

/* AT+UDWNFILE="name",<size>[,"tag"] with u's bytes, at u->baud when it
 * is set (switched there and back, note §5.2): progress on stderr
 * (JSON events on stdout with --json); SIGINT/SIGTERM stop it the way
 * the module allows (sarafw_udwn_abort). Returns what sarafw_udwnfile
 * returns; u->sig says whether a signal stopped it. */
int upload_run(cli *c, upload *u, const char *name, const char *tag);

/* One line on stderr for a failed file command (doing: what sarafw was
 * doing, e.g. "reading f.bin") and the next step; u may be NULL, else
 * its state refines the message. */
void upload_explain(cli *c, const upload *u, int rc, const char *doing, const char *name);

#endif

/* sarafw: a local file sent to the module with AT+UDWNFILE (note §5.2),
 * shared by `files put` and `profile`: the checks on the file, the read
 * callback, the progress display and Ctrl-C. */
#ifndef SARAFW_CLI_UPLOAD_H
#define SARAFW_CLI_UPLOAD_H

#include <signal.h>

#include "cli.h"
#include "progress.h"

typedef struct upload {
	int fd;
	uint32_t size;
	int read_errno;  /* the local file failed (0: it did not) */
	int sig;         /* the signal that stopped the transfer, or 0 */
	bool all_sent;   /* every byte went to the port */
	bool stored;     /* the module confirmed the data */
	unsigned long baud; /* the transfer's rate, 0: the port's */
	bool in_data;    /* the data is going out (after '>') */
	int line_fd;     /* the serial port, for flushing unsent data on a stop */
	progress prog;
} upload;

/* Opens path, a regular file of 1 byte to 2 GiB (what names it in the
 * message: "file", "profile"). EXIT_OK, or EXIT_USAGE after one line. */
int upload_open(upload *u, const char *path, const char *what);
void upload_close(upload *u);

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

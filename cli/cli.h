/* sarafw: shared state of the command-line tool. */
#ifndef SARAFW_CLI_H
#define SARAFW_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "sarafw/dev.h"
#include "sarafw/probe.h"
#include "sarafw_posix.h"

/* Exit codes: each failure a script may want to tell apart has its own. */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,      /* the module refused or the job failed */
	EXIT_USAGE = 2,     /* bad command line */
	EXIT_NOPORT = 3,    /* no such port */
	EXIT_BUSY = 4,      /* another program holds the port */
	EXIT_NOANSWER = 5,  /* nothing answers AT */
	EXIT_BAUD = 6,      /* answers garbled: wrong baud rate */
	EXIT_PORTERR = 7,   /* port unusable: permission, not a tty, I/O error */
};

typedef struct cli {
	const char *port_path;
	unsigned long baud;
	bool json;
	bool baud_given;
	FILE *trace;
	sarafw_posix posix;
	sarafw_dev dev;
	sarafw_ident id;
	char line_buf[1024];
} cli;

/* Open the port, find the module and identify it. On failure prints one
 * line on stderr saying what to do and returns the exit code. */
int cli_connect(cli *c, const sarafw_urc *urcs, size_t n_urcs, void *urc_ctx);
void cli_disconnect(cli *c);

/* Trace writer for sarafw_dev_config.trace (ctx is the FILE). */
void cli_trace(void *ctx, char dir, const char *data, size_t len);

/* JSON helpers: a string value with escapes. */
void json_string(FILE *f, const char *s);

int cmd_info(cli *c, int argc, char **argv);
int cmd_update(cli *c, int argc, char **argv);

#endif

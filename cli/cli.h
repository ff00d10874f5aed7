/* sarafw: shared state of the command-line tool. */
#ifndef SARAFW_CLI_H
#define SARAFW_CLI_H

#include <getopt.h>
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
	const char *command; /* the command's name, for messages */
	const char *port_path;
	unsigned long baud;
	bool json;
	bool baud_given;
	int exit_code; /* when option parsing says stop (-1) */
	FILE *trace;
	sarafw_posix posix;
	sarafw_dev dev;
	sarafw_ident id;
	char line_buf[16384]; /* AT+ULSTFILE=0 lists every file in one line */
} cli;

/* The help text (main.c). */
void cli_usage(FILE *f);

/* main: the global options before the command (argv[optind] is then the
 * command, if any). Returns 0, or -1 when sarafw must exit with
 * c->exit_code (a usage error was printed, or --help or --version). */
int cli_global_options(cli *c, int argc, char **argv);

/* A command's options: argv starts at the command's name. Returns the
 * next of the command's own options (its .val, > 0; own may be NULL),
 * taking the global options wherever they appear (a command option of the
 * same name wins); 0 when they are done, with optind at the first other
 * argument (getopt moves them to the end) and SARAFW_PORT, SARAFW_BAUD and
 * SARAFW_TIME_SCALE applied; -1 when the command must return
 * c->exit_code (a one-line usage error was printed, or --help). An own
 * option's .val is below 0x4000; a letter is also its short form. */
int cli_getopt(cli *c, int argc, char **argv, const struct option *own);

/* Parse a rate for `what` (an option or variable name) into *baud: one a
 * SARA-R4 runs at. Returns EXIT_OK, or EXIT_USAGE after one line that
 * lists them. */
int cli_baud_arg(const char *what, const char *arg, unsigned long *baud);

/* Open the port, find the module and identify it. On failure prints one
 * line on stderr saying what to do and returns the exit code. */
int cli_connect(cli *c, const sarafw_urc *urcs, size_t n_urcs, void *urc_ctx);
void cli_disconnect(cli *c);
/* Open the port and set up c->dev without a word to the module (it may
 * be installing firmware and must not be probed into anything). */
int cli_open(cli *c);

/* Trace writer for sarafw_dev_config.trace (ctx is the FILE). */
void cli_trace(void *ctx, char dir, const char *data, size_t len);

int cmd_info(cli *c, int argc, char **argv);
int cmd_update(cli *c, int argc, char **argv);
int cmd_files(cli *c, int argc, char **argv);
int cmd_profile(cli *c, int argc, char **argv);
int cmd_pkg(cli *c, int argc, char **argv); /* never opens a port */
int cmd_install(cli *c, int argc, char **argv);
int cmd_ftp(cli *c, int argc, char **argv);
int cmd_http(cli *c, int argc, char **argv);

/* The update methods in bits (SARAFW_METHOD_*, note Table 1), for people:
 * " uFOTA (LwM2M), FTP, ..." (cmd_info.c). */
void cli_print_methods(FILE *f, unsigned bits);

/* Install what the module holds and verify it against expect (NULL: no
 * check), or wait again for an install a stopped sarafw left (its state
 * file, cmd_install.c). Connects and disconnects itself. Returns the
 * exit code after one line on what happened. */
int cli_install(cli *c, const char *expect);
/* The library's state record (sarafw/persist.h) goes to and comes from
 * the state file of this port (cmd_install.c). False when there is no
 * place for it (no HOME nor SARAFW_STATE_DIR): nothing is kept. */
bool cli_state_attach(cli *c);
/* The state file says the module installs: prints what to do, true. */
bool cli_install_pending(cli *c);

/* The name of MNO profile id (AT-FACTS: +UMNOPROF values), or NULL. */
const char *cli_mno_name(int id);

#endif

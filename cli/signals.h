/* sarafw: SIGINT/SIGTERM during a transfer: the first asks it to stop
 * (the caller polls stop_signal() and stops the way the module allows),
 * a second one while it stops takes the default action at once. */
#ifndef SARAFW_CLI_SIGNALS_H
#define SARAFW_CLI_SIGNALS_H

#include <signal.h>
#include <stdbool.h>

typedef struct stop_catch {
	struct sigaction old_int, old_term;
} stop_catch;

/* Catches SIGINT and SIGTERM (no SA_RESTART: a wait ends early) and
 * clears the stop request. */
void stop_catch_begin(stop_catch *s);
/* Puts the old handlers back; returns the signal that asked to stop, or 0. */
int stop_catch_end(stop_catch *s);
/* The signal that asked to stop, or 0. */
int stop_signal(void);
/* The same as a cancel callback (sarafw_udwn_config.cancel). */
bool stop_asked(void *ctx);

#endif

/* sarafw: progress display. */
#ifndef SARAFW_CLI_PROGRESS_H
#define SARAFW_CLI_PROGRESS_H

#include <stdbool.h>

typedef struct progress {
	bool json, tty, drawn;
	double start, last_draw;
	double full_at; /* when every byte had been acknowledged */
	int last_decile;
} progress;

void progress_init(progress *p, bool json);
/* A new step: "phase" names it for --json, text is for people. */
void progress_phase(progress *p, const char *phase, const char *text);
void progress_bytes(progress *p, unsigned long done, unsigned long total);
void progress_end(progress *p);
/* Seconds since the first progress_bytes(). */
double progress_elapsed(const progress *p);
/* Seconds from the first progress_bytes() until done reached total: the
 * data phase, without what follows it (e.g. XMODEM's EOT handshake). */
double progress_data_seconds(const progress *p);

#endif

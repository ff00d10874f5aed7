/* sarafw: progress display. */
#ifndef SARAFW_CLI_PROGRESS_H
#define SARAFW_CLI_PROGRESS_H

#include <stdbool.h>

typedef struct progress {
	bool json, tty, drawn;
	double start, last_draw;
	int last_decile;
} progress;

void progress_init(progress *p, bool json);
/* A new step: "phase" names it for --json, text is for people. */
void progress_phase(progress *p, const char *phase, const char *text);
void progress_bytes(progress *p, unsigned long done, unsigned long total);
void progress_end(progress *p);
/* Seconds since the first progress_bytes(). */
double progress_elapsed(const progress *p);

#endif

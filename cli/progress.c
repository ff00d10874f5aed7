/* Progress display: a bar on a terminal, plain lines otherwise, one JSON
 * object per line with --json. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_init(progress *p, bool json)
{
	p->json = json;
	p->tty = !json && isatty(STDERR_FILENO);
	p->start = 0;
	p->full_at = 0;
	p->last_draw = 0;
	p->last_decile = -1;
	p->drawn = false;
}

void progress_phase(progress *p, const char *phase, const char *text)
{
	if (p->drawn) {
		fputc('\n', stderr);
		p->drawn = false;
	}
	if (p->json) {
		printf("{\"event\":\"phase\",\"phase\":\"%s\"}\n", phase);
		fflush(stdout);
	} else {
		fprintf(stderr, "%s\n", text);
	}
}

void progress_bytes(progress *p, unsigned long done, unsigned long total)
{
	double t = seconds();
	if (p->start == 0)
		p->start = t;
	if (done == total && p->full_at == 0)
		p->full_at = t;
	double rate = t > p->start ? (double)done / (t - p->start) : 0.0;
	int pct = total ? (int)(100.0 * (double)done / (double)total) : 100;
	if (p->json) {
		if (t - p->last_draw < 0.2 && done != total)
			return;
		p->last_draw = t;
		printf("{\"event\":\"progress\",\"done\":%lu,\"total\":%lu,\"rate\":%.0f}\n", done, total, rate);
		fflush(stdout);
	} else if (p->tty) {
		if (t - p->last_draw < 0.1 && done != total)
			return;
		p->last_draw = t;
		char bar[31];
		int fill = pct * 30 / 100;
		for (int i = 0; i < 30; i++)
			bar[i] = i < fill ? '#' : '.';
		bar[30] = '\0';
		double left = rate > 0 ? (double)(total - done) / rate : 0;
		fprintf(stderr, "\r[%s] %3d%% %lu/%lu B %.1f kB/s %d:%02d left ", bar, pct, done, total,
			rate / 1000.0, (int)left / 60, (int)left % 60);
		p->drawn = true;
	} else if (pct / 10 != p->last_decile) {
		p->last_decile = pct / 10;
		fprintf(stderr, "%3d%% %lu/%lu bytes, %.1f kB/s\n", pct, done, total, rate / 1000.0);
	}
}

void progress_end(progress *p)
{
	if (p->drawn)
		fputc('\n', stderr);
	p->drawn = false;
}

double progress_elapsed(const progress *p)
{
	return p->start ? seconds() - p->start : 0.0;
}

double progress_data_seconds(const progress *p)
{
	return p->full_at ? p->full_at - p->start : progress_elapsed(p);
}

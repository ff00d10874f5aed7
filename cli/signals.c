/* SIGINT/SIGTERM during a transfer (signals.h). */
#include <string.h>

#include "signals.h"

static volatile sig_atomic_t stop_sig;

static void on_signal(int sig)
{
	/* a second one while the stop runs: the default action, at once */
	if (stop_sig) {
		struct sigaction dfl;
		memset(&dfl, 0, sizeof dfl);
		dfl.sa_handler = SIG_DFL;
		sigaction(sig, &dfl, NULL);
		raise(sig);
		return;
	}
	stop_sig = sig;
}

void stop_catch_begin(stop_catch *s)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal; /* no SA_RESTART: a wait ends early */
	sigemptyset(&sa.sa_mask);
	stop_sig = 0;
	sigaction(SIGINT, &sa, &s->old_int);
	sigaction(SIGTERM, &sa, &s->old_term);
}

int stop_catch_end(stop_catch *s)
{
	sigaction(SIGINT, &s->old_int, NULL);
	sigaction(SIGTERM, &s->old_term, NULL);
	return stop_sig;
}

int stop_signal(void)
{
	return stop_sig;
}

bool stop_asked(void *ctx)
{
	(void)ctx;
	return stop_sig != 0;
}

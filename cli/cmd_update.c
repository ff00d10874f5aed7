/* sarafw update: download a firmware package into the module (FOAT). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "progress.h"
#include "sarafw/error.h"
#include "sarafw/foat.h"
#include "sarafw/timeouts.h"

typedef struct {
	int fd;
	int read_errno;          /* the package file failed (0: it did not) */
	progress prog;
	sarafw_foat_phase phase; /* the last phase reported */
	bool stored;             /* the module confirmed the package */
	bool all_acked;          /* the module acknowledged every block */
	bool cancelled;          /* the XMODEM window was cancelled (CAN CAN) */
	cli *c;
	double prep_start;       /* when AT+UFWUPD=3 went out (monotonic seconds) */
	char last_rx[64];        /* the module's last line, for explanations */
} job;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* SIGINT/SIGTERM during the update: abort it cleanly (CAN CAN). */
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	/* A second one while the cancel runs: the default action, at once. */
	if (stop_signal) {
		struct sigaction dfl;
		memset(&dfl, 0, sizeof dfl);
		dfl.sa_handler = SIG_DFL;
		sigaction(sig, &dfl, NULL);
		raise(sig);
		return;
	}
	stop_signal = sig;
}

static int read_pkg(void *ctx, uint32_t offset, uint8_t *buf, size_t len)
{
	job *j = ctx;
	size_t done = 0;
	while (done < len) {
		ssize_t n = pread(j->fd, buf + done, len - done, (off_t)offset + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			j->read_errno = n < 0 ? errno : EIO;
			return SARAFW_EIO;
		}
		done += (size_t)n;
	}
	return (int)len;
}

/* Keeps the module's last line for the explanations, then the --trace. */
static void on_trace(void *ctx, char dir, const char *data, size_t len)
{
	job *j = ctx;
	if (dir == SARAFW_TRACE_RX && len) {
		size_t n = len < sizeof j->last_rx - 1 ? len : sizeof j->last_rx - 1;
		memcpy(j->last_rx, data, n);
		j->last_rx[n] = '\0';
	}
	if (j->c->trace)
		cli_trace(j->c->trace, dir, data, len);
}

static void on_progress(void *ctx, sarafw_foat_phase phase, uint32_t done, uint32_t total)
{
	job *j = ctx;
	if (phase == SARAFW_FOAT_STORED)
		j->stored = true;
	else if (phase != SARAFW_FOAT_TRANSFER && phase != SARAFW_FOAT_CANCEL)
		j->phase = phase; /* CANCEL: j->cancelled; the phase it cut stays */
	switch (phase) {
	case SARAFW_FOAT_BAUD:
		progress_phase(&j->prog, "baud", "switching the line speed for the transfer");
		break;
	case SARAFW_FOAT_PREPARE: {
		const sarafw_variant *v = j->c->id.variant;
		j->last_rx[0] = '\0';
		j->prep_start = now_s();
		progress_phase(&j->prog, "prepare",
			       v && v->family != SARAFW_FAMILY_R422
				       ? "starting AT+UFWUPD=3 (the module prepares for about 20 s without a word, note §5.1.2)"
				       : "starting AT+UFWUPD=3 (the module prepares for about 5 s, note §5.1.1)");
		break;
	}
	case SARAFW_FOAT_TRANSFER:
		if (total && done == total)
			j->all_acked = true;
		progress_bytes(&j->prog, done, total);
		break;
	case SARAFW_FOAT_FINISH:
		progress_end(&j->prog);
		progress_phase(&j->prog, "finish",
			       j->all_acked ? "every block acknowledged, waiting for the module to confirm"
					    : "transfer stopped, waiting for the module");
		break;
	case SARAFW_FOAT_CANCEL:
		j->cancelled = true;
		progress_end(&j->prog);
		progress_phase(&j->prog, "cancel", "cancelling the XMODEM transfer (CAN CAN) so the module is free");
		break;
	case SARAFW_FOAT_STORED:
	case SARAFW_FOAT_DONE:
		break;
	}
}

/* "ERROR" or "+CME ERROR: <n|text>" that says the command itself was not
 * understood (unknown, bad syntax), as line noise leaves it. */
static bool not_understood(const char *line, int cme)
{
	return strcmp(line, "ERROR") == 0 || cme == 100 || cme == 50 ||
	       strstr(line, "unknown") || strstr(line, "incorrect parameters");
}

/* One line that says what went wrong and what to do next. */
static void explain(cli *c, const job *j, int rc, unsigned long baud)
{
	const char *model = c->id.type_number;
	int cme;
	const char *err = sarafw_dev_last_error(&c->dev, &cme);
	const sarafw_variant *v = c->id.variant;
	if (!err[0])
		err = "ERROR";
	if (j->phase == SARAFW_FOAT_BAUD && rc == SARAFW_EERROR) {
		fprintf(stderr, "sarafw: the module refused AT+IPR=%lu (%s): retry without --baud\n", baud, err);
		return;
	}
	if (j->phase == SARAFW_FOAT_PREPARE && rc == SARAFW_ETIMEOUT) {
		double waited = now_s() - j->prep_start;
		double scale = 1;
		(void)sarafw_posix_time_scale(&scale); /* checked when the options were read */
		fprintf(stderr, "sarafw: expected +UFWUPD: ONGOING within %u s of AT+UFWUPD=3 (note %s), but %s%s%s came in %.1f s%s; CAN CAN was sent in case the window had opened: ",
			v ? (unsigned)(v->limits->foat_prep_ms / 1000) : 0u,
			v && v->family != SARAFW_FAMILY_R422 ? "§5.1.2: ~20 s" : "§5.1.1: ~5 s",
			j->last_rx[0] ? "only \"" : "nothing", j->last_rx, j->last_rx[0] ? "\"" : "", waited,
			scale != 1.0 ? " (host clock, sarafw's SARAFW_TIME_SCALE differs from 1)" : "");
		if (scale != 1.0)
			fprintf(stderr, "if the module is sarafw-sim, give it --time-scale %g as well, then retry\n", scale);
		else
			fprintf(stderr, "check that no other download is running (note §7) and that a simulator runs without --time-scale, then retry\n");
		return;
	}
	if (j->phase == SARAFW_FOAT_PREPARE && (rc == SARAFW_EERROR || rc == SARAFW_EPROTO)) {
		if (rc == SARAFW_EERROR && strstr(err, "FOTA memory is in use"))
			fprintf(stderr, "sarafw: the module refused AT+UFWUPD=3 (%s): another download is active (note §7); wait for it or cancel it, then retry\n", err);
		else if (rc == SARAFW_EPROTO || not_understood(err, cme))
			fprintf(stderr, "sarafw: the module did not understand AT+UFWUPD=3 (%s): line noise may have garbled it; nothing was sent, retry\n",
				rc == SARAFW_EPROTO ? "OK without +UFWUPD: ONGOING" : err);
		else
			fprintf(stderr, "sarafw: the module refused AT+UFWUPD=3 (%s); nothing was sent: check `sarafw --port %s info`, then retry\n",
				err, c->port_path);
		return;
	}
	/* Every block was acknowledged: the package is most likely stored,
	 * only the module's confirmation is missing. */
	if (j->all_acked && !j->stored &&
	    (rc == SARAFW_EIO || rc == SARAFW_ETIMEOUT || rc == SARAFW_ENOMODULE || rc == SARAFW_EGARBLED)) {
		fprintf(stderr, "sarafw: every block was acknowledged but the module's confirmation did not arrive (%s): the package was probably stored; check with `sarafw --port %s info`\n",
			rc == SARAFW_EIO ? "the serial port failed" : "no answer", c->port_path);
		return;
	}
	switch (rc) {
	case SARAFW_ENOMODULE:
	case SARAFW_EGARBLED:
		fprintf(stderr, "sarafw: the transfer ended but the module did not answer AT again in time; its firmware is unchanged: wait a minute, check it with `sarafw --port %s info`, then retry the update\n",
			c->port_path);
		break;
	case SARAFW_EBAUD:
		fprintf(stderr, "sarafw: no answer at %lu baud (this adapter may not support it); the module is back at %lu and nothing was sent: retry with a lower --baud or none\n",
			baud, c->baud);
		break;
	case SARAFW_EBAUDBACK:
		fprintf(stderr, "sarafw: %s, but the module did not answer at %lu baud after switching back: it may still run at %lu; `sarafw --port %s info` finds its rate (or power-cycle it)\n",
			j->stored ? "the package was downloaded" : "the package was not downloaded", c->baud, baud,
			c->port_path);
		break;
	case SARAFW_ENOTSUP:
		if (v && !(v->methods & SARAFW_METHOD_FOAT))
			fprintf(stderr, "sarafw: %s does not support FOAT (note Table 1)\n", model);
		else
			fprintf(stderr, "sarafw: %s cannot transfer at %lu baud: use --baud %lu or less (note §5.1.1)\n",
				model, baud, v ? (unsigned long)v->limits->max_baud : 115200ul);
		break;
	case SARAFW_EERROR:
		fprintf(stderr, "sarafw: the module ended the transfer with %s; its firmware is unchanged: retry the update\n", err);
		break;
	case SARAFW_EERROR1:
	case SARAFW_ETIMEOUT:
		fprintf(stderr, "sarafw: the module did not complete the XMODEM exchange in time (ERROR1, note §5.1.1.3); its firmware is unchanged: retry the update\n");
		break;
	case SARAFW_ERETRY:
		fprintf(stderr, "sarafw: too many errors on the line; the firmware is unchanged: check the cable or retry at a lower --baud\n");
		break;
	case SARAFW_ECANCEL:
		fprintf(stderr, "sarafw: the module cancelled the transfer; the firmware is unchanged: retry the update\n");
		break;
	case SARAFW_EIO:
		if (j->read_errno)
			fprintf(stderr, "sarafw: reading the package failed (%s); the transfer was cancelled and the firmware is unchanged: check the file, then retry\n",
				strerror(j->read_errno));
		else
			fprintf(stderr, "sarafw: the serial port %s failed (unplugged?) during the update; the firmware is unchanged: reconnect it, check with `sarafw --port %s info`, then retry\n",
				c->port_path, c->port_path);
		break;
	default:
		fprintf(stderr, "sarafw: update failed: %s\n", sarafw_strerror(rc));
		break;
	}
}

/* Runs the FOAT engine; SIGINT/SIGTERM abort it (CAN CAN, module freed).
 * Returns its result; *sig is the signal that stopped it, or 0. */
static int run_foat(cli *c, const sarafw_foat_config *fc, sarafw_xmodem_stats *stats, int *sig)
{
	struct sigaction sa, old_int, old_term;
	sarafw_foat f;
	const sarafw_port *p = c->dev.cfg.port;
	int rc;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal; /* no SA_RESTART: a wait ends early */
	sigemptyset(&sa.sa_mask);
	stop_signal = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	rc = sarafw_foat_start(&f, &c->dev, fc, p->now_ms(p->ctx));
	while (rc == SARAFW_OK || rc == SARAFW_RUNNING) {
		if (stop_signal)
			sarafw_foat_abort(&f);
		rc = sarafw_dev_step(&c->dev, &sarafw_foat_engine, &f, SARAFW_POLL_MS);
		if (rc != SARAFW_RUNNING)
			break;
	}
	*stats = *sarafw_foat_stats(&f);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	*sig = stop_signal;
	return rc;
}

int cmd_update(cli *c, int argc, char **argv)
{
	enum { OPT_NOINSTALL = 256 };
	static const struct option opts[] = {
		{ "method", required_argument, NULL, 'm' }, { "baud", required_argument, NULL, 'b' },
		{ "no-install", no_argument, NULL, OPT_NOINSTALL }, { NULL, 0, NULL, 0 },
	};
	const char *method = "xmodem1k";
	unsigned long baud = 0;
	bool no_install = false;
	int opt;
	while ((opt = cli_getopt(c, argc, argv, opts)) != 0) {
		switch (opt) {
		case 'm':
			method = optarg;
			break;
		case 'b':
			if (cli_baud_arg("--baud", optarg, &baud))
				return EXIT_USAGE;
			break;
		case OPT_NOINSTALL:
			no_install = true;
			break;
		default: /* a usage error was printed, or --help */
			return c->exit_code;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "sarafw: update needs exactly one package file\n");
		return EXIT_USAGE;
	}
	uint16_t block;
	if (strcmp(method, "xmodem") == 0)
		block = 128;
	else if (strcmp(method, "xmodem1k") == 0)
		block = 1024;
	else {
		fprintf(stderr, "sarafw: unknown --method %s: use xmodem or xmodem1k\n", method);
		return EXIT_USAGE;
	}

	const char *path = argv[optind];
	job j = { .fd = -1, .phase = SARAFW_FOAT_DONE }; /* DONE: no phase yet */
	struct stat st;
	j.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (j.fd < 0 || fstat(j.fd, &st) < 0) {
		fprintf(stderr, "sarafw: cannot read package %s: %s\n", path, strerror(errno));
		if (j.fd >= 0)
			close(j.fd);
		return EXIT_USAGE;
	}
	if (!S_ISREG(st.st_mode)) {
		fprintf(stderr, "sarafw: package %s is %s: give the package file u-blox supplied\n", path,
			S_ISDIR(st.st_mode) ? "a directory" : "not a regular file");
		close(j.fd);
		return EXIT_USAGE;
	}
	if (st.st_size == 0 || st.st_size > 0x7fffffff) {
		fprintf(stderr, "sarafw: package %s is %s: give the package file u-blox supplied\n", path,
			st.st_size ? "too large" : "empty");
		close(j.fd);
		return EXIT_USAGE;
	}

	int rc = cli_connect(c, NULL, 0, NULL);
	if (rc) {
		close(j.fd);
		return rc;
	}
	static uint8_t buf[SARAFW_XMODEM_BUF_1K]; /* a whole block: one read and one write each */
	sarafw_foat_config fc = {
		.size = (uint32_t)st.st_size,
		.read = read_pkg,
		.ctx = &j,
		.block_size = block,
		.buf = buf,
		.buf_size = sizeof buf,
		.host_baud = (uint32_t)c->baud,
		.baud = (uint32_t)baud,
		.progress = on_progress,
		.progress_ctx = &j,
	};
	sarafw_xmodem_stats stats;
	int sig;
	j.c = c;
	c->dev.cfg.trace = on_trace;
	c->dev.cfg.trace_ctx = &j;
	progress_init(&j.prog, c->json);
	if (!c->json)
		fprintf(stderr, "%s %s,%s: sending %s (%ld bytes) with %s\n", c->id.type_number,
			c->id.modem_version, c->id.app_version, path, (long)st.st_size, method);
	rc = run_foat(c, &fc, &stats, &sig);
	progress_end(&j.prog);
	double secs = progress_elapsed(&j.prog);
	double data_secs = progress_data_seconds(&j.prog);
	close(j.fd);
	cli_disconnect(c);
	if (sig && rc) {
		if (c->json)
			printf("{\"event\":\"error\",\"code\":%d,\"message\":\"interrupted\"}\n", rc);
		fprintf(stderr, "sarafw: interrupted by %s; %s; the firmware is unchanged\n",
			sig == SIGINT ? "Ctrl-C" : "SIGTERM",
			j.cancelled ? "the XMODEM transfer was cancelled (CAN CAN) and the module answers AT again"
						      : "nothing was sent to the module");
		return 128 + sig;
	}
	if (rc) {
		if (c->json)
			printf("{\"event\":\"error\",\"code\":%d,\"message\":\"%s\"}\n", rc, sarafw_strerror(rc));
		explain(c, &j, rc, baud);
		return EXIT_FAIL;
	}
	if (c->json) {
		printf("{\"event\":\"downloaded\",\"bytes\":%ld,\"seconds\":%.3f,\"data_seconds\":%.3f,"
		       "\"retransmissions\":%u,\"installed\":false}\n",
		       (long)st.st_size, secs, data_secs, stats.retransmissions);
	} else {
		printf("downloaded %ld bytes in %.1f s (%u retransmissions)\n", (long)st.st_size, secs,
		       stats.retransmissions);
		if (!no_install)
			printf("not installed: sarafw does not run AT+UFWINSTALL yet (note §6); the module keeps %s,%s until it is installed\n",
			       c->id.modem_version, c->id.app_version);
	}
	return EXIT_OK;
}

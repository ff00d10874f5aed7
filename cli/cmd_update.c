/* sarafw update: download a firmware package into the module (FOAT), by
 * the fastest safe path the plan finds: +UDWNFILE (note §5.2) or XMODEM
 * with +UFWUPD (note §5.1), at the highest rate the port carries. */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "escape.h"
#include "plan.h"
#include "port_kind.h"
#include "progress.h"
#include "sarafw/error.h"
#include "sarafw/foat.h"
#include "sarafw/timeouts.h"
#include "sarafw/udwnfile.h"
#include "signals.h"
#include "upload.h"

typedef struct {
	upload pkg;              /* the package file, its progress and what the module confirmed */
	sarafw_foat_phase phase; /* the last phase reported */
	bool udwn;               /* +UDWNFILE, not +UFWUPD */
	cli *c;
	double prep_start;       /* when the download command went out (monotonic seconds) */
	char last_rx[64];        /* the module's last line, for explanations */
	char last_err[64];       /* its last error line: a rate switched back since clears the library's */
} job;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Keeps the module's last line for the explanations, then the --trace. */
static void on_trace(void *ctx, char dir, const char *data, size_t len)
{
	job *j = ctx;
	if (dir == SARAFW_TRACE_RX && len) {
		size_t n = len < sizeof j->last_rx - 1 ? len : sizeof j->last_rx - 1;
		memcpy(j->last_rx, data, n);
		j->last_rx[n] = '\0';
		if (strcmp(j->last_rx, "ERROR") == 0 || strncmp(j->last_rx, "+CME ERROR:", 11) == 0)
			memcpy(j->last_err, j->last_rx, n + 1);
	}
	if (j->c->trace)
		cli_trace(j->c->trace, dir, data, len);
}

/* Keeps what the explanations need, then the display (upload.h). */
static void on_progress(void *ctx, sarafw_foat_phase phase, uint32_t done, uint32_t total)
{
	job *j = ctx;
	if (phase != SARAFW_FOAT_STORED && phase != SARAFW_FOAT_TRANSFER && phase != SARAFW_FOAT_CANCEL)
		j->phase = phase; /* CANCEL: pkg.cancelled; the phase it cut stays */
	if (phase == SARAFW_FOAT_PREPARE) {
		j->last_rx[0] = '\0';
		j->prep_start = now_s();
	}
	if (phase == SARAFW_FOAT_FINISH && !j->udwn)
		j->pkg.finish_text = j->pkg.all_sent ? "every block acknowledged, waiting for the module to confirm"
						     : "transfer stopped, waiting for the module";
	upload_progress(&j->pkg, phase, done, total);
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
	const char *cmd = j->udwn ? "AT+UDWNFILE" : "AT+UFWUPD=3";
	if (!err[0])
		err = j->last_err[0] ? j->last_err : "ERROR";
	if (j->phase == SARAFW_FOAT_BAUD && (rc == SARAFW_EERROR || rc == SARAFW_EPROTO)) {
		fprintf(stderr, "sarafw: the module refused AT+IPR=%lu (%s): retry without --baud\n", baud, err);
		return;
	}
	if (j->phase == SARAFW_FOAT_BAUD && rc == SARAFW_ETIMEOUT) {
		fprintf(stderr, "sarafw: the module did not answer AT+IPR=%lu; it still answers at %lu and nothing was sent: retry, or without --baud\n",
			baud, c->baud);
		return;
	}
	if (j->phase == SARAFW_FOAT_PREPARE && rc == SARAFW_ETIMEOUT) {
		double waited = now_s() - j->prep_start;
		double scale = 1;
		(void)sarafw_posix_time_scale(&scale); /* checked when the options were read */
		if (j->udwn)
			fprintf(stderr, "sarafw: expected the '>' prompt within %u s of AT+UDWNFILE (note §5.2: ~5 s), but %s%s%s came in %.1f s%s; nothing was sent after it: ",
				v ? (unsigned)(v->limits->udwnfile_prep_ms / 1000) : 0u,
				j->last_rx[0] ? "only \"" : "nothing", j->last_rx, j->last_rx[0] ? "\"" : "", waited,
				scale != 1.0 ? " (host clock, sarafw's SARAFW_TIME_SCALE differs from 1)" : "");
		else
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
			fprintf(stderr, "sarafw: the module refused %s (%s): another download is active (note §7); wait for it or cancel it, then retry\n",
				cmd, err);
		else if (rc == SARAFW_EERROR && strstr(err, "memory full"))
			fprintf(stderr, "sarafw: the module refused %s (%s): the package does not fit its FOTA area; check that this is the right package\n",
				cmd, err);
		else if (rc == SARAFW_EPROTO || not_understood(err, cme))
			fprintf(stderr, "sarafw: the module did not understand %s (%s): line noise may have garbled it; nothing was sent, retry\n",
				cmd, rc == SARAFW_EPROTO ? (j->udwn ? "OK without the '>' prompt" : "OK without +UFWUPD: ONGOING") : err);
		else
			fprintf(stderr, "sarafw: the module refused %s (%s); nothing was sent: check `sarafw --port %s info`, then retry\n",
				cmd, err, c->port_path);
		return;
	}
	/* Every block was acknowledged (every byte sent): the package is
	 * most likely stored, only the module's confirmation is missing. */
	if (j->pkg.all_sent && !j->pkg.stored &&
	    (rc == SARAFW_EIO || rc == SARAFW_ETIMEOUT || rc == SARAFW_ENOMODULE || rc == SARAFW_EGARBLED)) {
		fprintf(stderr, "sarafw: every %s but the module's confirmation did not arrive (%s): the package was probably stored; check with `sarafw --port %s info`\n",
			j->udwn ? "byte was sent" : "block was acknowledged",
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
			j->pkg.stored ? "the package was downloaded" : "the package was not downloaded", c->baud, baud,
			c->port_path);
		break;
	case SARAFW_ENOTSUP:
		if (v && !(v->methods & SARAFW_METHOD_FOAT))
			fprintf(stderr, "sarafw: %s does not support FOAT (note Table 1)\n", model);
		else
			fprintf(stderr, "sarafw: %s cannot transfer at %lu baud: use --baud %lu or less (note §5.1.1)\n",
				model, baud, v ? (unsigned long)v->limits->max_baud : 115200ul);
		break;
	case SARAFW_EPROTO:
		fprintf(stderr, "sarafw: the module answered OK before it had all %s; it cannot have stored the package: retry the update\n",
			j->udwn ? "the bytes" : "the blocks");
		break;
	case SARAFW_EERROR:
		fprintf(stderr, "sarafw: the module ended the transfer with %s; its firmware is unchanged: retry the update\n", err);
		break;
	case SARAFW_EERROR1:
	case SARAFW_ETIMEOUT:
		if (j->udwn)
			fprintf(stderr, "sarafw: the module did not answer the +UDWNFILE transfer in time; its firmware is unchanged: check with `sarafw --port %s info`, then retry the update\n",
				c->port_path);
		else
			fprintf(stderr, "sarafw: the module did not complete the XMODEM exchange in time (ERROR1, note §5.1.1.3); its firmware is unchanged: retry the update\n");
		break;
	case SARAFW_ERETRY:
		fprintf(stderr, "sarafw: too many errors on the line; the firmware is unchanged: check the cable or retry at a lower --baud\n");
		break;
	case SARAFW_ECANCEL:
		fprintf(stderr, "sarafw: the module cancelled the transfer; the firmware is unchanged: retry the update\n");
		break;
	case SARAFW_EIO:
		if (j->pkg.read_errno)
			fprintf(stderr, "sarafw: reading the package failed (%s); the transfer was %s and the firmware is unchanged: check the file, then retry\n",
				strerror(j->pkg.read_errno), j->udwn ? "stopped" : "cancelled");
		else
			fprintf(stderr, "sarafw: the serial port %s failed (unplugged?) during the update; the firmware is unchanged: reconnect it, check with `sarafw --port %s info`, then retry\n",
				c->port_path, c->port_path);
		break;
	default:
		fprintf(stderr, "sarafw: update failed: %s\n", sarafw_strerror(rc));
		break;
	}
}

/* One download with the planned method at baud (0: the current rate);
 * SIGINT/SIGTERM stop it the way the module allows (the module is freed
 * first). Returns its result; *sig is the signal that stopped it, or 0. */
static int download(cli *c, job *j, plan_method m, unsigned long baud, sarafw_xmodem_stats *stats, int *sig)
{
	static uint8_t buf[SARAFW_XMODEM_BUF_1K]; /* a whole block: one read and one write each */
	const sarafw_variant *v = c->id.variant;
	int rc;

	memset(stats, 0, sizeof *stats);
	j->udwn = m == PLAN_UDWNFILE;
	j->pkg.baud = baud;
	j->pkg.progress = on_progress;
	j->pkg.progress_ctx = j;
	if (j->udwn) {
		j->pkg.prepare_text = "starting AT+UDWNFILE (the module prepares for about 5 s, note §5.2)";
		j->pkg.finish_text = "every byte sent, waiting for the module to store the package";
		j->pkg.cancel_text = "stopping: the module waits for the promised bytes, gives up by itself, then answers AT";
		/* note §5.2: the name may be empty with "FOAT" (AT+UDWNFILE=,12300,"FOAT") */
		rc = upload_run(c, &j->pkg, "", SARAFW_UDWN_TAG_FOAT);
		*sig = j->pkg.sig;
		return rc;
	}
	j->pkg.prepare_text = v && v->family != SARAFW_FAMILY_R422
				      ? "starting AT+UFWUPD=3 (the module prepares for about 20 s without a word, note §5.1.2)"
				      : "starting AT+UFWUPD=3 (the module prepares for about 5 s, note §5.1.1)";
	j->pkg.cancel_text = "cancelling the XMODEM transfer (CAN CAN) so the module is free";
	sarafw_foat_config fc = {
		.size = j->pkg.size,
		.read = upload_read,
		.ctx = &j->pkg,
		.block_size = m == PLAN_XMODEM ? 128 : 1024,
		.buf = buf,
		.buf_size = sizeof buf,
		.host_baud = (uint32_t)c->baud,
		.baud = (uint32_t)baud,
		.progress = on_progress,
		.progress_ctx = j,
		.cancel = stop_asked,
	};
	stop_catch sc;
	stop_catch_begin(&sc);
	rc = sarafw_foat_xmodem(&c->dev, &fc, stats);
	*sig = stop_catch_end(&sc);
	return rc;
}

/* "about 4.2 s", "about 92 s", "about 9 min 12 s" */
static const char *about(double s, char *out, size_t cap)
{
	if (s < 10)
		snprintf(out, cap, "about %.1f s", s);
	else if (s < 120)
		snprintf(out, cap, "about %.0f s", s);
	else
		snprintf(out, cap, "about %d min %02d s", (int)(s + 0.5) / 60, (int)(s + 0.5) % 60);
	return out;
}

static const char *kind_name(port_kind k)
{
	switch (k) {
	case PORT_PTY:
		return "pty";
	case PORT_MODULE_USB:
		return "module_usb";
	case PORT_ADAPTER:
		return "adapter";
	default:
		return "unknown";
	}
}

/* The plan: one line on stderr (and a hint when the port's top rate is
 * unknown), and a JSON event with --json. */
static void print_plan(const cli *c, const plan *pl, const port_info *pi)
{
	char t1[32], t2[32], t3[32];
	if (pi->kind == PORT_MODULE_USB)
		fprintf(stderr, "plan: %s over %s, no rate switch: %s\n", plan_method_text(pl->method), pi->desc,
			about(pl->seconds, t1, sizeof t1));
	else
		fprintf(stderr, "plan: %s at %lu b/s (%s): %s (%s at %lu: %s)\n", plan_method_text(pl->method),
			(unsigned long)pl->baud, pi->desc, about(pl->seconds, t1, sizeof t1),
			plan_method_text(pl->alt_method), (unsigned long)pl->alt_baud,
			about(pl->alt_seconds, t2, sizeof t2));
	if (pl->hint_baud)
		fprintf(stderr, "hint: the top rate of %s is unknown, so the transfer stays at %lu b/s; if it carries %lu, --baud %lu would save %s\n",
			pi->desc, (unsigned long)pl->baud, (unsigned long)pl->hint_baud, (unsigned long)pl->hint_baud,
			about(pl->hint_saves, t3, sizeof t3));
	if (!c->json)
		return;
	printf("{\"event\":\"plan\",\"method\":\"%s\",\"baud\":%lu,\"seconds\":%.3f,\"port\":\"%s\",\"port_desc\":",
	       plan_method_name(pl->method), (unsigned long)pl->baud, pl->seconds, kind_name(pi->kind));
	esc_json_string(stdout, pi->desc);
	if (pi->max_baud)
		printf(",\"port_max_baud\":%lu", (unsigned long)pi->max_baud);
	printf(",\"slower\":{\"method\":\"%s\",\"baud\":%lu,\"seconds\":%.3f}", plan_method_name(pl->alt_method),
	       (unsigned long)pl->alt_baud, pl->alt_seconds);
	if (pl->hint_baud)
		printf(",\"hint_baud\":%lu,\"hint_saves\":%.3f", (unsigned long)pl->hint_baud, pl->hint_saves);
	printf("}\n");
	fflush(stdout);
}

int cmd_update(cli *c, int argc, char **argv)
{
	enum { OPT_NOINSTALL = 256, OPT_MAXBAUD, OPT_DRYRUN, OPT_EXPECT };
	static const struct option opts[] = {
		{ .name = "method", .has_arg = required_argument, .val = 'm' },
		{ .name = "baud", .has_arg = required_argument, .val = 'b' },
		{ .name = "max-baud", .has_arg = required_argument, .val = OPT_MAXBAUD },
		{ .name = "dry-run", .has_arg = no_argument, .val = OPT_DRYRUN },
		{ .name = "no-install", .has_arg = no_argument, .val = OPT_NOINSTALL },
		{ .name = "expect-version", .has_arg = required_argument, .val = OPT_EXPECT },
		{ 0 },
	};
	static const struct {
		const char *name;
		plan_method m;
	} methods[] = {
		{ .name = "auto", .m = PLAN_AUTO },
		{ .name = "udwnfile", .m = PLAN_UDWNFILE },
		{ .name = "xmodem1k", .m = PLAN_XMODEM1K },
		{ .name = "xmodem", .m = PLAN_XMODEM },
	};
	const char *method_arg = "auto";
	unsigned long baud = 0, max_baud = 0;
	bool no_install = false, dry_run = false;
	const char *expect = NULL;
	int opt;
	while ((opt = cli_getopt(c, argc, argv, opts)) != 0) {
		switch (opt) {
		case 'm':
			method_arg = optarg;
			break;
		case 'b':
			if (cli_baud_arg("--baud", optarg, &baud))
				return EXIT_USAGE;
			break;
		case OPT_MAXBAUD:
			if (cli_baud_arg("--max-baud", optarg, &max_baud))
				return EXIT_USAGE;
			break;
		case OPT_DRYRUN:
			dry_run = true;
			break;
		case OPT_NOINSTALL:
			no_install = true;
			break;
		case OPT_EXPECT:
			expect = optarg;
			break;
		default: /* a usage error was printed, or --help */
			return c->exit_code;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "sarafw: update needs exactly one package file\n");
		return EXIT_USAGE;
	}
	plan_method method = PLAN_AUTO;
	size_t mi;
	for (mi = 0; mi < sizeof methods / sizeof methods[0]; mi++)
		if (strcmp(method_arg, methods[mi].name) == 0)
			break;
	if (mi == sizeof methods / sizeof methods[0]) {
		fprintf(stderr, "sarafw: unknown --method %s: use auto, udwnfile, xmodem1k or xmodem\n", method_arg);
		return EXIT_USAGE;
	}
	method = methods[mi].m;

	const char *path = argv[optind];
	job j = { .phase = SARAFW_FOAT_DONE }; /* DONE: no phase yet */
	int rc = upload_open(&j.pkg, path, "package", "give the package file u-blox supplied");
	if (rc)
		return rc;

	port_info pi;
	port_classify(c->port_path, &pi);
	if (pi.kind == PORT_MODULE_USB && (method == PLAN_XMODEM || method == PLAN_XMODEM1K)) {
		/* note §5.1: +UFWUPD works on the primary UART only */
		fprintf(stderr, "sarafw: %s is %s, and +UFWUPD (XMODEM) works only on the module's primary UART (note §5.1): use --method udwnfile (or auto) here, or connect to the UART\n",
			c->port_path ? c->port_path : "the port", pi.desc);
		upload_close(&j.pkg);
		return EXIT_USAGE;
	}

	if (cli_install_pending(c)) {
		upload_close(&j.pkg);
		return EXIT_FAIL;
	}
	rc = cli_connect(c, NULL, 0, NULL);
	if (rc) {
		upload_close(&j.pkg);
		return rc;
	}
	double scale = 1;
	(void)sarafw_posix_time_scale(&scale); /* checked when the options were read */
	plan_input in = {
		.variant = c->id.variant,
		.port = pi.kind,
		.port_max = pi.max_baud,
		.cur_baud = (uint32_t)c->baud,
		.size = j.pkg.size,
		.method = method,
		.force_baud = (uint32_t)baud,
		.max_baud = (uint32_t)max_baud,
		.time_scale = scale,
	};
	plan pl;
	plan_make(&in, &pl);
	print_plan(c, &pl, &pi);
	if (dry_run) {
		upload_close(&j.pkg);
		cli_disconnect(c);
		return EXIT_OK;
	}

	unsigned long xfer_baud = pl.baud == c->baud ? 0 : pl.baud;
	sarafw_xmodem_stats stats;
	int sig;
	j.c = c;
	c->dev.cfg.trace = on_trace;
	c->dev.cfg.trace_ctx = &j;
	progress_init(&j.pkg.prog, c->json);
	if (!c->json)
		fprintf(stderr, "%s %s,%s: sending %s (%ld bytes) with %s\n", c->id.type_number,
			c->id.modem_version, c->id.app_version, path, (long)j.pkg.size, plan_method_text(pl.method));
	rc = download(c, &j, pl.method, xfer_baud, &stats, &sig);
	/* auto: a rate the line does not carry (or the module refuses) costs
	 * only time; the module is at the old rate again */
	if (method == PLAN_AUTO && xfer_baud && !sig && j.phase == SARAFW_FOAT_BAUD &&
	    (rc == SARAFW_EBAUD || rc == SARAFW_EERROR || rc == SARAFW_EPROTO || rc == SARAFW_ETIMEOUT)) {
		char t[32];
		int cme;
		const char *err = sarafw_dev_last_error(&c->dev, &cme);
		progress_end(&j.pkg.prog);
		if (rc == SARAFW_EBAUD)
			fprintf(stderr, "sarafw: no answer at %lu b/s (the port may not carry it); the module is back at %lu: continuing at %lu (%s)\n",
				xfer_baud, c->baud, c->baud,
				about(plan_seconds(c->id.variant, pl.method, (uint32_t)c->baud, j.pkg.size, scale), t, sizeof t));
		else if (rc == SARAFW_ETIMEOUT)
			fprintf(stderr, "sarafw: the module did not answer AT+IPR=%lu; it still answers at %lu: continuing at %lu (%s)\n",
				xfer_baud, c->baud, c->baud,
				about(plan_seconds(c->id.variant, pl.method, (uint32_t)c->baud, j.pkg.size, scale), t, sizeof t));
		else
			fprintf(stderr, "sarafw: the module refused AT+IPR=%lu (%s): continuing at %lu (%s)\n", xfer_baud,
				err[0] ? err : j.last_err[0] ? j.last_err : "ERROR", c->baud,
				about(plan_seconds(c->id.variant, pl.method, (uint32_t)c->baud, j.pkg.size, scale), t, sizeof t));
		if (c->json)
			printf("{\"event\":\"fallback\",\"baud\":%lu,\"code\":%d,\"message\":\"%s\"}\n", c->baud, rc,
			       sarafw_strerror(rc));
		xfer_baud = 0;
		j.phase = SARAFW_FOAT_DONE;
		j.pkg.stored = j.pkg.all_sent = j.pkg.cancelled = j.pkg.in_data = false;
		j.last_err[0] = '\0';
		progress_init(&j.pkg.prog, c->json);
		rc = download(c, &j, pl.method, 0, &stats, &sig);
	}
	progress_end(&j.pkg.prog);
	double secs = progress_elapsed(&j.pkg.prog);
	double data_secs = progress_data_seconds(&j.pkg.prog);
	upload_close(&j.pkg);
	cli_disconnect(c);
	if (sig && rc) {
		if (c->json)
			printf("{\"event\":\"error\",\"code\":%d,\"message\":\"interrupted\"}\n", rc);
		fprintf(stderr, "sarafw: interrupted by %s; %s; the firmware is unchanged\n",
			sig == SIGINT ? "Ctrl-C" : "SIGTERM",
			!j.pkg.cancelled ? "nothing was sent to the module"
			: j.udwn     ? "the +UDWNFILE transfer was stopped and the module answers AT again"
				     : "the XMODEM transfer was cancelled (CAN CAN) and the module answers AT again");
		return 128 + sig;
	}
	if (rc) {
		if (c->json)
			printf("{\"event\":\"error\",\"code\":%d,\"message\":\"%s\"}\n", rc, sarafw_strerror(rc));
		explain(c, &j, rc, xfer_baud ? xfer_baud : pl.baud);
		return EXIT_FAIL;
	}
	if (c->json) {
		printf("{\"event\":\"downloaded\",\"method\":\"%s\",\"baud\":%lu,\"bytes\":%ld,\"seconds\":%.3f,"
		       "\"data_seconds\":%.3f,\"retransmissions\":%u,\"installed\":false}\n",
		       plan_method_name(pl.method), xfer_baud ? xfer_baud : c->baud, (long)j.pkg.size, secs,
		       data_secs, stats.retransmissions);
	} else {
		printf("downloaded %ld bytes in %.1f s with %s at %lu b/s", (long)j.pkg.size, secs,
		       plan_method_text(pl.method), xfer_baud ? xfer_baud : c->baud);
		if (pl.method == PLAN_UDWNFILE)
			printf("\n");
		else
			printf(" (%u retransmissions)\n", stats.retransmissions);
		if (no_install)
			printf("not installed (--no-install): the module keeps %s,%s until `sarafw install`\n",
			       c->id.modem_version, c->id.app_version);
	}
	fflush(stdout);
	return no_install ? EXIT_OK : cli_install(c, expect); /* note §6 */
}

/* sarafw ufota: the module's own LwM2M client updates it (note §2);
 * sarafw watches, decides and keeps its hands off (§2.6, §2.7.3), and
 * sets the life timer, checks in, cancels and switches the URCs. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "escape.h"
#include "sarafw/error.h"
#include "sarafw/persist.h"
#include "sarafw/timeouts.h"
#include "sarafw/ufota.h"
#include "signals.h"

/* How long --decide's command may think before the download runs anyway
 * (the module's own default when its host says nothing, note §2.7.3). */
#define DECIDE_MAX_S 20

typedef struct watch {
	cli *c;
	bool tty, drawn, failsafe;
	bool refuse;          /* --refuse: cancel every download (§2.6.5) */
	const char *decide;   /* --decide CMD: its exit status decides */
	pid_t hook;           /* CMD running, 0 none */
	struct timespec hook_t0;
	int last_decile;
	uint8_t last_state;
} watch;

static void undraw(watch *w)
{
	if (w->drawn)
		fputc('\n', stderr);
	w->drawn = false;
}

static void json_str(const char *key, const char *value)
{
	printf(",\"%s\":", key);
	esc_json_string(stdout, value);
}

/* One line for people about a URC of the LwM2M client (B.1.2, §2.6.1). */
static void say_urc(watch *w, const sarafw_ufota_urc *u)
{
	switch (u->kind) {
	case SARAFW_UFOTA_U_BOOTSTRAP:
		fprintf(stderr, "lwm2m: %s\n", sarafw_ufota_lwm2m_status_text(u->value));
		break;
	case SARAFW_UFOTA_U_REGISTRATION:
		fprintf(stderr, "lwm2m: server %u: %s\n", u->server, sarafw_ufota_lwm2m_status_text(u->value));
		break;
	case SARAFW_UFOTA_U_NOTIFY:
		fprintf(stderr, "lwm2m: server %u notified of %s\n", u->server, u->uri);
		break;
	case SARAFW_UFOTA_U_FOTA_STATUS:
		fprintf(stderr, "lwm2m: client start: last update result %d (%s), state %s\n", u->value,
			sarafw_ufota_result_text(u->value), sarafw_ufota_fota_state_text(u->value2));
		break;
	case SARAFW_UFOTA_U_CLIENT:
		fprintf(stderr, "lwm2m: client status %d\n", u->value);
		break;
	default:
		break;
	}
	(void)w;
}

/* sarafw_ufota_kind, for --json */
static const char *const kind_names[] = {
	[SARAFW_UFOTA_U_NONE] = "none", [SARAFW_UFOTA_U_DL_START] = "download_start",
	[SARAFW_UFOTA_U_DL_PROGRESS] = "download_progress", [SARAFW_UFOTA_U_DL_DONE] = "download_done",
	[SARAFW_UFOTA_U_DL_CANCELLED] = "download_cancelled", [SARAFW_UFOTA_U_DL_FAILED] = "download_failed",
	[SARAFW_UFOTA_U_FOTA_STATUS] = "fota_status", [SARAFW_UFOTA_U_BOOTSTRAP] = "bootstrap",
	[SARAFW_UFOTA_U_REGISTRATION] = "registration", [SARAFW_UFOTA_U_REG_TIMER] = "registration_timer",
	[SARAFW_UFOTA_U_NOTIFY] = "notify", [SARAFW_UFOTA_U_CLIENT] = "client", [SARAFW_UFOTA_U_INSTALL] = "install",
};

static void on_event(void *ctx, const sarafw_ufota *m, sarafw_ufota_event ev, const sarafw_ufota_urc *u)
{
	watch *w = ctx;
	cli *c = w->c;
	sarafw_ufota_state st = sarafw_ufota_get_state(m);
	unsigned pct = sarafw_ufota_percent(m);
	switch (ev) {
	case SARAFW_UFOTA_EV_STATE:
		undraw(w);
		w->last_decile = -1;
		if (c->json) {
			printf("{\"event\":\"state\",\"state\":\"%s\",\"percent\":%u", sarafw_ufota_state_name(st), pct);
			if (st == SARAFW_UFOTA_IDLE && sarafw_ufota_configured(m))
				printf(",\"configured\":true");
			if (st == SARAFW_UFOTA_FAILED)
				json_str("reason", sarafw_ufota_reason(m));
			printf("}\n");
		} else if (st == SARAFW_UFOTA_DOWNLOADED) {
			printf("ufota: downloaded; the module resets to install it (note §2.6.4): do not reset it\n");
		} else if (st == SARAFW_UFOTA_INSTALLING) {
			printf("ufota: installing: do not reset the module or cut its power (up to %u min, note §2.4)\n",
			       (c->dev.variant->limits->install_max_ms + 59999u) / 60000u);
		} else if (st == SARAFW_UFOTA_FAILED) {
			printf("ufota: failed: %s\n", sarafw_ufota_reason(m));
		} else if (st == SARAFW_UFOTA_IDLE && sarafw_ufota_configured(m)) {
			printf("ufota: the configuration file is applied and the module is back (note §2.6.2): the delta comes next\n");
		} else if (st != SARAFW_UFOTA_DONE) {
			printf("ufota: %s\n", sarafw_ufota_state_name(st));
		}
		break;
	case SARAFW_UFOTA_EV_PROGRESS:
		if (c->json) {
			printf("{\"event\":\"progress\",\"state\":\"%s\",\"percent\":%u}\n", sarafw_ufota_state_name(st), pct);
		} else if (w->tty) {
			fprintf(stderr, "\r%s: %3u%% ", sarafw_ufota_state_name(st), pct);
			w->drawn = true;
		} else if ((int)(pct / 10) != w->last_decile) {
			w->last_decile = (int)(pct / 10);
			fprintf(stderr, "%s: %u%%\n", sarafw_ufota_state_name(st), pct);
		}
		break;
	case SARAFW_UFOTA_EV_URC:
		if (c->json) {
			printf("{\"event\":\"urc\",\"kind\":\"%s\",\"server\":%u,\"value\":%d,\"value2\":%d",
			       u->kind < sizeof kind_names / sizeof kind_names[0] ? kind_names[u->kind] : "?", u->server,
			       (int)u->value, (int)u->value2);
			if (u->uri[0])
				json_str("uri", u->uri);
			printf("}\n");
		} else {
			undraw(w);
			say_urc(w, u);
		}
		break;
	case SARAFW_UFOTA_EV_SOCKETS:
		if (c->json)
			printf("{\"event\":\"close_sockets\"}\n");
		else
			fprintf(stderr, "%sufota: the download is about to complete: close the application's sockets (note §2.6.3)\n",
				w->drawn ? "\n" : "");
		w->drawn = false;
		break;
	case SARAFW_UFOTA_EV_CANCEL:
		if (c->json)
			printf("{\"event\":\"cancel\",\"code\":%d}\n", m->cancel_rc);
		else
			fprintf(stderr, "ufota: %s %s\n", sarafw_variant_cancel_cmd(c->dev.variant),
				m->cancel_rc == SARAFW_OK ? "accepted" : "refused");
		break;
	case SARAFW_UFOTA_EV_FAILSAFE:
		undraw(w);
		if (c->json)
			printf("{\"event\":\"failsafe\",\"code\":%d}\n", m->failsafe_rc);
		else if (m->failsafe_rc == SARAFW_OK)
			fprintf(stderr, "sarafw: the module did not reset within 180 s of the download: reset with AT+CFUN=15 to start the install (note §2.6.4)\n");
		else if (m->failsafe_rc != SARAFW_OK)
			fprintf(stderr, "sarafw: no reset 180 s after the download (note §2.6.4): %s\n",
				m->failsafe_rc == SARAFW_ECANCEL ? "left to the module (--no-failsafe)"
								  : sarafw_strerror(m->failsafe_rc));
		break;
	case SARAFW_UFOTA_EV_UPDATED:
		undraw(w);
		if (c->json) {
			printf("{\"event\":\"updated\"");
			json_str("version", sarafw_ufota_version(m));
			if (sarafw_ufota_old_version(m)[0])
				json_str("before", sarafw_ufota_old_version(m));
			printf("}\n");
		} else {
			printf("ufota: done: firmware %s%s%s%s\n", sarafw_ufota_version(m),
			       sarafw_ufota_old_version(m)[0] ? " (was " : "", sarafw_ufota_old_version(m),
			       sarafw_ufota_old_version(m)[0] ? ")" : "");
		}
		break;
	}
	fflush(stdout);
}

/* --decide CMD: /bin/sh -c CMD started when a download begins, stdin
 * /dev/null, its output on stderr (stdout is sarafw's, JSON with --json),
 * SARAFW_PORT and SARAFW_VARIANT set. The monitor's decide callback must
 * not block, so the download runs while CMD thinks; the watch loop reaps
 * it: exit 0 lets the download go on, any other status cancels it (if it
 * is still downloading, note §2.6.5); a command still running after
 * DECIDE_MAX_S is killed and the download goes on. */
static void decide_start(watch *w)
{
	cli *c = w->c;
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		fprintf(stderr, "sarafw: --decide: cannot start it (%s): the download runs\n", strerror(errno));
		return;
	}
	if (pid == 0) {
		int fd = open("/dev/null", O_RDONLY);
		if (fd >= 0)
			dup2(fd, STDIN_FILENO);
		dup2(STDERR_FILENO, STDOUT_FILENO);
		setenv("SARAFW_PORT", c->port_path ? c->port_path : "", 1);
		setenv("SARAFW_VARIANT", c->dev.variant->name, 1);
		execl("/bin/sh", "sh", "-c", w->decide, (char *)NULL);
		_exit(127);
	}
	w->hook = pid;
	clock_gettime(CLOCK_MONOTONIC, &w->hook_t0);
}

static void say_decision(watch *w, bool run, const char *by, int rc)
{
	cli *c = w->c;
	if (c->json) {
		printf("{\"event\":\"decide\",\"download\":\"%s\",\"by\":\"%s\"", run ? "run" : "cancel", by);
		if (!run && rc != SARAFW_OK)
			json_str("cancel", rc == SARAFW_EINSTALL ? "too late: downloaded" : "no download");
		printf("}\n");
		fflush(stdout);
	} else if (run && by[0] == 'c') {
		undraw(w);
		fprintf(stderr, "ufota: --decide lets the download run\n");
	} else if (!run) {
		undraw(w);
		fprintf(stderr, "ufota: --%s cancels the download: %s\n", by[0] == 'r' ? "refuse" : "decide",
			rc == SARAFW_OK ? sarafw_variant_cancel_cmd(c->dev.variant)
					: rc == SARAFW_EINSTALL ? "too late, it is downloaded (note §2.6.5)" : "no download");
	}
}

/* Once per turn of the watch loop: --decide's command ended? */
static void decide_poll(watch *w, sarafw_ufota *mon)
{
	if (w->hook <= 0)
		return;
	int status = 0;
	pid_t r = waitpid(w->hook, &status, WNOHANG);
	if (r == 0) {
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - w->hook_t0.tv_sec < DECIDE_MAX_S)
			return;
		kill(w->hook, SIGKILL);
		while (waitpid(w->hook, &status, 0) < 0 && errno == EINTR)
			;
		w->hook = 0;
		fprintf(stderr, "sarafw: --decide: no answer within %d s: killed; the download goes on\n", DECIDE_MAX_S);
		say_decision(w, true, "command", SARAFW_OK);
		return;
	}
	if (r < 0 && errno == EINTR)
		return;
	w->hook = 0;
	bool run = r < 0 || (WIFEXITED(status) && WEXITSTATUS(status) == 0);
	say_decision(w, run, "command", run ? SARAFW_OK : sarafw_ufota_cancel(mon));
}

static bool on_decide(void *ctx, sarafw_ufota_question q)
{
	watch *w = ctx;
	if (q == SARAFW_UFOTA_ASK_FAILSAFE)
		return w->failsafe;
	/* note §2.7.3: "The application shall have the ultimate decision" */
	if (w->refuse) {
		say_decision(w, false, "refuse", SARAFW_OK);
		return false;
	}
	if (w->decide) {
		if (w->hook <= 0)
			decide_start(w);
		return true;
	}
	if (w->c->json)
		say_decision(w, true, "default", SARAFW_OK);
	return true;
}

/* port->reset for the failsafe (§2.6.4) where sarafw has no RESET_N
 * line: AT+CFUN=15, the module reset of B.1.1, then its OK and the
 * line's quiet are let go by, so the install's check loop does not take
 * them for the module's return (docs/behaviour.md). */
static int (*port_write)(void *ctx, const uint8_t *buf, size_t len);
static int (*port_read)(void *ctx, uint8_t *buf, size_t len, uint32_t timeout_ms);

static int cfun_reset(void *ctx)
{
	static const char cmd[] = "AT+CFUN=15\r";
	uint8_t buf[64];
	int n;
	if (port_write(ctx, (const uint8_t *)cmd, sizeof cmd - 1) != (int)(sizeof cmd - 1))
		return SARAFW_EIO;
	while ((n = port_read(ctx, buf, sizeof buf, 2000)) > 0)
		;
	return n < 0 ? SARAFW_EIO : SARAFW_OK;
}

static uint32_t wall_s(void *ctx)
{
	(void)ctx;
	return (uint32_t)time(NULL);
}

static int watch_cmd(cli *c, bool follow, bool failsafe, bool urcs, bool edrx_off, const char *expect,
		     unsigned long timeout_s, bool refuse, const char *decide)
{
	sarafw_persist rec;
	const sarafw_variant *v = NULL;
	sarafw_ufota mon;
	watch w = { .c = c, .tty = !c->json && isatty(STDERR_FILENO), .failsafe = failsafe, .last_decile = -1,
		    .refuse = refuse, .decide = decide };
	sarafw_ufota_config cfg = {
		.host_baud = (uint32_t)c->baud,
		.start = (uint8_t)((urcs ? SARAFW_UFOTA_START_URCS | SARAFW_UFOTA_START_INSTALL : 0) |
				   SARAFW_UFOTA_START_VERSION),
		.urcs = SARAFW_URC_UFOTASTAT | SARAFW_URC_ULWM2MSTAT,
		.stop_at_end = !follow,
		.edrx_off = edrx_off,
		.expect_version = expect,
		.clock_s = wall_s,
		.decide = on_decide,
		.event = on_event,
		.ctx = &w,
	};
	stop_catch sc;
	int rc, sig, peek = cli_state_peek(c, &rec, &v);
	if (peek != 0 && (peek < 0 || sarafw_persist_installing(&rec))) {
		/* the module installs and must not be probed into anything */
		if (!v) {
			fprintf(stderr, "sarafw: the state file says the module installs, but not which product it is: wait for it to answer AT (up to 35 min) and retry\n");
			return EXIT_FAIL;
		}
		if ((rc = cli_open(c)))
			return rc;
		c->dev.variant = v;
		if (!c->json)
			fprintf(stderr, "%s is installing firmware: waiting for it again, without a reset\n", v->name);
	} else {
		if ((rc = cli_connect(c, NULL, 0, NULL)))
			return rc;
		if (!c->dev.variant) {
			fprintf(stderr, "sarafw: %s is a product version sarafw does not know: it cannot follow its uFOTA URCs\n",
				c->id.type_number);
			cli_disconnect(c);
			return EXIT_FAIL;
		}
	}
	if (failsafe && !c->posix.port.reset) {
		port_write = c->posix.port.write;
		port_read = c->posix.port.read;
		c->posix.port.reset = cfun_reset;
	}
	if (!cli_state_attach(c))
		fprintf(stderr, "sarafw: no HOME or SARAFW_STATE_DIR: a stopped sarafw will not know the module downloads or installs\n");
	rc = sarafw_ufota_start(&mon, &c->dev, &cfg, c->dev.cfg.port->now_ms(c->dev.cfg.port->ctx));
	if (rc) {
		fprintf(stderr, "sarafw: %s has no uFOTA (note Table 1)\n", c->dev.variant->name);
		cli_disconnect(c);
		return EXIT_FAIL;
	}
	const sarafw_port *p = c->dev.cfg.port;
	uint32_t start = p->now_ms(p->ctx);
	stop_catch_begin(&sc);
	/* the URCs on before anything is said: a script may start the campaign then */
	rc = SARAFW_RUNNING;
	while (!sarafw_ufota_ready(&mon) && rc == SARAFW_RUNNING && !stop_signal())
		rc = sarafw_dev_step(&c->dev, &sarafw_ufota_engine, &mon, SARAFW_POLL_MS);
	if (c->json)
		printf("{\"event\":\"watch\",\"variant\":\"%s\",\"state\":\"%s\",\"follow\":%s}\n", c->dev.variant->name,
		       sarafw_ufota_state_name(sarafw_ufota_get_state(&mon)), follow ? "true" : "false");
	else
		fprintf(stderr, "%s: watching the uFOTA URCs (%s)%s\n", c->dev.variant->name,
			sarafw_ufota_state_name(sarafw_ufota_get_state(&mon)), follow ? ", until Ctrl-C" : "");
	fflush(stdout);
	while (rc == SARAFW_RUNNING && !stop_signal() && (!timeout_s || p->now_ms(p->ctx) - start < (uint32_t)(timeout_s * 1000u))) {
		rc = sarafw_dev_step(&c->dev, &sarafw_ufota_engine, &mon, SARAFW_POLL_MS);
		decide_poll(&w, &mon);
	}
	if (w.hook > 0) { /* the watch ends: so does the question */
		kill(w.hook, SIGKILL);
		while (waitpid(w.hook, NULL, 0) < 0 && errno == EINTR)
			;
	}
	sig = stop_catch_end(&sc);
	undraw(&w);
	cli_disconnect(c);
	sarafw_ufota_state st = sarafw_ufota_get_state(&mon);
	if (rc == SARAFW_RUNNING) {
		bool busy = st == SARAFW_UFOTA_DOWNLOADED || st == SARAFW_UFOTA_INSTALLING || st == SARAFW_UFOTA_REBOOTING;
		if (c->json)
			printf("{\"event\":\"stopped\",\"state\":\"%s\",\"percent\":%u}\n", sarafw_ufota_state_name(st),
			       sarafw_ufota_percent(&mon));
		if (busy)
			fprintf(stderr, "sarafw: stopped watching while the module is %s: it goes on by itself; do not reset it; `sarafw --port %s ufota watch` follows it again\n",
				sarafw_ufota_state_name(st), c->port_path);
		if (sig)
			return 128 + sig;
		return follow ? EXIT_OK : EXIT_FAIL;
	}
	if (rc == SARAFW_OK)
		return EXIT_OK;
	if (rc == SARAFW_EIO) {
		fprintf(stderr, "sarafw: the port failed: %s\n", sarafw_strerror(rc));
		return EXIT_PORTERR;
	}
	if (rc == SARAFW_ENOMODULE)
		return EXIT_NOANSWER;
	return EXIT_FAIL;
}

static int status_cmd(cli *c)
{
	const sarafw_variant *v = c->dev.variant;
	long life = 0;
	int st = -1, res = -1;
	int lrc = sarafw_ufota_lifetime_get(&c->dev, &life);
	int frc = sarafw_ufota_read_fw(&c->dev, &st, &res);
	sarafw_persist rec;
	const sarafw_variant *rv;
	int peek = cli_state_peek(c, &rec, &rv);
	bool ufota_rec = peek > 0 && rec.method == SARAFW_DL_LWM2M && rec.state != SARAFW_PERSIST_IDLE;
	static const char *const rec_words[] = { "idle", "downloading", "downloaded", "installing" };
	if (c->json) {
		printf("{\"event\":\"status\",\"variant\":\"%s\"", v->name);
		if (lrc == SARAFW_OK)
			printf(",\"lifetime\":%ld", life);
		if (frc == SARAFW_OK) {
			printf(",\"fw_state\":%d", st);
			json_str("fw_state_text", sarafw_ufota_fota_state_text(st));
			printf(",\"update_result\":%d", res);
			json_str("update_result_text", sarafw_ufota_result_text(res));
		}
		if (ufota_rec)
			json_str("host_record", rec_words[rec.state]);
		printf("}\n");
		return EXIT_OK;
	}
	printf("product        %s\n", v->name);
	if (lrc == SARAFW_OK && life < 0)
		printf("life timer     disabled (+UFOTACONF=2,-1)\n");
	else if (lrc == SARAFW_OK)
		printf("life timer     %ld s\n", life);
	else if (lrc == SARAFW_ENOTSUP)
		printf("life timer     not readable on this product version (note §2.5)\n");
	else
		printf("life timer     unknown (%s: %s)\n", sarafw_strerror(lrc), sarafw_dev_last_error(&c->dev, NULL));
	if (frc == SARAFW_OK) {
		printf("firmware state %d (%s)      /5/0/3\n", st, sarafw_ufota_fota_state_text(st));
		printf("update result  %d (%s)      /5/0/5\n", res, sarafw_ufota_result_text(res));
	} else if (frc == SARAFW_ENOTSUP) {
		printf("firmware state not readable (no +ULWM2MREAD on this product version): `sarafw ufota watch` follows the URCs\n");
	} else {
		printf("firmware state unknown (%s: %s)\n", sarafw_strerror(frc), sarafw_dev_last_error(&c->dev, NULL));
	}
	if (ufota_rec)
		printf("host record    %s (a uFOTA update was under way when sarafw last watched)\n", rec_words[rec.state]);
	return EXIT_OK;
}

/* §2.3: the cancel, and its URC. */
static int cancel_cmd(cli *c, unsigned long timeout_s)
{
	const sarafw_variant *v = c->dev.variant;
	const char *cmd = sarafw_variant_cancel_cmd(v);
	int st = -1, res = -1, rc;
	if (sarafw_ufota_read_fw(&c->dev, &st, &res) == SARAFW_OK && st != 1) {
		fprintf(stderr, "sarafw: the module is not downloading (/5/0/3 is %d, %s): %s\n", st,
			sarafw_ufota_fota_state_text(st),
			st >= 2 ? "a downloaded package cannot be cancelled (note §2.6.5)" : "nothing to cancel");
		return EXIT_FAIL;
	}
	rc = sarafw_cmd(&c->dev, cmd, NULL, SARAFW_ANSWER_MS, NULL, NULL);
	if (rc) {
		fprintf(stderr, "sarafw: the module refused %s (%s): it cancels only while it downloads (note §2.6.5)\n", cmd,
			sarafw_dev_last_error(&c->dev, NULL));
		return EXIT_FAIL;
	}
	const char *prefix = v->legacy_lwm2mstat ? "+ULWM2MSTAT:" : "+UFOTASTAT:";
	const sarafw_port *p = c->dev.cfg.port;
	uint32_t start = p->now_ms(p->ctx), bound = (uint32_t)(timeout_s * 1000u);
	char line[96];
	while (p->now_ms(p->ctx) - start < bound) {
		sarafw_ufota_urc u;
		uint32_t left = bound - (p->now_ms(p->ctx) - start);
		rc = sarafw_dev_wait(&c->dev, left < SARAFW_POLL_MS * 5 ? left : SARAFW_POLL_MS * 5, prefix, line,
				     sizeof line);
		if (rc < 0)
			break;
		if (sarafw_ufota_parse(line, v->legacy_lwm2mstat, &u) != SARAFW_OK)
			continue;
		line[0] = '\0';
		if (u.kind == SARAFW_UFOTA_U_DL_CANCELLED) {
			if (c->json)
				printf("{\"event\":\"cancelled\"}\n");
			else
				printf("ufota: the download was cancelled (a new campaign starts it again, note §2.3)\n");
			return EXIT_OK;
		}
		if (u.kind == SARAFW_UFOTA_U_DL_DONE || u.kind == SARAFW_UFOTA_U_DL_FAILED) {
			fprintf(stderr, "sarafw: the download ended before the cancel: %s\n",
				u.kind == SARAFW_UFOTA_U_DL_DONE ? "it completed (note §2.6.5)" : sarafw_ufota_dl_text(u.value));
			return EXIT_FAIL;
		}
	}
	if (c->json)
		printf("{\"event\":\"cancel_sent\"}\n");
	fprintf(stderr, "sarafw: the module accepted %s but no cancel URC came within %lu s (are the URCs on? `sarafw ufota urcs on`)\n",
		cmd, timeout_s);
	return EXIT_OK;
}

static int lifetime_cmd(cli *c, const char *arg)
{
	long s;
	int rc;
	if (!arg) {
		rc = sarafw_ufota_lifetime_get(&c->dev, &s);
		if (rc == SARAFW_OK) {
			if (c->json)
				printf("{\"event\":\"lifetime\",\"seconds\":%ld}\n", s);
			else if (s < 0)
				printf("life timer disabled\n");
			else
				printf("life timer %ld s\n", s);
			return EXIT_OK;
		}
	} else {
		char *end;
		if (strcmp(arg, "off") == 0) {
			s = -1;
		} else {
			errno = 0;
			s = strtol(arg, &end, 10);
			if (errno || *end || s < 1) {
				fprintf(stderr, "sarafw: lifetime takes SECONDS (1 or more) or off\n");
				return EXIT_USAGE;
			}
		}
		if (s > 0 && s < 1200 && !c->json)
			fprintf(stderr, "sarafw: below 1200 s the module checks in very often: for tests only (note §2.5.1)\n");
		rc = sarafw_ufota_lifetime_set(&c->dev, s);
		if (rc == SARAFW_OK) {
			if (c->json)
				printf("{\"event\":\"lifetime\",\"seconds\":%ld,\"set\":true}\n", s);
			else
				printf("life timer %s; the module checks in now (note §2.5)\n", s < 0 ? "disabled" : "set");
			return EXIT_OK;
		}
		if (rc == SARAFW_ENOTSUP && s < 0) {
			fprintf(stderr, "sarafw: %s cannot disable its life timer (only +UFOTACONF can, note §2.5.2): `sarafw ufota deregister` stops check-ins until a reboot (§2.5.1)\n",
				c->dev.variant->name);
			return EXIT_FAIL;
		}
	}
	if (rc == SARAFW_ENOTSUP)
		fprintf(stderr, "sarafw: %s has neither +UFOTACONF nor +ULWM2MREAD/WRITE for its life timer (note §2.5)\n",
			c->dev.variant->name);
	else if (rc == SARAFW_EERROR)
		fprintf(stderr, "sarafw: the module refused (%s)%s\n", sarafw_dev_last_error(&c->dev, NULL),
			arg ? "; the Softbank profile on 63B keeps its week (note §2.5.1)" : "");
	else
		fprintf(stderr, "sarafw: lifetime: %s\n", sarafw_strerror(rc));
	return EXIT_FAIL;
}

static int checkin_cmd(cli *c, unsigned server)
{
	uint32_t down = 0;
	int rc = sarafw_ufota_checkin_2g(&c->dev, server, SARAFW_UFOTA_RAT_ASK, &down);
	if (rc == SARAFW_ENOTSUP) {
		fprintf(stderr, "sarafw: %s has no check-in command (note §2.5); it checks in when its life timer ends\n",
			c->dev.variant->name);
		return EXIT_FAIL;
	}
	if (rc) {
		fprintf(stderr, "sarafw: check-in: %s (%s)\n", sarafw_strerror(rc), sarafw_dev_last_error(&c->dev, NULL));
		return EXIT_FAIL;
	}
	if (c->json) {
		printf("{\"event\":\"checkin\",\"contexts_down\":[");
		for (unsigned cid = 0, n = 0; cid < 32; cid++)
			if (down & (1u << cid))
				printf("%s%u", n++ ? "," : "", cid);
		printf("]}\n");
		return EXIT_OK;
	}
	printf("ufota: check-in requested: within 60 s (note §2.5.2, §2.8.4)\n");
	for (unsigned cid = 0; cid < 32; cid++)
		if (down & (1u << cid))
			printf("ufota: context %u brought down for the LwM2M client on 2G (note §2.8.4): activate it again once the check-in is over\n",
			       cid);
	return EXIT_OK;
}

int cmd_ufota(cli *c, int argc, char **argv)
{
	enum { OPT_FOLLOW = 256, OPT_TIMEOUT, OPT_SERVER, OPT_NO_FAILSAFE, OPT_NO_URCS, OPT_EDRX_OFF, OPT_EXPECT,
	       OPT_REFUSE, OPT_DECIDE };
	static const struct option opts[] = {
		{ .name = "follow", .has_arg = no_argument, .val = OPT_FOLLOW },
		{ .name = "timeout", .has_arg = required_argument, .val = OPT_TIMEOUT },
		{ .name = "server", .has_arg = required_argument, .val = OPT_SERVER },
		{ .name = "no-failsafe", .has_arg = no_argument, .val = OPT_NO_FAILSAFE },
		{ .name = "no-urcs", .has_arg = no_argument, .val = OPT_NO_URCS },
		{ .name = "edrx-off", .has_arg = no_argument, .val = OPT_EDRX_OFF },
		{ .name = "expect-version", .has_arg = required_argument, .val = OPT_EXPECT },
		{ .name = "refuse", .has_arg = no_argument, .val = OPT_REFUSE },
		{ .name = "decide", .has_arg = required_argument, .val = OPT_DECIDE },
		{ 0 },
	};
	bool follow = false, failsafe = true, urcs = true, edrx_off = false, refuse = false;
	const char *expect = NULL, *decide = NULL;
	unsigned long timeout_s = 0, server = 0;
	int opt, rc;
	char *end;
	while ((opt = cli_getopt(c, argc, argv, opts)) != 0) {
		switch (opt) {
		case OPT_FOLLOW:
			follow = true;
			break;
		case OPT_NO_FAILSAFE:
			failsafe = false;
			break;
		case OPT_NO_URCS:
			urcs = false;
			break;
		case OPT_EDRX_OFF:
			edrx_off = true;
			break;
		case OPT_EXPECT:
			if (!optarg[0] || strlen(optarg) >= SARAFW_UFOTA_VERSION_MAX) {
				fprintf(stderr, "sarafw: --expect-version takes ATI9's version (\"L0.0.00.00.05.12,A.02.19\") or the modem version\n");
				return EXIT_USAGE;
			}
			expect = optarg;
			break;
		case OPT_REFUSE:
			refuse = true;
			break;
		case OPT_DECIDE:
			if (!optarg[0]) {
				fprintf(stderr, "sarafw: --decide takes a shell command (exit 0: the download runs)\n");
				return EXIT_USAGE;
			}
			decide = optarg;
			break;
		case OPT_TIMEOUT:
		case OPT_SERVER:
			errno = 0;
			unsigned long n = strtoul(optarg, &end, 10);
			if (errno || *end || !optarg[0] || n == 0 || n > (opt == OPT_SERVER ? 65535ul : 86400ul * 365)) {
				fprintf(stderr, "sarafw: --%s takes a number (%s)\n", opt == OPT_SERVER ? "server" : "timeout",
					opt == OPT_SERVER ? "a short server id: 721 u-blox, 102 Verizon" : "seconds");
				return EXIT_USAGE;
			}
			*(opt == OPT_SERVER ? &server : &timeout_s) = n;
			break;
		default:
			return c->exit_code;
		}
	}
	const char *sub = optind < argc ? argv[optind] : NULL;
	const char *arg = optind + 1 < argc ? argv[optind + 1] : NULL;
	static const char *const subs[] = { "status", "watch", "checkin", "lifetime", "cancel", "urcs", "deregister", "vzw-apn" };
	size_t i;
	for (i = 0; sub && i < sizeof subs / sizeof subs[0]; i++)
		if (strcmp(sub, subs[i]) == 0)
			break;
	if (!sub || i == sizeof subs / sizeof subs[0] || optind + (arg ? 2 : 1) < argc ||
	    (arg && strcmp(sub, "lifetime") != 0 && strcmp(sub, "urcs") != 0) ||
	    (strcmp(sub, "urcs") == 0 && (!arg || (strcmp(arg, "on") != 0 && strcmp(arg, "off") != 0)))) {
		fprintf(stderr, "sarafw: ufota status | watch [--follow] [--timeout S] [--no-failsafe] [--no-urcs] [--edrx-off]\n"
				"             [--expect-version V] |\n"
				"             [--refuse | --decide CMD] |\n"
				"       checkin [--server ID] |\n"
				"       lifetime [SECONDS|off] | cancel [--timeout S] | urcs on|off | deregister | vzw-apn\n");
		return EXIT_USAGE;
	}
	if ((refuse || decide) && (strcmp(sub, "watch") != 0 || (refuse && decide))) {
		fprintf(stderr, "sarafw: --refuse and --decide are for watch, one of them\n");
		return EXIT_USAGE;
	}
	if (strcmp(sub, "watch") == 0)
		return watch_cmd(c, follow, failsafe, urcs, edrx_off, expect, timeout_s, refuse, decide);
	if (cli_install_pending(c))
		return EXIT_FAIL;
	if ((rc = cli_connect(c, NULL, 0, NULL)))
		return rc;
	if (!c->dev.variant || !(c->dev.variant->methods & SARAFW_METHOD_UFOTA)) {
		fprintf(stderr, "sarafw: %s: no uFOTA known for this product version (note Table 1)\n", c->id.type_number);
		cli_disconnect(c);
		return EXIT_FAIL;
	}
	if (strcmp(sub, "status") == 0) {
		rc = status_cmd(c);
	} else if (strcmp(sub, "checkin") == 0) {
		rc = checkin_cmd(c, (unsigned)server);
	} else if (strcmp(sub, "lifetime") == 0) {
		rc = lifetime_cmd(c, arg);
	} else if (strcmp(sub, "cancel") == 0) {
		rc = cancel_cmd(c, timeout_s ? timeout_s : 60);
	} else if (strcmp(sub, "urcs") == 0) {
		bool on = strcmp(arg, "on") == 0;
		rc = sarafw_ufota_urcs(&c->dev, 0, on);
		if (rc == SARAFW_OK && c->dev.variant->install_results && on)
			rc = sarafw_cmd(&c->dev, "AT+UFWINSTALL=,,,1", NULL, SARAFW_ANSWER_MS, NULL, NULL);
		if (rc)
			fprintf(stderr, "sarafw: urcs: %s (%s)\n", sarafw_strerror(rc), sarafw_dev_last_error(&c->dev, NULL));
		else if (c->json)
			printf("{\"event\":\"urcs\",\"on\":%s}\n", on ? "true" : "false");
		else
			printf("ufota: update URCs %s%s\n", on ? "on" : "off",
			       on ? " (the module forgets them at its reboot, note §2.6.1)" : "");
		rc = rc ? EXIT_FAIL : EXIT_OK;
	} else if (strcmp(sub, "deregister") == 0) {
		rc = sarafw_ufota_deregister(&c->dev);
		if (rc)
			fprintf(stderr, "sarafw: deregister: %s (%s)\n", sarafw_strerror(rc), sarafw_dev_last_error(&c->dev, NULL));
		else
			printf("ufota: deregistered until a reboot or `sarafw ufota checkin` (note §2.5.1)\n");
		rc = rc ? EXIT_FAIL : EXIT_OK;
	} else {
		bool changed = false;
		rc = sarafw_ufota_vzw_apn_fix(&c->dev, &changed);
		if (rc)
			fprintf(stderr, "sarafw: vzw-apn: %s (%s)\n", sarafw_strerror(rc), sarafw_dev_last_error(&c->dev, NULL));
		else if (c->json)
			printf("{\"event\":\"vzw_apn\",\"changed\":%s}\n", changed ? "true" : "false");
		else
			printf("ufota: %s\n", changed ? "cid 3's APN set to cid 1's (note §2.8.3)"
						      : "nothing to do: not a Verizon profile on 52B/02B-00..02, or the APNs match (note §2.8.3)");
		rc = rc ? EXIT_FAIL : EXIT_OK;
	}
	cli_disconnect(c);
	return rc;
}

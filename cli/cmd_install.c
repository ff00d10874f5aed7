/* sarafw install: install the package the module holds (AT+UFWINSTALL,
 * note §6) and verify it; also the last step of `sarafw update`. The
 * module must not be reset meanwhile: a state file says "installing"
 * from before the command until the module answers again, so a sarafw
 * that was stopped (Ctrl-C, a host reboot) waits again instead. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "escape.h"
#include "port_kind.h"
#include "sarafw/error.h"
#include "sarafw/install.h"
#include "sarafw/timeouts.h"
#include "signals.h"

/* ---- The state file ------------------------------------------------------
 * $SARAFW_STATE_DIR (else $XDG_STATE_HOME/sarafw, else
 * ~/.local/state/sarafw)/<port path, '/' as '_'>.install: the library's
 * record (sarafw/persist.h), then the product version's name and '\n'
 * (a resumed wait cannot ask the module, which does not answer). */
static char state_path[4096];
static char state_variant[40];

static int mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	return mkdir(path, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

static bool state_init(const cli *c)
{
	char dir[3000];
	const char *env = getenv("SARAFW_STATE_DIR");
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	if (env && env[0])
		snprintf(dir, sizeof dir, "%s", env);
	else if (xdg && xdg[0])
		snprintf(dir, sizeof dir, "%s/sarafw", xdg);
	else if (home && home[0])
		snprintf(dir, sizeof dir, "%s/.local/state/sarafw", home);
	else
		return false;
	int n = snprintf(state_path, sizeof state_path, "%s/", dir);
	for (const char *p = c->port_path; *p && n < (int)sizeof state_path - 10; p++)
		state_path[n++] = *p == '/' ? '_' : *p;
	snprintf(state_path + n, sizeof state_path - (size_t)n, ".install");
	return true;
}

/* port->save_state: written to a new file, synced, then renamed over the
 * old one, so a cut leaves one record or the other. An idle record
 * removes the file. */
static int state_save(void *ctx, const void *rec, size_t len)
{
	char tmp[sizeof state_path + 8], dir[sizeof state_path];
	sarafw_persist p;
	(void)ctx;
	if (!state_path[0])
		return SARAFW_ENOTSUP;
	if (sarafw_persist_decode(&p, rec, len) == SARAFW_OK && p.state == SARAFW_PERSIST_IDLE)
		return unlink(state_path) < 0 && errno != ENOENT ? SARAFW_EIO : SARAFW_OK;
	snprintf(dir, sizeof dir, "%s", state_path);
	*strrchr(dir, '/') = '\0';
	if (mkdirs(dir) < 0)
		return SARAFW_EIO;
	snprintf(tmp, sizeof tmp, "%s.new", state_path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return SARAFW_EIO;
	char buf[SARAFW_PERSIST_SIZE + sizeof state_variant + 1];
	size_t n = len < SARAFW_PERSIST_SIZE ? len : SARAFW_PERSIST_SIZE;
	memcpy(buf, rec, n);
	n += (size_t)snprintf(buf + n, sizeof buf - n, "%s\n", state_variant);
	bool ok = write(fd, buf, n) == (ssize_t)n && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, state_path) < 0) {
		unlink(tmp);
		return SARAFW_EIO;
	}
	return SARAFW_OK;
}

static int state_load(void *ctx, void *rec, size_t len)
{
	char buf[SARAFW_PERSIST_SIZE + sizeof state_variant + 1];
	(void)ctx;
	if (!state_path[0])
		return SARAFW_ENOTSUP;
	int fd = open(state_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : SARAFW_EIO;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n < 0)
		return SARAFW_EIO;
	/* the record (18 bytes in version 1, 32 in 2), then the variant's name */
	size_t rec_len = sarafw_persist_size((const uint8_t *)buf, (size_t)n);
	if (rec_len && n > (ssize_t)rec_len) {
		buf[n] = '\0';
		snprintf(state_variant, sizeof state_variant, "%.*s", (int)strcspn(buf + rec_len, "\n"), buf + rec_len);
		n = (ssize_t)rec_len;
	}
	size_t k = (size_t)n < len ? (size_t)n : len;
	memcpy(rec, buf, k);
	return (int)k;
}

static void state_attach(cli *c)
{
	c->posix.port.save_state = state_save;
	c->posix.port.load_state = state_load;
}

/* Does the state file say the module installs? *rec gets the record. */
static bool state_installing(cli *c, sarafw_persist *rec)
{
	uint8_t buf[SARAFW_PERSIST_SIZE];
	memset(rec, 0, sizeof *rec);
	if (!c->port_path || !state_init(c))
		return false;
	int n = state_load(NULL, buf, sizeof buf);
	if (n <= 0)
		return false;
	/* a record that cannot be read might say installing: the safe side */
	return sarafw_persist_decode(rec, buf, (size_t)n) != SARAFW_OK || sarafw_persist_installing(rec);
}

/* ---- Progress ------------------------------------------------------------ */
typedef struct {
	cli *c;
	bool tty, drawn, urcs;
	int last_decile;
	uint32_t last_wait_min;
	double scale;
} show;

static void undraw(show *s)
{
	if (s->drawn)
		fputc('\n', stderr);
	s->drawn = false;
}

static void on_progress(void *ctx, sarafw_install_phase ph, uint32_t value, uint32_t total)
{
	show *s = ctx;
	bool json = s->c->json;
	switch (ph) {
	case SARAFW_INSTALL_START:
		total = s->c->dev.variant->limits->install_max_ms;
		if (json)
			printf("{\"event\":\"phase\",\"phase\":\"install\",\"max_seconds\":%u}\n", total / 1000u);
		else
			fprintf(stderr, "installing with AT+UFWINSTALL: the module restarts into Firmware Install Mode; do not reset it or cut its power (up to %u min, note §2.4)\n",
				(total + 59999u) / 60000u);
		break;
	case SARAFW_INSTALL_PROGRESS:
		if (json) {
			printf("{\"event\":\"install_progress\",\"percent\":%u}\n", value);
		} else if (s->tty) {
			fprintf(stderr, "\rinstalling: %3u%% ", value);
			s->drawn = true;
		} else if ((int)(value / 10) != s->last_decile) {
			s->last_decile = (int)(value / 10);
			fprintf(stderr, "installing: %u%%\n", value);
		}
		break;
	case SARAFW_INSTALL_WAIT:
		/* no percentage on this line: time against the note's maximum */
		if (s->urcs)
			break;
		total = s->c->dev.variant->limits->install_max_ms; /* the bound adds a boot */
		if (json) {
			printf("{\"event\":\"install_wait\",\"elapsed_seconds\":%u,\"max_seconds\":%u}\n", value / 1000u,
			       total / 1000u);
		} else if (s->tty) {
			fprintf(stderr, "\rinstalling: %u min %02u s of at most %u min ", value / 60000u, value / 1000u % 60u,
				(total + 59999u) / 60000u);
			s->drawn = true;
		} else if (value / 60000u != s->last_wait_min || value == 0) {
			s->last_wait_min = value / 60000u;
			fprintf(stderr, "installing: %u min of at most %u min\n", value / 60000u, (total + 59999u) / 60000u);
		}
		break;
	case SARAFW_INSTALL_RESULT:
		undraw(s);
		if (json)
			printf("{\"event\":\"install_result\",\"code\":%u}\n", value);
		break;
	case SARAFW_INSTALL_BOOT:
		undraw(s);
		if (!json)
			fprintf(stderr, "waiting for the module to answer AT\n");
		break;
	case SARAFW_INSTALL_URCS:
		if (!json)
			fprintf(stderr, "switching the update URCs on (note §2.6.1)\n");
		break;
	case SARAFW_INSTALL_BACKUP:
		if (!json)
			fprintf(stderr, "backing up with AT+UBKUPDATA (note §6.3)\n");
		break;
	case SARAFW_INSTALL_BAUD:
	case SARAFW_INSTALL_VERSION:
	case SARAFW_INSTALL_DONE:
		break;
	}
	if (json)
		fflush(stdout);
}

/* One line per Table 5 code: its meaning and what to do next. */
static void print_result(cli *c, unsigned code, const char *version)
{
	const sarafw_install_code *t = sarafw_install_code_find(code);
	const char *meaning = t ? t->meaning : "a code the note does not list";
	const char *next = sarafw_install_next_text(t ? (sarafw_install_next)t->next : SARAFW_NEXT_SUPPORT);
	if (c->json) {
		printf("{\"event\":\"result\",\"code\":%u,\"meaning\":", code);
		esc_json_string(stdout, meaning);
		printf(",\"next\":");
		esc_json_string(stdout, next);
		printf("}\n");
	} else if (code == SARAFW_INSTALL_OK_CODE) {
		printf("install result %u: %s\n", code, meaning);
	}
	if (code != SARAFW_INSTALL_OK_CODE) {
		fprintf(stderr, "sarafw: install result %u: %s; the module runs %s: %s\n", code, meaning,
			version[0] ? version : "its old firmware", next);
	}
}

/* Runs the engine; SIGINT/SIGTERM stop the wait, never the install. */
static int run(cli *c, sarafw_installer *in, const sarafw_install_config *cfg, int *sig)
{
	stop_catch sc;
	const sarafw_port *p = c->dev.cfg.port;
	stop_catch_begin(&sc);
	int rc = sarafw_install_start(in, &c->dev, cfg, p->now_ms(p->ctx));
	if (rc == SARAFW_OK) {
		do
			rc = sarafw_dev_step(&c->dev, &sarafw_install_engine, in, SARAFW_POLL_MS);
		while (rc == SARAFW_RUNNING && !stop_signal());
	}
	*sig = stop_catch_end(&sc);
	return rc;
}

/* The version matched the expected one, or was not asked for. */
static bool version_ok(const char *expect, const char *version)
{
	size_t k;
	if (!expect)
		return true;
	k = strlen(expect);
	return strcmp(version, expect) == 0 ||
	       (!strchr(expect, ',') && strncmp(version, expect, k) == 0 && version[k] == ',');
}

int cli_install(cli *c, const char *expect)
{
	sarafw_persist rec;
	sarafw_installer in;
	char version[64] = "", before[80] = "";
	show s = { .c = c, .tty = !c->json && isatty(STDERR_FILENO), .last_decile = -1, .last_wait_min = UINT32_MAX };
	sarafw_install_config cfg = {
		.host_baud = (uint32_t)c->baud,
		.port = SARAFW_INSTALL_PORT_UART,
		.baud = 115200, /* Table 5: where the codes 130..132 come anyway */
		.expect = expect,
		.version = version,
		.version_size = sizeof version,
		.urcs = SARAFW_URC_UFOTASTAT | SARAFW_URC_ULWM2MSTAT,
		.method = SARAFW_DL_UDWNFILE,
		.since = (uint32_t)time(NULL),
		.progress = on_progress,
		.progress_ctx = &s,
	};
	int rc, sig;
	bool resume = state_installing(c, &rec);
	double scale = 1;
	(void)sarafw_posix_time_scale(&scale); /* checked when the options were read */
	s.scale = scale;

	if (resume) {
		/* the module does not answer while it installs: no probe, no identify */
		const sarafw_variant *v = sarafw_variant_by_name(state_variant);
		if (!v) {
			fprintf(stderr, "sarafw: %s says the module installs, but not which product it is: wait for it to answer AT (up to 35 min), then remove that file and retry\n",
				state_path);
			return EXIT_FAIL;
		}
		if ((rc = cli_open(c)))
			return rc;
		c->dev.variant = v;
		uint32_t now = (uint32_t)time(NULL);
		cfg.resume = true;
		cfg.method = rec.method;
		cfg.since = rec.since;
		if (rec.since && now >= rec.since)
			cfg.elapsed_ms = (uint32_t)((double)(now - rec.since) * 1000.0 * scale);
		fprintf(stderr, "%s has been installing firmware for %u s (%s): waiting for it again, without a reset\n",
			v->name, now - rec.since, state_path);
	} else {
		if ((rc = cli_connect(c, NULL, 0, NULL)))
			return rc;
		if (!c->dev.variant) {
			fprintf(stderr, "sarafw: %s is a product version sarafw does not know: it cannot tell how long the install may take\n",
				c->id.type_number);
			cli_disconnect(c);
			return EXIT_FAIL;
		}
		snprintf(before, sizeof before, "%s,%s", c->id.modem_version, c->id.app_version);
		if (!c->json)
			fprintf(stderr, "%s %s: installing the package the module holds\n", c->id.type_number, before);
	}
	if (!cli_state_attach(c))
		fprintf(stderr, "sarafw: no HOME or SARAFW_STATE_DIR: a stopped sarafw will not know the module installs\n");
	port_info pi;
	port_classify(c->port_path, &pi);
	if (pi.kind == PORT_MODULE_USB) {
		/* the URCs go to a UART, and USB is gone meanwhile (note §6) */
		cfg.port = SARAFW_INSTALL_PORT_OMIT;
		cfg.baud = 0;
	}
	s.urcs = c->dev.variant->install_results && cfg.port != SARAFW_INSTALL_PORT_OMIT;
	rc = run(c, &in, &cfg, &sig);
	undraw(&s);
	cli_disconnect(c);
	unsigned code = sarafw_install_result(&in);
	if (sig && rc == SARAFW_RUNNING) {
		if (c->json)
			printf("{\"event\":\"error\",\"code\":%d,\"message\":\"interrupted while the module installs\"}\n",
			       SARAFW_EINSTALL);
		fprintf(stderr, "sarafw: interrupted by %s; the module keeps installing (it cannot be cancelled, note §2.4): do not reset it or cut its power; `sarafw --port %s install` waits for it again\n",
			sig == SIGINT ? "Ctrl-C" : "SIGTERM", c->port_path);
		return 128 + sig;
	}
	if (code)
		print_result(c, code, version);
	switch (rc) {
	case SARAFW_OK:
	case SARAFW_EVERSION:
		break;
	case SARAFW_EFWINSTALL:
		return EXIT_FAIL;
	case SARAFW_EERROR: {
		int cme;
		const char *err = sarafw_dev_last_error(&c->dev, &cme);
		if (cme == 3 || strstr(err, "not allowed"))
			fprintf(stderr, "sarafw: the module has no package to install (%s, note §6; a package that came by LwM2M installs by itself): download one with `sarafw update FILE`\n",
				err);
		else
			fprintf(stderr, "sarafw: the module refused AT+UFWINSTALL (%s); nothing was installed\n", err);
		return EXIT_FAIL;
	}
	case SARAFW_ENOMODULE:
	case SARAFW_EGARBLED:
		fprintf(stderr, "sarafw: the module did not answer AT within the install time (%u min, note §2.4) and a boot: %s still says it installs; if it never answers, power-cycle it (an update of boot code that was cut can leave it unusable, note §2.6.4)\n",
			c->dev.variant->limits->install_max_ms / 60000u, state_path[0] ? state_path : "nothing");
		return EXIT_NOANSWER;
	case SARAFW_EBAUDBACK:
		fprintf(stderr, "sarafw: the port cannot switch its rate to follow the install's URCs; the module keeps installing: do not reset it; `sarafw --port %s install` waits for it again\n",
			c->port_path);
		return EXIT_PORTERR;
	default:
		fprintf(stderr, "sarafw: install: %s; `sarafw --port %s install` waits for the module again\n",
			sarafw_strerror(rc), c->port_path);
		return EXIT_FAIL;
	}
	unsigned w = sarafw_install_warnings(&in);
	if (w & SARAFW_INSTALL_W_NO_RESULT && !c->json)
		fprintf(stderr, "sarafw: no result code came (note §6.1); the version below tells the outcome\n");
	if (w & SARAFW_INSTALL_W_URCS)
		fprintf(stderr, "sarafw: switching the update URCs on failed (note §2.6.1): check with `sarafw --port %s info`\n",
			c->port_path);
	if (w & SARAFW_INSTALL_W_BACKUP)
		fprintf(stderr, "sarafw: AT+UBKUPDATA failed: back up with it before relying on Restore (note §6.3)\n");
	bool match = version_ok(expect, version);
	if (c->json) {
		printf("{\"event\":\"installed\",\"version\":");
		esc_json_string(stdout, version);
		if (before[0]) {
			printf(",\"before\":");
			esc_json_string(stdout, before);
		}
		if (expect) {
			printf(",\"expected\":");
			esc_json_string(stdout, expect);
		}
		printf(",\"match\":%s}\n", match ? "true" : "false");
	} else if (version[0]) {
		printf("firmware %s%s%s%s\n", version, before[0] ? " (was " : "", before, before[0] ? ")" : "");
	}
	if (rc == SARAFW_EVERSION || !match) {
		fprintf(stderr, "sarafw: the module runs %s, not %s: the install did not bring the expected firmware; check the package\n",
			version[0] ? version : "a version it did not tell", expect);
		return EXIT_FAIL;
	}
	if (!expect && before[0] && strcmp(before, version) == 0 && !c->json)
		fprintf(stderr, "sarafw: the version did not change: was the package for this version?\n");
	return EXIT_OK;
}

bool cli_state_attach(cli *c)
{
	if (c->dev.variant)
		snprintf(state_variant, sizeof state_variant, "%s", c->dev.variant->name);
	if (!c->port_path || (!state_path[0] && !state_init(c)))
		return false;
	state_attach(c);
	return true;
}

bool cli_install_pending(cli *c)
{
	sarafw_persist rec;
	if (!state_installing(c, &rec))
		return false;
	fprintf(stderr, "sarafw: %s says the module installs firmware and must not be disturbed: `sarafw --port %s install` waits for it\n",
		state_path, c->port_path);
	return true;
}

int cmd_install(cli *c, int argc, char **argv)
{
	enum { OPT_EXPECT = 256 };
	static const struct option opts[] = {
		{ .name = "expect-version", .has_arg = required_argument, .val = OPT_EXPECT },
		{ 0 },
	};
	const char *expect = NULL;
	int opt;
	while ((opt = cli_getopt(c, argc, argv, opts)) != 0) {
		switch (opt) {
		case OPT_EXPECT:
			expect = optarg;
			break;
		default:
			return c->exit_code;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "sarafw: install takes no file: it installs what the module holds (`sarafw update FILE` sends one)\n");
		return EXIT_USAGE;
	}
	if (expect && (!expect[0] || strlen(expect) > 60)) {
		fprintf(stderr, "sarafw: --expect-version takes the version as ATI9 prints it (\"L0.0.00.00.05.12,A.02.19\") or its modem part\n");
		return EXIT_USAGE;
	}
	return cli_install(c, expect);
}

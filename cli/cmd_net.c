/* sarafw ftp / sarafw http: the module downloads the package itself
 * (note §3, §4), then it is installed and checked as after `update`. Both
 * run the library's download engine the same way (run_download): the
 * state file keeps its record so a stopped sarafw resumes, progress comes
 * from the status URCs (R410M/R412M) or as elapsed time against the time
 * the radio rate gives (R422 family), and Ctrl-C cancels what the module
 * allows. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rat.h"
#include "sarafw/error.h"
#include "sarafw/net.h"
#include "sarafw/timeouts.h"
#include "sarafw/variant.h"
#include "signals.h"

#include "cli.h"

/* The first line of path, without its line end: passwords stay off the
 * command line (and out of ps). */
static int read_secret(const char *path, char *out, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;
	if (!f) {
		fprintf(stderr, "sarafw: cannot read --password-file %s: %s\n", path, strerror(errno));
		return EXIT_USAGE;
	}
	if (!fgets(out, (int)size, f))
		out[0] = '\0';
	fclose(f);
	n = strcspn(out, "\r\n");
	out[n] = '\0';
	if (strchr(out, '"')) {
		fprintf(stderr, "sarafw: the password in %s holds a '\"', which an AT string cannot carry\n", path);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static bool md5_arg(const char *s)
{
	if (strlen(s) != SARAFW_NET_MD5_LEN)
		return false;
	for (; *s; s++)
		if (!strchr("0123456789abcdefABCDEF", *s))
			return false;
	return true;
}

/* ---- The options both commands take ---------------------------------------- */

enum { OPT_SERVER = 256, OPT_USER, OPT_PWFILE, OPT_FILE, OPT_ACCOUNT, OPT_RESUME, OPT_CANCEL, OPT_MD5,
       OPT_NOINSTALL, OPT_EXPECT, OPT_URL, OPT_RAT, OPT_BANDWIDTH, OPT_SIZE, OPT_PACKAGE };

#define COMMON_OPTIONS                                                                                   \
	{ .name = "user", .has_arg = required_argument, .val = OPT_USER },                               \
	{ .name = "password-file", .has_arg = required_argument, .val = OPT_PWFILE },                    \
	{ .name = "md5", .has_arg = required_argument, .val = OPT_MD5 },                                 \
	{ .name = "no-install", .has_arg = no_argument, .val = OPT_NOINSTALL },                          \
	{ .name = "expect-version", .has_arg = required_argument, .val = OPT_EXPECT },                   \
	{ .name = "rat", .has_arg = required_argument, .val = OPT_RAT },                                 \
	{ .name = "bandwidth", .has_arg = required_argument, .val = OPT_BANDWIDTH },                     \
	{ .name = "size", .has_arg = required_argument, .val = OPT_SIZE },                               \
	{ .name = "package", .has_arg = required_argument, .val = OPT_PACKAGE }

typedef struct net_opts {
	const char *user, *pwfile, *md5, *expect;
	bool no_install;
	enum rat rat;
	unsigned long long bps;  /* 0: the RAT's */
	unsigned long long size; /* 0: unknown */
	char password[256];
} net_opts;

static bool number_arg(const char *opt, const char *arg, unsigned long long *out)
{
	char *end;
	errno = 0;
	*out = strtoull(arg, &end, 10);
	if (!arg[0] || *end || errno || *out == 0 || arg[0] == '-') {
		fprintf(stderr, "sarafw: %s takes a whole number > 0, got '%s'\n", opt, arg);
		return false;
	}
	return true;
}

/* One of the options above: EXIT_OK, EXIT_USAGE, or -1 if it is not one. */
static int common_option(net_opts *o, int opt)
{
	struct stat st;
	switch (opt) {
	case OPT_USER: o->user = optarg; return EXIT_OK;
	case OPT_PWFILE: o->pwfile = optarg; return EXIT_OK;
	case OPT_MD5:
		o->md5 = optarg;
		if (md5_arg(optarg))
			return EXIT_OK;
		fprintf(stderr, "sarafw: --md5 takes 32 hex digits\n");
		return EXIT_USAGE;
	case OPT_NOINSTALL: o->no_install = true; return EXIT_OK;
	case OPT_EXPECT: o->expect = optarg; return EXIT_OK;
	case OPT_RAT:
		if (rat_parse(optarg, &o->rat) == 0)
			return EXIT_OK;
		fprintf(stderr, "sarafw: --rat takes m1, nb1 or gsm (the radio the module downloads over), got '%s'\n", optarg);
		return EXIT_USAGE;
	case OPT_BANDWIDTH: return number_arg("--bandwidth", optarg, &o->bps) ? EXIT_OK : EXIT_USAGE;
	case OPT_SIZE: return number_arg("--size", optarg, &o->size) ? EXIT_OK : EXIT_USAGE;
	case OPT_PACKAGE:
		/* the same file as on the server: only its size is used */
		if (stat(optarg, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
			o->size = (unsigned long long)st.st_size;
			return EXIT_OK;
		}
		fprintf(stderr, "sarafw: --package %s: %s\n", optarg, errno ? strerror(errno) : "not a file with data");
		return EXIT_USAGE;
	default:
		return -1;
	}
}

/* ---- Running a download ---------------------------------------------------- */

typedef struct net_run {
	cli *c;
	const net_opts *o;
	const char *what;     /* "FTP", "HTTP" */
	const char *name;     /* the file or URL, for messages */
	sarafw_netdl e;
	sarafw_net_result res;
	bool tty, drawn, urcs;
	int last_decile;
	uint32_t start, next_elapsed, expected_ms;
} net_run;

static uint32_t now_ms(const cli *c)
{
	const sarafw_port *p = c->dev.cfg.port;
	return p->now_ms(p->ctx);
}

static void undraw(net_run *r)
{
	if (r->drawn)
		fputc('\n', stderr);
	r->drawn = false;
}

/* R410M/R412M: the module's status URCs (note §3.3.2). */
static void on_progress(void *ctx, uint32_t stored, uint32_t total)
{
	net_run *r = ctx;
	unsigned pct = total ? (unsigned)((uint64_t)stored * 100u / total) : 0u;
	if (r->c->json) {
		printf("{\"event\":\"progress\",\"stored\":%lu,\"total\":%lu}\n", (unsigned long)stored,
		       (unsigned long)total);
		fflush(stdout);
	} else if (r->tty) {
		fprintf(stderr, "\rdownloading: %lu / %lu bytes (%u%%) ", (unsigned long)stored, (unsigned long)total, pct);
		r->drawn = true;
	} else if ((int)(pct / 10u) != r->last_decile) {
		r->last_decile = (int)(pct / 10u);
		fprintf(stderr, "downloading: %lu / %lu bytes (%u%%)\n", (unsigned long)stored, (unsigned long)total, pct);
	}
}

static void clock_text(char *buf, size_t size, uint32_t ms)
{
	uint32_t s = (ms + 500u) / 1000u;
	if (s >= 60)
		snprintf(buf, size, "%u min %02u s", s / 60u, s % 60u);
	else
		snprintf(buf, size, "%u s", s);
}

/* The R422 family reports nothing until the result: elapsed time, and the
 * time the radio rate gives for the size when it is known. */
static void show_elapsed(net_run *r, uint32_t now, bool first)
{
	uint32_t elapsed = now - r->start;
	char e[32], x[32];
	if (!first && (int32_t)(now - r->next_elapsed) < 0)
		return;
	/* a line at most every 10 % of the expected time (or 10 s) when not on a terminal */
	r->next_elapsed = now + (r->tty ? 1000u : r->expected_ms / 10u > 10000u ? r->expected_ms / 10u : 10000u);
	clock_text(e, sizeof e, elapsed);
	clock_text(x, sizeof x, r->expected_ms);
	if (r->c->json) {
		printf("{\"event\":\"elapsed\",\"elapsed_seconds\":%u", elapsed / 1000u);
		if (r->expected_ms)
			printf(",\"expected_seconds\":%u", r->expected_ms / 1000u);
		printf("}\n");
		fflush(stdout);
		return;
	}
	if (r->tty)
		fputc('\r', stderr);
	if (r->expected_ms)
		fprintf(stderr, "downloading: %s of about %s", e, x);
	else
		fprintf(stderr, "downloading: %s (no progress from this module; --size gives an expected time)", e);
	if (r->tty) {
		fputc(' ', stderr);
		r->drawn = true;
	} else {
		fputc('\n', stderr);
	}
}

/* What the state file made of this run, in one line. */
static void say_start(net_run *r)
{
	if (r->c->json) {
		static const char *const how[] = { "new", "resume", "follow", "reissue" };
		printf("{\"event\":\"start\",\"method\":\"%s\",\"how\":\"%s\",\"replaced\":%s}\n", r->what,
		       how[r->res.how & 3], r->res.replaced ? "true" : "false");
		fflush(stdout);
		return;
	}
	if (r->res.replaced)
		fprintf(stderr, "sarafw: the state file names another %s download: %s\n", r->what,
			r->e.method == SARAFW_DL_FTP ? "cancelling that session on the module first (note §3.2)"
						     : "it is dropped (HTTP has no cancel, note §4) and this one starts");
	if (r->res.how == SARAFW_NET_RESUMED && r->e.ftp && !r->e.ftp->resume)
		fprintf(stderr, "resuming the FTP download of %s a stopped sarafw began (state file; note §3.2)\n",
			r->name);
	else if (r->res.how == SARAFW_NET_REISSUED)
		fprintf(stderr, "asking for %s again: a stopped sarafw began it, and the module resumes from what it stored\n",
			r->name);
}

/* Runs the engine the start function set up; Ctrl-C aborts it. Returns
 * the engine's result, *sig the signal that stopped it (0: none). */
static int run_download(net_run *r, int rc, int *sig)
{
	stop_catch sc;
	bool elapsed = !r->urcs;
	*sig = 0;
	if (rc)
		return rc;
	say_start(r);
	r->start = now_ms(r->c);
	if (elapsed)
		show_elapsed(r, r->start, true);
	stop_catch_begin(&sc);
	do {
		if (stop_signal())
			sarafw_netdl_abort(&r->e);
		rc = sarafw_dev_step(&r->c->dev, &sarafw_netdl_engine, &r->e, SARAFW_POLL_MS);
		if (elapsed && rc == SARAFW_RUNNING && sarafw_netdl_started(&r->e))
			show_elapsed(r, now_ms(r->c), false);
	} while (rc == SARAFW_RUNNING);
	*sig = stop_catch_end(&sc);
	undraw(r);
	return rc;
}

/* The next step after a failure, in the same line as its meaning. */
static const char *next_step(const net_run *r, int rc)
{
	bool ftp = r->e.method == SARAFW_DL_FTP;
	switch (rc) {
	case SARAFW_ETIMEOUT:
		return ftp ? "the module may still be downloading: run the same command again to resume or wait for it, or --cancel"
			   : "the module may still be downloading: the same command later asks again, and the module resumes from what it stored";
	case SARAFW_EBUSY:
		return "another download holds the module (note §7): let it end, then retry";
	case SARAFW_EERROR:
		return ftp ? "check the server, user, password and file name; the same command again resumes (--cancel starts over)"
			   : "check the URL and the server; the same command again resumes from what the module stored";
	default:
		return "check the port and the module with `sarafw info`, then retry";
	}
}

/* After the download: one line on a failure, else install (note §6). */
static int finish(net_run *r, int rc, int sig)
{
	cli *c = r->c;
	const sarafw_net_result *res = &r->res;
	cli_disconnect(c);
	if (sig && rc != SARAFW_OK) {
		if (c->json)
			printf("{\"event\":\"error\",\"code\":%d,\"message\":\"interrupted\"}\n", SARAFW_ECANCEL);
		if (r->e.method == SARAFW_DL_FTP)
			fprintf(stderr, "sarafw: interrupted: %s\n",
				rc == SARAFW_ECANCEL && sarafw_netdl_started(&r->e)
					? "the module's FTP session was cancelled (AT+UFTPC=100,<file>,0, note §3.2); the next `sarafw ftp` starts anew"
					: "no download was running on the module");
		else
			fprintf(stderr, "sarafw: interrupted: %s\n",
				sarafw_netdl_started(&r->e)
					? "the module goes on downloading over HTTP (the note has no cancel); the same `sarafw http` later asks again and the module resumes from what it stored"
					: "no download was running on the module");
		return 128 + sig;
	}
	if (rc) {
		if (c->json)
			printf("{\"event\":\"error\",\"code\":%d,\"message\":\"%s\"}\n", rc, sarafw_strerror(rc));
		if (rc == SARAFW_EPROTO && res->md5[0])
			fprintf(stderr, "sarafw: the module's MD5 %s differs from --md5: not installed; check the file on the server and --md5, then download again\n",
				res->md5);
		else if (res->err_class >= 0)
			fprintf(stderr, "sarafw: the %s download failed: error %d,%d: %s; %s\n", r->what, res->err_class,
				res->err_code, sarafw_net_error_text(res->err_class, res->err_code), next_step(r, rc));
		else if (rc == SARAFW_EERROR && sarafw_dev_last_error(&c->dev, NULL)[0])
			fprintf(stderr, "sarafw: the %s download failed: the module answered %s; %s\n", r->what,
				sarafw_dev_last_error(&c->dev, NULL), next_step(r, rc));
		else
			fprintf(stderr, "sarafw: the %s download failed: %s; %s\n", r->what, sarafw_strerror(rc),
				next_step(r, rc));
		return EXIT_FAIL;
	}
	if (res->http_status && !c->json)
		fprintf(stderr, "HTTP status %u\n", res->http_status);
	if (r->o->md5 && !res->md5[0])
		fprintf(stderr, "sarafw: the module reports no MD5 (note §3.3.2): --md5 was not checked\n");
	if (c->json)
		printf("{\"event\":\"downloaded\",\"method\":\"%s\",\"md5\":\"%s\",\"installed\":false}\n", r->what,
		       res->md5);
	else
		printf("downloaded over %s%s%s\n", r->what, res->md5[0] ? ", MD5 " : "", res->md5);
	if (r->o->no_install && !c->json)
		printf("not installed (--no-install): run `sarafw install` to install it\n");
	fflush(stdout);
	return r->o->no_install ? EXIT_OK : cli_install(c, r->o->expect);
}

/* The variant lacks the method (note Table 1): one line naming those it has. */
static bool has_method(cli *c, unsigned bit, const char *what)
{
	const sarafw_variant *v = c->id.variant;
	if (v && (v->methods & bit))
		return true;
	fprintf(stderr, "sarafw: %s has no firmware download over %s (note Table 1); its methods:",
		c->id.type_number[0] ? c->id.type_number : "this module", what);
	if (v)
		cli_print_methods(stderr, v->methods);
	else
		fprintf(stderr, " unknown (the product version is unknown to sarafw)");
	fprintf(stderr, "\n");
	return false;
}

/* Connects, checks the method and keeps the record in the state file. */
static int prepare(net_run *r, cli *c, const net_opts *o, const char *what, unsigned bit)
{
	int rc;
	memset(r, 0, sizeof *r);
	r->c = c;
	r->o = o;
	r->what = what;
	r->last_decile = -1;
	r->tty = !c->json && isatty(STDERR_FILENO);
	if (cli_install_pending(c))
		return EXIT_FAIL;
	if ((rc = cli_connect(c, NULL, 0, NULL)) != EXIT_OK)
		return rc;
	if (!has_method(c, bit, what)) {
		cli_disconnect(c);
		return EXIT_FAIL;
	}
	if (!cli_state_attach(c))
		fprintf(stderr, "sarafw: no HOME or SARAFW_STATE_DIR: a stopped sarafw cannot resume this download\n");
	/* note §3.3.1: the R422 family reports only the result */
	r->urcs = bit == SARAFW_METHOD_FTP && c->dev.variant->family != SARAFW_FAMILY_R422;
	if (o->size) {
		uint64_t bps = o->bps ? o->bps : rat_bps(o->rat);
		uint64_t ms = o->size * 8u * 1000u / bps;
		r->expected_ms = ms > UINT32_MAX / 4u ? UINT32_MAX / 4u : (uint32_t)ms;
	}
	return EXIT_OK;
}

/* The bound on the result: the library's, or more when the rate says the
 * download takes longer (NB1). */
static uint32_t max_ms(const net_run *r)
{
	uint64_t m = (uint64_t)r->expected_ms * 2u + 300000u;
	return m > SARAFW_NET_DOWNLOAD_MS ? (uint32_t)(m > UINT32_MAX / 2u ? UINT32_MAX / 2u : m) : 0u;
}

/* The library refused the file name: note §3.2's rule on SARA-R410M/R412M. */
static int bad_name(cli *c, const char *file)
{
	cli_disconnect(c);
	fprintf(stderr, "sarafw: %s takes --file as a name without a path, at most %u characters (note §3.2), not %s: put the package in the FTP user's directory\n",
		c->id.type_number, SARAFW_FTP_NAME_MAX, file);
	return EXIT_USAGE;
}

int cmd_ftp(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ .name = "server", .has_arg = required_argument, .val = OPT_SERVER },
		{ .name = "file", .has_arg = required_argument, .val = OPT_FILE },
		{ .name = "account", .has_arg = required_argument, .val = OPT_ACCOUNT },
		{ .name = "resume", .has_arg = no_argument, .val = OPT_RESUME },
		{ .name = "cancel", .has_arg = no_argument, .val = OPT_CANCEL },
		COMMON_OPTIONS,
		{ 0 },
	};
	static char host[256];
	static net_opts o;
	static net_run r;
	sarafw_ftp_config cfg = { 0 };
	const char *server = NULL;
	bool cancel = false;
	int opt, rc, sig;
	memset(&o, 0, sizeof o);
	while ((opt = cli_getopt(c, argc, argv, opts)) != 0) {
		switch (opt) {
		case OPT_SERVER: server = optarg; break;
		case OPT_FILE: cfg.file = optarg; break;
		case OPT_ACCOUNT: cfg.account = optarg; break;
		case OPT_RESUME: cfg.resume = true; break;
		case OPT_CANCEL: cancel = true; break;
		default:
			if (opt < 0)
				return c->exit_code;
			if ((rc = common_option(&o, opt)) != EXIT_OK)
				return rc < 0 ? c->exit_code : rc;
		}
	}
	if (optind != argc || !cfg.file || (!cancel && (!server || !o.user || !o.pwfile))) {
		fprintf(stderr, "sarafw: ftp needs --server HOST[:PORT] --user U --password-file F --file NAME (--cancel: --file only)\n");
		return EXIT_USAGE;
	}
	if (cancel && cfg.resume) {
		fprintf(stderr, "sarafw: ftp takes --resume or --cancel, not both\n");
		return EXIT_USAGE;
	}
	if (server) {
		const char *colon = strrchr(server, ':');
		size_t n = colon ? (size_t)(colon - server) : strlen(server);
		if (n == 0 || n >= sizeof host) {
			fprintf(stderr, "sarafw: bad --server %s\n", server);
			return EXIT_USAGE;
		}
		memcpy(host, server, n);
		host[n] = '\0';
		if (colon) {
			char *end;
			unsigned long port = strtoul(colon + 1, &end, 10);
			if (!colon[1] || *end || port == 0 || port > 65535) {
				fprintf(stderr, "sarafw: bad port in --server %s\n", server);
				return EXIT_USAGE;
			}
			cfg.port = (uint16_t)port;
		}
		cfg.server = host;
	}
	if (o.pwfile && (rc = read_secret(o.pwfile, o.password, sizeof o.password)) != EXIT_OK)
		return rc;
	cfg.user = o.user;
	cfg.password = o.password;
	cfg.md5 = o.md5;
	if ((rc = prepare(&r, c, &o, "FTP", SARAFW_METHOD_FTP)) != EXIT_OK)
		return rc;
	r.name = cfg.file;
	if (cancel) {
		/* note §3.2: a cancelled session cannot be resumed */
		rc = sarafw_ftp_cancel(&c->dev, cfg.file, 0);
		if (rc == SARAFW_EINVAL)
			return bad_name(c, cfg.file);
		cli_disconnect(c);
		if (rc) {
			fprintf(stderr, "sarafw: cancelling the FTP download failed: %s; %s\n", sarafw_strerror(rc),
				rc == SARAFW_EERROR ? "no session was running for that file" : "retry, or check with `sarafw info`");
			return EXIT_FAIL;
		}
		printf("FTP download of %s cancelled; a new one starts from the beginning\n", cfg.file);
		return EXIT_OK;
	}
	cfg.progress = on_progress;
	cfg.progress_ctx = &r;
	cfg.since = (uint32_t)time(NULL);
	cfg.max_ms = max_ms(&r);
	if (!c->json)
		fprintf(stderr, "%s: the module %s %s from %s over FTP\n", c->id.type_number,
			cfg.resume ? "resumes downloading" : "downloads", cfg.file, cfg.server);
	rc = sarafw_ftp_start(&r.e, &c->dev, &cfg, &r.res, now_ms(c));
	if (rc == SARAFW_EINVAL) /* the options were checked: the name it is */
		return bad_name(c, cfg.file);
	rc = run_download(&r, rc, &sig);
	return finish(&r, rc, sig);
}

int cmd_http(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ .name = "url", .has_arg = required_argument, .val = OPT_URL },
		COMMON_OPTIONS,
		{ 0 },
	};
	static char host[256];
	static net_opts o;
	static net_run r;
	sarafw_http_config cfg = { 0 };
	const char *url = NULL;
	int opt, rc, sig;
	memset(&o, 0, sizeof o);
	while ((opt = cli_getopt(c, argc, argv, opts)) != 0) {
		if (opt == OPT_URL) {
			url = optarg;
			continue;
		}
		if (opt < 0)
			return c->exit_code;
		if ((rc = common_option(&o, opt)) != EXIT_OK)
			return rc < 0 ? c->exit_code : rc;
	}
	if (optind != argc || !url || (!o.user != !o.pwfile)) {
		fprintf(stderr, "sarafw: http needs --url URL, and --user with --password-file or neither\n");
		return EXIT_USAGE;
	}
	if (sarafw_http_url(url, &cfg, host, sizeof host) != SARAFW_OK) {
		fprintf(stderr, "sarafw: bad --url %s: use http[s]://HOST[:PORT]/PATH\n", url);
		return EXIT_USAGE;
	}
	if (o.pwfile) {
		if ((rc = read_secret(o.pwfile, o.password, sizeof o.password)) != EXIT_OK)
			return rc;
		cfg.user = o.user;
		cfg.password = o.password;
	}
	cfg.md5 = o.md5;
	if ((rc = prepare(&r, c, &o, "HTTP", SARAFW_METHOD_HTTP)) != EXIT_OK)
		return rc;
	r.name = url;
	cfg.since = (uint32_t)time(NULL);
	cfg.max_ms = max_ms(&r);
	if (!c->json)
		fprintf(stderr, "%s: the module downloads %s over HTTP\n", c->id.type_number, url);
	rc = run_download(&r, sarafw_http_start(&r.e, &c->dev, &cfg, &r.res, now_ms(c)), &sig);
	return finish(&r, rc, sig);
}

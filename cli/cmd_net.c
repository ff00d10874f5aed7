/* sarafw ftp / sarafw http: the module downloads the package itself
 * (note §3, §4), then it is installed and checked as after `update`. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sarafw/error.h"
#include "sarafw/net.h"
#include "sarafw/variant.h"

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

static void on_progress(void *ctx, uint32_t stored, uint32_t total)
{
	cli *c = ctx;
	if (c->json)
		printf("{\"event\":\"progress\",\"stored\":%lu,\"total\":%lu}\n", (unsigned long)stored,
		       (unsigned long)total);
	else
		fprintf(stderr, "downloading: %lu / %lu bytes (%lu%%)\n", (unsigned long)stored, (unsigned long)total,
			total ? (unsigned long)((uint64_t)stored * 100u / total) : 0ul);
	fflush(stdout);
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

/* After the download: the result line, then install (note §6). */
static int finish(cli *c, const char *what, int rc, const sarafw_net_result *res, bool md5,
		  bool no_install, const char *expect)
{
	if (rc) {
		cli_disconnect(c);
		if (c->json)
			printf("{\"event\":\"error\",\"code\":%d,\"message\":\"%s\"}\n", rc, sarafw_strerror(rc));
		if (res->err_class >= 0)
			fprintf(stderr, "sarafw: the %s download failed: error %d,%d: %s\n", what, res->err_class,
				res->err_code, sarafw_net_error_text(res->err_class, res->err_code));
		else if (rc == SARAFW_EPROTO && res->md5[0])
			fprintf(stderr, "sarafw: the module's MD5 %s differs from --md5: not installed\n", res->md5);
		else if (rc == SARAFW_EERROR && sarafw_dev_last_error(&c->dev, NULL)[0])
			fprintf(stderr, "sarafw: the %s download failed: the module answered %s\n", what,
				sarafw_dev_last_error(&c->dev, NULL));
		else
			fprintf(stderr, "sarafw: the %s download failed: %s\n", what, sarafw_strerror(rc));
		return EXIT_FAIL;
	}
	cli_disconnect(c);
	if (md5 && !res->md5[0])
		fprintf(stderr, "sarafw: the module reports no MD5 (note §3.3.2): --md5 was not checked\n");
	if (c->json)
		printf("{\"event\":\"downloaded\",\"method\":\"%s\",\"md5\":\"%s\",\"installed\":false}\n", what,
		       res->md5);
	else
		printf("downloaded over %s%s%s\n", what, res->md5[0] ? ", MD5 " : "", res->md5);
	if (no_install && !c->json)
		printf("not installed (--no-install): run `sarafw install` to install it\n");
	fflush(stdout);
	return no_install ? EXIT_OK : cli_install(c, expect);
}

enum { OPT_SERVER = 256, OPT_USER, OPT_PWFILE, OPT_FILE, OPT_ACCOUNT, OPT_RESUME, OPT_CANCEL, OPT_MD5,
       OPT_NOINSTALL, OPT_EXPECT, OPT_URL };

int cmd_ftp(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ .name = "server", .has_arg = required_argument, .val = OPT_SERVER },
		{ .name = "user", .has_arg = required_argument, .val = OPT_USER },
		{ .name = "password-file", .has_arg = required_argument, .val = OPT_PWFILE },
		{ .name = "file", .has_arg = required_argument, .val = OPT_FILE },
		{ .name = "account", .has_arg = required_argument, .val = OPT_ACCOUNT },
		{ .name = "resume", .has_arg = no_argument, .val = OPT_RESUME },
		{ .name = "cancel", .has_arg = no_argument, .val = OPT_CANCEL },
		{ .name = "md5", .has_arg = required_argument, .val = OPT_MD5 },
		{ .name = "no-install", .has_arg = no_argument, .val = OPT_NOINSTALL },
		{ .name = "expect-version", .has_arg = required_argument, .val = OPT_EXPECT },
		{ 0 },
	};
	static char host[256], password[256];
	sarafw_ftp_config cfg = { 0 };
	sarafw_net_result res;
	const char *server = NULL, *pwfile = NULL, *expect = NULL;
	bool cancel = false, no_install = false;
	int opt, rc;
	while ((opt = cli_getopt(c, argc, argv, opts)) != 0) {
		switch (opt) {
		case OPT_SERVER: server = optarg; break;
		case OPT_USER: cfg.user = optarg; break;
		case OPT_PWFILE: pwfile = optarg; break;
		case OPT_FILE: cfg.file = optarg; break;
		case OPT_ACCOUNT: cfg.account = optarg; break;
		case OPT_RESUME: cfg.resume = true; break;
		case OPT_CANCEL: cancel = true; break;
		case OPT_MD5: cfg.md5 = optarg; break;
		case OPT_NOINSTALL: no_install = true; break;
		case OPT_EXPECT: expect = optarg; break;
		default: return c->exit_code;
		}
	}
	if (optind != argc || !cfg.file || (!cancel && (!server || !cfg.user || !pwfile))) {
		fprintf(stderr, "sarafw: ftp needs --server HOST[:PORT] --user U --password-file F --file NAME (--cancel: --file only)\n");
		return EXIT_USAGE;
	}
	if (cancel && cfg.resume) {
		fprintf(stderr, "sarafw: ftp takes --resume or --cancel, not both\n");
		return EXIT_USAGE;
	}
	if (cfg.md5 && !md5_arg(cfg.md5)) {
		fprintf(stderr, "sarafw: --md5 takes 32 hex digits\n");
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
	if (pwfile && (rc = read_secret(pwfile, password, sizeof password)) != EXIT_OK)
		return rc;
	cfg.password = password;
	if (cli_install_pending(c))
		return EXIT_FAIL;
	rc = cli_connect(c, NULL, 0, NULL);
	if (rc)
		return rc;
	if (!has_method(c, SARAFW_METHOD_FTP, "FTP")) {
		cli_disconnect(c);
		return EXIT_FAIL;
	}
	if (cancel) {
		/* note §3.2: a cancelled session cannot be resumed */
		rc = sarafw_ftp_cancel(&c->dev, cfg.file, 0);
		cli_disconnect(c);
		if (rc) {
			fprintf(stderr, "sarafw: cancelling the FTP download failed: %s\n", sarafw_strerror(rc));
			return EXIT_FAIL;
		}
		printf("FTP download of %s cancelled; a new one starts from the beginning\n", cfg.file);
		return EXIT_OK;
	}
	cfg.progress = on_progress;
	cfg.progress_ctx = c;
	if (!c->json)
		fprintf(stderr, "%s: the module %s %s from %s over FTP\n", c->id.type_number,
			cfg.resume ? "resumes downloading" : "downloads", cfg.file, cfg.server);
	rc = sarafw_ftp_download(&c->dev, &cfg, &res);
	return finish(c, "FTP", rc, &res, cfg.md5 != NULL, no_install, expect);
}

int cmd_http(cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ .name = "url", .has_arg = required_argument, .val = OPT_URL },
		{ .name = "user", .has_arg = required_argument, .val = OPT_USER },
		{ .name = "password-file", .has_arg = required_argument, .val = OPT_PWFILE },
		{ .name = "md5", .has_arg = required_argument, .val = OPT_MD5 },
		{ .name = "no-install", .has_arg = no_argument, .val = OPT_NOINSTALL },
		{ .name = "expect-version", .has_arg = required_argument, .val = OPT_EXPECT },
		{ 0 },
	};
	static char host[256], password[256];
	sarafw_http_config cfg = { 0 };
	sarafw_net_result res;
	const char *url = NULL, *pwfile = NULL, *expect = NULL;
	bool no_install = false;
	int opt, rc;
	while ((opt = cli_getopt(c, argc, argv, opts)) != 0) {
		switch (opt) {
		case OPT_URL: url = optarg; break;
		case OPT_USER: cfg.user = optarg; break;
		case OPT_PWFILE: pwfile = optarg; break;
		case OPT_MD5: cfg.md5 = optarg; break;
		case OPT_NOINSTALL: no_install = true; break;
		case OPT_EXPECT: expect = optarg; break;
		default: return c->exit_code;
		}
	}
	if (optind != argc || !url || (!cfg.user != !pwfile)) {
		fprintf(stderr, "sarafw: http needs --url URL, and --user with --password-file or neither\n");
		return EXIT_USAGE;
	}
	if (cfg.md5 && !md5_arg(cfg.md5)) {
		fprintf(stderr, "sarafw: --md5 takes 32 hex digits\n");
		return EXIT_USAGE;
	}
	if (sarafw_http_url(url, &cfg, host, sizeof host) != SARAFW_OK) {
		fprintf(stderr, "sarafw: bad --url %s: use http[s]://HOST[:PORT]/PATH\n", url);
		return EXIT_USAGE;
	}
	if (pwfile) {
		if ((rc = read_secret(pwfile, password, sizeof password)) != EXIT_OK)
			return rc;
		cfg.password = password;
	}
	if (cli_install_pending(c))
		return EXIT_FAIL;
	rc = cli_connect(c, NULL, 0, NULL);
	if (rc)
		return rc;
	if (!has_method(c, SARAFW_METHOD_HTTP, "HTTP")) {
		cli_disconnect(c);
		return EXIT_FAIL;
	}
	if (!c->json)
		fprintf(stderr, "%s: the module downloads %s over HTTP\n", c->id.type_number, url);
	rc = sarafw_http_download(&c->dev, &cfg, &res);
	if (rc == SARAFW_OK && !c->json && res.http_status)
		fprintf(stderr, "HTTP status %u\n", res.http_status);
	return finish(c, "HTTP", rc, &res, cfg.md5 != NULL, no_install, expect);
}

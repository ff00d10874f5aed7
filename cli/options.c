/* Command-line options: the global ones (--port, --baud, --json, --trace,
 * --help, --version) are taken before or after the command, as git,
 * esptool and dfu-util take theirs; a command's own options follow it. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "baud.h"
#include "cli.h"
#include "sarafw/version.h"

#define MAX_OPTS 32 /* global and one command's options together */

enum { OPT_JSON = 0x4000, OPT_TRACE }; /* above any command's own values */

static const struct option globals[] = {
	{ .name = "port", .has_arg = required_argument, .val = 'p' },
	{ .name = "baud", .has_arg = required_argument, .val = 'b' },
	{ .name = "json", .has_arg = no_argument, .val = OPT_JSON },
	{ .name = "trace", .has_arg = required_argument, .val = OPT_TRACE },
	{ .name = "help", .has_arg = no_argument, .val = 'h' },
	{ .name = "version", .has_arg = no_argument, .val = 'V' },
	{ 0 },
};

int cli_baud_arg(const char *what, const char *arg, unsigned long *baud)
{
	uint32_t v = baud_parse(arg);
	char list[160];
	if (!baud_is_module(v)) {
		fprintf(stderr, "sarafw: %s%s%s: a SARA-R4 runs at %s baud\n", what,
			what[0] == '-' ? " " : "=", arg, baud_module_list(list, sizeof list));
		return EXIT_USAGE;
	}
	*baud = v;
	return EXIT_OK;
}

static int open_trace(cli *c, const char *path)
{
	FILE *f = fopen(path, "w");
	const char *next = "choose another file";
	if (f) {
		if (c->trace)
			fclose(c->trace);
		c->trace = f;
		return EXIT_OK;
	}
	if (errno == ENOENT)
		next = "create its folder first";
	else if (errno == EACCES || errno == EROFS)
		next = "choose a folder you can write to";
	else if (errno == EISDIR)
		next = "give a file name, not a folder";
	fprintf(stderr, "sarafw: cannot write trace file %s: %s: %s\n", path, strerror(errno), next);
	return EXIT_USAGE;
}

/* Defaults from the environment once the options are read: flags win. */
static int settle(cli *c)
{
	const char *env;
	double scale;
	if (!c->port_path && (env = getenv("SARAFW_PORT")) && *env)
		c->port_path = env;
	if (!c->baud_given && (env = getenv("SARAFW_BAUD")) && *env &&
	    cli_baud_arg("SARAFW_BAUD", env, &c->baud))
		return EXIT_USAGE;
	if (sarafw_posix_time_scale(&scale) < 0) {
		fprintf(stderr, "sarafw: SARAFW_TIME_SCALE=%s: give a number above 0 (the X of sarafw-sim --time-scale X) or unset it\n",
			getenv("SARAFW_TIME_SCALE"));
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static bool has_name(const struct option *o, const char *name)
{
	for (; o && o->name; o++)
		if (strcmp(o->name, name) == 0)
			return true;
	return false;
}

static const struct option *find_val(const struct option *o, int val)
{
	for (; o && o->name; o++)
		if (o->val == val)
			return o;
	return NULL;
}

/* One line for what getopt refused. */
static void refused(int opt, int argc, char **argv, const struct option *all)
{
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	if (optopt && strncmp(arg, "--", 2) != 0) {
		const struct option *o = find_val(all, optopt);
		if (opt == ':')
			fprintf(stderr, "sarafw: -%c%s%s needs a value (see sarafw --help)\n", optopt,
				o ? ", --" : "", o ? o->name : "");
		else
			fprintf(stderr, "sarafw: unknown option -%c (see sarafw --help)\n", optopt);
		return;
	}
	const char *eq = strchr(arg, '=');
	int len = eq ? (int)(eq - arg) : (int)strlen(arg);
	if (opt == ':')
		fprintf(stderr, "sarafw: %.*s needs a value (see sarafw --help)\n", len, arg);
	else if (eq && optopt)
		fprintf(stderr, "sarafw: %.*s takes no value (see sarafw --help)\n", len, arg);
	else
		fprintf(stderr, "sarafw: unknown option %.*s (see sarafw --help)\n", len, arg);
}

/* The next option: own's (returned), or a global one (handled here).
 * in_order stops at the first argument that is not an option. */
static int next(cli *c, int argc, char **argv, const struct option *own, bool in_order)
{
	struct option all[MAX_OPTS + 1];
	char shorts[3 * MAX_OPTS + 3];
	size_t n = 0, n_own = 0, k = 0;

	for (const struct option *o = own; o && o->name && n < MAX_OPTS; o++)
		all[n++] = *o;
	n_own = n;
	for (const struct option *o = globals; o->name && n < MAX_OPTS; o++)
		if (!has_name(own, o->name)) /* the command's own meaning wins */
			all[n++] = *o;
	all[n] = (struct option){ 0 };
	if (in_order)
		shorts[k++] = '+';
	shorts[k++] = ':';
	for (size_t i = 0; i < n; i++) {
		int v = all[i].val;
		if (v > 0 && v < 128 && ((v | 0x20) >= 'a' && (v | 0x20) <= 'z') && !memchr(shorts, v, k)) {
			shorts[k++] = (char)v;
			if (all[i].has_arg == required_argument)
				shorts[k++] = ':';
		}
	}
	shorts[k] = '\0';

	opterr = 0;
	for (;;) {
		int idx = -1;
		int opt = getopt_long(argc, argv, shorts, all, &idx);
		if (opt == -1) {
			/* in order: main stops at the command, whose options follow */
			c->exit_code = in_order ? EXIT_OK : settle(c);
			return c->exit_code ? -1 : 0;
		}
		if (opt == '?' || opt == ':') {
			refused(opt, argc, argv, all);
			c->exit_code = EXIT_USAGE;
			return -1;
		}
		if (idx >= 0 ? (size_t)idx < n_own : find_val(own, opt) != NULL)
			return opt;
		c->exit_code = EXIT_OK;
		switch (opt) {
		case 'p':
			c->port_path = optarg;
			break;
		case 'b':
			c->exit_code = cli_baud_arg("--baud", optarg, &c->baud);
			c->baud_given = true;
			break;
		case OPT_JSON:
			c->json = true;
			break;
		case OPT_TRACE:
			c->exit_code = open_trace(c, optarg);
			break;
		case 'h':
			cli_usage(stdout);
			return -1;
		case 'V':
			printf("sarafw %s (libsarafw %s)\n", SARAFW_VERSION, SARAFW_VERSION_STRING);
			return -1;
		}
		if (c->exit_code)
			return -1;
	}
}

int cli_global_options(cli *c, int argc, char **argv)
{
	return next(c, argc, argv, NULL, true);
}

int cli_getopt(cli *c, int argc, char **argv, const struct option *own)
{
	return next(c, argc, argv, own, false);
}

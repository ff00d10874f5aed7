/* sarafw: firmware updates for u-blox SARA-R4 modules over a serial port. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct {
	const char *name;
	int (*run)(cli *c, int argc, char **argv);
	const char *help;
} commands[] = {
	{ "info", cmd_info, "model, firmware versions, IMEI, MNO profile, update methods and URCs" },
	{ "update", cmd_update, "FILE [--method xmodem|xmodem1k] [--baud N]: download a package (FOAT)" },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: sarafw --port PATH [options] COMMAND [args]\n\n"
		   "options:\n"
		   "  -p, --port PATH    serial port of the module (or sarafw-sim's link)\n"
		   "  -b, --baud N       host baud rate (default 115200, the module's factory +IPR)\n"
		   "      --json         machine-readable output\n"
		   "      --trace FILE   write every AT line and protocol event with a timestamp\n"
		   "  -h, --help         this help\n"
		   "  -V, --version      version\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\nexit codes: 0 ok, 1 failed, 2 usage, 3 no such port, 4 port busy,\n"
		   "            5 no answer, 6 wrong baud rate, 7 port unusable\n"
		   "SARAFW_TIME_SCALE=X divides every wait by X (for sarafw-sim --time-scale X).\n");
}

int main(int argc, char **argv)
{
	enum { OPT_JSON = 256, OPT_TRACE };
	static const struct option opts[] = {
		{ "port", required_argument, NULL, 'p' },   { "baud", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, OPT_JSON },     { "trace", required_argument, NULL, OPT_TRACE },
		{ "help", no_argument, NULL, 'h' },         { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static cli c;
	int opt;
	c.baud = 115200;
	/* '+' stops at the command, whose own options follow it */
	while ((opt = getopt_long(argc, argv, "+p:b:hV", opts, NULL)) != -1) {
		switch (opt) {
		case 'p':
			c.port_path = optarg;
			break;
		case 'b': {
			char *end;
			c.baud = strtoul(optarg, &end, 10);
			if (*end || !sarafw_posix_speed((uint32_t)c.baud)) {
				fprintf(stderr, "sarafw: --baud %s: use a standard rate, 921600 or 3000000\n", optarg);
				return EXIT_USAGE;
			}
			c.baud_given = true;
			break;
		}
		case OPT_JSON:
			c.json = true;
			break;
		case OPT_TRACE:
			c.trace = fopen(optarg, "w");
			if (!c.trace) {
				fprintf(stderr, "sarafw: cannot write trace file %s\n", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("sarafw %s\n", SARAFW_VERSION);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (strcmp(argv[optind], commands[i].name) != 0)
			continue;
		if (!c.port_path) {
			fprintf(stderr, "sarafw: %s needs --port PATH (e.g. --port /dev/ttyUSB0)\n", commands[i].name);
			return EXIT_USAGE;
		}
		int rc = commands[i].run(&c, argc - optind, argv + optind);
		if (c.trace)
			fclose(c.trace);
		return rc;
	}
	fprintf(stderr, "sarafw: unknown command '%s' (see sarafw --help)\n", argv[optind]);
	return EXIT_USAGE;
}

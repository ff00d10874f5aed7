/* sarafw: firmware updates for u-blox SARA-R4 modules over a serial port. */
#include <string.h>

#include "cli.h"

static const struct {
	const char *name;
	int (*run)(cli *c, int argc, char **argv);
	const char *help;
} commands[] = {
	{ .name = "info", .run = cmd_info,
	  .help = "model, firmware versions, IMEI, MNO profile, update methods and URCs" },
	{ .name = "update", .run = cmd_update,
	  .help = "FILE [--method auto|udwnfile|xmodem1k|xmodem] [--baud N] [--max-baud N]\n"
		  "             [--dry-run] [--no-install] [--expect-version V]: download a package\n"
		  "             (FOAT) by the fastest safe path, install it and check the version" },
	{ .name = "install", .run = cmd_install,
	  .help = "[--expect-version V]: install the package the module holds (AT+UFWINSTALL),\n"
		  "             or wait again for an install a stopped sarafw left" },
	{ .name = "ftp", .run = cmd_ftp,
	  .help = "--server HOST[:PORT] --user U --password-file F --file NAME [--account A]\n"
		  "             [--resume|--cancel] [--md5 SUM] [--no-install] [--expect-version V]\n"
		  "             [--rat m1|nb1|gsm] [--bandwidth BPS] [--size BYTES|--package FILE]:\n"
		  "             the module downloads the package over FTP (AT+UFTPC=100), then install;\n"
		  "             a stopped sarafw's download resumes" },
	{ .name = "http", .run = cmd_http,
	  .help = "--url URL [--user U --password-file F] [--md5 SUM] [--no-install]\n"
		  "             [--expect-version V] [--rat m1|nb1|gsm] [--bandwidth BPS]\n"
		  "             [--size BYTES|--package FILE]: the module downloads the package over\n"
		  "             HTTP (AT+UHTTPC=0,100), then install" },
	{ .name = "ufota", .run = cmd_ufota,
	  .help = "status | watch [--follow] [--timeout S] [--no-failsafe] [--no-urcs] [--edrx-off]\n"
		  "             [--refuse | --decide CMD] | checkin [--server ID] | lifetime [SECONDS|off] |\n"
		  "             cancel [--timeout S] | urcs on|off | deregister | vzw-apn: the module's LwM2M\n"
		  "             client updates it (note §2); watch follows the download and install to the\n"
		  "             new version; at a download's start --refuse cancels it, --decide runs CMD\n"
		  "             (sh -c) and cancels it unless CMD exits 0 (note §2.7.3, §2.6.5)" },
	{ .name = "flash", .run = cmd_flash,
	  .help = "IMAGE [--pub KEY.pub] [--wait S] [--backup-dir DIR]: write an image bundle\n"
		  "             over the module's flash mode (EasyFlash, note §9): power the module on\n"
		  "             when asked; its device data (IMEI) is backed up first and restored" },
	{ .name = "files", .run = cmd_files,
	  .help = "ls | put LOCAL [NAME] [--baud N] | get NAME [LOCAL|-] | rm NAME: user files" },
	{ .name = "profile", .run = cmd_profile,
	  .help = "FILE [--baud N] [--select]: send a carrier profile (.mbn), name the new\n"
		  "             AT+UMNOPROF id (--select: select it and restart the module)" },
	{ .name = "pkg", .run = cmd_pkg,
	  .help = "signed update packages, on the host (no port):\n"
		  "             pkg keygen -o KEY: an Ed25519 key pair, KEY and KEY.pub\n"
		  "             pkg create --product P --key KEY -o OUT and any of\n"
		  "               --from OLD --from-version V1 --to NEW --to-version V2 (a delta),\n"
		  "               --full --to NEW --to-version V2 (the whole image), --boot\n"
		  "               (it rewrites boot code), --profile F.mbn --profile-id N\n"
		  "               [--profile-name S], --nvm KEY=VALUE (repeatable)\n"
		  "             pkg bundle --product P --version V --programmer FILE --key KEY\n"
		  "               -o OUT NAME=FILE...: an image bundle for `flash` (sbl=, modem=,\n"
		  "               apps=, mno=, efs=)\n"
		  "             pkg inspect FILE: what a package or a bundle holds\n"
		  "             pkg verify FILE --pub KEY.pub: check its signature\n"
		  "             pkg apply FILE [--from OLD] -o NEW: make the firmware image\n"
		  "             pkg upload FILE: store it on sarafw-server (prints its SHA-256)\n"
		  "             pkg config --product P --from V1 --to V2 --package SHA256 -o OUT:\n"
		  "               the configuration file the legacy versions take first (note §2.6.2)" },
	{ .name = "campaign", .run = cmd_campaign,
	  .help = "campaigns on sarafw-server (note §2.7), with --server URL --token-file F:\n"
		  "             campaign list | show ID | report ID\n"
		  "             campaign create --name N --product P --from-version V1 --to-version V2\n"
		  "               --package SHA256 --imeis FILE [--test-size 1..5] [--group-size N]\n"
		  "               [--success-threshold PCT] [--error-threshold PCT] [--pause-after-group]\n"
		  "               [--start T] [--end T] [--window HH:MM-HH:MM] [--transport http|coap]\n"
		  "               [--location-area A] [--action-timeout S] [--max-retries N]\n"
		  "               [--retry-backoff S]\n"
		  "             campaign approve ID | accept-test ID (approver)\n"
		  "             campaign pause ID | resume ID | cancel ID [--force] (operator)" },
	{ .name = "devices", .run = cmd_devices,
	  .help = "the devices sarafw-server knows (--server URL --token-file F)" },
};

void cli_usage(FILE *f)
{
	fprintf(f, "usage: sarafw [options] COMMAND [args] [options]\n\n"
		   "options (before or after the command):\n"
		   "  -p, --port PATH    serial port of the module (or sarafw-sim's link);\n"
		   "                     default $SARAFW_PORT\n"
		   "  -b, --baud N       the module's +IPR rate (default $SARAFW_BAUD, else 115200);\n"
		   "                     after `update`, `files put` or `profile`, the rate of\n"
		   "                     the transfer itself\n"
		   "      --json         machine-readable output\n"
		   "      --trace FILE   write every AT line and protocol event with a timestamp\n"
		   "  -h, --help         this help\n"
		   "  -V, --version      sarafw's and libsarafw's versions\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\nexit codes: 0 ok, 1 failed, 2 usage, 3 no such port, 4 port busy,\n"
		   "            5 no answer, 6 wrong baud rate, 7 port unusable,\n"
		   "            8 sarafw-server unreachable, 9 token refused (401) or role (403)\n"
		   "SARAFW_TIME_SCALE=X divides every wait by X (for sarafw-sim --time-scale X).\n"
		   "\nupdate: auto (the default) uses +UDWNFILE where the module has FOAT, else\n"
		   "XMODEM-1k, at the highest rate both the module and the port carry: a\n"
		   "pseudo-terminal or the module's USB any, a known USB-serial chip its\n"
		   "datasheet's top rate, an unknown adapter the current rate (--baud N forces a\n"
		   "rate, --max-baud N caps it). The plan is printed before the transfer;\n"
		   "--dry-run prints it and stops. SARAFW_SYSFS (default /sys) is where the\n"
		   "port's driver and USB ids are read.\n"
		   "\ninstall (and update, unless --no-install): AT+UFWINSTALL, the progress\n"
		   "(percent on the SARA-R422 family, time against the note's maximum elsewhere)\n"
		   "and the result code with its meaning, then the version (V: ATI9's pair\n"
		   "\"L0.0.00.00.05.12,A.02.19\" or the modem version alone). The module is never\n"
		   "reset meanwhile; Ctrl-C stops the wait, not the install, and a file in\n"
		   "$SARAFW_STATE_DIR (default ~/.local/state/sarafw) makes the next sarafw\n"
		   "wait for it again.\n"
		   "\npkg: versions are written as ATI9 prints them (L0.0.00.00.05.12,A.02.19 or\n"
		   "00.12,A00.01). tests/keys/demo.key is the project's DEMO key, which the\n"
		   "simulator trusts by default: never use it for a real module.\n"
		   "\ncampaign, devices, pkg upload: --server URL (default $SARAFW_SERVER) is\n"
		   "sarafw-server's --http address; --token-file F (default $SARAFW_TOKEN_FILE)\n"
		   "holds a token on its first line. --start and --end: UTC as\n"
		   "2026-12-24T08:00Z, or epoch seconds. --imeis FILE: IMEIs separated by\n"
		   "spaces, commas or lines; '#' starts a comment; '-' reads stdin.\n");
}

int main(int argc, char **argv)
{
	static cli c;
	c.baud = 115200;
	if (cli_global_options(&c, argc, argv) < 0)
		return c.exit_code;
	if (optind >= argc) {
		cli_usage(stderr);
		return EXIT_USAGE;
	}
	int at = optind;
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		if (strcmp(argv[at], commands[i].name) != 0)
			continue;
		c.command = commands[i].name;
		optind = 0; /* glibc: a fresh scan of the command's arguments */
		int rc = commands[i].run(&c, argc - at, argv + at);
		if (c.trace)
			fclose(c.trace);
		return rc;
	}
	fprintf(stderr, "sarafw: unknown command '%s' (see sarafw --help)\n", argv[at]);
	return EXIT_USAGE;
}

/* sarafw update: download a firmware package into the module (FOAT). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "progress.h"
#include "sarafw/error.h"
#include "sarafw/foat.h"

typedef struct {
	int fd;
	progress prog;
	sarafw_foat_phase phase; /* the last phase reported */
	bool stored;             /* the module confirmed the package */
} job;

static int read_pkg(void *ctx, uint32_t offset, uint8_t *buf, size_t len)
{
	job *j = ctx;
	size_t done = 0;
	while (done < len) {
		ssize_t n = pread(j->fd, buf + done, len - done, (off_t)offset + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return SARAFW_EIO;
		done += (size_t)n;
	}
	return (int)len;
}

static void on_progress(void *ctx, sarafw_foat_phase phase, uint32_t done, uint32_t total)
{
	job *j = ctx;
	if (phase == SARAFW_FOAT_STORED)
		j->stored = true;
	else if (phase != SARAFW_FOAT_TRANSFER)
		j->phase = phase;
	switch (phase) {
	case SARAFW_FOAT_BAUD:
		progress_phase(&j->prog, "baud", "switching the line speed for the transfer");
		break;
	case SARAFW_FOAT_PREPARE:
		progress_phase(&j->prog, "prepare", "starting AT+UFWUPD=3 (the module prepares for a few seconds)");
		break;
	case SARAFW_FOAT_TRANSFER:
		progress_bytes(&j->prog, done, total);
		break;
	case SARAFW_FOAT_FINISH:
		progress_end(&j->prog);
		progress_phase(&j->prog, "finish", "transfer ended, waiting for the module");
		break;
	case SARAFW_FOAT_STORED:
	case SARAFW_FOAT_DONE:
		break;
	}
}

/* One line that says what went wrong and what to do next. */
static void explain(cli *c, const job *j, int rc, unsigned long baud)
{
	const char *model = c->id.type_number;
	if (j->phase == SARAFW_FOAT_BAUD && (rc == SARAFW_ECME || rc == SARAFW_EERROR)) {
		fprintf(stderr, "sarafw: the module refused AT+IPR=%lu (%s): retry without --baud\n", baud,
			c->dev.last_error[0] ? c->dev.last_error : "ERROR");
		return;
	}
	if (j->phase == SARAFW_FOAT_PREPARE && rc == SARAFW_ETIMEOUT) {
		fprintf(stderr, "sarafw: the module did not answer AT+UFWUPD=3 with +UFWUPD: ONGOING in time (note §5.1); check that no other download is running (note §7), then retry\n");
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
		if (c->id.variant && !(c->id.variant->methods & SARAFW_METHOD_FOAT))
			fprintf(stderr, "sarafw: %s does not support FOAT (note Table 1)\n", model);
		else
			fprintf(stderr, "sarafw: %s cannot transfer at %lu baud: use --baud %lu or less (note §5.1.1)\n",
				model, baud, c->id.variant ? (unsigned long)c->id.variant->max_baud : 115200ul);
		break;
	case SARAFW_ECME:
	case SARAFW_EERROR:
		fprintf(stderr, "sarafw: the module refused AT+UFWUPD=3 (%s): another download may be active (note §7); wait for it or cancel it, then retry\n",
			c->dev.last_error[0] ? c->dev.last_error : "ERROR");
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
		fprintf(stderr, "sarafw: the serial line or the package file failed during the transfer: check the cable and the file, then retry\n");
		break;
	default:
		fprintf(stderr, "sarafw: update failed: %s\n", sarafw_strerror(rc));
		break;
	}
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
	if (j.fd < 0 || fstat(j.fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "sarafw: cannot read package %s: %s\n", path, strerror(j.fd < 0 ? errno : EINVAL));
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
	progress_init(&j.prog, c->json);
	if (!c->json)
		fprintf(stderr, "%s %s,%s: sending %s (%ld bytes) with %s\n", c->id.type_number,
			c->id.modem_version, c->id.app_version, path, (long)st.st_size, method);
	rc = sarafw_foat_xmodem(&c->dev, &fc, &stats);
	progress_end(&j.prog);
	double secs = progress_elapsed(&j.prog);
	double data_secs = progress_data_seconds(&j.prog);
	close(j.fd);
	cli_disconnect(c);
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

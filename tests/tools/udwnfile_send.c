/* udwnfile_send [--baud N] PORT FILE [TAG [NAME]]: libsarafw's +UDWNFILE engine
 * (note §5.2) through the POSIX port, for the integration tests that run
 * it against sarafw-sim. Probes, identifies, sends FILE with TAG ("FOAT",
 * "PROFILE", or "-" for a user file) under NAME (default empty for FOAT,
 * else the file's base name); after a "PROFILE" it asks AT+UMNOPROF=? for
 * the id given by --profile-id. --baud N: the transfer at N (AT+IPR and
 * back, note §5.1.1); afterwards it checks the module answers at 115200. Prints one line "result <rc> <text>" and,
 * for a profile, "profile <id> present|absent". Exit status 0 on success. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sarafw/error.h"
#include "sarafw/probe.h"
#include "sarafw/udwnfile.h"
#include "sarafw_posix.h"

static int read_file(void *ctx, uint32_t offset, uint8_t *buf, size_t len)
{
	int fd = *(int *)ctx;
	size_t done = 0;
	while (done < len) {
		ssize_t n = pread(fd, buf + done, len - done, (off_t)offset + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return SARAFW_EIO;
		done += (size_t)n;
	}
	return (int)len;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{.name = "profile-id", .has_arg = required_argument, .val = 'p'},
		{.name = "buf", .has_arg = required_argument, .val = 'b'},
		{.name = "baud", .has_arg = required_argument, .val = 'r'},
		{.name = NULL},
	};
	static char line[128];
	static uint8_t buf[4096];
	static sarafw_posix posix;
	static sarafw_dev dev;
	sarafw_ident id;
	sarafw_udwn_config cfg = {.buf = buf, .buf_size = 256, .host_baud = 115200};
	const char *tag = NULL, *name;
	long profile = -1;
	struct stat st;
	int c, fd, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'p')
			profile = strtol(optarg, NULL, 10);
		else if (c == 'r')
			cfg.baud = (uint32_t)strtoul(optarg, NULL, 10);
		else if (c == 'b' && strtoul(optarg, NULL, 10) <= sizeof buf)
			cfg.buf_size = strtoul(optarg, NULL, 10);
		else
			return 2;
	}
	if (argc - optind < 2 || argc - optind > 4) {
		fprintf(stderr, "usage: udwnfile_send [--profile-id N] [--buf N] [--baud N] PORT FILE [TAG|- [NAME]]\n");
		return 2;
	}
	if (argc - optind >= 3 && strcmp(argv[optind + 2], "-") != 0)
		tag = argv[optind + 2];
	name = strrchr(argv[optind + 1], '/') ? strrchr(argv[optind + 1], '/') + 1 : argv[optind + 1];
	if (tag && strcmp(tag, SARAFW_UDWN_TAG_FOAT) == 0)
		name = "";
	if (argc - optind == 4)
		name = argv[optind + 3];
	fd = open(argv[optind + 1], O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0) {
		perror(argv[optind + 1]);
		return 2;
	}
	if (sarafw_posix_open(&posix, argv[optind], 115200) < 0) {
		perror(argv[optind]);
		return 2;
	}
	{
		sarafw_dev_config dc = {.port = &posix.port, .line_buf = line, .line_buf_size = sizeof line};
		sarafw_dev_init(&dev, &dc);
	}
	if ((rc = sarafw_probe(&dev, 20000)) != SARAFW_OK || (rc = sarafw_identify(&dev, &id)) != SARAFW_OK) {
		printf("result %d %s\n", rc, sarafw_strerror(rc));
		return 1;
	}
	cfg.name = name;
	cfg.tag = tag;
	cfg.size = (uint32_t)st.st_size;
	cfg.read = read_file;
	cfg.ctx = &fd;
	rc = sarafw_udwnfile(&dev, &cfg);
	printf("result %d %s\n", rc, sarafw_strerror(rc));
	if (cfg.baud) {
		int arc = sarafw_probe(&dev, 5000);
		printf("after %s at %u\n", arc ? "silent" : "answers", (unsigned)posix.baud);
	}
	if (rc == SARAFW_OK && profile >= 0) {
		bool present = false;
		int prc = sarafw_profile_present(&dev, (uint32_t)profile, &present);
		printf("profile %ld %s\n", profile, prc ? "unknown" : present ? "present" : "absent");
		if (prc || !present)
			rc = SARAFW_EPROTO;
	}
	sarafw_posix_close(&posix);
	close(fd);
	return rc == SARAFW_OK ? 0 : 1;
}

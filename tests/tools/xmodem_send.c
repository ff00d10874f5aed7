/* xmodem_send: the libsarafw XMODEM sender on stdin/stdout, so it can be
 * wired to independent receivers (lrzsz rx, python3-xmodem).
 * Usage: xmodem_send [--1k] [--timeout-ms N] [--start-timeout-ms N] [--buf N] FILE
 * --buf: the engine's buffer size (default: a whole 1k block).
 * Exit 0 on success, 1 when the transfer fails, 2 on bad usage. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "sarafw/error.h"
#include "sarafw/xmodem.h"

static uint32_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}

static int file_read(void *ctx, uint32_t off, uint8_t *buf, size_t len)
{
	int fd = *(int *)ctx;
	size_t got = 0;
	while (got < len) {
		ssize_t r = pread(fd, buf + got, len - got, (off_t)off + (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return SARAFW_EIO;
		got += (size_t)r;
	}
	return (int)len;
}

static void usage(void)
{
	fprintf(stderr, "usage: xmodem_send [--1k] [--timeout-ms N] [--start-timeout-ms N] [--buf N] FILE\n");
	exit(2);
}

static uint32_t number(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	if (!*s || *end || v > UINT32_MAX)
		usage();
	return (uint32_t)v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"1k", no_argument, NULL, 'k'},
		{"timeout-ms", required_argument, NULL, 't'},
		{"start-timeout-ms", required_argument, NULL, 's'},
		{"buf", required_argument, NULL, 'b'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static uint8_t block[4096];
	sarafw_xmodem_config cfg = {.buf = block, .buf_size = SARAFW_XMODEM_BUF_1K, .block_size = 128};
	sarafw_xmodem x;
	struct stat st;
	int c, fd, hangup = 0, werr = 0;

	while ((c = getopt_long(argc, argv, "kt:s:b:h", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			cfg.block_size = 1024;
			break;
		case 't':
			cfg.ack_timeout_ms = number(optarg);
			break;
		case 's':
			cfg.start_timeout_ms = number(optarg);
			break;
		case 'b':
			cfg.buf_size = number(optarg);
			if (cfg.buf_size > sizeof block)
				usage();
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1)
		usage();
	fd = open(argv[optind], O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size > (off_t)UINT32_MAX) {
		fprintf(stderr, "xmodem_send: %s: %s\n", argv[optind],
			fd < 0 ? strerror(errno) : "cannot use this file");
		return 2;
	}
	cfg.size = (uint32_t)st.st_size;
	cfg.read = file_read;
	cfg.ctx = &fd;

	signal(SIGPIPE, SIG_IGN);
	if (isatty(STDIN_FILENO)) {
		struct termios t;
		if (tcgetattr(STDIN_FILENO, &t) == 0) {
			cfmakeraw(&t);
			tcsetattr(STDIN_FILENO, TCSANOW, &t);
		}
	}
	/* Non-blocking output so a stuck receiver cannot hang a write: the
	 * engine's own deadline then ends the transfer. */
	fcntl(STDOUT_FILENO, F_SETFL, fcntl(STDOUT_FILENO, F_GETFL) | O_NONBLOCK);

	if (sarafw_xmodem_start(&x, &cfg, now_ms()) < 0) {
		fprintf(stderr, "xmodem_send: bad configuration\n");
		return 2;
	}
	for (;;) {
		const uint8_t *p;
		size_t n = sarafw_xmodem_output(&x, &p);
		int running = sarafw_xmodem_status(&x) == SARAFW_XMODEM_RUNNING;
		struct pollfd pfd[2];
		int np = 0, iin = -1, iout = -1, timeout;

		if (!running && (!n || werr))
			break;
		if (running && !hangup) {
			iin = np;
			pfd[np++] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
		}
		if (n) {
			iout = np;
			pfd[np++] = (struct pollfd){.fd = STDOUT_FILENO, .events = POLLOUT};
			timeout = 100;
		} else {
			uint32_t w = sarafw_xmodem_wait_ms(&x, now_ms());
			timeout = w > 1000 ? 1000 : (int)w;
		}
		if (poll(pfd, (nfds_t)np, timeout) < 0) {
			if (errno == EINTR)
				continue;
			perror("xmodem_send: poll");
			return 1;
		}
		if (iout >= 0 && (pfd[iout].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t w = write(STDOUT_FILENO, p, n);
			if (w > 0)
				sarafw_xmodem_sent(&x, (size_t)w, now_ms());
			else if (w < 0 && errno != EAGAIN && errno != EINTR)
				werr = errno;
		}
		if (iin >= 0 && (pfd[iin].revents & (POLLIN | POLLHUP | POLLERR))) {
			uint8_t in[256];
			ssize_t r = read(STDIN_FILENO, in, sizeof in);
			if (r > 0)
				sarafw_xmodem_input(&x, in, (size_t)r, now_ms());
			else if (r == 0 || (errno != EAGAIN && errno != EINTR))
				hangup = 1;
		}
		sarafw_xmodem_tick(&x, now_ms());
		if (sarafw_xmodem_status(&x) == SARAFW_XMODEM_RUNNING && (hangup || werr)) {
			/* The receiver is gone: no answer will ever come. */
			sarafw_xmodem_abort(&x);
			break;
		}
	}

	int err = sarafw_xmodem_status(&x);
	uint32_t acked, total;
	sarafw_xmodem_progress(&x, &acked, &total);
	if (err == 0)
		return 0;
	if (hangup || werr)
		fprintf(stderr, "xmodem_send: receiver hung up (acked %u of %u bytes)\n",
			(unsigned)acked, (unsigned)total);
	else
		fprintf(stderr, "xmodem_send: %s (acked %u of %u bytes)\n", sarafw_strerror(err),
			(unsigned)acked, (unsigned)total);
	return 1;
}

/* xmodem_recv: the simulator's XMODEM receiver (sim/xmodem_recv.c) on
 * stdin/stdout with the real clock, so the integration tests can put
 * independent senders (lrzsz sx, python3-xmodem) in front of it.
 * Exit: 0 received, 1 usage, 2 start window timed out, 3 sender
 * cancelled, 4 receiver gave up, 5 I/O error. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "xmodem_recv.h"

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int store(void *ctx, uint32_t off, const uint8_t *d, size_t n)
{
	(void)off;
	return fwrite(d, 1, n, ctx) == n ? 0 : -1;
}

static int flush_out(struct simx *x)
{
	const uint8_t *p;
	size_t n;
	while ((n = simx_output(x, &p)) > 0) {
		ssize_t w = write(STDOUT_FILENO, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		simx_output_consume(x, (size_t)w);
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: xmodem_recv [options] OUTFILE\n"
		   "  --c-count N          'C' characters before the NAKs (3)\n"
		   "  --c-interval-ms N    wait after each 'C' (3000)\n"
		   "  --nak-count N        NAKs of the start sequence (10)\n"
		   "  --nak-interval-ms N  wait after each start NAK (10000)\n"
		   "  --window-ms N        start window, 0 = end of the schedule (0)\n"
		   "  --block-timeout-ms N wait for the next block (10000)\n"
		   "  --char-timeout-ms N  wait inside a block (1000)\n"
		   "  --purge-ms N         line silence before a NAK (1000)\n"
		   "  --max-errors N       errors per block before cancelling (10)\n"
		   "  --stats              print the statistics on stderr\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"c-count", required_argument, 0, 'c'},
		{"c-interval-ms", required_argument, 0, 'C'},
		{"nak-count", required_argument, 0, 'n'},
		{"nak-interval-ms", required_argument, 0, 'N'},
		{"window-ms", required_argument, 0, 'w'},
		{"block-timeout-ms", required_argument, 0, 'b'},
		{"char-timeout-ms", required_argument, 0, 't'},
		{"purge-ms", required_argument, 0, 'p'},
		{"max-errors", required_argument, 0, 'e'},
		{"stats", no_argument, 0, 's'},
		{"help", no_argument, 0, 'h'},
		{0, 0, 0, 0},
	};
	struct simx_config cfg;
	struct simx x;
	int o, stats = 0;
	FILE *out;

	simx_config_default(&cfg);
	while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		uint32_t *field = NULL;
		switch (o) {
		case 'c': field = &cfg.c_count; break;
		case 'C': field = &cfg.c_interval_ms; break;
		case 'n': field = &cfg.nak_count; break;
		case 'N': field = &cfg.nak_interval_ms; break;
		case 'w': field = &cfg.start_window_ms; break;
		case 'b': field = &cfg.block_timeout_ms; break;
		case 't': field = &cfg.char_timeout_ms; break;
		case 'p': field = &cfg.purge_ms; break;
		case 'e': field = &cfg.max_errors; break;
		case 's': stats = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
		if (field) {
			char *end;
			unsigned long v = strtoul(optarg, &end, 10);
			if (*optarg == 0 || *end || v > UINT32_MAX) {
				fprintf(stderr, "xmodem_recv: bad number '%s'\n", optarg);
				return 1;
			}
			*field = (uint32_t)v;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 1;
	}
	out = fopen(argv[optind], "wb");
	if (!out) {
		fprintf(stderr, "xmodem_recv: %s: %s\n", argv[optind], strerror(errno));
		return 5;
	}
	if (isatty(STDIN_FILENO)) {
		struct termios t;
		if (tcgetattr(STDIN_FILENO, &t) == 0) {
			cfmakeraw(&t);
			tcsetattr(STDIN_FILENO, TCSANOW, &t);
		}
	}
	signal(SIGPIPE, SIG_IGN); /* a vanished sender is an I/O error */
	cfg.sink = store;
	cfg.sink_ctx = out;
	simx_init(&x, &cfg, now_ms());

	int io_err = 0;
	while (simx_status(&x) == SIMX_RUNNING && !io_err) {
		struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
		uint8_t buf[4096];
		if (flush_out(&x)) {
			io_err = 1;
			break;
		}
		int r = poll(&p, 1, simx_poll_timeout(&x, now_ms()));
		if (r < 0 && errno != EINTR) {
			io_err = 1;
			break;
		}
		if (r > 0) {
			ssize_t n = read(STDIN_FILENO, buf, sizeof buf);
			if (n < 0 && errno != EINTR && errno != EAGAIN) {
				io_err = 1;
				break;
			}
			if (n == 0) {
				/* The sender closed the line: nothing more can come,
				 * but the engine decides when that is an error. */
				p.fd = -1;
				for (uint64_t d; (d = simx_next_deadline(&x)) != SIMX_NO_DEADLINE;) {
					uint64_t t = now_ms();
					if (d > t)
						usleep((useconds_t)((d - t) * 1000u));
					simx_tick(&x, now_ms());
					if (flush_out(&x))
						break;
				}
				break;
			}
			uint64_t t = now_ms();
			for (size_t off = 0; n > 0 && off < (size_t)n;) {
				off += simx_input(&x, buf + off, (size_t)n - off, t);
				if (flush_out(&x)) {
					io_err = 1;
					break;
				}
			}
		}
		simx_tick(&x, now_ms());
	}
	flush_out(&x);
	if (fclose(out) != 0)
		io_err = 1;

	const struct simx_stats *s = simx_stats(&x);
	if (stats)
		fprintf(stderr,
			"xmodem_recv: %s blocks=%u 1k=%u bytes=%llu retries=%u dup=%u "
			"bad_check=%u bad_header=%u short=%u timeouts=%u garbage=%u mode=%s\n",
			simx_status_str(simx_status(&x)), s->blocks, s->blocks_1k,
			(unsigned long long)s->bytes, s->retries, s->duplicates, s->bad_check,
			s->bad_header, s->short_blocks, s->timeouts, s->garbage,
			!s->mode_known ? "none" : s->crc_mode ? "crc" : "checksum");
	if (io_err) {
		fprintf(stderr, "xmodem_recv: I/O error: %s\n", strerror(errno));
		return 5;
	}
	switch (simx_status(&x)) {
	case SIMX_DONE:
		return 0;
	case SIMX_TIMEOUT:
		fprintf(stderr, "xmodem_recv: timeout: %s\n", simx_reason_str(simx_reason(&x)));
		return 2;
	case SIMX_CANCELLED:
		fprintf(stderr, "xmodem_recv: cancelled: %s\n", simx_reason_str(simx_reason(&x)));
		return 3;
	default:
		fprintf(stderr, "xmodem_recv: failed: %s\n", simx_reason_str(simx_reason(&x)));
		return 4;
	}
}

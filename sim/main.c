/* sarafw-sim: a virtual SARA-R4 on a pseudo-terminal. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <time.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "audit.h"
#include "clock.h"
#include "factory.h"
#include "fault.h"
#include "flash.h"
#include "line.h"
#include "fleet.h"
#include "lwm2m.h"
#include "modem.h"
#include "netdl.h"
#include "variants.h"

#ifndef SARAFW_VERSION
#define SARAFW_VERSION "0"
#endif

static volatile sig_atomic_t stop;
/* the power button: SIGUSR1 (off) and SIGUSR2 (on), each press acted on
 * in the order delivered, so an off and an on that come before the loop
 * looks are a power cycle, not lost (the handler only runs inside ppoll(),
 * the loop reads with both blocked) */
#define PRESSES 16
static volatile sig_atomic_t presses[PRESSES]; /* 1 off, 2 on */
static volatile sig_atomic_t presses_in;
static int presses_out;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void on_button(int sig)
{
	if (presses_in - presses_out < PRESSES) /* else the oldest wins */
		presses[presses_in++ % PRESSES] = sig == SIGUSR1 ? 1 : 2;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: sarafw-sim --variant NAME --state DIR --link PATH [options]\n"
		"A virtual u-blox SARA-R4 module on a pseudo-terminal.\n\n"
		"  --variant NAME    product version (list below)\n"
		"  --state DIR       the module's flash; created if missing, kept across runs\n"
		"  --link PATH       symlink to the serial port (the PTY slave); a symlink\n"
		"                    already there is replaced, any other file refused\n"
		"  --time-scale X    run module time X times faster (default 1)\n"
		"  --seed N          seed for a new state dir's IMEI (default: a random\n"
		"                    one) and for line noise (default 1)\n"
		"  --audit FILE      append one JSON line per host mistake\n"
		"  --log FILE        append every line in and out with timestamps\n"
		"  --ber RATE        line noise: flip each data bit with probability RATE\n"
		"  --drop RATE       line noise: lose each byte with probability RATE\n"
		"  --lost-ack RATE   lose each ACK (0x06) the module sends with probability\n"
		"                    RATE (XMODEM's lost ACKs; module to host only)\n"
		"  --fault-dir DIR   in (host to module), out or both (default): where\n"
		"                    --ber and --drop apply\n"
		"  --power-cut POINT the power fails at that moment, as SIGKILL would:\n"
		"                    " SIM_POWER_CUT_POINTS "\n"
		"  --firmware IMAGE  a new state dir's running firmware image (default: a\n"
		"                    built-in one derived from the variant and version)\n"
		"  --firmware-version MODEM,APP\n"
		"                    its version as ATI9 prints it (default: the variant's)\n"
		"  --fota-key K.pub  a new state dir's FOTA public key (default: the demo key);\n"
		"                    the three are kept in DIR and ignored once it exists\n"
		"  --aux-link PATH   symlink to a second PTY, the AUX UART (+UFWINSTALL port 2)\n"
		"  --rat RAT         m1 (default), nb1 or gsm: the radio rate of FTP/HTTP\n"
		"                    downloads (note Table 3: 80000, 8000, 40000 bit/s), and\n"
		"                    the first +URAT choice of a new module that has that RAT\n"
		"  --bandwidth BPS   that rate in bit/s of module time instead\n"
		"  --net-fault F     once per run: drop:N (the connection breaks at byte N),\n"
		"                    stall:N (no byte after N), refuse, dns\n"
		"  --network-apn APN the APN the network gives cid 1 at attach (default: the MNO\n"
		"                    profile's), as a private network or static SIM does\n"
		"  --lwm2m-server URI the u-blox uFOTA server entry of the LwM2M client:\n"
		"                    coap://HOST:PORT (NoSec) or coaps://HOST:PORT (DTLS-PSK)\n"
		"  --lwm2m-verizon-server URI the Verizon server entry (/1/2, short id 102) on\n"
		"                    the Verizon profiles (3, 205): it registers there too\n"
		"  --lwm2m-psk-id ID, --lwm2m-psk-key HEX\n"
		"                    the PSK identity and key for coaps:// (server and packages)\n"
		"  --lwm2m-block N   CoAP block size of package downloads: 16..1024 (default 1024)\n"
		"  --fleet N         N modules' LwM2M clients in one process, no AT line (needs\n"
		"                    --lwm2m-server; --state is the fleet dir, one dir per module,\n"
		"                    DIR/fleet.txt lists index, IMEI, host, start; with coaps://\n"
		"                    each module's PSK identity is its endpoint urn:imei:<IMEI>)\n"
		"  --fleet-faults F  misbehave=SHARE (hosts that reset the module when the update\n"
		"                    starts), powercut=R, fade=R (per module per module hour),\n"
		"                    fade-s=S (a fade's length), late=K@S (the last K modules\n"
		"                    power on S module seconds late); e.g. misbehave=0.3,late=1@20\n"
		"  --fleet-ramp S     the modules power on evenly over S seconds (module time),\n"
		"                    as a fleet that does not all start in one second; 0: at once\n"
		"  --fleet-lifetime S each module's host sets the LwM2M lifetime to S seconds\n"
		"                    (as +ULWM2MWRITE on /1/1/1) once the client runs\n"
		"  --fleet-flash disk|memory  each module's flash in DIR/m<index> (default) or\n"
		"                    in memory: no file per module, but nothing to download\n"
		"                    or install a package into (registration load only)\n"
		"  --fleet-procs K   spread the fleet over K worker processes (default: as few\n"
		"                    as the open-file limit allows, 3 or 4 files per module)\n"
		"  --fleet-stats S   every S wall seconds a line: Registers and Updates answered,\n"
		"                    their p50 and p99 round trips in ms, and the Updates'\n"
		"                    round trips since the last line (upd_hist=MS:COUNT,...)\n"
		"  --help, --version\n\n"
		"Prints \"ready PATH\" when the port exists; SIGTERM stops it cleanly,\n"
		"SIGKILL is a power cut. The power button: SIGUSR1 switches the module off\n"
		"(a power cut; the process and the port stay), SIGUSR2 on again. A flash\n"
		"request (bytes 3a a1 6e 7e) while it boots enters flash mode (Sahara,\n"
		"Firehose; sim/README.md). Line noise (RATE in [0, 1], default 0) is the same\n"
		"for the same --seed and the same bytes; each fault is a \"#\" line in --log\n"
		"and the totals are one line on stderr (and in --log) at a clean stop.\n\n"
		"variants:\n");
	for (size_t i = 0; i < sim_variant_count(); i++)
		fprintf(f, "  %s\n", sim_variant_at(i)->name);
}

static void io_write(void *ctx, const void *p, size_t n)
{
	sim_line_write(ctx, p, n);
}

static void io_set_baud(void *ctx, uint32_t baud)
{
	sim_line_set_baud(ctx, baud);
}

static void io_set_usb(void *ctx, uint32_t bps)
{
	sim_line_set_usb(ctx, bps);
}

static int rate_option(const char *name, const char *arg, double *rate)
{
	if (sim_fault_parse_rate(arg, rate) == 0)
		return 0;
	fprintf(stderr, "sarafw-sim: --%s wants a probability from 0 to 1, got '%s'\n", name, arg);
	return -1;
}

static FILE *open_append(const char *path, const char *what)
{
	FILE *f = fopen(path, "a");
	if (!f)
		fprintf(stderr, "sarafw-sim: cannot open %s file %s: %s\n", what, path,
			strerror(errno));
	return f;
}

/* SIGTERM and SIGINT stay blocked except inside ppoll(), which unblocks
 * them atomically (awake is the mask to wait with): a signal that arrives
 * while the loop is busy is held until the wait, which it then ends. Were
 * it delivered just before a wait with no timeout, the stop flag would go
 * unseen and the simulator would sleep forever. */
static int serve(struct sim_line *line, struct sim_line *aux, struct sim_modem *m,
		 struct sim_clock *clock, const sigset_t *awake)
{
	while (!stop) {
		while (presses_out != presses_in) {
			/* blocked outside ppoll(): read without a race */
			if (presses[presses_out++ % PRESSES] == 1)
				sim_modem_power_off(m);
			else
				sim_modem_power_on(m);
		}
		struct pollfd p[2] = {{.fd = -1, .events = 0, .revents = 0},
				      {.fd = -1, .events = 0, .revents = 0}};
		uint8_t buf[sizeof m->held];
		int64_t t_line, t_aux = -1, t_timer, timeout;
		struct timespec ts;
		uint64_t due;
		short ev, ev_aux = -1;

		sim_modem_tick(m);
		if (sim_modem_wants_input(m)) {
			size_t n = sim_line_read(line, buf, sizeof buf);
			if (n)
				sim_modem_input(m, buf, n);
		}
		sim_line_pump(line);
		ev = sim_line_events(line, sim_modem_wants_input(m), &t_line);
		if (aux) {
			/* the AUX UART only talks (+UFWINSTALL port 2): input is dropped */
			while (sim_line_read(aux, buf, sizeof buf))
				;
			sim_line_pump(aux);
			ev_aux = sim_line_events(aux, true, &t_aux);
		}
		due = sim_modem_next_due(m);
		t_timer = due == UINT64_MAX ? -1
					    : (int64_t)sim_clock_wall_ms_until(clock, due) * 1000000;
		timeout = t_line;
		if (t_aux >= 0 && (timeout < 0 || t_aux < timeout))
			timeout = t_aux;
		if (t_timer >= 0 && (timeout < 0 || t_timer < timeout))
			timeout = t_timer;
		if (ev >= 0) {
			p[0].fd = line->master;
			p[0].events = ev;
		}
		if (ev_aux >= 0) {
			p[1].fd = aux->master;
			p[1].events = ev_aux;
		}
		/* nanoseconds: at 3 Mbit/s a byte takes 3.3 µs of line time */
		ts.tv_sec = timeout / 1000000000;
		ts.tv_nsec = (long)(timeout % 1000000000);
		if (ppoll(p, 2, timeout < 0 ? NULL : &ts, awake) < 0) {
			if (errno == EINTR)
				continue;
			perror("sarafw-sim: poll");
			return 1;
		}
		if (p[0].fd >= 0 && p[0].revents)
			sim_line_receive(line, p[0].revents);
		if (p[1].fd >= 0 && p[1].revents)
			sim_line_receive(aux, p[1].revents);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{.name = "variant", .has_arg = required_argument, .val = 'v'},
		{.name = "state", .has_arg = required_argument, .val = 's'},
		{.name = "link", .has_arg = required_argument, .val = 'l'},
		{.name = "time-scale", .has_arg = required_argument, .val = 't'},
		{.name = "seed", .has_arg = required_argument, .val = 'S'},
		{.name = "audit", .has_arg = required_argument, .val = 'a'},
		{.name = "log", .has_arg = required_argument, .val = 'L'},
		{.name = "help", .has_arg = no_argument, .val = 'h'},
		{.name = "version", .has_arg = no_argument, .val = 'V'},
		{.name = "ber", .has_arg = required_argument, .val = 'B'},
		{.name = "drop", .has_arg = required_argument, .val = 'D'},
		{.name = "lost-ack", .has_arg = required_argument, .val = 'K'},
		{.name = "fault-dir", .has_arg = required_argument, .val = 'F'},
		{.name = "power-cut", .has_arg = required_argument, .val = 'P'},
		{.name = "firmware", .has_arg = required_argument, .val = 'f'},
		{.name = "firmware-version", .has_arg = required_argument, .val = 'W'},
		{.name = "fota-key", .has_arg = required_argument, .val = 'k'},
		{.name = "aux-link", .has_arg = required_argument, .val = 'x'},
		{.name = "rat", .has_arg = required_argument, .val = 'r'},
		{.name = "bandwidth", .has_arg = required_argument, .val = 'b'},
		{.name = "net-fault", .has_arg = required_argument, .val = 'n'},
		{.name = "lwm2m-server", .has_arg = required_argument, .val = 'M'},
		{.name = "network-apn", .has_arg = required_argument, .val = 'A'},
		{.name = "lwm2m-verizon-server", .has_arg = required_argument, .val = 'J'},
		{.name = "lwm2m-psk-id", .has_arg = required_argument, .val = 'I'},
		{.name = "lwm2m-psk-key", .has_arg = required_argument, .val = 'Y'},
		{.name = "lwm2m-block", .has_arg = required_argument, .val = 'Z'},
		{.name = "fleet", .has_arg = required_argument, .val = 'N'},
		{.name = "fleet-faults", .has_arg = required_argument, .val = 'Q'},
		{.name = "fleet-stats", .has_arg = required_argument, .val = 'G'},
		{.name = "fleet-lifetime", .has_arg = required_argument, .val = 'T'},
		{.name = "fleet-flash", .has_arg = required_argument, .val = 'H'},
		{.name = "fleet-procs", .has_arg = required_argument, .val = 'O'},
		{.name = "fleet-ramp", .has_arg = required_argument, .val = 'U'},
		{.name = NULL},
	};
	const char *variant = NULL, *state = NULL, *link = NULL, *audit_path = NULL,
		   *log_path = NULL, *power_cut = NULL, *aux_link = NULL;
	struct sim_provision prov = {.image = NULL, .version = NULL, .key = NULL};
	double scale = 1.0;
	unsigned long seed = 1;
	bool seeded = false;
	unsigned long fleet = 0;
	struct sim_fleet_faults fleet_faults = {.fade_s = 30};
	double fleet_stats = 0;
	long fleet_lifetime = 0;
	double fleet_ramp = 0;
	bool fleet_memory = false;
	unsigned long fleet_procs = 0;
	static struct sim_line line, aux;
	static struct sim_modem modem;
	struct sim_flash flash;
	struct sim_clock clock;
	struct sim_audit audit = {.audit = NULL, .log = NULL};
	static struct sim_lwm2m_config lwm2m;
	static struct sim_net_config net = {.rat = SIM_RAT_M1, .bps = 0, .fault = SIM_NF_NONE,
					    .lwm2m = &lwm2m};
	struct sim_fault_config noise = {.ber = 0.0, .drop = 0.0, .lost_ack = 0.0,
					.in = true, .out = true, .seed = 0};
	const struct sim_variant *v;
	struct sigaction sa;
	sigset_t stops, awake;
	char err[600];
	uint32_t ipr;
	int c, rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char *end;
		switch (c) {
		case 'v': variant = optarg; break;
		case 's': state = optarg; break;
		case 'l': link = optarg; break;
		case 'a': audit_path = optarg; break;
		case 'L': log_path = optarg; break;
		case 't':
			errno = 0;
			scale = strtod(optarg, &end);
			if (errno || *end || !(scale > 0.0) || scale > 1e6) {
				fprintf(stderr, "sarafw-sim: --time-scale wants a number > 0, got '%s'\n", optarg);
				return 2;
			}
			break;
		case 'N':
			errno = 0;
			fleet = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || *optarg == '-' || fleet < 1 || fleet > SIM_FLEET_MAX) {
				fprintf(stderr, "sarafw-sim: --fleet wants 1 to %d modules, got '%s'\n", SIM_FLEET_MAX, optarg);
				return 2;
			}
			break;
		case 'T':
			errno = 0;
			fleet_lifetime = strtol(optarg, &end, 10);
			if (errno || *end || fleet_lifetime < 1 || fleet_lifetime > 0x7fffffffL) {
				fprintf(stderr, "sarafw-sim: --fleet-lifetime wants seconds >= 1, got '%s'\n", optarg);
				return 2;
			}
			break;
		case 'U':
			errno = 0;
			fleet_ramp = strtod(optarg, &end);
			if (errno || *end || !(fleet_ramp >= 0 && fleet_ramp <= 86400)) {
				fprintf(stderr, "sarafw-sim: --fleet-ramp wants seconds from 0 to 86400, got '%s'\n", optarg);
				return 2;
			}
			break;
		case 'G':
			errno = 0;
			fleet_stats = strtod(optarg, &end);
			if (errno || *end || !(fleet_stats >= 0.01 && fleet_stats <= 3600)) {
				fprintf(stderr, "sarafw-sim: --fleet-stats wants seconds from 0.01 to 3600, got '%s'\n", optarg);
				return 2;
			}
			break;
		case 'H':
			if (strcmp(optarg, "disk") != 0 && strcmp(optarg, "memory") != 0) {
				fprintf(stderr, "sarafw-sim: --fleet-flash wants disk or memory, got '%s'\n", optarg);
				return 2;
			}
			fleet_memory = strcmp(optarg, "memory") == 0;
			break;
		case 'O':
			errno = 0;
			fleet_procs = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || *optarg == '-' || fleet_procs < 1 ||
			    fleet_procs > SIM_FLEET_PROCS_MAX) {
				fprintf(stderr, "sarafw-sim: --fleet-procs wants 1 to %d, got '%s'\n", SIM_FLEET_PROCS_MAX,
					optarg);
				return 2;
			}
			break;
		case 'Q':
			if (sim_fleet_parse_faults(optarg, &fleet_faults, err, sizeof err) != 0) {
				fprintf(stderr, "sarafw-sim: --fleet-faults: %s\n", err);
				return 2;
			}
			break;
		case 'S':
			errno = 0;
			seed = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg) {
				fprintf(stderr, "sarafw-sim: --seed wants an integer, got '%s'\n", optarg);
				return 2;
			}
			seeded = true;
			break;
		case 'B': if (rate_option("ber", optarg, &noise.ber)) return 2; break;
		case 'D': if (rate_option("drop", optarg, &noise.drop)) return 2; break;
		case 'K': if (rate_option("lost-ack", optarg, &noise.lost_ack)) return 2; break;
		case 'F':
			noise.in = strcmp(optarg, "out") != 0;
			noise.out = strcmp(optarg, "in") != 0;
			if (strcmp(optarg, "in") && strcmp(optarg, "out") && strcmp(optarg, "both")) {
				fprintf(stderr, "sarafw-sim: --fault-dir wants in, out or both, got '%s'\n", optarg);
				return 2;
			}
			break;
		case 'P':
			if (!sim_power_cut_point_ok(optarg)) {
				fprintf(stderr, "sarafw-sim: --power-cut wants one of: stored, install:P (P 0..100), "
						"install-commit, install-done, net:N; got '%s'\n", optarg);
				return 2;
			}
			power_cut = optarg;
			break;
		case 'f': prov.image = optarg; break;
		case 'W':
			if (!sim_factory_version_ok(optarg)) {
				fprintf(stderr, "sarafw-sim: --firmware-version wants MODEM,APP as ATI9 prints it, got '%s'\n", optarg);
				return 2;
			}
			prov.version = optarg;
			break;
		case 'k': prov.key = optarg; break;
		case 'x': aux_link = optarg; break;
		case 'r':
			if (sim_net_parse_rat(optarg, &net.rat) != 0) {
				fprintf(stderr, "sarafw-sim: --rat wants m1, nb1 or gsm, got '%s'\n", optarg);
				return 2;
			}
			break;
		case 'b':
			errno = 0;
			net.bps = strtoull(optarg, &end, 10);
			if (errno || *end || !*optarg || net.bps == 0) {
				fprintf(stderr, "sarafw-sim: --bandwidth wants bits per second > 0, got '%s'\n", optarg);
				return 2;
			}
			break;
		case 'n':
			if (sim_net_parse_fault(optarg, &net) != 0) {
				fprintf(stderr, "sarafw-sim: --net-fault wants drop:N, stall:N, refuse or dns, got '%s'\n", optarg);
				return 2;
			}
			break;
		case 'M':
			if (strncmp(optarg, "coap://", 7) != 0 && strncmp(optarg, "coaps://", 8) != 0) {
				fprintf(stderr, "sarafw-sim: --lwm2m-server wants coap://HOST:PORT or coaps://HOST:PORT, got '%s'\n", optarg);
				return 2;
			}
			lwm2m.server_uri = optarg;
			break;
		case 'J':
			if (strncmp(optarg, "coap://", 7) != 0 && strncmp(optarg, "coaps://", 8) != 0) {
				fprintf(stderr, "sarafw-sim: --lwm2m-verizon-server wants coap://HOST:PORT or coaps://HOST:PORT, got '%s'\n", optarg);
				return 2;
			}
			lwm2m.verizon_uri = optarg;
			break;
		case 'A':
			if (!*optarg || strlen(optarg) > 99 ||
			    strspn(optarg, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") != strlen(optarg)) {
				fprintf(stderr, "sarafw-sim: --network-apn wants an APN (letters, digits, '.', '-'), got '%s'\n", optarg);
				return 2;
			}
			net.network_apn = optarg;
			break;
		case 'I': lwm2m.psk_id = optarg; break;
		case 'Y':
			if (sim_lwm2m_parse_psk(optarg, &lwm2m) != 0) {
				fprintf(stderr, "sarafw-sim: --lwm2m-psk-key wants 1 to 64 bytes in hex, got '%s'\n", optarg);
				return 2;
			}
			break;
		case 'Z':
			errno = 0;
			lwm2m.block = (unsigned)strtoul(optarg, &end, 10);
			if (errno || *end || lwm2m.block < 16 || lwm2m.block > 1024 ||
			    (lwm2m.block & (lwm2m.block - 1))) {
				fprintf(stderr, "sarafw-sim: --lwm2m-block wants 16, 32, ... 1024, got '%s'\n", optarg);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("sarafw-sim %s\n", SARAFW_VERSION); return 0;
		default: fprintf(stderr, "Try 'sarafw-sim --help'.\n"); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "sarafw-sim: unexpected argument '%s'\nTry 'sarafw-sim --help'.\n", argv[optind]);
		return 2;
	}
	if (lwm2m.server_uri && strncmp(lwm2m.server_uri, "coaps://", 8) == 0 &&
	    (!lwm2m.psk_id || !lwm2m.psk_len)) {
		fprintf(stderr, "sarafw-sim: coaps:// wants --lwm2m-psk-id and --lwm2m-psk-key\n");
		return 2;
	}
	if (fleet) {
		if (!variant || !state || !lwm2m.server_uri) {
			fprintf(stderr, "sarafw-sim: --fleet wants --variant, --state (the fleet dir) and --lwm2m-server\n");
			return 2;
		}
		if (link || aux_link || power_cut || audit_path || log_path) {
			fprintf(stderr, "sarafw-sim: --fleet has no AT line: no --link, --aux-link, --power-cut, --audit or --log\n");
			return 2;
		}
		v = sim_variant_find(variant);
		if (!v) {
			fprintf(stderr, "sarafw-sim: unknown variant '%s'; 'sarafw-sim --help' lists them\n", variant);
			return 2;
		}
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		signal(SIGPIPE, SIG_IGN);
		sigemptyset(&stops);
		sigaddset(&stops, SIGTERM);
		sigaddset(&stops, SIGINT);
		sigprocmask(SIG_BLOCK, &stops, &awake);
		sigdelset(&awake, SIGTERM);
		sigdelset(&awake, SIGINT);
		struct sim_fleet_config fc = {
			.n = (unsigned)fleet, .dir = state, .variant = v, .prov = &prov,
			.seed = (uint32_t)seed, .scale = scale, .net = &net, .lwm2m = &lwm2m,
			.faults = fleet_faults, .stats_s = fleet_stats, .lifetime = fleet_lifetime,
			.ramp_s = fleet_ramp,
			.flash_memory = fleet_memory, .procs = (unsigned)fleet_procs, .stop = &stop, .awake = &awake};
		return sim_fleet_run(&fc);
	}
	if (!variant || !state || !link) {
		fprintf(stderr, "sarafw-sim: --variant, --state and --link are required\nTry 'sarafw-sim --help'.\n");
		return 2;
	}
	v = sim_variant_find(variant);
	if (!v) {
		fprintf(stderr, "sarafw-sim: unknown variant '%s'; 'sarafw-sim --help' lists them\n", variant);
		return 2;
	}
	rc = sim_flash_open(&flash, state);
	if (rc) {
		fprintf(stderr, "sarafw-sim: cannot use state dir %s: %s\n", state, strerror(-rc));
		return 2;
	}
	{
		uint32_t imei_seed = (uint32_t)seed;
		rc = sim_factory_prepare_with(&flash, v, seeded ? &imei_seed : NULL, &prov, err,
					      sizeof err);
	}
	if (rc) {
		fprintf(stderr, "sarafw-sim: %s\n", err);
		return 2;
	}
	if (audit_path && !(audit.audit = open_append(audit_path, "audit")))
		return 2;
	if (log_path && !(audit.log = open_append(log_path, "log")))
		return 2;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal; /* no SA_RESTART: poll() returns EINTR */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_button;
	/* one press at a time: a second handler nested in the first would
	 * write the same slot */
	sigaddset(&sa.sa_mask, SIGUSR1);
	sigaddset(&sa.sa_mask, SIGUSR2);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&stops);
	sigaddset(&stops, SIGTERM);
	sigaddset(&stops, SIGINT);
	sigaddset(&stops, SIGUSR1);
	sigaddset(&stops, SIGUSR2);
	sigprocmask(SIG_BLOCK, &stops, &awake);
	sigdelset(&awake, SIGTERM);
	sigdelset(&awake, SIGINT);
	sigdelset(&awake, SIGUSR1);
	sigdelset(&awake, SIGUSR2);

	sim_clock_init(&clock, scale);
	{
		/* the slave starts at the stored +IPR: a naive opener that
		 * matches the module works without touching the speed */
		struct sim_kv kv;
		sim_kv_load(&flash, "nvm", &kv);
		ipr = (uint32_t)sim_kv_get_long(&kv, "ipr", 115200);
		if (!sim_variant_ipr_ok(v, ipr))
			ipr = 115200;
	}
	if (sim_line_open(&line, &clock, &audit, ipr, link, err, sizeof err)) {
		fprintf(stderr, "sarafw-sim: %s\n", err);
		return 1;
	}
	if (aux_link && sim_line_open(&aux, &clock, &audit, 115200, aux_link, err, sizeof err)) {
		fprintf(stderr, "sarafw-sim: --aux-link: %s\n", err);
		sim_line_close(&line, link);
		return 1;
	}
	noise.seed = seed;
	sim_fault_init(&line.fault, &noise, &audit, &clock);
	{
		struct sim_modem_config cfg = {
			.variant = v, .flash = &flash, .clock = &clock, .audit = &audit,
			.io = {.write = io_write, .set_baud = io_set_baud, .set_usb = io_set_usb, .ctx = &line},
			.aux = {.write = aux_link ? io_write : NULL, .set_baud = io_set_baud,
				.ctx = aux_link ? &aux : NULL},
			.power_cut = power_cut, .net = &net};
		rc = sim_modem_init(&modem, &cfg);
	}
	if (rc) {
		fprintf(stderr, "sarafw-sim: cannot read the flash in %s: %s\n", state, strerror(-rc));
		sim_line_close(&line, link);
		return 1;
	}
	/* the kernel may defer a timed wake-up by the timer slack (50 µs by
	 * default): 1 µs keeps ACK turnarounds close to their line time */
	prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL);
	printf("ready %s\n", link);
	fflush(stdout);

	rc = serve(&line, aux_link ? &aux : NULL, &modem, &clock, &awake);
	if (sim_fault_active(&line.fault)) {
		char sum[200] = "line faults: ";
		sim_fault_summary(&line.fault, sum + strlen(sum), sizeof sum - strlen(sum));
		fprintf(stderr, "sarafw-sim: %s\n", sum);
		sim_log_line(&audit, sim_clock_now(&clock), "#", sum, strlen(sum));
	}
	sim_line_close(&line, link);
	if (aux_link)
		sim_line_close(&aux, aux_link);
	if (audit.audit)
		fclose(audit.audit);
	if (audit.log)
		fclose(audit.log);
	return rc;
}

/* sarafw-server: a self-hosted uFOTA-style service (note §2.7): LwM2M 1.0
 * server, package store and download, campaigns, REST API.
 *
 * One thread, one loop: poll() over libcoap's epoll fd, the plain CoAP
 * socket read ahead of it (lwm2m.c fast_updates) and libmicrohttpd's
 * epoll fd (MHD runs without threads of its own), then each library runs
 * what is ready, then the campaign engine steps. Storage is only touched
 * from this loop, so it needs no locks, and each step is committed before
 * the request it leads to goes out. */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "campaign.h"
#include "cluster.h"
#include "db.h"
#include "hostport.h"
#include "lwm2m.h"
#include "pkg.h"
#include "rest.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: sarafw-server --coap HOST:PORT --http HOST:PORT --db sqlite:PATH [options]\n"
		"\n"
		"  --coap HOST:PORT      LwM2M server (DTLS-PSK; plain CoAP with --nosec)\n"
		"  --http HOST:PORT      REST API (/api/v1) and package download (/pkg/<sha256>)\n"
		"  --db sqlite:PATH      storage (SQLite, WAL)\n"
		"  --db postgresql://USER@HOST:PORT/DB\n"
		"                        storage (PostgreSQL), which several front-ends may share\n"
		"  --node-id ID          this front-end's id among those sharing the database\n"
		"                        (A-Z a-z 0-9 _ -, at most 32; default: HOSTNAME-COAPPORT)\n"
		"  --nats nats://HOST:PORT\n"
		"                        route commands for devices whose session another\n"
		"                        front-end holds through this NATS server\n"
		"  --nosec               plain CoAP without DTLS: a lab only\n"
		"  --token-file F        the admin token (made there, mode 0600, if F does not exist)\n"
		"  --pkg-key F           public key packages must be signed with (PEM); without it\n"
		"                        package uploads are refused\n"
		"  --store DIR           package directory (default: packages/ next to the database)\n"
		"  --public-url URL      how devices reach --http (default http://HOST:PORT of --http)\n"
		"  --public-coap-url URL how devices reach --coap for block-wise download\n"
		"                        (default coaps://HOST:PORT of --coap, coap:// with --nosec)\n"
		"  --max-devices N       devices with a live session (default 10000)\n"
		"  --max-reg-rate N      registrations accepted per second (default 1000)\n"
		"  --help, --version\n"
		"\n"
		"Prints \"ready\" on stdout when it serves. docs/server-api.md describes the API.\n");
}

static int changed_flag;

static int add_package(void *ctx, const db_package *p)
{
	lw_add_package(ctx, p->sha256);
	return 0;
}

static void package_added(void *ctx, const char *sha256)
{
	lw_add_package(ctx, sha256);
}

static void changed(void *ctx)
{
	(void)ctx;
	changed_flag = 1;
}

static double wall_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	const char *coap = NULL, *http = NULL, *dburl = NULL, *token_file = NULL, *pkg_key = NULL;
	const char *store = NULL, *public_url = NULL, *public_coap = NULL, *nats = NULL, *node_id = NULL;
	bool nosec = false;
	unsigned long max_devices = 10000, max_reg = 1000;
	static const struct option opts[] = {
		{"coap", required_argument, NULL, 'c'},
		{"http", required_argument, NULL, 'h'},
		{"db", required_argument, NULL, 'd'},
		{"nosec", no_argument, NULL, 'n'},
		{"token-file", required_argument, NULL, 't'},
		{"pkg-key", required_argument, NULL, 'k'},
		{"store", required_argument, NULL, 's'},
		{"public-url", required_argument, NULL, 'u'},
		{"public-coap-url", required_argument, NULL, 'U'},
		{"max-devices", required_argument, NULL, 'm'},
		{"max-reg-rate", required_argument, NULL, 'r'},
		{"nats", required_argument, NULL, 'N'},
		{"node-id", required_argument, NULL, 'i'},
		{"help", no_argument, NULL, 'H'},
		{"version", no_argument, NULL, 'V'},
		{0},
	};
	int o;
	char *end;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'c': coap = optarg; break;
		case 'h': http = optarg; break;
		case 'd': dburl = optarg; break;
		case 'n': nosec = true; break;
		case 't': token_file = optarg; break;
		case 'k': pkg_key = optarg; break;
		case 's': store = optarg; break;
		case 'u': public_url = optarg; break;
		case 'N': nats = optarg; break;
		case 'i': node_id = optarg; break;
		case 'U': public_coap = optarg; break;
		case 'm':
		case 'r': {
			unsigned long v = strtoul(optarg, &end, 10);
			if (*end || !*optarg || v == 0 || v > 10000000) {
				fprintf(stderr, "sarafw-server: --%s wants a number from 1 to 10000000\n",
					o == 'm' ? "max-devices" : "max-reg-rate");
				return 2;
			}
			*(o == 'm' ? &max_devices : &max_reg) = v;
			break;
		}
		case 'H': usage(stdout); return 0;
		case 'V': printf("sarafw-server %s\n", SARAFW_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || !coap || !http || !dburl) {
		fprintf(stderr, "sarafw-server: --coap, --http and --db are required (--help)\n");
		return 2;
	}
	char err[256];
	char host[CLUSTER_NODE_MAX + 1] = "";
	if (!node_id) {
		/* "<host name>-<CoAP port>", cut to a node id: two front-ends on
		 * one machine never share one by default */
		char name[64] = "";
		const char *port = strrchr(coap, ':');
		if (gethostname(name, sizeof name - 1) < 0 || !name[0])
			snprintf(name, sizeof name, "node");
		port = port ? port + 1 : "";
		int keep = CLUSTER_NODE_MAX - 1 - (int)strnlen(port, 6);
		snprintf(host, sizeof host, "%.*s-%.6s", keep > 0 ? keep : 0, name, port);
		for (char *h = host; *h; h++)
			if (!cluster_node_id_ok((char[]){*h, 0}))
				*h = '-';
		node_id = host;
	}
	if (!cluster_node_id_ok(node_id)) {
		fprintf(stderr, "sarafw-server: --node-id %s: 1 to %d of A-Z a-z 0-9 _ -\n", node_id, CLUSTER_NODE_MAX);
		return 2;
	}
	if (nats && strncmp(nats, "nats://", 7)) {
		fprintf(stderr, "sarafw-server: --nats wants nats://HOST:PORT\n");
		return 2;
	}
	lw_config lc = {.nosec = nosec, .max_devices = (unsigned)max_devices, .max_reg_per_s = (unsigned)max_reg,
			.changed = changed, .node_id = node_id};
	rest_config rc = {0};
	if (hostport_parse(coap, &lc.addr, &lc.addrlen, err, sizeof err) < 0 ||
	    hostport_parse(http, &rc.addr, &rc.addrlen, err, sizeof err) < 0) {
		fprintf(stderr, "sarafw-server: %s\n", err);
		return 2;
	}
	uint8_t pub[PKG_PUB_SIZE];
	if (pkg_key) {
		if (pkg_pub_load(pkg_key, pub) != PKG_OK) {
			fprintf(stderr, "sarafw-server: %s: not an Ed25519 public key in PEM\n", pkg_key);
			return 2;
		}
		rc.pkg_pub = pub;
	}
	char storebuf[512];
	if (!store) {
		if (strncmp(dburl, "sqlite:", 7)) {
			fprintf(stderr, "sarafw-server: --store DIR is needed with this database\n");
			return 2;
		}
		const char *path = dburl + 7, *slash = strrchr(path, '/');
		snprintf(storebuf, sizeof storebuf, "%.*s%spackages", slash ? (int)(slash - path) : 0, path,
			 slash ? "/" : "");
		store = storebuf;
	}
	if (mkdir(store, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "sarafw-server: %s: %s\n", store, strerror(errno));
		return 1;
	}
	db *d = db_open(dburl, err, sizeof err);
	if (!d) {
		fprintf(stderr, "sarafw-server: %s\n", err);
		return 1;
	}
	if (token_file && rest_admin_token(d, token_file, err, sizeof err) < 0) {
		fprintf(stderr, "sarafw-server: %s\n", err);
		db_close(d);
		return 1;
	}
	lc.db = rc.db = d;
	lc.store = rc.store = store;
	lw_server *lw = lw_start(&lc, err, sizeof err);
	if (!lw) {
		fprintf(stderr, "sarafw-server: --coap %s: %s\n", coap, err);
		db_close(d);
		return 1;
	}
	char base[160], cbase[160];
	snprintf(base, sizeof base, "%s", public_url ? public_url : "");
	if (!public_url)
		snprintf(base, sizeof base, "http://%s", http);
	cluster *cl = cluster_start(d, node_id, nats, lw_campaign_io(lw), lw_observe, lw, err, sizeof err);
	if (!cl) {
		fprintf(stderr, "sarafw-server: %s\n", err);
		lw_stop(lw);
		db_close(d);
		return 1;
	}
	const campaign_io *io = cluster_io(cl);
	snprintf(cbase, sizeof cbase, "%s", public_coap ? public_coap : "");
	if (!public_coap)
		snprintf(cbase, sizeof cbase, "%s://%s", nosec ? "coap" : "coaps", coap);
	lw_set_package_base(lw, base, cbase);
	if (db_package_list(d, add_package, lw) < 0) {
		fprintf(stderr, "sarafw-server: %s\n", db_error(d));
		return 1;
	}
	rc.io = io;
	rc.coap_download = true;
	rc.package_added = package_added;
	rc.changed_ctx = lw;
	rc.lw = lw;
	rc.changed = changed;
	rest_server *rs = rest_start(&rc, err, sizeof err);
	if (!rs) {
		fprintf(stderr, "sarafw-server: --http %s: %s\n", http, err);
		cluster_stop(cl);
		lw_stop(lw);
		db_close(d);
		return 1;
	}
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	printf("ready\n");
	fflush(stdout);

	int lw_ms = 0, rest_ms = 0;
	time_t next_tick = 0;
	/* SARAFW_LOOP_TRACE=MS: each part of the loop that takes MS or more is
	 * written to stderr with its time (finding what a slow request waited
	 * behind) */
	const char *trace_env = getenv("SARAFW_LOOP_TRACE");
	double trace_ms = trace_env ? atof(trace_env) : 0;
	double t0 = 0;
#define TRACE(what)                                                                                        \
	do {                                                                                               \
		if (trace_ms > 0) {                                                                        \
			double t1 = wall_ms();                                                             \
			if (t1 - t0 >= trace_ms)                                                           \
				fprintf(stderr, "loop %.3f %s %.1f ms\n", t1 / 1000, what, t1 - t0);      \
			t0 = t1;                                                                           \
		}                                                                                          \
	} while (0)
	while (!stop) {
		struct pollfd p[4] = {{.fd = lw_fd(lw), .events = POLLIN},
				      {.fd = lw_udp_fd(lw), .events = POLLIN},
				      {.fd = rest_fd(rs), .events = POLLIN},
				      {.fd = cluster_fd(cl), .events = POLLIN}};
		int t = lw_ms < rest_ms ? lw_ms : rest_ms;
		if (changed_flag)
			t = 0;
		if (poll(p, 4, t) < 0 && errno != EINTR)
			break;
		t0 = trace_ms > 0 ? wall_ms() : 0;
		/* plain Updates' refresh times are written before anything
		 * reads the storage: a command, a REST request, a step */
		if (p[3].revents)
			lw_flush(lw);
		cluster_process(cl, (int64_t)time(NULL)); /* routed commands go out in lw_process */
		TRACE("cluster");
		lw_ms = lw_process(lw);
		TRACE("lwm2m");
		if (p[2].revents)
			lw_flush(lw);
		rest_ms = rest_process(rs);
		TRACE("rest");
		time_t now = time(NULL);
		if (changed_flag || now >= next_tick) {
			lw_flush(lw);
			changed_flag = 0;
			next_tick = now + 1;
			if (campaign_tick(d, io, (int64_t)now) < 0)
				fprintf(stderr, "sarafw-server: campaign step: %s\n", db_error(d));
			lw_ms = 0; /* requests may be waiting to go out */
			TRACE("campaign");
		}
	}
	rest_stop(rs);
	cluster_stop(cl);
	lw_stop(lw);
	db_close(d);
	return 0;
}

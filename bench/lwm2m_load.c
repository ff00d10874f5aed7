/* lwm2m_load: a load generator for an LwM2M 1.0 server over plain CoAP
 * (RFC 7252) on UDP, for bench/bench_server.py.
 *
 *   lwm2m_load --server HOST:PORT [--devices N] [--inflight W] [--sockets S]
 *              [--updates U] [--rate R] [--timeout-ms T] [--settle-ms M]
 *   lwm2m_load --echo HOST:PORT
 *
 * N devices register once each (CON POST /rd?ep=...), then, after M ms
 * (--settle-ms, 2000) answering the server's requests, U Updates (CON
 * POST /rd/<location>) go to the devices in turn. At most W requests are
 * in flight (closed loop); with --rate R new requests also start no
 * faster than R per second (open loop up to W). Device k always sends from
 * socket k % S, so the server sees each device at one address; S is N by
 * default (one address per device, as a fleet of modules). A request
 * not answered is sent again with the same message id after T ms, doubled
 * each time, four times (RFC 7252 §4.2); its latency counts from the first
 * send. The server's own requests (Observe /5/0/3, /5/0/5, /3/0/3, Read
 * /3/0) are answered as a module with version "1.0" would, piggybacked.
 * A separate response (empty ACK, then the response as CON) is accepted.
 * Prints one JSON object: per phase the count, rate, latency percentiles
 * and failures.
 *
 * --echo is a trivial CoAP responder (every CON answered 2.01 with a
 * location, or 2.04): the generator's own ceiling, with no server work. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { CON, NON, ACK, RST };
#define C_POST 2
#define C_GET 1
#define CODE(c, d) ((c) << 5 | (d))
#define O_OBSERVE 6
#define O_LOCATION_PATH 8
#define O_URI_PATH 11
#define O_CONTENT_FORMAT 12
#define O_URI_QUERY 15
#define O_ACCEPT 17
#define MAX_RETRANSMIT 4

static int64_t now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/* ---- CoAP encoding ---- */

typedef struct pdu {
	uint8_t b[1500];
	size_t n;
	unsigned last_opt;
} pdu;

static void pdu_start(pdu *p, int type, int code, uint16_t mid, const uint8_t *tok, size_t tkl)
{
	p->b[0] = (uint8_t)(1 << 6 | type << 4 | tkl);
	p->b[1] = (uint8_t)code;
	p->b[2] = (uint8_t)(mid >> 8);
	p->b[3] = (uint8_t)mid;
	memcpy(p->b + 4, tok, tkl);
	p->n = 4 + tkl;
	p->last_opt = 0;
}

static void put_nibble_ext(pdu *p, unsigned v)
{
	if (v >= 269) {
		p->b[p->n++] = (uint8_t)((v - 269) >> 8);
		p->b[p->n++] = (uint8_t)(v - 269);
	} else if (v >= 13) {
		p->b[p->n++] = (uint8_t)(v - 13);
	}
}

static unsigned nibble(unsigned v)
{
	return v >= 269 ? 14 : v >= 13 ? 13 : v;
}

/* options in ascending number */
static void pdu_opt(pdu *p, unsigned num, const void *val, size_t len)
{
	unsigned delta = num - p->last_opt;
	p->last_opt = num;
	p->b[p->n++] = (uint8_t)(nibble(delta) << 4 | nibble((unsigned)len));
	put_nibble_ext(p, delta);
	put_nibble_ext(p, (unsigned)len);
	memcpy(p->b + p->n, val, len);
	p->n += len;
}

static void pdu_opt_str(pdu *p, unsigned num, const char *s)
{
	pdu_opt(p, num, s, strlen(s));
}

static void pdu_opt_uint(pdu *p, unsigned num, unsigned v)
{
	uint8_t b[4] = {0};
	size_t n = 0;
	for (int sh = 24; sh >= 0; sh -= 8)
		if (n || (v >> sh) & 0xff)
			b[n++] = (uint8_t)(v >> sh);
	pdu_opt(p, num, b, n);
}

static void pdu_payload(pdu *p, const void *d, size_t n)
{
	p->b[p->n++] = 0xff;
	memcpy(p->b + p->n, d, n);
	p->n += n;
}

/* ---- decoding ---- */

typedef struct msg {
	int type, code;
	uint16_t mid;
	const uint8_t *tok;
	size_t tkl;
	/* the options this tool reads */
	char loc[2][32];
	int nloc;
	char path[64];
	bool observe;
	const uint8_t *payload;
	size_t plen;
} msg;

static int decode(const uint8_t *b, size_t n, msg *m)
{
	memset(m, 0, sizeof *m);
	if (n < 4 || b[0] >> 6 != 1)
		return -1;
	m->type = b[0] >> 4 & 3;
	m->tkl = b[0] & 15;
	m->code = b[1];
	m->mid = (uint16_t)(b[2] << 8 | b[3]);
	if (m->tkl > 8 || 4 + m->tkl > n)
		return -1;
	m->tok = b + 4;
	size_t i = 4 + m->tkl;
	unsigned num = 0;
	while (i < n && b[i] != 0xff) {
		unsigned d = b[i] >> 4, l = b[i] & 15;
		i++;
		for (int k = 0; k < 2; k++) {
			unsigned *v = k ? &l : &d;
			if (*v == 13) {
				if (i >= n)
					return -1;
				*v = 13 + b[i++];
			} else if (*v == 14) {
				if (i + 1 >= n)
					return -1;
				*v = 269 + (unsigned)(b[i] << 8 | b[i + 1]);
				i += 2;
			} else if (*v == 15) {
				return -1;
			}
		}
		num += d;
		if (i + l > n)
			return -1;
		if (num == O_LOCATION_PATH && m->nloc < 2 && l < sizeof m->loc[0]) {
			memcpy(m->loc[m->nloc], b + i, l);
			m->loc[m->nloc++][l] = 0;
		} else if (num == O_URI_PATH && strlen(m->path) + l + 2 < sizeof m->path) {
			if (m->path[0])
				strcat(m->path, "/");
			strncat(m->path, (const char *)b + i, l);
		} else if (num == O_OBSERVE) {
			m->observe = true;
		}
		i += l;
	}
	if (i < n && b[i] == 0xff) {
		m->payload = b + i + 1;
		m->plen = n - i - 1;
	}
	return 0;
}

/* ---- the generator ---- */

typedef struct req {
	bool used;
	unsigned dev;
	int sock;
	uint16_t mid;
	uint32_t seq; /* the token: which request this is */
	int64_t t0, due;
	int tries;
	int64_t timeout;
	pdu p;
} req;

typedef struct phase {
	const char *name;
	unsigned total, started, done, failed, errors;
	unsigned *lat_us;
	int64_t t0, t1;
} phase;

static struct {
	struct sockaddr_in server;
	unsigned devices, inflight, sockets, updates;
	double rate;
	int64_t timeout_us;
	int *fd;
	int ep; /* epoll over fd[] */
	uint16_t *next_mid;
	char (*loc)[32];
	req *r;
	uint32_t seq;
	unsigned retransmits, answered_server;
	int settle_ms;
} G = {.devices = 1000, .inflight = 32, .rate = 0, .timeout_us = 2000000, .settle_ms = 2000};

static int parse_addr(const char *s, struct sockaddr_in *a)
{
	char host[64];
	const char *c = strrchr(s, ':');
	if (!c || (size_t)(c - s) >= sizeof host)
		return -1;
	memcpy(host, s, (size_t)(c - s));
	host[c - s] = 0;
	memset(a, 0, sizeof *a);
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)atoi(c + 1));
	return inet_pton(AF_INET, host, &a->sin_addr) == 1 ? 0 : -1;
}

static void build_request(req *q, bool reg)
{
	uint8_t tok[4] = {(uint8_t)(q->seq >> 24), (uint8_t)(q->seq >> 16), (uint8_t)(q->seq >> 8), (uint8_t)q->seq};
	pdu *p = &q->p;
	pdu_start(p, CON, CODE(0, C_POST), q->mid, tok, sizeof tok);
	pdu_opt_str(p, O_URI_PATH, "rd");
	if (reg) {
		char ep[64];
		snprintf(ep, sizeof ep, "ep=urn:imei:35%013u", q->dev);
		pdu_opt_uint(p, O_CONTENT_FORMAT, 40);
		pdu_opt_str(p, O_URI_QUERY, ep);
		pdu_opt_str(p, O_URI_QUERY, "lt=86400");
		pdu_opt_str(p, O_URI_QUERY, "lwm2m=1.0");
		pdu_opt_str(p, O_URI_QUERY, "b=U");
		static const char links[] = "</1/0>,</3/0>,</5/0>";
		pdu_payload(p, links, sizeof links - 1);
	} else {
		pdu_opt_str(p, O_URI_PATH, G.loc[q->dev]);
	}
}

static void send_pdu(int fd, const pdu *p)
{
	if (sendto(fd, p->b, p->n, 0, (const struct sockaddr *)&G.server, sizeof G.server) < 0 && errno != EAGAIN &&
	    errno != ENOBUFS)
		perror("sendto");
}

static void start_request(phase *ph, unsigned slot, bool reg)
{
	req *q = &G.r[slot];
	unsigned k = ph->started++;
	q->used = true;
	q->dev = reg ? k : k % G.devices;
	q->sock = (int)(q->dev % G.sockets);
	q->mid = G.next_mid[q->sock]++;
	q->seq = G.seq++ << 12 | slot; /* slot in the low 12 bits */
	q->tries = 0;
	q->timeout = G.timeout_us;
	build_request(q, reg);
	q->t0 = now_us();
	q->due = q->t0 + q->timeout;
	send_pdu(G.fd[q->sock], &q->p);
}

/* answer a request of the server's: Observe and Read of what a module on
 * version 1.0 reports */
static void answer_server(int fd, const struct sockaddr_in *from, const msg *m)
{
	pdu p;
	pdu_start(&p, ACK, CODE(2, 5), m->mid, m->tok, m->tkl);
	if (!strcmp(m->path, "3/0")) {
		static const uint8_t tlv[] = {0xc3, 0x03, '1', '.', '0'}; /* resource 3: "1.0" */
		pdu_opt_uint(&p, O_CONTENT_FORMAT, 11542);
		pdu_payload(&p, tlv, sizeof tlv);
	} else {
		const char *v = !strcmp(m->path, "3/0/3") ? "1.0" : "0";
		if (m->observe)
			pdu_opt_uint(&p, O_OBSERVE, 1);
		pdu_opt_uint(&p, O_CONTENT_FORMAT, 0);
		pdu_payload(&p, v, strlen(v));
	}
	sendto(fd, p.b, p.n, 0, (const struct sockaddr *)from, sizeof *from);
	G.answered_server++;
}

static void finish(phase *ph, req *q, const msg *m, bool reg)
{
	int64_t t = now_us();
	bool ok = reg ? m->code == CODE(2, 1) && m->nloc == 2 : m->code == CODE(2, 4);
	if (ok && reg)
		snprintf(G.loc[q->dev], sizeof G.loc[q->dev], "%s", m->loc[1]);
	if (!ok)
		ph->errors++;
	ph->lat_us[ph->done++] = (unsigned)(t - q->t0);
	q->used = false;
}

static void on_datagram(phase *ph, int s, const uint8_t *b, size_t n, const struct sockaddr_in *from, bool reg)
{
	msg m;
	if (decode(b, n, &m) < 0)
		return;
	if (m.code >= CODE(0, 1) && m.code <= CODE(0, 31)) {
		if (m.type == CON)
			answer_server(G.fd[s], from, &m);
		return;
	}
	if (m.tkl != 4) {
		return; /* an empty ACK (a separate response follows) or an RST */
	}
	uint32_t seq = (uint32_t)m.tok[0] << 24 | (uint32_t)m.tok[1] << 16 | (uint32_t)m.tok[2] << 8 | m.tok[3];
	unsigned slot = seq & 0xfff;
	if (slot >= G.inflight)
		return;
	req *q = &G.r[slot];
	if (!q->used || q->seq != seq || q->sock != s)
		return;
	if (m.type == CON) { /* a separate response: acknowledge it */
		pdu a;
		pdu_start(&a, ACK, 0, m.mid, NULL, 0);
		sendto(G.fd[s], a.b, a.n, 0, (const struct sockaddr *)from, sizeof *from);
	} else if (m.type != ACK || m.mid != q->mid) {
		return;
	}
	finish(ph, q, &m, reg);
}

static int cmp_u(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
	return x < y ? -1 : x > y;
}

static double pct(const phase *ph, double p)
{
	if (!ph->done)
		return 0;
	size_t i = (size_t)(p * (double)ph->done);
	if (i >= ph->done)
		i = ph->done - 1;
	return ph->lat_us[i] / 1000.0;
}

static void run(phase *ph, bool reg)
{
	ph->lat_us = calloc(ph->total ? ph->total : 1, sizeof *ph->lat_us);
	if (!ph->lat_us) {
		fprintf(stderr, "lwm2m_load: out of memory\n");
		exit(1);
	}
	struct epoll_event ev[256];
	ph->t0 = now_us();
	unsigned busy = 0;
	uint8_t buf[2048];
	while (ph->done + ph->failed < ph->total) {
		int64_t t = now_us();
		/* start what the window and the rate allow */
		double allowed = G.rate > 0 ? (double)(t - ph->t0) * G.rate / 1e6 + 1 : 1e18;
		for (unsigned i = 0; i < G.inflight && ph->started < ph->total && ph->started < allowed; i++)
			if (!G.r[i].used)
				start_request(ph, i, reg);
		/* retransmit or give up */
		int64_t next = t + 1000;
		busy = 0;
		for (unsigned i = 0; i < G.inflight; i++) {
			req *q = &G.r[i];
			if (!q->used)
				continue;
			busy++;
			if (t >= q->due) {
				if (q->tries++ == MAX_RETRANSMIT) {
					q->used = false;
					ph->failed++;
					continue;
				}
				G.retransmits++;
				if (getenv("LWM2M_LOAD_DEBUG"))
					fprintf(stderr, "retransmit dev %u mid %u sock %d\n", q->dev, q->mid, q->sock);
				q->timeout *= 2;
				q->due = t + q->timeout;
				send_pdu(G.fd[q->sock], &q->p);
			}
			if (q->due < next)
				next = q->due;
		}
		if (busy < G.inflight && ph->started < ph->total && G.rate > 0) {
			/* the next start the rate allows */
			int64_t at = ph->t0 + (int64_t)((double)ph->started * 1e6 / G.rate);
			if (at < next)
				next = at;
		}
		int wait = next > t ? (int)((next - t + 999) / 1000) : 0;
		int nev = epoll_wait(G.ep, ev, 256, wait);
		if (nev < 0 && errno != EINTR)
			break;
		for (int e = 0; e < nev; e++) {
			unsigned i = ev[e].data.u32;
			for (int k = 0; k < 64; k++) {
				struct sockaddr_in from;
				socklen_t fl = sizeof from;
				ssize_t n = recvfrom(G.fd[i], buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
				if (n <= 0)
					break;
				on_datagram(ph, (int)i, buf, (size_t)n, &from, reg);
			}
		}
	}
	ph->t1 = now_us();
	qsort(ph->lat_us, ph->done, sizeof *ph->lat_us, cmp_u);
}

/* between the phases: answer the server's requests (the observations
 * every registration brings) for ms, as a fleet that registered earlier */
static void settle(phase *ph, int ms)
{
	struct epoll_event ev[256];
	uint8_t buf[2048];
	int64_t end = now_us() + (int64_t)ms * 1000;
	for (int64_t t; (t = now_us()) < end;) {
		int nev = epoll_wait(G.ep, ev, 256, (int)((end - t) / 1000) + 1);
		for (int e = 0; e < nev; e++) {
			struct sockaddr_in from;
			socklen_t fl = sizeof from;
			ssize_t n;
			while ((n = recvfrom(G.fd[ev[e].data.u32], buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *)&from,
					     &fl)) > 0)
				on_datagram(ph, (int)ev[e].data.u32, buf, (size_t)n, &from, false);
		}
	}
}

static void print_phase(const phase *ph, bool last)
{
	double s = (double)(ph->t1 - ph->t0) / 1e6;
	printf("  \"%s\": {\"requests\": %u, \"answered\": %u, \"not_answered\": %u, \"errors\": %u,"
	       " \"seconds\": %.3f, \"per_s\": %.1f, \"p50_ms\": %.2f, \"p90_ms\": %.2f, \"p99_ms\": %.2f,"
	       " \"max_ms\": %.2f}%s\n",
	       ph->name, ph->total, ph->done, ph->failed, ph->errors, s, s > 0 ? ph->done / s : 0, pct(ph, 0.5),
	       pct(ph, 0.9), pct(ph, 0.99), pct(ph, 1.0), last ? "" : ",");
}

/* --echo: answer every CON request at once, with no work */
static int echo(const char *where)
{
	struct sockaddr_in a;
	if (parse_addr(where, &a) < 0)
		return fprintf(stderr, "lwm2m_load: --echo HOST:PORT\n"), 2;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	int big = 4 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0)
		return perror("bind"), 1;
	printf("ready\n");
	fflush(stdout);
	uint8_t buf[2048];
	for (;;) {
		struct sockaddr_in from;
		socklen_t fl = sizeof from;
		ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
		msg m;
		if (n <= 0 || decode(buf, (size_t)n, &m) < 0 || m.type != CON || m.code == 0)
			continue;
		pdu p;
		bool reg = !strcmp(m.path, "rd");
		pdu_start(&p, ACK, reg ? CODE(2, 1) : CODE(2, 4), m.mid, m.tok, m.tkl);
		if (reg) {
			char loc[16];
			snprintf(loc, sizeof loc, "%08x", (unsigned)rand());
			pdu_opt_str(&p, O_LOCATION_PATH, "rd");
			pdu_opt_str(&p, O_LOCATION_PATH, loc);
		}
		sendto(fd, p.b, p.n, 0, (struct sockaddr *)&from, fl);
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"server", required_argument, NULL, 's'}, {"devices", required_argument, NULL, 'n'},
		{"inflight", required_argument, NULL, 'w'}, {"sockets", required_argument, NULL, 'k'},
		{"updates", required_argument, NULL, 'u'}, {"rate", required_argument, NULL, 'r'},
		{"timeout-ms", required_argument, NULL, 't'}, {"echo", required_argument, NULL, 'e'},
		{"settle-ms", required_argument, NULL, 'S'},
		{0},
	};
	G.sockets = 0;
	const char *server = NULL;
	bool updates_set = false;
	int o;
	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 's': server = optarg; break;
		case 'n': G.devices = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'w': G.inflight = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'k': G.sockets = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'u': G.updates = (unsigned)strtoul(optarg, NULL, 10); updates_set = true; break;
		case 'r': G.rate = strtod(optarg, NULL); break;
		case 't': G.timeout_us = (int64_t)strtoul(optarg, NULL, 10) * 1000; break;
		case 'e': return echo(optarg);
		case 'S': G.settle_ms = atoi(optarg); break;
		default: return 2;
		}
	}
	if (!server || parse_addr(server, &G.server) < 0 || !G.devices || !G.inflight || G.inflight > 4096 ||
	    G.timeout_us <= 0) {
		fprintf(stderr, "usage: lwm2m_load --server HOST:PORT [--devices N] [--inflight W (<= 4096)]"
				" [--sockets S] [--updates U] [--rate R] [--timeout-ms T] | --echo HOST:PORT\n");
		return 2;
	}
	if (!updates_set)
		G.updates = G.devices;
	if (!G.sockets || G.sockets > G.devices)
		G.sockets = G.devices;
	G.fd = calloc(G.sockets, sizeof *G.fd);
	G.next_mid = calloc(G.sockets, sizeof *G.next_mid);
	G.loc = calloc(G.devices, sizeof *G.loc);
	G.r = calloc(G.inflight, sizeof *G.r);
	if (!G.fd || !G.next_mid || !G.loc || !G.r)
		return fprintf(stderr, "lwm2m_load: out of memory\n"), 1;
	G.ep = epoll_create1(EPOLL_CLOEXEC);
	for (unsigned i = 0; i < G.sockets; i++) {
		G.fd[i] = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		int big = 256 << 10;
		if (G.fd[i] < 0)
			return perror("socket (one per device: raise ulimit -n, or --sockets)"), 1;
		if (G.sockets <= 64)
			setsockopt(G.fd[i], SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
		struct epoll_event e = {.events = EPOLLIN, .data.u32 = i};
		if (epoll_ctl(G.ep, EPOLL_CTL_ADD, G.fd[i], &e) < 0)
			return perror("epoll_ctl"), 1;
		G.next_mid[i] = (uint16_t)(i * 7919);
	}
	phase reg = {.name = "register", .total = G.devices};
	phase upd = {.name = "update", .total = G.updates};
	run(&reg, true);
	settle(&reg, G.settle_ms);
	run(&upd, false);
	printf("{\n  \"devices\": %u, \"inflight\": %u, \"sockets\": %u, \"rate\": %.0f,"
	       " \"retransmits\": %u, \"server_requests_answered\": %u,\n",
	       G.devices, G.inflight, G.sockets, G.rate, G.retransmits, G.answered_server);
	print_phase(&reg, false);
	print_phase(&upd, true);
	printf("}\n");
	return 0;
}

/* LwM2M 1.0 server side of sarafw-server (lwm2m.h), on libcoap3. */
#include <coap3/coap.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "coapsock.h"
#include "db_cluster.h"
#include "linkformat.h"
#include "lwm2m.h"
#include "ufota_config.h"

/* what a request we sent was for (byte 6 of its token) */
enum {
	K_OBS_FW_STATE = 1, /* Observe /5/0/3 */
	K_OBS_FW_RESULT,    /* Observe /5/0/5 */
	K_OBS_FW_VERSION,   /* Observe /3/0/3 */
	K_READ_DEVICE,      /* Read /3/0 (TLV) */
	K_WRITE_URI,        /* Write /5/0/1 */
	K_EXECUTE,          /* Execute /5/0/2 */
	K_REBOOT,           /* Execute /3/0/4 (note §2.6.2) */
};

/* the indexes a slot is found by (ix_key) */
typedef enum { IX_EP, IX_IMEI, IX_LOC, IX_N } lw_index;

/* a device with a live session in this process */
typedef struct lw_dev {
	bool used;
	uint16_t gen;
	char ep[REG_EP_MAX + 1];
	char imei[16];
	coap_session_t *session; /* referenced while held */
	bool setup_queued;
	uint8_t waiting; /* 1 << kind: requests sent and not yet answered */
	int64_t expires; /* the registration's lifetime ends: the slot is freed */
	/* the registration as stored, once this process wrote it (Register,
	 * or an Update on a new session): a plain Update on the same session
	 * is answered from these (hnd_update) */
	char loc[DB_LOC_MAX + 1];
	int64_t lifetime;
	/* the last Register answered 2.01: a retransmission of it (same
	 * message id, same address) gets the same location (RFC 7252 §4.5) */
	coap_address_t reg_addr;
	coap_mid_t reg_mid;
	int64_t reg_at;
	char reg_loc[DB_LOC_MAX + 1];
	/* /5/0/3 as last notified since the observations were set up (-1:
	 * not yet); left_download: the second it went from Downloading to
	 * Idle, 0 none (a cancel, unless a failure result follows) */
	int8_t fw_state;
	int64_t left_download;
	bool touched; /* a refresh not yet written (touch_flush) */
	/* the next slot in the same bucket of each index (lw_index) */
	uint32_t next[IX_N];
} lw_dev;

/* Slots are found by endpoint, IMEI and location through chained hash
 * indexes (bucket heads and the lw_dev's next[] hold slot + 1, 0 ends a
 * chain; a slot whose key is empty is in none), and free slots come from a
 * stack: every request costs the same whether 10 or 100,000 devices are
 * held. */
#define LW_NONE 0
static const size_t ix_key[IX_N] = {
	[IX_EP] = offsetof(lw_dev, ep),
	[IX_IMEI] = offsetof(lw_dev, imei),
	[IX_LOC] = offsetof(lw_dev, loc),
};

/* EXCHANGE_LIFETIME, RFC 7252 §4.8.2: how long a message id is remembered */
#define LW_EXCHANGE_LIFETIME 247

/* Plain Updates answered before their refresh is written: at most this
 * many, for at most LW_TOUCH_US, and never past anything else that reads
 * the storage (lw_flush). A statement per datagram (they come one at a
 * time, ahead of libcoap) would cost more than the Updates themselves. */
#define LW_TOUCH_MAX 1024
#define LW_TOUCH_US 10000

struct lw_server {
	lw_config cfg;
	coap_context_t *ctx;
	coap_endpoint_t *ep;
	lw_dev *dev;
	uint32_t *head[IX_N]; /* nbuckets bucket heads per index */
	uint32_t nbuckets;             /* a power of two */
	unsigned *free_q;              /* free slots, free_n of them */
	unsigned free_n;
	unsigned *setup_q; /* slots waiting for their observations: a ring */
	unsigned setup_head, setup_n;
	unsigned inflight; /* devices with requests not yet answered (waiting != 0) */
	uint8_t seq;
	/* registration rate: a token bucket refilled every second */
	int64_t bucket_at;
	unsigned bucket;
	int64_t swept_at;
	int64_t walked_at; /* s: lw_process's timed walk */
	campaign_io io;
	char http_base[128];
	char coap_base[128];
	uint8_t psk_buf[64];
	coap_bin_const_t psk;
	unsigned burst;      /* datagrams per libcoap round (do_io) */
	int64_t prepared_at; /* ms: libcoap last walked its sessions */
	/* pacing (do_io): how long libcoap's walk over the sessions took
	 * (measured alone once a second), and when its last round ended
	 * (monotonic us) */
	int64_t walk_us, done_us;
	/* plain Updates answered and not yet written (touch_flush) */
	struct lw_touch {
		unsigned slot;
		uint16_t gen;
	} touch[LW_TOUCH_MAX];
	unsigned touch_n;
	int64_t touch_since; /* monotonic us: the oldest of them was answered */
	char touch_loc[LW_TOUCH_MAX][DB_LOC_MAX + 1]; /* touch_flush's */
	bool touch_found[LW_TOUCH_MAX];
	/* plain CoAP: the endpoint's socket, read ahead of libcoap
	 * (fast_updates), -1 with DTLS; blocked: its head datagram is
	 * libcoap's to read */
	int udp_fd;
	bool udp_blocked;
	lw_stats stats; /* counters (lw_get_stats fills in the rest) */
	unsigned slow[1025]; /* heads left to libcoap: type << 8 | code; 1024 not CoAP */
};

#define LW_PREPARE_MS 100
#define LW_WALK_IDLE_S 10

/* Devices with requests in flight at most before a registration's setup
 * waits its turn: a device's unanswered confirmable request (libcoap
 * keeps one per device in flight, NSTART = 1, the rest behind it) sits in
 * libcoap 4.3's send queue, a list kept sorted by retransmission time (an
 * insert walks it), so thousands of them (a fleet registering at once,
 * answering late) made each send cost O(queue) and the server stopped
 * answering Updates in time. Bounded, a registration flood costs the same
 * per request and the devices' Updates keep their latency. */
#define LW_INFLIGHT_MAX 256

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

static int64_t mono_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int64_t mono_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/* SARAFW_LOOP_TRACE=MS (main.c): the parts of a round of the LwM2M side
 * that take MS or more go to stderr, with what they handled; 0: off */
static double trace_ms(void)
{
	static double ms = -1;
	if (ms < 0) {
		const char *e = getenv("SARAFW_LOOP_TRACE");
		ms = e ? atof(e) : 0;
	}
	return ms;
}

static void trace(const char *what, int64_t since_us, size_t n)
{
	double took = (double)(mono_us() - since_us) / 1000;
	if (trace_ms() > 0 && took >= trace_ms()) {
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		fprintf(stderr, "lwm2m %.3f %s %.1f ms (%zu)\n", (double)t.tv_sec + t.tv_nsec / 1e9, what, took, n);
	}
}

/* and each second, the datagrams plain Updates waited behind */
static void trace_slow(lw_server *s)
{
	static const char *const type[] = {"CON", "NON", "ACK", "RST"};
	if (trace_ms() > 0)
		for (unsigned k = 0; k <= 1024; k++)
			if (s->slow[k])
				fprintf(stderr, "lwm2m %lld left to libcoap: %s %u.%02u x%u\n", (long long)now_s(),
					k < 1024 ? type[k >> 8] : "?", (k & 0xff) >> 5, k & 31, s->slow[k]);
	memset(s->slow, 0, sizeof s->slow);
}

static lw_server *server_of(coap_session_t *session)
{
	return coap_get_app_data(coap_session_get_context(session));
}

/* FNV-1a */
static uint32_t bucket(const lw_server *s, const char *key)
{
	uint32_t h = 2166136261u;
	for (; *key; key++)
		h = (h ^ (uint8_t)*key) * 16777619u;
	return h & (s->nbuckets - 1);
}

static const char *key_of(const lw_dev *d, lw_index ix)
{
	return (const char *)d + ix_key[ix];
}

/* the slot whose key in index ix is key, or NULL */
static lw_dev *find_slot(lw_server *s, lw_index ix, const char *key)
{
	if (!key[0])
		return NULL;
	for (uint32_t i = s->head[ix][bucket(s, key)]; i != LW_NONE; i = s->dev[i - 1].next[ix])
		if (!strcmp(key_of(&s->dev[i - 1], ix), key))
			return &s->dev[i - 1];
	return NULL;
}

static void link_slot(lw_server *s, lw_index ix, lw_dev *d)
{
	if (!key_of(d, ix)[0])
		return;
	uint32_t *h = &s->head[ix][bucket(s, key_of(d, ix))];
	d->next[ix] = *h;
	*h = (uint32_t)(d - s->dev) + 1;
}

/* take slot d out of index ix (before its key changes) */
static void unlink_slot(lw_server *s, lw_index ix, lw_dev *d)
{
	if (!key_of(d, ix)[0])
		return;
	uint32_t me = (uint32_t)(d - s->dev) + 1;
	for (uint32_t *p = &s->head[ix][bucket(s, key_of(d, ix))]; *p != LW_NONE; p = &s->dev[*p - 1].next[ix])
		if (*p == me) {
			*p = d->next[ix];
			return;
		}
}

static lw_dev *find_ep(lw_server *s, const char *ep)
{
	return find_slot(s, IX_EP, ep);
}

static lw_dev *find_imei(lw_server *s, const char *imei)
{
	return find_slot(s, IX_IMEI, imei);
}

/* d's registration as this process wrote it is at loc ("": none known,
 * its next Update reads the storage) */
static void set_loc(lw_server *s, lw_dev *d, const char *loc)
{
	unlink_slot(s, IX_LOC, d);
	snprintf(d->loc, sizeof d->loc, "%s", loc);
	link_slot(s, IX_LOC, d);
}

/* the device's requests in flight no longer count (their answers are
 * stale: another session or generation) */
static void forget_waiting(lw_server *s, lw_dev *d)
{
	if (d->waiting)
		s->inflight--;
	d->waiting = 0;
}

/* a session's app data names the device holding it (held_at) */
static void let_go(lw_server *s, lw_dev *d)
{
	set_loc(s, d, "");
	if (!d->session)
		return;
	if (coap_session_get_app_data(d->session) == d)
		coap_session_set_app_data(d->session, NULL);
	coap_session_release(d->session);
	d->session = NULL;
}

static void dev_drop(lw_server *s, lw_dev *d)
{
	forget_waiting(s, d);
	let_go(s, d);
	d->used = false;
	d->gen++;
	unlink_slot(s, IX_EP, d);
	unlink_slot(s, IX_IMEI, d);
	s->free_q[s->free_n++] = (unsigned)(d - s->dev);
}

/* hold a session for ep; NULL when the table is full */
static lw_dev *dev_hold(lw_server *s, const char *ep, const char *imei, coap_session_t *session)
{
	lw_dev *d = find_ep(s, ep);
	if (!d) {
		if (!s->free_n)
			return NULL;
		d = &s->dev[s->free_q[--s->free_n]];
		snprintf(d->ep, sizeof d->ep, "%s", ep);
		snprintf(d->imei, sizeof d->imei, "%s", imei);
		link_slot(s, IX_EP, d);
		link_slot(s, IX_IMEI, d);
	} else if (strcmp(d->imei, imei)) {
		unlink_slot(s, IX_IMEI, d);
		snprintf(d->imei, sizeof d->imei, "%s", imei);
		link_slot(s, IX_IMEI, d);
	}
	if (d->session != session) {
		forget_waiting(s, d);
		let_go(s, d);
		d->session = coap_session_reference(session);
		coap_session_set_app_data(session, d);
	}
	if (!d->used) {
		d->used = true;
		d->setup_queued = false;
		d->reg_loc[0] = 0;
		set_loc(s, d, "");
	}
	return d;
}

static void queue_setup(lw_server *s, lw_dev *d)
{
	if (d->setup_queued)
		return;
	d->setup_queued = true;
	s->setup_q[(s->setup_head + s->setup_n++) % s->cfg.max_devices] = (unsigned)(d - s->dev);
}

static void changed(lw_server *s)
{
	if (s->cfg.changed)
		s->cfg.changed(s->cfg.changed_ctx);
}

/* ---- requests to a device ---- */

static int send_req(lw_server *s, lw_dev *d, int kind, coap_pdu_code_t code, const char *path, bool observe,
		    int accept, const char *payload)
{
	if (!d->session)
		return -1;
	coap_pdu_t *pdu = coap_new_pdu(COAP_MESSAGE_CON, code, d->session);
	if (!pdu)
		return -1;
	unsigned slot = (unsigned)(d - s->dev);
	uint8_t tok[8] = {
		(uint8_t)(slot >> 24), (uint8_t)(slot >> 16), (uint8_t)(slot >> 8), (uint8_t)slot,
		(uint8_t)(d->gen >> 8), (uint8_t)d->gen, (uint8_t)kind, s->seq++,
	};
	uint8_t b[4];
	coap_add_token(pdu, sizeof tok, tok);
	if (observe)
		coap_add_option(pdu, COAP_OPTION_OBSERVE, coap_encode_var_safe(b, sizeof b, COAP_OBSERVE_ESTABLISH), b);
	for (const char *p = path; *p;) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		coap_add_option(pdu, COAP_OPTION_URI_PATH, n, (const uint8_t *)p);
		p += n + (e ? 1 : 0);
	}
	if (payload)
		coap_add_option(pdu, COAP_OPTION_CONTENT_FORMAT,
				coap_encode_var_safe(b, sizeof b, COAP_MEDIATYPE_TEXT_PLAIN), b);
	if (accept >= 0)
		coap_add_option(pdu, COAP_OPTION_ACCEPT, coap_encode_var_safe(b, sizeof b, (unsigned)accept), b);
	if (payload)
		coap_add_data(pdu, strlen(payload), (const uint8_t *)payload);
	if (coap_send(d->session, pdu) == COAP_INVALID_MID)
		return -1;
	if (!d->waiting)
		s->inflight++;
	d->waiting |= (uint8_t)(1u << kind);
	return 0;
}

#define LWM2M_TLV 11542

/* the observations and reads every registration needs: observations do
 * not survive a re-registration */
static void setup_device(lw_server *s, lw_dev *d)
{
	d->fw_state = -1;
	d->left_download = 0;
	send_req(s, d, K_OBS_FW_STATE, COAP_REQUEST_CODE_GET, "5/0/3", true, COAP_MEDIATYPE_TEXT_PLAIN, NULL);
	send_req(s, d, K_OBS_FW_RESULT, COAP_REQUEST_CODE_GET, "5/0/5", true, COAP_MEDIATYPE_TEXT_PLAIN, NULL);
	send_req(s, d, K_OBS_FW_VERSION, COAP_REQUEST_CODE_GET, "3/0/3", true, COAP_MEDIATYPE_TEXT_PLAIN, NULL);
	send_req(s, d, K_READ_DEVICE, COAP_REQUEST_CODE_GET, "3/0", false, LWM2M_TLV, NULL);
}

static int io_write_uri(void *ctx, const char *imei, const char *uri)
{
	lw_server *s = ctx;
	lw_dev *d = find_imei(s, imei);
	return d ? send_req(s, d, K_WRITE_URI, COAP_REQUEST_CODE_PUT, "5/0/1", false, -1, uri) : -1;
}

static int io_execute(void *ctx, const char *imei)
{
	lw_server *s = ctx;
	lw_dev *d = find_imei(s, imei);
	return d ? send_req(s, d, K_EXECUTE, COAP_REQUEST_CODE_POST, "5/0/2", false, -1, NULL) : -1;
}

static int io_reboot(void *ctx, const char *imei)
{
	lw_server *s = ctx;
	lw_dev *d = find_imei(s, imei);
	return d ? send_req(s, d, K_REBOOT, COAP_REQUEST_CODE_POST, "3/0/4", false, -1, NULL) : -1;
}

/* note §2.6.2: the campaign's configuration file, stored by its SHA-256
 * like a package (written once: the same campaign makes the same bytes);
 * the legacy versions download over HTTP only (§2.1) */
static int io_config_uri(void *ctx, const db_campaign *c, char *buf, size_t cap)
{
	lw_server *s = ctx;
	ufota_config cf;
	char file[UFOTA_CONFIG_SIZE], sha[65], path[512], tmp[540];
	unsigned char md[32];
	unsigned mdlen = 0;
	memset(&cf, 0, sizeof cf);
	snprintf(cf.product, sizeof cf.product, "%s", c->product);
	snprintf(cf.from, sizeof cf.from, "%s", c->from_version);
	snprintf(cf.to, sizeof cf.to, "%s", c->to_version);
	snprintf(cf.package, sizeof cf.package, "%s", c->package);
	if (!s->cfg.store || ufota_config_make(&cf, file, sizeof file) < 0 ||
	    !EVP_Digest(file, sizeof file, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
		return -1;
	for (int i = 0; i < 32; i++)
		snprintf(sha + 2 * i, 3, "%02x", md[i]);
	snprintf(path, sizeof path, "%s/%s", s->cfg.store, sha);
	if (access(path, R_OK) != 0) {
		snprintf(tmp, sizeof tmp, "%s.tmp%d", path, (int)getpid());
		int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		bool ok = fd >= 0 && write(fd, file, sizeof file) == (ssize_t)sizeof file && fsync(fd) == 0;
		if (fd >= 0)
			close(fd);
		if (!ok || rename(tmp, path) != 0) {
			unlink(tmp);
			return -1;
		}
	}
	snprintf(buf, cap, "%s/pkg/%s", s->http_base, sha);
	return 0;
}

static void io_package_uri(void *ctx, const char *sha, const char *transport, char *buf, size_t cap)
{
	lw_server *s = ctx;
	snprintf(buf, cap, "%s/pkg/%s", strcmp(transport, "coap") ? s->http_base : s->coap_base, sha);
}

static void respond(coap_pdu_t *resp, coap_pdu_code_t code, const char *diag)
{
	coap_pdu_set_code(resp, code);
	if (diag)
		coap_add_data(resp, strlen(diag), (const uint8_t *)diag);
}

/* ---- package download, block-wise (RFC 7959) ---- */

typedef struct mapped {
	void *p;
	size_t len;
} mapped;

static void unmap(coap_session_t *session, void *app_ptr)
{
	(void)session;
	mapped *m = app_ptr;
	munmap(m->p, m->len);
	free(m);
}

/* GET pkg/<sha256>: the stored file, mapped while libcoap sends its blocks */
static void hnd_package(coap_resource_t *r, coap_session_t *session, const coap_pdu_t *req,
			const coap_string_t *query, coap_pdu_t *resp)
{
	lw_server *s = server_of(session);
	coap_str_const_t *uri = coap_resource_get_uri_path(r);
	char path[512];
	if (!uri || uri->length < 4 || uri->length > 4 + 64) {
		respond(resp, COAP_RESPONSE_CODE_NOT_FOUND, NULL);
		return;
	}
	snprintf(path, sizeof path, "%s/%.*s", s->cfg.store, (int)uri->length - 4, (const char *)uri->s + 4);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	mapped *m = calloc(1, sizeof *m);
	if (fd < 0 || !m || fstat(fd, &st) < 0 || st.st_size == 0) {
		if (fd >= 0)
			close(fd);
		free(m);
		respond(resp, COAP_RESPONSE_CODE_NOT_FOUND, NULL);
		return;
	}
	m->len = (size_t)st.st_size;
	m->p = mmap(NULL, m->len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m->p == MAP_FAILED) {
		free(m);
		respond(resp, COAP_RESPONSE_CODE_INTERNAL_ERROR, NULL);
		return;
	}
	coap_pdu_set_code(resp, COAP_RESPONSE_CODE_CONTENT);
	/* the package never changes: its hash is its ETag */
	if (!coap_add_data_large_response(r, session, req, resp, query, COAP_MEDIATYPE_APPLICATION_OCTET_STREAM, -1,
					  0, m->len, m->p, unmap, m))
		unmap(session, m);
}

void lw_add_package(lw_server *s, const char *sha256)
{
	char uri[4 + 64 + 1];
	snprintf(uri, sizeof uri, "pkg/%s", sha256);
	if (coap_get_resource_from_uri_path(s->ctx, coap_make_str_const(uri)))
		return;
	coap_resource_t *r = coap_resource_init(coap_new_str_const((const uint8_t *)uri, strlen(uri)),
						COAP_RESOURCE_FLAGS_RELEASE_URI);
	if (!r)
		return;
	coap_register_request_handler(r, COAP_REQUEST_GET, hnd_package);
	coap_add_resource(s->ctx, r);
}

/* ---- what devices send ---- */

static bool text_int(const uint8_t *p, size_t n, int *v)
{
	if (n == 0 || n > 9)
		return false;
	int x = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		x = x * 10 + (p[i] - '0');
	}
	*v = x;
	return true;
}

static bool text_version(const uint8_t *p, size_t n, char *out, size_t cap)
{
	if (n == 0 || n >= cap)
		return false;
	for (size_t i = 0; i < n; i++)
		if (p[i] < 0x20 || p[i] > 0x7e)
			return false;
	memcpy(out, p, n);
	out[n] = 0;
	return true;
}

/* the first answer to a request of this kind (a notification that
 * follows an Observe's answer finds the bit clear) */
static void answered(lw_server *s, lw_dev *d, int kind)
{
	if (kind >= K_OBS_FW_STATE && kind <= K_REBOOT && d->waiting & 1u << kind) {
		d->waiting &= (uint8_t)~(1u << kind);
		if (!d->waiting)
			s->inflight--;
	}
}

/* the device that a request to it (token: slot, generation, kind) went
 * to, if the request is not stale */
static lw_dev *dev_of_token(lw_server *s, coap_session_t *session, coap_bin_const_t tok, int *kind)
{
	if (tok.length != 8)
		return NULL;
	unsigned slot = (unsigned)tok.s[0] << 24 | (unsigned)tok.s[1] << 16 | (unsigned)tok.s[2] << 8 | tok.s[3];
	uint16_t gen = (uint16_t)(tok.s[4] << 8 | tok.s[5]);
	*kind = tok.s[6];
	if (slot >= s->cfg.max_devices || !s->dev[slot].used || s->dev[slot].gen != gen ||
	    s->dev[slot].session != session)
		return NULL;
	return &s->dev[slot];
}

/* a request that libcoap gave up on (no answer after its retransmissions,
 * an RST, the session gone): it is no longer in flight */
static void on_nack(coap_session_t *session, const coap_pdu_t *sent, const coap_nack_reason_t reason,
		    const coap_mid_t mid)
{
	(void)reason, (void)mid;
	lw_server *s = server_of(session);
	int kind;
	lw_dev *d = s && sent ? dev_of_token(s, session, coap_pdu_get_token(sent), &kind) : NULL;
	if (d)
		answered(s, d, kind);
}

static coap_response_t on_response(coap_session_t *session, const coap_pdu_t *sent, const coap_pdu_t *rcvd,
				   const coap_mid_t mid)
{
	(void)sent, (void)mid;
	lw_server *s = server_of(session);
	int kind;
	lw_dev *d = dev_of_token(s, session, coap_pdu_get_token(rcvd), &kind);
	if (!d)
		return COAP_RESPONSE_FAIL; /* stale: an RST ends an old observation */
	answered(s, d, kind);
	coap_pdu_code_t code = coap_pdu_get_code(rcvd);
	size_t len = 0;
	const uint8_t *data = NULL;
	coap_get_data(rcvd, &len, &data);
	db *dbh = s->cfg.db;
	int v;
	char ver[DB_VER_MAX + 1];
	int64_t now = now_s();
	switch (kind) {
	case K_OBS_FW_STATE:
	case K_OBS_FW_RESULT:
		if (code == COAP_RESPONSE_CODE_CONTENT && text_int(data, len, &v)) {
			if (kind == K_OBS_FW_STATE) {
				db_device_set_fw_state(dbh, d->ep, v);
				/* Downloading -> Idle: a failure's Update Result
				 * follows at once; none within a second: cancelled */
				d->left_download = v == 0 && d->fw_state == 1 ? now : 0;
				d->fw_state = (int8_t)(v >= -1 && v <= 9 ? v : -1);
			} else {
				db_device_set_fw_result(dbh, d->ep, v);
				if (v >= 2)
					d->left_download = 0;
			}
			db_device_seen(dbh, d->ep, now);
			changed(s);
		}
		break;
	case K_OBS_FW_VERSION:
		if (code == COAP_RESPONSE_CODE_CONTENT && text_version(data, len, ver, sizeof ver)) {
			db_device_set_firmware(dbh, d->ep, ver);
			changed(s);
		}
		break;
	case K_READ_DEVICE:
		if (code == COAP_RESPONSE_CODE_CONTENT) {
			const uint8_t *val;
			size_t vlen;
			if (tlv_find(data, len, 3, &val, &vlen) == 0 && text_version(val, vlen, ver, sizeof ver)) {
				db_device_set_firmware(dbh, d->ep, ver);
				changed(s);
			}
		}
		break;
	case K_WRITE_URI:
	case K_EXECUTE:
	case K_REBOOT:
		if (code != COAP_RESPONSE_CODE_CHANGED) {
			char why[96];
			snprintf(why, sizeof why, "%s refused: %d.%02d",
				 kind == K_WRITE_URI ? "Write /5/0/1" : kind == K_EXECUTE ? "Execute /5/0/2" : "Execute /3/0/4",
				 code >> 5, code & 31);
			campaign_action_failed(dbh, d->imei, why, now);
			changed(s);
		}
		break;
	default:
		return COAP_RESPONSE_FAIL;
	}
	return COAP_RESPONSE_OK;
}

static int on_event(coap_session_t *session, const coap_event_t event)
{
	if (event != COAP_EVENT_SESSION_CLOSED && event != COAP_EVENT_DTLS_CLOSED &&
	    event != COAP_EVENT_DTLS_ERROR)
		return 0;
	lw_server *s = server_of(session);
	for (unsigned i = 0; s && i < s->cfg.max_devices; i++)
		if (s->dev[i].used && s->dev[i].session == session) {
			coap_session_release(session);
			s->dev[i].session = NULL;
		}
	return 0;
}

static bool take_token(lw_server *s, int64_t now)
{
	if (now != s->bucket_at) {
		s->bucket_at = now;
		s->bucket = s->cfg.max_reg_per_s;
	}
	if (!s->bucket)
		return false;
	s->bucket--;
	return true;
}

/* the session's DTLS identity must be the endpoint: one device can never
 * act as another */
static bool identity_ok(lw_server *s, coap_session_t *session, const char *ep)
{
	if (s->cfg.nosec)
		return true;
	const coap_bin_const_t *id = coap_session_get_psk_identity(session);
	return id && id->length == strlen(ep) && !memcmp(id->s, ep, id->length);
}

static void get_queries(const coap_pdu_t *req, reg_params *p, bool *bad)
{
	coap_opt_iterator_t it;
	coap_opt_filter_t f;
	coap_option_filter_clear(&f);
	coap_option_filter_set(&f, COAP_OPTION_URI_QUERY);
	coap_option_iterator_init(req, &it, &f);
	coap_opt_t *o;
	while ((o = coap_option_next(&it)))
		if (reg_query_opt(p, coap_opt_value(o), coap_opt_length(o)) < 0)
			*bad = true;
}

static bool get_payload(const coap_pdu_t *req, const uint8_t **data, size_t *len)
{
	size_t off = 0, total = 0;
	*len = 0;
	*data = NULL;
	if (!coap_get_data_large(req, len, data, &off, &total))
		return true; /* no payload */
	return off == 0 && total == *len && *len <= LW_PAYLOAD_MAX;
}

/* a retransmitted Register (RFC 7252 §4.5: the same message id from the
 * same endpoint within EXCHANGE_LIFETIME) is answered with the location
 * already given instead of being registered again: a second location
 * would replace the one the device learnt from the first answer, and its
 * Updates would all be answered 4.04 */
static bool register_duplicate(lw_server *s, coap_session_t *session, const coap_pdu_t *req, const char *ep,
			       int64_t now, coap_pdu_t *resp)
{
	lw_dev *d = find_ep(s, ep);
	if (!d || !d->reg_loc[0] || d->reg_mid != coap_pdu_get_mid(req) || now - d->reg_at > LW_EXCHANGE_LIFETIME ||
	    !coap_address_equals(&d->reg_addr, coap_session_get_addr_remote(session)))
		return false;
	coap_add_option(resp, COAP_OPTION_LOCATION_PATH, 2, (const uint8_t *)"rd");
	coap_add_option(resp, COAP_OPTION_LOCATION_PATH, strlen(d->reg_loc), (const uint8_t *)d->reg_loc);
	coap_pdu_set_code(resp, COAP_RESPONSE_CODE_CREATED);
	return true;
}

static void hnd_register(coap_resource_t *r, coap_session_t *session, const coap_pdu_t *req,
			 const coap_string_t *query, coap_pdu_t *resp)
{
	(void)r, (void)query;
	lw_server *s = server_of(session);
	int64_t now = now_s();
	reg_params p;
	reg_params_init(&p);
	bool bad = false;
	get_queries(req, &p, &bad);
	if (bad || !p.ep[0]) {
		respond(resp, COAP_RESPONSE_CODE_BAD_REQUEST, "ep, lt, lwm2m, b: bad or missing");
		return;
	}
	if (!p.lwm2m[0] || (strcmp(p.lwm2m, "1.0") && strcmp(p.lwm2m, "1.1"))) {
		respond(resp, COAP_RESPONSE_CODE_PRECONDITION_FAILED, "lwm2m=1.0 expected");
		return;
	}
	/* an endpoint in the urn:imei namespace names a 15-digit IMEI: one
	 * without it ("urn:imei:", a module that could not read its IMEI)
	 * would take every other such module's registration */
	char imei[16] = "";
	if (!strncmp(p.ep, "urn:imei", 8) && !imei_from_endpoint(p.ep, imei)) {
		respond(resp, COAP_RESPONSE_CODE_BAD_REQUEST, "ep: urn:imei: needs an IMEI of 15 digits");
		return;
	}
	const uint8_t *data;
	size_t len;
	if (!get_payload(req, &data, &len)) {
		respond(resp, COAP_RESPONSE_CODE_REQUEST_TOO_LARGE, "registration payload too large");
		return;
	}
	reg_objects *objs = calloc(1, sizeof *objs);
	if (!objs) {
		respond(resp, COAP_RESPONSE_CODE_INTERNAL_ERROR, NULL);
		return;
	}
	db_device dev = {0};
	if (!len || link_parse(data, len, objs) < 0 || reg_objects_str(objs, dev.objects, sizeof dev.objects) < 0) {
		free(objs);
		respond(resp, COAP_RESPONSE_CODE_BAD_REQUEST, "bad link format");
		return;
	}
	free(objs);
	if (!identity_ok(s, session, p.ep)) {
		respond(resp, COAP_RESPONSE_CODE_FORBIDDEN, "identity is not the endpoint");
		return;
	}
	if (register_duplicate(s, session, req, p.ep, now, resp))
		return;
	if (!take_token(s, now)) {
		uint8_t b[4];
		coap_add_option(resp, COAP_OPTION_MAXAGE, coap_encode_var_safe(b, sizeof b, 1), b);
		respond(resp, COAP_RESPONSE_CODE_SERVICE_UNAVAILABLE, "too many registrations; retry");
		return;
	}
	lw_dev *d = dev_hold(s, p.ep, imei, session);
	if (d)
		d->expires = now + (p.lt > 0 ? p.lt : LW_DEFAULT_LIFETIME);
	if (!d) {
		uint8_t b[4];
		coap_add_option(resp, COAP_OPTION_MAXAGE, coap_encode_var_safe(b, sizeof b, 60), b);
		respond(resp, COAP_RESPONSE_CODE_SERVICE_UNAVAILABLE, "device limit reached");
		return;
	}
	uint8_t rnd[5];
	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
		respond(resp, COAP_RESPONSE_CODE_INTERNAL_ERROR, NULL);
		return;
	}
	snprintf(dev.location, sizeof dev.location, "%02x%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3], rnd[4]);
	snprintf(dev.endpoint, sizeof dev.endpoint, "%s", p.ep);
	snprintf(dev.imei, sizeof dev.imei, "%s", imei);
	snprintf(dev.lwm2m, sizeof dev.lwm2m, "%s", p.lwm2m);
	snprintf(dev.binding, sizeof dev.binding, "%s", p.b[0] ? p.b : "U");
	coap_print_addr(coap_session_get_addr_remote(session), (uint8_t *)dev.address, sizeof dev.address - 1);
	dev.lifetime = p.lt > 0 ? p.lt : LW_DEFAULT_LIFETIME;
	dev.registered_at = dev.last_seen = now;
	if (db_device_register(s->cfg.db, &dev) < 0) {
		dev_drop(s, d);
		respond(resp, COAP_RESPONSE_CODE_INTERNAL_ERROR, "storage");
		return;
	}
	if (s->cfg.node_id)
		db_device_set_owner(s->cfg.db, dev.endpoint, s->cfg.node_id); /* cluster.h: routed here */
	coap_add_option(resp, COAP_OPTION_LOCATION_PATH, 2, (const uint8_t *)"rd");
	coap_add_option(resp, COAP_OPTION_LOCATION_PATH, strlen(dev.location), (const uint8_t *)dev.location);
	coap_pdu_set_code(resp, COAP_RESPONSE_CODE_CREATED);
	coap_address_copy(&d->reg_addr, coap_session_get_addr_remote(session));
	d->reg_mid = coap_pdu_get_mid(req);
	d->reg_at = now;
	snprintf(d->reg_loc, sizeof d->reg_loc, "%s", dev.location);
	set_loc(s, d, dev.location);
	d->lifetime = dev.lifetime;
	queue_setup(s, d); /* after the answer has gone */
	changed(s);
}

/* The device holding session whose registration is at loc, or NULL.
 * The session is the one the registration was written on: with DTLS
 * its PSK identity is that device's endpoint (hnd_register checked it). */
static lw_dev *held_at(coap_session_t *session, const char *loc)
{
	lw_dev *d = coap_session_get_app_data(session);
	return d && d->used && d->session == session && d->loc[0] && !strcmp(d->loc, loc) ? d : NULL;
}

/* Write the refreshes of the plain Updates answered since the last call,
 * in as few statements as db_device_touch takes (one for up to 256). A registration
 * no longer stored there (another front-end's Register, in a cluster)
 * stops being answered from memory: that device's next Update reads the
 * storage, gets 4.04 and registers again. On a storage error the slots
 * are let go the same way. */
static void touch_flush(lw_server *s)
{
	if (!s->touch_n)
		return;
	char(*locs)[DB_LOC_MAX + 1] = s->touch_loc;
	bool *found = s->touch_found;
	unsigned n = 0;
	for (unsigned i = 0; i < s->touch_n; i++) {
		lw_dev *d = &s->dev[s->touch[i].slot];
		d->touched = false;
		if (d->used && d->gen == s->touch[i].gen && d->loc[0]) {
			s->touch[n] = s->touch[i];
			memcpy(locs[n++], d->loc, sizeof d->loc);
		}
	}
	s->touch_n = 0;
	bool ok = db_device_touch(s->cfg.db, (const char(*)[DB_LOC_MAX + 1])locs, n, now_s(), found) == 0;
	if (!ok)
		fprintf(stderr, "sarafw-server: storage: %s\n", db_error(s->cfg.db));
	for (unsigned i = 0; i < n; i++) {
		lw_dev *d = &s->dev[s->touch[i].slot];
		if ((!ok || !found[i]) && !strcmp(d->loc, locs[i]))
			set_loc(s, d, ""); /* the next Update reads the storage */
	}
}

/* queue d's refresh (a full queue is written first) */
static void touch(lw_server *s, lw_dev *d)
{
	if (s->touch_n == LW_TOUCH_MAX)
		touch_flush(s);
	if (!s->touch_n)
		s->touch_since = mono_us();
	d->touched = true;
	s->touch[s->touch_n++] = (struct lw_touch){.slot = (unsigned)(d - s->dev), .gen = d->gen};
}

/* d, or NULL when d's last refresh, not yet written, finds its
 * registration gone: a device's second plain Update is answered from
 * memory only once the first one's write found the registration still
 * there (a registration another front-end took gets one 2.04 at most). */
static lw_dev *settled(lw_server *s, lw_dev *d)
{
	if (d && d->touched) {
		char loc[DB_LOC_MAX + 1];
		memcpy(loc, d->loc, sizeof loc);
		touch_flush(s);
		if (!d->loc[0] || strcmp(d->loc, loc))
			return NULL;
	}
	return d;
}

/* A plain Update (only the time changes: no payload, no b, no lt or the
 * lifetime it has) of the registration h holds, h being held_at the
 * Update's session (or its address, fast_updates): answered from memory
 * (refresh), written with others within LW_TOUCH_US (touch_flush). */
static bool plain_update(const lw_dev *h, const reg_params *p, size_t len)
{
	return h && !len && !p->b[0] && (p->lt < 0 || p->lt == h->lifetime);
}

static void refresh(lw_server *s, lw_dev *h, int64_t now)
{
	touch(s, h);
	h->expires = now + h->lifetime;
}

/* The registration at loc, for an Update or a De-register from session:
 * false after answering 5.00, 4.04 or 4.03 (not this device's). */
static bool registration_at(lw_server *s, coap_session_t *session, const char *loc, db_device *dev,
			    coap_pdu_t *resp)
{
	int r = db_device_by_location(s->cfg.db, loc, dev);
	if (r < 0) {
		respond(resp, COAP_RESPONSE_CODE_INTERNAL_ERROR, "storage");
		return false;
	}
	if (r || !dev->registered) {
		respond(resp, COAP_RESPONSE_CODE_NOT_FOUND, NULL);
		return false;
	}
	if (!identity_ok(s, session, dev->endpoint)) {
		respond(resp, COAP_RESPONSE_CODE_FORBIDDEN, "not this device's registration");
		return false;
	}
	return true;
}

static void hnd_update(lw_server *s, coap_session_t *session, const coap_pdu_t *req, const char *loc,
		       coap_pdu_t *resp)
{
	int64_t now = now_s();
	reg_params p;
	reg_params_init(&p);
	bool bad = false;
	get_queries(req, &p, &bad);
	if (bad || p.ep[0] || p.lwm2m[0]) {
		respond(resp, COAP_RESPONSE_CODE_BAD_REQUEST, "an update takes lt, b, sms only");
		return;
	}
	const uint8_t *data;
	size_t len;
	if (!get_payload(req, &data, &len)) {
		respond(resp, COAP_RESPONSE_CODE_REQUEST_TOO_LARGE, "payload too large");
		return;
	}
	lw_dev *h = settled(s, held_at(session, loc));
	if (plain_update(h, &p, len)) {
		refresh(s, h, now);
		s->stats.updates++;
		s->stats.from_memory++;
		coap_pdu_set_code(resp, COAP_RESPONSE_CODE_CHANGED);
		return;
	}
	char objects[DB_OBJ_MAX + 1];
	bool has_objects = false;
	if (len) {
		reg_objects *objs = calloc(1, sizeof *objs);
		if (!objs) {
			respond(resp, COAP_RESPONSE_CODE_INTERNAL_ERROR, NULL);
			return;
		}
		int r = link_parse(data, len, objs) < 0 || reg_objects_str(objs, objects, sizeof objects) < 0;
		free(objs);
		if (r) {
			respond(resp, COAP_RESPONSE_CODE_BAD_REQUEST, "bad link format");
			return;
		}
		has_objects = true;
	}
	/* one statement finds and refreshes the registration; with DTLS only
	 * when it is the session identity's own (identity_ok) */
	db_device dev;
	char idbuf[REG_EP_MAX + 1];
	const char *who = NULL; /* NULL: anyone's (plain CoAP) */
	bool ok = true;
	if (!s->cfg.nosec) {
		const coap_bin_const_t *id = coap_session_get_psk_identity(session);
		ok = id && id->length < sizeof idbuf;
		if (ok) {
			memcpy(idbuf, id->s, id->length);
			idbuf[id->length] = 0;
			who = idbuf;
		}
	}
	int r = ok ? db_device_update_as(s->cfg.db, loc, who, p.lt, p.b[0] ? p.b : NULL, has_objects ? objects : NULL,
					 now, &dev)
		   : 1;
	if (r < 0) {
		respond(resp, COAP_RESPONSE_CODE_INTERNAL_ERROR, "storage");
		return;
	}
	if (r) {
		/* not written: say why (4.04, or 4.03 for another's) */
		if (registration_at(s, session, loc, &dev, resp))
			respond(resp, COAP_RESPONSE_CODE_FORBIDDEN, "not this device's registration");
		return;
	}
	/* a session this process does not know (a restart, a new address):
	 * hold it and observe again */
	lw_dev *d = find_ep(s, dev.endpoint);
	bool fresh = !d || d->session != session;
	d = dev_hold(s, dev.endpoint, dev.imei, session);
	if (d) {
		d->expires = now + dev.lifetime;
		set_loc(s, d, dev.location);
		d->lifetime = dev.lifetime;
	}
	if (d && fresh)
		queue_setup(s, d);
	if (d && fresh && s->cfg.node_id)
		db_device_set_owner(s->cfg.db, dev.endpoint, s->cfg.node_id); /* cluster.h: moved here */
	s->stats.updates++;
	coap_pdu_set_code(resp, COAP_RESPONSE_CODE_CHANGED);
	/* the campaign engine steps now only for a device it may have been
	 * waiting for (a new session); a refreshed last_seen is seen at its
	 * next second's step, as before */
	if (fresh)
		changed(s);
}

static void hnd_deregister(lw_server *s, coap_session_t *session, const char *loc, coap_pdu_t *resp)
{
	db_device dev;
	if (!registration_at(s, session, loc, &dev, resp))
		return;
	if (db_device_deregister(s->cfg.db, loc, NULL, 0) < 0) {
		respond(resp, COAP_RESPONSE_CODE_INTERNAL_ERROR, "storage");
		return;
	}
	lw_dev *d = find_ep(s, dev.endpoint);
	if (d)
		dev_drop(s, d);
	coap_pdu_set_code(resp, COAP_RESPONSE_CODE_DELETED);
	changed(s);
}

/* rd/<location>: Update (POST) and De-register (DELETE); 4.04 elsewhere */
static void hnd_unknown(coap_resource_t *r, coap_session_t *session, const coap_pdu_t *req,
			const coap_string_t *query, coap_pdu_t *resp)
{
	(void)r, (void)query;
	lw_server *s = server_of(session);
	coap_string_t *path = coap_get_uri_path(req);
	char loc[DB_LOC_MAX + 1] = "";
	bool rd = path && path->length > 3 && path->length - 3 <= DB_LOC_MAX && !memcmp(path->s, "rd/", 3) &&
		  !memchr(path->s + 3, '/', path->length - 3);
	if (rd) {
		memcpy(loc, path->s + 3, path->length - 3);
		loc[path->length - 3] = 0;
	}
	coap_delete_string(path);
	if (!rd) {
		respond(resp, COAP_RESPONSE_CODE_NOT_FOUND, NULL);
		return;
	}
	coap_pdu_code_t m = coap_pdu_get_code(req);
	if (m == COAP_REQUEST_CODE_POST)
		hnd_update(s, session, req, loc, resp);
	else if (m == COAP_REQUEST_CODE_DELETE)
		hnd_deregister(s, session, loc, resp);
	else
		respond(resp, COAP_RESPONSE_CODE_NOT_ALLOWED, NULL);
}

/* DTLS-PSK: the key stored for the identity (= the endpoint name) */
static const coap_bin_const_t *psk_for(coap_bin_const_t *identity, coap_session_t *session, void *arg)
{
	(void)session;
	lw_server *s = arg;
	char ep[REG_EP_MAX + 1];
	if (!identity || identity->length == 0 || identity->length > REG_EP_MAX)
		return NULL;
	for (size_t i = 0; i < identity->length; i++)
		if (identity->s[i] < 0x21 || identity->s[i] > 0x7e)
			return NULL;
	memcpy(ep, identity->s, identity->length);
	ep[identity->length] = 0;
	int n = db_psk_get(s->cfg.db, ep, s->psk_buf, sizeof s->psk_buf);
	if (n <= 0)
		return NULL; /* unknown identity: the handshake fails */
	s->psk = (coap_bin_const_t){.s = s->psk_buf, .length = (size_t)n};
	return &s->psk;
}

/* A fleet registering at once sends thousands of datagrams, and every
 * registration brings back the answers to four requests of ours: the
 * default receive buffer (about 200 KB, some 160 small datagrams) overflows
 * while a round is handled, and each datagram lost costs its device a CoAP
 * retransmission (2 s or more). The endpoint's socket (coapsock_find)
 * gets LW_RCVBUF bytes, as far as net.core.rmem_max allows. */
#define LW_RCVBUF (8 << 20)

static void grow_rcvbuf(int fd)
{
	int size = LW_RCVBUF;
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
}

lw_server *lw_start(const lw_config *cfg, char *err, size_t errlen)
{
	lw_server *s = calloc(1, sizeof *s);
	if (!s)
		goto oom;
	s->cfg = *cfg;
	s->burst = 1;
	s->udp_fd = -1;
	if (!s->cfg.max_devices)
		s->cfg.max_devices = 10000;
	if (!s->cfg.max_reg_per_s)
		s->cfg.max_reg_per_s = 1000;
	s->dev = calloc(s->cfg.max_devices, sizeof *s->dev);
	s->setup_q = calloc(s->cfg.max_devices, sizeof *s->setup_q);
	s->free_q = calloc(s->cfg.max_devices, sizeof *s->free_q);
	for (s->nbuckets = 64; s->nbuckets < s->cfg.max_devices && s->nbuckets < (1u << 24);)
		s->nbuckets *= 2;
	if (!s->dev || !s->setup_q || !s->free_q)
		goto oom;
	for (int ix = 0; ix < IX_N; ix++)
		if (!(s->head[ix] = calloc(s->nbuckets, sizeof *s->head[ix])))
			goto oom;
	/* the lowest slots first, as before */
	for (unsigned i = s->cfg.max_devices; i > 0; i--)
		s->free_q[s->free_n++] = i - 1;
	s->io = (campaign_io){.ctx = s, .write_uri = io_write_uri, .execute = io_execute, .package_uri = io_package_uri,
			      .reboot = io_reboot, .config_uri = io_config_uri};
	coap_startup();
	coap_set_log_level(getenv("SARAFW_SERVER_COAP_DEBUG") ? LOG_DEBUG : LOG_EMERG);
	s->ctx = coap_new_context(NULL);
	if (!s->ctx)
		goto oom;
	coap_set_app_data(s->ctx, s);
	coap_context_set_block_mode(s->ctx, COAP_BLOCK_USE_LIBCOAP | COAP_BLOCK_SINGLE_BODY);
	coap_context_set_max_idle_sessions(s->ctx, 1000);
	coap_context_set_max_handshake_sessions(s->ctx, 100);
	if (!cfg->nosec) {
		if (!coap_dtls_is_supported()) {
			snprintf(err, errlen, "this libcoap has no DTLS: use --nosec in a lab");
			goto fail;
		}
		coap_dtls_spsk_t spsk = {
			.version = COAP_DTLS_SPSK_SETUP_VERSION,
			.validate_id_call_back = psk_for,
			.id_call_back_arg = s,
		};
		if (!coap_context_set_psk2(s->ctx, &spsk)) {
			snprintf(err, errlen, "DTLS-PSK setup failed");
			goto fail;
		}
	}
	coap_address_t a;
	coap_address_init(&a);
	memcpy(&a.addr, &cfg->addr, cfg->addrlen);
	a.size = cfg->addrlen;
	s->ep = coap_new_endpoint(s->ctx, &a, cfg->nosec ? COAP_PROTO_UDP : COAP_PROTO_DTLS);
	if (!s->ep) {
		snprintf(err, errlen, "cannot listen for CoAP there (address in use?)");
		goto fail;
	}
	int fd = coapsock_find(&cfg->addr, cfg->addrlen);
	grow_rcvbuf(fd);
	const char *fast = getenv("SARAFW_FAST_UPDATES");
	if (cfg->nosec && !(fast && !strcmp(fast, "0")))
		s->udp_fd = fd;
	coap_resource_t *rd = coap_resource_init(coap_make_str_const("rd"), 0);
	coap_register_request_handler(rd, COAP_REQUEST_POST, hnd_register);
	coap_add_resource(s->ctx, rd);
	coap_resource_t *unk = coap_resource_unknown_init2(hnd_unknown, 0);
	coap_register_request_handler(unk, COAP_REQUEST_POST, hnd_unknown);
	coap_register_request_handler(unk, COAP_REQUEST_DELETE, hnd_unknown);
	coap_register_request_handler(unk, COAP_REQUEST_GET, hnd_unknown);
	coap_add_resource(s->ctx, unk);
	coap_register_response_handler(s->ctx, on_response);
	coap_register_nack_handler(s->ctx, on_nack);
	coap_register_event_handler(s->ctx, on_event);
	if (coap_context_get_coap_fd(s->ctx) < 0) {
		snprintf(err, errlen, "libcoap built without epoll: no fd to poll");
		goto fail;
	}
	return s;
oom:
	snprintf(err, errlen, "out of memory");
fail:
	lw_stop(s);
	return NULL;
}

void lw_stop(lw_server *s)
{
	if (!s)
		return;
	touch_flush(s);
	for (unsigned i = 0; s->dev && i < s->cfg.max_devices; i++)
		if (s->dev[i].used)
			dev_drop(s, &s->dev[i]);
	if (s->ctx)
		coap_free_context(s->ctx);
	free(s->dev);
	free(s->setup_q);
	free(s->free_q);
	for (int ix = 0; ix < IX_N; ix++)
		free(s->head[ix]);
	free(s);
}

/* A walk of LW_PACE_US or more (tens of thousands of devices held) is
 * paced: the next round waits until twice the walk's time has passed
 * since the last one ended, taking up to LW_BATCH_MAX datagrams at once,
 * so the walks take at most a third of the server's time however the
 * datagrams arrive. A datagram waits for at most about three walks
 * (under 20 ms with 100,000 devices here); below LW_PACE_US nothing
 * waits. */
#define LW_PACE_US 1000
#define LW_BATCH_MAX 1024

static int64_t pace_left_us(const lw_server *s)
{
	if (s->walk_us < LW_PACE_US)
		return 0;
	int64_t left = s->done_us + 2 * s->walk_us - mono_us();
	return left > 0 ? left : 0;
}

/* while paced, the loop does not poll libcoap (poll() skips -1) */
int lw_fd(lw_server *s)
{
	return pace_left_us(s) ? -1 : coap_context_get_coap_fd(s->ctx);
}

/* nor the socket while its head datagram waits for libcoap */
int lw_udp_fd(lw_server *s)
{
	return s->udp_blocked ? -1 : s->udp_fd;
}

/* The device whose plain Update g is, answered the way hnd_update would
 * answer it from memory: a confirmable POST to rd/<location> with no
 * option but Uri-Path and Uri-Query (libcoap answers any other critical
 * one 4.02), the queries an Update takes, no payload, from the address of
 * the session the registration was written on (the address libcoap finds
 * that session by), plain (plain_update). NULL: libcoap's to handle. The
 * answer libcoap would send goes in ack: an empty ACK, 2.04, the message
 * id and token echoed (RFC 7252 §3, §5.2.1). */
static lw_dev *plain_update_of(lw_server *s, const coapsock_dgram *g, uint8_t *ack, size_t *acklen)
{
	coap_pdu_t *pdu = coap_pdu_init(0, 0, 0, g->len);
	lw_dev *h = NULL;
	if (!pdu || !coap_pdu_parse(COAP_PROTO_UDP, g->data, g->len, pdu) ||
	    coap_pdu_get_type(pdu) != COAP_MESSAGE_CON || coap_pdu_get_code(pdu) != COAP_REQUEST_CODE_POST)
		goto out;
	char loc[DB_LOC_MAX + 1] = "";
	unsigned seg = 0;
	coap_opt_iterator_t it;
	coap_option_iterator_init(pdu, &it, COAP_OPT_ALL);
	for (coap_opt_t *o; (o = coap_option_next(&it));) {
		if (it.number == COAP_OPTION_URI_QUERY)
			continue;
		const uint8_t *v = coap_opt_value(o);
		size_t l = coap_opt_length(o);
		if (it.number != COAP_OPTION_URI_PATH || seg > 1 || (seg == 0 && (l != 2 || memcmp(v, "rd", 2))) ||
		    (seg == 1 && (!l || l > DB_LOC_MAX || memchr(v, '/', l))))
			goto out;
		if (seg++ == 1) {
			memcpy(loc, v, l);
			loc[l] = 0;
		}
	}
	size_t len;
	const uint8_t *data;
	if (seg != 2 || coap_get_data(pdu, &len, &data))
		goto out;
	reg_params p;
	reg_params_init(&p);
	bool bad = false;
	get_queries(pdu, &p, &bad);
	if (bad || p.ep[0] || p.lwm2m[0])
		goto out;
	lw_dev *d = settled(s, find_slot(s, IX_LOC, loc));
	coap_address_t from;
	coap_address_init(&from);
	memcpy(&from.addr, &g->from, g->fromlen);
	from.size = g->fromlen;
	if (!d || !d->used || !d->session || !coap_address_equals(&from, coap_session_get_addr_remote(d->session)) ||
	    !plain_update(d, &p, 0))
		goto out;
	coap_bin_const_t tok = coap_pdu_get_token(pdu);
	if (tok.length > 8)
		goto out;
	coap_mid_t mid = coap_pdu_get_mid(pdu);
	ack[0] = (uint8_t)(1 << 6 | COAP_MESSAGE_ACK << 4 | tok.length); /* version 1 */
	ack[1] = (uint8_t)COAP_RESPONSE_CODE_CHANGED;
	ack[2] = (uint8_t)(mid >> 8);
	ack[3] = (uint8_t)mid;
	memcpy(ack + 4, tok.s, tok.length);
	*acklen = 4 + tok.length;
	h = d;
out:
	coap_delete_pdu(pdu);
	return h;
}

/* whether the datagram at the head of the endpoint socket's queue is
 * libcoap's to read (not a plain Update, or too large to look at) */
static bool head_is_slow(lw_server *s)
{
	coapsock_dgram g;
	uint8_t ack[4 + 8];
	size_t acklen;
	int r = coapsock_peek(s->udp_fd, &g);
	return r < 0 || (r > 0 && !plain_update_of(s, &g, ack, &acklen));
}

/* Plain CoAP: the plain Updates at the head of the endpoint socket's queue
 * are answered here, ahead of libcoap, whose every round ends in a walk
 * over all the sessions held (do_io), milliseconds with 100,000 of them.
 * The first datagram that is not one (plain_update_of) stays at the head
 * for libcoap, and nothing is read here until libcoap's next round has
 * read it: the queue is taken in order. The refreshes are written within
 * LW_TOUCH_US, and before anything else reads the storage (lw_flush).
 * SARAFW_FAST_UPDATES=0 leaves every datagram to libcoap. */
static void fast_updates(lw_server *s)
{
	if (s->udp_fd < 0 || s->udp_blocked)
		return;
	int64_t now = now_s(), t0 = mono_us();
	coapsock_dgram g;
	uint8_t ack[4 + 8];
	size_t acklen;
	unsigned n = 0;
	for (; n < LW_BATCH_MAX; n++) {
		int r = coapsock_peek(s->udp_fd, &g);
		if (!r)
			break;
		lw_dev *d = r > 0 ? plain_update_of(s, &g, ack, &acklen) : NULL;
		if (!d) {
			s->udp_blocked = true;
			/* SARAFW_LOOP_TRACE: what kept Updates waiting, per second */
			unsigned k = r > 0 && g.len >= 4 ? (unsigned)(g.data[0] >> 4 & 3) << 8 | g.data[1] : 1024;
			s->slow[k < 1024 ? k : 1024]++;
			break;
		}
		coapsock_take(s->udp_fd);
		refresh(s, d, now);
		s->stats.updates++;
		s->stats.from_memory++;
		s->stats.ahead++;
		/* a lost answer is a lost datagram: the device sends its CON
		 * again and is answered again */
		(void)coapsock_reply(s->udp_fd, &g, ack, acklen);
	}
	trace("ahead", t0, n);
}

/* libcoap 4.3's coap_io_do_epoll() (and coap_io_process(), which calls it)
 * ends by preparing the next round: a walk over every session, one per
 * device held. Its endpoint socket gives one datagram per ready event, so
 * a round per datagram made that walk the server's main cost (at 5000
 * devices about 100 Updates/s). Here one round takes up to s->burst
 * datagrams: the endpoint's event is handed over burst times (a read that
 * finds the socket empty costs one syscall and is ignored). burst doubles
 * while the socket is still ready after a round (a queue) and halves when
 * it is not, between 1 and LW_BURST_MAX. */
#define LW_BURST_MAX 256
#define LW_ROUNDS_MAX 8 /* rounds per lw_process(): the HTTP side gets its turn */

static void do_io(lw_server *s)
{
	struct epoll_event ev[8], batch[LW_BATCH_MAX + 8];
	int fd = coap_context_get_coap_fd(s->ctx);
	fast_updates(s);
	if (pace_left_us(s))
		return;
	bool paced = s->walk_us >= LW_PACE_US;
	/* every coap_io_do_epoll() ends in a walk over every session held,
	 * costly with 100,000 of them (milliseconds): the endpoint's event is
	 * handed over at least once per 64 devices held, a read that finds
	 * the socket empty (about a microsecond) being far cheaper than a
	 * walk per datagram when the datagrams come one at a time */
	unsigned held = s->cfg.max_devices - s->free_n;
	unsigned least = paced ? LW_BATCH_MAX : held / 64 < 1 ? 1 : held / 64 > LW_BURST_MAX ? LW_BURST_MAX : held / 64;
	for (int round = 0; round < LW_ROUNDS_MAX; round++) {
		int n = epoll_wait(fd, ev, 8, 0);
		if (n <= 0)
			break;
		size_t m = 0;
		bool endpoint = false, ahead = false;
		for (int i = 0; i < n; i++) {
			/* data.ptr: a socket of libcoap's (the endpoint's, for a
			 * UDP or DTLS server); NULL: its timer. Datagrams that
			 * came since fast_updates ran are its to look at first:
			 * libcoap gets the endpoint only while the head is its. */
			if (ev[i].data.ptr && s->udp_fd >= 0 && !s->udp_blocked) {
				ahead = true;
				continue;
			}
			unsigned copies = ev[i].data.ptr && (ev[i].events & EPOLLIN) ? (s->burst > least ? s->burst : least) : 1;
			endpoint |= ev[i].data.ptr != NULL;
			for (unsigned k = 0; k < copies; k++)
				batch[m++] = ev[i];
		}
		if (ahead)
			fast_updates(s);
		if (!m)
			continue;
		int64_t t0 = mono_us();
		coap_io_do_epoll(s->ctx, batch, m);
		trace(endpoint ? "libcoap round" : "libcoap timer round", t0, m);
		touch_flush(s); /* before anything else reads the storage */
		/* libcoap read the head, and what came behind it up to the
		 * round's reads (plain Updates among them, answered from
		 * memory all the same): a walk per datagram would not keep up
		 * with a fleet registering, or with the answers to the
		 * requests of its setups */
		if (endpoint && s->udp_fd >= 0)
			s->udp_blocked = head_is_slow(s);
		s->done_us = mono_us();
		s->prepared_at = mono_ms();
		if (paced)
			break; /* the next round after the pause */
		if (!endpoint)
			continue;
		/* more libcoap's to read: a queue (ahead of libcoap: only
		 * while the head is libcoap's) */
		struct epoll_event again;
		bool queued = s->udp_fd >= 0 ? s->udp_blocked : epoll_wait(fd, &again, 1, 0) > 0 && again.data.ptr;
		if (queued && s->burst < LW_BURST_MAX)
			s->burst *= 2;
		else if (!queued && s->burst > 1)
			s->burst /= 2;
		if (!queued)
			break;
	}
	/* retransmissions and timeouts are found in that walk: at least every
	 * LW_PREPARE_MS even with nothing received (libcoap's timer fd wakes
	 * the loop for the ones it knows of). Ahead of libcoap, whose rounds
	 * are then rare, the timer fd is trusted (libcoap 4.3 sets it for
	 * each confirmable request sent, and at the end of each round for
	 * what the round left), with lw_process's timed walk behind it (at
	 * least every LW_WALK_IDLE_S): with 100,000 devices a walk every
	 * LW_PREPARE_MS would hold Updates up more than anything else. */
	if (s->udp_fd < 0 && mono_ms() - s->prepared_at >= LW_PREPARE_MS) {
		coap_tick_t now;
		coap_ticks(&now);
		int64_t t0 = mono_us();
		coap_io_prepare_epoll(s->ctx, now);
		s->done_us = mono_us();
		s->prepared_at = mono_ms();
		trace("walk", t0, 0);
	}
}

void lw_flush(lw_server *s)
{
	touch_flush(s);
}

int lw_process(lw_server *s)
{
	do_io(s);
	if (s->touch_n && mono_us() - s->touch_since >= LW_TOUCH_US)
		touch_flush(s);
	int64_t t = now_s();
	if (t != s->swept_at) {
		/* registrations whose lifetime ended give their slot back (a
		 * device that went away, or a flood of short-lived endpoints) */
		s->swept_at = t;
		s->udp_blocked = false; /* a read error with nothing queued */
		/* the walk alone, timed: what pacing weighs (do_io). Ahead of
		 * libcoap, only while libcoap has rounds to pace, and every
		 * LW_WALK_IDLE_S behind libcoap's timer fd: with 100,000
		 * devices a walk holds the Updates behind it up for tens of
		 * milliseconds */
		if (s->udp_fd < 0 || mono_ms() - s->prepared_at < 2000 || t - s->walked_at >= LW_WALK_IDLE_S) {
			coap_tick_t ticks;
			coap_ticks(&ticks);
			int64_t u0 = mono_us();
			coap_io_prepare_epoll(s->ctx, ticks);
			s->done_us = mono_us();
			s->walk_us = s->done_us - u0;
			s->walked_at = t;
			trace("walk (timed)", u0, 0);
		}
		int64_t u0 = mono_us();
		for (unsigned i = 0; i < s->cfg.max_devices; i++) {
			lw_dev *d = &s->dev[i];
			if (d->used && d->left_download && d->left_download + 1 < t) {
				d->left_download = 0;
				db_device dev;
				if (d->fw_state == 0 && db_device_get(s->cfg.db, d->ep, &dev) == 0 && dev.fw_result <= 0)
					campaign_device_cancelled(s->cfg.db, d->imei, t);
			}
			if (d->used && d->expires < t)
				dev_drop(s, d);
		}
		trace("sweep", u0, s->cfg.max_devices);
		trace_slow(s);
	}
	/* first come, first set up, while fewer than LW_INFLIGHT_MAX devices
	 * wait for answers; the rest wait for answers (or nacks) */
	while (s->setup_n && s->inflight < LW_INFLIGHT_MAX) {
		unsigned slot = s->setup_q[s->setup_head];
		s->setup_head = (s->setup_head + 1) % s->cfg.max_devices;
		s->setup_n--;
		lw_dev *d = &s->dev[slot];
		d->setup_queued = false;
		if (d->used)
			setup_device(s, d);
	}
	int64_t left = pace_left_us(s);
	if (s->touch_n) {
		int64_t t = s->touch_since + LW_TOUCH_US - mono_us();
		if (!left || t < left)
			left = t > 0 ? t : 1;
	}
	if (left) /* the socket's next round (setups go out then too), or the refreshes' write */
		return (int)((left + 999) / 1000);
	return s->setup_n && s->inflight < LW_INFLIGHT_MAX ? 0 : LW_PREPARE_MS;
}

const campaign_io *lw_campaign_io(lw_server *s)
{
	return &s->io;
}

int lw_observe(void *ctx, const char *imei)
{
	lw_server *s = ctx;
	lw_dev *d = find_imei(s, imei);
	if (!d || !d->session)
		return -1;
	queue_setup(s, d);
	return 0;
}

void lw_get_stats(const lw_server *s, lw_stats *st)
{
	*st = s->stats;
	st->setups_queued = s->setup_n;
	st->in_flight = s->inflight;
	st->sessions = 0;
	for (unsigned i = 0; i < s->cfg.max_devices; i++)
		st->sessions += s->dev[i].used && s->dev[i].session;
}

void lw_set_package_base(lw_server *s, const char *http_base, const char *coap_base)
{
	snprintf(s->http_base, sizeof s->http_base, "%s", http_base);
	snprintf(s->coap_base, sizeof s->coap_base, "%s", coap_base);
}

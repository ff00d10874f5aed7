/* FTP/HTTP firmware download engine (netdl.h): one libcurl multi handle
 * per modem, stepped by a timer every POLL_MS of module time. */
#include "netdl.h"

#include <curl/curl.h>
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "audit.h"
#include "clock.h"
#include "feature.h"
#include "fota.h"

#define POLL_MS 10u
#define PART "netdl.part"
#define RECORD "netdl"
/* note §3.2: a cancelled R410M/R412M download ends 20 to 50 s later (the
 * middle: docs/behaviour.md); the R422 family at once */
#define CANCEL_MS_R41X 30000u
#define CANCEL_MS_R422 1000u

struct netdl {
	bool active;
	CURLM *multi;
	CURL *easy;
	char url[700];
	char userpwd[2][64]; /* user, password */
	char account[64];
	struct sim_netdl_req req; /* strings point into the buffers above */
	int fd;                   /* DIR/netdl.part */
	uint64_t offset;          /* where this transfer started */
	uint64_t stored;          /* bytes in the part file */
	uint64_t synced;          /* bytes fsynced and in the record */
	uint64_t total;           /* 0: not known yet */
	uint64_t next_status;
	uint64_t last_byte_ms;
	bool stalled;   /* --net-fault stall: never resumed */
	bool paused;    /* ahead of the radio rate */
	uint64_t start_ms; /* 0 until the first byte */
	bool failed_write;
	bool no_host; /* no server set: fails without a connection */
	int timer;
	struct sim_netdl_result result;
	char errbuf[CURL_ERROR_SIZE];
	/* +UFTPC=1: a login of its own, beside any download */
	CURLM *lmulti;
	CURL *leasy;
	int ltimer;
	void (*ldone)(struct sim_modem *m, int ok, int err_code);
};

extern const struct sim_feature sim_feature_netdl;

static struct netdl *state(struct sim_modem *m)
{
	return sim_feature_state(m, &sim_feature_netdl);
}

uint64_t sim_net_rate(const struct sim_net_config *c)
{
	return c->bps ? c->bps : rat_bps((enum rat)c->rat); /* common/rat.c: note Table 3 */
}

int sim_net_parse_rat(const char *s, enum sim_rat *rat)
{
	enum rat r;
	if (rat_parse(s, &r) != 0)
		return -1;
	*rat = (enum sim_rat)r;
	return 0;
}

int sim_net_parse_fault(const char *s, struct sim_net_config *c)
{
	static const struct {
		const char *name;
		enum sim_net_fault fault;
		bool at;
	} kinds[] = {
		{"drop:", SIM_NF_DROP, true},
		{"stall:", SIM_NF_STALL, true},
		{"refuse", SIM_NF_REFUSE, false},
		{"dns", SIM_NF_DNS, false},
	};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		size_t n = strlen(kinds[i].name);
		if (!kinds[i].at) {
			if (strcmp(s, kinds[i].name) != 0)
				continue;
			c->fault = kinds[i].fault;
			return 0;
		}
		if (strncmp(s, kinds[i].name, n) != 0 || s[n] < '0' || s[n] > '9')
			continue;
		char *end;
		errno = 0;
		unsigned long long at = strtoull(s + n, &end, 10);
		if (errno || *end)
			return -1;
		c->fault = kinds[i].fault;
		c->fault_at = at;
		return 0;
	}
	return -1;
}

static void fail(struct netdl *d, int cls, int code)
{
	if (d->result.err_class == 0 && !d->result.ok) {
		d->result.err_class = cls;
		d->result.err_code = code;
	}
}

/* HTTP(S): +UHTTPC=<p>,100, and the LwM2M client's Package URI */
static bool is_http(const struct netdl *d)
{
	return d->req.method != SIM_DL_FTP;
}

static int err_for(const struct netdl *d, int ftp, int http)
{
	return d->req.method == SIM_DL_FTP ? ftp : http;
}

static int err_class(const struct netdl *d)
{
	return d->req.method == SIM_DL_FTP ? SIM_FTPER_CLASS : SIM_HTTPER_CLASS;
}

static void save_record(struct sim_modem *m, struct netdl *d)
{
	struct sim_kv kv;
	sim_kv_clear(&kv);
	sim_kv_set(&kv, "method", sim_download_name(d->req.method));
	sim_kv_set(&kv, "url", d->url);
	sim_kv_set_long(&kv, "stored", (long)d->synced);
	sim_kv_save(m->flash, RECORD, &kv);
}

static void drop_partial(struct sim_modem *m)
{
	sim_flash_remove(m->flash, RECORD);
	sim_flash_remove(m->flash, PART);
}

/* --power-cut net:N: the power fails once N bytes are synced. */
static void net_checkpoint(struct sim_modem *m, uint64_t synced, uint64_t before)
{
	if (!m->power_cut || strncmp(m->power_cut, "net:", 4) != 0)
		return;
	uint64_t at = strtoull(m->power_cut + 4, NULL, 10);
	if (before < at && synced >= at)
		sim_modem_checkpoint(m, m->power_cut);
}

static void sync_part(struct sim_modem *m, struct netdl *d)
{
	uint64_t before = d->synced;
	if (d->fd < 0 || d->synced == d->stored)
		return;
	fdatasync(d->fd);
	d->synced = d->stored;
	save_record(m, d);
	net_checkpoint(m, d->synced, before);
}

/* The radio rate: the bytes so far, plus len, fit the module time since
 * the start at sim_net_rate() (one buffer of burst). */
bool sim_net_pace(struct sim_modem *m, uint64_t *start_ms, uint64_t done, size_t len)
{
	if (!m->net)
		return true;
	if (!*start_ms) /* the rate counts from the first byte */
		*start_ms = sim_modem_now(m) ? sim_modem_now(m) : 1;
	uint64_t elapsed = sim_modem_now(m) - *start_ms;
	double budget = (double)sim_net_rate(m->net) / 8000.0 * (double)elapsed + 16384.0;
	return (double)(done + len) <= budget;
}

static bool rate_allows(struct sim_modem *m, struct netdl *d, size_t len)
{
	return sim_net_pace(m, &d->start_ms, d->stored - d->offset, len);
}

/* HTTP: only a 2xx body is stored; a server that ignores Range (200 to
 * a resume) sends the whole file, so the part file starts again. */
static int http_body_check(struct netdl *d)
{
	long status = 0;
	curl_easy_getinfo(d->easy, CURLINFO_RESPONSE_CODE, &status);
	if (status < 200 || status > 299)
		return -1;
	if (status == 200 && d->offset > 0 && d->stored == d->offset) {
		if (ftruncate(d->fd, 0) != 0 || lseek(d->fd, 0, SEEK_SET) < 0)
			return -1;
		d->offset = d->stored = d->synced = 0;
		d->total = 0;
	}
	return 0;
}

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
	struct sim_modem *m = ctx;
	struct netdl *d = state(m);
	struct sim_net_config *net = m->net;
	size_t len = size * n;
	if (net && !net->fault_fired && (net->fault == SIM_NF_DROP || net->fault == SIM_NF_STALL) &&
	    d->stored + len > net->fault_at) {
		size_t keep = net->fault_at > d->stored ? (size_t)(net->fault_at - d->stored) : 0;
		if (keep && sim_flash_write_fd(d->fd, p, keep) == 0)
			d->stored += keep;
		net->fault_fired = true;
		if (net->fault == SIM_NF_STALL) {
			d->stalled = true; /* nothing more comes: the timeout ends it */
			return CURL_WRITEFUNC_PAUSE;
		}
		return 0; /* the connection breaks */
	}
	if (is_http(d) && http_body_check(d) != 0)
		return len; /* an error page is not the package: dropped */
	if (!rate_allows(m, d, len)) {
		d->paused = true; /* libcurl offers the bytes again after the unpause */
		return CURL_WRITEFUNC_PAUSE;
	}
	if (d->stored + len > SIM_FOTA_MAX || sim_flash_write_fd(d->fd, p, len) != 0) {
		d->failed_write = true;
		return 0;
	}
	d->stored += len;
	d->last_byte_ms = sim_modem_now(m);
	if (d->stored - d->synced >= SIM_NETDL_SYNC)
		sync_part(m, d);
	return len;
}

/* FTP: the reply to SIZE ("213 <bytes>") is the whole file's length;
 * libcurl does not always pass it on as the content length. */
static size_t on_header(char *p, size_t size, size_t n, void *ctx)
{
	struct sim_modem *m = ctx;
	struct netdl *d = state(m);
	size_t len = size * n;
	char line[64];
	if (d->req.method == SIM_DL_FTP && len > 4 && len < sizeof line &&
	    strncmp(p, "213 ", 4) == 0) {
		memcpy(line, p, len);
		line[len] = '\0';
		unsigned long long t = strtoull(line + 4, NULL, 10);
		if (t > 0)
			d->total = t;
	}
	return len;
}

int sim_netdl_commit(struct sim_modem *m, const char *part, enum sim_download method,
		     char md5[33], uint64_t *size)
{
	char path[600];
	unsigned char buf[65536], md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	struct sim_fota_dl fd = {0};
	struct sim_kv meta;
	int in, rc = 0;
	ssize_t r;
	if (sim_flash_path(m->flash, part, path, sizeof path) != 0)
		return -1;
	in = open(path, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -1;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_md5(), NULL) || sim_fota_begin(&fd, m->flash) != 0) {
		EVP_MD_CTX_free(ctx);
		close(in);
		return -1;
	}
	while ((r = read(in, buf, sizeof buf)) > 0) {
		EVP_DigestUpdate(ctx, buf, (size_t)r);
		if (sim_fota_append(&fd, buf, (size_t)r) != 0) {
			rc = -1;
			break;
		}
	}
	close(in);
	if (r < 0)
		rc = -1;
	EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	if (rc != 0) {
		sim_fota_discard(&fd, m->flash);
		return -1;
	}
	for (unsigned i = 0; i < mdlen && i < 16; i++)
		snprintf(md5 + 2 * i, 3, "%02x", md[i]);
	sim_kv_clear(&meta);
	sim_kv_set(&meta, "method", sim_download_name(method));
	sim_kv_set(&meta, "variant", m->v->name);
	sim_kv_set(&meta, "md5", md5);
	*size = fd.size;
	return sim_fota_commit(&fd, m->flash, &meta) == 0 ? 0 : -1;
}

/* MD5 of the stored part, and its copy into the FOTA area. */
static int store(struct sim_modem *m, struct netdl *d)
{
	uint64_t size;
	if (sim_netdl_commit(m, PART, d->req.method, d->result.md5, &size) != 0)
		return -1;
	d->result.size = d->stored;
	return 0;
}

static void cleanup_curl(struct netdl *d)
{
	if (d->easy) {
		curl_multi_remove_handle(d->multi, d->easy);
		curl_easy_cleanup(d->easy);
		d->easy = NULL;
	}
	if (d->multi) {
		curl_multi_cleanup(d->multi);
		d->multi = NULL;
	}
}

static void close_part(struct netdl *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

/* The end of a download: the result to the caller, Table 7 lifted. */
static void finish(struct sim_modem *m, struct netdl *d, bool keep_partial)
{
	struct sim_netdl_result r = d->result;
	void (*done)(struct sim_modem *, const struct sim_netdl_result *) = d->req.done;
	if (d->timer > 0)
		sim_modem_cancel(m, d->timer);
	d->timer = 0;
	cleanup_curl(d);
	if (keep_partial)
		sync_part(m, d);
	close_part(d);
	if (!keep_partial)
		drop_partial(m);
	d->active = false;
	sim_download_end(m);
	if (r.ok)
		sim_modem_checkpoint(m, "stored");
	done(m, &r);
}

/* HTTP: the status of the answer, kept once the headers came, so a body
 * that breaks or stalls later still reports it (as a drop does). A resume
 * is the module's own business: the host asked for the whole file and got
 * it, 206 is reported as 200 (docs/behaviour.md). */
static void note_status(struct netdl *d)
{
	long status = 0;
	if (!is_http(d) || !d->easy)
		return;
	curl_easy_getinfo(d->easy, CURLINFO_RESPONSE_CODE, &status);
	if (status > 0)
		d->result.http_status = status == 206 ? 200 : status;
}

static void complete(struct sim_modem *m, struct netdl *d, CURLcode code)
{
	long status = 0;
	note_status(d);
	status = d->result.http_status;
	if (code == CURLE_OK && is_http(d) && (status < 200 || status > 299)) {
		fail(d, SIM_HTTPER_CLASS, SIM_HTTPER_STATUS);
		finish(m, d, false);
		return;
	} else if (code == CURLE_OK) {
		sync_part(m, d);
		if (store(m, d) == 0) {
			d->result.ok = true;
			finish(m, d, false);
			return;
		}
		fail(d, err_class(d), err_for(d, SIM_FTPER_MEMORY, SIM_HTTPER_INTERNAL));
	} else if (d->failed_write)
		fail(d, err_class(d), err_for(d, SIM_FTPER_MEMORY, SIM_HTTPER_INTERNAL));
	else if (code == CURLE_COULDNT_RESOLVE_HOST)
		fail(d, err_class(d), err_for(d, SIM_FTPER_DNS, SIM_HTTPER_DNS));
	else if (code == CURLE_COULDNT_CONNECT)
		fail(d, err_class(d), err_for(d, SIM_FTPER_REFUSED, SIM_HTTPER_NO_RESPONSE));
	else if (code == CURLE_LOGIN_DENIED || code == CURLE_REMOTE_ACCESS_DENIED)
		fail(d, err_class(d), SIM_FTPER_LOGIN);
	else if (code == CURLE_REMOTE_FILE_NOT_FOUND || code == CURLE_FTP_COULDNT_RETR_FILE)
		fail(d, err_class(d), err_for(d, SIM_FTPER_NOT_FOUND, SIM_HTTPER_STATUS));
	else if (code == CURLE_OPERATION_TIMEDOUT)
		fail(d, err_class(d), err_for(d, SIM_FTPER_TIMEOUT, SIM_HTTPER_NO_RESPONSE));
	else
		fail(d, err_class(d), err_for(d, SIM_FTPER_BROKEN, SIM_HTTPER_NO_RESPONSE));
	/* a broken transfer keeps what it synced, for a resume */
	finish(m, d, true);
}

static void poll_step(void *ctx, int arg)
{
	struct sim_modem *m = ctx;
	struct netdl *d = state(m);
	int running = 0, left;
	CURLMsg *msg;
	(void)arg;
	d->timer = 0;
	if (!d->active)
		return;
	if (d->paused && !d->stalled && rate_allows(m, d, 0)) {
		d->paused = false;
		curl_easy_pause(d->easy, CURLPAUSE_CONT);
	}
	curl_multi_perform(d->multi, &running);
	note_status(d);
	if (d->total == 0) {
		curl_off_t len = -1;
		curl_easy_getinfo(d->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &len);
		if (len > 0)
			d->total = d->offset + (uint64_t)len;
	}
	/* status first: the last bytes and the end may come in one step */
	if (d->total && d->req.status && d->stored >= d->next_status && d->stored < d->total) {
		d->req.status(m, d->stored, d->total);
		d->next_status = (d->stored / SIM_NETDL_STATUS_STEP + 1) * SIM_NETDL_STATUS_STEP;
	}
	while ((msg = curl_multi_info_read(d->multi, &left)))
		if (msg->msg == CURLMSG_DONE && msg->easy_handle == d->easy) {
			complete(m, d, msg->data.result);
			return;
		}
	if (d->req.timeout_s > 0 &&
	    sim_modem_now(m) - d->last_byte_ms > (uint64_t)d->req.timeout_s * 1000u) {
		fail(d, err_class(d), err_for(d, SIM_FTPER_TIMEOUT, SIM_HTTPER_NO_RESPONSE));
		finish(m, d, true);
		return;
	}
	d->timer = sim_modem_after(m, POLL_MS, poll_step, 0);
}

/* A seeded fault that ends the download before any byte. */
static void fault_step(void *ctx, int code)
{
	struct sim_modem *m = ctx;
	struct netdl *d = state(m);
	d->timer = 0;
	fail(d, err_class(d), code);
	finish(m, d, true);
}

static int build_url(struct netdl *d, const struct sim_netdl_req *r)
{
	if (r->url) {
		int k = snprintf(d->url, sizeof d->url, "%s", r->url);
		return (strncmp(r->url, "http://", 7) == 0 || strncmp(r->url, "https://", 8) == 0) &&
				       k > 0 && (size_t)k < sizeof d->url
			       ? 0
			       : -1;
	}
	const char *scheme = r->method == SIM_DL_FTP ? (r->secure ? "ftps" : "ftp")
						     : (r->secure ? "https" : "http");
	const char *slash = r->path[0] == '/' ? "" : "/";
	int n = snprintf(d->url, sizeof d->url, "%s://%s:%ld%s%s", scheme, r->host, r->port, slash,
			 r->path);
	return n > 0 && (size_t)n < sizeof d->url ? 0 : -1;
}

/* Offset to resume from: the synced length of a partial file of this URL. */
static uint64_t resume_point(struct sim_modem *m, const struct netdl *d)
{
	struct sim_kv kv;
	if (sim_kv_load(m->flash, RECORD, &kv) < 0)
		return 0;
	const char *url = sim_kv_get(&kv, "url");
	if (!url || strcmp(url, d->url) != 0)
		return 0;
	long n = sim_kv_get_long(&kv, "stored", 0);
	return n > 0 ? (uint64_t)n : 0;
}

static int open_part(struct sim_modem *m, struct netdl *d, uint64_t offset)
{
	char path[600];
	if (sim_flash_path(m->flash, PART, path, sizeof path) != 0)
		return -1;
	d->fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (d->fd < 0)
		return -1;
	if (ftruncate(d->fd, (off_t)offset) != 0 || lseek(d->fd, (off_t)offset, SEEK_SET) < 0) {
		close_part(d);
		return -1;
	}
	return 0;
}

/* The radio is the bottleneck, not loopback: a small receive buffer
 * keeps the TCP window, and so what a server can send ahead of the paced
 * reads, near what a module's link holds (docs/behaviour.md), instead of
 * the megabytes loopback's autotuning would take in. */
#define RCVBUF 16384

static int radio_socket(void *ctx, curl_socket_t fd, curlsocktype purpose)
{
	int size = RCVBUF;
	(void)ctx;
	(void)purpose;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
	return CURL_SOCKOPT_OK;
}

static bool curl_ready(void)
{
	static bool global; /* libcurl's own process-wide init, once */
	if (!global)
		global = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
	return global;
}

static int setup_curl(struct sim_modem *m, struct netdl *d)
{
	if (!curl_ready())
		return -1;
	d->multi = curl_multi_init();
	d->easy = curl_easy_init();
	if (!d->multi || !d->easy)
		return -1;
	CURL *e = d->easy;
	curl_easy_setopt(e, CURLOPT_URL, d->url);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, m);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, m);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, d->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_NOPROGRESS, 1L);
	curl_easy_setopt(e, CURLOPT_FAILONERROR, 0L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(e, CURLOPT_SOCKOPTFUNCTION, radio_socket);
	if (d->offset)
		curl_easy_setopt(e, CURLOPT_RESUME_FROM_LARGE, (curl_off_t)d->offset);
	if (d->req.user[0] || d->req.password[0]) {
		curl_easy_setopt(e, CURLOPT_USERNAME, d->req.user);
		curl_easy_setopt(e, CURLOPT_PASSWORD, d->req.password);
	}
	if (d->req.method == SIM_DL_FTP) {
		if (!d->req.passive)
			curl_easy_setopt(e, CURLOPT_FTPPORT, "-");
		if (d->req.account[0])
			curl_easy_setopt(e, CURLOPT_FTP_ACCOUNT, d->req.account);
		if (d->req.secure)
			curl_easy_setopt(e, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	} else {
		curl_easy_setopt(e, CURLOPT_HTTPAUTH,
				 d->req.basic_auth ? (long)CURLAUTH_BASIC : (long)CURLAUTH_NONE);
	}
	return curl_multi_add_handle(d->multi, e) == CURLM_OK ? 0 : -1;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

/* The file work of a start (the part file and its record, fsynced) and
 * the connection, on the first step after the OK: the host's fsyncs take
 * wall time, which --time-scale would turn into seconds of module time
 * before an OK a module gives at once. */
static void begin_step(void *ctx, int arg)
{
	struct sim_modem *m = ctx;
	struct netdl *d = state(m);
	struct sim_net_config *net = m->net;
	(void)arg;
	d->timer = 0;
	if (!d->req.resume)
		drop_partial(m);
	if (open_part(m, d, d->offset) != 0) {
		fail(d, err_class(d), err_for(d, SIM_FTPER_MEMORY, SIM_HTTPER_INTERNAL));
		finish(m, d, false);
		return;
	}
	save_record(m, d);
	d->last_byte_ms = sim_modem_now(m);
	if (d->no_host) {
		d->timer = sim_modem_after(m, POLL_MS, fault_step,
					   err_for(d, SIM_FTPER_NO_SERVER, SIM_HTTPER_NO_RESPONSE));
		return;
	}
	if (net && !net->fault_fired && (net->fault == SIM_NF_REFUSE || net->fault == SIM_NF_DNS)) {
		net->fault_fired = true;
		int code = net->fault == SIM_NF_DNS
				   ? err_for(d, SIM_FTPER_DNS, SIM_HTTPER_DNS)
				   : err_for(d, SIM_FTPER_REFUSED, SIM_HTTPER_NO_RESPONSE);
		d->timer = sim_modem_after(m, 1000u, fault_step, code);
		return;
	}
	if (setup_curl(m, d) != 0) {
		fail(d, err_class(d), err_for(d, SIM_FTPER_MEMORY, SIM_HTTPER_INTERNAL));
		finish(m, d, true);
		return;
	}
	d->timer = sim_modem_after(m, POLL_MS, poll_step, 0);
}

int sim_netdl_start(struct sim_modem *m, const struct sim_netdl_req *req)
{
	struct netdl *d = state(m);
	if (d->active)
		return SIM_CME_NOT_ALLOWED;
	memset(d, 0, offsetof(struct netdl, lmulti));
	d->fd = -1;
	d->req = *req;
	copy_str(d->userpwd[0], sizeof d->userpwd[0], req->user);
	copy_str(d->userpwd[1], sizeof d->userpwd[1], req->password);
	copy_str(d->account, sizeof d->account, req->account);
	d->req.user = d->userpwd[0];
	d->req.password = d->userpwd[1];
	d->req.account = d->account;
	d->req.host = NULL;
	d->req.path = NULL;
	if (build_url(d, req) != 0)
		return SIM_CME_INCORRECT_PARAMS;
	d->no_host = !req->url && !req->host[0];
	d->req.url = NULL; /* d->url has it */
	d->offset = req->resume ? resume_point(m, d) : 0;
	d->stored = d->synced = d->offset;
	d->next_status = d->offset + 1;
	d->last_byte_ms = sim_modem_now(m);
	d->active = true;
	sim_download_begin(m, req->method);
	d->timer = sim_modem_after(m, 0, begin_step, 0);
	return SIM_OK;
}

static bool curl_ready(void);

static void login_cleanup(struct netdl *d)
{
	if (d->leasy) {
		curl_multi_remove_handle(d->lmulti, d->leasy);
		curl_easy_cleanup(d->leasy);
		d->leasy = NULL;
	}
	if (d->lmulti) {
		curl_multi_cleanup(d->lmulti);
		d->lmulti = NULL;
	}
}

static void login_step(void *ctx, int arg)
{
	struct sim_modem *m = ctx;
	struct netdl *d = state(m);
	int running = 0, left;
	CURLMsg *msg;
	(void)arg;
	d->ltimer = 0;
	curl_multi_perform(d->lmulti, &running);
	while ((msg = curl_multi_info_read(d->lmulti, &left))) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		CURLcode c = msg->data.result;
		int code = c == CURLE_OK ? 0
			   : c == CURLE_COULDNT_RESOLVE_HOST ? SIM_FTPER_DNS
			   : c == CURLE_COULDNT_CONNECT ? SIM_FTPER_REFUSED
			   : c == CURLE_LOGIN_DENIED || c == CURLE_REMOTE_ACCESS_DENIED ? SIM_FTPER_LOGIN
			   : c == CURLE_OPERATION_TIMEDOUT ? SIM_FTPER_TIMEOUT
								 : SIM_FTPER_BROKEN;
		login_cleanup(d);
		d->ldone(m, code == 0, code);
		return;
	}
	d->ltimer = sim_modem_after(m, POLL_MS, login_step, 0);
}

int sim_netdl_login(struct sim_modem *m, const struct sim_netdl_req *req,
		    void (*done)(struct sim_modem *m, int ok, int err_code))
{
	struct netdl *d = state(m);
	char url[300];
	if (d->lmulti)
		return SIM_CME_NOT_ALLOWED;
	int n = snprintf(url, sizeof url, "%s://%s:%ld/", req->secure ? "ftps" : "ftp", req->host,
			 req->port);
	if (n < 0 || (size_t)n >= sizeof url)
		return SIM_CME_INCORRECT_PARAMS;
	if (!curl_ready() || !(d->lmulti = curl_multi_init()) || !(d->leasy = curl_easy_init())) {
		login_cleanup(d);
		return SIM_CME_MEMORY_FAILURE;
	}
	CURL *e = d->leasy;
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_CONNECT_ONLY, 1L); /* connect and log in, no more */
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(e, CURLOPT_USERNAME, req->user);
	curl_easy_setopt(e, CURLOPT_PASSWORD, req->password);
	if (req->account[0])
		curl_easy_setopt(e, CURLOPT_FTP_ACCOUNT, req->account);
	if (req->secure)
		curl_easy_setopt(e, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (curl_multi_add_handle(d->lmulti, e) != CURLM_OK) {
		login_cleanup(d);
		return SIM_CME_MEMORY_FAILURE;
	}
	d->ldone = done;
	d->ltimer = sim_modem_after(m, POLL_MS, login_step, 0);
	return SIM_OK;
}

bool sim_netdl_busy(struct sim_modem *m)
{
	return state(m)->active;
}

static void cancel_done(void *ctx, int arg)
{
	struct sim_modem *m = ctx;
	struct netdl *d = state(m);
	(void)arg;
	d->timer = 0;
	fail(d, err_class(d), SIM_FTPER_CANCELLED);
	finish(m, d, false); /* note §3.2: a cancelled session cannot resume */
}

bool sim_netdl_cancel(struct sim_modem *m, enum sim_download method)
{
	struct netdl *d = state(m);
	if (!d->active || d->req.method != method)
		return false;
	cleanup_curl(d); /* no more bytes; the URC comes after the cancel time */
	if (d->timer > 0)
		sim_modem_cancel(m, d->timer);
	d->timer = sim_modem_after(m, m->v->family == SIM_R422 ? CANCEL_MS_R422 : CANCEL_MS_R41X,
				   cancel_done, 0);
	return true;
}

void sim_netdl_spoil(struct sim_modem *m, int cls, int code)
{
	struct netdl *d = state(m);
	if (!d->active)
		return;
	fail(d, cls, code);
	finish(m, d, false);
}

/* note §7: the R422 family runs a command Table 7 forbids instead of
 * refusing it (download.c audits that); the download it hits fails. */
static int check(struct sim_modem *m, void *st, const struct sim_at_req *req)
{
	struct netdl *d = st;
	if (!d->active || m->v->family != SIM_R422 || !sim_download_forbids(d->req.method, req))
		return SIM_OK;
	sim_audit_event(m->audit, sim_modem_now(m), "download_spoiled",
			",\"command\":\"%s\",\"download\":\"%s\"", req->name,
			sim_download_name(d->req.method));
	sim_netdl_spoil(m, err_class(d), err_for(d, SIM_FTPER_SPOILED, SIM_HTTPER_INTERNAL));
	return SIM_OK;
}

static void power_off(struct sim_modem *m, void *st)
{
	struct netdl *d = st;
	(void)m;
	cleanup_curl(d); /* the part file and its record stay for a resume */
	login_cleanup(d);
	close_part(d);
}

static int power_on(struct sim_modem *m, void *st)
{
	struct netdl *d = st;
	(void)m;
	d->fd = -1;
	return 0;
}

const struct sim_feature sim_feature_netdl = {
	.name = "netdl",
	.state_size = sizeof(struct netdl),
	.power_off = power_off,
	.power_on = power_on,
	.check = check,
};

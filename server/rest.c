/* REST API and package download of sarafw-server (rest.h). */
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "httprange.h"
#include "json.h"
#include "pkg.h"
#include "rest.h"
#include "web.h"

struct rest_server {
	rest_config cfg;
	struct MHD_Daemon *d;
	atomic_int verifying; /* package checks running on threads of their own */
};

/* A package upload's checks (`sarafw pkg verify`'s, its SHA-256 and the
 * fsync of its bytes), made on a thread of their own while its
 * connection is suspended: seconds for a large package, during which the
 * loop goes on answering LwM2M. The storage is written on the loop once
 * they are done. */
typedef struct pkg_verify {
	rest_server *s;
	struct MHD_Connection *c;
	int fd;
	pkg_info info;
	int code;    /* pkg_check's */
	bool io_err; /* reading or fsync failed */
	uint8_t md[32];
} pkg_verify;

/* per request: the body as it arrives */
typedef struct req {
	bool started;
	bool to_file;      /* a package upload */
	bool too_big;
	bytes body;
	int fd;
	uint64_t size;
	char tmp[512];
	char role[16];
	pkg_verify *verify; /* its checks, once started */
} req;

static int64_t now_s(void)
{
	return (int64_t)time(NULL);
}

void rest_token_hash(const char *token, char hex[65])
{
	uint8_t md[32];
	unsigned n = 0;
	EVP_Digest(token, strlen(token), md, &n, EVP_sha256(), NULL);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

static int random_hex(char *out, size_t nbytes)
{
	uint8_t b[64];
	if (nbytes > sizeof b || getrandom(b, nbytes, 0) != (ssize_t)nbytes)
		return -1;
	for (size_t i = 0; i < nbytes; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	return 0;
}

int rest_admin_token(db *d, const char *path, char *err, size_t errlen)
{
	char tok[256] = "";
	FILE *f = fopen(path, "r");
	if (f) {
		if (!fgets(tok, sizeof tok, f))
			tok[0] = 0;
		fclose(f);
		tok[strcspn(tok, "\r\n")] = 0;
		if (strlen(tok) < 16) {
			snprintf(err, errlen, "%s: a token of at least 16 characters on the first line", path);
			return -1;
		}
	} else if (errno == ENOENT) {
		if (random_hex(tok, 32) < 0)
			goto io;
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd < 0)
			goto io;
		size_t n = strlen(tok);
		tok[n] = '\n';
		bool ok = write(fd, tok, n + 1) == (ssize_t)(n + 1) && fsync(fd) == 0;
		close(fd);
		tok[n] = 0;
		if (!ok)
			goto io;
	} else {
		goto io;
	}
	char hex[65];
	rest_token_hash(tok, hex);
	if (db_token_add(d, hex, "admin", "token file", now_s()) < 0) {
		snprintf(err, errlen, "storing the admin token: %s", db_error(d));
		return -1;
	}
	return 0;
io:
	snprintf(err, errlen, "%s: %s", path, strerror(errno));
	return -1;
}

/* ---- responses ---- */

static enum MHD_Result send_bytes(struct MHD_Connection *c, unsigned status, const char *type, bytes *b)
{
	if (b->oom) {
		free(b->p);
		*b = (bytes){0};
		status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		bytes_put(b, "{\"error\":\"out of memory\"}", 25);
	}
	struct MHD_Response *r = MHD_create_response_from_buffer(b->len, b->p, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(b->p);
		return MHD_NO;
	}
	*b = (bytes){0};
	MHD_add_response_header(r, "Content-Type", type);
	if (status == MHD_HTTP_UNAUTHORIZED)
		MHD_add_response_header(r, "WWW-Authenticate", "Bearer");
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, bytes *b)
{
	return send_bytes(c, status, "application/json", b);
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *msg)
{
	bytes b = {0};
	bool first = true;
	jw_raw(&b, "{");
	jw_kv_str(&b, &first, "error", msg);
	jw_raw(&b, "}\n");
	return send_json(c, status, &b);
}

/* ---- auth ---- */

static bool allows(const char *role, const char *need)
{
	return !strcmp(role, "admin") || !strcmp(role, need) || !strcmp(need, "viewer");
}

/* 0 allowed, else the HTTP status to answer */
static unsigned authorize(rest_server *s, struct MHD_Connection *c, const char *need, char *role, size_t rolelen)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	if (!h || strncmp(h, "Bearer ", 7) || strlen(h + 7) < 16 || strlen(h + 7) > 200)
		return MHD_HTTP_UNAUTHORIZED;
	char hex[65];
	rest_token_hash(h + 7, hex);
	int r = db_token_role(s->cfg.db, hex, role, rolelen);
	if (r < 0)
		return MHD_HTTP_INTERNAL_SERVER_ERROR;
	if (r)
		return MHD_HTTP_UNAUTHORIZED;
	return allows(role, need) ? 0 : MHD_HTTP_FORBIDDEN;
}

/* ---- routes ---- */

typedef enum {
	R_NONE,
	R_DEVICES,
	R_DEVICE_PSK,
	R_TOKENS,
	R_PACKAGES,
	R_PACKAGE,
	R_PKG_DOWNLOAD,
	R_CAMPAIGNS,
	R_CAMPAIGN,
	R_CAMPAIGN_REPORT,
	R_CAMPAIGN_APPROVE,
	R_CAMPAIGN_ACCEPT,
	R_CAMPAIGN_RESUME,
	R_CAMPAIGN_PAUSE,
	R_CAMPAIGN_CANCEL,
	R_WHOAMI,
	R_STATS,
	R_WEB,
} route_id;

typedef struct route {
	route_id id;
	char arg[128]; /* the {…} in the path */
	const char *need; /* role; NULL: public */
	bool body_json, body_file;
	int64_t num;
	const web_file *web; /* R_WEB */
	const char *web_type;
} route;

static bool is_sha(const char *s)
{
	if (strlen(s) != 64)
		return false;
	for (int i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* 0 routed; else 404 or 405 */
static unsigned route_of(const char *url, const char *method, route *rt)
{
	bool get = !strcmp(method, "GET") || !strcmp(method, "HEAD"), post = !strcmp(method, "POST"),
	     put = !strcmp(method, "PUT");
	memset(rt, 0, sizeof *rt);
	rt->need = "viewer";
#define M(ok) if (!(ok)) return MHD_HTTP_METHOD_NOT_ALLOWED
	if (!strncmp(url, "/pkg/", 5)) {
		if (!is_sha(url + 5))
			return MHD_HTTP_NOT_FOUND;
		M(get);
		rt->id = R_PKG_DOWNLOAD;
		rt->need = NULL;
		snprintf(rt->arg, sizeof rt->arg, "%s", url + 5);
		return 0;
	}
	if (strncmp(url, "/api/", 5) && (rt->web = web_find(url, &rt->web_type))) {
		M(get);
		rt->id = R_WEB;
		rt->need = NULL; /* the page asks for a token itself */
		return 0;
	}
	if (strncmp(url, "/api/v1/", 8))
		return MHD_HTTP_NOT_FOUND;
	const char *p = url + 8;
	if (!strcmp(p, "whoami")) {
		M(get);
		rt->id = R_WHOAMI;
		return 0;
	}
	if (!strcmp(p, "stats")) {
		M(get);
		rt->id = R_STATS;
		return 0;
	}
	if (!strcmp(p, "devices")) {
		M(get);
		rt->id = R_DEVICES;
		return 0;
	}
	if (!strncmp(p, "devices/", 8)) {
		const char *e = strrchr(p + 8, '/');
		if (!e || strcmp(e, "/psk") || e == p + 8 || (size_t)(e - (p + 8)) >= sizeof rt->arg)
			return MHD_HTTP_NOT_FOUND;
		M(put);
		memcpy(rt->arg, p + 8, (size_t)(e - (p + 8)));
		rt->id = R_DEVICE_PSK, rt->need = "operator", rt->body_json = true;
		return 0;
	}
	if (!strcmp(p, "tokens")) {
		M(post);
		rt->id = R_TOKENS, rt->need = "admin", rt->body_json = true;
		return 0;
	}
	if (!strcmp(p, "packages")) {
		M(get || post);
		rt->id = R_PACKAGES;
		if (post)
			rt->need = "operator", rt->body_file = true;
		return 0;
	}
	if (!strncmp(p, "packages/", 9)) {
		if (!is_sha(p + 9))
			return MHD_HTTP_NOT_FOUND;
		M(get);
		rt->id = R_PACKAGE;
		snprintf(rt->arg, sizeof rt->arg, "%s", p + 9);
		return 0;
	}
	if (!strcmp(p, "campaigns")) {
		M(get || post);
		rt->id = R_CAMPAIGNS;
		if (post)
			rt->need = "operator", rt->body_json = true;
		return 0;
	}
	if (!strncmp(p, "campaigns/", 10)) {
		p += 10;
		char *end;
		errno = 0;
		long long id = strtoll(p, &end, 10);
		if (end == p || errno || id < 1 || *p == '+' || *p == '-' || *p == ' ')
			return MHD_HTTP_NOT_FOUND;
		rt->num = id;
		static const struct {
			const char *tail;
			route_id id;
			const char *need;
		} sub[] = {
			{"/approve", R_CAMPAIGN_APPROVE, "approver"},
			{"/accept-test", R_CAMPAIGN_ACCEPT, "approver"},
			{"/resume", R_CAMPAIGN_RESUME, "operator"},
			{"/pause", R_CAMPAIGN_PAUSE, "operator"},
			{"/cancel", R_CAMPAIGN_CANCEL, "operator"},
		};
		if (!*end) {
			M(get);
			rt->id = R_CAMPAIGN;
			return 0;
		}
		if (!strcmp(end, "/report")) {
			M(get);
			rt->id = R_CAMPAIGN_REPORT;
			return 0;
		}
		for (size_t i = 0; i < sizeof sub / sizeof *sub; i++)
			if (!strcmp(end, sub[i].tail)) {
				M(post);
				rt->id = sub[i].id, rt->need = sub[i].need;
				return 0;
			}
		return MHD_HTTP_NOT_FOUND;
	}
#undef M
	return MHD_HTTP_NOT_FOUND;
}

/* ---- devices ---- */

static void iso_time(int64_t t, char *buf, size_t cap)
{
	if (!t) {
		snprintf(buf, cap, "%s", "");
		return;
	}
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

typedef struct list_ctx {
	bytes *b;
	bool first;
	int64_t now;
} list_ctx;

static int dev_json(void *ctx, const db_device *d)
{
	list_ctx *l = ctx;
	bytes *b = l->b;
	if (!l->first)
		jw_raw(b, ",");
	l->first = false;
	const char *state = !d->registered_at        ? "provisioned"
			    : !d->registered         ? "deregistered"
			    : d->last_seen + d->lifetime < l->now ? "expired"
							    : "registered";
	char ts[32];
	iso_time(d->last_seen, ts, sizeof ts);
	bool f = true;
	jw_raw(b, "{");
	jw_kv_str(b, &f, "endpoint", d->endpoint);
	jw_kv_str(b, &f, "imei", d->imei);
	jw_kv_str(b, &f, "firmware_version", d->firmware_version);
	jw_kv_str(b, &f, "state", state);
	jw_kv_str(b, &f, "last_seen", ts);
	jw_kv_int(b, &f, "lifetime", d->lifetime);
	jw_kv_str(b, &f, "lwm2m", d->lwm2m);
	jw_kv_str(b, &f, "binding", d->binding);
	jw_kv_str(b, &f, "objects", d->objects);
	jw_kv_str(b, &f, "location", d->registered && d->location[0] ? d->location : "");
	jw_kv_int(b, &f, "fw_state", d->fw_state);
	jw_kv_int(b, &f, "fw_result", d->fw_result);
	jw_raw(b, "}");
	return 0;
}

static enum MHD_Result get_devices(rest_server *s, struct MHD_Connection *c)
{
	bytes b = {0};
	list_ctx l = {.b = &b, .first = true, .now = now_s()};
	jw_raw(&b, "[");
	if (db_device_list(s->cfg.db, dev_json, &l) < 0) {
		free(b.p);
		return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "storage");
	}
	jw_raw(&b, "]\n");
	return send_json(c, MHD_HTTP_OK, &b);
}

#define TOKS 4096

static int parse_body(const req *q, json_doc *doc, json_tok *tok)
{
	if (json_parse(doc, (const char *)q->body.p, q->body.len, tok, TOKS) < 0 || tok[0].type != JSON_OBJECT)
		return -1;
	return 0;
}

static enum MHD_Result put_psk(rest_server *s, struct MHD_Connection *c, const route *rt, const req *q)
{
	json_tok *tok = calloc(TOKS, sizeof *tok);
	json_doc doc;
	char hex[130] = "";
	if (!tok)
		return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	int bad = parse_body(q, &doc, tok) < 0 || json_str(&doc, json_get(&doc, 0, "key"), hex, sizeof hex) < 0;
	free(tok);
	size_t n = bad ? 0 : strlen(hex);
	uint8_t key[64];
	if (bad || n < 2 || n % 2 || n > 128)
		return send_error(c, MHD_HTTP_UNPROCESSABLE_CONTENT, "body: {\"key\": \"<hex, 1 to 64 bytes>\"}");
	for (size_t i = 0; i < n / 2; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1 || !strchr("0123456789abcdefABCDEF", hex[2 * i]) ||
		    !strchr("0123456789abcdefABCDEF", hex[2 * i + 1]))
			return send_error(c, MHD_HTTP_UNPROCESSABLE_CONTENT, "key: hex digits only");
		key[i] = (uint8_t)v;
	}
	for (const char *p = rt->arg; *p; p++)
		if (*p < 0x21 || *p > 0x7e)
			return send_error(c, MHD_HTTP_UNPROCESSABLE_CONTENT, "endpoint: printable ASCII");
	if (strlen(rt->arg) > DB_EP_MAX)
		return send_error(c, MHD_HTTP_UNPROCESSABLE_CONTENT, "endpoint: too long");
	if (db_psk_set(s->cfg.db, rt->arg, key, n / 2) < 0)
		return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "storage");
	bytes b = {0};
	jw_raw(&b, "{}\n");
	return send_json(c, MHD_HTTP_OK, &b);
}

static enum MHD_Result post_token(rest_server *s, struct MHD_Connection *c, const req *q)
{
	json_tok *tok = calloc(TOKS, sizeof *tok);
	json_doc doc;
	char role[16] = "", name[DB_NAME_MAX + 1] = "";
	if (!tok)
		return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	int bad = parse_body(q, &doc, tok) < 0 || json_str(&doc, json_get(&doc, 0, "role"), role, sizeof role) < 0;
	if (!bad && json_get(&doc, 0, "name") >= 0 && json_str(&doc, json_get(&doc, 0, "name"), name, sizeof name) < 0)
		bad = 1;
	free(tok);
	if (bad || (strcmp(role, "viewer") && strcmp(role, "operator") && strcmp(role, "approver")))
		return send_error(c, MHD_HTTP_UNPROCESSABLE_CONTENT,
				  "body: {\"role\": \"viewer\"|\"operator\"|\"approver\", \"name\": \"...\"}");
	char token[65], hash[65];
	if (random_hex(token, 32) < 0)
		return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "no randomness");
	rest_token_hash(token, hash);
	if (db_token_add(s->cfg.db, hash, role, name, now_s()) < 0)
		return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "storage");
	bytes b = {0};
	bool f = true;
	jw_raw(&b, "{");
	jw_kv_str(&b, &f, "token", token);
	jw_kv_str(&b, &f, "role", role);
	jw_kv_str(&b, &f, "name", name);
	jw_raw(&b, "}\n");
	return send_json(c, MHD_HTTP_CREATED, &b);
}

/* ---- packages ---- */

static void pkg_json(bytes *b, const db_package *p)
{
	bool f = true;
	char ts[32];
	iso_time(p->created, ts, sizeof ts);
	jw_raw(b, "{");
	jw_kv_str(b, &f, "sha256", p->sha256);
	jw_kv_int(b, &f, "size", p->size);
	jw_kv_str(b, &f, "product", p->product);
	jw_kv_str(b, &f, "from_version", p->from_version);
	jw_kv_str(b, &f, "to_version", p->to_version);
	jw_kv_int(b, &f, "kind", p->kind);
	jw_kv_int(b, &f, "flags", p->flags);
	jw_kv_str(b, &f, "created", ts);
	jw_raw(b, ",\"download\":\"/pkg/");
	jw_raw(b, p->sha256);
	jw_raw(b, "\"}");
}

static int pkg_each(void *ctx, const db_package *p)
{
	list_ctx *l = ctx;
	if (!l->first)
		jw_raw(l->b, ",");
	l->first = false;
	pkg_json(l->b, p);
	return 0;
}

static enum MHD_Result get_packages(rest_server *s, struct MHD_Connection *c)
{
	bytes b = {0};
	list_ctx l = {.b = &b, .first = true};
	jw_raw(&b, "[");
	if (db_package_list(s->cfg.db, pkg_each, &l) < 0) {
		free(b.p);
		return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "storage");
	}
	jw_raw(&b, "]\n");
	return send_json(c, MHD_HTTP_OK, &b);
}

static enum MHD_Result get_package(rest_server *s, struct MHD_Connection *c, const char *sha)
{
	db_package p;
	int r = db_package_get(s->cfg.db, sha, &p);
	if (r)
		return send_error(c, r < 0 ? MHD_HTTP_INTERNAL_SERVER_ERROR : MHD_HTTP_NOT_FOUND,
				  r < 0 ? "storage" : "no such package");
	bytes b = {0};
	pkg_json(&b, &p);
	jw_raw(&b, "\n");
	return send_json(c, MHD_HTTP_OK, &b);
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return -1;
	int r = fsync(fd);
	close(fd);
	return r;
}

static void *verify_main(void *arg)
{
	pkg_verify *v = arg;
	rest_server *s = v->s;
	blob bl;
	if (blob_from_fd(&bl, &v->fd) < 0) {
		v->io_err = true;
	} else {
		/* the checks of `sarafw pkg verify` */
		v->code = pkg_check(&bl, s->cfg.pkg_pub, &v->info);
		if (v->code == PKG_OK && (pkg_sha256(&bl, v->md) < 0 || fsync(v->fd) < 0))
			v->io_err = true;
	}
	/* the loop calls the handler again (MHD's lock orders v's writes
	 * before its reads); v is not touched after this */
	MHD_resume_connection(v->c);
	atomic_fetch_sub(&s->verifying, 1);
	return NULL;
}

/* 0 started (the connection suspended until it ends), -1 not */
static int verify_start(rest_server *s, struct MHD_Connection *c, req *q)
{
	pkg_verify *v = calloc(1, sizeof *v);
	if (!v)
		return -1;
	*v = (pkg_verify){.s = s, .c = c, .fd = q->fd};
	pthread_attr_t a;
	pthread_t t;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	atomic_fetch_add(&s->verifying, 1);
	MHD_suspend_connection(c); /* before the thread may resume it */
	q->verify = v;
	if (pthread_create(&t, &a, verify_main, v) != 0)
		verify_main(v); /* here, then: done before the loop goes on */
	pthread_attr_destroy(&a);
	return 0;
}

static enum MHD_Result post_package(rest_server *s, struct MHD_Connection *c, req *q)
{
	if (!s->cfg.pkg_pub)
		return send_error(c, MHD_HTTP_SERVICE_UNAVAILABLE, "no package key configured: start with --pkg-key FILE");
	if (q->too_big)
		return send_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "a package is at most 256 MiB");
	if (q->fd < 0 || q->size == 0)
		return send_error(c, MHD_HTTP_BAD_REQUEST, "no body: send the package's bytes");
	if (!q->verify)
		return verify_start(s, c, q) == 0 ? MHD_YES
						  : send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
	/* resumed: the checks are done */
	pkg_verify *v = q->verify;
	pkg_info *info = &v->info;
	if (v->io_err)
		return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "reading the upload");
	if (v->code != PKG_OK) {
		bytes b = {0};
		bool f = true;
		jw_raw(&b, "{");
		jw_kv_str(&b, &f, "error", pkg_strerror(v->code));
		jw_kv_int(&b, &f, "code", v->code);
		jw_kv_str(&b, &f, "why", info->why);
		jw_raw(&b, "}\n");
		return send_json(c, MHD_HTTP_UNPROCESSABLE_CONTENT, &b);
	}
	db_package p = {0};
	for (int i = 0; i < 32; i++)
		snprintf(p.sha256 + 2 * i, 3, "%02x", v->md[i]);
	p.size = (int64_t)q->size;
	snprintf(p.product, sizeof p.product, "%s", info->product);
	snprintf(p.from_version, sizeof p.from_version, "%s", info->from_version);
	snprintf(p.to_version, sizeof p.to_version, "%s", info->to_version);
	p.kind = info->kind;
	p.flags = info->flags;
	p.created = now_s();
	/* stored by hash, never changed: the file first, then the row */
	char path[512];
	snprintf(path, sizeof path, "%s/%s", s->cfg.store, p.sha256);
	struct stat st;
	if (stat(path, &st) == 0) {
		unlink(q->tmp);
	} else if (rename(q->tmp, path) < 0 || fsync_dir(s->cfg.store) < 0) {
		return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "storing the package");
	}
	q->tmp[0] = 0;
	int r = db_package_add(s->cfg.db, &p);
	if (r < 0)
		return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "storage");
	if (r == 1)
		db_package_get(s->cfg.db, p.sha256, &p);
	if (s->cfg.package_added)
		s->cfg.package_added(s->cfg.changed_ctx, p.sha256);
	bytes b = {0};
	pkg_json(&b, &p);
	jw_raw(&b, "\n");
	return send_json(c, r == 0 ? MHD_HTTP_CREATED : MHD_HTTP_OK, &b);
}

static enum MHD_Result download(rest_server *s, struct MHD_Connection *c, const char *sha)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", s->cfg.store, sha);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		return send_error(c, MHD_HTTP_NOT_FOUND, "no such package");
	}
	uint64_t size = (uint64_t)st.st_size, off = 0, len = size;
	int rg = http_range(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Range"), size, &off, &len);
	if (rg == RANGE_UNSATISFIABLE) {
		close(fd);
		struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
		char cr[64];
		snprintf(cr, sizeof cr, "bytes */%llu", (unsigned long long)size);
		MHD_add_response_header(r, "Content-Range", cr);
		enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_RANGE_NOT_SATISFIABLE, r);
		MHD_destroy_response(r);
		return ret;
	}
	struct MHD_Response *r = MHD_create_response_from_fd_at_offset64(len, fd, off);
	if (!r) {
		close(fd);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", "application/octet-stream");
	MHD_add_response_header(r, "Accept-Ranges", "bytes");
	MHD_add_response_header(r, "ETag", sha); /* stored by hash: never changes */
	unsigned status = MHD_HTTP_OK;
	if (rg == RANGE_PARTIAL) {
		char cr[96];
		snprintf(cr, sizeof cr, "bytes %llu-%llu/%llu", (unsigned long long)off,
			 (unsigned long long)(off + len - 1), (unsigned long long)size);
		MHD_add_response_header(r, "Content-Range", cr);
		status = MHD_HTTP_PARTIAL_CONTENT;
	}
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* ---- campaigns ---- */

static void camp_json(bytes *b, const db_campaign *c)
{
	bool f = true;
	char ts[32];
	jw_raw(b, "{");
	jw_kv_int(b, &f, "id", c->id);
	jw_kv_str(b, &f, "name", c->name);
	jw_kv_str(b, &f, "product", c->product);
	jw_kv_str(b, &f, "from_version", c->from_version);
	jw_kv_str(b, &f, "to_version", c->to_version);
	jw_kv_str(b, &f, "package", c->package);
	jw_kv_str(b, &f, "transport", c->transport);
	jw_kv_str(b, &f, "location_area", c->location_area);
	jw_kv_int(b, &f, "start", c->start_at);
	jw_kv_int(b, &f, "end", c->end_at);
	char w[8];
	snprintf(w, sizeof w, "%02d:%02d", (int)(c->window_from / 60), (int)(c->window_from % 60));
	jw_kv_str(b, &f, "window_from", w);
	snprintf(w, sizeof w, "%02d:%02d", (int)(c->window_to / 60), (int)(c->window_to % 60));
	jw_kv_str(b, &f, "window_to", w);
	jw_kv_int(b, &f, "test_size", c->test_size);
	jw_kv_int(b, &f, "group_size", c->group_size);
	jw_kv_int(b, &f, "success_threshold", c->success_threshold);
	jw_kv_int(b, &f, "error_threshold", c->error_threshold);
	jw_kv_bool(b, &f, "pause_after_group", c->pause_after_group);
	jw_kv_int(b, &f, "action_timeout", c->action_timeout);
	jw_kv_int(b, &f, "max_retries", c->max_retries);
	jw_kv_int(b, &f, "retry_backoff", c->retry_backoff);
	jw_kv_str(b, &f, "state", c->state);
	jw_kv_str(b, &f, "phase", c->phase);
	jw_kv_int(b, &f, "current_group", c->current_group);
	jw_kv_str(b, &f, "created_by", c->created_by);
	jw_kv_str(b, &f, "approved_by", c->approved_by);
	jw_kv_str(b, &f, "test_accepted_by", c->test_accepted_by);
	jw_kv_str(b, &f, "detail", c->detail);
	iso_time(c->created, ts, sizeof ts);
	jw_kv_str(b, &f, "created", ts);
	iso_time(c->updated, ts, sizeof ts);
	jw_kv_str(b, &f, "updated", ts);
}

static int camp_each(void *ctx, const db_campaign *c)
{
	list_ctx *l = ctx;
	if (!l->first)
		jw_raw(l->b, ",");
	l->first = false;
	camp_json(l->b, c);
	jw_raw(l->b, "}");
	return 0;
}

static enum MHD_Result get_campaigns(rest_server *s, struct MHD_Connection *c)
{
	bytes b = {0};
	list_ctx l = {.b = &b, .first = true};
	jw_raw(&b, "[");
	if (db_campaign_list(s->cfg.db, camp_each, &l) < 0) {
		free(b.p);
		return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "storage");
	}
	jw_raw(&b, "]\n");
	return send_json(c, MHD_HTTP_OK, &b);
}

typedef struct cdev_ctx {
	bytes *b;
	bool first;
	/* report counts per phase (0 test, 1 final) */
	int64_t n[2], succeeded[2], failed[2], skipped[2], other[2], resets[2];
	int64_t answered[2], answered_late[2], failsafe[2]; /* note §2.7.3 */
} cdev_ctx;

static void kv_null(bytes *b, bool *first, const char *key)
{
	if (!*first)
		jw_raw(b, ",");
	*first = false;
	jw_str(b, key);
	jw_raw(b, ":null");
}

static int cdev_each(void *ctx, const db_cdev *cd)
{
	cdev_ctx *l = ctx;
	int ph = cd->group_no ? 1 : 0;
	l->n[ph]++;
	if (!strcmp(cd->state, "succeeded"))
		l->succeeded[ph]++;
	else if (!strcmp(cd->state, "failed"))
		l->failed[ph]++;
	else if (!strcmp(cd->state, "skipped"))
		l->skipped[ph]++;
	else
		l->other[ph]++;
	l->resets[ph] += cd->reset_during_update != 0;
	campaign_review rv = campaign_cdev_review(cd);
	l->answered[ph] += rv.answered == 1;
	l->answered_late[ph] += rv.answered == 0;
	l->failsafe[ph] += rv.failsafe_reset;
	if (!l->b)
		return 0;
	if (!l->first)
		jw_raw(l->b, ",");
	l->first = false;
	bool f = true;
	char ts[32];
	iso_time(cd->updated, ts, sizeof ts);
	jw_raw(l->b, "{");
	jw_kv_str(l->b, &f, "imei", cd->imei);
	jw_kv_int(l->b, &f, "group", cd->group_no);
	jw_kv_str(l->b, &f, "state", cd->state);
	jw_kv_int(l->b, &f, "attempts", cd->attempts);
	jw_kv_int(l->b, &f, "result", cd->result);
	jw_kv_str(l->b, &f, "detail", cd->detail);
	jw_kv_bool(l->b, &f, "reset_during_install", cd->reset_during_update != 0);
	if (cd->downloaded_at) {
		char dl[32];
		iso_time(cd->downloaded_at, dl, sizeof dl);
		jw_kv_str(l->b, &f, "downloaded_at", dl);
	} else {
		kv_null(l->b, &f, "downloaded_at");
	}
	if (rv.answered < 0) {
		kv_null(l->b, &f, "answered_s");
		kv_null(l->b, &f, "answered_within_180s");
	} else {
		jw_kv_int(l->b, &f, "answered_s", rv.answered_s);
		jw_kv_bool(l->b, &f, "answered_within_180s", rv.answered == 1);
	}
	jw_kv_bool(l->b, &f, "install_by_failsafe_reset", rv.failsafe_reset);
	jw_kv_str(l->b, &f, "updated", ts);
	jw_raw(l->b, "}");
	return 0;
}

static void counts_json(bytes *b, const cdev_ctx *l, int ph)
{
	bool f = true;
	jw_raw(b, "{");
	jw_kv_int(b, &f, "devices", l->n[ph]);
	jw_kv_int(b, &f, "succeeded", l->succeeded[ph]);
	jw_kv_int(b, &f, "failed", l->failed[ph]);
	jw_kv_int(b, &f, "skipped", l->skipped[ph]);
	jw_kv_int(b, &f, "open", l->other[ph]);
	jw_kv_int(b, &f, "reset_during_install", l->resets[ph]);
	jw_kv_int(b, &f, "answered_within_180s", l->answered[ph]);
	jw_kv_int(b, &f, "answered_after_180s", l->answered_late[ph]);
	jw_kv_int(b, &f, "install_by_failsafe_reset", l->failsafe[ph]);
	jw_raw(b, "}");
}

static enum MHD_Result get_campaign(rest_server *s, struct MHD_Connection *c, int64_t id, bool report)
{
	db_campaign cp;
	int r = db_campaign_get(s->cfg.db, id, &cp);
	if (r)
		return send_error(c, r < 0 ? MHD_HTTP_INTERNAL_SERVER_ERROR : MHD_HTTP_NOT_FOUND,
				  r < 0 ? "storage" : "no such campaign");
	bytes b = {0};
	camp_json(&b, &cp);
	jw_raw(&b, ",\"devices\":[");
	cdev_ctx l = {.b = &b, .first = true};
	if (db_cdev_list(s->cfg.db, id, cdev_each, &l) < 0) {
		free(b.p);
		return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "storage");
	}
	jw_raw(&b, "]");
	if (report) {
		jw_raw(&b, ",\"report\":{\"test\":");
		counts_json(&b, &l, 0);
		jw_raw(&b, ",\"final\":");
		counts_json(&b, &l, 1);
		/* note §2.7.3's eDRX item: LwM2M 1.0 shows no eDRX setting of a
		 * module, so the report says so instead of guessing */
		jw_raw(&b, ",\"edrx\":\"not visible over LwM2M: whether the host keeps eDRX off during the"
			   " update (note §2.7.3) cannot be reported by this server\"");
		jw_raw(&b, "}");
	}
	jw_raw(&b, "}\n");
	return send_json(c, MHD_HTTP_OK, &b);
}

/* "HH:MM" into minutes of the day */
static int hhmm(const char *s, int64_t *m)
{
	if (strlen(s) != 5 || s[2] != ':' || !strchr("012", s[0]))
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	int h = (s[0] - '0') * 10 + s[1] - '0', mi = (s[3] - '0') * 10 + s[4] - '0';
	if (h > 23 || mi > 59)
		return -1;
	*m = h * 60 + mi;
	return 0;
}

static enum MHD_Result post_campaign(rest_server *s, struct MHD_Connection *c, const req *q, const char *who)
{
	json_tok *tok = calloc(REST_JSON_MAX / 8, sizeof *tok);
	db_campaign *cp = calloc(1, sizeof *cp);
	char(*imeis)[DB_IMEI_MAX + 1] = NULL;
	char why[192] = "";
	enum MHD_Result ret;
	json_doc doc;
	if (!tok || !cp) {
		ret = send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
		goto out;
	}
	if (json_parse(&doc, (const char *)q->body.p, q->body.len, tok, REST_JSON_MAX / 8) < 0 ||
	    tok[0].type != JSON_OBJECT) {
		ret = send_error(c, MHD_HTTP_BAD_REQUEST, "the body is not a JSON object");
		goto out;
	}
	/* defaults */
	snprintf(cp->transport, sizeof cp->transport, "http");
	cp->group_size = 10;
	cp->success_threshold = 90;
	cp->error_threshold = 34;
	cp->action_timeout = 3600;
	cp->max_retries = 2;
	cp->retry_backoff = 60;
	cp->test_size = -1;
	static const struct {
		const char *key;
		size_t off, cap;
	} strs[] = {
#define S(k, f) {k, offsetof(db_campaign, f), sizeof(((db_campaign *)0)->f)}
		S("name", name), S("product", product), S("from_version", from_version),
		S("to_version", to_version), S("package", package), S("transport", transport),
		S("location_area", location_area),
#undef S
	};
	static const struct {
		const char *key;
		size_t off;
	} ints[] = {
#define I(k, f) {k, offsetof(db_campaign, f)}
		I("start", start_at), I("end", end_at), I("test_size", test_size), I("group_size", group_size),
		I("success_threshold", success_threshold), I("error_threshold", error_threshold),
		I("action_timeout", action_timeout), I("max_retries", max_retries),
		I("retry_backoff", retry_backoff),
#undef I
	};
	for (size_t i = 0; i < sizeof strs / sizeof *strs; i++) {
		int t = json_get(&doc, 0, strs[i].key);
		if (t >= 0 && json_str(&doc, t, (char *)cp + strs[i].off, strs[i].cap) < 0) {
			snprintf(why, sizeof why, "%s: a string of at most %zu bytes", strs[i].key, strs[i].cap - 1);
			goto bad;
		}
	}
	for (size_t i = 0; i < sizeof ints / sizeof *ints; i++) {
		int t = json_get(&doc, 0, ints[i].key);
		if (t >= 0 && json_int(&doc, t, (int64_t *)((char *)cp + ints[i].off)) < 0) {
			snprintf(why, sizeof why, "%s: an integer", ints[i].key);
			goto bad;
		}
	}
	int t = json_get(&doc, 0, "pause_after_group");
	if (t >= 0) {
		if (doc.tok[t].type != JSON_TRUE && doc.tok[t].type != JSON_FALSE) {
			snprintf(why, sizeof why, "pause_after_group: true or false");
			goto bad;
		}
		cp->pause_after_group = doc.tok[t].type == JSON_TRUE;
	}
	static const char *const win[] = {"window_from", "window_to"};
	for (int i = 0; i < 2; i++) {
		t = json_get(&doc, 0, win[i]);
		char hm[8];
		if (t >= 0 && (json_str(&doc, t, hm, sizeof hm) < 0 || hhmm(hm, i ? &cp->window_to : &cp->window_from) < 0)) {
			snprintf(why, sizeof why, "%s: \"HH:MM\" (UTC)", win[i]);
			goto bad;
		}
	}
	int arr = json_get(&doc, 0, "imeis");
	if (arr < 0 || doc.tok[arr].type != JSON_ARRAY) {
		snprintf(why, sizeof why, "imeis: an array of IMEIs (note §2.7.1)");
		goto bad;
	}
	size_t n = doc.tok[arr].size;
	imeis = calloc(n ? n : 1, sizeof *imeis);
	if (!imeis) {
		ret = send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (json_str(&doc, json_elem(&doc, arr, (unsigned)i), imeis[i], sizeof imeis[i]) < 0) {
			snprintf(why, sizeof why, "imeis[%zu]: a string of 15 digits", i);
			goto bad;
		}
	if (cp->test_size < 0)
		cp->test_size = n < CAMPAIGN_TEST_MAX ? (int64_t)n : CAMPAIGN_TEST_MAX;
	if (!strcmp(cp->transport, "coap") && !s->cfg.coap_download) {
		snprintf(why, sizeof why, "transport \"coap\": this server does not serve block-wise CoAP; use \"http\"");
		goto bad;
	}
	snprintf(cp->created_by, sizeof cp->created_by, "%s", who);
	int r = campaign_create(s->cfg.db, cp, imeis, n, now_s(), why, sizeof why);
	if (r == -1)
		goto bad;
	if (r < 0) {
		ret = send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "storage");
		goto out;
	}
	{
		bytes b = {0};
		camp_json(&b, cp);
		jw_raw(&b, "}\n");
		ret = send_json(c, MHD_HTTP_CREATED, &b);
	}
	goto out;
bad:
	ret = send_error(c, MHD_HTTP_UNPROCESSABLE_CONTENT, why);
out:
	free(tok);
	free(cp);
	free(imeis);
	return ret;
}

static enum MHD_Result campaign_action(rest_server *s, struct MHD_Connection *c, const route *rt, const char *who)
{
	char why[160] = "";
	int64_t now = now_s();
	int r;
	switch (rt->id) {
	case R_CAMPAIGN_APPROVE:
		r = campaign_approve(s->cfg.db, rt->num, who, now, why, sizeof why);
		break;
	case R_CAMPAIGN_ACCEPT:
		r = campaign_accept_test(s->cfg.db, rt->num, who, now, why, sizeof why);
		break;
	case R_CAMPAIGN_RESUME:
		r = campaign_resume(s->cfg.db, rt->num, now, why, sizeof why);
		break;
	case R_CAMPAIGN_PAUSE:
		r = campaign_pause(s->cfg.db, rt->num, now, why, sizeof why);
		break;
	default: {
		const char *force = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "force");
		r = campaign_cancel(s->cfg.db, s->cfg.io, rt->num, force && !strcmp(force, "1"), now, why, sizeof why);
		break;
	}
	}
	if (r == -2)
		return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "storage");
	if (r == -1)
		return send_error(c, strncmp(why, "no campaign", 11) ? MHD_HTTP_CONFLICT : MHD_HTTP_NOT_FOUND, why);
	if (s->cfg.changed)
		s->cfg.changed(s->cfg.changed_ctx);
	return get_campaign(s, c, rt->num, false);
}

/* ---- the web page ---- */

static enum MHD_Result send_web(struct MHD_Connection *c, const route *rt)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(rt->web->len, (void *)rt->web->data, MHD_RESPMEM_PERSISTENT);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", rt->web_type);
	MHD_add_response_header(r, "Cache-Control", "no-cache");
	/* the page's own files only: no inline script, no other site, no frame around the buttons */
	MHD_add_response_header(r, "Content-Security-Policy",
				"default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	enum MHD_Result ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

/* GET /api/v1/whoami: the token's role, so the page shows the buttons it may use */
static enum MHD_Result whoami(struct MHD_Connection *c, const char *role)
{
	bytes b = {0};
	bool f = true;
	jw_raw(&b, "{");
	jw_kv_str(&b, &f, "role", role);
	jw_raw(&b, "}\n");
	return send_json(c, MHD_HTTP_OK, &b);
}

static enum MHD_Result get_stats(rest_server *s, struct MHD_Connection *c)
{
	if (!s->cfg.lw)
		return send_error(c, MHD_HTTP_NOT_FOUND, "no LwM2M side here");
	lw_stats st;
	lw_get_stats(s->cfg.lw, &st);
	bytes b = {0};
	bool f = true;
	jw_raw(&b, "{");
	jw_kv_int(&b, &f, "sessions", st.sessions);
	jw_kv_int(&b, &f, "updates", (int64_t)st.updates);
	jw_kv_int(&b, &f, "updates_from_memory", (int64_t)st.from_memory);
	jw_kv_int(&b, &f, "updates_ahead_of_libcoap", (int64_t)st.ahead);
	jw_kv_int(&b, &f, "setups_queued", st.setups_queued);
	jw_kv_int(&b, &f, "devices_in_flight", st.in_flight);
	jw_raw(&b, "}\n");
	return send_json(c, MHD_HTTP_OK, &b);
}

/* ---- the access handler ---- */

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			       const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	(void)version;
	rest_server *s = cls;
	req *q = *con_cls;
	route rt;
	unsigned st = route_of(url, method, &rt);
	if (!q) {
		q = calloc(1, sizeof *q);
		if (!q)
			return MHD_NO;
		q->fd = -1;
		*con_cls = q;
		/* answer before reading a body when the request cannot succeed */
		if (st)
			return send_error(c, st, st == MHD_HTTP_NOT_FOUND ? "not found" : "method not allowed");
		if (rt.need) {
			unsigned a = authorize(s, c, rt.need, q->role, sizeof q->role);
			if (a)
				return send_error(c, a,
						  a == MHD_HTTP_UNAUTHORIZED ? "a valid token is needed (Authorization: Bearer TOKEN)"
						  : a == MHD_HTTP_FORBIDDEN  ? "this token's role may not do that"
									     : "storage");
		}
		if (rt.body_file) {
			snprintf(q->tmp, sizeof q->tmp, "%s/.upload.XXXXXX", s->cfg.store);
			q->fd = mkstemp(q->tmp);
			if (q->fd < 0) {
				q->tmp[0] = 0;
				return send_error(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot store an upload");
			}
			q->to_file = true;
		}
		q->started = true;
		return MHD_YES;
	}
	if (*upload_size) {
		if (q->to_file) {
			if (q->size + *upload_size > PKG_MAX_SIZE)
				q->too_big = true;
			else if (write(q->fd, upload, *upload_size) != (ssize_t)*upload_size)
				q->too_big = true;
			q->size += *upload_size;
		} else if (rt.body_json && q->body.len + *upload_size <= REST_JSON_MAX) {
			bytes_put(&q->body, upload, *upload_size);
		} else {
			q->too_big = true;
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (q->too_big && !q->to_file)
		return send_error(c, MHD_HTTP_CONTENT_TOO_LARGE, "the body is too large (1 MiB of JSON at most)");
	switch (rt.id) {
	case R_DEVICES:
		return get_devices(s, c);
	case R_DEVICE_PSK:
		return put_psk(s, c, &rt, q);
	case R_TOKENS:
		return post_token(s, c, q);
	case R_PACKAGES:
		return rt.body_file ? post_package(s, c, q) : get_packages(s, c);
	case R_PACKAGE:
		return get_package(s, c, rt.arg);
	case R_PKG_DOWNLOAD:
		return download(s, c, rt.arg);
	case R_CAMPAIGNS:
		return rt.body_json ? post_campaign(s, c, q, q->role) : get_campaigns(s, c);
	case R_CAMPAIGN:
		return get_campaign(s, c, rt.num, false);
	case R_CAMPAIGN_REPORT:
		return get_campaign(s, c, rt.num, true);
	case R_WEB:
		return send_web(c, &rt);
	case R_WHOAMI:
		return whoami(c, q->role);
	case R_STATS:
		return get_stats(s, c);
	default:
		return campaign_action(s, c, &rt, q->role);
	}
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)cls, (void)c, (void)toe;
	req *q = *con_cls;
	if (!q)
		return;
	if (q->fd >= 0)
		close(q->fd);
	if (q->tmp[0])
		unlink(q->tmp);
	free(q->verify);
	free(q->body.p);
	free(q);
	*con_cls = NULL;
}

rest_server *rest_start(const rest_config *cfg, char *err, size_t errlen)
{
	rest_server *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->cfg = *cfg;
	s->d = MHD_start_daemon(MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME, 0, NULL, NULL, handler, s, MHD_OPTION_SOCK_ADDR,
				(const struct sockaddr *)&cfg->addr, MHD_OPTION_NOTIFY_COMPLETED, completed, s,
				MHD_OPTION_CONNECTION_LIMIT, (unsigned)256, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
				(unsigned)64, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
				MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024), MHD_OPTION_END);
	if (!s->d) {
		snprintf(err, errlen, "cannot listen for HTTP there (address in use?)");
		free(s);
		return NULL;
	}
	return s;
}

void rest_stop(rest_server *s)
{
	if (!s)
		return;
	/* a suspended connection is resumed before the daemon stops */
	while (atomic_load(&s->verifying) > 0) {
		MHD_run(s->d);
		usleep(1000);
	}
	MHD_run(s->d);
	MHD_stop_daemon(s->d);
	free(s);
}

int rest_fd(rest_server *s)
{
	const union MHD_DaemonInfo *i = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_EPOLL_FD);
	return i ? i->epoll_fd : -1;
}

int rest_process(rest_server *s)
{
	MHD_run(s->d);
	MHD_UNSIGNED_LONG_LONG t;
	if (MHD_get_timeout(s->d, &t) == MHD_YES)
		return t > 1000 ? 1000 : (int)t;
	return 1000;
}

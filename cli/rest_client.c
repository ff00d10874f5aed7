/* sarafw's client of sarafw-server's REST API (rest_client.h). */
#include <curl/curl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rest_client.h"

bool rest_client_option(rest_client *r, int opt, const char *arg)
{
	if (opt == 's')
		r->server = arg;
	else if (opt == 't')
		r->token_file = arg;
	else
		return false;
	return true;
}

int rest_client_setup(rest_client *r)
{
	const char *env;
	if (!r->server && (env = getenv("SARAFW_SERVER")) && *env)
		r->server = env;
	if (!r->token_file && (env = getenv("SARAFW_TOKEN_FILE")) && *env)
		r->token_file = env;
	if (!r->server) {
		fprintf(stderr, "sarafw: %s: which server? give --server URL or set SARAFW_SERVER "
				"(sarafw-server's --http address, e.g. http://127.0.0.1:8080)\n", r->what);
		return EXIT_USAGE;
	}
	if (strncmp(r->server, "http://", 7) && strncmp(r->server, "https://", 8)) {
		fprintf(stderr, "sarafw: --server %s: give a URL that starts with http:// or https://\n", r->server);
		return EXIT_USAGE;
	}
	size_t n = strlen(r->server);
	while (n > 8 && r->server[n - 1] == '/')
		n--;
	if (n >= sizeof r->base) {
		fprintf(stderr, "sarafw: --server: a URL of at most %zu characters\n", sizeof r->base - 1);
		return EXIT_USAGE;
	}
	memcpy(r->base, r->server, n);
	r->base[n] = 0;
	if (!r->token_file) {
		fprintf(stderr, "sarafw: %s: no token: give --token-file F or set SARAFW_TOKEN_FILE "
				"(a file whose first line is a token; sarafw-server's --token-file holds the admin's)\n",
			r->what);
		return EXIT_USAGE;
	}
	FILE *f = fopen(r->token_file, "r");
	if (!f) {
		fprintf(stderr, "sarafw: cannot read token file %s: %s: give a file you can read\n", r->token_file,
			strerror(errno));
		return EXIT_USAGE;
	}
	if (!fgets(r->token, sizeof r->token, f))
		r->token[0] = 0;
	fclose(f);
	r->token[strcspn(r->token, "\r\n")] = 0;
	for (const char *p = r->token; *p; p++)
		if (*p <= ' ' || *p > '~') {
			r->token[0] = 0;
			break;
		}
	if (!r->token[0]) {
		fprintf(stderr, "sarafw: token file %s: its first line must be the token (printable, no spaces)\n",
			r->token_file);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

static size_t on_body(char *data, size_t size, size_t n, void *ctx)
{
	rest_client *r = ctx;
	bytes_put(&r->body, data, size * n);
	return r->body.oom ? 0 : size * n;
}

void rest_client_done(rest_client *r)
{
	free(r->body.p);
	free(r->tok);
	r->body = (bytes){0};
	r->tok = NULL;
	r->doc = (json_doc){0};
}

const char *rest_client_error(rest_client *r, char *buf, size_t cap)
{
	buf[0] = 0;
	if (r->tok && r->doc.n && r->tok[0].type == JSON_OBJECT)
		json_str(&r->doc, json_get(&r->doc, 0, "error"), buf, cap);
	return buf;
}

/* Parse the body as JSON when it is; a token per byte is the most any
 * document can have. */
static void parse(rest_client *r)
{
	size_t cap = r->body.len + 2;
	if (cap > 0xffffffffu || !(r->tok = calloc(cap, sizeof *r->tok)))
		return;
	if (json_parse(&r->doc, (const char *)r->body.p, r->body.len, r->tok, (unsigned)cap) < 0) {
		free(r->tok);
		r->tok = NULL;
		r->doc = (json_doc){0};
	}
}

static int answer_error(rest_client *r)
{
	char err[512];
	rest_client_error(r, err, sizeof err);
	switch (r->status) {
	case 401:
		fprintf(stderr, "sarafw: %s: the server does not know this token (401): check --token-file %s, "
				"or ask an admin for a token (POST /api/v1/tokens)\n", r->what, r->token_file);
		return EXIT_AUTH;
	case 403:
		fprintf(stderr, "sarafw: %s: this token's role may not do that (403): use a token of role %s\n",
			r->what, r->role ? r->role : "admin");
		return EXIT_AUTH;
	case 404:
		fprintf(stderr, "sarafw: %s: %s (404)%s\n", r->what, err[0] ? err : "not found",
			strstr(r->what, "campaign") ? ": see sarafw campaign list" : "");
		return EXIT_FAIL;
	case 409:
		fprintf(stderr, "sarafw: %s: %s (409): see sarafw campaign show for its state\n", r->what,
			err[0] ? err : "not in this state");
		return EXIT_FAIL;
	case 422: {
		/* a package that fails the checks of sarafw pkg verify: the note's Table 5 code and why */
		char why[256] = "";
		long long code = -1;
		int64_t v;
		if (r->tok && r->tok[0].type == JSON_OBJECT) {
			json_str(&r->doc, json_get(&r->doc, 0, "why"), why, sizeof why);
			if (json_int(&r->doc, json_get(&r->doc, 0, "code"), &v) == 0)
				code = (long long)v;
		}
		if (code >= 0)
			fprintf(stderr, "sarafw: %s: refused (422): %s (code %lld)%s%s: check it with sarafw pkg verify\n",
				r->what, err, code, why[0] ? ": " : "", why);
		else
			fprintf(stderr, "sarafw: %s: refused (422): %s: fix that and try again\n", r->what,
				err[0] ? err : "the server gave no reason");
		return EXIT_FAIL;
	}
	default:
		fprintf(stderr, "sarafw: %s: the server answered %ld%s%s\n", r->what, r->status, err[0] ? ": " : "",
			err);
		return EXIT_FAIL;
	}
}

int rest_client_call(rest_client *r, const char *method, const char *path, const char *body, size_t len,
		     FILE *upload)
{
	char url[1024], auth[300];
	rest_client_done(r);
	r->status = 0;
	snprintf(url, sizeof url, "%s%s", r->base, path);
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", r->token);
	CURL *h = curl_easy_init();
	if (!h) {
		fprintf(stderr, "sarafw: %s: libcurl did not start (out of memory?)\n", r->what);
		return EXIT_FAIL;
	}
	struct curl_slist *hdr = curl_slist_append(NULL, auth);
	char errbuf[CURL_ERROR_SIZE] = "";
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	if (upload) {
		hdr = curl_slist_append(hdr, "Content-Type: application/octet-stream");
		curl_easy_setopt(h, CURLOPT_POST, 1L);
		curl_easy_setopt(h, CURLOPT_READDATA, upload);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
		hdr = curl_slist_append(hdr, "Expect:"); /* send at once: the server answers 401 before reading */
	} else if (body) {
		hdr = curl_slist_append(hdr, "Content-Type: application/json");
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	} else if (!strcmp(method, "POST")) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, "");
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)0);
	}
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
	CURLcode cc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_cleanup(h);
	curl_slist_free_all(hdr);
	if (cc != CURLE_OK && !(r->status && upload && cc == CURLE_SEND_ERROR)) {
		switch (cc) {
		case CURLE_COULDNT_CONNECT:
			fprintf(stderr, "sarafw: %s: cannot connect to %s: is sarafw-server running there? "
					"start it, or give the right --server URL\n", r->what, r->base);
			return EXIT_NOSERVER;
		case CURLE_COULDNT_RESOLVE_HOST:
			fprintf(stderr, "sarafw: %s: %s: unknown host: check --server (or SARAFW_SERVER)\n", r->what,
				r->base);
			return EXIT_NOSERVER;
		case CURLE_OPERATION_TIMEDOUT:
			fprintf(stderr, "sarafw: %s: %s does not answer: check --server and that sarafw-server runs\n",
				r->what, r->base);
			return EXIT_NOSERVER;
		default:
			fprintf(stderr, "sarafw: %s: %s: %s: check --server and that sarafw-server runs there\n",
				r->what, r->base, errbuf[0] ? errbuf : curl_easy_strerror(cc));
			return EXIT_NOSERVER;
		}
	}
	parse(r);
	if (r->status < 200 || r->status > 299)
		return answer_error(r);
	return EXIT_OK;
}

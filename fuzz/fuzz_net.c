/* Fuzz target: the FTP/HTTP answer parsers and the trace's secret finder
 * (lib/net.c), then the download engines (lib/download_*.c). The input,
 * NUL-terminated in a heap copy of its exact size, goes to every parser;
 * a parse that succeeds must give fields in range, and a failed one a
 * zeroed result. Then byte 0 picks FTP (on R410M or R422S) or HTTP (R422S), the stored
 * record (none, this download's, another's) and when to abort; the rest
 * is the module's output, handed out as the host writes. The engine must
 * end within its bounds, with an error it documents, the guard clear
 * (HTTP's aborted download aside, note §4) and a record that decodes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sarafw/error.h"
#include "sarafw/net.h"
#include "sarafw/persist.h"
#include "sarafw/variant.h"

#include "fake_module.h"

static uint8_t stored_rec[SARAFW_PERSIST_SIZE];
static size_t stored_len;

static int save(void *ctx, const void *rec, size_t len)
{
	(void)ctx;
	CHECK(len == SARAFW_PERSIST_SIZE);
	memcpy(stored_rec, rec, len);
	stored_len = len;
	return SARAFW_OK;
}

static int load(void *ctx, void *rec, size_t len)
{
	(void)ctx;
	size_t n = stored_len < len ? stored_len : len;
	memcpy(rec, stored_rec, n);
	return (int)n;
}

static void engines(const uint8_t *data, size_t size)
{
	static const char *const variants[] = { "SARA-R410M-02B-03", "SARA-R422S" };
	fake f = { .data = data + 1, .size = size - 1 };
	sarafw_port port = { .ctx = &f, .write = f_write, .read = f_read, .now_ms = f_now,
			     .save_state = save, .load_state = load };
	char line[128];
	sarafw_dev_config dc = { .port = &port, .line_buf = line, .line_buf_size = sizeof line };
	sarafw_dev dev;
	sarafw_net_result res;
	sarafw_persist rec = { .state = SARAFW_PERSIST_DOWNLOADING };
	bool http = data[0] & 2;
	int rc;

	CHECK(sarafw_dev_init(&dev, &dc) == SARAFW_OK);
	dev.variant = sarafw_variant_by_name(variants[http ? 1 : data[0] & 1]); /* note Table 1 */
	f.abort_after = (data[0] >> 4) & 15;
	stored_len = 0;
	if (data[0] & 0x0c) {
		rec.method = http ? SARAFW_DL_HTTP : SARAFW_DL_FTP;
		rec.name_hash = sarafw_persist_hash((data[0] & 4) ? (http ? "/fw.bin" : "fw.bin") : "other");
		stored_len = (size_t)sarafw_persist_encode(&rec, stored_rec, sizeof stored_rec);
	}
	if (http) {
		sarafw_http_config c = { .server = "h", .path = "/fw.bin", .user = "u", .password = "p",
					 .md5 = "960d9502ed3d71505b681e8aa19f03c8", .max_ms = 100000,
					 .cancel = f_cancel, .cancel_ctx = &f };
		rc = sarafw_http_download(&dev, &c, &res);
	} else {
		sarafw_ftp_config c = { .server = "h", .port = 2121, .user = "u", .password = "p", .account = "a",
					.file = "fw.bin", .max_ms = 100000, .cancel = f_cancel, .cancel_ctx = &f };
		rc = sarafw_ftp_download(&dev, &c, &res);
	}
	CHECK(rc <= 0 && rc != SARAFW_EINVAL && rc != SARAFW_ENOTSUP);
	CHECK(dev.guard == SARAFW_DL_NONE || (http && rc == SARAFW_ECANCEL && dev.guard == SARAFW_DL_HTTP));
	if (stored_len)
		CHECK(sarafw_persist_decode(&rec, stored_rec, stored_len) == SARAFW_OK);
	/* every command and wait bounded: a replaced session's cancel, the
	 * profile, a resume, the login and its result, the start, the result
	 * (max_ms), the error answer, the cancel and its result */
	CHECK(f.clock < 60000u * 2u + 7u * 5000u + 40000u * 2u + 60000u * 2u + 100000u + 5000u + 60000u * 2u + 1000u);
	CHECK(f.steps < 200000u);
}

static void check_urc(int rc, const sarafw_net_urc *u)
{
	static const sarafw_net_urc zero;
	if (rc != SARAFW_OK) {
		CHECK(rc == SARAFW_EPROTO && !memcmp(u, &zero, sizeof zero));
		return;
	}
	CHECK(!(u->progress && u->ok));
	CHECK(!u->progress || u->stored <= u->total);
	CHECK(u->profile <= 3 && u->http_status <= 999);
	if (u->has_md5) {
		CHECK(strlen(u->md5) == SARAFW_NET_MD5_LEN);
		for (size_t i = 0; i < SARAFW_NET_MD5_LEN; i++)
			CHECK((u->md5[i] >= '0' && u->md5[i] <= '9') || (u->md5[i] >= 'a' && u->md5[i] <= 'f'));
	} else {
		CHECK(u->md5[0] == '\0');
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1);
	sarafw_net_urc u;
	sarafw_http_config hc;
	char host[16];
	int p, c, e, rc;
	size_t keep;

	CHECK(line);
	memcpy(line, data, size);
	line[size] = '\0';
	check_urc(sarafw_uuftpcr_parse(line, &u), &u);
	check_urc(sarafw_uuhttpcr_parse(line, &u), &u);
	rc = sarafw_uftper_parse(line, &c, &e);
	CHECK(rc == SARAFW_OK || rc == SARAFW_EPROTO);
	if (rc == SARAFW_OK)
		CHECK(c >= 0 && e >= 0 && sarafw_net_error_text(c, e));
	rc = sarafw_uhttper_parse(line, &p, &c, &e);
	CHECK(rc == SARAFW_OK || rc == SARAFW_EPROTO);
	if (rc == SARAFW_OK)
		CHECK(p >= 0 && p <= 3);
	memset(&hc, 0, sizeof hc);
	rc = sarafw_http_url(line, &hc, host, sizeof host);
	if (rc == SARAFW_OK)
		CHECK(hc.path >= line && hc.path < line + size && hc.path[0] == '/' && strlen(host) < sizeof host);
	else
		CHECK(rc == SARAFW_EINVAL);
	/* the raw bytes, not terminated: the secret finder takes a length */
	keep = sarafw_trace_secret_at((const char *)data, size);
	CHECK(keep <= size);
	free(line);
	if (size > 0)
		engines(data, size);
	return 0;
}

/* Fuzz target: the FTP/HTTP answer parsers and the trace's secret finder
 * (lib/net.c). The input, NUL-terminated in a heap copy of its exact
 * size, goes to every parser; a parse that succeeds must give fields in
 * range, and a failed one a zeroed result. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sarafw/error.h"
#include "sarafw/net.h"

#define CHECK(x) do { if (!(x)) abort(); } while (0)

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
	return 0;
}

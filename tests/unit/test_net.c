/* FTP and HTTP downloads (note §3, §4): the URC and error parsers with
 * bad input, the trace that hides passwords, and the flows against a
 * scripted fake module. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sarafw/dev.h"
#include "sarafw/error.h"
#include "sarafw/net.h"
#include "sarafw/variant.h"

#include "scripted_port.h"

typedef struct {
	fake f;
	sarafw_port port;
	sarafw_dev dev;
	char line[256];
	char trace[4096];
	size_t trace_len;
	uint32_t stored, total;
	int progress_calls;
} rig;

static void on_trace(void *ctx, char dir, const char *data, size_t len)
{
	rig *r = ctx;
	if (r->trace_len + len + 3 >= sizeof r->trace)
		return;
	r->trace[r->trace_len++] = dir;
	memcpy(r->trace + r->trace_len, data, len);
	r->trace_len += len;
	r->trace[r->trace_len++] = '\n';
	r->trace[r->trace_len] = '\0';
}

static void rig_up(rig *r, const step *script, size_t n, const char *variant)
{
	memset(r, 0, sizeof *r);
	r->f.script = script;
	r->f.n = n;
	r->f.chunk = 5;
	r->port = (sarafw_port){ .ctx = &r->f, .write = f_write, .read = f_read, .now_ms = f_now };
	sarafw_dev_config cfg = { .port = &r->port, .line_buf = r->line, .line_buf_size = sizeof r->line,
				  .trace = on_trace, .trace_ctx = r };
	assert_int_equal(sarafw_dev_init(&r->dev, &cfg), SARAFW_OK);
	r->dev.variant = sarafw_variant_by_name(variant);
	assert_non_null(r->dev.variant);
}

static void on_progress(void *ctx, uint32_t stored, uint32_t total)
{
	rig *r = ctx;
	r->progress_calls++;
	r->stored = stored;
	r->total = total;
}

/* ---- parsers -------------------------------------------------------------- */

static void test_uuftpcr_good(void **state)
{
	sarafw_net_urc u;
	(void)state;
	assert_int_equal(sarafw_uuftpcr_parse("+UUFTPCR: 100,1,\"960d9502ed3d71505b681e8aa19f03c8\"", &u), SARAFW_OK);
	assert_true(u.ok && u.has_md5 && !u.progress);
	assert_int_equal(u.op, 100);
	assert_string_equal(u.md5, "960d9502ed3d71505b681e8aa19f03c8");
	assert_int_equal(sarafw_uuftpcr_parse("+UUFTPCR: 100,202752 / 1103692", &u), SARAFW_OK);
	assert_true(u.progress);
	assert_int_equal(u.stored, 202752);
	assert_int_equal(u.total, 1103692);
	assert_int_equal(sarafw_uuftpcr_parse("+UUFTPCR: 100,0", &u), SARAFW_OK);
	assert_false(u.ok);
	assert_int_equal(sarafw_uuftpcr_parse("+UUFTPCR: 1,1", &u), SARAFW_OK);
	assert_true(u.ok);
	assert_int_equal(u.op, 1);
	/* upper-case hex comes out lower */
	assert_int_equal(sarafw_uuftpcr_parse("+UUFTPCR: 100,1,\"960D9502ED3D71505B681E8AA19F03C8\"", &u), SARAFW_OK);
	assert_string_equal(u.md5, "960d9502ed3d71505b681e8aa19f03c8");
}

static void test_uuftpcr_bad(void **state)
{
	static const char *const bad[] = {
		"", "+UUFTPCR:", "+UUFTPCR: ", "+UUFTPCR: 100", "+UUFTPCR: 100,", "+UUFTPCR: 100,2",
		"+UUFTPCR: ,1", "+UUFTPCR: 100,1,", "+UUFTPCR: 100,1,\"\"", "+UUFTPCR: 100,1,\"960d\"",
		"+UUFTPCR: 100,1,\"960d9502ed3d71505b681e8aa19f03cg\"",
		"+UUFTPCR: 100,1,\"960d9502ed3d71505b681e8aa19f03c8", "+UUFTPCR: 100,1,\"960d9502ed3d71505b681e8aa19f03c8a\"",
		"+UUFTPCR: 100,0,\"960d9502ed3d71505b681e8aa19f03c8\"", "+UUFTPCR: 1,1,\"960d9502ed3d71505b681e8aa19f03c8\"",
		"+UUFTPCR: 100,5 / 4", "+UUFTPCR: 100,5 /", "+UUFTPCR: 100,5 / x", "+UUFTPCR: 1,5 / 10",
		"+UUFTPCR: 100,99999999999 / 1", "+UUFTPCR: 100,1 x", "+UUFTPCR: -1,1", "+UUHTTPCR: 0,100,1",
		"UUFTPCR: 100,1", "+UUFTPCR: 100,1,2",
	};
	sarafw_net_urc u;
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(&u, 0x55, sizeof u);
		if (sarafw_uuftpcr_parse(bad[i], &u) != SARAFW_EPROTO)
			fail_msg("accepted: %s", bad[i]);
		assert_false(u.ok);
		assert_false(u.has_md5);
	}
	assert_int_equal(sarafw_uuftpcr_parse(NULL, &u), SARAFW_EPROTO);
}

static void test_uuhttpcr(void **state)
{
	static const char *const bad[] = {
		"+UUHTTPCR:", "+UUHTTPCR: 0", "+UUHTTPCR: 0,100", "+UUHTTPCR: 0,100,2", "+UUHTTPCR: 4,100,1",
		"+UUHTTPCR: 0,1,1,200", "+UUHTTPCR: 0,100,1,1000", "+UUHTTPCR: 0,100,1,200,", "+UUHTTPCR: 0,100,1,200,\"x\"",
		"+UUHTTPCR: 0,100,1,200,\"960d9502ed3d71505b681e8aa19f03c8\",", "+UUFTPCR: 100,1", "+UUHTTPCR: 0,100,1 ,", "+UUHTTPCR: 0,100,0,404,\"\"x", "+UUHTTPCR: 0,100,0,404,\"",
	};
	sarafw_net_urc u;
	(void)state;
	assert_int_equal(sarafw_uuhttpcr_parse("+UUHTTPCR: 0,100,1,200,\"960d9502ed3d71505b681e8aa19f03c8\"", &u),
			 SARAFW_OK);
	assert_true(u.ok && u.has_md5);
	assert_int_equal(u.http_status, 200);
	assert_int_equal(sarafw_uuhttpcr_parse("+UUHTTPCR: 2,100,0,404", &u), SARAFW_OK);
	assert_false(u.ok);
	assert_int_equal(u.profile, 2);
	assert_int_equal(u.http_status, 404);
	assert_int_equal(sarafw_uuhttpcr_parse("+UUHTTPCR: 0,100,0,404,\"\"", &u), SARAFW_OK);
	assert_false(u.ok || u.has_md5);
	assert_int_equal(u.http_status, 404);
	assert_int_equal(sarafw_uuhttpcr_parse("+UUHTTPCR: 0,1,1", &u), SARAFW_OK);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (sarafw_uuhttpcr_parse(bad[i], &u) != SARAFW_EPROTO)
			fail_msg("accepted: %s", bad[i]);
}

static void test_error_answers(void **state)
{
	static const char *const bad_ftp[] = { "+UFTPER:", "+UFTPER: 8", "+UFTPER: 8,", "+UFTPER: 8,40,1",
					       "+UFTPER: 8;40", "+UFTPER: 99999999,1", "+UHTTPER: 0,3,10" };
	static const char *const bad_http[] = { "+UHTTPER: 0,3", "+UHTTPER: 4,3,10", "+UHTTPER: 0,3,10,",
						"+UFTPER: 8,40", "+UHTTPER: a,3,10" };
	int p, c, e;
	(void)state;
	assert_int_equal(sarafw_uftper_parse("+UFTPER: 8,40", &c, &e), SARAFW_OK);
	assert_int_equal(c, 8);
	assert_int_equal(e, 40);
	assert_string_equal(sarafw_net_error_text(c, e), "the download session was cancelled (note §3.5)");
	assert_int_equal(sarafw_uhttper_parse("+UHTTPER: 0,10,22", &p, &c, &e), SARAFW_OK);
	assert_int_equal(p, 0);
	assert_string_equal(sarafw_net_error_text(c, e), "PDP context not active: no data connection");
	assert_string_equal(sarafw_net_error_text(1, 2), "unknown error");
	for (size_t i = 0; i < sizeof bad_ftp / sizeof bad_ftp[0]; i++)
		if (sarafw_uftper_parse(bad_ftp[i], &c, &e) != SARAFW_EPROTO)
			fail_msg("accepted: %s", bad_ftp[i]);
	for (size_t i = 0; i < sizeof bad_http / sizeof bad_http[0]; i++)
		if (sarafw_uhttper_parse(bad_http[i], &p, &c, &e) != SARAFW_EPROTO)
			fail_msg("accepted: %s", bad_http[i]);
}

static void test_secret_at(void **state)
{
	static const struct {
		const char *line;
		size_t keep;
	} cases[] = {
		{ "AT+UFTP=3,\"pw\"", 10 },     { "AT+UHTTP=0,3,\"pw\"", 13 }, { "AT+UHTTP=12,3,\"p\"", 14 },
		{ "AT+UFTP=2,\"user\"", 16 },  { "AT+UHTTP=0,2,\"u\"", 16 },  { "AT+UHTTP=,3,\"pw\"", 16 },
		{ "AT+UHTTP=0,31,\"x\"", 17 }, { "AT+UFTP=3,", 10 },           { "ATI", 3 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_equal(sarafw_trace_secret_at(cases[i].line, strlen(cases[i].line)), cases[i].keep);
}

static void test_http_url(void **state)
{
	static const char *const bad[] = { "ftp://h/x", "http://", "http:///x", "http://h", "http://h/",
					   "http://h:0/x", "http://h:70000/x", "http://h:/x", "http://u@h/x",
					   "http://h/a\"b", "http://h:80x/y" };
	sarafw_http_config c = { 0 };
	char host[64];
	(void)state;
	assert_int_equal(sarafw_http_url("http://127.0.0.1:8080/fw/pkg.bin", &c, host, sizeof host), SARAFW_OK);
	assert_string_equal(c.server, "127.0.0.1");
	assert_int_equal(c.port, 8080);
	assert_string_equal(c.path, "/fw/pkg.bin");
	assert_false(c.secure);
	assert_int_equal(sarafw_http_url("https://fw.example.com/a", &c, host, sizeof host), SARAFW_OK);
	assert_true(c.secure);
	assert_int_equal(c.port, 0);
	assert_int_equal(sarafw_http_url("http://averylonghostname/a", &c, host, 8), SARAFW_EINVAL);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (sarafw_http_url(bad[i], &c, host, sizeof host) != SARAFW_EINVAL)
			fail_msg("accepted: %s", bad[i]);
}

/* ---- flows ---------------------------------------------------------------- */

#define MD5 "960d9502ed3d71505b681e8aa19f03c8"

/* note §3.4, SARA-R410M: progress URCs, then the result without MD5;
 * the module echoes (ATE1), so the password comes back too. */
static const step ftp_r410[] = {
	{ "AT+UFTP=1,\"ftp.firmware.com\"", "AT+UFTP=1,\"ftp.firmware.com\"\r\r\nOK\r\n" },
	{ "AT+UFTP=2,\"username\"", "AT+UFTP=2,\"username\"\r\r\nOK\r\n" },
	{ "AT+UFTP=3,\"s3cret\"", "AT+UFTP=3,\"s3cret\"\r\r\nOK\r\n" },
	{ "AT+UFTP=4,\"FOTA-account\"", "\r\nOK\r\n" },
	{ "AT+UFTP=6,1", "\r\nOK\r\n" },
	{ "AT+UFTPC=1", "\r\n+UUFTPCR: 1,1\r\n\r\nOK\r\n" },
	{ "AT+UFTPC=100,\"R410_L0.0.02_M.bin\"",
	  "\r\nOK\r\n\r\n+UUFTPCR: 100,2048 / 1103692\r\n\r\n+UUFTPCR: 100,102400 / 1103692\r\n"
	  "\r\n+UUFTPCR: 100,1009664 / 1103692\r\n\r\n+UUFTPCR: 100,1\r\n" },
};

static void test_ftp_r410_progress_and_hidden_password(void **state)
{
	rig r;
	sarafw_net_result res;
	(void)state;
	rig_up(&r, ftp_r410, 7, "SARA-R410M-02B-03");
	sarafw_ftp_config c = { .server = "ftp.firmware.com", .user = "username", .password = "s3cret",
				.account = "FOTA-account", .file = "R410_L0.0.02_M.bin",
				.progress = on_progress, .progress_ctx = &r };
	assert_int_equal(sarafw_ftp_download(&r.dev, &c, &res), SARAFW_OK);
	assert_int_equal(r.f.next, 7);
	assert_int_equal(r.progress_calls, 3);
	assert_int_equal(r.stored, 1009664);
	assert_int_equal(r.total, 1103692);
	assert_string_equal(res.md5, "");
	assert_null(strstr(r.trace, "s3cret"));
	assert_non_null(strstr(r.trace, ">AT+UFTP=3,\"***\"\n"));
	assert_non_null(strstr(r.trace, "<AT+UFTP=3,\"***\"\n")); /* the echo */
	assert_non_null(strstr(r.trace, ">AT+UFTP=2,\"username\"\n"));
}

/* R422S: the login result after OK, the MD5 in the result; port set. */
static const step ftp_r422[] = {
	{ "AT+UFTP=1,\"127.0.0.1\"", "\r\nOK\r\n" },
	{ "AT+UFTP=7,2121", "\r\nOK\r\n" },
	{ "AT+UFTP=2,\"u\"", "\r\nOK\r\n" },
	{ "AT+UFTP=3,\"p\"", "\r\nOK\r\n" },
	{ "AT+UFTP=6,1", "\r\nOK\r\n" },
	{ "AT+UFTPC=1", "\r\nOK\r\n\r\n+UUFTPCR: 1,1\r\n" },
	{ "AT+UFTPC=100,\"pkg\",1", "\r\nOK\r\n\r\n+UUFTPCR: 100,1,\"" MD5 "\"\r\n" },
};

static void test_ftp_r422_md5(void **state)
{
	rig r;
	sarafw_net_result res;
	(void)state;
	sarafw_ftp_config c = { .server = "127.0.0.1", .port = 2121, .user = "u", .password = "p", .file = "pkg",
				.resume = true, .md5 = "960D9502ED3D71505B681E8AA19F03C8" };
	rig_up(&r, ftp_r422, 7, "SARA-R422S");
	assert_int_equal(sarafw_ftp_download(&r.dev, &c, &res), SARAFW_OK);
	assert_string_equal(res.md5, MD5);
	/* another MD5: the download is not trusted */
	c.md5 = "00000000000000000000000000000000";
	rig_up(&r, ftp_r422, 7, "SARA-R422S");
	assert_int_equal(sarafw_ftp_download(&r.dev, &c, &res), SARAFW_EPROTO);
	assert_string_equal(res.md5, MD5);
}

static const step ftp_fail[] = {
	{ "AT+UFTP=1,\"h\"", "\r\nOK\r\n" },
	{ "AT+UFTP=2,\"u\"", "\r\nOK\r\n" },
	{ "AT+UFTP=3,\"p\"", "\r\nOK\r\n" },
	{ "AT+UFTP=6,1", "\r\nOK\r\n" },
	{ "AT+UFTPC=1", "\r\n+UUFTPCR: 1,1\r\n\r\nOK\r\n" },
	{ "AT+UFTPC=100,\"pkg\"", "\r\nOK\r\n\r\n+UUFTPCR: 100,0\r\n" },
	{ "AT+UFTPER", "\r\n+UFTPER: 8,40\r\n\r\nOK\r\n" },
};

static const step ftp_login_fail[] = {
	{ "AT+UFTP=1,\"h\"", "\r\nOK\r\n" },
	{ "AT+UFTP=2,\"u\"", "\r\nOK\r\n" },
	{ "AT+UFTP=3,\"p\"", "\r\nOK\r\n" },
	{ "AT+UFTP=6,1", "\r\nOK\r\n" },
	{ "AT+UFTPC=1", "\r\nOK\r\n\r\n+UUFTPCR: 1,0\r\n" },
	{ "AT+UFTPER", "\r\n+UFTPER: 0,530\r\n\r\nOK\r\n" },
};

static void test_ftp_failures_read_uftper(void **state)
{
	rig r;
	sarafw_net_result res;
	sarafw_ftp_config c = { .server = "h", .user = "u", .password = "p", .file = "pkg" };
	(void)state;
	rig_up(&r, ftp_fail, 7, "SARA-R410M-02B-03");
	assert_int_equal(sarafw_ftp_download(&r.dev, &c, &res), SARAFW_EERROR);
	assert_int_equal(res.err_class, 8);
	assert_int_equal(res.err_code, 40);
	rig_up(&r, ftp_login_fail, 6, "SARA-R410M-02B-03");
	assert_int_equal(sarafw_ftp_download(&r.dev, &c, &res), SARAFW_EERROR);
	assert_int_equal(r.f.next, 6); /* no AT+UFTPC=100 after a failed login */
	assert_int_equal(res.err_code, 530);
	/* the result never comes: bounded */
	static const step silent[] = {
		{ "AT+UFTP=1,\"h\"", "\r\nOK\r\n" }, { "AT+UFTP=2,\"u\"", "\r\nOK\r\n" },
		{ "AT+UFTP=3,\"p\"", "\r\nOK\r\n" }, { "AT+UFTP=6,1", "\r\nOK\r\n" },
		{ "AT+UFTPC=1", "\r\n+UUFTPCR: 1,1\r\n\r\nOK\r\n" }, { "AT+UFTPC=100,\"pkg\"", "\r\nOK\r\n" },
	};
	rig_up(&r, silent, 6, "SARA-R410M-02B-03");
	c.max_ms = 60000;
	assert_int_equal(sarafw_ftp_download(&r.dev, &c, &res), SARAFW_ETIMEOUT);
	assert_true(r.f.clock >= 60000 && r.f.clock < 70000);
}

static void test_ftp_refused_locally(void **state)
{
	rig r;
	sarafw_net_result res;
	sarafw_ftp_config c = { .server = "h", .user = "u", .password = "p", .file = "pkg" };
	(void)state;
	/* Table 1: no FTP on SARA-R422 */
	rig_up(&r, NULL, 0, "SARA-R422");
	assert_int_equal(sarafw_ftp_download(&r.dev, &c, &res), SARAFW_ENOTSUP);
	assert_int_equal(r.f.writes, 0);
	c.md5 = "abc";
	rig_up(&r, NULL, 0, "SARA-R410M-02B-03");
	assert_int_equal(sarafw_ftp_download(&r.dev, &c, &res), SARAFW_EINVAL);
	c.md5 = NULL;
	c.file = "";
	assert_int_equal(sarafw_ftp_download(&r.dev, &c, &res), SARAFW_EINVAL);
	assert_int_equal(r.f.writes, 0);
}

/* note §3.2: after a cancel, wait for +UUFTPCR: 100,0; a progress URC
 * still on its way does not end the wait. */
static const step ftp_cancel[] = {
	{ "AT+UFTPC=100,\"pkg\",0", "\r\nOK\r\n\r\n+UUFTPCR: 100,4096 / 8192\r\n\r\n+UUFTPCR: 100,0\r\n" },
};

static void test_ftp_cancel_waits_for_result(void **state)
{
	rig r;
	(void)state;
	rig_up(&r, ftp_cancel, 1, "SARA-R410M-02B-03");
	assert_int_equal(sarafw_ftp_cancel(&r.dev, "pkg", 0), SARAFW_OK);
	static const step silent[] = { { "AT+UFTPC=100,\"pkg\",0", "\r\nOK\r\n" } };
	rig_up(&r, silent, 1, "SARA-R410M-02B-03");
	assert_int_equal(sarafw_ftp_cancel(&r.dev, "pkg", 1000), SARAFW_ETIMEOUT);
}

static const step http_ok[] = {
	{ "AT+UHTTP=1", "\r\nOK\r\n" },
	{ "AT+UHTTP=1,1,\"127.0.0.1\"", "\r\nOK\r\n" },
	{ "AT+UHTTP=1,5,8080", "\r\nOK\r\n" },
	{ "AT+UHTTP=1,2,\"u\"", "\r\nOK\r\n" },
	{ "AT+UHTTP=1,3,\"hunter2\"", "AT+UHTTP=1,3,\"hunter2\"\r\r\nOK\r\n" },
	{ "AT+UHTTP=1,4,1", "\r\nOK\r\n" },
	{ "AT+UHTTPC=1,100,\"/fw/pkg.bin\"",
	  "\r\nOK\r\n\r\n+UUHTTPCR: 0,1,1\r\n\r\n+UUHTTPCR: 1,100,1,200,\"" MD5 "\"\r\n" },
};

static const step http_fail[] = {
	{ "AT+UHTTP=0", "\r\nOK\r\n" },
	{ "AT+UHTTP=0,1,\"h\"", "\r\nOK\r\n" },
	{ "AT+UHTTPC=0,100,\"/x\"", "\r\nOK\r\n\r\n+UUHTTPCR: 0,100,0,404\r\n" },
	{ "AT+UHTTPER=0", "\r\n+UHTTPER: 0,3,11\r\n\r\nOK\r\n" },
};

static void test_http(void **state)
{
	rig r;
	sarafw_net_result res;
	char host[64];
	sarafw_http_config c = { .profile = 1, .user = "u", .password = "hunter2", .md5 = MD5 };
	(void)state;
	assert_int_equal(sarafw_http_url("http://127.0.0.1:8080/fw/pkg.bin", &c, host, sizeof host), SARAFW_OK);
	rig_up(&r, http_ok, 7, "SARA-R422S");
	assert_int_equal(sarafw_http_download(&r.dev, &c, &res), SARAFW_OK);
	assert_int_equal(res.http_status, 200);
	assert_string_equal(res.md5, MD5);
	assert_null(strstr(r.trace, "hunter2"));
	assert_non_null(strstr(r.trace, ">AT+UHTTP=1,3,\"***\"\n"));

	sarafw_http_config f = { .server = "h", .path = "/x" };
	rig_up(&r, http_fail, 4, "SARA-R422S");
	assert_int_equal(sarafw_http_download(&r.dev, &f, &res), SARAFW_EERROR);
	assert_int_equal(res.http_status, 404);
	assert_int_equal(res.err_class, 3);
	assert_int_equal(res.err_code, 11);
	/* Table 1: no HTTP on SARA-R410M */
	rig_up(&r, NULL, 0, "SARA-R410M-02B-03");
	assert_int_equal(sarafw_http_download(&r.dev, &f, &res), SARAFW_ENOTSUP);
	assert_int_equal(r.f.writes, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uuftpcr_good),
		cmocka_unit_test(test_uuftpcr_bad),
		cmocka_unit_test(test_uuhttpcr),
		cmocka_unit_test(test_error_answers),
		cmocka_unit_test(test_secret_at),
		cmocka_unit_test(test_http_url),
		cmocka_unit_test(test_ftp_r410_progress_and_hidden_password),
		cmocka_unit_test(test_ftp_r422_md5),
		cmocka_unit_test(test_ftp_failures_read_uftper),
		cmocka_unit_test(test_ftp_refused_locally),
		cmocka_unit_test(test_ftp_cancel_waits_for_result),
		cmocka_unit_test(test_http),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

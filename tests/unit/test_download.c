/* The FTP and HTTP download engines (lib/download_ftp.c,
 * lib/download_http.c) against a scripted module with a stored record:
 * every URC form, errors, an abort at each step, resume from the record,
 * MD5 mismatch, timeouts. */
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
#include "sarafw/persist.h"
#include "sarafw/timeouts.h"
#include "sarafw/variant.h"

#include "scripted_port.h"

#define MD5 "960d9502ed3d71505b681e8aa19f03c8"

typedef struct {
	fake f;
	sarafw_port port;
	sarafw_dev dev;
	char line[256];
	uint8_t rec[SARAFW_PERSIST_SIZE];
	size_t rec_len;
	int saves;
	int progress_calls;
	uint8_t guard_seen; /* dev.guard during the progress callback */
} rig;

static int r_save(void *ctx, const void *rec, size_t len)
{
	rig *r = ctx;
	memcpy(r->rec, rec, len);
	r->rec_len = len;
	r->saves++;
	return SARAFW_OK;
}

static int r_load(void *ctx, void *rec, size_t len)
{
	rig *r = ctx;
	size_t n = r->rec_len < len ? r->rec_len : len;
	memcpy(rec, r->rec, n);
	return (int)n;
}

/* the fake's callbacks take the fake; the record ones the rig */
static int w_write(void *ctx, const uint8_t *b, size_t n) { return f_write(&((rig *)ctx)->f, b, n); }
static int w_read(void *ctx, uint8_t *b, size_t n, uint32_t t) { return f_read(&((rig *)ctx)->f, b, n, t); }
static uint32_t w_now(void *ctx) { return f_now(&((rig *)ctx)->f); }

static void rig_up(rig *r, const step *script, size_t n, const char *variant)
{
	memset(r, 0, sizeof *r);
	r->f.script = script;
	r->f.n = n;
	r->f.chunk = 7;
	r->port = (sarafw_port){ .ctx = r, .write = w_write, .read = w_read, .now_ms = w_now,
				 .save_state = r_save, .load_state = r_load };
	sarafw_dev_config cfg = { .port = &r->port, .line_buf = r->line, .line_buf_size = sizeof r->line };
	assert_int_equal(sarafw_dev_init(&r->dev, &cfg), SARAFW_OK);
	r->dev.variant = sarafw_variant_by_name(variant);
	assert_non_null(r->dev.variant);
}

static void set_record(rig *r, uint8_t method, const char *name, uint32_t stored, uint32_t total)
{
	sarafw_persist p = { .state = SARAFW_PERSIST_DOWNLOADING, .method = method, .stored = stored, .total = total,
			     .name_hash = sarafw_persist_hash(name) };
	assert_int_equal(sarafw_persist_encode(&p, r->rec, sizeof r->rec), SARAFW_PERSIST_SIZE);
	r->rec_len = SARAFW_PERSIST_SIZE;
}

static sarafw_persist record(const rig *r)
{
	sarafw_persist p;
	assert_int_equal(sarafw_persist_decode(&p, r->rec, r->rec_len), SARAFW_OK);
	return p;
}

static void on_progress(void *ctx, uint32_t stored, uint32_t total)
{
	rig *r = ctx;
	(void)stored, (void)total;
	r->progress_calls++;
	r->guard_seen = r->dev.guard;
}

#define PROFILE_R410                                                                                              \
	{ "AT+UFTP=1,\"h\"", "\r\nOK\r\n" }, { "AT+UFTP=2,\"u\"", "\r\nOK\r\n" },                               \
		{ "AT+UFTP=3,\"p\"", "\r\nOK\r\n" }, { "AT+UFTP=6,1", "\r\nOK\r\n" }

static sarafw_ftp_config ftp_cfg(rig *r)
{
	return (sarafw_ftp_config){ .server = "h", .user = "u", .password = "p", .file = "pkg", .since = 99,
				    .progress = on_progress, .progress_ctx = r };
}

/* ---- FTP ------------------------------------------------------------------- */

/* A new session on SARA-R410M: the record at start, every 5 % of the
 * status URCs (not each one), STORED at the end; the guard while it runs. */
static void test_ftp_new_records_progress(void **state)
{
	(void)state;
	static char reply[1400];
	size_t n = (size_t)snprintf(reply, sizeof reply, "\r\nOK\r\n");
	for (unsigned i = 1; i <= 40; i++) /* 2.5 % steps: a record every second one */
		n += (size_t)snprintf(reply + n, sizeof reply - n, "\r\n+UUFTPCR: 100,%u / 100000\r\n", i * 2500u);
	snprintf(reply + n, sizeof reply - n, "\r\n+UUFTPCR: 100,1\r\n");
	const step script[] = { PROFILE_R410, { "AT+UFTPC=1", "\r\n+UUFTPCR: 1,1\r\n\r\nOK\r\n" },
				{ "AT+UFTPC=100,\"pkg\"", reply } };
	rig r;
	sarafw_net_result res;
	rig_up(&r, script, 6, "SARA-R410M-02B-03");
	sarafw_ftp_config c = ftp_cfg(&r);
	assert_int_equal(sarafw_ftp_download(&r.dev, &c, &res), SARAFW_OK);
	assert_int_equal(r.f.next, 6);
	assert_int_equal(res.how, SARAFW_NET_NEW);
	assert_false(res.replaced);
	assert_int_equal(r.progress_calls, 40);
	assert_int_equal(r.guard_seen, SARAFW_DL_FTP);
	assert_int_equal(r.dev.guard, SARAFW_DL_NONE);
	/* 1 at start + 20 at 5 % steps + STORED */
	assert_int_equal(r.saves, 22);
	sarafw_persist p = record(&r);
	assert_int_equal(p.state, SARAFW_PERSIST_STORED);
	assert_int_equal(p.method, SARAFW_DL_FTP);
	assert_int_equal(p.name_hash, sarafw_persist_hash("pkg"));
	assert_int_equal(p.stored, 100000);
	assert_int_equal(p.total, 100000);
	assert_int_equal(p.since, 99);
	assert_int_equal(res.stored, 100000);
}

/* A record of this file: resume at once (note §3.2), no login needed
 * when the module still holds it. */
static void test_ftp_resume_from_record(void **state)
{
	(void)state;
	const step script[] = { PROFILE_R410,
				{ "AT+UFTPC=100,\"pkg\",1",
				  "\r\nOK\r\n\r\n+UUFTPCR: 100,40960 / 81920\r\n\r\n+UUFTPCR: 100,1\r\n" } };
	rig r;
	sarafw_net_result res;
	rig_up(&r, script, 5, "SARA-R410M-02B-03");
	set_record(&r, SARAFW_DL_FTP, "pkg", 49152, 81920);
	sarafw_ftp_config c = ftp_cfg(&r);
	assert_int_equal(sarafw_ftp_download(&r.dev, &c, &res), SARAFW_OK);
	assert_int_equal(r.f.next, 5);
	assert_int_equal(res.how, SARAFW_NET_RESUMED);
	/* note §3.2: the resume point may be below the last status seen */
	assert_int_equal(res.stored, 40960);
	assert_int_equal(record(&r).state, SARAFW_PERSIST_STORED);
}

/* The resume refused on R410M: the login tells why. Refused too: the
 * module's download still runs, followed; accepted: resume after it. */
static void test_ftp_resume_refused(void **state)
{
	(void)state;
	const step running[] = { PROFILE_R410, { "AT+UFTPC=100,\"pkg\",1", "\r\n+CME ERROR: operation not allowed\r\n" },
				 { "AT+UFTPC=1", "\r\n+CME ERROR: FOTA memory is in use\r\n\r\n+UUFTPCR: 100,81920 / 81920\r\n"
						 "\r\n+UUFTPCR: 100,1\r\n" } };
	rig r;
	sarafw_net_result res;
	rig_up(&r, running, 6, "SARA-R410M-02B-03");
	set_record(&r, SARAFW_DL_FTP, "pkg", 100, 81920);
	sarafw_ftp_config c = ftp_cfg(&r);
	assert_int_equal(sarafw_ftp_download(&r.dev, &c, &res), SARAFW_OK);
	assert_int_equal(res.how, SARAFW_NET_FOLLOWED);
	assert_int_equal(r.f.next, 6);

	const step lost_login[] = { PROFILE_R410, { "AT+UFTPC=100,\"pkg\",1", "\r\nERROR\r\n" },
				    { "AT+UFTPC=1", "\r\nOK\r\n\r\n+UUFTPCR: 1,1\r\n" },
				    { "AT+UFTPC=100,\"pkg\",1", "\r\nOK\r\n\r\n+UUFTPCR: 100,1\r\n" } };
	rig_up(&r, lost_login, 7, "SARA-R410M-02B-03");
	set_record(&r, SARAFW_DL_FTP, "pkg", 100, 81920);
	assert_int_equal(sarafw_ftp_download(&r.dev, &c, &res), SARAFW_OK);
	assert_int_equal(res.how, SARAFW_NET_RESUMED);
	assert_int_equal(r.f.next, 7);

	/* R422S: no login (it would spoil a running download, note §7) */
	const step r422[] = { PROFILE_R410, { "AT+UFTPC=100,\"pkg\",1", "\r\nERROR\r\n\r\n+UUFTPCR: 100,1,\"" MD5 "\"\r\n" } };
	rig_up(&r, r422, 5, "SARA-R422S");
	set_record(&r, SARAFW_DL_FTP, "pkg", 0, 0);
	assert_int_equal(sarafw_ftp_download(&r.dev, &c, &res), SARAFW_OK);
	assert_int_equal(res.how, SARAFW_NET_FOLLOWED);
	assert_string_equal(res.md5, MD5);
	assert_int_equal(r.f.next, 5);
}

/* A record of another file: that session is cancelled first. */
static void test_ftp_record_of_another_file(void **state)
{
	(void)state;
	const step script[] = { { "AT+UFTPC=100,\"pkg\",0", "\r\nOK\r\n\r\n+UUFTPCR: 100,0\r\n" },
				PROFILE_R410,
				{ "AT+UFTPC=1", "\r\n+UUFTPCR: 1,1\r\n\r\nOK\r\n" },
				{ "AT+UFTPC=100,\"pkg\"", "\r\nOK\r\n\r\n+UUFTPCR: 100,1\r\n" } };
	rig r;
	sarafw_net_result res;
	rig_up(&r, script, 7, "SARA-R410M-02B-03");
	set_record(&r, SARAFW_DL_FTP, "old.bin", 5, 10);
	sarafw_ftp_config c = ftp_cfg(&r);
	assert_int_equal(sarafw_ftp_download(&r.dev, &c, &res), SARAFW_OK);
	assert_true(res.replaced);
	assert_int_equal(res.how, SARAFW_NET_NEW);
	assert_int_equal(r.f.next, 7);
	/* refused (nothing ran): goes on all the same */
	const step refused[] = { { "AT+UFTPC=100,\"pkg\",0", "\r\nERROR\r\n" },
				 PROFILE_R410,
				 { "AT+UFTPC=1", "\r\n+UUFTPCR: 1,1\r\n\r\nOK\r\n" },
				 { "AT+UFTPC=100,\"pkg\"", "\r\nOK\r\n\r\n+UUFTPCR: 100,1\r\n" } };
	rig_up(&r, refused, 7, "SARA-R410M-02B-03");
	set_record(&r, SARAFW_DL_FTP, "old.bin", 5, 10);
	assert_int_equal(sarafw_ftp_download(&r.dev, &c, &res), SARAFW_OK);
	assert_true(res.replaced);
	/* a record of another method is not this one's business */
	const step plain[] = { PROFILE_R410, { "AT+UFTPC=1", "\r\n+UUFTPCR: 1,1\r\n\r\nOK\r\n" },
			       { "AT+UFTPC=100,\"pkg\"", "\r\nOK\r\n\r\n+UUFTPCR: 100,1\r\n" } };
	rig_up(&r, plain, 6, "SARA-R410M-02B-03");
	set_record(&r, SARAFW_DL_HTTP, "pkg", 0, 0);
	assert_int_equal(sarafw_ftp_download(&r.dev, &c, &res), SARAFW_OK);
	assert_false(res.replaced);
	assert_int_equal(res.how, SARAFW_NET_NEW);
}

/* A login refused (still logged in from an earlier session): out, then
 * in again, once. */
static void test_ftp_relogin(void **state)
{
	(void)state;
	const step script[] = { PROFILE_R410, { "AT+UFTPC=1", "\r\n+CME ERROR: 3\r\n" },
				{ "AT+UFTPC=0", "\r\nOK\r\n\r\n+UUFTPCR: 0,1\r\n" },
				{ "AT+UFTPC=1", "\r\nOK\r\n\r\n+UUFTPCR: 1,1\r\n" },
				{ "AT+UFTPC=100,\"pkg\"", "\r\nOK\r\n\r\n+UUFTPCR: 100,1\r\n" } };
	rig r;
	sarafw_net_result res;
	rig_up(&r, script, 8, "SARA-R410M-02B-03");
	sarafw_ftp_config c = ftp_cfg(&r);
	assert_int_equal(sarafw_ftp_download(&r.dev, &c, &res), SARAFW_OK);
	assert_int_equal(r.f.next, 8);
	/* refused again: no loop */
	const step twice[] = { PROFILE_R410, { "AT+UFTPC=1", "\r\nERROR\r\n" },
			       { "AT+UFTPC=0", "\r\nOK\r\n\r\n+UUFTPCR: 0,0\r\n" },
			       { "AT+UFTPC=1", "\r\nERROR\r\n" } };
	rig_up(&r, twice, 7, "SARA-R410M-02B-03");
	assert_int_equal(sarafw_ftp_download(&r.dev, &c, &res), SARAFW_EERROR);
	assert_int_equal(r.f.next, 7);
	assert_int_equal(r.saves, 0);
}

/* Lines that are not this download's result change nothing. */
static void test_ftp_urc_forms(void **state)
{
	(void)state;
	const step script[] = {
		PROFILE_R410,
		{ "AT+UFTPC=1", "\r\nOK\r\n\r\n+UUFTPCR: 0,1\r\n\r\n+UUFTPCR: 1,1\r\n" },
		{ "AT+UFTPC=100,\"pkg\"",
		  "\r\nOK\r\n\r\n+UUFTPCR: 100,x\r\n\r\n+UUFTPCR: 4,0\r\n\r\n+UUFTPCR: 100,7 / 3\r\n\r\n+UUHTTPCR: 0,100,0\r\n"
		  "\r\n+UUFTPCR: 100,3 / 9\r\n\r\n+UUFTPCR: 100,1,\"" MD5 "\"\r\n" },
	};
	rig r;
	sarafw_net_result res;
	rig_up(&r, script, 6, "SARA-R410M-02B-03");
	sarafw_ftp_config c = ftp_cfg(&r);
	c.md5 = MD5;
	assert_int_equal(sarafw_ftp_download(&r.dev, &c, &res), SARAFW_OK);
	assert_int_equal(r.progress_calls, 1);
	assert_int_equal(res.stored, 3);
	assert_int_equal(res.total, 9);
	assert_string_equal(res.md5, MD5);
}

static void test_ftp_md5_mismatch_clears_record(void **state)
{
	(void)state;
	const step script[] = { PROFILE_R410, { "AT+UFTPC=1", "\r\n+UUFTPCR: 1,1\r\n\r\nOK\r\n" },
				{ "AT+UFTPC=100,\"pkg\"", "\r\nOK\r\n\r\n+UUFTPCR: 100,1,\"" MD5 "\"\r\n" } };
	rig r;
	sarafw_net_result res;
	rig_up(&r, script, 6, "SARA-R422S");
	sarafw_ftp_config c = ftp_cfg(&r);
	c.md5 = "0123456789abcdef0123456789ABCDEF";
	assert_int_equal(sarafw_ftp_download(&r.dev, &c, &res), SARAFW_EPROTO);
	assert_string_equal(res.md5, MD5);
	assert_int_equal(record(&r).state, SARAFW_PERSIST_IDLE);
}

/* Result 0: the reason from AT+UFTPER; the record stays for a resume. */
static void test_ftp_failure_keeps_record(void **state)
{
	(void)state;
	const step script[] = { PROFILE_R410, { "AT+UFTPC=1", "\r\n+UUFTPCR: 1,1\r\n\r\nOK\r\n" },
				{ "AT+UFTPC=100,\"pkg\"", "\r\nOK\r\n\r\n+UUFTPCR: 100,4096 / 8192\r\n\r\n+UUFTPCR: 100,0\r\n" },
				{ "AT+UFTPER", "\r\n+UFTPER: 8,6\r\n\r\nOK\r\n" } };
	rig r;
	sarafw_net_result res;
	rig_up(&r, script, 7, "SARA-R410M-02B-03");
	sarafw_ftp_config c = ftp_cfg(&r);
	assert_int_equal(sarafw_ftp_download(&r.dev, &c, &res), SARAFW_EERROR);
	assert_int_equal(res.err_class, 8);
	assert_int_equal(res.err_code, 6);
	sarafw_persist p = record(&r);
	assert_int_equal(p.state, SARAFW_PERSIST_DOWNLOADING);
	assert_int_equal(p.flags, SARAFW_PERSIST_F_RESUME);
	assert_int_equal(p.stored, 4096);
	assert_int_equal(p.total, 8192);
	assert_int_equal(r.dev.guard, SARAFW_DL_NONE);
	/* the start refused: +UFTPER too, no record */
	const step refused[] = { PROFILE_R410, { "AT+UFTPC=1", "\r\n+UUFTPCR: 1,1\r\n\r\nOK\r\n" },
				 { "AT+UFTPC=100,\"pkg\"", "\r\n+CME ERROR: operation not allowed\r\n" },
				 { "AT+UFTPER", "\r\n+UFTPER: 8,5\r\n\r\nOK\r\n" } };
	rig_up(&r, refused, 7, "SARA-R410M-02B-03");
	assert_int_equal(sarafw_ftp_download(&r.dev, &c, &res), SARAFW_EERROR);
	assert_int_equal(res.err_code, 5);
	assert_int_equal(r.saves, 0);
}

/* Every wait is bounded. */
static void test_ftp_timeouts(void **state)
{
	(void)state;
	rig r;
	sarafw_net_result res;
	/* the login's result never comes */
	const step login[] = { PROFILE_R410, { "AT+UFTPC=1", "\r\nOK\r\n" } };
	rig_up(&r, login, 5, "SARA-R410M-02B-03");
	sarafw_ftp_config c = ftp_cfg(&r);
	assert_int_equal(sarafw_ftp_download(&r.dev, &c, &res), SARAFW_ETIMEOUT);
	assert_true(r.f.clock >= SARAFW_FTP_LOGIN_MS && r.f.clock < SARAFW_FTP_LOGIN_MS + 1000);
	/* no answer to the start: the variant's ftp_start_ms */
	const step start[] = { PROFILE_R410, { "AT+UFTPC=1", "\r\n+UUFTPCR: 1,1\r\n\r\nOK\r\n" }, { "AT+UFTPC=100,\"pkg\"", NULL } };
	rig_up(&r, start, 6, "SARA-R410M-02B-03");
	assert_int_equal(sarafw_ftp_download(&r.dev, &c, &res), SARAFW_ETIMEOUT);
	uint32_t bound = r.dev.variant->limits->ftp_start_ms;
	assert_true(r.f.clock >= bound && r.f.clock < bound + 1000);
	/* a profile command unanswered */
	const step profile[] = { { "AT+UFTP=1,\"h\"", NULL } };
	rig_up(&r, profile, 1, "SARA-R410M-02B-03");
	assert_int_equal(sarafw_ftp_download(&r.dev, &c, &res), SARAFW_ETIMEOUT);
	assert_true(r.f.clock >= SARAFW_ANSWER_MS && r.f.clock < SARAFW_ANSWER_MS + 1000);
	/* the result never comes: max_ms, the record stays */
	const step result[] = { PROFILE_R410, { "AT+UFTPC=1", "\r\n+UUFTPCR: 1,1\r\n\r\nOK\r\n" }, { "AT+UFTPC=100,\"pkg\"", "\r\nOK\r\n" } };
	rig_up(&r, result, 6, "SARA-R410M-02B-03");
	c.max_ms = 120000;
	assert_int_equal(sarafw_ftp_download(&r.dev, &c, &res), SARAFW_ETIMEOUT);
	assert_true(r.f.clock >= 120000 && r.f.clock < 121000);
	assert_int_equal(record(&r).state, SARAFW_PERSIST_DOWNLOADING);
	assert_int_equal(r.dev.guard, SARAFW_DL_NONE);
}

/* Abort after each command: before the module runs the download the
 * engine just ends; once it runs, it cancels and waits for 100,0. */
static int abort_after;
static rig *abort_rig;
static bool abort_now(void *ctx)
{
	(void)ctx;
	return abort_rig->f.next >= (size_t)abort_after;
}

static void test_ftp_abort_at_each_step(void **state)
{
	(void)state;
	static const step full[] = { PROFILE_R410,
				     { "AT+UFTPC=1", "\r\nOK\r\n\r\n+UUFTPCR: 1,1\r\n" },
				     { "AT+UFTPC=100,\"pkg\"", "\r\nOK\r\n\r\n+UUFTPCR: 100,2048 / 8192\r\n" },
				     { "AT+UFTPC=100,\"pkg\",0", "\r\nOK\r\n\r\n+UUFTPCR: 100,4096 / 8192\r\n\r\n+UUFTPCR: 100,0\r\n" } };
	for (int k = 1; k <= 6; k++) {
		rig r;
		sarafw_net_result res;
		rig_up(&r, full, 7, "SARA-R410M-02B-03");
		sarafw_ftp_config c = ftp_cfg(&r);
		c.cancel = abort_now;
		abort_after = k;
		abort_rig = &r;
		assert_int_equal(sarafw_ftp_download(&r.dev, &c, &res), SARAFW_ECANCEL);
		assert_int_equal(r.dev.guard, SARAFW_DL_NONE);
		if (k < 6) {
			assert_int_equal(r.f.next, (size_t)k); /* nothing after the aborted step */
			assert_int_equal(r.saves, 0);
		} else {
			assert_int_equal(r.f.next, 7); /* the cancel went out */
			assert_int_equal(record(&r).state, SARAFW_PERSIST_IDLE);
		}
	}
	/* abort while waiting for the login's result: it ends there */
	static const step late_login[] = { PROFILE_R410, { "AT+UFTPC=1", "\r\nOK\r\n" } };
	rig r;
	sarafw_net_result res;
	rig_up(&r, late_login, 5, "SARA-R410M-02B-03");
	sarafw_ftp_config c = ftp_cfg(&r);
	c.cancel = abort_now;
	abort_after = 5;
	abort_rig = &r;
	assert_int_equal(sarafw_ftp_download(&r.dev, &c, &res), SARAFW_ECANCEL);
	assert_true(r.f.clock < 1000);
}

/* An abort while a cancel is awaited changes nothing: the wait for
 * +UUFTPCR: 100,0 goes on (note §3.2), then the record is cleared. */
static void test_ftp_abort_during_replace(void **state)
{
	(void)state;
	static const step script[] = { { "AT+UFTPC=100,\"pkg\",0", "\r\nOK\r\n" } };
	rig r;
	sarafw_netdl e;
	sarafw_net_result res;
	rig_up(&r, script, 1, "SARA-R410M-02B-03");
	set_record(&r, SARAFW_DL_FTP, "old.bin", 5, 10);
	sarafw_ftp_config c = ftp_cfg(&r);
	assert_int_equal(sarafw_ftp_start(&e, &r.dev, &c, &res, 0), SARAFW_OK);
	assert_true(res.replaced);
	for (int i = 0; i < 20; i++)
		assert_int_equal(sarafw_dev_step(&r.dev, &sarafw_netdl_engine, &e, 100), SARAFW_RUNNING);
	sarafw_netdl_abort(&e);
	assert_int_equal(sarafw_dev_step(&r.dev, &sarafw_netdl_engine, &e, 100), SARAFW_RUNNING);
	queue(&r.f, "\r\n+UUFTPCR: 100,0\r\n");
	int rc;
	while ((rc = sarafw_dev_step(&r.dev, &sarafw_netdl_engine, &e, 100)) == SARAFW_RUNNING)
		;
	assert_int_equal(rc, SARAFW_ECANCEL);
	assert_int_equal(record(&r).state, SARAFW_PERSIST_IDLE);
	assert_int_equal(r.f.next, 1); /* nothing after the cancel */
	assert_false(sarafw_netdl_started(&e));
}

static void test_ftp_cancel_alone(void **state)
{
	(void)state;
	rig r;
	const step script[] = { { "AT+UFTPC=100,\"pkg\",0", "\r\nOK\r\n\r\n+UUFTPCR: 100,4096 / 8192\r\n\r\n+UUFTPCR: 100,0\r\n" } };
	rig_up(&r, script, 1, "SARA-R410M-02B-03");
	set_record(&r, SARAFW_DL_FTP, "pkg", 1, 2);
	assert_int_equal(sarafw_ftp_cancel(&r.dev, "pkg", 0), SARAFW_OK);
	assert_int_equal(record(&r).state, SARAFW_PERSIST_IDLE);
	const step late[] = { { "AT+UFTPC=100,\"pkg\",0", "\r\nOK\r\n" } };
	rig_up(&r, late, 1, "SARA-R410M-02B-03");
	assert_int_equal(sarafw_ftp_cancel(&r.dev, "pkg", 2000), SARAFW_ETIMEOUT);
	assert_true(r.f.clock >= 2000 && r.f.clock < 3000);
	const step done[] = { { "AT+UFTPC=100,\"pkg\",0", "\r\nOK\r\n\r\n+UUFTPCR: 100,1\r\n" } };
	rig_up(&r, done, 1, "SARA-R410M-02B-03");
	assert_int_equal(sarafw_ftp_cancel(&r.dev, "pkg", 0), SARAFW_EPROTO);
	assert_int_equal(sarafw_ftp_cancel(&r.dev, "", 0), SARAFW_EINVAL);
}

/* ---- HTTP ------------------------------------------------------------------ */

#define HTTP_PROFILE { "AT+UHTTP=0", "\r\nOK\r\n" }, { "AT+UHTTP=0,1,\"h\"", "\r\nOK\r\n" }

static void test_http_records(void **state)
{
	(void)state;
	const step script[] = { HTTP_PROFILE,
				{ "AT+UHTTPC=0,100,\"/fw.bin\"", "\r\nOK\r\n\r\n+UUHTTPCR: 1,100,0\r\n\r\n+UUHTTPCR: 0,1,1\r\n"
								"\r\n+UUHTTPCR: 0,100,1,200,\"" MD5 "\"\r\n" } };
	rig r;
	sarafw_net_result res;
	sarafw_http_config c = { .server = "h", .path = "/fw.bin", .md5 = MD5 };
	rig_up(&r, script, 3, "SARA-R422S");
	assert_int_equal(sarafw_http_download(&r.dev, &c, &res), SARAFW_OK);
	assert_int_equal(res.how, SARAFW_NET_NEW);
	assert_int_equal(res.http_status, 200);
	sarafw_persist p = record(&r);
	assert_int_equal(p.state, SARAFW_PERSIST_STORED);
	assert_int_equal(p.method, SARAFW_DL_HTTP);
	assert_int_equal(p.flags, 0);
	assert_int_equal(p.name_hash, sarafw_persist_hash("/fw.bin"));
	/* a record of this path: the GET again (the module resumes it) */
	rig_up(&r, script, 3, "SARA-R422S");
	set_record(&r, SARAFW_DL_HTTP, "/fw.bin", 0, 0);
	assert_int_equal(sarafw_http_download(&r.dev, &c, &res), SARAFW_OK);
	assert_int_equal(res.how, SARAFW_NET_REISSUED);
	assert_false(res.replaced);
	rig_up(&r, script, 3, "SARA-R422S");
	set_record(&r, SARAFW_DL_HTTP, "/other.bin", 0, 0);
	assert_int_equal(sarafw_http_download(&r.dev, &c, &res), SARAFW_OK);
	assert_true(res.replaced);
	/* MD5 mismatch */
	rig_up(&r, script, 3, "SARA-R422S");
	c.md5 = "ffffffffffffffffffffffffffffffff";
	assert_int_equal(sarafw_http_download(&r.dev, &c, &res), SARAFW_EPROTO);
	assert_int_equal(record(&r).state, SARAFW_PERSIST_IDLE);
}

static void test_http_failure_and_abort(void **state)
{
	(void)state;
	const step fail[] = { HTTP_PROFILE, { "AT+UHTTPC=0,100,\"/fw.bin\"", "\r\nOK\r\n\r\n+UUHTTPCR: 0,100,0,404,\"\"\r\n" },
			      { "AT+UHTTPER=0", "\r\n+UHTTPER: 0,3,73\r\n\r\nOK\r\n" } };
	rig r;
	sarafw_net_result res;
	sarafw_http_config c = { .server = "h", .path = "/fw.bin" };
	rig_up(&r, fail, 4, "SARA-R422S");
	assert_int_equal(sarafw_http_download(&r.dev, &c, &res), SARAFW_EERROR);
	assert_int_equal(res.http_status, 404);
	assert_int_equal(res.err_class, 3);
	assert_int_equal(res.err_code, 73);
	assert_int_equal(record(&r).state, SARAFW_PERSIST_DOWNLOADING);

	/* abort while the module downloads: no cancel exists (note §4); the
	 * guard stays for its download and the record for the next run */
	const step running[] = { HTTP_PROFILE, { "AT+UHTTPC=0,100,\"/fw.bin\"", "\r\nOK\r\n" } };
	rig_up(&r, running, 3, "SARA-R422S");
	c.cancel = abort_now;
	abort_after = 3;
	abort_rig = &r;
	assert_int_equal(sarafw_http_download(&r.dev, &c, &res), SARAFW_ECANCEL);
	assert_int_equal(r.dev.guard, SARAFW_DL_HTTP);
	assert_int_equal(record(&r).state, SARAFW_PERSIST_DOWNLOADING);
	assert_int_equal(r.f.next, 3);
	/* abort during the profile: ends there, nothing running */
	rig_up(&r, running, 3, "SARA-R422S");
	abort_after = 1;
	abort_rig = &r;
	assert_int_equal(sarafw_http_download(&r.dev, &c, &res), SARAFW_ECANCEL);
	assert_int_equal(r.dev.guard, SARAFW_DL_NONE);
	assert_int_equal(r.f.next, 1);
	assert_int_equal(r.saves, 0);
	/* the result never comes */
	rig_up(&r, running, 3, "SARA-R422S");
	c.cancel = NULL;
	c.max_ms = 90000;
	assert_int_equal(sarafw_http_download(&r.dev, &c, &res), SARAFW_ETIMEOUT);
	assert_true(r.f.clock >= 90000 && r.f.clock < 91000);
}

/* The engine by steps, as an application's main loop runs it. */
static void test_engine_by_steps(void **state)
{
	(void)state;
	const step script[] = { HTTP_PROFILE, { "AT+UHTTPC=0,100,\"/fw.bin\"", "\r\nOK\r\n\r\n+UUHTTPCR: 0,100,1,200,\"" MD5 "\"\r\n" } };
	rig r;
	sarafw_netdl e;
	sarafw_net_result res;
	sarafw_http_config c = { .server = "h", .path = "/fw.bin" };
	rig_up(&r, script, 3, "SARA-R422S");
	assert_int_equal(sarafw_http_start(&e, &r.dev, &c, &res, 0), SARAFW_OK);
	int rc, steps = 0;
	while ((rc = sarafw_dev_step(&r.dev, &sarafw_netdl_engine, &e, 0)) == SARAFW_RUNNING)
		assert_true(++steps < 1000);
	assert_int_equal(rc, SARAFW_OK);
	assert_int_equal(sarafw_netdl_status(&e), SARAFW_OK);
	/* config errors end the engine at once */
	c.path = "fw.bin";
	assert_int_equal(sarafw_http_start(&e, &r.dev, &c, &res, 0), SARAFW_EINVAL);
	assert_int_equal(sarafw_netdl_status(&e), SARAFW_EINVAL);
	rig_up(&r, NULL, 0, "SARA-R410M-02B-03");
	c.path = "/fw.bin";
	assert_int_equal(sarafw_http_start(&e, &r.dev, &c, &res, 0), SARAFW_ENOTSUP);
	sarafw_ftp_config f = ftp_cfg(&r);
	rig_up(&r, NULL, 0, "SARA-R422");
	assert_int_equal(sarafw_ftp_start(&e, &r.dev, &f, &res, 0), SARAFW_ENOTSUP);
	assert_int_equal(r.f.writes, 0);
	/* note §3.2, SARA-R410M/R412M: no path, at most 64 characters */
	static const struct {
		const char *variant, *file;
		int rc;
	} names[] = {
		{ "SARA-R410M-02B-03", "fota/pkg.bin", SARAFW_EINVAL },
		{ "SARA-R412M-02B-02", "/pkg.bin", SARAFW_EINVAL },
		{ "SARA-R410M-02B-03", "a123456789b123456789c123456789d123456789e123456789f123456789g1234", SARAFW_EINVAL },
		{ "SARA-R410M-02B-03", "a123456789b123456789c123456789d123456789e123456789f123456789g123", SARAFW_OK },
		{ "SARA-R422S", "/fota/pkg.bin", SARAFW_OK },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		rig_up(&r, NULL, 0, names[i].variant);
		f.file = names[i].file;
		assert_int_equal(sarafw_ftp_start(&e, &r.dev, &f, &res, 0), names[i].rc);
		assert_int_equal(sarafw_ftp_cancel_start(&e, &r.dev, names[i].file, 0, 0), names[i].rc);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ftp_new_records_progress),
		cmocka_unit_test(test_ftp_resume_from_record),
		cmocka_unit_test(test_ftp_resume_refused),
		cmocka_unit_test(test_ftp_record_of_another_file),
		cmocka_unit_test(test_ftp_relogin),
		cmocka_unit_test(test_ftp_urc_forms),
		cmocka_unit_test(test_ftp_md5_mismatch_clears_record),
		cmocka_unit_test(test_ftp_failure_keeps_record),
		cmocka_unit_test(test_ftp_timeouts),
		cmocka_unit_test(test_ftp_abort_at_each_step),
		cmocka_unit_test(test_ftp_abort_during_replace),
		cmocka_unit_test(test_ftp_cancel_alone),
		cmocka_unit_test(test_http_records),
		cmocka_unit_test(test_http_failure_and_abort),
		cmocka_unit_test(test_engine_by_steps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

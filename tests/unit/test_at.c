/* Unit tests of the AT engine (lib/at.c) and the error texts (lib/error.c). */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sarafw/at.h"
#include "sarafw/error.h"

#define BUF_SIZE 128
#define CANARY 0xA5
#define N_CANARY 8
#define MAX_EV 32

static const sarafw_urc urcs[] = {
	{ "+UFOTASTAT:", NULL },
	{ "+CEREG:", NULL },
	{ "+UUFWINSTALL:", NULL },
	{ "+UFWUPD:", NULL },
};

/* An engine with canary bytes after its line buffer. */
struct fixture {
	sarafw_at at;
	size_t buf_size;
	char mem[512 + N_CANARY];
};

static void fx_init(struct fixture *fx, size_t buf_size)
{
	sarafw_at_config cfg = { fx->mem, buf_size, urcs, sizeof urcs / sizeof urcs[0] };
	assert_true(buf_size + N_CANARY <= sizeof fx->mem);
	memset(fx->mem, CANARY, sizeof fx->mem);
	fx->buf_size = buf_size;
	assert_int_equal(sarafw_at_init(&fx->at, &cfg), SARAFW_OK);
}

static void check_canary(const struct fixture *fx)
{
	for (size_t i = 0; i < N_CANARY; i++)
		assert_int_equal((uint8_t)fx->mem[fx->buf_size + i], CANARY);
}

/* What an event said, copied out of the engine's buffer. */
struct rec {
	sarafw_at_event_type type;
	sarafw_at_final final;
	int code;
	int urc;
	char text[BUF_SIZE];
	int has_text;
	char line[BUF_SIZE];
};

struct run {
	struct rec ev[MAX_EV];
	int n;
};

static void record(const struct fixture *fx, const sarafw_at_event *ev, struct run *r)
{
	struct rec *e;
	const char *buf = fx->mem;

	assert_non_null(ev->line);
	assert_int_equal(strlen(ev->line), ev->len);
	if (ev->type == SARAFW_AT_EV_NONE || ev->type == SARAFW_AT_EV_TIMEOUT) {
		assert_int_equal(ev->len, 0);
		return;
	}
	/* The line and its NUL lie within the buffer. */
	assert_true(ev->line >= buf && ev->line + ev->len < buf + fx->buf_size);
	if (ev->text) {
		assert_true(ev->text >= ev->line && ev->text <= ev->line + ev->len);
	}
	assert_true(r->n < MAX_EV);
	e = &r->ev[r->n++];
	memset(e, 0, sizeof *e);
	e->type = ev->type;
	e->final = ev->final;
	e->code = ev->code;
	e->urc = ev->urc;
	e->has_text = ev->text != NULL;
	if (ev->text)
		snprintf(e->text, sizeof e->text, "%s", ev->text);
	memcpy(e->line, ev->line, ev->len + 1);
}

/* Feed data[from, to) in one sequence of parse calls. */
static void feed(struct fixture *fx, const uint8_t *data, size_t from, size_t to, struct run *r)
{
	while (from < to) {
		sarafw_at_event ev;
		size_t n = sarafw_at_parse(&fx->at, data + from, to - from, &ev);
		assert_true(n <= to - from);
		/* No event means every byte was taken. */
		if (ev.type == SARAFW_AT_EV_NONE)
			assert_int_equal(n, to - from);
		else
			assert_true(n > 0);
		record(fx, &ev, r);
		check_canary(fx);
		from += n;
	}
}

static void assert_same_runs(const struct run *a, const struct run *b)
{
	assert_int_equal(a->n, b->n);
	for (int i = 0; i < a->n; i++) {
		assert_int_equal(a->ev[i].type, b->ev[i].type);
		assert_int_equal(a->ev[i].final, b->ev[i].final);
		assert_int_equal(a->ev[i].code, b->ev[i].code);
		assert_int_equal(a->ev[i].urc, b->ev[i].urc);
		assert_int_equal(a->ev[i].has_text, b->ev[i].has_text);
		assert_string_equal(a->ev[i].text, b->ev[i].text);
		assert_string_equal(a->ev[i].line, b->ev[i].line);
	}
}

/* An expected event: type, final, code, text (NULL for none), line, urc. */
struct exp {
	sarafw_at_event_type type;
	sarafw_at_final final;
	int code;
	const char *text;
	const char *line;
	int urc;
};

#define E_ECHO(l) { SARAFW_AT_EV_ECHO, SARAFW_AT_FINAL_NONE, -1, NULL, l, -1 }
#define E_RESP(l) { SARAFW_AT_EV_RESPONSE, SARAFW_AT_FINAL_NONE, -1, NULL, l, -1 }
#define E_STRAY(l) { SARAFW_AT_EV_STRAY, SARAFW_AT_FINAL_NONE, -1, NULL, l, -1 }
#define E_URC(l, i) { SARAFW_AT_EV_URC, SARAFW_AT_FINAL_NONE, -1, NULL, l, i }
#define E_PROMPT { SARAFW_AT_EV_PROMPT, SARAFW_AT_FINAL_NONE, -1, NULL, ">", -1 }
#define E_OVF(l) { SARAFW_AT_EV_OVERFLOW, SARAFW_AT_FINAL_NONE, -1, NULL, l, -1 }
#define E_FINAL(f, l) { SARAFW_AT_EV_FINAL, f, -1, NULL, l, -1 }
#define E_CME(c, t, l) { SARAFW_AT_EV_FINAL, SARAFW_AT_FINAL_CME, c, t, l, -1 }
#define E_CMS(c, t, l) { SARAFW_AT_EV_FINAL, SARAFW_AT_FINAL_CMS, c, t, l, -1 }

struct scenario {
	const char *name;
	const char *cmd; /* NULL: nothing pending */
	const char *resp_prefix;
	bool prompt;
	size_t buf_size; /* 0: BUF_SIZE */
	const char *in;
	size_t in_len; /* 0: strlen(in) */
	struct exp ev[12];
	int n_ev;
};

static void assert_expected(const struct scenario *s, const struct run *r)
{
	if (r->n != s->n_ev)
		fail_msg("%s: %d events, expected %d", s->name, r->n, s->n_ev);
	for (int i = 0; i < s->n_ev; i++) {
		const struct exp *x = &s->ev[i];
		const struct rec *e = &r->ev[i];
		if (e->type != x->type || e->final != x->final || e->code != x->code ||
		    e->urc != x->urc || strcmp(e->line, x->line) != 0 ||
		    e->has_text != (x->text != NULL) || (x->text && strcmp(e->text, x->text) != 0))
			fail_msg("%s: event %d is type %d final %d code %d urc %d line \"%s\"",
				 s->name, i, e->type, e->final, e->code, e->urc, e->line);
	}
}

static void start(struct fixture *fx, const struct scenario *s)
{
	fx_init(fx, s->buf_size ? s->buf_size : BUF_SIZE);
	if (s->cmd)
		sarafw_at_begin(&fx->at, s->cmd, s->resp_prefix, s->prompt, 0, 0);
}

/* Whole, byte by byte, and split in two at every position: same events. */
static void run_scenario(const struct scenario *s)
{
	struct fixture fx;
	struct run whole = { .n = 0 }, r;
	const uint8_t *in = (const uint8_t *)s->in;
	size_t len = s->in_len ? s->in_len : strlen(s->in);

	start(&fx, s);
	feed(&fx, in, 0, len, &whole);
	assert_expected(s, &whole);

	start(&fx, s);
	r.n = 0;
	for (size_t i = 0; i < len; i++)
		feed(&fx, in, i, i + 1, &r);
	assert_same_runs(&whole, &r);

	for (size_t k = 0; k <= len; k++) {
		start(&fx, s);
		r.n = 0;
		feed(&fx, in, 0, k, &r);
		feed(&fx, in, k, len, &r);
		assert_same_runs(&whole, &r);
	}
}

static const char cgmr_line[] = "L0.0.00.00.05.12 [Oct 08 2020 15:00:01]";
static const char cereg_line[] = "+CEREG: 1,\"2809\",\"9EBB03\",7";

static const struct scenario realistic[] = {
	{ "CGMR", "AT+CGMR", NULL, false, 0,
	  "AT+CGMR\r\r\nL0.0.00.00.05.12 [Oct 08 2020 15:00:01]\r\n\r\nOK\r\n", 0,
	  { E_ECHO("AT+CGMR"), E_RESP(cgmr_line), E_FINAL(SARAFW_AT_FINAL_OK, "OK") }, 3 },
	{ "CME numeric", "AT+CPIN?", "+CPIN:", false, 0,
	  "AT+CPIN?\r\r\n+CME ERROR: 10\r\n", 0,
	  { E_ECHO("AT+CPIN?"), E_CME(10, NULL, "+CME ERROR: 10") }, 2 },
	{ "CME verbose", "AT+UFWUPD=3", "+UFWUPD:", false, 0,
	  "AT+UFWUPD=3\r\r\n+CME ERROR: FOTA memory is in use\r\n", 0,
	  { E_ECHO("AT+UFWUPD=3"),
	    E_CME(-1, "FOTA memory is in use", "+CME ERROR: FOTA memory is in use") }, 2 },
	/* note §5.1.1.3: ONGOING, CCC..., timeout, ERROR1, OK */
	{ "ERROR1", "AT+UFWUPD=3", "+UFWUPD:", false, 0,
	  "AT+UFWUPD=3\r\r\n+UFWUPD: ONGOING\r\nCCC\r\nERROR1\r\n\r\nOK\r\n", 0,
	  { E_ECHO("AT+UFWUPD=3"), E_RESP("+UFWUPD: ONGOING"), E_RESP("CCC"),
	    E_FINAL(SARAFW_AT_FINAL_ERROR1, "ERROR1"), E_FINAL(SARAFW_AT_FINAL_OK, "OK") }, 5 },
	{ "prompt", "AT+UDWNFILE=\"f\",3", NULL, true, 0,
	  "AT+UDWNFILE=\"f\",3\r\r\n>", 0,
	  { E_ECHO("AT+UDWNFILE=\"f\",3"), E_PROMPT }, 2 },
	{ "prompt with space", "AT+UDWNFILE=\"f\",3", NULL, true, 0,
	  "AT+UDWNFILE=\"f\",3\r\r\n> \r\nOK\r\n", 0,
	  { E_ECHO("AT+UDWNFILE=\"f\",3"), E_PROMPT, E_FINAL(SARAFW_AT_FINAL_OK, "OK") }, 3 },
	{ "URCs between echo and OK", "AT+CGMR", NULL, false, 0,
	  "AT+CGMR\r\r\n+UFOTASTAT: 2,2,100\r\n\r\nL0.0.00.00.05.12 [Oct 08 2020 15:00:01]\r\n"
	  "+CEREG: 1,\"2809\",\"9EBB03\",7\r\n\r\nOK\r\n", 0,
	  { E_ECHO("AT+CGMR"), E_URC("+UFOTASTAT: 2,2,100", 0), E_RESP(cgmr_line),
	    E_URC(cereg_line, 1), E_FINAL(SARAFW_AT_FINAL_OK, "OK") }, 5 },
	{ "resp_prefix beats URC table", "AT+CEREG?", "+CEREG:", false, 0,
	  "AT+CEREG?\r\r\n+CEREG: 1,\"2809\",\"9EBB03\",7\r\n\r\nOK\r\n", 0,
	  { E_ECHO("AT+CEREG?"), E_RESP(cereg_line), E_FINAL(SARAFW_AT_FINAL_OK, "OK") }, 3 },
	/* SARA-R4 sends a bare "\n" before some responses (AT-FACTS, Files). */
	{ "bare LF", "AT+URDFILE=\"f\"", "+URDFILE:", false, 0,
	  "AT+URDFILE=\"f\"\r\n+URDFILE: \"f\",3,\"abc\"\r\nOK\r\n", 0,
	  { E_ECHO("AT+URDFILE=\"f\""), E_RESP("+URDFILE: \"f\",3,\"abc\""),
	    E_FINAL(SARAFW_AT_FINAL_OK, "OK") }, 3 },
	{ "nothing pending", NULL, NULL, false, 0,
	  "\r\n+UFOTASTAT: 3, 1, 0\r\n\r\nRDY\r\n\r\nOK\r\n\r\n+UUFWINSTALL: 100\r\n", 0,
	  { E_URC("+UFOTASTAT: 3, 1, 0", 0), E_STRAY("RDY"), E_FINAL(SARAFW_AT_FINAL_OK, "OK"),
	    E_URC("+UUFWINSTALL: 100", 2) }, 4 },
	{ "other finals", "ATD", NULL, false, 0,
	  "\r\nERROR\r\n\r\n+CMS ERROR: 500\r\n\r\n+CMS ERROR: unknown error\r\n"
	  "\r\nNO CARRIER\r\n\r\nABORTED\r\n", 0,
	  { E_FINAL(SARAFW_AT_FINAL_ERROR, "ERROR"), E_CMS(500, NULL, "+CMS ERROR: 500"),
	    E_CMS(-1, "unknown error", "+CMS ERROR: unknown error"),
	    E_FINAL(SARAFW_AT_FINAL_NO_CARRIER, "NO CARRIER"),
	    E_FINAL(SARAFW_AT_FINAL_ABORTED, "ABORTED") }, 5 },
	{ "echo case-insensitive, once", "AT+CGMR", NULL, false, 0,
	  "at+cgmr\r\r\nAT+CGMR\r\n", 0,
	  { E_ECHO("at+cgmr"), E_RESP("AT+CGMR") }, 2 },
};

static void test_realistic(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof realistic / sizeof realistic[0]; i++)
		run_scenario(&realistic[i]);
}

static const char x40[] = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
static const char x31[] = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";

/* Bad input, into a 32-byte buffer (31 characters per line). */
static const struct scenario bad[] = {
	{ "NUL dropped", NULL, NULL, false, 32, "O\0K\r\n\0\r\n", 8,
	  { E_FINAL(SARAFW_AT_FINAL_OK, "OK") }, 1 },
	{ "only NULs", NULL, NULL, false, 32, "\0\0\0\r\n\0", 6, { { 0 } }, 0 },
	{ "0xFF bytes", NULL, NULL, false, 32, "\xff\xfeOK\r\n\xff\r\nOK\r\n", 0,
	  { E_STRAY("\xff\xfeOK"), E_STRAY("\xff"), E_FINAL(SARAFW_AT_FINAL_OK, "OK") }, 3 },
	{ "lone CRs", NULL, NULL, false, 32, "\r\r\rOK\rERROR\r\r", 0,
	  { E_FINAL(SARAFW_AT_FINAL_OK, "OK"), E_FINAL(SARAFW_AT_FINAL_ERROR, "ERROR") }, 2 },
	{ "LF CR order", NULL, NULL, false, 32, "\n\rOK\n\r", 0,
	  { E_FINAL(SARAFW_AT_FINAL_OK, "OK") }, 1 },
	{ "giant line resyncs", NULL, NULL, false, 32,
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\nOK\r\n", 0,
	  { E_OVF(x31), E_FINAL(SARAFW_AT_FINAL_OK, "OK") }, 2 },
	{ "two giant lines", "AT", NULL, false, 32,
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\rxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
	  "+UFOTASTAT: 1,0,0\r\n", 0,
	  { E_OVF(x31), E_OVF(x31), E_URC("+UFOTASTAT: 1,0,0", 0) }, 3 },
	{ "31 characters fit", NULL, NULL, false, 32, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n", 0,
	  { E_STRAY(x31) }, 1 },
	{ "32 characters do not", NULL, NULL, false, 32, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\nOK\r", 0,
	  { E_OVF(x31), E_FINAL(SARAFW_AT_FINAL_OK, "OK") }, 2 },
	{ "OK inside a giant line", NULL, NULL, false, 32,
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\nOK\r\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n", 0,
	  { E_OVF(x31), E_FINAL(SARAFW_AT_FINAL_OK, "OK"), E_OVF(x31) }, 3 },
	{ "OK in a longer line", NULL, NULL, false, 32, "xOK\r\nOKAY\r\nOK \r\n OK\r\nok\r\n", 0,
	  { E_STRAY("xOK"), E_STRAY("OKAY"), E_STRAY("OK "), E_STRAY(" OK"), E_STRAY("ok") }, 5 },
	{ "ERROR with a number", NULL, NULL, false, 32, "ERROR 5\r\nERROR10\r\n", 0,
	  { E_STRAY("ERROR 5"), E_STRAY("ERROR10") }, 2 },
	{ "+CME ERROR: with nothing", "AT", NULL, false, 32, "+CME ERROR:\r\n+CME ERROR: \r\n", 0,
	  { E_CME(-1, NULL, "+CME ERROR:"), E_CME(-1, NULL, "+CME ERROR: ") }, 2 },
	{ "+CME ERROR: odd numbers", "AT", NULL, false, 32,
	  "+CME ERROR: -5\r\n+CME ERROR: 99999999999\r\n", 0,
	  { E_CME(-1, "-5", "+CME ERROR: -5"), E_CME(-1, "99999999999", "+CME ERROR: 99999999999") }, 2 },
	{ "'>' not expected", "AT", NULL, false, 32, "\r\n>\r\n", 0, { E_RESP(">") }, 1 },
	{ "'>' mid-line", "AT+X", NULL, true, 32, "a>b\r\n", 0, { E_RESP("a>b") }, 1 },
	{ "'>' in a dropped line", "AT+X", NULL, true, 32,
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx> \r\n", 0, { E_OVF(x31) }, 1 },
	{ "control bytes", NULL, NULL, false, 32, "\x01\x02\x1b[0m\x18\x18\r\n", 0,
	  { E_STRAY("\x01\x02\x1b[0m\x18\x18") }, 1 },
	{ "line exactly fills then overflows later", NULL, NULL, false, 32,
	  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 0,
	  { E_STRAY(x31), E_OVF(x31) }, 2 },
};

static void test_bad_input(void **state)
{
	(void)state;
	(void)x40;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		run_scenario(&bad[i]);
}

/* After "+UFWUPD: ONGOING\r\n" parse stops, so "CCC" can go to XMODEM. */
static void test_ongoing_stops(void **state)
{
	static const char in[] = "AT+UFWUPD=3\r\r\n+UFWUPD: ONGOING\r\nCCC";
	const uint8_t *p = (const uint8_t *)in;
	size_t len = sizeof in - 1, n;
	struct fixture fx;
	sarafw_at_event ev;

	(void)state;
	fx_init(&fx, BUF_SIZE);
	sarafw_at_begin(&fx.at, "AT+UFWUPD=3", "+UFWUPD:", false, 0, 0);
	n = sarafw_at_parse(&fx.at, p, len, &ev);
	assert_int_equal(ev.type, SARAFW_AT_EV_ECHO);
	assert_int_equal(n, strlen("AT+UFWUPD=3\r"));
	p += n;
	len -= n;
	n = sarafw_at_parse(&fx.at, p, len, &ev);
	assert_int_equal(ev.type, SARAFW_AT_EV_RESPONSE);
	assert_string_equal(ev.line, "+UFWUPD: ONGOING");
	assert_int_equal(ev.len, 16);
	assert_int_equal(len - n, 3);
	assert_memory_equal(p + n, "CCC", 3);

	/* Alone, without echo, and as a URC when nothing is pending. */
	fx_init(&fx, BUF_SIZE);
	n = sarafw_at_parse(&fx.at, (const uint8_t *)"+UFWUPD: ONGOING\r\nCCC", 21, &ev);
	assert_int_equal(n, 18);
	assert_int_equal(ev.type, SARAFW_AT_EV_URC);
	assert_int_equal(ev.urc, 3);
}

static void test_prompt_stops(void **state)
{
	struct fixture fx;
	sarafw_at_event ev;
	size_t n;

	(void)state;
	fx_init(&fx, BUF_SIZE);
	sarafw_at_begin(&fx.at, "AT+UDWNFILE=\"f\",3", NULL, true, 0, 0);
	n = sarafw_at_parse(&fx.at, (const uint8_t *)"\r\n> ", 4, &ev);
	assert_int_equal(n, 3);
	assert_int_equal(ev.type, SARAFW_AT_EV_PROMPT);
	assert_string_equal(ev.line, ">");
	assert_int_equal(ev.len, 1);
	/* The space is dropped; the next line is clean. */
	n = sarafw_at_parse(&fx.at, (const uint8_t *)" ", 1, &ev);
	assert_int_equal(n, 1);
	assert_int_equal(ev.type, SARAFW_AT_EV_NONE);
	assert_non_null(ev.line);
	assert_int_equal(ev.len, 0);
	n = sarafw_at_parse(&fx.at, (const uint8_t *)"OK\r\n", 4, &ev);
	assert_int_equal(ev.type, SARAFW_AT_EV_FINAL);
	assert_string_equal(ev.line, "OK");
	/* Only one space is skipped, and only right after '>'. */
	sarafw_at_end(&fx.at);
	sarafw_at_begin(&fx.at, "AT+X", NULL, true, 0, 0);
	n = sarafw_at_parse(&fx.at, (const uint8_t *)">  a\r", 5, &ev);
	assert_int_equal(ev.type, SARAFW_AT_EV_PROMPT);
	n = sarafw_at_parse(&fx.at, (const uint8_t *)"  a\r", 4, &ev);
	assert_int_equal(ev.type, SARAFW_AT_EV_RESPONSE);
	assert_string_equal(ev.line, " a");
	/* No prompt once the command has ended. */
	sarafw_at_end(&fx.at);
	n = sarafw_at_parse(&fx.at, (const uint8_t *)">\n", 2, &ev);
	assert_int_equal(ev.type, SARAFW_AT_EV_STRAY);
	assert_string_equal(ev.line, ">");
}

static void test_echo_long_command(void **state)
{
	char cmd[120], in[130];
	struct fixture fx;
	sarafw_at_event ev;

	(void)state;
	memset(cmd, 0, sizeof cmd);
	memcpy(cmd, "AT+UHTTP=0,1,\"", 14);
	memset(cmd + 14, 'h', 90);
	strcat(cmd, "\"");
	snprintf(in, sizeof in, "%s\r", cmd);
	fx_init(&fx, BUF_SIZE);
	sarafw_at_begin(&fx.at, cmd, NULL, false, 0, 0);
	sarafw_at_parse(&fx.at, (const uint8_t *)in, strlen(in), &ev);
	assert_int_equal(ev.type, SARAFW_AT_EV_ECHO);
	assert_string_equal(ev.line, cmd);

	/* A short command's echo must match whole. */
	sarafw_at_end(&fx.at);
	sarafw_at_begin(&fx.at, "AT", NULL, false, 0, 0);
	sarafw_at_parse(&fx.at, (const uint8_t *)"ATI\r", 4, &ev);
	assert_int_equal(ev.type, SARAFW_AT_EV_RESPONSE);
	/* No echo without a pending command. */
	sarafw_at_end(&fx.at);
	sarafw_at_parse(&fx.at, (const uint8_t *)"AT\r", 3, &ev);
	assert_int_equal(ev.type, SARAFW_AT_EV_STRAY);
}

static void test_init(void **state)
{
	char buf[16];
	sarafw_at at;
	sarafw_at_config cfg = { buf, sizeof buf, NULL, 0 };
	static const sarafw_urc empty[] = { { "", NULL } };
	static const sarafw_urc none[] = { { NULL, NULL } };

	(void)state;
	assert_int_equal(sarafw_at_init(&at, &cfg), SARAFW_OK);
	assert_false(at.pending);
	assert_int_equal(sarafw_at_init(NULL, &cfg), SARAFW_EINVAL);
	assert_int_equal(sarafw_at_init(&at, NULL), SARAFW_EINVAL);
	cfg.buf_size = 15;
	assert_int_equal(sarafw_at_init(&at, &cfg), SARAFW_EINVAL);
	cfg.buf_size = 16;
	cfg.buf = NULL;
	assert_int_equal(sarafw_at_init(&at, &cfg), SARAFW_EINVAL);
	cfg.buf = buf;
	cfg.n_urcs = 1;
	assert_int_equal(sarafw_at_init(&at, &cfg), SARAFW_EINVAL);
	cfg.urcs = empty;
	assert_int_equal(sarafw_at_init(&at, &cfg), SARAFW_EINVAL);
	cfg.urcs = none;
	assert_int_equal(sarafw_at_init(&at, &cfg), SARAFW_EINVAL);
	cfg.urcs = urcs;
	assert_int_equal(sarafw_at_init(&at, &cfg), SARAFW_OK);
}

static void tick_expect(sarafw_at *at, uint32_t now, sarafw_at_event_type type)
{
	sarafw_at_event ev;
	sarafw_at_tick(at, now, &ev);
	assert_int_equal(ev.type, type);
	assert_non_null(ev.line);
}

static void test_timeout(void **state)
{
	struct fixture fx;

	(void)state;
	fx_init(&fx, BUF_SIZE);
	tick_expect(&fx.at, 0, SARAFW_AT_EV_NONE);
	sarafw_at_begin(&fx.at, "AT", NULL, false, 1000, 500);
	tick_expect(&fx.at, 1000, SARAFW_AT_EV_NONE);
	tick_expect(&fx.at, 1499, SARAFW_AT_EV_NONE);
	tick_expect(&fx.at, 1500, SARAFW_AT_EV_TIMEOUT);
	tick_expect(&fx.at, 1501, SARAFW_AT_EV_NONE); /* once */
	tick_expect(&fx.at, 9999, SARAFW_AT_EV_NONE);

	/* Across the 2^32 ms wrap: deadline 0x100. */
	sarafw_at_end(&fx.at);
	sarafw_at_begin(&fx.at, "AT", NULL, false, 0xFFFFFF00u, 0x200);
	tick_expect(&fx.at, 0xFFFFFF00u, SARAFW_AT_EV_NONE);
	tick_expect(&fx.at, 0xFFFFFFFFu, SARAFW_AT_EV_NONE);
	tick_expect(&fx.at, 0, SARAFW_AT_EV_NONE);
	tick_expect(&fx.at, 0xFF, SARAFW_AT_EV_NONE);
	tick_expect(&fx.at, 0x100, SARAFW_AT_EV_TIMEOUT);
	tick_expect(&fx.at, 0x101, SARAFW_AT_EV_NONE);

	/* Deadline exactly at the wrap, and a late first tick. */
	sarafw_at_end(&fx.at);
	sarafw_at_begin(&fx.at, "AT", NULL, false, 0xFFFFFFF0u, 0x10);
	tick_expect(&fx.at, 0xFFFFFFFFu, SARAFW_AT_EV_NONE);
	tick_expect(&fx.at, 5000, SARAFW_AT_EV_TIMEOUT);

	/* Timeout 0: no deadline at all. */
	sarafw_at_end(&fx.at);
	sarafw_at_begin(&fx.at, "AT", NULL, false, 1234, 0);
	tick_expect(&fx.at, 1234, SARAFW_AT_EV_NONE);
	tick_expect(&fx.at, 0x7FFFFFFFu, SARAFW_AT_EV_NONE);
	tick_expect(&fx.at, 0xFFFFFFFFu, SARAFW_AT_EV_NONE);

	/* end() disarms; begin() re-arms. */
	sarafw_at_begin(&fx.at, "AT", NULL, false, 0, 10);
	sarafw_at_end(&fx.at);
	tick_expect(&fx.at, 20, SARAFW_AT_EV_NONE);
	sarafw_at_begin(&fx.at, "AT", NULL, false, 100, 10);
	tick_expect(&fx.at, 110, SARAFW_AT_EV_TIMEOUT);
}

/* sarafw_at_split: a table with canaries around argv. */
#define MAX_ARGS 4
struct split_case {
	const char *in;
	int max;
	int ret;
	const char *argv[MAX_ARGS];
};

static const struct split_case splits[] = {
	{ "+UFOTASTAT: 3, 1, 0", 4, 3, { "3", "1", "0" } },
	{ "+UFOTASTAT: 2,2,100", 4, 3, { "2", "2", "100" } },
	{ "+CEREG: 1,\"2809\",\"9EBB03\",7", 4, 4, { "1", "2809", "9EBB03", "7" } },
	{ "+UFOTACONF: 2, -1", 4, 2, { "2", "-1" } },
	{ "+URDFILE: \"a,b\",3,\"x y\"", 4, 3, { "a,b", "3", "x y" } },
	{ "+X: \"a:b\"", 4, 1, { "a:b" } },
	{ "+X: \"\",1", 4, 2, { "", "1" } },
	{ "+X:", 4, 0, { NULL } },
	{ "+X: ", 4, 0, { NULL } },
	{ "+X: \t ", 4, 0, { NULL } },
	{ "", 4, 0, { NULL } },
	{ "1,,3", 4, 3, { "1", "", "3" } },
	{ "1,", 4, 2, { "1", "" } },
	{ ",", 4, 2, { "", "" } },
	{ " , 2 ", 4, 2, { "", "2" } },
	{ "\t 7 \t", 4, 1, { "7" } },
	{ "L0.0.00.00.05.12 [Oct 08 2020 15:00:01]", 4, 1, { cgmr_line } },
	{ "+UFWUPD: ONGOING", 4, 1, { "ONGOING" } },
	{ "ab\"c,d\"e,f", 4, 2, { "ab\"c,d\"e", "f" } },
	{ "\"a\" , \"b\"", 4, 2, { "a", "b" } },
	{ "1,2,3,4", 4, 4, { "1", "2", "3", "4" } },
	{ "1,2,3,4,5", 4, SARAFW_ENOSPACE, { NULL } },
	{ "1,2", 1, SARAFW_ENOSPACE, { NULL } },
	{ "1", 0, SARAFW_ENOSPACE, { NULL } },
	{ "+X:", 0, 0, { NULL } },
	{ "+X: \"unterminated,1", 4, SARAFW_EPROTO, { NULL } },
	{ "\"", 4, SARAFW_EPROTO, { NULL } },
	{ "1,\"a\"\"", 4, SARAFW_EPROTO, { NULL } },
};

static void test_split(void **state)
{
	static char sentinel;
	(void)state;
	for (size_t i = 0; i < sizeof splits / sizeof splits[0]; i++) {
		const struct split_case *c = &splits[i];
		char *slots[MAX_ARGS + 2];
		char line[160];
		size_t n = strlen(c->in);
		int ret;

		for (size_t k = 0; k < MAX_ARGS + 2; k++)
			slots[k] = &sentinel;
		memset(line, CANARY, sizeof line);
		memcpy(line, c->in, n + 1);
		ret = sarafw_at_split(line, slots + 1, c->max);
		if (ret != c->ret)
			fail_msg("split \"%s\": %d, expected %d", c->in, ret, c->ret);
		/* Nothing written before argv or beyond argv[max]. */
		assert_ptr_equal(slots[0], &sentinel);
		for (int k = c->max; k < MAX_ARGS; k++)
			assert_ptr_equal(slots[1 + k], &sentinel);
		assert_ptr_equal(slots[MAX_ARGS + 1], &sentinel);
		/* In place: nothing written past the line's NUL. */
		for (size_t k = n + 1; k < sizeof line; k++)
			assert_int_equal((uint8_t)line[k], CANARY);
		for (int k = 0; k < ret; k++) {
			assert_true(slots[1 + k] >= line && slots[1 + k] <= line + n);
			assert_string_equal(slots[1 + k], c->argv[k]);
		}
	}
	assert_int_equal(sarafw_at_split(NULL, NULL, 0), SARAFW_EINVAL);
}

/* Responses and URCs come split; other events carry no arguments; a line
 * that fits the buffer once but not twice comes whole, unsplit. */
static void test_event_args(void **state)
{
	struct fixture fx;
	sarafw_at_event ev;
	const char *in = "+CEREG: 2, \"2809\", \"9EBB03\", 7\r\n";
	size_t n;

	(void)state;
	fx_init(&fx, 128);
	n = sarafw_at_parse(&fx.at, (const uint8_t *)in, strlen(in), &ev);
	assert_int_equal(ev.type, SARAFW_AT_EV_URC);
	assert_int_equal(n, strlen(in));
	assert_string_equal(ev.line, "+CEREG: 2, \"2809\", \"9EBB03\", 7"); /* untouched */
	assert_int_equal(ev.argc, 4);
	assert_string_equal(ev.argv[0], "2");
	assert_string_equal(ev.argv[1], "2809"); /* note B.1.2: spaces after commas */
	assert_string_equal(ev.argv[2], "9EBB03");
	assert_string_equal(ev.argv[3], "7");

	sarafw_at_begin(&fx.at, "ATI9", NULL, false, 0, 0);
	in = "L0.0.00.00.05.12,A.02.19\r\nOK\r\n";
	n = sarafw_at_parse(&fx.at, (const uint8_t *)in, strlen(in), &ev);
	assert_int_equal(ev.type, SARAFW_AT_EV_RESPONSE);
	assert_int_equal(ev.argc, 2);
	assert_string_equal(ev.argv[1], "A.02.19");
	n = sarafw_at_parse(&fx.at, (const uint8_t *)in + n, strlen(in) - n, &ev);
	assert_int_equal(ev.type, SARAFW_AT_EV_FINAL);
	assert_int_equal(ev.argc, 0);

	/* 20 characters in 32 bytes: the line fits, its copy does not */
	fx_init(&fx, 32);
	in = "+UFOTASTAT: 1,2,3,45\r\n";
	sarafw_at_parse(&fx.at, (const uint8_t *)in, strlen(in), &ev);
	assert_int_equal(ev.type, SARAFW_AT_EV_URC);
	assert_string_equal(ev.line, "+UFOTASTAT: 1,2,3,45");
	assert_int_equal(ev.argc, SARAFW_ENOSPACE);
	check_canary(&fx);

	/* more parameters than SARAFW_AT_ARGS_MAX; an open quote */
	fx_init(&fx, 128);
	in = "+CEREG: 1,2,3,4,5,6,7,8,9,10,11,12,13\r\n+CEREG: \"x\r\n";
	n = sarafw_at_parse(&fx.at, (const uint8_t *)in, strlen(in), &ev);
	assert_int_equal(ev.argc, SARAFW_ENOSPACE);
	sarafw_at_parse(&fx.at, (const uint8_t *)in + n, strlen(in) - n, &ev);
	assert_int_equal(ev.argc, SARAFW_EPROTO);
}

/* One deadline: set with begin, replaced with sarafw_at_deadline, read
 * back with sarafw_at_wait_ms. */
static void test_deadline(void **state)
{
	struct fixture fx;
	(void)state;
	fx_init(&fx, BUF_SIZE);
	assert_int_equal(sarafw_at_wait_ms(&fx.at, 0), UINT32_MAX);
	sarafw_at_begin(&fx.at, "AT", NULL, false, 100, 1000);
	assert_int_equal(sarafw_at_wait_ms(&fx.at, 600), 500);
	sarafw_at_deadline(&fx.at, 600, 5000);
	assert_int_equal(sarafw_at_wait_ms(&fx.at, 600), 5000);
	tick_expect(&fx.at, 1100, SARAFW_AT_EV_NONE);
	tick_expect(&fx.at, 5600, SARAFW_AT_EV_TIMEOUT);
	assert_int_equal(sarafw_at_wait_ms(&fx.at, 9000), UINT32_MAX); /* reported */
	sarafw_at_deadline(&fx.at, 9000, 0);
	assert_int_equal(sarafw_at_wait_ms(&fx.at, 9000), UINT32_MAX);
	sarafw_at_end(&fx.at);
	assert_int_equal(sarafw_at_wait_ms(&fx.at, 9000), UINT32_MAX);
}

static void test_int(void **state)
{
	char s[64];
	long v = 42;

	(void)state;
	assert_true(sarafw_at_int("0", &v));
	assert_int_equal(v, 0);
	assert_true(sarafw_at_int("-1", &v));
	assert_int_equal(v, -1);
	assert_true(sarafw_at_int("+7", &v));
	assert_int_equal(v, 7);
	assert_true(sarafw_at_int("100", &v));
	assert_int_equal(v, 100);
	assert_true(sarafw_at_int("007", &v));
	assert_int_equal(v, 7);
	snprintf(s, sizeof s, "%ld", LONG_MAX);
	assert_true(sarafw_at_int(s, &v));
	assert_true(v == LONG_MAX);
	snprintf(s, sizeof s, "%ld", LONG_MIN);
	assert_true(sarafw_at_int(s, &v));
	assert_true(v == LONG_MIN);
	snprintf(s, sizeof s, "%lu", (unsigned long)LONG_MAX + 1);
	v = 42;
	assert_false(sarafw_at_int(s, &v));
	assert_int_equal(v, 42); /* untouched on failure */
	snprintf(s, sizeof s, "-%lu", (unsigned long)LONG_MAX + 2);
	assert_false(sarafw_at_int(s, &v));
	assert_false(sarafw_at_int("99999999999999999999999", &v));
	assert_false(sarafw_at_int("", &v));
	assert_false(sarafw_at_int("-", &v));
	assert_false(sarafw_at_int("+", &v));
	assert_false(sarafw_at_int("1 ", &v));
	assert_false(sarafw_at_int(" 1", &v));
	assert_false(sarafw_at_int("1a", &v));
	assert_false(sarafw_at_int("0x10", &v));
	assert_false(sarafw_at_int("--1", &v));
	assert_false(sarafw_at_int(NULL, &v));
	assert_int_equal(v, 42);
}

static void test_strerror(void **state)
{
	(void)state;
	static const int gaps[] = { -4, -6 }; /* merged into ENOSPACE and EERROR */
	for (int e = SARAFW_OK; e >= SARAFW_EBAUDBACK; e--) {
		const char *s = sarafw_strerror(e);
		if (e == gaps[0] || e == gaps[1]) {
			assert_string_equal(s, "unknown error");
			continue;
		}
		assert_non_null(s);
		assert_true(strlen(s) > 0);
		assert_null(strchr(s, '\n'));
		/* Every code has its own text. */
		for (int f = e + 1; f <= SARAFW_OK; f++)
			if (f != gaps[0] && f != gaps[1])
				assert_string_not_equal(s, sarafw_strerror(f));
		assert_string_not_equal(s, sarafw_strerror(-1000));
	}
	assert_non_null(sarafw_strerror(-1000));
	assert_non_null(sarafw_strerror(5));
}

static void test_cme_text(void **state)
{
	(void)state;
	assert_string_equal(sarafw_cme_text(3), "operation not allowed");
	assert_string_equal(sarafw_cme_text(4), "operation not supported");
	assert_string_equal(sarafw_cme_text(10), "SIM not inserted");
	assert_string_equal(sarafw_cme_text(13), "SIM failure");
	assert_string_equal(sarafw_cme_text(23), "memory failure");
	assert_string_equal(sarafw_cme_text(30), "no network service");
	assert_string_equal(sarafw_cme_text(100), "unknown");
	assert_null(sarafw_cme_text(-1));
	assert_null(sarafw_cme_text(8));
	assert_null(sarafw_cme_text(9999));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_realistic),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_ongoing_stops),
		cmocka_unit_test(test_prompt_stops),
		cmocka_unit_test(test_echo_long_command),
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_event_args),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_int),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_cme_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

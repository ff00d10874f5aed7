/* The blocking file calls (sarafw/files.h) against a scripted module:
 * names refused before anything is sent, +URDBLOCK answers whose data
 * hold quotes, CR LF and "OK", read in pieces of any size, and bad
 * answers (cut, wrong size or name, garbage, errors, silence). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sarafw/error.h"
#include "sarafw/files.h"
#include "sarafw/timeouts.h"
#include "sarafw/udwnfile.h"

typedef struct {
	uint32_t clock;
	char cmd[400];
	size_t cmd_len;
	char cmds[8][400];      /* the commands received, the first 8 */
	int n_cmds;
	uint8_t out[16384];
	size_t out_len, out_pos;
	size_t chunk;           /* bytes a read hands out at most */
	int echo;
	const char *before;     /* a line sent before every answer, or NULL */
	const char *list;       /* the AT+ULSTFILE=0 answer line */
	const char *size_line;  /* the AT+ULSTFILE=2 answer line instead of the size */
	const uint8_t *reply;   /* the answer to every +URDBLOCK instead of the file's */
	size_t reply_len;
	uint8_t file[10000];
	const char *file_name;
	int deleted;
} fm;

static fm *the_fm;

static void say(fm *m, const void *p, size_t n)
{
	assert_true(m->out_len + n <= sizeof m->out);
	memcpy(m->out + m->out_len, p, n);
	m->out_len += n;
}

static void says(fm *m, const char *s)
{
	say(m, s, strlen(s));
}

/* "name",a,b after prefix: the name and the numbers; false if not. */
static bool args(const char *s, char *name, long *a, long *b)
{
	const char *q;
	if (*s++ != '"' || !(q = strchr(s, '"')))
		return false;
	memcpy(name, s, (size_t)(q - s));
	name[q - s] = '\0';
	*a = *b = -1;
	if (q[1] == ',')
		sscanf(q + 2, "%ld,%ld", a, b);
	return true;
}

static void command(fm *m, const char *cmd)
{
	char name[300];
	long a, b;
	if (m->n_cmds < 8)
		snprintf(m->cmds[m->n_cmds], sizeof m->cmds[0], "%s", cmd);
	m->n_cmds++;
	if (m->echo) {
		says(m, cmd);
		says(m, "\r");
	}
	if (m->before)
		says(m, m->before);
	if (strncmp(cmd, "AT+URDBLOCK=", 12) == 0 && args(cmd + 12, name, &a, &b)) {
		char head[400];
		if (m->reply) {
			say(m, m->reply, m->reply_len);
			return;
		}
		if (strcmp(name, m->file_name) != 0 || a < 0 || b < 1 || a > (long)sizeof m->file) {
			says(m, "\r\n+CME ERROR: 22\r\n");
			return;
		}
		if (b > (long)sizeof m->file - a)
			b = (long)sizeof m->file - a;
		snprintf(head, sizeof head, "\r\n+URDBLOCK: \"%s\",%ld,\"", name, b);
		says(m, head);
		say(m, m->file + a, (size_t)b);
		says(m, "\"\r\nOK\r\n");
	} else if (strcmp(cmd, "AT+ULSTFILE=0") == 0) {
		says(m, "\r\n");
		says(m, m->list);
		says(m, "\r\nOK\r\n");
	} else if (strncmp(cmd, "AT+ULSTFILE=2,", 14) == 0 && args(cmd + 14, name, &a, &b)) {
		if (m->size_line) {
			says(m, "\r\n");
			says(m, m->size_line);
			says(m, "\r\nOK\r\n");
		} else if (strcmp(name, m->file_name) != 0) {
			says(m, "\r\n+CME ERROR: 22\r\n");
		} else {
			snprintf(name, sizeof name, "\r\n+ULSTFILE: %zu\r\nOK\r\n", sizeof m->file);
			says(m, name);
		}
	} else if (strncmp(cmd, "AT+UDELFILE=", 12) == 0 && args(cmd + 12, name, &a, &b)) {
		if (strcmp(name, m->file_name) != 0 || m->deleted) {
			says(m, "\r\n+CME ERROR: 22\r\n");
		} else {
			m->deleted = 1;
			says(m, "\r\nOK\r\n");
		}
	} else if (strcmp(cmd, "AT") == 0) {
		says(m, "\r\nOK\r\n");
	} else {
		says(m, "\r\nERROR\r\n");
	}
}

static int m_write(void *ctx, const uint8_t *p, size_t n)
{
	fm *m = ctx;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\r') {
			m->cmd[m->cmd_len] = '\0';
			m->cmd_len = 0;
			command(m, m->cmd);
		} else if (m->cmd_len < sizeof m->cmd - 1) {
			m->cmd[m->cmd_len++] = (char)p[i];
		}
	}
	return (int)n;
}

static int m_read(void *ctx, uint8_t *p, size_t len, uint32_t timeout)
{
	fm *m = ctx;
	size_t n = m->out_len - m->out_pos;
	if (n == 0) {
		m->out_pos = m->out_len = 0;
		m->clock += timeout ? timeout : 1;
		return 0;
	}
	if (n > len)
		n = len;
	if (n > m->chunk)
		n = m->chunk;
	memcpy(p, m->out + m->out_pos, n);
	m->out_pos += n;
	m->clock += 1;
	return (int)n;
}

static uint32_t m_now(void *ctx)
{
	return ((fm *)ctx)->clock;
}

static int urc_seen;
static void on_urc(void *ctx, int argc, const char *const *argv, const char *line)
{
	(void)ctx, (void)argc, (void)argv, (void)line;
	urc_seen++;
}
static const sarafw_urc urcs[] = { { .prefix = "+CEREG:", .fn = on_urc } };

typedef struct {
	fm m;
	sarafw_port port;
	sarafw_dev dev;
	char line[1024];
	uint8_t got[sizeof ((fm *)0)->file];
	uint32_t got_len;
	int sink_rc;   /* what the sink returns */
	int sink_calls;
} rig;

static void rig_up(rig *r, size_t chunk)
{
	memset(r, 0, sizeof *r);
	the_fm = &r->m;
	r->m.chunk = chunk;
	r->m.file_name = "f.bin";
	r->m.list = "+ULSTFILE: \"f.bin\"";
	for (size_t i = 0; i < sizeof r->m.file; i++)
		r->m.file[i] = (uint8_t)(i * 13 + i / 256);
	/* the bytes an answer's reader could take for its end */
	memcpy(r->m.file + 100, "\"\r\nOK\r\n\"", 8);
	memcpy(r->m.file + 4090, "\r\nOK\r\n\"\r\n", 9); /* across the first block's end */
	r->port = (sarafw_port){ .ctx = &r->m, .write = m_write, .read = m_read, .now_ms = m_now };
	sarafw_dev_config cfg = { .port = &r->port, .line_buf = r->line, .line_buf_size = sizeof r->line,
				  .urcs = urcs, .n_urcs = 1 };
	assert_int_equal(sarafw_dev_init(&r->dev, &cfg), SARAFW_OK);
}

static int sink(void *ctx, uint32_t off, const uint8_t *b, size_t n)
{
	rig *r = ctx;
	r->sink_calls++;
	assert_int_equal(off, r->got_len);
	assert_true(n > 0 && off + n <= sizeof r->got);
	memcpy(r->got + off, b, n);
	r->got_len += (uint32_t)n;
	return r->sink_rc;
}

static void test_name_check(void **state)
{
	(void)state;
	char longest[SARAFW_FILE_NAME_MAX + 2];
	memset(longest, 'n', SARAFW_FILE_NAME_MAX);
	longest[SARAFW_FILE_NAME_MAX] = '\0';
	assert_int_equal(sarafw_file_name_check(longest), SARAFW_OK);
	static const char *const good[] = { "a", "f.bin", "with space", "..a", "~x#1" };
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		assert_int_equal(sarafw_file_name_check(good[i]), SARAFW_OK);

	longest[SARAFW_FILE_NAME_MAX] = 'n';
	longest[SARAFW_FILE_NAME_MAX + 1] = '\0';
	static const char *const bad[] = { "", ".", "..", "a/b", "/a", "a\\b", "a\"b", "a\rb", "a\x01", "\x7f", "\xc3\xa9" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(sarafw_file_name_check(bad[i]), SARAFW_EINVAL);
	assert_int_equal(sarafw_file_name_check(longest), SARAFW_EINVAL);
	assert_int_equal(sarafw_file_name_check(NULL), SARAFW_EINVAL);

	/* refused before a byte is sent */
	rig r;
	uint32_t size;
	rig_up(&r, 64);
	assert_int_equal(sarafw_file_size(&r.dev, "a/b", &size), SARAFW_EINVAL);
	assert_int_equal(sarafw_file_delete(&r.dev, "a\"b"), SARAFW_EINVAL);
	assert_int_equal(sarafw_file_read(&r.dev, longest, 0, 1, sink, &r), SARAFW_EINVAL);
	assert_int_equal(sarafw_file_read(&r.dev, "f.bin", 0xfffffff0u, 0x20, sink, &r), SARAFW_EINVAL);
	assert_int_equal(r.m.n_cmds, 0);

	/* the longest name fits every command line */
	longest[SARAFW_FILE_NAME_MAX] = '\0';
	r.m.file_name = longest;
	assert_int_equal(sarafw_file_read(&r.dev, longest, 0, 10, sink, &r), SARAFW_OK);
	assert_int_equal(sarafw_file_size(&r.dev, longest, &size), SARAFW_OK);
	assert_int_equal(sarafw_file_delete(&r.dev, longest), SARAFW_OK);
}

static void test_read_round_trip(void **state)
{
	(void)state;
	static const size_t chunks[] = { 1, 7, 32, 4096 };
	rig r;
	for (size_t c = 0; c < sizeof chunks / sizeof chunks[0]; c++) {
		for (int variant = 0; variant < 3; variant++) {
			rig_up(&r, chunks[c]);
			r.m.echo = variant == 1;
			if (variant == 2)
				r.m.before = "\r\n+CEREG: 1\r\n"; /* a URC before the answer */
			urc_seen = 0;
			assert_int_equal(sarafw_file_read(&r.dev, "f.bin", 0, sizeof r.m.file, sink, &r), SARAFW_OK);
			assert_int_equal(r.got_len, sizeof r.m.file);
			assert_memory_equal(r.got, r.m.file, sizeof r.m.file);
			assert_int_equal(r.m.n_cmds, 3);
			assert_string_equal(r.m.cmds[0], "AT+URDBLOCK=\"f.bin\",0,4096");
			assert_string_equal(r.m.cmds[1], "AT+URDBLOCK=\"f.bin\",4096,4096");
			assert_string_equal(r.m.cmds[2], "AT+URDBLOCK=\"f.bin\",8192,1808");
			assert_int_equal(urc_seen, variant == 2 ? 3 : 0);
			/* the line is free afterwards */
			assert_int_equal(sarafw_cmd(&r.dev, "AT", NULL, SARAFW_ANSWER_MS, NULL, NULL), SARAFW_OK);
		}
	}
	/* a piece from the middle */
	rig_up(&r, 5);
	r.got_len = 50;
	assert_int_equal(sarafw_file_read(&r.dev, "f.bin", 50, 70, sink, &r), SARAFW_OK);
	assert_int_equal(r.got_len, 120);
	assert_memory_equal(r.got + 50, r.m.file + 50, 70);
	/* nothing to read: nothing sent */
	assert_int_equal(sarafw_file_read(&r.dev, "f.bin", 0, 0, sink, &r), SARAFW_OK);
	assert_int_equal(r.m.n_cmds, 1);
}

static void test_read_bad_answers(void **state)
{
	(void)state;
	static const struct {
		const char *what;
		const char *reply;
		int rc;
	} cases[] = {
		{ "cut, then OK", "\r\n+URDBLOCK: \"f.bin\",10,\"01234\"\r\nOK\r\n", SARAFW_EPROTO },
		{ "cut, then silence", "\r\n+URDBLOCK: \"f.bin\",10,\"01234", SARAFW_ETIMEOUT },
		{ "fewer bytes", "\r\n+URDBLOCK: \"f.bin\",9,\"012345678\"\r\nOK\r\n", SARAFW_EPROTO },
		{ "more bytes", "\r\n+URDBLOCK: \"f.bin\",11,\"0123456789a\"\r\nOK\r\n", SARAFW_EPROTO },
		{ "another file", "\r\n+URDBLOCK: \"g.bin\",10,\"0123456789\"\r\nOK\r\n", SARAFW_EPROTO },
		{ "no closing quote", "\r\n+URDBLOCK: \"f.bin\",10,\"0123456789\r\nOK\r\n", SARAFW_EPROTO },
		{ "unquoted name", "\r\n+URDBLOCK: f.bin,10,\"0123456789\"\r\nOK\r\n", SARAFW_EPROTO },
		{ "no size", "\r\n+URDBLOCK: \"f.bin\",,\"0123456789\"\r\nOK\r\n", SARAFW_EPROTO },
		{ "OK without data", "\r\nOK\r\n", SARAFW_EPROTO },
		{ "garbage, then OK", "\r\n#$%garbage\"x\r\nOK\r\n", SARAFW_EPROTO },
		{ "garbage, then silence", "\r\nxyz", SARAFW_ETIMEOUT },
		{ "ERROR", "\r\nERROR\r\n", SARAFW_EERROR },
		{ "not found", "\r\n+CME ERROR: 22\r\n", SARAFW_EERROR },
		{ "silence", "", SARAFW_ETIMEOUT },
		{ "+URDFILE instead", "\n+URDFILE: \"f.bin\",10,\"0123456789\"\r\nOK\r\n", SARAFW_EPROTO },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (size_t chunk = 1; chunk <= 64; chunk *= 4) {
			rig r;
			rig_up(&r, chunk);
			r.m.reply = (const uint8_t *)cases[i].reply;
			r.m.reply_len = strlen(cases[i].reply);
			uint32_t start = r.m.clock;
			int rc = sarafw_file_read(&r.dev, "f.bin", 0, 10, sink, &r);
			if (rc != cases[i].rc)
				fail_msg("%s (chunk %zu): %d, not %d", cases[i].what, chunk, rc, cases[i].rc);
			/* never a byte that was not asked for, and bounded */
			assert_true(r.got_len <= 10);
			if (cases[i].rc == SARAFW_EPROTO && strstr(cases[i].what, "bytes"))
				assert_int_equal(r.got_len, 0);
			assert_true(r.m.clock - start <= 3 * SARAFW_ANSWER_MS);
			assert_int_equal(r.m.n_cmds, 1);
			if (rc == SARAFW_EERROR && strstr(cases[i].reply, "22")) {
				int cme;
				sarafw_dev_last_error(&r.dev, &cme);
				assert_int_equal(cme, 22);
			}
		}
	}
}

static void test_read_sink_stops(void **state)
{
	(void)state;
	rig r;
	rig_up(&r, 16);
	r.sink_rc = SARAFW_ECANCEL;
	assert_int_equal(sarafw_file_read(&r.dev, "f.bin", 0, sizeof r.m.file, sink, &r), SARAFW_ECANCEL);
	assert_int_equal(r.sink_calls, 1); /* nothing after the sink said stop */
	assert_int_equal(r.m.n_cmds, 1);   /* the block ended, no other began */
	assert_int_equal(sarafw_cmd(&r.dev, "AT", NULL, SARAFW_ANSWER_MS, NULL, NULL), SARAFW_OK);
	/* a missing file */
	rig_up(&r, 16);
	assert_int_equal(sarafw_file_read(&r.dev, "none", 0, 5, sink, &r), SARAFW_EERROR);
	assert_int_equal(r.got_len, 0);
}

typedef struct {
	char names[8][300];
	int n;
} names;

static void on_name(void *ctx, const char *name)
{
	names *l = ctx;
	assert_true(l->n < 8);
	snprintf(l->names[l->n++], sizeof l->names[0], "%s", name);
}

static void test_list(void **state)
{
	(void)state;
	rig r;
	names l;
	static char longline[400];
	snprintf(longline, sizeof longline, "+ULSTFILE: \"a\",\"%0249d\",\"b\"", 0);
	static const struct {
		const char *list;
		int rc;
		int n;
		const char *first, *last;
	} cases[] = {
		{ "+ULSTFILE: \"a.bin\",\"b c\",\"OK\"", SARAFW_OK, 3, "a.bin", "OK" },
		{ "+ULSTFILE: \"a\", \"b\"", SARAFW_OK, 2, "a", "b" },
		{ "+ULSTFILE: ", SARAFW_OK, 0, NULL, NULL },
		{ "+ULSTFILE:", SARAFW_OK, 0, NULL, NULL },
		{ "+ULSTFILE: a,b", SARAFW_EPROTO, 0, NULL, NULL },
		{ "+ULSTFILE: \"a\",b", SARAFW_EPROTO, 1, "a", "a" },
		{ "+ULSTFILE: \"a\"\"b\"", SARAFW_EPROTO, 1, "a", "a" },
		{ "+ULSTFILE: \"a", SARAFW_EPROTO, 0, NULL, NULL },
		{ "+ULSTFILE: \"\"", SARAFW_EPROTO, 0, NULL, NULL },
		{ "ULSTFILE", SARAFW_EPROTO, 0, NULL, NULL }, /* no list line at all */
		{ longline, SARAFW_ENOSPACE, 2, "a", "b" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		rig_up(&r, 9);
		memset(&l, 0, sizeof l);
		r.m.list = cases[i].list;
		int rc = sarafw_file_list(&r.dev, on_name, &l);
		if (rc != cases[i].rc || l.n != cases[i].n)
			fail_msg("%s: %d with %d names", cases[i].list, rc, l.n);
		if (cases[i].first) {
			assert_string_equal(l.names[0], cases[i].first);
			assert_string_equal(l.names[l.n - 1], cases[i].last);
		}
		assert_string_equal(r.m.cmds[0], "AT+ULSTFILE=0");
	}
	/* a list too long for the line buffer is no list, not an empty one */
	rig_up(&r, 9);
	static char huge[3000];
	strcpy(huge, "+ULSTFILE: \"a\"");
	while (strlen(huge) < sizeof huge - 10)
		strcat(huge, ",\"abcd\"");
	r.m.list = huge;
	memset(&l, 0, sizeof l);
	assert_int_equal(sarafw_file_list(&r.dev, on_name, &l), SARAFW_EPROTO);
	assert_int_equal(l.n, 0);
}

static void test_size_and_delete(void **state)
{
	(void)state;
	rig r;
	uint32_t size = 0;
	int cme;
	rig_up(&r, 3);
	assert_int_equal(sarafw_file_size(&r.dev, "f.bin", &size), SARAFW_OK);
	assert_int_equal(size, sizeof r.m.file);
	assert_string_equal(r.m.cmds[0], "AT+ULSTFILE=2,\"f.bin\"");
	assert_int_equal(sarafw_file_size(&r.dev, "g", &size), SARAFW_EERROR);
	sarafw_dev_last_error(&r.dev, &cme);
	assert_int_equal(cme, 22);
	/* answers that are no size */
	static const char *const bad[] = { "+ULSTFILE: x", "+ULSTFILE: 12a", "+ULSTFILE: 4294967296",
					   "+ULSTFILE: \"f.bin\"", "+ULSTFILE: 123456789012345678", "OTHER: 5" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		r.m.size_line = bad[i];
		if (sarafw_file_size(&r.dev, "f.bin", &size) != SARAFW_EPROTO)
			fail_msg("%s taken as a size", bad[i]);
	}
	r.m.size_line = NULL;
	r.m.n_cmds = 2;
	assert_int_equal(sarafw_file_delete(&r.dev, "f.bin"), SARAFW_OK);
	assert_string_equal(r.m.cmds[2], "AT+UDELFILE=\"f.bin\"");
	assert_int_equal(sarafw_file_delete(&r.dev, "f.bin"), SARAFW_EERROR);
	sarafw_dev_last_error(&r.dev, &cme);
	assert_int_equal(cme, 22);
}

static void test_umnoprof_entry(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		bool ok;
		uint32_t id;
		const char *name;
	} cases[] = {
		{ "+UMNOPROF: 0: SW default", true, 0, "SW default" }, /* note §2.6.6, first line */
		{ "205: Verizon Motive", true, 205, "Verizon Motive" },
		{ "21:  TELUS 5.1", true, 21, "TELUS 5.1" },
		{ "7:", true, 7, "" },
		{ "+UMNOPROF: (0,1,2,100,201)", false, 0, NULL },
		{ "+UMNOPROF: 90", false, 0, NULL }, /* the read form */
		{ ": name", false, 0, NULL },
		{ "x1: name", false, 0, NULL },
		{ "12 : name", false, 0, NULL },
		{ "99999999999: big", false, 0, NULL },
		{ "", false, 0, NULL },
		{ "OK", false, 0, NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint32_t id = 12345;
		const char *name = NULL;
		bool ok = sarafw_umnoprof_entry(cases[i].line, &id, &name);
		if (ok != cases[i].ok)
			fail_msg("%s: %d", cases[i].line, ok);
		if (ok) {
			assert_int_equal(id, cases[i].id);
			assert_string_equal(name, cases[i].name);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_check),
		cmocka_unit_test(test_read_round_trip),
		cmocka_unit_test(test_read_bad_answers),
		cmocka_unit_test(test_read_sink_stops),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_size_and_delete),
		cmocka_unit_test(test_umnoprof_entry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

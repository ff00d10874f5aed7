/* common/escape.c: JSON string bodies and trace lines, byte by byte, into
 * fixed buffers (whole escapes only, canaries intact) and into a FILE. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "escape.h"

static const struct {
	const char *name;
	const char *in;
	size_t len;
	const char *json;
	const char *trace;
} cases[] = {
	{ .name = "empty", .in = "", .len = 0, .json = "", .trace = "" },
	{ .name = "plain", .in = "AT+CGMR", .len = 7, .json = "AT+CGMR", .trace = "AT+CGMR" },
	{ .name = "quote and backslash", .in = "a\"b\\c", .len = 5, .json = "a\\\"b\\\\c", .trace = "a\"b\\x5cc" },
	{ .name = "CR LF", .in = "OK\r\n", .len = 4, .json = "OK\\u000d\\u000a", .trace = "OK\\x0d\\x0a" },
	{ .name = "NUL inside", .in = "A\0B", .len = 3, .json = "A\\u0000B", .trace = "A\\x00B" },
	{ .name = "DEL and high bytes", .in = "\x7f\x80\xff", .len = 3, .json = "\\u007f\\u0080\\u00ff",
	  .trace = "\\x7f\\x80\\xff" },
	{ .name = "XMODEM control", .in = "\x01\x06\x15\x18\x1a", .len = 5,
	  .json = "\\u0001\\u0006\\u0015\\u0018\\u001a", .trace = "\\x01\\x06\\x15\\x18\\x1a" },
	{ .name = "space and tilde stay", .in = " ~", .len = 2, .json = " ~", .trace = " ~" },
};

static void every_byte(void **state)
{
	(void)state;
	for (unsigned b = 0; b < 256; b++) {
		char e[ESC_MAX + 1];
		size_t n = esc_json_byte((uint8_t)b, e);
		assert_in_range(n, 1, ESC_MAX);
		e[n] = '\0';
		if (b == '"' || b == '\\')
			assert_int_equal(n, 2);
		else if (b >= 0x20 && b < 0x7f)
			assert_int_equal(n, 1);
		else
			assert_int_equal(n, 6);
		n = esc_trace_byte((uint8_t)b, e);
		e[n] = '\0';
		assert_true(n == 1 || n == 4);
		if (n == 4) {
			/* decodes back to the byte */
			assert_int_equal(strtoul(e + 2, NULL, 16), b);
			assert_memory_equal(e, "\\x", 2);
		}
		for (size_t i = 0; i < n; i++)
			assert_true(e[i] >= 0x20 && e[i] < 0x7f); /* one printable line */
	}
}

static void table_to_buffer_and_file(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[128];
		char *text = NULL;
		size_t size = 0;
		print_message("%s\n", cases[i].name);
		out[0] = '\0';
		assert_int_equal(esc_json(out, sizeof out, cases[i].in, cases[i].len), cases[i].len);
		assert_string_equal(out, cases[i].json);

		FILE *f = open_memstream(&text, &size);
		esc_json_write(f, cases[i].in, cases[i].len);
		fputc('|', f);
		esc_trace_write(f, cases[i].in, cases[i].len);
		fclose(f);
		char want[256];
		snprintf(want, sizeof want, "%s|%s", cases[i].json, cases[i].trace);
		assert_string_equal(text, want);
		free(text);
	}
}

static void appends_and_truncates_whole_escapes(void **state)
{
	char buf[16 + 4];
	(void)state;
	/* appends after what is there */
	strcpy(buf, "x=");
	assert_int_equal(esc_json(buf, 16, "ab", 2), 2);
	assert_string_equal(buf, "x=ab");

	/* cap 16: "x=" + 13 chars + NUL; a 6-char escape that does not fit stops */
	for (size_t cap = 0; cap <= 16; cap++) {
		memset(buf, '#', sizeof buf);
		if (cap)
			buf[0] = '\0';
		size_t took = esc_json(buf, cap, "a\r\"b", 4);
		assert_memory_equal(buf + 16, "####", 4); /* nothing past cap */
		if (cap == 0) {
			assert_int_equal(took, 0);
			assert_int_equal(buf[0], '#');
			continue;
		}
		size_t len = strlen(buf);
		assert_true(len < cap);
		static const char *const full = "a\\u000d\\\"b";
		static const size_t after[] = { 0, 1, 7, 9, 10 }; /* lengths after each byte */
		assert_int_equal(len, after[took]);
		assert_memory_equal(buf, full, len);
		if (took < 4)
			assert_true(after[took + 1] >= cap); /* the next one did not fit */
	}

	/* an unterminated buffer is treated as full */
	memset(buf, 'z', 8);
	assert_int_equal(esc_json(buf, 8, "a", 1), 0);
	assert_int_equal(buf[7], '\0');
}

static void json_string_quotes(void **state)
{
	char *text = NULL;
	size_t size = 0;
	(void)state;
	FILE *f = open_memstream(&text, &size);
	esc_json_string(f, "SARA-R410M-02B-03");
	esc_json_string(f, NULL);
	esc_json_string(f, "\"\n");
	fclose(f);
	assert_string_equal(text, "\"SARA-R410M-02B-03\"\"\"\"\\\"\\u000a\"");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_byte),
		cmocka_unit_test(table_to_buffer_and_file),
		cmocka_unit_test(appends_and_truncates_whole_escapes),
		cmocka_unit_test(json_string_quotes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

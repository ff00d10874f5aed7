/* common/baud.c: the one rate table, its look-ups, parsing a typed rate and
 * the list sarafw prints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <termios.h>

#include <cmocka.h>

#include "baud.h"

static void table_is_sound(void **state)
{
	(void)state;
	assert_true(baud_count >= 9);
	for (size_t i = 0; i < baud_count; i++) {
		if (i)
			assert_true(baud_rates[i - 1].bps < baud_rates[i].bps); /* ascending */
		assert_int_not_equal(baud_rates[i].speed, 0);
		assert_int_equal(baud_speed(baud_rates[i].bps), baud_rates[i].speed);
		assert_int_equal(baud_bps(baud_rates[i].speed), baud_rates[i].bps);
	}
}

static const struct {
	uint32_t bps;
	unsigned speed;
	bool module;
} lookups[] = {
	{ .bps = 9600, .speed = B9600, .module = true },
	{ .bps = 115200, .speed = B115200, .module = true },
	{ .bps = 460800, .speed = B460800, .module = true },
	/* note §5.1.1: the SARA-R422 family's additional rates */
	{ .bps = 921600, .speed = B921600, .module = true },
	{ .bps = 3000000, .speed = B3000000, .module = true },
	/* a host may run at these; a SARA-R4 does not */
	{ .bps = 1200, .speed = B1200 },
	{ .bps = 4800, .speed = B4800 },
	{ .bps = 1000000, .speed = B1000000 },
	{ .bps = 4000000, .speed = B4000000 },
	/* nobody does */
	{ .bps = 0 },
	{ .bps = 12345 },
	{ .bps = 115201 },
	{ .bps = UINT32_MAX },
};

static void table_lookups(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof lookups / sizeof lookups[0]; i++) {
		print_message("%lu\n", (unsigned long)lookups[i].bps);
		assert_int_equal(baud_speed(lookups[i].bps), lookups[i].speed);
		assert_int_equal(baud_is_module(lookups[i].bps), lookups[i].module);
		if (lookups[i].speed)
			assert_int_equal(baud_bps(lookups[i].speed), lookups[i].bps);
	}
	assert_int_equal(baud_bps(0xdeadbeefu), 0);
}

static const struct {
	const char *in;
	uint32_t want;
} parses[] = {
	{ "115200", 115200 },  { "921600", 921600 },     { "3000000", 3000000 },
	{ "0115200", 115200 }, { "4294967295", UINT32_MAX },
	{ "", 0 },             { "abc", 0 },             { "-9600", 0 },       { "+9600", 0 },
	{ " 9600", 0 },        { "9600 ", 0 },           { "9600k", 0 },       { "0x2580", 0 },
	{ "9.6e3", 0 },        { "4294967296", 0 },      { "99999999999999999999", 0 },
	{ NULL, 0 },
};

static void parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof parses / sizeof parses[0]; i++) {
		print_message("'%s'\n", parses[i].in ? parses[i].in : "(null)");
		assert_int_equal(baud_parse(parses[i].in), parses[i].want);
	}
}

static void module_list(void **state)
{
	char buf[200 + 4];
	(void)state;
	assert_string_equal(baud_module_list(buf, 200),
			    "9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600 or 3000000");
	/* small buffers: whole rates only, NUL-terminated, nothing past cap */
	for (size_t cap = 1; cap < 80; cap++) {
		memset(buf, '#', sizeof buf);
		baud_module_list(buf, cap);
		assert_true(strlen(buf) < cap);
		assert_int_equal(buf[cap], '#');
		size_t len = strlen(buf);
		assert_true(len == 0 || (buf[len - 1] >= '0' && buf[len - 1] <= '9'));
	}
	memset(buf, '#', sizeof buf);
	baud_module_list(buf, 0);
	assert_int_equal(buf[0], '#');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_is_sound),
		cmocka_unit_test(table_lookups),
		cmocka_unit_test(parse_table),
		cmocka_unit_test(module_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

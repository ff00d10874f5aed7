/* Building command lines without stdio: exact text, and a buffer that is
 * never overrun. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sarafw/cmdbuf.h"

static void test_builds_commands(void **state)
{
	(void)state;
	char buf[64];
	sarafw_cmdbuf b;
	sarafw_cmdbuf_init(&b, buf, sizeof buf);
	sarafw_cmdbuf_str(&b, "AT+UDWNFILE=");
	sarafw_cmdbuf_quoted(&b, "");
	sarafw_cmdbuf_str(&b, ",");
	sarafw_cmdbuf_u32(&b, 8388608);
	sarafw_cmdbuf_str(&b, ",");
	sarafw_cmdbuf_quoted(&b, "FOAT");
	assert_false(b.overflow);
	assert_string_equal(buf, "AT+UDWNFILE=\"\",8388608,\"FOAT\""); /* note §6.1.4 */
	assert_int_equal(b.len, strlen(buf));

	sarafw_cmdbuf_init(&b, buf, sizeof buf);
	sarafw_cmdbuf_u32(&b, 0);
	sarafw_cmdbuf_str(&b, " ");
	sarafw_cmdbuf_u32(&b, UINT32_MAX);
	assert_string_equal(buf, "0 4294967295");
}

static void test_overflow_is_cut_and_flagged(void **state)
{
	(void)state;
	char buf[8 + 4];
	sarafw_cmdbuf b;
	memset(buf, 0xA5, sizeof buf);
	sarafw_cmdbuf_init(&b, buf, 8);
	sarafw_cmdbuf_str(&b, "AT+IPR=");
	assert_false(b.overflow);
	sarafw_cmdbuf_u32(&b, 3000000);
	assert_true(b.overflow);
	assert_string_equal(buf, "AT+IPR=");
	for (size_t i = 8; i < sizeof buf; i++)
		assert_int_equal((uint8_t)buf[i], 0xA5);

	memset(buf, 0xA5, sizeof buf);
	sarafw_cmdbuf_init(&b, buf, 0);
	assert_true(b.overflow);
	sarafw_cmdbuf_str(&b, "x");
	assert_int_equal((uint8_t)buf[0], 0xA5); /* a zero-size buffer is never touched */
}

static void test_quote_inside_string_is_refused(void **state)
{
	(void)state;
	char buf[32];
	sarafw_cmdbuf b;
	sarafw_cmdbuf_init(&b, buf, sizeof buf);
	sarafw_cmdbuf_quoted(&b, "a\"b"); /* AT strings cannot carry '"' */
	assert_true(b.overflow);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builds_commands),
		cmocka_unit_test(test_overflow_is_cut_and_flagged),
		cmocka_unit_test(test_quote_inside_string_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

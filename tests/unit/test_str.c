/* The library's own string loops (lib/str.c) agree with libc's on short
 * strings, empty ones and ends of strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../lib/str.h"

static const char *const words[] = {
	"", "A", "AT", "ATI", "OK", "ERROR", "ERROR1", "+UFWUPD: ONGOING", "+UFWUPD",
	"AT+UDWNFILE=\"x\",10,\"FOAT\"", "\"FOAT\"", "FOAT", "at", "ERRO",
};
#define N_WORDS (sizeof words / sizeof words[0])

static void test_length(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_WORDS; i++)
		assert_int_equal(sarafw_str_len(words[i]), strlen(words[i]));
}

static void test_equal_and_prefix(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_WORDS; i++) {
		for (size_t k = 0; k < N_WORDS; k++) {
			const char *a = words[i], *b = words[k];
			assert_int_equal(sarafw_str_eq(a, b), strcmp(a, b) == 0);
			assert_int_equal(sarafw_str_starts(a, b), strncmp(a, b, strlen(b)) == 0);
			assert_int_equal(sarafw_str_has(a, b), strstr(a, b) != NULL);
		}
	}
	/* case matters: the guard's FOAT tag is case-sensitive (note §5.2.1.1) */
	assert_false(sarafw_str_eq("ok", "OK"));
	assert_false(sarafw_str_has("AT+UDWNFILE=\"x\",1,\"foat\"", "\"FOAT\""));
}

static void test_character(void **state)
{
	(void)state;
	const char *s = "L0.0.00.00.05.12,A.02.19";
	assert_ptr_equal(sarafw_str_chr(s, ','), strchr(s, ','));
	assert_ptr_equal(sarafw_str_chr(s, 'L'), s);
	assert_ptr_equal(sarafw_str_chr(s, '9'), s + strlen(s) - 1);
	assert_null(sarafw_str_chr(s, 'x'));
	assert_null(sarafw_str_chr("", ','));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_equal_and_prefix),
		cmocka_unit_test(test_character),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

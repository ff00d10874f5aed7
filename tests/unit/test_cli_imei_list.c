/* sarafw campaign create --imeis FILE: the list's parser (cli/imei_list.c),
 * good and bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "imei_list.h"

typedef struct seen {
	char all[256];
} seen;

static void each(void *ctx, const char *imei)
{
	seen *s = ctx;
	assert_int_equal(strlen(imei), IMEI_LIST_LEN);
	if (s->all[0])
		strcat(s->all, " ");
	strcat(s->all, imei);
}

static void table(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t len; /* 0: strlen */
		long n;     /* -1: bad */
		unsigned line;
		const char *want;
	} cases[] = {
		{ "", 0, 0, 0, "" },
		{ "  \n\t,\r\n", 0, 0, 0, "" },
		{ "# only a comment", 0, 0, 0, "" },
		{ "351234567890123", 0, 1, 0, "351234567890123" },
		{ "351234567890123\n", 0, 1, 0, "351234567890123" },
		{ "351234567890123\r\n351234567890124\r\n", 0, 2, 0, "351234567890123 351234567890124" },
		{ "351234567890123,351234567890124 351234567890125", 0, 3, 0,
		  "351234567890123 351234567890124 351234567890125" },
		{ "351234567890123# bench 1\n#351234567890124\n", 0, 1, 0, "351234567890123" },
		{ "35123456789012", 0, -1, 1, "" },                         /* 14 digits */
		{ "3512345678901234", 0, -1, 1, "" },                       /* 16 */
		{ "351234567890123\n35123456789012x\n", 0, -1, 2, "351234567890123" },
		{ "\n\n+51234567890123", 0, -1, 3, "" },
		{ "351234567890123;351234567890124", 0, -1, 1, "" },        /* ';' is no separator */
		{ "urn:imei:351234567890123", 0, -1, 1, "" },
		{ "３５１２３４５６７８９０１２３", 0, -1, 1, "" },          /* full-width digits */
		{ "351234567\0" "90123", 15, -1, 1, "" },                    /* a NUL inside */
		{ "351234567890123\0", 16, -1, 1, "" },                      /* a NUL after: part of the word */
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		seen s = { "" };
		unsigned line = 0;
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
		long n = imei_list_parse(cases[i].in, len, each, &s, &line);
		if (n != cases[i].n || (n < 0 && line != cases[i].line) || strcmp(s.all, cases[i].want))
			fail_msg("case %zu: %ld (line %u) '%s', want %ld (line %u) '%s'", i, n, line, s.all, cases[i].n,
				 cases[i].line, cases[i].want);
	}
}

/* the parser reads no byte past len */
static void bounds(void **state)
{
	(void)state;
	char buf[32];
	memset(buf, 'x', sizeof buf);
	memcpy(buf, "351234567890123", 15);
	seen s = { "" };
	unsigned line = 0;
	assert_int_equal(imei_list_parse(buf, 15, each, &s, &line), 1);
	assert_int_equal(imei_list_parse(buf, 14, each, &s, &line), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(table), cmocka_unit_test(bounds) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}

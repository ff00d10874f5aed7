/* cli/qbackup.c: the IMEI in device data (a table of good and bad
 * input), and backup files: saved, found for their own module only (by
 * chip serial, else by IMEI), and skipped when damaged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "qbackup.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/test_qbackup.XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd);
}

static void imei_table(void **state)
{
	(void)state;
	static const struct {
		const char *data, *imei; /* NULL: none */
	} t[] = {
		{ "imei=354679090348445\n", "354679090348445" },
		{ "cal=1\nimei=354679090348445\0\0\0", "354679090348445" },
		{ "imei=354679090348445", "354679090348445" },           /* at the very end */
		{ "imei=354679090348446\n", NULL },                       /* bad check digit */
		{ "imei=35467909034844\n", NULL },                        /* 14 digits */
		{ "imei=3546790903484450\n", NULL },                      /* 16 digits */
		{ "ximei=354679090348445\n", NULL },                      /* not at a line start */
		{ "IMEI=354679090348445\n", NULL },                       /* the key is lower case */
		{ "imei=35467909034844a\n", NULL },
		{ "imei=\n", NULL },
		{ "", NULL },
		{ "imei=354679090348446\nimei=357591080123455\n", "357591080123455" }, /* the first valid one */
		{ "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", NULL },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char imei[16] = "garbage";
		size_t n = strlen(t[i].data);
		if (i == 1)
			n += 3;
		bool ok = qbk_imei((const uint8_t *)t[i].data, n, imei);
		if (ok != (t[i].imei != NULL) || (ok && strcmp(imei, t[i].imei) != 0) || (!ok && imei[0]))
			fail_msg("case %zu: %d \"%s\"", i, ok, imei);
	}
}

static void save_find_load(void **state)
{
	(void)state;
	uint8_t a[4096] = "imei=354679090348445\ncal=a\n", b[4096] = "imei=357591080123455\ncal=b\n", got[4096];
	qbackup ka, kb, f;
	char sub[128];
	snprintf(sub, sizeof sub, "%s/state/deeper", dir);
	char out[200];
	assert_int_equal(qbk_dir(sub, out, sizeof out), 0);
	assert_string_equal(out, sub);
	assert_int_equal(access(sub, W_OK), 0);

	assert_int_equal(qbk_save(dir, "a9e1ce86", "354679090348445", a, sizeof a, &ka), 0);
	assert_non_null(strstr(ka.path, "/SARAFW_archive_a9e1ce86_354679090348445.qbackup"));
	assert_int_equal(qbk_save(dir, "", "357591080123455", b, sizeof b, &kb), 0);
	/* no serial: 8 hex digits of the data's SHA-256 */
	assert_int_equal(strlen(kb.hash), 8);
	assert_int_equal(strspn(kb.hash, "0123456789abcdef"), 8);

	/* by serial, with or without the IMEI */
	assert_int_equal(qbk_find(dir, "a9e1ce86", "354679090348445", &f), 1);
	assert_string_equal(f.path, ka.path);
	assert_int_equal(qbk_find(dir, "a9e1ce86", "", &f), 1);
	/* the same serial with another module's IMEI: never */
	assert_int_equal(qbk_find(dir, "a9e1ce86", "357591080123455", &f), 0);
	/* another chip: never, even without an IMEI */
	assert_int_equal(qbk_find(dir, "0badc0de", "", &f), 0);
	/* no serial: by IMEI */
	assert_int_equal(qbk_find(dir, "", "357591080123455", &f), 1);
	assert_string_equal(f.path, kb.path);
	assert_int_equal(qbk_find(dir, "", "", &f), 0);
	assert_int_equal(qbk_load(&f, got, sizeof got), 0);
	assert_memory_equal(got, b, sizeof b);
	assert_int_equal(qbk_load(&f, got, 100), -1); /* does not fit */

	/* a damaged file is skipped */
	FILE *fp = fopen(ka.path, "r+b");
	assert_non_null(fp);
	fseek(fp, QBK_HEADER + 10, SEEK_SET);
	fputc('X', fp);
	fclose(fp);
	assert_int_equal(qbk_find(dir, "a9e1ce86", "354679090348445", &f), 0);
	/* and a truncated one */
	assert_int_equal(truncate(kb.path, QBK_HEADER + 5), 0);
	assert_int_equal(qbk_find(dir, "", "357591080123455", &f), 0);
	/* a directory that does not exist holds none */
	assert_int_equal(qbk_find("/nonexistent/dir", "", "357591080123455", &f), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(imei_table),
		cmocka_unit_test(save_find_load),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

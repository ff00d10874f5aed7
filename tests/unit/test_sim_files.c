/* sarafw-sim's user file system (sim/files.c), carrier profiles read from
 * a downloaded file (sim/profiles.c), and note Table 7 for the two
 * +UDWNFILE methods (sim/download.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "atcmd.h"
#include "download.h"
#include "files.h"
#include "flash.h"
#include "profiles.h"

static bool ok(const char *name)
{
	return sim_files_name_ok(name, strlen(name));
}

static void names(void **st)
{
	char n[SIM_FILES_NAME_MAX + 2];
	(void)st;
	assert_true(ok("a"));
	assert_true(ok("fw.bin"));
	assert_true(ok(".hidden"));
	assert_false(ok(""));
	assert_false(ok("."));
	assert_false(ok(".."));
	assert_false(ok("dir/a"));
	assert_false(ok("/a"));
	assert_false(ok("a\\b"));
	assert_false(ok("a\"b"));
	assert_false(ok("a\nb"));
	assert_false(ok("a\xff"));
	/* an embedded NUL: the length says more than the string */
	assert_false(sim_files_name_ok("a\0b", 3));
	memset(n, 'n', sizeof n);
	n[SIM_FILES_NAME_MAX] = '\0';
	assert_true(ok(n));
	n[SIM_FILES_NAME_MAX] = 'n';
	n[SIM_FILES_NAME_MAX + 1] = '\0';
	assert_false(ok(n));
}

static int parse(const char *s, int *id, char *name)
{
	return sim_profile_parse((const uint8_t *)s, strlen(s), id, name);
}

static void profile_header(void **st)
{
	char name[SIM_PROFILE_NAME_MAX + 1];
	char long_name[80];
	int id = -1;
	(void)st;
	assert_int_equal(parse("MNO 205 Verizon Motive test\r\n\x01\x02", &id, name), 0);
	assert_int_equal(id, 205);
	assert_string_equal(name, "Verizon Motive test");
	assert_int_equal(parse("MNO 1 x\n", &id, name), 0);
	assert_int_equal(id, 1);
	assert_int_equal(parse("MNO 255 a b\n", &id, name), 0);
	assert_int_equal(parse("MNO 0 x\n", &id, name), -1);
	assert_int_equal(parse("MNO 256 x\n", &id, name), -1);
	assert_int_equal(parse("MNO 99999999999999999999 x\n", &id, name), -1);
	assert_int_equal(parse("MNO 205\n", &id, name), -1);
	assert_int_equal(parse("MNO 205 \n", &id, name), -1);
	assert_int_equal(parse("MNO x y\n", &id, name), -1);
	assert_int_equal(parse("mno 205 x\n", &id, name), -1);
	assert_int_equal(parse("MNO 205 no line end", &id, name), -1);
	assert_int_equal(parse("MNO 205 a\tb\n", &id, name), -1);
	assert_int_equal(parse("", &id, name), -1);
	snprintf(long_name, sizeof long_name, "MNO 7 %0*d\n", SIM_PROFILE_NAME_MAX, 0);
	assert_int_equal(parse(long_name, &id, name), 0);
	snprintf(long_name, sizeof long_name, "MNO 7 %0*d\n", SIM_PROFILE_NAME_MAX + 1, 0);
	assert_int_equal(parse(long_name, &id, name), -1);
}

static char dir[] = "/tmp/sarafw-test-files-XXXXXX";

static void store(void **st)
{
	struct sim_flash f;
	struct sim_files_dl d = {.open = false};
	char buf[16], name[SIM_PROFILE_NAME_MAX + 1];
	int ids[SIM_PROFILES_MAX];
	(void)st;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(sim_flash_open(&f, dir), 0);
	assert_int_equal(sim_files_free(&f), SIM_FILES_CAPACITY);
	/* a download is nothing until committed */
	assert_int_equal(sim_files_begin(&d, &f), 0);
	assert_int_equal(sim_files_append(&d, "hello", 5), 0);
	assert_int_equal(sim_files_size(&f, "a"), -1);
	assert_int_equal(sim_files_commit(&d, &f, "a"), 0);
	assert_int_equal(sim_files_size(&f, "a"), 5);
	assert_int_equal(sim_files_free(&f), SIM_FILES_CAPACITY - 5);
	assert_int_equal(sim_files_read(&f, "a", 1, buf, sizeof buf), 4);
	assert_memory_equal(buf, "ello", 4);
	/* a discarded one leaves the old file */
	assert_int_equal(sim_files_begin(&d, &f), 0);
	assert_int_equal(sim_files_append(&d, "xy", 2), 0);
	sim_files_discard(&d, &f);
	assert_int_equal(sim_files_read(&f, "a", 0, buf, sizeof buf), 5);
	assert_int_equal(sim_files_delete(&f, "a"), 0);
	assert_int_equal(sim_files_delete(&f, "a"), -2 /* -ENOENT */);
	/* profiles: installed, replaced, listed ascending */
	assert_false(sim_profiles_get(&f, 205, name));
	assert_int_equal(sim_profiles_ids(&f, ids, SIM_PROFILES_MAX), 0);
	assert_int_equal(sim_profiles_install(&f, 205, "one"), 0);
	assert_int_equal(sim_profiles_install(&f, 7, "seven"), 0);
	assert_int_equal(sim_profiles_install(&f, 205, "two"), 0);
	assert_true(sim_profiles_get(&f, 205, name));
	assert_string_equal(name, "two");
	assert_int_equal(sim_profiles_ids(&f, ids, SIM_PROFILES_MAX), 2);
	assert_int_equal(ids[0], 7);
	assert_int_equal(ids[1], 205);
	for (int i = 0; i < 40; i++)
		sim_profiles_install(&f, 10 + i, "n");
	assert_int_equal(sim_profiles_ids(&f, ids, SIM_PROFILES_MAX), SIM_PROFILES_MAX);
	assert_int_not_equal(sim_profiles_install(&f, 250, "n"), 0);
	{
		char cmd[64];
		snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
		assert_int_not_equal(system(cmd), -1);
	}
}

static bool forbids(enum sim_download d, const char *line)
{
	char buf[128];
	struct sim_at_req req;
	snprintf(buf, sizeof buf, "%s", line);
	assert_int_equal(sim_at_parse(buf, &req), SIM_PARSE_OK);
	return sim_download_forbids(d, &req);
}

/* note Table 7 row 4: a "FOAT" transfer blocks +UDWNFILE and the LwM2M
 * client; a plain file transfer blocks neither. */
static void table7_udwnfile(void **st)
{
	(void)st;
	assert_true(forbids(SIM_DL_UDWNFILE, "AT+UDWNFILE=\"\",1000,\"FOAT\""));
	assert_true(forbids(SIM_DL_UDWNFILE, "AT+UFWUPD=3"));
	assert_false(sim_download_lwm2m_allowed(SIM_DL_UDWNFILE));
	assert_true(sim_download_lwm2m_allowed(SIM_DL_FILE));
	assert_false(forbids(SIM_DL_FILE, "AT+UMNOPROF=?"));
	assert_false(forbids(SIM_DL_FILE, "AT+ULSTFILE=0"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),
		cmocka_unit_test(profile_header),
		cmocka_unit_test(store),
		cmocka_unit_test(table7_udwnfile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

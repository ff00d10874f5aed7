/* sarafw-sim's flash records: the key=value text a person can read and
 * edit, parsed from bad and odd input, and written and read back. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "flash.h"

typedef struct {
	const char *name;
	const char *text;
	size_t len; /* 0: strlen(text) */
	int rejected;
	const char *expect; /* the record afterwards, as "k=v;k=v;" */
} parse_case;

static void dump(const struct sim_kv *kv, char *out, size_t cap)
{
	size_t n = 0;
	out[0] = '\0';
	for (int i = 0; i < kv->n; i++)
		n += (size_t)snprintf(out + n, cap - n, "%s=%s;", kv->key[i], kv->val[i]);
}

static const parse_case cases[] = {
	{ "plain", "ipr=115200\necho=1\n", 0, 0, "ipr=115200;echo=1;" },
	{ "no final newline", "ipr=115200\necho=1", 0, 0, "ipr=115200;echo=1;" },
	{ "CRLF from a Windows editor", "ipr=921600\r\necho=0\r\n", 0, 0, "ipr=921600;echo=0;" },
	{ "blanks around key and value", "  ipr \t=  57600  \n", 0, 0, "ipr=57600;" },
	{ "comments and empty lines", "# the module's NVM\n\n\t\nipr=9600\n  # indented\n", 0, 0,
	  "ipr=9600;" },
	{ "later line wins", "ipr=9600\nipr=19200\n", 0, 0, "ipr=19200;" },
	{ "empty value kept", "apn=\n", 0, 0, "apn=;" },
	{ "'=' inside the value", "url=http://h/?a=b\n", 0, 0, "url=http://h/?a=b;" },
	{ "no '='", "ipr 115200\necho=1\n", 0, 1, "echo=1;" },
	{ "empty key", "=5\n  =6\necho=1\n", 0, 2, "echo=1;" },
	{ "key too long to keep whole",
	  "a_key_that_is_far_too_long_for_it=1\na_key_that_is_far_too_long_for_it_too=2\n", 0, 2, "" },
	{ "NUL inside a line skips that line only", "ipr=11\0" "5200\necho=1\n", 18, 1, "echo=1;" },
	{ "NUL in a key", "ip\0r=1\necho=1\n", 14, 1, "echo=1;" },
	{ "two words or a control byte in a key", "my key=1\nk\rx=2\nk\x01=3\nok=1\n", 0, 3, "ok=1;" },
	{ "CR inside a value becomes a blank", "k=a\rb\r\n", 0, 0, "k=a b;" },
	{ "binary garbage", "\xff\xfe\x01\x02\n\x80=\x81\n", 0, 1, "\x80=\x81;" },
	{ "empty text", "", 0, 0, "" },
	{ "only newlines", "\n\n\n", 0, 0, "" },
};

static void test_parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const parse_case *c = &cases[i];
		struct sim_kv kv;
		char got[512];
		size_t len = c->len ? c->len : strlen(c->text);
		int rejected = sim_kv_parse(&kv, c->text, len);
		dump(&kv, got, sizeof got);
		if (rejected != c->rejected || strcmp(got, c->expect) != 0)
			fail_msg("%s: rejected %d (want %d), got \"%s\" (want \"%s\")", c->name, rejected,
				 c->rejected, got, c->expect);
	}
}

static void test_long_value_is_cut(void **state)
{
	(void)state;
	char text[SIM_KV_VAL * 2 + 8];
	struct sim_kv kv;
	memcpy(text, "k=", 2);
	memset(text + 2, 'v', SIM_KV_VAL * 2);
	text[2 + SIM_KV_VAL * 2] = '\n';
	assert_int_equal(sim_kv_parse(&kv, text, 3 + SIM_KV_VAL * 2), 0);
	assert_int_equal(kv.n, 1);
	assert_int_equal(strlen(kv.val[0]), SIM_KV_VAL - 1);
}

static void test_full_record_counts_the_rest(void **state)
{
	(void)state;
	char text[(SIM_KV_MAX + 3) * 16];
	size_t n = 0;
	struct sim_kv kv;
	for (int i = 0; i < SIM_KV_MAX + 3; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "k%d=%d\n", i, i);
	assert_int_equal(sim_kv_parse(&kv, text, n), 3);
	assert_int_equal(kv.n, SIM_KV_MAX);
}

/* What sim_kv_save writes, sim_kv_load reads back the same; a hand-edited
 * file with a bad number falls back to the default. */
static void test_save_load_round_trip(void **state)
{
	(void)state;
	char dir[] = "/tmp/sarafw-flash-XXXXXX";
	struct sim_flash f;
	struct sim_kv a, b;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(sim_flash_open(&f, dir), 0);
	sim_kv_clear(&a);
	sim_kv_set(&a, "ipr", "921600");
	sim_kv_set(&a, "greeting", "  two  words  ");
	sim_kv_set(&a, "multi", "line\none"); /* newlines become blanks */
	sim_kv_set_long(&a, "neg", -5);
	assert_int_equal(sim_kv_save(&f, "nvm", &a), 0);
	assert_int_equal(sim_kv_load(&f, "nvm", &b), 0);
	assert_string_equal(sim_kv_get(&b, "ipr"), "921600");
	assert_string_equal(sim_kv_get(&b, "greeting"), "two  words"); /* outer blanks trimmed */
	assert_string_equal(sim_kv_get(&b, "multi"), "line one");
	assert_int_equal(sim_kv_get_long(&b, "neg", 0), -5);

	assert_int_equal(sim_flash_write(&f, "nvm", "ipr=fast\r\n", 10), 0);
	assert_int_equal(sim_kv_load(&f, "nvm", &b), 0);
	assert_int_equal(sim_kv_get_long(&b, "ipr", 115200), 115200);
	assert_true(sim_kv_load(&f, "missing", &b) < 0);
	assert_int_equal(b.n, 0);

	/* removing: the record goes; a missing one is no error */
	assert_int_equal(sim_flash_remove(&f, "nvm"), 0);
	assert_false(sim_flash_exists(&f, "nvm"));
	assert_int_equal(sim_flash_remove(&f, "nvm"), 0);

	char path[600];
	snprintf(path, sizeof path, "%s/files", dir);
	rmdir(path);
	rmdir(dir);
}

/* --fleet-flash memory: records in memory, nothing on disk; two modules'
 * equal records share their bytes, and one module's change or removal
 * leaves the other's as it was. */
static void test_memory_flash(void **state)
{
	(void)state;
	const char *name = "/tmp/sarafw-flash-memory-never-made";
	struct sim_flash a, b;
	struct sim_kv kv;
	char buf[64], path[600];
	assert_int_equal(sim_flash_open_memory(&a, name), 0);
	assert_int_equal(sim_flash_open_memory(&b, name), 0);
	assert_int_equal(access(name, F_OK), -1);
	assert_int_equal(sim_flash_path(&a, "firmware.bin", path, sizeof path), -1);

	assert_false(sim_flash_exists(&a, "identity"));
	assert_int_equal(sim_flash_read(&a, "identity", buf, sizeof buf), -ENOENT);
	assert_int_equal(sim_flash_write(&a, "identity", "imei=1\n", 7), 0);
	assert_int_equal(sim_flash_write(&b, "identity", "imei=1\n", 7), 0);
	assert_true(sim_flash_exists(&a, "identity"));
	assert_false(sim_flash_exists(&a, "identit"));
	/* a's change leaves b's (the same bytes, stored once) as they were */
	assert_int_equal(sim_flash_write(&a, "identity", "imei=22\n", 8), 0);
	assert_int_equal(sim_flash_read(&b, "identity", buf, sizeof buf), 7);
	assert_memory_equal(buf, "imei=1\n", 7);
	assert_int_equal(sim_flash_read(&a, "identity", buf, sizeof buf), 8);
	assert_memory_equal(buf, "imei=22\n", 8);
	assert_int_equal(sim_flash_read(&a, "identity", buf, 3), 3); /* up to cap */
	assert_memory_equal(buf, "ime", 3);

	/* records as key=value, and an empty record */
	sim_kv_clear(&kv);
	sim_kv_set_long(&kv, "next_checkin", 1234);
	assert_int_equal(sim_kv_save(&a, "lwm2m", &kv), 0);
	assert_int_equal(sim_kv_load(&a, "lwm2m", &kv), 0);
	assert_int_equal(sim_kv_get_long(&kv, "next_checkin", 0), 1234);
	assert_true(sim_kv_load(&b, "lwm2m", &kv) < 0);
	assert_int_equal(sim_flash_write(&a, "empty", "", 0), 0);
	assert_int_equal(sim_flash_read(&a, "empty", buf, sizeof buf), 0);

	/* removing one module's record keeps the other's */
	assert_int_equal(sim_flash_write(&a, "identity", "imei=1\n", 7), 0);
	assert_int_equal(sim_flash_remove(&a, "identity"), 0);
	assert_false(sim_flash_exists(&a, "identity"));
	assert_int_equal(sim_flash_remove(&a, "identity"), 0);
	assert_int_equal(sim_flash_read(&b, "identity", buf, sizeof buf), 7);
	assert_memory_equal(buf, "imei=1\n", 7);
	assert_int_equal(sim_flash_remove(&b, "identity"), 0);
	assert_false(sim_flash_exists(&b, "identity"));
	sim_flash_sync_dir(&a); /* nothing to sync, no directory */
	assert_int_equal(access(name, F_OK), -1);
	sim_flash_close(&a);
	sim_flash_close(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_long_value_is_cut),
		cmocka_unit_test(test_full_record_counts_the_rest),
		cmocka_unit_test(test_save_load_round_trip),
		cmocka_unit_test(test_memory_flash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

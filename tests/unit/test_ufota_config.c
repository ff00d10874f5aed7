/* The legacy uFOTA configuration file (common/ufota_config.h, note §2.6.2):
 * what sarafw-server makes the simulated module reads back; bad files of
 * every kind refused whole; the legacy firmware versions agree with the
 * simulator's variant table (the server decides by the version, the
 * module runs it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "ufota_config.h"
#include "variants.h"

#define SHA "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static const ufota_config good = {
	.product = "SARA-R410M-02B",
	.from = "L0.0.00.00.05.06,A.02.01",
	.to = "L0.0.00.00.05.12,A.02.19",
	.package = SHA,
};

static void test_make_parse(void **state)
{
	static char buf[UFOTA_CONFIG_SIZE + 16];
	ufota_config c;
	(void)state;
	memset(buf, 0x55, sizeof buf);
	assert_int_equal(ufota_config_make(&good, buf, sizeof buf), UFOTA_CONFIG_SIZE);
	assert_int_equal((unsigned char)buf[UFOTA_CONFIG_SIZE], 0x55); /* nothing past the file */
	assert_memory_equal(buf, UFOTA_CONFIG_MAGIC, strlen(UFOTA_CONFIG_MAGIC));
	assert_int_equal(buf[UFOTA_CONFIG_SIZE - 1], '\n');
	assert_int_equal(ufota_config_parse(buf, UFOTA_CONFIG_SIZE, &c), 0);
	assert_memory_equal(&c, &good, sizeof c);
	/* without the padding, and with CR-free blank lines, it still reads */
	const char *small = UFOTA_CONFIG_MAGIC "\nto=B\nfrom=A\n#x\nproduct=P\npackage=" SHA;
	assert_int_equal(ufota_config_parse(small, strlen(small), &c), 0);
	assert_string_equal(c.from, "A");
	assert_string_equal(c.to, "B");
	/* the buffer too small, a field the parser would refuse */
	assert_int_equal(ufota_config_make(&good, buf, UFOTA_CONFIG_SIZE - 1), -1);
	ufota_config bad = good;
	strcpy(bad.to, "a b");
	assert_int_equal(ufota_config_make(&bad, buf, sizeof buf), -1);
	bad = good;
	bad.package[0] = 'A';
	assert_int_equal(ufota_config_make(&bad, buf, sizeof buf), -1);
	bad = good;
	bad.product[0] = '\0';
	assert_int_equal(ufota_config_make(&bad, buf, sizeof buf), -1);
}

static void test_parse_bad(void **state)
{
	static const char *const bad[] = {
		"",
		"SARAFW-UFOTA-CONFIG 2\nproduct=P\nfrom=A\nto=B\npackage=" SHA "\n", /* another format */
		"SARAFW-UFOTA-CONFIG 1 product=P\n",
		UFOTA_CONFIG_MAGIC "product=P\nfrom=A\nto=B\n",                          /* no package */
		UFOTA_CONFIG_MAGIC "product=P\nfrom=A\npackage=" SHA "\n",               /* no to */
		UFOTA_CONFIG_MAGIC "product=P\nfrom=A\nto=B\npackage=" SHA "\nto=C\n",  /* twice */
		UFOTA_CONFIG_MAGIC "product=P\nfrom=A\nto=B\npackage=" SHA "\nkind=x\n", /* unknown key */
		UFOTA_CONFIG_MAGIC "product=P\nfrom=A\nto=B\npackage=" SHA "\njunk\n",  /* no '=' */
		UFOTA_CONFIG_MAGIC "product=\nfrom=A\nto=B\npackage=" SHA "\n",          /* empty */
		UFOTA_CONFIG_MAGIC "product=P Q\nfrom=A\nto=B\npackage=" SHA "\n",       /* a space */
		UFOTA_CONFIG_MAGIC "product=P\r\nfrom=A\nto=B\npackage=" SHA "\n",       /* a CR */
		UFOTA_CONFIG_MAGIC "product=P\nfrom=A\nto=B\npackage=0123\n",            /* short hash */
		UFOTA_CONFIG_MAGIC "product=P\nfrom=A\nto=B\npackage="
				   "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef\n", /* upper case */
		UFOTA_CONFIG_MAGIC " product=P\nfrom=A\nto=B\npackage=" SHA "\n",        /* key with a blank */
		UFOTA_CONFIG_MAGIC "product=P\nfrom=A\nto=B\npackage=" SHA "\nfrom=\xff\n",
		UFOTA_CONFIG_MAGIC "product=0123456789012345678901234567890123456789012345678901234567890123X\n"
				   "from=A\nto=B\npackage=" SHA "\n", /* 65 characters */
		"SARAFWPK\x01\x00\x00\x00 a package, not a configuration file",
	};
	ufota_config c;
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(&c, 0x41, sizeof c);
		assert_int_equal(ufota_config_parse(bad[i], strlen(bad[i]), &c), -1);
		/* refused whole: nothing half-filled */
		static const ufota_config zero;
		assert_memory_equal(&c, &zero, sizeof c);
	}
	/* a NUL inside, one byte too many, and NULL */
	static char buf[UFOTA_CONFIG_SIZE + 1];
	assert_int_equal(ufota_config_make(&good, buf, sizeof buf), UFOTA_CONFIG_SIZE);
	buf[100] = '\0';
	assert_int_equal(ufota_config_parse(buf, UFOTA_CONFIG_SIZE, &c), -1);
	assert_int_equal(ufota_config_make(&good, buf, sizeof buf), UFOTA_CONFIG_SIZE);
	buf[UFOTA_CONFIG_SIZE] = '#';
	assert_int_equal(ufota_config_parse(buf, UFOTA_CONFIG_SIZE + 1, &c), -1);
	assert_int_equal(ufota_config_parse(NULL, 10, &c), -1);
}

/* note §2.6.2: "SARA-R410M-02B-00, SARA-R410M-02B-01, SARA-R410M-52B-00,
 * SARA-R410M-52B-01, SARA-R412M-02B-00, SARA-R412M-02B-01" */
static void test_legacy_versions(void **state)
{
	static const char *const named[] = {
		"SARA-R410M-02B-00", "SARA-R410M-02B-01", "SARA-R410M-52B-00", "SARA-R410M-52B-01",
		"SARA-R412M-02B-00", "SARA-R412M-02B-01",
	};
	int legacy = 0;
	(void)state;
	for (size_t i = 0; i < sim_variant_count(); i++) {
		const struct sim_variant *v = sim_variant_at(i);
		char ver[96];
		bool in_note = false;
		for (size_t k = 0; k < sizeof named / sizeof named[0]; k++)
			in_note |= !strcmp(v->id.type_number, named[k]);
		snprintf(ver, sizeof ver, "%s,%s", v->id.modem_fw, v->id.app_fw);
		if (ufota_legacy_version(ver) != in_note)
			fail_msg("%s (%s): legacy %d, note §2.6.2 %d", v->name, ver, !in_note, in_note);
		legacy += in_note;
	}
	assert_int_equal(legacy, 5); /* the simulator has 52B-00 of the two 52B */
	assert_false(ufota_legacy_version(NULL));
	assert_false(ufota_legacy_version(""));
	assert_false(ufota_legacy_version("L0.0.00.00.05.06")); /* the whole pair, exactly */
	assert_false(ufota_legacy_version("L0.0.00.00.05.06,A.02.01 "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_make_parse),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_legacy_versions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

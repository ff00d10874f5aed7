/* sarafw-sim's installer pieces that need no PTY: the install duration
 * (note §2.4, Table 3, §6.1.3), the provisioning checks of
 * --firmware-version, the built-in image and the demo key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "factory.h"
#include "installer.h"
#include "pkg.h"

#define MIN 60000u

static void test_duration_grows_and_is_capped(void **state)
{
	const struct sim_variant *r422 = sim_variant_find("SARA-R422S");
	const struct sim_variant *r410 = sim_variant_find("SARA-R410M-02B-01");
	const struct sim_variant *r410_03 = sim_variant_find("SARA-R410M-02B-03");
	unsigned fw = PKG_KIND_FIRMWARE;
	(void)state;
	/* bigger packages and more parts take longer */
	assert_true(sim_install_duration_ms(r422, 4096, fw, 0) <
		    sim_install_duration_ms(r422, 1u << 20, fw, 0));
	assert_true(sim_install_duration_ms(r422, 4096, fw, 0) <
		    sim_install_duration_ms(r422, 4096, fw, PKG_FLAG_BOOT));
	assert_true(sim_install_duration_ms(r422, 4096, fw, 0) <
		    sim_install_duration_ms(r422, 4096, fw | PKG_KIND_PROFILE | PKG_KIND_NVM, 0));
	/* the note's maxima: 35 min with a 10 MB delta, 21 (23 on 02B-03) */
	assert_int_equal(sim_install_duration_ms(r422, 10000000, fw, 0), 35 * MIN);
	assert_int_equal(sim_install_duration_ms(r422, 10000000, fw, PKG_FLAG_BOOT), 35 * MIN);
	assert_int_equal(sim_install_duration_ms(r410, 6000000, fw, 0), 21 * MIN);
	assert_int_equal(sim_install_duration_ms(r410, 64u << 20, fw | PKG_KIND_NVM, 0), 21 * MIN);
	assert_int_equal(sim_install_duration_ms(r410_03, 64u << 20, fw, 0), 23 * MIN);
	assert_true(sim_install_duration_ms(r410, 4096, PKG_KIND_NVM, 0) < 1 * MIN);
}

static void test_version_ok_table(void **state)
{
	static const struct {
		const char *v;
		bool ok;
	} cases[] = {
		{"L0.0.00.00.05.12,A.02.19", true},
		{"00.12,A00.01", true},
		{"00.12", false},
		{",A00.01", false},
		{"00.12,", false},
		{"00.12,A00.01,X", false},
		{"00 12,A00.01", false},
		{"00.12,A00.\x01", false},
		{"", false},
		{"0000000000000000000000000000000000000000000000000000000000,1", false},
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_equal(sim_factory_version_ok(cases[i].v), cases[i].ok);
}

static void test_builtin_image(void **state)
{
	static uint8_t a[4096], b[4096], c[4096];
	const struct sim_variant *v = sim_variant_find("SARA-R422S");
	(void)state;
	sim_factory_image(v, "00.12", "A00.01", a, sizeof a);
	sim_factory_image(v, "00.12", "A00.01", b, sizeof b);
	sim_factory_image(v, "00.13", "A00.01", c, sizeof c);
	assert_memory_equal(a, b, sizeof a);
	assert_true(memcmp(a, c, sizeof a) != 0);
}

static void test_demo_key_is_pkg_demo_pub(void **state)
{
	uint8_t pub[PKG_PUB_SIZE];
	(void)state;
	assert_int_equal(pkg_pub_parse(sim_factory_demo_key, strlen(sim_factory_demo_key), pub), PKG_OK);
	assert_memory_equal(pub, pkg_demo_pub, PKG_PUB_SIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duration_grows_and_is_capped),
		cmocka_unit_test(test_version_ok_table),
		cmocka_unit_test(test_builtin_image),
		cmocka_unit_test(test_demo_key_is_pkg_demo_pub),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

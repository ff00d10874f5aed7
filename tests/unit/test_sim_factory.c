/* sarafw-sim's IMEIs: the note §6.2 example passes the check, seeded ones
 * are reproducible, random ones are valid and spread. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "factory.h"

static void test_note_example_is_valid(void **state)
{
	(void)state;
	assert_true(sim_factory_imei_ok("357591080029488")); /* note §6.2 */
	assert_false(sim_factory_imei_ok("357591080029489"));
	assert_false(sim_factory_imei_ok("35759108002948"));
	assert_false(sim_factory_imei_ok("3575910800294880"));
	assert_false(sim_factory_imei_ok("35759108002948x"));
}

static void test_seeded_is_reproducible(void **state)
{
	char a[16], b[16], c[16];
	(void)state;
	sim_factory_imei(7, a);
	sim_factory_imei(7, b);
	sim_factory_imei(8, c);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_true(sim_factory_imei_ok(a));
	assert_memory_equal(a, "35759108", 8);
}

/* a fleet's modules never share an IMEI (they would take each other's
 * registration): SIM_FLEET_MAX of them, whatever the seed */
static void test_fleet_imeis_are_distinct(void **state)
{
	static uint8_t seen[1000000 / 8];
	(void)state;
	for (uint32_t seed = 0; seed < 3; seed++) {
		memset(seen, 0, sizeof seen);
		for (uint32_t i = 0; i < 200000; i++) {
			char imei[16];
			sim_factory_imei_nth(seed * 77u, i, imei);
			assert_true(sim_factory_imei_ok(imei));
			assert_memory_equal(imei, "35759108", 8);
			unsigned serial = (unsigned)atoi(imei + 8) / 10;
			assert_false(seen[serial / 8] & 1u << serial % 8);
			seen[serial / 8] |= (uint8_t)(1u << serial % 8);
		}
	}
	char a[16], b[16];
	sim_factory_imei_nth(5, 9, a);
	sim_factory_imei_nth(5, 9, b);
	assert_string_equal(a, b); /* reproducible */
}

static void test_random_is_valid_and_spread(void **state)
{
	char seen[8][16];
	int distinct = 0;
	(void)state;
	for (int i = 0; i < 8; i++) {
		int dup = 0;
		assert_int_equal(sim_factory_random_imei(seen[i]), 0);
		assert_true(sim_factory_imei_ok(seen[i]));
		assert_memory_equal(seen[i], "35759108", 8);
		for (int j = 0; j < i; j++)
			dup |= strcmp(seen[i], seen[j]) == 0;
		distinct += !dup;
	}
	assert_true(distinct >= 7); /* 10^6 serials: a repeat is rare, two are not seen */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_note_example_is_valid),
		cmocka_unit_test(test_seeded_is_reproducible),
		cmocka_unit_test(test_random_is_valid_and_spread),
		cmocka_unit_test(test_fleet_imeis_are_distinct),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

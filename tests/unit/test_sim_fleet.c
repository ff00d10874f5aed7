/* sarafw-sim --fleet-faults (sim/fleet.c): good specs land, bad ones are
 * refused with a reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fleet.h"

static void test_good(void **s)
{
	struct sim_fleet_faults f;
	char why[128];
	(void)s;
	assert_int_equal(sim_fleet_parse_faults("misbehave=0.3", &f, why, sizeof why), 0);
	assert_true(f.misbehave > 0.29 && f.misbehave < 0.31);
	assert_true(f.fade_s == 30 && f.late == 0 && f.powercut == 0);
	assert_int_equal(sim_fleet_parse_faults("misbehave=0,powercut=2.5,fade=1,fade-s=12,late=3@20.5", &f,
						why, sizeof why), 0);
	assert_true(f.powercut == 2.5 && f.fade == 1 && f.fade_s == 12);
	assert_int_equal(f.late, 3);
	assert_true(f.late_s == 20.5);
	assert_int_equal(sim_fleet_parse_faults("misbehave=1,late=0@0", &f, why, sizeof why), 0);
	assert_true(f.misbehave == 1 && f.late == 0);
}

static void test_bad(void **s)
{
	(void)s;
	static const char *const bad[] = {
		"", ",", "misbehave", "misbehave=", "misbehave=x", "misbehave=1.5", "misbehave=-0.1",
		"misbehave=0.3,", ",misbehave=0.3", "misbehave=0.3,,fade=1", "powercut=-1",
		"powercut=1e9", "fade=nan", "fade-s=0", "fade-s=100000", "late=3", "late=@5",
		"late=3@", "late=-1@5", "late=x@5", "late=3@-1", "late=3@5x", "late=300000@1",
		"speed=1", "misbehave=0.3x", "=1", "misbehave==1",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct sim_fleet_faults f;
		char why[128] = "";
		if (sim_fleet_parse_faults(bad[i], &f, why, sizeof why) != -1)
			fail_msg("accepted '%s'", bad[i]);
		assert_true(why[0] != '\0');
	}
	char big[400];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	struct sim_fleet_faults f;
	char why[128];
	assert_int_equal(sim_fleet_parse_faults(big, &f, why, sizeof why), -1);
	assert_int_equal(sim_fleet_parse_faults(NULL, &f, why, sizeof why), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

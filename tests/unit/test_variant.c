/* The host's variant table against note Table 1, Table 2 and §2.5.2. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "sarafw/variant.h"

static const char *const names[] = {
	"SARA-R410M-02B-00", "SARA-R410M-02B-01", "SARA-R410M-02B-02", "SARA-R410M-02B-03",
	"SARA-R410M-52B",    "SARA-R410M-63B",    "SARA-R410M-73B",    "SARA-R410M-83B",
	"SARA-R412M-02B-00", "SARA-R412M-02B-01", "SARA-R412M-02B-02", "SARA-R412M-02B-03",
	"SARA-R422",         "SARA-R422S",        "SARA-R422M8S",      "SARA-N410",
};

static void test_every_named_version(void **state)
{
	(void)state;
	assert_int_equal(sarafw_variant_count(), sizeof names / sizeof names[0]);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const sarafw_variant *v = sarafw_variant_by_name(names[i]);
		assert_non_null(v);
		/* every wait is bounded */
		assert_non_null(v->limits);
		assert_true(v->limits->boot_ms && v->limits->foat_prep_ms && v->limits->xmodem_window_ms &&
			    v->limits->install_max_ms);
		assert_non_null(sarafw_variant_cancel_cmd(v));
	}
	assert_null(sarafw_variant_at(sarafw_variant_count()));
	assert_null(sarafw_variant_by_name("SARA-R510S"));
}

static void test_table1_methods(void **state)
{
	(void)state;
	/* Table 1: SARA-R422 lacks FTP and HTTP; R410M/R412M/N410 lack HTTP */
	assert_int_equal(sarafw_variant_by_name("SARA-R422")->methods & (SARAFW_METHOD_FTP | SARAFW_METHOD_HTTP), 0);
	assert_true(sarafw_variant_by_name("SARA-R422S")->methods & SARAFW_METHOD_HTTP);
	assert_true(sarafw_variant_by_name("SARA-R422M8S")->methods & SARAFW_METHOD_FTP);
	assert_int_equal(sarafw_variant_by_name("SARA-R410M-02B-03")->methods & SARAFW_METHOD_HTTP, 0);
	assert_true(sarafw_variant_by_name("SARA-N410")->methods & SARAFW_METHOD_FTP);
	for (size_t i = 0; i < sarafw_variant_count(); i++)
		assert_true(sarafw_variant_at(i)->methods & SARAFW_METHOD_FOAT);
}

static void test_table2_urcs(void **state)
{
	(void)state;
	const sarafw_variant *v = sarafw_variant_by_name("SARA-R422S");
	assert_int_equal(v->urcs, SARAFW_URC_UFOTASTAT | SARAFW_URC_ULWM2MSTAT | SARAFW_URC_UFWINSTALL);
	assert_int_equal(v->urcs_default, 0);
	v = sarafw_variant_by_name("SARA-R410M-63B");
	assert_int_equal(v->urcs_default, SARAFW_URC_UFOTASTAT | SARAFW_URC_ULWM2MSTAT);
	v = sarafw_variant_by_name("SARA-R410M-52B");
	assert_int_equal(v->urcs, SARAFW_URC_ULWM2MSTAT);
	assert_true(v->legacy_lwm2mstat);
	assert_string_equal(sarafw_variant_cancel_cmd(v), "AT+ULWM2M=0"); /* §2.3 */
	v = sarafw_variant_by_name("SARA-R412M-02B-03");
	assert_int_equal(v->urcs_default, 0);
	assert_false(v->legacy_lwm2mstat);
	assert_string_equal(sarafw_variant_cancel_cmd(v), "AT+UFOTA=0");
}

static void test_ufotaconf_and_backup(void **state)
{
	(void)state;
	/* §2.5.2: not on R422 family, 63B/73B/83B, R410M-02B-00, 02B-03, R412M-02B-03 */
	static const char *const without[] = { "SARA-R422", "SARA-R422S", "SARA-R410M-63B", "SARA-R410M-83B",
					       "SARA-R410M-02B-00", "SARA-R410M-02B-03", "SARA-R412M-02B-03" };
	for (size_t i = 0; i < sizeof without / sizeof without[0]; i++)
		assert_false(sarafw_variant_by_name(without[i])->ufotaconf);
	assert_true(sarafw_variant_by_name("SARA-R410M-02B-01")->ufotaconf);
	assert_true(sarafw_variant_by_name("SARA-R412M-02B-00")->ufotaconf);
	/* §6.3 */
	assert_true(sarafw_variant_by_name("SARA-R410M-02B-03")->backup_restore);
	assert_true(sarafw_variant_by_name("SARA-R422M8S")->backup_restore);
	assert_false(sarafw_variant_by_name("SARA-R410M-73B")->backup_restore);
	assert_false(sarafw_variant_by_name("SARA-R412M-02B-02")->backup_restore);
	/* §5.1.1 additional rate only on the R422 family */
	assert_int_equal(sarafw_variant_by_name("SARA-R422")->limits->max_baud, 3000000);
	assert_int_equal(sarafw_variant_by_name("SARA-R410M-02B-03")->limits->max_baud, 460800);
	/* Table 3 footnote 2 */
	assert_int_equal(sarafw_variant_by_name("SARA-R410M-02B-03")->limits->install_max_ms, 23u * 60000u);
	assert_int_equal(sarafw_variant_by_name("SARA-R422S")->limits->install_max_ms, 35u * 60000u);
}

static void test_match_type_numbers(void **state)
{
	(void)state;
	static const struct {
		const char *type, *name;
	} t[] = {
		{ "SARA-R410M-02B-03", "SARA-R410M-02B-03" }, { "SARA-R410M-52B-01", "SARA-R410M-52B" },
		{ "SARA-R422-00B-00", "SARA-R422" },         { "SARA-R422S-01B-00", "SARA-R422S" },
		{ "SARA-R422M8S-00B-01", "SARA-R422M8S" },   { "SARA-N410-02B-01", "SARA-N410" },
		{ "SARA-R412M-02B-01", "SARA-R412M-02B-01" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		const sarafw_variant *v = sarafw_variant_match(t[i].type);
		assert_non_null(v);
		assert_string_equal(v->name, t[i].name);
	}
	assert_null(sarafw_variant_match("SARA-R410M-01B-00")); /* the note excludes 01B */
	assert_null(sarafw_variant_match(""));
	assert_null(sarafw_variant_match(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_named_version), cmocka_unit_test(test_table1_methods),
		cmocka_unit_test(test_table2_urcs),         cmocka_unit_test(test_ufotaconf_and_backup),
		cmocka_unit_test(test_match_type_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

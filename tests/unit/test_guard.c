/* The download guard against note §7, Table 7, row by row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sarafw/dev.h"
#include "sarafw/error.h"

typedef struct {
	sarafw_download active;
	const char *cmd;
	int expect;
} row;

#define B SARAFW_EBUSY
#define OK SARAFW_OK

static const row rows[] = {
	/* nothing active: nothing refused */
	{ SARAFW_DL_NONE, "AT+UFWUPD=3", OK },
	{ SARAFW_DL_NONE, "AT+UFTPC=100,\"fw.bin\"", OK },
	/* row 1, LwM2M client FOTA download */
	{ SARAFW_DL_LWM2M, "AT+UFTPC=100,\"fw.bin\"", B },
	{ SARAFW_DL_LWM2M, "AT+UFWUPD=3", B },
	{ SARAFW_DL_LWM2M, "at+ufwupd=3", B },
	{ SARAFW_DL_LWM2M, "AT+UDWNFILE=\"\",12300,\"FOAT\"", B },
	{ SARAFW_DL_LWM2M, "AT+UDWNFILE=\"notes.txt\",10", OK }, /* only the FOAT tag */
	{ SARAFW_DL_LWM2M, "AT+USODL=0", B },
	{ SARAFW_DL_LWM2M, "AT+UFTPC=6,\"a\"", B },
	{ SARAFW_DL_LWM2M, "AT+UFTPC=7,\"a\"", B },
	{ SARAFW_DL_LWM2M, "AT+UFTPC=4,\"a\",\"b\"", OK },
	{ SARAFW_DL_LWM2M, "AT+UHTTPC=0,100,\"/fw.bin\"", B },
	{ SARAFW_DL_LWM2M, "AT+UHTTPC=0,1,\"/index.html\",\"r\"", OK },
	{ SARAFW_DL_LWM2M, "AT+UFOTA=0", OK }, /* the cancel must pass (§2.3) */
	{ SARAFW_DL_LWM2M, "AT+UFTPC=1000", OK },
	/* row 2, AT+UFTPC=100 */
	{ SARAFW_DL_FTP, "AT+UFWUPD=3", B },
	{ SARAFW_DL_FTP, "AT+UDWNFILE=\"x\",1", B },
	{ SARAFW_DL_FTP, "AT+URDFILE=\"x\"", B },
	{ SARAFW_DL_FTP, "AT+USODL=1", B },
	{ SARAFW_DL_FTP, "AT+UHTTPC=3,100,\"/fw\"", B },
	{ SARAFW_DL_FTP, "AT+UFTPC=1", B }, /* "All other +UFTPC commands are not allowed" */
	{ SARAFW_DL_FTP, "AT+UFTPC=100,\"fw.bin\",0", OK }, /* cancel (§3.2) */
	{ SARAFW_DL_FTP, "AT+UFTPER", OK },
	{ SARAFW_DL_FTP, "ATI9", OK },
	/* row 3, AT+UFWUPD=3 */
	{ SARAFW_DL_UFWUPD, "AT+UFTPC=100,\"a\"", B },
	{ SARAFW_DL_UFWUPD, "AT+UDWNFILE=\"x\",1", B },
	{ SARAFW_DL_UFWUPD, "AT+URDFILE=\"x\"", B },
	{ SARAFW_DL_UFWUPD, "AT+UHTTPC=0,100,\"/fw\"", B },
	{ SARAFW_DL_UFWUPD, "AT+UFWUPD=3", OK }, /* the method's own command */
	{ SARAFW_DL_UFWUPD, "AT+IPR=115200", OK },
	/* row 4, AT+UDWNFILE with the FOAT tag */
	{ SARAFW_DL_UDWNFILE, "AT+UFWUPD=3", B },
	{ SARAFW_DL_UDWNFILE, "AT+UDWNFILE=\"y\",5", B },
	{ SARAFW_DL_UDWNFILE, "AT+URDFILE=\"y\"", B },
	{ SARAFW_DL_UDWNFILE, "AT+UFTPC=100,\"a\"", B },
	{ SARAFW_DL_UDWNFILE, "AT+UHTTPC=1,100,\"/a\"", B },
	/* row 5, AT+UHTTPC=<profile_id>,100 */
	{ SARAFW_DL_HTTP, "AT+UFTPC=100,\"a\"", B },
	{ SARAFW_DL_HTTP, "AT+UFWUPD=3", B },
	{ SARAFW_DL_HTTP, "AT+UDWNFILE=\"y\",5", B },
	{ SARAFW_DL_HTTP, "AT+URDFILE=\"y\"", B },
	{ SARAFW_DL_HTTP, "AT+USODL=0", B },
	{ SARAFW_DL_HTTP, "AT+UHTTPER=0", OK },
	/* near misses are not matches */
	{ SARAFW_DL_LWM2M, "AT+UFWUPD=30", OK },
	{ SARAFW_DL_LWM2M, "AT+UFTPC=1000,\"x\"", OK },
	{ SARAFW_DL_LWM2M, "AT+UHTTPC=,100", OK },
	{ SARAFW_DL_LWM2M, "", OK },
	{ SARAFW_DL_UFWUPD, "AT", OK },
};

static void test_table7(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		int got = sarafw_guard_check(rows[i].active, rows[i].cmd);
		if (got != rows[i].expect)
			fail_msg("row %zu: method %d, \"%s\": got %d, want %d", i, rows[i].active,
				 rows[i].cmd, got, rows[i].expect);
	}
	assert_int_equal(sarafw_guard_check(SARAFW_DL_FTP, NULL), SARAFW_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_table7) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
